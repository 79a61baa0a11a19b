#ifndef CRM_CMD_H
#define CRM_CMD_H
/*
 * The command layer: one file per command (cmd_<name>.c), each defining a
 * `const crm_cmd cmd_<name>`; main.c holds the table. A command reads like a
 * story: parse its command line, call the library, print the result. Only
 * this layer prints, and it returns the exit code: 0 success, 1 the work
 * could not be done, 2 a wrong command line.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "crm/book.h"
#include "crm/date.h"
#include "crm/doc.h"
#include "crm/error.h"
#include "crm/json.h"
#include "crm/record.h"

/* What every command gets from the global options and the environment. */
typedef struct {
	const char *dir;  /* -C DIR, or NULL for the current folder */
	const char *lang; /* "zh" or "en" */
	bool color;       /* stdout is a terminal and NO_COLOR is unset */
	crm_date today;   /* CRM_TODAY or the local date */
	const char *argv0;
} crm_ctx;

typedef struct {
	const char *name;
	const char *usage;   /* after "crm NAME " */
	const char *summary; /* one line for `crm --help` */
	const char *help;    /* the options, one per line, for `crm NAME --help` */
	int (*exec)(crm_ctx *ctx, int argc, char **argv);
} crm_cmd;

/* The commands, one per cmd_<name>.c; main.c lists them. */
extern const crm_cmd cmd_init, cmd_setup, cmd_add, cmd_show, cmd_edit, cmd_set, cmd_tag,
	cmd_untag, cmd_contact, cmd_validate, cmd_status, cmd_commit, cmd_follow, cmd_stage,
	cmd_sql, cmd_import, cmd_export,
	cmd_agenda, cmd_log, cmd_list, cmd_find, cmd_merge_driver, cmd_handover, cmd_sync;
extern const crm_cmd cmd_report;

/* Print "crm: error: MSG" (the library's last message) and return the exit code for rc. */
int cmd_fail(int rc);
/* Print "crm: error: ..." and return 2, for command-line mistakes. */
int cmd_usage_error(const crm_cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "crm: error: ..." and return 1. */
int cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "crm: warning: ...". */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a note to stderr ("crm: ..."). */
void cmd_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Print one line to stdout (the newline is added): the message fmt makes,
 * made visible whole (crm_visible), since it often holds names from files.
 * Messages, warnings and notes above are made visible the same way.
 */
void cmd_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * getopt_long over argv with `opts`; unknown options and missing arguments
 * become a usage error (exit 2) naming the command. Returns the option
 * character, -1 at the end, or '?' after printing the error.
 */
int cmd_getopt(const crm_cmd *cmd, int argc, char **argv, const char *shortopts,
	       const struct option *opts);

/* Open the book for ctx (walking up from -C DIR or the current folder);
 * prints the error and returns the exit code when it fails, else 0. */
int cmd_open_book(crm_ctx *ctx, crm_book **out);

/* Parse a command-line date (YYYY-MM-DD, today, tomorrow, +3d, +2w): exit 2 on error. */
int cmd_parse_date(crm_ctx *ctx, const char *s, crm_date *out, const char *opt);

/*
 * Print diagnostics as `path:line:col: severity: message` to stderr, path
 * and message made visible (crm_visible_put) so none can forge a line.
 */
void cmd_print_diags(const crm_diags *d);

/* Append one diagnostic line as cmd_print_diags prints it (line <= 0: no position). */
void cmd_diag_line(crm_buf *b, const char *path, int line, int col, const char *sev,
		   const char *msg);

/* Write buf to stdout and check for write errors; returns 0 or 1. For data (JSON, CSV). */
int cmd_write_out(const char *s, size_t len);

/*
 * cmd_write_out for text meant for people: every control character but the
 * newline made visible (crm_visible_put), a last guard for whatever a
 * command did not make visible value by value.
 */
int cmd_write_text(const char *s, size_t len);

/* True when standard output is a terminal. */
bool cmd_stdout_tty(void);

/* Write a node as JSON: scalars by what they mean (numbers, booleans, null, strings). */
void cmd_json_node(crm_json *j, const crm_node *n);

struct crm_schema;
/* Apply one PATH=VALUE, PATH+=VALUE, PATH-=VALUE or PATH= (unset) to r,
 * typed by the schema (used by set and add). Returns 0 or a CRM_E code. */
int cmd_apply_assignment(crm_ctx *ctx, const struct crm_schema *s, crm_record *r, const char *arg);

/* Finish a JSON value: print it with a final newline; returns exit code. */
int cmd_print_json(crm_buf *b);

#endif
