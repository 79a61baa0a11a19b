#ifndef CRM_HISTORY_H
#define CRM_HISTORY_H
/*
 * History: the book's git repository, through libgit2.
 *
 * A crm_repo is one open repository with a working tree. Every function
 * returns 0 on success or a negative CRM_E* code with a message (see
 * crm/error.h); a few return a positive value for a second kind of success,
 * said at the function. Nothing here prints or exits.
 *
 * Paths are relative to the top of the working tree and '/'-separated
 * ("customers/2024/05/202405001.yaml"). A path that is absolute, empty, has
 * an empty, "." or ".." component, or goes into ".git" is refused
 * (CRM_EINVALID): nothing in this layer reaches outside the book.
 *
 * Strings handed back through out-parameters are the caller's, freed with
 * free() or the *_free function named at the function; `const char *`
 * returns are borrowed from the crm_repo and live as long as it.
 */
#include <stddef.h>

struct git_repository;

typedef struct crm_repo crm_repo;

/*
 * Open the repository whose working tree is exactly `workdir`: no search
 * upward, so a folder inside some other repository is never taken for a book
 * (CRM_ENOTFOUND when `workdir` is not the top of a working tree; bare
 * repositories are refused). Initialises libgit2 for the life of the handle.
 * Free with crm_repo_free.
 */
int crm_repo_open(crm_repo **out, const char *workdir);

/*
 * `git init` a new non-bare repository at `workdir` (created when missing)
 * with HEAD on the unborn branch `main`, and return it open. CRM_EFAIL when a
 * repository is already there (it is left alone). Free with crm_repo_free.
 */
int crm_repo_init(crm_repo **out, const char *workdir);

/* Close the repository and release libgit2. Accepts NULL. */
void crm_repo_free(crm_repo *r);

/* The .git directory, absolute, ending in '/' (borrowed). */
const char *crm_repo_gitdir(const crm_repo *r);

/* The top of the working tree, absolute, ending in '/' (borrowed). */
const char *crm_repo_workdir(const crm_repo *r);

/*
 * The libgit2 repository underneath (borrowed), for layers that need more
 * than this header offers (sync, merge). Do not free it.
 */
struct git_repository *crm_repo_git(crm_repo *r);

/* What crm_repo_commit returns besides failure. */
enum {
	CRM_COMMIT_DONE = 0,        /* committed, index updated */
	CRM_COMMIT_NOTHING = 1,     /* the tree equals HEAD's: no commit made */
	CRM_COMMIT_INDEX_STALE = 2, /* committed, but the index could not be written */
};

/*
 * Commit exactly `paths` as they are now in the working tree, on top of
 * HEAD: a path whose file exists is added or updated (mode 100644, 100755
 * when executable, 120000 for a symlink), a missing one is removed (a file
 * only: never a folder of that name); a folder is refused (CRM_EINVALID).
 * Nothing else goes in the commit, whatever else is staged. Only the trees
 * along the changed paths are rewritten, so the cost does not grow with the
 * size of the book. Blobs are the files' bytes; when core.autocrlf or an
 * attributes file could ask for a filter (eol, text, ident, filter,
 * encoding), they go through git's filters instead, as `git add` would.
 *
 * Author and committer are `name` <`email`> (when either is NULL, git's
 * user.name/user.email; CRM_EUSAGE when those are unset too; CRM_EINVALID
 * for a name with '<' or '>'), dated now or by GIT_AUTHOR_DATE /
 * GIT_COMMITTER_DATE when set ("@1700000000 +0800", "1700000000 +0800" or
 * "2024-05-01T09:30:00+08:00"). The message is cleaned up as `git commit -m`
 * does; an empty one is CRM_EUSAGE.
 *
 * HEAD may be unborn (the first commit, on whatever branch HEAD names) or
 * detached. The branch moves by compare-and-swap: if another process
 * committed between our reading HEAD and moving it, the tree is rebuilt on
 * the new HEAD and tried again (up to 20 times, then CRM_ECONFLICT; a branch
 * whose .lock file stays is CRM_ELOCKED), so the other commit is never
 * dropped. Losing attempts leave unreferenced objects behind, as racing gits
 * do; `git gc` takes them.
 *
 * Returns CRM_COMMIT_DONE, or CRM_COMMIT_NOTHING when the new tree equals
 * HEAD's (no commit; an unborn HEAD and no files to add count as nothing).
 *
 * Afterwards the index entries of `paths` are set to what was committed,
 * as `git add` would (so `git status` is clean for them), other entries
 * untouched (crm_repo_index_repair). The index comes after the commit,
 * because the commit is what matters: when the index cannot be written
 * (another git holds index.lock for longer than CRM_LOCK_TIMEOUT seconds,
 * default 5; a full disk) the commit stands and the return is
 * CRM_COMMIT_INDEX_STALE with a message saying what to do. The paths stay
 * listed in .git/crm-index-pending until crm_repo_index_repair succeeds, so
 * the next crm command finishes the job. Callers that only test `rc < 0`
 * for failure treat it as success, which it is, but must show the message:
 * until the index is repaired, a plain `git commit` would undo the change.
 *
 * out_oid, when not NULL, receives the new commit's hex id (41 bytes with
 * the NUL); with CRM_COMMIT_NOTHING it receives HEAD's (or "" when unborn).
 */
int crm_repo_commit(crm_repo *r, const char *const *paths, size_t npaths, const char *name,
		    const char *email, const char *message, char *out_oid);

/*
 * crm_repo_commit with the new bytes of paths[i] read from the file
 * srcs[i] (absolute; a temporary beside the record) instead of the working
 * tree, which is not touched: the caller renames each src over its path
 * once the commit is made, then calls crm_repo_index_repair. Until then the
 * working tree holds the old files, so a failure needs no undoing beyond
 * removing the temporaries. Returns as crm_repo_commit, never
 * CRM_COMMIT_INDEX_STALE.
 */
int crm_repo_commit_from(crm_repo *r, const char *const *paths, const char *const *srcs,
			 size_t npaths, const char *name, const char *email, const char *message,
			 char *out_oid);

/*
 * Bring the index up to date for the paths a commit left listed in
 * .git/crm-index-pending: an entry is set to HEAD's blob (or removed) only
 * where the working-tree file equals HEAD's (or both are absent); entries
 * the user changed since are left to them. Waits up to CRM_LOCK_TIMEOUT
 * seconds (default 5) for a git holding index.lock when `wait`, else not
 * at all. 0 when done (or nothing was pending); else the list stays and the
 * error says why (CRM_ELOCKED for index.lock).
 */
int crm_repo_index_repair(crm_repo *r, int wait);

/*
 * *match = 1 when the file `file` (absolute) holds exactly what HEAD has at
 * `path` (as git would store it there), else 0.
 */
int crm_repo_head_matches(crm_repo *r, const char *path, const char *file, int *match);

/*
 * Who git says I am: user.name and user.email from the repository's config,
 * then the global one (~/.gitconfig, XDG) and the system one. Either is set
 * to NULL when unset. The caller frees both.
 */
int crm_repo_identity(crm_repo *r, char **name, char **email);

/*
 * Read a value from the repository's own .git/config only (per-clone settings
 * such as "crm.user"). *out is NULL when unset. The caller frees *out.
 */
int crm_repo_config_get(crm_repo *r, const char *key, char **out);

/* Write a value to the repository's own .git/config (replacing it). */
int crm_repo_config_set(crm_repo *r, const char *key, const char *value);

/* One changed file: its path and 'M' (modified), 'A' (new) or 'D' (deleted). */
typedef struct {
	char *path;
	char status;
} crm_change;

/*
 * Files whose working-tree state differs from HEAD under `prefix` (a folder
 * such as "customers/", or "" for everything), whatever the index says: a
 * file staged and then changed back is not listed. Untracked files count as
 * 'A' (ignored ones do not). Sorted by path. The caller frees the array with
 * crm_changes_free(*out, *n).
 */
int crm_repo_changes(crm_repo *r, const char *prefix, crm_change **out, size_t *n);
void crm_changes_free(crm_change *v, size_t n); /* accepts NULL */

/*
 * One commit in a history. `path` is where the file was in that commit (NULL
 * in crm_repo_log); `content` is the file's bytes there, NUL-terminated for
 * convenience (content_len excludes the NUL), or NULL when the commit deleted
 * it (and always in crm_repo_log). `time` is the author's, in epoch seconds,
 * with `offset` minutes east of UTC. Every pointer is owned by the array.
 */
typedef struct {
	char oid[41];
	char *author;
	char *email;
	long long time;
	int offset;
	char *summary; /* first paragraph of the message, on one line */
	char *content;
	size_t content_len;
	char *path;
} crm_version;

/*
 * The history of one file from HEAD, newest first: the commits that changed
 * it (its blob or mode differs from every parent's; in a root commit, being
 * there is a change), including the one that deleted it. Renames are
 * followed: where the file appears in a commit but not in its first parent,
 * a file removed in that commit with the same blob (preferably also the same
 * file name) or, failing that, the same file name is taken as its old path,
 * and the walk continues with it. `limit` caps the count (0 = all). An
 * unborn HEAD or a path that never existed gives 0 entries. The caller frees
 * the array with crm_versions_free(*out, *n).
 */
int crm_repo_file_history(crm_repo *r, const char *path, size_t limit, crm_version **out,
			  size_t *n);

/*
 * The book's commits from HEAD, newest first (topological, then by time),
 * at most `limit` (0 = all); content and path are NULL. Free as above.
 */
int crm_repo_log(crm_repo *r, size_t limit, crm_version **out, size_t *n);
void crm_versions_free(crm_version *v, size_t n); /* accepts NULL */

/*
 * The bytes of `path` at HEAD, NUL-terminated (len excludes the NUL); the
 * caller frees *out. CRM_ENOTFOUND when HEAD is unborn or has no such file.
 */
int crm_repo_read_head(crm_repo *r, const char *path, char **out, size_t *len);

/*
 * The folder git runs this repository's hooks from, absolute (caller
 * frees): core.hooksPath when set (a relative one is taken from the top of
 * the working tree, as git does), else .git/hooks. *outside is 1 when that
 * folder is neither inside the working tree nor inside the git directory,
 * i.e. possibly shared with other repositories.
 */
int crm_repo_hooks_dir(crm_repo *r, char **out, int *outside);

/*
 * Install the hook `name` ("pre-commit") with the text `script` where git
 * runs hooks (crm_repo_hooks_dir), mode 0755, written to a temporary file
 * and renamed. An identical hook is left as it is; a different one that is
 * there already is kept as `NAME.crm-saved` the first time (later installs
 * replace the hook without saving again). When core.hooksPath is outside
 * the book nothing is written: CRM_EFAIL saying so (0 when a hook there
 * already holds `script`).
 */
int crm_repo_install_hook(crm_repo *r, const char *name, const char *script);

/*
 * Append `lines` to the repository's info/exclude (in the common git
 * directory), unless they are there already: ignore rules for this clone
 * only, never committed.
 */
int crm_repo_add_exclude(crm_repo *r, const char *lines);

/*
 * Declare the merge driver `driver` in .git/config: merge.DRIVER.name =
 * `description`, merge.DRIVER.driver = `command` (a command line with git's
 * %O %A %B %P placeholders). .gitattributes says which files use it.
 */
int crm_repo_set_merge_driver(crm_repo *r, const char *driver, const char *description,
			      const char *command);


struct git_signature;
/*
 * A signature for name <email> dated now, or by the environment variable
 * `datevar` ("GIT_AUTHOR_DATE") when set, checked as crm_repo_commit checks
 * identities. Free with git_signature_free.
 */
int crm_repo_signature(struct git_signature **out, const char *name, const char *email,
		       const char *datevar);

/*
 * Write a commit object of the tree `tree` (hex) with `parents` (hex, in
 * order: a merge has two), authored and committed by name <email>, without
 * moving any reference. out_oid (41 bytes) receives its id.
 */
int crm_repo_commit_tree(crm_repo *r, const char *tree, const char *const *parents,
			 size_t nparents, const char *name, const char *email, const char *message,
			 char *out_oid);

/*
 * Move the branch HEAD names from `expect` to `oid` (hex), only if it still
 * points at `expect` (CRM_ECONFLICT otherwise: someone committed meanwhile).
 */
int crm_repo_move_head(crm_repo *r, const char *expect, const char *oid, const char *reflog);

#endif
