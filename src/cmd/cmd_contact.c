/*
 * crm contact WHO --name N [--title T] [--phone P] [--email E] [--birthday D]
 * [--role R]: add a contact, or update the contact of that name.
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/txn.h"
#include "crm/value.h"

/* The fields a contact has besides its name, in the order they are written. */
enum { F_TITLE, F_PHONE, F_EMAIL, F_BIRTHDAY, F_ROLE, NFIELDS };
static const char *const field_names[NFIELDS] = {"title", "phone", "email", "birthday", "role"};

/* Index of the first contact whose name is exactly `name`, or -1. */
static long find_contact(const crm_record *r, const char *name)
{
	const crm_node *cs = crm_node_get(r->doc->root, "contacts");
	for (size_t i = 0; cs && cs->kind == CRM_NODE_SEQ && i < cs->n; i++) {
		const char *n = crm_node_str(cs->items[i], "name");
		if (n && !strcmp(n, name))
			return (long)i;
	}
	return -1;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"name", required_argument, NULL, 'n'},  {"title", required_argument, NULL, 't'},
		{"phone", required_argument, NULL, 'p'}, {"email", required_argument, NULL, 'e'},
		{"birthday", required_argument, NULL, 'b'}, {"role", required_argument, NULL, 'r'},
		{0},
	};
	const char *name = NULL;
	const char *val[NFIELDS] = {0}; /* NULL: not given; "": remove the field */
	int c;
	while ((c = cmd_getopt(&cmd_contact, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 't': val[F_TITLE] = optarg; break;
		case 'p': val[F_PHONE] = optarg; break;
		case 'e': val[F_EMAIL] = optarg; break;
		case 'b': val[F_BIRTHDAY] = optarg; break;
		case 'r': val[F_ROLE] = optarg; break;
		default: return 2;
		}
	}
	if (optind >= argc)
		return cmd_usage_error(&cmd_contact, "name a customer (WHO)");
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_contact, "one customer only: unexpected '%s'", argv[optind + 1]);
	if (!name || !*name)
		return cmd_usage_error(&cmd_contact, "--name N is required (the contact to add or update)");
	const char *who = argv[optind];
	char birthday[CRM_DATE_STRLEN] = "";
	if (val[F_BIRTHDAY] && *val[F_BIRTHDAY]) {
		crm_date d;
		int e = cmd_parse_date(ctx, val[F_BIRTHDAY], &d, "--birthday");
		if (e)
			return e;
		crm_date_format(d, birthday);
	}

	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	crm_txn *t = NULL;
	crm_record *r;
	const crm_schema *s;
	crm_diags sd = {0};
	crm_node *nodes[NFIELDS] = {0}, *item = NULL;
	char *msg = NULL;
	int e = crm_book_schema(b, &s, &sd);
	if (!e)
		e = crm_txn_begin(&t, b, "contact");
	if (!e)
		e = crm_txn_open(t, who, &r);
	for (int f = 0; !e && f < NFIELDS; f++) {
		if (!val[f] || !*val[f])
			continue;
		if (f == F_BIRTHDAY) {
			nodes[f] = crm_node_new_raw(birthday);
		} else {
			char *path = crm_xasprintf("contacts[0].%s", field_names[f]);
			e = crm_value_parse(&nodes[f], s, path, val[f], ctx->today);
			free(path);
		}
	}
	if (e) {
		cmd_print_diags(&sd);
		if (t)
			cmd_print_diags(&t->diags);
		rc = cmd_fail(e);
		goto done;
	}
	long at = find_contact(r, name);
	if (at >= 0) {
		for (int f = 0; !e && f < NFIELDS; f++) {
			if (!val[f])
				continue;
			char *path = crm_xasprintf("contacts[%ld].%s", at, field_names[f]);
			if (nodes[f]) {
				e = crm_edit_set(&r->doc, path, nodes[f], NULL);
			} else {
				e = crm_edit_unset(&r->doc, path);
				if (e == CRM_ENOTFOUND)
					e = 0, crm_error_clear();
			}
			free(path);
		}
	} else {
		item = crm_node_new_map(false);
		crm_node_map_put(item, "name", crm_node_new_str(name));
		for (int f = 0; f < NFIELDS; f++)
			if (nodes[f]) {
				crm_node_map_put(item, field_names[f], nodes[f]);
				nodes[f] = NULL;
			}
		e = crm_edit_append(&r->doc, "contacts", item, crm_record_order);
	}
	msg = crm_xasprintf("contact %s: %s (%s)", r->id, name, at >= 0 ? "updated" : "added");
	if (!e) {
		e = crm_txn_commit(t, NULL, msg);
		if (e == 1) {
			cmd_note("%s: contact %s already is as given; nothing changed", r->id, name);
			e = 0;
		}
	}
	if (e) {
		cmd_print_diags(&t->diags);
		rc = cmd_fail(e);
	}
done:
	for (int f = 0; f < NFIELDS; f++)
		crm_node_free(nodes[f]);
	crm_node_free(item);
	free(msg);
	crm_diags_free(&sd);
	crm_txn_free(t);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_contact = {
	"contact", "WHO --name N [--title T] [--phone P] [--email E] [--birthday D] [--role R]",
	"add a contact to a customer, or update the contact of that name",
	"  WHO             an id, a unique id prefix, or a unique part of the name\n"
	"  --name N        the contact's name: an existing contact of exactly that name is\n"
	"                  updated, otherwise a new contact is added\n"
	"  --title T       job title\n"
	"  --phone P       phone number (kept as text: \"0138...\" stays as typed)\n"
	"  --email E       email address\n"
	"  --birthday D    YYYY-MM-DD\n"
	"  --role R        decision-maker, influencer, user or contact (or a label: 最终决策人)\n"
	"\n"
	"An update keeps the fields not given; an empty value (--phone '') removes a field.\n",
	run,
};
