#include "crm/book.h"
#include "crm/buf.h"
#include "crm/schema.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The git directory of the working tree at root: root/.git, or where a
 * ".git" file ("gitdir: PATH", as `git worktree add` and
 * `git init --separate-git-dir` write) points. crm's own files (the lock,
 * caches) go there, next to the index of this working tree.
 */
static char *git_dir_of(const char *root)
{
	char *dotgit = crm_xasprintf("%s/.git", root);
	struct stat st;
	if (lstat(dotgit, &st) != 0 || !S_ISREG(st.st_mode))
		return dotgit;
	crm_buf text = CRM_BUF_INIT;
	char *dir = NULL;
	if (crm_buf_read_file(&text, dotgit) == 0 && !strncmp(crm_buf_cstr(&text), "gitdir: ", 8)) {
		char *p = text.ptr + 8;
		p[strcspn(p, "\r\n")] = '\0';
		char *joined = p[0] == '/' ? crm_xstrdup(p) : crm_xasprintf("%s/%s", root, p);
		dir = realpath(joined, NULL);
		free(joined);
	}
	crm_error_clear();
	crm_buf_free(&text);
	if (!dir)
		return dotgit;
	free(dotgit);
	/* realpath's buffer came from malloc; hand back our own copy */
	char *copy = crm_xstrdup(dir);
	free(dir);
	return copy;
}

int crm_book_open(crm_book **out, const char *dir, crm_diags *diags)
{
	char abs[PATH_MAX];
	*out = NULL;
	if (!realpath(dir ? dir : ".", abs))
		return crm_error_errno(CRM_ENOTFOUND, "cannot use folder '%s'", dir ? dir : ".");
	char *root = crm_xstrdup(abs);
	for (;;) {
		char *cfg = crm_xasprintf("%s/crm.yaml", root);
		bool found = is_file(cfg);
		free(cfg);
		if (found)
			break;
		char *slash = strrchr(root, '/');
		if (!slash || slash == root) {
			free(root);
			return crm_error_set(CRM_ENOTFOUND,
					     "not in a crm book (no crm.yaml here or in any parent folder); "
					     "run 'crm init' to make one, or use -C DIR");
		}
		*slash = '\0';
	}
	crm_book *b = crm_xcalloc(1, sizeof *b);
	b->root = root;
	b->gitdir = git_dir_of(root);
	b->lock_fd = -1;
	char *cfg = crm_xasprintf("%s/crm.yaml", root);
	int rc = crm_config_load(&b->config, cfg, diags);
	free(cfg);
	if (rc) {
		crm_book_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

void crm_book_free(crm_book *b)
{
	if (!b)
		return;
	crm_book_unlock(b);
	crm_config_free(b->config);
	crm_schema_free(b->schema);
	free(b->root);
	free(b->gitdir);
	free(b);
}

int crm_book_schema(crm_book *b, const crm_schema **out, crm_diags *diags)
{
	if (!b->schema) {
		char *p = crm_xasprintf("%s/schema/customer.schema.yaml", b->root);
		int rc = crm_schema_load(&b->schema, p, diags);
		if (rc) {
			crm_error_set(rc, "the book's schema %s is %s", "schema/customer.schema.yaml",
				      rc == CRM_EINVALID ? "invalid" : "missing or unreadable");
			free(p);
			return rc;
		}
		free(p);
	}
	*out = b->schema;
	return 0;
}

char *crm_book_abs(const crm_book *b, const char *rel)
{
	/* not printf: every read calls this once per record */
	size_t rl = strlen(b->root), n = strlen(rel);
	char *p = crm_xmalloc(rl + n + 2);
	memcpy(p, b->root, rl);
	p[rl] = '/';
	memcpy(p + rl + 1, rel, n + 1);
	return p;
}

typedef struct {
	crm_entry *v;
	size_t n, cap;
} entries;

/* One name read from a folder, with what it is. */
typedef struct {
	char *name;
	unsigned char type;
} dirent_name;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const dirent_name *)a)->name, ((const dirent_name *)b)->name);
}

/* Add a copy of the book-relative part of `path` to `links`. */
static void add_link(entries *links, const crm_buf *path, size_t rootlen)
{
	if (links->n == links->cap) {
		links->cap = links->cap ? links->cap * 2 : 8;
		links->v = crm_xrealloc(links->v, links->cap * sizeof *links->v);
	}
	links->v[links->n++] = (crm_entry){.path = crm_xstrndup(path->ptr + rootlen + 1,
								 path->len - rootlen - 1),
					     .id = crm_xstrdup(""), .symlink = true};
}

/*
 * Whether a name is one of crm_write_atomic's temporaries for a .yaml file:
 * ".NAME.yaml." and mkstemp's six letters or digits.
 */
static bool is_yaml_temp(const char *name)
{
	size_t n = strlen(name);
	if (name[0] != '.' || n < 13 || strncmp(name + n - 12, ".yaml.", 6))
		return false;
	for (size_t i = n - 6; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9')))
			return false;
	return true;
}

/* Remove the temporary `dir`/`name` when it is a plain file (a crashed write's). */
static void remove_temp(const char *dir, const char *name)
{
	char *p = crm_xasprintf("%s/%s", dir, name);
	struct stat st;
	if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
		unlink(p);
	free(p);
}

/* A temporary of crm's own notes in .git (crm-txn-pending, crm-index-pending)
 * left by a crm killed while writing one. */
static bool is_note_temp(const char *name)
{
	static const char *const notes[] = {".crm-txn-pending.", ".crm-index-pending.", NULL};
	for (const char *const *p = notes; *p; p++)
		if (!strncmp(name, *p, strlen(*p)) && strlen(name) == strlen(*p) + 6)
			return true;
	return false;
}

/* Remove stale temporaries in one folder (not below it). */
static void clean_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)))
		if (is_yaml_temp(de->d_name) || is_note_temp(de->d_name))
			remove_temp(dir, de->d_name);
	closedir(d);
}

/*
 * Scan one folder: its names sorted, folders entered in turn, so that the
 * whole list comes out in path order without sorting 10,000 full paths.
 * `path` holds "root/rel" and is extended in place for children. Links to
 * folders go to `links` (when not NULL); with `clean`, stale temporaries
 * are removed on the way.
 */
static void scan_dir(crm_buf *path, size_t rootlen, entries *e, entries *links, int depth,
		     bool clean)
{
	if (depth > 16)
		return;
	DIR *d = opendir(path->ptr);
	if (!d)
		return;
	dirent_name *names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') {
			/* only the lock holder may: nobody else is writing then */
			if (clean && is_yaml_temp(de->d_name))
				remove_temp(path->ptr, de->d_name);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = crm_xrealloc(names, cap * sizeof *names);
		}
		names[n].name = crm_xstrdup(de->d_name);
		names[n++].type = de->d_type;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_name);
	size_t base = path->len;
	for (size_t i = 0; i < n; i++) {
		const char *nm = names[i].name;
		size_t nl = strlen(nm);
		crm_buf_truncate(path, base);
		crm_buf_putc(path, '/');
		crm_buf_put(path, nm, nl);
		unsigned char type = names[i].type;
		if (type == DT_UNKNOWN) {
			struct stat st;
			if (lstat(path->ptr, &st) == 0)
				type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		}
		struct stat target;
		if (type == DT_DIR) {
			scan_dir(path, rootlen, e, links, depth + 1, clean);
		} else if (type == DT_LNK && links && stat(path->ptr, &target) == 0 &&
			   S_ISDIR(target.st_mode)) {
			add_link(links, path, rootlen); /* never entered: it leads out of the book */
		} else if ((type == DT_REG || type == DT_LNK) && nl > 5 && !strcmp(nm + nl - 5, ".yaml")) {
			if (e->n == e->cap) {
				e->cap = e->cap ? e->cap * 2 : 64;
				e->v = crm_xrealloc(e->v, e->cap * sizeof *e->v);
			}
			crm_entry *x = &e->v[e->n++];
			*x = (crm_entry){0};
			/* "customers/.../ID.yaml\0ID\0": the id needs no allocation of its own */
			size_t plen = path->len - rootlen - 1;
			x->path = crm_xmalloc(plen + 1 + nl - 5 + 1);
			memcpy(x->path, path->ptr + rootlen + 1, plen);
			x->path[plen] = '\0';
			x->id = x->path + plen + 1;
			memcpy(x->id, nm, nl - 5);
			x->id[nl - 5] = '\0';
			x->id_in_path = true;
			x->symlink = type == DT_LNK;
		}
		free(names[i].name);
	}
	crm_buf_truncate(path, base);
	free(names);
}

static int scan(crm_book *b, crm_entry **out, size_t *n, crm_entry **links, size_t *nlinks)
{
	entries e = {0}, l = {0};
	crm_buf path = CRM_BUF_INIT;
	crm_buf_puts(&path, b->root);
	size_t rootlen = path.len;
	crm_buf_puts(&path, "/customers");
	struct stat st;
	if (lstat(path.ptr, &st) == 0 && S_ISLNK(st.st_mode))
		add_link(&l, &path, rootlen);
	else
		scan_dir(&path, rootlen, &e, &l, 0, b->lock_fd >= 0);
	crm_buf_free(&path);
	/* the array grew by doubling: give back what a big book leaves unused */
	if (e.n && e.cap > e.n + e.n / 8)
		e.v = crm_xrealloc(e.v, e.n * sizeof *e.v);
	*out = e.v;
	*n = e.n;
	if (links) {
		*links = l.v;
		*nlinks = l.n;
	} else {
		crm_entries_free(l.v, l.n);
	}
	return 0;
}

int crm_book_scan_links(crm_book *b, crm_entry **out, size_t *n, crm_entry **links,
			size_t *nlinks)
{
	return scan(b, out, n, links, nlinks);
}

int crm_book_scan(crm_book *b, crm_entry **out, size_t *n)
{
	return scan(b, out, n, NULL, NULL);
}


/* A run of at most this many files of one folder is claimed at a time. */
enum { STAT_RUN = 256 };

struct crm_stat_job {
	const crm_book *b;
	crm_entry *v;
	size_t *start; /* run k is v[start[k] .. start[k + 1]) */
	size_t nruns;
	atomic_size_t next;
};

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

crm_stat_job *crm_stat_job_new(const crm_book *b, crm_entry *v, size_t n)
{
	crm_stat_job *j = crm_xcalloc(1, sizeof *j);
	j->b = b;
	j->v = v;
	j->start = crm_xmalloc((n + 1) * sizeof *j->start);
	for (size_t i = 0; i < n; i++) {
		size_t len = dir_len(v[i].path);
		bool same = j->nruns && i - j->start[j->nruns - 1] < STAT_RUN &&
			    dir_len(v[i - 1].path) == len && !memcmp(v[i - 1].path, v[i].path, len);
		if (!same)
			j->start[j->nruns++] = i;
	}
	j->start[j->nruns] = n;
	atomic_init(&j->next, 0);
	return j;
}

crm_fstat crm_fstat_of(const struct stat *st)
{
	return (crm_fstat){.size = st->st_size,
			   .mtime = st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
			   .ctime = st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec,
			   .ino = (long long)st->st_ino};
}

void crm_stat_job_work(crm_stat_job *j)
{
	size_t k;
	while ((k = atomic_fetch_add(&j->next, 1)) < j->nruns) {
		crm_entry *v = j->v + j->start[k];
		size_t n = j->start[k + 1] - j->start[k], len = dir_len(v[0].path);
		char *dir = crm_xasprintf("%s/%.*s", j->b->root, (int)len, v[0].path);
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
		if (dfd < 0)
			continue; /* gone since the scan: has_stat stays false */
		/* relative to the folder: one name for the kernel to look up instead
		 * of the whole path, which is most of a warm read's cost */
		for (size_t i = 0; i < n; i++) {
			struct stat st;
			if (fstatat(dfd, v[i].path + len + 1, &st, AT_SYMLINK_NOFOLLOW) == 0) {
				v[i].has_stat = true;
				v[i].st = crm_fstat_of(&st);
			}
		}
		close(dfd);
	}
}

void crm_stat_job_free(crm_stat_job *j)
{
	if (!j)
		return;
	free(j->start);
	free(j);
}

int crm_book_scan_stat(crm_book *b, crm_entry **out, size_t *n)
{
	int rc = crm_book_scan(b, out, n);
	if (rc)
		return rc;
	crm_stat_job *j = crm_stat_job_new(b, *out, *n);
	crm_stat_job_work(j);
	crm_stat_job_free(j);
	return 0;
}

void crm_book_clean_temps(const crm_book *b, const char *rel)
{
	if (b->lock_fd < 0)
		return;
	char *p = crm_book_abs(b, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	clean_dir(p);
	free(p);
}

int crm_book_check_inside(const crm_book *b, const char *rel)
{
	char *p = crm_book_abs(b, rel);
	size_t rootlen = strlen(b->root);
	int rc = 0;
	for (char *s = p + rootlen + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		struct stat st;
		bool link = lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
		if (link)
			rc = crm_error_set(CRM_EFAIL,
					   "%s is a symbolic link; records must be inside the book, and "
					   "crm never reads or writes through such a link (replace it "
					   "with a real folder holding the records)",
					   p + rootlen + 1);
		*s = '/';
		if (link)
			break;
	}
	free(p);
	return rc;
}

void crm_entries_free(crm_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].id_in_path)
			free(v[i].id);
		free(v[i].path);
	}
	free(v);
}

bool crm_is_record_path(const char *rel)
{
	size_t n = strlen(rel);
	if (strncmp(rel, "customers/", 10) || n < 16 || strcmp(rel + n - 5, ".yaml"))
		return false;
	for (const char *s = rel; *s; s++)
		if (*s == '.' && (s == rel || s[-1] == '/'))
			return false;
	return true;
}

char *crm_path_id(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	const char *base = slash ? slash + 1 : rel;
	size_t n = strlen(base);
	return crm_xstrndup(base, n > 5 && !strcmp(base + n - 5, ".yaml") ? n - 5 : n);
}

bool crm_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '-')))
			return false;
	}
	return true;
}

char *crm_book_next_id(const crm_book *b, crm_date date, const crm_entry *v, size_t n)
{
	const char *f = b->config->id_format;
	crm_buf prefix = CRM_BUF_INIT, suffix = CRM_BUF_INIT;
	crm_buf *cur = &prefix;
	int width = 3;
	bool seen_seq = false;
	for (const char *p = f; *p;) {
		if (!strncmp(p, "{yyyy}", 6)) {
			crm_buf_printf(cur, "%04d", date.y);
			p += 6;
		} else if (!strncmp(p, "{yy}", 4)) {
			crm_buf_printf(cur, "%02d", date.y % 100);
			p += 4;
		} else if (!strncmp(p, "{mm}", 4)) {
			crm_buf_printf(cur, "%02d", date.m);
			p += 4;
		} else if (!strncmp(p, "{dd}", 4)) {
			crm_buf_printf(cur, "%02d", date.d);
			p += 4;
		} else if (!strncmp(p, "{seq", 4) && !seen_seq) {
			const char *e = strchr(p, '}');
			if (!e)
				break;
			if (p[4] == ':')
				width = atoi(p + 5);
			if (width < 1 || width > 9)
				width = 3;
			seen_seq = true;
			cur = &suffix;
			p = e + 1;
		} else {
			crm_buf_putc(cur, *p++);
		}
	}
	const char *pre = crm_buf_cstr(&prefix), *suf = crm_buf_cstr(&suffix);
	size_t pl = prefix.len, sl = suffix.len;
	unsigned long long max = 0;
	for (size_t i = 0; i < n; i++) {
		const char *id = v[i].id;
		size_t il = strlen(id);
		if (il <= pl + sl || strncmp(id, pre, pl) || strcmp(id + il - sl, suf))
			continue;
		const char *d = id + pl;
		size_t dl = il - pl - sl;
		bool digits = dl < 19;
		for (size_t k = 0; k < dl && digits; k++)
			digits = d[k] >= '0' && d[k] <= '9';
		if (!digits)
			continue;
		unsigned long long x = strtoull(d, NULL, 10);
		if (x > max)
			max = x;
	}
	char *id = crm_xasprintf("%s%0*llu%s", pre, width, max + 1, suf);
	crm_buf_free(&prefix);
	crm_buf_free(&suffix);
	return id;
}

char *crm_book_guess_path(const crm_book *b, const char *id)
{
	const char *f = b->config->id_format, *p = id;
	int y = -1, m = -1;
	while (*f && (y < 0 || m < 0)) {
		int *slot = NULL, width = 0;
		if (!strncmp(f, "{yyyy}", 6))
			slot = &y, width = 4, f += 6;
		else if (!strncmp(f, "{mm}", 4))
			slot = &m, width = 2, f += 4;
		else if (!strncmp(f, "{dd}", 4))
			width = 2, f += 4;
		else if (*f == '{')
			return NULL; /* {seq} or {yy} before the year and month: cannot tell */
		else if (*f++ != *p++)
			return NULL;
		if (width) {
			int v = 0;
			for (int i = 0; i < width; i++, p++) {
				if (*p < '0' || *p > '9')
					return NULL;
				v = v * 10 + (*p - '0');
			}
			if (slot)
				*slot = v;
		}
	}
	if (y < 1 || m < 1 || m > 12)
		return NULL;
	return crm_xasprintf("customers/%04d/%02d/%s.yaml", y, m, id);
}

char *crm_book_new_path(crm_date d, const char *id)
{
	return crm_xasprintf("customers/%04d/%02d/%s.yaml", d.y, d.m, id);
}

/* Longest wait for the lock that CRM_LOCK_TIMEOUT may ask for, in seconds. */
#define LOCK_TIMEOUT_MAX 3600

/* CRM_LOCK_TIMEOUT in seconds (default 10): a finite number, 0 to an hour. */
static int lock_timeout(double *out)
{
	const char *env = getenv("CRM_LOCK_TIMEOUT");
	*out = 10;
	if (!env || !*env)
		return 0;
	char *end;
	errno = 0;
	double v = strtod(env, &end);
	if (errno || end == env || *end || !isfinite(v) || v < 0 || v > LOCK_TIMEOUT_MAX)
		return crm_error_set(CRM_EUSAGE,
				     "CRM_LOCK_TIMEOUT='%s' is not a number of seconds from 0 to %d; "
				     "set it to e.g. 10, or unset it",
				     env, LOCK_TIMEOUT_MAX);
	*out = v;
	return 0;
}

static int lock_for(crm_book *b, const char *what, double timeout)
{
	if (b->lock_fd >= 0)
		return 0;
	struct stat st;
	if (stat(b->gitdir, &st) != 0 || !S_ISDIR(st.st_mode))
		return crm_error_set(CRM_EFAIL, "%s is not a git repository (no .git folder); "
				     "run 'git init' there, or 'crm init' for a new book", b->root);
	char *path = crm_xasprintf("%s/crm.lock", b->gitdir);
	/* never follow a link: the lock file would be made or truncated elsewhere */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (fd < 0 && errno == ELOOP) {
		int rc = crm_error_set(CRM_EFAIL, "%s is a symbolic link; crm keeps its lock in a "
						  "plain file there: remove the link and try again",
				       path);
		free(path);
		return rc;
	}
	if (fd < 0) {
		int rc = crm_error_errno(CRM_EIO, "cannot open %s", path);
		free(path);
		return rc;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int rc = crm_error_set(CRM_EFAIL, "%s is not a plain file; remove it and try again",
				       path);
		close(fd);
		free(path);
		return rc;
	}
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int rc = crm_error_errno(CRM_EIO, "cannot lock %s", path);
			close(fd);
			free(path);
			return rc;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		double waited = (double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
		if (waited >= timeout) {
			char holder[256] = "";
			ssize_t r = pread(fd, holder, sizeof holder - 1, 0);
			holder[r > 0 ? r : 0] = '\0';
			holder[strcspn(holder, "\n")] = '\0';
			close(fd);
			free(path);
			return crm_error_set(CRM_ELOCKED,
					     "the book is busy: another crm (%s) has held .git/crm.lock for "
					     "%.0f s; try again when it finishes",
					     *holder ? holder : "unknown process", waited);
		}
		struct timespec nap = {0, 5 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
	char info[256];
	int len = snprintf(info, sizeof info, "pid %ld: crm %s\n", (long)getpid(), what ? what : "");
	if (ftruncate(fd, 0) == 0 && len > 0)
		(void)!pwrite(fd, info, (size_t)len, 0);
	free(path);
	b->lock_fd = fd;
	/* a crm killed mid-write left these; no other writer runs now */
	clean_dir(b->root);
	clean_dir(b->gitdir);
	char *schema = crm_book_abs(b, "schema");
	clean_dir(schema);
	free(schema);
	return 0;
}

int crm_book_lock(crm_book *b, const char *what)
{
	double timeout;
	int rc = lock_timeout(&timeout);
	return rc ? rc : lock_for(b, what, timeout);
}

int crm_book_trylock(crm_book *b, const char *what)
{
	return lock_for(b, what, 0);
}

void crm_book_unlock(crm_book *b)
{
	if (b->lock_fd >= 0) {
		close(b->lock_fd); /* releases the flock */
		b->lock_fd = -1;
	}
}

static int mkdirs(const char *dir)
{
	char *p = crm_xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			int rc = crm_error_errno(CRM_EIO, "cannot create folder %s", p);
			free(p);
			return rc;
		}
		*s = '/';
	}
	int rc = 0;
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		rc = crm_error_errno(CRM_EIO, "cannot create folder %s", p);
	free(p);
	return rc;
}

static int write_temp(char **tmp_out, const char *path, const char *data, size_t len, bool sync)
{
	struct stat st;
	mode_t mode = 0644;
	*tmp_out = NULL;
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return crm_error_set(CRM_EFAIL, "%s is a symbolic link; crm never writes through "
						       "links (replace it with the file itself)", path);
		mode = st.st_mode & 0777;
	}
	const char *slash = strrchr(path, '/');
	char *dir = slash ? crm_xstrndup(path, (size_t)(slash - path)) : crm_xstrdup(".");
	const char *base = slash ? slash + 1 : path;
	int rc = mkdirs(dir);
	if (rc) {
		free(dir);
		return rc;
	}
	char *tmp = crm_xasprintf("%s/.%s.XXXXXX", dir, base);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = crm_error_errno(CRM_EIO, "cannot create a temporary file in %s", dir);
		goto done;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			rc = crm_error_errno(CRM_EIO, "cannot write %s", path);
			close(fd);
			goto done;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, mode) != 0 || (sync && fsync(fd) != 0)) {
		rc = crm_error_errno(CRM_EIO, "cannot write %s", path);
		close(fd);
		goto done;
	}
	if (close(fd) != 0)
		rc = crm_error_errno(CRM_EIO, "cannot write %s", path);
done:
	if (rc && fd >= 0)
		unlink(tmp);
	if (rc)
		free(tmp);
	else
		*tmp_out = tmp;
	free(dir);
	return rc;
}

int crm_replace(const char *tmp, const char *path)
{
	if (rename(tmp, path) != 0)
		return crm_error_errno(CRM_EIO, "cannot replace %s", path);
	const char *slash = strrchr(path, '/');
	char *dir = slash ? crm_xstrndup(path, (size_t)(slash - path)) : crm_xstrdup(".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd); /* the rename is done either way; this only hastens it to disk */
		close(dfd);
	}
	free(dir);
	return 0;
}

/* write_temp's body; `sync` false skips the fsync. */
static int write_temp(char **tmp_out, const char *path, const char *data, size_t len, bool sync);

int crm_write_temp(char **tmp_out, const char *path, const char *data, size_t len)
{
	return write_temp(tmp_out, path, data, len, true);
}

int crm_write_note(const char *path, const char *data, size_t len)
{
	char *tmp = NULL;
	int rc = write_temp(&tmp, path, data, len, false);
	if (rc)
		return rc;
	if (rename(tmp, path) != 0) {
		rc = crm_error_errno(CRM_EIO, "cannot replace %s", path);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

int crm_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = NULL;
	int rc = crm_write_temp(&tmp, path, data, len);
	if (rc)
		return rc;
	if ((rc = crm_replace(tmp, path)))
		unlink(tmp);
	free(tmp);
	return rc;
}

int crm_write_temp_nosync(char **tmp_out, const char *path, const char *data, size_t len)
{
	return write_temp(tmp_out, path, data, len, false);
}

int crm_replace_nosync(const char *tmp, const char *path)
{
	if (rename(tmp, path) != 0)
		return crm_error_errno(CRM_EIO, "cannot replace %s", path);
	return 0;
}

int crm_sync_fs(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) != 0) {
		int rc = crm_error_errno(CRM_EIO, "cannot sync the files under %s", path);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	close(fd);
	return 0;
}
