/*
 * The book layer: finding the book, scanning records, ids, the write lock
 * and atomic writes. Each test works in its own temporary folder (Criterion
 * runs tests in parallel processes).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crm/book.h"
#include "crm/buf.h"

static char root[64];

static void setup(void)
{
	strcpy(root, "/tmp/crm-book-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	unsetenv("CRM_LOCK_TIMEOUT");
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(book, .init = setup, .fini = teardown);

static char *at(const char *rel)
{
	return crm_xasprintf("%s/%s", root, rel);
}

static void put(const char *rel, const char *text)
{
	char *p = at(rel);
	cr_assert_eq(crm_write_atomic(p, text, strlen(text)), 0, "%s", crm_error_last());
	free(p);
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
	return crm_buf_detach(&b);
}

/* A book at root with crm.yaml (id_format as given) and a .git folder. */
static crm_book *make_book(const char *id_format)
{
	char *cfg = crm_xasprintf("book: t\nid_format: \"%s\"\nteam:\n  - id: ming\n    name: Ming\n"
				  "    email: ming@example.com\n",
				  id_format);
	put("crm.yaml", cfg);
	free(cfg);
	char *git = at(".git");
	mkdir(git, 0755);
	free(git);
	crm_book *b = NULL;
	crm_diags d = {0};
	int rc = crm_book_open(&b, root, &d);
	cr_assert_eq(rc, 0, "crm_book_open: %s", crm_error_last());
	cr_assert_eq(d.n, 0);
	crm_diags_free(&d);
	return b;
}

/* Entries with these ids (paths made up): a scan's result without files. */
static crm_entry *entries(const char *const *ids, size_t n)
{
	crm_entry *v = crm_xcalloc(n ? n : 1, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		v[i].id = crm_xstrdup(ids[i]);
		v[i].path = crm_xasprintf("customers/x/%s.yaml", ids[i]);
	}
	return v;
}

static crm_date D(int y, int m, int d)
{
	return (crm_date){y, m, d};
}

/* ---- ids ---- */

Test(book, id_valid)
{
	const char *good[] = {"202405001", "a", "Z", "0", "a-b_c", "A1-", "x_", "2024051000"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		cr_assert(crm_id_valid(good[i]), "'%s' should be valid", good[i]);
	const char *bad[] = {"", "-a", "_a", ".a", "../x", "a/b", "a\\b", "a.yaml", "a b", "é",
			     "科技", "a\n", "..", ".", "a:b", "a*"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		cr_assert(!crm_id_valid(bad[i]), "'%s' should be invalid", bad[i]);
	char max[66];
	memset(max, 'a', 64);
	max[64] = '\0';
	cr_assert(crm_id_valid(max), "64 characters are allowed");
	max[64] = 'a';
	max[65] = '\0';
	cr_assert(!crm_id_valid(max), "65 characters are too many");
}

Test(book, next_id_first_and_gaps)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	char *id = crm_book_next_id(b, D(2024, 5, 20), NULL, 0);
	cr_assert_str_eq(id, "202405001");
	free(id);
	/* gaps are never filled: one more than the highest */
	const char *ids[] = {"202405001", "202405003", "202405007", "202404009", "202406012", "other"};
	crm_entry *v = entries(ids, 6);
	id = crm_book_next_id(b, D(2024, 5, 1), v, 6);
	cr_assert_str_eq(id, "202405008");
	free(id);
	/* another month counts its own sequence */
	id = crm_book_next_id(b, D(2024, 4, 30), v, 6);
	cr_assert_str_eq(id, "202404010");
	free(id);
	id = crm_book_next_id(b, D(2023, 5, 1), v, 6);
	cr_assert_str_eq(id, "202305001");
	free(id);
	crm_entries_free(v, 6);
	crm_book_free(b);
}

Test(book, next_id_past_999)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	const char *ids[] = {"202405998", "202405999"};
	crm_entry *v = entries(ids, 2);
	char *id = crm_book_next_id(b, D(2024, 5, 20), v, 2);
	cr_assert_str_eq(id, "2024051000");
	free(id);
	crm_entries_free(v, 2);
	const char *ids2[] = {"202405999", "2024051000", "2024051041"};
	v = entries(ids2, 3);
	id = crm_book_next_id(b, D(2024, 5, 20), v, 3);
	cr_assert_str_eq(id, "2024051042");
	free(id);
	crm_entries_free(v, 3);
	crm_book_free(b);
}

Test(book, next_id_ignores_look_alikes)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	/* same prefix but not a number after it: not part of the sequence */
	const char *ids[] = {"202405002", "202405abc", "202405", "202405-9", "2024059x"};
	crm_entry *v = entries(ids, 5);
	char *id = crm_book_next_id(b, D(2024, 5, 20), v, 5);
	cr_assert_str_eq(id, "202405003");
	free(id);
	crm_entries_free(v, 5);
	crm_book_free(b);
}

Test(book, next_id_other_formats)
{
	crm_book *b = make_book("C-{yy}{mm}{dd}-{seq:2}");
	char *id = crm_book_next_id(b, D(2024, 5, 9), NULL, 0);
	cr_assert_str_eq(id, "C-240509-01");
	free(id);
	const char *ids[] = {"C-240509-07", "C-240510-30"};
	crm_entry *v = entries(ids, 2);
	id = crm_book_next_id(b, D(2024, 5, 9), v, 2);
	cr_assert_str_eq(id, "C-240509-08");
	free(id);
	crm_entries_free(v, 2);
	crm_book_free(b);

	b = make_book("{seq:4}-sh");
	const char *ids2[] = {"0041-sh", "0099-bj"};
	v = entries(ids2, 2);
	id = crm_book_next_id(b, D(2024, 5, 9), v, 2);
	cr_assert_str_eq(id, "0042-sh");
	cr_assert(crm_id_valid(id));
	free(id);
	crm_entries_free(v, 2);
	crm_book_free(b);
}

Test(book, new_path)
{
	char *p = crm_book_new_path(D(2024, 3, 2), "202403001");
	cr_assert_str_eq(p, "customers/2024/03/202403001.yaml");
	free(p);
}

/* ---- finding and scanning ---- */

Test(book, open_walks_up_and_reports_no_book)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	crm_book_free(b);
	char *sub = at("customers/2024/05");
	char *cmd = crm_xasprintf("mkdir -p '%s'", sub);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	b = NULL;
	cr_assert_eq(crm_book_open(&b, sub, NULL), 0, "%s", crm_error_last());
	char real[4096];
	cr_assert_not_null(realpath(root, real));
	cr_assert_str_eq(b->root, real);
	cr_assert_str_eq(b->config->id_format, "{yyyy}{mm}{seq:3}");
	crm_book_free(b);
	free(sub);

	char *outside = crm_xasprintf("%s-none", root);
	mkdir(outside, 0755);
	b = (crm_book *)1;
	int rc = crm_book_open(&b, outside, NULL);
	cr_assert_eq(rc, CRM_ENOTFOUND);
	cr_assert_null(b);
	cr_assert(strstr(crm_error_last(), "crm init"), "%s", crm_error_last());
	rmdir(outside);
	free(outside);
}

Test(book, open_reports_a_broken_crm_yaml)
{
	put("crm.yaml", "book: t\nteam:\n  - id: ming\n    nmae: x\n");
	crm_book *b = NULL;
	crm_diags d = {0};
	int rc = crm_book_open(&b, root, &d);
	cr_assert_lt(rc, 0);
	cr_assert_null(b);
	cr_assert_geq(d.n, 1);
	cr_assert_eq(d.v[0].line, 4, "line %d: %s", d.v[0].line, d.v[0].msg);
	crm_diags_free(&d);
}

Test(book, scan_finds_records_only)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	put("customers/2024/05/202405002.yaml", "id: x\n");
	put("customers/2024/05/202405001.yaml", "id: x\n");
	put("customers/vip/deep/er/202301001.yaml", "id: x\n");
	put("customers/2024/05/.202405003.yaml.ab12cd", "temp\n"); /* a write in progress */
	put("customers/2024/05/.hidden.yaml", "id: x\n");
	put("customers/.git-like/202405009.yaml", "id: x\n");      /* a dot folder */
	put("customers/2024/05/notes.txt", "no\n");
	put("customers/2024/05/202405004.yml", "no\n");
	put("elsewhere/202405005.yaml", "id: x\n");
	char *target = at("customers/2024/05/202405001.yaml");
	char *link = at("customers/2024/05/202405006.yaml");
	cr_assert_eq(symlink(target, link), 0);
	crm_entry *v;
	size_t n;
	cr_assert_eq(crm_book_scan(b, &v, &n), 0);
	cr_assert_eq(n, 4);
	cr_assert_str_eq(v[0].path, "customers/2024/05/202405001.yaml");
	cr_assert_str_eq(v[1].path, "customers/2024/05/202405002.yaml");
	cr_assert_str_eq(v[2].path, "customers/2024/05/202405006.yaml");
	cr_assert_str_eq(v[3].path, "customers/vip/deep/er/202301001.yaml");
	cr_assert_str_eq(v[0].id, "202405001");
	cr_assert_str_eq(v[3].id, "202301001");
	cr_assert(!v[0].symlink);
	cr_assert(v[2].symlink, "a symlink must be marked");
	crm_entries_free(v, n);
	free(target);
	free(link);
	crm_book_free(b);
}

Test(book, scan_of_an_empty_book)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	crm_entry *v = (crm_entry *)1;
	size_t n = 99;
	cr_assert_eq(crm_book_scan(b, &v, &n), 0);
	cr_assert_eq(n, 0);
	crm_entries_free(v, n);
	crm_book_free(b);
}

/* ---- atomic writes ---- */

static size_t count_entries(const char *rel)
{
	char *p = at(rel);
	DIR *d = opendir(p);
	free(p);
	cr_assert_not_null(d);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

Test(book, write_atomic_replaces_and_leaves_no_temp)
{
	put("customers/2024/05/a.yaml", "one\n");
	char *s = slurp("customers/2024/05/a.yaml");
	cr_assert_str_eq(s, "one\n");
	free(s);
	put("customers/2024/05/a.yaml", "two, longer\n");
	s = slurp("customers/2024/05/a.yaml");
	cr_assert_str_eq(s, "two, longer\n");
	free(s);
	put("customers/2024/05/a.yaml", "");
	s = slurp("customers/2024/05/a.yaml");
	cr_assert_str_eq(s, "");
	free(s);
	cr_assert_eq(count_entries("customers/2024/05"), 1, "a temporary file was left behind");
	/* bytes, not strings: a NUL in the middle is kept */
	char *p = at("bin");
	cr_assert_eq(crm_write_atomic(p, "a\0b", 3), 0);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_size, 3);
	free(p);
}

Test(book, write_atomic_keeps_the_mode)
{
	put("f.yaml", "x\n");
	char *p = at("f.yaml");
	cr_assert_eq(chmod(p, 0600), 0);
	cr_assert_eq(crm_write_atomic(p, "y\n", 2), 0);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	free(p);
}

Test(book, write_atomic_refuses_symlinks)
{
	put("target.yaml", "original\n");
	char *target = at("target.yaml"), *link = at("link.yaml");
	cr_assert_eq(symlink(target, link), 0);
	int rc = crm_write_atomic(link, "evil\n", 5);
	cr_assert_eq(rc, CRM_EFAIL);
	cr_assert(strstr(crm_error_last(), "link"), "%s", crm_error_last());
	char *s = slurp("target.yaml");
	cr_assert_str_eq(s, "original\n");
	free(s);
	struct stat st;
	cr_assert_eq(lstat(link, &st), 0);
	cr_assert(S_ISLNK(st.st_mode), "the link itself must stay");
	cr_assert_eq(count_entries("."), 2, "a temporary file was left behind");
	/* a dangling link too */
	char *dangling = at("dangling.yaml"), *nowhere = at("nowhere.yaml");
	cr_assert_eq(symlink(nowhere, dangling), 0);
	cr_assert_eq(crm_write_atomic(dangling, "x", 1), CRM_EFAIL);
	cr_assert_eq(access(nowhere, F_OK), -1, "written through a dangling link");
	free(dangling);
	free(nowhere);
	free(target);
	free(link);
}

Test(book, write_atomic_reports_a_folder_it_cannot_make)
{
	put("file", "x\n");
	char *p = at("file/sub/a.yaml");
	int rc = crm_write_atomic(p, "x", 1);
	cr_assert_lt(rc, 0);
	cr_assert_neq(crm_error_last()[0], '\0');
	free(p);
}

/* ---- the lock ---- */

Test(book, lock_is_reentrant_and_released)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	cr_assert_eq(crm_book_lock(b, "test"), 0, "%s", crm_error_last());
	cr_assert_geq(b->lock_fd, 0);
	cr_assert_eq(crm_book_lock(b, "test"), 0, "taking it twice in one book is fine");
	char *s = slurp(".git/crm.lock");
	char *want = crm_xasprintf("pid %ld: crm test", (long)getpid());
	cr_assert(s && strstr(s, want), "lock file says '%s'", s ? s : "(none)");
	free(want);
	free(s);
	crm_book_unlock(b);
	cr_assert_eq(b->lock_fd, -1);
	crm_book_unlock(b); /* harmless */
	crm_book_free(b);
}

Test(book, lock_needs_a_git_folder)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	char *git = at(".git");
	cr_assert_eq(rmdir(git), 0);
	free(git);
	cr_assert_eq(crm_book_lock(b, "x"), CRM_EFAIL);
	cr_assert(strstr(crm_error_last(), "git"), "%s", crm_error_last());
	crm_book_free(b);
}

Test(book, lock_times_out_naming_the_holder)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	int ready[2], done[2];
	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(done), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* another crm: its own book handle, holds the lock until told */
		crm_book *o = NULL;
		if (crm_book_open(&o, root, NULL) || crm_book_lock(o, "edit 202405001"))
			_exit(1);
		char c = 'x';
		(void)!write(ready[1], &c, 1);
		(void)!read(done[0], &c, 1);
		crm_book_free(o);
		_exit(0);
	}
	char c;
	cr_assert_eq(read(ready[0], &c, 1), 1, "the holder did not take the lock");
	setenv("CRM_LOCK_TIMEOUT", "0.2", 1);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = crm_book_lock(b, "tag");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double waited = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_eq(rc, CRM_ELOCKED, "rc %d: %s", rc, crm_error_last());
	cr_assert_geq(waited, 0.19, "gave up after %.3f s", waited);
	cr_assert_lt(waited, 3.0, "waited %.3f s for a 0.2 s timeout", waited);
	char *holder = crm_xasprintf("pid %ld: crm edit 202405001", (long)pid);
	cr_assert(strstr(crm_error_last(), holder), "message '%s' does not name '%s'", crm_error_last(),
		  holder);
	free(holder);
	cr_assert_eq(b->lock_fd, -1);
	/* the holder's lock file text was not overwritten by the waiter */
	char *s = slurp(".git/crm.lock");
	cr_assert(s && strstr(s, "edit 202405001"), "%s", s ? s : "");
	free(s);
	/* the holder finishes: the lock is free again */
	cr_assert_eq(write(done[1], "x", 1), 1);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(crm_book_lock(b, "tag"), 0, "%s", crm_error_last());
	crm_book_free(b);
}

Test(book, lock_dies_with_its_process)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	int ready[2];
	cr_assert_eq(pipe(ready), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		crm_book *o = NULL;
		if (crm_book_open(&o, root, NULL) || crm_book_lock(o, "crashing"))
			_exit(1);
		(void)!write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	char c;
	cr_assert_eq(read(ready[0], &c, 1), 1);
	kill(pid, SIGKILL); /* a crash: nobody unlocks */
	waitpid(pid, NULL, 0);
	setenv("CRM_LOCK_TIMEOUT", "2", 1);
	cr_assert_eq(crm_book_lock(b, "after"), 0, "%s", crm_error_last());
	crm_book_free(b);
}

Test(book, guess_path_reads_year_and_month_back_from_the_id)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	char *p = crm_book_guess_path(b, "202405001");
	cr_assert_str_eq(p, "customers/2024/05/202405001.yaml");
	free(p);
	cr_assert_null(crm_book_guess_path(b, "2024x5001"), "not digits where the month is");
	cr_assert_null(crm_book_guess_path(b, "202413001"), "no month 13");
	cr_assert_null(crm_book_guess_path(b, "acme"));
	crm_book_free(b);
	b = make_book("C-{yyyy}{mm}{dd}-{seq:2}");
	p = crm_book_guess_path(b, "C-20240531-07");
	cr_assert_str_eq(p, "customers/2024/05/C-20240531-07.yaml");
	free(p);
	cr_assert_null(crm_book_guess_path(b, "X-20240531-07"), "the literal prefix must match");
	crm_book_free(b);
	b = make_book("{seq:4}");
	cr_assert_null(crm_book_guess_path(b, "0001"), "no year or month in the format");
	crm_book_free(b);
}

Test(book, which_paths_are_records)
{
	cr_assert(crm_is_record_path("customers/2024/05/202405001.yaml"));
	cr_assert(crm_is_record_path("customers/vip/a.yaml"));
	cr_assert_not(crm_is_record_path("customers/2024/05/.202405001.yaml.Ab12Cd"), "our temporary");
	cr_assert_not(crm_is_record_path("customers/2024/05/.202405001.yaml.swp"), "a vim swap file");
	cr_assert_not(crm_is_record_path("customers/.hidden/a.yaml"), "a hidden folder");
	cr_assert_not(crm_is_record_path("customers/2024/05/a.yml"));
	cr_assert_not(crm_is_record_path("notes/a.yaml"), "outside customers/");
	cr_assert_not(crm_is_record_path("crm.yaml"));
}

Test(book, the_id_a_file_name_gives)
{
	const char *cases[][2] = {{"customers/2024/05/202405001.yaml", "202405001"},
				  {"customers/vip/a.yaml", "a"},
				  {"202405001.yaml", "202405001"},
				  {"customers/2024/notes.txt", "notes.txt"},
				  {"customers/.yaml", ".yaml"}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *id = crm_path_id(cases[i][0]);
		cr_expect_str_eq(id, cases[i][1], "%s", cases[i][0]);
		free(id);
	}
}

/* one block for many strings: NULL ones skipped, lengths given or measured */
Test(book, strings_packed_in_one_block)
{
	char *a = NULL, *b = (char *)"untouched", *c = NULL;
	const char *src[3] = {"陈静", NULL, "202405001.yaml"};
	char **const dst[3] = {&a, &b, &c};
	char *blk = crm_xpack(3, src, NULL, dst);
	cr_expect_str_eq(a, "陈静");
	cr_expect_str_eq(b, "untouched");
	cr_expect_str_eq(c, "202405001.yaml");
	cr_expect_eq(a, blk);
	free(blk);
	const size_t len[3] = {3, 0, 9};
	blk = crm_xpack(3, src, len, dst);
	cr_expect_str_eq(a, "陈");
	cr_expect_str_eq(c, "202405001");
	free(blk);
}

/* Threads sharing a crm_stat_job. */
static void *stat_worker(void *arg)
{
	crm_stat_job_work(arg);
	return NULL;
}

/*
 * lstat shared between threads gives every entry exactly what
 * crm_book_scan_stat gives: a folder of more files than one run (600),
 * nested folders, files at the top, a symlink (its own lstat, not its
 * target's), and a file removed between the scan and the lstat.
 */
Test(book, stat_job_shared_by_threads_is_scan_stat)
{
	crm_book *b = make_book("{yyyy}{mm}{seq:3}");
	for (int i = 0; i < 600; i++) {
		char rel[64], text[64];
		snprintf(rel, sizeof rel, "customers/2024/05/202405%03d.yaml", i);
		snprintf(text, sizeof text, "id: %*d\n", i % 40 + 1, i); /* sizes differ */
		put(rel, text);
	}
	put("customers/202301001.yaml", "id: top\n");
	put("customers/vip/deep/202301002.yaml", "id: deep\n");
	char *target = at("customers/202301001.yaml");
	char *link = at("customers/vip/202301003.yaml");
	cr_assert_eq(symlink(target, link), 0);
	crm_entry *want, *v;
	size_t nwant, n;
	cr_assert_eq(crm_book_scan_stat(b, &want, &nwant), 0);
	cr_assert_eq(crm_book_scan(b, &v, &n), 0);
	cr_assert_eq(n, nwant);
	cr_assert_eq(n, 603);
	char *gone = at("customers/2024/05/202405300.yaml");
	cr_assert_eq(unlink(gone), 0);
	crm_stat_job *j = crm_stat_job_new(b, v, n);
	pthread_t th[3];
	for (int t = 0; t < 3; t++)
		cr_assert_eq(pthread_create(&th[t], NULL, stat_worker, j), 0);
	crm_stat_job_work(j);
	for (int t = 0; t < 3; t++)
		pthread_join(th[t], NULL);
	crm_stat_job_free(j);
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_eq(v[i].path, want[i].path);
		if (!strcmp(v[i].path, "customers/2024/05/202405300.yaml")) {
			cr_assert(!v[i].has_stat, "a removed file has no stat");
			continue;
		}
		cr_assert(v[i].has_stat, "%s not stat-ed", v[i].path);
		cr_assert(want[i].has_stat);
		/* what lstat of the whole path says (the link's own, not its target's) */
		char *full = at(v[i].path);
		struct stat ls;
		cr_assert_eq(lstat(full, &ls), 0);
		free(full);
		cr_assert_eq(v[i].st.size, (long long)ls.st_size, "%s", v[i].path);
		cr_assert_eq(v[i].st.ino, (long long)ls.st_ino, "%s", v[i].path);
		cr_assert_eq(v[i].st.mtime, ls.st_mtim.tv_sec * 1000000000LL + ls.st_mtim.tv_nsec);
		cr_assert_eq(v[i].st.size, want[i].st.size, "%s", v[i].path);
		cr_assert_eq(v[i].st.mtime, want[i].st.mtime, "%s", v[i].path);
		cr_assert_eq(v[i].st.ctime, want[i].st.ctime, "%s", v[i].path);
		cr_assert_eq(v[i].st.ino, want[i].st.ino, "%s", v[i].path);
	}
	crm_entries_free(v, n);
	crm_entries_free(want, nwant);
	free(gone);
	free(target);
	free(link);
	crm_book_free(b);
}
