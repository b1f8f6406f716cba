/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Metrics: a registry of counters and gauges with labels, rendered in
 * Prometheus' text exposition format (version 0.0.4), and an HTTP endpoint
 * (libmicrohttpd) serving /metrics, /healthz and /version.
 *
 * The hot path is one relaxed atomic add on a handle taken once at start-up
 * (vg_metrics_counter), so per-event accounting costs no lock and no lookup.
 * Numbers that live elsewhere (kernel drop counters, queue depths) are read
 * at scrape time by collectors.
 */
#ifndef VIGIL_METRICS_H
#define VIGIL_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_metrics;
struct vg_metrics_writer;

/* One series: a family's name plus one set of label values. */
struct vg_metric {
	_Atomic int64_t value;
};

enum vg_metric_type {
	VG_METRIC_COUNTER,
	VG_METRIC_GAUGE,
	VG_METRIC_HISTOGRAM,
};

struct vg_metrics *vg_metrics_new(void);
void vg_metrics_free(struct vg_metrics *m);

/*
 * The series of family `name` with `labels` (NULL, "", or the inside of
 * the braces, already escaped: build it with vg_metrics_labels()). The
 * family is created on first use with `help`; asking again returns the same
 * handle. NULL on OOM, on a name that is not [a-zA-Z_:][a-zA-Z0-9_:]*, or
 * when the name exists with the other type. Handles live as long as m.
 */
struct vg_metric *vg_metrics_counter(struct vg_metrics *m, const char *name, const char *help,
				     const char *labels);
struct vg_metric *vg_metrics_gauge(struct vg_metrics *m, const char *name, const char *help,
				   const char *labels);
/*
 * Like vg_metrics_counter, for durations accumulated in nanoseconds and
 * exposed in seconds (Prometheus' base unit): name should end in _seconds_total.
 */
struct vg_metric *vg_metrics_counter_ns(struct vg_metrics *m, const char *name, const char *help,
					const char *labels);

static inline void vg_metric_add(struct vg_metric *c, int64_t n)
{
	if (c)
		atomic_fetch_add_explicit(&c->value, n, memory_order_relaxed);
}

static inline void vg_metric_inc(struct vg_metric *c)
{
	vg_metric_add(c, 1);
}

static inline void vg_metric_set(struct vg_metric *g, int64_t v)
{
	if (g)
		atomic_store_explicit(&g->value, v, memory_order_relaxed);
}

static inline int64_t vg_metric_get(const struct vg_metric *c)
{
	return c ? atomic_load_explicit(&((struct vg_metric *)c)->value, memory_order_relaxed) : 0;
}

/*
 * A histogram of durations observed in nanoseconds and exposed in seconds
 * (name_bucket{le=...}, name_sum, name_count). bounds_ns: the n upper
 * bounds, ascending (copied; at most VG_HISTOGRAM_MAX_BUCKETS); +Inf is
 * added. An observation is a few relaxed atomic adds, no lock: the caller
 * decides how often to measure (sample) so the clock reads stay cheap.
 * NULL on OOM, a bad name or bounds, or a name already used.
 */
#define VG_HISTOGRAM_MAX_BUCKETS 24
struct vg_histogram;
struct vg_histogram *vg_metrics_histogram_ns(struct vg_metrics *m, const char *name,
					     const char *help, const uint64_t *bounds_ns, size_t n);
void vg_histogram_observe_ns(struct vg_histogram *h, uint64_t ns);

/*
 * Builds a label string from NULL-terminated name/value pairs:
 * vg_metrics_labels(buf, sizeof(buf), "rule", r, "priority", "Warning", NULL)
 * gives  rule="...",priority="Warning"  with \, " and newline escaped.
 * Returns 0, or -1 when buf is too small (buf is then empty).
 */
int vg_metrics_labels(char *buf, size_t cap, ...) __attribute__((sentinel));

/* Called at each scrape to emit numbers kept elsewhere. */
typedef void (*vg_metrics_collect_fn)(struct vg_metrics_writer *w, void *arg);
int vg_metrics_add_collector(struct vg_metrics *m, vg_metrics_collect_fn fn, void *arg);

/* In a collector: starts a family, then its samples. Labels as above. */
void vg_metrics_family(struct vg_metrics_writer *w, const char *name, enum vg_metric_type type,
		       const char *help);
void vg_metrics_sample(struct vg_metrics_writer *w, const char *labels, double value);
void vg_metrics_sample_u64(struct vg_metrics_writer *w, const char *labels, uint64_t value);

/*
 * The whole exposition text (NUL-terminated, malloc'd; free it), or NULL on
 * OOM. Includes process_* metrics (resident memory, CPU, open fds).
 */
char *vg_metrics_render(struct vg_metrics *m, size_t *len);

/* /healthz: 0 = healthy; otherwise msg says why (served with 503). */
typedef int (*vg_metrics_health_fn)(void *arg, char *msg, size_t msglen);
void vg_metrics_set_health(struct vg_metrics *m, vg_metrics_health_fn fn, void *arg);
void vg_metrics_set_version(struct vg_metrics *m, const char *version);

/*
 * Liveness of the event loop: call vg_metrics_heartbeat() on every loop
 * iteration (one clock read and one atomic store). Once a timeout is set,
 * /healthz answers 503 when the last heartbeat is older than it, so a
 * Kubernetes liveness probe restarts a vigil whose loop is stuck, and not
 * one whose SIEM is down. Checked before the health callback.
 */
void vg_metrics_heartbeat(struct vg_metrics *m);
void vg_metrics_set_heartbeat_timeout(struct vg_metrics *m, unsigned seconds);

struct vg_metrics_server;

/*
 * What one client may hold of the server. Anything that can connect (any
 * pod, when the port is on the pod network) is an attacker: idle and
 * slow-loris connections must not starve the kubelet's /healthz probe.
 */
struct vg_metrics_limits {
	unsigned connections;	     /* open connections at most (all clients) */
	unsigned per_ip_connections; /* from one address at most; 0 = no per-address cap */
	unsigned timeout_s;	     /* a connection idle this long is closed */
	/* what is served (Falco's webserver keys): */
	const char *healthz_path; /* the health check's path; NULL: /healthz */
	bool no_metrics;	  /* /metrics answers 404 (Falco's prometheus_metrics_enabled) */
};

#define VG_METRICS_CONNECTIONS_DEFAULT 1024u
#define VG_METRICS_CONNECTIONS_MIN     16u
#define VG_METRICS_CONNECTIONS_MAX     65536u
#define VG_METRICS_PER_IP_DEFAULT      0u
#define VG_METRICS_TIMEOUT_DEFAULT     3u
#define VG_METRICS_TIMEOUT_MAX	       60u

/*
 * Serves m on addr ("127.0.0.1:8765", "[::1]:8765", ":8765" for every
 * address; port 0 picks one) within lim (NULL: the defaults above). NULL
 * with a message in err on failure.
 */
struct vg_metrics_server *vg_metrics_serve(struct vg_metrics *m, const char *addr,
					   const struct vg_metrics_limits *lim, char *err,
					   size_t errlen);
/* The port the server listens on (useful after port 0). */
uint16_t vg_metrics_server_port(const struct vg_metrics_server *s);
void vg_metrics_server_stop(struct vg_metrics_server *s);

#endif
