/* crm agenda [--days N] [--owner U | --all] [--json]: what is due, and for whom. */
#include "cmd.h"

#include "crm/utf8.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crm/agenda.h"
#include "crm/index.h"
#include "crm/buf.h"
#include "crm/history.h"
#include "crm/schema.h"
#include "crm/table.h"
#include "crm/txn.h"

/* The sections of the text output, in order. */
enum { SEC_OVERDUE, SEC_TODAY, SEC_NEXT, SEC_DATES, SEC_CONTRACT, SEC_STALE, NSEC };

static int section_of(const crm_agenda_item *it)
{
	switch (it->type) {
	case CRM_AGENDA_OVERDUE:
		return SEC_OVERDUE;
	case CRM_AGENDA_DUE:
		return it->days == 0 ? SEC_TODAY : SEC_NEXT;
	case CRM_AGENDA_BIRTHDAY:
	case CRM_AGENDA_DATE:
		return SEC_DATES;
	case CRM_AGENDA_CONTRACT_END:
		return SEC_CONTRACT;
	case CRM_AGENDA_STALE:
		return SEC_STALE;
	}
	return SEC_STALE;
}

static bool zh(const crm_ctx *ctx)
{
	return !strcmp(ctx->lang, "zh");
}

static void section_title(crm_buf *b, const crm_ctx *ctx, int sec, int days)
{
	static const char *const en[] = {"Overdue", "Today", NULL, "Birthdays & dates",
					 "Contract ends", "Stale (not followed up)"};
	static const char *const cn[] = {"逾期", "今天", NULL, "生日与重要日期", "合同到期",
					 "久未跟进"};
	if (ctx->color)
		crm_buf_puts(b, sec == SEC_OVERDUE ? "\033[1;31m" : "\033[1m");
	if (sec == SEC_NEXT)
		crm_buf_printf(b, zh(ctx) ? "未来 %d 天" : "Next %d days", days);
	else
		crm_buf_puts(b, zh(ctx) ? cn[sec] : en[sec]);
	if (ctx->color)
		crm_buf_puts(b, "\033[0m");
	crm_buf_putc(b, '\n');
}

/* Where the agenda's lines are: the section, and the line within it. */
typedef struct {
	const crm_ctx *ctx;
	int days;
	const size_t *count;
	int sec;
	size_t k;
	crm_buf *out;
} sections;

/* Put whole lines of the table under their section titles, writing out
 * what has gathered now and then: never a second copy of a long agenda. */
static int section_lines(const char *s, size_t len, void *arg)
{
	sections *w = arg;
	const char *end = s + len;
	while (s < end && w->sec < NSEC) {
		if (w->k == 0) {
			crm_buf_putc(w->out, '\n');
			section_title(w->out, w->ctx, w->sec, w->days);
		}
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		crm_buf_puts(w->out, "  ");
		crm_buf_put(w->out, s, n);
		s += n;
		if (++w->k == w->count[w->sec]) {
			w->k = 0;
			do
				w->sec++;
			while (w->sec < NSEC && !w->count[w->sec]);
		}
	}
	if (w->out->len >= 1 << 20) {
		int rc = cmd_write_out(w->out->ptr, w->out->len);
		crm_buf_truncate(w->out, 0);
		return rc;
	}
	return 0;
}

static const char *weekday(const crm_ctx *ctx, crm_date d)
{
	static const char *const en[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const cn[] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
	int w = crm_date_weekday(d) - 1;
	return zh(ctx) ? cn[w] : en[w];
}

/* "3 days late", "tomorrow", "in 5 days (Sat)", "last contact 2024-04-01". */
static void add_when(crm_table *t, const crm_ctx *ctx, const crm_agenda_item *it)
{
	long k = it->days;
	bool z = zh(ctx);
	if (it->type == CRM_AGENDA_OVERDUE) {
		if (z)
			crm_table_add_cellf(t, "逾期 %ld 天", k);
		else
			crm_table_add_cellf(t, "%ld day%s late", k, k == 1 ? "" : "s");
		return;
	}
	if (it->type == CRM_AGENDA_STALE) {
		char d[CRM_DATE_STRLEN];
		crm_date_format(crm_date_add_days(ctx->today, -k), d);
		crm_table_add_cellf(t, z ? "上次 %s" : "last contact %s", d);
		return;
	}
	if (k == 0)
		crm_table_add_cell(t, z ? "今天" : "today");
	else if (k == 1)
		crm_table_add_cellf(t, z ? "明天 %s" : "tomorrow, %s", weekday(ctx, it->date));
	else if (z)
		crm_table_add_cellf(t, "%ld 天后 %s", k, weekday(ctx, it->date));
	else
		crm_table_add_cellf(t, "in %ld days, %s", k, weekday(ctx, it->date));
}

/* The labels of the few priorities, looked up in the schema once each. */
typedef struct {
	const char *code[4], *label[4];
	size_t n;
} label_cache;

static const char *priority_label(label_cache *c, const crm_schema *s, const char *code,
				  const char *lang)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->code[i], code))
			return c->label[i];
	const char *label = s ? crm_schema_label(s, "followups[].priority", code, lang) : code;
	if (c->n < 4) {
		/* the code is the item's, which outlives the table */
		c->code[c->n] = code;
		c->label[c->n++] = label;
	}
	return label;
}

static int print_text(const crm_ctx *ctx, crm_book *b, const crm_agenda *a, const char *who,
		      int days)
{
	const crm_schema *s = NULL;
	crm_book_schema(b, &s, NULL); /* labels only: without a schema, codes show */
	crm_buf out = CRM_BUF_INIT;
	char today[CRM_DATE_STRLEN];
	crm_date_format(ctx->today, today);
	const crm_member *m = who ? crm_config_member(b->config, who) : NULL;
	if (who) {
		char *nm = crm_visible(m && m->name ? m->name : who), *id = crm_visible(who);
		crm_buf_printf(&out, zh(ctx) ? "%s (%s) 的日程，%s %s\n" : "Agenda for %s (%s), %s %s\n",
			       nm, id, today, weekday(ctx, ctx->today));
		free(nm);
		free(id);
	}
	else
		crm_buf_printf(&out, zh(ctx) ? "全员日程，%s %s\n" : "Agenda for everyone, %s %s\n",
			       today, weekday(ctx, ctx->today));
	if (!a->n) {
		crm_buf_puts(&out, zh(ctx) ? "没有待办事项。\n" : "Nothing due.\n");
		int rc = cmd_write_out(out.ptr, out.len);
		crm_buf_free(&out);
		return rc;
	}
	/*
	 * One table for all sections, so that the columns line up across them;
	 * the section titles are put between its lines afterwards. Items go in
	 * section order, agenda order within a section.
	 */
	crm_table *t = crm_table_new();
	label_cache labels = {0};
	size_t count[NSEC] = {0};
	for (int sec = 0; sec < NSEC; sec++)
		for (size_t i = 0; i < a->n; i++) {
			const crm_agenda_item *it = &a->v[i];
			if (section_of(it) != sec)
				continue;
			count[sec]++;
			char d[CRM_DATE_STRLEN];
			crm_date_format(it->date, d);
			crm_table_add_row(t);
			crm_table_add_cell(t, d);
			/* borrowed: the items and the schema outlive the table */
			crm_table_add_cell_ref(t, it->id);
			crm_table_add_cell_ref(t, it->name);
			crm_table_add_cell_ref(t, it->text);
			add_when(t, ctx, it);
			const char *p = NULL;
			if ((it->type == CRM_AGENDA_OVERDUE || it->type == CRM_AGENDA_DUE) && it->priority)
				p = priority_label(&labels, s, it->priority, ctx->lang);
			crm_table_add_cell_ref(t, p);
			crm_table_add_cell_ref(t, who ? NULL : it->who);
		}
	crm_table_set_max_width(t, 2, 28);
	crm_table_set_max_width(t, 3, 40);
	/* the lines come in pieces; each section's title goes before its first */
	sections w = {ctx, days, count, 0, 0, &out};
	while (w.sec < NSEC && !count[w.sec])
		w.sec++;
	int rc = crm_table_render_to(t, section_lines, &w);
	crm_table_free(t);
	if (!rc)
		rc = cmd_write_out(out.ptr, out.len);
	crm_buf_free(&out);
	return rc;
}

static int print_json(const crm_agenda *a)
{
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, false);
	crm_json_begin_array(&j);
	for (size_t i = 0; i < a->n; i++) {
		const crm_agenda_item *it = &a->v[i];
		char d[CRM_DATE_STRLEN];
		crm_date_format(it->date, d);
		crm_json_begin_object(&j);
		crm_json_key(&j, "type");
		crm_json_string(&j, crm_agenda_type_name(it->type));
		crm_json_key(&j, "date");
		crm_json_string(&j, d);
		crm_json_key(&j, "id");
		crm_json_string(&j, it->id);
		crm_json_key(&j, "name");
		crm_json_string(&j, it->name);
		crm_json_key(&j, "text");
		crm_json_string(&j, it->text);
		crm_json_end_object(&j);
	}
	crm_json_end_array(&j);
	int rc = cmd_print_json(&b);
	crm_buf_free(&b);
	return rc;
}

/* The question, and its answer from the index. */
typedef struct {
	crm_agenda_query q;
	crm_agenda a;
	crm_diags warn;
} asking;

static int ask(crm_index *ix, void *arg)
{
	asking *k = arg;
	return crm_index_agenda(ix, &k->q, &k->a, &k->warn);
}

static void drop(void *arg)
{
	asking *k = arg;
	crm_agenda_free(&k->a);
	crm_diags_free(&k->warn);
	k->a = (crm_agenda){0};
	k->warn = (crm_diags){0};
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"days", required_argument, NULL, 'd'},
					     {"owner", required_argument, NULL, 'o'},
					     {"all", no_argument, NULL, 'a'},
					     {"json", no_argument, NULL, 'j'},
					     {0}};
	int days = 7;
	const char *owner = NULL;
	bool all = false, json = false;
	int c;
	while ((c = cmd_getopt(&cmd_agenda, argc, argv, "", opts)) != -1) {
		switch (c) {
		case '?':
			return 2;
		case 'd': {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || v < 0 || v > 36500)
				return cmd_usage_error(&cmd_agenda,
						       "--days takes a number of days from 0 to 36500, not '%s'",
						       optarg);
			days = (int)v;
			break;
		}
		case 'o':
			owner = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'j':
			json = true;
			break;
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_agenda, "unexpected argument '%s'", argv[optind]);
	if (owner && all)
		return cmd_usage_error(&cmd_agenda, "give --owner or --all, not both");

	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	const char *who = NULL;
	if (owner) {
		if (!crm_config_member(b->config, owner)) {
			char *team = crm_config_team_list(b->config);
			rc = cmd_error("'%s' is not in the team of crm.yaml (%s)", owner, team);
			free(team);
			crm_book_free(b);
			return rc;
		}
		who = owner;
	} else if (!all) {
		crm_repo *repo = NULL;
		const crm_member *me = NULL;
		int e = crm_repo_open(&repo, b->root);
		if (!e)
			e = crm_whoami(&me, b, repo);
		crm_repo_free(repo);
		if (e) {
			rc = cmd_fail(e);
			fprintf(stderr, "hint: 'crm agenda --all' shows everyone's agenda\n");
			crm_book_free(b);
			return rc;
		}
		who = me->id;
	}

	asking k = {{ctx->today, days, who, b->config, ctx->lang}, {0}, {0}};
	crm_index *ix = NULL;
	int e = crm_index_open_ask(&ix, b, ask, drop, &k);
	crm_index_free(ix);
	cmd_print_diags(&k.warn);
	crm_diags_free(&k.warn);
	if (e)
		rc = cmd_fail(e);
	else if (json)
		rc = print_json(&k.a);
	else
		rc = print_text(ctx, b, &k.a, who, days);
	crm_agenda_free(&k.a);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_agenda = {
	"agenda",
	"[--days N] [--owner U | --all] [--json]",
	"what is due: overdue and upcoming next actions, birthdays, dates, contract ends, stale customers",
	"  --days N     next actions due within N days from today (default 7); other items\n"
	"               use the reminders of crm.yaml\n"
	"  --owner U    the agenda of team member U (default: me, from 'crm setup --user')\n"
	"  --all        everyone's agenda\n"
	"  --json       an array, soonest first, of {type, date, id, name, text}\n"
	"\n"
	"Items (windows include both ends, today to today + N):\n"
	"  overdue       open next actions due before today (with the days late)\n"
	"  due           open next actions due today to today + --days\n"
	"  birthday      contacts' birthdays within reminders.birthday (29 Feb: 28 Feb in\n"
	"                other years); date is the next occurrence\n"
	"  date          yearly 'dates' entries within reminders.birthday, one-off ones and\n"
	"                needs.deadline within reminders.dates\n"
	"  contract_end  deal.contract_end within reminders.contract_end\n"
	"  stale         customers neither won nor lost whose latest follow-up (or first\n"
	"                contact) is reminders.stale days old or older, unless overdue;\n"
	"                date is the day it became stale (last contact + reminders.stale)\n"
	"Next actions are for next.by (the owner when missing), the rest for the owner.\n"
	"Won customers keep birthdays, dates and contract ends; lost ones show nothing.\n"
	"Order: date; within a day overdue, due, contract end, date, birthday, stale;\n"
	"then priority (high first), deal stage (later first), needs.budget.max (larger\n"
	"first), id.\n",
	run,
};
