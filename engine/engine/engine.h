/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine object: it owns the stages of the user-space data path
 *
 *   probe record -> decode -> state -> rules -> alert -> delivery
 *
 * and every command drives it the same way, libbpf-tools style:
 *
 *   vg_engine_open(&e, &opts);            process table (the state stage)
 *   vg_engine_set_rules(&e, rs, stdout);  configure: rules + alerts, or
 *   vg_engine_set_events / _set_capture   events as JSON, or a capture
 *   vg_engine_start(&e);
 *   vg_engine_feed(&e, rec, len) ...      one call per probe record
 *   vg_engine_stop(&e);
 *   vg_engine_close(&e);
 *
 * `vigil run`, `events` and `capture` feed it from the ring buffer
 * (vg_engine_feed is a ring_buffer_sample_fn), `replay` from JSON lines or a
 * capture file, rules_bench from a recorded stream. The engine calls the
 * rules itself and hands each match to the alert stage (alert/alert.h),
 * which builds the JSON and hands it to delivery (delivery/outputs.h).
 */
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alert/alert.h"
#include "engine/pipeline.h"

struct vg_ruleset;
struct vg_env_policy;
struct vg_capture_sink;
struct vg_outputs;
struct vg_ratelimit;

/* How far each record goes. */
enum vg_engine_mode {
	VG_ENGINE_STATE,   /* decode and state only (benchmarks' baseline) */
	VG_ENGINE_MATCH,   /* + rules, matches counted, no alert built (benchmarks) */
	VG_ENGINE_ALERTS,  /* + alerts, to delivery: run, replay */
	VG_ENGINE_EVENTS,  /* decode, state, then each event as JSON: events, replay --events */
	VG_ENGINE_CAPTURE, /* decode, state, then the record into a capture file: capture */
};

struct vg_engine_opts {
	size_t max_procs;	 /* the process table's entries */
	const char *procfs_root; /* "/proc" live; NULL offline (replay, tests, benchmarks) */
	int64_t boot_to_wall_ns; /* vg_boot_to_wall_ns() live; a capture brings its own */
};

struct vg_engine {
	/* decode -> state: the process table, containers, counters (read by /metrics) */
	struct vg_pipeline pl;
	enum vg_engine_mode mode;
	/* the rules in force; vg_engine_swap_rules replaces them between two records */
	struct vg_ruleset *rules;
	/* the alert stage; its outs (or its FILE) is delivery */
	struct vg_alerter alerter;
	bool alerter_ready;
	struct vg_outputs *outs;	    /* delivery, not owned; NULL: the alerter's FILE */
	struct vg_ratelimit *rl;	    /* not owned; NULL: no rate limiting */
	struct vg_capture_sink *capture;    /* VG_ENGINE_CAPTURE's file, not owned */
	struct vg_alert_builder events_out; /* VG_ENGINE_EVENTS's JSON writer */
	bool events_ready;
	uint64_t matches; /* rule matches, alerts or not (VG_ENGINE_MATCH counts too) */
	bool started;
};

/* The state stage: an empty process table. -1 (with a message) when out of memory. */
int vg_engine_open(struct vg_engine *e, const struct vg_engine_opts *o);

/*
 * Rules and alerts: the engine takes rs (vg_engine_close frees the rules in
 * force; on failure rs stays the caller's); alerts go to out until
 * vg_engine_set_delivery. Alert format and hooks are configured on
 * e->alerter before vg_engine_start.
 */
int vg_engine_set_rules(struct vg_engine *e, struct vg_ruleset *rs, FILE *out);
/* Delivery: alerts to the configured outputs; rl (or NULL) rate-limits them first. */
void vg_engine_set_delivery(struct vg_engine *e, struct vg_outputs *outs, struct vg_ratelimit *rl);
/* Each event as JSON on stdout, its environment as pol says (NULL: none). */
void vg_engine_set_events(struct vg_engine *e, const struct vg_env_policy *pol);
/* Each record into cs's capture file. */
void vg_engine_set_capture(struct vg_engine *e, struct vg_capture_sink *cs);
/* The benchmarks' partial paths (VG_ENGINE_STATE, VG_ENGINE_MATCH); only while stopped. */
int vg_engine_set_mode(struct vg_engine *e, enum vg_engine_mode mode);

/* Connects the stages for the mode configured; -1 if that mode lacks what it needs. */
int vg_engine_start(struct vg_engine *e);
/* One probe record through the stages (ring_buffer_sample_fn: ctx is the engine). */
int vg_engine_feed(void *ctx, void *data, size_t len);
/*
 * New rules in force from the next record on; returns the old ones (the
 * caller frees them, off the event path). Called between two feeds.
 */
struct vg_src_event;
/* One event of a plugin's source (engine/plugin/): the rules of its source, then alerts. */
void vg_engine_feed_source(struct vg_engine *e, const struct vg_src_event *src);
struct vg_ruleset *vg_engine_swap_rules(struct vg_engine *e, struct vg_ruleset *rs);
void vg_engine_stop(struct vg_engine *e);
/* Frees the stages: alert stage, rules in force, containers, process table. */
void vg_engine_close(struct vg_engine *e);

#endif
