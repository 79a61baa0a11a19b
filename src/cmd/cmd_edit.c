/*
 * crm edit WHO: open a private copy of the record in $VISUAL/$EDITOR,
 * check it when the editor exits, and commit it when it is valid.
 *
 * The copy lives in .git/crm/edit/ID.yaml (mode 0600), next to ID.orig, the
 * record's bytes when the copy was made. The book is not locked while the
 * editor is open (a person may take minutes); when committing, under the
 * lock, the record must still hold those bytes, or we refuse rather than
 * overwrite someone else's change. A copy that cannot be committed stays
 * where it is, and the next `crm edit` of that record goes on with it.
 */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/buf.h"
#include "crm/editor.h"
#include "crm/record.h"
#include "crm/txn.h"

/* One edit of one record: where its copy is and what the record held. */
typedef struct {
	crm_book *b;
	char *id, *path; /* the record, as found when the edit started */
	char *copy;      /* absolute path of the copy given to the editor */
	char *orig;      /* absolute path of ID.orig: the record's bytes then */
	char *rel;       /* the copy's path for messages: .git/crm/edit/ID.yaml */
	crm_buf base;    /* the record's bytes when the copy was made */
	crm_buf text;    /* the copy's bytes after the editor */
} edit;

static bool same(const crm_buf *a, const crm_buf *b)
{
	return a->len == b->len && (!a->len || memcmp(a->ptr, b->ptr, a->len) == 0);
}

static int slurp(crm_buf *out, const char *abs)
{
	crm_buf_truncate(out, 0);
	int rc = crm_buf_read_file(out, abs);
	crm_buf_puts(out, ""); /* never NULL, even for an empty file */
	return rc;
}

static void drop_copy(edit *ed)
{
	unlink(ed->copy);
	unlink(ed->orig);
}

/* Make the folders of .git/crm/edit, private to the owner. */
static int make_dir(const crm_book *b)
{
	char *crm = crm_xasprintf("%s/crm", b->gitdir), *dir = crm_xasprintf("%s/edit", crm);
	int rc = 0;
	if ((mkdir(crm, 0755) && errno != EEXIST) || (mkdir(dir, 0700) && errno != EEXIST))
		rc = crm_error_errno(CRM_EIO, "cannot make %s", dir);
	free(crm);
	free(dir);
	return rc;
}

/*
 * Make the copy, or go on with the one an earlier edit left when the
 * record has not changed since. Returns 0, 1 when an earlier copy is
 * resumed, or an exit code (after printing) as a negative number.
 */
static int prepare(edit *ed)
{
	struct stat st;
	if (lstat(ed->copy, &st) == 0) {
		crm_buf kept = CRM_BUF_INIT, kbase = CRM_BUF_INIT;
		int ok = slurp(&kept, ed->copy) == 0 && S_ISREG(st.st_mode);
		bool unchanged = ok && same(&kept, &ed->base);
		bool resumable = ok && !unchanged && slurp(&kbase, ed->orig) == 0 &&
				 same(&kbase, &ed->base);
		crm_buf_free(&kept);
		crm_buf_free(&kbase);
		crm_error_clear();
		if (resumable) {
			cmd_note("going on with your unfinished edit of %s kept in %s (delete it to start "
				 "over)", ed->id, ed->rel);
			return 1;
		}
		if (!unchanged) {
			cmd_error("an earlier edit of %s is kept in %s, but %s has changed since; copy what "
				  "you need from it into the record, then delete it and run 'crm edit %s' "
				  "again", ed->id, ed->rel, ed->path, ed->id);
			return -1;
		}
	}
	int rc = make_dir(ed->b);
	if (!rc)
		rc = crm_write_private(ed->orig, ed->base.ptr, ed->base.len);
	if (!rc)
		rc = crm_write_private(ed->copy, ed->base.ptr, ed->base.len);
	if (rc) {
		drop_copy(ed);
		return -cmd_fail(rc);
	}
	return 0;
}

/* Check the edited text as the record itself (diagnostics name its real path). */
static size_t check(edit *ed, crm_diags *d)
{
	crm_doc *doc = NULL;
	if (crm_doc_parse(&doc, ed->path, ed->text.ptr, ed->text.len, d) != 0) {
		if (!crm_diags_errors(d))
			crm_diags_add(d, ed->path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
		return crm_diags_errors(d);
	}
	crm_record r = {ed->path, ed->id, doc, NULL, 0};
	crm_record_check(ed->b, &r, d);
	crm_doc_free(doc);
	return crm_diags_errors(d);
}

/* Ask on the terminal; yes unless the answer starts with n. */
static bool ask_reopen(void)
{
	char line[64];
	fputs("Reopen the editor? [Y/n] ", stderr);
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin))
		return false;
	const char *p = line + strspn(line, " \t");
	return *p != 'n' && *p != 'N';
}

/*
 * Commit the edited text under the book lock, if the record still holds the
 * bytes it held when the copy was made. Returns the exit code.
 */
static int commit(edit *ed)
{
	crm_txn *t = NULL;
	crm_record *r = NULL;
	crm_buf cur = CRM_BUF_INIT;
	char *what = crm_xasprintf("edit %s", ed->id), *msg = NULL;
	int rc = 1;
	int e = crm_txn_begin(&t, ed->b, what);
	if (!e)
		e = crm_txn_scan(t);
	if (e) {
		cmd_fail(e);
		goto kept;
	}
	size_t k = t->nentries;
	for (size_t i = 0; i < t->nentries && k == t->nentries; i++)
		if (!strcmp(t->entries[i].id, ed->id))
			k = i;
	if (k == t->nentries) {
		cmd_error("%s was removed while you were editing it; nothing committed", ed->id);
		goto kept;
	}
	char *abs = crm_book_abs(ed->b, t->entries[k].path);
	e = t->entries[k].symlink ? crm_error_set(CRM_EFAIL, "%s is a symbolic link; crm never "
							     "writes through links", t->entries[k].path)
				  : slurp(&cur, abs);
	free(abs);
	if (e) {
		cmd_fail(e);
		goto kept;
	}
	if (!same(&cur, &ed->base)) {
		cmd_error("%s was changed by someone else while you were editing it; nothing "
			  "committed, so as not to undo their change", t->entries[k].path);
		goto kept;
	}
	e = crm_txn_open(t, ed->id, &r);
	if (!e) {
		crm_doc *doc;
		e = crm_doc_parse(&doc, r->path, ed->text.ptr, ed->text.len, NULL);
		if (!e) {
			crm_doc_free(r->doc);
			r->doc = doc;
		}
	} else if (e == CRM_EINVALID) {
		/*
		 * The record on disk is not YAML (a bad hand edit or merge): that is
		 * what this edit repairs. The transaction cannot read it, so it is
		 * handed the new text with the old bytes as what to restore.
		 */
		crm_diags_free(&t->diags);
		crm_error_clear();
		e = crm_record_new(&r, t->entries[k].path, ed->id, ed->text.ptr, ed->text.len);
		if (!e) {
			r->orig_len = cur.len;
			r->orig = crm_buf_detach(&cur);
			t->records = crm_xrealloc(t->records, (t->nrecords + 1) * sizeof *t->records);
			t->records[t->nrecords++] = r;
		}
	}
	if (e) {
		cmd_print_diags(&t->diags);
		cmd_fail(e);
		goto kept;
	}
	const char *name = crm_record_str(r, "name");
	msg = crm_xasprintf("edit %s: %s", ed->id, name ? name : "");
	e = crm_txn_commit(t, NULL, msg);
	if (e < 0) {
		cmd_print_diags(&t->diags);
		cmd_fail(e);
		goto kept;
	}
	drop_copy(ed);
	cmd_note("committed %s", msg);
	rc = 0;
	goto done;
kept:
	cmd_note("your edit is kept in %s ('crm edit %s' goes on with it)", ed->rel, ed->id);
done:
	crm_buf_free(&cur);
	free(what);
	free(msg);
	crm_txn_free(t);
	return rc;
}

/* Run the editor until the copy is valid, unchanged or given up; then commit. */
static int session(edit *ed, bool resumed)
{
	for (;;) {
		int e = crm_editor_run(crm_editor_command(), ed->copy);
		if (e == CRM_EUSAGE || e == CRM_EIO) {
			if (!resumed)
				drop_copy(ed);
			cmd_fail(e);
			fputs("crm: set VISUAL or EDITOR to the command that starts your editor, e.g. "
			      "EDITOR=nano or EDITOR='code --wait'\n", stderr);
			return 1;
		}
		if (slurp(&ed->text, ed->copy)) {
			cmd_fail(CRM_EIO);
			cmd_error("the copy %s was lost; nothing committed", ed->rel);
			return 1;
		}
		bool unchanged = same(&ed->text, &ed->base);
		if (e) {
			const char *why = crm_error_last();
			cmd_error("%s: edit abandoned, nothing committed", why);
			if (unchanged)
				drop_copy(ed);
			else
				cmd_note("your edit is kept in %s ('crm edit %s' goes on with it)", ed->rel,
					 ed->id);
			return 1;
		}
		if (unchanged) {
			drop_copy(ed);
			cmd_note("no changes to %s; nothing committed", ed->id);
			return 0;
		}
		crm_diags d = {0};
		size_t errors = check(ed, &d);
		cmd_print_diags(&d);
		crm_diags_free(&d);
		if (!errors)
			return commit(ed);
		fprintf(stderr, "crm: %s is not valid: %zu error%s\n", ed->id, errors,
			errors == 1 ? "" : "s");
		resumed = true; /* the copy now holds the person's work: never drop it */
		if (isatty(STDIN_FILENO) && ask_reopen())
			continue;
		cmd_error("%s is not valid; nothing committed; your edit is kept in %s (fix it with "
			  "'crm edit %s', which goes on with it)", ed->id, ed->rel, ed->id);
		return 1;
	}
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{0}};
	int c;
	while ((c = cmd_getopt(&cmd_edit, argc, argv, "", opts)) != -1)
		if (c == '?')
			return 2;
	if (optind >= argc)
		return cmd_usage_error(&cmd_edit, "name the customer to edit");
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_edit, "one customer at a time: unexpected '%s'",
				       argv[optind + 1]);
	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	edit ed = {.b = b, .base = CRM_BUF_INIT, .text = CRM_BUF_INIT};
	crm_entry *v = NULL;
	size_t n = 0, i;
	/* no lock yet: reading is safe (writers rename whole files) */
	int e = crm_book_scan(b, &v, &n);
	if (!e)
		e = crm_record_resolve(b, v, n, argv[optind], &i);
	if (!e && v[i].symlink)
		e = crm_error_set(CRM_EFAIL, "%s is a symbolic link; crm never writes through links",
				  v[i].path);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	ed.id = crm_xstrdup(v[i].id);
	ed.path = crm_xstrdup(v[i].path);
	ed.copy = crm_xasprintf("%s/crm/edit/%s.yaml", b->gitdir, ed.id);
	ed.orig = crm_xasprintf("%s/crm/edit/%s.orig", b->gitdir, ed.id);
	ed.rel = crm_xasprintf(".git/crm/edit/%s.yaml", ed.id);
	char *abs = crm_book_abs(b, ed.path);
	e = slurp(&ed.base, abs);
	free(abs);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	int p = prepare(&ed);
	if (p < 0) {
		rc = -p;
		goto done;
	}
	rc = session(&ed, p == 1);
done:
	crm_entries_free(v, n);
	crm_buf_free(&ed.base);
	crm_buf_free(&ed.text);
	free(ed.id);
	free(ed.path);
	free(ed.copy);
	free(ed.orig);
	free(ed.rel);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_edit = {
	"edit", "WHO", "edit a record in your text editor; commit it when it is valid",
	"  WHO   an id, a unique id prefix, or a unique part of the name\n"
	"\n"
	"Opens $VISUAL (else $EDITOR, else vi) on a private copy of the record in\n"
	".git/crm/edit/ID.yaml. When the editor exits, the copy is checked: a valid one\n"
	"replaces the record in one commit ('edit ID: NAME'); an unchanged one commits\n"
	"nothing. On errors, a terminal offers to reopen the editor; otherwise crm exits 1\n"
	"and keeps the copy, and the next 'crm edit' of that record goes on with it.\n"
	"An editor that exits with a non-zero status abandons the edit.\n",
	run,
};
