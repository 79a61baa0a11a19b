/* The index (SPEC §8): every read sees the working tree as it is now, and
 * the cache itself never changes an answer; crm sql only reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(index, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* Output of `crm sql QUERY` in dir, which must succeed with nothing on stderr. */
static char *sql(const char *dir, const char *query)
{
	e2e_run r = e2e_crmv(dir, "sql", query, NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_empty(r.err, "stderr: %s", r.err);
	char *out = r.out;
	r.out = NULL;
	e2e_run_free(&r);
	return out;
}

static void sh_ok(const char *dir, const char *cmd)
{
	e2e_run r = e2e_sh(dir, "%s", cmd);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

#define NAMES "SELECT id || ' ' || name FROM customers ORDER BY id"

Test(index, sees_a_hand_edit_without_commit)
{
	const char *b = e2e_example_book();
	char *before = sql(b, NAMES);
	e2e_assert_has(before, "202609002 陈静");
	sh_ok(b, "sed -i 's/^name: 陈静$/name: 陈静怡/' customers/2026/09/202609002.yaml");
	char *after = sql(b, NAMES);
	e2e_assert_has(after, "202609002 陈静怡");
	/* list and show by name see it too */
	e2e_run r = e2e_crmv(b, "show", "陈静怡", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "202609002");
	e2e_run_free(&r);
	free(before);
	free(after);
}

Test(index, sees_a_same_size_edit_in_the_same_second)
{
	const char *b = e2e_example_book();
	const char *f = "customers/2026/09/202609002.yaml";
	/* stat data older than the racy window, so the index trusts it */
	sh_ok(b, "touch -d '2026-01-01 10:00:00.100000000' customers/2026/09/202609002.yaml && sleep 2");
	char *q = sql(b, "SELECT name FROM customers WHERE id = '202609002'");
	cr_assert_str_eq(q, "name\n陈静\n");
	free(q);
	/* same size, same inode, mtime in the same second with other nanoseconds */
	char cmd[512];
	snprintf(cmd, sizeof cmd,
		 "s1=$(stat -c %%s %s) && i1=$(stat -c %%i %s) && "
		 "sed 's/^name: 陈静$/name: 陈晶/' %s > /tmp/.ix.$$ && cat /tmp/.ix.$$ > %s && rm /tmp/.ix.$$ && "
		 "touch -d '2026-01-01 10:00:00.200000000' %s && "
		 "test \"$(stat -c %%s %s)\" = \"$s1\" && test \"$(stat -c %%i %s)\" = \"$i1\"",
		 f, f, f, f, f, f, f);
	sh_ok(b, cmd);
	q = sql(b, "SELECT name FROM customers WHERE id = '202609002'");
	cr_assert_str_eq(q, "name\n陈晶\n");
	free(q);
}

Test(index, sees_deleted_added_and_moved_records)
{
	const char *b = e2e_example_book();
	char *q = sql(b, "SELECT count(*) FROM customers");
	cr_assert_str_eq(q, "count(*)\n      16\n");
	free(q);
	sh_ok(b, "git rm -q customers/2026/10/202610001.yaml");
	q = sql(b, "SELECT count(*) FROM customers WHERE id = '202610001'");
	cr_assert_str_eq(q, "count(*)\n       0\n");
	free(q);
	sh_ok(b, "sed 's/202609002/202612001/; s/^name: 陈静$/name: 新客户/' customers/2026/09/202609002.yaml"
		 " > customers/2026/09/202612001.yaml");
	q = sql(b, "SELECT name, valid FROM customers WHERE id = '202612001'");
	cr_assert_str_eq(q, "name    valid\n新客户      1\n");
	free(q);
	sh_ok(b, "mkdir -p customers/vip && git mv customers/2026/09/202609002.yaml customers/vip/");
	q = sql(b, "SELECT path FROM customers WHERE id = '202609002'");
	cr_assert_str_eq(q, "path\ncustomers/vip/202609002.yaml\n");
	free(q);
	q = sql(b, "SELECT count(*) FROM customers");
	cr_assert_str_eq(q, "count(*)\n      16\n");
	free(q);
	q = sql(b, "SELECT count(*) FROM tags WHERE id = '202610001'");
	cr_assert_str_eq(q, "count(*)\n       0\n");
	free(q);
}

Test(index, follows_a_checkout_of_another_commit)
{
	const char *b = e2e_example_book();
	sh_ok(b, "sed -i 's/^name: 陈静$/name: 陈静二/' customers/2026/09/202609002.yaml && "
		 "git commit -qam rename");
	char *q = sql(b, "SELECT name FROM customers WHERE id = '202609002'");
	cr_assert_str_eq(q, "name\n陈静二\n");
	free(q);
	sh_ok(b, "git checkout -q HEAD~1");
	q = sql(b, "SELECT name FROM customers WHERE id = '202609002'");
	cr_assert_str_eq(q, "name\n陈静\n");
	free(q);
}

/* Every table, all rows, as one text. */
#define ALL "SELECT (SELECT group_concat(x, '|') FROM (SELECT id||path||name||ifnull(stage,'')||" \
	"ifnull(next_date,'')||ifnull(next_action,'')||valid||followups AS x FROM customers ORDER BY id))" \
	" || (SELECT group_concat(id||tag) FROM tags) || (SELECT count(*) FROM followups)" \
	" || (SELECT count(*) FROM contacts) || (SELECT count(*) FROM stages) AS everything"

Test(index, deleting_or_garbling_the_index_changes_no_answer)
{
	const char *b = e2e_example_book();
	char *want = sql(b, ALL);
	e2e_run v = e2e_crmv(b, "list", "--json", NULL);
	e2e_assert_code(v, 0);
	sh_ok(b, "test -f .git/crm/index.sqlite && rm -rf .git/crm");
	char *got = sql(b, ALL);
	cr_assert_str_eq(got, want);
	free(got);
	sh_ok(b, "head -c 100000 /dev/urandom > .git/crm/index.sqlite && rm -f .git/crm/index.sqlite-*");
	got = sql(b, ALL);
	cr_assert_str_eq(got, want);
	free(got);
	/* a database of another shape (a foreign version) */
	sh_ok(b, "rm -f .git/crm/index.sqlite* && python3 -c \"import sqlite3; c=sqlite3.connect("
		 "'.git/crm/index.sqlite'); c.execute('create table ix_meta(k,v)'); c.commit()\"");
	got = sql(b, ALL);
	cr_assert_str_eq(got, want);
	free(got);
	e2e_run w = e2e_crmv(b, "list", "--json", NULL);
	e2e_assert_code(w, 0);
	cr_assert_str_eq(w.out, v.out);
	e2e_run_free(&v);
	e2e_run_free(&w);
	free(want);
}

Test(index, two_processes_refresh_at_once)
{
	const char *b = e2e_example_book();
	/* enough records that the two first builds overlap */
	sh_ok(b, "for i in $(seq 100 399); do sed \"s/202609002/202609$i/\" customers/2026/09/202609002.yaml"
		 " > customers/2026/09/202609$i.yaml; done");
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "for k in 1 2 3 4; do (\"$CRM_BIN\" sql 'SELECT count(*), sum(valid) FROM customers' > out$k"
		 " 2> err$k; echo $? > rc$k) & done; wait; cat rc1 rc2 rc3 rc4 | tr -d '\\n'; "
		 "cat err1 err2 err3 err4; cmp out1 out2 && cmp out1 out3 && cmp out1 out4 && cat out1");
	char *o = e2e_sh_out(b, "%s", cmd);
	cr_assert_str_eq(o, "0000count(*)  sum(valid)\n     316         316");
	free(o);
}

Test(index, sql_refuses_writes_and_changes_nothing)
{
	const char *b = e2e_example_book();
	char *want = sql(b, ALL);
	/* once the files are older than the racy window, a read writes nothing */
	sh_ok(b, "sleep 2");
	free(sql(b, ALL));
	char *sum = e2e_sh_out(b, "cat .git/crm/index.sqlite* | sha1sum");
	const char *bad[] = {
		"INSERT INTO ix_meta VALUES('x', 'y')",
		"DELETE FROM ix_customers",
		"DELETE FROM customers",
		"UPDATE ix_customers SET name = 'x'",
		"DROP TABLE ix_tags",
		"DROP VIEW customers",
		"CREATE TABLE t(x)",
		"ATTACH DATABASE 'other.db' AS o",
		"PRAGMA writable_schema = 1",
		"PRAGMA journal_mode = DELETE",
		"SELECT 1; DELETE FROM ix_tags",
		"VACUUM",
		"BEGIN",
		"SELECT nothing FROM nowhere",
		"UPDATE sqlite_master SET sql = 'x'",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		e2e_run r = e2e_crmv(b, "sql", bad[i], NULL);
		e2e_assert_code(r, 1);
		e2e_assert_has(r.err, "crm: error: ");
		cr_assert_str_empty(r.out);
		e2e_run_free(&r);
	}
	sh_ok(b, "test ! -e other.db");
	char *sum2 = e2e_sh_out(b, "cat .git/crm/index.sqlite* | sha1sum");
	cr_assert_str_eq(sum2, sum);
	char *got = sql(b, ALL);
	cr_assert_str_eq(got, want);
	free(got);
	free(want);
	free(sum);
	free(sum2);
}

Test(index, sql_tables_json_and_csv)
{
	const char *b = e2e_example_book();
	/* aligned by display width: the Chinese name counts two columns a character */
	char *t = sql(b, "SELECT name, followups FROM customers WHERE id IN ('202609002', '202601001') ORDER BY id");
	cr_assert_str_eq(t, "name               followups\n"
			    "Northwind Traders          5\n"
			    "陈静                       2\n");
	free(t);
	e2e_run r = e2e_crmv(b, "sql", "SELECT id, deal_amount, budget_max, next_date FROM customers"
				     " WHERE id = '202503001'", "--json", NULL);
	e2e_assert_code(r, 0);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "python3 -c 'import json,sys; print(json.load(sys.stdin))'");
	e2e_run_free(&r);
	char *py = e2e_sh_out(b, "\"$CRM_BIN\" sql \"SELECT id, deal_amount, budget_max, next_date FROM "
				 "customers WHERE id = '202503001'\" --json | python3 -c 'import json,sys; "
				 "print(json.load(sys.stdin))'");
	cr_assert_str_eq(py, "[{'id': '202503001', 'deal_amount': 380000, 'budget_max': 400000, 'next_date': None}]");
	free(py);
	py = e2e_sh_out(b, "\"$CRM_BIN\" sql \"SELECT id, name FROM customers WHERE name LIKE '%%,%%'"
			   " OR id = '202609002' ORDER BY id\" --csv | python3 -c 'import csv,sys; "
			   "print(list(csv.reader(sys.stdin)))'");
	cr_assert_str_eq(py, "[['id', 'name'], ['202609002', '陈静'], ['202611002', 'Initech Solutions (Shanghai) Co., Ltd.']]");
	free(py);
	(void)cmd;
}

Test(index, contract_columns_and_meanings)
{
	const char *b = e2e_example_book();
	char *q = sql(b, "SELECT group_concat(name, ',') FROM pragma_table_info('customers')");
	e2e_assert_has(q, "id,path,name,kind,source,owner,stage,first_contact,first_contact_by,industry,"
			  "size,budget_min,budget_max,deadline,deal_amount,deal_signed,contract_end,"
			  "lost_reason,next_date,next_action,next_by,next_priority,last_followup,"
			  "followups,valid");
	free(q);
	/* won: no open next action; amounts are numbers; seq from 0 */
	q = sql(b, "SELECT (next_date IS NULL) || typeof(deal_amount) || typeof(budget_max) AS x"
		   " FROM customers WHERE id = '202503001'");
	cr_assert_str_eq(q, "x\n1integerinteger\n");
	free(q);
	q = sql(b, "SELECT min(seq) || typeof(min(date)) AS x FROM followups WHERE id = '202503001'");
	cr_assert_str_eq(q, "x\n0text\n");
	free(q);
	q = sql(b, "SELECT stage FROM stages WHERE id = '202503001' AND seq = 0");
	e2e_assert_has(q, "initial");
	free(q);
}

Test(index, validate_answers_from_the_index_and_sees_edits)
{
	const char *b = e2e_example_book();
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	sh_ok(b, "sed -i 's/^stage: initial$/stage: intial/' customers/2026/09/202609002.yaml");
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "customers/2026/09/202609002.yaml:");
	e2e_assert_has(r.out, "initial");
	e2e_run_free(&r);
	char *q = sql(b, "SELECT valid FROM customers WHERE id = '202609002'");
	cr_assert_str_eq(q, "valid\n    0\n");
	free(q);
	/* a second id in another file: the later one is invalid */
	sh_ok(b, "git checkout -q -- . && cp customers/2026/09/202609002.yaml customers/dup.yaml");
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "ids must be unique");
	e2e_run_free(&r);
	sh_ok(b, "rm customers/dup.yaml");
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	sh_ok(b, "test ! -e .git/crm/check-cache");
}

Test(index, a_change_by_crm_updates_the_index_at_once)
{
	const char *b = e2e_example_book();
	char *q = sql(b, "SELECT followups FROM customers WHERE id = '202609002'");
	free(q);
	e2e_run r = e2e_crmv(b, "follow", "202609002", "--via", "phone", "--summary", "再联系",
			     "--date", "2024-05-20", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	/* straight from the database file, with no crm refresh in between */
	char *o = e2e_sh_out(b, "python3 -c \"import sqlite3; c=sqlite3.connect('.git/crm/index.sqlite');"
				" print(c.execute(\\\"select followups from customers where id='202609002'\\\").fetchone()[0])\"");
	cr_assert_str_eq(o, "3");
	free(o);
}

Test(index, list_find_and_agenda_see_hand_edits)
{
	const char *b = e2e_example_book();
	e2e_run r = e2e_crmv(b, "find", "雪松", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	r = e2e_crmv(b, "list", "--tag", "新标签", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_empty(r.out);
	e2e_run_free(&r);
	/* by hand: a new name fragment, a tag, a phone with dashes, a next action due */
	sh_ok(b, "f=customers/2026/09/202609002.yaml && "
		 "sed -i 's/^name: 陈静$/name: 陈静雪松/; s/^tags: \\[/tags: [新标签, /' $f && "
		 "grep -q 新标签 $f && printf '%s\\n' '  - date: 2026-12-01' '    via: phone' '    by: ming'"
		 " '    summary: 手工记录' '    next: {date: 2024-05-19, action: 手工下一步, by: ming}' >> $f");
	r = e2e_crmv(b, "find", "雪松", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "202609002");
	e2e_run_free(&r);
	r = e2e_crmv(b, "list", "--tag", "新标签", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "202609002");
	e2e_run_free(&r);
	r = e2e_crmv(b, "agenda", "--all", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "手工下一步");
	e2e_run_free(&r);
}

/*
 * agenda answers from the index as it stands while the scan runs beside it,
 * and must throw that answer away when the scan finds a change: a record
 * removed by hand, or an index filled with garbage, changes nothing.
 */
Test(index, agenda_answer_from_a_stale_index_is_thrown_away)
{
	const char *b = e2e_example_book();
	e2e_run r = e2e_crmv(b, "agenda", "--all", "--days", "1000", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "Call Andrew for the CFO decision");
	char *before = r.out;
	r.out = NULL;
	e2e_run_free(&r);
	sh_ok(b, "test -f .git/crm/index.sqlite && mv customers/2026/01/202601001.yaml /tmp/crm-e2e-moved-$$.yaml"
		 " && rm /tmp/crm-e2e-moved-$$.yaml");
	r = e2e_crmv(b, "agenda", "--all", "--days", "1000", "--json", NULL);
	e2e_assert_code(r, 0);
	cr_assert_null(strstr(r.out, "Call Andrew for the CFO decision"), "a removed record's action: %s", r.out);
	cr_assert_null(strstr(r.out, "202601001"), "a removed record: %s", r.out);
	char *after = r.out;
	r.out = NULL;
	e2e_run_free(&r);
	sh_ok(b, "head -c 100000 /dev/urandom > .git/crm/index.sqlite && rm -f .git/crm/index.sqlite-*");
	r = e2e_crmv(b, "agenda", "--all", "--days", "1000", "--json", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_empty(r.err, "stderr: %s", r.err);
	cr_assert_str_eq(r.out, after);
	cr_assert_str_neq(r.out, before);
	e2e_run_free(&r);
	free(before);
	free(after);
}

/* Output of crm with argv in dir; stdout only, any exit code. */
static char *out_of(const char *dir, const char *const *argv)
{
	e2e_run r = e2e_crm(dir, argv);
	char *o = r.out;
	r.out = NULL;
	e2e_run_free(&r);
	return o;
}

/*
 * list, find, sql and report answer from the index as it stands while the
 * scan runs, like agenda: after a hand edit each must give what a fresh
 * build of the index gives, not the stale answer.
 */
Test(index, reads_from_a_stale_index_give_the_fresh_answer)
{
	const char *b = e2e_example_book();
	const char *const cmds[][6] = {
		{"list", "--json", NULL},
		{"find", "Andrew", "--json", NULL},
		{"sql", "SELECT count(*), group_concat(name) FROM customers", NULL},
		{"report", "funnel", "--json", NULL},
		{"report", "owners", NULL},
	};
	size_t n = sizeof cmds / sizeof cmds[0];
	char *before[5];
	for (size_t i = 0; i < n; i++)
		before[i] = out_of(b, cmds[i]);
	/* by hand, no commit: the record goes, another changes its name */
	sh_ok(b, "test -f .git/crm/index.sqlite && cp -a .git/crm .git/crm-stale && "
		 "rm customers/2026/01/202601001.yaml && "
		 "sed -i 's/^name: 陈静$/name: 陈静改/' customers/2026/09/202609002.yaml");
	for (size_t i = 0; i < n; i++) {
		sh_ok(b, "rm -rf .git/crm && cp -a .git/crm-stale .git/crm");
		char *stale = out_of(b, cmds[i]);
		sh_ok(b, "rm -rf .git/crm");
		char *fresh = out_of(b, cmds[i]);
		cr_assert_str_eq(stale, fresh, "%s %s", cmds[i][0], cmds[i][1]);
		cr_assert_str_neq(stale, before[i], "%s %s did not change", cmds[i][0], cmds[i][1]);
		free(stale);
		free(fresh);
		free(before[i]);
	}
}
