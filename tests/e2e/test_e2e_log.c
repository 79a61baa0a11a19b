/* crm log: commits of a record (following git mv), changes of one field, the book log. */
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(log, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static void ok(e2e_run r)
{
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* Run crm as team member `user` (crm setup --user switches this clone). */
static void as(const char *b, const char *user, const char *cmd, const char *who, const char *arg)
{
	ok(e2e_crmv(b, "setup", "--user", user, NULL));
	ok(e2e_crmv(b, cmd, who, arg, NULL));
}

static const char *book_with_customer(void)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "trade-show", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "202405001\n");
	e2e_run_free(&r);
	return b;
}

/* `crm ARGS` JSON printed by python as one "|"-joined line per object, keys checked. */
static char *json_lines(const char *b, const char *args, const char *keys, const char *fields)
{
	e2e_run r = e2e_sh(b,
			   "\"$CRM_BIN\" %s > out.json && python3 -c '\n"
			   "import json, re\n"
			   "a = json.load(open(\"out.json\"))\n"
			   "assert isinstance(a, list)\n"
			   "for o in a:\n"
			   "    assert list(o.keys()) == %s, o\n"
			   "    assert re.fullmatch(\"[0-9a-f]{40}\", o[\"commit\"]), o\n"
			   "    assert re.fullmatch(r\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d\", o[\"date\"]), o\n"
			   "    print(*[json.dumps(o[k], ensure_ascii=False) for k in %s], sep=\"|\")\n"
			   "' && rm out.json",
			   args, keys, fields);
	e2e_assert_code(r, 0);
	char *out = r.out;
	free(r.err);
	return out;
}

Test(log, field_stage_three_changes_with_authors)
{
	const char *b = book_with_customer();
	as(b, "li", "stage", "202405001", "needs");
	as(b, "sarah", "stage", "202405001", "proposal");
	as(b, "ming", "tag", "202405001", "高意向"); /* touches the record, not the stage */
	as(b, "ming", "stage", "202405001", "negotiation");

	char *s = json_lines(b, "log 202405001 --field stage --json",
			     "[\"commit\", \"date\", \"author\", \"value\"]", "[\"value\", \"author\"]");
	cr_expect_str_eq(s, "\"negotiation\"|\"销售代表明\"\n"
			    "\"proposal\"|\"Sarah Chen\"\n"
			    "\"needs\"|\"李娜\"\n"
			    "\"initial\"|\"销售代表明\"\n");
	free(s);

	/* the commits are the ones git has, newest first */
	e2e_run g = e2e_sh(b, "git log --format='\"%%H\"' --invert-grep --grep='^tag' -- "
			      "customers/2024/05/202405001.yaml");
	s = json_lines(b, "log 202405001 --field stage --json",
		       "[\"commit\", \"date\", \"author\", \"value\"]", "[\"commit\"]");
	cr_expect_str_eq(s, g.out);
	free(s);
	e2e_run_free(&g);

	/* text: newest first, one line per change, with the author */
	e2e_run r = e2e_crmv(b, "log", "202405001", "--field", "stage", NULL);
	e2e_assert_code(r, 0);
	const char *neg = strstr(r.out, "negotiation"), *pro = strstr(r.out, "proposal"),
		   *nee = strstr(r.out, "needs"), *ini = strstr(r.out, "initial");
	cr_assert(neg && pro && nee && ini && neg < pro && pro < nee && nee < ini, "%s", r.out);
	e2e_assert_has(r.out, "李娜 (li)");
	e2e_assert_has(r.out, "Sarah Chen (sarah)");
	e2e_assert_hasnt(r.out, "高意向");
	e2e_run_free(&r);

	/* -n counts changes */
	s = json_lines(b, "log 202405001 --field stage -n 2 --json",
		       "[\"commit\", \"date\", \"author\", \"value\"]", "[\"value\"]");
	cr_expect_str_eq(s, "\"negotiation\"\n\"proposal\"\n");
	free(s);
}

Test(log, commits_of_a_record_newest_first_with_n_and_json)
{
	const char *b = book_with_customer();
	ok(e2e_crmv(b, "tag", "202405001", "重点", NULL));
	setenv("GIT_AUTHOR_DATE", "2024-05-20T10:00:00+08:00", 1);
	setenv("GIT_COMMITTER_DATE", "2024-05-20T10:00:00+08:00", 1);
	ok(e2e_crmv(b, "set", "202405001", "needs.summary=降低成本", NULL));
	unsetenv("GIT_AUTHOR_DATE");
	unsetenv("GIT_COMMITTER_DATE");

	char *s = json_lines(b, "log 科技 --json", "[\"commit\", \"date\", \"author\", \"message\"]",
			     "[\"author\", \"message\"]");
	e2e_run g = e2e_sh(b, "git log --format='\"%%an\"|\"%%s\"' -- customers/2024/05/202405001.yaml");
	cr_expect_str_eq(s, g.out);
	cr_expect_str_eq(s, "\"销售代表明\"|\"set 202405001: needs.summary=降低成本\"\n"
			    "\"销售代表明\"|\"tag 202405001: 重点\"\n"
			    "\"销售代表明\"|\"add 202405001: 科技有限公司\"\n");
	e2e_run_free(&g);
	free(s);

	s = json_lines(b, "log 202405001 -n 1 --json", "[\"commit\", \"date\", \"author\", \"message\"]",
		       "[\"date\", \"message\"]");
	cr_expect_str_eq(s, "\"2024-05-20T10:00:00+08:00\"|\"set 202405001: needs.summary=降低成本\"\n");
	free(s);

	e2e_run r = e2e_crmv(b, "log", "202405001", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "2024-05-20 10:00");
	e2e_assert_has(r.out, "销售代表明 (ming)");
	const char *set = strstr(r.out, "needs.summary"), *tag = strstr(r.out, "重点");
	cr_assert(set && tag && set < tag, "%s", r.out);
	e2e_run_free(&r);

	r = e2e_crmv(b, "log", "202405001", "-n", "2", NULL);
	e2e_assert_code(r, 0);
	int lines = 0;
	for (const char *p = r.out; *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, 2, "%s", r.out);
	e2e_run_free(&r);
}

Test(log, follows_git_mv)
{
	const char *b = book_with_customer();
	ok(e2e_crmv(b, "stage", "202405001", "needs", NULL));
	ok(e2e_sh(b, "mkdir -p customers/archive && git mv customers/2024/05/202405001.yaml "
		     "customers/archive/202405001.yaml && git commit -qm 'archive 202405001'"));
	ok(e2e_crmv(b, "stage", "202405001", "proposal", NULL));

	char *s = json_lines(b, "log 202405001 --json", "[\"commit\", \"date\", \"author\", \"message\"]",
			     "[\"message\"]");
	e2e_assert_has(s, "\"archive 202405001\"\n");
	cr_expect_eq(strncmp(s, "\"stage 202405001", 16), 0, "%s", s);
	e2e_assert_has(s, "\"add 202405001");
	int n = 0;
	for (const char *p = s; *p; p++)
		n += *p == '\n';
	cr_expect_eq(n, 4, "%s", s);
	free(s);

	s = json_lines(b, "log 202405001 --field stage --json",
		       "[\"commit\", \"date\", \"author\", \"value\"]", "[\"value\"]");
	cr_expect_str_eq(s, "\"proposal\"\n\"needs\"\n\"initial\"\n");
	free(s);
}

Test(log, field_values_as_json_and_removed_is_null)
{
	const char *b = book_with_customer();
	ok(e2e_crmv(b, "set", "202405001", "needs.budget.max=100000", NULL));
	ok(e2e_crmv(b, "set", "202405001", "needs.budget.max=150000", NULL));
	ok(e2e_crmv(b, "set", "202405001", "needs.summary=x", NULL));
	ok(e2e_crmv(b, "set", "202405001", "needs.budget.max=", NULL));
	char *s = json_lines(b, "log 202405001 --field needs.budget.max --json",
			     "[\"commit\", \"date\", \"author\", \"value\"]", "[\"value\"]");
	cr_expect_str_eq(s, "null\n150000\n100000\n");
	free(s);
	s = json_lines(b, "log 202405001 --field contacts[0].phone --json",
		       "[\"commit\", \"date\", \"author\", \"value\"]", "[\"value\"]");
	cr_expect_str_eq(s, "");
	free(s);
}

Test(log, book_log_and_errors)
{
	const char *b = book_with_customer();
	ok(e2e_crmv(b, "add", "Second Co", "--kind", "company", "--source", "online", NULL));
	e2e_run r = e2e_crmv(b, "log", NULL);
	e2e_assert_code(r, 0);
	const char *second = strstr(r.out, "Second Co"), *first = strstr(r.out, "科技有限公司");
	cr_assert(second && first && second < first, "%s", r.out);
	e2e_assert_has(r.out, "team"); /* the commit of crm.yaml by the test harness */
	e2e_run_free(&r);
	r = e2e_crmv(b, "log", "-n", "1", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "Second Co");
	e2e_assert_hasnt(r.out, "科技有限公司");
	e2e_run_free(&r);

	r = e2e_crmv(b, "log", "nobody-here", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm: error:");
	e2e_run_free(&r);
	r = e2e_crmv(b, "log", "--field", "stage", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "log", "202405001", "-n", "many", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "log", "202405001", "--field", "needs..max", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "log", "202405001", "--bogus", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}
