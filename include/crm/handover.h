#ifndef CRM_HANDOVER_H
#define CRM_HANDOVER_H
/*
 * Handover (SPEC §5 `crm handover`): moving a rep's customers to a colleague
 * as edits of the records, and the brief that the new owner works from on
 * the first day. This module knows records, the schema's labels and the
 * agenda; it knows nothing of git or locks: the command runs the edits in a
 * transaction (txn.h) and writes the brief where it is asked to.
 */
#include <stddef.h>

#include "crm/buf.h"
#include "crm/config.h"
#include "crm/date.h"
#include "crm/record.h"

struct crm_schema;

/* What crm_handover_record changed. */
enum {
	CRM_HANDOVER_OWNER = 1, /* owner: FROM became owner: TO */
	CRM_HANDOVER_NEXT = 2,  /* the open next action's next.by: FROM became TO */
};

/*
 * Give `to` what `from` holds in r: the owner line when r is owned by
 * `from`, and the `next.by` of the open next action (crm_record_next, so
 * never for a won or lost customer) when `from` holds it. Only those
 * scalars change, in place. *moved (may be NULL) receives the
 * CRM_HANDOVER_* flags, 0 when r had nothing of `from`. Returns 0 or the
 * error of the edit (r unchanged then).
 */
int crm_handover_record(crm_record *r, const char *from, const char *to, int *moved);

/* Whom the brief is for and in which language. */
typedef struct {
	const crm_config *config;         /* team names, reminders, currency; borrowed */
	const struct crm_schema *schema;  /* labels; borrowed */
	const char *lang;                 /* "zh" or "en" */
	crm_date today;
	const char *from, *to;            /* team ids */
	size_t nlatest;                   /* follow-ups shown per customer (5 when 0) */
} crm_brief_opts;

/*
 * Append the handover brief as Markdown to out: a title, a summary
 * (customers by stage, overdue next actions, key dates in the next 30 days,
 * the open pipeline by budget), then one section per customer of `recs`
 * (open ones first, later stages first, then won, then lost; by id within):
 * stage and days in it, needs, budget and deadline, decision chain,
 * contacts with phones, open next action, key dates ahead, and the latest
 * follow-ups. `others` (may be empty) are customers that stay with their
 * owners but whose open next action moved; they are listed at the end.
 * Records are only read.
 */
void crm_brief_write(crm_buf *out, const crm_brief_opts *o, crm_record *const *recs, size_t n,
		     crm_record *const *others, size_t nothers);

#endif
