/* crm add NAME --kind K --source S [--owner U] [--id ID] [--set PATH=VALUE]...: a new record. */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/history.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/team.h"
#include "crm/txn.h"
#include "crm/value.h"

/* Warn when another record has the same name, phone or email. */
static void warn_duplicates(crm_txn *t, const crm_record *r)
{
	const char *name = crm_record_str(r, "name");
	for (size_t i = 0; i < t->nentries; i++) {
		crm_record *o;
		if (t->entries[i].symlink || crm_record_load(&o, t->book, &t->entries[i], NULL))
			continue;
		const char *on = crm_record_str(o, "name");
		const char *why = NULL;
		if (name && on && strcasecmp(name, on) == 0)
			why = "the same name";
		const crm_node *mine = crm_node_get(r->doc->root, "contacts");
		const crm_node *theirs = crm_node_get(o->doc->root, "contacts");
		for (size_t a = 0; !why && mine && a < mine->n; a++)
			for (size_t b = 0; !why && theirs && b < theirs->n; b++) {
				const char *p1 = crm_node_str(mine->items[a], "phone");
				const char *p2 = crm_node_str(theirs->items[b], "phone");
				const char *e1 = crm_node_str(mine->items[a], "email");
				const char *e2 = crm_node_str(theirs->items[b], "email");
				if (p1 && p2 && *p1 && !strcmp(p1, p2))
					why = "the same phone";
				else if (e1 && e2 && *e1 && !strcasecmp(e1, e2))
					why = "the same email";
			}
		if (why)
			cmd_warn("%s (%s) may be the same customer as %s %s: %s", r->id, name ? name : "",
				 o->id, on ? on : "", why);
		crm_record_free(o);
	}
	crm_error_clear();
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"kind", required_argument, NULL, 'k'},  {"source", required_argument, NULL, 's'},
		{"owner", required_argument, NULL, 'o'}, {"id", required_argument, NULL, 'i'},
		{"set", required_argument, NULL, 'S'},   {0},
	};
	const char *kind = NULL, *source = NULL, *owner = NULL, *id = NULL;
	const char **sets = crm_xcalloc((size_t)argc + 1, sizeof *sets);
	size_t nsets = 0;
	int c, rc = 0;
	while ((c = cmd_getopt(&cmd_add, argc, argv, "k:s:o:i:S:", opts)) != -1) {
		switch (c) {
		case 'k': kind = optarg; break;
		case 's': source = optarg; break;
		case 'o': owner = optarg; break;
		case 'i': id = optarg; break;
		case 'S': sets[nsets++] = optarg; break;
		default: free(sets); return 2;
		}
	}
	if (optind >= argc) {
		free(sets);
		return cmd_usage_error(&cmd_add, "the customer's NAME is required");
	}
	if (argc - optind > 1) {
		free(sets);
		return cmd_usage_error(&cmd_add, "one NAME only (quote a name with spaces): unexpected '%s'",
				       argv[optind + 1]);
	}
	const char *name = argv[optind];
	if (!kind || !source) {
		free(sets);
		return cmd_usage_error(&cmd_add, "--kind and --source are required");
	}
	for (size_t i = 0; i < nsets; i++)
		if (!strchr(sets[i], '=') || sets[i][0] == '=') {
			int rc2 = cmd_usage_error(&cmd_add, "--set takes PATH=VALUE, not '%s'", sets[i]);
			free(sets);
			return rc2;
		}
	if (id && !crm_id_valid(id)) {
		free(sets);
		return cmd_usage_error(&cmd_add, "'%s' is not a valid id (letters, digits, '-' and '_', "
						 "at most 64, no path characters)", id);
	}

	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b))) {
		free(sets);
		return rc;
	}
	crm_txn *t = NULL;
	crm_node *root = NULL;
	crm_record *r = NULL;
	const crm_schema *schema;
	const crm_member *me;
	int e;
	crm_diags sd = {0};
	if ((e = crm_book_schema(b, &schema, &sd))) {
		cmd_print_diags(&sd);
		rc = cmd_fail(e);
		goto done;
	}
	char *what = crm_xasprintf("add %s", name);
	e = crm_txn_begin(&t, b, what);
	free(what);
	if (e || (e = crm_txn_scan(t)) || (e = crm_whoami(&me, b, t->repo))) {
		rc = cmd_fail(e);
		goto done;
	}
	/* the first-contact date decides the id and the folder: read it from --set first */
	crm_date first = ctx->today;
	for (size_t i = 0; i < nsets; i++)
		if (!strncmp(sets[i], "first_contact.date=", 19) &&
		    (rc = cmd_parse_date(ctx, sets[i] + 19, &first, "first_contact.date")))
			goto done;
	char fc[CRM_DATE_STRLEN];
	crm_date_format(first, fc);
	char *newid = id ? crm_xstrdup(id) : crm_book_next_id(b, first, t->entries, t->nentries);
	const char *k = crm_schema_enum_from_label(schema, "kind", kind);
	const char *s = crm_schema_enum_from_label(schema, "source", source);

	root = crm_node_new_map(false);
	crm_node_map_put(root, "id", crm_node_new_str(newid));
	crm_node_map_put(root, "name", crm_node_new_str(name));
	crm_node_map_put(root, "kind", crm_node_new_str(k ? k : kind));
	crm_node_map_put(root, "source", crm_node_new_str(s ? s : source));
	crm_node_map_put(root, "owner", crm_node_new_str(owner ? owner : me->id));
	crm_node *fcn = crm_node_new_map(true);
	crm_node_map_put(fcn, "date", crm_node_new_raw(fc));
	crm_node_map_put(fcn, "by", crm_node_new_str(me->id));
	crm_node_map_put(root, "first_contact", fcn);
	crm_node_map_put(root, "stage", crm_node_new_str("initial"));
	crm_node *sh = crm_node_new_seq(false);
	crm_node *e0 = crm_node_new_map(true);
	crm_node_map_put(e0, "stage", crm_node_new_str("initial"));
	crm_node_map_put(e0, "date", crm_node_new_raw(fc));
	crm_node_seq_push(sh, e0);
	crm_node_map_put(root, "stage_history", sh);

	crm_buf text = CRM_BUF_INIT;
	crm_buf_puts(&text, "# yaml-language-server: $schema=../../../schema/customer.schema.yaml\n");
	crm_yaml_render_doc(&text, root);
	char *path = crm_book_new_path(first, newid);
	e = crm_record_new(&r, path, newid, text.ptr, text.len);
	free(path);
	free(newid);
	crm_buf_free(&text);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	for (size_t i = 0; i < nsets; i++) {
		if (!strncmp(sets[i], "first_contact.date=", 19))
			continue;
		const char *eq = strchr(sets[i], '=');
		if (!eq[1] && eq[-1] != '+' && eq[-1] != '-') {
			/* a new record has nothing to unset: PATH= is an empty string */
			char *p = crm_xstrndup(sets[i], (size_t)(eq - sets[i]));
			crm_node *val = crm_node_new_str("");
			e = crm_edit_set(&r->doc, p, val, crm_record_order);
			crm_node_free(val);
			free(p);
		} else {
			e = cmd_apply_assignment(ctx, schema, r, sets[i]);
		}
		if (e) {
			rc = cmd_fail(e);
			goto done;
		}
	}
	if ((e = crm_team_refuse_new_work(b->config, r, NULL, NULL, ctx->today))) {
		rc = cmd_fail(e);
		goto done;
	}
	warn_duplicates(t, r);
	char *msg = crm_xasprintf("add %s: %s", r->id, name);
	const char *newid_s = crm_xstrdup(r->id);
	crm_record *keep = r;
	r = NULL;
	e = crm_txn_add(t, keep);
	if (!e)
		e = crm_txn_commit(t, me, msg);
	free(msg);
	if (e < 0) {
		cmd_print_diags(&t->diags);
		rc = cmd_fail(e);
	} else {
		printf("%s\n", newid_s);
	}
	free((char *)newid_s);
done:
	crm_diags_free(&sd);
	crm_node_free(root);
	crm_record_free(r);
	crm_txn_free(t);
	crm_book_free(b);
	free(sets);
	return rc;
}

const crm_cmd cmd_add = {
	"add", "NAME --kind K --source S [--owner U] [--id ID] [--set PATH=VALUE]...",
	"add a customer; prints its id and warns of a likely duplicate",
	"  --kind K          company or person (a label such as 企业客户 works too)\n"
	"  --source S        online, referral, trade-show, cold-call or other\n"
	"  --owner U         a team id (default: me)\n"
	"  --id ID           the id (default: from id_format in crm.yaml)\n"
	"  --set PATH=VALUE  any other field, e.g. --set company.industry=智能制造\n"
	"                    (PATH+=VALUE appends to a list: --set tags+=高意向;\n"
	"                    PATH= writes an empty string)\n"
	"                    --set contacts[0].phone=13800000000 --set first_contact.date=2024-05-01\n",
	run,
};
