/*
 * Nothing that crm says is saved may be lost (issue 6, defects 1 and 2):
 * a commit whose git index could not be updated, and a commit that fails on
 * a full disk. The disk faults come from build/tests/fault/fault.so, an
 * LD_PRELOAD shim beside the crm under test (see tests/fault/fault.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm/buf.h"
#include "e2e.h"

TestSuite(durable, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

#define REC "book/customers/2024/05/202405001.yaml"
#define REL "customers/2024/05/202405001.yaml"

static void add_acme(const char *b)
{
	e2e_run r = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* How many times `text` is in the record at HEAD. */
static int at_head(const char *b, const char *text)
{
	char *n = e2e_sh_out(b, "git show HEAD:%s | grep -c '%s' || true", REL, text);
	int k = atoi(n);
	free(n);
	return k;
}

Test(durable, a_stale_index_lock_is_reported_and_the_next_command_repairs_the_index)
{
	const char *b = e2e_book();
	add_acme(b);
	e2e_write("book/.git/index.lock", "");
	setenv("CRM_LOCK_TIMEOUT", "0.3", 1);
	e2e_run r = e2e_crmv(b, "follow", "Acme", "--via", "phone", "--summary", "signed the NDA", NULL);
	/* The commit is made: exit 0, so that nobody logs it twice, but loudly. */
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "crm: warning: committed as ");
	e2e_assert_has(r.err, REL);
	e2e_assert_has(r.err, "remove .git/index.lock");
	e2e_assert_has(r.err, "run any crm command");
	e2e_run_free(&r);
	cr_assert_eq(at_head(b, "signed the NDA"), 1);

	/* While the lock stays, every command says so again. */
	r = e2e_crmv(b, "list", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "index.lock");
	e2e_run_free(&r);

	/* The user removes the stale lock; the next crm command repairs. */
	unlink("book/.git/index.lock");
	r = e2e_crmv(b, "list", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_hasnt(r.err, "warning");
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "", "git status --porcelain");

	/* A plain git commit of something else keeps the follow-up. */
	r = e2e_sh(b, "echo '#x' >> crm.yaml && git add crm.yaml && git commit -q --no-verify -m x");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(at_head(b, "signed the NDA"), 1, "a plain git commit reverted the follow-up");
}

Test(durable, a_git_that_holds_the_index_lock_for_a_while_is_waited_for)
{
	const char *b = e2e_book();
	add_acme(b);
	e2e_write("book/.git/index.lock", "");
	setenv("CRM_LOCK_TIMEOUT", "5", 1);
	/* a `git commit` whose editor closes after 0.6 s */
	e2e_run r = e2e_sh(b, "(sleep 0.6; rm -f .git/index.lock) & "
			      "\"$CRM_BIN\" follow Acme --via phone --summary waited; rc=$?; wait; exit $rc");
	e2e_assert_code(r, 0);
	e2e_assert_hasnt(r.err, "warning");
	e2e_run_free(&r);
	cr_assert_eq(at_head(b, "summary: waited"), 1);
	e2e_assert_sh_eq(b, "", "git status --porcelain");
}

Test(durable, a_crm_commit_with_a_stale_index_is_repaired_by_the_next_command)
{
	const char *b = e2e_book();
	add_acme(b);
	e2e_run r = e2e_sh(b, "sed -i 's/^name: Acme/name: Acme Ltd/' " REL " && touch .git/index.lock");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	setenv("CRM_LOCK_TIMEOUT", "0.2", 1);
	r = e2e_crmv(b, "commit", "-m", "rename", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "index.lock");
	e2e_run_free(&r);
	unlink("book/.git/index.lock");
	r = e2e_crmv(b, "status", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_assert_sh_eq(b, "", "git status --porcelain");
}

/* The fault shim beside the crm under test. */
static const char *shim(void)
{
	static char path[4096];
	const char *bin = getenv("CRM_BIN");
	cr_assert(bin && *bin);
	snprintf(path, sizeof path, "%s", bin);
	char *slash = strrchr(path, '/');
	cr_assert_not_null(slash);
	snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "tests/fault/fault.so");
	cr_assert(access(path, R_OK) == 0, "%s is missing: build it with make (it is made with the e2e binary)", path);
	/* a sanitized crm refuses a preloaded library ahead of its runtime */
	const char *asan = getenv("ASAN_OPTIONS");
	if (!asan || !strstr(asan, "verify_asan_link_order")) {
		char *opts = crm_xasprintf("%s%sverify_asan_link_order=0", asan ? asan : "",
					   asan && *asan ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
		free(opts);
	}
	return path;
}

/* How many `op` calls `crm follow` makes (the shim counting, failing none). */
static long count_calls(const char *b, const char *op)
{
	char *n = e2e_sh_out(b, "rm -rf ../count && cp -a . ../count && cd ../count && "
				"CRM_FAULT_OP=%s CRM_FAULT_N=0 CRM_FAULT_LOG=../count.log LD_PRELOAD='%s' "
				"\"$CRM_BIN\" follow Acme --via visit --summary counted >/dev/null 2>&1; "
				"cut -d' ' -f1 ../count.log; rm -rf ../count ../count.log",
			     op, shim());
	long k = atol(n);
	free(n);
	cr_assert_gt(k, 0, "the shim counted no %s calls", op);
	return k;
}

Test(durable, a_commit_that_fails_on_a_full_disk_leaves_the_record_as_it_was, .timeout = 120)
{
	const char *b = e2e_book();
	add_acme(b);
	long total = count_calls(b, "write");
	char *before = e2e_read(REC);
	int failed = 0, said = 0;
	for (long n = 1; n <= total; n++) {
		/* the disk fills up at the Nth write and stays full */
		e2e_run r = e2e_sh(b, "rm -rf ../w && cp -a . ../w && cd ../w && "
				      "CRM_FAULT_OP=write CRM_FAULT_N=%ld CRM_FAULT_STICKY=1 LD_PRELOAD='%s' "
				      "\"$CRM_BIN\" follow Acme --via visit --summary 'full disk'",
				   n, shim());
		cr_assert(r.code == 0 || r.code == 1, "N=%ld: exit %d\n%s", n, r.code, r.err);
		char *now = e2e_read("w/customers/2024/05/202405001.yaml");
		char *head = e2e_sh_out("w", "git show HEAD:%s", REL);
		if (r.code == 1) {
			failed++;
			cr_assert_str_eq(now, before, "N=%ld: a failed follow changed the record\n%s", n, r.err);
			said += strstr(r.err, "nothing was committed and the records are as they were") != NULL;
		} else {
			/* committed: the record is its old or its new version */
			cr_assert(!strncmp(now, head, strlen(head)) || !strcmp(now, before), "N=%ld", n);
		}
		free(now);
		free(head);
		e2e_run_free(&r);
		/* the user retries once the disk has room: one follow-up, never two */
		r = e2e_sh("w", "\"$CRM_BIN\" status >/dev/null 2>&1; test -n \"$(git status --porcelain)\" && exit 3; "
				"grep -q 'full disk' " REL " || \"$CRM_BIN\" follow Acme --via visit --summary 'full disk'");
		e2e_assert_code(r, 0);
		e2e_run_free(&r);
		char *n_fu = e2e_sh_out("w", "grep -c 'summary: full disk' %s", REL);
		cr_assert_str_eq(n_fu, "1", "N=%ld: the follow-up is there %s times", n, n_fu);
		free(n_fu);
	}
	cr_assert_gt(failed, 0, "no write failure made follow fail: the shim did not reach it");
	/* past the record's own temporary, the failure says what state it is in */
	cr_assert_gt(said, 0, "no failure said the records are as they were");
	free(before);
}

Test(durable, a_record_that_cannot_be_renamed_into_place_after_the_commit_is_finished_later,
     .timeout = 120)
{
	const char *b = e2e_book();
	add_acme(b);
	long total = count_calls(b, "rename");
	int waited = 0;
	for (long n = 1; n <= total; n++) {
		e2e_run r = e2e_sh(b, "rm -rf ../w && cp -a . ../w && cd ../w && "
				      "CRM_FAULT_OP=rename CRM_FAULT_N=%ld CRM_FAULT_ERRNO=EIO LD_PRELOAD='%s' "
				      "\"$CRM_BIN\" follow Acme --via visit --summary renamed",
				   n, shim());
		cr_assert(r.code == 0 || r.code == 1, "N=%ld: exit %d\n%s", n, r.code, r.err);
		if (strstr(r.err, "waits in")) {
			waited++;
			e2e_assert_code(r, 0);
			/* the record is still the old one until the next command */
			char *k0 = e2e_sh_out("w", "grep -c 'summary: renamed' %s || true", REL);
			cr_assert_str_eq(k0, "0");
			free(k0);
		}
		int code = r.code;
		e2e_run_free(&r);
		r = e2e_sh("w", "\"$CRM_BIN\" list >/dev/null && git status --porcelain --untracked-files=all");
		e2e_assert_code(r, 0);
		cr_assert_str_eq(r.out, "", "N=%ld: HEAD, index and files disagree after the next command", n);
		e2e_run_free(&r);
		char *k = e2e_sh_out("w", "grep -c 'summary: renamed' %s || true", REL);
		cr_assert_str_eq(k, code == 0 ? "1" : "0", "N=%ld", n);
		free(k);
	}
	cr_assert_gt(waited, 0, "no run failed the rename of the record itself");
}
