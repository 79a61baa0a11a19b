/*
 * The record merge under random edits, with a fixed seed: each round makes
 * two versions of a record by the edits crm commands make (follow, tag,
 * untag, set, stage, contact added, changed or removed, a new key, feedback
 * on a follow-up), merges them, and
 * checks that a clean merge validates against the shipped schema, that
 * tags are the set both sides meant, and that every follow-up of either
 * side is there exactly once, conflict or not.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/error.h"
#include "crm/recmerge.h"
#include "crm/record.h"
#include "crm/schema.h"

static const char BASE[] =
	"# yaml-language-server: $schema=../../../schema/customer.schema.yaml\n"
	"id: \"202405001\"\n"
	"name: 科技有限公司  # 客户全称\n"
	"kind: company\n"
	"source: online\n"
	"owner: ming\n"
	"first_contact: {date: 2024-05-01, by: ming}\n"
	"contacts:\n"
	"  - name: 张伟\n"
	"    title: 采购经理\n"
	"    phone: \"13800000000\"\n"
	"needs:\n"
	"  summary: 降低成本\n"
	"  budget: {min: 100, max: 200}\n"
	"tags: [预算敏感, 高意向]\n"
	"stage: initial\n"
	"stage_history:\n"
	"  - {stage: initial, date: 2024-05-01}\n"
	"followups:\n"
	"  - date: 2024-05-05\n"
	"    via: phone\n"
	"    by: ming\n"
	"    summary: 第一次\n"
	"    next: {date: 2024-05-08, action: 发送资料, by: ming}\n";

static unsigned long long rng = 20240520;
static unsigned pick(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

static const char *const TAGS[] = {"预算敏感", "高意向", "决策链复杂", "老客户", "vip"};
static const char *const NAMES[] = {"科技集团", "科技股份", "云栖智能"};
static const char *const STAGES[] = {"needs", "proposal", "negotiation"};
static const char *const PEOPLE[] = {"张伟", "李娜", "王总"};

static void must(int rc, const char *what)
{
	cr_assert_eq(rc, 0, "%s: %s", what, crm_error_last());
}

static void set_str(crm_doc **d, const char *path, const char *v)
{
	crm_node *n = crm_node_new_str(v);
	must(crm_edit_set(d, path, n, crm_record_order), path);
	crm_node_free(n);
}

/* One random edit, as a crm command would make it; follow-ups get the
 * summary `tag`, unique over the run. */
static void random_edit(crm_doc **d, const char *tag)
{
	const crm_node *root = (*d)->root;
	const crm_node *tags = crm_node_get(root, "tags"), *fu = crm_node_get(root, "followups");
	switch (pick(12)) {
	case 0:
	case 1: { /* follow: as crm follow does, on or after the latest one */
		unsigned day = 6;
		for (size_t i = 0; fu && i < fu->n; i++) {
			unsigned dd = (unsigned)atoi(crm_node_str(fu->items[i], "date") + 8);
			day = dd > day ? dd : day;
		}
		char date[11];
		snprintf(date, sizeof date, "2024-05-%02u", day + pick(3));
		crm_node *f = crm_node_new_map(false);
		crm_node_map_put(f, "date", crm_node_new_raw(date));
		crm_node_map_put(f, "via", crm_node_new_str(pick(2) ? "phone" : "visit"));
		crm_node_map_put(f, "by", crm_node_new_str(pick(2) ? "ming" : "li"));
		crm_node_map_put(f, "summary", crm_node_new_str(tag));
		crm_node_map_put(f, "priority", crm_node_new_str("medium"));
		must(crm_edit_append(d, "followups", f, crm_record_order), "follow");
		crm_node_free(f);
		break;
	}
	case 2: { /* tag */
		const char *t = TAGS[pick(5)];
		for (size_t i = 0; tags && i < tags->n; i++)
			if (!strcmp(tags->items[i]->value, t))
				return;
		crm_node *n = crm_node_new_str(t);
		must(crm_edit_append(d, "tags", n, crm_record_order), "tag");
		crm_node_free(n);
		break;
	}
	case 3: /* untag */
		if (tags && tags->n) {
			char *p = crm_xasprintf("tags[%u]", pick((unsigned)tags->n));
			must(crm_edit_unset(d, p), "untag");
			free(p);
		}
		break;
	case 4: /* set */
		set_str(d, pick(2) ? "name" : "needs.summary", NAMES[pick(3)]);
		break;
	case 5: { /* stage */
		const char *s = STAGES[pick(3)];
		char date[11];
		snprintf(date, sizeof date, "2024-05-%02u", 6 + pick(14));
		set_str(d, "stage", s);
		crm_node *h = crm_node_new_map(true);
		crm_node_map_put(h, "stage", crm_node_new_str(s));
		crm_node_map_put(h, "date", crm_node_new_raw(date));
		must(crm_edit_append(d, "stage_history", h, crm_record_order), "stage");
		crm_node_free(h);
		break;
	}
	case 6: { /* contact: update the one of that name, or add it */
		const char *who = PEOPLE[pick(3)];
		const crm_node *cs = crm_node_get(root, "contacts");
		for (size_t i = 0; cs && i < cs->n; i++)
			if (!strcmp(crm_node_str(cs->items[i], "name"), who)) {
				char *p = crm_xasprintf("contacts[%zu].title", i);
				set_str(d, p, NAMES[pick(3)]);
				free(p);
				return;
			}
		crm_node *c = crm_node_new_map(false);
		crm_node_map_put(c, "name", crm_node_new_str(who));
		crm_node_map_put(c, "phone", crm_node_new_str("13900000000"));
		must(crm_edit_append(d, "contacts", c, crm_record_order), "contact");
		crm_node_free(c);
		break;
	}
	case 8: { /* budget, a number in a flow map */
		char v[16];
		snprintf(v, sizeof v, "%u", 200 + 50 * pick(4));
		crm_node *n = crm_node_new_raw(v);
		must(crm_edit_set(d, "needs.budget.max", n, crm_record_order), "budget");
		crm_node_free(n);
		break;
	}
	case 9: { /* a key the base lacks */
		char date[11];
		snprintf(date, sizeof date, "2024-09-%02u", 1 + pick(3));
		crm_node *n = crm_node_new_raw(date);
		must(crm_edit_set(d, "needs.deadline", n, crm_record_order), "deadline");
		crm_node_free(n);
		break;
	}
	case 10: { /* a contact removed */
		const crm_node *cs = crm_node_get(root, "contacts");
		if (cs && cs->n > 1) {
			char *p = crm_xasprintf("contacts[%u]", pick((unsigned)cs->n));
			must(crm_edit_unset(d, p), "remove contact");
			free(p);
		}
		break;
	}
	default: /* feedback on an existing follow-up */
		if (fu && fu->n) {
			char *p = crm_xasprintf("followups[%u].feedback", pick((unsigned)fu->n));
			set_str(d, p, pick(2) ? "要案例" : "要报价");
			free(p);
		}
	}
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static bool has_tag(const crm_doc *d, const char *t)
{
	const crm_node *tags = crm_node_get(d->root, "tags");
	for (size_t i = 0; tags && i < tags->n; i++)
		if (!strcmp(tags->items[i]->value, t))
			return true;
	return false;
}

static char *src_path(const char *rel)
{
	const char *r = getenv("CRM_SRC");
	if (r)
		return crm_xasprintf("%s/%s", r, rel);
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/");
	return crm_xasprintf("%.*s%s", cut ? (int)(cut - f) : 0, f, rel);
}

Test(recmerge_random, hundreds_of_rounds)
{
	char *sp = src_path("schema/customer.schema.yaml");
	crm_schema *schema = NULL;
	must(crm_schema_load(&schema, sp, NULL), "schema");
	free(sp);
	if (getenv("CRM_TEST_SEED")) /* to explore; the default seed is fixed */
		rng = strtoull(getenv("CRM_TEST_SEED"), NULL, 10);
	size_t rounds = 400, conflicted = 0, serial = 0;
	for (size_t round = 0; round < rounds; round++) {
		crm_doc *b = NULL, *o = NULL, *t = NULL, *m = NULL;
		must(crm_doc_parse(&b, "r.yaml", BASE, strlen(BASE), NULL), "base");
		/* a common history first, then each side its own edits */
		for (unsigned k = pick(3); k-- > 0;) {
			char tag[32];
			snprintf(tag, sizeof tag, "共同%zu", serial++);
			random_edit(&b, tag);
		}
		must(crm_doc_parse(&o, "r.yaml", b->src, b->len, NULL), "ours");
		must(crm_doc_parse(&t, "r.yaml", b->src, b->len, NULL), "theirs");
		for (unsigned k = 1 + pick(4); k-- > 0;) {
			char tag[32];
			snprintf(tag, sizeof tag, "明%zu", serial++);
			random_edit(&o, tag);
		}
		for (unsigned k = 1 + pick(4); k-- > 0;) {
			char tag[32];
			snprintf(tag, sizeof tag, "李%zu", serial++);
			random_edit(&t, tag);
		}
		crm_merge_result *r = NULL;
		must(crm_record_merge(&r, b->src, b->len, o->src, o->len, t->src, t->len, NULL), "merge");
		cr_assert_not(r->line_merge, "round %zu fell back to lines", round);
		/* every follow-up of either side, exactly once */
		const crm_doc *sides[] = {o, t};
		for (int s = 0; s < 2; s++) {
			const crm_node *fu = crm_node_get(sides[s]->root, "followups");
			for (size_t i = 0; fu && i < fu->n; i++) {
				char *needle = crm_xasprintf("summary: %s\n", crm_node_str(fu->items[i], "summary"));
				cr_assert_eq(count(r->text, needle), 1, "round %zu: %s\n%s", round, needle, r->text);
				free(needle);
			}
		}
		if (r->nconflicts) {
			conflicted++;
			for (size_t i = 0; i < r->nconflicts; i++) {
				const char *p = r->conflicts[i].path;
				bool expected = !strcmp(p, "name") || !strcmp(p, "needs.summary") ||
						!strcmp(p, "stage") || strstr(p, "].title") ||
						strstr(p, "].feedback") || !strcmp(p, "needs.budget.max") ||
						!strcmp(p, "needs.deadline") || !strncmp(p, "contacts[", 9);
				cr_assert(expected, "round %zu: unexpected conflict on %s\n%s", round, p, r->text);
			}
		} else {
			crm_diags diags = {0};
			must(crm_doc_parse(&m, "r.yaml", r->text, r->len, &diags), "merged");
			cr_assert_eq(crm_schema_validate(schema, m, &diags), 0, "round %zu: %s\n%s", round,
				     diags.n ? diags.v[0].msg : "", r->text);
			crm_diags_free(&diags);
			/* tags: what both sides meant */
			for (size_t i = 0; i < sizeof TAGS / sizeof *TAGS; i++) {
				bool inb = has_tag(b, TAGS[i]), ino = has_tag(o, TAGS[i]), int_ = has_tag(t, TAGS[i]);
				bool want = inb ? ino && int_ : ino || int_;
				cr_assert_eq(has_tag(m, TAGS[i]), want, "round %zu: tag %s\n%s", round, TAGS[i],
					     r->text);
			}
			/* follow-ups in date order, where each side had them so */
			const crm_node *fu = crm_node_get(m->root, "followups");
			for (size_t i = 1; fu && i < fu->n; i++)
				cr_assert_leq(strcmp(crm_node_str(fu->items[i - 1], "date"),
						     crm_node_str(fu->items[i], "date")),
					      0, "round %zu: order\n%s", round, r->text);
		}
		crm_merge_result_free(r);
		crm_doc_free(b);
		crm_doc_free(o);
		crm_doc_free(t);
		crm_doc_free(m);
	}
	cr_log_info("%zu of %zu rounds made a conflict", conflicted, rounds);
	cr_assert_lt(conflicted, rounds / 2, "%zu of %zu rounds conflicted", conflicted, rounds);
	cr_assert_gt(conflicted, 0, "no round made a real conflict: the test would not see them");
	crm_schema_free(schema);
}
