#include <criterion/criterion.h>
#include <string.h>

#include "crm/buf.h"
#include "crm/utf8.h"

static bool valid(const char *s, size_t len, size_t *off)
{
	return crm_utf8_valid(s, len, off);
}
#define VALID(lit) valid(lit, sizeof(lit) - 1, NULL)

Test(utf8, valid_text)
{
	cr_expect(VALID(""));
	cr_expect(VALID("abc"));
	cr_expect(VALID("科技有限公司"));
	cr_expect(VALID("e\xCC\x81"));              /* e + U+0301 */
	cr_expect(VALID("\xF0\x9F\x98\x80"));       /* U+1F600 */
	cr_expect(VALID("\xF4\x8F\xBF\xBF"));       /* U+10FFFF, the last */
	cr_expect(VALID("\xEF\xBF\xBD"));           /* U+FFFD itself */
	cr_expect(VALID("\xED\x9F\xBF"));           /* U+D7FF, just below the surrogates */
	cr_expect(VALID("\xEE\x80\x80"));           /* U+E000, just above */
	cr_expect(VALID("a\0b"));                   /* NUL is a character */
}

Test(utf8, invalid_text_and_offsets)
{
	size_t off = 99;
	cr_expect(!valid("ab\xC0\xAF", 4, &off)); /* overlong '/' */
	cr_expect_eq(off, 2);
	cr_expect(!valid("\xE0\x80\xAF", 3, &off)); /* overlong, 3 bytes */
	cr_expect_eq(off, 0);
	cr_expect(!valid("x\xF0\x80\x80\xAF", 5, &off)); /* overlong, 4 bytes */
	cr_expect_eq(off, 1);
	cr_expect(!valid("\xC1\xBF", 2, &off));
	cr_expect(!valid("\xED\xA0\x80", 3, &off)); /* U+D800 */
	cr_expect(!valid("\xED\xBF\xBF", 3, &off)); /* U+DFFF */
	cr_expect(!valid("\xF4\x90\x80\x80", 4, &off)); /* U+110000 */
	cr_expect(!valid("\xF5\x80\x80\x80", 4, &off));
	cr_expect(!valid("\xFF", 1, &off));
	cr_expect(!valid("\x80", 1, &off)); /* lone continuation */
	cr_expect(!valid("科技\xE5\x85", 8, &off)); /* truncated at the end */
	cr_expect_eq(off, 6);
	cr_expect(!valid("\xE5\x85x", 3, &off)); /* truncated in the middle */
	cr_expect_eq(off, 0);
	/* len is honoured: the valid prefix is valid. */
	cr_expect(valid("科技\xE5\x85", 6, NULL));
	cr_expect(!valid("\xC3", 1, NULL));
}

Test(utf8, decode_and_put_round_trip)
{
	static const uint32_t cps[] = { 0, 0x41, 0x7F, 0x80, 0x7FF, 0x800, 0x79D1, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF };
	for (size_t i = 0; i < sizeof cps / sizeof *cps; i++) {
		crm_buf b = CRM_BUF_INIT;
		crm_utf8_put(&b, cps[i]);
		uint32_t cp = 1;
		size_t n = crm_utf8_decode(b.ptr, b.len, &cp);
		cr_expect_eq(n, b.len);
		cr_expect_eq(cp, cps[i], "U+%04X", cps[i]);
		crm_buf_free(&b);
	}
	crm_buf b = CRM_BUF_INIT;
	crm_utf8_put(&b, 0xD800);
	crm_utf8_put(&b, 0x110000);
	cr_expect_str_eq(crm_buf_cstr(&b), "\xEF\xBF\xBD\xEF\xBF\xBD");
	crm_buf_free(&b);

	uint32_t cp = 0;
	cr_expect_eq(crm_utf8_decode("\xC3", 1, &cp), 0);
	cr_expect_eq(cp, CRM_UTF8_REPLACEMENT);
	cr_expect_eq(crm_utf8_decode("abc", 0, &cp), 0);
}

Test(utf8, width)
{
	cr_expect_eq(crm_utf8_width("科技有限公司"), 12);
	cr_expect_eq(crm_utf8_width("abc"), 3);
	cr_expect_eq(crm_utf8_width("e\xCC\x81"), 1); /* e + combining acute */
	cr_expect_eq(crm_utf8_width("\xC3\xA9"), 1);  /* precomposed é */
	cr_expect_eq(crm_utf8_width(""), 0);
	cr_expect_eq(crm_utf8_width(NULL), 0);
	cr_expect_eq(crm_utf8_width("销售代表*明"), 11);
	cr_expect_eq(crm_utf8_width("ABC有限公司"), 11);
	cr_expect_eq(crm_utf8_width("한국어"), 6);                 /* Hangul */
	cr_expect_eq(crm_utf8_width("カタカナ"), 8);               /* katakana */
	cr_expect_eq(crm_utf8_width("ｶﾀｶﾅ"), 4);                  /* halfwidth katakana */
	cr_expect_eq(crm_utf8_width("ＡＢＣ"), 6);                 /* fullwidth forms */
	cr_expect_eq(crm_utf8_width("，。、"), 6);                 /* CJK punctuation */
	cr_expect_eq(crm_utf8_width("\xE3\x80\x80"), 2);          /* ideographic space */
	cr_expect_eq(crm_utf8_width("\xF0\x9F\x98\x80"), 2);      /* 😀 */
	cr_expect_eq(crm_utf8_width("\xF0\x9F\x91\x8D"), 2);      /* 👍 */
	cr_expect_eq(crm_utf8_width("\xF0\xA0\x80\x80"), 2);      /* U+20000, CJK ext B */
	cr_expect_eq(crm_utf8_width("\xE2\x80\x8B"), 0);          /* zero width space */
	cr_expect_eq(crm_utf8_width("\xEF\xBB\xBF"), 0);          /* BOM / ZWNBSP */
	cr_expect_eq(crm_utf8_width("\xE2\x80\x8D"), 0);          /* ZWJ */
	cr_expect_eq(crm_utf8_width("\xEF\xB8\x8F"), 0);          /* variation selector 16 */
	cr_expect_eq(crm_utf8_width("\xE3\x81\x8B\xE3\x82\x99"), 2); /* か + voicing mark */
	cr_expect_eq(crm_utf8_width("\xE1\x84\x80\xE1\x85\xA1"), 2); /* conjoining jamo 가 */
	cr_expect_eq(crm_utf8_width("a\tb\x1b[31m\x7f"), 6);      /* controls are 0 */
	cr_expect_eq(crm_utf8_width("\xC2\x85"), 0);              /* C1 control */
	cr_expect_eq(crm_utf8_width("\xE2\x80\xA6"), 1);          /* … */
	cr_expect_eq(crm_utf8_width("\xC2\xAD"), 1);              /* soft hyphen shows */
	cr_expect_eq(crm_utf8_width("\xD0\x96\xCE\xA9"), 2);      /* Cyrillic, Greek */
	/* Invalid bytes count one column each, and never read past the end. */
	cr_expect_eq(crm_utf8_width("a\xFF\xC3"), 3);
	cr_expect_eq(crm_utf8_width("\xE5\x85"), 2);
}

Test(utf8, cp_width_edges)
{
	cr_expect_eq(crm_utf8_cp_width(0x10FF), 1);
	cr_expect_eq(crm_utf8_cp_width(0x1100), 2);
	cr_expect_eq(crm_utf8_cp_width(0x115F), 2);
	cr_expect_eq(crm_utf8_cp_width(0x1160), 0);
	cr_expect_eq(crm_utf8_cp_width(0x4E00), 2);
	cr_expect_eq(crm_utf8_cp_width(0x9FFF), 2);
	cr_expect_eq(crm_utf8_cp_width(0xAC00), 2);
	cr_expect_eq(crm_utf8_cp_width(0xD7A3), 2);
	cr_expect_eq(crm_utf8_cp_width(0xD7A4), 1);
	cr_expect_eq(crm_utf8_cp_width(0xFF01), 2);
	cr_expect_eq(crm_utf8_cp_width(0xFF61), 1);
	cr_expect_eq(crm_utf8_cp_width(0x0300), 0);
	cr_expect_eq(crm_utf8_cp_width(0x20E3), 0); /* enclosing keycap */
	cr_expect_eq(crm_utf8_cp_width(0xE0001), 0); /* language tag */
	cr_expect_eq(crm_utf8_cp_width(0x3FFFD), 2);
	cr_expect_eq(crm_utf8_cp_width(0x10FFFF), 1);
	cr_expect_eq(crm_utf8_cp_width(0), 0);
	cr_expect_eq(crm_utf8_cp_width(' '), 1);
	cr_expect_eq(crm_utf8_cp_width('~'), 1);
}

Test(utf8, len)
{
	cr_expect_eq(crm_utf8_len("科技有限公司"), 6);
	cr_expect_eq(crm_utf8_len("abc"), 3);
	cr_expect_eq(crm_utf8_len("e\xCC\x81"), 2);
	cr_expect_eq(crm_utf8_len("\xF0\x9F\x98\x80"), 1);
	cr_expect_eq(crm_utf8_len(""), 0);
	cr_expect_eq(crm_utf8_len(NULL), 0);
	cr_expect_eq(crm_utf8_len("a\xFF\xE5\x85"), 4);
}

static char *pad(const char *s, size_t w)
{
	crm_buf b = CRM_BUF_INIT;
	crm_utf8_pad(&b, s, w);
	return crm_buf_detach(&b);
}

static char *cut(const char *s, size_t w)
{
	crm_buf b = CRM_BUF_INIT;
	crm_utf8_truncate(&b, s, w);
	return crm_buf_detach(&b);
}

#define EXPECT_OWNED(expr, want)                                                                   \
	do {                                                                                       \
		char *got_ = (expr);                                                               \
		cr_expect_str_eq(got_, want);                                                      \
		free(got_);                                                                        \
	} while (0)

Test(utf8, pad)
{
	EXPECT_OWNED(pad("科技有限公司", 14), "科技有限公司  ");
	EXPECT_OWNED(pad("abc", 5), "abc  ");
	EXPECT_OWNED(pad("e\xCC\x81", 3), "e\xCC\x81  ");
	EXPECT_OWNED(pad("科技有限公司", 12), "科技有限公司");
	EXPECT_OWNED(pad("科技有限公司", 4), "科技有限公司"); /* never cut */
	EXPECT_OWNED(pad("", 2), "  ");
	EXPECT_OWNED(pad(NULL, 1), " ");
}

Test(utf8, truncate)
{
	EXPECT_OWNED(cut("abcdef", 6), "abcdef");
	EXPECT_OWNED(cut("abcdef", 10), "abcdef");
	EXPECT_OWNED(cut("abcdef", 4), "abc…");
	EXPECT_OWNED(cut("abcdef", 1), "…");
	EXPECT_OWNED(cut("abcdef", 0), "");
	EXPECT_OWNED(cut("科技有限公司", 12), "科技有限公司");
	EXPECT_OWNED(cut("科技有限公司", 11), "科技有限公…");
	/* A wide character that does not fit is dropped, not split: 3 + … = 4 < 5. */
	EXPECT_OWNED(cut("科技有限公司", 6), "科技…");
	EXPECT_OWNED(cut("科技有限公司", 2), "…");
	EXPECT_OWNED(cut("a科技", 4), "a科…");
	/* A combining mark stays with its base. */
	EXPECT_OWNED(cut("e\xCC\x81" "e\xCC\x81" "e\xCC\x81", 2), "e\xCC\x81…");
	EXPECT_OWNED(cut("e\xCC\x81" "e\xCC\x81", 2), "e\xCC\x81" "e\xCC\x81");
	EXPECT_OWNED(cut(NULL, 3), "");
	/* Each result fits the width. */
	for (size_t w = 0; w < 14; w++) {
		char *s = cut("ABC有限公司 Ltd.", w);
		cr_expect_leq(crm_utf8_width(s), w, "width %zu: '%s'", w, s);
		cr_expect(crm_utf8_valid(s, strlen(s), NULL));
		free(s);
	}
}

Test(utf8, edit_distance)
{
	cr_expect_eq(crm_edit_distance("", ""), 0);
	cr_expect_eq(crm_edit_distance("abc", ""), 3);
	cr_expect_eq(crm_edit_distance("", "abc"), 3);
	cr_expect_eq(crm_edit_distance("kitten", "sitting"), 3);
	cr_expect_eq(crm_edit_distance("flaw", "lawn"), 2);
	cr_expect_eq(crm_edit_distance("negotiation", "negotiation"), 0);
	cr_expect_eq(crm_edit_distance("negociation", "negotiation"), 1);
	cr_expect_eq(crm_edit_distance("propsal", "proposal"), 1);
	/* Counted in code points, not bytes. */
	cr_expect_eq(crm_edit_distance("谈判中", "谈判"), 1);
	cr_expect_eq(crm_edit_distance("方案沟通", "方案交流"), 2);
	cr_expect_eq(crm_edit_distance("é", "e"), 1);
	cr_expect_eq(crm_edit_distance(NULL, "ab"), 2);
	/* Invalid bytes are characters too, distinct from U+FFFD. */
	cr_expect_eq(crm_edit_distance("\xFF", "\xEF\xBF\xBD"), 1);
	cr_expect_eq(crm_edit_distance("\xFF", "\xFE"), 1);
}

Test(utf8, suggest)
{
	static const char *const stages[] = { "initial", "needs", "proposal", "negotiation", "won", "lost" };
	size_t n = sizeof stages / sizeof *stages;
	cr_expect_str_eq(crm_suggest("negociation", stages, n), "negotiation");
	cr_expect_str_eq(crm_suggest("propsal", stages, n), "proposal");
	cr_expect_str_eq(crm_suggest("wom", stages, n), "won");
	cr_expect_str_eq(crm_suggest("Needs", stages, n), "needs");
	cr_expect_null(crm_suggest("banana", stages, n));
	cr_expect_null(crm_suggest("xyz", stages, n));
	cr_expect_null(crm_suggest("", stages, n));
	cr_expect_null(crm_suggest(NULL, stages, n));
	cr_expect_null(crm_suggest("won", stages, 0));
	/* Long words allow more typos: 11 / 3 = 3. */
	cr_expect_str_eq(crm_suggest("negotiatxxx", stages, n), "negotiation");
	cr_expect_null(crm_suggest("negotiaxxxx", stages, n));

	static const char *const vias[] = { "phone", "visit", "onsite", NULL, "email" };
	cr_expect_str_eq(crm_suggest("emial", vias, 5), "email");
	cr_expect_str_eq(crm_suggest("phnoe", vias, 5), "phone");

	static const char *const zh[] = { "预算敏感", "决策链复杂", "高意向" };
	cr_expect_str_eq(crm_suggest("高意愿", zh, 3), "高意向");
	/* Ties go to the earlier choice. */
	static const char *const tie[] = { "ab", "ac" };
	cr_expect_str_eq(crm_suggest("aa", tie, 2), "ab");
}

Test(utf8, edit_distance_transpositions)
{
	cr_expect_eq(crm_edit_distance("emial", "email"), 1);
	cr_expect_eq(crm_edit_distance("ab", "ba"), 1);
	cr_expect_eq(crm_edit_distance("abc", "ca"), 3); /* OSA, not full Damerau */
	cr_expect_eq(crm_edit_distance("决策链", "策决链"), 1);
}

/* the fast path for CJK ideographs gives what the width table gives */
Test(utf8, cjk_ideographs_are_two_columns_wide)
{
	cr_expect_eq(crm_utf8_cp_width(0x4E00), 2);
	cr_expect_eq(crm_utf8_cp_width(0x9FFF), 2);
	cr_expect_eq(crm_utf8_cp_width(0x9A6C), 2); /* 马 */
	cr_expect_eq(crm_utf8_cp_width(0x4DFF), 1); /* a hexagram, just below: narrow */
	cr_expect_eq(crm_utf8_cp_width(0xA000), 2); /* Yi, in the table's range beyond */
	cr_expect_eq(crm_utf8_width("陈静 Li"), 7);
}
