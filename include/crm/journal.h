#ifndef CRM_JOURNAL_H
#define CRM_JOURNAL_H
/*
 * The journal: what a transaction is about to write, kept in
 * .git/crm/journal from just before the first record file changes until the
 * commit is made. A crm killed in between (SIGKILL, power cut) leaves it
 * behind, and the next crm that takes the book lock finishes or undoes that
 * change with crm_journal_recover, so that HEAD, the index and the working
 * tree agree again and no half-done change is later committed by surprise
 * under another command's name.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/book.h"

struct crm_repo;

/* One file of a transaction. NULL `before` = the file did not exist. */
typedef struct {
	const char *path;   /* relative to the book */
	const char *before; /* the bytes the transaction read */
	size_t before_len;
	const char *after;  /* the bytes it will write and commit */
	size_t after_len;
} crm_journal_entry;

/* Write the journal for these files (atomically, synced). Call under the
 * book lock, before the first file is written. */
int crm_journal_write(const crm_book *b, const crm_journal_entry *v, size_t n);

/* Remove the journal: the change is committed, or was put back. */
int crm_journal_clear(const crm_book *b);

/*
 * Under the book lock: if a journal is there, a crm died in the middle of a
 * change. For each of its files: when HEAD holds the new bytes, the commit
 * was made and the file and its index entry are brought to it; otherwise
 * the file is put back to its old bytes. A file that is neither (edited by
 * hand since) is left as it is. Temporary files of those records are
 * removed, then the journal. Sets *recovered when there was one. 0 or a
 * negative error (the journal stays for the next attempt).
 */
int crm_journal_recover(crm_book *b, struct crm_repo *repo, bool *recovered);

#endif
