/* crm list [filters] [--sort KEY] [--limit N] [--json|--csv]: matching customers, one line each. */
#include "cmd.h"
#include "filter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/index.h"
#include "crm/query.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/table.h"
#include "crm/utf8.h"

static int write_text(const char *s, size_t len, void *arg)
{
	return cmd_write_text(s, len);
}

static int print_table(crm_ctx *ctx, const crm_schema *s, crm_summary **v, size_t n, bool csv)
{
	crm_table *t = crm_table_new();
	const char *lang = ctx->lang;
	if (csv) {
		static const char *const h[] = {"id", "name", "kind", "source", "stage", "owner", "tags",
						"next_date", "next_action", "next_by", "priority", NULL};
		for (size_t i = 0; h[i]; i++)
			crm_table_add_column(t, h[i]);
	} else {
		crm_table_add_column(t, crm_schema_label(s, "id", NULL, lang));
		crm_table_add_column(t, crm_schema_label(s, "name", NULL, lang));
		crm_table_add_column(t, crm_schema_label(s, "stage", NULL, lang));
		crm_table_add_column(t, crm_schema_label(s, "owner", NULL, lang));
		crm_table_add_column(t, crm_schema_label(s, "followups[].next.date", NULL, lang));
		crm_table_add_column(t, crm_schema_label(s, "followups[].next.action", NULL, lang));
	}
	crm_table_reserve(t, n, n * crm_table_columns(t));
	for (size_t i = 0; i < n; i++) {
		const crm_summary *r = v[i];
		crm_table_add_row(t);
		crm_table_add_cell_ref(t, r->id);
		crm_table_add_cell_ref(t, r->name);
		if (csv) {
			crm_table_add_cell(t, r->kind);
			crm_table_add_cell(t, r->source);
			crm_table_add_cell(t, r->stage);
			crm_table_add_cell(t, r->owner);
			crm_buf tags = CRM_BUF_INIT;
			for (size_t k = 0; k < r->ntags; k++)
				crm_buf_printf(&tags, "%s%s", k ? ", " : "", r->tags[k]);
			crm_table_add_cell(t, crm_buf_cstr(&tags));
			crm_buf_free(&tags);
			crm_table_add_cell(t, r->next_date);
			crm_table_add_cell(t, r->next_action);
			crm_table_add_cell(t, r->next_by);
			crm_table_add_cell(t, r->next_priority);
		} else {
			/* borrowed: the summaries and the schema outlive the table */
			crm_table_add_cell_ref(t, r->stage ? crm_schema_label(s, "stage", r->stage, lang) : NULL);
			crm_table_add_cell_ref(t, r->owner);
			crm_table_add_cell_ref(t, r->next_date);
			crm_table_add_cell_ref(t, r->next_action);
		}
	}
	crm_buf out = CRM_BUF_INIT;
	int rc = 0;
	if (csv && cmd_stdout_tty())
		crm_table_render_csv_visible(t, &out); /* data, but not raw to a terminal */
	else if (csv)
		crm_table_render_csv(t, &out);
	else if (n)
		rc = crm_table_render_to(t, write_text, NULL); /* in pieces: a long list is big */
	if (csv)
		rc = cmd_write_out(out.ptr, out.len);
	crm_buf_free(&out);
	crm_table_free(t);
	return rc;
}

static int print_json(crm_summary **v, size_t n)
{
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, true);
	crm_json_begin_array(&j);
	for (size_t i = 0; i < n; i++) {
		crm_json_begin_object(&j);
		crm_summary_json(&j, v[i]);
		crm_json_end_object(&j);
	}
	crm_json_end_array(&j);
	int rc = cmd_print_json(&b);
	crm_buf_free(&b);
	return rc;
}

/* The customers that pass the filter, as summaries. */
typedef struct {
	const crm_filter *f;
	crm_summary **v;
	size_t n, cap;
	crm_diags skipped; /* records the index could not read */
} matches;

static int ask(crm_index *ix, void *arg)
{
	matches *m = arg;
	return crm_index_summaries(ix, m->f, &m->v, &m->n, &m->skipped);
}

static void drop(void *arg)
{
	matches *m = arg;
	for (size_t i = 0; i < m->n; i++)
		crm_summary_free(m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
	crm_diags_free(&m->skipped);
	m->skipped = (crm_diags){0};
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		CMD_FILTER_OPTIONS,
		{"sort", required_argument, NULL, 'r'},       {"limit", required_argument, NULL, 'l'},
		{"json", no_argument, NULL, 'j'},             {"csv", no_argument, NULL, 'c'},
		{0},
	};
	cmd_filter cf;
	cmd_filter_init(&cf, ctx, argc);
	const crm_filter *fp = &cf.f;
	const char *sort = "id";
	long limit = -1;
	bool json = false, csv = false;
	int c, rc;
	while ((c = cmd_getopt(&cmd_list, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'r': sort = optarg; break;
		case 'l': {
			char *end;
			errno = 0;
			limit = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || limit < 0) {
				cmd_filter_free(&cf);
				return cmd_usage_error(&cmd_list, "--limit takes a number, not '%s'", optarg);
			}
			break;
		}
		case 'j': json = true; break;
		case 'c': csv = true; break;
		default:
			if ((rc = cmd_filter_option(&cmd_list, ctx, &cf, c, optarg))) {
				cmd_filter_free(&cf);
				return rc < 0 ? 2 : rc;
			}
		}
	}
	if (optind < argc) {
		cmd_filter_free(&cf);
		return cmd_usage_error(&cmd_list, "unexpected '%s' (filters are options: --stage, --tag, ...)",
				       argv[optind]);
	}
	if (json && csv) {
		cmd_filter_free(&cf);
		return cmd_usage_error(&cmd_list, "--json and --csv: choose one");
	}
	if (!crm_sort_key_valid(sort)) {
		cmd_filter_free(&cf);
		return cmd_usage_error(&cmd_list, "--sort takes id, name, stage, next, owner or "
					"first_contact, not '%s'", sort);
	}
	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b))) {
		cmd_filter_free(&cf);
		return rc;
	}
	const crm_schema *s = NULL;
	matches m = {fp, NULL, 0, 0, {0}};
	crm_diags d = {0};
	int e;
	if ((rc = cmd_filter_resolve(&cf, b)))
		goto done;
	crm_book_schema(b, &s, NULL);
	crm_index *ix = NULL;
	/* the answer while the book is walked, but not a list of the whole
	 * book: it would be held beside the walk's entries (at 100,000
	 * customers, 8 MB more at the peak) */
	if (crm_filter_passes_all(fp)) {
		if (!(e = crm_index_open(&ix, b, &d)))
			e = ask(ix, &m);
	} else {
		e = crm_index_open_ask(&ix, b, ask, drop, &m);
	}
	crm_index_free(ix);
	crm_diags_extend(&d, &m.skipped);
	if (e) {
		cmd_print_diags(&d);
		rc = cmd_fail(e);
		goto done;
	}
	cmd_print_diags(&d);
	crm_summaries_sort(m.v, m.n, sort, s);
	size_t n = limit >= 0 && (size_t)limit < m.n ? (size_t)limit : m.n;
	if (json)
		rc = print_json(m.v, n);
	else
		rc = print_table(ctx, s, m.v, n, csv);
done:
	for (size_t i = 0; i < m.n; i++)
		crm_summary_free(m.v[i]);
	free(m.v);
	crm_diags_free(&m.skipped);
	crm_diags_free(&d);
	crm_book_free(b);
	cmd_filter_free(&cf);
	return rc;
}

const crm_cmd cmd_list = {
	"list",
	"[--stage S] [--tag T]... [--owner U] [--source S] [--kind K] [--industry I] [--priority P] "
	"[--due-before D] [--overdue] [--sort KEY] [--limit N] [--json|--csv]",
	"matching customers, one line each: id, name, stage, owner, next action",
	CMD_FILTER_HELP
	"  --sort KEY       id (default), name, stage, next, owner or first_contact\n"
	"  --limit N        at most N customers\n"
	"  --json           an array of {id, name, kind, stage, owner, source, tags, path, next}\n"
	"  --csv            the table as CSV (RFC 4180): exact values into a file or pipe,\n"
	"                   control characters shown as \\e, \\n... on a terminal\n"
	"Won and lost customers have no open next action.\n",
	run,
};
