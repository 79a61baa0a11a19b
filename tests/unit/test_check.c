/*
 * Checking a whole book, and the index that lets a second run over an
 * unchanged book skip reading the records. The index only trusts files whose
 * times are more than a second old, so the tests age their files first.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/book.h"
#include "crm/buf.h"
#include "crm/check.h"

static char root[64];

static void setup(void)
{
	strcpy(root, "/tmp/crm-check-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(check, .init = setup, .fini = teardown);

static char *src_path(const char *rel)
{
	const char *r = getenv("CRM_SRC");
	if (r)
		return crm_xasprintf("%s/%s", r, rel);
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_check.c");
	return crm_xasprintf("%.*s%s", cut ? (int)(cut - f) : 0, f, rel);
}

static void put(const char *rel, const char *text)
{
	char *p = crm_xasprintf("%s/%s", root, rel);
	cr_assert_eq(crm_write_atomic(p, text, strlen(text)), 0, "%s", crm_error_last());
	free(p);
}

static const char *TEAM = "book: t\nteam:\n  - id: ming\n    name: Ming\n    email: m@example.com\n";

static crm_book *open_book(void)
{
	crm_book *b = NULL;
	cr_assert_eq(crm_book_open(&b, root, NULL), 0, "%s", crm_error_last());
	return b;
}

static void make_book(void)
{
	put("crm.yaml", TEAM);
	char *schema = src_path("schema/customer.schema.yaml");
	crm_buf s = CRM_BUF_INIT;
	cr_assert_eq(crm_buf_read_file(&s, schema), 0, "%s", crm_error_last());
	put("schema/customer.schema.yaml", crm_buf_cstr(&s));
	crm_buf_free(&s);
	free(schema);
	char *git = crm_xasprintf("%s/.git", root);
	cr_assert_eq(mkdir(git, 0755), 0);
	free(git);
}

static void put_record(const char *id, const char *stage)
{
	char *rel = crm_xasprintf("customers/2024/05/%s.yaml", id);
	char *t = crm_xasprintf("id: \"%s\"\nname: Customer %s\nkind: company\nsource: online\nowner: ming\n"
				"first_contact: {date: 2024-05-01, by: ming}\nstage: %s\nstage_history:\n"
				"  - {stage: initial, date: 2024-05-01}\n",
				id, id, stage);
	put(rel, t);
	free(t);
	free(rel);
}

/* Wait until every file written so far is old enough for the cache to trust. */
static void age(void)
{
	sleep(3);
}

static int run(crm_diags *d, crm_check_stats *st)
{
	crm_book *b = open_book();
	int errors = crm_check_book(b, NULL, 0, d, st);
	crm_book_free(b);
	return errors;
}

/* The diagnostics as text, one per line, for comparing runs. */
static char *text_of(const crm_diags *d)
{
	crm_buf t = CRM_BUF_INIT;
	for (size_t i = 0; i < d->n; i++)
		crm_buf_printf(&t, "%s:%d:%d:%d:%s\n", d->v[i].path, d->v[i].line, d->v[i].col, d->v[i].sev,
			       d->v[i].msg);
	return crm_buf_detach(&t);
}

Test(check, a_second_run_answers_from_the_cache)
{
	make_book();
	for (int i = 1; i <= 5; i++) {
		char id[16];
		snprintf(id, sizeof id, "20240500%d", i);
		put_record(id, i == 3 ? "negociation" : "initial");
	}
	age();
	crm_diags d1 = {0}, d2 = {0};
	crm_check_stats s1, s2;
	int e1 = run(&d1, &s1);
	cr_assert_eq(s1.records, 5);
	cr_assert_eq(s1.cached, 0, "nothing is cached before the first run");
	cr_assert_eq(e1, 1);
	int e2 = run(&d2, &s2);
	cr_assert_eq(s2.records, 5);
	cr_assert_eq(s2.cached, 5, "the second run read %zu records", s2.records - s2.cached);
	cr_assert_eq(e2, 1);
	/* the cached answer is the same answer, message and position included */
	char *t1 = text_of(&d1), *t2 = text_of(&d2);
	cr_assert_str_eq(t2, t1);
	cr_assert(strstr(t1, "customers/2024/05/202405003.yaml:7:8:0:stage: 'negociation'"), "%s", t1);
	free(t1);
	free(t2);
	crm_diags_free(&d1);
	crm_diags_free(&d2);
	/* the cache lives under .git, never in the book's files */
	char *cache = crm_xasprintf("%s/.git/crm/index.sqlite", root);
	cr_assert_eq(access(cache, F_OK), 0);
	free(cache);
}

Test(check, a_modified_file_is_checked_again)
{
	make_book();
	put_record("202405001", "initial");
	put_record("202405002", "initial");
	age();
	crm_diags d = {0};
	crm_check_stats st;
	cr_assert_eq(run(&d, &st), 0);
	crm_diags_free(&d);
	/* the same size, another value: only the file's times and inode tell */
	put_record("202405002", "nonsense");
	put_record("202405001", "initial"); /* rewritten with the same bytes */
	age();
	cr_assert_eq(run(&d, &st), 1);
	cr_assert_eq(st.cached, 0, "both files were rewritten");
	cr_assert(strstr(d.v[0].msg, "nonsense"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	cr_assert_eq(run(&d, &st), 1);
	cr_assert_eq(st.cached, 2);
	crm_diags_free(&d);
	/* an edit within the last seconds is read again; after that, while it
	 * is that new, its bytes are compared rather than its stat trusted (the
	 * index's tests change the bytes behind an unchanged stat) */
	put_record("202405002", "initial");
	cr_assert_eq(run(&d, &st), 0, "%s", d.n ? d.v[0].msg : "");
	cr_assert_eq(st.cached, 1);
	crm_diags_free(&d);
	cr_assert_eq(run(&d, &st), 0);
	cr_assert_eq(st.cached, 2, "the same bytes: not read again");
	crm_diags_free(&d);
}

Test(check, a_new_team_or_schema_drops_the_cache)
{
	make_book();
	put_record("202405001", "initial");
	age();
	crm_diags d = {0};
	crm_check_stats st;
	cr_assert_eq(run(&d, &st), 0);
	crm_diags_free(&d);
	cr_assert_eq(run(&d, &st), 0);
	cr_assert_eq(st.cached, 1);
	crm_diags_free(&d);
	/* ming leaves the team: the unchanged record is now wrong */
	put("crm.yaml", "book: t\nteam:\n  - id: li\n    name: Li\n    email: l@example.com\n");
	cr_assert_eq(run(&d, &st), 2, "owner and first_contact.by");
	cr_assert_eq(st.cached, 0);
	crm_diags_free(&d);
	put("crm.yaml", TEAM);
	cr_assert_eq(run(&d, &st), 0);
	crm_diags_free(&d);
	/* the schema learns a new source: the cache starts over */
	char *p = crm_xasprintf("%s/schema/customer.schema.yaml", root);
	FILE *f = fopen(p, "a");
	cr_assert_not_null(f);
	fputs("# changed\n", f);
	cr_assert_eq(fclose(f), 0);
	free(p);
	cr_assert_eq(run(&d, &st), 0);
	cr_assert_eq(st.cached, 0);
	crm_diags_free(&d);
}

Test(check, ids_unique_across_the_book)
{
	make_book();
	put_record("202405001", "initial");
	put("customers/old/202405001.yaml", "id: \"202405001\"\nname: Copy\nkind: company\nsource: online\n"
					    "owner: ming\nfirst_contact: {date: 2024-05-01, by: ming}\n"
					    "stage: initial\nstage_history:\n  - {stage: initial, date: 2024-05-01}\n");
	age();
	for (int pass = 0; pass < 2; pass++) {
		crm_diags d = {0};
		crm_check_stats st;
		cr_assert_eq(run(&d, &st), 1, "pass %d", pass);
		cr_assert_eq(st.cached, pass ? 2u : 0u);
		cr_assert(strstr(d.v[0].msg, "unique"), "%s", d.v[0].msg);
		crm_diags_free(&d);
	}
}

Test(check, named_paths_only)
{
	make_book();
	put_record("202405001", "initial");
	put_record("202405002", "bad");
	crm_book *b = open_book();
	crm_diags d = {0};
	crm_check_stats st;
	const char *one[] = {"customers/2024/05/202405001.yaml"};
	cr_assert_eq(crm_check_book(b, one, 1, &d, &st), 0);
	cr_assert_eq(st.records, 1);
	crm_diags_free(&d);
	char *abs = crm_xasprintf("%s/customers/2024/05/202405002.yaml", root);
	const char *two[] = {abs};
	cr_assert_eq(crm_check_book(b, two, 1, &d, &st), 1);
	cr_assert_str_eq(d.v[0].path, "customers/2024/05/202405002.yaml");
	crm_diags_free(&d);
	const char *missing[] = {"customers/nope.yaml"};
	cr_assert_eq(crm_check_book(b, missing, 1, &d, &st), 1);
	crm_diags_free(&d);
	free(abs);
	crm_book_free(b);
}

Test(check, a_broken_schema_is_one_error)
{
	make_book();
	put("schema/customer.schema.yaml", "type: object\nproperties:\n  id: {type: string, frobnicate: 1}\n");
	put_record("202405001", "initial");
	crm_diags d = {0};
	crm_check_stats st;
	cr_assert_geq(run(&d, &st), 1);
	bool schema = false;
	for (size_t i = 0; i < d.n; i++)
		schema |= strstr(d.v[i].path, "schema/customer.schema.yaml") != NULL;
	cr_assert(schema, "the schema's error names the schema");
	crm_diags_free(&d);
}

Test(check, three_copies_two_errors)
{
	make_book();
	put_record("202405001", "initial");
	put_record("202405002", "initial");
	char *t = crm_xasprintf("id: \"202405001\"\nname: Copy\nkind: company\nsource: online\nowner: ming\n"
				"first_contact: {date: 2024-05-01, by: ming}\nstage: initial\nstage_history:\n"
				"  - {stage: initial, date: 2024-05-01}\n");
	put("customers/a/202405001.yaml", t);
	put("customers/z/202405001.yaml", t);
	free(t);
	crm_diags d = {0};
	crm_check_stats st;
	cr_assert_eq(run(&d, &st), 2, "each copy after the first once");
	/* the first in path order is the original; each later copy names it */
	crm_diags_sort(&d);
	cr_assert_str_eq(d.v[0].path, "customers/a/202405001.yaml");
	cr_assert(strstr(d.v[0].msg, "customers/2024/05/202405001.yaml"), "%s", d.v[0].msg);
	cr_assert_str_eq(d.v[1].path, "customers/z/202405001.yaml");
	cr_assert(strstr(d.v[1].msg, "customers/2024/05/202405001.yaml"), "%s", d.v[1].msg);
	crm_diags_free(&d);
}
