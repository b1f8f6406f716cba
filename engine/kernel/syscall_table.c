// SPDX-License-Identifier: Apache-2.0
/*
 * The C form of vigil/syscalls.h: one struct vg_sc_def per row, from which
 * the kernel's config rows, the evt.arg.* argument lists, the fd-table
 * dispatch and the event-type names are read.
 */
#include "kernel/syscall_table.h"

#include <asm/unistd.h>
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
			.conf = {.id = VG_SC_##nm,                                                 \
				 .family = VG_FAM_##fam,                                           \
				 .flags = (fl) | (RET_FD(VG_FDFX_##fx) ? VG_SCF_RET_FD : 0),       \
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

/*
 * Numbers come from the build's <asm/unistd.h>; a syscall this architecture
 * lacks (open, rename, ... on arm64) keeps 0 and is reported as -1.
 */
static const int nrs[VG_SC__MAX] = {
#ifdef __NR_open
	[VG_SC_open] = __NR_open,
#endif
#ifdef __NR_openat
	[VG_SC_openat] = __NR_openat,
#endif
#ifdef __NR_openat2
	[VG_SC_openat2] = __NR_openat2,
#endif
#ifdef __NR_creat
	[VG_SC_creat] = __NR_creat,
#endif
#ifdef __NR_chmod
	[VG_SC_chmod] = __NR_chmod,
#endif
#ifdef __NR_fchmod
	[VG_SC_fchmod] = __NR_fchmod,
#endif
#ifdef __NR_fchmodat
	[VG_SC_fchmodat] = __NR_fchmodat,
#endif
#ifdef __NR_mkdir
	[VG_SC_mkdir] = __NR_mkdir,
#endif
#ifdef __NR_mkdirat
	[VG_SC_mkdirat] = __NR_mkdirat,
#endif
#ifdef __NR_rmdir
	[VG_SC_rmdir] = __NR_rmdir,
#endif
#ifdef __NR_unlink
	[VG_SC_unlink] = __NR_unlink,
#endif
#ifdef __NR_unlinkat
	[VG_SC_unlinkat] = __NR_unlinkat,
#endif
#ifdef __NR_rename
	[VG_SC_rename] = __NR_rename,
#endif
#ifdef __NR_renameat
	[VG_SC_renameat] = __NR_renameat,
#endif
#ifdef __NR_renameat2
	[VG_SC_renameat2] = __NR_renameat2,
#endif
#ifdef __NR_link
	[VG_SC_link] = __NR_link,
#endif
#ifdef __NR_linkat
	[VG_SC_linkat] = __NR_linkat,
#endif
#ifdef __NR_symlink
	[VG_SC_symlink] = __NR_symlink,
#endif
#ifdef __NR_symlinkat
	[VG_SC_symlinkat] = __NR_symlinkat,
#endif
#ifdef __NR_chdir
	[VG_SC_chdir] = __NR_chdir,
#endif
#ifdef __NR_fchdir
	[VG_SC_fchdir] = __NR_fchdir,
#endif
#ifdef __NR_execve
	[VG_SC_execve] = __NR_execve,
#endif
#ifdef __NR_execveat
	[VG_SC_execveat] = __NR_execveat,
#endif
#ifdef __NR_memfd_create
	[VG_SC_memfd_create] = __NR_memfd_create,
#endif
#ifdef __NR_mount
	[VG_SC_mount] = __NR_mount,
#endif
#ifdef __NR_umount2
	[VG_SC_umount2] = __NR_umount2,
#endif
#ifdef __NR_finit_module
	[VG_SC_finit_module] = __NR_finit_module,
#endif
#ifdef __NR_setns
	[VG_SC_setns] = __NR_setns,
#endif
#ifdef __NR_init_module
	[VG_SC_init_module] = __NR_init_module,
#endif
#ifdef __NR_close
	[VG_SC_close] = __NR_close,
#endif
#ifdef __NR_dup
	[VG_SC_dup] = __NR_dup,
#endif
#ifdef __NR_dup2
	[VG_SC_dup2] = __NR_dup2,
#endif
#ifdef __NR_dup3
	[VG_SC_dup3] = __NR_dup3,
#endif
#ifdef __NR_fcntl
	[VG_SC_fcntl] = __NR_fcntl,
#endif
#ifdef __NR_pipe
	[VG_SC_pipe] = __NR_pipe,
#endif
#ifdef __NR_pipe2
	[VG_SC_pipe2] = __NR_pipe2,
#endif
#ifdef __NR_socket
	[VG_SC_socket] = __NR_socket,
#endif
#ifdef __NR_socketpair
	[VG_SC_socketpair] = __NR_socketpair,
#endif
#ifdef __NR_connect
	[VG_SC_connect] = __NR_connect,
#endif
#ifdef __NR_bind
	[VG_SC_bind] = __NR_bind,
#endif
#ifdef __NR_listen
	[VG_SC_listen] = __NR_listen,
#endif
#ifdef __NR_accept
	[VG_SC_accept] = __NR_accept,
#endif
#ifdef __NR_accept4
	[VG_SC_accept4] = __NR_accept4,
#endif
#ifdef __NR_sendto
	[VG_SC_sendto] = __NR_sendto,
#endif
#ifdef __NR_recvfrom
	[VG_SC_recvfrom] = __NR_recvfrom,
#endif
#ifdef __NR_sendmsg
	[VG_SC_sendmsg] = __NR_sendmsg,
#endif
#ifdef __NR_recvmsg
	[VG_SC_recvmsg] = __NR_recvmsg,
#endif
#ifdef __NR_ptrace
	[VG_SC_ptrace] = __NR_ptrace,
#endif
#ifdef __NR_unshare
	[VG_SC_unshare] = __NR_unshare,
#endif
#ifdef __NR_setuid
	[VG_SC_setuid] = __NR_setuid,
#endif
#ifdef __NR_setgid
	[VG_SC_setgid] = __NR_setgid,
#endif
#ifdef __NR_setreuid
	[VG_SC_setreuid] = __NR_setreuid,
#endif
#ifdef __NR_setregid
	[VG_SC_setregid] = __NR_setregid,
#endif
#ifdef __NR_setresuid
	[VG_SC_setresuid] = __NR_setresuid,
#endif
#ifdef __NR_setresgid
	[VG_SC_setresgid] = __NR_setresgid,
#endif
#ifdef __NR_capset
	[VG_SC_capset] = __NR_capset,
#endif
#ifdef __NR_prctl
	[VG_SC_prctl] = __NR_prctl,
#endif
#ifdef __NR_bpf
	[VG_SC_bpf] = __NR_bpf,
#endif
#ifdef __NR_userfaultfd
	[VG_SC_userfaultfd] = __NR_userfaultfd,
#endif
};

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

bool vg_fdfx_state_needs(enum vg_sc_fdfx fx)
{
	/*
	 * Closes, copies and cwd changes keep the fd table and cwd right for
	 * later events; new fds the rules do not ask for are found in /proc.
	 */
	return fx == VG_FDFX_CLOSE || fx == VG_FDFX_DUP || fx == VG_FDFX_FCNTL ||
	       fx == VG_FDFX_CHDIR || fx == VG_FDFX_FCHDIR;
}

const char *vg_syscall_name(enum vg_syscall id)
{
	return id > VG_SC_NONE && id < VG_SC__MAX ? defs[id].name : "unknown";
}

enum vg_syscall vg_syscall_by_name(const char *name)
{
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		if (strcmp(defs[id].name, name) == 0)
			return id;
	return VG_SC_NONE;
}

int vg_syscall_nr(enum vg_syscall id)
{
	if (id <= VG_SC_NONE || id >= VG_SC__MAX)
		return -1;
	/* read(2) is number 0 on x86-64 and never in the table */
	return nrs[id] ? nrs[id] : -1;
}

struct vg_sc_conf vg_syscall_conf(enum vg_syscall id)
{
	struct vg_sc_conf none = {0};

	return id > VG_SC_NONE && id < VG_SC__MAX ? defs[id].conf : none;
}
