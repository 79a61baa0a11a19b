#ifndef CRM_CMD_SETUP_H
#define CRM_CMD_SETUP_H
#include "crm/book.h"
#include "crm/history.h"

/* What `crm setup --user` does to a clone; shared with `crm init`. Prints
 * errors; returns the exit code. */
int cmd_setup_clone(crm_book *b, crm_repo *repo, const char *user);

#endif
