#ifndef CRM_IDENT_H
#define CRM_IDENT_H
/*
 * Identities git records in every commit: "Name <email>". A name or email
 * with a newline, '<' or '>' would forge or break the author header (git
 * fsck and fsckObjects clones refuse such commits), so crm.yaml's team and
 * the commit layer both check them with these rules.
 */

/*
 * Why `name` cannot be a git author name, or NULL when it can: empty or
 * only whitespace, a control character (newline, tab, escape, C1), '<' or
 * '>'. The reason is a short static phrase ("has a newline").
 */
const char *crm_ident_name_problem(const char *name);

/*
 * Why `email` cannot be a git author email, or NULL when it can: the name
 * rules, plus it must look like an email: one '@' with text on both sides,
 * no spaces, no empty part in the domain (name@example.com).
 */
const char *crm_ident_email_problem(const char *email);

/*
 * The looser rule the commit layer applies to whatever identity it is
 * given (git config included): no control character, no '<' or '>', not
 * empty. NULL when fine.
 */
const char *crm_ident_text_problem(const char *s);

#endif
