#include "crm/query.h"
#include "crm/index.h"
#include "crm/buf.h"
#include "crm/schema.h"
#include "crm/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int crm_enum_code(const crm_schema *s, const char *path, const char *text, const char *what,
		  const char **code)
{
	const char *const *vals = NULL;
	size_t n = 0;
	*code = NULL;
	if (!s || crm_schema_enum_values(s, path, &vals, &n) != 0 || n == 0) {
		crm_error_clear();
		*code = text;
		return 0;
	}
	const char *hit = crm_schema_enum_from_label(s, path, text);
	if (hit) {
		*code = hit;
		return 0;
	}
	/* the nearest code, else the nearest label in either language */
	const char *near = crm_suggest(text, vals, n);
	const char **labels = crm_xcalloc(2 * n + 1, sizeof *labels);
	for (size_t i = 0; !near && i < n; i++) {
		labels[2 * i] = crm_schema_label(s, path, vals[i], "zh");
		labels[2 * i + 1] = crm_schema_label(s, path, vals[i], "en");
	}
	if (!near) {
		const char *l = crm_suggest(text, labels, 2 * n);
		for (size_t i = 0; l && i < 2 * n; i++)
			if (labels[i] == l)
				near = vals[i / 2];
	}
	free(labels);
	crm_buf b = CRM_BUF_INIT;
	crm_buf_printf(&b, "%s: '%s' is not one of ", what, text);
	for (size_t i = 0; i < n; i++)
		crm_buf_printf(&b, "%s%s", i ? ", " : "", vals[i]);
	if (near)
		crm_buf_printf(&b, " (did you mean '%s'?)", near);
	int rc = crm_error_set(CRM_EINVALID, "%s", b.ptr);
	crm_buf_free(&b);
	return rc;
}

bool crm_due_days(const char *date, crm_date today, long *days)
{
	crm_date d;
	if (!date || !crm_date_parse_iso(&d, date))
		return false;
	*days = crm_date_diff(d, today);
	return true;
}

void crm_due_text(crm_buf *b, long days, const char *lang)
{
	bool zh = lang && !strcmp(lang, "zh");
	if (days == 0)
		crm_buf_puts(b, zh ? "今天到期" : "due today");
	else if (days > 0 && zh)
		crm_buf_printf(b, "%ld 天后到期", days);
	else if (days > 0)
		crm_buf_printf(b, "due in %ld day%s", days, days == 1 ? "" : "s");
	else if (zh)
		crm_buf_printf(b, "逾期 %ld 天", -days);
	else
		crm_buf_printf(b, "overdue by %ld day%s", -days, days == -1 ? "" : "s");
}

/* The first error of d (or its first diagnostic), for a one-line warning. */
static const crm_diag *first_error(const crm_diags *d)
{
	for (size_t k = 0; k < d->n; k++)
		if (d->v[k].sev == CRM_SEV_ERROR)
			return &d->v[k];
	return d->n ? &d->v[0] : NULL;
}

int crm_records_each(crm_book *b, crm_diags *skipped,
		     int (*fn)(const crm_record *r, void *arg), void *arg)
{
	crm_entry *v = NULL;
	size_t n = 0;
	const crm_schema *s = NULL;
	int rc = crm_book_schema(b, &s, NULL);
	if (rc)
		return rc;
	if ((rc = crm_book_scan(b, &v, &n)))
		return rc;
	/* records the index knows to be valid skip the schema check */
	crm_index *ix = NULL;
	long *errs = crm_xcalloc(n ? n : 1, sizeof *errs);
	if (crm_index_open(&ix, b, NULL) == 0)
		crm_index_lookup(ix, v, n, NULL, errs);
	else
		for (size_t i = 0; i < n; i++)
			errs[i] = -1;
	crm_index_free(ix);
	crm_error_clear();
	for (size_t i = 0; i < n && !rc; i++) {
		if (v[i].symlink) {
			if (skipped)
				crm_diags_add(skipped, v[i].path, 0, 0, CRM_SEV_WARNING,
					      "skipped: a symbolic link, not a record file");
			continue;
		}
		crm_record *r = NULL;
		crm_diags d = {0};
		const crm_diag *e;
		if (crm_record_load(&r, b, &v[i], &d) != 0) {
			e = first_error(&d);
			if (skipped)
				crm_diags_add(skipped, v[i].path, e ? e->line : 0, e ? e->col : 0,
					      CRM_SEV_WARNING, "skipped: %s (run 'crm validate')",
					      e ? e->msg : crm_error_last());
		} else if (!r->doc->root || r->doc->root->kind != CRM_NODE_MAP) {
			if (skipped)
				crm_diags_add(skipped, v[i].path, 0, 0, CRM_SEV_WARNING,
					      "skipped: not a map of fields (run 'crm validate')");
		} else if (errs[i] != 0 &&
			   crm_schema_validate(s, r->doc, &d) > 0) {
			e = first_error(&d);
			if (skipped)
				crm_diags_add(skipped, v[i].path, e ? e->line : 0, e ? e->col : 0,
					      CRM_SEV_WARNING, "skipped, invalid: %s (run 'crm validate')",
					      e ? e->msg : "refused by the schema");
		} else {
			rc = fn(r, arg);
		}
		crm_diags_free(&d);
		crm_record_free(r);
	}
	free(errs);
	if (!rc)
		crm_error_clear();
	crm_entries_free(v, n);
	return rc;
}

static bool eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool has_tag(const crm_record *r, const char *tag)
{
	const crm_node *tags = crm_node_get(r->doc->root, "tags");
	for (size_t i = 0; tags && tags->kind == CRM_NODE_SEQ && i < tags->n; i++)
		if (tags->items[i]->kind == CRM_NODE_SCALAR && !strcmp(tags->items[i]->value, tag))
			return true;
	return false;
}

bool crm_filter_passes_all(const crm_filter *f)
{
	return !f->stage && !f->ntags && !f->owner && !f->source && !f->kind && !f->industry &&
	       !f->priority && !f->due_before_set && !f->overdue;
}

bool crm_filter_match(const crm_record *r, const crm_filter *f)
{
	if (f->stage && !eq(crm_record_str(r, "stage"), f->stage))
		return false;
	if (f->owner && !eq(crm_record_str(r, "owner"), f->owner))
		return false;
	if (f->source && !eq(crm_record_str(r, "source"), f->source))
		return false;
	if (f->kind && !eq(crm_record_str(r, "kind"), f->kind))
		return false;
	if (f->industry) {
		const char *ind = crm_record_str(r, "company.industry");
		if (!ind || strcasecmp(ind, f->industry) != 0)
			return false;
	}
	for (size_t i = 0; i < f->ntags; i++)
		if (!has_tag(r, f->tags[i]))
			return false;
	if (f->priority || f->due_before_set || f->overdue) {
		crm_next nx;
		if (!crm_record_next(r, &nx))
			return false;
		if (f->priority && !eq(nx.priority, f->priority))
			return false;
		crm_date due;
		if ((f->due_before_set || f->overdue) && !crm_date_parse_iso(&due, nx.date))
			return false;
		if (f->due_before_set && crm_date_cmp(due, f->due_before) >= 0)
			return false;
		if (f->overdue && crm_date_cmp(due, f->today) >= 0)
			return false;
	}
	return true;
}

static const char *const sort_keys[] = {"id", "name", "stage", "next", "owner", "first_contact",
					NULL};

bool crm_sort_key_valid(const char *key)
{
	for (size_t i = 0; key && sort_keys[i]; i++)
		if (!strcmp(key, sort_keys[i]))
			return true;
	return false;
}

/* qsort has no context argument in C11: the sort key and stage order live here. */
static struct {
	const char *key;
	const char *const *stages;
	size_t nstages;
} sort_by;

static long stage_rank(const crm_summary *r)
{
	for (size_t i = 0; r->stage && i < sort_by.nstages; i++)
		if (!strcmp(r->stage, sort_by.stages[i]))
			return (long)i;
	return (long)sort_by.nstages;
}

/* NULL sorts after any string. */
static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int cmp_summaries(const void *pa, const void *pb)
{
	const crm_summary *a = *(crm_summary *const *)pa, *b = *(crm_summary *const *)pb;
	const char *k = sort_by.key;
	int c = 0;
	if (!strcmp(k, "name")) {
		c = (a->name && b->name) ? strcasecmp(a->name, b->name) : 0;
		if (!c)
			c = cmp_str(a->name, b->name);
	} else if (!strcmp(k, "stage")) {
		long x = stage_rank(a), y = stage_rank(b);
		c = x < y ? -1 : x > y;
	} else if (!strcmp(k, "next")) {
		c = cmp_str(a->has_next ? a->next_date : NULL, b->has_next ? b->next_date : NULL);
	} else if (!strcmp(k, "owner")) {
		c = cmp_str(a->owner, b->owner);
	} else if (!strcmp(k, "first_contact")) {
		c = cmp_str(a->first_contact, b->first_contact);
	}
	return c ? c : cmp_str(a->id, b->id);
}

int crm_summaries_sort(crm_summary **v, size_t n, const char *key, const crm_schema *s)
{
	if (!crm_sort_key_valid(key))
		return crm_error_set(CRM_EUSAGE, "cannot sort by '%s' (id, name, stage, next, owner or "
				     "first_contact)", key ? key : "");
	sort_by.key = key;
	sort_by.stages = NULL;
	sort_by.nstages = 0;
	if (s && crm_schema_enum_values(s, "stage", &sort_by.stages, &sort_by.nstages) != 0)
		crm_error_clear();
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_summaries);
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? crm_xstrdup(s) : NULL;
}

crm_summary *crm_summary_new(const crm_record *r)
{
	crm_summary *s = crm_xcalloc(1, sizeof *s);
	const char *id = crm_record_str(r, "id");
	s->id = crm_xstrdup(id ? id : r->id);
	s->name = dup_or_null(crm_record_str(r, "name"));
	s->kind = dup_or_null(crm_record_str(r, "kind"));
	s->stage = dup_or_null(crm_record_str(r, "stage"));
	s->owner = dup_or_null(crm_record_str(r, "owner"));
	s->source = dup_or_null(crm_record_str(r, "source"));
	s->path = crm_xstrdup(r->path);
	s->first_contact = dup_or_null(crm_record_str(r, "first_contact.date"));
	const crm_node *tags = crm_node_get(r->doc->root, "tags");
	if (tags && tags->kind == CRM_NODE_SEQ && tags->n) {
		s->tags = crm_xcalloc(tags->n, sizeof *s->tags);
		for (size_t i = 0; i < tags->n; i++)
			if (tags->items[i]->kind == CRM_NODE_SCALAR)
				s->tags[s->ntags++] = crm_xstrdup(tags->items[i]->value);
	}
	crm_next nx;
	if ((s->has_next = crm_record_next(r, &nx))) {
		s->next_date = crm_xstrdup(nx.date);
		s->next_action = crm_xstrdup(nx.action);
		s->next_by = dup_or_null(nx.by);
		s->next_priority = dup_or_null(nx.priority);
	}
	return s;
}

void crm_summary_free(crm_summary *s)
{
	if (!s)
		return;
	char *strs[] = {s->id, s->name, s->kind, s->stage, s->owner, s->source, s->path,
			s->first_contact, s->next_date, s->next_action, s->next_by, s->next_priority};
	if (s->block)
		free(s->block);
	else
		for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
			free(strs[i]);
	for (size_t i = 0; !s->tags_block && i < s->ntags; i++)
		free(s->tags[i]);
	free(s->tags);
	free(s);
}

void crm_summary_json(crm_json *j, const crm_summary *s)
{
	const char *const keys[] = {"id", "name", "kind", "stage", "owner", "source"};
	const char *const vals[] = {s->id, s->name, s->kind, s->stage, s->owner, s->source};
	for (size_t i = 0; i < 6; i++) {
		crm_json_key(j, keys[i]);
		crm_json_string(j, vals[i]);
	}
	crm_json_key(j, "tags");
	crm_json_begin_array(j);
	for (size_t i = 0; i < s->ntags; i++)
		crm_json_string(j, s->tags[i]);
	crm_json_end_array(j);
	crm_json_key(j, "path");
	crm_json_string(j, s->path);
	crm_json_key(j, "next");
	if (!s->has_next) {
		crm_json_null(j);
		return;
	}
	crm_json_begin_object(j);
	crm_json_key(j, "date");
	crm_json_string(j, s->next_date);
	crm_json_key(j, "action");
	crm_json_string(j, s->next_action);
	crm_json_key(j, "by");
	crm_json_string(j, s->next_by);
	crm_json_key(j, "priority");
	crm_json_string(j, s->next_priority);
	crm_json_end_object(j);
}

/* ASCII case-insensitive substring test on UTF-8 text. */
static bool contains(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle) != NULL;
}

/* The digits of s, for matching phone numbers written with spaces or dashes. */
static char *digits(const char *s)
{
	char *d = crm_xmalloc(strlen(s) + 1), *p = d;
	for (; *s; s++)
		if (isdigit((unsigned char)*s))
			*p++ = *s;
	*p = '\0';
	return d;
}

/* Whether text is a phone number as people type one: digits, spaces, + - ( ). */
static bool phone_like(const char *s)
{
	size_t nd = 0;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			nd++;
		else if (!strchr(" +-()", *s))
			return false;
	}
	return nd >= 3;
}

typedef struct {
	crm_match *v;
	size_t n, cap;
	const char *text;
	char *text_digits; /* NULL unless text looks like a phone number */
} finder;

static void add(finder *f, const char *field, const char *value)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 4;
		f->v = crm_xrealloc(f->v, f->cap * sizeof *f->v);
	}
	f->v[f->n].field = crm_xstrdup(field);
	f->v[f->n].text = crm_xstrdup(value);
	f->n++;
}

static void look(finder *f, const crm_node *map, const char *key, const char *field, bool phone)
{
	const char *v = crm_node_str(map, key);
	if (!v)
		return;
	bool hit = contains(v, f->text);
	if (!hit && phone && f->text_digits) {
		char *d = digits(v);
		hit = strstr(d, f->text_digits) != NULL;
		free(d);
	}
	if (hit)
		add(f, field, v);
}

size_t crm_record_find(const crm_record *r, const char *text, crm_match **out, size_t *n)
{
	finder f = {NULL, 0, 0, text, NULL};
	*out = NULL;
	*n = 0;
	const crm_node *root = r->doc->root;
	if (!text || !*text || !root || root->kind != CRM_NODE_MAP)
		return 0;
	if (phone_like(text))
		f.text_digits = digits(text);
	char path[96];
	look(&f, root, "name", "name", false);
	const crm_node *cs = crm_node_get(root, "contacts");
	for (size_t i = 0; cs && cs->kind == CRM_NODE_SEQ && i < cs->n; i++) {
		static const char *const keys[] = {"name", "title", "phone", "email"};
		for (size_t k = 0; k < 4; k++) {
			snprintf(path, sizeof path, "contacts[%zu].%s", i, keys[k]);
			look(&f, cs->items[i], keys[k], path, k == 2);
		}
	}
	const crm_node *needs = crm_node_get(root, "needs");
	look(&f, needs, "summary", "needs.summary", false);
	const crm_node *dc = crm_node_get(needs, "decision_chain");
	for (size_t i = 0; dc && dc->kind == CRM_NODE_SEQ && i < dc->n; i++) {
		snprintf(path, sizeof path, "needs.decision_chain[%zu].name", i);
		look(&f, dc->items[i], "name", path, false);
		snprintf(path, sizeof path, "needs.decision_chain[%zu].title", i);
		look(&f, dc->items[i], "title", path, false);
	}
	const crm_node *tags = crm_node_get(root, "tags");
	for (size_t i = 0; tags && tags->kind == CRM_NODE_SEQ && i < tags->n; i++)
		if (tags->items[i]->kind == CRM_NODE_SCALAR && contains(tags->items[i]->value, text)) {
			snprintf(path, sizeof path, "tags[%zu]", i);
			add(&f, path, tags->items[i]->value);
		}
	look(&f, root, "notes", "notes", false);
	const crm_node *fu = crm_node_get(root, "followups");
	for (size_t i = 0; fu && fu->kind == CRM_NODE_SEQ && i < fu->n; i++) {
		snprintf(path, sizeof path, "followups[%zu].summary", i);
		look(&f, fu->items[i], "summary", path, false);
		snprintf(path, sizeof path, "followups[%zu].feedback", i);
		look(&f, fu->items[i], "feedback", path, false);
		snprintf(path, sizeof path, "followups[%zu].next.action", i);
		look(&f, crm_node_get(fu->items[i], "next"), "action", path, false);
	}
	free(f.text_digits);
	*out = f.v;
	*n = f.n;
	return f.n;
}

void crm_matches_free(crm_match *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].field);
		free(m[i].text);
	}
	free(m);
}
