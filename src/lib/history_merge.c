/* Commit machinery for merges: a commit of any tree with any parents, and a guarded move of HEAD. */
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/error.h"
#include "crm/history.h"

static const char *gitmsg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown libgit2 error";
}

int crm_repo_commit_tree(crm_repo *r, const char *tree, const char *const *parents,
			 size_t nparents, const char *name, const char *email, const char *message,
			 char *out_oid)
{
	git_repository *repo = crm_repo_git(r);
	git_signature *author = NULL, *committer = NULL;
	git_tree *t = NULL;
	git_commit **pc = crm_xcalloc(nparents ? nparents : 1, sizeof *pc);
	git_buf msg = {0};
	git_oid oid;
	int rc = 0;
	if ((rc = crm_repo_signature(&author, name, email, "GIT_AUTHOR_DATE")) < 0 ||
	    (rc = crm_repo_signature(&committer, name, email, "GIT_COMMITTER_DATE")) < 0)
		goto done;
	if (git_oid_fromstr(&oid, tree) < 0 || git_tree_lookup(&t, repo, &oid) < 0) {
		rc = crm_error_set(CRM_EFAIL, "cannot read tree %s: %s", tree, gitmsg());
		goto done;
	}
	for (size_t i = 0; i < nparents; i++) {
		if (git_oid_fromstr(&oid, parents[i]) < 0 || git_commit_lookup(&pc[i], repo, &oid) < 0) {
			rc = crm_error_set(CRM_EFAIL, "cannot read commit %s: %s", parents[i], gitmsg());
			goto done;
		}
	}
	if (git_message_prettify(&msg, message, 0, 0) < 0 || !msg.size) {
		rc = crm_error_set(CRM_EUSAGE, "empty commit message");
		goto done;
	}
	if (git_commit_create(&oid, repo, NULL, author, committer, NULL, msg.ptr, t, nparents,
			      (const git_commit **)pc) < 0) {
		rc = crm_error_set(CRM_EFAIL, "cannot write the commit: %s", gitmsg());
		goto done;
	}
	if (out_oid)
		git_oid_tostr(out_oid, 41, &oid);
done:
	for (size_t i = 0; i < nparents; i++)
		git_commit_free(pc[i]);
	free(pc);
	git_buf_dispose(&msg);
	git_tree_free(t);
	git_signature_free(author);
	git_signature_free(committer);
	return rc;
}

int crm_repo_move_head(crm_repo *r, const char *expect, const char *oid, const char *reflog)
{
	git_repository *repo = crm_repo_git(r);
	git_reference *head = NULL, *out = NULL;
	git_oid want, cur;
	int rc = 0;
	if (git_reference_lookup(&head, repo, "HEAD") < 0)
		return crm_error_set(CRM_EFAIL, "cannot read HEAD: %s", gitmsg());
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		git_reference_free(head);
		return crm_error_set(CRM_EFAIL, "HEAD is detached; check out a branch first");
	}
	if (git_oid_fromstr(&want, oid) < 0 || git_oid_fromstr(&cur, expect) < 0) {
		git_reference_free(head);
		return crm_error_set(CRM_EFAIL, "bad commit id");
	}
	int e = git_reference_create_matching(&out, repo, git_reference_symbolic_target(head), &want,
					      1, &cur, reflog);
	if (e == GIT_EMODIFIED)
		rc = crm_error_set(CRM_ECONFLICT, "the branch moved while syncing; run crm sync again");
	else if (e == GIT_ELOCKED)
		rc = crm_error_set(CRM_ELOCKED, "the branch is locked by another git; try again");
	else if (e < 0)
		rc = crm_error_set(CRM_EFAIL, "cannot move the branch: %s", gitmsg());
	git_reference_free(out);
	git_reference_free(head);
	return rc;
}
