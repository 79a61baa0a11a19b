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
			      "ln -s ../elsewhere customers && git add customers && "
			      "git commit --no-verify -qm 'link'");
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
	free(orig);
	free(now);
}
