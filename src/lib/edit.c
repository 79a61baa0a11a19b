/*
 * edit.c: change a document's text in place, then read it again. Each edit
 * computes one splice (offset, length removed, text inserted) from the byte
 * ranges the reader recorded, so nothing outside the splice moves.
 */
#include "crm/edit.h"
#include "crm/buf.h"
#include "crm/emit.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The message of a malformed path: "bad path 'P': WHY". Control bytes of
 * the path are shown as \xNN, so that a message never moves the terminal. */
static int bad_path(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad_path(const char *path, const char *fmt, ...)
{
	crm_buf raw = CRM_BUF_INIT, msg = CRM_BUF_INIT;
	va_list ap;
	crm_buf_printf(&raw, "bad path '%s': ", path);
	va_start(ap, fmt);
	crm_buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < raw.len; i++) {
		unsigned char c = (unsigned char)raw.ptr[i];
		if (c < 0x20 || c == 0x7f)
			crm_buf_printf(&msg, "\\x%02x", c);
		else
			crm_buf_putc(&msg, (char)c);
	}
	crm_error_set(CRM_EUSAGE, "%s", crm_buf_cstr(&msg));
	crm_buf_free(&raw);
	crm_buf_free(&msg);
	return CRM_EUSAGE;
}

int crm_path_split(const char *path, char ***keys_out, long **idx_out)
{
	size_t cap = 8;
	int n = 0;
	char **keys = NULL;
	long *idx = NULL;
	const char *p = path;
	*keys_out = NULL;
	*idx_out = NULL;
	if (!p || !*p) {
		crm_error_set(CRM_EUSAGE, "bad path '': name a field, e.g. needs.budget.max");
		return -1;
	}
	if (*p == '.') {
		bad_path(path, "it starts with '.'; write the field name first, e.g. needs.summary");
		return -1;
	}
	if (*p == '[') {
		bad_path(path, "it starts with a list index; name the list first, e.g. contacts[0].phone");
		return -1;
	}
	keys = crm_xcalloc(cap, sizeof *keys);
	idx = crm_xcalloc(cap, sizeof *idx);
	while (*p) {
		if ((size_t)n + 1 >= cap) {
			cap *= 2;
			keys = crm_xrealloc(keys, cap * sizeof *keys);
			idx = crm_xrealloc(idx, cap * sizeof *idx);
		}
		if (*p == '[') {
			const char *close = strchr(p, ']');
			if (!close) {
				bad_path(path, "'[' without a closing ']'");
				goto bad;
			}
			size_t len = (size_t)(close - p - 1), digits = strspn(p + 1, "0123456789");
			if (len == 0) {
				bad_path(path, "empty list index '[]'; write a number from 0, e.g. tags[0]");
				goto bad;
			}
			if (digits != len) {
				bad_path(path, "list index '%.*s' is not a number from 0 (to append, use PATH+=VALUE)",
					 (int)len, p + 1);
				goto bad;
			}
			errno = 0;
			long v = strtol(p + 1, NULL, 10);
			if (errno == ERANGE || v > INT_MAX) {
				bad_path(path, "list index %.*s is too large", (int)len, p + 1);
				goto bad;
			}
			keys[n] = NULL;
			idx[n++] = v;
			p = close + 1;
		} else {
			size_t k = strcspn(p, ".[]");
			for (size_t i = 0; i < k; i++)
				if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) {
					bad_path(path, "a field name cannot hold a control character");
					goto bad;
				}
			if (*p == ']') {
				bad_path(path, "']' without an opening '['");
				goto bad;
			}
			keys[n] = crm_xstrndup(p, k);
			idx[n++] = -1;
			p += k;
		}
		if (*p == '.') {
			p++;
			if (!*p) {
				bad_path(path, "it ends with '.'; name the field after it or drop the '.'");
				goto bad;
			}
			if (*p == '.' || *p == '[') {
				char *before = crm_xstrndup(path, (size_t)(p - 1 - path));
				bad_path(path, "empty part after '%s'", before);
				free(before);
				goto bad;
			}
		} else if (*p == ']') {
			bad_path(path, "']' without an opening '['");
			goto bad;
		} else if (*p && *p != '[') {
			/* only after an index: "a[0]b" */
			bad_path(path, "'.' missing before '%s'", p);
			goto bad;
		}
	}
	*keys_out = keys;
	*idx_out = idx;
	return n;
bad:
	crm_path_free(keys, idx, n);
	return -1;
}

void crm_path_free(char **keys, long *idx, int n)
{
	if (keys)
		for (int i = 0; i < n; i++)
			free(keys[i]);
	free(keys);
	free(idx);
}

/* Apply a splice to the document's text and read it again. */
static int splice(crm_doc **doc, size_t off, size_t del, const char *ins, size_t inslen)
{
	return crm_edit_splice(doc, off, del, ins, inslen);
}

int crm_edit_splice(crm_doc **doc, size_t off, size_t del, const char *ins, size_t inslen)
{
	crm_doc *d = *doc;
	crm_buf b = CRM_BUF_INIT;
	crm_buf_put(&b, d->src, off);
	if (d->crlf) {
		for (size_t i = 0; i < inslen; i++) {
			if (ins[i] == '\n' && (i == 0 || ins[i - 1] != '\r'))
				crm_buf_putc(&b, '\r');
			crm_buf_putc(&b, ins[i]);
		}
	} else {
		crm_buf_put(&b, ins, inslen);
	}
	crm_buf_put(&b, d->src + off + del, d->len - off - del);
	crm_doc *nd = NULL;
	crm_diags diags = {0};
	int rc = crm_doc_parse(&nd, d->path, crm_buf_cstr(&b), b.len, &diags);
	if (rc) {
		rc = crm_error_set(CRM_EFAIL, "%s: the edit would break the file (%s); nothing changed",
				   d->path, diags.n ? diags.v[0].msg : "unreadable");
	} else {
		crm_doc_free(d);
		*doc = nd;
	}
	crm_diags_free(&diags);
	crm_buf_free(&b);
	return rc;
}

static size_t line_start(const crm_doc *d, size_t off)
{
	while (off > 0 && d->src[off - 1] != '\n')
		off--;
	return off;
}

/* The offset just after the line break that ends the line holding off-1. */
static size_t after_line(const crm_doc *d, size_t off)
{
	if (off > 0 && d->src[off - 1] == '\n')
		return off;
	while (off < d->len && d->src[off] != '\n')
		off++;
	return off < d->len ? off + 1 : off;
}

/* Only blanks between the start of its line and off. */
static bool starts_line(const crm_doc *d, size_t off)
{
	size_t s = line_start(d, off);
	for (size_t i = s; i < off; i++)
		if (d->src[i] != ' ' && d->src[i] != '\t' && d->src[i] != '-')
			return false;
	return true;
}

/* Insert text at off, making sure it starts on a line of its own. */
static int insert_lines(crm_doc **doc, size_t off, const crm_buf *text)
{
	crm_doc *d = *doc;
	if (off == d->len && d->len > 0 && d->src[d->len - 1] != '\n') {
		crm_buf t = CRM_BUF_INIT;
		crm_buf_putc(&t, '\n');
		crm_buf_put(&t, text->ptr, text->len);
		int rc = splice(doc, off, 0, t.ptr, t.len);
		crm_buf_free(&t);
		return rc;
	}
	return splice(doc, off, 0, text->ptr, text->len);
}

static bool is_null(const crm_node *n)
{
	return n->kind == CRM_NODE_SCALAR && n->jtype == CRM_JSON_NULL && n->style == CRM_STYLE_PLAIN;
}

/* Where in `map` a new key goes: the index it will have. */
static size_t insert_index(const crm_node *map, const char *key, const char *const *order)
{
	if (!order || map->parent)
		return map->n;
	long rank = -1, nord = 0;
	for (; order[nord]; nord++)
		if (strcmp(order[nord], key) == 0)
			rank = nord;
	if (rank < 0) {
		/* unknown keys go before followups, which stays last */
		long f = crm_node_index(map, "followups");
		return f >= 0 && (size_t)f == map->n - 1 ? (size_t)f : map->n;
	}
	size_t pos = 0;
	for (size_t i = 0; i < map->n; i++) {
		for (long k = 0; k < nord; k++)
			if (strcmp(order[k], map->keys[i]->value) == 0) {
				if (k < rank)
					pos = i + 1;
				break;
			}
	}
	/* keys we do not know stay with whatever precedes them */
	return pos;
}

/* Insert key: value into map (a node of *doc) at index pos. */
static int map_insert(crm_doc **doc, const crm_node *map, size_t pos, const char *key,
		      const crm_node *val)
{
	crm_doc *d = *doc;
	crm_buf t = CRM_BUF_INIT;
	int rc;
	if (map->flow) {
		size_t close = map->end - 1; /* the '}' */
		if (map->n)
			crm_buf_puts(&t, ", ");
		crm_yaml_write_str(&t, key, true);
		crm_buf_puts(&t, ": ");
		crm_yaml_render_flow(&t, val);
		size_t at = map->n ? map->items[map->n - 1]->end : close;
		rc = splice(doc, at, 0, t.ptr, t.len);
		crm_buf_free(&t);
		return rc;
	}
	int indent = map->col - 1; /* the map's own column: a key may follow "? " */
	size_t off;
	if (pos == 0 && starts_line(d, map->keys[0]->start) &&
	    line_start(d, map->keys[0]->start) + (size_t)indent == map->keys[0]->start) {
		off = line_start(d, map->keys[0]->start);
	} else {
		if (pos == 0)
			pos = 1;
		off = after_line(d, map->items[pos - 1]->end);
	}
	for (int i = 0; i < indent; i++)
		crm_buf_putc(&t, ' ');
	crm_yaml_render_pair(&t, key, val, indent);
	rc = insert_lines(doc, off, &t);
	crm_buf_free(&t);
	return rc;
}

/*
 * Where an empty value's text goes: just after the ':' of its key, or the
 * '-' of its item. *colon is set when the key has no ':' of its own (an
 * explicit `? key`), so that the caller writes ": value".
 */
static size_t empty_value_at(const crm_doc *d, const crm_node *n, bool *colon)
{
	const crm_node *p = n->parent;
	*colon = false;
	if (p && p->kind == CRM_NODE_SEQ) {
		/* back from the value to the dash before it */
		size_t i = n->start;
		while (i > 0 && d->src[i - 1] != '-')
			i--;
		return i;
	}
	size_t from = n->start;
	for (size_t i = 0; p && p->kind == CRM_NODE_MAP && i < p->n; i++)
		if (p->items[i] == n)
			from = p->keys[i]->end;
	size_t at = from;
	while (at < d->len && (d->src[at] == ' ' || d->src[at] == '\t'))
		at++;
	if (at < d->len && d->src[at] == ':')
		return at + 1;
	*colon = true;
	return from;
}

/* Replace node n (a value in *doc) by val: in place for scalars. */
static int replace_scalar(crm_doc **doc, const crm_node *n, const crm_node *val, bool flow)
{
	crm_doc *d = *doc;
	crm_buf t = CRM_BUF_INIT;
	size_t end = n->end;
	bool literal = false;
	if (n->style == CRM_STYLE_LITERAL || n->style == CRM_STYLE_FOLDED) {
		/* a block scalar's range swallows its line breaks: keep one */
		while (end > n->start && (d->src[end - 1] == '\n' || d->src[end - 1] == '\r'))
			end--;
	}
	if (!flow && val->kind == CRM_NODE_SCALAR && val->style != CRM_STYLE_PLAIN &&
	    memchr(val->value, '\n', val->len) && n->parent && n->parent->kind == CRM_NODE_MAP) {
		/* a multi-line value becomes a literal block under its key */
		literal = true;
		long k = -1;
		for (size_t i = 0; i < n->parent->n; i++)
			if (n->parent->items[i] == n)
				k = (long)i;
		int indent = k >= 0 ? n->parent->keys[k]->col - 1 : 0;
		crm_buf tmp = CRM_BUF_INIT;
		crm_yaml_render_pair(&tmp, "k", val, indent);
		/* drop "k: " and the final newline, which the line already has */
		size_t skip = 3, len = tmp.len - 3;
		if (len && tmp.ptr[tmp.len - 1] == '\n')
			len--;
		crm_buf_put(&t, tmp.ptr + skip, len);
		crm_buf_free(&tmp);
	} else if (val->kind == CRM_NODE_SCALAR) {
		crm_yaml_render_flow(&t, val);
		if (!flow && t.len >= 2 && val->style != CRM_STYLE_PLAIN && !memchr(val->value, '\n', val->len)) {
			/* block context allows what flow context must quote (a,b) */
			crm_buf_truncate(&t, 0);
			crm_yaml_write_str(&t, val->value, false);
		}
	} else {
		crm_yaml_render_flow(&t, val);
	}
	size_t start = n->start, stop = end;
	crm_buf out = CRM_BUF_INIT;
	if (n->len == 0 && n->style == CRM_STYLE_PLAIN) {
		/*
		 * An empty value (`name:` with nothing after it) has no bytes of
		 * its own, and libyaml may place it anywhere up to the next token:
		 * write the value right after the ':' or '-' that introduces it.
		 */
		bool colon;
		start = stop = empty_value_at(d, n, &colon);
		crm_buf_puts(&out, colon ? ": " : " ");
	}
	const char *nl = literal ? memchr(t.ptr, '\n', t.len) : NULL;
	if (nl) {
		/* a literal block: its header here, then whatever followed the old
		 * value on its line (a comment), then the block's lines */
		size_t eol = after_line(d, stop);
		crm_buf_put(&out, t.ptr, (size_t)(nl - t.ptr));
		crm_buf_put(&out, d->src + stop, eol - stop);
		if (eol == stop || d->src[eol - 1] != '\n')
			crm_buf_putc(&out, '\n');
		crm_buf_put(&out, nl + 1, t.len - (size_t)(nl + 1 - t.ptr));
		crm_buf_putc(&out, '\n');
		stop = eol;
	} else {
		crm_buf_put(&out, t.ptr, t.len);
	}
	int rc = splice(doc, start, stop - start, out.ptr, out.len);
	crm_buf_free(&out);
	crm_buf_free(&t);
	return rc;
}

/* Byte range that removes item k of collection c (key and value for maps). */
static void removal_range(const crm_doc *d, const crm_node *c, size_t k, size_t *from, size_t *to)
{
	const crm_node *first = c->kind == CRM_NODE_MAP ? c->keys[k] : c->items[k];
	const crm_node *last = c->items[k];
	if (c->flow) {
		const crm_node *nextfirst =
			k + 1 < c->n ? (c->kind == CRM_NODE_MAP ? c->keys[k + 1] : c->items[k + 1]) : NULL;
		if (nextfirst) {
			*from = first->start;
			*to = nextfirst->start;
		} else if (k > 0) {
			*from = c->items[k - 1]->end;
			*to = last->end;
		} else {
			*from = first->start;
			*to = last->end;
		}
		return;
	}
	size_t start = first->start;
	if (c->kind == CRM_NODE_SEQ) {
		/* back over blanks to the dash */
		while (start > 0 && (d->src[start - 1] == ' ' || d->src[start - 1] == '\t'))
			start--;
		if (start > 0 && d->src[start - 1] == '-')
			start--;
	}
	if (c->kind == CRM_NODE_MAP && k == 0 && c->n > 1 && !starts_line(d, start)) {
		/* first key of a list item (`- date: ...`): pull the next key up */
		*from = start;
		*to = c->keys[1]->start;
		return;
	}
	if (c->kind == CRM_NODE_MAP && k == 0 && c->n > 1 &&
	    line_start(d, start) + (size_t)(first->col - 1) != start) {
		*from = start;
		*to = c->keys[1]->start;
		return;
	}
	*from = line_start(d, start);
	*to = after_line(d, last->end);
}

/* Resolve path to its parent collection and the index within it. */
typedef struct {
	const crm_node *parent; /* deepest existing collection on the path */
	const crm_node *node;   /* the node at path, or NULL */
	int missing;            /* index of the first path part not found */
	size_t index;           /* node's index in parent */
} lookup;

static void find(const crm_node *root, char **keys, long *idx, int n, lookup *out)
{
	const crm_node *cur = root;
	out->parent = NULL;
	out->node = NULL;
	out->missing = 0;
	out->index = 0;
	for (int i = 0; i < n; i++) {
		const crm_node *next = NULL;
		size_t at = 0;
		if (keys[i] && cur && cur->kind == CRM_NODE_MAP) {
			long k = crm_node_index(cur, keys[i]);
			if (k >= 0)
				next = cur->items[k], at = (size_t)k;
		} else if (!keys[i] && cur && cur->kind == CRM_NODE_SEQ && (size_t)idx[i] < cur->n) {
			next = cur->items[idx[i]];
			at = (size_t)idx[i];
		}
		if (!next || (is_null(next) && i + 1 < n)) {
			out->parent = cur;
			out->missing = i;
			if (next && is_null(next))
				out->index = at, out->node = next;
			return;
		}
		out->parent = cur;
		out->index = at;
		cur = next;
		out->missing = i + 1;
	}
	out->node = cur;
}

/* Build {keys[from]: {keys[from+1]: ... value}} as new nodes; an index part
 * (keys[i] NULL, only [0] here: see nest_ok) becomes a one-item list. */
static crm_node *nest(char **keys, long *idx, int from, int n, const crm_node *value)
{
	crm_node *v = crm_node_clone(value);
	for (int i = n - 1; i >= from; i--) {
		crm_node *m;
		if (keys[i]) {
			m = crm_node_new_map(false);
			crm_node_map_put(m, keys[i], v);
		} else {
			m = crm_node_new_seq(false);
			crm_node_seq_push(m, v);
		}
		v = m;
	}
	return v;
}

static char *join_path(char **keys, long *idx, int n)
{
	crm_buf b = CRM_BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (keys[i])
			crm_buf_printf(&b, "%s%s", i ? "." : "", keys[i]);
		else
			crm_buf_printf(&b, "[%ld]", idx[i]);
	}
	return crm_buf_detach(&b);
}

static int set_parts(crm_doc **doc, char **keys, long *idx, int n, const crm_node *value,
		     const char *const *order);

int crm_edit_set(crm_doc **doc, const char *path, const crm_node *value,
		 const char *const *order)
{
	char **keys;
	long *idx;
	int n = crm_path_split(path, &keys, &idx);
	if (n < 0)
		return CRM_EUSAGE; /* the message says what is wrong with the path */
	int rc = set_parts(doc, keys, idx, n, value, order);
	crm_path_free(keys, idx, n);
	return rc;
}

static int set_parts(crm_doc **doc, char **keys, long *idx, int n, const crm_node *value,
		     const char *const *order)
{
	crm_doc *d = *doc;
	if (!d->root || d->root->kind != CRM_NODE_MAP)
		return crm_error_set(CRM_EINVALID, "%s: the record is not a mapping", d->path);
	lookup l;
	find(d->root, keys, idx, n, &l);
	if (l.node && l.missing == n) {
		const crm_node *node = l.node, *parent = node->parent;
		if (node->kind == CRM_NODE_SCALAR && value->kind == CRM_NODE_SCALAR)
			return replace_scalar(doc, node, value, parent && parent->flow);
		if (parent && parent->flow) {
			crm_buf t = CRM_BUF_INIT;
			crm_yaml_render_flow(&t, value);
			int rc = splice(doc, node->start, node->end - node->start, t.ptr, t.len);
			crm_buf_free(&t);
			return rc;
		}
		if (parent && parent->kind == CRM_NODE_MAP) {
			/* a block value replaced: remove the pair, insert it again in place */
			size_t k = l.index, from, to;
			char *key = crm_xstrdup(parent->keys[k]->value);
			int indent = parent->keys[k]->col - 1;
			removal_range(d, parent, k, &from, &to);
			crm_buf t = CRM_BUF_INIT;
			if (from == line_start(d, from))
				for (int i = 0; i < indent; i++)
					crm_buf_putc(&t, ' ');
			crm_yaml_render_pair(&t, key, value, indent);
			/* (at the end of a file without a final newline it does end its line) */
			if (to < d->len && (to != after_line(d, to) || (to > 0 && d->src[to - 1] != '\n'))) {
				/* the pair did not end a line (first key of an item): keep layout */
				crm_buf_truncate(&t, 0);
				crm_yaml_render_pair(&t, key, value, indent);
				for (int i = 0; i < indent; i++)
					crm_buf_putc(&t, ' ');
			}
			int rc = splice(doc, from, to - from, t.ptr, t.len);
			crm_buf_free(&t);
			free(key);
			return rc;
		}
		/* an item of a block list: replace its lines */
		size_t from, to;
		removal_range(d, parent, l.index, &from, &to);
		int dash = 0;
		while (d->src[from + (size_t)dash] == ' ')
			dash++;
		crm_buf t = CRM_BUF_INIT;
		crm_yaml_render_item(&t, value, dash);
		int rc = splice(doc, from, to - from, t.ptr, t.len);
		crm_buf_free(&t);
		return rc;
	}
	/* something on the path is missing (or null) */
	int m = l.missing;
	const crm_node *parent = l.parent;
	/* a new list can only start at [0]: any other index is past its end */
	for (int i = m + 1; i < n && keys[m]; i++)
		if (!keys[i] && idx[i] != 0)
			m = i;
	if (!keys[m]) {
		char *p = join_path(keys, idx, m + 1);
		char *list = join_path(keys, idx, m);
		int rc = crm_error_set(CRM_ENOTFOUND, "%s: no such list item (to add one, use %s+=VALUE)", p,
				       m ? list : p);
		free(list);
		free(p);
		return rc;
	}
	if (l.node && is_null(l.node)) {
		/* `needs:` with nothing: give it the value built from here down */
		crm_node *v = nest(keys, idx, m + 1, n, value);
		int rc = set_parts(doc, keys, idx, m + 1, v, order);
		crm_node_free(v);
		return rc;
	}
	if (!parent || parent->kind != CRM_NODE_MAP) {
		char *p = join_path(keys, idx, m);
		int rc = crm_error_set(CRM_EINVALID, "%s is not a mapping, so it has no field '%s'",
				       m ? p : "the record", keys[m]);
		free(p);
		return rc;
	}
	crm_node *v = nest(keys, idx, m + 1, n, value);
	int rc;
	if (parent->n == 0 && !parent->flow)
		rc = crm_error_set(CRM_EFAIL, "cannot add to an empty block mapping");
	else
		rc = map_insert(doc, parent, insert_index(parent, keys[m], order), keys[m], v);
	crm_node_free(v);
	return rc;
}

int crm_edit_unset(crm_doc **doc, const char *path)
{
	char **keys;
	long *idx;
	int n = crm_path_split(path, &keys, &idx);
	if (n < 0)
		return CRM_EUSAGE;
	crm_doc *d = *doc;
	lookup l;
	int rc;
	find(d->root, keys, idx, n, &l);
	if (!l.node || l.missing != n || !l.parent) {
		rc = crm_error_set(CRM_ENOTFOUND, "%s: %s is not set", d->path, path);
		goto done;
	}
	const crm_node *c = l.node->parent;
	if (c->n == 1 && c->parent) {
		/* the last key or item: drop the map, or leave an empty list */
		if (c->kind == CRM_NODE_MAP) {
			char *up = join_path(keys, idx, n - 1);
			rc = crm_edit_unset(doc, up);
			free(up);
		} else {
			crm_node *empty = crm_node_new_seq(true);
			rc = set_parts(doc, keys, idx, n - 1, empty, NULL);
			crm_node_free(empty);
		}
		goto done;
	}
	size_t from, to;
	removal_range(d, c, l.index, &from, &to);
	rc = splice(doc, from, to - from, "", 0);
done:
	crm_path_free(keys, idx, n);
	return rc;
}

int crm_edit_append(crm_doc **doc, const char *path, const crm_node *item,
		    const char *const *order)
{
	crm_doc *d = *doc;
	char **keys;
	long *idx;
	int n = crm_path_split(path, &keys, &idx);
	if (n < 0)
		return CRM_EUSAGE;
	/* the same reading of the path as crm_edit_set's, which may create the list */
	lookup l;
	find(d->root, keys, idx, n, &l);
	crm_path_free(keys, idx, n);
	const crm_node *seq = l.missing == n ? l.node : NULL;
	bool block_item = item->kind != CRM_NODE_SCALAR && !item->flow;
	if (!seq || is_null(seq) || (seq->kind == CRM_NODE_SEQ && seq->n == 0 && block_item)) {
		crm_node *s = crm_node_new_seq(!block_item);
		crm_node_seq_push(s, crm_node_clone(item));
		int rc = crm_edit_set(doc, path, s, order);
		crm_node_free(s);
		return rc;
	}
	if (seq->kind != CRM_NODE_SEQ)
		return crm_error_set(CRM_EINVALID, "%s: %s is not a list", d->path, path);
	crm_buf t = CRM_BUF_INIT;
	int rc;
	if (seq->flow) {
		if (seq->n)
			crm_buf_puts(&t, ", ");
		crm_yaml_render_flow(&t, item);
		size_t at = seq->n ? seq->items[seq->n - 1]->end : seq->end - 1;
		rc = splice(doc, at, 0, t.ptr, t.len);
	} else {
		crm_yaml_render_item(&t, item, seq->col - 1);
		rc = insert_lines(doc, after_line(d, seq->end), &t);
	}
	crm_buf_free(&t);
	return rc;
}
