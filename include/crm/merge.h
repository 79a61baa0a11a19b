#ifndef CRM_MERGE_H
#define CRM_MERGE_H
/*
 * Merging two versions of a file against their common base, as git calls a
 * merge driver. For now this is git's own line merge (libgit2's xdiff
 * merge, the same as `git merge-file`). Records merge field by field
 * (recmerge.h), which falls back to this when a side does not parse.
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

/*
 * The same with the labels after <<<<<<< and >>>>>>> (NULL: "ours",
 * "theirs") and the markers' length (0: git's 7).
 */
int crm_merge_text_labels(crm_buf *out, bool *conflicted, const char *path,
			  const char *ours_label, const char *theirs_label, int marker_size,
			  const char *base, size_t base_len, const char *ours, size_t ours_len,
			  const char *theirs, size_t theirs_len);

#endif
