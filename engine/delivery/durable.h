/* SPDX-License-Identifier: Apache-2.0 */
/*
 * At-least-once delivery for any output kind that wants it (a plugin's
 * output, the nats plugin's among them, with a spool when it asked for
 * one, engine/plugin/plugin_output.c): every alert gets a
 * route (what the transport routes on) and an id that are made once, the
 * first time it is tried, and stay the same on every retry and in the
 * spool across a restart; with a spool (spool.h), an alert goes straight
 * to the receiver while the spool is empty and the receiver answers, else
 * it is appended behind the spooled ones (counted as sent: the output took
 * it durably) and the worker drains the spool, in order, when the receiver
 * is back. What the spool's bounds force out is counted by reason and
 * logged at most every 10 s.
 *
 * Everything but vg_durable_stats runs in the output's worker thread.
 */
#ifndef VIGIL_DELIVERY_DURABLE_H
#define VIGIL_DELIVERY_DURABLE_H

#include "delivery/delivery_internal.h"
#include "delivery/spool.h"

#define VG_DURABLE_ROUTE_MAX 1024
#define VG_DURABLE_ID_MAX    128

/* One alert as the output delivers it (from the queue or from the spool). */
struct vg_durable_item {
	uint64_t wall_ns;
	const char *route;
	const char *id;
	const char *data;
	size_t len;
};

struct vg_durable_ops {
	/* The receiver can take alerts now (connected, not backing off); when
	   not, the output recorded why (vg_output_error). */
	bool (*ready)(struct vg_output *o);
	/* Delivers one alert: 0, or -1 with the error recorded. */
	int (*deliver)(struct vg_output *o, const struct vg_durable_item *it);
	/* route (VG_DURABLE_ROUTE_MAX bytes) and id (VG_DURABLE_ID_MAX) of m, seq its number. */
	void (*describe)(struct vg_output *o, const struct vg_msg *m, uint64_t seq, char *route,
			 char *id);
	/* A delivery failed: the output backs off (ready() false for a while). */
	void (*failed)(struct vg_output *o);
};

struct vg_durable {
	const struct vg_durable_ops *ops;
	const char *who; /* the plugin's name: names the log lines */
	uint32_t retry_wait_ms;
	struct vg_spool *spool; /* NULL: memory queue and retries only */
	uint64_t seq;
	/* the first alert of the batch that failed, and its sequence: retried alike */
	const struct vg_msg *retry_first;
	uint64_t retry_base;
	uint64_t log_ns; /* the last "spool dropped" line (rate limit) */
	uint64_t logged; /* drops that line reported */
	pthread_mutex_t lock;
	uint64_t delivered; /* straight or from the spool */
	uint64_t spooled;
	struct vg_spool_counts sc;
};

/*
 * Sets d up; with dir (non-empty) opens the spool there (max_bytes 0: 256
 * MiB; max_age_s 0: no age bound). 0, or -1 said on stderr naming key.
 */
int vg_durable_init(struct vg_durable *d, const struct vg_durable_ops *ops, const char *who,
		    const char *key, const char *dir, uint64_t max_bytes, uint64_t max_age_s);

/* The output's send(): same contract (delivery_internal.h). */
size_t vg_durable_send(struct vg_durable *d, struct vg_output *o, struct vg_msg *const *msgs,
		       size_t n);

/* The output's idle(): drains a bounded part of the spool. */
uint32_t vg_durable_idle(struct vg_durable *d, struct vg_output *o);

/* Adds delivered (as published), the spool's numbers to st; any thread. */
void vg_durable_stats(struct vg_durable *d, struct vg_output_stats *st);

void vg_durable_fini(struct vg_durable *d);

#endif
