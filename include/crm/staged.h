#ifndef CRM_STAGED_H
#define CRM_STAGED_H
/*
 * The records a plain `git commit` is about to take: what is staged in the
 * index, not what is in the working tree, since the two may differ. Used by
 * `crm validate --staged`, which the pre-commit hook runs.
 */
#include <stddef.h>

#include "crm/history.h"

typedef struct {
	char *path;    /* book-relative, under customers/ */
	char *content; /* the staged bytes */
	size_t len;
} crm_staged;

/*
 * Index entries under customers/ named *.yaml (no part starting with '.')
 * whose staged blob differs from HEAD's (added or modified). The index is
 * $GIT_INDEX_FILE when set (git sets it for hooks), else the repository's.
 * Caller frees
 * with crm_staged_free.
 */
int crm_repo_staged(crm_repo *r, crm_staged **out, size_t *n);
void crm_staged_free(crm_staged *v, size_t n);

/*
 * Symbolic links staged (added or changed against HEAD) at customers/ or
 * under it: a link there leads records out of the book. Same index as
 * crm_repo_staged. Caller frees each path and the array.
 */
int crm_repo_staged_links(crm_repo *r, char ***out, size_t *n);

#endif
