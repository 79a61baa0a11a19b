/* crm import FILE.csv [--map COLUMN=PATH]... [--encoding E] [--dry-run] [--skip-duplicates]. */
#include "cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm/buf.h"
#include "crm/csv.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/import.h"
#include "crm/query.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/team.h"
#include "crm/textenc.h"
#include "crm/txn.h"
#include "crm/utf8.h"
#include "crm/value.h"

/* What a customer is known by, to warn of duplicates. */
typedef struct {
	char *id, *name, *phone, *email;
} known;

typedef struct {
	known *v;
	size_t n, cap;
} known_list;

static void known_add(known_list *k, const crm_record *r)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		k->v = crm_xrealloc(k->v, k->cap * sizeof *k->v);
	}
	known *e = &k->v[k->n++];
	const char *nm = crm_record_str(r, "name");
	const char *ph = crm_record_str(r, "contacts[0].phone");
	const char *em = crm_record_str(r, "contacts[0].email");
	e->id = crm_xstrdup(r->id);
	e->name = nm && *nm ? crm_xstrdup(nm) : NULL;
	e->phone = ph && *ph ? crm_xstrdup(ph) : NULL;
	e->email = em && *em ? crm_xstrdup(em) : NULL;
}

/* A customer that could not be read: known by its id only. */
static void known_add_id(known_list *k, const char *id)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		k->v = crm_xrealloc(k->v, k->cap * sizeof *k->v);
	}
	k->v[k->n++] = (known){crm_xstrdup(id), NULL, NULL, NULL};
}

static void known_free(known_list *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i].id), free(k->v[i].name), free(k->v[i].phone), free(k->v[i].email);
	free(k->v);
}

/* Why r looks like a customer in k (the first one), or NULL. */
static const char *known_dup(const known_list *k, const crm_record *r, const known **who)
{
	const char *nm = crm_record_str(r, "name");
	const char *ph = crm_record_str(r, "contacts[0].phone");
	const char *em = crm_record_str(r, "contacts[0].email");
	for (size_t i = 0; i < k->n; i++) {
		*who = &k->v[i];
		if (nm && k->v[i].name && !strcasecmp(nm, k->v[i].name))
			return "the same name";
		if (ph && *ph && k->v[i].phone && !strcmp(ph, k->v[i].phone))
			return "the same phone";
		if (em && *em && k->v[i].email && !strcasecmp(em, k->v[i].email))
			return "the same email";
	}
	return NULL;
}

typedef struct {
	crm_ctx *ctx;
	const char *file;     /* as given, for messages */
	const char *base;     /* its base name, for the commit message */
	crm_book *b;
	const crm_schema *s;
	crm_txn *t;
	const crm_member *me;
	crm_diags d;          /* errors and warnings, at file lines */
	char **paths;         /* per column: the field, "-" to ignore */
	char **heads;
	size_t ncols;
	crm_entry *all;       /* the book's entries and the records added so far */
	size_t nall, capall;
	crm_record **added;   /* new records, in row order */
	int *added_line;
	size_t nadded;
	crm_record **opened;  /* per book entry: the record a follow-up was added to */
	int *opened_line;     /* per book entry: the last row that added to it */
	size_t nfollow, nfollow_new;
	char **touched;       /* ids of existing customers that got follow-ups */
	size_t ntouched;
	known_list k;
} importer;

static void row_error(importer *im, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void row_error(importer *im, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	crm_diags_vadd(&im->d, im->file, line, 0, CRM_SEV_ERROR, fmt, ap);
	va_end(ap);
}

/*
 * The node for a cell of column `col`: dates in spreadsheet forms, phones
 * that were not ruined, enum labels, numbers. NULL after an error.
 */
static crm_node *cell_value(importer *im, int line, size_t col, const char *path, const char *text)
{
	const char *type = crm_schema_type_at(im->s, path);
	char iso[CRM_DATE_STRLEN];
	if (type && !strcmp(type, "date")) {
		if (!crm_import_date(iso, text)) {
			row_error(im, line, "column '%s': '%s' is not a date (write 2024-05-01, 2024/5/1 or 2024年5月1日)",
				  im->heads[col], text);
			return NULL;
		}
		text = iso;
	}
	size_t pl = strlen(path);
	if (pl >= 5 && !strcmp(path + pl - 5, "phone") && crm_import_phone_lost(text)) {
		row_error(im, line, "column '%s': '%s' is a number the spreadsheet rounded, its digits are lost "
			  "(format the column as text in the spreadsheet and export again)", im->heads[col], text);
		return NULL;
	}
	/* an enum cell: a code or a label, else the codes allowed and the nearest */
	const char *const *vals;
	size_t nv;
	if (!crm_schema_enum_values(im->s, path, &vals, &nv)) {
		const char *code;
		char *what = crm_xasprintf("column '%s'", im->heads[col]);
		int e = crm_enum_code(im->s, path, text, what, &code);
		free(what);
		if (e) {
			row_error(im, line, "%s", crm_error_last());
			crm_error_clear();
			return NULL;
		}
	}
	crm_node *v = NULL;
	if (crm_value_parse(&v, im->s, path, text, im->ctx->today)) {
		row_error(im, line, "column '%s': %s", im->heads[col], crm_error_last());
		crm_error_clear();
		return NULL;
	}
	return v;
}

/* The cell of column c in a row (missing cells are empty), without a neutralising '. */
static const char *cell(const crm_csv_row *row, size_t c)
{
	return crm_csv_unneutralise(c < row->n ? row->cells[c] : "");
}

/* The follow-up of a row, or NULL when its follow-up columns are empty. */
static crm_node *row_followup(importer *im, const crm_csv_row *row, const char *owner, bool *bad)
{
	crm_node *f = NULL, *next = NULL;
	for (size_t c = 0; c < im->ncols; c++) {
		const char *p = im->paths[c], *text = cell(row, c);
		if (strncmp(p, "followups[0].", 13) || !*text)
			continue;
		crm_node *v = cell_value(im, row->line, c, p, text);
		if (!v) {
			*bad = true;
			continue;
		}
		if (!f)
			f = crm_node_new_map(false);
		const char *key = p + 13;
		if (!strncmp(key, "next.", 5)) {
			if (!next)
				next = crm_node_new_map(true);
			crm_node_map_put(next, key + 5, v);
		} else {
			crm_node_map_put(f, key, v);
		}
	}
	if (!f && next)
		f = crm_node_new_map(false);
	if (!f)
		return NULL;
	/* defaults as crm follow: today, by me, medium */
	crm_node *full = crm_node_new_map(false);
	static const char *const order[] = {"date", "via", "by", "summary", "feedback", "result", "priority", NULL};
	for (size_t i = 0; order[i]; i++) {
		const crm_node *v = crm_node_get(f, order[i]);
		if (v)
			crm_node_map_put(full, order[i], crm_node_clone(v));
		else if (!strcmp(order[i], "date")) {
			char d[CRM_DATE_STRLEN];
			crm_date_format(im->ctx->today, d);
			crm_node_map_put(full, "date", crm_node_new_raw(d));
		} else if (!strcmp(order[i], "by"))
			crm_node_map_put(full, "by", crm_node_new_str(im->me->id));
		else if (!strcmp(order[i], "priority"))
			crm_node_map_put(full, "priority", crm_node_new_str("medium"));
	}
	if (next) {
		/* in the order crm follow writes; the next action falls to the owner */
		crm_node *n2 = crm_node_new_map(true);
		static const char *const nkeys[] = {"date", "action", "by", NULL};
		for (size_t i = 0; nkeys[i]; i++) {
			const crm_node *v = crm_node_get(next, nkeys[i]);
			if (v)
				crm_node_map_put(n2, nkeys[i], crm_node_clone(v));
			else if (!strcmp(nkeys[i], "by") && owner)
				crm_node_map_put(n2, "by", crm_node_new_str(owner));
		}
		crm_node_free(next);
		next = n2;
		crm_node_map_put(full, "next", next);
	}
	crm_node_free(f);
	return full;
}

static bool has_followup_columns(const importer *im)
{
	for (size_t c = 0; c < im->ncols; c++)
		if (!strncmp(im->paths[c], "followups[0].", 13))
			return true;
	return false;
}

static void add_entry(importer *im, const char *path, const char *id)
{
	if (im->nall == im->capall) {
		im->capall = im->capall ? 2 * im->capall : 64;
		im->all = crm_xrealloc(im->all, im->capall * sizeof *im->all);
	}
	im->all[im->nall++] = (crm_entry){.path = (char *)path, .id = (char *)id};
}

static void check_record(importer *im, crm_record *r, int line);

/* A new record from a row; NULL after errors (in im->d). */
static crm_record *row_record(importer *im, const crm_csv_row *row)
{
	int line = row->line;
	const char *id = NULL, *fcdate = NULL;
	size_t fccol = 0;
	for (size_t c = 0; c < im->ncols; c++) {
		if (!strcmp(im->paths[c], "id") && *cell(row, c))
			id = cell(row, c);
		if (!strcmp(im->paths[c], "first_contact.date") && *cell(row, c))
			fcdate = cell(row, c), fccol = c;
	}
	crm_date first = im->ctx->today;
	char fc[CRM_DATE_STRLEN];
	if (fcdate) {
		if (!crm_import_date(fc, fcdate) || !crm_date_parse_iso(&first, fc)) {
			row_error(im, line, "column '%s': '%s' is not a date (write 2024-05-01, 2024/5/1 or 2024年5月1日)",
				  im->heads[fccol], fcdate);
			return NULL;
		}
	}
	crm_date_format(first, fc);
	if (id && !crm_id_valid(id)) {
		row_error(im, line, "'%s' is not a valid id (letters, digits, '-' and '_', at most 64)", id);
		return NULL;
	}
	if (id)
		for (size_t i = 0; i < im->nall; i++)
			if (!strcmp(im->all[i].id, id)) {
				row_error(im, line, "id '%s' is taken by %s", id, im->all[i].path);
				return NULL;
			}
	char *newid = id ? crm_xstrdup(id) : crm_book_next_id(im->b, first, im->all, im->nall);

	crm_node *root = crm_node_new_map(false);
	crm_node_map_put(root, "id", crm_node_new_str(newid));
	crm_node_map_put(root, "name", crm_node_new_str(""));
	crm_node_map_put(root, "kind", crm_node_new_str(""));
	crm_node_map_put(root, "source", crm_node_new_str(""));
	crm_node_map_put(root, "owner", crm_node_new_str(im->me->id));
	crm_node *fcn = crm_node_new_map(true);
	crm_node_map_put(fcn, "date", crm_node_new_raw(fc));
	crm_node_map_put(fcn, "by", crm_node_new_str(im->me->id));
	crm_node_map_put(root, "first_contact", fcn);
	crm_node_map_put(root, "stage", crm_node_new_str("initial"));
	crm_node *sh = crm_node_new_seq(false);
	crm_node *e0 = crm_node_new_map(true);
	crm_node_map_put(e0, "stage", crm_node_new_str("initial"));
	crm_node_map_put(e0, "date", crm_node_new_raw(fc));
	crm_node_seq_push(sh, e0);
	crm_node_map_put(root, "stage_history", sh);
	crm_buf text = CRM_BUF_INIT;
	crm_buf_puts(&text, "# yaml-language-server: $schema=../../../schema/customer.schema.yaml\n");
	crm_yaml_render_doc(&text, root);
	crm_node_free(root);
	char *path = crm_book_new_path(first, newid);
	crm_record *r = NULL;
	int e = crm_record_new(&r, path, newid, text.ptr, text.len);
	free(path);
	free(newid);
	crm_buf_free(&text);
	if (e) {
		row_error(im, line, "%s", crm_error_last());
		return NULL;
	}
	r->config = im->b->config;
	bool bad = false;
	for (size_t c = 0; c < im->ncols; c++) {
		const char *p = im->paths[c], *t = cell(row, c);
		if (!*t || !strcmp(p, "-") || !strcmp(p, "id") || !strcmp(p, "first_contact.date") ||
		    !strncmp(p, "followups[0].", 13))
			continue;
		crm_node *v = cell_value(im, line, c, p, t);
		if (!v) {
			bad = true;
			continue;
		}
		if (crm_edit_set(&r->doc, p, v, crm_record_order)) {
			row_error(im, line, "column '%s': %s", im->heads[c], crm_error_last());
			crm_error_clear();
			bad = true;
		}
		crm_node_free(v);
	}
	/* a stage past initial: the history ends with it (SPEC §3) */
	const char *st = crm_record_str(r, "stage");
	if (!bad && st && strcmp(st, "initial")) {
		crm_node *h = crm_node_new_map(true);
		crm_node_map_put(h, "stage", crm_node_new_str(st));
		crm_node_map_put(h, "date", crm_node_new_raw(fc));
		crm_edit_append(&r->doc, "stage_history", h, crm_record_order);
		crm_node_free(h);
	}
	crm_node *f = row_followup(im, row, crm_record_str(r, "owner"), &bad);
	if (f && !bad && crm_edit_append(&r->doc, "followups", f, crm_record_order)) {
		row_error(im, line, "%s", crm_error_last());
		bad = true;
	}
	if (f && !bad)
		im->nfollow_new++;
	crm_node_free(f);
	if (bad) {
		/* every error of the row, not only those of its cells */
		check_record(im, r, line);
		crm_record_free(r);
		return NULL;
	}
	return r;
}

/* The index of the book entry a follow-up row names by id or exact name, or -1. */
static long existing_target(importer *im, const crm_csv_row *row)
{
	for (size_t c = 0; c < im->ncols; c++) {
		const char *t = cell(row, c);
		if (!*t)
			continue;
		if (!strcmp(im->paths[c], "id")) {
			for (size_t i = 0; i < im->t->nentries; i++)
				if (!strcmp(im->t->entries[i].id, t))
					return (long)i;
		} else if (!strcmp(im->paths[c], "name")) {
			/* the first known entries are the book's, in entry order */
			for (size_t i = 0; i < im->k.n && i < im->t->nentries; i++)
				if (im->k.v[i].name && !strcmp(im->k.v[i].name, t))
					return (long)i;
		}
	}
	return -1;
}

/* A new record of this import a follow-up row names by id or exact name, or NULL. */
static crm_record *new_target(importer *im, const crm_csv_row *row)
{
	for (size_t c = 0; c < im->ncols; c++) {
		const char *t = cell(row, c);
		bool byid = !strcmp(im->paths[c], "id"), byname = !strcmp(im->paths[c], "name");
		if (!*t || (!byid && !byname))
			continue;
		for (size_t i = 0; i < im->nadded; i++) {
			const char *v = byid ? im->added[i]->id : crm_record_str(im->added[i], "name");
			if (v && !strcmp(v, t))
				return im->added[i];
		}
	}
	return NULL;
}

static void add_followup(importer *im, crm_record *r, const crm_csv_row *row)
{
	bool bad = false;
	crm_node *f = row_followup(im, row, crm_record_str(r, "owner"), &bad);
	if (!f && !bad)
		row_error(im, row->line, "%s exists already and this row has no follow-up to add to it", r->id);
	if (f && !bad) {
		if (crm_edit_append(&r->doc, "followups", f, crm_record_order))
			row_error(im, row->line, "%s", crm_error_last());
		else
			im->nfollow++;
	}
	crm_node_free(f);
}

/* Errors of r's validation, at the row's line. */
static void check_record(importer *im, crm_record *r, int line)
{
	crm_diags rd = {0};
	crm_record_check(im->b, r, &rd);
	for (size_t i = 0; i < rd.n; i++)
		if (rd.v[i].sev == CRM_SEV_ERROR)
			row_error(im, line, "%s", rd.v[i].msg);
	crm_diags_free(&rd);
}

/* FILE:LINE: severity: message (a cell has no column worth naming in characters). */
static void print_diags(const crm_diags *d)
{
	crm_buf b = CRM_BUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		const crm_diag *g = &d->v[i];
		crm_visible_put(&b, g->path, strlen(g->path), 0);
		if (g->line > 0)
			crm_buf_printf(&b, ":%d", g->line);
		crm_buf_printf(&b, ": %s: ", g->sev == CRM_SEV_ERROR ? "error" : "warning");
		crm_visible_put(&b, g->msg, strlen(g->msg), 0);
		crm_buf_putc(&b, '\n');
	}
	fputs(crm_buf_cstr(&b), stderr);
	crm_buf_free(&b);
}

/* CRLF inside a quoted cell (Excel on Windows) is a line break: LF in the record. */
static void unix_newlines(crm_csv *csv)
{
	for (size_t i = 0; i < csv->n; i++)
		for (size_t c = 0; c < csv->rows[i].n; c++) {
			char *w = csv->rows[i].cells[c];
			for (const char *r = w; *r; r++)
				if (!(r[0] == '\r' && r[1] == '\n'))
					*w++ = *r;
			*w = 0;
		}
}

/* Map the header's columns; errors at line 1. */
static void map_columns(importer *im, const crm_csv_row *h, char **maps, size_t nmaps)
{
	im->ncols = h->n;
	im->heads = h->cells;
	im->paths = crm_xcalloc(h->n + 1, sizeof *im->paths);
	for (size_t c = 0; c < h->n; c++) {
		const char *head = h->cells[c];
		for (size_t m = 0; m < nmaps && !im->paths[c]; m++) {
			const char *eq = strrchr(maps[m], '=');
			if ((size_t)(eq - maps[m]) == strlen(head) && !strncmp(maps[m], head, strlen(head)))
				im->paths[c] = crm_xstrdup(eq + 1);
		}
		if (!im->paths[c])
			im->paths[c] = crm_import_column(im->s, head);
		if (!im->paths[c]) {
			row_error(im, h->line, "column '%s' names no field: map it with --map '%s=PATH' "
				  "(PATH as in crm set: contacts[0].phone), or ignore it with --map '%s=-'",
				  head, head, head);
			continue;
		}
		if (strcmp(im->paths[c], "-") && !crm_schema_at(im->s, im->paths[c])) {
			row_error(im, h->line, "column '%s': the schema has no field '%s'", head, im->paths[c]);
			continue;
		}
		for (size_t o = 0; o < c; o++)
			if (im->paths[o] && strcmp(im->paths[c], "-") && !strcmp(im->paths[o], im->paths[c]))
				row_error(im, h->line, "columns '%s' and '%s' both map to %s", im->heads[o], head,
					  im->paths[c]);
	}
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"map", required_argument, NULL, 'm'},     {"encoding", required_argument, NULL, 'e'},
		{"dry-run", no_argument, NULL, 'n'},       {"skip-duplicates", no_argument, NULL, 's'},
		{0},
	};
	char **maps = crm_xcalloc((size_t)argc + 1, sizeof *maps);
	size_t nmaps = 0;
	const char *encoding = NULL;
	bool dry = false, skip = false;
	int c, rc = 0, e;
	while ((c = cmd_getopt(&cmd_import, argc, argv, "", opts)) != -1) {
		switch (c) {
		case 'm':
			if (!strchr(optarg, '=') || strrchr(optarg, '=') == optarg) {
				free(maps);
				return cmd_usage_error(&cmd_import, "--map takes COLUMN=PATH (or COLUMN=- to ignore it), not '%s'",
						       optarg);
			}
			maps[nmaps++] = optarg;
			break;
		case 'e': encoding = optarg; break;
		case 'n': dry = true; break;
		case 's': skip = true; break;
		default: free(maps); return 2;
		}
	}
	if (argc - optind != 1) {
		free(maps);
		return cmd_usage_error(&cmd_import, "name one FILE.csv to import");
	}
	importer im = {0};
	im.ctx = ctx;
	im.file = argv[optind];
	im.base = strrchr(im.file, '/') ? strrchr(im.file, '/') + 1 : im.file;
	crm_buf raw = CRM_BUF_INIT, text = CRM_BUF_INIT;
	crm_csv csv = {0};
	crm_diags sd = {0};
	if (crm_buf_read_file(&raw, im.file)) {
		free(maps);
		crm_buf_free(&raw);
		return cmd_fail(CRM_EIO);
	}
	if ((e = crm_text_decode(&text, raw.ptr ? raw.ptr : "", raw.len, encoding, NULL)) ||
	    (e = crm_csv_parse(&csv, text.ptr ? text.ptr : "", text.len,
			       crm_csv_sniff(text.ptr ? text.ptr : "", text.len)))) {
		cmd_error("%s:%s", im.file, crm_error_last());
		rc = e == CRM_EUSAGE ? 2 : 1;
		goto out;
	}
	if (csv.n == 0) {
		rc = cmd_error("%s is empty: the first line must name the columns", im.file);
		goto out;
	}
	if ((rc = cmd_open_book(ctx, &im.b)))
		goto out;
	if ((e = crm_book_schema(im.b, &im.s, &sd))) {
		cmd_print_diags(&sd);
		rc = cmd_fail(e);
		goto out;
	}
	unix_newlines(&csv);
	map_columns(&im, &csv.rows[0], maps, nmaps);
	if (crm_diags_errors(&im.d)) {
		print_diags(&im.d);
		rc = 1;
		goto out;
	}
	if ((e = crm_txn_begin(&im.t, im.b, "import")) || (e = crm_txn_scan(im.t)) ||
	    (e = crm_whoami(&im.me, im.b, im.t->repo))) {
		rc = cmd_fail(e);
		goto out;
	}
	for (size_t i = 0; i < im.t->nentries; i++) {
		add_entry(&im, im.t->entries[i].path, im.t->entries[i].id);
		crm_record *r;
		if (im.t->entries[i].symlink || crm_record_load(&r, im.b, &im.t->entries[i], NULL)) {
			/* keep k parallel to the entries */
			known_add_id(&im.k, im.t->entries[i].id);
			continue;
		}
		known_add(&im.k, r);
		crm_record_free(r);
	}
	crm_error_clear();
	size_t nexisting = im.k.n;
	im.opened = crm_xcalloc(im.t->nentries + 1, sizeof *im.opened);
	im.opened_line = crm_xcalloc(im.t->nentries + 1, sizeof *im.opened_line);
	im.added = crm_xcalloc(csv.n, sizeof *im.added);
	im.added_line = crm_xcalloc(csv.n, sizeof *im.added_line);
	im.touched = crm_xcalloc(csv.n, sizeof *im.touched);
	bool followups = has_followup_columns(&im);
	size_t skipped = 0;
	for (size_t i = 1; i < csv.n; i++) {
		const crm_csv_row *row = &csv.rows[i];
		if (row->n > im.ncols) {
			row_error(&im, row->line, "%zu cells, but the header names %zu columns", row->n, im.ncols);
			continue;
		}
		if (followups) {
			long at = existing_target(&im, row);
			if (at >= 0) {
				if (!im.opened[at]) {
					crm_record *r;
					if (crm_record_load(&r, im.b, &im.t->entries[at], NULL)) {
						row_error(&im, row->line, "%s cannot be read: %s", im.t->entries[at].path,
							  crm_error_last());
						continue;
					}
					crm_txn_keep(im.t, r);
					im.opened[at] = r;
					im.touched[im.ntouched++] = r->id;
				}
				im.opened_line[at] = row->line;
				add_followup(&im, im.opened[at], row);
				continue;
			}
			crm_record *nr = new_target(&im, row);
			if (nr) {
				add_followup(&im, nr, row);
				continue;
			}
		}
		crm_record *r = row_record(&im, row);
		if (!r)
			continue;
		const known *who;
		const char *why = known_dup(&im.k, r, &who);
		if (why) {
			const char *nm = crm_record_str(r, "name");
			crm_diags_add(&im.d, im.file, row->line, 0, CRM_SEV_WARNING,
				      "%s may be the same customer as %s %s (%s): %s%s", nm ? nm : "",
				      (size_t)(who - im.k.v) < nexisting ? "customer" : "the row of",
				      who->id, who->name ? who->name : "", why,
				      skip ? "; skipped" : "");
			if (skip) {
				crm_record_free(r);
				skipped++;
				continue;
			}
		}
		known_add(&im.k, r);
		im.added_line[im.nadded] = row->line;
		im.added[im.nadded++] = r;
		add_entry(&im, r->path, r->id);
	}
	for (size_t i = 0; i < im.nadded; i++)
		check_record(&im, im.added[i], im.added_line[i]);
	for (size_t i = 0; i < im.t->nentries; i++)
		if (im.opened[i])
			check_record(&im, im.opened[i], im.opened_line[i]);
	crm_diags_sort(&im.d);
	print_diags(&im.d);
	if (crm_diags_errors(&im.d)) {
		rc = cmd_error("%s: nothing imported; fix the rows above and import again", im.file);
		goto out;
	}
	size_t nf = im.nfollow + im.nfollow_new;
	if (dry) {
		for (size_t i = 0; i < im.nadded; i++) {
			const char *nm = crm_record_str(im.added[i], "name");
			cmd_out("would create %s %s", im.added[i]->id, nm ? nm : "");
		}
		for (size_t i = 0; i < im.ntouched; i++)
			cmd_out("would add follow-ups to %s", im.touched[i]);
		cmd_out("dry run: %zu customers and %zu follow-ups would be imported from %s; nothing written",
			im.nadded, nf, im.base);
		goto out;
	}
	for (size_t i = 0; i < im.nadded; i++) {
		crm_record *r = im.added[i];
		im.added[i] = NULL;
		if ((e = crm_txn_add(im.t, r))) {
			rc = cmd_fail(e);
			goto out;
		}
	}
	char *msg = !nf	       ? crm_xasprintf("import %zu customers from %s", im.nadded, im.base)
		    : !im.nadded ? crm_xasprintf("import %zu follow-ups from %s", nf, im.base)
				 : crm_xasprintf("import %zu customers and %zu follow-ups from %s", im.nadded,
						 nf, im.base);
	e = crm_txn_commit(im.t, im.me, msg);
	free(msg);
	if (e < 0) {
		cmd_print_diags(&im.t->diags);
		rc = cmd_fail(e);
		goto out;
	}
	cmd_note("imported %zu customers and %zu follow-ups from %s%s", im.nadded, nf, im.base,
		 skipped ? " (likely duplicates skipped)" : "");
out:
	for (size_t i = 0; i < im.nadded; i++)
		crm_record_free(im.added[i]);
	free(im.added);
	free(im.added_line);
	free(im.opened);
	free(im.opened_line);
	free(im.touched);
	free(im.all);
	if (im.paths)
		for (size_t i = 0; i < im.ncols; i++)
			free(im.paths[i]);
	free(im.paths);
	known_free(&im.k);
	crm_diags_free(&im.d);
	crm_diags_free(&sd);
	crm_txn_free(im.t);
	crm_book_free(im.b);
	crm_csv_free(&csv);
	crm_buf_free(&raw);
	crm_buf_free(&text);
	free(maps);
	return rc;
}

const crm_cmd cmd_import = {
	"import", "FILE.csv [--map COLUMN=PATH]... [--encoding E] [--dry-run] [--skip-duplicates]",
	"import customers (and follow-ups) from a spreadsheet's CSV, all rows or none",
	"  --map COLUMN=PATH  read COLUMN into PATH (contacts[0].phone), or ignore it (COLUMN=-);\n"
	"                     a header that is a path or a field's label (客户名称) maps itself\n"
	"  --encoding E       the file's encoding (default: UTF-8, else GB18030)\n"
	"  --dry-run          print what would be created and updated; write nothing\n"
	"  --skip-duplicates  leave out rows that look like a customer already there\n"
	"Columns followups[0].* add a follow-up per row; a row whose id or exact name is a\n"
	"customer adds it to that customer. Dates: 2024-05-01, 2024/5/1, 2024年5月1日.\n"
	"A cell written ' and then = + - @ (as crm export writes formulas) loses the '.\n",
	run,
};
