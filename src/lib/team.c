#include "crm/team.h"
#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool closed(const crm_record *r)
{
	const char *stage = crm_record_str(r, "stage");
	return stage && (!strcmp(stage, "won") || !strcmp(stage, "lost"));
}

const char *crm_team_next_holder(const crm_record *r)
{
	crm_next nx;
	if (!crm_record_next(r, &nx))
		return NULL;
	return nx.by && *nx.by ? nx.by : crm_record_str(r, "owner");
}

/* "ming, sarah": who may still be given work on `today`, for hints. */
static char *active_list(const crm_config *c, crm_date today)
{
	crm_buf b = CRM_BUF_INIT;
	for (size_t i = 0; i < c->nteam; i++)
		if (!crm_config_left_on(c, c->team[i].id, today))
			crm_buf_printf(&b, "%s%s", b.len ? ", " : "", c->team[i].id);
	if (!b.len)
		crm_buf_puts(&b, "nobody: add someone to the team in crm.yaml");
	return crm_buf_detach(&b);
}

void crm_team_check_record(const crm_config *c, const crm_record *r, crm_date today,
			   crm_diags *d)
{
	const crm_node *root = r->doc ? r->doc->root : NULL;
	if (!c || !root || root->kind != CRM_NODE_MAP || closed(r))
		return;
	const crm_node *owner = crm_node_get(root, "owner");
	const char *left;
	if (owner && owner->kind == CRM_NODE_SCALAR &&
	    (left = crm_config_left_on(c, owner->value, today)))
		crm_diags_add(d, r->path, owner->line, owner->col, CRM_SEV_WARNING,
			      "owner: '%s' left the team on %s and still owns this open customer; "
			      "hand it over with 'crm handover --from %s --to ID'",
			      owner->value, left, owner->value);
	crm_next nx;
	if (!crm_record_next(r, &nx) || !nx.by || !*nx.by)
		return; /* no next.by: the owner holds it, warned about above */
	if (!(left = crm_config_left_on(c, nx.by, today)))
		return;
	const crm_node *fu = crm_node_get(root, "followups");
	const crm_node *by = crm_node_at(fu->items[nx.followup], "next.by");
	crm_diags_add(d, r->path, by ? by->line : 1, by ? by->col : 1, CRM_SEV_WARNING,
		      "followups[%zu].next.by: the open next action is held by '%s', who left the "
		      "team on %s; move it with 'crm handover --from %s --to ID'",
		      nx.followup, nx.by, left, nx.by);
}

int crm_team_refuse_new_work(const crm_config *c, const crm_record *r, const char *old_owner,
			     const char *old_next_by, crm_date today)
{
	const char *owner = crm_record_str(r, "owner"), *left;
	if (owner && (!old_owner || strcmp(owner, old_owner)) &&
	    (left = crm_config_left_on(c, owner, today))) {
		char *team = active_list(c, today);
		int rc = crm_error_set(CRM_EFAIL,
				       "'%s' left the team on %s and can be given no customer; choose "
				       "an owner still in the team (%s)", owner, left, team);
		free(team);
		return rc;
	}
	const char *holder = crm_team_next_holder(r);
	if (holder && (!old_next_by || strcmp(holder, old_next_by)) &&
	    (left = crm_config_left_on(c, holder, today))) {
		char *team = active_list(c, today);
		int rc = crm_error_set(CRM_EFAIL,
				       "'%s' left the team on %s and can be given no next action; give "
				       "it to someone still in the team (%s), or hand %s's customers "
				       "over with 'crm handover --from %s --to ID'",
				       holder, left, team, holder, holder);
		free(team);
		return rc;
	}
	return 0;
}

char *crm_team_departed(const crm_config *c, crm_date today)
{
	crm_buf b = CRM_BUF_INIT;
	crm_buf_puts(&b, "");
	for (size_t i = 0; c && i < c->nteam; i++)
		if (crm_config_left_on(c, c->team[i].id, today))
			crm_buf_printf(&b, "%s%s", b.len ? "," : "", c->team[i].id);
	return crm_buf_detach(&b);
}

int crm_team_mark_left(crm_doc **doc, const char *id, crm_date day)
{
	const crm_node *team = (*doc)->root ? crm_node_get((*doc)->root, "team") : NULL;
	for (size_t i = 0; team && team->kind == CRM_NODE_SEQ && i < team->n; i++) {
		const char *mid = crm_node_str(team->items[i], "id");
		if (!mid || strcmp(mid, id))
			continue;
		char path[48], buf[CRM_DATE_STRLEN];
		snprintf(path, sizeof path, "team[%zu].left", i);
		crm_date_format(day, buf);
		crm_node *v = crm_node_new_raw(buf);
		int rc = crm_edit_set(doc, path, v, NULL);
		crm_node_free(v);
		return rc;
	}
	return crm_error_set(CRM_ENOTFOUND, "'%s' is not in the team of crm.yaml", id);
}
