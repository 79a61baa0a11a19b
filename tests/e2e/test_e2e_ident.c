/*
 * Hostile books, end to end: team identities that would corrupt history,
 * folders that are symlinks out of the book, stale locks and temporaries,
 * worktrees, hooksPath, and commands that would remove history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e.h"

TestSuite(ident, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);
TestSuite(links, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);
TestSuite(hostile, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static const char *EVIL_TEAM =
	"book: Test book\n"
	"team:\n"
	"  - id: ming\n"
	"    name: \"Ming\\nparent 0000000000000000000000000000000000000000\"\n"
	"    email: ming@example.com\n"
	"  - id: ../../evil\n"
	"    name: Evil\n"
	"  - id: li\n"
	"    name: Li\n"
	"    email: \"li@example.com\\nx\"\n";

Test(ident, a_team_name_with_a_newline_is_refused_and_never_committed)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_write("book/crm.yaml", EVIL_TEAM);
	/* the pre-commit hook refuses it */
	r = e2e_sh(b, "git commit -qam 'evil team' 2>&1");
	cr_expect_neq(r.code, 0, "the hook let an evil team in:\n%s", r.out);
	e2e_run_free(&r);
	/* committed anyway, past the hook */
	r = e2e_sh(b, "git commit --no-verify -qam 'evil team'");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	int before = e2e_commits(b);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "crm.yaml:4:11: error: team member 'ming': name has a line break");
	e2e_assert_has(r.out, "crm.yaml:6:9: error: a team id is letters, digits");
	e2e_assert_has(r.out, "crm.yaml:10:12: error: team member 'li': email has a line break");
	e2e_assert_hasnt(r.out, "evil");
	e2e_run_free(&r);
	r = e2e_crmv(b, "add", "Beta", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "hi", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	cr_expect_eq(e2e_commits(b), before);
	/* no commit has a forged header */
	r = e2e_sh(b, "git fsck --strict 2>&1");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "0", "git log --format=%an | grep -c parent || true");
}

/* ---- defect 6: folders that are symlinks out of the book ---- */

Test(links, a_customers_folder_that_is_a_link_is_never_written_through)
{
	const char *b = e2e_book();
	e2e_run r = e2e_sh(b, "mkdir ../elsewhere && git rm -rq customers && "
			      "ln -s ../elsewhere customers && git add customers");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	/* the pre-commit hook refuses the link */
	r = e2e_sh(b, "git commit -qm 'link' 2>&1");
	cr_expect_neq(r.code, 0, "the hook let the link in:\n%s", r.out);
	e2e_assert_has(r.out, "customers: error: a symbolic link under customers/");
	e2e_run_free(&r);
	r = e2e_sh(b, "git commit --no-verify -qm 'link'");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	int before = e2e_commits(b);
	r = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm: error: customers is a symbolic link; records must be inside the book");
	e2e_run_free(&r);
	e2e_assert_sh_eq(NULL, "", "find elsewhere -type f");
	cr_expect_eq(e2e_commits(b), before);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "customers: error: this folder is a symbolic link; records must be "
			      "inside the book");
	e2e_run_free(&r);
}

Test(links, a_year_folder_that_is_a_link_is_refused_by_add_follow_and_validate)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh(b, "mv customers/2024 ../elsewhere && ln -s ../../elsewhere customers/2024 && "
		      "git add -A customers && git commit --no-verify -qm 'link'");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *orig = e2e_read("elsewhere/05/202405001.yaml");
	cr_assert_not_null(orig);
	int before = e2e_commits(b);
	r = e2e_crmv(b, "follow", "202405001", "--via", "phone", "--summary", "hi", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "customers/2024 is a symbolic link; records must be inside the book");
	e2e_run_free(&r);
	r = e2e_crmv(b, "add", "Beta", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "customers/2024 is a symbolic link");
	e2e_run_free(&r);
	char *now = e2e_read("elsewhere/05/202405001.yaml");
	cr_expect_str_eq(now, orig);
	e2e_assert_sh_eq(NULL, "elsewhere/05/202405001.yaml", "find elsewhere -type f");
	cr_expect_eq(e2e_commits(b), before);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "customers/2024: error: this folder is a symbolic link");
	e2e_run_free(&r);
	/* a record named through the link is flagged too */
	r = e2e_crmv(b, "validate", "customers/2024/05/202405001.yaml", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "customers/2024/05/202405001.yaml: error: customers/2024 is a "
			      "symbolic link; records must be inside the book");
	e2e_run_free(&r);
	free(orig);
	free(now);
}

/* ---- defect 8: stale locks, temporaries, worktrees, hooks, history ---- */

/* Add Acme (202405001) to the book; returns nothing, asserts success. */
static void add_acme(const char *b)
{
	e2e_run r = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(hostile, a_stale_branch_lock_is_named_with_how_to_remove_it)
{
	const char *b = e2e_book();
	add_acme(b);
	int before = e2e_commits(b);
	e2e_write("book/.git/refs/heads/main.lock", "");
	e2e_run r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "hi", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, ".git/refs/heads/main.lock exists");
	e2e_assert_has(r.err, "if no git is running, remove it (rm '");
	e2e_assert_hasnt(r.err, "for writing: \n");
	e2e_run_free(&r);
	cr_expect_eq(e2e_commits(b), before);
	/* removed as told, the next write goes through */
	r = e2e_sh(b, "rm .git/refs/heads/main.lock");
	e2e_run_free(&r);
	r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "hi", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_expect_eq(e2e_commits(b), before + 1);
}

Test(hostile, temporaries_of_a_killed_crm_are_ignored_and_removed)
{
	const char *b = e2e_book();
	add_acme(b);
	/* what a crm killed between mkstemp and rename leaves behind */
	e2e_write("book/customers/2024/05/.202405001.yaml.Ab3xYz", "half");
	e2e_write("book/.crm.yaml.Qw12Er", "half");
	e2e_assert_sh_eq(b, "", "git status --porcelain");
	e2e_run r = e2e_sh(b, "git add -A && git diff --cached --name-only");
	e2e_assert_code(r, 0);
	cr_expect_str_eq(r.out, "");
	e2e_run_free(&r);
	/* the next write, holding the lock, removes them */
	r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "hi", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "", "find . -name '.*.yaml.[a-zA-Z0-9]*'");
	/* and add, which scans the book, removes them anywhere under customers/ */
	e2e_write("book/customers/2023/01/.202301001.yaml.Zz9Zz9", "half");
	add_acme(b);
	e2e_assert_sh_eq(b, "", "find . -name '.*.yaml.[a-zA-Z0-9]*'");
}

Test(hostile, a_book_without_the_ignore_rule_gets_it_from_setup)
{
	const char *b = e2e_example_book();
	e2e_write("ex/customers/.x.yaml.Ab3xYz", "half");
	e2e_assert_sh_eq(b, "", "git status --porcelain");
	e2e_assert_sh_eq(b, "1", "grep -c '^\\.\\*\\.yaml\\.??????$' .git/info/exclude");
	/* setup again adds nothing twice */
	e2e_run r = e2e_crmv(b, "setup", "--user", "ming", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "1", "grep -c '^\\.\\*\\.yaml\\.??????$' .git/info/exclude");
}

Test(hostile, a_lock_file_that_is_a_symlink_is_refused)
{
	const char *b = e2e_book();
	add_acme(b);
	e2e_write("victim", "precious\n");
	e2e_run r = e2e_sh(b, "rm -f .git/crm.lock && ln -s ../../victim .git/crm.lock");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	int before = e2e_commits(b);
	r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "hi", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm.lock is a symbolic link");
	e2e_run_free(&r);
	char *v = e2e_read("victim");
	cr_expect_str_eq(v, "precious\n");
	free(v);
	cr_expect_eq(e2e_commits(b), before);
}

Test(hostile, a_worktree_is_a_book_too)
{
	const char *b = e2e_book();
	add_acme(b);
	e2e_run r = e2e_sh(b, "git worktree add -q ../wt -b side");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv("wt", "follow", "Acme", "--via", "phone", "--summary", "from the worktree", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_assert_sh_eq("wt", "follow 202405001 phone: from the worktree", "git log -1 --format=%s side");
	e2e_assert_sh_eq("wt", "", "git status --porcelain");
	/* main did not move, and crm's lock went to the worktree's git dir */
	e2e_assert_sh_eq(b, "add 202405001: Acme", "git log -1 --format=%s main");
	e2e_assert_sh_eq(b, "yes", "test -f .git/worktrees/wt/crm.lock && echo yes");
	e2e_assert_sh_eq("wt", "yes", "test -f .git && echo yes");
}

Test(hostile, a_separate_git_dir_is_a_book_too)
{
	e2e_run r = e2e_sh(NULL, "git init -q --separate-git-dir=\"$PWD/sep.git\" sb");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(NULL, "init", "sb", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	add_acme("sb");
	e2e_assert_sh_eq("sb", "add 202405001: Acme", "git log -1 --format=%s");
	e2e_assert_sh_eq(NULL, "yes", "test -f sep.git/crm.lock && test -f sep.git/hooks/pre-commit && echo yes");
	e2e_assert_sh_eq("sb", "", "git status --porcelain");
}

Test(hostile, setup_installs_the_hook_where_core_hookspath_says)
{
	const char *b = e2e_book();
	e2e_run r = e2e_sh(b, "git config core.hooksPath .githooks");
	e2e_run_free(&r);
	r = e2e_crmv(b, "setup", "--user", "ming", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "/.githooks/pre-commit");
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "yes", "test -x .githooks/pre-commit && echo yes");
	/* and git runs it: an invalid record is refused by a plain commit */
	add_acme(b);
	r = e2e_sh(b, "sed -i 's/^kind: company/kind: companyy/' customers/2024/05/202405001.yaml && "
		      "git commit -qam 'bad' 2>&1");
	cr_expect_neq(r.code, 0, "the hook did not run:\n%s", r.out);
	e2e_run_free(&r);
}

Test(hostile, a_shared_hookspath_outside_the_book_is_left_alone)
{
	const char *b = e2e_book();
	e2e_write("shared/pre-commit", "#!/bin/sh\necho shared\n");
	e2e_run r = e2e_sh(b, "git config core.hooksPath \"$(cd ../shared && pwd)\"");
	e2e_run_free(&r);
	r = e2e_crmv(b, "setup", "--user", "ming", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "outside this book");
	e2e_assert_has(r.err, "/shared/pre-commit:\n    crm validate --staged --quiet || exit 1");
	e2e_run_free(&r);
	char *h = e2e_read("shared/pre-commit");
	cr_expect_str_eq(h, "#!/bin/sh\necho shared\n");
	free(h);
	e2e_assert_sh_eq(NULL, "pre-commit", "ls shared");
}

Test(hostile, a_lock_timeout_that_is_not_a_number_is_an_error)
{
	const char *b = e2e_book();
	add_acme(b);
	const char *bad[] = {"nan", "inf", "-1", "abc", "1e9", "5s"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		e2e_run r = e2e_sh(b, "CRM_LOCK_TIMEOUT=%s \"$CRM_BIN\" follow Acme --via phone "
				      "--summary hi", bad[i]);
		e2e_assert_code(r, 2);
		e2e_assert_has(r.err, "CRM_LOCK_TIMEOUT=");
		e2e_assert_has(r.err, "is not a number of seconds from 0 to 3600");
		e2e_run_free(&r);
	}
	e2e_run r = e2e_sh(b, "CRM_LOCK_TIMEOUT=0.5 \"$CRM_BIN\" follow Acme --via phone --summary hi");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(hostile, set_never_removes_the_follow_up_log_or_stage_history)
{
	const char *b = e2e_book();
	add_acme(b);
	e2e_run r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "signed the NDA", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *orig = e2e_read("book/customers/2024/05/202405001.yaml");
	int before = e2e_commits(b);
	const char *refused[] = {"followups=", "followups-=x", "followups[0]=", "followups=[]",
				 "stage_history=", "stage_history[0]=", "followups[0].summary="};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		r = e2e_crmv(b, "set", "Acme", refused[i], NULL);
		e2e_assert_code(r, 1);
		e2e_assert_has(r.err, "history, which crm never removes");
		e2e_assert_has(r.err, "edit the file with 'crm edit 202405001' if that is really meant");
		e2e_run_free(&r);
	}
	char *now = e2e_read("book/customers/2024/05/202405001.yaml");
	cr_expect_str_eq(now, orig);
	cr_expect_eq(e2e_commits(b), before);
	/* correcting one field of a follow-up is still a set */
	r = e2e_crmv(b, "set", "Acme", "followups[0].result=progressed", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	free(orig);
	free(now);
}
