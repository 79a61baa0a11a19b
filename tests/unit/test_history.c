/*
 * The history layer, checked against the git command line: every test makes
 * its own book in a fresh temporary folder (Criterion runs tests in parallel
 * processes), with HOME pointing there so no one's real git config leaks in.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "crm/buf.h"
#include "crm/error.h"
#include "crm/history.h"

static char root[64];  /* the test's temporary folder, also HOME */
static char book[128]; /* root/book: the repository */

static void setup(void)
{
	strcpy(root, "/tmp/crm-history-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	snprintf(book, sizeof book, "%s/book", root);
	char *xdg = crm_xasprintf("%s/xdg", root);
	setenv("HOME", root, 1);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("TZ", "UTC", 1);
	const char *unset[] = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_DATE",
			       "GIT_COMMITTER_DATE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
			       "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", NULL};
	for (int i = 0; unset[i]; i++)
		unsetenv(unset[i]);
	/* Criterion itself links libgit2 and initialised it before this ran, so
	 * libgit2 has already looked at HOME: point its config search there. */
	char *nosys = crm_xasprintf("%s/no-system", root);
	cr_assert_eq(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, root), 0);
	cr_assert_eq(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, xdg), 0);
	cr_assert_eq(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, nosys), 0);
	free(nosys);
	free(xdg);
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(history, .init = setup, .fini = teardown);

/* Run a shell command (printf-style); return its standard output, which the
 * caller frees. The command must exit 0. */
static char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh(const char *fmt, ...)
{
	crm_buf cmd = CRM_BUF_INIT, out = CRM_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	crm_buf_vprintf(&cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(crm_buf_cstr(&cmd), "r");
	cr_assert_not_null(p);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, p)) > 0)
		crm_buf_put(&out, chunk, got);
	int st = pclose(p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "command failed (%d): %s", st,
		  crm_buf_cstr(&cmd));
	crm_buf_free(&cmd);
	crm_buf_puts(&out, "");
	return crm_buf_detach(&out);
}

/* Assert that a command's output is exactly `want`. */
#define expect_sh(want, ...)                                                                  \
	do {                                                                                   \
		char *got_ = sh(__VA_ARGS__);                                                  \
		cr_expect_str_eq(got_, want);                                                  \
		free(got_);                                                                    \
	} while (0)

/* Write a file of the book (relative path), creating its folders. */
static void put(const char *rel, const char *text)
{
	char *path = crm_xasprintf("%s/%s", book, rel);
	for (char *s = strchr(path + strlen(book) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0777);
		*s = '/';
	}
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	free(path);
}

static void rm(const char *rel)
{
	char *path = crm_xasprintf("%s/%s", book, rel);
	cr_assert_eq(unlink(path), 0, "%s: %s", path, strerror(errno));
	free(path);
}

/* A new book with a repository identity. */
static crm_repo *new_book(void)
{
	crm_repo *r = NULL;
	cr_assert_eq(crm_repo_init(&r, book), 0, "%s", crm_error_last());
	free(sh("git -C %s config user.name Ming && git -C %s config user.email ming@example.com",
		book, book));
	return r;
}

/* Commit one path as Ming; returns crm_repo_commit's value. */
static int commit1(crm_repo *r, const char *path, const char *msg, char *oid)
{
	const char *paths[] = {path};
	return crm_repo_commit(r, paths, 1, "Ming", "ming@example.com", msg, oid);
}

#define COMMIT_OK(r, path, msg)                                                                \
	do {                                                                                   \
		int rc_ = commit1(r, path, msg, NULL);                                         \
		cr_assert_eq(rc_, CRM_COMMIT_DONE, "commit %s: %d %s", path, rc_,              \
			     crm_error_last());                                                \
	} while (0)

static int count_commits(void)
{
	char *s = sh("git -C %s rev-list --count HEAD", book);
	int n = atoi(s);
	free(s);
	return n;
}

static int has_head(void)
{
	char *cmd = crm_xasprintf("git -C %s rev-parse -q --verify HEAD >/dev/null", book);
	int st = system(cmd);
	free(cmd);
	return st == 0;
}

/* ---- opening ---- */

Test(history, init_makes_an_empty_repository_on_main)
{
	crm_repo *r = new_book();
	char *want = crm_xasprintf("%s/.git/", book);
	cr_expect_str_eq(crm_repo_gitdir(r), want);
	free(want);
	want = crm_xasprintf("%s/", book);
	cr_expect_str_eq(crm_repo_workdir(r), want);
	free(want);
	cr_expect_not_null(crm_repo_git(r));
	expect_sh("refs/heads/main\n", "git -C %s symbolic-ref HEAD", book);
	expect_sh("false\n", "git -C %s rev-parse --is-bare-repository", book);
	crm_repo_free(r);

	/* A second init there refuses and leaves the repository alone. */
	cr_expect_eq(crm_repo_init(&r, book), CRM_EFAIL);
	cr_expect_null(r);
	cr_expect(strstr(crm_error_last(), "already") != NULL, "%s", crm_error_last());
}

Test(history, open_takes_only_the_top_of_a_working_tree)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "id: a\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");
	crm_repo_free(r);

	r = NULL;
	cr_assert_eq(crm_repo_open(&r, book), 0, "%s", crm_error_last());
	cr_assert_not_null(r);
	crm_repo_free(r);

	/* A folder inside the book is not a book: no search upward. */
	char *sub = crm_xasprintf("%s/customers", book);
	r = NULL;
	cr_expect_eq(crm_repo_open(&r, sub), CRM_ENOTFOUND);
	cr_expect_null(r);
	free(sub);

	/* The .git folder itself is not the working tree. */
	char *gitdir = crm_xasprintf("%s/.git", book);
	cr_expect_eq(crm_repo_open(&r, gitdir), CRM_ENOTFOUND);
	cr_expect_null(r);
	free(gitdir);

	cr_expect_eq(crm_repo_open(&r, root), CRM_ENOTFOUND);
	cr_expect(strstr(crm_error_last(), root) != NULL, "%s", crm_error_last());
	crm_repo_free(NULL);
}

/* ---- commit ---- */

Test(history, first_commit_in_an_empty_repository)
{
	crm_repo *r = new_book();
	put("crm.yaml", "book: East\n");
	put("customers/2024/05/202405001.yaml", "id: \"202405001\"\nname: 科技有限公司\n");
	const char *paths[] = {"customers/2024/05/202405001.yaml", "crm.yaml"};
	char oid[41];
	int rc = crm_repo_commit(r, paths, 2, "销售代表*明", "ming@example.com", "init: East", oid);
	cr_assert_eq(rc, CRM_COMMIT_DONE, "%s", crm_error_last());

	char *head = sh("git -C %s rev-parse HEAD", book);
	cr_expect_eq(strlen(oid), 40);
	cr_expect_eq(strncmp(head, oid, 40), 0, "%s vs %s", head, oid);
	free(head);
	expect_sh("", "git -C %s fsck --strict 2>&1", book);
	expect_sh("crm.yaml\ncustomers/2024/05/202405001.yaml\n",
		  "git -C %s ls-tree -r --name-only HEAD", book);
	expect_sh("销售代表*明 <ming@example.com>|销售代表*明 <ming@example.com>|init: East\n",
		  "git -C %s log --format='%%an <%%ae>|%%cn <%%ce>|%%s'", book);
	expect_sh("id: \"202405001\"\nname: 科技有限公司\n",
		  "git -C %s show HEAD:customers/2024/05/202405001.yaml", book);
	expect_sh("", "git -C %s status --porcelain", book);
	/* git's reflog line, on the branch and on HEAD. */
	expect_sh("commit (initial): init: East\n", "git -C %s reflog --format=%%gs main", book);
	expect_sh("commit (initial): init: East\n", "git -C %s reflog --format=%%gs HEAD", book);
	crm_repo_free(r);
}

Test(history, commit_takes_only_the_given_paths_whatever_is_staged)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	put("customers/b.yaml", "b: 1\n");
	const char *both[] = {"customers/a.yaml", "customers/b.yaml"};
	cr_assert_eq(crm_repo_commit(r, both, 2, "Ming", "ming@example.com", "add", NULL), 0);

	put("customers/a.yaml", "a: 2\n");
	put("customers/b.yaml", "b: 2\n");
	put("notes.txt", "staged too\n");
	free(sh("git -C %s add customers/b.yaml notes.txt", book));
	COMMIT_OK(r, "customers/a.yaml", "set a");

	expect_sh("M\tcustomers/a.yaml\n",
		  "git -C %s diff-tree --no-commit-id --name-status -r HEAD", book);
	expect_sh(" customers/a.yaml | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n",
		  "git -C %s show --stat --format= HEAD", book);
	/* a is clean, what was staged stays staged and uncommitted. */
	expect_sh("M  customers/b.yaml\nA  notes.txt\n", "git -C %s status --porcelain", book);
	expect_sh("", "git -C %s fsck --strict 2>&1", book);
	crm_repo_free(r);
}

Test(history, deleting_a_file_commits_its_removal_and_drops_empty_folders)
{
	crm_repo *r = new_book();
	put("customers/2024/05/202405001.yaml", "x: 1\n");
	put("customers/2024/06/202406001.yaml", "y: 1\n");
	const char *both[] = {"customers/2024/05/202405001.yaml",
			      "customers/2024/06/202406001.yaml"};
	cr_assert_eq(crm_repo_commit(r, both, 2, "Ming", "ming@example.com", "add", NULL), 0);

	rm("customers/2024/05/202405001.yaml");
	COMMIT_OK(r, "customers/2024/05/202405001.yaml", "delete 202405001");
	expect_sh("D\tcustomers/2024/05/202405001.yaml\n",
		  "git -C %s diff-tree --no-commit-id --name-status -r HEAD", book);
	/* No empty tree is left for customers/2024/05. */
	expect_sh("customers\ncustomers/2024\ncustomers/2024/06\n"
		  "customers/2024/06/202406001.yaml\n",
		  "git -C %s ls-tree -r -t --name-only HEAD", book);
	expect_sh("", "git -C %s status --porcelain", book);
	expect_sh("", "git -C %s fsck --strict 2>&1", book);
	crm_repo_free(r);
}

Test(history, nothing_to_commit_returns_1_and_makes_no_commit)
{
	crm_repo *r = new_book();
	char oid[41] = "x";
	/* Unborn HEAD and nothing there: nothing, and no HEAD to report. */
	cr_expect_eq(commit1(r, "customers/none.yaml", "nothing", oid), CRM_COMMIT_NOTHING);
	cr_expect_str_eq(oid, "");

	put("customers/a.yaml", "a: 1\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");
	char *head = sh("git -C %s rev-parse HEAD", book);
	cr_expect_eq(commit1(r, "customers/a.yaml", "again", oid), CRM_COMMIT_NOTHING);
	cr_expect_eq(strncmp(oid, head, 40), 0);
	cr_expect_eq(commit1(r, "customers/gone.yaml", "remove what is not there", NULL),
		     CRM_COMMIT_NOTHING);
	cr_expect_eq(crm_repo_commit(r, NULL, 0, "Ming", "ming@example.com", "no paths", NULL),
		     CRM_COMMIT_NOTHING);
	cr_expect_eq(count_commits(), 1);
	free(head);
	crm_repo_free(r);
}

Test(history, a_commit_made_by_git_in_between_is_kept)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");

	/* Someone else commits with git while our handle stays open. */
	put("customers/b.yaml", "b: 1\n");
	free(sh("git -C %s add customers/b.yaml && git -C %s commit -q -m 'add b by hand'", book,
		book));
	char *theirs = sh("git -C %s rev-parse HEAD", book);

	put("customers/a.yaml", "a: 2\n");
	COMMIT_OK(r, "customers/a.yaml", "set a");
	char *parent = sh("git -C %s rev-parse HEAD^", book);
	cr_expect_str_eq(parent, theirs);
	expect_sh("set a\nadd b by hand\nadd a\n", "git -C %s log --format=%%s", book);
	expect_sh("customers/a.yaml\ncustomers/b.yaml\n", "git -C %s ls-tree -r --name-only HEAD",
		  book);
	expect_sh("", "git -C %s status --porcelain", book);
	free(parent);
	free(theirs);
	crm_repo_free(r);
}

Test(history, concurrent_writers_never_lose_a_commit)
{
	crm_repo *r = new_book();
	put("crm.yaml", "book: x\n");
	COMMIT_OK(r, "crm.yaml", "init");
	crm_repo_free(r);

	enum { WRITERS = 4, EACH = 6 };
	pid_t kids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		kids[w] = fork();
		cr_assert_neq(kids[w], -1);
		if (kids[w] == 0) {
			crm_repo *mine = NULL;
			int bad = crm_repo_open(&mine, book) != 0;
			for (int i = 0; !bad && i < EACH; i++) {
				char rel[64], text[32];
				snprintf(rel, sizeof rel, "customers/w%d/%d.yaml", w, i);
				snprintf(text, sizeof text, "n: %d\n", i);
				put(rel, text);
				int rc = commit1(mine, rel, rel, NULL);
				/* The index may be busy with another writer: fine. */
				bad = rc != CRM_COMMIT_DONE && rc != CRM_COMMIT_INDEX_STALE;
			}
			crm_repo_free(mine);
			_exit(bad);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;
		cr_assert_eq(waitpid(kids[w], &st, 0), kids[w]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", w);
	}
	cr_expect_eq(count_commits(), 1 + WRITERS * EACH);
	expect_sh("25\n", "git -C %s ls-tree -r --name-only HEAD | wc -l", book);
	/* Losing attempts leave dangling objects (as racing gits do): harmless. */
	expect_sh("", "git -C %s fsck --strict --no-dangling 2>&1", book);
}

Test(history, the_index_follows_and_a_busy_index_does_not_undo_the_commit)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	put("customers/b.yaml", "b: 1\n");
	free(sh("git -C %s add customers/b.yaml", book));
	/* Index busy: the commit stands, the index is left as it was. */
	put(".git/index.lock", "");
	char oid[41];
	cr_expect_eq(commit1(r, "customers/a.yaml", "add a", oid), CRM_COMMIT_INDEX_STALE);
	cr_expect(strstr(crm_error_last(), "index") != NULL, "%s", crm_error_last());
	expect_sh("customers/a.yaml\n", "git -C %s ls-tree -r --name-only HEAD", book);
	rm(".git/index.lock");
	expect_sh("?? customers/a.yaml\nA  customers/b.yaml\nD  customers/a.yaml\n",
		  "git -C %s status --porcelain=v1 --untracked-files=all customers/a.yaml "
		  "customers/b.yaml | sort",
		  book);
	/* Next time round the index catches up. */
	put("customers/a.yaml", "a: 2\n");
	COMMIT_OK(r, "customers/a.yaml", "set a");
	expect_sh("A  customers/b.yaml\n", "git -C %s status --porcelain", book);
	crm_repo_free(r);
}

Test(history, a_locked_branch_fails_cleanly)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");
	put(".git/refs/heads/main.lock", "");
	put("customers/a.yaml", "a: 2\n");
	cr_expect_eq(commit1(r, "customers/a.yaml", "set a", NULL), CRM_ELOCKED);
	cr_expect(strstr(crm_error_last(), "refs/heads/main") != NULL, "%s", crm_error_last());
	rm(".git/refs/heads/main.lock");
	cr_expect_eq(count_commits(), 1);
	crm_repo_free(r);
}

Test(history, sneaky_paths_are_refused)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");
	const char *bad[] = {"../x",	    "/etc/passwd", ".git/config", ".GIT/hooks/pre-commit",
			     "customers//a.yaml", "customers/./a.yaml", "customers/", "",
			     "customers/../customers/a.yaml", NULL};
	for (int i = 0; bad[i]; i++) {
		cr_expect_eq(commit1(r, bad[i], "sneaky", NULL), CRM_EINVALID, "%s", bad[i]);
		cr_expect(strstr(crm_error_last(), "refusing path") != NULL, "%s",
			  crm_error_last());
	}
	cr_expect_eq(count_commits(), 1);
	/* A folder is not a file. */
	cr_expect_eq(commit1(r, "customers", "folder", NULL), CRM_EINVALID);
	crm_repo_free(r);
}

Test(history, message_and_identity_rules)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	cr_expect_eq(commit1(r, "customers/a.yaml", "  \n\n", NULL), CRM_EUSAGE);
	cr_expect(!has_head());
	const char *paths[] = {"customers/a.yaml"};
	/* Cleaned as `git commit -m`: trailing blanks and blank lines go. */
	cr_assert_eq(crm_repo_commit(r, paths, 1, NULL, NULL, "follow a  \n\n\nsecond line\n\n",
				     NULL),
		     0, "%s", crm_error_last());
	expect_sh("follow a\n\nsecond line\n", "git -C %s log -1 --format=%%B | sed '$d'", book);
	/* NULL identity means git's own (the repository config here). */
	expect_sh("Ming <ming@example.com>\n", "git -C %s log -1 --format='%%an <%%ae>'", book);
	put("customers/a.yaml", "a: 2\n");
	cr_expect_eq(crm_repo_commit(r, paths, 1, "Bad <Name>", "x@example.com", "m", NULL),
		     CRM_EINVALID);
	crm_repo_free(r);
}

Test(history, dates_from_the_environment)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	setenv("GIT_AUTHOR_DATE", "@1700000000 +0800", 1);
	setenv("GIT_COMMITTER_DATE", "2024-05-01T09:30:00+08:00", 1);
	COMMIT_OK(r, "customers/a.yaml", "add a");
	expect_sh("1700000000 +0800|1714527000 +0800\n",
		  "git -C %s log -1 --format='%%at %%ad|%%ct %%cd' --date=format:%%z", book);
	setenv("GIT_AUTHOR_DATE", "last tuesday", 1);
	put("customers/a.yaml", "a: 2\n");
	cr_expect_eq(commit1(r, "customers/a.yaml", "set a", NULL), CRM_EUSAGE);
	cr_expect(strstr(crm_error_last(), "GIT_AUTHOR_DATE") != NULL, "%s", crm_error_last());
	crm_repo_free(r);
}

Test(history, file_modes_follow_the_working_tree)
{
	crm_repo *r = new_book();
	put("tools/run.sh", "#!/bin/sh\n");
	char *full = crm_xasprintf("%s/tools/run.sh", book);
	cr_assert_eq(chmod(full, 0755), 0);
	free(full);
	char *link = crm_xasprintf("%s/tools/link", book);
	cr_assert_eq(symlink("run.sh", link), 0);
	free(link);
	const char *paths[] = {"tools/run.sh", "tools/link"};
	cr_assert_eq(crm_repo_commit(r, paths, 2, "Ming", "ming@example.com", "tools", NULL), 0,
		     "%s", crm_error_last());
	expect_sh("120000 tools/link\n100755 tools/run.sh\n",
		  "git -C %s ls-tree -r --format='%%(objectmode) %%(path)' HEAD", book);
	expect_sh("", "git -C %s status --porcelain", book);
	crm_repo_free(r);
}

/* ---- history ---- */

/* Commit as `who` with the git command line: `git mv` and the like. */
static void git_commit_as(const char *who, const char *msg)
{
	free(sh("git -C %s -c user.name=%s -c user.email=%s@example.com commit -q -m '%s'", book,
		who, who, msg));
}

Test(history, file_history_follows_a_rename_and_lists_only_its_commits)
{
	crm_repo *r = new_book();
	const char *A = "customers/2024/05/202405001.yaml", *B = "customers/2024/05/202405002.yaml";
	const char *W = "customers/won/202405001.yaml";
	put(A, "v: 1\n");
	COMMIT_OK(r, A, "add 202405001");
	put(B, "w: 1\n");
	COMMIT_OK(r, B, "add 202405002");
	put(A, "v: 2\n");
	const char *pa[] = {A};
	cr_assert_eq(crm_repo_commit(r, pa, 1, "华", "hua@example.com", "follow 202405001", NULL),
		     0);
	free(sh("mkdir -p %s/customers/won && git -C %s mv %s %s", book, book, A, W));
	git_commit_as("Li", "move 202405001 to won");
	put(W, "v: 3\n");
	COMMIT_OK(r, W, "stage 202405001 won");
	put(B, "w: 2\n");
	COMMIT_OK(r, B, "follow 202405002");

	crm_version *v = NULL;
	size_t n = 0;
	cr_assert_eq(crm_repo_file_history(r, W, 0, &v, &n), 0, "%s", crm_error_last());
	cr_assert_eq(n, 4);
	const char *summary[] = {"stage 202405001 won", "move 202405001 to won",
				 "follow 202405001", "add 202405001"};
	const char *author[] = {"Ming", "Li", "华", "Ming"};
	const char *email[] = {"ming@example.com", "Li@example.com", "hua@example.com",
			       "ming@example.com"};
	const char *content[] = {"v: 3\n", "v: 2\n", "v: 2\n", "v: 1\n"};
	const char *path[] = {W, W, A, A};
	const char *rev[] = {"HEAD~1", "HEAD~2", "HEAD~3", "HEAD~5"};
	for (size_t i = 0; i < n; i++) {
		cr_expect_str_eq(v[i].summary, summary[i]);
		cr_expect_str_eq(v[i].author, author[i]);
		cr_expect_str_eq(v[i].email, email[i]);
		cr_expect_str_eq(v[i].content, content[i]);
		cr_expect_eq(v[i].content_len, strlen(content[i]));
		cr_expect_str_eq(v[i].path, path[i]);
		char *oid = sh("git -C %s rev-parse %s", book, rev[i]);
		cr_expect_eq(strncmp(v[i].oid, oid, 40), 0, "%zu: %s vs %s", i, v[i].oid, oid);
		char *t = sh("git -C %s log -1 --format=%%at %s", book, rev[i]);
		cr_expect_eq(v[i].time, atoll(t));
		cr_expect_eq(v[i].offset, 0);
		free(t);
		free(oid);
	}
	crm_versions_free(v, n);

	/* A limit keeps the newest. */
	cr_assert_eq(crm_repo_file_history(r, W, 2, &v, &n), 0);
	cr_expect_eq(n, 2);
	cr_expect_str_eq(v[1].summary, "move 202405001 to won");
	crm_versions_free(v, n);

	/* A path that never existed: nothing. */
	cr_assert_eq(crm_repo_file_history(r, "customers/none.yaml", 0, &v, &n), 0);
	cr_expect_eq(n, 0);
	crm_versions_free(v, n);
	crm_repo_free(r);
}

Test(history, a_rename_with_an_edit_is_followed_by_file_name)
{
	crm_repo *r = new_book();
	put("customers/a/X1.yaml", "name: x\n");
	COMMIT_OK(r, "customers/a/X1.yaml", "add X1");
	put("customers/a/Y1.yaml", "name: y\n");
	COMMIT_OK(r, "customers/a/Y1.yaml", "add Y1");
	/* Move both and edit X1 in the same commit: names tell them apart. */
	free(sh("mkdir -p %s/customers/b && git -C %s mv customers/a/X1.yaml customers/b/X1.yaml"
		" && git -C %s mv customers/a/Y1.yaml customers/b/Y1.yaml",
		book, book, book));
	put("customers/b/X1.yaml", "name: x2\n");
	free(sh("git -C %s add customers/b/X1.yaml", book));
	git_commit_as("Li", "move and edit");

	crm_version *v = NULL;
	size_t n = 0;
	cr_assert_eq(crm_repo_file_history(r, "customers/b/X1.yaml", 0, &v, &n), 0);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(v[0].summary, "move and edit");
	cr_expect_str_eq(v[0].content, "name: x2\n");
	cr_expect_str_eq(v[1].summary, "add X1");
	cr_expect_str_eq(v[1].path, "customers/a/X1.yaml");
	cr_expect_str_eq(v[1].content, "name: x\n");
	crm_versions_free(v, n);
	crm_repo_free(r);
}

Test(history, a_deleted_file_has_a_history_that_ends_in_its_removal)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");
	put("customers/a.yaml", "a: 2\n");
	COMMIT_OK(r, "customers/a.yaml", "set a");
	rm("customers/a.yaml");
	COMMIT_OK(r, "customers/a.yaml", "delete a");

	crm_version *v = NULL;
	size_t n = 0;
	cr_assert_eq(crm_repo_file_history(r, "customers/a.yaml", 0, &v, &n), 0);
	cr_assert_eq(n, 3);
	cr_expect_str_eq(v[0].summary, "delete a");
	cr_expect_null(v[0].content);
	cr_expect_eq(v[0].content_len, 0);
	cr_expect_str_eq(v[1].content, "a: 2\n");
	cr_expect_str_eq(v[2].content, "a: 1\n");
	crm_versions_free(v, n);
	crm_repo_free(r);
}

Test(history, a_merge_that_takes_one_side_is_not_a_change)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");
	free(sh("git -C %s checkout -q -b side", book));
	put("customers/a.yaml", "a: 2\n");
	COMMIT_OK(r, "customers/a.yaml", "set a on side");
	free(sh("git -C %s checkout -q main", book));
	put("customers/b.yaml", "b: 1\n");
	COMMIT_OK(r, "customers/b.yaml", "add b on main");
	free(sh("git -C %s merge -q --no-ff -m 'merge side' side", book));

	crm_version *v = NULL;
	size_t n = 0;
	cr_assert_eq(crm_repo_file_history(r, "customers/a.yaml", 0, &v, &n), 0);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(v[0].summary, "set a on side");
	cr_expect_str_eq(v[1].summary, "add a");
	crm_versions_free(v, n);

	cr_assert_eq(crm_repo_log(r, 0, &v, &n), 0);
	cr_assert_eq(n, 4);
	cr_expect_str_eq(v[0].summary, "merge side");
	cr_expect_str_eq(v[3].summary, "add a");
	crm_versions_free(v, n);
	crm_repo_free(r);
}

Test(history, log_lists_the_book_newest_first)
{
	crm_repo *r = new_book();
	crm_version *v = NULL;
	size_t n = 7;
	cr_assert_eq(crm_repo_log(r, 0, &v, &n), 0); /* unborn: empty */
	cr_expect_eq(n, 0);
	crm_versions_free(v, n);

	const char *msgs[] = {"one", "two", "three"};
	for (int i = 0; i < 3; i++) {
		char text[16];
		snprintf(text, sizeof text, "n: %d\n", i);
		put("customers/a.yaml", text);
		COMMIT_OK(r, "customers/a.yaml", msgs[i]);
	}
	cr_assert_eq(crm_repo_log(r, 0, &v, &n), 0);
	cr_assert_eq(n, 3);
	cr_expect_str_eq(v[0].summary, "three");
	cr_expect_str_eq(v[1].summary, "two");
	cr_expect_str_eq(v[2].summary, "one");
	cr_expect_str_eq(v[0].author, "Ming");
	cr_expect_null(v[0].content);
	cr_expect_null(v[0].path);
	crm_versions_free(v, n);
	cr_assert_eq(crm_repo_log(r, 2, &v, &n), 0);
	cr_expect_eq(n, 2);
	cr_expect_str_eq(v[1].summary, "two");
	crm_versions_free(v, n);
	crm_repo_free(r);
}

/* ---- reading ---- */

Test(history, read_head_gives_the_committed_bytes)
{
	crm_repo *r = new_book();
	char *s = NULL;
	size_t len = 9;
	cr_expect_eq(crm_repo_read_head(r, "customers/a.yaml", &s, &len), CRM_ENOTFOUND);
	cr_expect_null(s);
	put("customers/a.yaml", "name: 科技\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");
	put("customers/a.yaml", "name: changed\n");
	cr_assert_eq(crm_repo_read_head(r, "customers/a.yaml", &s, &len), 0);
	cr_expect_str_eq(s, "name: 科技\n");
	cr_expect_eq(len, strlen("name: 科技\n"));
	free(s);
	cr_expect_eq(crm_repo_read_head(r, "customers/b.yaml", &s, &len), CRM_ENOTFOUND);
	cr_expect_eq(crm_repo_read_head(r, "customers", &s, &len), CRM_ENOTFOUND);
	crm_repo_free(r);
}

Test(history, changes_lists_what_differs_from_head_under_a_folder)
{
	crm_repo *r = new_book();
	const char *files[] = {"customers/a.yaml", "customers/b.yaml", "customers/c.yaml",
			       "crm.yaml"};
	for (int i = 0; i < 4; i++)
		put(files[i], "x: 1\n");
	cr_assert_eq(crm_repo_commit(r, files, 4, "Ming", "ming@example.com", "init", NULL), 0);

	put("customers/a.yaml", "x: 2\n");               /* modified */
	rm("customers/b.yaml");                          /* deleted */
	put("customers/2024/05/new.yaml", "x: 1\n");     /* untracked, in a new folder */
	put("crm.yaml", "x: 2\n");                       /* outside the prefix */
	put("customers/c.yaml", "x: 22222\n");           /* staged, then changed back */
	free(sh("git -C %s add customers/c.yaml", book));
	put("customers/c.yaml", "x: 1\n");
	put("customers/staged.yaml", "x: 1\n");          /* added, then deleted again */
	free(sh("git -C %s add customers/staged.yaml", book));
	rm("customers/staged.yaml");

	crm_change *v = NULL;
	size_t n = 0;
	cr_assert_eq(crm_repo_changes(r, "customers/", &v, &n), 0, "%s", crm_error_last());
	cr_assert_eq(n, 3);
	cr_expect_str_eq(v[0].path, "customers/2024/05/new.yaml");
	cr_expect_eq(v[0].status, 'A');
	cr_expect_str_eq(v[1].path, "customers/a.yaml");
	cr_expect_eq(v[1].status, 'M');
	cr_expect_str_eq(v[2].path, "customers/b.yaml");
	cr_expect_eq(v[2].status, 'D');
	crm_changes_free(v, n);

	cr_assert_eq(crm_repo_changes(r, "", &v, &n), 0);
	cr_assert_eq(n, 4);
	cr_expect_str_eq(v[0].path, "crm.yaml"); /* "cr" sorts before "cu" */
	cr_expect_eq(v[0].status, 'M');
	crm_changes_free(v, n);

	/* Committing them leaves nothing. */
	const char *all[] = {"customers/2024/05/new.yaml", "customers/a.yaml", "customers/b.yaml",
			     "customers/c.yaml", "customers/staged.yaml"};
	cr_assert_eq(crm_repo_commit(r, all, 5, "Ming", "ming@example.com", "commit", NULL), 0);
	cr_assert_eq(crm_repo_changes(r, "customers/", &v, &n), 0);
	cr_expect_eq(n, 0);
	crm_changes_free(v, n);
	expect_sh(" M crm.yaml\n", "git -C %s status --porcelain", book);
	crm_repo_free(r);
}

/* ---- config ---- */

Test(history, identity_comes_from_the_repository_then_global_config)
{
	crm_repo *r = NULL;
	cr_assert_eq(crm_repo_init(&r, book), 0);
	char *name = (char *)"x", *email = (char *)"x";
	cr_assert_eq(crm_repo_identity(r, &name, &email), 0);
	cr_expect_null(name);
	cr_expect_null(email);
	crm_repo_free(r);

	char *gc = crm_xasprintf("%s/.gitconfig", root);
	FILE *f = fopen(gc, "w");
	cr_assert_not_null(f);
	fputs("[user]\n\tname = Global Person\n", f);
	fclose(f);
	free(gc);
	cr_assert_eq(crm_repo_open(&r, book), 0);
	cr_assert_eq(crm_repo_identity(r, &name, &email), 0);
	cr_expect_str_eq(name, "Global Person");
	cr_expect_null(email);
	free(name);
	free(email);

	free(sh("git -C %s config user.name '销售代表*明' && git -C %s config user.email m@x.cn",
		book, book));
	cr_assert_eq(crm_repo_identity(r, &name, &email), 0);
	cr_expect_str_eq(name, "销售代表*明");
	cr_expect_str_eq(email, "m@x.cn");
	free(name);
	free(email);
	crm_repo_free(r);
}

Test(history, config_get_and_set_in_the_repository_only)
{
	crm_repo *r = new_book();
	char *v = (char *)"x";
	cr_assert_eq(crm_repo_config_get(r, "crm.user", &v), 0);
	cr_expect_null(v);
	cr_assert_eq(crm_repo_config_set(r, "crm.user", "ming"), 0, "%s", crm_error_last());
	cr_assert_eq(crm_repo_config_get(r, "crm.user", &v), 0);
	cr_expect_str_eq(v, "ming");
	free(v);
	cr_assert_eq(crm_repo_config_set(r, "crm.user", "hua"), 0);
	expect_sh("hua\n", "git -C %s config --local --get-all crm.user", book);
	/* A global value is not a per-clone one. */
	free(sh("git config --global crm.lang zh"));
	cr_assert_eq(crm_repo_config_get(r, "crm.lang", &v), 0);
	cr_expect_null(v);
	cr_expect_lt(crm_repo_config_set(r, "not a key", "x"), 0);
	crm_repo_free(r);
}

Test(history, hook_and_merge_driver_are_installed)
{
	crm_repo *r = new_book();
	const char *script = "#!/bin/sh\nexec crm validate --staged\n";
	cr_assert_eq(crm_repo_install_hook(r, "pre-commit", script), 0, "%s", crm_error_last());
	char *hook = crm_xasprintf("%s/.git/hooks/pre-commit", book);
	struct stat st;
	cr_assert_eq(stat(hook, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0755);
	expect_sh("#!/bin/sh\nexec crm validate --staged\n", "cat %s", hook);
	/* Again: nothing changes, nothing is saved aside. */
	cr_assert_eq(crm_repo_install_hook(r, "pre-commit", script), 0);
	expect_sh("pre-commit\n", "ls %s/.git/hooks | grep '^pre-commit'", book);

	/* Someone else's hook is kept aside, once. */
	free(sh("printf '#!/bin/sh\\nexit 0\\n' > %s", hook));
	cr_assert_eq(crm_repo_install_hook(r, "pre-commit", script), 0);
	expect_sh("#!/bin/sh\nexit 0\n", "cat %s.crm-saved", hook);
	expect_sh("#!/bin/sh\nexec crm validate --staged\n", "cat %s", hook);
	cr_expect_eq(crm_repo_install_hook(r, "../evil", script), CRM_EINVALID);
	free(hook);

	cr_assert_eq(crm_repo_set_merge_driver(r, "crm", "crm record merge",
					       "crm merge-driver %O %A %B %P"),
		     0);
	expect_sh("crm merge-driver %O %A %B %P\n", "git -C %s config merge.crm.driver", book);
	expect_sh("crm record merge\n", "git -C %s config merge.crm.name", book);
	crm_repo_free(r);
}

/* ---- the index, written by hand ---- */

Test(history, a_plain_git_commit_after_ours_keeps_our_change)
{
	/* git's cached trees in the index must be invalidated along our paths,
	 * or git's next commit would write the old folder back. */
	crm_repo *r = new_book();
	put("customers/2024/05/a.yaml", "a: 1\n");
	put("customers/2024/06/b.yaml", "b: 1\n");
	put("crm.yaml", "book: x\n");
	free(sh("git -C %s add -A && git -C %s commit -q -m init", book, book));
	put("customers/2024/05/a.yaml", "a: 2\n");
	put("customers/2024/05/new.yaml", "n: 1\n");
	const char *paths[] = {"customers/2024/05/a.yaml", "customers/2024/05/new.yaml"};
	cr_assert_eq(crm_repo_commit(r, paths, 2, "Ming", "ming@example.com", "ours", NULL), 0,
		     "%s", crm_error_last());
	expect_sh("", "git -C %s status --porcelain", book);
	put("customers/2024/06/b.yaml", "b: 2\n");
	free(sh("git -C %s add customers/2024/06/b.yaml && git -C %s commit -q -m theirs", book,
		book));
	expect_sh("customers/2024/06/b.yaml\n", "git -C %s diff --name-only HEAD~1 HEAD", book);
	expect_sh("a: 2\n", "git -C %s show HEAD:customers/2024/05/a.yaml", book);
	expect_sh("n: 1\n", "git -C %s show HEAD:customers/2024/05/new.yaml", book);
	expect_sh("", "git -C %s status --porcelain", book);
	expect_sh("", "git -C %s fsck --strict 2>&1", book);
	crm_repo_free(r);
}

Test(history, unusual_indexes_are_updated_too)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	put("customers/b.yaml", "b: 1\n");
	free(sh("git -C %s add -A && git -C %s commit -q -m init", book, book));
	/* An untracked cache and version 4 (prefix-compressed names). */
	free(sh("git -C %s config core.untrackedCache true && git -C %s status -s >/dev/null",
		book, book));
	put("customers/a.yaml", "a: 2\n");
	COMMIT_OK(r, "customers/a.yaml", "set a");
	expect_sh("", "git -C %s status --porcelain", book);
	free(sh("git -C %s update-index --index-version 4", book));
	put("customers/b.yaml", "b: 2\n");
	rm("customers/a.yaml");
	const char *both[] = {"customers/a.yaml", "customers/b.yaml"};
	cr_assert_eq(crm_repo_commit(r, both, 2, "Ming", "ming@example.com", "v4", NULL), 0, "%s",
		     crm_error_last());
	expect_sh("", "git -C %s status --porcelain", book);
	expect_sh("customers/b.yaml\n", "git -C %s ls-files", book);
	/* A file where the index has a folder. */
	free(sh("rm -r %s/customers", book));
	put("customers", "now a file\n");
	COMMIT_OK(r, "customers", "folder to file");
	expect_sh("customers\n", "git -C %s ls-files", book);
	expect_sh("", "git -C %s status --porcelain", book);
	crm_repo_free(r);
}

Test(history, files_go_through_git_filters_when_the_book_has_any)
{
	crm_repo *r = new_book();
	put(".gitattributes", "*.txt text eol=crlf\n");
	put("notes/a.txt", "one\r\ntwo\r\n");
	const char *paths[] = {".gitattributes", "notes/a.txt"};
	cr_assert_eq(crm_repo_commit(r, paths, 2, "Ming", "ming@example.com", "crlf", NULL), 0,
		     "%s", crm_error_last());
	/* Stored with LF, as git add would, so git sees nothing changed. */
	expect_sh("one\ntwo\n", "git -C %s show HEAD:notes/a.txt", book);
	expect_sh("", "git -C %s status --porcelain", book);
	crm_repo_free(r);
}

Test(history, a_detached_head_moves_alone)
{
	crm_repo *r = new_book();
	put("customers/a.yaml", "a: 1\n");
	COMMIT_OK(r, "customers/a.yaml", "add a");
	char *main_before = sh("git -C %s rev-parse main", book);
	free(sh("git -C %s checkout -q --detach", book));
	put("customers/a.yaml", "a: 2\n");
	char oid[41];
	cr_assert_eq(commit1(r, "customers/a.yaml", "detached", oid), 0, "%s", crm_error_last());
	char *head = sh("git -C %s rev-parse HEAD", book);
	char *main_after = sh("git -C %s rev-parse main", book);
	cr_expect_eq(strncmp(head, oid, 40), 0);
	cr_expect_str_eq(main_after, main_before);
	expect_sh("HEAD\n", "git -C %s rev-parse --abbrev-ref HEAD", book);
	free(head);
	free(main_before);
	free(main_after);
	crm_repo_free(r);
}
