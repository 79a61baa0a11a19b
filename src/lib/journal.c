#include "crm/journal.h"
#include "crm/buf.h"
#include "crm/error.h"
#include "crm/history.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Format: a line "crm journal 1", then per file a line
 * "PATHLEN BEFORELEN AFTERLEN" (-1 for an absent file) followed by the
 * path's, the old and the new bytes, raw, and a newline.
 */
#define MAGIC "crm journal 1\n"

static char *journal_path(const crm_book *b)
{
	return crm_xasprintf("%s/crm/journal", b->gitdir);
}

int crm_journal_write(const crm_book *b, const crm_journal_entry *v, size_t n)
{
	crm_buf buf = CRM_BUF_INIT;
	crm_buf_puts(&buf, MAGIC);
	for (size_t i = 0; i < n; i++) {
		crm_buf_printf(&buf, "%zu %ld %ld\n", strlen(v[i].path),
			       v[i].before ? (long)v[i].before_len : -1L,
			       v[i].after ? (long)v[i].after_len : -1L);
		crm_buf_puts(&buf, v[i].path);
		if (v[i].before)
			crm_buf_put(&buf, v[i].before, v[i].before_len);
		if (v[i].after)
			crm_buf_put(&buf, v[i].after, v[i].after_len);
		crm_buf_putc(&buf, '\n');
	}
	char *path = journal_path(b);
	int rc = crm_write_atomic(path, buf.ptr, buf.len);
	free(path);
	crm_buf_free(&buf);
	return rc;
}

int crm_journal_clear(const crm_book *b)
{
	char *path = journal_path(b);
	int rc = 0;
	if (unlink(path) != 0 && errno != ENOENT)
		rc = crm_error_errno(CRM_EIO, "cannot remove %s", path);
	free(path);
	return rc;
}

/* A whole regular file into *out (NUL-terminated); 1 when it is absent or
 * not a regular file, 0 when read, negative on error. */
static int slurp(const char *path, char **out, size_t *len)
{
	struct stat st;
	*out = NULL;
	*len = 0;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 1 : crm_error_errno(CRM_EIO, "cannot read %s", path);
	if (!S_ISREG(st.st_mode))
		return 1;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return crm_error_errno(CRM_EIO, "cannot read %s", path);
	crm_buf b = CRM_BUF_INIT;
	char chunk[8192];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof chunk)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int rc = crm_error_errno(CRM_EIO, "cannot read %s", path);
			close(fd);
			crm_buf_free(&b);
			return rc;
		}
		crm_buf_put(&b, chunk, (size_t)r);
	}
	close(fd);
	crm_buf_putc(&b, '\0');
	*len = b.len - 1;
	*out = b.ptr;
	return 0;
}

static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
	if (!a || !b)
		return !a && !b;
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* Remove `.NAME.XXXXXX`, the temporary files crm_write_atomic makes for
 * NAME in its folder, that a killed crm left behind. */
static void remove_temps(const char *abs)
{
	const char *slash = strrchr(abs, '/');
	if (!slash)
		return;
	char *dir = crm_xstrndup(abs, (size_t)(slash - abs));
	const char *base = slash + 1;
	size_t blen = strlen(base);
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			const char *nm = e->d_name;
			if (nm[0] == '.' && strlen(nm) == blen + 8 && strncmp(nm + 1, base, blen) == 0 &&
			    nm[blen + 1] == '.') {
				char *p = crm_xasprintf("%s/%s", dir, nm);
				unlink(p);
				free(p);
			}
		}
		closedir(d);
	}
	free(dir);
}

/* Set the index entries of `paths` to the files, as `git add` does. */
static int index_add(struct crm_repo *repo, char **paths, size_t n)
{
	git_index *idx = NULL;
	int rc = git_repository_index(&idx, crm_repo_git(repo));
	if (rc == 0)
		rc = git_index_read(idx, 0);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = git_index_add_bypath(idx, paths[i]);
	if (rc == 0)
		rc = git_index_write(idx);
	if (rc < 0) {
		const git_error *e = git_error_last();
		char *lock = crm_xasprintf("%sindex.lock", crm_repo_gitdir(repo));
		struct stat st;
		if (lstat(lock, &st) == 0)
			rc = crm_error_set(CRM_ELOCKED, "an interrupted crm committed %s, but %s is "
					   "there (a git that is running, or one that crashed); when no git "
					   "is running, remove it and try again", paths[0], lock);
		else
			rc = crm_error_set(CRM_EIO, "an interrupted crm committed %s, but its index "
					   "entry cannot be updated (%s); run 'git add %s'", paths[0],
					   e ? e->message : "?", paths[0]);
		free(lock);
	}
	git_index_free(idx);
	return rc;
}

/* Read a length-prefixed field; false when the journal is cut short. */
static bool field(const char **p, const char *end, long len, const char **out)
{
	*out = NULL;
	if (len < 0)
		return true;
	if (end - *p < len)
		return false;
	*out = *p;
	*p += len;
	return true;
}

int crm_journal_recover(crm_book *b, struct crm_repo *repo, bool *recovered)
{
	char *jpath = journal_path(b);
	char *text = NULL;
	size_t len = 0;
	char **done = NULL; /* committed paths whose index entry is brought up */
	size_t ndone = 0;
	*recovered = false;
	int rc = slurp(jpath, &text, &len);
	if (rc) {
		free(jpath);
		return rc > 0 ? 0 : rc;
	}
	*recovered = true;
	const char *p = text, *end = text + len;
	if (len < strlen(MAGIC) || memcmp(p, MAGIC, strlen(MAGIC)) != 0) {
		rc = crm_error_set(CRM_EFAIL, "%s is not a crm journal; look at it, then remove it",
				   jpath);
		goto done;
	}
	p += strlen(MAGIC);
	while (p < end) {
		long plen, blen, alen;
		int used = 0;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char head[80];
		if (!nl || (size_t)(nl - p) >= sizeof head)
			goto bad;
		memcpy(head, p, (size_t)(nl - p));
		head[nl - p] = '\0';
		if (sscanf(head, "%ld %ld %ld%n", &plen, &blen, &alen, &used) != 3 || plen <= 0)
			goto bad;
		p = nl + 1;
		const char *path, *before, *after;
		if (!field(&p, end, plen, &path) || !field(&p, end, blen, &before) ||
		    !field(&p, end, alen, &after) || p >= end || *p != '\n')
			goto bad;
		p++;
		char *rel = crm_xstrndup(path, (size_t)plen);
		char *abs = crm_book_abs(b, rel);
		char *cur = NULL, *inhead = NULL;
		size_t curlen = 0, headlen = 0;
		int crc = slurp(abs, &cur, &curlen);
		int hrc = crm_repo_read_head(repo, rel, &inhead, &headlen);
		if (crc < 0 || (hrc < 0 && hrc != CRM_ENOTFOUND)) {
			rc = crc < 0 ? crc : hrc;
		} else if (same(inhead, headlen, after, (size_t)alen)) {
			/* committed: the file and the index follow HEAD */
			if (!same(cur, curlen, after, (size_t)alen) && same(cur, curlen, before, (size_t)blen))
				rc = after ? crm_write_atomic(abs, after, (size_t)alen)
					   : (unlink(abs) == 0 ? 0 : crm_error_errno(CRM_EIO, "cannot remove %s", abs));
			if (rc == 0 && after) {
				done = crm_xrealloc(done, (ndone + 1) * sizeof *done);
				done[ndone++] = crm_xstrdup(rel);
			}
		} else if (same(cur, curlen, after, (size_t)alen) && !same(cur, curlen, before, (size_t)blen)) {
			/* written, not committed: put the old file back */
			rc = before ? crm_write_atomic(abs, before, (size_t)blen)
				    : (unlink(abs) == 0 ? 0 : crm_error_errno(CRM_EIO, "cannot remove %s", abs));
		}
		if (rc == 0)
			remove_temps(abs);
		free(cur);
		free(inhead);
		free(abs);
		free(rel);
		if (rc)
			goto done;
	}
	if (ndone && (rc = index_add(repo, done, ndone)))
		goto done;
	rc = crm_journal_clear(b);
	goto done;
bad:
	rc = crm_error_set(CRM_EFAIL, "%s is cut short or damaged; look at it, then remove it",
			   jpath);
done:
	for (size_t i = 0; i < ndone; i++)
		free(done[i]);
	free(done);
	free(text);
	free(jpath);
	return rc;
}
