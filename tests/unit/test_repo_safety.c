/*
 * The history layer's answers to hostile repositories: where hooks go when
 * core.hooksPath is set, the per-clone ignore rules, and a branch whose
 * .lock file stays.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "crm/buf.h"
#include "crm/error.h"
#include "crm/history.h"
#include "crm/staged.h"

static char root[64];
static char book[128];

static void setup(void)
{
	strcpy(root, "/tmp/crm-reposafe-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	snprintf(book, sizeof book, "%s/book", root);
	setenv("HOME", root, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	cr_assert_eq(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, root), 0);
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(reposafe, .init = setup, .fini = teardown);

/* Run a shell command in the book; it must succeed. */
static void sh(const char *what)
{
	char *cmd = crm_xasprintf("cd '%s' && %s", book, what);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
}

static char *slurp(const char *rel)
{
	char *p = crm_xasprintf("%s/%s", book, rel);
	crm_buf b = CRM_BUF_INIT;
	int rc = crm_buf_read_file(&b, p);
	free(p);
	if (rc) {
		crm_buf_free(&b);
		return NULL;
	}
	return crm_buf_detach(&b);
}

static crm_repo *new_repo(void)
{
	crm_repo *r = NULL;
	cr_assert_eq(crm_repo_init(&r, book), 0, "%s", crm_error_last());
	return r;
}

/* Reopen, so that config written by git after opening is seen. */
static crm_repo *reopen(crm_repo *r)
{
	crm_repo_free(r);
	cr_assert_eq(crm_repo_open(&r, book), 0, "%s", crm_error_last());
	return r;
}

Test(reposafe, hooks_go_to_git_dir_by_default)
{
	crm_repo *r = new_repo();
	char *dir = NULL;
	int outside = -1;
	cr_assert_eq(crm_repo_hooks_dir(r, &dir, &outside), 0, "%s", crm_error_last());
	char *want = crm_xasprintf("%s/.git/hooks", book);
	cr_expect_str_eq(dir, want);
	cr_expect_eq(outside, 0);
	free(dir);
	free(want);
	crm_repo_free(r);
}

Test(reposafe, a_relative_hooks_path_inside_the_book_gets_the_hook)
{
	crm_repo *r = new_repo();
	sh("git config core.hooksPath .githooks");
	r = reopen(r);
	char *dir = NULL;
	int outside = -1;
	cr_assert_eq(crm_repo_hooks_dir(r, &dir, &outside), 0, "%s", crm_error_last());
	char *real = realpath(book, NULL);
	char *want = crm_xasprintf("%s/.githooks", real);
	cr_expect_str_eq(dir, want);
	cr_expect_eq(outside, 0);
	cr_assert_eq(crm_repo_install_hook(r, "pre-commit", "#!/bin/sh\nexit 0\n"), 0, "%s",
		     crm_error_last());
	char *h = slurp(".githooks/pre-commit");
	cr_expect_str_eq(h, "#!/bin/sh\nexit 0\n");
	cr_expect_null(slurp(".git/hooks/pre-commit"));
	free(h);
	free(dir);
	free(want);
	free(real);
	crm_repo_free(r);
}

Test(reposafe, a_hooks_path_outside_the_book_is_never_written)
{
	crm_repo *r = new_repo();
	sh("mkdir ../shared && printf '#!/bin/sh\\necho shared\\n' > ../shared/pre-commit && "
	   "git config core.hooksPath ../shared");
	r = reopen(r);
	char *dir = NULL;
	int outside = -1;
	cr_assert_eq(crm_repo_hooks_dir(r, &dir, &outside), 0, "%s", crm_error_last());
	cr_expect_eq(outside, 1);
	cr_expect(strstr(dir, "/shared") != NULL, "%s", dir);
	cr_expect_eq(crm_repo_install_hook(r, "pre-commit", "#!/bin/sh\nexit 0\n"), CRM_EFAIL);
	cr_expect(strstr(crm_error_last(), "outside this book") != NULL, "%s", crm_error_last());
	char *h = slurp("../shared/pre-commit");
	cr_expect_str_eq(h, "#!/bin/sh\necho shared\n");
	free(h);
	/* ".." that climbs out is outside too, even inside a path that starts in the book */
	sh("git config core.hooksPath sub/../../shared");
	r = reopen(r);
	free(dir);
	cr_assert_eq(crm_repo_hooks_dir(r, &dir, &outside), 0, "%s", crm_error_last());
	cr_expect_eq(outside, 1, "%s", dir);
	free(dir);
	crm_repo_free(r);
}

Test(reposafe, exclude_rules_are_added_once)
{
	crm_repo *r = new_repo();
	cr_assert_eq(crm_repo_add_exclude(r, ".*.yaml.??????\n"), 0, "%s", crm_error_last());
	cr_assert_eq(crm_repo_add_exclude(r, ".*.yaml.??????\n"), 0, "%s", crm_error_last());
	char *x = slurp(".git/info/exclude");
	cr_assert_not_null(x);
	char *first = strstr(x, ".*.yaml.??????\n");
	cr_assert_not_null(first, "%s", x);
	cr_expect_null(strstr(first + 1, ".*.yaml.??????\n"), "added twice:\n%s", x);
	free(x);
	/* a file without a final newline keeps its last line whole */
	sh("printf 'mine' > .git/info/exclude");
	cr_assert_eq(crm_repo_add_exclude(r, "x\n"), 0, "%s", crm_error_last());
	x = slurp(".git/info/exclude");
	cr_expect_str_eq(x, "mine\nx\n");
	free(x);
	crm_repo_free(r);
}

Test(reposafe, a_branch_lock_that_stays_is_named_with_advice)
{
	crm_repo *r = new_repo();
	sh("echo a > a.txt");
	const char *paths[] = {"a.txt"};
	cr_assert_eq(crm_repo_commit(r, paths, 1, "Ming", "ming@example.com", "one", NULL), 0, "%s",
		     crm_error_last());
	sh("echo b > a.txt && touch .git/refs/heads/main.lock");
	cr_expect_eq(crm_repo_commit(r, paths, 1, "Ming", "ming@example.com", "two", NULL),
		     CRM_ELOCKED);
	const char *m = crm_error_last();
	cr_expect(strstr(m, "/.git/refs/heads/main.lock exists") != NULL, "%s", m);
	cr_expect(strstr(m, "if no git is running, remove it (rm '") != NULL, "%s", m);
	cr_expect(strstr(m, "for writing: ") == NULL, "%s", m);
	crm_repo_free(r);
}

Test(reposafe, staged_links_under_customers_are_listed)
{
	crm_repo *r = new_repo();
	sh("mkdir -p customers/2023 && touch customers/2023/a.yaml && ln -s /tmp customers/2024 && "
	   "ln -s /tmp elsewhere && git add -A");
	char **v = NULL;
	size_t n = 0;
	cr_assert_eq(crm_repo_staged_links(r, &v, &n), 0, "%s", crm_error_last());
	cr_assert_eq(n, 1);
	cr_expect_str_eq(v[0], "customers/2024");
	free(v[0]);
	free(v);
	/* once committed, it is no longer the commit's doing */
	sh("git -c user.name=M -c user.email=m@x.com commit -qm x");
	cr_assert_eq(crm_repo_staged_links(r, &v, &n), 0, "%s", crm_error_last());
	cr_expect_eq(n, 0);
	free(v);
	crm_repo_free(r);
}
