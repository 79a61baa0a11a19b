#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm/regex.h"

static crm_regex *compile(const char *pat)
{
	crm_regex *re = NULL;
	size_t at = 0;
	int rc = crm_regex_new(&re, pat, strlen(pat), &at);
	cr_assert_eq(rc, 0, "'%s' refused at %zu: %s", pat, at, crm_error_last());
	cr_assert_not_null(re);
	return re;
}

/* 1 match, 0 none, <0 gave up; with and without a shared scratch. */
static int match(const char *pat, const char *text)
{
	crm_regex *re = compile(pat);
	crm_regex_scratch *sc = crm_regex_scratch_new();
	cr_assert_not_null(sc);
	int a = crm_regex_match(re, sc, text, strlen(text));
	int b = crm_regex_match(re, NULL, text, strlen(text));
	cr_expect_eq(a, b, "'%s' on '%s': %d with scratch, %d without", pat, text, a, b);
	crm_regex_scratch_free(sc);
	crm_regex_free(re);
	return a;
}

static void refused(const char *pat, size_t want_at, const char *needle)
{
	crm_regex *re = (crm_regex *)1;
	size_t at = 99;
	cr_assert_eq(crm_regex_new(&re, pat, strlen(pat), &at), CRM_EINVALID, "'%s' compiled", pat);
	cr_expect_null(re);
	cr_expect_eq(at, want_at, "'%.40s': stopped at %zu, want %zu (%s)", pat, at, want_at,
		     crm_error_last());
	cr_expect(strstr(crm_error_last(), needle), "'%.40s': '%s' lacks '%s'", pat,
		  crm_error_last(), needle);
}

Test(regex, chinese_names_count_characters)
{
	const char *p = "^[\\u4e00-\\u9fa5]{2,4}$";
	cr_expect_eq(match(p, "张伟"), 1);
	cr_expect_eq(match(p, "欧阳娜娜"), 1);
	cr_expect_eq(match(p, "张"), 0);
	cr_expect_eq(match(p, "欧阳娜娜娜"), 0);
	cr_expect_eq(match(p, "Zhang"), 0);
	cr_expect_eq(match(p, "张W"), 0);
	cr_expect_eq(match("^.{3}$", "科技公"), 1);
	cr_expect_eq(match("^.{3}$", "abcd"), 0);
	cr_expect_eq(match("^[^,]{2}$", "张伟"), 1);
	cr_expect_eq(match("^\\u{1F600}$", "😀"), 1);
	cr_expect_eq(match("^\\u0041$", "A"), 1);
}

Test(regex, ecmascript_classes_and_lookarounds)
{
	cr_expect_eq(match("^\\d+$", "2024"), 1);
	cr_expect_eq(match("^\\d+$", "２０２４"), 0); /* ASCII digits only */
	cr_expect_eq(match("^\\w+$", "a_Z9"), 1);
	cr_expect_eq(match("^\\w+$", "é"), 0);
	cr_expect_eq(match("^(?=.*\\d)[a-z\\d]{4,}$", "ab12"), 1);
	cr_expect_eq(match("^(?=.*\\d)[a-z\\d]{4,}$", "abcd"), 0);
	cr_expect_eq(match("^(?!test)\\w+$", "testing"), 0);
	cr_expect_eq(match("(?<=\\$)\\d+", "cost $40"), 1);
	cr_expect_eq(match("\\bword\\b", "a word here"), 1);
	cr_expect_eq(match("\\bword\\b", "swordfish"), 0);
	cr_expect_eq(match("^a{2,3}$", "aaaa"), 0);
	cr_expect_eq(match("^(ab)\\1$", "abab"), 1);
	cr_expect_eq(match("^[^]$", "\n"), 1);  /* [^] is any character */
	cr_expect_eq(match("[]", "abc"), 0);    /* [] is none */
	cr_expect_eq(match("^\\x41$", "A"), 1);
}

Test(regex, search_is_unanchored_and_dollar_is_the_end)
{
	cr_expect_eq(match("b", "abc"), 1);
	cr_expect_eq(match("^b", "abc"), 0);
	cr_expect_eq(match("^ab$", "ab"), 1);
	cr_expect_eq(match("^ab$", "ab\n"), 0);
	cr_expect_eq(match("^a.c$", "a\nc"), 0);
	cr_expect_eq(match("", "anything"), 1);
	/* an embedded NUL is part of the text */
	crm_regex *re = compile("^a\\u0000b$");
	cr_expect_eq(crm_regex_match(re, NULL, "a\0b", 3), 1);
	crm_regex_free(re);
}

Test(regex, compile_errors_say_where)
{
	refused("^(a$", 4, "missing closing parenthesis");
	refused("[z-a]", 3, "range out of order");
	refused("a\\C", 3, "\\C is disabled");
	refused("(*UCP)\\d", 6, "UCP is disabled");
	refused("张(", 2, "missing closing parenthesis"); /* characters, not bytes */
	refused("^(((a{0,255}){0,255}){0,255}){0,255}$", 37, "too large");
	char *big = malloc(CRM_REGEX_MAX_PATTERN + 2);
	memset(big, 'a', CRM_REGEX_MAX_PATTERN + 1);
	big[CRM_REGEX_MAX_PATTERN + 1] = 0;
	refused(big, 0, "longer than the limit");
	free(big);
}

static double since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Catastrophic backtracking gives up with a reason, well under a second. */
Test(regex, hostile_patterns_give_up_fast, .timeout = 10)
{
	static const char *const pats[] = {
		"^((a{0,30}){0,30}){0,30}$", "^(a+)+$", "^(a|a)+$", "^(a|aa)+$",
		"(x+x+)+[yz]", "^(\\w+\\s?)*$",
	};
	char text[64];
	memset(text, 'a', 40);
	strcpy(text + 40, "!");
	for (size_t i = 0; i < sizeof pats / sizeof *pats; i++) {
		crm_regex *re = compile(pats[i]);
		const char *t = text;
		char xs[64];
		if (strchr(pats[i], 'x')) {
			memset(xs, 'x', 40);
			xs[40] = 0;
			t = xs;
		}
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int rc = crm_regex_match(re, NULL, t, strlen(t));
		double secs = since(&t0);
		cr_expect_eq(rc, CRM_EFAIL, "%s: %d", pats[i], rc);
		cr_expect(strstr(crm_error_last(), "limit"), "%s: %s", pats[i], crm_error_last());
		cr_expect_lt(secs, 0.25, "%s took %.3f s", pats[i], secs);
		crm_regex_free(re);
	}
	crm_regex *re = compile("^(a+)+$");
	cr_expect_eq(crm_regex_match(re, NULL, text, strlen(text)), CRM_EFAIL);
	cr_expect(strstr(crm_error_last(), "hit the match limit"), "%s", crm_error_last());
	crm_regex_free(re);
	/* a pattern cannot raise its own limits */
	re = compile("(*LIMIT_MATCH=1000000000)^(a|a)+$");
	cr_expect_eq(crm_regex_match(re, NULL, text, strlen(text)), CRM_EFAIL);
	crm_regex_free(re);
}

/* A long text shares one budget among its start positions. */
Test(regex, long_text_stays_bounded, .timeout = 10)
{
	size_t n = 200000;
	char *t = malloc(n + 1);
	memset(t, 'a', n);
	t[n] = 0;
	crm_regex *re = compile(".+[cd]");
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = crm_regex_match(re, NULL, t, n);
	double secs = since(&t0);
	cr_expect_eq(rc, CRM_EFAIL);
	cr_expect_lt(secs, 0.5, "took %.3f s", secs);
	crm_regex_free(re);
	/* simple searches over the same text still answer */
	cr_expect_eq(match("^a+$", t), 1);
	cr_expect_eq(match("b", t), 0);
	cr_expect_eq(match("^(?!\\s*$).+", t), 1);
	free(t);
}
