#ifndef CRM_REPORT_H
#define CRM_REPORT_H
/*
 * Reports (SPEC §5): funnel, sources, followups, value and owners, computed
 * from an SQLite database holding the tables of SPEC §8 (the index) into
 * plain structs, and written as aligned text tables, as JSON (the shapes of
 * §5) or as one HTML page (report_html.c).
 *
 * Selection:
 *  - since/until (inclusive, YYYY-MM-DD) select customers by first_contact
 *    and follow-ups by their date; NULL means no bound.
 *  - owner selects customers by owner; in the followups report it selects
 *    the follow-ups written by that rep (`by`) and the open next actions
 *    that rep holds (`next_by`), because that report is about reps.
 *
 * Definitions that the SPEC leaves open, decided here:
 *  - funnel: a stay is an entry of stage_history up to the next entry in
 *    list order; stays with a date missing or out of order are left out.
 *    A median of an even count is the mean of the two middle stays.
 *  - followups: follow-ups of a customer are ordered by (date, position in
 *    the list); a follow-up's next action counts when a later one exists or
 *    its next.date is before today, and was on time when the next
 *    follow-up's date is on or before next.date. open/overdue: customers
 *    (selected by first_contact) whose open next action the rep holds, and
 *    of those, due before today.
 *  - value: `top` holds customers with a won amount or a budget, at most
 *    10, by won amount, then budget, then id; won_amount is 0 when not won.
 *  - order of rows: sources by customers (desc) then code; reps, owners and
 *    vias by code; value groups by won amount (desc), customers (desc), key
 *    (a missing key, null, last).
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/buf.h"
#include "crm/json.h"

struct sqlite3;
struct crm_schema;

/* Which reports: a bit each; CRM_REPORT_ALL for all five. */
enum {
	CRM_REPORT_FUNNEL = 1,
	CRM_REPORT_SOURCES = 2,
	CRM_REPORT_FOLLOWUPS = 4,
	CRM_REPORT_VALUE = 8,
	CRM_REPORT_OWNERS = 16,
	CRM_REPORT_ALL = 31,
};

/* The report bit of a name ("funnel"...), or 0 when there is none. */
unsigned crm_report_by_name(const char *name);
/* The name of one report bit; NULL for anything else. */
const char *crm_report_name(unsigned bit);

/* What to select; every string is borrowed and may be NULL but today. */
typedef struct {
	const char *since; /* first_contact / follow-up date >= since */
	const char *until; /* ... <= until */
	const char *owner; /* see above */
	const char *today; /* YYYY-MM-DD: what is overdue, which next dates have passed */
} crm_report_opts;

/* A fraction; null (unknown) when den is 0. */
typedef struct {
	long num, den;
} crm_ratio;

/* The funnel's stages, in order; lost is not one of them. */
#define CRM_FUNNEL_STAGES 5
extern const char *const crm_funnel_stage[CRM_FUNNEL_STAGES];
/* Every stage, for the owners report: the funnel's then lost. */
#define CRM_STAGES 6
extern const char *const crm_stage_codes[CRM_STAGES];

typedef struct {
	long reached;       /* customers at this stage or past it, skipped ones passed */
	long current;       /* customers in it now */
	bool has_median;    /* some completed stay exists */
	double median_days; /* median length of completed stays, in days */
} crm_report_stage;

typedef struct {
	crm_report_stage stages[CRM_FUNNEL_STAGES];
	crm_ratio conversion[CRM_FUNNEL_STAGES - 1]; /* stage i to i+1 */
	long won, lost;
	crm_ratio win_rate; /* won / (won + lost) */
} crm_report_funnel;

typedef struct {
	char *source; /* NULL when the record has none */
	long customers, won, lost;
	double won_amount;
} crm_report_source; /* win_rate won/(won+lost), conversion won/customers */

typedef struct {
	char *rep;
	long followups, with_result, progressed;
	long counted, on_time; /* next actions that count, and those done on time */
	long open, overdue;
} crm_report_rep;

typedef struct {
	char *via;
	long followups, with_result, progressed;
} crm_report_via;

typedef struct {
	char *key; /* NULL: no value */
	long customers, won;
	double won_amount, budget_max;
} crm_report_group;

/* A won customer in ABC order (amount descending, then id). */
typedef struct {
	char *id, *name;
	double amount;
	double cumulative; /* running total up to and including this one */
	char cls;          /* 'A', 'B' or 'C' */
} crm_report_abc;

typedef struct {
	char *id, *name;
	double won_amount;
	bool has_budget;
	double budget_max;
} crm_report_top;

typedef struct {
	char *owner;
	long customers;
	long stages[CRM_STAGES]; /* in crm_stage_codes order */
	double won_amount;
	long overdue;
} crm_report_owner;

enum { CRM_GROUP_INDUSTRY, CRM_GROUP_SIZE, CRM_GROUP_SOURCE, CRM_GROUP_OWNER, CRM_GROUPS };
extern const char *const crm_group_names[CRM_GROUPS]; /* by_industry ... */

/* Every report asked for; what was not asked for stays empty. */
typedef struct {
	unsigned which;
	crm_report_funnel funnel;
	crm_report_source *sources;
	size_t nsources;
	crm_report_rep *reps;
	size_t nreps;
	crm_report_via *vias;
	size_t nvias;
	crm_report_abc *abc;
	size_t nabc;
	double won_total;
	crm_report_group *groups[CRM_GROUPS];
	size_t ngroups[CRM_GROUPS];
	crm_report_top *top;
	size_t ntop;
	crm_report_owner *owners;
	size_t nowners;
} crm_report;

/*
 * Compute the reports in `which` from db (tables of SPEC §8, read only).
 * Returns 0 with *out set (free with crm_report_free), or CRM_EFAIL with
 * SQLite's message when a query fails.
 */
int crm_report_compute(crm_report **out, struct sqlite3 *db, const crm_report_opts *o,
		       unsigned which);

/* Free r and everything in it; NULL is fine. */
void crm_report_free(crm_report *r);

/*
 * Append the reports of r->which as JSON: with one report, its object
 * (SPEC §5); with several, an object of them keyed by name.
 */
void crm_report_json(crm_json *j, const crm_report *r);

/*
 * Append the reports as text: a title line per report, then a table
 * aligned by display width; labels in lang ("zh" or "en"), stage, source
 * and via codes shown by their schema labels (s may be NULL: codes).
 */
void crm_report_text(crm_buf *out, const crm_report *r, const struct crm_schema *s,
		     const char *lang);

/*
 * Append one self-contained HTML page with every report in r (charts as
 * inline SVG, no script, nothing fetched), text in lang; book is the
 * book's name for the title (may be NULL). Text from records is escaped.
 */
void crm_report_html(crm_buf *out, const crm_report *r, const struct crm_schema *s,
		     const char *lang, const char *book, const crm_report_opts *o);

/* The value of a ratio as a double; call only when den != 0. */
static inline double crm_ratio_value(crm_ratio r)
{
	return (double)r.num / (double)r.den;
}

#endif
