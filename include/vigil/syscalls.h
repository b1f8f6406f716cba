/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscalls vigil can capture, one row each: vigil's own id (arch
 * independent), the handler family, and which arguments hold what. The
 * kernel learns the rows from user space (struct vg_sc_conf in a map keyed
 * by the arch's syscall number), so adding a syscall is adding a row here.
 *
 * Argument columns are indices 0..5, VG_ARG_RET for the return value, or
 * VG_ARG_NONE:
 *   path, path2  user-memory path strings
 *   dirfd, dirfd2  the directory fd each path is relative to (AT_FDCWD when NONE)
 *   fd           the fd whose open file (or socket) the kernel describes
 *   sa, salen    a user-memory sockaddr (or other small struct) and its length arg
 */
#ifndef VIGIL_SYSCALLS_H
#define VIGIL_SYSCALLS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VG_ARG_NONE 7
#define VG_ARG_RET  6

enum vg_sc_family {
	VG_FAM_PLAIN = 0, /* arguments and result only */
	VG_FAM_FILE = 1,  /* paths and/or an fd's file */
	VG_FAM_SOCK = 2,  /* an fd's socket, and a user sockaddr */
	VG_FAM__MAX,
};

/* Row flags. */
#define VG_SCF_FAILED_ONLY   (1 << 0) /* success is reported elsewhere (execve) */
#define VG_SCF_OPEN_HOW	     (1 << 1) /* openat2: flags are in a struct open_how */
#define VG_SCF_SA_IS_LEN_PTR (1 << 2) /* salen is a pointer to the length */
#define VG_SCF_DATA	     (1 << 3) /* arg 1 is the I/O buffer, the result its length */
#define VG_SCF_DATA_MSG	     (1 << 4) /* arg 1 is a struct msghdr: its first iovec */
#define VG_SCF_CREDS	     (1 << 5) /* carry the task's capabilities after the call */

/*         name          family      path  path2 dirfd dirfd2 fd   sa   salen flags */
#define VG_SYSCALLS(X)                                                                             \
	X(open, VG_FAM_FILE, 0, 7, 7, 7, 6, 7, 7, 0)                                               \
	X(openat, VG_FAM_FILE, 1, 7, 0, 7, 6, 7, 7, 0)                                             \
	X(openat2, VG_FAM_FILE, 1, 7, 0, 7, 6, 7, 7, VG_SCF_OPEN_HOW)                              \
	X(creat, VG_FAM_FILE, 0, 7, 7, 7, 6, 7, 7, 0)                                              \
	X(chmod, VG_FAM_FILE, 0, 7, 7, 7, 7, 7, 7, 0)                                              \
	X(fchmod, VG_FAM_FILE, 7, 7, 7, 7, 0, 7, 7, 0)                                             \
	X(fchmodat, VG_FAM_FILE, 1, 7, 0, 7, 7, 7, 7, 0)                                           \
	X(mkdir, VG_FAM_FILE, 0, 7, 7, 7, 7, 7, 7, 0)                                              \
	X(mkdirat, VG_FAM_FILE, 1, 7, 0, 7, 7, 7, 7, 0)                                            \
	X(rmdir, VG_FAM_FILE, 0, 7, 7, 7, 7, 7, 7, 0)                                              \
	X(unlink, VG_FAM_FILE, 0, 7, 7, 7, 7, 7, 7, 0)                                             \
	X(unlinkat, VG_FAM_FILE, 1, 7, 0, 7, 7, 7, 7, 0)                                           \
	X(rename, VG_FAM_FILE, 0, 1, 7, 7, 7, 7, 7, 0)                                             \
	X(renameat, VG_FAM_FILE, 1, 3, 0, 2, 7, 7, 7, 0)                                           \
	X(renameat2, VG_FAM_FILE, 1, 3, 0, 2, 7, 7, 7, 0)                                          \
	X(link, VG_FAM_FILE, 0, 1, 7, 7, 7, 7, 7, 0)                                               \
	X(linkat, VG_FAM_FILE, 1, 3, 0, 2, 7, 7, 7, 0)                                             \
	X(symlink, VG_FAM_FILE, 0, 1, 7, 7, 7, 7, 7, 0)                                            \
	X(symlinkat, VG_FAM_FILE, 0, 2, 7, 1, 7, 7, 7, 0)                                          \
	X(chdir, VG_FAM_FILE, 0, 7, 7, 7, 7, 7, 7, 0)                                              \
	X(fchdir, VG_FAM_FILE, 7, 7, 7, 7, 0, 7, 7, 0)                                             \
	X(execve, VG_FAM_FILE, 0, 7, 7, 7, 7, 7, 7, VG_SCF_FAILED_ONLY)                            \
	X(execveat, VG_FAM_FILE, 1, 7, 0, 7, 7, 7, 7, VG_SCF_FAILED_ONLY)                          \
	X(memfd_create, VG_FAM_FILE, 0, 7, 7, 7, 6, 7, 7, 0)                                       \
	X(mount, VG_FAM_FILE, 0, 1, 7, 7, 7, 7, 7, 0)                                              \
	X(umount2, VG_FAM_FILE, 0, 7, 7, 7, 7, 7, 7, 0)                                            \
	X(finit_module, VG_FAM_FILE, 7, 7, 7, 7, 0, 7, 7, 0)                                       \
	X(setns, VG_FAM_FILE, 7, 7, 7, 7, 0, 7, 7, 0)                                              \
	X(init_module, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                       \
	X(close, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                             \
	X(dup, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                               \
	X(dup2, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                              \
	X(dup3, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                              \
	X(fcntl, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                             \
	X(pipe, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 0, 7, 0)                                              \
	X(pipe2, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 0, 7, 0)                                             \
	X(socket, VG_FAM_SOCK, 7, 7, 7, 7, 6, 7, 7, 0)                                             \
	X(socketpair, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 3, 7, 0)                                        \
	X(connect, VG_FAM_SOCK, 7, 7, 7, 7, 0, 1, 2, 0)                                            \
	X(bind, VG_FAM_SOCK, 7, 7, 7, 7, 0, 1, 2, 0)                                               \
	X(listen, VG_FAM_SOCK, 7, 7, 7, 7, 0, 7, 7, 0)                                             \
	X(accept, VG_FAM_SOCK, 7, 7, 7, 7, 6, 7, 7, 0)                                             \
	X(accept4, VG_FAM_SOCK, 7, 7, 7, 7, 6, 7, 7, 0)                                            \
	X(sendto, VG_FAM_SOCK, 7, 7, 7, 7, 0, 4, 5, VG_SCF_DATA)                                   \
	X(recvfrom, VG_FAM_SOCK, 7, 7, 7, 7, 0, 4, 5, VG_SCF_SA_IS_LEN_PTR | VG_SCF_DATA)          \
	X(sendmsg, VG_FAM_SOCK, 7, 7, 7, 7, 0, 7, 7, VG_SCF_DATA_MSG)                              \
	X(recvmsg, VG_FAM_SOCK, 7, 7, 7, 7, 0, 7, 7, VG_SCF_DATA_MSG)                              \
	X(ptrace, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                            \
	X(unshare, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                           \
	X(setuid, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS)                                 \
	X(setgid, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS)                                 \
	X(setreuid, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS)                               \
	X(setregid, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS)                               \
	X(setresuid, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS)                              \
	X(setresgid, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS)                              \
	X(capset, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS)                                 \
	X(prctl, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                             \
	X(bpf, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)                                               \
	X(userfaultfd, VG_FAM_PLAIN, 7, 7, 7, 7, 7, 7, 7, 0)

enum vg_syscall {
	VG_SC_NONE = 0,
#define VG_SC_ENUM(name, ...) VG_SC_##name,
	VG_SYSCALLS(VG_SC_ENUM)
#undef VG_SC_ENUM
		VG_SC__MAX,
};

/* One row as the kernel sees it, keyed by the arch syscall number. */
struct vg_sc_conf {
	__u16 id; /* enum vg_syscall; 0: not captured */
	__u8 family;
	__u8 flags;
	__u8 path, path2, dirfd, dirfd2;
	__u8 fd, sa, salen;
	__u8 prefilter; /* 0: none; else 1 + this syscall's bit in the path filter
			   (vigil/prefilter.h) */
	__u8 pf_dotdot; /* with prefilter: also send raw paths containing ".." */
	__u8 pf_closes; /* close: drop that of an fd whose open the prefilter dropped */
};

#endif
