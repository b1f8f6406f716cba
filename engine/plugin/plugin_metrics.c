// SPDX-License-Identifier: Apache-2.0
/*
 * The plugins' counters on /metrics, per plugin: what its source pushed,
 * what the bounded queue refused and why, the bad values its extract()
 * returned; and the queue's fill, so a source outrunning vigil shows before
 * it drops.
 */
#include <stdio.h>

#include "metrics/metrics.h"
#include "plugin/plugin.h"

static void family(struct vg_metrics_writer *w, const struct vg_plugins *ps, const char *name,
		   const char *help, int which)
{
	struct vg_plugins_stats st;
	size_t queued, qcap;
	const char *pname;
	char labels[160];

	vg_metrics_family(w, name, VG_METRIC_COUNTER, help);
	for (size_t i = 0; (pname = vg_plugins_stats_of(ps, i, &st, &queued, &qcap)); i++) {
		if (which == 1) {
			vg_metrics_labels(labels, sizeof(labels), "plugin", pname, "reason",
					  "queue_full", NULL);
			vg_metrics_sample_u64(w, labels, st.dropped_full);
			vg_metrics_labels(labels, sizeof(labels), "plugin", pname, "reason",
					  "oversize", NULL);
			vg_metrics_sample_u64(w, labels, st.dropped_oversize);
			continue;
		}
		vg_metrics_labels(labels, sizeof(labels), "plugin", pname, NULL);
		vg_metrics_sample_u64(w, labels, which == 0 ? st.pushed : st.bad_values);
	}
}

static void collect(struct vg_metrics_writer *w, void *arg)
{
	const struct vg_plugins *ps = arg;
	struct vg_plugins_stats st;
	size_t queued = 0, qcap = 0;

	family(w, ps, "vigil_plugin_events_total", "events a plugin's source queued", 0);
	family(w, ps, "vigil_plugin_events_dropped_total",
	       "events a plugin's source pushed that the queue refused, by reason", 1);
	family(w, ps, "vigil_plugin_bad_values_total",
	       "field values a plugin returned that vigil refused (wrong type, count, length)", 2);
	vg_plugins_stats_of(ps, 0, &st, &queued, &qcap);
	vg_metrics_family(w, "vigil_plugin_queue_events", VG_METRIC_GAUGE,
			  "events waiting in the plugins' queue");
	vg_metrics_sample_u64(w, "", queued);
	vg_metrics_family(w, "vigil_plugin_queue_capacity", VG_METRIC_GAUGE,
			  "events the plugins' queue holds at most");
	vg_metrics_sample_u64(w, "", qcap);
}

int vg_plugins_add_metrics(struct vg_plugins *ps, struct vg_metrics *m)
{
	if (!ps || !m || !vg_plugins_count(ps))
		return 0;
	return vg_metrics_add_collector(m, collect, ps);
}
