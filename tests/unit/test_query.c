#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/query.h"
#include "crm/schema.h"

static char *src_path(const char *rel)
{
	const char *root = getenv("CRM_SRC");
	char *p;
	if (root) {
		cr_assert(asprintf(&p, "%s/%s", root, rel) >= 0);
		return p;
	}
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_query.c");
	cr_assert(asprintf(&p, "%.*s%s", cut ? (int)(cut - f) : 0, f, rel) >= 0);
	return p;
}

static crm_schema *S;

static void setup(void)
{
	char *p = src_path("schema/customer.schema.yaml");
	cr_assert_eq(crm_schema_load(&S, p, NULL), 0, "%s: %s", p, crm_error_last());
	free(p);
}

static void teardown(void)
{
	crm_schema_free(S);
	S = NULL;
}

TestSuite(query, .init = setup, .fini = teardown);

static const crm_date TODAY = {2024, 5, 20};

/* A record with these fields, and a follow-up whose next is due on `due` (NULL: none). */
static crm_record *mk(const char *id, const char *name, const char *stage, const char *owner,
		      const char *tags, const char *due, const char *prio, const char *extra)
{
	char *t;
	cr_assert(asprintf(&t,
			   "id: \"%s\"\nname: %s\nkind: company\nsource: online\nowner: %s\n"
			   "first_contact: {date: 2024-05-0%c}\nstage: %s\ntags: [%s]\n%s%s%s%s%s",
			   id, name, owner, id[strlen(id) - 1], stage, tags, extra ? extra : "",
			   due ? "followups:\n  - {date: 2024-05-01, via: phone, by: ming, summary: s, "
				 "priority: " : "",
			   due ? prio : "", due ? ", next: {date: " : "",
			   due ? due : "") > 0);
	char *full;
	cr_assert(asprintf(&full, "%s%s", t, due ? ", action: 打电话, by: ming}}\n" : "") > 0);
	free(t);
	crm_record *r;
	cr_assert_eq(crm_record_new(&r, "customers/x.yaml", id, full, strlen(full)), 0, "%s\n%s",
		     crm_error_last(), full);
	free(full);
	return r;
}

Test(query, enum_code_takes_codes_and_labels)
{
	const char *c;
	cr_assert_eq(crm_enum_code(S, "stage", "won", "--stage", &c), 0);
	cr_assert_str_eq(c, "won");
	cr_assert_eq(crm_enum_code(S, "stage", "谈判中", "--stage", &c), 0);
	cr_assert_str_eq(c, "negotiation");
	cr_assert_eq(crm_enum_code(S, "followups[].via", "Phone", "--via", &c), 0);
	cr_assert_str_eq(c, "phone");
	cr_assert_eq(crm_enum_code(S, "stage", "negotation", "--stage", &c), CRM_EINVALID);
	cr_assert(strstr(crm_error_last(), "--stage: 'negotation' is not one of initial"),
		  "%s", crm_error_last());
	cr_assert(strstr(crm_error_last(), "did you mean 'negotiation'?"), "%s", crm_error_last());
	/* a near label suggests its code */
	cr_assert_eq(crm_enum_code(S, "followups[].via", "电话沟", "--via", &c), CRM_EINVALID);
	cr_assert(strstr(crm_error_last(), "did you mean 'phone'?"), "%s", crm_error_last());
	/* a field without an enum takes anything */
	cr_assert_eq(crm_enum_code(S, "name", "whatever", "name", &c), 0);
	cr_assert_str_eq(c, "whatever");
}

Test(query, due_days_and_text)
{
	long d;
	cr_assert(crm_due_days("2024-05-17", TODAY, &d));
	cr_assert_eq(d, -3);
	cr_assert(crm_due_days("2024-05-20", TODAY, &d));
	cr_assert_eq(d, 0);
	cr_assert_not(crm_due_days("2024-02-30", TODAY, &d));
	cr_assert_not(crm_due_days(NULL, TODAY, &d));
	const struct {
		long days;
		const char *lang, *want;
	} v[] = {{-3, "en", "overdue by 3 days"}, {-1, "en", "overdue by 1 day"}, {0, "en", "due today"},
		 {1, "en", "due in 1 day"},        {7, "en", "due in 7 days"},    {-3, "zh", "逾期 3 天"},
		 {0, "zh", "今天到期"},            {2, "zh", "2 天后到期"}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		crm_buf b = CRM_BUF_INIT;
		crm_due_text(&b, v[i].days, v[i].lang);
		cr_assert_str_eq(crm_buf_cstr(&b), v[i].want);
		crm_buf_free(&b);
	}
}

Test(query, filters_and_together)
{
	crm_record *a = mk("1", "Acme", "proposal", "ming", "高意向, 预算敏感", "2024-05-19", "high",
			   "company: {industry: Retail}\n");
	crm_record *b = mk("2", "Beta", "proposal", "li", "高意向", "2024-05-20", "low", NULL);
	crm_record *c = mk("3", "Gamma", "won", "ming", "高意向", "2024-05-01", "high", NULL);
	crm_record *d = mk("4", "Delta", "initial", "ming", "", NULL, NULL, NULL);
	crm_filter f = {.today = TODAY};
	cr_assert(crm_filter_match(d, &f));
	f.stage = "proposal";
	cr_assert(crm_filter_match(a, &f) && crm_filter_match(b, &f) && !crm_filter_match(c, &f));
	f.owner = "ming";
	cr_assert(crm_filter_match(a, &f) && !crm_filter_match(b, &f));
	f = (crm_filter){.today = TODAY};
	const char *two[] = {"高意向", "预算敏感"};
	f.tags = two;
	f.ntags = 2;
	cr_assert(crm_filter_match(a, &f) && !crm_filter_match(b, &f));
	f = (crm_filter){.today = TODAY, .industry = "retail"};
	cr_assert(crm_filter_match(a, &f) && !crm_filter_match(b, &f));
	/* overdue: due before today; due today is not overdue; won has no open next action */
	f = (crm_filter){.today = TODAY, .overdue = true};
	cr_assert(crm_filter_match(a, &f));
	cr_assert_not(crm_filter_match(b, &f));
	cr_assert_not(crm_filter_match(c, &f));
	cr_assert_not(crm_filter_match(d, &f));
	/* due before is strict */
	f = (crm_filter){.today = TODAY, .due_before_set = true, .due_before = {2024, 5, 20}};
	cr_assert(crm_filter_match(a, &f) && !crm_filter_match(b, &f));
	f.due_before = (crm_date){2024, 5, 21};
	cr_assert(crm_filter_match(a, &f) && crm_filter_match(b, &f));
	f = (crm_filter){.today = TODAY, .priority = "high"};
	cr_assert(crm_filter_match(a, &f) && !crm_filter_match(b, &f) && !crm_filter_match(c, &f));
	crm_record_free(a);
	crm_record_free(b);
	crm_record_free(c);
	crm_record_free(d);
}

static void order(crm_summary **v, size_t n, const char *key, const char *want)
{
	cr_assert_eq(crm_summaries_sort(v, n, key, S), 0);
	char got[64] = "";
	for (size_t i = 0; i < n; i++)
		strcat(got, v[i]->id);
	cr_assert_str_eq(got, want, "sort by %s", key);
}

Test(query, sort_keys)
{
	crm_record *r[4] = {
		mk("3", "gamma", "needs", "li", "", "2024-05-25", "low", NULL),
		mk("1", "Beta", "won", "sarah", "", "2024-05-10", "low", NULL),
		mk("4", "alpha", "initial", "ming", "", NULL, NULL, NULL),
		mk("2", "Delta", "proposal", "li", "", "2024-05-22", "low", NULL),
	};
	crm_summary *v[4];
	for (size_t i = 0; i < 4; i++) {
		v[i] = crm_summary_new(r[i]);
		crm_record_free(r[i]);
	}
	order(v, 4, "id", "1234");
	order(v, 4, "name", "4123");
	order(v, 4, "stage", "4321");
	order(v, 4, "next", "2314"); /* none (and won) last, by id */
	order(v, 4, "owner", "2341");
	order(v, 4, "first_contact", "1234");
	cr_assert_eq(crm_summaries_sort(v, 4, "size", S), CRM_EUSAGE);
	cr_assert_not(crm_sort_key_valid("size"));
	cr_assert(crm_sort_key_valid("first_contact"));
	for (size_t i = 0; i < 4; i++)
		crm_summary_free(v[i]);
}

Test(query, find_says_where)
{
	const char *text =
		"id: \"1\"\nname: Acme Trading\nkind: company\nsource: online\nowner: ming\n"
		"first_contact: {date: 2024-05-01}\n"
		"contacts:\n  - {name: 张伟, phone: \"138-0000-1234\", email: Zhang@Acme.example}\n"
		"needs:\n  summary: 仓储 WMS\n  decision_chain:\n    - {name: 王总, title: CEO}\n"
		"tags: [wms-lead]\nstage: initial\nnotes: |\n  met at the fair\n"
		"followups:\n  - {date: 2024-05-01, via: phone, by: ming, summary: call, "
		"feedback: wants WMS demo, next: {date: 2024-05-08, action: send wms deck, by: ming}}\n";
	crm_record *r;
	cr_assert_eq(crm_record_new(&r, "customers/1.yaml", "1", text, strlen(text)), 0, "%s",
		     crm_error_last());
	crm_match *m;
	size_t n;
	cr_assert_eq(crm_record_find(r, "wms", &m, &n), 4);
	cr_assert_str_eq(m[0].field, "needs.summary");
	cr_assert_str_eq(m[1].field, "tags[0]");
	cr_assert_str_eq(m[2].field, "followups[0].feedback");
	cr_assert_str_eq(m[3].field, "followups[0].next.action");
	cr_assert_str_eq(m[3].text, "send wms deck");
	crm_matches_free(m, n);
	cr_assert_eq(crm_record_find(r, "zhang@acme", &m, &n), 1);
	cr_assert_str_eq(m[0].field, "contacts[0].email");
	crm_matches_free(m, n);
	/* a phone matches whatever separators it was typed with */
	cr_assert_eq(crm_record_find(r, "1380000 1234", &m, &n), 1);
	cr_assert_str_eq(m[0].field, "contacts[0].phone");
	crm_matches_free(m, n);
	cr_assert_eq(crm_record_find(r, "王总", &m, &n), 1);
	cr_assert_str_eq(m[0].field, "needs.decision_chain[0].name");
	crm_matches_free(m, n);
	cr_assert_eq(crm_record_find(r, "FAIR", &m, &n), 1);
	cr_assert_str_eq(m[0].field, "notes");
	crm_matches_free(m, n);
	cr_assert_eq(crm_record_find(r, "nowhere", &m, &n), 0);
	cr_assert_null(m);
	crm_record_free(r);
}

Test(query, summary_json)
{
	crm_record *a = mk("1", "Acme", "proposal", "ming", "x, y", "2024-05-19", "high", NULL);
	crm_record *c = mk("3", "Gamma", "won", "ming", "", "2024-05-01", "high", NULL);
	crm_summary *sa = crm_summary_new(a), *sc = crm_summary_new(c);
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, false);
	crm_json_begin_array(&j);
	crm_json_begin_object(&j);
	crm_summary_json(&j, sa);
	crm_json_end_object(&j);
	crm_json_begin_object(&j);
	crm_summary_json(&j, sc);
	crm_json_end_object(&j);
	crm_json_end_array(&j);
	cr_assert_str_eq(crm_buf_cstr(&b),
			 "[{\"id\":\"1\",\"name\":\"Acme\",\"kind\":\"company\",\"stage\":\"proposal\","
			 "\"owner\":\"ming\",\"source\":\"online\",\"tags\":[\"x\",\"y\"],"
			 "\"path\":\"customers/x.yaml\",\"next\":{\"date\":\"2024-05-19\","
			 "\"action\":\"打电话\",\"by\":\"ming\",\"priority\":\"high\"}},"
			 "{\"id\":\"3\",\"name\":\"Gamma\",\"kind\":\"company\",\"stage\":\"won\","
			 "\"owner\":\"ming\",\"source\":\"online\",\"tags\":[],"
			 "\"path\":\"customers/x.yaml\",\"next\":null}]");
	crm_summary_free(sa);
	crm_summary_free(sc);
	crm_buf_free(&b);
	crm_record_free(a);
	crm_record_free(c);
}

static void put(const char *dir, const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	for (char *s = p + strlen(dir) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	FILE *f = fopen(p, "w");
	cr_assert(f, "%s", p);
	fputs(text, f);
	fclose(f);
}

static int collect(const crm_record *r, void *arg)
{
	strcat(arg, r->id);
	strcat(arg, " ");
	return 0;
}

static int stop(const crm_record *r, void *arg)
{
	return crm_error_set(CRM_EFAIL, "stop at %s", r->id);
}

Test(query, each_skips_what_it_cannot_read)
{
	char dir[] = "/tmp/crm-query-XXXXXX";
	cr_assert(mkdtemp(dir));
	put(dir, "crm.yaml", "book: t\nteam:\n  - {id: ming, name: Ming, email: m@example.com}\n");
	char *sp = src_path("schema/customer.schema.yaml");
	crm_buf sch = CRM_BUF_INIT;
	cr_assert_eq(crm_buf_read_file(&sch, sp), 0);
	put(dir, "schema/customer.schema.yaml", sch.ptr);
	crm_buf_free(&sch);
	free(sp);
	put(dir, "customers/a/1.yaml", "id: \"1\"\nname: A\nkind: person\nsource: other\nowner: ming\n"
				       "first_contact: {date: 2024-05-01}\nstage: initial\n");
	put(dir, "customers/b/2.yaml", "id: \"2\"\nname: [unclosed\n");
	put(dir, "customers/b/3.yaml", "id: \"3\"\nname: C\nkind: person\nsource: other\nowner: ming\n"
				       "first_contact: {date: 2024-05-01}\nstage: initial\nnmae: typo\n");
	put(dir, "customers/b/4.yaml", "id: \"4\"\nname: D\nkind: person\nsource: other\nowner: ming\n"
				       "first_contact: {date: 2024-05-01}\nstage: initial\n");
	crm_book *b;
	cr_assert_eq(crm_book_open(&b, dir, NULL), 0, "%s", crm_error_last());
	crm_diags d = {0};
	char ids[64] = "";
	cr_assert_eq(crm_records_each(b, &d, collect, ids), 0, "%s", crm_error_last());
	cr_assert_str_eq(ids, "1 4 ");
	cr_assert_eq(d.n, 2);
	cr_assert_str_eq(d.v[0].path, "customers/b/2.yaml");
	cr_assert_str_eq(d.v[1].path, "customers/b/3.yaml");
	cr_assert(strstr(d.v[1].msg, "nmae"), "%s", d.v[1].msg);
	cr_assert_eq(d.v[0].sev, CRM_SEV_WARNING);
	crm_diags_free(&d);
	/* an error from the visitor stops the walk */
	cr_assert_eq(crm_records_each(b, NULL, stop, NULL), CRM_EFAIL);
	crm_book_free(b);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* A filter with no condition lets everything through; any one condition does not. */
Test(query, a_filter_passes_all_only_without_conditions)
{
	crm_filter f = {0};
	cr_assert(crm_filter_passes_all(&f));
	static const char *const tags[] = {"vip"};
	crm_filter some[] = {{.stage = "won"}, {.tags = tags, .ntags = 1}, {.owner = "ming"},
			     {.source = "web"}, {.kind = "person"}, {.industry = "retail"},
			     {.priority = "high"}, {.due_before_set = true}, {.overdue = true}};
	for (size_t i = 0; i < sizeof some / sizeof *some; i++)
		cr_assert(!crm_filter_passes_all(&some[i]), "condition %zu", i);
}
