/* Team members who leave: `left:` in crm.yaml, and the rules over records that follow. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/config.h"
#include "crm/edit.h"
#include "crm/team.h"

/* Load a crm.yaml with this team through the real loader; diags may be NULL. */
static int load(crm_config **c, const char *team, crm_diags *d)
{
	char path[] = "/tmp/crm-team-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "book: t\nteam:\n%s", team);
	fclose(f);
	int rc = crm_config_load(c, path, d);
	unlink(path);
	return rc;
}

static crm_config *team(void)
{
	crm_config *c = NULL;
	int rc = load(&c,
		      "  - {id: ming, name: Ming}\n"
		      "  - {id: li, name: Li, left: 2024-05-10}\n"
		      "  - id: sarah\n    name: Sarah\n",
		      NULL);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	return c;
}

static crm_date D(const char *s)
{
	crm_date d;
	cr_assert(crm_date_parse_iso(&d, s), "%s", s);
	return d;
}

static crm_record *rec(const crm_config *c, const char *yaml)
{
	crm_record *r = NULL;
	cr_assert_eq(crm_record_new(&r, "customers/x.yaml", "x", yaml, strlen(yaml)), 0);
	r->config = c;
	return r;
}

Test(team, left_is_read_and_counts_from_its_day)
{
	crm_config *c = team();
	cr_assert_str_eq(crm_config_member(c, "li")->left, "2024-05-10");
	cr_assert_null(crm_config_member(c, "ming")->left);
	cr_assert_null(crm_config_left_on(c, "li", D("2024-05-09")));
	cr_assert_str_eq(crm_config_left_on(c, "li", D("2024-05-10")), "2024-05-10");
	cr_assert_str_eq(crm_config_left_on(c, "li", D("2025-01-01")), "2024-05-10");
	cr_assert_null(crm_config_left_on(c, "ming", D("2025-01-01")));
	cr_assert_null(crm_config_left_on(c, "nobody", D("2025-01-01")));
	char *gone = crm_team_departed(c, D("2024-05-20"));
	cr_assert_str_eq(gone, "li");
	free(gone);
	gone = crm_team_departed(c, D("2024-05-01"));
	cr_assert_str_eq(gone, "");
	free(gone);
	crm_config_free(c);
}

Test(team, left_must_be_a_real_date)
{
	const char *bad[] = {"2024-02-30", "soon", "2024-5-1", "[2024-05-01]", "''"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		crm_config *c = NULL;
		crm_diags d = {0};
		char *t = crm_xasprintf("  - id: ming\n    name: Ming\n    left: %s\n", bad[i]);
		cr_assert_eq(load(&c, t, &d), CRM_EINVALID, "left: %s was accepted", bad[i]);
		cr_assert_null(c);
		cr_assert_eq(d.n, 1, "%s: %zu diagnostics", bad[i], d.n);
		cr_assert_eq(d.v[0].line, 5, "%s: line %d", bad[i], d.v[0].line);
		cr_assert_eq(d.v[0].col, 11, "%s: col %d", bad[i], d.v[0].col);
		cr_assert(strstr(d.v[0].msg, "left must be the date they left"), "%s", d.v[0].msg);
		crm_diags_free(&d);
		free(t);
	}
}

Test(team, validate_warns_about_open_work_only)
{
	crm_config *c = team();
	crm_date today = D("2024-05-20");
	/* open, owned by li, next action by li: two warnings naming crm handover */
	crm_record *r = rec(c, "id: x\nowner: li\nstage: proposal\nfollowups:\n"
			       "  - date: 2024-05-01\n    by: li\n"
			       "    next: {date: 2024-05-08, action: call, by: li}\n");
	crm_diags d = {0};
	crm_team_check_record(c, r, today, &d);
	cr_assert_eq(d.n, 2);
	cr_assert_eq(crm_diags_errors(&d), 0);
	cr_assert_eq(d.v[0].line, 2);
	cr_assert(strstr(d.v[0].msg, "crm handover --from li --to ID"), "%s", d.v[0].msg);
	cr_assert_eq(d.v[1].line, 7);
	cr_assert(strstr(d.v[1].msg, "followups[0].next.by"), "%s", d.v[1].msg);
	crm_diags_free(&d);
	crm_record_free(r);
	/* won: history only, no warning */
	r = rec(c, "id: x\nowner: li\nstage: won\nfollowups:\n"
		   "  - date: 2024-05-01\n    by: li\n    next: {date: 2024-05-08, action: a, by: li}\n");
	crm_team_check_record(c, r, today, &d);
	cr_assert_eq(d.n, 0);
	crm_record_free(r);
	/* li only in history (an older follow-up, first contact): no warning */
	r = rec(c, "id: x\nowner: ming\nfirst_contact: {date: 2024-04-01, by: li}\nstage: needs\n"
		   "followups:\n  - date: 2024-04-02\n    by: li\n    next: {date: 2024-04-05, action: a, by: li}\n"
		   "  - date: 2024-05-12\n    by: ming\n    next: {date: 2024-05-19, action: b, by: ming}\n");
	crm_team_check_record(c, r, today, &d);
	cr_assert_eq(d.n, 0, "%s", d.n ? d.v[0].msg : "");
	/* before li left, nothing to warn about either */
	crm_record_free(r);
	r = rec(c, "id: x\nowner: li\nstage: needs\n");
	crm_team_check_record(c, r, D("2024-05-09"), &d);
	cr_assert_eq(d.n, 0);
	crm_record_free(r);
	crm_diags_free(&d);
	crm_config_free(c);
}

Test(team, new_work_for_someone_gone_is_refused)
{
	crm_config *c = team();
	crm_date today = D("2024-05-20");
	crm_record *r = rec(c, "id: x\nowner: li\nstage: needs\n");
	/* a new record owned by li */
	cr_assert_eq(crm_team_refuse_new_work(c, r, NULL, NULL, today), CRM_EFAIL);
	cr_assert(strstr(crm_error_last(), "'li' left the team on 2024-05-10"), "%s", crm_error_last());
	cr_assert(strstr(crm_error_last(), "(ming, sarah)"), "%s", crm_error_last());
	/* li owned it already: not new work */
	cr_assert_eq(crm_team_refuse_new_work(c, r, "li", "li", today), 0);
	/* before li left */
	cr_assert_eq(crm_team_refuse_new_work(c, r, NULL, NULL, D("2024-05-09")), 0);
	crm_record_free(r);
	/* a next action newly given to li */
	r = rec(c, "id: x\nowner: ming\nstage: needs\nfollowups:\n"
		   "  - date: 2024-05-12\n    next: {date: 2024-05-19, action: a, by: li}\n");
	cr_assert_eq(crm_team_refuse_new_work(c, r, "ming", "ming", today), CRM_EFAIL);
	cr_assert(strstr(crm_error_last(), "can be given no next action"), "%s", crm_error_last());
	cr_assert_str_eq(crm_team_next_holder(r), "li");
	crm_record_free(r);
	/* a next action without next.by is the owner's */
	r = rec(c, "id: x\nowner: ming\nstage: needs\nfollowups:\n  - date: 2024-05-12\n");
	cr_assert_str_eq(crm_team_next_holder(r), "ming");
	crm_record_free(r);
	crm_config_free(c);
}

Test(team, mark_left_edits_one_entry_in_place)
{
	const char *src = "book: t   # ours\nteam:\n  - id: ming\n    name: Ming\n"
			  "  - {id: li, name: Li}   # flow\n";
	crm_doc *doc = NULL;
	cr_assert_eq(crm_doc_parse(&doc, "crm.yaml", src, strlen(src), NULL), 0);
	cr_assert_eq(crm_team_mark_left(&doc, "ming", D("2024-05-20")), 0, "%s", crm_error_last());
	cr_assert_eq(crm_team_mark_left(&doc, "li", D("2024-05-21")), 0, "%s", crm_error_last());
	cr_assert_str_eq(doc->src, "book: t   # ours\nteam:\n  - id: ming\n    name: Ming\n"
				   "    left: 2024-05-20\n"
				   "  - {id: li, name: Li, left: 2024-05-21}   # flow\n");
	/* a second time changes the date */
	cr_assert_eq(crm_team_mark_left(&doc, "ming", D("2024-06-01")), 0);
	cr_assert(strstr(doc->src, "    left: 2024-06-01\n"));
	cr_assert_eq(crm_team_mark_left(&doc, "nobody", D("2024-05-20")), CRM_ENOTFOUND);
	crm_doc_free(doc);
}
