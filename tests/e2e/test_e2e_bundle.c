/* Handing over the whole book: a git bundle carries every commit, and crm reads the same history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(bundle, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static void ok(e2e_run r)
{
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* crm's standard output in dir, which must succeed. */
static char *crm_out(const char *dir, const char *const *argv)
{
	e2e_run r = e2e_crm(dir, argv);
	e2e_assert_code(r, 0);
	free(r.err);
	return r.out;
}

Test(bundle, a_bundled_book_keeps_its_whole_history)
{
	const char *b = e2e_book();
	const char *names[] = {"杭州云栖智能制造", "Northwind Traders", "上海申达物流"};
	for (int i = 0; i < 3; i++)
		ok(e2e_crmv(b, "add", names[i], "--kind", "company", "--source", "online", "--set",
			    "first_contact.date=2024-05-01", NULL));
	ok(e2e_crmv(b, "follow", "202405001", "--via", "phone", "--summary", "介绍系统", "--date",
		    "2024-05-02", NULL));
	ok(e2e_crmv(b, "stage", "202405001", "needs", "--date", "2024-05-03", NULL));
	ok(e2e_crmv(b, "follow", "202405002", "--via", "email", "--summary", "brochure", "--date",
		    "2024-05-04", NULL));
	ok(e2e_crmv(b, "stage", "202405002", "proposal", "--date", "2024-05-06", NULL));
	ok(e2e_crmv(b, "stage", "202405002", "won", "--amount", "520000", NULL));
	ok(e2e_crmv(b, "stage", "202405003", "lost", "--reason", "选择了竞品", NULL));
	/* a record moved by hand, then changed again where it now is */
	ok(e2e_sh(b, "mkdir -p customers/vip && git mv customers/2024/05/202405001.yaml customers/vip/ && "
		     "git commit -qm 'vip customers apart'"));
	ok(e2e_crmv(b, "stage", "202405001", "proposal", NULL));
	ok(e2e_crmv(b, "handover", "--from", "ming", "--to", "li", "202405001", NULL));

	/* the handover of the book: one file that carries everything, cloned elsewhere */
	ok(e2e_sh(b, "git bundle create ../book.bundle --all"));
	ok(e2e_sh(b, "git bundle verify ../book.bundle"));
	ok(e2e_sh(NULL, "git clone -q book.bundle newowner"));
	ok(e2e_crmv("newowner", "setup", "--user", "li", NULL));
	e2e_run r = e2e_sh("newowner", "git fsck --full --strict");
	e2e_assert_code(r, 0);
	e2e_assert_hasnt(r.err, "error");
	e2e_assert_hasnt(r.err, "missing");
	e2e_run_free(&r);
	char *h0 = e2e_sh_out(b, "git rev-parse HEAD"), *h1 = e2e_sh_out("newowner", "git rev-parse HEAD");
	cr_assert_str_eq(h0, h1);
	free(h0);
	free(h1);
	char *n0 = e2e_sh_out(b, "git rev-list --all | wc -l"), *n1 = e2e_sh_out("newowner", "git rev-list --all | wc -l");
	cr_assert_str_eq(n0, n1);
	free(n0);
	free(n1);

	/* crm tells the same story in both */
	const char *ids[] = {"202405001", "202405002", "202405003"};
	for (int i = 0; i < 3; i++) {
		const char *plain[] = {"log", ids[i], NULL};
		const char *field[] = {"log", ids[i], "--field", "stage", NULL};
		for (int k = 0; k < 2; k++) {
			const char *const *argv = k ? field : plain;
			char *a = crm_out(b, argv), *c = crm_out("newowner", argv);
			cr_assert(strlen(a) > 0);
			cr_assert_str_eq(a, c, "crm %s %s%s differs after the bundle:\n%s\n---\n%s", argv[0],
					 ids[i], k ? " --field stage" : "", a, c);
			free(a);
			free(c);
		}
	}
	/* across the git mv: the moved record's stage history is whole */
	const char *field[] = {"log", "202405001", "--field", "stage", NULL};
	char *a = crm_out("newowner", field);
	e2e_assert_has(a, "initial");
	e2e_assert_has(a, "needs");
	e2e_assert_has(a, "proposal");
	free(a);
	const char *whole[] = {"log", NULL};
	char *l0 = crm_out(b, whole), *l1 = crm_out("newowner", whole);
	cr_assert_str_eq(l0, l1);
	e2e_assert_has(l1, "handover ming -> li: 1 customer");
	free(l0);
	free(l1);
	r = e2e_crmv("newowner", "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "3 records checked: 0 errors");
	e2e_run_free(&r);
	/* and the new owner works on in the clone */
	ok(e2e_crmv("newowner", "follow", "202405001", "--via", "visit", "--summary", "new owner visits", NULL));
	e2e_assert_sh_eq("newowner", "李娜", "git log -1 --format=%an");
}
