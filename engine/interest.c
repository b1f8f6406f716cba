// SPDX-License-Identifier: Apache-2.0
#include "interest.h"

#include <string.h>

#include "kernel/syscall_table.h"
#include "rules/compile.h"
#include "rules/evttypes.h"

/* What the fd table and cwd need whatever the rules say. */
static const enum vg_syscall state_needs[] = {
	VG_SC_close, VG_SC_dup, VG_SC_dup2, VG_SC_dup3, VG_SC_fcntl, VG_SC_chdir, VG_SC_fchdir,
};

int vg_interest_from_rules(const struct vg_ruleset *rs, bool *wanted)
{
	struct vg_evtset types;
	int n = 0;

	memset(wanted, 0, VG_SC__MAX * sizeof(*wanted));
	vg_ruleset_evttypes(rs, &types);
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const char *name = vg_syscall_name(id);

		wanted[id] = vg_evtset_has(&types, vg_evttype_code(name, strlen(name)));
	}
	for (size_t i = 0; i < sizeof(state_needs) / sizeof(state_needs[0]); i++)
		wanted[state_needs[i]] = true;
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		n += wanted[id];
	return n;
}
