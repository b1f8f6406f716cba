// SPDX-License-Identifier: Apache-2.0
#include "kernel/probes.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/libbpf_log.h"
#include "process.skel.h"

struct vg_probes {
	struct process_bpf *process;
	int attached;
};

bool vg_ringbuf_size_valid(uint64_t bytes)
{
	long page = sysconf(_SC_PAGESIZE);

	if (bytes < (uint64_t)page || (bytes & (bytes - 1)) || bytes > (1ull << 31)) {
		fprintf(stderr,
			"vigil: ring buffer size %llu is not a power of two between one page (%ld) "
			"and 2 GiB\n",
			(unsigned long long)bytes, page);
		return false;
	}
	return true;
}

/* Turns a failed load into the one-line cause an operator can act on. */
static void explain_load_failure(const char *probe, int err, uint32_t ringbuf_bytes)
{
	if (vg_libbpf_log_contains("map 'events': failed to create")) {
		fprintf(stderr, "vigil: cannot allocate the %u MiB ring buffer: %s\n",
			ringbuf_bytes >> 20, strerror(-err));
		return;
	}
	if (vg_libbpf_log_contains("BEGIN PROG LOAD LOG")) {
		fprintf(stderr, "vigil: the kernel's verifier rejected the %s probe: %s\n", probe,
			strerror(-err));
		vg_libbpf_log_print_tail(12);
		return;
	}
	fprintf(stderr, "vigil: loading the %s probe failed: %s\n", probe, strerror(-err));
	vg_libbpf_log_print_tail(6);
}

static int start_process(struct vg_probes *p, const struct vg_probes_opts *opts)
{
	struct process_bpf *skel = process_bpf__open();
	int err, ncpus = libbpf_num_possible_cpus();

	if (!skel) {
		fprintf(stderr, "vigil: cannot open the process probe: %s\n", strerror(errno));
		return -errno;
	}
	p->process = skel;
	skel->rodata->self_tgid = opts->self_tgid;
	skel->rodata->wakeup_bytes = opts->wakeup_bytes;
	bpf_map__set_max_entries(skel->maps.events, opts->ringbuf_bytes);
	bpf_map__set_max_entries(skel->maps.record_scratch, ncpus > 0 ? ncpus : 1);

	vg_libbpf_log_reset();
	err = process_bpf__load(skel);
	if (err) {
		explain_load_failure("process", err, opts->ringbuf_bytes);
		return err;
	}
	err = process_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "vigil: attaching the process probe failed: %s\n", strerror(-err));
		vg_libbpf_log_print_tail(4);
		return err;
	}
	p->attached += 3;
	return 0;
}

int vg_probes_start(const struct vg_probes_opts *opts, struct vg_probes **out)
{
	struct vg_probes *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	err = start_process(p, opts);
	if (err) {
		vg_probes_stop(p);
		return err;
	}
	*out = p;
	return 0;
}

void vg_probes_stop(struct vg_probes *p)
{
	if (!p)
		return;
	process_bpf__destroy(p->process);
	free(p);
}

int vg_probes_ringbuf_fd(const struct vg_probes *p)
{
	return bpf_map__fd(p->process->maps.events);
}

int vg_probes_attached(const struct vg_probes *p)
{
	return p->attached;
}

int vg_probes_counters(const struct vg_probes *p, struct vg_kcounters *out)
{
	int ncpus = libbpf_num_possible_cpus(), fd = bpf_map__fd(p->process->maps.counters);
	struct vg_kcounters *percpu;

	if (ncpus <= 0)
		return -EINVAL;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (uint32_t type = 0; type < VG_EV__MAX; type++) {
		out[type] = (struct vg_kcounters){0};
		if (bpf_map_lookup_elem(fd, &type, percpu) != 0)
			continue;
		for (int cpu = 0; cpu < ncpus; cpu++) {
			out[type].sent += percpu[cpu].sent;
			out[type].dropped += percpu[cpu].dropped;
		}
	}
	free(percpu);
	return 0;
}
