/*
 * What keeps a saved change saved (issue 6): the two halves of an atomic
 * write, a commit made from temporaries, the list of index entries a commit
 * has still to set and its repair, and the recovery of a commit that a crm
 * left half-done. Each test works in its own temporary folder and HOME.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "crm/book.h"
#include "crm/buf.h"
#include "crm/error.h"
#include "crm/history.h"
#include "crm/txn.h"

static char root[64];

static void setup(void)
{
	strcpy(root, "/tmp/crm-durable-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	char *xdg = crm_xasprintf("%s/xdg", root), *nosys = crm_xasprintf("%s/no-system", root);
	setenv("HOME", root, 1);
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "Ming", 1);
	setenv("GIT_AUTHOR_EMAIL", "ming@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "Ming", 1);
	setenv("GIT_COMMITTER_EMAIL", "ming@example.com", 1);
	setenv("CRM_LOCK_TIMEOUT", "0.2", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_INDEX_FILE");
	/* libgit2 looked at HOME before this ran: point its config search here */
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, root);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, xdg);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, nosys);
	free(xdg);
	free(nosys);
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(durable, .init = setup, .fini = teardown);

static char *at(const char *rel)
{
	return crm_xasprintf("%s/%s", root, rel);
}

static char *slurp(const char *rel)
{
	char *p = at(rel);
	crm_buf b = CRM_BUF_INIT;
	int rc = crm_buf_read_file(&b, p);
	free(p);
	if (rc) {
		crm_buf_free(&b);
		return NULL;
	}
	crm_buf_puts(&b, "");
	return crm_buf_detach(&b);
}

static void put(const char *rel, const char *text)
{
	char *p = at(rel);
	cr_assert_eq(crm_write_atomic(p, text, strlen(text)), 0, "%s", crm_error_last());
	free(p);
}

/* Run a shell command in root; return its output without final newlines. */
static char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh(const char *fmt, ...)
{
	crm_buf cmd = CRM_BUF_INIT, out = CRM_BUF_INIT;
	va_list ap;
	crm_buf_printf(&cmd, "cd '%s' && ", root);
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
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "failed: %s", crm_buf_cstr(&cmd));
	crm_buf_free(&cmd);
	crm_buf_puts(&out, "");
	while (out.len && out.ptr[out.len - 1] == '\n')
		out.ptr[--out.len] = '\0';
	return crm_buf_detach(&out);
}

static int exists(const char *rel)
{
	char *p = at(rel);
	int ok = access(p, F_OK) == 0;
	free(p);
	return ok;
}

static void sh_eq(const char *want, const char *cmd)
{
	char *got = sh("%s", cmd);
	cr_assert_str_eq(got, want, "'%s' printed '%s'", cmd, got);
	free(got);
}

#define REL "customers/2024/05/202405001.yaml"

/* A repository with one committed record (v1). */
static crm_repo *repo_with_record(void)
{
	free(sh("git init -q -b main . && mkdir -p customers/2024/05 && printf 'v1\\n' > " REL
		" && git add -A && git commit -qm one"));
	crm_repo *r = NULL;
	cr_assert_eq(crm_repo_open(&r, root), 0, "%s", crm_error_last());
	return r;
}

Test(durable, write_temp_leaves_the_file_and_replace_puts_the_new_one_in_place)
{
	put("a/f.yaml", "old\n");
	char *path = at("a/f.yaml"), *tmp = NULL;
	cr_assert_eq(crm_write_temp(&tmp, path, "new\n", 4), 0, "%s", crm_error_last());
	cr_assert_not_null(tmp);
	cr_assert(strstr(tmp, "/a/.f.yaml.") != NULL, "%s", tmp);
	char *t = slurp("a/f.yaml");
	cr_assert_str_eq(t, "old\n");
	free(t);
	cr_assert_eq(crm_replace(tmp, path), 0, "%s", crm_error_last());
	t = slurp("a/f.yaml");
	cr_assert_str_eq(t, "new\n");
	free(t);
	cr_assert_eq(access(tmp, F_OK), -1, "the temporary is still there");
	free(tmp);
	free(path);
}

Test(durable, write_note_replaces_whole)
{
	char *p = at(".git-like/note");
	cr_assert_eq(crm_write_note(p, "a\n", 2), 0, "%s", crm_error_last());
	cr_assert_eq(crm_write_note(p, "bb\n", 3), 0, "%s", crm_error_last());
	char *t = slurp(".git-like/note");
	cr_assert_str_eq(t, "bb\n");
	free(t);
	free(p);
	sh_eq("note", "ls -A .git-like");
}

Test(durable, commit_from_a_temporary_leaves_the_working_tree_alone)
{
	crm_repo *r = repo_with_record();
	char *src = at("customers/2024/05/.202405001.yaml.tmp1");
	char *rec = at(REL);
	cr_assert_eq(crm_write_note(src, "v2\n", 3), 0);
	const char *paths[] = {REL}, *srcs[] = {src};
	char oid[41];
	int rc = crm_repo_commit_from(r, paths, srcs, 1, "Ming", "ming@example.com", "two", oid);
	cr_assert_eq(rc, CRM_COMMIT_DONE, "%s", crm_error_last());
	sh_eq("v2", "git show HEAD:" REL);
	char *t = slurp(REL);
	cr_assert_str_eq(t, "v1\n", "the working tree was touched");
	free(t);
	/* the index is left to catch up, and listed for that */
	t = slurp(".git/crm-index-pending");
	cr_assert_str_eq(t, REL "\n");
	free(t);
	/* until the file is in place, the repair leaves the index alone */
	cr_assert_eq(crm_repo_index_repair(r, 0), 0, "%s", crm_error_last());
	sh_eq("M  " REL "\n?? customers/2024/05/.202405001.yaml.tmp1",
	      "git status --porcelain --untracked-files=all");
	free(sh("touch .git/crm-index-pending && echo " REL " > .git/crm-index-pending"));
	cr_assert_eq(crm_replace(src, rec), 0);
	cr_assert_eq(crm_repo_index_repair(r, 0), 0, "%s", crm_error_last());
	sh_eq("", "git status --porcelain");
	cr_assert_not(exists(".git/crm-index-pending"));
	free(src);
	free(rec);
	crm_repo_free(r);
}

Test(durable, a_stale_index_lock_leaves_the_commit_and_says_how_to_finish)
{
	crm_repo *r = repo_with_record();
	free(sh("printf 'v2\\n' > " REL " && touch .git/index.lock"));
	const char *paths[] = {REL};
	int rc = crm_repo_commit(r, paths, 1, "Ming", "ming@example.com", "two", NULL);
	cr_assert_eq(rc, CRM_COMMIT_INDEX_STALE, "%d: %s", rc, crm_error_last());
	cr_assert(strstr(crm_error_last(), "remove .git/index.lock") != NULL, "%s", crm_error_last());
	cr_assert(strstr(crm_error_last(), REL) != NULL, "%s", crm_error_last());
	sh_eq("v2", "git show HEAD:" REL);
	/* still locked: the repair fails and keeps the list */
	cr_assert_eq(crm_repo_index_repair(r, 0), CRM_ELOCKED);
	free(sh("test -f .git/crm-index-pending && rm .git/index.lock"));
	cr_assert_eq(crm_repo_index_repair(r, 0), 0, "%s", crm_error_last());
	sh_eq("", "git status --porcelain");
	crm_repo_free(r);
}

Test(durable, the_repair_never_touches_what_the_user_changed_since)
{
	crm_repo *r = repo_with_record();
	free(sh("printf 'v2\\n' > " REL " && touch .git/index.lock"));
	const char *paths[] = {REL};
	cr_assert_eq(crm_repo_commit(r, paths, 1, "Ming", "ming@example.com", "two", NULL),
		     CRM_COMMIT_INDEX_STALE);
	/* the user edits the file again and stages it, then the lock goes */
	free(sh("rm .git/index.lock && printf 'v3\\n' > " REL " && git add " REL));
	cr_assert_eq(crm_repo_index_repair(r, 0), 0, "%s", crm_error_last());
	sh_eq("v3", "git show :" REL);
	crm_repo_free(r);
}

Test(durable, a_failed_commit_leaves_no_pending_list)
{
	crm_repo *r = repo_with_record();
	char *src = at("customers/2024/05/.202405001.yaml.tmp1");
	cr_assert_eq(crm_write_note(src, "v2\n", 3), 0);
	free(sh("touch .git/refs/heads/main.lock"));
	const char *paths[] = {REL}, *srcs[] = {src};
	int rc = crm_repo_commit_from(r, paths, srcs, 1, "Ming", "ming@example.com", "two", NULL);
	cr_assert_lt(rc, 0);
	cr_assert_not(exists(".git/crm-index-pending"));
	sh_eq("v1", "git show HEAD:" REL);
	free(src);
	crm_repo_free(r);
}

/* A book (crm.yaml, a team of one) with one committed record. */
static crm_book *book_with_record(void)
{
	crm_repo_free(repo_with_record());
	put("crm.yaml", "book: t\nid_format: \"{yyyy}{mm}{seq:3}\"\nteam:\n  - id: ming\n"
			"    name: Ming\n    email: ming@example.com\n");
	free(sh("git add crm.yaml && git commit -qm book"));
	crm_book *b = NULL;
	cr_assert_eq(crm_book_open(&b, root, NULL), 0, "%s", crm_error_last());
	return b;
}

/* The journal a commit in flight leaves: TMP NUL PATH NUL. */
static void journal(const char *tmp)
{
	crm_buf j = CRM_BUF_INIT;
	crm_buf_put(&j, tmp, strlen(tmp) + 1);
	crm_buf_put(&j, REL, strlen(REL) + 1);
	char *p = at(".git/crm-txn-pending");
	cr_assert_eq(crm_write_note(p, j.ptr, j.len), 0);
	free(p);
	crm_buf_free(&j);
}

Test(durable, recover_puts_in_place_what_the_last_commit_has)
{
	crm_book *b = book_with_record();
	/* killed after the commit, before the rename */
	free(sh("printf 'v2\\n' > customers/2024/05/.202405001.yaml.AAAAAA && "
		"git update-index --add --cacheinfo 100644,$(git hash-object -w customers/2024/05/.202405001.yaml.AAAAAA)," REL
		" && git commit -qm two && git reset -q HEAD^ -- " REL " && echo " REL
		" > .git/crm-index-pending"));
	journal("customers/2024/05/.202405001.yaml.AAAAAA");
	cr_assert_eq(crm_txn_recover(b), 0, "%s", crm_error_last());
	char *t = slurp(REL);
	cr_assert_str_eq(t, "v2\n");
	free(t);
	sh_eq("", "git status --porcelain --untracked-files=all");
	cr_assert_not(exists(".git/crm-txn-pending"));
	crm_book_free(b);
}

Test(durable, recover_drops_a_temporary_of_a_commit_that_never_happened)
{
	crm_book *b = book_with_record();
	free(sh("printf 'v2\\n' > customers/2024/05/.202405001.yaml.BBBBBB"));
	journal("customers/2024/05/.202405001.yaml.BBBBBB");
	cr_assert_eq(crm_txn_recover(b), 0, "%s", crm_error_last());
	char *t = slurp(REL);
	cr_assert_str_eq(t, "v1\n");
	free(t);
	sh_eq("", "git status --porcelain --untracked-files=all");
	crm_book_free(b);
}

Test(durable, recover_leaves_the_work_of_a_crm_that_holds_the_lock)
{
	crm_book *b = book_with_record();
	free(sh("printf 'v2\\n' > customers/2024/05/.202405001.yaml.CCCCCC"));
	journal("customers/2024/05/.202405001.yaml.CCCCCC");
	crm_book *other = NULL;
	cr_assert_eq(crm_book_open(&other, root, NULL), 0);
	pid_t pid = fork();
	if (pid == 0) { /* another crm at work */
		if (crm_book_lock(other, "follow") != 0)
			_exit(1);
		sleep(3);
		_exit(0);
	}
	usleep(300 * 1000);
	cr_assert_eq(crm_txn_recover(b), 0, "%s", crm_error_last());
	cr_assert(exists(".git/crm-txn-pending"), "the journal of a live crm was taken");
	sh_eq("?? customers/2024/05/.202405001.yaml.CCCCCC", "git status --porcelain --untracked-files=all");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	crm_book_free(other);
	crm_book_free(b);
}

Test(durable, recover_never_renames_a_file_that_is_not_a_temporary_of_the_record)
{
	crm_book *b = book_with_record();
	/* crm.yaml does not look like a temporary of the record: left alone */
	journal("crm.yaml");
	cr_assert_eq(crm_txn_recover(b), 0, "%s", crm_error_last());
	char *t = slurp(REL);
	cr_assert_str_eq(t, "v1\n");
	free(t);
	cr_assert(exists("crm.yaml"));
	cr_assert_not(exists(".git/crm-txn-pending"));
	crm_book_free(b);
}
