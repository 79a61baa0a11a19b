#ifndef CRM_REGEX_H
#define CRM_REGEX_H
/*
 * Regular expressions as JSON Schema means them (SPEC §4): ECMAScript
 * patterns over Unicode text, searched for anywhere in the text (anchor
 * with ^ and $). Run by PCRE2 in UTF mode, set up to behave like
 * ECMAScript where the two differ:
 *  - \uHHHH and \u{H...} are code points; \d, \w and \b are ASCII only;
 *  - $ matches only at the very end, never before a final newline;
 *  - [] matches nothing and [^] any character;
 *  - {m,n} and . count characters, not bytes.
 * (\s is ASCII white space only, narrower than ECMAScript's.)
 *
 * Work is bounded, so that a hostile pattern cannot hang crm: a pattern is
 * at most CRM_REGEX_MAX_PATTERN bytes and compiles to at most 64 KiB, and a
 * match gives up (CRM_EFAIL) after a budget of backtracking steps, a
 * nesting depth and a memory size. Only src/lib/regex.c includes pcre2.h.
 */
#include <stddef.h>

#include "crm/error.h"

#define CRM_REGEX_MAX_PATTERN 8192

typedef struct crm_regex crm_regex;

/*
 * Scratch space for matching (PCRE2's match data and limits), reused from
 * one match to the next so that a match allocates nothing. One per thread
 * at a time. Returns NULL when out of memory; free with
 * crm_regex_scratch_free (NULL is fine).
 */
typedef struct crm_regex_scratch crm_regex_scratch;
crm_regex_scratch *crm_regex_scratch_new(void);
void crm_regex_scratch_free(crm_regex_scratch *sc);

/*
 * Compile the UTF-8 `pattern` (`len` bytes) into *out. Returns 0, or
 * CRM_EINVALID with *out NULL, the reason in crm_error_last() (PCRE2's
 * message, or why the pattern is too large) and in *err_at (may be NULL)
 * the 0-based character offset in the pattern where compiling stopped.
 * The caller frees *out with crm_regex_free.
 */
int crm_regex_new(crm_regex **out, const char *pattern, size_t len, size_t *err_at);

/* Release a compiled pattern; NULL is fine. */
void crm_regex_free(crm_regex *re);

/*
 * Search `text` (`len` bytes of UTF-8) for `re`, using `sc` (NULL: a
 * scratch space for this call only). Returns 1 on a match, 0 on none, or
 * CRM_EFAIL when the search could not be finished: the pattern hit the
 * match limit (it backtracks too much), the depth or the memory limit, or
 * the text is not UTF-8; crm_error_last() says which ("hit the match
 * limit"). Never takes more than a fraction of a second.
 */
int crm_regex_match(const crm_regex *re, crm_regex_scratch *sc, const char *text, size_t len);

#endif
