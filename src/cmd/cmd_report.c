/* crm report [NAME] [--since D] [--until D] [--owner U] [--json] [--html FILE]: the numbers of SPEC §5. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/index.h"
#include "crm/report.h"
#include "crm/schema.h"
#include "crm/utf8.h"

static void progress(size_t done, size_t total)
{
	fprintf(stderr, "\rcrm: indexing the book: %zu of %zu records%s", done, total,
		done == total ? "\n" : "");
}

/* A team id for --owner (past members too: reports look back), or exit 1 with a hint. */
static int check_owner(const crm_book *b, const char *id)
{
	const crm_config *c = b->config;
	if (crm_config_member(c, id))
		return 0;
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

static int write_html(const char *file, const crm_buf *page)
{
	if (!strcmp(file, "-"))
		return cmd_write_out(page->ptr, page->len);
	if (crm_write_atomic(file, page->ptr, page->len))
		return cmd_error("cannot write the page: %s", crm_error_last());
	return 0;
}

/* The question and its answer, for crm_index_open_ask. */
typedef struct {
	const crm_report_opts *o;
	unsigned which;
	crm_report *r;
} asking;

static int ask(crm_index *ix, void *arg)
{
	asking *k = arg;
	return crm_report_compute(&k->r, crm_index_db(ix), k->o, k->which);
}

static void drop(void *arg)
{
	asking *k = arg;
	crm_report_free(k->r);
	k->r = NULL;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"since", required_argument, NULL, 's'}, {"until", required_argument, NULL, 'u'},
		{"owner", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'j'},
		{"html", required_argument, NULL, 'H'},  {0},
	};
	crm_date since, until;
	bool has_since = false, has_until = false, json = false;
	const char *owner = NULL, *html = NULL;
	int c, rc;
	while ((c = cmd_getopt(&cmd_report, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 's':
			if ((rc = cmd_parse_date(ctx, optarg, &since, "--since")))
				return rc;
			has_since = true;
			break;
		case 'u':
			if ((rc = cmd_parse_date(ctx, optarg, &until, "--until")))
				return rc;
			has_until = true;
			break;
		case 'o': owner = optarg; break;
		case 'j': json = true; break;
		case 'H': html = optarg; break;
		default: return 2;
		}
	}
	unsigned which = CRM_REPORT_ALL;
	if (optind < argc) {
		which = crm_report_by_name(argv[optind]);
		if (!which)
			return cmd_usage_error(&cmd_report,
					       "no report '%s' (reports: funnel, sources, followups, value, owners)",
					       argv[optind]);
		if (optind + 1 < argc)
			return cmd_usage_error(&cmd_report, "one report at a time, or none for all five: "
					       "unexpected '%s'", argv[optind + 1]);
	}
	if (has_since && has_until && crm_date_diff(since, until) > 0)
		return cmd_usage_error(&cmd_report, "--since is after --until: nothing could match");
	if (html && !*html)
		return cmd_usage_error(&cmd_report, "--html needs a file name (or - for standard output)");

	char s_since[CRM_DATE_STRLEN], s_until[CRM_DATE_STRLEN], s_today[CRM_DATE_STRLEN];
	if (has_since)
		crm_date_format(since, s_since);
	if (has_until)
		crm_date_format(until, s_until);
	crm_date_format(ctx->today, s_today);
	crm_report_opts o = {has_since ? s_since : NULL, has_until ? s_until : NULL, owner, s_today};

	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b)))
		return rc;
	if (owner && (rc = check_owner(b, owner))) {
		crm_book_free(b);
		return rc;
	}
	const crm_schema *s = NULL;
	crm_diags d = {0};
	if (crm_book_schema(b, &s, &d))
		s = NULL; /* labels fall back to codes; the numbers do not need the schema */
	crm_diags_free(&d);
	if (isatty(2))
		crm_index_set_progress(progress);
	crm_index *ix = NULL;
	crm_report *r = NULL;
	crm_buf out = CRM_BUF_INIT;
	/* the page holds every report, whatever NAME says */
	asking k = {&o, html ? CRM_REPORT_ALL : which, NULL};
	int e = crm_index_open_ask(&ix, b, ask, drop, &k);
	r = k.r;
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	if (html) {
		crm_report_html(&out, r, s, ctx->lang, b->config->book, &o);
		if ((rc = write_html(html, &out)))
			goto done;
		crm_buf_truncate(&out, 0);
		if (!json)
			goto done;
		r->which = which;
	}
	if (json) {
		crm_json j;
		crm_json_init(&j, &out, true);
		crm_report_json(&j, r);
		rc = cmd_print_json(&out);
	} else {
		crm_report_text(&out, r, s, ctx->lang);
		rc = cmd_write_out(out.ptr, out.len);
	}
done:
	crm_report_free(r);
	crm_buf_free(&out);
	crm_index_free(ix);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_report = {
	"report",
	"[funnel|sources|followups|value|owners] [--since D] [--until D] [--owner U] [--json] "
	"[--html FILE]",
	"conversion by stage, sources, follow-up success, customer value, owners' pipelines",
	"  NAME          funnel, sources, followups, value or owners; all five without it\n"
	"  --since D     customers first contacted on or after D, follow-ups dated on or after D\n"
	"  --until D     ... on or before D\n"
	"  --owner U     customers owned by U; in followups, the follow-ups U wrote and the\n"
	"                next actions U holds\n"
	"  --json        the numbers as JSON (rates 0 to 1, null when nothing to divide by)\n"
	"  --html FILE   write one self-contained page with every report and its charts\n"
	"                (- for standard output); with --json, the JSON goes to standard output\n",
	run,
};
