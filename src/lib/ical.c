/* iCalendar writing and the content-line rules (RFC 5545 §3.1, 3.3.11). */
#include "crm/ical.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/doc.h"

void crm_ical_escape(crm_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\\': crm_buf_puts(b, "\\\\"); break;
		case ';': crm_buf_puts(b, "\\;"); break;
		case ',': crm_buf_puts(b, "\\,"); break;
		case '\r':
			if (s[1] == '\n')
				s++;
			/* fall through */
		case '\n': crm_buf_puts(b, "\\n"); break;
		default: crm_buf_putc(b, *s);
		}
	}
}

void crm_ical_line(crm_buf *b, const char *line)
{
	size_t len = strlen(line), i = 0, room = 75;
	while (len - i > room) {
		size_t cut = i + room;
		/* back up to the start of a UTF-8 character */
		while (cut > i && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		crm_buf_put(b, line + i, cut - i);
		crm_buf_puts(b, "\r\n ");
		i = cut;
		room = 74; /* the leading space counts */
	}
	crm_buf_put(b, line + i, len - i);
	crm_buf_puts(b, "\r\n");
}

void crm_ical_hash(char out[17], const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void crm_ical_begin(crm_buf *b)
{
	crm_ical_line(b, "BEGIN:VCALENDAR");
	crm_ical_line(b, "VERSION:2.0");
	crm_ical_line(b, "PRODID:-//crm//customer book//EN");
	crm_ical_line(b, "CALSCALE:GREGORIAN");
}

void crm_ical_end(crm_buf *b)
{
	crm_ical_line(b, "END:VCALENDAR");
}

/* One all-day event on `date` (YYYY-MM-DD); false when the date does not parse. */
static bool event(crm_buf *b, const char *uid, const char *date, bool yearly,
		  const char *summary, const char *desc, crm_date stamp)
{
	crm_date d;
	if (!date || !crm_date_parse_iso(&d, date))
		return false;
	crm_date next = crm_date_add_days(d, 1);
	crm_buf l = CRM_BUF_INIT;
	crm_ical_line(b, "BEGIN:VEVENT");
	crm_buf_printf(&l, "UID:%s", uid);
	crm_ical_line(b, crm_buf_cstr(&l));
	crm_buf_truncate(&l, 0);
	crm_buf_printf(&l, "DTSTAMP:%04d%02d%02dT000000Z", stamp.y, stamp.m, stamp.d);
	crm_ical_line(b, crm_buf_cstr(&l));
	crm_buf_truncate(&l, 0);
	crm_buf_printf(&l, "DTSTART;VALUE=DATE:%04d%02d%02d", d.y, d.m, d.d);
	crm_ical_line(b, crm_buf_cstr(&l));
	crm_buf_truncate(&l, 0);
	crm_buf_printf(&l, "DTEND;VALUE=DATE:%04d%02d%02d", next.y, next.m, next.d);
	crm_ical_line(b, crm_buf_cstr(&l));
	if (yearly)
		crm_ical_line(b, "RRULE:FREQ=YEARLY");
	crm_buf_truncate(&l, 0);
	crm_buf_puts(&l, "SUMMARY:");
	crm_ical_escape(&l, summary);
	crm_ical_line(b, crm_buf_cstr(&l));
	if (desc && *desc) {
		crm_buf_truncate(&l, 0);
		crm_buf_puts(&l, "DESCRIPTION:");
		crm_ical_escape(&l, desc);
		crm_ical_line(b, crm_buf_cstr(&l));
	}
	crm_ical_line(b, "TRANSP:TRANSPARENT");
	crm_ical_line(b, "END:VEVENT");
	crm_buf_free(&l);
	return true;
}

size_t crm_ical_record(crm_buf *b, const crm_record *r, crm_date stamp)
{
	size_t n = 0;
	const char *name = crm_record_str(r, "name");
	if (!name)
		name = r->id;
	char h[17];
	crm_next nx;
	if (crm_record_next(r, &nx)) {
		char *uid = crm_xasprintf("%s-next@crm", r->id);
		char *sum = crm_xasprintf("%s: %s", name, nx.action && *nx.action ? nx.action : "follow up");
		char *desc = crm_xasprintf("customer %s%s%s", r->id, nx.by ? ", by " : "", nx.by ? nx.by : "");
		n += event(b, uid, nx.date, false, sum, desc, stamp);
		free(uid), free(sum), free(desc);
	}
	const crm_node *cs = crm_node_get(r->doc->root, "contacts");
	for (size_t i = 0; cs && cs->kind == CRM_NODE_SEQ && i < cs->n; i++) {
		const char *cn = crm_node_str(cs->items[i], "name");
		const char *bd = crm_node_str(cs->items[i], "birthday");
		if (!bd)
			continue;
		crm_ical_hash(h, cn ? cn : "");
		char *uid = crm_xasprintf("%s-birthday-%s@crm", r->id, h);
		char *sum = crm_xasprintf("%s (%s) birthday", cn ? cn : "", name);
		n += event(b, uid, bd, true, sum, r->id, stamp);
		free(uid), free(sum);
	}
	const crm_node *ds = crm_node_get(r->doc->root, "dates");
	for (size_t i = 0; ds && ds->kind == CRM_NODE_SEQ && i < ds->n; i++) {
		const char *label = crm_node_str(ds->items[i], "label");
		const char *date = crm_node_str(ds->items[i], "date");
		const char *y = crm_node_str(ds->items[i], "yearly");
		crm_ical_hash(h, label ? label : "");
		char *uid = crm_xasprintf("%s-date-%s@crm", r->id, h);
		char *sum = crm_xasprintf("%s: %s", name, label ? label : "");
		n += event(b, uid, date, y && !strcmp(y, "true"), sum, r->id, stamp);
		free(uid), free(sum);
	}
	const char *dl = crm_record_str(r, "needs.deadline");
	if (dl) {
		char *uid = crm_xasprintf("%s-deadline@crm", r->id);
		char *sum = crm_xasprintf("%s: deadline", name);
		n += event(b, uid, dl, false, sum, crm_record_str(r, "needs.summary"), stamp);
		free(uid), free(sum);
	}
	const char *ce = crm_record_str(r, "deal.contract_end");
	if (ce) {
		char *uid = crm_xasprintf("%s-contract-end@crm", r->id);
		char *sum = crm_xasprintf("%s: contract ends", name);
		n += event(b, uid, ce, false, sum, r->id, stamp);
		free(uid), free(sum);
	}
	return n;
}
