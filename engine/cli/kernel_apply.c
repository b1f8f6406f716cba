// SPDX-License-Identifier: Apache-2.0
#include "cli/kernel_apply.h"

#include <stdio.h>
#include <string.h>

#include "interest.h"
#include "kernel/prefilter_load.h"
#include "kernel/probes.h"

int vg_apply_ruleset_to_kernel(struct vg_probes *p, const struct vg_ruleset *also,
			       const struct vg_ruleset *next)
{
	bool wanted[VG_SC__MAX], more[VG_SC__MAX];
	int n = 0, err;

	vg_interest_from_rules(next, wanted);
	if (also) {
		vg_interest_from_rules(also, more);
		for (int i = 0; i < VG_SC__MAX; i++)
			wanted[i] = wanted[i] || more[i];
	}
	err = vg_probes_set_syscalls(p, wanted);
	if (err) {
		fprintf(stderr, "vigil: updating the kernel's syscall set failed: %s\n",
			strerror(-err));
		return err;
	}
	/* the path prefilter drops events: it follows the union; failing, it stays off */
	vg_prefilter_fill(p, also, next);
	/*
	 * The enforcement maps (issue 7) are filled here from the same
	 * rulesets, e.g.
	 *   err = vg_enforce_apply(p, next);
	 */
	for (int i = 0; i < VG_SC__MAX; i++)
		n += wanted[i];
	return n;
}
