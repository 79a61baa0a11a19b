#ifndef CRM_TEAM_H
#define CRM_TEAM_H
/*
 * Team members who leave (SPEC §2): a member with `left: DATE` in crm.yaml
 * stays valid wherever history names them, but from that date on nobody may
 * give them a customer or a next action. This module holds the rules over
 * records that follow from it: what `crm validate` warns about, what a change
 * may not do, and the edit of crm.yaml that marks someone as gone.
 */
#include <stdbool.h>

#include "crm/config.h"
#include "crm/date.h"
#include "crm/doc.h"
#include "crm/error.h"
#include "crm/record.h"

/*
 * Warnings (never errors) for record r on `today`: an open customer (stage
 * neither won nor lost) owned by someone who has left, and an open next
 * action (crm_record_next) held by someone who has left. Each names
 * `crm handover --from U --to ID` as the fix.
 */
void crm_team_check_record(const crm_config *c, const crm_record *r, crm_date today,
			   crm_diags *diags);

/*
 * Refuse a change that gives someone who has left by `today` new work:
 * r's owner is such a member and differs from `old_owner` (NULL for a new
 * record), or r's open next action is held by such a member and its holder
 * differs from `old_next_by`. Returns 0, or CRM_EFAIL with a message that
 * says who left when and what to do instead.
 */
int crm_team_refuse_new_work(const crm_config *c, const crm_record *r, const char *old_owner,
			     const char *old_next_by, crm_date today);

/* Who holds r's open next action: its next.by, else the owner; NULL when
 * there is no open next action. Borrowed from r. */
const char *crm_team_next_holder(const crm_record *r);

/*
 * The ids of the members who have left by `today`, comma-separated ("" when
 * none): what validation results depend on besides the files. Caller frees.
 */
char *crm_team_departed(const crm_config *c, crm_date today);

/*
 * Mark member `id` as gone on `day` in the crm.yaml document *doc: adds
 * `left: DAY` to their team entry (or changes an existing one), touching
 * only those bytes. CRM_ENOTFOUND when the team has no such id.
 */
int crm_team_mark_left(crm_doc **doc, const char *id, crm_date day);

#endif
