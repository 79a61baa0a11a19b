/* crm follow WHO --via V --summary TEXT [...]: log a follow-up and what comes next. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/deal.h"
#include "crm/history.h"
#include "crm/query.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/team.h"
#include "crm/txn.h"

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"via", required_argument, NULL, 'v'},       {"summary", required_argument, NULL, 's'},
		{"feedback", required_argument, NULL, 'f'},  {"result", required_argument, NULL, 'r'},
		{"priority", required_argument, NULL, 'p'},  {"next", required_argument, NULL, 'n'},
		{"next-date", required_argument, NULL, 'N'}, {"next-by", required_argument, NULL, 'B'},
		{"date", required_argument, NULL, 'd'},      {"by", required_argument, NULL, 'b'},
		{0},
	};
	crm_follow_args a = {0};
	const char *date = NULL, *next_date = NULL;
	int c;
	while ((c = cmd_getopt(&cmd_follow, argc, argv, "v:s:f:r:p:n:N:B:d:b:", opts)) != -1) {
		switch (c) {
		case 'v': a.via = optarg; break;
		case 's': a.summary = optarg; break;
		case 'f': a.feedback = optarg; break;
		case 'r': a.result = optarg; break;
		case 'p': a.priority = optarg; break;
		case 'n': a.next_action = optarg; break;
		case 'N': next_date = optarg; break;
		case 'B': a.next_by = optarg; break;
		case 'd': date = optarg; break;
		case 'b': a.by = optarg; break;
		default: return 2;
		}
	}
	if (optind >= argc)
		return cmd_usage_error(&cmd_follow, "name the customer (an id, id prefix or part of the name)");
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_follow, "one customer at a time: unexpected '%s'", argv[optind + 1]);
	if (!a.via || !a.summary)
		return cmd_usage_error(&cmd_follow, "--via and --summary are required");
	const char *who = argv[optind];
	a.date = ctx->today;
	crm_date nd;
	int rc;
	if (date && (rc = cmd_parse_date(ctx, date, &a.date, "--date")))
		return rc;
	if (next_date) {
		if ((rc = cmd_parse_date(ctx, next_date, &nd, "--next-date")))
			return rc;
		a.next_date = &nd;
	}

	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b)))
		return rc;
	crm_txn *t = NULL;
	crm_record *r;
	const crm_schema *s;
	const crm_member *me = NULL;
	char *msg = NULL;
	crm_diags sd = {0};
	int e = crm_book_schema(b, &s, &sd);
	if (!e)
		e = crm_txn_begin(&t, b, "follow");
	if (!e)
		e = crm_whoami(&me, b, t->repo);
	if (!e)
		e = crm_txn_open(t, who, &r);
	if (e)
		goto fail;
	if (!a.by)
		a.by = me->id;
	/* someone who left may have follow-ups in history, none on or after the day they left */
	const char *gone = crm_config_left_on(b->config, a.by, a.date);
	if (gone) {
		e = crm_error_set(CRM_EFAIL, "'%s' left the team on %s: a follow-up on or after that day "
				  "was someone else's (give --by)", a.by, gone);
		goto fail;
	}
	if ((e = crm_deal_follow(r, b->config, s, &a, ctx->today)))
		goto fail;
	/* the new follow-up's next action, when it is the open one, may not go to someone gone */
	crm_next nx;
	const crm_node *all = crm_node_get(r->doc->root, "followups");
	if (crm_record_next(r, &nx) && nx.followup == all->n - 1 &&
	    (e = crm_team_refuse_new_work(b->config, r, crm_record_str(r, "owner"), NULL, ctx->today)))
		goto fail;

	/* the follow-up just written is the last item */
	const crm_node *fu = crm_node_get(r->doc->root, "followups");
	const crm_node *f = fu->items[fu->n - 1];
	const char *via = crm_node_str(f, "via");
	const char *summary = crm_node_str(f, "summary");
	size_t line = strcspn(summary, "\n");
	msg = crm_xasprintf("follow %s %s: %.*s", r->id, via, (int)line, summary);
	if ((e = crm_txn_commit(t, me, msg)) < 0)
		goto fail;

	const char *name = crm_record_str(r, "name");
	crm_buf out = CRM_BUF_INIT;
	crm_buf_printf(&out, "logged follow-up of %s %s: %s %s by %s\n", r->id, name ? name : "",
		       crm_node_str(f, "date"), crm_schema_label(s, "followups[].via", via, ctx->lang),
		       crm_node_str(f, "by"));
	const crm_node *next = crm_node_get(f, "next");
	const char *action = crm_node_str(next, "action");
	if (crm_deal_closed(r)) {
		const char *stage = crm_record_str(r, "stage");
		crm_buf_printf(&out, "note: %s is %s, so this follow-up sets no open next action (move the "
			       "deal with 'crm stage %s STAGE' to reopen it)\n", r->id, stage, r->id);
	} else {
		crm_buf_printf(&out, "next: %s by %s on %s (", action && *action ? action : "(no action given)",
			       crm_node_str(next, "by"), crm_node_str(next, "date"));
		long days;
		if (crm_due_days(crm_node_str(next, "date"), ctx->today, &days))
			crm_due_text(&out, days, "en");
		crm_buf_puts(&out, ")\n");
	}
	rc = cmd_write_out(out.ptr, out.len);
	crm_buf_free(&out);
	goto done;
fail:
	cmd_print_diags(&sd);
	if (t)
		cmd_print_diags(&t->diags);
	rc = cmd_fail(e);
done:
	free(msg);
	crm_diags_free(&sd);
	crm_txn_free(t);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_follow = {
	"follow",
	"WHO --via V --summary TEXT [--feedback T] [--result R] [--priority P] [--next ACTION] "
	"[--next-date D] [--next-by U] [--date D] [--by U]",
	"log a follow-up with a customer and the next action",
	"  WHO              an id, a unique id prefix, or a unique part of the name\n"
	"  --via V          phone, visit, onsite, email, meeting, im or other (or a label: 电话沟通)\n"
	"  --summary TEXT   what happened\n"
	"  --feedback T     what the customer said\n"
	"  --result R       progressed, no-change, setback or no-response\n"
	"  --priority P     high, medium (default) or low: sets when the next action is due\n"
	"  --next ACTION    what to do next (default: '')\n"
	"  --next-date D    when (default: the date plus the priority's days in crm.yaml)\n"
	"  --next-by U      who does it (default: the customer's owner)\n"
	"  --date D         when it happened (default: today; never in the future)\n"
	"  --by U           who followed up (default: me)\n"
	"Dates: YYYY-MM-DD, today, tomorrow, +3d, +2w (counted from today).\n",
	run,
};
