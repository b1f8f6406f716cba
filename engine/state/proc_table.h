/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process table: one entry per live process (tgid), kept current by exec,
 * fork and exit events and seeded from /proc at start-up so that processes
 * older than vigil have ancestry. Bounded in entries and in the bytes of
 * the strings entries hold (exe, filename, cwd, argv, environment): at a
 * bound, the oldest exited entries go first, then the least recently used
 * live one; every eviction is counted by limit and state, and evicting a
 * live process (its descendants lose their ancestry) is also reported by a
 * rate-limited warning.
 */
#ifndef VIGIL_PROC_TABLE_H
#define VIGIL_PROC_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_event;

#define VG_EXEC_ID_LEN 40

/*
 * Entry bounds. The default follows the host's pid_max (every live process
 * fits) plus an eighth for exited entries that linger for late events,
 * clamped to DEFAULT_MIN..DEFAULT_MAX; MAX is the kernel's PID_MAX_LIMIT.
 */
#define VG_PROC_TABLE_MIN	  64
#define VG_PROC_TABLE_MAX	  4194304
#define VG_PROC_TABLE_DEFAULT_MIN 16384
#define VG_PROC_TABLE_DEFAULT_MAX 262144
/* Byte budget for the strings of all entries (process_table_max_bytes). */
#define VG_PROC_BYTES_DEFAULT (256ull << 20)
#define VG_PROC_BYTES_MIN     (1ull << 20)
/*
 * Per entry: argv completed from /proc beyond the kernel's 16 KiB, and an
 * environment read from /proc, are cut at these (marked truncated).
 */
#define VG_PROC_ARGS_MAX (64u << 10)
#define VG_PROC_ENV_MAX	 (32u << 10)

struct vg_proc {
	uint32_t pid; /* tgid */
	uint32_t ppid;
	uint32_t vpid;
	uint32_t uid, gid, euid, egid;
	uint32_t loginuid, sessionid;
	uint32_t tty; /* /proc/<pid>/stat tty_nr encoding, 0 when none */
	uint32_t pid_ns, mnt_ns;
	uint64_t cgroup_id;
	uint64_t start_ns; /* CLOCK_BOOTTIME of the task's start */
	uint64_t exec_ns;  /* CLOCK_BOOTTIME of the last exec (start_ns if none seen) */
	uint32_t exe_ino;
	uint64_t exe_dev;
	uint64_t exe_ctime_ns, exe_mtime_ns; /* the executable's inode times, epoch ns; 0 unknown */
	uint64_t pidns_init_start_ns;	     /* CLOCK_BOOTTIME; 0 unknown */
	uint32_t sid, vpgid;		     /* in the process's pid namespace; 0 unknown */
	uint32_t pgid;			     /* global */
	uint64_t cap_inheritable, cap_permitted, cap_effective;
	char *env; /* environ, NUL-separated, env_len bytes: from exec, else /proc (proc_env.c) */
	uint32_t env_len;
	bool env_tried; /* env is complete, or /proc was tried */
	char comm[16];
	char *exe;	/* path of the executable, resolved by the kernel */
	char *filename; /* name given to execve; NULL for seeded processes */
	char *args;	/* argv, NUL-separated, args_len bytes */
	uint32_t args_len;
	char *cwd;
	bool args_truncated;
	bool exited;
	int32_t exit_code; /* wait(2) status, valid when exited */
	uint64_t exit_ns;
	bool args_from_procfs;	      /* argv beyond the kernel's cap came from /proc */
	bool args_capped;	      /* argv in /proc exceeds VG_PROC_ARGS_MAX: cut there */
	uint32_t str_bytes;	      /* the strings' bytes as the table last counted them */
	bool strings_changed;	      /* cwd or env replaced since: the budget needs a recount */
	bool exe_upper_layer;	      /* exe in an overlayfs upper layer (unknown: seeded) */
	struct vg_fd_table *fds;      /* NULL until the first fd of this process is seen */
	char exec_id[VG_EXEC_ID_LEN]; /* unique across pid reuse: boot, pid and exec time */
	/* table bookkeeping: hash chain, and the live-LRU or exited-FIFO list */
	struct vg_proc *hnext;
	struct vg_proc *prev, *next;
};

struct vg_proc_table;

/* Why an entry was evicted: the entry bound or the string byte budget. */
enum vg_proc_limit { VG_PROC_LIMIT_ENTRIES, VG_PROC_LIMIT_BYTES, VG_PROC_LIMIT__N };

struct vg_proc_table_stats {
	size_t entries, max_entries;
	uint64_t bytes, max_bytes; /* the strings entries hold, and their budget */
	/* [limit][0: exited, 1: live] */
	uint64_t evictions[VG_PROC_LIMIT__N][2];
	uint64_t args_capped; /* argv cut at VG_PROC_ARGS_MAX */
	uint64_t warnings, warnings_suppressed;
};

/*
 * The default entry bound from pid_max_path (/proc/sys/kernel/pid_max):
 * pid_max + pid_max / 8, clamped to VG_PROC_TABLE_DEFAULT_MIN..MAX.
 */
size_t vg_proc_table_default_size(const char *pid_max_path);

/*
 * max_entries 0 takes vg_proc_table_default_size(); more than
 * VG_PROC_TABLE_MAX is cut to it. procfs_root ("/proc", or NULL in tests that must not read it) is
 * used to complete argv the kernel truncated, while the process still lives.
 */
struct vg_proc_table *vg_proc_table_new(size_t max_entries, const char *procfs_root);
void vg_proc_table_free(struct vg_proc_table *t);

/* Returns the entry for pid, or NULL. Exited entries linger until evicted. */
struct vg_proc *vg_proc_get(struct vg_proc_table *t, uint32_t pid);
/* The parent of p, or NULL when unknown or p is the root of its tree. */
struct vg_proc *vg_proc_parent(struct vg_proc_table *t, const struct vg_proc *p);
/* The n-th ancestor (1 = parent). */
struct vg_proc *vg_proc_ancestor(struct vg_proc_table *t, const struct vg_proc *p, int n);

/* Applies an exec, fork, exit or credential event; returns the process it is about. */
struct vg_proc *vg_proc_apply(struct vg_proc_table *t, const struct vg_event *ev);

/* Returns a blank entry for pid, replacing any earlier one (pid reuse). */
struct vg_proc *vg_proc_create(struct vg_proc_table *t, uint32_t pid);
/* Forgets pid. */
void vg_proc_remove(struct vg_proc_table *t, uint32_t pid);
/* Recomputes p->exec_id from its pid and exec_ns. */
void vg_proc_set_exec_id(struct vg_proc_table *t, struct vg_proc *p);
/* Drops exited entries whose exit is older than linger_ns before now_ns. */
void vg_proc_expire(struct vg_proc_table *t, uint64_t now_ns, uint64_t linger_ns);

size_t vg_proc_count(const struct vg_proc_table *t);
/* Calls fn for every live (not exited) process, in no particular order. */
void vg_proc_foreach(struct vg_proc_table *t, void (*fn)(struct vg_proc *p, void *arg), void *arg);
/* All evictions, whatever the reason. */
size_t vg_proc_evictions(const struct vg_proc_table *t);
void vg_proc_table_stats(const struct vg_proc_table *t, struct vg_proc_table_stats *out);

/* The strings' byte budget (default VG_PROC_BYTES_DEFAULT); evicts down to it at once. */
void vg_proc_table_set_max_bytes(struct vg_proc_table *t, uint64_t max_bytes);

/*
 * Where warnings go (default: a line on stderr) and the clock that
 * rate-limits them to one per VG_PROC_WARN_INTERVAL_NS (default
 * CLOCK_MONOTONIC); for tests. Either may be NULL for the default.
 */
#define VG_PROC_WARN_INTERVAL_NS (10ull * 1000000000ull)
typedef void (*vg_proc_warn_fn)(void *arg, const char *msg);
void vg_proc_table_set_warn(struct vg_proc_table *t, vg_proc_warn_fn fn, void *arg,
			    uint64_t (*clock_ns)(void));

/*
 * Recounts p's string bytes after code outside the table changed them (a
 * new cwd, an environment read from /proc). Evicts nothing: safe while
 * other entries are in use (rule evaluation). p may be NULL.
 */
void vg_proc_recount(struct vg_proc_table *t, struct vg_proc *p);
/* vg_proc_recount(), then evicts down to the byte budget, never p itself. */
void vg_proc_account(struct vg_proc_table *t, struct vg_proc *p);
/*
 * Frees an exited process's environment, for good: /proc is not asked
 * again (its pid may be another process's by now).
 */
void vg_proc_drop_env(struct vg_proc_table *t, struct vg_proc *p);

#endif
