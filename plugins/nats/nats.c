// SPDX-License-Identifier: Apache-2.0
/*
 * nats: vigil's JetStream output as a plugin (include/vigil/plugin.h,
 * output_alert). Publishes every alert's JSON to a NATS JetStream stream
 * with nats.c (Debian's libnats) and waits for the stream's acknowledgement
 * (at-least-once); what the cluster cannot take yet vigil keeps in its
 * on-disk spool (host->output_spool), which survives restarts and drains in
 * order with each alert's id unchanged.
 *
 * Subject: <subject_prefix>.<host>.<source>.<priority>.<rule>, every token
 * after the prefix reduced to [a-z0-9_-] (anything else, '.', '*', '>' and
 * spaces included, becomes '_'), so a hostile rule name or host name cannot
 * add tokens or wildcards. The stream (created when missing and allowed)
 * takes <subject_prefix>.>. host is nats_output.host when set, else the
 * alert's.
 *
 * Nats-Msg-Id: <host>-<instance>-<sequence>: vigil's stable alert id with
 * its host part replaced by the subject's host token; the same on every
 * retry of that alert, from the spool after a restart included, so the
 * stream drops the copies it already has within its duplicate window.
 *
 * Everything after init runs in the output's worker thread: the connection
 * is made there (start-up never waits for the cluster).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nats/nats.h>
#include <vigil/plugin.h>

#include "delivery/nats_conn.h"
#include "nats_plugin.h"

#define TOKEN_MAX VG_NATS_TOKEN_MAX
#define SUBJ_MAX  512
#define ID_MAX	  160

struct nats_out {
	struct vg_nats_settings cfg;
	natsOptions *opts;
	natsConnection *nc;
	jsCtx *js;
	char *shown_urls; /* the seeds with their secrets masked: the only form printed */
	char host[TOKEN_MAX + 1];
	bool host_set; /* host configured: the alerts' hostname does not replace it */
	bool stream_ok;
	uint64_t quiet_until_ns;   /* connect back-off */
	uint32_t connect_failures; /* in a row: the connect back-off doubles */
	char conn_err[256];	   /* why the last connect failed: said again while backing off */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The subject and Nats-Msg-Id of alert a. */
static void make_subject(const struct nats_out *x, const struct vg_plugin_alert *a, char *subj,
			 char *id)
{
	char source[TOKEN_MAX + 1], host[TOKEN_MAX + 1], rule[TOKEN_MAX + 1];
	const char *suffix = NULL, *p;

	if (x->host_set || !a->host || !a->host[0])
		memcpy(host, x->host, sizeof(host));
	else
		vg_nats_subject_token(a->host, host);
	vg_nats_subject_token(a->source && *a->source ? a->source : "syscall", source);
	vg_nats_subject_token(a->rule, rule);
	snprintf(subj, SUBJ_MAX, "%s.%s.%s.%s.%s", x->cfg.subject_prefix, host, source, a->priority,
		 rule);
	/* vigil's id is <its host>-<16 hex>-<n>: keep the -<16 hex>-<n>, stable per alert */
	p = a->id ? strrchr(a->id, '-') : NULL;
	if (p) {
		for (const char *q = p - 1; q >= a->id; q--)
			if (*q == '-') {
				suffix = q;
				break;
			}
	}
	snprintf(id, ID_MAX, "%s%s", host, suffix ? suffix : "-0000000000000000-0");
}

/* The subject's last four tokens, as headers. */
static void add_headers(natsMsg *msg, const char *subj)
{
	static const char *const names[] = {"Vigil-Host", "Vigil-Source", "Vigil-Priority",
					    "Vigil-Rule"};
	const char *tok[4];
	char copy[SUBJ_MAX];
	size_t len = strlen(subj);
	int k = 4;

	if (len >= sizeof(copy))
		return;
	memcpy(copy, subj, len + 1);
	while (k > 0) {
		char *dot = strrchr(copy, '.');

		if (!dot)
			return;
		tok[--k] = dot + 1;
		*dot = '\0';
	}
	for (int i = 0; i < 4; i++)
		natsMsgHeader_Set(msg, names[i], tok[i]);
}

/* Finds the stream, or creates it (<prefix>.>, replicas, duplicate window). */
static int ensure_stream(struct nats_out *x, char *err, size_t errlen)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	char subj[SUBJ_MAX];
	const char *subjects[1] = {subj};
	jsStreamConfig sc;

	if (x->stream_ok)
		return 0;
	s = js_GetStreamInfo(&si, x->js, x->cfg.stream, NULL, &jerr);
	if (s == NATS_OK) {
		jsStreamInfo_Destroy(si);
		x->stream_ok = true;
		return 0;
	}
	if (jerr != JSStreamNotFoundErr || !x->cfg.create_stream) {
		snprintf(err, errlen, "stream %s: %s%s", x->cfg.stream, natsStatus_GetText(s),
			 jerr == JSStreamNotFoundErr ? " (not found; create_stream is off)" : "");
		return -1;
	}
	snprintf(subj, sizeof(subj), "%s.>", x->cfg.subject_prefix);
	jsStreamConfig_Init(&sc);
	sc.Name = x->cfg.stream;
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_FileStorage;
	sc.Replicas = (int)x->cfg.replicas;
	sc.Duplicates = (int64_t)x->cfg.duplicate_window_s * 1000000000ll;
	s = js_AddStream(&si, x->js, &sc, NULL, &jerr);
	if (s != NATS_OK) {
		snprintf(err, errlen, "creating stream %s (%s, %d replicas): %s (%d)",
			 x->cfg.stream, subj, (int)x->cfg.replicas, natsStatus_GetText(s),
			 (int)jerr);
		return -1;
	}
	jsStreamInfo_Destroy(si);
	x->stream_ok = true;
	return 0;
}

/* reconnect_wait_ms doubling per failure in a row, capped at reconnect_max_wait_ms. */
static int64_t backoff_ms(const struct nats_out *x, uint32_t failures)
{
	int64_t d = x->cfg.reconnect_wait_ms, max = x->cfg.reconnect_max_wait_ms;

	for (uint32_t i = 1; i < failures && d < max; i++)
		d *= 2;
	return d < max ? d : max;
}

/*
 * Connects from the worker, synchronously: a refusal (wrong CA, bad
 * credentials) is reported with the server's reason, which the library's
 * own background retry would lose (it closes the connection, or says only
 * "no server available"). Once connected, the library reconnects by itself
 * after a drop; a connection it closed for good is made again here, so a
 * fixed server or rotated credentials file is picked up. After a failure
 * the next attempt waits the reconnect back-off.
 */
static int connect_now(struct nats_out *x)
{
	jsOptions jo;
	natsStatus s, st = NATS_OK;
	const char *why;

	if (x->js)
		jsCtx_Destroy(x->js);
	if (x->nc)
		natsConnection_Destroy(x->nc);
	x->js = NULL;
	x->nc = NULL;
	s = natsConnection_Connect(&x->nc, x->opts);
	if (s == NATS_OK) {
		jsOptions_Init(&jo);
		jo.Wait = x->cfg.ack_timeout_ms;
		s = natsConnection_JetStream(&x->js, x->nc, &jo);
	}
	if (s == NATS_OK) {
		x->connect_failures = 0;
		x->stream_ok = false;
		return 0;
	}
	/* the library's text names no secret: only statuses and the server's -ERR */
	why = nats_GetLastError(&st);
	snprintf(x->conn_err, sizeof(x->conn_err), "cannot connect to %s: %s%s%s", x->shown_urls,
		 natsStatus_GetText(s), why && *why ? ": " : "", why && *why ? why : "");
	if (x->connect_failures < 64)
		x->connect_failures++;
	x->quiet_until_ns = mono_ns() + (uint64_t)backoff_ms(x, x->connect_failures) * 1000000ull;
	return -1;
}

/* The cluster answers and the stream is there; else why not, in err. */
static bool ready(struct nats_out *x, char *err, size_t errlen)
{
	if (mono_ns() < x->quiet_until_ns) {
		snprintf(err, errlen, "%s", x->conn_err);
		return false;
	}
	if (!x->nc || natsConnection_Status(x->nc) == NATS_CONN_STATUS_CLOSED) {
		if (connect_now(x) != 0) {
			snprintf(err, errlen, "%s", x->conn_err);
			return false;
		}
	}
	if (natsConnection_Status(x->nc) != NATS_CONN_STATUS_CONNECTED) {
		snprintf(err, errlen, "not connected to %s (reconnecting)", x->shown_urls);
		return false;
	}
	return ensure_stream(x, err, errlen) == 0;
}

/* output_alert: publishes one alert and waits for its ack. */
static int p_output_alert(void *state, const struct vg_plugin_alert *a, char *err, size_t errlen)
{
	struct nats_out *x = state;
	char subj[SUBJ_MAX], id[ID_MAX];
	natsMsg *msg = NULL;
	jsPubAck *pa = NULL;
	jsPubOptions po;
	jsErrCode jerr = 0;
	natsStatus s;

	if (!ready(x, err, errlen))
		return -1;
	make_subject(x, a, subj, id);
	s = natsMsg_Create(&msg, subj, NULL, a->line, (int)a->len);
	if (s != NATS_OK) {
		snprintf(err, errlen, "nats: %s", natsStatus_GetText(s));
		return -1;
	}
	add_headers(msg, subj);
	jsPubOptions_Init(&po);
	po.MsgId = id;
	po.MaxWait = x->cfg.ack_timeout_ms;
	po.ExpectStream = x->cfg.stream;
	s = js_PublishMsg(&pa, x->js, msg, &po, &jerr);
	natsMsg_Destroy(msg);
	if (s != NATS_OK) {
		snprintf(err, errlen, "publish to stream %s via %s: %s%s", x->cfg.stream,
			 x->shown_urls, natsStatus_GetText(s),
			 s == NATS_TIMEOUT ? " (no ack within ack_timeout_ms)" : "");
		/* the stream may be gone (deleted, or its cluster lost it): look again */
		if (jerr == JSStreamNotFoundErr)
			x->stream_ok = false;
		return -1;
	}
	jsPubAck_Destroy(pa);
	return 0;
}

/* The library's reconnect back-off after a drop: the worker's, per round of the seeds. */
static int64_t reconnect_delay(natsConnection *nc, int attempts, void *arg)
{
	(void)nc;
	return backoff_ms(arg, attempts > 0 ? (uint32_t)attempts : 1);
}

static int set_options(struct nats_out *x, char *err, size_t errlen)
{
	char name[128];

	if (natsOptions_Create(&x->opts) != NATS_OK) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(name, sizeof(name), "vigil %s", x->host);
	/* vg_nats_options names the failing key on stderr */
	if (vg_nats_options(x->opts, &x->cfg, name) != 0) {
		snprintf(err, errlen, "bad connection settings (see above)");
		return -1;
	}
	natsOptions_SetMaxReconnect(x->opts, -1);
	natsOptions_SetCustomReconnectDelay(x->opts, reconnect_delay, x);
	return 0;
}

/* The seeds, comma-separated, with their passwords and tokens masked. */
static int show_urls(struct nats_out *x)
{
	size_t cap = 16;
	char *p;

	for (size_t i = 0; i < x->cfg.n_urls; i++)
		cap += 3 * strlen(x->cfg.urls[i]) + 8;
	x->shown_urls = p = calloc(1, cap);
	if (!p)
		return -1;
	for (size_t i = 0; i < x->cfg.n_urls; i++) {
		size_t len = strlen(p);

		if (i)
			p[len++] = ',';
		vg_url_redact(x->cfg.urls[i], p + len, cap - len);
	}
	return 0;
}

static int set_defaults(struct nats_out *x)
{
	struct vg_nats_settings *c = &x->cfg;
	char hn[256] = "";

	if (!c->subject_prefix || !*c->subject_prefix) {
		free((char *)c->subject_prefix);
		c->subject_prefix = strdup("vigil.alerts");
	}
	if (!c->stream || !*c->stream) {
		free((char *)c->stream);
		c->stream = strdup("VIGIL_ALERTS");
	}
	if (!c->replicas)
		c->replicas = 1;
	if (!c->duplicate_window_s)
		c->duplicate_window_s = 120;
	if (!c->ack_timeout_ms)
		c->ack_timeout_ms = 5000;
	if (!c->reconnect_wait_ms)
		c->reconnect_wait_ms = 250;
	if (!c->reconnect_max_wait_ms)
		c->reconnect_max_wait_ms = 10000;
	x->host_set = c->host && *c->host;
	if (!x->host_set && gethostname(hn, sizeof(hn) - 1) != 0)
		snprintf(hn, sizeof(hn), "unknown");
	vg_nats_subject_token(x->host_set ? c->host : hn, x->host);
	return c->subject_prefix && c->stream ? 0 : -1;
}

static void p_destroy(void *state)
{
	struct nats_out *x = state;

	if (!x)
		return;
	if (x->js)
		jsCtx_Destroy(x->js);
	if (x->nc)
		natsConnection_Destroy(x->nc);
	if (x->opts)
		natsOptions_Destroy(x->opts);
	vg_natsp_settings_free(&x->cfg);
	free(x->shown_urls);
	free(x);
}

static int p_init(const struct vg_plugin_host *host, const char *config, void **out, char *err,
		  size_t errlen)
{
	struct nats_out *x = calloc(1, sizeof(*x));

	if (!x) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = x;
	if (vg_natsp_parse(&x->cfg, config, err, errlen) != 0)
		goto fail;
	if (set_defaults(x) != 0 || show_urls(x) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (x->cfg.spool_dir && *x->cfg.spool_dir &&
	    host->output_spool(host->ctx, x->cfg.spool_dir, x->cfg.spool_max_bytes,
			       x->cfg.spool_max_age_s) != 0) {
		snprintf(err, errlen, "spool_dir %.200s: refused (too long?)", x->cfg.spool_dir);
		goto fail;
	}
	/* no connection here: the worker makes it, start-up never waits */
	if (set_options(x, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	p_destroy(x);
	*out = NULL;
	return -1;
}

VG_PLUGIN_EXPORT int vigil_plugin_init(const struct vg_plugin_host *host,
				       struct vg_plugin_info *out)
{
	(void)host;
	out->api_major = VG_PLUGIN_API_MAJOR;
	out->api_minor = VG_PLUGIN_API_MINOR;
	out->name = "nats";
	out->version = "1.0.0";
	out->description = "alerts to a NATS JetStream stream (at-least-once, deduplicated)";
	out->init = p_init;
	out->destroy = p_destroy;
	out->output_alert = p_output_alert;
	return 0;
}
