/*
 * libFuzzer target: three versions of a record, as any hand edit may leave
 * them (the input split at NUL bytes into base, ours and theirs): merging
 * them must never crash, leak or read out of bounds; a clean field merge of
 * two readable sides must read back as YAML, and a conflict must leave
 * markers.
 *
 *	make fuzz            # also builds build/fuzz/fuzz_recmerge and runs it
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/doc.h"
#include "crm/recmerge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *part[3] = {s, "", ""};
	size_t len[3] = {size, 0, 0};
	const char *z1 = memchr(s, 0, size);
	if (z1) {
		len[0] = (size_t)(z1 - s);
		part[1] = z1 + 1;
		len[1] = size - len[0] - 1;
		const char *z2 = memchr(part[1], 0, len[1]);
		if (z2) {
			len[1] = (size_t)(z2 - part[1]);
			part[2] = z2 + 1;
			len[2] = size - len[0] - len[1] - 2;
		}
	}
	crm_merge_result *r = NULL;
	if (crm_record_merge(&r, part[0], len[0], part[1], len[1], part[2], len[2], NULL) != 0)
		return 0;
	crm_doc *o = NULL, *t = NULL;
	bool readable = !crm_doc_parse(&o, "o", part[1], len[1], NULL) &&
			!crm_doc_parse(&t, "t", part[2], len[2], NULL);
	crm_doc_free(o);
	crm_doc_free(t);
	if (readable && !r->line_merge && !r->nconflicts && r->text) {
		crm_doc *d = NULL;
		if (crm_doc_parse(&d, "merged.yaml", r->text, r->len, NULL) != 0) {
			fprintf(stderr, "a clean merge does not read back:\n%s\n", r->text);
			abort();
		}
		crm_doc_free(d);
	}
	if (!r->line_merge && r->nconflicts && r->text && !strstr(r->text, "<<<<<<<")) {
		fprintf(stderr, "a conflict without markers:\n%s\n", r->text);
		abort();
	}
	crm_merge_result_free(r);
	return 0;
}
