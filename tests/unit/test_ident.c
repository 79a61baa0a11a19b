/*
 * Identities: the rules for git author names and emails (crm/ident.h), the
 * team of crm.yaml checked by them, and the commit layer refusing a
 * malformed identity whatever crm.yaml let through.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "crm/buf.h"
#include "crm/config.h"
#include "crm/history.h"
#include "crm/ident.h"

static char root[64];

static void setup(void)
{
	strcpy(root, "/tmp/crm-ident-XXXXXX");
	cr_assert_not_null(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	setenv("HOME", root, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	cr_assert_eq(git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, root), 0);
}

static void teardown(void)
{
	char *cmd = crm_xasprintf("rm -rf '%s'", root);
	cr_expect_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(ident, .init = setup, .fini = teardown);

Test(ident, names_that_git_can_record)
{
	cr_expect_null(crm_ident_name_problem("Ming"));
	cr_expect_null(crm_ident_name_problem("销售代表*明"));
	cr_expect_null(crm_ident_name_problem("Sarah O'Brien-Chen"));
	cr_expect_not_null(crm_ident_name_problem("Ming\nparent 0000000000000000000000000000000000000000"));
	cr_expect_not_null(crm_ident_name_problem("Ming\r"));
	cr_expect_not_null(crm_ident_name_problem("Ming\tLi"));
	cr_expect_not_null(crm_ident_name_problem("Evil\x1b]0;x\a"));
	cr_expect_not_null(crm_ident_name_problem("C1 \xc2\x9b control"));
	cr_expect_not_null(crm_ident_name_problem("Ming <m@x.com>"));
	cr_expect_not_null(crm_ident_name_problem("a>b"));
	cr_expect_not_null(crm_ident_name_problem(""));
	cr_expect_not_null(crm_ident_name_problem("   "));
	cr_expect_not_null(crm_ident_name_problem(NULL));
}

Test(ident, emails_must_look_like_emails)
{
	cr_expect_null(crm_ident_email_problem("ming@example.com"));
	cr_expect_null(crm_ident_email_problem("ming.li+crm@mail.example.cn"));
	cr_expect_null(crm_ident_email_problem("root@localhost"));
	cr_expect_not_null(crm_ident_email_problem("ming"));
	cr_expect_not_null(crm_ident_email_problem("@example.com"));
	cr_expect_not_null(crm_ident_email_problem("ming@"));
	cr_expect_not_null(crm_ident_email_problem("ming@@example.com"));
	cr_expect_not_null(crm_ident_email_problem("a@b@example.com"));
	cr_expect_not_null(crm_ident_email_problem("ming@example..com"));
	cr_expect_not_null(crm_ident_email_problem("ming@.example.com"));
	cr_expect_not_null(crm_ident_email_problem("ming @example.com"));
	cr_expect_not_null(crm_ident_email_problem("ming@example.com\nx"));
	cr_expect_not_null(crm_ident_email_problem("<ming@example.com>"));
}

/* Write crm.yaml with this team and load it; return the diagnostics' text. */
static char *load_team(const char *team, int *rc)
{
	char *path = crm_xasprintf("%s/crm.yaml", root);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "book: t\nteam:\n%s", team);
	cr_assert_eq(fclose(f), 0);
	crm_config *c = NULL;
	crm_diags d = {0};
	*rc = crm_config_load(&c, path, &d);
	crm_buf b = CRM_BUF_INIT;
	for (size_t i = 0; i < d.n; i++)
		crm_buf_printf(&b, "%d:%d: %s\n", d.v[i].line, d.v[i].col, d.v[i].msg);
	crm_buf_puts(&b, "");
	crm_diags_free(&d);
	crm_config_free(c);
	free(path);
	return crm_buf_detach(&b);
}

Test(ident, a_good_team_loads)
{
	int rc;
	char *out = load_team("  - id: ming\n    name: 明\n    email: ming@example.com\n"
			      "  - id: li_2-x\n    name: Li\n", &rc);
	cr_expect_eq(rc, 0, "%s", out);
	cr_expect_str_eq(out, "");
	free(out);
}

Test(ident, a_name_with_a_newline_is_an_error_at_its_line)
{
	int rc;
	char *out = load_team("  - id: ming\n"
			      "    name: \"Ming\\nparent 0000000000000000000000000000000000000000\"\n"
			      "    email: ming@example.com\n", &rc);
	cr_expect_eq(rc, CRM_EINVALID);
	cr_expect(strstr(out, "4:11: team member 'ming': name has a line break") != NULL, "%s", out);
	free(out);
}

Test(ident, angle_brackets_controls_and_blank_names_are_errors)
{
	int rc;
	char *out = load_team("  - id: a\n    name: \"A <x>\"\n"
			      "  - id: b\n    name: \"B\\e[2J\"\n"
			      "  - id: c\n    name: \"   \"\n", &rc);
	cr_expect_eq(rc, CRM_EINVALID);
	cr_expect(strstr(out, "4:11: team member 'a': name has '<' or '>'") != NULL, "%s", out);
	cr_expect(strstr(out, "6:11: team member 'b': name has a control character") != NULL, "%s", out);
	cr_expect(strstr(out, "8:11: team member 'c': name is only spaces") != NULL, "%s", out);
	free(out);
}

Test(ident, a_bad_email_is_an_error_at_its_line)
{
	int rc;
	char *out = load_team("  - id: a\n    name: A\n    email: not-an-email\n"
			      "  - id: b\n    name: B\n    email: \"b@x.com\\nparent 0\"\n", &rc);
	cr_expect_eq(rc, CRM_EINVALID);
	cr_expect(strstr(out, "5:12: team member 'a': email is not an email address") != NULL, "%s", out);
	cr_expect(strstr(out, "8:12: team member 'b': email has a line break") != NULL, "%s", out);
	free(out);
}

Test(ident, team_ids_follow_the_customer_id_rule)
{
	int rc;
	char *out = load_team("  - id: ../../evil\n    name: E\n"
			      "  - id: \"ming\\nx\"\n    name: M\n"
			      "  - id: -dash\n    name: D\n", &rc);
	cr_expect_eq(rc, CRM_EINVALID);
	cr_expect(strstr(out, "3:9: a team id is letters, digits") != NULL, "%s", out);
	cr_expect(strstr(out, "5:9: a team id is letters, digits") != NULL, "%s", out);
	cr_expect(strstr(out, "7:9: a team id is letters, digits") != NULL, "%s", out);
	/* a bad id is never printed: it may hold a newline */
	cr_expect(strstr(out, "evil") == NULL, "%s", out);
	free(out);
}

Test(ident, the_commit_layer_refuses_a_malformed_author)
{
	crm_repo *r = NULL;
	char *dir = crm_xasprintf("%s/book", root);
	cr_assert_eq(crm_repo_init(&r, dir), 0, "%s", crm_error_last());
	char *file = crm_xasprintf("%s/a.txt", dir);
	FILE *f = fopen(file, "w");
	cr_assert_not_null(f);
	fputs("a\n", f);
	fclose(f);
	const char *paths[] = {"a.txt"};
	int rc = crm_repo_commit(r, paths, 1, "Ming\nparent 0000000000000000000000000000000000000000",
				 "ming@example.com", "x", NULL);
	cr_expect_eq(rc, CRM_EINVALID);
	cr_expect(strstr(crm_error_last(), "name has a line break") != NULL, "%s", crm_error_last());
	rc = crm_repo_commit(r, paths, 1, "Ming", "m@x.com\rx", "x", NULL);
	cr_expect_eq(rc, CRM_EINVALID);
	rc = crm_repo_commit(r, paths, 1, "Ming\x1b[2J", "m@x.com", "x", NULL);
	cr_expect_eq(rc, CRM_EINVALID);
	/* nothing was committed; a good identity then commits */
	char *cmd = crm_xasprintf("git -C '%s' rev-parse -q --verify HEAD >/dev/null", dir);
	cr_expect_neq(system(cmd), 0);
	cr_expect_eq(crm_repo_commit(r, paths, 1, "Ming", "ming@example.com", "x", NULL), 0, "%s",
		     crm_error_last());
	cr_expect_eq(system(cmd), 0);
	free(cmd);
	crm_repo_free(r);
	free(file);
	free(dir);
}
