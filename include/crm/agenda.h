#ifndef CRM_AGENDA_H
#define CRM_AGENDA_H
/*
 * The agenda (SPEC §5): what a rep should act on, computed from the records
 * as they are in the working tree, crm.yaml and today. Nothing here prints;
 * the command layer formats the items.
 *
 * Items and their windows (both ends included, today .. today + N):
 *  - overdue      an open next action (crm_record_next) dated before today;
 *                 `days` is how many days late
 *  - due          an open next action dated today .. today + query.days
 *  - birthday     a contact's birthday, next occurrence within
 *                 reminders.birthday (29 February falls on 28 February in
 *                 other years)
 *  - date         a `dates` entry: yearly ones by their next occurrence within
 *                 reminders.birthday, the others on their date within
 *                 reminders.dates; and needs.deadline within reminders.dates
 *                 (`deadline` set)
 *  - contract_end deal.contract_end within reminders.contract_end
 *  - stale        a customer neither won nor lost whose latest follow-up (or
 *                 first contact, when none) is reminders.stale days old or
 *                 older, unless the same agenda shows it as overdue; its date
 *                 is the day it became stale (last contact + reminders.stale),
 *                 `days` the days since the last contact
 *
 * Won customers keep their birthdays, dates and contract ends but have no
 * next actions, deadline or staleness; lost customers have no items at all.
 * When the latest follow-up has no next.date, its date plus the priority's
 * days (medium when it has none) stands in, as SPEC §3 says.
 *
 * Who: next actions belong to next.by (the owner when next.by is missing),
 * every other item to the customer's owner.
 *
 * Order (crm_agenda_sort): soonest date first; within a day overdue, due,
 * contract end, date, birthday, stale; then the priority of the follow-up
 * behind the item (for the other kinds, the latest follow-up's) high, medium,
 * low, none; then the deal stage, later first (negotiation, proposal, needs,
 * initial, others); then needs.budget.max, larger first (none last); then id,
 * then text.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/book.h"
#include "crm/config.h"
#include "crm/date.h"
#include "crm/error.h"
#include "crm/record.h"

typedef enum {
	CRM_AGENDA_OVERDUE,
	CRM_AGENDA_DUE,
	CRM_AGENDA_BIRTHDAY,
	CRM_AGENDA_CONTRACT_END,
	CRM_AGENDA_DATE,
	CRM_AGENDA_STALE,
} crm_agenda_type;

/* One thing to act on. Every string is owned by the crm_agenda. */
typedef struct {
	crm_agenda_type type;
	crm_date date;      /* see above: due date, next occurrence, day it became stale */
	long days;          /* overdue: days late; stale: days since last contact;
			       others: days from today (0 = today) */
	bool deadline;      /* a `date` item that comes from needs.deadline */
	char *id;
	char *name;         /* the record's name, or its id when it has none */
	char *text;         /* what to do: the action, "生日: 张伟", a date's label... */
	char *who;          /* the team id who should act (NULL when the record has no owner) */
	char *priority;     /* high/medium/low of the follow-up behind it, or NULL */
	char *stage;        /* the record's stage, or NULL */
	char *path;         /* the record's path in the book */
	char *block;        /* when set, id, name, who, priority, stage and path live in it */
	/* sort keys */
	int stage_rank;     /* negotiation 4 .. initial 1, others 0 */
	bool has_budget;
	double budget;      /* needs.budget.max */
} crm_agenda_item;

/* A growable list of items; zero-initialise, free with crm_agenda_free. */
typedef struct {
	crm_agenda_item *v;
	size_t n, cap;
} crm_agenda;

/* What to compute. */
typedef struct {
	crm_date today;
	int days;                  /* window for next actions (7 by default); >= 0 */
	const char *who;           /* a team id, or NULL for everyone */
	const crm_config *config;  /* reminders and priority days; borrowed */
	const char *lang;          /* "zh" or "en", for the text of items */
} crm_agenda_query;

/*
 * Add the items of one record for query q to a. The record is only read;
 * items copy what they need. Unparsable dates are skipped (crm validate
 * reports them).
 */
void crm_agenda_add(crm_agenda *a, const crm_agenda_query *q, const crm_record *r);

/* What the agenda needs of one record, whether read from its file or from
 * the index. Strings are borrowed; NULL when absent. */
typedef struct {
	const char *name, *birthday;
} crm_agenda_contact;

typedef struct {
	const char *label, *date;
	bool yearly;
} crm_agenda_date;

typedef struct {
	const char *id, *path;       /* the file's id and book-relative path */
	const char *name, *owner, *stage;
	const char *priority;        /* of the latest follow-up */
	const char *budget_max;      /* needs.budget.max as written */
	const char *last_date;       /* the latest follow-up's date, else first_contact.date */
	bool last_is_followup;
	bool has_next;               /* the open next action (crm_record_next) */
	const char *next_date, *next_action, *next_by, *next_priority;
	const crm_agenda_contact *contacts;
	size_t ncontacts;
	const crm_agenda_date *dates;
	size_t ndates;
	const char *deadline, *needs_summary, *contract_end;
} crm_agenda_facts;

/* crm_agenda_add from facts rather than a record (same items). */
void crm_agenda_add_facts(crm_agenda *a, const crm_agenda_query *q, const crm_agenda_facts *f);

/* Sort a's items in agenda order (see above). */
void crm_agenda_sort(crm_agenda *a);

/* The order of crm_agenda_sort, as qsort wants it: <0, 0, >0. */
int crm_agenda_cmp(const crm_agenda_item *x, const crm_agenda_item *y);

/*
 * The agenda of the whole book: scan the records, read each from the working
 * tree, add its items, sort. A record that cannot be read or parsed is
 * skipped with a warning in `warnings` (may be NULL). Returns 0, or a
 * negative CRM_E* when the book cannot be scanned. q->config is taken from
 * the book when NULL. Free *out's contents with crm_agenda_free.
 */
int crm_agenda_build(crm_agenda *out, crm_book *b, const crm_agenda_query *q, crm_diags *warnings);

/* Free the items (not a itself); a is left empty and reusable. */
void crm_agenda_free(crm_agenda *a);

/* "overdue", "due", "birthday", "contract_end", "date", "stale". */
const char *crm_agenda_type_name(crm_agenda_type t);

#endif
