/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco's Prometheus metric names, served beside vigil's own so that
 * dashboards and alerting rules built for Falco (falcosecurity_*) work
 * unchanged: the same names, types and labels as Falco 0.44 for every
 * number vigil has. docs/operations.md lists the ones not served and why.
 */
#ifndef VIGIL_CLI_FALCO_METRICS_H
#define VIGIL_CLI_FALCO_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

struct vg_metrics;
struct vg_ruleset;
struct vg_probes;
struct vg_outputs;
struct vg_rule;

/* One rule's falcosecurity_falco_rules_matches_total series (kept across reloads). */
struct vg_falco_series {
	char *labels;
	_Atomic uint64_t matches;
	struct vg_falco_series *next;
};

struct vg_falco_metrics;

/*
 * Registers the families in m; probes and outs (either may be NULL) must
 * outlive every scrape. config_path: the config file read (NULL: none).
 */
struct vg_falco_metrics *vg_falco_metrics_new(struct vg_metrics *m, struct vg_probes *probes,
					      struct vg_outputs *outs, const char *config_path);

/*
 * Event thread, at start-up and after each reload: the SHA-256 of the rules
 * files rs was loaded from (of the bytes it read) and of the config file
 * (read now), for Falco's sha256_*_files_info. Keeps the previous on OOM.
 */
void vg_falco_metrics_files(struct vg_falco_metrics *fm, const struct vg_ruleset *rs);
void vg_falco_metrics_free(struct vg_falco_metrics *fm);

/*
 * Event thread: the series of rule r (created on first use; the same rule,
 * by name, priority, source and tags, gets the same series after a reload).
 * NULL on OOM.
 */
struct vg_falco_series *vg_falco_metrics_rule(struct vg_falco_metrics *fm, const struct vg_rule *r);

static inline void vg_falco_series_inc(struct vg_falco_series *s)
{
	if (s)
		atomic_fetch_add_explicit(&s->matches, 1, memory_order_relaxed);
}

#endif
