/* crm sql QUERY [--json|--csv]: a read-only SQL query over the index (SPEC §8). */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/index.h"
#include "crm/table.h"

static void print_json_result(crm_buf *out, const crm_sql_result *r)
{
	crm_json j;
	crm_json_init(&j, out, true);
	crm_json_begin_array(&j);
	for (size_t i = 0; i < r->nrows; i++) {
		crm_json_begin_object(&j);
		for (size_t c = 0; c < r->ncols; c++) {
			const crm_sql_value *v = &r->v[i * r->ncols + c];
			crm_json_key(&j, r->cols[c]);
			switch (v->type) {
			case CRM_SQL_NULL: crm_json_null(&j); break;
			case CRM_SQL_INT: crm_json_int(&j, strtoll(v->text, NULL, 10)); break;
			case CRM_SQL_REAL: crm_json_double(&j, strtod(v->text, NULL)); break;
			default: crm_json_string(&j, v->text); break;
			}
		}
		crm_json_end_object(&j);
	}
	crm_json_end_array(&j);
}

static void print_table(crm_buf *out, const crm_sql_result *r, bool csv)
{
	crm_table *t = crm_table_new();
	for (size_t c = 0; c < r->ncols; c++) {
		crm_table_add_column(t, r->cols[c]);
		/* numbers to the right, when the column holds nothing else */
		bool num = r->nrows > 0;
		for (size_t i = 0; i < r->nrows && num; i++) {
			crm_sql_type ty = r->v[i * r->ncols + c].type;
			num = ty == CRM_SQL_INT || ty == CRM_SQL_REAL || ty == CRM_SQL_NULL;
		}
		if (num)
			crm_table_set_align(t, c, CRM_ALIGN_RIGHT);
	}
	for (size_t i = 0; i < r->nrows; i++) {
		crm_table_add_row(t);
		for (size_t c = 0; c < r->ncols; c++)
			crm_table_add_cell(t, r->v[i * r->ncols + c].text);
	}
	if (csv)
		crm_table_render_csv(t, out);
	else
		crm_table_render(t, out);
	crm_table_free(t);
}

/* The query and its answer, for crm_index_open_ask. */
typedef struct {
	const char *sql;
	crm_sql_result *r;
} asking;

static int ask(crm_index *ix, void *arg)
{
	asking *k = arg;
	return crm_index_query(ix, k->sql, &k->r);
}

static void drop(void *arg)
{
	asking *k = arg;
	crm_sql_result_free(k->r);
	k->r = NULL;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"csv", no_argument, NULL, 'c'}, {0}};
	bool json = false, csv = false;
	int c, rc;
	while ((c = cmd_getopt(&cmd_sql, argc, argv, "", opts)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'c')
			csv = true;
		else
			return 2;
	}
	if (json && csv)
		return cmd_usage_error(&cmd_sql, "--json and --csv do not go together; choose one");
	if (optind >= argc)
		return cmd_usage_error(&cmd_sql, "give the query, e.g. crm sql 'SELECT stage, count(*) FROM customers GROUP BY stage'");
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_sql, "one QUERY (quote it): unexpected '%s'", argv[optind + 1]);
	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b)))
		return rc;
	crm_index *ix = NULL;
	asking k = {argv[optind], NULL};
	crm_buf out = CRM_BUF_INIT;
	int e = crm_index_open_ask(&ix, b, ask, drop, &k);
	crm_sql_result *r = k.r;
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	if (json) {
		print_json_result(&out, r);
		rc = cmd_print_json(&out);
	} else {
		print_table(&out, r, csv);
		rc = cmd_write_out(out.ptr, out.len);
	}
done:
	crm_sql_result_free(r);
	crm_buf_free(&out);
	crm_index_free(ix);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_sql = {
	"sql", "QUERY [--json|--csv]",
	"a read-only SQL query over the index (tables in crm(1))",
	"  QUERY    one SQL statement in SQLite's dialect, over the tables customers,\n"
	"           tags, contacts, decision_chain, followups, stages and dates\n"
	"  --json   an array of objects, one per row, keyed by column name\n"
	"  --csv    CSV with a header row\n"
	"Only reads: a statement that would write, attach or set a pragma exits 1.\n",
	run,
};
