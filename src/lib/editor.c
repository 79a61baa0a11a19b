/*
 * editor.c: run the user's editor on a file without a shell.
 *
 * git runs "$EDITOR \"$@\"" through sh; we split the command ourselves so
 * that nothing in the file's path can ever be read as shell syntax, and so
 * that a book path with spaces or quotes reaches the editor intact.
 */
#include "crm/editor.h"
#include "crm/buf.h"
#include "crm/error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *crm_editor_command(void)
{
	const char *v = getenv("VISUAL");
	if (v && *v)
		return v;
	v = getenv("EDITOR");
	if (v && *v)
		return v;
	return "vi";
}

void crm_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int crm_argv_split(char ***argv, size_t *argc, const char *cmd)
{
	char **v = crm_xcalloc(1, sizeof *v);
	size_t n = 0;
	const char *p = cmd ? cmd : "";
	*argv = NULL;
	*argc = 0;
	for (;;) {
		while (blank(*p))
			p++;
		if (!*p)
			break;
		crm_buf w = CRM_BUF_INIT;
		crm_buf_puts(&w, ""); /* a word of '' is empty, not absent */
		if (p[0] == '~' && (p[1] == '/' || blank(p[1]) || !p[1])) {
			const char *home = getenv("HOME");
			if (home && *home) {
				crm_buf_puts(&w, home);
				p++;
			}
		}
		while (*p && !blank(*p)) {
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');
				if (!end)
					goto unterminated;
				crm_buf_put(&w, p + 1, (size_t)(end - p - 1));
				p = end + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
						if (p[1] != '\n')
							crm_buf_putc(&w, p[1]);
						p += 2;
					} else {
						crm_buf_putc(&w, *p++);
					}
				}
				if (!*p)
					goto unterminated;
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					crm_buf_free(&w);
					crm_argv_free(v);
					return crm_error_set(CRM_EUSAGE, "the editor command '%s' ends with a "
								       "backslash", cmd);
				}
				if (p[1] != '\n')
					crm_buf_putc(&w, p[1]);
				p += 2;
			} else {
				crm_buf_putc(&w, *p++);
			}
		}
		v = crm_xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = crm_buf_detach(&w);
		v[n] = NULL;
		continue;
	unterminated:
		crm_buf_free(&w);
		crm_argv_free(v);
		return crm_error_set(CRM_EUSAGE, "the editor command '%s' has a quote that is not "
					       "closed; fix VISUAL or EDITOR", cmd);
	}
	if (!n) {
		crm_argv_free(v);
		return crm_error_set(CRM_EUSAGE, "the editor command is empty; set VISUAL or EDITOR");
	}
	*argv = v;
	*argc = n;
	return 0;
}

int crm_editor_run(const char *cmd, const char *file)
{
	char **words;
	size_t n;
	int rc = crm_argv_split(&words, &n, cmd);
	if (rc)
		return rc;
	char **argv = crm_xcalloc(n + 2, sizeof *argv);
	memcpy(argv, words, n * sizeof *argv);
	argv[n] = (char *)file;

	/* the child reports a failed exec through a pipe closed by a successful one */
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		rc = crm_error_errno(CRM_EIO, "cannot start the editor");
		goto done;
	}
	struct sigaction ign = {0}, old_int, old_quit;
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		close(pfd[0]);
		execvp(argv[0], argv);
		int e = errno;
		if (write(pfd[1], &e, sizeof e) < 0)
			e = 0;
		_exit(127);
	}
	int saved = errno;
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		errno = saved;
		rc = crm_error_errno(CRM_EIO, "cannot start the editor");
		goto restore;
	}
	int child_errno = 0;
	ssize_t got;
	while ((got = read(pfd[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR)
		;
	close(pfd[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			rc = crm_error_errno(CRM_EIO, "cannot wait for the editor");
			goto restore;
		}
	}
	if (got == (ssize_t)sizeof child_errno) {
		errno = child_errno;
		rc = crm_error_errno(CRM_EIO, "cannot run the editor '%s' (from %s)", argv[0],
				     getenv("VISUAL") && *getenv("VISUAL")   ? "VISUAL"
				     : getenv("EDITOR") && *getenv("EDITOR") ? "EDITOR"
									     : "the default");
	} else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
		rc = crm_error_set(CRM_EFAIL, "the editor '%s' exited with status %d", argv[0],
				   WEXITSTATUS(st));
	} else if (WIFSIGNALED(st)) {
		rc = crm_error_set(CRM_EFAIL, "the editor '%s' was killed by signal %d", argv[0],
				   WTERMSIG(st));
	} else {
		rc = 0;
	}
restore:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
done:
	free(argv);
	crm_argv_free(words);
	return rc;
}

int crm_write_private(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return crm_error_errno(errno == ELOOP ? CRM_EFAIL : CRM_EIO, "cannot write %s", path);
	int rc = 0;
	if (fchmod(fd, 0600) != 0)
		rc = crm_error_errno(CRM_EIO, "cannot make %s private", path);
	for (size_t off = 0; !rc && off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			rc = crm_error_errno(CRM_EIO, "cannot write %s", path);
		else
			off += (size_t)w;
	}
	if (!rc && fsync(fd) != 0)
		rc = crm_error_errno(CRM_EIO, "cannot write %s", path);
	if (close(fd) != 0 && !rc)
		rc = crm_error_errno(CRM_EIO, "cannot write %s", path);
	return rc;
}
