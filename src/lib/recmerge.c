/*
 * recmerge.c: the three-way merge of a record, field by field (recmerge.h).
 *
 * Two passes. The first walks base, ours and theirs as trees and writes
 * down what theirs changed as edits of ours (set, unset, insert list items)
 * and what both changed differently as conflicts. The second applies the
 * edits to ours' text with the editor, highest offset first so that list
 * indexes stay valid. For each conflict the edits are applied once more
 * with theirs' version of that field; the lines where the two texts differ
 * are what the markers surround.
 */
#include "crm/recmerge.h"
#include "crm/buf.h"
#include "crm/edit.h"
#include "crm/emit.h"
#include "crm/error.h"
#include "crm/merge.h"
#include "crm/record.h"

#include <stdlib.h>
#include <string.h>

typedef enum { OP_SET, OP_UNSET, OP_INSERT } op_kind;

/* One change of ours: set or unset `path`, or insert `val` before item
 * `index` of the list at `path`. Paths use ours' list indexes. */
typedef struct {
	op_kind kind;
	char *path;
	size_t index;
	const crm_node *val; /* borrowed from theirs */
	const char *after;   /* a new key: the key it follows in theirs (borrowed) */
	size_t anchor;       /* an offset in ours: edits apply highest first */
	size_t seq;          /* creation order, for ties */
} op;

typedef struct {
	char *path;
	const crm_node *o, *t; /* borrowed; NULL when that side removed it */
	op fix;                /* the edit that gives ours theirs' version */
	size_t group;
} conflict;

typedef struct {
	const crm_doc *theirs;
	op *ops;
	size_t nops, cap;
	conflict *cf;
	size_t ncf, cfcap;
	size_t seq;
	bool bad; /* a key that a path cannot name: fall back to lines */
} merger;

static op make_op(merger *m, op_kind kind, const char *path, size_t index, const crm_node *val,
		  size_t anchor)
{
	op o = {kind, crm_xstrdup(path), index, val, NULL, anchor, m->seq++};
	return o;
}

static void add_op(merger *m, op o)
{
	if (m->nops == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->ops = crm_xrealloc(m->ops, m->cap * sizeof *m->ops);
	}
	m->ops[m->nops++] = o;
}

static void add_conflict(merger *m, const char *path, const crm_node *o, const crm_node *t, op fix)
{
	if (m->ncf == m->cfcap) {
		m->cfcap = m->cfcap ? 2 * m->cfcap : 4;
		m->cf = crm_xrealloc(m->cf, m->cfcap * sizeof *m->cf);
	}
	size_t g = m->ncf++;
	m->cf[g] = (conflict){crm_xstrdup(path), o, t, fix, g};
}

static char *key_path(merger *m, const char *path, const char *key)
{
	if (!*key || strpbrk(key, ".[]"))
		m->bad = true;
	return *path ? crm_xasprintf("%s.%s", path, key) : crm_xstrdup(key);
}

static const crm_node *get(const crm_node *map, const char *key)
{
	return map && map->kind == CRM_NODE_MAP ? crm_node_get(map, key) : NULL;
}

static void merge_value(merger *m, const char *path, const crm_node *b, const crm_node *o,
			const crm_node *t);

static void merge_map(merger *m, const char *path, const crm_node *b, const crm_node *o,
		      const crm_node *t)
{
	for (size_t i = 0; i < o->n; i++) {
		const char *k = o->keys[i]->value;
		const crm_node *ov = o->items[i], *tv = get(t, k), *bv = get(b, k);
		char *sub = key_path(m, path, k);
		if (tv)
			merge_value(m, sub, bv, ov, tv);
		else if (bv && crm_node_equal(bv, ov))
			add_op(m, make_op(m, OP_UNSET, sub, 0, NULL, o->keys[i]->start));
		else if (bv)
			add_conflict(m, sub, ov, NULL, make_op(m, OP_UNSET, sub, 0, NULL, o->keys[i]->start));
		free(sub);
	}
	for (size_t i = 0; i < t->n; i++) {
		const char *k = t->keys[i]->value;
		if (get(o, k))
			continue;
		const crm_node *tv = t->items[i], *bv = get(b, k);
		char *sub = key_path(m, path, k);
		op set = make_op(m, OP_SET, sub, 0, tv, o->end);
		for (size_t j = i; j-- > 0 && !set.after;)
			if (get(o, t->keys[j]->value))
				set.after = t->keys[j]->value;
		if (!bv)
			add_op(m, set);
		else if (!crm_node_equal(bv, tv))
			add_conflict(m, sub, NULL, tv, set);
		else
			free(set.path);
		free(sub);
	}
}

/* ---- lists ---- */

typedef enum { L_DATED, L_KEYED, L_SET } list_kind;

/* How the list at `path` names its items: the fields that make an item the
 * same one; NULL-terminated. */
static list_kind list_rule(const char *path, const char *const **fields)
{
	static const char *const followup[] = {"date", "by", "summary", NULL};
	static const char *const stage[] = {"stage", "date", NULL};
	static const char *const name[] = {"name", NULL};
	static const char *const dated[] = {"label", "date", NULL};
	*fields = NULL;
	if (!strcmp(path, "followups"))
		return *fields = followup, L_DATED;
	if (!strcmp(path, "stage_history"))
		return *fields = stage, L_DATED;
	if (!strcmp(path, "contacts") || !strcmp(path, "needs.decision_chain"))
		return *fields = name, L_KEYED;
	if (!strcmp(path, "dates"))
		return *fields = dated, L_KEYED;
	return L_SET;
}

/* An item's identity: its naming fields, or (for scalars, unnamed lists and
 * items that lack a field) its whole value. */
static char *identity(const crm_node *item, const char *const *fields)
{
	crm_buf b = CRM_BUF_INIT;
	bool whole = !fields || item->kind != CRM_NODE_MAP;
	for (size_t i = 0; !whole && fields[i]; i++) {
		const char *v = crm_node_str(item, fields[i]);
		if (!v) {
			whole = true;
			break;
		}
		crm_buf_printf(&b, "%s\x1f", v);
	}
	if (whole) {
		crm_buf_truncate(&b, 0);
		crm_buf_putc(&b, '=');
		crm_yaml_render_flow(&b, item);
	}
	return crm_buf_detach(&b);
}

/* Identities of a list's items; the k-th repeat of one gets "#k", so that
 * duplicates are neither merged into one nor doubled. */
static char **identities(const crm_node *seq, const char *const *fields)
{
	size_t n = seq ? seq->n : 0;
	char **v = crm_xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = identity(seq->items[i], fields);
	for (size_t i = n; i-- > 0;) {
		size_t rep = 0;
		for (size_t j = 0; j < i; j++)
			rep += !strcmp(v[j], v[i]);
		if (rep) {
			char *x = crm_xasprintf("%s#%zu", v[i], rep);
			free(v[i]);
			v[i] = x;
		}
	}
	return v;
}

static void free_ids(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static long find_id(char **v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], id))
			return (long)i;
	return -1;
}

/* Where theirs' new item goes in ours: in date order after every item of
 * ours of the same date (ties: base and ours first); else at the end. */
static size_t insert_at(const crm_node *o, const crm_node *item, list_kind kind)
{
	const char *d = kind == L_DATED ? crm_node_str(item, "date") : NULL;
	if (!d)
		return o->n;
	for (size_t i = 0; i < o->n; i++) {
		const char *od = crm_node_str(o->items[i], "date");
		if (od && strcmp(od, d) > 0)
			return i;
	}
	return o->n;
}

static void merge_list(merger *m, const char *path, const crm_node *b, const crm_node *o,
		       const crm_node *t)
{
	const char *const *fields;
	list_kind kind = list_rule(path, &fields);
	size_t bn = b ? b->n : 0;
	char **bk = identities(b, fields), **ok = identities(o, fields), **tk = identities(t, fields);
	for (size_t i = 0; i < o->n; i++) {
		long ti = find_id(tk, t->n, ok[i]), bi = find_id(bk, bn, ok[i]);
		const crm_node *ov = o->items[i], *bv = bi >= 0 ? b->items[bi] : NULL;
		char *sub = crm_xasprintf("%s[%zu]", path, i);
		if (ti >= 0)
			merge_value(m, sub, bv, ov, t->items[ti]);
		else if (bv && crm_node_equal(bv, ov))
			add_op(m, make_op(m, OP_UNSET, sub, 0, NULL, ov->start));
		else if (bv)
			add_conflict(m, sub, ov, NULL, make_op(m, OP_UNSET, sub, 0, NULL, ov->start));
		free(sub);
	}
	for (size_t j = 0; j < t->n; j++) {
		if (find_id(ok, o->n, tk[j]) >= 0)
			continue;
		long bi = find_id(bk, bn, tk[j]);
		const crm_node *tv = t->items[j];
		size_t at = insert_at(o, tv, kind);
		size_t anchor = at < o->n ? o->items[at]->start : o->end;
		op ins = make_op(m, OP_INSERT, path, at, tv, anchor);
		if (bi < 0) {
			add_op(m, ins);
		} else if (!crm_node_equal(b->items[bi], tv)) {
			char *sub = crm_xasprintf("%s[%zu]", path, j);
			add_conflict(m, sub, NULL, tv, ins);
			free(sub);
		} else {
			free(ins.path);
		}
	}
	free_ids(bk, bn);
	free_ids(ok, o->n);
	free_ids(tk, t->n);
}

static void merge_value(merger *m, const char *path, const crm_node *b, const crm_node *o,
			const crm_node *t)
{
	if (crm_node_equal(o, t))
		return;
	if (o->kind == CRM_NODE_MAP && t->kind == CRM_NODE_MAP) {
		merge_map(m, path, b && b->kind == CRM_NODE_MAP ? b : NULL, o, t);
		return;
	}
	if (o->kind == CRM_NODE_SEQ && t->kind == CRM_NODE_SEQ) {
		merge_list(m, path, b && b->kind == CRM_NODE_SEQ ? b : NULL, o, t);
		return;
	}
	if (b && crm_node_equal(b, o))
		add_op(m, make_op(m, OP_SET, path, 0, t, o->start));
	else if (!b || !crm_node_equal(b, t))
		add_conflict(m, path, o, t, make_op(m, OP_SET, path, 0, t, o->start));
}

/* ---- applying the edits ---- */

static size_t line_start(const char *s, size_t off)
{
	while (off > 0 && s[off - 1] != '\n')
		off--;
	return off;
}

static size_t after_line(const char *s, size_t len, size_t off)
{
	if (off > 0 && s[off - 1] == '\n')
		return off;
	while (off < len && s[off] != '\n')
		off++;
	return off < len ? off + 1 : off;
}

/* The offset of the dash that introduces block list item `item`. */
static size_t dash_of(const char *s, const crm_node *item)
{
	size_t i = item->start;
	while (i > 0 && s[i - 1] != '-')
		i--;
	return i > 0 ? i - 1 : item->start;
}

/*
 * Theirs' own lines for block list item `item`, without CRs, shifted to put
 * its dash at column `dash`: what theirs wrote, comments and all. False when
 * the item does not sit on lines of its own.
 */
static bool item_lines(crm_buf *out, const crm_doc *src, const crm_node *item, size_t dash)
{
	const char *s = src->src;
	size_t d = dash_of(s, item), from = line_start(s, d), to = after_line(s, src->len, item->end);
	for (size_t i = from; i < d; i++)
		if (s[i] != ' ')
			return false;
	long shift = (long)dash - (long)(d - from);
	for (size_t i = from; i < to;) {
		size_t eol = after_line(s, src->len, i + 1);
		if (eol <= i)
			eol = to;
		size_t skip = 0;
		if (shift < 0)
			while (skip < (size_t)-shift && i + skip < eol && s[i + skip] == ' ')
				skip++;
		bool blank = s[i] == '\n' || (s[i] == '\r' && eol - i == 2);
		if (!blank)
			for (long k = 0; k < shift; k++)
				crm_buf_putc(out, ' ');
		for (size_t k = i + skip; k < eol; k++)
			if (s[k] != '\r')
				crm_buf_putc(out, s[k]);
		i = eol;
	}
	if (!out->len || out->ptr[out->len - 1] != '\n')
		crm_buf_putc(out, '\n');
	return true;
}

/* The text that inserts items v[0..n) before item `index` of block or flow
 * list `seq` of d, and the offset where it goes. */
static size_t insert_text(crm_buf *t, const crm_doc *d, const crm_node *seq, size_t index,
			  const crm_node *const *v, size_t n, const crm_doc *src, bool verbatim)
{
	if (seq->flow) {
		bool end = index == seq->n;
		for (size_t i = 0; i < n; i++) {
			if (i || (end && seq->n))
				crm_buf_puts(t, ", ");
			crm_yaml_render_flow(t, v[i]);
		}
		if (!end)
			crm_buf_puts(t, ", ");
		return end ? (seq->n ? seq->items[seq->n - 1]->end : seq->end - 1) : seq->items[index]->start;
	}
	size_t dash = dash_of(d->src, seq->items[0]);
	size_t col = dash - line_start(d->src, dash);
	for (size_t i = 0; i < n; i++) {
		const crm_node *p = v[i]->parent;
		if (!verbatim || !p || p->flow || !item_lines(t, src, v[i], col))
			crm_yaml_render_item(t, v[i], (int)col);
	}
	if (index < seq->n)
		return line_start(d->src, dash_of(d->src, seq->items[index]));
	size_t off = after_line(d->src, d->len, seq->end);
	if (off == d->len && d->len && d->src[d->len - 1] != '\n')
		crm_buf_insert(t, 0, "\n", 1);
	return off;
}

/*
 * Apply the inserts v[0..n) into one list (sorted as cmp_ops sorts: last
 * place first, and at one place last item first) in a single splice, so
 * that two hundred follow-ups cost one reading of the file, not two hundred.
 */
static int insert_items(crm_doc **doc, const op *v, size_t n, const crm_doc *src, bool verbatim)
{
	const crm_doc *d = *doc;
	const char *path = v[0].path;
	const crm_node *seq = crm_node_at(d->root, path);
	if (!seq || seq->kind != CRM_NODE_SEQ || (!seq->n && !seq->flow))
		return crm_error_set(CRM_EFAIL, "%s: %s is no longer a list", d->path, path);
	const crm_node **items = crm_xcalloc(n + 1, sizeof *items);
	size_t *before = crm_xcalloc(n + 1, sizeof *before); /* ours' items before each place */
	for (size_t k = 0; k < n; k++) {
		items[k] = v[n - 1 - k].val;
		before[k] = v[n - 1 - k].index;
		if (before[k] > seq->n) {
			free(items);
			free(before);
			return crm_error_set(CRM_EFAIL, "%s: %s changed under the merge", d->path, path);
		}
	}
	/* items are now in list order; build the text between the first and last place */
	crm_buf t = CRM_BUF_INIT;
	size_t first = 0, last = 0;
	for (size_t k = 0; k < n;) {
		size_t e = k;
		while (e < n && before[e] == before[k])
			e++;
		crm_buf piece = CRM_BUF_INIT;
		size_t off = insert_text(&piece, d, seq, before[k], items + k, e - k, src, verbatim);
		if (k == 0)
			first = last = off;
		crm_buf_put(&t, d->src + last, off - last);
		crm_buf_put(&t, piece.ptr, piece.len);
		crm_buf_free(&piece);
		last = off;
		k = e;
	}
	char *was = crm_xstrndup(d->src, d->len);
	size_t was_len = d->len;
	int rc = crm_edit_splice(doc, first, last - first, t.ptr, t.len);
	crm_buf_free(&t);
	if (!rc) {
		/* the copies must read back as theirs' items, where they belong */
		seq = crm_node_at((*doc)->root, path);
		bool ok = seq && seq->kind == CRM_NODE_SEQ;
		for (size_t k = 0; ok && k < n; k++)
			ok = before[k] + k < seq->n && crm_node_equal(seq->items[before[k] + k], items[k]);
		if (!ok) {
			/* back to the text before, for the caller's second try */
			crm_edit_splice(doc, 0, (*doc)->len, was, was_len);
			rc = crm_error_set(CRM_EFAIL, "%s: inserting into %s went wrong", (*doc)->path, path);
		}
	}
	free(was);
	free(items);
	free(before);
	return rc;
}

/*
 * Set a key that ours lacks. In a block map it goes where theirs has it,
 * after the key it follows there; otherwise the editor decides (at the top
 * level, by the canonical order).
 */
static int set_new(crm_doc **doc, const op *v)
{
	const crm_doc *d = *doc;
	if (!v->after || crm_node_at(d->root, v->path))
		return crm_edit_set(doc, v->path, v->val, crm_record_order);
	const char *dot = strrchr(v->path, '.'), *name = dot ? dot + 1 : v->path;
	char *up = dot ? crm_xstrndup(v->path, (size_t)(dot - v->path)) : NULL;
	const crm_node *map = up ? crm_node_at(d->root, up) : d->root;
	free(up);
	long k = map && map->kind == CRM_NODE_MAP && !map->flow ? crm_node_index(map, v->after) : -1;
	if (k < 0 || (size_t)k + 1 == map->n)
		return crm_edit_set(doc, v->path, v->val, crm_record_order);
	const crm_node *key = map->keys[k], *next = map->keys[k + 1];
	size_t off = after_line(d->src, d->len, map->items[k]->end);
	size_t indent = key->col - 1;
	if (off > line_start(d->src, next->start) || next->col != key->col)
		return crm_edit_set(doc, v->path, v->val, crm_record_order);
	crm_buf t = CRM_BUF_INIT;
	for (size_t i = 0; i < indent; i++)
		crm_buf_putc(&t, ' ');
	crm_yaml_render_pair(&t, name, v->val, (int)indent);
	int rc = crm_edit_splice(doc, off, 0, t.ptr, t.len);
	crm_buf_free(&t);
	return rc;
}

/*
 * Set a value: a one-line scalar over a scalar is copied as theirs wrote it
 * (their quotes kept); anything else the editor writes.
 */
static int set_value(crm_doc **doc, const op *v, const crm_doc *theirs)
{
	const crm_node *n = crm_node_at((*doc)->root, v->path), *t = v->val;
	bool copy = n && n->kind == CRM_NODE_SCALAR && t->kind == CRM_NODE_SCALAR &&
		    (n->len || n->style != CRM_STYLE_PLAIN) && n->style <= CRM_STYLE_DQUOTED &&
		    t->style <= CRM_STYLE_DQUOTED && t->end > t->start &&
		    !memchr(theirs->src + t->start, '\n', t->end - t->start) &&
		    (t->style != CRM_STYLE_PLAIN ||
		     (n->parent && t->parent && n->parent->flow == t->parent->flow));
	if (!copy)
		return set_new(doc, v);
	if (crm_edit_splice(doc, n->start, n->end - n->start, theirs->src + t->start, t->end - t->start) == 0 &&
	    crm_node_equal(crm_node_at((*doc)->root, v->path), t))
		return 0;
	return crm_edit_set(doc, v->path, t, crm_record_order);
}

static int cmp_ops(const void *pa, const void *pb)
{
	const op *a = pa, *b = pb;
	if (a->anchor != b->anchor)
		return a->anchor > b->anchor ? -1 : 1;
	/* at one place, change or remove the item there before inserting before it */
	if ((a->kind == OP_INSERT) != (b->kind == OP_INSERT))
		return a->kind == OP_INSERT ? 1 : -1;
	return a->seq > b->seq ? -1 : a->seq < b->seq ? 1 : 0;
}

/* Ours' text with the edits `v` applied, read into *out. With *out already
 * holding ours read (which it then consumes), ours is not read again. */
static int apply(crm_doc **out, const char *path, const char *ours, size_t ours_len,
		 const op *ops, size_t n, const crm_doc *theirs)
{
	crm_doc *doc = *out;
	int rc = doc ? 0 : crm_doc_parse(&doc, path, ours, ours_len, NULL);
	*out = NULL;
	if (rc)
		return crm_error_set(CRM_EFAIL, "%s: ours does not parse", path);
	op *v = crm_xcalloc(n + 1, sizeof *v);
	if (n)
		memcpy(v, ops, n * sizeof *v);
	qsort(v, n, sizeof *v, cmp_ops);
	for (size_t i = 0; !rc && i < n;) {
		if (v[i].kind == OP_SET) {
			rc = set_value(&doc, &v[i], theirs);
			i++;
		} else if (v[i].kind == OP_UNSET) {
			rc = crm_edit_unset(&doc, v[i].path);
			i++;
		} else {
			/* inserts into one list: one splice (see insert_items) */
			size_t j = i;
			while (j < n && v[j].kind == OP_INSERT && !strcmp(v[j].path, v[i].path))
				j++;
			rc = insert_items(&doc, v + i, j - i, theirs, true);
			if (rc)
				rc = insert_items(&doc, v + i, j - i, theirs, false);
			i = j;
		}
	}
	free(v);
	if (rc) {
		crm_doc_free(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

/* ---- conflict markers ---- */

/* The lines where a and b differ: [*s, *ea) in a and [*s, *eb) in b. */
static void diff_lines(const char *a, size_t al, const char *b, size_t bl, size_t *s, size_t *ea,
		       size_t *eb)
{
	size_t p = 0;
	while (p < al && p < bl && a[p] == b[p])
		p++;
	p = line_start(a, p);
	size_t suf = 0, max = (al < bl ? al : bl) - p;
	while (suf < max && a[al - 1 - suf] == b[bl - 1 - suf])
		suf++;
	while (suf > 0 && ((al - suf > 0 && a[al - suf - 1] != '\n') ||
			   (bl - suf > 0 && b[bl - suf - 1] != '\n')))
		suf--;
	*s = p;
	*ea = al - suf;
	*eb = bl - suf;
}

typedef struct {
	size_t s, ea, eb; /* [s, ea) in ours merged, [s, eb) in b */
	crm_doc *b; /* ours merged with theirs' version of the group's fields */
} region;

static void marker(crm_buf *out, char c, int size, const char *label, const char *eol)
{
	for (int i = 0; i < size; i++)
		crm_buf_putc(out, c);
	if (label && *label)
		crm_buf_printf(out, " %s", label);
	crm_buf_puts(out, eol);
}

static void put_lines(crm_buf *out, const char *s, size_t n, const char *eol)
{
	crm_buf_put(out, s, n);
	if (n && s[n - 1] != '\n')
		crm_buf_puts(out, eol);
}

/*
 * Write `a` (ours merged) into out with markers around each conflict's
 * lines. Conflicts whose lines overlap share one pair of markers.
 */
static int write_markers(crm_buf *out, merger *m, const crm_doc *a, const char *path,
			 const char *ours, size_t ours_len, const crm_merge_opts *opts)
{
	size_t n = m->ncf;
	region *r = crm_xcalloc(n, sizeof *r);
	op *v = crm_xcalloc(m->nops + n + 1, sizeof *v);
	int rc = 0;
	for (bool again = true; again && !rc;) {
		again = false;
		for (size_t g = 0; g < n; g++) {
			crm_doc_free(r[g].b);
			r[g].b = NULL;
		}
		for (size_t g = 0; g < n && !rc; g++) {
			size_t k = m->nops;
			if (m->nops)
				memcpy(v, m->ops, m->nops * sizeof *v);
			for (size_t i = 0; i < n; i++)
				if (m->cf[i].group == g)
					v[k++] = m->cf[i].fix;
			if (k == m->nops)
				continue;
			rc = apply(&r[g].b, path, ours, ours_len, v, k, m->theirs);
			if (!rc)
				diff_lines(a->src, a->len, r[g].b->src, r[g].b->len, &r[g].s, &r[g].ea,
					   &r[g].eb);
		}
		for (size_t g = 0; g < n && !rc && !again; g++)
			for (size_t h = g + 1; h < n && r[g].b && !again; h++) {
				if (!r[h].b)
					continue;
				bool apart = r[g].ea <= r[h].s || r[h].ea <= r[g].s;
				if (apart && r[g].s != r[h].s)
					continue;
				for (size_t i = 0; i < n; i++)
					if (m->cf[i].group == h)
						m->cf[i].group = g;
				again = true;
			}
	}
	const char *eol = a->crlf ? "\r\n" : "\n";
	int size = opts && opts->marker_size > 0 ? opts->marker_size : 7;
	const char *ol = opts && opts->ours_label ? opts->ours_label : "ours";
	const char *tl = opts && opts->theirs_label ? opts->theirs_label : "theirs";
	for (size_t at = 0; !rc;) {
		/* the next region in text order */
		long next = -1;
		for (size_t g = 0; g < n; g++)
			if (r[g].b && r[g].s >= at && (next < 0 || r[g].s < r[next].s))
				next = (long)g;
		if (next < 0) {
			crm_buf_put(out, a->src + at, a->len - at);
			break;
		}
		region *x = &r[next];
		crm_buf_put(out, a->src + at, x->s - at);
		marker(out, '<', size, ol, eol);
		put_lines(out, a->src + x->s, x->ea - x->s, eol);
		marker(out, '=', size, NULL, eol);
		put_lines(out, x->b->src + x->s, x->eb - x->s, eol);
		marker(out, '>', size, tl, eol);
		at = x->ea;
		crm_doc_free(x->b);
		x->b = NULL;
	}
	for (size_t g = 0; g < n; g++)
		crm_doc_free(r[g].b);
	free(r);
	free(v);
	return rc;
}

/* ---- the whole ---- */

static char *flow_text(const crm_node *n)
{
	if (!n)
		return NULL;
	crm_buf b = CRM_BUF_INIT;
	crm_yaml_render_flow(&b, n);
	return crm_buf_detach(&b);
}

static crm_merge_result *result_new(void)
{
	return crm_xcalloc(1, sizeof(crm_merge_result));
}

static void result_text(crm_merge_result *r, const char *s, size_t n)
{
	r->text = crm_xstrndup(s ? s : "", s ? n : 0);
	r->len = s ? n : 0;
}

static void result_conflict(crm_merge_result *r, const char *path, const crm_node *o,
			    const crm_node *t)
{
	r->conflicts = crm_xrealloc(r->conflicts, (r->nconflicts + 1) * sizeof *r->conflicts);
	r->conflicts[r->nconflicts++] = (crm_merge_conflict){crm_xstrdup(path), flow_text(o), flow_text(t)};
}

static int line_merge(crm_merge_result *r, const char *path, const char *base, size_t bl,
		      const char *ours, size_t ol, const char *theirs, size_t tl,
		      const crm_merge_opts *opts)
{
	crm_buf out = CRM_BUF_INIT;
	bool conflicted = false;
	int rc = crm_merge_text_labels(&out, &conflicted, path, opts ? opts->ours_label : NULL,
				       opts ? opts->theirs_label : NULL, opts ? opts->marker_size : 0,
				       base ? base : "", base ? bl : 0, ours, ol, theirs, tl);
	if (rc) {
		crm_buf_free(&out);
		return rc;
	}
	r->len = out.len;
	r->text = crm_buf_detach(&out);
	if (!r->text)
		r->text = crm_xstrdup("");
	r->line_merge = true;
	if (conflicted)
		result_conflict(r, "", NULL, NULL);
	return 0;
}

static bool parse_map(crm_doc **d, const char *path, const char *s, size_t n)
{
	*d = NULL;
	if (crm_doc_parse(d, path, s, n, NULL))
		return false;
	if ((*d)->root && (*d)->root->kind == CRM_NODE_MAP)
		return true;
	crm_doc_free(*d);
	*d = NULL;
	return false;
}

static bool same_record(const char *path, const char *a, size_t al, const char *b, size_t bl)
{
	if (al == bl && !memcmp(a, b, al))
		return true;
	crm_doc *x = NULL, *y = NULL;
	bool same = !crm_doc_parse(&x, path, a, al, NULL) && !crm_doc_parse(&y, path, b, bl, NULL) &&
		    crm_node_equal(x->root, y->root);
	crm_doc_free(x);
	crm_doc_free(y);
	return same;
}

/* One side deleted the record: clean when the other left it as it was. */
static void merge_deleted(crm_merge_result *r, const char *path, const char *base, size_t bl,
			  const char *kept, size_t kl, bool ours_kept)
{
	if (!kept) {
		r->deleted = true;
		return;
	}
	if (base && same_record(path, base, bl, kept, kl)) {
		r->deleted = true;
		return;
	}
	result_text(r, kept, kl);
	if (base) {
		r->conflicts = crm_xcalloc(1, sizeof *r->conflicts);
		r->conflicts[0] = (crm_merge_conflict){crm_xstrdup(""), ours_kept ? crm_xstrdup("changed") : NULL,
						       ours_kept ? NULL : crm_xstrdup("changed")};
		r->nconflicts = 1;
	}
}

int crm_record_merge(crm_merge_result **out, const char *base, size_t base_len,
		     const char *ours, size_t ours_len, const char *theirs, size_t theirs_len,
		     const crm_merge_opts *opts)
{
	const char *path = opts && opts->path ? opts->path : "record";
	crm_merge_result *r = result_new();
	*out = NULL;
	if (!ours || !theirs) {
		merge_deleted(r, path, base, base_len, ours ? ours : theirs, ours ? ours_len : theirs_len,
			      ours != NULL);
		*out = r;
		return 0;
	}
	if (base && !base_len)
		base = NULL; /* git's empty base of an add/add: a two-way merge */
	/* one side unchanged: the other, byte for byte (what git does for files) */
	bool same_ot = ours_len == theirs_len && !memcmp(ours, theirs, ours_len);
	if (same_ot || (base && base_len == theirs_len && !memcmp(base, theirs, theirs_len))) {
		result_text(r, ours, ours_len);
		*out = r;
		return 0;
	}
	if (base && base_len == ours_len && !memcmp(base, ours, ours_len)) {
		result_text(r, theirs, theirs_len);
		*out = r;
		return 0;
	}
	crm_doc *b = NULL, *o = NULL, *t = NULL, *a = NULL;
	merger m = {0};
	int rc = 0;
	bool ok = (!base || parse_map(&b, path, base, base_len)) &&
		  parse_map(&o, path, ours, ours_len) && parse_map(&t, path, theirs, theirs_len);
	if (ok) {
		m.theirs = t;
		merge_value(&m, "", b ? b->root : NULL, o->root, t->root);
		if (!m.ncf) {
			/* nothing points into ours any more: edit it rather than read it again */
			a = o;
			o = NULL;
		}
		ok = !m.bad && !apply(&a, path, ours, ours_len, m.ops, m.nops, t);
	}
	if (ok && !m.ncf) {
		result_text(r, a->src, a->len);
	} else if (ok) {
		crm_buf text = CRM_BUF_INIT;
		ok = !write_markers(&text, &m, a, path, ours, ours_len, opts);
		if (ok) {
			r->len = text.len;
			r->text = crm_buf_detach(&text);
			for (size_t i = 0; i < m.ncf; i++)
				result_conflict(r, m.cf[i].path, m.cf[i].o, m.cf[i].t);
		}
		crm_buf_free(&text);
	}
	if (!ok) {
		/* what the fields cannot merge, git's line merge still may */
		crm_error_clear();
		rc = line_merge(r, path, base, base_len, ours, ours_len, theirs, theirs_len, opts);
	}
	for (size_t i = 0; i < m.nops; i++)
		free(m.ops[i].path);
	for (size_t i = 0; i < m.ncf; i++) {
		free(m.cf[i].path);
		free(m.cf[i].fix.path);
	}
	free(m.ops);
	free(m.cf);
	crm_doc_free(a);
	crm_doc_free(b);
	crm_doc_free(o);
	crm_doc_free(t);
	if (rc) {
		crm_merge_result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void crm_merge_result_free(crm_merge_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nconflicts; i++) {
		free(r->conflicts[i].path);
		free(r->conflicts[i].ours);
		free(r->conflicts[i].theirs);
	}
	free(r->conflicts);
	free(r->text);
	free(r);
}
