#include "crm/ident.h"

#include <stddef.h>
#include <string.h>

/* Control characters and angle brackets: what breaks a commit header. */
static const char *bad_char(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' || *p == '\r')
			return "has a line break";
		if (*p < 0x20 || *p == 0x7f)
			return "has a control character";
		/* U+0080..U+009F, the C1 controls, are 0xC2 0x80..0x9F in UTF-8 */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return "has a control character";
		if (*p == '<' || *p == '>')
			return "has '<' or '>'";
	}
	return NULL;
}

const char *crm_ident_text_problem(const char *s)
{
	if (!s || !*s)
		return "is empty";
	return bad_char(s);
}

const char *crm_ident_name_problem(const char *name)
{
	const char *why = crm_ident_text_problem(name);
	if (why)
		return why;
	if (strspn(name, " ") == strlen(name))
		return "is only spaces";
	return NULL;
}

const char *crm_ident_email_problem(const char *email)
{
	const char *why = crm_ident_text_problem(email);
	if (why)
		return why;
	if (strchr(email, ' '))
		return "has a space";
	const char *at = strchr(email, '@');
	if (!at || strchr(at + 1, '@'))
		return "is not an email address (name@example.com)";
	const char *dom = at + 1;
	if (at == email || !*dom || *dom == '.' || dom[strlen(dom) - 1] == '.' || strstr(dom, ".."))
		return "is not an email address (name@example.com)";
	return NULL;
}
