/*
 * crm edit WHO: the editor is a small shell script written by each test,
 * so that what "the person" does to the copy is exact and repeatable.
 */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"

TestSuite(edit, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

#define REC "customers/2024/05/202405001.yaml"
#define COPY ".git/crm/edit/202405001.yaml"

/* A book with two customers, 202405001 (科技有限公司) and 202405002. */
static const char *two_customers(void)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "trade-show", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "add", "李四", "--kind", "person", "--source", "referral", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return b;
}

/* Write an editor script at ./NAME (absolute path returned, caller frees). */
static char *script(const char *name, const char *body)
{
	char cwd[512];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	char *p;
	cr_assert(asprintf(&p, "%s/%s", cwd, name) >= 0);
	char *text;
	cr_assert(asprintf(&text, "#!/bin/sh\n%s", body) >= 0);
	e2e_write(p, text);
	free(text);
	cr_assert_eq(chmod(p, 0755), 0);
	return p;
}

static char *book_file(const char *b, const char *rel)
{
	char *p;
	cr_assert(asprintf(&p, "%s/%s", b, rel) >= 0);
	char *text = e2e_read(p);
	free(p);
	return text;
}

Test(edit, valid_edit_is_one_commit_of_that_file_only)
{
	const char *b = two_customers();
	int before = e2e_commits(b);
	setenv("EDITOR", "sed -i s/科技有限公司/科技集团/", 1);
	e2e_run r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before + 1);
	char *text = book_file(b, REC);
	e2e_assert_has(text, "name: 科技集团\n");
	e2e_assert_hasnt(text, "科技有限公司");
	free(text);
	r = e2e_sh(b, "git show --format=%%s --name-only HEAD");
	cr_assert_str_eq(r.out, "edit 202405001: 科技集团\n\n" REC "\n");
	e2e_run_free(&r);
	r = e2e_sh(b, "git log -1 --format=%%an HEAD");
	cr_assert_str_eq(r.out, "销售代表明\n");
	e2e_run_free(&r);
	/* the copy is gone and the tree is clean */
	cr_assert_null(book_file(b, COPY));
	r = e2e_sh(b, "git status --porcelain && git fsck --no-progress 2>&1");
	cr_assert_str_eq(r.out, "");
	e2e_run_free(&r);
}

Test(edit, unchanged_copy_commits_nothing)
{
	const char *b = two_customers();
	int before = e2e_commits(b);
	char *rec0 = book_file(b, REC);
	setenv("EDITOR", "true", 1);
	e2e_run r = e2e_crmv(b, "edit", "科技", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "no changes");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
	char *rec1 = book_file(b, REC);
	cr_assert_str_eq(rec1, rec0);
	cr_assert_null(book_file(b, COPY));
	free(rec0);
	free(rec1);
}

Test(edit, invalid_edit_keeps_the_copy_and_changes_nothing)
{
	const char *b = two_customers();
	int before = e2e_commits(b);
	char *rec0 = book_file(b, REC);
	setenv("EDITOR", "sed -i s/^stage:.*/stage:\\ negociation/", 1);
	e2e_run r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 1);
	/* the real record path, with line and column, and the suggestion */
	e2e_assert_has(r.err, REC ":");
	e2e_assert_has(r.err, ": error: stage: 'negociation'");
	e2e_assert_has(r.err, "did you mean 'negotiation'?");
	e2e_assert_has(r.err, "your edit is kept in " COPY);
	e2e_run_free(&r);
	char *rec1 = book_file(b, REC);
	cr_assert_str_eq(rec1, rec0, "the record changed on disk");
	cr_assert_eq(e2e_commits(b), before);
	char *copy = book_file(b, COPY);
	cr_assert_not_null(copy, "the edited copy is not kept");
	e2e_assert_has(copy, "stage: negociation\n");
	struct stat st;
	char *cp;
	cr_assert(asprintf(&cp, "%s/" COPY, b) >= 0);
	cr_assert_eq(stat(cp, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	free(cp);
	free(copy);
	free(rec0);
	free(rec1);
}

Test(edit, error_position_is_line_and_column_of_the_value)
{
	const char *b = two_customers();
	setenv("EDITOR", "sed -i s/^stage:.*/stage:\\ negociation/", 1);
	e2e_run g = e2e_sh(b, "grep -n '^stage:' " REC " | cut -d: -f1");
	char want[128];
	snprintf(want, sizeof want, REC ":%d:8: error: stage: 'negociation'", atoi(g.out));
	e2e_run_free(&g);
	e2e_run r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, want);
	e2e_run_free(&r);
}

Test(edit, next_edit_goes_on_with_the_kept_copy)
{
	const char *b = two_customers();
	int before = e2e_commits(b);
	setenv("EDITOR", "sed -i s/^stage:.*/stage:\\ negociation/", 1);
	e2e_run r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	/* the second editor only fixes the typo: it sees the first one's work */
	setenv("EDITOR", "sed -i s/negociation/negotiation/", 1);
	r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "going on with your unfinished edit");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before + 1);
	char *text = book_file(b, REC);
	e2e_assert_has(text, "stage: negotiation\n");
	free(text);
	cr_assert_null(book_file(b, COPY));
}

Test(edit, editor_command_with_arguments_and_a_book_path_with_spaces)
{
	const char *b0 = two_customers();
	e2e_run r = e2e_sh(NULL, "mv '%s' 'my book'", b0);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	const char *b = "my book";
	/* the script checks it got its own arguments first, then exactly one path */
	char *s = script("my editor.sh",
			 "[ \"$1\" = --flag ] && [ \"$2\" = 'two words' ] && [ $# = 3 ] || exit 9\n"
			 "case \"$3\" in */'my book'/.git/crm/edit/202405001.yaml) ;; *) exit 8 ;; esac\n"
			 "printf 'tags: [via-script]\\n' >> \"$3\"\n");
	char *ed;
	cr_assert(asprintf(&ed, "sh '%s' --flag \"two words\"", s) >= 0);
	setenv("EDITOR", "false", 1);
	setenv("VISUAL", ed, 1); /* VISUAL wins over EDITOR */
	r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *text = book_file(b, REC);
	e2e_assert_has(text, "tags: [via-script]\n");
	free(text);
	r = e2e_sh(b, "git log -1 --format=%%s");
	cr_assert_str_eq(r.out, "edit 202405001: 科技有限公司\n");
	e2e_run_free(&r);
	free(ed);
	free(s);
}

Test(edit, editor_that_fails_abandons_the_edit)
{
	const char *b = two_customers();
	int before = e2e_commits(b);
	char *rec0 = book_file(b, REC);
	char *s = script("fail.sh", "sed -i s/科技有限公司/改了/ \"$1\"\nexit 3\n");
	setenv("EDITOR", s, 1);
	e2e_run r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "status 3");
	e2e_assert_has(r.err, "nothing committed");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
	char *rec1 = book_file(b, REC);
	cr_assert_str_eq(rec1, rec0);
	free(rec0);
	free(rec1);
	free(s);
}

Test(edit, missing_editor_is_an_error)
{
	const char *b = two_customers();
	int before = e2e_commits(b);
	setenv("EDITOR", "/no/such/editor --wait", 1);
	e2e_run r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "/no/such/editor");
	e2e_assert_has(r.err, "EDITOR");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
	cr_assert_null(book_file(b, COPY));
}

Test(edit, change_on_disk_meanwhile_is_not_overwritten)
{
	const char *b = two_customers();
	/* while "the person" edits, another crm tags the same record: no lock is held */
	char *s;
	char *body;
	cr_assert(asprintf(&body, "'%s' tag 202405001 meanwhile >/dev/null 2>&1 || exit 7\n"
				  "sed -i s/科技有限公司/科技集团/ \"$1\"\n",
			   getenv("CRM_BIN")) >= 0);
	s = script("race.sh", body);
	free(body);
	setenv("EDITOR", s, 1);
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "changed by someone else");
	e2e_assert_has(r.err, COPY);
	e2e_run_free(&r);
	/* the tag commit stands, the edit is not in the record, the copy holds it */
	cr_assert_eq(e2e_commits(b), before + 1);
	char *text = book_file(b, REC);
	e2e_assert_has(text, "meanwhile");
	e2e_assert_has(text, "科技有限公司");
	free(text);
	char *copy = book_file(b, COPY);
	cr_assert_not_null(copy);
	e2e_assert_has(copy, "科技集团");
	free(copy);
	/* and a later edit does not silently drop that work either */
	setenv("EDITOR", "true", 1);
	r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, COPY);
	e2e_run_free(&r);
	free(s);
}

Test(edit, repairs_a_record_that_is_not_yaml)
{
	const char *b = two_customers();
	char *good = book_file(b, REC);
	char *p;
	cr_assert(asprintf(&p, "%s/" REC, b) >= 0);
	e2e_write(p, "id: \"202405001\"\nname: [broken\n");
	/* the editor puts the good text back, with a change */
	char *saved;
	cr_assert(asprintf(&saved, "%s/good.yaml", getenv("HOME")) >= 0);
	e2e_write(saved, good);
	char *body;
	cr_assert(asprintf(&body, "sed s/科技有限公司/修好了/ '%s' > \"$1\"\n", saved) >= 0);
	char *s = script("repair.sh", body);
	setenv("EDITOR", s, 1);
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "edit", "202405001", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before + 1);
	char *text = e2e_read(p);
	e2e_assert_has(text, "name: 修好了\n");
	free(text);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	free(s);
	free(body);
	free(saved);
	free(p);
	free(good);
}

Test(edit, command_line_mistakes)
{
	const char *b = two_customers();
	e2e_run r = e2e_crmv(b, "edit", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "edit", "202405001", "202405002", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "edit", "--bogus", "202405001", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	setenv("EDITOR", "true", 1);
	r = e2e_crmv(b, "edit", "nobody", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "no customer 'nobody'");
	e2e_run_free(&r);
}

/* Read from the terminal's master side until `want` shows up or it closes. */
static void read_until(int fd, char *buf, size_t cap, size_t *len, const char *want)
{
	while (!want || !strstr(buf, want)) {
		ssize_t n = read(fd, buf + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
		buf[*len] = '\0';
	}
}

Test(edit, on_a_terminal_invalid_edit_offers_to_reopen, .timeout = 60)
{
	const char *b = two_customers();
	/* first run writes a typo, the second fixes it */
	char *s = script("twice.sh", "if [ -e \"$HOME/ran\" ]; then\n"
				     "  sed -i s/^stage:.*/stage:\\ needs/ \"$1\"\n"
				     "else\n"
				     "  touch \"$HOME/ran\"; sed -i s/^stage:.*/stage:\\ needz/ \"$1\"\n"
				     "fi\n");
	setenv("EDITOR", s, 1);
	int before = e2e_commits(b);
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (chdir(b) != 0)
			_exit(126);
		execl(getenv("CRM_BIN"), "crm", "edit", "202405001", (char *)NULL);
		_exit(127);
	}
	static char out[65536];
	size_t len = 0;
	out[0] = '\0';
	read_until(master, out, sizeof out, &len, "[Y/n]");
	e2e_assert_has(out, "did you mean 'needs'?");
	e2e_assert_has(out, "Reopen the editor? [Y/n]");
	cr_assert_eq(write(master, "y\n", 2), 2);
	read_until(master, out, sizeof out, &len, NULL);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	close(master);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit %d\n%s", st, out);
	cr_assert_eq(e2e_commits(b), before + 1);
	char *text = book_file(b, REC);
	e2e_assert_has(text, "stage: needs\n");
	free(text);
	free(s);
}

Test(edit, on_a_terminal_declining_keeps_the_copy, .timeout = 60)
{
	const char *b = two_customers();
	setenv("EDITOR", "sed -i s/^stage:.*/stage:\\ needz/", 1);
	int before = e2e_commits(b);
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (chdir(b) != 0)
			_exit(126);
		execl(getenv("CRM_BIN"), "crm", "edit", "202405001", (char *)NULL);
		_exit(127);
	}
	static char out[65536];
	size_t len = 0;
	out[0] = '\0';
	read_until(master, out, sizeof out, &len, "[Y/n]");
	cr_assert_eq(write(master, "n\n", 2), 2);
	read_until(master, out, sizeof out, &len, NULL);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	close(master);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit %d\n%s", st, out);
	e2e_assert_has(out, COPY);
	cr_assert_eq(e2e_commits(b), before);
	char *copy = book_file(b, COPY);
	cr_assert_not_null(copy);
	e2e_assert_has(copy, "stage: needz");
	free(copy);
}
