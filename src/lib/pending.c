/* pending.c: records changed by hand since the last commit, and their problems. */
#include "crm/pending.h"
#include "crm/buf.h"
#include "crm/history.h"
#include "crm/record.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A record file (crm_is_record_path), and its id from the file name. */
static bool record_file(const char *path, char **id)
{
	if (!crm_is_record_path(path))
		return false;
	*id = crm_path_id(path);
	return true;
}

static void check_one(crm_book *b, crm_pending *p, const crm_entry *all, size_t nall)
{
	crm_entry e = {p->path, p->id, false};
	crm_record *r = NULL;
	int rc = crm_record_load(&r, b, &e, &p->diags);
	if (rc == 0)
		crm_record_check(b, r, &p->diags);
	else if (!crm_diags_errors(&p->diags))
		crm_diags_add(&p->diags, p->path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
	crm_record_free(r);
	if (p->status == 'A')
		for (size_t i = 0; i < nall; i++)
			if (!strcmp(all[i].id, p->id) && strcmp(all[i].path, p->path)) {
				crm_diags_add(&p->diags, p->path, 1, 1, CRM_SEV_ERROR,
					      "id '%s' is used by %s too; ids must be unique (give this "
					      "record another id and file name)", p->id, all[i].path);
				break;
			}
	p->errors = crm_diags_errors(&p->diags);
}

int crm_pending_scan(crm_pending **out, size_t *n, crm_book *b, crm_repo *repo)
{
	crm_change *ch = NULL;
	size_t nch = 0, count = 0;
	crm_entry *all = NULL;
	size_t nall = 0;
	*out = NULL;
	*n = 0;
	int rc = crm_repo_changes(repo, "customers/", &ch, &nch);
	if (rc)
		return rc;
	crm_pending *v = crm_xcalloc(nch ? nch : 1, sizeof *v);
	bool scanned = false;
	for (size_t i = 0; i < nch; i++) {
		char *id;
		if (!record_file(ch[i].path, &id))
			continue;
		crm_pending *p = &v[count++];
		p->path = crm_xstrdup(ch[i].path);
		p->id = id;
		p->status = ch[i].status;
		if (p->status == 'D')
			continue;
		if (p->status == 'A' && !scanned) {
			rc = crm_book_scan(b, &all, &nall);
			if (rc) {
				crm_pending_free(v, count);
				crm_changes_free(ch, nch);
				return rc;
			}
			scanned = true;
		}
		check_one(b, p, all, nall);
	}
	crm_changes_free(ch, nch);
	crm_entries_free(all, nall);
	crm_error_clear();
	*out = v;
	*n = count;
	return 0;
}

void crm_pending_free(crm_pending *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].id);
		crm_diags_free(&v[i].diags);
	}
	free(v);
}
