#include "crm/buf.h"
#include "crm/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(void)
{
	fputs("crm: fatal: out of memory\n", stderr);
	abort();
}

void *crm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *crm_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *crm_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *crm_xstrdup(const char *s)
{
	return crm_xstrndup(s, strlen(s));
}

char *crm_xpack(size_t n, const char *const *src, const size_t *len, char **const *dst)
{
	size_t total = 0;
	for (size_t k = 0; k < n; k++)
		total += src[k] ? (len ? len[k] : strlen(src[k])) + 1 : 0;
	char *blk = crm_xmalloc(total ? total : 1), *p = blk;
	for (size_t k = 0; k < n; k++) {
		if (!src[k])
			continue;
		size_t l = len ? len[k] : strlen(src[k]);
		memcpy(p, src[k], l);
		p[l] = '\0';
		*dst[k] = p;
		p += l + 1;
	}
	return blk;
}

char *crm_xstrndup(const char *s, size_t n)
{
	char *p = crm_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *crm_xasprintf(const char *fmt, ...)
{
	crm_buf b = CRM_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	crm_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return crm_buf_detach(&b);
}

void crm_buf_grow(crm_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->ptr = crm_xrealloc(b->ptr, cap);
	b->cap = cap;
	b->ptr[b->len] = '\0';
}

void crm_buf_put(crm_buf *b, const void *data, size_t len)
{
	crm_buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void crm_buf_puts(crm_buf *b, const char *s)
{
	crm_buf_put(b, s, strlen(s));
}

void crm_buf_putc(crm_buf *b, char c)
{
	crm_buf_put(b, &c, 1);
}

void crm_buf_vprintf(crm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	crm_buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void crm_buf_printf(crm_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	crm_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void crm_buf_splice(crm_buf *b, size_t pos, size_t n, const void *data, size_t len)
{
	if (pos > b->len)
		pos = b->len;
	if (n > b->len - pos)
		n = b->len - pos;
	if (len > n)
		crm_buf_grow(b, len - n);
	if (!b->ptr)
		crm_buf_grow(b, 0);
	memmove(b->ptr + pos + len, b->ptr + pos + n, b->len - pos - n);
	if (len)
		memcpy(b->ptr + pos, data, len);
	b->len = b->len - n + len;
	b->ptr[b->len] = '\0';
}

void crm_buf_insert(crm_buf *b, size_t pos, const void *data, size_t len)
{
	crm_buf_splice(b, pos, 0, data, len);
}

void crm_buf_remove(crm_buf *b, size_t pos, size_t n)
{
	crm_buf_splice(b, pos, n, NULL, 0);
}

void crm_buf_truncate(crm_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

const char *crm_buf_cstr(const crm_buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *crm_buf_detach(crm_buf *b)
{
	char *p = b->ptr ? b->ptr : crm_xstrdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

void crm_buf_free(crm_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

int crm_buf_read_file(crm_buf *b, const char *path)
{
	return crm_buf_read_file_flags(b, path, 0);
}

int crm_buf_read_file_flags(crm_buf *b, const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	if (fd < 0) {
		if (errno == ELOOP && (flags & O_NOFOLLOW))
			return crm_error_set(CRM_EFAIL, "%s is a symbolic link; records must be plain files",
					     path);
		return crm_error_errno(errno == ENOENT ? CRM_ENOTFOUND : CRM_EIO, "cannot read %s", path);
	}
	/* one read of the size fstat gives, then one more to see the end */
	struct stat st;
	size_t want = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
	for (;;) {
		crm_buf_grow(b, want);
		ssize_t n = read(fd, b->ptr + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = crm_error_errno(CRM_EIO, "cannot read %s", path);
			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->ptr[b->len] = '\0';
		want = 65536;
	}
	close(fd);
	return 0;
}
