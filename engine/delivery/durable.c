// SPDX-License-Identifier: Apache-2.0
/* At-least-once delivery with stable ids and an optional spool (durable.h). */
#include "delivery/durable.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* records delivered from the spool per call: new alerts wait at most this long */
#define DRAIN_BATCH 256

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int vg_durable_init(struct vg_durable *d, const struct vg_durable_ops *ops, const char *who,
		    const char *key, const char *dir, uint64_t max_bytes, uint64_t max_age_s)
{
	char err[512];

	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->who = who;
	pthread_mutex_init(&d->lock, NULL);
	if (!dir || !*dir)
		return 0;
	d->spool = vg_spool_open(dir, max_bytes ? max_bytes : 256ull << 20,
				 max_age_s * 1000000000ull, err, sizeof(err));
	if (!d->spool) {
		fprintf(stderr, "vigil: %s: %s: %s\n", who, key, err);
		return -1;
	}
	vg_spool_counts(d->spool, &d->sc);
	return 0;
}

static uint64_t depth(const struct vg_durable *d)
{
	struct vg_spool_counts c;

	vg_spool_counts(d->spool, &c);
	return c.depth;
}

static void counted(struct vg_durable *d, uint64_t *what)
{
	pthread_mutex_lock(&d->lock);
	(*what)++;
	pthread_mutex_unlock(&d->lock);
}

static void spool_sync(struct vg_durable *d)
{
	struct vg_spool_counts c;
	uint64_t dropped, now = mono_ns();

	vg_spool_counts(d->spool, &c);
	pthread_mutex_lock(&d->lock);
	d->sc = c;
	pthread_mutex_unlock(&d->lock);
	dropped = c.dropped_bytes + c.dropped_age + c.dropped_corrupt;
	/* at most one line every 10 s: a flood of drops must not flood the log */
	if (dropped != d->logged && now - d->log_ns >= 10000000000ull) {
		fprintf(stderr,
			"vigil: %s: spool dropped %llu alerts so far (spool_max_bytes: "
			"%llu, spool_max_age: %llu, unreadable: %llu)\n",
			d->who, (unsigned long long)dropped, (unsigned long long)c.dropped_bytes,
			(unsigned long long)c.dropped_age, (unsigned long long)c.dropped_corrupt);
		d->logged = dropped;
		d->log_ns = now;
	}
}

static int deliver(struct vg_durable *d, struct vg_output *o, const struct vg_durable_item *it)
{
	if (d->ops->deliver(o, it) != 0) {
		d->ops->failed(o);
		return -1;
	}
	counted(d, &d->delivered);
	return 0;
}

/* Delivers up to max spooled records, oldest first. true when the spool is empty. */
static bool drain(struct vg_durable *d, struct vg_output *o, size_t max)
{
	struct vg_spool_rec r;
	bool empty = false;
	int rc;

	for (size_t i = 0; i < max; i++) {
		rc = vg_spool_peek(d->spool, &r);
		if (rc == 0) {
			empty = true;
			break;
		}
		if (rc < 0) {
			vg_output_error(o, "spool: %s", strerror(-rc));
			d->ops->failed(o);
			break;
		}
		if (deliver(d, o,
			    &(struct vg_durable_item){r.wall_ns, r.subject, r.msg_id, r.data,
						      r.data_len}) != 0)
			break;
		vg_spool_consume(d->spool);
	}
	spool_sync(d);
	return empty;
}

/* The sequence of msgs[0]'s id: a retried batch gets the ids it had. */
static uint64_t batch_base(struct vg_durable *d, struct vg_msg *const *msgs, size_t n)
{
	uint64_t base;

	if (msgs[0] == d->retry_first)
		return d->retry_base;
	base = d->seq;
	d->seq += n;
	return base;
}

static struct vg_durable_item item(struct vg_durable *d, struct vg_output *o,
				   const struct vg_msg *m, uint64_t seq, char *route, char *id)
{
	d->ops->describe(o, m, seq, route, id);
	return (struct vg_durable_item){m->wall_ns, route, id, m->json, m->json_len};
}

/*
 * Straight to the receiver while the spool is empty and it answers; else
 * behind the spooled alerts (order), and a bounded part of the spool is
 * delivered so that a long backlog never holds the worker (and so the
 * memory queue) for long.
 */
static size_t send_spooled(struct vg_durable *d, struct vg_output *o, struct vg_msg *const *msgs,
			   size_t n, uint64_t base)
{
	char route[VG_DURABLE_ROUTE_MAX], id[VG_DURABLE_ID_MAX];
	struct vg_durable_item it;
	size_t i = 0;
	int rc;

	if (!depth(d) && d->ops->ready(o)) {
		for (; i < n; i++) {
			it = item(d, o, msgs[i], base + i, route, id);
			if (deliver(d, o, &it) != 0)
				break;
		}
	}
	for (size_t k = i; k < n; k++) {
		it = item(d, o, msgs[k], base + k, route, id);
		rc = vg_spool_append(d->spool, it.wall_ns, it.route, it.id, it.data, it.len);
		if (rc != 0) {
			vg_output_error(o, "spool: %s", strerror(-rc));
			d->retry_first = msgs[k];
			d->retry_base = base + k;
			spool_sync(d);
			return k;
		}
		counted(d, &d->spooled);
	}
	if (depth(d) && d->ops->ready(o))
		drain(d, o, DRAIN_BATCH);
	spool_sync(d);
	return n;
}

size_t vg_durable_send(struct vg_durable *d, struct vg_output *o, struct vg_msg *const *msgs,
		       size_t n)
{
	char route[VG_DURABLE_ROUTE_MAX], id[VG_DURABLE_ID_MAX];
	uint64_t base = batch_base(d, msgs, n);
	struct vg_durable_item it;
	size_t i = 0;

	d->retry_first = NULL;
	if (d->spool)
		return send_spooled(d, o, msgs, n, base);
	/* no spool: the framework retries what failed, with the same ids */
	if (d->ops->ready(o)) {
		for (; i < n; i++) {
			it = item(d, o, msgs[i], base + i, route, id);
			if (d->ops->deliver(o, &it) != 0)
				break;
			counted(d, &d->delivered);
		}
	}
	if (i < n) {
		d->retry_first = msgs[i];
		d->retry_base = base + i;
	}
	return i;
}

uint32_t vg_durable_idle(struct vg_durable *d, struct vg_output *o)
{
	if (!d->spool || !depth(d))
		return 0;
	if (!d->ops->ready(o))
		return 200;
	if (drain(d, o, DRAIN_BATCH))
		return 0;
	/* a full batch went: go on at once; a failure: after the output's wait */
	return d->ops->ready(o) ? 1 : d->retry_wait_ms;
}

void vg_durable_stats(struct vg_durable *d, struct vg_output_stats *st)
{
	pthread_mutex_lock(&d->lock);
	st->published = d->delivered;
	st->has_spool = d->spool != NULL;
	st->spooled = d->spooled;
	st->spool_depth = d->sc.depth;
	st->spool_bytes = d->sc.bytes;
	st->spool_dropped_bytes = d->sc.dropped_bytes;
	st->spool_dropped_age = d->sc.dropped_age;
	st->spool_dropped_corrupt = d->sc.dropped_corrupt;
	pthread_mutex_unlock(&d->lock);
}

void vg_durable_fini(struct vg_durable *d)
{
	vg_spool_close(d->spool);
	d->spool = NULL;
	pthread_mutex_destroy(&d->lock);
}
