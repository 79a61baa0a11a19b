/* crm stage: moves forward and back, the rules of lost and won, and what the commit changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(stage, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* A book with one customer, 202405001, first contacted 2024-05-01. */
static const char *book1(void)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "online", "--set",
			     "first_contact.date=2024-05-01", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return b;
}

static char *text(const char *b)
{
	char *p = e2e_record_path(b, "202405001");
	char *t = e2e_read(p);
	free(p);
	return t;
}

Test(stage, forward_changes_one_line_and_adds_history)
{
	const char *b = book1();
	e2e_run r = e2e_sh(b, "sed -i 's/^stage: initial$/stage: initial  # 阶段/' customers/2024/05/202405001.yaml"
			      " && git commit -qam comment");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "stage", "202405001", "proposal", "--date", "2024-05-12", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh(b, "git log -1 --format=%%s%%n%%an && git show --format= -U0 HEAD | grep '^[-+][^-+]'");
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "stage 202405001: initial -> proposal\n销售代表明\n"
				"-stage: initial  # 阶段\n"
				"+stage: proposal  # 阶段\n"
				"+  - {stage: proposal, date: 2024-05-12}\n");
	e2e_run_free(&r);
	/* by label, in either language */
	r = e2e_crmv(b, "stage", "科技", "谈判中", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "Proposal -> Negotiation");
	e2e_run_free(&r);
	r = e2e_sh(b, "git log -1 --format=%%s");
	cr_assert_str_eq(r.out, "stage 202405001: proposal -> negotiation\n");
	e2e_run_free(&r);
	char *t = text(b);
	e2e_assert_has(t, "stage: negotiation  # 阶段\nstage_history:\n"
			  "  - {stage: initial, date: 2024-05-01}\n"
			  "  - {stage: proposal, date: 2024-05-12}\n"
			  "  - {stage: negotiation, date: 2024-05-20}\n");
	free(t);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(stage, back_is_allowed)
{
	const char *b = book1();
	e2e_run r = e2e_crmv(b, "stage", "202405001", "negotiation", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "stage", "202405001", "needs", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh(b, "git log -1 --format=%%s");
	cr_assert_str_eq(r.out, "stage 202405001: negotiation -> needs\n");
	e2e_run_free(&r);
	char *t = text(b);
	e2e_assert_has(t, "stage: needs\n");
	e2e_assert_has(t, "  - {stage: negotiation, date: 2024-05-20}\n  - {stage: needs, date: 2024-05-20}\n");
	free(t);
}

Test(stage, same_stage_changes_nothing)
{
	const char *b = book1();
	int commits = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "stage", "202405001", "initial", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "already");
	e2e_run_free(&r);
	r = e2e_crmv(b, "stage", "202405001", "初步接触", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), commits);
	r = e2e_sh(b, "git status --porcelain");
	cr_assert_str_eq(r.out, "");
	e2e_run_free(&r);
}

/* Run stage with args; assert the exit code, a phrase of stderr, and that nothing was written. */
static void refused(const char *b, int code, const char *err, const char *const *args)
{
	char *before = text(b);
	int commits = e2e_commits(b);
	const char *argv[16] = {"stage", "202405001"};
	size_t n = 2;
	while (args[n - 2])
		argv[n] = args[n - 2], n++;
	argv[n] = NULL;
	e2e_run r = e2e_crm(b, argv);
	e2e_assert_code(r, code);
	e2e_assert_has(r.err, err);
	e2e_run_free(&r);
	char *after = text(b);
	cr_assert_str_eq(after, before);
	cr_assert_eq(e2e_commits(b), commits);
	free(before);
	free(after);
}

Test(stage, rules_of_lost_and_won)
{
	const char *b = book1();
	refused(b, 1, "reason", (const char *[]){"lost", NULL});
	refused(b, 1, "reason", (const char *[]){"lost", "--reason", "", NULL});
	refused(b, 1, "amount", (const char *[]){"won", NULL});
	refused(b, 1, "amount", (const char *[]){"won", "--signed", "2024-05-01", NULL});
	refused(b, 2, "not a number", (const char *[]){"won", "--amount", "lots", NULL});
	refused(b, 2, "not a valid date", (const char *[]){"won", "--amount", "1", "--signed", "2024-13-01", NULL});
	refused(b, 1, "did you mean 'won'", (const char *[]){"wonn", NULL});
	refused(b, 1, "future", (const char *[]){"needs", "--date", "tomorrow", NULL});
	refused(b, 2, "needs a value", (const char *[]){"won", "--amount", NULL});
	refused(b, 2, "stage", (const char *[]){NULL});
}

Test(stage, lost_writes_the_reason)
{
	const char *b = book1();
	e2e_run r = e2e_crmv(b, "stage", "202405001", "流失", "--reason", "预算取消: 明年再说", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *t = text(b);
	e2e_assert_has(t, "stage: lost\n");
	e2e_assert_has(t, "lost_reason: '预算取消: 明年再说'\n");
	free(t);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(stage, won_writes_the_deal)
{
	const char *b = book1();
	e2e_run r = e2e_crmv(b, "stage", "202405001", "won", "--amount", "180000", "--contract-end",
			     "2025-07-31", "--date", "2024-05-18", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *t = text(b);
	e2e_assert_has(t, "stage: won\n");
	e2e_assert_has(t, "  - {stage: won, date: 2024-05-18}\n"
			  "deal: {amount: 180000, signed: 2024-05-18, contract_end: 2025-07-31}\n");
	free(t);
	r = e2e_sh(b, "git log -1 --format=%%s && git show --numstat --format= HEAD");
	e2e_assert_has(r.out, "stage 202405001: initial -> won\n");
	e2e_assert_has(r.out, "3\t1\tcustomers/2024/05/202405001.yaml");
	e2e_run_free(&r);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	/* back to negotiation, then won again: the deal's other keys stay */
	r = e2e_crmv(b, "stage", "202405001", "negotiation", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "stage", "202405001", "won", "--amount", "200000", "--signed", "2024-05-19", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	t = text(b);
	e2e_assert_has(t, "deal: {amount: 200000, signed: 2024-05-19, contract_end: 2025-07-31}\n");
	free(t);
}
