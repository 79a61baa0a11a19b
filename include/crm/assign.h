#ifndef CRM_ASSIGN_H
#define CRM_ASSIGN_H
/*
 * The assignments that `crm set` and `crm add --set` take on the command
 * line: PATH=VALUE (set), PATH+=VALUE (append to a list), PATH-=VALUE
 * (remove from a list) and PATH= (unset). Parsed here, before any book is
 * opened, so that a malformed one is a usage error and nothing is written.
 */

typedef enum {
	CRM_ASSIGN_SET,    /* PATH=VALUE, VALUE not empty */
	CRM_ASSIGN_APPEND, /* PATH+=VALUE */
	CRM_ASSIGN_REMOVE, /* PATH-=VALUE */
	CRM_ASSIGN_UNSET,  /* PATH= */
} crm_assign_op;

typedef struct {
	crm_assign_op op;
	char *path;  /* a path that crm_path_split accepts, e.g. needs.budget.max */
	char *value; /* the text after the operator; "" for CRM_ASSIGN_UNSET */
} crm_assign;

/*
 * Parse arg at its first '='; a '+' or '-' just before it is the operator.
 * Returns 0 and fills *out (free with crm_assign_clear), or CRM_EUSAGE with
 * a message saying what is wrong and *out zeroed (clearing it is harmless).
 */
int crm_assign_parse(crm_assign *out, const char *arg);
/* Free what *a holds and zero it; NULL is fine. */
void crm_assign_clear(crm_assign *a);

#endif
