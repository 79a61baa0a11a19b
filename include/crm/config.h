#ifndef CRM_CONFIG_H
#define CRM_CONFIG_H
/*
 * crm.yaml: the book's settings and its team (SPEC §2). Read once per
 * command; every problem in the file is reported with line and column.
 */
#include <stddef.h>

#include "crm/date.h"
#include "crm/error.h"

/* One member of the team: who may own and follow up customers. */
typedef struct {
	char *id;
	char *name;
	char *email;
	char *left;  /* YYYY-MM-DD: the day they left the team (SPEC §2), or NULL */
} crm_member;

/* A named number of days (a priority's follow-up interval). */
typedef struct {
	char *name;
	int days;
} crm_days;

typedef struct {
	char *book;          /* free text, may be "" */
	char *id_format;     /* "{yyyy}{mm}{seq:3}" by default */
	crm_member *team;
	size_t nteam;
	crm_days *priorities; /* high 3, medium 7, low 14 unless the book says */
	size_t npriorities;
	int rem_birthday, rem_dates, rem_contract_end, rem_stale;
	char *currency;
} crm_config;

/*
 * Read crm.yaml at `path` into *out. Problems go to diags (may be NULL) with
 * line and column; returns 0, or CRM_EINVALID / CRM_ENOTFOUND / CRM_EIO with a
 * message. Missing optional settings take their defaults. Caller frees *out
 * with crm_config_free.
 */
int crm_config_load(crm_config **out, const char *path, crm_diags *diags);
void crm_config_free(crm_config *c);

/* The member with this id, or NULL. Borrowed. */
const crm_member *crm_config_member(const crm_config *c, const char *id);
/* The member whose email (case-insensitive) or name matches, or NULL. */
const crm_member *crm_config_member_by_identity(const crm_config *c, const char *name,
						const char *email);
/*
 * When member `id` has left the team on or before `on`: their `left` date
 * (borrowed, YYYY-MM-DD); else NULL (still in the team that day, or not a
 * member at all). History may name them; new work may not (SPEC §2).
 */
const char *crm_config_left_on(const crm_config *c, const char *id, crm_date on);

/* Days until the next follow-up for a priority, or -1 when unknown. */
int crm_config_priority_days(const crm_config *c, const char *priority);
/* "ming, li, sarah": the team ids for hints. Caller frees. */
char *crm_config_team_list(const crm_config *c);

/* The text of a new book's crm.yaml. */
const char *crm_config_template(void);

#endif
