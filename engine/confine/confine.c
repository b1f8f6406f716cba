// SPDX-License-Identifier: Apache-2.0
/*
 * Self-confinement: what vigil keeps once it runs, and the order it drops
 * the rest in (capabilities while it still may, then NoNewPrivs, then the
 * seccomp filter, which needs NoNewPrivs when CAP_SYS_ADMIN is gone).
 */
#include "confine/confine.h"

#include <errno.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIT(c) (1ull << (c))

/*
 * What the running engine still needs (docs/operations.md, "Self-confinement"):
 * - cap_bpf, cap_perfmon: a reload that changes the enforcing rules loads and
 *   attaches a new enforcement program (engine/kernel/enforce.c);
 * - cap_sys_ptrace: /proc/PID/{exe,cwd,environ,fd,ns,root} of processes of
 *   other users (or not dumpable) pass the kernel's ptrace access check only
 *   with it;
 * - cap_dac_read_search: those files and the container runtimes' state
 *   (rootless Podman's under /run/user/UID) are not readable by uid 0 without it.
 * A kernel before 5.8 has no cap_bpf/cap_perfmon: cap_sys_admin stands in.
 */
uint64_t vg_confine_kept_caps(void)
{
	/* CAP_KILL: a sequence's action: kill signals processes of any user */
	uint64_t keep = BIT(CAP_SYS_PTRACE) | BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_KILL);

	if (vg_confine_last_cap() >= 39)
		keep |= BIT(38) | BIT(39); /* CAP_PERFMON, CAP_BPF */
	else
		keep |= BIT(CAP_SYS_ADMIN);
	return keep;
}

/* What vg_confine_apply did, for the start-up summary. */
static char summary[640] = "not confined";

int vg_confine_apply(void)
{
	uint64_t keep = vg_confine_kept_caps();
	char names[512];
	int nsys;

	if (vg_confine_drop_caps(keep) != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		fprintf(stderr, "vigil: confine: PR_SET_NO_NEW_PRIVS: %s\n", strerror(errno));
		return -1;
	}
	nsys = vg_confine_seccomp();
	if (nsys < 0)
		return -1;
	snprintf(summary, sizeof(summary),
		 "confined: capabilities kept %s; NoNewPrivs; seccomp filter on "
		 "(%d system calls allowed, others fail with EPERM)",
		 vg_confine_caps_names(keep, names, sizeof(names)), nsys);
	return 0;
}

const char *vg_confine_summary(void)
{
	return summary;
}

static void probe_say(const char *where, const char *call, int e)
{
	fprintf(stderr, "vigil: confine probe (%s): %s: %s (errno %d)\n", where, call, strerror(e),
		e);
}

/* Calls the filter refuses; each harmless, or failing for another reason, when unconfined. */
static void probe_once(const char *where)
{
	char *const argv[] = {"/nonexistent-vigil-probe", NULL};
	pid_t pid;

	probe_say(where, "execve", execve(argv[0], argv, NULL) == 0 ? 0 : errno);
	probe_say(where, "mount",
		  mount("none", "/nonexistent-vigil-probe", "tmpfs", 0, NULL) == 0 ? 0 : errno);
	/* a new process: clone() without CLONE_THREAD */
	pid = fork();
	if (pid == 0)
		_exit(0);
	probe_say(where, "fork", pid > 0 ? 0 : errno);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	/* a signal to another process (0: only the permission check) */
	probe_say(where, "kill", kill(1, 0) == 0 ? 0 : errno);
}

static void *probe_thread(void *arg)
{
	probe_once(arg);
	return NULL;
}

void vg_confine_probe(void)
{
	pthread_t t;

	probe_once("main thread");
	if (pthread_create(&t, NULL, probe_thread, "new thread") == 0)
		pthread_join(t, NULL);
	else
		fprintf(stderr, "vigil: confine probe: cannot start a thread\n");
}
