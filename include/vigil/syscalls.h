/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscalls vigil can capture, one row each (VG_SYSCALLS below): vigil's
 * own id (arch independent, the row's position), the handler family, which
 * arguments hold what, the call's effect on the fd table, its Falco event
 * name and its evt.arg.* arguments. Everything else is derived from the row:
 * the arch's syscall number (libseccomp, by name), the kernel's per-syscall
 * config (struct vg_sc_conf, in a map keyed by that number), evt.arg.*
 * rendering, the fd-table dispatch, the probe's "the result is a new fd"
 * test, the path prefilter's open family and the evt.type name set. Adding a
 * syscall is adding a row here (docs/architecture.md, "Adding a syscall",
 * says what a new fd effect, family or argument kind needs besides);
 * tests/unit/test_syscall_table.c checks every row.
 *
 * New rows go at the end: the id is recorded in captures (vigil capture).
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
/* Set by user space from the fd effect, never in the table: the result may be a new fd. */
#define VG_SCF_RET_FD (1 << 6)
/*
 * Set by user space, never in the table: the raw sys_exit program reports this
 * syscall (the kernel has no syscalls/sys_exit_<name> tracepoints).
 */
#define VG_SCF_RAW (1 << 7)
/*
 * Flags from bit 8 up are user space's: the kernel's struct vg_sc_conf keeps
 * bits 0-7, user space reads the whole column (vg_sc_def.flags).
 * VG_SCF_SERVER: the socket's local end is the server (bind, listen, accept),
 * which decides fd.is_server and which end fd.sip/fd.cip name.
 */
#define VG_SCF_SERVER (1 << 8)

/* What a syscall does to the calling process's fd table (or cwd). */
enum vg_sc_fdfx {
	VG_FDFX_NONE = 0, /* none; a "fd" column's file is described by the kernel */
	VG_FDFX_OPEN,	  /* the result is a new fd on the path: the open family */
	VG_FDFX_MEMFD,	  /* the result is a new anonymous memory file */
	VG_FDFX_CLOSE,	  /* arg 0 is closed when the call succeeds */
	VG_FDFX_DUP,	  /* the result is a copy of arg 0 */
	VG_FDFX_FCNTL,	  /* F_DUPFD* copy arg 0, F_SETFD sets close-on-exec */
	VG_FDFX_PIPE,	  /* two new pipe fds in the user int[2] at the sa column */
	VG_FDFX_UNIXPAIR, /* two new unix socket fds, likewise */
	VG_FDFX_SOCKET,	  /* the result is a new socket */
	VG_FDFX_ACCEPT,	  /* the result is a new, connected socket */
	VG_FDFX_CHDIR,	  /* the path becomes the cwd */
	VG_FDFX_FCHDIR,	  /* arg 0's directory becomes the cwd */
	VG_FDFX__MAX,
};

/* Architectures a row's syscall exists on. */
#define VG_ON_X86_64  (1 << 0)
#define VG_ON_AARCH64 (1 << 1)
#define VG_ON_ALL     (VG_ON_X86_64 | VG_ON_AARCH64)

/* How evt.arg.* renders an argument (engine/fields/evt_args.c). */
enum vg_arg_kind {
	VG_AK_RES,     /* the result: SUCCESS or errno name */
	VG_AK_FD,      /* a descriptor number */
	VG_AK_DIRFD,   /* a descriptor number a path is relative to */
	VG_AK_DEC,     /* a signed decimal */
	VG_AK_HEX,     /* 0x... */
	VG_AK_PATH,    /* the path column's string */
	VG_AK_PATH2,   /* the path2 column's string */
	VG_AK_OFLAGS,  /* O_* of an open */
	VG_AK_OMODE,   /* an open's mode, octal */
	VG_AK_MODE,    /* S_* names (chmod family) */
	VG_AK_UID,     /* a user name, else the number */
	VG_AK_GID,     /* a group name, else the number */
	VG_AK_PTRACE,  /* PTRACE_* request */
	VG_AK_DOMAIN,  /* AF_* */
	VG_AK_UNLINK,  /* AT_REMOVEDIR */
	VG_AK_LINK,    /* AT_SYMLINK_FOLLOW, AT_EMPTY_PATH */
	VG_AK_RENAME,  /* RENAME_* */
	VG_AK_MEMFD,   /* MFD_* */
	VG_AK_CLONE,   /* CLONE_NEW* of unshare/setns */
	VG_AK_DATA,    /* the I/O buffer, first VG_SNAPLEN bytes */
	VG_AK_TUPLE,   /* the socket's tuple text, as fd.name */
	VG_AK_CAP_INH, /* capability sets after capset */
	VG_AK_CAP_PRM,
	VG_AK_CAP_EFF,
	VG_AK_DEV, /* the new fd's file device and inode */
	VG_AK_INO,
	VG_AK_FD1, /* pipe/socketpair: the two new descriptors, in the sa column's int[2] */
	VG_AK_FD2,
	VG_AK__MAX,
};

/* Argument columns as VG_A writes them. */
#define VG_AC_0 0
#define VG_AC_1 1
#define VG_AC_2 2
#define VG_AC_3 3
#define VG_AC_4 4
#define VG_AC_5 5
#define VG_AC_R VG_ARG_RET

/*
 * The table. Columns, in order:
 *   name      the syscall's name, as libseccomp and <asm/unistd.h> spell it; the
 *             arch's number is looked up by this name (engine/kernel/syscall_table.c)
 *   falco     the Falco event name the syscall's events carry (evt.type)
 *   family    VG_FAM_*: what the probe reads besides the arguments
 *   fdfx      VG_FDFX_*: what the call does to the process's fd table (or cwd)
 *   arches    VG_ON_*: the architectures that have the syscall; the others lack
 *             it (open, rename, ... on aarch64) and vigil never asks for it there
 *   path, path2, dirfd, dirfd2, fd, sa, salen
 *             argument columns for the probe (see above)
 *   flags     VG_SCF_* row flags
 *   args      evt.arg.* under Falco's names, in Falco's order (the exit event's
 *             parameters with the enter event's merged in, since vigil reports
 *             each syscall once at its exit): VG_A(name, kind, column), kind a
 *             VG_AK_* without the prefix, column 0..5 or R for the result
 */
/* clang-format off */
#define VG_SYSCALLS(X)                                                                          \
	X(open, open, FILE, OPEN, X86_64, 0, 7, 7, 7, 6, 7, 7, 0,                               \
	  (VG_A(fd, FD, R), VG_A(name, PATH, 0), VG_A(flags, OFLAGS, 1), VG_A(mode, OMODE, 2),  \
	   VG_A(dev, DEV, R), VG_A(ino, INO, R)))                                               \
	X(openat, openat, FILE, OPEN, ALL, 1, 7, 0, 7, 6, 7, 7, 0,                              \
	  (VG_A(fd, FD, R), VG_A(dirfd, DIRFD, 0), VG_A(name, PATH, 1), VG_A(flags, OFLAGS, 2), \
	   VG_A(mode, OMODE, 3), VG_A(dev, DEV, R), VG_A(ino, INO, R)))                         \
	X(openat2, openat2, FILE, OPEN, ALL, 1, 7, 0, 7, 6, 7, 7, VG_SCF_OPEN_HOW,              \
	  (VG_A(fd, FD, R), VG_A(dirfd, DIRFD, 0), VG_A(name, PATH, 1), VG_A(flags, OFLAGS, 2), \
	   VG_A(mode, OMODE, 3), VG_A(dev, DEV, R), VG_A(ino, INO, R)))                         \
	X(creat, creat, FILE, OPEN, X86_64, 0, 7, 7, 7, 6, 7, 7, 0,                             \
	  (VG_A(fd, FD, R), VG_A(name, PATH, 0), VG_A(mode, OMODE, 1), VG_A(dev, DEV, R),       \
	   VG_A(ino, INO, R)))                                                                  \
	X(chmod, chmod, FILE, NONE, X86_64, 0, 7, 7, 7, 7, 7, 7, 0,                             \
	  (VG_A(res, RES, R), VG_A(filename, PATH, 0), VG_A(mode, MODE, 1)))                    \
	X(fchmod, fchmod, FILE, NONE, ALL, 7, 7, 7, 7, 0, 7, 7, 0,                              \
	  (VG_A(res, RES, R), VG_A(fd, FD, 0), VG_A(mode, MODE, 1)))                            \
	X(fchmodat, fchmodat, FILE, NONE, ALL, 1, 7, 0, 7, 7, 7, 7, 0,                          \
	  (VG_A(res, RES, R), VG_A(dirfd, DIRFD, 0), VG_A(filename, PATH, 1),                   \
	   VG_A(mode, MODE, 2)))                                                                \
	X(mkdir, mkdir, FILE, NONE, X86_64, 0, 7, 7, 7, 7, 7, 7, 0,                             \
	  (VG_A(res, RES, R), VG_A(path, PATH, 0), VG_A(mode, HEX, 1)))                         \
	X(mkdirat, mkdirat, FILE, NONE, ALL, 1, 7, 0, 7, 7, 7, 7, 0,                            \
	  (VG_A(res, RES, R), VG_A(dirfd, DIRFD, 0), VG_A(path, PATH, 1), VG_A(mode, HEX, 2)))  \
	X(rmdir, rmdir, FILE, NONE, X86_64, 0, 7, 7, 7, 7, 7, 7, 0,                             \
	  (VG_A(res, RES, R), VG_A(path, PATH, 0)))                                             \
	X(unlink, unlink, FILE, NONE, X86_64, 0, 7, 7, 7, 7, 7, 7, 0,                           \
	  (VG_A(res, RES, R), VG_A(path, PATH, 0)))                                             \
	X(unlinkat, unlinkat, FILE, NONE, ALL, 1, 7, 0, 7, 7, 7, 7, 0,                          \
	  (VG_A(res, RES, R), VG_A(dirfd, DIRFD, 0), VG_A(name, PATH, 1),                       \
	   VG_A(flags, UNLINK, 2)))                                                             \
	X(rename, rename, FILE, NONE, X86_64, 0, 1, 7, 7, 7, 7, 7, 0,                           \
	  (VG_A(res, RES, R), VG_A(oldpath, PATH, 0), VG_A(newpath, PATH2, 1)))                 \
	X(renameat, renameat, FILE, NONE, ALL, 1, 3, 0, 2, 7, 7, 7, 0,                          \
	  (VG_A(res, RES, R), VG_A(olddirfd, DIRFD, 0), VG_A(oldpath, PATH, 1),                 \
	   VG_A(newdirfd, DIRFD, 2), VG_A(newpath, PATH2, 3)))                                  \
	X(renameat2, renameat2, FILE, NONE, ALL, 1, 3, 0, 2, 7, 7, 7, 0,                        \
	  (VG_A(res, RES, R), VG_A(olddirfd, DIRFD, 0), VG_A(oldpath, PATH, 1),                 \
	   VG_A(newdirfd, DIRFD, 2), VG_A(newpath, PATH2, 3), VG_A(flags, RENAME, 4)))          \
	X(link, link, FILE, NONE, X86_64, 0, 1, 7, 7, 7, 7, 7, 0,                               \
	  (VG_A(res, RES, R), VG_A(oldpath, PATH, 0), VG_A(newpath, PATH2, 1)))                 \
	X(linkat, linkat, FILE, NONE, ALL, 1, 3, 0, 2, 7, 7, 7, 0,                              \
	  (VG_A(res, RES, R), VG_A(olddir, DIRFD, 0), VG_A(oldpath, PATH, 1),                   \
	   VG_A(newdir, DIRFD, 2), VG_A(newpath, PATH2, 3), VG_A(flags, LINK, 4)))              \
	X(symlink, symlink, FILE, NONE, X86_64, 0, 1, 7, 7, 7, 7, 7, 0,                         \
	  (VG_A(res, RES, R), VG_A(target, PATH, 0), VG_A(linkpath, PATH2, 1)))                 \
	X(symlinkat, symlinkat, FILE, NONE, ALL, 0, 2, 7, 1, 7, 7, 7, 0,                        \
	  (VG_A(res, RES, R), VG_A(target, PATH, 0), VG_A(linkdirfd, DIRFD, 1),                 \
	   VG_A(linkpath, PATH2, 2)))                                                           \
	X(chdir, chdir, FILE, CHDIR, ALL, 0, 7, 7, 7, 7, 7, 7, 0,                               \
	  (VG_A(res, RES, R), VG_A(path, PATH, 0)))                                             \
	X(fchdir, fchdir, FILE, FCHDIR, ALL, 7, 7, 7, 7, 0, 7, 7, 0,                            \
	  (VG_A(res, RES, R), VG_A(fd, FD, 0)))                                                 \
	X(execve, execve, FILE, NONE, ALL, 0, 7, 7, 7, 7, 7, 7, VG_SCF_FAILED_ONLY,             \
	  (VG_A(res, RES, R), VG_A(filename, PATH, 0)))                                         \
	X(execveat, execveat, FILE, NONE, ALL, 1, 7, 0, 7, 7, 7, 7, VG_SCF_FAILED_ONLY,         \
	  (VG_A(res, RES, R), VG_A(dirfd, DIRFD, 0), VG_A(pathname, PATH, 1),                   \
	   VG_A(flags, HEX, 4)))                                                                \
	X(memfd_create, memfd_create, FILE, MEMFD, ALL, 0, 7, 7, 7, 6, 7, 7, 0,                 \
	  (VG_A(fd, FD, R), VG_A(name, PATH, 0), VG_A(flags, MEMFD, 1)))                        \
	X(mount, mount, FILE, NONE, ALL, 0, 1, 7, 7, 7, 7, 7, 0,                                \
	  (VG_A(res, RES, R), VG_A(dev, PATH, 0), VG_A(dir, PATH2, 1), VG_A(flags, HEX, 3)))    \
	X(umount2, umount2, FILE, NONE, ALL, 0, 7, 7, 7, 7, 7, 7, 0,                            \
	  (VG_A(res, RES, R), VG_A(name, PATH, 0), VG_A(flags, HEX, 1)))                        \
	X(finit_module, finit_module, FILE, NONE, ALL, 7, 7, 7, 7, 0, 7, 7, 0,                  \
	  (VG_A(res, RES, R), VG_A(fd, FD, 0), VG_A(flags, HEX, 2)))                            \
	X(setns, setns, FILE, NONE, ALL, 7, 7, 7, 7, 0, 7, 7, 0,                                \
	  (VG_A(res, RES, R), VG_A(fd, FD, 0), VG_A(nstype, CLONE, 1)))                         \
	X(init_module, init_module, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                   \
	  (VG_A(res, RES, R), VG_A(length, DEC, 1)))                                            \
	X(close, close, PLAIN, CLOSE, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                              \
	  (VG_A(res, RES, R), VG_A(fd, FD, 0)))                                                 \
	X(dup, dup, PLAIN, DUP, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                                    \
	  (VG_A(res, RES, R), VG_A(oldfd, FD, 0)))                                              \
	X(dup2, dup2, PLAIN, DUP, X86_64, 7, 7, 7, 7, 7, 7, 7, 0,                               \
	  (VG_A(res, RES, R), VG_A(oldfd, FD, 0), VG_A(newfd, FD, 1)))                          \
	X(dup3, dup3, PLAIN, DUP, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                                  \
	  (VG_A(res, RES, R), VG_A(oldfd, FD, 0), VG_A(newfd, FD, 1), VG_A(flags, HEX, 2)))     \
	X(fcntl, fcntl, PLAIN, FCNTL, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                              \
	  (VG_A(res, RES, R), VG_A(fd, FD, 0), VG_A(cmd, DEC, 1)))                              \
	X(pipe, pipe, PLAIN, PIPE, X86_64, 7, 7, 7, 7, 7, 0, 7, 0,                              \
	  (VG_A(res, RES, R), VG_A(fd1, FD1, 0), VG_A(fd2, FD2, 0)))                            \
	X(pipe2, pipe2, PLAIN, PIPE, ALL, 7, 7, 7, 7, 7, 0, 7, 0,                               \
	  (VG_A(res, RES, R), VG_A(fd1, FD1, 0), VG_A(fd2, FD2, 0), VG_A(flags, HEX, 1)))       \
	X(socket, socket, SOCK, SOCKET, ALL, 7, 7, 7, 7, 6, 7, 7, 0,                            \
	  (VG_A(fd, FD, R), VG_A(domain, DOMAIN, 0), VG_A(type, DEC, 1), VG_A(proto, DEC, 2)))  \
	X(socketpair, socketpair, PLAIN, UNIXPAIR, ALL, 7, 7, 7, 7, 7, 3, 7, 0,                 \
	  (VG_A(res, RES, R), VG_A(fd1, FD1, 3), VG_A(fd2, FD2, 3), VG_A(domain, DOMAIN, 0),    \
	   VG_A(type, DEC, 1), VG_A(proto, DEC, 2)))                                            \
	X(connect, connect, SOCK, NONE, ALL, 7, 7, 7, 7, 0, 1, 2, 0,                            \
	  (VG_A(res, RES, R), VG_A(tuple, TUPLE, 0), VG_A(fd, FD, 0)))                          \
	X(bind, bind, SOCK, NONE, ALL, 7, 7, 7, 7, 0, 1, 2, VG_SCF_SERVER,                      \
	  (VG_A(res, RES, R), VG_A(fd, FD, 0)))                                                 \
	X(listen, listen, SOCK, NONE, ALL, 7, 7, 7, 7, 0, 7, 7, VG_SCF_SERVER,                  \
	  (VG_A(res, RES, R), VG_A(fd, FD, 0), VG_A(backlog, DEC, 1)))                          \
	X(accept, accept, SOCK, ACCEPT, ALL, 7, 7, 7, 7, 6, 7, 7, VG_SCF_SERVER,                \
	  (VG_A(fd, FD, R), VG_A(tuple, TUPLE, R)))                                             \
	X(accept4, accept4, SOCK, ACCEPT, ALL, 7, 7, 7, 7, 6, 7, 7, VG_SCF_SERVER,              \
	  (VG_A(fd, FD, R), VG_A(tuple, TUPLE, R), VG_A(flags, HEX, 3)))                        \
	X(sendto, sendto, SOCK, NONE, ALL, 7, 7, 7, 7, 0, 4, 5, VG_SCF_DATA,                    \
	  (VG_A(res, RES, R), VG_A(data, DATA, 1), VG_A(fd, FD, 0), VG_A(size, DEC, 2),         \
	   VG_A(tuple, TUPLE, 0)))                                                              \
	X(recvfrom, recvfrom, SOCK, NONE, ALL, 7, 7, 7, 7, 0, 4, 5,                             \
	  VG_SCF_SA_IS_LEN_PTR | VG_SCF_DATA,                                                   \
	  (VG_A(res, RES, R), VG_A(data, DATA, 1), VG_A(tuple, TUPLE, 0), VG_A(fd, FD, 0),      \
	   VG_A(size, DEC, 2)))                                                                 \
	X(sendmsg, sendmsg, SOCK, NONE, ALL, 7, 7, 7, 7, 0, 7, 7, VG_SCF_DATA_MSG,              \
	  (VG_A(res, RES, R), VG_A(data, DATA, 1), VG_A(fd, FD, 0), VG_A(tuple, TUPLE, 0)))     \
	X(recvmsg, recvmsg, SOCK, NONE, ALL, 7, 7, 7, 7, 0, 7, 7, VG_SCF_DATA_MSG,              \
	  (VG_A(res, RES, R), VG_A(data, DATA, 1), VG_A(tuple, TUPLE, 0), VG_A(fd, FD, 0)))     \
	X(ptrace, ptrace, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                             \
	  (VG_A(res, RES, R), VG_A(request, PTRACE, 0), VG_A(pid, DEC, 1), VG_A(addr, HEX, 2),  \
	   VG_A(data, HEX, 3)))                                                                 \
	X(unshare, unshare, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                           \
	  (VG_A(res, RES, R), VG_A(flags, CLONE, 0)))                                           \
	X(setuid, setuid, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS,                  \
	  (VG_A(res, RES, R), VG_A(uid, UID, 0)))                                               \
	X(setgid, setgid, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS,                  \
	  (VG_A(res, RES, R), VG_A(gid, GID, 0)))                                               \
	X(setreuid, setreuid, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS,              \
	  (VG_A(res, RES, R), VG_A(ruid, UID, 0), VG_A(euid, UID, 1)))                          \
	X(setregid, setregid, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS,              \
	  (VG_A(res, RES, R), VG_A(rgid, GID, 0), VG_A(egid, GID, 1)))                          \
	X(setresuid, setresuid, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS,            \
	  (VG_A(res, RES, R), VG_A(ruid, UID, 0), VG_A(euid, UID, 1), VG_A(suid, UID, 2)))      \
	X(setresgid, setresgid, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS,            \
	  (VG_A(res, RES, R), VG_A(rgid, GID, 0), VG_A(egid, GID, 1), VG_A(sgid, GID, 2)))      \
	X(capset, capset, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, VG_SCF_CREDS,                  \
	  (VG_A(res, RES, R), VG_A(cap_inheritable, CAP_INH, R),                                \
	   VG_A(cap_permitted, CAP_PRM, R), VG_A(cap_effective, CAP_EFF, R)))                   \
	X(prctl, prctl, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                               \
	  (VG_A(res, RES, R), VG_A(option, DEC, 0), VG_A(arg2_int, DEC, 1)))                    \
	X(bpf, bpf, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                                   \
	  (VG_A(fd, FD, R), VG_A(cmd, DEC, 0)))                                                 \
	X(userfaultfd, userfaultfd, PLAIN, NONE, ALL, 7, 7, 7, 7, 7, 7, 7, 0,                   \
	  (VG_A(fd, FD, R), VG_A(flags, HEX, 0)))
/* clang-format on */

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
	/*
	 * Opens that do not write (evt.is_open_write false): 0, looked up under
	 * prefilter's bit; else 1 + their own bit, whose set leaves out the
	 * paths only write opens can match. With prefilter 0 only they are
	 * filtered (some rule matches a write open of any path).
	 */
	__u8 pf_read;
	__u8 pf_oflags; /* the column of the open flags; 6 and up: none (creat: writes) */
};

#endif
