/*
 * The schema validator: JSON Schema draft-07 (the subset in schema.h),
 * compiled once into one `struct sch` per subschema so that validating a
 * record walks only precomputed fields: resolved $ref pointers, property
 * arrays, type bit masks, compiled regexes. Validation allocates nothing
 * unless it has something to report; field paths for messages are rebuilt
 * from the node's parent chain only then.
 */
#include "crm/schema.h"
#include "crm/buf.h"
#include "crm/date.h"
#include "crm/regex.h"
#include "crm/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* JSON types as bits, so that `type: [string, "null"]` is one mask test. */
enum {
	T_NULL = 1 << 0,
	T_BOOL = 1 << 1,
	T_INTEGER = 1 << 2,
	T_NUMBER = 1 << 3,
	T_STRING = 1 << 4,
	T_OBJECT = 1 << 5,
	T_ARRAY = 1 << 6,
};

enum fmt { F_NONE, F_DATE, F_EMAIL, F_URI };

typedef struct sch sch;

typedef struct {
	const char *name; /* borrowed from the schema document */
	size_t len;
	sch *s;
} sch_prop;

typedef struct {
	const crm_node *node; /* the name as written, for load-time checks */
	const char *name;
	size_t len;
	long prop; /* index of the property of that name, or -1 */
} sch_req;

/* One compiled subschema. Pointers to crm_node are borrowed from s->doc. */
struct sch {
	const crm_node *node;  /* the schema as written: a map, or true/false */
	size_t idx;            /* position in crm_schema.all */
	signed char boolean;   /* -1 a map; 0 the `false` schema; 1 `true` */
	unsigned types;        /* T_* bits allowed; 0 = any */
	const char *type_name; /* first non-null type written, for type_at */
	sch *ref;              /* $ref target */
	const crm_node *ref_node;
	sch_prop *props;
	size_t nprops;
	sch_req *req;
	size_t nreq;
	sch *additional; /* additionalProperties; NULL = anything */
	sch *items;
	const crm_node *enum_;   /* a sequence */
	const char **enum_strs;  /* texts of its scalar values, in order */
	size_t nenum;
	char *enum_list;         /* "a, b, c", for messages */
	const crm_node *const_;
	crm_regex *re;           /* the compiled pattern, or NULL */
	const char *pattern;     /* as written */
	enum fmt format;
	bool has_min, has_max;
	double min, max;
	const char *min_text, *max_text;
	long min_len, max_len, min_items; /* -1 = none */
	bool unique;
	sch **all_of;
	size_t nall_of;
	sch *if_, *then_, *else_;
	char *because;           /* for an `if`: "stage is lost", or NULL */
	const crm_node *label;   /* x-label: {zh: .., en: ..} */
	const crm_node *labels;  /* x-labels: {VALUE: {zh: .., en: ..}} */
};

struct crm_schema {
	crm_doc *doc;
	sch *root;
	sch **all; /* every compiled subschema, for lookup and freeing */
	size_t nall, capall;
	crm_regex_scratch *scratch; /* for every pattern match; NULL = none yet */
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static bool is_scalar(const crm_node *n)
{
	return n && n->kind == CRM_NODE_SCALAR;
}

/* Code points in a UTF-8 string (the document reader refused bad UTF-8). */
static size_t utf8_len(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* A scalar's numeric value by the YAML 1.2 core schema forms. */
static double num_value(const crm_node *n)
{
	const char *s = n->value;
	int sign = 1;
	if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		s++;
	}
	if (s[0] == '.' && (s[1] == 'i' || s[1] == 'I'))
		return sign * INFINITY;
	if (s[0] == '.' && (s[1] == 'n' || s[1] == 'N'))
		return NAN;
	if (s[0] == '0' && s[1] == 'o')
		return sign * (double)strtoull(s + 2, NULL, 8);
	if (s[0] == '0' && s[1] == 'x')
		return sign * (double)strtoull(s + 2, NULL, 16);
	return sign * strtod(s, NULL);
}

static bool ascii_ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* A real calendar date written YYYY-MM-DD. */
static bool valid_date(const char *s)
{
	crm_date d;
	return crm_date_parse_iso(&d, s);
}

/* What a YAML 1.1 reader takes for a timestamp: 2024-5-1, 2024-05-01 12:00... */
static bool looks_like_timestamp(const char *s)
{
	int i = 0;
	for (; i < 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (s[i++] != '-' || !isdigit((unsigned char)s[i++]))
		return false;
	if (isdigit((unsigned char)s[i]))
		i++;
	if (s[i++] != '-' || !isdigit((unsigned char)s[i++]))
		return false;
	if (isdigit((unsigned char)s[i]))
		i++;
	return s[i] == '\0' || s[i] == 'T' || s[i] == 't' || s[i] == ' ' || s[i] == '\t';
}

static bool all_of(const char *s, const char *set)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(set, *s))
			return false;
	return true;
}

static bool word_in(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/* [1-9][0-9_]*(:[0-5]?[0-9])+ at s; returns the end, or NULL. */
static const char *sexagesimal(const char *s)
{
	if (*s < '1' || *s > '9')
		return NULL;
	while (isdigit((unsigned char)*s) || *s == '_')
		s++;
	if (*s != ':')
		return NULL;
	while (*s == ':') {
		s++;
		if (!isdigit((unsigned char)*s))
			return NULL;
		if (isdigit((unsigned char)s[1])) {
			if (*s > '5')
				return NULL;
			s++;
		}
		s++;
	}
	return s;
}

/* [eE][-+][0-9]+ or nothing, up to the end. */
static bool exponent_end(const char *s)
{
	if (!*s)
		return true;
	if ((*s != 'e' && *s != 'E') || (s[1] != '-' && s[1] != '+'))
		return false;
	return all_of(s + 2, "0123456789");
}

/*
 * What a YAML 1.1 reader (PyYAML, SnakeYAML, go-yaml v2) makes of a plain
 * scalar, by the YAML 1.1 type regexes: CRM_JSON_STRING when a string.
 * Timestamps are left to looks_like_timestamp().
 */
static crm_json_type yaml11_reading(const char *s, size_t len)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
		"TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", NULL,
	};
	static const char *const special[] = {
		".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
		".nan", ".NaN", ".NAN", NULL,
	};
	/* most text starts with a letter no special word starts with, or is not ASCII */
	switch (*s) {
	case 'y': case 'Y': case 'n': case 'N': case 't': case 'T': case 'f': case 'F':
	case 'o': case 'O': case '~': case '<': case '=': case '.': case '+': case '-':
	case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
	case '8': case '9': case '\0':
		break;
	default:
		return CRM_JSON_STRING;
	}
	if (len <= 5) { /* the longest special words: false, -.inf */
		if (word_in(s, nulls))
			return CRM_JSON_NULL;
		if (word_in(s, bools))
			return CRM_JSON_BOOL;
		if (word_in(s, special))
			return CRM_JSON_NUMBER;
		if (!strcmp(s, "<<") || !strcmp(s, "="))
			return CRM_JSON_OBJECT;
	}
	const char *p = s + (*s == '-' || *s == '+');
	if ((p[0] == '0' && p[1] == 'b' && all_of(p + 2, "01_")) ||
	    (p[0] == '0' && p[1] == 'x' && all_of(p + 2, "0123456789abcdefABCDEF_")) ||
	    (p[0] == '0' && (!p[1] || all_of(p + 1, "01234567_"))) ||
	    (p[0] >= '1' && p[0] <= '9' && (!p[1] || all_of(p + 1, "0123456789_"))))
		return CRM_JSON_INT;
	const char *e = sexagesimal(p);
	if (e && !*e)
		return CRM_JSON_INT;
	if (e && *e == '.' && (!e[1] || all_of(e + 1, "0123456789_")))
		return CRM_JSON_NUMBER;
	/* [0-9][0-9_]*.[0-9_]*(exp)?  or  .[0-9_]+(exp)? */
	const char *q = p;
	if (isdigit((unsigned char)*q)) {
		while (isdigit((unsigned char)*q) || *q == '_')
			q++;
		if (*q != '.')
			return CRM_JSON_STRING;
		q++;
	} else if (*q == '.' && (isdigit((unsigned char)q[1]) || q[1] == '_')) {
		q++;
	} else {
		return CRM_JSON_STRING;
	}
	while (isdigit((unsigned char)*q) || *q == '_')
		q++;
	return exponent_end(q) ? CRM_JSON_NUMBER : CRM_JSON_STRING;
}

/* One @, a local part, a domain with an inner dot, no spaces. */
static bool valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>(),;:\\\"[]", *p))
			return false;
	const char *dom = at + 1;
	const char *dot = strchr(dom, '.');
	size_t dl = strlen(dom);
	if (!dot || dom[0] == '.' || dom[dl - 1] == '.' || strstr(dom, ".."))
		return false;
	return true;
}

/* scheme ":" something, no spaces (RFC 3986 scheme syntax). */
static bool valid_uri(const char *s)
{
	if (!isalpha((unsigned char)s[0]))
		return false;
	const char *p = s + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '.' || *p == '-')
		p++;
	if (*p != ':' || !p[1])
		return false;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Compiling                                                           */

typedef struct {
	crm_schema *s;
	crm_diags *diags;
	const char *path;
	int errors;
} cctx;

static void cerr(cctx *cc, const crm_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cerr(cctx *cc, const crm_node *at, const char *fmt, ...)
{
	cc->errors++;
	if (!cc->diags)
		return;
	va_list ap;
	va_start(ap, fmt);
	crm_diags_vadd(cc->diags, cc->path, at ? at->line : 0, at ? at->col : 0, CRM_SEV_ERROR,
		       fmt, ap);
	va_end(ap);
}

static const char *const keywords[] = {
	"$schema", "$id", "$comment", "title", "description", "default", "examples",
	"type", "properties", "required", "additionalProperties", "items", "enum",
	"const", "pattern", "format", "minimum", "maximum", "minLength", "maxLength",
	"minItems", "uniqueItems", "allOf", "if", "then", "else", "definitions", "$ref",
	"x-label", "x-labels",
};
#define NKEYWORDS (sizeof keywords / sizeof *keywords)

/* Keywords of draft-07 that crm does not implement: refused by name. */
static const char *const unsupported[] = {
	"oneOf", "anyOf", "not", "maxItems", "contains", "additionalItems",
	"patternProperties", "propertyNames", "dependencies", "exclusiveMinimum",
	"exclusiveMaximum", "multipleOf", "maxProperties", "minProperties",
	"contentMediaType", "contentEncoding", "readOnly", "writeOnly",
};

/* Annotations: all that may stand beside $ref (draft-07 ignores the rest). */
static bool is_annotation(const char *k)
{
	static const char *const ann[] = {
		"$comment", "title", "description", "default", "examples", "x-label", "x-labels",
	};
	for (size_t i = 0; i < sizeof ann / sizeof *ann; i++)
		if (strcmp(k, ann[i]) == 0)
			return true;
	return false;
}

static sch *compile(cctx *cc, const crm_node *n);

static sch *sch_new(cctx *cc, const crm_node *n)
{
	crm_schema *S = cc->s;
	sch *s = crm_xcalloc(1, sizeof *s);
	s->node = n;
	s->boolean = 1;
	s->min_len = s->max_len = s->min_items = -1;
	if (S->nall == S->capall) {
		S->capall = S->capall ? 2 * S->capall : 64;
		S->all = crm_xrealloc(S->all, S->capall * sizeof *S->all);
	}
	s->idx = S->nall;
	S->all[S->nall++] = s;
	return s;
}

static bool want_scalar(cctx *cc, const char *kw, const crm_node *v)
{
	if (is_scalar(v))
		return true;
	cerr(cc, v, "%s: expected a single value, not a %s", kw,
	     v->kind == CRM_NODE_MAP ? "map" : "list");
	return false;
}

static bool want_kind(cctx *cc, const char *kw, const crm_node *v, crm_node_kind k)
{
	if (v->kind == k)
		return true;
	cerr(cc, v, "%s: expected a %s", kw, k == CRM_NODE_MAP ? "map" : "list");
	return false;
}

static long want_count(cctx *cc, const char *kw, const crm_node *v)
{
	if (!is_scalar(v) || v->jtype != CRM_JSON_INT || v->value[0] == '-') {
		cerr(cc, v, "%s: expected a whole number of 0 or more", kw);
		return -1;
	}
	return strtol(v->value, NULL, 10);
}

static unsigned type_bit(const char *t)
{
	static const struct { const char *name; unsigned bit; } tt[] = {
		{ "null", T_NULL }, { "boolean", T_BOOL }, { "integer", T_INTEGER },
		{ "number", T_NUMBER }, { "string", T_STRING }, { "object", T_OBJECT },
		{ "array", T_ARRAY },
	};
	for (size_t i = 0; i < sizeof tt / sizeof *tt; i++)
		if (strcmp(t, tt[i].name) == 0)
			return tt[i].bit;
	return 0;
}

/* The static name of a type, for crm_schema_type_at. */
static const char *type_static(const char *t)
{
	static const char *const names[] = { "string", "number", "integer", "boolean",
					     "array", "object", "null" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(t, names[i]) == 0)
			return names[i];
	return NULL;
}

static void compile_type(cctx *cc, sch *s, const crm_node *v)
{
	static const char *const names[] = { "string", "number", "integer", "boolean",
					     "null", "object", "array" };
	const crm_node *one = v;
	size_t n = 1;
	if (v->kind == CRM_NODE_SEQ) {
		n = v->n;
		if (!n)
			cerr(cc, v, "type: the list is empty");
	} else if (!want_scalar(cc, "type", v)) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const crm_node *t = v->kind == CRM_NODE_SEQ ? v->items[i] : one;
		unsigned bit = is_scalar(t) ? type_bit(t->value) : 0;
		if (!bit) {
			const char *sug = is_scalar(t) ? crm_suggest(t->value, names, 7) : NULL;
			cerr(cc, t, "type: unknown type '%s'%s%s%s (one of string, number, "
				    "integer, boolean, null, object, array)",
			     is_scalar(t) ? t->value : "...", sug ? " (did you mean '" : "",
			     sug ? sug : "", sug ? "'?)" : "");
			continue;
		}
		s->types |= bit;
		if (!s->type_name && bit != T_NULL)
			s->type_name = type_static(t->value);
	}
}

static void compile_properties(cctx *cc, sch *s, const crm_node *v)
{
	if (!want_kind(cc, "properties", v, CRM_NODE_MAP))
		return;
	s->props = crm_xcalloc(v->n ? v->n : 1, sizeof *s->props);
	s->nprops = v->n;
	for (size_t i = 0; i < v->n; i++) {
		s->props[i].name = v->keys[i]->value;
		s->props[i].len = v->keys[i]->len;
		s->props[i].s = compile(cc, v->items[i]);
	}
}

static void compile_required(cctx *cc, sch *s, const crm_node *v)
{
	if (!want_kind(cc, "required", v, CRM_NODE_SEQ))
		return;
	s->req = crm_xcalloc(v->n ? v->n : 1, sizeof *s->req);
	for (size_t i = 0; i < v->n; i++) {
		const crm_node *r = v->items[i];
		if (!is_scalar(r)) {
			cerr(cc, r, "required: expected field names");
			continue;
		}
		s->req[s->nreq].node = r;
		s->req[s->nreq].name = r->value;
		s->req[s->nreq].len = r->len;
		s->req[s->nreq].prop = -1;
		s->nreq++;
	}
}

static void compile_enum(cctx *cc, sch *s, const crm_node *v)
{
	if (!want_kind(cc, "enum", v, CRM_NODE_SEQ))
		return;
	if (!v->n) {
		cerr(cc, v, "enum: the list is empty; nothing could ever match");
		return;
	}
	s->enum_ = v;
	s->enum_strs = crm_xcalloc(v->n, sizeof *s->enum_strs);
	crm_buf b = CRM_BUF_INIT;
	for (size_t i = 0; i < v->n; i++) {
		const crm_node *e = v->items[i];
		if (!is_scalar(e))
			continue;
		for (size_t j = 0; j < i; j++)
			if (crm_node_equal(v->items[j], e))
				cerr(cc, e, "enum: '%s' is listed twice", e->value);
		s->enum_strs[s->nenum++] = e->value;
		crm_buf_printf(&b, "%s%s", b.len ? ", " : "", e->value);
	}
	s->enum_list = crm_buf_detach(&b);
}

/* Compiled once here; validation reuses it with the schema's one scratch. */
static void compile_pattern(cctx *cc, sch *s, const crm_node *v)
{
	if (!want_scalar(cc, "pattern", v))
		return;
	crm_regex *re = NULL;
	size_t at = 0;
	if (crm_regex_new(&re, v->value, v->len, &at) < 0) {
		cerr(cc, v, "pattern '%s' does not compile: %s (at character %zu of the pattern)",
		     v->value, crm_error_last(), at + 1);
		return;
	}
	crm_regex_free(s->re);
	s->re = re;
	s->pattern = v->value;
	if (!cc->s->scratch)
		cc->s->scratch = crm_regex_scratch_new();
}

static void compile_format(cctx *cc, sch *s, const crm_node *v)
{
	if (!want_scalar(cc, "format", v))
		return;
	if (strcmp(v->value, "date") == 0)
		s->format = F_DATE;
	else if (strcmp(v->value, "email") == 0)
		s->format = F_EMAIL;
	else if (strcmp(v->value, "uri") == 0)
		s->format = F_URI;
	else
		cerr(cc, v, "format: '%s' is not supported (date, email or uri)", v->value);
}

static bool compile_bound(cctx *cc, const char *kw, const crm_node *v, double *out,
			  const char **text)
{
	if (!is_scalar(v) || (v->jtype != CRM_JSON_INT && v->jtype != CRM_JSON_NUMBER)) {
		cerr(cc, v, "%s: expected a number", kw);
		return false;
	}
	*out = num_value(v);
	*text = v->value;
	return true;
}

static void compile_label(cctx *cc, const char *kw, const crm_node *v)
{
	if (v->kind != CRM_NODE_MAP) {
		cerr(cc, v, "%s: expected a map of languages, like {zh: 来源, en: Source}", kw);
		return;
	}
	for (size_t i = 0; i < v->n; i++)
		if (!is_scalar(v->items[i]) || v->items[i]->jtype == CRM_JSON_NULL)
			cerr(cc, v->items[i], "%s: the label for '%s' must be text", kw,
			     v->keys[i]->value);
}

static void compile_labels(cctx *cc, sch *s, const crm_node *v)
{
	if (v->kind != CRM_NODE_MAP) {
		cerr(cc, v, "x-labels: expected a map of values to labels, like "
			    "{won: {zh: 成交, en: Won}}");
		return;
	}
	for (size_t i = 0; i < v->n; i++)
		compile_label(cc, "x-labels", v->items[i]);
	s->labels = v;
}

/* Find the node a local JSON pointer (#/definitions/a~1b) names, or report. */
static const crm_node *resolve_pointer(cctx *cc, const crm_node *at)
{
	const char *p = at->value;
	if (p[0] != '#') {
		cerr(cc, at, "$ref: only local references (#/definitions/NAME) are supported, "
			     "not '%s'", p);
		return NULL;
	}
	const crm_node *n = cc->s->doc->root;
	p++;
	if (*p && *p != '/') {
		cerr(cc, at, "$ref: '%s' is not a JSON pointer (#/definitions/NAME)", at->value);
		return NULL;
	}
	while (n && *p == '/') {
		p++;
		crm_buf seg = CRM_BUF_INIT;
		crm_buf_puts(&seg, "");
		for (; *p && *p != '/'; p++) {
			if (p[0] == '~' && p[1] == '0') {
				crm_buf_putc(&seg, '~');
				p++;
			} else if (p[0] == '~' && p[1] == '1') {
				crm_buf_putc(&seg, '/');
				p++;
			} else {
				crm_buf_putc(&seg, *p);
			}
		}
		const crm_node *next = NULL;
		if (n->kind == CRM_NODE_MAP) {
			next = crm_node_get(n, seg.ptr);
		} else if (n->kind == CRM_NODE_SEQ) {
			char *end;
			unsigned long i = strtoul(seg.ptr, &end, 10);
			if (*seg.ptr && !*end && i < n->n)
				next = n->items[i];
		}
		if (!next) {
			const char *sug = NULL;
			if (n->kind == CRM_NODE_MAP) {
				const char **names = crm_xcalloc(n->n + 1, sizeof *names);
				for (size_t i = 0; i < n->n; i++)
					names[i] = n->keys[i]->value;
				sug = crm_suggest(seg.ptr, names, n->n);
				free(names);
			}
			cerr(cc, at, "$ref: '%s' points to nothing: no '%s' there%s%s%s", at->value,
			     seg.ptr, sug ? " (did you mean '" : "", sug ? sug : "",
			     sug ? "'?)" : "");
		}
		crm_buf_free(&seg);
		n = next;
	}
	if (n && n->kind == CRM_NODE_SEQ) {
		cerr(cc, at, "$ref: '%s' points to a list, not a schema", at->value);
		return NULL;
	}
	return n;
}

/* "stage is lost", to say why a then-branch applies; NULL when not simple. */
static char *describe_if(const sch *s)
{
	crm_buf b = CRM_BUF_INIT;
	for (size_t i = 0; i < s->nprops; i++) {
		const sch *p = s->props[i].s;
		if (p->const_ && is_scalar(p->const_))
			crm_buf_printf(&b, "%s%s is %s", b.len ? " and " : "", s->props[i].name,
				       p->const_->value);
		else if (p->enum_list && p->nenum == 1)
			crm_buf_printf(&b, "%s%s is %s", b.len ? " and " : "", s->props[i].name,
				       p->enum_list);
		else if (p->enum_list)
			crm_buf_printf(&b, "%s%s is one of %s", b.len ? " and " : "",
				       s->props[i].name, p->enum_list);
	}
	return b.len ? crm_buf_detach(&b) : NULL;
}

static sch **compile_list(cctx *cc, const char *kw, const crm_node *v, size_t *n)
{
	*n = 0;
	if (!want_kind(cc, kw, v, CRM_NODE_SEQ))
		return NULL;
	if (!v->n) {
		cerr(cc, v, "%s: the list is empty", kw);
		return NULL;
	}
	sch **l = crm_xcalloc(v->n, sizeof *l);
	for (size_t i = 0; i < v->n; i++)
		l[i] = compile(cc, v->items[i]);
	*n = v->n;
	return l;
}

static void compile_keyword(cctx *cc, sch *s, const crm_node *key, const crm_node *v,
			    bool has_ref, bool at_root)
{
	const char *k = key->value;
	size_t ki;
	for (ki = 0; ki < NKEYWORDS; ki++)
		if (strcmp(k, keywords[ki]) == 0)
			break;
	if (ki == NKEYWORDS) {
		for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++)
			if (strcmp(k, unsupported[i]) == 0) {
				cerr(cc, key, "keyword '%s' is not supported by crm (use type, "
					      "enum, allOf, if/then/else and the others in "
					      "SPEC §4)", k);
				return;
			}
		const char *sug = crm_suggest(k, keywords, NKEYWORDS);
		cerr(cc, key, "unknown keyword '%s'%s%s%s", k, sug ? " (did you mean '" : "",
		     sug ? sug : "", sug ? "'?)" : "");
		return;
	}
	if (has_ref && strcmp(k, "$ref") && strcmp(k, "definitions") && !is_annotation(k)) {
		cerr(cc, key, "'%s' beside $ref is ignored by draft-07 readers such as "
			      "editors; move it into the referenced schema or use allOf", k);
		return;
	}
	if (!strcmp(k, "$schema")) {
		if (!want_scalar(cc, k, v))
			return;
		if (!at_root)
			cerr(cc, key, "$schema belongs at the top of the schema only");
		else if (strcmp(v->value, "http://json-schema.org/draft-07/schema#") &&
			 strcmp(v->value, "http://json-schema.org/draft-07/schema") &&
			 strcmp(v->value, "https://json-schema.org/draft-07/schema#") &&
			 strcmp(v->value, "https://json-schema.org/draft-07/schema"))
			cerr(cc, v, "$schema '%s' is not supported: crm reads draft-07 "
				    "(http://json-schema.org/draft-07/schema#)", v->value);
	} else if (!strcmp(k, "$id") || !strcmp(k, "$comment") || !strcmp(k, "title") ||
		   !strcmp(k, "description")) {
		want_scalar(cc, k, v);
	} else if (!strcmp(k, "default")) {
		/* any value */
	} else if (!strcmp(k, "examples")) {
		want_kind(cc, k, v, CRM_NODE_SEQ);
	} else if (!strcmp(k, "type")) {
		compile_type(cc, s, v);
	} else if (!strcmp(k, "properties")) {
		compile_properties(cc, s, v);
	} else if (!strcmp(k, "required")) {
		compile_required(cc, s, v);
	} else if (!strcmp(k, "additionalProperties")) {
		s->additional = compile(cc, v);
	} else if (!strcmp(k, "items")) {
		if (v->kind == CRM_NODE_SEQ)
			cerr(cc, v, "items: a list of schemas (tuple form) is not supported; "
				    "give one schema for every item");
		else
			s->items = compile(cc, v);
	} else if (!strcmp(k, "enum")) {
		compile_enum(cc, s, v);
	} else if (!strcmp(k, "const")) {
		s->const_ = v;
	} else if (!strcmp(k, "pattern")) {
		compile_pattern(cc, s, v);
	} else if (!strcmp(k, "format")) {
		compile_format(cc, s, v);
	} else if (!strcmp(k, "minimum")) {
		s->has_min = compile_bound(cc, k, v, &s->min, &s->min_text);
	} else if (!strcmp(k, "maximum")) {
		s->has_max = compile_bound(cc, k, v, &s->max, &s->max_text);
	} else if (!strcmp(k, "minLength")) {
		s->min_len = want_count(cc, k, v);
	} else if (!strcmp(k, "maxLength")) {
		s->max_len = want_count(cc, k, v);
	} else if (!strcmp(k, "minItems")) {
		s->min_items = want_count(cc, k, v);
	} else if (!strcmp(k, "uniqueItems")) {
		if (!is_scalar(v) || v->jtype != CRM_JSON_BOOL)
			cerr(cc, v, "uniqueItems: expected true or false");
		else
			s->unique = v->value[0] == 't' || v->value[0] == 'T';
	} else if (!strcmp(k, "allOf")) {
		s->all_of = compile_list(cc, k, v, &s->nall_of);
	} else if (!strcmp(k, "if")) {
		s->if_ = compile(cc, v);
		if (!s->if_->because && s->if_->boolean < 0)
			s->if_->because = describe_if(s->if_);
	} else if (!strcmp(k, "then")) {
		s->then_ = compile(cc, v);
	} else if (!strcmp(k, "else")) {
		s->else_ = compile(cc, v);
	} else if (!strcmp(k, "definitions")) {
		if (want_kind(cc, k, v, CRM_NODE_MAP))
			for (size_t i = 0; i < v->n; i++)
				compile(cc, v->items[i]);
	} else if (!strcmp(k, "$ref")) {
		if (!want_scalar(cc, k, v))
			return;
		s->ref_node = v;
		const crm_node *t = resolve_pointer(cc, v);
		if (t)
			s->ref = compile(cc, t);
	} else if (!strcmp(k, "x-label")) {
		compile_label(cc, k, v);
		s->label = v;
	} else if (!strcmp(k, "x-labels")) {
		compile_labels(cc, s, v);
	}
}

/* Checks across keywords of one schema, once all of them are read. */
static void compile_finish(cctx *cc, sch *s)
{
	for (size_t i = 0; i < s->nreq; i++) {
		sch_req *r = &s->req[i];
		for (size_t j = 0; j < s->nprops; j++)
			if (r->len == s->props[j].len && !memcmp(r->name, s->props[j].name, r->len))
				r->prop = (long)j;
		if (r->prop < 0 && s->additional && s->additional->boolean == 0)
			cerr(cc, r->node, "required: '%s' is not among the properties, and no "
					  "other field is allowed", r->name);
	}
	if (s->labels && s->enum_) {
		for (size_t i = 0; i < s->labels->n; i++) {
			const crm_node *k = s->labels->keys[i];
			bool found = false;
			for (size_t j = 0; j < s->nenum && !found; j++)
				found = strcmp(s->enum_strs[j], k->value) == 0;
			if (!found) {
				const char *sug = crm_suggest(k->value, s->enum_strs, s->nenum);
				cerr(cc, k, "x-labels: '%s' is not one of the enum values%s%s%s",
				     k->value, sug ? " (did you mean '" : "", sug ? sug : "",
				     sug ? "'?)" : "");
			}
		}
	}
	if (s->has_min && s->has_max && s->min > s->max)
		cerr(cc, s->node, "minimum %s is greater than maximum %s", s->min_text,
		     s->max_text);
	if (s->min_len >= 0 && s->max_len >= 0 && s->min_len > s->max_len)
		cerr(cc, s->node, "minLength is greater than maxLength");
}

static sch *compile(cctx *cc, const crm_node *n)
{
	crm_schema *S = cc->s;
	for (size_t i = 0; i < S->nall; i++)
		if (S->all[i]->node == n)
			return S->all[i];
	sch *s = sch_new(cc, n);
	if (n->kind == CRM_NODE_SCALAR) {
		if (n->jtype == CRM_JSON_BOOL)
			s->boolean = n->value[0] == 't' || n->value[0] == 'T';
		else
			cerr(cc, n, "expected a schema (a map, or true or false), got '%s'",
			     n->value);
		return s;
	}
	if (n->kind == CRM_NODE_SEQ) {
		cerr(cc, n, "expected a schema (a map, or true or false), got a list");
		return s;
	}
	s->boolean = -1;
	bool has_ref = crm_node_get(n, "$ref") != NULL;
	bool at_root = n == S->doc->root;
	for (size_t i = 0; i < n->n; i++)
		compile_keyword(cc, s, n->keys[i], n->items[i], has_ref, at_root);
	compile_finish(cc, s);
	return s;
}

/*
 * A schema that reaches itself through $ref, allOf or if/then/else without
 * descending into a field would make validation loop: refuse it.
 */
static bool loops(cctx *cc, const sch *s, unsigned char *color)
{
	if (color[s->idx] == 2)
		return false;
	if (color[s->idx] == 1) {
		cerr(cc, s->node, "this schema refers back to itself (through $ref, allOf or "
				  "if/then/else) without descending into a field");
		return true;
	}
	color[s->idx] = 1;
	bool bad = (s->ref && loops(cc, s->ref, color)) || (s->if_ && loops(cc, s->if_, color)) ||
		   (s->then_ && loops(cc, s->then_, color)) ||
		   (s->else_ && loops(cc, s->else_, color));
	for (size_t i = 0; !bad && i < s->nall_of; i++)
		bad = loops(cc, s->all_of[i], color);
	color[s->idx] = 2;
	return bad;
}

void crm_schema_free(crm_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nall; i++) {
		sch *x = s->all[i];
		free(x->props);
		free(x->req);
		free(x->enum_strs);
		free(x->enum_list);
		free(x->all_of);
		free(x->because);
		crm_regex_free(x->re);
		free(x);
	}
	free(s->all);
	crm_regex_scratch_free(s->scratch);
	crm_doc_free(s->doc);
	free(s);
}

static int schema_compile(crm_schema **out, crm_doc *doc, crm_diags *diags)
{
	crm_schema *S = crm_xcalloc(1, sizeof *S);
	S->doc = doc;
	cctx cc = { S, diags, doc->path, 0 };
	if (!doc->root) {
		cerr(&cc, NULL, "the schema is empty");
	} else {
		S->root = compile(&cc, doc->root);
		unsigned char *color = crm_xcalloc(S->nall, 1);
		for (size_t i = 0; i < S->nall; i++)
			if (loops(&cc, S->all[i], color))
				break;
		free(color);
	}
	if (cc.errors) {
		crm_error_set(CRM_EINVALID, "%s: the schema has %d error%s", doc->path,
			      cc.errors, cc.errors == 1 ? "" : "s");
		crm_schema_free(S); /* frees doc too */
		*out = NULL;
		return CRM_EINVALID;
	}
	*out = S;
	return 0;
}

int crm_schema_parse(crm_schema **out, const char *path, const char *src, size_t len,
		     crm_diags *diags)
{
	crm_doc *doc;
	*out = NULL;
	int rc = crm_doc_parse(&doc, path, src, len, diags);
	if (rc)
		return rc;
	return schema_compile(out, doc, diags);
}

int crm_schema_load(crm_schema **out, const char *path, crm_diags *diags)
{
	crm_doc *doc;
	*out = NULL;
	int rc = crm_doc_load(&doc, path, diags);
	if (rc)
		return rc;
	return schema_compile(out, doc, diags);
}

/* ------------------------------------------------------------------ */
/* Validating                                                          */

typedef struct {
	const crm_doc *doc;
	crm_diags *diags;
	size_t first;        /* diags->n when this run started (for duplicates) */
	bool quiet;          /* inside `if`: no reports, stop at the first failure */
	int errors;
	const char *because; /* why the then/else branch we are in applies */
	bool unless;         /* we are in an else branch */
	crm_regex_scratch *scratch; /* the schema's, for patterns */
} vctx;

/* Append the field path of node n: `contacts[0].email`. */
static void node_path(crm_buf *b, const crm_node *n)
{
	const crm_node *p = n ? n->parent : NULL;
	if (!p)
		return;
	node_path(b, p);
	for (size_t i = 0; i < p->n; i++) {
		if (p->items[i] != n)
			continue;
		if (p->kind == CRM_NODE_MAP)
			crm_buf_printf(b, "%s%s", b->len ? "." : "", p->keys[i]->value);
		else
			crm_buf_printf(b, "[%zu]", i);
		return;
	}
}

static void report(vctx *c, const crm_node *field, const crm_node *at, crm_severity sev,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Report a problem with `field` (whose path starts the message) at the
 * position of `at`. Identical reports (two branches that check the same
 * thing) are kept once.
 */
static void report(vctx *c, const crm_node *field, const crm_node *at, crm_severity sev,
		   const char *fmt, ...)
{
	if (c->quiet)
		return;
	crm_buf b = CRM_BUF_INIT;
	node_path(&b, field);
	if (b.len)
		crm_buf_puts(&b, ": ");
	va_list ap;
	va_start(ap, fmt);
	crm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (c->because && sev == CRM_SEV_ERROR)
		crm_buf_printf(&b, " (%s %s)", c->unless ? "unless" : "when", c->because);
	crm_diags *d = c->diags;
	for (size_t i = c->first; d && i < d->n; i++)
		if (d->v[i].line == at->line && d->v[i].col == at->col && d->v[i].sev == sev &&
		    strcmp(d->v[i].msg, b.ptr) == 0) {
			crm_buf_free(&b);
			return;
		}
	if (sev == CRM_SEV_ERROR)
		c->errors++;
	if (d)
		crm_diags_add(d, c->doc ? c->doc->path : "", at->line, at->col, sev, "%s", b.ptr);
	crm_buf_free(&b);
}

/* The key node that names map value n, or n itself. */
static const crm_node *key_of(const crm_node *n)
{
	const crm_node *p = n->parent;
	if (p && p->kind == CRM_NODE_MAP)
		for (size_t i = 0; i < p->n; i++)
			if (p->items[i] == n)
				return p->keys[i];
	return n;
}

static const char *got_name(const crm_node *n)
{
	if (n->kind == CRM_NODE_MAP)
		return "a map";
	if (n->kind == CRM_NODE_SEQ)
		return "a list";
	switch (n->jtype) {
	case CRM_JSON_NULL: return n->len ? "null" : "an empty value";
	case CRM_JSON_BOOL: return "a boolean";
	case CRM_JSON_INT:
	case CRM_JSON_NUMBER: return "a number";
	case CRM_JSON_STRING: return "a string";
	default: return "something else";
	}
}

static void expected_names(crm_buf *b, unsigned types)
{
	static const struct { unsigned bit; const char *name; } tn[] = {
		{ T_STRING, "a string" }, { T_NUMBER, "a number" }, { T_INTEGER, "a whole number" },
		{ T_BOOL, "true or false" }, { T_OBJECT, "a map" }, { T_ARRAY, "a list" },
		{ T_NULL, "null" },
	};
	bool first = true;
	for (size_t i = 0; i < sizeof tn / sizeof *tn; i++) {
		if (!(types & tn[i].bit))
			continue;
		crm_buf_printf(b, "%s%s", first ? "" : " or ", tn[i].name);
		first = false;
	}
}

/* The type bits a node satisfies. */
static unsigned node_bits(const crm_node *n)
{
	if (n->kind == CRM_NODE_MAP)
		return T_OBJECT;
	if (n->kind == CRM_NODE_SEQ)
		return T_ARRAY;
	switch (n->jtype) {
	case CRM_JSON_NULL: return T_NULL;
	case CRM_JSON_BOOL: return T_BOOL;
	case CRM_JSON_INT: return T_INTEGER | T_NUMBER;
	case CRM_JSON_NUMBER: {
		double v = num_value(n);
		return isfinite(v) && v == floor(v) ? T_INTEGER | T_NUMBER : T_NUMBER;
	}
	case CRM_JSON_STRING: return T_STRING;
	default: return 0;
	}
}

static const char *reading_name(crm_json_type t)
{
	switch (t) {
	case CRM_JSON_NULL: return "null";
	case CRM_JSON_BOOL: return "a boolean";
	case CRM_JSON_INT:
	case CRM_JSON_NUMBER: return "a number";
	case CRM_JSON_OBJECT: return "a merge key";
	default: return NULL;
	}
}

/*
 * A plain scalar taken as a string: warn when some YAML reader would read
 * it as something else (SPEC §3: such strings are written quoted).
 */
static void warn_plain(vctx *c, const sch *s, const crm_node *n)
{
	if (c->quiet || s->format == F_DATE)
		return;
	const char *as = reading_name(n->jtype);
	if (!as) {
		/*
		 * Not crm_yaml_resolve()'s yaml11 answer: it errs on the side of
		 * quoting (right for a writer) and would flag 200-500, which the
		 * SPEC writes plain.
		 */
		as = reading_name(yaml11_reading(n->value, n->len));
		if (!as && looks_like_timestamp(n->value))
			as = "a date";
	}
	if (!as)
		return;
	if (!n->len) {
		report(c, n, n, CRM_SEV_WARNING, "an empty value is read as null by other YAML "
						 "tools; write \"\" for an empty text");
		return;
	}
	crm_buf q = CRM_BUF_INIT;
	for (const char *p = n->value; *p; p++) {
		if (*p == '"' || *p == '\\')
			crm_buf_putc(&q, '\\');
		crm_buf_putc(&q, *p);
	}
	report(c, n, n, CRM_SEV_WARNING, "plain %s is read as %s by other YAML tools; quote "
					 "it: \"%s\"", n->value, as, q.ptr);
	crm_buf_free(&q);
}

/* Does the scalar instance n equal the schema value v (enum/const)? */
static bool value_equal(const crm_node *v, const crm_node *n)
{
	if (v->kind != CRM_NODE_SCALAR || n->kind != CRM_NODE_SCALAR)
		return crm_node_equal(v, n);
	bool vnum = v->jtype == CRM_JSON_INT || v->jtype == CRM_JSON_NUMBER;
	bool nnum = n->jtype == CRM_JSON_INT || n->jtype == CRM_JSON_NUMBER;
	if (vnum && nnum)
		return num_value(v) == num_value(n);
	if (v->jtype == n->jtype) {
		if (v->jtype == CRM_JSON_BOOL)
			return (v->value[0] == 't' || v->value[0] == 'T') ==
			       (n->value[0] == 't' || n->value[0] == 'T');
		if (v->jtype == CRM_JSON_NULL)
			return true;
		return v->len == n->len && memcmp(v->value, n->value, n->len) == 0;
	}
	/* a plain scalar is accepted as its text where a string is wanted */
	return v->jtype == CRM_JSON_STRING && n->style == CRM_STYLE_PLAIN &&
	       v->len == n->len && memcmp(v->value, n->value, n->len) == 0;
}

/* The enum value whose label (any language) is `text`, or NULL. */
static const char *value_by_label(const crm_node *labels, const char *text)
{
	if (!labels)
		return NULL;
	for (size_t i = 0; i < labels->n; i++) {
		const crm_node *l = labels->items[i];
		if (l->kind != CRM_NODE_MAP)
			continue;
		for (size_t j = 0; j < l->n; j++)
			if (is_scalar(l->items[j]) && ascii_ieq(l->items[j]->value, text))
				return labels->keys[i]->value;
	}
	return NULL;
}

static bool check(vctx *c, const sch *s, const crm_node *n);

#define FAIL()                          \
	do {                            \
		ok = false;             \
		if (c->quiet)           \
			return false;   \
	} while (0)

static bool check_enum(vctx *c, const sch *s, const crm_node *n)
{
	const crm_node *e = s->enum_;
	for (size_t i = 0; i < e->n; i++)
		if (value_equal(e->items[i], n))
			return true;
	if (c->quiet)
		return false;
	if (n->kind != CRM_NODE_SCALAR) {
		report(c, n, n, CRM_SEV_ERROR, "expected one of %s, got %s", s->enum_list,
		       got_name(n));
		return false;
	}
	const char *sug = value_by_label(s->labels, n->value);
	if (!sug)
		sug = crm_suggest(n->value, s->enum_strs, s->nenum);
	report(c, n, n, CRM_SEV_ERROR, "'%s' is not one of %s%s%s%s", n->value, s->enum_list,
	       sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
	return false;
}

static bool check_text(vctx *c, const sch *s, const crm_node *n)
{
	bool ok = true;
	if (s->min_len >= 0 || s->max_len >= 0) {
		size_t len = utf8_len(n->value, n->len);
		if (s->min_len >= 0 && len < (size_t)s->min_len) {
			if (s->min_len == 1)
				report(c, n, n, CRM_SEV_ERROR, "must not be empty");
			else
				report(c, n, n, CRM_SEV_ERROR,
				       "'%s' is too short (at least %ld characters)", n->value,
				       s->min_len);
			FAIL();
		}
		if (s->max_len >= 0 && len > (size_t)s->max_len) {
			report(c, n, n, CRM_SEV_ERROR, "is too long (%zu characters, at most %ld)",
			       len, s->max_len);
			FAIL();
		}
	}
	int m = s->re ? crm_regex_match(s->re, c->scratch, n->value, n->len) : 1;
	if (m == 0) {
		report(c, n, n, CRM_SEV_ERROR, "'%s' does not match the pattern %s", n->value,
		       s->pattern);
		FAIL();
	} else if (m < 0) {
		report(c, n, n, CRM_SEV_ERROR,
		       "cannot be checked: the pattern %s %s; simplify it in the schema",
		       s->pattern, crm_error_last());
		FAIL();
	}
	switch (s->format) {
	case F_DATE:
		if (!valid_date(n->value)) {
			report(c, n, n, CRM_SEV_ERROR,
			       "'%s' is not a real calendar date (YYYY-MM-DD)", n->value);
			FAIL();
		}
		break;
	case F_EMAIL:
		if (!valid_email(n->value)) {
			report(c, n, n, CRM_SEV_ERROR, "'%s' is not a valid email", n->value);
			FAIL();
		}
		break;
	case F_URI:
		if (!valid_uri(n->value)) {
			report(c, n, n, CRM_SEV_ERROR,
			       "'%s' is not a valid uri (like https://example.com)", n->value);
			FAIL();
		}
		break;
	case F_NONE:
		break;
	}
	return ok;
}

static bool check_number(vctx *c, const sch *s, const crm_node *n)
{
	bool ok = true;
	double v = num_value(n);
	if (isnan(v)) {
		report(c, n, n, CRM_SEV_ERROR, "%s is not a number", n->value);
		return false;
	}
	if (s->has_min && !(v >= s->min)) {
		report(c, n, n, CRM_SEV_ERROR, "%s is below the minimum %s", n->value, s->min_text);
		FAIL();
	}
	if (s->has_max && !(v <= s->max)) {
		report(c, n, n, CRM_SEV_ERROR, "%s is above the maximum %s", n->value, s->max_text);
		FAIL();
	}
	return ok;
}

/*
 * The property `name`, searching from index *hint on and wrapping around:
 * records mostly list their keys in schema order, so that the next key is
 * usually the next property. *hint moves past the one found.
 */
static const sch_prop *find_prop_from(const sch *s, const char *name, size_t len, size_t *hint)
{
	size_t n = s->nprops, i = *hint < n ? *hint : 0;
	for (size_t k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
		const sch_prop *p = &s->props[i];
		if (p->len == len && p->name[0] == name[0] && memcmp(p->name, name, len) == 0) {
			*hint = i + 1;
			return p;
		}
	}
	return NULL;
}

static const sch_prop *find_prop(const sch *s, const char *name, size_t len)
{
	size_t hint = 0;
	return find_prop_from(s, name, len, &hint);
}

static bool check_map(vctx *c, const sch *s, const crm_node *n)
{
	bool ok = true;
	uint64_t seen[4] = { 0, 0, 0, 0 };
	bool use_seen = s->nprops <= 256;
	size_t hint = 0;
	for (size_t i = 0; i < n->n; i++) {
		const crm_node *k = n->keys[i];
		const sch_prop *p = s->nprops ? find_prop_from(s, k->value, k->len, &hint) : NULL;
		if (p) {
			size_t pi = (size_t)(p - s->props);
			if (use_seen)
				seen[pi / 64] |= (uint64_t)1 << (pi % 64);
			if (!check(c, p->s, n->items[i]))
				FAIL();
			continue;
		}
		if (!s->additional)
			continue;
		if (s->additional->boolean == 0) {
			if (!c->quiet) {
				const char **names = crm_xcalloc(s->nprops + 1, sizeof *names);
				for (size_t j = 0; j < s->nprops; j++)
					names[j] = s->props[j].name;
				const char *sug = crm_suggest(k->value, names, s->nprops);
				report(c, n, k, CRM_SEV_ERROR, "unknown field '%s'%s%s%s", k->value,
				       sug ? " (did you mean '" : "", sug ? sug : "",
				       sug ? "'?)" : "");
				free(names);
			}
			FAIL();
		} else if (!check(c, s->additional, n->items[i])) {
			FAIL();
		}
	}
	for (size_t i = 0; i < s->nreq; i++) {
		const sch_req *r = &s->req[i];
		bool have = false;
		if (r->prop >= 0 && use_seen) {
			have = seen[r->prop / 64] & ((uint64_t)1 << (r->prop % 64));
		} else {
			for (size_t j = 0; j < n->n && !have; j++)
				have = n->keys[j]->len == r->len &&
				       memcmp(n->keys[j]->value, r->name, r->len) == 0;
		}
		if (!have) {
			report(c, n, n, CRM_SEV_ERROR, "missing required field '%s'", r->name);
			FAIL();
		}
	}
	return ok;
}

static bool check_seq(vctx *c, const sch *s, const crm_node *n)
{
	bool ok = true;
	if (s->min_items >= 0 && n->n < (size_t)s->min_items) {
		report(c, n, n, CRM_SEV_ERROR, "needs at least %ld item%s, has %zu", s->min_items,
		       s->min_items == 1 ? "" : "s", n->n);
		FAIL();
	}
	if (s->items)
		for (size_t i = 0; i < n->n; i++)
			if (!check(c, s->items, n->items[i]))
				FAIL();
	if (s->unique) {
		for (size_t i = 1; i < n->n; i++) {
			for (size_t j = 0; j < i; j++) {
				if (!crm_node_equal(n->items[i], n->items[j]))
					continue;
				if (is_scalar(n->items[i]))
					report(c, n->items[i], n->items[i], CRM_SEV_ERROR,
					       "'%s' is listed twice (also at [%zu])",
					       n->items[i]->value, j);
				else
					report(c, n->items[i], n->items[i], CRM_SEV_ERROR,
					       "is the same as item [%zu]", j);
				FAIL();
				break;
			}
		}
	}
	return ok;
}

/*
 * Check the type; a plain scalar is accepted as text where a string is
 * wanted. Sets *as_text when string keywords apply to n.
 */
static bool check_type(vctx *c, const sch *s, const crm_node *n, bool *as_text)
{
	unsigned bits = node_bits(n);
	*as_text = bits == T_STRING;
	if (!s->types) {
		return true;
	}
	if (bits & s->types) {
		if (bits == T_STRING && n->style == CRM_STYLE_PLAIN)
			warn_plain(c, s, n);
		return true;
	}
	if ((s->types & T_STRING) && n->kind == CRM_NODE_SCALAR && n->style == CRM_STYLE_PLAIN) {
		*as_text = true;
		warn_plain(c, s, n);
		return true;
	}
	if (c->quiet)
		return false;
	crm_buf want = CRM_BUF_INIT;
	expected_names(&want, s->types);
	const char *hint = "";
	if (n->jtype == CRM_JSON_STRING && n->kind == CRM_NODE_SCALAR &&
	    n->style != CRM_STYLE_PLAIN) {
		crm_json_type t = crm_yaml_resolve(n->value, n->len, NULL);
		if (((t == CRM_JSON_INT || t == CRM_JSON_NUMBER) && (s->types & T_NUMBER)) ||
		    (t == CRM_JSON_BOOL && (s->types & T_BOOL)))
			hint = " (remove the quotes)";
	}
	report(c, n, n, CRM_SEV_ERROR, "expected %s, got %s%s", want.ptr, got_name(n), hint);
	crm_buf_free(&want);
	return false;
}

/*
 * Validate n against s. Loud: report every problem, return whether there
 * was none. Quiet (inside `if`): report nothing, stop at the first problem.
 */
static bool check(vctx *c, const sch *s, const crm_node *n)
{
	bool ok = true;
	if (s->boolean >= 0) {
		if (s->boolean)
			return true;
		report(c, n, key_of(n), CRM_SEV_ERROR, "not allowed");
		return false;
	}
	if (s->ref && !check(c, s->ref, n))
		FAIL();
	bool as_text;
	if (!check_type(c, s, n, &as_text))
		return false; /* other keywords would only repeat the point */
	if (s->enum_ && !check_enum(c, s, n))
		FAIL();
	if (s->const_ && !value_equal(s->const_, n)) {
		if (is_scalar(s->const_) && is_scalar(n))
			report(c, n, n, CRM_SEV_ERROR, "expected '%s', got '%s'", s->const_->value,
			       n->value);
		else
			report(c, n, n, CRM_SEV_ERROR, "is not the required value");
		FAIL();
	}
	switch (n->kind) {
	case CRM_NODE_SCALAR:
		if (as_text && !check_text(c, s, n))
			FAIL();
		if ((n->jtype == CRM_JSON_INT || n->jtype == CRM_JSON_NUMBER) &&
		    (s->has_min || s->has_max) && !check_number(c, s, n))
			FAIL();
		break;
	case CRM_NODE_MAP:
		if (!check_map(c, s, n))
			FAIL();
		break;
	case CRM_NODE_SEQ:
		if (!check_seq(c, s, n))
			FAIL();
		break;
	}
	for (size_t i = 0; i < s->nall_of; i++)
		if (!check(c, s->all_of[i], n))
			FAIL();
	if (s->if_ && (s->then_ || s->else_)) {
		bool quiet = c->quiet;
		c->quiet = true;
		bool cond = check(c, s->if_, n);
		c->quiet = quiet;
		const sch *branch = cond ? s->then_ : s->else_;
		if (branch) {
			const char *because = c->because;
			bool unless = c->unless;
			c->because = s->if_->because;
			c->unless = !cond;
			if (!check(c, branch, n))
				ok = false;
			c->because = because;
			c->unless = unless;
			if (!ok && c->quiet)
				return false;
		}
	}
	return ok;
}

int crm_schema_validate(const crm_schema *s, const crm_doc *doc, crm_diags *diags)
{
	static char empty[1];
	crm_node null_node = { .kind = CRM_NODE_SCALAR, .line = 1, .col = 1, .value = empty,
			       .jtype = CRM_JSON_NULL, .style = CRM_STYLE_PLAIN };
	vctx c = { doc, diags, diags ? diags->n : 0, false, 0, NULL, false, s->scratch };
	check(&c, s->root, doc && doc->root ? doc->root : &null_node);
	return c.errors;
}

/* ------------------------------------------------------------------ */
/* Looking up fields by path                                           */

/*
 * Find, among s and the schemas that apply to the same value (its $ref,
 * allOf, then and else), the first for which `pick` returns non-NULL.
 */
static const void *closure_find(const sch *s, const void *(*pick)(const sch *, const void *),
				const void *arg, int depth)
{
	if (!s || depth > 16)
		return NULL;
	const void *r = pick(s, arg);
	if (r)
		return r;
	if ((r = closure_find(s->ref, pick, arg, depth + 1)))
		return r;
	for (size_t i = 0; i < s->nall_of; i++)
		if ((r = closure_find(s->all_of[i], pick, arg, depth + 1)))
			return r;
	if ((r = closure_find(s->then_, pick, arg, depth + 1)))
		return r;
	return closure_find(s->else_, pick, arg, depth + 1);
}

typedef struct {
	const char *name;
	size_t len;
} name_arg;

static const void *pick_prop(const sch *s, const void *arg)
{
	const name_arg *a = arg;
	const sch_prop *p = find_prop(s, a->name, a->len);
	/* a `false` in a branch forbids the field; it does not describe it */
	return p && p->s->boolean != 0 ? p : NULL;
}

static const void *pick_items(const sch *s, const void *arg)
{
	(void)arg;
	return s->items;
}

static const void *pick_type(const sch *s, const void *arg)
{
	(void)arg;
	return s->type_name;
}

static const void *pick_date(const sch *s, const void *arg)
{
	(void)arg;
	return s->format == F_DATE ? s : NULL;
}

static const void *pick_enum(const sch *s, const void *arg)
{
	(void)arg;
	return s->enum_strs && s->nenum ? s : NULL;
}

static const void *pick_labels(const sch *s, const void *arg)
{
	(void)arg;
	return s->labels;
}

static const void *pick_label(const sch *s, const void *arg)
{
	(void)arg;
	return s->label;
}

/*
 * The subschema at `path`, or NULL. *last gets the last property name on
 * the way (borrowed from the schema), or NULL.
 */
static const sch *sch_at(const crm_schema *S, const char *path, const char **last)
{
	const sch *s = S->root;
	const char *p = path ? path : "";
	if (last)
		*last = NULL;
	while (s && *p) {
		if (*p == '[') {
			const char *q = p + 1;
			while (isdigit((unsigned char)*q))
				q++;
			if (*q != ']')
				return NULL;
			s = closure_find(s, pick_items, NULL, 0);
			p = q + 1;
		} else {
			const char *q = p;
			while (*q && *q != '.' && *q != '[')
				q++;
			if (q == p)
				return NULL;
			name_arg a = { p, (size_t)(q - p) };
			const sch_prop *pr = closure_find(s, pick_prop, &a, 0);
			if (!pr)
				return NULL;
			s = pr->s;
			if (last)
				*last = pr->name;
			p = q;
		}
		if (*p == '.') {
			p++;
			if (!*p || *p == '.' || *p == '[')
				return NULL;
		} else if (*p && *p != '[') {
			return NULL;
		}
	}
	return s;
}

const crm_node *crm_schema_at(const crm_schema *S, const char *path)
{
	const sch *s = S ? sch_at(S, path, NULL) : NULL;
	if (!s)
		return NULL;
	while (s->ref)
		s = s->ref;
	return s->node;
}

const char *crm_schema_type_at(const crm_schema *S, const char *path)
{
	const sch *s = S ? sch_at(S, path, NULL) : NULL;
	if (!s)
		return NULL;
	const char *t = closure_find(s, pick_type, NULL, 0);
	if ((!t || !strcmp(t, "string")) && closure_find(s, pick_date, NULL, 0))
		return "date";
	return t;
}

int crm_schema_enum_values(const crm_schema *S, const char *path, const char *const **out,
			   size_t *n)
{
	const sch *s = S ? sch_at(S, path, NULL) : NULL;
	const sch *e = s ? closure_find(s, pick_enum, NULL, 0) : NULL;
	*out = NULL;
	*n = 0;
	if (!e)
		return CRM_ENOTFOUND;
	*out = e->enum_strs;
	*n = e->nenum;
	return 0;
}

/* labels[lang], else labels.en, else NULL. */
static const char *label_in(const crm_node *l, const char *lang)
{
	if (!l || l->kind != CRM_NODE_MAP)
		return NULL;
	const char *t = lang ? crm_node_str(l, lang) : NULL;
	return t ? t : crm_node_str(l, "en");
}

const char *crm_schema_label(const crm_schema *S, const char *path, const char *value,
			     const char *lang)
{
	const char *last;
	const sch *s = S ? sch_at(S, path, &last) : NULL;
	if (value) {
		const crm_node *labels = s ? closure_find(s, pick_labels, NULL, 0) : NULL;
		const char *t = label_in(labels ? crm_node_get(labels, value) : NULL, lang);
		return t ? t : value;
	}
	if (!s)
		return NULL;
	const char *t = label_in(closure_find(s, pick_label, NULL, 0), lang);
	return t ? t : last;
}

const char *crm_schema_enum_from_label(const crm_schema *S, const char *path, const char *text)
{
	const sch *s = S && text ? sch_at(S, path, NULL) : NULL;
	const sch *e = s ? closure_find(s, pick_enum, NULL, 0) : NULL;
	if (!e)
		return NULL;
	for (size_t i = 0; i < e->nenum; i++)
		if (strcmp(e->enum_strs[i], text) == 0)
			return e->enum_strs[i];
	for (size_t i = 0; i < e->nenum; i++)
		if (ascii_ieq(e->enum_strs[i], text))
			return e->enum_strs[i];
	const char *v = value_by_label(closure_find(s, pick_labels, NULL, 0), text);
	if (!v)
		return NULL;
	for (size_t i = 0; i < e->nenum; i++)
		if (strcmp(e->enum_strs[i], v) == 0)
			return e->enum_strs[i];
	return NULL;
}

/* Whether the field schema s carries `label` in any language. */
static bool label_matches(const sch *s, const char *label)
{
	const crm_node *l = closure_find(s, pick_label, NULL, 0);
	if (!l || l->kind != CRM_NODE_MAP)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (is_scalar(l->items[i]) && ascii_ieq(l->items[i]->value, label))
			return true;
	return false;
}

/*
 * Depth-limited search for a field labelled `label`, exactly `depth` steps
 * below s; `path` holds the way there.
 */
static bool find_label_at(const sch *s, const char *label, int depth, crm_buf *path, int guard)
{
	if (!s || guard > 16)
		return false;
	const sch *it = closure_find(s, pick_items, NULL, 0);
	if (it) {
		size_t mark = path->len;
		crm_buf_puts(path, "[0]");
		if (find_label_at(it, label, depth, path, guard + 1))
			return true;
		crm_buf_truncate(path, mark);
	}
	/* properties of s, its $ref chain and its allOf members */
	const sch *group[32];
	size_t ng = 0;
	for (const sch *r = s; r && ng < 16; r = r->ref) {
		group[ng++] = r;
		for (size_t i = 0; i < r->nall_of && ng < 32; i++)
			group[ng++] = r->all_of[i]->ref ? r->all_of[i]->ref : r->all_of[i];
	}
	for (size_t g = 0; g < ng; g++) {
		const sch *x = group[g];
		for (size_t i = 0; i < x->nprops; i++) {
			const sch_prop *p = &x->props[i];
			size_t mark = path->len;
			crm_buf_printf(path, "%s%s", path->len ? "." : "", p->name);
			if (depth == 1 ? label_matches(p->s, label)
				       : find_label_at(p->s, label, depth - 1, path, guard + 1))
				return true;
			crm_buf_truncate(path, mark);
		}
	}
	return false;
}

int crm_schema_find_by_label(const crm_schema *S, const char *label, char **path_out)
{
	*path_out = NULL;
	if (!S || !label || !*label)
		return CRM_ENOTFOUND;
	for (int depth = 1; depth <= 6; depth++) {
		crm_buf path = CRM_BUF_INIT;
		if (find_label_at(S->root, label, depth, &path, 0)) {
			*path_out = crm_buf_detach(&path);
			return 0;
		}
		crm_buf_free(&path);
	}
	return CRM_ENOTFOUND;
}

int crm_schema_accepts(const crm_schema *S, const char *path, const crm_node *node)
{
	const sch *s = S && node ? sch_at(S, path, NULL) : NULL;
	if (!s)
		return 1;
	vctx c = { NULL, NULL, 0, true, 0, NULL, false, S->scratch };
	return check(&c, s, node);
}
