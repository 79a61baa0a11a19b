/*
 * The path fuzz target's seed corpus and saved crashes (tests/fuzz/corpus/path/,
 * tests/fuzz/regressions/path/) run through the target as plain tests, so a
 * regression fails the unit suite and not only a fuzzing session.
 */
#include <criterion/criterion.h>
#include <dirent.h>

#include "../fuzz/fuzz_path.c"

static char *src_path(const char *rel)
{
	const char *f = __FILE__;
	const char *cut = strstr(f, "tests/unit/test_fuzz_path.c");
	return crm_xasprintf("%.*s%s", cut ? (int)(cut - f) : 0, f, rel);
}

/* Run every file of dir (relative to the source tree); returns how many. */
static int replay(const char *rel)
{
	char *dir = src_path(rel);
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "cannot open %s", dir);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = crm_xasprintf("%s/%s", dir, e->d_name);
		crm_buf b = CRM_BUF_INIT;
		cr_assert_eq(crm_buf_read_file(&b, p), 0, "%s", crm_error_last());
		LLVMFuzzerTestOneInput((const uint8_t *)crm_buf_cstr(&b), b.len);
		crm_buf_free(&b);
		free(p);
		n++;
	}
	closedir(d);
	free(dir);
	return n;
}

Test(fuzz_path, seeds_and_saved_crashes_run_clean)
{
	char *schema_path = src_path("schema/customer.schema.yaml");
	setenv("CRM_SCHEMA", schema_path, 1);
	LLVMFuzzerInitialize(NULL, NULL);
	cr_assert_geq(replay("tests/fuzz/corpus/path"), 10, "the seed corpus is missing");
	cr_assert_geq(replay("tests/fuzz/regressions/path"), 1, "the saved crashes are missing");
	fuzz_path_done();
	free(schema_path);
}
