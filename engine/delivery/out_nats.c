// SPDX-License-Identifier: Apache-2.0
/*
 * The nats output: publishes every alert's JSON to a NATS JetStream stream
 * with nats.c (Debian's libnats), waits for the stream's acknowledgement
 * (at-least-once), and keeps what the cluster cannot take yet in an
 * on-disk spool (delivery/durable.h, spool.h) that survives restarts and
 * drains in order.
 *
 * Subject: <subject_prefix>.<host>.<source>.<priority>.<rule>, every token
 * after the prefix reduced to [a-z0-9_-] (anything else, '.', '*', '>' and
 * spaces included, becomes '_'), so a hostile rule name or host name cannot
 * add tokens or wildcards. The stream (created when missing and allowed)
 * takes <subject_prefix>.>.
 *
 * Nats-Msg-Id: <host>-<instance>-<sequence>, instance being 64 random bits
 * drawn at start: unique per alert across hosts and restarts, and the same
 * on every retry of that alert (a retried batch reuses its ids, a spooled
 * record keeps its own), so the stream drops the copies it already has
 * within its duplicate window.
 *
 * The worker alone talks to the cluster: the event path only queues. With
 * a spool, an alert goes to the stream directly while the spool is empty
 * and the cluster answers; otherwise it is appended to the spool (counted
 * as sent: the output took it durably) and published from there in order,
 * by the worker, whenever the cluster is back.
 */
#include "delivery/delivery_internal.h"
#include "delivery/durable.h"
#include "delivery/nats_conn.h"

#include <errno.h>
#include <json-c/json.h>
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define TOKEN_MAX VG_NATS_TOKEN_MAX
#define SUBJ_MAX  512
#define ID_MAX	  VG_DURABLE_ID_MAX

struct nats_out {
	natsOptions *opts;
	natsConnection *nc;
	jsCtx *js;
	char *prefix;
	char *stream;
	char *shown_urls; /* the seeds with their secrets masked: the only form printed */
	char host[TOKEN_MAX + 1];
	bool host_set; /* host configured: the alerts' hostname does not replace it */
	bool create_stream;
	bool stream_ok;
	int replicas;
	int64_t dup_window_ns;
	int64_t ack_timeout_ms;
	uint32_t retry_wait_ms; /* after a failure, the cluster is left alone this long */
	uint64_t instance;
	uint64_t quiet_until_ns;
	struct vg_durable dur; /* ids, retries, the spool */
	int64_t reconnect_ms;
	int64_t reconnect_max_ms;
	uint32_t connect_failures; /* in a row: the worker's connect back-off doubles */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *priority_token(int p)
{
	static const char *const names[] = {"emergency", "alert",  "critical",	    "error",
					    "warning",	 "notice", "informational", "debug"};

	return p >= 0 && p < 8 ? names[p] : "debug";
}

/* The alert's "source" and "hostname" (the JSON the alert writer made). */
static void alert_source_host(const struct vg_msg *m, char *source, char *host)
{
	json_tokener *t = json_tokener_new();
	json_object *root = NULL, *v;

	if (t) {
		root = json_tokener_parse_ex(t, m->json, (int)m->json_len);
		json_tokener_free(t);
	}
	vg_nats_subject_token(root && json_object_object_get_ex(root, "source", &v)
				      ? json_object_get_string(v)
				      : "syscall",
			      source);
	host[0] = '\0';
	if (root && json_object_object_get_ex(root, "hostname", &v) && json_object_get_string(v))
		vg_nats_subject_token(json_object_get_string(v), host);
	json_object_put(root);
}

static void make_subject(struct vg_output *o, const struct vg_msg *m, uint64_t seq, char *subj,
			 char *id)
{
	struct nats_out *x = o->priv;
	char source[TOKEN_MAX + 1], host[TOKEN_MAX + 1], rule[TOKEN_MAX + 1];

	alert_source_host(m, source, host);
	if (x->host_set || !host[0])
		memcpy(host, x->host, sizeof(host));
	vg_nats_subject_token(m->rule, rule);
	snprintf(subj, SUBJ_MAX, "%s.%s.%s.%s.%s", x->prefix, host, source,
		 priority_token(m->priority), rule);
	snprintf(id, ID_MAX, "%s-%016llx-%llu", host, (unsigned long long)x->instance,
		 (unsigned long long)seq);
}

/* The subject's last four tokens, as headers (a spooled record has only its subject). */
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

static bool connected(struct nats_out *x)
{
	return x->nc && natsConnection_Status(x->nc) == NATS_CONN_STATUS_CONNECTED;
}

/* Finds the stream, or creates it (<prefix>.>, replicas, duplicate window). */
static int ensure_stream(struct vg_output *o, struct nats_out *x)
{
	jsStreamInfo *si = NULL;
	jsErrCode jerr = 0;
	natsStatus s;
	char subj[SUBJ_MAX];
	const char *subjects[1] = {subj};
	jsStreamConfig sc;

	if (x->stream_ok)
		return 0;
	s = js_GetStreamInfo(&si, x->js, x->stream, NULL, &jerr);
	if (s == NATS_OK) {
		jsStreamInfo_Destroy(si);
		x->stream_ok = true;
		return 0;
	}
	if (jerr != JSStreamNotFoundErr || !x->create_stream) {
		vg_output_error(o, "stream %s: %s%s", x->stream, natsStatus_GetText(s),
				jerr == JSStreamNotFoundErr ? " (not found; create_stream is off)"
							    : "");
		return -1;
	}
	snprintf(subj, sizeof(subj), "%s.>", x->prefix);
	jsStreamConfig_Init(&sc);
	sc.Name = x->stream;
	sc.Subjects = subjects;
	sc.SubjectsLen = 1;
	sc.Storage = js_FileStorage;
	sc.Replicas = x->replicas;
	sc.Duplicates = x->dup_window_ns;
	s = js_AddStream(&si, x->js, &sc, NULL, &jerr);
	if (s != NATS_OK) {
		vg_output_error(o, "creating stream %s (%s, %d replicas): %s (%d)", x->stream, subj,
				x->replicas, natsStatus_GetText(s), (int)jerr);
		return -1;
	}
	jsStreamInfo_Destroy(si);
	x->stream_ok = true;
	return 0;
}

/* Publishes one alert and waits for its ack. 0, or -1 with the error recorded. */
static int publish(struct vg_output *o, const struct vg_durable_item *it)
{
	struct nats_out *x = o->priv;
	natsMsg *msg = NULL;
	jsPubAck *pa = NULL;
	jsPubOptions po;
	jsErrCode jerr = 0;
	natsStatus s;

	s = natsMsg_Create(&msg, it->route, NULL, it->data, (int)it->len);
	if (s != NATS_OK) {
		vg_output_error(o, "nats: %s", natsStatus_GetText(s));
		return -1;
	}
	add_headers(msg, it->route);
	jsPubOptions_Init(&po);
	po.MsgId = it->id;
	po.MaxWait = x->ack_timeout_ms;
	po.ExpectStream = x->stream;
	s = js_PublishMsg(&pa, x->js, msg, &po, &jerr);
	natsMsg_Destroy(msg);
	if (s != NATS_OK) {
		vg_output_error(o, "publish to stream %s via %s: %s%s", x->stream, x->shown_urls,
				natsStatus_GetText(s),
				s == NATS_TIMEOUT ? " (no ack within ack_timeout_ms)" : "");
		/* the stream may be gone (deleted, or its cluster lost it): look again */
		if (jerr == JSStreamNotFoundErr)
			x->stream_ok = false;
		return -1;
	}
	jsPubAck_Destroy(pa);
	return 0;
}

static void failed(struct vg_output *o)
{
	struct nats_out *x = o->priv;

	x->quiet_until_ns = mono_ns() + (uint64_t)x->retry_wait_ms * 1000000ull;
}

/* reconnect_wait_ms doubling per failure in a row, capped at reconnect_max_wait_ms. */
static int64_t backoff_ms(const struct nats_out *x, uint32_t failures)
{
	int64_t d = x->reconnect_ms;

	for (uint32_t i = 1; i < failures && d < x->reconnect_max_ms; i++)
		d *= 2;
	return d < x->reconnect_max_ms ? d : x->reconnect_max_ms;
}

/*
 * Connects from the worker, synchronously: a refusal (wrong CA, bad
 * credentials) is recorded with the server's reason, which the library's
 * own background retry would lose (it closes the connection, or says only
 * "no server available"). Once connected, the library reconnects by itself
 * after a drop; a connection it closed for good is made again here, so a
 * fixed server or rotated credentials file is picked up. After a failure
 * the next attempt waits the reconnect back-off.
 */
static int connect_now(struct vg_output *o, struct nats_out *x)
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
		jo.Wait = x->ack_timeout_ms;
		s = natsConnection_JetStream(&x->js, x->nc, &jo);
	}
	if (s == NATS_OK) {
		x->connect_failures = 0;
		x->stream_ok = false;
		return 0;
	}
	/* the library's text names no secret: only statuses and the server's -ERR */
	why = nats_GetLastError(&st);
	vg_output_error(o, "cannot connect to %s: %s%s%s", x->shown_urls, natsStatus_GetText(s),
			why && *why ? ": " : "", why && *why ? why : "");
	if (x->connect_failures < 64)
		x->connect_failures++;
	x->quiet_until_ns = mono_ns() + (uint64_t)backoff_ms(x, x->connect_failures) * 1000000ull;
	return -1;
}

/* The cluster answers and the stream is there (unless it just failed: back-off). */
static bool ready(struct vg_output *o)
{
	struct nats_out *x = o->priv;

	if (mono_ns() < x->quiet_until_ns)
		return false;
	if (!x->nc || natsConnection_Status(x->nc) == NATS_CONN_STATUS_CLOSED) {
		if (connect_now(o, x) != 0)
			return false;
	}
	if (!connected(x)) {
		vg_output_error(o, "not connected to %s (reconnecting)", x->shown_urls);
		return false;
	}
	return ensure_stream(o, x) == 0;
}

static const struct vg_durable_ops nats_durable = {
	.ready = ready,
	.deliver = publish,
	.describe = make_subject,
	.failed = failed,
};

static size_t nats_send(struct vg_output *o, struct vg_msg *const *msgs, size_t n, size_t *refused)
{
	struct nats_out *x = o->priv;

	*refused = 0;
	return vg_durable_send(&x->dur, o, msgs, n);
}

static uint32_t nats_idle(struct vg_output *o)
{
	struct nats_out *x = o->priv;

	return vg_durable_idle(&x->dur, o);
}

static void nats_stats(struct vg_output *o, struct vg_output_stats *st)
{
	struct nats_out *x = o->priv;

	if (x)
		vg_durable_stats(&x->dur, st);
}

/* The library's reconnect back-off after a drop: the worker's, per round of the seeds. */
static int64_t reconnect_delay(natsConnection *nc, int attempts, void *arg)
{
	(void)nc;
	return backoff_ms(arg, attempts > 0 ? (uint32_t)attempts : 1);
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static int set_options(struct nats_out *x, const struct vg_output_config *c)
{
	natsOptions *op;
	char name[128];

	if (natsOptions_Create(&op) != NATS_OK) {
		fprintf(stderr, "vigil: nats output: out of memory\n");
		return -1;
	}
	x->opts = op;
	snprintf(name, sizeof(name), "vigil %s", x->host);
	if (vg_nats_options(op, &c->nats, name) != 0)
		return -1;
	natsOptions_SetMaxReconnect(op, -1);
	natsOptions_SetCustomReconnectDelay(op, reconnect_delay, x);
	return 0;
}

/* The seeds, comma-separated, with their passwords and tokens masked. */
static int show_urls(struct nats_out *x, const struct vg_output_config *c)
{
	size_t cap = 16;
	char *p;

	for (size_t i = 0; i < c->nats.n_urls; i++)
		cap += 3 * strlen(c->nats.urls[i]) + 8;
	x->shown_urls = p = calloc(1, cap);
	if (!p)
		return -1;
	for (size_t i = 0; i < c->nats.n_urls; i++) {
		size_t len = strlen(p);

		if (i)
			p[len++] = ',';
		vg_url_redact(c->nats.urls[i], p + len, cap - len);
	}
	return 0;
}

static int init_identity(struct nats_out *x, const struct vg_output_config *c)
{
	char hn[256] = "";

	x->host_set = nonempty(c->nats.host) != NULL;
	if (!x->host_set && gethostname(hn, sizeof(hn) - 1) != 0)
		snprintf(hn, sizeof(hn), "unknown");
	vg_nats_subject_token(x->host_set ? c->nats.host : hn, x->host);
	if (getrandom(&x->instance, sizeof(x->instance), 0) != sizeof(x->instance)) {
		fprintf(stderr, "vigil: nats output: getrandom: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int nats_init(struct vg_output *o, const struct vg_output_config *c)
{
	struct nats_out *x = calloc(1, sizeof(*x));
	bool oom = false;

	if (!x) {
		fprintf(stderr, "vigil: nats output: out of memory\n");
		return -1;
	}
	o->priv = x;
	/* first: fini runs after every failure below */
	if (vg_durable_init(&x->dur, &nats_durable, "nats output", "nats_output.spool_dir",
			    c->nats.spool_dir, c->nats.spool_max_bytes,
			    c->nats.spool_max_age_s) != 0)
		return -1;
	if (!c->nats.n_urls) {
		fprintf(stderr, "vigil: nats output: no server (nats_output.urls)\n");
		return -1;
	}
	x->prefix = vg_out_strdup(
		nonempty(c->nats.subject_prefix) ? c->nats.subject_prefix : "vigil.alerts", &oom);
	x->stream = vg_out_strdup(nonempty(c->nats.stream) ? c->nats.stream : "VIGIL_ALERTS", &oom);
	if (oom || show_urls(x, c) != 0 || init_identity(x, c) != 0) {
		fprintf(stderr, "vigil: nats output: out of memory\n");
		return -1;
	}
	x->create_stream = c->nats.create_stream;
	x->replicas = c->nats.replicas ? (int)c->nats.replicas : 1;
	x->dup_window_ns =
		(int64_t)(c->nats.duplicate_window_s ? c->nats.duplicate_window_s : 120) *
		1000000000ll;
	x->ack_timeout_ms = c->nats.ack_timeout_ms ? c->nats.ack_timeout_ms : 5000;
	x->reconnect_ms = c->nats.reconnect_wait_ms ? c->nats.reconnect_wait_ms : 250;
	x->reconnect_max_ms = c->nats.reconnect_max_wait_ms ? c->nats.reconnect_max_wait_ms : 10000;
	x->retry_wait_ms = o->retry_initial_ms;
	x->dur.retry_wait_ms = x->retry_wait_ms;
	/* no connection here: the worker makes it (connect_now), start-up never waits */
	return set_options(x, c);
}

static void nats_fini(struct vg_output *o)
{
	struct nats_out *x = o->priv;

	if (!x)
		return;
	if (x->js)
		jsCtx_Destroy(x->js);
	if (x->nc)
		natsConnection_Destroy(x->nc);
	if (x->opts)
		natsOptions_Destroy(x->opts);
	vg_durable_fini(&x->dur);
	free(x->prefix);
	free(x->stream);
	free(x->shown_urls);
	free(x);
	o->priv = NULL;
}

const struct vg_output_ops vg_output_nats_ops = {
	.init = nats_init,
	.send = nats_send,
	.idle = nats_idle,
	.stats = nats_stats,
	.fini = nats_fini,
};
