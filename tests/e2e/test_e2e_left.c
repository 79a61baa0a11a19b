/* Team members who leave (SPEC §2 `left:`): valid in history, refused for new work, warned about. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(left, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static void ok(e2e_run r)
{
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* Mark li as gone on `day` in crm.yaml, by hand, and commit it. */
static void li_leaves(const char *b, const char *day)
{
	ok(e2e_sh(b, "sed -i 's/^    email: li@example.com$/&\\n    left: %s/' crm.yaml && "
		     "git commit -qm 'li leaves' crm.yaml", day));
}

/* 202405001 owned by li, with li all over its history; 202405002 owned by ming. */
static const char *book(void)
{
	const char *b = e2e_book();
	ok(e2e_crmv(b, "add", "杭州云栖", "--kind", "company", "--source", "online", "--owner", "li",
		    "--set", "first_contact.date=2024-05-01", NULL));
	ok(e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", "--owner", "ming",
		    "--set", "first_contact.date=2024-05-01", NULL));
	ok(e2e_crmv(b, "follow", "202405001", "--via", "phone", "--by", "li", "--summary", "first call",
		    "--date", "2024-05-02", "--next", "send the case", NULL));
	ok(e2e_crmv(b, "follow", "202405002", "--via", "phone", "--by", "li", "--summary", "intro",
		    "--date", "2024-05-03", "--next-by", "li", "--next", "call back", NULL));
	return b;
}

/* Run crm and expect exit 1 with `msg`, HEAD unchanged and the tree clean. */
static void refused(const char *b, const char *msg, const char *const *argv)
{
	char *h0 = e2e_sh_out(b, "git rev-parse HEAD");
	e2e_run r = e2e_crm(b, argv);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, msg);
	e2e_run_free(&r);
	char *h1 = e2e_sh_out(b, "git rev-parse HEAD");
	cr_assert_str_eq(h0, h1, "HEAD moved (%s)", msg);
	e2e_assert_sh_eq(b, "", "git status --porcelain");
	free(h0);
	free(h1);
}

Test(left, no_new_customer_or_next_action)
{
	const char *b = book();
	li_leaves(b, "2024-05-15");
	refused(b, "'li' left the team on 2024-05-15 and can be given no customer",
		(const char *[]){"add", "New Co", "--kind", "company", "--source", "online", "--owner",
				 "li", NULL});
	refused(b, "'li' left the team on 2024-05-15 and can be given no customer",
		(const char *[]){"add", "New Co", "--kind", "company", "--source", "online", "--set",
				 "owner=li", NULL});
	refused(b, "'li' left the team on 2024-05-15 and can be given no customer",
		(const char *[]){"set", "Acme", "owner=li", NULL});
	refused(b, "can be given no next action",
		(const char *[]){"follow", "Acme", "--via", "phone", "--summary", "x", "--next-by", "li", NULL});
	/* --next-by defaults to the owner, who is gone: say so rather than give li the action */
	refused(b, "or hand li's customers over with 'crm handover --from li --to ID'",
		(const char *[]){"follow", "杭州云栖", "--via", "phone", "--summary", "x", NULL});
	ok(e2e_crmv(b, "set", "Acme", "followups[0].next.by=sarah", NULL));
	refused(b, "can be given no next action",
		(const char *[]){"set", "Acme", "followups[0].next.by=li", NULL});
	refused(b, "a follow-up on or after that day was someone else's",
		(const char *[]){"follow", "Acme", "--via", "phone", "--summary", "x", "--by", "li",
				 "--date", "2024-05-15", NULL});
	refused(b, "'li' left the team on 2024-05-15",
		(const char *[]){"handover", "--from", "ming", "--to", "li", NULL});
	/* what li did before leaving may still be logged */
	ok(e2e_crmv(b, "follow", "Acme", "--via", "visit", "--summary", "late entry", "--by", "li",
		    "--date", "2024-05-14", NULL));
	/* and other people's work goes on */
	ok(e2e_crmv(b, "set", "杭州云栖", "owner=sarah", NULL));
	ok(e2e_crmv(b, "follow", "杭州云栖", "--via", "phone", "--summary", "new owner calls", NULL));
}

Test(left, a_day_still_to_come_is_no_refusal)
{
	const char *b = book();
	li_leaves(b, "2024-06-01");
	ok(e2e_crmv(b, "add", "New Co", "--kind", "company", "--source", "online", "--owner", "li", NULL));
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "0 errors, 0 warnings");
	e2e_run_free(&r);
}

Test(left, history_stays_valid_and_open_work_is_warned_about)
{
	const char *b = book();
	li_leaves(b, "2024-05-15");
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0); /* warnings, not errors */
	e2e_assert_has(r.err, "0 errors, 3 warnings");
	e2e_assert_has(r.out, "customers/2024/05/202405001.yaml:6:8: warning: owner: 'li' left the team "
			      "on 2024-05-15 and still owns this open customer; hand it over with "
			      "'crm handover --from li --to ID'");
	e2e_assert_has(r.out, "202405001.yaml:");
	e2e_assert_has(r.out, "warning: followups[0].next.by: the open next action is held by 'li'");
	e2e_assert_hasnt(r.out, "first_contact.by");
	e2e_assert_hasnt(r.out, "error");
	e2e_run_free(&r);
	r = e2e_crmv(b, "validate", "--json", NULL);
	e2e_assert_has(r.out, "\"severity\":\"warning\"");
	e2e_assert_hasnt(r.out, "\"severity\":\"error\"");
	e2e_run_free(&r);
	/* the fix the warning names makes it go away; the history that names li stays valid */
	ok(e2e_crmv(b, "handover", "--from", "li", "--to", "sarah", NULL));
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "0 errors, 0 warnings");
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "    by: li", "grep 'by: li' customers/2024/05/202405001.yaml");
	/* a won customer of li's is history too: no warning */
	ok(e2e_crmv(b, "set", "Acme", "owner=sarah", NULL));
	ok(e2e_crmv(b, "stage", "Acme", "won", "--amount", "1000", NULL));
}

Test(left, the_warning_follows_the_calendar)
{
	const char *b = book();
	li_leaves(b, "2024-05-25");
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_has(r.err, "0 errors, 0 warnings");
	e2e_run_free(&r);
	/* the same files, a later day: the cached results must not hide the warnings */
	setenv("CRM_TODAY", "2024-05-26", 1);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "0 errors, 3 warnings");
	e2e_run_free(&r);
}

Test(left, must_be_a_real_date)
{
	const char *b = book();
	ok(e2e_sh(b, "sed -i 's/^    email: li@example.com$/&\\n    left: 2024-02-30/' crm.yaml"));
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "crm.yaml:10:11: error: team member 'li': left must be the date they "
			      "left, as YYYY-MM-DD (a real calendar date), not '2024-02-30'");
	e2e_run_free(&r);
}

Test(left, setup_warns_but_sets_up)
{
	const char *b = book();
	li_leaves(b, "2024-05-15");
	e2e_run r = e2e_crmv(b, "setup", "--user", "li", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "warning: 'li' left the team on 2024-05-15");
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "li", "git config crm.user");
}
