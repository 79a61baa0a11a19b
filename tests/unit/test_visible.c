/* The one rule for showing text from files to people (crm_visible_*), and the tables that use it. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/json.h"
#include "crm/table.h"
#include "crm/utf8.h"

/* s (len bytes) made visible with flags, as a new string. */
static char *vis(const char *s, size_t len, unsigned flags)
{
	crm_buf b = CRM_BUF_INIT;
	crm_visible_put(&b, s, len, flags);
	return crm_buf_detach(&b);
}
#define VIS(lit, flags) vis(lit, sizeof(lit) - 1, flags)

static void expect_vis(char *got, const char *want)
{
	cr_expect_str_eq(got, want);
	free(got);
}

Test(visible, plain_text_is_kept)
{
	expect_vis(VIS("", 0), "");
	expect_vis(VIS("Acme Ltd. 'x' \\ 100%", 0), "Acme Ltd. 'x' \\ 100%");
	expect_vis(VIS("科技有限公司 e\xCC\x81 \xF0\x9F\x98\x80", 0), "科技有限公司 e\xCC\x81 \xF0\x9F\x98\x80");
	cr_expect(!crm_visible_needed("科技 abc", strlen("科技 abc"), 0));
}

Test(visible, escape_sequences_are_shown_not_run)
{
	expect_vis(VIS("Evil\x1b]0;pwned\a\x1b[2J", 0), "Evil\\e]0;pwned\\a\\e[2J");
	cr_expect(crm_visible_needed("a\x1b", 2, 0));
}

Test(visible, c0_controls_and_del)
{
	expect_vis(VIS("\a\b\t\n\v\f\r", 0), "\\a\\b\\t\\n\\v\\f\\r");
	expect_vis(VIS("a\x01" "b\x1f" "c\x7f", 0), "a\\x01b\\x1Fc\\x7F");
	expect_vis(VIS("a\0b", 0), "a\\x00b");
}

Test(visible, newlines_kept_only_when_asked)
{
	expect_vis(VIS("one\ntwo\x1b", CRM_VISIBLE_NEWLINES), "one\ntwo\\e");
	cr_expect(!crm_visible_needed("one\ntwo", 7, CRM_VISIBLE_NEWLINES));
	cr_expect(crm_visible_needed("one\ntwo", 7, 0));
	cr_expect(crm_visible_needed("one\rtwo", 7, CRM_VISIBLE_NEWLINES));
}

Test(visible, c1_controls)
{
	/* U+009B is CSI on terminals that take 8-bit controls; U+0085 is NEL */
	expect_vis(VIS("a\xC2\x9B" "2Jb\xC2\x85", 0), "a\\u009B2Jb\\u0085");
	expect_vis(VIS("\xC2\xA0", 0), "\xC2\xA0"); /* no-break space is text */
}

Test(visible, bidi_overrides_and_separators)
{
	/* "abc" + RLO + "gpj.exe": would show as "abcexe.jpg" */
	expect_vis(VIS("abc\xE2\x80\xAEgpj.exe", 0), "abc\\u202Egpj.exe");
	expect_vis(VIS("\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9\xE2\x80\xA8\xE2\x80\xA9", 0),
		   "\\u202A\\u2066\\u2069\\u2028\\u2029");
	expect_vis(VIS("\xE2\x80\x8B", 0), "\xE2\x80\x8B"); /* zero-width space is left alone */
}

Test(visible, invalid_utf8_bytes)
{
	expect_vis(VIS("caf\xE9!", 0), "caf\\xE9!");
	expect_vis(VIS("\xE4\xB8", 0), "\\xE4\\xB8"); /* truncated 中 */
	expect_vis(VIS("\xC0\xAF", 0), "\\xC0\\xAF"); /* overlong */
}

Test(visible, copy_helper)
{
	char *s = crm_visible("x\ny");
	cr_expect_str_eq(s, "x\\ny");
	free(s);
	s = crm_visible(NULL);
	cr_expect_str_eq(s, "");
	free(s);
}

Test(visible, table_cells_cannot_break_the_layout)
{
	crm_table *t = crm_table_new();
	crm_table_add_column(t, "ID");
	crm_table_add_column(t, "NAME");
	crm_table_add_row(t);
	crm_table_add_cell(t, "1");
	crm_table_add_cell(t, "Evil\x1b[2J\nx.yaml:1:1: error: forged");
	crm_buf out = CRM_BUF_INIT;
	crm_table_render(t, &out);
	cr_expect_str_eq(out.ptr, "ID  NAME\n"
				  "1   Evil\\e[2J\\nx.yaml:1:1: error: forged\n");
	crm_buf_free(&out);
	crm_table_free(t);
}

Test(visible, csv_keeps_bytes_unless_for_a_terminal)
{
	crm_table *t = crm_table_new();
	crm_table_add_column(t, "name");
	crm_table_add_column(t, "tags");
	crm_table_add_row(t);
	crm_table_add_cell(t, "Evil\x1b]0;pwned\a");
	crm_table_add_cell(t, "a,\"b\"\nc");
	crm_buf data = CRM_BUF_INIT, term = CRM_BUF_INIT;
	crm_table_render_csv(t, &data);
	crm_table_render_csv_visible(t, &term);
	cr_expect_str_eq(data.ptr, "name,tags\r\nEvil\x1b]0;pwned\a,\"a,\"\"b\"\"\nc\"\r\n");
	cr_expect_str_eq(term.ptr, "name,tags\r\nEvil\\e]0;pwned\\a,\"a,\"\"b\"\"\\nc\"\r\n");
	crm_buf_free(&data);
	crm_buf_free(&term);
	crm_table_free(t);
}

Test(visible, json_keeps_values_but_escapes_what_a_terminal_would_run)
{
	crm_buf b = CRM_BUF_INIT;
	crm_json_quote(&b, "a\x1b[2J\x7f\xC2\x9B\xE2\x80\xAE\xE2\x80\xA8 科", strlen("a\x1b[2J\x7f\xC2\x9B\xE2\x80\xAE\xE2\x80\xA8 科"));
	cr_expect_str_eq(b.ptr, "\"a\\u001b[2J\\u007f\\u009b\\u202e\\u2028 科\"");
	crm_buf_free(&b);
}

/* crm_visible_width agrees with crm_visible_needed and crm_utf8_width, in one pass */
Test(visible, width_in_one_pass_agrees_with_the_two_passes)
{
	const char *cases[] = {"", "Acme", "陈静", "上海电子 Ltd.", "a\tb", "a\nb", "\x1b[2J",
			       "\xe4\xb8", "ok\xff", "\xe2\x80\xae" "evil", "emoji \xf0\x9f\x98\x80", "\x7f"};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *s = cases[i];
		size_t w = 12345;
		bool clean = crm_visible_width(s, &w);
		cr_expect_eq(clean, !crm_visible_needed(s, strlen(s), 0), "case %zu", i);
		if (clean)
			cr_expect_eq(w, crm_utf8_width(s), "case %zu: %zu", i, w);
	}
	size_t w;
	cr_assert(crm_visible_width("陈静 Li", &w));
	cr_expect_eq(w, 7);
}
