// SPDX-License-Identifier: Apache-2.0
/*
 * The YAML configuration: libyaml builds a document (every node keeps its
 * line and column), and one table (`top` below) says, for every key, its
 * type, where it goes in struct vg_config, and its checks. The same table
 * applies the file, the -o overrides, and prints the settings back.
 */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <yaml.h>

#include "state/proc_table.h" /* the process table's bounds (constants only) */
#include "config/number.h"

/* the rules installed with vigil (the build passes the same path as the binary's) */
#ifndef VIGIL_DEFAULT_RULES
#define VIGIL_DEFAULT_RULES "/usr/local/share/vigil/rules"
#endif

enum ftype {
	F_BOOL,
	F_U32,
	F_PORT,
	F_MODE, /* file permissions: octal with a leading 0, as chmod writes them */
	F_SIZE,
	F_DOUBLE,
	F_STR,
	F_STRLIST, /* aux: offset of the size_t count */
	F_PRIORITY,
	F_ENUM, /* names: value = index */
	F_SECTION,
	F_RULESEL,
	F_HEADERS,
	F_FACILITY,
	F_RETRIES,	/* a count, or -1 for forever */
	F_FORMAT,	/* aux: offset of the int "set" flag */
	F_DROP_ACTIONS, /* a list of syscall_event_drops actions, as a bit set */
	F_APPEND,	/* Falco's append_output list; aux: offset of the size_t count */
	F_NOEFFECT,	/* Falco's key, no meaning in vigil: checked; aux: enum nkind, dflt */
	F_CONFIG_FILES, /* Falco's config_files: paths, or {path, strategy} maps */
	F_PLUGINS,	/* Falco's plugins: list of {name, library_path, init_config, ...} */
	F_LOAD_PLUGINS, /* Falco's load_plugins: refused when not empty (no plugins yet) */
	F_NO_GRPC,	/* grpc(_output).enabled: true is refused */
	F_PRESET,	/* engine.*.buf_size_preset: aux = the engine's index */
};

/*
 * How a key without effect is checked, and when it differs from Falco's
 * default (field.dflt) so that one warning says it is ignored.
 */
enum nkind {
	N_BOOL,
	N_NUM,	 /* a number (whole or fraction) */
	N_STR,	 /* a string; "" and null are the same */
	N_ENUM,	 /* one of .names */
	N_LIST,	 /* a list; any entry differs from the default [] */
	N_ANY,	 /* any value; anything but null/empty differs */
	N_QUIET, /* any value, never a warning: another part of vigil reads it */
};

/* config_files' merge strategies, as Falco names them */
enum strategy { S_APPEND, S_OVERRIDE, S_ADD_ONLY };
static const char *const strategies[] = {"append", "override", "add-only", NULL};

struct field {
	const char *key;
	enum ftype type;
	size_t off;
	size_t aux;
	const struct field *sub;
	const char *const *names;
	/* checks the stored value; returns what is wrong, or NULL */
	const char *(*check)(const void *value);
	const char *doc;  /* for the dump; for F_NOEFFECT: why it has no effect */
	const char *dflt; /* F_NOEFFECT: Falco's default, as text */
	bool pattern;	  /* key is an fnmatch pattern (k8s_*): may repeat */
	bool alias;	  /* another name of the field before it: not dumped */
	bool secret;	  /* a password or token: dumped as "***"; in URLs, the user info */
};

struct loader {
	struct vg_config *cfg;
	struct vg_config_err *err;
	const char *file;
	unsigned line_base; /* overrides: the value sits after "key=" on line 1 */
	unsigned col_base;
	size_t value_len; /* overrides: a mark past the value's end is its end */
	char path[128];
	bool enabled_seen[VG_OUTPUT__KINDS];
	yaml_mark_t enabled_mark[VG_OUTPUT__KINDS];
	char enabled_file[VG_OUTPUT__KINDS][64];
	bool included;	     /* loading a file config_files names */
	enum strategy strat; /* ... and how it merges */
	int *cf_strats;	     /* the strategy of each config_files entry */
	char **set_keys;     /* key paths set so far (add-only skips them) */
	size_t n_set_keys;
};

static const char *const priorities[] = {"emergency", "alert",	"critical",	 "error",
					 "warning",   "notice", "informational", "debug"};
static const char *const formats[] = {"json", "text", NULL};
static const char *const matchings[] = {"first", "all", NULL};
/* in the order of enum vg_unsupported_fields */
static const char *const unsupported_modes[] = {"error", "warn", NULL};
/* in the order of enum vg_enf_mode */
static const char *const enforce_modes[] = {"off", "audit", "on", NULL};
static const char *const transports[] = {"unix", "udp", "tcp", NULL};
static const char *const batches[] = {"none", "array", "ndjson", NULL};
static const char *const facilities[] = {"kern",	 "user",   "mail",   "daemon",	 "auth",
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

static const char *check_positive_u32(const void *v)
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

static const char *check_url(const void *v)
{
	const char *s = *(const char *const *)v;

	if (!s || !*s || !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8))
		return NULL;
	return "must be an http:// or https:// URL";
}

static const char *check_app_name(const void *v)
{
	const char *s = *(const char *const *)v;

	if (!s)
		return NULL;
	if (strlen(s) > 48)
		return "must be at most 48 characters (RFC 5424 APP-NAME)";
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return "must be printable ASCII without spaces (RFC 5424 APP-NAME)";
	return NULL;
}

static const char *check_batch_max(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n >= 1 && n <= 10000 ? NULL : "must be between 1 and 10000";
}

static const char *check_queue(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n <= 10000000 ? NULL : "must be at most 10000000";
}

/* An output's byte bound: 0 (= outputs_queue.max_bytes) or 64K .. 16G. */
static const char *check_queue_bytes_or_0(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return !n || (n >= (64u << 10) && n <= (16ull << 30))
		       ? NULL
		       : "must be 0 (outputs_queue.max_bytes) or between 64K and 16G";
}

static const char *check_queue_bytes(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return n >= (64u << 10) && n <= (16ull << 30) ? NULL : "must be between 64K and 16G";
}

static const char *check_total_bytes(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return n >= (64u << 10) && n <= (64ull << 30) ? NULL : "must be between 64K and 64G";
}

static const char *check_alert_bytes(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return n >= (4u << 10) && n <= (256u << 20) ? NULL : "must be between 4K and 256M";
}

static const char *check_drain_ms(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n >= 1 && n <= 600000 ? NULL : "must be between 1 and 600000 (10 minutes)";
}

/* Alerts carry command lines: owner read-write, the group at most, never the world. */
static const char *check_file_mode(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	if ((n & ~0660u) || (n & 0600u) != 0600u)
		return "must be an octal mode with a leading 0: 0600, 0640, 0620 or 0660 "
		       "(never world-readable, no execute bits)";
	return NULL;
}

/* --- the table ------------------------------------------------------------ */

/* Falco's key with no meaning in vigil: kind, Falco's default, and why */
#define NOEFF(k, kind, d, why)                                                                     \
	{                                                                                          \
		k, F_NOEFFECT, 0, kind, .dflt = d, .doc = why                                      \
	}
#define NOEFF_ENUM(k, nm, d, why)                                                                  \
	{                                                                                          \
		k, F_NOEFFECT, 0, N_ENUM, .names = nm, .dflt = d, .doc = why                       \
	}

static const char *const engine_kinds[] = {"modern_ebpf", "ebpf",     "kmod", "replay",
					   "gvisor",	  "nodriver", NULL};
static const char *const log_levels[] = {"emergency", "alert", "critical", "error", "warning",
					 "notice",    "info",  "debug",	   NULL};
static const char *const libs_levels[] = {"fatal", "critical", "error", "warning", "notice",
					  "info",  "debug",    "trace", NULL};
static const char *const capture_modes[] = {"rules", "all_rules", NULL};

static const char *check_healthz(const void *v)
{
	const char *s = *(const char *const *)v;

	if (s && (s[0] != '/' || strpbrk(s, " ?#\t") || strlen(s) > 127))
		return "must be a path starting with / (no spaces, ? or #; at most 127 bytes)";
	return NULL;
}

static const char *check_port0(const void *v)
{
	return *(const uint32_t *)v <= 65535 ? NULL : "must be a port from 0 to 65535";
}

#define WHY_PROBES  "vigil always uses its own eBPF probes (tiers chosen per hook: vigil features)"
#define WHY_LOG	    "vigil logs to stderr (the journal under systemd); -v adds libbpf's messages"
#define WHY_METRICS "vigil writes no metrics snapshots; every counter is on /metrics"

#define C(member) offsetof(struct vg_config, member)
#define O(kind, member)                                                                            \
	(offsetof(struct vg_config, outputs) + (kind) * sizeof(struct vg_output_config) +          \
	 offsetof(struct vg_output_config, member))

#define COMMON(kind)                                                                               \
	{"enabled", F_BOOL, O(kind, enabled), (kind) + 1, .doc = "deliver alerts here"},           \
		{"format",	   F_FORMAT,                                                       \
		 O(kind, format),  C(output_format_set[kind]),                                     \
		 .names = formats, .doc = "json or text; default: json_output"},                   \
		{"min_priority", F_PRIORITY, O(kind, min_priority),                                \
		 .doc = "deliver alerts of this priority or more severe"},                         \
		{"queue_size", F_U32, O(kind, queue_size), .check = check_queue,                   \
		 .doc = "alerts queued at most; 0 = outputs_queue.capacity"},                      \
		{"queue_max_bytes", F_SIZE, O(kind, queue_max_bytes),                              \
		 .check = check_queue_bytes_or_0,                                                  \
		 .doc = "bytes of alerts queued at most; 0 = outputs_queue.max_bytes"},            \
		{"retry_initial_ms", F_U32, O(kind, retry_initial_ms),                             \
		 .check = check_positive_u32, .doc = "first back-off after a failure"},            \
		{"retry_max_ms", F_U32, O(kind, retry_max_ms), .check = check_positive_u32,        \
		 .doc = "back-off cap (doubles up to it)"},                                        \
	{                                                                                          \
		"max_retries", F_RETRIES, O(kind, max_retries),                                    \
			.doc = "retries before an alert is given up; -1 = forever"                 \
	}

static const struct field stdout_fields[] = {
	COMMON(VG_OUTPUT_STDOUT),
	{0},
};

static const struct field file_fields[] = {
	COMMON(VG_OUTPUT_FILE),
	{"filename", F_STR, O(VG_OUTPUT_FILE, file.path), .doc = "appended to"},
	{"max_size", F_SIZE, O(VG_OUTPUT_FILE, file.max_bytes),
	 .doc = "rotate before a line would make it bigger; 0 = never"},
	{"keep", F_U32, O(VG_OUTPUT_FILE, file.keep),
	 .doc = "rotated files kept: FILE.1 .. FILE.N"},
	{"mode", F_MODE, O(VG_OUTPUT_FILE, file.mode), .check = check_file_mode,
	 .doc = "permissions of the alert files (octal, 0600 or 0640)"},
	{"keep_alive", F_BOOL, C(file_keep_alive), .doc = "Falco's; vigil always keeps it open"},
	{0},
};

static const struct field syslog_fields[] = {
	COMMON(VG_OUTPUT_SYSLOG),
	{"transport", F_ENUM, O(VG_OUTPUT_SYSLOG, syslog.transport), .names = transports,
	 .doc = "unix (the local socket), udp, or tcp (octet counting)"},
	{"address", F_STR, O(VG_OUTPUT_SYSLOG, syslog.address),
	 .doc = "socket path (unix), or host[:port]; empty: /dev/log or 127.0.0.1"},
	{"port", F_PORT, O(VG_OUTPUT_SYSLOG, syslog.port), .doc = "udp/tcp port"},
	{"facility", F_FACILITY, O(VG_OUTPUT_SYSLOG, syslog.facility),
	 .doc = "user, daemon, auth, local0..local7, ..."},
	{"app_name", F_STR, O(VG_OUTPUT_SYSLOG, syslog.app_name), .check = check_app_name,
	 .doc = "RFC 5424 APP-NAME"},
	{"timeout_ms", F_U32, O(VG_OUTPUT_SYSLOG, syslog.timeout_ms), .check = check_positive_u32,
	 .doc = "connect and send timeout"},
	{0},
};

static const struct field http_fields[] = {
	COMMON(VG_OUTPUT_HTTP),
	{"url", F_STR, O(VG_OUTPUT_HTTP, http.url), .check = check_url,
	 .doc = "where alerts are POSTed (falcosidekick: http://host:2801/)"},
	{"user_agent", F_STR, O(VG_OUTPUT_HTTP, http.user_agent), .doc = "default vigil/VERSION"},
	{"headers", F_HEADERS, O(VG_OUTPUT_HTTP, http.headers), O(VG_OUTPUT_HTTP, http.n_headers),
	 .doc = "extra request headers, name: value"},
	{"bearer_token", F_STR, O(VG_OUTPUT_HTTP, http.bearer_token),
	 .doc = "sent as Authorization: Bearer TOKEN"},
	{"basic_auth", F_STR, O(VG_OUTPUT_HTTP, http.basic_auth), .doc = "user:password"},
	{"ca_cert", F_STR, O(VG_OUTPUT_HTTP, http.ca_file), .doc = "CA bundle file for TLS"},
	{"ca_bundle", F_STR, O(VG_OUTPUT_HTTP, http.ca_bundle),
	 .doc = "CA bundle file, used when ca_cert is not set (Falco's)"},
	{"ca_path", F_STR, O(VG_OUTPUT_HTTP, http.ca_path), .doc = "directory of CA certificates"},
	{"insecure", F_BOOL, O(VG_OUTPUT_HTTP, http.insecure),
	 .doc = "skip TLS certificate checks (testing only)"},
	{"mtls", F_BOOL, O(VG_OUTPUT_HTTP, http.mtls),
	 .doc = "present client_cert and client_key to the server (mutual TLS)"},
	{"client_cert", F_STR, O(VG_OUTPUT_HTTP, http.client_cert),
	 .doc = "mtls: client certificate, PEM"},
	{"client_key", F_STR, O(VG_OUTPUT_HTTP, http.client_key), .doc = "mtls: its key, PEM"},
	{"echo", F_BOOL, O(VG_OUTPUT_HTTP, http.echo),
	 .doc = "write the body of every reply to stdout"},
	{"compress_uploads", F_BOOL, O(VG_OUTPUT_HTTP, http.compress),
	 .doc = "gzip the request body (Content-Encoding: gzip)"},
	{"keep_alive", F_BOOL, O(VG_OUTPUT_HTTP, http.keep_alive),
	 .doc = "reuse the connection; false: a new connection for every request"},
	NOEFF("max_consecutive_timeouts", N_NUM, "5",
	      "vigil retries with back-off (retry_*_ms, max_retries) and counts what it drops"),
	{"batch", F_ENUM, O(VG_OUTPUT_HTTP, http.batch), .names = batches,
	 .doc = "none (one alert per POST), array (JSON array), ndjson"},
	{"batch_max", F_U32, O(VG_OUTPUT_HTTP, http.batch_max), .check = check_batch_max,
	 .doc = "alerts per POST at most when batching"},
	{"timeout_ms", F_U32, O(VG_OUTPUT_HTTP, http.timeout_ms), .check = check_positive_u32,
	 .doc = "whole-request timeout"},
	{0},
};

static const struct field program_fields[] = {
	COMMON(VG_OUTPUT_PROGRAM),
	{"program", F_STR, O(VG_OUTPUT_PROGRAM, program.command),
	 .doc = "shell command; each alert is a line on its stdin"},
	{"keep_alive", F_BOOL, C(program_keep_alive),
	 .doc = "Falco's; vigil always keeps the command running"},
	{0},
};

static const struct field queue_fields[] = {
	{"capacity", F_U32, C(outputs_queue_size),
	 .doc = "default queue bound of every output, in alerts; 0 (Falco: unbounded): 4096"},
	{"max_bytes", F_SIZE, C(outputs_queue_bytes), .check = check_queue_bytes,
	 .doc = "default queue bound of every output, in bytes"},
	{"total_max_bytes", F_SIZE, C(outputs_total_bytes), .check = check_total_bytes,
	 .doc = "bytes of alerts queued in all outputs together at most"},
	{"max_alert_bytes", F_SIZE, C(outputs_max_alert_bytes), .check = check_alert_bytes,
	 .doc = "a bigger alert is refused by every output and counted (oversize)"},
	{"shutdown_drain_ms", F_U32, C(outputs_drain_ms), .check = check_drain_ms,
	 .doc = "at SIGINT/SIGTERM, time given to deliver what is queued"},
	{0},
};

static const struct field ratelimit_fields[] = {
	{"enabled", F_BOOL, C(rate_limit.enabled), .doc = "limit alerts per rule"},
	{"rate", F_DOUBLE, C(rate_limit.rate), .check = check_rate,
	 .doc = "alerts per second refilled (token bucket)"},
	{"burst", F_DOUBLE, C(rate_limit.burst), .check = check_burst,
	 .doc = "bucket size: alerts let through at once"},
	{"per_process", F_BOOL, C(rate_limit.per_process),
	 .doc = "one bucket per rule and process instead of per rule"},
	{"summary_interval", F_U32, C(rate_limit.summary_interval_s),
	 .doc = "seconds between 'N alerts suppressed' summaries; 0 = none"},
	{"max_keys", F_U32, C(rate_limit.max_keys), .check = check_positive_u32,
	 .doc = "rule+process buckets kept at most"},
	{0},
};

/* Falco's syscall_event_drops, keys and meaning as in falco.yaml. */
static const struct field drops_fields[] = {
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

static const struct field metrics_fields[] = {
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

/* Falco's webserver, served by vigil's metrics server (finish() maps it) */
static const struct field webserver_fields[] = {
	{"enabled", F_BOOL, C(webserver_enabled), .doc = "run the web server"},
	NOEFF("threadiness", N_NUM, "0", "vigil's server runs two threads with a connection cap"),
	{"listen_port", F_U32, C(webserver_port), .check = check_port0, .doc = "port"},
	{"listen_address", F_STR, C(webserver_address), .doc = "IPv4 or IPv6 address"},
	{"k8s_healthz_endpoint", F_STR, C(healthz_path), .check = check_healthz,
	 .doc = "path of the health check"},
	{"prometheus_metrics_enabled", F_BOOL, C(prometheus_enabled),
	 .doc = "serve /metrics (with metrics.enabled)"},
	{"ssl_enabled", F_NO_GRPC, 0, 1, .doc = "TLS on the web server"},
	NOEFF("ssl_certificate", N_STR, "/etc/falco/falco.pem",
	      "only used with ssl_enabled, which vigil refuses"),
	{0},
};

static const struct field kmod_fields[] = {
	{"buf_size_preset", F_PRESET, 0, 0, .doc = "ring buffer size (1 MB << (N-1))"},
	NOEFF("drop_failed_exit", N_BOOL, "false", WHY_PROBES),
	{0},
};

static const struct field ebpf_fields[] = {
	NOEFF("probe", N_STR, "", WHY_PROBES),
	{"buf_size_preset", F_PRESET, 0, 1, .doc = "ring buffer size (1 MB << (N-1))"},
	NOEFF("drop_failed_exit", N_BOOL, "false", WHY_PROBES),
	{0},
};

static const struct field modern_fields[] = {
	NOEFF("cpus_for_each_buffer", N_NUM, "2", "vigil has one ring buffer for every CPU"),
	{"buf_size_preset", F_PRESET, 0, 2, .doc = "ring buffer size (1 MB << (N-1))"},
	NOEFF("drop_failed_exit", N_BOOL, "false", WHY_PROBES),
	NOEFF("disable_iterators", N_BOOL, "false",
	      "vigil seeds its process table from /proc at start-up"),
	{0},
};

static const struct field replay_fields[] = {
	NOEFF("capture_file", N_STR, "", "replay recorded events with `vigil replay FILE`"),
	{0},
};

static const struct field gvisor_fields[] = {
	NOEFF("config", N_STR, "", WHY_PROBES),
	NOEFF("root", N_STR, "", WHY_PROBES),
	{0},
};

static const struct field engine_fields[] = {
	NOEFF_ENUM("kind", engine_kinds, "modern_ebpf", WHY_PROBES),
	{"kmod", F_SECTION, 0, .sub = kmod_fields},
	{"ebpf", F_SECTION, 0, .sub = ebpf_fields},
	{"modern_ebpf", F_SECTION, 0, .sub = modern_fields},
	{"replay", F_SECTION, 0, .sub = replay_fields},
	{"gvisor", F_SECTION, 0, .sub = gvisor_fields},
	{0},
};

static const struct field capture_fields[] = {
	NOEFF("enabled", N_BOOL, "false",
	      "vigil records events with `vigil capture FILE` (docs/capture.md)"),
	NOEFF("path_prefix", N_STR, "/tmp/falco", "see capture.enabled"),
	NOEFF_ENUM("mode", capture_modes, "rules", "see capture.enabled"),
	NOEFF("default_duration", N_NUM, "5000", "see capture.enabled"),
	NOEFF("max_file_size_mb", N_NUM, "0", "see capture.enabled"),
	{0},
};

static const struct field grpc_fields[] = {
	{"enabled", F_NO_GRPC, 0, 0, .doc = "gRPC server"},
	NOEFF("bind_address", N_QUIET, NULL, "only with enabled"),
	NOEFF("threadiness", N_QUIET, NULL, "only with enabled"),
	NOEFF("private_key", N_QUIET, NULL, "only with enabled"),
	NOEFF("cert_chain", N_QUIET, NULL, "only with enabled"),
	NOEFF("root_certs", N_QUIET, NULL, "only with enabled"),
	{0},
};

static const struct field grpc_output_fields[] = {
	{"enabled", F_NO_GRPC, 0, 0, .doc = "gRPC output"},
	{0},
};

static const struct field libs_logger_fields[] = {
	NOEFF("enabled", N_BOOL, "true", WHY_LOG),
	NOEFF_ENUM("severity", libs_levels, "info", WHY_LOG),
	{0},
};

static const struct field timeouts_fields[] = {
	NOEFF("max_consecutives", N_NUM, "1000",
	      "vigil reads a BPF ring buffer, which has no read timeouts to count"),
	{0},
};

static const struct field base_syscalls_fields[] = {
	NOEFF("custom_set", N_LIST, NULL,
	      "vigil captures the syscalls its rules and its state need (vigil rules)"),
	NOEFF("repair", N_BOOL, "false", "vigil always captures what its state needs"),
	NOEFF("all", N_BOOL, "false", "vigil captures the syscalls its rules can match"),
	{0},
};

static const struct field falco_libs_fields[] = {
	NOEFF("thread_table_size", N_NUM, "262144", "vigil's is process_table_size"),
	NOEFF("thread_table_auto_purging_interval_s", N_NUM, "300",
	      "vigil removes exited processes as they exit"),
	NOEFF("thread_table_auto_purging_thread_timeout_s", N_NUM, "300",
	      "vigil removes exited processes as they exit"),
	NOEFF("snaplen", N_NUM, "80", "vigil captures no I/O buffers"),
	{0},
};

static const struct field old_outputs_fields[] = {
	NOEFF("rate", N_NUM, "0", "vigil's is rate_limit (per rule)"),
	NOEFF("max_burst", N_NUM, "1000", "vigil's is rate_limit (per rule)"),
	{0},
};

/*
 * container_engines: runtime state directories and sockets (engine/container/).
 * Falco names its engines docker, containerd, podman (and cri for CRI-O's
 * socket); vigil reads each runtime's state files, so each engine has its
 * directory beside its socket.
 */
/* a runtime path or the host root: absolute, or a relative one would follow vigil's cwd */
static const char *check_abs_path(const void *v)
{
	const char *s = *(char *const *)v;

	return s && s[0] != '/' ? "must be an absolute path (or \"\")" : NULL;
}

#define CE(member) C(container_engines.member), .check = check_abs_path
static const struct field ce_docker_fields[] = {
	{"root", F_STR, CE(docker_root), .doc = "containers/<id>/config.v2.json under it"},
	{"socket", F_STR, CE(docker_socket),
	 .doc = "Engine API when the files are not enough; \"\" off"},
	{0},
};
static const struct field ce_containerd_fields[] = {
	{"state_dir", F_STR, CE(containerd_state_dir),
	 .doc = "<namespace>/<id>/config.json under it (containerd's runtime v2 tasks)"},
	{"socket", F_STR, CE(containerd_socket), .doc = "images, digests, pod labels; \"\" off"},
	{0},
};
static const struct field ce_crio_fields[] = {
	{"runroot", F_STR, CE(crio_runroot),
	 .doc = "overlay-containers/<id>/userdata/config.json under it"},
	{0},
};
static const struct field ce_podman_fields[] = {
	{"root", F_STR, CE(podman_root), .doc = "containers/storage graph root (containers.json)"},
	{"socket", F_STR, CE(podman_socket), .doc = "podman system service: labels; \"\" off"},
	{0},
};
static const struct field ce_runc_fields[] = {
	{"root", F_STR, CE(runc_root), .doc = "<id>/state.json under it (runc --root)"},
	{0},
};
static const struct field ce_fields[] = {
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

#include "config/config_nats.c"

static const struct field top[] = {
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
	{"self_protect", F_BOOL, C(self_protect),
	 .doc = "deny SIGKILL/SIGSTOP and ptrace of vigil by others (BPF LSM)"},
	{"confine", F_BOOL, C(confine),
	 .doc = "after start-up: drop capabilities, NoNewPrivs, seccomp filter"},
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
	{"outputs_queue", F_SECTION, C(outputs_queue_size), .sub = queue_fields},
	{"stdout_output", F_SECTION, 0, .sub = stdout_fields},
	{"file_output", F_SECTION, 0, .sub = file_fields},
	{"syslog_output", F_SECTION, 0, .sub = syslog_fields},
	{"http_output", F_SECTION, 0, .sub = http_fields},
	{"program_output", F_SECTION, 0, .sub = program_fields},
	{"nats_output", F_SECTION, 0, .sub = nats_fields},
	{"fleet", F_SECTION, 0, .sub = fleet_fields},
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
	{"webserver", F_SECTION, 0, .sub = webserver_fields},
	/* Falco's keys without meaning in vigil: accepted, a warning when not the default */
	{"engine", F_SECTION, 0, .sub = engine_fields},
	{"capture", F_SECTION, 0, .sub = capture_fields},
	{"load_plugins", F_LOAD_PLUGINS, 0, .doc = "plugins to load"},
	{"plugins", F_PLUGINS, 0, .doc = "plugin definitions"},
	NOEFF("plugins_hostinfo", N_BOOL, "true", "vigil loads no plugins yet"),
	NOEFF("buffer_format_base64", N_BOOL, "false",
	      "vigil prints no data buffers; bytes of bad UTF-8 are kept in base64 under "
	      "vigil.raw"),
	NOEFF("buffered_outputs", N_BOOL, "false",
	      "vigil writes each alert whole, at once, to every output"),
	NOEFF("static_fields", N_ANY, NULL, "vigil has no static.* fields"),
	{"grpc", F_SECTION, 0, .sub = grpc_fields},
	{"grpc_output", F_SECTION, 0, .sub = grpc_output_fields},
	NOEFF("log_stderr", N_BOOL, "true", WHY_LOG),
	NOEFF("log_syslog", N_BOOL, "true", WHY_LOG),
	NOEFF_ENUM("log_level", log_levels, "info", WHY_LOG),
	{"libs_logger", F_SECTION, 0, .sub = libs_logger_fields},
	NOEFF("output_timeout", N_NUM, "2000",
	      "a slow output never blocks vigil: its queue fills and drops are counted"),
	{"syscall_event_timeouts", F_SECTION, 0, .sub = timeouts_fields},
	{"base_syscalls", F_SECTION, 0, .sub = base_syscalls_fields},
	{"falco_libs", F_SECTION, 0, .sub = falco_libs_fields},
	{"outputs", F_SECTION, 0, .sub = old_outputs_fields},
	NOEFF("metadata_download", N_ANY, NULL, "vigil downloads no metadata"),
	{"k8s_*", F_NOEFFECT, 0, N_ANY, .pattern = true,
	 .doc = "vigil reads Kubernetes metadata from the container runtime"},
	{0},
};

/* --- errors --------------------------------------------------------------- */

static void verr(struct loader *ld, unsigned line, unsigned col, const char *fmt, va_list ap)
{
	struct vg_config_err *e = ld->err;

	if (!e)
		return;
	snprintf(e->file, sizeof(e->file), "%s", ld->file);
	e->line = line;
	e->column = col;
	snprintf(e->key, sizeof(e->key), "%s", ld->path);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (line && e->key[0])
		snprintf(e->text, sizeof(e->text), "%s:%u:%u: %s: %s", e->file, line, col, e->key,
			 e->msg);
	else if (line)
		snprintf(e->text, sizeof(e->text), "%s:%u:%u: %s", e->file, line, col, e->msg);
	else if (e->key[0])
		snprintf(e->text, sizeof(e->text), "%s: %s: %s", e->file, e->key, e->msg);
	else
		snprintf(e->text, sizeof(e->text), "%s: %s", e->file, e->msg);
}

static int fail_at(struct loader *ld, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct loader *ld, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;
	unsigned line = (unsigned)mark.line + ld->line_base;
	unsigned col = (unsigned)mark.column + 1 + (mark.line == 0 ? ld->col_base : 0);

	if (ld->col_base && mark.index >= ld->value_len) {
		/* libyaml places "unexpected end" on a line after the value: say its end */
		line = 1;
		col = ld->col_base + (unsigned)ld->value_len + 1;
	}
	va_start(ap, fmt);
	verr(ld, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_node(struct loader *ld, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_node(struct loader *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	unsigned line = (unsigned)n->start_mark.line + ld->line_base;
	unsigned col =
		(unsigned)n->start_mark.column + 1 + (n->start_mark.line == 0 ? ld->col_base : 0);

	va_start(ap, fmt);
	verr(ld, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_plain(struct loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail_plain(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(ld, 0, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* --- scalars -------------------------------------------------------------- */

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a list";
	default: return is_null(n) ? "nothing (null)" : "a scalar";
	}
}

static int want_scalar(struct loader *ld, const yaml_node_t *n, const char *what)
{
	if (n->type == YAML_SCALAR_NODE && !is_null(n))
		return 0;
	return fail_node(ld, n, "expected %s, got %s", what, node_kind(n));
}

static int parse_bool(struct loader *ld, const yaml_node_t *n, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", NULL};
	static const char *const no[] = {"false", "no", "off", NULL};
	const char *s;

	if (want_scalar(ld, n, "true or false"))
		return -1;
	s = scalar(n);
	for (int i = 0; yes[i]; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return fail_node(ld, n, "expected true or false, got '%s'", s);
}

/* --- numbers ------------------------------------------------------------- */

/*
 * The bounds of every numeric key, by key path (fnmatch), in one place
 * (docs/operations.md has the same table). A key not listed gets its
 * type's range. Every number goes through vg_num_parse (config/number.h):
 * no sign, exponent, hex or trailing text; out of range says the range.
 */
struct key_range {
	const char *path;
	struct vg_num_range r;
	struct vg_num_drange d;
};

#define NUM(p, lo, hi)                                                                             \
	{                                                                                          \
		p, .r = { lo, hi, false }                                                          \
	}
#define SIZE(p, lo, hi)                                                                            \
	{                                                                                          \
		p, .r = { lo, hi, true }                                                           \
	}
#define FRAC(p, lo, hi, open)                                                                      \
	{                                                                                          \
		p, .d = { lo, hi, open }                                                           \
	}

static const struct key_range ranges[] = {
	SIZE("ring_buffer_size", 4096, 1ull << 30),
	NUM("process_table_size", 0, 4194304),
	NUM("outputs_queue.capacity", 0, 10000000),
	NUM("webserver.listen_port", 0, 65535),
	NUM("engine.*.buf_size_preset", 1, 10),
	NUM("*_output.queue_size", 0, 10000000),
	NUM("*_output.retry_initial_ms", 1, 3600000),
	NUM("*_output.retry_max_ms", 1, 86400000),
	NUM("*_output.max_retries", 0, 1000000),
	NUM("*_output.timeout_ms", 1, 3600000),
	SIZE("file_output.max_size", 0, 1ull << 40),
	NUM("file_output.keep", 0, 1000),
	NUM("syslog_output.port", 1, 65535),
	NUM("http_output.batch_max", 1, 10000),
	NUM("rate_limit.summary_interval", 0, 86400),
	NUM("rate_limit.max_keys", 1, 10000000),
	SIZE("*_output.queue_max_bytes", 0, 16ull << 30),
	FRAC("rate_limit.rate", 0, 1e9, true),
	FRAC("rate_limit.burst", 1, 1e9, false),
};

static const struct key_range *range_of(const struct loader *ld)
{
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (!fnmatch(ranges[i].path, ld->path, 0))
			return &ranges[i];
	return NULL;
}

/* A whole number (or a size) within the key's range, or its type's range. */
static int parse_number(struct loader *ld, const yaml_node_t *n, struct vg_num_range dflt,
			uint64_t *out)
{
	const struct key_range *kr = range_of(ld);
	char err[160];

	if (want_scalar(ld, n, dflt.size ? "a size" : "a number"))
		return -1;
	if (vg_num_parse(scalar(n), kr ? &kr->r : &dflt, out, err, sizeof(err)))
		return fail_node(ld, n, "%s", err);
	return 0;
}

/* "0600": a leading 0 and three octal digits, nothing else. */
static int parse_mode(struct loader *ld, const yaml_node_t *n, uint32_t *out)
{
	const char *s;

	if (want_scalar(ld, n, "an octal mode"))
		return -1;
	s = scalar(n);
	if (strlen(s) != 4 || s[0] != '0' || strspn(s + 1, "01234567") != 3)
		return fail_node(ld, n,
				 "expected an octal mode with a leading 0 (0600, 0640, 0620 or "
				 "0660), got '%s'",
				 s);
	*out = (uint32_t)strtoul(s, NULL, 8);
	return 0;
}

static int parse_u64(struct loader *ld, const yaml_node_t *n, uint64_t max, uint64_t *out)
{
	return parse_number(ld, n, (struct vg_num_range){0, max, false}, out);
}

/* 8388608, "8M", "8MiB", "512k", "1G" (binary multiples). */
static int parse_size(struct loader *ld, const yaml_node_t *n, uint64_t *out)
{
	return parse_number(ld, n, (struct vg_num_range){0, 1ull << 62, true}, out);
}

static int parse_double(struct loader *ld, const yaml_node_t *n, double *out)
{
	static const struct vg_num_drange any = {-1e15, 1e15, false};
	const struct key_range *kr = range_of(ld);
	char err[160];

	if (want_scalar(ld, n, "a number"))
		return -1;
	if (vg_num_parse_double(scalar(n), kr ? &kr->d : &any, out, err, sizeof(err)))
		return fail_node(ld, n, "%s", err);
	return 0;
}

static int parse_name(struct loader *ld, const yaml_node_t *n, const char *const *names, int *out)
{
	char list[256] = "";
	const char *s;

	if (want_scalar(ld, n, "a name"))
		return -1;
	s = scalar(n);
	for (int i = 0; names[i]; i++) {
		if (!strcasecmp(s, names[i])) {
			*out = i;
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 names[i]);
	}
	return fail_node(ld, n, "'%s' is not one of: %s", s, list);
}

int vg_config_priority_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strcasecmp(s, "info"))
		return 6;
	for (int i = 0; i < 8; i++)
		if (!strcasecmp(s, priorities[i]))
			return i;
	return -1;
}

static int parse_priority(struct loader *ld, const yaml_node_t *n, int *out)
{
	int p;

	if (want_scalar(ld, n, "a priority"))
		return -1;
	p = vg_config_priority_parse(scalar(n));
	if (p < 0)
		return fail_node(ld, n,
				 "'%s' is not a priority: emergency, alert, critical, error, "
				 "warning, notice, informational (info), debug",
				 scalar(n));
	*out = p;
	return 0;
}

/* --- lists and maps ------------------------------------------------------- */

static yaml_node_t *item(yaml_document_t *doc, yaml_node_item_t *it)
{
	return yaml_document_get_node(doc, *it);
}

/* in the order of the VG_DROP_* bits; "ignore" adds none (Falco's list may be empty) */
static const char *const drop_actions[] = {"log", "alert", "exit", "ignore", NULL};

/* syscall_event_drops.actions: a list of names, as Falco writes it. */
static int parse_drop_actions(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
			      unsigned *out)
{
	unsigned bits = 0;
	int i;

	if (is_null(n)) {
		*out = 0;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n,
				 "expected a list of actions (log, alert, exit, ignore), got %s",
				 node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		if (parse_name(ld, item(doc, it), drop_actions, &i))
			return -1;
		if (drop_actions[i] != drop_actions[3])
			bits |= 1u << i;
	}
	*out = bits;
	return 0;
}

static int dup_str(struct loader *ld, const yaml_node_t *n, char **out)
{
	char *s = strdup(scalar(n));

	if (!s)
		return fail_node(ld, n, "out of memory");
	*out = s;
	return 0;
}

static void free_strlist(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* A string or a list of strings. */
static int parse_strlist(struct loader *ld, yaml_document_t *doc, yaml_node_t *n, char ***out,
			 size_t *count)
{
	char **l;
	size_t k = 0, total;

	if (is_null(n)) {
		*out = NULL;
		*count = 0;
		return 0;
	}
	if (n->type == YAML_SCALAR_NODE) {
		l = calloc(1, sizeof(*l));
		if (!l || dup_str(ld, n, &l[0])) {
			free(l);
			return fail_node(ld, n, "out of memory");
		}
		*out = l;
		*count = 1;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n, "expected a string or a list of strings, got %s",
				 node_kind(n));
	total = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	l = calloc(total ? total : 1, sizeof(*l));
	if (!l)
		return fail_node(ld, n, "out of memory");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = item(doc, it);

		if (want_scalar(ld, e, "a string") || dup_str(ld, e, &l[k])) {
			free_strlist(l, k);
			return -1;
		}
		k++;
	}
	*out = l;
	*count = k;
	return 0;
}

static int add_selectors(struct loader *ld, yaml_document_t *doc, yaml_node_t *n, bool enable,
			 bool by_tag, struct vg_rule_selector **sel, size_t *count)
{
	char **pats;
	size_t np;
	struct vg_rule_selector *s;

	if (parse_strlist(ld, doc, n, &pats, &np))
		return -1;
	s = realloc(*sel, (*count + np + 1) * sizeof(*s));
	if (!s) {
		free_strlist(pats, np);
		return fail_node(ld, n, "out of memory");
	}
	*sel = s;
	for (size_t i = 0; i < np; i++)
		s[(*count)++] = (struct vg_rule_selector){enable, by_tag, pats[i]};
	free(pats);
	return 0;
}

static void free_selectors(struct vg_rule_selector *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].pattern);
	free(s);
}

/*
 * Falco's selection list:
 *   rules:
 *     - disable: {rule: "*"}
 *     - enable: {tag: network}
 *     - enable: {rule: [Netcat*, "Terminal shell in container"]}
 */
static int parse_rulesel(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
			 struct vg_rule_selector **out, size_t *count)
{
	struct vg_rule_selector *sel = NULL;
	size_t ns = 0;

	if (is_null(n))
		goto done;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n,
				 "expected a list of '- enable:' / '- disable:' entries, "
				 "got %s",
				 node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = item(doc, it), *k, *v;
		bool enable;

		if (e->type != YAML_MAPPING_NODE ||
		    e->data.mapping.pairs.top - e->data.mapping.pairs.start != 1) {
			fail_node(ld, e, "each entry is one 'enable:' or 'disable:' mapping");
			goto fail;
		}
		k = yaml_document_get_node(doc, e->data.mapping.pairs.start->key);
		v = yaml_document_get_node(doc, e->data.mapping.pairs.start->value);
		if (k->type != YAML_SCALAR_NODE ||
		    (strcmp(scalar(k), "enable") && strcmp(scalar(k), "disable"))) {
			fail_node(ld, k, "expected 'enable' or 'disable'");
			goto fail;
		}
		enable = !strcmp(scalar(k), "enable");
		if (v->type != YAML_MAPPING_NODE) {
			fail_node(ld, v, "expected a mapping with 'rule' and/or 'tag', got %s",
				  node_kind(v));
			goto fail;
		}
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
		     p < v->data.mapping.pairs.top; p++) {
			yaml_node_t *pk = yaml_document_get_node(doc, p->key);
			yaml_node_t *pv = yaml_document_get_node(doc, p->value);
			bool tag;

			if (pk->type != YAML_SCALAR_NODE ||
			    (strcmp(scalar(pk), "rule") && strcmp(scalar(pk), "tag"))) {
				fail_node(ld, pk,
					  "unknown key: expected 'rule' (name globs) or "
					  "'tag' (tag names)");
				goto fail;
			}
			tag = !strcmp(scalar(pk), "tag");
			if (add_selectors(ld, doc, pv, enable, tag, &sel, &ns))
				goto fail;
		}
	}
done:
	free_selectors(*out, *count);
	*out = sel;
	*count = ns;
	return 0;
fail:
	free_selectors(sel, ns);
	return -1;
}

static void free_headers(const char **h, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((char *)h[i]);
	*n = 0;
}

static int parse_headers(struct loader *ld, yaml_document_t *doc, yaml_node_t *n, const char **hdr,
			 size_t *count)
{
	const char *tmp[VG_OUTPUT_MAX_HEADERS];
	size_t k = 0;

	if (is_null(n)) {
		free_headers(hdr, count);
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return fail_node(ld, n, "expected a mapping of header names to values, got %s",
				 node_kind(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *hk = yaml_document_get_node(doc, p->key);
		yaml_node_t *hv = yaml_document_get_node(doc, p->value);
		char *line;

		if (k == VG_OUTPUT_MAX_HEADERS) {
			fail_node(ld, hk, "at most %d headers", VG_OUTPUT_MAX_HEADERS);
			goto fail;
		}
		if (want_scalar(ld, hk, "a header name") || want_scalar(ld, hv, "a header value"))
			goto fail;
		for (const char *c = scalar(hk); *c; c++)
			if (*c <= ' ' || *c == ':' || *c > '~') {
				fail_node(ld, hk, "'%s' is not a header name", scalar(hk));
				goto fail;
			}
		if (strpbrk(scalar(hv), "\r\n")) {
			fail_node(ld, hv, "a header value cannot hold a line break");
			goto fail;
		}
		if (asprintf(&line, "%s: %s", scalar(hk), scalar(hv)) < 0) {
			fail_node(ld, hv, "out of memory");
			goto fail;
		}
		tmp[k++] = line;
	}
	free_headers(hdr, count);
	memcpy(hdr, tmp, k * sizeof(*tmp));
	*count = k;
	return 0;
fail:
	free_headers(tmp, &k);
	return -1;
}

/* --- Falco's keys ------------------------------------------------------- */

static bool key_was_set(const struct loader *ld)
{
	for (size_t i = 0; i < ld->n_set_keys; i++)
		if (!strcmp(ld->set_keys[i], ld->path))
			return true;
	return false;
}

static void mark_set(struct loader *ld)
{
	char **k;

	if (key_was_set(ld))
		return;
	k = realloc(ld->set_keys, (ld->n_set_keys + 1) * sizeof(*k));
	if (!k)
		return; /* add-only then loads this key again: no harm */
	ld->set_keys = k;
	if ((k[ld->n_set_keys] = strdup(ld->path)))
		ld->n_set_keys++;
}

static void drop_warning(struct vg_config *c, size_t i)
{
	free(c->warnings[i]);
	free(c->warning_keys[i]);
	c->n_warnings--;
	memmove(&c->warnings[i], &c->warnings[i + 1], (c->n_warnings - i) * sizeof(char *));
	memmove(&c->warning_keys[i], &c->warning_keys[i + 1], (c->n_warnings - i) * sizeof(char *));
}

/*
 * One warning per key without effect whose value is not Falco's default; a
 * later file or -o that sets the key again replaces it (or, back at the
 * default, removes it).
 */
static int note_noeffect(struct loader *ld, const yaml_node_t *n, bool differs, const char *shown,
			 const char *why)
{
	struct vg_config *c = ld->cfg;
	char **w, **k, *text = NULL, *key = NULL;

	for (size_t i = 0; i < c->n_warnings; i++)
		if (!strcmp(c->warning_keys[i], ld->path))
			drop_warning(c, i--);
	if (!differs)
		return 0;
	w = realloc(c->warnings, (c->n_warnings + 1) * sizeof(*w));
	if (w)
		c->warnings = w;
	k = realloc(c->warning_keys, (c->n_warnings + 1) * sizeof(*k));
	if (k)
		c->warning_keys = k;
	if (!w || !k ||
	    asprintf(&text, "%s:%u:%u: %s: %s has no effect in vigil: %s", ld->file,
		     (unsigned)n->start_mark.line + ld->line_base,
		     (unsigned)n->start_mark.column + 1 +
			     (n->start_mark.line == 0 ? ld->col_base : 0),
		     ld->path, shown, why) < 0 ||
	    !(key = strdup(ld->path))) {
		free(text);
		return fail_node(ld, n, "out of memory");
	}
	c->warnings[c->n_warnings] = text;
	c->warning_keys[c->n_warnings++] = key;
	return 0;
}

static bool empty_node(const yaml_node_t *n)
{
	if (is_null(n))
		return true;
	if (n->type == YAML_SEQUENCE_NODE)
		return n->data.sequence.items.top == n->data.sequence.items.start;
	if (n->type == YAML_MAPPING_NODE)
		return n->data.mapping.pairs.top == n->data.mapping.pairs.start;
	return n->type == YAML_SCALAR_NODE && !*scalar(n);
}

/* A key Falco has and vigil does without: its value is checked, then compared. */
static int apply_noeffect(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
			  const struct field *f)
{
	char shown[96];
	bool differs = false, b;
	double d;
	int iv;

	(void)doc;
	switch ((enum nkind)f->aux) {
	case N_BOOL:
		if (parse_bool(ld, n, &b))
			return -1;
		differs = b != !strcmp(f->dflt, "true");
		snprintf(shown, sizeof(shown), "%s", b ? "true" : "false");
		break;
	case N_NUM:
		if (parse_double(ld, n, &d))
			return -1;
		differs = d != strtod(f->dflt, NULL);
		snprintf(shown, sizeof(shown), "%s", scalar(n));
		break;
	case N_STR:
		if (!is_null(n) && n->type != YAML_SCALAR_NODE)
			return fail_node(ld, n, "expected a string, got %s", node_kind(n));
		differs = strcmp(is_null(n) ? "" : scalar(n), f->dflt) != 0;
		snprintf(shown, sizeof(shown), "'%.80s'", is_null(n) ? "" : scalar(n));
		break;
	case N_ENUM:
		if (parse_name(ld, n, f->names, &iv))
			return -1;
		differs = strcasecmp(f->names[iv], f->dflt) != 0;
		snprintf(shown, sizeof(shown), "'%s'", f->names[iv]);
		break;
	case N_LIST:
		if (!is_null(n) && n->type != YAML_SEQUENCE_NODE)
			return fail_node(ld, n, "expected a list, got %s", node_kind(n));
		differs = !empty_node(n);
		snprintf(shown, sizeof(shown), "a list that is not empty");
		break;
	case N_ANY:
		differs = !empty_node(n);
		snprintf(shown, sizeof(shown), "a value");
		break;
	case N_QUIET: return 0;
	}
	return note_noeffect(ld, n, differs, shown, f->doc);
}

/* grpc.enabled, grpc_output.enabled, webserver.ssl_enabled: false only */
static int apply_refused(struct loader *ld, yaml_node_t *n, const struct field *f)
{
	bool on;

	if (parse_bool(ld, n, &on) || !on)
		return on ? -1 : 0;
	if (f->aux)
		return fail_node(ld, n,
				 "TLS on the web server is not supported by vigil: keep it on "
				 "loopback or put a TLS proxy in front of it");
	return fail_node(ld, n,
			 "gRPC is not supported by vigil: use http_output (falcosidekick takes "
			 "vigil's alerts as it takes Falco's) or program_output instead");
}

/* load_plugins: plugins come with issue 15; a plugin asked for is never ignored */
static int apply_load_plugins(struct loader *ld, yaml_document_t *doc, yaml_node_t *n)
{
	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n, "expected a list of plugin names, got %s", node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = item(doc, it);

		if (want_scalar(ld, e, "a plugin name"))
			return -1;
		return fail_node(ld, e,
				 "plugins are not supported by vigil yet: '%s' cannot be loaded "
				 "(remove it from load_plugins)",
				 scalar(e));
	}
	return 0;
}

/* plugins: the shape Falco checks; nothing loads until load_plugins names one */
static int apply_plugins(struct loader *ld, yaml_document_t *doc, yaml_node_t *n)
{
	static const char *const keys[] = {"name", "library_path", "init_config", "open_params",
					   NULL};

	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n, "expected a list of plugins, got %s", node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = item(doc, it);
		bool has_name = false, has_lib = false;

		if (e->type != YAML_MAPPING_NODE)
			return fail_node(ld, e,
					 "expected a plugin (name, library_path, ...), got %s",
					 node_kind(e));
		for (yaml_node_pair_t *p = e->data.mapping.pairs.start;
		     p < e->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			yaml_node_t *v = yaml_document_get_node(doc, p->value);
			int iv;

			if (parse_name(ld, k, keys, &iv))
				return -1;
			if (iv <= 1 && want_scalar(ld, v, "a string"))
				return -1;
			if (iv == 3 && v->type != YAML_SCALAR_NODE)
				return fail_node(ld, v, "expected a string, got %s", node_kind(v));
			has_name |= iv == 0;
			has_lib |= iv == 1;
		}
		if (!has_name || !has_lib)
			return fail_node(ld, e, "a plugin needs a name and a library_path");
	}
	return 0;
}

/* engine.<kind>.buf_size_preset: 1 MB << (N-1), Falco's table; finish() applies it */
static int apply_preset(struct loader *ld, yaml_node_t *n, const struct field *f)
{
	uint64_t v;

	if (parse_number(ld, n, (struct vg_num_range){1, 10, false}, &v))
		return -1;
	ld->cfg->buf_size_preset[f->aux] = (uint32_t)v;
	return 0;
}

/* config_files: "path" or {path: P, strategy: append|override|add-only} */
static int apply_config_files(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
			      const struct field *f)
{
	char *base = (char *)ld->cfg;
	char ***list = (char ***)(base + f->off);
	size_t *cnt = (size_t *)(base + f->aux), total;

	if (ld->included || ld->col_base)
		return fail_node(ld, n,
				 "config_files is read from the main config file only (as in "
				 "Falco: no nested includes)");
	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n, "expected a list of files or directories, got %s",
				 node_kind(n));
	total = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	free_strlist(*list, *cnt);
	*list = NULL;
	*cnt = 0;
	free(ld->cf_strats);
	ld->cf_strats = calloc(total + 1, sizeof(int));
	*list = calloc(total + 1, sizeof(char *));
	if (!ld->cf_strats || !*list)
		return fail_node(ld, n, "out of memory");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = item(doc, it), *path = NULL;
		int strat = S_APPEND;

		if (e->type == YAML_MAPPING_NODE) {
			for (yaml_node_pair_t *p = e->data.mapping.pairs.start;
			     p < e->data.mapping.pairs.top; p++) {
				yaml_node_t *k = yaml_document_get_node(doc, p->key);
				yaml_node_t *v = yaml_document_get_node(doc, p->value);
				static const char *const keys[] = {"path", "strategy", NULL};
				int iv;

				if (parse_name(ld, k, keys, &iv))
					return -1;
				if (iv == 0)
					path = v;
				else if (parse_name(ld, v, strategies, &strat))
					return -1;
			}
			if (!path)
				return fail_node(ld, e, "an entry needs a path");
		} else {
			path = e;
		}
		if (want_scalar(ld, path, "a file or directory path") ||
		    dup_str(ld, path, &(*list)[*cnt]))
			return -1;
		ld->cf_strats[(*cnt)++] = strat;
	}
	return 0;
}

/* --- applying ------------------------------------------------------------- */

/* --- append_output (Falco >= 0.39) ----------------------------------------- */

static int dup_env_str(struct loader *ld, const yaml_node_t *n, const char *what, char **out)
{
	if (want_scalar(ld, n, what))
		return -1;
	free(*out);
	*out = NULL;
	return dup_str(ld, n, out); /* ${NAME} already expanded, for every scalar of the file */
}

static void free_appends(struct vg_append_output *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].source);
		free(a[i].rule);
		free_strlist(a[i].tags, a[i].ntags);
		free(a[i].extra_output);
		for (size_t k = 0; k < a[i].nfields; k++) {
			free(a[i].fields[k].key);
			free(a[i].fields[k].format);
		}
		free(a[i].fields);
	}
	free(a);
}

/* match: {source, rule, tags}: every one given must hold. */
static int parse_append_match(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
			      struct vg_append_output *a)
{
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return fail_node(ld, n, "match: expected a mapping of source, rule, tags; got %s",
				 node_kind(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *key = k->type == YAML_SCALAR_NODE ? scalar(k) : "";
		int rc;

		if (!strcmp(key, "source"))
			rc = dup_env_str(ld, v, "a source name", &a->source);
		else if (!strcmp(key, "rule"))
			rc = dup_env_str(ld, v, "a rule name", &a->rule);
		else if (!strcmp(key, "tags"))
			rc = parse_strlist(ld, doc, v, &a->tags, &a->ntags);
		else
			rc = fail_node(ld, k,
				       "unknown key in match: expected source, rule or tags");
		if (rc)
			return -1;
	}
	return 0;
}

/* extra_fields: each a field name, or a one-key mapping "name: format". */
static int parse_append_fields(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
			       struct vg_append_output *a)
{
	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n, "extra_fields: expected a list, got %s", node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = item(doc, it);
		struct vg_append_field *f = realloc(a->fields, (a->nfields + 1) * sizeof(*f));

		if (!f)
			return fail_node(ld, e, "out of memory");
		a->fields = f;
		f = &a->fields[a->nfields];
		memset(f, 0, sizeof(*f));
		if (e->type == YAML_SCALAR_NODE && !is_null(e)) {
			if (dup_str(ld, e, &f->key))
				return -1;
		} else if (e->type == YAML_MAPPING_NODE &&
			   e->data.mapping.pairs.top - e->data.mapping.pairs.start == 1) {
			yaml_node_t *k =
				yaml_document_get_node(doc, e->data.mapping.pairs.start->key);
			yaml_node_t *v =
				yaml_document_get_node(doc, e->data.mapping.pairs.start->value);

			a->nfields++; /* owned from here on: freed on failure too */
			if (want_scalar(ld, k, "a field name") || dup_str(ld, k, &f->key) ||
			    dup_env_str(ld, v, "an output format", &f->format))
				return -1;
			continue;
		} else {
			return fail_node(ld, e,
					 "each extra field is a field name or 'name: format'");
		}
		a->nfields++;
	}
	return 0;
}

/* One entry: match, extra_output, extra_fields, suggested_output. */
static int parse_append_entry(struct loader *ld, yaml_document_t *doc, yaml_node_t *e,
			      struct vg_append_output *a)
{
	if (e->type != YAML_MAPPING_NODE)
		return fail_node(ld, e,
				 "each append_output entry is a mapping (match, extra_output, "
				 "extra_fields, suggested_output), got %s",
				 node_kind(e));
	for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *key = k->type == YAML_SCALAR_NODE ? scalar(k) : "";
		int rc;

		if (!strcmp(key, "match"))
			rc = parse_append_match(ld, doc, v, a);
		else if (!strcmp(key, "extra_output"))
			rc = dup_env_str(ld, v, "an output format", &a->extra_output);
		else if (!strcmp(key, "extra_fields"))
			rc = parse_append_fields(ld, doc, v, a);
		else if (!strcmp(key, "suggested_output"))
			rc = parse_bool(ld, v, &a->suggested_output);
		else
			rc = fail_node(ld, k,
				       "unknown key: expected match, extra_output, extra_fields or "
				       "suggested_output");
		if (rc)
			return -1;
	}
	return 0;
}

static int parse_append(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
			struct vg_append_output **out, size_t *count)
{
	struct vg_append_output *l = NULL;
	size_t nl = 0;

	if (!is_null(n) && n->type != YAML_SEQUENCE_NODE)
		return fail_node(ld, n, "expected a list of append_output entries, got %s",
				 node_kind(n));
	for (yaml_node_item_t *it = is_null(n) ? NULL : n->data.sequence.items.start;
	     it && it < n->data.sequence.items.top; it++) {
		struct vg_append_output *g = realloc(l, (nl + 1) * sizeof(*g));

		if (!g) {
			free_appends(l, nl);
			return fail_node(ld, n, "out of memory");
		}
		l = g;
		memset(&l[nl], 0, sizeof(l[nl]));
		if (parse_append_entry(ld, doc, item(doc, it), &l[nl++])) {
			free_appends(l, nl);
			return -1;
		}
	}
	free_appends(*out, *count);
	*out = l;
	*count = nl;
	return 0;
}

/* config_files' append: the selectors of an included file come after the others */
static int append_rulesel(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
			  struct vg_rule_selector **sel, size_t *count)
{
	struct vg_rule_selector *more = NULL, *all;
	size_t nmore = 0;

	if (parse_rulesel(ld, doc, n, &more, &nmore))
		return -1;
	all = realloc(*sel, (*count + nmore + 1) * sizeof(*all));
	if (!all) {
		free_selectors(more, nmore);
		return fail_node(ld, n, "out of memory");
	}
	if (nmore) /* rules: [] has none (and no array to copy from) */
		memcpy(all + *count, more, nmore * sizeof(*more));
	free(more);
	*sel = all;
	*count += nmore;
	return 0;
}

static int apply_map(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
		     const struct field *fields);

static void path_push(struct loader *ld, const char *key, size_t *saved)
{
	size_t len = strlen(ld->path);

	*saved = len;
	snprintf(ld->path + len, sizeof(ld->path) - len, "%s%s", len ? "." : "", key);
}

static int apply_field(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
		       const struct field *f)
{
	char *base = (char *)ld->cfg;
	void *dst = base + f->off;
	const char *why;
	uint64_t u;
	int iv;

	switch (f->type) {
	case F_BOOL:
		if (parse_bool(ld, n, dst))
			return -1;
		/* asked for, not a default: a warning at start if it cannot be had */
		if (dst == &ld->cfg->self_protect)
			ld->cfg->self_protect_set = true;
		if (f->aux) {
			/* an output's "enabled": remembered to place later errors */
			ld->enabled_seen[f->aux - 1] = true;
			ld->enabled_mark[f->aux - 1] = n->start_mark;
			snprintf(ld->enabled_file[f->aux - 1], sizeof(ld->enabled_file[0]), "%s",
				 ld->file);
		}
		break;
	case F_U32:
		if (parse_u64(ld, n, UINT32_MAX, &u))
			return -1;
		*(uint32_t *)dst = (uint32_t)u;
		break;
	case F_MODE:
		if (parse_mode(ld, n, (uint32_t *)dst))
			return -1;
		break;
	case F_PORT:
		if (parse_number(ld, n, (struct vg_num_range){1, 65535, false}, &u))
			return -1;
		*(uint16_t *)dst = (uint16_t)u;
		break;
	case F_RETRIES:
		if (n->type == YAML_SCALAR_NODE && !strcmp(scalar(n), "-1")) {
			*(uint32_t *)dst = UINT32_MAX;
			break;
		}
		if (parse_u64(ld, n, UINT32_MAX - 1, &u))
			return -1;
		*(uint32_t *)dst = (uint32_t)u;
		break;
	case F_SIZE:
		if (parse_size(ld, n, dst))
			return -1;
		if (dst == &ld->cfg->ring_buffer_size)
			ld->cfg->ring_buffer_size_set = true;
		break;
	case F_DOUBLE:
		if (parse_double(ld, n, dst))
			return -1;
		break;
	case F_STR: {
		char **s = dst, *v = NULL;

		/* null and "" both mean "not set" */
		if (!is_null(n)) {
			if (n->type != YAML_SCALAR_NODE)
				return fail_node(ld, n, "expected a string, got %s", node_kind(n));
			if (*scalar(n) && dup_str(ld, n, &v))
				return -1;
		}
		free(*s);
		*s = v;
		if (s == &ld->cfg->metrics_listen_address)
			ld->cfg->metrics_listen_set = true;
		break;
	}
	case F_STRLIST: {
		char ***l = dst, **nl;
		size_t *cnt = (size_t *)(base + f->aux), nn;

		if (parse_strlist(ld, doc, n, &nl, &nn))
			return -1;
		if (ld->included && ld->strat == S_APPEND && nn) {
			/* config_files' append: a list adds to what is there */
			char **all = realloc(*l, (*cnt + nn) * sizeof(*all));

			if (!all) {
				free_strlist(nl, nn);
				return fail_node(ld, n, "out of memory");
			}
			memcpy(all + *cnt, nl, nn * sizeof(*nl));
			free(nl);
			*l = all;
			*cnt += nn;
			break;
		}
		free_strlist(*l, *cnt);
		*l = nl;
		*cnt = nn;
		break;
	}
	case F_PRIORITY:
		if (parse_priority(ld, n, dst))
			return -1;
		break;
	case F_ENUM:
		if (parse_name(ld, n, f->names, &iv))
			return -1;
		*(int *)dst = iv;
		break;
	case F_FORMAT:
		if (parse_name(ld, n, f->names, &iv))
			return -1;
		*(int *)dst = iv;
		*(int *)(base + f->aux) = 1;
		break;
	case F_FACILITY:
		if (parse_name(ld, n, facilities, &iv))
			return -1;
		if (iv == 0)
			return fail_node(ld, n,
					 "'kern' is the kernel's facility; use user, "
					 "daemon, auth, local0..local7, ...");
		*(int *)dst = iv;
		break;
	case F_DROP_ACTIONS:
		if (parse_drop_actions(ld, doc, n, dst))
			return -1;
		break;
	case F_SECTION: return apply_map(ld, doc, n, f->sub);
	case F_RULESEL:
		if (ld->included && ld->strat == S_APPEND)
			return append_rulesel(ld, doc, n, dst, (size_t *)(base + f->aux));
		return parse_rulesel(ld, doc, n, dst, (size_t *)(base + f->aux));
	case F_NOEFFECT: return apply_noeffect(ld, doc, n, f);
	case F_CONFIG_FILES: return apply_config_files(ld, doc, n, f);
	case F_PLUGINS: return apply_plugins(ld, doc, n);
	case F_LOAD_PLUGINS: return apply_load_plugins(ld, doc, n);
	case F_NO_GRPC: return apply_refused(ld, n, f);
	case F_PRESET: return apply_preset(ld, n, f);
	case F_HEADERS: return parse_headers(ld, doc, n, dst, (size_t *)(base + f->aux));
	case F_APPEND: return parse_append(ld, doc, n, dst, (size_t *)(base + f->aux));
	}
	if (f->check && (why = f->check(dst)))
		return fail_node(ld, n, "%s", why);
	return 0;
}

static const struct field *find_field(const struct field *fields, const char *key)
{
	for (const struct field *f = fields; f->key; f++)
		if (f->pattern ? !fnmatch(f->key, key, 0) : !strcmp(f->key, key))
			return f;
	return NULL;
}

static void known_keys(const struct field *fields, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (const struct field *f = fields; f->key; f++)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", f == fields ? "" : ", ",
			 f->key);
}

static int apply_map(struct loader *ld, yaml_document_t *doc, yaml_node_t *n,
		     const struct field *fields)
{
	bool seen[128] = {false};

	if (fields == webserver_fields)
		ld->cfg->webserver_seen = true; /* Falco's rules for the server apply */
	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return fail_node(ld, n, "expected a mapping, got %s", node_kind(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const struct field *f;
		size_t saved;
		int err;

		if (!k || !v)
			return fail_node(ld, n, "malformed mapping");
		if (k->type != YAML_SCALAR_NODE)
			return fail_node(ld, k, "a key must be a plain name, got %s", node_kind(k));
		f = find_field(fields, scalar(k));
		path_push(ld, scalar(k), &saved);
		if (!f) {
			char keys[512];

			known_keys(fields, keys, sizeof(keys));
			if (fields == top)
				return fail_node(ld, k,
						 "unknown key (vigil's keys and Falco's are in "
						 "docs/operations.md)");
			return fail_node(ld, k, "unknown key (known here: %s)", keys);
		}
		if (!f->pattern && seen[(f - fields) % 128])
			return fail_node(ld, k, "duplicate key");
		seen[(f - fields) % 128] = true;
		if (f->type == F_SECTION) {
			err = apply_field(ld, doc, v, f);
		} else if (ld->included && ld->strat == S_ADD_ONLY && key_was_set(ld)) {
			err = 0; /* config_files' add-only: a key already set stays */
		} else {
			err = apply_field(ld, doc, v, f);
			mark_set(ld);
		}
		ld->path[saved] = '\0';
		if (err)
			return -1;
	}
	return 0;
}

/* --- loading -------------------------------------------------------------- */

static int parse_doc(struct loader *ld, yaml_parser_t *p, yaml_document_t *doc)
{
	if (yaml_parser_load(p, doc))
		return 0;
	if (p->error == YAML_MEMORY_ERROR)
		return fail_plain(ld, "out of memory");
	if (p->context)
		return fail_at(ld, p->problem_mark, "%s %s", p->problem ? p->problem : "error",
			       p->context);
	return fail_at(ld, p->problem_mark, "%s", p->problem ? p->problem : "malformed YAML");
}

/*
 * Falco's environment expansion in scalar values (its yaml_helper): ${NAME}
 * is the variable's value, or nothing when it is unset; $${ is a literal ${;
 * ${} is nothing. Applied to every scalar before the keys read them.
 */
static char *expand_env_str(const char *v)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	while (*v) {
		const char *end = strchr(v + 2, '}');

		if (!strncmp(v, "$${", 3)) {
			fputs("${", f);
			v += 3;
		} else if (!strncmp(v, "${", 2) && end) {
			char name[256];
			const char *val;

			snprintf(name, sizeof(name), "%.*s", (int)(end - v - 2), v + 2);
			val = name[0] ? getenv(name) : NULL;
			fputs(val ? val : "", f);
			v = end + 1;
		} else {
			fputc(*v++, f);
		}
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int expand_env(struct loader *ld, yaml_document_t *doc)
{
	for (yaml_node_t *n = doc->nodes.start; n && n < doc->nodes.top; n++) {
		char *v;

		if (n->type != YAML_SCALAR_NODE || !strstr(scalar(n), "${"))
			continue;
		if (!(v = expand_env_str(scalar(n))))
			return fail_node(ld, n, "out of memory");
		free(n->data.scalar.value); /* libyaml's yaml_free is free() */
		n->data.scalar.value = (yaml_char_t *)v;
		n->data.scalar.length = strlen(v);
	}
	return 0;
}

static int load_file(struct loader *ld, const char *path, bool missing_ok)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	struct stat st;
	FILE *f = fopen(path, "re");
	int err = 0;

	ld->file = path;
	ld->line_base = 1;
	ld->col_base = 0;
	if (!f) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return fail_plain(ld, "cannot open: %s", strerror(errno));
	}
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(f);
		return fail_plain(ld, "not a regular file");
	}
	if (!yaml_parser_initialize(&p)) {
		fclose(f);
		return fail_plain(ld, "out of memory");
	}
	yaml_parser_set_input_file(&p, f);
	if (parse_doc(ld, &p, &doc)) {
		yaml_parser_delete(&p);
		fclose(f);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root)
		err = expand_env(ld, &doc) ? -1 : apply_map(ld, &doc, root, top);
	/* a second document would be silently ignored: refuse it */
	if (!err && root) {
		yaml_document_delete(&doc);
		if (parse_doc(ld, &p, &doc) == 0) {
			if (yaml_document_get_root_node(&doc))
				err = fail_node(ld, yaml_document_get_root_node(&doc),
						"a second YAML document is not allowed");
		} else {
			err = -1;
			memset(&doc, 0, sizeof(doc));
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	fclose(f);
	if (!err && !ld->included) {
		free(ld->cfg->loaded_from);
		ld->cfg->loaded_from = strdup(path);
	}
	return err;
}

static int add_source(struct loader *ld, const char *path)
{
	struct vg_config *c = ld->cfg;
	char **l = realloc(c->config_sources, (c->n_config_sources + 1) * sizeof(*l));

	if (!l)
		return fail_plain(ld, "out of memory");
	c->config_sources = l;
	if (!(l[c->n_config_sources] = strdup(path)))
		return fail_plain(ld, "out of memory");
	c->n_config_sources++;
	return 0;
}

static int yaml_name(const struct dirent *d)
{
	size_t l = strlen(d->d_name);

	/* dot files are editors' and ConfigMaps' (..data); Falco's rules take .yaml/.yml */
	return d->d_name[0] != '.' && ((l > 5 && !strcmp(d->d_name + l - 5, ".yaml")) ||
				       (l > 4 && !strcmp(d->d_name + l - 4, ".yml")));
}

/* One config_files entry: a file, or a directory's YAML files in alphabetical order. */
static int load_include(struct loader *ld, const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, err = 0;

	/* a path that does not exist (yet) is skipped, as Falco does; it is still watched */
	if (add_source(ld, path))
		return -1;
	if (stat(path, &st) != 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return load_file(ld, path, false);
	if (!S_ISDIR(st.st_mode)) {
		/* a FIFO would block the open: refuse it before */
		ld->file = path;
		return fail_plain(ld, "not a regular file or a directory");
	}
	n = scandir(path, &names, yaml_name, alphasort);
	if (n < 0) {
		ld->file = path;
		return fail_plain(ld, "cannot read the directory: %s", strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		char *file = NULL;

		if (!err && asprintf(&file, "%s/%s", path, names[i]->d_name) < 0) {
			ld->file = path;
			err = fail_plain(ld, "out of memory");
		}
		if (!err && !(stat(file, &st) == 0 && S_ISREG(st.st_mode)))
			; /* a directory named x.yaml: not a config file */
		else if (!err)
			err = load_file(ld, file, false);
		free(file);
		free(names[i]);
	}
	free(names);
	return err;
}

/* config_files, after the main file: relative paths from the main file's directory */
static int load_includes(struct loader *ld, const char *main_path)
{
	struct vg_config *c = ld->cfg;
	const char *slash = strrchr(main_path, '/');
	int dirlen = slash ? (int)(slash - main_path) : 1;
	const char *dir = slash ? main_path : ".";
	int err = 0;

	if (add_source(ld, main_path))
		return -1;
	ld->included = true;
	for (size_t i = 0; !err && i < c->n_config_files; i++) {
		char *p = NULL;

		ld->strat = (enum strategy)ld->cf_strats[i];
		if (c->config_files[i][0] == '/')
			p = strdup(c->config_files[i]);
		else if (asprintf(&p, "%.*s/%s", slash == main_path ? 0 : dirlen, dir,
				  c->config_files[i]) < 0)
			p = NULL;
		if (!p) {
			ld->file = main_path;
			return fail_plain(ld, "out of memory");
		}
		/* the error names the file; the list keeps the resolved path for the watch */
		free(c->config_files[i]);
		c->config_files[i] = p;
		err = load_include(ld, p);
	}
	ld->included = false;
	return err;
}

static int apply_override(struct loader *ld, const char *arg, size_t idx)
{
	const char *eq = strchr(arg, '=');
	const struct field *fields = top, *f = NULL;
	char file[32], key[128];
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	int err;

	snprintf(file, sizeof(file), "-o #%zu", idx + 1);
	ld->file = file;
	ld->line_base = 1;
	ld->path[0] = '\0';
	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(key))
		return fail_plain(ld, "'%s' is not key.path=value", arg);
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	ld->col_base = (unsigned)(eq - arg) + 1;
	ld->value_len = strlen(eq + 1);
	for (char *seg = key, *next; seg; seg = next) {
		size_t saved;

		next = strchr(seg, '.');
		if (next)
			*next++ = '\0';
		if (!fields)
			return fail_plain(ld, "%s is not a section", ld->path);
		f = find_field(fields, seg);
		path_push(ld, seg, &saved);
		if (!f) {
			char keys[512];

			known_keys(fields, keys, sizeof(keys));
			if (fields == top)
				return fail_plain(ld, "unknown key (vigil's keys and Falco's are "
						      "in docs/operations.md)");
			return fail_plain(ld, "unknown key (known here: %s)", keys);
		}
		fields = f->type == F_SECTION ? f->sub : NULL;
	}
	if (!yaml_parser_initialize(&p))
		return fail_plain(ld, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)eq + 1, strlen(eq + 1));
	if (parse_doc(ld, &p, &doc)) {
		yaml_parser_delete(&p);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		/* "-o key=" : an empty value, as YAML would read "key:" */
		yaml_document_delete(&doc);
		yaml_document_initialize(&doc, NULL, NULL, NULL, 1, 1);
		yaml_document_add_scalar(&doc, NULL, (yaml_char_t *)"", 0, YAML_PLAIN_SCALAR_STYLE);
		root = yaml_document_get_root_node(&doc);
	}
	if (!root)
		err = fail_plain(ld, "out of memory");
	else
		err = expand_env(ld, &doc) ? -1 : apply_field(ld, &doc, root, f);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return err;
}

/*
 * Falco's keys that map onto vigil's settings:
 * - outputs_queue.capacity 0 is Falco's "unbounded": vigil stays bounded (4096);
 * - engine.<kind>.buf_size_preset sizes the ring buffer unless ring_buffer_size is given;
 * - with a webserver section, Falco's rules for the server: webserver.enabled runs it,
 *   /metrics answers when metrics.enabled and webserver.prometheus_metrics_enabled,
 *   and it listens on listen_address:listen_port (metrics.listen_address wins if given).
 *   Without one, vigil's: metrics.enabled runs it, with /metrics.
 */
static int finish_falco(struct loader *ld)
{
	struct vg_config *c = ld->cfg;
	/* engine.kind's index in engine_kinds is not kept: the preset of modern_ebpf, ebpf, kmod */
	static const int order[] = {2, 1, 0};

	if (!c->outputs_queue_size)
		c->outputs_queue_size = 4096;
	for (int i = 0; i < 3 && !c->ring_buffer_size_set; i++) {
		if (c->buf_size_preset[order[i]]) {
			c->ring_buffer_size = (1ull << 20) << (c->buf_size_preset[order[i]] - 1);
			break;
		}
	}
	c->metrics_serve = c->metrics_enabled;
	c->metrics_prometheus = true;
	if (!c->webserver_seen)
		return 0;
	c->metrics_serve = c->webserver_enabled;
	c->metrics_prometheus = c->metrics_enabled && c->prometheus_enabled;
	if (!c->metrics_listen_set) {
		const char *a = c->webserver_address ? c->webserver_address : "0.0.0.0";
		char *addr = NULL;

		if (asprintf(&addr, strchr(a, ':') ? "[%s]:%u" : "%s:%u", a, c->webserver_port) <
		    0) {
			ld->file = c->loaded_from ? c->loaded_from : "config";
			return fail_plain(ld, "out of memory");
		}
		free(c->metrics_listen_address);
		c->metrics_listen_address = addr;
	}
	return 0;
}

/* Settings that depend on others, and what an enabled output cannot do without. */
static int finish(struct loader *ld)
{
	struct vg_config *c = ld->cfg;
	static const char *const need[VG_OUTPUT__KINDS] = {
		[VG_OUTPUT_FILE] = "filename",
		[VG_OUTPUT_HTTP] = "url",
		[VG_OUTPUT_PROGRAM] = "program",
		[VG_OUTPUT_NATS] = "urls",
	};
	static const char *const section[VG_OUTPUT__KINDS] = {"stdout_output",	"file_output",
							      "syslog_output",	"http_output",
							      "program_output", "nats_output"};

	if (finish_falco(ld) != 0)
		return -1;
	for (int k = 0; k < VG_OUTPUT__KINDS; k++) {
		struct vg_output_config *o = &c->outputs[k];
		const char *v = NULL;

		if (!c->output_format_set[k])
			o->format = c->json_output ? VG_FORMAT_JSON : VG_FORMAT_TEXT;
		if (!o->queue_size)
			o->queue_size = c->outputs_queue_size;
		if (!o->queue_max_bytes)
			o->queue_max_bytes = c->outputs_queue_bytes;
		if (o->enabled && o->queue_max_bytes < c->outputs_max_alert_bytes) {
			snprintf(ld->path, sizeof(ld->path), "%s.queue_max_bytes", section[k]);
			ld->file = c->loaded_from ? c->loaded_from : "config";
			return fail_plain(ld,
					  "%s's queue (%llu bytes) must hold at least one alert of "
					  "outputs_queue.max_alert_bytes (%llu)",
					  section[k], (unsigned long long)o->queue_max_bytes,
					  (unsigned long long)c->outputs_max_alert_bytes);
		}
		if (!o->enabled || !need[k])
			continue;
		switch (k) {
		case VG_OUTPUT_FILE: v = o->file.path; break;
		case VG_OUTPUT_HTTP: v = o->http.url; break;
		case VG_OUTPUT_PROGRAM: v = o->program.command; break;
		case VG_OUTPUT_NATS: v = o->nats.n_urls ? o->nats.urls[0] : NULL; break;
		}
		if (v && *v)
			continue;
		snprintf(ld->path, sizeof(ld->path), "%s.%s", section[k], need[k]);
		if (ld->enabled_seen[k]) {
			ld->file = ld->enabled_file[k];
			ld->line_base = 1;
			ld->col_base = 0;
			return fail_at(ld, ld->enabled_mark[k], "%s is enabled but has no %s",
				       section[k], need[k]);
		}
		ld->file = c->loaded_from ? c->loaded_from : "config";
		return fail_plain(ld, "%s is enabled but has no %s", section[k], need[k]);
	}
	return 0;
}

static int set_str(char **dst, const char *v)
{
	*dst = strdup(v);
	return *dst ? 0 : -1;
}

/* The names that usually hold secrets, for `--env=redacted`. */
static int set_env_patterns(struct vg_config *c)
{
	static const char *const pats[] = {"*TOKEN*",	"*SECRET*",	"*PASSWORD*", "*PASSWD*",
					   "*KEY*",	"*CREDENTIAL*", "*AUTH*",     "*COOKIE*",
					   "*SESSION*", "AWS_*"};
	size_t n = sizeof(pats) / sizeof(pats[0]);
	int err = 0;

	c->env_redact_patterns = calloc(n, sizeof(*c->env_redact_patterns));
	if (!c->env_redact_patterns)
		return -1;
	c->n_env_redact_patterns = n;
	for (size_t i = 0; i < n; i++)
		err |= set_str(&c->env_redact_patterns[i], pats[i]);
	return err;
}

/* container_engines: a host install's paths; HOST_ROOT as Falco's images set it */
static int ce_defaults(struct vg_container_engines *e)
{
	const char *hr = getenv("HOST_ROOT");
	int err = 0;

	if (hr && hr[0])
		err |= set_str(&e->host_root, hr);
	err |= set_str(&e->docker_root, "/var/lib/docker");
	err |= set_str(&e->docker_socket, "/run/docker.sock");
	err |= set_str(&e->containerd_state_dir, "/run/containerd/io.containerd.runtime.v2.task");
	err |= set_str(&e->containerd_socket, "/run/containerd/containerd.sock");
	err |= set_str(&e->crio_runroot, "/run/containers/storage");
	err |= set_str(&e->podman_root, "/var/lib/containers/storage");
	err |= set_str(&e->podman_socket, "/run/podman/podman.sock");
	err |= set_str(&e->runc_root, "/run/runc");
	return err;
}

static void ce_free(struct vg_container_engines *e)
{
	char **all[] = {&e->host_root,	       &e->docker_root,
			&e->docker_socket,     &e->containerd_state_dir,
			&e->containerd_socket, &e->crio_runroot,
			&e->podman_root,       &e->podman_socket,
			&e->runc_root};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(*all[i]);
}

int vg_config_defaults(struct vg_config *c)
{
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->rules_files = calloc(1, sizeof(*c->rules_files));
	if (!c->rules_files)
		return -1;
	err |= set_str(&c->rules_files[0], VIGIL_DEFAULT_RULES);
	c->n_rules_files = 1;
	c->priority = 7;
	c->rule_matching = VG_RULE_MATCHING_FIRST;
	c->enforce = 2; /* on: a rule's action is what its author asked for */
	c->self_protect = true;
	c->confine = true;
	c->ring_buffer_size = 8u << 20;
	c->process_table_size = 0; /* from the host's pid_max */
	c->process_table_max_bytes = VG_PROC_BYTES_DEFAULT;
	c->sequence_state_max_bytes = 64ull << 20; /* VG_SEQ_DEFAULT_BYTES (rules/seq.h) */
	/* Falco's defaults */
	c->drops.threshold = 0.1;
	c->drops.actions = VG_DROP_LOG | VG_DROP_ALERT;
	c->drops.rate = 0.03333;
	c->drops.max_burst = 1;
	c->json_output = true;
	c->json_include_output_property = true;
	c->json_include_tags_property = true;
	c->json_include_output_fields_property = true;
	c->append_output = NULL;
	c->outputs_queue_size = 4096;
	c->outputs_queue_bytes = VG_OUTPUT_DEFAULT_QUEUE_BYTES;
	c->outputs_total_bytes = VG_OUTPUT_DEFAULT_TOTAL_BYTES;
	c->outputs_max_alert_bytes = VG_OUTPUT_DEFAULT_MAX_ALERT;
	c->outputs_drain_ms = VG_OUTPUT_DEFAULT_DRAIN_MS;
	for (int k = 0; k < VG_OUTPUT__KINDS; k++) {
		struct vg_output_config *o = &c->outputs[k];

		o->kind = (enum vg_output_kind)k;
		o->min_priority = 7;
		o->retry_initial_ms = 250;
		o->retry_max_ms = 30000;
		o->max_retries = 10;
	}
	c->outputs[VG_OUTPUT_STDOUT].enabled = true;
	c->outputs[VG_OUTPUT_STDOUT].std.fd = 1;
	err |= set_str((char **)&c->outputs[VG_OUTPUT_FILE].file.path,
		       "/var/log/vigil/alerts.json");
	c->outputs[VG_OUTPUT_FILE].file.max_bytes = 100ull << 20;
	c->outputs[VG_OUTPUT_FILE].file.keep = 5;
	c->outputs[VG_OUTPUT_FILE].file.mode = 0600;
	c->outputs[VG_OUTPUT_SYSLOG].syslog.transport = VG_SYSLOG_UNIX;
	/* address: none, so that each transport gets its own default (/dev/log, 127.0.0.1) */
	c->outputs[VG_OUTPUT_SYSLOG].syslog.port = 514;
	c->outputs[VG_OUTPUT_SYSLOG].syslog.facility = 16;
	err |= set_str((char **)&c->outputs[VG_OUTPUT_SYSLOG].syslog.app_name, "vigil");
	c->outputs[VG_OUTPUT_SYSLOG].syslog.timeout_ms = 5000;
	c->outputs[VG_OUTPUT_HTTP].http.batch = VG_HTTP_BATCH_NONE;
	c->outputs[VG_OUTPUT_HTTP].http.batch_max = 100;
	c->outputs[VG_OUTPUT_HTTP].http.timeout_ms = 10000;
	c->rate_limit.enabled = false;
	c->rate_limit.rate = 1.0;
	c->rate_limit.burst = 10;
	c->rate_limit.summary_interval_s = 60;
	c->rate_limit.max_keys = 16384;
	c->metrics_enabled = true;
	c->metrics_connection_limit = 1024;
	c->metrics_per_ip_connection_limit = 0;
	c->metrics_connection_timeout = 3;
	c->file_keep_alive = true;
	c->program_keep_alive = true;
	c->watch_config_files = true;
	c->webserver_enabled = true;
	c->webserver_port = 8765;
	err |= set_str(&c->webserver_address, "0.0.0.0");
	err |= set_str(&c->healthz_path, "/healthz");
	/* Falco's defaults; vigil keeps the connection (keep_alive) unless told not to */
	c->outputs[VG_OUTPUT_HTTP].http.keep_alive = true;
	err |= set_str((char **)&c->outputs[VG_OUTPUT_HTTP].http.client_cert,
		       "/etc/ssl/certs/client.crt");
	err |= set_str((char **)&c->outputs[VG_OUTPUT_HTTP].http.client_key,
		       "/etc/ssl/certs/client.key");
	err |= set_str(&c->metrics_listen_address, "127.0.0.1:8765");
	err |= nats_defaults(c);
	err |= set_env_patterns(c);
	err |= ce_defaults(&c->container_engines);
	return err ? -1 : 0;
}

void vg_config_free(struct vg_config *c)
{
	struct vg_output_config *o = c->outputs;

	free_strlist(c->rules_files, c->n_rules_files);
	free_strlist(c->env_redact_patterns, c->n_env_redact_patterns);
	free_selectors(c->rule_selectors, c->n_rule_selectors);
	free_appends(c->append_output, c->n_append_output);
	free((char *)o[VG_OUTPUT_FILE].file.path);
	free((char *)o[VG_OUTPUT_SYSLOG].syslog.address);
	free((char *)o[VG_OUTPUT_SYSLOG].syslog.app_name);
	free((char *)o[VG_OUTPUT_HTTP].http.url);
	free((char *)o[VG_OUTPUT_HTTP].http.user_agent);
	free_headers(o[VG_OUTPUT_HTTP].http.headers, &o[VG_OUTPUT_HTTP].http.n_headers);
	free((char *)o[VG_OUTPUT_HTTP].http.bearer_token);
	free((char *)o[VG_OUTPUT_HTTP].http.basic_auth);
	free((char *)o[VG_OUTPUT_HTTP].http.ca_file);
	free((char *)o[VG_OUTPUT_HTTP].http.ca_path);
	free((char *)o[VG_OUTPUT_HTTP].http.ca_bundle);
	free((char *)o[VG_OUTPUT_HTTP].http.client_cert);
	free((char *)o[VG_OUTPUT_HTTP].http.client_key);
	free(c->webserver_address);
	free(c->healthz_path);
	free_strlist(c->config_files, c->n_config_files);
	free_strlist(c->config_sources, c->n_config_sources);
	free_strlist(c->warnings, c->n_warnings);
	free_strlist(c->warning_keys, c->n_warnings);
	free((char *)o[VG_OUTPUT_PROGRAM].program.command);
	nats_free(c);
	free(c->metrics_listen_address);
	ce_free(&c->container_engines);
	free(c->loaded_from);
	memset(c, 0, sizeof(*c));
}

static void loader_free(struct loader *ld)
{
	free_strlist(ld->set_keys, ld->n_set_keys);
	free(ld->cf_strats);
}

int vg_config_load(struct vg_config *cfg, const char *path, char *const *overrides, size_t n,
		   struct vg_config_err *err)
{
	struct loader ld = {.cfg = cfg, .err = err};

	if (err)
		memset(err, 0, sizeof(*err));
	if (vg_config_defaults(cfg) != 0) {
		ld.file = path ? path : "config";
		fail_plain(&ld, "out of memory");
		goto fail;
	}
	if (path && load_file(&ld, path, !strcmp(path, VG_CONFIG_DEFAULT_PATH)) != 0)
		goto fail;
	if (path && cfg->loaded_from && load_includes(&ld, path) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (apply_override(&ld, overrides[i], i) != 0)
			goto fail;
	if (finish(&ld) != 0)
		goto fail;
	loader_free(&ld);
	return 0;
fail:
	loader_free(&ld);
	vg_config_free(cfg);
	return -1;
}

void vg_config_print_warnings(const struct vg_config *cfg, FILE *f)
{
	for (size_t i = 0; i < cfg->n_warnings; i++)
		fprintf(f, "vigil: warning: %s\n", cfg->warnings[i]);
}

void vg_config_print_new_warnings(const struct vg_config *before, const struct vg_config *cfg,
				  FILE *f)
{
	for (size_t i = 0; i < cfg->n_warnings; i++) {
		bool seen = false;

		for (size_t j = 0; before && j < before->n_warnings && !seen; j++)
			seen = !strcmp(before->warnings[j], cfg->warnings[i]);
		if (!seen)
			fprintf(f, "vigil: warning: %s\n", cfg->warnings[i]);
	}
}

void vg_config_outputs(const struct vg_config *cfg, struct vg_outputs_config *out)
{
	out->outputs = cfg->outputs;
	out->n = VG_OUTPUT__KINDS;
	out->max_alert_bytes = cfg->outputs_max_alert_bytes;
	out->total_max_bytes = cfg->outputs_total_bytes;
	out->drain_ms = cfg->outputs_drain_ms;
}

bool vg_config_rule_enabled(const struct vg_config *cfg, const char *name, int priority,
			    const char *const *tags, size_t ntags, bool enabled_in_file)
{
	bool on = enabled_in_file;

	for (size_t i = 0; i < cfg->n_rule_selectors; i++) {
		const struct vg_rule_selector *s = &cfg->rule_selectors[i];
		bool match = false;

		if (s->by_tag) {
			for (size_t t = 0; t < ntags && !match; t++)
				match = tags[t] && !strcmp(tags[t], s->pattern);
		} else {
			match = fnmatch(s->pattern, name, 0) == 0;
		}
		if (match)
			on = s->enable;
	}
	return on && priority <= cfg->priority;
}

/* --- dump ----------------------------------------------------------------- */

static void put_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < ' ')
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void dump_fields(const struct vg_config *c, const struct field *fields, int depth, FILE *f)
{
	const char *base = (const char *)c;

	for (const struct field *fl = fields; fl->key; fl++) {
		const void *v = base + fl->off;

		/* Falco's keys without a stored value, and aliases, are not settings to print */
		if (fl->alias || fl->type == F_NOEFFECT || fl->type == F_PLUGINS ||
		    fl->type == F_LOAD_PLUGINS || fl->type == F_NO_GRPC || fl->type == F_PRESET)
			continue;
		/* a webserver section switches the server to Falco's rules: only when given */
		if (fl->sub == webserver_fields && !c->webserver_seen)
			continue;
		fprintf(f, "%*s%s:", depth * 2, "", fl->key);
		switch (fl->type) {
		case F_BOOL: fprintf(f, " %s", *(const bool *)v ? "true" : "false"); break;
		case F_U32: fprintf(f, " %u", *(const uint32_t *)v); break;
		case F_PORT: fprintf(f, " %u", *(const uint16_t *)v); break;
		case F_MODE: fprintf(f, " 0%o", *(const uint32_t *)v); break;
		case F_RETRIES:
			if (*(const uint32_t *)v == UINT32_MAX)
				fputs(" -1", f);
			else
				fprintf(f, " %u", *(const uint32_t *)v);
			break;
		case F_SIZE: fprintf(f, " %llu", (unsigned long long)*(const uint64_t *)v); break;
		case F_DOUBLE: fprintf(f, " %.17g", *(const double *)v); break;
		case F_STR:
			fputc(' ', f);
			put_str(f, fl->secret && *(char *const *)v && **(char *const *)v
					   ? "***"
					   : *(char *const *)v);
			break;
		case F_STRLIST:
		case F_CONFIG_FILES: { /* the paths, as a list of strings */
			char *const *l = *(char **const *)v;
			size_t n = *(const size_t *)(base + fl->aux);

			fputs(" [", f);
			for (size_t i = 0; i < n; i++) {
				fputs(i ? ", " : "", f);
				put_str_url(f, l[i], fl->secret);
			}
			fputc(']', f);
			break;
		}
		case F_PRIORITY: fprintf(f, " %s", priorities[*(const int *)v & 7]); break;
		case F_ENUM:
		case F_FORMAT: fprintf(f, " %s", fl->names[*(const int *)v]); break;
		case F_DROP_ACTIONS: {
			unsigned bits = *(const unsigned *)v;
			int k = 0;

			fputs(" [", f);
			for (int i = 0; i < 3; i++)
				if (bits & (1u << i))
					fprintf(f, "%s%s", k++ ? ", " : "", drop_actions[i]);
			fputc(']', f);
			break;
		}
		case F_FACILITY: fprintf(f, " %s", facilities[*(const int *)v % 24]); break;
		case F_NOEFFECT:
		case F_PLUGINS:
		case F_LOAD_PLUGINS:
		case F_NO_GRPC:
		case F_PRESET: break;
		case F_SECTION:
			fputc('\n', f);
			dump_fields(c, fl->sub, depth + 1, f);
			continue;
		case F_RULESEL: {
			const struct vg_rule_selector *s = *(struct vg_rule_selector *const *)v;
			size_t n = *(const size_t *)(base + fl->aux);

			fputs(n ? "\n" : " []", f);
			for (size_t i = 0; i < n; i++) {
				fprintf(f, "%*s- %s: {%s: ", depth * 2 + 2, "",
					s[i].enable ? "enable" : "disable",
					s[i].by_tag ? "tag" : "rule");
				put_str(f, s[i].pattern);
				fputs(i + 1 < n ? "}\n" : "}", f);
			}
			break;
		}
		case F_APPEND: {
			const struct vg_append_output *ap = *(struct vg_append_output *const *)v;
			size_t n = *(const size_t *)(base + fl->aux);

			fputs(n ? "\n" : " []", f);
			for (size_t i = 0; i < n; i++) {
				fprintf(f, "%*s- {match: {source: ", depth * 2 + 2, "");
				put_str(f, ap[i].source ? ap[i].source : "");
				fputs(", rule: ", f);
				put_str(f, ap[i].rule ? ap[i].rule : "");
				fputs(", tags: [", f);
				for (size_t k = 0; k < ap[i].ntags; k++) {
					fputs(k ? ", " : "", f);
					put_str(f, ap[i].tags[k]);
				}
				fputs("]}, extra_output: ", f);
				put_str(f, ap[i].extra_output ? ap[i].extra_output : "");
				fputs(", extra_fields: [", f);
				for (size_t k = 0; k < ap[i].nfields; k++) {
					fputs(k ? ", " : "", f);
					put_str(f, ap[i].fields[k].key);
					if (ap[i].fields[k].format) {
						fputs(": ", f);
						put_str(f, ap[i].fields[k].format);
					}
				}
				fprintf(f, "], suggested_output: %s}",
					ap[i].suggested_output ? "true" : "false");
				if (i + 1 < n)
					fputc('\n', f);
			}
			break;
		}
		case F_HEADERS: {
			const char *const *h = v;
			size_t n = *(const size_t *)(base + fl->aux);

			fputs(n ? "\n" : " {}", f);
			for (size_t i = 0; i < n; i++) {
				const char *colon = strchr(h[i], ':');

				fprintf(f, "%*s%.*s: ", depth * 2 + 2, "", (int)(colon - h[i]),
					h[i]);
				put_str(f, colon + 2);
				if (i + 1 < n)
					fputc('\n', f);
			}
			break;
		}
		}
		fputc('\n', f);
	}
}

void vg_config_dump(const struct vg_config *cfg, FILE *f)
{
	dump_fields(cfg, top, 0, f);
}

/* One top-level key of cfg as the dump writes it (malloc'd), or NULL on OOM. */
static char *dump_one(const struct vg_config *cfg, const struct field *fl)
{
	struct field one[2] = {*fl, {0}};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	dump_fields(cfg, one, 0, f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

size_t vg_config_changed_keys(const struct vg_config *a, const struct vg_config *b, char *out,
			      size_t cap)
{
	size_t n = 0, len = 0;

	if (cap)
		out[0] = '\0';
	for (const struct field *fl = top; fl->key; fl++) {
		char *ta = dump_one(a, fl), *tb = dump_one(b, fl);
		bool differ = !ta || !tb || strcmp(ta, tb) != 0;

		free(ta);
		free(tb);
		if (!differ)
			continue;
		n++;
		if (cap > len) {
			int w = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", fl->key);

			len += w > 0 ? (size_t)w : 0;
		}
	}
	return n;
}
