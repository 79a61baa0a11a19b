/*
 * index_read.c: the answers that commands read from the index (index.h):
 * validation results, name lookup, list's summaries, find's candidates and
 * the agenda's facts.
 */
#include "index_int.h"

#include "crm/agenda.h"
#include "crm/buf.h"
#include "crm/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int crm_index_diags(crm_index *ix, const char *const *paths, size_t n, crm_diags *d)
{
	size_t before = crm_diags_errors(d);
	sqlite3_stmt *st;
	/* ids unique across the book: the later file (in path order) is wrong;
	 * every file has its row in ix_customers, whose index serves this */
	if (n == 0 &&
	    sqlite3_prepare_v2(ix->db,
			       "SELECT f.path, f.inner_id, (SELECT min(e.path) FROM ix_customers e WHERE"
			       " e.inner_id = f.inner_id AND e.path < f.path) AS first FROM ix_customers f"
			       " WHERE f.inner_id <> '' AND first IS NOT NULL ORDER BY first, f.path",
			       -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			crm_diags_add(d, (const char *)sqlite3_column_text(st, 0), 1, 1, CRM_SEV_ERROR,
				      "id '%s' is used by %s too; ids must be unique",
				      (const char *)sqlite3_column_text(st, 1),
				      (const char *)sqlite3_column_text(st, 2));
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(ix->db,
			       "SELECT f.path, d.line, d.col, d.sev, d.msg FROM ix_files f JOIN ix_diags d"
			       " ON d.fid = f.fid WHERE ?1 = 0 OR f.path IN (SELECT value FROM"
			       " json_each(?2)) ORDER BY f.path, d.rowid",
			       -1, &st, NULL) != SQLITE_OK)
		return (int)(crm_diags_errors(d) - before);
	crm_buf js = CRM_BUF_INIT;
	crm_buf_putc(&js, '[');
	for (size_t i = 0; i < n; i++) {
		crm_buf_puts(&js, i ? ",\"" : "\"");
		for (const char *p = paths[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				crm_buf_putc(&js, '\\');
			crm_buf_putc(&js, *p);
		}
		crm_buf_putc(&js, '"');
	}
	crm_buf_putc(&js, ']');
	sqlite3_bind_int64(st, 1, (long long)n);
	sqlite3_bind_text(st, 2, js.ptr, (int)js.len, SQLITE_TRANSIENT);
	while (sqlite3_step(st) == SQLITE_ROW)
		crm_diags_add(d, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
			      sqlite3_column_int(st, 2),
			      sqlite3_column_int(st, 3) ? CRM_SEV_ERROR : CRM_SEV_WARNING, "%s",
			      (const char *)sqlite3_column_text(st, 4));
	sqlite3_finalize(st);
	crm_buf_free(&js);
	return (int)(crm_diags_errors(d) - before);
}

int crm_index_resolve(crm_index *ix, const char *who, char **path)
{
	*path = NULL;
	if (!who || !*who)
		return crm_error_set(CRM_EUSAGE, "name a customer by id, id prefix or part of the name");
	/* exact id, else id prefix, else name fragment (an exact name beats fragments) */
	static const char *const sql[] = {
		"SELECT id, path, name FROM ix_customers WHERE id = ?1 ORDER BY path",
		"SELECT id, path, name FROM ix_customers WHERE substr(id, 1, length(?1)) = ?1 ORDER BY path",
		"SELECT id, path, name FROM ix_customers WHERE instr(lower(name), lower(?1)) > 0"
		" ORDER BY path",
	};
	for (int k = 0; k < 3; k++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(ix->db, sql[k], -1, &st, NULL) != SQLITE_OK)
			return crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
		sqlite3_bind_text(st, 1, who, -1, SQLITE_TRANSIENT);
		size_t nh = 0, exact = 0;
		char *exact_path = NULL;
		crm_buf list = CRM_BUF_INIT;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *id = (const char *)sqlite3_column_text(st, 0);
			const char *p = (const char *)sqlite3_column_text(st, 1);
			const char *nm = (const char *)sqlite3_column_text(st, 2);
			if (nh == 0)
				*path = crm_xstrdup(p);
			if (k == 2 && nm && !strcasecmp(nm, who)) {
				exact++;
				free(exact_path);
				exact_path = crm_xstrdup(p);
			}
			if (nh < 20)
				crm_buf_printf(&list, "\n  %s  %s", id, k == 0 ? "" : nm ? nm : "");
			nh++;
		}
		sqlite3_finalize(st);
		if (nh > 1 && exact == 1) {
			free(*path);
			*path = exact_path;
			exact_path = NULL;
			nh = 1;
		}
		free(exact_path);
		if (nh == 1) {
			crm_buf_free(&list);
			return 0;
		}
		free(*path);
		*path = NULL;
		if (nh > 1) {
			if (nh > 20)
				crm_buf_printf(&list, "\n  ... and %zu more", nh - 20);
			int rc = crm_error_set(CRM_EFAIL, "'%s' matches %zu customers; name one by id:%s",
					       who, nh, list.ptr);
			crm_buf_free(&list);
			return rc;
		}
		crm_buf_free(&list);
	}
	return crm_error_set(CRM_ENOTFOUND,
			     "no customer '%s' (try 'crm find %s', or 'crm list' to see them all)", who, who);
}

/* An entry's path and its place in the caller's array. */
typedef struct {
	const char *path;
	size_t i;
} entry_at;

static int entry_at_cmp(const void *a, const void *b)
{
	return strcmp(((const entry_at *)a)->path, ((const entry_at *)b)->path);
}

void crm_index_lookup(crm_index *ix, const crm_entry *v, size_t n, char **names, long *errors)
{
	for (size_t i = 0; i < n; i++) {
		if (names)
			names[i] = NULL;
		if (errors)
			errors[i] = -1;
	}
	sqlite3_stmt *st;
	if (!ix || sqlite3_prepare_v2(ix->db, "SELECT f.path, c.name, f.errors FROM ix_files f"
					       " LEFT JOIN ix_customers c ON c.fid = f.fid",
				      -1, &st, NULL) != SQLITE_OK)
		return;
	/* one pass over the table; entries are found by path */
	entry_at *idx = crm_xcalloc(n ? n : 1, sizeof *idx);
	for (size_t i = 0; i < n; i++)
		idx[i] = (entry_at){v[i].path, i};
	qsort(idx, n, sizeof *idx, entry_at_cmp);
	while (sqlite3_step(st) == SQLITE_ROW) {
		entry_at key = {(const char *)sqlite3_column_text(st, 0), 0};
		entry_at *f = n && key.path ? bsearch(&key, idx, n, sizeof *idx, entry_at_cmp) : NULL;
		if (!f)
			continue;
		const char *nm = (const char *)sqlite3_column_text(st, 1);
		if (names && nm)
			names[f->i] = crm_xstrdup(nm);
		if (errors)
			errors[f->i] = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	free(idx);
}

/* ---- list ---- */

static char *col_dup(sqlite3_stmt *st, int c)
{
	const char *t = (const char *)sqlite3_column_text(st, c);
	return t ? crm_xstrdup(t) : NULL;
}

typedef struct {
	long long fid;
	crm_summary *s;
	bool joined; /* its tags came from tag_list */
} by_fid;

static int by_path_cmp(const void *a, const void *b)
{
	return strcmp(((const by_fid *)a)->s->path, ((const by_fid *)b)->s->path);
}

static int by_fid_cmp(const void *a, const void *b)
{
	long long x = ((const by_fid *)a)->fid, y = ((const by_fid *)b)->fid;
	return (x > y) - (x < y);
}

int crm_index_summaries(crm_index *ix, const crm_filter *f, crm_summary ***out, size_t *n,
			crm_diags *skipped)
{
	*out = NULL;
	*n = 0;
	crm_buf q = CRM_BUF_INIT;
	/* two halves, so that each can use its index: the skipped files (for
	 * their warnings), then the records that pass the filter */
	const char *cols = "SELECT f.fid, f.path, f.inner_id, f.skip, f.skip_line, f.skip_col, c.name,"
			   " c.kind, c.stage, c.owner, c.source, c.first_contact, c.next_date,"
			   " c.next_action, c.next_by, c.next_priority, c.tag_list";
	crm_buf_printf(&q, "SELECT * FROM (%s FROM ix_files f INDEXED BY ix_files_skip JOIN ix_customers c ON c.fid = f.fid"
			   " WHERE f.skip IS NOT NULL ORDER BY f.path) UNION ALL"
			   " %s FROM ix_customers c JOIN ix_files f ON f.fid = c.fid WHERE f.skip IS NULL",
		       cols, cols);
	/* parameters in order: ?1 stage ?2 owner ?3 source ?4 kind ?5 industry ?6 priority
	 * ?7 due_before ?8 today, then the tags */
	if (f->stage)
		crm_buf_puts(&q, " AND c.stage = ?1");
	if (f->owner)
		crm_buf_puts(&q, " AND c.owner = ?2");
	if (f->source)
		crm_buf_puts(&q, " AND c.source = ?3");
	if (f->kind)
		crm_buf_puts(&q, " AND c.kind = ?4");
	if (f->industry)
		crm_buf_puts(&q, " AND c.industry = ?5 COLLATE NOCASE");
	/* with a stage, its index narrows first and each tag is one look-up;
	 * else the tag's own index does */
	for (size_t i = 0; i < f->ntags; i++)
		crm_buf_printf(&q, f->stage ? " AND EXISTS (SELECT 1 FROM ix_tags t WHERE t." CRM_IX_KEY_OF("c.fid") " AND t.tag = ?%zu)"
					    : " AND c.fid IN (SELECT t.fid FROM ix_tags t WHERE t.tag = ?%zu)",
			       9 + i);
	if (f->priority || f->due_before_set || f->overdue)
		crm_buf_puts(&q, " AND c.next_date IS NOT NULL");
	if (f->priority)
		crm_buf_puts(&q, " AND c.next_priority = ?6");
	if (f->due_before_set || f->overdue)
		crm_buf_puts(&q, " AND c.next_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'");
	if (f->due_before_set)
		crm_buf_puts(&q, " AND c.next_date < ?7");
	if (f->overdue)
		crm_buf_puts(&q, " AND c.next_date < ?8");
	/* no ORDER BY: it would make SQLite walk every path in order; the few
	 * that pass are sorted below */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(ix->db, q.ptr, -1, &st, NULL) != SQLITE_OK) {
		int rc = crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
		crm_buf_free(&q);
		return rc;
	}
	crm_buf_free(&q);
	char due[CRM_DATE_STRLEN], today[CRM_DATE_STRLEN];
	crm_date_format(f->due_before, due);
	crm_date_format(f->today, today);
	crm_ix_bind_str(st, 1, f->stage);
	crm_ix_bind_str(st, 2, f->owner);
	crm_ix_bind_str(st, 3, f->source);
	crm_ix_bind_str(st, 4, f->kind);
	crm_ix_bind_str(st, 5, f->industry);
	crm_ix_bind_str(st, 6, f->priority);
	crm_ix_bind_str(st, 7, due);
	crm_ix_bind_str(st, 8, today);
	for (size_t i = 0; i < f->ntags; i++)
		crm_ix_bind_str(st, 9 + (int)i, f->tags[i]);
	size_t cap = 0, need_tags = 0;
	by_fid *v = NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			if (skipped)
				crm_diags_add(skipped, (const char *)sqlite3_column_text(st, 1),
					      sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
					      CRM_SEV_WARNING, "%s", (const char *)sqlite3_column_text(st, 3));
			continue;
		}
		/* the summary's strings in one block: a list of 100,000 customers
		 * is otherwise a million small allocations */
		const char *col[12];
		size_t len[12];
		static const int colno[12] = {1, -1, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
		for (int k = 0; k < 12; k++) {
			col[k] = colno[k] < 0 ? NULL : (const char *)sqlite3_column_text(st, colno[k]);
			len[k] = col[k] ? (size_t)sqlite3_column_bytes(st, colno[k]) : 0;
		}
		const char *inner = (const char *)sqlite3_column_text(st, 2);
		const char *base = strrchr(col[0], '/');
		base = base ? base + 1 : col[0];
		col[1] = inner && *inner ? inner : base;
		len[1] = inner && *inner ? strlen(inner) : strlen(base) - 5;
		bool has_next = sqlite3_column_type(st, 12) != SQLITE_NULL;
		if (has_next && !col[9])
			col[9] = ""; /* an open next action without words */
		for (int k = 8; k < 12 && !has_next; k++)
			col[k] = NULL;
		crm_summary *s = crm_xcalloc(1, sizeof *s);
		char **const dst[12] = {&s->path, &s->id, &s->name, &s->kind, &s->stage, &s->owner,
					&s->source, &s->first_contact, &s->next_date, &s->next_action,
					&s->next_by, &s->next_priority};
		s->has_next = has_next;
		s->block = crm_xpack(12, col, len, dst);
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			v = crm_xrealloc(v, cap * sizeof *v);
		}
		const char *tl = (const char *)sqlite3_column_text(st, 16);
		if (tl && *tl) { /* "" is no tag at all */
			/* the tags in a block of their own: the array, then the text */
			size_t nt = 1, tlen = strlen(tl);
			for (const char *p = tl; (p = strchr(p, '\x1f')); p++)
				nt++;
			char **arr = crm_xmalloc(nt * sizeof *arr + tlen + 1);
			char *txt = (char *)(arr + nt);
			memcpy(txt, tl, tlen + 1);
			for (size_t k = 0; k < nt; k++) {
				arr[k] = txt;
				char *e = strchr(txt, '\x1f');
				if (e)
					*e = '\0', txt = e + 1;
			}
			s->tags = arr;
			s->ntags = nt;
			s->tags_block = true;
		} else if (!tl) {
			need_tags++;
		}
		v[*n].fid = sqlite3_column_int64(st, 0);
		v[*n].joined = tl != NULL;
		v[(*n)++].s = s;
	}
	sqlite3_finalize(st);
	if (*n > 1)
		qsort(v, *n, sizeof *v, by_path_cmp);
	/* the tags not joined in tag_list: a few customers look theirs up, many
	 * read them all in one pass */
	if (need_tags && need_tags < 2000) {
		if (sqlite3_prepare_v2(ix->db, "SELECT tag FROM ix_tags WHERE " CRM_IX_KEY_OF("?1") " AND tag IS NOT NULL"
					       " ORDER BY k", -1, &st, NULL) == SQLITE_OK) {
			for (size_t i = 0; i < *n; i++) {
				crm_summary *s = v[i].s;
				if (v[i].joined)
					continue;
				sqlite3_bind_int64(st, 1, v[i].fid);
				while (sqlite3_step(st) == SQLITE_ROW) {
					s->tags = crm_xrealloc(s->tags, (s->ntags + 1) * sizeof *s->tags);
					s->tags[s->ntags++] = col_dup(st, 0);
				}
				sqlite3_reset(st);
			}
			sqlite3_finalize(st);
		}
	} else if (need_tags) {
		by_fid *sorted = crm_xcalloc(*n, sizeof *sorted);
		memcpy(sorted, v, *n * sizeof *v);
		qsort(sorted, *n, sizeof *sorted, by_fid_cmp);
		if (sqlite3_prepare_v2(ix->db, "SELECT fid, tag FROM ix_tags WHERE tag IS NOT NULL"
					       " ORDER BY k", -1, &st, NULL) == SQLITE_OK) {
			while (sqlite3_step(st) == SQLITE_ROW) {
				by_fid key = {sqlite3_column_int64(st, 0), NULL};
				by_fid *hit = bsearch(&key, sorted, *n, sizeof *sorted, by_fid_cmp);
				if (!hit)
					continue;
				crm_summary *s = hit->s;
				if (hit->joined)
					continue;
				s->tags = crm_xrealloc(s->tags, (s->ntags + 1) * sizeof *s->tags);
				s->tags[s->ntags++] = col_dup(st, 1);
			}
			sqlite3_finalize(st);
		}
		free(sorted);
	}
	crm_summary **res = crm_xcalloc(*n ? *n : 1, sizeof *res);
	for (size_t i = 0; i < *n; i++)
		res[i] = v[i].s;
	free(v);
	*out = res;
	return 0;
}

/* ---- find ---- */

/* Whether text is a phone number as people type one (as crm_record_find decides). */
static bool phone_like(const char *s)
{
	size_t nd = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			nd++;
		else if (!strchr(" +-()", *s))
			return false;
	}
	return nd >= 3;
}

/*
 * contains(haystack, needle): instr(haystack, needle) > 0 on bytes, by memmem.
 * SQLite's instr compares at every byte and was 70% of a find; glibc's
 * memmem skips ahead. Byte matching is character matching for UTF-8.
 */
static void sql_contains(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return; /* NULL, as instr gives */
	const void *h = sqlite3_value_text(argv[0]);
	int hn = sqlite3_value_bytes(argv[0]);
	const void *n = sqlite3_value_text(argv[1]);
	int nn = sqlite3_value_bytes(argv[1]);
	sqlite3_result_int(cx, h && n && memmem(h, (size_t)hn, n, (size_t)nn) != NULL);
}

/* A file that find reports: a match to read, or a skipped file to warn about. */
typedef struct {
	char *path, *skip;
	int line, col;
} find_hit;

static int find_hit_cmp(const void *a, const void *b)
{
	return strcmp(((const find_hit *)a)->path, ((const find_hit *)b)->path);
}

int crm_index_find_each(crm_index *ix, const char *text, crm_diags *skipped,
			int (*fn)(const crm_record *r, void *arg), void *arg)
{
	/*
	 * The index narrows the book to the records whose text holds the
	 * fragment; crm_record_find then says where, exactly as over the files.
	 * CROSS JOIN keeps ix_search the outer loop: one pass over the text in
	 * table order, a look-up in ix_files only for a hit; then every skipped
	 * file, for its warning. The hits are put in path order after.
	 */
	sqlite3_stmt *st;
	if (sqlite3_create_function(ix->db, "crm_contains", 2,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    sql_contains, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ix->db, "SELECT f.path, f.skip, f.skip_line, f.skip_col FROM ix_search s"
				       " CROSS JOIN ix_files f ON f.fid = s.fid WHERE (crm_contains(s.search, ?1)"
				       " OR crm_contains(s.digits, ?2)) AND f.skip IS NULL UNION ALL"
				       " SELECT path, skip, skip_line, skip_col FROM ix_files"
				       " INDEXED BY ix_files_skip WHERE skip IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
	crm_buf low = CRM_BUF_INIT, dig = CRM_BUF_INIT;
	for (const char *p = text; *p; p++)
		crm_buf_putc(&low, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
	if (phone_like(text))
		for (const char *p = text; *p; p++)
			if (*p >= '0' && *p <= '9')
				crm_buf_putc(&dig, *p);
	crm_ix_bind_str(st, 1, low.ptr ? low.ptr : "");
	crm_ix_bind_str(st, 2, dig.ptr); /* NULL: no match */
	find_hit *hits = NULL;
	size_t nh = 0, hcap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (nh == hcap) {
			hcap = hcap ? hcap * 2 : 64;
			hits = crm_xrealloc(hits, hcap * sizeof *hits);
		}
		find_hit *h = &hits[nh++];
		h->path = crm_xstrdup((const char *)sqlite3_column_text(st, 0));
		h->skip = sqlite3_column_type(st, 1) == SQLITE_NULL
				  ? NULL : crm_xstrdup((const char *)sqlite3_column_text(st, 1));
		h->line = sqlite3_column_int(st, 2);
		h->col = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	crm_buf_free(&low);
	crm_buf_free(&dig);
	if (nh > 1)
		qsort(hits, nh, sizeof *hits, find_hit_cmp);
	int rc = 0;
	for (size_t i = 0; i < nh; i++) {
		find_hit *h = &hits[i];
		if (h->skip) {
			if (skipped)
				crm_diags_add(skipped, h->path, h->line, h->col, CRM_SEV_WARNING, "%s", h->skip);
		} else if (!rc) {
			crm_record *r = NULL;
			crm_diags d = {0};
			if (crm_record_load_path(&r, ix->book, h->path, &d) == 0)
				rc = fn(r, arg);
			crm_record_free(r);
			crm_diags_free(&d);
		}
		free(h->path);
		free(h->skip);
	}
	free(hits);
	if (!rc)
		crm_error_clear();
	return rc;
}

/* ---- agenda ---- */

static const char *ctext(sqlite3_stmt *st, int c)
{
	return (const char *)sqlite3_column_text(st, c);
}

int crm_index_agenda(crm_index *ix, const crm_agenda_query *q, crm_agenda *out, crm_diags *warnings)
{
	sqlite3_stmt *w, *st;
	if (sqlite3_prepare_v2(ix->db, "SELECT path, load_err, load_line, load_col FROM ix_files"
				       " WHERE load_err IS NOT NULL ORDER BY path", -1, &w, NULL) != SQLITE_OK)
		return crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
	while (sqlite3_step(w) == SQLITE_ROW)
		if (warnings)
			crm_diags_add(warnings, ctext(w, 0), sqlite3_column_int(w, 2), sqlite3_column_int(w, 3),
				      CRM_SEV_WARNING, "skipped, cannot be read: %s", ctext(w, 1));
	sqlite3_finalize(w);
	/* one person's agenda: their customers and the actions they hold (a
	 * superset: crm_agenda_add_facts decides) */
	if (sqlite3_prepare_v2(ix->db, "SELECT facts FROM ix_agenda WHERE ?1 IS NULL OR owner = ?1"
				       " OR next_by = ?1 ORDER BY fid", -1, &st, NULL) != SQLITE_OK)
		return crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
	crm_ix_bind_str(st, 1, q->who);
	crm_ix_facts f = {0};
	int rc = 0, s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 0);
		if (!crm_ix_agenda_unpack(blob, (size_t)sqlite3_column_bytes(st, 0), &f)) {
			rc = crm_error_set(CRM_EFAIL, "index: a damaged row in ix_agenda"
						      " (remove .git/crm/ and crm builds it again)");
			break;
		}
		crm_agenda_add_facts(out, q, &f.f);
	}
	if (!rc && s != SQLITE_DONE)
		rc = crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
	free(f.cv);
	free(f.dv);
	sqlite3_finalize(st);
	if (!rc)
		crm_agenda_sort(out);
	return rc;
}
