// SPDX-License-Identifier: Apache-2.0
#include "cli/engine_metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cli/falco_metrics.h"
#include "container/container.h"
#include "decode/decode.h"
#include "kernel/probes.h"
#include "kernel/syscall_table.h"
#include "metrics/metrics.h"
#include "engine/pipeline.h"
#include "rules/compile.h"
#include "rules/seq.h"
#include "state/fd_table.h"
#include "state/proc_table.h"

/* Rule evaluation time buckets: 250 ns .. 10 ms. */
static const uint64_t eval_bounds_ns[] = {
	250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 10000000,
};

/* rule pointer -> its alerts counter; open addressing, rebuilt per ruleset */
struct rule_slot {
	const struct vg_rule *rule;
	struct vg_metric *alerts;
	struct vg_falco_series *matches; /* Falco's falcosecurity_falco_rules_matches_total */
};

/* a sequence or threshold rule's state counters, published on each tick */
struct seq_slot {
	struct vg_metric *evictions, *expired, *exits, *gone, *keys, *max_keys, *bytes;
	uint64_t evictions_seen, expired_seen, exits_seen, gone_seen;
};

struct vg_engine_metrics {
	const struct vg_ruleset *rs; /* the rules in force (event thread) */
	struct seq_slot *seq;
	size_t nseq;
	struct vg_metrics *m;
	struct vg_pipeline *pl;
	struct vg_probes *probes;
	struct vg_falco_metrics *fm; /* Falco's names for the same numbers */
	struct rule_slot *slots;
	size_t cap; /* a power of two, or 0 */
	struct vg_metric *unknown_rule;
	struct vg_metric *seq_reload_dropped;
	/* published by the event thread, read at scrape time */
	_Atomic int64_t procs, fds, containers, rules_enabled, rules_disabled, syscalls;
	_Atomic uint64_t reloads_ok, reloads_failed, last_reload_wall_ns, last_reload_ns;
	_Atomic int last_reload_ok; /* -1: none yet */
	/* the process table's pressure, published with the gauges */
	_Atomic uint64_t pt_max_entries, pt_bytes, pt_max_bytes, pt_args_capped, pt_warnings;
	_Atomic uint64_t pt_evictions[VG_PROC_LIMIT__N][2];
};

static void put(_Atomic int64_t *g, int64_t v)
{
	atomic_store_explicit(g, v, memory_order_relaxed);
}

static int64_t get(_Atomic int64_t *g)
{
	return atomic_load_explicit(g, memory_order_relaxed);
}

static void events_family(struct vg_metrics_writer *w, struct vg_engine_metrics *em)
{
	const struct vg_pipeline_stats *st = &em->pl->stats;
	char l[96];

	vg_metrics_family(w, "vigil_events_total", VG_METRIC_COUNTER,
			  "Events decoded in user space, by type: exec, fork, exit, or the "
			  "syscall's name.");
	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX; t++) {
		if (t == VG_EV_SYSCALL)
			continue;
		vg_metrics_labels(l, sizeof(l), "type", vg_event_type_name(t), NULL);
		vg_metrics_sample_u64(w, l, atomic_load(&st->events[t]));
	}
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		uint64_t v = atomic_load(&st->syscalls[id]);

		/* only syscalls seen: a hundred zero series help nobody */
		if (!v)
			continue;
		vg_metrics_labels(l, sizeof(l), "type", vg_syscall_name(id), NULL);
		vg_metrics_sample_u64(w, l, v);
	}
	vg_metrics_family(w, "vigil_events_malformed_total", VG_METRIC_COUNTER,
			  "Ring-buffer records that did not decode (a bug if not 0).");
	vg_metrics_sample_u64(w, NULL, atomic_load(&st->malformed));
}

static void kernel_family(struct vg_metrics_writer *w, struct vg_engine_metrics *em)
{
	struct vg_kcounters k[VG_EV__MAX];
	char l[96];

	if (!em->probes || vg_probes_counters(em->probes, k) != 0)
		return;
	vg_metrics_family(w, "vigil_kernel_events_total", VG_METRIC_COUNTER,
			  "Events the probes wrote to the ring buffer, by kind.");
	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX; t++) {
		vg_metrics_labels(l, sizeof(l), "kind", vg_event_type_name(t), NULL);
		vg_metrics_sample_u64(w, l, k[t].sent);
	}
	vg_metrics_family(w, "vigil_kernel_events_dropped_total", VG_METRIC_COUNTER,
			  "Events the probes could not deliver, by kind and reason "
			  "(ringbuf_full: user space fell behind).");
	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX; t++) {
		vg_metrics_labels(l, sizeof(l), "kind", vg_event_type_name(t), "reason",
				  "ringbuf_full", NULL);
		vg_metrics_sample_u64(w, l, k[t].dropped);
	}
	vg_metrics_family(w, "vigil_kernel_events_filtered_total", VG_METRIC_COUNTER,
			  "Events the in-kernel path prefilter did not send: no rule can match "
			  "them.");
	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX; t++) {
		vg_metrics_labels(l, sizeof(l), "kind", vg_event_type_name(t), NULL);
		vg_metrics_sample_u64(w, l, k[t].filtered);
	}
}

static void gauge(struct vg_metrics_writer *w, const char *name, const char *help, int64_t v)
{
	vg_metrics_family(w, name, VG_METRIC_GAUGE, help);
	vg_metrics_sample(w, NULL, (double)v);
}

static void state_families(struct vg_metrics_writer *w, struct vg_engine_metrics *em)
{
	gauge(w, "vigil_process_table_entries", "Processes in the process table.", get(&em->procs));
	gauge(w, "vigil_fd_table_entries", "File descriptors tracked, over all processes.",
	      get(&em->fds));
	gauge(w, "vigil_container_cache_entries", "Containers in the container cache.",
	      get(&em->containers));
	gauge(w, "vigil_kernel_syscalls_captured",
	      "Syscalls the kernel sends (what the rules and the fd table need).",
	      get(&em->syscalls));
	/* Falco's state counters for the same tables (its fd and container tables) */
	vg_metrics_family(w, "falcosecurity_scap_n_fds_total", VG_METRIC_GAUGE,
			  "https://falco.org/docs/metrics/");
	vg_metrics_sample(w, NULL, (double)get(&em->fds));
	vg_metrics_family(w, "falcosecurity_scap_n_containers_total", VG_METRIC_GAUGE,
			  "https://falco.org/docs/metrics/");
	vg_metrics_sample(w, NULL, (double)get(&em->containers));
	vg_metrics_family(w, "vigil_rules", VG_METRIC_GAUGE,
			  "Compiled rules in force, by state (enabled by the rules files and "
			  "the config's priority and rules: selectors).");
	vg_metrics_sample(w, "state=\"enabled\"", (double)get(&em->rules_enabled));
	vg_metrics_sample(w, "state=\"disabled\"", (double)get(&em->rules_disabled));
}

static double load(_Atomic uint64_t *v)
{
	return (double)atomic_load_explicit(v, memory_order_relaxed);
}

static void proc_table_families(struct vg_metrics_writer *w, struct vg_engine_metrics *em)
{
	static const char *const limits[VG_PROC_LIMIT__N] = {"entries", "bytes"};
	char l[96];

	gauge(w, "vigil_process_table_max_entries",
	      "The process table's entry bound (--max-procs, process_table_size).",
	      (int64_t)load(&em->pt_max_entries));
	gauge(w, "vigil_process_table_bytes",
	      "Bytes of the strings process entries hold (exe, filename, cwd, args, env).",
	      (int64_t)load(&em->pt_bytes));
	gauge(w, "vigil_process_table_max_bytes",
	      "The budget for those strings (process_table_max_bytes).",
	      (int64_t)load(&em->pt_max_bytes));
	vg_metrics_family(w, "vigil_proc_table_evictions_total", VG_METRIC_COUNTER,
			  "Entries evicted from the process table, by the state of the process "
			  "(exited: lingering for late events; live: its descendants lose "
			  "ancestry) and the limit reached (entries or bytes).");
	for (int lim = 0; lim < VG_PROC_LIMIT__N; lim++) {
		for (int live = 0; live < 2; live++) {
			vg_metrics_labels(l, sizeof(l), "reason", live ? "live" : "exited", "limit",
					  limits[lim], NULL);
			vg_metrics_sample_u64(w, l,
					      atomic_load_explicit(&em->pt_evictions[lim][live],
								   memory_order_relaxed));
		}
	}
	vg_metrics_family(w, "vigil_proc_args_truncated_total", VG_METRIC_COUNTER,
			  "Command lines cut at the bytes vigil keeps per process, by reason.");
	vg_metrics_sample_u64(w, "reason=\"procfs_cap\"",
			      atomic_load_explicit(&em->pt_args_capped, memory_order_relaxed));
	vg_metrics_family(w, "vigil_proc_table_warnings_total", VG_METRIC_COUNTER,
			  "Warnings logged about live processes evicted (at most one per 10 s).");
	vg_metrics_sample_u64(w, NULL,
			      atomic_load_explicit(&em->pt_warnings, memory_order_relaxed));
}

static void reload_families(struct vg_metrics_writer *w, struct vg_engine_metrics *em)
{
	int ok = atomic_load(&em->last_reload_ok);

	vg_metrics_family(w, "vigil_reloads_total", VG_METRIC_COUNTER,
			  "Rules reloads (SIGHUP or a changed rules/config file), by result.");
	vg_metrics_sample_u64(w, "result=\"success\"", atomic_load(&em->reloads_ok));
	vg_metrics_sample_u64(w, "result=\"failure\"", atomic_load(&em->reloads_failed));
	if (ok < 0)
		return;
	vg_metrics_family(w, "vigil_reload_last_success", VG_METRIC_GAUGE,
			  "1 if the last reload succeeded; 0 if it failed and the previous rules "
			  "are still in force.");
	vg_metrics_sample(w, NULL, ok);
	vg_metrics_family(w, "vigil_reload_last_timestamp_seconds", VG_METRIC_GAUGE,
			  "When the last reload finished (Unix time).");
	vg_metrics_sample(w, NULL, (double)atomic_load(&em->last_reload_wall_ns) * 1e-9);
	vg_metrics_family(w, "vigil_reload_last_duration_seconds", VG_METRIC_GAUGE,
			  "How long the last reload took: loading, compiling and the swap.");
	vg_metrics_sample(w, NULL, (double)atomic_load(&em->last_reload_ns) * 1e-9);
}

/* What the container cache holds and what its byte bounds cut (stats are any-thread). */
static void container_families(struct vg_metrics_writer *w, struct vg_engine_metrics *em)
{
	struct vg_containers_stats cs;
	char l[64];

	if (!em->pl->containers)
		return;
	vg_containers_stats(em->pl->containers, &cs);
	gauge(w, "vigil_container_cache_bytes", "Heap bytes of the container cache.",
	      (int64_t)cs.memory_bytes);
	vg_metrics_family(w, "vigil_container_cache_evictions_total", VG_METRIC_COUNTER,
			  "Containers dropped from the cache by its bounds, by bound.");
	vg_metrics_sample_u64(w, "reason=\"entries\"", cs.evictions - cs.evict_bytes);
	vg_metrics_sample_u64(w, "reason=\"bytes\"", cs.evict_bytes);
	vg_metrics_family(w, "vigil_container_metadata_truncated_total", VG_METRIC_COUNTER,
			  "Container metadata cut by its byte bounds: state files not read, "
			  "strings cut, labels and mounts dropped.");
	for (unsigned i = 0; i < VG_CONTAINER_TRUNC_REASONS; i++) {
		vg_metrics_labels(l, sizeof(l), "reason", vg_container_trunc_reason(i), NULL);
		vg_metrics_sample_u64(w, l, cs.truncated[i]);
	}
}

static void collect(struct vg_metrics_writer *w, void *arg)
{
	struct vg_engine_metrics *em = arg;

	events_family(w, em);
	kernel_family(w, em);
	state_families(w, em);
	proc_table_families(w, em);
	container_families(w, em);
	reload_families(w, em);
}

struct vg_engine_metrics *vg_engine_metrics_new(struct vg_metrics *m, struct vg_pipeline *pl,
						struct vg_probes *probes, struct vg_outputs *outs,
						const char *config_path)
{
	struct vg_engine_metrics *em = calloc(1, sizeof(*em));

	if (!em)
		return NULL;
	em->fm = vg_falco_metrics_new(m, probes, outs, config_path);
	if (!em->fm) {
		free(em);
		return NULL;
	}
	em->m = m;
	em->pl = pl;
	em->probes = probes;
	atomic_init(&em->last_reload_ok, -1);
	pl->sink_time = vg_metrics_histogram_ns(
		m, "vigil_rule_eval_seconds",
		"Time to evaluate the rules for one event, writing the alerts it raised "
		"included; one event in 64 is measured.",
		eval_bounds_ns, sizeof(eval_bounds_ns) / sizeof(eval_bounds_ns[0]));
	if (!pl->sink_time || vg_metrics_add_collector(m, collect, em) != 0) {
		pl->sink_time = NULL;
		free(em);
		/* em->fm stays: m keeps calling its collector (vigil stops on this failure) */
		return NULL;
	}
	return em;
}

void vg_engine_metrics_free(struct vg_engine_metrics *em)
{
	if (!em)
		return;
	free(em->slots);
	vg_falco_metrics_free(em->fm);
	free(em->seq);
	free(em);
}

static size_t slot_of(const struct vg_engine_metrics *em, const struct vg_rule *r)
{
	uintptr_t h = (uintptr_t)r;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (em->cap - 1);
}

static struct vg_metric *alerts_counter(struct vg_metrics *m, const struct vg_rule *r)
{
	char l[512];

	if (vg_metrics_labels(l, sizeof(l), "rule", vg_rule_name(r), "priority",
			      vg_priority_name(vg_rule_priority(r)), NULL) != 0)
		return NULL;
	/* the same handle again after a reload: counts go on across swaps */
	return vg_metrics_counter(m, "vigil_alerts_total",
				  "Alerts written (after rate limiting), by rule and priority.", l);
}

/* Handles of the per-rule state series of the sequence and threshold rules in rs. */
static void bind_seq(struct vg_engine_metrics *em, const struct vg_ruleset *rs)
{
	struct vg_seq_stats st;
	size_t n = 0;
	char l[512];

	while (vg_seq_stats(rs, n, &st))
		n++;
	if (!em->seq_reload_dropped)
		em->seq_reload_dropped = vg_metrics_counter(
			em->m, "vigil_sequence_reload_dropped_total",
			"Partial sequences and threshold counts a reload dropped because their "
			"rule changed or went (unchanged rules keep theirs).",
			"");
	vg_metric_add(em->seq_reload_dropped, (int64_t)vg_seq_reload_dropped(rs));
	free(em->seq);
	em->seq = n ? calloc(n, sizeof(*em->seq)) : NULL;
	em->nseq = em->seq ? n : 0;
	em->rs = rs;
	for (size_t i = 0; i < em->nseq; i++) {
		struct seq_slot *s = &em->seq[i];

		vg_seq_stats(rs, i, &st);
		if (vg_metrics_labels(l, sizeof(l), "rule", st.rule, NULL) != 0)
			continue;
		s->evictions = vg_metrics_counter(
			em->m, "vigil_sequence_evictions_total",
			"Partial sequences and threshold counts evicted because the rule's state "
			"table was full (sequence_state_max_bytes), by rule.",
			l);
		s->expired = vg_metrics_counter(
			em->m, "vigil_sequence_expired_total",
			"Partial sequences and threshold counts whose window passed, by rule.", l);
		s->exits = vg_metrics_counter(
			em->m, "vigil_sequence_exits_total",
			"Partial sequences and threshold counts dropped because their process "
			"exited (proc.pid keys, until_exit), by rule.",
			l);
		s->gone = vg_metrics_counter(
			em->m, "vigil_sequence_containers_gone_total",
			"Partial sequences and threshold counts keyed on a container, dropped "
			"because the container was removed, by rule.",
			l);
		s->keys = vg_metrics_gauge(em->m, "vigil_sequence_keys",
					   "Keys a sequence or threshold rule tracks now.", l);
		s->max_keys = vg_metrics_gauge(
			em->m, "vigil_sequence_max_keys",
			"Keys a sequence or threshold rule can track (its share of "
			"sequence_state_max_bytes).",
			l);
		s->bytes = vg_metrics_gauge(
			em->m, "vigil_sequence_state_bytes",
			"Memory a sequence or threshold rule's table has touched: the most keys it "
			"held at once times its entry size.",
			l);
	}
}

static void publish_seq(struct vg_engine_metrics *em)
{
	struct vg_seq_stats st;

	for (size_t i = 0; i < em->nseq && vg_seq_stats(em->rs, i, &st); i++) {
		struct seq_slot *s = &em->seq[i];

		vg_metric_add(s->evictions, (int64_t)(st.evictions - s->evictions_seen));
		vg_metric_add(s->expired, (int64_t)(st.expired - s->expired_seen));
		s->evictions_seen = st.evictions;
		s->expired_seen = st.expired;
		vg_metric_add(s->exits, (int64_t)(st.exits - s->exits_seen));
		s->exits_seen = st.exits;
		vg_metric_add(s->gone, (int64_t)(st.containers_gone - s->gone_seen));
		s->gone_seen = st.containers_gone;
		vg_metric_set(s->keys, (int64_t)st.entries);
		vg_metric_set(s->max_keys, (int64_t)st.capacity);
		vg_metric_set(s->bytes, (int64_t)st.bytes);
	}
}

int vg_engine_metrics_bind_rules(struct vg_engine_metrics *em, const struct vg_ruleset *rs,
				 int syscalls)
{
	size_t n = vg_ruleset_rule_count(rs), cap = 16, on = 0;
	struct rule_slot *slots;

	while (cap < 2 * n)
		cap *= 2;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	free(em->slots);
	em->slots = slots;
	em->cap = cap;
	for (size_t i = 0; i < n; i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);
		size_t s = slot_of(em, r);

		on += vg_rule_enabled(r);
		while (em->slots[s].rule)
			s = (s + 1) & (cap - 1);
		em->slots[s].rule = r;
		/* enabled rules only: a disabled one cannot alert, and needs no series */
		em->slots[s].alerts = vg_rule_enabled(r) ? alerts_counter(em->m, r) : NULL;
		em->slots[s].matches = vg_rule_enabled(r) ? vg_falco_metrics_rule(em->fm, r) : NULL;
	}
	vg_falco_metrics_files(em->fm, rs);
	bind_seq(em, rs);
	put(&em->rules_enabled, (int64_t)on);
	put(&em->rules_disabled, (int64_t)(n - on));
	put(&em->syscalls, syscalls);
	return 0;
}

void vg_engine_metrics_on_alert(void *arg, const struct vg_rule *r)
{
	struct vg_engine_metrics *em = arg;

	if (em->cap) {
		for (size_t s = slot_of(em, r); em->slots[s].rule; s = (s + 1) & (em->cap - 1)) {
			if (em->slots[s].rule == r) {
				vg_metric_inc(em->slots[s].alerts);
				return;
			}
		}
	}
	if (!em->unknown_rule)
		em->unknown_rule = vg_metrics_counter(
			em->m, "vigil_alerts_total",
			"Alerts written (after rate limiting), by rule and priority.", "rule=\"\"");
	vg_metric_inc(em->unknown_rule);
}

void vg_engine_metrics_on_match(void *arg, const struct vg_rule *r)
{
	struct vg_engine_metrics *em = arg;

	if (!em->cap)
		return;
	for (size_t s = slot_of(em, r); em->slots[s].rule; s = (s + 1) & (em->cap - 1)) {
		if (em->slots[s].rule == r) {
			vg_falco_series_inc(em->slots[s].matches);
			return;
		}
	}
}

static void add_fds(struct vg_proc *p, void *arg)
{
	if (p->fds)
		*(int64_t *)arg += vg_fd_count(p->fds);
}

static void publish_proc_table(struct vg_engine_metrics *em)
{
	struct vg_proc_table_stats st;

	vg_proc_table_stats(em->pl->procs, &st);
	atomic_store_explicit(&em->pt_max_entries, st.max_entries, memory_order_relaxed);
	atomic_store_explicit(&em->pt_bytes, st.bytes, memory_order_relaxed);
	atomic_store_explicit(&em->pt_max_bytes, st.max_bytes, memory_order_relaxed);
	atomic_store_explicit(&em->pt_args_capped, st.args_capped, memory_order_relaxed);
	atomic_store_explicit(&em->pt_warnings, st.warnings, memory_order_relaxed);
	for (int lim = 0; lim < VG_PROC_LIMIT__N; lim++)
		for (int live = 0; live < 2; live++)
			atomic_store_explicit(&em->pt_evictions[lim][live], st.evictions[lim][live],
					      memory_order_relaxed);
}

void vg_engine_metrics_tick(struct vg_engine_metrics *em)
{
	int64_t fds = 0;

	publish_proc_table(em);
	publish_seq(em);
	put(&em->procs, (int64_t)vg_proc_count(em->pl->procs));
	vg_proc_foreach(em->pl->procs, add_fds, &fds);
	put(&em->fds, fds);
	if (em->pl->containers) {
		struct vg_containers_stats cs;

		vg_containers_stats(em->pl->containers, &cs);
		put(&em->containers, (int64_t)cs.entries);
	}
}

void vg_engine_metrics_reload(struct vg_engine_metrics *em, bool ok, uint64_t wall_ns,
			      uint64_t duration_ns)
{
	atomic_fetch_add(ok ? &em->reloads_ok : &em->reloads_failed, 1);
	atomic_store(&em->last_reload_wall_ns, wall_ns);
	atomic_store(&em->last_reload_ns, duration_ns);
	atomic_store(&em->last_reload_ok, ok ? 1 : 0);
}
