/* crm handover: one commit, exactly the expected lines, the brief, --leaving, and every refusal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(handover, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static void ok(e2e_run r)
{
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* A customer first contacted on 2024-05-01 (ids 202405001, 002, ... in order). */
static void add(const char *b, const char *name, const char *owner, const char *phone)
{
	ok(e2e_crmv(b, "add", name, "--kind", "company", "--source", "trade-show", "--owner", owner,
		    "--set", "first_contact.date=2024-05-01", NULL));
	if (phone)
		ok(e2e_crmv(b, "contact", name, "--name", "张伟", "--title", "采购经理", "--phone", phone,
			    NULL));
}

/*
 * The book of these tests:
 *  001 云栖 (ming): open, next action by ming (the owner's default)
 *  002 申达 (ming): open, next action given to sarah
 *  003 Northwind (sarah): open, next action given to ming
 *  004 港联 (li): nothing of ming's
 *  005 Contoso (ming): won; its last next action (by ming) is history
 */
static const char *book(void)
{
	const char *b = e2e_book();
	add(b, "杭州云栖智能制造", "ming", "13805712468");
	add(b, "上海申达物流", "ming", "13817760243");
	add(b, "Northwind Traders", "sarah", NULL);
	add(b, "宁波港联贸易", "li", NULL);
	add(b, "Contoso Retail", "ming", NULL);
	ok(e2e_crmv(b, "set", "202405001", "needs.summary=降低仓储成本30%", "needs.budget.max=200000", NULL));
	ok(e2e_crmv(b, "follow", "202405001", "--via", "phone", "--summary", "介绍智能仓储系统A",
		    "--next", "发送案例资料", "--date", "2024-05-10", NULL));
	ok(e2e_crmv(b, "stage", "202405001", "proposal", "--date", "2024-05-12", NULL));
	ok(e2e_crmv(b, "follow", "202405002", "--via", "visit", "--summary", "拜访陈总",
		    "--next-by", "sarah", "--next", "技术交流", NULL));
	ok(e2e_crmv(b, "follow", "202405003", "--via", "email", "--summary", "Sent the brochure",
		    "--next-by", "ming", "--next", "Send a payment plan", NULL));
	ok(e2e_crmv(b, "follow", "202405004", "--via", "phone", "--summary", "call", NULL));
	ok(e2e_crmv(b, "follow", "202405005", "--via", "phone", "--summary", "签约", "--next",
		    "上线回访", NULL));
	ok(e2e_crmv(b, "stage", "202405005", "won", "--amount", "380000", NULL));
	return b;
}

static char *rev(const char *b)
{
	return e2e_sh_out(b, "git rev-parse HEAD");
}

static void assert_clean(const char *b)
{
	e2e_assert_sh_eq(b, "", "git status --porcelain");
}

/* The lines a commit removed and added, one per line, with their - and +. */
static char *changed_lines(const char *b, const char *path)
{
	return e2e_sh_out(b, "git show -U0 --format= HEAD -- %s | grep '^[-+]' | grep -v '^+++\\|^---'",
			  path);
}

Test(handover, all_of_a_reps_customers_in_one_commit)
{
	const char *b = book();
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "handover", "--from", "ming", "--to", "li", "--brief", "../brief.md", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "brief in ../brief.md");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before + 1);
	assert_clean(b);
	e2e_assert_sh_eq(b, "handover ming -> li: 3 customers, 1 next action on colleagues' customers",
			 "git log -1 --format=%s");
	e2e_assert_sh_eq(b, "销售代表明", "git log -1 --format=%an");
	/* exactly the records of ming, and the one where ming held the next action */
	e2e_assert_sh_eq(b,
			 "customers/2024/05/202405001.yaml\ncustomers/2024/05/202405002.yaml\n"
			 "customers/2024/05/202405003.yaml\ncustomers/2024/05/202405005.yaml",
			 "git diff-tree --no-commit-id --name-only -r HEAD");
	/* and in each, only the owner line and the open next action's line */
	char *d = changed_lines(b, "customers/2024/05/202405001.yaml");
	cr_assert_str_eq(d, "-owner: ming\n+owner: li\n"
			    "-    next: {date: 2024-05-17, action: 发送案例资料, by: ming}\n"
			    "+    next: {date: 2024-05-17, action: 发送案例资料, by: li}", "%s", d);
	free(d);
	d = changed_lines(b, "customers/2024/05/202405002.yaml");
	cr_assert_str_eq(d, "-owner: ming\n+owner: li", "%s", d); /* sarah keeps her next action */
	free(d);
	d = changed_lines(b, "customers/2024/05/202405003.yaml");
	cr_assert_str_eq(d, "-    next: {date: 2024-05-27, action: Send a payment plan, by: ming}\n"
			    "+    next: {date: 2024-05-27, action: Send a payment plan, by: li}", "%s", d);
	free(d);
	d = changed_lines(b, "customers/2024/05/202405005.yaml");
	cr_assert_str_eq(d, "-owner: ming\n+owner: li", "%s", d); /* won: the next action is history */
	free(d);

	/* the brief: outside the book, not committed, with each customer's details */
	char *t = e2e_read("brief.md");
	cr_assert_not_null(t);
	const char *want[] = {
		"# Handover: 销售代表明 (ming) → 李娜 (li)",
		"## 杭州云栖智能制造 (202405001)", "## 上海申达物流 (202405002)", "## Contoso Retail (202405005)",
		"- Stage: Proposal, since 2024-05-12 (8 days)", "- Stage: Won",
		"- Needs summary: 降低仓储成本30%", "- Budget: up to 200000 CNY",
		"张伟 (采购经理): Phone 13805712468", "张伟 (采购经理): Phone 13817760243",
		"- Open next action: 2024-05-17 发送案例资料, by 李娜 (li), overdue by 3 days",
		"- Open next action: 2024-05-27 技术交流, by Sarah Chen (sarah), due in 7 days",
		"2024-05-10 Phone, 销售代表明 (ming): 介绍智能仓储系统A",
		"- Overdue next actions: 1",
		"## Next actions on colleagues' customers",
		"Northwind Traders (202405003), Owner Sarah Chen (sarah): 2024-05-27 Send a payment plan, by 李娜 (li)",
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++)
		e2e_assert_has(t, want[i]);
	e2e_assert_hasnt(t, "宁波港联贸易");
	free(t);
	/* after it, nothing of ming's is open and validate has nothing to say */
	r = e2e_crmv(b, "list", "--owner", "ming", NULL);
	e2e_assert_hasnt(r.out, "2024050");
	e2e_run_free(&r);
}

Test(handover, named_customers_only_brief_on_stdout)
{
	const char *b = book();
	char *h0 = rev(b);
	e2e_run r = e2e_crmv(b, "handover", "--from", "ming", "--to", "sarah", "云栖", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "# Handover: 销售代表明 (ming) → Sarah Chen (sarah)");
	e2e_assert_has(r.out, "## 杭州云栖智能制造 (202405001)");
	e2e_assert_has(r.out, "Phone 13805712468");
	e2e_assert_hasnt(r.out, "上海申达物流");
	e2e_assert_has(r.err, "handover ming -> sarah: 1 customer");
	e2e_run_free(&r);
	char *parent = e2e_sh_out(b, "git rev-parse HEAD~1");
	cr_assert_str_eq(parent, h0);
	free(parent);
	free(h0);
	e2e_assert_sh_eq(b, "customers/2024/05/202405001.yaml",
			 "git diff-tree --no-commit-id --name-only -r HEAD");
	assert_clean(b);
}

Test(handover, brief_inside_the_book_is_never_committed)
{
	const char *b = book();
	ok(e2e_crmv(b, "handover", "--from", "li", "--to", "ming", "--brief", "handover-li.md", NULL));
	e2e_assert_sh_eq(b, "customers/2024/05/202405004.yaml",
			 "git diff-tree --no-commit-id --name-only -r HEAD");
	e2e_assert_sh_eq(b, "?? handover-li.md", "git status --porcelain");
	char *t = e2e_read("book/handover-li.md");
	e2e_assert_has(t, "## 宁波港联贸易 (202405004)");
	free(t);
}

Test(handover, leaving_marks_left_in_the_same_commit)
{
	const char *b = book();
	int before = e2e_commits(b);
	ok(e2e_crmv(b, "handover", "--from", "ming", "--to", "li", "--leaving", "--brief", "../b.md", NULL));
	cr_assert_eq(e2e_commits(b), before + 1);
	assert_clean(b);
	e2e_assert_sh_eq(b, "handover ming -> li: 3 customers, 1 next action on colleagues' customers; "
			    "ming left 2024-05-20", "git log -1 --format=%s");
	e2e_assert_sh_eq(b,
			 "crm.yaml\ncustomers/2024/05/202405001.yaml\ncustomers/2024/05/202405002.yaml\n"
			 "customers/2024/05/202405003.yaml\ncustomers/2024/05/202405005.yaml",
			 "git diff-tree --no-commit-id --name-only -r HEAD");
	char *d = changed_lines(b, "crm.yaml");
	cr_assert_str_eq(d, "+    left: 2024-05-20", "%s", d);
	free(d);
	/* ming is gone: no warnings (nothing open is left with ming), and no new work */
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "0 errors, 0 warnings");
	e2e_run_free(&r);
	r = e2e_crmv(b, "add", "New Co", "--kind", "company", "--source", "online", "--owner", "ming", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "'ming' left the team on 2024-05-20");
	e2e_run_free(&r);
}

/* Run a handover that must fail with `code`, and check that nothing was written. */
static void refused(const char *b, int code, const char *msg, const char *const *argv)
{
	char *h0 = rev(b);
	e2e_run r = e2e_crm(b, argv);
	e2e_assert_code(r, code);
	e2e_assert_has(r.err, msg);
	e2e_run_free(&r);
	char *h1 = rev(b);
	cr_assert_str_eq(h0, h1, "HEAD moved after a refused handover (%s)", msg);
	free(h0);
	free(h1);
	assert_clean(b);
	cr_assert_null(e2e_read("brief.md"), "a refused handover wrote its brief (%s)", msg);
}

Test(handover, refusals_write_nothing)
{
	const char *b = book();
	/* li leaves on 2024-05-15 (before today, 2024-05-20) */
	ok(e2e_sh(b, "sed -i 's/^    email: li@example.com$/&\\n    left: 2024-05-15/' crm.yaml && "
		     "git commit -qm 'li left' crm.yaml"));
	e2e_assert_sh_eq(b, "1", "grep -c 'left: 2024-05-15' crm.yaml");
	refused(b, 1, "'nobody' is not in the team",
		(const char *[]){"handover", "--from", "ming", "--to", "nobody", "--brief", "../brief.md", NULL});
	refused(b, 1, "'li' left the team on 2024-05-15",
		(const char *[]){"handover", "--from", "ming", "--to", "li", "--brief", "../brief.md", NULL});
	refused(b, 1, "--from and --to are both 'ming'",
		(const char *[]){"handover", "--from", "ming", "--to", "ming", "--brief", "../brief.md", NULL});
	refused(b, 1, "'ghost' is not in the team",
		(const char *[]){"handover", "--from", "ghost", "--to", "sarah", "--brief", "../brief.md", NULL});
	refused(b, 1, "202405003 (Northwind Traders) is owned by sarah, not ming",
		(const char *[]){"handover", "--from", "ming", "--to", "sarah", "云栖", "Northwind",
				 "--brief", "../brief.md", NULL});
	refused(b, 1, "no customer 'nosuch'",
		(const char *[]){"handover", "--from", "ming", "--to", "sarah", "云栖", "nosuch",
				 "--brief", "../brief.md", NULL});
	refused(b, 2, "--leaving hands over all",
		(const char *[]){"handover", "--from", "ming", "--to", "sarah", "云栖", "--leaving", NULL});
	refused(b, 2, "--from and --to are required", (const char *[]){"handover", "--from", "ming", NULL});
	refused(b, 1, "cannot write the brief to ../nodir/brief.md",
		(const char *[]){"handover", "--from", "ming", "--to", "sarah", "--brief", "../nodir/brief.md",
				 NULL});
	/* sarah hands over Northwind and 002's next action; then she has nothing left to hand over */
	ok(e2e_crmv(b, "handover", "--from", "sarah", "--to", "ming", NULL));
	refused(b, 1, "sarah owns no customers and holds no open next actions",
		(const char *[]){"handover", "--from", "sarah", "--to", "ming", "--brief", "../brief.md", NULL});
	/* --leaving would commit crm.yaml: not with hand edits in it */
	ok(e2e_sh(b, "echo '# a note' >> crm.yaml"));
	char *h0 = rev(b);
	e2e_run r = e2e_crmv(b, "handover", "--from", "ming", "--to", "sarah", "--leaving", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm.yaml has changes that are not committed");
	e2e_run_free(&r);
	char *h1 = rev(b);
	cr_assert_str_eq(h0, h1);
	free(h0);
	free(h1);
	e2e_assert_sh_eq(b, " M crm.yaml", "git status --porcelain");
	e2e_assert_sh_eq(b, "0", "git diff HEAD -- customers | wc -l");
}

Test(handover, brief_in_the_books_language)
{
	const char *b = book();
	e2e_run r = e2e_crmv(b, "--lang", "zh", "handover", "--from", "ming", "--to", "li", "云栖", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "# 客户交接: 销售代表明 (ming) → 李娜 (li)");
	e2e_assert_has(r.out, "- 销售阶段: 方案沟通，自 2024-05-12 起（8 天）");
	e2e_assert_has(r.out, "联系电话 13805712468");
	e2e_assert_has(r.out, "- 待办跟进: 2024-05-17 发送案例资料，跟进人 李娜 (li)，逾期 3 天");
	e2e_assert_has(r.out, "电话沟通, 销售代表明 (ming): 介绍智能仓储系统A");
	e2e_run_free(&r);
}

Test(handover, help_and_listed)
{
	e2e_run r = e2e_crmv(NULL, "--help", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "  handover ");
	e2e_run_free(&r);
	r = e2e_crmv(NULL, "handover", "--help", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "usage: crm handover --from U --to V [WHO...] [--brief FILE] [--leaving]");
	e2e_run_free(&r);
}

Test(handover, a_commit_that_fails_puts_every_file_back)
{
	const char *b = book();
	char *h0 = rev(b);
	/* another git holds the branch: the commit cannot move it */
	ok(e2e_sh(b, "touch .git/refs/heads/$(git symbolic-ref --short HEAD).lock"));
	e2e_run r = e2e_crmv(b, "handover", "--from", "ming", "--to", "li", "--leaving", "--brief",
			     "../brief.md", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm: error: ");
	e2e_run_free(&r);
	ok(e2e_sh(b, "rm .git/refs/heads/*.lock"));
	char *h1 = rev(b);
	cr_assert_str_eq(h0, h1);
	free(h0);
	free(h1);
	assert_clean(b); /* crm.yaml and the records as they were */
	cr_assert_null(e2e_read("brief.md"));
}
