#ifndef CRM_VALUE_H
#define CRM_VALUE_H
/*
 * Values typed on a command line (`set needs.budget.max=200000`,
 * `--via 电话沟通`, `--set first_contact.date=+3d`) turned into nodes of the
 * type the schema gives the field: numbers and dates written plain, enum
 * labels turned into their codes, everything else a string.
 */
#include "crm/date.h"
#include "crm/doc.h"

struct crm_schema;

/*
 * Make *out (caller frees with crm_node_free) from `text` for the field at
 * `path`. Numbers must parse and dates must be real calendar dates
 * (YYYY-MM-DD, today, tomorrow, +3d, +2w, counted from `today`): otherwise
 * CRM_EUSAGE with a message. An enum field takes its code or a label (any
 * language). A list field takes one item, or several separated by commas.
 */
int crm_value_parse(crm_node **out, const struct crm_schema *s, const char *path,
		    const char *text, crm_date today);

#endif
