#include "crm/record.h"
#include "crm/buf.h"
#include "crm/index.h"
#include "crm/schema.h"
#include "crm/team.h"
#include "crm/utf8.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

const char *const crm_record_order[] = {
	"id", "name", "kind", "source", "owner", "first_contact", "company", "person",
	"contacts", "needs", "tags", "stage", "stage_history", "lost_reason", "deal",
	"dates", "notes", "followups", NULL,
};

int crm_record_load(crm_record **out, const crm_book *b, const crm_entry *e, crm_diags *diags)
{
	*out = NULL;
	char *abs = crm_book_abs(b, e->path);
	crm_buf text = CRM_BUF_INIT;
	/* O_NOFOLLOW: a record that is a symlink is refused, never read through */
	int rc = crm_buf_read_file_flags(&text, abs, O_NOFOLLOW);
	free(abs);
	if (rc) {
		if (diags && rc == CRM_EFAIL)
			crm_diags_add(diags, e->path, 0, 0, CRM_SEV_ERROR,
				      "is a symbolic link; records must be plain files");
		crm_buf_free(&text);
		return rc == CRM_EFAIL ? crm_error_set(CRM_EINVALID,
						       "%s is a symbolic link; records must be plain files",
						       e->path)
				       : rc;
	}
	crm_doc *doc = NULL;
	rc = crm_doc_parse(&doc, e->path, crm_buf_cstr(&text), text.len, diags);
	if (rc) {
		crm_buf_free(&text);
		return crm_error_set(CRM_EINVALID, "%s cannot be read as YAML", e->path);
	}
	crm_record *r = crm_xcalloc(1, sizeof *r);
	r->path = crm_xstrdup(e->path);
	r->id = crm_xstrdup(e->id);
	r->doc = doc;
	r->config = b->config;
	r->orig_len = text.len;
	r->orig = crm_buf_detach(&text);
	*out = r;
	return 0;
}

int crm_record_load_path(crm_record **out, const crm_book *b, const char *path, crm_diags *diags)
{
	crm_entry e = {.path = (char *)path, .id = crm_path_id(path)};
	int rc = crm_record_load(out, b, &e, diags);
	free(e.id);
	return rc;
}

int crm_record_new(crm_record **out, const char *path, const char *id, const char *src, size_t len)
{
	crm_doc *doc = NULL;
	crm_diags d = {0};
	*out = NULL;
	int rc = crm_doc_parse(&doc, path, src, len, &d);
	if (rc) {
		rc = crm_error_set(CRM_EINVALID, "%s: %s", path, d.n ? d.v[0].msg : "not YAML");
		crm_diags_free(&d);
		return rc;
	}
	crm_diags_free(&d);
	crm_record *r = crm_xcalloc(1, sizeof *r);
	r->path = crm_xstrdup(path);
	r->id = crm_xstrdup(id);
	r->doc = doc;
	*out = r;
	return 0;
}

void crm_record_free(crm_record *r)
{
	if (!r)
		return;
	crm_doc_free(r->doc);
	free(r->path);
	free(r->id);
	free(r->orig);
	free(r);
}

const char *crm_record_str(const crm_record *r, const char *path)
{
	const crm_node *n = crm_node_at(r->doc->root, path);
	if (!n || n->kind != CRM_NODE_SCALAR || n->jtype == CRM_JSON_NULL)
		return NULL;
	return n->value;
}

bool crm_record_changed(const crm_record *r)
{
	return !r->orig || r->orig_len != r->doc->len || memcmp(r->orig, r->doc->src, r->orig_len) != 0;
}

/* Names come from the index (which re-reads only changed records); when it
 * cannot answer, from the records themselves. */
int crm_record_names(crm_book *b, const crm_entry *v, size_t n, char ***names)
{
	char **out = crm_xcalloc(n ? n : 1, sizeof *out);
	crm_index *ix = NULL;
	if (crm_index_open(&ix, b, NULL) == 0) {
		crm_index_lookup(ix, v, n, out, NULL);
		for (size_t i = 0; i < n; i++)
			if (v[i].symlink) {
				free(out[i]);
				out[i] = NULL;
			}
	} else {
		for (size_t i = 0; i < n; i++) {
			crm_record *r = NULL;
			if (!v[i].symlink && crm_record_load(&r, b, &v[i], NULL) == 0) {
				const char *nm = crm_record_str(r, "name");
				out[i] = nm ? crm_xstrdup(nm) : NULL;
				crm_record_free(r);
			}
		}
	}
	crm_index_free(ix);
	crm_error_clear();
	*names = out;
	return 0;
}

void crm_names_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int ambiguous(const crm_entry *v, char **names, const size_t *hits, size_t nh,
		     const char *who)
{
	crm_buf b = CRM_BUF_INIT;
	crm_buf_putc(&b, '\'');
	crm_visible_put(&b, who, strlen(who), 0);
	crm_buf_printf(&b, "' matches %zu customers; name one by id:", nh);
	/* one line per candidate: a name with a newline must not make two */
	for (size_t i = 0; i < nh && i < 20; i++) {
		const char *nm = names && names[hits[i]] ? names[hits[i]] : "";
		crm_buf_puts(&b, "\n  ");
		crm_visible_put(&b, v[hits[i]].id, strlen(v[hits[i]].id), 0);
		crm_buf_puts(&b, "  ");
		crm_visible_put(&b, nm, strlen(nm), 0);
	}
	if (nh > 20)
		crm_buf_printf(&b, "\n  ... and %zu more", nh - 20);
	int rc = crm_error_set(CRM_EFAIL, "%s", b.ptr);
	crm_buf_free(&b);
	return rc;
}

int crm_record_resolve(crm_book *b, const crm_entry *v, size_t n, const char *who, size_t *index)
{
	if (!who || !*who)
		return crm_error_set(CRM_EUSAGE, "name a customer by id, id prefix or part of the name");
	size_t *hits = crm_xcalloc(n ? n : 1, sizeof *hits), nh = 0;
	int rc;
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, who) == 0)
			hits[nh++] = i;
	if (nh > 1) {
		rc = ambiguous(v, NULL, hits, nh, who);
		goto done;
	}
	if (nh == 0) {
		size_t wl = strlen(who);
		for (size_t i = 0; i < n; i++)
			if (strncmp(v[i].id, who, wl) == 0)
				hits[nh++] = i;
	}
	if (nh == 0) {
		char **names;
		crm_record_names(b, v, n, &names);
		for (size_t i = 0; i < n; i++)
			if (names[i] && strcasestr(names[i], who))
				hits[nh++] = i;
		if (nh > 1) {
			/* an exact name beats fragments */
			size_t exact = 0, at = 0;
			for (size_t k = 0; k < nh; k++)
				if (strcasecmp(names[hits[k]], who) == 0)
					exact++, at = hits[k];
			if (exact == 1) {
				hits[0] = at;
				nh = 1;
			}
		}
		if (nh > 1) {
			rc = ambiguous(v, names, hits, nh, who);
			crm_names_free(names, n);
			goto done;
		}
		crm_names_free(names, n);
	} else if (nh > 1) {
		char **names;
		crm_record_names(b, v, n, &names);
		rc = ambiguous(v, names, hits, nh, who);
		crm_names_free(names, n);
		goto done;
	}
	if (nh == 0) {
		char *vis = crm_visible(who); /* this message may not go on over lines */
		rc = crm_error_set(CRM_ENOTFOUND,
				   "no customer '%s' (try 'crm find %s', or 'crm list' to see them all)", vis, vis);
		free(vis);
		goto done;
	}
	*index = hits[0];
	rc = 0;
done:
	free(hits);
	return rc;
}

/* The field's name is a printf format, made only for a message: it is
 * checked for every follow-up of every record an index build reads. */
static void check_member(crm_book *b, const crm_record *r, const crm_node *n, crm_diags *d,
			 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void check_member(crm_book *b, const crm_record *r, const crm_node *n, crm_diags *d,
			 const char *fmt, ...)
{
	if (!n || n->kind != CRM_NODE_SCALAR || n->jtype == CRM_JSON_NULL || !*n->value)
		return;
	if (crm_config_member(b->config, n->value))
		return;
	char field[96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(field, sizeof field, fmt, ap);
	va_end(ap);
	char *team = crm_config_team_list(b->config);
	const char **ids = crm_xcalloc(b->config->nteam + 1, sizeof *ids);
	for (size_t i = 0; i < b->config->nteam; i++)
		ids[i] = b->config->team[i].id;
	const char *s = crm_suggest(n->value, ids, b->config->nteam);
	if (s)
		crm_diags_add(d, r->path, n->line, n->col, CRM_SEV_ERROR,
			      "%s: '%s' is not in the team (did you mean '%s'?)", field, n->value, s);
	else
		crm_diags_add(d, r->path, n->line, n->col, CRM_SEV_ERROR,
			      "%s: '%s' is not in the team (team: %s; add people in crm.yaml)", field,
			      n->value, team);
	free(ids);
	free(team);
}

int crm_record_check(crm_book *b, const crm_record *r, crm_diags *d)
{
	size_t before = crm_diags_errors(d);
	const crm_schema *schema = NULL;
	if (crm_book_schema(b, &schema, NULL) == 0)
		crm_schema_validate(schema, r->doc, d);
	else
		crm_diags_add(d, r->path, 0, 0, CRM_SEV_ERROR, "%s", crm_error_last());
	crm_record_check_rules(b, r, d);
	return (int)(crm_diags_errors(d) - before);
}

int crm_record_check_rules(crm_book *b, const crm_record *r, crm_diags *d)
{
	size_t before = crm_diags_errors(d);
	const crm_node *root = r->doc->root;
	if (!root || root->kind != CRM_NODE_MAP)
		return (int)(crm_diags_errors(d) - before);

	const crm_node *idn = crm_node_get(root, "id");
	if (idn && idn->kind == CRM_NODE_SCALAR) {
		if (!crm_id_valid(r->id))
			crm_diags_add(d, r->path, 1, 1, CRM_SEV_ERROR,
				      "file name '%s' is not a valid id (letters, digits, '-' and '_')", r->id);
		else if (strcmp(idn->value, r->id) != 0)
			crm_diags_add(d, r->path, idn->line, idn->col, CRM_SEV_ERROR,
				      "id '%s' does not match the file name '%s.yaml' (rename the file with "
				      "'git mv', or fix the id)", idn->value, r->id);
	}
	check_member(b, r, crm_node_get(root, "owner"), d, "owner");
	check_member(b, r, crm_node_at(root, "first_contact.by"), d, "first_contact.by");
	const crm_node *fu = crm_node_get(root, "followups");
	if (fu && fu->kind == CRM_NODE_SEQ) {
		for (size_t i = 0; i < fu->n; i++) {
			check_member(b, r, crm_node_get(fu->items[i], "by"), d, "followups[%zu].by", i);
			check_member(b, r, crm_node_get(crm_node_get(fu->items[i], "next"), "by"), d,
				     "followups[%zu].next.by", i);
		}
	}
	/* people who left the team may stay in history, not on open work */
	crm_date today;
	if (crm_date_today(&today) == 0)
		crm_team_check_record(b->config, r, today, d);
	/* stage history: starts with initial on the first-contact date, ends with the stage */
	const crm_node *sh = crm_node_get(root, "stage_history");
	const char *stage = crm_node_str(root, "stage");
	const char *fc = crm_record_str(r, "first_contact.date");
	if (sh && sh->kind == CRM_NODE_SEQ && sh->n > 0) {
		const crm_node *first = sh->items[0], *last = sh->items[sh->n - 1];
		const char *s0 = crm_node_str(first, "stage"), *d0 = crm_node_str(first, "date");
		if (!s0 || strcmp(s0, "initial") || (fc && d0 && strcmp(fc, d0)))
			crm_diags_add(d, r->path, first->line, first->col, CRM_SEV_WARNING,
				      "stage_history should start with {stage: initial, date: %s}",
				      fc ? fc : "the first-contact date");
		const char *sl = crm_node_str(last, "stage");
		if (stage && (!sl || strcmp(sl, stage)))
			crm_diags_add(d, r->path, last->line, last->col, CRM_SEV_WARNING,
				      "stage_history should end with the current stage '%s'", stage);
	} else if (stage) {
		const crm_node *at = sh ? sh : crm_node_get(root, "stage");
		crm_diags_add(d, r->path, at->line, at->col, CRM_SEV_WARNING,
			      "stage_history is empty; it should start with {stage: initial, date: %s}",
			      fc ? fc : "the first-contact date");
	}
	return (int)(crm_diags_errors(d) - before);
}

long crm_record_latest_followup(const crm_record *r)
{
	const crm_node *fu = crm_node_get(r->doc->root, "followups");
	long best = -1;
	const char *bd = NULL;
	for (size_t i = 0; fu && fu->kind == CRM_NODE_SEQ && i < fu->n; i++) {
		const char *d = crm_node_str(fu->items[i], "date");
		if (!d)
			continue;
		if (!bd || strcmp(d, bd) >= 0) {
			bd = d;
			best = (long)i;
		}
	}
	return best;
}

bool crm_record_next(const crm_record *r, crm_next *out)
{
	const char *stage = crm_record_str(r, "stage");
	if (stage && (!strcmp(stage, "won") || !strcmp(stage, "lost")))
		return false;
	long i = crm_record_latest_followup(r);
	if (i < 0)
		return false;
	const crm_node *f = crm_node_get(r->doc->root, "followups")->items[i];
	const crm_node *next = crm_node_get(f, "next");
	const char *date = crm_node_str(next, "date");
	out->priority = crm_node_str(f, "priority");
	if (!date) {
		if (crm_node_get(next, "date"))
			return false; /* a next.date that is not text is not guessed at */
		crm_date fd;
		const char *p = out->priority ? out->priority : "medium";
		int days = r->config ? crm_config_priority_days(r->config, p) : -1;
		if (days < 0)
			days = !strcmp(p, "high") ? 3 : !strcmp(p, "low") ? 14 : 7;
		if (!crm_date_parse_iso(&fd, crm_node_str(f, "date")))
			return false;
		crm_date_format(crm_date_add_days(fd, days), out->date_buf);
		date = out->date_buf;
	}
	out->date = date;
	out->action = crm_node_str(next, "action") ? crm_node_str(next, "action") : "";
	out->by = crm_node_str(next, "by");
	out->followup = (size_t)i;
	return true;
}
