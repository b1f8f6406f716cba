// SPDX-License-Identifier: Apache-2.0
/*
 * vigil's seccomp filter (libseccomp), for the native architecture: the
 * system calls the running engine makes, found by reading the code (libbpf,
 * libcurl, libmicrohttpd, getaddrinfo, json-c, PCRE2) and by running the
 * live and output tests under `strace -f`; everything else fails with EPERM.
 * Some calls are allowed only with given arguments: clone only for threads,
 * signals only to vigil itself, sockets only of the families it uses,
 * ioctl only with the requests it makes. The refusals that matter most are
 * listed explicitly, so that an allow rule for one of them cannot creep in.
 * With SECCOMP_FILTER_FLAG_LOG the kernel also logs every refusal (audit
 * type 1326, in dmesg or the journal) with the call's number: the hint
 * when something vigil does is refused.
 */
#include "confine/confine.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <linux/sockios.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VG_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define VG_SANITIZER 1
#endif

/* Allowed with any arguments. Names this architecture lacks are skipped. */
static const char *const allowed[] = {
	/* memory */
	"brk",
	"mmap",
	"munmap",
	"mprotect",
	"madvise",
	"mremap",
	"msync",
	"mincore",
	"membarrier",
	/* threads, identity, exit */
	"futex",
	"futex_waitv",
	"set_robust_list",
	"get_robust_list",
	"rseq",
	"sched_yield",
	"sched_getaffinity",
	"sched_getparam",
	"sched_getscheduler",
	"getcpu",
	"gettid",
	"getpid",
	"getppid",
	"getuid",
	"geteuid",
	"getgid",
	"getegid",
	"getresuid",
	"getresgid",
	"getgroups",
	"getpgrp",
	"getpgid",
	"getsid",
	"exit",
	"exit_group",
	"restart_syscall",
	"wait4",
	"waitid",
	/* signals (sending: see the argument rules) */
	"rt_sigaction",
	"rt_sigprocmask",
	"rt_sigreturn",
	"rt_sigtimedwait",
	"rt_sigpending",
	"rt_sigsuspend",
	"sigaltstack",
	/* time */
	"clock_gettime",
	"clock_getres",
	"clock_nanosleep",
	"nanosleep",
	"gettimeofday",
	"time",
	"timerfd_create",
	"timerfd_settime",
	"timerfd_gettime",
	"times",
	"getrusage",
	/* files: /proc, the rules, the outputs' files and their rotation, the runtimes' state */
	"read",
	"write",
	"readv",
	"writev",
	"pread64",
	"pwrite64",
	"preadv",
	"pwritev",
	"lseek",
	"open",
	"openat",
	"openat2",
	"close",
	"close_range",
	"fstat",
	"stat",
	"lstat",
	"newfstatat",
	"statx",
	"statfs",
	"fstatfs",
	"getdents",
	"getdents64",
	"readlink",
	"readlinkat",
	"access",
	"faccessat",
	"faccessat2",
	"fcntl",
	"dup",
	"dup2",
	"dup3",
	"pipe",
	"pipe2",
	"ftruncate",
	"fsync",
	"fdatasync",
	"rename",
	"renameat",
	"renameat2",
	"unlink",
	"unlinkat",
	"mkdir",
	"mkdirat",
	"fchmod",
	"umask",
	"getcwd",
	"fadvise64",
	"flock",
	"sendfile",
	/* waiting: the ring buffer, reload's inotify, libmicrohttpd, libcurl */
	"inotify_init",
	"inotify_init1",
	"inotify_add_watch",
	"inotify_rm_watch",
	"eventfd",
	"eventfd2",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_wait",
	"epoll_pwait",
	"epoll_pwait2",
	"poll",
	"ppoll",
	"select",
	"pselect6",
	/* network: HTTP and syslog outputs, scrapes, runtime sockets, DNS (socket(): below) */
	"socketpair",
	"connect",
	"accept",
	"accept4",
	"bind",
	"sendto",
	"recvfrom",
	"sendmsg",
	"recvmsg",
	"sendmmsg",
	"recvmmsg",
	"shutdown",
	"getsockname",
	"getpeername",
	"setsockopt",
	"getsockopt",
	/* BPF: maps on every reload, a new enforcement program when its rules change */
	"bpf",
	/* the rest */
	"prctl",
	"getrandom",
	"uname",
	"sysinfo",
	"getrlimit",
	"capget",
#ifdef VG_SANITIZER
	/* LeakSanitizer stops the world at exit from a clone()d tracer with ptrace() */
	"ptrace",
	"clone",
	"kill",
	"tgkill",
	"tkill",
#endif
};

/* Refused whatever else is allowed: what an attacker inside vigil would reach for. */
static const char *const refused[] = {
	"execve",
	"execveat",
	"fork",
	"vfork",
#ifndef VG_SANITIZER
	"ptrace",
#endif
	"process_vm_readv",
	"process_vm_writev",
	"pidfd_getfd",
	"process_madvise",
	"mount",
	"umount",
	"umount2",
	"pivot_root",
	"chroot",
	"move_mount",
	"fsopen",
	"fsmount",
	"fsconfig",
	"fspick",
	"open_tree",
	"mount_setattr",
	"init_module",
	"finit_module",
	"delete_module",
	"kexec_load",
	"kexec_file_load",
	"setuid",
	"setgid",
	"setreuid",
	"setregid",
	"setresuid",
	"setresgid",
	"setfsuid",
	"setfsgid",
	"setgroups",
	"capset",
	"unshare",
	"setns",
	"name_to_handle_at",
	"keyctl",
	"add_key",
	"request_key",
	"userfaultfd",
	"swapon",
	"swapoff",
	"reboot",
	"acct",
	"quotactl",
	"iopl",
	"ioperm",
	"personality",
	"listen",
	"memfd_create",
};

/*
 * ioctl requests made: terminals (stdio), FIONREAD (the program output),
 * interfaces, and a syscall tracepoint's perf event turned on and off as a
 * reload attaches and detaches its program (libbpf).
 */
static const unsigned long ioctls[] = {
	TCGETS,
	TIOCGWINSZ,
	FIONREAD,
	FIONBIO,
	FIOCLEX,
	FIONCLEX,
	SIOCGIFINDEX,
	SIOCGIFNAME,
	SIOCGIFCONF,
	SIOCGIFFLAGS,
	SIOCGIFADDR,
	PERF_EVENT_IOC_ENABLE,
	PERF_EVENT_IOC_DISABLE,
};

static const int families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};

static int add(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned n,
	       const struct scmp_arg_cmp *cmp, const char *name)
{
	int err = seccomp_rule_add_array(ctx, action, nr, n, cmp);

	if (err)
		fprintf(stderr, "vigil: confine: seccomp rule for %s: %s\n", name, strerror(-err));
	return err;
}

static int add_named(scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n,
		     int *count)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);

		if (nr == __NR_SCMP_ERROR)
			continue; /* not a call of this architecture */
		if (add(ctx, action, nr, 0, NULL, names[i]))
			return -1;
		(*count)++;
	}
	return 0;
}

/* libseccomp's SCMP_An() leave datum_b out, which clang warns about */
static struct scmp_arg_cmp arg(unsigned int n, enum scmp_compare op, uint64_t a, uint64_t b)
{
	return (struct scmp_arg_cmp){.arg = n, .op = op, .datum_a = a, .datum_b = b};
}

struct arg_rule {
	int nr;
	const char *name;
	struct scmp_arg_cmp cmp;
};

/* The calls allowed only with some arguments: rules of one call follow each other. */
static int add_argument_rules(scmp_filter_ctx ctx, int *count)
{
#ifndef VG_SANITIZER
	const uint64_t self = (uint64_t)getpid();
#endif
	const struct arg_rule rules[] = {
#ifndef VG_SANITIZER
		/* threads only: a new process could exec what the filter keeps vigil from */
		{SCMP_SYS(clone), "clone", arg(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)},
		/* signals to itself only (raise, abort, its own threads) */
		{SCMP_SYS(tgkill), "tgkill", arg(0, SCMP_CMP_EQ, self, 0)},
		{SCMP_SYS(kill), "kill", arg(0, SCMP_CMP_EQ, self, 0)},
#endif
		/*
		 * cgroup id -> path (engine/container/resolve.c) opens the cgroup2
		 * directory from its kernfs handle, as O_PATH. It reaches nothing
		 * cap_dac_read_search and openat() would not reach anyway.
		 */
		{SCMP_SYS(open_by_handle_at), "open_by_handle_at",
		 arg(2, SCMP_CMP_EQ, O_PATH | O_CLOEXEC, 0)},
		/* its own limits only; raising them needs a capability it no longer has */
		{SCMP_SYS(prlimit64), "prlimit64", arg(0, SCMP_CMP_EQ, 0, 0)},
		/*
		 * a sequence's `action: kill` (engine/rules/seq_state.c): a pidfd, and
		 * SIGKILL through it, nothing else (no siginfo, no other signal)
		 */
		{SCMP_SYS(pidfd_open), "pidfd_open", arg(1, SCMP_CMP_EQ, 0, 0)},
		{SCMP_SYS(pidfd_send_signal), "pidfd_send_signal", arg(1, SCMP_CMP_EQ, SIGKILL, 0)},
		/*
		 * a reload attaching a program to a syscalls/sys_exit_<name>
		 * tracepoint (kernel/probes.c) opens its perf event as libbpf does,
		 * for every process (pid -1: an int, so its low 32 bits). It reaches
		 * nothing bpf() with cap_bpf and cap_perfmon does not reach already.
		 */
		{SCMP_SYS(perf_event_open), "perf_event_open",
		 arg(1, SCMP_CMP_MASKED_EQ, 0xffffffffu, 0xffffffffu)},
	};
	int last = -1;

	for (size_t i = 0; i < sizeof(rules) / sizeof(*rules); i++) {
		if (add(ctx, SCMP_ACT_ALLOW, rules[i].nr, 1, &rules[i].cmp, rules[i].name))
			return -1;
		*count += rules[i].nr != last;
		last = rules[i].nr;
	}
	for (size_t i = 0; i < sizeof(families) / sizeof(*families); i++) {
		struct scmp_arg_cmp c = arg(0, SCMP_CMP_EQ, (uint64_t)families[i], 0);

		if (add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, &c, "socket"))
			return -1;
	}
	/* the request is an int to the kernel: compare its low 32 bits only */
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(*ioctls); i++) {
		struct scmp_arg_cmp c =
			arg(1, SCMP_CMP_MASKED_EQ, 0xffffffffu, ioctls[i] & 0xffffffffu);

		if (add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, &c, "ioctl"))
			return -1;
	}
	*count += 2; /* socket, ioctl */
	return 0;
}

/*
 * The refused calls get the default action (libseccomp takes no rule that
 * repeats it): this keeps any of them from being allowed by mistake.
 */
static int check_refused(void)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		for (size_t j = 0; j < sizeof(allowed) / sizeof(*allowed); j++)
			if (!strcmp(refused[i], allowed[j])) {
				fprintf(stderr, "vigil: confine: %s is both allowed and refused\n",
					refused[i]);
				return -1;
			}
	return 0;
}

static int build(scmp_filter_ctx ctx, int *count)
{
	int err;

	/* every thread, and NoNewPrivs set by vg_confine_apply() already */
	if ((err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) != 0) {
		fprintf(stderr, "vigil: confine: seccomp TSYNC: %s\n", strerror(-err));
		return -1;
	}
	/* best effort: a kernel without SECCOMP_FILTER_FLAG_LOG just does not log */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	if (check_refused() != 0)
		return -1;
	/* glibc's pthread_create falls back to clone(), whose flags the filter can read */
	if (add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL, "clone3") != 0)
		return -1;
	if (add_named(ctx, SCMP_ACT_ALLOW, allowed, sizeof(allowed) / sizeof(*allowed), count) != 0)
		return -1;
	return add_argument_rules(ctx, count);
}

int vg_confine_seccomp(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int count = 0, err;

	if (!ctx) {
		fprintf(stderr, "vigil: confine: seccomp_init failed\n");
		return -1;
	}
	if (build(ctx, &count) != 0) {
		seccomp_release(ctx);
		return -1;
	}
	err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err) {
		fprintf(stderr, "vigil: confine: loading the seccomp filter: %s\n", strerror(-err));
		return -1;
	}
	return count;
}
