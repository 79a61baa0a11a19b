/*
 * report.c: the five reports of SPEC §5 computed from the index tables.
 * SQL does the grouping; C does what SQL says badly (medians, the funnel's
 * "skipped stages count as passed", on-time next actions, ABC classes).
 */
#include "crm/report.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "crm/date.h"
#include "crm/error.h"

const char *const crm_funnel_stage[CRM_FUNNEL_STAGES] = {"initial", "needs", "proposal",
							  "negotiation", "won"};
const char *const crm_stage_codes[CRM_STAGES] = {"initial", "needs",       "proposal",
						 "negotiation", "won",   "lost"};
const char *const crm_group_names[CRM_GROUPS] = {"by_industry", "by_size", "by_source",
						 "by_owner"};

static const char *const names[] = {"funnel", "sources", "followups", "value", "owners"};

unsigned crm_report_by_name(const char *name)
{
	for (unsigned i = 0; i < 5; i++)
		if (!strcmp(name, names[i]))
			return 1u << i;
	return 0;
}

const char *crm_report_name(unsigned bit)
{
	for (unsigned i = 0; i < 5; i++)
		if (bit == 1u << i)
			return names[i];
	return NULL;
}

/* The customers the options select; ?1 since, ?2 until, ?3 owner. */
#define CUSTOMER_FILTER                                                     \
	" (?1 IS NULL OR c.first_contact >= ?1) AND (?2 IS NULL OR c.first_contact <= ?2)" \
	" AND (?3 IS NULL OR c.owner = ?3) "

static int prepare(sqlite3 *db, const char *sql, const crm_report_opts *o, bool owner,
		   sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return crm_error_set(CRM_EFAIL, "report: %s", sqlite3_errmsg(db));
	int n = sqlite3_bind_parameter_count(*st);
	if (n >= 1)
		sqlite3_bind_text(*st, 1, o->since, -1, SQLITE_STATIC);
	if (n >= 2)
		sqlite3_bind_text(*st, 2, o->until, -1, SQLITE_STATIC);
	if (n >= 3)
		sqlite3_bind_text(*st, 3, owner ? o->owner : NULL, -1, SQLITE_STATIC);
	if (n >= 4)
		sqlite3_bind_text(*st, 4, o->today, -1, SQLITE_STATIC);
	return 0;
}

static int step_done(sqlite3 *db, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return crm_error_set(CRM_EFAIL, "report: %s", sqlite3_errmsg(db));
	return 0;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? crm_xstrdup((const char *)t) : NULL;
}

static int stage_rank(const char *s)
{
	if (s)
		for (int i = 0; i < CRM_FUNNEL_STAGES; i++)
			if (!strcmp(s, crm_funnel_stage[i]))
				return i;
	return -1;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

/* Days in growable arrays, one per funnel stage. */
typedef struct {
	long *v;
	size_t n, cap;
} days_list;

static void days_push(days_list *l, long d)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = crm_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = d;
}

/* Close the customer whose rows were just read: count what it reached. */
static void funnel_customer(crm_report_funnel *f, int maxrank)
{
	for (int i = 0; i <= maxrank && i < CRM_FUNNEL_STAGES; i++)
		f->stages[i].reached++;
}

/*
 * Two sorted scans merged here (customers by id, every stage_history entry
 * by id and position) rather than one JOIN: SQLite would build a temporary
 * index over stages for the join, which costs twice as much on a big book.
 * Both sort by the id as text, byte order, as strcmp compares.
 */
static int compute_funnel(crm_report *r, sqlite3 *db, const crm_report_opts *o)
{
	static const char csql[] = "SELECT CAST(c.id AS TEXT) AS k, c.stage FROM customers c WHERE"
				   CUSTOMER_FILTER "AND c.id IS NOT NULL ORDER BY k";
	/* ids are stored as text, so s.id orders as its text does, and the
	 * index on (id, seq, stage, date) gives the rows in that order */
	static const char ssql[] = "SELECT s.id AS k, s.stage, s.date FROM stages s"
				   " WHERE s.id IS NOT NULL ORDER BY s.id, s.seq";
	crm_report_funnel *f = &r->funnel;
	sqlite3_stmt *cs, *ss;
	int rc = prepare(db, csql, o, true, &cs);
	if (rc)
		return rc;
	if ((rc = prepare(db, ssql, o, false, &ss))) {
		sqlite3_finalize(cs);
		return rc;
	}
	days_list days[CRM_FUNNEL_STAGES] = {0};
	int src = sqlite3_step(ss); /* the stages cursor runs ahead of the customers one */
	while ((rc = sqlite3_step(cs)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(cs, 0);
		const char *now = (const char *)sqlite3_column_text(cs, 1);
		int maxrank = stage_rank(now);
		if (maxrank >= 0)
			f->stages[maxrank].current++;
		if (now && !strcmp(now, "won"))
			f->won++;
		else if (now && !strcmp(now, "lost"))
			f->lost++;
		int prev_rank = -1; /* funnel stage of the previous entry; -1: none or lost */
		crm_date prev_date = {0};
		bool prev_ok = false;
		for (; src == SQLITE_ROW; src = sqlite3_step(ss)) {
			const char *sid = (const char *)sqlite3_column_text(ss, 0);
			int c = strcmp(sid, id);
			if (c > 0)
				break;
			if (c < 0) /* stages of a customer not selected */
				continue;
			const char *hs = (const char *)sqlite3_column_text(ss, 1);
			const char *hd = (const char *)sqlite3_column_text(ss, 2);
			int k = stage_rank(hs);
			if (k > maxrank)
				maxrank = k;
			crm_date d = {0};
			bool ok = hd && crm_date_parse_iso(&d, hd);
			if (prev_rank >= 0 && prev_ok && ok) {
				long n = crm_date_diff(d, prev_date);
				if (n >= 0)
					days_push(&days[prev_rank], n);
			}
			prev_rank = k; /* a lost stay is not a funnel stay */
			prev_date = d;
			prev_ok = ok;
		}
		funnel_customer(f, maxrank);
	}
	if (src != SQLITE_ROW && src != SQLITE_DONE && rc == SQLITE_DONE)
		rc = src;
	sqlite3_finalize(ss);
	for (int i = 0; i < CRM_FUNNEL_STAGES; i++) {
		days_list *l = &days[i];
		if (l->n) {
			qsort(l->v, l->n, sizeof *l->v, cmp_long);
			f->stages[i].has_median = true;
			f->stages[i].median_days = l->n % 2 ? (double)l->v[l->n / 2]
							    : (l->v[l->n / 2 - 1] + l->v[l->n / 2]) / 2.0;
		}
		free(l->v);
	}
	for (int i = 0; i + 1 < CRM_FUNNEL_STAGES; i++)
		f->conversion[i] = (crm_ratio){f->stages[i + 1].reached, f->stages[i].reached};
	f->win_rate = (crm_ratio){f->won, f->won + f->lost};
	return step_done(db, cs, rc);
}

static int cmp_source(const void *a, const void *b)
{
	const crm_report_source *x = a, *y = b;
	if (x->customers != y->customers)
		return x->customers > y->customers ? -1 : 1;
	if (!x->source || !y->source)
		return !x->source - !y->source;
	return strcmp(x->source, y->source);
}

static int compute_sources(crm_report *r, sqlite3 *db, const crm_report_opts *o)
{
	static const char sql[] =
		"SELECT c.source, COUNT(*), SUM(c.stage = 'won'), SUM(c.stage = 'lost'),"
		" TOTAL(CASE WHEN c.stage = 'won' THEN c.deal_amount END)"
		" FROM customers c WHERE" CUSTOMER_FILTER " GROUP BY c.source";
	sqlite3_stmt *st;
	int rc = prepare(db, sql, o, true, &st);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nsources == cap) {
			cap = cap ? 2 * cap : 8;
			r->sources = crm_xrealloc(r->sources, cap * sizeof *r->sources);
		}
		r->sources[r->nsources++] = (crm_report_source){
			col_dup(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
			sqlite3_column_int64(st, 3), sqlite3_column_double(st, 4)};
	}
	if (r->nsources)
		qsort(r->sources, r->nsources, sizeof *r->sources, cmp_source);
	return step_done(db, st, rc);
}

/* The row of rep (code) in r->reps, added when missing. */
static crm_report_rep *rep_row(crm_report *r, size_t *cap, const char *rep)
{
	for (size_t i = 0; i < r->nreps; i++)
		if (!strcmp(r->reps[i].rep, rep))
			return &r->reps[i];
	if (r->nreps == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		r->reps = crm_xrealloc(r->reps, *cap * sizeof *r->reps);
	}
	r->reps[r->nreps] = (crm_report_rep){.rep = crm_xstrdup(rep)};
	return &r->reps[r->nreps++];
}

static crm_report_via *via_row(crm_report *r, size_t *cap, const char *via)
{
	for (size_t i = 0; i < r->nvias; i++)
		if (!strcmp(r->vias[i].via, via))
			return &r->vias[i];
	if (r->nvias == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		r->vias = crm_xrealloc(r->vias, *cap * sizeof *r->vias);
	}
	r->vias[r->nvias] = (crm_report_via){.via = crm_xstrdup(via)};
	return &r->vias[r->nvias++];
}

static int cmp_rep(const void *a, const void *b)
{
	return strcmp(((const crm_report_rep *)a)->rep, ((const crm_report_rep *)b)->rep);
}

static int cmp_via(const void *a, const void *b)
{
	return strcmp(((const crm_report_via *)a)->via, ((const crm_report_via *)b)->via);
}

/* One follow-up row, kept while its customer's rows are read. */
typedef struct {
	char *date, *by, *via, *result, *next_date;
} fu_row;

static bool in_range(const char *d, const crm_report_opts *o)
{
	if (o->since && (!d || strcmp(d, o->since) < 0))
		return false;
	if (o->until && (!d || strcmp(d, o->until) > 0))
		return false;
	return true;
}

/* Count the follow-ups of one customer (in (date, seq) order) into r. */
static void followups_customer(crm_report *r, size_t *repcap, size_t *viacap, fu_row *v, size_t n,
			       const crm_report_opts *o)
{
	for (size_t i = 0; i < n; i++) {
		fu_row *f = &v[i];
		if (!in_range(f->date, o) || !f->by || (o->owner && strcmp(f->by, o->owner)))
			continue;
		bool has_result = f->result && *f->result;
		bool progressed = has_result && !strcmp(f->result, "progressed");
		crm_report_rep *p = rep_row(r, repcap, f->by);
		p->followups++;
		p->with_result += has_result;
		p->progressed += progressed;
		if (f->via) {
			crm_report_via *w = via_row(r, viacap, f->via);
			w->followups++;
			w->with_result += has_result;
			w->progressed += progressed;
		}
		if (!f->next_date || !*f->next_date)
			continue;
		const fu_row *next = i + 1 < n ? &v[i + 1] : NULL;
		if (next && next->date) {
			p->counted++;
			p->on_time += strcmp(next->date, f->next_date) <= 0;
		} else if (strcmp(f->next_date, o->today) < 0) {
			p->counted++;
		}
	}
}

static void fu_rows_clear(fu_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].date);
		free(v[i].by);
		free(v[i].via);
		free(v[i].result);
		free(v[i].next_date);
	}
}

static int compute_followups(crm_report *r, sqlite3 *db, const crm_report_opts *o)
{
	/* every follow-up of every customer: the next one decides on-time,
	 * whatever the selection; NULL dates sort first and never count */
	static const char sql[] = "SELECT f.id, f.date, f.by, f.via, f.result, f.next_date"
				  " FROM followups f ORDER BY f.id, f.date, f.seq";
	static const char open_sql[] =
		"SELECT c.next_by, COUNT(*), SUM(c.next_date < ?4) FROM customers c"
		" WHERE (?1 IS NULL OR c.first_contact >= ?1) AND (?2 IS NULL OR c.first_contact <= ?2)"
		" AND c.next_by IS NOT NULL AND (?3 IS NULL OR c.next_by = ?3) GROUP BY c.next_by";
	size_t repcap = 0, viacap = 0;
	sqlite3_stmt *st;
	int rc = prepare(db, sql, o, false, &st);
	if (rc)
		return rc;
	fu_row *v = NULL;
	size_t n = 0, cap = 0;
	char *cur = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (!id)
			continue;
		if (!cur || strcmp(cur, id)) {
			followups_customer(r, &repcap, &viacap, v, n, o);
			fu_rows_clear(v, n);
			n = 0;
			free(cur);
			cur = crm_xstrdup(id);
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = crm_xrealloc(v, cap * sizeof *v);
		}
		v[n++] = (fu_row){col_dup(st, 1), col_dup(st, 2), col_dup(st, 3), col_dup(st, 4),
				  col_dup(st, 5)};
	}
	followups_customer(r, &repcap, &viacap, v, n, o);
	fu_rows_clear(v, n);
	free(v);
	free(cur);
	if ((rc = step_done(db, st, rc)))
		return rc;

	if ((rc = prepare(db, open_sql, o, true, &st)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *by = (const char *)sqlite3_column_text(st, 0);
		crm_report_rep *p = rep_row(r, &repcap, by);
		p->open = sqlite3_column_int64(st, 1);
		p->overdue = sqlite3_column_int64(st, 2);
	}
	if ((rc = step_done(db, st, rc)))
		return rc;
	if (r->nreps)
		qsort(r->reps, r->nreps, sizeof *r->reps, cmp_rep);
	if (r->nvias)
		qsort(r->vias, r->nvias, sizeof *r->vias, cmp_via);
	return 0;
}

static int cmp_group(const void *a, const void *b)
{
	const crm_report_group *x = a, *y = b;
	if (x->won_amount != y->won_amount)
		return x->won_amount > y->won_amount ? -1 : 1;
	if (x->customers != y->customers)
		return x->customers > y->customers ? -1 : 1;
	if (!x->key || !y->key)
		return !x->key - !y->key;
	return strcmp(x->key, y->key);
}

static int compute_value(crm_report *r, sqlite3 *db, const crm_report_opts *o)
{
	static const char *const cols[CRM_GROUPS] = {"c.industry", "c.size", "c.source", "c.owner"};
	sqlite3_stmt *st;
	int rc;
	/* ABC over won customers */
	if ((rc = prepare(db,
			  "SELECT c.id, c.name, IFNULL(c.deal_amount, 0) AS a FROM customers c WHERE"
			  CUSTOMER_FILTER "AND c.stage = 'won' ORDER BY a DESC, c.id",
			  o, true, &st)))
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nabc == cap) {
			cap = cap ? 2 * cap : 16;
			r->abc = crm_xrealloc(r->abc, cap * sizeof *r->abc);
		}
		double a = sqlite3_column_double(st, 2);
		r->won_total += a;
		r->abc[r->nabc++] = (crm_report_abc){col_dup(st, 0), col_dup(st, 1), a, r->won_total, 'C'};
	}
	if ((rc = step_done(db, st, rc)))
		return rc;
	for (size_t i = 0; i < r->nabc; i++) {
		crm_report_abc *x = &r->abc[i];
		/* compare x/total <= 80% as 100x <= 80 total, with no rounding of the share */
		if (i == 0 || x->cumulative * 100 <= r->won_total * 80)
			x->cls = 'A';
		else if (x->cumulative * 100 <= r->won_total * 95)
			x->cls = 'B';
		if (i > 0 && r->abc[i - 1].cls > x->cls) /* once past A, never A again */
			x->cls = r->abc[i - 1].cls;
	}

	for (int g = 0; g < CRM_GROUPS; g++) {
		char *sql = crm_xasprintf(
			"SELECT %s, COUNT(*), SUM(c.stage = 'won'),"
			" TOTAL(CASE WHEN c.stage = 'won' THEN c.deal_amount END), TOTAL(c.budget_max)"
			" FROM customers c WHERE" CUSTOMER_FILTER "GROUP BY %s",
			cols[g], cols[g]);
		rc = prepare(db, sql, o, true, &st);
		free(sql);
		if (rc)
			return rc;
		cap = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (r->ngroups[g] == cap) {
				cap = cap ? 2 * cap : 8;
				r->groups[g] = crm_xrealloc(r->groups[g], cap * sizeof *r->groups[g]);
			}
			r->groups[g][r->ngroups[g]++] = (crm_report_group){
				col_dup(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
				sqlite3_column_double(st, 3), sqlite3_column_double(st, 4)};
		}
		if ((rc = step_done(db, st, rc)))
			return rc;
		if (r->ngroups[g])
			qsort(r->groups[g], r->ngroups[g], sizeof *r->groups[g], cmp_group);
	}

	if ((rc = prepare(db,
			  "SELECT c.id, c.name, CASE WHEN c.stage = 'won' THEN IFNULL(c.deal_amount, 0)"
			  " ELSE 0 END AS w, c.budget_max FROM customers c WHERE" CUSTOMER_FILTER
			  "AND (w > 0 OR c.budget_max IS NOT NULL)"
			  " ORDER BY w DESC, IFNULL(c.budget_max, 0) DESC, c.id LIMIT 10",
			  o, true, &st)))
		return rc;
	r->top = crm_xcalloc(10, sizeof *r->top);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && r->ntop < 10) {
		bool has = sqlite3_column_type(st, 3) != SQLITE_NULL;
		r->top[r->ntop++] = (crm_report_top){col_dup(st, 0), col_dup(st, 1),
						     sqlite3_column_double(st, 2), has,
						     has ? sqlite3_column_double(st, 3) : 0};
	}
	return step_done(db, st, rc);
}

static int compute_owners(crm_report *r, sqlite3 *db, const crm_report_opts *o)
{
	static const char sql[] =
		"SELECT c.owner, COUNT(*), SUM(c.stage = 'initial'), SUM(c.stage = 'needs'),"
		" SUM(c.stage = 'proposal'), SUM(c.stage = 'negotiation'), SUM(c.stage = 'won'),"
		" SUM(c.stage = 'lost'), TOTAL(CASE WHEN c.stage = 'won' THEN c.deal_amount END),"
		" SUM(c.next_date < ?4) FROM customers c WHERE" CUSTOMER_FILTER
		"AND c.owner IS NOT NULL GROUP BY c.owner ORDER BY c.owner";
	sqlite3_stmt *st;
	int rc = prepare(db, sql, o, true, &st);
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nowners == cap) {
			cap = cap ? 2 * cap : 8;
			r->owners = crm_xrealloc(r->owners, cap * sizeof *r->owners);
		}
		crm_report_owner *w = &r->owners[r->nowners++];
		*w = (crm_report_owner){.owner = col_dup(st, 0), .customers = sqlite3_column_int64(st, 1)};
		for (int i = 0; i < CRM_STAGES; i++)
			w->stages[i] = sqlite3_column_int64(st, 2 + i);
		w->won_amount = sqlite3_column_double(st, 8);
		w->overdue = sqlite3_column_int64(st, 9);
	}
	return step_done(db, st, rc);
}

int crm_report_compute(crm_report **out, sqlite3 *db, const crm_report_opts *o, unsigned which)
{
	crm_report *r = crm_xcalloc(1, sizeof *r);
	r->which = which & CRM_REPORT_ALL;
	int rc = 0;
	/* one read transaction, so that the five reports see the same rows */
	bool txn = sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	if (!rc && (which & CRM_REPORT_FUNNEL))
		rc = compute_funnel(r, db, o);
	if (!rc && (which & CRM_REPORT_SOURCES))
		rc = compute_sources(r, db, o);
	if (!rc && (which & CRM_REPORT_FOLLOWUPS))
		rc = compute_followups(r, db, o);
	if (!rc && (which & CRM_REPORT_VALUE))
		rc = compute_value(r, db, o);
	if (!rc && (which & CRM_REPORT_OWNERS))
		rc = compute_owners(r, db, o);
	if (txn)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc) {
		crm_report_free(r);
		*out = NULL;
		return rc;
	}
	*out = r;
	return 0;
}

void crm_report_free(crm_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nsources; i++)
		free(r->sources[i].source);
	free(r->sources);
	for (size_t i = 0; i < r->nreps; i++)
		free(r->reps[i].rep);
	free(r->reps);
	for (size_t i = 0; i < r->nvias; i++)
		free(r->vias[i].via);
	free(r->vias);
	for (size_t i = 0; i < r->nabc; i++) {
		free(r->abc[i].id);
		free(r->abc[i].name);
	}
	free(r->abc);
	for (int g = 0; g < CRM_GROUPS; g++) {
		for (size_t i = 0; i < r->ngroups[g]; i++)
			free(r->groups[g][i].key);
		free(r->groups[g]);
	}
	for (size_t i = 0; i < r->ntop; i++) {
		free(r->top[i].id);
		free(r->top[i].name);
	}
	free(r->top);
	for (size_t i = 0; i < r->nowners; i++)
		free(r->owners[i].owner);
	free(r->owners);
	free(r);
}
