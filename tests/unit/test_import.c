/* import.c with the shipped schema: columns by path or label, enum cells by code or label. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/import.h"
#include "crm/schema.h"
#include "crm/value.h"

static crm_schema *shipped(void)
{
	const char *r = getenv("CRM_SRC");
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_import.c");
	char *p = r ? crm_xasprintf("%s/schema/customer.schema.yaml", r)
		    : crm_xasprintf("%.*sschema/customer.schema.yaml", cut ? (int)(cut - f) : 0, f);
	crm_schema *s = NULL;
	crm_diags d = {0};
	cr_assert_eq(crm_schema_load(&s, p, &d), 0, "%s", p);
	crm_diags_free(&d);
	free(p);
	return s;
}

static void column_is(const crm_schema *s, const char *head, const char *want)
{
	char *p = crm_import_column(s, head);
	if (!want)
		cr_assert_null(p, "%s -> %s", head, p);
	else
		cr_assert(p && !strcmp(p, want), "%s -> %s, want %s", head, p ? p : "(none)", want);
	free(p);
}

Test(import, columns_by_path_or_label)
{
	crm_schema *s = shipped();
	column_is(s, "company.industry", "company.industry");
	column_is(s, "contacts[0].phone", "contacts[0].phone");
	column_is(s, "客户名称", "name");
	column_is(s, "所属行业", "company.industry");
	column_is(s, "Industry", "company.industry");
	column_is(s, "联系电话", "contacts[0].phone");
	column_is(s, "跟进方式", "followups[0].via");
	column_is(s, "备忘", NULL);
	column_is(s, "company.nope", NULL);
	crm_schema_free(s);
}

static void enum_is(const crm_schema *s, const char *path, const char *cell, const char *want)
{
	crm_node *n = NULL;
	crm_date today = {2024, 5, 20};
	cr_assert_eq(crm_value_parse(&n, s, path, cell, today), 0, "%s=%s: %s", path, cell,
		     crm_error_last());
	cr_assert_str_eq(n->value, want, "%s=%s", path, cell);
	crm_node_free(n);
}

Test(import, enum_cells_by_code_or_label)
{
	crm_schema *s = shipped();
	enum_is(s, "kind", "企业客户", "company");
	enum_is(s, "kind", "person", "person");
	enum_is(s, "source", "行业展会", "trade-show");
	enum_is(s, "source", "Trade show", "trade-show");
	enum_is(s, "followups[0].via", "电话沟通", "phone");
	enum_is(s, "stage", "谈判中", "negotiation");
	crm_schema_free(s);
}
