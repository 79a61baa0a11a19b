/* crm validate [PATH...]: check records, the schema and crm.yaml. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/check.h"
#include "crm/history.h"

static void print_json(const crm_diags *d)
{
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, false);
	crm_json_begin_array(&j);
	for (size_t i = 0; i < d->n; i++) {
		const crm_diag *x = &d->v[i];
		crm_json_begin_object(&j);
		crm_json_key(&j, "path");
		crm_json_string(&j, x->path);
		crm_json_key(&j, "line");
		crm_json_int(&j, x->line);
		crm_json_key(&j, "column");
		crm_json_int(&j, x->col);
		crm_json_key(&j, "severity");
		crm_json_string(&j, x->sev == CRM_SEV_ERROR ? "error" : "warning");
		crm_json_key(&j, "message");
		crm_json_string(&j, x->msg);
		crm_json_end_object(&j);
	}
	crm_json_end_array(&j);
	cmd_print_json(&b);
	crm_buf_free(&b);
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'}, {"quiet", no_argument, NULL, 'q'},
		{"staged", no_argument, NULL, 's'}, {0}};
	bool json = false, quiet = false, staged = false;
	int c;
	while ((c = cmd_getopt(&cmd_validate, argc, argv, "q", opts)) != -1) {
		if (c == '?')
			return 2;
		if (c == 'j')
			json = true;
		if (c == 'q')
			quiet = true;
		if (c == 's')
			staged = true;
	}
	if (staged && optind < argc)
		return cmd_usage_error(&cmd_validate, "--staged checks the index; name no files");
	crm_diags d = {0};
	crm_book *b = NULL;
	int e = crm_book_open(&b, ctx->dir, &d);
	if (e && !d.n) {
		crm_diags_free(&d);
		return cmd_fail(e);
	}
	crm_check_stats st = {0};
	if (b && staged) {
		crm_repo *repo;
		if ((e = crm_repo_open(&repo, b->root)) != 0) {
			crm_diags_free(&d);
			crm_book_free(b);
			return cmd_fail(e);
		}
		crm_check_staged(b, repo, &d, &st.records);
		crm_repo_free(repo);
	} else if (b) {
		crm_check_book(b, (const char *const *)argv + optind, (size_t)(argc - optind), &d, &st);
	}
	size_t errors = crm_diags_errors(&d), warnings = d.n - errors;
	if (json) {
		print_json(&d);
	} else {
		crm_buf out = CRM_BUF_INIT;
		for (size_t i = 0; i < d.n; i++) {
			const crm_diag *x = &d.v[i];
			if (quiet && x->sev != CRM_SEV_ERROR)
				continue;
			const char *sev = x->sev == CRM_SEV_ERROR ? "error" : "warning";
			if (ctx->color)
				sev = x->sev == CRM_SEV_ERROR ? "\033[1;31merror\033[0m" : "\033[1;33mwarning\033[0m";
			cmd_diag_line(&out, x->path, x->line, x->col, sev, x->msg);
		}
		/* the findings are the output of this command; the summary is a note */
		if (cmd_write_out(out.ptr, out.len)) {
			crm_buf_free(&out);
			crm_diags_free(&d);
			crm_book_free(b);
			return 1;
		}
		crm_buf_free(&out);
		if (!quiet)
			fprintf(stderr, "%zu record%s checked: %zu error%s, %zu warning%s\n", st.records,
				st.records == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warnings,
				warnings == 1 ? "" : "s");
	}
	crm_diags_free(&d);
	crm_book_free(b);
	return errors ? 1 : 0;
}

const crm_cmd cmd_validate = {
	"validate", "[--json] [--quiet] [--staged] [PATH...]",
	"check records (all, or the files named), the schema and crm.yaml",
	"  PATH      record files to check (default: every record of the book)\n"
	"  --json    an array of {path, line, column, severity, message}\n"
	"  --quiet   errors only, no summary\n"
	"  --staged  check the records staged for the next git commit (the pre-commit hook)\n"
	"Prints PATH:LINE:COL: error: MESSAGE per problem; exits 1 when there is an error.\n",
	run,
};
