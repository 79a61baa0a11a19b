#include "crm/merge.h"
#include "crm/error.h"

#include <git2.h>

int crm_merge_text(crm_buf *out, bool *conflicted, const char *path, const char *base,
		   size_t base_len, const char *ours, size_t ours_len, const char *theirs,
		   size_t theirs_len)
{
	return crm_merge_text_labels(out, conflicted, path, NULL, NULL, 0, base, base_len, ours,
				     ours_len, theirs, theirs_len);
}

int crm_merge_text_labels(crm_buf *out, bool *conflicted, const char *path,
			  const char *ours_label, const char *theirs_label, int marker_size,
			  const char *base, size_t base_len, const char *ours, size_t ours_len,
			  const char *theirs, size_t theirs_len)
{
	git_merge_file_input b = GIT_MERGE_FILE_INPUT_INIT, o = GIT_MERGE_FILE_INPUT_INIT,
			     t = GIT_MERGE_FILE_INPUT_INIT;
	git_merge_file_options opts = GIT_MERGE_FILE_OPTIONS_INIT;
	git_merge_file_result res = {0};
	b.ptr = base, b.size = base_len, b.path = path;
	o.ptr = ours, o.size = ours_len, o.path = path;
	t.ptr = theirs, t.size = theirs_len, t.path = path;
	opts.ancestor_label = "base";
	opts.our_label = ours_label ? ours_label : "ours";
	opts.their_label = theirs_label ? theirs_label : "theirs";
	if (marker_size > 0)
		opts.marker_size = (unsigned short)marker_size;
	git_libgit2_init();
	int rc = git_merge_file(&res, &b, &o, &t, &opts);
	if (rc < 0) {
		const git_error *e = git_error_last();
		rc = crm_error_set(CRM_EFAIL, "cannot merge %s: %s", path ? path : "the file",
				   e ? e->message : "libgit2 failed");
	} else {
		crm_buf_put(out, res.ptr, res.len);
		*conflicted = !res.automergeable;
		rc = 0;
	}
	git_merge_file_result_free(&res);
	git_libgit2_shutdown();
	return rc;
}
