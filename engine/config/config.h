/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vigil's YAML configuration (/etc/vigil/vigil.yaml, `-c FILE`), with
 * `-o key.path=value` overrides. Every setting has a default; unknown keys,
 * wrong types and out-of-range values are errors that name
 * file:line:column and the key path. Key names follow Falco's falco.yaml
 * where Falco has the setting (rules_files, priority, rules, rule_matching,
 * json_output, outputs_queue, *_output), so a Falco user finds them.
 */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "delivery/outputs.h"
#include "ratelimit/ratelimit.h"
#include "rules/compile.h"

#define VG_CONFIG_DEFAULT_PATH "/etc/vigil/vigil.yaml"

enum vg_rule_matching {
	VG_RULE_MATCHING_FIRST, /* stop at the first rule that matches an event */
	VG_RULE_MATCHING_ALL,	/* alert for every rule that matches */
};

/* One entry of `rules:`, applied in order after the rules are loaded. */
struct vg_rule_selector {
	bool enable; /* enable, or disable */
	bool by_tag; /* pattern is a tag name; else a glob over rule names */
	char *pattern;
};

/* syscall_event_drops.actions, as bits */
enum { VG_DROP_LOG = 1, VG_DROP_ALERT = 2, VG_DROP_EXIT = 4 };

/* Falco's syscall_event_drops: what to do when the kernel drops events. */
struct vg_drops_config {
	double threshold; /* act when drops / events in a second exceed it */
	unsigned actions; /* VG_DROP_* */
	double rate;	  /* token bucket: actions per second */
	double max_burst; /* and at once */
	bool simulate;	  /* act each second as if there were drops */
};

/*
 * container_engines: where each container runtime keeps its state and
 * socket, as paths on the host; host_root goes before every one of them (a
 * pod that mounts the host's /run at /host/run). NULL socket: that API is
 * off; NULL directory: the built-in default.
 */
struct vg_container_engines {
	char *host_root; /* default: $HOST_ROOT (Falco's variable), else none */
	char *docker_root, *docker_socket;
	char *containerd_state_dir, *containerd_socket;
	char *crio_runroot;
	char *podman_root, *podman_socket;
	char *runc_root;
};

struct vg_config {
	char **rules_files; /* files or directories */
	size_t n_rules_files;
	int priority; /* load rules with priority <= this (0=emergency .. 7=debug) */
	struct vg_rule_selector *rule_selectors;
	size_t n_rule_selectors;
	enum vg_rule_matching rule_matching;
	int enforce;		   /* enum vg_enf_mode: off, audit, on */
	bool self_protect;	   /* where BPF LSM is active */
	bool self_protect_set;	   /* self_protect given in the file or -o, not the default */
	bool confine;		   /* drop capabilities, NoNewPrivs, seccomp after start-up */
	uint64_t ring_buffer_size; /* bytes, a power of two */
	uint32_t process_table_size;
	bool json_output;		  /* the default format of every output */
	uint32_t outputs_queue_size;	  /* the default queue of every output */
	uint64_t outputs_queue_bytes;	  /* the default byte bound of every output's queue */
	uint64_t outputs_total_bytes;	  /* all outputs' queued alerts together */
	uint64_t outputs_max_alert_bytes; /* bigger alerts are refused (oversize) */
	uint32_t outputs_drain_ms;	  /* shutdown: time to deliver what is queued */
	/* indexed by enum vg_output_kind; strings are owned by the config */
	struct vg_output_config outputs[VG_OUTPUT__KINDS];
	struct vg_ratelimit_config rate_limit;
	bool metrics_enabled;
	char *metrics_listen_address;
	uint32_t metrics_connection_limit;	  /* see struct vg_metrics_limits */
	uint32_t metrics_per_ip_connection_limit; /* 0 = no per-address cap */
	uint32_t metrics_connection_timeout;	  /* seconds of silence before a close */
	bool ring_buffer_size_set;   /* given: engine.*.buf_size_preset does not override it */
	uint32_t buf_size_preset[3]; /* engine.{kmod,ebpf,modern_ebpf}.buf_size_preset, 0 = unset */
	bool file_keep_alive;	     /* Falco's key, accepted: vigil always keeps files open */
	bool program_keep_alive;     /* Falco's key, accepted: vigil always keeps the command */
	/* `vigil events`/`capture --env=redacted`: names whose values are hidden (fnmatch) */
	char **env_redact_patterns;
	size_t n_env_redact_patterns;

	/* process_table_size 0: from the host's pid_max (state/proc_table.h) */
	uint64_t process_table_max_bytes;  /* the strings its entries hold */
	struct vg_drops_config drops;	   /* syscall_event_drops (cli/drop_watch.h) */
	uint64_t sequence_state_max_bytes; /* sequence and threshold rules' state, all rules */
	struct vg_container_engines container_engines;

	/* Falco's web server (webserver:), mapped onto the metrics server (docs/operations.md) */
	bool webserver_seen;	 /* the files or -o had a webserver section: Falco's rules apply */
	bool webserver_enabled;	 /* serve /healthz, /version (and /metrics, see below) */
	uint32_t webserver_port; /* webserver.listen_port */
	char *webserver_address; /* webserver.listen_address (an IPv4 or IPv6 address) */
	char *healthz_path;	 /* webserver.k8s_healthz_endpoint, default /healthz */
	bool prometheus_enabled; /* webserver.prometheus_metrics_enabled */
	bool metrics_listen_set; /* metrics.listen_address given: it wins over webserver's */
	bool metrics_serve;	 /* effective: run the metrics/health server */
	bool metrics_prometheus; /* effective: answer /metrics (else 404) */

	/* config_files (Falco's): more config files, loaded after this one, in order */
	char **config_files; /* as written, relative ones resolved against the main file's dir */
	size_t n_config_files;
	bool watch_config_files; /* reload on a change of a config or rules file (SIGHUP always) */
	bool watch_unimplemented_syscalls; /* raw sys_exit for syscalls this kernel lacks */
	uint32_t priority_boost; /* nice steps vigil's threads are raised by (auditd's key) */
	char **config_sources;	 /* every config file loaded, the main one first (for the watch) */
	size_t n_config_sources;

	/*
	 * Falco keys accepted without effect that the user set to another value
	 * than Falco's default: one line each, "file:line:col: key: ...". The
	 * callers print them (run at start-up, validate, --dry-run).
	 */
	char **warnings;
	char **warning_keys; /* the key path of each, so a later file replaces it */
	size_t n_warnings;

	/*
	 * fleet: rules from a JetStream key-value bucket (docs/fleet.md), over
	 * nats_output's connection settings. Keys fleet.NAME, group.GROUP and
	 * host.HOST are written as files into rules_dir (which rules_files must
	 * name), and the reload takes them all or nothing; config.fleet.NAME,
	 * config.group.GROUP and config.host.HOST (YAML overrides of the keys a
	 * reload applies live) into config_dir (which config_files must name).
	 */
	struct {
		bool enabled;
		char *bucket;	      /* default "vigil_rules" */
		char *name;	      /* this fleet; default "default" */
		char *group;	      /* this host's group; "" = none */
		char *host;	      /* default: nats_output.host, else the host name */
		char *rules_dir;      /* default /var/lib/vigil/fleet-rules */
		char *config_dir;     /* default /var/lib/vigil/fleet-config */
		char *status_bucket;  /* heartbeats: host.HOST; default "vigil_hosts" */
		uint32_t heartbeat_s; /* default 10; 0 = none */
	} fleet;

	/* internal: what the file set explicitly, so defaults can follow json_output */
	int output_format_set[VG_OUTPUT__KINDS];
	/* Falco's alert shape (alert/alert.h) and append_output (rules/compile.h) */
	bool json_include_output_property;
	bool json_include_tags_property;
	bool json_include_message_property;
	bool json_include_output_fields_property;
	bool time_format_iso_8601;
	struct vg_append_output *append_output;
	size_t n_append_output;
	int unsupported_fields; /* enum vg_unsupported_fields: error (default) or warn */
	char *loaded_from;	/* the file these settings came from, or NULL */
	/* plugins: (Falco's): name, library_path, init_config of each, by index */
	char **plugin_names, **plugin_paths, **plugin_configs;
	size_t n_plugins;
	char **load_plugins; /* the names of plugins: to load, in order */
	size_t n_load_plugins;
};

struct vg_config_err {
	char file[256];	 /* the config file, or "-o #N" for an override */
	unsigned line;	 /* 1-based; 0 when there is no place (a missing file) */
	unsigned column; /* 1-based */
	char key[128];	 /* the key path, "http_output.url" */
	char msg[512];	 /* what is wrong */
	char text[1024]; /* all of it on one line: "file:line:col: key: msg" */
};

/* All defaults. 0, or -1 on OOM. vg_config_free() releases it either way. */
int vg_config_defaults(struct vg_config *cfg);

/*
 * Defaults, then the file at path (NULL: none; a missing file at the default
 * path is fine, elsewhere it is an error), then the overrides
 * ("key.path=value", the value parsed as YAML: -o rules_files=[a,b]).
 * 0, or -1 with err filled (cfg is then freed and zeroed).
 */
int vg_config_load(struct vg_config *cfg, const char *path, char *const *overrides, size_t n,
		   struct vg_config_err *err);

void vg_config_free(struct vg_config *cfg);

/* The warnings (cfg->warnings), a "vigil: warning: " line each. */
void vg_config_print_warnings(const struct vg_config *cfg, FILE *f);
/* A reload: only the warnings the config in force at start-up (before) did not have. */
void vg_config_print_new_warnings(const struct vg_config *before, const struct vg_config *cfg,
				  FILE *f);

/* The outputs part, for vg_outputs_new() (borrows cfg's strings). */
void vg_config_outputs(const struct vg_config *cfg, struct vg_outputs_config *out);

/* "emergency" .. "debug" (also "info"), case-insensitive; -1 when unknown. */
int vg_config_priority_parse(const char *s);

/*
 * Whether a rule stays enabled after `rules:` and `priority`: starts from
 * enabled_in_file (the rule's own `enabled:`), applies the selectors in
 * order (rule name globs with fnmatch(3), tags exactly), and drops rules
 * less severe than `priority`. For the loader to call once per rule.
 */
bool vg_config_rule_enabled(const struct vg_config *cfg, const char *name, int priority,
			    const char *const *tags, size_t ntags, bool enabled_in_file);

/* Prints every setting as YAML (for `vigil config` / debugging). */
void vg_config_dump(const struct vg_config *cfg, FILE *f);

/*
 * The top-level keys whose settings differ between a and b, comma-separated
 * in out ("metrics, http_output"; truncated to cap). Returns how many. A
 * reload uses it to say which changes wait for a restart.
 */
size_t vg_config_changed_keys(const struct vg_config *a, const struct vg_config *b, char *out,
			      size_t cap);

#endif
