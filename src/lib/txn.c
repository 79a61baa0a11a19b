#include "crm/txn.h"
#include "crm/index.h"
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

static int journal_finish(crm_book *b, crm_repo *repo);

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
	/* A commit left half-done is finished before this one reads: a record
	 * whose new version is still a temporary would be changed from its
	 * old one, and the next commit would undo the last. */
	if ((rc = journal_finish(b, t->repo)))
		goto fail;
	if (crm_repo_index_repair(t->repo, 1) < 0)
		crm_warning_add("%s", crm_error_last());
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
	if ((rc = crm_book_check_inside(t->book, t->entries[i].path)))
		return rc;
	crm_book_clean_temps(t->book, t->entries[i].path);
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
	int rc1 = crm_book_check_inside(t->book, r->path);
	if (rc1) {
		crm_record_free(r);
		return rc1;
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

/*
 * The journal of a commit in flight, .git/crm-txn-pending: for each record,
 * the temporary file holding its new bytes and the record's path, both
 * book-relative, each ending in a NUL. It exists from before the branch
 * moves until every temporary is renamed over its record, so that a crm
 * killed (or refused a rename) in between is finished by the next one:
 * crm_txn_recover renames a temporary whose bytes HEAD has, and removes one
 * that HEAD does not (that commit never happened).
 */
static char *journal_path(const crm_book *b)
{
	return crm_xasprintf("%s/crm-txn-pending", b->gitdir);
}

static int journal_write(crm_txn *t, const char *const *paths, char *const *tmps, size_t n)
{
	crm_buf j = CRM_BUF_INIT;
	size_t rootlen = strlen(t->book->root);
	for (size_t i = 0; i < n; i++) {
		const char *tmp = tmps[i] + rootlen;
		while (*tmp == '/')
			tmp++;
		crm_buf_put(&j, tmp, strlen(tmp) + 1);
		crm_buf_put(&j, paths[i], strlen(paths[i]) + 1);
	}
	char *file = journal_path(t->book);
	int rc = crm_write_note(file, j.ptr ? j.ptr : "", j.len);
	free(file);
	crm_buf_free(&j);
	return rc;
}

/* Is `tmp` a temporary of crm_write_temp for `path`: ".NAME." in its folder? */
static bool is_temp_of(const char *tmp, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	const char *name = path + dir;
	return !strncmp(tmp, path, dir) && tmp[dir] == '.' &&
	       !strncmp(tmp + dir + 1, name, strlen(name)) && tmp[dir + 1 + strlen(name)] == '.' &&
	       !strchr(tmp + dir, '/');
}

/* Finish the journal (see above); 0 when there was none or it is done. */
static int journal_finish(crm_book *b, crm_repo *repo)
{
	char *file = journal_path(b);
	crm_buf j = CRM_BUF_INIT;
	int rc = crm_buf_read_file(&j, file);
	if (rc < 0) {
		if (rc == CRM_ENOTFOUND)
			rc = 0;
		goto done;
	}
	for (size_t off = 0; off < j.len;) {
		const char *tmp = j.ptr + off;
		size_t tl = strnlen(tmp, j.len - off);
		if (off + tl + 1 >= j.len)
			break; /* torn: a journal is written whole, so this is not ours */
		const char *path = tmp + tl + 1;
		size_t pl = strnlen(path, j.len - off - tl - 1);
		off += tl + 1 + pl + 1;
		if (off > j.len || !crm_is_record_path(path) || !is_temp_of(tmp, path))
			break;
		char *tabs = crm_book_abs(b, tmp), *pabs = crm_book_abs(b, path);
		int match = 0;
		if (access(tabs, F_OK) == 0) {
			rc = crm_repo_head_matches(repo, path, tabs, &match);
			if (rc == 0 && match)
				rc = crm_replace(tabs, pabs);
			else if (rc == 0)
				unlink(tabs);
		}
		free(tabs);
		free(pabs);
		if (rc < 0) {
			char *why = crm_xstrdup(crm_error_last());
			rc = crm_error_set(rc, "%s: the last commit has a newer version than the file, "
					       "which crm could not put in place (%s); fix that, then "
					       "run any crm command to finish", path, why);
			free(why);
			goto done;
		}
	}
	if (unlink(file) < 0 && errno != ENOENT)
		rc = crm_error_errno(CRM_EIO, "cannot remove %s", file);
done:
	crm_buf_free(&j);
	free(file);
	return rc;
}

int crm_txn_recover(crm_book *b)
{
	char *j = journal_path(b), *ip = crm_xasprintf("%s/crm-index-pending", b->gitdir);
	int todo = access(j, F_OK) == 0 || access(ip, F_OK) == 0;
	free(j);
	free(ip);
	if (!todo)
		return 0;
	int had_lock = b->lock_fd >= 0;
	/* A crm at work holds the lock, and finishes its own commit. */
	if (!had_lock && crm_book_trylock(b, "recover") != 0) {
		crm_error_clear();
		return 0;
	}
	crm_repo *repo = NULL;
	int rc = crm_repo_open(&repo, b->root);
	if (rc == 0)
		rc = journal_finish(b, repo);
	if (rc == 0)
		rc = crm_repo_index_repair(repo, 0);
	crm_repo_free(repo);
	if (!had_lock)
		crm_book_unlock(b);
	return rc;
}

/* Remove the temporaries of a commit that did not happen, and the folders
 * made for new records, when they are empty. */
static void discard(crm_txn *t, char **tmps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unlink(tmps[i]);
		free(tmps[i]);
		tmps[i] = NULL;
	}
	for (size_t i = 0; i < t->nrecords; i++) {
		crm_record *r = t->records[i];
		if (r->orig)
			continue;
		char *dir = crm_book_abs(t->book, r->path);
		for (char *slash; (slash = strrchr(dir, '/')) && slash > dir;) {
			*slash = '\0';
			if (strlen(dir) <= strlen(t->book->root) + strlen("/customers") || rmdir(dir) < 0)
				break;
		}
		free(dir);
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
	size_t npaths = 0;
	const char **paths = crm_xcalloc(t->nrecords + t->nfiles + 1, sizeof *paths);
	char **tmps = crm_xcalloc(t->nrecords + t->nfiles + 1, sizeof *tmps);
	char *email = NULL, oid[41] = "";
	/* New bytes go to temporaries; the records stay as they are until the
	 * commit is made, so undoing a failure needs no disk space. */
	for (size_t i = 0; i < t->nrecords; i++) {
		crm_record *r = t->records[i];
		if (!crm_record_changed(r))
			continue;
		char *abs = crm_book_abs(t->book, r->path);
		rc = batch ? crm_write_temp_nosync(&tmps[npaths], abs, r->doc->src, r->doc->len)
			   : crm_write_temp(&tmps[npaths], abs, r->doc->src, r->doc->len);
		free(abs);
		if (rc)
			goto undo;
		paths[npaths++] = r->path;
	}
	/* files that are not records (crm.yaml for handover) go the same way */
	for (size_t i = 0; i < t->nfiles; i++) {
		struct crm_txn_file *f = &t->files[i];
		char *abs = crm_book_abs(t->book, f->path);
		rc = crm_write_temp(&tmps[npaths], abs, f->data, f->len);
		free(abs);
		if (rc)
			goto undo;
		paths[npaths++] = f->path;
	}
	if (batch && (rc = crm_sync_fs(t->book->root)))
		goto undo;
	if ((rc = journal_write(t, paths, tmps, npaths)))
		goto undo;
	email = author->email && *author->email ? crm_xstrdup(author->email) : NULL;
	if (!email) {
		char *n = NULL;
		crm_repo_identity(t->repo, &n, &email);
		free(n);
		if (!email)
			email = crm_xasprintf("%s@crm", author->id);
	}
	rc = crm_repo_commit_from(t->repo, paths, (const char *const *)tmps, npaths, author->name,
				  email, message, oid);
	if (rc < 0)
		goto undo;
	/* Committed: from here on the change is saved, whatever fails. */
	for (size_t i = 0; i < npaths; i++) {
		char *abs = crm_book_abs(t->book, paths[i]);
		int e = batch ? crm_replace_nosync(tmps[i], abs) : crm_replace(tmps[i], abs);
		free(abs);
		if (e) {
			crm_warning_add("committed as %.7s, but %s (its new version waits in %s); "
					"run any crm command (such as 'crm status') to put it in place",
					oid, crm_error_last(), tmps[i] + strlen(t->book->root) + 1);
			rc = 0;
			goto done;
		}
	}
	if (batch)
		crm_sync_fs(t->book->root); /* the renames are done; this only hastens them */
	char *jf = journal_path(t->book);
	unlink(jf);
	free(jf);
	if (crm_repo_index_repair(t->repo, 1) < 0)
		crm_warning_add("committed as %.7s, but %s", oid, crm_error_last());
	/* the index learns of the change now, not at the next read */
	crm_index_touch(t->book, paths, npaths);
	rc = 0;
	goto done;
undo: {
	char *why = crm_xstrdup(crm_error_last());
	discard(t, tmps, npaths);
	char *journal = journal_path(t->book);
	unlink(journal);
	free(journal);
	crm_error_set(rc, "%s; nothing was committed and the records are as they were", why);
	free(why);
}
done:
	for (size_t i = 0; i < npaths; i++)
		free(tmps[i]);
	free(tmps);
	free(email);
	free(paths);
	return rc;
}
