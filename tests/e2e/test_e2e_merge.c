/* Two clones of one book, shared through a bare remote on disk, merged by git with crm's driver. */
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(merge, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* book (ming) pushes to remote.git; other (li) is a clone set up for li. */
static void two_clones(void)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh(NULL, "git clone -q --bare book remote.git && cd book && git remote add origin ../remote.git "
			 "&& git push -q -u origin main && cd .. && git clone -q remote.git other");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv("other", "setup", "--user", "li", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(merge, setup_registers_the_driver_that_gitattributes_names)
{
	two_clones();
	char *attrs = e2e_read("other/.gitattributes");
	e2e_assert_has(attrs, "customers/**/*.yaml merge=crm");
	free(attrs);
	char *drv = e2e_sh_out("other", "git config --get merge.crm.driver");
	e2e_assert_has(drv, "merge-driver --marker-size %L %O %A %B %P");
	free(drv);
}

Test(merge, changes_to_different_fields_merge_on_pull)
{
	two_clones();
	e2e_run r = e2e_crmv("book", "tag", "202405001", "高意向", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh("book", "git push -q origin main");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv("other", "follow", "202405001", "--via", "phone", "--summary", "李娜的电话", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh("other", "git pull -q --no-rebase --no-edit origin main");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *text = e2e_read("other/customers/2024/05/202405001.yaml");
	e2e_assert_has(text, "tags: [高意向]\n");
	e2e_assert_has(text, "summary: 李娜的电话\n");
	free(text);
	r = e2e_crmv("other", "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(merge, the_same_field_changed_twice_is_a_conflict_crm_then_points_at)
{
	two_clones();
	e2e_run r = e2e_crmv("book", "set", "202405001", "name=科技股份有限公司", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh("book", "git push -q origin main");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_crmv("other", "set", "202405001", "name=科技集团", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh("other", "git pull -q --no-rebase --no-edit origin main");
	cr_assert_neq(r.code, 0, "the pull should stop on the conflict");
	e2e_run_free(&r);
	/* the record merge marks the name alone, not the lines around it */
	char *text = e2e_read("other/customers/2024/05/202405001.yaml");
	e2e_assert_has(text, "<<<<<<< ours\nname: 科技集团\n=======\nname: 科技股份有限公司\n>>>>>>> theirs\n");
	free(text);
	r = e2e_crmv("other", "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "unresolved merge conflict");
	e2e_run_free(&r);
}
