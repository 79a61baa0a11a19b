/*
 * The book layer against hostile folders: symlinked folders on a record's
 * path, a symlinked lock file, a bad CRM_LOCK_TIMEOUT, a .git file
 * (worktrees, --separate-git-dir), and temporaries left by a killed crm.
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

static char root[64];

static void setup(void)
{
	strcpy(root, "/tmp/crm-booksafe-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	unsetenv("CRM_LOCK_TIMEOUT");
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(booksafe, .init = setup, .fini = teardown);

/* Run a shell command in root; it must succeed. */
static void sh(const char *what)
{
	char *cmd = crm_xasprintf("cd '%s' && %s", root, what);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
}

static bool exists(const char *rel)
{
	char *p = crm_xasprintf("%s/%s", root, rel);
	struct stat st;
	bool ok = lstat(p, &st) == 0;
	free(p);
	return ok;
}

/* A book at root (team ming) with a .git folder and customers/. */
static crm_book *open_book(void)
{
	sh("mkdir -p .git customers && printf 'book: t\\nteam:\\n  - id: ming\\n    name: M\\n' > crm.yaml");
	crm_book *b = NULL;
	cr_assert_eq(crm_book_open(&b, root, NULL), 0, "%s", crm_error_last());
	return b;
}

Test(booksafe, a_linked_folder_on_a_record_path_is_refused)
{
	crm_book *b = open_book();
	cr_expect_eq(crm_book_check_inside(b, "customers/2024/05/a.yaml"), 0, "missing folders are fine");
	sh("mkdir -p out customers/2023 && ln -s ../out customers/2024");
	cr_expect_eq(crm_book_check_inside(b, "customers/2023/01/a.yaml"), 0);
	cr_expect_eq(crm_book_check_inside(b, "customers/2024/05/a.yaml"), CRM_EFAIL);
	cr_expect(strstr(crm_error_last(), "customers/2024 is a symbolic link") != NULL, "%s",
		  crm_error_last());
	sh("rm -rf customers && ln -s out customers");
	cr_expect_eq(crm_book_check_inside(b, "customers/2023/01/a.yaml"), CRM_EFAIL);
	cr_expect(strstr(crm_error_last(), "customers is a symbolic link") != NULL, "%s",
		  crm_error_last());
	crm_book_free(b);
}

Test(booksafe, the_scan_lists_linked_folders_and_never_enters_them)
{
	crm_book *b = open_book();
	sh("mkdir -p out/05 customers/2023/01 && touch out/05/x.yaml customers/2023/01/a.yaml && "
	   "ln -s ../out customers/2024 && ln -s ../crm.yaml customers/file-link");
	crm_entry *v, *l;
	size_t n, nl;
	cr_assert_eq(crm_book_scan_links(b, &v, &n, &l, &nl), 0);
	cr_expect_eq(n, 1);
	cr_expect_str_eq(v[0].path, "customers/2023/01/a.yaml");
	cr_assert_eq(nl, 1, "only links to folders are listed");
	cr_expect_str_eq(l[0].path, "customers/2024");
	crm_entries_free(v, n);
	crm_entries_free(l, nl);
	/* customers itself a link: nothing is read through it */
	sh("mv customers in && ln -s in customers");
	cr_assert_eq(crm_book_scan_links(b, &v, &n, &l, &nl), 0);
	cr_expect_eq(n, 0);
	cr_assert_eq(nl, 1);
	cr_expect_str_eq(l[0].path, "customers");
	crm_entries_free(v, n);
	crm_entries_free(l, nl);
	crm_book_free(b);
}

Test(booksafe, a_linked_lock_file_is_refused_and_its_target_untouched)
{
	crm_book *b = open_book();
	sh("echo precious > victim && ln -s ../victim .git/crm.lock");
	cr_expect_eq(crm_book_lock(b, "test"), CRM_EFAIL);
	cr_expect(strstr(crm_error_last(), "crm.lock is a symbolic link") != NULL, "%s",
		  crm_error_last());
	sh("grep -qx precious victim");
	sh("rm .git/crm.lock && mkfifo .git/crm.lock");
	cr_expect_eq(crm_book_lock(b, "test"), CRM_EFAIL);
	cr_expect(strstr(crm_error_last(), "not a plain file") != NULL, "%s", crm_error_last());
	crm_book_free(b);
}

Test(booksafe, lock_timeout_must_be_a_finite_number_of_seconds)
{
	crm_book *b = open_book();
	const char *bad[] = {"nan", "NaN", "inf", "-inf", "-1", "3601", "1e400", "abc", "10s", " "};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		setenv("CRM_LOCK_TIMEOUT", bad[i], 1);
		cr_expect_eq(crm_book_lock(b, "test"), CRM_EUSAGE, "'%s' was taken", bad[i]);
		cr_expect_eq(b->lock_fd, -1);
	}
	const char *good[] = {"0", "0.25", "10", "3600"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		setenv("CRM_LOCK_TIMEOUT", good[i], 1);
		cr_expect_eq(crm_book_lock(b, "test"), 0, "'%s': %s", good[i], crm_error_last());
		crm_book_unlock(b);
	}
	crm_book_free(b);
}

Test(booksafe, a_git_file_points_to_the_real_git_dir)
{
	sh("mkdir -p real/worktrees/wt book/customers && "
	   "printf 'gitdir: ../real/worktrees/wt\\n' > book/.git && "
	   "printf 'book: t\\nteam:\\n  - id: ming\\n    name: M\\n' > book/crm.yaml");
	char *dir = crm_xasprintf("%s/book", root);
	crm_book *b = NULL;
	cr_assert_eq(crm_book_open(&b, dir, NULL), 0, "%s", crm_error_last());
	char *want = crm_xasprintf("%s/real/worktrees/wt", root);
	char *real_want = realpath(want, NULL);
	cr_expect_str_eq(b->gitdir, real_want);
	cr_expect_eq(crm_book_lock(b, "test"), 0, "%s", crm_error_last());
	cr_expect(exists("real/worktrees/wt/crm.lock"));
	crm_book_free(b);
	free(real_want);
	free(want);
	free(dir);
}

Test(booksafe, stale_temporaries_go_only_under_the_lock)
{
	crm_book *b = open_book();
	const char *temps[] = {".crm.yaml.Ab12Cd", "customers/2024/05/.202405001.yaml.Zz9Zz9",
			       "customers/.x.yaml.aaaaaa"};
	sh("mkdir -p customers/2024/05 schema && touch .crm.yaml.Ab12Cd "
	   "customers/2024/05/.202405001.yaml.Zz9Zz9 customers/.x.yaml.aaaaaa "
	   "schema/.customer.schema.yaml.q1w2e3 customers/2024/05/202405001.yaml "
	   "customers/.keep.yaml.notmine customers/.gitkeep .notes.yaml.bak1");
	crm_entry *v;
	size_t n;
	/* without the lock, a scan leaves everything */
	cr_assert_eq(crm_book_scan(b, &v, &n), 0);
	crm_entries_free(v, n);
	for (size_t i = 0; i < 3; i++)
		cr_expect(exists(temps[i]), "%s went without the lock", temps[i]);
	/* the lock cleans the root and schema/, a scan under it the records' folders */
	cr_assert_eq(crm_book_lock(b, "test"), 0, "%s", crm_error_last());
	cr_expect(!exists(".crm.yaml.Ab12Cd"));
	cr_expect(!exists("schema/.customer.schema.yaml.q1w2e3"));
	cr_expect(exists("customers/.x.yaml.aaaaaa"));
	cr_assert_eq(crm_book_scan(b, &v, &n), 0);
	cr_expect_eq(n, 1);
	crm_entries_free(v, n);
	for (size_t i = 0; i < 3; i++)
		cr_expect(!exists(temps[i]), "%s is still there", temps[i]);
	/* names that are not our temporaries stay */
	cr_expect(exists("customers/.keep.yaml.notmine"));
	cr_expect(exists("customers/.gitkeep"));
	cr_expect(exists(".notes.yaml.bak1"));
	cr_expect(exists("customers/2024/05/202405001.yaml"));
	crm_book_free(b);
}

/* A crm killed while writing its notes in .git (the commit journal, the list
 * of index entries to repair) leaves their temporaries: the lock removes them. */
Test(booksafe, stale_note_temporaries_in_git_go_under_the_lock)
{
	crm_book *b = open_book();
	sh("touch .git/.crm-txn-pending.Ab12Cd .git/.crm-index-pending.q1w2e3 "
	   ".git/.crm-txn-pending.toolong1 .git/crm-txn-pending.keep");
	cr_expect(exists(".git/.crm-txn-pending.Ab12Cd"));
	cr_assert_eq(crm_book_lock(b, "test"), 0, "%s", crm_error_last());
	cr_expect(!exists(".git/.crm-txn-pending.Ab12Cd"));
	cr_expect(!exists(".git/.crm-index-pending.q1w2e3"));
	cr_expect(exists(".git/.crm-txn-pending.toolong1"), "not one of ours: kept");
	cr_expect(exists(".git/crm-txn-pending.keep"));
	crm_book_free(b);
}

Test(booksafe, clean_temps_cleans_one_folder_and_only_when_locked)
{
	crm_book *b = open_book();
	sh("mkdir -p customers/2024/05 && touch customers/2024/05/.a.yaml.Ab12Cd");
	crm_book_clean_temps(b, "customers/2024/05/a.yaml");
	cr_expect(exists("customers/2024/05/.a.yaml.Ab12Cd"));
	cr_assert_eq(crm_book_lock(b, "test"), 0, "%s", crm_error_last());
	crm_book_clean_temps(b, "customers/2024/05/a.yaml");
	cr_expect(!exists("customers/2024/05/.a.yaml.Ab12Cd"));
	crm_book_free(b);
}
