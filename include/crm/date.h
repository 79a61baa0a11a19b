#ifndef CRM_DATE_H
#define CRM_DATE_H
/*
 * Calendar dates without times or time zones: follow-ups, next actions,
 * birthdays and contract ends are days, not instants.
 *
 * A crm_date is a proleptic Gregorian year, month (1-12) and day (1-31),
 * kept as three fields so that it reads well in a debugger and formats
 * without work. Arithmetic goes through a day number (days since
 * 1970-01-01, negative before), computed with integer formulas, so that no
 * mktime, TZ or DST rule can move a date by one.
 *
 * The supported range is 0001-01-01 to 9999-12-31, the dates YYYY-MM-DD
 * can write. A "valid" date is a real calendar date inside that range.
 */
#include <stdbool.h>

typedef struct {
	int y; /* year, 1-9999 */
	int m; /* month, 1-12 */
	int d; /* day of the month, 1-31 */
} crm_date;

/* Length of "YYYY-MM-DD" plus the NUL. */
#define CRM_DATE_STRLEN 11

/* Gregorian leap year: divisible by 4, except centuries not divisible by 400. */
bool crm_date_is_leap(int y);

/* Days in month m (1-12) of year y; 0 when m is out of range. */
int crm_date_days_in_month(int y, int m);

/* True when d is a real calendar date within 0001-01-01..9999-12-31. */
bool crm_date_valid(crm_date d);

/*
 * Parse exactly "YYYY-MM-DD" (four, two and two ASCII digits, no sign, no
 * spaces, nothing after) naming a real calendar date. On success fills *out
 * and returns true; on failure returns false, leaves *out alone and sets no
 * error message (callers word their own, with the path and line).
 */
bool crm_date_parse_iso(crm_date *out, const char *s);

/*
 * Parse a date given on a command line: "YYYY-MM-DD", "today", "tomorrow",
 * "yesterday" (any letter case), or an offset from today of a sign, a
 * number and a unit: "+3d", "-3d", "+2w", "+1m" (months keep the day of the
 * month, clamped to the month's end: 01-31 +1m is 02-28 or 02-29).
 * Returns 0 and fills *out, or CRM_EUSAGE with a message such as
 * "'2024-02-30' is not a valid date (use YYYY-MM-DD, today, tomorrow, +3d
 * or +2w)"; *out is left alone on failure.
 */
int crm_date_parse_cli(crm_date *out, const char *s, crm_date today);

/*
 * Today's date: from the environment variable CRM_TODAY=YYYY-MM-DD when it
 * is set and not empty (tests and demos fix the day with it), else the local
 * calendar date of the clock. Returns 0, CRM_EUSAGE when CRM_TODAY does not
 * parse, or CRM_EIO when the clock cannot be read; each with a message.
 */
int crm_date_today(crm_date *out);

/* Write d as "YYYY-MM-DD" and a NUL into out. d must be valid. */
void crm_date_format(crm_date d, char out[CRM_DATE_STRLEN]);

/* Day number of d: days since 1970-01-01 (negative before it). */
long crm_date_to_days(crm_date d);

/* The date of a day number, clamped to the supported range. */
crm_date crm_date_from_days(long days);

/* d plus n days (n may be negative), clamped to the supported range. */
crm_date crm_date_add_days(crm_date d, long n);

/*
 * d plus n months (n may be negative), the day clamped to the end of the
 * target month (2024-01-31 + 1 month = 2024-02-29), the result clamped to
 * the supported range.
 */
crm_date crm_date_add_months(crm_date d, long n);

/* a - b in days: positive when a is later. */
long crm_date_diff(crm_date a, crm_date b);

/* <0, 0 or >0 as a is before, the same day as, or after b (like strcmp). */
int crm_date_cmp(crm_date a, crm_date b);

/* ISO day of the week: 1 = Monday ... 7 = Sunday. */
int crm_date_weekday(crm_date d);

/*
 * The next occurrence, on or after today, of a yearly event (a birthday or
 * an anniversary) first held on event: event's month and day in today's
 * year, or the next year when that has passed. 29 February falls on
 * 28 February in years that are not leap years. An event that has not
 * happened yet (event after today) occurs first on event itself.
 */
crm_date crm_date_next_yearly(crm_date event, crm_date today);

#endif
