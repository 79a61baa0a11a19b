#ifndef CRM_CHECK_H
#define CRM_CHECK_H
/*
 * Checking a whole book (crm validate): crm.yaml, the schema, every record
 * (or the ones named), and what no single file can tell: ids unique across
 * the book. Results of unchanged records come from the index (index.h),
 * so a second run over an unchanged book reads no record.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/book.h"
#include "crm/error.h"

struct crm_repo;

typedef struct {
	size_t records;  /* how many records were checked */
	size_t cached;   /* of which answered from the index */
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

#endif
