/*
 * doc.c: read one YAML document into a tree of nodes that remember where
 * they came from (line, column, byte range). Built on libyaml's event parser.
 *
 * Before libyaml sees the bytes, a pre-scan rejects what a hand edit or a bad
 * merge leaves behind and libyaml would report poorly: invalid UTF-8 (libyaml
 * gives only an offset), control bytes, and git conflict markers.
 */
#include "crm/doc.h"
#include "crm/buf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/*
 * The reader allocates every node, text and child array of a document from
 * one arena: a record has hundreds of nodes, and a malloc and free for each
 * cost more than the parse itself.
 */
struct crm_arena {
	struct crm_arena *next;
	size_t used, cap;
	max_align_t data[];
};

/*
 * Blocks of freed arenas are kept for the next document: reading 10,000
 * records otherwise makes malloc give the heap top back to the system and
 * take it again for every one (tens of thousands of brk calls).
 */
#define ARENA_BLOCK 16384
#define ARENA_KEEP 16
static _Thread_local struct crm_arena *spare; /* per thread, as documents are read on two */
static _Thread_local int nspare;

static void *arena_alloc(crm_doc *doc, size_t n)
{
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct crm_arena *a = doc->arena;
	if (!a || a->used + n > a->cap) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		struct crm_arena *b;
		if (cap == ARENA_BLOCK && spare) {
			b = spare;
			spare = b->next;
			nspare--;
		} else {
			b = crm_xmalloc(sizeof *b + cap);
		}
		b->used = 0;
		b->cap = cap;
		b->next = a;
		doc->arena = b;
		a = b;
	}
	void *p = (char *)a->data + a->used;
	a->used += n;
	return p;
}

static void arena_free(struct crm_arena *a)
{
	while (a) {
		struct crm_arena *next = a->next;
		if (a->cap == ARENA_BLOCK && nspare < ARENA_KEEP) {
			a->next = spare;
			spare = a;
			nspare++;
		} else {
			free(a);
		}
		a = next;
	}
}

void crm_doc_thread_done(void)
{
	while (spare) {
		struct crm_arena *next = spare->next;
		free(spare);
		spare = next;
	}
	nspare = 0;
}

typedef struct {
	crm_doc *doc;
	crm_diags *diags;
	const char *text;     /* what libyaml reads: src without the BOM */
	size_t text_len;
	size_t text_off;      /* offset of text within doc->src (3 with a BOM) */
	size_t *line_starts;  /* byte offset in text of each line */
	unsigned char *line_ascii; /* per line: 1 ASCII only (columns are bytes), 0 not, 2 unknown */
	bool bad_bytes;       /* index_lines saw a byte that scan_bytes must report */
	size_t nlines;
	int errors;
	/* the last mark converted, so that the next one need not count from its line start */
	size_t last_line, last_col, last_off;
} reader;

static void diag(reader *r, int line, int col, crm_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void diag(reader *r, int line, int col, crm_severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (r->diags)
		crm_diags_vadd(r->diags, r->doc->path, line, col, sev, fmt, ap);
	va_end(ap);
	if (sev == CRM_SEV_ERROR)
		r->errors++;
}

static bool line_is_ascii(reader *r, size_t l);

/* Byte offset in doc->src of a libyaml mark (line and column in characters). */
static size_t off_of(reader *r, yaml_mark_t m)
{
	if (m.line >= r->nlines)
		return r->text_off + r->text_len;
	size_t i, c;
	if (line_is_ascii(r, m.line)) {
		size_t end = m.line + 1 < r->nlines ? r->line_starts[m.line + 1] : r->text_len;
		i = r->line_starts[m.line] + m.column;
		return r->text_off + (i < end ? i : end);
	}
	if (m.line == r->last_line && m.column >= r->last_col) {
		i = r->last_off;
		c = r->last_col;
	} else {
		i = r->line_starts[m.line];
		c = 0;
	}
	for (; c < m.column && i < r->text_len; c++) {
		i++;
		while (i < r->text_len && ((unsigned char)r->text[i] & 0xC0) == 0x80)
			i++;
	}
	r->last_line = m.line;
	r->last_col = m.column;
	r->last_off = i;
	return r->text_off + i;
}

/* Length of the UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static bool is_marker(const char *line, size_t n, char ch)
{
	if (n < 7)
		return false;
	for (int i = 0; i < 7; i++)
		if (line[i] != ch)
			return false;
	return n == 7 || line[7] == ' ' || line[7] == '\r' || line[7] == '\n';
}

/*
 * Index the lines, note which are ASCII (their columns are bytes), and find
 * git's conflict markers and stray carriage returns, which libyaml would
 * read without complaint. Bad bytes are left to libyaml, which stops at
 * them; scan_bytes then says where, in lines and columns.
 */
static void index_lines(reader *r)
{
	const char *s = r->text;
	size_t n = r->text_len, cap = 64;
	r->line_starts = crm_xmalloc(cap * sizeof(size_t));
	r->nlines = 0;
	for (size_t i = 0;;) {
		if (r->nlines == cap) {
			cap *= 2;
			r->line_starts = crm_xrealloc(r->line_starts, cap * sizeof(size_t));
		}
		r->line_starts[r->nlines++] = i;
		const char *nl = i < n ? memchr(s + i, '\n', n - i) : NULL;
		if (!nl)
			break;
		i = (size_t)(nl - s) + 1;
	}
	r->line_ascii = crm_xmalloc(r->nlines);
	memset(r->line_ascii, 2, r->nlines); /* 2: not looked at yet */
	bool conflict = false;
	for (size_t l = 0; l < r->nlines; l++) {
		size_t a = r->line_starts[l];
		size_t b = l + 1 < r->nlines ? r->line_starts[l + 1] : n;
		const char *line = s + a;
		if (b - a < 7 || !strchr("<=>|", line[0]))
			continue;
		if (is_marker(line, b - a, '<') || is_marker(line, b - a, '>') ||
		    (is_marker(line, b - a, '=') && conflict) || is_marker(line, b - a, '|')) {
			if (!conflict || line[0] == '<')
				diag(r, (int)l + 1, 1, CRM_SEV_ERROR,
				     "unresolved merge conflict (resolve the <<<<<<< ======= >>>>>>> "
				     "block, or run 'crm sync --ours' / '--theirs')");
			conflict = conflict || line[0] == '<';
		}
	}
	for (const char *cr = memchr(s, '\r', n); cr; cr = memchr(cr + 1, '\r', n - (size_t)(cr + 1 - s)))
		if ((size_t)(cr + 1 - s) >= n || cr[1] != '\n') {
			r->bad_bytes = true;
			break;
		}
}

/* Whether line l holds only ASCII (computed once per line, eight bytes at a time). */
static bool line_is_ascii(reader *r, size_t l)
{
	if (r->line_ascii[l] == 2) {
		size_t a = r->line_starts[l];
		size_t b = l + 1 < r->nlines ? r->line_starts[l + 1] : r->text_len;
		const unsigned char *s = (const unsigned char *)r->text;
		bool ascii = true;
		size_t i = a;
		for (; i + 8 <= b && ascii; i += 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			ascii = !(w & 0x8080808080808080ULL);
		}
		for (; i < b && ascii; i++)
			ascii = s[i] < 0x80;
		r->line_ascii[l] = ascii;
	}
	return r->line_ascii[l];
}

/* Report the bytes a record must not hold, each at its line and column. */
static void scan_bytes(reader *r)
{
	const unsigned char *s = (const unsigned char *)r->text;
	size_t n = r->text_len, line = 1, line_start = 0;
	int reported = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] == '\n') {
			line++;
			line_start = ++i;
			continue;
		}
		size_t len = utf8_seq(s + i, n - i);
		bool bad = !len || s[i] == 0x7F ||
			   (s[i] < 0x20 && s[i] != '\t' && !(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n'));
		if (len == 2 && s[i] == 0xC2 && s[i + 1] >= 0x80 && s[i + 1] < 0xA0 && s[i + 1] != 0x85)
			bad = true; /* C1 controls */
		if (bad && reported++ < 10) {
			int col = 1;
			for (size_t k = line_start; k < i; k++)
				if ((s[k] & 0xC0) != 0x80)
					col++;
			if (!len)
				diag(r, (int)line, col, CRM_SEV_ERROR,
				     "invalid UTF-8 byte 0x%02X (save the file as UTF-8)", s[i]);
			else if (s[i] == '\r')
				diag(r, (int)line, col, CRM_SEV_ERROR,
				     "stray carriage return (use LF or CRLF line endings)");
			else if (s[i] == 0xC2)
				diag(r, (int)line, col, CRM_SEV_ERROR,
				     "control character U+%04X is not allowed in a record", s[i + 1]);
			else
				diag(r, (int)line, col, CRM_SEV_ERROR,
				     "control character 0x%02X is not allowed in a record", s[i]);
		}
		i += len ? len : 1;
	}
}

static crm_node *node_new(crm_node_kind kind)
{
	crm_node *n = crm_xcalloc(1, sizeof *n);
	n->kind = kind;
	return n;
}

static crm_node *arena_node(reader *r, crm_node_kind kind)
{
	crm_node *n = arena_alloc(r->doc, sizeof *n);
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->in_arena = true;
	return n;
}

void crm_node_free(crm_node *n)
{
	if (!n || n->in_arena)
		return;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			crm_node_free(n->keys[i]);
		crm_node_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n->value);
	free(n);
}

/* Grow a child array (capacity: powers of two, n the count) from the heap or the arena. */
static crm_node **grow(crm_doc *doc, crm_node **v, size_t n)
{
	size_t cap = n ? n * 2 : 4;
	if (!doc)
		return crm_xrealloc(v, cap * sizeof *v);
	crm_node **w = arena_alloc(doc, cap * sizeof *w);
	if (n)
		memcpy(w, v, n * sizeof *v);
	return w;
}

static void push_child_in(crm_doc *doc, crm_node *parent, crm_node *key, crm_node *val)
{
	size_t n = parent->n;
	if ((n & (n - 1)) == 0) {
		if (parent->kind == CRM_NODE_MAP)
			parent->keys = grow(doc, parent->keys, n);
		parent->items = grow(doc, parent->items, n);
	}
	if (parent->kind == CRM_NODE_MAP)
		parent->keys[n] = key;
	parent->items[n] = val;
	parent->n = n + 1;
	if (key)
		key->parent = parent;
	val->parent = parent;
}

static void push_child(crm_node *parent, crm_node *key, crm_node *val)
{
	push_child_in(NULL, parent, key, val);
}

static bool eq_ci(const char *s, size_t n, const char *const *set)
{
	for (; *set; set++)
		if ((*set)[0] == (n ? s[0] : '\0') && strlen(*set) == n && memcmp(s, *set, n) == 0)
			return true;
	return false;
}

static bool all_in(const char *s, size_t n, const char *chars)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr(chars, s[i]) || !s[i])
			return false;
	return true;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* YAML 1.2 core float: [-+]? ( . [0-9]+ | [0-9]+ ( . [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool is_core_float(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < n && isdigit((unsigned char)s[i]))
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)s[i]))
			i++, digits++;
	}
	if (!digits)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t e = 0;
		while (i < n && isdigit((unsigned char)s[i]))
			i++, e++;
		if (!e)
			return false;
	}
	return i == n;
}

crm_json_type crm_yaml_resolve(const char *s, size_t len, crm_json_type *yaml11)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const bools[] = {"true", "True", "TRUE", "false", "False", "FALSE", NULL};
	static const char *const bools11[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
					      "NO", "on", "On", "ON", "off", "Off", "OFF", NULL};
	static const char *const special[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
					      "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", NULL};
	crm_json_type t = CRM_JSON_STRING, t11 = CRM_JSON_STRING;

	/*
	 * Most text (names, summaries, Chinese) starts with a character no
	 * other type can, or is a word longer than any null or boolean.
	 */
	static const char *const starts = "0123456789+-.~nNtTfFyYoO<=";
	unsigned char c0 = len ? (unsigned char)s[0] : 0;
	bool may = len && c0 < 0x80 && memchr(starts, c0, 26);
	if (len && (!may || (len > 6 && c0 != '+' && c0 != '-' && c0 != '.' &&
			     (c0 < '0' || c0 > '9')))) {
		if (yaml11)
			*yaml11 = CRM_JSON_STRING;
		return CRM_JSON_STRING;
	}
	bool digit0 = c0 >= '0' && c0 <= '9'; /* dates and numbers: no word to compare */
	if (!digit0 && eq_ci(s, len, nulls))
		t = t11 = CRM_JSON_NULL;
	else if (!digit0 && eq_ci(s, len, bools))
		t = t11 = CRM_JSON_BOOL;
	else if (!digit0 && eq_ci(s, len, special))
		t = t11 = CRM_JSON_NUMBER;
	else {
		size_t i = (len && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
		if (len > 2 && s[0] == '0' && s[1] == 'o' && all_in(s + 2, len - 2, "01234567"))
			t = CRM_JSON_INT;
		else if (len > 2 && s[0] == '0' && s[1] == 'x' &&
			 all_in(s + 2, len - 2, "0123456789abcdefABCDEF"))
			t = CRM_JSON_INT;
		else if (i < len && all_digits(s + i, len - i))
			t = CRM_JSON_INT;
		else if (is_core_float(s, len))
			t = CRM_JSON_NUMBER;
		if (!yaml11) /* the reader's case, for every date and number of a book */
			return t;
		if (!digit0 && eq_ci(s, len, bools11))
			t11 = CRM_JSON_BOOL;
		else if (len == 2 && s[0] == '<' && s[1] == '<')
			t11 = CRM_JSON_OBJECT; /* merge key */
		else if (len == 1 && s[0] == '=')
			t11 = CRM_JSON_OBJECT; /* value key */
		else if (i < len && isdigit((unsigned char)s[i]) &&
			 all_in(s + i, len - i, "0123456789_:.eE+-xXoObBabcdefABCDEF")) {
			/* ints with _, 0b, 0x, octal 0nn, sexagesimal 1:30, floats with a dot */
			t11 = strchr("0123456789", s[len - 1]) || t != CRM_JSON_STRING
				      ? (memchr(s, '.', len) ? CRM_JSON_NUMBER : CRM_JSON_INT)
				      : CRM_JSON_STRING;
			if (len >= 10 && isdigit((unsigned char)s[0]) && s[4] == '-')
				t11 = CRM_JSON_STRING; /* a timestamp; callers treat dates apart */
		} else if (i < len && s[i] == '.' && len - i > 1 && isdigit((unsigned char)s[i + 1]))
			t11 = CRM_JSON_NUMBER;
		if (t11 == CRM_JSON_STRING && t != CRM_JSON_STRING)
			t11 = t;
	}
	if (yaml11)
		*yaml11 = t11;
	return t;
}

static crm_node *make_scalar(reader *r, const yaml_event_t *e)
{
	crm_node *n = arena_node(r, CRM_NODE_SCALAR);
	n->value = arena_alloc(r->doc, e->data.scalar.length + 1);
	memcpy(n->value, e->data.scalar.value, e->data.scalar.length);
	n->value[e->data.scalar.length] = '\0';
	n->len = e->data.scalar.length;
	switch (e->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		n->style = CRM_STYLE_SQUOTED;
		break;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		n->style = CRM_STYLE_DQUOTED;
		break;
	case YAML_LITERAL_SCALAR_STYLE:
		n->style = CRM_STYLE_LITERAL;
		break;
	case YAML_FOLDED_SCALAR_STYLE:
		n->style = CRM_STYLE_FOLDED;
		break;
	default:
		n->style = CRM_STYLE_PLAIN;
	}
	n->jtype = n->style == CRM_STYLE_PLAIN ? crm_yaml_resolve(n->value, n->len, NULL)
					       : CRM_JSON_STRING;
	return n;
}

static void set_pos(reader *r, crm_node *n, yaml_mark_t start, yaml_mark_t end)
{
	n->line = (int)start.line + 1;
	n->col = (int)start.column + 1;
	n->start = off_of(r, start);
	n->end = off_of(r, end);
}

/* The end of a block collection is the end of its last child. */
static void close_collection(reader *r, crm_node *n, yaml_mark_t end)
{
	if (n->flow || n->n == 0)
		n->end = off_of(r, end);
	else
		n->end = n->items[n->n - 1]->end;
}

static const char *event_anchor(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)e->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)e->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)e->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

static const char *event_tag(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)e->data.scalar.tag;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)e->data.sequence_start.tag;
	case YAML_MAPPING_START_EVENT:
		return (const char *)e->data.mapping_start.tag;
	default:
		return NULL;
	}
}

/* Add a finished child to the collection on top of the stack. */
static void attach(reader *r, crm_node **stack, size_t depth, crm_node **pending_key,
		   crm_node *child)
{
	crm_node *top = stack[depth - 1];
	if (top->kind == CRM_NODE_SEQ) {
		push_child_in(r->doc, top, NULL, child);
		return;
	}
	if (!pending_key[depth - 1]) {
		if (child->kind != CRM_NODE_SCALAR) {
			diag(r, child->line, child->col, CRM_SEV_ERROR,
			     "a key must be plain text, not a %s",
			     child->kind == CRM_NODE_MAP ? "mapping" : "list");
			child = arena_node(r, CRM_NODE_SCALAR);
			child->value = arena_alloc(r->doc, 1);
			child->value[0] = '\0';
		}
		for (size_t i = 0; i < top->n; i++)
			if (top->keys[i]->len == child->len &&
			    memcmp(top->keys[i]->value, child->value, child->len) == 0) {
				diag(r, child->line, child->col, CRM_SEV_ERROR,
				     "duplicate key '%s' (first at line %d)", child->value,
				     top->keys[i]->line);
				break;
			}
		pending_key[depth - 1] = child;
		return;
	}
	push_child_in(r->doc, top, pending_key[depth - 1], child);
	pending_key[depth - 1] = NULL;
}

/* Indentation (leading spaces) of line l (0-based), or -1 for a blank or comment line. */
static int indent_of(const reader *r, size_t l)
{
	size_t i = r->line_starts[l];
	size_t end = l + 1 < r->nlines ? r->line_starts[l + 1] : r->text_len;
	int n = 0;
	while (i < end && r->text[i] == ' ')
		i++, n++;
	if (i >= end || r->text[i] == '\n' || r->text[i] == '\r' || r->text[i] == '#')
		return -1;
	return n;
}

/* True when line l is indented deeper than the nearest line above that has text. */
static bool indented_deeper(const reader *r, size_t l)
{
	if (l >= r->nlines)
		return false;
	int mine = indent_of(r, l);
	for (size_t k = l; mine >= 0 && k-- > 0;) {
		int above = indent_of(r, k);
		if (above >= 0)
			return mine > above;
	}
	return false;
}

/*
 * libyaml's problem mark is where it gave up, which for an unclosed quote
 * or bracket is the end of the file or a later line, and for a key without
 * ':' the line after it. Where the mistake is is its context mark (where
 * the quote, bracket or key started): report there, and say both.
 */
static void syntax_error(reader *r, const yaml_parser_t *p)
{
	yaml_mark_t m = p->problem_mark, c = p->context_mark;
	if (p->error == YAML_READER_ERROR) {
		/* libyaml knows only an offset: say where, in lines and columns */
		scan_bytes(r);
		if (!r->errors)
			diag(r, 1, 1, CRM_SEV_ERROR, "cannot read the file: %s",
			     p->problem ? p->problem : "bad bytes");
		return;
	}
	const char *problem = p->problem ? p->problem : "invalid YAML";
	const char *context = p->context ? p->context : "";
	int line = (int)m.line + 1, col = (int)m.column + 1;
	int cline = (int)c.line + 1, ccol = (int)c.column + 1;
	bool later = p->context && (m.line > c.line || (m.line == c.line && m.column > c.column));
	size_t coff = off_of(r, c) - r->text_off;
	char opened = coff < r->text_len ? r->text[coff] : '?';
	bool at_end = strstr(problem, "end of stream") != NULL;
	if (later && !strcmp(context, "while scanning a quoted scalar")) {
		if (at_end)
			diag(r, cline, ccol, CRM_SEV_ERROR,
			     "syntax error: unclosed quote (%c) opened at %d:%d; the file ends at %d:%d "
			     "(end the value with %c)", opened, cline, ccol, line, col, opened);
		else
			diag(r, cline, ccol, CRM_SEV_ERROR,
			     "syntax error: unclosed quote (%c) opened at %d:%d; %s at %d:%d "
			     "(end the value with %c)", opened, cline, ccol, problem, line, col, opened);
		return;
	}
	if (later && m.line > c.line && (!strcmp(context, "while parsing a flow sequence") ||
					 !strcmp(context, "while parsing a flow mapping"))) {
		char closer = opened == '[' ? ']' : opened == '{' ? '}' : '?';
		if (at_end)
			diag(r, cline, ccol, CRM_SEV_ERROR,
			     "syntax error: unclosed '%c' opened at %d:%d; the file ends at %d:%d "
			     "(close it with '%c')", opened, cline, ccol, line, col, closer);
		else
			diag(r, cline, ccol, CRM_SEV_ERROR,
			     "syntax error: unclosed '%c' opened at %d:%d; expected ',' or '%c' at %d:%d "
			     "(close it with '%c', and separate items with ',')", opened, cline, ccol,
			     closer, line, col, closer);
		return;
	}
	if (later && !strcmp(context, "while scanning a simple key")) {
		/* quote the line from the key on, cut at 40 bytes on a character boundary */
		size_t e = coff, max = coff + 40;
		while (e < r->text_len && r->text[e] != '\n' && r->text[e] != '\r')
			e++;
		while (e > coff && r->text[e - 1] == ' ')
			e--;
		bool cut = e > max;
		if (cut) {
			e = max;
			while (e > coff && ((unsigned char)r->text[e] & 0xC0) == 0x80)
				e--;
		}
		diag(r, cline, ccol, CRM_SEV_ERROR,
		     "syntax error: '%.*s%s' is a key without ':' (write 'key: value', with a space "
		     "after the ':')", (int)(e - coff), r->text + coff, cut ? "..." : "");
		return;
	}
	size_t off = off_of(r, m) - r->text_off;
	const char *hint = "";
	if (off < r->text_len && r->text[off] == '\t')
		hint = " (tabs cannot indent YAML; use spaces)";
	else if (strstr(problem, "mapping values are not allowed"))
		hint = indented_deeper(r, m.line)
			       ? " (this line is indented deeper than the one above: indent it as its "
				 "neighbours, or quote a value with ': ' in it)"
			       : " (a value with ': ' in it must be quoted)";
	else if (strstr(problem, "did not find expected key") ||
		 strstr(problem, "did not find expected '-'"))
		hint = " (check this line's indentation: fields of one map, and items of one list, "
		       "start in the same column)";
	if (p->context)
		diag(r, line, col, CRM_SEV_ERROR, "syntax error: %s %s%s", problem, context, hint);
	else
		diag(r, line, col, CRM_SEV_ERROR, "syntax error: %s%s", problem, hint);
}

static crm_node *build(reader *r)
{
	yaml_parser_t p;
	yaml_event_t e;
	crm_node *stack[CRM_DOC_MAX_DEPTH + 2];
	crm_node *pending[CRM_DOC_MAX_DEPTH + 2];
	size_t depth = 0;
	crm_node *root = NULL;
	int docs = 0;
	bool done = false;

	yaml_parser_initialize(&p);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p, (const unsigned char *)r->text, r->text_len);
	while (!done) {
		if (!yaml_parser_parse(&p, &e)) {
			syntax_error(r, &p);
			break;
		}
		int line = (int)e.start_mark.line + 1, col = (int)e.start_mark.column + 1;
		if (event_anchor(&e)) {
			diag(r, line, col, CRM_SEV_ERROR,
			     "anchor '&%s' is not allowed (write the value out in full)", event_anchor(&e));
		}
		if (event_tag(&e)) {
			diag(r, line, col, CRM_SEV_ERROR, "tag '%s' is not allowed (remove it)",
			     event_tag(&e));
		}
		switch (e.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				diag(r, line, col, CRM_SEV_ERROR,
				     "a second document ('---') is not allowed: one record per file");
				done = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			diag(r, line, col, CRM_SEV_ERROR,
			     "alias '*%s' is not allowed (write the value out in full)",
			     (const char *)e.data.alias.anchor);
			done = true;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			crm_node *n;
			if (e.type == YAML_SCALAR_EVENT) {
				n = make_scalar(r, &e);
				set_pos(r, n, e.start_mark, e.end_mark);
			} else {
				n = arena_node(r, e.type == YAML_MAPPING_START_EVENT ? CRM_NODE_MAP : CRM_NODE_SEQ);
				set_pos(r, n, e.start_mark, e.end_mark);
				n->flow = e.type == YAML_MAPPING_START_EVENT
						  ? e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
						  : e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
			}
			if (e.type == YAML_SCALAR_EVENT) {
				if (depth == 0) {
					crm_node_free(root);
					root = n;
				} else
					attach(r, stack, depth, pending, n);
				break;
			}
			if (depth >= CRM_DOC_MAX_DEPTH) {
				diag(r, line, col, CRM_SEV_ERROR,
				     "nesting deeper than %d levels is not allowed", CRM_DOC_MAX_DEPTH);
				crm_node_free(n);
				done = true;
				break;
			}
			stack[depth] = n;
			pending[depth] = NULL;
			depth++;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: {
			crm_node *n = stack[--depth];
			close_collection(r, n, e.end_mark);
			if (pending[depth]) /* cannot happen with a well-formed stream */
				crm_node_free(pending[depth]);
			if (depth == 0)
				root = n;
			else
				attach(r, stack, depth, pending, n);
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&e);
	}
	/* on an early stop, free what is still open */
	while (depth > 0) {
		depth--;
		crm_node_free(pending[depth]);
		if (depth == 0 && !root)
			root = stack[0];
		else if (depth == 0)
			crm_node_free(stack[0]);
		else
			attach(r, stack, depth, pending, stack[depth]);
	}
	yaml_parser_delete(&p);
	return root;
}

int crm_doc_parse(crm_doc **out, const char *path, const char *src, size_t len,
		  crm_diags *diags)
{
	crm_doc *doc = crm_xcalloc(1, sizeof *doc);
	reader r = {0};
	*out = NULL;
	doc->path = crm_xstrdup(path ? path : "");
	doc->src = crm_xstrndup(src, len);
	doc->len = len;
	r.doc = doc;
	r.diags = diags;

	if (len > CRM_DOC_MAX_BYTES) {
		diag(&r, 1, 1, CRM_SEV_ERROR, "file is %zu bytes; a record may be at most %u bytes",
		     len, CRM_DOC_MAX_BYTES);
		crm_doc_free(doc);
		return CRM_EINVALID;
	}
	r.text = doc->src;
	r.text_len = len;
	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
		doc->bom = true;
		r.text += 3;
		r.text_len -= 3;
		r.text_off = 3;
	}
	const char *nl = memchr(r.text, '\n', r.text_len);
	doc->crlf = nl && nl > r.text && nl[-1] == '\r';

	index_lines(&r);
	if (r.bad_bytes)
		scan_bytes(&r);
	if (!r.errors)
		doc->root = build(&r);
	free(r.line_starts);
	free(r.line_ascii);
	if (r.errors) {
		crm_doc_free(doc);
		return CRM_EINVALID;
	}
	*out = doc;
	return 0;
}

int crm_doc_load(crm_doc **out, const char *path, crm_diags *diags)
{
	crm_buf b = CRM_BUF_INIT;
	*out = NULL;
	int rc = crm_buf_read_file(&b, path);
	if (rc == 0)
		rc = crm_doc_parse(out, path, crm_buf_cstr(&b), b.len, diags);
	else if (diags)
		crm_diags_add(diags, path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
	crm_buf_free(&b);
	return rc;
}

void crm_doc_free(crm_doc *doc)
{
	if (!doc)
		return;
	crm_node_free(doc->root);
	arena_free(doc->arena);
	free(doc->path);
	free(doc->src);
	free(doc);
}

long crm_node_index(const crm_node *map, const char *key)
{
	if (!map || map->kind != CRM_NODE_MAP)
		return -1;
	/* lengths first: most keys differ in length, and this runs for every
	 * field of every record an index build stores */
	size_t len = strlen(key);
	for (size_t i = 0; i < map->n; i++)
		if (map->keys[i]->len == len && memcmp(map->keys[i]->value, key, len) == 0)
			return (long)i;
	return -1;
}

const crm_node *crm_node_get(const crm_node *map, const char *key)
{
	long i = crm_node_index(map, key);
	return i < 0 ? NULL : map->items[i];
}

const char *crm_node_str(const crm_node *map, const char *key)
{
	const crm_node *n = crm_node_get(map, key);
	if (!n || n->kind != CRM_NODE_SCALAR || n->jtype == CRM_JSON_NULL)
		return NULL;
	return n->value;
}

const crm_node *crm_node_at(const crm_node *root, const char *path)
{
	const crm_node *n = root;
	const char *p = path;
	char key[256];
	while (n && *p) {
		if (*p == '[') {
			char *end;
			unsigned long idx = strtoul(p + 1, &end, 10);
			if (end == p + 1 || *end != ']' || n->kind != CRM_NODE_SEQ)
				return NULL;
			n = idx < n->n ? n->items[idx] : NULL;
			p = end + 1;
			if (*p == '.')
				p++;
			continue;
		}
		size_t k = strcspn(p, ".[");
		if (k == 0)
			return NULL;
		/* a long name is as good a name as any: look it up from the heap */
		char *heap = k >= sizeof key ? crm_xstrndup(p, k) : NULL;
		if (!heap) {
			memcpy(key, p, k);
			key[k] = '\0';
		}
		n = crm_node_get(n, heap ? heap : key);
		free(heap);
		p += k;
		if (*p == '.') {
			p++;
			if (!*p)
				return NULL;
		}
	}
	return n;
}

static bool scalar_equal(const crm_node *a, const crm_node *b)
{
	bool anum = a->jtype == CRM_JSON_INT || a->jtype == CRM_JSON_NUMBER;
	bool bnum = b->jtype == CRM_JSON_INT || b->jtype == CRM_JSON_NUMBER;
	if (anum && bnum)
		return strtod(a->value, NULL) == strtod(b->value, NULL);
	if (a->jtype != b->jtype)
		return false;
	return a->len == b->len && memcmp(a->value, b->value, a->len) == 0;
}

bool crm_node_equal(const crm_node *a, const crm_node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	if (a->kind == CRM_NODE_SCALAR)
		return scalar_equal(a, b);
	if (a->n != b->n)
		return false;
	if (a->kind == CRM_NODE_SEQ) {
		for (size_t i = 0; i < a->n; i++)
			if (!crm_node_equal(a->items[i], b->items[i]))
				return false;
		return true;
	}
	for (size_t i = 0; i < a->n; i++) {
		const crm_node *bv = crm_node_get(b, a->keys[i]->value);
		if (!bv || !crm_node_equal(a->items[i], bv))
			return false;
	}
	return true;
}

const char *crm_json_type_name(crm_json_type t)
{
	switch (t) {
	case CRM_JSON_NULL:
		return "null";
	case CRM_JSON_BOOL:
		return "boolean";
	case CRM_JSON_INT:
		return "integer";
	case CRM_JSON_NUMBER:
		return "number";
	case CRM_JSON_STRING:
		return "string";
	case CRM_JSON_OBJECT:
		return "mapping";
	case CRM_JSON_ARRAY:
		return "list";
	}
	return "?";
}

crm_node *crm_node_clone(const crm_node *n)
{
	if (!n)
		return NULL;
	crm_node *c = node_new(n->kind);
	*c = *n;
	c->in_arena = false;
	c->parent = NULL;
	c->keys = NULL;
	c->items = NULL;
	c->n = 0;
	c->value = n->value ? crm_xstrndup(n->value, n->len) : NULL;
	for (size_t i = 0; i < n->n; i++)
		push_child(c, n->keys ? crm_node_clone(n->keys[i]) : NULL, crm_node_clone(n->items[i]));
	return c;
}
