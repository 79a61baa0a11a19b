/* crm set WHO PATH=VALUE...: set, append (+=), remove (-=) or unset (PATH=) fields. */
#include "cmd.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "crm/assign.h"
#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/team.h"
#include "crm/txn.h"
#include "crm/value.h"

/* Remove every item of the list at path equal to `val`; CRM_ENOTFOUND when none. */
static int remove_items(crm_record *r, const char *path, const crm_node *val)
{
	int removed = 0;
	for (;;) {
		const crm_node *seq = crm_node_at(r->doc->root, path);
		if (!seq || seq->kind != CRM_NODE_SEQ)
			break;
		long at = -1;
		for (size_t i = 0; i < seq->n && at < 0; i++)
			if (crm_node_equal(seq->items[i], val) ||
			    (seq->items[i]->kind == CRM_NODE_SCALAR && val->kind == CRM_NODE_SCALAR &&
			     !strcmp(seq->items[i]->value, val->value)))
				at = (long)i;
		if (at < 0)
			break;
		char *ip = crm_xasprintf("%s[%ld]", path, at);
		int rc = crm_edit_unset(&r->doc, ip);
		free(ip);
		if (rc)
			return rc;
		removed++;
	}
	return removed ? 0 : crm_error_set(CRM_ENOTFOUND, "%s has no item '%s'", path, val->value ? val->value : "");
}

/*
 * The lists that hold a customer's history. crm only ever appends to them:
 * unsetting, replacing or removing from them loses history in one command.
 * Returns the list's name when `path` is one of them or an item of one.
 */
static const char *history_list(const char *path)
{
	static const char *const lists[] = {"followups", "stage_history", NULL};
	for (const char *const *l = lists; *l; l++) {
		size_t n = strlen(*l);
		if (!strncmp(path, *l, n) && (path[n] == '\0' || path[n] == '['))
			return *l;
	}
	return NULL;
}

/* Whether `path` names the list itself or a whole item of it ("followups[2]"). */
static bool whole_entry(const char *path, const char *list)
{
	const char *p = path + strlen(list);
	if (!*p)
		return true;
	const char *close = strchr(p, ']');
	return close && !close[1];
}

int cmd_apply_assignment(crm_ctx *ctx, const crm_schema *s, crm_record *r, const char *arg)
{
	crm_assign a;
	int rc = crm_assign_parse(&a, arg);
	if (rc)
		return rc;
	const char *path = a.path, *text = a.value;
	if (!strcmp(path, "id")) {
		rc = crm_error_set(CRM_EFAIL, "the id is the file name and cannot be set; add a new customer instead");
		goto done;
	}
	const char *hist = history_list(path);
	if (hist && (a.op == CRM_ASSIGN_REMOVE || a.op == CRM_ASSIGN_UNSET ||
		     (a.op == CRM_ASSIGN_SET && whole_entry(path, hist)))) {
		rc = crm_error_set(CRM_EFAIL, "%s is the customer's history, which crm never removes "
					      "or replaces (it grows with 'crm %s'); edit the file "
					      "with 'crm edit %s' if that is really meant",
				   hist, hist[0] == 'f' ? "follow" : "stage", r->id);
		goto done;
	}
	if (a.op == CRM_ASSIGN_UNSET) {
		rc = crm_edit_unset(&r->doc, path);
		if (rc == CRM_ENOTFOUND)
			rc = 0, crm_error_clear();
		goto done;
	}
	crm_node *val = NULL;
	if (a.op == CRM_ASSIGN_SET) {
		rc = crm_value_parse(&val, s, path, text, ctx->today);
		if (!rc)
			rc = crm_edit_set(&r->doc, path, val, crm_record_order);
	} else {
		char *item = crm_xasprintf("%s[0]", path);
		rc = crm_value_parse(&val, s, item, text, ctx->today);
		free(item);
		if (!rc && a.op == CRM_ASSIGN_APPEND)
			rc = crm_edit_append(&r->doc, path, val, crm_record_order);
		else if (!rc)
			rc = remove_items(r, path, val);
	}
	crm_node_free(val);
done:
	crm_assign_clear(&a);
	return rc;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{0}};
	int c;
	while ((c = cmd_getopt(&cmd_set, argc, argv, "+", opts)) != -1)
		if (c == '?')
			return 2;
	if (argc - optind < 2)
		return cmd_usage_error(&cmd_set, "name a customer and at least one PATH=VALUE");
	const char *who = argv[optind];
	/* every assignment is checked before the book is opened: a bad one changes nothing */
	for (int i = optind + 1; i < argc; i++) {
		crm_assign a;
		if (crm_assign_parse(&a, argv[i]))
			return cmd_usage_error(&cmd_set, "%s", crm_error_last());
		crm_assign_clear(&a);
	}
	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	crm_txn *t = NULL;
	crm_record *r;
	const crm_schema *s;
	crm_diags sd = {0};
	int e = crm_book_schema(b, &s, &sd);
	if (!e)
		e = crm_txn_begin(&t, b, "set");
	if (!e)
		e = crm_txn_open(t, who, &r);
	if (e) {
		cmd_print_diags(&sd);
		if (t)
			cmd_print_diags(&t->diags);
		rc = cmd_fail(e);
		goto done;
	}
	crm_buf msg = CRM_BUF_INIT;
	crm_buf_printf(&msg, "set %s:", r->id);
	/* who had the customer and its next action before, to refuse giving them to someone gone */
	const char *o = crm_record_str(r, "owner"), *h = crm_team_next_holder(r);
	char *old_owner = o ? crm_xstrdup(o) : NULL, *old_holder = h ? crm_xstrdup(h) : NULL;
	for (int i = optind + 1; i < argc && !e; i++) {
		e = cmd_apply_assignment(ctx, s, r, argv[i]);
		crm_buf_printf(&msg, " %s", argv[i]);
	}
	if (!e)
		e = crm_team_refuse_new_work(b->config, r, old_owner, old_holder, ctx->today);
	free(old_owner);
	free(old_holder);
	if (!e) {
		e = crm_txn_commit(t, NULL, msg.ptr);
		if (e == 1) {
			cmd_note("%s: nothing changed", r->id);
			e = 0;
		}
	}
	if (e) {
		cmd_print_diags(&t->diags);
		rc = cmd_fail(e);
	}
	crm_buf_free(&msg);
done:
	crm_diags_free(&sd);
	crm_txn_free(t);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_set = {
	"set", "WHO PATH=VALUE...",
	"change fields: set (a.b=v), append (tags+=v), remove (tags-=v), unset (a.b=)",
	"  WHO           an id, a unique id prefix, or a unique part of the name\n"
	"  PATH=VALUE    set a field; paths use dots and list indexes: needs.budget.max,\n"
	"                contacts[0].phone (an index past the end is an error: use +=)\n"
	"  PATH+=VALUE   append to a list\n"
	"  PATH-=VALUE   remove an item from a list\n"
	"  PATH=         remove the field\n",
	run,
};
