/*
 * libFuzzer target: whatever bytes a hand edit leaves in a record, reading
 * it, validating it and editing it must never crash, leak or read out of
 * bounds, and an edit must leave a document that reads back.
 *
 *	make fuzz            # builds build/fuzz/fuzz_record (clang) and runs it 60 s
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/doc.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/schema.h"

static crm_schema *schema;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
crm_schema *schema_of_fuzz(void);

/* The schema the target loaded, for a caller that wants to free it. */
crm_schema *schema_of_fuzz(void)
{
	return schema;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *p = getenv("CRM_SCHEMA");
	if (crm_schema_load(&schema, p ? p : "schema/customer.schema.yaml", NULL) != 0) {
		fprintf(stderr, "fuzz_record: cannot load the schema (set CRM_SCHEMA)\n");
		exit(1);
	}
	return 0;
}

static const char *const ORDER[] = {"id", "name", "tags", "stage", "followups", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	crm_doc *d = NULL;
	crm_diags diags = {0};
	if (crm_doc_parse(&d, "f.yaml", (const char *)data, size, &diags) == 0) {
		crm_schema_validate(schema, d, &diags);
		/* a value made of the input's first bytes, as a user might type it */
		char val[32];
		size_t n = size < sizeof val - 1 ? size : sizeof val - 1;
		memcpy(val, data, n);
		val[n] = '\0';
		crm_node *s = crm_node_new_str(val);
		if (d->root && d->root->kind == CRM_NODE_MAP) {
			const char *paths[] = {"name", "needs.budget.max", "contacts[0].phone", "stage"};
			for (size_t i = 0; i < 4; i++) {
				if (crm_edit_set(&d, paths[i], s, ORDER) == 0) {
					const crm_node *back = crm_node_at(d->root, paths[i]);
					if (!back || back->kind != CRM_NODE_SCALAR || strcmp(back->value, val))
						abort(); /* what was written must read back */
				}
			}
			crm_edit_append(&d, "tags", s, ORDER);
			crm_node *f = crm_node_new_map(false);
			crm_node_map_put(f, "date", crm_node_new_raw("2024-05-05"));
			crm_node_map_put(f, "summary", crm_node_new_str(val));
			crm_edit_append(&d, "followups", f, ORDER);
			crm_node_free(f);
			crm_edit_unset(&d, "tags[0]");
			crm_edit_unset(&d, "name");
		}
		crm_node_free(s);
		crm_doc_free(d);
	}
	crm_diags_free(&diags);
	crm_error_clear();
	return 0;
}
