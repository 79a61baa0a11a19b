/*
 * Every broken example (examples/broken, listed with its expected position
 * and message in EXPECTED) committed into a fresh book: `crm validate`
 * reports it at PATH:LINE:COL and exits 1, and a change to it (`crm tag`)
 * is refused without touching the file or the history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(broken, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

typedef struct {
	char file[128];
	int line, col;
	char substr[256];
} expected;

/* Read EXPECTED: FILE<TAB>LINE:COL<TAB>SUBSTRING per line. */
static size_t read_expected(expected *v, size_t max)
{
	char *path;
	cr_assert(asprintf(&path, "%s/examples/broken/EXPECTED", getenv("CRM_SRC")) >= 0);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s", path);
	free(path);
	char buf[512];
	size_t n = 0;
	while (fgets(buf, sizeof buf, f) && n < max) {
		buf[strcspn(buf, "\r\n")] = '\0';
		if (!buf[0] || buf[0] == '#')
			continue;
		char *t1 = strchr(buf, '\t');
		cr_assert_not_null(t1, "EXPECTED: no tab in '%s'", buf);
		char *t2 = strchr(t1 + 1, '\t');
		cr_assert_not_null(t2, "EXPECTED: one tab only in '%s'", buf);
		*t1 = *t2 = '\0';
		snprintf(v[n].file, sizeof v[n].file, "%.127s", buf);
		cr_assert_eq(sscanf(t1 + 1, "%d:%d", &v[n].line, &v[n].col), 2, "EXPECTED: '%s'", t1 + 1);
		snprintf(v[n].substr, sizeof v[n].substr, "%.255s", t2 + 1);
		n++;
	}
	fclose(f);
	return n;
}

static char *head(const char *dir)
{
	e2e_run r = e2e_sh(dir, "git rev-parse HEAD");
	e2e_assert_code(r, 0);
	free(r.err);
	return r.out;
}

/* One broken file in a fresh book (a folder of its own under the test's). */
static void check_one(const expected *x, int k)
{
	char dir[64];
	snprintf(dir, sizeof dir, "b%02d", k);
	e2e_run r = e2e_sh(NULL, "cp -a book %s", dir);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh(dir,
		   "mkdir -p customers/2024/05 && cp \"$CRM_SRC/examples/broken/%s\" customers/2024/05/ && "
		   "git add -A && git commit -q --no-verify -m 'broken by hand'",
		   x->file);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *rel;
	cr_assert(asprintf(&rel, "customers/2024/05/%s", x->file) >= 0);
	char *abs;
	cr_assert(asprintf(&abs, "%s/%s", dir, rel) >= 0);
	char *before = e2e_read(abs);
	cr_assert_not_null(before);
	char *h0 = head(dir);

	/* validate: exit 1, the position and the message */
	r = e2e_crmv(dir, "validate", NULL);
	cr_assert_eq(r.code, 1, "%s: validate exit %d, want 1\n%s%s", x->file, r.code, r.out, r.err);
	char *want;
	cr_assert(asprintf(&want, "%s:%d:%d: error: ", rel, x->line, x->col) >= 0);
	bool found = false;
	for (char *line = r.out; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, want, strlen(want)) && strstr(line, x->substr))
			found = true;
		if (nl)
			*nl = '\n';
		line = nl ? nl + 1 : NULL;
	}
	cr_assert(found, "%s: no line '%s...%s' in:\n%s", x->file, want, x->substr, r.out);
	e2e_run_free(&r);

	/* validate of just this file says the same */
	r = e2e_crmv(dir, "validate", rel, NULL);
	cr_assert_eq(r.code, 1, "%s: validate FILE exit %d\n%s", x->file, r.code, r.out);
	e2e_assert_has(r.out, want);
	e2e_run_free(&r);

	/* --json carries the same position */
	r = e2e_crmv(dir, "validate", "--json", NULL);
	cr_assert_eq(r.code, 1);
	char *jl;
	cr_assert(asprintf(&jl, "\"line\":%d", x->line) >= 0);
	char *compact = malloc(strlen(r.out) + 1), *o = compact;
	for (const char *p = r.out; *p; p++)
		if (*p != ' ' && *p != '\n')
			*o++ = *p;
	*o = '\0';
	e2e_assert_has(compact, jl);
	free(compact);
	free(jl);
	e2e_run_free(&r);

	/* a change to it is refused: exit 1, no commit, the bytes unchanged */
	char id[128];
	snprintf(id, sizeof id, "%.*s", (int)(strlen(x->file) - 5), x->file);
	r = e2e_crmv(dir, "tag", id, "x", NULL);
	cr_assert_eq(r.code, 1, "%s: tag exit %d, want 1\n%s", x->file, r.code, r.err);
	e2e_assert_has(r.err, "crm: error:");
	e2e_run_free(&r);
	r = e2e_crmv(dir, "set", id, "needs.summary=x", NULL);
	cr_assert_eq(r.code, 1, "%s: set exit %d, want 1\n%s", x->file, r.code, r.err);
	e2e_run_free(&r);
	char *after = e2e_read(abs);
	cr_assert_not_null(after);
	cr_assert(!memcmp(before, after, strlen(before) + 1) && strlen(after) == strlen(before),
		  "%s: changed on disk", x->file);
	/* (15 holds a NUL, where strlen stops: git diff compares every byte) */
	r = e2e_sh(dir, "git diff --quiet HEAD && test -z \"$(git status --porcelain)\"");
	cr_assert_eq(r.code, 0, "%s: the working tree changed:\n%s", x->file, r.out);
	e2e_run_free(&r);
	char *h1 = head(dir);
	cr_assert_str_eq(h1, h0, "%s: a commit was made", x->file);
	free(h0);
	free(h1);
	free(before);
	free(after);
	free(want);
	free(rel);
	free(abs);
	r = e2e_sh(NULL, "rm -rf %s", dir);
	e2e_run_free(&r);
}

Test(broken, every_example_is_caught_where_expected)
{
	expected v[64];
	size_t n = read_expected(v, 64);
	cr_assert_geq(n, 20, "EXPECTED lists %zu files", n);
	/* every broken file is listed */
	e2e_run r = e2e_sh(NULL, "ls \"$CRM_SRC/examples/broken\" | grep -c '\\.yaml$'");
	cr_assert_eq((size_t)atoi(r.out), n, "EXPECTED lists %zu of %s files", n, r.out);
	e2e_run_free(&r);
	e2e_book();
	for (size_t i = 0; i < n; i++)
		check_one(&v[i], (int)i);
}

Test(broken, all_together_each_reported)
{
	expected v[64];
	size_t n = read_expected(v, 64);
	const char *b = e2e_book();
	e2e_run r = e2e_sh(b, "mkdir -p customers/2024/05 && cp \"$CRM_SRC\"/examples/broken/*.yaml "
			      "customers/2024/05/ && git add -A && git commit -q --no-verify -m broken");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	for (size_t i = 0; i < n; i++) {
		char *want;
		cr_assert(asprintf(&want, "customers/2024/05/%s:%d:%d: error: ", v[i].file, v[i].line,
				   v[i].col) >= 0);
		e2e_assert_has(r.out, want);
		free(want);
	}
	/* the good records around them are not blamed */
	e2e_run_free(&r);
	/* and plain git commit of a broken record is refused by the hook */
	r = e2e_sh(b, "cp \"$CRM_SRC/examples/broken/01-unknown-key.yaml\" customers/2024/05/01b.yaml && "
		      "sed -i 's/01-unknown-key/01b/' customers/2024/05/01b.yaml && "
		      "git add customers/2024/05/01b.yaml && git commit -qm 'by hand'");
	cr_assert_neq(r.code, 0, "the pre-commit hook let a broken record in");
	e2e_assert_has(r.err, "customers/2024/05/01b.yaml:4:1: error:");
	e2e_run_free(&r);
}
