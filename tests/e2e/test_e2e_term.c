/*
 * Text from files cannot drive the terminal or forge output lines: names,
 * contacts, follow-ups, tags, values and file names holding escape
 * sequences or newlines are shown visible (\e, \n) by every human output,
 * kept exact (JSON-escaped) by --json, kept exact by --csv into a pipe or a
 * file and made visible by --csv on a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

TestSuite(term, .init = (void (*)(void))e2e_setup, .fini = e2e_cleanup);

/* Sets the terminal title, rings the bell and clears the screen. */
#define EVIL "Evil\x1b]0;pwned\a\x1b[2J"
#define EVIL_SHOWN "Evil\\e]0;pwned\\a\\e[2J"
/* A newline that would start a diagnostic line of its own. */
#define FORGED "forged.yaml:1:1: error: boom"

/* No ESC, BEL or 8-bit CSI in s, and no line of it starts with the forged diagnostic. */
static void assert_clean(const char *what, const char *s)
{
	cr_assert_null(strchr(s, '\x1b'), "%s: raw ESC in:\n%s", what, s);
	cr_assert_null(strchr(s, '\a'), "%s: raw BEL in:\n%s", what, s);
	cr_assert_null(strstr(s, "\xC2\x9B"), "%s: raw CSI in:\n%s", what, s);
	for (const char *l = s; l; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		cr_assert(strncmp(l, "forged.yaml", 11) != 0, "%s: a forged line in:\n%s", what, s);
	}
}

/* Run crm with args, expect exit code, assert stdout and stderr clean; returns the run. */
static e2e_run run_clean(int code, const char *const *argv)
{
	e2e_run r = e2e_crm("book", argv);
	e2e_assert_code(r, code);
	assert_clean(argv[0], r.out);
	assert_clean(argv[0], r.err);
	return r;
}

#define CLEAN(code, ...) run_clean(code, (const char *const[]){__VA_ARGS__, NULL})

/* A book with one customer named EVIL; returns its id (caller frees). */
static char *evil_book(void)
{
	e2e_book();
	e2e_run r = e2e_crmv("book", "add", EVIL, "--kind", "company", "--source", "online", NULL);
	e2e_assert_code(r, 0);
	assert_clean("add", r.out);
	char *id = strdup(r.out);
	id[strcspn(id, "\n")] = '\0';
	e2e_run_free(&r);
	return id;
}

Test(term, a_name_with_escapes_is_shown_visible)
{
	char *id = evil_book();
	e2e_run r = CLEAN(0, "show", id);
	e2e_assert_has(r.out, EVIL_SHOWN);
	e2e_run_free(&r);
	r = CLEAN(0, "list");
	e2e_assert_has(r.out, EVIL_SHOWN);
	e2e_run_free(&r);
	r = CLEAN(0, "find", "Evil");
	e2e_assert_has(r.out, EVIL_SHOWN);
	e2e_run_free(&r);
	r = CLEAN(0, "log", id);
	e2e_assert_has(r.out, EVIL_SHOWN);
	e2e_run_free(&r);
	r = CLEAN(0, "stage", id, "needs");
	e2e_assert_has(r.out, EVIL_SHOWN);
	e2e_run_free(&r);
	r = CLEAN(0, "follow", id, "--via", "phone", "--summary", "called");
	e2e_assert_has(r.out, EVIL_SHOWN);
	e2e_run_free(&r);
	/* an error that quotes what was typed */
	r = CLEAN(1, "show", "nobody\x1b[2J");
	e2e_assert_has(r.err, "nobody\\e[2J");
	e2e_run_free(&r);
	free(id);
}

Test(term, machine_outputs_keep_exact_values)
{
	char *id = evil_book();
	/* JSON: escaped as JSON, so a parser gets the exact name back */
	e2e_run r = CLEAN(0, "show", id, "--json");
	e2e_assert_has(r.out, "\"Evil\\u001b]0;pwned\\u0007\\u001b[2J\"");
	e2e_run_free(&r);
	r = CLEAN(0, "list", "--json");
	e2e_assert_has(r.out, "\"Evil\\u001b]0;pwned\\u0007\\u001b[2J\"");
	e2e_run_free(&r);
	/* CSV into a pipe or a file is data: the bytes as they are */
	r = e2e_crmv("book", "list", "--csv", NULL);
	e2e_assert_code(r, 0);
	e2e_assert_has(r.out, "," EVIL ",");
	e2e_run_free(&r);
	free(id);
}

Test(term, csv_and_show_on_a_terminal_are_visible)
{
	char *id = evil_book();
	/* script(1) runs crm with a pseudo-terminal as its standard output */
	e2e_run r = e2e_sh("book", "script -qec \"$CRM_BIN list --csv\" /dev/null");
	e2e_assert_code(r, 0);
	assert_clean("list --csv on a terminal", r.out);
	e2e_assert_has(r.out, "," EVIL_SHOWN ",");
	e2e_run_free(&r);
	r = e2e_sh("book", "script -qec \"$CRM_BIN show %s\" /dev/null", id);
	e2e_assert_code(r, 0);
	assert_clean("show on a terminal", r.out);
	e2e_assert_has(r.out, EVIL_SHOWN);
	e2e_run_free(&r);
	free(id);
}

Test(term, contact_followup_tag_and_next_action)
{
	char *id = evil_book();
	e2e_run r = CLEAN(0, "contact", id, "--name", "Zhang\x1b[5m");
	e2e_run_free(&r);
	r = CLEAN(0, "contact", id, "--name", "Zhang\x1b[5m");
	e2e_run_free(&r); /* "already is as given" names the contact */
	r = CLEAN(0, "tag", id, "vip\x1b[1m");
	e2e_run_free(&r);
	r = CLEAN(0, "tag", id, "vip\x1b[1m");
	e2e_assert_has(r.err, "vip\\e[1m");
	e2e_run_free(&r);
	r = CLEAN(0, "follow", id, "--via", "phone", "--summary", "sum\x1b[31m\n" FORGED, "--next",
		  "act\x1b[2J", "--date", "2024-05-01");
	e2e_assert_has(r.out, "act\\e[2J");
	e2e_run_free(&r);
	r = CLEAN(0, "show", id);
	e2e_assert_has(r.out, "Zhang\\e[5m");
	e2e_assert_has(r.out, "vip\\e[1m");
	e2e_assert_has(r.out, "sum\\e[31m\\n" FORGED);
	e2e_assert_has(r.out, "act\\e[2J");
	e2e_run_free(&r);
	r = CLEAN(0, "agenda", "--all");
	e2e_assert_has(r.out, "act\\e[2J");
	e2e_run_free(&r);
	r = CLEAN(0, "log", id);
	e2e_run_free(&r);
	r = CLEAN(0, "find", "Zhang");
	e2e_run_free(&r);
	r = CLEAN(0, "list", "--tag", "vip\x1b[1m");
	e2e_assert_has(r.out, EVIL_SHOWN);
	e2e_run_free(&r);
	free(id);
}

Test(term, ambiguous_candidates_are_one_line_each)
{
	e2e_book();
	e2e_run r = CLEAN(0, "add", "Evil\x1b[2J one", "--kind", "company", "--source", "online");
	e2e_run_free(&r);
	r = CLEAN(0, "add", "Evil two\n" FORGED, "--kind", "company", "--source", "online");
	e2e_run_free(&r);
	r = CLEAN(1, "show", "Evil");
	e2e_assert_has(r.err, "\n  202405001  Evil\\e[2J one\n");
	e2e_assert_has(r.err, "\n  202405002  Evil two\\n" FORGED "\n");
	e2e_run_free(&r);
	/* what was typed cannot add a line to the list either */
	r = CLEAN(1, "show", "Evil\n  " FORGED);
	e2e_assert_hasnt(r.err, "\n  " FORGED);
	e2e_run_free(&r);
}

Test(term, a_value_quoted_in_a_diagnostic)
{
	char *id = evil_book();
	char *path = e2e_record_path("book", id);
	cr_assert_not_null(path);
	/* YAML's own escapes put ESC and a newline into the value */
	e2e_run r = e2e_sh(NULL, "sed -i 's/^stage: .*/stage: \"neg\\\\e[2J\\\\n" FORGED "\"/' '%s'", path);
	e2e_assert_code(r, 0);
	e2e_run_free(&r);
	r = CLEAN(1, "validate");
	e2e_assert_has(r.out, "neg\\e[2J\\n" FORGED);
	e2e_run_free(&r);
	r = CLEAN(0, "status");
	e2e_assert_has(r.out, "neg\\e[2J\\n" FORGED);
	e2e_run_free(&r);
	r = CLEAN(1, "commit");
	e2e_run_free(&r);
	r = CLEAN(0, "show", id);
	e2e_run_free(&r);
	free(path);
	free(id);
}

Test(term, a_file_name_with_a_newline_forges_no_diagnostic)
{
	e2e_book();
	e2e_write("book/customers/2024/05/x\n" FORGED "\x1b[2J.yaml", "id: \"x\"\nname: [\n");
	e2e_run r = CLEAN(1, "validate");
	e2e_assert_has(r.out, "customers/2024/05/x\\n" FORGED "\\e[2J.yaml:3:1: error:");
	e2e_run_free(&r);
	r = CLEAN(1, "validate", "--json");
	e2e_assert_has(r.out, "\"customers/2024/05/x\\n" FORGED "\\u001b[2J.yaml\"");
	e2e_run_free(&r);
	r = CLEAN(0, "status");
	e2e_assert_has(r.out, "x\\n" FORGED "\\e[2J.yaml");
	e2e_run_free(&r);
	r = CLEAN(1, "commit");
	e2e_run_free(&r);
	r = CLEAN(0, "list");
	e2e_run_free(&r);
}
