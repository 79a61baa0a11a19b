/* crm sync [REMOTE] [--ours|--theirs [WHO...]] [--json]: fetch, merge in process, push. */
#include "cmd.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/history.h"
#include "crm/sync.h"
#include "crm/txn.h"

enum { MAX_ATTEMPTS = 4 }; /* one push and three retries after the remote moved */

/* Run git with argv in the book; its output goes to stderr so stdout stays ours (--json). */
static int run_git(const char *root, const char *const *argv)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(2, 1);
		if (chdir(root) < 0)
			_exit(127);
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int run_fetch(const char *root, const char *remote)
{
	bool tty = isatty(2);
	const char *argv[] = {"git", "fetch", tty ? "--progress" : "--quiet", remote, NULL};
	return run_git(root, argv);
}

static int run_push(const char *root, const char *remote, const char *branch)
{
	bool tty = isatty(2);
	char *spec = crm_xasprintf("HEAD:refs/heads/%s", branch);
	const char *argv[] = {"git", "push", tty ? "--progress" : "--quiet", remote, spec, NULL};
	int rc = run_git(root, argv);
	free(spec);
	return rc;
}

/* The hex id of a reference, "" when missing. */
static void ref_hex(crm_repo *r, const char *ref, char *out)
{
	git_oid oid;
	out[0] = 0;
	if (git_reference_name_to_id(&oid, crm_repo_git(r), ref) == 0)
		git_oid_tostr(out, 41, &oid);
	else
		git_error_clear();
}

static const char *nz(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static void print_conflicts(const crm_sync_result *s, const char *remote)
{
	for (size_t i = 0; i < s->nconflicts; i++) {
		const crm_sync_conflict *c = &s->conflicts[i];
		if (*c->id)
			cmd_out("%s %s (%s): %s", c->id, nz(c->name, "?"), c->path,
				*c->field ? c->field : "deleted on one side, changed on the other");
		else
			cmd_out("%s: %s", c->path, "changed differently on both sides");
		cmd_out("  ours:   %s (%s)", nz(c->ours, "(deleted)"), nz(c->ours_by, "?"));
		cmd_out("  theirs: %s (%s, %s)", nz(c->theirs, "(deleted)"), nz(c->theirs_by, "?"),
			remote);
	}
	cmd_print_diags(&s->invalid);
}

static void json_result(crm_buf *b, const crm_sync_result *s, const char *remote, bool pushed,
			int attempts)
{
	crm_json j;
	crm_json_init(&j, b, true);
	crm_json_begin_object(&j);
	crm_json_key(&j, "remote");
	crm_json_string(&j, remote);
	crm_json_key(&j, "result");
	crm_json_string(&j, !s ? "failed"
			    : s->state == CRM_SYNC_UPTODATE ? "up-to-date"
			    : s->state == CRM_SYNC_FASTFORWARD ? "fast-forward"
			    : s->state == CRM_SYNC_MERGED ? "merged" : "conflict");
	crm_json_key(&j, "head");
	crm_json_string(&j, s ? s->head : "");
	crm_json_key(&j, "changed");
	crm_json_begin_array(&j);
	for (size_t i = 0; s && i < s->nchanged; i++)
		crm_json_string(&j, s->changed[i]);
	crm_json_end_array(&j);
	crm_json_key(&j, "merged");
	crm_json_int(&j, s ? (int64_t)s->nmerged : 0);
	crm_json_key(&j, "renumbered");
	crm_json_begin_array(&j);
	for (size_t i = 0; s && i < s->nrenumbered; i++) {
		const crm_sync_renumber *x = &s->renumbered[i];
		crm_json_begin_object(&j);
		crm_json_key(&j, "from");
		crm_json_string(&j, x->from);
		crm_json_key(&j, "to");
		crm_json_string(&j, x->to);
		crm_json_key(&j, "path");
		crm_json_string(&j, x->path);
		crm_json_key(&j, "name");
		crm_json_string(&j, nz(x->name, ""));
		crm_json_key(&j, "taken_by");
		crm_json_string(&j, nz(x->taken_by, ""));
		crm_json_key(&j, "commit");
		crm_json_string(&j, x->commit);
		crm_json_end_object(&j);
	}
	crm_json_end_array(&j);
	crm_json_key(&j, "conflicts");
	crm_json_begin_array(&j);
	for (size_t i = 0; s && i < s->nconflicts; i++) {
		const crm_sync_conflict *c = &s->conflicts[i];
		crm_json_begin_object(&j);
		crm_json_key(&j, "path");
		crm_json_string(&j, c->path);
		crm_json_key(&j, "id");
		crm_json_string(&j, c->id);
		crm_json_key(&j, "name");
		c->name ? crm_json_string(&j, c->name) : crm_json_null(&j);
		crm_json_key(&j, "field");
		crm_json_string(&j, c->field);
		crm_json_key(&j, "ours");
		c->ours ? crm_json_string(&j, c->ours) : crm_json_null(&j);
		crm_json_key(&j, "ours_by");
		c->ours_by ? crm_json_string(&j, c->ours_by) : crm_json_null(&j);
		crm_json_key(&j, "theirs");
		c->theirs ? crm_json_string(&j, c->theirs) : crm_json_null(&j);
		crm_json_key(&j, "theirs_by");
		c->theirs_by ? crm_json_string(&j, c->theirs_by) : crm_json_null(&j);
		crm_json_end_object(&j);
	}
	crm_json_end_array(&j);
	crm_json_key(&j, "pushed");
	crm_json_bool(&j, pushed);
	crm_json_key(&j, "attempts");
	crm_json_int(&j, attempts);
	crm_json_end_object(&j);
}

/* Records (or crm.yaml, schema) changed and not committed: a merge would mix them in. */
static int refuse_uncommitted(crm_repo *repo)
{
	crm_change *v = NULL;
	size_t n = 0;
	int rc = crm_repo_changes(repo, "", &v, &n);
	if (rc < 0)
		return rc;
	size_t bad = 0;
	const char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *p = v[i].path;
		if (crm_is_record_path(p) || !strcmp(p, "crm.yaml") || !strncmp(p, "schema/", 7) ||
		    !strcmp(p, ".gitattributes") || v[i].status != 'A') {
			if (!bad++)
				first = p;
		}
	}
	if (bad)
		rc = crm_error_set(CRM_EFAIL, "%zu file%s changed and not committed (%s%s); nothing "
					      "synced: run 'crm commit' first (or 'git commit' for files "
					      "that are not records)", bad, bad == 1 ? " is" : "s are", first,
				   bad > 1 ? ", ..." : "");
	crm_changes_free(v, n);
	return rc;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	const char *remote = NULL;
	bool json = false;
	char mode = 0, rest = 0;
	const char **ours = crm_xcalloc((size_t)argc + 1, sizeof *ours);
	const char **theirs = crm_xcalloc((size_t)argc + 1, sizeof *theirs);
	size_t nours = 0, ntheirs = 0;
	bool saw_ours = false, saw_theirs = false;
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--ours") || !strcmp(a, "--theirs")) {
			char m = a[2];
			if ((m == 'o' && saw_ours) || (m == 't' && saw_theirs)) {
				rc = cmd_usage_error(&cmd_sync, "%s is given twice", a);
				goto out;
			}
			if (m == 'o')
				saw_ours = true;
			else
				saw_theirs = true;
			mode = m;
		} else if (a[0] == '-' && a[1]) {
			rc = cmd_usage_error(&cmd_sync, "unknown option '%s'", a);
			goto out;
		} else if (mode == 'o') {
			ours[nours++] = a;
		} else if (mode == 't') {
			theirs[ntheirs++] = a;
		} else if (!remote) {
			remote = a;
		} else {
			rc = cmd_usage_error(&cmd_sync, "unexpected argument '%s' (customers to settle "
							"go after --ours or --theirs)", a);
			goto out;
		}
	}
	/* a side given without names settles every conflict the other does not name */
	if (saw_ours && !nours && saw_theirs && !ntheirs) {
		rc = cmd_usage_error(&cmd_sync, "--ours and --theirs without customers contradict "
						"each other; name the customers for one of them");
		goto out;
	}
	if (saw_ours && !nours)
		rest = 'o';
	if (saw_theirs && !ntheirs)
		rest = 't';

	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b)))
		goto out;
	crm_repo *repo = NULL;
	const crm_member *me = NULL;
	crm_sync_result *s = NULL;
	char *email = NULL, *cfg_remote = NULL, *remote_ref = NULL, *label = NULL;
	const char *branch = NULL;
	git_reference *head = NULL;
	bool pushed = false;
	int attempts = 0;
	int e = crm_repo_open(&repo, b->root);
	if (!e)
		e = crm_whoami(&me, b, repo);
	if (!e)
		e = crm_book_lock(b, "sync");
	if (!e)
		e = refuse_uncommitted(repo);
	if (!e && git_reference_lookup(&head, crm_repo_git(repo), "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    !strncmp(git_reference_symbolic_target(head), "refs/heads/", 11))
		branch = git_reference_symbolic_target(head) + 11;
	else if (!e)
		e = crm_error_set(CRM_EFAIL, "HEAD is not on a branch; check out the book's branch "
					     "('git switch main') and sync again");
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	if (!remote) {
		char *key = crm_xasprintf("branch.%s.remote", branch);
		crm_repo_config_get(repo, key, &cfg_remote);
		crm_error_clear();
		free(key);
		remote = cfg_remote ? cfg_remote : "origin";
	}
	remote_ref = crm_xasprintf("refs/remotes/%s/%s", remote, branch);
	label = crm_xasprintf("%s/%s", remote, branch);
	if (me->email && *me->email) {
		email = crm_xstrdup(me->email);
	} else {
		char *gitname = NULL;
		crm_repo_identity(repo, &gitname, &email);
		free(gitname);
		if (!email)
			email = crm_xasprintf("%s@crm", me->id);
	}
	crm_sync_opts o = {.remote_ref = remote_ref, .remote = label, .name = me->name,
			   .email = email, .rest = rest, .ours_who = ours, .nours = nours,
			   .theirs_who = theirs, .ntheirs = ntheirs};
	for (attempts = 1; attempts <= MAX_ATTEMPTS; attempts++) {
		if (run_fetch(b->root, remote) != 0) {
			rc = cmd_error("cannot fetch from '%s' (git's message is above); nothing "
				       "changed: check the remote ('git remote -v') and the network",
				       remote);
			goto done;
		}
		crm_sync_result_free(s);
		s = NULL;
		if ((e = crm_sync_merge(&s, b, repo, &o)) < 0) {
			rc = cmd_fail(e);
			goto done;
		}
		if (s->state == CRM_SYNC_CONFLICT)
			break;
		char theirs_hex[41];
		ref_hex(repo, remote_ref, theirs_hex);
		if (!strcmp(theirs_hex, s->head))
			break; /* the remote has all we have */
		if (run_push(b->root, remote, branch) == 0) {
			pushed = true;
			break;
		}
		/* refused: retry only when the remote moved meanwhile */
		if (run_fetch(b->root, remote) != 0) {
			rc = cmd_error("cannot fetch from '%s' after a refused push", remote);
			goto done;
		}
		char now[41];
		ref_hex(repo, remote_ref, now);
		if (!strcmp(now, theirs_hex)) {
			rc = cmd_error("'git push %s' failed (git's message is above); the merge is "
				       "committed here: fix the problem and run 'crm sync' again", remote);
			goto done;
		}
	}
	if (attempts > MAX_ATTEMPTS) {
		attempts = MAX_ATTEMPTS;
		rc = cmd_error("'%s' kept moving: %d pushes were refused; the merge is committed "
			       "here: run 'crm sync' again", remote, MAX_ATTEMPTS);
		goto done;
	}
	if (s->state == CRM_SYNC_CONFLICT) {
		if (json) {
			crm_buf out = CRM_BUF_INIT;
			json_result(&out, s, label, false, attempts);
			cmd_print_json(&out);
			crm_buf_free(&out);
		} else {
			print_conflicts(s, label);
		}
		if (s->nconflicts)
			cmd_error("%zu conflict%s with %s; nothing was changed. Settle them with 'crm "
				  "sync --ours' (keep ours) or 'crm sync --theirs' (take %s's), or per "
				  "customer: 'crm sync --ours WHO... --theirs' (the rest theirs)",
				  s->nconflicts, s->nconflicts == 1 ? "" : "s", label, remote);
		else
			cmd_error("the merge with %s makes records that do not validate (listed "
				  "above); nothing was changed: fix them on one side and sync again",
				  label);
		rc = 1;
		goto done;
	}
	if (json) {
		crm_buf out = CRM_BUF_INIT;
		json_result(&out, s, label, pushed, attempts);
		rc = cmd_print_json(&out);
		crm_buf_free(&out);
		goto done;
	}
	for (size_t i = 0; i < s->nrenumbered; i++) {
		const crm_sync_renumber *x = &s->renumbered[i];
		cmd_out("renumbered %s -> %s (%s): id taken by %s on %s", x->from, x->to,
			nz(x->name, "?"), nz(x->taken_by, "another customer"), label);
	}
	if (s->state == CRM_SYNC_UPTODATE)
		cmd_out("%s", pushed ? "pushed" : "already up to date");
	else
		cmd_out("%s %s: %zu file%s changed, %zu merged from both sides%s",
			s->state == CRM_SYNC_MERGED ? "merged" : "fast-forwarded to", label,
			s->nchanged, s->nchanged == 1 ? "" : "s", s->nmerged,
			pushed ? "; pushed" : "");
	if (attempts > 1)
		cmd_note("%s moved while pushing; merged again (%d attempts)", remote, attempts);
done:
	git_reference_free(head);
	crm_sync_result_free(s);
	free(email);
	free(cfg_remote);
	free(remote_ref);
	free(label);
	crm_repo_free(repo);
	crm_book_unlock(b);
	crm_book_free(b);
out:
	free(ours);
	free(theirs);
	return rc;
}

const crm_cmd cmd_sync = {
	"sync", "[REMOTE] [--ours [WHO...]] [--theirs [WHO...]] [--json]",
	"fetch, merge record by record, push",
	"  REMOTE              the remote (default: the branch's, else origin)\n"
	"  --ours [WHO...]     settle conflicts keeping our values (of the customers named;\n"
	"                      without names, every conflict not named by --theirs)\n"
	"  --theirs [WHO...]   settle conflicts taking the remote's values, likewise\n"
	"  --json              report what was merged, renumbered and pushed as JSON\n"
	"\n"
	"Runs 'git fetch', merges in process field by field, validates, commits the\n"
	"merge and runs 'git push'. A conflict changes nothing and lists each field\n"
	"with both values; 'crm sync --ours A --theirs' then keeps ours for A and\n"
	"theirs for the rest. With names only (--ours A), every other conflicting\n"
	"record must be settled too, or nothing is changed.\n",
	run,
};
