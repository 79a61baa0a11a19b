/*
 * index.c: the SQLite index of the book (index.h): its tables, and bringing
 * them up to date with the working tree. What goes into the rows of one
 * record is index_rows.c; the reads of list, find, agenda and show are
 * index_read.c; crm sql is index_sql.c.
 *
 * Data lives in private tables keyed by a file number (fid), one row per
 * record file in ix_files; the contract tables of SPEC §8 are views over
 * them, so that two files holding the same id (an error crm validate
 * reports) still have rows of their own and can be replaced one at a time.
 */
#include "index_int.h"

#include "crm/buf.h"
#include "crm/team.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bump when the tables or what goes into them change: an older index is rebuilt. */
#define FORMAT "crm-index 19"

static const char *const schema_sql =
	"CREATE TABLE ix_meta(key TEXT PRIMARY KEY, value TEXT);"
	/* a hash of what lstat said of every file in a folder when its rows were
	 * last brought up to date: an unchanged folder is not compared file by file */
	"CREATE TABLE ix_dirs(dir TEXT PRIMARY KEY, hash INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE ix_files(fid INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL,"
	" size INTEGER, mtime INTEGER, ctime INTEGER, ino INTEGER, inner_id TEXT, errors INTEGER,"
	" skip_line INTEGER, skip_col INTEGER, skip TEXT, load_err TEXT, load_line INTEGER,"
	" load_col INTEGER, is_map INTEGER,"
	/* stored within the clock's tick of its last change (see racy()), and
	 * then the hash of the bytes read, to tell later whether they changed */
	" racy INTEGER, chash INTEGER);"
	/* covering: the comparison with the working tree reads only this */
	"CREATE INDEX ix_files_stat ON ix_files(path, size, mtime, ctime, ino, racy, chash);"
	"CREATE INDEX ix_files_skip ON ix_files(skip) WHERE skip IS NOT NULL;"
	"CREATE TABLE ix_diags(fid INTEGER, line INTEGER, col INTEGER, sev INTEGER, msg TEXT);"
	"CREATE INDEX ix_diags_fid ON ix_diags(fid);"
	"CREATE TABLE ix_customers(fid INTEGER PRIMARY KEY, id TEXT, path TEXT, name TEXT, kind TEXT,"
	" source TEXT, owner TEXT, stage TEXT, first_contact TEXT, first_contact_by TEXT,"
	" industry TEXT, size TEXT, budget_min, budget_max, deadline TEXT, deal_amount,"
	" deal_signed TEXT, contract_end TEXT, lost_reason TEXT, next_date TEXT, next_action TEXT,"
	" next_by TEXT, next_priority TEXT, last_followup TEXT, followups INTEGER,"
	" latest_seq INTEGER, latest_priority TEXT, needs_summary TEXT,"
	/* the tags joined by US (0x1f), for list without a second query; NULL
	 * when a tag holds that byte (then ix_tags is read) */
	" tag_list TEXT,"
	/* the file's id and errors again, so that the customers view is this table alone */
	" inner_id TEXT, errors INTEGER,"
	/* read and a map of fields: what the agenda can use */
	" readable INTEGER);"
	"CREATE INDEX ix_customers_inner ON ix_customers(inner_id, path);"
	/* the text find looks in, apart: long rows would slow every scan of ix_customers */
	"CREATE TABLE ix_search(fid INTEGER PRIMARY KEY, search TEXT, digits TEXT);"
	"CREATE INDEX ix_customers_id ON ix_customers(id);"
	/* A list's rows are keyed by their file and position, k = fid << 24 | i
	 * (CRM_IX_KEY_OF): a file's rows sit together, found and deleted by a
	 * range of k, with no index on fid to write on every insert. */
	"CREATE TABLE ix_tags(k INTEGER PRIMARY KEY, fid INTEGER, id TEXT, tag TEXT);"
	"CREATE INDEX ix_tags_tag ON ix_tags(tag);"
	"CREATE INDEX ix_customers_stage ON ix_customers(stage);"
	"CREATE TABLE ix_contacts(k INTEGER PRIMARY KEY, fid INTEGER, id TEXT, seq INTEGER, name TEXT,"
	" title TEXT, phone TEXT, email TEXT, birthday TEXT, role TEXT);"
	"CREATE TABLE ix_decision_chain(k INTEGER PRIMARY KEY, fid INTEGER, id TEXT, seq INTEGER,"
	" name TEXT, title TEXT, role TEXT);"
	"CREATE TABLE ix_followups(k INTEGER PRIMARY KEY, fid INTEGER, id TEXT, seq INTEGER, date TEXT,"
	" via TEXT, by TEXT, summary TEXT, feedback TEXT, result TEXT, priority TEXT, next_date TEXT,"
	" next_action TEXT, next_by TEXT);"
	"CREATE TABLE ix_stages(k INTEGER PRIMARY KEY, fid INTEGER, id TEXT, seq INTEGER, stage TEXT,"
	" date TEXT);"
	/* covering, in the funnel's order: it reads every stay without sorting */
	"CREATE INDEX ix_stages_id ON ix_stages(id, seq, stage, date);"
	"CREATE TABLE ix_dates(k INTEGER PRIMARY KEY, fid INTEGER, id TEXT, seq INTEGER, label TEXT,"
	" date TEXT, yearly INTEGER);"
	/* what the agenda needs of a customer that is readable and not lost,
	 * packed in one value (index_rows.c): one row to read per customer
	 * instead of a row of ix_customers, its contacts and its dates */
	"CREATE TABLE ix_agenda(fid INTEGER PRIMARY KEY, owner TEXT, next_by TEXT, facts BLOB);"
	/* the contract (SPEC §8) */
	"CREATE VIEW customers AS SELECT c.id, c.path, c.name, c.kind, c.source, c.owner,"
	" c.stage, c.first_contact, c.first_contact_by, c.industry, c.size, c.budget_min,"
	" c.budget_max, c.deadline, c.deal_amount, c.deal_signed, c.contract_end, c.lost_reason,"
	" c.next_date, c.next_action, c.next_by, c.next_priority, c.last_followup, c.followups,"
	" CASE WHEN c.errors = 0 AND NOT EXISTS (SELECT 1 FROM ix_customers d WHERE"
	" d.inner_id = c.inner_id AND d.path < c.path) THEN 1 ELSE 0 END AS valid"
	" FROM ix_customers c;"
	"CREATE VIEW tags AS SELECT id, tag FROM ix_tags;"
	"CREATE VIEW contacts AS SELECT id, seq, name, title, phone, email, birthday, role"
	" FROM ix_contacts;"
	"CREATE VIEW decision_chain AS SELECT id, seq, name, title, role FROM ix_decision_chain;"
	"CREATE VIEW followups AS SELECT id, seq, date, via, by, summary, feedback, result,"
	" priority, next_date, next_action, next_by FROM ix_followups;"
	"CREATE VIEW stages AS SELECT id, seq, stage, date FROM ix_stages;"
	"CREATE VIEW dates AS SELECT id, seq, label, date, yearly FROM ix_dates;";

/* ---- small helpers ---- */

/*
 * What every stored answer depends on besides the record itself: the
 * format, the schema, crm.yaml, and who has left by today (which changes
 * warnings without changing a file).
 */
static char *fingerprint(const crm_book *b)
{
	uint64_t h = CRM_IX_FNV_BASIS;
	const char *files[] = {"schema/customer.schema.yaml", "crm.yaml"};
	for (size_t i = 0; i < 2; i++) {
		crm_buf t = CRM_BUF_INIT;
		char *p = crm_book_abs(b, files[i]);
		if (crm_buf_read_file(&t, p) == 0)
			h = crm_ix_fnv(t.ptr ? t.ptr : "", t.len, h);
		h = crm_ix_fnv("\n", 1, h);
		free(p);
		crm_buf_free(&t);
	}
	crm_error_clear();
	crm_date today;
	char *gone = crm_date_today(&today) == 0 ? crm_team_departed(b->config, today) : NULL;
	char *s = crm_xasprintf("%s %016llx %s", FORMAT, (unsigned long long)h, gone ? gone : "");
	free(gone);
	return s;
}

/* The real git dir: .git itself, or where a worktree's .git file points. */
static char *real_gitdir(const crm_book *b)
{
	struct stat st;
	if (lstat(b->gitdir, &st) == 0 && S_ISREG(st.st_mode)) {
		crm_buf t = CRM_BUF_INIT;
		if (crm_buf_read_file(&t, b->gitdir) == 0 && t.len > 8 && !strncmp(t.ptr, "gitdir: ", 8)) {
			char *p = crm_xstrndup(t.ptr + 8, t.len - 8);
			p[strcspn(p, "\r\n")] = '\0';
			char *r = p[0] == '/' ? crm_xstrdup(p) : crm_xasprintf("%s/%s", b->root, p);
			free(p);
			crm_buf_free(&t);
			return r;
		}
		crm_buf_free(&t);
		crm_error_clear();
	}
	return crm_xstrdup(b->gitdir);
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* A row of ix_files, loaded for the comparison; path points into an arena. */
typedef struct {
	const char *path;
	long long fid;
	crm_fstat st;   /* size -1: never matches a file */
	bool racy;      /* stored while the file could still change unseen */
	bool has_chash;
	uint64_t chash; /* then: the hash of the bytes that were read */
	bool seen;
} frow;

static int frow_cmp(const void *a, const void *b)
{
	return strcmp(((const frow *)a)->path, ((const frow *)b)->path);
}

/*
 * A file changed within the clock's coarse tick of now could change again
 * without its times moving (git's "racily clean" rule): its row is marked,
 * with the hash of the bytes read, and a later read that finds the same
 * stat reads the bytes again to compare, until the file is old enough.
 */
static bool racy(const crm_fstat *fs, time_t now)
{
	return fs->mtime / 1000000000LL >= now - 1 || fs->ctime / 1000000000LL >= now - 1;
}

/* lstat the file: what the index compares, whether it is racy, and (when
 * is_link is not NULL) whether it is a symbolic link. */
static bool lstat_file(const crm_book *b, const char *rel, crm_fstat *fs, time_t now, bool *is_racy,
		       bool *is_link)
{
	char *abs = crm_book_abs(b, rel);
	struct stat st;
	int rc = lstat(abs, &st);
	free(abs);
	if (rc != 0)
		return false;
	*fs = crm_fstat_of(&st);
	*is_racy = racy(fs, now);
	if (is_link)
		*is_link = S_ISLNK(st.st_mode);
	return true;
}

/* The file's stat: from the scan when it took one, else lstat now. */
static bool entry_stat(const crm_book *b, const crm_entry *e, crm_fstat *fs, time_t now,
		       bool *is_racy)
{
	if (!e->has_stat)
		return lstat_file(b, e->path, fs, now, is_racy, NULL);
	*fs = e->st;
	*is_racy = racy(fs, now);
	return true;
}

/* Whether the file's bytes hash to h (the bytes a racy row was made from). */
static bool same_bytes(const crm_book *b, const char *rel, uint64_t h)
{
	char *abs = crm_book_abs(b, rel);
	crm_buf buf = CRM_BUF_INIT;
	bool ok = crm_buf_read_file(&buf, abs) == 0 && crm_ix_fnv(buf.ptr, buf.len, CRM_IX_FNV_BASIS) == h;
	crm_error_clear();
	crm_buf_free(&buf);
	free(abs);
	return ok;
}

static bool same(const crm_fstat *a, const crm_fstat *b)
{
	return a->size >= 0 && a->size == b->size && a->mtime == b->mtime &&
	       a->ctime == b->ctime && a->ino == b->ino;
}

static void (*progress_fn)(size_t done, size_t total);

void crm_index_set_progress(void (*fn)(size_t done, size_t total))
{
	progress_fn = fn;
}

/* The rows of ix_files, their paths in one arena (one allocation, not 100,000). */
typedef struct {
	frow *v;
	size_t n;
	crm_buf arena;
} frows;

static void frows_free(frows *f)
{
	free(f->v);
	crm_buf_free(&f->arena);
}

/* Append st's row (path, fid, size, mtime, ctime, ino); its path is an
 * offset into the arena, which moves as it grows, until frows_done. */
static void frows_push(frows *out, size_t *cap, sqlite3_stmt *st)
{
	if (out->n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		out->v = crm_xrealloc(out->v, *cap * sizeof *out->v);
	}
	frow *f = &out->v[out->n++];
	f->path = (const char *)(uintptr_t)out->arena.len;
	crm_buf_put(&out->arena, (const char *)sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0) + 1);
	f->fid = sqlite3_column_int64(st, 1);
	f->st.size = sqlite3_column_int64(st, 2);
	f->st.mtime = sqlite3_column_int64(st, 3);
	f->st.ctime = sqlite3_column_int64(st, 4);
	f->st.ino = sqlite3_column_int64(st, 5);
	f->racy = sqlite3_column_int(st, 6) != 0;
	f->has_chash = sqlite3_column_type(st, 7) != SQLITE_NULL;
	f->chash = (uint64_t)sqlite3_column_int64(st, 7);
	f->seen = false;
}

/* The file's row no longer needs its bytes compared (inside the write transaction). */
static int unmark_racy(crm_ix_stmts *q, long long fid)
{
	sqlite3_bind_int64(q->s[S_FILE_UNRACY], 1, fid);
	int rc = sqlite3_step(q->s[S_FILE_UNRACY]) == SQLITE_DONE ? 0 : -1;
	sqlite3_reset(q->s[S_FILE_UNRACY]);
	return rc;
}

static void frows_done(frows *out)
{
	for (size_t i = 0; i < out->n; i++)
		out->v[i].path = out->arena.ptr + (uintptr_t)out->v[i].path;
}

static int load_frows(sqlite3 *db, frows *out)
{
	sqlite3_stmt *st;
	*out = (frows){.arena = CRM_BUF_INIT};
	if (sqlite3_prepare_v2(db, "SELECT path, fid, size, mtime, ctime, ino, racy, chash FROM ix_files ORDER BY path", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		frows_push(out, &cap, st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		frows_free(out);
		*out = (frows){.arena = CRM_BUF_INIT};
		return -1;
	}
	frows_done(out);
	/* ORDER BY path walks the UNIQUE index: BINARY collation is strcmp's order */
	return 0;
}

/* The row of `path`: the one after the last match when the orders agree (the
 * usual case, as both come sorted), else a binary search. */
static frow *find_frow(frows *f, size_t *cursor, const char *path)
{
	if (*cursor < f->n && !strcmp(f->v[*cursor].path, path))
		return &f->v[(*cursor)++];
	frow key = {.path = path};
	frow *hit = f->n ? bsearch(&key, f->v, f->n, sizeof *f->v, frow_cmp) : NULL;
	if (hit)
		*cursor = (size_t)(hit - f->v) + 1;
	return hit;
}

/*
 * Compare the working tree with ix_files and bring the rows up to date.
 * With `write` false only count what differs (*dirty), writing nothing.
 */
/* ---- folders: skip the file-by-file comparison where nothing moved ---- */

/* One folder of the book as the scan found it, or as ix_dirs remembers it. */
typedef struct {
	const char *name; /* a path's folder: points into an entry's path or `gone` */
	size_t len;
	uint64_t hash, stored;
	bool has_stored, present, unstable, changed;
} dir_t;

typedef struct {
	dir_t *v;
	size_t n, cap;
	size_t *slot; /* open addressing over v, SIZE_MAX empty */
	size_t nslot;
	size_t *of;   /* of[i]: the folder of entry i */
	char **gone;  /* names of folders known only from ix_dirs (owned) */
	size_t ngone;
	bool all;     /* compare everything: ix_dirs could not be read */
} dirs_t;

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static size_t dir_find(dirs_t *d, const char *name, size_t len, bool add)
{
	if (d->n * 2 >= d->nslot) {
		size_t ns = d->nslot ? d->nslot * 2 : 256;
		free(d->slot);
		d->slot = crm_xcalloc(ns, sizeof *d->slot);
		for (size_t k = 0; k < ns; k++)
			d->slot[k] = SIZE_MAX;
		d->nslot = ns;
		for (size_t k = 0; k < d->n; k++) {
			size_t h = (size_t)crm_ix_fnv(d->v[k].name, d->v[k].len, CRM_IX_FNV_BASIS) & (ns - 1);
			while (d->slot[h] != SIZE_MAX)
				h = (h + 1) & (ns - 1);
			d->slot[h] = k;
		}
	}
	size_t h = (size_t)crm_ix_fnv(name, len, CRM_IX_FNV_BASIS) & (d->nslot - 1);
	for (; d->slot[h] != SIZE_MAX; h = (h + 1) & (d->nslot - 1)) {
		dir_t *x = &d->v[d->slot[h]];
		if (x->len == len && !memcmp(x->name, name, len))
			return d->slot[h];
	}
	if (!add)
		return SIZE_MAX;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = crm_xrealloc(d->v, d->cap * sizeof *d->v);
	}
	d->v[d->n] = (dir_t){.name = name, .len = len};
	d->slot[h] = d->n;
	return d->n++;
}

static void dirs_free(dirs_t *d)
{
	free(d->v);
	free(d->slot);
	free(d->of);
	for (size_t i = 0; i < d->ngone; i++)
		free(d->gone[i]);
	free(d->gone);
}

/*
 * Group the entries by folder, hash what the scan's lstat said of each
 * (path, link or not, size, times, inode), and compare with ix_dirs. A
 * folder with a file that lstat did not see, or that changed within the
 * racy second, is never trusted.
 */
static void dirs_load(sqlite3 *db, const crm_entry *v, size_t n, time_t now, dirs_t *d)
{
	*d = (dirs_t){0};
	d->of = crm_xcalloc(n ? n : 1, sizeof *d->of);
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(v[i].path, '/');
		size_t len = slash ? (size_t)(slash - v[i].path) : 0;
		size_t k = dir_find(d, v[i].path, len, true);
		dir_t *x = &d->v[k];
		d->of[i] = k;
		x->present = true;
		const crm_fstat *st = &v[i].st;
		if (!v[i].has_stat || racy(st, now))
			x->unstable = true;
		uint64_t h = crm_ix_fnv(v[i].path, strlen(v[i].path), CRM_IX_FNV_BASIS);
		h = mix(h ^ (uint64_t)v[i].symlink);
		h = mix(h ^ (uint64_t)st->size);
		h = mix(h ^ (uint64_t)st->mtime);
		h = mix(h ^ (uint64_t)st->ctime);
		h = mix(h ^ (uint64_t)st->ino);
		x->hash += h; /* a sum: the order of files does not matter */
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT dir, hash FROM ix_dirs", -1, &st, NULL) != SQLITE_OK) {
		d->all = true;
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		size_t k = name ? dir_find(d, name, len, false) : SIZE_MAX;
		if (k == SIZE_MAX) {
			/* gone from the tree (not present): its rows must go too */
			d->gone = crm_xrealloc(d->gone, (d->ngone + 1) * sizeof *d->gone);
			char *copy = d->gone[d->ngone++] = crm_xstrndup(name ? name : "", len);
			dir_find(d, copy, len, true);
			continue;
		}
		d->v[k].stored = (uint64_t)sqlite3_column_int64(st, 1);
		d->v[k].has_stored = true;
	}
	if (sqlite3_finalize(st) != SQLITE_OK)
		d->all = true;
	for (size_t k = 0; k < d->n; k++) {
		dir_t *x = &d->v[k];
		x->changed = d->all || !x->present || x->unstable || !x->has_stored || x->stored != x->hash;
	}
}

/* The rows of ix_files in the changed folders only, in path order. */
static int load_dir_frows(sqlite3 *db, const dirs_t *d, frows *out)
{
	*out = (frows){.arena = CRM_BUF_INIT};
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT path, fid, size, mtime, ctime, ino, racy, chash FROM ix_files"
				   " WHERE path > ?1 AND path < ?2", -1, &st, NULL) != SQLITE_OK)
		return -1;
	size_t cap = 0;
	int rc = SQLITE_DONE;
	for (size_t k = 0; k < d->n && rc == SQLITE_DONE; k++) {
		const dir_t *x = &d->v[k];
		if (!x->changed)
			continue;
		/* "dir/" < path < "dir0": the folder and those below; keep its own */
		char *lo = crm_xasprintf("%.*s/", (int)x->len, x->name);
		char *hi = crm_xasprintf("%.*s0", (int)x->len, x->name);
		sqlite3_bind_text(st, 1, lo, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, hi, -1, SQLITE_TRANSIENT);
		free(lo);
		free(hi);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *path = (const char *)sqlite3_column_text(st, 0);
			if (!path || strchr(path + x->len + 1, '/'))
				continue;
			frows_push(out, &cap, st);
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		frows_free(out);
		*out = (frows){.arena = CRM_BUF_INIT};
		return -1;
	}
	frows_done(out);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, frow_cmp);
	return 0;
}

/* Remember the folders whose rows are now up to date (inside the write transaction). */
static int dirs_store(sqlite3 *db, const dirs_t *d, const bool *racy_dir)
{
	sqlite3_stmt *put, *del;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO ix_dirs VALUES(?1, ?2)", -1, &put, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "DELETE FROM ix_dirs WHERE dir = ?1", -1, &del, NULL) != SQLITE_OK) {
		sqlite3_finalize(put);
		return -1;
	}
	int rc = 0;
	for (size_t k = 0; k < d->n && !rc; k++) {
		const dir_t *x = &d->v[k];
		if (!x->changed)
			continue;
		bool keep = x->present && !x->unstable && !racy_dir[k];
		sqlite3_stmt *s = keep ? put : del;
		sqlite3_bind_text(s, 1, x->name, (int)x->len, SQLITE_TRANSIENT);
		if (keep)
			sqlite3_bind_int64(s, 2, (sqlite3_int64)x->hash);
		int r = sqlite3_step(s);
		sqlite3_reset(s);
		rc = r == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	return rc;
}

/* ---- re-reading records: parsing on a second thread, SQL on this one ---- */

/* A file the write pass re-reads: entry i, its row (or a new one), its stat. */
typedef struct {
	size_t i;
	long long fid;
	bool is_new;
	crm_fstat fs;
	bool racy;
} todo_t;

enum { AHEAD = 64, THREAD_MIN = 256 }; /* loaded ahead at most; fewer files: one thread */

/*
 * Reading and parsing take more than half of a first build and need nothing
 * from SQLite, so both threads do them: a helper reads records ahead, and
 * the store, which alone writes to SQLite, reads the next unclaimed one
 * itself instead of waiting for the helper. Records are claimed in order
 * and at most AHEAD beyond the last one stored. Each thread frees what it
 * read (freeing into the other thread's malloc arena takes that arena's
 * lock on every node of every tree), so the store gives the helper's
 * records back through their slots. The helper sleeps only when the window
 * is full and is woken when half of it is free again: a wake-up per record
 * cost more than a tenth of a build.
 */
typedef struct {
	const crm_book *b;
	const crm_entry *v;
	const todo_t *todo;
	size_t n;
	crm_ix_loaded *slot;
	/* under mu */
	unsigned char *state; /* of slot k: UNREAD, or who read it */
	size_t claimed, consumed;
	bool stop;
	bool helper_waits, store_waits;
	size_t store_k; /* what the store waits for */
	pthread_mutex_t mu;
	pthread_cond_t cv;
} loader;

enum { UNREAD, READ_BY_STORE, READ_BY_HELPER };

/* Claim the next record to read, under L->mu; false when none may be now. */
static bool claim(loader *L, size_t *k)
{
	if (L->stop || L->claimed >= L->n || L->claimed >= L->consumed + AHEAD)
		return false;
	*k = L->claimed++;
	return true;
}

/* Read record k (claimed) into its slot; takes and leaves L->mu held. */
static void read_claimed(loader *L, size_t k, bool helper)
{
	pthread_mutex_unlock(&L->mu);
	crm_ix_loaded x;
	crm_ix_load(L->b, &L->v[L->todo[k].i], &x);
	pthread_mutex_lock(&L->mu);
	L->slot[k] = x;
	L->state[k] = helper ? READ_BY_HELPER : READ_BY_STORE;
	if (L->store_waits && k == L->store_k)
		pthread_cond_broadcast(&L->cv);
}

static void *load_run(void *arg)
{
	loader *L = arg;
	size_t freed = 0;
	pthread_mutex_lock(&L->mu);
	while (!L->stop) {
		/* the slots below `consumed` are the store's no more */
		size_t done = L->consumed;
		if (freed < done) {
			pthread_mutex_unlock(&L->mu);
			for (; freed < done; freed++) {
				crm_record_free(L->slot[freed].r);
				L->slot[freed].r = NULL;
			}
			pthread_mutex_lock(&L->mu);
		}
		size_t k;
		if (claim(L, &k)) {
			read_claimed(L, k, true);
			continue;
		}
		if (L->claimed >= L->n)
			break;
		L->helper_waits = true;
		while (!L->stop && L->claimed >= L->consumed + AHEAD / 2)
			pthread_cond_wait(&L->cv, &L->mu);
		L->helper_waits = false;
	}
	pthread_mutex_unlock(&L->mu);
	/* what the store gave back and this thread has not freed yet is freed
	 * by the store after the join; the blocks kept for the next document
	 * are this thread's */
	crm_doc_thread_done();
	crm_error_clear(); /* this thread's */
	return NULL;
}

/* Take record k for the store, reading records itself while it is not
 * ready; under L->mu. */
static crm_ix_loaded take(loader *L, size_t k)
{
	size_t j;
	while (L->state[k] == UNREAD) {
		if (claim(L, &j)) {
			read_claimed(L, j, false);
			continue;
		}
		L->store_waits = true;
		L->store_k = k;
		while (L->state[k] == UNREAD)
			pthread_cond_wait(&L->cv, &L->mu);
		L->store_waits = false;
	}
	crm_ix_loaded x = L->slot[k];
	L->slot[k] = (crm_ix_loaded){0};
	return x;
}

static void progress(size_t k, size_t n, const struct timespec *t0, bool *show)
{
	if (!progress_fn || (k & 255) != 0)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (*show || t1.tv_sec - t0->tv_sec + (t1.tv_nsec - t0->tv_nsec) / 1e9 > 1.0) {
		*show = true;
		progress_fn(k, n);
	}
}

/*
 * Store every file of todo, in order; with many files, two threads read
 * them (see loader above).
 */
static int store_all(crm_index *ix, crm_ix_stmts *q, const crm_entry *v, const todo_t *todo, size_t n)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool show = false;
	int rc = 0;
	loader L = {.b = ix->book, .v = v, .todo = todo, .n = n};
	pthread_t th;
	bool threaded = n >= THREAD_MIN && pthread_mutex_init(&L.mu, NULL) == 0;
	if (threaded && pthread_cond_init(&L.cv, NULL) != 0) {
		pthread_mutex_destroy(&L.mu);
		threaded = false;
	}
	if (threaded) {
		L.slot = crm_xcalloc(n, sizeof *L.slot);
		L.state = crm_xcalloc(n, sizeof *L.state);
		if (pthread_create(&th, NULL, load_run, &L) != 0) {
			free(L.slot);
			free(L.state);
			pthread_cond_destroy(&L.cv);
			pthread_mutex_destroy(&L.mu);
			threaded = false;
		}
	}
	for (size_t k = 0; k < n && !rc; k++) {
		const todo_t *t = &todo[k];
		crm_ix_loaded x;
		if (threaded) {
			pthread_mutex_lock(&L.mu);
			x = take(&L, k);
			pthread_mutex_unlock(&L.mu);
		} else {
			crm_ix_load(ix->book, &v[t->i], &x);
		}
		rc = crm_ix_store(ix->book, q, t->fid, t->is_new, &v[t->i], &t->fs, t->racy, &x);
		if (threaded) {
			pthread_mutex_lock(&L.mu);
			if (L.state[k] == READ_BY_HELPER) {
				L.slot[k].r = x.r; /* for the helper to free */
				x.r = NULL;
			}
			L.consumed = k + 1;
			if (L.helper_waits && L.claimed < L.consumed + AHEAD / 2)
				pthread_cond_broadcast(&L.cv);
			pthread_mutex_unlock(&L.mu);
		}
		crm_record_free(x.r);
		progress(k, n, &t0, &show);
	}
	if (threaded) {
		pthread_mutex_lock(&L.mu);
		L.stop = true;
		pthread_cond_broadcast(&L.cv);
		pthread_mutex_unlock(&L.mu);
		pthread_join(th, NULL);
		/* what was read ahead of a failure */
		for (size_t k = 0; k < n; k++) {
			crm_record_free(L.slot[k].r);
			crm_diags_free(&L.slot[k].d);
		}
		free(L.slot);
		free(L.state);
		pthread_cond_destroy(&L.cv);
		pthread_mutex_destroy(&L.mu);
	}
	if (show)
		progress_fn(n, n);
	return rc;
}

/*
 * Compare the scanned files with ix_files and, with `write`, bring the rows
 * up to date. *dirty counts what differs; *writes (may be NULL) the part of
 * it that needs a write but no record read again: a folder's hash, the mark
 * of a racy row whose file is now old enough.
 */
static int sync_files(crm_index *ix, const crm_entry *v, size_t n, bool write, size_t *dirty,
		      size_t *writes)
{
	size_t none;
	if (!writes)
		writes = &none;
	*writes = 0;
	frows fr;
	*dirty = 0;
	time_t now = time(NULL);
	dirs_t dirs;
	ix->stats.compared = 0; /* of this pass: the write pass when there is one */
	dirs_load(ix->db, v, n, now, &dirs);
	size_t nchanged = 0;
	for (size_t k = 0; k < dirs.n; k++)
		nchanged += dirs.v[k].changed;
	if (nchanged == 0) {
		dirs_free(&dirs);
		return 0;
	}
	/* a few folders: their rows alone; many (a first build): all at once */
	if (dirs.all || nchanged * 4 > dirs.n ? load_frows(ix->db, &fr) : load_dir_frows(ix->db, &dirs, &fr)) {
		dirs_free(&dirs);
		return -1;
	}
	bool *racy_dir = crm_xcalloc(dirs.n ? dirs.n : 1, sizeof *racy_dir);
	frow *rows = fr.v;
	size_t nrows = fr.n, cursor = 0;
	crm_ix_stmts q;
	int rc = 0;
	if (write && crm_ix_stmts_prepare(ix->db, &q)) {
		crm_ix_stmts_free(&q);
		frows_free(&fr);
		dirs_free(&dirs);
		free(racy_dir);
		return -1;
	}
	todo_t *todo = NULL;
	size_t ntodo = 0, todocap = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!dirs.v[dirs.of[i]].changed)
			continue;
		ix->stats.compared++;
		crm_fstat fs;
		frow *f = find_frow(&fr, &cursor, v[i].path);
		if (f)
			f->seen = true;
		/* the scan's stat is older than the content read after it: at worst
		 * a later read looks again, never the other way round */
		bool is_racy = false;
		bool ok = entry_stat(ix->book, &v[i], &fs, now, &is_racy);
		if (!ok) {
			fs = (crm_fstat){-1, 0, 0, 0};
		} else if (f && same(&f->st, &fs)) {
			if (!f->racy)
				continue;
			/* its row was made while it could change unseen: the same bytes? */
			if (f->has_chash && same_bytes(ix->book, v[i].path, f->chash)) {
				if (is_racy)
					continue; /* as indexed, and still to be checked */
				/* old enough now: the row is worth a write, not a re-read */
				(*dirty)++;
				(*writes)++;
				if (write)
					rc = unmark_racy(&q, f->fid);
				continue;
			}
		}
		(*dirty)++;
		if (!ok || is_racy)
			racy_dir[dirs.of[i]] = true;
		if (!write)
			continue;
		ix->stats.reread++;
		if (ntodo == todocap) {
			todocap = todocap ? todocap * 2 : 256;
			todo = crm_xrealloc(todo, todocap * sizeof *todo);
		}
		todo[ntodo++] = (todo_t){i, f ? f->fid : 0, !f, fs, is_racy};
	}
	if (!rc && ntodo)
		rc = store_all(ix, &q, v, todo, ntodo);
	free(todo);
	for (size_t i = 0; i < nrows && !rc; i++) {
		if (rows[i].seen)
			continue;
		/* all rows were loaded: those of unchanged folders were not looked at */
		const char *slash = strrchr(rows[i].path, '/');
		size_t k = dir_find(&dirs, rows[i].path, slash ? (size_t)(slash - rows[i].path) : 0, false);
		if (k != SIZE_MAX && !dirs.v[k].changed)
			continue;
		(*dirty)++;
		if (!write)
			continue;
		ix->stats.removed++;
		rc = crm_ix_drop(&q, rows[i].fid);
	}
	/* a changed folder whose files all match still gets its hash stored
	 * (a touch of its rows, or another process, brought it up to date) */
	if (write && !rc && !dirs.all)
		rc = dirs_store(ix->db, &dirs, racy_dir);
	else if (!write && !dirs.all)
		for (size_t k = 0; k < dirs.n; k++) { /* worth a write: a hash to store or drop */
			bool h = dirs.v[k].changed && (!dirs.v[k].present || !dirs.v[k].unstable);
			*dirty += h;
			*writes += h;
		}
	if (write)
		crm_ix_stmts_free(&q);
	frows_free(&fr);
	dirs_free(&dirs);
	free(racy_dir);
	return rc;
}

/* Empty the data and stamp the fingerprint. Inside a write transaction. */
static int reset(sqlite3 *db, const char *fp)
{
	sqlite3_stmt *st;
	if (crm_ix_clear(db) || exec(db, "DELETE FROM ix_dirs") != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO ix_meta VALUES('fingerprint', ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	crm_ix_bind_str(st, 1, fp);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/* The stored fingerprint; NULL when unreadable. SQLITE_* code in *err. */
static char *stored_fingerprint(sqlite3 *db, int *err)
{
	sqlite3_stmt *st;
	char *fp = NULL;
	*err = sqlite3_prepare_v2(db, "SELECT value FROM ix_meta WHERE key='fingerprint'", -1, &st, NULL);
	if (*err != SQLITE_OK)
		return NULL;
	*err = sqlite3_step(st);
	if (*err == SQLITE_ROW) {
		fp = crm_xstrdup((const char *)sqlite3_column_text(st, 0));
		*err = SQLITE_OK;
	} else if (*err == SQLITE_DONE) {
		*err = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return fp;
}

/* Bring the open database up to date: the fingerprint, then the files. */
static int refresh(crm_index *ix, const crm_entry *v, size_t n)
{
	sqlite3 *db = ix->db;
	char *fp = fingerprint(ix->book);
	int err;
	/* first look without the write lock: an unchanged book writes nothing */
	if (exec(db, "BEGIN") != SQLITE_OK)
		goto fail;
	char *old = stored_fingerprint(db, &err);
	size_t dirty = 0;
	bool fresh = err == SQLITE_OK && old && !strcmp(old, fp);
	free(old);
	if (err != SQLITE_OK)
		goto fail;
	if (fresh && sync_files(ix, v, n, false, &dirty, NULL))
		goto fail;
	exec(db, "COMMIT");
	if (fresh && dirty == 0) {
		free(fp);
		return 0;
	}
	if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK)
		goto fail;
	old = stored_fingerprint(db, &err);
	if (err != SQLITE_OK) {
		free(old);
		goto fail;
	}
	if (!old || strcmp(old, fp)) {
		ix->stats.rebuilt = true;
		if (reset(db, fp)) {
			free(old);
			goto fail;
		}
	}
	free(old);
	if (dirty > 1000 || !fresh)
		exec(db, "PRAGMA cache_size=-16000"); /* many rows to write */
	int synced = sync_files(ix, v, n, true, &dirty, NULL);
	if (synced || exec(db, "COMMIT") != SQLITE_OK)
		goto fail;
	free(fp);
	return 0;
fail:
	ix->err = sqlite3_errcode(db);
	exec(db, "ROLLBACK");
	free(fp);
	return -1;
}

/* The format the tables were made for; NULL when none is stored. */
static char *stored_format(sqlite3 *db)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM ix_meta WHERE key='format'", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = crm_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/*
 * Make the tables when the database is new. -2 when it holds another
 * format's tables (the caller deletes the file and starts again: indexes and
 * columns change between formats, not only what goes into them).
 */
static int create_schema(sqlite3 *db)
{
	int err;
	char *fp = stored_fingerprint(db, &err);
	free(fp);
	if (err == SQLITE_OK) {
		char *format = stored_format(db);
		bool ours = format && !strcmp(format, FORMAT);
		free(format);
		return ours ? 0 : -2;
	}
	if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK)
		return -1;
	/* another process may have made it meanwhile */
	fp = stored_fingerprint(db, &err);
	free(fp);
	if (err == SQLITE_OK)
		return exec(db, "COMMIT") == SQLITE_OK ? 0 : -1;
	if (exec(db, schema_sql) != SQLITE_OK ||
	    exec(db, "INSERT INTO ix_meta VALUES('format', '" FORMAT "')") != SQLITE_OK) {
		exec(db, "ROLLBACK");
		return -1;
	}
	return exec(db, "COMMIT") == SQLITE_OK ? 0 : -1;
}

sqlite3 *crm_ix_open_db(const char *file, int flags)
{
	sqlite3 *db = NULL;
	/* one thread uses a connection at a time: SQLite's own mutex on every
	 * call (a tenth of a warm read) buys nothing */
	if (sqlite3_open_v2(file, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 60000); /* a first build of a big book takes a while */
	return db;
}

static void unlink_db(const char *file)
{
	char *w = crm_xasprintf("%s-wal", file), *s = crm_xasprintf("%s-shm", file);
	unlink(file);
	unlink(w);
	unlink(s);
	free(w);
	free(s);
}

/* Open (creating) the on-disk index and refresh it; NULL when it cannot. */
static sqlite3 *open_disk(crm_index *ix, const char *dir, const char *file, const crm_entry *v,
			  size_t n)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		mkdir(dir, 0755);
		struct stat st;
		bool created = stat(file, &st) != 0 || st.st_size == 0;
		sqlite3 *db = crm_ix_open_db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
		if (!db)
			return NULL;
		ix->db = db;
		/* before the first table: a page of 8 KB holds three records'
		 * search text where one of 4 KB held one (half the pages to read) */
		int rc = exec(db, "PRAGMA page_size=8192");
		/* a first build writes every page once, straight into the new file;
		 * in WAL mode each went to the log and was copied over after (and
		 * pages the cache let go were logged twice): 7 % of a first build */
		if (rc == SQLITE_OK)
			rc = exec(db, created ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL");
		if (rc == SQLITE_OK)
			rc = exec(db, "PRAGMA synchronous=OFF"); /* a cache: damage is detected and rebuilt */
		if (rc == SQLITE_OK)
			rc = exec(db, "PRAGMA cache_size=-2000"); /* reads (SQLite's default); a big refresh takes more */
		ix->err = 0;
		int made = rc == SQLITE_OK ? create_schema(db) : -1;
		if (made == 0 && refresh(ix, v, n) == 0) {
			/* then WAL, so that readers never wait for a writer; should
			 * another process hold it open, the next open does it */
			if (created)
				exec(db, "PRAGMA journal_mode=WAL");
			return db;
		}
		int code = made == -2 ? SQLITE_SCHEMA : ix->err ? ix->err : sqlite3_errcode(db);
		sqlite3_close(db);
		ix->db = NULL;
		/* a read-only .git or another crm holding on too long: answer from memory;
		 * anything else (garbage, damage, another version's tables): it is a
		 * cache, start again */
		if (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_READONLY ||
		    code == SQLITE_CANTOPEN || code == SQLITE_PERM || code == SQLITE_FULL ||
		    code == SQLITE_IOERR || code == SQLITE_NOMEM)
			return NULL;
		unlink_db(file);
		ix->stats = (crm_index_stats){0};
	}
	return NULL;
}

/* Open and refresh the index for the scanned files v; NULL when even memory fails. */
static crm_index *open_scanned(crm_book *b, const crm_entry *v, size_t n, int *rc)
{
	crm_index *ix = crm_xcalloc(1, sizeof *ix);
	ix->book = b;
	char *gd = real_gitdir(b);
	char *dir = crm_xasprintf("%s/crm", gd);
	char *file = crm_xasprintf("%s/index.sqlite", dir);
	struct stat st;
	if (stat(gd, &st) == 0 && S_ISDIR(st.st_mode))
		ix->db = open_disk(ix, dir, file, v, n);
	if (!ix->db) {
		/* the cache cannot be used: answer from the files, in memory */
		ix->stats = (crm_index_stats){.memory = true};
		ix->db = crm_ix_open_db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY);
		if (!ix->db || create_schema(ix->db) || refresh(ix, v, n)) {
			*rc = crm_error_set(CRM_EIO, "cannot index the book: %s",
					    ix->db ? sqlite3_errmsg(ix->db) : "out of memory");
			crm_index_free(ix);
			ix = NULL;
		}
	}
	if (ix) {
		ix->stats.records = n;
		/* one read transaction for every query that follows: one snapshot,
		 * and no lock taken and dropped per statement */
		ix->reading = exec(ix->db, "BEGIN") == SQLITE_OK;
	}
	free(gd);
	free(dir);
	free(file);
	return ix;
}

/*
 * The walk of customers/ beside the answer: the scan thread reads the
 * folders, then lstat-s their files; the asking thread, once it has its
 * answer, takes a share of the lstat-ing (most of the walk's time).
 */
typedef struct {
	crm_book *b;
	crm_entry *v;
	size_t n;
	int rc;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool listed;          /* v, n and rc are set; stat is the job, if any */
	crm_stat_job *stat;
	pthread_t th;
	bool threaded;
} scan_job;

static void *scan_run(void *arg)
{
	scan_job *j = arg;
	int rc = crm_book_scan(j->b, &j->v, &j->n);
	pthread_mutex_lock(&j->mu);
	j->rc = rc;
	if (!rc)
		j->stat = crm_stat_job_new(j->b, j->v, j->n);
	j->listed = true;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->mu);
	if (!rc)
		crm_stat_job_work(j->stat);
	return NULL;
}

/* Start the walk on a second thread (on this one when none can start). */
static void scan_start(scan_job *j, crm_book *b)
{
	*j = (scan_job){.b = b};
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cond, NULL);
	j->threaded = pthread_create(&j->th, NULL, scan_run, j) == 0;
	if (!j->threaded)
		scan_run(j);
}

/*
 * Take a share of the lstat-ing once the folders are read, and wait for
 * the rest. Returns the walk's result, its error said on this thread.
 */
static int scan_finish(scan_job *j)
{
	if (j->threaded) {
		pthread_mutex_lock(&j->mu);
		while (!j->listed)
			pthread_cond_wait(&j->cond, &j->mu);
		pthread_mutex_unlock(&j->mu);
		if (j->stat)
			crm_stat_job_work(j->stat);
		pthread_join(j->th, NULL);
	}
	crm_stat_job_free(j->stat);
	j->stat = NULL;
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cond);
	if (j->rc) {
		/* again here: the error state is per thread, the scanner's is gone */
		crm_entries_free(j->v, j->n);
		j->v = NULL;
		j->n = 0;
		j->rc = crm_book_scan_stat(j->b, &j->v, &j->n);
	}
	return j->rc;
}

int crm_index_open(crm_index **out, crm_book *b, crm_diags *d)
{
	*out = NULL;
	scan_job j;
	scan_start(&j, b);
	int rc = scan_finish(&j);
	if (!rc)
		*out = open_scanned(b, j.v, j.n, &rc);
	crm_entries_free(j.v, j.n);
	(void)d;
	return rc;
}

/* The on-disk index, when there is one (never created here). */
static sqlite3 *open_existing(crm_book *b)
{
	char *gd = real_gitdir(b);
	char *file = crm_xasprintf("%s/crm/index.sqlite", gd);
	free(gd);
	struct stat st;
	sqlite3 *db = stat(file, &st) == 0 ? crm_ix_open_db(file, SQLITE_OPEN_READWRITE) : NULL;
	free(file);
	return db;
}

/*
 * The index as it stands, in a read transaction, when it exists and was
 * made for this format, schema and crm.yaml; else NULL (and nothing open).
 */
static crm_index *open_as_is(crm_book *b)
{
	sqlite3 *db = open_existing(b);
	if (!db)
		return NULL;
	/* as open_disk: it may refresh the index too */
	bool ok = exec(db, "PRAGMA synchronous=OFF") == SQLITE_OK &&
		  exec(db, "PRAGMA cache_size=-2000") == SQLITE_OK && exec(db, "BEGIN") == SQLITE_OK;
	if (ok) {
		char *format = stored_format(db), *fp = fingerprint(b);
		int err;
		char *old = stored_fingerprint(db, &err);
		ok = format && !strcmp(format, FORMAT) && old && !strcmp(old, fp);
		free(format);
		free(fp);
		free(old);
		if (!ok)
			exec(db, "ROLLBACK");
	}
	if (!ok) {
		sqlite3_close(db);
		return NULL;
	}
	crm_index *ix = crm_xcalloc(1, sizeof *ix);
	ix->book = b;
	ix->db = db;
	ix->reading = true;
	return ix;
}

int crm_index_open_ask(crm_index **out, crm_book *b, crm_index_ask_fn ask, void (*drop)(void *),
		       void *arg)
{
	*out = NULL;
	scan_job j;
	scan_start(&j, b);
	crm_index *ix = open_as_is(b);
	bool asked = false;
	if (ix) {
		asked = ask(ix, arg) == 0;
		if (!asked)
			drop(arg);
		crm_error_clear();
	}
	int rc = scan_finish(&j);
	if (ix && asked && !rc) {
		/*
		 * The same snapshot as the answer: does it still hold? When every
		 * file is as the index has it, it stands, and what is only worth
		 * a write (a folder's hash, the mark of a racy row now old
		 * enough) is written for the next read; else it is thrown away
		 * and asked again once this connection has refreshed the index.
		 */
		size_t dirty = 1, writes = 0;
		bool stands = sync_files(ix, j.v, j.n, false, &dirty, &writes) == 0 && dirty == writes;
		if (!stands)
			drop(arg);
		bool fresh = stands && dirty == 0;
		if (!fresh && exec(ix->db, "COMMIT") == SQLITE_OK) {
			fresh = refresh(ix, j.v, j.n) == 0;
			crm_error_clear(); /* an answer that stands does without it */
			ix->reading = exec(ix->db, "BEGIN") == SQLITE_OK;
		}
		if (stands || (fresh && ix->reading)) {
			ix->stats.records = j.n;
			crm_entries_free(j.v, j.n);
			*out = ix;
			return stands ? 0 : ask(ix, arg);
		}
	}
	crm_index_free(ix);
	if (!rc) {
		*out = open_scanned(b, j.v, j.n, &rc);
		if (*out)
			rc = ask(*out, arg);
	}
	crm_entries_free(j.v, j.n);
	return rc;
}

struct sqlite3 *crm_index_db(crm_index *ix)
{
	return ix ? ix->db : NULL;
}

const crm_index_stats *crm_index_last_stats(const crm_index *ix)
{
	return &ix->stats;
}

void crm_index_free(crm_index *ix)
{
	if (!ix)
		return;
	if (ix->reading)
		exec(ix->db, "COMMIT");
	sqlite3_close(ix->db);
	free(ix);
}

void crm_index_touch(crm_book *b, const char *const *paths, size_t n)
{
	/* only an index that exists and is current is worth updating; else the
	 * next read refreshes or rebuilds it */
	sqlite3 *db = open_existing(b);
	if (!db)
		return;
	crm_index ix = {.book = b, .db = db};
	char *fp = fingerprint(b);
	int err;
	crm_ix_stmts q;
	bool prepared = false;
	if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK)
		goto done;
	char *old = stored_fingerprint(db, &err);
	bool current = err == SQLITE_OK && old && !strcmp(old, fp);
	free(old);
	if (!current || crm_ix_stmts_prepare(db, &q))
		goto rollback;
	prepared = true;
	time_t now = time(NULL);
	sqlite3_stmt *find;
	if (sqlite3_prepare_v2(db, "SELECT fid FROM ix_files WHERE path = ?", -1, &find, NULL) != SQLITE_OK)
		goto rollback;
	/* their folders are compared file by file on the next read */
	sqlite3_stmt *undir;
	if (sqlite3_prepare_v2(db, "DELETE FROM ix_dirs WHERE dir = ?", -1, &undir, NULL) != SQLITE_OK) {
		sqlite3_finalize(find);
		goto rollback;
	}
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(paths[i], '/');
		sqlite3_bind_text(undir, 1, paths[i], slash ? (int)(slash - paths[i]) : 0, SQLITE_TRANSIENT);
		if (sqlite3_step(undir) != SQLITE_DONE) {
			sqlite3_finalize(undir);
			sqlite3_finalize(find);
			goto rollback;
		}
		sqlite3_reset(undir);
	}
	sqlite3_finalize(undir);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!crm_is_record_path(paths[i]))
			continue;
		crm_ix_bind_str(find, 1, paths[i]);
		long long fid = sqlite3_step(find) == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
		sqlite3_reset(find);
		crm_fstat fs;
		crm_entry e = {.path = (char *)paths[i], .id = crm_path_id(paths[i])};
		bool is_racy = false;
		if (!lstat_file(b, paths[i], &fs, now, &is_racy, &e.symlink)) {
			/* gone: drop its rows */
			if (fid)
				rc = crm_ix_drop(&q, fid);
		} else {
			rc = crm_ix_index_file(b, &q, fid, fid == 0, &e, &fs, is_racy);
		}
		free(e.id);
	}
	sqlite3_finalize(find);
	(void)ix;
	if (!rc && exec(db, "COMMIT") == SQLITE_OK)
		goto done;
rollback:
	exec(db, "ROLLBACK");
done:
	if (prepared)
		crm_ix_stmts_free(&q);
	free(fp);
	sqlite3_close(db);
	crm_error_clear();
}
