/*
 * journal.c: what a killed crm left half done is finished or undone by the
 * next one. Each test builds a committed book with one record in its own
 * temporary folder, then lays out one state that a kill can leave.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/book.h"
#include "crm/buf.h"
#include "crm/error.h"
#include "crm/history.h"
#include "crm/journal.h"

static char root[64];
static const char *REC = "customers/2024/05/202405001.yaml";
static const char *OLD = "id: \"202405001\"\nname: 甲公司\nfollowups:\n  - date: 2024-05-01\n";
static const char *NEW = "id: \"202405001\"\nname: 甲公司\nfollowups:\n  - date: 2024-05-01\n"
			 "  - date: 2024-05-20\n";

static char *at(const char *rel)
{
	return crm_xasprintf("%s/%s", root, rel);
}

static void put(const char *rel, const char *text)
{
	char *p = at(rel);
	for (char *s = p + strlen(root) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	cr_assert_eq(crm_write_atomic(p, text, strlen(text)), 0, "%s", crm_error_last());
	free(p);
}

/* The file's text, or NULL when it is not there. */
static char *get(const char *rel)
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
	return b.ptr;
}

static bool exists(const char *rel)
{
	char *p = at(rel);
	struct stat st;
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

static int git(const char *args)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "git -C '%s' %s >/dev/null 2>&1", root, args);
	return system(cmd);
}

static void commit(const char *rel, const char *msg)
{
	crm_repo *r;
	cr_assert_eq(crm_repo_open(&r, root), 0, "%s", crm_error_last());
	const char *paths[] = {rel};
	cr_assert_eq(crm_repo_commit(r, paths, 1, "Ming", "m@example.com", msg, NULL), 0, "%s",
		     crm_error_last());
	crm_repo_free(r);
}

static void setup(void)
{
	strcpy(root, "/tmp/crm-journal-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	setenv("HOME", root, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	put("crm.yaml", "book: t\nteam:\n  - id: ming\n    name: Ming\n    email: m@example.com\n");
	put(REC, OLD);
	crm_repo *r;
	cr_assert_eq(crm_repo_init(&r, root), 0, "%s", crm_error_last());
	const char *paths[] = {"crm.yaml", REC};
	cr_assert_eq(crm_repo_commit(r, paths, 2, "Ming", "m@example.com", "book", NULL), 0, "%s",
		     crm_error_last());
	crm_repo_free(r);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", root);
}

TestSuite(journal, .init = setup, .fini = teardown);

/* Journal one change of `rel` from `before` to `after` (NULL: absent). */
static void journal(const char *rel, const char *before, const char *after)
{
	crm_book *b;
	cr_assert_eq(crm_book_open(&b, root, NULL), 0, "%s", crm_error_last());
	crm_journal_entry e = {rel, before, before ? strlen(before) : 0, after,
			       after ? strlen(after) : 0};
	cr_assert_eq(crm_journal_write(b, &e, 1), 0, "%s", crm_error_last());
	crm_book_free(b);
	cr_assert(exists(".git/crm/journal"));
}

/* Run the recovery as the next crm would; its return code. */
static int recover(bool *recovered)
{
	crm_book *b;
	crm_repo *r;
	cr_assert_eq(crm_book_open(&b, root, NULL), 0, "%s", crm_error_last());
	cr_assert_eq(crm_repo_open(&r, root), 0, "%s", crm_error_last());
	int rc = crm_journal_recover(b, r, recovered);
	crm_repo_free(r);
	crm_book_free(b);
	return rc;
}

static void assert_text(const char *rel, const char *want)
{
	char *got = get(rel);
	cr_assert_not_null(got, "%s is missing", rel);
	cr_assert_str_eq(got, want);
	free(got);
}

/* HEAD, the index and the working tree agree for the book's files. */
static void assert_clean(void)
{
	cr_assert_eq(git("diff --quiet HEAD -- customers crm.yaml"), 0, "working tree != HEAD");
	cr_assert_eq(git("diff --cached --quiet -- customers crm.yaml"), 0, "index != HEAD");
}

Test(journal, no_journal_no_work)
{
	bool rec = true;
	cr_assert_eq(recover(&rec), 0, "%s", crm_error_last());
	cr_assert(!rec);
	assert_text(REC, OLD);
}

Test(journal, written_not_committed_is_put_back)
{
	journal(REC, OLD, NEW);
	put(REC, NEW);
	put("customers/2024/05/.202405001.yaml.Ab3dE9", NEW); /* the killed writer's temp */
	put("customers/2024/05/.202405002.yaml.Ab3dE9", NEW); /* another record's: kept */
	bool rec = false;
	cr_assert_eq(recover(&rec), 0, "%s", crm_error_last());
	cr_assert(rec);
	assert_text(REC, OLD);
	cr_assert(!exists("customers/2024/05/.202405001.yaml.Ab3dE9"));
	cr_assert(exists("customers/2024/05/.202405002.yaml.Ab3dE9"));
	cr_assert(!exists(".git/crm/journal"));
	assert_clean();
}

Test(journal, killed_before_writing_changes_nothing)
{
	journal(REC, OLD, NEW);
	bool rec = false;
	cr_assert_eq(recover(&rec), 0, "%s", crm_error_last());
	cr_assert(rec);
	assert_text(REC, OLD);
	cr_assert(!exists(".git/crm/journal"));
}

Test(journal, a_new_record_not_committed_is_removed)
{
	const char *rel = "customers/2024/05/202405002.yaml";
	journal(rel, NULL, NEW);
	put(rel, NEW);
	bool rec = false;
	cr_assert_eq(recover(&rec), 0, "%s", crm_error_last());
	cr_assert(!exists(rel));
	assert_clean();
}

Test(journal, committed_with_a_stale_index_brings_the_index_up)
{
	journal(REC, OLD, NEW);
	put(REC, NEW);
	commit(REC, "follow");
	cr_assert_eq(git("read-tree HEAD~1"), 0); /* the index as before the commit */
	cr_assert_neq(git("diff --cached --quiet -- customers"), 0);
	bool rec = false;
	cr_assert_eq(recover(&rec), 0, "%s", crm_error_last());
	assert_text(REC, NEW);
	assert_clean();
	cr_assert(!exists(".git/crm/journal"));
}

Test(journal, committed_before_the_file_was_renamed_brings_the_file_up)
{
	journal(REC, OLD, NEW);
	put(REC, NEW);
	commit(REC, "follow");
	put(REC, OLD); /* a writer that commits first and renames after */
	bool rec = false;
	cr_assert_eq(recover(&rec), 0, "%s", crm_error_last());
	assert_text(REC, NEW);
	assert_clean();
}

Test(journal, a_hand_edit_since_the_kill_is_left_alone)
{
	const char *mine = "id: \"202405001\"\nname: 甲公司 (edited)\n";
	journal(REC, OLD, NEW);
	put(REC, mine);
	bool rec = false;
	cr_assert_eq(recover(&rec), 0, "%s", crm_error_last());
	assert_text(REC, mine);
	cr_assert(!exists(".git/crm/journal"));
}

Test(journal, a_damaged_journal_is_an_error_and_stays)
{
	journal(REC, OLD, NEW);
	char *j = get(".git/crm/journal");
	j[strlen(j) - 5] = '\0'; /* cut short */
	put(".git/crm/journal", j);
	free(j);
	put(REC, NEW);
	bool rec = false;
	cr_assert_lt(recover(&rec), 0);
	cr_assert(strstr(crm_error_last(), "journal is cut short"), "%s", crm_error_last());
	cr_assert(exists(".git/crm/journal"));
	assert_text(REC, NEW);
}

Test(journal, clear_removes_it_and_is_quiet_without_one)
{
	journal(REC, OLD, NEW);
	crm_book *b;
	cr_assert_eq(crm_book_open(&b, root, NULL), 0, "%s", crm_error_last());
	cr_assert_eq(crm_journal_clear(b), 0);
	cr_assert(!exists(".git/crm/journal"));
	cr_assert_eq(crm_journal_clear(b), 0);
	crm_book_free(b);
}

Test(journal, a_locked_index_is_named_and_the_journal_stays_for_later)
{
	journal(REC, OLD, NEW);
	put(REC, NEW);
	commit(REC, "follow");
	cr_assert_eq(git("read-tree HEAD~1"), 0);
	put(".git/index.lock", ""); /* left by a git killed meanwhile */
	bool rec = false;
	cr_assert_eq(recover(&rec), CRM_ELOCKED, "%s", crm_error_last());
	cr_assert(strstr(crm_error_last(), ".git/index.lock is there"), "%s", crm_error_last());
	cr_assert(exists(".git/crm/journal"));
	char *lock = at(".git/index.lock");
	cr_assert_eq(unlink(lock), 0);
	free(lock);
	cr_assert_eq(recover(&rec), 0, "%s", crm_error_last());
	assert_clean();
	cr_assert(!exists(".git/crm/journal"));
}
