#include "crm/staged.h"
#include "crm/book.h"
#include "crm/buf.h"
#include "crm/error.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

int crm_repo_staged(crm_repo *r, crm_staged **out, size_t *n)
{
	git_repository *repo = crm_repo_git(r);
	git_index *index = NULL;
	git_tree *head = NULL;
	git_object *obj = NULL;
	crm_staged *v = NULL;
	size_t nv = 0;
	int rc = 0;
	*out = NULL;
	*n = 0;
	/* a hook under `git commit -a` or `git commit FILE` sees a temporary index */
	const char *alt = getenv("GIT_INDEX_FILE");
	int err = alt && *alt ? git_index_open(&index, alt) : git_repository_index(&index, repo);
	if (err < 0) {
		const git_error *e = git_error_last();
		return crm_error_set(CRM_EIO, "cannot read the git index: %s", e ? e->message : "?");
	}
	if (git_revparse_single(&obj, repo, "HEAD^{tree}") == 0)
		head = (git_tree *)obj;
	size_t count = git_index_entrycount(index);
	for (size_t i = 0; i < count; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		if (!e || git_index_entry_stage(e) != 0 || !crm_is_record_path(e->path))
			continue;
		git_tree_entry *te = NULL;
		int same = head && git_tree_entry_bypath(&te, head, e->path) == 0 &&
			   git_oid_equal(git_tree_entry_id(te), &e->id);
		git_tree_entry_free(te);
		if (same)
			continue;
		git_blob *blob = NULL;
		if (git_blob_lookup(&blob, repo, &e->id) < 0) {
			rc = crm_error_set(CRM_EIO, "cannot read the staged %s", e->path);
			break;
		}
		v = crm_xrealloc(v, (nv + 1) * sizeof *v);
		v[nv].path = crm_xstrdup(e->path);
		v[nv].len = (size_t)git_blob_rawsize(blob);
		v[nv].content = crm_xstrndup(git_blob_rawcontent(blob), v[nv].len);
		nv++;
		git_blob_free(blob);
	}
	git_tree_free(head);
	git_index_free(index);
	if (rc) {
		crm_staged_free(v, nv);
		return rc;
	}
	*out = v;
	*n = nv;
	return 0;
}

void crm_staged_free(crm_staged *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].content);
	}
	free(v);
}

int crm_repo_staged_links(crm_repo *r, char ***out, size_t *n)
{
	git_repository *repo = crm_repo_git(r);
	git_index *index = NULL;
	git_object *obj = NULL;
	git_tree *head = NULL;
	char **v = NULL;
	size_t nv = 0;
	*out = NULL;
	*n = 0;
	const char *alt = getenv("GIT_INDEX_FILE");
	int err = alt && *alt ? git_index_open(&index, alt) : git_repository_index(&index, repo);
	if (err < 0) {
		const git_error *e = git_error_last();
		return crm_error_set(CRM_EIO, "cannot read the git index: %s", e ? e->message : "?");
	}
	if (git_revparse_single(&obj, repo, "HEAD^{tree}") == 0)
		head = (git_tree *)obj;
	size_t count = git_index_entrycount(index);
	for (size_t i = 0; i < count; i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);
		if (!e || git_index_entry_stage(e) != 0 || e->mode != GIT_FILEMODE_LINK ||
		    (strcmp(e->path, "customers") && strncmp(e->path, "customers/", 10)))
			continue;
		git_tree_entry *te = NULL;
		int same = head && git_tree_entry_bypath(&te, head, e->path) == 0 &&
			   git_tree_entry_filemode(te) == GIT_FILEMODE_LINK &&
			   git_oid_equal(git_tree_entry_id(te), &e->id);
		git_tree_entry_free(te);
		if (same)
			continue;
		v = crm_xrealloc(v, (nv + 1) * sizeof *v);
		v[nv++] = crm_xstrdup(e->path);
	}
	git_tree_free(head);
	git_index_free(index);
	*out = v;
	*n = nv;
	return 0;
}
