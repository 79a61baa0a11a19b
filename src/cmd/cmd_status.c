/* crm status: records changed by hand and not committed, and whether each is valid. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/history.h"
#include "crm/pending.h"
#include "crm/utf8.h"

static const char *status_word(char s)
{
	return s == 'M' ? "modified" : s == 'A' ? "added" : "deleted";
}

static int print_json(const crm_pending *v, size_t n)
{
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, false);
	crm_json_begin_array(&j);
	for (size_t i = 0; i < n; i++) {
		crm_json_begin_object(&j);
		crm_json_key(&j, "path");
		crm_json_string(&j, v[i].path);
		crm_json_key(&j, "status");
		crm_json_string(&j, status_word(v[i].status));
		crm_json_key(&j, "valid");
		crm_json_bool(&j, v[i].errors == 0);
		crm_json_key(&j, "errors");
		crm_json_begin_array(&j);
		for (size_t k = 0; k < v[i].diags.n; k++) {
			const crm_diag *d = &v[i].diags.v[k];
			if (d->sev != CRM_SEV_ERROR)
				continue;
			crm_json_begin_object(&j);
			crm_json_key(&j, "line");
			crm_json_int(&j, d->line);
			crm_json_key(&j, "column");
			crm_json_int(&j, d->col);
			crm_json_key(&j, "message");
			crm_json_string(&j, d->msg);
			crm_json_end_object(&j);
		}
		crm_json_end_array(&j);
		crm_json_end_object(&j);
	}
	crm_json_end_array(&j);
	int rc = cmd_print_json(&b);
	crm_buf_free(&b);
	return rc;
}

static int print_text(crm_ctx *ctx, const crm_pending *v, size_t n)
{
	crm_buf out = CRM_BUF_INIT;
	size_t w = 0;
	/* paths come from the file system: shown visible, padded by what is shown */
	char **shown = crm_xcalloc(n ? n : 1, sizeof *shown);
	for (size_t i = 0; i < n; i++) {
		shown[i] = crm_visible(v[i].path);
		if (crm_utf8_width(shown[i]) > w)
			w = crm_utf8_width(shown[i]);
	}
	const char *red = ctx->color ? "\033[1;31m" : "", *yellow = ctx->color ? "\033[1;33m" : "";
	const char *green = ctx->color ? "\033[32m" : "", *off = ctx->color ? "\033[0m" : "";
	for (size_t i = 0; i < n; i++) {
		const crm_pending *p = &v[i];
		size_t warnings = p->diags.n - p->errors;
		crm_buf_printf(&out, "%c ", p->status);
		crm_utf8_pad(&out, shown[i], w);
		if (p->status == 'D')
			crm_buf_puts(&out, "  deleted");
		else if (p->errors)
			crm_buf_printf(&out, "  %sinvalid%s: %zu error%s", red, off, p->errors,
				       p->errors == 1 ? "" : "s");
		else
			crm_buf_printf(&out, "  %svalid%s", green, off);
		if (warnings)
			crm_buf_printf(&out, " (%zu warning%s)", warnings, warnings == 1 ? "" : "s");
		crm_buf_putc(&out, '\n');
		for (size_t k = 0; k < p->diags.n; k++) {
			const crm_diag *d = &p->diags.v[k];
			const char *sev = d->sev == CRM_SEV_ERROR ? "error" : "warning";
			const char *col = d->sev == CRM_SEV_ERROR ? red : yellow;
			char *csev = crm_xasprintf("%s%s%s", col, sev, off);
			crm_buf_puts(&out, "    ");
			cmd_diag_line(&out, d->path, d->line, d->col, csev, d->msg);
			free(csev);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(shown[i]);
	free(shown);
	int rc = cmd_write_out(out.ptr, out.len);
	crm_buf_free(&out);
	return rc;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {0}};
	bool json = false;
	int c;
	while ((c = cmd_getopt(&cmd_status, argc, argv, "", opts)) != -1) {
		if (c == '?')
			return 2;
		if (c == 'j')
			json = true;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_status, "unexpected argument '%s'", argv[optind]);
	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	crm_repo *repo = NULL;
	crm_pending *v = NULL;
	size_t n = 0;
	int e = crm_repo_open(&repo, b->root);
	if (!e)
		e = crm_pending_scan(&v, &n, b, repo);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	if (json) {
		rc = print_json(v, n);
		goto done;
	}
	if (!n) {
		cmd_note("nothing to commit: no record was changed by hand");
		goto done;
	}
	rc = print_text(ctx, v, n);
	size_t invalid = 0;
	for (size_t i = 0; i < n; i++)
		invalid += v[i].errors > 0;
	if (!rc && invalid)
		cmd_note("%zu of %zu changed record%s invalid: fix %s, then 'crm commit'", invalid, n,
			 n == 1 ? " is" : "s are", invalid == 1 ? "it" : "them");
	else if (!rc)
		cmd_note("%zu changed record%s; 'crm commit' commits %s", n, n == 1 ? "" : "s",
			 n == 1 ? "it" : "them");
done:
	crm_pending_free(v, n);
	crm_repo_free(repo);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_status = {
	"status", "[--json]",
	"records changed by hand and not committed, and whether each is valid",
	"  --json    an array of {path, status: modified|added|deleted, valid,\n"
	"            errors: [{line, column, message}]}\n"
	"\n"
	"Lists each record file under customers/ that differs from the last commit:\n"
	"M modified, A new, D deleted, then 'valid' or 'invalid: N errors' and the\n"
	"problems as PATH:LINE:COL: error: MESSAGE. It is a report: the exit status\n"
	"is 0 also when a record is invalid (use 'crm validate' to fail on errors).\n"
	"'crm commit' commits these records once they are all valid.\n",
	run,
};
