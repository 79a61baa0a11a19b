#ifndef CRM_E2E_H
#define CRM_E2E_H
/*
 * End-to-end test helpers: each test gets its own temporary folder with its
 * own HOME and git identity (Criterion runs tests in parallel processes, so
 * nothing may share a fixed path), runs the built crm in it, and checks
 * files, git history and exit codes.
 *
 * CRM_BIN (set by `make e2e`) is the crm under test; CRM_SRC the source tree.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	int code;     /* exit status, or 128+signal */
	char *out;    /* standard output */
	char *err;    /* standard error */
} e2e_run;

/* Make a fresh temporary folder, set HOME, CRM_TODAY=2024-05-20, git identity
 * (Ming <ming@example.com>) and NO_COLOR, and chdir into it. Returns its path
 * (static until e2e_cleanup). Call from a Test's .init or at its start. */
const char *e2e_setup(void);
/* Remove the temporary folder. */
void e2e_cleanup(void);

/* A new book at ./book from the project's examples-free template: crm init,
 * then crm.yaml replaced with a team of ming, li and sarah, committed, and
 * `crm setup --user ming`. Returns "book" (a path relative to the cwd). */
const char *e2e_book(void);
/* A copy of examples/book as a git repository at ./ex, set up for ming. */
const char *e2e_example_book(void);

/* Run crm with argv (NULL-terminated, without "crm") in folder dir (NULL = cwd),
 * stdin from /dev/null. Free with e2e_run_free. */
e2e_run e2e_crm(const char *dir, const char *const *argv);
/* Convenience: e2e_crmv(dir, "add", "X", "--kind", "company", NULL). */
e2e_run e2e_crmv(const char *dir, ...);
/* Run a shell command (sh -c) in dir; returns its output and status. */
e2e_run e2e_sh(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void e2e_run_free(e2e_run *r);
/* Standard output of a shell command that must succeed, without the final
 * newlines (caller frees). */
char *e2e_sh_out(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Assert that a shell command succeeds and prints exactly `want`. */
void e2e_assert_sh_eq(const char *dir, const char *want, const char *cmd);

/* Read a whole file (caller frees), NULL when missing. */
char *e2e_read(const char *path);
/* Write a file, creating folders. */
void e2e_write(const char *path, const char *text);
/* Number of commits on HEAD in the repository at dir. */
int e2e_commits(const char *dir);
/* Path of the single record file with this id under dir/customers (caller frees), or NULL. */
char *e2e_record_path(const char *dir, const char *id);

/* Assert helpers that print the run's output on failure. */
#define e2e_assert_code(r, c)                                                              \
	cr_assert_eq((r).code, (c), "exit %d, want %d\nstdout:\n%s\nstderr:\n%s", (r).code, (c), \
		     (r).out, (r).err)
#define e2e_assert_has(hay, needle) \
	cr_assert(strstr((hay), (needle)) != NULL, "'%s' not found in:\n%s", (needle), (hay))
#define e2e_assert_hasnt(hay, needle) \
	cr_assert(strstr((hay), (needle)) == NULL, "'%s' unexpectedly in:\n%s", (needle), (hay))

#endif
