#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/json.h"

static crm_buf out;
static crm_json j;

static void compact(void)
{
	crm_buf_free(&out);
	crm_json_init(&j, &out, false);
}

static void pretty(void)
{
	crm_buf_free(&out);
	crm_json_init(&j, &out, true);
}

static void done(void)
{
	crm_buf_free(&out);
}

static const char *text(void)
{
	return crm_buf_cstr(&out);
}

TestSuite(json, .init = compact, .fini = done);
TestSuite(json_pretty, .init = pretty, .fini = done);

Test(json, escaping)
{
	crm_json_string(&j, "a\"b\\c\n");
	cr_expect_str_eq(text(), "\"a\\\"b\\\\c\\n\"");
}

Test(json, control_characters)
{
	crm_json_string_n(&j, "\x01\t\r\b\f\x1f\x7f/\0z", 10);
	cr_expect_str_eq(text(), "\"\\u0001\\t\\r\\b\\f\\u001f\\u007f/\\u0000z\"");
}

Test(json, chinese_is_written_literally)
{
	crm_json_string(&j, "科技有限公司 “智能” 😀");
	cr_expect_str_eq(text(), "\"科技有限公司 “智能” 😀\"");
}

Test(json, invalid_utf8_becomes_replacement)
{
	crm_json_string(&j, "a\xFF" "b\xE5\x85");
	cr_expect_str_eq(text(), "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

Test(json, null_string_is_null)
{
	crm_json_begin_array(&j);
	crm_json_string(&j, NULL);
	crm_json_string(&j, "");
	crm_json_end_array(&j);
	cr_expect_str_eq(text(), "[null,\"\"]");
}

Test(json, scalars)
{
	crm_json_begin_array(&j);
	crm_json_int(&j, 0);
	crm_json_int(&j, -42);
	crm_json_int(&j, INT64_MAX);
	crm_json_int(&j, INT64_MIN);
	crm_json_bool(&j, true);
	crm_json_bool(&j, false);
	crm_json_null(&j);
	crm_json_raw(&j, "{\"x\":1}");
	crm_json_end_array(&j);
	cr_expect_str_eq(text(), "[0,-42,9223372036854775807,-9223372036854775808,true,false,null,{\"x\":1}]");
}

static const char *num(double v)
{
	crm_buf_truncate(&out, 0);
	crm_json_init(&j, &out, false);
	crm_json_double(&j, v);
	return text();
}

Test(json, doubles)
{
	cr_expect_str_eq(num(180000), "180000");
	cr_expect_str_eq(num(180000.0), "180000");
	cr_expect_str_eq(num(-3), "-3");
	cr_expect_str_eq(num(0), "0");
	cr_expect_str_eq(num(-0.0), "0");
	cr_expect_str_eq(num(1e15), "1000000000000000");
	cr_expect_str_eq(num(1e20), "1e+20");
	cr_expect_str_eq(num(0.5), "0.5");
	cr_expect_str_eq(num(0.1), "0.1");
	cr_expect_str_eq(num(2.0 / 3.0), "0.6666666666666666");
	cr_expect_str_eq(num(0.1 + 0.2), "0.30000000000000004");
	cr_expect_str_eq(num(1234.56), "1234.56");
	cr_expect_str_eq(num(-0.25), "-0.25");
	cr_expect_str_eq(num(1e-7), "1e-07");
	cr_expect_str_eq(num(NAN), "null");
	cr_expect_str_eq(num(INFINITY), "null");
	cr_expect_str_eq(num(-INFINITY), "null");
	/* Every printed value reads back as itself. */
	static const double vs[] = { 0.1, 1.0 / 3, 123456.789, 5e-324, 1.7976931348623157e308, 0.07 };
	for (size_t i = 0; i < sizeof vs / sizeof *vs; i++)
		cr_expect_eq(strtod(num(vs[i]), NULL), vs[i], "%s", text());
}

Test(json, decimal_comma_locale_does_not_leak)
{
	/*
	 * Only meaningful where such a locale is installed (C.UTF-8 keeps the
	 * point anyway). No cr_skip_test: its longjmp leaks Criterion's own
	 * memory, which would hide real leaks under valgrind.
	 */
	if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8"))
		return;
	cr_expect_str_eq(num(1.5), "1.5");
	setlocale(LC_NUMERIC, "C");
}

Test(json, commas_and_nesting)
{
	crm_json_begin_object(&j);
	crm_json_key(&j, "id");
	crm_json_string(&j, "202405001");
	crm_json_key(&j, "tags");
	crm_json_begin_array(&j);
	crm_json_string(&j, "预算敏感");
	crm_json_string(&j, "高意向");
	crm_json_end_array(&j);
	crm_json_key(&j, "budget");
	crm_json_begin_object(&j);
	crm_json_key(&j, "min");
	crm_json_double(&j, 150000);
	crm_json_key(&j, "max");
	crm_json_int(&j, 200000);
	crm_json_end_object(&j);
	crm_json_key(&j, "empty");
	crm_json_begin_array(&j);
	crm_json_end_array(&j);
	crm_json_key(&j, "none");
	crm_json_begin_object(&j);
	crm_json_end_object(&j);
	crm_json_key(&j, "next");
	crm_json_null(&j);
	crm_json_end_object(&j);
	cr_expect_str_eq(text(), "{\"id\":\"202405001\",\"tags\":[\"预算敏感\",\"高意向\"],"
				 "\"budget\":{\"min\":150000,\"max\":200000},\"empty\":[],\"none\":{},"
				 "\"next\":null}");
}

Test(json, keys_are_escaped)
{
	crm_json_begin_object(&j);
	crm_json_key(&j, "a\"b");
	crm_json_int(&j, 1);
	crm_json_key(&j, "名称");
	crm_json_int(&j, 2);
	crm_json_end_object(&j);
	cr_expect_str_eq(text(), "{\"a\\\"b\":1,\"名称\":2}");
}

Test(json, array_of_objects)
{
	crm_json_begin_array(&j);
	for (int i = 0; i < 3; i++) {
		crm_json_begin_object(&j);
		crm_json_key(&j, "n");
		crm_json_int(&j, i);
		crm_json_end_object(&j);
	}
	crm_json_end_array(&j);
	cr_expect_str_eq(text(), "[{\"n\":0},{\"n\":1},{\"n\":2}]");
}

Test(json, appends_to_what_the_buffer_holds)
{
	crm_buf_puts(&out, "x=");
	crm_json_begin_array(&j);
	crm_json_end_array(&j);
	cr_expect_str_eq(text(), "x=[]");
}

Test(json, quote_helper)
{
	crm_buf b = CRM_BUF_INIT;
	crm_json_quote(&b, "say \"hi\"\n", 9);
	cr_expect_str_eq(crm_buf_cstr(&b), "\"say \\\"hi\\\"\\n\"");
	crm_buf_free(&b);
}

Test(json_pretty, nested)
{
	crm_json_begin_object(&j);
	crm_json_key(&j, "id");
	crm_json_string(&j, "202405001");
	crm_json_key(&j, "name");
	crm_json_string(&j, "科技有限公司");
	crm_json_key(&j, "tags");
	crm_json_begin_array(&j);
	crm_json_string(&j, "高意向");
	crm_json_int(&j, 2);
	crm_json_end_array(&j);
	crm_json_key(&j, "deal");
	crm_json_begin_object(&j);
	crm_json_key(&j, "amount");
	crm_json_double(&j, 180000);
	crm_json_end_object(&j);
	crm_json_key(&j, "empty");
	crm_json_begin_array(&j);
	crm_json_end_array(&j);
	crm_json_key(&j, "none");
	crm_json_begin_object(&j);
	crm_json_end_object(&j);
	crm_json_end_object(&j);
	cr_expect_str_eq(text(), "{\n"
				 "  \"id\": \"202405001\",\n"
				 "  \"name\": \"科技有限公司\",\n"
				 "  \"tags\": [\n"
				 "    \"高意向\",\n"
				 "    2\n"
				 "  ],\n"
				 "  \"deal\": {\n"
				 "    \"amount\": 180000\n"
				 "  },\n"
				 "  \"empty\": [],\n"
				 "  \"none\": {}\n"
				 "}");
}

Test(json_pretty, top_level_array)
{
	crm_json_begin_array(&j);
	crm_json_begin_object(&j);
	crm_json_key(&j, "a");
	crm_json_bool(&j, true);
	crm_json_end_object(&j);
	crm_json_begin_object(&j);
	crm_json_end_object(&j);
	crm_json_end_array(&j);
	cr_expect_str_eq(text(), "[\n"
				 "  {\n"
				 "    \"a\": true\n"
				 "  },\n"
				 "  {}\n"
				 "]");
}

Test(json_pretty, scalar_at_top)
{
	crm_json_string(&j, "x");
	cr_expect_str_eq(text(), "\"x\"");
}
