#ifndef CRM_CMD_FILTER_H
#define CRM_CMD_FILTER_H
/*
 * The customer filters of `crm list`, shared with `crm export` so that
 * both read the same options the same way: --stage --tag --owner --source
 * --kind --industry --priority --due-before --overdue.
 */
#include "cmd.h"
#include "crm/query.h"

enum {
	CMD_F_STAGE = 0x100, CMD_F_TAG, CMD_F_OWNER, CMD_F_SOURCE, CMD_F_KIND,
	CMD_F_INDUSTRY, CMD_F_PRIORITY, CMD_F_DUE_BEFORE, CMD_F_OVERDUE,
};

/* The long options, to put at the start of a command's option table. */
#define CMD_FILTER_OPTIONS                                                              \
	{"stage", required_argument, NULL, CMD_F_STAGE},                                \
	{"tag", required_argument, NULL, CMD_F_TAG},                                    \
	{"owner", required_argument, NULL, CMD_F_OWNER},                                \
	{"source", required_argument, NULL, CMD_F_SOURCE},                              \
	{"kind", required_argument, NULL, CMD_F_KIND},                                  \
	{"industry", required_argument, NULL, CMD_F_INDUSTRY},                          \
	{"priority", required_argument, NULL, CMD_F_PRIORITY},                          \
	{"due-before", required_argument, NULL, CMD_F_DUE_BEFORE},                      \
	{"overdue", no_argument, NULL, CMD_F_OVERDUE}

/* The help lines of those options. */
#define CMD_FILTER_HELP                                                                  \
	"  --stage S        in this stage (a code or a label: 谈判中)\n"                     \
	"  --tag T          with this tag (repeat: all of them)\n"                           \
	"  --owner U        owned by this team member\n"                                     \
	"  --source S       from this source\n"                                              \
	"  --kind K         company or person\n"                                             \
	"  --industry I     company.industry is I (ASCII case ignored)\n"                    \
	"  --priority P     the open next action was set with priority P\n"                  \
	"  --due-before D   the open next action is due strictly before D\n"                 \
	"  --overdue        the open next action is due before today (due today is not overdue)\n"

typedef struct {
	crm_filter f;               /* what crm_filter_match reads */
	const char **tags;          /* owned array, borrowed strings */
	const char *stage, *source, *kind, *priority; /* as typed, codes or labels */
} cmd_filter;

/* Ready for up to argc --tag options. */
void cmd_filter_init(cmd_filter *cf, crm_ctx *ctx, int argc);
void cmd_filter_free(cmd_filter *cf);

/*
 * Take option c (from getopt) with its argument when it is a filter
 * option: returns 0 when taken, -1 when c is not a filter option, or the
 * exit code (2) after printing the error.
 */
int cmd_filter_option(const crm_cmd *cmd, crm_ctx *ctx, cmd_filter *cf, int c, const char *arg);

/*
 * Turn labels into codes with the book's schema and check --owner against
 * the team; prints the error and returns the exit code when one is wrong.
 */
int cmd_filter_resolve(cmd_filter *cf, crm_book *b);

#endif
