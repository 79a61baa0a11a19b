/* assign.c: PATH=VALUE and its kin, as `set` and `add --set` take them. */
#include "crm/assign.h"
#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/error.h"

#include <stdlib.h>
#include <string.h>

/* arg as a message may show it: control bytes as \xNN (caller frees). */
static char *shown(const char *arg)
{
	crm_buf b = CRM_BUF_INIT;
	for (const char *p = arg ? arg : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			crm_buf_printf(&b, "\\x%02x", c);
		else
			crm_buf_putc(&b, (char)c);
	}
	return crm_buf_detach(&b);
}

int crm_assign_parse(crm_assign *out, const char *arg)
{
	memset(out, 0, sizeof *out);
	const char *eq = arg ? strchr(arg, '=') : NULL;
	if (!eq) {
		char *s = shown(arg);
		crm_error_set(CRM_EUSAGE, "'%s' is not PATH=VALUE, PATH+=VALUE or PATH-=VALUE", s);
		free(s);
		return CRM_EUSAGE;
	}
	crm_assign_op op = CRM_ASSIGN_SET;
	size_t plen = (size_t)(eq - arg);
	if (plen && eq[-1] == '+')
		op = CRM_ASSIGN_APPEND, plen--;
	else if (plen && eq[-1] == '-')
		op = CRM_ASSIGN_REMOVE, plen--;
	else if (!eq[1])
		op = CRM_ASSIGN_UNSET;
	char *path = crm_xstrndup(arg, plen);
	if (!*path) {
		char *s = shown(arg);
		crm_error_set(CRM_EUSAGE, "'%s' names no field; write PATH=VALUE, e.g. needs.budget.max=200000", s);
		free(s);
		free(path);
		return CRM_EUSAGE;
	}
	char **keys;
	long *idx;
	int n = crm_path_split(path, &keys, &idx);
	crm_path_free(keys, idx, n);
	if (n < 0) {
		free(path);
		return CRM_EUSAGE; /* crm_path_split said what is wrong */
	}
	out->op = op;
	out->path = path;
	out->value = crm_xstrdup(eq + 1);
	return 0;
}

void crm_assign_clear(crm_assign *a)
{
	if (!a)
		return;
	free(a->path);
	free(a->value);
	memset(a, 0, sizeof *a);
}
