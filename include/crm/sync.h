#ifndef CRM_SYNC_H
#define CRM_SYNC_H
/*
 * The merge half of `crm sync` (SPEC §5): HEAD and a fetched remote-tracking
 * branch merged in process, path by path from their merge base. A path
 * changed on one side takes that side; records changed on both go through
 * the record merge (recmerge.h), other files through git's line merge. A
 * record added on both sides under one id for different customers is ours
 * renumbered (ours is the one not yet pushed), in a commit of its own. Every
 * record the merge touched is validated: an invalid result is a conflict.
 *
 * A conflict changes nothing: no file, no reference, no merge state (only
 * unreferenced objects, as any git merge attempt leaves). A clean merge is
 * committed with two parents, HEAD moved (compare-and-swap), the changed
 * files written atomically and their index entries updated. The caller
 * holds the book lock. Fetching and pushing are the command's (it runs git).
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/book.h"
#include "crm/error.h"
#include "crm/history.h"

enum {
	CRM_SYNC_UPTODATE,    /* the remote has nothing we lack (or no such branch) */
	CRM_SYNC_FASTFORWARD, /* we had nothing the remote lacks: HEAD moved to it */
	CRM_SYNC_MERGED,      /* a merge commit with two parents */
	CRM_SYNC_CONFLICT,    /* nothing changed: see conflicts and invalid */
};

typedef struct {
	char *path;      /* the file (ours' path) */
	char *id;        /* record id (file name without .yaml), "" for other files */
	char *name;      /* the customer's name, NULL when unknown */
	char *field;     /* `stage`, `contacts[1].phone`; "" for the whole file */
	char *ours;      /* ours' value (one line of flow YAML); NULL removed or deleted */
	char *theirs;    /* theirs' value likewise */
	char *ours_by;   /* author of the last commit changing the file on each side */
	char *theirs_by;
} crm_sync_conflict;

typedef struct {
	char *from, *to;   /* old and new id */
	char *path;        /* the new path */
	char *name;        /* our customer's name */
	char *taken_by;    /* the name of theirs that holds the id */
	char commit[41];
} crm_sync_renumber;

typedef struct {
	int state;
	char **changed;    /* paths the sync changed in the working tree */
	size_t nchanged;
	size_t nmerged;    /* of these, files merged from both sides */
	crm_sync_renumber *renumbered;
	size_t nrenumbered;
	crm_sync_conflict *conflicts;
	size_t nconflicts;
	crm_diags invalid; /* merged records that do not validate (a conflict too) */
	char head[41];     /* HEAD afterwards */
} crm_sync_result;

typedef struct {
	const char *remote_ref; /* "refs/remotes/origin/main" */
	const char *remote;     /* "origin/main", for messages */
	const char *name, *email; /* who commits */
	char rest;              /* how to settle conflicts not named below: 'o', 't' or 0 */
	const char *const *ours_who;   /* records (id, id prefix or name fragment) settled ours */
	size_t nours;
	const char *const *theirs_who;
	size_t ntheirs;
} crm_sync_opts;

/* Merge as above. *out is always set when 0 is returned; free with crm_sync_result_free. */
int crm_sync_merge(crm_sync_result **out, crm_book *b, crm_repo *r, const crm_sync_opts *o);
void crm_sync_result_free(crm_sync_result *s);

/* Keep one side of each conflict block of `text` ('o' ours, 't' theirs). Caller frees. */
char *crm_sync_take_side(const char *text, size_t len, char side, size_t *out_len);

#endif
