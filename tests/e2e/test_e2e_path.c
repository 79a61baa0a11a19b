/* Malformed field paths in set, add --set and log --field: exit 2 with what
 * is wrong, never a crash, and nothing written or committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(path, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

#define REC "book/customers/2024/05/202405001.yaml"

/* Each bad assignment and what the error must say about it. */
static const char *const BAD[][2] = {
	{"a..b=1", "bad path 'a..b': empty part after 'a'"},
	{".a=1", "bad path '.a': it starts with '.'"},
	{"needs.=x", "bad path 'needs.': it ends with '.'"},
	{"tags[-1]=x", "bad path 'tags[-1]': list index '-1' is not a number from 0"},
	{"=x", "'=x' names no field"},
	{"a[=1", "bad path 'a[': '[' without a closing ']'"},
	{"a[99999999999999999999]=1", "list index 99999999999999999999 is too large"},
	{"a]b=1", "bad path 'a]b': ']' without an opening '['"},
	{"[0]=x", "bad path '[0]': it starts with a list index"},
	{"contacts[0]phone=1", "'.' missing before 'phone'"},
	{"tags[]+=x", "empty list index '[]'"},
	{"tags[x]-=x", "list index 'x' is not a number from 0"},
	{"+=x", "'+=x' names no field"},
};

static const char *one_customer(void)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "trade-show", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return b;
}

/* A refusal: exit 2, one "crm: error:" line saying `why`, no crash. */
static void assert_refused(e2e_run r, const char *arg, const char *why)
{
	cr_assert_eq(r.code, 2, "'%s': exit %d, want 2\nstderr:\n%s", arg, r.code, r.err);
	cr_assert(strncmp(r.err, "crm: error: ", 12) == 0, "'%s': stderr:\n%s", arg, r.err);
	cr_assert(strstr(r.err, why), "'%s': want '%s' in:\n%s", arg, why, r.err);
	cr_assert_str_eq(r.out, "", "'%s'", arg);
}

Test(path, set_refuses_each_bad_path_and_changes_nothing)
{
	const char *b = one_customer();
	char *before = e2e_read(REC);
	int commits = e2e_commits(b);
	for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
		e2e_run r = e2e_crmv(b, "set", "202405001", BAD[i][0], NULL);
		assert_refused(r, BAD[i][0], BAD[i][1]);
		e2e_run_free(&r);
		/* after a good one too: the bad one is found before anything is written */
		r = e2e_crmv(b, "set", "202405001", "needs.summary=x", BAD[i][0], NULL);
		assert_refused(r, BAD[i][0], BAD[i][1]);
		e2e_run_free(&r);
	}
	cr_assert_eq(e2e_commits(b), commits);
	char *after = e2e_read(REC);
	cr_assert_str_eq(after, before);
	free(after);
	free(before);
	e2e_assert_sh_eq(b, "", "git status --porcelain");
}

Test(path, add_refuses_each_bad_set_and_writes_no_record)
{
	const char *b = e2e_book();
	int commits = e2e_commits(b);
	for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
		e2e_run r = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", "--set",
				     BAD[i][0], NULL);
		assert_refused(r, BAD[i][0], BAD[i][1]);
		e2e_run_free(&r);
	}
	cr_assert_eq(e2e_commits(b), commits);
	e2e_assert_sh_eq(b, "", "git status --porcelain --untracked-files=all");
	e2e_assert_sh_eq(b, "0", "find customers -name '*.yaml' | wc -l");
}

Test(path, good_paths_still_work)
{
	const char *b = one_customer();
	e2e_run r = e2e_crmv(b, "set", "202405001", "needs.budget.max=200000", "tags+=高意向",
			     "contacts[0].name=张伟", NULL);
	/* contacts[0] on a record without contacts starts the list */
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *t = e2e_read(REC);
	e2e_assert_has(t, "    max: 200000\n");
	e2e_assert_has(t, "高意向");
	e2e_assert_has(t, "张伟");
	free(t);
	r = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", "--set",
		     "company.industry=智能制造", "--set", "tags+=a", "--set", "notes=", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(path, tag_and_contact_take_path_characters_as_plain_text)
{
	const char *b = one_customer();
	const char *odd[] = {"a..b", ".a", "x[", "[0]", "a]b", "needs."};
	for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
		e2e_run r = e2e_crmv(b, "tag", "202405001", "--", odd[i], NULL);
		e2e_assert_code(r, 0);
		e2e_run_free(&r);
	}
	e2e_run r = e2e_crmv(b, "untag", "202405001", "--", "[0]", "a..b", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "contact", "202405001", "--name", "a..b[0]", "--title", "x]y", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "contact", "202405001", "--name", "a..b[0]", "--phone", "138", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *t = e2e_read(REC);
	e2e_assert_has(t, "x]y");
	e2e_assert_hasnt(t, "'[0]'");
	e2e_assert_has(t, "needs.");
	free(t);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(path, log_field_refuses_a_bad_path)
{
	const char *b = one_customer();
	const char *bad[][2] = {
		{"a..b", "bad path 'a..b': empty part after 'a'"},
		{"tags[-1]", "list index '-1'"},
		{"[0]", "it starts with a list index"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		e2e_run r = e2e_crmv(b, "log", "202405001", "--field", bad[i][0], NULL);
		assert_refused(r, bad[i][0], bad[i][1]);
		e2e_run_free(&r);
	}
	e2e_run r = e2e_crmv(b, "log", "202405001", "--field", "stage", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(path, an_escape_sequence_in_a_path_is_shown_not_obeyed)
{
	const char *b = one_customer();
	const char *args[] = {"a\x1b[2Jb=1", "x[0]\x1b]0;pwned\a=1", "\x1b[2J"};
	for (size_t i = 0; i < sizeof args / sizeof *args; i++) {
		e2e_run r = e2e_crmv(b, "set", "202405001", args[i], NULL);
		cr_assert_eq(r.code, 2, "case %zu: exit %d\n%s", i, r.code, r.err);
		e2e_assert_hasnt(r.err, "\x1b");
		e2e_assert_hasnt(r.err, "\a");
		e2e_assert_has(r.err, "\\x1b");
		e2e_run_free(&r);
	}
}
