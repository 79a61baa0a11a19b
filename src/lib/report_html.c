/*
 * report_html.c: every report on one self-contained HTML page. Charts are
 * inline SVG drawn here (bars are <rect>, one per value, so a test can
 * count them); no script, no font, image or style from anywhere else; a
 * print stylesheet for A4; a font stack naming the CJK fonts people have,
 * so that Chinese renders as characters. Every text from records is escaped.
 *
 * Machine-readable numbers: table cells carry a class naming the JSON key
 * and, for rates, data-value holding the fraction exactly as --json writes
 * it, so that the page can be checked against --json.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/report.h"
#include "crm/schema.h"

#define L(en, zh) (zh_ ? (zh) : (en))

/* Most bars of the Pareto chart; the rest become one "others" bar. */
#define PARETO_BARS 40

static void esc(crm_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': crm_buf_puts(b, "&amp;"); break;
		case '<': crm_buf_puts(b, "&lt;"); break;
		case '>': crm_buf_puts(b, "&gt;"); break;
		case '"': crm_buf_puts(b, "&quot;"); break;
		case '\'': crm_buf_puts(b, "&#39;"); break;
		default: crm_buf_putc(b, *s);
		}
	}
}

static const char *label(const struct crm_schema *s, const char *path, const char *v,
			 const char *lang)
{
	if (!v)
		return "-";
	return s ? crm_schema_label(s, path, v, lang) : v;
}

/* A number as --json writes it. */
static void json_number(crm_buf *b, double v)
{
	crm_json j;
	crm_json_init(&j, b, false);
	crm_json_double(&j, v);
}

static void amount(crm_buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		crm_buf_printf(b, "%.0f", v);
	else
		crm_buf_printf(b, "%.2f", v);
}

static void td_int(crm_buf *b, const char *key, long v)
{
	crm_buf_printf(b, "<td class=\"n %s\">%ld</td>", key, v);
}

static void td_amount(crm_buf *b, const char *key, double v)
{
	crm_buf_printf(b, "<td class=\"n %s\" data-value=\"", key);
	json_number(b, v);
	crm_buf_puts(b, "\">");
	amount(b, v);
	crm_buf_puts(b, "</td>");
}

static void td_rate(crm_buf *b, const char *key, crm_ratio r)
{
	if (!r.den) {
		crm_buf_printf(b, "<td class=\"n %s\" data-value=\"null\">-</td>", key);
		return;
	}
	crm_buf_printf(b, "<td class=\"n %s\" data-value=\"", key);
	json_number(b, crm_ratio_value(r));
	crm_buf_printf(b, "\">%.1f%%</td>", 100.0 * crm_ratio_value(r));
}

static void td_text(crm_buf *b, const char *key, const char *text)
{
	crm_buf_printf(b, "<td class=\"%s\">", key);
	esc(b, text ? text : "-");
	crm_buf_puts(b, "</td>");
}

static void thead(crm_buf *b, const char *const *h)
{
	crm_buf_puts(b, "<table><thead><tr>");
	for (size_t i = 0; h[i]; i++) {
		crm_buf_puts(b, "<th>");
		esc(b, h[i]);
		crm_buf_puts(b, "</th>");
	}
	crm_buf_puts(b, "</tr></thead><tbody>\n");
}

static void svg_open(crm_buf *b, const char *id, int w, int h, const char *title)
{
	crm_buf_printf(b,
		       "<svg class=\"chart\" id=\"chart-%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		       "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\"><title>",
		       id, w, h, w, h);
	esc(b, title);
	crm_buf_puts(b, "</title>\n");
}

static void svg_text(crm_buf *b, double x, double y, const char *anchor, const char *cls,
		     const char *text)
{
	crm_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y,
		       anchor, cls);
	esc(b, text);
	crm_buf_puts(b, "</text>\n");
}

static void svg_bar(crm_buf *b, double x, double y, double w, double h, const char *fill,
		    const char *tip)
{
	crm_buf_printf(b,
		       "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		       "fill=\"%s\"><title>",
		       x, y, w < 0 ? 0 : w, h, fill);
	esc(b, tip);
	crm_buf_puts(b, "</title></rect>\n");
}

static const char *const stage_fill[CRM_STAGES] = {"#9ecae1", "#6baed6", "#4292c6",
						   "#2171b5", "#08519c", "#bdbdbd"};

static char *pct(crm_ratio r)
{
	if (!r.den)
		return crm_xstrdup("-");
	return crm_xasprintf("%.1f%%", 100.0 * crm_ratio_value(r));
}

static void html_funnel(crm_buf *b, const crm_report *r, const struct crm_schema *s,
			const char *lang, bool zh_)
{
	const crm_report_funnel *f = &r->funnel;
	crm_buf_printf(b, "<section id=\"funnel\"><h2>%s</h2>\n", L("Funnel", "销售漏斗"));
	long max = 1;
	for (int i = 0; i < CRM_FUNNEL_STAGES; i++)
		if (f->stages[i].reached > max)
			max = f->stages[i].reached;
	const int row = 46, left = 130, width = 440;
	svg_open(b, "funnel", 720, row * CRM_FUNNEL_STAGES + 10, L("Funnel", "销售漏斗"));
	for (int i = 0; i < CRM_FUNNEL_STAGES; i++) {
		double w = width * (double)f->stages[i].reached / (double)max;
		double y = 5 + i * row;
		const char *name = label(s, "stage", crm_funnel_stage[i], lang);
		svg_text(b, left - 8, y + 19, "end", "lbl", name);
		char *tip = crm_xasprintf("%s: %ld", name, f->stages[i].reached);
		/* centred, so the bars narrow like a funnel */
		svg_bar(b, left + (width - w) / 2, y, w, 26, stage_fill[i], tip);
		free(tip);
		char num[32];
		snprintf(num, sizeof num, "%ld", f->stages[i].reached);
		svg_text(b, left + width + 10, y + 19, "start", "num", num);
		if (i + 1 < CRM_FUNNEL_STAGES) {
			char *p = pct(f->conversion[i]);
			char *t = crm_xasprintf("↓ %s", p);
			svg_text(b, left + width / 2.0, y + row - 4, "middle", "conv", t);
			free(t);
			free(p);
		}
	}
	crm_buf_puts(b, "</svg>\n");
	const char *h[] = {L("Stage", "阶段"), L("Reached", "到达"), L("Current", "当前"),
			   L("Median days", "停留天数中位数"), L("To next", "转化到下一阶段"), NULL};
	thead(b, h);
	for (int i = 0; i < CRM_FUNNEL_STAGES; i++) {
		const crm_report_stage *st = &f->stages[i];
		crm_buf_printf(b, "<tr data-stage=\"%s\">", crm_funnel_stage[i]);
		td_text(b, "stage", label(s, "stage", crm_funnel_stage[i], lang));
		td_int(b, "reached", st->reached);
		td_int(b, "current", st->current);
		if (st->has_median) {
			crm_buf_puts(b, "<td class=\"n median_days\" data-value=\"");
			json_number(b, st->median_days);
			crm_buf_printf(b, "\">%g</td>", st->median_days);
		} else {
			crm_buf_puts(b, "<td class=\"n median_days\" data-value=\"null\">-</td>");
		}
		if (i + 1 < CRM_FUNNEL_STAGES)
			td_rate(b, "rate", f->conversion[i]);
		else
			crm_buf_puts(b, "<td></td>");
		crm_buf_puts(b, "</tr>\n");
	}
	crm_buf_puts(b, "</tbody></table>\n<p class=\"summary\">");
	crm_buf_printf(b, "%s <span class=\"won\">%ld</span> · %s <span class=\"lost\">%ld</span> · %s ",
		       L("Won", "成交"), f->won, L("lost", "流失"), f->lost, L("win rate", "赢单率"));
	char *p = pct(f->win_rate);
	crm_buf_puts(b, "<span class=\"win_rate\" data-value=\"");
	if (f->win_rate.den)
		json_number(b, crm_ratio_value(f->win_rate));
	else
		crm_buf_puts(b, "null");
	crm_buf_printf(b, "\">%s</span></p>\n</section>\n", p);
	free(p);
}

static void html_sources(crm_buf *b, const crm_report *r, const struct crm_schema *s,
			 const char *lang, bool zh_)
{
	crm_buf_printf(b, "<section id=\"sources\"><h2>%s</h2>\n", L("Sources", "客户来源"));
	long max = 1;
	for (size_t i = 0; i < r->nsources; i++)
		if (r->sources[i].customers > max)
			max = r->sources[i].customers;
	const int row = 34, left = 130, width = 440;
	svg_open(b, "sources", 720, (int)(row * r->nsources) + 30, L("Sources", "客户来源"));
	for (size_t i = 0; i < r->nsources; i++) {
		const crm_report_source *x = &r->sources[i];
		double y = 5 + i * row;
		const char *name = label(s, "source", x->source, lang);
		svg_text(b, left - 8, y + 17, "end", "lbl", name);
		char *tip = crm_xasprintf("%s: %ld", name, x->customers);
		svg_bar(b, left, y, width * (double)x->customers / max, 24, "#9ecae1", tip);
		free(tip);
		tip = crm_xasprintf("%s: %ld %s", name, x->won, L("won", "成交"));
		svg_bar(b, left, y + 6, width * (double)x->won / max, 12, "#08519c", tip);
		free(tip);
		char *t = crm_xasprintf("%ld / %ld", x->won, x->customers);
		svg_text(b, left + width + 10, y + 17, "start", "num", t);
		free(t);
	}
	char *legend = crm_xasprintf("%s: %s / %s", L("bars", "条形"), L("won", "成交"),
				     L("customers", "客户数"));
	svg_text(b, left, row * r->nsources + 22, "start", "note", legend);
	free(legend);
	crm_buf_puts(b, "</svg>\n");
	const char *h[] = {L("Source", "来源"),     L("Customers", "客户数"), L("Won", "成交"),
			   L("Lost", "流失"),       L("Win rate", "赢单率"), L("Conversion", "转化率"),
			   L("Won amount", "成交金额"), NULL};
	thead(b, h);
	for (size_t i = 0; i < r->nsources; i++) {
		const crm_report_source *x = &r->sources[i];
		crm_buf_puts(b, "<tr data-source=\"");
		esc(b, x->source ? x->source : "");
		crm_buf_puts(b, "\">");
		td_text(b, "source", label(s, "source", x->source, lang));
		td_int(b, "customers", x->customers);
		td_int(b, "won", x->won);
		td_int(b, "lost", x->lost);
		td_rate(b, "win_rate", (crm_ratio){x->won, x->won + x->lost});
		td_rate(b, "conversion", (crm_ratio){x->won, x->customers});
		td_amount(b, "won_amount", x->won_amount);
		crm_buf_puts(b, "</tr>\n");
	}
	crm_buf_puts(b, "</tbody></table>\n</section>\n");
}

static void html_followups(crm_buf *b, const crm_report *r, const struct crm_schema *s,
			   const char *lang, bool zh_)
{
	crm_buf_printf(b, "<section id=\"followups\"><h2>%s</h2>\n",
		       L("Follow-ups by rep", "跟进（按销售）"));
	const int row = 40, left = 130, width = 400;
	svg_open(b, "followups", 720, (int)(row * r->nreps) + 30,
		 L("Success and on-time rates", "成功率与按时率"));
	for (size_t i = 0; i < r->nreps; i++) {
		const crm_report_rep *p = &r->reps[i];
		double y = 5 + i * row;
		crm_ratio succ = {p->progressed, p->with_result}, ont = {p->on_time, p->counted};
		svg_text(b, left - 8, y + 20, "end", "lbl", p->rep);
		char *a = pct(succ), *o = pct(ont);
		char *tip = crm_xasprintf("%s %s", L("success", "成功率"), a);
		svg_bar(b, left, y, succ.den ? width * crm_ratio_value(succ) : 0, 14, "#2171b5", tip);
		free(tip);
		tip = crm_xasprintf("%s %s", L("on time", "按时率"), o);
		svg_bar(b, left, y + 16, ont.den ? width * crm_ratio_value(ont) : 0, 14, "#fd8d3c", tip);
		free(tip);
		char *t = crm_xasprintf("%s / %s", a, o);
		svg_text(b, left + width + 10, y + 20, "start", "num", t);
		free(t);
		free(a);
		free(o);
	}
	char *legend = crm_xasprintf("%s: %s (%s), %s (%s)", L("bars", "条形"), L("success rate", "成功率"),
				     L("blue", "蓝"), L("on-time rate", "按时率"), L("orange", "橙"));
	svg_text(b, left, row * r->nreps + 22, "start", "note", legend);
	free(legend);
	crm_buf_puts(b, "</svg>\n");
	const char *h[] = {L("Rep", "跟进人"),      L("Follow-ups", "跟进次数"), L("With result", "有结果"),
			   L("Progressed", "有进展"), L("Success rate", "成功率"),   L("On time", "按时率"),
			   L("Open", "待办"),         L("Overdue", "逾期"),         NULL};
	thead(b, h);
	for (size_t i = 0; i < r->nreps; i++) {
		const crm_report_rep *p = &r->reps[i];
		crm_buf_puts(b, "<tr data-rep=\"");
		esc(b, p->rep);
		crm_buf_puts(b, "\">");
		td_text(b, "rep", p->rep);
		td_int(b, "followups", p->followups);
		td_int(b, "with_result", p->with_result);
		td_int(b, "progressed", p->progressed);
		td_rate(b, "success_rate", (crm_ratio){p->progressed, p->with_result});
		td_rate(b, "on_time_rate", (crm_ratio){p->on_time, p->counted});
		td_int(b, "open", p->open);
		td_int(b, "overdue", p->overdue);
		crm_buf_puts(b, "</tr>\n");
	}
	crm_buf_puts(b, "</tbody></table>\n");
	const char *hv[] = {L("Via", "跟进方式"), L("Follow-ups", "跟进次数"), L("Success rate", "成功率"),
			    NULL};
	thead(b, hv);
	for (size_t i = 0; i < r->nvias; i++) {
		const crm_report_via *v = &r->vias[i];
		crm_buf_puts(b, "<tr data-via=\"");
		esc(b, v->via);
		crm_buf_puts(b, "\">");
		td_text(b, "via", label(s, "followups[].via", v->via, lang));
		td_int(b, "followups", v->followups);
		td_rate(b, "success_rate", (crm_ratio){v->progressed, v->with_result});
		crm_buf_puts(b, "</tr>\n");
	}
	crm_buf_puts(b, "</tbody></table>\n</section>\n");
}

static void html_value(crm_buf *b, const crm_report *r, const struct crm_schema *s,
		       const char *lang, bool zh_)
{
	crm_buf_printf(b, "<section id=\"value\"><h2>%s</h2>\n",
		       L("Value: ABC (Pareto) of won revenue", "客户价值：成交额ABC（帕累托）分析"));
	size_t nbars = r->nabc > PARETO_BARS ? PARETO_BARS + 1 : r->nabc;
	const double top = 20, h = 220, left = 70, width = 600;
	svg_open(b, "value", 720, (int)(top + h + 40), L("Pareto chart", "帕累托图"));
	/* one axis for bars and line: the share of all won revenue */
	double others = 0;
	for (size_t i = PARETO_BARS; i < r->nabc && nbars > PARETO_BARS; i++)
		others += r->abc[i].amount;
	double total = r->won_total > 0 ? r->won_total : 1;
	double slot = nbars ? width / nbars : width;
	crm_buf puts_line = CRM_BUF_INIT;
	for (size_t i = 0; i < nbars; i++) {
		bool rest = i == PARETO_BARS;
		const crm_report_abc *x = &r->abc[rest ? r->nabc - 1 : i];
		double a = rest ? others : x->amount;
		double bh = h * a / total;
		const char *fill = x->cls == 'A' ? "#08519c" : x->cls == 'B' ? "#6baed6" : "#c6dbef";
		char *tip = rest ? crm_xasprintf("%s: %.0f", L("others", "其他"), a)
				 : crm_xasprintf("%s %s (%c): %.0f", x->id, x->name ? x->name : "", x->cls, a);
		svg_bar(b, left + i * slot + slot * 0.1, top + h - bh, slot * 0.8, bh, fill, tip);
		free(tip);
		double cy = top + h - h * (r->won_total > 0 ? x->cumulative / r->won_total : 1);
		crm_buf_printf(&puts_line, "%s%.1f,%.1f", i ? " " : "", left + (i + 0.5) * slot, cy);
	}
	/* the 80% and 95% lines, and the running share of revenue */
	for (int k = 0; k < 2; k++) {
		double share = k ? 0.95 : 0.80, y = top + h - h * share;
		crm_buf_printf(b,
			       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" "
			       "stroke-dasharray=\"4 3\"/>\n",
			       left, y, left + width, y);
		svg_text(b, left - 6, y + 4, "end", "num", k ? "95%" : "80%");
	}
	if (nbars)
		crm_buf_printf(b,
			       "<polyline points=\"%s\" fill=\"none\" stroke=\"#e6550d\" "
			       "stroke-width=\"2\"/>\n",
			       crm_buf_cstr(&puts_line));
	crm_buf_free(&puts_line);
	crm_buf_printf(b,
		       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		       left, top + h, left + width, top + h);
	char *note = crm_xasprintf("%s: %s ", L("won revenue", "成交总额"), "");
	crm_buf t = CRM_BUF_INIT;
	crm_buf_puts(&t, note);
	amount(&t, r->won_total);
	crm_buf_printf(&t, " · A %s · B %s · C %s", L("dark", "深色"), L("mid", "中色"), L("light", "浅色"));
	svg_text(b, left, top + h + 25, "start", "note", crm_buf_cstr(&t));
	crm_buf_free(&t);
	free(note);
	if (!nbars)
		svg_text(b, left + width / 2, top + h / 2, "middle", "note", L("no won customers", "暂无成交客户"));
	crm_buf_puts(b, "</svg>\n");

	const char *ha[] = {L("Class", "类别"), L("Customers", "客户"), NULL};
	thead(b, ha);
	for (char c = 'A'; c <= 'C'; c++) {
		crm_buf_printf(b, "<tr data-class=\"%c\"><td class=\"class\">%c</td><td class=\"ids\">", c, c);
		bool first = true;
		for (size_t i = 0; i < r->nabc; i++) {
			if (r->abc[i].cls != c)
				continue;
			if (!first)
				crm_buf_puts(b, ", ");
			first = false;
			crm_buf_puts(b, "<span class=\"id\">");
			esc(b, r->abc[i].id);
			crm_buf_puts(b, "</span> ");
			esc(b, r->abc[i].name);
		}
		crm_buf_puts(b, "</td></tr>\n");
	}
	crm_buf_puts(b, "</tbody></table>\n");
	static const char *const paths[CRM_GROUPS] = {"company.industry", "company.size", "source",
						       "owner"};
	for (int g = 0; g < CRM_GROUPS; g++) {
		const char *head = s ? crm_schema_label(s, paths[g], NULL, lang) : NULL;
		const char *h2[] = {head ? head : paths[g], L("Customers", "客户数"), L("Won", "成交"),
				    L("Won amount", "成交金额"), L("Budget (max)", "预算上限"), NULL};
		crm_buf_printf(b, "<div class=\"group\" id=\"%s\">", crm_group_names[g]);
		thead(b, h2);
		for (size_t i = 0; i < r->ngroups[g]; i++) {
			const crm_report_group *x = &r->groups[g][i];
			crm_buf_puts(b, "<tr data-key=\"");
			esc(b, x->key ? x->key : "");
			crm_buf_puts(b, "\">");
			td_text(b, "key", g == CRM_GROUP_SOURCE ? label(s, "source", x->key, lang) : x->key);
			td_int(b, "customers", x->customers);
			td_int(b, "won", x->won);
			td_amount(b, "won_amount", x->won_amount);
			td_amount(b, "budget_max", x->budget_max);
			crm_buf_puts(b, "</tr>\n");
		}
		crm_buf_puts(b, "</tbody></table></div>\n");
	}
	crm_buf_printf(b, "<h3>%s</h3>\n", L("Top customers", "重点客户"));
	const char *ht[] = {"ID", L("Name", "客户名称"), L("Won amount", "成交金额"),
			    L("Budget (max)", "预算上限"), NULL};
	thead(b, ht);
	for (size_t i = 0; i < r->ntop; i++) {
		const crm_report_top *x = &r->top[i];
		crm_buf_puts(b, "<tr data-id=\"");
		esc(b, x->id);
		crm_buf_puts(b, "\">");
		td_text(b, "id", x->id);
		td_text(b, "name", x->name);
		td_amount(b, "won_amount", x->won_amount);
		if (x->has_budget)
			td_amount(b, "budget_max", x->budget_max);
		else
			crm_buf_puts(b, "<td class=\"n budget_max\" data-value=\"null\">-</td>");
		crm_buf_puts(b, "</tr>\n");
	}
	crm_buf_puts(b, "</tbody></table>\n</section>\n");
}

static void html_owners(crm_buf *b, const crm_report *r, const struct crm_schema *s,
			const char *lang, bool zh_)
{
	crm_buf_printf(b, "<section id=\"owners\"><h2>%s</h2>\n",
		       L("Owners' pipelines", "负责人业务管道"));
	long max = 1;
	for (size_t i = 0; i < r->nowners; i++)
		if (r->owners[i].customers > max)
			max = r->owners[i].customers;
	const int row = 34, left = 130, width = 440;
	svg_open(b, "owners", 720, (int)(row * r->nowners) + 40, L("Owners' pipelines", "负责人业务管道"));
	for (size_t i = 0; i < r->nowners; i++) {
		const crm_report_owner *w = &r->owners[i];
		double y = 5 + i * row, x = left;
		svg_text(b, left - 8, y + 17, "end", "lbl", w->owner);
		for (int k = 0; k < CRM_STAGES; k++) {
			if (!w->stages[k])
				continue;
			double bw = width * (double)w->stages[k] / max;
			char *tip = crm_xasprintf("%s: %ld", label(s, "stage", crm_stage_codes[k], lang),
						  w->stages[k]);
			svg_bar(b, x, y, bw, 24, stage_fill[k], tip);
			free(tip);
			x += bw;
		}
		char num[32];
		snprintf(num, sizeof num, "%ld", w->customers);
		svg_text(b, x + 8, y + 17, "start", "num", num);
	}
	/* legend: circles, so that every <rect> is a bar */
	double lx = left, ly = row * r->nowners + 25;
	for (int k = 0; k < CRM_STAGES; k++) {
		const char *name = label(s, "stage", crm_stage_codes[k], lang);
		crm_buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", lx, ly - 4,
			       stage_fill[k]);
		svg_text(b, lx + 9, ly, "start", "note", name);
		lx += 95;
	}
	crm_buf_puts(b, "</svg>\n");
	const char *h[CRM_STAGES + 5] = {L("Owner", "负责人"), L("Customers", "客户数")};
	for (int i = 0; i < CRM_STAGES; i++)
		h[2 + i] = label(s, "stage", crm_stage_codes[i], lang);
	h[2 + CRM_STAGES] = L("Won amount", "成交金额");
	h[3 + CRM_STAGES] = L("Overdue", "逾期");
	thead(b, h);
	for (size_t i = 0; i < r->nowners; i++) {
		const crm_report_owner *w = &r->owners[i];
		crm_buf_puts(b, "<tr data-owner=\"");
		esc(b, w->owner);
		crm_buf_puts(b, "\">");
		td_text(b, "owner", w->owner);
		td_int(b, "customers", w->customers);
		for (int k = 0; k < CRM_STAGES; k++)
			td_int(b, crm_stage_codes[k], w->stages[k]);
		td_amount(b, "won_amount", w->won_amount);
		td_int(b, "overdue", w->overdue);
		crm_buf_puts(b, "</tr>\n");
	}
	crm_buf_puts(b, "</tbody></table>\n</section>\n");
}

static const char style[] =
	"body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\","
	"\"Microsoft YaHei\",\"WenQuanYi Micro Hei\",\"Helvetica Neue\",Arial,sans-serif;"
	"color:#222;margin:2em auto;max-width:760px;line-height:1.4}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:2px solid #2171b5;"
	"padding-bottom:.2em;margin-top:1.6em}h3{font-size:1.05em}\n"
	".meta{color:#555}\n"
	"table{border-collapse:collapse;margin:.8em 0;font-size:.92em}\n"
	"th,td{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left}\n"
	"th{background:#f0f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"svg.chart{display:block;max-width:100%;height:auto;margin:.6em 0}\n"
	"svg text{font-family:inherit;font-size:13px;fill:#222}svg text.conv{fill:#555;font-size:12px}\n"
	"svg text.note{fill:#555;font-size:12px}\n"
	"section{break-inside:avoid;page-break-inside:avoid}\n"
	"@page{size:A4;margin:14mm}\n"
	"@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}"
	"section{break-inside:avoid}svg.chart{max-width:180mm}th{background:none}}\n";

void crm_report_html(crm_buf *out, const crm_report *r, const struct crm_schema *s,
		     const char *lang, const char *book, const crm_report_opts *o)
{
	bool zh_ = lang && !strcmp(lang, "zh");
	const char *title = L("Sales report", "销售报告");
	crm_buf_printf(out,
		       "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<title>",
		       zh_ ? "zh-CN" : "en");
	if (book && *book) {
		esc(out, book);
		crm_buf_puts(out, " · ");
	}
	crm_buf_printf(out, "%s</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", title, style);
	if (book && *book) {
		esc(out, book);
		crm_buf_puts(out, " · ");
	}
	crm_buf_printf(out, "%s</h1>\n<p class=\"meta\">%s <span class=\"today\">", title,
		       L("As of", "截至"));
	esc(out, o ? o->today : "");
	crm_buf_puts(out, "</span>");
	if (o && o->since) {
		crm_buf_printf(out, " · %s ", L("since", "起始"));
		esc(out, o->since);
	}
	if (o && o->until) {
		crm_buf_printf(out, " · %s ", L("until", "截止"));
		esc(out, o->until);
	}
	if (o && o->owner) {
		crm_buf_printf(out, " · %s ", L("owner", "负责人"));
		esc(out, o->owner);
	}
	crm_buf_puts(out, "</p>\n");
	if (r->which & CRM_REPORT_FUNNEL)
		html_funnel(out, r, s, lang, zh_);
	if (r->which & CRM_REPORT_SOURCES)
		html_sources(out, r, s, lang, zh_);
	if (r->which & CRM_REPORT_FOLLOWUPS)
		html_followups(out, r, s, lang, zh_);
	if (r->which & CRM_REPORT_VALUE)
		html_value(out, r, s, lang, zh_);
	if (r->which & CRM_REPORT_OWNERS)
		html_owners(out, r, s, lang, zh_);
	crm_buf_puts(out, "</body>\n</html>\n");
}
