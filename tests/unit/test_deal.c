#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/deal.h"
#include "crm/emit.h"
#include "crm/schema.h"

/* The project's file at rel: from CRM_SRC, else next to this source file. */
static char *src_path(const char *rel)
{
	const char *root = getenv("CRM_SRC");
	char *p;
	if (root) {
		cr_assert(asprintf(&p, "%s/%s", root, rel) >= 0);
		return p;
	}
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_deal.c");
	cr_assert(asprintf(&p, "%.*s%s", cut ? (int)(cut - f) : 0, f, rel) >= 0);
	return p;
}

static crm_schema *S;
static crm_config C;
static crm_member team[2] = {{(char *)"ming", (char *)"Ming", (char *)"ming@example.com"},
			     {(char *)"li", (char *)"李娜", (char *)"li@example.com"}};
static crm_days prio[3] = {{(char *)"high", 3}, {(char *)"medium", 7}, {(char *)"low", 14}};

static void setup(void)
{
	char *p = src_path("schema/customer.schema.yaml");
	crm_diags d = {0};
	cr_assert_eq(crm_schema_load(&S, p, &d), 0, "%s: %s", p, crm_error_last());
	crm_diags_free(&d);
	free(p);
	memset(&C, 0, sizeof C);
	C.team = team;
	C.nteam = 2;
	C.priorities = prio;
	C.npriorities = 3;
	C.currency = (char *)"CNY";
}

static void teardown(void)
{
	crm_schema_free(S);
	S = NULL;
}

TestSuite(deal, .init = setup, .fini = teardown);

static const char *REC =
	"id: \"202405001\"\n"
	"name: 科技有限公司\n"
	"kind: company\n"
	"source: trade-show\n"
	"owner: li\n"
	"first_contact: {date: 2024-05-01, by: ming}\n"
	"stage: proposal   # moved after the demo\n"
	"stage_history:\n"
	"  - {stage: initial, date: 2024-05-01}\n"
	"  - {stage: proposal, date: 2024-05-12}\n"
	"# the log\n"
	"followups:\n"
	"  - date: 2024-05-05\n"
	"    via: phone\n"
	"    by: ming\n"
	"    summary: 介绍智能仓储系统A   # first call\n"
	"    priority: high\n"
	"    next: {date: 2024-05-08, action: 发送案例资料, by: ming}\n";

static crm_record *rec(const char *text)
{
	crm_record *r;
	cr_assert_eq(crm_record_new(&r, "customers/x.yaml", "202405001", text, strlen(text)), 0,
		     "%s", crm_error_last());
	return r;
}

static crm_date D(const char *s)
{
	crm_date d;
	cr_assert(crm_date_parse_iso(&d, s), "%s", s);
	return d;
}

static const crm_date TODAY = {2024, 5, 20};

static const char *next_date(const crm_record *r)
{
	const crm_node *fu = crm_node_get(r->doc->root, "followups");
	return crm_node_str(crm_node_get(fu->items[fu->n - 1], "next"), "date");
}

Test(deal, follow_appends_in_spec_order_and_only_adds)
{
	crm_record *r = rec(REC);
	crm_follow_args a = {.date = D("2024-05-20"), .via = "电话沟通", .by = "ming",
			     .summary = "报价", .feedback = "嫌贵", .result = "受阻",
			     .next_action = "再约"};
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), 0, "%s", crm_error_last());
	const char *want = "  - date: 2024-05-20\n"
			   "    via: phone\n"
			   "    by: ming\n"
			   "    summary: 报价\n"
			   "    feedback: 嫌贵\n"
			   "    result: setback\n"
			   "    priority: medium\n"
			   "    next: {date: 2024-05-27, action: 再约, by: li}\n";
	/* the old text is a prefix: only lines were added, comments kept */
	cr_assert_eq(strncmp(r->doc->src, REC, strlen(REC)), 0, "%s", r->doc->src);
	cr_assert_str_eq(r->doc->src + strlen(REC), want);
	crm_record_free(r);
}

Test(deal, follow_creates_the_list)
{
	const char *text = "id: \"1\"\nname: A\nkind: person\nsource: other\nowner: ming\n"
			   "first_contact: {date: 2024-05-01}\nstage: initial\nnotes: hi\n";
	crm_record *r = rec(text);
	crm_follow_args a = {.date = D("2024-05-02"), .via = "im", .by = "li", .summary = "hello"};
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), 0, "%s", crm_error_last());
	cr_assert_str_eq(r->doc->src + strlen(text),
			 "followups:\n"
			 "  - date: 2024-05-02\n"
			 "    via: im\n"
			 "    by: li\n"
			 "    summary: hello\n"
			 "    priority: medium\n"
			 "    next: {date: 2024-05-09, action: '', by: ming}\n");
	crm_record_free(r);
}

Test(deal, next_date_from_priority_days)
{
	const char *p[] = {"high", "medium", "low", "高", "低"};
	const char *want[] = {"2024-05-13", "2024-05-17", "2024-05-24", "2024-05-13", "2024-05-24"};
	for (size_t i = 0; i < 5; i++) {
		crm_record *r = rec(REC);
		crm_follow_args a = {.date = D("2024-05-10"), .via = "email", .by = "ming",
				     .summary = "x", .priority = p[i]};
		cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), 0, "%s", crm_error_last());
		cr_assert_str_eq(next_date(r), want[i], "priority %s", p[i]);
		crm_record_free(r);
	}
	/* a book that sets its own days */
	crm_days mine[3] = {{(char *)"high", 1}, {(char *)"medium", 2}, {(char *)"low", 30}};
	crm_config c2 = C;
	c2.priorities = mine;
	crm_record *r = rec(REC);
	crm_follow_args a = {.date = D("2024-05-10"), .via = "email", .by = "ming", .summary = "x",
			     .priority = "low"};
	cr_assert_eq(crm_deal_follow(r, &c2, S, &a, TODAY), 0);
	cr_assert_str_eq(next_date(r), "2024-06-09");
	crm_record_free(r);
	/* a next date given wins over the priority */
	crm_date nd = D("2024-06-01");
	r = rec(REC);
	a.next_date = &nd;
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), 0);
	cr_assert_str_eq(next_date(r), "2024-06-01");
	crm_record_free(r);
}

Test(deal, follow_refusals_leave_the_record)
{
	crm_record *r = rec(REC);
	crm_follow_args a = {.date = D("2024-05-21"), .via = "phone", .by = "ming", .summary = "x"};
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), CRM_EFAIL);
	cr_assert(strstr(crm_error_last(), "future"), "%s", crm_error_last());
	a.date = TODAY;
	a.via = "phnoe";
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), CRM_EINVALID);
	cr_assert(strstr(crm_error_last(), "did you mean 'phone'"), "%s", crm_error_last());
	a.via = "phone";
	a.result = "great";
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), CRM_EINVALID);
	a.result = NULL;
	a.priority = "urgent";
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), CRM_EINVALID);
	a.priority = NULL;
	a.by = "mnig";
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), CRM_EINVALID);
	cr_assert(strstr(crm_error_last(), "did you mean 'ming'"), "%s", crm_error_last());
	a.by = "ming";
	a.next_by = "bob";
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), CRM_EINVALID);
	a.next_by = NULL;
	a.summary = "";
	cr_assert_eq(crm_deal_follow(r, &C, S, &a, TODAY), CRM_EINVALID);
	cr_assert_str_eq(r->doc->src, REC);
	crm_record_free(r);
}

Test(deal, closed)
{
	crm_record *r = rec(REC);
	cr_assert_not(crm_deal_closed(r));
	crm_record_free(r);
	char *t = strdup(REC);
	memcpy(strstr(t, "stage: proposal"), "stage: lost    ", 15);
	r = rec(t);
	cr_assert(crm_deal_closed(r));
	crm_record_free(r);
	free(t);
}

Test(deal, stage_changes_one_line_and_adds_history)
{
	crm_record *r = rec(REC);
	crm_stage_args a = {.stage = "谈判中", .date = D("2024-05-18")};
	char *from;
	const char *to;
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, &from, &to), 0, "%s", crm_error_last());
	cr_assert_str_eq(from, "proposal");
	cr_assert_str_eq(to, "negotiation");
	free(from);
	cr_assert(strstr(r->doc->src, "stage: negotiation   # moved after the demo\n"), "%s", r->doc->src);
	cr_assert(strstr(r->doc->src, "  - {stage: proposal, date: 2024-05-12}\n"
				      "  - {stage: negotiation, date: 2024-05-18}\n# the log\n"),
		  "%s", r->doc->src);
	/* the same stage again: nothing */
	char *before = strdup(r->doc->src);
	a.stage = "negotiation";
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, &from, NULL), 1);
	cr_assert_str_eq(from, "negotiation");
	free(from);
	cr_assert_str_eq(r->doc->src, before);
	free(before);
	crm_record_free(r);
}

Test(deal, stage_rules)
{
	crm_record *r = rec(REC);
	char *from = (char *)"x";
	crm_stage_args a = {.stage = "lost", .date = TODAY};
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, &from, NULL), CRM_EFAIL);
	cr_assert_null(from);
	a.stage = "won";
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, NULL, NULL), CRM_EFAIL);
	a.amount = "lots";
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, NULL, NULL), CRM_EUSAGE);
	a.amount = "180000";
	a.date = D("2024-05-21");
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, NULL, NULL), CRM_EFAIL);
	a.stage = "wonn";
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, NULL, NULL), CRM_EINVALID);
	cr_assert(strstr(crm_error_last(), "did you mean 'won'"), "%s", crm_error_last());
	cr_assert_str_eq(r->doc->src, REC);
	crm_record_free(r);
}

Test(deal, won_writes_the_deal)
{
	crm_record *r = rec(REC);
	crm_date end = D("2025-07-31");
	crm_stage_args a = {.stage = "won", .date = D("2024-05-19"), .amount = "180000",
			    .contract_end = &end};
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, NULL, NULL), 0, "%s", crm_error_last());
	cr_assert(strstr(r->doc->src, "\ndeal: {amount: 180000, signed: 2024-05-19, "
				      "contract_end: 2025-07-31}\n# the log\nfollowups:"),
		  "%s", r->doc->src);
	crm_record_free(r);

	/* an existing deal keeps its other keys */
	char *t = NULL;
	cr_assert(asprintf(&t, "%.*sdeal: {contract_end: 2026-01-01}\n%s",
			   (int)(strstr(REC, "# the log") - REC), REC, strstr(REC, "# the log")) > 0);
	r = rec(t);
	crm_date sg = D("2024-05-15");
	crm_stage_args b = {.stage = "won", .date = TODAY, .amount = "5e4", .signed_on = &sg};
	cr_assert_eq(crm_deal_stage(r, S, &b, TODAY, NULL, NULL), 0, "%s", crm_error_last());
	const crm_node *deal = crm_node_get(r->doc->root, "deal");
	cr_assert_str_eq(crm_node_str(deal, "contract_end"), "2026-01-01");
	cr_assert_str_eq(crm_node_str(deal, "amount"), "5e4");
	cr_assert_str_eq(crm_node_str(deal, "signed"), "2024-05-15");
	crm_record_free(r);
	free(t);
}

Test(deal, lost_writes_the_reason_and_back_again)
{
	crm_record *r = rec(REC);
	crm_stage_args a = {.stage = "lost", .date = TODAY, .reason = "no: budget"};
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, NULL, NULL), 0, "%s", crm_error_last());
	cr_assert_str_eq(crm_record_str(r, "lost_reason"), "no: budget");
	cr_assert(strstr(r->doc->src, "lost_reason: 'no: budget'\n"), "%s", r->doc->src);
	/* back to needs is allowed; the history grows */
	crm_stage_args b = {.stage = "needs", .date = TODAY};
	cr_assert_eq(crm_deal_stage(r, S, &b, TODAY, NULL, NULL), 0, "%s", crm_error_last());
	const crm_node *sh = crm_node_get(r->doc->root, "stage_history");
	cr_assert_eq(sh->n, 4);
	cr_assert_str_eq(crm_node_str(sh->items[3], "stage"), "needs");
	crm_record_free(r);
}

Test(deal, stage_history_created_as_block_list)
{
	const char *text = "id: \"1\"\nname: A\nkind: person\nsource: other\nowner: ming\n"
			   "first_contact: {date: 2024-05-01}\nstage: initial\nnotes: hi\n";
	crm_record *r = rec(text);
	crm_stage_args a = {.stage = "needs", .date = TODAY};
	cr_assert_eq(crm_deal_stage(r, S, &a, TODAY, NULL, NULL), 0, "%s", crm_error_last());
	cr_assert(strstr(r->doc->src, "stage: needs\nstage_history:\n  - {stage: needs, date: 2024-05-20}\n"
				      "notes: hi\n"), "%s", r->doc->src);
	crm_record_free(r);
}
