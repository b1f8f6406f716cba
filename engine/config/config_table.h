/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the files of the configuration share (private to engine/config):
 * the key table's row (struct vg_cfg_field), the loader's state, the value
 * parsers (config_values.c), the sections' tables (config_keys.c,
 * config_outputs.c, falco_keys.c), Falco's key handling (falco_keys.c) and
 * append_output (config_outputs.c).
 */
#ifndef VIGIL_CONFIG_CONFIG_TABLE_H
#define VIGIL_CONFIG_CONFIG_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "config/config.h"
#include "config/number.h"

enum vg_cfg_ftype {
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
	F_NOEFFECT, /* Falco's key, no meaning in vigil: checked; aux: enum vg_cfg_nkind, dflt */
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
enum vg_cfg_nkind {
	N_BOOL,
	N_NUM,	 /* a number (whole or fraction) */
	N_STR,	 /* a string; "" and null are the same */
	N_ENUM,	 /* one of .names */
	N_LIST,	 /* a list; any entry differs from the default [] */
	N_ANY,	 /* any value; anything but null/empty differs */
	N_QUIET, /* any value, never a warning: another part of vigil reads it */
};

/* config_files' merge strategies, as Falco names them */
enum vg_cfg_strategy { S_APPEND, S_OVERRIDE, S_ADD_ONLY };

struct vg_cfg_field {
	const char *key;
	enum vg_cfg_ftype type;
	size_t off;
	size_t aux;
	const struct vg_cfg_field *sub;
	const char *const *names;
	/* checks the stored value; returns what is wrong, or NULL */
	const char *(*check)(const void *value);
	const char *doc;  /* for the dump; for F_NOEFFECT: why it has no effect */
	const char *dflt; /* F_NOEFFECT: Falco's default, as text */
	bool pattern;	  /* key is an fnmatch pattern (k8s_*): may repeat */
	bool alias;	  /* another name of the field before it: not dumped */
	bool secret;	  /* a password or token: dumped as "***"; in URLs, the user info */
};

struct vg_cfg_loader {
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
	bool included;		    /* loading a file config_files names */
	enum vg_cfg_strategy strat; /* ... and how it merges */
	int *cf_strats;		    /* the strategy of each config_files entry */
	char **set_keys;	    /* key paths set so far (add-only skips them) */
	size_t n_set_keys;
};

/* Falco's key with no meaning in vigil: kind, Falco's default, and why */
#define NOEFF(k, kind, d, why)                                                                     \
	{                                                                                          \
		k, F_NOEFFECT, 0, kind, .dflt = d, .doc = why                                      \
	}
#define NOEFF_ENUM(k, nm, d, why)                                                                  \
	{                                                                                          \
		k, F_NOEFFECT, 0, N_ENUM, .names = nm, .dflt = d, .doc = why                       \
	}

#define WHY_PROBES  "vigil always uses its own eBPF probes (tiers chosen per hook: vigil features)"
#define WHY_LOG	    "vigil logs to stderr (the journal under systemd); -v adds libbpf's messages"
#define WHY_METRICS "vigil writes no metrics snapshots; every counter is on /metrics"

#define C(member) offsetof(struct vg_config, member)
#define O(kind, member)                                                                            \
	(offsetof(struct vg_config, outputs) + (kind) * sizeof(struct vg_output_config) +          \
	 offsetof(struct vg_output_config, member))

/* ---- the key table and the names keys take (config_keys.c) ---- */

extern const char *const vg_cfg_priorities[];
extern const char *const vg_cfg_formats[];
extern const char *const vg_cfg_transports[];
extern const char *const vg_cfg_batches[];
extern const char *const vg_cfg_facilities[];
const char *vg_cfg_check_positive_u32(const void *v);
extern const struct vg_cfg_field vg_cfg_top[];

/* ---- the outputs' sections and append_output (config_outputs.c) ---- */

extern const struct vg_cfg_field vg_cfg_stdout_fields[];
extern const struct vg_cfg_field vg_cfg_file_fields[];
extern const struct vg_cfg_field vg_cfg_syslog_fields[];
extern const struct vg_cfg_field vg_cfg_http_fields[];
extern const struct vg_cfg_field vg_cfg_program_fields[];
extern const struct vg_cfg_field vg_cfg_queue_fields[];
extern const struct vg_cfg_field vg_cfg_nats_fields[];	/* config_nats.c */
extern const struct vg_cfg_field vg_cfg_fleet_fields[]; /* config_nats.c */
int vg_cfg_nats_defaults(struct vg_config *c);
void vg_cfg_nats_free(struct vg_config *c);
const char *vg_cfg_check_queue(const void *v);
const char *vg_cfg_check_queue_bytes_or_0(const void *v);
const char *vg_cfg_check_abs_path(const void *v);

/* The keys every output section has (enabled, format, queue and retry bounds). */
#define COMMON(kind)                                                                               \
	{"enabled", F_BOOL, O(kind, enabled), (kind) + 1, .doc = "deliver alerts here"},           \
		{"format",                                                                         \
		 F_FORMAT,                                                                         \
		 O(kind, format),                                                                  \
		 C(output_format_set[kind]),                                                       \
		 .names = vg_cfg_formats,                                                          \
		 .doc = "json or text; default: json_output"},                                     \
		{"min_priority", F_PRIORITY, O(kind, min_priority),                                \
		 .doc = "deliver alerts of this priority or more severe"},                         \
		{"queue_size", F_U32, O(kind, queue_size), .check = vg_cfg_check_queue,            \
		 .doc = "alerts queued at most; 0 = outputs_queue.capacity"},                      \
		{"queue_max_bytes", F_SIZE, O(kind, queue_max_bytes),                              \
		 .check = vg_cfg_check_queue_bytes_or_0,                                           \
		 .doc = "bytes of alerts queued at most; 0 = outputs_queue.max_bytes"},            \
		{"retry_initial_ms", F_U32, O(kind, retry_initial_ms),                             \
		 .check = vg_cfg_check_positive_u32, .doc = "first back-off after a failure"},     \
		{"retry_max_ms", F_U32, O(kind, retry_max_ms), .check = vg_cfg_check_positive_u32, \
		 .doc = "back-off cap (doubles up to it)"},                                        \
	{                                                                                          \
		"max_retries", F_RETRIES, O(kind, max_retries),                                    \
			.doc = "retries before an alert is given up; -1 = forever"                 \
	}

void vg_cfg_free_appends(struct vg_append_output *a, size_t n);
int vg_cfg_parse_append(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			struct vg_append_output **out, size_t *count);
int vg_cfg_append_rulesel(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			  struct vg_rule_selector **sel, size_t *count);

/* ---- Falco's sections and keys (falco_keys.c) ---- */

extern const char *const vg_cfg_log_levels[];
extern const struct vg_cfg_field vg_cfg_webserver_fields[];
extern const struct vg_cfg_field vg_cfg_engine_fields[];
extern const struct vg_cfg_field vg_cfg_capture_fields[];
extern const struct vg_cfg_field vg_cfg_grpc_fields[];
extern const struct vg_cfg_field vg_cfg_grpc_output_fields[];
extern const struct vg_cfg_field vg_cfg_libs_logger_fields[];
extern const struct vg_cfg_field vg_cfg_timeouts_fields[];
extern const struct vg_cfg_field vg_cfg_base_syscalls_fields[];
extern const struct vg_cfg_field vg_cfg_falco_libs_fields[];
extern const struct vg_cfg_field vg_cfg_old_outputs_fields[];
bool vg_cfg_key_was_set(const struct vg_cfg_loader *ld);
void vg_cfg_mark_set(struct vg_cfg_loader *ld);
int vg_cfg_apply_noeffect(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			  const struct vg_cfg_field *f);
int vg_cfg_apply_refused(struct vg_cfg_loader *ld, yaml_node_t *n, const struct vg_cfg_field *f);
int vg_cfg_apply_load_plugins(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n);
int vg_cfg_apply_plugins(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n);
int vg_cfg_apply_preset(struct vg_cfg_loader *ld, yaml_node_t *n, const struct vg_cfg_field *f);
int vg_cfg_apply_config_files(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			      const struct vg_cfg_field *f);

/* ---- errors and values (config_values.c); every parser returns 0, or -1 with the error set ----
 */

int vg_cfg_fail_at(struct vg_cfg_loader *ld, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vg_cfg_fail_node(struct vg_cfg_loader *ld, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vg_cfg_fail_plain(struct vg_cfg_loader *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
extern const char *const vg_cfg_drop_actions[];
const char *vg_cfg_scalar(const yaml_node_t *n);
bool vg_cfg_is_null(const yaml_node_t *n);
const char *vg_cfg_node_kind(const yaml_node_t *n);
int vg_cfg_want_scalar(struct vg_cfg_loader *ld, const yaml_node_t *n, const char *what);
int vg_cfg_parse_bool(struct vg_cfg_loader *ld, const yaml_node_t *n, bool *out);
int vg_cfg_parse_number(struct vg_cfg_loader *ld, const yaml_node_t *n, struct vg_num_range dflt,
			uint64_t *out);
int vg_cfg_parse_mode(struct vg_cfg_loader *ld, const yaml_node_t *n, uint32_t *out);
int vg_cfg_parse_u64(struct vg_cfg_loader *ld, const yaml_node_t *n, uint64_t max, uint64_t *out);
int vg_cfg_parse_size(struct vg_cfg_loader *ld, const yaml_node_t *n, uint64_t *out);
int vg_cfg_parse_double(struct vg_cfg_loader *ld, const yaml_node_t *n, double *out);
int vg_cfg_parse_name(struct vg_cfg_loader *ld, const yaml_node_t *n, const char *const *names,
		      int *out);
int vg_cfg_parse_priority(struct vg_cfg_loader *ld, const yaml_node_t *n, int *out);
yaml_node_t *vg_cfg_item(yaml_document_t *doc, yaml_node_item_t *it);
int vg_cfg_parse_drop_actions(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			      unsigned *out);
int vg_cfg_dup_str(struct vg_cfg_loader *ld, const yaml_node_t *n, char **out);
void vg_cfg_free_strlist(char **l, size_t n);
int vg_cfg_parse_strlist(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			 char ***out, size_t *count);
void vg_cfg_free_selectors(struct vg_rule_selector *s, size_t n);
int vg_cfg_parse_rulesel(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			 struct vg_rule_selector **out, size_t *count);
void vg_cfg_free_headers(const char **h, size_t *n);
int vg_cfg_parse_headers(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			 const char **hdr, size_t *count);

#endif
