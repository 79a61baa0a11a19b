/* report_out.c: the reports as JSON (SPEC §5 shapes) and as aligned text tables. */
#include <math.h>
#include <string.h>

#include "crm/report.h"
#include "crm/schema.h"
#include "crm/table.h"

/* ---- JSON ---- */

static void json_ratio(crm_json *j, const char *key, crm_ratio r)
{
	crm_json_key(j, key);
	if (r.den)
		crm_json_double(j, crm_ratio_value(r));
	else
		crm_json_null(j);
}

static void json_funnel(crm_json *j, const crm_report_funnel *f)
{
	crm_json_begin_object(j);
	crm_json_key(j, "stages");
	crm_json_begin_array(j);
	for (int i = 0; i < CRM_FUNNEL_STAGES; i++) {
		const crm_report_stage *s = &f->stages[i];
		crm_json_begin_object(j);
		crm_json_key(j, "stage");
		crm_json_string(j, crm_funnel_stage[i]);
		crm_json_key(j, "reached");
		crm_json_int(j, s->reached);
		crm_json_key(j, "current");
		crm_json_int(j, s->current);
		crm_json_key(j, "median_days");
		if (s->has_median)
			crm_json_double(j, s->median_days);
		else
			crm_json_null(j);
		crm_json_end_object(j);
	}
	crm_json_end_array(j);
	crm_json_key(j, "conversion");
	crm_json_begin_array(j);
	for (int i = 0; i + 1 < CRM_FUNNEL_STAGES; i++) {
		crm_json_begin_object(j);
		crm_json_key(j, "from");
		crm_json_string(j, crm_funnel_stage[i]);
		crm_json_key(j, "to");
		crm_json_string(j, crm_funnel_stage[i + 1]);
		json_ratio(j, "rate", f->conversion[i]);
		crm_json_end_object(j);
	}
	crm_json_end_array(j);
	crm_json_key(j, "won");
	crm_json_int(j, f->won);
	crm_json_key(j, "lost");
	crm_json_int(j, f->lost);
	json_ratio(j, "win_rate", f->win_rate);
	crm_json_end_object(j);
}

static void json_sources(crm_json *j, const crm_report *r)
{
	crm_json_begin_object(j);
	crm_json_key(j, "sources");
	crm_json_begin_array(j);
	for (size_t i = 0; i < r->nsources; i++) {
		const crm_report_source *s = &r->sources[i];
		crm_json_begin_object(j);
		crm_json_key(j, "source");
		crm_json_string(j, s->source);
		crm_json_key(j, "customers");
		crm_json_int(j, s->customers);
		crm_json_key(j, "won");
		crm_json_int(j, s->won);
		crm_json_key(j, "lost");
		crm_json_int(j, s->lost);
		json_ratio(j, "win_rate", (crm_ratio){s->won, s->won + s->lost});
		json_ratio(j, "conversion", (crm_ratio){s->won, s->customers});
		crm_json_key(j, "won_amount");
		crm_json_double(j, s->won_amount);
		crm_json_end_object(j);
	}
	crm_json_end_array(j);
	crm_json_end_object(j);
}

static void json_followups(crm_json *j, const crm_report *r)
{
	crm_json_begin_object(j);
	crm_json_key(j, "by_rep");
	crm_json_begin_array(j);
	for (size_t i = 0; i < r->nreps; i++) {
		const crm_report_rep *p = &r->reps[i];
		crm_json_begin_object(j);
		crm_json_key(j, "rep");
		crm_json_string(j, p->rep);
		crm_json_key(j, "followups");
		crm_json_int(j, p->followups);
		crm_json_key(j, "with_result");
		crm_json_int(j, p->with_result);
		crm_json_key(j, "progressed");
		crm_json_int(j, p->progressed);
		json_ratio(j, "success_rate", (crm_ratio){p->progressed, p->with_result});
		json_ratio(j, "on_time_rate", (crm_ratio){p->on_time, p->counted});
		crm_json_key(j, "open");
		crm_json_int(j, p->open);
		crm_json_key(j, "overdue");
		crm_json_int(j, p->overdue);
		crm_json_end_object(j);
	}
	crm_json_end_array(j);
	crm_json_key(j, "by_via");
	crm_json_begin_array(j);
	for (size_t i = 0; i < r->nvias; i++) {
		const crm_report_via *v = &r->vias[i];
		crm_json_begin_object(j);
		crm_json_key(j, "via");
		crm_json_string(j, v->via);
		crm_json_key(j, "followups");
		crm_json_int(j, v->followups);
		json_ratio(j, "success_rate", (crm_ratio){v->progressed, v->with_result});
		crm_json_end_object(j);
	}
	crm_json_end_array(j);
	crm_json_end_object(j);
}

static void json_value(crm_json *j, const crm_report *r)
{
	crm_json_begin_object(j);
	crm_json_key(j, "abc");
	crm_json_begin_object(j);
	for (char c = 'A'; c <= 'C'; c++) {
		char key[2] = {c, 0};
		crm_json_key(j, key);
		crm_json_begin_array(j);
		for (size_t i = 0; i < r->nabc; i++)
			if (r->abc[i].cls == c)
				crm_json_string(j, r->abc[i].id);
		crm_json_end_array(j);
	}
	crm_json_end_object(j);
	for (int g = 0; g < CRM_GROUPS; g++) {
		crm_json_key(j, crm_group_names[g]);
		crm_json_begin_array(j);
		for (size_t i = 0; i < r->ngroups[g]; i++) {
			const crm_report_group *x = &r->groups[g][i];
			crm_json_begin_object(j);
			crm_json_key(j, "key");
			crm_json_string(j, x->key);
			crm_json_key(j, "customers");
			crm_json_int(j, x->customers);
			crm_json_key(j, "won");
			crm_json_int(j, x->won);
			crm_json_key(j, "won_amount");
			crm_json_double(j, x->won_amount);
			crm_json_key(j, "budget_max");
			crm_json_double(j, x->budget_max);
			crm_json_end_object(j);
		}
		crm_json_end_array(j);
	}
	crm_json_key(j, "top");
	crm_json_begin_array(j);
	for (size_t i = 0; i < r->ntop; i++) {
		const crm_report_top *t = &r->top[i];
		crm_json_begin_object(j);
		crm_json_key(j, "id");
		crm_json_string(j, t->id);
		crm_json_key(j, "name");
		crm_json_string(j, t->name);
		crm_json_key(j, "won_amount");
		crm_json_double(j, t->won_amount);
		crm_json_key(j, "budget_max");
		if (t->has_budget)
			crm_json_double(j, t->budget_max);
		else
			crm_json_null(j);
		crm_json_end_object(j);
	}
	crm_json_end_array(j);
	crm_json_end_object(j);
}

static void json_owners(crm_json *j, const crm_report *r)
{
	crm_json_begin_object(j);
	crm_json_key(j, "owners");
	crm_json_begin_array(j);
	for (size_t i = 0; i < r->nowners; i++) {
		const crm_report_owner *w = &r->owners[i];
		crm_json_begin_object(j);
		crm_json_key(j, "owner");
		crm_json_string(j, w->owner);
		crm_json_key(j, "customers");
		crm_json_int(j, w->customers);
		crm_json_key(j, "stages");
		crm_json_begin_object(j);
		for (int s = 0; s < CRM_STAGES; s++) {
			crm_json_key(j, crm_stage_codes[s]);
			crm_json_int(j, w->stages[s]);
		}
		crm_json_end_object(j);
		crm_json_key(j, "won_amount");
		crm_json_double(j, w->won_amount);
		crm_json_key(j, "overdue");
		crm_json_int(j, w->overdue);
		crm_json_end_object(j);
	}
	crm_json_end_array(j);
	crm_json_end_object(j);
}

static void json_one(crm_json *j, const crm_report *r, unsigned bit)
{
	switch (bit) {
	case CRM_REPORT_FUNNEL: json_funnel(j, &r->funnel); break;
	case CRM_REPORT_SOURCES: json_sources(j, r); break;
	case CRM_REPORT_FOLLOWUPS: json_followups(j, r); break;
	case CRM_REPORT_VALUE: json_value(j, r); break;
	case CRM_REPORT_OWNERS: json_owners(j, r); break;
	}
}

void crm_report_json(crm_json *j, const crm_report *r)
{
	unsigned w = r->which;
	if (w && !(w & (w - 1))) {
		json_one(j, r, w);
		return;
	}
	crm_json_begin_object(j);
	for (unsigned bit = 1; bit <= CRM_REPORT_OWNERS; bit <<= 1)
		if (w & bit) {
			crm_json_key(j, crm_report_name(bit));
			json_one(j, r, bit);
		}
	crm_json_end_object(j);
}

/* ---- text ---- */

#define L(en, zh) (zh_ ? (zh) : (en))

/* An amount as people read it: no fraction when there is none. */
static void cell_amount(crm_table *t, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		crm_table_add_cellf(t, "%.0f", v);
	else
		crm_table_add_cellf(t, "%.2f", v);
}

static void cell_rate(crm_table *t, crm_ratio r)
{
	if (r.den)
		crm_table_add_cellf(t, "%.1f%%", 100.0 * crm_ratio_value(r));
	else
		crm_table_add_cell(t, "-");
}

/* Columns from a NULL-terminated list; all but the first right-aligned. */
static crm_table *table_with(const char *const *heads, size_t left)
{
	crm_table *t = crm_table_new();
	for (size_t i = 0; heads[i]; i++) {
		size_t c = crm_table_add_column(t, heads[i]);
		if (c >= left)
			crm_table_set_align(t, c, CRM_ALIGN_RIGHT);
	}
	return t;
}

static void flush(crm_buf *out, crm_table *t, const char *title)
{
	crm_buf_printf(out, "%s\n", title);
	crm_table_render(t, out);
	crm_table_free(t);
}

static const char *label(const struct crm_schema *s, const char *path, const char *v,
			 const char *lang)
{
	if (!v)
		return "-";
	return s ? crm_schema_label(s, path, v, lang) : v;
}

static void text_funnel(crm_buf *out, const crm_report *r, const struct crm_schema *s,
			const char *lang, bool zh_)
{
	const crm_report_funnel *f = &r->funnel;
	const char *h[] = {L("Stage", "阶段"), L("Reached", "到达"), L("Current", "当前"),
			   L("Median days", "停留天数中位数"), L("To next", "转化到下一阶段"), NULL};
	crm_table *t = table_with(h, 1);
	for (int i = 0; i < CRM_FUNNEL_STAGES; i++) {
		crm_table_add_row(t);
		crm_table_add_cell(t, label(s, "stage", crm_funnel_stage[i], lang));
		crm_table_add_cellf(t, "%ld", f->stages[i].reached);
		crm_table_add_cellf(t, "%ld", f->stages[i].current);
		if (f->stages[i].has_median)
			crm_table_add_cellf(t, "%g", f->stages[i].median_days);
		else
			crm_table_add_cell(t, "-");
		if (i + 1 < CRM_FUNNEL_STAGES)
			cell_rate(t, f->conversion[i]);
		else
			crm_table_add_cell(t, "");
	}
	flush(out, t, L("Funnel", "销售漏斗"));
	crm_buf_printf(out, "%s %ld, %s %ld, %s ", L("won", "成交"), f->won, L("lost", "流失"),
		       f->lost, L("win rate", "赢单率"));
	if (f->win_rate.den)
		crm_buf_printf(out, "%.1f%%\n", 100.0 * crm_ratio_value(f->win_rate));
	else
		crm_buf_puts(out, "-\n");
}

static void text_sources(crm_buf *out, const crm_report *r, const struct crm_schema *s,
			 const char *lang, bool zh_)
{
	const char *h[] = {L("Source", "来源"),     L("Customers", "客户数"), L("Won", "成交"),
			   L("Lost", "流失"),       L("Win rate", "赢单率"), L("Conversion", "转化率"),
			   L("Won amount", "成交金额"), NULL};
	crm_table *t = table_with(h, 1);
	for (size_t i = 0; i < r->nsources; i++) {
		const crm_report_source *x = &r->sources[i];
		crm_table_add_row(t);
		crm_table_add_cell(t, label(s, "source", x->source, lang));
		crm_table_add_cellf(t, "%ld", x->customers);
		crm_table_add_cellf(t, "%ld", x->won);
		crm_table_add_cellf(t, "%ld", x->lost);
		cell_rate(t, (crm_ratio){x->won, x->won + x->lost});
		cell_rate(t, (crm_ratio){x->won, x->customers});
		cell_amount(t, x->won_amount);
	}
	flush(out, t, L("Sources", "客户来源"));
}

static void text_followups(crm_buf *out, const crm_report *r, const struct crm_schema *s,
			   const char *lang, bool zh_)
{
	const char *h[] = {L("Rep", "跟进人"),          L("Follow-ups", "跟进次数"),
			   L("With result", "有结果"),      L("Progressed", "有进展"),
			   L("Success rate", "成功率"),     L("On time", "按时率"),
			   L("Open", "待办"),               L("Overdue", "逾期"), NULL};
	crm_table *t = table_with(h, 1);
	for (size_t i = 0; i < r->nreps; i++) {
		const crm_report_rep *p = &r->reps[i];
		crm_table_add_row(t);
		crm_table_add_cell(t, p->rep);
		crm_table_add_cellf(t, "%ld", p->followups);
		crm_table_add_cellf(t, "%ld", p->with_result);
		crm_table_add_cellf(t, "%ld", p->progressed);
		cell_rate(t, (crm_ratio){p->progressed, p->with_result});
		cell_rate(t, (crm_ratio){p->on_time, p->counted});
		crm_table_add_cellf(t, "%ld", p->open);
		crm_table_add_cellf(t, "%ld", p->overdue);
	}
	flush(out, t, L("Follow-ups by rep", "跟进（按销售）"));
	const char *hv[] = {L("Via", "跟进方式"), L("Follow-ups", "跟进次数"),
			    L("Success rate", "成功率"), NULL};
	t = table_with(hv, 1);
	for (size_t i = 0; i < r->nvias; i++) {
		const crm_report_via *v = &r->vias[i];
		crm_table_add_row(t);
		crm_table_add_cell(t, label(s, "followups[].via", v->via, lang));
		crm_table_add_cellf(t, "%ld", v->followups);
		cell_rate(t, (crm_ratio){v->progressed, v->with_result});
	}
	crm_buf_putc(out, '\n');
	flush(out, t, L("Follow-ups by channel", "跟进（按方式）"));
}

static void text_value(crm_buf *out, const crm_report *r, const struct crm_schema *s,
		       const char *lang, bool zh_)
{
	const char *ha[] = {L("Class", "类别"), L("Customers", "客户数"), L("Won amount", "成交金额"),
			    L("Share", "占比"), NULL};
	crm_table *t = table_with(ha, 1);
	for (char c = 'A'; c <= 'C'; c++) {
		long n = 0;
		double sum = 0;
		for (size_t i = 0; i < r->nabc; i++)
			if (r->abc[i].cls == c)
				n++, sum += r->abc[i].amount;
		crm_table_add_row(t);
		crm_table_add_cellf(t, "%c", c);
		crm_table_add_cellf(t, "%ld", n);
		cell_amount(t, sum);
		if (r->won_total > 0)
			crm_table_add_cellf(t, "%.1f%%", 100.0 * sum / r->won_total);
		else
			crm_table_add_cell(t, "-");
	}
	flush(out, t, L("Value: ABC classes of won revenue", "客户价值：成交额ABC分类"));
	static const char *const paths[CRM_GROUPS] = {"company.industry", "company.size", "source",
						       "owner"};
	for (int g = 0; g < CRM_GROUPS; g++) {
		const char *head = s ? crm_schema_label(s, paths[g], NULL, lang) : NULL;
		const char *h[] = {head ? head : paths[g],     L("Customers", "客户数"),
				   L("Won", "成交"),           L("Won amount", "成交金额"),
				   L("Budget (max)", "预算上限"), NULL};
		t = table_with(h, 1);
		for (size_t i = 0; i < r->ngroups[g]; i++) {
			const crm_report_group *x = &r->groups[g][i];
			crm_table_add_row(t);
			crm_table_add_cell(t, g == CRM_GROUP_SOURCE ? label(s, "source", x->key, lang)
								    : x->key ? x->key : "-");
			crm_table_add_cellf(t, "%ld", x->customers);
			crm_table_add_cellf(t, "%ld", x->won);
			cell_amount(t, x->won_amount);
			cell_amount(t, x->budget_max);
		}
		crm_buf_putc(out, '\n');
		crm_table_render(t, out);
		crm_table_free(t);
	}
	const char *ht[] = {"ID", L("Name", "客户名称"), L("Won amount", "成交金额"),
			    L("Budget (max)", "预算上限"), NULL};
	t = table_with(ht, 2);
	for (size_t i = 0; i < r->ntop; i++) {
		const crm_report_top *x = &r->top[i];
		crm_table_add_row(t);
		crm_table_add_cell(t, x->id);
		crm_table_add_cell(t, x->name);
		cell_amount(t, x->won_amount);
		if (x->has_budget)
			cell_amount(t, x->budget_max);
		else
			crm_table_add_cell(t, "-");
	}
	crm_buf_putc(out, '\n');
	flush(out, t, L("Top customers", "重点客户"));
}

static void text_owners(crm_buf *out, const crm_report *r, const struct crm_schema *s,
			const char *lang, bool zh_)
{
	const char *h[CRM_STAGES + 5] = {L("Owner", "负责人"), L("Customers", "客户数")};
	for (int i = 0; i < CRM_STAGES; i++)
		h[2 + i] = label(s, "stage", crm_stage_codes[i], lang);
	h[2 + CRM_STAGES] = L("Won amount", "成交金额");
	h[3 + CRM_STAGES] = L("Overdue", "逾期");
	crm_table *t = table_with(h, 1);
	for (size_t i = 0; i < r->nowners; i++) {
		const crm_report_owner *w = &r->owners[i];
		crm_table_add_row(t);
		crm_table_add_cell(t, w->owner);
		crm_table_add_cellf(t, "%ld", w->customers);
		for (int k = 0; k < CRM_STAGES; k++)
			crm_table_add_cellf(t, "%ld", w->stages[k]);
		cell_amount(t, w->won_amount);
		crm_table_add_cellf(t, "%ld", w->overdue);
	}
	flush(out, t, L("Owners' pipelines", "负责人业务管道"));
}

void crm_report_text(crm_buf *out, const crm_report *r, const struct crm_schema *s,
		     const char *lang)
{
	bool zh_ = lang && !strcmp(lang, "zh");
	bool first = true;
	for (unsigned bit = 1; bit <= CRM_REPORT_OWNERS; bit <<= 1) {
		if (!(r->which & bit))
			continue;
		if (!first)
			crm_buf_putc(out, '\n');
		first = false;
		switch (bit) {
		case CRM_REPORT_FUNNEL: text_funnel(out, r, s, lang, zh_); break;
		case CRM_REPORT_SOURCES: text_sources(out, r, s, lang, zh_); break;
		case CRM_REPORT_FOLLOWUPS: text_followups(out, r, s, lang, zh_); break;
		case CRM_REPORT_VALUE: text_value(out, r, s, lang, zh_); break;
		case CRM_REPORT_OWNERS: text_owners(out, r, s, lang, zh_); break;
		}
	}
}
