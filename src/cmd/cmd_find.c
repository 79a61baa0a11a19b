/* crm find TEXT [--json]: customers whose names, contacts, needs, notes, tags or follow-ups hold TEXT. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/index.h"
#include "crm/query.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/table.h"
#include "crm/utf8.h"

/* "contacts[0].phone: 13800000000", the value on one line and cut to fit. */
static void where(crm_buf *b, const crm_match *m)
{
	crm_buf one = CRM_BUF_INIT;
	for (const char *p = m->text; *p; p++)
		crm_buf_putc(&one, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
	crm_buf_printf(b, "%s: ", m->field);
	crm_utf8_truncate(b, crm_buf_cstr(&one), 50);
	crm_buf_free(&one);
}

/* What the search collects while it walks the book. */
typedef struct {
	crm_ctx *ctx;
	const crm_schema *s;
	const char *text;
	bool json;
	crm_json j;       /* --json: the array being written into out */
	crm_table *t;     /* otherwise: one row per customer */
	size_t found;
	crm_buf *out;     /* where the --json array is written */
	crm_diags skipped; /* records the index could not read */
} search;

static int visit(const crm_record *r, void *arg)
{
	search *q = arg;
	crm_match *m;
	size_t n;
	if (!crm_record_find(r, q->text, &m, &n))
		return 0;
	q->found++;
	crm_summary *sum = crm_summary_new(r);
	if (q->json) {
		/* list's object, then where it matched */
		crm_json_begin_object(&q->j);
		crm_summary_json(&q->j, sum);
		crm_json_key(&q->j, "matches");
		crm_json_begin_array(&q->j);
		for (size_t k = 0; k < n; k++) {
			crm_json_begin_object(&q->j);
			crm_json_key(&q->j, "field");
			crm_json_string(&q->j, m[k].field);
			crm_json_key(&q->j, "text");
			crm_json_string(&q->j, m[k].text);
			crm_json_end_object(&q->j);
		}
		crm_json_end_array(&q->j);
		crm_json_end_object(&q->j);
	} else {
		crm_buf w = CRM_BUF_INIT;
		where(&w, &m[0]);
		if (n > 1)
			crm_buf_printf(&w, " (+%zu)", n - 1);
		crm_table_add_row(q->t);
		crm_table_add_cell(q->t, sum->id);
		crm_table_add_cell(q->t, sum->name);
		crm_table_add_cell(q->t, sum->stage ? crm_schema_label(q->s, "stage", sum->stage,
								      q->ctx->lang) : NULL);
		crm_table_add_cell(q->t, w.ptr);
		crm_buf_free(&w);
	}
	crm_summary_free(sum);
	crm_matches_free(m, n);
	return 0;
}

/* Start (again) with nothing found. */
static void start(search *q)
{
	q->found = 0;
	q->t = crm_table_new();
	if (q->json) {
		crm_buf_truncate(q->out, 0);
		crm_json_init(&q->j, q->out, true);
		crm_json_begin_array(&q->j);
	}
}

static int ask(crm_index *ix, void *arg)
{
	search *q = arg;
	return crm_index_find_each(ix, q->text, &q->skipped, visit, q);
}

static void drop(void *arg)
{
	search *q = arg;
	crm_table_free(q->t);
	crm_diags_free(&q->skipped);
	q->skipped = (crm_diags){0};
	start(q);
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {0}};
	bool json = false;
	int c, rc;
	while ((c = cmd_getopt(&cmd_find, argc, argv, "", opts)) != -1) {
		if (c == 'j')
			json = true;
		else
			return 2;
	}
	if (optind >= argc)
		return cmd_usage_error(&cmd_find, "say what to look for");
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_find, "one TEXT (quote text with spaces): unexpected '%s'",
				       argv[optind + 1]);
	const char *text = argv[optind];
	if (!*text)
		return cmd_usage_error(&cmd_find, "the text to look for cannot be empty");
	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b)))
		return rc;
	crm_buf out = CRM_BUF_INIT;
	search q = {ctx, NULL, text, json, {0}, NULL, 0, &out, {0}};
	crm_diags d = {0};
	start(&q);
	int e = crm_book_schema(b, &q.s, &d);
	crm_index *ix = NULL;
	if (!e)
		e = crm_index_open_ask(&ix, b, ask, drop, &q);
	crm_index_free(ix);
	crm_diags_extend(&d, &q.skipped);
	crm_diags_free(&q.skipped);
	cmd_print_diags(&d);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	if (json) {
		crm_json_end_array(&q.j);
		rc = cmd_print_json(&out);
	} else {
		crm_table_render(q.t, &out);
		rc = cmd_write_text(out.ptr, out.len);
	}
	if (!rc && !q.found) {
		if (!json)
			cmd_note("nothing matches '%s'", text);
		rc = 1;
	}
done:
	crm_table_free(q.t);
	crm_buf_free(&out);
	crm_diags_free(&d);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_find = {
	"find", "TEXT [--json]",
	"search names, contacts, phones, emails, needs, notes, tags and follow-ups",
	"  TEXT     the text to look for (ASCII case ignored; a phone number matches\n"
	"           whatever spaces or dashes it was written with)\n"
	"  --json   an array as 'crm list --json', each with \"matches\": [{field, text}]\n"
	"Exits 1 when nothing matches, as grep does.\n",
	run,
};
