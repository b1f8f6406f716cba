// SPDX-License-Identifier: Apache-2.0
/*
 * Dropping capabilities in every thread of vigil.
 *
 * Capabilities, the bounding set and NoNewPrivs belong to each thread, not
 * to the process, and by the time start-up is done the outputs, the metrics
 * server, the DNS resolver, the reload compiler and the container worker
 * already run, each with every signal blocked. Dropping in the main thread
 * alone would leave them (the ones that parse hostile network input) with
 * every capability. So each thread runs the drop itself, in a handler for
 * glibc's internal set*id broadcast signal (__SIGRTMIN + 1, SIGSETXID):
 * glibc never lets pthread_sigmask block it, for exactly this purpose (POSIX
 * wants setuid() to change every thread). vigil never calls set*id(), so for
 * the few milliseconds of the drop the handler is borrowed through the raw
 * rt_sigaction() and then given back. Each thread's /proc status is then
 * checked, and threads started meanwhile by a thread not yet done are
 * caught by the next round.
 */
#include "confine/confine.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if !defined(__x86_64__) && !defined(__aarch64__) && !defined(__i386__)
#error "the thread-wide capability drop knows the kernel sigaction of x86 and arm64 only"
#endif

/* glibc's SIGSETXID: never blocked in any thread (see above) */
#define VG_SIG_ALLTHREADS (__SIGRTMIN + 1)
#define MAX_ROUNDS	  20

/* The kernel's struct sigaction for rt_sigaction(2) on x86 and arm64. */
struct vg_ksigaction {
	void (*handler)(int, siginfo_t *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/* What every thread must end with. */
struct caps_target {
	uint64_t keep; /* effective and permitted */
	bool bounding; /* drop the bounding set too (needs CAP_SETPCAP) */
	int last_cap;  /* /proc/sys/kernel/cap_last_cap */
};

static struct caps_target target;
static atomic_int bc_done, bc_err;
static pid_t bc_pid;

int vg_confine_last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int n = 40;

	if (f) {
		if (fscanf(f, "%d", &n) != 1 || n < 0 || n > 63)
			n = 40;
		fclose(f);
	}
	return n;
}

static int read_caps(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};

	return syscall(SYS_capget, &h, d) == 0 ? 0 : -errno;
}

/* The drop, in the calling thread; raw system calls only (it runs in a signal handler). */
static int drop_self(const struct caps_target *t)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {0};

	for (int c = 0; t->bounding && c <= t->last_cap; c++)
		if (!(t->keep >> c & 1) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 &&
		    errno != EINVAL)
			return -errno;
	/* EINVAL: a kernel before ambient capabilities has none to clear */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return -errno;
	d[0].effective = d[0].permitted = (uint32_t)t->keep;
	d[1].effective = d[1].permitted = (uint32_t)(t->keep >> 32);
	if (syscall(SYS_capset, &h, d) != 0)
		return -errno;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : -errno;
}

static void on_broadcast(int sig, siginfo_t *si, void *uc)
{
	int saved = errno, err;

	(void)sig;
	(void)uc;
	/* only vigil's own tgkill(), never a stray one from outside */
	if (si->si_code != SI_TKILL || si->si_pid != bc_pid)
		return;
	err = drop_self(&target);
	if (err)
		atomic_store(&bc_err, err);
	atomic_fetch_add(&bc_done, 1);
	errno = saved;
}

static uint64_t status_hex(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoull(p + strlen(key), NULL, 16) : ~0ull;
}

/* Whether thread tid holds exactly what t says, from /proc/self/task/TID/status. */
static bool thread_done(pid_t tid, const struct caps_target *t)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT; /* it has exited */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (status_hex(buf, "CapEff:") != t->keep || status_hex(buf, "CapPrm:") != t->keep ||
	    status_hex(buf, "CapInh:") != 0 || status_hex(buf, "CapAmb:") != 0)
		return false;
	if (t->bounding && status_hex(buf, "CapBnd:") != t->keep)
		return false;
	return strstr(buf, "NoNewPrivs:\t1") != NULL;
}

/* Asks thread tid to drop, and waits (at most 1 s) for its handler. 0 or -errno. */
static int drop_in(pid_t tid)
{
	int before = atomic_load(&bc_done);

	if (tid == (pid_t)syscall(SYS_gettid))
		return drop_self(&target);
	if (syscall(SYS_tgkill, bc_pid, tid, VG_SIG_ALLTHREADS) != 0)
		return errno == ESRCH ? 0 : -errno;
	for (int i = 0; i < 1000 && atomic_load(&bc_done) == before; i++)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	if (atomic_load(&bc_err))
		return atomic_load(&bc_err);
	return atomic_load(&bc_done) == before ? -ETIMEDOUT : 0;
}

/* One pass over the threads; *pending counts those that were not done. 0 or -errno. */
static int drop_round(int *pending, pid_t *failed)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int err = 0;

	if (!d)
		return -errno;
	*pending = 0;
	while (!err && (e = readdir(d))) {
		pid_t tid = (pid_t)atoi(e->d_name);

		if (tid <= 0 || thread_done(tid, &target))
			continue;
		(*pending)++;
		*failed = tid;
		err = drop_in(tid);
		/* a thread the scheduler has not run for a second (a loaded host) is
		   still pending: the next round asks it again */
		if (err == -ETIMEDOUT)
			err = 0;
	}
	closedir(d);
	return err;
}

static int broadcast_drop(void)
{
	struct vg_ksigaction old, act;
	int err = 0, pending = 1, rounds = 0;
	pid_t failed = 0;

	if (syscall(SYS_rt_sigaction, VG_SIG_ALLTHREADS, NULL, &old, sizeof(act.mask)) != 0)
		return -errno;
	act = old; /* glibc's flags and restorer, with this handler */
	act.handler = on_broadcast;
	act.flags |= SA_SIGINFO | SA_RESTART;
	act.mask = ~0ull;
	if (syscall(SYS_rt_sigaction, VG_SIG_ALLTHREADS, &act, NULL, sizeof(act.mask)) != 0)
		return -errno;
	while (!err && pending && rounds++ < MAX_ROUNDS)
		err = drop_round(&pending, &failed);
	syscall(SYS_rt_sigaction, VG_SIG_ALLTHREADS, &old, NULL, sizeof(act.mask));
	if (err || pending) {
		fprintf(stderr, "vigil: confine: thread %d could not drop its capabilities: %s\n",
			(int)failed, strerror(err ? -err : EAGAIN));
		return -1;
	}
	return 0;
}

int vg_confine_drop_caps(uint64_t keep)
{
	struct __user_cap_data_struct d[2];
	uint64_t prm;
	int err = read_caps(d);

	if (err) {
		fprintf(stderr, "vigil: confine: capget: %s\n", strerror(-err));
		return -1;
	}
	prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	target.last_cap = vg_confine_last_cap();
	/* what vigil was not given it cannot keep */
	target.keep = keep & prm;
	/* without CAP_SETPCAP the bounding set stays; NoNewPrivs and seccomp still hold */
	target.bounding = prm >> CAP_SETPCAP & 1;
	bc_pid = getpid();
	atomic_store(&bc_done, 0);
	atomic_store(&bc_err, 0);
	return broadcast_drop();
}

static const char *const cap_names[] = {
	"chown",
	"dac_override",
	"dac_read_search",
	"fowner",
	"fsetid",
	"kill",
	"setgid",
	"setuid",
	"setpcap",
	"linux_immutable",
	"net_bind_service",
	"net_broadcast",
	"net_admin",
	"net_raw",
	"ipc_lock",
	"ipc_owner",
	"sys_module",
	"sys_rawio",
	"sys_chroot",
	"sys_ptrace",
	"sys_pacct",
	"sys_admin",
	"sys_boot",
	"sys_nice",
	"sys_resource",
	"sys_time",
	"sys_tty_config",
	"mknod",
	"lease",
	"audit_write",
	"audit_control",
	"setfcap",
	"mac_override",
	"mac_admin",
	"syslog",
	"wake_alarm",
	"block_suspend",
	"audit_read",
	"perfmon",
	"bpf",
	"checkpoint_restore",
};

const char *vg_confine_caps_names(uint64_t mask, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64; c++) {
		const char *n =
			c < (int)(sizeof(cap_names) / sizeof(*cap_names)) ? cap_names[c] : "?";
		int w;

		if (!(mask >> c & 1) || len >= cap)
			continue;
		w = snprintf(buf + len, cap - len, "%scap_%s", len ? "," : "", n);
		len += w > 0 ? (size_t)w : 0;
	}
	if (!len)
		snprintf(buf, cap, "none");
	return buf;
}
