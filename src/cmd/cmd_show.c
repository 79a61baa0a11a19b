/* crm show WHO [--json] [-n N]: one customer, readable, with its timeline. */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/emit.h"
#include "crm/query.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/table.h"
#include "crm/utf8.h"

/* What one `crm show` needs while it writes. */
typedef struct {
	const crm_schema *s;
	const crm_config *cfg;
	const char *lang;
	crm_date today;
	crm_buf *out;
} shower;

/* Words of the layout that are not fields of the schema. */
static const char *word(const shower *w, const char *en)
{
	static const char *const zh[][2] = {
		{"Timeline", "时间线"},
		{"none", "无"},
		{"yearly", "每年"},
		{NULL, NULL},
	};
	if (strcmp(w->lang, "zh"))
		return en;
	for (size_t i = 0; zh[i][0]; i++)
		if (!strcmp(zh[i][0], en))
			return zh[i][1];
	return en;
}

/* A field's label (`company.industry` -> 所属行业), or its key. */
static const char *flabel(const shower *w, const char *path)
{
	const char *l = crm_schema_label(w->s, path, NULL, w->lang);
	if (l)
		return l;
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

/* A scalar for people: its enum label when it has one, else its text. */
static const char *vlabel(const shower *w, const char *path, const crm_node *n)
{
	if (!n || n->kind != CRM_NODE_SCALAR || n->jtype == CRM_JSON_NULL)
		return "";
	return crm_schema_label(w->s, path, n->value, w->lang);
}

/* Any value on one line: scalars by label, lists of scalars joined, the rest as flow YAML. */
static void value_text(const shower *w, crm_buf *b, const char *path, const crm_node *n)
{
	if (!n)
		return;
	if (n->kind == CRM_NODE_SCALAR) {
		crm_buf_puts(b, vlabel(w, path, n));
		return;
	}
	bool scalars = n->kind == CRM_NODE_SEQ;
	for (size_t i = 0; scalars && i < n->n; i++)
		scalars = n->items[i]->kind == CRM_NODE_SCALAR;
	if (scalars) {
		char *ip = crm_xasprintf("%s[0]", path);
		for (size_t i = 0; i < n->n; i++)
			crm_buf_printf(b, "%s%s", i ? ", " : "", vlabel(w, ip, n->items[i]));
		free(ip);
		return;
	}
	crm_yaml_render_flow(b, n);
}

/* Render t indented by `indent` spaces into the output. */
static void put_table(shower *w, const crm_table *t, int indent)
{
	crm_buf tmp = CRM_BUF_INIT;
	crm_table_render(t, &tmp);
	const char *p = crm_buf_cstr(&tmp);
	while (*p) {
		size_t k = strcspn(p, "\n");
		crm_buf_printf(w->out, "%*s%.*s\n", indent, "", (int)k, p);
		p += k + (p[k] == '\n');
	}
	crm_buf_free(&tmp);
}

/* A row of label and value, when the value is not empty. */
static void row(crm_table *t, const char *label, const char *value)
{
	if (!value || !*value)
		return;
	crm_table_add_row(t);
	crm_table_add_cell(t, label);
	crm_table_add_cell(t, value);
}

static void row_node(const shower *w, crm_table *t, const char *path, const crm_node *n)
{
	crm_buf v = CRM_BUF_INIT;
	value_text(w, &v, path, n);
	row(t, flabel(w, path), crm_buf_cstr(&v));
	crm_buf_free(&v);
}

/* Keys shown in their own sections, not in the overview. */
static bool own_section(const char *k)
{
	static const char *const keys[] = {"id", "name", "contacts", "needs", "dates", "notes",
					   "followups", "stage_history", NULL};
	for (size_t i = 0; keys[i]; i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

/* The overview: every other top-level field; a map is opened one level. */
static void overview(shower *w, const crm_node *root)
{
	crm_table *t = crm_table_new();
	for (size_t i = 0; i < root->n; i++) {
		const char *k = root->keys[i]->value;
		const crm_node *v = root->items[i];
		if (own_section(k))
			continue;
		if (v->kind == CRM_NODE_MAP) {
			for (size_t j = 0; j < v->n; j++) {
				char *p = crm_xasprintf("%s.%s", k, v->keys[j]->value);
				row_node(w, t, p, v->items[j]);
				free(p);
			}
			continue;
		}
		if (!strcmp(k, "owner") && v->kind == CRM_NODE_SCALAR) {
			const crm_member *m = crm_config_member(w->cfg, v->value);
			char *s = m && m->name && *m->name ? crm_xasprintf("%s (%s)", v->value, m->name)
							   : crm_xstrdup(v->value);
			row(t, flabel(w, k), s);
			free(s);
			continue;
		}
		row_node(w, t, k, v);
	}
	put_table(w, t, 0);
	crm_table_free(t);
}

/* A list of maps as a table, one row each, the fields in `keys` order. */
static void list_table(shower *w, const char *path, const crm_node *seq,
		       const char *const *keys, int indent)
{
	crm_table *t = crm_table_new();
	char *ip = crm_xasprintf("%s[0]", path);
	for (size_t i = 0; seq && seq->kind == CRM_NODE_SEQ && i < seq->n; i++) {
		const crm_node *it = seq->items[i];
		crm_table_add_row(t);
		if (it->kind != CRM_NODE_MAP) {
			crm_buf v = CRM_BUF_INIT;
			value_text(w, &v, ip, it);
			crm_table_add_cell(t, crm_buf_cstr(&v));
			crm_buf_free(&v);
			continue;
		}
		for (size_t k = 0; keys[k]; k++) {
			char *fp = crm_xasprintf("%s.%s", ip, keys[k]);
			const crm_node *f = crm_node_get(it, keys[k]);
			if (!strcmp(keys[k], "yearly"))
				crm_table_add_cell(t, f && f->jtype == CRM_JSON_BOOL &&
							      (f->value[0] == 't' || f->value[0] == 'T')
						      ? word(w, "yearly") : "");
			else
				crm_table_add_cell(t, vlabel(w, fp, f));
			free(fp);
		}
	}
	free(ip);
	put_table(w, t, indent);
	crm_table_free(t);
}

/* Append s made visible: one value on one line, whatever it holds. */
static void put_vis(shower *w, const char *s)
{
	if (s)
		crm_visible_put(w->out, s, strlen(s), 0);
}

static void heading(shower *w, const char *text)
{
	crm_buf_putc(w->out, '\n');
	put_vis(w, text);
	crm_buf_putc(w->out, '\n');
}

static void needs(shower *w, const crm_node *n)
{
	if (!n || n->kind != CRM_NODE_MAP || !n->n)
		return;
	heading(w, flabel(w, "needs"));
	crm_table *t = crm_table_new();
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i]->value;
		const crm_node *v = n->items[i];
		char *p = crm_xasprintf("needs.%s", k);
		if (!strcmp(k, "decision_chain")) {
			free(p);
			continue;
		}
		if (!strcmp(k, "budget") && v->kind == CRM_NODE_MAP) {
			const char *lo = crm_node_str(v, "min"), *hi = crm_node_str(v, "max");
			char *s = crm_xasprintf("%s - %s %s", lo ? lo : "?", hi ? hi : "?",
						w->cfg->currency ? w->cfg->currency : "");
			row(t, flabel(w, p), lo || hi ? s : NULL);
			free(s);
		} else {
			row_node(w, t, p, v);
		}
		free(p);
	}
	put_table(w, t, 2);
	crm_table_free(t);
	const crm_node *dc = crm_node_get(n, "decision_chain");
	if (dc && dc->kind == CRM_NODE_SEQ && dc->n) {
		static const char *const keys[] = {"name", "title", "role", NULL};
		crm_buf_puts(w->out, "  ");
		put_vis(w, flabel(w, "needs.decision_chain"));
		crm_buf_putc(w->out, '\n');
		list_table(w, "needs.decision_chain", dc, keys, 4);
	}
}

static void days_text(shower *w, crm_buf *b, long d, bool so_far)
{
	bool zh = !strcmp(w->lang, "zh");
	if (zh)
		crm_buf_printf(b, so_far ? "至今 %ld 天" : "%ld 天", d);
	else
		crm_buf_printf(b, "%ld day%s%s", d, d == 1 ? "" : "s", so_far ? " so far" : "");
}

/* Indexes of the follow-ups, newest first (latest date; on a tie, later in the list). */
static size_t *newest_first(const crm_node *fu)
{
	size_t *ix = crm_xcalloc(fu->n + 1, sizeof *ix);
	for (size_t i = 0; i < fu->n; i++)
		ix[i] = fu->n - 1 - i;
	/* insertion sort: stable on the reversed order, so ties keep later-first */
	for (size_t i = 1; i < fu->n; i++) {
		size_t v = ix[i], j = i;
		const char *dv = crm_node_str(fu->items[v], "date");
		while (j > 0) {
			const char *dj = crm_node_str(fu->items[ix[j - 1]], "date");
			if (!dv || (dj && strcmp(dj, dv) >= 0))
				break;
			ix[j] = ix[j - 1];
			j--;
		}
		ix[j] = v;
	}
	return ix;
}

static void followups(shower *w, const crm_record *r, long limit)
{
	const crm_node *fu = crm_node_get(r->doc->root, "followups");
	size_t n = fu && fu->kind == CRM_NODE_SEQ ? fu->n : 0;
	size_t show = limit >= 0 && (size_t)limit < n ? (size_t)limit : n;
	if (show < n)
		crm_buf_printf(w->out, "%s (%zu %s %zu)\n", flabel(w, "followups"), show,
			       !strcmp(w->lang, "zh") ? "/" : "of", n);
	else
		crm_buf_printf(w->out, "%s (%zu)\n", flabel(w, "followups"), n);
	if (!n)
		return;
	size_t *ix = newest_first(fu);
	crm_table *t = crm_table_new();
	for (size_t k = 0; k < show; k++) {
		const crm_node *f = fu->items[ix[k]];
		if (f->kind != CRM_NODE_MAP)
			continue;
		crm_table_add_row(t);
		crm_table_add_cell(t, crm_node_str(f, "date"));
		crm_table_add_cell(t, vlabel(w, "followups[].via", crm_node_get(f, "via")));
		crm_table_add_cell(t, crm_node_str(f, "by"));
		crm_table_add_cell(t, crm_node_str(f, "summary"));
		const char *fb = crm_node_str(f, "feedback");
		if (fb && *fb) {
			crm_table_add_row(t);
			crm_table_add_cell(t, "");
			crm_table_add_cell(t, "");
			crm_table_add_cell(t, "");
			crm_table_add_cellf(t, "%s: %s", flabel(w, "followups[].feedback"), fb);
		}
		crm_buf more = CRM_BUF_INIT;
		const crm_node *res = crm_node_get(f, "result");
		if (res && res->kind == CRM_NODE_SCALAR)
			crm_buf_printf(&more, "%s: %s", flabel(w, "followups[].result"),
				       vlabel(w, "followups[].result", res));
		const crm_node *pr = crm_node_get(f, "priority");
		if (pr && pr->kind == CRM_NODE_SCALAR)
			crm_buf_printf(&more, "%s%s: %s", more.len ? "  " : "",
				       flabel(w, "followups[].priority"),
				       vlabel(w, "followups[].priority", pr));
		const crm_node *nx = crm_node_get(f, "next");
		const char *nd = crm_node_str(nx, "date"), *na = crm_node_str(nx, "action");
		if (nd)
			crm_buf_printf(&more, "%s%s: %s%s%s%s%s%s", more.len ? "  " : "",
				       flabel(w, "followups[].next"), nd, na && *na ? " " : "",
				       na ? na : "", crm_node_str(nx, "by") ? " (" : "",
				       crm_node_str(nx, "by") ? crm_node_str(nx, "by") : "",
				       crm_node_str(nx, "by") ? ")" : "");
		if (more.len) {
			crm_table_add_row(t);
			crm_table_add_cell(t, "");
			crm_table_add_cell(t, "");
			crm_table_add_cell(t, "");
			crm_table_add_cell(t, more.ptr);
		}
		crm_buf_free(&more);
	}
	put_table(w, t, 2);
	crm_table_free(t);
	free(ix);
}

static void stage_history(shower *w, const crm_node *sh)
{
	if (!sh || sh->kind != CRM_NODE_SEQ || !sh->n)
		return;
	crm_buf_printf(w->out, "%s\n", flabel(w, "stage_history"));
	crm_table *t = crm_table_new();
	for (size_t i = 0; i < sh->n; i++) {
		const crm_node *e = sh->items[i];
		const char *d = crm_node_str(e, "date");
		crm_table_add_row(t);
		crm_table_add_cell(t, vlabel(w, "stage", crm_node_get(e, "stage")));
		crm_table_add_cell(t, d);
		crm_date a, b;
		bool last = i + 1 == sh->n;
		const char *dn = last ? NULL : crm_node_str(sh->items[i + 1], "date");
		if (d && crm_date_parse_iso(&a, d) && (last || (dn && crm_date_parse_iso(&b, dn)))) {
			crm_buf v = CRM_BUF_INIT;
			days_text(w, &v, crm_date_diff(last ? w->today : b, a), last);
			crm_table_add_cell(t, v.ptr);
			crm_buf_free(&v);
		}
	}
	put_table(w, t, 2);
	crm_table_free(t);
}

static void timeline(shower *w, const crm_record *r, long limit)
{
	heading(w, word(w, "Timeline"));
	crm_next nx;
	crm_buf_printf(w->out, "%s: ", flabel(w, "followups[].next"));
	if (crm_record_next(r, &nx)) {
		long d;
		put_vis(w, nx.date);
		if (*nx.action)
			crm_buf_putc(w->out, ' ');
		put_vis(w, nx.action);
		if (nx.by) {
			crm_buf_puts(w->out, " (");
			put_vis(w, nx.by);
			crm_buf_putc(w->out, ')');
		}
		if (crm_due_days(nx.date, w->today, &d)) {
			crm_buf_puts(w->out, ", ");
			crm_due_text(w->out, d, w->lang);
		}
		crm_buf_putc(w->out, '\n');
	} else {
		const char *st = crm_record_str(r, "stage");
		bool closed = st && (!strcmp(st, "won") || !strcmp(st, "lost"));
		crm_buf_printf(w->out, "%s%s%s%s\n", word(w, "none"), closed ? " (" : "",
			       closed ? crm_schema_label(w->s, "stage", st, w->lang) : "",
			       closed ? ")" : "");
	}
	followups(w, r, limit);
	stage_history(w, crm_node_get(r->doc->root, "stage_history"));
}

static void show_text(shower *w, const crm_record *r, long limit)
{
	const crm_node *root = r->doc->root;
	const char *name = crm_record_str(r, "name");
	put_vis(w, r->id);
	crm_buf_puts(w->out, "  ");
	put_vis(w, name);
	crm_buf_putc(w->out, '\n');
	put_vis(w, r->path);
	crm_buf_putc(w->out, '\n');
	overview(w, root);
	const crm_node *cs = crm_node_get(root, "contacts");
	if (cs && cs->kind == CRM_NODE_SEQ && cs->n) {
		static const char *const keys[] = {"name", "title", "phone", "email", "birthday",
						   "role", NULL};
		heading(w, flabel(w, "contacts"));
		list_table(w, "contacts", cs, keys, 2);
	}
	needs(w, crm_node_get(root, "needs"));
	const crm_node *ds = crm_node_get(root, "dates");
	if (ds && ds->kind == CRM_NODE_SEQ && ds->n) {
		static const char *const keys[] = {"label", "date", "yearly", NULL};
		heading(w, flabel(w, "dates"));
		list_table(w, "dates", ds, keys, 2);
	}
	const char *notes = crm_record_str(r, "notes");
	if (notes && *notes) {
		heading(w, flabel(w, "notes"));
		for (const char *p = notes; *p;) {
			size_t k = strcspn(p, "\n");
			crm_buf_printf(w->out, "  %.*s\n", (int)k, p);
			p += k + (p[k] == '\n');
		}
	}
	timeline(w, r, limit);
}

static int show_json(const crm_record *r)
{
	crm_buf b = CRM_BUF_INIT;
	crm_json j;
	crm_json_init(&j, &b, true);
	crm_json_begin_object(&j);
	const crm_node *root = r->doc->root;
	for (size_t i = 0; i < root->n; i++) {
		if (!strcmp(root->keys[i]->value, "path"))
			continue;
		crm_json_key(&j, root->keys[i]->value);
		cmd_json_node(&j, root->items[i]);
	}
	crm_json_key(&j, "path");
	crm_json_string(&j, r->path);
	crm_json_end_object(&j);
	int rc = cmd_print_json(&b);
	crm_buf_free(&b);
	return rc;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {0}};
	bool json = false;
	long limit = -1;
	int c;
	while ((c = cmd_getopt(&cmd_show, argc, argv, "n:", opts)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'n': {
			char *end;
			errno = 0;
			limit = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || limit < 0)
				return cmd_usage_error(&cmd_show, "-n takes a number of follow-ups, not '%s'",
						       optarg);
			break;
		}
		default: return 2;
		}
	}
	if (optind >= argc)
		return cmd_usage_error(&cmd_show, "name the customer (an id, id prefix or part of the name)");
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_show, "one customer at a time: unexpected '%s'", argv[optind + 1]);
	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	crm_entry *v = NULL;
	size_t n = 0, at;
	crm_record *r = NULL;
	crm_diags d = {0};
	const crm_schema *s = NULL;
	int e = crm_book_schema(b, &s, &d);
	if (!e)
		e = crm_book_scan(b, &v, &n);
	if (!e)
		e = crm_record_resolve(b, v, n, argv[optind], &at);
	if (!e && v[at].symlink)
		e = crm_error_set(CRM_EFAIL, "%s is a symbolic link; records must be plain files", v[at].path);
	if (!e)
		e = crm_record_load(&r, b, &v[at], &d);
	if (!e && (!r->doc->root || r->doc->root->kind != CRM_NODE_MAP))
		e = crm_error_set(CRM_EINVALID, "%s holds no fields (run 'crm validate %s')", r->path, r->path);
	if (e) {
		cmd_print_diags(&d);
		rc = cmd_fail(e);
		goto done;
	}
	crm_diags check = {0};
	int bad = crm_schema_validate(s, r->doc, &check);
	if (bad)
		cmd_warn("%s has %d error%s; run 'crm validate %s'", r->path, bad, bad == 1 ? "" : "s", r->path);
	crm_diags_free(&check);
	if (json) {
		rc = show_json(r);
	} else {
		crm_buf out = CRM_BUF_INIT;
		shower w = {s, b->config, ctx->lang, ctx->today, &out};
		show_text(&w, r, limit);
		rc = cmd_write_text(out.ptr, out.len);
		crm_buf_free(&out);
	}
done:
	crm_diags_free(&d);
	crm_record_free(r);
	crm_entries_free(v, n);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_show = {
	"show", "WHO [--json] [-n N]",
	"show a customer with labels, and its timeline: next action, follow-ups, stages",
	"  WHO       an id, a unique id prefix, or a unique part of the name\n"
	"  -n N      show the N newest follow-ups only\n"
	"  --json    the record as one JSON object with the keys of its YAML, plus \"path\"\n",
	run,
};
