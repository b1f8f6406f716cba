// SPDX-License-Identifier: Apache-2.0
/*
 * The output framework: per-output bounded queues, worker threads, retries
 * with exponential back-off, drop accounting.
 */
#include "outputs/internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_QUEUE	      4096
#define DEFAULT_RETRY_INITIAL 250
#define DEFAULT_RETRY_MAX     30000
/* Stream outputs take this many alerts per wake-up: fewer lock round trips. */
#define STREAM_BATCH 64
/* How long shutdown waits for a worker stuck in a blocking write. */
#define STOP_WAIT_S 5

struct vg_outputs {
	struct vg_output *out;
	size_t n;
};

static const char *const kind_names[VG_OUTPUT__KINDS] = {
	[VG_OUTPUT_STDOUT] = "stdout",	 [VG_OUTPUT_FILE] = "file",
	[VG_OUTPUT_SYSLOG] = "syslog",	 [VG_OUTPUT_HTTP] = "http",
	[VG_OUTPUT_PROGRAM] = "program",
};

static const struct vg_output_ops *const kind_ops[VG_OUTPUT__KINDS] = {
	[VG_OUTPUT_STDOUT] = &vg_output_stdout_ops,   [VG_OUTPUT_FILE] = &vg_output_file_ops,
	[VG_OUTPUT_SYSLOG] = &vg_output_syslog_ops,   [VG_OUTPUT_HTTP] = &vg_output_http_ops,
	[VG_OUTPUT_PROGRAM] = &vg_output_program_ops,
};

const char *vg_output_kind_name(enum vg_output_kind kind)
{
	return (unsigned)kind < VG_OUTPUT__KINDS ? kind_names[kind] : "unknown";
}

void vg_output_error(struct vg_output *o, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&o->lock);
	va_start(ap, fmt);
	vsnprintf(o->last_error, sizeof(o->last_error), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&o->lock);
}

int vg_write_all(int fd, struct iovec *iov, int iovcnt)
{
	while (iovcnt > 0) {
		ssize_t n = writev(fd, iov, iovcnt);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* a short write: skip what went out, keep the rest */
		while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
			n -= (ssize_t)iov->iov_len;
			iov++;
			iovcnt--;
		}
		if (iovcnt > 0) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

char *vg_out_strdup(const char *s, bool *err)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*err = true;
	return d;
}

const char *vg_output_priority_name(int priority)
{
	static const char *const names[] = {"Emergency", "Alert",  "Critical",	    "Error",
					    "Warning",	 "Notice", "Informational", "Debug"};

	return priority >= 0 && priority < 8 ? names[priority] : "Debug";
}

int vg_buf_reserve(struct vg_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 1024;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return 0;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int vg_buf_add(struct vg_buf *b, const void *data, size_t len)
{
	if (vg_buf_reserve(b, len) != 0)
		return -1;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || vg_buf_reserve(b, (size_t)n) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int vg_split_host_port(const char *addr, char *host, size_t hostlen, uint16_t *port)
{
	const char *colon = strrchr(addr, ':');
	const char *h = addr;
	size_t hl;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (!end)
			return -1;
		h = addr + 1;
		hl = (size_t)(end - h);
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			return -1;
	} else if (colon && strchr(addr, ':') != colon) {
		/* a bare IPv6 address: no port */
		colon = NULL;
		hl = strlen(addr);
	} else {
		hl = colon ? (size_t)(colon - addr) : strlen(addr);
	}
	if (!hl || hl >= hostlen)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (colon) {
		char *e;
		unsigned long p = strtoul(colon + 1, &e, 10);

		if (*e || e == colon + 1 || !p || p > 65535)
			return -1;
		*port = (uint16_t)p;
	}
	return 0;
}

static void msg_put(struct vg_msg *m)
{
	if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
		free(m);
}

/* Removes n alerts from the queue head. Called with o->lock held. */
static void pop_locked(struct vg_output *o, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		msg_put(o->ring[o->head]);
		o->ring[o->head] = NULL;
		o->head = (o->head + 1) % o->cap;
	}
	o->count -= n;
	if (!o->count)
		pthread_cond_broadcast(&o->idle);
}

static void deadline_after(struct timespec *ts, uint32_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static uint32_t backoff_ms(const struct vg_output *o, uint32_t attempt)
{
	uint64_t ms = o->retry_initial_ms;

	for (uint32_t i = 1; i < attempt && ms < o->retry_max_ms; i++)
		ms *= 2;
	return ms > o->retry_max_ms ? o->retry_max_ms : (uint32_t)ms;
}

static void *worker(void *arg)
{
	struct vg_output *o = arg;
	struct vg_msg **batch = calloc(o->batch_max, sizeof(*batch));
	uint32_t attempt = 0;

	pthread_mutex_lock(&o->lock);
	if (!batch) {
		snprintf(o->last_error, sizeof(o->last_error), "out of memory for the batch");
		o->stop = true;
	}
	while (!o->stop) {
		uint32_t n;
		size_t done, refused = 0;

		if (atomic_exchange(&o->reopen, false)) {
			pthread_mutex_unlock(&o->lock);
			if (o->ops->reopen)
				o->ops->reopen(o);
			pthread_mutex_lock(&o->lock);
			continue;
		}
		if (!o->count) {
			pthread_cond_wait(&o->work, &o->lock);
			continue;
		}
		/*
		 * The batch stays in the ring while it is sent: producers only
		 * write past head + count, so these slots are stable, and the
		 * alerts keep counting against the bound until delivered.
		 */
		n = o->count < o->batch_max ? o->count : o->batch_max;
		for (uint32_t i = 0; i < n; i++)
			batch[i] = o->ring[(o->head + i) % o->cap];
		pthread_mutex_unlock(&o->lock);
		done = o->ops->send(o, batch, n, &refused);
		pthread_mutex_lock(&o->lock);

		if (done) {
			struct timespec now;

			pop_locked(o, (uint32_t)done);
			atomic_fetch_add(&o->sent, done);
			clock_gettime(CLOCK_REALTIME, &now);
			atomic_store(&o->last_ok_ns,
				     (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec);
			attempt = 0;
		}
		o->failing = done < n;
		if (done == n)
			continue;
		if (refused) {
			/* retrying cannot help these; the rest go on */
			if (refused > n - done)
				refused = n - done;
			pop_locked(o, (uint32_t)refused);
			atomic_fetch_add(&o->dropped_failed, refused);
			continue;
		}
		if (attempt >= o->max_retries) {
			uint32_t left = n - (uint32_t)done;

			pop_locked(o, left);
			atomic_fetch_add(&o->dropped_failed, left);
			attempt = 0;
			continue;
		}
		attempt++;
		atomic_fetch_add(&o->retries, 1);
		{
			struct timespec ts;

			deadline_after(&ts, backoff_ms(o, attempt));
			/* the wait ends early on stop or reopen, never on new alerts alone */
			while (!o->stop && !atomic_load(&o->reopen) &&
			       pthread_cond_timedwait(&o->work, &o->lock, &ts) != ETIMEDOUT)
				;
		}
	}
	/* stopped: what is left was not delivered */
	if (o->count) {
		atomic_fetch_add(&o->dropped_failed, o->count);
		pop_locked(o, o->count);
	}
	pthread_mutex_unlock(&o->lock);
	free(batch);
	return NULL;
}

static int output_init(struct vg_output *o, const struct vg_output_config *c)
{
	pthread_condattr_t ca;

	o->kind = c->kind;
	o->ops = kind_ops[c->kind];
	o->format = c->format;
	o->min_priority = c->min_priority;
	o->cap = c->queue_size ? c->queue_size : DEFAULT_QUEUE;
	o->retry_initial_ms = c->retry_initial_ms ? c->retry_initial_ms : DEFAULT_RETRY_INITIAL;
	o->retry_max_ms = c->retry_max_ms ? c->retry_max_ms : DEFAULT_RETRY_MAX;
	if (o->retry_max_ms < o->retry_initial_ms)
		o->retry_max_ms = o->retry_initial_ms;
	o->max_retries = c->max_retries;
	o->batch_max = STREAM_BATCH;
	if (c->kind == VG_OUTPUT_HTTP)
		o->batch_max = c->http.batch == VG_HTTP_BATCH_NONE ? 1
			       : c->http.batch_max		   ? c->http.batch_max
								   : 100;
	if (o->batch_max > o->cap)
		o->batch_max = o->cap;
	pthread_mutex_init(&o->lock, NULL);
	/* back-off deadlines on the monotonic clock: a clock step must not stretch them */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->work, &ca);
	pthread_cond_init(&o->idle, &ca);
	pthread_condattr_destroy(&ca);
	o->ring = calloc(o->cap, sizeof(*o->ring));
	if (!o->ring) {
		fprintf(stderr, "vigil: %s output: out of memory for a queue of %u\n",
			kind_names[c->kind], o->cap);
		return -1;
	}
	if (o->ops->init(o, c) != 0)
		return -1;
	return 0;
}

struct vg_outputs *vg_outputs_new(const struct vg_outputs_config *cfg)
{
	struct vg_outputs *outs = calloc(1, sizeof(*outs));
	sigset_t all, old;
	size_t n = 0;

	if (!outs) {
		fprintf(stderr, "vigil: out of memory for the outputs\n");
		return NULL;
	}
	for (size_t i = 0; i < cfg->n; i++)
		n += cfg->outputs[i].enabled;
	outs->out = calloc(n ? n : 1, sizeof(*outs->out));
	if (!outs->out) {
		free(outs);
		fprintf(stderr, "vigil: out of memory for the outputs\n");
		return NULL;
	}
	for (size_t i = 0; i < cfg->n; i++) {
		const struct vg_output_config *c = &cfg->outputs[i];

		if (!c->enabled)
			continue;
		if ((unsigned)c->kind >= VG_OUTPUT__KINDS) {
			fprintf(stderr, "vigil: output %zu: unknown kind %d\n", i, (int)c->kind);
			goto fail;
		}
		if (output_init(&outs->out[outs->n], c) != 0) {
			outs->n++;
			goto fail;
		}
		outs->n++;
	}
	/*
	 * Workers block every signal: SIGINT, SIGTERM and SIGUSR1 belong to the
	 * main loop, and a SIGPIPE from a dead program or peer becomes EPIPE.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];
		int err = pthread_create(&o->thread, NULL, worker, o);

		if (err) {
			fprintf(stderr, "vigil: %s output: cannot start its thread: %s\n",
				kind_names[o->kind], strerror(err));
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			goto fail;
		}
		o->started = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return outs;
fail:
	vg_outputs_free(outs);
	return NULL;
}

static struct vg_msg *msg_new(const struct vg_alert_msg *a)
{
	size_t tl = a->text ? a->text_len : 0;
	size_t rl = a->rule ? strlen(a->rule) : 0;
	struct vg_msg *m = malloc(sizeof(*m) + a->json_len + tl + rl + 3);
	struct timespec now;
	char *p;

	if (!m)
		return NULL;
	atomic_init(&m->refs, 1);
	m->priority = a->priority;
	clock_gettime(CLOCK_REALTIME, &now);
	m->wall_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	p = m->data;
	memcpy(p, a->json, a->json_len);
	p[a->json_len] = '\0';
	m->json = p;
	m->json_len = a->json_len;
	p += a->json_len + 1;
	if (a->text) {
		memcpy(p, a->text, tl);
		p[tl] = '\0';
		m->text = p;
		m->text_len = tl;
		p += tl + 1;
	} else {
		m->text = m->json;
		m->text_len = m->json_len;
	}
	if (rl)
		memcpy(p, a->rule, rl);
	p[rl] = '\0';
	m->rule = p;
	return m;
}

size_t vg_outputs_submit(struct vg_outputs *outs, const struct vg_alert_msg *a)
{
	struct vg_msg *m = NULL;
	size_t taken = 0;

	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		if (a->priority > o->min_priority)
			continue;
		if (!m) {
			m = msg_new(a);
			if (!m) {
				/* no memory for the copy: every output that wanted it lost it */
				for (size_t j = i; j < outs->n; j++)
					if (a->priority <= outs->out[j].min_priority)
						atomic_fetch_add(&outs->out[j].dropped_full, 1);
				return 0;
			}
		}
		pthread_mutex_lock(&o->lock);
		if (o->count == o->cap || o->stop) {
			pthread_mutex_unlock(&o->lock);
			atomic_fetch_add(&o->dropped_full, 1);
			continue;
		}
		atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
		o->ring[(o->head + o->count) % o->cap] = m;
		o->count++;
		pthread_cond_signal(&o->work);
		pthread_mutex_unlock(&o->lock);
		atomic_fetch_add(&o->queued, 1);
		taken++;
	}
	if (m)
		msg_put(m);
	return taken;
}

void vg_outputs_reopen(struct vg_outputs *outs)
{
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		pthread_mutex_lock(&o->lock);
		atomic_store(&o->reopen, true);
		pthread_cond_signal(&o->work);
		pthread_mutex_unlock(&o->lock);
	}
}

int vg_outputs_flush(struct vg_outputs *outs, int timeout_ms)
{
	struct timespec ts;
	int ret = 0;

	deadline_after(&ts, timeout_ms < 0 ? 0 : (uint32_t)timeout_ms);
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		pthread_mutex_lock(&o->lock);
		while (o->count && !o->stop)
			if (pthread_cond_timedwait(&o->idle, &o->lock, &ts) == ETIMEDOUT)
				break;
		if (o->count)
			ret = -1;
		pthread_mutex_unlock(&o->lock);
	}
	return ret;
}

void vg_outputs_free(struct vg_outputs *outs)
{
	bool leaked = false;

	if (!outs)
		return;
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		pthread_mutex_lock(&o->lock);
		o->stop = true;
		atomic_store(&o->stopping, true);
		pthread_cond_broadcast(&o->work);
		pthread_cond_broadcast(&o->idle);
		pthread_mutex_unlock(&o->lock);
	}
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		if (o->started) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += STOP_WAIT_S;
			/*
			 * A worker stuck in a write nobody reads (a paused terminal, a
			 * command that stopped reading) must not hang shutdown: it is
			 * left behind, with its memory, for the exit to end.
			 */
			if (pthread_timedjoin_np(o->thread, NULL, &ts) != 0) {
				fprintf(stderr,
					"vigil: %s output: still blocked delivering after %d s; "
					"abandoning %u queued alert(s)\n",
					kind_names[o->kind], STOP_WAIT_S, o->count);
				leaked = true;
				continue;
			}
		} else if (o->count) {
			pop_locked(o, o->count);
		}
		if (o->ops && o->ops->fini)
			o->ops->fini(o);
		pthread_cond_destroy(&o->work);
		pthread_cond_destroy(&o->idle);
		pthread_mutex_destroy(&o->lock);
		free(o->ring);
	}
	if (leaked)
		return;
	free(outs->out);
	free(outs);
}

void vg_outputs_stats(struct vg_outputs *outs, vg_output_stats_fn cb, void *arg)
{
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];
		struct vg_output_stats st = {
			.name = kind_names[o->kind],
			.kind = o->kind,
			.capacity = o->cap,
		};

		pthread_mutex_lock(&o->lock);
		st.depth = o->count;
		st.failing = o->failing;
		memcpy(st.last_error, o->last_error, sizeof(st.last_error));
		pthread_mutex_unlock(&o->lock);
		st.queued = atomic_load(&o->queued);
		st.sent = atomic_load(&o->sent);
		st.dropped_full = atomic_load(&o->dropped_full);
		st.dropped_failed = atomic_load(&o->dropped_failed);
		st.retries = atomic_load(&o->retries);
		st.restarts = atomic_load(&o->restarts);
		st.rotations = atomic_load(&o->rotations);
		st.last_ok_ns = atomic_load(&o->last_ok_ns);
		cb(&st, arg);
	}
}

uint64_t vg_outputs_dropped(struct vg_outputs *outs)
{
	uint64_t n = 0;

	for (size_t i = 0; i < outs->n; i++)
		n += atomic_load(&outs->out[i].dropped_full) +
		     atomic_load(&outs->out[i].dropped_failed);
	return n;
}
