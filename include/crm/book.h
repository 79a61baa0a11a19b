#ifndef CRM_BOOK_H
#define CRM_BOOK_H
/*
 * A book on disk (SPEC §2): the folder holding crm.yaml, its records under
 * customers/, the schema, and the git repository. This layer finds the book,
 * scans and names records, allocates ids, and owns the two safety rules of
 * writing: the operating-system lock on .git/crm.lock and atomic file writes.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/config.h"
#include "crm/date.h"
#include "crm/error.h"

struct crm_schema;

typedef struct {
	char *root;               /* absolute path of the book's folder */
	char *gitdir;             /* root/.git */
	crm_config *config;       /* crm.yaml, read by crm_book_open */
	struct crm_schema *schema; /* loaded on first crm_book_schema() */
	int lock_fd;              /* -1 when not locked */
} crm_book;

/* What the index compares of a file: size, times in nanoseconds, inode. */
typedef struct {
	long long size, mtime, ctime, ino;
} crm_fstat;

struct stat;
/* What the index compares, of what stat said. */
crm_fstat crm_fstat_of(const struct stat *st);

/* One record file found by a scan. */
typedef struct {
	char *path;   /* relative to the book root: customers/2024/05/202405001.yaml */
	char *id;     /* the file name without .yaml */
	bool symlink; /* a symlink: refused, never read through */
	bool has_stat; /* st holds the file's lstat (crm_book_scan_stat only) */
	bool id_in_path; /* id lives in path's allocation (a scan's entries: one malloc each) */
	crm_fstat st;
} crm_entry;

/*
 * Find the book: `dir` itself (with -C) or the first folder upward from it
 * holding crm.yaml, and read crm.yaml. Problems in crm.yaml go to diags (may
 * be NULL). CRM_ENOTFOUND when no book is found. Free with crm_book_free.
 */
int crm_book_open(crm_book **out, const char *dir, crm_diags *diags);
void crm_book_free(crm_book *b);

/* The book's schema (schema/customer.schema.yaml), loaded once; borrowed. */
int crm_book_schema(crm_book *b, const struct crm_schema **out, crm_diags *diags);

/* Absolute path of a book-relative path. Caller frees. */
char *crm_book_abs(const crm_book *b, const char *rel);

/*
 * Every record file under customers/ (any depth; names starting with '.'
 * skipped; only *.yaml), sorted by path. Caller frees with crm_entries_free.
 */
int crm_book_scan(crm_book *b, crm_entry **out, size_t *n);
void crm_entries_free(crm_entry *v, size_t n);

/*
 * crm_book_scan that also lstat-s each record file (has_stat and st), for
 * the index's comparison with what it holds: a crm_stat_job on one thread.
 */
int crm_book_scan_stat(crm_book *b, crm_entry **out, size_t *n);

/*
 * The lstat-ing of crm_book_scan_stat, shared between threads (as git's
 * preload-index shares its lstat calls): after crm_stat_job_new on the
 * entries of a crm_book_scan, every thread that calls crm_stat_job_work
 * claims runs of one folder's files and lstat-s them, until none is left.
 * When all callers have returned, each entry is as crm_book_scan_stat
 * would have left it. The job borrows b and v; free it with
 * crm_stat_job_free.
 */
typedef struct crm_stat_job crm_stat_job;
crm_stat_job *crm_stat_job_new(const crm_book *b, crm_entry *v, size_t n);
void crm_stat_job_work(crm_stat_job *j);
void crm_stat_job_free(crm_stat_job *j);

/*
 * crm_book_scan that also lists, in *links (when not NULL), every symbolic
 * link under customers/ that leads to a folder, and customers/ itself when
 * it is one: they are never entered, since records must be inside the book.
 * Link entries have `path` set, `id` "" and `symlink` true; free both
 * arrays with crm_entries_free.
 */
int crm_book_scan_links(crm_book *b, crm_entry **out, size_t *n, crm_entry **links,
			size_t *nlinks);

/*
 * Refuse (CRM_EFAIL, naming it) a book-relative record path when one of its
 * folders, customers/ included, is a symbolic link: a write there would land
 * outside the book. Folders that do not exist yet are fine.
 */
int crm_book_check_inside(const crm_book *b, const char *rel);

/*
 * While the book is locked, remove the temporaries (".NAME.yaml.XXXXXX")
 * that a crm killed mid-write left in the folder of the book-relative path
 * `rel`. Any found then are stale: writers hold the lock. Without the lock
 * it does nothing. The scan does the same in every folder it reads.
 */
void crm_book_clean_temps(const crm_book *b, const char *rel);

/*
 * Whether a book-relative path names a record, by the rule the scan uses:
 * under customers/, ends in .yaml, and no part of it starts with '.'
 * (editor swap files, our temporaries). The one place that rule is written.
 */
bool crm_is_record_path(const char *rel);

/* The id a record file's name gives: customers/2024/05/202405001.yaml ->
 * "202405001" (the file name without .yaml, or whole when it has none). */
char *crm_path_id(const char *rel);

/* True when id matches ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$ (no path characters). */
bool crm_id_valid(const char *id);

/*
 * The next id for a record first contacted on `date`, from id_format:
 * {yyyy}{mm}{dd} from the date, {seq:N} one more than the highest number used
 * with that prefix in `entries` (gaps never reused), at least N digits.
 */
char *crm_book_next_id(const crm_book *b, crm_date date, const crm_entry *entries, size_t n);

/*
 * Where a record with this id sits unless someone moved it: the year and
 * month read back from the id through id_format ({yyyy}{mm} at its start).
 * NULL when id_format does not tell. Caller frees.
 */
char *crm_book_guess_path(const crm_book *b, const char *id);

/* customers/YYYY/MM/ID.yaml for a new record. Caller frees. */
char *crm_book_new_path(crm_date first_contact, const char *id);

/*
 * Take the book's write lock (flock on .git/crm.lock), waiting up to
 * CRM_LOCK_TIMEOUT seconds (env; default 10). On timeout CRM_ELOCKED with a
 * message naming the holder. `what` (the command) is written into the lock
 * file for that message. The lock dies with the process.
 */
int crm_book_lock(crm_book *b, const char *what);
void crm_book_unlock(crm_book *b);
/* Take the lock only if it is free now: 0, or CRM_ELOCKED at once. */
int crm_book_trylock(crm_book *b, const char *what);

/*
 * Write `len` bytes to `path` atomically: a temporary file in the same
 * folder (".NAME." and six random characters), fsync, checked close, rename,
 * fsync of the folder.
 * Creates missing parent folders. Refuses (CRM_EFAIL) when path is a symlink.
 */
int crm_write_atomic(const char *path, const char *data, size_t len);

/*
 * The two halves of crm_write_atomic, for a writer that must keep the old
 * file until something else is done (a commit): crm_write_temp writes
 * `data` to a new temporary file beside `path` (created folders stay),
 * synced and closed, with the mode of the file it will replace, and gives
 * its name in *tmp (the caller frees it, and unlinks the file if it gives
 * up); `path` itself is untouched. crm_replace renames `tmp` over `path`
 * and syncs the folder. Undoing a crm_write_temp needs no disk space.
 */
int crm_write_temp(char **tmp, const char *path, const char *data, size_t len);
int crm_replace(const char *tmp, const char *path);

/*
 * crm_write_atomic without the fsyncs, for crm's own notes in .git (the
 * journal of a commit in flight): whole or absent to any process after a
 * crash of crm, which is what they guard against, at a fraction of the cost.
 */
int crm_write_note(const char *path, const char *data, size_t len);

/*
 * For a change of many files (an import of 10,000 rows): the same without
 * the fsyncs; the caller syncs them all at once with crm_sync_fs before it
 * relies on them (one sync instead of two per file).
 */
int crm_write_temp_nosync(char **tmp, const char *path, const char *data, size_t len);
int crm_replace_nosync(const char *tmp, const char *path);
/* Flush the whole filesystem holding the folder `path` to disk (syncfs). */
int crm_sync_fs(const char *path);

#endif
