#ifndef CRM_JSON_H
#define CRM_JSON_H
/*
 * A streaming JSON writer for --json output: calls in document order append
 * text to a crm_buf, and the writer puts the commas, colons and (when
 * pretty) the newlines and two-space indents where they belong.
 *
 *	crm_json j;
 *	crm_json_init(&j, &out, true);
 *	crm_json_begin_object(&j);
 *	crm_json_key(&j, "id");
 *	crm_json_string(&j, "202405001");
 *	crm_json_end_object(&j);
 *
 * The caller pairs every begin with its end and writes a key before each
 * value inside an object; the writer does not check, so a wrong sequence
 * gives wrong JSON, never a crash. Text is written as UTF-8, never
 * \u-escaped except control characters; bytes that are not valid UTF-8
 * become U+FFFD, so the output is always valid JSON text.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crm/buf.h"

typedef struct {
	crm_buf *out;   /* where the text goes; borrowed, not freed */
	bool pretty;    /* newline and indent before each member and closer */
	bool first;     /* nothing written yet in the innermost open container */
	bool after_key; /* a key was just written: its value needs no separator */
	int depth;      /* containers open */
} crm_json;

/* Start writing into out (appending to what it holds). Needs no free. */
void crm_json_init(crm_json *j, crm_buf *out, bool pretty);

/* Open and close an object `{...}` or an array `[...]`; empty ones print as {} and []. */
void crm_json_begin_object(crm_json *j);
void crm_json_end_object(crm_json *j);
void crm_json_begin_array(crm_json *j);
void crm_json_end_array(crm_json *j);

/* The key of the next member of the innermost object. */
void crm_json_key(crm_json *j, const char *key);

/* A string value; NULL writes null. */
void crm_json_string(crm_json *j, const char *s);

/* A string value of len bytes (NUL bytes in it are written as \u0000). */
void crm_json_string_n(crm_json *j, const char *s, size_t len);

void crm_json_int(crm_json *j, int64_t v);

/*
 * A number. Integral values print without a fraction or exponent (180000,
 * not 1.8e+05) up to 1e17; others with the fewest significant digits
 * (15 to 17) that read back as the same double, and always with a '.'
 * whatever LC_NUMERIC says. NaN and infinities, which JSON lacks, write null.
 */
void crm_json_double(crm_json *j, double v);

void crm_json_bool(crm_json *j, bool v);
void crm_json_null(crm_json *j);

/* A value that is already JSON text, written as it is (the caller vouches for it). */
void crm_json_raw(crm_json *j, const char *json);

/*
 * Append s (len bytes) to b as a quoted JSON string: `"` and `\` escaped,
 * \b \f \n \r \t as such, other control characters (C0, DEL, C1) and the
 * bidi overrides and line separators that crm_visible_put escapes as \uXXXX
 * (the same value, safe on a terminal), invalid UTF-8 as U+FFFD, everything
 * else literally. For callers that build JSON text without a crm_json.
 */
void crm_json_quote(crm_buf *b, const char *s, size_t len);

#endif
