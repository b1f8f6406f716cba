/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-event path in user space: ring-buffer record -> decode -> state
 * -> (debug JSON | rule engine -> alert). One call per record.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "state/fd_state.h"

struct vg_proc_table;
struct vg_event;
struct vg_proc;
struct vg_containers;

/* Called for each decoded event after state is updated. */
typedef void (*vg_event_sink)(void *ctx, const struct vg_event *ev, struct vg_proc *p);

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
};

/* CLOCK_REALTIME minus CLOCK_BOOTTIME, to stamp kernel events with wall time. */
int64_t vg_boot_to_wall_ns(void);

/* ring_buffer_sample_fn: ctx is a struct vg_pipeline. */
int vg_pipeline_handle(void *ctx, void *data, size_t len);

/* The sink of `vigil events`: ctx is a FILE *. */
void vg_sink_event_json(void *ctx, const struct vg_event *ev, struct vg_proc *p);

#endif
