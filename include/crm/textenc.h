#ifndef CRM_TEXTENC_H
#define CRM_TEXTENC_H
/*
 * Text from outside into UTF-8, as spreadsheets write it: a UTF-8 BOM,
 * UTF-8 without one, or else GB18030 (the superset of the GBK that Chinese
 * Excel writes). The one module that includes iconv.h.
 */
#include <stddef.h>

#include "crm/buf.h"

/*
 * Append `len` bytes of `s` to out as UTF-8 (without a BOM). `encoding`
 * names the source encoding for iconv ("GB18030", "UTF-8", ...), or NULL to
 * decide as above. Bytes that do not decode are CRM_EINVALID with a message
 * naming their line (the first line is 1); an encoding iconv does not know
 * is CRM_EUSAGE. *used (may be NULL) receives the encoding read.
 */
int crm_text_decode(crm_buf *out, const char *s, size_t len, const char *encoding,
		    const char **used);

#endif
