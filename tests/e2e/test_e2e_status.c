/*
 * crm status and crm commit: records edited by hand, reported and committed;
 * and the pre-commit hook that guards a plain `git commit`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(status, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);
TestSuite(commit, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

#define P1 "customers/2024/05/202405001.yaml"
#define P2 "customers/2024/05/202405002.yaml"

static const char *two_customers(void)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "trade-show", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "add", "李四", "--kind", "person", "--source", "referral", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return b;
}

/* Replace `from` by `to` (first occurrence) in the book file `rel`, as a person would. */
static void hand_edit(const char *b, const char *rel, const char *from, const char *to)
{
	char *p;
	cr_assert(asprintf(&p, "%s/%s", b, rel) >= 0);
	char *t = e2e_read(p);
	cr_assert_not_null(t, "%s", p);
	char *at = strstr(t, from);
	cr_assert_not_null(at, "'%s' not in %s", from, p);
	char *n;
	cr_assert(asprintf(&n, "%.*s%s%s", (int)(at - t), t, to, at + strlen(from)) >= 0);
	e2e_write(p, n);
	free(n);
	free(t);
	free(p);
}

static char *head(const char *b, const char *fmt)
{
	e2e_run r = e2e_sh(b, "git log -1 --format='%s'", fmt);
	e2e_assert_code(r, 0);
	free(r.err);
	return r.out;
}

Test(status, nothing_changed)
{
	const char *b = two_customers();
	e2e_run r = e2e_crmv(b, "status", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "");
	e2e_assert_has(r.err, "nothing to commit");
	e2e_run_free(&r);
	r = e2e_crmv(b, "status", "--json", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "[]\n");
	e2e_run_free(&r);
}

Test(status, lists_hand_edits_with_their_validity)
{
	const char *b = two_customers();
	hand_edit(b, P1, "name: 科技有限公司", "name: 科技集团");
	hand_edit(b, P2, "source: referral", "source: referal");
	e2e_run r = e2e_crmv(b, "status", NULL);
	e2e_assert_code(r, 0); /* a report: invalid records do not make it fail */
	e2e_assert_has(r.out, "M " P1 "  valid\n");
	e2e_assert_has(r.out, "M " P2 "  invalid: 1 error\n");
	e2e_assert_has(r.out, P2 ":5:9: error: source: 'referal'");
	e2e_assert_has(r.out, "did you mean 'referral'?");
	cr_assert(strstr(r.out, P1) < strstr(r.out, P2), "sorted by path:\n%s", r.out);
	e2e_run_free(&r);
	/* nothing was committed or staged by looking */
	r = e2e_sh(b, "git diff --cached --name-only");
	cr_assert_str_eq(r.out, "");
	e2e_run_free(&r);
}

Test(status, json_shape)
{
	const char *b = two_customers();
	hand_edit(b, P1, "name: 科技有限公司", "name: 科技集团");
	hand_edit(b, P2, "source: referral", "source: referal");
	e2e_run r = e2e_sh(b, "cp " P1 " customers/2024/05/202405003.yaml && "
			      "sed -i 's/202405001/202405003/' customers/2024/05/202405003.yaml");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "status", "--json", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(
		r.out,
		"[{\"path\":\"" P1 "\",\"status\":\"modified\",\"valid\":true,\"errors\":[]},"
		"{\"path\":\"" P2 "\",\"status\":\"modified\",\"valid\":false,\"errors\":"
		"[{\"line\":5,\"column\":9,\"message\":\"source: 'referal' is not one of online, "
		"referral, trade-show, cold-call, other (did you mean 'referral'?)\"}]},"
		"{\"path\":\"customers/2024/05/202405003.yaml\",\"status\":\"added\",\"valid\":true,"
		"\"errors\":[]}]\n");
	e2e_run_free(&r);
	r = e2e_sh(b, "rm " P2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "status", "--json", NULL);
	e2e_assert_has(r.out, "{\"path\":\"" P2 "\",\"status\":\"deleted\",\"valid\":true,\"errors\":[]}");
	e2e_run_free(&r);
}

Test(status, new_and_deleted_and_not_records)
{
	const char *b = two_customers();
	e2e_run r = e2e_sh(b, "git rm -q " P2 " && mkdir -p customers/x && "
			      "cp " P1 " customers/x/202405001.yaml && echo x > customers/notes.txt && "
			      "echo x > customers/2024/05/.202405001.yaml.swp");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "status", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "D " P2);
	e2e_assert_has(r.out, "deleted");
	/* a copy under another folder: the same id twice */
	e2e_assert_has(r.out, "A customers/x/202405001.yaml");
	e2e_assert_has(r.out, "ids must be unique");
	e2e_assert_hasnt(r.out, "notes.txt");
	e2e_assert_hasnt(r.out, ".swp");
	e2e_run_free(&r);
}

Test(status, usage)
{
	const char *b = two_customers();
	e2e_run r = e2e_crmv(b, "status", "--bogus", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "status", "--help", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "--json");
	e2e_assert_has(r.out, "exit status");
	e2e_run_free(&r);
}

Test(commit, commits_exactly_the_hand_edited_records)
{
	const char *b = two_customers();
	hand_edit(b, P1, "name: 科技有限公司", "name: 科技集团");
	/* something unrelated staged is left alone */
	e2e_run r = e2e_sh(b, "echo hello > README.txt && git add README.txt");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	int before = e2e_commits(b);
	r = e2e_crmv(b, "commit", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before + 1);
	char *s = head(b, "%s|%an|%ae");
	cr_assert_str_eq(s, "edit 202405001: 科技集团|销售代表明|ming@example.com\n");
	free(s);
	r = e2e_sh(b, "git show --name-only --format= HEAD");
	cr_assert_str_eq(r.out, P1 "\n");
	e2e_run_free(&r);
	r = e2e_sh(b, "git status --porcelain");
	cr_assert_str_eq(r.out, "A  README.txt\n");
	e2e_run_free(&r);
	r = e2e_crmv(b, "status", NULL);
	cr_assert_str_eq(r.out, "");
	e2e_run_free(&r);
	r = e2e_sh(b, "git fsck --no-progress 2>&1");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(commit, several_records_new_and_deleted_with_a_message)
{
	const char *b = two_customers();
	e2e_run r = e2e_sh(b, "cp " P1 " customers/2024/05/202405003.yaml && "
			      "sed -i 's/202405001/202405003/' customers/2024/05/202405003.yaml && "
			      "rm " P2);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	hand_edit(b, P1, "name: 科技有限公司", "name: 科技集团");
	r = e2e_crmv(b, "commit", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *s = head(b, "%s");
	cr_assert_str_eq(s, "edit: 202405001, 202405002, 202405003\n");
	free(s);
	r = e2e_sh(b, "git show --no-renames --name-status --format= HEAD");
	cr_assert_str_eq(r.out, "M\t" P1 "\nD\t" P2 "\nA\tcustomers/2024/05/202405003.yaml\n");
	e2e_run_free(&r);
	hand_edit(b, P1, "name: 科技集团", "name: 科技");
	r = e2e_crmv(b, "commit", "-m", "rename after the merger", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	s = head(b, "%s");
	cr_assert_str_eq(s, "rename after the merger\n");
	free(s);
}

Test(commit, refuses_while_a_record_is_invalid)
{
	const char *b = two_customers();
	hand_edit(b, P1, "name: 科技有限公司", "name: 科技集团");
	hand_edit(b, P2, "stage: initial", "stage: negociation");
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "commit", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, P2 ":");
	e2e_assert_has(r.err, "did you mean 'negotiation'?");
	e2e_assert_has(r.err, "nothing committed");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
	/* the valid one is not committed alone either, and the files are as they were */
	r = e2e_sh(b, "git status --porcelain");
	cr_assert_str_eq(r.out, " M " P1 "\n M " P2 "\n");
	e2e_run_free(&r);
}

Test(commit, nothing_to_commit)
{
	const char *b = two_customers();
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "commit", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "nothing to commit");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
}

Test(commit, usage)
{
	const char *b = two_customers();
	e2e_run r = e2e_crmv(b, "commit", "-m", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "commit", "-m", "", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "commit", P1, NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}

Test(commit, waits_for_the_book_lock)
{
	const char *b = two_customers();
	hand_edit(b, P1, "name: 科技有限公司", "name: 科技集团");
	int before = e2e_commits(b);
	/* another process holds .git/crm.lock: commit gives up, committing nothing */
	setenv("CRM_LOCK_TIMEOUT", "1", 1);
	e2e_run r = e2e_sh(b, "flock .git/crm.lock sh -c '\"%s\" commit; echo rc=$?'",
			   getenv("CRM_BIN"));
	e2e_assert_has(r.out, "rc=1");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
	r = e2e_crmv(b, "commit", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before + 1);
}

Test(commit, git_commit_hook_refuses_an_invalid_record)
{
	const char *b = two_customers();
	hand_edit(b, P2, "stage: initial", "stage: negociation");
	int before = e2e_commits(b);
	e2e_run r = e2e_sh(b, "git add " P2 " && git commit -m 'by hand' 2>&1");
	cr_assert_neq(r.code, 0, "the hook let an invalid record in:\n%s", r.out);
	e2e_assert_has(r.out, P2);
	e2e_assert_has(r.out, "negociation");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
	/* fixed, the same plain git commit goes through */
	hand_edit(b, P2, "stage: negociation", "stage: initial");
	hand_edit(b, P2, "name: 李四", "name: 李四光");
	r = e2e_sh(b, "git add " P2 " && git commit -qm 'by hand' 2>&1");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before + 1);
}
