// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>

#include "cli/cli.h"
#include "rules/loader.h"

struct vg_ruleset *vg_cli_load_rules(const char *const *paths, int n)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);
	const struct vg_diag *d;
	size_t nd;

	if (!rs) {
		fprintf(stderr, "vigil: out of memory for the rules\n");
		return NULL;
	}
	for (int i = 0; i < n; i++)
		vg_ruleset_load_path(rs, paths[i]);
	if (vg_ruleset_error_count(rs) == 0)
		vg_ruleset_compile(rs);
	d = vg_ruleset_diags(rs, &nd);
	for (size_t i = 0; i < nd; i++)
		vg_diag_print(stderr, &d[i]);
	if (vg_ruleset_error_count(rs)) {
		fprintf(stderr, "vigil: %zu error(s) in the rules\n", vg_ruleset_error_count(rs));
		vg_ruleset_free(rs);
		return NULL;
	}
	return rs;
}
