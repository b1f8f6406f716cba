/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decode and state stages of the engine (engine/engine.h): one call per
 * record decodes it, applies it to the process and fd tables, looks up its
 * container, then calls the sink the engine connected (the rules, the event
 * JSON of `vigil events`, or the capture file), then finishes what must
 * outlive the sink (a closed fd, exited processes). Commands use the engine,
 * not this directly.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "state/event_state.h"
#include "state/fd_state.h"
#include "vigil/event.h"
#include "vigil/syscalls.h"

struct vg_proc_table;
struct vg_event;
struct vg_proc;
struct vg_containers;
struct vg_histogram;

/*
 * What the pipeline counts, for /metrics. Written only by the thread that
 * runs the pipeline, read by the metrics endpoint's thread: relaxed atomics
 * with a plain load-add-store (vg_stat_bump), which compiles to ordinary
 * moves, no locked instruction on the event path.
 */
struct vg_pipeline_stats {
	_Atomic uint64_t events[VG_EV__MAX];   /* decoded, by event kind */
	_Atomic uint64_t syscalls[VG_SC__MAX]; /* decoded syscall events, by syscall */
	_Atomic uint64_t malformed;
};

static inline void vg_stat_bump(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

/* One event in this many has its sink (rule evaluation) timed. */
#define VG_PIPELINE_TIME_EVERY 64

/*
 * Called for each decoded event after state is updated; ctx is the pipeline's
 * sink_ctx. ev is the decoder's read-only view; st what the state stage
 * derived for it (resolved paths, fd, container).
 */
typedef void (*vg_event_sink)(void *ctx, const struct vg_event *ev, const struct vg_event_state *st,
			      struct vg_proc *p);

struct vg_env_policy;
struct vg_alert_builder;

struct vg_pipeline {
	struct vg_proc_table *procs;
	int64_t boot_to_wall_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
	vg_event_sink sink;
	void *sink_ctx;
	const char *procfs_root;	  /* "/proc"; NULL in tests that must not read it */
	struct vg_containers *containers; /* NULL: no container enrichment (replay) */
	struct vg_fd_scratch fd_scratch;
	uint64_t decoded;
	uint64_t malformed;
	struct vg_pipeline_stats stats;
	/* NULL: the sink is not timed; else 1 in VG_PIPELINE_TIME_EVERY events is */
	struct vg_histogram *sink_time;
	/* what `vigil events` writes of an environment; NULL: nothing */
	const struct vg_env_policy *env_policy;
	/* the JSON writer of `vigil events`, reused across events (the engine's) */
	struct vg_alert_builder *events_out;
	/*
	 * false: an exited process's environment is freed once its exit event
	 * is done (the engine sets it from the rules: only proc.aenv reads it
	 * again); a fork storm leaves thousands of exited processes lingering.
	 */
	bool keep_exited_env;
};

/* CLOCK_REALTIME minus CLOCK_BOOTTIME, to stamp kernel events with wall time. */
int64_t vg_boot_to_wall_ns(void);

/* ring_buffer_sample_fn: ctx is a struct vg_pipeline. */
int vg_pipeline_handle(void *ctx, void *data, size_t len);

/*
 * Live capture, with the ring buffer read to its end: ends the linger of
 * exited processes by the clock. Events' timestamps do it otherwise, so on
 * a host gone quiet after a burst their state stayed until the next event.
 * With records still queued it must not run: their late events need it.
 */
void vg_pipeline_expire_idle(struct vg_pipeline *pl);

/*
 * The sink of `vigil events`: ctx is the struct vg_pipeline (its env_policy
 * applies, its events_out writes the line).
 */
void vg_sink_event_json(void *ctx, const struct vg_event *ev, const struct vg_event_state *st,
			struct vg_proc *p);

#endif
