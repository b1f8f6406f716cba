/* SPDX-License-Identifier: Apache-2.0 */
/* What the output framework (outputs.c) and the output kinds share. */
#ifndef VIGIL_OUTPUTS_INTERNAL_H
#define VIGIL_OUTPUTS_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "delivery/outputs.h"

/* One alert, copied once at submit and shared by every queue that holds it. */
struct vg_msg {
	atomic_uint refs;
	int priority;
	size_t size;		    /* bytes allocated: what every holder is charged */
	atomic_uint_fast64_t *live; /* the global count of live bytes it is part of */
	uint64_t wall_ns;	    /* when it was submitted (syslog's TIMESTAMP) */
	size_t json_len;
	size_t text_len;
	const char *json;
	const char *text; /* == json when the writer gave no text */
	const char *rule;
	char data[]; /* json NUL text NUL rule NUL */
};

struct vg_output;

struct vg_output_ops {
	/* Copies cfg's settings into o->priv. Runs in the caller's thread. */
	int (*init)(struct vg_output *o, const struct vg_output_config *cfg);
	/*
	 * Delivers msgs[0..n) in order, in the worker thread. Returns how many
	 * were delivered; when fewer than n, the next one failed: the output
	 * recorded why (vg_output_error), and sets *refused to how many of the
	 * undelivered ones retrying cannot help (the receiver refused them for
	 * good: an HTTP 400 refuses the whole request, an oversized datagram
	 * one alert); 0 means a transient failure, retried with back-off.
	 */
	size_t (*send)(struct vg_output *o, struct vg_msg *const *msgs, size_t n, size_t *refused);
	/* Optional: reopen files and reconnect; in the worker thread. */
	void (*reopen)(struct vg_output *o);
	/*
	 * Optional: called by the worker while its queue is empty (work the
	 * output keeps for itself: the nats spool's drain). Returns in how many
	 * ms to call it again, 0 = only when alerts come.
	 */
	uint32_t (*idle)(struct vg_output *o);
	/* Optional: adds the output's own numbers to st; any thread. */
	void (*stats)(struct vg_output *o, struct vg_output_stats *st);
	/* Releases priv; after the worker stopped. */
	void (*fini)(struct vg_output *o);
};

struct vg_output {
	const struct vg_output_ops *ops;
	enum vg_output_kind kind;
	enum vg_output_format format;
	int min_priority;
	uint32_t batch_max;
	uint32_t retry_initial_ms;
	uint32_t retry_max_ms;
	uint32_t max_retries;
	void *priv;

	pthread_t thread;
	bool started;
	pthread_mutex_t lock; /* ring, stop, last_error */
	pthread_cond_t work;  /* queue gained alerts, reopen or stop asked */
	pthread_cond_t idle;  /* queue drained (flush waits on it) */
	struct vg_msg **ring;
	uint32_t cap;
	uint32_t head;
	uint32_t count; /* in flight included: they leave when delivered or given up */
	uint64_t bytes; /* the size of every alert counted in count */
	uint64_t max_bytes;
	bool stop;
	bool abandoned;	      /* shutdown gave up waiting for the worker: it must not count */
	atomic_bool stopping; /* stop, readable without the lock (curl's progress callback) */
	atomic_bool reopen;
	bool failing;
	char last_error[256];

	atomic_uint_fast64_t accepted;
	atomic_uint_fast64_t queued;
	atomic_uint_fast64_t sent;
	atomic_uint_fast64_t dropped_full;
	atomic_uint_fast64_t dropped_bytes;
	atomic_uint_fast64_t dropped_oversize;
	atomic_uint_fast64_t dropped_failed;
	atomic_uint_fast64_t dropped_shutdown;
	atomic_uint_fast64_t retries;
	atomic_uint_fast64_t restarts;
	atomic_uint_fast64_t rotations;
	atomic_uint_fast64_t last_ok_ns;
};

extern const struct vg_output_ops vg_output_stdout_ops;
extern const struct vg_output_ops vg_output_file_ops;
extern const struct vg_output_ops vg_output_syslog_ops;
extern const struct vg_output_ops vg_output_http_ops;
extern const struct vg_output_ops vg_output_program_ops;

/* Records why the last attempt failed (shown in stats and on /metrics). */
void vg_output_error(struct vg_output *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The line this output writes for m: its JSON or its text. */
static inline const char *vg_msg_line(const struct vg_output *o, const struct vg_msg *m,
				      size_t *len)
{
	if (o->format == VG_FORMAT_TEXT) {
		*len = m->text_len;
		return m->text;
	}
	*len = m->json_len;
	return m->json;
}

/* Writes all of iov to fd (retrying short writes and EINTR). 0, or -errno. */
int vg_write_all(int fd, struct iovec *iov, int iovcnt);

/* A growable byte buffer, reused across alerts so steady state allocates nothing. */
struct vg_buf {
	char *p;
	size_t len;
	size_t cap;
};

int vg_buf_reserve(struct vg_buf *b, size_t more);
int vg_buf_add(struct vg_buf *b, const void *data, size_t len);
int vg_buf_printf(struct vg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Splits "host:port", "[v6]:port" or "host" (then *port is left as it is). */
int vg_split_host_port(const char *addr, char *host, size_t hostlen, uint16_t *port);

/* A duplicate of s, or NULL for NULL; *err set on allocation failure. */
char *vg_out_strdup(const char *s, bool *err);

#endif
