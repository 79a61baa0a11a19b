/*
 * index.c: the SQLite index of the book (index.h). The only file that
 * includes sqlite3.h for the library.
 *
 * Data lives in private tables keyed by a file number (fid), one row per
 * record file in ix_files; the contract tables of SPEC §8 are views over
 * them, so that two files holding the same id (an error crm validate
 * reports) still have rows of their own and can be replaced one at a time.
 */
#include "crm/index.h"
#include "crm/agenda.h"
#include "crm/buf.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/team.h"

#include <sqlite3.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bump when the tables or what goes into them change: an older index is rebuilt. */
#define FORMAT "crm-index 11"

struct crm_index {
	crm_book *book;
	sqlite3 *db;
	crm_index_stats stats;
	int err; /* the SQLite error that stopped the last refresh */
	bool reading; /* a read transaction is open (from crm_index_open to _free) */
};

static const char *const schema_sql =
	"CREATE TABLE ix_meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE ix_files(fid INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL,"
	" size INTEGER, mtime INTEGER, ctime INTEGER, ino INTEGER, inner_id TEXT, errors INTEGER,"
	" skip_line INTEGER, skip_col INTEGER, skip TEXT, load_err TEXT, load_line INTEGER,"
	" load_col INTEGER, is_map INTEGER);"
	"CREATE INDEX ix_files_inner ON ix_files(inner_id);"
	/* covering: the comparison with the working tree reads only this */
	"CREATE INDEX ix_files_stat ON ix_files(path, size, mtime, ctime, ino);"
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
	" tag_list TEXT);"
	/* the text find looks in, apart: long rows would slow every scan of ix_customers */
	"CREATE TABLE ix_search(fid INTEGER PRIMARY KEY, search TEXT, digits TEXT);"
	"CREATE INDEX ix_customers_id ON ix_customers(id);"
	"CREATE TABLE ix_tags(fid INTEGER, id TEXT, tag TEXT);"
	"CREATE INDEX ix_tags_fid ON ix_tags(fid, tag);"
	"CREATE INDEX ix_tags_tag ON ix_tags(tag);"
	"CREATE INDEX ix_customers_stage ON ix_customers(stage);"
	"CREATE TABLE ix_contacts(fid INTEGER, id TEXT, seq INTEGER, name TEXT, title TEXT,"
	" phone TEXT, email TEXT, birthday TEXT, role TEXT);"
	"CREATE INDEX ix_contacts_fid ON ix_contacts(fid);"
	/* covering, for the agenda's birthdays in file order */
	"CREATE INDEX ix_contacts_bday ON ix_contacts(fid, seq, name, birthday) WHERE birthday IS NOT NULL;"
	"CREATE TABLE ix_decision_chain(fid INTEGER, id TEXT, seq INTEGER, name TEXT, title TEXT,"
	" role TEXT);"
	"CREATE INDEX ix_decision_chain_fid ON ix_decision_chain(fid);"
	"CREATE TABLE ix_followups(fid INTEGER, id TEXT, seq INTEGER, date TEXT, via TEXT, by TEXT,"
	" summary TEXT, feedback TEXT, result TEXT, priority TEXT, next_date TEXT,"
	" next_action TEXT, next_by TEXT);"
	"CREATE INDEX ix_followups_fid ON ix_followups(fid);"
	"CREATE TABLE ix_stages(fid INTEGER, id TEXT, seq INTEGER, stage TEXT, date TEXT);"
	"CREATE INDEX ix_stages_fid ON ix_stages(fid);"
	"CREATE TABLE ix_dates(fid INTEGER, id TEXT, seq INTEGER, label TEXT, date TEXT,"
	" yearly INTEGER);"
	"CREATE INDEX ix_dates_fid ON ix_dates(fid, seq, label, date, yearly);"
	/* the contract (SPEC §8) */
	"CREATE VIEW customers AS SELECT c.id, c.path, c.name, c.kind, c.source, c.owner,"
	" c.stage, c.first_contact, c.first_contact_by, c.industry, c.size, c.budget_min,"
	" c.budget_max, c.deadline, c.deal_amount, c.deal_signed, c.contract_end, c.lost_reason,"
	" c.next_date, c.next_action, c.next_by, c.next_priority, c.last_followup, c.followups,"
	" CASE WHEN f.errors = 0 AND NOT EXISTS (SELECT 1 FROM ix_files d WHERE"
	" d.inner_id = f.inner_id AND d.path < f.path) THEN 1 ELSE 0 END AS valid"
	" FROM ix_customers c JOIN ix_files f ON f.fid = c.fid;"
	"CREATE VIEW tags AS SELECT id, tag FROM ix_tags;"
	"CREATE VIEW contacts AS SELECT id, seq, name, title, phone, email, birthday, role"
	" FROM ix_contacts;"
	"CREATE VIEW decision_chain AS SELECT id, seq, name, title, role FROM ix_decision_chain;"
	"CREATE VIEW followups AS SELECT id, seq, date, via, by, summary, feedback, result,"
	" priority, next_date, next_action, next_by FROM ix_followups;"
	"CREATE VIEW stages AS SELECT id, seq, stage, date FROM ix_stages;"
	"CREATE VIEW dates AS SELECT id, seq, label, date, yearly FROM ix_dates;";

static const char *const data_tables[] = {
	"ix_diags", "ix_customers", "ix_search", "ix_tags", "ix_contacts", "ix_decision_chain",
	"ix_followups", "ix_stages", "ix_dates",
};

/* ---- small helpers ---- */

static uint64_t fnv(const char *s, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * What every stored answer depends on besides the record itself: the
 * format, the schema, crm.yaml, and who has left by today (which changes
 * warnings without changing a file).
 */
static char *fingerprint(const crm_book *b)
{
	uint64_t h = 1469598103934665603ULL;
	const char *files[] = {"schema/customer.schema.yaml", "crm.yaml"};
	for (size_t i = 0; i < 2; i++) {
		crm_buf t = CRM_BUF_INIT;
		char *p = crm_book_abs(b, files[i]);
		if (crm_buf_read_file(&t, p) == 0)
			h = fnv(t.ptr ? t.ptr : "", t.len, h);
		h = fnv("\n", 1, h);
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
		sqlite3_bind_text(st, col, n->value, (int)n->len, SQLITE_TRANSIENT);
	}
}

static void bind_str(sqlite3_stmt *st, int col, const char *s)
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

/* Append the scalars under n, lowercased for ASCII, to the search text. */
static void gather(crm_buf *t, const crm_node *n)
{
	if (!n)
		return;
	if (n->kind == CRM_NODE_SCALAR) {
		for (const char *p = n->value; *p; p++)
			crm_buf_putc(t, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
		crm_buf_putc(t, '\n');
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		gather(t, n->items[i]);
}

/* ---- the statements of a refresh ---- */

enum {
	S_FILE_INS, S_FILE_UPD, S_FILE_DEL, S_DIAG, S_CUST, S_TAG, S_CONTACT, S_CHAIN, S_FUP,
	S_STAGE, S_DATE, S_SEARCH, S_N
};

typedef struct {
	sqlite3_stmt *s[S_N];
	sqlite3_stmt *del[sizeof data_tables / sizeof *data_tables];
} stmts;

static const char *const stmt_sql[S_N] = {
	"INSERT INTO ix_files(path, size, mtime, ctime, ino, inner_id, errors, skip_line, skip_col, skip,"
	" load_err, load_line, load_col, is_map) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"UPDATE ix_files SET size=?2, mtime=?3, ctime=?4, ino=?5, inner_id=?6, errors=?7, skip_line=?8,"
	" skip_col=?9, skip=?10, load_err=?11, load_line=?12, load_col=?13, is_map=?14 WHERE fid=?1",
	"DELETE FROM ix_files WHERE fid=?",
	"INSERT INTO ix_diags VALUES(?,?,?,?,?)",
	"INSERT INTO ix_customers VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT INTO ix_tags VALUES(?,?,?)",
	"INSERT INTO ix_contacts VALUES(?,?,?,?,?,?,?,?,?)",
	"INSERT INTO ix_decision_chain VALUES(?,?,?,?,?,?)",
	"INSERT INTO ix_followups VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
	"INSERT INTO ix_stages VALUES(?,?,?,?,?)",
	"INSERT INTO ix_dates VALUES(?,?,?,?,?,?)",
	"INSERT INTO ix_search VALUES(?,?,?)",
};

static void stmts_free(stmts *q)
{
	for (int i = 0; i < S_N; i++)
		sqlite3_finalize(q->s[i]);
	for (size_t i = 0; i < sizeof q->del / sizeof *q->del; i++)
		sqlite3_finalize(q->del[i]);
}

static int stmts_prepare(sqlite3 *db, stmts *q)
{
	memset(q, 0, sizeof *q);
	for (int i = 0; i < S_N; i++)
		if (sqlite3_prepare_v2(db, stmt_sql[i], -1, &q->s[i], NULL) != SQLITE_OK)
			return -1;
	for (size_t i = 0; i < sizeof q->del / sizeof *q->del; i++) {
		char *sql = crm_xasprintf("DELETE FROM %s WHERE fid=?", data_tables[i]);
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

/* A file as lstat saw it (size -1: never matches, -2 with ino 1: gone). */
typedef crm_fstat fstat_t;

/* A row of ix_files, loaded for the comparison; path points into an arena. */
typedef struct {
	const char *path;
	long long fid;
	fstat_t st;
	bool seen;
} frow;

static int frow_cmp(const void *a, const void *b)
{
	return strcmp(((const frow *)a)->path, ((const frow *)b)->path);
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

/* Write the rows of one record (r may be NULL when it could not be read). */
static int put_rows(crm_book *b, stmts *q, long long fid, const crm_entry *e, const crm_record *r)
{
	const crm_node *root = r && r->doc && r->doc->root && r->doc->root->kind == CRM_NODE_MAP
				       ? r->doc->root : NULL;
	const char *id = e->id;
	sqlite3_stmt *c = q->s[S_CUST];
	sqlite3_bind_int64(c, 1, fid);
	bind_str(c, 2, id);
	bind_str(c, 3, e->path);
	const char *scalars[] = {"name", "kind", "source", "owner", "stage", "first_contact.date",
				 "first_contact.by", "company.industry", "company.size"};
	for (int i = 0; i < 9; i++)
		bind_node(c, 4 + i, at(root, scalars[i]), false);
	bind_node(c, 13, at(root, "needs.budget.min"), true);
	bind_node(c, 14, at(root, "needs.budget.max"), true);
	bind_node(c, 15, at(root, "needs.deadline"), false);
	bind_node(c, 16, at(root, "deal.amount"), true);
	bind_node(c, 17, at(root, "deal.signed"), false);
	bind_node(c, 18, at(root, "deal.contract_end"), false);
	bind_node(c, 19, at(root, "lost_reason"), false);
	crm_next nx;
	if (root && crm_record_next(r, &nx)) {
		bind_str(c, 20, nx.date);
		/* no next written: no action (NULL), though a date from the priority */
		const crm_node *fl = seq_at(root, "followups");
		const crm_node *act = fl && nx.followup < fl->n ? at(fl->items[nx.followup], "next.action") : NULL;
		bind_str(c, 21, act ? nx.action : NULL);
		bind_str(c, 22, nx.by);
		bind_str(c, 23, nx.priority);
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
	bind_str(sr, 2, text.ptr ? text.ptr : "");
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
	bind_str(sr, 3, text.ptr ? text.ptr : "");
	crm_buf_free(&text);
	if (step(sr))
		return -1;
	/* for the agenda */
	sqlite3_bind_int64(c, 26, latest);
	if (latest >= 0 && fups && (size_t)latest < fups->n)
		bind_node(c, 27, at(fups->items[latest], "priority"), false);
	else
		sqlite3_bind_null(c, 27);
	bind_node(c, 28, at(root, "needs.summary"), false);
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
	bind_str(c, 29, joinable ? tl.ptr : NULL);
	crm_buf_free(&tl);
	if (step(c))
		return -1;
	if (!root)
		return 0;

	for (size_t i = 0; tags && i < tags->n; i++) {
		if (tags->items[i]->kind != CRM_NODE_SCALAR)
			continue;
		sqlite3_bind_int64(q->s[S_TAG], 1, fid);
		bind_str(q->s[S_TAG], 2, id);
		bind_node(q->s[S_TAG], 3, tags->items[i], false);
		if (step(q->s[S_TAG]))
			return -1;
	}
	const crm_node *cs = seq_at(root, "contacts");
	for (size_t i = 0; cs && i < cs->n; i++) {
		sqlite3_stmt *s = q->s[S_CONTACT];
		const crm_node *x = cs->items[i];
		sqlite3_bind_int64(s, 1, fid);
		bind_str(s, 2, id);
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
		bind_str(s, 2, id);
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
		bind_str(s, 2, id);
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
				bind_str(s, 11, buf);
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
		bind_str(s, 2, id);
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
		bind_str(s, 2, id);
		sqlite3_bind_int64(s, 3, (long long)i);
		bind_node(s, 4, x ? crm_node_get(x, "label") : NULL, false);
		bind_node(s, 5, x ? crm_node_get(x, "date") : NULL, false);
		const crm_node *y = x ? crm_node_get(x, "yearly") : NULL;
		sqlite3_bind_int(s, 6, y && y->kind == CRM_NODE_SCALAR && y->jtype == CRM_JSON_BOOL &&
					       (y->value[0] == 't' || y->value[0] == 'T'));
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
static int index_file(crm_book *b, stmts *q, long long fid, bool is_new, const crm_entry *e,
		      const fstat_t *fs)
{
	crm_diags d = {0};
	crm_record *r = NULL;
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
	if (crm_record_load(&r, b, e, &d) == 0) {
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
		if (!d.n)
			crm_diags_add(&d, e->path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
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
		for (size_t i = 0; i < sizeof q->del / sizeof *q->del && !rc; i++) {
			sqlite3_bind_int64(q->del[i], 1, fid);
			rc = step(q->del[i]);
		}
	sqlite3_stmt *s = q->s[is_new ? S_FILE_INS : S_FILE_UPD];
	int c = 1;
	if (is_new)
		bind_str(s, c++, e->path);
	else
		sqlite3_bind_int64(s, c++, fid);
	sqlite3_bind_int64(s, c++, fs->size);
	sqlite3_bind_int64(s, c++, fs->mtime);
	sqlite3_bind_int64(s, c++, fs->ctime);
	sqlite3_bind_int64(s, c++, fs->ino);
	bind_str(s, c++, inner ? inner : "");
	sqlite3_bind_int64(s, c++, (long long)crm_diags_errors(&d));
	sqlite3_bind_int(s, c++, skip_line);
	sqlite3_bind_int(s, c++, skip_col);
	bind_str(s, c++, skip);
	free(skip);
	bind_str(s, c++, load_err);
	sqlite3_bind_int(s, c++, load_line);
	sqlite3_bind_int(s, c++, load_col);
	sqlite3_bind_int(s, c++, is_map);
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
		bind_str(t, 5, d.v[i].msg);
		rc = step(t);
	}
	if (!rc)
		rc = put_rows(b, q, fid, e, r);
	crm_diags_free(&d);
	crm_record_free(r);
	return rc;
}

/*
 * A file changed within the clock's coarse tick of now could change again
 * without its times moving: store it as never matching, so the next read
 * reads it again (git's "racily clean" rule).
 */
static void racy(fstat_t *fs, time_t now)
{
	if (fs->mtime / 1000000000LL >= now - 1 || fs->ctime / 1000000000LL >= now - 1)
		fs->size = -1;
}

static bool lstat_file(const crm_book *b, const char *rel, fstat_t *fs, time_t now)
{
	char *abs = crm_book_abs(b, rel);
	struct stat st;
	int rc = lstat(abs, &st);
	free(abs);
	if (rc != 0)
		return false;
	fs->size = st.st_size;
	fs->mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	fs->ctime = (long long)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	fs->ino = (long long)st.st_ino;
	racy(fs, now);
	return true;
}

/* The file's stat: from the scan when it took one, else lstat now. */
static bool entry_stat(const crm_book *b, const crm_entry *e, fstat_t *fs, time_t now)
{
	if (!e->has_stat)
		return lstat_file(b, e->path, fs, now);
	*fs = e->st;
	racy(fs, now);
	return true;
}

static bool same(const fstat_t *a, const fstat_t *b)
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

static int load_frows(sqlite3 *db, frows *out)
{
	sqlite3_stmt *st;
	*out = (frows){.arena = CRM_BUF_INIT};
	if (sqlite3_prepare_v2(db, "SELECT path, fid, size, mtime, ctime, ino FROM ix_files ORDER BY path", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 1024;
			out->v = crm_xrealloc(out->v, cap * sizeof *out->v);
		}
		frow *f = &out->v[out->n++];
		/* an offset for now: the arena moves as it grows */
		f->path = (const char *)(uintptr_t)out->arena.len;
		crm_buf_put(&out->arena, (const char *)sqlite3_column_text(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0) + 1);
		f->fid = sqlite3_column_int64(st, 1);
		f->st.size = sqlite3_column_int64(st, 2);
		f->st.mtime = sqlite3_column_int64(st, 3);
		f->st.ctime = sqlite3_column_int64(st, 4);
		f->st.ino = sqlite3_column_int64(st, 5);
		f->seen = false;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		frows_free(out);
		*out = (frows){.arena = CRM_BUF_INIT};
		return -1;
	}
	for (size_t i = 0; i < out->n; i++)
		out->v[i].path = out->arena.ptr + (uintptr_t)out->v[i].path;
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
static int sync_files(crm_index *ix, const crm_entry *v, size_t n, bool write, size_t *dirty,
		      fstat_t *seen)
{
	frows fr;
	*dirty = 0;
	if (load_frows(ix->db, &fr))
		return -1;
	frow *rows = fr.v;
	size_t nrows = fr.n, cursor = 0;
	stmts q;
	int rc = 0;
	if (write && stmts_prepare(ix->db, &q)) {
		stmts_free(&q);
		frows_free(&fr);
		return -1;
	}
	time_t now = time(NULL);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool show = false;
	for (size_t i = 0; i < n && !rc; i++) {
		fstat_t fs;
		frow *f = find_frow(&fr, &cursor, v[i].path);
		if (f)
			f->seen = true;
		/* `seen` (and the scan's stat) hold what was found before: reusing it
		 * can only store a stat older than the content read, which makes a
		 * later read look again */
		bool ok = seen && seen[i].ino ? (fs = seen[i], fs.size != -2)
					      : entry_stat(ix->book, &v[i], &fs, now);
		if (!ok)
			fs = (fstat_t){-2, 0, 0, 1};
		if (seen)
			seen[i] = fs;
		if (!ok) {
			fs = (fstat_t){-1, 0, 0, 0};
		} else if (f && same(&f->st, &fs)) {
			continue;
		}
		(*dirty)++;
		if (!write)
			continue;
		ix->stats.reread++;
		rc = index_file(ix->book, &q, f ? f->fid : 0, !f, &v[i], &fs);
		if (progress_fn && (i & 255) == 0) {
			struct timespec t1;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (show || t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9 > 1.0) {
				show = true;
				progress_fn(i, n);
			}
		}
	}
	for (size_t i = 0; i < nrows && !rc; i++) {
		if (rows[i].seen)
			continue;
		(*dirty)++;
		if (!write)
			continue;
		ix->stats.removed++;
		for (size_t k = 0; k < sizeof q.del / sizeof *q.del && !rc; k++) {
			sqlite3_bind_int64(q.del[k], 1, rows[i].fid);
			rc = step(q.del[k]);
		}
		sqlite3_bind_int64(q.s[S_FILE_DEL], 1, rows[i].fid);
		if (!rc)
			rc = step(q.s[S_FILE_DEL]);
	}
	if (show)
		progress_fn(n, n);
	if (write)
		stmts_free(&q);
	frows_free(&fr);
	return rc;
}

/* Empty the data and stamp the fingerprint. Inside a write transaction. */
static int reset(sqlite3 *db, const char *fp)
{
	sqlite3_stmt *st;
	if (exec(db, "DELETE FROM ix_files") != SQLITE_OK)
		return -1;
	for (size_t i = 0; i < sizeof data_tables / sizeof *data_tables; i++) {
		char *sql = crm_xasprintf("DELETE FROM %s", data_tables[i]);
		int rc = exec(db, sql);
		free(sql);
		if (rc != SQLITE_OK)
			return -1;
	}
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO ix_meta VALUES('fingerprint', ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	bind_str(st, 1, fp);
	int rc = step(st);
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
	fstat_t *seen = crm_xcalloc(n ? n : 1, sizeof *seen);
	if (fresh && sync_files(ix, v, n, false, &dirty, seen)) {
		free(seen);
		goto fail;
	}
	exec(db, "COMMIT");
	if (fresh && dirty == 0) {
		free(seen);
		free(fp);
		return 0;
	}
	if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK) {
		free(seen);
		goto fail;
	}
	old = stored_fingerprint(db, &err);
	if (err != SQLITE_OK) {
		free(old);
		free(seen);
		goto fail;
	}
	if (!old || strcmp(old, fp)) {
		ix->stats.rebuilt = true;
		if (reset(db, fp)) {
			free(old);
			free(seen);
			goto fail;
		}
	}
	free(old);
	int synced = sync_files(ix, v, n, true, &dirty, fresh ? seen : NULL);
	free(seen);
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

static sqlite3 *open_db(const char *file, int flags)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(file, &db, flags, NULL) != SQLITE_OK) {
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
		sqlite3 *db = open_db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
		if (!db)
			return NULL;
		ix->db = db;
		int rc = exec(db, "PRAGMA journal_mode=WAL");
		if (rc == SQLITE_OK)
			rc = exec(db, "PRAGMA synchronous=OFF"); /* a cache: damage is detected and rebuilt */
		if (rc == SQLITE_OK)
			rc = exec(db, "PRAGMA cache_size=-16000");
		ix->err = 0;
		int made = rc == SQLITE_OK ? create_schema(db) : -1;
		if (made == 0 && refresh(ix, v, n) == 0)
			return db;
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

int crm_index_open(crm_index **out, crm_book *b, crm_diags *d)
{
	*out = NULL;
	crm_entry *v = NULL;
	size_t n = 0;
	int rc = crm_book_scan_stat(b, &v, &n);
	if (rc)
		return rc;
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
		ix->db = open_db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY);
		if (!ix->db || create_schema(ix->db) || refresh(ix, v, n)) {
			rc = crm_error_set(CRM_EIO, "cannot index the book: %s",
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
	crm_entries_free(v, n);
	(void)d;
	*out = ix;
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
	char *gd = real_gitdir(b);
	char *file = crm_xasprintf("%s/crm/index.sqlite", gd);
	free(gd);
	struct stat st;
	sqlite3 *db = stat(file, &st) == 0 ? open_db(file, SQLITE_OPEN_READWRITE) : NULL;
	free(file);
	if (!db)
		return;
	crm_index ix = {.book = b, .db = db};
	char *fp = fingerprint(b);
	int err;
	stmts q;
	bool prepared = false;
	if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK)
		goto done;
	char *old = stored_fingerprint(db, &err);
	bool current = err == SQLITE_OK && old && !strcmp(old, fp);
	free(old);
	if (!current || stmts_prepare(db, &q))
		goto rollback;
	prepared = true;
	time_t now = time(NULL);
	sqlite3_stmt *find;
	if (sqlite3_prepare_v2(db, "SELECT fid FROM ix_files WHERE path = ?", -1, &find, NULL) != SQLITE_OK)
		goto rollback;
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!crm_is_record_path(paths[i]))
			continue;
		bind_str(find, 1, paths[i]);
		long long fid = sqlite3_step(find) == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
		sqlite3_reset(find);
		fstat_t fs;
		const char *base = strrchr(paths[i], '/') + 1;
		crm_entry e = {.path = (char *)paths[i], .id = crm_xstrndup(base, strlen(base) - 5)};
		if (!lstat_file(b, paths[i], &fs, now)) {
			/* gone: drop its rows */
			for (size_t k = 0; fid && k < sizeof q.del / sizeof *q.del && !rc; k++) {
				sqlite3_bind_int64(q.del[k], 1, fid);
				rc = step(q.del[k]);
			}
			if (fid && !rc) {
				sqlite3_bind_int64(q.s[S_FILE_DEL], 1, fid);
				rc = step(q.s[S_FILE_DEL]);
			}
		} else {
			char *abs = crm_book_abs(b, paths[i]);
			e.symlink = lstat(abs, &st) == 0 && S_ISLNK(st.st_mode);
			free(abs);
			rc = index_file(b, &q, fid, fid == 0, &e, &fs);
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
		stmts_free(&q);
	free(fp);
	sqlite3_close(db);
	crm_error_clear();
}

int crm_index_diags(crm_index *ix, const char *const *paths, size_t n, crm_diags *d)
{
	size_t before = crm_diags_errors(d);
	sqlite3_stmt *st;
	/* ids unique across the book: the later file (in path order) is wrong */
	if (n == 0 &&
	    sqlite3_prepare_v2(ix->db,
			       "SELECT f.path, f.inner_id, (SELECT min(e.path) FROM ix_files e WHERE"
			       " e.inner_id = f.inner_id AND e.path < f.path) AS first FROM ix_files f"
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
	frow *idx = crm_xcalloc(n ? n : 1, sizeof *idx);
	for (size_t i = 0; i < n; i++)
		idx[i].path = v[i].path, idx[i].fid = (long long)i;
	qsort(idx, n, sizeof *idx, frow_cmp);
	while (sqlite3_step(st) == SQLITE_ROW) {
		frow key = {.path = (char *)sqlite3_column_text(st, 0)};
		frow *f = n ? bsearch(&key, idx, n, sizeof *idx, frow_cmp) : NULL;
		if (!f)
			continue;
		const char *nm = (const char *)sqlite3_column_text(st, 1);
		if (names && nm)
			names[f->fid] = crm_xstrdup(nm);
		if (errors)
			errors[f->fid] = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	free(idx);
}

/* ---- crm sql ---- */

void crm_sql_result_free(crm_sql_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	for (size_t i = 0; i < r->ncols * r->nrows; i++)
		free(r->v[i].text);
	free(r->cols);
	free(r->v);
	free(r);
}

/* Pragmas that only read the shape of the tables, when given no value. */
static bool pragma_reads(const char *name)
{
	static const char *const ok[] = {"table_info", "table_xinfo", "table_list", "index_list",
					 "index_info", "index_xinfo", "foreign_key_list"};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (name && !strcasecmp(name, ok[i]))
			return true;
	return false;
}

/* Let through reading and nothing else. */
static int authorize(void *arg, int action, const char *a, const char *b, const char *db,
		     const char *view)
{
	(void)arg;
	(void)db;
	(void)view;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_UPDATE:
		/* SQLite itself reads the schema this way for pragma_table_info();
		 * a user's UPDATE of it is refused by SQLite (no writable_schema) */
		return a && (!strcmp(a, "sqlite_master") || !strcmp(a, "sqlite_schema")) ? SQLITE_OK
											  : SQLITE_DENY;
	case SQLITE_PRAGMA:
		return pragma_reads(a) ? SQLITE_OK : SQLITE_DENY; /* b is their table */
	default:
		return SQLITE_DENY;
	}
}

int crm_index_query(crm_index *ix, const char *sql, crm_sql_result **out)
{
	*out = NULL;
	sqlite3 *db = NULL;
	const char *file = sqlite3_db_filename(ix->db, "main");
	if (file && *file)
		db = open_db(file, SQLITE_OPEN_READONLY);
	if (!db)
		db = ix->db; /* the in-memory fall-back: the authorizer alone guards it */
	sqlite3_set_authorizer(db, authorize, NULL);
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
		bool refused = sqlite3_errcode(db) == SQLITE_AUTH;
		rc = crm_error_set(CRM_EFAIL, "%s%s", sqlite3_errmsg(db),
				   refused ? " (crm sql only reads: SELECT over the tables of crm(1))" : "");
		goto done;
	}
	while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		rc = crm_error_set(CRM_EFAIL, "one statement at a time: '%s' follows the first", tail);
		goto done;
	}
	if (!st) {
		rc = crm_error_set(CRM_EFAIL, "no SQL statement in the query");
		goto done;
	}
	if (!sqlite3_stmt_readonly(st)) {
		rc = crm_error_set(CRM_EFAIL, "not authorized: crm sql only reads");
		goto done;
	}
	crm_sql_result *r = crm_xcalloc(1, sizeof *r);
	r->ncols = (size_t)sqlite3_column_count(st);
	r->cols = crm_xcalloc(r->ncols ? r->ncols : 1, sizeof *r->cols);
	for (size_t c = 0; c < r->ncols; c++)
		r->cols[c] = crm_xstrdup(sqlite3_column_name(st, (int)c));
	size_t cap = 0;
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r->nrows + 1) * r->ncols > cap) {
			cap = cap ? cap * 2 : 64 * (r->ncols ? r->ncols : 1);
			r->v = crm_xrealloc(r->v, cap * sizeof *r->v);
		}
		crm_sql_value *row = r->v + r->nrows * r->ncols;
		for (size_t c = 0; c < r->ncols; c++) {
			int t = sqlite3_column_type(st, (int)c);
			row[c].type = t == SQLITE_INTEGER ? CRM_SQL_INT : t == SQLITE_FLOAT ? CRM_SQL_REAL
					  : t == SQLITE_NULL ? CRM_SQL_NULL : CRM_SQL_TEXT;
			if (t == SQLITE_FLOAT)
				row[c].text = crm_xasprintf("%.15g", sqlite3_column_double(st, (int)c));
			else if (t == SQLITE_NULL)
				row[c].text = NULL;
			else
				row[c].text = crm_xstrndup((const char *)sqlite3_column_text(st, (int)c),
							   (size_t)sqlite3_column_bytes(st, (int)c));
		}
		r->nrows++;
	}
	if (s != SQLITE_DONE) {
		rc = crm_error_set(CRM_EFAIL, "%s", sqlite3_errmsg(db));
		crm_sql_result_free(r);
		goto done;
	}
	*out = r;
done:
	sqlite3_finalize(st);
	sqlite3_set_authorizer(db, NULL, NULL);
	if (db != ix->db)
		sqlite3_close(db);
	return rc;
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
		crm_buf_printf(&q, f->stage ? " AND EXISTS (SELECT 1 FROM ix_tags t WHERE t.fid = c.fid AND t.tag = ?%zu)"
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
	bind_str(st, 1, f->stage);
	bind_str(st, 2, f->owner);
	bind_str(st, 3, f->source);
	bind_str(st, 4, f->kind);
	bind_str(st, 5, f->industry);
	bind_str(st, 6, f->priority);
	bind_str(st, 7, due);
	bind_str(st, 8, today);
	for (size_t i = 0; i < f->ntags; i++)
		bind_str(st, 9 + (int)i, f->tags[i]);
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
		crm_summary *s = crm_xcalloc(1, sizeof *s);
		s->path = col_dup(st, 1);
		const char *inner = (const char *)sqlite3_column_text(st, 2);
		if (inner && *inner) {
			s->id = crm_xstrdup(inner);
		} else {
			const char *base = strrchr(s->path, '/') + 1;
			s->id = crm_xstrndup(base, strlen(base) - 5);
		}
		s->name = col_dup(st, 6);
		s->kind = col_dup(st, 7);
		s->stage = col_dup(st, 8);
		s->owner = col_dup(st, 9);
		s->source = col_dup(st, 10);
		s->first_contact = col_dup(st, 11);
		if ((s->has_next = sqlite3_column_type(st, 12) != SQLITE_NULL)) {
			s->next_date = col_dup(st, 12);
			s->next_action = col_dup(st, 13);
			if (!s->next_action)
				s->next_action = crm_xstrdup("");
			s->next_by = col_dup(st, 14);
			s->next_priority = col_dup(st, 15);
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			v = crm_xrealloc(v, cap * sizeof *v);
		}
		const char *tl = (const char *)sqlite3_column_text(st, 16);
		if (tl) {
			for (const char *p = tl; *tl; ) { /* "" is no tag at all */
				const char *e = strchr(p, '\x1f');
				size_t len = e ? (size_t)(e - p) : strlen(p);
				s->tags = crm_xrealloc(s->tags, (s->ntags + 1) * sizeof *s->tags);
				s->tags[s->ntags++] = crm_xstrndup(p, len);
				if (!e)
					break;
				p = e + 1;
			}
		} else {
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
		if (sqlite3_prepare_v2(ix->db, "SELECT tag FROM ix_tags WHERE fid = ? AND tag IS NOT NULL"
					       " ORDER BY rowid", -1, &st, NULL) == SQLITE_OK) {
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
					       " ORDER BY fid, rowid", -1, &st, NULL) == SQLITE_OK) {
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

int crm_index_find_each(crm_index *ix, const char *text, crm_diags *skipped,
			int (*fn)(const crm_record *r, void *arg), void *arg)
{
	/* the index narrows the book to the records whose text holds the
	 * fragment; crm_record_find then says where, exactly as over the files */
	sqlite3_stmt *st;
	if (sqlite3_create_function(ix->db, "crm_contains", 2,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    sql_contains, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ix->db, "SELECT f.path, f.skip, f.skip_line, f.skip_col FROM ix_files f"
				       " LEFT JOIN ix_search c ON c.fid = f.fid WHERE f.skip IS NOT NULL"
				       " OR crm_contains(c.search, ?1) OR crm_contains(c.digits, ?2) ORDER BY f.path",
			       -1, &st, NULL) != SQLITE_OK)
		return crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
	crm_buf low = CRM_BUF_INIT, dig = CRM_BUF_INIT;
	for (const char *p = text; *p; p++)
		crm_buf_putc(&low, (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
	if (phone_like(text))
		for (const char *p = text; *p; p++)
			if (*p >= '0' && *p <= '9')
				crm_buf_putc(&dig, *p);
	bind_str(st, 1, low.ptr ? low.ptr : "");
	bind_str(st, 2, dig.ptr); /* NULL: instr gives NULL, no match */
	int rc = 0;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			if (skipped)
				crm_diags_add(skipped, path, sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
					      CRM_SEV_WARNING, "%s", (const char *)sqlite3_column_text(st, 1));
			continue;
		}
		const char *base = strrchr(path, '/') + 1;
		crm_entry e = {.path = (char *)path, .id = crm_xstrndup(base, strlen(base) - 5)};
		crm_record *r = NULL;
		crm_diags d = {0};
		if (crm_record_load(&r, ix->book, &e, &d) == 0)
			rc = fn(r, arg);
		crm_record_free(r);
		crm_diags_free(&d);
		free(e.id);
	}
	sqlite3_finalize(st);
	crm_buf_free(&low);
	crm_buf_free(&dig);
	if (!rc)
		crm_error_clear();
	return rc;
}

/* ---- agenda ---- */

static const char *ctext(sqlite3_stmt *st, int c)
{
	return (const char *)sqlite3_column_text(st, c);
}

/* A copy of s kept in *v until the caller frees them; NULL stays NULL. */
static char *keep_str(char ***v, size_t *n, size_t *cap, const char *s)
{
	char *k = s ? crm_xstrdup(s) : NULL;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = crm_xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = k;
	return k;
}

int crm_index_agenda(crm_index *ix, const crm_agenda_query *q, crm_agenda *out, crm_diags *warnings)
{
	sqlite3_stmt *w, *cu, *co, *da;
	if (sqlite3_prepare_v2(ix->db, "SELECT path, load_err, load_line, load_col FROM ix_files"
				       " WHERE load_err IS NOT NULL ORDER BY path", -1, &w, NULL) != SQLITE_OK)
		return crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
	while (sqlite3_step(w) == SQLITE_ROW)
		if (warnings)
			crm_diags_add(warnings, ctext(w, 0), sqlite3_column_int(w, 2), sqlite3_column_int(w, 3),
				      CRM_SEV_WARNING, "skipped, cannot be read: %s", ctext(w, 1));
	sqlite3_finalize(w);
	/* three cursors in file order, merged */
	if (sqlite3_prepare_v2(ix->db,
			       "SELECT c.fid, c.id, c.path, c.name, c.owner, c.stage, c.latest_priority,"
			       " CAST(c.budget_max AS TEXT), c.latest_seq, c.last_followup, c.first_contact,"
			       " c.next_date, c.next_action, c.next_by, c.next_priority, c.deadline,"
			       " c.needs_summary, c.contract_end FROM ix_customers c JOIN ix_files f ON"
			       " f.fid = c.fid WHERE f.load_err IS NULL AND f.is_map AND"
			       " (c.stage IS NULL OR c.stage <> 'lost') ORDER BY c.fid",
			       -1, &cu, NULL) != SQLITE_OK)
		return crm_error_set(CRM_EFAIL, "index: %s", sqlite3_errmsg(ix->db));
	sqlite3_prepare_v2(ix->db, "SELECT fid, name, birthday FROM ix_contacts WHERE birthday IS NOT NULL"
				   " ORDER BY fid, seq", -1, &co, NULL);
	sqlite3_prepare_v2(ix->db, "SELECT fid, label, date, yearly FROM ix_dates ORDER BY fid, seq", -1,
			   &da, NULL);
	int rco = co ? sqlite3_step(co) : SQLITE_DONE, rda = da ? sqlite3_step(da) : SQLITE_DONE;
	crm_agenda_contact *cv = NULL;
	crm_agenda_date *dv = NULL;
	size_t ccap = 0, dcap = 0;
	/* strings of the contact and date rows must outlive their cursor steps */
	char **keep = NULL;
	size_t nkeep = 0, kcap = 0;
	while (sqlite3_step(cu) == SQLITE_ROW) {
		long long fid = sqlite3_column_int64(cu, 0);
		crm_agenda_facts f = {0};
		f.id = ctext(cu, 1);
		f.path = ctext(cu, 2);
		f.name = ctext(cu, 3);
		f.owner = ctext(cu, 4);
		f.stage = ctext(cu, 5);
		f.priority = ctext(cu, 6);
		f.budget_max = ctext(cu, 7);
		f.last_is_followup = sqlite3_column_int64(cu, 8) >= 0;
		f.last_date = ctext(cu, f.last_is_followup ? 9 : 10);
		f.has_next = sqlite3_column_type(cu, 11) != SQLITE_NULL;
		f.next_date = ctext(cu, 11);
		f.next_action = ctext(cu, 12);
		f.next_by = ctext(cu, 13);
		f.next_priority = ctext(cu, 14);
		f.deadline = ctext(cu, 15);
		f.needs_summary = ctext(cu, 16);
		f.contract_end = ctext(cu, 17);
		size_t nc = 0, nd = 0;
		while (rco == SQLITE_ROW && sqlite3_column_int64(co, 0) < fid)
			rco = sqlite3_step(co);
		while (rco == SQLITE_ROW && sqlite3_column_int64(co, 0) == fid) {
			if (nc == ccap) {
				ccap = ccap ? ccap * 2 : 8;
				cv = crm_xrealloc(cv, ccap * sizeof *cv);
			}
			cv[nc].name = keep_str(&keep, &nkeep, &kcap, ctext(co, 1));
			cv[nc].birthday = keep_str(&keep, &nkeep, &kcap, ctext(co, 2));
			nc++;
			rco = sqlite3_step(co);
		}
		while (rda == SQLITE_ROW && sqlite3_column_int64(da, 0) < fid)
			rda = sqlite3_step(da);
		while (rda == SQLITE_ROW && sqlite3_column_int64(da, 0) == fid) {
			if (nd == dcap) {
				dcap = dcap ? dcap * 2 : 8;
				dv = crm_xrealloc(dv, dcap * sizeof *dv);
			}
			dv[nd].label = keep_str(&keep, &nkeep, &kcap, ctext(da, 1));
			dv[nd].date = keep_str(&keep, &nkeep, &kcap, ctext(da, 2));
			dv[nd].yearly = sqlite3_column_int(da, 3) != 0;
			nd++;
			rda = sqlite3_step(da);
		}
		f.contacts = cv;
		f.ncontacts = nc;
		f.dates = dv;
		f.ndates = nd;
		crm_agenda_add_facts(out, q, &f);
		for (size_t k = 0; k < nkeep; k++)
			free(keep[k]);
		nkeep = 0;
	}
	free(keep);
	free(cv);
	free(dv);
	sqlite3_finalize(cu);
	sqlite3_finalize(co);
	sqlite3_finalize(da);
	crm_agenda_sort(out);
	return 0;
}
