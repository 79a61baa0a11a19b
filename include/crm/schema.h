#ifndef CRM_SCHEMA_H
#define CRM_SCHEMA_H
/*
 * The record schema: JSON Schema draft-07 written in YAML (SPEC §4), read
 * once into a compiled form and then used to validate records, to label
 * enum values and fields, and to tell writers what type a field has.
 *
 * Supported keywords: $schema, $id, $comment, title, description, default,
 * examples, type, properties, required, additionalProperties, items, enum,
 * const, pattern, format (date, email, uri), minimum, maximum, minLength,
 * maxLength, minItems, uniqueItems, allOf, if, then, else, definitions,
 * $ref (local JSON pointers), and our own x-label and x-labels. Boolean
 * schemas (`true`, `false`) are accepted wherever a schema is. Anything else
 * is refused when the schema is loaded, never silently ignored.
 *
 * A `pattern` is an ECMAScript regular expression over characters (see
 * crm/regex.h), compiled once when the schema is loaded; a value on which
 * it hits its match limit is an error on that field, never a hang.
 *
 * Two deliberate departures from the letter of draft-07, both stricter:
 *  - beside `$ref` only annotations are allowed (title, description,
 *    $comment, default, examples, x-label, x-labels): draft-07 readers such
 *    as editors ignore every sibling of `$ref`, so a `type` there would be
 *    checked by crm and not by the editor;
 *  - `format` must be date, email or uri, and `items` must be one schema
 *    (not the tuple form).
 *
 * One leniency, because people write YAML by hand: where the schema wants a
 * string, a plain scalar that YAML reads as a number, boolean or null
 * (`phone: 0137`, `answer: no`) is accepted as its text with a warning to
 * quote it; plain dates under `format: date` are accepted silently.
 *
 * Field paths use dots and list indexes: `needs.budget.max`,
 * `contacts[0].phone`; `[]` stands for any index (`followups[].via`).
 */
#include <stddef.h>

#include "crm/doc.h"
#include "crm/error.h"

typedef struct crm_schema crm_schema;

/*
 * Read the schema file at `path` and compile it into *out. Every problem
 * (YAML errors, unknown keywords, malformed keyword values, `$ref` targets
 * that do not exist, patterns that do not compile) goes to `diags` (may be
 * NULL) as an error at its line and column in the schema file. Returns 0, or
 * CRM_EINVALID (with *out NULL) when the schema is unusable, or the code of
 * crm_doc_load (CRM_ENOTFOUND, CRM_EIO) when the file cannot be read. The
 * caller frees *out with crm_schema_free.
 */
int crm_schema_load(crm_schema **out, const char *path, crm_diags *diags);

/* As crm_schema_load, from `len` bytes at `src` (copied); `path` names them. */
int crm_schema_parse(crm_schema **out, const char *path, const char *src, size_t len,
		     crm_diags *diags);

/* Release a schema and all it owns; NULL is fine. */
void crm_schema_free(crm_schema *s);

/*
 * Validate the record `doc` against `s`. Every problem is reported, not only
 * the first: each becomes a diagnostic in `diags` (may be NULL) with the
 * record's path and the line and column of the offending node (the key, for
 * an unknown field; the map, for a missing one), and a message that starts
 * with the field's path (`contacts[0].email: ...`). Warnings (a plain scalar
 * that other YAML readers would read as a number) are added too but not
 * counted. Returns the number of errors, 0 when the record is valid.
 * An empty document is validated as null.
 */
int crm_schema_validate(const crm_schema *s, const crm_doc *doc, crm_diags *diags);

/*
 * Whether `node` alone is valid at field `path` of a record (for a value a
 * command is about to write): true or false, no diagnostics. A path the
 * schema does not describe accepts anything.
 */
int crm_schema_accepts(const crm_schema *s, const char *path, const crm_node *node);

/*
 * The subschema that describes the field at `path` (`needs.budget.max`,
 * `contacts[0].phone`, `followups[].via`; "" for the record itself), with
 * `$ref` resolved, looking through allOf and if/then/else branches when the
 * field is not among the plain properties. NULL when the schema does not
 * describe such a field. Borrowed: valid while `s` lives.
 */
const crm_node *crm_schema_at(const crm_schema *s, const char *path);

/*
 * The type of the field at `path`: "string", "number", "integer",
 * "boolean", "date" (a string with format date), "array", "object", or NULL
 * when the schema does not say. With a list of types, the first that is not
 * "null". A static string.
 */
const char *crm_schema_type_at(const crm_schema *s, const char *path);

/*
 * The `enum` of the field at `path` as strings, in schema order: *out points
 * at an array of *n borrowed strings, valid while `s` lives (do not free).
 * Returns 0, or CRM_ENOTFOUND (with *out NULL and *n 0) when the field has
 * no enum.
 */
int crm_schema_enum_values(const crm_schema *s, const char *path, const char *const **out,
			   size_t *n);

/*
 * A label for people. With `value`, the x-labels entry of that enum value of
 * the field at `path` in `lang` ("zh" or "en"), falling back to English,
 * then to the value itself. With `value` NULL, the field's own x-label,
 * falling back to English, then to the field's name in the schema (the last
 * property name on the path). Borrowed: valid while `s` lives, except that
 * the fallback to the value returns `value` itself. NULL only when `value`
 * is NULL and the path names nothing.
 */
const char *crm_schema_label(const crm_schema *s, const char *path, const char *value,
			     const char *lang);

/*
 * The enum value of the field at `path` whose code or label (any language,
 * ASCII case ignored) is `text`, as for `--via 电话沟通` or an imported
 * cell holding 企业客户. Borrowed (valid while `s` lives), or NULL.
 */
const char *crm_schema_enum_from_label(const crm_schema *s, const char *path,
				       const char *text);

/*
 * The path of the field whose x-label (any language, ASCII case ignored)
 * is `label`, as import maps a column named 客户名称 to `name`. List items
 * appear as `[0]` (`contacts[0].phone`). When several fields carry the label,
 * the shallowest wins, then the first in schema order. Returns 0 with a
 * string in *path_out that the caller frees, or CRM_ENOTFOUND (*path_out
 * NULL).
 */
int crm_schema_find_by_label(const crm_schema *s, const char *label, char **path_out);

#endif
