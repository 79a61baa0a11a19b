#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "crm/date.h"
#include "crm/error.h"

static crm_date D(int y, int m, int d)
{
	crm_date r = { y, m, d };
	return r;
}

static void expect_date(crm_date got, int y, int m, int d)
{
	char s[CRM_DATE_STRLEN], w[CRM_DATE_STRLEN];
	crm_date_format(got, s);
	crm_date_format(D(y, m, d), w);
	cr_expect_str_eq(s, w);
}

Test(date, leap_years)
{
	cr_expect(!crm_date_is_leap(1900));
	cr_expect(crm_date_is_leap(2000));
	cr_expect(crm_date_is_leap(2024));
	cr_expect(!crm_date_is_leap(2023));
	cr_expect(!crm_date_is_leap(2100));
	cr_expect(crm_date_is_leap(2400));
	cr_expect_eq(crm_date_days_in_month(1900, 2), 28);
	cr_expect_eq(crm_date_days_in_month(2000, 2), 29);
	cr_expect_eq(crm_date_days_in_month(2023, 4), 30);
	cr_expect_eq(crm_date_days_in_month(2023, 12), 31);
	cr_expect_eq(crm_date_days_in_month(2023, 13), 0);
	cr_expect_eq(crm_date_days_in_month(2023, 0), 0);
}

Test(date, parse_iso_accepts_real_dates)
{
	crm_date d;
	cr_assert(crm_date_parse_iso(&d, "2024-02-29"));
	expect_date(d, 2024, 2, 29);
	cr_assert(crm_date_parse_iso(&d, "2000-02-29"));
	cr_assert(crm_date_parse_iso(&d, "0001-01-01"));
	cr_assert(crm_date_parse_iso(&d, "9999-12-31"));
	cr_assert(crm_date_parse_iso(&d, "2024-05-01"));
	cr_expect_eq(d.y, 2024);
	cr_expect_eq(d.m, 5);
	cr_expect_eq(d.d, 1);
}

Test(date, parse_iso_refuses_the_rest)
{
	static const char *const bad[] = {
		"2023-02-29", "2024-02-30", "1900-02-29", "2024-04-31", "2024-13-01",
		"2024-00-10", "2024-01-00", "0000-01-01", "2024-5-1",   "24-05-01",
		"2024-05-01 ", " 2024-05-01", "2024-05-01x", "2024/05/01", "2024-05-0a",
		"+024-05-01", "2024-05--1", "",           "today",      "20240501",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		crm_date d = D(1, 2, 3);
		cr_expect(!crm_date_parse_iso(&d, bad[i]), "accepted '%s'", bad[i]);
		cr_expect(d.y == 1 && d.m == 2 && d.d == 3, "changed *out for '%s'", bad[i]);
	}
	crm_date d;
	cr_expect(!crm_date_parse_iso(&d, NULL));
}

Test(date, format)
{
	char s[CRM_DATE_STRLEN];
	crm_date_format(D(2024, 5, 1), s);
	cr_expect_str_eq(s, "2024-05-01");
	crm_date_format(D(1, 1, 1), s);
	cr_expect_str_eq(s, "0001-01-01");
	crm_date_format(D(9999, 12, 31), s);
	cr_expect_str_eq(s, "9999-12-31");
}

Test(date, day_numbers)
{
	cr_expect_eq(crm_date_to_days(D(1970, 1, 1)), 0);
	cr_expect_eq(crm_date_to_days(D(1970, 1, 2)), 1);
	cr_expect_eq(crm_date_to_days(D(1969, 12, 31)), -1);
	cr_expect_eq(crm_date_to_days(D(2000, 3, 1)), 11017);
	cr_expect_eq(crm_date_to_days(D(1, 1, 1)), -719162);
	cr_expect_eq(crm_date_to_days(D(9999, 12, 31)), 2932896);
	/* Every day of the range round-trips and follows the previous one. */
	long prev = crm_date_to_days(D(1, 1, 1)) - 1;
	for (int y = 1; y <= 9999; y += (y < 1590 || y > 2410) ? 37 : 1) {
		for (int m = 1; m <= 12; m++) {
			for (int dd = 1; dd <= crm_date_days_in_month(y, m); dd++) {
				long z = crm_date_to_days(D(y, m, dd));
				crm_date back = crm_date_from_days(z);
				cr_assert(back.y == y && back.m == m && back.d == dd,
					  "%d-%d-%d does not round-trip", y, m, dd);
				cr_assert(z > prev);
				prev = z;
			}
		}
	}
}

Test(date, add_diff_cmp)
{
	expect_date(crm_date_add_days(D(2024, 2, 28), 1), 2024, 2, 29);
	expect_date(crm_date_add_days(D(2023, 2, 28), 1), 2023, 3, 1);
	expect_date(crm_date_add_days(D(2024, 12, 31), 1), 2025, 1, 1);
	expect_date(crm_date_add_days(D(2024, 1, 1), -1), 2023, 12, 31);
	expect_date(crm_date_add_days(D(2024, 5, 1), 14), 2024, 5, 15);
	expect_date(crm_date_add_days(D(2024, 5, 1), 0), 2024, 5, 1);
	/* Clamped to the supported range, no overflow. */
	expect_date(crm_date_add_days(D(9999, 12, 30), 5), 9999, 12, 31);
	expect_date(crm_date_add_days(D(2024, 1, 1), 2147483647L), 9999, 12, 31);
	expect_date(crm_date_add_days(D(2024, 1, 1), -2147483647L - 1), 1, 1, 1);

	cr_expect_eq(crm_date_diff(D(2024, 3, 1), D(2024, 2, 1)), 29);
	cr_expect_eq(crm_date_diff(D(2023, 3, 1), D(2023, 2, 1)), 28);
	cr_expect_eq(crm_date_diff(D(2024, 2, 1), D(2024, 3, 1)), -29);
	cr_expect_eq(crm_date_diff(D(2025, 1, 1), D(2024, 1, 1)), 366);
	cr_expect_eq(crm_date_diff(D(2024, 5, 1), D(2024, 5, 1)), 0);

	cr_expect_lt(crm_date_cmp(D(2024, 5, 1), D(2024, 5, 2)), 0);
	cr_expect_lt(crm_date_cmp(D(2023, 12, 31), D(2024, 1, 1)), 0);
	cr_expect_gt(crm_date_cmp(D(2024, 6, 1), D(2024, 5, 31)), 0);
	cr_expect_eq(crm_date_cmp(D(2024, 5, 1), D(2024, 5, 1)), 0);
}

Test(date, add_months)
{
	expect_date(crm_date_add_months(D(2024, 1, 31), 1), 2024, 2, 29);
	expect_date(crm_date_add_months(D(2023, 1, 31), 1), 2023, 2, 28);
	expect_date(crm_date_add_months(D(2024, 11, 15), 3), 2025, 2, 15);
	expect_date(crm_date_add_months(D(2024, 3, 31), -1), 2024, 2, 29);
	expect_date(crm_date_add_months(D(2024, 1, 15), -1), 2023, 12, 15);
	expect_date(crm_date_add_months(D(2024, 1, 15), 12), 2025, 1, 15);
	expect_date(crm_date_add_months(D(9999, 11, 1), 5), 9999, 12, 31);
	expect_date(crm_date_add_months(D(1, 2, 1), -5), 1, 1, 1);
}

Test(date, weekday)
{
	cr_expect_eq(crm_date_weekday(D(1970, 1, 1)), 4); /* Thursday */
	cr_expect_eq(crm_date_weekday(D(2024, 5, 1)), 3); /* Wednesday */
	cr_expect_eq(crm_date_weekday(D(2024, 5, 5)), 7); /* Sunday */
	cr_expect_eq(crm_date_weekday(D(2024, 5, 6)), 1); /* Monday */
	cr_expect_eq(crm_date_weekday(D(1969, 12, 29)), 1); /* before the epoch */
	cr_expect_eq(crm_date_weekday(D(2000, 2, 29)), 2); /* Tuesday */
}

Test(date, next_yearly)
{
	/* 29 February in a common year shows on 28 February. */
	expect_date(crm_date_next_yearly(D(1988, 2, 29), D(2025, 1, 10)), 2025, 2, 28);
	expect_date(crm_date_next_yearly(D(1988, 2, 29), D(2025, 2, 28)), 2025, 2, 28);
	expect_date(crm_date_next_yearly(D(1988, 2, 29), D(2025, 3, 1)), 2026, 2, 28);
	expect_date(crm_date_next_yearly(D(1988, 2, 29), D(2027, 3, 1)), 2028, 2, 29);
	expect_date(crm_date_next_yearly(D(1988, 2, 29), D(2024, 2, 29)), 2024, 2, 29);
	/* Today counts; yesterday's goes to next year. */
	expect_date(crm_date_next_yearly(D(1985, 6, 12), D(2024, 6, 12)), 2024, 6, 12);
	expect_date(crm_date_next_yearly(D(1985, 6, 12), D(2024, 6, 13)), 2025, 6, 12);
	expect_date(crm_date_next_yearly(D(1985, 6, 12), D(2024, 5, 1)), 2024, 6, 12);
	expect_date(crm_date_next_yearly(D(2010, 1, 1), D(2024, 12, 31)), 2025, 1, 1);
	/* An event that has not happened yet first occurs on its own date. */
	expect_date(crm_date_next_yearly(D(2030, 9, 1), D(2024, 5, 1)), 2030, 9, 1);
}

Test(date, parse_cli)
{
	crm_date today = D(2024, 5, 1), d;
	cr_assert_eq(crm_date_parse_cli(&d, "+2w", today), 0);
	expect_date(d, 2024, 5, 15);
	cr_assert_eq(crm_date_parse_cli(&d, "+3d", today), 0);
	expect_date(d, 2024, 5, 4);
	cr_assert_eq(crm_date_parse_cli(&d, "-3d", today), 0);
	expect_date(d, 2024, 4, 28);
	cr_assert_eq(crm_date_parse_cli(&d, "+0d", today), 0);
	expect_date(d, 2024, 5, 1);
	cr_assert_eq(crm_date_parse_cli(&d, "-1w", today), 0);
	expect_date(d, 2024, 4, 24);
	cr_assert_eq(crm_date_parse_cli(&d, "+1m", D(2024, 1, 31)), 0);
	expect_date(d, 2024, 2, 29);
	cr_assert_eq(crm_date_parse_cli(&d, "-2m", today), 0);
	expect_date(d, 2024, 3, 1);
	cr_assert_eq(crm_date_parse_cli(&d, "+365d", today), 0);
	expect_date(d, 2025, 5, 1);
	cr_assert_eq(crm_date_parse_cli(&d, "today", today), 0);
	expect_date(d, 2024, 5, 1);
	cr_assert_eq(crm_date_parse_cli(&d, "Today", today), 0);
	expect_date(d, 2024, 5, 1);
	cr_assert_eq(crm_date_parse_cli(&d, "tomorrow", today), 0);
	expect_date(d, 2024, 5, 2);
	cr_assert_eq(crm_date_parse_cli(&d, "yesterday", today), 0);
	expect_date(d, 2024, 4, 30);
	cr_assert_eq(crm_date_parse_cli(&d, "2024-02-29", today), 0);
	expect_date(d, 2024, 2, 29);
}

Test(date, parse_cli_errors)
{
	static const char *const bad[] = {
		"2024-02-30", "", "3d", "+d", "+3", "+3x", "+3dd", "3", "++3d", "+-3d",
		"+ 3d", "+3 d", "+1234567d", "+999999m", "-999999w", "now", "todayx", "+3D",
	};
	crm_date today = D(2024, 5, 1);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		crm_date d = D(1, 2, 3);
		crm_error_clear();
		cr_expect_eq(crm_date_parse_cli(&d, bad[i], today), CRM_EUSAGE, "accepted '%s'",
			     bad[i]);
		cr_expect(d.y == 1 && d.m == 2 && d.d == 3, "changed *out for '%s'", bad[i]);
		cr_expect_eq(crm_error_code(), CRM_EUSAGE);
	}
	crm_date d;
	crm_date_parse_cli(&d, "2024-02-30", today);
	cr_expect_str_eq(crm_error_last(),
			 "'2024-02-30' is not a valid date (use YYYY-MM-DD, today, tomorrow, +3d or +2w)");
}

Test(date, today_from_env)
{
	crm_date d;
	setenv("CRM_TODAY", "2024-02-29", 1);
	cr_assert_eq(crm_date_today(&d), 0);
	expect_date(d, 2024, 2, 29);

	setenv("CRM_TODAY", "2023-02-29", 1);
	crm_error_clear();
	cr_expect_eq(crm_date_today(&d), CRM_EUSAGE);
	cr_expect(strstr(crm_error_last(), "CRM_TODAY") != NULL);
	cr_expect(strstr(crm_error_last(), "2023-02-29") != NULL);
}

Test(date, today_from_clock)
{
	crm_date d;
	unsetenv("CRM_TODAY");
	cr_assert_eq(crm_date_today(&d), 0);
	cr_expect(crm_date_valid(d));
	cr_expect_geq(d.y, 2024);

	setenv("CRM_TODAY", "", 1); /* empty counts as unset */
	cr_assert_eq(crm_date_today(&d), 0);
	cr_expect(crm_date_valid(d));
}
