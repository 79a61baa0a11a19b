#ifndef CRM_TABLE_H
#define CRM_TABLE_H
/*
 * A table of text for terminals and spreadsheets: fill it with header
 * cells and rows of UTF-8 cells, then render it as aligned columns
 * (crm_table_render) or as CSV (crm_table_render_csv).
 *
 *	crm_table *t = crm_table_new();
 *	crm_table_add_column(t, "ID");
 *	size_t amount = crm_table_add_column(t, "AMOUNT");
 *	crm_table_set_align(t, amount, CRM_ALIGN_RIGHT);
 *	crm_table_add_row(t);
 *	crm_table_add_cell(t, "202405001");
 *	crm_table_add_cellf(t, "%d", 180000);
 *	crm_table_render(t, &out);
 *	crm_table_free(t);
 *
 * The table copies every string it is given; nothing it returns needs
 * freeing except the table itself.
 */
#include <stddef.h>

#include "crm/buf.h"

typedef struct crm_table crm_table;

typedef enum {
	CRM_ALIGN_LEFT,  /* text (the default) */
	CRM_ALIGN_RIGHT, /* numbers, so that the digits line up */
} crm_align;

/* A new empty table; free it with crm_table_free. */
crm_table *crm_table_new(void);

/* Free t and everything in it; NULL is allowed. */
void crm_table_free(crm_table *t);

/*
 * Add a column with this header (NULL or "" for none) after the existing
 * ones; returns its index. The header line is rendered only when some
 * column has a non-empty header.
 */
size_t crm_table_add_column(crm_table *t, const char *header);

/* Align column col (creating columns up to it when needed). */
void crm_table_set_align(crm_table *t, size_t col, crm_align align);

/*
 * Cut the cells and header of column col to at most width display columns
 * in crm_table_render, ending a cut cell with "…"; 0 means no limit (the
 * default). CSV output is never cut.
 */
void crm_table_set_max_width(crm_table *t, size_t col, size_t width);

/* Start a new row; the following cells go into it, left to right. */
void crm_table_add_row(crm_table *t);

/* Room for `rows` more rows of `cells` cells in all, so that a table whose
 * size is known grows in one step instead of doubling (a list of 100,000
 * customers would otherwise hold up to twice the room it needs). */
void crm_table_reserve(crm_table *t, size_t rows, size_t cells);

/*
 * Add a cell to the current row (starting a row when there is none). NULL
 * is an empty cell. A row may have fewer cells than the table has columns
 * (the rest are empty) or more (the table gains columns without header).
 */
void crm_table_add_cell(crm_table *t, const char *text);

/* crm_table_add_cell without a copy: text must outlive the table (a big
 * list's cells are its summaries' strings, not a second copy of them). */
void crm_table_add_cell_ref(crm_table *t, const char *text);

/* crm_table_add_cell with printf formatting. */
void crm_table_add_cellf(crm_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Number of rows added, not counting the header. */
size_t crm_table_rows(const crm_table *t);
/* The number of columns. */
size_t crm_table_columns(const crm_table *t);

/*
 * Append the table to out for a terminal: the header line (if any) and
 * each row on its own line ending in "\n"; columns as wide as their widest
 * cell in display columns (crm_utf8_width, so CJK counts 2), two spaces
 * between columns, no trailing spaces. A column with no text at all takes
 * no room. Cells are made visible with crm_visible_put (a newline shows as
 * \n, ESC as \e, invalid UTF-8 as \xHH), so a cell cannot break the layout
 * or drive the terminal.
 */
void crm_table_render(const crm_table *t, crm_buf *out);

/*
 * crm_table_render in pieces of whole lines, each handed to emit as it
 * fills (about 64 KB), so that a long table is never all in memory twice.
 * Stops at, and returns, the first non-zero value emit returns.
 */
int crm_table_render_to(const crm_table *t, int (*emit)(const char *s, size_t len, void *arg),
			void *arg);

/*
 * Append the table to out as CSV (RFC 4180): the header row (if any), then
 * every row with as many fields as the table has columns, fields holding
 * `,` `"` CR or LF in double quotes with quotes doubled, lines ending in
 * CRLF. Cells are written byte for byte; in a one-column table an empty
 * field is written as "" so that its line is not read as a blank line.
 */
void crm_table_render_csv(const crm_table *t, crm_buf *out);

/*
 * crm_table_render_csv for a terminal: the same fields, each made visible
 * with crm_visible_put first (CSV is data and keeps its bytes in a file or
 * a pipe, but must not drive the terminal it is shown on).
 */
void crm_table_render_csv_visible(const crm_table *t, crm_buf *out);

#endif
