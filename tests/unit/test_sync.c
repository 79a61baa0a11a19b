/* Unit tests of sync's settling of conflict blocks (the merge itself is tested end to end). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "crm/sync.h"

static void check(const char *in, char side, const char *want)
{
	size_t n;
	char *got = crm_sync_take_side(in, strlen(in), side, &n);
	cr_assert_str_eq(got, want, "side %c of:\n%s", side, in);
	cr_assert_eq(n, strlen(want));
	free(got);
}

static const char *BLOCK = "id: '1'\n"
			   "<<<<<<< ours\nstage: won\n=======\nstage: lost\n>>>>>>> theirs\n"
			   "name: x\n";

Test(sync, takes_ours_of_a_block)
{
	check(BLOCK, 'o', "id: '1'\nstage: won\nname: x\n");
}

Test(sync, takes_theirs_of_a_block)
{
	check(BLOCK, 't', "id: '1'\nstage: lost\nname: x\n");
}

Test(sync, skips_the_base_section_of_diff3_blocks)
{
	const char *in = "<<<<<<< ours\na: 1\n||||||| base\na: 0\n=======\na: 2\n>>>>>>> theirs\n";
	check(in, 'o', "a: 1\n");
	check(in, 't', "a: 2\n");
}

Test(sync, settles_every_block_and_keeps_text_without_markers)
{
	const char *in = "<<<<<<<\na\n=======\nb\n>>>>>>>\nmid\n<<<<<<< ours\nc\n=======\n>>>>>>> theirs";
	check(in, 'o', "a\nmid\nc\n");
	check(in, 't', "b\nmid\n");
	check("no markers\n", 'o', "no markers\n");
	/* a line that only starts like a marker is text */
	check("<<<<<<<<x\n=======x\n", 't', "<<<<<<<<x\n=======x\n");
}
