/* crm import: encodings, CSV forms, labels, follow-ups, all rows or none, --dry-run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(import, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* HEAD's commit and tree, to show that nothing changed. */
static char *head(const char *b)
{
	return e2e_sh_out(b, "git rev-parse HEAD HEAD^{tree}; git status --porcelain");
}

Test(import, gb18030_as_chinese_excel_writes_it)
{
	const char *b = e2e_book();
	/* Excel on Chinese Windows: GBK/GB18030 bytes, no BOM, CRLF */
	e2e_run w = e2e_sh(NULL, "python3 -c \"import sys; sys.stdout.buffer.write("
			   "'客户名称,客户类型,来源,所属行业,联系人姓名,联系电话,首次接触日期\\r\\n"
			   "智能仓储有限公司,企业客户,行业展会,智能制造,张伟,13800000000,2024/5/1\\r\\n'"
			   ".encode('gb18030'))\" > 客户档案.csv");
	e2e_assert_code(w, 0);
	e2e_run_free(&w);
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "import", "../客户档案.csv", NULL);
	e2e_assert_code(r, 0);
	cr_assert_eq(e2e_commits(b), before + 1, "one commit");
	e2e_assert_sh_eq(b, "import 1 customers from 客户档案.csv", "git log -1 --format=%s");
	char *p = e2e_record_path(b, "202405001");
	cr_assert(p, "the id allocated as add does, from the first-contact date");
	char *text = e2e_read(p);
	e2e_assert_has(text, "name: 智能仓储有限公司");
	e2e_assert_has(text, "kind: company");
	e2e_assert_has(text, "source: trade-show");
	e2e_assert_has(text, "industry: 智能制造");
	e2e_assert_has(text, "phone: '13800000000'");
	e2e_assert_has(text, "first_contact: {date: 2024-05-01, by: ming}");
	e2e_assert_has(text, "owner: ming");
	free(text), free(p);
	e2e_run v = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(v, 0);
	e2e_run_free(&v);
	e2e_run_free(&r);
}

Test(import, bom_quoted_multiline_fields_and_paths_for_headers)
{
	const char *b = e2e_book();
	e2e_write("in.csv", "\xEF\xBB\xBFname,kind,source,notes,contacts[0].name,contacts[0].email,tags\r\n"
			    "\"Acme, Inc.\",company,online,\"first line\r\nsecond \"\"quoted\"\" line\",Bob,"
			    "bob@example.com,\"a, b\"\r\n"
			    "李四,个人客户,客户转介绍,,李四,,\r\n"
			    "\r\n");
	e2e_run r = e2e_crmv(b, "import", "../in.csv", NULL);
	e2e_assert_code(r, 0);
	e2e_run j = e2e_crmv(b, "show", "202405001", "--json", NULL);
	e2e_assert_code(j, 0);
	e2e_assert_has(j.out, "\"name\": \"Acme, Inc.\"");
	e2e_assert_has(j.out, "first line\\nsecond \\\"quoted\\\" line");
	e2e_assert_sh_eq(b, "tags: [a, b]", "grep ^tags: customers/2024/05/202405001.yaml");
	e2e_run k = e2e_crmv(b, "show", "202405002", "--json", NULL);
	e2e_assert_has(k.out, "\"kind\": \"person\"");
	e2e_assert_has(k.out, "\"source\": \"referral\"");
	e2e_run_free(&j), e2e_run_free(&k), e2e_run_free(&r);
}

Test(import, a_bad_row_in_the_middle_imports_nothing)
{
	const char *b = e2e_book();
	/* row 3 spans lines 3-4; the bad rows are on lines 5 and 6 */
	e2e_write("in.csv", "客户名称,客户类型,来源,联系人姓名,联系电话,首次接触日期\n"
			    "好公司,企业客户,线上推广,甲,13800000001,2024-05-01\n"
			    "\"两行\n名称\",企业客户,线上推广,乙,13800000002,2024-05-02\n"
			    "坏公司,企业客户,微信,丙,1.38E+10,2024-05-03\n"
			    "坏日期,企业客户,线上推广,丁,13800000004,2024-02-30\n"
			    "末尾,企业客户,线上推广,戊,13800000005,2024-05-04\n");
	char *h0 = head(b);
	e2e_run r = e2e_crmv(b, "import", "../in.csv", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "in.csv:5:");
	e2e_assert_has(r.err, "column '来源': '微信' is not one of");
	e2e_assert_has(r.err, "1.38E+10");
	e2e_assert_has(r.err, "digits are lost");
	e2e_assert_has(r.err, "in.csv:6:");
	e2e_assert_has(r.err, "2024-02-30");
	e2e_assert_hasnt(r.err, "in.csv:2:");
	char *h1 = head(b);
	cr_assert_str_eq(h0, h1, "nothing written");
	cr_assert_null(e2e_record_path(b, "202405001"));
	free(h0), free(h1);
	e2e_run_free(&r);
}

Test(import, dry_run_changes_nothing)
{
	const char *b = e2e_book();
	e2e_write("in.csv", "name,kind,source\nAcme,company,online\nBeta,company,referral\n");
	char *h0 = head(b);
	e2e_run r = e2e_crmv(b, "import", "../in.csv", "--dry-run", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "would create 202405001 Acme");
	e2e_assert_has(r.out, "would create 202405002 Beta");
	char *h1 = head(b);
	cr_assert_str_eq(h0, h1);
	e2e_assert_sh_eq(b, "", "ls customers");
	free(h0), free(h1);
	e2e_run_free(&r);
}

Test(import, a_followup_sheet_after_a_customer_sheet)
{
	const char *b = e2e_book();
	e2e_write("c.csv", "客户名称,客户类型,来源,首次接触日期\n甲公司,企业客户,线上推广,2024-05-01\n"
			   "乙公司,企业客户,线上推广,2024-05-02\n");
	e2e_run r = e2e_crmv(b, "import", "../c.csv", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	e2e_write("f2.csv", "id,跟进日期,跟进方式,跟进内容\n202405002,2024年5月11日,visit,拜访\n");
	int before = e2e_commits(b);
	r = e2e_crmv(b, "import", "../f2.csv", NULL);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	cr_assert_eq(e2e_commits(b), before + 1);
	e2e_assert_sh_eq(b, "import 1 follow-ups from f2.csv", "git log -1 --format=%s");
	e2e_write("f3.csv", "客户名称,跟进日期,跟进方式,跟进内容,跟进结果,优先级,下次行动,下次跟进日期\n"
			    "甲公司,2024/5/10,电话沟通,介绍产品,有进展,高,发送资料,2024-05-13\n"
			    "甲公司,2024-05-12,email,发邮件,,,,\n");
	r = e2e_crmv(b, "import", "../f3.csv", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_sh_eq(b, "import 2 follow-ups from f3.csv", "git log -1 --format=%s");
	e2e_assert_sh_eq(b, "2", "ls customers/2024/05 | wc -l");
	char *p = e2e_record_path(b, "202405001");
	char *text = e2e_read(p);
	e2e_assert_has(text, "via: phone");
	e2e_assert_has(text, "result: progressed");
	e2e_assert_has(text, "priority: high");
	e2e_assert_has(text, "next: {date: 2024-05-13, action: 发送资料, by: ming}");
	e2e_assert_has(text, "via: email");
	free(text), free(p);
	e2e_run v = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(v, 0);
	e2e_run l = e2e_crmv(b, "list", "--json", NULL);
	/* the latest follow-up (05-12, medium by default) sets the next date */
	e2e_assert_has(l.out, "\"date\": \"2024-05-19\"");
	e2e_run_free(&v), e2e_run_free(&l), e2e_run_free(&r);
}

Test(import, duplicates_warned_or_skipped)
{
	const char *b = e2e_book();
	e2e_run a = e2e_crmv(b, "add", "Acme", "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(a, 0);
	e2e_write("in.csv", "name,kind,source,contacts[0].name,contacts[0].phone\nacme,company,online,A,1\n"
			    "New,company,online,B,139\nNewer,company,online,C,139\n");
	e2e_run r = e2e_crmv(b, "import", "../in.csv", "--dry-run", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.err, "in.csv:2: warning:");
	e2e_assert_has(r.err, "the same name");
	e2e_assert_has(r.err, "in.csv:4: warning:");
	e2e_assert_has(r.err, "the same phone");
	e2e_run s = e2e_crmv(b, "import", "../in.csv", "--skip-duplicates", NULL);
	e2e_assert_code(s, 0);
	e2e_assert_sh_eq(b, "import 1 customers from in.csv", "git log -1 --format=%s");
	e2e_run_free(&r), e2e_run_free(&s), e2e_run_free(&a);
}

Test(import, unmapped_columns_and_tabs)
{
	const char *b = e2e_book();
	e2e_write("in.tsv", "名称\t类型\t来源\t备忘\nAcme, Inc.\tcompany\tonline\tx\n");
	e2e_run r = e2e_crmv(b, "import", "../in.tsv", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "in.tsv:1:");
	e2e_assert_has(r.err, "'名称'");
	e2e_assert_has(r.err, "--map");
	e2e_run_free(&r);
	r = e2e_crmv(b, "import", "../in.tsv", "--map", "名称=name", "--map", "类型=kind", "--map",
		     "来源=source", "--map", "备忘=-", NULL);
	e2e_assert_code(r, 0);
	e2e_run j = e2e_crmv(b, "show", "202405001", "--json", NULL);
	e2e_assert_has(j.out, "\"name\": \"Acme, Inc.\"");
	e2e_run_free(&j), e2e_run_free(&r);
}

Test(import, encoding_named_and_bytes_that_do_not_decode)
{
	const char *b = e2e_book();
	e2e_write("in.csv", "name,kind,source\nAcme,company,online\nB\xff\xfe,company,online\n");
	e2e_run r = e2e_crmv(b, "import", "../in.csv", "--encoding", "UTF-8", NULL);
	e2e_assert_code(r, 1);
	e2e_assert_has(r.err, "line 3");
	e2e_assert_has(r.err, "--encoding");
	e2e_run u = e2e_crmv(b, "import", "../in.csv", "--encoding", "NO-SUCH", NULL);
	e2e_assert_code(u, 2);
	e2e_run w = e2e_sh(NULL, "printf '名称,类型,来源\\n乙方,企业客户,线上推广\\n' | iconv -f UTF-8 -t GB18030 > g.csv");
	e2e_assert_code(w, 0);
	e2e_run g = e2e_crmv(b, "import", "../g.csv", "--encoding", "gb18030", "--map", "名称=name",
			     "--map", "类型=kind", "--map", "来源=source", NULL);
	e2e_assert_code(g, 0);
	e2e_assert_sh_eq(b, "name: 乙方", "grep ^name: customers/2024/05/202405001.yaml");
	e2e_assert_sh_eq(b, "1", "git log --format=%s | grep -c ^import");
	e2e_run_free(&r), e2e_run_free(&u), e2e_run_free(&w), e2e_run_free(&g);
}

Test(import, many_rows_one_commit_ids_in_sequence)
{
	const char *b = e2e_book();
	/* more rows than the batch threshold of a commit (16): one sync for all */
	e2e_run w = e2e_sh(NULL, "{ echo 'name,kind,source,first_contact.date'; i=0; "
				 "while [ $i -lt 40 ]; do echo \"客户$i,company,online,2024-0$((i %% 2 + 4))-01\"; "
				 "i=$((i + 1)); done; } > many.csv");
	e2e_assert_code(w, 0);
	int before = e2e_commits(b);
	e2e_run r = e2e_crmv(b, "import", "../many.csv", NULL);
	e2e_assert_code(r, 0);
	cr_assert_eq(e2e_commits(b), before + 1);
	e2e_assert_sh_eq(b, "20 20", "echo $(ls customers/2024/04 | wc -l) $(ls customers/2024/05 | wc -l)");
	/* ids allocated in sequence per month, accounting for the rows before */
	e2e_assert_sh_eq(b, "202404020.yaml 202405020.yaml",
			 "echo $(ls customers/2024/04 | tail -1) $(ls customers/2024/05 | tail -1)");
	e2e_assert_sh_eq(b, "", "git status --porcelain");
	e2e_run f = e2e_sh(b, "git fsck --no-progress 2>&1");
	e2e_assert_code(f, 0);
	e2e_run v = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(v, 0);
	e2e_run_free(&w), e2e_run_free(&r), e2e_run_free(&f), e2e_run_free(&v);
}
