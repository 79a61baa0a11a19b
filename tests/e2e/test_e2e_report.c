/*
 * crm report: every report's --json against a book made with crm add,
 * follow and stage on dates fixed by CRM_TODAY, whose answers were worked
 * out by hand (the same six customers as tests/unit/test_report.c, written
 * by the tool this time); --since, --until, --owner; the text tables; and
 * the HTML page in headless Chromium (numbers in the DOM against --json,
 * bars counted, a screenshot that is not blank).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(report, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/*
 * A1 ming trade-show 智能制造 budget 200000: initial 01-10, needs 01-20,
 *    proposal 02-01, won 03-01 (100000); follow-ups 01-12 phone (next
 *    01-15), 01-15 visit (next 01-25), 01-30 phone by li (next 02-05).
 * B2 ming online 智能制造: initial 02-01, negotiation 02-11, won 02-21 (50000).
 * C3 li online 零售 budget 80000: initial 03-01, needs 03-05, lost 03-20;
 *    follow-ups 03-02 email no result (next 03-04), 03-03 phone setback (next 03-10).
 * D4 li referral budget 30000: initial 04-01, proposal 04-11; follow-ups
 *    04-05 phone no-response (next 04-10), 04-20 phone progressed (next 06-01).
 * E5 sarah referral: initial 05-01; follow-up 06-28 im progressed (next 07-05).
 * F6 sarah online budget 10000: initial 05-15, won 05-16 (10000); follow-ups
 *    05-15 meeting (next 05-16), 05-16 meeting (next 05-20).
 * Reports run on 2024-06-30.
 */
static const char *fixture(void)
{
	const char *b = e2e_book();
	e2e_run r = e2e_sh(
		b,
		"set -e; c() { d=$1; shift; CRM_TODAY=$d \"$CRM_BIN\" \"$@\" >/dev/null; }\n"
		"c 2024-01-10 add 云栖智能 --id A1 --kind company --source trade-show "
		"  --set company.industry=智能制造 --set needs.budget.max=200000\n"
		"c 2024-01-12 follow A1 --via phone --summary 介绍 --result progressed --next-date 2024-01-15\n"
		"c 2024-01-15 follow A1 --via visit --summary 拜访 --result progressed --next-date 2024-01-25\n"
		"c 2024-01-20 stage A1 needs\n"
		"c 2024-01-30 follow A1 --via phone --by li --summary 回访 --result no-change --next-date 2024-02-05\n"
		"c 2024-02-01 stage A1 proposal\n"
		"c 2024-03-01 stage A1 won --amount 100000\n"
		"c 2024-02-01 add Beta --id B2 --kind company --source online --set company.industry=智能制造\n"
		"c 2024-02-11 stage B2 negotiation\n"
		"c 2024-02-21 stage B2 won --amount 50000\n"
		"c 2024-03-01 add 'C & <零售>' --id C3 --kind company --source online --owner li "
		"  --set company.industry=零售 --set needs.budget.max=80000\n"
		"c 2024-03-02 follow C3 --via email --by li --summary 邮件 --next-date 2024-03-04\n"
		"c 2024-03-03 follow C3 --via phone --by li --summary 电话 --result setback --next-date 2024-03-10\n"
		"c 2024-03-05 stage C3 needs\n"
		"c 2024-03-20 stage C3 lost --reason 价格\n"
		"c 2024-04-01 add Delta --id D4 --kind company --source referral --owner li "
		"  --set needs.budget.max=30000\n"
		"c 2024-04-05 follow D4 --via phone --by li --summary a --result no-response --next-date 2024-04-10\n"
		"c 2024-04-11 stage D4 proposal\n"
		"c 2024-04-20 follow D4 --via phone --by li --summary b --result progressed --next-date 2024-06-01\n"
		"c 2024-05-01 add 王先生 --id E5 --kind person --source referral --owner sarah\n"
		"c 2024-06-28 follow E5 --via im --by sarah --summary c --result progressed --next-date 2024-07-05\n"
		"c 2024-05-15 add Foxtrot --id F6 --kind company --source online --owner sarah "
		"  --set needs.budget.max=10000\n"
		"c 2024-05-15 follow F6 --via meeting --by sarah --summary d --result progressed --next-date 2024-05-16\n"
		"c 2024-05-16 follow F6 --via meeting --by sarah --summary e --result progressed --next-date 2024-05-20\n"
		"c 2024-05-16 stage F6 won --amount 10000\n");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	setenv("CRM_TODAY", "2024-06-30", 1);
	return b;
}

/*
 * Run `crm report ARGS --json` in b and a Python expression over its output
 * (as d); the expression must be true. The JSON is shown when it is not.
 */
static void check(const char *b, const char *args, const char *expr)
{
	e2e_run r = e2e_sh(b,
			   "\"$CRM_BIN\" report %s --json > out.json && python3 -c '"
			   "import json, sys\n"
			   "d = json.load(open(\"out.json\"))\n"
			   "print(\"ok\" if (%s) else json.dumps(d, ensure_ascii=False))' ",
			   args, expr);
	cr_assert_eq(r.code, 0, "report %s: %s\n%s", args, r.out, r.err);
	cr_expect_str_eq(r.out, "ok\n", "report %s --json: (%s) is false for\n%s", args, expr, r.out);
	e2e_run_free(&r);
}

Test(report, funnel_json, .timeout = 120)
{
	const char *b = fixture();
	check(b, "funnel",
	      "[s[\"stage\"] for s in d[\"stages\"]] == [\"initial\", \"needs\", \"proposal\", \"negotiation\", \"won\"]"
	      " and [s[\"reached\"] for s in d[\"stages\"]] == [6, 5, 4, 3, 3]"
	      " and [s[\"current\"] for s in d[\"stages\"]] == [1, 0, 1, 0, 3]"
	      " and [s[\"median_days\"] for s in d[\"stages\"]] == [10, 13.5, 29, 10, None]"
	      " and [(c[\"from\"], c[\"to\"], c[\"rate\"]) for c in d[\"conversion\"]] =="
	      " [(\"initial\", \"needs\", 5/6), (\"needs\", \"proposal\", 4/5),"
	      " (\"proposal\", \"negotiation\", 3/4), (\"negotiation\", \"won\", 1)]"
	      " and (d[\"won\"], d[\"lost\"], d[\"win_rate\"]) == (3, 1, 0.75)");
	/* since March: C3 D4 E5 F6; F6 skipped to won */
	check(b, "funnel --since 2024-03-01",
	      "[s[\"reached\"] for s in d[\"stages\"]] == [4, 3, 2, 1, 1] and d[\"win_rate\"] == 0.5");
	/* li: C3 lost after needs, D4 in proposal: a win rate of 0, a conversion of null */
	check(b, "funnel --owner li",
	      "[s[\"reached\"] for s in d[\"stages\"]] == [2, 2, 1, 0, 0] and d[\"win_rate\"] == 0"
	      " and d[\"conversion\"][3][\"rate\"] is None and d[\"stages\"][0][\"median_days\"] == 7");
	check(b, "funnel --since 2024-02-01 --until 2024-03-01",
	      "d[\"stages\"][0][\"reached\"] == 2");
	check(b, "funnel --since 2025-01-01",
	      "d[\"win_rate\"] is None and all(c[\"rate\"] is None for c in d[\"conversion\"])");
}

Test(report, sources_json, .timeout = 120)
{
	const char *b = fixture();
	check(b, "sources",
	      "d[\"sources\"] == ["
	      "{\"source\": \"online\", \"customers\": 3, \"won\": 2, \"lost\": 1, \"win_rate\": 2/3,"
	      " \"conversion\": 2/3, \"won_amount\": 60000},"
	      "{\"source\": \"referral\", \"customers\": 2, \"won\": 0, \"lost\": 0, \"win_rate\": None,"
	      " \"conversion\": 0, \"won_amount\": 0},"
	      "{\"source\": \"trade-show\", \"customers\": 1, \"won\": 1, \"lost\": 0, \"win_rate\": 1,"
	      " \"conversion\": 1, \"won_amount\": 100000}]");
	check(b, "sources --owner sarah",
	      "[(s[\"source\"], s[\"customers\"]) for s in d[\"sources\"]] == [(\"online\", 1), (\"referral\", 1)]");
}

Test(report, followups_json, .timeout = 120)
{
	const char *b = fixture();
	check(b, "followups",
	      "d[\"by_rep\"] == ["
	      "{\"rep\": \"li\", \"followups\": 5, \"with_result\": 4, \"progressed\": 1, \"success_rate\": 0.25,"
	      " \"on_time_rate\": 0.2, \"open\": 1, \"overdue\": 1},"
	      "{\"rep\": \"ming\", \"followups\": 2, \"with_result\": 2, \"progressed\": 2, \"success_rate\": 1,"
	      " \"on_time_rate\": 0.5, \"open\": 0, \"overdue\": 0},"
	      "{\"rep\": \"sarah\", \"followups\": 3, \"with_result\": 3, \"progressed\": 3, \"success_rate\": 1,"
	      " \"on_time_rate\": 0.5, \"open\": 1, \"overdue\": 0}]"
	      " and d[\"by_via\"] == ["
	      "{\"via\": \"email\", \"followups\": 1, \"success_rate\": None},"
	      "{\"via\": \"im\", \"followups\": 1, \"success_rate\": 1},"
	      "{\"via\": \"meeting\", \"followups\": 2, \"success_rate\": 1},"
	      "{\"via\": \"phone\", \"followups\": 5, \"success_rate\": 0.4},"
	      "{\"via\": \"visit\", \"followups\": 1, \"success_rate\": 1}]");
	/* follow-ups by date: until February only A1's three */
	check(b, "followups --until 2024-02-28",
	      "[(p[\"rep\"], p[\"followups\"], p[\"open\"]) for p in d[\"by_rep\"]] == [(\"li\", 1, 0), (\"ming\", 2, 0)]");
	/* --owner: the follow-ups that rep wrote, whoever owns the customer */
	check(b, "followups --owner li",
	      "[(p[\"rep\"], p[\"followups\"]) for p in d[\"by_rep\"]] == [(\"li\", 5)]");
}

Test(report, value_and_owners_json, .timeout = 120)
{
	const char *b = fixture();
	check(b, "value",
	      "d[\"abc\"] == {\"A\": [\"A1\"], \"B\": [\"B2\"], \"C\": [\"F6\"]}"
	      " and d[\"by_industry\"] == ["
	      "{\"key\": \"智能制造\", \"customers\": 2, \"won\": 2, \"won_amount\": 150000, \"budget_max\": 200000},"
	      "{\"key\": None, \"customers\": 3, \"won\": 1, \"won_amount\": 10000, \"budget_max\": 40000},"
	      "{\"key\": \"零售\", \"customers\": 1, \"won\": 0, \"won_amount\": 0, \"budget_max\": 80000}]"
	      " and [x[\"key\"] for x in d[\"by_owner\"]] == [\"ming\", \"sarah\", \"li\"]"
	      " and [x[\"key\"] for x in d[\"by_source\"]] == [\"trade-show\", \"online\", \"referral\"]"
	      " and [(t[\"id\"], t[\"won_amount\"], t[\"budget_max\"]) for t in d[\"top\"]] =="
	      " [(\"A1\", 100000, 200000), (\"B2\", 50000, None), (\"F6\", 10000, 10000),"
	      " (\"C3\", 0, 80000), (\"D4\", 0, 30000)]"
	      " and d[\"top\"][3][\"name\"] == \"C & <零售>\"");
	check(b, "value --until 2024-02-01", "d[\"abc\"] == {\"A\": [\"A1\"], \"B\": [], \"C\": [\"B2\"]}");
	check(b, "owners",
	      "d[\"owners\"] == ["
	      "{\"owner\": \"li\", \"customers\": 2, \"stages\": {\"initial\": 0, \"needs\": 0, \"proposal\": 1,"
	      " \"negotiation\": 0, \"won\": 0, \"lost\": 1}, \"won_amount\": 0, \"overdue\": 1},"
	      "{\"owner\": \"ming\", \"customers\": 2, \"stages\": {\"initial\": 0, \"needs\": 0, \"proposal\": 0,"
	      " \"negotiation\": 0, \"won\": 2, \"lost\": 0}, \"won_amount\": 150000, \"overdue\": 0},"
	      "{\"owner\": \"sarah\", \"customers\": 2, \"stages\": {\"initial\": 1, \"needs\": 0, \"proposal\": 0,"
	      " \"negotiation\": 0, \"won\": 1, \"lost\": 0}, \"won_amount\": 10000, \"overdue\": 0}]");
	check(b, "owners --owner ming", "[w[\"owner\"] for w in d[\"owners\"]] == [\"ming\"]");
	/* without NAME, all five, keyed by name */
	check(b, "", "sorted(d) == [\"followups\", \"funnel\", \"owners\", \"sources\", \"value\"]"
		     " and d[\"funnel\"][\"won\"] == 3");
}

/* The report sees a hand edit that nobody committed: it reads the index, refreshed. */
Test(report, sees_hand_edits, .timeout = 120)
{
	const char *b = fixture();
	check(b, "funnel", "d[\"won\"] == 3");
	e2e_run r = e2e_sh(b, "f=$(find customers -name D4.yaml) && "
			      "sed -i 's/^stage: proposal/stage: won/; s/^followups:/deal: {amount: 5, signed: 2024-05-01}\\nfollowups:/' $f");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	check(b, "funnel", "d[\"won\"] == 4");
}

/* Text: a title, then columns aligned by display width, labels in the book's language. */
Test(report, text_tables_aligned, .timeout = 120)
{
	const char *b = fixture();
	e2e_run r = e2e_crmv(b, "--lang", "zh", "report", "funnel", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "销售漏斗\n");
	e2e_assert_has(r.out, "初步接触");
	e2e_assert_has(r.out, "83.3%");
	e2e_assert_has(r.out, "赢单率 75.0%");
	e2e_run_free(&r);
	/* every row of the sources table ends its number columns at the same display column */
	r = e2e_sh(b, "\"$CRM_BIN\" --lang zh report sources | python3 -c '"
		      "import sys, unicodedata\n"
		      "w = lambda s: sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1 for c in s)\n"
		      "lines = sys.stdin.read().splitlines()[1:]\n"
		      "print(len(lines), len(set(w(l) for l in lines)), lines[1].split()[0])'");
	e2e_assert_code(r, 0);
	cr_expect_str_eq(r.out, "4 1 线上推广\n", "%s", r.out);
	e2e_run_free(&r);
	r = e2e_crmv(b, "--lang", "en", "report", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "Funnel\n");
	e2e_assert_has(r.out, "Owners' pipelines\n");
	e2e_assert_has(r.out, "Top customers\n");
	e2e_run_free(&r);
}

Test(report, command_line_errors, .timeout = 60)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "report", "funel", NULL);
	e2e_assert_code(r, 2);
	e2e_assert_has(r.err, "crm: error: no report 'funel'");
	e2e_run_free(&r);
	r = e2e_crmv(b, "report", "--since", "2024-02-30", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "report", "--since", "2024-05-01", "--until", "2024-04-01", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "report", "--owner", "mnig", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "did you mean 'ming'");
	e2e_run_free(&r);
	/* an empty book: rates are null, not 0 and not a crash */
	r = e2e_crmv(b, "report", "sources", "--json", NULL);
	e2e_assert_code(r, 0);
	cr_expect_str_eq(r.out, "{\n  \"sources\": []\n}\n");
	e2e_run_free(&r);
	/* --html - writes the page to standard output; with --json, the page to
	 * the file and the JSON of NAME to standard output */
	r = e2e_crmv(b, "report", "--html", "-", NULL);
	e2e_assert_code(r, 0);
	cr_expect(!strncmp(r.out, "<!DOCTYPE html>\n", 16), "%s", r.out);
	e2e_run_free(&r);
	r = e2e_crmv(b, "report", "funnel", "--html", "p.html", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "\"win_rate\": null");
	e2e_assert_hasnt(r.out, "<html");
	char *p = e2e_read("book/p.html");
	cr_assert_not_null(p);
	e2e_assert_has(p, "id=\"chart-owners\"");
	free(p);
	e2e_run_free(&r);
	r = e2e_crmv(b, "report", "--html", "crm.yaml/x.html", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm: error: cannot write the page");
	e2e_run_free(&r);
}

/*
 * The page in a real browser: Chromium renders it, its DOM holds the numbers
 * of --json and one bar per value, and the screenshot is not blank. A
 * browser that does not start fails the test.
 */
Test(report, html_in_chromium)
{
	const char *b = fixture();
	e2e_run r = e2e_crmv(b, "--lang", "zh", "report", "--html", "page.html", NULL);
	e2e_assert_code(r, 0);
	cr_expect_str_eq(r.out, "");
	e2e_run_free(&r);
	char *page = e2e_read("book/page.html");
	cr_assert_not_null(page);
	/* self-contained: nothing fetched, no script; records' text escaped; CJK fonts named */
	e2e_assert_hasnt(page, "<script");
	e2e_assert_hasnt(page, "src=");
	e2e_assert_hasnt(page, "href=");
	e2e_assert_hasnt(page, "url(");
	e2e_assert_hasnt(page, "@import");
	e2e_assert_has(page, "C &amp; &lt;零售&gt;");
	e2e_assert_hasnt(page, "<零售>");
	e2e_assert_has(page, "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\","
			     "\"Microsoft YaHei\",\"WenQuanYi Micro Hei\"");
	e2e_assert_has(page, "@media print");
	e2e_assert_has(page, "size:A4");
	e2e_assert_has(page, "销售漏斗");
	free(page);

	r = e2e_sh(b, "\"$CRM_BIN\" report --json > all.json && "
		      "timeout 240 chromium --headless --no-sandbox --disable-gpu --no-first-run "
		      "--user-data-dir=\"$PWD/.chromium\" --dump-dom \"file://$PWD/page.html\" "
		      "> dom.html 2>chromium.log && "
		      "python3 \"$CRM_SRC/tests/e2e/report_page.py\" dom.html all.json");
	cr_assert_eq(r.code, 0, "chromium or the check failed (%d):\n%s\n%s", r.code, r.out, r.err);
	cr_expect_str_eq(r.out, "ok\n");
	e2e_run_free(&r);
	/* the DOM is the browser's: parsed, and the Chinese survived as text */
	char *dom = e2e_read("book/dom.html");
	cr_assert_not_null(dom);
	e2e_assert_has(dom, "<svg class=\"chart\" id=\"chart-funnel\"");
	e2e_assert_has(dom, "初步接触");
	free(dom);

	r = e2e_sh(b, "timeout 240 chromium --headless --no-sandbox --disable-gpu --no-first-run "
		      "--user-data-dir=\"$PWD/.chromium\" --window-size=1200,2000 "
		      "--screenshot=\"$PWD/shot.png\" \"file://$PWD/page.html\" 2>chromium.log && "
		      "python3 \"$CRM_SRC/tests/e2e/report_page.py\" --png shot.png");
	cr_assert_eq(r.code, 0, "chromium screenshot failed (%d):\n%s\n%s", r.code, r.out, r.err);
	/* white page, black text, the bars' blues and the orange: many colours */
	cr_expect(atoi(r.out) > 20, "only %s colours in the screenshot", r.out);
	e2e_run_free(&r);
}
