/* crm export csv|vcard|ics [filters] [-o FILE]: customers for spreadsheets, phones and calendars. */
#include "cmd.h"
#include "filter.h"

#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/csv.h"
#include "crm/ical.h"
#include "crm/index.h"
#include "crm/query.h"
#include "crm/schema.h"
#include "crm/utf8.h"
#include "crm/vcard.h"

/*
 * The columns of a CSV export, in order: the first contact of each customer
 * (a spreadsheet row is one customer). crm import reads these headers back.
 */
static const char *const csv_paths[] = {
	"id", "name", "kind", "source", "owner", "first_contact.date", "first_contact.by", "stage",
	"company.industry", "company.size", "company.website", "company.business",
	"person.age", "person.occupation", "person.area",
	"contacts[0].name", "contacts[0].title", "contacts[0].phone", "contacts[0].email",
	"contacts[0].birthday", "contacts[0].role",
	"needs.summary", "needs.budget.min", "needs.budget.max", "needs.deadline",
	"tags", "lost_reason", "deal.amount", "deal.signed", "deal.contract_end", "notes", NULL,
};

/* contacts[0].phone -> contacts[].phone, as crm_schema_label reads paths */
static char *schema_path(const char *p)
{
	char *s = crm_xstrdup(p), *z;
	while ((z = strstr(s, "[0]")))
		memmove(z + 1, z + 2, strlen(z + 2) + 1);
	return s;
}

typedef struct {
	const char *format;
	const crm_filter *f;
	const crm_schema *s;
	const char *lang;
	crm_date today;
	crm_buf out;
	size_t n;
} exporter;

static void csv_row(exporter *x, const crm_record *r)
{
	for (size_t i = 0; csv_paths[i]; i++) {
		if (i)
			crm_buf_putc(&x->out, ',');
		const char *p = csv_paths[i];
		if (!strcmp(p, "tags")) {
			const crm_node *t = crm_node_get(r->doc->root, "tags");
			crm_buf tags = CRM_BUF_INIT;
			for (size_t k = 0; t && t->kind == CRM_NODE_SEQ && k < t->n; k++)
				if (t->items[k]->kind == CRM_NODE_SCALAR)
					crm_buf_printf(&tags, "%s%s", tags.len ? ", " : "", t->items[k]->value);
			crm_csv_put_cell(&x->out, crm_buf_cstr(&tags));
			crm_buf_free(&tags);
			continue;
		}
		const char *v = crm_record_str(r, p);
		if (v) {
			/* enum codes as the labels people read; import takes both */
			char *sp = schema_path(p);
			const char *const *vals;
			size_t nv;
			if (!crm_schema_enum_values(x->s, sp, &vals, &nv))
				v = crm_schema_label(x->s, sp, v, x->lang);
			free(sp);
		}
		crm_csv_put_cell(&x->out, v);
	}
	crm_buf_puts(&x->out, "\r\n");
}

static int each(const crm_record *r, void *arg)
{
	exporter *x = arg;
	if (!crm_filter_match(r, x->f))
		return 0;
	if (!strcmp(x->format, "csv"))
		csv_row(x, r);
	else if (!strcmp(x->format, "vcard"))
		crm_vcard_record(&x->out, r);
	else
		crm_ical_record(&x->out, r, x->today);
	x->n++;
	return 0;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		CMD_FILTER_OPTIONS,
		{"output", required_argument, NULL, 'o'},
		{0},
	};
	cmd_filter cf;
	cmd_filter_init(&cf, ctx, argc);
	const char *file = NULL;
	int c, rc;
	while ((c = cmd_getopt(&cmd_export, argc, argv, "o:", opts)) != -1) {
		if (c == 'o')
			file = optarg;
		else if ((rc = cmd_filter_option(&cmd_export, ctx, &cf, c, optarg))) {
			cmd_filter_free(&cf);
			return rc < 0 ? 2 : rc;
		}
	}
	if (optind >= argc || optind + 1 < argc ||
	    (strcmp(argv[optind], "csv") && strcmp(argv[optind], "vcard") && strcmp(argv[optind], "ics"))) {
		cmd_filter_free(&cf);
		return cmd_usage_error(&cmd_export, "name one format: csv, vcard or ics%s%s%s",
				       optind < argc ? " (not '" : "", optind < argc ? argv[optind] : "",
				       optind < argc ? "')" : "");
	}
	crm_book *b;
	if ((rc = cmd_open_book(ctx, &b))) {
		cmd_filter_free(&cf);
		return rc;
	}
	exporter x = {argv[optind], &cf.f, NULL, ctx->lang, ctx->today, CRM_BUF_INIT, 0};
	crm_diags d = {0};
	int e;
	if ((rc = cmd_filter_resolve(&cf, b)))
		goto done;
	if ((e = crm_book_schema(b, &x.s, &d))) {
		cmd_print_diags(&d);
		rc = cmd_fail(e);
		goto done;
	}
	if (!strcmp(x.format, "csv")) {
		/* a BOM, so that Excel reads the text as UTF-8 */
		crm_buf_puts(&x.out, "\xEF\xBB\xBF");
		for (size_t i = 0; csv_paths[i]; i++) {
			char *sp = schema_path(csv_paths[i]);
			if (i)
				crm_buf_putc(&x.out, ',');
			crm_csv_put_cell(&x.out, crm_schema_label(x.s, sp, NULL, x.lang));
			free(sp);
		}
		crm_buf_puts(&x.out, "\r\n");
	} else if (!strcmp(x.format, "ics")) {
		crm_ical_begin(&x.out);
	}
	/* the index picks the customers, as for list; their files give the rest */
	crm_index *ix = NULL;
	crm_summary **sv = NULL;
	size_t sn = 0;
	if (!(e = crm_index_open(&ix, b, &d)))
		e = crm_index_summaries(ix, x.f, &sv, &sn, &d);
	crm_index_free(ix);
	for (size_t i = 0; !e && i < sn; i++) {
		crm_record *r = NULL;
		crm_diags ld = {0};
		/* changed since the index looked: read as the file is now, or pass it by */
		if (crm_record_load_path(&r, b, sv[i]->path, &ld) == 0)
			e = each(r, &x);
		else
			crm_diags_add(&d, sv[i]->path, 0, 0, CRM_SEV_WARNING,
				      "skipped: it changed while crm read the book and cannot be read now");
		crm_diags_free(&ld);
		crm_error_clear();
		crm_record_free(r);
	}
	for (size_t i = 0; i < sn; i++)
		crm_summary_free(sv[i]);
	free(sv);
	cmd_print_diags(&d);
	if (e) {
		rc = cmd_fail(e);
		goto done;
	}
	if (!strcmp(x.format, "ics"))
		crm_ical_end(&x.out);
	if (file) {
		if ((e = crm_write_atomic(file, x.out.ptr ? x.out.ptr : "", x.out.len)))
			rc = cmd_fail(e);
	} else if (cmd_stdout_tty()) {
		/* data, but not raw to a terminal: no BOM, CR LF as a line break, controls shown */
		crm_buf t = CRM_BUF_INIT, lf = CRM_BUF_INIT;
		const char *p = crm_buf_cstr(&x.out);
		if (!strncmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		for (; *p; p++)
			if (!(p[0] == '\r' && p[1] == '\n'))
				crm_buf_putc(&lf, *p);
		crm_visible_put(&t, crm_buf_cstr(&lf), lf.len, CRM_VISIBLE_NEWLINES);
		rc = cmd_write_out(crm_buf_cstr(&t), t.len);
		crm_buf_free(&t), crm_buf_free(&lf);
	} else {
		rc = cmd_write_out(x.out.ptr ? x.out.ptr : "", x.out.len);
	}
done:
	crm_buf_free(&x.out);
	crm_diags_free(&d);
	crm_book_free(b);
	cmd_filter_free(&cf);
	return rc;
}

const crm_cmd cmd_export = {
	"export", "csv|vcard|ics [filters] [-o FILE]",
	"customers for spreadsheets (csv), phones (vcard) and calendars (ics)",
	"  csv              one row per customer, columns labelled in the book's language;\n"
	"                   UTF-8 with a BOM, CRLF; a cell a spreadsheet would run as a\n"
	"                   formula (= + - @ tab CR first) gets a leading ' (a phone such\n"
	"                   as +86 138 0000 0000 stays as it is); crm import reads it back\n"
	"  vcard            one vCard 3.0 per contact\n"
	"  ics              a calendar: open next actions, birthdays, key dates,\n"
	"                   deadlines and contract ends as all-day events\n"
	"  -o, --output FILE  write FILE (atomically) instead of standard output\n"
	CMD_FILTER_HELP,
	run,
};
