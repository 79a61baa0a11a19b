#ifndef CRM_DOC_H
#define CRM_DOC_H
/*
 * A YAML document read for people: every node keeps its 1-based line and
 * column and its byte range in the source, so that errors point at the place
 * and edits (edit.h) change only the bytes they must.
 *
 * The reader accepts one document of block and flow collections and scalars,
 * a UTF-8 BOM and CRLF line endings. It refuses, as diagnostics with line and
 * column: anchors and aliases, tags, a second document, duplicate keys,
 * non-scalar keys, nesting deeper than CRM_DOC_MAX_DEPTH, files over
 * CRM_DOC_MAX_BYTES, NUL and other control bytes, invalid UTF-8 and git
 * conflict markers.
 */
#include <stdbool.h>
#include <stddef.h>

#include "crm/error.h"

#define CRM_DOC_MAX_DEPTH 32
#define CRM_DOC_MAX_BYTES (4u << 20)

typedef enum { CRM_NODE_SCALAR, CRM_NODE_MAP, CRM_NODE_SEQ } crm_node_kind;

typedef enum {
	CRM_STYLE_PLAIN,
	CRM_STYLE_SQUOTED,
	CRM_STYLE_DQUOTED,
	CRM_STYLE_LITERAL,
	CRM_STYLE_FOLDED,
} crm_scalar_style;

/*
 * What a scalar means as JSON (for the schema and --json): plain scalars are
 * resolved by the YAML 1.2 core schema (null, true/false, numbers);
 * quoted and block scalars are always strings. Dates stay strings.
 */
typedef enum {
	CRM_JSON_NULL,
	CRM_JSON_BOOL,
	CRM_JSON_INT,
	CRM_JSON_NUMBER, /* a float */
	CRM_JSON_STRING,
	CRM_JSON_OBJECT,
	CRM_JSON_ARRAY,
} crm_json_type;

typedef struct crm_node crm_node;
struct crm_node {
	crm_node_kind kind;
	int line, col;       /* 1-based position of the node's first character */
	size_t start, end;   /* byte range in crm_doc.src: [start, end) */
	crm_node *parent;    /* NULL for the root */
	/* scalars */
	crm_scalar_style style;
	char *value;         /* the scalar's text, NUL-terminated (never NULL) */
	size_t len;
	crm_json_type jtype; /* how it resolves (see above) */
	/* maps and sequences */
	bool flow;           /* written as {..} or [..] */
	size_t n;            /* number of pairs or items */
	crm_node **keys;     /* maps: keys[i] (scalars); sequences: NULL */
	crm_node **items;    /* maps: values[i]; sequences: items[i] */
	bool in_arena;       /* owned by its document's arena: crm_node_free skips it */
};

typedef struct {
	char *path;          /* as given to crm_doc_parse, for messages */
	char *src;           /* the bytes as read (BOM and CRs included) */
	size_t len;
	crm_node *root;      /* NULL for an empty document */
	bool crlf;           /* the file's line breaks are CRLF */
	bool bom;            /* the file starts with a UTF-8 BOM */
	struct crm_arena *arena; /* where the reader allocated the nodes */
} crm_doc;

/*
 * Parse `len` bytes of `src` (copied) read from `path` into *out. Problems go
 * to `diags` (which may be NULL). Returns 0 when the document is usable,
 * CRM_EINVALID when it is not (then *out is NULL and diags says why).
 * Warnings (e.g. `phone: 0137` that other readers take for a number) do not
 * make it fail. The caller frees *out with crm_doc_free.
 */
int crm_doc_parse(crm_doc **out, const char *path, const char *src, size_t len,
		  crm_diags *diags);
/* Read the file at `path` and parse it as above. */
int crm_doc_load(crm_doc **out, const char *path, crm_diags *diags);

/*
 * Free the blocks this thread keeps for the next document it reads (each
 * thread keeps its own); a thread that read or freed documents calls it
 * before it ends.
 */
void crm_doc_thread_done(void);
void crm_doc_free(crm_doc *doc);

/* The value of key `key` in map `map`, or NULL (also when map is not a map). */
const crm_node *crm_node_get(const crm_node *map, const char *key);
/* Index of `key` in map, or -1. */
long crm_node_index(const crm_node *map, const char *key);
/* The scalar text of map[key] when it is a scalar and not null, else NULL. */
const char *crm_node_str(const crm_node *map, const char *key);

/*
 * Follow a path such as `needs.budget.max` or `contacts[0].phone` from
 * `root`. Returns the node or NULL. A malformed path returns NULL too.
 */
const crm_node *crm_node_at(const crm_node *root, const char *path);

/* Deep equality of the data (not of the formatting). */
bool crm_node_equal(const crm_node *a, const crm_node *b);

/* The name of a JSON type, for messages ("string", "number", ...). */
const char *crm_json_type_name(crm_json_type t);

/* A deep copy of a node (positions kept, parent of the copy NULL), owned by
 * the caller whatever the original's owner. */
crm_node *crm_node_clone(const crm_node *n);
/* Free a node the caller owns, with its children; nodes of a document are
 * freed with it (crm_doc_free), and this does nothing for them. */
void crm_node_free(crm_node *n);

/*
 * Resolve a plain scalar's text by the YAML 1.2 core schema; also tells,
 * through *yaml11 (may be NULL), what a YAML 1.1 reader would make of it
 * (CRM_JSON_STRING when nothing else). Used for warnings and by the writer.
 */
crm_json_type crm_yaml_resolve(const char *s, size_t len, crm_json_type *yaml11);

#endif
