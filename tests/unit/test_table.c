#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/table.h"
#include "crm/utf8.h"

static crm_table *t;
static crm_buf out;

static void setup(void)
{
	t = crm_table_new();
	out = (crm_buf)CRM_BUF_INIT;
}

static void teardown(void)
{
	crm_table_free(t);
	crm_buf_free(&out);
}

TestSuite(table, .init = setup, .fini = teardown);

/* A row of two cells, or three when c is not NULL. */
static void row(const char *a, const char *b, const char *c)
{
	crm_table_add_row(t);
	crm_table_add_cell(t, a);
	crm_table_add_cell(t, b);
	if (c)
		crm_table_add_cell(t, c);
}

static const char *render(void)
{
	crm_buf_truncate(&out, 0);
	crm_table_render(t, &out);
	return crm_buf_cstr(&out);
}

static const char *csv(void)
{
	crm_buf_truncate(&out, 0);
	crm_table_render_csv(t, &out);
	return crm_buf_cstr(&out);
}

Test(table, mixed_chinese_and_ascii_align_by_display_width)
{
	crm_table_add_column(t, "ID");
	crm_table_add_column(t, "NAME");
	crm_table_add_column(t, "STAGE");
	row("202405001", "科技有限公司", "proposal");
	row("202405002", "ABC Ltd.", "won");
	row("202405010", "张伟", "谈判中");
	cr_expect_str_eq(render(), "ID         NAME          STAGE\n"
				   "202405001  科技有限公司  proposal\n"
				   "202405002  ABC Ltd.      won\n"
				   "202405010  张伟          谈判中\n");
}

Test(table, chinese_headers)
{
	crm_table_add_column(t, "客户");
	crm_table_add_column(t, "阶段");
	crm_table_add_row(t);
	crm_table_add_cell(t, "ABC");
	crm_table_add_cell(t, "won");
	crm_table_add_row(t);
	crm_table_add_cell(t, "科技有限公司");
	crm_table_add_cell(t, "方案沟通");
	cr_expect_str_eq(render(), "客户          阶段\n"
				   "ABC           won\n"
				   "科技有限公司  方案沟通\n");
}

Test(table, every_line_has_columns_at_the_same_display_offset)
{
	crm_table_add_column(t, "NAME");
	crm_table_add_column(t, "OWNER");
	row("e\xCC\x81", "ming", NULL);     /* e + combining acute: width 1 */
	row("ｶﾀｶﾅ", "销售代表*明", NULL);  /* halfwidth kana: width 4 */
	row("😀😀", "x", NULL);             /* emoji: width 4 */
	const char *s = render();
	cr_expect_str_eq(s, "NAME  OWNER\n"
			    "e\xCC\x81     ming\n"
			    "ｶﾀｶﾅ  销售代表*明\n"
			    "😀😀  x\n");
}

Test(table, right_alignment_for_numbers)
{
	crm_table_add_column(t, "OWNER");
	size_t amount = crm_table_add_column(t, "WON");
	crm_table_set_align(t, amount, CRM_ALIGN_RIGHT);
	crm_table_add_column(t, "NOTE");
	crm_table_add_row(t);
	crm_table_add_cell(t, "ming");
	crm_table_add_cellf(t, "%d", 180000);
	crm_table_add_cell(t, "大客户");
	crm_table_add_row(t);
	crm_table_add_cell(t, "李");
	crm_table_add_cellf(t, "%.1f", 2.5);
	crm_table_add_cell(t, "");
	cr_expect_str_eq(render(), "OWNER     WON  NOTE\n"
				   "ming   180000  大客户\n"
				   "李        2.5\n");
}

Test(table, right_aligned_last_column)
{
	crm_table_add_column(t, "NAME");
	crm_table_set_align(t, crm_table_add_column(t, "N"), CRM_ALIGN_RIGHT);
	row("科技", "7", NULL);
	row("a", "1234", NULL);
	cr_expect_str_eq(render(), "NAME     N\n"
				   "科技     7\n"
				   "a     1234\n");
}

Test(table, max_width_truncates_with_ellipsis)
{
	crm_table_add_column(t, "NAME");
	crm_table_set_max_width(t, 0, 8);
	crm_table_add_column(t, "STAGE");
	row("科技有限公司", "proposal", NULL);
	row("ABC Trading Co.", "won", NULL);
	row("短", "lost", NULL);
	cr_expect_str_eq(render(), "NAME      STAGE\n"
				   "科技有…   proposal\n" /* 7 columns + 1 */
				   "ABC Tra…  won\n"
				   "短        lost\n");
	/* The cut keeps every cell within the limit. */
	cr_expect_leq(crm_utf8_width("科技有…"), 8);
}

Test(table, no_trailing_spaces)
{
	crm_table_add_column(t, "A");
	crm_table_add_column(t, "B");
	crm_table_add_column(t, "C");
	row("x", "", "");
	row("longer", "y", "");
	row("z ", "", "end  ");
	const char *s = render();
	cr_expect_str_eq(s, "A       B  C\n"
			    "x\n"
			    "longer  y\n"
			    "z          end\n");
	cr_expect_null(strstr(s, " \n"));
}

Test(table, without_headers)
{
	row("202405001", "科技有限公司", "proposal");
	row("2", "x", "y");
	cr_expect_str_eq(render(), "202405001  科技有限公司  proposal\n"
				   "2          x             y\n");
}

Test(table, short_and_long_rows)
{
	crm_table_add_column(t, "A");
	crm_table_add_column(t, "B");
	crm_table_add_row(t);
	crm_table_add_cell(t, "1");
	crm_table_add_row(t);
	crm_table_add_cell(t, "1");
	crm_table_add_cell(t, "2");
	crm_table_add_cell(t, "3");
	cr_expect_str_eq(render(), "A  B\n"
				   "1\n"
				   "1  2  3\n");
	cr_expect_str_eq(csv(), "A,B,\r\n"
				"1,,\r\n"
				"1,2,3\r\n");
	cr_expect_eq(crm_table_rows(t), 2);
}

Test(table, empty_columns_take_no_room)
{
	crm_table_add_column(t, "A");
	crm_table_add_column(t, "");
	crm_table_add_column(t, "C");
	row("1", "", "3");
	cr_expect_str_eq(render(), "A  C\n"
				   "1  3\n");
}

Test(table, header_only_and_empty)
{
	cr_expect_str_eq(render(), "");
	cr_expect_str_eq(csv(), "");
	crm_table_add_column(t, "ID");
	crm_table_add_column(t, "名称");
	cr_expect_str_eq(render(), "ID  名称\n");
	cr_expect_str_eq(csv(), "ID,名称\r\n");
	cr_expect_eq(crm_table_rows(t), 0);
}

Test(table, control_characters_cannot_break_the_layout)
{
	crm_table_add_column(t, "NOTE");
	crm_table_add_column(t, "X");
	row("line1\nline2", "a", NULL);
	row("tab\there", "b", NULL);
	row("\x1b[31mred", "c", NULL);
	row("bad\xFF", "d", NULL);
	/* shown by the one rule of crm_visible_put */
	cr_expect_str_eq(render(), "NOTE          X\n"
				   "line1\\nline2  a\n"
				   "tab\\there     b\n"
				   "\\e[31mred     c\n"
				   "bad\\xFF       d\n");
	/* CSV keeps the bytes. */
	cr_expect_str_eq(csv(), "NOTE,X\r\n"
				"\"line1\nline2\",a\r\n"
				"tab\there,b\r\n"
				"\x1b[31mred,c\r\n"
				"bad\xFF,d\r\n");
}

Test(table, csv_quoting)
{
	crm_table_add_column(t, "name");
	crm_table_add_column(t, "note");
	row("科技有限公司", "plain", NULL);
	row("A, B & Co", "say \"hi\"", NULL);
	row("cr\rhere", "lf\nhere", NULL);
	row("", " spaced ", NULL);
	cr_expect_str_eq(csv(), "name,note\r\n"
				"科技有限公司,plain\r\n"
				"\"A, B & Co\",\"say \"\"hi\"\"\"\r\n"
				"\"cr\rhere\",\"lf\nhere\"\r\n"
				", spaced \r\n");
}

Test(table, csv_is_never_truncated_and_ignores_alignment)
{
	crm_table_add_column(t, "NAME");
	crm_table_set_max_width(t, 0, 3);
	crm_table_set_align(t, 0, CRM_ALIGN_RIGHT);
	crm_table_add_cell(t, "科技有限公司");
	cr_expect_str_eq(csv(), "NAME\r\n科技有限公司\r\n");
}

Test(table, csv_single_empty_column)
{
	crm_table_add_column(t, "tag");
	crm_table_add_row(t);
	crm_table_add_cell(t, "");
	crm_table_add_row(t);
	crm_table_add_cell(t, "x");
	cr_expect_str_eq(csv(), "tag\r\n\"\"\r\nx\r\n");
}

Test(table, cells_are_copied)
{
	char name[] = "科技";
	crm_table_add_column(t, "N");
	crm_table_add_cell(t, name); /* starts a row by itself */
	name[0] = 'X';
	cr_expect_str_eq(render(), "N\n科技\n");
}

Test(table, appends_to_output)
{
	crm_table_add_column(t, "N");
	crm_buf_puts(&out, "> ");
	crm_table_render(t, &out);
	cr_expect_str_eq(crm_buf_cstr(&out), "> N\n");
}

Test(table, free_null)
{
	crm_table_free(NULL);
}

/* What crm_table_render_to hands over: its pieces, each checked to end a line. */
typedef struct {
	crm_buf all;
	size_t pieces;
	bool whole_lines;
	size_t stop_after; /* return 7 from this piece on; 0: never */
} pieces;

static int collect(const char *s, size_t len, void *arg)
{
	pieces *p = arg;
	p->pieces++;
	if (len == 0 || s[len - 1] != '\n')
		p->whole_lines = false;
	crm_buf_put(&p->all, s, len);
	return p->stop_after && p->pieces >= p->stop_after ? 7 : 0;
}

/* a long table comes in pieces of whole lines that add up to the whole render */
Test(table, render_to_hands_over_whole_lines_in_pieces)
{
	crm_table_add_column(t, "编号");
	crm_table_add_column(t, "名称");
	for (int i = 0; i < 4000; i++) {
		crm_table_add_row(t);
		crm_table_add_cellf(t, "2024%05d", i);
		crm_table_add_cell(t, i % 3 ? "上海电子精密有限公司" : "Acme\nInc");
	}
	pieces p = {CRM_BUF_INIT, 0, true, 0};
	cr_assert_eq(crm_table_render_to(t, collect, &p), 0);
	cr_expect_gt(p.pieces, 1, "%zu pieces for %zu bytes", p.pieces, p.all.len);
	cr_expect(p.whole_lines);
	cr_expect_str_eq(crm_buf_cstr(&p.all), render());
	crm_buf_free(&p.all);
	/* a failing writer stops it, and its value comes back */
	pieces q = {CRM_BUF_INIT, 0, true, 1};
	cr_expect_eq(crm_table_render_to(t, collect, &q), 7);
	cr_expect_eq(q.pieces, 1);
	crm_buf_free(&q.all);
}

/* a borrowed cell is shown like a copied one and is not freed with the table */
Test(table, borrowed_cells_render_the_same)
{
	char name[] = "陈静\x1b[2J";
	crm_table *u = crm_table_new();
	crm_table_add_column(t, "a");
	crm_table_add_column(u, "a");
	crm_table_add_row(t);
	crm_table_add_cell(t, name);
	crm_table_add_row(u);
	crm_table_add_cell_ref(u, name);
	crm_table_add_cell_ref(u, NULL);
	crm_buf o2 = CRM_BUF_INIT;
	crm_table_render(u, &o2);
	cr_expect_str_eq(crm_buf_cstr(&o2), render());
	crm_table_free(u); /* name is on the stack: freeing it would abort */
	cr_expect_str_eq(name, "陈静\x1b[2J");
	crm_buf_free(&o2);
}

/* room reserved ahead is a size, not a limit: past it the table grows as
 * before, and it renders as a table built without it */
Test(table, reserved_room_changes_nothing_but_the_growth)
{
	crm_table *plain = crm_table_new();
	crm_table_add_column(t, "ID");
	crm_table_add_column(t, "名字");
	crm_table_add_column(plain, "ID");
	crm_table_add_column(plain, "名字");
	cr_assert_eq(crm_table_columns(t), 2);
	crm_table_reserve(t, 3, 6);
	for (int i = 0; i < 40; i++) { /* past the 3 rows reserved */
		char id[16];
		snprintf(id, sizeof id, "2024%05d", i);
		crm_table *both[] = {t, plain};
		for (int k = 0; k < 2; k++) {
			crm_table_add_row(both[k]);
			crm_table_add_cell(both[k], id);
			crm_table_add_cell_ref(both[k], i % 3 ? "陈静" : "Acme");
		}
	}
	cr_expect_eq(crm_table_rows(t), 40);
	crm_buf want = CRM_BUF_INIT;
	crm_table_render(plain, &want);
	cr_expect_str_eq(render(), crm_buf_cstr(&want));
	crm_buf_free(&want);
	crm_table_free(plain);
}
