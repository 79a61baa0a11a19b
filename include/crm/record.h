#ifndef CRM_RECORD_H
#define CRM_RECORD_H
/*
 * A customer record: one YAML file in the book, read into a document that
 * edits change in place (edit.h). This layer knows the record's shape (SPEC
 * §3): the order of its keys, how to name a customer (id, id prefix, or a
 * fragment of its name), and the checks that reach beyond one file's schema
 * (file name = id, team ids, stage history).
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/book.h"
#include "crm/doc.h"

/* Top-level keys in their canonical order; followups always last. */
extern const char *const crm_record_order[];

typedef struct {
	char *path;     /* relative to the book: customers/2024/05/202405001.yaml */
	char *id;       /* the file name without .yaml */
	crm_doc *doc;   /* the current text and tree; edits replace it */
	char *orig;     /* the bytes as read, NULL for a new record */
	size_t orig_len;
	const crm_config *config; /* the book's settings (borrowed), NULL when unknown */
} crm_record;

/*
 * Read the record file of entry `e`. YAML problems go to diags (may be NULL)
 * and return CRM_EINVALID. A symlink is refused. Free with crm_record_free.
 */
int crm_record_load(crm_record **out, const crm_book *b, const crm_entry *e, crm_diags *diags);

/* crm_record_load of the file at the book-relative `path` (a plain file;
 * its id from the file name), for readers that hold paths, not entries. */
int crm_record_load_path(crm_record **out, const crm_book *b, const char *path, crm_diags *diags);
/* A new record at `path` with the text `src` (parsed; CRM_EINVALID if not YAML). */
int crm_record_new(crm_record **out, const char *path, const char *id, const char *src, size_t len);
void crm_record_free(crm_record *r);

/* The scalar text at a path (`name`, `needs.budget.max`), or NULL. Borrowed. */
const char *crm_record_str(const crm_record *r, const char *path);
/* Whether the text differs from what was read. */
bool crm_record_changed(const crm_record *r);

/*
 * Find the customer named by `who` among the scanned entries: an exact id,
 * else a unique id prefix, else a unique fragment of the name (case ignored
 * for ASCII). *index receives the entry's index. CRM_ENOTFOUND when nothing
 * matches; CRM_EFAIL when several do, with a message listing them.
 */
int crm_record_resolve(crm_book *b, const crm_entry *v, size_t n, const char *who, size_t *index);

/*
 * The name of each entry, read from the records (NULL where unreadable);
 * used to look customers up by name and to warn of duplicates. *names is
 * an array of n strings the caller frees with crm_names_free.
 */
int crm_record_names(crm_book *b, const crm_entry *v, size_t n, char ***names);
void crm_names_free(char **names, size_t n);

/*
 * The checks of one record beyond YAML: schema, file name = id, id pattern,
 * team ids (owner, first_contact.by, followups[].by, followups[].next.by),
 * and the stage history (a warning when it does not start with initial on
 * the first-contact date or end with the current stage). Appends to diags;
 * returns the number of errors.
 */
int crm_record_check(crm_book *b, const crm_record *r, crm_diags *diags);
/* crm_record_check without the schema: the rules beyond it alone. */
int crm_record_check_rules(crm_book *b, const crm_record *r, crm_diags *diags);

/* A customer's open next action; the strings are borrowed from the record. */
typedef struct {
	const char *date;     /* YYYY-MM-DD, never NULL when there is one (may point at date_buf) */
	const char *action;   /* may be "" */
	const char *by;       /* may be NULL */
	const char *priority; /* of the follow-up that set it; may be NULL */
	size_t followup;      /* index of that follow-up in followups */
	char date_buf[11];    /* holds a date computed from the priority */
} crm_next;

/*
 * The open next action (SPEC §3): the `next` of the latest follow-up (latest
 * date; on a tie, the later in the list), unless the stage is won or lost.
 * A follow-up without next.date is due its date plus its priority's days
 * (medium when it has none; the days of r->config, else 3/7/14).
 * Returns true and fills *out when there is one.
 */
bool crm_record_next(const crm_record *r, crm_next *out);

/* Index of the latest follow-up (same rule), or -1 when there is none. */
long crm_record_latest_followup(const crm_record *r);

#endif
