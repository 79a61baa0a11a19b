/* CSV reading and writing (RFC 4180, as spreadsheets write it). */
#include "crm/csv.h"

#include <stdlib.h>
#include <string.h>

#include "crm/error.h"

char crm_csv_sniff(const char *s, size_t len)
{
	bool tab = false, comma = false;
	for (size_t i = 0; i < len && s[i] != '\n' && s[i] != '\r'; i++) {
		if (s[i] == '\t')
			tab = true;
		else if (s[i] == ',')
			comma = true;
	}
	return tab && !comma ? '\t' : ',';
}

static void push_cell(crm_csv_row *r, size_t *cap, crm_buf *cell)
{
	if (r->n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		r->cells = crm_xrealloc(r->cells, *cap * sizeof *r->cells);
	}
	r->cells[r->n++] = crm_xstrndup(cell->ptr ? cell->ptr : "", cell->len);
	crm_buf_truncate(cell, 0);
}

static void push_row(crm_csv *c, size_t *cap, crm_csv_row *r)
{
	/* an empty line (one empty cell) is no row: the trailing newline of Excel */
	if (r->n == 1 && !*r->cells[0]) {
		free(r->cells[0]);
		free(r->cells);
	} else {
		if (c->n == *cap) {
			*cap = *cap ? 2 * *cap : 64;
			c->rows = crm_xrealloc(c->rows, *cap * sizeof *c->rows);
		}
		c->rows[c->n++] = *r;
	}
	memset(r, 0, sizeof *r);
}

int crm_csv_parse(crm_csv *out, const char *s, size_t len, char sep)
{
	memset(out, 0, sizeof *out);
	size_t i = 0, rowcap = 0, cellcap = 0;
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	int line = 1;
	crm_csv_row row = {0};
	crm_buf cell = CRM_BUF_INIT;
	row.line = line;
	bool started = false; /* the row has a cell or a character */
	while (i < len) {
		char ch = s[i];
		if (ch == '"' && cell.len == 0) {
			/* a quoted field: up to the lone closing quote */
			int opened = line;
			i++;
			for (;;) {
				if (i >= len) {
					crm_buf_free(&cell);
					for (size_t k = 0; k < row.n; k++)
						free(row.cells[k]);
					free(row.cells);
					crm_csv_free(out);
					return crm_error_set(CRM_EINVALID,
							     "line %d: a quoted field is not closed (a '\"' is missing)",
							     opened);
				}
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"') {
						crm_buf_putc(&cell, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (s[i] == '\n')
					line++;
				crm_buf_putc(&cell, s[i++]);
			}
			started = true;
			/* text after the closing quote is kept, as spreadsheets do */
			continue;
		}
		if (ch == sep) {
			push_cell(&row, &cellcap, &cell);
			started = true;
			i++;
			continue;
		}
		if (ch == '\r' || ch == '\n') {
			push_cell(&row, &cellcap, &cell);
			(void)started;
			push_row(out, &rowcap, &row);
			cellcap = 0;
			started = false;
			if (ch == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			i++;
			line++;
			row.line = line;
			continue;
		}
		crm_buf_putc(&cell, ch);
		started = true;
		i++;
	}
	if (started || cell.len) {
		push_cell(&row, &cellcap, &cell);
		push_row(out, &rowcap, &row);
	}
	crm_buf_free(&cell);
	return 0;
}

void crm_csv_free(crm_csv *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->rows[i].n; k++)
			free(c->rows[i].cells[k]);
		free(c->rows[i].cells);
	}
	free(c->rows);
	c->rows = NULL;
	c->n = 0;
}

void crm_csv_put_field(crm_buf *b, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		crm_buf_puts(b, s);
		return;
	}
	crm_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			crm_buf_putc(b, '"');
		crm_buf_putc(b, *s);
	}
	crm_buf_putc(b, '"');
}

bool crm_csv_formula_like(const char *s)
{
	if (!s || !*s || !strchr("=+-@\t\r", *s))
		return false;
	if (*s == '+') {
		bool digit = false;
		for (const char *p = s + 1; *p; p++) {
			if (*p >= '0' && *p <= '9')
				digit = true;
			else if (*p != ' ')
				return true;
		}
		return !digit;
	}
	return true;
}

void crm_csv_put_cell(crm_buf *b, const char *s)
{
	if (crm_csv_formula_like(s)) {
		char *t = crm_xasprintf("'%s", s);
		crm_csv_put_field(b, t);
		free(t);
	} else {
		crm_csv_put_field(b, s);
	}
}

const char *crm_csv_unneutralise(const char *s)
{
	if (s && s[0] == '\'' && crm_csv_formula_like(s + 1))
		return s + 1;
	return s;
}
