/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert outputs: stdout, file (with rotation), syslog (RFC 5424), HTTP
 * (libcurl) and program (a shell command's stdin).
 *
 * Each output has a bounded queue and its own worker thread. Submitting an
 * alert never waits for I/O: it copies the alert once (one allocation shared
 * by every output, reference counted), appends it to each output's queue and
 * returns. A slow, dead or unreachable output fills its own queue; what does
 * not fit is dropped and counted (dropped_full), and what could not be
 * delivered after the retries is dropped and counted (dropped_failed).
 * An alert stays in its queue, counting against the bound, until it is
 * delivered or given up, so an output that comes back receives exactly
 * what was queued.
 *
 * Queues are bounded in bytes as well as in alerts: an attacker controls
 * how big an alert is (argv, paths), so a count alone bounds nothing. Every
 * output charges the whole size of the shared copy against its own byte
 * bound (the copy lives as long as any output holds it), and all live
 * copies together stay under a global byte bound. An alert bigger than
 * max_alert_bytes is refused by every output (dropped_oversize).
 *
 * Every alert offered to an output (its min_priority admits it) is counted
 * once as accepted and ends as exactly one of: sent, or dropped for one
 * reason (queue full in alerts, queue full in bytes, oversize, failed,
 * shutdown). accepted == sent + dropped + depth at any time, and depth is 0
 * after vg_outputs_shutdown().
 */
#ifndef VIGIL_OUTPUTS_H
#define VIGIL_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alert/alert_msg.h" /* struct vg_alert_msg: what the alert stage hands over */
#include "delivery/nats_settings.h"

enum vg_output_kind {
	VG_OUTPUT_STDOUT,
	VG_OUTPUT_FILE,
	VG_OUTPUT_SYSLOG,
	VG_OUTPUT_HTTP,
	VG_OUTPUT_PROGRAM,
	VG_OUTPUT_NATS,	  /* nats_output:; its ops come from the bundled nats plugin when loaded */
	VG_OUTPUT__KINDS, /* the built-in ones; vg_output_register_kind adds more after them */
};
#define VG_OUTPUT_MAX_KINDS 16

enum vg_output_format {
	VG_FORMAT_JSON,
	VG_FORMAT_TEXT,
};

enum vg_syslog_transport {
	VG_SYSLOG_UNIX, /* datagrams to a local socket, /dev/log by default */
	VG_SYSLOG_UDP,
	VG_SYSLOG_TCP, /* octet-counting framing, RFC 6587 3.4.1 */
};

enum vg_http_batch {
	VG_HTTP_BATCH_NONE,   /* one POST per alert, body = the alert (falcosidekick) */
	VG_HTTP_BATCH_ARRAY,  /* body = JSON array of up to batch_max alerts */
	VG_HTTP_BATCH_NDJSON, /* body = up to batch_max alert lines */
};

#define VG_OUTPUT_MAX_HEADERS 16

/*
 * Settings of one output. Strings are borrowed: vg_outputs_new() copies
 * what it keeps. Zero values mean "the default" where a default is named.
 */
struct vg_output_config {
	enum vg_output_kind kind;
	bool enabled;
	enum vg_output_format format;
	int min_priority;	   /* deliver priorities <= this (7 = everything) */
	uint32_t queue_size;	   /* alerts; default 4096 */
	uint64_t queue_max_bytes;  /* bytes of alerts queued at most; default 16 MiB */
	uint32_t retry_initial_ms; /* first back-off; default 250 */
	uint32_t retry_max_ms;	   /* back-off cap; default 30000 */
	uint32_t max_retries; /* retries after the first attempt (0 = none); UINT32_MAX = forever */
	union {
		struct {
			int fd; /* default 1; tests point it elsewhere */
		} std;
		struct {
			const char *path;
			uint64_t max_bytes; /* rotate before a line would cross it; 0 = never */
			uint32_t keep;	    /* rotated files kept: path.1 .. path.keep */
			uint32_t mode;	    /* permissions of files created; 0 = 0600 */
		} file;
		struct {
			enum vg_syslog_transport transport;
			const char *address;  /* socket path, or host[:port] */
			uint16_t port;	      /* default 514 for udp/tcp */
			int facility;	      /* 1..23; 0 = default 16 (local0) */
			const char *app_name; /* default "vigil" */
			uint32_t timeout_ms;  /* connect/send timeout; default 5000 */
		} syslog;
		struct {
			const char *url;
			const char *headers[VG_OUTPUT_MAX_HEADERS]; /* "Name: value" */
			size_t n_headers;
			const char *bearer_token;
			const char *basic_auth; /* "user:password" */
			const char *ca_file;
			const char *ca_path;
			const char
				*ca_bundle; /* Falco's: a CA file, used when ca_cert is not set */
			const char *client_cert; /* mtls: the client certificate (PEM) */
			const char *client_key;	 /* mtls: its key (PEM) */
			const char *user_agent;	 /* default "vigil/<version>" */
			bool insecure;		 /* skip TLS peer and host verification */
			bool mtls;		 /* present client_cert/client_key */
			bool echo;	 /* write each reply body to stdout (Falco's echo) */
			bool compress;	 /* gzip the body, Content-Encoding: gzip */
			bool keep_alive; /* reuse the connection; false: one per request */
			enum vg_http_batch batch;
			uint32_t batch_max;  /* default 100 */
			uint32_t timeout_ms; /* whole request; default 10000 */
		} http;
		struct {
			const char *command; /* run by /bin/sh -c */
		} program;
		struct {
			void *arg; /* a registered kind's own settings, for its init */
		} ext;
		struct vg_nats_settings nats; /* delivery/nats_settings.h */
	};
};

struct vg_outputs_config {
	const struct vg_output_config *outputs;
	size_t n;
	uint64_t max_alert_bytes; /* bigger alerts are refused (oversize); default 1 MiB */
	uint64_t total_max_bytes; /* all queued alerts of all outputs; default 64 MiB */
	uint32_t drain_ms;	  /* vg_outputs_shutdown's drain; 0 = default 5000 */
};

#define VG_OUTPUT_DEFAULT_QUEUE_BYTES (16ull << 20)
#define VG_OUTPUT_DEFAULT_MAX_ALERT   (1ull << 20)
#define VG_OUTPUT_DEFAULT_TOTAL_BYTES (64ull << 20)
#define VG_OUTPUT_DEFAULT_DRAIN_MS    5000u

struct vg_outputs;
struct vg_output_ops; /* delivery_internal.h: what an output kind implements */

/*
 * Adds an output kind (a plugin's output: engine/plugin/) after the built-in
 * ones, which register through here too. Returns its id, to put in
 * vg_output_config.kind, or -1 when the name is taken or the table is full.
 * Start-up only, before vg_outputs_new. name and ops are kept, not copied.
 */
int vg_output_register_kind(const char *name, const struct vg_output_ops *ops);

/* Starts one worker per enabled output. NULL with a message on stderr on failure. */
struct vg_outputs *vg_outputs_new(const struct vg_outputs_config *cfg);

/*
 * Queues msg on every output whose min_priority admits it. Never blocks on
 * I/O; safe from any thread. Returns how many outputs took it.
 */
size_t vg_outputs_submit(struct vg_outputs *outs, const struct vg_alert_msg *msg);

/* Asks the file output to reopen its file (after logrotate moved it: SIGUSR1). */
void vg_outputs_reopen(struct vg_outputs *outs);

/*
 * Waits until every queue is empty or timeout_ms passed (delivering, with
 * retries). Returns 0 when everything was delivered or given up, -1 on timeout.
 */
int vg_outputs_flush(struct vg_outputs *outs, int timeout_ms);

/*
 * The orderly end (SIGINT, SIGTERM): waits up to the configured drain time
 * for every queue to empty, then stops the workers. A request under way
 * gets a short grace to finish (so what a receiver got is counted as sent),
 * then is aborted. Everything not delivered by then is counted as
 * dropped_shutdown, so that accepted == sent + dropped for every output.
 * Returns 0 when everything was delivered, -1 when some was dropped.
 */
int vg_outputs_shutdown(struct vg_outputs *outs);

/*
 * Per output, "accepted, delivered, dropped by reason" on f, one line each,
 * and whether the numbers add up (the exit summary of vigil run).
 */
void vg_outputs_print_summary(struct vg_outputs *outs, FILE *f);

/* Stops the workers (vg_outputs_shutdown() with no drain when not done yet). */
void vg_outputs_free(struct vg_outputs *outs);

struct vg_output_stats {
	const char *name; /* "stdout", "file", "syslog", "http", "program" */
	enum vg_output_kind kind;
	uint64_t accepted;	   /* offered to this output (its min_priority admits it) */
	uint64_t queued;	   /* taken into the queue */
	uint64_t depth;		   /* in the queue now, in flight included */
	uint64_t capacity;	   /* the queue bound */
	uint64_t depth_bytes;	   /* bytes of the alerts in the queue now */
	uint64_t capacity_bytes;   /* the queue bound in bytes */
	uint64_t sent;		   /* delivered */
	uint64_t dropped_full;	   /* refused: the queue held its bound of alerts */
	uint64_t dropped_bytes;	   /* refused: its byte bound (or the global one) was reached */
	uint64_t dropped_oversize; /* refused: the alert alone was over max_alert_bytes */
	uint64_t dropped_failed;   /* given up after the retries (or refused for good) */
	uint64_t dropped_shutdown; /* still queued or in flight when vigil stopped */
	uint64_t retries;	   /* failed attempts that were retried */
	uint64_t restarts;	   /* program: the command was started again */
	uint64_t rotations;	   /* file: rotations done */
	bool failing;		   /* the last attempt failed; retrying */
	uint64_t last_ok_ns;	   /* CLOCK_REALTIME of the last delivery; 0 = none yet */
	/*
	 * nats: the spool. An alert written to it counts as sent (the output
	 * took it, durably); these say what became of it. Spool drops are not
	 * in vg_output_stats_dropped(): they come after sent.
	 */
	bool has_spool;
	uint64_t spool_depth;		/* records waiting on disk */
	uint64_t spool_bytes;		/* bytes on disk */
	uint64_t spooled;		/* written to the spool */
	uint64_t published;		/* acknowledged by the stream, directly or from the spool */
	uint64_t spool_dropped_bytes;	/* forced out by spool_max_bytes */
	uint64_t spool_dropped_age;	/* older than spool_max_age */
	uint64_t spool_dropped_corrupt; /* unreadable records (torn write) */
	char last_error[256];		/* why the last failure happened; empty when none yet */
};

typedef void (*vg_output_stats_fn)(const struct vg_output_stats *st, void *arg);

/* Calls cb once per output, in configuration order. Cheap; safe from any thread. */
void vg_outputs_stats(struct vg_outputs *outs, vg_output_stats_fn cb, void *arg);

/* Totals over all outputs. */
uint64_t vg_outputs_dropped(struct vg_outputs *outs);

/* Every drop of st, whatever the reason. */
uint64_t vg_output_stats_dropped(const struct vg_output_stats *st);

/*
 * Copies url to out (cap bytes, always NUL-terminated, truncated if need
 * be) with its secrets masked, for every message, metric and log line that
 * shows an output's target: the password of user:password@ becomes "***"
 * (a user alone: "***@"), and the value of every query or fragment
 * parameter whose name says it is a secret (token, key, secret, password,
 * passwd, pwd, auth, signature, sig, credential, session, apikey,
 * access_token, ... matched as substrings, case-insensitive) becomes
 * "***". Returns out.
 */
char *vg_url_redact(const char *url, char *out, size_t cap);

const char *vg_output_kind_name(enum vg_output_kind kind);

struct vg_metrics;
/* Exposes each output's queue depth, sent, drops and retries on /metrics. */
int vg_outputs_register_metrics(struct vg_outputs *outs, struct vg_metrics *m);

#endif
