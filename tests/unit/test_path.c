/* Field paths (crm_path_split) and assignments (crm_assign_parse): every
 * malformed input is refused with a message, and the outputs are safe to free. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crm/assign.h"
#include "crm/buf.h"
#include "crm/doc.h"
#include "crm/emit.h"
#include "crm/edit.h"
#include "crm/error.h"

/* Split must fail, leave NULL outputs, and say `why` about the path. */
static void refused(const char *path, const char *why)
{
	char **keys = (char **)1;
	long *idx = (long *)1; /* garbage the split must overwrite */
	crm_error_clear();
	int n = crm_path_split(path, &keys, &idx);
	cr_assert_eq(n, -1, "'%s' split into %d parts", path, n);
	cr_assert_null(keys, "'%s': keys not NULL", path);
	cr_assert_null(idx, "'%s': idx not NULL", path);
	cr_assert_eq(crm_error_code(), CRM_EUSAGE, "'%s'", path);
	cr_assert(strstr(crm_error_last(), why), "'%s': got '%s', want '%s'", path, crm_error_last(), why);
	crm_path_free(keys, idx, n); /* the callers do this: it must be harmless */
}

Test(path, splits_names_and_indexes)
{
	char **keys;
	long *idx;
	int n = crm_path_split("contacts[0].phone", &keys, &idx);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(keys[0], "contacts");
	cr_assert_null(keys[1]);
	cr_assert_eq(idx[1], 0);
	cr_assert_str_eq(keys[2], "phone");
	crm_path_free(keys, idx, n);

	n = crm_path_split("a[12][3].b.c", &keys, &idx);
	cr_assert_eq(n, 5);
	cr_assert_eq(idx[1], 12);
	cr_assert_eq(idx[2], 3);
	cr_assert_str_eq(keys[4], "c");
	crm_path_free(keys, idx, n);

	n = crm_path_split("需求.预算", &keys, &idx); /* a team's own fields may be Chinese */
	cr_assert_eq(n, 2);
	cr_assert_str_eq(keys[1], "预算");
	crm_path_free(keys, idx, n);
}

Test(path, grows_past_its_first_allocation)
{
	char **keys;
	long *idx;
	int n = crm_path_split("a.b.c.d.e.f.g.h.i.j[1][2][3][4][5][6][7][8][9]", &keys, &idx);
	cr_assert_eq(n, 19);
	cr_assert_str_eq(keys[9], "j");
	cr_assert_eq(idx[18], 9);
	crm_path_free(keys, idx, n);
}

Test(path, the_largest_index_is_int_max)
{
	char **keys;
	long *idx;
	int n = crm_path_split("a[2147483647]", &keys, &idx);
	cr_assert_eq(n, 2);
	cr_assert_eq(idx[1], INT_MAX);
	crm_path_free(keys, idx, n);
	refused("a[2147483648]", "list index 2147483648 is too large");
}

Test(path, every_malformed_path_is_refused_with_what_is_wrong)
{
	refused("", "bad path '': name a field");
	refused(NULL, "bad path ''");
	refused("a..b", "bad path 'a..b': empty part after 'a'");
	refused("a.b..c", "empty part after 'a.b'");
	refused("a.[0]", "empty part after 'a'");
	refused(".a", "bad path '.a': it starts with '.'");
	refused("needs.", "bad path 'needs.': it ends with '.'");
	refused("a[0].", "it ends with '.'");
	refused("tags[-1]", "list index '-1' is not a number from 0");
	refused("tags[+1]", "list index '+1' is not a number from 0");
	refused("tags[x]", "list index 'x' is not a number from 0");
	refused("tags[1x]", "list index '1x' is not a number from 0");
	refused("tags[ 1]", "list index ' 1' is not a number from 0");
	refused("tags[]", "empty list index '[]'");
	refused("a[", "'[' without a closing ']'");
	refused("a[1", "'[' without a closing ']'");
	refused("a[99999999999999999999]", "list index 99999999999999999999 is too large");
	refused("a]b", "']' without an opening '['");
	refused("a]", "']' without an opening '['");
	refused("a[0]]", "']' without an opening '['");
	refused("[0]", "it starts with a list index; name the list first");
	refused("[0].a", "it starts with a list index");
	refused("a[0]b", "'.' missing before 'b'");
	refused("a\nb", "bad path 'a\\x0ab': a field name cannot hold a control character");
	refused("a\tb.c", "control character");
	refused("a[0]b\x1b[2J", "'.' missing before 'b\\x1b[2J'"); /* shown, not obeyed */
}

Test(assign, reads_each_operator)
{
	crm_assign a;
	cr_assert_eq(crm_assign_parse(&a, "needs.budget.max=200000"), 0);
	cr_assert_eq(a.op, CRM_ASSIGN_SET);
	cr_assert_str_eq(a.path, "needs.budget.max");
	cr_assert_str_eq(a.value, "200000");
	crm_assign_clear(&a);

	cr_assert_eq(crm_assign_parse(&a, "tags+=高意向"), 0);
	cr_assert_eq(a.op, CRM_ASSIGN_APPEND);
	cr_assert_str_eq(a.path, "tags");
	cr_assert_str_eq(a.value, "高意向");
	crm_assign_clear(&a);

	cr_assert_eq(crm_assign_parse(&a, "tags-=a=b"), 0);
	cr_assert_eq(a.op, CRM_ASSIGN_REMOVE);
	cr_assert_str_eq(a.value, "a=b"); /* only the first '=' is the operator */
	crm_assign_clear(&a);

	cr_assert_eq(crm_assign_parse(&a, "notes="), 0);
	cr_assert_eq(a.op, CRM_ASSIGN_UNSET);
	cr_assert_str_eq(a.path, "notes");
	cr_assert_str_eq(a.value, "");
	crm_assign_clear(&a);
	cr_assert_null(a.path);
	crm_assign_clear(&a); /* twice, and NULL, are fine */
	crm_assign_clear(NULL);
}

/* Parsing must fail with a usage error mentioning `why`, and leave *out zeroed. */
static void assign_refused(const char *arg, const char *why)
{
	crm_assign a;
	memset(&a, 0x5a, sizeof a);
	crm_error_clear();
	cr_assert_eq(crm_assign_parse(&a, arg), CRM_EUSAGE, "'%s' was accepted", arg);
	cr_assert_null(a.path, "'%s'", arg);
	cr_assert_null(a.value, "'%s'", arg);
	cr_assert(strstr(crm_error_last(), why), "'%s': got '%s', want '%s'", arg, crm_error_last(), why);
	crm_assign_clear(&a);
}

Test(assign, refuses_what_is_not_an_assignment)
{
	assign_refused("needs", "'needs' is not PATH=VALUE");
	assign_refused(NULL, "is not PATH=VALUE");
	assign_refused("=x", "'=x' names no field");
	assign_refused("+=x", "'+=x' names no field");
	assign_refused("-=", "names no field");
	assign_refused("\x1b]0;pwned\a", "'\\x1b]0;pwned\\x07' is not PATH=VALUE");
	assign_refused("=\x1b[2J", "'=\\x1b[2J' names no field");
	assign_refused("a..b=1", "bad path 'a..b': empty part after 'a'");
	assign_refused(".a=1", "bad path '.a'");
	assign_refused("needs.=x", "bad path 'needs.'");
	assign_refused("tags[-1]=x", "bad path 'tags[-1]'");
	assign_refused("a[=1", "bad path 'a['");
	assign_refused("a]b+=1", "bad path 'a]b'");
	assign_refused("[0]-=x", "bad path '[0]'");
}

/* The editors read paths with crm_path_split only: a long field name is
 * found like any other, so appending keeps the items already there. */
Test(path, append_finds_a_list_under_a_long_name)
{
	char key[301];
	memset(key, 'k', 300);
	key[300] = '\0';
	char *src = crm_xasprintf("id: x\n%s: [a, b]\n", key);
	crm_doc *d = NULL;
	cr_assert_eq(crm_doc_parse(&d, "t.yaml", src, strlen(src), NULL), 0);
	crm_node *c = crm_node_new_str("c");
	cr_assert_eq(crm_edit_append(&d, key, c, NULL), 0, "%s", crm_error_last());
	char *want = crm_xasprintf("id: x\n%s: [a, b, c]\n", key);
	cr_assert_str_eq(d->src, want);
	free(want);
	crm_node_free(c);
	crm_doc_free(d);
	free(src);
}

Test(path, editors_refuse_a_bad_path_with_its_reason)
{
	const char *src = "id: x\ntags: [a]\n";
	crm_doc *d = NULL;
	cr_assert_eq(crm_doc_parse(&d, "t.yaml", src, strlen(src), NULL), 0);
	crm_node *v = crm_node_new_str("v");
	cr_assert_eq(crm_edit_set(&d, "a..b", v, NULL), CRM_EUSAGE);
	cr_assert_str_eq(crm_error_last(), "bad path 'a..b': empty part after 'a'");
	cr_assert_eq(crm_edit_unset(&d, "tags[-1]"), CRM_EUSAGE);
	cr_assert(strstr(crm_error_last(), "bad path 'tags[-1]'"));
	cr_assert_eq(crm_edit_append(&d, "tags[0", v, NULL), CRM_EUSAGE);
	cr_assert(strstr(crm_error_last(), "bad path 'tags[0'"));
	cr_assert_str_eq(d->src, src);
	crm_node_free(v);
	crm_doc_free(d);
}

Test(path, node_at_finds_a_long_name)
{
	char key[301];
	memset(key, 'k', 300);
	key[300] = '\0';
	char *src = crm_xasprintf("id: x\n%s: {a: [1, 2]}\n", key);
	crm_doc *d = NULL;
	cr_assert_eq(crm_doc_parse(&d, "t.yaml", src, strlen(src), NULL), 0);
	char *p = crm_xasprintf("%s.a[1]", key);
	const crm_node *n = crm_node_at(d->root, p);
	cr_assert_not_null(n);
	cr_assert_str_eq(n->value, "2");
	free(p);
	crm_doc_free(d);
	free(src);
}
