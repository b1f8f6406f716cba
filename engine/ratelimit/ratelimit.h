/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert rate limiting: a token bucket per rule, or per rule and process,
 * so one noisy rule (or one noisy process) cannot flood the outputs and
 * hide the others. What is suppressed is counted, and a periodic summary
 * alert says so: "N alerts of rule X suppressed in the last T s".
 *
 * Single-threaded: call it from the thread that evaluates rules.
 */
#ifndef VIGIL_RATELIMIT_H
#define VIGIL_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "delivery/outputs.h"

struct vg_ratelimit_config {
	bool enabled;
	double rate;		     /* tokens (alerts) per second, > 0 */
	double burst;		     /* bucket size, >= 1 */
	bool per_process;	     /* one bucket per rule and process (tgid) */
	uint32_t summary_interval_s; /* how often suppressions are reported; 0 = never */
	uint32_t max_keys;	     /* rule+process buckets kept; default 16384 */
};

struct vg_ratelimit;

/* NULL with a message on stderr when the settings are invalid or on OOM. */
struct vg_ratelimit *vg_ratelimit_new(const struct vg_ratelimit_config *cfg);
void vg_ratelimit_free(struct vg_ratelimit *rl);

/*
 * One alert of `rule` by process `pid` at now_ns (any monotonic clock):
 * true to emit it, false when it is suppressed (and counted). Allocates
 * only the first time a rule is seen. When the rule+process table is full,
 * the alert falls back to the rule's own bucket, so a flood of new pids
 * cannot escape the limit.
 */
bool vg_ratelimit_allow(struct vg_ratelimit *rl, const char *rule, uint32_t pid, uint64_t now_ns);

struct vg_ratelimit_summary {
	const char *rule;
	uint64_t suppressed; /* in the interval */
	double interval_s;
};

typedef void (*vg_ratelimit_summary_fn)(const struct vg_ratelimit_summary *s, void *arg);

/*
 * Call often (each poll loop). Once per summary interval, calls fn for each
 * rule that had suppressed alerts in it, then starts a new interval.
 * Returns how many summaries were made.
 */
size_t vg_ratelimit_tick(struct vg_ratelimit *rl, uint64_t now_ns, vg_ratelimit_summary_fn fn,
			 void *arg);

uint64_t vg_ratelimit_suppressed(const struct vg_ratelimit *rl);

/*
 * The summary as an alert in Falco's schema (rule "vigil: alerts
 * suppressed", priority Notice, source "internal") for vg_outputs_submit.
 * wall_ns is the wall-clock time; json and text are owned by the caller
 * (free them). 0, or -1 on OOM.
 */
int vg_ratelimit_summary_alert(const struct vg_ratelimit_summary *s, const char *hostname,
			       uint64_t wall_ns, struct vg_alert_msg *out, char **json,
			       char **text);

/*
 * The usual call from the event loop: vg_ratelimit_tick(), and each summary
 * made into an alert and submitted to outs. Returns the summaries sent.
 */
size_t vg_ratelimit_report(struct vg_ratelimit *rl, uint64_t now_ns, struct vg_outputs *outs,
			   const char *hostname);

#endif
