#ifndef CRM_CHECK_H
#define CRM_CHECK_H
/*
 * Checking a whole book (crm validate): crm.yaml, the schema, every record
 * (or the ones named), and what no single file can tell: ids unique across
 * the book. Results of unchanged records come from a cache under .git/crm/,
 * keyed by each file's size, times and inode and by the schema and
 * crm.yaml, so a second run over an unchanged book reads no record.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/book.h"
#include "crm/error.h"

struct crm_repo;

typedef struct {
	size_t records;  /* how many records were checked */
	size_t cached;   /* of which answered from the cache */
} crm_check_stats;

/*
 * Check the records at `paths` (book-relative or absolute; all records when
 * n is 0) and append every problem to diags. Returns the number of errors.
 */
int crm_check_book(crm_book *b, const char *const *paths, size_t n, crm_diags *diags,
		   crm_check_stats *stats);

/*
 * Check what is staged in the git index for records (crm_repo_staged), as
 * the pre-commit hook does: the bytes git is about to commit, not the
 * working tree. Returns the number of errors; *nchecked the records seen.
 */
int crm_check_staged(crm_book *b, struct crm_repo *repo, crm_diags *diags, size_t *nchecked);

/*
 * The check cache read back, for what need not parse records: the name of a
 * customer (to look it up by name), whether it was valid. An answer is given
 * only for a record whose file is unchanged since it was checked, so a hand
 * edit is never missed; otherwise the caller reads the file.
 */
typedef struct crm_index crm_index;

/* Load the cache (empty when there is none, or it was made for another
 * schema or crm.yaml). Never fails; free with crm_index_free. */
crm_index *crm_index_load(crm_book *b);
/* Bring the cache up to date first (crm_check_book over the whole book:
 * it reads only the records changed since), then load it. */
crm_index *crm_index_refresh(crm_book *b);
/* For an unchanged record: its name (borrowed, "" when none) and its number
 * of errors. False when the cache cannot answer. Either out may be NULL. */
bool crm_index_get(crm_index *ix, const char *path, const char **name, size_t *errors);
void crm_index_free(crm_index *ix);

#endif
