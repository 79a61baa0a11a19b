/* The transaction's refusals: an invalid record stays as it is unless the change fixes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(txn, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static const char *TYPO = "id: \"202405001\"\n"
			  "name: 科技有限公司\n"
			  "kind: company\n"
			  "source: trade-show\n"
			  "owner: ming\n"
			  "first_contact: {date: 2024-05-01, by: ming}\n"
			  "# the stage has a typo on the next line\n"
			  "stage: negociation\n"
			  "stage_history:\n"
			  "  - {stage: initial, date: 2024-05-01}\n";

static const char *put_typo(const char *b)
{
	e2e_write("book/customers/2024/05/202405001.yaml", TYPO);
	e2e_run r = e2e_sh(b, "git add -A && git commit -q --no-verify -m typo");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return "book/customers/2024/05/202405001.yaml";
}

Test(txn, a_change_to_an_invalid_record_points_at_the_file_as_it_is)
{
	const char *b = e2e_book();
	const char *path = put_typo(b);
	int n = e2e_commits(b);
	/* tag inserts a line above the typo: the error must still say line 8 */
	e2e_run r = e2e_crmv(b, "tag", "202405001", "高意向", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "customers/2024/05/202405001.yaml:8:8: error:");
	e2e_assert_has(r.err, "negotiation");
	e2e_assert_has(r.err, "invalid on disk already");
	e2e_assert_has(r.err, "crm edit 202405001");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
	char *text = e2e_read(path);
	cr_assert_str_eq(text, TYPO);
	free(text);
}

Test(txn, a_change_that_fixes_an_invalid_record_is_committed)
{
	const char *b = e2e_book();
	const char *path = put_typo(b);
	int n = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "set", "202405001", "stage=negotiation", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n + 1);
	char *text = e2e_read(path);
	e2e_assert_has(text, "# the stage has a typo on the next line\nstage: negotiation\n");
	free(text);
}

Test(txn, a_record_moved_by_hand_is_still_found_by_its_id)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "Moved Co", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh(b, "mkdir -p customers/vip && git mv customers/2024/05/202405001.yaml customers/vip/ && "
		      "git commit -qm moved");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv(b, "tag", "202405001", "vip", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *text = e2e_read("book/customers/vip/202405001.yaml");
	cr_assert_not_null(text);
	e2e_assert_has(text, "tags: [vip]\n");
	free(text);
	cr_assert_null(e2e_read("book/customers/2024/05/202405001.yaml"));
}
