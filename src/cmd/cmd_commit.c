/* crm commit [-m MSG]: validate and commit the records edited by hand. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/history.h"
#include "crm/journal.h"
#include "crm/pending.h"
#include "crm/record.h"
#include "crm/txn.h"

/* The customer's name in the file, or at HEAD for a deleted one; NULL when unknown. */
static char *record_name(crm_book *b, crm_repo *repo, const crm_pending *p)
{
	char *name = NULL;
	if (p->status != 'D') {
		crm_entry e = {p->path, p->id, false};
		crm_record *r;
		if (crm_record_load(&r, b, &e, NULL) == 0) {
			const char *s = crm_record_str(r, "name");
			name = s ? crm_xstrdup(s) : NULL;
			crm_record_free(r);
		}
	} else {
		char *text;
		size_t len;
		crm_doc *doc;
		if (crm_repo_read_head(repo, p->path, &text, &len) == 0) {
			if (crm_doc_parse(&doc, p->path, text, len, NULL) == 0) {
				const char *s = crm_node_str(doc->root, "name");
				name = s ? crm_xstrdup(s) : NULL;
				crm_doc_free(doc);
			}
			free(text);
		}
	}
	crm_error_clear();
	return name;
}

/* `edit ID: NAME` for one record, `edit: ID, ID2` for several. */
static char *default_message(crm_book *b, crm_repo *repo, const crm_pending *v, size_t n)
{
	crm_buf m = CRM_BUF_INIT;
	if (n == 1) {
		char *name = record_name(b, repo, &v[0]);
		crm_buf_printf(&m, "edit %s", v[0].id);
		if (name && *name)
			crm_buf_printf(&m, ": %s", name);
		free(name);
		return crm_buf_detach(&m);
	}
	crm_buf_puts(&m, "edit:");
	for (size_t i = 0; i < n; i++) {
		if (i == 20) {
			crm_buf_printf(&m, " and %zu more", n - i);
			break;
		}
		crm_buf_printf(&m, "%s %s", i ? "," : "", v[i].id);
	}
	return crm_buf_detach(&m);
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"message", required_argument, NULL, 'm'}, {0}};
	const char *message = NULL;
	int c;
	while ((c = cmd_getopt(&cmd_commit, argc, argv, "m:", opts)) != -1) {
		if (c == '?')
			return 2;
		if (c == 'm')
			message = optarg;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_commit, "unexpected argument '%s' (crm commit takes every "
						    "record changed by hand)", argv[optind]);
	if (message && !message[strspn(message, " \t\n")])
		return cmd_usage_error(&cmd_commit, "the message given with -m is empty");
	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	crm_repo *repo = NULL;
	crm_pending *v = NULL;
	size_t n = 0;
	const crm_member *me = NULL;
	char *msg = NULL, *email = NULL;
	const char **paths = NULL;
	int e = crm_repo_open(&repo, b->root);
	if (!e)
		e = crm_whoami(&me, b, repo);
	/* from checking to committing, no other crm may change a record */
	if (!e)
		e = crm_book_lock(b, "commit");
	bool recovered; /* a change cut short by a killed crm is no hand edit */
	if (!e)
		e = crm_journal_recover(b, repo, &recovered);
	if (!e)
		e = crm_pending_scan(&v, &n, b, repo);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	if (!n) {
		cmd_note("nothing to commit: no record was changed by hand");
		goto done;
	}
	size_t invalid = 0;
	for (size_t i = 0; i < n; i++) {
		cmd_print_diags(&v[i].diags);
		invalid += v[i].errors > 0;
	}
	if (invalid) {
		rc = cmd_error("%zu of %zu changed record%s invalid; nothing committed (fix %s, then "
			       "run 'crm commit' again; 'crm status' lists the problems)", invalid, n,
			       n == 1 ? " is" : "s are", invalid == 1 ? "it" : "them");
		goto done;
	}
	msg = message ? crm_xstrdup(message) : default_message(b, repo, v, n);
	paths = crm_xcalloc(n, sizeof *paths);
	for (size_t i = 0; i < n; i++)
		paths[i] = v[i].path;
	if (me->email && *me->email) {
		email = crm_xstrdup(me->email);
	} else {
		char *gitname = NULL;
		crm_repo_identity(repo, &gitname, &email);
		free(gitname);
		if (!email)
			email = crm_xasprintf("%s@crm", me->id);
	}
	char oid[41] = "";
	e = crm_repo_commit(repo, paths, n, me->name, email, msg, oid);
	if (e < 0) {
		rc = cmd_fail(e);
		goto done;
	}
	if (e == CRM_COMMIT_NOTHING) {
		cmd_note("nothing to commit: the records are as in the last commit");
		goto done;
	}
	if (e == CRM_COMMIT_INDEX_STALE)
		cmd_warn("%s", crm_error_last());
	cmd_note("committed %zu record%s as %.7s: %s", n, n == 1 ? "" : "s", oid, msg);
done:
	free(paths);
	free(email);
	free(msg);
	crm_pending_free(v, n);
	crm_repo_free(repo);
	crm_book_unlock(b);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_commit = {
	"commit", "[-m MSG]", "validate and commit the records edited by hand",
	"  -m, --message MSG   the commit message (default: 'edit ID: NAME' for one\n"
	"                      record, 'edit: ID, ID2, ...' for several)\n"
	"\n"
	"Commits every record file under customers/ that differs from the last commit\n"
	"(changed, new or deleted; see 'crm status'), and nothing else, whatever is\n"
	"staged. Refuses, committing nothing, while any of them is invalid.\n",
	run,
};
