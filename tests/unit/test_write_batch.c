/* crm_write_temp_nosync, crm_replace_nosync and crm_sync_fs: the batch path of a commit of many files. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crm/book.h"
#include "crm/buf.h"

/* What a batch commit does with one file: a temporary, then the rename. */
static int write_nosync(const char *path, const char *data, size_t len)
{
	char *tmp = NULL;
	int rc = crm_write_temp_nosync(&tmp, path, data, len);
	if (rc == 0 && (rc = crm_replace_nosync(tmp, path)) != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

Test(write_batch, writes_whole_files_and_refuses_links)
{
	char dir[] = "/tmp/crm-batch-XXXXXX";
	cr_assert(mkdtemp(dir));
	char *p = crm_xasprintf("%s/a/b/x.yaml", dir);
	cr_assert_eq(write_nosync(p, "one\n", 4), 0, "%s", crm_error_last());
	cr_assert_eq(write_nosync(p, "two\n", 4), 0);
	crm_buf b = CRM_BUF_INIT;
	cr_assert_eq(crm_buf_read_file(&b, p), 0);
	cr_assert_str_eq(crm_buf_cstr(&b), "two\n");
	char *l = crm_xasprintf("%s/link.yaml", dir);
	cr_assert_eq(symlink(p, l), 0);
	cr_assert_eq(write_nosync(l, "x", 1), CRM_EFAIL);
	cr_assert_eq(crm_sync_fs(dir), 0);
	cr_assert_eq(crm_sync_fs("/nonexistent/crm"), CRM_EIO);
	char *cmd = crm_xasprintf("rm -rf %s", dir);
	cr_expect_eq(system(cmd), 0);
	free(cmd), free(l), free(p);
	crm_buf_free(&b);
}
