/* The customer filters shared by list and export. */
#include "filter.h"

#include <stdlib.h>
#include <string.h>

#include "crm/schema.h"
#include "crm/utf8.h"

void cmd_filter_init(cmd_filter *cf, crm_ctx *ctx, int argc)
{
	memset(cf, 0, sizeof *cf);
	cf->tags = crm_xcalloc((size_t)argc + 1, sizeof *cf->tags);
	cf->f.tags = cf->tags;
	cf->f.today = ctx->today;
}

void cmd_filter_free(cmd_filter *cf)
{
	if (cf)
		free(cf->tags);
}

int cmd_filter_option(const crm_cmd *cmd, crm_ctx *ctx, cmd_filter *cf, int c, const char *arg)
{
	switch (c) {
	case CMD_F_STAGE: cf->stage = arg; return 0;
	case CMD_F_TAG: cf->tags[cf->f.ntags++] = arg; return 0;
	case CMD_F_OWNER: cf->f.owner = arg; return 0;
	case CMD_F_SOURCE: cf->source = arg; return 0;
	case CMD_F_KIND: cf->kind = arg; return 0;
	case CMD_F_INDUSTRY: cf->f.industry = arg; return 0;
	case CMD_F_PRIORITY: cf->priority = arg; return 0;
	case CMD_F_DUE_BEFORE: {
		int rc = cmd_parse_date(ctx, arg, &cf->f.due_before, "--due-before");
		if (rc)
			return rc;
		cf->f.due_before_set = true;
		return 0;
	}
	case CMD_F_OVERDUE: cf->f.overdue = true; return 0;
	default: return -1;
	}
}

/* A team id for --owner, or exit 1 with a suggestion. */
static int check_owner(const crm_book *b, const char *id)
{
	if (crm_config_member(b->config, id))
		return 0;
	const crm_config *c = b->config;
	const char **ids = crm_xcalloc(c->nteam + 1, sizeof *ids);
	for (size_t i = 0; i < c->nteam; i++)
		ids[i] = c->team[i].id;
	const char *near = crm_suggest(id, ids, c->nteam);
	char *team = crm_config_team_list(c);
	if (near)
		cmd_error("--owner: '%s' is not in the team (did you mean '%s'?)", id, near);
	else
		cmd_error("--owner: '%s' is not in the team (team: %s)", id, team);
	free(team);
	free(ids);
	return 1;
}

int cmd_filter_resolve(cmd_filter *cf, crm_book *b)
{
	const crm_schema *s = NULL;
	crm_diags d = {0};
	int e = crm_book_schema(b, &s, &d);
	if (!e && cf->stage)
		e = crm_enum_code(s, "stage", cf->stage, "--stage", &cf->f.stage);
	if (!e && cf->source)
		e = crm_enum_code(s, "source", cf->source, "--source", &cf->f.source);
	if (!e && cf->kind)
		e = crm_enum_code(s, "kind", cf->kind, "--kind", &cf->f.kind);
	if (!e && cf->priority)
		e = crm_enum_code(s, "followups[].priority", cf->priority, "--priority", &cf->f.priority);
	if (e) {
		cmd_print_diags(&d);
		crm_diags_free(&d);
		return cmd_fail(e);
	}
	crm_diags_free(&d);
	if (cf->f.owner)
		return check_owner(b, cf->f.owner);
	return 0;
}
