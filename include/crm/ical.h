#ifndef CRM_ICAL_H
#define CRM_ICAL_H
/*
 * Calendars (RFC 5545) and the content-line rules vCard shares with them:
 * CRLF, lines folded at 75 octets without splitting a UTF-8 character,
 * TEXT escaped. Takes records, writes bytes; knows nothing of git or locks.
 */
#include "crm/buf.h"
#include "crm/date.h"
#include "crm/record.h"

/* Append `s` escaped as TEXT: backslash, ';', ',' and line breaks (\n). */
void crm_ical_escape(crm_buf *b, const char *s);

/*
 * Append one content line `line` (no line break in it) folded at 75 octets:
 * each continuation starts with a space, and no UTF-8 character is split.
 * Ends with CRLF.
 */
void crm_ical_line(crm_buf *b, const char *line);

/* A short stable hex hash of `s` (FNV-1a, 64 bits), for UIDs. */
void crm_ical_hash(char out[17], const char *s);

/* BEGIN:VCALENDAR with VERSION and PRODID; and its END. */
void crm_ical_begin(crm_buf *b);
void crm_ical_end(crm_buf *b);

/*
 * Append the all-day VEVENTs of record r: its open next action, each
 * contact's birthday (yearly), each `dates` entry (yearly or once),
 * needs.deadline and deal.contract_end. UIDs are stable (from the id and
 * what the event is), so that importing again updates the events. DTSTAMP
 * is `stamp` at midnight UTC. Returns the number of events.
 */
size_t crm_ical_record(crm_buf *b, const crm_record *r, crm_date stamp);

#endif
