/*
 * The JSON writer keeps no stack: a container's separator is written when
 * it opens, so on closing the parent is never "first" any more, and one
 * flag per writer is enough at any depth.
 */
#include "crm/json.h"
#include "crm/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void crm_json_init(crm_json *j, crm_buf *out, bool pretty)
{
	j->out = out;
	j->pretty = pretty;
	j->first = true;
	j->after_key = false;
	j->depth = 0;
}

static void newline_indent(crm_json *j)
{
	crm_buf_putc(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		crm_buf_puts(j->out, "  ");
}

/* What goes before any value or key: a comma and, when pretty, a new line. */
static void separate(crm_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first)
		crm_buf_putc(j->out, ',');
	if (j->pretty && j->depth > 0)
		newline_indent(j);
	j->first = false;
}

static void open_container(crm_json *j, char c)
{
	separate(j);
	crm_buf_putc(j->out, c);
	j->depth++;
	j->first = true;
}

static void close_container(crm_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	if (j->pretty && !j->first)
		newline_indent(j);
	crm_buf_putc(j->out, c);
	j->first = false;
	j->after_key = false;
}

void crm_json_begin_object(crm_json *j)
{
	open_container(j, '{');
}

void crm_json_end_object(crm_json *j)
{
	close_container(j, '}');
}

void crm_json_begin_array(crm_json *j)
{
	open_container(j, '[');
}

void crm_json_end_array(crm_json *j)
{
	close_container(j, ']');
}

void crm_json_quote(crm_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	crm_buf_grow(b, len + 2);
	crm_buf_putc(b, '"');
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t n = crm_utf8_decode(s + i, len - i, &cp);
			if (n == 0) {
				crm_utf8_put(b, CRM_UTF8_REPLACEMENT);
				i++;
			} else if (cp < 0xa0 || (cp >= 0x202a && cp <= 0x202e) ||
				   (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029) {
				/* same value, but a terminal showing the JSON cannot run it */
				crm_buf_printf(b, "\\u%04x", (unsigned)cp);
				i += n;
			} else {
				crm_buf_put(b, s + i, n);
				i += n;
			}
			continue;
		}
		switch (c) {
		case '"': crm_buf_puts(b, "\\\""); break;
		case '\\': crm_buf_puts(b, "\\\\"); break;
		case '\b': crm_buf_puts(b, "\\b"); break;
		case '\f': crm_buf_puts(b, "\\f"); break;
		case '\n': crm_buf_puts(b, "\\n"); break;
		case '\r': crm_buf_puts(b, "\\r"); break;
		case '\t': crm_buf_puts(b, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				crm_buf_put(b, u, 6);
			} else
				crm_buf_putc(b, (char)c);
		}
		i++;
	}
	crm_buf_putc(b, '"');
}

void crm_json_key(crm_json *j, const char *key)
{
	separate(j);
	crm_json_quote(j->out, key ? key : "", key ? strlen(key) : 0);
	crm_buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = true;
}

void crm_json_string(crm_json *j, const char *s)
{
	if (!s) {
		crm_json_null(j);
		return;
	}
	crm_json_string_n(j, s, strlen(s));
}

void crm_json_string_n(crm_json *j, const char *s, size_t len)
{
	separate(j);
	crm_json_quote(j->out, s, len);
}

void crm_json_int(crm_json *j, int64_t v)
{
	separate(j);
	crm_buf_printf(j->out, "%" PRId64, v);
}

void crm_json_double(crm_json *j, double v)
{
	char s[64];
	if (!isfinite(v)) {
		crm_json_null(j);
		return;
	}
	if (v == 0) {
		snprintf(s, sizeof s, "0"); /* -0 too: an amount is never "negative zero" */
	} else if (v == trunc(v) && fabs(v) < 1e17) {
		snprintf(s, sizeof s, "%.0f", v);
	} else {
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(s, sizeof s, "%.*g", prec, v);
			if (prec == 17 || strtod(s, NULL) == v)
				break;
		}
	}
	/* A locale with a decimal comma must not leak into JSON. */
	for (char *p = s; *p; p++)
		if (*p == ',')
			*p = '.';
	separate(j);
	crm_buf_puts(j->out, s);
}

void crm_json_bool(crm_json *j, bool v)
{
	separate(j);
	crm_buf_puts(j->out, v ? "true" : "false");
}

void crm_json_null(crm_json *j)
{
	separate(j);
	crm_buf_puts(j->out, "null");
}

void crm_json_raw(crm_json *j, const char *json)
{
	separate(j);
	crm_buf_puts(j->out, json ? json : "null");
}
