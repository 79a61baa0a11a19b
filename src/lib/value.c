#include "crm/value.h"
#include "crm/buf.h"
#include "crm/emit.h"
#include "crm/schema.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The item path of a list field: tags -> tags[0]. */
static char *item_path(const char *path)
{
	return crm_xasprintf("%s[0]", path);
}

static int scalar(crm_node **out, const crm_schema *s, const char *path, const char *text,
		  crm_date today)
{
	const char *type = s ? crm_schema_type_at(s, path) : NULL;
	*out = NULL;
	if (type && (!strcmp(type, "number") || !strcmp(type, "integer"))) {
		char *end;
		errno = 0;
		double v = strtod(text, &end);
		(void)v;
		if (!*text || *end || errno || strchr(text, 'x') || strchr(text, 'X') ||
		    strspn(text, "0123456789.-+eE") != strlen(text))
			return crm_error_set(CRM_EUSAGE, "%s: '%s' is not a number", path, text);
		if (!strcmp(type, "integer") && strspn(text, "0123456789-+") != strlen(text))
			return crm_error_set(CRM_EUSAGE, "%s: '%s' is not a whole number", path, text);
		/* write it the way every reader reads a number: no leading zeros or '+' */
		const char *t = text[0] == '+' ? text + 1 : text;
		while (t[0] == '0' && t[1] >= '0' && t[1] <= '9')
			t++;
		*out = crm_node_new_raw(t);
		return 0;
	}
	if (type && !strcmp(type, "date")) {
		crm_date d;
		if (crm_date_parse_cli(&d, text, today) != 0)
			return crm_error_set(CRM_EUSAGE, "%s: %s", path, crm_error_last());
		char buf[CRM_DATE_STRLEN];
		crm_date_format(d, buf);
		*out = crm_node_new_raw(buf);
		return 0;
	}
	if (type && !strcmp(type, "boolean")) {
		if (!strcmp(text, "true") || !strcmp(text, "yes") || !strcmp(text, "1"))
			*out = crm_node_new_raw("true");
		else if (!strcmp(text, "false") || !strcmp(text, "no") || !strcmp(text, "0"))
			*out = crm_node_new_raw("false");
		else
			return crm_error_set(CRM_EUSAGE, "%s: '%s' is not true or false", path, text);
		return 0;
	}
	const char *code = s ? crm_schema_enum_from_label(s, path, text) : NULL;
	*out = crm_node_new_str(code ? code : text);
	return 0;
}

int crm_value_parse(crm_node **out, const crm_schema *s, const char *path, const char *text,
		    crm_date today)
{
	const char *type = s ? crm_schema_type_at(s, path) : NULL;
	if (type && !strcmp(type, "array")) {
		char *ip = item_path(path);
		crm_node *seq = crm_node_new_seq(true);
		const char *p = text;
		int rc = 0;
		while (*p && rc == 0) {
			size_t k = strcspn(p, ",");
			char *part = crm_xstrndup(p, k);
			/* trim the blanks people put after commas */
			char *a = part, *e = part + strlen(part);
			while (*a == ' ')
				a++;
			while (e > a && e[-1] == ' ')
				*--e = '\0';
			crm_node *item = NULL;
			if (*a)
				rc = scalar(&item, s, ip, a, (crm_date)today);
			if (item)
				crm_node_seq_push(seq, item);
			free(part);
			p += k;
			if (*p == ',')
				p++;
		}
		free(ip);
		if (rc) {
			crm_node_free(seq);
			return rc;
		}
		*out = seq;
		return 0;
	}
	return scalar(out, s, path, text, today);
}
