#ifndef CRM_EMIT_H
#define CRM_EMIT_H
/*
 * Writing YAML that people and every YAML reader agree on.
 *
 * A string is written plain only when every YAML 1.1 and 1.2 reader reads it
 * back as the same string (not `no`, `0138`, `12:30`, `1e3`, `2024-05-01`,
 * `a #b`, ...); otherwise single-quoted, or double-quoted when it holds
 * control characters. UTF-8 is written as is, never escaped; lines are never
 * folded. Multi-line strings in block context become literal blocks (`|`).
 *
 * New values are built as crm_node trees (the same type the reader makes):
 * string nodes are quoted as needed; "raw" nodes (dates, numbers, booleans)
 * are written verbatim. A parsed plain scalar is also written verbatim.
 */
#include <stdbool.h>

#include "crm/buf.h"
#include "crm/doc.h"

/* True when s can be written as a plain scalar (flow: inside [] or {}). */
bool crm_yaml_plain_safe(const char *s, size_t len, bool flow);
/* Append s as a scalar on one line (plain when safe, else quoted). */
void crm_yaml_write_str(crm_buf *b, const char *s, bool flow);

/* Node builders. Each returns a new node that the caller owns (or hands to a
 * map/seq, which then owns it). */
crm_node *crm_node_new_str(const char *s);
crm_node *crm_node_new_raw(const char *s);
crm_node *crm_node_new_map(bool flow);
crm_node *crm_node_new_seq(bool flow);
/* Add key/val to map; takes ownership of val. */
void crm_node_map_put(crm_node *map, const char *key, crm_node *val);
/* Append item to seq; takes ownership of item. */
void crm_node_seq_push(crm_node *seq, crm_node *item);

/*
 * Render `key: value` at `indent` spaces, ending with a newline; a block
 * value goes on the following lines, indented by two more.
 */
void crm_yaml_render_pair(crm_buf *b, const char *key, const crm_node *val, int indent);
/* Render `- item` with the dash at `indent` spaces, ending with a newline. */
void crm_yaml_render_item(crm_buf *b, const crm_node *item, int indent);
/* Render a value in flow style on one line ({a: b}, [x, y], or a scalar). */
void crm_yaml_render_flow(crm_buf *b, const crm_node *val);
/* Render a whole document whose root is a map, one key per line. */
void crm_yaml_render_doc(crm_buf *b, const crm_node *root);

#endif
