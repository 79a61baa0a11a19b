#ifndef CRM_EDITOR_H
#define CRM_EDITOR_H
/*
 * Running the user's text editor on a file, as `crm edit` does: the command
 * comes from $VISUAL, else $EDITOR, else vi, and may carry arguments
 * (`code --wait`, `vim -c 'set ft=yaml'`). It is split into words the way a
 * shell splits simple quoting, but no shell ever runs: the file's path is
 * passed as one argument of its own, so no character in it (spaces, quotes,
 * `$`, `;`) is ever interpreted.
 */
#include <stddef.h>

/*
 * The editor command line: $VISUAL, else $EDITOR (an empty variable counts as
 * unset), else "vi". Borrowed from the environment or static.
 */
const char *crm_editor_command(void);

/*
 * Split `cmd` into words as a POSIX shell would for simple quoting, without
 * expanding anything: blanks (space, tab, newline) separate words; '...'
 * keeps everything literally; "..." keeps everything but a backslash before
 * one of " \ $ ` (which then stands for that character) and backslash-newline
 * (removed); outside quotes a backslash makes the next character literal.
 * `''` is an empty word. A word that starts, unquoted, with `~/` has the `~`
 * replaced by $HOME. *argv receives a NULL-terminated array of *argc words
 * that the caller frees with crm_argv_free. CRM_EUSAGE (with a message) for
 * an unterminated quote, a trailing backslash, or no words at all.
 */
int crm_argv_split(char ***argv, size_t *argc, const char *cmd);
void crm_argv_free(char **argv);

/*
 * Run the editor command `cmd` (split by crm_argv_split) with `file`
 * appended as its last argument: fork, execvp, wait. The editor shares this
 * process's terminal; while it runs, SIGINT and SIGQUIT are ignored here (as
 * system() does), so that an interrupt meant for the editor does not kill
 * the caller. Returns 0 when the editor exited with status 0; CRM_EFAIL when
 * it exited with another status or was killed (the message says which);
 * CRM_EIO when it could not be started (not found, not executable); CRM_EUSAGE
 * when `cmd` does not split.
 */
int crm_editor_run(const char *cmd, const char *file);

/*
 * Write `len` bytes to `path`, readable by its owner only (mode 0600, also
 * when the file existed with another mode), for private copies such as the
 * one `crm edit` hands to the editor. A symlink at `path` is refused.
 */
int crm_write_private(const char *path, const char *data, size_t len);

#endif
