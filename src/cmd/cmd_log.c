/* crm log [WHO] [--field PATH] [-n N] [--json]: the history from git. */
#include "cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/history.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/table.h"

/* The book log shows this many commits unless -n says otherwise. */
#define BOOK_LOG_DEFAULT 20

/* "2024-05-20 10:00" (text) or "2024-05-20T10:00:00+08:00" (JSON), in the commit's offset. */
static void format_time(char *out, size_t size, long long t, int offset, bool iso)
{
	time_t local = (time_t)(t + (long long)offset * 60);
	struct tm tm;
	if (!gmtime_r(&local, &tm)) {
		snprintf(out, size, "?");
		return;
	}
	if (!iso) {
		strftime(out, size, "%Y-%m-%d %H:%M", &tm);
		return;
	}
	char head[32];
	strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
	int off = offset < 0 ? -offset : offset;
	snprintf(out, size, "%s%c%02d:%02d", head, offset < 0 ? '-' : '+', off / 60, off % 60);
}

/* "李娜 (li)" when the author is a team member whose id is not the name. */
static char *author_label(const crm_book *b, const crm_version *v)
{
	const crm_member *m = crm_config_member_by_identity(b->config, v->author, v->email);
	if (m && v->author && strcmp(m->id, v->author))
		return crm_xasprintf("%s (%s)", v->author, m->id);
	return crm_xstrdup(v->author ? v->author : "");
}

static int print_commits(const crm_book *b, const crm_version *v, size_t n, bool json)
{
	crm_buf out = CRM_BUF_INIT;
	char when[48];
	if (json) {
		crm_json j;
		crm_json_init(&j, &out, false);
		crm_json_begin_array(&j);
		for (size_t i = 0; i < n; i++) {
			format_time(when, sizeof when, v[i].time, v[i].offset, true);
			crm_json_begin_object(&j);
			crm_json_key(&j, "commit");
			crm_json_string(&j, v[i].oid);
			crm_json_key(&j, "date");
			crm_json_string(&j, when);
			crm_json_key(&j, "author");
			crm_json_string(&j, v[i].author);
			crm_json_key(&j, "message");
			crm_json_string(&j, v[i].summary);
			crm_json_end_object(&j);
		}
		crm_json_end_array(&j);
		int rc = cmd_print_json(&out);
		crm_buf_free(&out);
		return rc;
	}
	crm_table *t = crm_table_new();
	for (size_t i = 0; i < n; i++) {
		format_time(when, sizeof when, v[i].time, v[i].offset, false);
		crm_table_add_row(t);
		crm_table_add_cell(t, when);
		crm_table_add_cellf(t, "%.7s", v[i].oid);
		char *a = author_label(b, &v[i]);
		crm_table_add_cell(t, a);
		free(a);
		crm_table_add_cell(t, v[i].summary);
	}
	crm_table_render(t, &out);
	crm_table_free(t);
	int rc = cmd_write_text(out.ptr, out.len);
	crm_buf_free(&out);
	return rc;
}

/* A node's value on one line for the text output: scalars as they are, the rest as JSON. */
static void value_text(crm_buf *b, const crm_node *n)
{
	if (!n || (n->kind == CRM_NODE_SCALAR && n->jtype == CRM_JSON_NULL)) {
		crm_buf_puts(b, "(none)");
		return;
	}
	if (n->kind == CRM_NODE_SCALAR) {
		crm_buf_puts(b, n->value);
		return;
	}
	crm_json j;
	crm_json_init(&j, b, false);
	cmd_json_node(&j, n);
}

/*
 * Each change of the value at `path` over the versions (newest first as
 * crm_repo_file_history gives them), printed newest first. A version that
 * deleted the file, or that does not parse, changes nothing.
 */
static int print_field(crm_ctx *ctx, crm_book *b, const crm_version *v, size_t n,
		       const char *path, size_t limit, bool json)
{
	crm_doc **docs = crm_xcalloc(n ? n : 1, sizeof *docs);
	const crm_node **vals = crm_xcalloc(n ? n : 1, sizeof *vals);
	bool *changed = crm_xcalloc(n ? n : 1, sizeof *changed);
	const crm_node *prev = NULL;
	bool seen = false;
	for (size_t k = n; k-- > 0;) {
		if (!v[k].content)
			continue;
		if (crm_doc_parse(&docs[k], v[k].path, v[k].content, v[k].content_len, NULL) != 0) {
			cmd_warn("%s in commit %.7s is not valid YAML; skipped", v[k].path, v[k].oid);
			continue;
		}
		const crm_node *cur = crm_node_at(docs[k]->root, path);
		if (cur && cur->kind == CRM_NODE_SCALAR && cur->jtype == CRM_JSON_NULL)
			cur = NULL; /* `x:` and no x are the same value: none */
		vals[k] = cur;
		changed[k] = seen ? !crm_node_equal(prev, cur) : cur != NULL;
		prev = cur;
		seen = true;
	}
	const crm_schema *s = NULL;
	if (!json)
		crm_book_schema(b, &s, NULL); /* for enum labels beside codes */
	crm_buf out = CRM_BUF_INIT;
	crm_json j;
	crm_table *t = NULL;
	if (json) {
		crm_json_init(&j, &out, false);
		crm_json_begin_array(&j);
	} else {
		t = crm_table_new();
	}
	size_t shown = 0;
	char when[48];
	for (size_t k = 0; k < n && (!limit || shown < limit); k++) {
		if (!changed[k])
			continue;
		shown++;
		if (json) {
			format_time(when, sizeof when, v[k].time, v[k].offset, true);
			crm_json_begin_object(&j);
			crm_json_key(&j, "commit");
			crm_json_string(&j, v[k].oid);
			crm_json_key(&j, "date");
			crm_json_string(&j, when);
			crm_json_key(&j, "author");
			crm_json_string(&j, v[k].author);
			crm_json_key(&j, "value");
			cmd_json_node(&j, vals[k]);
			crm_json_end_object(&j);
			continue;
		}
		format_time(when, sizeof when, v[k].time, v[k].offset, false);
		crm_table_add_row(t);
		crm_table_add_cell(t, when);
		crm_table_add_cellf(t, "%.7s", v[k].oid);
		char *a = author_label(b, &v[k]);
		crm_table_add_cell(t, a);
		free(a);
		crm_buf val = CRM_BUF_INIT;
		value_text(&val, vals[k]);
		const crm_node *nv = vals[k];
		const char *label = s && nv && nv->kind == CRM_NODE_SCALAR
					    ? crm_schema_label(s, path, nv->value, ctx->lang)
					    : NULL;
		if (label && strcasecmp(label, nv->value))
			crm_buf_printf(&val, " (%s)", label);
		crm_table_add_cell(t, crm_buf_cstr(&val));
		crm_buf_free(&val);
	}
	int rc;
	if (json) {
		crm_json_end_array(&j);
		rc = cmd_print_json(&out);
	} else {
		crm_table_render(t, &out);
		crm_table_free(t);
		rc = cmd_write_text(out.ptr, out.len);
	}
	crm_buf_free(&out);
	for (size_t k = 0; k < n; k++)
		crm_doc_free(docs[k]);
	free(docs);
	free(vals);
	free(changed);
	return rc;
}

static int run(crm_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"field", required_argument, NULL, 'f'},
					     {"json", no_argument, NULL, 'j'},
					     {0}};
	const char *field = NULL;
	long limit = -1;
	bool json = false;
	int c;
	while ((c = cmd_getopt(&cmd_log, argc, argv, "n:", opts)) != -1) {
		switch (c) {
		case '?':
			return 2;
		case 'f':
			field = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'n': {
			char *end;
			errno = 0;
			limit = strtol(optarg, &end, 10);
			if (!*optarg || *end || errno || limit < 1)
				return cmd_usage_error(&cmd_log, "-n takes a positive number, not '%s'",
						       optarg);
			break;
		}
		}
	}
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_log, "name one customer at most ('%s' is one too many)",
				       argv[optind + 1]);
	const char *who = optind < argc ? argv[optind] : NULL;
	if (field && !who)
		return cmd_usage_error(&cmd_log, "--field needs a customer: crm log WHO --field %s",
				       field);
	if (field) {
		char **keys;
		long *idx;
		int n = crm_path_split(field, &keys, &idx);
		crm_path_free(keys, idx, n);
		if (n < 0)
			return cmd_usage_error(&cmd_log, "%s", crm_error_last());
	}

	crm_book *b;
	int rc = cmd_open_book(ctx, &b);
	if (rc)
		return rc;
	crm_repo *repo = NULL;
	crm_entry *ents = NULL;
	size_t nents = 0, n = 0;
	crm_version *v = NULL;
	int e = crm_repo_open(&repo, b->root);
	if (!e && !who) {
		e = crm_repo_log(repo, limit > 0 ? (size_t)limit : BOOK_LOG_DEFAULT, &v, &n);
		if (!e)
			rc = print_commits(b, v, n, json);
		goto done;
	}
	size_t at;
	if (!e)
		e = crm_book_scan(b, &ents, &nents);
	if (!e)
		e = crm_record_resolve(b, ents, nents, who, &at);
	if (!e)
		e = crm_repo_file_history(repo, ents[at].path, field || limit < 0 ? 0 : (size_t)limit,
					  &v, &n);
	if (e)
		goto done;
	if (!n && !json)
		cmd_note("%s has no commits yet ('crm commit' records it)", ents[at].id);
	if (field)
		rc = print_field(ctx, b, v, n, field, limit > 0 ? (size_t)limit : 0, json);
	else
		rc = print_commits(b, v, n, json);
done:
	if (e)
		rc = cmd_fail(e);
	crm_versions_free(v, n);
	crm_entries_free(ents, nents);
	crm_repo_free(repo);
	crm_book_free(b);
	return rc;
}

const crm_cmd cmd_log = {
	"log",
	"[WHO] [--field PATH] [-n N] [--json]",
	"the history from git: who changed what and when",
	"  WHO          a customer: the commits that touched its record, following renames\n"
	"               (git mv); without WHO, the book's recent commits (20 unless -n)\n"
	"  --field PATH each change of one field of WHO's record (stage, needs.budget.max,\n"
	"               contacts[0].phone), read from the record's versions in git: when,\n"
	"               by whom, and the new value ((none) when it was removed)\n"
	"  -n N         at most N entries (commits, or changes with --field)\n"
	"  --json       an array, newest first, of {commit, date, author, message}, or with\n"
	"               --field of {commit, date, author, value}; date is ISO 8601 with the\n"
	"               commit's offset (2024-05-20T10:00:00+08:00)\n"
	"Newest first; dates in the time zone the commit was made in.\n",
	run,
};
