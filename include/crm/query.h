#ifndef CRM_QUERY_H
#define CRM_QUERY_H
/*
 * Questions asked of the whole book: which customers match a filter
 * (`crm list`), in what order, and where a piece of text occurs (`crm find`).
 * Every query reads the records from the working tree as they are now, hand
 * edits included (SPEC §6); a record that cannot be read or that the schema
 * refuses is skipped and named in a warning, never a reason to fail.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/book.h"
#include "crm/buf.h"
#include "crm/date.h"
#include "crm/json.h"
#include "crm/record.h"

struct crm_schema;

/*
 * The enum code of the field at `path` for `text`, a code or a label in any
 * language (`--via 电话沟通`, `--stage won`). *code is borrowed from the
 * schema. A field without an enum takes `text` itself. When nothing fits:
 * CRM_EINVALID with a message naming the allowed codes and, when one is
 * near, "did you mean 'x'?". `what` names the value in that message (an
 * option such as "--via", or the field path).
 */
int crm_enum_code(const struct crm_schema *s, const char *path, const char *text,
		  const char *what, const char **code);

/*
 * The days from `today` until a next action due on `date` (YYYY-MM-DD):
 * negative when overdue, 0 when due today. False when date does not parse.
 */
bool crm_due_days(const char *date, crm_date today, long *days);

/*
 * Append to b how a next action due in `days` (crm_due_days) stands, for
 * people, in `lang` ("zh" or "en"): "overdue by 3 days" / "逾期 3 天",
 * "due today" / "今天到期", "due in 2 days" / "2 天后到期".
 */
void crm_due_text(crm_buf *b, long days, const char *lang);

/*
 * Read the records of the book one at a time, in path order, and hand each
 * to fn (which borrows it: it is freed when fn returns). Records that are
 * symlinks, unreadable, not YAML, or refused by the schema are skipped, each
 * with a warning in `skipped` (may be NULL) naming the file and the first
 * problem. One record at a time keeps a book of 10,000 customers in a few
 * megabytes. fn returns 0 to go on, or a negative error that stops the walk
 * and is returned. Returns 0, or a negative error when the book cannot be
 * scanned or its schema not loaded.
 */
int crm_records_each(crm_book *b, crm_diags *skipped,
		     int (*fn)(const crm_record *r, void *arg), void *arg);

/*
 * A filter for `crm list`: every field set must hold (AND). Strings are
 * codes (resolve labels with crm_enum_code first); NULL means any.
 */
typedef struct {
	const char *stage;
	const char *const *tags;  /* all of these tags */
	size_t ntags;
	const char *owner;
	const char *source;
	const char *kind;
	const char *industry;     /* company.industry, ASCII case ignored */
	const char *priority;     /* of the follow-up that set the open next action */
	bool due_before_set;      /* an open next action due strictly before due_before */
	crm_date due_before;
	bool overdue;             /* an open next action due before today */
	crm_date today;
} crm_filter;

/* Whether record r passes every condition of f. */
bool crm_filter_match(const crm_record *r, const crm_filter *f);

/* Whether f has no condition at all: every record passes. */
bool crm_filter_passes_all(const crm_filter *f);

/*
 * What `crm list` and `crm find` show of a customer, copied out of its
 * record so that the record can be freed. Absent fields are NULL.
 */
typedef struct {
	char *id, *name, *kind, *stage, *owner, *source, *path;
	char *first_contact;      /* first_contact.date */
	char **tags;              /* the scalar tags, in order */
	size_t ntags;
	bool has_next;            /* an open next action (never for won or lost) */
	char *next_date, *next_action, *next_by, *next_priority;
	char *block;              /* when set, the strings above (not tags) live in it */
	bool tags_block;          /* tags is one block: the array, then their text */
} crm_summary;

/* The summary of r; free with crm_summary_free (NULL is fine). */
crm_summary *crm_summary_new(const crm_record *r);
void crm_summary_free(crm_summary *s);

/*
 * Write the members of a customer's object in `crm list --json` (SPEC §5)
 * into the object the caller has begun (and ends, after adding any members
 * of its own): id, name, kind, stage, owner, source, tags (an array), path,
 * and next ({date, action, by, priority}, or null when there is no open
 * next action or the stage is won or lost). Absent fields are null.
 */
void crm_summary_json(crm_json *j, const crm_summary *s);

/*
 * Sort summaries by `key`: id, name, stage (in the order of the stage enum
 * of the schema `s`, which may be NULL), next (the open next action's date;
 * none last), owner or first_contact; ties by id. CRM_EUSAGE with a message
 * for another key.
 */
int crm_summaries_sort(crm_summary **v, size_t n, const char *key, const struct crm_schema *s);

/* Whether `key` is a key crm_summaries_sort knows. */
bool crm_sort_key_valid(const char *key);

/* One place where crm_record_find found the text. */
typedef struct {
	char *field; /* the path: name, contacts[0].phone, followups[2].summary */
	char *text;  /* the whole value found there */
} crm_match;

/*
 * Where `text` occurs in record r (ASCII case ignored): the name, contacts
 * (name, title, phone, email; a phone also when the digits of text occur in
 * its digits), needs (summary, decision chain names and titles), notes,
 * tags and follow-ups (summary, feedback, next action). Fills *out with a
 * new array of *n matches in record order (NULL and 0 when none); free with
 * crm_matches_free. Returns the count.
 */
size_t crm_record_find(const crm_record *r, const char *text, crm_match **out, size_t *n);
void crm_matches_free(crm_match *m, size_t n);

#endif
