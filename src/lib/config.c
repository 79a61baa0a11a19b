#include "crm/config.h"
#include "crm/book.h"
#include "crm/buf.h"
#include "crm/doc.h"
#include "crm/ident.h"
#include "crm/utf8.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const KNOWN[] = {"book", "id_format", "team", "priorities", "reminders",
				    "currency", NULL};

static void bad(crm_diags *d, const char *path, const crm_node *n, const char *fmt, const char *arg)
{
	if (d)
		crm_diags_add(d, path, n ? n->line : 1, n ? n->col : 1, CRM_SEV_ERROR, fmt, arg);
}

static bool positive_int(const crm_node *n, int *out)
{
	if (!n || n->kind != CRM_NODE_SCALAR || n->jtype != CRM_JSON_INT)
		return false;
	long v = strtol(n->value, NULL, 10);
	if (v < 0 || v > 3650)
		return false;
	*out = (int)v;
	return true;
}

/*
 * A member's id, name and email become file-safe ids and git author headers:
 * check them as such. False when the id itself is unusable (the member is
 * then left out, so that nothing can act as them).
 */
static bool check_member(crm_diags *d, const char *path, const crm_node *m, const char *id)
{
	bool id_ok = crm_id_valid(id);
	if (!id_ok)
		bad(d, path, crm_node_get(m, "id"), "%s",
		    "a team id is letters, digits, '_' and '-' (starting with a letter or digit, "
		    "at most 64); rename it, e.g. 'ming'");
	/* the id only when it is safe to print */
	char *who = id_ok ? crm_xasprintf("team member '%s'", id) : crm_xstrdup("team member");
	const crm_node *name = crm_node_get(m, "name"), *email = crm_node_get(m, "email");
	const char *why;
	crm_buf msg = CRM_BUF_INIT;
	if (name && name->kind != CRM_NODE_SCALAR) {
		bad(d, path, name, "%s: name must be text", who);
	} else if (name && name->jtype != CRM_JSON_NULL &&
		   (why = crm_ident_name_problem(name->value))) {
		crm_buf_printf(&msg, "%s: name %s; git records it as the author of commits, so "
				     "write it on one line without control characters or '<' '>'",
			       who, why);
		bad(d, path, name, "%s", msg.ptr);
	}
	crm_buf_truncate(&msg, 0);
	if (email && email->kind != CRM_NODE_SCALAR) {
		bad(d, path, email, "%s: email must be text", who);
	} else if (email && email->jtype != CRM_JSON_NULL && *email->value &&
		   (why = crm_ident_email_problem(email->value))) {
		crm_buf_printf(&msg, "%s: email %s; git records it in every commit, so give a "
				     "plain address such as ming@example.com", who, why);
		bad(d, path, email, "%s", msg.ptr);
	}
	crm_buf_free(&msg);
	free(who);
	return id_ok;
}

/*
 * A member's `left:` (SPEC §2): a real calendar date, written YYYY-MM-DD.
 * Kept apart from the other team fields so that its rule reads in one place.
 */
static void read_left(crm_member *t, const crm_node *m, const char *path, crm_diags *d)
{
	const crm_node *n = crm_node_get(m, "left");
	crm_date when;
	if (!n)
		return;
	if (n->kind != CRM_NODE_SCALAR || !crm_date_parse_iso(&when, n->value)) {
		if (d)
			crm_diags_add(d, path, n->line, n->col, CRM_SEV_ERROR,
				      "team member '%s': left must be the date they left, as YYYY-MM-DD "
				      "(a real calendar date), not '%s'", t->id,
				      n->kind == CRM_NODE_SCALAR ? n->value : "a list or mapping");
		return;
	}
	t->left = crm_xstrdup(n->value);
}

int crm_config_load(crm_config **out, const char *path, crm_diags *diags)
{
	crm_doc *doc = NULL;
	crm_diags local = {0};
	crm_diags *d = diags ? diags : &local;
	size_t before = crm_diags_errors(d);
	*out = NULL;
	int rc = crm_doc_load(&doc, path, d);
	if (rc) {
		crm_diags_free(&local);
		if (rc == CRM_ENOTFOUND)
			return crm_error_set(rc, "%s not found", path);
		return crm_error_set(CRM_EINVALID, "%s is not valid YAML", path);
	}
	crm_config *c = crm_xcalloc(1, sizeof *c);
	c->book = crm_xstrdup("");
	c->id_format = crm_xstrdup("{yyyy}{mm}{seq:3}");
	c->currency = crm_xstrdup("CNY");
	c->rem_birthday = 7;
	c->rem_dates = 7;
	c->rem_contract_end = 30;
	c->rem_stale = 30;
	const crm_node *root = doc->root;
	if (!root || root->kind != CRM_NODE_MAP) {
		bad(d, path, root, "%s", "crm.yaml must be a mapping of settings (book, team, ...)");
		goto done;
	}
	for (size_t i = 0; i < root->n; i++) {
		const char *k = root->keys[i]->value;
		bool known = false;
		for (const char *const *p = KNOWN; *p; p++)
			known |= strcmp(*p, k) == 0;
		if (!known) {
			const char *s = crm_suggest(k, KNOWN, 6);
			crm_buf m = CRM_BUF_INIT;
			crm_buf_printf(&m, "unknown setting '%s'", k);
			if (s)
				crm_buf_printf(&m, " (did you mean '%s'?)", s);
			bad(d, path, root->keys[i], "%s", m.ptr);
			crm_buf_free(&m);
		}
	}
	const char *s;
	if ((s = crm_node_str(root, "book"))) {
		free(c->book);
		c->book = crm_xstrdup(s);
	}
	if ((s = crm_node_str(root, "id_format"))) {
		free(c->id_format);
		c->id_format = crm_xstrdup(s);
		if (!strstr(s, "{seq"))
			bad(d, path, crm_node_get(root, "id_format"), "%s",
			    "id_format needs a {seq:N} part so that ids are unique");
	}
	if ((s = crm_node_str(root, "currency"))) {
		free(c->currency);
		c->currency = crm_xstrdup(s);
	}
	const crm_node *team = crm_node_get(root, "team");
	if (!team || team->kind != CRM_NODE_SEQ || team->n == 0) {
		bad(d, path, team ? team : root, "%s",
		    "team must be a list of members, each with an id and a name");
	} else {
		c->team = crm_xcalloc(team->n, sizeof *c->team);
		for (size_t i = 0; i < team->n; i++) {
			const crm_node *m = team->items[i];
			const char *id = crm_node_str(m, "id");
			if (!id) {
				bad(d, path, m, "%s", "team member without an id");
				continue;
			}
			if (!check_member(d, path, m, id))
				continue;
			if (crm_config_member(c, id))
				bad(d, path, crm_node_get(m, "id"), "team id '%s' appears twice", id);
			for (size_t k = 0; k < m->n; k++) {
				const char *mk = m->keys[k]->value;
				if (strcmp(mk, "id") && strcmp(mk, "name") && strcmp(mk, "email") &&
				    strcmp(mk, "left"))
					bad(d, path, m->keys[k], "unknown team field '%s' (id, name, email, left)", mk);
			}
			crm_member *t = &c->team[c->nteam++];
			t->id = crm_xstrdup(id);
			t->name = crm_xstrdup(crm_node_str(m, "name") ? crm_node_str(m, "name") : id);
			t->email = crm_xstrdup(crm_node_str(m, "email") ? crm_node_str(m, "email") : "");
			read_left(t, m, path, d);
		}
	}
	const crm_node *pr = crm_node_get(root, "priorities");
	static const char *const defp[] = {"high", "medium", "low"};
	static const int defd[] = {3, 7, 14};
	if (pr && pr->kind == CRM_NODE_MAP) {
		c->priorities = crm_xcalloc(pr->n + 3, sizeof *c->priorities);
		for (size_t i = 0; i < pr->n; i++) {
			int v;
			if (!positive_int(pr->items[i], &v)) {
				bad(d, path, pr->items[i], "priority '%s' needs a whole number of days",
				    pr->keys[i]->value);
				continue;
			}
			c->priorities[c->npriorities].name = crm_xstrdup(pr->keys[i]->value);
			c->priorities[c->npriorities++].days = v;
		}
	} else {
		if (pr)
			bad(d, path, pr, "%s", "priorities must be a mapping such as {high: 3, medium: 7, low: 14}");
		c->priorities = crm_xcalloc(3, sizeof *c->priorities);
	}
	for (int i = 0; i < 3; i++)
		if (crm_config_priority_days(c, defp[i]) < 0) {
			c->priorities[c->npriorities].name = crm_xstrdup(defp[i]);
			c->priorities[c->npriorities++].days = defd[i];
		}
	const crm_node *rem = crm_node_get(root, "reminders");
	if (rem && rem->kind == CRM_NODE_MAP) {
		for (size_t i = 0; i < rem->n; i++) {
			const char *k = rem->keys[i]->value;
			int *slot = !strcmp(k, "birthday") ? &c->rem_birthday
				    : !strcmp(k, "dates") ? &c->rem_dates
				    : !strcmp(k, "contract_end") ? &c->rem_contract_end
				    : !strcmp(k, "stale") ? &c->rem_stale : NULL;
			if (!slot)
				bad(d, path, rem->keys[i],
				    "unknown reminder '%s' (birthday, dates, contract_end, stale)", k);
			else if (!positive_int(rem->items[i], slot))
				bad(d, path, rem->items[i], "reminder '%s' needs a whole number of days", k);
		}
	} else if (rem) {
		bad(d, path, rem, "%s", "reminders must be a mapping such as {birthday: 7, stale: 30}");
	}
done:
	crm_doc_free(doc);
	if (crm_diags_errors(d) > before) {
		crm_config_free(c);
		crm_diags_free(&local);
		return crm_error_set(CRM_EINVALID, "%s has errors", path);
	}
	crm_diags_free(&local);
	*out = c;
	return 0;
}

void crm_config_free(crm_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nteam; i++) {
		free(c->team[i].id);
		free(c->team[i].name);
		free(c->team[i].email);
		free(c->team[i].left);
	}
	for (size_t i = 0; i < c->npriorities; i++)
		free(c->priorities[i].name);
	free(c->team);
	free(c->priorities);
	free(c->book);
	free(c->id_format);
	free(c->currency);
	free(c);
}

const crm_member *crm_config_member(const crm_config *c, const char *id)
{
	for (size_t i = 0; id && i < c->nteam; i++)
		if (strcmp(c->team[i].id, id) == 0)
			return &c->team[i];
	return NULL;
}

const crm_member *crm_config_member_by_identity(const crm_config *c, const char *name,
						const char *email)
{
	for (size_t i = 0; email && *email && i < c->nteam; i++)
		if (strcasecmp(c->team[i].email, email) == 0)
			return &c->team[i];
	for (size_t i = 0; name && *name && i < c->nteam; i++)
		if (strcmp(c->team[i].name, name) == 0 || strcmp(c->team[i].id, name) == 0)
			return &c->team[i];
	return NULL;
}

const char *crm_config_left_on(const crm_config *c, const char *id, crm_date on)
{
	const crm_member *m = crm_config_member(c, id);
	crm_date left;
	if (!m || !m->left || !crm_date_parse_iso(&left, m->left))
		return NULL;
	return crm_date_cmp(left, on) <= 0 ? m->left : NULL;
}

int crm_config_priority_days(const crm_config *c, const char *priority)
{
	for (size_t i = 0; priority && i < c->npriorities; i++)
		if (strcmp(c->priorities[i].name, priority) == 0)
			return c->priorities[i].days;
	return -1;
}

char *crm_config_team_list(const crm_config *c)
{
	crm_buf b = CRM_BUF_INIT;
	for (size_t i = 0; i < c->nteam; i++)
		crm_buf_printf(&b, "%s%s", i ? ", " : "", c->team[i].id);
	return crm_buf_detach(&b);
}

const char *crm_config_template(void)
{
	return "# crm book settings: see `man crm` and the README.\n"
	       "book: My customers\n"
	       "id_format: \"{yyyy}{mm}{seq:3}\"\n"
	       "team:\n"
	       "  - id: me\n"
	       "    name: Me\n"
	       "    email: me@example.com\n"
	       "priorities: {high: 3, medium: 7, low: 14}\n"
	       "reminders: {birthday: 7, dates: 7, contract_end: 30, stale: 30}\n"
	       "currency: CNY\n";
}
