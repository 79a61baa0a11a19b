/*
 * Tables: cells are stored as given and turned into display text only when
 * rendered, so that CSV gets the original bytes and the terminal gets text
 * that is safe to show.
 */
#include "crm/table.h"
#include "crm/utf8.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct column {
	char *header;     /* owned; never NULL */
	crm_align align;
	size_t max_width; /* 0: no limit */
};

/* Cells are added to the last row only, so a row's cells are a run of the
 * table's one array of cells: two allocations for any number of rows, not
 * three a row (a list of 100,000 customers held 14 MB in them). */
struct row {
	size_t start, n; /* cells[start .. start + n) */
};

struct crm_table {
	struct column *cols;
	size_t ncols, cap_cols;
	struct row *rows;
	size_t nrows, cap_rows;
	char **cells;       /* owned unless borrowed (ref[i]) */
	unsigned char *ref;
	size_t ncells, cap_cells;
};

crm_table *crm_table_new(void)
{
	return crm_xcalloc(1, sizeof(crm_table));
}

void crm_table_free(crm_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i].header);
	for (size_t i = 0; i < t->ncells; i++)
		if (!t->ref[i])
			free(t->cells[i]);
	free(t->cells);
	free(t->ref);
	free(t->cols);
	free(t->rows);
	free(t);
}

/* Make sure columns 0..n-1 exist; new ones have no header. */
static void ensure_columns(crm_table *t, size_t n)
{
	if (n <= t->ncols)
		return;
	if (n > t->cap_cols) {
		size_t cap = t->cap_cols ? t->cap_cols * 2 : 8;
		while (cap < n)
			cap *= 2;
		t->cols = crm_xrealloc(t->cols, cap * sizeof *t->cols);
		t->cap_cols = cap;
	}
	for (size_t i = t->ncols; i < n; i++) {
		t->cols[i].header = crm_xstrdup("");
		t->cols[i].align = CRM_ALIGN_LEFT;
		t->cols[i].max_width = 0;
	}
	t->ncols = n;
}

size_t crm_table_add_column(crm_table *t, const char *header)
{
	size_t i = t->ncols;
	ensure_columns(t, i + 1);
	free(t->cols[i].header);
	t->cols[i].header = crm_xstrdup(header ? header : "");
	return i;
}

void crm_table_set_align(crm_table *t, size_t col, crm_align align)
{
	ensure_columns(t, col + 1);
	t->cols[col].align = align;
}

void crm_table_set_max_width(crm_table *t, size_t col, size_t width)
{
	ensure_columns(t, col + 1);
	t->cols[col].max_width = width;
}

void crm_table_add_row(crm_table *t)
{
	if (t->nrows == t->cap_rows) {
		t->cap_rows = t->cap_rows ? t->cap_rows * 2 : 16;
		t->rows = crm_xrealloc(t->rows, t->cap_rows * sizeof *t->rows);
	}
	t->rows[t->nrows++] = (struct row){t->ncells, 0};
}

void crm_table_reserve(crm_table *t, size_t rows, size_t cells)
{
	if (t->nrows + rows > t->cap_rows) {
		t->cap_rows = t->nrows + rows;
		t->rows = crm_xrealloc(t->rows, t->cap_rows * sizeof *t->rows);
	}
	if (t->ncells + cells > t->cap_cells) {
		t->cap_cells = t->ncells + cells;
		t->cells = crm_xrealloc(t->cells, t->cap_cells * sizeof *t->cells);
		t->ref = crm_xrealloc(t->ref, t->cap_cells);
	}
}

/* s as the next cell of the current row: taken over, or borrowed. */
static void push_cell(crm_table *t, char *s, bool borrowed)
{
	if (t->nrows == 0)
		crm_table_add_row(t);
	if (t->ncells == t->cap_cells) {
		t->cap_cells = t->cap_cells ? t->cap_cells * 2 : 64;
		t->cells = crm_xrealloc(t->cells, t->cap_cells * sizeof *t->cells);
		t->ref = crm_xrealloc(t->ref, t->cap_cells);
	}
	t->ref[t->ncells] = borrowed;
	t->cells[t->ncells++] = s;
	struct row *r = &t->rows[t->nrows - 1];
	ensure_columns(t, ++r->n);
}

void crm_table_add_cell(crm_table *t, const char *text)
{
	push_cell(t, crm_xstrdup(text ? text : ""), false);
}

void crm_table_add_cell_ref(crm_table *t, const char *text)
{
	push_cell(t, (char *)(text ? text : ""), true);
}

void crm_table_add_cellf(crm_table *t, const char *fmt, ...)
{
	crm_buf b = CRM_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	crm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	push_cell(t, crm_buf_detach(&b), false);
}

size_t crm_table_rows(const crm_table *t)
{
	return t->nrows;
}

size_t crm_table_columns(const crm_table *t)
{
	return t->ncols;
}

static bool has_header(const crm_table *t)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (t->cols[c].header[0])
			return true;
	return false;
}

/* Cell c of row r, or "" past the end of a short row. */
static const char *cell(const crm_table *t, const struct row *r, size_t c)
{
	return c < r->n ? t->cells[r->start + c] : "";
}

/*
 * What a terminal is shown for s: made visible (crm_visible_put, so that a
 * newline or an escape sequence in a record cannot break the table or drive
 * the terminal), then cut to max_width. Returns s itself when it needs
 * neither (most cells), else a new string in *owned; *width is its width.
 */
static const char *display_text(const char *s, size_t max_width, char **owned, size_t *width)
{
	*owned = NULL;
	const char *d = s;
	if (!crm_visible_width(s, width)) { /* else: as it is, its width known */
		crm_buf clean = CRM_BUF_INIT;
		crm_visible_put(&clean, s, strlen(s), 0);
		d = *owned = crm_buf_detach(&clean);
		if (!d)
			d = *owned = crm_xstrdup("");
		*width = crm_utf8_width(d);
	}
	if (max_width && *width > max_width) {
		crm_buf cut = CRM_BUF_INIT;
		crm_utf8_truncate(&cut, d, max_width);
		free(*owned);
		d = *owned = crm_buf_detach(&cut);
		if (!d)
			d = *owned = crm_xstrdup("");
		*width = crm_utf8_width(d);
	}
	return d;
}

/* One line: cells[0..ncols) laid out in their columns, trailing spaces dropped. */
static void render_line(const crm_table *t, const char *const *cells, const size_t *cw,
			const size_t *widths, crm_buf *out)
{
	size_t start = out->len;
	bool any = false;
	for (size_t c = 0; c < t->ncols; c++) {
		if (widths[c] == 0)
			continue;
		if (any)
			crm_buf_puts(out, "  ");
		any = true;
		size_t w = cw[c];
		if (t->cols[c].align == CRM_ALIGN_RIGHT) {
			for (; w < widths[c]; w++)
				crm_buf_putc(out, ' ');
			crm_buf_puts(out, cells[c]);
		} else {
			crm_buf_puts(out, cells[c]);
			for (; w < widths[c]; w++)
				crm_buf_putc(out, ' ');
		}
	}
	size_t end = out->len;
	while (end > start && out->ptr[end - 1] == ' ')
		end--;
	crm_buf_truncate(out, end);
	crm_buf_putc(out, '\n');
}

int crm_table_render_to(const crm_table *t, int (*emit)(const char *s, size_t len, void *arg),
			void *arg)
{
	size_t nc = t->ncols, nlines = t->nrows + 1;
	if (nc == 0)
		return 0;
	/*
	 * Two passes over the cells. The first keeps, for each cell, its width
	 * and whether it is shown as it is (two bytes, not its display text: for
	 * most cells that is the cell itself); the second makes the display text
	 * again only for the few that need it.
	 */
	enum { AS_IS = 0x8000, WIDE = 0x7fff };
	uint16_t *wc = crm_xmalloc(nlines * nc * sizeof *wc);
	size_t *widths = crm_xcalloc(nc, sizeof *widths);
	const char **text = crm_xcalloc(nc, sizeof *text);
	char **owned = crm_xcalloc(nc, sizeof *owned);
	size_t *cw = crm_xcalloc(nc, sizeof *cw);
	crm_buf out = CRM_BUF_INIT;
	bool header = has_header(t);
	int rc = 0;
	for (size_t l = header ? 0 : 1; l < nlines; l++)
		for (size_t c = 0; c < nc; c++) {
			const char *s = l == 0 ? t->cols[c].header : cell(t, &t->rows[l - 1], c);
			char *own;
			size_t w;
			display_text(s, t->cols[c].max_width, &own, &w);
			wc[l * nc + c] = (uint16_t)((w > WIDE ? WIDE : w) | (own ? 0 : AS_IS));
			free(own);
			if (w > widths[c])
				widths[c] = w;
		}
	for (size_t l = header ? 0 : 1; l < nlines && !rc; l++) {
		for (size_t c = 0; c < nc; c++) {
			const char *s = l == 0 ? t->cols[c].header : cell(t, &t->rows[l - 1], c);
			uint16_t k = wc[l * nc + c];
			if (k & AS_IS && (k & WIDE) < WIDE) {
				text[c] = s;
				cw[c] = k & WIDE;
			} else {
				text[c] = display_text(s, t->cols[c].max_width, &owned[c], &cw[c]);
			}
		}
		render_line(t, text, cw, widths, &out);
		for (size_t c = 0; c < nc; c++) {
			free(owned[c]);
			owned[c] = NULL;
		}
		if (out.len >= 65536) {
			rc = emit(out.ptr, out.len, arg);
			crm_buf_truncate(&out, 0);
		}
	}
	if (!rc && out.len)
		rc = emit(out.ptr, out.len, arg);
	crm_buf_free(&out);
	free(wc);
	free(owned);
	free(text);
	free(cw);
	free(widths);
	return rc;
}

static int append(const char *s, size_t len, void *arg)
{
	crm_buf_put(arg, s, len);
	return 0;
}

void crm_table_render(const crm_table *t, crm_buf *out)
{
	crm_table_render_to(t, append, out);
}

static void csv_field(crm_buf *out, const char *s, bool alone, bool visible)
{
	char *vis = NULL;
	if (visible && crm_visible_needed(s, strlen(s), 0))
		s = vis = crm_visible(s);
	/* A line with one empty field would read as a blank line, which readers skip. */
	if (alone && !*s) {
		crm_buf_puts(out, "\"\"");
	} else if (!strpbrk(s, ",\"\r\n")) {
		crm_buf_puts(out, s);
	} else {
		crm_buf_putc(out, '"');
		for (; *s; s++) {
			if (*s == '"')
				crm_buf_putc(out, '"');
			crm_buf_putc(out, *s);
		}
		crm_buf_putc(out, '"');
	}
	free(vis);
}

static void render_csv(const crm_table *t, crm_buf *out, bool visible)
{
	if (t->ncols == 0)
		return;
	if (has_header(t)) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				crm_buf_putc(out, ',');
			csv_field(out, t->cols[c].header, t->ncols == 1, visible);
		}
		crm_buf_puts(out, "\r\n");
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				crm_buf_putc(out, ',');
			csv_field(out, cell(t, &t->rows[r], c), t->ncols == 1, visible);
		}
		crm_buf_puts(out, "\r\n");
	}
}

void crm_table_render_csv(const crm_table *t, crm_buf *out)
{
	render_csv(t, out, false);
}

void crm_table_render_csv_visible(const crm_table *t, crm_buf *out)
{
	render_csv(t, out, true);
}
