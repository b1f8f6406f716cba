// SPDX-License-Identifier: Apache-2.0
#include "interest.h"

#include <string.h>

#include "fields/registry.h"
#include "kernel/evttypes.h"
#include "kernel/syscall_table.h"
#include "rules/compile.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* evt.arg.<name>: state only where some row's argument of that name is a path or a socket. */
static unsigned arg_needs(const char *key)
{
	/* evt.arg[N]: any argument of any row */
	if (!key || strspn(key, "0123456789") == strlen(key))
		return VG_NEED_ALL;
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const struct vg_sc_arg *a = vg_syscall_arg_named(vg_syscall_def(id), key);

		if (a &&
		    (a->kind == VG_AK_PATH || a->kind == VG_AK_PATH2 || a->kind == VG_AK_TUPLE))
			return VG_NEED_ALL;
	}
	return 0;
}

unsigned vg_interest_field_needs(const char *name, const char *arg)
{
	/*
	 * fd.* reads the fd table; fd.name of an open the kernel could not
	 * name, and the fs.path.* / evt.abspath paths, are made absolute from
	 * the cwd or the table's entry of a dirfd.
	 */
	if (starts(name, "fd.") || starts(name, "fs.path.") || starts(name, "evt.abspath") ||
	    !strcmp(name, "evt.args"))
		return VG_NEED_ALL;
	if (!strcmp(name, "evt.arg"))
		return arg_needs(arg);
	if (!strcmp(name, "proc.cwd"))
		return VG_NEED_CWD; /* the exec event carries it; a chdir after changes it */
	if (!strcmp(name, "proc.aenv"))
		return VG_NEED_EXITED_ENV;
	return 0;
}

static void add_field(const struct vg_field_ref *ref, void *arg)
{
	unsigned *needs = arg;

	*needs |= vg_interest_field_needs(ref->def->name, ref->arg);
}

unsigned vg_interest_state_needs(const struct vg_ruleset *rs)
{
	unsigned needs = 0;

	vg_ruleset_fields_read(rs, add_field, &needs);
	return needs;
}

int vg_interest_from_rules(const struct vg_ruleset *rs, bool *wanted)
{
	unsigned needs = vg_interest_state_needs(rs);
	struct vg_evtset types;
	int n = 0;

	memset(wanted, 0, VG_SC__MAX * sizeof(*wanted));
	vg_ruleset_evttypes(rs, &types);
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const struct vg_sc_def *d = vg_syscall_def(id);

		wanted[id] = vg_evtset_has(&types, vg_evttype_code(d->falco, strlen(d->falco))) ||
			     (vg_fdfx_state_fed(d->fdfx) & needs);
		n += wanted[id];
	}
	return n;
}
