/* crm tag WHO TAG... / crm untag WHO TAG...: add or remove tags. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/txn.h"

static bool has_tag(const crm_record *r, const char *tag, long *at)
{
	const crm_node *tags = crm_node_get(r->doc->root, "tags");
	for (size_t i = 0; tags && tags->kind == CRM_NODE_SEQ && i < tags->n; i++)
		if (tags->items[i]->kind == CRM_NODE_SCALAR && !strcmp(tags->items[i]->value, tag)) {
			if (at)
				*at = (long)i;
			return true;
		}
	return false;
}

static int tag_run(const crm_cmd *cmd, bool add, crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{0}};
	int c;
	/* no "+": a tag that starts with - is an option unless it comes after -- (SPEC) */
	while ((c = cmd_getopt(cmd, argc, argv, "", opts)) != -1)
		if (c == '?')
			return 2;
	if (argc - optind < 2)
		return cmd_usage_error(cmd, "name a customer and at least one tag");
	const char *who = argv[optind];
	for (int i = optind + 1; i < argc; i++)
		if (!*argv[i])
			return cmd_usage_error(cmd, "a tag cannot be empty");
	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	crm_txn *t = NULL;
	crm_record *r;
	int e = crm_txn_begin(&t, b, cmd->name);
	if (!e)
		e = crm_txn_open(t, who, &r);
	if (e) {
		if (t)
			cmd_print_diags(&t->diags);
		rc = cmd_fail(e);
		goto done;
	}
	crm_buf msg = CRM_BUF_INIT;
	crm_buf_printf(&msg, "%s %s:", cmd->name, r->id);
	int changed = 0;
	for (int i = optind + 1; i < argc && !e; i++) {
		long at;
		if (add && !has_tag(r, argv[i], NULL)) {
			crm_node *v = crm_node_new_str(argv[i]);
			e = crm_edit_append(&r->doc, "tags", v, crm_record_order);
			crm_node_free(v);
		} else if (!add && has_tag(r, argv[i], &at)) {
			char *p = crm_xasprintf("tags[%ld]", at);
			e = crm_edit_unset(&r->doc, p);
			free(p);
		} else {
			cmd_note("%s %s tag '%s'", r->id, add ? "already has" : "has no", argv[i]);
			continue;
		}
		crm_buf_printf(&msg, "%s %s", changed++ ? "," : "", argv[i]);
	}
	if (!e && changed)
		e = crm_txn_commit(t, NULL, msg.ptr);
	if (e < 0) {
		cmd_print_diags(&t->diags);
		rc = cmd_fail(e);
	}
	crm_buf_free(&msg);
done:
	crm_txn_free(t);
	crm_book_free(b);
	return rc;
}

static int run_tag(crm_ctx *ctx, int argc, char **argv);
static int run_untag(crm_ctx *ctx, int argc, char **argv);

const crm_cmd cmd_tag = {
	"tag", "WHO TAG...", "add tags to a customer (a tag that starts with '-' goes after --)",
	"  WHO   an id, a unique id prefix, or a unique part of the name\n", run_tag,
};
const crm_cmd cmd_untag = {
	"untag", "WHO TAG...", "remove tags from a customer",
	"  WHO   an id, a unique id prefix, or a unique part of the name\n", run_untag,
};

static int run_tag(crm_ctx *ctx, int argc, char **argv)
{
	return tag_run(&cmd_tag, true, ctx, argc, argv);
}

static int run_untag(crm_ctx *ctx, int argc, char **argv)
{
	return tag_run(&cmd_untag, false, ctx, argc, argv);
}
