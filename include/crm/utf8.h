#ifndef CRM_UTF8_H
#define CRM_UTF8_H
/*
 * UTF-8 text for terminals: validation, display width, padding and
 * truncation by columns, and "did you mean" suggestions.
 *
 * Widths come from a table compiled in (Unicode 14 East_Asian_Width W and F
 * are 2 columns, nonspacing and enclosing marks and format characters 0),
 * never from wcwidth(): that answers by the locale, and a table of Chinese
 * names must line up the same under LANG=C, in a pipe and in a test.
 *
 * Functions that take text tolerate invalid UTF-8: each byte that does not
 * start a valid character counts as one character one column wide (it is
 * shown as U+FFFD by terminals), so nothing here reads past the end or
 * loops, whatever the bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crm/buf.h"

#define CRM_UTF8_REPLACEMENT 0xFFFDu

/*
 * True when the len bytes at s are valid UTF-8: no overlong forms, no
 * surrogates (U+D800-U+DFFF), nothing above U+10FFFF, no truncated
 * sequence. NUL bytes are valid. When false and bad_offset is not NULL,
 * *bad_offset is the offset of the first byte of the first bad sequence.
 */
bool crm_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/*
 * Decode the character at s (at most len bytes). Returns its length in
 * bytes (1-4) and stores the code point in *cp; returns 0 when len is 0 or
 * the bytes are not a valid character, and then *cp is U+FFFD (a caller
 * that goes on skips one byte).
 */
size_t crm_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Append the UTF-8 encoding of cp to b (U+FFFD for surrogates and above U+10FFFF). */
void crm_utf8_put(crm_buf *b, uint32_t cp);

/*
 * Columns the code point takes on a terminal: 2 for East Asian Wide and
 * Fullwidth (CJK, Hangul, kana, fullwidth forms, emoji), 0 for combining
 * marks, zero-width and format characters and C0/C1 controls, 1 otherwise.
 */
int crm_utf8_cp_width(uint32_t cp);

/* Display width in columns of the NUL-terminated string s (NULL is 0). */
size_t crm_utf8_width(const char *s);

/* Number of code points in s (NULL is 0); an invalid byte counts as one. */
size_t crm_utf8_len(const char *s);

/*
 * Append s to b, then spaces until it takes width columns. A string wider
 * than width is appended whole (cut it first with crm_utf8_truncate).
 */
void crm_utf8_pad(crm_buf *b, const char *s, size_t width);

/*
 * Append s to b cut to at most width columns. When s is wider it is cut at
 * a character boundary (a combining mark stays with its base) and ends with
 * "…" (U+2026, one column), which counts in width; width 0 appends nothing.
 */
void crm_utf8_truncate(crm_buf *b, const char *s, size_t width);

/*
 * Edit distance between a and b counted in code points: the fewest
 * insertions, deletions, substitutions and swaps of two neighbours that
 * turn a into b (Levenshtein plus transposition, the "optimal string
 * alignment" variant), because "emial" is one slip from "email", not two.
 * NULL counts as "".
 */
size_t crm_edit_distance(const char *a, const char *b);

/*
 * The entry of choices[0..n) nearest to word, for "did you mean 'x'?"
 * hints: returned (borrowed from choices) when its edit distance is at most
 * max(1, code points of word / 3), else NULL. Ties go to the earlier
 * choice; an empty word gets NULL; NULL entries are skipped.
 */
const char *crm_suggest(const char *word, const char *const *choices, size_t n);

/*
 * Text that came from a file or the command line, made safe to show: the
 * one rule for every human output of crm (tables, show, messages and
 * diagnostics), so that a record cannot drive the terminal (escape
 * sequences, title changes, clearing the screen), reorder what is shown, or
 * forge a line of output.
 *
 * Each of these becomes visible text, all else is copied as is:
 *   \a \b \t \n \v \f \r and ESC     as  \a \b \t \n \v \f \r \e
 *   other C0 controls, NUL and DEL      as  \xHH
 *   C1 controls (U+0080-U+009F)         as  \u0085 (four hex digits)
 *   bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069)
 *   and the line and paragraph separators (U+2028, U+2029) as \u202E
 *   each byte that is not valid UTF-8   as  \xHH
 * A backslash is not escaped: the result is for people, not for parsing.
 */
enum {
	CRM_VISIBLE_NEWLINES = 1, /* keep '\n' as is: multi-line text laid out by the caller */
};

/* Append the len bytes at s to b made visible as above (flags: CRM_VISIBLE_*). */
void crm_visible_put(crm_buf *b, const char *s, size_t len, unsigned flags);

/* True when crm_visible_put would change the len bytes at s. */
bool crm_visible_needed(const char *s, size_t len, unsigned flags);

/* In one pass: true when crm_visible_put (flags 0) would leave the string s
 * as it is, with its display width (crm_utf8_width) in *width. */
bool crm_visible_width(const char *s, size_t *width);

/* s (NULL is "") made visible, all newlines escaped, in a new string the caller frees. */
char *crm_visible(const char *s);

#endif
