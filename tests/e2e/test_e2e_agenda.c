/* crm agenda: a book built here, CRM_TODAY fixed, the exact items in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/utf8.h"
#include "e2e.h"

TestSuite(agenda, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* Write customers/2024/05/ID.yaml in the book with a standard head. */
static void record(const char *b, const char *id, const char *name, const char *owner,
		   const char *stage, const char *first, const char *rest)
{
	char path[256];
	snprintf(path, sizeof path, "%s/customers/2024/05/%s.yaml", b, id);
	char *text;
	cr_assert(asprintf(&text,
			   "id: \"%s\"\nname: %s\nkind: company\nsource: online\nowner: %s\n"
			   "first_contact: {date: %s, by: %s}\nstage: %s\n%s",
			   id, name, owner, first, owner, stage, rest) >= 0);
	e2e_write(path, text);
	free(text);
}

static void commit_all(const char *b)
{
	e2e_run r = e2e_sh(b, "git add -A && git commit -qm 'records'");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

#define FU(date, by, prio, next, action, nby)                                                 \
	"  - date: " date "\n    via: phone\n    by: " by "\n    summary: s\n    result: progressed\n" \
	"    priority: " prio "\n    next: {date: " next ", action: " action ", by: " nby "}\n"

/*
 * The book of the agenda tests, today 2024-05-20, reminders 7/7/30/30.
 */
static const char *agenda_book(void)
{
	const char *b = e2e_book();
	record(b, "202405001", "科技有限公司", "ming", "proposal", "2024-05-01",
	       "contacts:\n  - {name: 张伟, birthday: 1985-05-25}\n"
	       "stage_history:\n  - {stage: initial, date: 2024-05-01}\n"
	       "followups:\n" FU("2024-05-10", "ming", "high", "2024-05-15", "发送案例资料", "ming"));
	record(b, "202405002", "Beta Ltd", "ming", "needs", "2024-05-01",
	       "followups:\n" FU("2024-05-18", "ming", "medium", "2024-05-20", "Call back", "ming"));
	record(b, "202405003", "上海贸易", "ming", "negotiation", "2024-05-01",
	       "needs: {budget: {min: 1, max: 500000}}\n"
	       "followups:\n" FU("2024-05-19", "ming", "high", "2024-05-24", "报价", "ming"));
	record(b, "202405004", "Delta", "ming", "initial", "2024-05-01",
	       "needs: {budget: {min: 1, max: 900000}}\n"
	       "followups:\n" FU("2024-05-19", "ming", "high", "2024-05-24", "Demo", "ming"));
	record(b, "202405005", "Echo", "ming", "needs", "2024-05-01",
	       "contacts:\n  - {name: Eve, birthday: 1990-05-29}\n"
	       "followups:\n" FU("2024-05-16", "ming", "low", "2024-05-30", "Later", "ming"));
	record(b, "202405007", "Gamma", "ming", "needs", "2024-05-01",
	       "needs: {deadline: 2024-05-27}\n"
	       "dates:\n  - {label: 公司周年, date: 2010-05-22, yearly: true}\n"
	       "  - {label: 签约仪式, date: 2024-05-26}\n"
	       "  - {label: 去年活动, date: 2023-05-22}\n"
	       "followups:\n" FU("2024-05-19", "ming", "low", "2024-06-15", "Check", "ming"));
	record(b, "202405008", "Won Co", "ming", "won", "2024-03-01",
	       "deal: {amount: 100000, signed: 2024-04-01, contract_end: 2024-06-10}\n"
	       "followups:\n" FU("2024-03-05", "ming", "high", "2024-03-08", "Old action", "ming"));
	record(b, "202405009", "Lost Co", "ming", "lost", "2024-01-01",
	       "lost_reason: 价格\n"
	       "contacts:\n  - {name: Lou, birthday: 1980-05-21}\n"
	       "needs: {deadline: 2024-05-22}\n"
	       "dates:\n  - {label: Lost date, date: 2024-05-22}\n"
	       "followups:\n" FU("2024-03-05", "ming", "high", "2024-05-18", "Lost action", "ming"));
	record(b, "202405010", "Stale Inc", "ming", "initial", "2024-04-01",
	       "followups:\n" FU("2024-04-10", "ming", "low", "2024-06-30", "Much later", "ming"));
	record(b, "202405011", "李娜的客户", "li", "needs", "2024-05-01",
	       "followups:\n" FU("2024-05-19", "li", "medium", "2024-05-21", "帮李娜打电话", "ming"));
	record(b, "202405012", "Lima", "ming", "needs", "2024-05-01",
	       "followups:\n" FU("2024-05-13", "ming", "medium", "2024-05-16", "李娜跟进", "li"));
	commit_all(b);
	return b;
}

/* `crm agenda ARGS --json` as "type date id name text" lines, checking the exact keys. */
static char *agenda_lines(const char *b, const char *args)
{
	e2e_run r = e2e_sh(
		b,
		"\"$CRM_BIN\" agenda %s --json > agenda.json && python3 -c '\n"
		"import json, sys\n"
		"a = json.load(open(\"agenda.json\"))\n"
		"assert isinstance(a, list)\n"
		"for o in a:\n"
		"    assert list(o.keys()) == [\"type\", \"date\", \"id\", \"name\", \"text\"], o\n"
		"    assert all(isinstance(v, str) for v in o.values()), o\n"
		"    print(o[\"type\"], o[\"date\"], o[\"id\"], o[\"name\"], o[\"text\"], sep=\"|\")\n"
		"' && rm agenda.json",
		args);
	e2e_assert_code(r, 0);
	char *out = r.out;
	free(r.err);
	return out;
}

Test(agenda, mine_exactly_in_order)
{
	const char *b = agenda_book();
	char *s = agenda_lines(b, "");
	cr_expect_str_eq(s, "stale|2024-05-10|202405010|Stale Inc|no follow-up for 40 days\n"
			    "overdue|2024-05-15|202405001|科技有限公司|发送案例资料\n"
			    "due|2024-05-20|202405002|Beta Ltd|Call back\n"
			    "due|2024-05-21|202405011|李娜的客户|帮李娜打电话\n"
			    "date|2024-05-22|202405007|Gamma|公司周年\n"
			    "due|2024-05-24|202405003|上海贸易|报价\n"
			    "due|2024-05-24|202405004|Delta|Demo\n"
			    "birthday|2024-05-25|202405001|科技有限公司|Birthday: 张伟\n"
			    "date|2024-05-26|202405007|Gamma|签约仪式\n"
			    "date|2024-05-27|202405007|Gamma|Deadline\n"
			    "contract_end|2024-06-10|202405008|Won Co|Contract ends\n");
	free(s);
}

Test(agenda, days_widens_only_next_actions)
{
	const char *b = agenda_book();
	char *s = agenda_lines(b, "--days 10");
	/* Later (05-30) comes in; Eve's birthday on 05-29 stays outside reminders.birthday */
	e2e_assert_has(s, "due|2024-05-30|202405005|Echo|Later\n");
	e2e_assert_hasnt(s, "Eve");
	e2e_assert_has(s, "contract_end|2024-06-10|202405008|Won Co|Contract ends\n");
	free(s);
	s = agenda_lines(b, "--days 0");
	e2e_assert_has(s, "due|2024-05-20|202405002|Beta Ltd|Call back\n");
	e2e_assert_hasnt(s, "2024-05-21|202405011");
	e2e_assert_hasnt(s, "2024-05-24");
	e2e_assert_has(s, "birthday|2024-05-25|202405001");
	free(s);
}

Test(agenda, owner_and_all)
{
	const char *b = agenda_book();
	char *s = agenda_lines(b, "--owner li");
	cr_expect_str_eq(s, "overdue|2024-05-16|202405012|Lima|李娜跟进\n");
	free(s);
	s = agenda_lines(b, "--all");
	cr_expect_str_eq(s, "stale|2024-05-10|202405010|Stale Inc|no follow-up for 40 days\n"
			    "overdue|2024-05-15|202405001|科技有限公司|发送案例资料\n"
			    "overdue|2024-05-16|202405012|Lima|李娜跟进\n"
			    "due|2024-05-20|202405002|Beta Ltd|Call back\n"
			    "due|2024-05-21|202405011|李娜的客户|帮李娜打电话\n"
			    "date|2024-05-22|202405007|Gamma|公司周年\n"
			    "due|2024-05-24|202405003|上海贸易|报价\n"
			    "due|2024-05-24|202405004|Delta|Demo\n"
			    "birthday|2024-05-25|202405001|科技有限公司|Birthday: 张伟\n"
			    "date|2024-05-26|202405007|Gamma|签约仪式\n"
			    "date|2024-05-27|202405007|Gamma|Deadline\n"
			    "contract_end|2024-06-10|202405008|Won Co|Contract ends\n");
	free(s);
	/* nothing at all for the lost customer, no next action or stale for the won one */
	e2e_assert_hasnt(s = agenda_lines(b, "--all --days 3650"), "Lost Co");
	e2e_assert_hasnt(s, "Old action");
	free(s);
	e2e_run r = e2e_crmv(b, "agenda", "--owner", "nobody", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "not in the team");
	e2e_run_free(&r);
	r = e2e_crmv(b, "agenda", "--owner", "li", "--all", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "agenda", "--days", "week", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}

Test(agenda, birthday_29_february)
{
	const char *b = e2e_book();
	/* won: never stale, but its birthdays still come up */
	record(b, "202405001", "Leap", "ming", "won", "2024-05-01",
	       "contacts:\n  - {name: 闰年, birthday: 1996-02-29}\n"
	       "deal: {amount: 1000, signed: 2024-05-02}\n");
	commit_all(b);
	setenv("CRM_TODAY", "2025-02-25", 1);
	char *s = agenda_lines(b, "");
	cr_expect_str_eq(s, "birthday|2025-02-28|202405001|Leap|Birthday: 闰年\n");
	free(s);
	setenv("CRM_TODAY", "2028-02-22", 1);
	s = agenda_lines(b, "");
	cr_expect_str_eq(s, "birthday|2028-02-29|202405001|Leap|Birthday: 闰年\n");
	free(s);
	setenv("CRM_TODAY", "2025-03-01", 1);
	s = agenda_lines(b, "");
	cr_expect_str_eq(s, "");
	free(s);
}

Test(agenda, reads_the_working_tree_and_skips_broken_records)
{
	const char *b = agenda_book();
	/* a hand edit, not committed: Beta's next action moves to 05-23 */
	record(b, "202405002", "Beta Ltd", "ming", "needs", "2024-05-01",
	       "followups:\n" FU("2024-05-18", "ming", "medium", "2024-05-23", "Call later", "ming"));
	e2e_write("book/customers/2024/05/202405099.yaml", "id: [unclosed\n");
	e2e_run r = e2e_crmv(b, "agenda", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "\"date\":\"2024-05-23\",\"id\":\"202405002\",\"name\":\"Beta Ltd\",\"text\":\"Call later\"");
	e2e_assert_hasnt(r.out, "Call back");
	e2e_assert_has(r.err, "customers/2024/05/202405099.yaml");
	e2e_assert_has(r.err, "warning");
	e2e_run_free(&r);
}

/* Display column where `needle` starts on the line holding it. */
static size_t column_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	cr_assert(p, "'%s' not in:\n%s", needle, text);
	const char *line = p;
	while (line > text && line[-1] != '\n')
		line--;
	char *prefix = strndup(line, (size_t)(p - line));
	size_t w = crm_utf8_width(prefix);
	free(prefix);
	return w;
}

Test(agenda, text_sections_aligned)
{
	const char *b = agenda_book();
	e2e_run r = e2e_crmv(b, "agenda", NULL);
	e2e_assert_code(r, 0);
	const char *o = r.out;
	e2e_assert_has(o, "Agenda for 销售代表明 (ming), 2024-05-20 Mon\n");
	/* the sections in order */
	const char *secs[] = {"\nOverdue\n", "\nToday\n", "\nNext 7 days\n", "\nBirthdays & dates\n",
			      "\nContract ends\n", "\nStale (not followed up)\n"};
	const char *at = o;
	for (size_t i = 0; i < sizeof secs / sizeof *secs; i++) {
		const char *p = strstr(at, secs[i]);
		cr_assert(p, "section '%s' missing or out of order in:\n%s", secs[i] + 1, o);
		at = p + 1;
	}
	e2e_assert_has(o, "5 days late");
	e2e_assert_has(o, "no follow-up for 40 days");
	/* the action column lines up across Chinese and Latin names and all sections */
	size_t c = column_of(o, "发送案例资料");
	cr_expect_eq(column_of(o, "Call back"), c, "\n%s", o);
	cr_expect_eq(column_of(o, "报价"), c, "\n%s", o);
	cr_expect_eq(column_of(o, "帮李娜打电话"), c, "\n%s", o);
	cr_expect_eq(column_of(o, "Birthday: 张伟"), c, "\n%s", o);
	cr_expect_eq(column_of(o, "Contract ends  "), c, "\n%s", o);
	cr_expect_eq(column_of(o, "no follow-up"), c, "\n%s", o);
	e2e_run_free(&r);

	r = e2e_crmv(b, "--lang", "zh", "agenda", "--all", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "\n逾期\n");
	e2e_assert_has(r.out, "逾期 5 天");
	e2e_assert_has(r.out, "生日: 张伟");
	e2e_assert_has(r.out, "合同到期");
	c = column_of(r.out, "发送案例资料");
	cr_expect_eq(column_of(r.out, "Call back"), c, "\n%s", r.out);
	cr_expect_eq(column_of(r.out, "李娜跟进"), c, "\n%s", r.out);
	e2e_run_free(&r);
}

Test(agenda, empty_and_example_book)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "agenda", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "Nothing due.");
	e2e_run_free(&r);
	r = e2e_crmv(b, "agenda", "--json", NULL);
	e2e_assert_code(r, 0);
	cr_expect_str_eq(r.out, "[]\n");
	e2e_run_free(&r);

	const char *ex = e2e_example_book();
	setenv("CRM_TODAY", "2026-12-01", 1);
	r = e2e_crmv(ex, "agenda", "--all", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "Overdue");
	e2e_assert_has(r.out, "Today");
	cr_expect_eq(column_of(r.out, "再打电话"), column_of(r.out, "Call Andrew"), "\n%s", r.out);
	e2e_run_free(&r);
}
