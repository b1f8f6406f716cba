// SPDX-License-Identifier: Apache-2.0
/*
 * kfloor: the floor under vigil's kernel cost. Attaches an empty BPF
 * program (r0 = 0; exit) to each hook named on the command line and
 * waits for SIGINT or SIGTERM. What a workload costs under kfloor is what
 * the hooks cost with no work done in them: the part of vigil's cost no
 * change inside its programs can remove (bench/kernel-cost.sh).
 *
 *   kfloor tracepoint:NAME... raw_tracepoint:NAME...
 *
 * NAME as `bpftool perf show` prints it: a tracepoint's event name
 * (sys_exit_openat; its category is looked up in tracefs) or a raw
 * tracepoint's (sys_exit, sched_process_exec). Prints "kfloor: ready"
 * once all are attached. Needs root.
 */
#include <errno.h>
#include <glob.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* The empty program: return 0. */
static int load_empty(enum bpf_prog_type type)
{
	struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr = {0};

	attr.prog_type = type;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &attr);
}

/* The tracefs id of event name, from whichever category holds it; -1 if none. */
static long tracepoint_id(const char *name)
{
	static const char *const roots[] = {"/sys/kernel/tracing/events",
					    "/sys/kernel/debug/tracing/events"};
	char pattern[512];
	long id = -1;

	for (size_t r = 0; r < 2 && id < 0; r++) {
		glob_t g;
		FILE *f;

		snprintf(pattern, sizeof(pattern), "%s/*/%s/id", roots[r], name);
		if (glob(pattern, 0, NULL, &g) != 0)
			continue;
		if ((f = fopen(g.gl_pathv[0], "r"))) {
			if (fscanf(f, "%ld", &id) != 1)
				id = -1;
			fclose(f);
		}
		globfree(&g);
	}
	return id;
}

static int attach_tracepoint(int prog, const char *name)
{
	struct perf_event_attr pa = {0};
	long id = tracepoint_id(name);
	int fd;

	if (id < 0) {
		fprintf(stderr, "kfloor: tracepoint %s: not found in tracefs\n", name);
		return -1;
	}
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.size = sizeof(pa);
	pa.config = id;
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	fd = syscall(SYS_perf_event_open, &pa, -1 /* any pid */, 0 /* cpu */, -1,
		     PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 || ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog) ||
	    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
		fprintf(stderr, "kfloor: tracepoint %s: %s\n", name, strerror(errno));
		return -1;
	}
	return fd;
}

static int attach_raw(int prog, const char *name)
{
	union bpf_attr attr = {0};
	int fd;

	attr.raw_tracepoint.name = (unsigned long)name;
	attr.raw_tracepoint.prog_fd = prog;
	if ((fd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr)) < 0)
		fprintf(stderr, "kfloor: raw tracepoint %s: %s\n", name, strerror(errno));
	return fd;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	int tp, raw, n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: kfloor tracepoint:NAME... raw_tracepoint:NAME...\n");
		return 2;
	}
	tp = load_empty(BPF_PROG_TYPE_TRACEPOINT);
	raw = load_empty(BPF_PROG_TYPE_RAW_TRACEPOINT);
	if (tp < 0 || raw < 0) {
		fprintf(stderr, "kfloor: loading the empty program: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int fd;

		/* one perf event runs the program on every CPU, as libbpf attaches it */
		if (!strncmp(a, "tracepoint:", 11)) {
			if ((fd = attach_tracepoint(tp, a + 11)) < 0)
				return 1;
		} else if (!strncmp(a, "raw_tracepoint:", 15)) {
			if ((fd = attach_raw(raw, a + 15)) < 0)
				return 1;
		} else {
			fprintf(stderr, "kfloor: %s: want tracepoint:NAME or raw_tracepoint:NAME\n",
				a);
			return 2;
		}
		n++;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("kfloor: ready: an empty program on %d hooks\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	return 0;
}
