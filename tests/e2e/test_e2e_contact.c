/* crm contact WHO --name N [...]: add a contact, or update the one of that name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(contact, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

#define REC "book/customers/2024/05/202405001.yaml"

static const char *one_customer(void)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "trade-show", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	return b;
}

static void ok(e2e_run r)
{
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(contact, add_then_update_keeps_the_other_fields)
{
	const char *b = one_customer();
	ok(e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--title", "采购经理", "--phone",
		    "13800000000", "--email", "zhang@example.com", "--birthday", "1985-06-12", "--role",
		    "decision-maker", NULL));
	e2e_run r = e2e_sh(b, "git log -1 --format=%%s");
	cr_assert_str_eq(r.out, "contact 202405001: 张伟 (added)\n");
	e2e_run_free(&r);
	char *t = e2e_read(REC);
	e2e_assert_has(t, "contacts:\n"
			  "  - name: 张伟\n"
			  "    title: 采购经理\n"
			  "    phone: '13800000000'\n"
			  "    email: zhang@example.com\n"
			  "    birthday: 1985-06-12\n"
			  "    role: decision-maker\n");
	free(t);
	int before = e2e_commits(b);
	ok(e2e_crmv(b, "contact", "科技", "--name", "张伟", "--phone", "13900000000", NULL));
	cr_assert_eq(e2e_commits(b), before + 1);
	r = e2e_sh(b, "git log -1 --format=%%s");
	cr_assert_str_eq(r.out, "contact 202405001: 张伟 (updated)\n");
	e2e_run_free(&r);
	t = e2e_read(REC);
	e2e_assert_has(t, "    title: 采购经理\n"
			  "    phone: '13900000000'\n"
			  "    email: zhang@example.com\n"
			  "    birthday: 1985-06-12\n"
			  "    role: decision-maker\n");
	e2e_assert_hasnt(t, "13800000000");
	free(t);
	/* only the phone line changed */
	r = e2e_sh(b, "git diff HEAD~1 --numstat");
	cr_assert_str_eq(r.out, "1\t1\tcustomers/2024/05/202405001.yaml\n");
	e2e_run_free(&r);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(contact, empty_value_removes_the_field)
{
	const char *b = one_customer();
	ok(e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--title", "采购经理", "--phone",
		    "13800000000", NULL));
	ok(e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--phone", "", NULL));
	char *t = e2e_read(REC);
	e2e_assert_hasnt(t, "phone");
	e2e_assert_has(t, "  - name: 张伟\n    title: 采购经理\n");
	free(t);
	e2e_run r = e2e_sh(b, "git diff HEAD~1 --numstat");
	cr_assert_str_eq(r.out, "0\t1\tcustomers/2024/05/202405001.yaml\n");
	e2e_run_free(&r);
}

Test(contact, new_contact_adds_lines_only)
{
	const char *b = one_customer();
	ok(e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--phone", "13800000000", NULL));
	ok(e2e_crmv(b, "contact", "202405001", "--name", "刘洋", "--title", "仓储主管", "--role",
		    "user", NULL));
	e2e_run r = e2e_sh(b, "git diff HEAD~1 | grep '^[-+]' | grep -v '^[-+][-+]'");
	cr_assert_str_eq(r.out, "+  - name: 刘洋\n+    title: 仓储主管\n+    role: user\n");
	e2e_run_free(&r);
	r = e2e_sh(b, "git log -1 --format=%%s && git show --name-only --format= HEAD");
	cr_assert_str_eq(r.out, "contact 202405001: 刘洋 (added)\ncustomers/2024/05/202405001.yaml\n");
	e2e_run_free(&r);
	/* the first contact is untouched and still first */
	char *t = e2e_read(REC);
	e2e_assert_has(t, "  - name: 张伟\n    phone: '13800000000'\n  - name: 刘洋\n");
	free(t);
}

Test(contact, role_label_becomes_its_code)
{
	const char *b = one_customer();
	ok(e2e_crmv(b, "contact", "202405001", "--name", "王总", "--role", "最终决策人", NULL));
	char *t = e2e_read(REC);
	e2e_assert_has(t, "  - name: 王总\n    role: decision-maker\n");
	free(t);
}

Test(contact, phone_stays_a_string)
{
	const char *b = one_customer();
	ok(e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--phone", "0138", NULL));
	char *t = e2e_read(REC);
	e2e_assert_has(t, "    phone: '0138'\n");
	free(t);
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "0 errors, 0 warnings");
	e2e_run_free(&r);
}

Test(contact, bad_role_is_refused_and_nothing_written)
{
	const char *b = one_customer();
	ok(e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--phone", "13800000000", NULL));
	char *t0 = e2e_read(REC);
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--role", "boss", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "customers/2024/05/202405001.yaml:");
	e2e_assert_has(r.err, "role: 'boss'");
	e2e_run_free(&r);
	r = e2e_crmv(b, "contact", "202405001", "--name", "新人", "--role", "boss", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
	char *t1 = e2e_read(REC);
	cr_assert_str_eq(t1, t0);
	free(t0);
	free(t1);
	r = e2e_sh(b, "git status --porcelain");
	cr_assert_str_eq(r.out, "");
	e2e_run_free(&r);
}

Test(contact, bad_email_is_refused)
{
	const char *b = one_customer();
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--email", "not-an-email", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "email");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
}

Test(contact, bad_birthday_is_a_command_line_error)
{
	const char *b = one_customer();
	char *t0 = e2e_read(REC);
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--birthday", "1985-02-30", NULL);
	e2e_assert_code(r, 2);
	e2e_assert_has(r.err, "1985-02-30");
	e2e_run_free(&r);
	r = e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--birthday", "June 12", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before);
	char *t1 = e2e_read(REC);
	cr_assert_str_eq(t1, t0);
	free(t0);
	free(t1);
}

Test(contact, command_line_mistakes)
{
	const char *b = one_customer();
	e2e_run r = e2e_crmv(b, "contact", "202405001", "--phone", "1", NULL);
	e2e_assert_code(r, 2);
	e2e_assert_has(r.err, "--name");
	e2e_run_free(&r);
	r = e2e_crmv(b, "contact", "--name", "张伟", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "contact", "202405001", "--name", "", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--fax", "1", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "contact", "nobody", "--name", "张伟", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
}

Test(contact, same_values_again_changes_nothing)
{
	const char *b = one_customer();
	ok(e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--phone", "13800000000", NULL));
	int before = e2e_commits(b);
	ok(e2e_crmv(b, "contact", "202405001", "--name", "张伟", "--phone", "13800000000", NULL));
	cr_assert_eq(e2e_commits(b), before);
}

Test(contact, updates_a_contact_of_the_example_book_in_place)
{
	const char *b = e2e_example_book();
	e2e_run r = e2e_sh(b, "grep -rl '张伟' customers | head -1");
	r.out[strcspn(r.out, "\n")] = '\0';
	char *path = strdup(r.out);
	e2e_run_free(&r);
	cr_assert(*path);
	r = e2e_sh(b, "basename %s .yaml", path);
	r.out[strcspn(r.out, "\n")] = '\0';
	char *id = strdup(r.out);
	e2e_run_free(&r);
	ok(e2e_crmv(b, "contact", id, "--name", "张伟", "--title", "采购总监", NULL));
	r = e2e_sh(b, "git diff HEAD~1 --numstat");
	cr_assert(!strncmp(r.out, "1\t1\t", 4), "only the title line may change: %s", r.out);
	e2e_run_free(&r);
	free(path);
	free(id);
}
