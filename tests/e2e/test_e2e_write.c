/*
 * Writing records end to end: `crm set`, `crm tag`/`untag` change only the
 * bytes they must, keep the user's comments, make one commit each, refuse
 * what the schema refuses without touching anything, and write values that
 * every YAML reader (here PyYAML, a YAML 1.1 reader) reads back unchanged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(set, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);
TestSuite(roundtrip, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);
TestSuite(tag, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

#define REC "book/customers/2024/05/202405001.yaml"
#define REL "customers/2024/05/202405001.yaml"

/* A hand-written record with comments, blank lines and flow maps, committed. */
static const char *HAND =
	"# yaml-language-server: $schema=../../../schema/customer.schema.yaml\n"
	"id: \"202405001\"\n"
	"name: 科技有限公司   # 客户全称\n"
	"kind: company\n"
	"source: trade-show    # 2024 上海展会\n"
	"owner: ming\n"
	"first_contact: {date: 2024-05-01, by: ming}\n"
	"\n"
	"# 公司信息\n"
	"company:\n"
	"  industry: 智能制造\n"
	"  size: \"200-500\"\n"
	"contacts:\n"
	"  - name: 张伟\n"
	"    title: 采购经理   # 关键人\n"
	"    phone: \"13800000000\"\n"
	"    role: decision-maker\n"
	"needs:\n"
	"  summary: 降低仓储管理成本30%\n"
	"  budget: {min: 150000, max: 180000}\n"
	"tags: [预算敏感, 高意向]\n"
	"stage: initial\n"
	"stage_history:\n"
	"  - {stage: initial, date: 2024-05-01}\n"
	"notes: |\n"
	"  第一次见面在展会。\n"
	"  # not a comment: part of the notes\n";


/* A book with the hand-written record committed (by a plain git commit). */
static const char *hand_book(void)
{
	const char *b = e2e_book();
	e2e_write(REC, HAND);
	e2e_assert_sh_eq(b, "", "git add -A && git commit -qm 'by hand'");
	return b;
}

static void crm_ok(const char *dir, const char *const *argv)
{
	e2e_run r = e2e_crm(dir, argv);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* The git numstat of the last commit: "ADDED\tDELETED\tPATH". */
static char *numstat(const char *dir)
{
	return e2e_sh_out(dir, "git diff HEAD~1 --numstat");
}

/* ---- set ---- */

Test(set, a_scalar_changes_one_line_and_keeps_comments)
{
	const char *b = hand_book();
	int n = e2e_commits(b);
	crm_ok(b, (const char *[]){"set", "202405001", "company.industry=物流", NULL});
	cr_assert_eq(e2e_commits(b), n + 1);
	char *ns = numstat(b);
	cr_assert_str_eq(ns, "1\t1\t" REL);
	free(ns);
	char *rec = e2e_read(REC);
	e2e_assert_has(rec, "  industry: 物流\n");
	/* everything else is byte for byte what the user wrote */
	char *want = strdup(HAND);
	char *at = strstr(want, "智能制造");
	cr_assert_not_null(at);
	memmove(at + strlen("物流"), at + strlen("智能制造"), strlen(at + strlen("智能制造")) + 1);
	memcpy(at, "物流", strlen("物流"));
	cr_assert_str_eq(rec, want);
	free(want);
	free(rec);
	e2e_assert_sh_eq(b, "set 202405001: company.industry=物流", "git log -1 --format=%s");
	e2e_assert_sh_eq(b, "销售代表明 <ming@example.com>", "git log -1 --format='%an <%ae>'");
	e2e_assert_sh_eq(b, "", "git status --porcelain");
}

Test(set, a_commented_line_keeps_its_comment)
{
	const char *b = hand_book();
	crm_ok(b, (const char *[]){"set", "科技", "source=referral", NULL});
	char *ns = numstat(b);
	cr_assert_str_eq(ns, "1\t1\t" REL);
	free(ns);
	char *rec = e2e_read(REC);
	e2e_assert_has(rec, "\nsource: referral    # 2024 上海展会\n");
	free(rec);
	crm_ok(b, (const char *[]){"set", "科技", "contacts[0].title=总经理", NULL});
	rec = e2e_read(REC);
	e2e_assert_has(rec, "    title: 总经理   # 关键人\n");
	free(rec);
	ns = numstat(b);
	cr_assert_str_eq(ns, "1\t1\t" REL);
	free(ns);
}

Test(set, numbers_are_written_plain)
{
	const char *b = hand_book();
	crm_ok(b, (const char *[]){"set", "202405001", "needs.budget.max=200000", NULL});
	char *rec = e2e_read(REC);
	e2e_assert_has(rec, "  budget: {min: 150000, max: 200000}\n");
	free(rec);
	char *ns = numstat(b);
	cr_assert_str_eq(ns, "1\t1\t" REL);
	free(ns);
	e2e_assert_sh_eq(b, "200000 <class 'int'>",
		     "python3 -c 'import yaml; v=yaml.safe_load(open(\"" REL "\"))[\"needs\"][\"budget\"][\"max\"]; "
		     "print(v, type(v))'");
	/* a new number where there was none */
	crm_ok(b, (const char *[]){"add", "P", "--kind", "person", "--source", "online", NULL});
	crm_ok(b, (const char *[]){"set", "202405002", "person.age=35", NULL});
	rec = e2e_read("book/customers/2024/05/202405002.yaml");
	e2e_assert_has(rec, "\nperson:\n  age: 35\n");
	free(rec);
	/* a number that does not parse is a command-line error */
	int n = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "set", "202405002", "person.age=thirty", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
}

Test(set, lists_append_remove_and_unset)
{
	const char *b = hand_book();
	crm_ok(b, (const char *[]){"set", "202405001", "tags+=决策链复杂", NULL});
	char *rec = e2e_read(REC);
	e2e_assert_has(rec, "tags: [预算敏感, 高意向, 决策链复杂]\n");
	free(rec);
	char *ns = numstat(b);
	cr_assert_str_eq(ns, "1\t1\t" REL);
	free(ns);
	crm_ok(b, (const char *[]){"set", "202405001", "tags-=预算敏感", NULL});
	rec = e2e_read(REC);
	e2e_assert_has(rec, "tags: [高意向, 决策链复杂]\n");
	free(rec);
	/* unset: the line goes, nothing else */
	crm_ok(b, (const char *[]){"set", "202405001", "company.size=", NULL});
	rec = e2e_read(REC);
	e2e_assert_hasnt(rec, "size");
	e2e_assert_has(rec, "company:\n  industry: 智能制造\ncontacts:\n");
	free(rec);
	ns = numstat(b);
	cr_assert_str_eq(ns, "0\t1\t" REL);
	free(ns);
	/* several changes in one command: one commit */
	int n = e2e_commits(b);
	crm_ok(b, (const char *[]){"set", "202405001", "needs.deadline=2024-09-30", "tags+=x", "notes=", NULL});
	cr_assert_eq(e2e_commits(b), n + 1);
	rec = e2e_read(REC);
	e2e_assert_has(rec, "  deadline: 2024-09-30\n");
	e2e_assert_hasnt(rec, "notes");
	e2e_assert_hasnt(rec, "第一次见面");
	free(rec);
	e2e_assert_sh_eq(b, "['高意向', '决策链复杂', 'x'] 2024-09-30",
		     "python3 -c 'import yaml; d=yaml.safe_load(open(\"" REL "\")); "
		     "print(d[\"tags\"], d[\"needs\"][\"deadline\"])'");
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(set, an_index_past_the_end_points_to_append)
{
	const char *b = hand_book();
	int n = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "set", "202405001", "contacts[1].phone=13900000000", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm: error:");
	e2e_assert_has(r.err, "+=");
	e2e_run_free(&r);
	r = e2e_crmv(b, "set", "202405001", "tags[5]=x", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "+=");
	e2e_run_free(&r);
	/* a list that does not exist yet cannot be indexed past [0] either */
	r = e2e_crmv(b, "set", "202405001", "dates[1].label=x", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "+=");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
	char *rec = e2e_read(REC);
	cr_assert_str_eq(rec, HAND);
	free(rec);
	/* an index inside the list works */
	crm_ok(b, (const char *[]){"set", "202405001", "contacts[0].email=zw@example.com", NULL});
	rec = e2e_read(REC);
	e2e_assert_has(rec, "    role: decision-maker\n    email: zw@example.com\n");
	free(rec);
}

Test(set, what_the_schema_refuses_changes_nothing)
{
	const char *b = hand_book();
	int n = e2e_commits(b);
	const char *bad[] = {"stage=foo", "source=xx", "kind=robot", "owner=bob", "contacts[0].role=boss",
			     "contacts[0].email=not-an-email", "nmae=typo", "id=other"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		e2e_run r = e2e_crmv(b, "set", "202405001", bad[i], NULL);
		cr_assert_eq(r.code, 1, "set %s: exit %d, want 1\n%s", bad[i], r.code, r.err);
		e2e_assert_has(r.err, "crm: error:");
		e2e_run_free(&r);
	}
	/* the first error says where and suggests */
	e2e_run r = e2e_crmv(b, "set", "202405001", "stage=negociation", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "did you mean 'negotiation'");
	e2e_run_free(&r);
	/* a good change after a bad one in the same command: nothing at all */
	r = e2e_crmv(b, "set", "202405001", "name=New", "stage=foo", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
	char *rec = e2e_read(REC);
	cr_assert_str_eq(rec, HAND);
	free(rec);
	e2e_assert_sh_eq(b, "", "git status --porcelain --ignored");
	e2e_assert_sh_eq(b, "", "ls -A customers/2024/05 | grep -v '^202405001.yaml$' || true");
}

Test(set, dates_must_be_real)
{
	const char *b = hand_book();
	int n = e2e_commits(b);
	const char *bad[] = {"first_contact.date=2024-02-30", "needs.deadline=2023-02-29",
			     "needs.deadline=2024-13-01", "needs.deadline=tomorrowish"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		e2e_run r = e2e_crmv(b, "set", "202405001", bad[i], NULL);
		cr_assert_eq(r.code, 2, "set %s: exit %d, want 2\n%s", bad[i], r.code, r.err);
		e2e_assert_has(r.err, "crm: error:");
		e2e_run_free(&r);
	}
	cr_assert_eq(e2e_commits(b), n);
	char *rec = e2e_read(REC);
	cr_assert_str_eq(rec, HAND);
	free(rec);
	/* relative dates count from today (CRM_TODAY=2024-05-20) */
	crm_ok(b, (const char *[]){"set", "202405001", "needs.deadline=+2w", NULL});
	rec = e2e_read(REC);
	e2e_assert_has(rec, "  deadline: 2024-06-03\n");
	free(rec);
	crm_ok(b, (const char *[]){"set", "202405001", "needs.deadline=2024-02-29", NULL});
	rec = e2e_read(REC);
	e2e_assert_has(rec, "  deadline: 2024-02-29\n");
	free(rec);
}

Test(set, command_line_mistakes)
{
	const char *b = hand_book();
	const char *const cases[][5] = {
		{"set", "202405001", NULL},
		{"set", "202405001", "name", NULL},
		{"set", "202405001", "=x", NULL},
		{"set", "202405001", "--bogus", "name=x", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		e2e_run r = e2e_crm(b, cases[i]);
		cr_assert_eq(r.code, 2, "case %zu: exit %d\n%s", i, r.code, r.err);
		e2e_run_free(&r);
	}
	e2e_run r = e2e_crmv(b, "set", "nobody-here", "name=x", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "nobody-here");
	e2e_run_free(&r);
	char *rec = e2e_read(REC);
	cr_assert_str_eq(rec, HAND);
	free(rec);
}

Test(set, crlf_files_keep_their_line_endings)
{
	const char *b = e2e_book();
	char *crlf = strdup(HAND);
	size_t lines = 0;
	for (const char *p = HAND; *p; p++)
		lines += *p == '\n';
	char *text = malloc(strlen(HAND) + lines + 1), *o = text;
	for (const char *p = HAND; *p; p++) {
		if (*p == '\n')
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	free(crlf);
	e2e_write(REC, text);
	e2e_assert_sh_eq(b, "", "git add -A && git commit -qm 'crlf'");
	crm_ok(b, (const char *[]){"set", "202405001", "needs.budget.max=200000", "tags+=新", NULL});
	char *rec = e2e_read(REC);
	e2e_assert_has(rec, "  budget: {min: 150000, max: 200000}\r\n");
	e2e_assert_has(rec, "tags: [预算敏感, 高意向, 新]\r\n");
	/* no bare LF anywhere */
	for (const char *p = rec; *p; p++)
		if (*p == '\n')
			cr_assert(p > rec && p[-1] == '\r', "a bare LF at byte %td", p - rec);
	free(rec);
	free(text);
	char *ns = numstat(b);
	cr_assert_str_eq(ns, "2\t2\t" REL);
	free(ns);
}

/* ---- values read back by PyYAML ---- */

/* PyYAML's reading of FIELD (a top-level key) in the file: "same" when it is
 * the str in `want_file`, else what it read. */
static char *pyyaml_check(const char *dir, const char *rel, const char *field, const char *want_file)
{
	return e2e_sh_out(dir,
		      "python3 -c 'import sys, yaml\n"
		      "v = yaml.safe_load(open(sys.argv[1], encoding=\"utf-8\"))\n"
		      "for k in sys.argv[2].split(\".\"):\n"
		      "    v = v[k]\n"
		      "want = open(sys.argv[3], encoding=\"utf-8\").read()\n"
		      "print(\"same\" if type(v) is str and v == want else \"read %%r, want %%r\" %% (v, want))' "
		      "'%s' '%s' '%s'",
		      rel, field, want_file);
}

static const char *const TRICKY[] = {
	"0138", "no", "on", "202405001", "2024-05-01", "''", "a #b", "12:30", "1e3", "~",
	"- x", "科技", "Yes", "NO", "Off", "y", "n", "null", "Null", "true", "0x1F", "0o17",
	"017", ".inf", "-.INF", ".nan", "+1", "-1", "1_000", "1,000", "0.5", "-.5", "+.5",
	"12:30:45", "190:20:30", "2024-5-1", "2001-12-14t21:59:43.10-05:00", ":x", "x:",
	"x: y", "#x", "a #", "'q", "\"d", "@a", "`b", "!t", "&a", "*a", "%p", "|", ">", "?",
	"? x", "-", "--- x", "...", "[a]", "{a}", "a, b", " lead", "trail ", "a\\b", "=", "<<",
	"科技 # 不是注释", "电话: 138", "0", "1.0", "2024-05-01 10:00:00", "100%", "a\tb",
	"line1\nline2", "line1\n\nline3\n",
};

/* PyYAML's reading of every snapshot snap/N.yaml (FIELD in snap/N.field) against
 * snap/N.want: one line per mismatch, then "checked N". */
static char *pyyaml_check_all(void)
{
	return e2e_sh_out(NULL, "python3 -c 'import glob, yaml\n"
			    "n = 0\n"
			    "for y in sorted(glob.glob(\"snap/*.yaml\")):\n"
			    "    base = y[:-5]\n"
			    "    v = yaml.safe_load(open(y, encoding=\"utf-8\"))\n"
			    "    for k in open(base + \".field\").read().split(\".\"):\n"
			    "        v = v[k]\n"
			    "    want = open(base + \".want\", encoding=\"utf-8\").read()\n"
			    "    if type(v) is not str or v != want:\n"
			    "        line = [l for l in open(y, encoding=\"utf-8\") if l.startswith(\"name:\")]\n"
			    "        print(\"read %%r, want %%r; written %%r\" %% (v, want, line))\n"
			    "    n += 1\n"
			    "print(\"checked\", n)'");
}

Test(roundtrip, strings_read_back_unchanged_by_pyyaml)
{
	const char *b = e2e_book();
	crm_ok(b, (const char *[]){"add", "Start", "--kind", "company", "--source", "online", NULL});
	size_t n = sizeof TRICKY / sizeof *TRICKY;
	for (size_t i = 0; i < n; i++) {
		const char *v = TRICKY[i];
		const char *field = strchr(v, '\n') ? "notes" : "name";
		char *arg;
		cr_assert(asprintf(&arg, "%s=%s", field, v) >= 0);
		e2e_run r = e2e_crmv(b, "set", "202405001", arg, NULL);
		free(arg);
		cr_assert_eq(r.code, 0, "set %s=[%s]: exit %d\n%s", field, v, r.code, r.err);
		e2e_run_free(&r);
		/* keep this version for PyYAML, with what it must read */
		char path[64];
		snprintf(path, sizeof path, "snap/%03zu.want", i);
		e2e_write(path, v);
		snprintf(path, sizeof path, "snap/%03zu.field", i);
		e2e_write(path, field);
		snprintf(path, sizeof path, "snap/%03zu.yaml", i);
		char *text = e2e_read(REC);
		e2e_write(path, text);
		free(text);
	}
	char *got = pyyaml_check_all();
	char *want;
	cr_assert(asprintf(&want, "checked %zu", n) >= 0);
	cr_assert_str_eq(got, want, "PyYAML read back something else:\n%s", got);
	free(want);
	free(got);
	/* every value above was one commit, and crm reads its own writing back */
	cr_assert_eq(e2e_commits(b), 3 + (int)n);
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *log = e2e_sh_out(b, "git log -1 --format=%%s");
	e2e_assert_has(log, "set 202405001: notes=");
	free(log);
}

Test(roundtrip, other_string_fields)
{
	const char *b = e2e_book();
	const char *vals[] = {"0138", "no", "202405001", "2024-05-01", "a #b", "12:30", "1e3", "~", "- x",
			      "科技", "2024-05-01 10:00:00"};
	const char *fields[] = {"needs.summary", "company.size", "company.business"};
	crm_ok(b, (const char *[]){"add", "Start", "--kind", "company", "--source", "online", NULL});
	size_t k = 0;
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		/* the three fields in one command */
		char *args[3];
		for (size_t f = 0; f < 3; f++)
			cr_assert(asprintf(&args[f], "%s=%s", fields[f], vals[i]) >= 0);
		e2e_run r = e2e_crmv(b, "set", "202405001", args[0], args[1], args[2], NULL);
		cr_assert_eq(r.code, 0, "set %s: exit %d\n%s", args[0], r.code, r.err);
		e2e_run_free(&r);
		char *text = e2e_read(REC);
		for (size_t f = 0; f < 3; f++, k++) {
			free(args[f]);
			char path[64];
			snprintf(path, sizeof path, "snap/%03zu.want", k);
			e2e_write(path, vals[i]);
			snprintf(path, sizeof path, "snap/%03zu.field", k);
			e2e_write(path, fields[f]);
			snprintf(path, sizeof path, "snap/%03zu.yaml", k);
			e2e_write(path, text);
		}
		free(text);
	}
	char *got = pyyaml_check_all();
	char *want;
	cr_assert(asprintf(&want, "checked %zu", k) >= 0);
	cr_assert_str_eq(got, want, "PyYAML read back something else:\n%s", got);
	free(want);
	free(got);
}

Test(roundtrip, phones_and_empty_strings_from_add)
{
	const char *b = e2e_book();
	crm_ok(b, (const char *[]){"add", "no", "--kind", "person", "--source", "online", "--set",
				   "contacts[0].name=on", "--set", "contacts[0].phone=0138", "--set",
				   "person.emergency_contact=", "--set", "notes=", NULL});
	char *rec = e2e_read(REC);
	e2e_assert_has(rec, "  emergency_contact: ''\n");
	e2e_assert_has(rec, "\nnotes: ''\n");
	free(rec);
	const char *checks[][2] = {
		{"name", "no"},
		{"id", "202405001"},
		{"notes", ""},
		{"person.emergency_contact", ""},
	};
	for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
		e2e_write("want.txt", checks[i][1]);
		char *got = pyyaml_check(b, REL, checks[i][0], "../want.txt");
		cr_assert_str_eq(got, "same", "%s: %s", checks[i][0], got);
		free(got);
	}
	e2e_assert_sh_eq(b, "'0138' 'on'",
		     "python3 -c 'import yaml; c=yaml.safe_load(open(\"" REL "\"))[\"contacts\"][0]; "
		     "print(repr(c[\"phone\"]), repr(c[\"name\"]))'");
	/* UTF-8 is written as itself, never escaped, and long lines are not folded */
	char *longv = malloc(400 * 3 + 16);
	strcpy(longv, "name=");
	for (int i = 0; i < 400; i++)
		strcat(longv, i % 7 == 6 ? " " : "长");
	crm_ok(b, (const char *[]){"set", "202405001", longv, NULL});
	rec = e2e_read(REC);
	e2e_assert_has(rec, longv + 5);
	e2e_assert_hasnt(rec, "\\x");
	e2e_assert_hasnt(rec, "\\u");
	free(rec);
	free(longv);
}

/* ---- tag / untag ---- */

Test(tag, adds_and_removes)
{
	const char *b = hand_book();
	int n = e2e_commits(b);
	crm_ok(b, (const char *[]){"tag", "202405001", "决策链复杂", "VIP", NULL});
	cr_assert_eq(e2e_commits(b), n + 1);
	char *rec = e2e_read(REC);
	e2e_assert_has(rec, "tags: [预算敏感, 高意向, 决策链复杂, VIP]\n");
	free(rec);
	char *ns = numstat(b);
	cr_assert_str_eq(ns, "1\t1\t" REL);
	free(ns);
	e2e_assert_sh_eq(b, "tag 202405001: 决策链复杂, VIP", "git log -1 --format=%s");
	crm_ok(b, (const char *[]){"untag", "科技", "预算敏感", NULL});
	cr_assert_eq(e2e_commits(b), n + 2);
	rec = e2e_read(REC);
	e2e_assert_has(rec, "tags: [高意向, 决策链复杂, VIP]\n");
	free(rec);
	e2e_assert_sh_eq(b, "untag 202405001: 预算敏感", "git log -1 --format=%s");
	e2e_assert_sh_eq(b, "", "git status --porcelain");
}

Test(tag, idempotent)
{
	const char *b = hand_book();
	crm_ok(b, (const char *[]){"tag", "202405001", "new", NULL});
	int n = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "tag", "202405001", "new", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "already");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n, "a tag already there made a commit");
	r = e2e_crmv(b, "tag", "202405001", "new", "new", "高意向", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
	e2e_assert_sh_eq(b, "1",
		     "python3 -c 'import yaml; print(yaml.safe_load(open(\"" REL "\"))[\"tags\"].count(\"new\"))'");
	/* the same tag twice in one command is added once */
	crm_ok(b, (const char *[]){"tag", "202405001", "twice", "twice", NULL});
	e2e_assert_sh_eq(b, "1",
		     "python3 -c 'import yaml; print(yaml.safe_load(open(\"" REL "\"))[\"tags\"].count(\"twice\"))'");
	cr_assert_eq(e2e_commits(b), n + 1);
	/* untag of a tag that is not there: no commit */
	n = e2e_commits(b);
	r = e2e_crmv(b, "untag", "202405001", "absent", NULL);
	cr_assert(r.code == 0 || r.code == 1, "exit %d", r.code);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
}

Test(tag, a_record_without_tags_gets_a_list)
{
	const char *b = e2e_book();
	crm_ok(b, (const char *[]){"add", "No tags", "--kind", "company", "--source", "online", NULL});
	crm_ok(b, (const char *[]){"tag", "No tags", "高意向", NULL});
	e2e_assert_sh_eq(b, "['高意向']",
		     "python3 -c 'import yaml; print(yaml.safe_load(open(\"" REL "\"))[\"tags\"])'");
	/* tags go before stage, as in SPEC §3 */
	char *rec = e2e_read(REC);
	cr_assert(strstr(rec, "tags") < strstr(rec, "\nstage:"), "%s", rec);
	free(rec);
	crm_ok(b, (const char *[]){"untag", "No tags", "高意向", NULL});
	e2e_run r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(tag, dashes_after_double_dash)
{
	const char *b = hand_book();
	int n = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "tag", "202405001", "-urgent", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
	crm_ok(b, (const char *[]){"tag", "202405001", "--", "-urgent", "--x", NULL});
	e2e_assert_sh_eq(b, "['预算敏感', '高意向', '-urgent', '--x']",
		     "python3 -c 'import yaml; print(yaml.safe_load(open(\"" REL "\"))[\"tags\"])'");
	crm_ok(b, (const char *[]){"untag", "202405001", "--", "-urgent", NULL});
	e2e_assert_sh_eq(b, "['预算敏感', '高意向', '--x']",
		     "python3 -c 'import yaml; print(yaml.safe_load(open(\"" REL "\"))[\"tags\"])'");
	/* tags that YAML would misread are quoted */
	crm_ok(b, (const char *[]){"tag", "202405001", "no", "1e3", "a, b", "x: y", NULL});
	e2e_assert_sh_eq(b, "['预算敏感', '高意向', '--x', 'no', '1e3', 'a, b', 'x: y']",
		     "python3 -c 'import yaml; print(yaml.safe_load(open(\"" REL "\"))[\"tags\"])'");
}

Test(tag, names_the_customer_several_ways)
{
	const char *b = e2e_book();
	crm_ok(b, (const char *[]){"add", "华东科技有限公司", "--kind", "company", "--source", "online", NULL});
	crm_ok(b, (const char *[]){"add", "华东物流", "--kind", "company", "--source", "online", NULL});
	crm_ok(b, (const char *[]){"add", "Acme Trading", "--kind", "company", "--source", "online", NULL});
	crm_ok(b, (const char *[]){"tag", "科技", "a", NULL});     /* a unique name fragment */
	crm_ok(b, (const char *[]){"tag", "acme", "b", NULL});     /* ASCII case ignored */
	crm_ok(b, (const char *[]){"tag", "202405002", "c", NULL}); /* an exact id */
	e2e_assert_sh_eq(b, "[a] [c] [b]",
		     "for f in customers/2024/05/*.yaml; do python3 -c 'import sys, yaml; "
		     "print(\"[\" + \",\".join(yaml.safe_load(open(sys.argv[1]))[\"tags\"]) + \"]\")' $f; done "
		     "| tr '\\n' ' ' | sed 's/ $//'");
	int n = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "tag", "华东", "x", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "202405001");
	e2e_assert_has(r.err, "202405002");
	e2e_assert_hasnt(r.err, "202405003");
	e2e_run_free(&r);
	r = e2e_crmv(b, "tag", "2024050", "x", NULL); /* a prefix of every id */
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	r = e2e_crmv(b, "tag", "nobody", "x", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "no customer 'nobody'");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
}
