/* crm init [DIR]: a new book with its settings, schema, git repository and first commit. */
#include "cmd.h"
#include "setup.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crm/buf.h"
#include "crm/emit.h"
#include "crm/history.h"
#include "crm/ident.h"

extern const unsigned char crm_default_schema[];
extern const unsigned long crm_default_schema_len;

/* A team id from an email's local part or a name: lowercase letters, digits, '-'. */
static char *id_from(const char *s)
{
	crm_buf b = CRM_BUF_INIT;
	for (; s && *s && *s != '@'; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c))
			crm_buf_putc(&b, (char)tolower(c));
		else if ((c == '.' || c == '-' || c == '_' || c == ' ') && b.len)
			crm_buf_putc(&b, '-');
	}
	if (!b.len)
		crm_buf_puts(&b, "me");
	return crm_buf_detach(&b);
}

static char *settings(const char *id, const char *name, const char *email)
{
	crm_buf b = CRM_BUF_INIT;
	crm_buf_puts(&b, "# crm book settings (see 'man crm'). The team is who may own and follow up customers.\n"
			 "book: My customers\n"
			 "id_format: \"{yyyy}{mm}{seq:3}\"\n"
			 "team:\n  - id: ");
	crm_yaml_write_str(&b, id, false);
	crm_buf_puts(&b, "\n    name: ");
	crm_yaml_write_str(&b, name, false);
	crm_buf_puts(&b, "\n    email: ");
	crm_yaml_write_str(&b, email, false);
	crm_buf_puts(&b, "\npriorities: {high: 3, medium: 7, low: 14}   # days until the next follow-up\n"
			 "reminders: {birthday: 7, dates: 7, contract_end: 30, stale: 30}\n"
			 "currency: CNY\n");
	return crm_buf_detach(&b);
}

static int write_file(const char *root, const char *rel, const char *data, size_t len)
{
	char *p = crm_xasprintf("%s/%s", root, rel);
	int rc = crm_write_atomic(p, data, len);
	free(p);
	return rc;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{0}};
	int c;
	while ((c = cmd_getopt(&cmd_init, argc, argv, "", opts)) != -1)
		if (c == '?')
			return 2;
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_init, "unexpected argument '%s'", argv[optind + 1]);
	const char *base = ctx->dir ? ctx->dir : ".";
	char *dir = optind < argc ? (argv[optind][0] == '/' || !ctx->dir
					     ? crm_xstrdup(argv[optind])
					     : crm_xasprintf("%s/%s", base, argv[optind]))
				  : crm_xstrdup(base);
	char *cfg = crm_xasprintf("%s/crm.yaml", dir);
	struct stat st;
	int rc = 0;
	if (stat(cfg, &st) == 0) {
		rc = cmd_error("%s is a crm book already (it has crm.yaml); nothing changed", dir);
		goto out;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		rc = cmd_error("cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	crm_repo *repo = NULL;
	char *gitdir = crm_xasprintf("%s/.git", dir);
	bool has_git = stat(gitdir, &st) == 0;
	free(gitdir);
	int e = has_git ? crm_repo_open(&repo, dir) : crm_repo_init(&repo, dir);
	if (e) {
		rc = cmd_fail(e);
		goto out;
	}
	char *name = NULL, *email = NULL;
	crm_repo_identity(repo, &name, &email);
	/* git's identity seeds the team: never copy one that crm.yaml would refuse */
	if (name && crm_ident_name_problem(name)) {
		free(name);
		name = NULL;
	}
	if (email && crm_ident_email_problem(email)) {
		free(email);
		email = NULL;
	}
	const char *user = getenv("USER");
	char *id = id_from(email && *email ? email : name ? name : user);
	char *text = settings(id, name ? name : id, email ? email : "");
	const char *attrs = "# records merge field by field with 'crm merge-driver' (set up by 'crm setup')\n"
			    "customers/**/*.yaml merge=crm\n";
	e = write_file(dir, "crm.yaml", text, strlen(text));
	if (!e)
		e = write_file(dir, "schema/customer.schema.yaml", (const char *)crm_default_schema,
			       crm_default_schema_len);
	if (!e)
		e = write_file(dir, ".gitattributes", attrs, strlen(attrs));
	if (!e)
		e = write_file(dir, ".gitignore", CMD_IGNORE_TEMPS, strlen(CMD_IGNORE_TEMPS));
	if (!e)
		e = write_file(dir, "customers/.gitkeep", "", 0);
	free(text);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	static const char *const paths[] = {"crm.yaml", "schema/customer.schema.yaml",
					    ".gitattributes", ".gitignore", "customers/.gitkeep"};
	e = crm_repo_commit(repo, paths, 5, name ? name : id, email && *email ? email : "crm@localhost",
			    "init: new crm book", NULL);
	if (e < 0) {
		rc = cmd_fail(e);
		goto done;
	}
	crm_book *b;
	if (crm_book_open(&b, dir, NULL) == 0) {
		rc = cmd_setup_clone(b, repo, id, false);
		crm_book_free(b);
	}
	if (!rc)
		cmd_out("new book in %s; you are '%s' in its team (edit crm.yaml to add people)", dir, id);
done:
	free(id);
	free(name);
	free(email);
	crm_repo_free(repo);
out:
	free(cfg);
	free(dir);
	return rc;
}

const crm_cmd cmd_init = {
	"init", "[DIR]", "make a new book: crm.yaml, schema, customers/, git repository, first commit",
	"  DIR   the folder (default: the current one); created when missing\n",
	run,
};
