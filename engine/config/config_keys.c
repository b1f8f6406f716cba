// SPDX-License-Identifier: Apache-2.0
/*
 * The table of every key (vg_cfg_top): top-level keys and one row per
 * section, each section a table of its own. Adding a section is a table in
 * its own file (as config_outputs.c and falco_keys.c), declared in
 * config_table.h, and one F_SECTION row here; its checks sit beside its
 * table. Apart from config.c so that the keys are read in one place,
 * without the machinery that applies them.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_table.h"
#include "state/proc_table.h" /* the process table's bounds (constants only) */

const char *const vg_cfg_priorities[] = {"emergency", "alert",	"critical",	 "error",
					 "warning",   "notice", "informational", "debug"};
const char *const vg_cfg_formats[] = {"json", "text", NULL};
static const char *const matchings[] = {"first", "all", NULL};
/* in the order of enum vg_unsupported_fields */
static const char *const unsupported_modes[] = {"error", "warn", NULL};
/* in the order of enum vg_enf_mode */
static const char *const enforce_modes[] = {"off", "audit", "on", NULL};
const char *const vg_cfg_transports[] = {"unix", "udp", "tcp", NULL};
const char *const vg_cfg_batches[] = {"none", "array", "ndjson", NULL};
const char *const vg_cfg_facilities[] = {"kern",	 "user",   "mail",   "daemon",	 "auth",
					 "syslog",	 "lpr",	   "news",   "uucp",	 "cron",
					 "authpriv",	 "ftp",	   "ntp",    "security", "console",
					 "solaris-cron", "local0", "local1", "local2",	 "local3",
					 "local4",	 "local5", "local6", "local7",	 NULL};

/* --- checks --------------------------------------------------------------- */

static const char *check_ringbuf(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	if (n < 4096 || n > (1ull << 30) || (n & (n - 1)))
		return "must be a power of two between 4K and 1G";
	return NULL;
}

static const char *check_procs(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	if (n == 0 || (n >= VG_PROC_TABLE_MIN && n <= VG_PROC_TABLE_MAX))
		return NULL;
	return "must be 0 (from the host's pid_max) or between 64 and 4194304";
}

static const char *check_boost(const void *v)
{
	return *(const uint32_t *)v <= 39 ? NULL : "must be between 0 (off) and 39 nice steps";
}

static const char *check_proc_bytes(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return n >= VG_PROC_BYTES_MIN ? NULL : "must be at least 1M";
}

/* sequence_state_max_bytes: 64K (a few keys per rule) to 16G */
static const char *check_seq_bytes(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return n >= (64u << 10) && n <= (16ull << 30) ? NULL : "must be between 64K and 16G";
}

static const char *check_ratio(const void *v)
{
	double d = *(const double *)v;

	return d >= 0 && d <= 1 ? NULL : "must be a number between 0 and 1";
}

const char *vg_cfg_check_positive_u32(const void *v)
{
	return *(const uint32_t *)v ? NULL : "must be greater than 0";
}

static const char *check_rate(const void *v)
{
	double d = *(const double *)v;

	return d > 0 && isfinite(d) ? NULL : "must be a number greater than 0";
}

static const char *check_burst(const void *v)
{
	double d = *(const double *)v;

	return d >= 1 && isfinite(d) ? NULL : "must be a number of at least 1";
}

static const char *check_listen(const void *v)
{
	const char *s = *(const char *const *)v;
	static const struct vg_num_range port = {0, 65535, false};
	const char *colon = s ? strrchr(s, ':') : NULL;
	char err[160];
	uint64_t p;

	if (!colon)
		return "must be HOST:PORT (127.0.0.1:8765, [::1]:8765)";
	if (vg_num_parse(colon + 1, &port, &p, err, sizeof(err)))
		return "must end in :PORT, a number from 0 to 65535";
	return NULL;
}

/* The metrics server's limits (engine/metrics/metrics.h has the why). */
static const char *check_metrics_conns(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n >= 16 && n <= 65536 ? NULL : "must be from 16 to 65536";
}

static const char *check_metrics_per_ip(const void *v)
{
	return *(const uint32_t *)v <= 65536 ? NULL : "must be from 0 (no cap) to 65536";
}

static const char *check_metrics_timeout(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n >= 1 && n <= 60 ? NULL : "must be from 1 to 60 seconds";
}

static const struct vg_cfg_field ratelimit_fields[] = {
	{"enabled", F_BOOL, C(rate_limit.enabled), .doc = "limit alerts per rule"},
	{"rate", F_DOUBLE, C(rate_limit.rate), .check = check_rate,
	 .doc = "alerts per second refilled (token bucket)"},
	{"burst", F_DOUBLE, C(rate_limit.burst), .check = check_burst,
	 .doc = "bucket size: alerts let through at once"},
	{"per_process", F_BOOL, C(rate_limit.per_process),
	 .doc = "one bucket per rule and process instead of per rule"},
	{"summary_interval", F_U32, C(rate_limit.summary_interval_s),
	 .doc = "seconds between 'N alerts suppressed' summaries; 0 = none"},
	{"max_keys", F_U32, C(rate_limit.max_keys), .check = vg_cfg_check_positive_u32,
	 .doc = "rule+process buckets kept at most"},
	{0},
};

/* Falco's syscall_event_drops, keys and meaning as in falco.yaml. */
static const struct vg_cfg_field drops_fields[] = {
	{"threshold", F_DOUBLE, C(drops.threshold), .check = check_ratio,
	 .doc = "act when drops / events in a second exceed this (0: any drop)"},
	{"actions", F_DROP_ACTIONS, C(drops.actions),
	 .doc = "log (stderr), alert (through the outputs), exit, or ignore"},
	{"rate", F_DOUBLE, C(drops.rate), .check = check_rate,
	 .doc = "actions per second refilled (token bucket); .03333: one per 30 s"},
	{"max_burst", F_DOUBLE, C(drops.max_burst), .check = check_burst,
	 .doc = "actions let through at once"},
	{"simulate_drops", F_BOOL, C(drops.simulate),
	 .doc = "act every second as if there were drops (testing the actions)"},
	{0},
};

static const struct vg_cfg_field metrics_fields[] = {
	{"enabled", F_BOOL, C(metrics_enabled), .doc = "serve /metrics, /healthz, /version"},
	{"listen_address", F_STR, C(metrics_listen_address), .check = check_listen,
	 .doc = "HOST:PORT; keep it on loopback unless it is firewalled"},
	{"connection_limit", F_U32, C(metrics_connection_limit), .check = check_metrics_conns,
	 .doc = "open connections at most, every client together (16..65536)"},
	{"per_ip_connection_limit", F_U32, C(metrics_per_ip_connection_limit),
	 .check = check_metrics_per_ip, .doc = "open connections from one address; 0 = no cap"},
	{"connection_timeout", F_U32, C(metrics_connection_timeout), .check = check_metrics_timeout,
	 .doc = "seconds a silent connection is kept (1..60)"},
	NOEFF("interval", N_STR, "1h", WHY_METRICS),
	NOEFF("output_rule", N_BOOL, "true", WHY_METRICS),
	NOEFF("output_file", N_STR, "", WHY_METRICS),
	NOEFF("rules_counters_enabled", N_BOOL, "true", WHY_METRICS),
	NOEFF("resource_utilization_enabled", N_BOOL, "true", WHY_METRICS),
	NOEFF("state_counters_enabled", N_BOOL, "true", WHY_METRICS),
	NOEFF("kernel_event_counters_enabled", N_BOOL, "true", WHY_METRICS),
	NOEFF("kernel_event_counters_per_cpu_enabled", N_BOOL, "false",
	      "vigil counts kernel events and drops for all CPUs together (one ring buffer)"),
	NOEFF("libbpf_stats_enabled", N_BOOL, "true", WHY_METRICS),
	NOEFF("plugins_metrics_enabled", N_BOOL, "true", "vigil loads no plugins yet"),
	NOEFF("kernel_iter_event_counters_enabled", N_BOOL, "true", WHY_METRICS),
	NOEFF("jemalloc_stats_enabled", N_BOOL, "false", "vigil does not use jemalloc"),
	NOEFF("convert_memory_to_mb", N_BOOL, "true", WHY_METRICS),
	NOEFF("include_empty_values", N_BOOL, "false", WHY_METRICS),
	{0},
};

/*
 * container_engines: runtime state directories and sockets (engine/container/).
 * Falco names its engines docker, containerd, podman (and cri for CRI-O's
 * socket); vigil reads each runtime's state files, so each engine has its
 * directory beside its socket.
 */
/* a runtime path or the host root: absolute, or a relative one would follow vigil's cwd */
const char *vg_cfg_check_abs_path(const void *v)
{
	const char *s = *(char *const *)v;

	return s && s[0] != '/' ? "must be an absolute path (or \"\")" : NULL;
}

#define CE(member) C(container_engines.member), .check = vg_cfg_check_abs_path
static const struct vg_cfg_field ce_docker_fields[] = {
	{"root", F_STR, CE(docker_root), .doc = "containers/<id>/config.v2.json under it"},
	{"socket", F_STR, CE(docker_socket),
	 .doc = "Engine API when the files are not enough; \"\" off"},
	{0},
};
static const struct vg_cfg_field ce_containerd_fields[] = {
	{"state_dir", F_STR, CE(containerd_state_dir),
	 .doc = "<namespace>/<id>/config.json under it (containerd's runtime v2 tasks)"},
	{"socket", F_STR, CE(containerd_socket), .doc = "images, digests, pod labels; \"\" off"},
	{0},
};
static const struct vg_cfg_field ce_crio_fields[] = {
	{"runroot", F_STR, CE(crio_runroot),
	 .doc = "overlay-containers/<id>/userdata/config.json under it"},
	{0},
};
static const struct vg_cfg_field ce_podman_fields[] = {
	{"root", F_STR, CE(podman_root), .doc = "containers/storage graph root (containers.json)"},
	{"socket", F_STR, CE(podman_socket), .doc = "podman system service: labels; \"\" off"},
	{0},
};
static const struct vg_cfg_field ce_runc_fields[] = {
	{"root", F_STR, CE(runc_root), .doc = "<id>/state.json under it (runc --root)"},
	{0},
};
static const struct vg_cfg_field ce_fields[] = {
	{"host_root", F_STR, CE(host_root),
	 .doc = "put before every path below and runc's bundles: /host in a pod"},
	{"docker", F_SECTION, 0, .sub = ce_docker_fields},
	{"containerd", F_SECTION, 0, .sub = ce_containerd_fields},
	{"crio", F_SECTION, 0, .sub = ce_crio_fields},
	{"podman", F_SECTION, 0, .sub = ce_podman_fields},
	{"runc", F_SECTION, 0, .sub = ce_runc_fields},
	{0},
};
#undef CE

const struct vg_cfg_field vg_cfg_top[] = {
	{"rules_files", F_STRLIST, C(rules_files), C(n_rules_files),
	 .doc = "rules files or directories of them"},
	{"rules_file", F_STRLIST, C(rules_files), C(n_rules_files), .alias = true,
	 .doc = "Falco's older name of rules_files"},
	{"config_files", F_CONFIG_FILES, C(config_files), C(n_config_files),
	 .doc = "more config files or directories, loaded after this one"},
	{"watch_config_files", F_BOOL, C(watch_config_files),
	 .doc = "reload when a config or rules file changes"},
	{"priority", F_PRIORITY, C(priority), .doc = "load rules of this priority or more severe"},
	{"rules", F_RULESEL, C(rule_selectors), C(n_rule_selectors),
	 .doc = "enable/disable rules by name glob or tag, in order"},
	{"rule_matching", F_ENUM, C(rule_matching), .names = matchings,
	 .doc = "first: one alert per event; all: every matching rule"},
	{"enforce", F_ENUM, C(enforce), .names = enforce_modes,
	 .doc = "rules with an action: on, audit (decide and report only), off"},
	{"watch_unimplemented_syscalls", F_BOOL, C(watch_unimplemented_syscalls),
	 .doc = "see attempts of syscalls this kernel lacks (raw sys_exit: every syscall pays)"},
	{"self_protect", F_BOOL, C(self_protect),
	 .doc = "deny SIGKILL/SIGSTOP and ptrace of vigil by others (BPF LSM)"},
	{"confine", F_BOOL, C(confine),
	 .doc = "after start-up: drop capabilities, NoNewPrivs, seccomp filter"},
	{"priority_boost", F_U32, C(priority_boost), .check = check_boost,
	 .doc = "nice steps vigil's threads are raised by (as auditd); 0 off"},
	{"ring_buffer_size", F_SIZE, C(ring_buffer_size), .check = check_ringbuf,
	 .doc = "kernel ring buffer, bytes (power of two)"},
	{"process_table_size", F_U32, C(process_table_size), .check = check_procs,
	 .doc = "processes tracked at most; 0: pid_max + 1/8, clamped to 16384..262144"},
	{"process_table_max_bytes", F_SIZE, C(process_table_max_bytes), .check = check_proc_bytes,
	 .doc = "bytes of strings (exe, args, cwd, env) held at most"},
	{"sequence_state_max_bytes", F_SIZE, C(sequence_state_max_bytes), .check = check_seq_bytes,
	 .doc = "state of sequence and threshold rules, all rules together"},
	{"syscall_event_drops", F_SECTION, 0, .sub = drops_fields},
	{"json_output", F_BOOL, C(json_output), .doc = "JSON alerts (else Falco's text)"},
	{"outputs_queue", F_SECTION, C(outputs_queue_size), .sub = vg_cfg_queue_fields},
	{"stdout_output", F_SECTION, 0, .sub = vg_cfg_stdout_fields},
	{"file_output", F_SECTION, 0, .sub = vg_cfg_file_fields},
	{"syslog_output", F_SECTION, 0, .sub = vg_cfg_syslog_fields},
	{"http_output", F_SECTION, 0, .sub = vg_cfg_http_fields},
	{"program_output", F_SECTION, 0, .sub = vg_cfg_program_fields},
	{"nats_output", F_SECTION, 0, .sub = vg_cfg_nats_fields},
	{"fleet", F_SECTION, 0, .sub = vg_cfg_fleet_fields},
	{"rate_limit", F_SECTION, 0, .sub = ratelimit_fields},
	{"metrics", F_SECTION, 0, .sub = metrics_fields},
	/* Falco's alert shape: the json_include_* switches, the time format, append_output */
	{"json_include_output_property", F_BOOL, C(json_include_output_property),
	 .doc = "JSON alerts have \"output\", the text line"},
	{"json_include_tags_property", F_BOOL, C(json_include_tags_property),
	 .doc = "JSON alerts have \"tags\""},
	{"json_include_message_property", F_BOOL, C(json_include_message_property),
	 .doc = "JSON alerts have \"message\": the output without time and priority"},
	{"json_include_output_fields_property", F_BOOL, C(json_include_output_fields_property),
	 .doc = "JSON alerts have \"output_fields\""},
	{"time_format_iso_8601", F_BOOL, C(time_format_iso_8601),
	 .doc = "the output line starts with the UTC date and time, not the local time of day"},
	{"append_output", F_APPEND, C(append_output), C(n_append_output),
	 .doc = "output text and fields added to the rules that match (Falco's)"},
	{"unsupported_fields", F_ENUM, C(unsupported_fields), .names = unsupported_modes,
	 .doc = "a rule using a field vigil does not extract: error, or warn"},
	{"container_engines", F_SECTION, 0, .sub = ce_fields},
	{"env_redact_patterns", F_STRLIST, C(env_redact_patterns), C(n_env_redact_patterns),
	 .doc = "events/capture --env=redacted: variable names (globs, any case) whose values "
		"are hidden"},
	{"webserver", F_SECTION, 0, .sub = vg_cfg_webserver_fields},
	/* Falco's keys without meaning in vigil: accepted, a warning when not the default */
	{"engine", F_SECTION, 0, .sub = vg_cfg_engine_fields},
	{"capture", F_SECTION, 0, .sub = vg_cfg_capture_fields},
	{"load_plugins", F_LOAD_PLUGINS, 0, .doc = "plugins to load"},
	{"plugins", F_PLUGINS, 0, .doc = "plugin definitions"},
	NOEFF("plugins_hostinfo", N_BOOL, "true", "vigil loads no plugins yet"),
	NOEFF("buffer_format_base64", N_BOOL, "false",
	      "vigil prints no data buffers; bytes of bad UTF-8 are kept in base64 under "
	      "vigil.raw"),
	NOEFF("buffered_outputs", N_BOOL, "false",
	      "vigil writes each alert whole, at once, to every output"),
	NOEFF("static_fields", N_ANY, NULL, "vigil has no static.* fields"),
	{"grpc", F_SECTION, 0, .sub = vg_cfg_grpc_fields},
	{"grpc_output", F_SECTION, 0, .sub = vg_cfg_grpc_output_fields},
	NOEFF("log_stderr", N_BOOL, "true", WHY_LOG),
	NOEFF("log_syslog", N_BOOL, "true", WHY_LOG),
	NOEFF_ENUM("log_level", vg_cfg_log_levels, "info", WHY_LOG),
	{"libs_logger", F_SECTION, 0, .sub = vg_cfg_libs_logger_fields},
	NOEFF("output_timeout", N_NUM, "2000",
	      "a slow output never blocks vigil: its queue fills and drops are counted"),
	{"syscall_event_timeouts", F_SECTION, 0, .sub = vg_cfg_timeouts_fields},
	{"base_syscalls", F_SECTION, 0, .sub = vg_cfg_base_syscalls_fields},
	{"falco_libs", F_SECTION, 0, .sub = vg_cfg_falco_libs_fields},
	{"outputs", F_SECTION, 0, .sub = vg_cfg_old_outputs_fields},
	NOEFF("metadata_download", N_ANY, NULL, "vigil downloads no metadata"),
	{"k8s_*", F_NOEFFECT, 0, N_ANY, .pattern = true,
	 .doc = "vigil reads Kubernetes metadata from the container runtime"},
	{0},
};
