/*
 * Reports over an in-memory database with the tables of SPEC §8 and a
 * fixture of six customers whose answers were worked out by hand (see the
 * comments at each test). Today is 2024-06-30.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/json.h"
#include "crm/report.h"
#include "crm/utf8.h"

static sqlite3 *db;

static const char ddl[] =
	"CREATE TABLE customers(id PRIMARY KEY, path, name, kind, source, owner, stage,"
	" first_contact, first_contact_by, industry, size, budget_min, budget_max, deadline,"
	" deal_amount, deal_signed, contract_end, lost_reason, next_date, next_action, next_by,"
	" next_priority, last_followup, followups, valid);"
	"CREATE TABLE tags(id, tag);"
	"CREATE TABLE contacts(id, seq, name, title, phone, email, birthday, role);"
	"CREATE TABLE decision_chain(id, seq, name, title, role);"
	"CREATE TABLE followups(id, seq, date, via, by, summary, feedback, result, priority,"
	" next_date, next_action, next_by);"
	"CREATE TABLE stages(id, seq, stage, date);"
	"CREATE TABLE dates(id, seq, label, date, yearly);";

static void exec(const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, err ? err : "");
}

static void empty_db(void)
{
	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	exec(ddl);
}

/*
 * c1 A公司  trade-show ming  won   2024-01-10 制造 200-500 budget 200000 deal 100000
 *    history initial 01-10, needs 01-20, proposal 02-01, won 03-01
 * c2 B      online     ming  won   2024-02-01 制造        budget -      deal 50000
 *    history initial 02-01, negotiation 02-11, won 02-21 (needs, proposal skipped)
 * c3 C      online     li    lost  2024-03-01 零售        budget 80000
 *    history initial 03-01, needs 03-05, lost 03-20
 * c4 D      referral   li    proposal 2024-04-01          budget 30000, next 06-01 by li
 *    history initial 04-01, proposal 04-11
 * c5 E      referral   sarah initial  2024-05-01, next 07-05 by sarah
 * c6 F      online     sarah won   2024-05-15 budget 10000 deal 10000
 *    history initial 05-15, won 05-16
 */
static void fixture_db(void)
{
	empty_db();
	exec("INSERT INTO customers(id, name, source, owner, stage, first_contact, industry, size,"
	     " budget_max, deal_amount, next_date, next_by) VALUES"
	     " ('c1', 'A公司', 'trade-show', 'ming', 'won', '2024-01-10', '制造', '200-500', 200000, 100000, NULL, NULL),"
	     " ('c2', 'B', 'online', 'ming', 'won', '2024-02-01', '制造', NULL, NULL, 50000, NULL, NULL),"
	     " ('c3', 'C', 'online', 'li', 'lost', '2024-03-01', '零售', NULL, 80000, NULL, NULL, NULL),"
	     " ('c4', 'D', 'referral', 'li', 'proposal', '2024-04-01', NULL, NULL, 30000, NULL, '2024-06-01', 'li'),"
	     " ('c5', 'E', 'referral', 'sarah', 'initial', '2024-05-01', NULL, NULL, NULL, NULL, '2024-07-05', 'sarah'),"
	     " ('c6', 'F', 'online', 'sarah', 'won', '2024-05-15', NULL, NULL, 10000, 10000, NULL, NULL);");
	exec("INSERT INTO stages VALUES"
	     " ('c1', 0, 'initial', '2024-01-10'), ('c1', 1, 'needs', '2024-01-20'),"
	     " ('c1', 2, 'proposal', '2024-02-01'), ('c1', 3, 'won', '2024-03-01'),"
	     " ('c2', 0, 'initial', '2024-02-01'), ('c2', 1, 'negotiation', '2024-02-11'),"
	     " ('c2', 2, 'won', '2024-02-21'),"
	     " ('c3', 0, 'initial', '2024-03-01'), ('c3', 1, 'needs', '2024-03-05'),"
	     " ('c3', 2, 'lost', '2024-03-20'),"
	     " ('c4', 0, 'initial', '2024-04-01'), ('c4', 1, 'proposal', '2024-04-11'),"
	     " ('c5', 0, 'initial', '2024-05-01'),"
	     " ('c6', 0, 'initial', '2024-05-15'), ('c6', 1, 'won', '2024-05-16');");
	/* c4's list is out of date order on purpose: seq 1 comes first by date */
	exec("INSERT INTO followups(id, seq, date, via, by, result, next_date) VALUES"
	     " ('c1', 0, '2024-01-12', 'phone', 'ming', 'progressed', '2024-01-15'),"
	     " ('c1', 1, '2024-01-15', 'visit', 'ming', 'progressed', '2024-01-25'),"
	     " ('c1', 2, '2024-01-30', 'phone', 'li', 'no-change', '2024-02-05'),"
	     " ('c3', 0, '2024-03-02', 'email', 'li', NULL, '2024-03-04'),"
	     " ('c3', 1, '2024-03-03', 'phone', 'li', 'setback', NULL),"
	     " ('c4', 0, '2024-04-20', 'phone', 'li', 'progressed', '2024-06-01'),"
	     " ('c4', 1, '2024-04-05', 'phone', 'li', 'no-response', '2024-04-10'),"
	     " ('c5', 0, '2024-06-28', 'im', 'sarah', 'progressed', '2024-07-05'),"
	     " ('c6', 0, '2024-05-15', 'meeting', 'sarah', 'progressed', '2024-05-16'),"
	     " ('c6', 1, '2024-05-16', 'meeting', 'sarah', 'progressed', '2024-05-20');");
}

static void close_db(void)
{
	sqlite3_close(db);
	db = NULL;
}

TestSuite(report, .fini = close_db);

static crm_report *run(const char *since, const char *until, const char *owner, unsigned which)
{
	crm_report_opts o = {since, until, owner, "2024-06-30"};
	crm_report *r = NULL;
	int rc = crm_report_compute(&r, db, &o, which);
	cr_assert_eq(rc, 0);
	cr_assert_not_null(r);
	return r;
}

#define RATIO(r, n, d)                                                            \
	do {                                                                      \
		cr_expect_eq((r).num, (n), "num %ld, want %d", (r).num, (n));     \
		cr_expect_eq((r).den, (d), "den %ld, want %d", (r).den, (d));     \
	} while (0)

static void expect_stage(const crm_report *r, int i, long reached, long current, double median)
{
	const crm_report_stage *s = &r->funnel.stages[i];
	cr_expect_eq(s->reached, reached, "%s reached %ld, want %ld", crm_funnel_stage[i], s->reached,
		     reached);
	cr_expect_eq(s->current, current, "%s current %ld, want %ld", crm_funnel_stage[i],
		     s->current, current);
	if (isnan(median)) {
		cr_expect(!s->has_median, "%s has a median", crm_funnel_stage[i]);
	} else {
		cr_expect(s->has_median, "%s has no median", crm_funnel_stage[i]);
		cr_expect(s->median_days == median, "%s median %g, want %g", crm_funnel_stage[i],
			  s->median_days, median);
	}
}

/*
 * reached: every customer reached initial (6); needs: all but c5 (c2 skipped
 * it, c3 lost after it) 5; proposal: c1 c2 c4 c6 4; negotiation: c1 c2 c6 3;
 * won 3. Completed stays: initial 10,10,4,10,1 -> 10; needs 12,15 -> 13.5;
 * proposal 29 (February 2024 has 29 days); negotiation 10; won none.
 */
Test(report, funnel_by_hand)
{
	fixture_db();
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_FUNNEL);
	expect_stage(r, 0, 6, 1, 10);
	expect_stage(r, 1, 5, 0, 13.5);
	expect_stage(r, 2, 4, 1, 29);
	expect_stage(r, 3, 3, 0, 10);
	expect_stage(r, 4, 3, 3, NAN);
	RATIO(r->funnel.conversion[0], 5, 6);
	RATIO(r->funnel.conversion[1], 4, 5);
	RATIO(r->funnel.conversion[2], 3, 4);
	RATIO(r->funnel.conversion[3], 3, 3);
	cr_expect_eq(r->funnel.won, 3);
	cr_expect_eq(r->funnel.lost, 1);
	RATIO(r->funnel.win_rate, 3, 4);
	cr_expect_eq(r->nsources, 0, "only the funnel was asked for");
	crm_report_free(r);
}

/* Since March: c3..c6; c6 went straight to won, so it passed needs..negotiation. */
Test(report, funnel_since)
{
	fixture_db();
	crm_report *r = run("2024-03-01", NULL, NULL, CRM_REPORT_FUNNEL);
	expect_stage(r, 0, 4, 1, 4); /* stays 4 (c3), 10 (c4), 1 (c6): median 4 */
	expect_stage(r, 1, 3, 0, 15);
	expect_stage(r, 2, 2, 1, NAN);
	expect_stage(r, 3, 1, 0, NAN);
	expect_stage(r, 4, 1, 1, NAN);
	RATIO(r->funnel.win_rate, 1, 2);
	crm_report_free(r);
}

/* li owns c3 (lost after needs) and c4 (in proposal): no win, a win rate of 0, not null. */
Test(report, funnel_owner)
{
	fixture_db();
	crm_report *r = run(NULL, NULL, "li", CRM_REPORT_FUNNEL);
	expect_stage(r, 0, 2, 0, 7); /* stays 4 and 10 */
	expect_stage(r, 1, 2, 0, 15);
	expect_stage(r, 2, 1, 1, NAN);
	expect_stage(r, 3, 0, 0, NAN);
	RATIO(r->funnel.conversion[3], 0, 0);
	RATIO(r->funnel.win_rate, 0, 1);
	crm_report_free(r);
}

Test(report, funnel_until_bounds_inclusive)
{
	fixture_db();
	crm_report *r = run("2024-02-01", "2024-03-01", NULL, CRM_REPORT_FUNNEL);
	expect_stage(r, 0, 2, 0, 7); /* c2 and c3, both on a bound: stays 10 and 4 */
	crm_report_free(r);
}

Test(report, empty_book_rates_null)
{
	empty_db();
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_ALL);
	for (int i = 0; i < CRM_FUNNEL_STAGES; i++)
		expect_stage(r, i, 0, 0, NAN);
	for (int i = 0; i + 1 < CRM_FUNNEL_STAGES; i++)
		RATIO(r->funnel.conversion[i], 0, 0);
	RATIO(r->funnel.win_rate, 0, 0);
	cr_expect_eq(r->nsources + r->nreps + r->nvias + r->nabc + r->ntop + r->nowners, 0);
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, false);
	crm_report_json(&j, r);
	cr_expect_str_eq(
		crm_buf_cstr(&b),
		"{\"funnel\":{\"stages\":[{\"stage\":\"initial\",\"reached\":0,\"current\":0,\"median_days\":null},"
		"{\"stage\":\"needs\",\"reached\":0,\"current\":0,\"median_days\":null},"
		"{\"stage\":\"proposal\",\"reached\":0,\"current\":0,\"median_days\":null},"
		"{\"stage\":\"negotiation\",\"reached\":0,\"current\":0,\"median_days\":null},"
		"{\"stage\":\"won\",\"reached\":0,\"current\":0,\"median_days\":null}],"
		"\"conversion\":[{\"from\":\"initial\",\"to\":\"needs\",\"rate\":null},"
		"{\"from\":\"needs\",\"to\":\"proposal\",\"rate\":null},"
		"{\"from\":\"proposal\",\"to\":\"negotiation\",\"rate\":null},"
		"{\"from\":\"negotiation\",\"to\":\"won\",\"rate\":null}],"
		"\"won\":0,\"lost\":0,\"win_rate\":null},"
		"\"sources\":{\"sources\":[]},"
		"\"followups\":{\"by_rep\":[],\"by_via\":[]},"
		"\"value\":{\"abc\":{\"A\":[],\"B\":[],\"C\":[]},\"by_industry\":[],\"by_size\":[],"
		"\"by_source\":[],\"by_owner\":[],\"top\":[]},"
		"\"owners\":{\"owners\":[]}}");
	crm_buf_free(&b);
	crm_report_free(r);
}

/* Three customers that never left initial: conversion 0/3, then null. */
Test(report, all_in_one_stage)
{
	empty_db();
	exec("INSERT INTO customers(id, stage, first_contact) VALUES ('a', 'initial', '2024-01-01'),"
	     " ('b', 'initial', '2024-01-02'), ('c', 'initial', '2024-01-03');"
	     "INSERT INTO stages VALUES ('a', 0, 'initial', '2024-01-01'),"
	     " ('b', 0, 'initial', '2024-01-02'), ('c', 0, 'initial', '2024-01-03');");
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_FUNNEL);
	expect_stage(r, 0, 3, 3, NAN);
	expect_stage(r, 1, 0, 0, NAN);
	RATIO(r->funnel.conversion[0], 0, 3);
	RATIO(r->funnel.conversion[1], 0, 0);
	crm_report_free(r);
}

/* A hand-written history out of date order gives no negative stay. */
Test(report, stay_out_of_order_left_out)
{
	empty_db();
	exec("INSERT INTO customers(id, stage, first_contact) VALUES ('a', 'needs', '2024-01-10');"
	     "INSERT INTO stages VALUES ('a', 0, 'initial', '2024-01-10'), ('a', 1, 'needs', '2024-01-05');");
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_FUNNEL);
	expect_stage(r, 0, 1, 0, NAN);
	crm_report_free(r);
}

/* online c2 c3 c6 (2 won: 60000, 1 lost); referral c4 c5; trade-show c1 (100000). */
Test(report, sources_by_hand)
{
	fixture_db();
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_SOURCES);
	cr_assert_eq(r->nsources, 3);
	const crm_report_source *s = r->sources;
	cr_expect_str_eq(s[0].source, "online");
	cr_expect_eq(s[0].customers, 3);
	cr_expect_eq(s[0].won, 2);
	cr_expect_eq(s[0].lost, 1);
	cr_expect_eq(s[0].won_amount, 60000);
	cr_expect_str_eq(s[1].source, "referral");
	cr_expect_eq(s[1].customers, 2);
	cr_expect_eq(s[1].won + s[1].lost, 0);
	cr_expect_eq(s[1].won_amount, 0);
	cr_expect_str_eq(s[2].source, "trade-show");
	cr_expect_eq(s[2].won_amount, 100000);
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, false);
	crm_report_json(&j, r);
	cr_expect_str_eq(crm_buf_cstr(&b),
			 "{\"sources\":[{\"source\":\"online\",\"customers\":3,\"won\":2,\"lost\":1,"
			 "\"win_rate\":0.6666666666666666,\"conversion\":0.6666666666666666,\"won_amount\":60000},"
			 "{\"source\":\"referral\",\"customers\":2,\"won\":0,\"lost\":0,\"win_rate\":null,"
			 "\"conversion\":0,\"won_amount\":0},"
			 "{\"source\":\"trade-show\",\"customers\":1,\"won\":1,\"lost\":0,\"win_rate\":1,"
			 "\"conversion\":1,\"won_amount\":100000}]}");
	crm_buf_free(&b);
	crm_report_free(r);
}

static const crm_report_rep *rep(const crm_report *r, const char *id)
{
	for (size_t i = 0; i < r->nreps; i++)
		if (!strcmp(r->reps[i].rep, id))
			return &r->reps[i];
	cr_assert_fail("no row for rep %s", id);
	return NULL;
}

/*
 * ming: c1#0 on time (next follow-up 01-15 on its date), c1#1 late (01-30
 *   after 01-25): 2 counted, 1 on time; 2 with result, 2 progressed.
 * li: c1#2 late (02-05 passed, nothing after); c3#0 on time (03-03 <= 03-04);
 *   c3#1 has no next date; c4 by date: 04-05 (next 04-10) late since the
 *   next one is 04-20, 04-20 (next 06-01) passed: late. 5 follow-ups, 4 with
 *   a result, 1 progressed, 4 counted, 1 on time; open c4, overdue.
 * sarah: c5#0 next 07-05 not passed and no later one: not counted; c6#0 on
 *   time, c6#1 late (05-20 passed). 3/3 progressed; open c5, not overdue.
 */
Test(report, followups_by_hand)
{
	fixture_db();
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_FOLLOWUPS);
	cr_assert_eq(r->nreps, 3);
	cr_expect_str_eq(r->reps[0].rep, "li");
	const crm_report_rep *p = rep(r, "ming");
	cr_expect_eq(p->followups, 2);
	RATIO(((crm_ratio){p->progressed, p->with_result}), 2, 2);
	RATIO(((crm_ratio){p->on_time, p->counted}), 1, 2);
	cr_expect_eq(p->open + p->overdue, 0);
	p = rep(r, "li");
	cr_expect_eq(p->followups, 5);
	RATIO(((crm_ratio){p->progressed, p->with_result}), 1, 4);
	RATIO(((crm_ratio){p->on_time, p->counted}), 1, 4);
	cr_expect_eq(p->open, 1);
	cr_expect_eq(p->overdue, 1);
	p = rep(r, "sarah");
	cr_expect_eq(p->followups, 3);
	RATIO(((crm_ratio){p->progressed, p->with_result}), 3, 3);
	RATIO(((crm_ratio){p->on_time, p->counted}), 1, 2);
	cr_expect_eq(p->open, 1);
	cr_expect_eq(p->overdue, 0);
	/* by via: email 1 (no result: null), im 1, meeting 2, phone 5 (2 of 5), visit 1 */
	cr_assert_eq(r->nvias, 5);
	static const char *const vias[] = {"email", "im", "meeting", "phone", "visit"};
	static const long n[] = {1, 1, 2, 5, 1}, prog[] = {0, 1, 2, 2, 1}, res[] = {0, 1, 2, 5, 1};
	for (size_t i = 0; i < 5; i++) {
		cr_expect_str_eq(r->vias[i].via, vias[i]);
		cr_expect_eq(r->vias[i].followups, n[i], "%s", vias[i]);
		cr_expect_eq(r->vias[i].progressed, prog[i], "%s", vias[i]);
		cr_expect_eq(r->vias[i].with_result, res[i], "%s", vias[i]);
	}
	crm_report_free(r);
}

/* Until February: only c1's three follow-ups; the next follow-up is looked
 * up whatever the dates, and open actions of customers met before March. */
Test(report, followups_until_and_owner)
{
	fixture_db();
	crm_report *r = run(NULL, "2024-02-28", NULL, CRM_REPORT_FOLLOWUPS);
	cr_assert_eq(r->nreps, 2);
	cr_expect_eq(rep(r, "li")->followups, 1);
	cr_expect_eq(rep(r, "li")->open, 0);
	cr_expect_eq(rep(r, "ming")->followups, 2);
	crm_report_free(r);

	/* c3#1 (03-03) is the next follow-up of c3#0 even when only 03-02 is selected */
	r = run("2024-03-02", "2024-03-02", NULL, CRM_REPORT_FOLLOWUPS);
	cr_assert_eq(r->nreps, 1);
	RATIO(((crm_ratio){rep(r, "li")->on_time, rep(r, "li")->counted}), 1, 1);
	crm_report_free(r);

	r = run(NULL, NULL, "sarah", CRM_REPORT_FOLLOWUPS);
	cr_assert_eq(r->nreps, 1);
	cr_expect_str_eq(r->reps[0].rep, "sarah");
	cr_expect_eq(r->reps[0].followups, 3);
	cr_expect_eq(r->reps[0].open, 1);
	crm_report_free(r);
}

/*
 * Won: c1 100000, c2 50000, c6 10000 of 160000: running 62.5% A, 93.75% B,
 * 100% C. Industry: 制造 (c1 c2: 150000 won, budget 200000), none (c4 c5 c6:
 * 10000, budget 40000), 零售 (c3: 0, 80000). Top: c1, c2, c6, then by
 * budget c3, c4; c5 has neither.
 */
Test(report, value_by_hand)
{
	fixture_db();
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_VALUE);
	cr_assert_eq(r->nabc, 3);
	cr_expect_str_eq(r->abc[0].id, "c1");
	cr_expect_eq(r->abc[0].cls, 'A');
	cr_expect_eq(r->abc[1].cls, 'B');
	cr_expect_eq(r->abc[2].cls, 'C');
	cr_expect_eq(r->won_total, 160000);
	const crm_report_group *g = r->groups[CRM_GROUP_INDUSTRY];
	cr_assert_eq(r->ngroups[CRM_GROUP_INDUSTRY], 3);
	cr_expect_str_eq(g[0].key, "制造");
	cr_expect_eq(g[0].customers, 2);
	cr_expect_eq(g[0].won, 2);
	cr_expect_eq(g[0].won_amount, 150000);
	cr_expect_eq(g[0].budget_max, 200000);
	cr_expect_null(g[1].key);
	cr_expect_eq(g[1].customers, 3);
	cr_expect_eq(g[1].won_amount, 10000);
	cr_expect_eq(g[1].budget_max, 40000);
	cr_expect_str_eq(g[2].key, "零售");
	cr_expect_eq(g[2].budget_max, 80000);
	g = r->groups[CRM_GROUP_OWNER];
	cr_assert_eq(r->ngroups[CRM_GROUP_OWNER], 3);
	cr_expect_str_eq(g[0].key, "ming");
	cr_expect_str_eq(g[1].key, "sarah");
	cr_expect_str_eq(g[2].key, "li");
	cr_assert_eq(r->ntop, 5);
	static const char *const top[] = {"c1", "c2", "c6", "c3", "c4"};
	for (size_t i = 0; i < 5; i++)
		cr_expect_str_eq(r->top[i].id, top[i]);
	cr_expect(!r->top[1].has_budget);
	cr_expect_eq(r->top[3].won_amount, 0);
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, false);
	crm_report_json(&j, r);
	cr_expect(strstr(crm_buf_cstr(&b), "\"abc\":{\"A\":[\"c1\"],\"B\":[\"c2\"],\"C\":[\"c6\"]}"),
		  "%s", crm_buf_cstr(&b));
	cr_expect(strstr(crm_buf_cstr(&b), "{\"id\":\"c2\",\"name\":\"B\",\"won_amount\":50000,\"budget_max\":null}"),
		  "%s", crm_buf_cstr(&b));
	crm_buf_free(&b);
	crm_report_free(r);
}

static void won(const char *id, int amount)
{
	char sql[200];
	snprintf(sql, sizeof sql,
		 "INSERT INTO customers(id, stage, first_contact, deal_amount) VALUES ('%s', 'won', '2024-01-01', %d)",
		 id, amount);
	exec(sql);
}

static void expect_abc(const crm_report *r, const char *want)
{
	char got[16] = {0};
	for (size_t i = 0; i < r->nabc && i < 15; i++)
		got[i] = r->abc[i].cls;
	cr_expect_str_eq(got, want);
}

/* One customer with 90%: still A (at least one A); then 95% exactly is B. */
Test(report, abc_at_least_one_a)
{
	empty_db();
	won("x", 900);
	won("y", 50);
	won("z", 50);
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_VALUE);
	expect_abc(r, "ABC");
	cr_expect_str_eq(r->abc[1].id, "y", "ties by id");
	crm_report_free(r);
}

/* Ties: 100, 100, 100 -> 33%, 67% A, 100% C; a single won customer is A. */
Test(report, abc_ties_and_single)
{
	empty_db();
	won("b", 100);
	won("a", 100);
	won("c", 100);
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_VALUE);
	expect_abc(r, "AAC");
	cr_expect_str_eq(r->abc[0].id, "a");
	crm_report_free(r);
	close_db();
	empty_db();
	won("only", 5);
	r = run(NULL, NULL, NULL, CRM_REPORT_VALUE);
	expect_abc(r, "A");
	crm_report_free(r);
}

/* 80% exactly is still A; the one that crosses 80% but stays within 95% is B. */
Test(report, abc_bounds)
{
	empty_db();
	won("a", 40);
	won("b", 40);
	won("c", 10);
	won("d", 5);
	won("e", 5);
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_VALUE);
	expect_abc(r, "AABBC"); /* 40, 80 (A), 90, 95 (B), 100 (C) */
	crm_report_free(r);
}

/* Top: at most 10. */
Test(report, top_ten)
{
	empty_db();
	char id[16];
	for (int i = 0; i < 12; i++) {
		snprintf(id, sizeof id, "k%02d", i);
		won(id, 100 + i);
	}
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_VALUE);
	cr_assert_eq(r->ntop, 10);
	cr_expect_str_eq(r->top[0].id, "k11");
	cr_expect_str_eq(r->top[9].id, "k02");
	crm_report_free(r);
}

/* ming: 2 won (150000); li: proposal, lost, 1 overdue; sarah: initial, won 10000. */
Test(report, owners_by_hand)
{
	fixture_db();
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_OWNERS);
	cr_assert_eq(r->nowners, 3);
	const crm_report_owner *w = r->owners;
	cr_expect_str_eq(w[0].owner, "li");
	cr_expect_eq(w[0].customers, 2);
	cr_expect_eq(w[0].stages[2], 1);
	cr_expect_eq(w[0].stages[5], 1);
	cr_expect_eq(w[0].overdue, 1);
	cr_expect_str_eq(w[1].owner, "ming");
	cr_expect_eq(w[1].stages[4], 2);
	cr_expect_eq(w[1].won_amount, 150000);
	cr_expect_str_eq(w[2].owner, "sarah");
	cr_expect_eq(w[2].stages[0], 1);
	cr_expect_eq(w[2].overdue, 0);
	crm_report_free(r);
	r = run(NULL, NULL, "ming", CRM_REPORT_OWNERS);
	cr_assert_eq(r->nowners, 1);
	crm_report_free(r);
}

/* A database without the tables is an error with SQLite's message, not a crash. */
Test(report, missing_tables)
{
	cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	crm_report_opts o = {NULL, NULL, NULL, "2024-06-30"};
	crm_report *r = (crm_report *)1;
	cr_expect_neq(crm_report_compute(&r, db, &o, CRM_REPORT_ALL), 0);
	cr_expect_null(r);
}

Test(report, names)
{
	cr_expect_eq(crm_report_by_name("value"), CRM_REPORT_VALUE);
	cr_expect_eq(crm_report_by_name("funnels"), 0);
	cr_expect_str_eq(crm_report_name(CRM_REPORT_OWNERS), "owners");
	cr_expect_null(crm_report_name(3));
}

/* Number of `<rect` between id="chart-NAME" and the next </svg>. */
static int bars(const char *page, const char *name)
{
	char id[64];
	snprintf(id, sizeof id, "id=\"chart-%s\"", name);
	const char *p = strstr(page, id), *end = p ? strstr(p, "</svg>") : NULL;
	cr_assert(p && end, "no chart %s", name);
	int n = 0;
	for (const char *q = p; (q = strstr(q, "<rect")) && q < end; q++)
		n++;
	return n;
}

/* One bar per value; names from records escaped; nothing fetched or run. */
Test(report, html_page)
{
	fixture_db();
	exec("UPDATE customers SET name = '<b>\"x\" & y</b>' WHERE id = 'c2'");
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_ALL);
	crm_report_opts o = {NULL, NULL, "<li>", "2024-06-30"};
	crm_buf b = CRM_BUF_INIT;
	crm_report_html(&b, r, NULL, "zh", "东区 & <客户>", &o);
	const char *page = crm_buf_cstr(&b);
	cr_expect_eq(bars(page, "funnel"), 5);
	cr_expect_eq(bars(page, "sources"), 6);   /* customers and won, per source */
	cr_expect_eq(bars(page, "followups"), 6); /* success and on time, per rep */
	cr_expect_eq(bars(page, "value"), 3);     /* one per won customer */
	cr_expect_eq(bars(page, "owners"), 5);    /* li 2 stages, ming 1, sarah 2 */
	cr_expect(strstr(page, "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;"));
	cr_expect(!strstr(page, "<b>"));
	cr_expect(strstr(page, "东区 &amp; &lt;客户&gt;"));
	cr_expect(strstr(page, "&lt;li&gt;"));
	cr_expect(!strstr(page, "<script"));
	cr_expect(!strstr(page, "url("));
	cr_expect(strstr(page, "<html lang=\"zh-CN\">"));
	cr_expect(strstr(page, "销售漏斗"));
	/* rates as --json writes them, for a check against it */
	cr_expect(strstr(page, "<td class=\"n rate\" data-value=\"0.8333333333333334\">83.3%</td>"), "%s", page);
	crm_buf_free(&b);
	crm_report_free(r);
}

/* More won customers than bars: the rest become one. */
Test(report, html_pareto_caps_bars)
{
	empty_db();
	for (int i = 0; i < 50; i++) {
		char id[16];
		snprintf(id, sizeof id, "w%02d", i);
		won(id, 10 + i);
	}
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_ALL);
	crm_report_opts o = {NULL, NULL, NULL, "2024-06-30"};
	crm_buf b = CRM_BUF_INIT;
	crm_report_html(&b, r, NULL, "en", NULL, &o);
	cr_expect_eq(bars(crm_buf_cstr(&b), "value"), 41);
	crm_buf_free(&b);
	crm_report_free(r);
}

/* Text: every table's rows end at the same display column (CJK counts 2). */
Test(report, text_aligned_in_both_languages)
{
	fixture_db();
	exec("UPDATE customers SET owner = '王明' WHERE owner = 'ming'");
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_ALL);
	for (int k = 0; k < 2; k++) {
		crm_buf b = CRM_BUF_INIT;
		crm_report_text(&b, r, NULL, k ? "zh" : "en");
		const char *text = crm_buf_cstr(&b);
		cr_expect(strstr(text, k ? "客户来源\n" : "Sources\n"), "%s", text);
		/* the owners table: title, header, three rows of equal width */
		const char *p = strstr(text, k ? "负责人业务管道\n" : "Owners' pipelines\n");
		cr_assert(p);
		p = strchr(p, '\n') + 1;
		size_t w0 = 0;
		for (int line = 0; line < 4; line++) {
			const char *nl = strchr(p, '\n');
			cr_assert(nl);
			char *one = strndup(p, (size_t)(nl - p));
			size_t w = crm_utf8_width(one);
			if (line == 0)
				w0 = w;
			cr_expect_eq(w, w0, "line %d of:\n%s", line, text);
			free(one);
			p = nl + 1;
		}
		crm_buf_free(&b);
	}
	crm_report_free(r);
}

/* No stage_history at all: the current stage alone says how far it got. */
Test(report, funnel_without_history)
{
	empty_db();
	exec("INSERT INTO customers(id, stage, first_contact) VALUES ('a', 'proposal', '2024-01-01'),"
	     " ('b', 'lost', '2024-01-01'), ('c', 'needs', '2024-01-01');"
	     "INSERT INTO stages VALUES ('c', 0, 'initial', '2024-01-01'), ('c', 1, 'needs', '2024-01-04'),"
	     " ('zz-gone', 0, 'initial', '2024-01-01');");
	crm_report *r = run(NULL, NULL, NULL, CRM_REPORT_FUNNEL);
	expect_stage(r, 0, 2, 0, 3); /* a (proposal) and c; b lost with no history reached nothing */
	expect_stage(r, 1, 2, 1, NAN);
	expect_stage(r, 2, 1, 1, NAN);
	RATIO(r->funnel.win_rate, 0, 1);
	crm_report_free(r);
}
