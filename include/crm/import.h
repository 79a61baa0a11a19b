#ifndef CRM_IMPORT_H
#define CRM_IMPORT_H
/*
 * Reading spreadsheet cells as record values: which field a column names,
 * dates in the forms spreadsheets produce, phones a spreadsheet ruined.
 * Knows the schema, not git or the book.
 */
#include <stdbool.h>

#include "crm/date.h"

struct crm_schema;

/*
 * The path a column header names: `header` itself when the schema knows it
 * as a path (`company.industry`, `contacts[0].phone`), else the field whose
 * x-label it is in any language (客户名称 → name). Returns a string the
 * caller frees, or NULL when neither.
 */
char *crm_import_column(const struct crm_schema *s, const char *header);

/*
 * A date cell as YYYY-MM-DD in out: 2024-05-01, 2024-5-1, 2024/5/1,
 * 2024.5.1 and 2024年5月1日 (spaces around it ignored). False when it is
 * none of these or not a real calendar date.
 */
bool crm_import_date(char out[CRM_DATE_STRLEN], const char *cell);

/*
 * Whether a phone cell is a number a spreadsheet wrote in scientific
 * notation (1.38E+10): its last digits are lost.
 */
bool crm_import_phone_lost(const char *cell);

#endif
