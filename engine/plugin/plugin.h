/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plugins (include/vigil/plugin.h): loads shared objects, checks their ABI
 * version, registers their sources and fields in the field registry, and
 * carries their events from the plugins' threads to the engine through one
 * bounded queue (push never blocks; what does not fit is counted).
 */
#ifndef VIGIL_PLUGIN_LOADER_H
#define VIGIL_PLUGIN_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fields/eval_ctx.h"

struct vg_plugins;

/* One entry of vigil.yaml's plugins: (Falco's names). */
struct vg_plugin_spec {
	const char *name;
	const char *library_path;
	const char *init_config; /* "" when none */
};

/*
 * Loads, checks and initialises each spec (in order) and registers what it
 * provides. NULL with "vigil: plugin '<name>': ..." on stderr on any failure
 * (nothing stays loaded then). queue_max: events queued at most (0: 4096).
 */
struct vg_plugins *vg_plugins_load(const struct vg_plugin_spec *specs, size_t n, size_t queue_max);
/* Starts the sources' threads. -1 with a message when one fails. */
int vg_plugins_start(struct vg_plugins *ps);
/*
 * Hands every queued event to fn, on the calling thread, in arrival order;
 * returns how many. The event is valid during the call only.
 */
typedef void (*vg_plugin_event_fn)(void *arg, const struct vg_src_event *ev);
size_t vg_plugins_drain(struct vg_plugins *ps, vg_plugin_event_fn fn, void *arg);
struct vg_output_config;
/*
 * The outputs of the plugins that have one, as delivery/ configs (their
 * kinds registered at load), for vg_outputs_new; returns how many (<= max).
 */
size_t vg_plugins_outputs(struct vg_plugins *ps, struct vg_output_config *out, size_t max);
/* Stops the sources' threads: no event is pushed after it returns. NULL is fine. */
void vg_plugins_stop(struct vg_plugins *ps);
/*
 * Stops the sources, destroys every plugin. After vg_outputs_shutdown when
 * a plugin has an output: its worker calls the plugin. NULL is fine.
 */
void vg_plugins_free(struct vg_plugins *ps);

struct vg_plugins_stats {
	uint64_t pushed, dropped_full, dropped_oversize, bad_values;
};
void vg_plugins_stats(const struct vg_plugins *ps, struct vg_plugins_stats *st);
/*
 * Plugin i's own counters and the shared queue's fill (queued of qcap);
 * returns its name, or NULL past the last plugin.
 */
const char *vg_plugins_stats_of(const struct vg_plugins *ps, size_t i, struct vg_plugins_stats *st,
				size_t *queued, size_t *qcap);
struct vg_metrics;
/* The counters above on /metrics (plugin_metrics.c); 0, or -1 on OOM. NULL ps: nothing. */
int vg_plugins_add_metrics(struct vg_plugins *ps, struct vg_metrics *m);
/* "name version (api x.y) source: s, N fields" lines, for --list-plugins. */
void vg_plugins_list(const struct vg_plugins *ps, FILE *f);
size_t vg_plugins_count(const struct vg_plugins *ps); /* 0 for NULL */
/* One "vigil: plugins: ..." line of the counters (vigil run's exit summary); none for NULL. */
void vg_plugins_print_summary(const struct vg_plugins *ps, FILE *f);

#endif
