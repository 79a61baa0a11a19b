/*
 * pending.c: the records changed by hand since HEAD, and their problems.
 * Each test builds a small committed book in its own temporary folder.
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
#include "crm/pending.h"

static char root[64];

static char *src_path(const char *rel)
{
	const char *top = getenv("CRM_SRC");
	if (top)
		return crm_xasprintf("%s/%s", top, rel);
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_pending.c");
	return crm_xasprintf("%.*s%s", cut ? (int)(cut - f) : 0, f, rel);
}

static void put(const char *rel, const char *text)
{
	char *p = crm_xasprintf("%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	cr_assert_eq(crm_write_atomic(p, text, strlen(text)), 0, "%s", crm_error_last());
	free(p);
}

static const char *RECORD = "id: \"%s\"\n"
			    "name: %s\n"
			    "kind: company\n"
			    "source: online\n"
			    "owner: ming\n"
			    "first_contact: {date: 2024-05-01, by: ming}\n"
			    "stage: %s\n"
			    "stage_history:\n"
			    "  - {stage: initial, date: 2024-05-01}\n";

static void put_record(const char *rel, const char *id, const char *name, const char *stage)
{
	char *t = crm_xasprintf(RECORD, id, name, stage);
	put(rel, t);
	free(t);
}

static void setup(void)
{
	strcpy(root, "/tmp/crm-pending-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	setenv("HOME", root, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	put("crm.yaml", "book: t\nteam:\n  - id: ming\n    name: Ming\n    email: m@example.com\n");
	char *schema = src_path("schema/customer.schema.yaml");
	crm_buf s = CRM_BUF_INIT;
	cr_assert_eq(crm_buf_read_file(&s, schema), 0, "%s", crm_error_last());
	crm_buf_puts(&s, "");
	put("schema/customer.schema.yaml", s.ptr);
	crm_buf_free(&s);
	free(schema);
	put_record("customers/2024/05/202405001.yaml", "202405001", "甲公司", "initial");
	put_record("customers/2024/05/202405002.yaml", "202405002", "乙公司", "initial");
	put_record("customers/2024/05/202405003.yaml", "202405003", "丙公司", "initial");
	crm_repo *r;
	cr_assert_eq(crm_repo_init(&r, root), 0, "%s", crm_error_last());
	const char *paths[] = {"crm.yaml", "schema/customer.schema.yaml",
			       "customers/2024/05/202405001.yaml", "customers/2024/05/202405002.yaml",
			       "customers/2024/05/202405003.yaml"};
	cr_assert_eq(crm_repo_commit(r, paths, 5, "Ming", "m@example.com", "book", NULL), 0, "%s",
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

TestSuite(pending, .init = setup, .fini = teardown);

static void scan(crm_book **b, crm_repo **r, crm_pending **v, size_t *n)
{
	cr_assert_eq(crm_book_open(b, root, NULL), 0, "%s", crm_error_last());
	cr_assert_eq(crm_repo_open(r, root), 0, "%s", crm_error_last());
	cr_assert_eq(crm_pending_scan(v, n, *b, *r), 0, "%s", crm_error_last());
}

static void done(crm_book *b, crm_repo *r, crm_pending *v, size_t n)
{
	crm_pending_free(v, n);
	crm_repo_free(r);
	crm_book_free(b);
}

Test(pending, clean_book_has_nothing)
{
	crm_book *b;
	crm_repo *r;
	crm_pending *v;
	size_t n;
	/* files that are not records do not count */
	put("customers/notes.txt", "x\n");
	put("customers/2024/05/.202405001.yaml.swp", "x\n");
	put("README.md", "x\n");
	scan(&b, &r, &v, &n);
	cr_assert_eq(n, 0);
	done(b, r, v, n);
}

Test(pending, modified_new_deleted_with_their_problems)
{
	put_record("customers/2024/05/202405001.yaml", "202405001", "甲公司", "proposal");
	put_record("customers/2024/05/202405002.yaml", "202405002", "乙公司", "negociation");
	put_record("customers/2024/06/202406001.yaml", "202406001", "丁公司", "initial");
	char *p = crm_xasprintf("%s/customers/2024/05/202405003.yaml", root);
	cr_assert_eq(unlink(p), 0);
	free(p);
	crm_book *b;
	crm_repo *r;
	crm_pending *v;
	size_t n;
	scan(&b, &r, &v, &n);
	cr_assert_eq(n, 4);
	cr_assert_str_eq(v[0].path, "customers/2024/05/202405001.yaml");
	cr_assert_eq(v[0].status, 'M');
	cr_assert_eq(v[0].errors, 0);
	/* stage_history does not end with proposal: a warning, not an error */
	cr_assert_eq(v[0].diags.n, 1);
	cr_assert_eq(v[0].diags.v[0].sev, CRM_SEV_WARNING);

	cr_assert_str_eq(v[1].path, "customers/2024/05/202405002.yaml");
	cr_assert_eq(v[1].status, 'M');
	cr_assert_eq(v[1].errors, 1);
	const crm_diag *d = &v[1].diags.v[0];
	cr_assert_str_eq(d->path, "customers/2024/05/202405002.yaml");
	cr_assert_eq(d->line, 7);
	cr_assert(strstr(d->msg, "negotiation"), "%s", d->msg);

	cr_assert_str_eq(v[2].path, "customers/2024/05/202405003.yaml");
	cr_assert_eq(v[2].status, 'D');
	cr_assert_eq(v[2].errors, 0);
	cr_assert_eq(v[2].diags.n, 0);

	cr_assert_str_eq(v[3].path, "customers/2024/06/202406001.yaml");
	cr_assert_str_eq(v[3].id, "202406001");
	cr_assert_eq(v[3].status, 'A');
	cr_assert_eq(v[3].errors, 0);
	done(b, r, v, n);
}

Test(pending, new_record_with_a_taken_id)
{
	put_record("customers/old/202405001.yaml", "202405001", "甲公司", "initial");
	crm_book *b;
	crm_repo *r;
	crm_pending *v;
	size_t n;
	scan(&b, &r, &v, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(v[0].status, 'A');
	cr_assert_eq(v[0].errors, 1);
	cr_assert(strstr(v[0].diags.v[0].msg, "customers/2024/05/202405001.yaml"), "%s",
		  v[0].diags.v[0].msg);
	done(b, r, v, n);
}

Test(pending, unreadable_yaml_is_an_error_at_its_place)
{
	put("customers/2024/05/202405002.yaml", "id: \"202405002\"\nname: [oops\n");
	crm_book *b;
	crm_repo *r;
	crm_pending *v;
	size_t n;
	scan(&b, &r, &v, &n);
	cr_assert_eq(n, 1);
	cr_assert_geq(v[0].errors, 1);
	cr_assert_gt(v[0].diags.v[0].line, 0);
	done(b, r, v, n);
}

Test(pending, staged_then_changed_back_is_not_pending)
{
	put_record("customers/2024/05/202405001.yaml", "202405001", "甲公司", "proposal");
	cr_assert_eq(system("cd \"$HOME\" && git add customers"), 0);
	put_record("customers/2024/05/202405001.yaml", "202405001", "甲公司", "initial");
	crm_book *b;
	crm_repo *r;
	crm_pending *v;
	size_t n;
	scan(&b, &r, &v, &n);
	cr_assert_eq(n, 0);
	done(b, r, v, n);
}
