#ifndef CRM_CMD_SETUP_H
#define CRM_CMD_SETUP_H
#include <stdbool.h>

#include "crm/book.h"
#include "crm/history.h"

/* What `crm setup --user` does to a clone; shared with `crm init`. Prints
 * errors; returns the exit code. A hook that cannot go where core.hooksPath
 * says is an error when `strict`, else a warning. */
int cmd_setup_clone(crm_book *b, crm_repo *repo, const char *user, bool strict);

/* The ignore rule for temporaries a killed crm leaves (".ID.yaml.XXXXXX"):
 * in the .gitignore of a new book and in .git/info/exclude of every clone. */
#define CMD_IGNORE_TEMPS                                       \
	"# temporary files of a crm write that was interrupted\n" \
	".*.yaml.??????\n"

#endif
