#ifndef CRM_VCARD_H
#define CRM_VCARD_H
/*
 * Contacts as vCard 3.0 (RFC 2426, the version phones and mail clients
 * import most widely): one card per contact of a record. Content lines as
 * in ical.h (CRLF, folded at 75 octets, escaped).
 */
#include "crm/buf.h"
#include "crm/record.h"

/*
 * Append one vCard for each contact of r: N, FN, ORG (the customer's name
 * for a company), TITLE, TEL, EMAIL, BDAY, NOTE with the customer id, and a
 * UID derived from the customer id and the contact's name (the same on every
 * export). Returns the number of cards.
 */
size_t crm_vcard_record(crm_buf *b, const crm_record *r);

#endif
