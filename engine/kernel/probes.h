/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The probes vigil runs: open -> configure -> load -> attach, and the
 * ring buffer and counters they share with user space.
 */
#ifndef VIGIL_PROBES_H
#define VIGIL_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/event.h"
#include "vigil/syscalls.h"

struct vg_probes_opts {
	uint32_t ringbuf_bytes;	  /* power of two, at least a page */
	uint32_t self_tgid;	  /* excluded in the kernel */
	uint32_t wakeup_bytes;	  /* wake the reader only past this backlog; 0: every record */
	const bool *syscalls;	  /* by enum vg_syscall: which to capture; NULL: all */
	int hooks_mode;		  /* enum vg_hooks_mode (kernel/hooks.h): fentry/kprobe hooks */
	bool watch_unimplemented; /* raw sys_exit for wanted syscalls this kernel lacks */
};

struct vg_probes;

/* Starts every probe; on failure prints a one-line cause and returns -errno. */
int vg_probes_start(const struct vg_probes_opts *opts, struct vg_probes **out);
/*
 * The same in three steps, for a caller that overlaps them (cmd_run.c):
 * open loads and attaches the process probe, whose maps (ring buffer,
 * counters, scratch: vg_probes_shared_maps) every other probe shares; then
 * load_syscalls and start_hooks, which may run at once in two threads (they
 * touch different parts of p), as may other probes loaded over the shared
 * maps (the enforcer). Each prints its one-line cause on failure and
 * returns -errno; after open, p is the caller's to vg_probes_stop.
 */
int vg_probes_open(const struct vg_probes_opts *opts, struct vg_probes **out);
int vg_probes_load_syscalls(struct vg_probes *p, const struct vg_probes_opts *opts);
int vg_probes_start_hooks(struct vg_probes *p, const struct vg_probes_opts *opts);
/*
 * After open, beside load_syscalls: loads the raw sys_exit tier's programs
 * that `wanted` (by enum vg_syscall) needs where this kernel has no
 * syscalls/sys_exit_<name> tracepoint, judged from the tracing directory.
 * Only a head start: vg_probes_set_syscalls loads whatever is still missing.
 */
int vg_probes_prefetch_raw(struct vg_probes *p, const bool *wanted);
void vg_probes_stop(struct vg_probes *p);

/*
 * Changes the captured syscalls (by enum vg_syscall; NULL: all); takes effect
 * at once. Each wanted syscall gets a program on its syscalls/sys_exit_<name>
 * tracepoint and the others none; the raw sys_exit program is attached only
 * while a wanted syscall has no such tracepoint and watch_unimplemented is
 * set, or the kernel has no per-syscall tracepoints (or VIGIL_RAW_SYSCALLS=1).
 */
int vg_probes_set_syscalls(struct vg_probes *p, const bool *wanted);
/* How the syscalls are hooked now: per-syscall tracepoints attached, raw one or not. */
int vg_probes_syscall_hooks(const struct vg_probes *p, int *per_syscall, bool *raw);
/*
 * The wanted syscalls that have no syscalls/ tracepoint on this kernel
 * ("finit_module, init_module" where modules are compiled out), which the
 * raw sys_exit reports at the cost of every syscall when watch_unimplemented
 * is set, and nothing sees otherwise; how many. None when the kernel has no
 * per-syscall tracepoints at all (the raw one is all).
 */
size_t vg_probes_raw_syscalls(const struct vg_probes *p, char *buf, size_t len);
/*
 * How many wanted syscalls have an fexit program on their wrapper (tier 0,
 * kernel/syscall_fexit.h); when why is given and the tier is off, why.
 */
int vg_probes_syscall_fexits(const struct vg_probes *p, char *why, size_t len);
/*
 * Where the fexit tier is in use, the wanted syscalls left on their
 * tracepoint (no wrapper in vmlinux BTF, or a refused attach); how many.
 */
size_t vg_probes_tp_syscalls(const struct vg_probes *p, char *buf, size_t len);

int vg_probes_ringbuf_fd(const struct vg_probes *p);

/* What another probe (enforcement) shares with the process probe. */
struct vg_shared_maps {
	int events, counters, record_scratch, path_scratch;
};
void vg_probes_shared_maps(const struct vg_probes *p, struct vg_shared_maps *out);
/* A map of the syscall probe by name (syscall_conf, path_filter, ...); -1 when absent. */
int vg_probes_syscall_map_fd(const struct vg_probes *p, const char *name);
int vg_probes_attached(const struct vg_probes *p);
/* Sums the per-CPU counters into out[VG_EV__MAX]. */
int vg_probes_counters(const struct vg_probes *p, struct vg_kcounters *out);

/* Checks an --ringbuf-size value; prints why it is refused. */
bool vg_ringbuf_size_valid(uint64_t bytes);

#endif
