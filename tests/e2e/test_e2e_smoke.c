#include <string.h>

#include "e2e.h"

TestSuite(smoke, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

Test(smoke, init_add_validate)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "trade-show", NULL);
	e2e_assert_code(r, 0);
	cr_assert_str_eq(r.out, "202405001\n");
	e2e_run_free(&r);
	char *p = e2e_record_path(b, "202405001");
	cr_assert_not_null(p);
	e2e_assert_has(p, "customers/2024/05/202405001.yaml");
	free(p);
	cr_assert_eq(e2e_commits(b), 3);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}
