/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The engine's own numbers in /metrics: events by type, the kernel's sent
 * and dropped counters by kind, alerts by rule and priority, the time the
 * rules take per event (sampled), the size of the process, fd and container
 * tables, the rules loaded, and reloads. Everything the event thread
 * touches per event is a relaxed single-writer counter; the rest is read
 * at scrape time or published by the event thread about once a second.
 */
#ifndef VIGIL_CLI_ENGINE_METRICS_H
#define VIGIL_CLI_ENGINE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

struct vg_metrics;
struct vg_pipeline;
struct vg_probes;
struct vg_outputs;
struct vg_ruleset;
struct vg_rule;

struct vg_engine_metrics;

/*
 * Registers the engine's families in m, and Falco's names for them
 * (cli/falco_metrics.h). pl, probes and outs (or NULL) must outlive every
 * scrape (stop the metrics server before freeing them). config_path: the
 * config file read, or NULL (its hash is served). NULL on OOM.
 */
struct vg_engine_metrics *vg_engine_metrics_new(struct vg_metrics *m, struct vg_pipeline *pl,
						struct vg_probes *probes, struct vg_outputs *outs,
						const char *config_path);
void vg_engine_metrics_free(struct vg_engine_metrics *em);

/*
 * Event thread: the ruleset alerts now come from (at start-up and at each
 * swap). Builds the rule -> counter table; -1 on OOM (alerts of rules not
 * in the table are then counted under rule="" only).
 */
int vg_engine_metrics_bind_rules(struct vg_engine_metrics *em, const struct vg_ruleset *rs,
				 int syscalls);

/* struct vg_alerter's on_alert hook: arg is the vg_engine_metrics. */
void vg_engine_metrics_on_alert(void *arg, const struct vg_rule *r);
/* Its on_match hook (every match, before rate limiting: Falco's rule counters). */
void vg_engine_metrics_on_match(void *arg, const struct vg_rule *r);

/* Event thread, about once a second: table sizes. */
void vg_engine_metrics_tick(struct vg_engine_metrics *em);

/* Event thread: a reload finished (wall_ns: when; duration_ns: load start to swap). */
void vg_engine_metrics_reload(struct vg_engine_metrics *em, bool ok, uint64_t wall_ns,
			      uint64_t duration_ns);

#endif
