/*
 * index_sql.c: crm sql over the index (index.h): a read-only connection,
 * an authorizer that refuses writes, ATTACH and pragmas that change
 * anything, and the result as text.
 */
#include "index_int.h"

#include "crm/buf.h"

#include <stdlib.h>
#include <string.h>

/* ---- crm sql ---- */

void crm_sql_result_free(crm_sql_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	for (size_t i = 0; i < r->ncols * r->nrows; i++)
		free(r->v[i].text);
	free(r->cols);
	free(r->v);
	free(r);
}

/* Pragmas that only read the shape of the tables, when given no value. */
static bool pragma_reads(const char *name)
{
	static const char *const ok[] = {"table_info", "table_xinfo", "table_list", "index_list",
					 "index_info", "index_xinfo", "foreign_key_list"};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (name && !strcasecmp(name, ok[i]))
			return true;
	return false;
}

/* Let through reading and nothing else. */
static int authorize(void *arg, int action, const char *a, const char *b, const char *db,
		     const char *view)
{
	(void)arg;
	(void)db;
	(void)view;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_UPDATE:
		/* SQLite itself reads the schema this way for pragma_table_info();
		 * a user's UPDATE of it is refused by SQLite (no writable_schema) */
		return a && (!strcmp(a, "sqlite_master") || !strcmp(a, "sqlite_schema")) ? SQLITE_OK
											  : SQLITE_DENY;
	case SQLITE_PRAGMA:
		return pragma_reads(a) ? SQLITE_OK : SQLITE_DENY; /* b is their table */
	default:
		return SQLITE_DENY;
	}
}

int crm_index_query(crm_index *ix, const char *sql, crm_sql_result **out)
{
	*out = NULL;
	sqlite3 *db = NULL;
	const char *file = sqlite3_db_filename(ix->db, "main");
	if (file && *file)
		db = crm_ix_open_db(file, SQLITE_OPEN_READONLY);
	if (!db)
		db = ix->db; /* the in-memory fall-back: the authorizer alone guards it */
	sqlite3_set_authorizer(db, authorize, NULL);
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
		bool refused = sqlite3_errcode(db) == SQLITE_AUTH;
		rc = crm_error_set(CRM_EFAIL, "%s%s", sqlite3_errmsg(db),
				   refused ? " (crm sql only reads: SELECT over the tables of crm(1))" : "");
		goto done;
	}
	while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		rc = crm_error_set(CRM_EFAIL, "one statement at a time: '%s' follows the first", tail);
		goto done;
	}
	if (!st) {
		rc = crm_error_set(CRM_EFAIL, "no SQL statement in the query");
		goto done;
	}
	if (!sqlite3_stmt_readonly(st)) {
		rc = crm_error_set(CRM_EFAIL, "not authorized: crm sql only reads");
		goto done;
	}
	crm_sql_result *r = crm_xcalloc(1, sizeof *r);
	r->ncols = (size_t)sqlite3_column_count(st);
	r->cols = crm_xcalloc(r->ncols ? r->ncols : 1, sizeof *r->cols);
	for (size_t c = 0; c < r->ncols; c++)
		r->cols[c] = crm_xstrdup(sqlite3_column_name(st, (int)c));
	size_t cap = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r->nrows + 1) * r->ncols > cap) {
			cap = cap ? cap * 2 : 64 * (r->ncols ? r->ncols : 1);
			r->v = crm_xrealloc(r->v, cap * sizeof *r->v);
		}
		crm_sql_value *row = r->v + r->nrows * r->ncols;
		for (size_t c = 0; c < r->ncols; c++) {
			int t = sqlite3_column_type(st, (int)c);
			row[c].type = t == SQLITE_INTEGER ? CRM_SQL_INT : t == SQLITE_FLOAT ? CRM_SQL_REAL
					  : t == SQLITE_NULL ? CRM_SQL_NULL : CRM_SQL_TEXT;
			if (t == SQLITE_FLOAT)
				row[c].text = crm_xasprintf("%.15g", sqlite3_column_double(st, (int)c));
			else if (t == SQLITE_NULL)
				row[c].text = NULL;
			else
				row[c].text = crm_xstrndup((const char *)sqlite3_column_text(st, (int)c),
							   (size_t)sqlite3_column_bytes(st, (int)c));
		}
		r->nrows++;
	}
	if (s != SQLITE_DONE) {
		rc = crm_error_set(CRM_EFAIL, "%s", sqlite3_errmsg(db));
		crm_sql_result_free(r);
		goto done;
	}
	*out = r;
done:
	sqlite3_finalize(st);
	sqlite3_set_authorizer(db, NULL, NULL);
	if (db != ix->db)
		sqlite3_close(db);
	return rc;
}
