// SPDX-License-Identifier: Apache-2.0
/* The metrics registry and its Prometheus text rendering. */
#include "metrics/metrics.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "metrics/metrics_internal.h"

struct series {
	struct vg_metric m; /* first: handles are struct series pointers */
	char *labels;
};

struct family {
	char *name;
	char *help;
	enum vg_metric_type type;
	double scale; /* 1, or 1e-9 for nanosecond counters shown in seconds */
	struct series **series;
	size_t n, cap;
};

struct vg_histogram {
	char *name;
	char *help;
	size_t n; /* finite bounds; buckets[n] is +Inf */
	uint64_t bounds_ns[VG_HISTOGRAM_MAX_BUCKETS];
	/* per bucket, not cumulative: one add per observation; summed at render */
	_Atomic uint64_t buckets[VG_HISTOGRAM_MAX_BUCKETS + 1];
	_Atomic uint64_t sum_ns;
};

struct collector {
	vg_metrics_collect_fn fn;
	void *arg;
};

struct vg_metrics {
	pthread_mutex_t lock; /* registration and rendering; never the hot path */
	struct family **fam;
	size_t n, cap;
	struct collector *coll;
	size_t ncoll;
	struct vg_histogram **hist;
	size_t nhist, hist_cap;
	vg_metrics_health_fn health;
	void *health_arg;
	char version[64];
	_Atomic uint64_t heartbeat_ns; /* CLOCK_MONOTONIC of the last heartbeat */
	_Atomic unsigned heartbeat_timeout_s;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void vg_metrics_heartbeat(struct vg_metrics *m)
{
	atomic_store_explicit(&m->heartbeat_ns, mono_ns(), memory_order_relaxed);
}

void vg_metrics_set_heartbeat_timeout(struct vg_metrics *m, unsigned seconds)
{
	vg_metrics_heartbeat(m);
	atomic_store(&m->heartbeat_timeout_s, seconds);
}

struct vg_metrics *vg_metrics_new(void)
{
	struct vg_metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	snprintf(m->version, sizeof(m->version), "unknown");
	return m;
}

void vg_metrics_free(struct vg_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		struct family *f = m->fam[i];

		for (size_t j = 0; j < f->n; j++) {
			free(f->series[j]->labels);
			free(f->series[j]);
		}
		free(f->series);
		free(f->name);
		free(f->help);
		free(f);
	}
	for (size_t i = 0; i < m->nhist; i++) {
		free(m->hist[i]->name);
		free(m->hist[i]->help);
		free(m->hist[i]);
	}
	free(m->hist);
	free(m->fam);
	free(m->coll);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

static bool valid_name(const char *s)
{
	if (!s || !*s || !(isalpha((unsigned char)*s) || *s == '_' || *s == ':'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == ':'))
			return false;
	return true;
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

static bool name_taken(const struct vg_metrics *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->fam[i]->name, name))
			return true;
	for (size_t i = 0; i < m->nhist; i++)
		if (!strcmp(m->hist[i]->name, name))
			return true;
	return false;
}

static struct vg_metric *get(struct vg_metrics *m, const char *name, const char *help,
			     const char *labels, enum vg_metric_type type, double scale)
{
	struct family *f = NULL;
	struct series *s = NULL;

	if (!m || !valid_name(name))
		return NULL;
	if (!labels)
		labels = "";
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->n && !f; i++)
		if (!strcmp(m->fam[i]->name, name))
			f = m->fam[i];
	if (f && (f->type != type || f->scale != scale)) {
		f = NULL;
		goto out;
	}
	if (!f && name_taken(m, name)) /* a histogram's */
		goto out;
	if (!f) {
		if (grow((void **)&m->fam, &m->cap, m->n, sizeof(*m->fam)) != 0)
			goto out;
		f = calloc(1, sizeof(*f));
		if (!f)
			goto out;
		f->name = strdup(name);
		f->help = strdup(help ? help : "");
		f->type = type;
		f->scale = scale;
		if (!f->name || !f->help) {
			free(f->name);
			free(f->help);
			free(f);
			f = NULL;
			goto out;
		}
		m->fam[m->n++] = f;
	}
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->series[i]->labels, labels)) {
			s = f->series[i];
			goto out;
		}
	if (grow((void **)&f->series, &f->cap, f->n, sizeof(*f->series)) != 0)
		goto out;
	s = calloc(1, sizeof(*s));
	if (!s)
		goto out;
	s->labels = strdup(labels);
	if (!s->labels) {
		free(s);
		s = NULL;
		goto out;
	}
	atomic_init(&s->m.value, 0);
	f->series[f->n++] = s;
out:
	pthread_mutex_unlock(&m->lock);
	return s ? &s->m : NULL;
}

struct vg_metric *vg_metrics_counter(struct vg_metrics *m, const char *name, const char *help,
				     const char *labels)
{
	return get(m, name, help, labels, VG_METRIC_COUNTER, 1.0);
}

struct vg_metric *vg_metrics_gauge(struct vg_metrics *m, const char *name, const char *help,
				   const char *labels)
{
	return get(m, name, help, labels, VG_METRIC_GAUGE, 1.0);
}

struct vg_metric *vg_metrics_counter_ns(struct vg_metrics *m, const char *name, const char *help,
					const char *labels)
{
	return get(m, name, help, labels, VG_METRIC_COUNTER, 1e-9);
}

static bool bounds_ok(const uint64_t *b, size_t n)
{
	if (!n || n > VG_HISTOGRAM_MAX_BUCKETS)
		return false;
	for (size_t i = 1; i < n; i++)
		if (b[i] <= b[i - 1])
			return false;
	return true;
}

struct vg_histogram *vg_metrics_histogram_ns(struct vg_metrics *m, const char *name,
					     const char *help, const uint64_t *bounds_ns, size_t n)
{
	struct vg_histogram *h = NULL;

	if (!m || !valid_name(name) || !bounds_ok(bounds_ns, n))
		return NULL;
	pthread_mutex_lock(&m->lock);
	if (name_taken(m, name) ||
	    grow((void **)&m->hist, &m->hist_cap, m->nhist, sizeof(*m->hist)) != 0)
		goto out;
	h = calloc(1, sizeof(*h));
	if (!h)
		goto out;
	h->name = strdup(name);
	h->help = strdup(help ? help : "");
	if (!h->name || !h->help) {
		free(h->name);
		free(h->help);
		free(h);
		h = NULL;
		goto out;
	}
	h->n = n;
	memcpy(h->bounds_ns, bounds_ns, n * sizeof(*bounds_ns));
	m->hist[m->nhist++] = h;
out:
	pthread_mutex_unlock(&m->lock);
	return h;
}

void vg_histogram_observe_ns(struct vg_histogram *h, uint64_t ns)
{
	size_t i = 0;

	if (!h)
		return;
	/* a dozen bounds: a linear scan beats a binary search's branches */
	while (i < h->n && ns > h->bounds_ns[i])
		i++;
	atomic_fetch_add_explicit(&h->buckets[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns, ns, memory_order_relaxed);
}

int vg_metrics_labels(char *buf, size_t cap, ...)
{
	size_t n = 0;
	const char *k;
	va_list ap;

	if (!cap)
		return -1;
	buf[0] = '\0';
	va_start(ap, cap);
	while ((k = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);
		int w = snprintf(buf + n, cap - n, "%s%s=\"", n ? "," : "", k);

		if (w < 0 || (size_t)w >= cap - n)
			goto full;
		n += (size_t)w;
		for (; v && *v; v++) {
			const char *esc = *v == '\\'   ? "\\\\"
					  : *v == '"'  ? "\\\""
					  : *v == '\n' ? "\\n"
						       : NULL;
			size_t l = esc ? 2 : 1;

			if (n + l + 1 >= cap)
				goto full;
			memcpy(buf + n, esc ? esc : v, l);
			n += l;
		}
		if (n + 2 > cap)
			goto full;
		buf[n++] = '"';
		buf[n] = '\0';
	}
	va_end(ap);
	return 0;
full:
	va_end(ap);
	buf[0] = '\0';
	return -1;
}

int vg_metrics_add_collector(struct vg_metrics *m, vg_metrics_collect_fn fn, void *arg)
{
	struct collector *c;

	pthread_mutex_lock(&m->lock);
	c = realloc(m->coll, (m->ncoll + 1) * sizeof(*c));
	if (!c) {
		pthread_mutex_unlock(&m->lock);
		return -1;
	}
	m->coll = c;
	m->coll[m->ncoll++] = (struct collector){fn, arg};
	pthread_mutex_unlock(&m->lock);
	return 0;
}

void vg_metrics_set_health(struct vg_metrics *m, vg_metrics_health_fn fn, void *arg)
{
	pthread_mutex_lock(&m->lock);
	m->health = fn;
	m->health_arg = arg;
	pthread_mutex_unlock(&m->lock);
}

void vg_metrics_set_version(struct vg_metrics *m, const char *version)
{
	pthread_mutex_lock(&m->lock);
	snprintf(m->version, sizeof(m->version), "%s", version);
	pthread_mutex_unlock(&m->lock);
}

/* --- rendering ------------------------------------------------------------ */

struct vg_metrics_writer {
	char *p;
	size_t len, cap;
	bool oom;
	const char *family; /* the family samples belong to */
};

static void w_printf(struct vg_metrics_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void w_printf(struct vg_metrics_writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(w->p + w->len, w->cap - w->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			w->oom = true;
			return;
		}
		if ((size_t)n < w->cap - w->len) {
			w->len += (size_t)n;
			return;
		}
		{
			size_t cap = w->cap * 2 + (size_t)n;
			char *p = realloc(w->p, cap);

			if (!p) {
				w->oom = true;
				return;
			}
			w->p = p;
			w->cap = cap;
		}
	}
}

/* HELP text escapes backslash and newline only. */
static void w_help(struct vg_metrics_writer *w, const char *name, const char *help)
{
	w_printf(w, "# HELP %s ", name);
	for (const char *h = help; *h; h++) {
		if (*h == '\\')
			w_printf(w, "\\\\");
		else if (*h == '\n')
			w_printf(w, "\\n");
		else
			w_printf(w, "%c", *h);
	}
	w_printf(w, "\n");
}

void vg_metrics_family(struct vg_metrics_writer *w, const char *name, enum vg_metric_type type,
		       const char *help)
{
	w->family = name;
	w_help(w, name, help ? help : "");
	w_printf(w, "# TYPE %s %s\n", name,
		 type == VG_METRIC_COUNTER ? "counter"
		 : type == VG_METRIC_GAUGE ? "gauge"
					   : "histogram");
}

static void sample_name(struct vg_metrics_writer *w, const char *labels)
{
	if (labels && *labels)
		w_printf(w, "%s{%s} ", w->family, labels);
	else
		w_printf(w, "%s ", w->family);
}

void vg_metrics_sample(struct vg_metrics_writer *w, const char *labels, double value)
{
	sample_name(w, labels);
	if (isnan(value))
		w_printf(w, "NaN\n");
	else if (isinf(value))
		w_printf(w, "%s\n", value > 0 ? "+Inf" : "-Inf");
	else
		w_printf(w, "%.17g\n", value);
}

void vg_metrics_sample_u64(struct vg_metrics_writer *w, const char *labels, uint64_t value)
{
	sample_name(w, labels);
	w_printf(w, "%llu\n", (unsigned long long)value);
}

/*
 * Buckets are cumulative in the exposition; observations land in one
 * bucket each, so they are summed here. Read without a lock while the
 * event thread observes: the count may run a little ahead of the buckets,
 * so +Inf is the bucket sum and _count is taken as that too (Prometheus
 * requires _count == the +Inf bucket).
 */
static void render_histogram(struct vg_metrics_writer *w, struct vg_histogram *h)
{
	char name[256], le[32];
	uint64_t cum = 0;

	vg_metrics_family(w, h->name, VG_METRIC_HISTOGRAM, h->help);
	snprintf(name, sizeof(name), "%s_bucket", h->name);
	for (size_t i = 0; i <= h->n; i++) {
		cum += atomic_load_explicit(&h->buckets[i], memory_order_relaxed);
		if (i < h->n)
			snprintf(le, sizeof(le), "%.9g", (double)h->bounds_ns[i] * 1e-9);
		else
			snprintf(le, sizeof(le), "+Inf");
		w_printf(w, "%s{le=\"%s\"} %llu\n", name, le, (unsigned long long)cum);
	}
	w_printf(w, "%s_sum %.9g\n", h->name,
		 (double)atomic_load_explicit(&h->sum_ns, memory_order_relaxed) * 1e-9);
	w_printf(w, "%s_count %llu\n", h->name, (unsigned long long)cum);
}

/* process_* as the Prometheus client libraries name them. */
static void process_metrics(struct vg_metrics_writer *w)
{
	long page = sysconf(_SC_PAGESIZE), hz = sysconf(_SC_CLK_TCK);
	unsigned long long vsz = 0, rss = 0, ut = 0, st = 0;
	char buf[1024];
	FILE *f = fopen("/proc/self/statm", "re");
	DIR *d;

	if (f) {
		if (fscanf(f, "%llu %llu", &vsz, &rss) == 2) {
			vg_metrics_family(w, "process_resident_memory_bytes", VG_METRIC_GAUGE,
					  "Resident memory size in bytes.");
			vg_metrics_sample_u64(w, NULL, rss * (unsigned long long)page);
			vg_metrics_family(w, "process_virtual_memory_bytes", VG_METRIC_GAUGE,
					  "Virtual memory size in bytes.");
			vg_metrics_sample_u64(w, NULL, vsz * (unsigned long long)page);
		}
		fclose(f);
	}
	f = fopen("/proc/self/stat", "re");
	if (f) {
		if (fgets(buf, sizeof(buf), f)) {
			/* comm may hold spaces and parentheses: fields start after the last ')' */
			const char *p = strrchr(buf, ')');

			if (p &&
			    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				   &ut, &st) == 2 &&
			    hz > 0) {
				vg_metrics_family(
					w, "process_cpu_seconds_total", VG_METRIC_COUNTER,
					"Total user and system CPU time spent in seconds.");
				vg_metrics_sample(w, NULL, (double)(ut + st) / (double)hz);
			}
		}
		fclose(f);
	}
	d = opendir("/proc/self/fd");
	if (d) {
		uint64_t n = 0;
		struct dirent *e;

		while ((e = readdir(d)))
			n += e->d_name[0] != '.';
		closedir(d);
		vg_metrics_family(w, "process_open_fds", VG_METRIC_GAUGE,
				  "Number of open file descriptors.");
		vg_metrics_sample_u64(w, NULL, n ? n - 1 : 0); /* minus the one opendir holds */
	}
}

char *vg_metrics_render(struct vg_metrics *m, size_t *len)
{
	struct vg_metrics_writer w = {.cap = 4096};
	char labels[160];

	w.p = malloc(w.cap);
	if (!w.p)
		return NULL;
	w.p[0] = '\0';
	pthread_mutex_lock(&m->lock);
	vg_metrics_labels(labels, sizeof(labels), "version", m->version, NULL);
	vg_metrics_family(&w, "vigil_build_info", VG_METRIC_GAUGE,
			  "vigil's version, as a label; the value is always 1.");
	vg_metrics_sample_u64(&w, labels, 1);
	for (size_t i = 0; i < m->n; i++) {
		struct family *f = m->fam[i];

		vg_metrics_family(&w, f->name, f->type, f->help);
		for (size_t j = 0; j < f->n; j++) {
			int64_t v = vg_metric_get(&f->series[j]->m);

			if (f->scale != 1.0)
				vg_metrics_sample(&w, f->series[j]->labels, (double)v * f->scale);
			else if (f->type == VG_METRIC_COUNTER && v >= 0)
				vg_metrics_sample_u64(&w, f->series[j]->labels, (uint64_t)v);
			else
				w_printf(&w, "%s%s%s%s %lld\n", f->name,
					 *f->series[j]->labels ? "{" : "", f->series[j]->labels,
					 *f->series[j]->labels ? "}" : "", (long long)v);
		}
	}
	for (size_t i = 0; i < m->nhist; i++)
		render_histogram(&w, m->hist[i]);
	for (size_t i = 0; i < m->ncoll; i++)
		m->coll[i].fn(&w, m->coll[i].arg);
	pthread_mutex_unlock(&m->lock);
	process_metrics(&w);
	if (w.oom) {
		free(w.p);
		return NULL;
	}
	if (len)
		*len = w.len;
	return w.p;
}

int vg_metrics_health(struct vg_metrics *m, char *msg, size_t msglen)
{
	vg_metrics_health_fn fn;
	void *arg;

	unsigned timeout = atomic_load(&m->heartbeat_timeout_s);

	if (timeout) {
		uint64_t age = mono_ns() - atomic_load(&m->heartbeat_ns);

		if (age > (uint64_t)timeout * 1000000000ull) {
			snprintf(msg, msglen, "event loop stalled: no heartbeat for %llu s",
				 (unsigned long long)(age / 1000000000ull));
			return 1;
		}
	}
	pthread_mutex_lock(&m->lock);
	fn = m->health;
	arg = m->health_arg;
	pthread_mutex_unlock(&m->lock);
	snprintf(msg, msglen, "ok");
	return fn ? fn(arg, msg, msglen) : 0;
}

void vg_metrics_version(struct vg_metrics *m, char *out, size_t outlen)
{
	pthread_mutex_lock(&m->lock);
	snprintf(out, outlen, "%s", m->version);
	pthread_mutex_unlock(&m->lock);
}
