/* crm find TEXT [--json]: customers whose names, contacts, needs, notes, tags or follow-ups hold TEXT. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
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
	const crm_schema *s = NULL;
	crm_records rs = {0};
	crm_diags d = {0};
	int e = crm_book_schema(b, &s, &d);
	if (!e)
		e = crm_records_load(b, &rs, &d);
	cmd_print_diags(&d);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	crm_buf out = CRM_BUF_INIT;
	crm_json j;
	crm_table *t = crm_table_new();
	size_t found = 0;
	if (json) {
		crm_json_init(&j, &out, true);
		crm_json_begin_array(&j);
	}
	for (size_t i = 0; i < rs.n; i++) {
		const crm_record *r = rs.v[i];
		crm_match *m;
		size_t n;
		if (!crm_record_find(r, text, &m, &n))
			continue;
		found++;
		if (json) {
			/* list's object, then where it matched */
			crm_json_begin_object(&j);
			crm_record_summary_json(&j, r);
			crm_json_key(&j, "matches");
			crm_json_begin_array(&j);
			for (size_t k = 0; k < n; k++) {
				crm_json_begin_object(&j);
				crm_json_key(&j, "field");
				crm_json_string(&j, m[k].field);
				crm_json_key(&j, "text");
				crm_json_string(&j, m[k].text);
				crm_json_end_object(&j);
			}
			crm_json_end_array(&j);
			crm_json_end_object(&j);
		} else {
			const char *stage = crm_record_str(r, "stage");
			crm_buf w = CRM_BUF_INIT;
			where(&w, &m[0]);
			if (n > 1)
				crm_buf_printf(&w, " (+%zu)", n - 1);
			crm_table_add_row(t);
			crm_table_add_cell(t, r->id);
			crm_table_add_cell(t, crm_record_str(r, "name"));
			crm_table_add_cell(t, stage ? crm_schema_label(s, "stage", stage, ctx->lang) : NULL);
			crm_table_add_cell(t, w.ptr);
			crm_buf_free(&w);
		}
		crm_matches_free(m, n);
	}
	if (json) {
		crm_json_end_array(&j);
		rc = cmd_print_json(&out);
	} else {
		crm_table_render(t, &out);
		rc = cmd_write_out(out.ptr, out.len);
	}
	crm_table_free(t);
	crm_buf_free(&out);
	if (!rc && !found) {
		if (!json)
			cmd_note("nothing matches '%s'", text);
		rc = 1;
	}
done:
	crm_records_free(&rs);
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
