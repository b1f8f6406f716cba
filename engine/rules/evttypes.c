// SPDX-License-Identifier: Apache-2.0
/*
 * Falco event-type names -> codes. The table lists the Linux syscall names
 * (x86_64 numbering is irrelevant: codes are indexes here) and Falco's own
 * event names. Sorted, so lookups are a binary search.
 */
#include "rules/evttypes.h"

#include <pthread.h>

#include "decode/decode.h"
#include "kernel/syscall_table.h"

static const char *const names[VG_EVT_COUNT] = {
	NULL,
	"_sysctl",
	"accept",
	"accept4",
	"access",
	"acct",
	"add_key",
	"adjtimex",
	"afs_syscall",
	"alarm",
	"arch_prctl",
	"asyncevent",
	"bind",
	"bpf",
	"brk",
	"capget",
	"capset",
	"chdir",
	"chmod",
	"chown",
	"chroot",
	"clock_adjtime",
	"clock_getres",
	"clock_gettime",
	"clock_nanosleep",
	"clock_settime",
	"clone",
	"clone3",
	"close",
	"close_range",
	"connect",
	"container",
	"copy_file_range",
	"cpu_hotplug",
	"creat",
	"create_module",
	"delete_module",
	"drop",
	"dup",
	"dup2",
	"dup3",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_ctl_old",
	"epoll_pwait",
	"epoll_pwait2",
	"epoll_wait",
	"epoll_wait_old",
	"eventfd",
	"eventfd2",
	"execve",
	"execveat",
	"exit",
	"exit_group",
	"faccessat",
	"faccessat2",
	"fadvise64",
	"fallocate",
	"fanotify_init",
	"fanotify_mark",
	"fchdir",
	"fchmod",
	"fchmodat",
	"fchown",
	"fchownat",
	"fcntl",
	"fdatasync",
	"fgetxattr",
	"finit_module",
	"flistxattr",
	"flock",
	"fork",
	"fremovexattr",
	"fsconfig",
	"fsetxattr",
	"fsmount",
	"fsopen",
	"fspick",
	"fstat",
	"fstatfs",
	"fsync",
	"ftruncate",
	"futex",
	"futex_waitv",
	"futimesat",
	"get_kernel_syms",
	"get_mempolicy",
	"get_robust_list",
	"get_thread_area",
	"getcpu",
	"getcwd",
	"getdents",
	"getdents64",
	"getegid",
	"geteuid",
	"getgid",
	"getgroups",
	"getitimer",
	"getpeername",
	"getpgid",
	"getpgrp",
	"getpid",
	"getpmsg",
	"getppid",
	"getpriority",
	"getrandom",
	"getresgid",
	"getresuid",
	"getrlimit",
	"getrusage",
	"getsid",
	"getsockname",
	"getsockopt",
	"gettid",
	"gettimeofday",
	"getuid",
	"getxattr",
	"infra",
	"init_module",
	"inotify_add_watch",
	"inotify_init",
	"inotify_init1",
	"inotify_rm_watch",
	"io_cancel",
	"io_destroy",
	"io_getevents",
	"io_pgetevents",
	"io_setup",
	"io_submit",
	"io_uring_enter",
	"io_uring_register",
	"io_uring_setup",
	"ioctl",
	"ioperm",
	"iopl",
	"ioprio_get",
	"ioprio_set",
	"k8s",
	"kcmp",
	"kexec_file_load",
	"kexec_load",
	"keyctl",
	"kill",
	"landlock_add_rule",
	"landlock_create_ruleset",
	"landlock_restrict_self",
	"lchown",
	"lgetxattr",
	"link",
	"linkat",
	"listen",
	"listxattr",
	"llistxattr",
	"lookup_dcookie",
	"lremovexattr",
	"lseek",
	"lsetxattr",
	"lstat",
	"madvise",
	"mbind",
	"membarrier",
	"memfd_create",
	"memfd_secret",
	"mesos",
	"migrate_pages",
	"mincore",
	"mkdir",
	"mkdirat",
	"mknod",
	"mknodat",
	"mlock",
	"mlock2",
	"mlockall",
	"mmap",
	"modify_ldt",
	"mount",
	"mount_setattr",
	"move_mount",
	"move_pages",
	"mprotect",
	"mq_getsetattr",
	"mq_notify",
	"mq_open",
	"mq_timedreceive",
	"mq_timedsend",
	"mq_unlink",
	"mremap",
	"msgctl",
	"msgget",
	"msgrcv",
	"msgsnd",
	"msync",
	"munlock",
	"munlockall",
	"munmap",
	"name_to_handle_at",
	"nanosleep",
	"newfstatat",
	"nfsservctl",
	"nice",
	"notification",
	"oldfstat",
	"oldlstat",
	"oldstat",
	"open",
	"open_by_handle_at",
	"open_tree",
	"openat",
	"openat2",
	"page_fault",
	"pause",
	"perf_event_open",
	"personality",
	"pidfd_getfd",
	"pidfd_open",
	"pidfd_send_signal",
	"pipe",
	"pipe2",
	"pivot_root",
	"pkey_alloc",
	"pkey_free",
	"pkey_mprotect",
	"pluginevent",
	"poll",
	"ppoll",
	"prctl",
	"pread64",
	"preadv",
	"preadv2",
	"prlimit64",
	"process_madvise",
	"process_mrelease",
	"process_vm_readv",
	"process_vm_writev",
	"procexit",
	"procinfo",
	"pselect6",
	"ptrace",
	"putpmsg",
	"pwrite64",
	"pwritev",
	"pwritev2",
	"query_module",
	"quotactl",
	"quotactl_fd",
	"read",
	"readahead",
	"readlink",
	"readlinkat",
	"readv",
	"reboot",
	"recv",
	"recvfrom",
	"recvmmsg",
	"recvmsg",
	"remap_file_pages",
	"removexattr",
	"rename",
	"renameat",
	"renameat2",
	"request_key",
	"restart_syscall",
	"rmdir",
	"rseq",
	"rt_sigaction",
	"rt_sigpending",
	"rt_sigprocmask",
	"rt_sigqueueinfo",
	"rt_sigreturn",
	"rt_sigsuspend",
	"rt_sigtimedwait",
	"rt_tgsigqueueinfo",
	"sched_get_priority_max",
	"sched_get_priority_min",
	"sched_getaffinity",
	"sched_getattr",
	"sched_getparam",
	"sched_getscheduler",
	"sched_rr_get_interval",
	"sched_setaffinity",
	"sched_setattr",
	"sched_setparam",
	"sched_setscheduler",
	"sched_yield",
	"seccomp",
	"security",
	"select",
	"semctl",
	"semget",
	"semop",
	"semtimedop",
	"send",
	"sendfile",
	"sendmmsg",
	"sendmsg",
	"sendto",
	"set_mempolicy",
	"set_mempolicy_home_node",
	"set_robust_list",
	"set_thread_area",
	"set_tid_address",
	"setdomainname",
	"setfsgid",
	"setfsuid",
	"setgid",
	"setgroups",
	"sethostname",
	"setitimer",
	"setns",
	"setpgid",
	"setpriority",
	"setregid",
	"setresgid",
	"setresuid",
	"setreuid",
	"setrlimit",
	"setsid",
	"setsockopt",
	"settimeofday",
	"setuid",
	"setxattr",
	"sgetmask",
	"shmat",
	"shmctl",
	"shmdt",
	"shmget",
	"shutdown",
	"sigaction",
	"sigaltstack",
	"signal",
	"signaldeliver",
	"signalfd",
	"signalfd4",
	"socket",
	"socketcall",
	"socketpair",
	"splice",
	"ssetmask",
	"stat",
	"statfs",
	"statx",
	"stime",
	"swapoff",
	"swapon",
	"switch",
	"symlink",
	"symlinkat",
	"sync",
	"sync_file_range",
	"syncfs",
	"sysdigevent",
	"sysfs",
	"sysinfo",
	"syslog",
	"tee",
	"tgkill",
	"time",
	"timer_create",
	"timer_delete",
	"timer_getoverrun",
	"timer_gettime",
	"timer_settime",
	"timerfd_create",
	"timerfd_gettime",
	"timerfd_settime",
	"times",
	"tkill",
	"tracer",
	"truncate",
	"tuxcall",
	"umask",
	"umount",
	"umount2",
	"uname",
	"unlink",
	"unlinkat",
	"unshare",
	"uselib",
	"userfaultfd",
	"ustat",
	"utime",
	"utimensat",
	"utimes",
	"vfork",
	"vhangup",
	"vmsplice",
	"vserver",
	"wait4",
	"waitid",
	"waitpid",
	"write",
	"writev",
};

uint16_t vg_evttype_code(const char *name, size_t len)
{
	int lo = 1, hi = VG_EVT_COUNT - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strncmp(names[mid], name, len);

		if (c == 0 && names[mid][len] != '\0')
			c = 1;
		if (c == 0)
			return (uint16_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

const char *vg_evttype_name(uint16_t code)
{
	return code && code < VG_EVT_COUNT ? names[code] : NULL;
}

/* Codes of vigil's syscall ids and of the exec/fork/exit events, built once. */
static uint16_t sc_codes[VG_SC__MAX];
static uint16_t exec_code, fork_code, exit_code;
static pthread_once_t codes_once = PTHREAD_ONCE_INIT;

static void build_codes(void)
{
	for (int i = VG_SC_NONE + 1; i < VG_SC__MAX; i++) {
		const char *falco = vg_syscall_def(i)->falco;

		sc_codes[i] = vg_evttype_code(falco, strlen(falco));
	}
	exec_code = vg_evttype_code("execve", 6);
	fork_code = vg_evttype_code("clone", 5);
	exit_code = vg_evttype_code("procexit", 8);
}

uint16_t vg_evttype_of(const struct vg_event *ev)
{
	/* once per event: a table lookup, not a search over the names */
	pthread_once(&codes_once, build_codes);
	switch (ev->type) {
	case VG_EV_EXEC: return exec_code;
	case VG_EV_FORK: return fork_code;
	case VG_EV_EXIT: return exit_code;
	case VG_EV_SYSCALL:
		if (!ev->sc || ev->sc->id >= VG_SC__MAX)
			return 0;
		return sc_codes[ev->sc->id];
	default: return 0;
	}
}

void vg_evtset_fill(struct vg_evtset *s)
{
	for (uint16_t c = 1; c < VG_EVT_COUNT; c++)
		vg_evtset_add(s, c);
}

void vg_evtset_clear(struct vg_evtset *s)
{
	memset(s, 0, sizeof(*s));
}

void vg_evtset_union(struct vg_evtset *d, const struct vg_evtset *s)
{
	for (int i = 0; i < VG_EVT_WORDS; i++)
		d->w[i] |= s->w[i];
}

void vg_evtset_intersect(struct vg_evtset *d, const struct vg_evtset *s)
{
	for (int i = 0; i < VG_EVT_WORDS; i++)
		d->w[i] &= s->w[i];
}

void vg_evtset_complement(struct vg_evtset *s)
{
	struct vg_evtset all = {0};

	vg_evtset_fill(&all);
	for (int i = 0; i < VG_EVT_WORDS; i++)
		s->w[i] = ~s->w[i] & all.w[i];
}

unsigned vg_evtset_count(const struct vg_evtset *s)
{
	unsigned n = 0;

	for (int i = 0; i < VG_EVT_WORDS; i++)
		n += (unsigned)__builtin_popcountll(s->w[i]);
	return n;
}

bool vg_evtset_is_full(const struct vg_evtset *s)
{
	return vg_evtset_count(s) == VG_EVT_COUNT - 1;
}
