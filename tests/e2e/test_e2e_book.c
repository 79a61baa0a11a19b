/*
 * The book end to end: init, setup, add and validate run as a user would,
 * checked against the files, `git log`, `git fsck` and the exit codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2e.h"

TestSuite(init, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);
TestSuite(setup, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);
TestSuite(add, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);
TestSuite(validate, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);


/* `crm add` that must succeed; returns the id it printed (caller frees). */
static char *add_ok(const char *dir, const char *name, const char *kind, const char *source, ...)
{
	const char *v[40] = {"add", name, "--kind", kind, "--source", source};
	size_t n = 6;
	va_list ap;
	va_start(ap, source);
	const char *a;
	while ((a = va_arg(ap, const char *)) && n < 39)
		v[n++] = a;
	va_end(ap);
	v[n] = NULL;
	e2e_run r = e2e_crm(dir, v);
	e2e_assert_code(r, 0);
	r.out[strcspn(r.out, "\n")] = '\0';
	free(r.err);
	return r.out;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* ---- init ---- */

Test(init, makes_a_book_with_one_commit)
{
	e2e_run r = e2e_crmv(NULL, "init", "nb", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert(exists("nb/crm.yaml"));
	cr_assert(exists("nb/schema/customer.schema.yaml"));
	cr_assert(exists("nb/customers"));
	char *ga = e2e_read("nb/.gitattributes");
	cr_assert_not_null(ga);
	e2e_assert_has(ga, "customers/**/*.yaml merge=crm");
	free(ga);
	/* the schema is the project's default schema, byte for byte */
	char *src = e2e_sh_out(NULL, "cmp \"$CRM_SRC/schema/customer.schema.yaml\" nb/schema/customer.schema.yaml "
				 "&& echo same");
	cr_assert_str_eq(src, "same");
	free(src);
	cr_assert_eq(e2e_commits("nb"), 1);
	e2e_assert_sh_eq("nb", "", "git status --porcelain");
	e2e_assert_sh_eq("nb", "ok", "git fsck --strict >/dev/null 2>&1 && echo ok");
	/* the commit holds the book's files */
	char *files = e2e_sh_out("nb", "git ls-tree -r --name-only HEAD");
	e2e_assert_has(files, "crm.yaml");
	e2e_assert_has(files, "schema/customer.schema.yaml");
	e2e_assert_has(files, ".gitattributes");
	free(files);
	/* the new book validates and the maker is in its team and set up as me */
	e2e_assert_sh_eq("nb", "ming", "git config --get crm.user");
	r = e2e_crmv("nb", "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(init, refuses_an_existing_book)
{
	const char *b = e2e_book();
	char *before = e2e_read("book/crm.yaml");
	int n = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "init", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm: error:");
	e2e_assert_has(r.err, "crm.yaml");
	e2e_run_free(&r);
	r = e2e_crmv(NULL, "init", "book", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	char *after = e2e_read("book/crm.yaml");
	cr_assert_str_eq(after, before);
	cr_assert_eq(e2e_commits(b), n);
	e2e_assert_sh_eq(b, "", "git status --porcelain");
	free(before);
	free(after);
}

Test(init, dash_C_runs_in_that_folder)
{
	cr_assert_eq(mkdir("elsewhere", 0755), 0);
	e2e_run r = e2e_crmv("elsewhere", "-C", "..", "init", "cbook", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert(exists("cbook/crm.yaml"), "-C .. init cbook should make ../cbook");
	cr_assert(!exists("elsewhere/cbook"));
	/* a command with -C DIR acts on that book from anywhere */
	e2e_write("cbook/crm.yaml", "book: C\nteam:\n  - id: ming\n    name: Ming\n    email: ming@example.com\n");
	r = e2e_crmv("elsewhere", "add", "Remote Co", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	r = e2e_crmv("elsewhere", "-C", "../cbook", "add", "Remote Co", "--kind", "company", "--source",
		     "online", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "202405001\n");
	e2e_run_free(&r);
	cr_assert(exists("cbook/customers/2024/05/202405001.yaml"));
}

Test(init, finds_the_book_from_a_subfolder)
{
	const char *b = e2e_book();
	char *id = add_ok(b, "First Co", "company", "online", NULL);
	cr_assert_str_eq(id, "202405001");
	free(id);
	e2e_run r = e2e_crmv("book/customers/2024", "add", "Second Co", "--kind", "company", "--source",
			     "online", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "202405002\n");
	e2e_run_free(&r);
	/* the record lands in the book, not under the folder we ran in */
	cr_assert(exists("book/customers/2024/05/202405002.yaml"));
	cr_assert(!exists("book/customers/2024/customers"));
	r = e2e_crmv("book/customers/2024/05", "tag", "Second", "found", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv("book/customers/2024/05", "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "2 records");
	e2e_run_free(&r);
}

Test(init, outside_a_book_fails_with_a_hint)
{
	cr_assert_eq(mkdir("nowhere", 0755), 0);
	const char *cmds[][8] = {
		{"validate", NULL},
		{"add", "X", "--kind", "company", "--source", "online", NULL},
		{"tag", "X", "t", NULL},
		{"set", "X", "name=Y", NULL},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		e2e_run r = e2e_crm("nowhere", cmds[i]);
		e2e_assert_code(r, 1);
		e2e_assert_has(r.err, "crm: error: not in a crm book");
		e2e_assert_has(r.err, "crm init");
		e2e_run_free(&r);
	}
	cr_assert(!exists("nowhere/customers"));
}

/* ---- setup ---- */

Test(setup, records_the_user_and_installs_the_hook)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "setup", "--user", "li", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "li", "git config --get crm.user");
	struct stat st;
	cr_assert_eq(stat("book/.git/hooks/pre-commit", &st), 0);
	cr_assert(S_ISREG(st.st_mode) && (st.st_mode & 0111), "the hook must be executable");
	/* who I am is clone-local: nothing committed, nothing to commit */
	e2e_assert_sh_eq(b, "", "git status --porcelain");
	/* and it decides the author of the next change */
	char *id = add_ok(b, "Li's customer", "person", "referral", NULL);
	char *who = e2e_sh_out(b, "git log -1 --format='%%an <%%ae>'");
	cr_assert_str_eq(who, "李娜 <li@example.com>");
	char *owner = e2e_sh_out(b, "grep '^owner:' customers/2024/05/%s.yaml", id);
	cr_assert_str_eq(owner, "owner: li");
	free(owner);
	free(who);
	free(id);
}

Test(setup, the_hook_refuses_an_invalid_record)
{
	const char *b = e2e_book();
	char *id = add_ok(b, "Hooked Co", "company", "online", NULL);
	int n = e2e_commits(b);
	e2e_run r = e2e_sh(b, "sed -i 's/^stage: initial/stage: negociation/' customers/2024/05/%s.yaml && "
			      "git commit -qam 'hand edit'", id);
	cr_assert_neq(r.code, 0, "the pre-commit hook let an invalid record through:\n%s%s", r.out, r.err);
	e2e_assert_has(r.err, "negotiation");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
	free(id);
}

Test(setup, someone_not_in_the_team)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "setup", "--user", "nobody", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm: error:");
	e2e_assert_has(r.err, "nobody");
	e2e_assert_has(r.err, "ming, li, sarah");
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "ming", "git config --get crm.user");
}

Test(setup, without_user_is_a_usage_error)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "setup", NULL);
	e2e_assert_code(r, 2);
	e2e_assert_has(r.err, "--user");
	e2e_run_free(&r);
	r = e2e_crmv(b, "setup", "--user", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv(b, "setup", "--usr", "li", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "ming", "git config --get crm.user");
}

/* ---- add ---- */

Test(add, ids_follow_the_format_and_today)
{
	const char *b = e2e_book();
	char *a = add_ok(b, "甲公司", "company", "online", NULL);
	char *c = add_ok(b, "乙公司", "company", "online", NULL);
	char *d = add_ok(b, "丙", "person", "referral", "--set", "first_contact.date=2024-03-02", NULL);
	char *e = add_ok(b, "丁公司", "company", "online", NULL);
	cr_assert_str_eq(a, "202405001");
	cr_assert_str_eq(c, "202405002");
	cr_assert_str_eq(d, "202403001");
	cr_assert_str_eq(e, "202405003");
	cr_assert(exists("book/customers/2024/05/202405001.yaml"));
	cr_assert(exists("book/customers/2024/05/202405002.yaml"));
	cr_assert(exists("book/customers/2024/03/202403001.yaml"));
	char *rec = e2e_read("book/customers/2024/03/202403001.yaml");
	e2e_assert_has(rec, "id: '202403001'");
	e2e_assert_has(rec, "first_contact: {date: 2024-03-02, by: ming}");
	e2e_assert_has(rec, "  - {stage: initial, date: 2024-03-02}");
	free(rec);
	free(a);
	free(c);
	free(d);
	free(e);
}

Test(add, the_new_record_has_the_defaults_in_order)
{
	const char *b = e2e_book();
	char *id = add_ok(b, "科技有限公司", "company", "trade-show", "--set", "company.industry=智能制造",
			  "--set", "needs.budget.max=200000", "--set", "contacts[0].phone=13800000000",
			  "--set", "contacts[0].name=张伟", NULL);
	char *rec = e2e_read("book/customers/2024/05/202405001.yaml");
	const char *want = "id: '202405001'\n"
			   "name: 科技有限公司\n"
			   "kind: company\n"
			   "source: trade-show\n"
			   "owner: ming\n"
			   "first_contact: {date: 2024-05-20, by: ming}\n";
	e2e_assert_has(rec, want);
	/* the keys in SPEC order, whatever order --set gave them */
	const char *order[] = {"\nid:", "\nname:", "\nkind:", "\nsource:", "\nowner:",
			       "\nfirst_contact:", "\ncompany:", "\ncontacts:", "\nneeds:", "\nstage:",
			       "\nstage_history:"};
	const char *prev = rec;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		const char *at = strstr(rec, order[i]);
		cr_assert(at && at > prev, "'%s' out of order in:\n%s", order[i] + 1, rec);
		prev = at;
	}
	e2e_assert_has(rec, "stage: initial\nstage_history:\n  - {stage: initial, date: 2024-05-20}\n");
	e2e_assert_has(rec, "phone: '13800000000'");
	e2e_assert_has(rec, "max: 200000\n");
	free(rec);
	/* PyYAML agrees on the types */
	e2e_assert_sh_eq(b, "'13800000000' 200000 智能制造",
		     "python3 -c 'import yaml; d=yaml.safe_load(open(\"customers/2024/05/202405001.yaml\")); "
		     "print(repr(d[\"contacts\"][0][\"phone\"]), d[\"needs\"][\"budget\"][\"max\"], "
		     "d[\"company\"][\"industry\"])'");
	free(id);
}

Test(add, gaps_in_the_middle_are_not_reused)
{
	const char *b = e2e_book();
	for (int i = 1; i <= 3; i++)
		free(add_ok(b, "Co", "company", "online", NULL));
	e2e_assert_sh_eq(b, "", "git rm -q customers/2024/05/202405002.yaml && git commit -qm 'drop 002'");
	char *id = add_ok(b, "After gap", "company", "online", NULL);
	cr_assert_str_eq(id, "202405004");
	free(id);
	/* a record moved elsewhere with git mv still counts */
	e2e_assert_sh_eq(b, "", "mkdir -p customers/vip && git mv customers/2024/05/202405004.yaml customers/vip/ && "
			    "git commit -qm 'move'");
	id = add_ok(b, "After move", "company", "online", NULL);
	cr_assert_str_eq(id, "202405005");
	free(id);
}

Test(add, the_sequence_grows_past_999)
{
	const char *b = e2e_book();
	char *id = add_ok(b, "Nine", "company", "online", "--id", "202405999", NULL);
	cr_assert_str_eq(id, "202405999");
	free(id);
	cr_assert(exists("book/customers/2024/05/202405999.yaml"));
	id = add_ok(b, "Thousand", "company", "online", NULL);
	cr_assert_str_eq(id, "2024051000");
	free(id);
	cr_assert(exists("book/customers/2024/05/2024051000.yaml"));
	id = add_ok(b, "Next", "company", "online", NULL);
	cr_assert_str_eq(id, "2024051001");
	free(id);
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(add, warns_of_duplicates_but_adds)
{
	const char *b = e2e_book();
	free(add_ok(b, "华东科技", "company", "online", "--set", "contacts[0].name=张伟", "--set",
		    "contacts[0].phone=13800000000", "--set", "contacts[0].email=zw@example.com", NULL));
	e2e_run r = e2e_crmv(b, "add", "华东科技", "--kind", "company", "--source", "referral", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "202405002\n");
	e2e_assert_has(r.err, "warning");
	e2e_assert_has(r.err, "202405001");
	e2e_assert_has(r.err, "name");
	e2e_run_free(&r);
	r = e2e_crmv(b, "add", "Other Name", "--kind", "company", "--source", "referral", "--set",
		     "contacts[0].name=Zhang", "--set", "contacts[0].phone=13800000000", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "202405003\n");
	e2e_assert_has(r.err, "warning");
	e2e_assert_has(r.err, "202405001");
	e2e_assert_has(r.err, "phone");
	e2e_run_free(&r);
	r = e2e_crmv(b, "add", "Third Name", "--kind", "company", "--source", "referral", "--set",
		     "contacts[0].name=Z", "--set", "contacts[0].email=ZW@example.com", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "202405001");
	e2e_assert_has(r.err, "email");
	e2e_run_free(&r);
	/* no warning for someone new */
	r = e2e_crmv(b, "add", "全新客户", "--kind", "person", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_hasnt(r.err, "warning");
	e2e_run_free(&r);
	cr_assert(exists("book/customers/2024/05/202405002.yaml"));
	cr_assert_eq(e2e_commits(b), 2 + 5);
}

Test(add, labels_become_codes)
{
	const char *b = e2e_book();
	char *id = add_ok(b, "标签公司", "企业客户", "行业展会", NULL);
	char *rec = e2e_read("book/customers/2024/05/202405001.yaml");
	e2e_assert_has(rec, "\nkind: company\n");
	e2e_assert_has(rec, "\nsource: trade-show\n");
	free(rec);
	free(id);
	id = add_ok(b, "Label Person", "Person", "Trade show", NULL);
	free(id);
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(add, refusals_change_nothing)
{
	const char *b = e2e_book();
	int n = e2e_commits(b);
	struct {
		const char *argv[12];
		int code;
		const char *says;
	} cases[] = {
		{{"add", "X", "--kind", "company-ish", "--source", "online", NULL}, 1, "kind"},
		{{"add", "X", "--kind", "company", "--source", "tv", NULL}, 1, "source"},
		{{"add", "X", "--kind", "company", "--source", "online", "--owner", "bob", NULL}, 1, "bob"},
		{{"add", "X", "--kind", "company", "--source", "online", "--bogus", NULL}, 2, "--bogus"},
		{{"add", "X", "--kind", "company", "--source", "online", "--id", "../x", NULL}, 2, "../x"},
		{{"add", "X", "--kind", "company", "--source", "online", "--id", "a/b", NULL}, 2, "a/b"},
		{{"add", "X", "--kind", "company", "--source", "online", "--id", ".hidden", NULL}, 2, ".hidden"},
		{{"add", "X", "--kind", "company", NULL}, 2, "--source"},
		{{"add", "--kind", "company", "--source", "online", NULL}, 2, "NAME"},
		{{"add", "X", "--kind", "company", "--source", "online", "--set",
		  "first_contact.date=2024-02-30", NULL}, 2, "2024-02-30"},
		{{"add", "X", "--kind", "company", "--source", "online", "--set", "person.age=old", NULL}, 2, "age"},
		{{"add", "X", "--kind", "company", "--source", "online", "--set", "nmae=Y", NULL}, 1, "nmae"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		e2e_run r = e2e_crm(b, cases[i].argv);
		cr_assert_eq(r.code, cases[i].code, "case %zu: exit %d, want %d\n%s", i, r.code,
			     cases[i].code, r.err);
		e2e_assert_has(r.err, "crm: error:");
		e2e_assert_has(r.err, cases[i].says);
		cr_assert_str_eq(r.out, "", "case %zu printed an id", i);
		e2e_run_free(&r);
	}
	cr_assert_eq(e2e_commits(b), n);
	e2e_assert_sh_eq(b, "", "git status --porcelain --ignored customers");
	e2e_assert_sh_eq(b, "", "find customers -name '*.yaml' -o -name '.*.yaml.*' | head -1");
	cr_assert(!exists("x"));
	cr_assert(!exists("book/x.yaml"));
}

Test(add, one_commit_by_me_with_only_the_record)
{
	const char *b = e2e_book();
	int n = e2e_commits(b);
	char *id = add_ok(b, "科技有限公司", "company", "trade-show", NULL);
	cr_assert_eq(e2e_commits(b), n + 1);
	e2e_assert_sh_eq(b, "销售代表明 <ming@example.com>", "git log -1 --format='%an <%ae>'");
	e2e_assert_sh_eq(b, "add 202405001: 科技有限公司", "git log -1 --format=%s");
	e2e_assert_sh_eq(b, "customers/2024/05/202405001.yaml", "git show --name-only --format= HEAD");
	e2e_assert_sh_eq(b, "", "git status --porcelain");
	e2e_assert_sh_eq(b, "ok", "git fsck --strict >/dev/null 2>&1 && echo ok");
	/* the committed bytes are the file's bytes */
	e2e_assert_sh_eq(b, "same", "git show HEAD:customers/2024/05/202405001.yaml | "
				"cmp - customers/2024/05/202405001.yaml && echo same");
	/* --owner: the owner changes, the author is still me */
	free(id);
	id = add_ok(b, "Sarah's", "person", "online", "--owner", "sarah", NULL);
	e2e_assert_sh_eq(b, "销售代表明 <ming@example.com>", "git log -1 --format='%an <%ae>'");
	char *owner = e2e_sh_out(b, "grep -E '^(owner|first_contact):' customers/2024/05/%s.yaml", id);
	cr_assert_str_eq(owner, "owner: sarah\nfirst_contact: {date: 2024-05-20, by: ming}");
	free(owner);
	free(id);
}

/* ---- validate ---- */

Test(validate, the_example_book_is_valid)
{
	const char *ex = e2e_example_book();
	e2e_run r = e2e_crmv(ex, "validate", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "", "the example book has findings:\n%s", r.out);
	e2e_assert_has(r.err, "16 records checked: 0 errors, 0 warnings");
	e2e_run_free(&r);
	r = e2e_crmv(ex, "validate", "--json", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "[]\n");
	e2e_run_free(&r);
}

Test(validate, json_lists_every_problem)
{
	const char *b = e2e_book();
	free(add_ok(b, "Good Co", "company", "online", NULL));
	e2e_write("book/customers/2024/05/202405002.yaml",
		  "id: \"202405002\"\n"
		  "name: 坏记录\n"
		  "kind: company\n"
		  "source: onlin\n"
		  "owner: bob\n"
		  "first_contact: {date: 2024-05-02, by: ming}\n"
		  "stage: initial\n"
		  "stage_history:\n"
		  "  - {stage: initial, date: 2024-05-02}\n");
	e2e_run r = e2e_crmv(b, "validate", "--json", NULL);
	e2e_assert_code(r, 1);
	e2e_write("out.json", r.out);
	e2e_run_free(&r);
	e2e_assert_sh_eq(NULL,
		     "customers/2024/05/202405002.yaml 4 9 error True\n"
		     "customers/2024/05/202405002.yaml 5 8 error True",
		     "python3 -c 'import json\n"
		     "a = json.load(open(\"out.json\"))\n"
		     "assert isinstance(a, list), a\n"
		     "for d in sorted(a, key=lambda d: d[\"line\"]):\n"
		     "    assert sorted(d) == [\"column\", \"line\", \"message\", \"path\", \"severity\"], d\n"
		     "    assert isinstance(d[\"line\"], int) and isinstance(d[\"column\"], int)\n"
		     "    print(d[\"path\"], d[\"line\"], d[\"column\"], d[\"severity\"],\n"
		     "          (\"online\" in d[\"message\"]) if d[\"line\"] == 4 else (\"bob\" in d[\"message\"]))'");
	/* the plain form: editors' PATH:LINE:COL */
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "customers/2024/05/202405002.yaml:4:9: error: ");
	e2e_assert_has(r.out, "did you mean 'online'");
	e2e_assert_has(r.out, "customers/2024/05/202405002.yaml:5:8: error: ");
	e2e_assert_has(r.err, "2 records checked: 2 errors");
	e2e_run_free(&r);
	/* naming only the good file checks only it */
	r = e2e_crmv(b, "validate", "customers/2024/05/202405001.yaml", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(validate, book_wide_checks)
{
	const char *b = e2e_book();
	free(add_ok(b, "One", "company", "online", NULL));
	/* the same id twice (a copied file) and a warning-only stage history */
	e2e_assert_sh_eq(b, "", "mkdir -p customers/old && cp customers/2024/05/202405001.yaml customers/old/");
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "202405001");
	e2e_assert_has(r.out, "unique");
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "", "rm -r customers/old");
	/* crm.yaml is checked too */
	e2e_write("book/crm.yaml", "book: x\nteam:\n  - id: ming\n    name: M\n    emial: m@x\n");
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "crm.yaml:5:");
	e2e_run_free(&r);
}

Test(validate, second_run_answers_the_same)
{
	const char *ex = e2e_example_book();
	e2e_write("ex/customers/2026/05/202605001.yaml", "id: \"202605001\"\nname: x\n");
	/* age the file so that the cache may keep it */
	e2e_assert_sh_eq(ex, "", "touch -d '2020-01-01' customers/2026/05/202605001.yaml");
	e2e_run a = e2e_crmv(ex, "validate", NULL);
	e2e_run c = e2e_crmv(ex, "validate", NULL);
	e2e_assert_code(a, 1);
	e2e_assert_code(c, 1);
	cr_assert_str_eq(c.out, a.out);
	e2e_assert_has(a.out, "missing required field");
	e2e_run_free(&a);
	e2e_run_free(&c);
	/* an edit that keeps the size is still seen */
	e2e_write("ex/customers/2026/05/202605001.yaml", "id: \"202605001\"\nname: y\n");
	e2e_assert_sh_eq(ex, "", "git checkout -q customers/2026/05/202605001.yaml");
	a = e2e_crmv(ex, "validate", NULL);
	e2e_assert_code(a, 0);
	e2e_run_free(&a);
}
