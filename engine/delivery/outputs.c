// SPDX-License-Identifier: Apache-2.0
/*
 * The output framework: per-output bounded queues, worker threads, retries
 * with exponential back-off, drop accounting.
 */
#include "delivery/delivery_internal.h"

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
/*
 * How long a request under way at shutdown may take to finish before it is
 * aborted: long enough for a live receiver to answer, so that what it got
 * is counted as sent rather than dropped.
 */
#define STOP_GRACE_MS 1000

struct vg_outputs {
	struct vg_output *out;
	size_t n;
	uint64_t max_alert;
	uint64_t total_max;
	uint32_t drain_ms;
	bool shut;   /* vg_outputs_shutdown() ran */
	bool leaked; /* a worker was abandoned: its memory stays */
	/* bytes of every alert copy alive now, each counted once (what memory holds) */
	atomic_uint_fast64_t live_bytes;
};

/*
 * The output kinds: the built-in ones (in enum vg_output_kind's order) and
 * the ones registered later (a plugin's output) through one function,
 * vg_output_register_kind, so that every kind gets the same queue, worker,
 * retries and accounting. Registration happens at start-up, before
 * vg_outputs_new; the tables are read-only afterwards.
 */
static const char *kind_names[VG_OUTPUT_MAX_KINDS];
static const struct vg_output_ops *kind_ops[VG_OUTPUT_MAX_KINDS];
static unsigned nkinds;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static int add_kind(const char *name, const struct vg_output_ops *ops)
{
	for (unsigned k = 0; k < nkinds; k++) {
		if (strcmp(kind_names[k], name) != 0)
			continue;
		/* a built-in kind a plugin provides (nats): the plugin fills it, once */
		if (kind_ops[k] || !ops)
			return -1;
		kind_ops[k] = ops;
		return (int)k;
	}
	if (nkinds == VG_OUTPUT_MAX_KINDS)
		return -1;
	kind_names[nkinds] = name;
	kind_ops[nkinds] = ops;
	return (int)nkinds++;
}

static void register_builtin(void)
{
	/* the enum's order: a built-in kind's id is its enum value */
	add_kind("stdout", &vg_output_stdout_ops);
	add_kind("file", &vg_output_file_ops);
	add_kind("syslog", &vg_output_syslog_ops);
	add_kind("http", &vg_output_http_ops);
	add_kind("program", &vg_output_program_ops);
	/* nats_output: the bundled nats plugin (plugins/nats) provides it when loaded */
	add_kind("nats", NULL);
}

int vg_output_register_kind(const char *name, const struct vg_output_ops *ops)
{
	pthread_once(&builtin_once, register_builtin);
	return add_kind(name, ops);
}

const char *vg_output_kind_name(enum vg_output_kind kind)
{
	pthread_once(&builtin_once, register_builtin);
	return (unsigned)kind < nkinds ? kind_names[kind] : "unknown";
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
	if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1) {
		atomic_fetch_sub(m->live, m->size);
		free(m);
	}
}

/* Removes n alerts from the queue head. Called with o->lock held. */
static void pop_locked(struct vg_output *o, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		o->bytes -= o->ring[o->head]->size;
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

/* An empty queue: waits for alerts, doing the output's own work (idle) meanwhile. */
static void idle_wait(struct vg_output *o)
{
	uint32_t ms = 0;
	struct timespec ts;

	if (o->ops->idle) {
		pthread_mutex_unlock(&o->lock);
		ms = o->ops->idle(o);
		pthread_mutex_lock(&o->lock);
		if (o->count || o->stop || atomic_load(&o->reopen))
			return;
	}
	if (!ms) {
		pthread_cond_wait(&o->work, &o->lock);
		return;
	}
	deadline_after(&ts, ms);
	pthread_cond_timedwait(&o->work, &o->lock, &ts);
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
			idle_wait(o);
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
		/* shutdown stopped waiting and counted these: they are not ours to count */
		if (o->abandoned)
			break;

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
	/* stopped: what is left was not delivered before the end */
	if (o->count && !o->abandoned) {
		atomic_fetch_add(&o->dropped_shutdown, o->count);
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
	o->max_bytes = c->queue_max_bytes ? c->queue_max_bytes : VG_OUTPUT_DEFAULT_QUEUE_BYTES;
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
	pthread_once(&builtin_once, register_builtin); /* c->kind is checked against it */
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
	outs->max_alert = cfg->max_alert_bytes ? cfg->max_alert_bytes : VG_OUTPUT_DEFAULT_MAX_ALERT;
	outs->total_max =
		cfg->total_max_bytes ? cfg->total_max_bytes : VG_OUTPUT_DEFAULT_TOTAL_BYTES;
	outs->drain_ms = cfg->drain_ms ? cfg->drain_ms : VG_OUTPUT_DEFAULT_DRAIN_MS;
	atomic_init(&outs->live_bytes, 0);
	for (size_t i = 0; i < cfg->n; i++) {
		const struct vg_output_config *c = &cfg->outputs[i];

		if (!c->enabled)
			continue;
		if ((unsigned)c->kind >= nkinds) {
			fprintf(stderr, "vigil: output %zu: unknown kind %d\n", i, (int)c->kind);
			goto fail;
		}
		if (!kind_ops[c->kind]) {
			fprintf(stderr, "vigil: %s output: its plugin is not loaded\n",
				kind_names[c->kind]);
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

/* What the shared copy of a takes: the header and the three strings with their NULs. */
static size_t msg_size(const struct vg_alert_msg *a)
{
	size_t tl = a->text ? a->text_len : 0;
	size_t rl = a->rule ? strlen(a->rule) : 0;

	return sizeof(struct vg_msg) + a->json_len + tl + rl + 3;
}

static struct vg_msg *msg_new(const struct vg_alert_msg *a, size_t size, atomic_uint_fast64_t *live)
{
	size_t tl = a->text ? a->text_len : 0;
	size_t rl = a->rule ? strlen(a->rule) : 0;
	struct vg_msg *m = malloc(size);
	struct timespec now;
	char *p;

	if (!m)
		return NULL;
	atomic_init(&m->refs, 1);
	m->priority = a->priority;
	m->size = size;
	m->live = live;
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

/* Every output that wants an alert of this priority counts it as dropped in *counter. */
static void drop_all(struct vg_outputs *outs, int priority, size_t counter_off)
{
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		if (priority <= o->min_priority)
			atomic_fetch_add((atomic_uint_fast64_t *)((char *)o + counter_off), 1);
	}
}

/*
 * The shared copy, when the alert is not too big and memory has room for it
 * under the global bound; NULL after counting the refusal for every output.
 */
static struct vg_msg *msg_admit(struct vg_outputs *outs, const struct vg_alert_msg *a)
{
	size_t size = msg_size(a);
	uint64_t before;
	struct vg_msg *m;

	/* the alert's own bytes (JSON, text, rule name): refused, not cut, so no half alert goes
	 * out */
	if (size - sizeof(*m) > outs->max_alert) {
		drop_all(outs, a->priority, offsetof(struct vg_output, dropped_oversize));
		return NULL;
	}
	before = atomic_fetch_add(&outs->live_bytes, size);
	if (before + size > outs->total_max) {
		atomic_fetch_sub(&outs->live_bytes, size);
		drop_all(outs, a->priority, offsetof(struct vg_output, dropped_bytes));
		return NULL;
	}
	m = msg_new(a, size, &outs->live_bytes);
	if (!m) {
		/* no memory for the copy: every output that wanted it lost it */
		atomic_fetch_sub(&outs->live_bytes, size);
		drop_all(outs, a->priority, offsetof(struct vg_output, dropped_full));
	}
	return m;
}

/* Puts m on o's queue, or counts why not. Returns whether o took it. */
static bool enqueue(struct vg_output *o, struct vg_msg *m)
{
	atomic_uint_fast64_t *why = NULL;

	pthread_mutex_lock(&o->lock);
	if (o->stop)
		why = &o->dropped_shutdown;
	else if (o->count == o->cap)
		why = &o->dropped_full;
	else if (o->bytes + m->size > o->max_bytes)
		why = &o->dropped_bytes;
	if (why) {
		pthread_mutex_unlock(&o->lock);
		atomic_fetch_add(why, 1);
		return false;
	}
	atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
	o->ring[(o->head + o->count) % o->cap] = m;
	o->count++;
	o->bytes += m->size;
	/* counted before the worker can deliver it: sent never runs ahead of queued */
	atomic_fetch_add(&o->queued, 1);
	pthread_cond_signal(&o->work);
	pthread_mutex_unlock(&o->lock);
	return true;
}

size_t vg_outputs_submit(struct vg_outputs *outs, const struct vg_alert_msg *a)
{
	struct vg_msg *m;
	size_t taken = 0, wanted = 0;

	for (size_t i = 0; i < outs->n; i++) {
		if (a->priority > outs->out[i].min_priority)
			continue;
		atomic_fetch_add(&outs->out[i].accepted, 1);
		wanted++;
	}
	if (!wanted)
		return 0;
	m = msg_admit(outs, a);
	if (!m)
		return 0;
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		if (a->priority <= o->min_priority && enqueue(o, m))
			taken++;
	}
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

static bool join_by(struct vg_output *o, uint32_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(o->thread, NULL, &ts) == 0;
}

/*
 * Stops every worker: no new batch starts; a request under way has grace_ms
 * to finish, then is aborted (curl's progress callback reads stopping). A
 * worker that is still stuck after that (a write nobody reads: a paused
 * terminal, a command that stopped reading) must not hang the exit: it is
 * left behind with its memory, and what it held is counted as dropped here.
 */
static void stop_workers(struct vg_outputs *outs, uint32_t grace_ms)
{
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		pthread_mutex_lock(&o->lock);
		o->stop = true;
		if (!grace_ms)
			atomic_store(&o->stopping, true);
		pthread_cond_broadcast(&o->work);
		pthread_cond_broadcast(&o->idle);
		pthread_mutex_unlock(&o->lock);
	}
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		if (!o->started)
			continue;
		if (grace_ms && join_by(o, grace_ms))
			goto joined;
		atomic_store(&o->stopping, true);
		if (join_by(o, STOP_WAIT_S * 1000))
			goto joined;
		pthread_mutex_lock(&o->lock);
		o->abandoned = true;
		atomic_fetch_add(&o->dropped_shutdown, o->count);
		fprintf(stderr,
			"vigil: %s output: still blocked delivering after %d s; "
			"%u queued alert(s) counted as dropped (shutdown)\n",
			kind_names[o->kind], STOP_WAIT_S, o->count);
		pthread_mutex_unlock(&o->lock);
		outs->leaked = true;
		continue;
	joined:
		o->started = false;
	}
	/* outputs whose worker never ran: their queue is empty, but be exact */
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		if (!o->abandoned && o->count) {
			atomic_fetch_add(&o->dropped_shutdown, o->count);
			pop_locked(o, o->count);
		}
	}
	outs->shut = true;
}

int vg_outputs_shutdown(struct vg_outputs *outs)
{
	int drained;

	if (!outs || outs->shut)
		return 0;
	drained = vg_outputs_flush(outs, (int)outs->drain_ms);
	stop_workers(outs, STOP_GRACE_MS);
	return drained;
}

void vg_outputs_free(struct vg_outputs *outs)
{
	if (!outs)
		return;
	if (!outs->shut)
		stop_workers(outs, 0);
	for (size_t i = 0; i < outs->n; i++) {
		struct vg_output *o = &outs->out[i];

		if (o->abandoned)
			continue;
		if (o->ops && o->ops->fini)
			o->ops->fini(o);
		pthread_cond_destroy(&o->work);
		pthread_cond_destroy(&o->idle);
		pthread_mutex_destroy(&o->lock);
		free(o->ring);
	}
	if (outs->leaked)
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
			.capacity_bytes = o->max_bytes,
		};

		pthread_mutex_lock(&o->lock);
		st.depth = o->abandoned ? 0 : o->count;
		st.depth_bytes = o->abandoned ? 0 : o->bytes;
		st.failing = o->failing;
		memcpy(st.last_error, o->last_error, sizeof(st.last_error));
		pthread_mutex_unlock(&o->lock);
		st.accepted = atomic_load(&o->accepted);
		st.queued = atomic_load(&o->queued);
		st.sent = atomic_load(&o->sent);
		st.dropped_full = atomic_load(&o->dropped_full);
		st.dropped_bytes = atomic_load(&o->dropped_bytes);
		st.dropped_oversize = atomic_load(&o->dropped_oversize);
		st.dropped_failed = atomic_load(&o->dropped_failed);
		st.dropped_shutdown = atomic_load(&o->dropped_shutdown);
		st.retries = atomic_load(&o->retries);
		st.restarts = atomic_load(&o->restarts);
		st.rotations = atomic_load(&o->rotations);
		st.last_ok_ns = atomic_load(&o->last_ok_ns);
		if (o->ops && o->ops->stats && !o->abandoned)
			o->ops->stats(o, &st);
		cb(&st, arg);
	}
}

uint64_t vg_output_stats_dropped(const struct vg_output_stats *st)
{
	return st->dropped_full + st->dropped_bytes + st->dropped_oversize + st->dropped_failed +
	       st->dropped_shutdown;
}

static void add_dropped(const struct vg_output_stats *st, void *arg)
{
	*(uint64_t *)arg += vg_output_stats_dropped(st);
}

uint64_t vg_outputs_dropped(struct vg_outputs *outs)
{
	uint64_t n = 0;

	vg_outputs_stats(outs, add_dropped, &n);
	return n;
}

static void print_one(const struct vg_output_stats *st, void *arg)
{
	FILE *f = arg;
	uint64_t dropped = vg_output_stats_dropped(st);
	uint64_t unaccounted = st->accepted - st->sent - dropped - st->depth;

	fprintf(f,
		"vigil: output %s: accepted=%llu delivered=%llu dropped=%llu (queue_full=%llu "
		"queue_full_bytes=%llu oversize=%llu failed=%llu shutdown=%llu) retries=%llu",
		st->name, (unsigned long long)st->accepted, (unsigned long long)st->sent,
		(unsigned long long)dropped, (unsigned long long)st->dropped_full,
		(unsigned long long)st->dropped_bytes, (unsigned long long)st->dropped_oversize,
		(unsigned long long)st->dropped_failed, (unsigned long long)st->dropped_shutdown,
		(unsigned long long)st->retries);
	if (st->depth)
		fprintf(f, " still_queued=%llu", (unsigned long long)st->depth);
	if (st->kind == VG_OUTPUT_NATS)
		fprintf(f, " published=%llu", (unsigned long long)st->published);
	if (st->has_spool)
		fprintf(f,
			" spooled=%llu spool_depth=%llu spool_dropped=(bytes=%llu "
			"age=%llu corrupt=%llu)",
			(unsigned long long)st->spooled, (unsigned long long)st->spool_depth,
			(unsigned long long)st->spool_dropped_bytes,
			(unsigned long long)st->spool_dropped_age,
			(unsigned long long)st->spool_dropped_corrupt);
	/* a mismatch is a bug in vigil: say it rather than hide it */
	if (unaccounted)
		fprintf(f, " UNACCOUNTED=%lld", (long long)unaccounted);
	if (st->last_error[0])
		fprintf(f, " last error: %s", st->last_error);
	fputc('\n', f);
}

void vg_outputs_print_summary(struct vg_outputs *outs, FILE *f)
{
	vg_outputs_stats(outs, print_one, f);
}
