/* Handover as record edits, and the brief a new owner works from. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/handover.h"
#include "crm/schema.h"

static char *src_path(const char *rel)
{
	const char *r = getenv("CRM_SRC");
	if (r)
		return crm_xasprintf("%s/%s", r, rel);
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_handover.c");
	return crm_xasprintf("%.*s%s", cut ? (int)(cut - f) : 0, f, rel);
}

static crm_config *config(void)
{
	char path[] = "/tmp/crm-handover-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("book: East\nteam:\n  - {id: ming, name: 王明}\n  - {id: li, name: 李娜}\n"
	      "  - {id: sarah, name: Sarah}\ncurrency: CNY\n", f);
	fclose(f);
	crm_config *c = NULL;
	int rc = crm_config_load(&c, path, NULL);
	unlink(path);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	return c;
}

static crm_schema *schema(void)
{
	char *p = src_path("schema/customer.schema.yaml");
	crm_schema *s = NULL;
	cr_assert_eq(crm_schema_load(&s, p, NULL), 0, "%s", crm_error_last());
	free(p);
	return s;
}

static crm_record *rec(const crm_config *c, const char *id, const char *yaml)
{
	crm_record *r = NULL;
	char *path = crm_xasprintf("customers/%s.yaml", id);
	cr_assert_eq(crm_record_new(&r, path, id, yaml, strlen(yaml)), 0);
	free(path);
	r->config = c;
	return r;
}

static crm_date D(const char *s)
{
	crm_date d;
	cr_assert(crm_date_parse_iso(&d, s));
	return d;
}

static const char *OPEN =
	"id: \"001\"\nname: 云栖科技\nowner: ming   # keep me\nstage: proposal\n"
	"first_contact: {date: 2024-04-01, by: ming}\n"
	"contacts:\n  - {name: 张伟, title: 采购经理, phone: \"13800000000\", birthday: 1985-05-30, "
	"role: decision-maker}\n"
	"needs:\n  summary: 降低仓储成本\n  budget: {min: 150000, max: 200000}\n"
	"  decision_chain:\n    - {name: 王总, title: 总经理, role: decision-maker}\n"
	"  deadline: 2024-06-10\n"
	"stage_history:\n  - {stage: initial, date: 2024-04-01}\n  - {stage: proposal, date: 2024-05-10}\n"
	"followups:\n"
	"  - date: 2024-04-02\n    via: phone\n    by: ming\n    summary: first call\n"
	"    next: {date: 2024-04-05, action: old, by: ming}\n"
	"  - date: 2024-05-12\n    via: visit\n    by: ming\n    summary: visit two\n"
	"    result: progressed\n    next: {date: 2024-05-15, action: 发送报价, by: ming}\n";

Test(handover, moves_owner_and_open_next_action_only)
{
	crm_config *c = config();
	crm_record *r = rec(c, "001", OPEN);
	int moved = 0;
	cr_assert_eq(crm_handover_record(r, "ming", "li", &moved), 0, "%s", crm_error_last());
	cr_assert_eq(moved, CRM_HANDOVER_OWNER | CRM_HANDOVER_NEXT);
	/* exactly two scalars differ: the owner and the latest next.by (two bytes shorter each) */
	const char *got = r->doc->src;
	cr_assert(strstr(got, "owner: li   # keep me\n"), "%s", got);
	cr_assert(strstr(got, "next: {date: 2024-04-05, action: old, by: ming}"), "%s", got);
	cr_assert(strstr(got, "next: {date: 2024-05-15, action: 发送报价, by: li}"), "%s", got);
	cr_assert_eq(strlen(got), strlen(OPEN) - 4);
	crm_record_free(r);

	/* someone else's customer whose open next action ming holds: only next.by */
	r = rec(c, "002", "id: \"002\"\nowner: sarah\nstage: needs\nfollowups:\n"
			  "  - date: 2024-05-12\n    next: {date: 2024-05-15, action: a, by: ming}\n");
	cr_assert_eq(crm_handover_record(r, "ming", "li", &moved), 0);
	cr_assert_eq(moved, CRM_HANDOVER_NEXT);
	cr_assert(strstr(r->doc->src, "owner: sarah\n"));
	cr_assert(strstr(r->doc->src, "by: li}"));
	crm_record_free(r);

	/* won: the owner changes, the next action is history and stays */
	r = rec(c, "003", "id: \"003\"\nowner: ming\nstage: won\nfollowups:\n"
			  "  - date: 2024-05-12\n    next: {date: 2024-05-15, action: a, by: ming}\n");
	cr_assert_eq(crm_handover_record(r, "ming", "li", &moved), 0);
	cr_assert_eq(moved, CRM_HANDOVER_OWNER);
	cr_assert(strstr(r->doc->src, "owner: li\n"));
	cr_assert(strstr(r->doc->src, "by: ming}"));
	crm_record_free(r);

	/* nothing of ming's: untouched */
	r = rec(c, "004", "id: \"004\"\nowner: sarah\nstage: needs\n");
	cr_assert_eq(crm_handover_record(r, "ming", "li", &moved), 0);
	cr_assert_eq(moved, 0);
	cr_assert_str_eq(r->doc->src, "id: \"004\"\nowner: sarah\nstage: needs\n");
	crm_record_free(r);
	crm_config_free(c);
}

Test(handover, brief_holds_summary_and_each_customer)
{
	crm_config *c = config();
	crm_schema *s = schema();
	crm_record *recs[] = {
		rec(c, "001", OPEN),
		rec(c, "002", "id: \"002\"\nname: Acme Won\nowner: li\nstage: won\n"
			      "stage_history:\n  - {stage: won, date: 2024-05-01}\n"
			      "deal: {amount: 90000, signed: 2024-05-01, contract_end: 2024-06-01}\n"),
		rec(c, "003", "id: \"003\"\nname: Beta\nowner: li\nstage: initial\n"
			      "needs: {budget: {max: 50000}}\n"),
	};
	crm_brief_opts o = {c, s, "en", D("2024-05-20"), "ming", "li", 1};
	crm_buf b = CRM_BUF_INIT;
	crm_brief_write(&b, &o, recs, 3, NULL, 0);
	const char *t = crm_buf_cstr(&b);
	const char *want[] = {
		"# Handover: 王明 (ming) → 李娜 (li)\n",
		"East, 2024-05-20, 3 customers.\n",
		"| Proposal | 1 |\n", "| Initial contact | 1 |\n", "| Won | 1 |\n", "| **Total** | **3** |\n",
		/* open pipeline: 001 (150000-200000) and 003 (max 50000) */
		"- Open pipeline by budget: 150000 – 250000 CNY (2 of 2 open customers have a budget)\n",
		"- Overdue next actions: 1\n",
		"  - 云栖科技 (001): 2024-05-15 发送报价, by 王明 (ming), overdue by 5 days\n",
		"- Key dates in the next 30 days: 3\n",
		"  - 2024-05-30 云栖科技 (001): Birthday: 张伟 (in 10 days)\n",
		"  - 2024-06-01 Acme Won (002): Contract ends (in 12 days)\n",
		"  - 2024-06-10 云栖科技 (001): Deadline",
		"## 云栖科技 (001)\n\n- Stage: Proposal, since 2024-05-10 (10 days)\n",
		"- Needs summary: 降低仓储成本\n", "- Budget: 150000 – 200000 CNY\n",
		"- Deadline: 2024-06-10\n", "- Decision chain: 王总 (总经理, Decision-maker)\n",
		"  - 张伟 (采购经理, Decision-maker): Phone 13800000000, Birthday 1985-05-30\n",
		"- Open next action: 2024-05-15 发送报价, by 王明 (ming), overdue by 5 days\n",
		"- Follow-ups (latest 1 of 2):\n",
		"  - 2024-05-12 Visit, 王明 (ming): visit two; Result: Progressed\n",
		"## Acme Won (002)\n\n- Stage: Won, since 2024-05-01 (19 days)\n",
		"- Deal: amount 90000 CNY; signed 2024-05-01; contract ends 2024-06-01\n",
		"- Open next action: none (the deal is closed)\n",
		"- Budget: up to 50000 CNY\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		cr_assert(strstr(t, want[i]), "missing '%s' in:\n%s", want[i], t);
	cr_assert_null(strstr(t, "first call"), "only the latest follow-up:\n%s", t);
	/* open customers first, later stages first, then won */
	cr_assert(strstr(t, "## 云栖科技") < strstr(t, "## Beta") &&
		  strstr(t, "## Beta") < strstr(t, "## Acme Won"), "%s", t);
	crm_buf_free(&b);

	/* in Chinese, with the schema's labels */
	o.lang = "zh";
	crm_brief_write(&b, &o, recs, 1, NULL, 0);
	t = crm_buf_cstr(&b);
	cr_assert(strstr(t, "- 销售阶段: 方案沟通"), "%s", t);
	cr_assert(strstr(t, "联系电话 13800000000"), "%s", t);
	cr_assert(strstr(t, "逾期 5 天"), "%s", t);
	crm_buf_free(&b);
	for (int i = 0; i < 3; i++)
		crm_record_free(recs[i]);
	crm_schema_free(s);
	crm_config_free(c);
}

Test(handover, brief_escapes_markdown_and_keeps_lines)
{
	crm_config *c = config();
	crm_schema *s = schema();
	crm_record *r = rec(c, "009", "id: \"009\"\nname: \"*Star* | Co\"\nowner: li\nstage: needs\n"
				      "followups:\n  - date: 2024-05-19\n    summary: \"line one\\nline two\"\n");
	crm_brief_opts o = {c, s, "en", D("2024-05-20"), "ming", "li", 0};
	crm_buf b = CRM_BUF_INIT;
	crm_brief_write(&b, &o, &r, 1, NULL, 0);
	const char *t = crm_buf_cstr(&b);
	cr_assert(strstr(t, "## \\*Star\\* \\| Co (009)\n"), "%s", t);
	cr_assert(strstr(t, ": line one line two\n"), "%s", t);
	crm_buf_free(&b);
	crm_record_free(r);
	crm_schema_free(s);
	crm_config_free(c);
}
