/* crm setup --user ID: who I am in this clone, the hook and the merge driver. */
#include "cmd.h"
#include "setup.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/history.h"

/* The absolute path of this crm, for the hook and the merge driver. */
static const char *self_path(void)
{
	static char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	self[n > 0 ? n : 0] = '\0';
	return self;
}

/* The pre-commit hook: validate the records a plain `git commit` would take. */
static char *hook_script(void)
{
	const char *self = self_path();
	return crm_xasprintf(
		"#!/bin/sh\n"
		"# Installed by 'crm setup': refuse a commit whose staged records do not validate.\n"
		"crm=\"%s\"\n"
		"[ -x \"$crm\" ] || crm=crm\n"
		"exec \"$crm\" validate --staged --quiet\n",
		self);
}

int cmd_setup_clone(crm_book *b, crm_repo *repo, const char *user, bool strict)
{
	const crm_member *m = crm_config_member(b->config, user);
	if (!m) {
		char *team = crm_config_team_list(b->config);
		cmd_error("'%s' is not in the team of crm.yaml (team: %s); add them there first", user,
			  team);
		free(team);
		return 1;
	}
	/* a clone is still useful to someone who left (reading history), so warn, not refuse */
	crm_date today;
	const char *gone = crm_date_today(&today) == 0 ? crm_config_left_on(b->config, user, today) : NULL;
	if (gone)
		cmd_warn("'%s' left the team on %s: crm will give them no customer or next action "
			 "(see 'crm handover')", user, gone);
	int rc = crm_repo_config_set(repo, "crm.user", user);
	if (rc)
		return cmd_fail(rc);
	/* books made before init wrote .gitignore get the rule for this clone */
	if ((rc = crm_repo_add_exclude(repo, CMD_IGNORE_TEMPS)))
		return cmd_fail(rc);
	char *hook = hook_script();
	rc = crm_repo_install_hook(repo, "pre-commit", hook);
	free(hook);
	int hook_missing = 0;
	if (rc) {
		char *dir = NULL;
		int outside = 0;
		if (crm_repo_hooks_dir(repo, &dir, &outside) != 0 || !outside) {
			free(dir);
			return cmd_fail(rc);
		}
		fprintf(stderr, "crm: %s: %s; to have plain 'git commit' validate records, add this "
				"line to %s/pre-commit:\n    crm validate --staged --quiet || exit 1\n"
				"or install crm's hook with 'git config --unset core.hooksPath' and "
				"'crm setup --user %s'\n",
			strict ? "error" : "warning", crm_error_last(), dir, user);
		free(dir);
		hook_missing = strict;
	}
	/* git runs the driver through the shell; fall back to crm on PATH if this one moved */
	const char *self = strchr(self_path(), '\'') ? "crm" : self_path();
	char *driver = crm_xasprintf("crm='%s'; [ -x \"$crm\" ] || crm=crm; "
				     "\"$crm\" merge-driver --marker-size %%L %%O %%A %%B %%P",
				     self);
	rc = crm_repo_set_merge_driver(repo, "crm", "crm record merge", driver);
	free(driver);
	if (rc)
		return cmd_fail(rc);
	return hook_missing;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"user", required_argument, NULL, 'u'}, {0}};
	const char *user = NULL;
	int c;
	while ((c = cmd_getopt(&cmd_setup, argc, argv, "u:", opts)) != -1) {
		if (c == '?')
			return 2;
		if (c == 'u')
			user = optarg;
	}
	if (!user)
		return cmd_usage_error(&cmd_setup, "--user ID is required");
	if (optind < argc)
		return cmd_usage_error(&cmd_setup, "unexpected argument '%s'", argv[optind]);
	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	crm_repo *repo;
	rc = crm_repo_open(&repo, b->root);
	if (rc) {
		crm_book_free(b);
		return cmd_fail(rc);
	}
	rc = cmd_setup_clone(b, repo, user, true);
	char *hooks = NULL;
	int outside;
	if (!rc && crm_repo_hooks_dir(repo, &hooks, &outside) == 0) {
		const crm_member *m = crm_config_member(b->config, user);
		cmd_out("this clone acts as %s (%s); the pre-commit hook in %s/pre-commit validates "
			"records, and git merges records with 'crm merge-driver'", m->id, m->name, hooks);
	}
	free(hooks);
	crm_repo_free(repo);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_setup = {
	"setup", "--user ID", "set who I am in this clone; install the pre-commit hook and the merge driver",
	"  --user ID   my id in the team of crm.yaml (kept in .git/config, never committed)\n",
	run,
};
