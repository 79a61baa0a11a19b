/*
 * Two crm processes at once must never lose each other's changes (the book
 * lock covers read, change, write and commit), and a record that is a
 * symlink is never written through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(concurrency, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static char *out_ok(const char *dir, const char *cmd)
{
	e2e_run r = e2e_sh(dir, "%s", cmd);
	cr_assert_eq(r.code, 0, "'%s' exited %d:\n%s%s", cmd, r.code, r.out, r.err);
	free(r.err);
	r.out[strcspn(r.out, "\n")] = '\0';
	return r.out;
}

Test(concurrency, two_writers_lose_nothing)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "并发测试公司", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	int n0 = e2e_commits(b);
	/* two shell loops started together, each 50 tags on the same customer */
	r = e2e_sh(b,
		   "export CRM_LOCK_TIMEOUT=60\n"
		   "loop() { i=1; while [ $i -le 50 ]; do \"$CRM_BIN\" tag 202405001 \"$1$i\" >/dev/null 2>>\"../$1.err\" "
		   "|| echo \"$1$i failed\" >>../failed; i=$((i+1)); done; }\n"
		   "loop a & loop b & wait\n"
		   "cat ../failed ../a.err ../b.err 2>/dev/null; true");
	e2e_assert_code(r, 0);
	e2e_assert_hasnt(r.out, "failed");
	e2e_run_free(&r);
	/* all 100 tags in the file, each once */
	char *py = out_ok(b, "python3 -c 'import yaml\n"
			     "t = yaml.safe_load(open(\"customers/2024/05/202405001.yaml\"))[\"tags\"]\n"
			     "want = {p + str(i) for p in \"ab\" for i in range(1, 51)}\n"
			     "print(len(t), len(set(t)), set(t) == want)'");
	cr_assert_str_eq(py, "100 100 True");
	free(py);
	/* 100 commits, one per tag, each touching only the record */
	cr_assert_eq(e2e_commits(b), n0 + 100);
	char *msgs = out_ok(b, "git log --format=%s -100 | grep -c '^tag 202405001: [ab][0-9]*$'");
	cr_assert_str_eq(msgs, "100");
	free(msgs);
	char *files = out_ok(b, "git log --format= --name-only -100 | grep . | sort -u | paste -sd ' '");
	cr_assert_str_eq(files, "customers/2024/05/202405001.yaml");
	free(files);
	/* each commit adds exactly one tag to its parent's file: nobody's change lost */
	/* each commit adds exactly one tag to its parent's version: no change lost on the way */
	char *grow = out_ok(b, "python3 -c 'import subprocess, yaml\n"
			       "revs = subprocess.check_output([\"git\", \"rev-list\", \"--reverse\", \"-101\", \"HEAD\"]).split()\n"
			       "prev = None\n"
			       "for c in revs:\n"
			       "    t = yaml.safe_load(subprocess.check_output([\"git\", \"show\", c.decode() + \":customers/2024/05/202405001.yaml\"])).get(\"tags\") or []\n"
			       "    if prev is not None and (len(t) != len(prev) + 1 or t[:len(prev)] != prev):\n"
			       "        print(\"lost at\", c.decode(), prev, t)\n"
			       "    prev = t\n"
			       "print(\"ok\", len(prev))'");
	cr_assert_str_eq(grow, "ok 100");
	free(grow);
	char *fsck = out_ok(b, "git fsck --strict >/dev/null 2>&1 && echo clean");
	cr_assert_str_eq(fsck, "clean");
	free(fsck);
	char *st = out_ok(b, "git status --porcelain --ignored customers; ls -A customers/2024/05");
	cr_assert_str_eq(st, "202405001.yaml", "left behind: %s", st);
	free(st);
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

Test(concurrency, a_held_lock_times_out_naming_the_holder)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "Lock Co", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	int n = e2e_commits(b);
	/* hold .git/crm.lock with flock(1) while crm tries */
	r = e2e_sh(b, "command -v flock >/dev/null || exit 77\n"
		      "echo 'pid 4242: crm edit 202405001' > .git/crm.lock\n"
		      "flock .git/crm.lock sleep 3 & sleep 0.3\n"
		      "CRM_LOCK_TIMEOUT=0.5 \"$CRM_BIN\" tag 202405001 late; echo \"exit=$?\"; wait");
	if (r.code == 77) {
		e2e_run_free(&r);
		cr_skip_test("flock(1) is not installed");
	}
	e2e_assert_has(r.out, "exit=1");
	e2e_assert_has(r.err, "crm: error:");
	e2e_assert_has(r.err, "busy");
	e2e_assert_has(r.err, "crm edit 202405001");
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n);
	char *tags = out_ok(b, "grep -c late customers/2024/05/202405001.yaml || true");
	cr_assert_str_eq(tags, "0");
	free(tags);
	/* once the holder is gone the lock is free: it died with the process */
	r = e2e_crmv(b, "tag", "202405001", "later", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), n + 1);
}

Test(concurrency, a_symlinked_record_is_refused)
{
	const char *b = e2e_book();
	e2e_run r = e2e_crmv(b, "add", "Real Co", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	/* the target lives outside customers/, the link where a record would be */
	r = e2e_sh(b, "git mv customers/2024/05/202405001.yaml target.yaml && "
		      "ln -s ../../../target.yaml customers/2024/05/202405001.yaml && "
		      "git add -A && git commit -qm 'link' --no-verify");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	char *before = e2e_read("book/target.yaml");
	int n = e2e_commits(b);
	const char *const cmds[][5] = {
		{"tag", "202405001", "x", NULL},
		{"untag", "202405001", "x", NULL},
		{"set", "202405001", "name=Changed", NULL},
	};
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
		r = e2e_crm(b, cmds[i]);
		cr_assert_eq(r.code, 1, "%s: exit %d\n%s", cmds[i][0], r.code, r.err);
		e2e_assert_has(r.err, "symbolic link");
		e2e_run_free(&r);
	}
	char *after = e2e_read("book/target.yaml");
	cr_assert_str_eq(after, before);
	cr_assert_eq(e2e_commits(b), n);
	char *link = out_ok(b, "test -L customers/2024/05/202405001.yaml && echo link");
	cr_assert_str_eq(link, "link");
	free(link);
	/* validate says so too */
	r = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "symbolic link");
	e2e_run_free(&r);
	free(before);
	free(after);
}
