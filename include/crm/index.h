#ifndef CRM_INDEX_H
#define CRM_INDEX_H
/*
 * The index (SPEC §8): one SQLite database under the real git dir
 * (.git/crm/index.sqlite), a cache of every record in the tables of §8 plus
 * private tables (file stats, validation diagnostics, a fingerprint of the
 * schema and crm.yaml, the format version). Opening it brings it up to date
 * with the working tree: every file under customers/ is lstat-ed and only
 * those whose size, mtime (ns), ctime (ns) or inode differ are re-read;
 * added, removed and renamed files are noticed; all in one transaction.
 * A folder whose files' stats hash as they did at its last refresh is not
 * compared file by file.
 *
 * This module alone includes sqlite3.h. Callers that run SQL (reports, crm
 * sql) get the handle through crm_index_db and include <sqlite3.h> themselves
 * only in their own small module.
 *
 * Contract tables (names and meanings fixed by SPEC §8):
 *   customers(id PRIMARY KEY, path, name, kind, source, owner, stage,
 *             first_contact, first_contact_by, industry, size, budget_min,
 *             budget_max, deadline, deal_amount, deal_signed, contract_end,
 *             lost_reason, next_date, next_action, next_by, next_priority,
 *             last_followup, followups, valid)
 *   tags(id, tag)
 *   contacts(id, seq, name, title, phone, email, birthday, role)
 *   decision_chain(id, seq, name, title, role)
 *   followups(id, seq, date, via, by, summary, feedback, result, priority,
 *             next_date, next_action, next_by)
 *   stages(id, seq, stage, date)
 *   dates(id, seq, label, date, yearly)
 * Dates are YYYY-MM-DD text, amounts numbers, absent values NULL, seq from 0.
 * A record with errors is indexed with what could be read and valid = 0.
 * Private tables start with "ix_" and are not a contract.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/agenda.h"
#include "crm/book.h"
#include "crm/error.h"
#include "crm/query.h"

struct sqlite3;

typedef struct crm_index crm_index;

/*
 * Open the book's index, brought up to date with the working tree. Never
 * fails because of the cache itself: a missing, foreign-version or corrupt
 * database is deleted and rebuilt; when it cannot be written (read-only
 * .git, a lock held too long) the answer comes from a private in-memory
 * database built from the files. Problems in records are not errors here
 * (they are stored, see crm_index_diags). Returns 0, or a negative CRM_E*
 * when the book cannot be scanned. Free with crm_index_free.
 */
int crm_index_open(crm_index **out, crm_book *b, crm_diags *d);

/*
 * crm_index_open that answers while the book is being scanned: ask(ix, arg)
 * runs on the index as it stood, on this thread, while another walks
 * customers/. When the walk finds nothing changed, that answer stands (most
 * reads: the walk and the answer take about as long each). Otherwise
 * drop(arg) discards it, the index is refreshed and ask runs again. Returns
 * what crm_index_open or the last ask returned; *out as crm_index_open.
 */
typedef int (*crm_index_ask_fn)(crm_index *ix, void *arg);
int crm_index_open_ask(crm_index **out, crm_book *b, crm_index_ask_fn ask, void (*drop)(void *),
		       void *arg);

/*
 * The SQLite handle with the tables above, borrowed (valid until
 * crm_index_free). Treat it as read-only: the index owns its content.
 */
struct sqlite3 *crm_index_db(crm_index *ix);

/* Free the index and close the database. NULL is fine. */
void crm_index_free(crm_index *ix);

/*
 * Bring the rows of the records at `paths` (book-relative) up to date, for
 * commands that changed them (after their commit). Best effort: a cache that
 * cannot be written is left for the next read to refresh.
 */
void crm_index_touch(crm_book *b, const char *const *paths, size_t n);

/*
 * The stored diagnostics (schema and cross-file checks) of every record, or
 * of the records at `paths` when n > 0, appended to d in path order, as
 * crm validate reports them. Returns the number of errors.
 */
int crm_index_diags(crm_index *ix, const char *const *paths, size_t n, crm_diags *d);

/* Statistics of the last refresh, for tests and the bench. */
typedef struct {
	size_t records;  /* files seen */
	size_t reread;   /* of which read and parsed again */
	size_t compared; /* compared with their rows one by one (the others are in
			    folders whose files' stats hash as they did) */
	size_t removed;  /* rows dropped for files gone */
	bool rebuilt;    /* the database was (re)created */
	bool memory;     /* answered from an in-memory database (cache not writable) */
} crm_index_stats;

const crm_index_stats *crm_index_last_stats(const crm_index *ix);

/*
 * Name lookup from the index (SPEC §5): an exact id, else a unique id
 * prefix, else a unique fragment of the name (ASCII case ignored). On
 * success *path is the record's book-relative path (caller frees).
 * CRM_ENOTFOUND when nothing matches; CRM_EFAIL listing candidates when
 * several do.
 */
int crm_index_resolve(crm_index *ix, const char *who, char **path);

/*
 * For each of the n entries (as crm_book_scan gives them): its name
 * (names[i], caller frees; NULL when none) and its number of errors
 * (errors[i]; -1 when the index has no row for it). Either array may be NULL.
 */
void crm_index_lookup(crm_index *ix, const crm_entry *v, size_t n, char **names, long *errors);

/* One value of a query's result. */
typedef enum { CRM_SQL_NULL, CRM_SQL_INT, CRM_SQL_REAL, CRM_SQL_TEXT } crm_sql_type;

typedef struct {
	crm_sql_type type;
	char *text;  /* the value as text (NULL for NULL): "42", "0.5", "陈静" */
} crm_sql_value;

/* The result of crm_index_query: ncols names, nrows rows of ncols values. */
typedef struct {
	size_t ncols, nrows;
	char **cols;
	crm_sql_value *v;  /* row-major: v[r * ncols + c] */
} crm_sql_result;

void crm_sql_result_free(crm_sql_result *r);

/*
 * Run one read-only SQL statement (SQLite's dialect) over the index for
 * `crm sql`: the database is opened again read-only, and an authorizer
 * refuses anything that would write, ATTACH, or set a pragma. CRM_EFAIL
 * with SQLite's message for a refused or bad query. Free *out with
 * crm_sql_result_free.
 */
int crm_index_query(crm_index *ix, const char *sql, crm_sql_result **out);

/*
 * The customers that pass filter f (query.h), as summaries in path order,
 * for `crm list`: the same answer as crm_records_each and crm_filter_match
 * over the files, from the index. Records that such a walk skips (unreadable,
 * refused by the schema, symlinks) are skipped here too, each with the same
 * warning in `skipped` (may be NULL). *out is an array of *n summaries; free
 * each with crm_summary_free and the array with free.
 */
int crm_index_summaries(crm_index *ix, const crm_filter *f, crm_summary ***out, size_t *n,
			crm_diags *skipped);

/*
 * crm find from the index: hand fn (as crm_records_each does, borrowed) each
 * record whose text may hold `text` (ASCII case ignored; a phone-like text
 * also by its digits), read from its file, in path order; fn decides with
 * crm_record_find. Records crm_records_each skips are skipped with the same
 * warnings. Returns 0 or the first negative value fn returned.
 */
int crm_index_find_each(crm_index *ix, const char *text, crm_diags *skipped,
			int (*fn)(const crm_record *r, void *arg), void *arg);

/*
 * The agenda of the whole book from the index: the same items as
 * crm_agenda_build over the files (sorted), and the same warnings for
 * records that cannot be read.
 */
int crm_index_agenda(crm_index *ix, const crm_agenda_query *q, crm_agenda *out, crm_diags *warnings);

/*
 * Report the progress of a long refresh (called only when it has taken
 * over a second): done of total records. The command layer prints it.
 */
void crm_index_set_progress(void (*fn)(size_t done, size_t total));

#endif
