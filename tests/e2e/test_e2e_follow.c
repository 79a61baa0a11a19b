/* crm follow: the follow-up as written, its defaults, its refusals, and two writers at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(follow, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* Add a customer first contacted on 2024-05-01; returns nothing (its id is 2024050NN). */
static void add(const char *b, const char *name, const char *owner)
{
	e2e_run r = e2e_crmv(b, "add", name, "--kind", "company", "--source", "trade-show", "--owner",
			     owner, "--set", "first_contact.date=2024-05-01", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

static char *record_text(const char *b, const char *id)
{
	char *p = e2e_record_path(b, id);
	cr_assert_not_null(p, "no record %s", id);
	char *t = e2e_read(p);
	free(p);
	return t;
}

/* The text of the last follow-up: from the last "  - date:" to the end. */
static const char *last_followup(const char *text)
{
	const char *at = NULL;
	for (const char *p = text; (p = strstr(p, "\n  - date: ")); p++)
		at = p + 1;
	cr_assert_not_null(at, "no follow-up in:\n%s", text);
	return at;
}

Test(follow, due_date_from_each_priority)
{
	const char *b = e2e_book();
	add(b, "科技有限公司", "ming");
	const char *prio[] = {"high", "medium", "low", NULL};
	const char *want[] = {"next: {date: 2024-05-23, action: '', by: ming}",
			      "next: {date: 2024-05-27, action: '', by: ming}",
			      "next: {date: 2024-06-03, action: '', by: ming}",
			      "next: {date: 2024-05-27, action: '', by: ming}"};
	for (int i = 0; i < 4; i++) {
		e2e_run r = prio[i] ? e2e_crmv(b, "follow", "202405001", "--via", "phone", "--summary",
					       "call", "--priority", prio[i], NULL)
				    : e2e_crmv(b, "follow", "202405001", "--via", "phone", "--summary",
					       "call", NULL);
		e2e_assert_code(r, 0);
		e2e_run_free(&r);
		char *t = record_text(b, "202405001");
		const char *f = last_followup(t);
		e2e_assert_has(f, want[i]);
		e2e_assert_has(f, prio[i] ? prio[i] : "priority: medium");
		free(t);
	}
	/* the next date counts from the follow-up's date, not from today */
	e2e_run r = e2e_crmv(b, "follow", "202405001", "--via", "email", "--summary", "mail", "--date",
			     "2024-05-10", "--priority", "high", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "2024-05-13");
	e2e_assert_has(r.out, "overdue by 7 days");
	e2e_run_free(&r);
	char *t = record_text(b, "202405001");
	e2e_assert_has(last_followup(t), "next: {date: 2024-05-13, action: '', by: ming}");
	free(t);
}

Test(follow, due_date_from_the_books_priorities)
{
	const char *b = e2e_book();
	e2e_run r = e2e_sh(b, "sed -i 's/^priorities:.*/priorities: {high: 1, medium: 2, low: 30}/' "
			      "crm.yaml && git commit -qm days crm.yaml");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	add(b, "Acme", "ming");
	const char *prio[] = {"high", "medium", "low"};
	const char *want[] = {"2024-05-21", "2024-05-22", "2024-06-19"};
	for (int i = 0; i < 3; i++) {
		r = e2e_crmv(b, "follow", "Acme", "--via", "im", "--summary", "ping", "--priority",
			     prio[i], NULL);
		e2e_assert_code(r, 0);
		e2e_run_free(&r);
		char *t = record_text(b, "202405001");
		char want_next[80];
		snprintf(want_next, sizeof want_next, "next: {date: %s,", want[i]);
		e2e_assert_has(last_followup(t), want_next);
		free(t);
	}
}

Test(follow, writes_every_field_and_only_adds_lines)
{
	const char *b = e2e_book();
	add(b, "科技有限公司", "li");
	/* a hand-written comment in the middle and at the end must survive */
	char *p = e2e_record_path(b, "202405001");
	const char *rel = strstr(p, "customers/");
	e2e_run r = e2e_sh(b, "sed -i 's/^stage: initial$/stage: initial   # 刚认识/' '%s' && "
			      "printf '# 备注: keep me\\n' >> '%s' && git commit -qam 'hand edit'", rel, rel);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	int commits = e2e_commits(b);
	r = e2e_crmv(b, "follow", "202405001", "--via", "电话沟通", "--summary", "介绍智能仓储系统A",
		     "--feedback", "需提供3家同类企业应用案例", "--result", "有进展", "--priority", "high",
		     "--next", "发送案例资料", "--date", "2024-05-18", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "发送案例资料");
	e2e_assert_has(r.out, "2024-05-21");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), commits + 1);
	char *after = e2e_read(p);
	e2e_assert_has(after, "\nstage_history:\n  - {stage: initial, date: 2024-05-01}\n"
			      "followups:\n"
			      "  - date: 2024-05-18\n"
			      "    via: phone\n"
			      "    by: ming\n"
			      "    summary: 介绍智能仓储系统A\n"
			      "    feedback: 需提供3家同类企业应用案例\n"
			      "    result: progressed\n"
			      "    priority: high\n"
			      "    next: {date: 2024-05-21, action: 发送案例资料, by: li}\n");
	e2e_assert_has(after, "stage: initial   # 刚认识\n");
	e2e_assert_has(after, "# 备注: keep me\n");
	/* the commit only adds lines; its message says what happened */
	r = e2e_sh(b, "git show --numstat --format=%%s HEAD");
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "follow 202405001 phone: 介绍智能仓储系统A\n");
	char want[300];
	snprintf(want, sizeof want, "9\t0\t%s", rel);
	e2e_assert_has(r.out, want);
	e2e_run_free(&r);
	/* a second one goes after the first, still only added lines */
	r = e2e_crmv(b, "follow", "202405001", "--via", "email", "--summary", "案例已发送", "--by", "sarah",
		     "--next-by", "ming", "--next-date", "+3d", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh(b, "git show --numstat --format= HEAD");
	e2e_assert_has(r.out, "6\t0\t");
	e2e_run_free(&r);
	char *t = e2e_read(p);
	e2e_assert_has(last_followup(t), "  - date: 2024-05-20\n    via: email\n    by: sarah\n"
					 "    summary: 案例已发送\n    priority: medium\n"
					 "    next: {date: 2024-05-23, action: '', by: ming}\n");
	free(t);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	free(after);
	free(p);
}

/* Run `crm follow` with these extra args; assert the code and that nothing was written. */
static void refused(const char *b, int code, const char *err, const char *a1, const char *a2)
{
	char *p = e2e_record_path(b, "202405001");
	char *before = e2e_read(p);
	int commits = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "follow", "202405001", "--via", "phone", "--summary", "s", a1, a2, NULL);
	e2e_assert_code(r, code);
	e2e_assert_has(r.err, err);
	e2e_run_free(&r);
	char *after = e2e_read(p);
	cr_assert_str_eq(after, before, "the record changed");
	cr_assert_eq(e2e_commits(b), commits);
	r = e2e_sh(b, "git status --porcelain");
	cr_assert_str_eq(r.out, "");
	e2e_run_free(&r);
	free(before);
	free(after);
	free(p);
}

Test(follow, refusals_write_nothing)
{
	const char *b = e2e_book();
	add(b, "Acme", "ming");
	refused(b, 1, "future", "--date", "tomorrow");
	refused(b, 1, "future", "--date", "2024-05-21");
	refused(b, 1, "did you mean 'phone'", "--via", "phnoe");
	refused(b, 1, "'great' is not one of", "--result", "great");
	refused(b, 1, "is not one of high, medium, low", "--priority", "urgent");
	refused(b, 1, "not in the team", "--by", "bob");
	refused(b, 1, "did you mean 'sarah'", "--next-by", "sarha");
	refused(b, 2, "2024-02-30", "--date", "2024-02-30");
	refused(b, 2, "--next-date", "--next-date", "soon");
	refused(b, 2, "unknown option", "--colour", "red");
	e2e_run r = e2e_crmv(b, "follow", "Acme", "--summary", "no via", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "follow", "Nobody", "--via", "phone", "--summary", "x", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
}

Test(follow, labels_turn_into_codes)
{
	const char *b = e2e_book();
	add(b, "Acme", "ming");
	e2e_run r = e2e_crmv(b, "follow", "Acme", "--via", "上门拜访", "--summary", "visit", "--result",
			     "No response", "--priority", "低", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *t = record_text(b, "202405001");
	const char *f = last_followup(t);
	e2e_assert_has(f, "via: onsite\n");
	e2e_assert_has(f, "result: no-response\n");
	e2e_assert_has(f, "priority: low\n");
	e2e_assert_has(f, "next: {date: 2024-06-03,");
	free(t);
}

Test(follow, lost_customer_gets_a_note_and_no_open_next_action)
{
	const char *b = e2e_book();
	add(b, "Acme", "ming");
	e2e_run r = e2e_crmv(b, "stage", "Acme", "lost", "--reason", "budget cut", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "still no budget", "--next",
		     "ask again", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "no open next action");
	e2e_assert_hasnt(r.out, "due in");
	e2e_run_free(&r);
	/* the follow-up and its next are written all the same */
	char *t = record_text(b, "202405001");
	e2e_assert_has(last_followup(t), "next: {date: 2024-05-27, action: ask again, by: ming}");
	free(t);
	r = e2e_crmv(b, "list", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "\"next\": null");
	e2e_run_free(&r);
}

Test(follow, two_writers_at_once_lose_nothing)
{
	const char *b = e2e_book();
	add(b, "Acme", "ming");
	int commits = e2e_commits(b);
	e2e_run r = e2e_sh(b, "w() { i=1; while [ $i -le 100 ]; do "
			      "\"$CRM_BIN\" follow 202405001 --via phone --summary \"$1 $i\" >/dev/null "
			      "|| exit 1; i=$((i+1)); done; }; "
			      "w A & a=$!; w B & c=$!; wait $a && wait $c");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), commits + 200);
	char *t = record_text(b, "202405001");
	int n = 0;
	for (const char *p = t; (p = strstr(p, "\n  - date: ")); p++)
		n++;
	cr_assert_eq(n, 200);
	e2e_assert_has(t, "summary: A 100\n");
	e2e_assert_has(t, "summary: B 100\n");
	free(t);
	r = e2e_sh(b, "git fsck --strict 2>&1 && git status --porcelain");
	e2e_assert_code(r, 0);
	e2e_assert_hasnt(r.out, "error");
	e2e_assert_hasnt(r.out, "customers/");
	e2e_run_free(&r);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}
