/* Spreadsheet cells as record values. */
#include "crm/import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/schema.h"

char *crm_import_column(const struct crm_schema *s, const char *header)
{
	if (!*header)
		return NULL;
	/* a path: the schema describes it, with list indexes as [] */
	crm_buf g = CRM_BUF_INIT;
	bool plain = true;
	for (const char *p = header; *p; p++) {
		if (*p == '[') {
			const char *q = p + 1;
			while (isdigit((unsigned char)*q))
				q++;
			if (*q != ']' || q == p + 1) {
				plain = false;
				break;
			}
			crm_buf_puts(&g, "[]");
			p = q;
		} else if (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-') {
			crm_buf_putc(&g, *p);
		} else {
			plain = false;
			break;
		}
	}
	if (plain && crm_schema_at(s, crm_buf_cstr(&g))) {
		crm_buf_free(&g);
		return crm_xstrdup(header);
	}
	crm_buf_free(&g);
	char *path = NULL;
	if (!crm_schema_find_by_label(s, header, &path))
		return path;
	return NULL;
}

/* Read a number of 1 to `max` digits at *p. */
static bool num(const char **p, int max, int *out)
{
	int v = 0, k = 0;
	while (isdigit((unsigned char)**p) && k < max) {
		v = v * 10 + (**p - '0');
		(*p)++, k++;
	}
	*out = v;
	return k > 0 && !isdigit((unsigned char)**p);
}

bool crm_import_date(char out[CRM_DATE_STRLEN], const char *cell)
{
	const char *p = cell;
	while (*p == ' ')
		p++;
	int y, m, d;
	if (!num(&p, 4, &y))
		return false;
	bool zh = !strncmp(p, "年", 3);
	char sep = zh ? 0 : *p;
	if (zh)
		p += 3;
	else if (sep == '-' || sep == '/' || sep == '.')
		p++;
	else
		return false;
	if (!num(&p, 2, &m))
		return false;
	if (zh ? strncmp(p, "月", 3) : *p != sep)
		return false;
	p += zh ? 3 : 1;
	if (!num(&p, 2, &d))
		return false;
	if (zh && !strncmp(p, "日", 3))
		p += 3;
	while (*p == ' ')
		p++;
	if (*p)
		return false;
	crm_date dt = {y, m, d};
	if (!crm_date_valid(dt))
		return false;
	crm_date_format(dt, out);
	return true;
}

bool crm_import_phone_lost(const char *cell)
{
	const char *p = cell;
	while (*p == ' ')
		p++;
	if (*p == '+' || *p == '-')
		p++;
	bool digits = false;
	while (isdigit((unsigned char)*p) || *p == '.')
		digits |= *p++ != '.';
	if (!digits || (*p != 'E' && *p != 'e'))
		return false;
	p++;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	while (*p == ' ')
		p++;
	return !*p;
}
