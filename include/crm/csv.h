#ifndef CRM_CSV_H
#define CRM_CSV_H
/*
 * CSV as RFC 4180 and as spreadsheets write it: quoted fields holding the
 * separator, doubled quotes and line breaks; CRLF or LF; a trailing empty
 * line. Reads UTF-8 text (decode it first, textenc.h) and writes it. Knows
 * nothing of records.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/buf.h"

/* One row: its cells and the file line it starts on (the first line is 1). */
typedef struct {
	char **cells;
	size_t n;
	int line;
} crm_csv_row;

typedef struct {
	crm_csv_row *rows;
	size_t n;
} crm_csv;

/*
 * The separator of a file: a tab when its first line has tabs and no
 * commas, else a comma.
 */
char crm_csv_sniff(const char *s, size_t len);

/*
 * Parse `len` bytes of `s` into *out (free with crm_csv_free) with
 * separator `sep`. A leading UTF-8 BOM is skipped; empty lines are no rows.
 * A quote left open is CRM_EINVALID with a message naming the line where
 * the field opened (*out is then empty).
 */
int crm_csv_parse(crm_csv *out, const char *s, size_t len, char sep);
void crm_csv_free(crm_csv *c);

/* Append one field, quoted when it holds a comma, quote, CR or LF. */
void crm_csv_put_field(crm_buf *b, const char *s);

/*
 * Whether a spreadsheet would run `s` as a formula: it starts with = + - @,
 * a tab or a CR (OWASP, CSV injection). A phone written `+86 138 0000 0000`
 * (a '+' then only digits and spaces) is not: it stays readable.
 */
bool crm_csv_formula_like(const char *s);

/*
 * crm_csv_put_field for a cell a person will open in a spreadsheet: a
 * formula-like cell gets a leading ' (shown as text, never run).
 */
void crm_csv_put_cell(crm_buf *b, const char *s);

/*
 * The value of a cell written by crm_csv_put_cell: a ' that neutralised a
 * formula-like value is dropped; anything else is returned as is. Borrowed
 * (points into s).
 */
const char *crm_csv_unneutralise(const char *s);

#endif
