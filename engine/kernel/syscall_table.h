/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rows of vigil/syscalls.h as C data, and vigil's syscall ids <-> names
 * <-> this architecture's syscall numbers. Every per-syscall table in user
 * space reads these rows rather than keeping its own.
 */
#ifndef VIGIL_SYSCALL_TABLE_H
#define VIGIL_SYSCALL_TABLE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/syscalls.h"

#define VG_SC_NARGS 8

/* One evt.arg.* argument: Falco's name, how it renders, where its value sits. */
struct vg_sc_arg {
	const char *name; /* NULL past the row's last argument */
	uint8_t kind;	  /* enum vg_arg_kind */
	uint8_t col;	  /* 0..5, or VG_ARG_RET */
};

/* One row of the table. */
struct vg_sc_def {
	const char *name;  /* the syscall's name (libseccomp's) */
	const char *falco; /* its Falco event name */
	uint8_t fdfx;	   /* enum vg_sc_fdfx */
	uint8_t arches;	   /* VG_ON_* */
	uint16_t flags;	   /* the row's VG_SCF_* column; conf.flags has the kernel's 8 bits */
	struct vg_sc_conf conf;
	struct vg_sc_arg args[VG_SC_NARGS];
};

/* The row of id, NULL for VG_SC_NONE and out-of-range ids. */
const struct vg_sc_def *vg_syscall_def(enum vg_syscall id);
/* The row's first argument of that kind, NULL when it has none. */
const struct vg_sc_arg *vg_syscall_arg(const struct vg_sc_def *d, enum vg_arg_kind kind);
/* The row's argument called name, NULL when it has none. */
const struct vg_sc_arg *vg_syscall_arg_named(const struct vg_sc_def *d, const char *name);
/* True when the effect leaves a new fd in the result (open, socket, dup, ...). */
bool vg_fdfx_ret_fd(enum vg_sc_fdfx fx);
/*
 * The state the engine keeps beyond one event, which rules read through
 * fields (engine/interest.c says which): the processes' fd tables and
 * their cwds, fed by syscalls (VG_NEED_ALL), and the environment of
 * exited processes, which only proc.aenv reads (an ancestor's).
 */
enum vg_state_need {
	VG_NEED_FDS = 1 << 0, /* fd.*, fs.path.*, evt.arg of an fd or path, ... */
	VG_NEED_CWD = 1 << 1, /* proc.cwd, and relative paths made absolute */
	VG_NEED_ALL = VG_NEED_FDS | VG_NEED_CWD,
	VG_NEED_EXITED_ENV = 1 << 2, /* proc.aenv */
};
/*
 * The state (VG_NEED_*) a syscall of this effect keeps right although no
 * rule matches its event: closes, copies and cwd changes. New fds the
 * rules do not ask for are found in /proc, so opens feed nothing here.
 */
unsigned vg_fdfx_state_fed(enum vg_sc_fdfx fx);

const char *vg_syscall_name(enum vg_syscall id);
/*
 * The name in the kernel's syscalls/sys_exit_<name> tracepoint: libseccomp's
 * but for umount2 (SYSCALL_DEFINE2(umount)); x86's "new" ones (stat ->
 * sys_exit_newstat) are tried with the prefix after the plain name.
 */
const char *vg_syscall_tp_name(enum vg_syscall id);
/* VG_SC_NONE when name is not one vigil captures. */
enum vg_syscall vg_syscall_by_name(const char *name);
/* The build arch's syscall number (libseccomp's), or -1 where the arch lacks the syscall. */
int vg_syscall_nr(enum vg_syscall id);
/* The same for a libseccomp arch token (SCMP_ARCH_*). */
int vg_syscall_nr_arch(enum vg_syscall id, uint32_t arch);

/* Syscall numbers below this are asked of libseccomp when listing an arch's names. */
#define VG_SC_NR_SCAN 1024
/*
 * Every syscall name libseccomp knows a number of on arch (SCMP_ARCH_*),
 * at most cap of them, in number order; the caller owns the strings (free()).
 */
size_t vg_syscall_arch_names(uint32_t arch, char **out, size_t cap);
/* The kernel's row for id. */
struct vg_sc_conf vg_syscall_conf(enum vg_syscall id);

#endif
