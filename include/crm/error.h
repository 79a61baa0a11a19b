#ifndef CRM_ERROR_H
#define CRM_ERROR_H
/*
 * Errors are values. A library function returns 0 on success or a negative
 * CRM_E* code, and leaves a message that the command layer reads once with
 * crm_error_last(). The library never prints and never exits.
 *
 * Problems found in a file (validation, parsing) are collected as
 * diagnostics instead, so that every problem in a file is reported at once.
 */
#include <stdarg.h>
#include <stddef.h>

enum {
	CRM_OK = 0,
	CRM_EFAIL = -1,     /* the work could not be done (exit 1) */
	CRM_EUSAGE = -2,    /* a wrong command line (exit 2) */
	CRM_ENOTFOUND = -3, /* no such customer, file or book (exit 1) */
	CRM_EINVALID = -4,  /* a record or value the schema refuses (exit 1) */
	CRM_ECONFLICT = -5, /* a merge conflict, or HEAD moved (exit 1) */
	CRM_ELOCKED = -6,   /* another crm holds the book lock (exit 1) */
	CRM_EIO = -7,       /* the operating system refused (exit 1) */
};

/* Set the message (printf-style) and return code, for `return crm_error_set(...)`. */
int crm_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same as crm_error_set with the text of errno appended after ": ". */
int crm_error_errno(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last message set, or "" when none; borrowed, valid until the next set. */
const char *crm_error_last(void);
/* The code passed with the last message, 0 when none. */
int crm_error_code(void);
void crm_error_clear(void);

/*
 * Warnings for the end of the command: things the library did that worked
 * but left something for the user to know or do (a commit made whose git
 * index could not be updated). The command layer prints them all once, after
 * the command (main.c), so no command can forget to.
 */
void crm_warning_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The warnings added so far, oldest first (borrowed; *n gets the count). */
const char *const *crm_warnings(size_t *n);
void crm_warnings_clear(void);

typedef enum { CRM_SEV_ERROR, CRM_SEV_WARNING } crm_severity;

/* One problem in one file: `path:line:col: severity: msg`. line/col 0 = unknown. */
typedef struct {
	char *path;
	int line, col;
	crm_severity sev;
	char *msg;
} crm_diag;

/* A growable list of diagnostics; zero-initialise, free with crm_diags_free. */
typedef struct {
	crm_diag *v;
	size_t n, cap;
} crm_diags;

void crm_diags_add(crm_diags *d, const char *path, int line, int col, crm_severity sev,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void crm_diags_vadd(crm_diags *d, const char *path, int line, int col, crm_severity sev,
		    const char *fmt, va_list ap);
/* Append copies of every diagnostic of src to dst. */
void crm_diags_extend(crm_diags *dst, const crm_diags *src);
/* How many have severity error. */
size_t crm_diags_errors(const crm_diags *d);
/* Order by path, line, column (stable). */
void crm_diags_sort(crm_diags *d);
void crm_diags_free(crm_diags *d);

#endif
