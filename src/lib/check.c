/*
 * check.c: validate a book. The results for the whole book come from the
 * index (index.h), which re-reads only the records changed since; records
 * named on the command line are read and checked directly.
 */
#include "crm/check.h"
#include "crm/index.h"
#include "crm/buf.h"
#include "crm/record.h"
#include "crm/staged.h"
#include "crm/team.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Make `p` book-relative when it names a file inside the book. */
static char *relative(const crm_book *b, const char *p)
{
	size_t rl = strlen(b->root);
	if (!strncmp(p, b->root, rl) && p[rl] == '/')
		return crm_xstrdup(p + rl + 1);
	if (p[0] == '/')
		return crm_xstrdup(p);
	char cwd[4096];
	if (getcwd(cwd, sizeof cwd)) {
		char *abs = crm_xasprintf("%s/%s", cwd, p);
		char real[4096];
		char *dir = crm_xstrdup(abs);
		/* resolve the folder, keep the file name (it may be a link we must refuse) */
		char *slash = strrchr(dir, '/');
		*slash = '\0';
		if (realpath(dir, real) && !strncmp(real, b->root, rl) && (real[rl] == '/' || !real[rl])) {
			char *r = crm_xasprintf("%s%s%s", real[rl] ? real + rl + 1 : "", real[rl] ? "/" : "",
						slash + 1);
			free(dir);
			free(abs);
			return r;
		}
		free(dir);
		free(abs);
	}
	return crm_xstrdup(p);
}

/* What validate says of a folder under customers/ that is a symbolic link. */
#define LINK_MESSAGE                                                                  \
	"this folder is a symbolic link; records must be inside the book (replace the " \
	"link with a real folder holding the records)"

int crm_check_book(crm_book *b, const char *const *paths, size_t npaths, crm_diags *diags,
		   crm_check_stats *stats)
{
	crm_check_stats st = {0};
	size_t before = crm_diags_errors(diags);
	const struct crm_schema *schema;
	if (crm_book_schema(b, &schema, diags) != 0) {
		crm_diags_add(diags, "schema/customer.schema.yaml", 0, 0, CRM_SEV_ERROR, "%s",
			      crm_error_last());
		return (int)(crm_diags_errors(diags) - before);
	}
	if (npaths == 0) {
		/* folders that are links are not followed (their records are not
		 * read): say so, since they would otherwise look like an empty book */
		crm_entry *v = NULL, *links = NULL;
		size_t nv = 0, nlinks = 0;
		if (crm_book_scan_links(b, &v, &nv, &links, &nlinks) == 0)
			for (size_t i = 0; i < nlinks; i++)
				crm_diags_add(diags, links[i].path, 0, 0, CRM_SEV_ERROR, "%s",
					      LINK_MESSAGE);
		crm_error_clear();
		crm_entries_free(v, nv);
		crm_entries_free(links, nlinks);
		/* the whole book: the index holds every record's findings, re-reading
		 * only the files changed since */
		crm_index *ix = NULL;
		int rc = crm_index_open(&ix, b, diags);
		if (rc) {
			crm_diags_add(diags, "customers", 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
			return (int)(crm_diags_errors(diags) - before);
		}
		const crm_index_stats *is = crm_index_last_stats(ix);
		st.records = is->records;
		st.cached = is->records - is->reread;
		crm_index_diags(ix, NULL, 0, diags);
		crm_index_free(ix);
		if (stats)
			*stats = st;
		return (int)(crm_diags_errors(diags) - before);
	}
	for (size_t i = 0; i < npaths; i++) {
		crm_entry e;
		char *rel = relative(b, paths[i]);
		e.path = rel;
		e.id = crm_path_id(rel);
		struct stat sb;
		char *abs = rel[0] == '/' ? crm_xstrdup(rel) : crm_book_abs(b, rel);
		e.symlink = lstat(abs, &sb) == 0 && S_ISLNK(sb.st_mode);
		bool exists = lstat(abs, &sb) == 0;
		free(abs);
		if (rel[0] != '/' && crm_book_check_inside(b, rel) != 0) {
			crm_diags_add(diags, rel, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
			crm_error_clear();
		}
		st.records++;
		if (!exists) {
			crm_diags_add(diags, e.path, 0, 0, CRM_SEV_ERROR, "no such file");
		} else {
			crm_diags d = {0};
			crm_record *r = NULL;
			if (crm_record_load(&r, b, &e, &d) == 0)
				crm_record_check(b, r, &d);
			else if (!d.n)
				crm_diags_add(&d, e.path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
			crm_diags_extend(diags, &d);
			crm_diags_free(&d);
			crm_record_free(r);
		}
		free(e.path);
		free(e.id);
	}
	crm_error_clear();
	if (stats)
		*stats = st;
	return (int)(crm_diags_errors(diags) - before);
}

int crm_check_staged(crm_book *b, crm_repo *repo, crm_diags *diags, size_t *nchecked)
{
	crm_staged *v;
	size_t n;
	size_t before = crm_diags_errors(diags);
	*nchecked = 0;
	if (crm_repo_staged(repo, &v, &n) != 0) {
		crm_diags_add(diags, ".git/index", 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
		return 1;
	}
	char **links = NULL;
	size_t nlinks = 0;
	if (crm_repo_staged_links(repo, &links, &nlinks) == 0)
		for (size_t i = 0; i < nlinks; i++) {
			crm_diags_add(diags, links[i], 0, 0, CRM_SEV_ERROR, "%s",
				      "a symbolic link under customers/; records and their folders "
				      "must be inside the book (replace it with a real folder or file)");
			free(links[i]);
		}
	free(links);
	/* a schema that does not load: say why at its lines, not only that it failed */
	const struct crm_schema *schema;
	if (n > 0)
		crm_book_schema(b, &schema, diags);
	for (size_t i = 0; i < n; i++) {
		char *id = crm_path_id(v[i].path);
		crm_doc *doc = NULL;
		if (crm_doc_parse(&doc, v[i].path, v[i].content, v[i].len, diags) == 0) {
			crm_record r = {.path = v[i].path, .id = id, .doc = doc};
			crm_record_check(b, &r, diags);
		}
		crm_doc_free(doc);
		free(id);
	}
	*nchecked = n;
	crm_staged_free(v, n);
	return (int)(crm_diags_errors(diags) - before);
}
