/*
 * fault.so: an LD_PRELOAD shim that makes one kind of system call fail, so
 * that tests can see what crm does when the disk is full or broken at each
 * step of a write. Not part of crm.
 *
 *   CRM_FAULT_OP     write | fsync | rename | open | mkdir (open: opening
 *                    for writing or creating, mkstemp included; write:
 *                    write, pwrite, writev to fd > 2; fsync: fdatasync too)
 *   CRM_FAULT_N      fail the Nth such call (1-based); 0 only counts
 *   CRM_FAULT_ERRNO  ENOSPC (default) or EIO
 *   CRM_FAULT_STICKY 1: the Nth and every later call fail (a full disk)
 *   CRM_FAULT_LOG    file to which "CALLS INJECTED\n" is appended at exit
 *
 * Only calls made through the dynamic linker are seen (crm's, libgit2's);
 * glibc's calls to itself are not, which is fine: crm writes with these.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { OP_NONE, OP_WRITE, OP_FSYNC, OP_RENAME, OP_OPEN, OP_MKDIR };

static int op = -1;
static long target, calls, injected;
static int err = ENOSPC, sticky;

static void setup(void)
{
	if (op >= 0)
		return;
	const char *o = getenv("CRM_FAULT_OP"), *n = getenv("CRM_FAULT_N"),
		   *e = getenv("CRM_FAULT_ERRNO"), *s = getenv("CRM_FAULT_STICKY");
	op = !o			      ? OP_NONE
	     : !strcmp(o, "write")  ? OP_WRITE
	     : !strcmp(o, "fsync")  ? OP_FSYNC
	     : !strcmp(o, "rename") ? OP_RENAME
	     : !strcmp(o, "open")   ? OP_OPEN
	     : !strcmp(o, "mkdir")  ? OP_MKDIR
				    : OP_NONE;
	target = n ? atol(n) : 0;
	err = e && !strcmp(e, "EIO") ? EIO : ENOSPC;
	sticky = s && *s == '1';
}

/* Count a call of kind k; true when this one must fail (errno set). */
static int fault(int k)
{
	setup();
	if (k != op)
		return 0;
	calls++;
	if (target > 0 && (calls == target || (sticky && calls > target))) {
		injected++;
		errno = err;
		return 1;
	}
	return 0;
}

__attribute__((destructor)) static void report(void)
{
	const char *log = getenv("CRM_FAULT_LOG");
	if (!log || op <= OP_NONE)
		return;
	int (*real_open)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	ssize_t (*real_write)(int, const void *, size_t) =
		(ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	int fd = real_open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	char line[64];
	int len = snprintf(line, sizeof line, "%ld %ld\n", calls, injected);
	(void)!real_write(fd, line, (size_t)len);
	close(fd);
}

/* The next definition of `name` (libc's), looked up once. */
#define REAL(name)                                                       \
	static __typeof__(&name) real_##name;                            \
	if (!real_##name)                                                \
	real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static int for_writing(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

int open(const char *path, int flags, ...)
{
	REAL(open);
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (for_writing(flags) && fault(OP_OPEN))
		return -1;
	return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	REAL(open64);
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (for_writing(flags) && fault(OP_OPEN))
		return -1;
	return real_open64(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	REAL(openat);
	mode_t mode = 0;
	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (for_writing(flags) && fault(OP_OPEN))
		return -1;
	return real_openat(dir, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
	REAL(creat);
	if (fault(OP_OPEN))
		return -1;
	return real_creat(path, mode);
}

int mkstemp(char *tmpl)
{
	REAL(mkstemp);
	if (fault(OP_OPEN))
		return -1;
	return real_mkstemp(tmpl);
}

int mkostemp(char *tmpl, int flags)
{
	REAL(mkostemp);
	if (fault(OP_OPEN))
		return -1;
	return real_mkostemp(tmpl, flags);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(write);
	if (fd > 2 && fault(OP_WRITE))
		return -1;
	return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite);
	if (fd > 2 && fault(OP_WRITE))
		return -1;
	return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite64);
	if (fd > 2 && fault(OP_WRITE))
		return -1;
	return real_pwrite64(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	REAL(writev);
	if (fd > 2 && fault(OP_WRITE))
		return -1;
	return real_writev(fd, iov, cnt);
}

int fsync(int fd)
{
	REAL(fsync);
	if (fault(OP_FSYNC))
		return -1;
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(fdatasync);
	if (fault(OP_FSYNC))
		return -1;
	return real_fdatasync(fd);
}

int rename(const char *from, const char *to)
{
	REAL(rename);
	if (fault(OP_RENAME))
		return -1;
	return real_rename(from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	REAL(renameat);
	if (fault(OP_RENAME))
		return -1;
	return real_renameat(fd1, from, fd2, to);
}

int mkdir(const char *path, mode_t mode)
{
	REAL(mkdir);
	if (fault(OP_MKDIR))
		return -1;
	return real_mkdir(path, mode);
}

int mkdirat(int fd, const char *path, mode_t mode)
{
	REAL(mkdirat);
	if (fault(OP_MKDIR))
		return -1;
	return real_mkdirat(fd, path, mode);
}
