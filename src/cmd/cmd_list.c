/* crm list [filters] [--sort KEY] [--limit N] [--json|--csv]: matching customers, one line each. */
#include "cmd.h"

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

/* A team id for --owner, or exit 1 with a suggestion. */
static int check_owner(const crm_book *b, const char *id)
{
	if (crm_config_member(b->config, id))
		return 0;
	const crm_config *c = b->config;
	const char **ids = crm_xcalloc(c->nteam + 1, sizeof *ids);
	for (size_t i = 0; i < c->nteam; i++)
		ids[i] = c->team[i].id;
	const char *near = crm_suggest(id, ids, c->nteam);
	char *team = crm_config_team_list(c);
	if (near)
		cmd_error("--owner: '%s' is not in the team (did you mean '%s'?)", id, near);
	else
		cmd_error("--owner: '%s' is not in the team (team: %s)", id, team);
	free(team);
	free(ids);
	return 1;
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
	for (size_t i = 0; i < n; i++) {
		const crm_summary *r = v[i];
		crm_table_add_row(t);
		crm_table_add_cell(t, r->id);
		crm_table_add_cell(t, r->name);
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
			crm_table_add_cell(t, r->stage ? crm_schema_label(s, "stage", r->stage, lang) : NULL);
			crm_table_add_cell(t, r->owner);
			crm_table_add_cell(t, r->next_date);
			crm_table_add_cell(t, r->next_action);
		}
	}
	crm_buf out = CRM_BUF_INIT;
	if (csv)
		crm_table_render_csv(t, &out);
	else if (n)
		crm_table_render(t, &out);
	int rc = cmd_write_out(out.ptr, out.len);
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
	size_t n;
} matches;

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"stage", required_argument, NULL, 'S'},      {"tag", required_argument, NULL, 't'},
		{"owner", required_argument, NULL, 'o'},      {"source", required_argument, NULL, 's'},
		{"kind", required_argument, NULL, 'k'},       {"industry", required_argument, NULL, 'i'},
		{"priority", required_argument, NULL, 'p'},   {"due-before", required_argument, NULL, 'd'},
		{"overdue", no_argument, NULL, 'O'},          {"sort", required_argument, NULL, 'r'},
		{"limit", required_argument, NULL, 'l'},      {"json", no_argument, NULL, 'j'},
		{"csv", no_argument, NULL, 'c'},              {0},
	};
	crm_filter f = {0};
	const char **tags = crm_xcalloc((size_t)argc + 1, sizeof *tags);
	const char *stage = NULL, *source = NULL, *kind = NULL, *priority = NULL, *sort = "id";
	long limit = -1;
	bool json = false, csv = false;
	int c, rc;
	while ((c = cmd_getopt(&cmd_list, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'S': stage = optarg; break;
		case 't': tags[f.ntags++] = optarg; break;
		case 'o': f.owner = optarg; break;
		case 's': source = optarg; break;
		case 'k': kind = optarg; break;
		case 'i': f.industry = optarg; break;
		case 'p': priority = optarg; break;
		case 'd':
			if ((rc = cmd_parse_date(ctx, optarg, &f.due_before, "--due-before"))) {
				free(tags);
				return rc;
			}
			f.due_before_set = true;
			break;
		case 'O': f.overdue = true; break;
		case 'r': sort = optarg; break;
		case 'l': {
			char *end;
			errno = 0;
			limit = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || limit < 0) {
				free(tags);
				return cmd_usage_error(&cmd_list, "--limit takes a number, not '%s'", optarg);
			}
			break;
		}
		case 'j': json = true; break;
		case 'c': csv = true; break;
		default: free(tags); return 2;
		}
	}
	f.tags = tags;
	f.today = ctx->today;
	if (optind < argc) {
		free(tags);
		return cmd_usage_error(&cmd_list, "unexpected '%s' (filters are options: --stage, --tag, ...)",
				       argv[optind]);
	}
	if (json && csv) {
		free(tags);
		return cmd_usage_error(&cmd_list, "--json and --csv: choose one");
	}
	if (!crm_sort_key_valid(sort)) {
		free(tags);
		return cmd_usage_error(&cmd_list, "--sort takes id, name, stage, next, owner or "
					"first_contact, not '%s'", sort);
	}
	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b))) {
		free(tags);
		return rc;
	}
	const crm_schema *s = NULL;
	matches m = {&f, NULL, 0};
	crm_diags d = {0};
	int e = crm_book_schema(b, &s, &d);
	if (!e && stage)
		e = crm_enum_code(s, "stage", stage, "--stage", &f.stage);
	if (!e && source)
		e = crm_enum_code(s, "source", source, "--source", &f.source);
	if (!e && kind)
		e = crm_enum_code(s, "kind", kind, "--kind", &f.kind);
	if (!e && priority)
		e = crm_enum_code(s, "followups[].priority", priority, "--priority", &f.priority);
	if (e) {
		cmd_print_diags(&d);
		rc = cmd_fail(e);
		goto done;
	}
	if (f.owner && (rc = check_owner(b, f.owner)))
		goto done;
	crm_index *ix = NULL;
	if (!(e = crm_index_open(&ix, b, &d)))
		e = crm_index_summaries(ix, &f, &m.v, &m.n, &d);
	crm_index_free(ix);
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
	crm_diags_free(&d);
	crm_book_free(b);
	free(tags);
	return rc;
}

const crm_cmd cmd_list = {
	"list",
	"[--stage S] [--tag T]... [--owner U] [--source S] [--kind K] [--industry I] [--priority P] "
	"[--due-before D] [--overdue] [--sort KEY] [--limit N] [--json|--csv]",
	"matching customers, one line each: id, name, stage, owner, next action",
	"  --stage S        in this stage (a code or a label: 谈判中)\n"
	"  --tag T          with this tag (repeat: all of them)\n"
	"  --owner U        owned by this team member\n"
	"  --source S       from this source\n"
	"  --kind K         company or person\n"
	"  --industry I     company.industry is I (ASCII case ignored)\n"
	"  --priority P     the open next action was set with priority P\n"
	"  --due-before D   the open next action is due strictly before D\n"
	"  --overdue        the open next action is due before today (due today is not overdue)\n"
	"  --sort KEY       id (default), name, stage, next, owner or first_contact\n"
	"  --limit N        at most N customers\n"
	"  --json           an array of {id, name, kind, stage, owner, source, tags, path, next}\n"
	"  --csv            the table as CSV (RFC 4180)\n"
	"Won and lost customers have no open next action.\n",
	run,
};
