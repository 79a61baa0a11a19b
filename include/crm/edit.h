#ifndef CRM_EDIT_H
#define CRM_EDIT_H
/*
 * Surgical edits of a YAML document: each changes only the bytes it must,
 * so that comments, key order, blank lines and line endings stay as the user
 * wrote them, and `git diff` shows just the change.
 *
 * Every function takes the document by reference, changes its text, and
 * replaces *doc with the re-read result (the old one is freed). On failure
 * *doc is left unchanged and a message is set.
 *
 * Paths use dots and list indexes: `needs.budget.max`, `contacts[0].phone`.
 * `order`, when not NULL, is a NULL-terminated list of top-level keys in
 * their canonical order: a new top-level key goes after the last present key
 * that comes before it (so `deal` lands before `followups`).
 */
#include "crm/doc.h"

/*
 * Set the value at path to a copy of `value`, creating missing maps on the
 * way. A scalar replacing a scalar changes just its bytes. An index past the
 * end of a list is an error (CRM_EUSAGE): use crm_edit_append.
 */
int crm_edit_set(crm_doc **doc, const char *path, const crm_node *value,
		 const char *const *order);

/*
 * Remove the key or list item at path. Removing the last key of a map
 * removes the map; removing the last item of a list leaves `[]`.
 * CRM_ENOTFOUND when nothing is there.
 */
int crm_edit_unset(crm_doc **doc, const char *path);

/*
 * Append a copy of `item` to the list at path, creating the list when it is
 * absent or null (block style for maps, flow style for scalars). In a block
 * list the new item goes right after the last one: only added lines.
 */
int crm_edit_append(crm_doc **doc, const char *path, const crm_node *item,
		    const char *const *order);

/*
 * The primitive under every edit: replace `del` bytes at `off` of the text
 * by `ins` (its line breaks written as the file's, LF or CRLF) and read the
 * result again. CRM_EFAIL, *doc unchanged, when the result does not parse.
 */
int crm_edit_splice(crm_doc **doc, size_t off, size_t del, const char *ins, size_t inslen);

/*
 * Split a path into its parts: field names and list indexes. Returns the
 * count (at least 1), or -1 when the path is malformed, with *keys and *idx
 * NULL and a CRM_EUSAGE message saying what is wrong ("bad path 'a..b':
 * empty part after 'a'"). keys[i] is NULL for an index part (then idx[i]
 * holds it, 0 to INT_MAX). A path starts with a field name; names hold no
 * '.', '[', ']' or control character. Free with crm_path_free(keys, idx, n).
 */
int crm_path_split(const char *path, char ***keys, long **idx);
/* Free what crm_path_split returned; NULLs (and n < 0) are fine. */
void crm_path_free(char **keys, long *idx, int n);

#endif
