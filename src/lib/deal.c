#include "crm/deal.h"
#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/query.h"
#include "crm/schema.h"
#include "crm/utf8.h"
#include "crm/value.h"

#include <stdlib.h>
#include <string.h>

/* A team id that crm.yaml knows, or CRM_EINVALID naming the team. */
static int team_member(const crm_config *c, const char *id, const char *what)
{
	if (crm_config_member(c, id))
		return 0;
	const char **ids = crm_xcalloc(c->nteam + 1, sizeof *ids);
	for (size_t i = 0; i < c->nteam; i++)
		ids[i] = c->team[i].id;
	const char *near = crm_suggest(id, ids, c->nteam);
	char *team = crm_config_team_list(c);
	int rc;
	if (near)
		rc = crm_error_set(CRM_EINVALID, "%s: '%s' is not in the team (did you mean '%s'?)", what,
				   id, near);
	else
		rc = crm_error_set(CRM_EINVALID, "%s: '%s' is not in the team (team: %s; add people in "
				   "crm.yaml)", what, id, team);
	free(team);
	free(ids);
	return rc;
}

static crm_node *date_node(crm_date d)
{
	char buf[CRM_DATE_STRLEN];
	crm_date_format(d, buf);
	return crm_node_new_raw(buf);
}

bool crm_deal_closed(const crm_record *r)
{
	const char *stage = crm_record_str(r, "stage");
	return stage && (!strcmp(stage, "won") || !strcmp(stage, "lost"));
}

int crm_followup_build(crm_node **out, const crm_record *r, const crm_config *c,
		       const crm_schema *s, const crm_follow_args *a, crm_date today)
{
	const char *via, *result = NULL, *priority;
	int rc;
	*out = NULL;
	if (crm_date_cmp(a->date, today) > 0) {
		char d[CRM_DATE_STRLEN], t[CRM_DATE_STRLEN];
		crm_date_format(a->date, d);
		crm_date_format(today, t);
		return crm_error_set(CRM_EFAIL,
				     "the follow-up date %s is in the future (today is %s): log a follow-up "
				     "once it has happened, and plan what comes next with --next and "
				     "--next-date", d, t);
	}
	if (!a->summary || !*a->summary)
		return crm_error_set(CRM_EINVALID, "summary: say what happened; it cannot be empty");
	if (!a->via || !a->by)
		return crm_error_set(CRM_EUSAGE, "a follow-up needs via and by");
	if ((rc = crm_enum_code(s, "followups[].via", a->via, "via", &via)))
		return rc;
	if (a->result && (rc = crm_enum_code(s, "followups[].result", a->result, "result", &result)))
		return rc;
	if ((rc = crm_enum_code(s, "followups[].priority", a->priority ? a->priority : "medium",
				"priority", &priority)))
		return rc;
	if ((rc = team_member(c, a->by, "by")))
		return rc;
	const char *next_by = a->next_by ? a->next_by : crm_record_str(r, "owner");
	if (!next_by)
		return crm_error_set(CRM_EINVALID, "%s has no owner to take the next action; give the "
				     "next action's person (--next-by)", r->id);
	if ((rc = team_member(c, next_by, "next.by")))
		return rc;
	crm_date next;
	if (a->next_date) {
		next = *a->next_date;
	} else {
		int days = crm_config_priority_days(c, priority);
		if (days < 0)
			return crm_error_set(CRM_EINVALID, "crm.yaml gives no days for priority '%s': add "
					     "it under priorities, or give the next date", priority);
		next = crm_date_add_days(a->date, days);
	}

	crm_node *f = crm_node_new_map(false);
	crm_node_map_put(f, "date", date_node(a->date));
	crm_node_map_put(f, "via", crm_node_new_str(via));
	crm_node_map_put(f, "by", crm_node_new_str(a->by));
	crm_node_map_put(f, "summary", crm_node_new_str(a->summary));
	if (a->feedback)
		crm_node_map_put(f, "feedback", crm_node_new_str(a->feedback));
	if (result)
		crm_node_map_put(f, "result", crm_node_new_str(result));
	crm_node_map_put(f, "priority", crm_node_new_str(priority));
	crm_node *n = crm_node_new_map(true);
	crm_node_map_put(n, "date", date_node(next));
	crm_node_map_put(n, "action", crm_node_new_str(a->next_action ? a->next_action : ""));
	crm_node_map_put(n, "by", crm_node_new_str(next_by));
	crm_node_map_put(f, "next", n);
	*out = f;
	return 0;
}

int crm_deal_follow(crm_record *r, const crm_config *c, const crm_schema *s,
		    const crm_follow_args *a, crm_date today)
{
	crm_node *f;
	int rc = crm_followup_build(&f, r, c, s, a, today);
	if (rc)
		return rc;
	rc = crm_edit_append(&r->doc, "followups", f, crm_record_order);
	crm_node_free(f);
	return rc;
}

/* Append {stage, date} to stage_history, as a block list of flow items when new. */
static int add_history(crm_doc **d, const char *stage, crm_date date)
{
	crm_node *e = crm_node_new_map(true);
	crm_node_map_put(e, "stage", crm_node_new_str(stage));
	crm_node_map_put(e, "date", date_node(date));
	const crm_node *sh = crm_node_get((*d)->root, "stage_history");
	int rc;
	if (!sh || (sh->kind == CRM_NODE_SCALAR && sh->jtype == CRM_JSON_NULL) ||
	    (sh->kind == CRM_NODE_SEQ && sh->n == 0 && !sh->flow)) {
		/* crm_edit_append would make a flow list for a flow item; the
		 * history reads better one entry per line, like crm add writes it */
		crm_node *seq = crm_node_new_seq(false);
		crm_node_seq_push(seq, e);
		rc = crm_edit_set(d, "stage_history", seq, crm_record_order);
		crm_node_free(seq);
		return rc;
	}
	rc = crm_edit_append(d, "stage_history", e, crm_record_order);
	crm_node_free(e);
	return rc;
}

/* Write the deal of a won customer: into the existing map, or a new flow map. */
static int write_deal(crm_doc **d, const crm_node *amount, const crm_stage_args *a, crm_date date)
{
	const crm_node *deal = crm_node_get((*d)->root, "deal");
	bool has_signed = deal && deal->kind == CRM_NODE_MAP && crm_node_str(deal, "signed");
	crm_date signed_on = a->signed_on ? *a->signed_on : date;
	if (!deal || deal->kind != CRM_NODE_MAP) {
		crm_node *m = crm_node_new_map(true);
		crm_node_map_put(m, "amount", crm_node_clone(amount));
		crm_node_map_put(m, "signed", date_node(signed_on));
		if (a->contract_end)
			crm_node_map_put(m, "contract_end", date_node(*a->contract_end));
		int rc = crm_edit_set(d, "deal", m, crm_record_order);
		crm_node_free(m);
		return rc;
	}
	int rc = 0;
	if (amount)
		rc = crm_edit_set(d, "deal.amount", amount, NULL);
	if (!rc && (a->signed_on || !has_signed)) {
		crm_node *v = date_node(signed_on);
		rc = crm_edit_set(d, "deal.signed", v, NULL);
		crm_node_free(v);
	}
	if (!rc && a->contract_end) {
		crm_node *v = date_node(*a->contract_end);
		rc = crm_edit_set(d, "deal.contract_end", v, NULL);
		crm_node_free(v);
	}
	return rc;
}

int crm_deal_stage(crm_record *r, const crm_schema *s, const crm_stage_args *a, crm_date today,
		   char **from, const char **to)
{
	const char *code;
	crm_node *amount = NULL;
	crm_doc *d = NULL;
	if (from)
		*from = NULL;
	int rc = crm_enum_code(s, "stage", a->stage, "stage", &code);
	if (rc)
		return rc;
	if (to)
		*to = code;
	const char *cur = crm_record_str(r, "stage");
	char *was = crm_xstrdup(cur ? cur : "");
	if (!strcmp(was, code)) {
		rc = 1;
		goto done;
	}
	if (crm_date_cmp(a->date, today) > 0) {
		char dd[CRM_DATE_STRLEN], t[CRM_DATE_STRLEN];
		crm_date_format(a->date, dd);
		crm_date_format(today, t);
		rc = crm_error_set(CRM_EFAIL, "the stage date %s is in the future (today is %s): move "
				   "the deal when it has happened", dd, t);
		goto done;
	}
	if (a->amount && (rc = crm_value_parse(&amount, s, "deal.amount", a->amount, today)))
		goto done;
	if (!strcmp(code, "lost")) {
		const char *old = crm_record_str(r, "lost_reason");
		if ((!a->reason || !*a->reason) && (!old || !*old)) {
			rc = crm_error_set(CRM_EFAIL, "a lost customer needs a reason: give --reason TEXT "
					   "(why it was lost); nothing written");
			goto done;
		}
	}
	if (!strcmp(code, "won") && !amount && !crm_record_str(r, "deal.amount")) {
		rc = crm_error_set(CRM_EFAIL, "a won deal needs its amount: give --amount N (and "
				   "--signed D, default the stage date); nothing written");
		goto done;
	}

	/* edit a copy, so that r stays as it was if any step fails */
	if ((rc = crm_doc_parse(&d, r->doc->path, r->doc->src, r->doc->len, NULL)))
		goto done;
	crm_node *sv = crm_node_new_str(code);
	rc = crm_edit_set(&d, "stage", sv, crm_record_order);
	crm_node_free(sv);
	if (!rc)
		rc = add_history(&d, code, a->date);
	if (!rc && !strcmp(code, "lost") && a->reason && *a->reason) {
		crm_node *v = crm_node_new_str(a->reason);
		rc = crm_edit_set(&d, "lost_reason", v, crm_record_order);
		crm_node_free(v);
	}
	if (!rc && !strcmp(code, "won"))
		rc = write_deal(&d, amount, a, a->date);
	if (rc)
		goto done;
	crm_doc_free(r->doc);
	r->doc = d;
	d = NULL;
done:
	crm_doc_free(d);
	crm_node_free(amount);
	if (rc < 0)
		free(was), was = NULL;
	if (from)
		*from = was;
	else
		free(was);
	return rc;
}
