#ifndef CRM_RECMERGE_H
#define CRM_RECMERGE_H
/*
 * The record merge (SPEC §6): three versions of one customer record (base,
 * ours, theirs) merged field by field, as `crm merge-driver` (for git) and
 * `crm sync` need it.
 *
 * - Maps merge key by key: a value changed on one side takes that side; the
 *   same change on both sides is no conflict; different changes to one
 *   scalar are a conflict on that field alone; a key added on one side is
 *   added; removed on one side and unchanged on the other is removed.
 * - Lists merge by identity, never by position: `followups` by (date, by,
 *   summary), `stage_history` by (stage, date), both kept in date order
 *   (ties: base, ours, theirs); `contacts` and `needs.decision_chain` by
 *   name, their fields merged as maps; `dates` by (label, date); lists of
 *   scalars (`tags`, `person.interests`) as sets; other lists of maps as
 *   sets of whole items.
 * - The merged text is ours with theirs' changes applied as surgical edits
 *   (edit.h): comments, key order and formatting stay, and the diff against
 *   ours holds only theirs' changes. List items theirs added are copied as
 *   theirs wrote them (re-indented to ours); a key theirs added goes after
 *   the key it follows in theirs. When one side is byte for byte the base,
 *   the result is the other side, byte for byte.
 * - A conflict leaves git-style markers around the lines of that field
 *   only, ours' version first: `crm validate` then reports "unresolved
 *   merge conflict" there. Conflicts whose lines touch share one block.
 *   A follow-up whose date, by or summary both sides edited differently is
 *   two follow-ups to this merge (identity is those fields).
 * - A side that does not parse (broken YAML, markers already), or whose
 *   top level is not a mapping, falls back to git's line merge (merge.h):
 *   nothing is ever lost or silently rewritten.
 *
 * The merge needs no book, lock or schema: only the three texts.
 */
#include <stdbool.h>
#include <stddef.h>

/* One field changed differently on both sides. */
typedef struct {
	char *path;   /* field path (`name`, `contacts[1].phone`, `followups[3]`), with
		       * list indexes of ours (of theirs for an item ours lacks);
		       * "" for the whole record (deleted on one side) */
	char *ours;   /* ours' value as one line of flow YAML, NULL when ours removed it
		       * (for path "": "changed", or NULL when ours deleted the record) */
	char *theirs; /* theirs' value likewise, NULL when theirs removed it */
} crm_merge_conflict;

typedef struct {
	char *text;     /* the merged record (NUL-terminated); NULL when deleted */
	size_t len;
	bool deleted;   /* both sides agree the record is gone (one deleted it,
			 * the other left it unchanged) */
	bool line_merge; /* a side did not parse: git's line merge made `text` */
	crm_merge_conflict *conflicts; /* what the markers in `text` stand for */
	size_t nconflicts; /* 0 when clean; a line merge with conflicts has one
			    * entry with path "" and NULL values */
} crm_merge_result;

/* How the conflict markers look; zero-initialise for git's defaults. */
typedef struct {
	const char *path;         /* the record's path, for messages (may be NULL) */
	const char *ours_label;   /* after <<<<<<< (default "ours") */
	const char *theirs_label; /* after >>>>>>> (default "theirs") */
	int marker_size;          /* 0 for 7, as git's conflict-marker-size */
} crm_merge_opts;

/*
 * Merge `ours` and `theirs` (each `*_len` bytes, not NUL-terminated)
 * against `base`. Any side may be NULL for a record that does not exist
 * there: with base NULL the two sides were added independently (a two-way
 * merge); with ours or theirs NULL the record was deleted on that side,
 * which is clean (result deleted) when the other side left it as in base
 * and a conflict on path "" otherwise (then `text` is the side that kept
 * it). `opts` may be NULL. *out receives a result that the caller frees
 * with crm_merge_result_free. Returns 0 (conflicts are not an error: look
 * at nconflicts) or CRM_EFAIL with a message.
 */
int crm_record_merge(crm_merge_result **out, const char *base, size_t base_len,
		     const char *ours, size_t ours_len, const char *theirs, size_t theirs_len,
		     const crm_merge_opts *opts);

void crm_merge_result_free(crm_merge_result *r);

#endif
