/*
 * Schema patterns end to end (SPEC §4, issue 6 defect 5): ECMAScript over
 * Unicode, and a hostile pattern that makes crm, its pre-commit hook and
 * `crm list` say so quickly instead of hanging for minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

TestSuite(pattern, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

#define NAME_RULE "  name:\n    type: string\n    minLength: 1\n"
/* the name's line under properties: in the default schema, as the errors cite it */
#define PATTERN_LINE 30

/* Give the name field of book's schema `pattern` (YAML single-quoted) and commit it. */
static void name_pattern(const char *book, const char *pattern)
{
	char path[256];
	snprintf(path, sizeof path, "%s/schema/customer.schema.yaml", book);
	char *s = e2e_read(path);
	cr_assert_not_null(s);
	char *at = strstr(s, NAME_RULE);
	cr_assert_not_null(at, "the default schema's name rule moved");
	at += strlen(NAME_RULE);
	size_t n = strlen(s) + strlen(pattern) + 64;
	char *out = malloc(n);
	snprintf(out, n, "%.*s    pattern: '%s'\n%s", (int)(at - s), s, pattern, at);
	e2e_write(path, out);
	free(out);
	free(s);
	e2e_run r = e2e_sh(book, "git commit -qm 'name pattern' --no-verify schema");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* Whether the run printed `needle` (validate reports on stdout, others on stderr). */
#define assert_said(r, needle)                                                           \
	cr_assert(strstr((r).out, (needle)) || strstr((r).err, (needle)),                 \
		  "'%s' not found in:\nstdout:\n%s\nstderr:\n%s", (needle), (r).out, (r).err)

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Before PCRE2, each of these took over 30 s; under valgrind crm is ~30x slower. */
#define QUICK 5.0

#define LONG_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"

Test(pattern, chinese_names_count_characters)
{
	const char *b = e2e_book();
	name_pattern(b, "^[\\u4e00-\\u9fa5]{2,4}$");
	int n = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "add", "张伟", "--kind", "person", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n + 1);
	e2e_assert_sh_eq(b, "1", "grep -rlx 'name: 张伟' customers | wc -l");
	r = e2e_crmv(b, "add", "Zhang", "--kind", "person", "--source", "online", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm: error:");
	e2e_assert_has(r.err, "'Zhang' does not match the pattern ^[\\u4e00-\\u9fa5]{2,4}$");
	e2e_run_free(&r);
	/* five characters are one too many */
	r = e2e_crmv(b, "add", "欧阳娜娜娜", "--kind", "person", "--source", "online", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "does not match the pattern");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n + 1);
	e2e_assert_sh_eq(b, "1", "find customers -name '*.yaml' | wc -l");
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* The pattern of the probe: glibc expanded it to 5 GB; PCRE2 refuses its size. */
Test(pattern, hostile_pattern_that_does_not_compile)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	name_pattern(b, "^(((a{0,255}){0,255}){0,255}){0,255}$");
	int n = e2e_commits(b);
	char where[64];
	snprintf(where, sizeof where, "customer.schema.yaml:%d:14: error: pattern", PATTERN_LINE);
	static const char *const cmds[][2] = { { "validate", NULL }, { "list", NULL } };
	for (size_t i = 0; i < 2; i++) {
		double t0 = now();
		r = e2e_crm(b, cmds[i]);
		double secs = now() - t0;
		e2e_assert_code(r, 1);
		assert_said(r, where);
		assert_said(r, "does not compile: regular expression is too large");
		cr_expect_lt(secs, QUICK, "crm %s took %.1f s", cmds[i][0], secs);
		e2e_run_free(&r);
	}
	/* the pre-commit hook refuses a record commit, and says why */
	double t0 = now();
	r = e2e_sh(b, "sed -i 's/^name: Acme$/name: Acme Ltd/' customers/2024/05/*.yaml && "
		      "git commit -qam 'rename by hand'");
	double secs = now() - t0;
	cr_assert_neq(r.code, 0, "the hook let a commit through:\n%s", r.err);
	e2e_assert_has(r.err, "does not compile: regular expression is too large");
	cr_expect_lt(secs, QUICK, "the hook took %.1f s", secs);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
}

/* A pattern that compiles but backtracks without end: an error on the field. */
Test(pattern, hostile_pattern_hits_the_match_limit)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", LONG_A, "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	name_pattern(b, "^(a|a)+$");
	int n = e2e_commits(b);
	char *rec = e2e_sh_out(b, "ls customers/2024/05/*.yaml");
	char where[512];
	snprintf(where, sizeof where,
		 "%s:3:7: error: name: cannot be checked: the pattern ^(a|a)+$ hit the match limit",
		 rec);

	double t0 = now();
	r = e2e_crmv(b, "validate", NULL);
	double secs = now() - t0;
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, where);
	cr_expect_lt(secs, QUICK, "crm validate took %.1f s", secs);
	e2e_run_free(&r);

	/* list skips the record it cannot check, and says why */
	t0 = now();
	r = e2e_crmv(b, "list", NULL);
	secs = now() - t0;
	cr_assert(r.code == 0 || r.code == 1, "exit %d:\n%s", r.code, r.err);
	e2e_assert_has(r.err, "hit the match limit");
	cr_expect_lt(secs, QUICK, "crm list took %.1f s", secs);
	e2e_run_free(&r);

	/* and a write of that record is refused, not hung */
	r = e2e_crmv(b, "follow", LONG_A, "--via", "phone", "--summary", "called", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "hit the match limit");
	e2e_run_free(&r);

	t0 = now();
	r = e2e_sh(b, "sed -i 's/^name: .*/name: %sb/' %s && git commit -qam 'by hand'", LONG_A,
		   rec);
	secs = now() - t0;
	cr_assert_neq(r.code, 0, "the hook let a commit through:\n%s", r.err);
	e2e_assert_has(r.err, "hit the match limit");
	cr_expect_lt(secs, QUICK, "the hook took %.1f s", secs);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
	free(rec);
}
