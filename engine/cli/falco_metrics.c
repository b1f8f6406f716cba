// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's metric families, from vigil's numbers. Falco's names come from
 * its libs' convention: falcosecurity_<subsystem>_<name>, counters and
 * "_total" gauges as its Prometheus converter writes them, and *_info
 * gauges of value 1 carrying a label. The meaning of each is Falco's; where
 * vigil's number differs in scope the comment at the family says how.
 */
#include "cli/falco_metrics.h"

#include <libgen.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "kernel/probes.h"
#include "metrics/metrics.h"
#include "delivery/outputs.h"
#include "rules/compile.h"
#include "rules/loader.h"

#define HELP "https://falco.org/docs/metrics/"

/* A file's base name and the SHA-256 of its bytes, in hex. */
struct file_hash {
	char name[256];
	char sha256[2 * 32 + 1];
};

struct vg_falco_metrics {
	struct vg_probes *probes;
	struct vg_outputs *outs;
	uint64_t start_ns; /* CLOCK_REALTIME at start-up */
	uint64_t boot_ns;  /* the host's boot time, from /proc/stat's btime */
	long ncpus;
	char release[128]; /* uname -r */
	char hostname[256];
	_Atomic(struct vg_falco_series *) series; /* pushed by the event thread only */
	/* the loaded files' hashes: replaced at reload, read at scrape */
	pthread_mutex_t files_lock;
	struct file_hash *rules_files, config_file;
	size_t nrules_files;
	char *config_path; /* or NULL */
};

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* As Falco: the boot time in whole seconds (btime), in nanoseconds. */
static uint64_t boot_ns(void)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[256];
	unsigned long long btime = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", &btime) == 1)
			break;
	fclose(f);
	return (uint64_t)btime * 1000000000ull;
}

static void info(struct vg_metrics_writer *w, const char *name, const char *label,
		 const char *value)
{
	char l[512];

	if (vg_metrics_labels(l, sizeof(l), label, value, NULL) != 0)
		return;
	vg_metrics_family(w, name, VG_METRIC_GAUGE, HELP);
	vg_metrics_sample(w, l, 1);
}

static void one(struct vg_metrics_writer *w, const char *name, enum vg_metric_type t, uint64_t v)
{
	vg_metrics_family(w, name, t, HELP);
	vg_metrics_sample_u64(w, NULL, v);
}

/* Falco's wrapper metrics: what runs, where, since when. */
static void wrapper_families(struct vg_metrics_writer *w, struct vg_falco_metrics *fm)
{
	/* vigil's probes are CO-RE BPF programs feeding a ring buffer: Falco's modern_bpf */
	info(w, "falcosecurity_scap_engine_name_info", "engine_name", "modern_bpf");
	info(w, "falcosecurity_falco_version_info", "version", VIGIL_VERSION_STRING);
	info(w, "falcosecurity_falco_kernel_release_info", "kernel_release", fm->release);
	info(w, "falcosecurity_evt_hostname_info", "hostname", fm->hostname);
	info(w, "falcosecurity_falco_evt_source_info", "evt_source", "syscall");
	one(w, "falcosecurity_falco_start_timestamp_nanoseconds", VG_METRIC_GAUGE, fm->start_ns);
	one(w, "falcosecurity_falco_host_boot_timestamp_nanoseconds", VG_METRIC_GAUGE, fm->boot_ns);
	one(w, "falcosecurity_falco_host_num_cpus_total", VG_METRIC_GAUGE, (uint64_t)fm->ncpus);
	one(w, "falcosecurity_falco_duration_seconds_total", VG_METRIC_COUNTER,
	    (wall_ns() - fm->start_ns) / 1000000000ull);
}

static void add_queue_drops(const struct vg_output_stats *st, void *arg)
{
	*(uint64_t *)arg += st->dropped_full + st->dropped_bytes;
}

/*
 * Falco drops an alert when its one output queue is full; vigil has a
 * queue per output: its count is the alerts an output's queue refused for
 * room (in alerts or bytes), over all outputs.
 */
static void outputs_family(struct vg_metrics_writer *w, struct vg_falco_metrics *fm)
{
	uint64_t drops = 0;

	if (fm->outs)
		vg_outputs_stats(fm->outs, add_queue_drops, &drops);
	one(w, "falcosecurity_falco_outputs_queue_num_drops_total", VG_METRIC_COUNTER, drops);
}

/*
 * Falco's kernel event counters. vigil's probes send one event per syscall
 * at its exit (no enter events), so the enter series are 0; kernel drops
 * are counted by event kind: exec, fork and exit map to Falco's execve,
 * clone_fork and proc categories, every other syscall and credentials
 * change to other_interest.
 */
static void kernel_families(struct vg_metrics_writer *w, struct vg_falco_metrics *fm)
{
	static const struct {
		const char *drop;
		int kind; /* VG_EV_*, or -1: none of vigil's */
		bool enter;
	} cats[] = {
		{"clone_fork", VG_EV_FORK, true},
		{"execve", VG_EV_EXEC, true},
		{"connect", -1, true},
		{"open", -1, true},
		{"dir_file", -1, true},
		{"other_interest", VG_EV_SYSCALL, true},
		{"close", -1, false},
		{"proc", VG_EV_EXIT, false},
	};
	struct vg_kcounters k[VG_EV__MAX];
	uint64_t sent = 0, dropped = 0;
	char l[96];

	if (!fm->probes || vg_probes_counters(fm->probes, k) != 0)
		return;
	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX; t++) {
		sent += k[t].sent;
		dropped += k[t].dropped;
	}
	one(w, "falcosecurity_scap_n_evts_total", VG_METRIC_COUNTER, sent);
	vg_metrics_family(w, "falcosecurity_scap_n_drops_buffer_total", VG_METRIC_COUNTER, HELP);
	for (size_t i = 0; i < sizeof(cats) / sizeof(cats[0]); i++) {
		uint64_t n = cats[i].kind < 0 ? 0 : k[cats[i].kind].dropped;

		if (cats[i].kind == VG_EV_SYSCALL)
			n += k[VG_EV_CREDS].dropped;
		if (cats[i].enter) {
			vg_metrics_labels(l, sizeof(l), "dir", "enter", "drop", cats[i].drop, NULL);
			vg_metrics_sample_u64(w, l, 0);
		}
		vg_metrics_labels(l, sizeof(l), "dir", "exit", "drop", cats[i].drop, NULL);
		vg_metrics_sample_u64(w, l, n);
	}
	one(w, "falcosecurity_scap_n_drops_total", VG_METRIC_COUNTER, dropped);
}

/* The kB value of the line starting with key in a /proc file; 0 when absent. */
static uint64_t proc_kb(const char *path, const char *key)
{
	FILE *f = fopen(path, "re");
	char line[256];
	size_t n = strlen(key);
	unsigned long long v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && sscanf(line + n, "%llu", &v) == 1)
			break;
	fclose(f);
	return (uint64_t)v;
}

static double round1(double v)
{
	return (double)(int64_t)(v * 10.0 + 0.5) / 10.0;
}

/*
 * vigil's CPU use as Falco computes it (as ps does): CPU time over the
 * time since the process started, in percent rounded to one decimal,
 * served as a ratio.
 */
static double self_cpu_ratio(void)
{
	FILE *f = fopen("/proc/self/stat", "re");
	char buf[1024], *p;
	unsigned long long utime = 0, stime = 0, start = 0;
	double uptime = 0, hz = (double)sysconf(_SC_CLK_TCK), elapsed;

	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after "(comm)": state is field 3; utime 14, stime 15, starttime 22 */
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &utime, &stime, &start) != 3)
		return 0;
	f = fopen("/proc/uptime", "re");
	if (!f)
		return 0;
	if (fscanf(f, "%lf", &uptime) != 1)
		uptime = 0;
	fclose(f);
	if (hz <= 0)
		hz = 100;
	elapsed = uptime - (double)start / hz;
	return elapsed > 0 ? round1(100.0 * (double)(utime + stime) / hz / elapsed) / 100.0 : 0;
}

/* The host's CPU use since boot (all CPUs, 1 - idle share) and the running processes. */
static void host_stat(double *cpu_ratio, uint64_t *running)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[512];
	unsigned long long v[7] = {0}, r = 0;

	*cpu_ratio = 0;
	*running = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "cpu ", 4) == 0) {
			unsigned long long sum = 0;

			if (sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
				   &v[2], &v[3], &v[4], &v[5], &v[6]) != 7)
				continue;
			for (int i = 0; i < 7; i++)
				sum += v[i];
			if (sum)
				*cpu_ratio =
					round1(100.0 - (double)v[3] * 100.0 / (double)sum) / 100.0;
		} else if (sscanf(line, "procs_running %llu", &r) == 1) {
			*running = (uint64_t)r;
			break;
		}
	}
	fclose(f);
}

static void gauge_d(struct vg_metrics_writer *w, const char *name, double v)
{
	vg_metrics_family(w, name, VG_METRIC_GAUGE, HELP);
	vg_metrics_sample(w, NULL, v);
}

/* Falco's resource utilization: vigil's own process, and the host's, read at scrape time. */
static void resource_families(struct vg_metrics_writer *w)
{
	uint64_t running, fds = 0, used, total;
	double host_cpu;
	FILE *f;

	gauge_d(w, "falcosecurity_falco_cpu_usage_ratio", self_cpu_ratio());
	gauge_d(w, "falcosecurity_falco_memory_rss_bytes",
		(double)proc_kb("/proc/self/status", "VmRSS:") * 1024.0);
	gauge_d(w, "falcosecurity_falco_memory_vsz_bytes",
		(double)proc_kb("/proc/self/status", "VmSize:") * 1024.0);
	gauge_d(w, "falcosecurity_falco_memory_pss_bytes",
		(double)proc_kb("/proc/self/smaps_rollup", "Pss:") * 1024.0);
	host_stat(&host_cpu, &running);
	gauge_d(w, "falcosecurity_falco_host_cpu_usage_ratio", host_cpu);
	/* Falco's "used": total less free, buffers and page cache */
	used = proc_kb("/proc/meminfo", "MemFree:") + proc_kb("/proc/meminfo", "Buffers:") +
	       proc_kb("/proc/meminfo", "Cached:");
	total = proc_kb("/proc/meminfo", "MemTotal:");
	used = total > used ? total - used : 0;
	gauge_d(w, "falcosecurity_falco_host_memory_used_bytes", (double)used * 1024.0);
	one(w, "falcosecurity_falco_host_procs_running_total", VG_METRIC_GAUGE, running);
	/* allocated file handles, the first number of file-nr */
	f = fopen("/proc/sys/fs/file-nr", "re");
	if (f) {
		unsigned long long n = 0;

		if (fscanf(f, "%llu", &n) == 1)
			fds = (uint64_t)n;
		fclose(f);
	}
	one(w, "falcosecurity_falco_host_open_fds_total", VG_METRIC_GAUGE, fds);
}

/* Falco's rule counters: one series per rule that matched at least once. */
static void rules_family(struct vg_metrics_writer *w, struct vg_falco_metrics *fm)
{
	bool first = true;

	for (struct vg_falco_series *s = atomic_load_explicit(&fm->series, memory_order_acquire); s;
	     s = s->next) {
		uint64_t n = atomic_load_explicit(&s->matches, memory_order_relaxed);

		if (!n)
			continue;
		if (first)
			vg_metrics_family(w, "falcosecurity_falco_rules_matches_total",
					  VG_METRIC_COUNTER, HELP);
		first = false;
		vg_metrics_sample_u64(w, s->labels, n);
	}
}

static bool hash_bytes(const void *p, size_t n, const char *path, struct file_hash *out)
{
	unsigned char md[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	char tmp[4096];

	sha256_init(&ctx);
	sha256_update(&ctx, n, p);
	sha256_digest(&ctx, sizeof(md), md);
	for (unsigned i = 0; i < sizeof(md); i++)
		snprintf(out->sha256 + 2 * i, 3, "%02x", md[i]);
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(out->name, sizeof(out->name), "%s", basename(tmp));
	return true;
}

/* The config file's hash, read whole (configs are small; past 16 MiB: none). */
static bool hash_file(const char *path, struct file_hash *out)
{
	FILE *f = fopen(path, "re");
	char *buf = malloc(16u << 20);
	size_t n = 0;
	bool ok = false;

	if (f && buf) {
		n = fread(buf, 1, 16u << 20, f);
		ok = !ferror(f) && feof(f) && hash_bytes(buf, n, path, out);
	}
	if (f)
		fclose(f);
	free(buf);
	return ok;
}

void vg_falco_metrics_files(struct vg_falco_metrics *fm, const struct vg_ruleset *rs)
{
	size_t n = 0;
	struct file_hash *h, cfg = {0};
	const char *path, *text;
	size_t len;

	while (vg_ruleset_file(rs, n, &path, &text, &len))
		n++;
	h = calloc(n ? n : 1, sizeof(*h));
	if (!h)
		return;
	for (size_t i = 0; i < n && vg_ruleset_file(rs, i, &path, &text, &len); i++)
		hash_bytes(text ? text : "", text ? len : 0, path, &h[i]);
	if (fm->config_path && !hash_file(fm->config_path, &cfg))
		cfg.name[0] = '\0';
	pthread_mutex_lock(&fm->files_lock);
	free(fm->rules_files);
	fm->rules_files = h;
	fm->nrules_files = n;
	fm->config_file = cfg;
	pthread_mutex_unlock(&fm->files_lock);
}

static void files_family(struct vg_metrics_writer *w, const char *name, const struct file_hash *h,
			 size_t n)
{
	char l[512];
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (!h[i].name[0] || vg_metrics_labels(l, sizeof(l), "file_name", h[i].name,
						       "sha256", h[i].sha256, NULL) != 0)
			continue;
		if (first)
			vg_metrics_family(w, name, VG_METRIC_GAUGE, HELP);
		first = false;
		vg_metrics_sample(w, l, 1);
	}
}

/* Falco's hashes of the rules and config files loaded: which rules run where. */
static void files_families(struct vg_metrics_writer *w, struct vg_falco_metrics *fm)
{
	pthread_mutex_lock(&fm->files_lock);
	files_family(w, "falcosecurity_falco_sha256_rules_files_info", fm->rules_files,
		     fm->nrules_files);
	files_family(w, "falcosecurity_falco_sha256_config_files_info", &fm->config_file, 1);
	pthread_mutex_unlock(&fm->files_lock);
}

static void collect(struct vg_metrics_writer *w, void *arg)
{
	struct vg_falco_metrics *fm = arg;

	wrapper_families(w, fm);
	files_families(w, fm);
	outputs_family(w, fm);
	kernel_families(w, fm);
	resource_families(w);
	rules_family(w, fm);
}

struct vg_falco_metrics *vg_falco_metrics_new(struct vg_metrics *m, struct vg_probes *probes,
					      struct vg_outputs *outs, const char *config_path)
{
	struct vg_falco_metrics *fm = calloc(1, sizeof(*fm));
	struct utsname u;

	if (!fm)
		return NULL;
	fm->probes = probes;
	fm->outs = outs;
	pthread_mutex_init(&fm->files_lock, NULL);
	if (config_path && !(fm->config_path = strdup(config_path))) {
		free(fm);
		return NULL;
	}
	fm->start_ns = wall_ns();
	fm->boot_ns = boot_ns();
	fm->ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (fm->ncpus < 0)
		fm->ncpus = 0;
	if (uname(&u) == 0)
		snprintf(fm->release, sizeof(fm->release), "%s", u.release);
	if (gethostname(fm->hostname, sizeof(fm->hostname) - 1) != 0)
		fm->hostname[0] = '\0';
	if (vg_metrics_add_collector(m, collect, fm) != 0) {
		free(fm->config_path);
		free(fm);
		return NULL;
	}
	return fm;
}

void vg_falco_metrics_free(struct vg_falco_metrics *fm)
{
	struct vg_falco_series *s, *next;

	if (!fm)
		return;
	for (s = atomic_load(&fm->series); s; s = next) {
		next = s->next;
		free(s->labels);
		free(s);
	}
	free(fm->rules_files);
	free(fm->config_path);
	pthread_mutex_destroy(&fm->files_lock);
	free(fm);
}

/* A tag as a label name: tag_<tag>, characters Prometheus does not allow as '_'. */
static void tag_label(char *out, size_t cap, const char *tag)
{
	size_t n = (size_t)snprintf(out, cap, "tag_%s", tag);

	for (size_t i = 4; i < n && i < cap; i++)
		if (!(out[i] == '_' || (out[i] >= 'a' && out[i] <= 'z') ||
		      (out[i] >= 'A' && out[i] <= 'Z') || (out[i] >= '0' && out[i] <= '9')))
			out[i] = '_';
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Falco's labels, sorted by name as its converter writes them: priority
 * (the number, 0 emergency .. 7 debug), rule_name, source, then one
 * tag_<tag>="true" per tag.
 */
static char *rule_labels(const struct vg_rule *r)
{
	size_t ntags, len = 0, cap = 1024;
	const char *const *tags = vg_rule_tags(r, &ntags);
	const char *sorted[64];
	size_t m = ntags < 64 ? ntags : 64;
	char *out = malloc(cap), prio[4], base[600], tl[200];

	if (!out)
		return NULL;
	snprintf(prio, sizeof(prio), "%d", (int)vg_rule_priority(r));
	if (vg_metrics_labels(base, sizeof(base), "priority", prio, "rule_name", vg_rule_name(r),
			      "source", vg_rule_source(r), NULL) != 0) {
		free(out);
		return NULL;
	}
	len = (size_t)snprintf(out, cap, "%s", base);
	if (m) /* a rule without tags has none to copy (tags may be NULL) */
		memcpy(sorted, tags, m * sizeof(*sorted));
	qsort(sorted, m, sizeof(*sorted), str_cmp);
	for (size_t i = 0; i < m && len < cap; i++) {
		if (i && strcmp(sorted[i], sorted[i - 1]) == 0)
			continue;
		tag_label(tl, sizeof(tl), sorted[i]);
		len += (size_t)snprintf(out + len, cap - len, ",%s=\"true\"", tl);
	}
	if (len >= cap) {
		free(out);
		return NULL;
	}
	return out;
}

struct vg_falco_series *vg_falco_metrics_rule(struct vg_falco_metrics *fm, const struct vg_rule *r)
{
	char *labels = rule_labels(r);
	struct vg_falco_series *s;

	if (!labels)
		return NULL;
	for (s = atomic_load_explicit(&fm->series, memory_order_relaxed); s; s = s->next) {
		if (strcmp(s->labels, labels) == 0) {
			free(labels);
			return s;
		}
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		free(labels);
		return NULL;
	}
	s->labels = labels;
	s->next = atomic_load_explicit(&fm->series, memory_order_relaxed);
	/* release: a scrape that sees the node sees its labels */
	atomic_store_explicit(&fm->series, s, memory_order_release);
	return s;
}
