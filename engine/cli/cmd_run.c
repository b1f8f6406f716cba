// SPDX-License-Identifier: Apache-2.0
/*
 * `vigil [run]` and `vigil events`: start the probes, seed the process
 * table, then consume the ring buffer until SIGINT/SIGTERM.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/file_trust.h"
#include "cli/drop_watch.h"
#include "cli/enforcement.h"
#include "cli/falco_flags.h"
#include "cli/engine_metrics.h"
#include "cli/kernel_apply.h"
#include "cli/reload.h"
#include "fleet/fleet.h"
#include "decode/decode.h"
#include "enforce/policy.h"
#include "interest.h"
#include "kernel/hooks.h"
#include "kernel/host.h"
#include "kernel/libbpf_log.h"
#include "kernel/prefilter_load.h"
#include "kernel/probes.h"
#include "capture/capture.h"
#include "alert/env_policy.h"
#include "config/config.h"
#include "confine/confine.h"
#include "container/container.h"
#include "metrics/metrics.h"
#include "plugin/plugin.h"
#include "delivery/outputs.h"
#include "ratelimit/ratelimit.h"
#include "alert/alert.h"
#include "engine/engine.h"
#include "rules/loader.h"
#include "rules/seq.h"
#include "state/fd_state.h"
#include "state/proc_table.h"
#include "state/procfs.h"
#include "util/mem.h"
#include "util/sched_boost.h"
#include "util/startup_trace.h"

/* config.c's default too; why 4 MiB: docs/performance.md, "Memory" */
#define DEFAULT_RINGBUF_BYTES (4u << 20)
/*
 * events and capture write out every event of the machine, a consumer
 * several times slower per event than the rules: they keep the room.
 */
#define RECORD_RINGBUF_BYTES (8u << 20)
#define DEFAULT_MAX_PROCS    0 /* from the host's pid_max (state/proc_table.h) */
/*
 * The kernel wakes vigil only when a backlog builds up (wakeup_bytes), so
 * this timer bounds how late an event is read: at most POLL_MS.
 */
#define POLL_MS 20
/* how often the run loop gives the heap's free pages back (util/mem.h) */
#define TRIM_EVERY_S 5

#define MAX_RULE_PATHS 64
#define MAX_OVERRIDES  64
#ifndef VIGIL_VERSION_STRING
#define VIGIL_VERSION_STRING "0.1.0"
#endif

struct run_opts {
	bool events;		  /* print every event instead of evaluating rules */
	const char *capture_path; /* record raw events to this file instead */
	const char *rule_paths[MAX_RULE_PATHS];
	int nrule_paths;
	bool verbose;
	uint64_t ringbuf_bytes;
	size_t max_procs;
	const char *config_path;
	char *overrides[MAX_OVERRIDES];
	size_t noverrides;
	bool ringbuf_set, max_procs_set;
	struct vg_enforcement enforce;
	bool enforce_set, self_protect_set;
	int hooks_mode;	 /* enum vg_hooks_mode */
	bool no_confine; /* --no-confine: keep every capability, no seccomp filter */
	int env_mode;	 /* events and capture: enum vg_env_mode; -1 when not given */
};

/* What the config starts besides the probes: outputs, rate limiter, metrics. */
struct ops {
	struct vg_config cfg;
	bool cfg_loaded;
	struct vg_outputs *outs;
	struct vg_ratelimit *rl;
	struct vg_metrics *metrics;
	struct vg_metrics_server *server;
	struct vg_drop_watch *drops;
	struct vg_plugins *plugins; /* load_plugins: theirs; NULL when none */
	char hostname[256];
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t counters_requested;
static struct ops *ops_for_loop;
static struct vg_reloader *reloader_for_signal;

/* What the event loop swaps rules in and publishes metrics with (vigil run only). */
struct live {
	struct ring_buffer *rb;
	struct vg_probes *probes;
	struct vg_engine *eng;
	struct vg_reloader *reloader;
	struct vg_engine_metrics *em;
	struct vg_enforcement *enforce;
	time_t last_tick, last_trim;
};
static struct live *live_for_loop;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	counters_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	vg_reloader_request(reloader_for_signal);
}

/* No SA_RESTART: the ring-buffer poll must return at once on a signal. */
static void install_signals(bool hup_reloads)
{
	struct sigaction sa = {0};

	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	/* SIGHUP reloads in vigil run; elsewhere it keeps its default (a hangup ends it) */
	if (hup_reloads) {
		sa.sa_handler = on_hup;
		sigaction(SIGHUP, &sa, NULL);
	}
}

static void print_counters(const struct vg_probes *probes, const struct vg_pipeline *pl)
{
	struct vg_kcounters k[VG_EV__MAX];

	if (vg_probes_counters(probes, k) != 0)
		return;
	fprintf(stderr, "vigil: kernel:");
	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX; t++)
		fprintf(stderr, " %s sent=%llu dropped=%llu filtered=%llu;", vg_event_type_name(t),
			(unsigned long long)k[t].sent, (unsigned long long)k[t].dropped,
			(unsigned long long)k[t].filtered);
	fprintf(stderr,
		"\nvigil: user space: decoded=%llu malformed=%llu processes=%zu "
		"evicted=%zu\n",
		(unsigned long long)pl->decoded, (unsigned long long)pl->malformed,
		vg_proc_count(pl->procs), vg_proc_evictions(pl->procs));
}

static void usage(FILE *f, const char *cmd)
{
	fprintf(f,
		"usage: vigil %s [options]\n"
		"  -r, --rules PATH   rules file or directory (repeatable; run only)\n"
		"  -w, --write FILE   capture only: the file to record to\n"
		"  -c, --config FILE  configuration (default " VG_CONFIG_DEFAULT_PATH ")\n"
		"  -o KEY.PATH=VALUE  override one configuration key (repeatable)\n"
		"  --ringbuf-size N   kernel ring buffer size, power of two, 4K to 2G (default "
		"4M; events, capture: 8M)\n"
		"  --max-procs N      process table bound, %d to %d (default: pid_max + 1/8, "
		"%d..%d)\n"
		"  -v, --verbose      print libbpf's messages\n"
		"  --enforce MODE     rules with an action: on (default), audit (report only), "
		"off\n"
		"  --enforce-tier T   auto (LSM where active, else signal) or signal\n"
		"  --no-self-protect  let other processes kill or ptrace vigil (LSM tier)\n"
		"  --hook-tier T      kernel-function hooks: auto (fentry, else kprobe), "
		"kprobe, off\n"
		"  --no-confine       keep every capability, no seccomp filter (debugging)\n"
		"  --env MODE         events and capture: a process's environment off "
		"(default),\n"
		"                     redacted (env_redact_patterns' values hidden) or full\n",
		cmd, VG_PROC_TABLE_MIN, VG_PROC_TABLE_MAX, VG_PROC_TABLE_DEFAULT_MIN,
		VG_PROC_TABLE_DEFAULT_MAX);
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"write", required_argument, NULL, 'w'},
		{"ringbuf-size", required_argument, NULL, 'b'},
		{"max-procs", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"config", required_argument, NULL, 'c'},
		{"option", required_argument, NULL, 'o'},
		{"enforce", required_argument, NULL, 'E'},
		{"enforce-tier", required_argument, NULL, 'T'},
		{"no-self-protect", no_argument, NULL, 'S'},
		{"hook-tier", required_argument, NULL, 'H'},
		{"no-confine", no_argument, NULL, 'N'},
		{"env", required_argument, NULL, 'e'},
		{0},
	};
	int c, mode;
	uint64_t u;

	while ((c = getopt_long(argc, argv, "r:w:c:o:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'w': o->capture_path = optarg; break;
		case 'c': o->config_path = optarg; break;
		case 'o':
			if (o->noverrides == MAX_OVERRIDES) {
				fprintf(stderr, "vigil: at most %d -o options\n", MAX_OVERRIDES);
				return 2;
			}
			o->overrides[o->noverrides++] = optarg;
			break;
		case 'r':
			if (o->nrule_paths == MAX_RULE_PATHS) {
				fprintf(stderr, "vigil: at most %d -r options\n", MAX_RULE_PATHS);
				return 2;
			}
			o->rule_paths[o->nrule_paths++] = optarg;
			break;
		case 'b':
			/* the kernel's bounds: a page to 2 GiB, a power of two (checked next) */
			if (vg_cli_number("--ringbuf-size", optarg, 4096, 1ull << 31, true,
					  &o->ringbuf_bytes))
				return 2;
			if (!vg_ringbuf_size_valid(o->ringbuf_bytes))
				return 2;
			o->ringbuf_set = true;
			break;
		case 'p':
			/* 4194304: the largest pid_max Linux allows */
			if (vg_cli_number("--max-procs", optarg, VG_PROC_TABLE_MIN,
					  VG_PROC_TABLE_MAX, false, &u))
				return 2;
			o->max_procs = (size_t)u;
			o->max_procs_set = true;
			break;
		case 'E':
			if ((mode = vg_enf_mode_parse(optarg)) < 0) {
				fprintf(stderr, "vigil: --enforce: '%s' is not off, audit or on\n",
					optarg);
				return 2;
			}
			o->enforce.mode = (enum vg_enf_mode)mode;
			o->enforce_set = true;
			break;
		case 'T':
			if (strcmp(optarg, "signal") != 0 && strcmp(optarg, "auto") != 0) {
				fprintf(stderr,
					"vigil: --enforce-tier: '%s' is not auto or signal\n",
					optarg);
				return 2;
			}
			o->enforce.force_signal = strcmp(optarg, "signal") == 0;
			break;
		case 'S':
			o->enforce.self_protect = false;
			o->enforce.self_protect_set = true;
			o->self_protect_set = true;
			break;
		case 'H':
			if ((o->hooks_mode = vg_hooks_mode_parse(optarg)) < 0) {
				fprintf(stderr,
					"vigil: --hook-tier: '%s' is not auto, kprobe or off\n",
					optarg);
				return 2;
			}
			break;
		case 'N': o->no_confine = true; break;
		case 'e':
			if ((o->env_mode = vg_env_mode_parse(optarg)) < 0) {
				fprintf(stderr, "vigil: --env: '%s' is not off, redacted or full\n",
					optarg);
				return 2;
			}
			break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout, argv[0]); return -1;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	return 0;
}

/* Container answers from the worker, and forgetting containers that are gone. */
static void containers_tick(struct vg_containers *ct)
{
	static time_t last_sweep;
	time_t now = time(NULL);

	if (!ct)
		return;
	vg_containers_poll(ct);
	if (now - last_sweep >= 30) {
		vg_containers_sweep(ct);
		last_sweep = now;
	}
}

/*
 * Wanted syscalls this kernel does not implement (no tracepoint: finit_module
 * without module support): " (the raw sys_exit for ...: every syscall pays)"
 * when watch_unimplemented_syscalls asked for them, else that nothing sees
 * them; "" when there are none.
 */
static void unimplemented_text(const struct vg_probes *probes, char *out, size_t cap)
{
	char names[128];
	bool raw;
	int per_sc;

	out[0] = '\0';
	if (!vg_probes_raw_syscalls(probes, names, sizeof(names)))
		return;
	vg_probes_syscall_hooks(probes, &per_sc, &raw);
	if (raw)
		snprintf(out, cap,
			 " and the raw sys_exit for %s, which have no tracepoint here: "
			 "every syscall pays",
			 names);
	else
		snprintf(out, cap,
			 "; not watched: %s, which this kernel does not implement: "
			 "watch_unimplemented_syscalls: true sees the attempts, at a cost to every "
			 "syscall",
			 names);
}

static void reload_failed(struct live *lv, struct vg_reload_result *res)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	fprintf(stderr, "vigil: reload (%s) failed, the previous rules stay in force: %s\n",
		res->reason, res->error);
	vg_engine_metrics_reload(lv->em, false,
				 (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec,
				 vg_mono_ns() - res->started_ns);
	if (ops_for_loop)
		vg_reload_failure_alert(ops_for_loop->outs, ops_for_loop->hostname,
					(uint64_t)now.tv_sec * 1000000000ull +
						(uint64_t)now.tv_nsec,
					res->reason, res->error);
}

/*
 * The swap, between two ring-buffer reads: the kernel first sends what the
 * old or the new rules need; what it queued until now is read with the old
 * rules; the new rules take over; then the kernel narrows to what they need.
 * Every event is so evaluated by exactly one ruleset, and none a rule needs
 * is filtered out on the way.
 */
static void apply_reload(struct live *lv, struct vg_reload_result *res)
{
	uint64_t t0 = vg_mono_ns(), swap_ns;
	char gap[320];
	struct vg_ruleset *old = lv->eng->rules;
	struct vg_enf_policy *policy = NULL;
	struct timespec now;
	int n;

	/* first: it takes the enforcing rules out of the rule engine's hands */
	if (res->ok && vg_enforcement_compile(lv->enforce, res->rules, &policy) != 0) {
		res->ok = false;
		snprintf(res->error, sizeof(res->error),
			 "the enforcing rules do not compile for the kernel (errors above)");
	}
	if (res->ok && vg_apply_ruleset_to_kernel(lv->probes, old, res->rules) < 0) {
		res->ok = false;
		snprintf(res->error, sizeof(res->error),
			 "the kernel's syscall set could not be "
			 "widened for the new rules");
	}
	if (!res->ok) {
		vg_enf_policy_free(policy);
		reload_failed(lv, res);
		vg_reloader_retire(lv->reloader, res);
		return;
	}
	ring_buffer__consume(lv->rb);
	/*
	 * The new enforcer is attached before the old one goes: no gap. A
	 * decision the old one makes in between reaches user space after the
	 * swap and is reported under the new policy's rule of that index.
	 */
	if (vg_enforcement_start(lv->enforce, policy, lv->probes) != 0) {
		vg_enf_policy_free(policy);
		vg_apply_ruleset_to_kernel(lv->probes, NULL, old);
		res->ok = false;
		snprintf(res->error, sizeof(res->error),
			 "the new enforcement policy could not be loaded into the kernel");
		reload_failed(lv, res);
		vg_reloader_retire(lv->reloader, res);
		return;
	}
	lv->eng->alerter.enforce = lv->enforce->policy;
	/* unchanged sequences keep their partial matches */
	vg_seq_state_carry(res->rules, lv->eng->rules);
	/* state the old rules did not read was not kept: learn it again (fd_state.h) */
	vg_fd_state_relearn(lv->eng->pl.procs, lv->eng->pl.procfs_root,
			    vg_interest_state_needs(res->rules) & ~vg_interest_state_needs(old));
	/* freed by the reload thread, off the event path */
	res->rules = vg_engine_swap_rules(lv->eng, res->rules);
	n = vg_apply_ruleset_to_kernel(lv->probes, NULL, lv->eng->rules);
	vg_engine_metrics_bind_rules(lv->em, lv->eng->rules, n);
	swap_ns = vg_mono_ns() - t0;
	clock_gettime(CLOCK_REALTIME, &now);
	vg_engine_metrics_reload(lv->em, true,
				 (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec,
				 vg_mono_ns() - res->started_ns);
	/* a rule on a syscall this kernel lacks: said where it arrives (unwatched, or the
	   raw sys_exit that costs every syscall) */
	unimplemented_text(lv->probes, gap, sizeof(gap));
	fprintf(stderr,
		"vigil: reload (%s): %zu rules (%zu enabled), capturing %d syscalls%s, %d on "
		"fexit; loaded in %.1f ms, swapped in %.3f ms\n",
		res->reason, vg_ruleset_rule_count(lv->eng->rules),
		vg_cli_rules_enabled(lv->eng->rules), n, gap,
		vg_probes_syscall_fexits(lv->probes, NULL, 0), (double)res->compile_ns / 1e6,
		(double)swap_ns / 1e6);
	if (res->restart_keys[0])
		fprintf(stderr, "vigil: reload: changes to %s take effect at restart\n",
			res->restart_keys);
	if (res->cfg_loaded)
		vg_config_print_new_warnings(ops_for_loop ? &ops_for_loop->cfg : NULL, &res->cfg,
					     stderr);
	vg_reloader_retire(lv->reloader, res);
}

/* Once per loop iteration: a finished reload, and once a second the table gauges. */
static void live_tick(struct live *lv)
{
	struct vg_reload_result *res = vg_reloader_take(lv->reloader);
	time_t now;

	if (res)
		apply_reload(lv, res);
	now = time(NULL);
	if (lv->em && now != lv->last_tick) {
		vg_engine_metrics_tick(lv->em);
		lv->last_tick = now;
	}
	/* exited processes' state, freed as their linger ends, goes back */
	if (now - lv->last_trim >= TRIM_EVERY_S) {
		vg_mem_release_if_worth();
		lv->last_trim = now;
	}
}

/* Falco's syscall_event_drops: true when its `exit` action fired. */
static bool drops_tick(struct ops *ops, const struct vg_probes *probes)
{
	struct vg_kcounters k[VG_EV__MAX];
	struct timespec mono, wall;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	if (!ops->drops ||
	    !vg_drop_watch_due(ops->drops, (uint64_t)mono.tv_sec * 1000000000ull + mono.tv_nsec) ||
	    vg_probes_counters(probes, k) != 0)
		return false;
	clock_gettime(CLOCK_REALTIME, &wall);
	return vg_drop_watch_tick(
		ops->drops, k, (uint64_t)mono.tv_sec * 1000000000ull + mono.tv_nsec,
		(uint64_t)wall.tv_sec * 1000000000ull + wall.tv_nsec, ops->outs, ops->hostname);
}

/*
 * The plugins' outputs after the built-in ones (all holds n, room for
 * VG_OUTPUT_MAX_KINDS). The nats plugin's output is an enabled
 * nats_output:'s: it takes that entry's queue, retry and priority settings
 * instead of a second entry. Returns the new count.
 */
static size_t merge_plugin_outputs(struct vg_plugins *ps, struct vg_output_config *all, size_t n)
{
	struct vg_output_config po[VG_OUTPUT_MAX_KINDS];
	size_t np = vg_plugins_outputs(ps, po, VG_OUTPUT_MAX_KINDS - n);

	for (size_t i = 0; i < np; i++) {
		size_t k = 0;

		/* a disabled nats_output: stays so; the plugin's own entry runs */
		while (k < n && (all[k].kind != po[i].kind || !all[k].enabled))
			k++;
		if (k < n)
			all[k].ext.arg = po[i].ext.arg;
		else
			all[n++] = po[i];
	}
	return n;
}

/* The plugins' sources: their queued events go to the engine between ring buffer reads. */
static struct vg_plugins *plugins_for_loop;
static struct vg_engine *eng_for_plugins;

static void feed_plugin_event(void *arg, const struct vg_src_event *ev)
{
	vg_engine_feed_source(arg, ev);
}

static int consume(struct ring_buffer *rb, const struct vg_probes *probes, struct vg_pipeline *pl)
{
	while (!stop_requested) {
		int err = ring_buffer__poll(rb, POLL_MS);

		/* poll only reads rings the kernel woke us for; the timer needs a read too */
		if (err >= 0 || err == -EINTR)
			err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "vigil: reading the ring buffer failed: %s\n",
				strerror(-err));
			return 1;
		}
		if (err == 0) /* nothing was left to read */
			vg_pipeline_expire_idle(pl);
		containers_tick(pl->containers);
		if (plugins_for_loop)
			vg_plugins_drain(plugins_for_loop, feed_plugin_event, eng_for_plugins);
		if (live_for_loop)
			live_tick(live_for_loop);
		if (counters_requested) {
			counters_requested = 0;
			print_counters(probes, pl);
			/* SIGUSR1 also reopens the alert file (logrotate's postrotate) */
			if (ops_for_loop && ops_for_loop->outs)
				vg_outputs_reopen(ops_for_loop->outs);
		}
		if (ops_for_loop) {
			struct timespec now;

			vg_metrics_heartbeat(ops_for_loop->metrics);
			/* the kernel's event times are CLOCK_BOOTTIME: the buckets use it too */
			clock_gettime(CLOCK_BOOTTIME, &now);
			vg_ratelimit_report(ops_for_loop->rl,
					    (uint64_t)now.tv_sec * 1000000000ull +
						    (uint64_t)now.tv_nsec,
					    ops_for_loop->outs, ops_for_loop->hostname);
			if (drops_tick(ops_for_loop, probes)) {
				ring_buffer__consume(rb);
				return 1;
			}
		}
	}
	/* what the kernel already queued is delivered, not lost, on shutdown */
	ring_buffer__consume(rb);
	return 0;
}

/*
 * vigil run, once the probes are up: the kernel side follows the rules
 * through the same step a reload uses, the engine metrics are registered,
 * and the reload thread starts watching.
 */
static int start_live(struct live *lv, const struct vg_reload_src *src, struct ops *ops,
		      struct vg_pipeline *pl, struct vg_probes *probes)
{
	int n = vg_apply_ruleset_to_kernel(probes, NULL, lv->eng->rules);

	if (n < 0)
		return -1;
	lv->probes = probes;
	lv->em = vg_engine_metrics_new(ops->metrics, pl, probes, ops->outs, ops->cfg.loaded_from);
	if (!lv->em || vg_engine_metrics_bind_rules(lv->em, lv->eng->rules, n) != 0) {
		fprintf(stderr, "vigil: out of memory for the engine metrics\n");
		return -1;
	}
	lv->eng->alerter.on_alert = vg_engine_metrics_on_alert;
	lv->eng->alerter.on_match = vg_engine_metrics_on_match;
	lv->eng->alerter.on_alert_arg = lv->em;
	vg_engine_metrics_tick(lv->em);
	/* without it vigil still runs: SIGHUP and file changes are then not acted on */
	lv->reloader = vg_reloader_start(src, &ops->cfg);
	reloader_for_signal = lv->reloader;
	return 0;
}

/* Loads the config and starts the outputs, the rate limiter and the metrics endpoint. */
static int ops_start(struct ops *ops, struct run_opts *o)
{
	struct vg_config_err err;
	struct vg_outputs_config oc;
	const char *path = o->config_path ? o->config_path : VG_CONFIG_DEFAULT_PATH;

	if (vg_config_load(&ops->cfg, path, o->overrides, o->noverrides, &err) != 0) {
		fprintf(stderr, "vigil: %s\n", err.text);
		return -1;
	}
	ops->cfg_loaded = true;
	vg_config_print_warnings(&ops->cfg, stderr);
	for (size_t i = 0; i < ops->cfg.n_config_sources; i++)
		if (access(ops->cfg.config_sources[i], F_OK) == 0)
			vg_file_trust_warn(ops->cfg.config_sources[i]);
	if (!ops->cfg.n_config_sources && access(path, F_OK) == 0)
		vg_file_trust_warn(path);
	if (gethostname(ops->hostname, sizeof(ops->hostname) - 1) != 0)
		strcpy(ops->hostname, "unknown");
	/* command-line options win over the file */
	if (!o->enforce_set)
		o->enforce.mode = (enum vg_enf_mode)ops->cfg.enforce;
	if (!o->self_protect_set) {
		o->enforce.self_protect = ops->cfg.self_protect;
		o->enforce.self_protect_set = ops->cfg.self_protect_set;
	}
	if (!o->ringbuf_set)
		o->ringbuf_bytes = ops->cfg.ring_buffer_size;
	if (!o->max_procs_set)
		o->max_procs = ops->cfg.process_table_size;
	/* the plugins first: the rules name their sources and fields, and their
	   outputs join the built-in ones */
	if (vg_cli_load_plugins(&ops->cfg, &ops->plugins) != 0)
		return -1;
	vg_config_outputs(&ops->cfg, &oc);
	{
		struct vg_output_config all[VG_OUTPUT_MAX_KINDS];

		memcpy(all, oc.outputs, oc.n * sizeof(*all));
		oc.n = merge_plugin_outputs(ops->plugins, all, oc.n);
		oc.outputs = all;
		ops->outs = vg_outputs_new(&oc);
	}
	if (!ops->outs)
		return -1;
	ops->rl = vg_ratelimit_new(&ops->cfg.rate_limit);
	if (!ops->rl)
		return -1;
	ops->drops = vg_drop_watch_new(&ops->cfg.drops, stderr);
	if (!ops->drops)
		return -1;
	ops->metrics = vg_metrics_new();
	if (!ops->metrics || vg_outputs_register_metrics(ops->outs, ops->metrics) != 0 ||
	    vg_plugins_add_metrics(ops->plugins, ops->metrics) != 0) {
		fprintf(stderr, "vigil: out of memory for the metrics\n");
		return -1;
	}
	vg_metrics_set_version(ops->metrics, VIGIL_VERSION_STRING);
	/* a loop stuck for 30 s makes /healthz fail: the liveness probe restarts vigil */
	vg_metrics_set_heartbeat_timeout(ops->metrics, 30);
	/* as Falco skips its web server in --dry-run: nothing binds a port */
	if (ops->cfg.metrics_serve && !vg_falco.dry_run) {
		char e[256];
		const struct vg_metrics_limits lim = {
			ops->cfg.metrics_connection_limit, ops->cfg.metrics_per_ip_connection_limit,
			ops->cfg.metrics_connection_timeout, ops->cfg.healthz_path,
			!ops->cfg.metrics_prometheus};

		ops->server = vg_metrics_serve(ops->metrics, ops->cfg.metrics_listen_address, &lim,
					       e, sizeof(e));
		if (!ops->server) {
			fprintf(stderr, "vigil: %s\n", e);
			return -1;
		}
	}
	return 0;
}

static void ops_stop(struct ops *ops)
{
	vg_metrics_server_stop(ops->server);
	if (ops->outs && vg_outputs_shutdown(ops->outs) != 0)
		fprintf(stderr,
			"vigil: outputs: not everything was delivered in "
			"outputs_queue.shutdown_drain_ms (%u ms); the rest is counted as dropped "
			"(shutdown)\n",
			ops->cfg.outputs_drain_ms);
	/* what every output did, on the way out: accepted = delivered + dropped */
	if (ops->outs)
		vg_outputs_print_summary(ops->outs, stderr);
	vg_outputs_free(ops->outs);
	vg_plugins_print_summary(ops->plugins, stderr);
	vg_plugins_free(ops->plugins); /* after the outputs: a plugin's output ran in them */
	vg_ratelimit_free(ops->rl);
	vg_drop_watch_free(ops->drops);
	vg_metrics_free(ops->metrics);
	if (ops->cfg_loaded)
		vg_config_free(&ops->cfg);
}

/* Once start-up is done: nothing past here loads, attaches, binds or execs anew. */
static int confine(const struct run_opts *o, const struct ops *ops)
{
	bool on = !o->no_confine && (!ops->cfg_loaded || ops->cfg.confine);

	if (on && vg_confine_apply() != 0) {
		fprintf(stderr, "vigil: confinement failed (--no-confine runs without it)\n");
		return -1;
	}
	if (getenv("VIGIL_TEST_CONFINE_PROBE"))
		vg_confine_probe();
	return 0;
}

/*
 * Start-up in one line: what runs, how it is enforced and confined. Warnings
 * come before it only for what was asked for and cannot be had.
 */
static void print_ready(struct run_opts *o, struct vg_probes *probes, const char *rules, int seeded)
{
	char enf[160], rawtxt[320] = "", fxwhy[160], fxtxt[200], tps[256];
	char tptxt[300] = "";
	bool confined = strncmp(vg_confine_summary(), "confined", 8) == 0, raw;
	int per_sc, fexits = vg_probes_syscall_fexits(probes, fxwhy, sizeof(fxwhy));

	vg_probes_syscall_hooks(probes, &per_sc, &raw);
	/* which tier the syscall exits got, and why not the cheapest (docs/performance.md) */
	/* square brackets: scripts read the ready line's parentheses as its sections */
	snprintf(fxtxt, sizeof(fxtxt), "%d fexit%s%s%s, ", fexits, fxwhy[0] ? " [" : "", fxwhy,
		 fxwhy[0] ? "]" : "");
	/* with fexit in use, one tracepoint left still slows every syscall down: name it */
	if (vg_probes_tp_syscalls(probes, tps, sizeof(tps)))
		snprintf(tptxt, sizeof(tptxt), " [no fexit for %s]", tps);
	/* the raw one makes every syscall pay: say for what, so that it can be weighed */
	unimplemented_text(probes, rawtxt, sizeof(rawtxt));
	if (raw && !rawtxt[0])
		snprintf(rawtxt, sizeof(rawtxt), " and the raw sys_exit");
	fprintf(stderr,
		"vigil: ready: %s%d probes attached (%s; syscalls: %s%d sys_exit tracepoints%s%s); "
		"%s; enforcing: %s; %s%s%s%s; %d processes seeded from /proc\n",
		rules, vg_probes_attached(probes), vg_hooks_summary(), fxtxt, per_sc, tptxt, rawtxt,
		vg_prefilter_summary(), vg_enforcement_describe(&o->enforce, enf, sizeof(enf)),
		vg_confine_summary(), confined ? "" : " (",
		confined	? ""
		: o->no_confine ? "--no-confine"
				: "confine: false",
		confined ? "" : "): every capability kept, no seccomp filter", seeded);
	/* from here on a reload says what it enforces and filters */
	o->enforce.announce = true;
	vg_prefilter_announce(true);
}

/* What events and capture write of an environment, and the config's patterns for it. */
struct env_out {
	struct vg_env_policy pol;
	struct vg_config cfg;
	bool cfg_loaded;
};

static int env_policy_init(struct env_out *e, const struct run_opts *o)
{
	struct vg_config_err err;
	const char *path = o->config_path ? o->config_path : VG_CONFIG_DEFAULT_PATH;

	e->pol.mode = o->env_mode < 0 ? VG_ENV_OFF : (enum vg_env_mode)o->env_mode;
	/*
	 * The config is read for redaction (env_redact_patterns) and when -c or
	 * -o names it (container_engines); otherwise a broken default config
	 * must not stop the debugging view.
	 */
	if (e->pol.mode != VG_ENV_REDACTED && !o->config_path && !o->noverrides)
		return 0;
	if (vg_config_load(&e->cfg, path, o->overrides, o->noverrides, &err) != 0) {
		fprintf(stderr, "vigil: %s\n", err.text);
		return -1;
	}
	e->cfg_loaded = true;
	e->pol.patterns = e->cfg.env_redact_patterns;
	e->pol.npatterns = e->cfg.n_env_redact_patterns;
	return 0;
}

/*
 * The container module's paths from container_engines: the loaded config's
 * (run's, or events' when -c/-o named one), else the defaults. An empty
 * socket is "" (that API off); strings stay the config's.
 */
static struct vg_containers *containers_start(const struct vg_config *loaded)
{
	struct vg_config dflt;
	const struct vg_container_engines *e;
	struct vg_containers *m;
	bool own = !loaded;

	if (own) {
		if (vg_config_defaults(&dflt) != 0) {
			vg_config_free(&dflt);
			errno = ENOMEM;
			return NULL;
		}
		loaded = &dflt;
	}
	e = &loaded->container_engines;
	m = vg_containers_new(&(struct vg_containers_opts){
		.host_root = e->host_root,
		.docker_root = e->docker_root,
		.docker_socket = e->docker_socket ? e->docker_socket : "",
		.containerd_root = e->containerd_state_dir,
		.containerd_socket = e->containerd_socket ? e->containerd_socket : "",
		.podman_runroot = e->crio_runroot,
		.podman_root = e->podman_root,
		.podman_socket = e->podman_socket ? e->podman_socket : "",
		.runc_root = e->runc_root,
	});
	if (own) {
		int err = errno;

		vg_config_free(&dflt);
		errno = err;
	}
	return m;
}

/*
 * The probes load in a thread of their own while the main thread compiles
 * the rules, then starts the kernel-function hooks and the enforcer as soon
 * as the process probe's maps exist: verifying the syscall probe, PCRE2's
 * JIT and the other probes' loads are most of start-up, and need nothing of
 * each other until the rules say which syscalls to capture. The loader
 * starts with none (`none`); start_live applies the rules' set, as a reload
 * does, before /proc is seeded.
 */
struct probes_loader {
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t opened_cond;
	bool running, opened; /* opened: the process probe's step is over */
	struct vg_probes_opts opts;
	struct vg_probes *probes; /* set at opened when that step worked */
	int err;
};

static void *load_probes(void *arg)
{
	struct probes_loader *l = arg;
	struct vg_probes *p = NULL;
	int err;

	vg_startup_mark("probe loader starts");
	err = vg_probes_open(&l->opts, &p);
	pthread_mutex_lock(&l->lock);
	l->probes = p;
	l->err = err;
	l->opened = true;
	pthread_cond_signal(&l->opened_cond);
	pthread_mutex_unlock(&l->lock);
	if (!err)
		l->err = vg_probes_load_syscalls(p, &l->opts); /* read after the join */
	vg_libbpf_log_thread_done();
	return NULL;
}

static void loader_start(struct probes_loader *l, const struct vg_probes_opts *opts)
{
	static const bool none[VG_SC__MAX];

	l->opts = *opts;
	l->opts.syscalls = none;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->opened_cond, NULL);
	/* failing to start a thread only costs the overlap: the main thread loads them */
	l->running = pthread_create(&l->tid, NULL, load_probes, l) == 0;
}

/* The probes once the process probe is up (NULL: it failed, or no loader runs). */
static struct vg_probes *loader_wait_open(struct probes_loader *l)
{
	struct vg_probes *p;

	if (!l->running)
		return NULL;
	pthread_mutex_lock(&l->lock);
	while (!l->opened)
		pthread_cond_wait(&l->opened_cond, &l->lock);
	p = l->probes;
	pthread_mutex_unlock(&l->lock);
	return p;
}

/*
 * 1: *out holds the loaded probes; -1: loading failed (the cause is printed;
 * *out holds what must still be stopped, or NULL); 0: no loader ran.
 */
static int loader_join(struct probes_loader *l, struct vg_probes **out)
{
	if (!l->running)
		return 0;
	pthread_join(l->tid, NULL);
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->opened_cond);
	l->running = false;
	*out = l->probes;
	return l->err ? -1 : 1;
}

/* Before the loader starts: threads inherit the nice value of their creator. */
static void boost_priority(unsigned steps)
{
	int err = vg_sched_boost(steps);

	if (err)
		fprintf(stderr,
			"vigil: priority_boost %u: a thread keeps its priority: %s (needs "
			"CAP_SYS_NICE); under full load it may fall behind and drop events\n",
			steps, strerror(-err));
}

/* The rules' enforcement policy into the kernel, over the probes' shared maps. */
static int start_enforcing(struct run_opts *o, struct vg_enf_policy **policy, struct vg_engine *eng,
			   struct vg_probes *probes)
{
	if (!*policy)
		return 0;
	if (vg_enforcement_start(&o->enforce, *policy, probes) != 0)
		return -1;
	*policy = NULL; /* owned by o->enforce now */
	eng->alerter.enforce = o->enforce.policy;
	vg_startup_mark("enforcement load");
	return 0;
}

static int run(struct run_opts *o)
{
	struct vg_probes_opts popts = {
		.ringbuf_bytes = o->ringbuf_bytes,
		.self_tgid = getpid(),
		.wakeup_bytes = o->ringbuf_bytes / 16,
		.hooks_mode = o->hooks_mode,
	};
	struct vg_engine eng;
	struct vg_pipeline *pl = &eng.pl;
	struct vg_probes *probes = NULL, *early;
	struct ring_buffer *rb = NULL;
	struct vg_ruleset *rules = NULL;
	struct vg_enf_policy *policy = NULL;
	struct ops ops = {0};
	struct live lv = {.eng = &eng, .enforce = &o->enforce};
	struct vg_fleet *fleet = NULL;
	struct vg_reload_src src = {
		.config_path = o->config_path,
		.overrides = o->overrides,
		.noverrides = o->noverrides,
		.cli_rules = o->rule_paths,
		.ncli_rules = o->nrule_paths,
		.fallback_rules = VIGIL_DEFAULT_RULES,
		.running = &ops.cfg,
	};
	FILE *capture = NULL;
	struct vg_capture_sink *capsink = NULL;
	struct env_out envp = {0};
	struct probes_loader loader = {0};
	bool wanted[VG_SC__MAX];
	char what[160] = "";
	int ret = 1, seeded, loaded;

	vg_startup_mark("start");
	/* Falco's --dry-run needs no kernel: neither privileges nor BTF */
	if (!vg_falco.dry_run && (vg_host_check_privileges() || vg_host_check_btf()))
		return 1;
	if (!vg_falco.dry_run)
		vg_host_mount_pseudo_fs(o->verbose); /* a failure is said either way */
	vg_libbpf_log_init(o->verbose);
	vg_startup_mark("host checks");
	if (!o->events && !o->capture_path) {
		/* the config sizes the ring buffer and the process table: load it first */
		if (ops_start(&ops, o) != 0) {
			ops_stop(&ops);
			return 1;
		}
		popts.ringbuf_bytes = o->ringbuf_bytes;
		popts.wakeup_bytes = o->ringbuf_bytes / 16;
		popts.watch_unimplemented = ops.cfg.watch_unimplemented_syscalls;
		boost_priority(ops.cfg.priority_boost);
		vg_startup_mark("config, outputs");
		if (!vg_falco.dry_run)
			loader_start(&loader, &popts);
	}
	if (vg_engine_open(
		    &eng, &(struct vg_engine_opts){.max_procs = o->max_procs,
						   .procfs_root = "/proc",
						   .boot_to_wall_ns = vg_boot_to_wall_ns()}) != 0) {
		ops_stop(&ops);
		return 1;
	}
	if (ops.cfg_loaded)
		vg_proc_table_set_max_bytes(pl->procs, ops.cfg.process_table_max_bytes);
	if ((o->events || o->capture_path) && env_policy_init(&envp, o) != 0)
		goto out;
	if (o->capture_path) {
		capture = vg_capture_create(o->capture_path);
		if (!capture || !(capsink = calloc(1, sizeof(*capsink)))) {
			fprintf(stderr, "vigil: cannot write %s: %s\n", o->capture_path,
				strerror(errno));
			goto out;
		}
		capsink->f = capture;
		capsink->env = &envp.pol;
		vg_engine_set_capture(&eng, capsink);
	} else if (o->events) {
		vg_engine_set_events(&eng, &envp.pol);
	} else {
		const char *paths[VG_RELOAD_MAX_PATHS];
		int npaths = vg_reload_rule_paths(&src, &ops.cfg, paths);

		if (npaths == 0) {
			fprintf(stderr,
				"vigil: no rules: give -r FILE|DIR or rules_files (vigil's own are "
				"in rules/; %s is absent)\n",
				VIGIL_DEFAULT_RULES);
			goto out;
		}
		/* the same load as a reload: the config's priority, rules: and rule_matching */
		rules = vg_cli_load_rules_cfg(paths, npaths, &ops.cfg, NULL, 0);
		if (!rules || vg_engine_set_rules(&eng, rules, stdout) != 0)
			goto out;
		vg_startup_mark("rules");
		rules = NULL; /* the engine's now */
		/* before the syscall set: the kernel reports enforcing rules itself */
		if (vg_enforcement_compile(&o->enforce, eng.rules, &policy) != 0)
			goto out;
		vg_startup_mark("enforcement compile");
		vg_engine_set_delivery(&eng, ops.outs, ops.rl);
		if (ops.cfg_loaded)
			vg_cli_alert_format(&ops.cfg, &eng.alerter.fmt);
		ops_for_loop = &ops;
		snprintf(what, sizeof(what),
			 "%zu rules loaded (%zu enabled), capturing %d syscalls; ",
			 vg_ruleset_visible_count(eng.rules), vg_cli_rules_enabled(eng.rules),
			 vg_interest_from_rules(eng.rules, wanted));
		popts.syscalls = wanted;
	}
	if (vg_falco.dry_run) {
		fprintf(stderr, "vigil: dry run: configuration and rules loaded, not capturing\n");
		ret = 0;
		goto out;
	}
	pl->containers = containers_start(ops.cfg_loaded    ? &ops.cfg
					  : envp.cfg_loaded ? &envp.cfg
							    : NULL);
	if (!pl->containers)
		fprintf(stderr, "vigil: container enrichment is off: %s\n", strerror(errno));
	vg_startup_mark("containers");
	install_signals(eng.rules != NULL);
	/* beside the syscall probe's verification: the hooks and the enforcer */
	early = loader_wait_open(&loader);
	if (early && (vg_probes_start_hooks(early, &popts) != 0 ||
		      start_enforcing(o, &policy, &eng, early) != 0 ||
		      vg_probes_prefetch_raw(early, wanted) != 0))
		goto out; /* joined there */
	if (early)
		vg_startup_mark("raw tier prefetched");
	loaded = loader_join(&loader, &probes);
	if (loaded < 0 || (!loaded && vg_probes_start(&popts, &probes) != 0))
		goto out;
	vg_startup_mark("probes joined");
	if (!early && start_enforcing(o, &policy, &eng, probes) != 0)
		goto out;
	/* the fleet's directories first: the reload watches what exists */
	if (eng.rules && ops.cfg_loaded && ops.cfg.fleet.enabled &&
	    vg_fleet_make_dirs(&ops.cfg) != 0)
		goto out;
	if (eng.rules && start_live(&lv, &src, &ops, pl, probes) != 0)
		goto out;
	vg_startup_mark("syscall set, reloader");
	/* the fleet's rules land in files the reload above watches (fleet/fleet.h) */
	if (eng.rules && ops.cfg_loaded && ops.cfg.fleet.enabled &&
	    !(fleet = vg_fleet_start(&ops.cfg, ops.hostname, ops.metrics, ops.outs)))
		goto out;
	/* attach first, then seed: a process born in between is in one or the other */
	seeded = vg_procfs_seed(pl->procs, "/proc");
	vg_startup_mark("/proc seeding");
	if (capture && vg_capture_begin(capture, pl->procs, pl->boot_to_wall_ns) != 0) {
		fprintf(stderr, "vigil: writing the capture header failed\n");
		goto out;
	}
	if (vg_engine_start(&eng) != 0)
		goto out;
	rb = ring_buffer__new(vg_probes_ringbuf_fd(probes), vg_engine_feed, &eng, NULL);
	if (!rb) {
		fprintf(stderr, "vigil: cannot open the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	lv.rb = rb;
	/* Falco's -M SECONDS: stop as on SIGTERM (armed before seccomp confines us) */
	if (vg_falco.duration) {
		signal(SIGALRM, on_stop);
		alarm(vg_falco.duration);
	}
	if (eng.rules)
		live_for_loop = &lv;
	if (ops.plugins && eng.rules) {
		plugins_for_loop = ops.plugins;
		eng_for_plugins = &eng;
		if (vg_plugins_start(ops.plugins) != 0)
			goto out;
	}
	if (confine(o, &ops) != 0)
		goto out;
	vg_startup_mark("ring buffer, confine");
	print_ready(o, probes, what, seeded);
	/* start-up's transients (libbpf's BTF and verifier log, the rules' compile) go back */
	vg_mem_release();
	ret = consume(rb, probes, pl);
	print_counters(probes, pl);
	vg_engine_stop(&eng);
out:
	reloader_for_signal = NULL;
	live_for_loop = NULL;
	plugins_for_loop = NULL;
	vg_plugins_stop(ops.plugins); /* no event pushed past here; destroyed in ops_stop */
	vg_fleet_stop(fleet);
	vg_reloader_stop(lv.reloader);
	/* scrapes read the probes' counters and the pipeline: no scrape past here */
	vg_metrics_server_stop(ops.server);
	ops.server = NULL;
	loader_join(&loader, &probes); /* the rules failed while the probes loaded */
	ring_buffer__free(rb);
	vg_enforcement_stop(&o->enforce);
	vg_enf_policy_free(policy);
	vg_probes_stop(probes);
	if (capture && fclose(capture) != 0)
		fprintf(stderr, "vigil: closing the capture failed: %s\n", strerror(errno));
	free(capsink);
	if (envp.cfg_loaded)
		vg_config_free(&envp.cfg);
	ops_for_loop = NULL;
	ops_stop(&ops);
	vg_engine_metrics_free(lv.em);
	vg_ruleset_free(rules); /* loaded, not taken by the engine */
	vg_engine_close(&eng);	/* the rules in force, after any reload */
	return ret;
}

static int run_cmd(int argc, char **argv, bool events)
{
	struct run_opts o = {
		.events = events,
		.ringbuf_bytes = events ? RECORD_RINGBUF_BYTES : DEFAULT_RINGBUF_BYTES,
		.max_procs = DEFAULT_MAX_PROCS,
		.enforce = {.mode = VG_ENF_MODE_ON, .self_protect = true},
		.env_mode = -1,
	};
	int err = parse_opts(argc, argv, &o);

	if (err)
		return err < 0 ? 0 : err;
	if (!events && o.env_mode >= 0) {
		fprintf(stderr, "vigil: --env is for events and capture: rules in run always see "
				"the environment, and alerts show only the fields a rule's output "
				"names\n");
		return 2;
	}
	return run(&o);
}

int vg_cmd_events(int argc, char **argv)
{
	return run_cmd(argc, argv, true);
}

int vg_cmd_capture(int argc, char **argv)
{
	struct run_opts o = {
		.ringbuf_bytes = RECORD_RINGBUF_BYTES,
		.max_procs = DEFAULT_MAX_PROCS,
		.env_mode = -1,
	};
	int err = parse_opts(argc, argv, &o);

	if (err)
		return err < 0 ? 0 : err;
	if (!o.capture_path) {
		fprintf(stderr, "vigil: capture needs -w FILE\n");
		return 2;
	}
	return run(&o);
}

int vg_cmd_run(int argc, char **argv)
{
	return run_cmd(argc, argv, false);
}
