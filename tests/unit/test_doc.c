#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "crm/doc.h"

static crm_doc *parse_ok(const char *src)
{
	crm_doc *d = NULL;
	crm_diags diags = {0};
	int rc = crm_doc_parse(&d, "t.yaml", src, strlen(src), &diags);
	cr_assert_eq(rc, 0, "parse failed: %s", diags.n ? diags.v[0].msg : "?");
	crm_diags_free(&diags);
	return d;
}

/* Parse expecting failure; return the first diagnostic's "line:col: msg". */
static char *parse_bad(const char *src, size_t len)
{
	crm_doc *d = NULL;
	crm_diags diags = {0};
	int rc = crm_doc_parse(&d, "t.yaml", src, len, &diags);
	cr_assert_eq(rc, CRM_EINVALID);
	cr_assert_null(d);
	cr_assert_gt(diags.n, 0);
	char *s = malloc(1024);
	snprintf(s, 1024, "%d:%d: %s", diags.v[0].line, diags.v[0].col, diags.v[0].msg);
	crm_diags_free(&diags);
	return s;
}

#define assert_bad(src, prefix, needle)                                              \
	do {                                                                         \
		char *m_ = parse_bad(src, strlen(src));                              \
		cr_assert(strncmp(m_, prefix, strlen(prefix)) == 0, "got: %s", m_);  \
		cr_assert(strstr(m_, needle), "got: %s", m_);                        \
		free(m_);                                                            \
	} while (0)

Test(doc, positions_and_byte_ranges_with_cjk)
{
	const char *src = "name: 科技有限公司\nphone: '0138'\ntags: [a, b]\n";
	crm_doc *d = parse_ok(src);
	const crm_node *name = crm_node_get(d->root, "name");
	cr_assert_str_eq(name->value, "科技有限公司");
	cr_assert_eq(name->line, 1);
	cr_assert_eq(name->col, 7);
	cr_assert_eq(name->end - name->start, strlen("科技有限公司"));
	cr_assert(memcmp(src + name->start, "科技有限公司", name->end - name->start) == 0);
	const crm_node *phone = crm_node_get(d->root, "phone");
	cr_assert_eq(phone->style, CRM_STYLE_SQUOTED);
	cr_assert_eq(phone->jtype, CRM_JSON_STRING);
	cr_assert_eq(src[phone->start], '\'');
	const crm_node *tags = crm_node_at(d->root, "tags[1]");
	cr_assert_str_eq(tags->value, "b");
	cr_assert(crm_node_get(d->root, "tags")->flow);
	crm_doc_free(d);
}

Test(doc, plain_scalars_resolve_by_core_schema)
{
	crm_doc *d = parse_ok("a: 0137\nb: no\nc: 1e3\nd: ~\ne: true\nf: 2024-05-01\ng: \"1\"\n");
	cr_assert_eq(crm_node_get(d->root, "a")->jtype, CRM_JSON_INT);
	cr_assert_str_eq(crm_node_get(d->root, "a")->value, "0137");
	cr_assert_eq(crm_node_get(d->root, "b")->jtype, CRM_JSON_STRING);
	cr_assert_eq(crm_node_get(d->root, "c")->jtype, CRM_JSON_NUMBER);
	cr_assert_eq(crm_node_get(d->root, "d")->jtype, CRM_JSON_NULL);
	cr_assert_eq(crm_node_get(d->root, "e")->jtype, CRM_JSON_BOOL);
	cr_assert_eq(crm_node_get(d->root, "f")->jtype, CRM_JSON_STRING);
	cr_assert_eq(crm_node_get(d->root, "g")->jtype, CRM_JSON_STRING);
	crm_json_type t11;
	cr_assert_eq(crm_yaml_resolve("no", 2, &t11), CRM_JSON_STRING);
	cr_assert_eq(t11, CRM_JSON_BOOL);
	cr_assert_eq(crm_yaml_resolve("12:30", 5, &t11), CRM_JSON_STRING);
	cr_assert_eq(t11, CRM_JSON_INT);
	cr_assert_eq(crm_yaml_resolve("1_000", 5, &t11), CRM_JSON_STRING);
	cr_assert_eq(t11, CRM_JSON_INT);
	cr_assert_eq(crm_yaml_resolve("hello", 5, &t11), CRM_JSON_STRING);
	cr_assert_eq(t11, CRM_JSON_STRING);
	crm_doc_free(d);
}

/* the core-schema answer is the same whether or not the YAML 1.1 one is asked for */
Test(doc, the_core_answer_does_not_depend_on_asking_for_yaml11)
{
	const char *v[] = {"", "~", "null", "NULL", "true", "False", "0", "-12", "+7", "0o17", "0x1F",
			   "0xZ", "1.5", ".5", "1e3", "1e", "-.inf", ".NaN", "2024-05-01", "12:30", "1_000",
			   "no", "on", "<<", "=", "1.2.3", "12abc", "+", "-", ".", "张伟", "hello"};
	const crm_json_type want[] = {
		CRM_JSON_NULL, CRM_JSON_NULL, CRM_JSON_NULL, CRM_JSON_NULL, CRM_JSON_BOOL, CRM_JSON_BOOL,
		CRM_JSON_INT, CRM_JSON_INT, CRM_JSON_INT, CRM_JSON_INT, CRM_JSON_INT, CRM_JSON_STRING,
		CRM_JSON_NUMBER, CRM_JSON_NUMBER, CRM_JSON_NUMBER, CRM_JSON_STRING, CRM_JSON_NUMBER,
		CRM_JSON_NUMBER, CRM_JSON_STRING, CRM_JSON_STRING, CRM_JSON_STRING, CRM_JSON_STRING,
		CRM_JSON_STRING, CRM_JSON_STRING, CRM_JSON_STRING, CRM_JSON_STRING, CRM_JSON_STRING,
		CRM_JSON_STRING, CRM_JSON_STRING, CRM_JSON_STRING, CRM_JSON_STRING, CRM_JSON_STRING};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		crm_json_type t11;
		crm_json_type with = crm_yaml_resolve(v[i], strlen(v[i]), &t11);
		crm_json_type without = crm_yaml_resolve(v[i], strlen(v[i]), NULL);
		cr_expect_eq(with, want[i], "'%s': %d", v[i], (int)with);
		cr_expect_eq(without, with, "'%s': %d without, %d with", v[i], (int)without, (int)with);
	}
}

Test(doc, paths_with_indexes)
{
	crm_doc *d = parse_ok("contacts:\n  - name: 张伟\n    phone: \"1\"\n  - name: 李\nneeds:\n  budget: {min: 1, max: 2}\n");
	cr_assert_str_eq(crm_node_at(d->root, "contacts[1].name")->value, "李");
	cr_assert_str_eq(crm_node_at(d->root, "needs.budget.max")->value, "2");
	cr_assert_null(crm_node_at(d->root, "contacts[2].name"));
	cr_assert_null(crm_node_at(d->root, "contacts[x]"));
	cr_assert_null(crm_node_at(d->root, "needs."));
	crm_doc_free(d);
}

Test(doc, bom_and_crlf_accepted)
{
	const char *src = "\xEF\xBB\xBFid: \"1\"\r\nname: 张\r\n";
	crm_doc *d = parse_ok(src);
	cr_assert(d->bom);
	cr_assert(d->crlf);
	const crm_node *id = crm_node_get(d->root, "id");
	cr_assert_eq(id->col, 5);
	cr_assert_eq(src[id->start], '"');
	const crm_node *name = crm_node_get(d->root, "name");
	cr_assert_eq(name->line, 2);
	cr_assert(memcmp(src + name->start, "张", 3) == 0);
	crm_doc_free(d);
}

Test(doc, refuses_what_hand_edits_break)
{
	assert_bad("a: 1\na: 2\n", "2:1:", "duplicate key 'a'");
	assert_bad("a: &x 1\nb: *x\n", "1:4:", "anchor");
	assert_bad("a: !!str 1\n", "1:4:", "tag");
	assert_bad("a: 1\n---\nb: 2\n", "2:1:", "second document");
	assert_bad("a: 1\n<<<<<<< HEAD\nb: 2\n=======\nb: 3\n>>>>>>> x\n", "2:1:",
		   "unresolved merge conflict");
	assert_bad("a:\n\tb: 1\n", "2:1:", "tabs");
	assert_bad("a: x\nb: 'unclosed\n", "", "syntax error");
}

Test(doc, refuses_bad_bytes_with_line_and_column)
{
	char *m = parse_bad("a: ok\nb: 科\xFF\n", sizeof "a: ok\nb: 科\xFF\n" - 1);
	cr_assert(strncmp(m, "2:5:", 4) == 0, "got %s", m);
	cr_assert(strstr(m, "invalid UTF-8"));
	free(m);
	m = parse_bad("a: x\x01y\n", 8);
	cr_assert(strncmp(m, "1:5:", 4) == 0, "got %s", m);
	cr_assert(strstr(m, "control character"));
	free(m);
	m = parse_bad("a: x\0y\n", 7);
	cr_assert(strstr(m, "control character 0x00"), "got %s", m);
	free(m);
}

Test(doc, refuses_deep_nesting_and_huge_files)
{
	char deep[400] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	for (int i = 0; i < 40; i++)
		strcat(deep, "]");
	char *m = parse_bad(deep, strlen(deep));
	cr_assert(strstr(m, "nesting deeper"), "got %s", m);
	free(m);
	size_t n = CRM_DOC_MAX_BYTES + 10;
	char *big = malloc(n);
	memset(big, 'a', n);
	m = parse_bad(big, n);
	cr_assert(strstr(m, "at most"), "got %s", m);
	free(m);
	free(big);
}

Test(doc, block_collection_ends_at_last_child)
{
	const char *src = "followups:\n  - date: 2024-05-05\n    via: phone\n\n# trailing comment\nnotes: x\n";
	crm_doc *d = parse_ok(src);
	const crm_node *f = crm_node_get(d->root, "followups");
	cr_assert_eq(f->kind, CRM_NODE_SEQ);
	cr_assert_eq(f->col, 3);
	cr_assert(memcmp(src + f->end - 5, "phone", 5) == 0);
	crm_doc_free(d);
}

Test(doc, equality_ignores_style)
{
	crm_doc *a = parse_ok("x: {a: 1, b: [c, 'd']}\n");
	crm_doc *b = parse_ok("x:\n  b:\n    - \"c\"\n    - d\n  a: 1.0\n");
	cr_assert(crm_node_equal(a->root, b->root));
	crm_node *c = crm_node_clone(a->root);
	cr_assert(crm_node_equal(c, b->root));
	crm_node_free(c);
	crm_doc_free(a);
	crm_doc_free(b);
}
