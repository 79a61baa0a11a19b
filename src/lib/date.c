/*
 * Calendar dates as day numbers. The conversions are Howard Hinnant's
 * days_from_civil / civil_from_days: exact for the proleptic Gregorian
 * calendar, integer only, and independent of time zones and the C library.
 */
#include "crm/date.h"
#include "crm/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Written into every message about a date that does not parse. */
#define CLI_HINT "use YYYY-MM-DD, today, tomorrow, +3d or +2w"

bool crm_date_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int crm_date_days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && crm_date_is_leap(y))
		return 29;
	return days[m - 1];
}

bool crm_date_valid(crm_date d)
{
	return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
	       d.d <= crm_date_days_in_month(d.y, d.m);
}

long crm_date_to_days(crm_date d)
{
	/* Count years from 1 March, so that the leap day ends the year. */
	long y = (long)d.y - (d.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;                                      /* [0, 399] */
	long doy = (153L * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1; /* [0, 365] */
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* The supported range as day numbers: 0001-01-01 and 9999-12-31. */
#define MIN_DAYS (-719162L)
#define MAX_DAYS 2932896L

crm_date crm_date_from_days(long z)
{
	if (z < MIN_DAYS)
		z = MIN_DAYS;
	if (z > MAX_DAYS)
		z = MAX_DAYS;
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	crm_date r;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

crm_date crm_date_add_days(crm_date d, long n)
{
	long z = crm_date_to_days(d);
	/* Compare before adding: n may be anything a caller computed. */
	if (n > MAX_DAYS - z)
		return crm_date_from_days(MAX_DAYS);
	if (n < MIN_DAYS - z)
		return crm_date_from_days(MIN_DAYS);
	return crm_date_from_days(z + n);
}

crm_date crm_date_add_months(crm_date d, long n)
{
	long month = (long)d.y * 12 + (d.m - 1); /* months since year 0 */
	const long lo = 1L * 12, hi = 9999L * 12 + 11;
	if (n > hi - month)
		return crm_date_from_days(MAX_DAYS);
	if (n < lo - month)
		return crm_date_from_days(MIN_DAYS);
	month += n;
	crm_date r = { (int)(month / 12), (int)(month % 12) + 1, d.d };
	int last = crm_date_days_in_month(r.y, r.m);
	if (r.d > last)
		r.d = last;
	return r;
}

long crm_date_diff(crm_date a, crm_date b)
{
	return crm_date_to_days(a) - crm_date_to_days(b);
}

int crm_date_cmp(crm_date a, crm_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

int crm_date_weekday(crm_date d)
{
	/* 1970-01-01 was a Thursday (4). */
	long z = crm_date_to_days(d);
	return (int)(((z % 7) + 7 + 3) % 7) + 1;
}

crm_date crm_date_next_yearly(crm_date event, crm_date today)
{
	if (crm_date_cmp(event, today) >= 0)
		return event;
	for (int y = today.y; y <= today.y + 1; y++) {
		if (y > 9999)
			break;
		int last = crm_date_days_in_month(y, event.m);
		crm_date c = { y, event.m, event.d > last ? last : event.d };
		if (crm_date_cmp(c, today) >= 0)
			return c;
	}
	return crm_date_from_days(MAX_DAYS);
}

/* Read exactly n ASCII digits; -1 when any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool crm_date_parse_iso(crm_date *out, const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	crm_date d = { digits(s, 4), digits(s + 5, 2), digits(s + 8, 2) };
	if (!crm_date_valid(d))
		return false;
	*out = d;
	return true;
}

/*
 * "+3d", "-2w", "+1m": a sign, 1 to 6 digits and a unit. Six digits keep
 * every product far from overflow; the range check does the rest.
 */
static bool parse_offset(crm_date *out, const char *s, crm_date today)
{
	if (s[0] != '+' && s[0] != '-')
		return false;
	long n = 0;
	size_t i = 1;
	while (s[i] >= '0' && s[i] <= '9' && i <= 6)
		n = n * 10 + (s[i++] - '0');
	if (i == 1 || s[i] == '\0' || s[i + 1] != '\0')
		return false;
	if (s[0] == '-')
		n = -n;

	long z = crm_date_to_days(today);
	switch (s[i]) {
	case 'd':
		break;
	case 'w':
		n *= 7;
		break;
	case 'm': {
		crm_date r = crm_date_add_months(today, n);
		/* add_months clamps; a clamped result was out of range. */
		long want = (long)today.y * 12 + today.m - 1 + n;
		if (want != (long)r.y * 12 + r.m - 1)
			return false;
		*out = r;
		return true;
	}
	default:
		return false;
	}
	if (z + n < MIN_DAYS || z + n > MAX_DAYS)
		return false;
	*out = crm_date_from_days(z + n);
	return true;
}

int crm_date_parse_cli(crm_date *out, const char *s, crm_date today)
{
	crm_date d;
	if (!s)
		s = "";
	if (crm_date_parse_iso(&d, s)) {
		*out = d;
		return 0;
	}
	if (!strcasecmp(s, "today")) {
		*out = today;
		return 0;
	}
	if (!strcasecmp(s, "tomorrow")) {
		*out = crm_date_add_days(today, 1);
		return 0;
	}
	if (!strcasecmp(s, "yesterday")) {
		*out = crm_date_add_days(today, -1);
		return 0;
	}
	if (parse_offset(&d, s, today)) {
		*out = d;
		return 0;
	}
	return crm_error_set(CRM_EUSAGE, "'%s' is not a valid date (" CLI_HINT ")", s);
}

int crm_date_today(crm_date *out)
{
	const char *env = getenv("CRM_TODAY");
	if (env && *env) {
		if (!crm_date_parse_iso(out, env))
			return crm_error_set(CRM_EUSAGE,
					     "CRM_TODAY='%s' is not a valid date (use YYYY-MM-DD)", env);
		return 0;
	}

	time_t now = time(NULL);
	struct tm tm;
	if (now == (time_t)-1)
		return crm_error_errno(CRM_EIO, "cannot read the clock");
	if (!localtime_r(&now, &tm))
		return crm_error_errno(CRM_EIO, "cannot convert the clock to a local date");
	crm_date d = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	if (!crm_date_valid(d))
		return crm_error_set(CRM_EIO, "the clock says year %d, which crm cannot handle", d.y);
	*out = d;
	return 0;
}

void crm_date_format(crm_date d, char out[CRM_DATE_STRLEN])
{
	/* By hand rather than snprintf: fixed width, and no truncation warnings. */
	int y = d.y < 0 ? 0 : d.y % 10000;
	int m = d.m < 0 ? 0 : d.m % 100;
	int dd = d.d < 0 ? 0 : d.d % 100;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + dd / 10);
	out[9] = (char)('0' + dd % 10);
	out[10] = '\0';
}
