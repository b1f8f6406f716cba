// SPDX-License-Identifier: Apache-2.0
#include "interest.h"

#include <string.h>

#include "kernel/syscall_table.h"
#include "rules/compile.h"
#include "kernel/evttypes.h"

int vg_interest_from_rules(const struct vg_ruleset *rs, bool *wanted)
{
	struct vg_evtset types;
	int n = 0;

	memset(wanted, 0, VG_SC__MAX * sizeof(*wanted));
	vg_ruleset_evttypes(rs, &types);
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const char *name = vg_syscall_def(id)->falco;

		wanted[id] = vg_evtset_has(&types, vg_evttype_code(name, strlen(name)));
	}
	/* what the fd table and cwd need whatever the rules say */
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		wanted[id] = wanted[id] || vg_fdfx_state_needs(vg_syscall_def(id)->fdfx);
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		n += wanted[id];
	return n;
}
