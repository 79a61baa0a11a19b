/* crm stage WHO STAGE [--reason T] [--amount N] [--signed D] [--contract-end D] [--date D]: move the deal. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/deal.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/txn.h"

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"reason", required_argument, NULL, 'r'}, {"amount", required_argument, NULL, 'a'},
		{"signed", required_argument, NULL, 's'}, {"contract-end", required_argument, NULL, 'e'},
		{"date", required_argument, NULL, 'd'},   {0},
	};
	crm_stage_args a = {0};
	const char *date = NULL, *sgn = NULL, *end = NULL;
	int c, rc;
	while ((c = cmd_getopt(&cmd_stage, argc, argv, "r:a:s:e:d:", opts)) != -1) {
		switch (c) {
		case 'r': a.reason = optarg; break;
		case 'a': a.amount = optarg; break;
		case 's': sgn = optarg; break;
		case 'e': end = optarg; break;
		case 'd': date = optarg; break;
		default: return 2;
		}
	}
	if (argc - optind < 2)
		return cmd_usage_error(&cmd_stage, "name the customer and the stage (initial, needs, "
					"proposal, negotiation, won or lost)");
	if (argc - optind > 2)
		return cmd_usage_error(&cmd_stage, "unexpected '%s' (quote a reason with spaces)",
				       argv[optind + 2]);
	const char *who = argv[optind];
	a.stage = argv[optind + 1];
	crm_date sd_, ed_;
	a.date = ctx->today;
	if (date && (rc = cmd_parse_date(ctx, date, &a.date, "--date")))
		return rc;
	if (sgn) {
		if ((rc = cmd_parse_date(ctx, sgn, &sd_, "--signed")))
			return rc;
		a.signed_on = &sd_;
	}
	if (end) {
		if ((rc = cmd_parse_date(ctx, end, &ed_, "--contract-end")))
			return rc;
		a.contract_end = &ed_;
	}

	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b)))
		return rc;
	crm_txn *t = NULL;
	crm_record *r;
	const crm_schema *s;
	char *from = NULL, *msg = NULL;
	const char *to = NULL;
	crm_diags sd = {0};
	int e = crm_book_schema(b, &s, &sd);
	if (!e)
		e = crm_txn_begin(&t, b, "stage");
	if (!e)
		e = crm_txn_open(t, who, &r);
	if (!e)
		e = crm_deal_stage(r, s, &a, ctx->today, &from, &to);
	if (e < 0)
		goto fail;
	/* options that belong to another stage are not written: say so */
	if (a.reason && strcmp(to, "lost"))
		cmd_warn("--reason goes with lost only; not written");
	if ((a.amount || a.signed_on || a.contract_end) && strcmp(to, "won"))
		cmd_warn("--amount, --signed and --contract-end go with won only; not written");
	const char *label = crm_schema_label(s, "stage", to, ctx->lang);
	const char *name = crm_record_str(r, "name");
	if (e == 1) {
		cmd_out("%s %s is already in stage %s; nothing changed", r->id, name ? name : "", label);
		rc = 0;
		goto done;
	}
	msg = crm_xasprintf("stage %s: %s -> %s", r->id, *from ? from : "(none)", to);
	if ((e = crm_txn_commit(t, NULL, msg)) < 0)
		goto fail;
	cmd_out("%s %s: %s -> %s", r->id, name ? name : "",
		*from ? crm_schema_label(s, "stage", from, ctx->lang) : "(none)", label);
	rc = 0;
	goto done;
fail:
	cmd_print_diags(&sd);
	if (t)
		cmd_print_diags(&t->diags);
	rc = cmd_fail(e);
done:
	free(from);
	free(msg);
	crm_diags_free(&sd);
	crm_txn_free(t);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_stage = {
	"stage",
	"WHO STAGE [--reason T] [--amount N] [--signed D] [--contract-end D] [--date D]",
	"move the deal to a stage (forward or back); keeps stage_history",
	"  WHO                an id, a unique id prefix, or a unique part of the name\n"
	"  STAGE              initial, needs, proposal, negotiation, won or lost (or a label: 谈判中)\n"
	"  --reason T         why it was lost (required for lost)\n"
	"  --amount N         the deal's amount (required for won)\n"
	"  --signed D         when the contract was signed (won; default: the stage date)\n"
	"  --contract-end D   when the contract ends (won)\n"
	"  --date D           when the deal moved (default: today)\n"
	"Dates: YYYY-MM-DD, today, tomorrow, +3d, +2w (counted from today).\n",
	run,
};
