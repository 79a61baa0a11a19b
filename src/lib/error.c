#include "crm/error.h"
#include "crm/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* per thread: the index reads records on a second thread */
static _Thread_local char *last_msg;
static _Thread_local int last_code;

static int vset(int code, const char *fmt, va_list ap, int err)
{
	crm_buf b = CRM_BUF_INIT;
	crm_buf_vprintf(&b, fmt, ap);
	if (err)
		crm_buf_printf(&b, ": %s", strerror(err));
	free(last_msg);
	last_msg = crm_buf_detach(&b);
	last_code = code;
	return code;
}

int crm_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(code, fmt, ap, 0);
	va_end(ap);
	return code;
}

int crm_error_errno(int code, const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vset(code, fmt, ap, err);
	va_end(ap);
	return code;
}

const char *crm_error_last(void)
{
	return last_msg ? last_msg : "";
}

int crm_error_code(void)
{
	return last_code;
}

void crm_error_clear(void)
{
	free(last_msg);
	last_msg = NULL;
	last_code = 0;
}

static char **warnings;
static size_t nwarnings;

void crm_warning_add(const char *fmt, ...)
{
	crm_buf b = CRM_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	crm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	warnings = crm_xrealloc(warnings, (nwarnings + 1) * sizeof *warnings);
	warnings[nwarnings++] = crm_buf_detach(&b);
}

const char *const *crm_warnings(size_t *n)
{
	*n = nwarnings;
	return (const char *const *)warnings;
}

void crm_warnings_clear(void)
{
	for (size_t i = 0; i < nwarnings; i++)
		free(warnings[i]);
	free(warnings);
	warnings = NULL;
	nwarnings = 0;
}

void crm_diags_vadd(crm_diags *d, const char *path, int line, int col, crm_severity sev,
		    const char *fmt, va_list ap)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = crm_xrealloc(d->v, d->cap * sizeof *d->v);
	}
	crm_buf b = CRM_BUF_INIT;
	crm_buf_vprintf(&b, fmt, ap);
	crm_diag *x = &d->v[d->n++];
	x->path = crm_xstrdup(path ? path : "");
	x->line = line;
	x->col = col;
	x->sev = sev;
	x->msg = crm_buf_detach(&b);
}

void crm_diags_add(crm_diags *d, const char *path, int line, int col, crm_severity sev,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	crm_diags_vadd(d, path, line, col, sev, fmt, ap);
	va_end(ap);
}

void crm_diags_extend(crm_diags *dst, const crm_diags *src)
{
	for (size_t i = 0; i < src->n; i++)
		crm_diags_add(dst, src->v[i].path, src->v[i].line, src->v[i].col, src->v[i].sev,
			      "%s", src->v[i].msg);
}

size_t crm_diags_errors(const crm_diags *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += d->v[i].sev == CRM_SEV_ERROR;
	return n;
}

static int cmp_diag(const crm_diag *a, const crm_diag *b)
{
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void crm_diags_sort(crm_diags *d)
{
	/* insertion sort: stable, and lists are short */
	for (size_t i = 1; i < d->n; i++) {
		crm_diag t = d->v[i];
		size_t j = i;
		while (j > 0 && cmp_diag(&d->v[j - 1], &t) > 0) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = t;
	}
}

void crm_diags_free(crm_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
