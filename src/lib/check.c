/*
 * check.c: validate a book, with a cache of per-record results.
 *
 * The cache (.git/crm/check-cache) holds, for each record, the stat data it
 * was checked at, the id written inside it, and its diagnostics. A record
 * whose stat data is unchanged is not read again. Entries for files modified
 * in the last two seconds are not stored, since a later edit in the same
 * clock tick would not change their stat data.
 */
#include "crm/check.h"
#include "crm/buf.h"
#include "crm/record.h"
#include "crm/staged.h"
#include "crm/team.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	char *path;
	char *key;       /* stat data as text */
	char *id;        /* the id inside the file, "" when none */
	char *name;      /* the name inside the file, "" when none */
	crm_diags diags;
} centry;

typedef struct {
	centry *v;
	size_t n, cap;
	size_t *slots;   /* open addressing: index+1, 0 = empty */
	size_t nslots;
} cache;

static uint64_t fnv(const char *s, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t slot_of(const cache *c, const char *path)
{
	size_t i = fnv(path, strlen(path), 1469598103934665603ULL) % c->nslots;
	while (c->slots[i] && strcmp(c->v[c->slots[i] - 1].path, path))
		i = (i + 1) % c->nslots;
	return i;
}

static void index_all(cache *c)
{
	free(c->slots);
	c->nslots = c->n * 2 + 16;
	c->slots = crm_xcalloc(c->nslots, sizeof *c->slots);
	for (size_t i = 0; i < c->n; i++)
		c->slots[slot_of(c, c->v[i].path)] = i + 1;
}

static centry *lookup(const cache *c, const char *path)
{
	if (!c->nslots)
		return NULL;
	size_t s = c->slots[slot_of(c, path)];
	return s ? &c->v[s - 1] : NULL;
}

static centry *push(cache *c, const char *path, const char *key, const char *id,
		     const char *name)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->v = crm_xrealloc(c->v, c->cap * sizeof *c->v);
	}
	centry *e = &c->v[c->n++];
	memset(e, 0, sizeof *e);
	e->path = crm_xstrdup(path);
	e->key = crm_xstrdup(key);
	e->id = crm_xstrdup(id ? id : "");
	e->name = crm_xstrdup(name ? name : "");
	return e;
}

static void cache_free(cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].key);
		free(c->v[i].id);
		free(c->v[i].name);
		crm_diags_free(&c->v[i].diags);
	}
	free(c->v);
	free(c->slots);
}

static char *file_sig(const crm_book *b, const char *rel)
{
	crm_buf t = CRM_BUF_INIT;
	char *p = crm_book_abs(b, rel);
	crm_buf_read_file(&t, p);
	free(p);
	char *s = crm_xasprintf("%016llx", (unsigned long long)fnv(t.ptr ? t.ptr : "", t.len,
								    1469598103934665603ULL));
	crm_buf_free(&t);
	crm_error_clear();
	return s;
}

/* The first line of the cache: its format, and what its answers depend on. */
static char *cache_header(const crm_book *b)
{
	char *s1 = file_sig(b, "schema/customer.schema.yaml"), *s2 = file_sig(b, "crm.yaml");
	/* who has left by today changes the warnings without changing a file */
	crm_date today;
	char *gone = crm_date_today(&today) == 0 ? crm_team_departed(b->config, today) : crm_xstrdup("?");
	char *header = crm_xasprintf("crm-check-cache 2 %s %s left:%s\n", s1, s2, gone);
	free(gone);
	free(s1);
	free(s2);
	return header;
}

/* Split a line on tabs in place; returns the number of fields. */
static int fields(char *line, char **f, int max)
{
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static void cache_load(cache *c, const char *file, const char *header)
{
	crm_buf t = CRM_BUF_INIT;
	if (crm_buf_read_file(&t, file) != 0) {
		crm_error_clear();
		crm_buf_free(&t);
		return;
	}
	char *p = t.ptr, *end = t.ptr + t.len;
	size_t hl = strlen(header);
	if (t.len < hl || memcmp(p, header, hl)) {
		crm_buf_free(&t);
		return; /* another schema or crm.yaml: start over */
	}
	p += hl;
	centry *cur = NULL;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		*nl = '\0';
		char *f[6];
		int n = fields(p, f, 6);
		if (f[0][0] == 'P' && n == 5)
			cur = push(c, f[1], f[2], f[3], f[4]);
		else if (f[0][0] == 'D' && n == 5 && cur)
			crm_diags_add(&cur->diags, cur->path, atoi(f[1]), atoi(f[2]),
				      f[3][0] == 'e' ? CRM_SEV_ERROR : CRM_SEV_WARNING, "%s", f[4]);
		p = nl + 1;
	}
	crm_buf_free(&t);
	index_all(c);
}

static void put_clean(crm_buf *b, const char *s)
{
	for (; *s; s++)
		crm_buf_putc(b, (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s);
}

static void cache_save(const cache *c, const char *dir, const char *file, const char *header)
{
	crm_buf t = CRM_BUF_INIT;
	crm_buf_puts(&t, header);
	for (size_t i = 0; i < c->n; i++) {
		const centry *e = &c->v[i];
		if (!e->key[0])
			continue;
		crm_buf_puts(&t, "P\t");
		put_clean(&t, e->path);
		crm_buf_printf(&t, "\t%s\t", e->key);
		put_clean(&t, e->id);
		crm_buf_putc(&t, '\t');
		put_clean(&t, e->name);
		crm_buf_putc(&t, '\n');
		for (size_t k = 0; k < e->diags.n; k++) {
			const crm_diag *d = &e->diags.v[k];
			crm_buf_printf(&t, "D\t%d\t%d\t%s\t", d->line, d->col,
				       d->sev == CRM_SEV_ERROR ? "e" : "w");
			put_clean(&t, d->msg);
			crm_buf_putc(&t, '\n');
		}
	}
	struct stat st;
	if (stat(dir, &st) == 0 || mkdir(dir, 0755) == 0)
		crm_write_atomic(file, t.ptr, t.len);
	crm_error_clear();
	crm_buf_free(&t);
}

/* Stat data that changes whenever the file does; "" when too fresh to trust. */
static char *stat_key(const char *abs, time_t now)
{
	struct stat st;
	if (lstat(abs, &st) != 0)
		return NULL;
	if (st.st_mtim.tv_sec >= now - 2 || st.st_ctim.tv_sec >= now - 2)
		return crm_xstrdup("");
	return crm_xasprintf("%lld.%09ld.%lld.%09ld.%lld.%llu", (long long)st.st_mtim.tv_sec,
			     st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
			     (long long)st.st_size, (unsigned long long)st.st_ino);
}

/* Make `p` book-relative when it names a file inside the book. */
static char *relative(const crm_book *b, const char *p)
{
	size_t rl = strlen(b->root);
	if (!strncmp(p, b->root, rl) && p[rl] == '/')
		return crm_xstrdup(p + rl + 1);
	if (p[0] == '/')
		return crm_xstrdup(p);
	char cwd[4096];
	if (getcwd(cwd, sizeof cwd)) {
		char *abs = crm_xasprintf("%s/%s", cwd, p);
		char real[4096];
		char *dir = crm_xstrdup(abs);
		/* resolve the folder, keep the file name (it may be a link we must refuse) */
		char *slash = strrchr(dir, '/');
		*slash = '\0';
		if (realpath(dir, real) && !strncmp(real, b->root, rl) && (real[rl] == '/' || !real[rl])) {
			char *r = crm_xasprintf("%s%s%s", real[rl] ? real + rl + 1 : "", real[rl] ? "/" : "",
						slash + 1);
			free(dir);
			free(abs);
			return r;
		}
		free(dir);
		free(abs);
	}
	return crm_xstrdup(p);
}

/* An id and where it is (index in the cache), sorted to find duplicates. */
typedef struct {
	const char *id;
	size_t at, first; /* first: where the id was seen first */
} idref;

static int by_id(const void *a, const void *b)
{
	const idref *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->at > y->at) - (x->at < y->at);
}

static int by_first(const void *a, const void *b)
{
	const idref *x = a, *y = b;
	if (x->first != y->first)
		return (x->first > y->first) - (x->first < y->first);
	return (x->at > y->at) - (x->at < y->at);
}

/*
 * Report each record whose id an earlier record (in path order) has. Sorting
 * keeps this O(n log n): a pairwise loop cost most of a cached run of a big book.
 */
static void report_duplicates(const cache *c, crm_diags *diags)
{
	idref *v = crm_xcalloc(c->n ? c->n : 1, sizeof *v), *dup = crm_xcalloc(c->n ? c->n : 1, sizeof *dup);
	size_t n = 0, nd = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].id[0])
			v[n].id = c->v[i].id, v[n].at = i, n++;
	qsort(v, n, sizeof *v, by_id);
	for (size_t i = 0; i < n; i++) {
		v[i].first = i && !strcmp(v[i].id, v[i - 1].id) ? v[i - 1].first : v[i].at;
		if (v[i].first != v[i].at)
			dup[nd++] = v[i];
	}
	qsort(dup, nd, sizeof *dup, by_first);
	for (size_t i = 0; i < nd; i++)
		crm_diags_add(diags, c->v[dup[i].at].path, 1, 1, CRM_SEV_ERROR,
			      "id '%s' is used by %s too; ids must be unique", dup[i].id,
			      c->v[dup[i].first].path);
	free(v);
	free(dup);
}

/* What validate says of a folder under customers/ that is a symbolic link. */
#define LINK_MESSAGE                                                                  \
	"this folder is a symbolic link; records must be inside the book (replace the " \
	"link with a real folder holding the records)"

int crm_check_book(crm_book *b, const char *const *paths, size_t npaths, crm_diags *diags,
		   crm_check_stats *stats)
{
	crm_check_stats st = {0};
	size_t before = crm_diags_errors(diags);
	crm_entry *v = NULL;
	size_t n = 0;
	const struct crm_schema *schema;
	if (crm_book_schema(b, &schema, diags) != 0) {
		crm_diags_add(diags, "schema/customer.schema.yaml", 0, 0, CRM_SEV_ERROR, "%s",
			      crm_error_last());
		return (int)(crm_diags_errors(diags) - before);
	}
	if (npaths == 0) {
		crm_entry *links = NULL;
		size_t nlinks = 0;
		crm_book_scan_links(b, &v, &n, &links, &nlinks);
		for (size_t i = 0; i < nlinks; i++)
			crm_diags_add(diags, links[i].path, 0, 0, CRM_SEV_ERROR, "%s",
				      LINK_MESSAGE);
		crm_entries_free(links, nlinks);
	} else {
		v = crm_xcalloc(npaths, sizeof *v);
		for (size_t i = 0; i < npaths; i++) {
			char *rel = relative(b, paths[i]);
			const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
			size_t bl = strlen(base);
			v[n].path = rel;
			v[n].id = bl > 5 && !strcmp(base + bl - 5, ".yaml") ? crm_xstrndup(base, bl - 5)
									    : crm_xstrdup(base);
			struct stat sb;
			char *abs = rel[0] == '/' ? crm_xstrdup(rel) : crm_book_abs(b, rel);
			v[n].symlink = lstat(abs, &sb) == 0 && S_ISLNK(sb.st_mode);
			free(abs);
			if (rel[0] != '/' && crm_book_check_inside(b, rel) != 0) {
				crm_diags_add(diags, rel, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
				crm_error_clear();
			}
			n++;
		}
	}

	char *dir = crm_xasprintf("%s/crm", b->gitdir);
	char *file = crm_xasprintf("%s/check-cache", dir);
	char *header = cache_header(b);
	cache old = {0}, fresh = {0};
	struct stat gst;
	bool can_cache = stat(b->gitdir, &gst) == 0 && S_ISDIR(gst.st_mode);
	if (can_cache)
		cache_load(&old, file, header);
	time_t now = time(NULL);

	for (size_t i = 0; i < n; i++) {
		crm_entry *e = &v[i];
		char *abs = e->path[0] == '/' ? crm_xstrdup(e->path) : crm_book_abs(b, e->path);
		char *key = stat_key(abs, now);
		free(abs);
		st.records++;
		if (!key) {
			crm_diags_add(diags, e->path, 0, 0, CRM_SEV_ERROR, "no such file");
			continue;
		}
		centry *hit = key[0] ? lookup(&old, e->path) : NULL;
		if (hit && !strcmp(hit->key, key)) {
			centry *ne = push(&fresh, e->path, key, hit->id, hit->name);
			crm_diags_extend(&ne->diags, &hit->diags);
			st.cached++;
			free(key);
			continue;
		}
		crm_diags d = {0};
		crm_record *r = NULL;
		const char *id = "", *name = "";
		if (crm_record_load(&r, b, e, &d) == 0) {
			crm_record_check(b, r, &d);
			const char *x = crm_record_str(r, "id"), *y = crm_record_str(r, "name");
			id = x ? x : "";
			name = y ? y : "";
		} else if (!d.n) {
			crm_diags_add(&d, e->path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
		}
		centry *ne = push(&fresh, e->path, key, id, name);
		ne->diags = d;
		crm_record_free(r);
		free(key);
	}
	/* ids unique across the book */
	index_all(&fresh);
	if (npaths == 0)
		report_duplicates(&fresh, diags);
	for (size_t i = 0; i < fresh.n; i++)
		crm_diags_extend(diags, &fresh.v[i].diags);
	/* all answered from the cache and no record gone: the file is already right */
	if (can_cache && npaths == 0 && (st.cached != st.records || old.n != fresh.n))
		cache_save(&fresh, dir, file, header);
	cache_free(&old);
	cache_free(&fresh);
	crm_entries_free(v, n);
	free(dir);
	free(file);
	free(header);
	if (stats)
		*stats = st;
	return (int)(crm_diags_errors(diags) - before);
}

int crm_check_staged(crm_book *b, crm_repo *repo, crm_diags *diags, size_t *nchecked)
{
	crm_staged *v;
	size_t n;
	size_t before = crm_diags_errors(diags);
	*nchecked = 0;
	if (crm_repo_staged(repo, &v, &n) != 0) {
		crm_diags_add(diags, ".git/index", 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
		return 1;
	}
	char **links = NULL;
	size_t nlinks = 0;
	if (crm_repo_staged_links(repo, &links, &nlinks) == 0)
		for (size_t i = 0; i < nlinks; i++) {
			crm_diags_add(diags, links[i], 0, 0, CRM_SEV_ERROR, "%s",
				      "a symbolic link under customers/; records and their folders "
				      "must be inside the book (replace it with a real folder or file)");
			free(links[i]);
		}
	free(links);
	/* a schema that does not load: say why at its lines, not only that it failed */
	const struct crm_schema *schema;
	if (n > 0)
		crm_book_schema(b, &schema, diags);
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(v[i].path, '/') + 1;
		char *id = crm_xstrndup(base, strlen(base) - 5);
		crm_doc *doc = NULL;
		if (crm_doc_parse(&doc, v[i].path, v[i].content, v[i].len, diags) == 0) {
			crm_record r = {.path = v[i].path, .id = id, .doc = doc};
			crm_record_check(b, &r, diags);
		}
		crm_doc_free(doc);
		free(id);
	}
	*nchecked = n;
	crm_staged_free(v, n);
	return (int)(crm_diags_errors(diags) - before);
}

struct crm_index {
	crm_book *book;
	cache c;
	time_t now;
};

crm_index *crm_index_load(crm_book *b)
{
	crm_index *ix = crm_xcalloc(1, sizeof *ix);
	ix->book = b;
	ix->now = time(NULL);
	char *file = crm_xasprintf("%s/crm/check-cache", b->gitdir);
	char *header = cache_header(b);
	cache_load(&ix->c, file, header);
	free(file);
	free(header);
	return ix;
}

crm_index *crm_index_refresh(crm_book *b)
{
	crm_diags d = {0};
	crm_check_book(b, NULL, 0, &d, NULL);
	crm_diags_free(&d);
	crm_error_clear();
	return crm_index_load(b);
}

bool crm_index_get(crm_index *ix, const char *path, const char **name, size_t *errors)
{
	centry *e = ix ? lookup(&ix->c, path) : NULL;
	if (!e)
		return false;
	char *abs = crm_book_abs(ix->book, path);
	char *key = stat_key(abs, ix->now);
	free(abs);
	bool fresh = key && key[0] && !strcmp(key, e->key);
	free(key);
	if (!fresh)
		return false;
	if (name)
		*name = e->name;
	if (errors)
		*errors = crm_diags_errors(&e->diags);
	return true;
}

void crm_index_free(crm_index *ix)
{
	if (!ix)
		return;
	cache_free(&ix->c);
	free(ix);
}
