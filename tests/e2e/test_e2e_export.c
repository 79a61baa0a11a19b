/* crm export csv|vcard|ics: read back by Python's csv, vobject and icalendar; the round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

/* A python3 with Debian's vobject and icalendar (a pyenv python first on PATH may lack them). */
#define PY "P=python3; $P -c 'import vobject, icalendar' 2>/dev/null || P=/usr/bin/python3; $P"

TestSuite(export, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* Two customers: a company with a contact, dates and an open next action; a won person. */
static const char *book2(void)
{
	const char *b = e2e_book();
	e2e_write("book/customers/2024/05/202405001.yaml",
		  "id: \"202405001\"\nname: 科技有限公司\nkind: company\nsource: trade-show\nowner: ming\n"
		  "first_contact: {date: 2024-05-01, by: ming}\n"
		  "company: {industry: '=HYPERLINK(\"http://x\")', size: 200-500}\n"
		  "contacts:\n  - name: 张伟\n    title: 采购经理, 华东区\n    phone: '+86 138 0000 0000'\n"
		  "    email: zhang@example.com\n    birthday: 1985-06-12\n"
		  "needs:\n  summary: '降低成本;\"30%\"'\n  budget: {min: 150000, max: 200000}\n  deadline: 2024-09-30\n"
		  "tags: [预算敏感, 高意向]\nstage: proposal\n"
		  "stage_history:\n  - {stage: initial, date: 2024-05-01}\n  - {stage: proposal, date: 2024-05-01}\n"
		  "dates:\n  - {label: 公司周年, date: 2010-09-01, yearly: true}\n"
		  "notes: |\n  两行\n  备注\n"
		  "followups:\n  - {date: 2024-05-10, via: phone, by: ming, summary: 电话, priority: high, "
		  "next: {date: 2024-05-22, action: 发送一份很长很长很长很长很长很长很长很长很长很长很长很长很长的案例资料, by: ming}}\n");
	e2e_write("book/customers/2024/05/202405002.yaml",
		  "id: \"202405002\"\nname: 李四\nkind: person\nsource: referral\nowner: ming\n"
		  "first_contact: {date: 2024-05-02, by: ming}\n"
		  "contacts:\n  - {name: 李四, phone: \"13900000000\"}\n"
		  "stage: won\nstage_history:\n  - {stage: initial, date: 2024-05-02}\n  - {stage: won, date: 2024-05-03}\n"
		  "deal: {amount: 5000, signed: 2024-05-03, contract_end: 2025-05-02}\n");
	e2e_run v = e2e_crmv(b, "validate", NULL);
	e2e_assert_code(v, 0);
	e2e_run_free(&v);
	return b;
}

Test(export, csv_for_excel_read_by_python)
{
	const char *b = book2();
	e2e_run r = e2e_crmv(b, "--lang", "zh", "export", "csv", "-o", "../out.csv", NULL);
	e2e_assert_code(r, 0);
	char *raw = e2e_read("out.csv");
	cr_assert(!strncmp(raw, "\xEF\xBB\xBF", 3), "a UTF-8 BOM");
	e2e_assert_has(raw, "\r\n");
	free(raw);
	/* every line break outside quotes is CRLF; python's csv reads it back */
	e2e_assert_sh_eq(NULL, "3 31 客户编号 客户名称 联系电话 科技有限公司 +86 138 0000 0000 '=HYPERLINK(\"http://x\") "
			       "企业客户 预算敏感, 高意向 两行\n备注",
			 "python3 -c \"import csv; rows=list(csv.reader(open('out.csv', encoding='utf-8-sig', newline='')));"
			 "h=rows[0]; r=dict(zip(h, rows[1]));"
			 "print(len(rows), len(h), h[0], h[1], h[17], r['客户名称'], r['联系电话'], r['所属行业'], "
			 "r['客户类型'], r['标签'], r['备注'].strip())\"");
	e2e_run_free(&r);
}

Test(export, csv_takes_the_list_filters)
{
	const char *b = book2();
	e2e_run r = e2e_crmv(b, "export", "csv", "--stage", "won", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "李四");
	e2e_assert_hasnt(r.out, "科技有限公司");
	e2e_run o = e2e_crmv(b, "export", "csv", "--owner", "nobody", NULL);
	e2e_assert_code(o, 1);
	e2e_run f = e2e_crmv(b, "export", "pdf", NULL);
	e2e_assert_code(f, 2);
	e2e_run_free(&r), e2e_run_free(&o), e2e_run_free(&f);
}

Test(export, round_trip_export_import_export)
{
	const char *b = book2();
	e2e_run r = e2e_crmv(b, "--lang", "zh", "export", "csv", "-o", "../one.csv", NULL);
	e2e_assert_code(r, 0);
	e2e_run i = e2e_sh(NULL, "mkdir fresh && cd fresh && %s init b >/dev/null && cd b && "
				 "%s setup --user ming >/dev/null && git config user.name Ming",
			   getenv("CRM_BIN"), getenv("CRM_BIN"));
	e2e_assert_code(i, 0);
	e2e_run im = e2e_crmv("fresh/b", "import", "../../one.csv", NULL);
	e2e_assert_code(im, 0);
	e2e_run r2 = e2e_crmv("fresh/b", "--lang", "zh", "export", "csv", "-o", "../../two.csv", NULL);
	e2e_assert_code(r2, 0);
	e2e_run cmp = e2e_sh(NULL, "cmp one.csv two.csv");
	e2e_assert_code(cmp, 0);
	e2e_run v = e2e_crmv("fresh/b", "validate", NULL);
	e2e_assert_code(v, 0);
	/* and in English */
	e2e_run r3 = e2e_crmv(b, "--lang", "en", "export", "csv", "-o", "../en1.csv", NULL);
	e2e_run i2 = e2e_sh(NULL, "mkdir fresh2 && cd fresh2 && %s init b >/dev/null && cd b && "
				  "%s setup --user ming >/dev/null", getenv("CRM_BIN"), getenv("CRM_BIN"));
	e2e_run im2 = e2e_crmv("fresh2/b", "import", "../../en1.csv", NULL);
	e2e_assert_code(im2, 0);
	e2e_run r4 = e2e_crmv("fresh2/b", "--lang", "en", "export", "csv", "-o", "../../en2.csv", NULL);
	e2e_run cmp2 = e2e_sh(NULL, "cmp en1.csv en2.csv");
	e2e_assert_code(cmp2, 0);
	e2e_run_free(&r), e2e_run_free(&i), e2e_run_free(&im), e2e_run_free(&r2), e2e_run_free(&cmp);
	e2e_run_free(&v), e2e_run_free(&r3), e2e_run_free(&i2), e2e_run_free(&im2), e2e_run_free(&r4);
	e2e_run_free(&cmp2);
}

Test(export, vcard_read_by_vobject)
{
	const char *b = book2();
	e2e_run r = e2e_crmv(b, "export", "vcard", "-o", "../c.vcf", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_sh_eq(NULL, "2|张伟|科技有限公司|采购经理, 华东区|+86 138 0000 0000|zhang@example.com|1985-06-12|"
			       "李四|13900000000",
			 PY " -c \"import vobject; cs=list(vobject.readComponents(open('c.vcf', encoding='utf-8').read()));"
			 "a,b=cs; print(len(cs), a.fn.value, a.org.value[0], a.title.value, a.tel.value, a.email.value,"
			 " a.bday.value, b.fn.value, b.tel.value, sep='|')\"");
	/* stable UIDs: the same on a second export */
	e2e_run r2 = e2e_crmv(b, "export", "vcard", NULL);
	char *one = e2e_read("c.vcf");
	cr_assert_str_eq(one, r2.out);
	/* CRLF everywhere, no line over 75 octets */
	e2e_assert_sh_eq(NULL, "ok", "python3 -c \"d=open('c.vcf','rb').read(); ls=d.split(b'\\r\\n');"
				     "assert b'\\n' not in d.replace(b'\\r\\n', b''); assert max(map(len, ls)) <= 75;"
				     "[l.decode() for l in ls]; print('ok')\"");
	free(one);
	e2e_run_free(&r), e2e_run_free(&r2);
}

Test(export, ics_read_by_icalendar)
{
	const char *b = book2();
	e2e_run r = e2e_crmv(b, "export", "ics", "-o", "../c.ics", NULL);
	e2e_assert_code(r, 0);
	/* the next action, the birthday, the yearly date, the deadline, the contract end (won: no next) */
	e2e_assert_sh_eq(NULL,
			 "1985-06-12 YEARLY 张伟 (科技有限公司) birthday\n"
			 "2010-09-01 YEARLY 科技有限公司: 公司周年\n"
			 "2024-05-22 - 科技有限公司: 发送一份很长很长很长很长很长很长很长很长很长很长很长很长很长的案例资料\n"
			 "2024-09-30 - 科技有限公司: deadline\n"
			 "2025-05-02 - 李四: contract ends\n"
			 "5 5 2.0",
			 PY " -c \"import icalendar; c=icalendar.Calendar.from_ical(open('c.ics','rb').read());"
			 "ev=c.walk('VEVENT');"
			 "rows=sorted((str(e.decoded('dtstart')), (e.get('rrule') or {}).get('FREQ', ['-'])[0], str(e['summary'])) for e in ev);"
			 "[print(*x) for x in rows];"
			 "assert all((e.decoded('dtend')-e.decoded('dtstart')).days==1 for e in ev);"
			 "print(len(ev), len(set(str(e['uid']) for e in ev)), c['version'])\"");
	e2e_assert_sh_eq(NULL, "ok", "python3 -c \"d=open('c.ics','rb').read(); ls=d.split(b'\\r\\n');"
				     "assert b'\\n' not in d.replace(b'\\r\\n', b''); assert max(map(len, ls)) <= 75;"
				     "[l.decode() for l in ls]; print('ok')\"");
	e2e_run r2 = e2e_crmv(b, "export", "ics", NULL);
	char *one = e2e_read("c.ics");
	cr_assert_str_eq(one, r2.out, "stable UIDs and DTSTAMP: the same file twice");
	free(one);
	e2e_run_free(&r), e2e_run_free(&r2);
}

Test(export, on_a_terminal_controls_are_shown_not_sent)
{
	const char *b = e2e_book();
	e2e_write("book/customers/2024/05/202405001.yaml",
		  "id: \"202405001\"\nname: \"Evil\\e]0;pwned\\a\"\nkind: company\nsource: online\nowner: ming\n"
		  "first_contact: {date: 2024-05-01, by: ming}\nstage: initial\n"
		  "stage_history:\n  - {stage: initial, date: 2024-05-01}\n");
	/* script(1) gives crm a pseudo-terminal as its standard output */
	e2e_run r = e2e_sh("book", "script -qec \"$CRM_BIN export csv\" /dev/null");
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "Evil\\e]0;pwned\\a");
	cr_assert_null(strchr(r.out, '\x1b'), "no raw escape reaches the terminal");
	e2e_assert_hasnt(r.out, "\xEF\xBB\xBF");
	/* into a pipe the bytes stay exact */
	e2e_run p = e2e_crmv(b, "export", "csv", NULL);
	cr_assert_not_null(strchr(p.out, '\x1b'));
	e2e_run_free(&r), e2e_run_free(&p);
}

/* export picks customers from the index, which sees hand edits and passes broken files by with a warning */
Test(export, from_the_index_with_hand_edits_and_broken_files)
{
	const char *b = book2();
	e2e_run w = e2e_crmv(b, "export", "csv", "--tag", "高意向", NULL); /* the index is built */
	e2e_assert_code(w, 0);
	e2e_assert_has(w.out, "科技有限公司");
	e2e_assert_hasnt(w.out, "李四");
	/* by hand, without a commit: the person gets the tag, and a third record is broken */
	e2e_write("book/customers/2024/05/202405002.yaml",
		  "id: \"202405002\"\nname: 李四改\nkind: person\nsource: referral\nowner: ming\n"
		  "first_contact: {date: 2024-05-02, by: ming}\ntags: [高意向]\n"
		  "stage: won\nstage_history:\n  - {stage: initial, date: 2024-05-02}\n  - {stage: won, date: 2024-05-03}\n"
		  "deal: {amount: 5000, signed: 2024-05-03, contract_end: 2025-05-02}\n");
	e2e_write("book/customers/2024/05/202405003.yaml", "id: \"202405003\"\nname: [broken\n");
	e2e_run r = e2e_crmv(b, "export", "csv", "--tag", "高意向", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "科技有限公司");
	e2e_assert_has(r.out, "李四改");
	e2e_assert_has(r.err, "customers/2024/05/202405003.yaml");
	e2e_assert_has(r.err, "skipped");
	e2e_run_free(&w), e2e_run_free(&r);
}
