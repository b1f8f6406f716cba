/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vigil's plugin ABI: what a shared object loaded by vigil sees, and the one
 * symbol it exports. This header is public and self-contained: it includes
 * nothing of vigil's engine, only the C library's fixed-width types, so a
 * plugin builds against this file alone (docs/plugins.md).
 *
 * Versioning. VG_PLUGIN_API_MAJOR changes when a struct below changes its
 * layout or a function its meaning; VG_PLUGIN_API_MINOR when something is
 * appended (a field at the end of a struct, a new callback in the host). A
 * plugin states the version it was built against in vg_plugin_info; vigil
 * refuses a plugin whose major differs from its own, or whose minor is
 * newer than its own, naming the plugin and both versions. An older minor
 * is accepted: vigil never reads past what that minor declared.
 *
 * 1.1 added: vg_plugin_info.field_flags (list fields), "*" in
 * extract_sources (every plugin source), VG_PLUGIN_MAX_VALUES 16 -> 64 (the
 * host passes its own max to extract(), so older plugins are unaffected).
 *
 * Lifecycle, all from vigil's main thread unless said otherwise:
 *   1. dlopen, then vigil_plugin_init(host, &info): the plugin fills info
 *      (name, version, what it provides) and returns 0. Nothing else runs.
 *   2. info.init(host, init_config, &state, err, errlen): the plugin parses
 *      its own configuration (the init_config string of vigil.yaml's
 *      plugins: entry, "" when none) and returns 0, or non-zero with a
 *      message in err. vigil reports "plugin '<name>': <err>" and stops.
 *   3. info.start(state): a source starts its own thread(s) and from then
 *      pushes events with host->push() (any thread). vigil copies each
 *      event into a bounded queue: push never blocks; an event that does not
 *      fit, or is larger than VG_PLUGIN_MAX_EVENT, is refused (non-zero) and
 *      counted.
 *   4. info.extract(state, field, arg, event, out) from vigil's rule thread,
 *      once per field per event that a rule reads; never concurrently.
 *   5. info.stop(state) (the plugin's threads end: no push after it returns),
 *      then info.destroy(state), then dlclose.
 *
 * Everything a plugin hands to vigil is checked: names must be printable,
 * bounded ASCII; values are bounded in count and length
 * (VG_PLUGIN_MAX_VALUES, VG_PLUGIN_MAX_STRING) and strings are copied, never
 * kept; a value of the wrong type, or a count out of range, makes the field
 * missing for that event and is counted against the plugin.
 */
#ifndef VIGIL_PLUGIN_H
#define VIGIL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define VG_PLUGIN_API_MAJOR 1
#define VG_PLUGIN_API_MINOR 1 /* 1: field_flags, "*" sources, output_alert, host->output_spool */

/* The symbol vigil looks up in every plugin. */
#define VG_PLUGIN_INIT_SYMBOL "vigil_plugin_init"

#define VG_PLUGIN_MAX_NAME   64		/* plugin, source and field names */
#define VG_PLUGIN_MAX_FIELDS 256	/* fields one plugin declares */
#define VG_PLUGIN_MAX_EVENT  (1u << 20) /* bytes of one pushed event */
#define VG_PLUGIN_MAX_VALUES 64		/* values one extraction returns (16 before 1.1) */
#define VG_PLUGIN_MAX_STRING 65536	/* bytes of one string value */

enum vg_plugin_log_level { VG_PLUGIN_LOG_ERROR, VG_PLUGIN_LOG_WARNING, VG_PLUGIN_LOG_INFO };

/* What vigil gives the plugin. Valid from vigil_plugin_init to destroy. */
struct vg_plugin_host {
	uint32_t api_major, api_minor; /* vigil's own version of this ABI */
	void *ctx;		       /* opaque: pass it back to the callbacks */
	/* A message on vigil's stderr, prefixed with the plugin's name. Any thread. */
	void (*log)(void *ctx, enum vg_plugin_log_level level, const char *msg);
	/*
	 * One event of the plugin's source: ts_ns its time (nanoseconds since
	 * the epoch; 0: vigil stamps it on arrival), data/len its bytes, copied
	 * before push returns. Any thread. 0: queued; non-zero: refused (queue
	 * full, too big, vigil stopping), and counted.
	 */
	int (*push)(void *ctx, uint64_t ts_ns, const void *data, size_t len);
	/*
	 * Minor 1. From init() only: the plugin's output is durable. vigil
	 * keeps every alert output_alert() (or output()) could not deliver
	 * in a bounded on-disk spool in dir (created if missing; one
	 * directory per output), survives restarts, and delivers it again,
	 * in order and with the same alert id, when the output takes alerts
	 * again; while the spool holds alerts, new ones queue behind them.
	 * max_bytes bounds the spool (0: 256 MiB; the oldest alerts go
	 * first), max_age_s the age of an alert (0: none); what they force
	 * out is counted by reason (vigil_output_dropped_total). 0: asked;
	 * non-zero: refused (the plugin has no output, dir empty or too long).
	 * The directory is opened when the outputs start: a bad one stops vigil.
	 */
	int (*output_spool)(void *ctx, const char *dir, uint64_t max_bytes, uint64_t max_age_s);
};

enum vg_plugin_ftype { VG_PLUGIN_FT_STRING, VG_PLUGIN_FT_U64 };

enum vg_plugin_farg {
	VG_PLUGIN_ARG_NONE,	/* json.raw */
	VG_PLUGIN_ARG_REQUIRED, /* json.value[/user/name] */
	VG_PLUGIN_ARG_OPTIONAL,
};

/* One field the plugin extracts, e.g. {"json.value", STRING, REQUIRED, "..."}. */
struct vg_plugin_field {
	const char *name; /* "<prefix>.<name>", [a-z0-9_.]; unique among all loaded fields */
	enum vg_plugin_ftype type;
	enum vg_plugin_farg arg;
	const char *desc;
};

/* An event as extract() sees it: what the plugin pushed, with its time. */
struct vg_plugin_event {
	uint64_t num; /* vigil's event number, from 1 */
	uint64_t ts_ns;
	const void *data;
	uint32_t len;
};

/* One extracted value: str/len for STRING (need not be NUL-terminated), u64 for U64. */
struct vg_plugin_value {
	const char *str;
	uint32_t len;
	uint64_t u64;
};

/*
 * Minor 1: one alert as output_alert() gets it, with what a transport routes
 * on. Strings are NUL-terminated, printable (control bytes of the alert
 * become '_') and valid during the call only.
 */
struct vg_plugin_alert {
	const char *line; /* the alert's JSON line, as output() gets it (no newline) */
	size_t len;
	const char *host;      /* the alert's "hostname" (else vigil's host name) */
	const char *source;    /* "syscall", or the plugin source the rule is for */
	const char *rule;      /* the rule's name */
	const char *priority;  /* lower case: "emergency" .. "debug" */
	uint32_t priority_num; /* 0 (emergency) .. 7 (debug), as syslog */
	/*
	 * Unique per alert across hosts and restarts ("<host>-<16 hex>-<n>"),
	 * and the same on every retry of that alert, from the spool after a
	 * restart included: a receiver drops the copies it already has by it
	 * (JetStream's Nats-Msg-Id).
	 */
	const char *id;
	uint64_t wall_ns; /* when vigil made the alert (ns since the epoch) */
};

struct vg_plugin_info {
	/* the ABI version the plugin was built against: set to the macros above */
	uint32_t api_major, api_minor;
	const char *name;    /* as vigil.yaml's plugins: and load_plugins: name it */
	const char *version; /* the plugin's own, semver "x.y.z" */
	const char *description;

	/* An event source: the name rules give in `source:`; NULL: none. */
	const char *source;
	/* Fields: declared here; extract() reads them from events of the sources
	 * in extract_sources (NULL-terminated; NULL: the plugin's own source;
	 * since 1.1 an entry "*": the events of every plugin source, e.g. a
	 * field-only JSON plugin). */
	const struct vg_plugin_field *fields;
	uint32_t nfields;
	const char *const *extract_sources;

	int (*init)(const struct vg_plugin_host *host, const char *config, void **state, char *err,
		    size_t errlen);
	void (*destroy)(void *state);
	int (*start)(void *state); /* a source: start pushing; may be NULL */
	void (*stop)(void *state); /* a source: stop pushing and join; may be NULL */
	/*
	 * Field number field (index into fields) with its argument (NULL when
	 * none) of one event: fills up to max values, returns how many (0: the
	 * field is missing for this event), or a negative number on error.
	 * Strings must stay valid until the next extract() call.
	 */
	int (*extract)(void *state, uint32_t field, const char *arg,
		       const struct vg_plugin_event *ev, struct vg_plugin_value *out, uint32_t max);
	/*
	 * An output: one alert, as the JSON line vigil's outputs get (no
	 * newline). Called from the output's worker thread; 0: delivered,
	 * non-zero: failed (retried as vigil's outputs are). NULL: none.
	 */
	int (*output)(void *state, const char *line, size_t len);

	/* Minor 1. NULL, or nfields VG_PLUGIN_FIELD_* bit sets, one per field. */
	const uint32_t *field_flags;
	/*
	 * Minor 1. An output that routes or deduplicates: one alert with its
	 * metadata (struct vg_plugin_alert), instead of output() when both are
	 * set. Same thread, return value and retries as output(). On failure
	 * the plugin may say why in err (errlen bytes, "" on entry): vigil
	 * shows it as the output's last error (exit summary, /metrics
	 * health); it must name no secret.
	 */
	int (*output_alert)(void *state, const struct vg_plugin_alert *alert, char *err,
			    size_t errlen);
};

/*
 * A list field (Falco's IsList): its values are one list, so "x in (a, b)"
 * holds when every value is in the set, "x intersects (a, b)" when one is,
 * and only exists/in/intersects apply. Without it several values are
 * alternatives: a check holds when one of them matches.
 */
#define VG_PLUGIN_FIELD_LIST 1u

/*
 * The one symbol a plugin exports. Fills *out (zeroed by vigil) and returns
 * 0; anything else refuses the plugin. It must not start threads or keep
 * host beyond storing it.
 */
typedef int (*vg_plugin_init_fn)(const struct vg_plugin_host *host, struct vg_plugin_info *out);
/* Exported even when the plugin builds with -fvisibility=hidden (as it should). */
#define VG_PLUGIN_EXPORT __attribute__((visibility("default")))
VG_PLUGIN_EXPORT int vigil_plugin_init(const struct vg_plugin_host *host,
				       struct vg_plugin_info *out);

#endif
