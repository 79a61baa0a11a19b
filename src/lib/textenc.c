/* Decoding spreadsheet text to UTF-8 through iconv. */
#include "crm/textenc.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "crm/error.h"
#include "crm/utf8.h"

static int line_of(const char *s, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n')
			line++;
	return line;
}

static int convert(crm_buf *out, const char *s, size_t len, const char *enc)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1)
		return crm_error_set(CRM_EUSAGE, "--encoding: '%s' is not an encoding this system knows "
				     "(try GB18030, UTF-8, UTF-16, BIG5)", enc);
	char *in = (char *)s;
	size_t inleft = len;
	int rc = 0;
	while (inleft) {
		char tmp[4096];
		char *o = tmp;
		size_t oleft = sizeof tmp;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		crm_buf_put(out, tmp, (size_t)(o - tmp));
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = crm_error_set(CRM_EINVALID, "line %d: the text is not valid %s "
					   "(give the file's encoding with --encoding)",
					   line_of(s, (size_t)(in - s)), enc);
			break;
		}
	}
	iconv_close(cd);
	return rc;
}

int crm_text_decode(crm_buf *out, const char *s, size_t len, const char *encoding,
		    const char **used)
{
	bool bom = len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3);
	if (!encoding) {
		size_t bad;
		if (bom || crm_utf8_valid(s, len, &bad))
			encoding = "UTF-8";
		else
			encoding = "GB18030";
	}
	if (used)
		*used = encoding;
	if (!strcasecmp(encoding, "UTF-8") || !strcasecmp(encoding, "UTF8")) {
		if (bom)
			s += 3, len -= 3;
		size_t bad;
		if (!crm_utf8_valid(s, len, &bad))
			return crm_error_set(CRM_EINVALID, "line %d: the text is not valid UTF-8 "
					     "(give the file's encoding with --encoding)", line_of(s, bad));
		crm_buf_put(out, s, len);
		return 0;
	}
	return convert(out, s, len, encoding);
}
