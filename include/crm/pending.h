#ifndef CRM_PENDING_H
#define CRM_PENDING_H
/*
 * Records edited by hand and not committed yet (`crm status`, `crm commit`):
 * the record files under customers/ whose working-tree state differs from
 * HEAD, whatever the index says, each checked as `crm validate` would.
 */
#include <stddef.h>

#include "crm/book.h"
#include "crm/error.h"

struct crm_repo;

/* One record changed by hand. */
typedef struct {
	char *path;      /* book-relative: customers/2024/05/202405001.yaml */
	char *id;        /* the file name without .yaml */
	char status;     /* 'M' modified, 'A' new (untracked or added), 'D' deleted */
	crm_diags diags; /* its problems (errors and warnings); none for a deleted one */
	size_t errors;   /* how many of diags are errors: 0 means it may be committed */
} crm_pending;

/*
 * The changed records of book `b` in `repo` (crm_repo_changes under
 * customers/, keeping only record files: *.yaml whose name does not start
 * with '.'), sorted by path. Each existing one is read and checked
 * (crm_record_check: YAML, schema, file name = id, team ids); a new one is
 * also refused when another record of the book has the same id. *out
 * receives *n entries that the caller frees with crm_pending_free.
 */
int crm_pending_scan(crm_pending **out, size_t *n, crm_book *b, struct crm_repo *repo);
void crm_pending_free(crm_pending *v, size_t n);

#endif
