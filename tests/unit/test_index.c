/*
 * The index module: the SPEC §8 rows of a record, refreshing only what
 * changed, rebuilding a damaged file, name lookup, and the read-only query.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/agenda.h"
#include "crm/book.h"
#include "crm/config.h"
#include "crm/date.h"
#include "crm/buf.h"
#include "crm/index.h"
#include "crm/query.h"

#include <sqlite3.h>

static char root[64];

static void setup(void)
{
	strcpy(root, "/tmp/crm-index-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(index, .init = setup, .fini = teardown);

static char *src_path(const char *rel)
{
	const char *r = getenv("CRM_SRC");
	if (r)
		return crm_xasprintf("%s/%s", r, rel);
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_index.c");
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

/* One value of a query on the index, as text ("" for no row, "NULL"). */
static char *one(crm_index *ix, const char *q)
{
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(crm_index_db(ix), q, -1, &st, NULL), SQLITE_OK, "%s: %s", q,
		     sqlite3_errmsg(crm_index_db(ix)));
	char *out = crm_xstrdup("");
	if (sqlite3_step(st) == SQLITE_ROW) {
		free(out);
		const char *t = (const char *)sqlite3_column_text(st, 0);
		out = crm_xstrdup(t ? t : "NULL");
	}
	sqlite3_finalize(st);
	return out;
}

static crm_index *open_index(crm_book *b)
{
	crm_index *ix = NULL;
	cr_assert_eq(crm_index_open(&ix, b, NULL), 0, "%s", crm_error_last());
	return ix;
}

/* Run sql on the index file itself, as another program could. */
static void raw_exec(const char *sql)
{
	char *file = crm_xasprintf("%s/.git/crm/index.sqlite", root);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(file, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
	free(file);
}

#define expect_one(ix, q, want)                                   \
	do {                                                      \
		char *got_ = one((ix), (q));                      \
		cr_expect_str_eq(got_, (want), "%s: got %s", (q), got_);        \
		free(got_);                                       \
	} while (0)

Test(index, a_record_in_every_table)
{
	make_book();
	put("customers/x/202405001.yaml",
	    "id: \"202405001\"\nname: 云栖科技\nkind: company\nsource: online\nowner: ming\n"
	    "first_contact: {date: 2024-05-01, by: ming}\ncompany: {industry: 制造, size: \"200\"}\n"
	    "contacts:\n  - {name: 张伟, phone: \"138 0000 1234\", role: user}\n  - {name: 李四}\n"
	    "needs:\n  budget: {min: 100, max: 200.5}\n  deadline: 2024-09-30\n"
	    "  decision_chain:\n    - {name: 王总, role: decision-maker}\n"
	    "tags: [a, b]\nstage: proposal\nstage_history:\n  - {stage: initial, date: 2024-05-01}\n"
	    "  - {stage: proposal, date: 2024-05-03}\n"
	    "dates:\n  - {label: 周年, date: 2010-09-01, yearly: true}\n  - {label: once, date: 2024-06-01}\n"
	    "followups:\n"
	    "  - {date: 2024-05-05, via: phone, by: ming, summary: s1, result: progressed, priority: high,"
	    " next: {date: 2024-05-08, action: a1, by: ming}}\n"
	    "  - {date: 2024-05-06, via: email, by: ming, summary: s2, priority: low}\n");
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	expect_one(ix, "SELECT path||'|'||name||'|'||industry||'|'||size||'|'||budget_min||'|'||budget_max"
		       "||'|'||deadline FROM customers WHERE id='202405001'",
		   "customers/x/202405001.yaml|云栖科技|制造|200|100|200.5|2024-09-30");
	expect_one(ix, "SELECT typeof(budget_min)||typeof(budget_max) FROM customers", "integerreal");
	/* the latest follow-up has no next: due its date plus low's 14 days, no action */
	expect_one(ix, "SELECT next_date||'|'||ifnull(next_action,'NULL')||'|'||next_priority||'|'||"
		       "last_followup||'|'||followups||'|'||valid FROM customers",
		   "2024-05-20|NULL|low|2024-05-06|2|1");
	expect_one(ix, "SELECT deal_amount IS NULL AND lost_reason IS NULL FROM customers", "1");
	expect_one(ix, "SELECT group_concat(tag) FROM tags", "a,b");
	expect_one(ix, "SELECT group_concat(seq||name||ifnull(phone,'-'), ';') FROM contacts",
		   "0张伟138 0000 1234;1李四-");
	expect_one(ix, "SELECT seq||name||role FROM decision_chain", "0王总decision-maker");
	expect_one(ix, "SELECT group_concat(seq||stage||date, ';') FROM stages",
		   "0initial2024-05-01;1proposal2024-05-03");
	expect_one(ix, "SELECT group_concat(label||yearly, ';') FROM dates", "周年1;once0");
	expect_one(ix, "SELECT group_concat(seq||via||next_date||ifnull(next_action,'-'), ';') FROM followups",
		   "0phone2024-05-08a1;1email2024-05-20-");
	crm_index_free(ix);
	crm_book_free(b);
}

Test(index, refresh_reads_only_what_changed)
{
	make_book();
	put_record("202405001", "initial");
	put_record("202405002", "negociation");
	put_record("202405003", "needs");
	age();
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	const crm_index_stats *st = crm_index_last_stats(ix);
	cr_expect(st->rebuilt);
	cr_expect_eq(st->records, 3);
	cr_expect_eq(st->reread, 3);
	expect_one(ix, "SELECT group_concat(valid) FROM (SELECT valid FROM customers ORDER BY id)", "1,0,1");
	crm_index_free(ix);

	ix = open_index(b);
	st = crm_index_last_stats(ix);
	cr_expect_not(st->rebuilt);
	cr_expect_eq(st->reread, 0, "an unchanged book reads no record");
	crm_index_free(ix);

	put_record("202405002", "negotiation");
	char *gone = crm_xasprintf("%s/customers/2024/05/202405003.yaml", root);
	cr_assert_eq(unlink(gone), 0);
	free(gone);
	ix = open_index(b);
	st = crm_index_last_stats(ix);
	cr_expect_eq(st->reread, 1);
	cr_expect_eq(st->removed, 1);
	expect_one(ix, "SELECT group_concat(id||stage||valid) FROM (SELECT * FROM customers ORDER BY id)",
		   "202405001initial1,202405002negotiation1");
	crm_diags d = {0};
	cr_expect_eq(crm_index_diags(ix, NULL, 0, &d), 0);
	crm_diags_free(&d);
	crm_index_free(ix);
	crm_book_free(b);
}

Test(index, garbage_is_rebuilt_and_a_new_schema_starts_over)
{
	make_book();
	put_record("202405001", "initial");
	put("customers/2024/05/202405009.yaml", "id: [unclosed\n");
	age();
	crm_book *b = open_book();
	crm_index_free(open_index(b));
	put(".git/crm/index.sqlite", "this is not a database, it is garbage ...........................");
	crm_index *ix = open_index(b);
	cr_expect(crm_index_last_stats(ix)->rebuilt);
	cr_expect_not(crm_index_last_stats(ix)->memory);
	expect_one(ix, "SELECT count(*) FROM customers", "2");
	/* an unreadable record is a row with what could be read, and invalid */
	expect_one(ix, "SELECT ifnull(name,'NULL')||valid FROM customers WHERE id='202405009'", "NULL0");
	crm_diags d = {0};
	cr_expect_gt(crm_index_diags(ix, NULL, 0, &d), 0);
	cr_expect_str_eq(d.v[0].path, "customers/2024/05/202405009.yaml");
	crm_diags_free(&d);
	crm_index_free(ix);
	crm_book_free(b);
	/* another crm.yaml: every answer is stale */
	put("crm.yaml", "book: other\nteam:\n  - id: ming\n    name: Ming\n");
	b = open_book();
	ix = open_index(b);
	cr_expect(crm_index_last_stats(ix)->rebuilt);
	cr_expect_eq(crm_index_last_stats(ix)->reread, 2);
	crm_index_free(ix);
	crm_book_free(b);
}

Test(index, without_a_git_dir_it_answers_from_memory)
{
	make_book();
	put_record("202405001", "initial");
	char *git = crm_xasprintf("%s/.git", root);
	cr_assert_eq(rmdir(git), 0);
	put(".git", "not a folder\n");
	free(git);
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	cr_expect(crm_index_last_stats(ix)->memory);
	expect_one(ix, "SELECT name FROM customers", "Customer 202405001");
	crm_index_free(ix);
	crm_book_free(b);
}

Test(index, resolve_by_id_prefix_and_name)
{
	make_book();
	put_record("202405001", "initial");
	put_record("202405002", "initial");
	put_record("202406001", "initial");
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	char *p = NULL;
	cr_expect_eq(crm_index_resolve(ix, "202405002", &p), 0);
	cr_expect_str_eq(p, "customers/2024/05/202405002.yaml");
	free(p);
	cr_expect_eq(crm_index_resolve(ix, "2024060", &p), 0);
	free(p);
	cr_expect_eq(crm_index_resolve(ix, "customer 202406", &p), 0, "case ignored: %s", crm_error_last());
	cr_expect_str_eq(p, "customers/2024/05/202406001.yaml");
	free(p);
	cr_expect_eq(crm_index_resolve(ix, "2024050", &p), CRM_EFAIL);
	cr_expect(strstr(crm_error_last(), "202405001") && strstr(crm_error_last(), "202405002"));
	cr_expect_eq(crm_index_resolve(ix, "nobody", &p), CRM_ENOTFOUND);
	cr_expect_null(p);
	crm_index_free(ix);
	crm_book_free(b);
}

Test(index, query_reads_and_refuses_everything_else)
{
	make_book();
	put_record("202405001", "initial");
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	crm_sql_result *r = NULL;
	cr_assert_eq(crm_index_query(ix, "SELECT id, 1.5 AS x, NULL AS n, 7 AS i FROM customers", &r), 0,
		     "%s", crm_error_last());
	cr_expect_eq(r->ncols, 4);
	cr_expect_eq(r->nrows, 1);
	cr_expect_str_eq(r->cols[1], "x");
	cr_expect_eq(r->v[1].type, CRM_SQL_REAL);
	cr_expect_str_eq(r->v[1].text, "1.5");
	cr_expect_eq(r->v[2].type, CRM_SQL_NULL);
	cr_expect_eq(r->v[3].type, CRM_SQL_INT);
	crm_sql_result_free(r);
	const char *bad[] = {"DELETE FROM ix_customers", "INSERT INTO ix_tags VALUES(1,'x','y')",
			     "ATTACH ':memory:' AS m", "PRAGMA writable_schema=1", "DROP TABLE ix_files",
			     "SELECT 1; SELECT 2", "SELEC 1"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		r = NULL;
		cr_expect_eq(crm_index_query(ix, bad[i], &r), CRM_EFAIL, "%s", bad[i]);
		cr_expect_null(r);
	}
	expect_one(ix, "SELECT count(*) FROM customers", "1");
	crm_index_free(ix);
	crm_book_free(b);
}

Test(index, touch_updates_the_rows_of_a_changed_record)
{
	make_book();
	put_record("202405001", "initial");
	crm_book *b = open_book();
	crm_index_free(open_index(b));
	put_record("202405001", "needs");
	put_record("202405002", "initial");
	const char *paths[] = {"customers/2024/05/202405001.yaml", "customers/2024/05/202405002.yaml"};
	crm_index_touch(b, paths, 2);
	/* straight from the file, without a refresh */
	char *file = crm_xasprintf("%s/.git/crm/index.sqlite", root);
	sqlite3 *db;
	cr_assert_eq(sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT group_concat(id||stage) FROM (SELECT * FROM customers"
					    " ORDER BY id)", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "202405001needs,202405002initial");
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(file);
	crm_book_free(b);
}

Test(index, another_versions_tables_are_rebuilt_on_disk)
{
	make_book();
	put_record("202405001", "initial");
	crm_book *b = open_book();
	crm_index_free(open_index(b));
	/* an older crm: other columns and another fingerprint */
	raw_exec("ALTER TABLE ix_customers DROP COLUMN needs_summary;"
		 " UPDATE ix_meta SET value = 'crm-index 0'");
	crm_index *ix = open_index(b);
	cr_expect(crm_index_last_stats(ix)->rebuilt);
	cr_expect_not(crm_index_last_stats(ix)->memory, "the file is rebuilt, not bypassed");
	expect_one(ix, "SELECT name FROM customers", "Customer 202405001");
	crm_index_free(ix);
	ix = open_index(b);
	cr_expect_not(crm_index_last_stats(ix)->memory);
	crm_index_free(ix);
	crm_book_free(b);
}

Test(index, an_older_format_is_made_again_with_this_formats_indexes)
{
	make_book();
	put_record("202405001", "initial");
	crm_book *b = open_book();
	crm_index_free(open_index(b));
	/* what an older crm left: the same columns, fewer indexes, its format */
	raw_exec("DROP INDEX ix_files_stat; DROP INDEX ix_tags_tag;"
		 " UPDATE ix_meta SET value = 'crm-index 1' WHERE key = 'format'");
	crm_index *ix = open_index(b);
	cr_expect(crm_index_last_stats(ix)->rebuilt);
	cr_expect_not(crm_index_last_stats(ix)->memory);
	expect_one(ix, "SELECT count(*) FROM sqlite_master WHERE name IN ('ix_files_stat', 'ix_tags_tag')", "2");
	expect_one(ix, "SELECT name FROM customers", "Customer 202405001");
	crm_index_free(ix);
	crm_book_free(b);
}

/* A record of three customers whose lists hold `n` items each. */
static void put_lists(const char *id, int n)
{
	crm_buf t = CRM_BUF_INIT;
	crm_buf_printf(&t, "id: \"%s\"\nname: C%s\nkind: company\nsource: online\nowner: ming\n"
			   "first_contact: {date: 2024-05-01, by: ming}\nstage: needs\ntags: [",
		       id, id);
	for (int i = 0; i < n; i++)
		crm_buf_printf(&t, "%st%d", i ? ", " : "", i);
	crm_buf_puts(&t, "]\ncontacts:\n");
	for (int i = 0; i < n; i++)
		crm_buf_printf(&t, "  - {name: P%d, phone: \"1380000%04d\"}\n", i, i);
	crm_buf_puts(&t, "stage_history:\n  - {stage: initial, date: 2024-05-01}\n"
			 "  - {stage: needs, date: 2024-05-02}\nfollowups:\n");
	for (int i = 0; i < n; i++)
		crm_buf_printf(&t, "  - {date: 2024-05-%02d, via: phone, by: ming, summary: s%d, result: progressed,"
				   " next: {date: 2024-06-01, action: a%d, by: ming}}\n", 3 + i % 20, i, i);
	crm_buf_puts(&t, "dates:\n  - {label: d, date: 2024-07-01}\n");
	char *rel = crm_xasprintf("customers/2024/05/%s.yaml", id);
	put(rel, crm_buf_cstr(&t));
	free(rel);
	crm_buf_free(&t);
}

/*
 * A record's list rows are keyed by its file and their position (k = fid
 * << 24 | i): refreshing one record replaces its rows and leaves the rows
 * of the files beside it (fid - 1 and fid + 1) as they were, in order.
 */
Test(index, a_refresh_replaces_one_records_list_rows_and_no_others)
{
	make_book();
	put_lists("202405001", 3);
	put_lists("202405002", 300);
	put_lists("202405003", 2);
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	expect_one(ix, "SELECT sum(valid) FROM customers", "3");
	expect_one(ix, "SELECT count(*) FROM tags", "305");
	expect_one(ix, "SELECT count(*) FROM followups", "305");
	crm_index_free(ix);
	put_lists("202405002", 1);
	ix = open_index(b);
	cr_expect_eq(crm_index_last_stats(ix)->reread, 1);
	const char *tables[] = {"tags", "contacts", "followups", "stages", "dates"};
	const char *want[] = {"202405001:3,202405002:1,202405003:2", "202405001:3,202405002:1,202405003:2",
			      "202405001:3,202405002:1,202405003:2", "202405001:2,202405002:2,202405003:2",
			      "202405001:1,202405002:1,202405003:1"};
	for (size_t i = 0; i < 5; i++) {
		char *q = crm_xasprintf("SELECT group_concat(id || ':' || n) FROM (SELECT id, count(*) AS n"
					" FROM %s GROUP BY id ORDER BY id)", tables[i]);
		expect_one(ix, q, want[i]);
		free(q);
	}
	/* each file's rows sit in its range of k, in the order of its list */
	expect_one(ix, "SELECT count(*) FROM ix_tags t JOIN ix_files f ON f.fid = t.fid"
		       " WHERE t.k >> 24 <> f.fid OR (t.k & 16777215) <> CAST(substr(t.tag, 2) AS INTEGER)", "0");
	expect_one(ix, "SELECT count(*) FROM ix_followups WHERE k >> 24 <> fid OR (k & 16777215) <> seq", "0");
	expect_one(ix, "SELECT group_concat(tag, ' ') FROM (SELECT tag FROM tags WHERE id = '202405003'"
		       " ORDER BY rowid)", "t0 t1");
	/* list --tag with a stage looks a tag up in the file's range */
	crm_filter f = {.stage = "needs", .tags = (const char *[]){"t2"}, .ntags = 1};
	crm_summary **v = NULL;
	size_t n = 0;
	cr_assert_eq(crm_index_summaries(ix, &f, &v, &n, NULL), 0, "%s", crm_error_last());
	cr_expect_eq(n, 1);
	if (n == 1)
		cr_expect_str_eq(v[0]->id, "202405001");
	for (size_t i = 0; i < n; i++)
		crm_summary_free(v[i]);
	free(v);
	crm_index_free(ix);
	crm_book_free(b);
}

/* list's summaries carry each record's tags in order, as the file has them */
Test(index, summaries_carry_the_tags_in_order)
{
	make_book();
	const char *recs[][2] = {
		{"202405001", "tags: [b, a, \"x y\", b2]\n"},
		{"202405002", "tags: [高意向, a]\n"},
		{"202405003", "tags: [a, \"c, d\"]\n"},
		{"202405004", ""},
		{"202405005", "tags: []\n"},
	};
	const char *want[] = {"b|a|x y|b2|", "高意向|a|", "a|c, d|", "", ""};
	for (size_t i = 0; i < 5; i++) {
		char *rel = crm_xasprintf("customers/2024/05/%s.yaml", recs[i][0]);
		char *t = crm_xasprintf("id: \"%s\"\nname: C%zu\nkind: company\nsource: online\nowner: ming\n"
					"first_contact: {date: 2024-05-01, by: ming}\nstage: initial\n%s",
					recs[i][0], i, recs[i][1]);
		put(rel, t);
		free(t);
		free(rel);
	}
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	crm_filter f = {0};
	crm_summary **v = NULL;
	size_t n = 0;
	crm_diags skipped = {0};
	cr_assert_eq(crm_index_summaries(ix, &f, &v, &n, &skipped), 0, "%s", crm_error_last());
	cr_assert_eq(n, 5, "%zu, first skipped: %s", n, skipped.n ? skipped.v[0].msg : "none");
	crm_diags_free(&skipped);
	for (size_t i = 0; i < n; i++) {
		crm_buf got = CRM_BUF_INIT;
		crm_buf_puts(&got, "");
		for (size_t k = 0; k < v[i]->ntags; k++)
			crm_buf_printf(&got, "%s|", v[i]->tags[k]);
		cr_expect_str_eq(crm_buf_cstr(&got), want[i], "%s: %s", v[i]->id, crm_buf_cstr(&got));
		crm_buf_free(&got);
		crm_summary_free(v[i]);
	}
	free(v);
	/* and a tag filter with a stage takes the other plan, with the same answer */
	const char *tag[] = {"a"};
	f.tags = tag;
	f.ntags = 1;
	for (int staged = 0; staged < 2; staged++) {
		f.stage = staged ? "initial" : NULL;
		cr_assert_eq(crm_index_summaries(ix, &f, &v, &n, NULL), 0, "%s", crm_error_last());
		cr_expect_eq(n, 3, "with stage %d: %zu", staged, n);
		if (n == 3) {
			cr_expect_str_eq(v[0]->id, "202405001");
			cr_expect_str_eq(v[1]->id, "202405002");
			cr_expect_str_eq(v[2]->id, "202405003");
		}
		for (size_t i = 0; i < n; i++)
			crm_summary_free(v[i]);
		free(v);
	}
	crm_index_free(ix);
	crm_book_free(b);
}

static void put_in(const char *month, const char *id)
{
	char *rel = crm_xasprintf("customers/2024/%s/%s.yaml", month, id);
	char *t = crm_xasprintf("id: \"%s\"\nname: Customer %s\nkind: company\nsource: online\nowner: ming\n"
				"first_contact: {date: 2024-05-01, by: ming}\nstage: initial\n",
				id, id);
	char *dir = crm_xasprintf("%s/customers/2024/%s", root, month);
	char *cmd = crm_xasprintf("mkdir -p '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	put(rel, t);
	free(cmd);
	free(dir);
	free(t);
	free(rel);
}

/* an unchanged folder is passed by; a changed, new or removed one is compared file by file */
Test(index, only_changed_folders_are_compared)
{
	make_book();
	put_in("05", "202405001");
	put_in("05", "202405002");
	put_in("06", "202406001");
	put_in("06", "202406002");
	put_in("06", "202406003");
	age();
	crm_book *b = open_book();
	crm_index_free(open_index(b)); /* the build */
	crm_index *ix = open_index(b);  /* stores the folders' hashes */
	crm_index_free(ix);
	ix = open_index(b);
	const crm_index_stats *st = crm_index_last_stats(ix);
	cr_expect_eq(st->compared, 0, "nothing changed: no file compared (%zu)", st->compared);
	cr_expect_eq(st->reread, 0);
	crm_index_free(ix);

	/* a same-size edit in 06: only 06's three files are compared, one re-read */
	put_in("06", "202406002");
	char *p = crm_xasprintf("%s/customers/2024/06/202406002.yaml", root);
	char *cmd = crm_xasprintf("sed -i 's/Customer 202406002/Customer 202406XX2/' '%s'", p);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	age();
	ix = open_index(b);
	st = crm_index_last_stats(ix);
	cr_expect_eq(st->compared, 3, "%zu", st->compared);
	cr_expect_eq(st->reread, 1);
	cr_expect_eq(st->removed, 0, "%zu", st->removed);
	expect_one(ix, "SELECT count(*) FROM customers", "5");
	expect_one(ix, "SELECT name FROM customers WHERE id = '202406002'", "Customer 202406XX2");
	crm_index_free(ix);
	ix = open_index(b);
	cr_expect_eq(crm_index_last_stats(ix)->compared, 0);
	crm_index_free(ix);

	/* a record moved to a new folder, and a whole folder removed */
	char *from = crm_xasprintf("%s/customers/2024/06/202406003.yaml", root);
	char *to_dir = crm_xasprintf("%s/customers/2024/07", root);
	char *to = crm_xasprintf("%s/202406003.yaml", to_dir);
	cr_assert_eq(mkdir(to_dir, 0755), 0);
	cr_assert_eq(rename(from, to), 0);
	cmd = crm_xasprintf("rm -r '%s/customers/2024/05'", root);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	age();
	ix = open_index(b);
	st = crm_index_last_stats(ix);
	cr_expect_eq(st->removed, 3, "two in 05, one moved out of 06: %zu", st->removed);
	cr_expect_eq(st->reread, 1, "the moved record: %zu", st->reread);
	expect_one(ix, "SELECT group_concat(path) FROM (SELECT path FROM customers ORDER BY path)",
		   "customers/2024/06/202406001.yaml,customers/2024/06/202406002.yaml,"
		   "customers/2024/07/202406003.yaml");
	crm_index_free(ix);

	/* touch (after a commit) makes the next read compare that folder again */
	const char *touched[] = {"customers/2024/07/202406003.yaml"};
	crm_index_touch(b, touched, 1);
	ix = open_index(b);
	cr_expect_eq(crm_index_last_stats(ix)->compared, 1);
	crm_index_free(ix);
	free(from);
	free(to);
	free(to_dir);
	free(p);
	crm_book_free(b);
}

/* SPEC §8 valid: no error, and the first file in path order to hold its id */
Test(index, valid_is_false_for_the_later_of_two_files_with_one_id)
{
	make_book();
	put_in("05", "202405001");
	put_in("05", "202405002");
	/* a copy in an earlier folder: it comes first, and is the valid one */
	char *src = crm_xasprintf("%s/customers/2024/05/202405001.yaml", root);
	char *cmd = crm_xasprintf("mkdir -p '%s/customers/2024/04' && cp '%s' '%s/customers/2024/04/'",
				  root, src, root);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	free(src);
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	expect_one(ix, "SELECT group_concat(path||':'||valid, ' ') FROM (SELECT * FROM customers ORDER BY path)",
		   "customers/2024/04/202405001.yaml:1 customers/2024/05/202405001.yaml:0 "
		   "customers/2024/05/202405002.yaml:1");
	crm_index_free(ix);
	crm_book_free(b);
}

/* a build of many files reads them on a second thread: the same rows, diagnostics and order */
Test(index, a_big_build_reads_on_two_threads_with_the_same_answers)
{
	make_book();
	enum { N = 600 };
	for (int i = 1; i <= N; i++) {
		char id[16];
		snprintf(id, sizeof id, "2024%02d%03d", 1 + i % 12, i);
		char *rel = crm_xasprintf("customers/2024/%02d/%s.yaml", 1 + i % 12, id);
		char *dir = crm_xasprintf("mkdir -p '%s/customers/2024/%02d'", root, 1 + i % 12);
		cr_assert_eq(system(dir), 0);
		char *t;
		if (i % 97 == 0) /* not YAML */
			t = crm_xasprintf("id: \"%s\"\nname: [broken\n", id);
		else if (i % 89 == 0) /* YAML, but no kind: invalid */
			t = crm_xasprintf("id: \"%s\"\nname: 客户%d\nsource: online\nowner: ming\n"
					  "first_contact: {date: 2024-05-01, by: ming}\nstage: initial\n", id, i);
		else
			t = crm_xasprintf("id: \"%s\"\nname: 客户%d\nkind: company\nsource: online\nowner: ming\n"
					  "first_contact: {date: 2024-05-01, by: ming}\nstage: initial\n"
					  "tags: [t%d]\n", id, i, i % 5);
		put(rel, t);
		free(t);
		free(dir);
		free(rel);
	}
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	const crm_index_stats *st = crm_index_last_stats(ix);
	cr_expect(st->rebuilt);
	cr_expect_eq(st->reread, N);
	/* 6 broken (97..582), 6 invalid (89..534) */
	expect_one(ix, "SELECT count(*) FROM ix_files", "600");
	expect_one(ix, "SELECT count(*) FROM ix_files WHERE load_err IS NOT NULL", "6");
	expect_one(ix, "SELECT sum(valid) FROM customers", "588");
	expect_one(ix, "SELECT count(*) FROM customers WHERE name LIKE '客户%'", "594");
	expect_one(ix, "SELECT count(*) FROM tags WHERE tag = 't3'", "118");
	/* each file's rows are its own: the name matches the number in its id */
	expect_one(ix, "SELECT count(*) FROM customers WHERE name LIKE '客户%' AND"
		       " CAST(substr(name, 3) AS INTEGER) <> CAST(substr(id, 7) AS INTEGER)", "0");
	crm_diags d = {0};
	int errors = crm_index_diags(ix, NULL, 0, &d);
	cr_expect_eq(errors, 12, "%d", errors);
	crm_diags_free(&d);
	crm_index_free(ix);
	crm_book_free(b);
}

/* The agenda as text: one item a line, every field that is shown. */
static char *agenda_text(const crm_agenda *a)
{
	crm_buf o = CRM_BUF_INIT;
	for (size_t i = 0; i < a->n; i++) {
		const crm_agenda_item *it = &a->v[i];
		char d[CRM_DATE_STRLEN];
		crm_date_format(it->date, d);
		crm_buf_printf(&o, "%d %s %ld %d %s %s %s %s %s %s %s %d %d %g\n", (int)it->type, d, it->days,
			       it->deadline, it->id, it->name, it->text, it->who ? it->who : "-",
			       it->priority ? it->priority : "-", it->stage ? it->stage : "-", it->path,
			       it->stage_rank, it->has_budget, it->budget);
	}
	char *s = crm_buf_detach(&o);
	return s ? s : crm_xstrdup("");
}

/*
 * The agenda from the index's packed facts is the agenda from the files
 * (crm_agenda_build), for everyone and for one person: records without a
 * next action, with a next written without date or action, a next held by
 * someone else, contacts with and without birthdays (and one that is not a
 * map), yearly and one-off dates, a deadline, won and lost, budgets written
 * as integers, decimals and text, Chinese text.
 */
Test(index, agenda_from_the_index_is_the_agenda_from_the_files)
{
	make_book();
	put("crm.yaml", "book: t\nteam:\n  - {id: ming, name: Ming, email: m@example.com}\n"
			"  - {id: li, name: Li, email: li@example.com}\n");
	const char *head = "kind: company\nsource: online\nfirst_contact: {date: 2024-04-01, by: ming}\n"
			   "stage_history:\n  - {stage: initial, date: 2024-04-01}\n";
	const char *recs[][2] = {
		{"202405001", "name: 云栖科技\nowner: ming\nstage: negotiation\n"
			      "needs: {summary: 扫码枪, deadline: 2024-05-25, budget: {max: 150000}}\n"
			      "contacts:\n  - {name: 张伟, birthday: 1980-05-22}\n  - {name: 无生日}\n  - 7\n"
			      "dates:\n  - {label: 周年, date: 2020-05-21, yearly: true}\n"
			      "  - {label: 展会, date: 2024-05-23}\n  - {date: 2024-05-24}\n"
			      "followups:\n  - {date: 2024-05-10, via: phone, by: ming, summary: s, priority: high,"
			      " next: {date: 2024-05-18, action: 报价, by: li}}\n"},
		{"202405002", "name: No Next\nowner: li\nstage: needs\nneeds: {budget: {max: 2500.5}}\n"
			      "followups:\n  - {date: 2024-05-19, via: email, by: li, summary: s, priority: low}\n"},
		{"202405003", "name: Next Without Action\nowner: ming\nstage: proposal\n"
			      "needs: {budget: {max: lots}}\n"
			      "followups:\n  - {date: 2024-05-01, via: phone, by: ming, summary: s, priority: medium,"
			      " next: {by: li}}\n"},
		{"202405004", "name: Won One\nowner: ming\nstage: won\n"
			      "deal: {amount: 1, signed: 2024-05-01, contract_end: 2024-05-30}\n"
			      "needs: {deadline: 2024-05-21}\n"
			      "contacts:\n  - {name: Won Contact, birthday: 1990-05-20}\n"
			      "followups:\n  - {date: 2024-05-02, via: phone, by: ming, summary: s,"
			      " next: {date: 2024-05-20, action: 回访, by: ming}}\n"},
		{"202405005", "name: Lost One\nowner: ming\nstage: lost\nlost_reason: price\n"
			      "contacts:\n  - {name: Lost Contact, birthday: 1990-05-20}\n"},
		{"202405006", "name: Stale\nowner: li\nstage: initial\n"},
	};
	for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
		char *rel = crm_xasprintf("customers/2024/05/%s.yaml", recs[i][0]);
		char *t = crm_xasprintf("id: \"%s\"\n%s%s", recs[i][0], head, recs[i][1]);
		put(rel, t);
		free(t);
		free(rel);
	}
	crm_book *b = open_book();
	const char *whos[] = {NULL, "ming", "li"};
	for (size_t w = 0; w < 3; w++)
		for (int days = 0; days <= 30; days += 30) {
			crm_agenda_query q = {{2024, 5, 20}, days, whos[w], b->config, "zh"};
			crm_agenda files = {0}, idx = {0};
			cr_assert_eq(crm_agenda_build(&files, b, &q, NULL), 0, "%s", crm_error_last());
			crm_index *ix = open_index(b);
			cr_assert_eq(crm_index_agenda(ix, &q, &idx, NULL), 0, "%s", crm_error_last());
			crm_index_free(ix);
			char *want = agenda_text(&files), *got = agenda_text(&idx);
			cr_assert(files.n > 2, "too few items to compare: %s", want);
			cr_assert_str_eq(got, want, "who %s, days %d", whos[w] ? whos[w] : "all", days);
			free(want);
			free(got);
			crm_agenda_free(&files);
			crm_agenda_free(&idx);
		}
	crm_book_free(b);
}

/* A damaged packed row is an error with a way out, never a crash. */
Test(index, a_damaged_agenda_row_is_an_error)
{
	make_book();
	put_record("202405001", "initial");
	put_record("202405002", "needs");
	age();
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	crm_index_free(ix);
	for (int cut = 0; cut < 40; cut += 3) {
		char *sql = crm_xasprintf("UPDATE ix_agenda SET facts = substr(facts, 1, %d)"
					  " WHERE fid = (SELECT min(fid) FROM ix_agenda)", cut);
		raw_exec(sql);
		free(sql);
		ix = open_index(b);
		crm_agenda a = {0};
		crm_agenda_query q = {{2024, 5, 20}, 7, NULL, b->config, "en"};
		int rc = crm_index_agenda(ix, &q, &a, NULL);
		cr_assert_neq(rc, 0, "a row cut to %d bytes was read", cut);
		cr_assert(strstr(crm_error_last(), "ix_agenda"), "%s", crm_error_last());
		crm_error_clear();
		crm_agenda_free(&a);
		crm_index_free(ix);
	}
	crm_book_free(b);
}

/* A first build writes without WAL (each page once) but leaves the index in
 * WAL mode, where readers never wait for a writer. */
Test(index, a_first_build_leaves_the_index_in_wal_mode)
{
	make_book();
	put_record("202405001", "initial");
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	expect_one(ix, "PRAGMA journal_mode", "wal");
	crm_index_free(ix);
	crm_book_free(b);
}

/* What crm_index_open_ask's callbacks saw. */
typedef struct {
	int asked, dropped;
	char *answer;
} asked_t;

static int count_ask(crm_index *ix, void *arg)
{
	asked_t *a = arg;
	a->asked++;
	free(a->answer);
	a->answer = one(ix, "SELECT group_concat(name) FROM (SELECT name FROM customers ORDER BY id)");
	return 0;
}

static void count_drop(void *arg)
{
	((asked_t *)arg)->dropped++;
}

/*
 * A read that answers beside the walk keeps its answer when no file
 * differs, even when folders' hashes are worth storing (here: lost, as when
 * another process could not write them); it stores them, so that the read
 * after compares nothing. A file that differs throws the answer away.
 */
Test(index, an_answer_beside_the_walk_stands_while_a_folders_hash_is_stored)
{
	make_book();
	put_in("05", "202405001");
	put_in("06", "202406001");
	age();
	crm_book *b = open_book();
	crm_index *ix = open_index(b);
	crm_index_free(ix);
	crm_index_free(open_index(b));
	raw_exec("DELETE FROM ix_dirs");
	asked_t a = {0};
	cr_assert_eq(crm_index_open_ask(&ix, b, count_ask, count_drop, &a), 0, "%s", crm_error_last());
	cr_expect_eq(a.dropped, 0, "nothing differs: the answer stands");
	cr_expect_eq(a.asked, 1);
	cr_expect_str_eq(a.answer, "Customer 202405001,Customer 202406001");
	expect_one(ix, "SELECT count(*) FROM ix_dirs", "2");
	crm_index_free(ix);
	ix = open_index(b);
	cr_expect_eq(crm_index_last_stats(ix)->compared, 0, "the folders' hashes were stored");
	crm_index_free(ix);
	/* an edit: the answer as the index stood is thrown away */
	char *cmd = crm_xasprintf("sed -i 's/Customer 202406001/Customer 202406XX1/' "
				  "'%s/customers/2024/06/202406001.yaml'", root);
	cr_assert_eq(system(cmd), 0);
	free(cmd);
	a = (asked_t){0, 0, a.answer};
	cr_assert_eq(crm_index_open_ask(&ix, b, count_ask, count_drop, &a), 0, "%s", crm_error_last());
	cr_expect_eq(a.dropped, 1);
	cr_expect_eq(a.asked, 2);
	cr_expect_str_eq(a.answer, "Customer 202405001,Customer 202406XX1");
	crm_index_free(ix);
	free(a.answer);
	crm_book_free(b);
}

/*
 * A file stored within the clock's tick of its last change could change
 * again without its stat moving: its row keeps the hash of the bytes read,
 * and a read that finds the same stat compares the bytes. Bytes other than
 * those indexed (here the stored hash is made wrong, as if the file had
 * changed behind an unchanged stat) are read again; the same bytes are not,
 * and once the file is old enough its row is trusted like any other.
 */
Test(index, a_racy_row_is_checked_by_its_bytes)
{
	make_book();
	put_in("05", "202405001");
	crm_book *b = open_book();
	crm_index *ix = open_index(b); /* the file is seconds old at most: racy */
	expect_one(ix, "SELECT racy || ',' || (chash IS NOT NULL) FROM ix_files", "1,1");
	crm_index_free(ix);
	ix = open_index(b);
	cr_expect_eq(crm_index_last_stats(ix)->reread, 0, "the same bytes are not read again");
	crm_index_free(ix);
	raw_exec("UPDATE ix_files SET racy = 1, chash = chash + 1");
	ix = open_index(b);
	cr_expect_eq(crm_index_last_stats(ix)->reread, 1, "other bytes behind the same stat: read again");
	crm_index_free(ix);
	age();
	ix = open_index(b); /* old enough: the mark goes, the bytes matched */
	cr_expect_eq(crm_index_last_stats(ix)->reread, 0);
	expect_one(ix, "SELECT racy FROM ix_files", "0");
	crm_index_free(ix);
	ix = open_index(b);
	cr_expect_eq(crm_index_last_stats(ix)->compared, 0, "the folder's hash is stored");
	crm_index_free(ix);
	crm_book_free(b);
}
