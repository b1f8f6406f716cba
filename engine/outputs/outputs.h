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
 */
#ifndef VIGIL_OUTPUTS_H
#define VIGIL_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One alert as the alert writer formatted it. Strings need not outlive the call. */
struct vg_alert_msg {
	const char *json; /* one line, Falco's schema; no trailing newline */
	size_t json_len;
	const char *text; /* Falco's text shape "TIME: Priority message"; may be NULL */
	size_t text_len;
	int priority; /* 0=emergency .. 7=debug, Falco's (and syslog's) order */
	const char *rule;
};

enum vg_output_kind {
	VG_OUTPUT_STDOUT,
	VG_OUTPUT_FILE,
	VG_OUTPUT_SYSLOG,
	VG_OUTPUT_HTTP,
	VG_OUTPUT_PROGRAM,
	VG_OUTPUT__KINDS,
};

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
			const char *user_agent; /* default "vigil/<version>" */
			bool insecure;		/* skip TLS peer and host verification */
			enum vg_http_batch batch;
			uint32_t batch_max;  /* default 100 */
			uint32_t timeout_ms; /* whole request; default 10000 */
		} http;
		struct {
			const char *command; /* run by /bin/sh -c */
		} program;
	};
};

struct vg_outputs_config {
	const struct vg_output_config *outputs;
	size_t n;
};

struct vg_outputs;

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

/* Stops the workers; what is still queued is counted as dropped_failed. */
void vg_outputs_free(struct vg_outputs *outs);

struct vg_output_stats {
	const char *name; /* "stdout", "file", "syslog", "http", "program" */
	enum vg_output_kind kind;
	uint64_t queued;	 /* accepted into the queue */
	uint64_t depth;		 /* in the queue now, in flight included */
	uint64_t capacity;	 /* the queue bound */
	uint64_t sent;		 /* delivered */
	uint64_t dropped_full;	 /* refused: the queue was full */
	uint64_t dropped_failed; /* given up after the retries (or refused for good) */
	uint64_t retries;	 /* failed attempts that were retried */
	uint64_t restarts;	 /* program: the command was started again */
	uint64_t rotations;	 /* file: rotations done */
	bool failing;		 /* the last attempt failed; retrying */
	uint64_t last_ok_ns;	 /* CLOCK_REALTIME of the last delivery; 0 = none yet */
	char last_error[256];	 /* why the last failure happened; empty when none yet */
};

typedef void (*vg_output_stats_fn)(const struct vg_output_stats *st, void *arg);

/* Calls cb once per output, in configuration order. Cheap; safe from any thread. */
void vg_outputs_stats(struct vg_outputs *outs, vg_output_stats_fn cb, void *arg);

/* Totals over all outputs. */
uint64_t vg_outputs_dropped(struct vg_outputs *outs);

const char *vg_output_kind_name(enum vg_output_kind kind);

struct vg_metrics;
/* Exposes each output's queue depth, sent, drops and retries on /metrics. */
int vg_outputs_register_metrics(struct vg_outputs *outs, struct vg_metrics *m);

#endif
