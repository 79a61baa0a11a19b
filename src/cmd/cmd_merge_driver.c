/*
 * crm merge-driver BASE OURS THEIRS PATH: what git runs (merge.crm.driver,
 * set by `crm setup`) to merge two versions of a record. The result goes
 * into OURS; exit 0 when clean, 1 when conflict markers were left.
 */
#include "cmd.h"

#include <stdlib.h>

#include "crm/buf.h"
#include "crm/merge.h"

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{0}};
	int c;
	while ((c = cmd_getopt(&cmd_merge_driver, argc, argv, "", opts)) != -1)
		if (c == '?')
			return 2;
	if (argc - optind != 4)
		return cmd_usage_error(&cmd_merge_driver, "four arguments: BASE OURS THEIRS PATH (git's %%O %%A %%B %%P)");
	const char *base = argv[optind], *ours = argv[optind + 1], *theirs = argv[optind + 2];
	const char *path = argv[optind + 3];
	crm_buf b = CRM_BUF_INIT, o = CRM_BUF_INIT, t = CRM_BUF_INIT, out = CRM_BUF_INIT;
	bool conflicted = false;
	int e = crm_buf_read_file(&b, base);
	if (!e)
		e = crm_buf_read_file(&o, ours);
	if (!e)
		e = crm_buf_read_file(&t, theirs);
	if (!e)
		e = crm_merge_text(&out, &conflicted, path, crm_buf_cstr(&b), b.len, crm_buf_cstr(&o),
				   o.len, crm_buf_cstr(&t), t.len);
	if (!e)
		e = crm_write_atomic(ours, crm_buf_cstr(&out), out.len);
	int rc = e ? cmd_fail(e) : conflicted ? 1 : 0;
	if (!e && conflicted)
		cmd_note("%s: conflicting changes left between <<<<<<< and >>>>>>> markers; "
			 "edit the record, then 'git add' it", path);
	crm_buf_free(&b);
	crm_buf_free(&o);
	crm_buf_free(&t);
	crm_buf_free(&out);
	return rc;
}

const crm_cmd cmd_merge_driver = {
	"merge-driver", "BASE OURS THEIRS PATH",
	"what git runs to merge two versions of a record (set up by 'crm setup')",
	"  BASE OURS THEIRS PATH   git's %O %A %B %P: the result is written to OURS\n"
	"Exit 0 when the versions merged cleanly, 1 when conflict markers were left.\n"
	"For now this is git's line merge; merging records field by field is not\n"
	"written yet.\n",
	run,
};
