/* vCard 3.0 writing (RFC 2426; content lines as RFC 6350 §3.2). */
#include "crm/vcard.h"

#include <stdlib.h>
#include <string.h>

#include "crm/doc.h"
#include "crm/ical.h"

/* NAME:escaped value, when the value is there and not empty. */
static void prop(crm_buf *b, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	crm_buf l = CRM_BUF_INIT;
	crm_buf_puts(&l, name);
	crm_buf_putc(&l, ':');
	crm_ical_escape(&l, value);
	crm_ical_line(b, crm_buf_cstr(&l));
	crm_buf_free(&l);
}

size_t crm_vcard_record(crm_buf *b, const crm_record *r)
{
	const crm_node *cs = crm_node_get(r->doc->root, "contacts");
	const char *kind = crm_record_str(r, "kind");
	const char *name = crm_record_str(r, "name");
	bool company = kind && !strcmp(kind, "company");
	size_t n = 0;
	for (size_t i = 0; cs && cs->kind == CRM_NODE_SEQ && i < cs->n; i++) {
		const crm_node *c = cs->items[i];
		const char *cn = crm_node_str(c, "name");
		if (!cn || !*cn)
			continue;
		crm_ical_line(b, "BEGIN:VCARD");
		crm_ical_line(b, "VERSION:3.0");
		/* N is family;given: a name in one piece goes in the family part */
		crm_buf l = CRM_BUF_INIT;
		crm_buf_puts(&l, "N:");
		crm_ical_escape(&l, cn);
		crm_buf_puts(&l, ";;;;");
		crm_ical_line(b, crm_buf_cstr(&l));
		crm_buf_free(&l);
		prop(b, "FN", cn);
		if (company)
			prop(b, "ORG", name);
		prop(b, "TITLE", crm_node_str(c, "title"));
		prop(b, "TEL;TYPE=CELL", crm_node_str(c, "phone"));
		prop(b, "EMAIL;TYPE=INTERNET", crm_node_str(c, "email"));
		prop(b, "BDAY", crm_node_str(c, "birthday"));
		char h[17];
		crm_ical_hash(h, cn);
		char *uid = crm_xasprintf("crm-%s-%s", r->id, h);
		prop(b, "UID", uid);
		free(uid);
		char *note = crm_xasprintf("crm %s %s", r->id, name ? name : "");
		prop(b, "NOTE", note);
		free(note);
		crm_ical_line(b, "END:VCARD");
		n++;
	}
	return n;
}
