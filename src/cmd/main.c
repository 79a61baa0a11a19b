/*
 * main.c: the global options (-C, --lang, --help, --version), then the
 * command, found by name or unique prefix, then its --help or its exec.
 */
#include "cmd.h"
#include "crm/index.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CRM_VERSION
#define CRM_VERSION "0.1.0"
#endif

static const crm_cmd *const commands[] = {
	&cmd_init, &cmd_setup, &cmd_add, &cmd_show, &cmd_edit, &cmd_set, &cmd_tag, &cmd_untag,
	&cmd_contact, &cmd_follow, &cmd_stage, &cmd_list, &cmd_find, &cmd_agenda, &cmd_log,
	&cmd_handover, &cmd_report, &cmd_sql, &cmd_sync, &cmd_import, &cmd_export, &cmd_validate,
	&cmd_status, &cmd_commit, &cmd_merge_driver, NULL,
};

static void usage(FILE *f)
{
	fputs("usage: crm [-C DIR] [--lang zh|en] COMMAND [ARGS]\n\n"
	      "A customer book in plain YAML files and git.\n\ncommands:\n", f);
	for (const crm_cmd *const *c = commands; *c; c++)
		fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fputs("\nglobal options:\n"
	      "  -C DIR         run as if started in DIR\n"
	      "  --lang zh|en   language of labels (default: from LC_ALL, LC_MESSAGES, LANG)\n"
	      "  --version      print the version\n"
	      "  --help         this help; 'crm COMMAND --help' for a command\n", f);
}

static void command_help(const crm_cmd *c)
{
	printf("usage: crm %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->help && *c->help)
		printf("\n%s", c->help);
}

static const crm_cmd *find_command(const char *name)
{
	const crm_cmd *hit = NULL;
	int nhits = 0;
	size_t n = strlen(name);
	for (const crm_cmd *const *c = commands; *c; c++) {
		if (strcmp((*c)->name, name) == 0)
			return *c;
		if (strncmp((*c)->name, name, n) == 0)
			hit = *c, nhits++;
	}
	if (nhits == 1)
		return hit;
	if (nhits > 1) {
		crm_buf b = CRM_BUF_INIT;
		for (const crm_cmd *const *c = commands; *c; c++)
			if (strncmp((*c)->name, name, n) == 0)
				crm_buf_printf(&b, " %s", (*c)->name);
		cmd_error("ambiguous command '%s', could be:%s", name, crm_buf_cstr(&b));
		crm_buf_free(&b);
		return NULL;
	}
	cmd_error("unknown command '%s' (see 'crm --help')", name);
	return NULL;
}

static const char *lang_from_env(void)
{
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (int i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "zh", 2) == 0 ? "zh" : "en";
	}
	return "en";
}

static void index_progress(size_t done, size_t total)
{
	fprintf(stderr, "\rcrm: indexing the book: %zu of %zu records%s", done, total,
		done == total ? "\n" : "");
}

int main(int argc, char **argv)
{
	crm_ctx ctx = {0};
	int i = 1;
	signal(SIGPIPE, SIG_IGN);
	ctx.argv0 = argv[0];
	ctx.lang = lang_from_env();
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-C") || !strcmp(a, "--lang")) {
			if (i + 1 >= argc) {
				cmd_error("option '%s' needs a value", a);
				return 2;
			}
			if (a[1] == 'C')
				ctx.dir = argv[++i];
			else
				ctx.lang = argv[++i];
		} else if (!strncmp(a, "-C", 2)) {
			ctx.dir = a + 2;
		} else if (!strncmp(a, "--lang=", 7)) {
			ctx.lang = a + 7;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("crm %s\n", CRM_VERSION);
			return 0;
		} else {
			cmd_error("unknown option '%s' (see 'crm --help')", a);
			return 2;
		}
	}
	if (strcmp(ctx.lang, "zh") && strcmp(ctx.lang, "en")) {
		cmd_error("--lang takes zh or en, not '%s'", ctx.lang);
		return 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	const crm_cmd *cmd = find_command(argv[i]);
	if (!cmd)
		return 2;
	int cargc = argc - i;
	char **cargv = argv + i;
	for (int k = 1; k < cargc && strcmp(cargv[k], "--"); k++)
		if (!strcmp(cargv[k], "--help") || !strcmp(cargv[k], "-h")) {
			command_help(cmd);
			return 0;
		}
	if (crm_date_today(&ctx.today) != 0) {
		cmd_error("%s", crm_error_last());
		return 2;
	}
	ctx.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	/* a first build of the index that takes long says so, on a terminal */
	if (isatty(STDERR_FILENO))
		crm_index_set_progress(index_progress);
	optind = 0;
	int rc = cmd->exec(&ctx, cargc, cargv);
	size_t nw;
	const char *const *w = crm_warnings(&nw);
	for (size_t k = 0; k < nw; k++)
		cmd_warn("%s", w[k]);
	crm_warnings_clear();
	if (fflush(stdout) != 0 && rc == 0)
		rc = cmd_error("cannot write the output");
	return rc;
}
