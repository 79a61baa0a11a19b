/* csv, text decoding, content-line folding and import cells. */
#include <criterion/criterion.h>
#include <string.h>

#include "crm/csv.h"
#include "crm/ical.h"
#include "crm/import.h"
#include "crm/textenc.h"
#include "crm/utf8.h"

static crm_csv parse(const char *s, char sep)
{
	crm_csv c;
	cr_assert_eq(crm_csv_parse(&c, s, strlen(s), sep), 0, "%s", s);
	return c;
}

Test(csv, quotes_doubled_quotes_and_separators)
{
	crm_csv c = parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n", ',');
	cr_assert_eq(c.n, 2);
	cr_assert_str_eq(c.rows[1].cells[0], "x, y");
	cr_assert_str_eq(c.rows[1].cells[1], "say \"hi\"");
	crm_csv_free(&c);
}

Test(csv, line_breaks_inside_a_field_span_lines)
{
	crm_csv c = parse("h1,h2\n\"one\r\ntwo\",x\nlast,y\n", ',');
	cr_assert_eq(c.n, 3);
	cr_assert_str_eq(c.rows[1].cells[0], "one\r\ntwo");
	cr_assert_eq(c.rows[1].line, 2);
	cr_assert_eq(c.rows[2].line, 4, "the row after a two-line field starts on line 4");
	crm_csv_free(&c);
}

Test(csv, trailing_empty_line_bom_and_empty_cells)
{
	crm_csv c = parse("\xEF\xBB\xBFid,name\r\n1,\r\n\r\n", ',');
	cr_assert_eq(c.n, 2);
	cr_assert_str_eq(c.rows[0].cells[0], "id", "the BOM is not part of the first header");
	cr_assert_eq(c.rows[1].n, 2);
	cr_assert_str_eq(c.rows[1].cells[1], "");
	crm_csv_free(&c);
}

Test(csv, tabs)
{
	const char *s = "名称\t电话\nA, B\t138\n";
	cr_assert_eq(crm_csv_sniff(s, strlen(s)), '\t');
	cr_assert_eq(crm_csv_sniff("a,b\tc\n", 6), ',', "commas in the header: CSV");
	crm_csv c = parse(s, '\t');
	cr_assert_str_eq(c.rows[1].cells[0], "A, B");
	crm_csv_free(&c);
}

Test(csv, an_open_quote_names_its_line)
{
	crm_csv c;
	const char *s = "a\nb\n\"open\nmore\n";
	cr_assert_eq(crm_csv_parse(&c, s, strlen(s), ','), CRM_EINVALID);
	cr_assert(strstr(crm_error_last(), "line 3"), "%s", crm_error_last());
}

Test(csv, writer_quotes_what_it_must)
{
	crm_buf b = CRM_BUF_INIT;
	crm_csv_put_field(&b, "plain");
	crm_buf_putc(&b, ',');
	crm_csv_put_field(&b, "a,\"b\"\nc");
	cr_assert_str_eq(crm_buf_cstr(&b), "plain,\"a,\"\"b\"\"\nc\"");
	crm_buf_free(&b);
}

Test(csv, formulas_neutralised_phones_kept)
{
	const char *bad[] = {"=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "+", NULL};
	for (size_t i = 0; bad[i]; i++) {
		cr_assert(crm_csv_formula_like(bad[i]), "%s", bad[i]);
		crm_buf b = CRM_BUF_INIT;
		crm_csv_put_cell(&b, bad[i]);
		cr_assert_eq(b.ptr[0] == '"' ? b.ptr[1] : b.ptr[0], '\'', "%s", b.ptr);
		crm_buf_free(&b);
	}
	cr_assert_not(crm_csv_formula_like("+86 138 0000 0000"));
	cr_assert_not(crm_csv_formula_like("13800000000"));
	cr_assert_not(crm_csv_formula_like(""));
	cr_assert_str_eq(crm_csv_unneutralise("'=1+1"), "=1+1");
	cr_assert_str_eq(crm_csv_unneutralise("'quoted"), "'quoted", "a ' before text stays");
}

Test(textenc, gb18030_bom_and_bad_bytes)
{
	crm_buf b = CRM_BUF_INIT;
	const char *used;
	/* 客户 in GB18030 */
	cr_assert_eq(crm_text_decode(&b, "\xBF\xCD\xBB\xA7,x\n", 7, NULL, &used), 0);
	cr_assert_str_eq(used, "GB18030");
	cr_assert_str_eq(crm_buf_cstr(&b), "客户,x\n");
	crm_buf_truncate(&b, 0);
	cr_assert_eq(crm_text_decode(&b, "\xEF\xBB\xBF客户", 9, NULL, &used), 0);
	cr_assert_str_eq(crm_buf_cstr(&b), "客户");
	crm_buf_truncate(&b, 0);
	cr_assert_eq(crm_text_decode(&b, "ok\nok\n\xff\n", 8, "UTF-8", NULL), CRM_EINVALID);
	cr_assert(strstr(crm_error_last(), "line 3"), "%s", crm_error_last());
	cr_assert_eq(crm_text_decode(&b, "x", 1, "NO-SUCH-ENCODING", NULL), CRM_EUSAGE);
	crm_buf_free(&b);
}

Test(ical, folding_never_splits_a_character)
{
	crm_buf b = CRM_BUF_INIT;
	crm_buf line = CRM_BUF_INIT;
	crm_buf_puts(&line, "SUMMARY:");
	for (int i = 0; i < 60; i++)
		crm_buf_puts(&line, "客"); /* 3 octets each */
	crm_ical_line(&b, crm_buf_cstr(&line));
	/* every physical line at most 75 octets, valid UTF-8, continuations start with a space */
	const char *p = b.ptr;
	int n = 0;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		cr_assert(e);
		cr_assert_leq(e - p, 75, "line %d is %ld octets", n, (long)(e - p));
		cr_assert(crm_utf8_valid(p, (size_t)(e - p), NULL), "line %d splits a character", n);
		if (n)
			cr_assert_eq(*p, ' ');
		n++;
		p = e + 2;
	}
	cr_assert_gt(n, 2);
	/* unfolding gives the line back */
	crm_buf u = CRM_BUF_INIT;
	for (p = b.ptr; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			p += p[2] == ' ' ? 2 : 1;
			continue;
		}
		crm_buf_putc(&u, *p);
	}
	cr_assert_str_eq(crm_buf_cstr(&u), crm_buf_cstr(&line));
	crm_buf_free(&u), crm_buf_free(&b), crm_buf_free(&line);
}

Test(ical, escaping)
{
	crm_buf b = CRM_BUF_INIT;
	crm_ical_escape(&b, "a,b;c\\d\ne\r\nf");
	cr_assert_str_eq(crm_buf_cstr(&b), "a\\,b\\;c\\\\d\\ne\\nf");
	crm_buf_free(&b);
}

Test(import, dates_as_spreadsheets_write_them)
{
	char d[CRM_DATE_STRLEN];
	cr_assert(crm_import_date(d, "2024-05-01"));
	cr_assert_str_eq(d, "2024-05-01");
	cr_assert(crm_import_date(d, "2024/5/1"));
	cr_assert_str_eq(d, "2024-05-01");
	cr_assert(crm_import_date(d, "2024年5月1日"));
	cr_assert_str_eq(d, "2024-05-01");
	cr_assert(crm_import_date(d, " 2024.12.31 "));
	cr_assert_str_eq(d, "2024-12-31");
	cr_assert_not(crm_import_date(d, "2024/2/30"), "not a calendar date");
	cr_assert_not(crm_import_date(d, "2024-05/01"), "mixed separators");
	cr_assert_not(crm_import_date(d, "5/1/2024"));
	cr_assert_not(crm_import_date(d, "2024年5月"));
}

Test(import, phones_a_spreadsheet_rounded)
{
	cr_assert(crm_import_phone_lost("1.38E+10"));
	cr_assert(crm_import_phone_lost("1.38e10"));
	cr_assert_not(crm_import_phone_lost("13800000000"));
	cr_assert_not(crm_import_phone_lost("+86 138 0000 0000"));
	cr_assert_not(crm_import_phone_lost("E+10"));
}
