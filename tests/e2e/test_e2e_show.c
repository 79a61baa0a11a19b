/* crm show: labels in the user's language, the timeline, and --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(show, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static const char *REC =
	"# yaml-language-server: $schema=../../../schema/customer.schema.yaml\n"
	"id: \"202405001\"\n"
	"name: 科技有限公司\n"
	"kind: company\n"
	"source: trade-show\n"
	"owner: ming\n"
	"first_contact: {date: 2024-05-01, by: ming}\n"
	"company:\n"
	"  industry: 智能制造\n"
	"  size: 200-500\n"
	"contacts:\n"
	"  - name: 张伟\n"
	"    title: 采购经理\n"
	"    phone: \"13800000000\"\n"
	"    email: zhang@example.com\n"
	"    birthday: 1985-06-12\n"
	"    role: decision-maker\n"
	"needs:\n"
	"  summary: 降低仓储管理成本30%\n"
	"  budget: {min: 150000, max: 200000}\n"
	"  decision_chain:\n"
	"    - {name: 王总, title: 总经理, role: decision-maker}\n"
	"    - {name: 李工, title: 技术部主管, role: influencer}\n"
	"  deadline: 2024-09-30\n"
	"tags: [预算敏感, 决策链复杂, 高意向]\n"
	"stage: proposal\n"
	"stage_history:\n"
	"  - {stage: initial, date: 2024-05-01}\n"
	"  - {stage: proposal, date: 2024-05-12}\n"
	"dates:\n"
	"  - {label: 公司周年, date: 2010-09-01, yearly: true}\n"
	"notes: |\n"
	"  First line of notes.\n"
	"  Second line.\n"
	"followups:\n"
	"  - date: 2024-05-05\n"
	"    via: phone\n"
	"    by: ming\n"
	"    summary: 介绍智能仓储系统A\n"
	"    feedback: 需提供3家同类企业应用案例\n"
	"    result: progressed\n"
	"    priority: high\n"
	"    next: {date: 2024-05-08, action: 发送案例资料, by: ming}\n"
	"  - date: 2024-05-12\n"
	"    via: visit\n"
	"    by: li\n"
	"    summary: Demo on site\n"
	"    result: no-change\n"
	"    priority: medium\n"
	"    next: {date: 2024-05-17, action: Send the offer, by: ming}\n";

static const char *book1(void)
{
	const char *b = e2e_book();
	char p[256];
	snprintf(p, sizeof p, "%s/customers/2024/05/202405001.yaml", b);
	e2e_write(p, REC);
	e2e_run r = e2e_sh(b, "git add -A && git commit -qm record");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return b;
}

static const char *after(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	cr_assert_not_null(p, "'%s' not found in:\n%s", needle, hay);
	return p;
}

Test(show, english_labels_and_timeline_newest_first)
{
	const char *b = book1();
	e2e_run r = e2e_crmv(b, "show", "科技", NULL);
	e2e_assert_code(r, 0);
	const char *o = r.out;
	e2e_assert_has(o, "202405001  科技有限公司");
	e2e_assert_has(o, "Trade show");
	e2e_assert_hasnt(o, "trade-show");
	e2e_assert_has(o, "Industry");
	e2e_assert_has(o, "智能制造");
	e2e_assert_has(o, "Decision-maker");
	e2e_assert_has(o, "Influencer");
	e2e_assert_has(o, "150000 - 200000 CNY");
	e2e_assert_has(o, "预算敏感, 决策链复杂, 高意向");
	e2e_assert_has(o, "公司周年");
	e2e_assert_has(o, "  Second line.\n");
	/* the open next action with its due state */
	e2e_assert_has(o, "Next action: 2024-05-17 Send the offer (ming), overdue by 3 days\n");
	/* newest first, with labels */
	const char *tl = after(o, "Timeline");
	const char *newer = after(tl, "2024-05-12  Visit  li    Demo on site");
	const char *older = after(tl, "2024-05-05  Phone  ming  介绍智能仓储系统A");
	cr_assert(newer < older, "not newest first:\n%s", o);
	e2e_assert_has(tl, "Feedback: 需提供3家同类企业应用案例");
	e2e_assert_has(tl, "Result: Progressed");
	e2e_assert_has(tl, "Result: No change");
	/* days in each stage, the last until today */
	const char *sh = after(tl, "Stage history");
	e2e_assert_has(sh, "Initial contact  2024-05-01  11 days\n");
	e2e_assert_has(sh, "Proposal         2024-05-12  8 days so far\n");
	e2e_run_free(&r);

	r = e2e_crmv(b, "show", "202405001", "-n", "1", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "Demo on site");
	e2e_assert_hasnt(r.out, "介绍智能仓储系统A");
	e2e_run_free(&r);
	r = e2e_crmv(b, "show", "202405001", "-n", "x", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}

Test(show, chinese_labels)
{
	const char *b = book1();
	e2e_run r = e2e_crmv(b, "--lang", "zh", "show", "202405001", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "行业展会");
	e2e_assert_has(r.out, "方案沟通");
	e2e_assert_has(r.out, "最终决策人");
	e2e_assert_has(r.out, "2024-05-12  拜访      li    Demo on site");
	e2e_assert_has(r.out, "2024-05-05  电话沟通  ming  介绍智能仓储系统A");
	e2e_assert_has(r.out, "逾期 3 天");
	e2e_assert_has(r.out, "至今 8 天");
	e2e_assert_hasnt(r.out, "Trade show");
	e2e_run_free(&r);
	/* the locale chooses too */
	setenv("LANG", "zh_CN.UTF-8", 1);
	r = e2e_crmv(b, "show", "202405001", NULL);
	e2e_assert_has(r.out, "行业展会");
	e2e_run_free(&r);
}

Test(show, due_states)
{
	const char *b = book1();
	setenv("CRM_TODAY", "2024-05-17", 1);
	e2e_run r = e2e_crmv(b, "show", "202405001", NULL);
	e2e_assert_has(r.out, "Send the offer (ming), due today\n");
	e2e_run_free(&r);
	setenv("CRM_TODAY", "2024-05-15", 1);
	r = e2e_crmv(b, "show", "202405001", NULL);
	e2e_assert_has(r.out, "Send the offer (ming), due in 2 days\n");
	e2e_run_free(&r);
	/* won: no open next action */
	r = e2e_crmv(b, "stage", "202405001", "won", "--amount", "180000", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "show", "202405001", NULL);
	e2e_assert_has(r.out, "Next action: none (Won)\n");
	e2e_assert_has(r.out, "Deal amount");
	e2e_assert_has(r.out, "180000");
	e2e_assert_has(r.out, "Won              2024-05-15  0 days so far\n");
	e2e_run_free(&r);
}

Test(show, json_has_the_yaml_keys_and_path)
{
	const char *b = book1();
	e2e_run r = e2e_sh(b, "\"$CRM_BIN\" show 202405001 --json | python3 -c '"
			      "import json, sys, yaml\n"
			      "j = json.load(sys.stdin)\n"
			      "y = yaml.safe_load(open(\"customers/2024/05/202405001.yaml\"))\n"
			      "assert j.pop(\"path\") == \"customers/2024/05/202405001.yaml\"\n"
			      "assert list(j) == list(y), (list(j), list(y))\n"
			      "def norm(v):\n"
			      "    if isinstance(v, dict): return {k: norm(x) for k, x in v.items()}\n"
			      "    if isinstance(v, list): return [norm(x) for x in v]\n"
			      "    if hasattr(v, \"isoformat\"): return v.isoformat()\n"
			      "    return v\n"
			      "assert j == norm(y), (j, norm(y))\n"
			      "assert j[\"needs\"][\"budget\"][\"max\"] == 200000\n"
			      "assert j[\"contacts\"][0][\"phone\"] == \"13800000000\"\n"
			      "print(\"ok\")'");
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "ok\n");
	e2e_run_free(&r);
}

Test(show, unknown_customer)
{
	const char *b = book1();
	e2e_run r = e2e_crmv(b, "show", "nobody", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "no customer 'nobody'");
	e2e_run_free(&r);
	r = e2e_crmv(b, "show", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}
