/* The record merge through real git: two clones of a bare repository on
 * disk, each changing the same customer, `git pull` through the driver that
 * `crm setup` registers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(recmerge, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

#define REC "customers/2024/05/202405001.yaml"

static void ok(e2e_run r)
{
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
}

/* book (ming) pushes to remote.git; other (li) is its clone, set up for li. */
static void two_clones(void)
{
	const char *b = e2e_book();
	ok(e2e_crmv(b, "add", "科技有限公司", "--kind", "company", "--source", "online", "--set",
		    "first_contact.date=2024-05-01", NULL));
	ok(e2e_sh(NULL, "git clone -q --bare book remote.git && cd book && git remote add origin ../remote.git "
			"&& git push -q -u origin main && cd .. && git clone -q remote.git other"));
	ok(e2e_crmv("other", "setup", "--user", "li", NULL));
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

Test(recmerge, followups_on_both_sides_merge_in_date_order)
{
	two_clones();
	ok(e2e_crmv("book", "follow", "202405001", "--via", "phone", "--summary", "明的电话", "--date",
		    "2024-05-12", NULL));
	ok(e2e_sh("book", "git push -q origin main"));
	ok(e2e_crmv("other", "follow", "202405001", "--via", "visit", "--summary", "李的拜访", "--date",
		    "2024-05-10", NULL));
	ok(e2e_sh("other", "git pull -q --no-rebase --no-edit origin main"));
	char *text = e2e_read("other/" REC);
	const char *li = strstr(text, "summary: 李的拜访"), *ming = strstr(text, "summary: 明的电话");
	cr_assert(li && ming && li < ming, "both follow-ups, in date order:\n%s", text);
	cr_assert_eq(count(text, "summary:"), 2, "%s", text);
	e2e_assert_hasnt(text, "<<<<<<<");
	free(text);
	ok(e2e_crmv("other", "validate", NULL));
	/* a merge commit with two parents, and the clean tree git leaves after it */
	char *parents = e2e_sh_out("other", "git log -1 --format=%%P");
	cr_assert(strchr(parents, ' '), "a merge commit: %s", parents);
	free(parents);
	e2e_assert_sh_eq("other", "", "git status --porcelain");
}

Test(recmerge, a_conflicting_field_is_marked_alone)
{
	two_clones();
	ok(e2e_crmv("book", "set", "202405001", "needs.summary=降低成本", "name=科技股份有限公司", NULL));
	ok(e2e_crmv("book", "follow", "202405001", "--via", "phone", "--summary", "明的电话", NULL));
	ok(e2e_sh("book", "git push -q origin main"));
	ok(e2e_crmv("other", "set", "202405001", "name=科技集团", NULL));
	ok(e2e_crmv("other", "tag", "202405001", "高意向", NULL));
	char *before = e2e_read("other/" REC);
	e2e_run r = e2e_sh("other", "git pull -q --no-rebase --no-edit origin main");
	cr_assert_neq(r.code, 0, "the pull stops on the conflict");
	e2e_run_free(&r);
	char *text = e2e_read("other/" REC);
	e2e_assert_has(text, "<<<<<<< ours\nname: 科技集团\n=======\nname: 科技股份有限公司\n>>>>>>> theirs\n");
	cr_assert_eq(count(text, "<<<<<<<"), 1, "%s", text);
	/* everything else merged: theirs' follow-up and needs, ours' tag */
	e2e_assert_has(text, "summary: 明的电话\n");
	e2e_assert_has(text, "summary: 降低成本\n");
	e2e_assert_has(text, "tags: [高意向]\n");
	/* before the markers, the text is ours */
	size_t head = (size_t)(strstr(text, "<<<<<<<") - text);
	cr_assert(strncmp(text, before, head) == 0, "ours changed before the markers:\n%s", text);
	free(before);
	free(text);
	r = e2e_crmv("other", "validate", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.out, "unresolved merge conflict");
	e2e_run_free(&r);
}

Test(recmerge, a_record_renamed_on_one_side_still_merges_its_fields)
{
	two_clones();
	ok(e2e_sh("book", "mkdir -p customers/key && git mv " REC " customers/key/202405001.yaml && "
			  "git commit -q -m 'move to key accounts' && git push -q origin main"));
	ok(e2e_crmv("book", "follow", "202405001", "--via", "phone", "--summary", "明的电话", "--date",
		    "2024-05-12", NULL));
	ok(e2e_sh("book", "git push -q origin main"));
	ok(e2e_crmv("other", "follow", "202405001", "--via", "visit", "--summary", "李的拜访", "--date",
		    "2024-05-11", NULL));
	ok(e2e_sh("other", "git pull -q --no-rebase --no-edit origin main"));
	cr_assert_null(e2e_read("other/" REC));
	char *text = e2e_read("other/customers/key/202405001.yaml");
	cr_assert(text);
	const char *li = strstr(text, "李的拜访"), *ming = strstr(text, "明的电话");
	cr_assert(li && ming && li < ming, "%s", text);
	free(text);
	ok(e2e_crmv("other", "validate", NULL));
}

Test(recmerge, driver_by_hand_with_marker_size_and_a_broken_side)
{
	e2e_write("base.yaml", "id: x\nname: a\nkind: company\nsource: online\nstage: initial\n");
	e2e_write("ours.yaml", "id: x\nname: b\nkind: company\nsource: online\nstage: initial\n");
	e2e_write("theirs.yaml", "id: x\nname: c\nkind: company\nsource: online\nstage: needs\n");
	e2e_run r = e2e_crmv(NULL, "merge-driver", "--marker-size", "9", "base.yaml", "ours.yaml",
			     "theirs.yaml", "customers/x.yaml", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "conflict in name");
	e2e_run_free(&r);
	char *text = e2e_read("ours.yaml");
	cr_assert_str_eq(text, "id: x\n<<<<<<<<< ours\nname: b\n=========\nname: c\n>>>>>>>>> theirs\n"
			       "kind: company\nsource: online\nstage: needs\n");
	free(text);
	/* theirs is not YAML: git's line merge, nothing lost */
	e2e_write("ours.yaml", "id: x\nname: b\nkind: company\nsource: online\nstage: initial\n");
	e2e_write("theirs.yaml", "id: x\nname: a\nkind: company\nsource: online\nstage: [needs\n");
	r = e2e_crmv(NULL, "merge-driver", "base.yaml", "ours.yaml", "theirs.yaml", "customers/x.yaml", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "line by line");
	e2e_run_free(&r);
	text = e2e_read("ours.yaml");
	cr_assert_str_eq(text, "id: x\nname: b\nkind: company\nsource: online\nstage: [needs\n");
	free(text);
	/* a wrong marker size is a wrong command line */
	r = e2e_crmv(NULL, "merge-driver", "--marker-size", "x", "base.yaml", "ours.yaml", "theirs.yaml",
		     "p", NULL);
	e2e_assert_code(r, 2);
	e2e_run_free(&r);
}

Test(recmerge, conflict_marker_size_from_gitattributes_reaches_the_driver)
{
	two_clones();
	ok(e2e_sh("other", "echo 'customers/**/*.yaml conflict-marker-size=10' >> .git/info/attributes"));
	ok(e2e_crmv("book", "set", "202405001", "name=甲", NULL));
	ok(e2e_sh("book", "git push -q origin main"));
	ok(e2e_crmv("other", "set", "202405001", "name=乙", NULL));
	e2e_run r = e2e_sh("other", "git pull -q --no-rebase --no-edit origin main");
	cr_assert_neq(r.code, 0);
	e2e_run_free(&r);
	char *text = e2e_read("other/" REC);
	e2e_assert_has(text, "<<<<<<<<<< ours\nname: 乙\n==========\nname: 甲\n>>>>>>>>>> theirs\n");
	free(text);
}

Test(recmerge, the_same_customer_added_in_both_clones_merges_two_ways)
{
	two_clones();
	ok(e2e_crmv("book", "add", "华东物流", "--kind", "company", "--source", "online", "--id", "hd001",
		    "--set", "tags=老客户", NULL));
	ok(e2e_sh("book", "git push -q origin main"));
	/* li adds it for ming, as ming did */
	ok(e2e_crmv("other", "add", "华东物流", "--kind", "company", "--source", "online", "--id", "hd001",
		    "--owner", "ming", "--set", "first_contact.by=ming", "--set", "tags=高意向", NULL));
	ok(e2e_sh("other", "git pull -q --no-rebase --no-edit origin main"));
	char *path = e2e_record_path("other", "hd001");
	cr_assert(path);
	char *text = e2e_read(path);
	e2e_assert_hasnt(text, "<<<<<<<");
	e2e_assert_has(text, "老客户");
	e2e_assert_has(text, "高意向");
	free(text);
	free(path);
	ok(e2e_crmv("other", "validate", NULL));
}

/*
 * Random crm changes in both clones (fixed seed), merged by git pull through
 * the driver, round after round: a clean pull leaves a valid book with every
 * follow-up of both clones once; a pull that stops must be a real conflict
 * (the same field changed in both), which crm validate reports.
 */
static unsigned long long seed = 7;
static unsigned pick(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((seed >> 33) % n);
}

static void random_change(const char *dir, int round, int k, char *summary, size_t cap)
{
	static const char *const tags[] = {"高意向", "预算敏感", "老客户"};
	static const char *const stages[] = {"needs", "proposal"};
	char date[32];
	snprintf(date, sizeof date, "2024-05-%02d", 2 + round);
	summary[0] = 0;
	switch (pick(6)) {
	case 0:
	case 1:
		snprintf(summary, cap, "%s第%d轮%d", dir, round, k);
		ok(e2e_crmv(dir, "follow", "202405001", "--via", "phone", "--summary", summary, "--date", date,
			    NULL));
		break;
	case 2:
		ok(e2e_crmv(dir, "tag", "202405001", tags[pick(3)], NULL));
		break;
	case 3: {
		e2e_run r = e2e_crmv(dir, "untag", "202405001", tags[pick(3)], NULL);
		e2e_run_free(&r); /* a tag that is not there: nothing to do */
		break;
	}
	case 4:
		ok(e2e_crmv(dir, "set", "202405001", pick(2) ? "name=科技集团" : "needs.summary=降本",
			    NULL));
		break;
	default:
		ok(e2e_crmv(dir, "stage", "202405001", stages[pick(2)], "--date", date, NULL));
	}
}

Test(recmerge, random_changes_in_two_clones, .timeout = 600)
{
	two_clones();
	char made[64][64];
	size_t nmade = 0;
	int clean = 0;
	for (int round = 0; round < 8; round++) {
		size_t start = nmade;
		const char *dirs[] = {"book", "other"};
		for (int side = 0; side < 2; side++)
			for (int k = 0, n = 1 + (int)pick(2); k < n; k++) {
				random_change(dirs[side], round, k, made[nmade], sizeof made[nmade]);
				if (made[nmade][0])
					nmade++;
			}
		ok(e2e_sh("book", "git push -q origin main"));
		e2e_run r = e2e_sh("other", "git pull -q --no-rebase --no-edit origin main");
		if (r.code != 0) {
			/* a real conflict: a field both changed; the markers are there and
			 * validate says so */
			cr_assert(strstr(r.err, "conflict in name") || strstr(r.err, "conflict in needs.summary") ||
					  strstr(r.err, "conflict in stage"),
				  "round %d: %s", round, r.err);
			e2e_run v = e2e_crmv("other", "validate", NULL);
			e2e_assert_code(v, 1);
			e2e_assert_has(v.out, "unresolved merge conflict");
			e2e_run_free(&v);
			e2e_run_free(&r);
			/* settle it the book's way, dropping this round's changes of other */
			ok(e2e_sh("other", "git merge --abort && git reset -q --hard origin/main"));
			for (size_t i = start; i < nmade; i++)
				if (!strncmp(made[i], "other", 5))
					made[i][0] = 0;
			continue;
		}
		e2e_run_free(&r);
		clean++;
		ok(e2e_crmv("other", "validate", NULL));
		char *text = e2e_read("other/" REC);
		for (size_t i = 0; i < nmade; i++) {
			if (!made[i][0])
				continue;
			char needle[128];
			snprintf(needle, sizeof needle, "summary: %.63s\n", made[i]);
			cr_assert_eq(count(text, needle), 1, "round %d: %s\n%s", round, made[i], text);
		}
		free(text);
		ok(e2e_sh("other", "git push -q origin main && cd ../book && git pull -q --ff-only origin main"));
	}
	cr_log_info("%d of 8 rounds merged cleanly", clean);
	cr_assert_gt(clean, 0);
}
