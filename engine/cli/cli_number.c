// SPDX-License-Identifier: Apache-2.0
/* Numeric command-line options, through the configuration's bounded parser. */
#include <stdio.h>

#include "cli/cli.h"
#include "config/number.h"

int vg_cli_number(const char *opt, const char *arg, uint64_t min, uint64_t max, bool size,
		  uint64_t *out)
{
	const struct vg_num_range r = {min, max, size};
	char err[160];

	if (vg_num_parse(arg, &r, out, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "vigil: %s: %s\n", opt, err);
	return 2;
}
