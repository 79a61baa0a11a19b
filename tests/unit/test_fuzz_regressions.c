/*
 * Inputs the fuzzer once broke the reader or the editor with (kept in
 * tests/fuzz/regressions/), run through the same target as plain tests, so
 * that a regression fails `make check` and not only a fuzzing session.
 */
#include <criterion/criterion.h>
#include <dirent.h>

#include "../fuzz/fuzz_record.c"

#include "crm/buf.h"

static char *src_path(const char *rel)
{
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_fuzz_regressions.c");
	return crm_xasprintf("%.*s%s", cut ? (int)(cut - f) : 0, f, rel);
}

Test(fuzz, every_saved_input_runs_clean)
{
	char *schema_path = src_path("schema/customer.schema.yaml");
	setenv("CRM_SCHEMA", schema_path, 1);
	LLVMFuzzerInitialize(NULL, NULL);
	char *dir = src_path("tests/fuzz/regressions");
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "cannot open %s", dir);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type == DT_DIR)
			continue; /* a folder holds another target's inputs */
		char *p = crm_xasprintf("%s/%s", dir, e->d_name);
		crm_buf b = CRM_BUF_INIT;
		cr_assert_eq(crm_buf_read_file(&b, p), 0, "%s", crm_error_last());
		LLVMFuzzerTestOneInput((const uint8_t *)crm_buf_cstr(&b), b.len);
		crm_buf_free(&b);
		free(p);
		n++;
	}
	closedir(d);
	cr_assert_geq(n, 3, "the regression inputs are missing from %s", dir);
	crm_schema_free(schema_of_fuzz());
	free(dir);
	free(schema_path);
}
