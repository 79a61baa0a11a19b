/* placeholder until the command lands */
#include "cmd.h"

static int run(crm_ctx *ctx, int argc, char **argv)
{
	return cmd_error("'stage' is not available in this build");
}

const crm_cmd cmd_stage = {"stage", "", "(coming)", "", run};
