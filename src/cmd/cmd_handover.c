/* crm handover --from U --to V [WHO...] [--brief FILE] [--leaving]: give a rep's customers to a colleague. */
#include "cmd.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/handover.h"
#include "crm/history.h"
#include "crm/schema.h"
#include "crm/team.h"
#include "crm/txn.h"

/* The folder of FILE must take a new file; checked before the commit, so that a
 * brief that cannot be written stops the handover instead of following it. */
static int brief_writable(const char *file)
{
	char *copy = crm_xstrdup(file);
	const char *dir = dirname(copy);
	int ok = access(dir, W_OK | X_OK) == 0;
	int err = errno;
	if (!ok)
		cmd_error("cannot write the brief to %s: %s (choose another --brief FILE); nothing written",
			  file, strerror(err));
	free(copy);
	return ok ? 0 : 1;
}

/* crm.yaml as committed: --leaving commits it, and must not take hand edits along. */
static int config_committed(crm_txn *t, const char *text, size_t len)
{
	char *head = NULL;
	size_t hl = 0;
	int rc = crm_repo_read_head(t->repo, "crm.yaml", &head, &hl);
	bool same = rc == 0 && hl == len && memcmp(head, text, len) == 0;
	free(head);
	if (!same)
		return crm_error_set(CRM_EFAIL, "crm.yaml has changes that are not committed; commit them "
				     "(git commit crm.yaml) or undo them, then run the handover again");
	return 0;
}

/* Mark `from` as gone today in crm.yaml, as part of the transaction. */
static int mark_leaving(crm_txn *t, crm_book *b, const char *from, crm_date today)
{
	char *path = crm_book_abs(b, "crm.yaml");
	crm_doc *doc = NULL;
	crm_diags d = {0};
	int rc = crm_doc_load(&doc, path, &d);
	free(path);
	crm_diags_free(&d);
	if (!rc)
		rc = config_committed(t, doc->src, doc->len);
	if (!rc)
		rc = crm_team_mark_left(&doc, from, today);
	if (!rc)
		rc = crm_txn_put(t, "crm.yaml", doc->src, doc->len);
	crm_doc_free(doc);
	return rc;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
		{"brief", required_argument, NULL, 'b'}, {"leaving", no_argument, NULL, 'l'},
		{0},
	};
	const char *from = NULL, *to = NULL, *file = NULL;
	bool leaving = false;
	int c;
	while ((c = cmd_getopt(&cmd_handover, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'b': file = optarg; break;
		case 'l': leaving = true; break;
		default: return 2;
		}
	}
	if (!from || !to)
		return cmd_usage_error(&cmd_handover, "--from and --to are required (team ids)");
	int nwho = argc - optind;
	if (leaving && nwho)
		return cmd_usage_error(&cmd_handover, "--leaving hands over all of %s's customers: name "
				       "no customers with it", from);
	if (file && !*file)
		return cmd_usage_error(&cmd_handover, "--brief needs a file name");

	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	const crm_config *cfg = b->config;
	if (!crm_config_member(cfg, from) || !crm_config_member(cfg, to)) {
		char *team = crm_config_team_list(cfg);
		rc = cmd_error("'%s' is not in the team of crm.yaml (team: %s)",
			       crm_config_member(cfg, from) ? to : from, team);
		free(team);
		crm_book_free(b);
		return rc;
	}
	if (!strcmp(from, to)) {
		crm_book_free(b);
		return cmd_error("--from and --to are both '%s': hand the customers to someone else", from);
	}
	const char *gone = crm_config_left_on(cfg, to, ctx->today);
	if (gone) {
		rc = cmd_error("'%s' left the team on %s and can be given no customer; hand over to "
			       "someone still in the team", to, gone);
		crm_book_free(b);
		return rc;
	}
	if (file && (rc = brief_writable(file))) {
		crm_book_free(b);
		return rc;
	}

	crm_txn *t = NULL;
	const crm_schema *s;
	const crm_member *me = NULL;
	crm_diags sd = {0};
	crm_record **mine = NULL, **others = NULL;
	size_t nmine = 0, nothers = 0, nnext = 0;
	char *msg = NULL;
	crm_buf brief = CRM_BUF_INIT;
	int e = crm_book_schema(b, &s, &sd);
	if (!e)
		e = crm_txn_begin(&t, b, "handover");
	if (!e)
		e = crm_whoami(&me, b, t->repo);
	if (e)
		goto fail;
	mine = crm_xcalloc((size_t)nwho + 1, sizeof *mine);
	for (int i = 0; i < nwho; i++) {
		crm_record *r;
		if ((e = crm_txn_open(t, argv[optind + i], &r)))
			goto fail;
		bool twice = false;
		for (size_t k = 0; k < nmine; k++)
			twice |= !strcmp(mine[k]->path, r->path);
		if (twice)
			continue; /* named twice: the second copy stays unchanged and is not written */
		const char *owner = crm_record_str(r, "owner");
		if (!owner || strcmp(owner, from)) {
			e = crm_error_set(CRM_EFAIL, "%s (%s) is owned by %s, not %s: name only %s's customers; "
					  "nothing written", r->id, crm_record_str(r, "name") ?
					  crm_record_str(r, "name") : "", owner ? owner : "nobody", from, from);
			goto fail;
		}
		mine[nmine++] = r;
	}
	if (!nwho) {
		/* all of from's customers, and their open next actions on colleagues' customers */
		if ((e = crm_txn_scan(t)))
			goto fail;
		for (size_t i = 0; i < t->nentries; i++) {
			crm_record *r = NULL;
			crm_diags d = {0};
			if (t->entries[i].symlink ||
			    crm_record_load(&r, b, &t->entries[i], &d) != 0) {
				cmd_warn("%s cannot be read, so it is not handed over; fix it and run the "
					 "handover again", t->entries[i].path);
				crm_diags_free(&d);
				continue;
			}
			crm_diags_free(&d);
			const char *owner = crm_record_str(r, "owner");
			crm_next nx;
			bool own = owner && !strcmp(owner, from);
			bool holds = crm_record_next(r, &nx) && nx.by && !strcmp(nx.by, from);
			if (!own && !holds) {
				crm_record_free(r);
				continue;
			}
			crm_txn_keep(t, r);
			if (own) {
				mine = crm_xrealloc(mine, (nmine + 1) * sizeof *mine);
				mine[nmine++] = r;
			} else {
				others = crm_xrealloc(others, (nothers + 1) * sizeof *others);
				others[nothers++] = r;
			}
		}
	}
	for (size_t i = 0; i < nmine + nothers; i++) {
		crm_record *r = i < nmine ? mine[i] : others[i - nmine];
		int moved = 0;
		if ((e = crm_handover_record(r, from, to, &moved)))
			goto fail;
		nnext += (moved & CRM_HANDOVER_NEXT) && i >= nmine;
	}
	const char *left_before = NULL;
	if (leaving) {
		const crm_member *m = crm_config_member(cfg, from);
		left_before = m->left;
		if (!left_before && (e = mark_leaving(t, b, from, ctx->today)))
			goto fail;
	}
	if (!nmine && !nothers && (!leaving || left_before)) {
		e = crm_error_set(CRM_EFAIL, "%s owns no customers and holds no open next actions: nothing "
				  "to hand over", from);
		goto fail;
	}

	crm_brief_opts bo = {cfg, s, ctx->lang, ctx->today, from, to, 5};
	crm_brief_write(&brief, &bo, mine, nmine, others, nothers);
	crm_buf m = CRM_BUF_INIT;
	crm_buf_printf(&m, "handover %s -> %s: %zu customer%s", from, to, nmine, nmine == 1 ? "" : "s");
	if (nnext)
		crm_buf_printf(&m, ", %zu next action%s on colleagues' customers", nnext,
			       nnext == 1 ? "" : "s");
	if (leaving && !left_before) {
		char d[CRM_DATE_STRLEN];
		crm_date_format(ctx->today, d);
		crm_buf_printf(&m, "; %s left %s", from, d);
	}
	msg = crm_buf_detach(&m);
	if ((e = crm_txn_commit(t, me, msg)) < 0)
		goto fail;
	if (e == 1) {
		e = crm_error_set(CRM_EFAIL, "nothing changed: nothing to hand over");
		goto fail;
	}
	if (leaving && left_before)
		cmd_note("%s left the team on %s already; crm.yaml stays as it is", from, left_before);
	if (file) {
		if (crm_write_atomic(file, brief.ptr, brief.len) != 0) {
			/* the commit stands: give the brief on stdout rather than lose it */
			rc = cmd_error("%s; the handover is committed, and the brief follows on standard "
				       "output", crm_error_last());
			cmd_write_out(brief.ptr, brief.len);
			goto done;
		}
		printf("%s; brief in %s\n", msg, file);
		rc = 0;
	} else {
		cmd_note("%s", msg);
		rc = cmd_write_out(brief.ptr, brief.len);
	}
	goto done;
fail:
	cmd_print_diags(&sd);
	if (t)
		cmd_print_diags(&t->diags);
	rc = cmd_fail(e);
done:
	crm_buf_free(&brief);
	free(msg);
	free(mine);
	free(others);
	crm_diags_free(&sd);
	crm_txn_free(t);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_handover = {
	"handover",
	"--from U --to V [WHO...] [--brief FILE] [--leaving]",
	"give a rep's customers to a colleague in one commit, with a brief to work from",
	"  --from U       the team id who hands over\n"
	"  --to V         the team id who takes over (still in the team)\n"
	"  WHO...         only these customers (ids, id prefixes or parts of names), each owned\n"
	"                 by U; without them, all of U's customers, and U's open next actions\n"
	"                 on colleagues' customers\n"
	"  --brief FILE   write the handover brief (Markdown) to FILE instead of standard output;\n"
	"                 it is never committed\n"
	"  --leaving      U leaves the team: also write 'left: TODAY' for U in crm.yaml, in the\n"
	"                 same commit (not with WHO)\n"
	"Owners change from U to V, and open next actions held by U move to V; won and lost\n"
	"customers change owner only. Nothing else in the records changes.\n",
	run,
};
