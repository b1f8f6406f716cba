// SPDX-License-Identifier: Apache-2.0
/*
 * The C form of vigil/syscalls.h: one struct vg_sc_def per row, from which
 * the kernel's config rows, the evt.arg.* argument lists, the fd-table
 * dispatch and the event-type names are read.
 */
#include "kernel/syscall_table.h"

#include <pthread.h>
#include <seccomp.h>
#include <string.h>

/* Effects whose result is a new fd: the probe then forgets the fd was dropped. */
#define RET_FD(fx)                                                                                 \
	((fx) == VG_FDFX_OPEN || (fx) == VG_FDFX_MEMFD || (fx) == VG_FDFX_SOCKET ||                \
	 (fx) == VG_FDFX_ACCEPT || (fx) == VG_FDFX_DUP || (fx) == VG_FDFX_FCNTL)

/* clang-format off */
#define VG_A(n, k, c) {#n, VG_AK_##k, VG_AC_##c}
/* clang-format on */
#define VG_UNPAREN(...) __VA_ARGS__
#define VG_SC_DEF(nm, fal, fam, fx, on, p, p2, d, d2, f, s, sl, fl, al)                            \
	[VG_SC_##nm] = {.name = #nm,                                                               \
			.falco = #fal,                                                             \
			.fdfx = VG_FDFX_##fx,                                                      \
			.arches = VG_ON_##on,                                                      \
			.flags = (fl),                                                             \
			.conf = {.id = VG_SC_##nm,                                                 \
				 .family = VG_FAM_##fam,                                           \
				 .flags = (uint8_t)(((fl)&0xff) |                                  \
						    (RET_FD(VG_FDFX_##fx) ? VG_SCF_RET_FD : 0)),   \
				 .path = p,                                                        \
				 .path2 = p2,                                                      \
				 .dirfd = d,                                                       \
				 .dirfd2 = d2,                                                     \
				 .fd = f,                                                          \
				 .sa = s,                                                          \
				 .salen = sl},                                                     \
			.args = {VG_UNPAREN al}},
static const struct vg_sc_def defs[VG_SC__MAX] = {VG_SYSCALLS(VG_SC_DEF)};
#undef VG_SC_DEF
#undef VG_A

const struct vg_sc_def *vg_syscall_def(enum vg_syscall id)
{
	return id > VG_SC_NONE && id < VG_SC__MAX ? &defs[id] : NULL;
}

const struct vg_sc_arg *vg_syscall_arg(const struct vg_sc_def *d, enum vg_arg_kind kind)
{
	for (size_t i = 0; d && i < VG_SC_NARGS && d->args[i].name; i++)
		if (d->args[i].kind == kind)
			return &d->args[i];
	return NULL;
}

const struct vg_sc_arg *vg_syscall_arg_named(const struct vg_sc_def *d, const char *name)
{
	for (size_t i = 0; d && i < VG_SC_NARGS && d->args[i].name; i++)
		if (strcmp(d->args[i].name, name) == 0)
			return &d->args[i];
	return NULL;
}

bool vg_fdfx_ret_fd(enum vg_sc_fdfx fx)
{
	return RET_FD(fx);
}

unsigned vg_fdfx_state_fed(enum vg_sc_fdfx fx)
{
	switch (fx) {
	/* a missed close or dup2 leaves a stale name where /proc would have told the truth */
	case VG_FDFX_CLOSE:
	case VG_FDFX_DUP:
	case VG_FDFX_FCNTL: return VG_NEED_FDS;
	case VG_FDFX_CHDIR:
	case VG_FDFX_FCHDIR: return VG_NEED_CWD;
	default: return 0;
	}
}

const char *vg_syscall_name(enum vg_syscall id)
{
	return id > VG_SC_NONE && id < VG_SC__MAX ? defs[id].name : "unknown";
}

const char *vg_syscall_tp_name(enum vg_syscall id)
{
	return id == VG_SC_umount2 ? "umount" : vg_syscall_name(id);
}

enum vg_syscall vg_syscall_by_name(const char *name)
{
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		if (strcmp(defs[id].name, name) == 0)
			return id;
	return VG_SC_NONE;
}

int vg_syscall_nr_arch(enum vg_syscall id, uint32_t arch)
{
	int nr;

	if (id <= VG_SC_NONE || id >= VG_SC__MAX)
		return -1;
	nr = seccomp_syscall_resolve_name_arch(arch, defs[id].name);
	/* __NR_SCMP_ERROR, or libseccomp's negative pseudo number of a syscall the arch lacks */
	return nr >= 0 ? nr : -1;
}

/* The build arch's numbers, resolved once: the kernel config and the probes ask per row. */
static int nrs[VG_SC__MAX];
static pthread_once_t nrs_once = PTHREAD_ONCE_INIT;

static void resolve_nrs(void)
{
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		nrs[id] = vg_syscall_nr_arch(id, SCMP_ARCH_NATIVE);
}

int vg_syscall_nr(enum vg_syscall id)
{
	if (id <= VG_SC_NONE || id >= VG_SC__MAX)
		return -1;
	pthread_once(&nrs_once, resolve_nrs);
	return nrs[id];
}

size_t vg_syscall_arch_names(uint32_t arch, char **out, size_t cap)
{
	size_t n = 0;

	for (int nr = 0; nr < VG_SC_NR_SCAN && n < cap; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, nr);

		if (name)
			out[n++] = name;
	}
	return n;
}

struct vg_sc_conf vg_syscall_conf(enum vg_syscall id)
{
	struct vg_sc_conf none = {0};

	return id > VG_SC_NONE && id < VG_SC__MAX ? defs[id].conf : none;
}
