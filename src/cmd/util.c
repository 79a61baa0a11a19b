/* util.c: what every command shares for talking to the terminal. */
#include "cmd.h"
#include "crm/txn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_fail(int rc)
{
	const char *msg = crm_error_last();
	fprintf(stderr, "crm: error: %s\n", *msg ? msg : "failed");
	return rc == CRM_EUSAGE ? 2 : 1;
}

int cmd_usage_error(const crm_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("crm: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nusage: crm %s %s\n(see 'crm %s --help')\n", cmd->name, cmd->usage,
			cmd->name);
	else
		fputc('\n', stderr);
	return 2;
}

int cmd_error(const char *fmt, ...)
{
	va_list ap;
	fputs("crm: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("crm: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_note(const char *fmt, ...)
{
	va_list ap;
	fputs("crm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_getopt(const crm_cmd *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *opts)
{
	char so[64];
	/* a leading ':' makes getopt tell a missing argument from an unknown option */
	if (shortopts[0] == '+')
		snprintf(so, sizeof so, "+:%s", shortopts + 1);
	else
		snprintf(so, sizeof so, ":%s", shortopts);
	opterr = 0;
	int c = getopt_long(argc, argv, so, opts, NULL);
	if (c == '?') {
		if (optopt)
			cmd_usage_error(cmd, "unknown option '-%c'", optopt);
		else
			cmd_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
		return '?';
	}
	if (c == ':') {
		cmd_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
		return '?';
	}
	return c;
}

int cmd_open_book(crm_ctx *ctx, crm_book **out)
{
	crm_diags d = {0};
	int rc = crm_book_open(out, ctx->dir, &d);
	if (rc) {
		cmd_print_diags(&d);
		crm_diags_free(&d);
		return cmd_fail(rc);
	}
	crm_diags_free(&d);
	/* Any command first finishes a commit that an earlier crm left half-done. */
	if (crm_txn_recover(*out) < 0)
		cmd_warn("%s", crm_error_last());
	return 0;
}

int cmd_parse_date(crm_ctx *ctx, const char *s, crm_date *out, const char *opt)
{
	if (crm_date_parse_cli(out, s, ctx->today) != 0) {
		fprintf(stderr, "crm: error: %s%s%s\n", opt ? opt : "", opt ? ": " : "", crm_error_last());
		return 2;
	}
	return 0;
}

void cmd_print_diags(const crm_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const crm_diag *x = &d->v[i];
		const char *sev = x->sev == CRM_SEV_ERROR ? "error" : "warning";
		if (x->line > 0)
			fprintf(stderr, "%s:%d:%d: %s: %s\n", x->path, x->line, x->col, sev, x->msg);
		else
			fprintf(stderr, "%s: %s: %s\n", x->path, sev, x->msg);
	}
}

int cmd_write_out(const char *s, size_t len)
{
	if (len && fwrite(s, 1, len, stdout) != len)
		goto bad;
	if (fflush(stdout) != 0)
		goto bad;
	return 0;
bad:
	if (errno == EPIPE)
		return 0;
	fprintf(stderr, "crm: error: cannot write the output: %s\n", strerror(errno));
	return 1;
}

static bool canonical_number(const char *s, crm_json_type t)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!*p)
		return false;
	if (p[0] == '0' && p[1] && p[1] != '.' && p[1] != 'e' && p[1] != 'E')
		return false; /* 0137 is text in every reader but YAML 1.2 */
	if (t == CRM_JSON_INT)
		return strspn(p, "0123456789") == strlen(p);
	return strspn(p, "0123456789.eE+-") == strlen(p) && *p != '.';
}

void cmd_json_node(crm_json *j, const crm_node *n)
{
	if (!n) {
		crm_json_null(j);
		return;
	}
	switch (n->kind) {
	case CRM_NODE_MAP:
		crm_json_begin_object(j);
		for (size_t i = 0; i < n->n; i++) {
			crm_json_key(j, n->keys[i]->value);
			cmd_json_node(j, n->items[i]);
		}
		crm_json_end_object(j);
		return;
	case CRM_NODE_SEQ:
		crm_json_begin_array(j);
		for (size_t i = 0; i < n->n; i++)
			cmd_json_node(j, n->items[i]);
		crm_json_end_array(j);
		return;
	case CRM_NODE_SCALAR:
		break;
	}
	switch (n->jtype) {
	case CRM_JSON_NULL:
		crm_json_null(j);
		break;
	case CRM_JSON_BOOL:
		crm_json_bool(j, n->value[0] == 't' || n->value[0] == 'T');
		break;
	case CRM_JSON_INT:
	case CRM_JSON_NUMBER:
		if (canonical_number(n->value, n->jtype)) {
			crm_json_raw(j, n->value);
			break;
		}
		/* fall through */
	default:
		crm_json_string_n(j, n->value, n->len);
	}
}

int cmd_print_json(crm_buf *b)
{
	crm_buf_putc(b, '\n');
	return cmd_write_out(b->ptr, b->len);
}
