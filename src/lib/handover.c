#include "crm/handover.h"
#include "crm/agenda.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/query.h"
#include "crm/schema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int crm_handover_record(crm_record *r, const char *from, const char *to, int *moved)
{
	int m = 0, rc = 0;
	char path[64];
	crm_next nx;
	if (moved)
		*moved = 0;
	/* before the owner changes: a next action without next.by is the owner's and moves with it */
	bool next = crm_record_next(r, &nx) && nx.by && !strcmp(nx.by, from);
	const char *owner = crm_record_str(r, "owner");
	bool own = owner && !strcmp(owner, from);
	crm_node *v = crm_node_new_str(to);
	if (next) {
		snprintf(path, sizeof path, "followups[%zu].next.by", nx.followup);
		if (!(rc = crm_edit_set(&r->doc, path, v, crm_record_order)))
			m |= CRM_HANDOVER_NEXT;
	}
	if (!rc && own && !(rc = crm_edit_set(&r->doc, "owner", v, crm_record_order)))
		m |= CRM_HANDOVER_OWNER;
	crm_node_free(v);
	if (moved)
		*moved = m;
	return rc;
}

/* ---- the brief ---- */

typedef struct {
	const crm_brief_opts *o;
	crm_buf *b;
	bool zh;
	crm_config window; /* o->config with every reminder at 30 days: "key dates ahead" */
} brief;

#define KEY_DAYS 30

static const char *tr(const brief *w, const char *en, const char *zh)
{
	return w->zh ? zh : en;
}

/* Text inside Markdown: on one line, with the characters Markdown would act on escaped. */
static void md(brief *w, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			crm_buf_putc(w->b, ' ');
			continue;
		}
		if (strchr("\\`*_[]<>|#", *s))
			crm_buf_putc(w->b, '\\');
		crm_buf_putc(w->b, *s);
	}
}

static const char *flabel(const brief *w, const char *path)
{
	const char *l = crm_schema_label(w->o->schema, path, NULL, w->o->lang);
	return l ? l : path;
}

static const char *vlabel(const brief *w, const char *path, const char *value)
{
	return value ? crm_schema_label(w->o->schema, path, value, w->o->lang) : "";
}

/* "李娜 (li)", or the id alone when crm.yaml does not name them. */
static void person(brief *w, const char *id)
{
	const crm_member *m = crm_config_member(w->o->config, id);
	if (m && m->name && strcmp(m->name, id)) {
		md(w, m->name);
		crm_buf_printf(w->b, " (%s)", id);
	} else {
		md(w, id);
	}
}

static bool closed(const crm_record *r)
{
	const char *s = crm_record_str(r, "stage");
	return s && (!strcmp(s, "won") || !strcmp(s, "lost"));
}

/* Order of sections: negotiation .. initial, other open stages, won, lost. */
static int rank(const crm_record *r)
{
	static const char *const order[] = {"negotiation", "proposal", "needs", "initial", NULL};
	const char *s = crm_record_str(r, "stage");
	if (!s)
		return 4;
	for (int i = 0; order[i]; i++)
		if (!strcmp(s, order[i]))
			return i;
	return !strcmp(s, "won") ? 5 : !strcmp(s, "lost") ? 6 : 4;
}

static int by_rank(const void *a, const void *b)
{
	const crm_record *x = *(crm_record *const *)a, *y = *(crm_record *const *)b;
	int d = rank(x) - rank(y);
	return d ? d : strcmp(x->id, y->id);
}

static void name_of(brief *w, const crm_record *r)
{
	const char *n = crm_record_str(r, "name");
	md(w, n && *n ? n : r->id);
	crm_buf_printf(w->b, " (%s)", r->id);
}

/* A number from YAML text; false when it is not one. */
static bool number(const char *s, double *out)
{
	char *end;
	if (!s || !*s)
		return false;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out);
}

static void amount(brief *w, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		crm_buf_printf(w->b, "%.0f", v);
	else
		crm_buf_printf(w->b, "%.2f", v);
}

/* "150000 – 200000 CNY", "up to 200000 CNY", "from 150000 CNY"; false when no budget. */
static bool budget(brief *w, const crm_record *r)
{
	double lo, hi;
	bool hl = number(crm_record_str(r, "needs.budget.min"), &lo);
	bool hh = number(crm_record_str(r, "needs.budget.max"), &hi);
	if (!hl && !hh)
		return false;
	if (hl && hh) {
		amount(w, lo);
		crm_buf_puts(w->b, " – ");
		amount(w, hi);
	} else if (hh) {
		crm_buf_puts(w->b, tr(w, "up to ", "最多 "));
		amount(w, hi);
	} else {
		crm_buf_puts(w->b, tr(w, "from ", "至少 "));
		amount(w, lo);
	}
	crm_buf_printf(w->b, " %s", w->o->config->currency);
	return true;
}

/* The agenda items of r in the key-date window (birthdays, dates, deadline, contract end). */
static void key_dates(brief *w, const crm_record *r, crm_agenda *a)
{
	crm_agenda_query q = {w->o->today, KEY_DAYS, NULL, &w->window, w->o->lang};
	crm_agenda all = {0};
	crm_agenda_add(&all, &q, r);
	for (size_t i = 0; i < all.n; i++) {
		crm_agenda_item *it = &all.v[i];
		bool keep = it->type == CRM_AGENDA_BIRTHDAY || it->type == CRM_AGENDA_DATE ||
			    it->type == CRM_AGENDA_CONTRACT_END;
		if (!keep)
			continue;
		if (a->n == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 8;
			a->v = crm_xrealloc(a->v, a->cap * sizeof *a->v);
		}
		a->v[a->n++] = *it;
		memset(it, 0, sizeof *it); /* moved: freeing `all` must not free its strings */
		it->type = CRM_AGENDA_STALE;
	}
	crm_agenda_free(&all);
	crm_agenda_sort(a);
}

static void key_date_line(brief *w, const crm_agenda_item *it, bool with_customer)
{
	char d[CRM_DATE_STRLEN];
	crm_date_format(it->date, d);
	crm_buf_printf(w->b, "%s ", d);
	if (with_customer) {
		md(w, it->name);
		crm_buf_printf(w->b, " (%s): ", it->id);
	}
	md(w, it->text);
	if (it->days == 0)
		crm_buf_printf(w->b, " (%s)", tr(w, "today", "今天"));
	else
		crm_buf_printf(w->b, w->zh ? "（%ld 天后）" : " (in %ld day%s)", it->days,
			       w->zh ? "" : it->days == 1 ? "" : "s");
	crm_buf_putc(w->b, '\n');
}

static void next_action(brief *w, const crm_record *r, const crm_next *nx)
{
	long days;
	crm_buf_printf(w->b, "%s", nx->date);
	if (nx->action && *nx->action) {
		crm_buf_puts(w->b, " ");
		md(w, nx->action);
	} else {
		crm_buf_puts(w->b, tr(w, " (no action given)", "（未写行动）"));
	}
	crm_buf_puts(w->b, tr(w, ", by ", "，跟进人 "));
	person(w, nx->by && *nx->by ? nx->by : crm_record_str(r, "owner"));
	if (crm_due_days(nx->date, w->o->today, &days)) {
		crm_buf_puts(w->b, tr(w, ", ", "，"));
		crm_due_text(w->b, days, w->o->lang);
	}
}

static void summary(brief *w, crm_record *const *recs, size_t n)
{
	crm_buf *b = w->b;
	crm_buf_printf(b, "## %s\n\n", tr(w, "Summary", "概览"));
	/* customers by stage, in the schema's order */
	crm_buf_printf(b, "| %s | %s |\n|---|---:|\n", flabel(w, "stage"), tr(w, "Customers", "客户数"));
	const char *const *stages = NULL;
	size_t ns = 0;
	crm_schema_enum_values(w->o->schema, "stage", &stages, &ns);
	size_t counted = 0;
	for (size_t s = 0; s < ns; s++) {
		size_t c = 0;
		for (size_t i = 0; i < n; i++) {
			const char *st = crm_record_str(recs[i], "stage");
			c += st && !strcmp(st, stages[s]);
		}
		counted += c;
		if (c)
			crm_buf_printf(b, "| %s | %zu |\n", vlabel(w, "stage", stages[s]), c);
	}
	if (counted < n)
		crm_buf_printf(b, "| %s | %zu |\n", tr(w, "other", "其他"), n - counted);
	crm_buf_printf(b, "| **%s** | **%zu** |\n\n", tr(w, "Total", "合计"), n);

	/* the open pipeline by budget */
	double lo = 0, hi = 0, v;
	size_t open = 0, with = 0;
	for (size_t i = 0; i < n; i++) {
		if (closed(recs[i]))
			continue;
		open++;
		bool a = number(crm_record_str(recs[i], "needs.budget.min"), &v);
		if (a)
			lo += v;
		bool c = number(crm_record_str(recs[i], "needs.budget.max"), &v);
		if (c)
			hi += v;
		else if (a)
			hi += v; /* a minimum alone counts for the maximum too */
		with += a || c;
	}
	crm_buf_printf(b, "- %s: ", tr(w, "Open pipeline by budget", "在谈客户预算合计"));
	if (with) {
		amount(w, lo);
		crm_buf_puts(b, " – ");
		amount(w, hi);
		crm_buf_printf(b, " %s", w->o->config->currency);
		crm_buf_printf(b, w->zh ? "（%zu 个在谈客户中 %zu 个有预算）\n"
				       : " (%2$zu of %1$zu open customers have a budget)\n", open, with);
	} else if (!open) {
		crm_buf_printf(b, "%s\n", tr(w, "none (no open customers)", "无（没有在谈客户）"));
	} else {
		crm_buf_printf(b, w->zh ? "无（%zu 个在谈客户均无预算）\n"
				       : "none (no budget on any of %zu open customers)\n", open);
	}

	/* overdue next actions, oldest first */
	size_t nover = 0;
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			crm_buf_printf(b, "- %s: %zu\n", tr(w, "Overdue next actions", "逾期未跟进"), nover);
		for (size_t i = 0; i < n; i++) {
			crm_next nx;
			long days;
			if (!crm_record_next(recs[i], &nx) || !crm_due_days(nx.date, w->o->today, &days) ||
			    days >= 0)
				continue;
			if (pass == 0) {
				nover++;
				continue;
			}
			crm_buf_puts(b, "  - ");
			name_of(w, recs[i]);
			crm_buf_puts(b, ": ");
			next_action(w, recs[i], &nx);
			crm_buf_putc(b, '\n');
		}
	}

	/* key dates in the next 30 days, soonest first */
	crm_agenda a = {0};
	for (size_t i = 0; i < n; i++)
		key_dates(w, recs[i], &a);
	crm_buf_printf(b, "- %s: %zu\n", w->zh ? "未来 30 天的重要日期" : "Key dates in the next 30 days",
		       a.n);
	for (size_t i = 0; i < a.n; i++) {
		crm_buf_puts(b, "  - ");
		key_date_line(w, &a.v[i], true);
	}
	crm_agenda_free(&a);
	crm_buf_putc(b, '\n');
}

static void customer(brief *w, const crm_record *r)
{
	crm_buf *b = w->b;
	const crm_node *root = r->doc->root;
	const char *v;
	crm_buf_puts(b, "## ");
	name_of(w, r);
	crm_buf_puts(b, "\n\n");

	/* stage, and since when */
	const char *stage = crm_record_str(r, "stage");
	crm_buf_printf(b, "- %s: %s", flabel(w, "stage"), vlabel(w, "stage", stage ? stage : "?"));
	const crm_node *sh = crm_node_get(root, "stage_history");
	const char *since = NULL;
	for (size_t i = 0; stage && sh && sh->kind == CRM_NODE_SEQ && i < sh->n; i++) {
		const char *s = crm_node_str(sh->items[i], "stage");
		if (s && !strcmp(s, stage))
			since = crm_node_str(sh->items[i], "date");
	}
	crm_date sd;
	if (since && crm_date_parse_iso(&sd, since)) {
		long days = crm_date_diff(w->o->today, sd);
		crm_buf_printf(b, w->zh ? "，自 %s 起（%ld 天）" : ", since %s (%ld day%s)", since, days,
			       w->zh ? "" : days == 1 ? "" : "s");
	}
	crm_buf_putc(b, '\n');
	if (stage && !strcmp(stage, "lost") && (v = crm_record_str(r, "lost_reason"))) {
		crm_buf_printf(b, "- %s: ", flabel(w, "lost_reason"));
		md(w, v);
		crm_buf_putc(b, '\n');
	}
	const crm_node *deal = crm_node_get(root, "deal");
	if (deal && deal->kind == CRM_NODE_MAP) {
		crm_buf_printf(b, "- %s:", flabel(w, "deal"));
		static const char *const keys[] = {"amount", "signed", "contract_end"};
		const char *words[] = {tr(w, "amount", "金额"), tr(w, "signed", "签约"),
				       tr(w, "contract ends", "合同到期")};
		for (int k = 0; k < 3; k++)
			if ((v = crm_node_str(deal, keys[k]))) {
				crm_buf_printf(b, " %s ", words[k]);
				md(w, v);
				if (k == 0)
					crm_buf_printf(b, " %s", w->o->config->currency);
				crm_buf_putc(b, k < 2 ? ';' : ' ');
			}
		while (b->len && (b->ptr[b->len - 1] == ';' || b->ptr[b->len - 1] == ' '))
			b->len--;
		crm_buf_putc(b, '\n');
	}

	/* needs, budget and deadline */
	if ((v = crm_record_str(r, "needs.summary")) && *v) {
		crm_buf_printf(b, "- %s: ", flabel(w, "needs.summary"));
		md(w, v);
		crm_buf_putc(b, '\n');
	}
	crm_buf_printf(b, "- %s: ", flabel(w, "needs.budget"));
	if (!budget(w, r))
		crm_buf_puts(b, tr(w, "not known", "未知"));
	crm_buf_putc(b, '\n');
	if ((v = crm_record_str(r, "needs.deadline"))) {
		crm_buf_printf(b, "- %s: ", flabel(w, "needs.deadline"));
		md(w, v);
		crm_buf_putc(b, '\n');
	}

	/* the decision chain, one line */
	const crm_node *dc = crm_node_at(root, "needs.decision_chain");
	if (dc && dc->kind == CRM_NODE_SEQ && dc->n) {
		crm_buf_printf(b, "- %s: ", flabel(w, "needs.decision_chain"));
		for (size_t i = 0; i < dc->n; i++) {
			const crm_node *p = dc->items[i];
			const char *t = crm_node_str(p, "title"), *role = crm_node_str(p, "role");
			crm_buf_puts(b, i ? "; " : "");
			md(w, crm_node_str(p, "name") ? crm_node_str(p, "name") : "?");
			if (t || role) {
				crm_buf_puts(b, " (");
				md(w, t);
				crm_buf_puts(b, t && role ? ", " : "");
				md(w, vlabel(w, "needs.decision_chain[].role", role));
				crm_buf_puts(b, ")");
			}
		}
		crm_buf_putc(b, '\n');
	}

	/* contacts with their phones */
	const crm_node *cs = crm_node_get(root, "contacts");
	if (cs && cs->kind == CRM_NODE_SEQ && cs->n) {
		crm_buf_printf(b, "- %s:\n", flabel(w, "contacts"));
		for (size_t i = 0; i < cs->n; i++) {
			const crm_node *c = cs->items[i];
			const char *t = crm_node_str(c, "title"), *role = crm_node_str(c, "role");
			crm_buf_puts(b, "  - ");
			md(w, crm_node_str(c, "name") ? crm_node_str(c, "name") : "?");
			if (t || role) {
				crm_buf_puts(b, " (");
				md(w, t);
				crm_buf_puts(b, t && role ? ", " : "");
				md(w, vlabel(w, "contacts[].role", role));
				crm_buf_puts(b, ")");
			}
			static const char *const keys[] = {"phone", "email", "birthday"};
			bool first = true;
			for (int k = 0; k < 3; k++) {
				char p[32];
				if (!(v = crm_node_str(c, keys[k])) || !*v)
					continue;
				snprintf(p, sizeof p, "contacts[].%s", keys[k]);
				crm_buf_printf(b, "%s%s ", first ? ": " : ", ", flabel(w, p));
				md(w, v);
				first = false;
			}
			crm_buf_putc(b, '\n');
		}
	}

	/* the open next action */
	crm_next nx;
	crm_buf_printf(b, "- %s: ", tr(w, "Open next action", "待办跟进"));
	if (crm_record_next(r, &nx))
		next_action(w, r, &nx);
	else
		crm_buf_puts(b, closed(r) ? tr(w, "none (the deal is closed)", "无（已结单）")
					  : tr(w, "none", "无"));
	crm_buf_putc(b, '\n');

	/* key dates ahead */
	crm_agenda a = {0};
	key_dates(w, r, &a);
	crm_buf_printf(b, "- %s:%s%s\n", w->zh ? "未来 30 天的重要日期" : "Key dates in the next 30 days",
		       a.n ? "" : " ", a.n ? "" : tr(w, "none", "无"));
	for (size_t i = 0; i < a.n; i++) {
		crm_buf_puts(b, "  - ");
		key_date_line(w, &a.v[i], false);
	}
	crm_agenda_free(&a);

	/* the latest follow-ups, newest first (by date; on a tie, the later in the list) */
	const crm_node *fu = crm_node_get(root, "followups");
	size_t nf = fu && fu->kind == CRM_NODE_SEQ ? fu->n : 0;
	size_t want = w->o->nlatest ? w->o->nlatest : 5, show = nf < want ? nf : want;
	if (!nf) {
		crm_buf_printf(b, "- %s: %s\n", flabel(w, "followups"), tr(w, "none yet", "暂无"));
		crm_buf_putc(b, '\n');
		return;
	}
	crm_buf_printf(b, w->zh ? "- %s（最近 %zu 条，共 %zu 条）:\n" : "- %s (latest %zu of %zu):\n",
		       flabel(w, "followups"), show, nf);
	bool *used = crm_xcalloc(nf, sizeof *used);
	for (size_t k = 0; k < show; k++) {
		long best = -1;
		const char *bd = NULL;
		for (size_t i = 0; i < nf; i++) {
			const char *d = crm_node_str(fu->items[i], "date");
			if (used[i])
				continue;
			if (best < 0 || (d && (!bd || strcmp(d, bd) >= 0))) {
				best = (long)i;
				bd = d;
			}
		}
		used[best] = true;
		const crm_node *f = fu->items[best];
		const char *via = crm_node_str(f, "via"), *by = crm_node_str(f, "by");
		const char *fb = crm_node_str(f, "feedback"), *res = crm_node_str(f, "result");
		crm_buf_printf(b, "  - %s", bd ? bd : "?");
		if (via)
			crm_buf_printf(b, " %s", vlabel(w, "followups[].via", via));
		if (by) {
			crm_buf_puts(b, ", ");
			person(w, by);
		}
		crm_buf_puts(b, ": ");
		md(w, crm_node_str(f, "summary"));
		if (fb && *fb) {
			crm_buf_printf(b, w->zh ? "；%s：" : "; %s: ", flabel(w, "followups[].feedback"));
			md(w, fb);
		}
		if (res)
			crm_buf_printf(b, w->zh ? "；%s：%s" : "; %s: %s", flabel(w, "followups[].result"),
				       vlabel(w, "followups[].result", res));
		crm_buf_putc(b, '\n');
	}
	free(used);
	crm_buf_putc(b, '\n');
}

void crm_brief_write(crm_buf *out, const crm_brief_opts *o, crm_record *const *recs, size_t n,
		     crm_record *const *others, size_t nothers)
{
	brief w = {o, out, o->lang && !strcmp(o->lang, "zh"), *o->config};
	w.window.rem_birthday = w.window.rem_dates = w.window.rem_contract_end = KEY_DAYS;
	crm_record **sorted = crm_xcalloc(n ? n : 1, sizeof *sorted);
	memcpy(sorted, recs, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, by_rank);

	char today[CRM_DATE_STRLEN];
	crm_date_format(o->today, today);
	crm_buf_printf(out, "# %s: ", tr(&w, "Handover", "客户交接"));
	person(&w, o->from);
	crm_buf_puts(out, " → ");
	person(&w, o->to);
	crm_buf_puts(out, "\n\n");
	if (o->config->book && *o->config->book) {
		md(&w, o->config->book);
		crm_buf_puts(out, tr(&w, ", ", "，"));
	}
	crm_buf_printf(out, w.zh ? "%s，%zu 个客户。\n\n" : "%s, %zu customer%s.\n\n", today, n,
		       w.zh ? "" : n == 1 ? "" : "s");
	summary(&w, sorted, n);
	for (size_t i = 0; i < n; i++)
		customer(&w, sorted[i]);
	if (nothers) {
		crm_buf_printf(out, "## %s\n\n", tr(&w, "Next actions on colleagues' customers",
						   "同事客户上的待办跟进"));
		for (size_t i = 0; i < nothers; i++) {
			crm_next nx;
			crm_buf_puts(out, "- ");
			name_of(&w, others[i]);
			crm_buf_printf(out, ", %s ", flabel(&w, "owner"));
			person(&w, crm_record_str(others[i], "owner") ? crm_record_str(others[i], "owner")
								      : "?");
			if (crm_record_next(others[i], &nx)) {
				crm_buf_puts(out, ": ");
				next_action(&w, others[i], &nx);
			}
			crm_buf_putc(out, '\n');
		}
		crm_buf_putc(out, '\n');
	}
	free(sorted);
}
