#include "e2e.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[256];

static const char *crm_bin(void)
{
	const char *b = getenv("CRM_BIN");
	cr_assert(b && *b, "CRM_BIN is not set (run the tests with make e2e)");
	return b;
}

static const char *src_dir(void)
{
	const char *s = getenv("CRM_SRC");
	cr_assert(s && *s, "CRM_SRC is not set (run the tests with make e2e)");
	return s;
}

const char *e2e_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/crm-e2e-XXXXXX");
	cr_assert(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
	setenv("HOME", tmpdir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "Ming", 1);
	setenv("GIT_AUTHOR_EMAIL", "ming@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "Ming", 1);
	setenv("GIT_COMMITTER_EMAIL", "ming@example.com", 1);
	setenv("CRM_TODAY", "2024-05-20", 1);
	setenv("NO_COLOR", "1", 1);
	setenv("LANG", "C.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("VISUAL");
	unsetenv("EDITOR");
	char gc[512];
	snprintf(gc, sizeof gc, "%s/.gitconfig", tmpdir);
	FILE *f = fopen(gc, "w");
	cr_assert(f);
	fputs("[user]\n\tname = Ming\n\temail = ming@example.com\n[init]\n\tdefaultBranch = main\n"
	      "[advice]\n\tdetachedHead = false\n", f);
	fclose(f);
	cr_assert_eq(chdir(tmpdir), 0);
	return tmpdir;
}

void e2e_cleanup(void)
{
	if (!tmpdir[0])
		return;
	if (chdir("/") == 0) {
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	tmpdir[0] = '\0';
}

static char *slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *s = malloc(cap);
	for (;;) {
		if (len + 4096 > cap)
			s = realloc(s, cap *= 2);
		ssize_t n = read(fd, s + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	s[len] = '\0';
	return s;
}

static e2e_run run_argv(const char *dir, const char *const *argv)
{
	char outp[300], errp[300];
	snprintf(outp, sizeof outp, "%s/.e2e-out-XXXXXX", tmpdir);
	snprintf(errp, sizeof errp, "%s/.e2e-err-XXXXXX", tmpdir);
	int of = mkstemp(outp), ef = mkstemp(errp);
	cr_assert(of >= 0 && ef >= 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(of, 1);
		dup2(ef, 2);
		if (dir && chdir(dir) != 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	e2e_run r;
	r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	lseek(of, 0, SEEK_SET);
	lseek(ef, 0, SEEK_SET);
	r.out = slurp_fd(of);
	r.err = slurp_fd(ef);
	close(of);
	close(ef);
	unlink(outp);
	unlink(errp);
	return r;
}

e2e_run e2e_crm(const char *dir, const char *const *argv)
{
	size_t n = 0;
	while (argv[n])
		n++;
	const char **v = calloc(n + 2, sizeof *v);
	v[0] = crm_bin();
	for (size_t i = 0; i < n; i++)
		v[i + 1] = argv[i];
	e2e_run r = run_argv(dir, v);
	free(v);
	return r;
}

e2e_run e2e_crmv(const char *dir, ...)
{
	const char *v[64];
	size_t n = 0;
	va_list ap;
	va_start(ap, dir);
	const char *a;
	while ((a = va_arg(ap, const char *)) && n < 63)
		v[n++] = a;
	va_end(ap);
	v[n] = NULL;
	return e2e_crm(dir, v);
}

e2e_run e2e_sh(const char *dir, const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	va_start(ap, fmt);
	cr_assert(vasprintf(&cmd, fmt, ap) >= 0);
	va_end(ap);
	const char *v[] = {"/bin/sh", "-c", cmd, NULL};
	e2e_run r = run_argv(dir, v);
	free(cmd);
	return r;
}

char *e2e_sh_out(const char *dir, const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	va_start(ap, fmt);
	cr_assert(vasprintf(&cmd, fmt, ap) >= 0);
	va_end(ap);
	e2e_run r = e2e_sh(dir, "%s", cmd);
	cr_assert_eq(r.code, 0, "'%s' exited %d:\n%s%s", cmd, r.code, r.out, r.err);
	free(cmd);
	size_t n = strlen(r.out);
	while (n && r.out[n - 1] == '\n')
		r.out[--n] = '\0';
	free(r.err);
	return r.out;
}

void e2e_assert_sh_eq(const char *dir, const char *want, const char *cmd)
{
	char *got = e2e_sh_out(dir, "%s", cmd);
	cr_assert_str_eq(got, want, "'%s' printed '%s', want '%s'", cmd, got, want);
	free(got);
}

void e2e_run_free(e2e_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *e2e_read(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	char *s = slurp_fd(fd);
	close(fd);
	return s;
}

void e2e_write(const char *path, const char *text)
{
	char *dir = strdup(path);
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	free(dir);
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

int e2e_commits(const char *dir)
{
	e2e_run r = e2e_sh(dir, "git rev-list --count HEAD 2>/dev/null || echo 0");
	int n = atoi(r.out);
	e2e_run_free(&r);
	return n;
}

char *e2e_record_path(const char *dir, const char *id)
{
	e2e_run r = e2e_sh(dir, "find customers -name '%s.yaml' | head -1", id);
	r.out[strcspn(r.out, "\n")] = '\0';
	char *p = NULL;
	if (*r.out)
		cr_assert(asprintf(&p, "%s/%s", dir, r.out) >= 0);
	e2e_run_free(&r);
	return p;
}

static const char *TEAM = "book: Test book\n"
			  "id_format: \"{yyyy}{mm}{seq:3}\"\n"
			  "team:\n"
			  "  - id: ming\n    name: 销售代表明\n    email: ming@example.com\n"
			  "  - id: li\n    name: 李娜\n    email: li@example.com\n"
			  "  - id: sarah\n    name: Sarah Chen\n    email: sarah@example.com\n"
			  "priorities: {high: 3, medium: 7, low: 14}\n"
			  "reminders: {birthday: 7, dates: 7, contract_end: 30, stale: 30}\n"
			  "currency: CNY\n";

const char *e2e_book(void)
{
	e2e_run r = e2e_crmv(NULL, "init", "book", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_write("book/crm.yaml", TEAM);
	r = e2e_sh("book", "git commit -qm 'team' crm.yaml");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv("book", "setup", "--user", "ming", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return "book";
}

const char *e2e_example_book(void)
{
	e2e_run r = e2e_sh(NULL,
			   "cp -r '%s/examples/book' ex && mkdir -p ex/schema && "
			   "cp '%s/schema/customer.schema.yaml' ex/schema/ && cd ex && git init -q && "
			   "git add -A && git commit -qm 'example book'",
			   src_dir(), src_dir());
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv("ex", "setup", "--user", "ming", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return "ex";
}
