/* crm list and crm find: filters, sorting, the JSON and CSV shapes, exit codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(list, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* customers/2024/05/ID.yaml with one follow-up whose next is due on `due` (NULL: none). */
static void record(const char *b, const char *id, const char *name, const char *stage,
		   const char *owner, const char *tags, const char *due, const char *prio,
		   const char *extra)
{
	char path[256], *text;
	snprintf(path, sizeof path, "%s/customers/2024/05/%s.yaml", b, id);
	cr_assert(asprintf(&text,
			   "id: \"%s\"\nname: %s\nkind: company\nsource: online\nowner: %s\n"
			   "first_contact: {date: 2024-05-01, by: %s}\ntags: [%s]\nstage: %s\n"
			   "stage_history:\n  - {stage: initial, date: 2024-05-01}\n%s%s%s%s%s%s",
			   id, name, owner, owner, tags, stage, extra ? extra : "",
			   due ? "followups:\n  - {date: 2024-05-10, via: phone, by: ming, summary: 电话, "
				 "priority: " : "",
			   due ? prio : "", due ? ", next: {date: " : "", due ? due : "",
			   due ? ", action: 回访, by: ming}}\n" : "") >= 0);
	e2e_write(path, text);
	free(text);
}

/*
 * Today is 2024-05-20. 001 overdue (due 05-19), 002 due today, 003 due
 * tomorrow, 004 won (its old next is not open), 005 no follow-up.
 */
static const char *book5(void)
{
	const char *b = e2e_book();
	record(b, "202405001", "科技有限公司", "proposal", "ming", "高意向, 预算敏感", "2024-05-19", "high",
	       "company: {industry: 智能制造}\ncontacts:\n  - {name: 张伟, phone: \"138 0000 1234\"}\n");
	record(b, "202405002", "Beta Trading", "proposal", "li", "高意向", "2024-05-20", "medium", NULL);
	record(b, "202405003", "上海贸易", "needs", "ming", "预算敏感", "2024-05-21", "low",
	       "notes: |\n  Likes WMS demos.\n");
	record(b, "202405004", "Delta", "won", "sarah", "高意向, 预算敏感", "2024-05-01", "high",
	       "deal: {amount: 1000, signed: 2024-05-02}\n");
	record(b, "202405005", "Echo", "initial", "ming", "", NULL, NULL, NULL);
	e2e_run r = e2e_sh(b, "git add -A && git commit -qm records");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return b;
}

/* The ids in the first column of list's output, joined by spaces. */
static char *ids(const char *b, const char *const *args)
{
	const char *argv[24] = {"list"};
	size_t n = 1;
	while (args[n - 1])
		argv[n] = args[n - 1], n++;
	argv[n] = NULL;
	e2e_run r = e2e_crm(b, argv);
	e2e_assert_code(r, 0);
	char *out = calloc(1, strlen(r.out) + 1);
	for (const char *p = r.out; *p;) {
		size_t k = strcspn(p, "\n");
		if (!strncmp(p, "2024", 4)) {
			if (*out)
				strcat(out, " ");
			strncat(out, p, 9);
		}
		p += k + (p[k] == '\n');
	}
	e2e_run_free(&r);
	return out;
}

#define IDS(want, ...)                                             \
	do {                                                       \
		char *got = ids(b, (const char *[]){__VA_ARGS__}); \
		cr_assert_str_eq(got, want);                       \
		free(got);                                         \
	} while (0)

Test(list, filters)
{
	const char *b = book5();
	IDS("202405001 202405002 202405003 202405004 202405005", NULL);
	IDS("202405001", "--overdue", NULL);
	IDS("202405001", "--due-before", "2024-05-20", NULL);
	IDS("202405001 202405002", "--due-before", "2024-05-21", NULL);
	IDS("202405001 202405002", "--due-before", "tomorrow", NULL);
	IDS("202405001 202405002 202405003", "--due-before", "+1w", NULL);
	IDS("202405001 202405002", "--stage", "proposal", NULL);
	IDS("202405001 202405002", "--stage", "方案沟通", NULL);
	IDS("202405001 202405002 202405004", "--tag", "高意向", NULL);
	IDS("202405001 202405004", "--tag", "高意向", "--tag", "预算敏感", NULL);
	IDS("202405001", "--tag", "高意向", "--tag", "预算敏感", "--owner", "ming", NULL);
	IDS("202405001 202405003 202405005", "--owner", "ming", NULL);
	IDS("202405001", "--industry", "智能制造", NULL);
	IDS("202405001", "--priority", "high", NULL); /* 004 is won: no open next action */
	IDS("202405003", "--priority", "低", NULL);
	IDS("", "--source", "referral", NULL);
	IDS("202405001 202405002 202405003 202405004 202405005", "--kind", "company", NULL);
	IDS("202405004", "--stage", "won", NULL);
}

Test(list, sort_and_limit)
{
	const char *b = book5();
	IDS("202405001 202405002 202405003 202405004 202405005", "--sort", "id", NULL);
	IDS("202405002 202405004 202405005 202405003 202405001", "--sort", "name", NULL);
	IDS("202405005 202405003 202405001 202405002 202405004", "--sort", "stage", NULL);
	IDS("202405001 202405002 202405003 202405004 202405005", "--sort", "next", NULL);
	IDS("202405002 202405001 202405003 202405005 202405004", "--sort", "owner", NULL);
	IDS("202405001 202405002", "--limit", "2", NULL);
	IDS("202405001 202405003", "--sort", "next", "--limit", "2", "--owner", "ming", "--tag",
	    "预算敏感", NULL);
}

Test(list, table_lines_up_and_labels)
{
	const char *b = book5();
	e2e_run r = e2e_crmv(b, "list", "--stage", "proposal", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "ID         Name          Stage     Owner  Next date   Next action\n"
				"202405001  科技有限公司  Proposal  ming   2024-05-19  回访\n"
				"202405002  Beta Trading  Proposal  li     2024-05-20  回访\n");
	e2e_run_free(&r);
	r = e2e_crmv(b, "--lang", "zh", "list", "--stage", "won", NULL);
	e2e_assert_has(r.out, "202405004  Delta     成交");
	e2e_run_free(&r);
}

Test(list, json_shape)
{
	const char *b = book5();
	e2e_run r = e2e_sh(b, "\"$CRM_BIN\" list --json | python3 -c '"
			      "import json, sys\n"
			      "a = json.load(sys.stdin)\n"
			      "assert [o[\"id\"] for o in a] == [\"20240500%%d\" %% i for i in range(1, 6)]\n"
			      "for o in a:\n"
			      "    for k in (\"id\", \"name\", \"kind\", \"stage\", \"owner\", \"source\", \"tags\", \"path\", \"next\"):\n"
			      "        assert k in o, (k, o)\n"
			      "assert a[0][\"tags\"] == [\"高意向\", \"预算敏感\"]\n"
			      "assert a[0][\"path\"] == \"customers/2024/05/202405001.yaml\"\n"
			      "assert a[0][\"next\"] == {\"date\": \"2024-05-19\", \"action\": \"回访\", \"by\": \"ming\", \"priority\": \"high\"}\n"
			      "assert a[3][\"stage\"] == \"won\" and a[3][\"next\"] is None\n"
			      "assert a[4][\"next\"] is None and a[4][\"tags\"] == []\n"
			      "print(\"ok\")'");
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "ok\n");
	e2e_run_free(&r);
	r = e2e_crmv(b, "list", "--json", "--source", "referral", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "[]\n");
	e2e_run_free(&r);
}

Test(list, csv)
{
	const char *b = book5();
	e2e_run r = e2e_crmv(b, "list", "--csv", "--stage", "proposal", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out,
			 "id,name,kind,source,stage,owner,tags,next_date,next_action,next_by,priority\r\n"
			 "202405001,科技有限公司,company,online,proposal,ming,\"高意向, 预算敏感\",2024-05-19,回访,ming,high\r\n"
			 "202405002,Beta Trading,company,online,proposal,li,高意向,2024-05-20,回访,ming,medium\r\n");
	e2e_run_free(&r);
}

Test(list, bad_values)
{
	const char *b = book5();
	e2e_run r = e2e_crmv(b, "list", "--stage", "wonn", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "did you mean 'won'");
	e2e_run_free(&r);
	r = e2e_crmv(b, "list", "--owner", "mnig", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "did you mean 'ming'");
	e2e_run_free(&r);
	const char *const bad2[][2] = {{"--due-before", "2024-02-30"}, {"--due-before", "soon"},
				       {"--limit", "x"}, {"--limit", "-1"}, {"--sort", "size"},
				       {"--colour", "x"}};
	for (size_t i = 0; i < 6; i++) {
		r = e2e_crmv(b, "list", bad2[i][0], bad2[i][1], NULL);
		e2e_assert_code(r, 2);
		e2e_run_free(&r);
	}
	r = e2e_crmv(b, "list", "--json", "--csv", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}

Test(list, reads_the_working_tree_and_skips_broken_records)
{
	const char *b = book5();
	/* a hand edit, not committed, is seen */
	e2e_run r = e2e_sh(b, "sed -i 's/^stage: initial$/stage: needs/' customers/2024/05/202405005.yaml"
			      " && mkdir -p customers/x && printf 'id: [\\n' > customers/x/bad.yaml"
			      " && printf 'id: \"typo\"\\nnmae: x\\n' > customers/x/typo.yaml");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "list", "--stage", "needs", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "202405005");
	e2e_assert_has(r.out, "202405003");
	e2e_assert_has(r.err, "customers/x/bad.yaml");
	e2e_assert_has(r.err, "customers/x/typo.yaml");
	e2e_assert_has(r.err, "warning");
	e2e_run_free(&r);
	r = e2e_crmv(b, "find", "Echo", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(list, find)
{
	const char *b = book5();
	e2e_run r = e2e_crmv(b, "find", "beta", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "202405002");
	e2e_assert_has(r.out, "name: Beta Trading");
	e2e_assert_hasnt(r.out, "202405001");
	e2e_run_free(&r);
	/* phones, notes, tags, follow-ups; with where it matched */
	r = e2e_crmv(b, "find", "13800001234", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "202405001");
	e2e_assert_has(r.out, "contacts[0].phone");
	e2e_run_free(&r);
	r = e2e_crmv(b, "find", "wms", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "202405003");
	e2e_assert_has(r.out, "notes");
	e2e_run_free(&r);
	r = e2e_crmv(b, "find", "回访", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "followups[0].next.action");
	e2e_run_free(&r);
	r = e2e_crmv(b, "find", "预算敏感", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "\"id\": \"202405001\"");
	e2e_assert_has(r.out, "\"id\": \"202405004\"");
	e2e_assert_has(r.out, "\"field\": \"tags[1]\"");
	e2e_assert_has(r.out, "\"next\": null");
	e2e_run_free(&r);
	/* nothing: exit 1, as grep */
	r = e2e_crmv(b, "find", "no such thing", NULL);
	e2e_assert_code(r, 1);
	cr_assert_str_eq(r.out, "");
	e2e_run_free(&r);
	r = e2e_crmv(b, "find", "no such thing", "--json", NULL);
	e2e_assert_code(r, 1);
	cr_assert_str_eq(r.out, "[]\n");
	e2e_run_free(&r);
	r = e2e_crmv(b, "find", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}
