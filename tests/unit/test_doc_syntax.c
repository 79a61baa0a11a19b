/*
 * Syntax errors are reported where the person must look: an unclosed quote
 * or bracket where it was opened (not where the file ends), a key without
 * ':' on its own line (not the next), a bad indentation or a tab on the
 * line that has it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/doc.h"

/* "line:col: message" of the first diagnostic of src, which must not parse. */
static char *first_error(const char *src)
{
	crm_doc *d = NULL;
	crm_diags diags = {0};
	int rc = crm_doc_parse(&d, "t.yaml", src, strlen(src), &diags);
	cr_assert_eq(rc, CRM_EINVALID, "parsed: %s", src);
	cr_assert_null(d);
	cr_assert_eq(diags.n, 1, "want one error for: %s", src);
	char *s = NULL;
	cr_assert(asprintf(&s, "%d:%d: %s", diags.v[0].line, diags.v[0].col, diags.v[0].msg) > 0);
	crm_diags_free(&diags);
	return s;
}

#define expect_error(src, pos, needle)                                                    \
	do {                                                                              \
		char *m_ = first_error(src);                                              \
		cr_expect(strncmp(m_, pos ": ", strlen(pos) + 2) == 0, "want %s, got: %s", \
			  pos, m_);                                                       \
		cr_expect(strstr(m_, needle) != NULL, "want '%s' in: %s", needle, m_);    \
		free(m_);                                                                 \
	} while (0)

/* Twenty more fields after line 3, so that the end of the file is far away. */
#define TAIL                                                                              \
	"kind: company\nsource: online\nowner: ming\nstage: initial\nk5: v\nk6: v\nk7: v\n" \
	"k8: v\nk9: v\nk10: v\nk11: v\nk12: v\nk13: v\nk14: v\nk15: v\nk16: v\nk17: v\n"   \
	"k18: v\nk19: v\nk20: v\n"

Test(doc_syntax, unclosed_double_quote_at_its_opening)
{
	expect_error("id: \"1\"\nname: \"Acme\n" TAIL, "2:7",
		     "unclosed quote (\") opened at 2:7; the file ends at 23:1");
}

Test(doc_syntax, unclosed_single_quote_at_its_opening)
{
	expect_error("id: '1'\nname: 'Acme\n" TAIL, "2:7",
		     "unclosed quote (') opened at 2:7; the file ends at 23:1");
}

Test(doc_syntax, unclosed_quote_that_runs_into_a_document_marker)
{
	expect_error("a: 1\nb: \"x\n---\nc: 2\n", "2:4", "unclosed quote (\") opened at 2:4");
}

Test(doc_syntax, unclosed_brackets_at_their_opening)
{
	expect_error("id: \"1\"\ntags: [a, b\n" TAIL, "2:7", "unclosed '[' opened at 2:7");
	expect_error("id: \"1\"\nbudget: {min: 1, max: 2\n" TAIL, "2:9",
		     "unclosed '{' opened at 2:9");
	expect_error("id: \"1\"\ntags: [a, b\n", "2:7",
		     "unclosed '[' opened at 2:7; expected ',' or ']' at 3:1");
}

Test(doc_syntax, a_flow_list_over_lines_still_reads)
{
	crm_doc *d = NULL;
	crm_diags diags = {0};
	const char *src = "tags: [a,\n  b]\nx: {p: 1,\n  q: 2}\n";
	cr_assert_eq(crm_doc_parse(&d, "t.yaml", src, strlen(src), &diags), 0);
	crm_doc_free(d);
	crm_diags_free(&diags);
}

Test(doc_syntax, a_missing_item_separator_on_one_line_is_shown_where_it_is)
{
	/* the problem is on the bracket's own line: that is where to look */
	char *m = first_error("tags: [a b: c d: e]\n");
	cr_expect(strncmp(m, "1:", 2) == 0, "got: %s", m);
	cr_expect(strstr(m, "unclosed") == NULL, "got: %s", m);
	free(m);
}

Test(doc_syntax, a_key_without_colon_on_its_own_line)
{
	expect_error("id: \"1\"\nname: Acme\nkind company\nsource: online\n", "3:1",
		     "a key without ':'");
	expect_error("id: \"1\"\nname: Acme\nkind company\n", "3:1", "a key without ':'");
	expect_error("a:\n  b: 1\n  c 2\n  d: 3\n", "3:3", "'c 2' is a key without ':'");
	/* a long line is cut, on a character boundary */
	expect_error("a: 1\n公司名称 科技有限公司 智能仓储系统 华东区域 重点客户\nb: 2\n", "2:1",
		     "'公司名称 科技有限公司 智能...' is a key without ':'");
}

Test(doc_syntax, bad_indentation_on_the_line_that_has_it)
{
	expect_error("id: \"1\"\ncompany:\n  industry: x\n size: 10\nkind: company\n", "4:2",
		     "indentation");
	expect_error("id: \"1\"\nname: Acme\n  kind: company\nsource: x\n", "3:7",
		     "indented deeper than the one above");
	expect_error("contacts:\n  - name: a\n   title: b\n", "3:4", "indentation");
	/* a value with ': ' in it is still told to be quoted */
	expect_error("a: b: c\n", "1:5", "must be quoted");
}

Test(doc_syntax, a_tab_on_its_line)
{
	expect_error("id: \"1\"\ncompany:\n\tindustry: x\n", "3:1", "tabs cannot indent");
}
