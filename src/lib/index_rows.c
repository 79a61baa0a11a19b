/*
 * index_rows.c: what the index holds of one record file: its rows in every
 * table (index_int.h), the text find searches, and why list and agenda
 * pass it by when it cannot be used.
 */
#include "index_int.h"

#include "crm/buf.h"
#include "crm/record.h"
#include "crm/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the tables with rows per record, and whether they are a list's rows,
 * keyed by CRM_IX_KEY_OF (else found by fid) */
static const struct {
	const char *name;
	bool keyed;
} data_tables[CRM_IX_NDATA] = {
	{"ix_diags", false},     {"ix_customers", false}, {"ix_search", false},
	{"ix_tags", true},       {"ix_contacts", true},   {"ix_decision_chain", true},
	{"ix_followups", true},  {"ix_stages", true},     {"ix_dates", true},
	{"ix_agenda", false},
};

/* Bind a node's scalar: NULL when absent or null; a number for numeric
 * columns when it is one; text otherwise. */
static void bind_node(sqlite3_stmt *st, int col, const crm_node *n, bool numeric)
{
	if (!n || n->kind != CRM_NODE_SCALAR || n->jtype == CRM_JSON_NULL) {
		sqlite3_bind_null(st, col);
	} else if (numeric && n->jtype == CRM_JSON_INT) {
		sqlite3_bind_int64(st, col, strtoll(n->value, NULL, 10));
	} else if (numeric && n->jtype == CRM_JSON_NUMBER) {
		sqlite3_bind_double(st, col, strtod(n->value, NULL));
	} else {
		sqlite3_bind_text(st, col, n->value, (int)n->len, SQLITE_STATIC); /* the record outlives the step */
	}
}

/* Bind a string that outlives the statement's step (a record's or an
 * entry's): not copied. */
static void bind_live(sqlite3_stmt *st, int col, const char *s)
{
	if (s)
		sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col);
}

void crm_ix_bind_str(sqlite3_stmt *st, int col, const char *s)
{
	if (s)
		sqlite3_bind_text(st, col, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, col);
}

static const crm_node *at(const crm_node *root, const char *path)
{
	return root ? crm_node_at(root, path) : NULL;
}

static const crm_node *seq_at(const crm_node *root, const char *path)
{
	const crm_node *n = at(root, path);
	return n && n->kind == CRM_NODE_SEQ ? n : NULL;
}

static void gather_scalars(crm_buf *t, const crm_node *n)
{
	if (!n)
		return;
	if (n->kind == CRM_NODE_SCALAR) {
		crm_buf_put(t, n->value, n->len);
		crm_buf_putc(t, '\n');
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		gather_scalars(t, n->items[i]);
}

/* The search text of a record: the scalars under n, a line each,
 * lowercased for ASCII (in one pass: UTF-8's other bytes are >= 0x80). */
static void gather(crm_buf *t, const crm_node *n)
{
	gather_scalars(t, n);
	if (!t->ptr)
		return;
	for (char *p = t->ptr, *end = p + t->len; p < end; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
}

/* ---- the statements of a refresh ---- */

static const char *const stmt_sql[S_N] = {
	"INSERT INTO ix_files(path, size, mtime, ctime, ino, inner_id, errors, skip_line, skip_col, skip,"
	" load_err, load_line, load_col, is_map, racy, chash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"UPDATE ix_files SET size=?2, mtime=?3, ctime=?4, ino=?5, inner_id=?6, errors=?7, skip_line=?8,"
	" skip_col=?9, skip=?10, load_err=?11, load_line=?12, load_col=?13, is_map=?14, racy=?15,"
	" chash=?16 WHERE fid=?1",
	"DELETE FROM ix_files WHERE fid=?",
	"UPDATE ix_files SET racy=0 WHERE fid=?",
	"INSERT INTO ix_diags VALUES(?,?,?,?,?)",
	"INSERT INTO ix_customers VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	/* k from fid (?1) and the position: CRM_IX_KEY_OF in index_int.h */
	"INSERT INTO ix_tags VALUES(?1<<24|?4,?1,?2,?3)",
	"INSERT INTO ix_contacts VALUES(?1<<24|?3,?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	"INSERT INTO ix_decision_chain VALUES(?1<<24|?3,?1,?2,?3,?4,?5,?6)",
	"INSERT INTO ix_followups VALUES(?1<<24|?3,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
	"INSERT INTO ix_stages VALUES(?1<<24|?3,?1,?2,?3,?4,?5)",
	"INSERT INTO ix_dates VALUES(?1<<24|?3,?1,?2,?3,?4,?5,?6)",
	"INSERT INTO ix_search VALUES(?,?,?)",
	"INSERT INTO ix_agenda VALUES(?,?,?,?)",
};

void crm_ix_stmts_free(crm_ix_stmts *q)
{
	for (int i = 0; i < S_N; i++)
		sqlite3_finalize(q->s[i]);
	for (size_t i = 0; i < CRM_IX_NDATA; i++)
		sqlite3_finalize(q->del[i]);
}

int crm_ix_stmts_prepare(sqlite3 *db, crm_ix_stmts *q)
{
	memset(q, 0, sizeof *q);
	for (int i = 0; i < S_N; i++)
		if (sqlite3_prepare_v2(db, stmt_sql[i], -1, &q->s[i], NULL) != SQLITE_OK)
			return -1;
	for (size_t i = 0; i < CRM_IX_NDATA; i++) {
		char *sql = crm_xasprintf(data_tables[i].keyed ? "DELETE FROM %s WHERE " CRM_IX_KEY_OF("?1")
							       : "DELETE FROM %s WHERE fid=?1",
					  data_tables[i].name);
		int rc = sqlite3_prepare_v2(db, sql, -1, &q->del[i], NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return -1;
	}
	return 0;
}

static int step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The date `days` after the YYYY-MM-DD text s, into out; false when s is no date. */
static bool date_plus(const char *s, long days, char out[CRM_DATE_STRLEN])
{
	crm_date d;
	if (!s || !crm_date_parse_iso(&d, s))
		return false;
	crm_date_format(crm_date_add_days(d, days), out);
	return true;
}

/*
 * ix_agenda.facts: the fields of crm_agenda_facts in their order, each
 * string as a byte 1, its bytes and a NUL, or a byte 0 for none; then the
 * contacts with a birthday and the dates, each list as a count of 4 bytes
 * (little-endian) and its strings (and a byte for yearly). The same values
 * the rows of ix_customers, ix_contacts and ix_dates hold.
 */
static void pack_str(crm_buf *b, const char *s)
{
	if (!s) {
		crm_buf_putc(b, 0);
		return;
	}
	crm_buf_putc(b, 1);
	crm_buf_put(b, s, strlen(s) + 1);
}

static void pack_count(crm_buf *b, size_t n)
{
	for (int i = 0; i < 4; i++)
		crm_buf_putc(b, (char)(n >> (8 * i) & 0xff));
}

/* Whether a date's `yearly` (a node of it, or NULL) says true. */
static bool yearly(const crm_node *y)
{
	return y && y->kind == CRM_NODE_SCALAR && y->jtype == CRM_JSON_BOOL &&
	       (y->value[0] == 't' || y->value[0] == 'T');
}

/* Room for n items in *v, which holds *cap (grown, never shrunk). */
static void reserve(void **v, size_t *cap, size_t n, size_t size)
{
	if (n > *cap) {
		*cap = n;
		*v = crm_xrealloc(*v, n * size);
	}
}

static const char *take_str(const unsigned char **p, const unsigned char *end, bool *bad)
{
	if (*p >= end) {
		*bad = true;
		return NULL;
	}
	if (*(*p)++ == 0)
		return NULL;
	const unsigned char *z = memchr(*p, 0, (size_t)(end - *p));
	if (!z) {
		*bad = true;
		return NULL;
	}
	const char *s = (const char *)*p;
	*p = z + 1;
	return s;
}

static size_t take_count(const unsigned char **p, const unsigned char *end, bool *bad)
{
	if (end - *p < 4) {
		*bad = true;
		return 0;
	}
	size_t n = 0;
	for (int i = 0; i < 4; i++)
		n |= (size_t)(*p)[i] << (8 * i);
	*p += 4;
	/* each entry takes two bytes at least */
	if (n > (size_t)(end - *p) / 2) {
		*bad = true;
		return 0;
	}
	return n;
}

bool crm_ix_agenda_unpack(const void *blob, size_t len, crm_ix_facts *out)
{
	const unsigned char *p = blob, *end = p + len;
	bool bad = !blob;
	crm_agenda_facts *f = &out->f;
	*f = (crm_agenda_facts){0};
	const char **str[] = {&f->id, &f->path, &f->name, &f->owner, &f->stage, &f->priority,
			      &f->budget_max, &f->last_date, &f->next_date, &f->next_action,
			      &f->next_by, &f->next_priority, &f->deadline, &f->needs_summary,
			      &f->contract_end};
	for (size_t i = 0; i < sizeof str / sizeof *str && !bad; i++)
		*str[i] = take_str(&p, end, &bad);
	if (bad || p >= end)
		return false;
	f->last_is_followup = *p++ != 0;
	f->has_next = f->next_date != NULL;
	size_t n = take_count(&p, end, &bad);
	reserve((void **)&out->cv, &out->ccap, n, sizeof *out->cv);
	for (size_t i = 0; i < n && !bad; i++) {
		out->cv[i].name = take_str(&p, end, &bad);
		out->cv[i].birthday = take_str(&p, end, &bad);
	}
	f->contacts = out->cv;
	f->ncontacts = n;
	n = bad ? 0 : take_count(&p, end, &bad);
	reserve((void **)&out->dv, &out->dcap, n, sizeof *out->dv);
	for (size_t i = 0; i < n && !bad; i++) {
		out->dv[i].label = take_str(&p, end, &bad);
		out->dv[i].date = take_str(&p, end, &bad);
		if (p >= end)
			bad = true;
		else
			out->dv[i].yearly = *p++ != 0;
	}
	f->dates = out->dv;
	f->ndates = n;
	return !bad && p == end;
}

/*
 * The row of ix_agenda of a readable record (none for a lost one): `last`
 * is its latest follow-up (NULL when it has none), nx its open next action
 * (NULL when none), with `action` as written (NULL when it has none).
 */
static int put_agenda(crm_ix_stmts *q, long long fid, const crm_entry *e, const crm_record *r,
		      const crm_node *last, const crm_next *nx, const char *action)
{
	const char *stage = crm_record_str(r, "stage");
	if (stage && !strcmp(stage, "lost"))
		return 0;
	crm_buf b = CRM_BUF_INIT;
	pack_str(&b, e->id);
	pack_str(&b, e->path);
	pack_str(&b, crm_record_str(r, "name"));
	pack_str(&b, crm_record_str(r, "owner"));
	pack_str(&b, stage);
	pack_str(&b, crm_node_str(last, "priority"));
	pack_str(&b, crm_record_str(r, "needs.budget.max"));
	pack_str(&b, last ? crm_node_str(last, "date") : crm_record_str(r, "first_contact.date"));
	pack_str(&b, nx ? nx->date : NULL);
	pack_str(&b, nx ? action : NULL);
	pack_str(&b, nx ? nx->by : NULL);
	pack_str(&b, nx ? nx->priority : NULL);
	pack_str(&b, crm_record_str(r, "needs.deadline"));
	pack_str(&b, crm_record_str(r, "needs.summary"));
	pack_str(&b, crm_record_str(r, "deal.contract_end"));
	crm_buf_putc(&b, last != NULL);
	const crm_node *cs = seq_at(r->doc->root, "contacts");
	size_t n = 0;
	for (size_t i = 0; cs && i < cs->n; i++)
		n += crm_node_str(cs->items[i], "birthday") != NULL;
	pack_count(&b, n);
	for (size_t i = 0; cs && i < cs->n; i++) {
		const char *birthday = crm_node_str(cs->items[i], "birthday");
		if (!birthday)
			continue;
		pack_str(&b, crm_node_str(cs->items[i], "name"));
		pack_str(&b, birthday);
	}
	const crm_node *ds = seq_at(r->doc->root, "dates");
	pack_count(&b, ds ? ds->n : 0);
	for (size_t i = 0; ds && i < ds->n; i++) {
		pack_str(&b, crm_node_str(ds->items[i], "label"));
		pack_str(&b, crm_node_str(ds->items[i], "date"));
		crm_buf_putc(&b, yearly(crm_node_get(ds->items[i], "yearly")));
	}
	sqlite3_stmt *s = q->s[S_AGENDA];
	sqlite3_bind_int64(s, 1, fid);
	crm_ix_bind_str(s, 2, crm_record_str(r, "owner"));
	crm_ix_bind_str(s, 3, nx ? nx->by : NULL);
	sqlite3_bind_blob(s, 4, b.ptr, (int)b.len, SQLITE_TRANSIENT);
	crm_buf_free(&b);
	return step(s);
}

/* Write the rows of one record (r may be NULL when it could not be read). */
static int put_rows(crm_book *b, crm_ix_stmts *q, long long fid, const crm_entry *e, const crm_record *r,
		    const char *inner, long long errors)
{
	const crm_node *root = r && r->doc && r->doc->root && r->doc->root->kind == CRM_NODE_MAP
				       ? r->doc->root : NULL;
	const char *id = e->id;
	sqlite3_stmt *c = q->s[S_CUST];
	sqlite3_bind_int64(c, 1, fid);
	bind_live(c, 2, id);
	bind_live(c, 3, e->path);
	/* each map looked up once (crm_node_get of NULL is NULL) */
	const crm_node *first = crm_node_get(root, "first_contact"), *company = crm_node_get(root, "company"),
		       *needs = crm_node_get(root, "needs"), *deal = crm_node_get(root, "deal");
	const crm_node *budget = crm_node_get(needs, "budget");
	const char *top[] = {"name", "kind", "source", "owner", "stage"};
	for (int i = 0; i < 5; i++)
		bind_node(c, 4 + i, crm_node_get(root, top[i]), false);
	bind_node(c, 9, crm_node_get(first, "date"), false);
	bind_node(c, 10, crm_node_get(first, "by"), false);
	bind_node(c, 11, crm_node_get(company, "industry"), false);
	bind_node(c, 12, crm_node_get(company, "size"), false);
	bind_node(c, 13, crm_node_get(budget, "min"), true);
	bind_node(c, 14, crm_node_get(budget, "max"), true);
	bind_node(c, 15, crm_node_get(needs, "deadline"), false);
	bind_node(c, 16, crm_node_get(deal, "amount"), true);
	bind_node(c, 17, crm_node_get(deal, "signed"), false);
	bind_node(c, 18, crm_node_get(deal, "contract_end"), false);
	bind_node(c, 19, crm_node_get(root, "lost_reason"), false);
	crm_next nx;
	bool has_next = false;
	const char *action = NULL;
	if (root && crm_record_next(r, &nx)) {
		crm_ix_bind_str(c, 20, nx.date);
		/* no next written: no action (NULL), though a date from the priority */
		const crm_node *fl = seq_at(root, "followups");
		const crm_node *act = fl && nx.followup < fl->n ? at(fl->items[nx.followup], "next.action") : NULL;
		has_next = nx.date != NULL;
		action = act ? nx.action : NULL;
		crm_ix_bind_str(c, 21, act ? nx.action : NULL);
		crm_ix_bind_str(c, 22, nx.by);
		crm_ix_bind_str(c, 23, nx.priority);
	} else {
		for (int i = 20; i <= 23; i++)
			sqlite3_bind_null(c, i);
	}
	const crm_node *fups = seq_at(root, "followups");
	long latest = root ? crm_record_latest_followup(r) : -1;
	if (latest >= 0 && fups && (size_t)latest < fups->n)
		bind_node(c, 24, at(fups->items[latest], "date"), false);
	else
		sqlite3_bind_null(c, 24);
	sqlite3_bind_int64(c, 25, fups ? (long long)fups->n : 0);
	sqlite3_stmt *sr = q->s[S_SEARCH];
	sqlite3_bind_int64(sr, 1, fid);
	crm_buf text = CRM_BUF_INIT;
	gather(&text, root);
	crm_ix_bind_str(sr, 2, text.ptr ? text.ptr : "");
	crm_buf_free(&text);
	/* phones by their digits alone, for find */
	const crm_node *cl = seq_at(root, "contacts");
	for (size_t i = 0; cl && i < cl->n; i++) {
		const char *ph = cl->items[i]->kind == CRM_NODE_MAP ? crm_node_str(cl->items[i], "phone") : NULL;
		for (; ph && *ph; ph++)
			if (*ph >= '0' && *ph <= '9')
				crm_buf_putc(&text, *ph);
		crm_buf_putc(&text, '|');
	}
	crm_ix_bind_str(sr, 3, text.ptr ? text.ptr : "");
	crm_buf_free(&text);
	if (step(sr))
		return -1;
	/* for the agenda */
	sqlite3_bind_int64(c, 26, latest);
	if (latest >= 0 && fups && (size_t)latest < fups->n)
		bind_node(c, 27, at(fups->items[latest], "priority"), false);
	else
		sqlite3_bind_null(c, 27);
	bind_node(c, 28, crm_node_get(needs, "summary"), false);
	const crm_node *tags = seq_at(root, "tags");
	crm_buf tl = CRM_BUF_INIT;
	bool joinable = true;
	crm_buf_puts(&tl, "");
	for (size_t i = 0; tags && i < tags->n; i++) {
		if (tags->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		if (tags->items[i]->jtype == CRM_JSON_NULL) { /* NULL in ix_tags, left out of lists */
			joinable = false;
			continue;
		}
		const char *t = tags->items[i]->value;
		joinable = joinable && !strchr(t, '\x1f');
		if (tl.len)
			crm_buf_putc(&tl, '\x1f');
		crm_buf_puts(&tl, t);
	}
	/* an empty tag and no tag differ: an empty first tag is stored by ix_tags */
	if (tags && tags->n && tl.len == 0)
		joinable = false;
	crm_ix_bind_str(c, 29, joinable ? tl.ptr : NULL);
	crm_ix_bind_str(c, 30, inner ? inner : "");
	sqlite3_bind_int64(c, 31, errors);
	sqlite3_bind_int(c, 32, root != NULL);
	crm_buf_free(&tl);
	if (step(c))
		return -1;
	if (!root)
		return 0;
	const crm_node *last = latest >= 0 && fups && (size_t)latest < fups->n ? fups->items[latest] : NULL;
	if (put_agenda(q, fid, e, r, last, has_next ? &nx : NULL, action))
		return -1;

	for (size_t i = 0; tags && i < tags->n; i++) {
		if (tags->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		sqlite3_bind_int64(q->s[S_TAG], 1, fid);
		bind_live(q->s[S_TAG], 2, id);
		bind_node(q->s[S_TAG], 3, tags->items[i], false);
		sqlite3_bind_int64(q->s[S_TAG], 4, (long long)i);
		if (step(q->s[S_TAG]))
			return -1;
	}
	const crm_node *cs = seq_at(root, "contacts");
	for (size_t i = 0; cs && i < cs->n; i++) {
		sqlite3_stmt *s = q->s[S_CONTACT];
		const crm_node *x = cs->items[i];
		sqlite3_bind_int64(s, 1, fid);
		bind_live(s, 2, id);
		sqlite3_bind_int64(s, 3, (long long)i);
		const char *k[] = {"name", "title", "phone", "email", "birthday", "role"};
		for (int j = 0; j < 6; j++)
			bind_node(s, 4 + j, x->kind == CRM_NODE_MAP ? crm_node_get(x, k[j]) : NULL, false);
		if (step(s))
			return -1;
	}
	const crm_node *dc = seq_at(root, "needs.decision_chain");
	for (size_t i = 0; dc && i < dc->n; i++) {
		sqlite3_stmt *s = q->s[S_CHAIN];
		const crm_node *x = dc->items[i];
		sqlite3_bind_int64(s, 1, fid);
		bind_live(s, 2, id);
		sqlite3_bind_int64(s, 3, (long long)i);
		const char *k[] = {"name", "title", "role"};
		for (int j = 0; j < 3; j++)
			bind_node(s, 4 + j, x->kind == CRM_NODE_MAP ? crm_node_get(x, k[j]) : NULL, false);
		if (step(s))
			return -1;
	}
	for (size_t i = 0; fups && i < fups->n; i++) {
		sqlite3_stmt *s = q->s[S_FUP];
		const crm_node *x = fups->items[i]->kind == CRM_NODE_MAP ? fups->items[i] : NULL;
		sqlite3_bind_int64(s, 1, fid);
		bind_live(s, 2, id);
		sqlite3_bind_int64(s, 3, (long long)i);
		const char *k[] = {"date", "via", "by", "summary", "feedback", "result", "priority"};
		for (int j = 0; j < 7; j++)
			bind_node(s, 4 + j, x ? crm_node_get(x, k[j]) : NULL, false);
		const crm_node *nd = at(x, "next.date");
		char buf[CRM_DATE_STRLEN];
		if (nd && nd->kind == CRM_NODE_SCALAR && nd->jtype != CRM_JSON_NULL) {
			bind_node(s, 11, nd, false);
		} else {
			/* SPEC §3: no next.date means the date plus the priority's days */
			const char *pr = x ? crm_node_str(x, "priority") : NULL;
			int days = crm_config_priority_days(r->config, pr ? pr : "medium");
			if (days < 0)
				days = pr && !strcmp(pr, "high") ? 3 : pr && !strcmp(pr, "low") ? 14 : 7;
			if (date_plus(x ? crm_node_str(x, "date") : NULL, days, buf))
				crm_ix_bind_str(s, 11, buf);
			else
				sqlite3_bind_null(s, 11);
		}
		bind_node(s, 12, at(x, "next.action"), false);
		bind_node(s, 13, at(x, "next.by"), false);
		if (step(s))
			return -1;
	}
	const crm_node *sh = seq_at(root, "stage_history");
	for (size_t i = 0; sh && i < sh->n; i++) {
		sqlite3_stmt *s = q->s[S_STAGE];
		const crm_node *x = sh->items[i]->kind == CRM_NODE_MAP ? sh->items[i] : NULL;
		sqlite3_bind_int64(s, 1, fid);
		bind_live(s, 2, id);
		sqlite3_bind_int64(s, 3, (long long)i);
		bind_node(s, 4, x ? crm_node_get(x, "stage") : NULL, false);
		bind_node(s, 5, x ? crm_node_get(x, "date") : NULL, false);
		if (step(s))
			return -1;
	}
	const crm_node *ds = seq_at(root, "dates");
	for (size_t i = 0; ds && i < ds->n; i++) {
		sqlite3_stmt *s = q->s[S_DATE];
		const crm_node *x = ds->items[i]->kind == CRM_NODE_MAP ? ds->items[i] : NULL;
		sqlite3_bind_int64(s, 1, fid);
		bind_live(s, 2, id);
		sqlite3_bind_int64(s, 3, (long long)i);
		bind_node(s, 4, x ? crm_node_get(x, "label") : NULL, false);
		bind_node(s, 5, x ? crm_node_get(x, "date") : NULL, false);
		sqlite3_bind_int(s, 6, yearly(x ? crm_node_get(x, "yearly") : NULL));
		if (step(s))
			return -1;
	}
	(void)b;
	return 0;
}

static const crm_diag *first_error(const crm_diags *d)
{
	for (size_t k = 0; k < d->n; k++)
		if (d->v[k].sev == CRM_SEV_ERROR)
			return &d->v[k];
	return d->n ? &d->v[0] : NULL;
}

/* Read, check and store one record file (new or changed). */
void crm_ix_load(const crm_book *b, const crm_entry *e, crm_ix_loaded *out)
{
	*out = (crm_ix_loaded){0};
	out->rc = crm_record_load(&out->r, b, e, &out->d);
	if (out->rc && !out->d.n)
		crm_diags_add(&out->d, e->path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
	crm_error_clear();
}

uint64_t crm_ix_fnv(const char *s, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int crm_ix_index_file(crm_book *b, crm_ix_stmts *q, long long fid, bool is_new, const crm_entry *e,
		      const crm_fstat *fs, bool racy)
{
	crm_ix_loaded l;
	crm_ix_load(b, e, &l);
	int rc = crm_ix_store(b, q, fid, is_new, e, fs, racy, &l);
	crm_record_free(l.r);
	return rc;
}

int crm_ix_store(crm_book *b, crm_ix_stmts *q, long long fid, bool is_new, const crm_entry *e,
		 const crm_fstat *fs, bool racy, crm_ix_loaded *l)
{
	crm_diags d = l->d;
	crm_record *r = l->r;
	*l = (crm_ix_loaded){0};
	/* r goes back in l->r at the end: the caller frees it */
	const char *inner = NULL;
	/* why reads that want valid records (list, find, agenda) pass this one by,
	 * in the words crm_records_each uses */
	char *skip = NULL;
	int skip_line = 0, skip_col = 0;
	const crm_diag *fe;
	const struct crm_schema *schema = NULL;
	if (e->symlink) {
		skip = crm_xstrdup("skipped: a symbolic link, not a record file");
	}
	char *load_err = NULL;
	int load_line = 0, load_col = 0;
	bool is_map = false;
	if (r) {
		is_map = r->doc->root && r->doc->root->kind == CRM_NODE_MAP;
		if (!r->doc->root || r->doc->root->kind != CRM_NODE_MAP)
			skip = crm_xstrdup("skipped: not a map of fields (run 'crm validate')");
		if (crm_book_schema(b, &schema, NULL) == 0) {
			if (crm_schema_validate(schema, r->doc, &d) > 0 && !skip && (fe = first_error(&d))) {
				skip = crm_xasprintf("skipped, invalid: %s (run 'crm validate')", fe->msg);
				skip_line = fe->line, skip_col = fe->col;
			}
		} else {
			crm_diags_add(&d, e->path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
		}
		crm_record_check_rules(b, r, &d);
		inner = crm_record_str(r, "id");
	} else {
		fe = first_error(&d);
		/* the agenda's words for it */
		const crm_diag *why = NULL;
		for (size_t k = 0; k < d.n && !why; k++)
			if (d.v[k].sev == CRM_SEV_ERROR)
				why = &d.v[k];
		load_err = crm_xstrdup(e->symlink ? "it is a symbolic link" : why ? why->msg : fe->msg);
		if (why && !e->symlink)
			load_line = why->line, load_col = why->col;
		if (!skip) {
			skip = crm_xasprintf("skipped: %s (run 'crm validate')", fe->msg);
			skip_line = fe->line, skip_col = fe->col;
		}
	}
	crm_error_clear();
	int rc = 0;
	if (!is_new)
		for (size_t i = 0; i < CRM_IX_NDATA && !rc; i++) {
			sqlite3_bind_int64(q->del[i], 1, fid);
			rc = step(q->del[i]);
		}
	sqlite3_stmt *s = q->s[is_new ? S_FILE_INS : S_FILE_UPD];
	int c = 1;
	if (is_new)
		crm_ix_bind_str(s, c++, e->path);
	else
		sqlite3_bind_int64(s, c++, fid);
	sqlite3_bind_int64(s, c++, fs->size);
	sqlite3_bind_int64(s, c++, fs->mtime);
	sqlite3_bind_int64(s, c++, fs->ctime);
	sqlite3_bind_int64(s, c++, fs->ino);
	crm_ix_bind_str(s, c++, inner ? inner : "");
	sqlite3_bind_int64(s, c++, (long long)crm_diags_errors(&d));
	sqlite3_bind_int(s, c++, skip_line);
	sqlite3_bind_int(s, c++, skip_col);
	crm_ix_bind_str(s, c++, skip);
	free(skip);
	crm_ix_bind_str(s, c++, load_err);
	sqlite3_bind_int(s, c++, load_line);
	sqlite3_bind_int(s, c++, load_col);
	sqlite3_bind_int(s, c++, is_map);
	sqlite3_bind_int(s, c++, racy);
	/* the bytes this row was made from, for a racy row only (a read later
	 * compares them instead of reading the record again) */
	if (racy && r && r->doc && r->doc->src)
		sqlite3_bind_int64(s, c++, (sqlite3_int64)crm_ix_fnv(r->doc->src, r->doc->len, CRM_IX_FNV_BASIS));
	else
		sqlite3_bind_null(s, c++);
	free(load_err);
	if (!rc)
		rc = step(s);
	if (!rc && is_new)
		fid = sqlite3_last_insert_rowid(sqlite3_db_handle(s));
	for (size_t i = 0; i < d.n && !rc; i++) {
		sqlite3_stmt *t = q->s[S_DIAG];
		sqlite3_bind_int64(t, 1, fid);
		sqlite3_bind_int(t, 2, d.v[i].line);
		sqlite3_bind_int(t, 3, d.v[i].col);
		sqlite3_bind_int(t, 4, d.v[i].sev == CRM_SEV_ERROR);
		crm_ix_bind_str(t, 5, d.v[i].msg);
		rc = step(t);
	}
	if (!rc)
		rc = put_rows(b, q, fid, e, r, inner, (long long)crm_diags_errors(&d));
	crm_diags_free(&d);
	l->r = r;
	return rc;
}

int crm_ix_drop(crm_ix_stmts *q, long long fid)
{
	int rc = 0;
	for (size_t k = 0; k < CRM_IX_NDATA && !rc; k++) {
		sqlite3_bind_int64(q->del[k], 1, fid);
		rc = step(q->del[k]);
	}
	sqlite3_bind_int64(q->s[S_FILE_DEL], 1, fid);
	return rc ? rc : step(q->s[S_FILE_DEL]);
}

int crm_ix_clear(sqlite3 *db)
{
	if (sqlite3_exec(db, "DELETE FROM ix_files", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	for (size_t i = 0; i < CRM_IX_NDATA; i++) {
		char *sql = crm_xasprintf("DELETE FROM %s", data_tables[i].name);
		int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK)
			return -1;
	}
	return 0;
}
