/*
 * libFuzzer target: a team edits its schema by hand; whatever the bytes,
 * loading it must never crash or leak, and a schema that loads must
 * validate a record (and answer the lookups the commands make) safely.
 *
 *	make fuzz            # runs this target after fuzz_record
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm/doc.h"
#include "crm/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char RECORD[] =
	"id: \"202405001\"\nname: 科技有限公司\nkind: company\nsource: trade-show\nowner: ming\n"
	"first_contact: {date: 2024-05-01, by: ming}\ncontacts:\n  - {name: 张伟, phone: \"138\", "
	"email: a@b.cn, role: decision-maker}\ntags: [a, a]\nstage: won\nstage_history:\n"
	"  - {stage: initial, date: 2024-05-01}\ndeal: {amount: 1, signed: 2024-05-02}\n"
	"followups:\n  - {date: 2024-05-05, via: phone, by: ming, summary: x, next: {date: 2024-05-08, "
	"action: '', by: ming}}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	crm_schema *s = NULL;
	crm_diags d = {0};
	if (crm_schema_parse(&s, "s.yaml", (const char *)data, size, &d) == 0) {
		crm_doc *doc = NULL;
		if (crm_doc_parse(&doc, "r.yaml", RECORD, sizeof RECORD - 1, &d) == 0)
			crm_schema_validate(s, doc, &d);
		crm_doc_free(doc);
		const char *paths[] = {"", "stage", "followups[].via", "contacts[0].phone", "needs.budget.max"};
		for (size_t i = 0; i < 5; i++) {
			crm_schema_at(s, paths[i]);
			crm_schema_type_at(s, paths[i]);
			crm_schema_label(s, paths[i], NULL, "zh");
			crm_schema_label(s, paths[i], "won", "en");
			crm_schema_enum_from_label(s, paths[i], "成交");
			const char *const *vals;
			size_t n;
			crm_schema_enum_values(s, paths[i], &vals, &n);
		}
		char *p = NULL;
		if (crm_schema_find_by_label(s, "客户名称", &p) == 0)
			free(p);
		crm_schema_free(s);
	}
	crm_diags_free(&d);
	crm_error_clear();
	return 0;
}
