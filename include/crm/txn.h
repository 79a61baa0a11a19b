#ifndef CRM_TXN_H
#define CRM_TXN_H
/*
 * The one shape of every change to a book: lock, read, change, validate,
 * write atomically, commit, unlock. A transaction that fails leaves the book
 * as it was: no file changed, no commit.
 *
 *	crm_txn_begin(&t, book, "tag 202405001");
 *	crm_txn_open(t, "202405001", &rec);      // the record, owned by t
 *	crm_edit_append(&rec->doc, "tags", ...);
 *	crm_txn_commit(t, "tag 202405001: 高意向");
 *	crm_txn_free(t);                          // unlocks
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/book.h"
#include "crm/record.h"

struct crm_repo;

typedef struct {
	crm_book *book;          /* borrowed */
	struct crm_repo *repo;   /* the book's repository */
	crm_entry *entries;      /* the records of the book, once crm_txn_scan ran */
	size_t nentries;
	bool scanned;
	crm_record **records;    /* records opened or added; owned */
	size_t nrecords;
	crm_diags diags;         /* why the last commit was refused */
	struct crm_txn_file *files; /* other files of the book to write in the commit */
	size_t nfiles;
} crm_txn;

/* Open the repository and take the book lock. */
int crm_txn_begin(crm_txn **out, crm_book *b, const char *what);
/* Fill t->entries with every record of the book (once; after the lock, so
 * that a record another crm just added is seen). */
int crm_txn_scan(crm_txn *t);
void crm_txn_free(crm_txn *t);

/* Resolve `who` (crm_record_resolve) and read its record, owned by t. An
 * exact id whose file is where a new record with that id would go is read
 * without scanning the book (a big book has thousands of files). */
int crm_txn_open(crm_txn *t, const char *who, crm_record **out);
/* Take a record already read from one of t->entries (crm_record_load) into
 * the transaction: t owns it from now on and commits it when it changed. */
void crm_txn_keep(crm_txn *t, crm_record *r);
/* Add a new record (t takes ownership). CRM_EFAIL if its id is taken. */
int crm_txn_add(crm_txn *t, crm_record *r);

/*
 * Write the book file `path` (relative: "crm.yaml") with `len` bytes of
 * `data` in the same commit as the records, atomically, and put it back if
 * the commit fails. Not a record: crm_record_check does not see it, so the
 * caller validates it. CRM_EFAIL for a symlink; CRM_EIO when it cannot be read.
 */
int crm_txn_put(crm_txn *t, const char *path, const char *data, size_t len);

/*
 * Check every changed record (crm_record_check); when one has errors,
 * refuse with CRM_EINVALID and leave them in t->diags. Otherwise commit
 * them in one commit with `message`, authored by `author` (a team member;
 * NULL = "me"): the new bytes go to temporary files, the commit is made
 * from those, and only then is each renamed over its record. A commit that
 * fails leaves every record as it was (removing the temporaries needs no
 * disk space). Returns 0, 1 when nothing changed (no commit), or a
 * negative error.
 *
 * Once the branch has moved the change is saved, and the return is 0 even
 * when a later step fails: a rename over the record, or git's index (held
 * by another git's index.lock past CRM_LOCK_TIMEOUT, default 5 s; a full
 * disk). Then a warning (crm_warning_add) says what is left and how to
 * finish it, and the next crm command finishes it (crm_txn_recover). Not an
 * error, because the commit is there: a user or script that retried on a
 * non-zero exit would log the same follow-up twice.
 */
int crm_txn_commit(crm_txn *t, const crm_member *author, const char *message);

/*
 * Finish what a commit killed or failed half-way left behind (see
 * crm_txn_commit): put in place records whose new version the last commit
 * has but the working tree does not, remove temporaries of commits that did
 * not happen, and set git's index entries to HEAD's where a commit could
 * not (only where the working tree equals HEAD). Cheap when there is
 * nothing to do (two stat calls). Takes the book lock if it is free; when
 * another crm holds it, that one is at work and this does nothing. Returns
 * 0 or an error saying what is left; readers may go on after warning.
 */
int crm_txn_recover(crm_book *b);

/*
 * Who "me" is: crm.user in .git/config (set by `crm setup --user`), else the
 * team member whose email or name matches git's user.email / user.name.
 * CRM_EFAIL with a hint to run `crm setup --user ID` when neither works.
 */
int crm_whoami(const crm_member **out, crm_book *b, struct crm_repo *repo);

#endif
