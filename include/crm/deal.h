#ifndef CRM_DEAL_H
#define CRM_DEAL_H
/*
 * The working day of a deal, as edits of one record (SPEC §3, §5): log a
 * follow-up with its next action, and move the deal to another stage.
 * Both change the record's document in place through edit.h, so that a
 * follow-up only adds lines at the end of `followups` and a stage move
 * changes just the `stage:` line and adds to `stage_history`. Neither
 * writes a file or commits: the caller runs them inside a transaction
 * (txn.h), whose commit validates the result.
 */
#include <stdbool.h>

#include "crm/config.h"
#include "crm/date.h"
#include "crm/record.h"

struct crm_schema;

/* What `crm follow` was told; the values as typed (codes or labels). */
typedef struct {
	crm_date date;              /* when it happened; after today is refused */
	const char *via;            /* required: a code or a label (电话沟通) */
	const char *by;             /* required: a team id (the caller puts "me") */
	const char *summary;        /* required, not empty */
	const char *feedback;       /* NULL: no feedback key */
	const char *result;         /* NULL: no result key */
	const char *priority;       /* NULL: medium */
	const char *next_action;    /* NULL: '' */
	const crm_date *next_date;  /* NULL: date + the priority's days in crm.yaml */
	const char *next_by;        /* NULL: the customer's owner */
} crm_follow_args;

/*
 * Build the follow-up that `a` describes for record r, as a new block map
 * with the keys in SPEC order (date, via, by, summary, feedback, result,
 * priority, next: {date, action, by} in flow style). Enum values are
 * turned into codes; `by` and `next_by` must be in c's team. Refuses with
 * CRM_EFAIL a date after `today` (with a hint), with CRM_EINVALID a value
 * the schema or the team does not know (with a suggestion when one is
 * near). The caller frees *out with crm_node_free.
 */
int crm_followup_build(crm_node **out, const crm_record *r, const crm_config *c,
		       const struct crm_schema *s, const crm_follow_args *a, crm_date today);

/*
 * Append the follow-up of `a` as the last item of r's `followups` (the list
 * is created when absent); only lines are added. Errors as
 * crm_followup_build; r is unchanged on failure.
 */
int crm_deal_follow(crm_record *r, const crm_config *c, const struct crm_schema *s,
		    const crm_follow_args *a, crm_date today);

/* Whether the deal is closed: its stage is won or lost (no open next action). */
bool crm_deal_closed(const crm_record *r);

/* What `crm stage` was told. */
typedef struct {
	const char *stage;              /* required: a code or a label (谈判中) */
	crm_date date;                  /* of the move; after today is refused */
	const char *reason;             /* lost_reason; lost needs one (given or present) */
	const char *amount;             /* deal.amount as typed; won needs one (given or present) */
	const crm_date *signed_on;      /* deal.signed; NULL: kept, or the stage date */
	const crm_date *contract_end;   /* deal.contract_end; NULL: kept */
} crm_stage_args;

/*
 * Move record r to the stage of `a`: the `stage:` line changes and
 * `{stage: S, date: D}` is appended to `stage_history`; for lost,
 * lost_reason is written; for won, deal gets amount, signed and
 * contract_end (other keys of an existing deal stay). *from (may be NULL)
 * receives a copy of the stage before ("" when the record had none), which
 * the caller frees (NULL after a failure); *to (may be NULL) the new
 * stage's code, borrowed from the schema.
 * Returns 0 when moved, 1 when r is already in that stage (nothing
 * changed), CRM_EINVALID for an unknown stage (with a suggestion),
 * CRM_EUSAGE for an amount that is not a number, CRM_EFAIL when lost has
 * no reason, won no amount, or the date is after today. r is unchanged on
 * failure.
 */
int crm_deal_stage(crm_record *r, const struct crm_schema *s, const crm_stage_args *a,
		   crm_date today, char **from, const char **to);

#endif
