/*
 * crm merge-driver [--marker-size N] BASE OURS THEIRS PATH: what git runs
 * (merge.crm.driver, set by `crm setup`) to merge two versions of a record,
 * field by field (recmerge.h). The result goes into OURS; exit 0 when clean,
 * 1 when conflict markers were left (git's contract for drivers). It needs
 * no book and takes no lock: git runs it in the middle of its own merge.
 */
#include "cmd.h"

#include <stdlib.h>

#include "crm/buf.h"
#include "crm/recmerge.h"

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"marker-size", required_argument, NULL, 'L'},
					     {"ours-label", required_argument, NULL, 'o'},
					     {"theirs-label", required_argument, NULL, 't'},
					     {0}};
	crm_merge_opts mo = {0};
	int c;
	while ((c = cmd_getopt(&cmd_merge_driver, argc, argv, "L:", opts)) != -1) {
		if (c == '?')
			return 2;
		if (c == 'L') {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > 100)
				return cmd_usage_error(&cmd_merge_driver, "--marker-size wants a number from 1 to 100, not '%s'", optarg);
			mo.marker_size = (int)n;
		} else if (c == 'o') {
			mo.ours_label = optarg;
		} else if (c == 't') {
			mo.theirs_label = optarg;
		}
	}
	if (argc - optind != 4)
		return cmd_usage_error(&cmd_merge_driver, "four arguments: BASE OURS THEIRS PATH (git's %%O %%A %%B %%P)");
	const char *base = argv[optind], *ours = argv[optind + 1], *theirs = argv[optind + 2];
	const char *path = argv[optind + 3];
	mo.path = path;
	crm_buf b = CRM_BUF_INIT, o = CRM_BUF_INIT, t = CRM_BUF_INIT;
	crm_merge_result *res = NULL;
	int e = crm_buf_read_file(&b, base);
	if (!e)
		e = crm_buf_read_file(&o, ours);
	if (!e)
		e = crm_buf_read_file(&t, theirs);
	if (!e)
		e = crm_record_merge(&res, crm_buf_cstr(&b), b.len, crm_buf_cstr(&o), o.len,
				     crm_buf_cstr(&t), t.len, &mo);
	if (!e)
		e = crm_write_atomic(ours, res->text, res->len);
	int rc = e ? cmd_fail(e) : res->nconflicts ? 1 : 0;
	if (!e && res->line_merge)
		cmd_note("%s: a version is not a readable record, so it was merged line by line", path);
	for (size_t i = 0; !e && !res->line_merge && i < res->nconflicts; i++) {
		const crm_merge_conflict *x = &res->conflicts[i];
		cmd_note("%s: conflict in %s: ours %s, theirs %s", path, x->path,
			 x->ours ? x->ours : "(removed)", x->theirs ? x->theirs : "(removed)");
	}
	if (!e && res->nconflicts)
		cmd_note("%s: conflicting changes left between <<<<<<< and >>>>>>> markers; "
			 "edit the record, then 'git add' it", path);
	crm_merge_result_free(res);
	crm_buf_free(&b);
	crm_buf_free(&o);
	crm_buf_free(&t);
	return rc;
}

const crm_cmd cmd_merge_driver = {
	"merge-driver", "[--marker-size N] BASE OURS THEIRS PATH",
	"what git runs to merge two versions of a record (set up by 'crm setup')",
	"  BASE OURS THEIRS PATH   git's %O %A %B %P: the result is written to OURS\n"
	"  -L, --marker-size N     length of the conflict markers (git's %L; 7)\n"
	"  --ours-label L          label after <<<<<<< (ours)\n"
	"  --theirs-label L        label after >>>>>>> (theirs)\n"
	"Merges field by field: follow-ups of both sides are kept in date order, tags,\n"
	"contacts and dates by identity; only a field changed differently on both sides\n"
	"is a conflict, marked in place. A version that is not readable YAML is merged\n"
	"line by line, as git would. Exit 0 when clean, 1 when markers were left.\n",
	run,
};
