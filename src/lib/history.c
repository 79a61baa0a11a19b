/*
 * History: the book's git repository through libgit2 (see crm/history.h).
 *
 * The commit path is the one that must be fast in a book of ten thousand
 * records: it never reads the index or the working tree beyond the paths it
 * is given, and rewrites only the trees on the way from the root to each of
 * them. The branch is moved by compare-and-swap, so a commit made by someone
 * else in between is never lost: we rebuild on top of it and try again.
 */
#include "crm/history.h"
#include "crm/book.h"
#include "crm/buf.h"
#include "crm/error.h"
#include "crm/ident.h"

#include <openssl/evp.h>
#include <git2.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct crm_repo {
	git_repository *git;
};

/* How many times a commit is rebuilt when the branch moved under it. */
#define COMMIT_ATTEMPTS 20

/* Internal: try_commit lost the race for the branch; build again. */
#define RETRY 100

/* Our code for a libgit2 one. */
static int map_git_code(int gitcode)
{
	switch (gitcode) {
	case GIT_ENOTFOUND:
	case GIT_EUNBORNBRANCH:
		return CRM_ENOTFOUND;
	case GIT_ELOCKED:
		return CRM_ELOCKED;
	case GIT_EMODIFIED:
		return CRM_ECONFLICT;
	case GIT_EINVALIDSPEC:
		return CRM_EINVALID;
	default:
		return CRM_EFAIL;
	}
}

/* libgit2's last message (borrowed). */
static const char *git_msg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "libgit2 error";
}

/* Set "WHAT: libgit2's message" and return the mapped code. */
static int git_fail(int gitcode, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int git_fail(int gitcode, const char *fmt, ...)
{
	crm_buf b = CRM_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	crm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	int code = map_git_code(gitcode);
	crm_error_set(code, "%s: %s", crm_buf_cstr(&b), git_msg());
	crm_buf_free(&b);
	return code;
}

/* A path this layer accepts: relative, '/'-separated, no "", ".", "..", ".git". */
static int check_path(const char *path)
{
	if (!path || !*path || path[0] == '/' || path[strlen(path) - 1] == '/')
		goto bad;
	for (const char *p = path; *p;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && !memcmp(p, "..", 2)) ||
		    (len == 4 && !strncasecmp(p, ".git", 4)))
			goto bad;
		if (!slash)
			break;
		p = slash + 1;
	}
	return 0;
bad:
	return crm_error_set(CRM_EINVALID, "refusing path '%s': not a plain path inside the book",
			     path ? path : "(null)");
}

/* ---- opening ---- */

static int wrap(crm_repo **out, git_repository *git)
{
	crm_repo *r = crm_xcalloc(1, sizeof *r);
	r->git = git;
	*out = r;
	return 0;
}

int crm_repo_open(crm_repo **out, const char *workdir)
{
	git_repository *git = NULL;
	char *want = NULL, *have = NULL;
	int rc;

	*out = NULL;
	if ((rc = git_libgit2_init()) < 0)
		return git_fail(rc, "cannot initialise libgit2");
	rc = git_repository_open_ext(&git, workdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == GIT_ENOTFOUND) {
		rc = crm_error_set(CRM_ENOTFOUND, "%s: not the top folder of a git repository",
				   workdir);
		goto done;
	}
	if (rc < 0) {
		rc = git_fail(rc, "%s", workdir);
		goto done;
	}
	if (git_repository_is_bare(git) || !git_repository_workdir(git)) {
		rc = crm_error_set(CRM_ENOTFOUND, "%s: a bare git repository has no working tree",
				   workdir);
		goto done;
	}
	/* NO_SEARCH already keeps us from climbing; this also refuses the .git
	 * folder itself and a core.worktree that points elsewhere. */
	want = realpath(workdir, NULL);
	have = realpath(git_repository_workdir(git), NULL);
	if (!want || !have || strcmp(want, have)) {
		rc = crm_error_set(CRM_ENOTFOUND, "%s: not the top of its repository's working tree",
				   workdir);
		goto done;
	}
	rc = wrap(out, git);
	git = NULL;
done:
	free(want);
	free(have);
	if (rc < 0) {
		git_repository_free(git);
		git_libgit2_shutdown();
	}
	return rc;
}

int crm_repo_init(crm_repo **out, const char *workdir)
{
	git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	git_repository *git = NULL;
	int rc;

	*out = NULL;
	if ((rc = git_libgit2_init()) < 0)
		return git_fail(rc, "cannot initialise libgit2");
	opts.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_MKDIR |
		     GIT_REPOSITORY_INIT_NO_REINIT;
	opts.initial_head = "main";
	rc = git_repository_init_ext(&git, workdir, &opts);
	if (rc == GIT_EEXISTS) {
		rc = crm_error_set(CRM_EFAIL, "%s: a git repository is already there", workdir);
		goto done;
	}
	if (rc < 0) {
		rc = git_fail(rc, "cannot create a git repository in %s", workdir);
		goto done;
	}
	rc = wrap(out, git);
	git = NULL;
done:
	if (rc < 0) {
		git_repository_free(git);
		git_libgit2_shutdown();
	}
	return rc;
}

void crm_repo_free(crm_repo *r)
{
	if (!r)
		return;
	git_repository_free(r->git);
	free(r);
	git_libgit2_shutdown();
}

const char *crm_repo_gitdir(const crm_repo *r)
{
	return git_repository_path(r->git);
}

const char *crm_repo_workdir(const crm_repo *r)
{
	return git_repository_workdir(r->git);
}

struct git_repository *crm_repo_git(crm_repo *r)
{
	return r->git;
}

/* ---- signatures ---- */

/* "+0800", "-05:30", "Z" → minutes east of UTC; 0 on success. */
static int parse_tz(const char *s, int *off)
{
	while (*s == ' ')
		s++;
	if (*s == 'Z' && !s[1]) {
		*off = 0;
		return 0;
	}
	if ((*s != '+' && *s != '-') || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]))
		return -1;
	int sign = *s == '-' ? -1 : 1;
	int hh = (s[1] - '0') * 10 + (s[2] - '0');
	const char *m = s + 3;
	if (*m == ':')
		m++;
	if (!isdigit((unsigned char)m[0]) || !isdigit((unsigned char)m[1]) || m[2])
		return -1;
	int mm = (m[0] - '0') * 10 + (m[1] - '0');
	if (hh > 14 || mm > 59)
		return -1;
	*off = sign * (hh * 60 + mm);
	return 0;
}

/*
 * The date forms git's GIT_AUTHOR_DATE takes that scripts and tests use:
 * "@SECONDS [TZ]", "SECONDS TZ", "YYYY-MM-DD[T ]HH:MM:SS[TZ]" (local time
 * without a zone).
 */
static int parse_git_date(const char *s, long long *t, int *off)
{
	const char *p = s + (*s == '@');
	if (isdigit((unsigned char)*p) && (*s == '@' || strchr(p, ' '))) {
		char *end;
		errno = 0;
		long long v = strtoll(p, &end, 10);
		if (errno || (*end && *end != ' '))
			return -1;
		*t = v;
		*off = 0;
		return *end ? parse_tz(end, off) : 0;
	}
	struct tm tm = {0};
	int n = 0;
	char sep;
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &sep,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 7 ||
	    (sep != 'T' && sep != ' '))
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (!s[n]) {
		tm.tm_isdst = -1;
		time_t local = mktime(&tm);
		if (local == (time_t)-1)
			return -1;
		*t = local;
		*off = (int)(tm.tm_gmtoff / 60);
		return 0;
	}
	if (parse_tz(s + n, off) < 0)
		return -1;
	*t = (long long)timegm(&tm) - (long long)*off * 60;
	return 0;
}

/*
 * Refuse an identity that would write a malformed author header (a newline
 * forges header lines; git fsck rejects it). Checked here too, whatever
 * crm.yaml's validation let through, so no such commit is ever written.
 */
static int check_identity(const char *name, const char *email)
{
	const char *why = crm_ident_text_problem(name);
	if (why)
		return crm_error_set(CRM_EINVALID, "refusing to commit: the author's name %s; fix "
						   "the team member's name in crm.yaml (or git's "
						   "user.name)", why);
	if (*email && (why = crm_ident_text_problem(email)))
		return crm_error_set(CRM_EINVALID, "refusing to commit: the author's email %s; fix "
						   "the team member's email in crm.yaml (or git's "
						   "user.email)", why);
	return 0;
}

/* A signature for name/email dated now or by the environment variable `datevar`. */
static int make_signature(git_signature **out, const char *name, const char *email,
			  const char *datevar)
{
	const char *date = getenv(datevar);
	int rc = check_identity(name, email);
	if (rc < 0)
		return rc;
	if (date && *date) {
		long long t;
		int off;
		if (parse_git_date(date, &t, &off) < 0)
			return crm_error_set(CRM_EUSAGE, "%s: invalid date '%s'", datevar, date);
		rc = git_signature_new(out, name, email, (git_time_t)t, off);
	} else {
		rc = git_signature_now(out, name, email);
	}
	if (rc < 0)
		return crm_error_set(CRM_EINVALID, "invalid identity '%s <%s>': %s", name, email,
				     git_msg());
	return 0;
}

/* ---- config ---- */

/* A string from cfg, or NULL (rc 0) when unset. */
static int config_string(git_config *cfg, const char *key, char **out)
{
	git_buf buf = GIT_BUF_INIT;
	*out = NULL;
	int rc = git_config_get_string_buf(&buf, cfg, key);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return git_fail(rc, "cannot read config %s", key);
	*out = crm_xstrdup(buf.ptr);
	git_buf_dispose(&buf);
	return 0;
}

int crm_repo_identity(crm_repo *r, char **name, char **email)
{
	git_config *cfg = NULL;
	*name = *email = NULL;
	int rc = git_repository_config_snapshot(&cfg, r->git);
	if (rc < 0)
		return git_fail(rc, "cannot read git config");
	if ((rc = config_string(cfg, "user.name", name)) < 0 ||
	    (rc = config_string(cfg, "user.email", email)) < 0) {
		free(*name);
		*name = NULL;
	}
	git_config_free(cfg);
	return rc;
}

/* The repository's own config file (.git/config). */
static int local_config(git_config **out, crm_repo *r)
{
	git_config *all = NULL;
	int rc = git_repository_config(&all, r->git);
	if (rc == 0)
		rc = git_config_open_level(out, all, GIT_CONFIG_LEVEL_LOCAL);
	git_config_free(all);
	if (rc < 0)
		return git_fail(rc, "cannot open %sconfig", crm_repo_gitdir(r));
	return 0;
}

int crm_repo_config_get(crm_repo *r, const char *key, char **out)
{
	git_config *local = NULL;
	*out = NULL;
	int rc = local_config(&local, r);
	if (rc == 0)
		rc = config_string(local, key, out);
	git_config_free(local);
	return rc;
}

int crm_repo_config_set(crm_repo *r, const char *key, const char *value)
{
	git_config *local = NULL;
	int rc = local_config(&local, r);
	if (rc == 0 && (rc = git_config_set_string(local, key, value)) < 0)
		rc = git_fail(rc, "cannot set %s", key);
	git_config_free(local);
	return rc;
}

/* ---- commit ---- */

/* One path to commit, as the working tree has it. */
struct change {
	const char *path; /* borrowed from the caller */
	const char *src;  /* absolute file holding the new bytes; NULL: the working tree's */
	int present;      /* the file exists (else: remove it) */
	git_oid id;       /* its blob, when present */
	git_filemode_t mode;
	struct stat st;   /* taken before hashing, as git does, for the index */
};

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const struct change *)a)->path, ((const struct change *)b)->path);
}

/*
 * Could git's filters (end-of-line conversion, ident, clean filters,
 * working-tree encodings) change how files are stored? libgit2 answers that
 * through its attributes machinery, which loads the whole index first: a
 * megabyte per 10,000 files, read and checksummed for nothing in a book,
 * which has no filters. So we look for ourselves, conservatively: an
 * attributes file that so much as mentions one of these words, or
 * core.autocrlf, sends the commit through libgit2's filtered path instead.
 */
static const char *const FILTER_WORDS[] = {"text", "eol", "crlf", "filter", "ident", "encoding",
					   NULL};

static int attributes_mention_filters(const char *path)
{
	crm_buf b = CRM_BUF_INIT;
	struct stat st;
	int hit = 0;
	if (stat(path, &st) < 0)
		return 0;
	if (crm_buf_read_file(&b, path) < 0)
		return 1; /* unreadable: assume the worst */
	for (int i = 0; FILTER_WORDS[i] && !hit; i++)
		hit = b.len && memmem(b.ptr, b.len, FILTER_WORDS[i], strlen(FILTER_WORDS[i])) != NULL;
	crm_buf_free(&b);
	return hit;
}

/* The part that does not depend on the path: config and the attributes
 * files outside the working tree. */
static int repo_may_filter(git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	char *autocrlf = NULL, *file = NULL;
	int hit = 1;

	if (git_repository_config_snapshot(&cfg, repo) < 0 ||
	    config_string(cfg, "core.autocrlf", &autocrlf) < 0)
		goto done;
	if (autocrlf && strcasecmp(autocrlf, "false") && strcasecmp(autocrlf, "no") &&
	    strcasecmp(autocrlf, "off") && strcmp(autocrlf, "0"))
		goto done;
	if (git_config_get_path(&buf, cfg, "core.attributesFile") == 0) {
		file = crm_xstrdup(buf.ptr);
	} else {
		const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
		if (xdg && *xdg)
			file = crm_xasprintf("%s/git/attributes", xdg);
		else if (home)
			file = crm_xasprintf("%s/.config/git/attributes", home);
	}
	if (file && attributes_mention_filters(file))
		goto done;
	free(file);
	file = crm_xasprintf("%sinfo/attributes", git_repository_path(repo));
	if (attributes_mention_filters(file) || attributes_mention_filters("/etc/gitattributes"))
		goto done;
	hit = 0;
done:
	git_error_clear();
	git_buf_dispose(&buf);
	git_config_free(cfg);
	free(autocrlf);
	free(file);
	return hit;
}

/* The .gitattributes files of the working tree on the way to `path`. */
static int path_may_filter(git_repository *repo, const char *path)
{
	const char *wd = git_repository_workdir(repo);
	int hit = 0;
	for (const char *s = path; !hit; s++) {
		const char *slash = strchr(s, '/');
		char *attrs = crm_xasprintf("%s%.*s.gitattributes", wd, (int)(s - path), path);
		hit = attributes_mention_filters(attrs);
		free(attrs);
		if (!slash)
			break;
		s = slash;
	}
	return hit;
}

/*
 * Look at `c->path` in the working tree and store its blob: its bytes as
 * they are, or through git's filters when `filtered` (as `git add` would).
 */
static int read_workdir(git_repository *repo, struct change *c, int filtered)
{
	char *full = c->src ? crm_xstrdup(c->src)
			    : crm_xasprintf("%s%s", git_repository_workdir(repo), c->path);
	crm_buf bytes = CRM_BUF_INIT;
	git_filter_list *fl = NULL;
	git_buf clean = GIT_BUF_INIT;
	struct stat st;
	int rc = 0;

	if (lstat(full, &st) < 0) {
		if (!c->src && (errno == ENOENT || errno == ENOTDIR))
			c->present = 0;
		else
			rc = crm_error_errno(CRM_EIO, "%s", full);
		goto done;
	}
	if (S_ISLNK(st.st_mode))
		c->mode = GIT_FILEMODE_LINK;
	else if (S_ISREG(st.st_mode))
		c->mode = (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
	else {
		rc = crm_error_set(CRM_EINVALID, "%s: not a regular file", c->path);
		goto done;
	}
	if (filtered && !S_ISLNK(st.st_mode) && !c->src) {
		rc = git_blob_create_from_workdir(&c->id, repo, c->path);
	} else if (filtered && !S_ISLNK(st.st_mode)) {
		/* another file's bytes, filtered as the path they are for */
		if ((rc = crm_buf_read_file(&bytes, full)) < 0)
			goto done;
		rc = git_filter_list_load(&fl, repo, NULL, c->path, GIT_FILTER_TO_ODB,
					  GIT_FILTER_DEFAULT);
		if (rc == 0 && fl)
			rc = git_filter_list_apply_to_buffer(&clean, fl, bytes.ptr ? bytes.ptr : "",
							     bytes.len);
		if (rc == 0)
			rc = fl ? git_blob_create_from_buffer(&c->id, repo, clean.ptr, clean.size)
				: git_blob_create_from_buffer(&c->id, repo,
							      bytes.ptr ? bytes.ptr : "", bytes.len);
	} else {
		if (S_ISLNK(st.st_mode)) { /* a link's blob is where it points */
			crm_buf_grow(&bytes, (size_t)st.st_size + 1);
			ssize_t n = readlink(full, bytes.ptr, (size_t)st.st_size + 1);
			if (n < 0 || n > st.st_size) {
				rc = crm_error_errno(CRM_EIO, "%s", full);
				goto done;
			}
			bytes.len = (size_t)n;
		} else if ((rc = crm_buf_read_file(&bytes, full)) < 0) {
			goto done;
		}
		rc = git_blob_create_from_buffer(&c->id, repo, bytes.ptr ? bytes.ptr : "",
						 bytes.len);
	}
	if (rc < 0) {
		rc = git_fail(rc, "cannot store %s", c->path);
		goto done;
	}
	c->present = 1;
	c->st = st;
done:
	git_filter_list_free(fl);
	git_buf_dispose(&clean);
	crm_buf_free(&bytes);
	free(full);
	return rc;
}

/*
 * Write the tree of one folder: `base` is its tree at HEAD (NULL when it has
 * none), v[0..n) the changes below it, sorted, all starting with the folder's
 * path, which is `off` bytes long (0 for the root). Subfolders with changes
 * are rebuilt the same way; every other entry is kept as it is. *empty says
 * the result has no entries: git keeps no empty folders, so the caller drops
 * it (only the root is written empty).
 */
static int write_tree(git_oid *out, int *empty, git_repository *repo, const git_tree *base,
		      const struct change *v, size_t n, size_t off)
{
	git_treebuilder *bld = NULL;
	git_tree *sub = NULL;
	char *name = NULL;
	int rc = git_treebuilder_new(&bld, repo, base);
	if (rc < 0) {
		rc = git_fail(rc, "cannot build a tree");
		goto done;
	}
	for (size_t i = 0; i < n;) {
		const char *rest = v[i].path + off;
		const char *slash = strchr(rest, '/');
		if (!slash) {
			const git_tree_entry *e = git_treebuilder_get(bld, rest);
			if (v[i].present)
				rc = git_treebuilder_insert(NULL, bld, rest, &v[i].id, v[i].mode);
			else if (e && git_tree_entry_type(e) != GIT_OBJECT_TREE)
				rc = git_treebuilder_remove(bld, rest); /* a file, never a folder */
			if (rc < 0) {
				rc = git_fail(rc, "cannot put %s in its tree", v[i].path);
				goto done;
			}
			i++;
			continue;
		}
		/* The run of changes under the same subfolder (sorted: adjacent). */
		size_t len = (size_t)(slash - rest), j = i + 1;
		while (j < n && !strncmp(v[j].path + off, rest, len + 1))
			j++;
		name = crm_xstrndup(rest, len);
		const git_tree_entry *e = git_treebuilder_get(bld, name);
		int was_tree = e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
		if (was_tree && (rc = git_tree_lookup(&sub, repo, git_tree_entry_id(e))) < 0) {
			rc = git_fail(rc, "cannot read tree %.*s", (int)(off + len), v[i].path);
			goto done;
		}
		git_oid id;
		int sub_empty;
		if ((rc = write_tree(&id, &sub_empty, repo, sub, v + i, j - i, off + len + 1)) < 0)
			goto done;
		git_tree_free(sub);
		sub = NULL;
		if (!sub_empty)
			rc = git_treebuilder_insert(NULL, bld, name, &id, GIT_FILEMODE_TREE);
		else if (was_tree)
			rc = git_treebuilder_remove(bld, name);
		if (rc < 0) {
			rc = git_fail(rc, "cannot put folder %s in its tree", name);
			goto done;
		}
		free(name);
		name = NULL;
		i = j;
	}
	*empty = git_treebuilder_entrycount(bld) == 0;
	if ((!*empty || off == 0) && (rc = git_treebuilder_write(out, bld)) < 0)
		rc = git_fail(rc, "cannot write a tree");
done:
	free(name);
	git_tree_free(sub);
	git_treebuilder_free(bld);
	return rc;
}

/*
 * Where HEAD leads: the name of the ref a commit moves (the branch, or
 * "HEAD" itself when detached) and its tip; *unborn when the branch has no
 * commit yet.
 */
static int head_target(git_repository *repo, char **refname, git_oid *tip, int *unborn)
{
	git_reference *ref = NULL;
	char *name = crm_xstrdup("HEAD");
	int rc = 0;

	*unborn = 0;
	for (int depth = 0;; depth++) {
		git_reference_free(ref);
		ref = NULL;
		rc = git_reference_lookup(&ref, repo, name);
		if (rc == GIT_ENOTFOUND && depth > 0) {
			*unborn = 1;
			rc = 0;
			break;
		}
		if (rc < 0) {
			rc = git_fail(rc, "cannot read %s", name);
			break;
		}
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			git_oid_cpy(tip, git_reference_target(ref));
			break;
		}
		if (depth == 5) {
			rc = crm_error_set(CRM_EFAIL, "HEAD: symbolic references nested too deep");
			break;
		}
		free(name);
		name = crm_xstrdup(git_reference_symbolic_target(ref));
	}
	git_reference_free(ref);
	if (rc < 0)
		free(name);
	else
		*refname = name;
	return rc;
}

/*
 * One attempt: build the tree on the current HEAD, make the commit and move
 * the branch if it still points where we started. Returns 0 (committed,
 * *out set), CRM_COMMIT_NOTHING (*out = HEAD, *unborn_out when there is
 * none), RETRY when the branch moved or was locked, or an error.
 */
static int try_commit(git_repository *repo, const struct change *v, size_t n,
		      const git_signature *author, const git_signature *committer, const char *msg,
		      git_oid *out, int *unborn_out)
{
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_reference *moved = NULL;
	char *refname = NULL, *logmsg = NULL;
	git_oid tip, tree_id;
	int unborn, empty, rc;

	if ((rc = head_target(repo, &refname, &tip, &unborn)) < 0)
		goto done;
	*unborn_out = unborn;
	if (!unborn) {
		if ((rc = git_commit_lookup(&parent, repo, &tip)) < 0 ||
		    (rc = git_commit_tree(&base, parent)) < 0) {
			rc = git_fail(rc, "cannot read HEAD");
			goto done;
		}
	}
	if ((rc = write_tree(&tree_id, &empty, repo, base, v, n, 0)) < 0)
		goto done;
	if (unborn ? empty : git_oid_equal(&tree_id, git_tree_id(base))) {
		if (!unborn)
			git_oid_cpy(out, &tip);
		rc = CRM_COMMIT_NOTHING;
		goto done;
	}
	if ((rc = git_tree_lookup(&tree, repo, &tree_id)) < 0) {
		rc = git_fail(rc, "cannot read the new tree");
		goto done;
	}
	const git_commit *parents[1] = {parent};
	rc = git_commit_create(out, repo, NULL, author, committer, NULL, msg, tree, unborn ? 0 : 1,
			       parents);
	if (rc < 0) {
		rc = git_fail(rc, "cannot create the commit");
		goto done;
	}
	/* The reflog line git itself writes: "commit: SUBJECT". */
	logmsg = crm_xasprintf("commit%s: %.*s", unborn ? " (initial)" : "",
			       (int)strcspn(msg, "\n"), msg);
	if (unborn)
		rc = git_reference_create(&moved, repo, refname, out, 0, logmsg);
	else
		rc = git_reference_create_matching(&moved, repo, refname, out, 1, &tip, logmsg);
	if (rc < 0) {
		int lost = rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED;
		rc = git_fail(rc, "cannot move %s", refname);
		if (lost)
			rc = RETRY; /* the message stays, for when we give up */
	}
done:
	git_reference_free(moved);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	free(refname);
	free(logmsg);
	return rc;
}

/* Sleep `ms` milliseconds. */
static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- the index, patched in place ---- */

/*
 * libgit2 reads and writes the whole index through a collision-detecting
 * SHA-1: about 20 ms for 10,000 files, more than all the rest of a commit
 * together. What a commit needs is `git add` of a few paths, so we do that
 * on the bytes of the common index (versions 2 and 3), as git does: take
 * index.lock, read, replace our entries, mark the cached trees above them
 * invalid, drop the optional caches that would go stale (untracked cache,
 * fsmonitor, offset tables), write, rename. Anything unusual (version 4, a
 * split or sparse index, a file where the index has a folder, a bad
 * checksum) is left to libgit2 instead: INDEX_FALLBACK.
 */
#define INDEX_FALLBACK 1

/* The index checksum, by OpenSSL: it uses the CPU's SHA instructions. */
static void sha1(unsigned char out[20], const unsigned char *data, size_t len)
{
	unsigned int n = 20;
	if (!EVP_Digest(data, len, out, &n, EVP_sha1(), NULL))
		memset(out, 0, 20); /* no match: the caller falls back to libgit2 */
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(crm_buf *b, uint32_t v)
{
	unsigned char q[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};
	crm_buf_put(b, q, 4);
}

/* git's order of index names: bytes, then the shorter first. */
static int name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}

/* Is `path` inside the folder `dir`? */
static int is_inside(const char *path, size_t plen, const char *dir, size_t dlen)
{
	return plen > dlen && path[dlen] == '/' && !memcmp(path, dir, dlen);
}

/* The index entry (version 2 layout) for a file we committed. */
static void put_entry(crm_buf *out, const struct change *c)
{
	const struct stat *st = &c->st;
	size_t len = strlen(c->path);
	uint32_t f[10] = {(uint32_t)st->st_ctim.tv_sec, (uint32_t)st->st_ctim.tv_nsec,
			  (uint32_t)st->st_mtim.tv_sec, (uint32_t)st->st_mtim.tv_nsec,
			  (uint32_t)st->st_dev,		(uint32_t)st->st_ino,
			  (uint32_t)c->mode,		(uint32_t)st->st_uid,
			  (uint32_t)st->st_gid,		(uint32_t)st->st_size};
	for (int i = 0; i < 10; i++)
		put_be32(out, f[i]);
	crm_buf_put(out, c->id.id, GIT_OID_RAWSZ);
	unsigned flags = len < 0xFFF ? (unsigned)len : 0xFFFu;
	crm_buf_putc(out, (char)(flags >> 8));
	crm_buf_putc(out, (char)(flags & 0xFF));
	crm_buf_put(out, c->path, len);
	crm_buf_put(out, "\0\0\0\0\0\0\0\0", 8 - (62 + len) % 8); /* 1 to 8 NULs */
}

/*
 * Copy one node of the TREE extension (the cached tree ids) and its
 * subtrees from *p, as git's cache_tree_invalidate_path does for each
 * changed path: a folder that holds one is marked invalid ("-1", no id).
 * `dir` is the node's folder with a trailing '/' ("" for the root).
 */
static int tree_node(crm_buf *out, const unsigned char **p, const unsigned char *end,
		     crm_buf *dir, const struct change *v, size_t n, int depth)
{
	const unsigned char *s = *p, *nul, *nl;
	char counts[48];
	long count, subs;
	size_t keep = dir->len;
	int rc = 0;

	if (depth > 4096 || !(nul = memchr(s, '\0', (size_t)(end - s))) ||
	    !(nl = memchr(nul + 1, '\n', (size_t)(end - nul - 1))) ||
	    (size_t)(nl - nul - 1) >= sizeof counts)
		return INDEX_FALLBACK;
	memcpy(counts, nul + 1, (size_t)(nl - nul - 1));
	counts[nl - nul - 1] = '\0';
	if (sscanf(counts, "%ld %ld", &count, &subs) != 2 || subs < 0)
		return INDEX_FALLBACK;
	const unsigned char *q = nl + 1;
	if (count >= 0 && end - q < GIT_OID_RAWSZ)
		return INDEX_FALLBACK;
	if (depth > 0) {
		crm_buf_put(dir, s, (size_t)(nul - s));
		crm_buf_putc(dir, '/');
	}
	int touched = 0;
	for (size_t i = 0; i < n && !touched; i++)
		touched = !strncmp(v[i].path, crm_buf_cstr(dir), dir->len);
	crm_buf_put(out, s, (size_t)(nul - s) + 1);
	if (count >= 0 && !touched) {
		crm_buf_put(out, nul + 1, (size_t)(q - nul - 1) + GIT_OID_RAWSZ);
	} else {
		crm_buf_printf(out, "-1 %ld\n", subs);
	}
	if (count >= 0)
		q += GIT_OID_RAWSZ;
	*p = q;
	for (long i = 0; i < subs && rc == 0; i++)
		rc = tree_node(out, p, end, dir, v, n, depth + 1);
	crm_buf_truncate(dir, keep);
	return rc;
}

/*
 * Build in `out` the index `in` (NULL when there is none yet) with the
 * entries of v[0..n) (sorted) set to what was committed. INDEX_FALLBACK
 * when the index is one we leave to libgit2.
 */
static int index_rebuild(crm_buf *out, const crm_buf *in, const struct change *v, size_t n)
{
	const unsigned char *buf = in ? (const unsigned char *)in->ptr : NULL;
	size_t len = in ? in->len : 0, off = 12, ci = 0;
	unsigned char sum[20];
	uint32_t version = 2, count = 0, written = 0;

	if (in) {
		if (len < 12 + 20 || memcmp(buf, "DIRC", 4))
			return INDEX_FALLBACK;
		version = get_be32(buf + 4);
		count = get_be32(buf + 8);
		if (version != 2 && version != 3)
			return INDEX_FALLBACK;
		sha1(sum, buf, len - 20);
		if (memcmp(sum, buf + len - 20, 20))
			return INDEX_FALLBACK;
		len -= 20; /* from here on, the body */
	}
	crm_buf_put(out, "DIRC", 4);
	put_be32(out, version);
	put_be32(out, 0); /* the count, filled in at the end */

	for (uint32_t k = 0; k < count; k++) {
		if (off + 62 > len)
			return INDEX_FALLBACK;
		const unsigned char *e = buf + off;
		unsigned flags = (unsigned)e[60] << 8 | e[61];
		size_t hdr = 62;
		if (flags & 0x4000) { /* extended flags */
			if (version < 3)
				return INDEX_FALLBACK;
			hdr = 64;
		}
		if (off + hdr >= len)
			return INDEX_FALLBACK;
		const char *name = (const char *)e + hdr;
		size_t room = len - off - hdr, nlen = flags & 0xFFF;
		if (nlen == 0xFFF)
			nlen = strnlen(name, room);
		if (nlen >= room || name[nlen] != '\0')
			return INDEX_FALLBACK;
		size_t size = (hdr + nlen + 8) & ~(size_t)7;
		if (off + size > len)
			return INDEX_FALLBACK;
		off += size;

		/* Ours that sort before this entry go in first. */
		while (ci < n && name_cmp(v[ci].path, strlen(v[ci].path), name, nlen) < 0) {
			if (v[ci].present) {
				put_entry(out, &v[ci]);
				written++;
			}
			ci++;
		}
		/* The old entry of a path of ours (every stage) goes. */
		if (ci < n && !name_cmp(v[ci].path, strlen(v[ci].path), name, nlen))
			continue;
		/* A file of ours where the index has a folder, or the reverse:
		 * git add replaces those entries; leave that to libgit2. */
		for (size_t i = 0; i < n; i++) {
			size_t plen = strlen(v[i].path);
			if (v[i].present && (is_inside(name, nlen, v[i].path, plen) ||
					     is_inside(v[i].path, plen, name, nlen)))
				return INDEX_FALLBACK;
		}
		crm_buf_put(out, e, size);
		written++;
	}
	for (; ci < n; ci++)
		if (v[ci].present) {
			put_entry(out, &v[ci]);
			written++;
		}

	/* Extensions: keep TREE (invalidated along our paths) and REUC; drop
	 * the optional caches ("A".."Z") that would be stale; a required one
	 * ("a".."z": split or sparse index) means libgit2's turn. */
	while (off < len) {
		if (len - off < 8 || get_be32(buf + off + 4) > len - off - 8)
			return INDEX_FALLBACK;
		const unsigned char *sig = buf + off, *data = sig + 8;
		uint32_t size = get_be32(sig + 4);
		if (!memcmp(sig, "TREE", 4)) {
			crm_buf tree = CRM_BUF_INIT, dir = CRM_BUF_INIT;
			const unsigned char *p = data;
			int rc = size ? tree_node(&tree, &p, data + size, &dir, v, n, 0) : 0;
			if (rc == 0 && p != data + size)
				rc = INDEX_FALLBACK;
			if (rc == 0) {
				crm_buf_put(out, "TREE", 4);
				put_be32(out, (uint32_t)tree.len);
				crm_buf_put(out, tree.ptr, tree.len);
			}
			crm_buf_free(&tree);
			crm_buf_free(&dir);
			if (rc)
				return rc;
		} else if (!memcmp(sig, "REUC", 4)) {
			crm_buf_put(out, sig, 8 + (size_t)size);
		} else if (sig[0] < 'A' || sig[0] > 'Z') {
			return INDEX_FALLBACK;
		}
		off += 8 + (size_t)size;
	}
	/* The count, then the checksum of it all. */
	unsigned char *hdr = (unsigned char *)out->ptr;
	hdr[8] = (unsigned char)(written >> 24);
	hdr[9] = (unsigned char)(written >> 16);
	hdr[10] = (unsigned char)(written >> 8);
	hdr[11] = (unsigned char)written;
	sha1(sum, (const unsigned char *)out->ptr, out->len);
	crm_buf_put(out, sum, 20);
	return 0;
}

/*
 * `git add`/`git rm --cached` of the changed paths, under index.lock:
 * 0, INDEX_FALLBACK (nothing done, lock released), or an error.
 */
static int index_patch(git_repository *repo, const struct change *v, size_t n, double wait)
{
	char *path = crm_xasprintf("%sindex", git_repository_path(repo));
	char *lock = crm_xasprintf("%s.lock", path);
	crm_buf in = CRM_BUF_INIT, out = CRM_BUF_INIT;
	struct stat st;
	size_t done_len = 0;
	int rc = 0, have = 1;

	/* git holds index.lock for milliseconds, but a `git commit` holds it
	 * while its editor is open: wait `wait` seconds before giving up. */
	int fd = -1;
	for (long waited = 0;; waited += 20) {
		fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST || waited >= wait * 1000)
			break;
		pause_ms(20);
	}
	int locked = fd >= 0;
	if (fd < 0) {
		rc = errno == EEXIST ? crm_error_set(CRM_ELOCKED, "%s exists: a git command is "
								  "running, or one crashed",
						     lock)
				     : crm_error_errno(CRM_EIO, "cannot lock %s", lock);
		goto done;
	}
	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			rc = crm_error_errno(CRM_EIO, "%s", path);
			goto done;
		}
		have = 0;
	}
	if (have && (rc = crm_buf_read_file(&in, path)) < 0)
		goto done;
	if ((rc = index_rebuild(&out, have ? &in : NULL, v, n)) != 0)
		goto done;
	while (done_len < out.len) {
		ssize_t w = write(fd, out.ptr + done_len, out.len - done_len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = crm_error_errno(CRM_EIO, "%s", lock);
			goto done;
		}
		done_len += (size_t)w;
	}
	int cr = close(fd);
	fd = -1;
	if (cr < 0 || rename(lock, path) < 0)
		rc = crm_error_errno(CRM_EIO, "%s", path);
done:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && locked)
		unlink(lock);
	crm_buf_free(&in);
	crm_buf_free(&out);
	free(path);
	free(lock);
	return rc;
}

/*
 * Set the index entries of the changed paths to what was committed. Returns
 * 0, or an error (the index stays as it was) with a message.
 */
static int update_index(git_repository *repo, const struct change *v, size_t n)
{
	git_index *idx = NULL;
	int rc = git_repository_index(&idx, repo);
	if (rc == 0)
		rc = git_index_read(idx, 0);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = v[i].present ? git_index_add_bypath(idx, v[i].path)
				  : git_index_remove_bypath(idx, v[i].path);
	if (rc == 0)
		rc = git_index_write(idx);
	if (rc < 0) {
		/* Forget what was changed in memory: the file is the truth. */
		if (idx)
			git_index_read(idx, 1);
		rc = git_fail(rc, "cannot update the index");
	}
	git_index_free(idx);
	return rc;
}


/*
 * The branch stayed locked through every attempt: name the lock file, say
 * what it is and how to remove it (libgit2's own message ends in "for
 * writing: " and gives no advice). Returns CRM_ELOCKED.
 */
static int explain_ref_lock(git_repository *repo)
{
	git_reference *head = NULL;
	char *lock = NULL;
	/* HEAD lives in this working tree's git dir, branches in the common one */
	if (git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		lock = crm_xasprintf("%s%s.lock", git_repository_commondir(repo),
				     git_reference_symbolic_target(head));
	else
		lock = crm_xasprintf("%sHEAD.lock", git_repository_path(repo));
	git_reference_free(head);
	struct stat st;
	int rc;
	if (lstat(lock, &st) == 0)
		rc = crm_error_set(CRM_ELOCKED,
				   "cannot move the branch: %s exists, a lock left by a git that "
				   "crashed or that is still running; if no git is running, remove it "
				   "(rm '%s') and try again; nothing was committed",
				   lock, lock);
	else
		rc = crm_error_set(CRM_ELOCKED, "cannot move the branch: another git kept it locked "
						"(%s); try again; nothing was committed", lock);
	free(lock);
	return rc;
}

/* ---- the index left to bring up to date ---- */

/*
 * .git/crm-index-pending lists, one a line, the paths whose index entries a
 * commit has still to set. It is written before the branch moves and
 * removed once the index is written, so a commit whose index update failed
 * (index.lock held, disk full) or that was killed half-way is finished by
 * the next crm command (crm_repo_index_repair), instead of a later plain
 * `git commit` taking the old staged version back into HEAD.
 */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *pending_file(git_repository *repo)
{
	return crm_xasprintf("%scrm-index-pending", git_repository_path(repo));
}

/* Add `paths` to the pending list (sorted, unique). */
static int pending_add(git_repository *repo, const char *const *paths, size_t n)
{
	char *file = pending_file(repo);
	crm_buf b = CRM_BUF_INIT, out = CRM_BUF_INIT;
	char **v = NULL;
	size_t nv = 0;
	int rc = crm_buf_read_file(&b, file);
	if (rc < 0 && rc != CRM_ENOTFOUND)
		goto done;
	for (char *s = b.ptr, *e; s && s < b.ptr + b.len; s = e + 1) {
		if (!(e = memchr(s, '\n', (size_t)(b.ptr + b.len - s))))
			break;
		v = crm_xrealloc(v, (nv + n + 1) * sizeof *v);
		v[nv++] = crm_xstrndup(s, (size_t)(e - s));
	}
	v = crm_xrealloc(v, (nv + n + 1) * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[nv++] = crm_xstrdup(paths[i]);
	qsort(v, nv, sizeof *v, cmp_str);
	for (size_t i = 0; i < nv; i++)
		if (*v[i] && (i == 0 || strcmp(v[i - 1], v[i])))
			crm_buf_printf(&out, "%s\n", v[i]);
	rc = crm_write_note(file, out.ptr ? out.ptr : "", out.len);
done:
	for (size_t i = 0; i < nv; i++)
		free(v[i]);
	free(v);
	crm_buf_free(&b);
	crm_buf_free(&out);
	free(file);
	return rc;
}

/* The blob of the file `file` as git would store it at `path`. */
static int hash_file(git_oid *out, git_repository *repo, const char *path, const char *file,
		     const struct stat *st)
{
	crm_buf bytes = CRM_BUF_INIT;
	int rc;
	if (S_ISLNK(st->st_mode)) {
		crm_buf_grow(&bytes, (size_t)st->st_size + 1);
		ssize_t n = readlink(file, bytes.ptr, (size_t)st->st_size + 1);
		if (n < 0 || n > st->st_size) {
			crm_buf_free(&bytes);
			return crm_error_errno(CRM_EIO, "%s", file);
		}
		bytes.len = (size_t)n;
	} else if (repo_may_filter(repo) || path_may_filter(repo, path)) {
		if ((rc = git_repository_hashfile(out, repo, file, GIT_OBJECT_BLOB, path)) < 0)
			return git_fail(rc, "cannot read %s", file);
		return 0;
	} else if ((rc = crm_buf_read_file(&bytes, file)) < 0) {
		crm_buf_free(&bytes);
		return rc;
	}
	rc = git_odb_hash(out, bytes.ptr ? bytes.ptr : "", bytes.len, GIT_OBJECT_BLOB);
	crm_buf_free(&bytes);
	return rc < 0 ? git_fail(rc, "cannot hash %s", file) : 0;
}

/*
 * What HEAD has at `path`: *found, its blob and mode. An unborn HEAD has
 * nothing.
 */
static int head_entry(git_repository *repo, const char *path, int *found, git_oid *id,
		      git_filemode_t *mode)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_oid head;
	git_commit *c = NULL;
	*found = 0;
	int rc = git_reference_name_to_id(&head, repo, "HEAD");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		return 0;
	if (rc < 0 || (rc = git_commit_lookup(&c, repo, &head)) < 0 ||
	    (rc = git_commit_tree(&tree, c)) < 0) {
		rc = git_fail(rc, "cannot read HEAD");
		goto done;
	}
	rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == GIT_ENOTFOUND) {
		rc = 0;
	} else if (rc < 0) {
		rc = git_fail(rc, "cannot read %s at HEAD", path);
	} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		*found = 1;
		git_oid_cpy(id, git_tree_entry_id(e));
		*mode = git_tree_entry_filemode(e);
	}
done:
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

int crm_repo_head_matches(crm_repo *r, const char *path, const char *file, int *match)
{
	git_oid head, id;
	git_filemode_t mode;
	struct stat st;
	int found, rc;
	*match = 0;
	if ((rc = check_path(path)) < 0 ||
	    (rc = head_entry(r->git, path, &found, &head, &mode)) < 0)
		return rc;
	if (lstat(file, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : crm_error_errno(CRM_EIO, "%s", file);
	if (!found)
		return 0;
	if ((rc = hash_file(&id, r->git, path, file, &st)) < 0)
		return rc;
	*match = git_oid_equal(&id, &head);
	return 0;
}

/* How long to wait for a git that holds index.lock: CRM_LOCK_TIMEOUT
 * seconds when it is a sane number, else 5. */
static double index_wait(void)
{
	const char *env = getenv("CRM_LOCK_TIMEOUT");
	char *end;
	double w = env && *env ? strtod(env, &end) : -1;
	if (!env || !*env || *end || !(w >= 0 && w <= 3600))
		return 5;
	return w;
}

int crm_repo_index_repair(crm_repo *r, int wait)
{
	git_repository *repo = r->git;
	char *file = pending_file(repo);
	crm_buf b = CRM_BUF_INIT;
	struct change *v = NULL;
	size_t n = 0;
	crm_buf names = CRM_BUF_INIT;
	int rc = crm_buf_read_file(&b, file);
	if (rc < 0) {
		if (rc == CRM_ENOTFOUND)
			rc = 0;
		goto done;
	}
	const char *wd = git_repository_workdir(repo);
	for (char *s = b.ptr, *e; s && s < b.ptr + b.len; s = e + 1) {
		if (!(e = memchr(s, '\n', (size_t)(b.ptr + b.len - s))))
			break;
		*e = '\0';
		if (!*s || check_path(s) < 0)
			continue;
		/* Only where the working tree holds what HEAD has: anything
		 * else is the user's change, and the index stays theirs. */
		struct change c = {.path = s};
		int found;
		git_filemode_t mode = GIT_FILEMODE_BLOB;
		git_oid head;
		char *full = crm_xasprintf("%s%s", wd, s);
		if ((rc = head_entry(repo, s, &found, &head, &mode)) < 0) {
			free(full);
			goto done;
		}
		if (lstat(full, &c.st) < 0) {
			c.present = 0;
			if (found) {
				free(full);
				continue;
			}
		} else {
			git_oid id;
			if (!found || hash_file(&id, repo, s, full, &c.st) < 0 ||
			    !git_oid_equal(&id, &head)) {
				free(full);
				continue;
			}
			c.present = 1;
			c.id = head;
			c.mode = mode;
		}
		free(full);
		v = crm_xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = c;
		crm_buf_printf(&names, "%s%s", names.len ? ", " : "", s);
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_change);
	rc = n ? index_patch(repo, v, n, wait ? index_wait() : 0) : 0;
	if (rc == INDEX_FALLBACK)
		rc = update_index(repo, v, n);
	if (rc < 0) {
		int locked = rc == CRM_ELOCKED;
		char *why = crm_xstrdup(crm_error_last());
		rc = crm_error_set(rc, "git's index is behind the last commit for %s (%s); %s"
				       "then run any crm command (such as 'crm status') to bring it up "
				       "to date; until then a plain 'git commit' would undo that change",
				   crm_buf_cstr(&names), why,
				   locked ? "if no git command is running, remove .git/index.lock, "
					  : "fix that, ");
		free(why);
	}
	if (rc == 0 && unlink(file) < 0 && errno != ENOENT)
		rc = crm_error_errno(CRM_EIO, "cannot remove %s", file);
done:
	crm_buf_free(&names);
	crm_buf_free(&b);
	free(v);
	free(file);
	return rc;
}

/* Does the branch that HEAD names point at `id` now? */
static int head_is(git_repository *repo, const git_oid *id)
{
	git_oid now;
	return git_reference_name_to_id(&now, repo, "HEAD") == 0 && git_oid_equal(&now, id);
}

static int commit_paths(crm_repo *r, const char *const *paths, const char *const *srcs,
			size_t npaths, const char *name, const char *email, const char *message,
			char *out_oid)
{
	git_repository *repo = r->git;
	git_signature *author = NULL, *committer = NULL;
	git_buf msg = GIT_BUF_INIT;
	struct change *v = NULL;
	char *cfg_name = NULL, *cfg_email = NULL, *pending = NULL;
	git_oid id;
	size_t n = 0;
	int rc, unborn = 0, had_pending = 1;

	if (out_oid)
		out_oid[0] = '\0';
	if ((rc = git_message_prettify(&msg, message ? message : "", 0, '#')) < 0) {
		rc = git_fail(rc, "cannot read the commit message");
		goto done;
	}
	if (msg.size == 0) {
		rc = crm_error_set(CRM_EUSAGE, "empty commit message");
		goto done;
	}
	if (!name || !email) {
		if ((rc = crm_repo_identity(r, &cfg_name, &cfg_email)) < 0)
			goto done;
		name = name ? name : cfg_name;
		email = email ? email : cfg_email;
		if (!name || !email) {
			rc = crm_error_set(CRM_EUSAGE, "who is committing? set git config user.name "
						       "and user.email");
			goto done;
		}
	}
	if ((rc = make_signature(&author, name, email, "GIT_AUTHOR_DATE")) < 0 ||
	    (rc = make_signature(&committer, name, email, "GIT_COMMITTER_DATE")) < 0)
		goto done;

	v = crm_xcalloc(npaths ? npaths : 1, sizeof *v);
	for (size_t i = 0; i < npaths; i++) {
		if ((rc = check_path(paths[i])) < 0)
			goto done;
		v[i].path = paths[i];
		v[i].src = srcs ? srcs[i] : NULL;
	}
	qsort(v, npaths, sizeof *v, cmp_change);
	for (size_t i = 0; i < npaths; i++) /* drop repeats */
		if (n == 0 || strcmp(v[n - 1].path, v[i].path))
			v[n++] = v[i];
	int repo_filters = n > 0 && repo_may_filter(repo);
	for (size_t i = 0; i < n; i++)
		if ((rc = read_workdir(repo, &v[i],
				       repo_filters || path_may_filter(repo, v[i].path))) < 0)
			goto done;
	/* Before the branch moves: whatever happens next, the next crm
	 * command knows which index entries may be behind. */
	pending = pending_file(repo);
	had_pending = access(pending, F_OK) == 0;
	if (n && (rc = pending_add(repo, paths, npaths)) < 0)
		goto done;
	memset(&id, 0, sizeof id);

	for (int attempt = 1;; attempt++) {
		rc = try_commit(repo, v, n, author, committer, msg.ptr, &id, &unborn);
		if (rc != RETRY)
			break;
		if (attempt == COMMIT_ATTEMPTS) {
			if (crm_error_code() == CRM_ELOCKED) /* e.g. a stale .lock file */
				rc = explain_ref_lock(repo);
			else
				rc = crm_error_set(CRM_ECONFLICT, "HEAD keeps moving: another process "
								  "is committing; try again");
			break;
		}
		/* Let the other writer finish; spread the retries of several. */
		pause_ms(attempt + (long)(getpid() % 5));
	}
	/* A ref update can fail after the ref file is in place (a later step
	 * of libgit2's): what counts is where the branch points. */
	if (rc < 0 && !git_oid_is_zero(&id) && head_is(repo, &id))
		rc = CRM_COMMIT_DONE;
	if (rc < 0) {
		if (!had_pending) /* nothing committed: nothing to catch up */
			unlink(pending);
		goto done;
	}
	if (out_oid && !(rc == CRM_COMMIT_NOTHING && unborn))
		git_oid_tostr(out_oid, GIT_OID_HEXSZ + 1, &id);
done:
	git_signature_free(author);
	git_signature_free(committer);
	git_buf_dispose(&msg);
	free(cfg_name);
	free(cfg_email);
	free(pending);
	free(v);
	return rc;
}

int crm_repo_commit_from(crm_repo *r, const char *const *paths, const char *const *srcs,
			 size_t npaths, const char *name, const char *email, const char *message,
			 char *out_oid)
{
	return commit_paths(r, paths, srcs, npaths, name, email, message, out_oid);
}

int crm_repo_commit(crm_repo *r, const char *const *paths, size_t npaths, const char *name,
		    const char *email, const char *message, char *out_oid)
{
	int rc = commit_paths(r, paths, NULL, npaths, name, email, message, out_oid);
	if (rc < 0)
		return rc;
	int irc = crm_repo_index_repair(r, 1);
	if (irc < 0 && rc == CRM_COMMIT_DONE) {
		char *why = crm_xstrdup(crm_error_last());
		crm_error_set(irc, "%s", why);
		free(why);
		rc = CRM_COMMIT_INDEX_STALE;
	}
	return rc;
}

/* ---- reading HEAD ---- */

/* HEAD's tree; CRM_ENOTFOUND when HEAD has no commit. */
static int head_tree(git_repository *repo, git_tree **out)
{
	git_oid id;
	git_commit *c = NULL;
	*out = NULL;
	int rc = git_reference_name_to_id(&id, repo, "HEAD");
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
		return crm_error_set(CRM_ENOTFOUND, "HEAD: no commit yet");
	if (rc < 0)
		return git_fail(rc, "cannot read HEAD");
	if ((rc = git_commit_lookup(&c, repo, &id)) < 0 || (rc = git_commit_tree(out, c)) < 0)
		rc = git_fail(rc, "cannot read the HEAD commit");
	git_commit_free(c);
	return rc;
}

int crm_repo_read_head(crm_repo *r, const char *path, char **out, size_t *len)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = check_path(path)) < 0 || (rc = head_tree(r->git, &tree)) < 0)
		goto done;
	rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == GIT_ENOTFOUND || (rc == 0 && git_tree_entry_type(e) != GIT_OBJECT_BLOB)) {
		rc = crm_error_set(CRM_ENOTFOUND, "%s: not a file in HEAD", path);
		goto done;
	}
	if (rc < 0 || (rc = git_blob_lookup(&blob, r->git, git_tree_entry_id(e))) < 0) {
		rc = git_fail(rc, "cannot read %s at HEAD", path);
		goto done;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*out = crm_xmalloc(*len + 1);
	memcpy(*out, git_blob_rawcontent(blob), *len);
	(*out)[*len] = '\0';
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return rc;
}

/* ---- changes ---- */

void crm_changes_free(crm_change *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/*
 * HEAD against the working tree for one status entry, which compares HEAD
 * to the index and the index to the working tree: 'M', 'A', 'D', or 0 when
 * the working file is what HEAD has.
 */
static int change_kind(git_repository *repo, const git_status_entry *s, char *kind)
{
	const git_diff_delta *hi = s->head_to_index, *iw = s->index_to_workdir;
	int in_head, in_wd;
	*kind = 0;
	if (s->status & GIT_STATUS_CONFLICTED) {
		*kind = 'M';
		return 0;
	}
	/* Without a delta the two sides are equal, so look through to the other. */
	if (hi)
		in_head = hi->status != GIT_DELTA_ADDED;
	else
		in_head = iw->status != GIT_DELTA_UNTRACKED && iw->status != GIT_DELTA_ADDED;
	if (iw)
		in_wd = iw->status != GIT_DELTA_DELETED;
	else
		in_wd = hi->status != GIT_DELTA_DELETED;

	if (in_head && in_wd) {
		if (!hi || !iw) { /* one step differs, the other is equal */
			*kind = 'M';
			return 0;
		}
		/* Staged and changed again: maybe back to what HEAD has. */
		git_oid wd = iw->new_file.id;
		if (!(iw->new_file.flags & GIT_DIFF_FLAG_VALID_ID)) {
			int rc = git_repository_hashfile(&wd, repo, iw->new_file.path,
							 GIT_OBJECT_BLOB, NULL);
			if (rc < 0)
				return git_fail(rc, "cannot read %s", iw->new_file.path);
		}
		if (!git_oid_equal(&wd, &hi->old_file.id) || iw->new_file.mode != hi->old_file.mode)
			*kind = 'M';
	} else if (in_wd) {
		*kind = 'A';
	} else if (in_head) {
		*kind = 'D';
	}
	return 0;
}

int crm_repo_changes(crm_repo *r, const char *prefix, crm_change **out, size_t *n)
{
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	git_status_list *list = NULL;
	crm_change *v = NULL;
	size_t count = 0;
	char *spec = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (!prefix)
		prefix = "";
	size_t plen = strlen(prefix);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		     GIT_STATUS_OPT_SORT_CASE_SENSITIVELY | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (plen) {
		/* A folder pathspec also limits the walk to that folder. */
		spec = crm_xstrndup(prefix, prefix[plen - 1] == '/' ? plen - 1 : plen);
		opts.pathspec.strings = &spec;
		opts.pathspec.count = 1;
	}
	if ((rc = git_status_list_new(&list, r->git, &opts)) < 0) {
		rc = git_fail(rc, "cannot compare the working tree with HEAD");
		goto done;
	}
	size_t total = git_status_list_entrycount(list);
	v = crm_xcalloc(total ? total : 1, sizeof *v);
	for (size_t i = 0; i < total; i++) {
		const git_status_entry *s = git_status_byindex(list, i);
		const git_diff_delta *d = s->index_to_workdir ? s->index_to_workdir
							      : s->head_to_index;
		if (!d || (s->status & GIT_STATUS_IGNORED))
			continue;
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
		if (strncmp(path, prefix, plen))
			continue;
		char kind;
		if ((rc = change_kind(r->git, s, &kind)) < 0)
			goto done;
		if (!kind)
			continue;
		v[count].path = crm_xstrdup(path);
		v[count].status = kind;
		count++;
	}
	*out = v;
	*n = count;
	v = NULL;
	rc = 0;
done:
	crm_changes_free(v, count);
	git_status_list_free(list);
	free(spec);
	return rc;
}

/* ---- history ---- */

void crm_versions_free(crm_version *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].author);
		free(v[i].email);
		free(v[i].summary);
		free(v[i].content);
		free(v[i].path);
	}
	free(v);
}

/* A growable list of versions. */
struct versions {
	crm_version *v;
	size_t n, cap;
};

/* Append the commit's facts (oid, author, time, summary); returns the entry. */
static crm_version *versions_add(struct versions *vs, git_commit *c)
{
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 16;
		vs->v = crm_xrealloc(vs->v, vs->cap * sizeof *vs->v);
	}
	crm_version *x = &vs->v[vs->n++];
	memset(x, 0, sizeof *x);
	git_oid_tostr(x->oid, sizeof x->oid, git_commit_id(c));
	const git_signature *a = git_commit_author(c);
	x->author = crm_xstrdup(a->name ? a->name : "");
	x->email = crm_xstrdup(a->email ? a->email : "");
	x->time = (long long)a->when.time;
	x->offset = a->when.offset;
	const char *summary = git_commit_summary(c);
	x->summary = crm_xstrdup(summary ? summary : "");
	return x;
}

/* A walk over HEAD's history, newest first; *out NULL when HEAD is unborn. */
static int walk_head(git_repository *repo, git_revwalk **out)
{
	git_revwalk *w = NULL;
	*out = NULL;
	int rc = git_repository_head_unborn(repo);
	if (rc == 1)
		return 0;
	if (rc < 0)
		return git_fail(rc, "cannot read HEAD");
	rc = git_revwalk_new(&w, repo);
	if (rc == 0)
		rc = git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (rc == 0)
		rc = git_revwalk_push_head(w);
	if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) {
		git_revwalk_free(w);
		return 0;
	}
	if (rc < 0) {
		git_revwalk_free(w);
		return git_fail(rc, "cannot walk the history");
	}
	*out = w;
	return 0;
}

int crm_repo_log(crm_repo *r, size_t limit, crm_version **out, size_t *n)
{
	struct versions vs = {0};
	git_revwalk *w = NULL;
	git_commit *c = NULL;
	git_oid id;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = walk_head(r->git, &w)) < 0 || !w)
		goto done;
	while ((limit == 0 || vs.n < limit) && (rc = git_revwalk_next(&id, w)) == 0) {
		if ((rc = git_commit_lookup(&c, r->git, &id)) < 0)
			break;
		versions_add(&vs, c);
		git_commit_free(c);
		c = NULL;
	}
	if (rc == GIT_ITEROVER)
		rc = 0;
	if (rc < 0)
		rc = git_fail(rc, "cannot read the history");
done:
	git_revwalk_free(w);
	if (rc < 0) {
		crm_versions_free(vs.v, vs.n);
		return rc;
	}
	*out = vs.v;
	*n = vs.n;
	return 0;
}

/* What a tree holds at a path: a file (blob or link) with its id and mode, or nothing. */
struct slot {
	int present;
	git_oid id;
	git_filemode_t mode;
};

static int slot_at(struct slot *s, const git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	memset(s, 0, sizeof *s);
	int rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (rc < 0)
		return git_fail(rc, "cannot read %s", path);
	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		s->present = 1;
		git_oid_cpy(&s->id, git_tree_entry_id(e));
		s->mode = git_tree_entry_filemode(e);
	}
	git_tree_entry_free(e);
	return 0;
}

static int slot_equal(const struct slot *a, const struct slot *b)
{
	if (a->present != b->present)
		return 0;
	return !a->present || (git_oid_equal(&a->id, &b->id) && a->mode == b->mode);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/*
 * The file's path before a commit that brought `path` (blob `id`) into being:
 * among the files the commit removed (relative to `old`), the one with the
 * same blob and name, else the same blob, else the same name. *out NULL when
 * none (the file is new); the caller frees it.
 */
static int find_rename(char **out, git_repository *repo, git_tree *old, git_tree *new,
		       const char *path, const git_oid *id)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_diff *diff = NULL;
	const char *best = NULL, *name = base_name(path);
	int best_score = 0;

	*out = NULL;
	int rc = git_diff_tree_to_tree(&diff, repo, old, new, &opts);
	if (rc < 0)
		return git_fail(rc, "cannot compare trees to follow %s", path);
	for (size_t i = 0, k = git_diff_num_deltas(diff); i < k; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status != GIT_DELTA_DELETED)
			continue;
		int score = 2 * git_oid_equal(&d->old_file.id, id) +
			    !strcmp(base_name(d->old_file.path), name);
		if (score > best_score) {
			best_score = score;
			best = d->old_file.path;
		}
	}
	if (best)
		*out = crm_xstrdup(best);
	git_diff_free(diff);
	return 0;
}

/* A copy of the blob's bytes, NUL-terminated, in x->content. */
static int fill_content(crm_version *x, git_repository *repo, const git_oid *id)
{
	git_blob *blob = NULL;
	int rc = git_blob_lookup(&blob, repo, id);
	if (rc < 0)
		return git_fail(rc, "cannot read %s at %s", x->path, x->oid);
	x->content_len = (size_t)git_blob_rawsize(blob);
	x->content = crm_xmalloc(x->content_len + 1);
	memcpy(x->content, git_blob_rawcontent(blob), x->content_len);
	x->content[x->content_len] = '\0';
	git_blob_free(blob);
	return 0;
}

int crm_repo_file_history(crm_repo *r, const char *path, size_t limit, crm_version **out,
			  size_t *n)
{
	git_repository *repo = r->git;
	struct versions vs = {0};
	git_revwalk *w = NULL;
	git_commit *c = NULL, *p = NULL;
	git_tree *tree = NULL, *first = NULL, *ptree = NULL;
	char *cur = NULL, *old = NULL;
	git_oid id;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = check_path(path)) < 0 || (rc = walk_head(repo, &w)) < 0 || !w)
		goto done;
	cur = crm_xstrdup(path);
	while ((limit == 0 || vs.n < limit) && (rc = git_revwalk_next(&id, w)) == 0) {
		struct slot here, there, in_first = {0};
		if ((rc = git_commit_lookup(&c, repo, &id)) < 0 ||
		    (rc = git_commit_tree(&tree, c)) < 0) {
			rc = git_fail(rc, "cannot read commit");
			goto done;
		}
		if ((rc = slot_at(&here, tree, cur)) < 0)
			goto done;
		/* Changed when it differs from every parent (a merge that took one
		 * side's version is not where the change was made). */
		unsigned np = git_commit_parentcount(c);
		int changed = here.present || np > 0;
		for (unsigned i = 0; i < np && changed; i++) {
			if ((rc = git_commit_parent(&p, c, i)) < 0 ||
			    (rc = git_commit_tree(&ptree, p)) < 0) {
				rc = git_fail(rc, "cannot read a parent of %s", git_oid_tostr_s(&id));
				goto done;
			}
			git_commit_free(p);
			p = NULL;
			if ((rc = slot_at(&there, ptree, cur)) < 0)
				goto done;
			if (slot_equal(&here, &there))
				changed = 0;
			if (i == 0) {
				in_first = there;
				first = ptree;
			} else {
				git_tree_free(ptree);
			}
			ptree = NULL;
		}
		if (changed) {
			crm_version *x = versions_add(&vs, c);
			x->path = crm_xstrdup(cur);
			if (here.present && (rc = fill_content(x, repo, &here.id)) < 0)
				goto done;
			/* New here: renamed from somewhere in the first parent? */
			if (here.present && np > 0 && !in_first.present) {
				if ((rc = find_rename(&old, repo, first, tree, cur, &here.id)) < 0)
					goto done;
				if (old) {
					free(cur);
					cur = old;
					old = NULL;
				}
			}
		}
		git_tree_free(first);
		git_tree_free(tree);
		git_commit_free(c);
		first = tree = NULL;
		c = NULL;
	}
	if (rc == GIT_ITEROVER)
		rc = 0;
	else if (rc < 0) /* only git_revwalk_next's own failure gets here */
		rc = git_fail(rc, "cannot read the history of %s", path);
done:
	free(cur);
	free(old);
	git_tree_free(ptree);
	git_tree_free(first);
	git_tree_free(tree);
	git_commit_free(p);
	git_commit_free(c);
	git_revwalk_free(w);
	if (rc < 0) {
		crm_versions_free(vs.v, vs.n);
		return rc;
	}
	*out = vs.v;
	*n = vs.n;
	return 0;
}

/* ---- hooks and the merge driver ---- */

/* Write `text` to path atomically (temporary file, fsync, rename), mode 0755. */
static int write_executable(const char *dir, const char *path, const char *text)
{
	char *tmp = crm_xasprintf("%s/.crm-hook-%ld.tmp", dir, (long)getpid());
	size_t len = strlen(text), done_len = 0;
	int rc = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0) {
		rc = crm_error_errno(CRM_EIO, "%s", tmp);
		goto done;
	}
	while (done_len < len) {
		ssize_t w = write(fd, text + done_len, len - done_len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = crm_error_errno(CRM_EIO, "%s", tmp);
			break;
		}
		done_len += (size_t)w;
	}
	if (rc == 0 && fchmod(fd, 0755) < 0) /* whatever the umask says */
		rc = crm_error_errno(CRM_EIO, "%s", tmp);
	if (rc == 0 && fsync(fd) < 0)
		rc = crm_error_errno(CRM_EIO, "%s", tmp);
	if (close(fd) < 0 && rc == 0)
		rc = crm_error_errno(CRM_EIO, "%s", tmp);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = crm_error_errno(CRM_EIO, "%s", path);
	if (rc < 0)
		unlink(tmp);
done:
	free(tmp);
	return rc;
}

/* Whether absolute `path` is `dir` or below it (both without a final '/'). */
static int path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* `path` made absolute and free of "." and ".." without touching the disk. */
static char *normalize(const char *base, const char *path)
{
	crm_buf in = CRM_BUF_INIT, out = CRM_BUF_INIT;
	if (path[0] != '/')
		crm_buf_printf(&in, "%s/", base);
	crm_buf_puts(&in, path);
	char *save = NULL;
	for (char *part = strtok_r(in.ptr, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, "."))
			continue;
		if (!strcmp(part, "..")) {
			char *slash = out.len ? strrchr(out.ptr, '/') : NULL;
			crm_buf_truncate(&out, slash ? (size_t)(slash - out.ptr) : 0);
			continue;
		}
		crm_buf_printf(&out, "/%s", part);
	}
	if (!out.len)
		crm_buf_puts(&out, "/");
	crm_buf_free(&in);
	return crm_buf_detach(&out);
}

int crm_repo_hooks_dir(crm_repo *r, char **out, int *outside)
{
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	*out = NULL;
	*outside = 0;
	int rc = git_repository_config_snapshot(&cfg, r->git);
	if (rc < 0)
		return git_fail(rc, "cannot read git config");
	rc = git_config_get_path(&buf, cfg, "core.hooksPath");
	git_config_free(cfg);
	if (rc == GIT_ENOTFOUND || (rc == 0 && buf.size == 0)) {
		git_buf_dispose(&buf);
		if ((rc = git_repository_item_path(&buf, r->git, GIT_REPOSITORY_ITEM_HOOKS)) < 0)
			return git_fail(rc, "cannot find the hooks folder");
		*out = normalize("/", buf.ptr);
		git_buf_dispose(&buf);
		return 0;
	}
	if (rc < 0)
		return git_fail(rc, "cannot read core.hooksPath");
	/* git runs hooks from the top of the working tree: relative means from there */
	char *real_wd = realpath(git_repository_workdir(r->git), NULL);
	char *real_cd = realpath(git_repository_commondir(r->git), NULL);
	char *dir = normalize(real_wd ? real_wd : git_repository_workdir(r->git), buf.ptr);
	char *real_dir = realpath(dir, NULL);
	const char *d = real_dir ? real_dir : dir;
	*outside = !(real_wd && path_under(d, real_wd)) && !(real_cd && path_under(d, real_cd));
	*out = crm_xstrdup(d);
	free(real_dir);
	free(dir);
	free(real_wd);
	free(real_cd);
	git_buf_dispose(&buf);
	return 0;
}

int crm_repo_add_exclude(crm_repo *r, const char *lines)
{
	git_buf info = GIT_BUF_INIT;
	crm_buf old = CRM_BUF_INIT;
	char *path = NULL;
	int rc = git_repository_item_path(&info, r->git, GIT_REPOSITORY_ITEM_INFO);
	if (rc < 0)
		return git_fail(rc, "cannot find the info folder");
	if (mkdir(info.ptr, 0777) < 0 && errno != EEXIST) {
		rc = crm_error_errno(CRM_EIO, "%s", info.ptr);
		goto done;
	}
	path = crm_xasprintf("%sexclude", info.ptr);
	if (crm_buf_read_file(&old, path) == 0 && strstr(crm_buf_cstr(&old), lines))
		goto done; /* there already */
	crm_error_clear();
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		rc = crm_error_errno(CRM_EIO, "%s", path);
		goto done;
	}
	crm_buf add = CRM_BUF_INIT;
	if (old.len && old.ptr[old.len - 1] != '\n')
		crm_buf_putc(&add, '\n');
	crm_buf_puts(&add, lines);
	if (write(fd, add.ptr, add.len) != (ssize_t)add.len || fsync(fd) < 0)
		rc = crm_error_errno(CRM_EIO, "%s", path);
	if (close(fd) < 0 && rc == 0)
		rc = crm_error_errno(CRM_EIO, "%s", path);
	crm_buf_free(&add);
done:
	git_buf_dispose(&info);
	crm_buf_free(&old);
	free(path);
	return rc;
}

int crm_repo_install_hook(crm_repo *r, const char *name, const char *script)
{
	crm_buf old = CRM_BUF_INIT;
	char *dir = NULL, *path = NULL, *saved = NULL;
	struct stat st;
	int rc, outside;

	if (!name || !*name || strspn(name, "abcdefghijklmnopqrstuvwxyz-") != strlen(name))
		return crm_error_set(CRM_EINVALID, "'%s' is not a git hook name",
				     name ? name : "(null)");
	if ((rc = crm_repo_hooks_dir(r, &dir, &outside)) < 0)
		return rc;
	path = crm_xasprintf("%s/%s", dir, name);
	if (outside) {
		/* hooks that other repositories share are not ours to replace */
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    crm_buf_read_file(&old, path) == 0 && strstr(crm_buf_cstr(&old), script))
			goto done; /* someone put ours there */
		crm_error_clear();
		rc = crm_error_set(CRM_EFAIL,
				   "git runs hooks from core.hooksPath %s, outside this book, and "
				   "ignores .git/hooks; crm does not change hooks there that other "
				   "repositories may share",
				   dir);
		goto done;
	}
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		rc = crm_error_errno(CRM_EIO, "%s", dir);
		goto done;
	}
	if (lstat(path, &st) == 0) {
		if (S_ISREG(st.st_mode) && crm_buf_read_file(&old, path) == 0 &&
		    old.len == strlen(script) && !memcmp(crm_buf_cstr(&old), script, old.len) &&
		    (st.st_mode & 0111) == 0111)
			goto done; /* already installed */
		saved = crm_xasprintf("%s.crm-saved", path);
		if (lstat(saved, &st) < 0 && rename(path, saved) < 0) {
			rc = crm_error_errno(CRM_EIO, "cannot keep the existing hook %s", path);
			goto done;
		}
	}
	rc = write_executable(dir, path, script);
done:
	free(dir);
	crm_buf_free(&old);
	free(path);
	free(saved);
	return rc;
}

int crm_repo_set_merge_driver(crm_repo *r, const char *driver, const char *description,
			      const char *command)
{
	char *k1 = crm_xasprintf("merge.%s.name", driver);
	char *k2 = crm_xasprintf("merge.%s.driver", driver);
	int rc = crm_repo_config_set(r, k1, description);
	if (rc == 0)
		rc = crm_repo_config_set(r, k2, command);
	free(k1);
	free(k2);
	return rc;
}

int crm_repo_signature(struct git_signature **out, const char *name, const char *email,
		       const char *datevar)
{
	return make_signature(out, name, email, datevar);
}
