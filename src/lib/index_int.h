#ifndef CRM_INDEX_INT_H
#define CRM_INDEX_INT_H
/*
 * What the index's files share (index.h is the interface): the handle, and
 * the statements that write one record's rows. Only the index_*.c files and
 * index.c include this (and sqlite3.h).
 */
#include "crm/agenda.h"
#include "crm/index.h"
#include "crm/record.h"

#include <sqlite3.h>
#include <stdint.h>

struct crm_index {
	crm_book *book;
	sqlite3 *db;
	crm_index_stats stats;
	int err;      /* the SQLite error that stopped the last refresh */
	bool reading; /* a read transaction is open (from crm_index_open to _free) */
};

/* The statements that write and drop a record's rows, prepared once per refresh. */
enum {
	S_FILE_INS, S_FILE_UPD, S_FILE_DEL, S_FILE_UNRACY, S_DIAG, S_CUST, S_TAG, S_CONTACT, S_CHAIN, S_FUP,
	S_STAGE, S_DATE, S_SEARCH, S_AGENDA, S_N
};

#define CRM_IX_NDATA 10 /* tables with rows per record, besides ix_files */

/*
 * The rows of a record's lists (tags, contacts, decision chain, follow-ups,
 * stages, dates) are keyed by k = fid << 24 | position. A record is at most
 * CRM_DOC_MAX_BYTES (4 MiB) and a list item takes two bytes at least, so a
 * position stays below 1 << 24. CRM_IX_KEY_OF(F) is the SQL condition on k
 * for the rows of file F (an SQL expression).
 */
#define CRM_IX_KEY_OF(F) "k >= (" F ")<<24 AND k < ((" F ")+1)<<24"

typedef struct {
	sqlite3_stmt *s[S_N];
	sqlite3_stmt *del[CRM_IX_NDATA];
} crm_ix_stmts;

int crm_ix_stmts_prepare(sqlite3 *db, crm_ix_stmts *q);
void crm_ix_stmts_free(crm_ix_stmts *q);

/* Read, check and store one record file (new, fid 0, or changed). */
int crm_ix_index_file(crm_book *b, crm_ix_stmts *q, long long fid, bool is_new, const crm_entry *e,
		      const crm_fstat *fs, bool racy);

/*
 * The same in two steps, so that reading and parsing (crm_ix_load, which
 * touches no shared state and may run on another thread) overlaps the
 * checks and the SQL (crm_ix_store, on the database's thread).
 */
typedef struct {
	crm_record *r; /* NULL when it could not be read */
	crm_diags d;   /* what reading it said */
	int rc;
} crm_ix_loaded;

void crm_ix_load(const crm_book *b, const crm_entry *e, crm_ix_loaded *out);
/* Takes l->d; leaves the record in l->r, for the caller to free. */
int crm_ix_store(crm_book *b, crm_ix_stmts *q, long long fid, bool is_new, const crm_entry *e,
		 const crm_fstat *fs, bool racy, crm_ix_loaded *l);

/* FNV-1a, 64 bits, of n bytes, continuing from h (CRM_IX_FNV_BASIS to start):
 * folders' stat data, the fingerprint, and a racy row's bytes. */
#define CRM_IX_FNV_BASIS 1469598103934665603ULL
uint64_t crm_ix_fnv(const char *s, size_t n, uint64_t h);

/* Drop every row of file fid. */
int crm_ix_drop(crm_ix_stmts *q, long long fid);

/* Empty every table of rows (a rebuild). */
int crm_ix_clear(sqlite3 *db);

/*
 * The agenda's facts of one customer (ix_agenda.facts), as
 * index_rows.c packs them: the strings point into `blob`, valid while
 * it is. Returns false when the value is damaged.
 */
typedef struct {
	crm_agenda_facts f;
	crm_agenda_contact *cv; /* f.contacts, reused from one call to the next */
	crm_agenda_date *dv;    /* f.dates, likewise */
	size_t ccap, dcap;
} crm_ix_facts;

bool crm_ix_agenda_unpack(const void *blob, size_t len, crm_ix_facts *out);

/* Bind text, or NULL for NULL. */
void crm_ix_bind_str(sqlite3_stmt *st, int col, const char *s);

/* Open a database with crm's settings (busy timeout); NULL on failure. */
sqlite3 *crm_ix_open_db(const char *file, int flags);

#endif
