/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the nats benchmarks (nats_bench.c, fleet_sim.c) share: a monotonic
 * clock and one nats output made the way vigil makes it from nats_output.
 */
#ifndef VIGIL_BENCH_NATS_COMMON_H
#define VIGIL_BENCH_NATS_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "delivery/outputs.h"

static inline double nb_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct nb_output {
	char **urls;
	size_t n_urls;
	const char *stream, *subject_prefix, *host;
	const char *spool_dir; /* NULL: no spool */
	uint32_t replicas, ack_timeout_ms;
	unsigned alerts; /* queued at most, beside 16 more */
};

/* One nats output (queue, worker, publish and ack) with room for o->alerts alerts. */
static inline struct vg_outputs *nb_output_new(const struct nb_output *o)
{
	struct vg_output_config oc = {
		.kind = VG_OUTPUT_NATS,
		.enabled = true,
		.min_priority = 7,
		.queue_size = o->alerts + 16,
		.queue_max_bytes = (uint64_t)o->alerts * 4096 + (1 << 20),
		.max_retries = UINT32_MAX,
	};
	struct vg_outputs_config c = {.outputs = &oc, .n = 1};

	oc.nats.urls = o->urls;
	oc.nats.n_urls = o->n_urls;
	oc.nats.stream = o->stream;
	oc.nats.subject_prefix = o->subject_prefix;
	oc.nats.create_stream = true;
	oc.nats.replicas = o->replicas;
	oc.nats.host = o->host;
	oc.nats.spool_dir = o->spool_dir;
	oc.nats.ack_timeout_ms = o->ack_timeout_ms;
	c.total_max_bytes = oc.queue_max_bytes;
	return vg_outputs_new(&c);
}

#endif
