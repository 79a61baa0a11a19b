#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/agenda.h"
#include "crm/buf.h"

/* A crm.yaml with these reminder windows, read through the real loader. */
static crm_config *config(int birthday, int dates, int contract_end, int stale)
{
	char path[] = "/tmp/crm-agenda-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f,
		"book: t\nteam:\n  - {id: ming, name: Ming, email: ming@example.com}\n"
		"  - {id: li, name: Li, email: li@example.com}\n"
		"priorities: {high: 3, medium: 7, low: 14}\n"
		"reminders: {birthday: %d, dates: %d, contract_end: %d, stale: %d}\n",
		birthday, dates, contract_end, stale);
	fclose(f);
	crm_config *c = NULL;
	int rc = crm_config_load(&c, path, NULL);
	unlink(path);
	cr_assert_eq(rc, 0, "%s", crm_error_last());
	return c;
}

static crm_record *rec(const char *id, const char *yaml)
{
	crm_record *r = NULL;
	char *path = crm_xasprintf("customers/%s.yaml", id);
	int rc = crm_record_new(&r, path, id, yaml, strlen(yaml));
	free(path);
	cr_assert_eq(rc, 0, "record %s does not parse", id);
	return r;
}

static crm_date D(const char *s)
{
	crm_date d;
	cr_assert(crm_date_parse_iso(&d, s), "%s", s);
	return d;
}

/* The agenda as "type date id text" lines, in order. */
static char *lines(const crm_agenda *a)
{
	crm_buf b = CRM_BUF_INIT;
	for (size_t i = 0; i < a->n; i++) {
		char d[CRM_DATE_STRLEN];
		crm_date_format(a->v[i].date, d);
		crm_buf_printf(&b, "%s %s %s %s\n", crm_agenda_type_name(a->v[i].type), d, a->v[i].id,
			       a->v[i].text);
	}
	return crm_buf_detach(&b);
}

/* Run one query over records given as id, yaml, id, yaml, ..., NULL. */
static char *agenda(const crm_config *c, const char *today, int days, const char *who, ...)
{
	crm_agenda_query q = {D(today), days, who, c, "en"};
	crm_agenda a = {0};
	va_list ap;
	va_start(ap, who);
	const char *id;
	while ((id = va_arg(ap, const char *))) {
		crm_record *r = rec(id, va_arg(ap, const char *));
		crm_agenda_add(&a, &q, r);
		crm_record_free(r);
	}
	va_end(ap);
	crm_agenda_sort(&a);
	char *s = lines(&a);
	crm_agenda_free(&a);
	return s;
}

#define HEAD(id, stage)                                                                  \
	"id: \"" id "\"\nname: N" id "\nkind: company\nsource: online\nowner: ming\n"     \
	"first_contact: {date: 2024-05-01, by: ming}\nstage: " stage "\n"

#define FU(date, prio, next, by) \
	"  - {date: " date ", via: phone, by: ming, summary: s, priority: " prio         \
	", next: {date: " next ", action: act" next ", by: " by "}}\n"

Test(agenda, next_action_windows_include_both_ends)
{
	crm_config *c = config(7, 7, 30, 30);
	char *s = agenda(c, "2024-05-20", 7, NULL,
			 "a", HEAD("a", "needs") "followups:\n" FU("2024-05-19", "high", "2024-05-19", "ming"),
			 "b", HEAD("b", "needs") "followups:\n" FU("2024-05-19", "high", "2024-05-20", "ming"),
			 "c", HEAD("c", "needs") "followups:\n" FU("2024-05-19", "high", "2024-05-27", "ming"),
			 "d", HEAD("d", "needs") "followups:\n" FU("2024-05-19", "high", "2024-05-28", "ming"),
			 NULL);
	cr_expect_str_eq(s, "overdue 2024-05-19 a act2024-05-19\n"
			    "due 2024-05-20 b act2024-05-20\n"
			    "due 2024-05-27 c act2024-05-27\n");
	free(s);
	/* --days widens only next actions */
	s = agenda(c, "2024-05-20", 8, NULL,
		   "d", HEAD("d", "needs") "followups:\n" FU("2024-05-19", "high", "2024-05-28", "ming"),
		   NULL);
	cr_expect_str_eq(s, "due 2024-05-28 d act2024-05-28\n");
	free(s);
	s = agenda(c, "2024-05-20", 0, NULL,
		   "b", HEAD("b", "needs") "followups:\n" FU("2024-05-19", "high", "2024-05-20", "ming"),
		   "c", HEAD("c", "needs") "followups:\n" FU("2024-05-19", "high", "2024-05-21", "ming"),
		   NULL);
	cr_expect_str_eq(s, "due 2024-05-20 b act2024-05-20\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, overdue_counts_days_late)
{
	crm_config *c = config(7, 7, 30, 30);
	crm_agenda_query q = {D("2024-05-20"), 7, NULL, c, "en"};
	crm_agenda a = {0};
	crm_record *r = rec("a", HEAD("a", "needs") "followups:\n" FU("2024-05-10", "high", "2024-05-13", "ming"));
	crm_agenda_add(&a, &q, r);
	cr_assert_eq(a.n, 1);
	cr_expect_eq(a.v[0].type, CRM_AGENDA_OVERDUE);
	cr_expect_eq(a.v[0].days, 7);
	cr_expect_str_eq(a.v[0].who, "ming");
	cr_expect_str_eq(a.v[0].priority, "high");
	crm_record_free(r);
	crm_agenda_free(&a);
	crm_config_free(c);
}

Test(agenda, same_day_order_priority_stage_budget_id)
{
	crm_config *c = config(7, 7, 30, 30);
	char *s = agenda(
		c, "2024-05-20", 7, NULL,
		"z1", HEAD("z1", "initial") "followups:\n" FU("2024-05-19", "low", "2024-05-22", "ming"),
		"z2", HEAD("z2", "initial") "followups:\n" FU("2024-05-19", "high", "2024-05-22", "ming"),
		"z3", HEAD("z3", "negotiation") "followups:\n" FU("2024-05-19", "medium", "2024-05-22", "ming"),
		"z4", HEAD("z4", "proposal") "followups:\n" FU("2024-05-19", "medium", "2024-05-22", "ming"),
		"z5", HEAD("z5", "proposal") "needs: {budget: {max: 100}}\nfollowups:\n"
			FU("2024-05-19", "medium", "2024-05-22", "ming"),
		"z6", HEAD("z6", "proposal") "needs: {budget: {max: 5000}}\nfollowups:\n"
			FU("2024-05-19", "medium", "2024-05-22", "ming"),
		"a0", HEAD("a0", "proposal") "needs: {budget: {max: 5000}}\nfollowups:\n"
			FU("2024-05-19", "medium", "2024-05-22", "ming"),
		"e1", HEAD("e1", "initial") "followups:\n" FU("2024-05-19", "low", "2024-05-21", "ming"),
		NULL);
	cr_expect_str_eq(s, "due 2024-05-21 e1 act2024-05-21\n"
			    "due 2024-05-22 z2 act2024-05-22\n"
			    "due 2024-05-22 z3 act2024-05-22\n"
			    "due 2024-05-22 a0 act2024-05-22\n"
			    "due 2024-05-22 z6 act2024-05-22\n"
			    "due 2024-05-22 z5 act2024-05-22\n"
			    "due 2024-05-22 z4 act2024-05-22\n"
			    "due 2024-05-22 z1 act2024-05-22\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, kinds_on_one_day)
{
	crm_config *c = config(7, 7, 30, 30);
	char *s = agenda(c, "2024-05-20", 7, NULL, "k",
			 HEAD("k", "needs") "contacts:\n  - {name: 张伟, birthday: 1985-05-22}\n"
			 "needs: {deadline: 2024-05-22}\n"
			 "dates:\n  - {label: 周年, date: 2010-05-22, yearly: true}\n"
			 "deal: {contract_end: 2024-05-22}\n"
			 "followups:\n" FU("2024-05-19", "high", "2024-05-22", "ming"),
			 NULL);
	cr_expect_str_eq(s, "due 2024-05-22 k act2024-05-22\n"
			    "contract_end 2024-05-22 k Contract ends\n"
			    "date 2024-05-22 k Deadline\n"
			    "date 2024-05-22 k 周年\n"
			    "birthday 2024-05-22 k Birthday: 张伟\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, birthdays_and_29_february)
{
	crm_config *c = config(7, 7, 30, 30);
	const char *r = HEAD("b", "needs") "contacts:\n  - {name: Leap, birthday: 1996-02-29}\n"
			"  - {name: Far, birthday: 1990-03-20}\n"
			"followups:\n" FU("2025-02-24", "low", "2025-03-30", "ming");
	char *s = agenda(c, "2025-02-25", 7, NULL, "b", r, NULL);
	cr_expect_str_eq(s, "birthday 2025-02-28 b Birthday: Leap\n");
	free(s);
	/* in a leap year it is the 29th; the window ends on today + 7 exactly */
	s = agenda(c, "2024-02-22", 7, NULL, "b", r, NULL);
	cr_expect_str_eq(s, "birthday 2024-02-29 b Birthday: Leap\n");
	free(s);
	s = agenda(c, "2024-02-21", 7, NULL, "b", r, NULL);
	cr_expect_str_eq(s, "");
	free(s);
	/* after the day it has passed for this year: next year's is too far */
	s = agenda(c, "2025-03-01", 7, NULL, "b", r, NULL);
	cr_expect_str_eq(s, "");
	free(s);
	crm_config_free(c);
}

Test(agenda, dates_yearly_use_birthday_window_once_use_dates_window)
{
	crm_config *c = config(3, 10, 30, 30);
	const char *r = HEAD("d", "needs")
		"needs: {summary: 仓储, deadline: 2024-05-30}\n"
		"dates:\n"
		"  - {label: yearly-in, date: 2010-05-23, yearly: true}\n"
		"  - {label: yearly-out, date: 2010-05-24, yearly: true}\n"
		"  - {label: once-in, date: 2024-05-30}\n"
		"  - {label: once-out, date: 2024-05-31}\n"
		"  - {label: once-past, date: 2023-05-22}\n"
		"  - {label: not-yearly, date: 2023-05-25, yearly: false}\n"
		"followups:\n" FU("2024-05-19", "low", "2024-06-30", "ming");
	char *s = agenda(c, "2024-05-20", 7, NULL, "d", r, NULL);
	cr_expect_str_eq(s, "date 2024-05-23 d yearly-in\n"
			    "date 2024-05-30 d Deadline: 仓储\n"
			    "date 2024-05-30 d once-in\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, contract_end_window)
{
	crm_config *c = config(7, 7, 30, 30);
	const char *in = HEAD("w", "won") "deal: {amount: 1, signed: 2023-06-01, contract_end: 2024-06-19}\n";
	const char *out = HEAD("x", "won") "deal: {amount: 1, signed: 2023-06-01, contract_end: 2024-06-20}\n";
	const char *past = HEAD("y", "won") "deal: {amount: 1, signed: 2023-06-01, contract_end: 2024-05-19}\n";
	char *s = agenda(c, "2024-05-20", 7, NULL, "w", in, "x", out, "y", past, NULL);
	cr_expect_str_eq(s, "contract_end 2024-06-19 w Contract ends\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, stale_from_latest_followup_or_first_contact)
{
	crm_config *c = config(7, 7, 30, 30);
	char *s = agenda(
		c, "2024-05-20", 7, NULL,
		/* first contact 2024-04-20 is exactly 30 days ago: stale since today */
		"s1", "id: s1\nname: S1\nowner: ming\nstage: initial\nfirst_contact: {date: 2024-04-20}\n",
		"s2", "id: s2\nname: S2\nowner: ming\nstage: initial\nfirst_contact: {date: 2024-04-21}\n",
		/* a follow-up 40 days ago whose next is still ahead: stale */
		"s3", HEAD("s3", "needs") "followups:\n" FU("2024-04-10", "low", "2024-06-30", "ming"),
		/* overdue: not stale as well */
		"s4", HEAD("s4", "needs") "followups:\n" FU("2024-04-10", "low", "2024-04-24", "ming"),
		/* the latest follow-up is the one that counts, not the last in the list */
		"s5", HEAD("s5", "needs") "followups:\n" FU("2024-05-15", "low", "2024-06-30", "ming")
			FU("2024-03-01", "low", "2024-03-15", "ming"),
		NULL);
	cr_expect_str_eq(s, "overdue 2024-04-24 s4 act2024-04-24\n"
			    "stale 2024-05-10 s3 no follow-up for 40 days\n"
			    "stale 2024-05-20 s1 no follow-up in the 30 days since first contact\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, won_and_lost)
{
	crm_config *c = config(7, 7, 30, 30);
	const char *won = HEAD("w", "won")
		"contacts:\n  - {name: W, birthday: 1980-05-21}\n"
		"needs: {deadline: 2024-05-22}\n"
		"deal: {amount: 1, signed: 2024-01-01, contract_end: 2024-06-01}\n"
		"followups:\n" FU("2024-01-01", "high", "2024-01-04", "ming");
	const char *lost = HEAD("l", "lost")
		"lost_reason: price\n"
		"contacts:\n  - {name: L, birthday: 1980-05-21}\n"
		"needs: {deadline: 2024-05-22}\n"
		"dates:\n  - {label: once, date: 2024-05-22}\n"
		"followups:\n" FU("2024-01-01", "high", "2024-01-04", "ming");
	char *s = agenda(c, "2024-05-20", 7, NULL, "w", won, "l", lost, NULL);
	cr_expect_str_eq(s, "birthday 2024-05-21 w Birthday: W\n"
			    "contract_end 2024-06-01 w Contract ends\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, who_next_by_or_owner)
{
	crm_config *c = config(7, 7, 30, 30);
	const char *r1 = HEAD("r1", "needs") "contacts:\n  - {name: A, birthday: 1980-05-21}\n"
			 "followups:\n" FU("2024-05-19", "high", "2024-05-22", "li");
	const char *r2 = HEAD("r2", "needs")
		"followups:\n  - {date: 2024-05-19, via: phone, by: ming, summary: s, priority: low,"
		" next: {date: 2024-05-23, action: x}}\n";
	char *s = agenda(c, "2024-05-20", 7, "ming", "r1", r1, "r2", r2, NULL);
	cr_expect_str_eq(s, "birthday 2024-05-21 r1 Birthday: A\n"
			    "due 2024-05-23 r2 x\n");
	free(s);
	s = agenda(c, "2024-05-20", 7, "li", "r1", r1, "r2", r2, NULL);
	cr_expect_str_eq(s, "due 2024-05-22 r1 act2024-05-22\n");
	free(s);
	s = agenda(c, "2024-05-20", 7, NULL, "r1", r1, "r2", r2, NULL);
	cr_expect_str_eq(s, "birthday 2024-05-21 r1 Birthday: A\n"
			    "due 2024-05-22 r1 act2024-05-22\n"
			    "due 2024-05-23 r2 x\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, stale_shows_when_overdue_is_someone_elses)
{
	crm_config *c = config(7, 7, 30, 30);
	const char *r = HEAD("r", "needs") "followups:\n" FU("2024-04-01", "high", "2024-04-04", "li");
	char *s = agenda(c, "2024-05-20", 7, "ming", "r", r, NULL);
	cr_expect_str_eq(s, "stale 2024-05-01 r no follow-up for 49 days\n");
	free(s);
	s = agenda(c, "2024-05-20", 7, NULL, "r", r, NULL);
	cr_expect_str_eq(s, "overdue 2024-04-04 r act2024-04-04\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, missing_next_date_is_date_plus_priority_days)
{
	crm_config *c = config(7, 7, 30, 30);
	const char *r = HEAD("r", "needs")
		"followups:\n  - {date: 2024-05-18, via: phone, by: ming, summary: s, priority: high,"
		" next: {action: call}}\n";
	char *s = agenda(c, "2024-05-20", 7, NULL, "r", r, NULL);
	cr_expect_str_eq(s, "due 2024-05-21 r call\n");
	free(s);
	crm_config_free(c);
}

Test(agenda, chinese_text_and_empty_action)
{
	crm_config *c = config(7, 7, 30, 30);
	crm_agenda_query q = {D("2024-05-20"), 7, NULL, c, "zh"};
	crm_agenda a = {0};
	crm_record *r = rec("r", HEAD("r", "needs") "contacts:\n  - {name: 张伟, birthday: 1985-05-20}\n"
				 "followups:\n  - {date: 2024-05-18, via: phone, by: ming, summary: s,"
				 " priority: high, next: {date: 2024-05-21, action: ''}}\n");
	crm_agenda_add(&a, &q, r);
	crm_agenda_sort(&a);
	cr_assert_eq(a.n, 2);
	cr_expect_str_eq(a.v[0].text, "生日: 张伟");
	cr_expect_eq(a.v[0].days, 0);
	cr_expect_str_eq(a.v[1].text, "跟进");
	crm_record_free(r);
	crm_agenda_free(&a);
	crm_config_free(c);
}

/*
 * crm_agenda_sort packs most of the order into one integer; it must give
 * exactly the order crm_agenda_cmp defines, on items that tie on every key
 * but one as well as on random ones.
 */
static char *pick(const char *const *v, size_t n, unsigned r)
{
	const char *s = v[r % n];
	return s ? strdup(s) : NULL;
}

Test(agenda, sort_is_the_order_of_crm_agenda_cmp)
{
	static const char *const prio[] = {"high", "medium", "low", NULL, "urgent"};
	static const char *const ids[] = {"202401001", "202401002", "202312999"};
	static const char *const texts[] = {"call", "报价", ""};
	srand(7);
	for (int round = 0; round < 50; round++) {
		crm_agenda a = {0};
		size_t n = 1 + (size_t)(rand() % 400);
		a.v = calloc(n, sizeof *a.v);
		a.n = a.cap = n;
		for (size_t i = 0; i < n; i++) {
			crm_agenda_item *it = &a.v[i];
			/* few distinct values per key, so that ties reach the later keys */
			int dates[][3] = {{2024, 12, 31}, {2025, 1, 1}, {2024, 2, 29}, {1999, 12, 31}, {9999, 12, 31}};
			int *d = dates[rand() % 5];
			it->date = (crm_date){d[0], d[1], d[2]};
			it->type = (crm_agenda_type)(rand() % 6);
			it->priority = pick(prio, 5, (unsigned)rand());
			it->stage_rank = rand() % 5;
			it->has_budget = rand() % 2;
			it->budget = it->has_budget ? (double)(rand() % 3) * 1000.5 : 0;
			it->id = pick(ids, 3, (unsigned)rand());
			it->text = pick(texts, 3, (unsigned)rand());
		}
		crm_agenda_sort(&a);
		for (size_t i = 1; i < n; i++)
			cr_assert(crm_agenda_cmp(&a.v[i - 1], &a.v[i]) <= 0,
				  "round %d: items %zu and %zu out of order", round, i - 1, i);
		crm_agenda_free(&a);
	}
}
