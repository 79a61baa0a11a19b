/*
 * libFuzzer target: the field paths and assignments typed after `crm set`
 * and `crm add --set`. Whatever the bytes, parsing must never crash or
 * leak; a path that splits must split the same way again once written back;
 * and an assignment that the library accepts, applied to a record, must read
 * back as what was written. Each input line is one assignment, applied in
 * turn to two records (block style; flow style with CRLF line ends).
 *
 *	make fuzz-path       # FUZZ_SECONDS (60); `make fuzz-ci` runs it 20 s
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/assign.h"
#include "crm/buf.h"
#include "crm/doc.h"
#include "crm/edit.h"
#include "crm/record.h"
#include "crm/schema.h"
#include "crm/value.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_path_done(void);

static crm_schema *schema;

static const char BLOCK[] =
	"# yaml-language-server: $schema=../../../schema/customer.schema.yaml\n"
	"id: \"202405001\"\n"
	"name: 科技有限公司\n"
	"kind: company\n"
	"source: trade-show\n"
	"owner: ming\n"
	"first_contact: {date: 2024-05-01, by: ming}\n"
	"contacts:\n"
	"  - name: 张伟   # the buyer\n"
	"    phone: \"13800000000\"\n"
	"    role: decision-maker\n"
	"needs:\n"
	"  summary: 降低成本\n"
	"  budget: {min: 150000, max: 200000}\n"
	"tags: [预算敏感, 高意向]\n"
	"stage: proposal\n"
	"stage_history:\n"
	"  - {stage: initial, date: 2024-05-01}\n"
	"notes: |\n"
	"  two\n"
	"  lines\n"
	"followups:\n"
	"  - date: 2024-05-05\n"
	"    via: phone\n"
	"    by: ming\n"
	"    summary: 介绍\n"
	"    next: {date: 2024-05-08, action: 发送资料, by: ming}\n";

static const char FLOW[] =
	"id: '202405002'\r\n"
	"name: Acme\r\n"
	"kind: person\r\n"
	"source: online\r\n"
	"owner: li\r\n"
	"first_contact: {date: 2024-05-02, by: li}\r\n"
	"person: {age: 35, interests: [摄影]}\r\n"
	"tags: []\r\n"
	"stage: initial\r\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *p = getenv("CRM_SCHEMA");
	if (crm_schema_load(&schema, p ? p : "schema/customer.schema.yaml", NULL) != 0) {
		fprintf(stderr, "fuzz_path: cannot load the schema (set CRM_SCHEMA)\n");
		exit(1);
	}
	return 0;
}

/* Free what LLVMFuzzerInitialize loaded (for the unit test that replays inputs). */
void fuzz_path_done(void)
{
	crm_schema_free(schema);
	schema = NULL;
}

/* The node the parts lead to, or NULL. */
static const crm_node *walk(const crm_node *n, char **keys, const long *idx, int k)
{
	for (int i = 0; n && i < k; i++) {
		if (keys[i])
			n = crm_node_get(n, keys[i]);
		else
			n = n->kind == CRM_NODE_SEQ && (size_t)idx[i] < n->n ? n->items[idx[i]] : NULL;
	}
	return n;
}

/* A path split, written back and split again, gives the same parts. */
static void check_split(const char *path)
{
	char **keys, **keys2;
	long *idx, *idx2;
	int n = crm_path_split(path, &keys, &idx);
	if (n < 0) {
		if (keys || idx || !*crm_error_last())
			abort(); /* a refusal leaves NULLs and says why */
		crm_path_free(keys, idx, n);
		return;
	}
	crm_buf b = CRM_BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (keys[i])
			crm_buf_printf(&b, "%s%s", i ? "." : "", keys[i]);
		else
			crm_buf_printf(&b, "[%ld]", idx[i]);
	}
	int n2 = crm_path_split(crm_buf_cstr(&b), &keys2, &idx2);
	if (n2 != n)
		abort();
	for (int i = 0; i < n; i++)
		if (!keys[i] != !keys2[i] || (keys[i] ? strcmp(keys[i], keys2[i]) : idx[i] != idx2[i]))
			abort();
	crm_path_free(keys2, idx2, n2);
	crm_path_free(keys, idx, n);
	crm_buf_free(&b);
}

/* Apply one assignment to *d as `crm set` does, and check what reads back. */
static void apply(crm_doc **d, const char *arg)
{
	crm_assign a;
	if (crm_assign_parse(&a, arg) != 0) {
		if (a.path || a.value)
			abort();
		return;
	}
	char **keys;
	long *idx;
	int n = crm_path_split(a.path, &keys, &idx);
	if (n < 1)
		abort(); /* crm_assign_parse accepted a path that does not split */
	crm_date today = {2024, 5, 20};
	crm_node *val = NULL;
	if (a.op == CRM_ASSIGN_UNSET) {
		if (crm_edit_unset(d, a.path) == 0 && keys[n - 1] && walk((*d)->root, keys, idx, n))
			abort(); /* an unset key is gone */
	} else if (a.op == CRM_ASSIGN_SET) {
		if (crm_value_parse(&val, schema, a.path, a.value, today) == 0 &&
		    crm_edit_set(d, a.path, val, crm_record_order) == 0 &&
		    !crm_node_equal(walk((*d)->root, keys, idx, n), val))
			abort(); /* what was written must read back */
	} else {
		char *item = crm_xasprintf("%s[0]", a.path);
		const crm_node *old = walk((*d)->root, keys, idx, n);
		crm_node *before = old && old->kind == CRM_NODE_SEQ ? crm_node_clone(old) : NULL;
		if (crm_value_parse(&val, schema, item, a.value, today) == 0 && a.op == CRM_ASSIGN_APPEND &&
		    crm_edit_append(d, a.path, val, crm_record_order) == 0) {
			const crm_node *seq = walk((*d)->root, keys, idx, n);
			size_t had = before ? before->n : 0;
			if (!seq || seq->kind != CRM_NODE_SEQ || seq->n != had + 1 ||
			    !crm_node_equal(seq->items[had], val))
				abort(); /* the appended item ends the list */
			for (size_t i = 0; i < had; i++)
				if (!crm_node_equal(seq->items[i], before->items[i]))
					abort(); /* and the items before it stay */
		}
		crm_node_free(before);
		free(item);
	}
	crm_node_free(val);
	crm_path_free(keys, idx, n);
	crm_assign_clear(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = crm_xstrndup((const char *)data, size);
	crm_doc *docs[2] = {NULL, NULL};
	crm_doc_parse(&docs[0], "block.yaml", BLOCK, sizeof BLOCK - 1, NULL);
	crm_doc_parse(&docs[1], "flow.yaml", FLOW, sizeof FLOW - 1, NULL);
	if (!docs[0] || !docs[1])
		abort();
	char *save = NULL;
	int lines = 0;
	for (char *line = strtok_r(text, "\n", &save); line && lines < 4; line = strtok_r(NULL, "\n", &save)) {
		lines++;
		check_split(line);
		const char *eq = strchr(line, '=');
		if (eq) {
			char *path = crm_xstrndup(line, (size_t)(eq - line));
			check_split(path);
			free(path);
		}
		for (int k = 0; k < 2; k++)
			apply(&docs[k], line);
	}
	for (int k = 0; k < 2; k++) {
		/* whatever the edits made, validating it is safe */
		crm_diags diags = {0};
		crm_schema_validate(schema, docs[k], &diags);
		crm_diags_free(&diags);
		crm_doc_free(docs[k]);
	}
	free(text);
	crm_error_clear();
	return 0;
}
