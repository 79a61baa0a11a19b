#include "crm/txn.h"
#include "crm/buf.h"
#include "crm/history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file that is not a record, written in the commit (crm_txn_put). */
struct crm_txn_file {
	char *path;
	char *data, *orig; /* orig NULL when the file did not exist */
	size_t len, orig_len;
};

int crm_txn_begin(crm_txn **out, crm_book *b, const char *what)
{
	crm_txn *t = crm_xcalloc(1, sizeof *t);
	*out = NULL;
	t->book = b;
	int rc = crm_repo_open(&t->repo, b->root);
	if (rc)
		goto fail;
	rc = crm_book_lock(b, what);
	if (rc)
		goto fail;
	*out = t;
	return 0;
fail:
	crm_txn_free(t);
	return rc;
}

void crm_txn_free(crm_txn *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrecords; i++)
		crm_record_free(t->records[i]);
	free(t->records);
	crm_entries_free(t->entries, t->nentries);
	crm_diags_free(&t->diags);
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].path);
		free(t->files[i].data);
		free(t->files[i].orig);
	}
	free(t->files);
	crm_repo_free(t->repo);
	crm_book_unlock(t->book);
	free(t);
}

static void keep(crm_txn *t, crm_record *r)
{
	t->records = crm_xrealloc(t->records, (t->nrecords + 1) * sizeof *t->records);
	t->records[t->nrecords++] = r;
}

void crm_txn_keep(crm_txn *t, crm_record *r)
{
	keep(t, r);
}

int crm_txn_scan(crm_txn *t)
{
	if (t->scanned)
		return 0;
	crm_entries_free(t->entries, t->nentries); /* a quick entry, if any */
	t->entries = NULL;
	t->nentries = 0;
	int rc = crm_book_scan(t->book, &t->entries, &t->nentries);
	t->scanned = rc == 0;
	return rc;
}

/* The one entry for an exact id in its usual place, without a scan. */
static bool quick_entry(crm_txn *t, const char *who)
{
	if (t->scanned || t->entries || !crm_id_valid(who))
		return false;
	char *path = crm_book_guess_path(t->book, who);
	if (!path)
		return false;
	char *abs = crm_book_abs(t->book, path);
	struct stat st;
	bool ok = lstat(abs, &st) == 0 && S_ISREG(st.st_mode);
	free(abs);
	if (!ok) {
		free(path);
		return false;
	}
	t->entries = crm_xcalloc(1, sizeof *t->entries);
	t->entries[0].path = path;
	t->entries[0].id = crm_xstrdup(who);
	t->nentries = 1;
	return true;
}

int crm_txn_open(crm_txn *t, const char *who, crm_record **out)
{
	size_t i = 0;
	int rc;
	*out = NULL;
	if (!quick_entry(t, who)) {
		if ((rc = crm_txn_scan(t)))
			return rc;
		if ((rc = crm_record_resolve(t->book, t->entries, t->nentries, who, &i)))
			return rc;
	}
	if (t->entries[i].symlink)
		return crm_error_set(CRM_EFAIL, "%s is a symbolic link; crm never writes through links",
				     t->entries[i].path);
	crm_record *r;
	rc = crm_record_load(&r, t->book, &t->entries[i], &t->diags);
	if (rc)
		return rc;
	keep(t, r);
	*out = r;
	return 0;
}

int crm_txn_add(crm_txn *t, crm_record *r)
{
	int rc0 = crm_txn_scan(t);
	if (rc0) {
		crm_record_free(r);
		return rc0;
	}
	for (size_t i = 0; i < t->nentries; i++)
		if (strcmp(t->entries[i].id, r->id) == 0) {
			int rc = crm_error_set(CRM_EFAIL, "id '%s' is taken by %s", r->id, t->entries[i].path);
			crm_record_free(r);
			return rc;
		}
	char *abs = crm_book_abs(t->book, r->path);
	struct stat st;
	bool exists = lstat(abs, &st) == 0;
	free(abs);
	if (exists) {
		int rc = crm_error_set(CRM_EFAIL, "%s exists already", r->path);
		crm_record_free(r);
		return rc;
	}
	keep(t, r);
	return 0;
}

int crm_txn_put(crm_txn *t, const char *path, const char *data, size_t len)
{
	char *abs = crm_book_abs(t->book, path);
	struct stat st;
	crm_buf old = CRM_BUF_INIT;
	int rc = 0;
	bool exists = lstat(abs, &st) == 0;
	if (exists && !S_ISREG(st.st_mode))
		rc = crm_error_set(CRM_EFAIL, "%s is not a regular file; crm never writes through links",
				   path);
	else if (exists)
		rc = crm_buf_read_file(&old, abs);
	free(abs);
	if (rc) {
		crm_buf_free(&old);
		return rc;
	}
	t->files = crm_xrealloc(t->files, (t->nfiles + 1) * sizeof *t->files);
	struct crm_txn_file *f = &t->files[t->nfiles++];
	f->path = crm_xstrdup(path);
	f->data = crm_xstrndup(data, len);
	f->len = len;
	f->orig_len = old.len;
	f->orig = exists ? crm_buf_detach(&old) : NULL;
	return 0;
}

/* Put the other files back as they were; only the first `n` were written. */
static void rollback_files(crm_txn *t, size_t n)
{
	for (size_t i = 0; i < n && i < t->nfiles; i++) {
		char *abs = crm_book_abs(t->book, t->files[i].path);
		if (t->files[i].orig)
			crm_write_atomic(abs, t->files[i].orig, t->files[i].orig_len);
		else
			unlink(abs);
		free(abs);
	}
}

int crm_whoami(const crm_member **out, crm_book *b, crm_repo *repo)
{
	char *user = NULL, *name = NULL, *email = NULL;
	*out = NULL;
	if (crm_repo_config_get(repo, "crm.user", &user) == 0 && user) {
		const crm_member *m = crm_config_member(b->config, user);
		if (!m) {
			int rc = crm_error_set(CRM_EFAIL,
					       "this clone is set up for '%s', who is not in the team of "
					       "crm.yaml; run 'crm setup --user ID'", user);
			free(user);
			return rc;
		}
		free(user);
		*out = m;
		return 0;
	}
	crm_repo_identity(repo, &name, &email);
	const crm_member *m = crm_config_member_by_identity(b->config, name, email);
	free(name);
	free(email);
	if (!m) {
		char *team = crm_config_team_list(b->config);
		int rc = crm_error_set(CRM_EFAIL,
				       "crm does not know who you are; run 'crm setup --user ID' "
				       "with your id from the team in crm.yaml (%s)", team);
		free(team);
		return rc;
	}
	*out = m;
	return 0;
}

/*
 * When a change leaves a record invalid, was it invalid before? Then say
 * what is wrong with the file as it is on disk (its lines and columns),
 * not with the text the change would have written. Returns true and adds
 * the file's own diagnostics to diags when it was.
 */
static bool already_invalid(crm_txn *t, const crm_record *r, crm_diags *diags)
{
	crm_diags d = {0};
	crm_doc *doc = NULL;
	bool bad;
	if (crm_doc_parse(&doc, r->path, r->orig, r->orig_len, &d) != 0) {
		bad = true;
	} else {
		crm_record old = *r;
		old.doc = doc;
		bad = crm_record_check(t->book, &old, &d) > 0;
	}
	if (bad)
		crm_diags_extend(diags, &d);
	crm_doc_free(doc);
	crm_diags_free(&d);
	return bad;
}

/* Put the files back as they were before the failed commit. */
static void rollback(crm_txn *t, size_t written)
{
	for (size_t i = 0; i < written && i < t->nrecords; i++) {
		crm_record *r = t->records[i];
		char *abs = crm_book_abs(t->book, r->path);
		if (r->orig)
			crm_write_atomic(abs, r->orig, r->orig_len);
		else
			unlink(abs);
		free(abs);
	}
}

int crm_txn_commit(crm_txn *t, const crm_member *author, const char *message)
{
	int rc = 0;
	size_t nchanged = 0;
	const char *already = NULL;
	for (size_t i = 0; i < t->nrecords; i++) {
		crm_record *r = t->records[i];
		if (!crm_record_changed(r))
			continue;
		nchanged++;
		crm_diags d = {0};
		int errors = crm_record_check(t->book, r, &d);
		if (errors && r->orig && already_invalid(t, r, &t->diags))
			already = r->id;
		else
			crm_diags_extend(&t->diags, &d);
		crm_diags_free(&d);
	}
	if (already)
		return crm_error_set(CRM_EINVALID,
				     "%s is invalid on disk already (above, where the file has it wrong); "
				     "fix it with 'crm edit %s', then try again; nothing written",
				     already, already);
	if (crm_diags_errors(&t->diags))
		return crm_error_set(CRM_EINVALID, "the change would make a record invalid; nothing written");
	for (size_t i = 0; i < t->nfiles; i++)
		if (!t->files[i].orig || t->files[i].len != t->files[i].orig_len ||
		    memcmp(t->files[i].data, t->files[i].orig, t->files[i].len))
			nchanged++;
	if (!nchanged)
		return 1;
	if (!author) {
		rc = crm_whoami(&author, t->book, t->repo);
		if (rc)
			return rc;
	}
	/* many files: sync them once, not each twice */
	bool batch = nchanged > 16;
	size_t npaths = 0, written = 0;
	const char **paths = crm_xcalloc(t->nrecords + t->nfiles + 1, sizeof *paths);
	for (size_t i = 0; i < t->nrecords; i++, written++) {
		crm_record *r = t->records[i];
		if (!crm_record_changed(r))
			continue;
		char *abs = crm_book_abs(t->book, r->path);
		rc = batch ? crm_write_atomic_nosync(abs, r->doc->src, r->doc->len)
			   : crm_write_atomic(abs, r->doc->src, r->doc->len);
		free(abs);
		if (rc) {
			rollback(t, written);
			goto done;
		}
		paths[npaths++] = r->path;
	}
	if (batch && (rc = crm_sync_fs(t->book->root))) {
		rollback(t, written);
		goto done;
	}
	size_t fwritten = 0;
	for (; fwritten < t->nfiles; fwritten++) {
		struct crm_txn_file *f = &t->files[fwritten];
		char *abs = crm_book_abs(t->book, f->path);
		rc = crm_write_atomic(abs, f->data, f->len);
		free(abs);
		if (rc) {
			rollback_files(t, fwritten);
			rollback(t, written);
			goto done;
		}
		paths[npaths++] = f->path;
	}
	char *email = author->email && *author->email ? crm_xstrdup(author->email) : NULL;
	if (!email) {
		char *n = NULL;
		crm_repo_identity(t->repo, &n, &email);
		free(n);
		if (!email)
			email = crm_xasprintf("%s@crm", author->id);
	}
	rc = crm_repo_commit(t->repo, paths, npaths, author->name, email, message, NULL);
	free(email);
	if (rc < 0) {
		/* restore the files; what the command wrote must not stay uncommitted */
		const char *msg = crm_error_last();
		char *keepmsg = crm_xstrdup(msg);
		rollback_files(t, fwritten);
		rollback(t, written);
		crm_error_set(rc, "%s", keepmsg);
		free(keepmsg);
	} else {
		rc = 0;
	}
done:
	free(paths);
	return rc;
}
