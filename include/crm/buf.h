#ifndef CRM_BUF_H
#define CRM_BUF_H
/*
 * crm_buf: a growable byte string that is always NUL-terminated.
 * Initialise with CRM_BUF_INIT (or zero), release with crm_buf_free.
 * `ptr` is never NULL after the first write; before it, crm_buf_cstr()
 * returns "". Allocation failure aborts (as git's xmalloc): a CLI that runs
 * out of memory has nothing better to do, and every caller stays simple.
 */
#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *ptr;
	size_t len, cap;
} crm_buf;

#define CRM_BUF_INIT { NULL, 0, 0 }

void crm_buf_grow(crm_buf *b, size_t extra);
void crm_buf_put(crm_buf *b, const void *data, size_t len);
void crm_buf_puts(crm_buf *b, const char *s);
void crm_buf_putc(crm_buf *b, char c);
void crm_buf_printf(crm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void crm_buf_vprintf(crm_buf *b, const char *fmt, va_list ap);
/* Insert len bytes at byte offset pos (pos <= len). */
void crm_buf_insert(crm_buf *b, size_t pos, const void *data, size_t len);
/* Remove n bytes at pos. */
void crm_buf_remove(crm_buf *b, size_t pos, size_t n);
/* Replace n bytes at pos by data. */
void crm_buf_splice(crm_buf *b, size_t pos, size_t n, const void *data, size_t len);
void crm_buf_truncate(crm_buf *b, size_t len);
const char *crm_buf_cstr(const crm_buf *b);
/* Hand the string to the caller (who frees it); the buffer is left empty. */
char *crm_buf_detach(crm_buf *b);
void crm_buf_free(crm_buf *b);

/* Allocation helpers that abort on failure. */
void *crm_xmalloc(size_t n);
void *crm_xcalloc(size_t n, size_t size);
void *crm_xrealloc(void *p, size_t n);
char *crm_xstrdup(const char *s);
char *crm_xstrndup(const char *s, size_t n);

/*
 * Copy the n strings src[i] (len[i] bytes each, or strlen when len is
 * NULL; NULL ones skipped, their *dst[i] left alone) into one allocation,
 * NUL-terminated, and point *dst[i] at each copy. Returns the block: one
 * free for all of them (many small records' strings, not many mallocs).
 */
char *crm_xpack(size_t n, const char *const *src, const size_t *len, char **const *dst);
char *crm_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a whole file into b (appending). Returns 0, or CRM_ENOTFOUND / CRM_EIO
 * with a message. */
int crm_buf_read_file(crm_buf *b, const char *path);
/* The same with extra open(2) flags: O_NOFOLLOW refuses a symlink (CRM_EFAIL). */
int crm_buf_read_file_flags(crm_buf *b, const char *path, int flags);

#endif
