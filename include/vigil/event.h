/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event ABI: what a probe writes into the ring buffer and what the
 * decoder reads. Shared verbatim by the probes and engine/, so it uses
 * only fixed-width kernel types and no pointers.
 *
 * A record is a fixed header, a fixed per-kind body, then zero or more
 * variable fields, each a struct vg_var followed by len bytes. The header's
 * size covers all of it.
 */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VG_COMM_LEN 16

enum vg_event_type {
	VG_EV_NONE = 0,
	VG_EV_EXEC = 1,
	VG_EV_FORK = 2,
	VG_EV_EXIT = 3,
	VG_EV_SYSCALL = 4, /* one syscall, at its exit: see vigil/syscalls.h */
	VG_EV_CREDS = 5,   /* the task's credentials changed (commit_creds), from any cause */
	VG_EV__MAX,
};

/* Header flags, valid for every kind. */
enum vg_hdr_flags {
	VG_HF_THREAD = 1 << 0,	     /* fork: the child is a thread of the parent */
	VG_HF_ARGV_TRUNC = 1 << 1,   /* exec: argv longer than VG_ARGV_MAX */
	VG_HF_PATH_TRUNC = 1 << 2,   /* some path hit the depth or length cap */
	VG_HF_PATH_UNREACH = 1 << 3, /* some path is outside the task's root */
	VG_HF_ARGV_FAULT = 1 << 4,   /* exec: argv pages could not be read */
	VG_HF_ENFORCE = 1 << 5,	     /* an enforcement decision: see vigil/enforce.h */
	VG_HF_EXE_UPPER = 1 << 6,    /* exec: the exe is in an overlayfs upper layer (written in
				      * the container, not part of its image) */
	VG_HF_ENV_TRUNC = 1 << 7,    /* exec: environment longer than VG_ENV_MAX (or than the
				      * record had room for), or its pages were not readable */
};

struct vg_event_hdr {
	__u16 type;	 /* enum vg_event_type */
	__u16 flags;	 /* enum vg_hdr_flags */
	__u32 size;	 /* whole record: header, body and variable fields */
	__u64 ts_ns;	 /* CLOCK_BOOTTIME */
	__u64 cgroup_id; /* inode of the task's cgroup2 directory */
	__u32 pid;	 /* tgid */
	__u32 tid;
	__u32 ppid; /* real parent's tgid */
	__u32 vpid; /* pid in the task's own pid namespace */
	__u32 uid, gid, euid, egid;
	__u32 loginuid;	 /* (u32)-1 when unset */
	__u32 sessionid; /* (u32)-1 when unset */
	__u32 pid_ns;	 /* pid namespace inode */
	__u32 mnt_ns;	 /* mount namespace inode */
	__s64 retval;
	char comm[VG_COMM_LEN];
};

/* Variable fields. Strings are not NUL-terminated; argv is NUL-separated. */
enum vg_var_id {
	VG_VAR_FILENAME = 1,  /* exec: the name execve was given (bprm->filename) */
	VG_VAR_EXE = 2,	      /* exec: mm->exe_file, resolved by a dentry walk */
	VG_VAR_ARGV = 3,      /* exec: mm->arg_start..arg_end */
	VG_VAR_CWD = 4,	      /* exec: fs->pwd, resolved by a dentry walk */
	VG_VAR_PATH = 5,      /* syscall: first path argument, as the caller gave it */
	VG_VAR_PATH2 = 6,     /* syscall: second path argument */
	VG_VAR_FD_PATH = 7,   /* syscall: the fd's file (or unix socket) path, from the kernel */
	VG_VAR_FILE = 8,      /* syscall: struct vg_file of that fd */
	VG_VAR_SOCK = 9,      /* syscall: struct vg_sock of that fd */
	VG_VAR_SOCKADDR = 10, /* syscall: raw bytes of a user sockaddr (or int[2] of pipe) */
	VG_VAR_ENFORCE = 11,  /* syscall with VG_HF_ENFORCE: struct vg_enforce_info */
	VG_VAR_DATA = 12,     /* syscall: the first VG_SNAPLEN bytes of the I/O buffer */
	VG_VAR_CREDS = 13,    /* syscall: struct vg_creds after a credential change */
	VG_VAR_ENV = 14,      /* exec: mm->env_start..env_end, NUL-separated, at most VG_ENV_MAX */
	VG_VAR__MAX,
};

struct vg_var {
	__u16 id;  /* enum vg_var_id */
	__u16 len; /* bytes of data that follow */
};

/* Caps that keep one record bounded; hitting one sets a VG_HF_*_TRUNC flag. */
#define VG_ARGV_MAX   16384 /* bytes of argv carried in the event */
#define VG_ENV_MAX    8192  /* bytes of the environment carried in an exec event */
#define VG_PATH_MAX   4096  /* bytes of one resolved path */
#define VG_PATH_DEPTH 64    /* components walked per path */
#define VG_RECORD_MAX 32768 /* largest record a probe emits */
#define VG_SNAPLEN    80    /* bytes of an I/O buffer carried, as Falco's default snaplen */

/* A task's capability sets (kernel_cap_t, bit n = capability n). */
struct vg_creds {
	__u64 cap_inheritable;
	__u64 cap_permitted;
	__u64 cap_effective;
};

/* Session and process group: ids in the task's own pid namespace, and pgid globally. */
struct vg_task_ids {
	__u32 sid;   /* 0 when the session leader is outside the namespace */
	__u32 vpgid; /* 0 when the group leader is outside the namespace */
	__u32 pgid;
	__u32 pad;
};

struct vg_exec_body {
	__u64 start_ns;	 /* task start, CLOCK_BOOTTIME */
	__u32 tty_major; /* controlling tty, 0/0 when none */
	__u32 tty_minor;
	__u32 argv_len; /* full length of argv in the task, before any cap */
	__u32 exe_ino;
	__u64 exe_dev;
	__u64 exe_ctime_ns; /* the executable's inode times, CLOCK_REALTIME */
	__u64 exe_mtime_ns;
	__u64 pidns_init_start_ns; /* start of the pid namespace's init, CLOCK_BOOTTIME */
	struct vg_task_ids ids;
	struct vg_creds creds;
};

struct vg_fork_body {
	__u32 parent_pid; /* tgid of the task that called fork/clone */
	__u32 parent_tid;
	__u64 start_ns; /* child start, CLOCK_BOOTTIME */
	struct vg_task_ids ids;
	struct vg_creds creds;
};

struct vg_exit_body {
	__u32 exit_code; /* wait(2) status: code << 8 | signal */
	__u32 pad;
};

struct vg_syscall_body {
	__u16 id;    /* enum vg_syscall */
	__u8 family; /* enum vg_sc_family */
	__u8 pad;
	__u32 nr; /* the arch syscall number */
	__u64 args[6];
};

/* The open file behind an fd. */
struct vg_file {
	__u32 mode;  /* inode i_mode: type and permissions */
	__u32 flags; /* file f_flags (O_*) */
	__u64 ino;
	__u64 dev;
	__u32 fd;
	__u32 fmode; /* file f_mode (FMODE_*): FMODE_CREATED says the open created it */
};

/* A socket's identity, addresses in network byte order, ports in host order. */
struct vg_sock {
	__u16 family; /* AF_* */
	__u16 type;   /* SOCK_* */
	__u16 protocol;
	__u16 state;
	__u8 saddr[16]; /* local: IPv4 in the first 4 bytes */
	__u8 daddr[16]; /* remote */
	__u16 sport;
	__u16 dport;
	__u32 fd;
};

/* The observation hook flavour that produced a record (probes/kernel_hooks.bpf.c). */
enum vg_hook_flavour {
	VG_HOOK_NONE = 0,
	VG_HOOK_FENTRY = 1,
	VG_HOOK_KPROBE = 2,
};

/* What a VG_EV_CREDS record saw change (struct vg_creds_body.changed). */
enum vg_creds_change {
	VG_CRC_UID = 1 << 0,	/* uid, euid, suid or fsuid */
	VG_CRC_GID = 1 << 1,	/* gid, egid, sgid or fsgid */
	VG_CRC_CAPS = 1 << 2,	/* inheritable, permitted or effective capabilities */
	VG_CRC_USERNS = 1 << 3, /* the user namespace the credentials belong to */
};

/* One side of a credential change: ids, capabilities and the user namespace. */
struct vg_cred_set {
	__u32 uid, gid, euid, egid;
	__u32 suid, sgid, fsuid, fsgid;
	__u32 userns; /* user namespace inode */
	__u32 pad;
	struct vg_creds caps;
};

/*
 * VG_EV_CREDS: commit_creds(new) made new the task's credentials. The
 * header's uid/gid/euid/egid are the new ones, as after a syscall; the
 * body has both sides. Sent only when something below changed.
 */
struct vg_creds_body {
	struct vg_cred_set old;
	struct vg_cred_set new;
	__u32 changed; /* enum vg_creds_change */
	__u16 hook;    /* enum vg_hook_flavour */
	__u16 pad;
};

/* Kernel-side counters, one slot per event kind (per CPU). */
struct vg_kcounters {
	__u64 sent;
	__u64 dropped;	/* ring buffer full */
	__u64 filtered; /* not sent: the path prefilter showed no rule can match */
};

#endif /* VIGIL_EVENT_H */
