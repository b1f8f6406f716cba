// SPDX-License-Identifier: Apache-2.0
/* The outputs' numbers on /metrics, read at scrape time from their counters. */
#include <stddef.h>
#include <stdlib.h>

#include "metrics/metrics.h"
#include "delivery/outputs.h"

#define MAX_OUTPUTS 16

struct snap {
	struct vg_output_stats st[MAX_OUTPUTS];
	size_t n;
};

static void take(const struct vg_output_stats *st, void *arg)
{
	struct snap *s = arg;

	if (s->n < MAX_OUTPUTS)
		s->st[s->n++] = *st;
}

enum field {
	DEPTH,
	CAPACITY,
	DEPTH_BYTES,
	CAPACITY_BYTES,
	ACCEPTED,
	QUEUED,
	SENT,
	RETRIES,
	RESTARTS,
	ROTATIONS
};

static uint64_t field(const struct vg_output_stats *st, enum field f)
{
	switch (f) {
	case DEPTH: return st->depth;
	case CAPACITY: return st->capacity;
	case DEPTH_BYTES: return st->depth_bytes;
	case CAPACITY_BYTES: return st->capacity_bytes;
	case ACCEPTED: return st->accepted;
	case QUEUED: return st->queued;
	case SENT: return st->sent;
	case RETRIES: return st->retries;
	case RESTARTS: return st->restarts;
	case ROTATIONS: return st->rotations;
	}
	return 0;
}

/* The nats output: what the stream acknowledged, and its spool on disk. */
static void spool_metrics(struct vg_metrics_writer *w, const struct snap *s)
{
	const struct {
		const char *name;
		enum vg_metric_type type;
		size_t off;
		const char *help;
	} fams[] = {
		{"vigil_output_published_total", VG_METRIC_COUNTER,
		 offsetof(struct vg_output_stats, published),
		 "nats and spooling outputs: alerts delivered (directly or from the spool)."},
		{"vigil_output_spooled_total", VG_METRIC_COUNTER,
		 offsetof(struct vg_output_stats, spooled),
		 "nats and spooling outputs: alerts written to the on-disk spool (the receiver was "
		 "away or slow)."},
		{"vigil_output_spool_depth", VG_METRIC_GAUGE,
		 offsetof(struct vg_output_stats, spool_depth),
		 "nats and spooling outputs: alerts waiting in the on-disk spool."},
		{"vigil_output_spool_bytes", VG_METRIC_GAUGE,
		 offsetof(struct vg_output_stats, spool_bytes),
		 "nats and spooling outputs: bytes of the on-disk spool."},
	};
	char labels[128];

	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]); k++) {
		bool any = false;

		for (size_t i = 0; i < s->n; i++)
			any |= s->st[i].kind == VG_OUTPUT_NATS || s->st[i].has_spool;
		if (!any)
			return;
		vg_metrics_family(w, fams[k].name, fams[k].type, fams[k].help);
		for (size_t i = 0; i < s->n; i++) {
			if (s->st[i].kind != VG_OUTPUT_NATS && !s->st[i].has_spool)
				continue;
			vg_metrics_labels(labels, sizeof(labels), "output", s->st[i].name, NULL);
			vg_metrics_sample_u64(
				w, labels,
				*(const uint64_t *)((const char *)&s->st[i] + fams[k].off));
		}
	}
}

static void collect(struct vg_metrics_writer *w, void *arg)
{
	static const struct {
		const char *name;
		enum vg_metric_type type;
		enum field f;
		const char *help;
	} fams[] = {
		{"vigil_output_queue_depth", VG_METRIC_GAUGE, DEPTH,
		 "Alerts waiting in the output's queue, in flight included."},
		{"vigil_output_queue_capacity", VG_METRIC_GAUGE, CAPACITY,
		 "The output's queue bound, in alerts."},
		{"vigil_output_queue_bytes", VG_METRIC_GAUGE, DEPTH_BYTES,
		 "Bytes of the alerts in the output's queue (each shared copy counted whole)."},
		{"vigil_output_queue_capacity_bytes", VG_METRIC_GAUGE, CAPACITY_BYTES,
		 "The output's queue bound, in bytes."},
		{"vigil_output_accepted_total", VG_METRIC_COUNTER, ACCEPTED,
		 "Alerts offered to the output; accepted = sent + dropped + queue depth."},
		{"vigil_output_queued_total", VG_METRIC_COUNTER, QUEUED,
		 "Alerts accepted into the output's queue."},
		{"vigil_output_sent_total", VG_METRIC_COUNTER, SENT,
		 "Alerts the output delivered."},
		{"vigil_output_retries_total", VG_METRIC_COUNTER, RETRIES,
		 "Failed delivery attempts that were retried after a back-off."},
		{"vigil_output_restarts_total", VG_METRIC_COUNTER, RESTARTS,
		 "Times the program output's command was started again after it died."},
		{"vigil_output_rotations_total", VG_METRIC_COUNTER, ROTATIONS,
		 "File output rotations."},
	};
	struct snap *s = malloc(sizeof(*s));
	char labels[128];

	if (!s)
		return;
	s->n = 0;
	vg_outputs_stats(arg, take, s);
	for (size_t k = 0; k < sizeof(fams) / sizeof(fams[0]); k++) {
		vg_metrics_family(w, fams[k].name, fams[k].type, fams[k].help);
		for (size_t i = 0; i < s->n; i++) {
			vg_metrics_labels(labels, sizeof(labels), "output", s->st[i].name, NULL);
			vg_metrics_sample_u64(w, labels, field(&s->st[i], fams[k].f));
		}
	}
	vg_metrics_family(
		w, "vigil_output_dropped_total", VG_METRIC_COUNTER,
		"Alerts an output dropped, by reason: queue_full (its bound in alerts), "
		"queue_full_bytes (its bound in bytes, or all outputs' together), "
		"oversize (the alert alone was over outputs_queue.max_alert_bytes), "
		"failed (given up after the retries, or refused by the receiver), "
		"shutdown (still queued or in flight when vigil stopped); a spool's (nats, "
		"plugins): "
		"spool_bytes (forced out by spool_max_bytes), spool_age (older than "
		"spool_max_age), spool_corrupt (unreadable on disk), counted after sent.");
	for (size_t i = 0; i < s->n; i++) {
		const struct vg_output_stats *st = &s->st[i];
		const struct {
			const char *reason;
			uint64_t n;
		} by[] = {
			{"queue_full", st->dropped_full},
			{"queue_full_bytes", st->dropped_bytes},
			{"oversize", st->dropped_oversize},
			{"failed", st->dropped_failed},
			{"shutdown", st->dropped_shutdown},
			{"spool_bytes", st->spool_dropped_bytes},
			{"spool_age", st->spool_dropped_age},
			{"spool_corrupt", st->spool_dropped_corrupt},
		};

		for (size_t r = 0; r < sizeof(by) / sizeof(by[0]); r++) {
			if (r >= 5 && !st->has_spool)
				continue;
			vg_metrics_labels(labels, sizeof(labels), "output", st->name, "reason",
					  by[r].reason, NULL);
			vg_metrics_sample_u64(w, labels, by[r].n);
		}
	}
	vg_metrics_family(
		w, "vigil_output_last_success_timestamp_seconds", VG_METRIC_GAUGE,
		"When the output last delivered an alert (Unix time); 0 before the first.");
	for (size_t i = 0; i < s->n; i++) {
		vg_metrics_labels(labels, sizeof(labels), "output", s->st[i].name, NULL);
		vg_metrics_sample(w, labels, (double)s->st[i].last_ok_ns / 1e9);
	}
	vg_metrics_family(
		w, "vigil_output_healthy", VG_METRIC_GAUGE,
		"1 when the output's last delivery attempt succeeded, 0 while it is failing.");
	for (size_t i = 0; i < s->n; i++) {
		vg_metrics_labels(labels, sizeof(labels), "output", s->st[i].name, NULL);
		vg_metrics_sample_u64(w, labels, !s->st[i].failing);
	}
	spool_metrics(w, s);
	free(s);
}

int vg_outputs_register_metrics(struct vg_outputs *outs, struct vg_metrics *m)
{
	return vg_metrics_add_collector(m, collect, outs);
}
