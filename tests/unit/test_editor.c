/*
 * editor.c: splitting an editor command like a shell, without one, and
 * running it on a file whose path is handed over intact.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/editor.h"
#include "crm/error.h"

static void split_is(const char *cmd, size_t want_n, const char *const *want)
{
	char **v;
	size_t n;
	int rc = crm_argv_split(&v, &n, cmd);
	cr_assert_eq(rc, 0, "split <%s>: %s", cmd, crm_error_last());
	cr_assert_eq(n, want_n, "split <%s>: %zu words, want %zu", cmd, n, want_n);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(v[i], want[i], "split <%s>: word %zu", cmd, i);
	cr_assert_null(v[n]);
	crm_argv_free(v);
}

Test(editor, split_plain_words)
{
	split_is("vi", 1, (const char *[]){"vi"});
	split_is("  code   --wait\t", 2, (const char *[]){"code", "--wait"});
	split_is("emacsclient -t -a ''", 4, (const char *[]){"emacsclient", "-t", "-a", ""});
}

Test(editor, split_quotes_and_backslashes)
{
	split_is("vim -c 'set ft=yaml'", 3, (const char *[]){"vim", "-c", "set ft=yaml"});
	split_is("\"/opt/My Editor/bin/ed\" -w", 2, (const char *[]){"/opt/My Editor/bin/ed", "-w"});
	split_is("a\\ b c", 2, (const char *[]){"a b", "c"});
	split_is("x\"y z\"'w'", 1, (const char *[]){"xy zw"});
	/* inside double quotes only \" \\ \$ \` escape; other backslashes stay */
	split_is("\"a\\\"b\\\\c\\nd\\$\"", 1, (const char *[]){"a\"b\\c\\nd$"});
	/* single quotes keep backslashes and dollars */
	split_is("'a\\b $HOME'", 1, (const char *[]){"a\\b $HOME"});
	/* nothing is expanded or interpreted */
	split_is("ed $HOME; rm *", 4, (const char *[]){"ed", "$HOME;", "rm", "*"});
}

Test(editor, split_tilde)
{
	setenv("HOME", "/home/ming", 1);
	split_is("~/bin/ed ~ '~/x' a~/b", 4,
		 (const char *[]){"/home/ming/bin/ed", "/home/ming", "~/x", "a~/b"});
}

Test(editor, split_errors)
{
	char **v = (char **)1;
	size_t n = 7;
	cr_assert_eq(crm_argv_split(&v, &n, "vim 'oops"), CRM_EUSAGE);
	cr_assert_null(v);
	cr_assert_eq(n, 0);
	cr_assert(strstr(crm_error_last(), "quote"), "%s", crm_error_last());
	cr_assert_eq(crm_argv_split(&v, &n, "vim \"oops"), CRM_EUSAGE);
	cr_assert_eq(crm_argv_split(&v, &n, "vim \\"), CRM_EUSAGE);
	cr_assert_eq(crm_argv_split(&v, &n, "   "), CRM_EUSAGE);
	cr_assert_eq(crm_argv_split(&v, &n, ""), CRM_EUSAGE);
}

Test(editor, command_from_environment)
{
	unsetenv("VISUAL");
	unsetenv("EDITOR");
	cr_assert_str_eq(crm_editor_command(), "vi");
	setenv("EDITOR", "nano", 1);
	cr_assert_str_eq(crm_editor_command(), "nano");
	setenv("VISUAL", "", 1);
	cr_assert_str_eq(crm_editor_command(), "nano");
	setenv("VISUAL", "code --wait", 1);
	cr_assert_str_eq(crm_editor_command(), "code --wait");
}

static char dir[64];

static void mkdir_tmp(void)
{
	strcpy(dir, "/tmp/crm-editor-XXXXXX");
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void rm_tmp(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static char *slurp(const char *path)
{
	crm_buf b = CRM_BUF_INIT;
	cr_assert_eq(crm_buf_read_file(&b, path), 0, "%s", crm_error_last());
	crm_buf_puts(&b, "");
	return crm_buf_detach(&b);
}

Test(editor, run_passes_the_path_as_one_argument, .init = mkdir_tmp, .fini = rm_tmp)
{
	/* a path with a space, a quote, a dollar and a semicolon reaches $0 intact */
	char *file = crm_xasprintf("%s/my book; $x 'q'.yaml", dir);
	cr_assert_eq(crm_write_private(file, "a: 1\n", 5), 0);
	int rc = crm_editor_run("sh -c 'printf \"b: 2\\n\" >> \"$0\"'", file);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	char *text = slurp(file);
	cr_assert_str_eq(text, "a: 1\nb: 2\n");
	free(text);
	free(file);
}

Test(editor, run_reports_exit_status_and_missing_editor, .init = mkdir_tmp, .fini = rm_tmp)
{
	char *file = crm_xasprintf("%s/f.yaml", dir);
	cr_assert_eq(crm_write_private(file, "", 0), 0);
	cr_assert_eq(crm_editor_run("true", file), 0);
	cr_assert_eq(crm_editor_run("sh -c 'exit 3'", file), CRM_EFAIL);
	cr_assert(strstr(crm_error_last(), "status 3"), "%s", crm_error_last());
	cr_assert_eq(crm_editor_run("/no/such/editor --wait", file), CRM_EIO);
	cr_assert(strstr(crm_error_last(), "/no/such/editor"), "%s", crm_error_last());
	cr_assert_eq(crm_editor_run("vim 'x", file), CRM_EUSAGE);
	free(file);
}

Test(editor, write_private_is_owner_only, .init = mkdir_tmp, .fini = rm_tmp)
{
	char *file = crm_xasprintf("%s/copy.yaml", dir);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fclose(f);
	chmod(file, 0644);
	cr_assert_eq(crm_write_private(file, "id: x\n", 6), 0);
	struct stat st;
	cr_assert_eq(stat(file, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	char *text = slurp(file);
	cr_assert_str_eq(text, "id: x\n");
	free(text);
	/* never through a symlink */
	char *link = crm_xasprintf("%s/link.yaml", dir);
	cr_assert_eq(symlink(file, link), 0);
	cr_assert_neq(crm_write_private(link, "x", 1), 0);
	text = slurp(file);
	cr_assert_str_eq(text, "id: x\n");
	free(text);
	free(link);
	free(file);
}
