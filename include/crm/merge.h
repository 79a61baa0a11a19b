#ifndef CRM_MERGE_H
#define CRM_MERGE_H
/*
 * Merging two versions of a file against their common base, as git calls a
 * merge driver. For now this is git's own line merge (libgit2's xdiff
 * merge, the same as `git merge-file`); merging records field by field, as
 * SPEC §6 asks, is the next step and will replace it for records.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/buf.h"

/*
 * Merge `ours` and `theirs` against `base` (each len bytes, not
 * NUL-terminated) into `out` (appended). Conflicting hunks are written
 * between <<<<<<< ours / ======= / >>>>>>> theirs markers and *conflicted
 * is set. `path` names the file in the markers. Returns 0 or CRM_EFAIL.
 */
int crm_merge_text(crm_buf *out, bool *conflicted, const char *path, const char *base,
		   size_t base_len, const char *ours, size_t ours_len, const char *theirs,
		   size_t theirs_len);

#endif
