/*
 * Records: naming a customer (id, id prefix, name fragment), the open next
 * action and the latest follow-up (SPEC §3), and the checks beyond the
 * schema (file name = id, team ids, stage history).
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
#include "crm/record.h"

static char root[64];

static void setup(void)
{
	strcpy(root, "/tmp/crm-record-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(resolve, .init = setup, .fini = teardown);
TestSuite(next);
TestSuite(check, .init = setup, .fini = teardown);

/* The source tree: $CRM_SRC, else two folders above this file. */
static char *src_path(const char *rel)
{
	const char *r = getenv("CRM_SRC");
	if (r)
		return crm_xasprintf("%s/%s", r, rel);
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_record.c");
	return crm_xasprintf("%.*s%s", cut ? (int)(cut - f) : 0, f, rel);
}

static void put(const char *rel, const char *text)
{
	char *p = crm_xasprintf("%s/%s", root, rel);
	cr_assert_eq(crm_write_atomic(p, text, strlen(text)), 0, "%s", crm_error_last());
	free(p);
}

/* A book at root, team ming/li, with the default schema. */
static crm_book *make_book(void)
{
	put("crm.yaml", "book: t\nteam:\n  - id: ming\n    name: Ming\n    email: m@example.com\n"
			"  - id: li\n    name: Li\n    email: l@example.com\n");
	char *schema = src_path("schema/customer.schema.yaml");
	crm_buf s = CRM_BUF_INIT;
	cr_assert_eq(crm_buf_read_file(&s, schema), 0, "%s", crm_error_last());
	put("schema/customer.schema.yaml", crm_buf_cstr(&s));
	crm_buf_free(&s);
	free(schema);
	crm_book *b = NULL;
	cr_assert_eq(crm_book_open(&b, root, NULL), 0, "%s", crm_error_last());
	return b;
}

static void put_customer(const char *id, const char *name)
{
	char *rel = crm_xasprintf("customers/2024/05/%s.yaml", id);
	char *text = crm_xasprintf("id: \"%s\"\nname: %s\n", id, name);
	put(rel, text);
	free(text);
	free(rel);
}

/* Resolve `who`; returns the id found, or NULL with rc in *rc. */
static const char *resolve(crm_book *b, crm_entry *v, size_t n, const char *who, int *rc)
{
	size_t i = 999;
	*rc = crm_record_resolve(b, v, n, who, &i);
	if (*rc)
		return NULL;
	cr_assert_lt(i, n);
	return v[i].id;
}

/* ---- resolve ---- */

Test(resolve, by_id_prefix_and_name)
{
	crm_book *b = make_book();
	put_customer("202405001", "华东科技有限公司");
	put_customer("202405002", "华东物流");
	put_customer("202405010", "Acme Trading");
	put_customer("202406001", "Zeta GmbH");
	crm_entry *v;
	size_t n;
	cr_assert_eq(crm_book_scan(b, &v, &n), 0);
	cr_assert_eq(n, 4);
	int rc;
	const char *id;
	/* an exact id, even when it is a prefix of another (202405001 / 2024050010 style) */
	id = resolve(b, v, n, "202405001", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202405001");
	/* a unique id prefix */
	id = resolve(b, v, n, "202406", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202406001");
	id = resolve(b, v, n, "20240501", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202405010");
	/* a unique fragment of the name, ASCII case ignored */
	id = resolve(b, v, n, "科技", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202405001");
	id = resolve(b, v, n, "acme", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202405010");
	id = resolve(b, v, n, "ZETA gmbh", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202406001");
	crm_entries_free(v, n);
	crm_book_free(b);
}

Test(resolve, exact_id_beats_a_longer_one)
{
	crm_book *b = make_book();
	put_customer("202405001", "One");
	put_customer("2024050010", "Ten");
	crm_entry *v;
	size_t n;
	crm_book_scan(b, &v, &n);
	int rc;
	const char *id = resolve(b, v, n, "202405001", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202405001");
	/* but a prefix of both is ambiguous */
	id = resolve(b, v, n, "20240500", &rc);
	cr_assert_eq(rc, CRM_EFAIL);
	cr_assert(strstr(crm_error_last(), "202405001") && strstr(crm_error_last(), "2024050010"), "%s",
		  crm_error_last());
	crm_entries_free(v, n);
	crm_book_free(b);
}

Test(resolve, ambiguous_lists_the_candidates)
{
	crm_book *b = make_book();
	put_customer("202405001", "华东科技有限公司");
	put_customer("202405002", "华东物流");
	put_customer("202405003", "Acme");
	crm_entry *v;
	size_t n;
	crm_book_scan(b, &v, &n);
	int rc;
	cr_assert_null(resolve(b, v, n, "华东", &rc));
	cr_assert_eq(rc, CRM_EFAIL);
	const char *m = crm_error_last();
	cr_assert(strstr(m, "2 customers"), "%s", m);
	cr_assert(strstr(m, "202405001") && strstr(m, "华东科技有限公司"), "%s", m);
	cr_assert(strstr(m, "202405002") && strstr(m, "华东物流"), "%s", m);
	cr_assert_null(strstr(m, "202405003"), "%s", m);
	crm_entries_free(v, n);
	crm_book_free(b);
}

Test(resolve, an_exact_name_beats_fragments)
{
	crm_book *b = make_book();
	put_customer("202405001", "华东");
	put_customer("202405002", "华东物流");
	crm_entry *v;
	size_t n;
	crm_book_scan(b, &v, &n);
	int rc;
	const char *id = resolve(b, v, n, "华东", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202405001");
	crm_entries_free(v, n);
	crm_book_free(b);
}

Test(resolve, nothing_found)
{
	crm_book *b = make_book();
	put_customer("202405001", "Acme");
	put("customers/2024/05/202405002.yaml", "name: [broken\n"); /* unreadable: skipped */
	crm_entry *v;
	size_t n;
	crm_book_scan(b, &v, &n);
	int rc;
	cr_assert_null(resolve(b, v, n, "Nobody", &rc));
	cr_assert_eq(rc, CRM_ENOTFOUND);
	cr_assert(strstr(crm_error_last(), "Nobody"), "%s", crm_error_last());
	cr_assert_null(resolve(b, v, n, "", &rc));
	cr_assert_lt(rc, 0);
	/* the broken record can still be named by its id */
	const char *id = resolve(b, v, n, "202405002", &rc);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	cr_assert_str_eq(id, "202405002");
	crm_entries_free(v, n);
	crm_book_free(b);
}

Test(resolve, names_of_entries)
{
	crm_book *b = make_book();
	put_customer("202405001", "Acme");
	put("customers/2024/05/202405002.yaml", "id: x\n");
	crm_entry *v;
	size_t n;
	crm_book_scan(b, &v, &n);
	char **names;
	cr_assert_eq(crm_record_names(b, v, n, &names), 0);
	cr_assert_str_eq(names[0], "Acme");
	cr_assert_null(names[1]);
	crm_names_free(names, n);
	crm_entries_free(v, n);
	crm_book_free(b);
}

/* ---- the open next action ---- */

static crm_record *rec(const char *text)
{
	crm_record *r = NULL;
	int rc = crm_record_new(&r, "customers/2024/05/202405001.yaml", "202405001", text, strlen(text));
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	return r;
}

Test(next, the_latest_follow_up_wins)
{
	crm_record *r = rec("stage: proposal\n"
			    "followups:\n"
			    "  - date: 2024-05-10\n"
			    "    priority: high\n"
			    "    next: {date: 2024-05-13, action: call back, by: ming}\n"
			    "  - date: 2024-05-12\n"
			    "    priority: low\n"
			    "    next: {date: 2024-05-26, action: send quote, by: li}\n"
			    "  - date: 2024-05-01\n" /* entered late, but older */
			    "    next: {date: 2024-05-08, action: old}\n");
	crm_next x;
	cr_assert(crm_record_next(r, &x));
	cr_assert_str_eq(x.date, "2024-05-26");
	cr_assert_str_eq(x.action, "send quote");
	cr_assert_str_eq(x.by, "li");
	cr_assert_str_eq(x.priority, "low");
	cr_assert_eq(x.followup, 1);
	cr_assert_eq(crm_record_latest_followup(r), 1);
	crm_record_free(r);
}

Test(next, a_tie_goes_to_the_later_in_the_list)
{
	crm_record *r = rec("followups:\n"
			    "  - date: 2024-05-12\n"
			    "    next: {date: 2024-05-15, action: first}\n"
			    "  - date: 2024-05-12\n"
			    "    next: {date: 2024-05-19, action: second}\n"
			    "  - date: 2024-05-11\n"
			    "    next: {date: 2024-05-30, action: third}\n");
	crm_next x;
	cr_assert(crm_record_next(r, &x));
	cr_assert_str_eq(x.action, "second");
	cr_assert_eq(x.followup, 1);
	cr_assert_null(x.by);
	cr_assert_null(x.priority);
	crm_record_free(r);
}

Test(next, none_when_won_or_lost)
{
	const char *stages[] = {"won", "lost"};
	for (int i = 0; i < 2; i++) {
		char *t = crm_xasprintf("stage: %s\nfollowups:\n  - date: 2024-05-12\n"
					"    next: {date: 2024-05-15, action: x}\n",
					stages[i]);
		crm_record *r = rec(t);
		crm_next x;
		cr_assert(!crm_record_next(r, &x), "stage %s has no open next action", stages[i]);
		/* the latest follow-up is still there */
		cr_assert_eq(crm_record_latest_followup(r), 0);
		crm_record_free(r);
		free(t);
	}
	crm_record *r = rec("stage: negotiation\nfollowups:\n  - date: 2024-05-12\n"
			    "    next: {date: 2024-05-15, action: x}\n");
	crm_next x;
	cr_assert(crm_record_next(r, &x));
	crm_record_free(r);
}

Test(next, none_without_follow_ups_or_next)
{
	crm_record *r = rec("stage: initial\n");
	crm_next x;
	cr_assert(!crm_record_next(r, &x));
	cr_assert_eq(crm_record_latest_followup(r), -1);
	crm_record_free(r);
	r = rec("followups: []\n");
	cr_assert(!crm_record_next(r, &x));
	crm_record_free(r);
	/* the latest follow-up decides, even when it has no next and an older one does:
	 * its next is due its date plus the priority's days (SPEC §3) */
	r = rec("followups:\n"
		"  - date: 2024-05-01\n    next: {date: 2024-05-08, action: old}\n"
		"  - date: 2024-05-02\n    priority: high\n    summary: no next here\n");
	cr_assert(crm_record_next(r, &x));
	cr_assert_str_eq(x.date, "2024-05-05");
	cr_assert_str_eq(x.action, "");
	cr_assert_eq(crm_record_latest_followup(r), 1);
	crm_record_free(r);
	r = rec("followups:\n  - date: 2024-05-02\n    summary: medium by default\n");
	cr_assert(crm_record_next(r, &x));
	cr_assert_str_eq(x.date, "2024-05-09");
	crm_record_free(r);
	/* an action of '' is an action */
	r = rec("followups:\n  - date: 2024-05-01\n    next: {date: 2024-05-08, action: ''}\n");
	cr_assert(crm_record_next(r, &x));
	cr_assert_str_eq(x.action, "");
	crm_record_free(r);
	r = rec("followups:\n  - date: 2024-05-01\n    next: {date: 2024-05-08}\n");
	cr_assert(crm_record_next(r, &x));
	cr_assert_str_eq(x.action, "");
	crm_record_free(r);
}

Test(next, record_strings)
{
	crm_record *r = rec("name: Acme\nneeds:\n  budget: {max: 200000}\ncontacts:\n  - phone: '0138'\n"
			    "notes: ~\n");
	cr_assert_str_eq(crm_record_str(r, "name"), "Acme");
	cr_assert_str_eq(crm_record_str(r, "needs.budget.max"), "200000");
	cr_assert_str_eq(crm_record_str(r, "contacts[0].phone"), "0138");
	cr_assert_null(crm_record_str(r, "notes"));
	cr_assert_null(crm_record_str(r, "needs"));
	cr_assert_null(crm_record_str(r, "nothing.here"));
	cr_assert(crm_record_changed(r), "a new record counts as changed");
	crm_record_free(r);
}

/* ---- checks beyond the schema ---- */

static const char *GOOD = "id: \"%s\"\n"
			  "name: Acme\n"
			  "kind: company\n"
			  "source: online\n"
			  "owner: %s\n"
			  "first_contact: {date: 2024-05-01, by: ming}\n"
			  "stage: %s\n"
			  "stage_history:\n"
			  "  - {stage: initial, date: 2024-05-01}\n";

static int check_text(crm_book *b, const char *file_id, const char *text, crm_diags *d)
{
	char *rel = crm_xasprintf("customers/2024/05/%s.yaml", file_id);
	put(rel, text);
	crm_entry e = {rel, (char *)file_id, false};
	crm_record *r = NULL;
	cr_assert_eq(crm_record_load(&r, b, &e, d), 0, "%s", crm_error_last());
	cr_assert_not(crm_record_changed(r));
	int errors = crm_record_check(b, r, d);
	crm_record_free(r);
	free(rel);
	return errors;
}

Test(check, a_good_record)
{
	crm_book *b = make_book();
	char *t = crm_xasprintf(GOOD, "202405001", "ming", "initial");
	crm_diags d = {0};
	cr_assert_eq(check_text(b, "202405001", t, &d), 0);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].msg : "");
	crm_diags_free(&d);
	free(t);
	crm_book_free(b);
}

Test(check, the_file_name_is_the_id)
{
	crm_book *b = make_book();
	char *t = crm_xasprintf(GOOD, "202405009", "ming", "initial");
	crm_diags d = {0};
	cr_assert_eq(check_text(b, "202405001", t, &d), 1);
	cr_assert_eq(d.v[0].line, 1);
	cr_assert_eq(d.v[0].col, 5);
	cr_assert(strstr(d.v[0].msg, "file name"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	free(t);
	crm_book_free(b);
}

Test(check, team_ids)
{
	crm_book *b = make_book();
	char *t = crm_xasprintf("%s"
				"followups:\n"
				"  - date: 2024-05-02\n"
				"    via: phone\n"
				"    by: lii\n"
				"    summary: x\n"
				"    next: {date: 2024-05-09, action: call, by: bob}\n",
				GOOD);
	char *full = crm_xasprintf(t, "202405001", "sarah", "initial");
	crm_diags d = {0};
	cr_assert_eq(check_text(b, "202405001", full, &d), 3);
	crm_diags_sort(&d);
	cr_assert_eq(d.v[0].line, 5); /* owner: sarah */
	cr_assert_eq(d.v[0].col, 8);
	cr_assert(strstr(d.v[0].msg, "sarah") && strstr(d.v[0].msg, "ming, li"), "%s", d.v[0].msg);
	cr_assert_eq(d.v[1].line, 13); /* by: lii */
	cr_assert(strstr(d.v[1].msg, "did you mean 'li'"), "%s", d.v[1].msg);
	cr_assert_eq(d.v[2].line, 15); /* next.by: bob */
	cr_assert(strstr(d.v[2].msg, "bob"), "%s", d.v[2].msg);
	/* each message names its field */
	cr_expect(!strncmp(d.v[0].msg, "owner: 'sarah'", 14), "%s", d.v[0].msg);
	cr_expect(!strncmp(d.v[1].msg, "followups[0].by: 'lii'", 22), "%s", d.v[1].msg);
	cr_expect(!strncmp(d.v[2].msg, "followups[0].next.by: 'bob'", 27), "%s", d.v[2].msg);
	crm_diags_free(&d);
	free(full);
	free(t);
	crm_book_free(b);
}

Test(check, stage_history_warnings)
{
	crm_book *b = make_book();
	char *t = crm_xasprintf(GOOD, "202405001", "ming", "needs");
	crm_diags d = {0};
	cr_assert_eq(check_text(b, "202405001", t, &d), 0, "a warning is not an error");
	cr_assert_eq(d.n, 1);
	cr_assert_eq(d.v[0].sev, CRM_SEV_WARNING);
	cr_assert(strstr(d.v[0].msg, "needs"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	free(t);
	/* starting on another day than the first contact */
	t = crm_xasprintf("id: \"202405001\"\nname: Acme\nkind: company\nsource: online\nowner: ming\n"
			  "first_contact: {date: 2024-05-01, by: ming}\nstage: initial\nstage_history:\n"
			  "  - {stage: initial, date: 2024-05-03}\n");
	cr_assert_eq(check_text(b, "202405001", t, &d), 0);
	cr_assert_eq(d.n, 1);
	cr_assert(strstr(d.v[0].msg, "2024-05-01"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	free(t);
	crm_book_free(b);
}

Test(check, a_symlinked_record_is_not_read)
{
	crm_book *b = make_book();
	char *t = crm_xasprintf(GOOD, "202405001", "ming", "initial");
	put("elsewhere.yaml", t);
	free(t);
	char *target = crm_xasprintf("%s/elsewhere.yaml", root);
	char *link = crm_xasprintf("%s/customers/2024/05/202405001.yaml", root);
	char *dir = crm_xasprintf("%s/customers/2024/05", root);
	char *cmd = crm_xasprintf("mkdir -p '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(symlink(target, link), 0);
	crm_entry *v;
	size_t n;
	crm_book_scan(b, &v, &n);
	cr_assert_eq(n, 1);
	crm_record *r = (crm_record *)1;
	crm_diags d = {0};
	cr_assert_eq(crm_record_load(&r, b, &v[0], &d), CRM_EINVALID);
	cr_assert_null(r);
	cr_assert(strstr(crm_error_last(), "symbolic link"), "%s", crm_error_last());
	cr_assert_eq(d.n, 1);
	crm_diags_free(&d);
	crm_entries_free(v, n);
	free(cmd);
	free(dir);
	free(target);
	free(link);
	crm_book_free(b);
}
