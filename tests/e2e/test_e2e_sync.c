/* crm sync between clones of a bare repository (and over ssh): fetch, merge in process, push. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(sync, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

static void ok(e2e_run r)
{
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/*
 * A book with one customer (202405001) pushed to the bare remote.git, and
 * clones a (ming) and b (li) of it.
 */
static void team(void)
{
	const char *b = e2e_book();
	ok(e2e_crmv(b, "add", "杭州云栖智能制造", "--kind", "company", "--source", "online", "--set",
		    "first_contact.date=2024-05-01", NULL));
	ok(e2e_sh(NULL, "git init -q --bare remote.git && cd book && git remote add origin ../remote.git "
			"&& git push -q -u origin main"));
	ok(e2e_sh(NULL, "git clone -q remote.git a && git clone -q remote.git b"));
	ok(e2e_crmv("a", "setup", "--user", "ming", NULL));
	ok(e2e_crmv("b", "setup", "--user", "li", NULL));
}

static void assert_record(const char *dir, const char *id)
{
	char *p = e2e_record_path(dir, id);
	cr_assert_not_null(p, "no record %s in %s", id, dir);
	free(p);
}

/* Everything that says "nothing changed" in a clone: HEAD, status, no merge state. */
static char *state(const char *dir)
{
	return e2e_sh_out(dir, "git rev-parse HEAD && git status --porcelain && "
			       "ls .git | grep -i merge; find customers -type f | sort | xargs cat");
}

Test(sync, followups_on_both_sides_are_merged_in_one_commit_and_pushed)
{
	team();
	ok(e2e_crmv("a", "follow", "202405001", "--via", "phone", "--summary", "明：介绍系统", "--date",
		    "2024-05-02", NULL));
	ok(e2e_crmv("b", "follow", "202405001", "--via", "email", "--summary", "李：发送报价", "--date",
		    "2024-05-03", NULL));
	ok(e2e_crmv("a", "sync", NULL)); /* fast-forward nothing, push */
	e2e_run r = e2e_crmv("b", "sync", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "\"result\": \"merged\"");
	e2e_assert_has(r.out, "\"pushed\": true");
	e2e_run_free(&r);
	/* one merge commit with two parents, authored by li, and it is what the remote has */
	e2e_assert_sh_eq("b", "2", "git cat-file -p HEAD | grep -c '^parent '");
	e2e_assert_sh_eq("b", "李娜", "git log -1 --format=%an");
	char *h = e2e_sh_out("b", "git rev-parse HEAD"), *rh = e2e_sh_out("remote.git", "git rev-parse main");
	cr_assert_str_eq(h, rh);
	free(h);
	free(rh);
	char *rec = e2e_read("b/customers/2024/05/202405001.yaml");
	e2e_assert_has(rec, "明：介绍系统");
	e2e_assert_has(rec, "李：发送报价");
	free(rec);
	e2e_assert_sh_eq("b", "", "git status --porcelain");
	ok(e2e_crmv("b", "validate", NULL));
	/* and the other clone gets it by a fast-forward */
	ok(e2e_crmv("a", "sync", NULL));
	char *ha = e2e_sh_out("a", "git rev-parse HEAD"), *hb = e2e_sh_out("b", "git rev-parse HEAD");
	cr_assert_str_eq(ha, hb);
	free(ha);
	free(hb);
	rec = e2e_read("a/customers/2024/05/202405001.yaml");
	e2e_assert_has(rec, "李：发送报价");
	free(rec);
	e2e_assert_sh_eq("a", "", "git status --porcelain");
}

/* Both clones move the customer to different stages; b's sync stops with nothing changed. */
static void stage_conflict(void)
{
	team();
	ok(e2e_crmv("a", "stage", "202405001", "needs", "--date", "2024-05-05", NULL));
	ok(e2e_crmv("b", "stage", "202405001", "lost", "--reason", "选择了竞品", "--date", "2024-05-06",
		    NULL));
	ok(e2e_crmv("a", "sync", NULL));
	char *before = state("b");
	e2e_run r = e2e_crmv("b", "sync", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "202405001");
	e2e_assert_has(r.out, "stage");
	e2e_assert_has(r.out, "needs");
	e2e_assert_has(r.out, "lost");
	e2e_assert_has(r.out, "销售代表明"); /* who set theirs */
	e2e_assert_has(r.out, "李娜");       /* who set ours */
	e2e_assert_has(r.err, "crm sync --ours");
	e2e_run_free(&r);
	char *after = state("b");
	cr_assert_str_eq(before, after, "sync changed the clone on a conflict");
	free(before);
	free(after);
	cr_assert_null(e2e_read("b/.git/MERGE_HEAD"));
}

Test(sync, a_conflict_changes_nothing_and_is_settled_with_ours)
{
	stage_conflict();
	ok(e2e_crmv("b", "sync", "--ours", NULL));
	e2e_assert_sh_eq("b", "stage: lost", "grep '^stage:' customers/2024/05/202405001.yaml");
	e2e_assert_sh_eq("b", "2", "git cat-file -p HEAD | grep -c '^parent '");
	e2e_assert_sh_eq("remote.git", "stage: lost",
			 "git show main:customers/2024/05/202405001.yaml | grep '^stage:'");
	ok(e2e_crmv("b", "validate", NULL));
	e2e_assert_sh_eq("b", "", "git status --porcelain");
}

Test(sync, a_conflict_is_settled_with_theirs)
{
	stage_conflict();
	ok(e2e_crmv("b", "sync", "--theirs", "202405001", NULL));
	e2e_assert_sh_eq("b", "stage: needs", "grep '^stage:' customers/2024/05/202405001.yaml");
	ok(e2e_crmv("b", "validate", NULL));
	e2e_assert_sh_eq("b", "", "git status --porcelain");
}

Test(sync, naming_some_records_leaves_the_others_in_conflict)
{
	stage_conflict();
	char *before = state("b");
	e2e_run r = e2e_crmv("b", "sync", "--ours", "2099", NULL);
	e2e_assert_code(r, 1);
	e2e_run_free(&r);
	char *after = state("b");
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
}

Test(sync, the_same_id_added_on_both_sides_renumbers_the_one_not_pushed)
{
	team();
	ok(e2e_crmv("a", "add", "上海申达物流", "--kind", "company", "--source", "online", "--set",
		    "first_contact.date=2024-05-08", NULL));
	ok(e2e_crmv("b", "add", "Northwind Traders", "--kind", "company", "--source", "referral",
		    "--set", "first_contact.date=2024-05-09", NULL));
	assert_record("a", "202405002");
	assert_record("b", "202405002");
	ok(e2e_crmv("a", "sync", NULL));
	e2e_run r = e2e_crmv("b", "sync", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "renumbered 202405002 -> 202405003");
	e2e_run_free(&r);
	e2e_assert_sh_eq("b", "上海申达物流", "grep '^name:' customers/2024/05/202405002.yaml | cut -c7-");
	e2e_assert_sh_eq("b", "Northwind Traders",
			 "grep '^name:' customers/2024/05/202405003.yaml | cut -c7-");
	e2e_assert_sh_eq("b", "id: '202405003'", "grep '^id:' customers/2024/05/202405003.yaml");
	/* the renumber is a commit of its own, naming both ids, under the merge */
	char *msg = e2e_sh_out("b", "git log -1 --format=%%s HEAD^1");
	e2e_assert_has(msg, "renumber 202405002 -> 202405003");
	e2e_assert_has(msg, "上海申达物流");
	free(msg);
	e2e_assert_sh_eq("b", "2", "git cat-file -p HEAD | grep -c '^parent '");
	ok(e2e_crmv("b", "validate", NULL));
	e2e_assert_sh_eq("b", "", "git status --porcelain");
	ok(e2e_crmv("a", "sync", NULL));
	assert_record("a", "202405003");
}

Test(sync, a_push_that_loses_the_race_is_merged_again_and_retried)
{
	team();
	ok(e2e_sh(NULL, "git clone -q remote.git c"));
	ok(e2e_crmv("c", "setup", "--user", "sarah", NULL));
	ok(e2e_crmv("c", "follow", "202405001", "--via", "visit", "--summary", "Sarah visited",
		    "--date", "2024-05-04", NULL));
	ok(e2e_crmv("b", "follow", "202405001", "--via", "email", "--summary", "李：发送报价", "--date",
		    "2024-05-03", NULL));
	/* a pre-receive hook that, the first time, lets c push its follow-up and refuses b's push */
	char *tmp = e2e_sh_out(NULL, "pwd");
	FILE *f = fopen("remote.git/hooks/pre-receive", "w");
	cr_assert(f);
	fprintf(f, "#!/bin/sh\ncat >/dev/null\n[ -e %s/raced ] && exit 0\ntouch %s/raced\n"
		   "env -i PATH=\"$PATH\" HOME=\"$HOME\" git -C %s/c push -q origin main >&2 || exit 0\n"
		   "echo 'refused: the remote moved' >&2\nexit 1\n", tmp, tmp, tmp);
	fclose(f);
	ok(e2e_sh(NULL, "chmod +x remote.git/hooks/pre-receive"));
	e2e_run r = e2e_crmv("b", "sync", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "\"attempts\": 2");
	e2e_assert_has(r.out, "\"pushed\": true");
	e2e_run_free(&r);
	char *raced = e2e_read("raced");
	cr_assert_not_null(raced, "the hook did not run: the race was not made");
	free(raced);
	/* the remote has both follow-ups: c's commit was merged, not overwritten */
	e2e_assert_sh_eq("remote.git", "2",
			 "git show main:customers/2024/05/202405001.yaml | grep -c -e 'Sarah visited' -e '李：发送报价'");
	char *h = e2e_sh_out("b", "git rev-parse HEAD"), *rh = e2e_sh_out("remote.git", "git rev-parse main");
	cr_assert_str_eq(h, rh);
	free(h);
	free(rh);
	free(tmp);
}

Test(sync, deleted_on_one_side_and_changed_on_the_other_is_a_conflict)
{
	team();
	ok(e2e_sh("a", "git rm -q customers/2024/05/202405001.yaml && git commit -qm 'remove'"));
	ok(e2e_crmv("b", "follow", "202405001", "--via", "phone", "--summary", "still talking", "--date",
		    "2024-05-03", NULL));
	ok(e2e_crmv("a", "sync", NULL));
	char *before = state("b");
	e2e_run r = e2e_crmv("b", "sync", "--json", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "\"result\": \"conflict\"");
	e2e_assert_has(r.out, "\"field\": \"\"");
	e2e_assert_has(r.out, "\"theirs\": null");
	e2e_run_free(&r);
	char *after = state("b");
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	/* keeping ours keeps the record, with its follow-up */
	ok(e2e_crmv("b", "sync", "--ours", NULL));
	e2e_assert_sh_eq("remote.git", "1",
			 "git show main:customers/2024/05/202405001.yaml | grep -c 'still talking'");
}

Test(sync, refuses_to_start_with_uncommitted_records)
{
	team();
	ok(e2e_sh("b", "sed -i 's/^name: .*/name: 改名/' customers/2024/05/202405001.yaml"));
	e2e_run r = e2e_crmv("b", "sync", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "crm commit");
	e2e_run_free(&r);
}

Test(sync, bad_command_lines_exit_2)
{
	team();
	e2e_run r = e2e_crmv("b", "sync", "--bogus", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv("b", "sync", "origin", "extra", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
	r = e2e_crmv("b", "sync", "--ours", "--theirs", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}

/* crm sync over ssh: a real sshd on 127.0.0.1, its own keys, a ~/.ssh/config host alias. */
static char sshd_pidfile[4096];

static void ssh_fini(void)
{
	char *pid = sshd_pidfile[0] ? e2e_read(sshd_pidfile) : NULL;
	if (pid) {
		char cmd[64];
		snprintf(cmd, sizeof cmd, "kill %ld 2>/dev/null", strtol(pid, NULL, 10));
		if (system(cmd) != 0) {
			/* already gone */
		}
		free(pid);
	}
	e2e_cleanup();
}

TestSuite(sync_ssh, .init = (void (*)(void))e2e_setup, .fini = ssh_fini);

Test(sync_ssh, sync_through_an_ssh_host_alias)
{
	team();
	char *tmp = e2e_sh_out(NULL, "pwd");
	/* a free port: the kernel's choice for port 0, released for sshd */
	char *port = e2e_sh_out(NULL, "python3 -c 'import socket; s=socket.socket(); "
				      "s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'");
	ok(e2e_sh(NULL, "mkdir -p sshd .ssh /run/sshd && chmod 700 .ssh && "
			"ssh-keygen -q -t ed25519 -N '' -f sshd/host_key && "
			"ssh-keygen -q -t ed25519 -N '' -f sshd/user_key && "
			"cp sshd/user_key.pub sshd/authorized_keys"));
	snprintf(sshd_pidfile, sizeof sshd_pidfile, "%s/sshd/sshd.pid", tmp);
	FILE *f = fopen("sshd/sshd_config", "w");
	cr_assert(f);
	fprintf(f, "Port %s\nListenAddress 127.0.0.1\nHostKey %s/sshd/host_key\nPidFile %s\n"
		   "AuthorizedKeysFile %s/sshd/authorized_keys\nStrictModes no\nUsePAM no\n"
		   "PermitRootLogin yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
		   "PubkeyAuthentication yes\n",
		port, tmp, sshd_pidfile, tmp);
	fclose(f);
	f = fopen(".ssh/config", "w");
	cr_assert(f);
	fprintf(f, "Host crmbooks\n  HostName 127.0.0.1\n  Port %s\n  User %s\n  IdentityFile %s/sshd/user_key\n"
		   "  IdentitiesOnly yes\n  UserKnownHostsFile %s/.ssh/known_hosts\n"
		   "  StrictHostKeyChecking yes\n  BatchMode yes\n",
		port, getenv("USER") && *getenv("USER") ? getenv("USER") : "root", tmp, tmp);
	fclose(f);
	ok(e2e_sh(NULL, "echo \"[127.0.0.1]:%s $(cat sshd/host_key.pub)\" > .ssh/known_hosts", port));
	/* ssh reads ~/.ssh/config from the password database, not $HOME: name this HOME's */
	char sshcmd[4200];
	snprintf(sshcmd, sizeof sshcmd, "ssh -F %s/.ssh/config", tmp);
	setenv("GIT_SSH_COMMAND", sshcmd, 1);
	/* a server that does not start fails the test: no skipping */
	e2e_run r = e2e_sh(NULL, "/usr/sbin/sshd -t -f %s/sshd/sshd_config && "
				 "/usr/sbin/sshd -f %s/sshd/sshd_config -E %s/sshd/log", tmp, tmp, tmp);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = e2e_sh(NULL, "for i in $(seq 100); do $GIT_SSH_COMMAND crmbooks true 2>/dev/null && exit 0; sleep 0.1; done; "
			 "cat sshd/log >&2; $GIT_SSH_COMMAND -v crmbooks true; exit 1");
	e2e_assert_code(r, 0);
	e2e_run_free(&r);

	/* clones that reach the remote only through the alias */
	ok(e2e_sh("a", "git remote set-url origin crmbooks:%s/remote.git", tmp));
	ok(e2e_sh("b", "git remote set-url origin crmbooks:%s/remote.git", tmp));
	ok(e2e_crmv("a", "follow", "202405001", "--via", "phone", "--summary", "over ssh from a",
		    "--date", "2024-05-02", NULL));
	ok(e2e_crmv("b", "follow", "202405001", "--via", "email", "--summary", "over ssh from b",
		    "--date", "2024-05-03", NULL));
	ok(e2e_crmv("a", "sync", NULL));
	r = e2e_crmv("b", "sync", "--json", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "\"result\": \"merged\"");
	e2e_assert_has(r.out, "\"pushed\": true");
	e2e_run_free(&r);
	e2e_assert_sh_eq("remote.git", "2",
			 "git show main:customers/2024/05/202405001.yaml | grep -c 'over ssh from'");
	/* the server saw us: the pushes came through sshd, not the file system */
	e2e_assert_sh_eq(NULL, "1", "grep -c -m1 'Accepted publickey' sshd/log");
	free(port);
	free(tmp);
}

Test(sync, a_merged_record_that_does_not_validate_is_not_committed_or_pushed)
{
	team();
	/* a pushes, with plain git and no hook, a record the schema refuses */
	ok(e2e_sh("a", "sed -i 's/^kind: .*/kind: bogus/' customers/2024/05/202405001.yaml && "
		       "git commit -q --no-verify -am 'bad kind' && git push -q origin main"));
	ok(e2e_crmv("b", "follow", "202405001", "--via", "phone", "--summary", "b's call", "--date",
		    "2024-05-03", NULL));
	char *before = state("b");
	char *remote_before = e2e_sh_out("remote.git", "git rev-parse main");
	e2e_run r = e2e_crmv("b", "sync", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "202405001.yaml");
	e2e_assert_has(r.err, "do not validate");
	e2e_run_free(&r);
	char *after = state("b"), *remote_after = e2e_sh_out("remote.git", "git rev-parse main");
	cr_assert_str_eq(before, after);
	cr_assert_str_eq(remote_before, remote_after);
	free(before), free(after), free(remote_before), free(remote_after);
}

Test(sync, the_same_id_in_different_folders_is_renumbered_too)
{
	team();
	ok(e2e_crmv("a", "add", "上海申达物流", "--kind", "company", "--source", "online", "--set",
		    "first_contact.date=2024-05-08", NULL));
	ok(e2e_sh("a", "mkdir -p customers/vip && git mv customers/2024/05/202405002.yaml customers/vip/ "
		       "&& git commit -qm 'vip customers apart'"));
	ok(e2e_crmv("b", "add", "Northwind Traders", "--kind", "company", "--source", "referral",
		    "--set", "first_contact.date=2024-05-09", NULL));
	ok(e2e_crmv("a", "sync", NULL));
	e2e_run r = e2e_crmv("b", "sync", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "renumbered 202405002 -> 202405003");
	e2e_run_free(&r);
	e2e_assert_sh_eq("b", "customers/2024/05/202405003.yaml\ncustomers/vip/202405002.yaml",
			 "git ls-files customers | grep yaml | grep -v 202405001");
	e2e_assert_sh_eq("b", "Northwind Traders",
			 "grep '^name:' customers/2024/05/202405003.yaml | cut -c7-");
	ok(e2e_crmv("b", "validate", NULL));
	e2e_assert_sh_eq("b", "", "git status --porcelain");
}
