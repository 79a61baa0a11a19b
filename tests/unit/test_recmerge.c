/* The record merge (recmerge.h): a table of changes on each side, each with
 * the merged text it must give or the fields that must conflict. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/error.h"
#include "crm/recmerge.h"

#define BASE_TEXT \
	"# yaml-language-server: $schema=../../../schema/customer.schema.yaml\n" \
	"id: \"202405001\"\n" \
	"name: 科技有限公司  # 客户全称\n" \
	"kind: company\n" \
	"source: online\n" \
	"owner: ming\n" \
	"first_contact: {date: 2024-05-01, by: ming}\n" \
	"contacts:\n" \
	"  - name: 张伟\n" \
	"    title: 采购经理\n" \
	"    phone: \"13800000000\"\n" \
	"needs:\n" \
	"  summary: 降低成本\n" \
	"  budget: {min: 100, max: 200}\n" \
	"  decision_chain:\n" \
	"    - {name: 王总, role: decision-maker}\n" \
	"tags: [预算敏感, 高意向]\n" \
	"stage: initial\n" \
	"stage_history:\n" \
	"  - {stage: initial, date: 2024-05-01}\n" \
	"dates:\n" \
	"  - {label: 周年, date: 2010-09-01, yearly: true}\n" \
	"notes: |\n" \
	"  line one\n" \
	"followups:\n" \
	"  - date: 2024-05-05\n" \
	"    via: phone\n" \
	"    by: ming\n" \
	"    summary: 第一次\n" \
	"    next: {date: 2024-05-08, action: 发送资料, by: ming}\n"
static const char BASE[] = BASE_TEXT;

#define F_LI "  - date: 2024-05-10\n    via: visit\n    by: li\n    summary: 李的拜访\n"
#define F_MING "  - date: 2024-05-09\n    via: phone\n    by: ming\n    summary: 明的电话\n"
#define F_EARLY "  - date: 2024-05-03\n    via: im\n    by: li\n    summary: 早的\n"

/* base with each (old, new) pair replaced once, in order ("" appends); NULL ends. */
static char *with(const char *base, const char *const *edits)
{
	crm_buf b = CRM_BUF_INIT;
	crm_buf_puts(&b, base);
	for (size_t i = 0; edits && edits[i]; i += 2) {
		char *at = *edits[i] ? strstr(b.ptr, edits[i]) : b.ptr + b.len;
		cr_assert(at, "edit '%s' not found in:\n%s", edits[i], b.ptr);
		size_t off = (size_t)(at - b.ptr);
		crm_buf_splice(&b, off, strlen(edits[i]), edits[i + 1], strlen(edits[i + 1]));
	}
	return crm_buf_detach(&b);
}

typedef struct {
	const char *name;
	const char *ours[9];   /* (old, new) pairs applied to BASE */
	const char *theirs[9];
	const char *want[13];  /* pairs that give the merged text, when clean */
	const char *conflicts; /* the conflicting paths, comma-separated; "" when clean */
	const char *marked;    /* for a conflict: the marked lines that must appear */
} mcase;

static const mcase CASES[] = {
	{"nothing changed", {0}, {0}, {0}, "", NULL},
	{"scalar changed by theirs", {0}, {"stage: initial", "stage: needs", 0},
	 {"stage: initial", "stage: needs", 0}, "", NULL},
	{"scalar changed by ours", {"stage: initial", "stage: needs", 0}, {0},
	 {"stage: initial", "stage: needs", 0}, "", NULL},
	{"same change on both sides", {"stage: initial", "stage: needs", 0},
	 {"stage: initial", "stage: needs", 0}, {"stage: initial", "stage: needs", 0}, "", NULL},
	{"different fields on each side", {"stage: initial", "stage: needs", 0},
	 {"owner: ming", "owner: li", 0}, {"stage: initial", "stage: needs", "owner: ming", "owner: li", 0},
	 "", NULL},
	{"comment on the changed line kept", {0}, {"name: 科技有限公司", "name: 科技集团", 0},
	 {"name: 科技有限公司", "name: 科技集团", 0}, "", NULL},
	{"ours' comments kept when theirs changes", {"kind: company\n", "kind: company  # 企业\n# 备注\n", 0},
	 {"source: online", "source: referral", 0},
	 {"kind: company\n", "kind: company  # 企业\n# 备注\n", "source: online", "source: referral", 0},
	 "", NULL},
	{"same scalar changed differently", {"name: 科技有限公司", "name: 科技股份", 0},
	 {"name: 科技有限公司", "name: 科技集团", 0}, {0}, "name",
	 "<<<<<<< ours\nname: 科技股份  # 客户全称\n=======\nname: 科技集团  # 客户全称\n>>>>>>> theirs\n"},
	{"flow map field changed differently", {"budget: {min: 100, max: 200}", "budget: {min: 100, max: 300}", 0},
	 {"budget: {min: 100, max: 200}", "budget: {min: 100, max: 250}", 0}, {0}, "needs.budget.max",
	 "<<<<<<< ours\n  budget: {min: 100, max: 300}\n=======\n  budget: {min: 100, max: 250}\n>>>>>>> theirs\n"},
	{"flow map, different fields", {"budget: {min: 100, max: 200}", "budget: {min: 150, max: 200}", 0},
	 {"budget: {min: 100, max: 200}", "budget: {min: 100, max: 250}", 0},
	 {"budget: {min: 100, max: 200}", "budget: {min: 150, max: 250}", 0}, "", NULL},
	{"key added by theirs", {0}, {"  summary: 降低成本\n", "  summary: 降低成本\n  deadline: 2024-09-30\n", 0},
	 {"  summary: 降低成本\n", "  summary: 降低成本\n  deadline: 2024-09-30\n", 0}, "", NULL},
	{"top-level key added by theirs goes where theirs put it", {0},
	 {"notes: |", "deal: {amount: 1000, signed: 2024-06-01}\nnotes: |", 0},
	 {"notes: |", "deal: {amount: 1000, signed: 2024-06-01}\nnotes: |", 0}, "", NULL},
	{"same key added on both sides alike", {"source: online\n", "source: online\nlost_reason: x\n", 0},
	 {"source: online\n", "source: online\nlost_reason: x\n", 0},
	 {"source: online\n", "source: online\nlost_reason: x\n", 0}, "", NULL},
	{"same key added differently", {"stage: initial\n", "stage: initial\nlost_reason: 太贵\n", 0},
	 {"stage: initial\n", "stage: initial\nlost_reason: 太慢\n", 0}, {0}, "lost_reason", NULL},
	{"key removed by theirs", {0}, {"  summary: 降低成本\n", "", 0},
	 {"  summary: 降低成本\n", "", 0}, "", NULL},
	{"key removed by ours, theirs unchanged", {"owner: ming\n", "", 0}, {0},
	 {"owner: ming\n", "", 0}, "", NULL},
	{"removed by theirs, changed by ours", {"  summary: 降低成本", "  summary: 降低成本50%", 0},
	 {"  summary: 降低成本\n", "", 0}, {0}, "needs.summary", NULL},
	{"removed by ours, changed by theirs", {"  summary: 降低成本\n", "", 0},
	 {"  summary: 降低成本", "  summary: 降低成本50%", 0}, {0}, "needs.summary", NULL},
	{"follow-up on each side: both kept, in date order", {"", F_MING, 0}, {"", F_LI, 0},
	 {"", F_MING F_LI, 0}, "", NULL},
	{"follow-ups: theirs' earlier one goes before ours' later", {"", F_LI, 0}, {"", F_MING, 0},
	 {"", F_MING F_LI, 0}, "", NULL},
	{"follow-up on the same date: ours first, then theirs",
	 {"", "  - date: 2024-05-10\n    via: phone\n    by: ming\n    summary: 明\n", 0}, {"", F_LI, 0},
	 {"", "  - date: 2024-05-10\n    via: phone\n    by: ming\n    summary: 明\n" F_LI, 0}, "", NULL},
	{"theirs' follow-up dated before every other goes first",
	 {"", F_MING, 0}, {"followups:\n", "followups:\n" F_EARLY, 0},
	 {"", F_MING, "followups:\n", "followups:\n" F_EARLY, 0}, "", NULL},
	{"the same follow-up on both sides is kept once", {"", F_LI, 0}, {"", F_LI, 0}, {"", F_LI, 0}, "", NULL},
	{"feedback added by theirs to a follow-up", {"", F_MING, 0},
	 {"    summary: 第一次\n", "    summary: 第一次\n    feedback: 要案例\n", 0},
	 {"", F_MING, "    summary: 第一次\n", "    summary: 第一次\n    feedback: 要案例\n", 0}, "", NULL},
	{"one follow-up's feedback written differently",
	 {"    summary: 第一次\n", "    summary: 第一次\n    feedback: 要案例\n", 0},
	 {"    summary: 第一次\n", "    summary: 第一次\n    feedback: 要报价\n", 0}, {0},
	 "followups[0].feedback",
	 "<<<<<<< ours\n    feedback: 要案例\n=======\n    feedback: 要报价\n>>>>>>> theirs\n"},
	{"next action changed differently: only that line is marked",
	 {"action: 发送资料", "action: 发送案例", 0}, {"action: 发送资料", "action: 打电话", 0}, {0},
	 "followups[0].next.action", NULL},
	{"tags added on both sides", {"高意向]", "高意向, 甲]", 0}, {"高意向]", "高意向, 乙]", 0},
	 {"高意向]", "高意向, 甲, 乙]", 0}, "", NULL},
	{"tag removed by theirs, another added by ours", {"高意向]", "高意向, 甲]", 0},
	 {"[预算敏感, 高意向]", "[高意向]", 0}, {"[预算敏感, 高意向]", "[高意向, 甲]", 0}, "", NULL},
	{"the same tag removed on both sides", {"预算敏感, ", "", 0}, {"预算敏感, ", "", 0},
	 {"预算敏感, ", "", 0}, "", NULL},
	{"contact added by theirs", {0},
	 {"needs:\n", "  - name: 李娜\n    phone: \"139\"\nneeds:\n", 0},
	 {"needs:\n", "  - name: 李娜\n    phone: \"139\"\nneeds:\n", 0}, "", NULL},
	{"one contact's different fields changed on each side",
	 {"    title: 采购经理\n", "    title: 采购总监\n", 0},
	 {"    phone: \"13800000000\"\n", "    phone: \"13900000000\"\n    email: z@x.cn\n", 0},
	 {"    title: 采购经理\n", "    title: 采购总监\n", "    phone: \"13800000000\"\n",
	  "    phone: \"13900000000\"\n    email: z@x.cn\n", 0},
	 "", NULL},
	{"one contact's phone changed differently", {"13800000000", "13811111111", 0},
	 {"13800000000", "13822222222", 0}, {0}, "contacts[0].phone",
	 "<<<<<<< ours\n    phone: \"13811111111\"\n=======\n    phone: \"13822222222\"\n>>>>>>> theirs\n"},
	{"contact removed by theirs", {"source: online", "source: other", 0},
	 {"contacts:\n  - name: 张伟\n    title: 采购经理\n    phone: \"13800000000\"\n", "contacts: []\n", 0},
	 {"source: online", "source: other",
	  "contacts:\n  - name: 张伟\n    title: 采购经理\n    phone: \"13800000000\"\n", "contacts: []\n", 0},
	 "", NULL},
	{"decision chain member added on each side",
	 {"    - {name: 王总, role: decision-maker}\n", "    - {name: 王总, role: decision-maker}\n    - {name: 李工, role: influencer}\n", 0},
	 {"    - {name: 王总, role: decision-maker}\n", "    - {name: 王总, role: decision-maker}\n    - {name: 赵姐, role: user}\n", 0},
	 {"    - {name: 王总, role: decision-maker}\n",
	  "    - {name: 王总, role: decision-maker}\n    - {name: 李工, role: influencer}\n    - {name: 赵姐, role: user}\n", 0},
	 "", NULL},
	{"stage moved by theirs, follow-up by ours",
	 {"", F_MING, 0},
	 {"stage: initial", "stage: needs", "  - {stage: initial, date: 2024-05-01}\n",
	  "  - {stage: initial, date: 2024-05-01}\n  - {stage: needs, date: 2024-05-12}\n", 0},
	 {"", F_MING, "stage: initial", "stage: needs", "  - {stage: initial, date: 2024-05-01}\n",
	  "  - {stage: initial, date: 2024-05-01}\n  - {stage: needs, date: 2024-05-12}\n", 0},
	 "", NULL},
	{"stage moved differently on both sides",
	 {"stage: initial", "stage: needs", "  - {stage: initial, date: 2024-05-01}\n",
	  "  - {stage: initial, date: 2024-05-01}\n  - {stage: needs, date: 2024-05-12}\n", 0},
	 {"stage: initial", "stage: proposal", "  - {stage: initial, date: 2024-05-01}\n",
	  "  - {stage: initial, date: 2024-05-01}\n  - {stage: proposal, date: 2024-05-11}\n", 0},
	 {0}, "stage", NULL},
	{"dates: an entry added on each side",
	 {"  - {label: 周年, date: 2010-09-01, yearly: true}\n",
	  "  - {label: 周年, date: 2010-09-01, yearly: true}\n  - {label: 开业, date: 2011-01-01}\n", 0},
	 {"  - {label: 周年, date: 2010-09-01, yearly: true}\n",
	  "  - {label: 周年, date: 2010-09-01, yearly: true}\n  - {label: 续约, date: 2025-01-01}\n", 0},
	 {"  - {label: 周年, date: 2010-09-01, yearly: true}\n",
	  "  - {label: 周年, date: 2010-09-01, yearly: true}\n  - {label: 开业, date: 2011-01-01}\n"
	  "  - {label: 续约, date: 2025-01-01}\n", 0},
	 "", NULL},
	{"notes block changed by theirs", {0}, {"  line one\n", "  line one\n  line two\n", 0},
	 {"  line one\n", "  line one\n  line two\n", 0}, "", NULL},
	{"two conflicts, two marked places", {"stage: initial", "stage: needs", "owner: ming", "owner: li", 0},
	 {"stage: initial", "stage: lost", "owner: ming", "owner: sarah", 0}, {0}, "owner,stage", NULL},
	{"person interests merge as a set",
	 {"kind: company\n", "kind: company\nperson:\n  interests: [摄影, 跑步]\n", 0},
	 {"kind: company\n", "kind: company\nperson:\n  interests: [摄影, 跑步]\n", 0},
	 {"kind: company\n", "kind: company\nperson:\n  interests: [摄影, 跑步]\n", 0}, "", NULL},
	{"a follow-up removed by hand on one side, untouched on the other", {"", F_MING, 0},
	 {"  - date: 2024-05-05\n    via: phone\n    by: ming\n    summary: 第一次\n"
	  "    next: {date: 2024-05-08, action: 发送资料, by: ming}\n", "", "followups:\n", "followups: []\n", 0},
	 {"  - date: 2024-05-05\n    via: phone\n    by: ming\n    summary: 第一次\n"
	  "    next: {date: 2024-05-08, action: 发送资料, by: ming}\n", F_MING, 0}, "", NULL},
	{"next date differs, action changed by one: the date conflicts, the action merges",
	 {"next: {date: 2024-05-08, action: 发送资料", "next: {date: 2024-05-09, action: 发送资料", 0},
	 {"next: {date: 2024-05-08, action: 发送资料", "next: {date: 2024-05-10, action: 打电话", 0}, {0},
	 "followups[0].next.date",
	 "<<<<<<< ours\n    next: {date: 2024-05-09, action: 打电话, by: ming}\n=======\n"
	 "    next: {date: 2024-05-10, action: 打电话, by: ming}\n>>>>>>> theirs\n"},
	{"a scalar made a map by theirs, changed by ours", {"source: online", "source: other", 0},
	 {"source: online", "source:\n  kind: 展会", 0}, {0}, "source", NULL},
	{"a whole map removed by theirs while ours changed inside it",
	 {"  summary: 降低成本", "  summary: 降低成本50%", 0},
	 {"needs:\n  summary: 降低成本\n  budget: {min: 100, max: 200}\n  decision_chain:\n"
	  "    - {name: 王总, role: decision-maker}\n", "", 0}, {0}, "needs", NULL},
};

static void check_case(const mcase *c, const char *base, const char *eol)
{
	char *o = with(base, c->ours), *t = with(base, c->theirs);
	crm_merge_result *r = NULL;
	crm_merge_opts opts = {.path = "customers/202405001.yaml"};
	cr_assert_eq(crm_record_merge(&r, base, strlen(base), o, strlen(o), t, strlen(t), &opts), 0,
		     "%s: %s", c->name, crm_error_last());
	cr_assert_not(r->line_merge, "%s: fell back to lines", c->name);
	crm_buf got = CRM_BUF_INIT;
	for (size_t i = 0; i < r->nconflicts; i++)
		crm_buf_printf(&got, "%s%s", i ? "," : "", r->conflicts[i].path);
	cr_assert_str_eq(crm_buf_cstr(&got), c->conflicts, "%s: conflicts\n%s", c->name, r->text);
	if (!*c->conflicts) {
		char *want = with(base, c->want);
		cr_assert_str_eq(r->text, want, "%s: merged\n%s\nwant\n%s", c->name, r->text, want);
		free(want);
	} else {
		cr_assert(strstr(r->text, "<<<<<<< ours") && strstr(r->text, ">>>>>>> theirs"), "%s:\n%s",
			  c->name, r->text);
		if (c->marked && !strcmp(eol, "\n"))
			cr_assert(strstr(r->text, c->marked), "%s: want\n%s\nin\n%s", c->name, c->marked,
				  r->text);
		/* only the field's lines are marked: outside them the text is ours */
		const char *m = strstr(r->text, "<<<<<<<");
		cr_assert(strncmp(r->text, o, (size_t)(m - r->text)) == 0, "%s: before the markers", c->name);
	}
	crm_buf_free(&got);
	crm_merge_result_free(r);
	free(o);
	free(t);
}

Test(recmerge, table)
{
	for (size_t i = 0; i < sizeof CASES / sizeof *CASES; i++)
		check_case(&CASES[i], BASE, "\n");
	cr_assert_geq(sizeof CASES / sizeof *CASES, 30);
}

/* The same table on a CRLF file: the merge keeps its line breaks. */
static char *crlf(const char *s)
{
	crm_buf b = CRM_BUF_INIT;
	for (; *s; s++) {
		if (*s == '\n')
			crm_buf_putc(&b, '\r');
		crm_buf_putc(&b, *s);
	}
	return crm_buf_detach(&b);
}

Test(recmerge, crlf_files_stay_crlf)
{
	char *base = crlf(BASE);
	char *o = crlf(BASE_TEXT "  - date: 2024-05-09\n    via: phone\n    by: ming\n    summary: 明的电话\n");
	char *t = crlf(BASE_TEXT "  - date: 2024-05-10\n    via: visit\n    by: li\n    summary: 李的拜访\n");
	crm_merge_result *r = NULL;
	cr_assert_eq(crm_record_merge(&r, base, strlen(base), o, strlen(o), t, strlen(t), NULL), 0);
	char *want = crlf(BASE_TEXT F_MING F_LI);
	cr_assert_str_eq(r->text, want);
	free(want);
	crm_merge_result_free(r);
	/* theirs written with LF: its lines come in as CRLF */
	char *tlf = crm_xstrdup(BASE_TEXT F_LI);
	cr_assert_eq(crm_record_merge(&r, base, strlen(base), o, strlen(o), tlf, strlen(tlf), NULL), 0);
	want = crlf(BASE_TEXT F_MING F_LI);
	cr_assert_str_eq(r->text, want);
	free(want);
	crm_merge_result_free(r);
	/* a conflict on a CRLF file: markers end with CRLF too */
	char *o2 = crlf("id: x\nname: a\nstage: initial\n"), *t2 = crlf("id: x\nname: b\nstage: initial\n");
	char *b2 = crlf("id: x\nname: c\nstage: initial\n");
	cr_assert_eq(crm_record_merge(&r, b2, strlen(b2), o2, strlen(o2), t2, strlen(t2), NULL), 0);
	cr_assert_str_eq(r->text, "id: x\r\n<<<<<<< ours\r\nname: a\r\n=======\r\nname: b\r\n>>>>>>> theirs\r\nstage: initial\r\n");
	crm_merge_result_free(r);
	free(o2), free(t2), free(b2), free(tlf), free(base), free(o), free(t);
}

Test(recmerge, conflict_values_and_labels)
{
	const char *b = "id: x\nname: 旧\n", *o = "id: x\nname: 甲\n", *t = "id: x\nname: 乙\n";
	crm_merge_result *r = NULL;
	crm_merge_opts opts = {.ours_label = "HEAD", .theirs_label = "origin/main", .marker_size = 9};
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), o, strlen(o), t, strlen(t), &opts), 0);
	cr_assert_eq(r->nconflicts, 1);
	cr_assert_str_eq(r->conflicts[0].path, "name");
	cr_assert_str_eq(r->conflicts[0].ours, "甲");
	cr_assert_str_eq(r->conflicts[0].theirs, "乙");
	cr_assert_str_eq(r->text, "id: x\n<<<<<<<<< HEAD\nname: 甲\n=========\nname: 乙\n>>>>>>>>> origin/main\n");
	crm_merge_result_free(r);
}

Test(recmerge, broken_side_falls_back_to_lines)
{
	const char *b = "id: x\nname: a\nkind: company\nsource: online\nstage: initial\n";
	const char *o = "id: x\nname: a\nkind: company\nsource: online\nstage: needs\n";
	const char *t = "id: x\nname: [broken\nkind: company\nsource: online\nstage: initial\n";
	crm_merge_result *r = NULL;
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), o, strlen(o), t, strlen(t), NULL), 0);
	cr_assert(r->line_merge);
	cr_assert_eq(r->nconflicts, 0);
	cr_assert_str_eq(r->text, "id: x\nname: [broken\nkind: company\nsource: online\nstage: needs\n");
	crm_merge_result_free(r);
	/* markers already in ours: still a line merge, nothing dropped */
	const char *o2 = "id: x\n<<<<<<< a\nname: a\n=======\nname: b\n>>>>>>> b\nkind: company\nsource: online\nstage: initial\n";
	const char *t2 = "id: x\nname: a\nkind: company\nsource: online\nstage: won\n";
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), o2, strlen(o2), t2, strlen(t2), NULL), 0);
	cr_assert(r->line_merge);
	cr_assert(strstr(r->text, "name: b\n") && strstr(r->text, "stage: won\n"), "%s", r->text);
	crm_merge_result_free(r);
}

Test(recmerge, missing_sides)
{
	const char *b = "id: x\nname: a\n", *changed = "id: x\nname: b\n";
	crm_merge_result *r = NULL;
	/* deleted in theirs, unchanged in ours: deleted */
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), b, strlen(b), NULL, 0, NULL), 0);
	cr_assert(r->deleted && !r->text && !r->nconflicts);
	crm_merge_result_free(r);
	/* deleted in ours, changed in theirs: a conflict on the whole record, theirs kept */
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), NULL, 0, changed, strlen(changed), NULL), 0);
	cr_assert(!r->deleted && r->nconflicts == 1);
	cr_assert_str_eq(r->conflicts[0].path, "");
	cr_assert_null(r->conflicts[0].ours);
	cr_assert_str_eq(r->conflicts[0].theirs, "changed");
	cr_assert_str_eq(r->text, changed);
	crm_merge_result_free(r);
	/* changed in ours, deleted in theirs */
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), changed, strlen(changed), NULL, 0, NULL), 0);
	cr_assert(r->nconflicts == 1 && r->conflicts[0].ours && !r->conflicts[0].theirs);
	crm_merge_result_free(r);
	/* no base: both added the record; different names conflict, the rest merges */
	const char *o = "id: x\nname: a\ntags: [甲]\n", *t = "id: x\nname: b\ntags: [乙]\n";
	cr_assert_eq(crm_record_merge(&r, NULL, 0, o, strlen(o), t, strlen(t), NULL), 0);
	cr_assert_eq(r->nconflicts, 1);
	cr_assert_str_eq(r->conflicts[0].path, "name");
	cr_assert(strstr(r->text, "tags: [甲, 乙]\n"), "%s", r->text);
	crm_merge_result_free(r);
	/* git's add/add passes an empty base file: the same two-way merge */
	cr_assert_eq(crm_record_merge(&r, "", 0, o, strlen(o), t, strlen(t), NULL), 0);
	cr_assert_not(r->line_merge);
	cr_assert(r->nconflicts == 1 && strstr(r->text, "tags: [甲, 乙]\n"), "%s", r->text);
	crm_merge_result_free(r);
}

Test(recmerge, chinese_text_and_comments_inside_a_copied_followup)
{
	const char *b = "id: x\nfollowups:\n  - date: 2024-05-01\n    by: ming\n    summary: 一\n";
	const char *o = "id: x\nfollowups:\n  - date: 2024-05-01\n    by: ming\n    summary: 一\n"
			"  - date: 2024-05-03\n    by: ming\n    summary: 三\n";
	const char *t = "id: x\nfollowups:\n  - date: 2024-05-01\n    by: ming\n    summary: 一\n"
			"    # 李的记录\n  - date: 2024-05-02\n    by: li\n    summary: 二，客户说“好”\n"
			"    notes: |\n      多行\n      文本\n";
	crm_merge_result *r = NULL;
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), o, strlen(o), t, strlen(t), NULL), 0);
	cr_assert_eq(r->nconflicts, 0);
	cr_assert_str_eq(r->text, "id: x\nfollowups:\n  - date: 2024-05-01\n    by: ming\n    summary: 一\n"
				  "  - date: 2024-05-02\n    by: li\n    summary: 二，客户说“好”\n"
				  "    notes: |\n      多行\n      文本\n"
				  "  - date: 2024-05-03\n    by: ming\n    summary: 三\n");
	crm_merge_result_free(r);
}

Test(recmerge, followups_indented_differently_are_reindented)
{
	const char *b = "id: x\nfollowups:\n- date: 2024-05-01\n  by: ming\n  summary: 一\n";
	const char *o = "id: y\nfollowups:\n- date: 2024-05-01\n  by: ming\n  summary: 一\n";
	const char *t = "id: x\nfollowups:\n    - date: 2024-05-01\n      by: ming\n      summary: 一\n"
			"    - date: 2024-05-02\n      by: li\n      summary: 二\n";
	crm_merge_result *r = NULL;
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), o, strlen(o), t, strlen(t), NULL), 0);
	cr_assert_eq(r->nconflicts, 0);
	cr_assert_str_eq(r->text, "id: y\nfollowups:\n- date: 2024-05-01\n  by: ming\n  summary: 一\n"
				  "- date: 2024-05-02\n  by: li\n  summary: 二\n");
	crm_merge_result_free(r);
}

Test(recmerge, one_side_unchanged_gives_the_other_byte_for_byte)
{
	const char *b = "id: x\nname: a\n";
	const char *t = "# 重写过的\nid: x\nname:   a   # 同名\n";
	crm_merge_result *r = NULL;
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), b, strlen(b), t, strlen(t), NULL), 0);
	cr_assert_str_eq(r->text, t);
	crm_merge_result_free(r);
	cr_assert_eq(crm_record_merge(&r, b, strlen(b), t, strlen(t), b, strlen(b), NULL), 0);
	cr_assert_str_eq(r->text, t);
	crm_merge_result_free(r);
}
