/* crm sync's merge: HEAD and the remote-tracking branch merged path by path, in process. */
#include "crm/sync.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/date.h"
#include "crm/doc.h"
#include "crm/edit.h"
#include "crm/merge.h"
#include "crm/recmerge.h"
#include "crm/record.h"

static const char *gitmsg(void)
{
	const git_error *e = git_error_last();
	return e && e->message ? e->message : "unknown libgit2 error";
}

static int gitfail(const char *what)
{
	return crm_error_set(CRM_EFAIL, "%s: %s", what, gitmsg());
}

char *crm_sync_take_side(const char *text, size_t len, char side, size_t *out_len)
{
	crm_buf o = CRM_BUF_INIT;
	int state = 0; /* 0 outside, 1 ours, 2 base, 3 theirs */
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		size_t n = (size_t)(next - p);
		bool marker = n >= 7 && (next - p == 7 || p[7] == ' ' || p[7] == '\n' || p[7] == '\r');
		if (marker && !strncmp(p, "<<<<<<<", 7) && state == 0)
			state = 1;
		else if (marker && !strncmp(p, "|||||||", 7) && state == 1)
			state = 2;
		else if (marker && !strncmp(p, "=======", 7) && (state == 1 || state == 2))
			state = 3;
		else if (marker && !strncmp(p, ">>>>>>>", 7) && state == 3)
			state = 0;
		else if (state == 0 || (state == 1 && side == 'o') || (state == 3 && side == 't'))
			crm_buf_put(&o, p, n);
		p = next;
	}
	*out_len = o.len;
	crm_buf_putc(&o, 0);
	return crm_buf_detach(&o);
}

void crm_sync_result_free(crm_sync_result *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nchanged; i++)
		free(s->changed[i]);
	free(s->changed);
	for (size_t i = 0; i < s->nrenumbered; i++) {
		crm_sync_renumber *x = &s->renumbered[i];
		free(x->from), free(x->to), free(x->path), free(x->name), free(x->taken_by);
	}
	free(s->renumbered);
	for (size_t i = 0; i < s->nconflicts; i++) {
		crm_sync_conflict *c = &s->conflicts[i];
		free(c->path), free(c->id), free(c->name), free(c->field), free(c->ours);
		free(c->theirs), free(c->ours_by), free(c->theirs_by);
	}
	free(s->conflicts);
	crm_diags_free(&s->invalid);
	free(s);
}

/* What one side did to a path since the base. */
typedef struct {
	const char *path;
	git_oid oid; /* zero when deleted */
	uint16_t mode;
	bool deleted, added;
} side_change;

typedef struct {
	side_change *v;
	size_t n;
	git_diff *diff;
} side_diffs;

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const side_change *)a)->path, ((const side_change *)b)->path);
}

static int side_diff(side_diffs *s, git_repository *repo, git_tree *base, git_tree *tip)
{
	if (git_diff_tree_to_tree(&s->diff, repo, base, tip, NULL) < 0)
		return gitfail("cannot compare the trees");
	s->n = git_diff_num_deltas(s->diff);
	s->v = crm_xcalloc(s->n ? s->n : 1, sizeof *s->v);
	for (size_t i = 0; i < s->n; i++) {
		const git_diff_delta *d = git_diff_get_delta(s->diff, i);
		side_change *c = &s->v[i];
		c->deleted = d->status == GIT_DELTA_DELETED;
		c->added = d->status == GIT_DELTA_ADDED;
		c->path = c->deleted ? d->old_file.path : d->new_file.path;
		c->oid = d->new_file.id;
		c->mode = d->new_file.mode;
	}
	qsort(s->v, s->n, sizeof *s->v, cmp_change);
	return 0;
}

static const side_change *side_find(const side_diffs *s, const char *path)
{
	side_change key = {.path = path};
	return bsearch(&key, s->v, s->n, sizeof *s->v, cmp_change);
}

static void side_free(side_diffs *s)
{
	free(s->v);
	git_diff_free(s->diff);
}

/* The bytes of `path` in `tree` (NUL-terminated), NULL when absent. */
static char *tree_read(git_repository *repo, git_tree *tree, const char *path, size_t *len)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	char *out = NULL;
	*len = 0;
	if (git_tree_entry_bypath(&e, tree, path) < 0) {
		git_error_clear();
		return NULL;
	}
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) == 0) {
		*len = (size_t)git_blob_rawsize(blob);
		out = crm_xmalloc(*len + 1);
		memcpy(out, git_blob_rawcontent(blob), *len);
		out[*len] = 0;
	}
	git_blob_free(blob);
	git_tree_entry_free(e);
	return out;
}

static char *base_name_id(const char *path)
{
	const char *s = strrchr(path, '/');
	s = s ? s + 1 : path;
	size_t n = strlen(s);
	if (n > 5 && !strcmp(s + n - 5, ".yaml"))
		n -= 5;
	char *id = crm_xmalloc(n + 1);
	memcpy(id, s, n);
	id[n] = 0;
	return id;
}

/* A top-level scalar of a record's text, or NULL. */
static char *text_field(const char *text, size_t len, const char *path)
{
	crm_doc *d;
	char *v = NULL;
	if (!text || crm_doc_parse(&d, "", text, len, NULL) < 0) {
		crm_error_clear();
		return NULL;
	}
	const crm_node *n = d->root ? crm_node_at(d->root, path) : NULL;
	if (n && n->kind == CRM_NODE_SCALAR)
		v = crm_xstrdup(n->value);
	crm_doc_free(d);
	return v;
}

/* Author of the newest commit from `tip` (not reachable from `base`) that changed `path`. */
static char *last_author(git_repository *repo, const git_oid *tip, const git_oid *base,
			 const char *path)
{
	git_revwalk *w = NULL;
	git_oid oid;
	char *who = NULL;
	if (git_revwalk_new(&w, repo) < 0)
		return NULL;
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	git_revwalk_push(w, tip);
	git_revwalk_hide(w, base);
	while (!who && git_revwalk_next(&oid, w) == 0) {
		git_commit *c = NULL, *p = NULL;
		git_tree *t = NULL, *pt = NULL;
		git_tree_entry *e = NULL, *pe = NULL;
		if (git_commit_lookup(&c, repo, &oid) < 0)
			break;
		git_commit_tree(&t, c);
		if (git_commit_parentcount(c) > 0 && git_commit_parent(&p, c, 0) == 0)
			git_commit_tree(&pt, p);
		bool has = t && git_tree_entry_bypath(&e, t, path) == 0;
		bool phas = pt && git_tree_entry_bypath(&pe, pt, path) == 0;
		if (has != phas || (has && !git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(pe))))
			who = crm_xstrdup(git_commit_author(c)->name);
		git_tree_entry_free(e), git_tree_entry_free(pe);
		git_tree_free(t), git_tree_free(pt);
		git_commit_free(c), git_commit_free(p);
	}
	git_error_clear();
	git_revwalk_free(w);
	return who;
}

/* Does `who` (id, id prefix, name fragment) name this record? */
static bool who_matches(const char *who, const char *id, const char *name)
{
	if (!*who)
		return false;
	if (!strncmp(id, who, strlen(who)))
		return true;
	return name && strcasestr(name, who);
}

static char settle_side(const crm_sync_opts *o, const char *id, const char *name)
{
	for (size_t i = 0; i < o->nours; i++)
		if (who_matches(o->ours_who[i], id, name))
			return 'o';
	for (size_t i = 0; i < o->ntheirs; i++)
		if (who_matches(o->theirs_who[i], id, name))
			return 't';
	return o->rest;
}

typedef struct {
	git_repository *repo;
	crm_repo *r;
	crm_book *book;
	const crm_sync_opts *o;
	crm_sync_result *res;
	git_index *idx;         /* the merged tree being built, from ours */
	git_oid ours, theirs, base;
	char **validate;        /* record paths to validate */
	size_t nvalidate;
} merger;

static void add_conflict(merger *m, const char *path, const char *name, const char *field,
			 const char *ours, const char *theirs)
{
	crm_sync_result *s = m->res;
	s->conflicts = crm_xrealloc(s->conflicts, (s->nconflicts + 1) * sizeof *s->conflicts);
	crm_sync_conflict *c = &s->conflicts[s->nconflicts++];
	c->path = crm_xstrdup(path);
	c->id = crm_is_record_path(path) ? base_name_id(path) : crm_xstrdup("");
	c->name = name ? crm_xstrdup(name) : NULL;
	c->field = crm_xstrdup(field);
	c->ours = ours ? crm_xstrdup(ours) : NULL;
	c->theirs = theirs ? crm_xstrdup(theirs) : NULL;
	c->ours_by = last_author(m->repo, &m->ours, &m->base, path);
	c->theirs_by = last_author(m->repo, &m->theirs, &m->base, path);
}

/* Put `text` (NULL: remove) at `path` in the merged index. */
static int idx_put(merger *m, const char *path, const char *text, size_t len, uint16_t mode)
{
	if (!text) {
		if (git_index_remove(m->idx, path, 0) < 0)
			git_error_clear();
		return 0;
	}
	git_index_entry e = {0};
	e.path = path;
	e.mode = mode ? mode : GIT_FILEMODE_BLOB;
	if (git_blob_create_from_buffer(&e.id, m->repo, text, len) < 0)
		return gitfail("cannot store a merged file");
	e.file_size = (uint32_t)len;
	if (git_index_add(m->idx, &e) < 0)
		return gitfail("cannot build the merged tree");
	return 0;
}

static int idx_put_oid(merger *m, const char *path, const git_oid *oid, uint16_t mode)
{
	git_index_entry e = {0};
	e.path = path;
	e.mode = mode;
	e.id = *oid;
	if (git_index_add(m->idx, &e) < 0)
		return gitfail("cannot build the merged tree");
	return 0;
}

static void want_validate(merger *m, const char *path)
{
	m->validate = crm_xrealloc(m->validate, (m->nvalidate + 1) * sizeof *m->validate);
	m->validate[m->nvalidate++] = crm_xstrdup(path);
}

/* A path changed on both sides, differently. */
static int merge_both(merger *m, git_tree *bt, git_tree *ot, git_tree *tt, const char *path,
		      uint16_t mode, bool *collision)
{
	size_t bl, ol, tl;
	char *bs = tree_read(m->repo, bt, path, &bl), *os = tree_read(m->repo, ot, path, &ol),
	     *ts = tree_read(m->repo, tt, path, &tl);
	int rc = 0;
	bool record = crm_is_record_path(path);
	char *name = text_field(os ? os : ts, os ? ol : tl, "name");
	char *id = record ? base_name_id(path) : crm_xstrdup("");
	*collision = false;
	if (record && !bs && os && ts) {
		char *tname = text_field(ts, tl, "name");
		bool differ = !name || !tname || strcmp(name, tname);
		free(tname);
		if (differ) {
			*collision = true; /* renumbered by the caller */
			goto done;
		}
	}
	m->res->nmerged++;
	if (record) {
		crm_merge_result *mr = NULL;
		crm_merge_opts mo = {.path = path};
		if ((rc = crm_record_merge(&mr, bs, bl, os, ol, ts, tl, &mo)) < 0)
			goto done;
		if (mr->nconflicts) {
			char side = settle_side(m->o, id, name);
			bool whole = mr->nconflicts == 1 && !*mr->conflicts[0].path;
			if (side && whole && (!os || !ts)) {
				const char *keep = side == 'o' ? os : ts;
				rc = idx_put(m, path, keep, side == 'o' ? ol : tl, mode);
				if (keep)
					want_validate(m, path);
			} else if (side) {
				size_t n;
				char *t = crm_sync_take_side(mr->text, mr->len, side, &n);
				rc = idx_put(m, path, t, n, mode);
				want_validate(m, path);
				free(t);
			} else {
				for (size_t i = 0; i < mr->nconflicts; i++) {
					const crm_merge_conflict *c = &mr->conflicts[i];
					const char *ov = c->ours, *tv = c->theirs;
					if (!*c->path && !c->ours && !c->theirs && mr->line_merge)
						ov = "(not a valid record)", tv = NULL;
					if (!*c->path && (!os || !ts)) {
						ov = os ? "changed" : NULL;
						tv = ts ? "changed" : NULL;
					}
					add_conflict(m, path, name, c->path, ov, tv);
				}
			}
		} else if (mr->deleted || !mr->text) {
			rc = idx_put(m, path, NULL, 0, 0);
		} else {
			rc = idx_put(m, path, mr->text, mr->len, mode);
			want_validate(m, path);
		}
		crm_merge_result_free(mr);
		goto done;
	}
	/* other files: git's line merge; deleted against changed is a conflict */
	char side = settle_side(m->o, "", NULL);
	if (!os || !ts) {
		if (side)
			rc = idx_put(m, path, side == 'o' ? os : ts, side == 'o' ? ol : tl, mode);
		else
			add_conflict(m, path, NULL, "", os ? "changed" : NULL, ts ? "changed" : NULL);
		goto done;
	}
	crm_buf out = CRM_BUF_INIT;
	bool conflicted = false;
	if ((rc = crm_merge_text(&out, &conflicted, path, bs ? bs : "", bl, os, ol, ts, tl)) == 0) {
		if (conflicted && !side) {
			add_conflict(m, path, NULL, "", "changed", "changed");
		} else if (conflicted) {
			size_t n;
			char *t = crm_sync_take_side(out.ptr, out.len, side, &n);
			rc = idx_put(m, path, t, n, mode);
			free(t);
		} else {
			rc = idx_put(m, path, crm_buf_cstr(&out), out.len, mode);
		}
	}
	crm_buf_free(&out);
done:
	free(id);
	free(name);
	free(bs), free(os), free(ts);
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const crm_entry *)a)->path, ((const crm_entry *)b)->path);
}

/* Every record of the merged index, for choosing a free id. */
static crm_entry *index_entries(git_index *idx, size_t *n)
{
	size_t cnt = git_index_entrycount(idx), k = 0;
	crm_entry *v = crm_xcalloc(cnt + 1, sizeof *v);
	for (size_t i = 0; i < cnt; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		if (!crm_is_record_path(e->path))
			continue;
		v[k].path = crm_xstrdup(e->path);
		v[k].id = base_name_id(e->path);
		k++;
	}
	*n = k;
	return v;
}

/*
 * Ours' record at `path` collides with theirs' under the same id: give ours
 * the next free id. Builds a commit on top of `*parent` (moved to it) that
 * renames the file and changes its `id:`; the merged index gets theirs at
 * path and ours at the new one.
 */
static int renumber(merger *m, git_tree *ot, git_tree *tt, const char *path, const side_change *tc,
		    char *parent, const char *remote)
{
	size_t ol, tl;
	char *os = tree_read(m->repo, ot, path, &ol), *ts = tree_read(m->repo, tt, tc->path, &tl);
	char *oldid = base_name_id(path), *newid = NULL, *newpath = NULL, *name = NULL,
	     *tname = NULL, *date = NULL;
	crm_doc *d = NULL;
	crm_entry *ents = NULL;
	size_t nents = 0;
	git_index *ri = NULL;
	git_commit *pc = NULL;
	git_tree *ptree = NULL;
	int rc = 0;
	name = text_field(os, ol, "name");
	tname = text_field(ts, tl, "name");
	date = text_field(os, ol, "first_contact.date");
	crm_date day;
	if (!date || !crm_date_parse_iso(&day, date)) {
		rc = crm_error_set(CRM_EFAIL, "%s: id %s is taken on %s, and this record has no "
					      "first_contact.date to choose a new id from; fix it, "
					      "commit, and sync again", path, oldid, remote);
		goto done;
	}
	ents = index_entries(m->idx, &nents);
	qsort(ents, nents, sizeof *ents, cmp_entry);
	newid = crm_book_next_id(m->book, day, ents, nents);
	const char *slash = strrchr(path, '/');
	newpath = crm_xasprintf("%.*s/%s.yaml", (int)(slash - path), path, newid);
	if ((rc = crm_doc_parse(&d, path, os, ol, NULL)) < 0)
		goto done;
	const crm_node *idn = crm_node_at(d->root, "id");
	if (!idn || idn->kind != CRM_NODE_SCALAR) {
		rc = crm_error_set(CRM_EFAIL, "%s: no id to renumber", path);
		goto done;
	}
	char *ins = idn->style == CRM_STYLE_SQUOTED ? crm_xasprintf("'%s'", newid)
		    : idn->style == CRM_STYLE_PLAIN ? crm_xstrdup(newid)
						     : crm_xasprintf("\"%s\"", newid);
	rc = crm_edit_splice(&d, idn->start, idn->end - idn->start, ins, strlen(ins));
	free(ins);
	if (rc < 0)
		goto done;
	/* the renumber commit: our tree with the file renamed */
	git_oid poid, toid;
	if (git_oid_fromstr(&poid, parent) < 0 || git_commit_lookup(&pc, m->repo, &poid) < 0 ||
	    git_commit_tree(&ptree, pc) < 0 || git_index_new(&ri) < 0 ||
	    git_index_read_tree(ri, ptree) < 0) {
		rc = gitfail("cannot read our commit");
		goto done;
	}
	git_index_entry e = {0};
	e.path = newpath;
	e.mode = GIT_FILEMODE_BLOB;
	if (git_blob_create_from_buffer(&e.id, m->repo, d->src, d->len) < 0 ||
	    git_index_remove(ri, path, 0) < 0 || git_index_add(ri, &e) < 0 ||
	    git_index_write_tree_to(&toid, ri, m->repo) < 0) {
		rc = gitfail("cannot build the renumber commit");
		goto done;
	}
	char tree[41], *msg = crm_xasprintf("renumber %s -> %s: id taken by %s on %s", oldid, newid,
					    tname ? tname : "another customer", remote);
	git_oid_tostr(tree, sizeof tree, &toid);
	const char *parents[] = {parent};
	char oid[41];
	rc = crm_repo_commit_tree(m->r, tree, parents, 1, m->o->name, m->o->email, msg, oid);
	free(msg);
	if (rc < 0)
		goto done;
	strcpy(parent, oid);
	/* theirs keeps the id: at our path when both used it, else where theirs put it */
	if ((rc = strcmp(path, tc->path) ? idx_put(m, path, NULL, 0, 0)
					 : idx_put_oid(m, path, &tc->oid, tc->mode)) < 0 ||
	    (rc = idx_put_oid(m, newpath, &e.id, GIT_FILEMODE_BLOB)) < 0)
		goto done;
	want_validate(m, newpath);
	crm_sync_result *s = m->res;
	s->renumbered = crm_xrealloc(s->renumbered, (s->nrenumbered + 1) * sizeof *s->renumbered);
	crm_sync_renumber *x = &s->renumbered[s->nrenumbered++];
	x->from = oldid, oldid = NULL;
	x->to = newid, newid = NULL;
	x->path = newpath, newpath = NULL;
	x->name = name, name = NULL;
	x->taken_by = tname, tname = NULL;
	strcpy(x->commit, oid);
done:
	crm_entries_free(ents, nents);
	crm_doc_free(d);
	git_index_free(ri);
	git_tree_free(ptree);
	git_commit_free(pc);
	free(os), free(ts), free(oldid), free(newid), free(newpath), free(name), free(tname);
	free(date);
	return rc;
}

/*
 * A record ours added elsewhere under the id of `path`, which theirs added,
 * for a different customer (by name): the same id in two folders. NULL when none.
 */
static const char *added_same_id(merger *m, const side_diffs *os, git_tree *ot, git_tree *tt,
				 const char *path)
{
	const char *found = NULL;
	char *id = base_name_id(path);
	for (size_t i = 0; i < os->n && !found; i++) {
		const side_change *c = &os->v[i];
		if (!c->added || !crm_is_record_path(c->path) || !strcmp(c->path, path))
			continue;
		char *oid = base_name_id(c->path);
		if (!strcmp(oid, id)) {
			size_t ol, tl;
			char *otext = tree_read(m->repo, ot, c->path, &ol);
			char *ttext = tree_read(m->repo, tt, path, &tl);
			char *on = text_field(otext, ol, "name"), *tn = text_field(ttext, tl, "name");
			if (!on || !tn || strcmp(on, tn))
				found = c->path;
			free(otext), free(ttext), free(on), free(tn);
		}
		free(oid);
	}
	free(id);
	return found;
}

/* Validate the records the merge made; problems go to res->invalid. */
static size_t validate(merger *m)
{
	size_t errors = 0;
	for (size_t i = 0; i < m->nvalidate; i++) {
		const char *path = m->validate[i];
		const git_index_entry *e = git_index_get_bypath(m->idx, path, 0);
		git_blob *blob = NULL;
		if (!e || git_blob_lookup(&blob, m->repo, &e->id) < 0) {
			git_error_clear();
			continue;
		}
		char *id = base_name_id(path);
		crm_record *r = NULL;
		crm_diags d = {0};
		if (crm_record_new(&r, path, id, git_blob_rawcontent(blob),
				   (size_t)git_blob_rawsize(blob)) < 0) {
			crm_diags_add(&d, path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
			crm_error_clear();
		} else {
			r->config = m->book->config;
			crm_record_check(m->book, r, &d);
		}
		size_t n = crm_diags_errors(&d);
		if (n)
			crm_diags_extend(&m->res->invalid, &d);
		errors += n;
		crm_diags_free(&d);
		crm_record_free(r);
		free(id);
		git_blob_free(blob);
	}
	return errors;
}

static void add_changed(crm_sync_result *s, const char *path)
{
	s->changed = crm_xrealloc(s->changed, (s->nchanged + 1) * sizeof *s->changed);
	s->changed[s->nchanged++] = crm_xstrdup(path);
}

/* Remove empty folders up from `rel`'s, inside the book. */
static void prune_dirs(const char *root, const char *rel)
{
	char *p = crm_xstrdup(rel);
	char *s;
	while ((s = strrchr(p, '/'))) {
		*s = 0;
		char *abs = crm_xasprintf("%s%s", root, p);
		int e = rmdir(abs);
		free(abs);
		if (e)
			break;
	}
	free(p);
}

/* Make the working tree and index hold `to` where they held `from`: HEAD has moved. */
static int apply_tree(crm_repo *r, git_tree *from, git_tree *to, crm_sync_result *s)
{
	git_repository *repo = crm_repo_git(r);
	git_diff *diff = NULL;
	git_index *idx = NULL;
	int rc = 0;
	const char *root = crm_repo_workdir(r);
	if (git_diff_tree_to_tree(&diff, repo, from, to, NULL) < 0)
		return gitfail("cannot compare the trees");
	if (git_repository_index(&idx, repo) < 0) {
		git_diff_free(diff);
		return gitfail("cannot read the index");
	}
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n && !rc; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status == GIT_DELTA_DELETED) {
			char *abs = crm_xasprintf("%s%s", root, d->old_file.path);
			unlink(abs);
			free(abs);
			prune_dirs(root, d->old_file.path);
			if (git_index_remove_bypath(idx, d->old_file.path) < 0)
				git_error_clear();
			add_changed(s, d->old_file.path);
			continue;
		}
		git_blob *blob = NULL;
		if (git_blob_lookup(&blob, repo, &d->new_file.id) < 0) {
			rc = gitfail("cannot read a merged file");
			break;
		}
		char *abs = crm_xasprintf("%s%s", root, d->new_file.path);
		rc = crm_write_atomic(abs, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
		if (!rc && d->new_file.mode == GIT_FILEMODE_BLOB_EXECUTABLE)
			chmod(abs, 0755);
		free(abs);
		git_blob_free(blob);
		if (!rc && git_index_add_bypath(idx, d->new_file.path) < 0)
			git_error_clear();
		add_changed(s, d->new_file.path);
	}
	if (!rc && git_index_write(idx) < 0)
		git_error_clear(); /* the commit stands; git status shows the paths until git add */
	git_index_free(idx);
	git_diff_free(diff);
	return rc;
}

int crm_sync_merge(crm_sync_result **out, crm_book *b, crm_repo *r, const crm_sync_opts *o)
{
	git_repository *repo = crm_repo_git(r);
	crm_sync_result *s = crm_xcalloc(1, sizeof *s);
	merger m = {.repo = repo, .r = r, .book = b, .o = o, .res = s};
	git_commit *oc = NULL, *tc = NULL, *bc = NULL;
	git_tree *ot = NULL, *tt = NULL, *bt = NULL, *nt = NULL;
	side_diffs os = {0}, ts = {0};
	int rc = 0;
	*out = NULL;
	if (git_reference_name_to_id(&m.ours, repo, "HEAD") < 0) {
		rc = crm_error_set(CRM_EFAIL, "the book has no commit yet");
		goto fail;
	}
	git_oid_tostr(s->head, sizeof s->head, &m.ours);
	if (git_reference_name_to_id(&m.theirs, repo, o->remote_ref) < 0) {
		git_error_clear();
		s->state = CRM_SYNC_UPTODATE;
		goto ok;
	}
	if (git_oid_equal(&m.ours, &m.theirs) || git_graph_descendant_of(repo, &m.ours, &m.theirs) == 1) {
		s->state = CRM_SYNC_UPTODATE;
		goto ok;
	}
	if (git_merge_base(&m.base, repo, &m.ours, &m.theirs) < 0) {
		rc = crm_error_set(CRM_EFAIL, "this book and %s have no history in common; they are "
					      "different books", o->remote);
		goto fail;
	}
	if (git_commit_lookup(&oc, repo, &m.ours) < 0 || git_commit_lookup(&tc, repo, &m.theirs) < 0 ||
	    git_commit_lookup(&bc, repo, &m.base) < 0 || git_commit_tree(&ot, oc) < 0 ||
	    git_commit_tree(&tt, tc) < 0 || git_commit_tree(&bt, bc) < 0) {
		rc = gitfail("cannot read the commits to merge");
		goto fail;
	}
	char theirs_hex[41];
	git_oid_tostr(theirs_hex, sizeof theirs_hex, &m.theirs);
	if (git_oid_equal(&m.base, &m.ours)) {
		if ((rc = crm_repo_move_head(r, s->head, theirs_hex, "crm sync: fast-forward")) < 0 ||
		    (rc = apply_tree(r, ot, tt, s)) < 0)
			goto fail;
		strcpy(s->head, theirs_hex);
		s->state = CRM_SYNC_FASTFORWARD;
		goto ok;
	}
	if ((rc = side_diff(&os, repo, bt, ot)) < 0 || (rc = side_diff(&ts, repo, bt, tt)) < 0)
		goto fail;
	if (git_index_new(&m.idx) < 0 || git_index_read_tree(m.idx, ot) < 0) {
		rc = gitfail("cannot read our tree");
		goto fail;
	}
	char parent[41];
	strcpy(parent, s->head);
	size_t *collide = crm_xcalloc(ts.n + 1, sizeof *collide), ncollide = 0;
	const char **collide_ours = crm_xcalloc(ts.n + 1, sizeof *collide_ours);
	for (size_t i = 0; i < ts.n && !rc; i++) {
		const side_change *t = &ts.v[i], *w = side_find(&os, t->path);
		if (!w) {
			rc = t->deleted ? idx_put(&m, t->path, NULL, 0, 0)
					: idx_put_oid(&m, t->path, &t->oid, t->mode);
			if (!t->deleted && crm_is_record_path(t->path)) {
				want_validate(&m, t->path);
				const char *other = t->added ? added_same_id(&m, &os, ot, tt, t->path) : NULL;
				if (other) {
					collide_ours[ncollide] = other;
					collide[ncollide++] = i;
				}
			}
			continue;
		}
		if (w->deleted == t->deleted && git_oid_equal(&w->oid, &t->oid) && w->mode == t->mode)
			continue;
		bool collision;
		rc = merge_both(&m, bt, ot, tt, t->path, w->mode ? w->mode : t->mode, &collision);
		if (collision) {
			collide_ours[ncollide] = t->path;
			collide[ncollide++] = i;
		}
	}
	/* renumbering only when everything else merged: a conflict changes nothing */
	if (!rc && !s->nconflicts)
		for (size_t k = 0; k < ncollide && !rc; k++)
			rc = renumber(&m, ot, tt, collide_ours[k], &ts.v[collide[k]], parent, o->remote);
	free(collide);
	free(collide_ours);
	if (rc < 0)
		goto fail;
	if (s->nconflicts || validate(&m)) {
		s->state = CRM_SYNC_CONFLICT;
		goto ok;
	}
	git_oid toid;
	if (git_index_write_tree_to(&toid, m.idx, repo) < 0) {
		rc = gitfail("cannot write the merged tree");
		goto fail;
	}
	char tree[41], commit[41];
	git_oid_tostr(tree, sizeof tree, &toid);
	const char *parents[] = {parent, theirs_hex};
	char *msg = s->nmerged ? crm_xasprintf("merge %s: %zu file%s merged from both sides", o->remote,
					       s->nmerged, s->nmerged == 1 ? "" : "s")
			       : crm_xasprintf("merge %s", o->remote);
	rc = crm_repo_commit_tree(r, tree, parents, 2, o->name, o->email, msg, commit);
	free(msg);
	if (rc < 0 || (rc = crm_repo_move_head(r, s->head, commit, "crm sync: merge")) < 0)
		goto fail;
	if (git_tree_lookup(&nt, repo, &toid) < 0) {
		rc = gitfail("cannot read the merged tree");
		goto fail;
	}
	strcpy(s->head, commit);
	if ((rc = apply_tree(r, ot, nt, s)) < 0)
		goto fail;
	s->state = CRM_SYNC_MERGED;
ok:
	*out = s;
	s = NULL;
fail:
	crm_sync_result_free(s);
	for (size_t i = 0; i < m.nvalidate; i++)
		free(m.validate[i]);
	free(m.validate);
	git_index_free(m.idx);
	side_free(&os), side_free(&ts);
	git_tree_free(ot), git_tree_free(tt), git_tree_free(bt), git_tree_free(nt);
	git_commit_free(oc), git_commit_free(tc), git_commit_free(bc);
	return rc;
}
