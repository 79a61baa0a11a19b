/*
 * emit.c: the YAML writer. Quoting follows one rule: a string is plain only
 * if no YAML 1.1 or 1.2 reader could read it as anything else (the test
 * go-yaml's encoder applies, made a little more careful).
 */
#include "crm/emit.h"

#include <ctype.h>
#include <string.h>

static bool has_special_unicode(const char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		const unsigned char *u = (const unsigned char *)s + i;
		if (u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
			return true; /* NEL, NBSP */
		if (i + 2 < len && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
			return true; /* line and paragraph separators */
		if (i + 2 < len && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
			return true; /* BOM */
	}
	return false;
}

/* Something that starts like a number or a date in any YAML reader (a YAML 1.1
 * timestamp may separate date and time by spaces: 2024-05-01 10:00:00). */
static bool numberish(const char *s, size_t len)
{
	size_t i = 0;
	if (s[0] == '+' || s[0] == '-' || s[0] == '.')
		i = 1;
	if (i >= len || !(isdigit((unsigned char)s[i]) || s[i] == '.'))
		return false;
	for (size_t k = 0; k < len; k++)
		if (!isalnum((unsigned char)s[k]) && !strchr("_.:+- \t", s[k]))
			return false;
	return true;
}

bool crm_yaml_plain_safe(const char *s, size_t len, bool flow)
{
	if (len == 0)
		return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@`=~ \t", s[0]))
		return false;
	if (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == ':')
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			return false;
		if (c == ':' && i + 1 < len && (s[i + 1] == ' ' || (flow && strchr(",[]{}", s[i + 1]))))
			return false;
		if (c == '#' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
			return false;
		if (flow && strchr(",[]{}", c))
			return false;
	}
	crm_json_type t11;
	if (crm_yaml_resolve(s, len, &t11) != CRM_JSON_STRING || t11 != CRM_JSON_STRING)
		return false;
	if (numberish(s, len))
		return false;
	/* yes/no/on/off in any case, and other words some readers take for booleans */
	static const char *const words[] = {"y", "n", "yes", "no", "on", "off", "true", "false",
					    "null", NULL};
	for (const char *const *w = words; *w; w++)
		if (strlen(*w) == len && strncasecmp(*w, s, len) == 0)
			return false;
	if (has_special_unicode(s, len))
		return false;
	return true;
}

static bool needs_double(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			return true;
	}
	return has_special_unicode(s, len);
}

static void write_double(crm_buf *b, const char *s, size_t len)
{
	crm_buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			crm_buf_puts(b, "\\\"");
			break;
		case '\\':
			crm_buf_puts(b, "\\\\");
			break;
		case '\n':
			crm_buf_puts(b, "\\n");
			break;
		case '\t':
			crm_buf_puts(b, "\\t");
			break;
		case '\r':
			crm_buf_puts(b, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7F)
				crm_buf_printf(b, "\\x%02X", c);
			else if (c == 0xC2 && i + 1 < len && ((unsigned char)s[i + 1] == 0x85 ||
							     (unsigned char)s[i + 1] == 0xA0)) {
				crm_buf_printf(b, "\\u00%02X", (unsigned char)s[i + 1]);
				i++;
			} else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
				   ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
				crm_buf_printf(b, "\\u20%02X", (unsigned char)s[i + 2]);
				i += 2;
			} else if (c == 0xEF && i + 2 < len && (unsigned char)s[i + 1] == 0xBB &&
				   (unsigned char)s[i + 2] == 0xBF) {
				crm_buf_puts(b, "\\uFEFF");
				i += 2;
			} else
				crm_buf_putc(b, (char)c);
		}
	}
	crm_buf_putc(b, '"');
}

static void write_str_n(crm_buf *b, const char *s, size_t len, bool flow)
{
	if (crm_yaml_plain_safe(s, len, flow)) {
		crm_buf_put(b, s, len);
		return;
	}
	if (needs_double(s, len)) {
		write_double(b, s, len);
		return;
	}
	crm_buf_putc(b, '\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\'')
			crm_buf_putc(b, '\'');
		crm_buf_putc(b, s[i]);
	}
	crm_buf_putc(b, '\'');
}

void crm_yaml_write_str(crm_buf *b, const char *s, bool flow)
{
	write_str_n(b, s, strlen(s), flow);
}

static crm_node *new_node(crm_node_kind kind)
{
	crm_node *n = crm_xcalloc(1, sizeof *n);
	n->kind = kind;
	return n;
}

crm_node *crm_node_new_str(const char *s)
{
	crm_node *n = new_node(CRM_NODE_SCALAR);
	n->value = crm_xstrdup(s);
	n->len = strlen(s);
	n->style = CRM_STYLE_DQUOTED;
	n->jtype = CRM_JSON_STRING;
	return n;
}

crm_node *crm_node_new_raw(const char *s)
{
	crm_node *n = new_node(CRM_NODE_SCALAR);
	n->value = crm_xstrdup(s);
	n->len = strlen(s);
	n->style = CRM_STYLE_PLAIN;
	n->jtype = crm_yaml_resolve(n->value, n->len, NULL);
	return n;
}

crm_node *crm_node_new_map(bool flow)
{
	crm_node *n = new_node(CRM_NODE_MAP);
	n->flow = flow;
	return n;
}

crm_node *crm_node_new_seq(bool flow)
{
	crm_node *n = new_node(CRM_NODE_SEQ);
	n->flow = flow;
	return n;
}

static void push(crm_node *p, crm_node *key, crm_node *val)
{
	size_t n = p->n;
	if ((n & (n - 1)) == 0) {
		size_t cap = n ? n * 2 : 4;
		if (p->kind == CRM_NODE_MAP)
			p->keys = crm_xrealloc(p->keys, cap * sizeof(crm_node *));
		p->items = crm_xrealloc(p->items, cap * sizeof(crm_node *));
	}
	if (key) {
		p->keys[n] = key;
		key->parent = p;
	}
	p->items[n] = val;
	val->parent = p;
	p->n = n + 1;
}

void crm_node_map_put(crm_node *map, const char *key, crm_node *val)
{
	push(map, crm_node_new_str(key), val);
}

void crm_node_seq_push(crm_node *seq, crm_node *item)
{
	push(seq, NULL, item);
}

static void indent_to(crm_buf *b, int n)
{
	for (int i = 0; i < n; i++)
		crm_buf_putc(b, ' ');
}

static void write_scalar(crm_buf *b, const crm_node *n, bool flow)
{
	if (n->style == CRM_STYLE_PLAIN && n->len)
		crm_buf_put(b, n->value, n->len);
	else if (n->style == CRM_STYLE_PLAIN)
		crm_buf_puts(b, "''");
	else
		write_str_n(b, n->value, n->len, flow);
}

/* A multi-line string that reads well as a literal block. */
static bool literal_ok(const crm_node *n)
{
	if (n->kind != CRM_NODE_SCALAR || n->style == CRM_STYLE_PLAIN || !memchr(n->value, '\n', n->len))
		return false;
	const char *s = n->value;
	if (s[0] == ' ' || s[0] == '\t')
		return false;
	/* `|+` would also keep any blank lines that happen to follow it in the file */
	if (n->len >= 2 && s[n->len - 1] == '\n' && s[n->len - 2] == '\n')
		return false;
	for (size_t i = 0; i < n->len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n') || c == 0x7F)
			return false;
		if (c == '\n' && i + 1 < n->len && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			return false;
		if (c == ' ' && i + 1 < n->len && s[i + 1] == '\n')
			return false; /* trailing spaces would be invisible */
	}
	return true;
}

static void write_literal(crm_buf *b, const crm_node *n, int indent)
{
	const char *s = n->value;
	size_t len = n->len, trail = 0;
	while (trail < len && s[len - 1 - trail] == '\n')
		trail++;
	crm_buf_puts(b, trail == 0 ? "|-" : trail == 1 ? "|" : "|+");
	crm_buf_putc(b, '\n');
	size_t i = 0, body = len - trail;
	while (i < body) {
		const char *nl = memchr(s + i, '\n', body - i);
		size_t e = nl ? (size_t)(nl - s) : body;
		if (e > i)
			indent_to(b, indent);
		crm_buf_put(b, s + i, e - i);
		crm_buf_putc(b, '\n');
		i = e + 1;
	}
	for (size_t k = 1; k < trail; k++)
		crm_buf_putc(b, '\n');
}

void crm_yaml_render_flow(crm_buf *b, const crm_node *val)
{
	if (val->kind == CRM_NODE_SCALAR) {
		write_scalar(b, val, true);
		return;
	}
	crm_buf_putc(b, val->kind == CRM_NODE_MAP ? '{' : '[');
	for (size_t i = 0; i < val->n; i++) {
		if (i)
			crm_buf_puts(b, ", ");
		if (val->kind == CRM_NODE_MAP) {
			write_scalar(b, val->keys[i], true);
			crm_buf_puts(b, ": ");
		}
		crm_yaml_render_flow(b, val->items[i]);
	}
	crm_buf_putc(b, val->kind == CRM_NODE_MAP ? '}' : ']');
}

static bool inline_value(const crm_node *v)
{
	return v->kind == CRM_NODE_SCALAR || v->flow || v->n == 0;
}

static void render_map_body(crm_buf *b, const crm_node *map, int indent, bool first_inline);

void crm_yaml_render_pair(crm_buf *b, const char *key, const crm_node *val, int indent)
{
	crm_buf_put(b, "", 0);
	write_str_n(b, key, strlen(key), false);
	crm_buf_putc(b, ':');
	if (literal_ok(val)) {
		crm_buf_putc(b, ' ');
		write_literal(b, val, indent + 2);
		return;
	}
	if (inline_value(val)) {
		crm_buf_putc(b, ' ');
		if (val->kind == CRM_NODE_SCALAR)
			write_scalar(b, val, false);
		else
			crm_yaml_render_flow(b, val);
		crm_buf_putc(b, '\n');
		return;
	}
	crm_buf_putc(b, '\n');
	if (val->kind == CRM_NODE_MAP) {
		render_map_body(b, val, indent + 2, false);
	} else {
		for (size_t i = 0; i < val->n; i++)
			crm_yaml_render_item(b, val->items[i], indent + 2);
	}
}

/* Keys of a block map at `indent`; the first one already positioned when first_inline. */
static void render_map_body(crm_buf *b, const crm_node *map, int indent, bool first_inline)
{
	for (size_t i = 0; i < map->n; i++) {
		if (i || !first_inline)
			indent_to(b, indent);
		crm_yaml_render_pair(b, map->keys[i]->value, map->items[i], indent);
	}
}

void crm_yaml_render_item(crm_buf *b, const crm_node *item, int indent)
{
	indent_to(b, indent);
	crm_buf_puts(b, "- ");
	if (literal_ok(item)) {
		write_literal(b, item, indent + 2);
	} else if (inline_value(item)) {
		if (item->kind == CRM_NODE_SCALAR)
			write_scalar(b, item, false);
		else
			crm_yaml_render_flow(b, item);
		crm_buf_putc(b, '\n');
	} else if (item->kind == CRM_NODE_MAP) {
		render_map_body(b, item, indent + 2, true);
	} else {
		crm_buf_putc(b, '\n');
		for (size_t i = 0; i < item->n; i++)
			crm_yaml_render_item(b, item->items[i], indent + 2);
	}
}

void crm_yaml_render_doc(crm_buf *b, const crm_node *root)
{
	if (root->kind == CRM_NODE_MAP)
		render_map_body(b, root, 0, false);
	else
		crm_yaml_render_item(b, root, 0);
}
