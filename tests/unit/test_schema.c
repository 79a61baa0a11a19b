#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crm/schema.h"

/* The source tree: $CRM_SRC, else two folders above this file. */
static char *src_path(const char *rel)
{
	const char *root = getenv("CRM_SRC");
	char *p;
	if (root) {
		p = malloc(strlen(root) + strlen(rel) + 2);
		sprintf(p, "%s/%s", root, rel);
		return p;
	}
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_schema.c");
	size_t n = cut ? (size_t)(cut - f) : 0;
	p = malloc(n + strlen(rel) + 1);
	memcpy(p, f, n);
	strcpy(p + n, rel);
	return p;
}

static crm_schema *schema_ok(const char *src)
{
	crm_schema *s = NULL;
	crm_diags d = {0};
	int rc = crm_schema_parse(&s, "s.yaml", src, strlen(src), &d);
	cr_assert_eq(rc, 0, "schema refused: %d:%d: %s", d.n ? d.v[0].line : 0,
		     d.n ? d.v[0].col : 0, d.n ? d.v[0].msg : "?");
	cr_assert_not_null(s);
	crm_diags_free(&d);
	return s;
}

/* Parse a schema that must be refused; return its diagnostics. */
static crm_diags schema_bad(const char *src)
{
	crm_schema *s = NULL;
	crm_diags d = {0};
	int rc = crm_schema_parse(&s, "s.yaml", src, strlen(src), &d);
	cr_assert_eq(rc, CRM_EINVALID);
	cr_assert_null(s);
	cr_assert_gt(d.n, 0);
	return d;
}

static crm_doc *doc_of(const char *src)
{
	crm_doc *doc = NULL;
	crm_diags d = {0};
	int rc = crm_doc_parse(&doc, "r.yaml", src, strlen(src), &d);
	cr_assert_eq(rc, 0, "record does not parse: %s", d.n ? d.v[0].msg : "?");
	crm_diags_free(&d);
	return doc;
}

/* Validate `rec` against `sch` (both YAML text); diagnostics in *d. */
static int run(const char *sch, const char *rec, crm_diags *d)
{
	crm_schema *s = schema_ok(sch);
	crm_doc *doc = doc_of(rec);
	int n = crm_schema_validate(s, doc, d);
	crm_doc_free(doc);
	crm_schema_free(s);
	return n;
}

/* The only diagnostic must be at line:col and contain `needle`. */
static void expect_one(const crm_diags *d, int line, int col, crm_severity sev,
		       const char *needle)
{
	cr_assert_eq(d->n, 1, "want 1 diagnostic, got %zu (first: %s)", d->n,
		     d->n ? d->v[0].msg : "-");
	cr_expect_eq(d->v[0].line, line, "line %d, want %d: %s", d->v[0].line, line, d->v[0].msg);
	cr_expect_eq(d->v[0].col, col, "col %d, want %d: %s", d->v[0].col, col, d->v[0].msg);
	cr_expect_eq(d->v[0].sev, sev, "severity of: %s", d->v[0].msg);
	cr_expect(strstr(d->v[0].msg, needle), "message '%s' lacks '%s'", d->v[0].msg, needle);
}

static void expect_error(const char *sch, const char *rec, int line, int col,
			 const char *msg)
{
	crm_diags d = {0};
	cr_expect_eq(run(sch, rec, &d), 1);
	expect_one(&d, line, col, CRM_SEV_ERROR, msg);
	crm_diags_free(&d);
}

static void expect_valid(const char *sch, const char *rec)
{
	crm_diags d = {0};
	int n = run(sch, rec, &d);
	cr_expect_eq(n, 0, "errors: %d, first: %s", n, d.n ? d.v[0].msg : "-");
	cr_expect_eq(d.n, 0, "diagnostics: %zu, first: %s", d.n, d.n ? d.v[0].msg : "-");
	crm_diags_free(&d);
}

static bool has_msg(const crm_diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->v[i].msg, needle))
			return true;
	return false;
}

/* ---------------------------------------------------------------- */
/* Keywords, one at a time                                          */

#define OBJ "type: object\n"

Test(schema, type_each_json_type)
{
	const char *s = OBJ "properties:\n"
			"  s: {type: string}\n  n: {type: number}\n  i: {type: integer}\n"
			"  b: {type: boolean}\n  z: {type: 'null'}\n  o: {type: object}\n"
			"  a: {type: array}\n  either: {type: [number, 'null']}\n";
	expect_valid(s, "s: 'x'\nn: 1.5\ni: 3\nb: false\nz: ~\no: {k: v}\na: [1]\neither: ~\n");
	expect_valid(s, "n: 7\ni: 3.0\neither: 2\n");
	expect_error(s, "n: \"35\"\n", 1, 4, "n: expected a number, got a string (remove the quotes)");
	expect_error(s, "i: 1.5\n", 1, 4, "i: expected a whole number, got a number");
	expect_error(s, "b: 'true'\n", 1, 4, "b: expected true or false, got a string");
	expect_error(s, "o: [1]\n", 1, 4, "o: expected a map, got a list");
	expect_error(s, "a: x\n", 1, 4, "a: expected a list, got a string");
	expect_error(s, "either: x\n", 1, 9, "either: expected a number or null, got a string");
	expect_error(s, "s: {a: 1}\n", 1, 4, "s: expected a string, got a map");
	expect_error(OBJ, "- 1\n", 1, 1, "expected a map, got a list");
}

Test(schema, plain_scalar_as_string_warns)
{
	const char *s = OBJ "properties:\n  phone: {type: string}\n  answer: {type: string}\n"
			"  day: {type: string, format: date}\n  code: {type: string}\n";
	crm_diags d = {0};
	cr_assert_eq(run(s, "phone: 0137\n", &d), 0);
	expect_one(&d, 1, 8, CRM_SEV_WARNING,
		   "phone: plain 0137 is read as a number by other YAML tools; quote it: \"0137\"");
	crm_diags_free(&d);

	/* YAML 1.1 readers take `no` for false and 0138 for a number */
	cr_assert_eq(run(s, "answer: no\n", &d), 0);
	expect_one(&d, 1, 9, CRM_SEV_WARNING, "answer: plain no is read as a boolean");
	crm_diags_free(&d);
	cr_assert_eq(run(s, "code: 12:30\n", &d), 0);
	expect_one(&d, 1, 7, CRM_SEV_WARNING, "quote it: \"12:30\"");
	crm_diags_free(&d);
	cr_assert_eq(run(s, "code: 2024-05-01\n", &d), 0);
	expect_one(&d, 1, 7, CRM_SEV_WARNING, "read as a date");
	crm_diags_free(&d);
	cr_assert_eq(run(s, "answer:\n", &d), 0);
	expect_one(&d, 1, 8, CRM_SEV_WARNING, "answer: an empty value is read as null");
	crm_diags_free(&d);

	/* quoted, or a plain date where a date is wanted: nothing to say */
	expect_valid(s, "phone: \"0137\"\nanswer: 'no'\nday: 2024-05-01\ncode: abc\n");
}

Test(schema, properties_required_additional)
{
	const char *s = OBJ "required: [name, owner]\nadditionalProperties: false\n"
			"properties:\n  name: {type: string}\n  owner: {type: string}\n"
			"  first_contact:\n    type: object\n    required: [date]\n"
			"    properties: {date: {type: string}, by: {type: string}}\n";
	expect_error(s, "name: x\n", 1, 1, "missing required field 'owner'");
	crm_diags d = {0};
	cr_assert_eq(run(s, "name: x\nowner: z\nnmae: z\n", &d), 1);
	expect_one(&d, 3, 1, CRM_SEV_ERROR, "unknown field 'nmae' (did you mean 'name'?)");
	cr_expect_str_eq(d.v[0].msg, "unknown field 'nmae' (did you mean 'name'?)");
	cr_expect_str_eq(d.v[0].path, "r.yaml");
	crm_diags_free(&d);
	expect_error(s, "name: x\nowner: z\nzzz: 1\n", 3, 1, "unknown field 'zzz'");
	cr_assert_eq(run(s, "name: x\nowner: z\nzzz: 1\n", &d), 1);
	cr_expect_null(strstr(d.v[0].msg, "did you mean"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	/* nested: the path names the map that lacks the field */
	expect_error(s, "name: x\nowner: z\nfirst_contact:\n  by: ming\n", 4, 3,
		     "first_contact: missing required field 'date'");
	/* additionalProperties as a schema */
	expect_error(OBJ "additionalProperties: {type: number}\n", "a: 1\nb: x\n", 2, 4,
		     "b: expected a number, got a string");
}

Test(schema, items_minitems_unique)
{
	const char *s = OBJ "properties:\n  tags:\n    type: array\n    minItems: 1\n"
			"    uniqueItems: true\n    items: {type: string, minLength: 1}\n";
	expect_valid(s, "tags: [a, b]\n");
	expect_error(s, "tags: []\n", 1, 7, "tags: needs at least 1 item, has 0");
	expect_error(s, "tags: [a, b, a]\n", 1, 14, "tags[2]: 'a' is listed twice (also at [0])");
	expect_error(s, "tags:\n  - a\n  - ''\n", 3, 5, "tags[1]: must not be empty");
	expect_error(OBJ "properties: {l: {type: array, uniqueItems: true}}\n",
		     "l: [{a: 1}, {a: 1.0}]\n", 1, 13, "l[1]: is the same as item [0]");
}

Test(schema, enum_with_suggestions)
{
	const char *s = OBJ "properties:\n  stage:\n    type: string\n"
			"    enum: [initial, needs, proposal, negotiation, won, lost]\n"
			"    x-labels: {won: {zh: 成交, en: Won}}\n  n: {enum: [1, 2.5, 'x']}\n";
	crm_diags d = {0};
	cr_assert_eq(run(s, "stage: negociation\n", &d), 1);
	expect_one(&d, 1, 8, CRM_SEV_ERROR, "");
	cr_expect_str_eq(d.v[0].msg, "stage: 'negociation' is not one of initial, needs, "
				     "proposal, negotiation, won, lost (did you mean 'negotiation'?)");
	crm_diags_free(&d);
	expect_error(s, "stage: 成交\n", 1, 8, "(did you mean 'won'?)");
	expect_error(s, "stage: Won\n", 1, 8, "(did you mean 'won'?)");
	cr_assert_eq(run(s, "stage: banana\n", &d), 1);
	cr_expect_null(strstr(d.v[0].msg, "did you mean"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	/* schema values compare by type and value: plain 1 is 1, 1.0 too */
	expect_valid(s, "n: 1\n");
	expect_valid(s, "n: 1.0\n");
	expect_valid(s, "n: 2.5\n");
	expect_valid(s, "n: x\n");
	expect_error(s, "n: '1'\n", 1, 4, "n: '1' is not one of 1, 2.5, x");
}

Test(schema, const_keyword)
{
	const char *s = OBJ "properties: {kind: {const: company}, v: {const: 3}}\n";
	expect_valid(s, "kind: company\nv: 3\n");
	expect_error(s, "kind: person\n", 1, 7, "kind: expected 'company', got 'person'");
	expect_error(s, "v: '3'\n", 1, 4, "v: expected '3', got '3'");
}

Test(schema, pattern_and_lengths)
{
	const char *s = OBJ "properties:\n  id: {type: string, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'}\n"
			"  zip: {type: string, pattern: '^\\d{6}$'}\n"
			"  word: {type: string, pattern: '^\\w+(?:-\\w+)*$'}\n"
			"  name: {type: string, minLength: 2, maxLength: 4}\n";
	expect_valid(s, "id: '202405001'\nzip: '200120'\nword: ab-c_d\nname: 科技公司\n");
	expect_error(s, "id: ../x\n", 1, 5, "id: '../x' does not match the pattern ^[A-Za-z0-9]");
	expect_error(s, "zip: '20012a'\n", 1, 6, "zip: '20012a' does not match");
	expect_error(s, "word: 'a b'\n", 1, 7, "does not match");
	/* lengths count characters, not bytes: 科技公司 is 4 */
	expect_error(s, "name: 科技有限公司\n", 1, 7, "name: is too long (6 characters, at most 4)");
	expect_error(s, "name: 科\n", 1, 7, "name: '科' is too short (at least 2 characters)");
}

/* Id, phone and code patterns as teams write them. */
Test(schema, pattern_common_forms)
{
	static const struct { const char *pat, *text; bool ok; } cases[] = {
		{ "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", "202405001", true },
		{ "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", "a", true },
		{ "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", "-a", false },
		{ "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", "a.b", false },
		{ "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", "", false },
		{ "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
		  "a123456789012345678901234567890123456789012345678901234567890123", true },
		{ "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
		  "a1234567890123456789012345678901234567890123456789012345678901234", false },
		{ "^\\d{3}-\\d{4}$", "123-4567", true },
		{ "^\\d{3}-\\d{4}$", "123-456", false },
		{ "^[^/]+$", "a b", true },
		{ "^[^/]+$", "a/b", false },
		{ "^a*ab$", "aaab", true },
		{ "^a*ab$", "aaa", false },
		{ "^x?y{2,}$", "yyy", true },
		{ "^x?y{2,}$", "xy", false },
		{ "^[\\w.+-]+$", "a.b+c-d_e", true },
		{ "^[\\w.+-]+$", "a b", false },
		{ "^\\+?[0-9 ()-]{5,}$", "+86 (21) 5046-7730", true },
		{ "^\\+?[0-9 ()-]{5,}$", "+86 21 x", false },
		{ "^(ab)+$", "abab", true },
		{ "^(ab)+$", "aba", false },
		{ "b", "abc", true },
		{ "^b", "abc", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char sch[256], rec[256];
		snprintf(sch, sizeof sch, "properties: {v: {type: string, pattern: '%s'}}\n",
			 cases[i].pat);
		snprintf(rec, sizeof rec, "v: '%s'\n", cases[i].text);
		crm_diags d = {0};
		int n = run(sch, rec, &d);
		cr_expect_eq(n, cases[i].ok ? 0 : 1, "%s on '%s'", cases[i].pat, cases[i].text);
		crm_diags_free(&d);
	}
}

Test(schema, format_date_is_a_real_calendar_date)
{
	const char *s = OBJ "properties: {d: {type: string, format: date}}\n";
	expect_valid(s, "d: 2024-02-29\n");
	expect_valid(s, "d: 2000-02-29\n");
	expect_valid(s, "d: '2024-12-31'\n");
	expect_error(s, "d: 2023-02-29\n", 1, 4,
		     "d: '2023-02-29' is not a real calendar date (YYYY-MM-DD)");
	expect_error(s, "d: 1900-02-29\n", 1, 4, "not a real calendar date");
	expect_error(s, "d: 2024-02-30\n", 1, 4, "not a real calendar date");
	expect_error(s, "d: 2024-13-01\n", 1, 4, "not a real calendar date");
	expect_error(s, "d: 2024/05/01\n", 1, 4, "not a real calendar date");
	expect_error(s, "d: 2024-5-1\n", 1, 4, "not a real calendar date");
	/* a number where a date is wanted: one error, no quoting advice */
	expect_error(s, "d: 20240501\n", 1, 4, "'20240501' is not a real calendar date");
}

Test(schema, format_email_and_uri)
{
	const char *s = OBJ "properties: {e: {type: string, format: email}, "
			"u: {type: string, format: uri}}\n";
	expect_valid(s, "e: zhang@example.com\nu: https://example.com/a?b=c\n");
	expect_valid(s, "e: 张伟@例子.中国\nu: mailto:a@b.c\n");
	expect_error(s, "e: x@\n", 1, 4, "e: 'x@' is not a valid email");
	expect_error(s, "e: zhoujie.example.com\n", 1, 4, "is not a valid email");
	expect_error(s, "e: a@b@c.d\n", 1, 4, "is not a valid email");
	expect_error(s, "e: a@localhost\n", 1, 4, "is not a valid email");
	expect_error(s, "e: 'a b@c.d'\n", 1, 4, "is not a valid email");
	expect_error(s, "u: example.com\n", 1, 4, "u: 'example.com' is not a valid uri");
	expect_error(s, "u: 'https://exa mple.com'\n", 1, 4, "is not a valid uri");
	expect_error(s, "u: '1http://x'\n", 1, 4, "is not a valid uri");
}

Test(schema, minimum_maximum)
{
	const char *s = OBJ "properties: {age: {type: number, minimum: 0, maximum: 150}}\n";
	expect_valid(s, "age: 0\n");
	expect_valid(s, "age: 150\n");
	expect_valid(s, "age: 35.5\n");
	expect_error(s, "age: -1\n", 1, 6, "age: -1 is below the minimum 0");
	expect_error(s, "age: 151\n", 1, 6, "age: 151 is above the maximum 150");
	expect_error(s, "age: .nan\n", 1, 6, "age: .nan is not a number");
}

Test(schema, allof_applies_every_schema)
{
	const char *s = "allOf:\n  - {required: [a]}\n  - {required: [b]}\n"
			"  - {properties: {a: {type: number}}}\n";
	expect_valid(s, "a: 1\nb: 2\n");
	crm_diags d = {0};
	cr_expect_eq(run(s, "a: x\n", &d), 2);
	cr_expect_eq(d.n, 2);
	cr_expect(has_msg(&d, "missing required field 'b'"));
	cr_expect(has_msg(&d, "a: expected a number, got a string"));
	crm_diags_free(&d);
}

Test(schema, if_then_else)
{
	const char *s = OBJ "properties:\n  stage: {type: string}\n  lost_reason: {type: string}\n"
			"  deal: {type: object}\n"
			"allOf:\n"
			"  - if: {properties: {stage: {const: lost}}, required: [stage]}\n"
			"    then:\n      required: [lost_reason]\n"
			"      properties: {lost_reason: {minLength: 1}}\n"
			"  - if: {properties: {stage: {const: won}}, required: [stage]}\n"
			"    then:\n      required: [deal]\n"
			"      properties: {deal: {required: [amount, signed]}}\n"
			"    else: {properties: {deal: false}}\n";
	expect_valid(s, "stage: lost\nlost_reason: 价格太高\n");
	expect_valid(s, "stage: needs\nlost_reason: ''\n");
	expect_valid(s, "stage: won\ndeal: {amount: 1, signed: 2024-01-01}\n");
	expect_error(s, "stage: lost\n", 1, 1,
		     "missing required field 'lost_reason' (when stage is lost)");
	expect_error(s, "stage: lost\nlost_reason: ''\n", 2, 14,
		     "lost_reason: must not be empty (when stage is lost)");
	expect_error(s, "stage: won\n", 1, 1, "missing required field 'deal' (when stage is won)");
	crm_diags d = {0};
	cr_expect_eq(run(s, "stage: won\ndeal: {}\n", &d), 2);
	cr_expect(has_msg(&d, "deal: missing required field 'amount' (when stage is won)"));
	cr_expect(has_msg(&d, "deal: missing required field 'signed' (when stage is won)"));
	cr_expect_eq(d.v[0].line, 2);
	cr_expect_eq(d.v[0].col, 7);
	crm_diags_free(&d);
	/* else: the false schema forbids the field, reported at its key */
	expect_error(s, "stage: needs\ndeal: {amount: 1}\n", 2, 1,
		     "deal: not allowed (unless stage is won)");
	/* the condition itself reports nothing, even when it fails */
	expect_valid(s, "lost_reason: x\n");
}

Test(schema, every_problem_is_reported)
{
	const char *s = OBJ "required: [owner]\nadditionalProperties: false\n"
			"properties:\n  owner: {type: string}\n  age: {type: number}\n"
			"  d: {type: string, format: date}\n";
	crm_diags d = {0};
	int n = run(s, "age: old\nd: 2023-02-29\n", &d);
	cr_assert_eq(n, 3);
	cr_assert_eq(d.n, 3);
	crm_diags_sort(&d);
	cr_expect_eq(d.v[0].line, 1);
	cr_expect_eq(d.v[0].col, 1);
	cr_expect_str_eq(d.v[0].msg, "missing required field 'owner'");
	cr_expect_eq(d.v[1].line, 1);
	cr_expect_eq(d.v[1].col, 6);
	cr_expect_str_eq(d.v[1].msg, "age: expected a number, got a string");
	cr_expect_eq(d.v[2].line, 2);
	cr_expect_str_eq(d.v[2].msg, "d: '2023-02-29' is not a real calendar date (YYYY-MM-DD)");
	crm_diags_free(&d);
}

Test(schema, refs_resolve_local_pointers)
{
	const char *s = OBJ "properties:\n  a: {$ref: '#/definitions/date'}\n"
			"  b: {$ref: '#/definitions/a~1b'}\n  c: {$ref: '#/definitions/t~0x'}\n"
			"  list: {type: array, items: {$ref: '#/definitions/node'}}\n"
			"definitions:\n  date: {type: string, format: date}\n"
			"  a/b: {type: number}\n  t~x: {type: boolean}\n"
			"  node:\n    type: object\n    additionalProperties: false\n"
			"    properties: {kids: {type: array, items: {$ref: '#/definitions/node'}}}\n";
	expect_valid(s, "a: 2024-01-01\nb: 2\nc: true\nlist: [{kids: [{kids: []}]}]\n");
	expect_error(s, "b: x\n", 1, 4, "b: expected a number");
	expect_error(s, "list: [{kids: [{kid: []}]}]\n", 1, 17,
		     "list[0].kids[0]: unknown field 'kid' (did you mean 'kids'?)");
}

Test(schema, boolean_schemas)
{
	expect_valid("true\n", "anything: [1, 2]\n");
	expect_error("false\n", "a: 1\n", 1, 1, "not allowed");
}

Test(schema, empty_document_is_null)
{
	crm_schema *s = schema_ok(OBJ "required: [id]\n");
	crm_doc *doc = doc_of("");
	crm_diags d = {0};
	cr_expect_eq(crm_schema_validate(s, doc, &d), 1);
	expect_one(&d, 1, 1, CRM_SEV_ERROR, "expected a map, got an empty value");
	crm_diags_free(&d);
	crm_doc_free(doc);
	crm_schema_free(s);
}

/* ---------------------------------------------------------------- */
/* Schemas that are refused                                          */

Test(schema, unknown_keyword_is_refused_with_position)
{
	crm_diags d = schema_bad(OBJ "properties:\n  tags:\n    type: array\n    minItem: 1\n");
	cr_assert_eq(d.n, 1);
	cr_expect_eq(d.v[0].line, 5);
	cr_expect_eq(d.v[0].col, 5);
	cr_expect_str_eq(d.v[0].path, "s.yaml");
	cr_expect_str_eq(d.v[0].msg, "unknown keyword 'minItem' (did you mean 'minItems'?)");
	crm_diags_free(&d);
	d = schema_bad("oneOf: [{type: string}]\n");
	cr_expect(strstr(d.v[0].msg, "keyword 'oneOf' is not supported"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	/* every problem in the schema at once */
	d = schema_bad("tpye: object\nproperties: {a: {maxItems: 2}, b: {format: phone}}\n");
	cr_expect_eq(d.n, 3);
	crm_diags_free(&d);
	/* property names are not keywords */
	crm_schema_free(schema_ok("properties: {oneOf: {}, nmae: {type: string}}\n"));
}

Test(schema, bad_values_of_keywords_are_refused)
{
	const char *bad[] = {
		"type: text\n",
		"type: [string, 7]\n",
		"required: name\n",
		"enum: []\n",
		"minLength: -1\n",
		"minItems: many\n",
		"minimum: '3'\n",
		"uniqueItems: yes please\n",
		"format: phone\n",
		"items: [{type: string}]\n",
		"properties: [a]\n",
		"allOf: {type: string}\n",
		"x-label: 来源\n",
		"x-labels: {a: 甲}\n",
		"enum: [a]\nx-labels: {b: {en: B}}\n",
		"$schema: http://json-schema.org/draft-04/schema#\n",
		"properties: {a: {$schema: 'http://json-schema.org/draft-07/schema#'}}\n",
		"additionalProperties: false\nrequired: [nope]\nproperties: {a: {}}\n",
		"properties: {a: 3}\n",
		"minimum: 5\nmaximum: 1\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		crm_schema *s = NULL;
		crm_diags d = {0};
		int rc = crm_schema_parse(&s, "s.yaml", bad[i], strlen(bad[i]), &d);
		cr_expect_eq(rc, CRM_EINVALID, "accepted: %s", bad[i]);
		cr_expect_gt(d.n, 0, "no diagnostic for: %s", bad[i]);
		cr_expect(d.n == 0 || d.v[0].line > 0, "no line for: %s", bad[i]);
		crm_schema_free(s);
		crm_diags_free(&d);
	}
}

Test(schema, bad_refs_are_refused)
{
	crm_diags d = schema_bad("properties:\n  a: {$ref: '#/definitions/contcat'}\n"
				 "definitions:\n  contact: {type: object}\n");
	cr_assert_eq(d.n, 1);
	cr_expect_eq(d.v[0].line, 2);
	cr_expect_eq(d.v[0].col, 13);
	cr_expect(strstr(d.v[0].msg, "'#/definitions/contcat' points to nothing"), "%s",
		  d.v[0].msg);
	cr_expect(strstr(d.v[0].msg, "did you mean 'contact'"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	d = schema_bad("properties: {a: {$ref: 'other.yaml#/definitions/x'}}\n");
	cr_expect(strstr(d.v[0].msg, "only local references"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	d = schema_bad("properties: {a: {$ref: '#/definitions/x'}}\n");
	crm_diags_free(&d);
	/* a loop that never descends into a field */
	d = schema_bad("$ref: '#/definitions/a'\ndefinitions:\n  a: {$ref: '#/definitions/b'}\n"
		       "  b: {allOf: [{$ref: '#/definitions/a'}]}\n");
	cr_expect(has_msg(&d, "refers back to itself"));
	crm_diags_free(&d);
	/* draft-07 readers ignore the siblings of $ref; crm refuses them */
	d = schema_bad("properties: {a: {$ref: '#/definitions/x', type: string}}\n"
		       "definitions: {x: {}}\n");
	cr_expect(strstr(d.v[0].msg, "'type' beside $ref is ignored"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	/* annotations beside $ref are fine */
	crm_schema_free(schema_ok("properties: {a: {$ref: '#/definitions/x', title: A, "
				  "x-label: {en: A}}}\ndefinitions: {x: {}}\n"));
}

Test(schema, bad_patterns_are_refused)
{
	/* at the value's line and column, with PCRE2's reason and where */
	crm_diags d = schema_bad("type: object\nproperties:\n  a: {pattern: '^(a$'}\n");
	cr_expect_eq(d.v[0].line, 3);
	cr_expect_eq(d.v[0].col, 16);
	cr_expect(strstr(d.v[0].msg, "pattern '^(a$' does not compile: missing closing parenthesis"
				     " (at character 5 of the pattern)"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	d = schema_bad("pattern: '[z-a]'\n");
	cr_expect(strstr(d.v[0].msg, "range out of order"), "%s", d.v[0].msg);
	crm_diags_free(&d);
	/* glibc regcomp took 30 s and 5 GB on this one; PCRE2 refuses its size */
	d = schema_bad("pattern: '^(((a{0,255}){0,255}){0,255}){0,255}$'\n");
	cr_expect(strstr(d.v[0].msg, "does not compile: regular expression is too large"), "%s",
		  d.v[0].msg);
	crm_diags_free(&d);
	/* ECMAScript patterns that the POSIX translation refused now load */
	crm_schema_free(schema_ok("pattern: '\\bword'\n"));
	crm_schema_free(schema_ok("pattern: '(?=a)'\n"));
}

/* SPEC §4: ECMAScript over Unicode text, as editors check it. */
Test(schema, patterns_are_ecmascript_over_characters)
{
	const char *s = OBJ "properties:\n"
			"  name: {type: string, pattern: '^[\\u4e00-\\u9fa5]{2,4}$'}\n"
			"  zip: {type: string, pattern: '^\\d{6}$'}\n"
			"  code: {type: string, pattern: '^\\w{2,3}$'}\n"
			"  pw: {type: string, pattern: '^(?=.*\\d)(?=.*[a-z]).{6,}$'}\n"
			"  short: {type: string, pattern: '^.{1,3}$'}\n";
	expect_valid(s, "name: 张伟\n");
	expect_valid(s, "name: 欧阳娜娜\n");
	expect_error(s, "name: 张\n", 1, 7, "name: '张' does not match the pattern ^[\\u4e00-");
	expect_error(s, "name: 欧阳娜娜娜\n", 1, 7, "does not match");
	expect_error(s, "name: Zhang\n", 1, 7, "does not match");
	expect_valid(s, "zip: '200120'\n");
	expect_error(s, "zip: '２００１２０'\n", 1, 6, "does not match"); /* \d is ASCII */
	expect_valid(s, "code: a_1\n");
	expect_error(s, "code: 科技\n", 1, 7, "does not match"); /* \w is ASCII */
	expect_valid(s, "pw: abc123\n");
	expect_error(s, "pw: abcdef\n", 1, 5, "does not match");
	/* {m,n} and . count characters: 科技公 is 3, though 9 bytes */
	expect_valid(s, "short: 科技公\n");
	expect_error(s, "short: 科技公司\n", 1, 8, "does not match");
}

Test(schema, pattern_dollar_is_the_very_end_and_search_is_unanchored)
{
	const char *s = OBJ "properties: {a: {type: string, pattern: '^ab$'}, "
			"b: {type: string, pattern: 'x'}}\n";
	expect_error(s, "a: \"ab\\n\"\n", 1, 4, "does not match");
	expect_valid(s, "b: axb\n");
}

/* What a command is about to write is checked with the same patterns. */
Test(schema, accepts_uses_patterns_and_their_limit, .timeout = 5)
{
	crm_schema *s = schema_ok(OBJ "properties:\n"
				  "  name: {type: string, pattern: '^[\\u4e00-\\u9fa5]{2,4}$'}\n"
				  "  x: {type: string, pattern: '^(a|a)+$'}\n");
	crm_doc *d = doc_of("a: 张伟\nb: Zhang\nc: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\nd: aaa\n");
	cr_expect(crm_schema_accepts(s, "name", crm_node_get(d->root, "a")));
	cr_expect_not(crm_schema_accepts(s, "name", crm_node_get(d->root, "b")));
	cr_expect_not(crm_schema_accepts(s, "x", crm_node_get(d->root, "c")));
	cr_expect(crm_schema_accepts(s, "x", crm_node_get(d->root, "d")));
	crm_doc_free(d);
	crm_schema_free(s);
}

/* A pattern that backtracks without end is an error on the field, not a hang. */
Test(schema, hostile_pattern_hits_its_limit_fast, .timeout = 5)
{
	const char *s = OBJ "properties:\n  a: {type: string, pattern: '^((a{0,30}){0,30}){0,30}$'}\n"
			"  b: {type: string, pattern: '^(a|a)+$'}\n";
	crm_schema *sch = schema_ok(s);
	crm_doc *doc = doc_of("a: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n"
			      "b: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n");
	crm_diags d = {0};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int n = crm_schema_validate(sch, doc, &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect_lt(secs, 0.5, "took %.3f s", secs);
	cr_assert_eq(n, 2);
	cr_assert_eq(d.n, 2);
	cr_expect_eq(d.v[0].line, 1);
	cr_expect_eq(d.v[0].col, 4);
	cr_expect(strstr(d.v[0].msg, "a: cannot be checked: the pattern ^((a{0,30}){0,30}){0,30}$ "
				     "hit the match limit"), "%s", d.v[0].msg);
	cr_expect_eq(d.v[1].line, 2);
	cr_expect(strstr(d.v[1].msg, "b: cannot be checked: the pattern ^(a|a)+$ hit the"),
		  "%s", d.v[1].msg);
	/* the same pattern still answers quickly where it can */
	crm_diags_free(&d);
	crm_doc_free(doc);
	doc = doc_of("a: aaaa\nb: aa\n");
	cr_expect_eq(crm_schema_validate(sch, doc, &d), 0);
	crm_diags_free(&d);
	crm_doc_free(doc);
	crm_schema_free(sch);
}

Test(schema, load_from_file_and_missing_file)
{
	crm_schema *s = NULL;
	crm_diags d = {0};
	int rc = crm_schema_load(&s, "/nonexistent/x.schema.yaml", &d);
	cr_expect_neq(rc, 0);
	cr_expect_null(s);
	crm_diags_free(&d);
}

/* ---------------------------------------------------------------- */
/* The shipped schema and the SPEC §3 record                         */

static const char *spec_record =
	"id: \"202405001\"\n"
	"name: 科技有限公司\n"
	"kind: company                 # company | person\n"
	"source: trade-show\n"
	"owner: ming\n"
	"first_contact: {date: 2024-05-01, by: ming}\n"
	"company:\n"
	"  industry: 智能制造\n"
	"  size: 200-500\n"
	"  website: https://example.com\n"
	"  business: 智能仓储\n"
	"contacts:\n"
	"  - name: 张伟\n"
	"    title: 采购经理\n"
	"    phone: \"13800000000\"\n"
	"    email: zhang@example.com\n"
	"    birthday: 1985-06-12\n"
	"    role: decision-maker\n"
	"needs:\n"
	"  summary: 降低仓储管理成本30%\n"
	"  budget: {min: 150000, max: 200000}\n"
	"  decision_chain:\n"
	"    - {name: 王总, title: 总经理, role: decision-maker}\n"
	"    - {name: 李工, title: 技术部主管, role: influencer}\n"
	"  deadline: 2024-09-30\n"
	"tags: [预算敏感, 决策链复杂, 高意向]\n"
	"stage: proposal\n"
	"stage_history:\n"
	"  - {stage: initial, date: 2024-05-01}\n"
	"  - {stage: proposal, date: 2024-05-12}\n"
	"lost_reason: \"\"\n"
	"deal: {amount: 180000, signed: 2024-08-01, contract_end: 2025-07-31}\n"
	"dates:\n"
	"  - {label: 公司周年, date: 2010-09-01, yearly: true}\n"
	"notes: |\n"
	"  Free text, several lines.\n"
	"followups:\n"
	"  - date: 2024-05-05\n"
	"    via: phone\n"
	"    by: ming\n"
	"    summary: 介绍智能仓储系统A，客户关注成本控制\n"
	"    feedback: 需提供3家同类企业应用案例\n"
	"    result: progressed\n"
	"    priority: high\n"
	"    next: {date: 2024-05-08, action: 发送案例资料, by: ming}\n";

static const char *person_record =
	"id: P-7\n"
	"name: 李明\n"
	"kind: person\n"
	"source: referral\n"
	"owner: li\n"
	"first_contact: {date: 2024-05-01}\n"
	"person:\n"
	"  age: 35\n"
	"  occupation: 工程师\n"
	"  interests: [摄影]\n"
	"  area: 上海浦东\n"
	"  emergency_contact: \"\"\n"
	"stage: lost\n"
	"lost_reason: 预算取消\n"
	"followups:\n"
	"  - {date: 2024-05-05, via: im, by: li, summary: 问候, next: {date: 2024-05-08, "
	"action: '', by: li}}\n";

static crm_schema *shipped(void)
{
	char *p = src_path("schema/customer.schema.yaml");
	crm_schema *s = NULL;
	crm_diags d = {0};
	int rc = crm_schema_load(&s, p, &d);
	cr_assert_eq(rc, 0, "%s: %d:%d: %s", p, d.n ? d.v[0].line : 0, d.n ? d.v[0].col : 0,
		     d.n ? d.v[0].msg : crm_error_last());
	cr_assert_eq(d.n, 0);
	free(p);
	return s;
}

/* Validate `rec` with the shipped schema. */
static int check_shipped(const char *rec, crm_diags *d)
{
	crm_schema *s = shipped();
	crm_doc *doc = doc_of(rec);
	int n = crm_schema_validate(s, doc, d);
	crm_doc_free(doc);
	crm_schema_free(s);
	return n;
}

/* The SPEC record with the first line that starts with `old` replaced. */
static char *variant(const char *rec, const char *old, const char *new)
{
	const char *at = strstr(rec, old);
	cr_assert_not_null(at, "no '%s' in the record", old);
	const char *eol = strchr(at, '\n');
	size_t n = strlen(rec) - (size_t)(eol - at) + strlen(new) + 1;
	char *r = malloc(n);
	sprintf(r, "%.*s%s%s", (int)(at - rec), rec, new, eol);
	return r;
}

static void expect_shipped_error(const char *rec, const char *old, const char *new,
				 const char *msg)
{
	char *r = variant(rec, old, new);
	crm_diags d = {0};
	int n = check_shipped(r, &d);
	cr_expect_geq(n, 1, "accepted: %s -> %s", old, new);
	cr_expect(has_msg(&d, msg), "%s -> %s: no '%s' (first: %s)", old, new, msg,
		  d.n ? d.v[0].msg : "-");
	crm_diags_free(&d);
	free(r);
}

Test(shipped, loads_and_accepts_the_spec_record)
{
	crm_diags d = {0};
	int n = check_shipped(spec_record, &d);
	cr_expect_eq(n, 0);
	for (size_t i = 0; i < d.n; i++)
		cr_expect_fail("%d:%d: %s", d.v[i].line, d.v[i].col, d.v[i].msg);
	crm_diags_free(&d);
	n = check_shipped(person_record, &d);
	cr_expect_eq(n, 0);
	for (size_t i = 0; i < d.n; i++)
		cr_expect_fail("%d:%d: %s", d.v[i].line, d.v[i].col, d.v[i].msg);
	crm_diags_free(&d);
}

Test(shipped, rejects_variants)
{
	const char *r = spec_record;
	expect_shipped_error(r, "stage: proposal", "stage: negociation",
			     "stage: 'negociation' is not one of initial, needs, proposal, "
			     "negotiation, won, lost (did you mean 'negotiation'?)");
	expect_shipped_error(r, "name:", "nmae: 科技", "unknown field 'nmae' (did you mean 'name'?)");
	expect_shipped_error(r, "owner: ming", "# no owner", "missing required field 'owner'");
	expect_shipped_error(r, "stage: proposal", "stage: lost",
			     "lost_reason: must not be empty (when stage is lost)");
	expect_shipped_error(r, "  deadline:", "  deadline: 2024-02-30",
			     "needs.deadline: '2024-02-30' is not a real calendar date (YYYY-MM-DD)");
	expect_shipped_error(r, "    email:", "    email: x@",
			     "contacts[0].email: 'x@' is not a valid email");
	expect_shipped_error(r, "id:", "id: \"../x\"", "id: '../x' does not match");
	expect_shipped_error(r, "kind:", "kind: person", "company: not allowed (when kind is person)");
	expect_shipped_error(r, "  website:", "  website: example.com", "is not a valid uri");
	expect_shipped_error(r, "    via:", "    via: wechat", "followups[0].via: 'wechat' is not one of");
	expect_shipped_error(r, "    priority:", "    priority: urgent", "is not one of high, medium, low");
	expect_shipped_error(r, "    next:", "    next: {date: 2024-05-08, by: ming}",
			     "followups[0].next: missing required field 'action'");
	expect_shipped_error(r, "  budget:", "  budget: {min: 150000, max: \"200000\"}",
			     "needs.budget.max: expected a number, got a string");
	expect_shipped_error(r, "  - {label:", "  - {label: 公司周年, date: 2010-09-01, yearly: yes}",
			     "dates[0].yearly: expected true or false");
	expect_shipped_error(r, "tags:", "tags: [a, a]", "tags[1]: 'a' is listed twice");
	expect_shipped_error(r, "  - {stage: initial", "  - {stage: initial}",
			     "stage_history[0]: missing required field 'date'");

	/* stage won without a deal, or with an incomplete one */
	char *won = variant(r, "stage: proposal", "stage: won");
	expect_shipped_error(won, "deal:", "# no deal",
			     "missing required field 'deal' (when stage is won)");
	expect_shipped_error(won, "deal:", "deal: {amount: 180000}",
			     "deal: missing required field 'signed' (when stage is won)");
	crm_diags d = {0};
	cr_expect_eq(check_shipped(won, &d), 0);
	crm_diags_free(&d);
	free(won);

	const char *p = person_record;
	expect_shipped_error(p, "  age:", "  age: \"thirty\"",
			     "person.age: expected a number, got a string");
	expect_shipped_error(p, "lost_reason:", "lost_reason: \"\"",
			     "lost_reason: must not be empty (when stage is lost)");
	expect_shipped_error(p, "lost_reason:", "# none",
			     "missing required field 'lost_reason' (when stage is lost)");
	expect_shipped_error(p, "  area:", "  aera: x", "person: unknown field 'aera' (did you mean 'area'?)");
}

Test(shipped, unquoted_phone_and_id_warn)
{
	char *r = variant(spec_record, "    phone:", "    phone: 13800000000");
	char *r2 = variant(r, "id:", "id: 202405001");
	crm_diags d = {0};
	cr_expect_eq(check_shipped(r2, &d), 0);
	cr_assert_eq(d.n, 2);
	crm_diags_sort(&d);
	cr_expect_eq(d.v[0].sev, CRM_SEV_WARNING);
	cr_expect_str_eq(d.v[0].msg, "id: plain 202405001 is read as a number by other YAML "
				     "tools; quote it: \"202405001\"");
	cr_expect_eq(d.v[1].line, 15);
	cr_expect_eq(d.v[1].col, 12);
	cr_expect(strstr(d.v[1].msg, "contacts[0].phone: plain 13800000000"), "%s", d.v[1].msg);
	crm_diags_free(&d);
	free(r);
	free(r2);
}

Test(shipped, three_problems_three_diagnostics)
{
	char *a = variant(spec_record, "source:", "source: tradeshow");
	char *b = variant(a, "    via:", "    via: phoen");
	char *c = variant(b, "    birthday:", "    birthday: 1985-02-29");
	crm_diags d = {0};
	cr_expect_eq(check_shipped(c, &d), 3);
	cr_expect_eq(d.n, 3);
	cr_expect(has_msg(&d, "source: 'tradeshow' is not one of online, referral, trade-show, "
			      "cold-call, other (did you mean 'trade-show'?)"));
	cr_expect(has_msg(&d, "followups[0].via: 'phoen' is not one of"));
	cr_expect(has_msg(&d, "(did you mean 'phone'?)"));
	cr_expect(has_msg(&d, "contacts[0].birthday: '1985-02-29' is not a real calendar date"));
	crm_diags_free(&d);
	free(a);
	free(b);
	free(c);
}

/* Every record of the example book is valid; every broken one is not. */
static int validate_dir(crm_schema *s, const char *dir, int *files)
{
	int errors = 0;
	DIR *dp = opendir(dir);
	cr_assert_not_null(dp, "%s", dir);
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t l = strlen(path);
		if (l > 5 && strcmp(path + l - 5, ".yaml") == 0) {
			crm_doc *doc = NULL;
			crm_diags d = {0};
			cr_assert_eq(crm_doc_load(&doc, path, &d), 0, "%s", path);
			int n = crm_schema_validate(s, doc, &d);
			for (size_t i = 0; i < d.n; i++)
				cr_expect_fail("%s:%d:%d: %s", path, d.v[i].line, d.v[i].col,
					       d.v[i].msg);
			errors += n;
			(*files)++;
			crm_diags_free(&d);
			crm_doc_free(doc);
		} else if (!strchr(e->d_name, '.')) {
			errors += validate_dir(s, path, files);
		}
	}
	closedir(dp);
	return errors;
}

Test(shipped, example_book_is_valid)
{
	char *dir = src_path("examples/book/customers");
	crm_schema *s = shipped();
	int files = 0;
	cr_expect_eq(validate_dir(s, dir, &files), 0);
	cr_expect_geq(files, 10);
	crm_schema_free(s);
	free(dir);
}

Test(shipped, broken_examples_are_caught)
{
	static const struct { const char *file; int line, col; const char *msg; } cases[] = {
		{ "01-unknown-key.yaml", 4, 1, "unknown field 'nmae' (did you mean 'name'?)" },
		{ "02-enum-typo.yaml", 8, 8, "(did you mean 'negotiation'?)" },
		{ "03-missing-owner.yaml", 2, 1, "missing required field 'owner'" },
		{ "04-wrong-type.yaml", 9, 8, "person.age: expected a number, got a string" },
		{ "05-invalid-date.yaml", 10, 13, "needs.deadline: '2024-02-30' is not a real" },
		{ "06-lost-without-reason.yaml", 2, 1, "missing required field 'lost_reason'" },
		{ "07-won-without-deal.yaml", 2, 1, "missing required field 'deal'" },
		{ "16-bad-email.yaml", 10, 12, "contacts[0].email: 'zhoujie.example.com' is not a" },
		{ "17-id-path.yaml", 2, 5, "id: '../x' does not match" },
	};
	crm_schema *s = shipped();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char rel[256];
		snprintf(rel, sizeof rel, "examples/broken/%s", cases[i].file);
		char *p = src_path(rel);
		crm_doc *doc = NULL;
		crm_diags d = {0};
		cr_assert_eq(crm_doc_load(&doc, p, &d), 0, "%s: %s", p, d.n ? d.v[0].msg : "?");
		cr_expect_eq(crm_schema_validate(s, doc, &d), 1, "%s", p);
		cr_expect_eq(d.n, 1, "%s: %zu diagnostics", p, d.n);
		if (d.n) {
			cr_expect_eq(d.v[0].line, cases[i].line, "%s: %d:%d: %s", p, d.v[0].line,
				     d.v[0].col, d.v[0].msg);
			cr_expect_eq(d.v[0].col, cases[i].col, "%s: %d:%d: %s", p, d.v[0].line,
				     d.v[0].col, d.v[0].msg);
			cr_expect(strstr(d.v[0].msg, cases[i].msg), "%s: %s", p, d.v[0].msg);
		}
		crm_diags_free(&d);
		crm_doc_free(doc);
		free(p);
	}
	crm_schema_free(s);
}

/* ---------------------------------------------------------------- */
/* Accessors                                                         */

Test(shipped, labels)
{
	crm_schema *s = shipped();
	cr_expect_str_eq(crm_schema_label(s, "stage", "won", "zh"), "成交");
	cr_expect_str_eq(crm_schema_label(s, "stage", "won", "en"), "Won");
	cr_expect_str_eq(crm_schema_label(s, "stage", "won", "fr"), "Won");
	cr_expect_str_eq(crm_schema_label(s, "stage_history[].stage", "lost", "zh"), "流失");
	cr_expect_str_eq(crm_schema_label(s, "followups[].via", "onsite", "zh"), "上门拜访");
	cr_expect_str_eq(crm_schema_label(s, "followups[3].via", "im", "zh"), "即时通讯");
	cr_expect_str_eq(crm_schema_label(s, "followups[].priority", "high", "zh"), "高");
	cr_expect_str_eq(crm_schema_label(s, "followups[].result", "setback", "zh"), "受阻");
	cr_expect_str_eq(crm_schema_label(s, "contacts[0].role", "decision-maker", "zh"),
			 "最终决策人");
	cr_expect_str_eq(crm_schema_label(s, "needs.decision_chain[].role", "user", "zh"),
			 "使用者");
	cr_expect_str_eq(crm_schema_label(s, "source", "cold-call", "zh"), "电话陌拜");
	cr_expect_str_eq(crm_schema_label(s, "kind", "person", "zh"), "个人客户");
	const char *odd = "wechat";
	cr_expect_eq(crm_schema_label(s, "source", odd, "zh"), odd);
	/* field labels */
	cr_expect_str_eq(crm_schema_label(s, "name", NULL, "zh"), "客户名称");
	cr_expect_str_eq(crm_schema_label(s, "source", NULL, "en"), "Source");
	cr_expect_str_eq(crm_schema_label(s, "source", NULL, "zh"), "来源");
	cr_expect_str_eq(crm_schema_label(s, "owner", NULL, "zh"), "负责人");
	cr_expect_str_eq(crm_schema_label(s, "stage_history[0].stage", NULL, "zh"), "销售阶段");
	cr_expect_str_eq(crm_schema_label(s, "deal.amount", NULL, "zh"), "成交金额");
	cr_expect_null(crm_schema_label(s, "nope", NULL, "zh"));
	crm_schema_free(s);
	/* without x-label, the field's name */
	crm_schema *t = schema_ok("properties: {a: {properties: {bee: {type: string}}}}\n");
	cr_expect_str_eq(crm_schema_label(t, "a.bee", NULL, "zh"), "bee");
	crm_schema_free(t);
}

Test(shipped, types_enums_and_subschemas)
{
	crm_schema *s = shipped();
	cr_expect_str_eq(crm_schema_type_at(s, "needs.budget.max"), "number");
	cr_expect_str_eq(crm_schema_type_at(s, "deal.amount"), "number");
	cr_expect_str_eq(crm_schema_type_at(s, "person.age"), "number");
	cr_expect_str_eq(crm_schema_type_at(s, "first_contact.date"), "date");
	cr_expect_str_eq(crm_schema_type_at(s, "followups[2].next.date"), "date");
	cr_expect_str_eq(crm_schema_type_at(s, "dates[0].yearly"), "boolean");
	cr_expect_str_eq(crm_schema_type_at(s, "contacts[0].phone"), "string");
	cr_expect_str_eq(crm_schema_type_at(s, "tags"), "array");
	cr_expect_str_eq(crm_schema_type_at(s, "tags[0]"), "string");
	cr_expect_str_eq(crm_schema_type_at(s, "company"), "object");
	cr_expect_str_eq(crm_schema_type_at(s, "id"), "string");
	cr_expect_str_eq(crm_schema_type_at(s, ""), "object");
	cr_expect_null(crm_schema_type_at(s, "needs.budget.maxx"));
	cr_expect_null(crm_schema_type_at(s, "needs..budget"));
	cr_expect_null(crm_schema_type_at(s, "tags[x]"));

	const char *const *v;
	size_t n;
	cr_assert_eq(crm_schema_enum_values(s, "stage", &v, &n), 0);
	cr_assert_eq(n, 6);
	cr_expect_str_eq(v[0], "initial");
	cr_expect_str_eq(v[5], "lost");
	cr_assert_eq(crm_schema_enum_values(s, "followups[].via", &v, &n), 0);
	cr_expect_eq(n, 7);
	cr_expect_eq(crm_schema_enum_values(s, "name", &v, &n), CRM_ENOTFOUND);
	cr_expect_null(v);
	cr_expect_eq(n, 0);

	const crm_node *c = crm_schema_at(s, "contacts[0]");
	cr_assert_not_null(c);
	cr_expect_not_null(crm_node_get(crm_node_get(c, "properties"), "phone"));
	cr_expect_not_null(crm_schema_at(s, "deal"));
	cr_expect_null(crm_schema_at(s, "deal.price"));

	cr_expect_str_eq(crm_schema_enum_from_label(s, "kind", "企业客户"), "company");
	cr_expect_str_eq(crm_schema_enum_from_label(s, "kind", "Company"), "company");
	cr_expect_str_eq(crm_schema_enum_from_label(s, "followups[].via", "电话沟通"), "phone");
	cr_expect_str_eq(crm_schema_enum_from_label(s, "stage", "won"), "won");
	cr_expect_null(crm_schema_enum_from_label(s, "stage", "成功"));
	crm_schema_free(s);
}

Test(shipped, find_by_label)
{
	crm_schema *s = shipped();
	char *p = NULL;
	cr_assert_eq(crm_schema_find_by_label(s, "客户名称", &p), 0);
	cr_expect_str_eq(p, "name");
	free(p);
	cr_assert_eq(crm_schema_find_by_label(s, "source", &p), 0);
	cr_expect_str_eq(p, "source");
	free(p);
	cr_assert_eq(crm_schema_find_by_label(s, "来源", &p), 0);
	cr_expect_str_eq(p, "source");
	free(p);
	cr_assert_eq(crm_schema_find_by_label(s, "预算上限", &p), 0);
	cr_expect_str_eq(p, "needs.budget.max");
	free(p);
	cr_assert_eq(crm_schema_find_by_label(s, "联系电话", &p), 0);
	cr_expect_str_eq(p, "contacts[0].phone");
	free(p);
	cr_assert_eq(crm_schema_find_by_label(s, "下次行动", &p), 0);
	cr_expect_str_eq(p, "followups[0].next.action");
	free(p);
	cr_expect_eq(crm_schema_find_by_label(s, "不存在", &p), CRM_ENOTFOUND);
	cr_expect_null(p);
	crm_schema_free(s);
}

Test(shipped, accepts_single_values)
{
	crm_schema *s = shipped();
	crm_doc *d = doc_of("a: phone\nb: wechat\nc: 2024-02-30\nd: 12\n");
	cr_expect(crm_schema_accepts(s, "followups[].via", crm_node_get(d->root, "a")));
	cr_expect_not(crm_schema_accepts(s, "followups[].via", crm_node_get(d->root, "b")));
	cr_expect_not(crm_schema_accepts(s, "deal.signed", crm_node_get(d->root, "c")));
	cr_expect(crm_schema_accepts(s, "deal.amount", crm_node_get(d->root, "d")));
	cr_expect(crm_schema_accepts(s, "unknown.path", crm_node_get(d->root, "d")));
	crm_doc_free(d);
	crm_schema_free(s);
}
