/*
 * A crm killed in the middle of a change: the next crm command finishes or
 * undoes it, so that HEAD, the index and the working tree agree, no
 * temporary file shows in git status, and a retry logs a follow-up once.
 * The kill lands at a fixed point: strace kills crm when it opens the
 * branch's .lock file to move it, after the record is written and before
 * the commit exists. (tests/crash/crash.py kills at random moments.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

TestSuite(crash, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static void need_strace(void)
{
	if (system("strace -V >/dev/null 2>&1") != 0)
		cr_skip_test("strace is not installed (tools/deps.sh installs it)");
}

static void add(const char *b, const char *name)
{
	e2e_run r = e2e_crmv(b, "add", name, "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* crm ARGS in book b, SIGKILLed as it is about to move the branch. */
static void killed(const char *b, const char *args)
{
	e2e_run r = e2e_sh(b,
			   "strace -f -o /dev/null -P \"$PWD/.git/refs/heads/main.lock\" -e trace=openat "
			   "-e inject=openat:signal=SIGKILL:when=1 \"$CRM_BIN\" %s",
			   args);
	cr_assert_eq(r.code, 128 + 9, "crm %s was not killed: exit %d\n%s", args, r.code, r.err);
	e2e_run_free(&r);
}

/* HEAD, index and working tree agree, and git status shows nothing. */
static void assert_clean(const char *b)
{
	e2e_assert_sh_eq(b, "", "git status --porcelain --untracked-files=all");
	e2e_run r = e2e_sh(b, "git diff --quiet HEAD -- customers crm.yaml && "
			      "git diff --cached --quiet -- customers crm.yaml");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(crash, a_follow_killed_before_its_commit_is_undone_by_the_next_command)
{
	need_strace();
	const char *b = e2e_book();
	add(b, "Acme");
	add(b, "Other");
	char *path = e2e_record_path(b, "202405001");
	char *before = e2e_read(path);
	int n = e2e_commits(b);
	killed(b, "follow Acme --via phone --summary 'signed the NDA'");
	cr_assert_eq(e2e_commits(b), n);

	e2e_run r = e2e_crmv(b, "tag", "Other", "vip", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *now = e2e_read(path);
	cr_assert_str_eq(now, before, "the killed follow-up stayed in the file:\n%s", now);
	assert_clean(b);

	/* the user retries: the follow-up is there once */
	r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "signed the NDA", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "1", "git show HEAD:customers/2024/05/202405001.yaml | grep -c NDA");
	assert_clean(b);
	free(now);
	free(before);
	free(path);
}

Test(crash, an_add_killed_before_its_commit_leaves_no_file)
{
	need_strace();
	const char *b = e2e_book();
	add(b, "Acme");
	killed(b, "add Newco --kind company --source online");
	e2e_run r = e2e_crmv(b, "tag", "Acme", "vip", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *p = e2e_record_path(b, "202405002");
	cr_assert_null(p, "the killed add left %s", p);
	assert_clean(b);
	/* and the id is free again */
	r = e2e_crmv(b, "add", "Newco", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "202405002");
	e2e_run_free(&r);
	assert_clean(b);
}

Test(crash, an_index_left_stale_by_a_commit_is_repaired_by_the_next_command)
{
	const char *b = e2e_book();
	add(b, "Acme");
	add(b, "Other");
	/* a git that holds the index while crm commits */
	e2e_write("book/.git/index.lock", "");
	e2e_run f = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "signed the NDA", NULL);
	cr_assert(unlink("book/.git/index.lock") == 0);
	e2e_run r = e2e_crmv(b, "tag", "Other", "vip", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	assert_clean(b);
	if (f.code == 0) /* what crm said it saved is in HEAD, and stays there */
		e2e_assert_sh_eq(b, "1", "git show HEAD:customers/2024/05/202405001.yaml | grep -c NDA");
	e2e_run_free(&f);
}
