/* util.c: what every command shares for talking to the terminal. */
#include "cmd.h"
#include "crm/txn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/utf8.h"

/*
 * Write prefix and the message fmt makes to stderr on one line. The message
 * often quotes names and values from files or the command line: it is made
 * visible whole, so that it cannot drive the terminal or forge a line.
 */
static void say(const char *prefix, const char *fmt, va_list ap)
{
	crm_buf m = CRM_BUF_INIT, v = CRM_BUF_INIT;
	crm_buf_vprintf(&m, fmt, ap);
	crm_buf_puts(&v, prefix);
	crm_visible_put(&v, m.ptr ? m.ptr : "", m.len, 0);
	crm_buf_putc(&v, '\n');
	fwrite(v.ptr, 1, v.len, stderr);
	crm_buf_free(&m);
	crm_buf_free(&v);
}

static void say_f(const char *prefix, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say_f(const char *prefix, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(prefix, fmt, ap);
	va_end(ap);
}

void cmd_out(const char *fmt, ...)
{
	va_list ap;
	crm_buf m = CRM_BUF_INIT;
	va_start(ap, fmt);
	crm_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	char *v = crm_visible(crm_buf_cstr(&m));
	fputs(v, stdout);
	fputc('\n', stdout);
	free(v);
	crm_buf_free(&m);
}

/*
 * The library's message may go on over lines that start with two spaces
 * (the candidates of an ambiguous name): those newlines are kept, every
 * other control character is made visible. A library message that goes on
 * over lines, or may be followed by such a list, makes the names and text
 * it quotes visible itself (record.c), so that they cannot add a line.
 */
int cmd_fail(int rc)
{
	const char *msg = crm_error_last();
	if (!*msg)
		msg = "failed";
	crm_buf v = CRM_BUF_INIT;
	crm_buf_puts(&v, "crm: error: ");
	for (;;) {
		const char *nl = strstr(msg, "\n  ");
		size_t k = nl ? (size_t)(nl - msg) : strlen(msg);
		crm_visible_put(&v, msg, k, 0);
		if (!nl)
			break;
		crm_buf_puts(&v, "\n  ");
		msg = nl + 3;
	}
	crm_buf_putc(&v, '\n');
	fwrite(v.ptr, 1, v.len, stderr);
	crm_buf_free(&v);
	return rc == CRM_EUSAGE ? 2 : 1;
}

int cmd_usage_error(const crm_cmd *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("crm: error: ", fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "usage: crm %s %s\n(see 'crm %s --help')\n", cmd->name, cmd->usage,
			cmd->name);
	return 2;
}

int cmd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("crm: error: ", fmt, ap);
	va_end(ap);
	return 1;
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("crm: warning: ", fmt, ap);
	va_end(ap);
}

void cmd_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("crm: ", fmt, ap);
	va_end(ap);
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
		say_f("crm: error: ", "%s%s%s", opt ? opt : "", opt ? ": " : "", crm_error_last());
		return 2;
	}
	return 0;
}

/*
 * Diagnostics are read line by line by editors and scripts: a path or a
 * quoted value with a newline must not make a line that looks like a
 * diagnostic of its own, so both are made visible, terminal or not.
 */
void cmd_print_diags(const crm_diags *d)
{
	crm_buf b = CRM_BUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		const crm_diag *x = &d->v[i];
		const char *sev = x->sev == CRM_SEV_ERROR ? "error" : "warning";
		crm_buf_truncate(&b, 0);
		cmd_diag_line(&b, x->path, x->line, x->col, sev, x->msg);
		fwrite(b.ptr, 1, b.len, stderr);
	}
	crm_buf_free(&b);
}

void cmd_diag_line(crm_buf *b, const char *path, int line, int col, const char *sev,
		   const char *msg)
{
	path = path ? path : "";
	msg = msg ? msg : "";
	crm_visible_put(b, path, strlen(path), 0);
	if (line > 0)
		crm_buf_printf(b, ":%d:%d", line, col);
	crm_buf_printf(b, ": %s: ", sev);
	crm_visible_put(b, msg, strlen(msg), 0);
	crm_buf_putc(b, '\n');
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

int cmd_write_text(const char *s, size_t len)
{
	if (!crm_visible_needed(s, len, CRM_VISIBLE_NEWLINES))
		return cmd_write_out(s, len);
	crm_buf v = CRM_BUF_INIT;
	crm_visible_put(&v, s, len, CRM_VISIBLE_NEWLINES);
	int rc = cmd_write_out(v.ptr, v.len);
	crm_buf_free(&v);
	return rc;
}

bool cmd_stdout_tty(void)
{
	return isatty(STDOUT_FILENO) == 1;
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
