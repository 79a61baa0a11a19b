/* agenda.c: the items of the agenda, computed from records (see agenda.h). */
#include "crm/agenda.h"
#include "crm/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *crm_agenda_type_name(crm_agenda_type t)
{
	switch (t) {
	case CRM_AGENDA_OVERDUE:
		return "overdue";
	case CRM_AGENDA_DUE:
		return "due";
	case CRM_AGENDA_BIRTHDAY:
		return "birthday";
	case CRM_AGENDA_CONTRACT_END:
		return "contract_end";
	case CRM_AGENDA_DATE:
		return "date";
	case CRM_AGENDA_STALE:
		return "stale";
	}
	return "?";
}

/* Within one day: actions first, then what needs preparing, then the rest. */
static int type_rank(crm_agenda_type t)
{
	switch (t) {
	case CRM_AGENDA_OVERDUE:
		return 0;
	case CRM_AGENDA_DUE:
		return 1;
	case CRM_AGENDA_CONTRACT_END:
		return 2;
	case CRM_AGENDA_DATE:
		return 3;
	case CRM_AGENDA_BIRTHDAY:
		return 4;
	case CRM_AGENDA_STALE:
		return 5;
	}
	return 6;
}

static int priority_rank(const char *p)
{
	if (!p)
		return 3;
	if (!strcmp(p, "high"))
		return 0;
	if (!strcmp(p, "medium"))
		return 1;
	if (!strcmp(p, "low"))
		return 2;
	return 3;
}

static int stage_rank(const char *s)
{
	static const char *const order[] = {"initial", "needs", "proposal", "negotiation"};
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, order[i]))
			return i + 1;
	return 0;
}

int crm_agenda_cmp(const crm_agenda_item *x, const crm_agenda_item *y)
{
	int c = crm_date_cmp(x->date, y->date);
	if (c)
		return c;
	if ((c = type_rank(x->type) - type_rank(y->type)))
		return c;
	if ((c = priority_rank(x->priority) - priority_rank(y->priority)))
		return c;
	if ((c = y->stage_rank - x->stage_rank))
		return c;
	if (x->has_budget != y->has_budget)
		return x->has_budget ? -1 : 1;
	if (x->has_budget && x->budget != y->budget)
		return x->budget > y->budget ? -1 : 1;
	if ((c = strcmp(x->id, y->id)))
		return c;
	return strcmp(x->text, y->text);
}

/*
 * What crm_agenda_cmp compares, packed: the date, type, priority, stage and
 * whether there is a budget in one integer, so that most comparisons of a
 * long agenda are one instruction on memory that is read in order.
 */
typedef struct {
	uint64_t key;
	const crm_agenda_item *it;
} sort_ent;

static uint64_t sort_key(const crm_agenda_item *it)
{
	uint64_t y = (uint64_t)it->date.y, m = (uint64_t)it->date.m, d = (uint64_t)it->date.d;
	return y << 40 | m << 35 | d << 29 | (uint64_t)type_rank(it->type) << 25 |
	       (uint64_t)priority_rank(it->priority) << 21 | (uint64_t)(15 - it->stage_rank) << 16 |
	       (uint64_t)!it->has_budget << 15;
}

static int cmp_ents(const void *a, const void *b)
{
	const sort_ent *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return crm_agenda_cmp(x->it, y->it); /* the rest of the order: budget, id, text */
}

void crm_agenda_sort(crm_agenda *a)
{
	if (a->n < 2)
		return;
	sort_ent *p = crm_xmalloc(a->n * sizeof *p);
	for (size_t i = 0; i < a->n; i++)
		p[i] = (sort_ent){sort_key(&a->v[i]), &a->v[i]};
	qsort(p, a->n, sizeof *p, cmp_ents);
	/* then move each item once: items are a hundred bytes */
	crm_agenda_item *v = crm_xmalloc(a->n * sizeof *v);
	for (size_t i = 0; i < a->n; i++)
		v[i] = *p[i].it;
	free(p);
	free(a->v);
	a->v = v;
	a->cap = a->n;
}

void crm_agenda_free(crm_agenda *a)
{
	for (size_t i = 0; i < a->n; i++) {
		crm_agenda_item *it = &a->v[i];
		free(it->text);
		if (it->block) {
			free(it->block);
			continue;
		}
		free(it->id);
		free(it->name);
		free(it->who);
		free(it->priority);
		free(it->stage);
		free(it->path);
	}
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

static bool zh(const crm_agenda_query *q)
{
	return q->lang && !strcmp(q->lang, "zh");
}

static bool mine(const crm_agenda_query *q, const char *who)
{
	return !q->who || (who && !strcmp(q->who, who));
}

/* What one record shares among its items. */
typedef struct {
	const crm_agenda_query *q;
	const crm_agenda_facts *f;
	bool has_budget;
	double budget;
} rec_info;

/* Add an item; takes ownership of text. */
static void push(crm_agenda *a, const rec_info *ri, crm_agenda_type type, crm_date date, long days,
		 const char *who, const char *priority, char *text)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = crm_xrealloc(a->v, a->cap * sizeof *a->v);
	}
	crm_agenda_item *it = &a->v[a->n++];
	memset(it, 0, sizeof *it);
	it->type = type;
	it->date = date;
	it->days = days;
	it->text = text;
	/* the item's strings in one block: an agenda of 100,000 customers is
	 * otherwise over half a million small allocations */
	const char *src[6] = {ri->f->id, ri->f->name ? ri->f->name : ri->f->id, who, priority,
			      ri->f->stage, ri->f->path};
	char **const dst[6] = {&it->id, &it->name, &it->who, &it->priority, &it->stage, &it->path};
	it->block = crm_xpack(6, src, NULL, dst);
	it->stage_rank = stage_rank(ri->f->stage);
	it->has_budget = ri->has_budget;
	it->budget = ri->budget;
}

static bool date_ok(const char *s, crm_date *out)
{
	return s && crm_date_parse_iso(out, s);
}

/* Whether d lies in today .. today + n. */
static bool within(crm_date d, crm_date today, int n)
{
	long k = crm_date_diff(d, today);
	return n >= 0 && k >= 0 && k <= n;
}

static bool is_true(const crm_node *n)
{
	return n && n->kind == CRM_NODE_SCALAR && n->jtype == CRM_JSON_BOOL &&
	       (n->value[0] == 't' || n->value[0] == 'T');
}

/* Overdue and due; returns whether an overdue item was added. */
static bool add_next(crm_agenda *a, const rec_info *ri)
{
	const crm_agenda_query *q = ri->q;
	const crm_agenda_facts *f = ri->f;
	crm_date d;
	if (!f->has_next || !date_ok(f->next_date, &d))
		return false;
	const char *action = f->next_action ? f->next_action : "";
	const char *who = f->next_by ? f->next_by : f->owner;
	if (!mine(q, who))
		return false;
	long k = crm_date_diff(d, q->today);
	char *text = crm_xstrdup(*action ? action : zh(q) ? "跟进" : "follow up");
	if (k < 0) {
		push(a, ri, CRM_AGENDA_OVERDUE, d, -k, who, f->next_priority, text);
		return true;
	}
	if (k <= q->days)
		push(a, ri, CRM_AGENDA_DUE, d, k, who, f->next_priority, text);
	else
		free(text);
	return false;
}

static void add_birthdays(crm_agenda *a, const rec_info *ri)
{
	const crm_agenda_query *q = ri->q;
	for (size_t i = 0; i < ri->f->ncontacts; i++) {
		crm_date b;
		if (!date_ok(ri->f->contacts[i].birthday, &b))
			continue;
		crm_date next = crm_date_next_yearly(b, q->today);
		if (!within(next, q->today, q->config->rem_birthday))
			continue;
		const char *who = ri->f->contacts[i].name;
		char *text = crm_xasprintf("%s%s%s", zh(q) ? "生日" : "Birthday", who ? ": " : "",
					   who ? who : "");
		push(a, ri, CRM_AGENDA_BIRTHDAY, next, crm_date_diff(next, q->today), ri->f->owner,
		     ri->f->priority, text);
	}
}

static void add_dates(crm_agenda *a, const rec_info *ri, bool won)
{
	const crm_agenda_query *q = ri->q;
	for (size_t i = 0; i < ri->f->ndates; i++) {
		const crm_agenda_date *e = &ri->f->dates[i];
		crm_date d;
		if (!date_ok(e->date, &d))
			continue;
		/* SPEC §5: yearly dates share the birthday window, one-off ones reminders.dates */
		if (e->yearly)
			d = crm_date_next_yearly(d, q->today);
		if (!within(d, q->today, e->yearly ? q->config->rem_birthday : q->config->rem_dates))
			continue;
		char *text = crm_xstrdup(e->label ? e->label : zh(q) ? "重要日期" : "Key date");
		push(a, ri, CRM_AGENDA_DATE, d, crm_date_diff(d, q->today), ri->f->owner, ri->f->priority,
		     text);
	}
	crm_date dl;
	if (won || !date_ok(ri->f->deadline, &dl) || !within(dl, q->today, q->config->rem_dates))
		return;
	const char *summary = ri->f->needs_summary;
	char *text = crm_xasprintf("%s%s%s", zh(q) ? "决策期限" : "Deadline",
				   summary && *summary ? ": " : "", summary ? summary : "");
	push(a, ri, CRM_AGENDA_DATE, dl, crm_date_diff(dl, q->today), ri->f->owner, ri->f->priority,
	     text);
	a->v[a->n - 1].deadline = true;
}

static void add_contract_end(crm_agenda *a, const rec_info *ri)
{
	const crm_agenda_query *q = ri->q;
	crm_date d;
	if (!date_ok(ri->f->contract_end, &d) || !within(d, q->today, q->config->rem_contract_end))
		return;
	push(a, ri, CRM_AGENDA_CONTRACT_END, d, crm_date_diff(d, q->today), ri->f->owner,
	     ri->f->priority, crm_xstrdup(zh(q) ? "合同到期" : "Contract ends"));
}

static void add_stale(crm_agenda *a, const rec_info *ri)
{
	const crm_agenda_query *q = ri->q;
	int stale = q->config->rem_stale;
	if (stale <= 0)
		return;
	crm_date last;
	if (!date_ok(ri->f->last_date, &last))
		return;
	long since = crm_date_diff(q->today, last);
	if (since < stale)
		return;
	char *text;
	if (ri->f->last_is_followup)
		text = zh(q) ? crm_xasprintf("%ld 天未跟进", since)
			     : crm_xasprintf("no follow-up for %ld days", since);
	else
		text = zh(q) ? crm_xasprintf("首次接触后 %ld 天未跟进", since)
			     : crm_xasprintf("no follow-up in the %ld days since first contact", since);
	push(a, ri, CRM_AGENDA_STALE, crm_date_add_days(last, stale), since, ri->f->owner,
	     ri->f->priority, text);
}

void crm_agenda_add_facts(crm_agenda *a, const crm_agenda_query *q, const crm_agenda_facts *f)
{
	rec_info ri = {q, f, false, 0};
	if (f->budget_max) {
		char *end;
		ri.budget = strtod(f->budget_max, &end);
		ri.has_budget = end != f->budget_max && !*end;
	}
	bool won = f->stage && !strcmp(f->stage, "won");
	bool lost = f->stage && !strcmp(f->stage, "lost");
	if (lost)
		return;
	bool overdue = add_next(a, &ri);
	if (!mine(q, f->owner))
		return;
	add_birthdays(a, &ri);
	add_dates(a, &ri, won);
	add_contract_end(a, &ri);
	if (!won && !overdue)
		add_stale(a, &ri);
}

void crm_agenda_add(crm_agenda *a, const crm_agenda_query *q, const crm_record *r)
{
	if (!r->doc || !r->doc->root || r->doc->root->kind != CRM_NODE_MAP)
		return;
	const crm_node *root = r->doc->root;
	crm_agenda_facts f = {0};
	f.id = r->id;
	f.path = r->path;
	f.name = crm_record_str(r, "name");
	f.owner = crm_record_str(r, "owner");
	f.stage = crm_record_str(r, "stage");
	f.budget_max = crm_record_str(r, "needs.budget.max");
	long latest = crm_record_latest_followup(r);
	const crm_node *fu = crm_node_get(root, "followups");
	if (latest >= 0) {
		f.priority = crm_node_str(fu->items[latest], "priority");
		f.last_date = crm_node_str(fu->items[latest], "date");
		f.last_is_followup = true;
	} else {
		f.last_date = crm_node_str(crm_node_get(root, "first_contact"), "date");
	}
	crm_next nx;
	if ((f.has_next = crm_record_next(r, &nx))) {
		f.next_date = nx.date;
		f.next_action = nx.action;
		f.next_by = nx.by;
		f.next_priority = nx.priority;
	}
	const crm_node *cs = crm_node_get(root, "contacts");
	crm_agenda_contact *cv = NULL;
	if (cs && cs->kind == CRM_NODE_SEQ && cs->n) {
		cv = crm_xcalloc(cs->n, sizeof *cv);
		for (size_t i = 0; i < cs->n; i++) {
			cv[i].name = crm_node_str(cs->items[i], "name");
			cv[i].birthday = crm_node_str(cs->items[i], "birthday");
		}
		f.contacts = cv;
		f.ncontacts = cs->n;
	}
	const crm_node *ds = crm_node_get(root, "dates");
	crm_agenda_date *dv = NULL;
	if (ds && ds->kind == CRM_NODE_SEQ && ds->n) {
		dv = crm_xcalloc(ds->n, sizeof *dv);
		for (size_t i = 0; i < ds->n; i++) {
			dv[i].label = crm_node_str(ds->items[i], "label");
			dv[i].date = crm_node_str(ds->items[i], "date");
			dv[i].yearly = is_true(crm_node_get(ds->items[i], "yearly"));
		}
		f.dates = dv;
		f.ndates = ds->n;
	}
	const crm_node *needs = crm_node_get(root, "needs");
	f.deadline = crm_node_str(needs, "deadline");
	f.needs_summary = crm_record_str(r, "needs.summary");
	f.contract_end = crm_node_str(crm_node_get(root, "deal"), "contract_end");
	crm_agenda_add_facts(a, q, &f);
	free(cv);
	free(dv);
}

int crm_agenda_build(crm_agenda *out, crm_book *b, const crm_agenda_query *q, crm_diags *warnings)
{
	crm_entry *v = NULL;
	size_t n = 0;
	int rc = crm_book_scan(b, &v, &n);
	if (rc)
		return rc;
	crm_agenda_query qq = *q;
	if (!qq.config)
		qq.config = b->config;
	for (size_t i = 0; i < n; i++) {
		crm_record *r = NULL;
		crm_diags d = {0};
		if (v[i].symlink || crm_record_load(&r, b, &v[i], &d) != 0) {
			const crm_diag *why = NULL;
			for (size_t k = 0; k < d.n && !why; k++)
				if (d.v[k].sev == CRM_SEV_ERROR)
					why = &d.v[k];
			if (warnings)
				crm_diags_add(warnings, v[i].path, why ? why->line : 0, why ? why->col : 0,
					      CRM_SEV_WARNING, "skipped, cannot be read: %s",
					      v[i].symlink ? "it is a symbolic link"
					      : why	  ? why->msg
							  : crm_error_last());
			crm_diags_free(&d);
			crm_record_free(r);
			continue;
		}
		crm_diags_free(&d);
		crm_agenda_add(out, &qq, r);
		crm_record_free(r);
	}
	crm_entries_free(v, n);
	crm_agenda_sort(out);
	return 0;
}
