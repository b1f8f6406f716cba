// SPDX-License-Identifier: Apache-2.0
/*
 * The syscall table (include/vigil/syscalls.h) is the single source of
 * truth, so every row must be complete and self-consistent: its family
 * agrees with its argument kinds, its fd effect with its columns, its Falco
 * event name is an event type, and its name resolves to a syscall number
 * through libseccomp on exactly the architectures the row declares. The
 * evt.type name set still accepts every name the hand-written list did, and
 * the default rules and Falco's rule files name no unknown event type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/syscall_table.h"
#include "rules/compile.h"
#include "kernel/evttypes.h"
#include "rules/loader.h"

#define NONE VG_ARG_NONE
#define RET  VG_ARG_RET

static bool col_ok(unsigned c)
{
	return c < 6 || c == RET || c == NONE;
}

/* Number of the row's arguments of kind, and the column of the last one. */
static int kind_count(const struct vg_sc_def *d, enum vg_arg_kind k, unsigned *col)
{
	int n = 0;

	for (size_t i = 0; i < VG_SC_NARGS && d->args[i].name; i++)
		if (d->args[i].kind == k) {
			n++;
			*col = d->args[i].col;
		}
	return n;
}

static bool has_kind(const struct vg_sc_def *d, enum vg_arg_kind k)
{
	unsigned col;

	return kind_count(d, k, &col) > 0;
}

/* A path column is set exactly when an argument of kind k sits in it. */
static void check_path_col(const struct vg_sc_def *d, unsigned conf_col, enum vg_arg_kind k)
{
	unsigned col = NONE;
	int n = kind_count(d, k, &col);

	if (conf_col == NONE) {
		assert_int_equal(n, 0);
		return;
	}
	assert_int_equal(n, 1);
	assert_int_equal(col, conf_col);
}

/* Each dirfd column holds a DIRFD argument, and each DIRFD argument sits in one. */
static void check_dirfds(const struct vg_sc_def *d)
{
	const struct vg_sc_conf *c = &d->conf;
	int want = (c->dirfd != NONE) + (c->dirfd2 != NONE);
	int n = 0;

	for (size_t i = 0; i < VG_SC_NARGS && d->args[i].name; i++)
		if (d->args[i].kind == VG_AK_DIRFD) {
			assert_true(d->args[i].col == c->dirfd || d->args[i].col == c->dirfd2);
			n++;
		}
	assert_int_equal(n, want);
	/* a dirfd only means something beside the path it is relative to */
	if (c->dirfd != NONE)
		assert_int_not_equal(c->path, NONE);
	if (c->dirfd2 != NONE)
		assert_int_not_equal(c->path2, NONE);
}

static void check_args(const struct vg_sc_def *d)
{
	const struct vg_sc_arg *a = d->args;

	/* Falco's exit events start with the result: res, or the new fd */
	assert_non_null(a[0].name);
	assert_true((a[0].kind == VG_AK_RES && strcmp(a[0].name, "res") == 0) ||
		    (a[0].kind == VG_AK_FD && a[0].col == RET && strcmp(a[0].name, "fd") == 0));
	for (size_t i = 0; i < VG_SC_NARGS && a[i].name; i++) {
		assert_true(a[i].name[0] != '\0');
		assert_true(a[i].kind < VG_AK__MAX);
		assert_true(a[i].col < 6 || a[i].col == RET);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(a[i].name, a[j].name);
	}
}

/*
 * The flags column: the kernel's config holds its low 8 bits as written
 * (plus RET_FD from the effect), the user-space flags sit above them, and
 * VG_SCF_SERVER (fd.is_server) is on exactly the calls whose socket is the
 * server's: an accept, bind and listen.
 */
static void check_flags(const struct vg_sc_def *d)
{
	bool server = d->fdfx == VG_FDFX_ACCEPT || strcmp(d->name, "bind") == 0 ||
		      strcmp(d->name, "listen") == 0;

	assert_int_equal(d->conf.flags & ~VG_SCF_RET_FD, d->flags & 0xff & ~VG_SCF_RET_FD);
	assert_int_equal(d->flags & ~0x1ffu, 0); /* no flag the code does not know */
	if (!!(d->flags & VG_SCF_SERVER) != server)
		fail_msg("%s: VG_SCF_SERVER is %s", d->name, server ? "missing" : "wrong here");
	if (server)
		assert_int_equal(d->conf.family, VG_FAM_SOCK);
}

/* The family agrees with the argument kinds and the columns. */
static void check_family(const struct vg_sc_def *d)
{
	const struct vg_sc_conf *c = &d->conf;

	assert_true(c->family < VG_FAM__MAX);
	check_path_col(d, c->path, VG_AK_PATH);
	check_path_col(d, c->path2, VG_AK_PATH2);
	check_dirfds(d);
	switch (c->family) {
	case VG_FAM_FILE: assert_true(c->path != NONE || c->fd != NONE); break;
	case VG_FAM_SOCK:
		assert_int_not_equal(c->fd, NONE);
		assert_int_equal(c->path, NONE);
		break;
	default: /* plain: the probe reads no path and no file */
		assert_int_equal(c->path, NONE);
		assert_int_equal(c->fd, NONE);
	}
	if (has_kind(d, VG_AK_TUPLE))
		assert_int_equal(c->family, VG_FAM_SOCK);
	assert_int_equal(has_kind(d, VG_AK_DATA),
			 (c->flags & (VG_SCF_DATA | VG_SCF_DATA_MSG)) != 0);
	if (c->flags & VG_SCF_OPEN_HOW)
		assert_true(has_kind(d, VG_AK_OFLAGS));
	if (c->salen != NONE)
		assert_int_not_equal(c->sa, NONE);
	check_flags(d);
}

/* The fd effect is set where the columns need it, and agrees with them. */
static void check_fdfx(const struct vg_sc_def *d)
{
	const struct vg_sc_conf *c = &d->conf;
	bool ret_fd = c->fd == RET;
	const struct vg_sc_arg *a;
	unsigned col = NONE;

	assert_true(d->fdfx < VG_FDFX__MAX);
	/* the probe's and the fd table's "the result is a new fd" */
	assert_int_equal(!!(c->flags & VG_SCF_RET_FD), vg_fdfx_ret_fd(d->fdfx));
	switch (d->fdfx) {
	case VG_FDFX_OPEN:
	case VG_FDFX_MEMFD:
		assert_int_equal(c->family, VG_FAM_FILE);
		assert_true(ret_fd && c->path != NONE);
		break;
	case VG_FDFX_SOCKET:
	case VG_FDFX_ACCEPT:
		assert_int_equal(c->family, VG_FAM_SOCK);
		assert_true(ret_fd);
		break;
	case VG_FDFX_PIPE:
	case VG_FDFX_UNIXPAIR:
		assert_int_equal(kind_count(d, VG_AK_FD1, &col), 1);
		assert_int_equal(col, c->sa);
		assert_int_equal(kind_count(d, VG_AK_FD2, &col), 1);
		assert_int_equal(col, c->sa);
		break;
	case VG_FDFX_CHDIR: assert_int_not_equal(c->path, NONE); break;
	case VG_FDFX_FCHDIR: assert_int_equal(c->fd, 0); break;
	case VG_FDFX_CLOSE:
	case VG_FDFX_DUP:
	case VG_FDFX_FCNTL:
		assert_non_null(vg_syscall_arg(d, VG_AK_FD));
		assert_int_equal(vg_syscall_arg(d, VG_AK_FD)->col, 0);
		break;
	default: break;
	}
	/* an fd argument the kernel does not describe is there for the fd table's effect */
	if ((a = vg_syscall_arg(d, VG_AK_FD)) && a->col == 0 && c->fd == NONE)
		assert_true(d->fdfx == VG_FDFX_CLOSE || d->fdfx == VG_FDFX_DUP ||
			    d->fdfx == VG_FDFX_FCNTL);
	/* a new fd in the result needs an effect that puts it in the fd table */
	if (ret_fd)
		assert_true(vg_fdfx_ret_fd(d->fdfx) && d->fdfx != VG_FDFX_DUP &&
			    d->fdfx != VG_FDFX_FCNTL);
	if (has_kind(d, VG_AK_OFLAGS))
		assert_int_equal(d->fdfx, VG_FDFX_OPEN);
	if (has_kind(d, VG_AK_FD1) || has_kind(d, VG_AK_FD2))
		assert_true(d->fdfx == VG_FDFX_PIPE || d->fdfx == VG_FDFX_UNIXPAIR);
}

static void test_every_row_is_complete(void **state)
{
	(void)state;
	assert_null(vg_syscall_def(VG_SC_NONE));
	assert_null(vg_syscall_def(VG_SC__MAX));
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const struct vg_sc_def *d = vg_syscall_def(id);
		const struct vg_sc_conf *c = &d->conf;

		print_message("[ row     ] %s\n", d->name);
		assert_int_equal(c->id, id);
		assert_true(d->name[0] != '\0');
		assert_int_equal(vg_syscall_by_name(d->name), id);
		assert_true(col_ok(c->path) && col_ok(c->path2) && col_ok(c->dirfd) &&
			    col_ok(c->dirfd2) && col_ok(c->fd) && col_ok(c->sa) &&
			    col_ok(c->salen));
		/* the Falco event name is one rules can select */
		assert_true(vg_evttype_code(d->falco, strlen(d->falco)) != 0);
		assert_true(d->arches != 0 && (d->arches & ~VG_ON_ALL) == 0);
		check_args(d);
		check_family(d);
		check_fdfx(d);
	}
}

/* Every name resolves on the arches its row declares, and on no other. */
static void test_names_resolve_per_arch(void **state)
{
	static const struct {
		uint32_t token;
		unsigned on;
	} arches[] = {{SCMP_ARCH_X86_64, VG_ON_X86_64}, {SCMP_ARCH_AARCH64, VG_ON_AARCH64}};

	(void)state;
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const struct vg_sc_def *d = vg_syscall_def(id);

		for (size_t a = 0; a < sizeof(arches) / sizeof(arches[0]); a++) {
			int nr = vg_syscall_nr_arch(id, arches[a].token);

			print_message("[ nr      ] %s on %s: %d\n", d->name,
				      arches[a].on == VG_ON_X86_64 ? "x86_64" : "aarch64", nr);
			assert_int_equal(nr >= 0, (d->arches & arches[a].on) != 0);
		}
		assert_int_equal(vg_syscall_nr(id), vg_syscall_nr_arch(id, SCMP_ARCH_NATIVE));
	}
	/* spot checks against the kernels' tables */
	assert_int_equal(vg_syscall_nr_arch(VG_SC_openat, SCMP_ARCH_X86_64), 257);
	assert_int_equal(vg_syscall_nr_arch(VG_SC_openat, SCMP_ARCH_AARCH64), 56);
	assert_int_equal(vg_syscall_nr_arch(VG_SC_connect, SCMP_ARCH_X86_64), 42);
	assert_int_equal(vg_syscall_nr_arch(VG_SC_open, SCMP_ARCH_AARCH64), -1);
	assert_int_equal(vg_syscall_nr(VG_SC_NONE), -1);
}

/* The names the hand-written list in evttypes.c accepted before libseccomp gave them. */
static const char *const old_names[] = {
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

static void test_old_names_still_accepted(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(old_names) / sizeof(old_names[0]); i++) {
		uint16_t code = vg_evttype_code(old_names[i], strlen(old_names[i]));

		if (!code)
			print_message("[ evttype ] %s is no longer an event type\n", old_names[i]);
		assert_int_not_equal(code, 0);
		assert_string_equal(vg_evttype_name(code), old_names[i]);
	}
	/* sorted, unique, within the sets' capacity */
	assert_true(vg_evttype_count() >= sizeof(old_names) / sizeof(old_names[0]) + 1);
	assert_true(vg_evttype_count() <= VG_EVT_COUNT);
	for (uint16_t c = 2; c < vg_evttype_count(); c++)
		assert_true(strcmp(vg_evttype_name(c - 1), vg_evttype_name(c)) < 0);
	assert_null(vg_evttype_name(vg_evttype_count()));
	assert_int_equal(vg_evttype_code("no_such_syscall", 15), 0);
}

/* Loads paths into one ruleset; returns its E-UNKNOWN-EVTTYPE count. */
static size_t unknown_evttypes(const char *const *paths, size_t n)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);
	const struct vg_diag *d;
	size_t nd, bad = 0;

	assert_non_null(rs);
	for (size_t i = 0; i < n; i++)
		vg_ruleset_load_path(rs, paths[i]);
	vg_ruleset_compile(rs);
	d = vg_ruleset_diags(rs, &nd);
	for (size_t i = 0; i < nd; i++)
		if (strcmp(d[i].code, "E-UNKNOWN-EVTTYPE") == 0) {
			print_message("[ evttype ] %s\n", d[i].msg);
			bad++;
		}
	print_message("[ rules   ] %s...: %zu rules, %zu errors\n", paths[0],
		      vg_ruleset_rule_count(rs), vg_ruleset_error_count(rs));
	vg_ruleset_free(rs);
	return bad;
}

static void test_rule_files_name_known_types(void **state)
{
	static const char *const vigil[] = {VIGIL_RULES_DIR};
	static const char *const falco[] = {
		FALCO_RULES_DIR "/falco_rules.yaml",
		FALCO_RULES_DIR "/falco-incubating_rules.yaml",
		FALCO_RULES_DIR "/falco-sandbox_rules.yaml",
		FALCO_RULES_DIR "/falco-deprecated_rules.yaml",
		FALCO_RULES_DIR "/application_rules.yaml",
	};

	(void)state;
	assert_int_equal(unknown_evttypes(vigil, 1), 0);
	if (access(FALCO_RULES_DIR "/falco_rules.yaml", R_OK) != 0) {
		print_message("[ rules   ] no %s: Falco's files not checked\n", FALCO_RULES_DIR);
		return;
	}
	assert_int_equal(unknown_evttypes(falco, sizeof(falco) / sizeof(falco[0])), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_is_complete),
		cmocka_unit_test(test_names_resolve_per_arch),
		cmocka_unit_test(test_old_names_still_accepted),
		cmocka_unit_test(test_rule_files_name_known_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
