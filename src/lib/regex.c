/*
 * ECMAScript patterns on PCRE2 (see regex.h for what differs and why).
 *
 * PCRE2's match limit counts backtracking steps per start position, and an
 * unanchored search tries every position, so a fixed limit would still let
 * a long text cost length x limit. The limit is therefore a share of one
 * budget per search: STEP_BUDGET / (length + 1), between STEP_MIN and
 * STEP_MAX. Measured here, the worst patterns give up within 10 ms.
 *
 * Patterns are JIT-compiled when the system allows it: the id and team
 * patterns run on every record, and a JIT match costs half the
 * instructions of an interpreted one. JIT ignores the depth and heap
 * limits; its stack (at most JIT_STACK) bounds it instead.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "crm/regex.h"
#include "crm/buf.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>

#define STEP_BUDGET 1000000u  /* backtracking steps for a whole search */
#define STEP_MAX 100000u      /* ... at most this many at one start position */
#define STEP_MIN 100u         /* ... and at least this many */
#define HEAP_KIB 16384u       /* memory for backtracking frames */
#define JIT_STACK (1024 * 1024) /* the same, for JIT-compiled patterns */
#define CODE_MAX 65536u       /* compiled size, whatever PCRE2's link size */

struct crm_regex {
	pcre2_code *code;
};

struct crm_regex_scratch {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
};

crm_regex_scratch *crm_regex_scratch_new(void)
{
	crm_regex_scratch *sc = calloc(1, sizeof *sc);
	if (!sc)
		return NULL;
	/* One pair: we ask whether there is a match, never where. */
	sc->md = pcre2_match_data_create(1, NULL);
	sc->mc = pcre2_match_context_create(NULL);
	if (!sc->md || !sc->mc) {
		crm_regex_scratch_free(sc);
		return NULL;
	}
	pcre2_set_heap_limit(sc->mc, HEAP_KIB);
	sc->js = pcre2_jit_stack_create(32 * 1024, JIT_STACK, NULL);
	if (sc->js)
		pcre2_jit_stack_assign(sc->mc, NULL, sc->js);
	return sc;
}

void crm_regex_scratch_free(crm_regex_scratch *sc)
{
	if (!sc)
		return;
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mc);
	pcre2_jit_stack_free(sc->js);
	free(sc);
}

/* Characters in the first `n` bytes of UTF-8 text. */
static size_t chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

int crm_regex_new(crm_regex **out, const char *pattern, size_t len, size_t *err_at)
{
	*out = NULL;
	if (err_at)
		*err_at = 0;
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	if (!cc)
		return crm_error_set(CRM_EINVALID, "out of memory");
	pcre2_set_max_pattern_length(cc, CRM_REGEX_MAX_PATTERN);
	/* ECMAScript's \u{1F600} (with the u flag, as editors use it) */
	pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX);
	/* what ECMAScript's . does not match: line ends (\r and \n) */
	pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF);
	/*
	 * ALT_BSUX: \uHHHH, and \x only as \xHH; DOLLAR_ENDONLY: no match
	 * before a final newline; ALLOW_EMPTY_CLASS: [] and [^]; NEVER_UCP
	 * keeps \d \w \b ASCII even against (*UCP); NEVER_BACKSLASH_C forbids
	 * \C, which would match half a character.
	 */
	uint32_t opts = PCRE2_UTF | PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY |
			PCRE2_ALLOW_EMPTY_CLASS | PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C;
	int err = 0;
	PCRE2_SIZE off = 0;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, len, opts, &err, &off, cc);
	pcre2_compile_context_free(cc);
	if (!code) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(err, msg, sizeof msg) < 0)
			msg[0] = 0;
		if (err_at)
			*err_at = chars(pattern, off < len ? off : len);
		return crm_error_set(CRM_EINVALID, "%s", (const char *)msg);
	}
	size_t size = 0;
	pcre2_pattern_info(code, PCRE2_INFO_SIZE, &size);
	if (size > CODE_MAX) {
		pcre2_code_free(code);
		return crm_error_set(CRM_EINVALID,
				     "regular expression is too large (%zu KiB compiled, at most %u)",
				     size / 1024, CODE_MAX / 1024);
	}
	/* JIT when the system allows it; otherwise the interpreter does the same */
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	crm_regex *re = crm_xcalloc(1, sizeof *re);
	re->code = code;
	*out = re;
	return 0;
}

void crm_regex_free(crm_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	free(re);
}

int crm_regex_match(const crm_regex *re, crm_regex_scratch *sc, const char *text, size_t len)
{
	crm_regex_scratch *own = NULL;
	if (!sc && !(sc = own = crm_regex_scratch_new()))
		return crm_error_set(CRM_EFAIL, "out of memory");
	size_t steps = STEP_BUDGET / (len + 1);
	if (steps > STEP_MAX)
		steps = STEP_MAX;
	if (steps < STEP_MIN)
		steps = STEP_MIN;
	pcre2_set_match_limit(sc->mc, (uint32_t)steps);
	pcre2_set_depth_limit(sc->mc, (uint32_t)steps);
	int rc = pcre2_match(re->code, (PCRE2_SPTR)text, len, 0, 0, sc->md, sc->mc);
	crm_regex_scratch_free(own);
	if (rc >= 0) /* 0: a match whose groups did not fit the one pair */
		return 1;
	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
		return 0;
	case PCRE2_ERROR_MATCHLIMIT:
		return crm_error_set(CRM_EFAIL, "hit the match limit (it backtracks too much)");
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return crm_error_set(CRM_EFAIL, "hit the depth limit (it nests too deep)");
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_NOMEMORY:
		return crm_error_set(CRM_EFAIL, "hit the memory limit");
	default: {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
			msg[0] = 0;
		return crm_error_set(CRM_EFAIL, "could not be run: %s", (const char *)msg);
	}
	}
}
