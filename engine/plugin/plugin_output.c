// SPDX-License-Identifier: Apache-2.0
/*
 * A plugin's output as one more output kind of delivery/: the same bounded
 * queue, worker thread, retries with back-off and counters as the built-in
 * ones (delivery/outputs.c), with the plugin's output_alert() (or output())
 * as the send. Every alert gets its metadata and a stable id through
 * delivery/durable, and, when the plugin asked for it (host->output_spool),
 * the bounded on-disk spool.
 *
 * The spool keeps one string of routing metadata per alert:
 * host US source US priority US rule (US = 0x1f, which the pieces cannot
 * hold: control bytes become '_'), so a spooled alert is handed over with
 * the same metadata and id after a restart. A spool of the former
 * built-in nats output (its route the subject) is read as well.
 */
#include "plugin/plugin_internal.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <vigil/plugin.h>

#include "delivery/durable.h"

#define SEP	    '\x1f'
#define HOST_MAX    256
#define SOURCE_MAX  64
#define RULE_MAX    640 /* what route keeps of a longer rule name */
#define ID_HOST_MAX 64

struct plugin_out {
	struct vg_plugin_loaded *pl;
	struct vg_durable dur;
	char host[HOST_MAX]; /* vigil's host name: for alerts without "hostname" */
	uint64_t instance;   /* random per run: ids unique across restarts */
	uint64_t quiet_until_ns;
};

static const char *const prio_names[] = {"emergency", "alert",	"critical",	 "error",
					 "warning",   "notice", "informational", "debug"};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Hostile text to a printable piece of at most max-1 bytes: control bytes become '_'. */
static size_t put_piece(char *out, size_t max, const char *in)
{
	size_t n = 0;

	for (; in && *in && n + 1 < max; in++)
		out[n++] = (unsigned char)*in < 0x20 || *in == 0x7f ? '_' : *in;
	out[n] = '\0';
	return n;
}

/* The alert's "hostname" and "source" (the JSON the alert writer made). */
static void alert_host_source(struct plugin_out *p, const struct vg_msg *m, char *host,
			      char *source)
{
	json_tokener *t = json_tokener_new();
	json_object *root = NULL, *v;

	if (t) {
		root = json_tokener_parse_ex(t, m->json, (int)m->json_len);
		json_tokener_free(t);
	}
	put_piece(host, HOST_MAX,
		  root && json_object_object_get_ex(root, "hostname", &v) &&
				  json_object_get_string(v) && *json_object_get_string(v)
			  ? json_object_get_string(v)
			  : p->host);
	put_piece(source, SOURCE_MAX,
		  root && json_object_object_get_ex(root, "source", &v) && json_object_get_string(v)
			  ? json_object_get_string(v)
			  : "syscall");
	json_object_put(root);
}

/* durable's describe: route = host US source US priority US rule; id = host-instance-seq. */
static void describe(struct vg_output *o, const struct vg_msg *m, uint64_t seq, char *route,
		     char *id)
{
	struct plugin_out *p = o->priv;
	char host[HOST_MAX], source[SOURCE_MAX], rule[RULE_MAX], idhost[ID_HOST_MAX];
	int prio = m->priority >= 0 && m->priority < 8 ? m->priority : 7;

	alert_host_source(p, m, host, source);
	put_piece(rule, sizeof(rule), m->rule);
	snprintf(route, VG_DURABLE_ROUTE_MAX, "%s%c%s%c%d%c%s", host, SEP, source, SEP, prio, SEP,
		 rule);
	/* the id's host part: [A-Za-z0-9._-] only, so an id is safe in any header */
	size_t n = put_piece(idhost, sizeof(idhost), host);
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    idhost[i]))
			idhost[i] = '_';
	snprintf(id, VG_DURABLE_ID_MAX, "%s-%016llx-%llu", n ? idhost : "_",
		 (unsigned long long)p->instance, (unsigned long long)seq);
}

/* route back into its four pieces (in buf); false when it is not one of ours. */
static bool split_route(const char *route, char *buf, size_t max, char *piece[4])
{
	size_t len = strlen(route);

	if (len >= max)
		return false;
	memcpy(buf, route, len + 1);
	piece[0] = buf;
	for (int k = 1; k < 4; k++) {
		char *sep = strchr(piece[k - 1], SEP);

		if (!sep)
			return false;
		*sep = '\0';
		piece[k] = sep + 1;
	}
	return true;
}

/*
 * A spool written by vigil's former built-in nats output keeps the subject
 * <prefix>.<host>.<source>.<priority>.<rule> as its route: its last four
 * tokens are the pieces (priority by name), so alerts spooled before an
 * upgrade are published again on the same subject. False when it is not.
 */
static bool split_subject(const char *route, char *buf, size_t max, char *piece[4])
{
	size_t len = strlen(route);
	int k = 4;

	if (len >= max)
		return false;
	memcpy(buf, route, len + 1);
	while (k > 0) {
		char *dot = strrchr(buf, '.');

		if (!dot)
			return false;
		piece[--k] = dot + 1;
		*dot = '\0';
	}
	for (int p = 0; p < 8; p++)
		if (strcmp(piece[2], prio_names[p]) == 0) {
			/* the number in place of the name: as split_route's pieces */
			piece[2][0] = (char)('0' + p);
			piece[2][1] = '\0';
			return true;
		}
	return false;
}

static int deliver(struct vg_output *o, const struct vg_durable_item *it)
{
	struct plugin_out *p = o->priv;
	char buf[VG_DURABLE_ROUTE_MAX], *piece[4], err[256];
	struct vg_plugin_alert a = {
		.line = it->data, .len = it->len, .id = it->id, .wall_ns = it->wall_ns};
	int r;

	if (!split_route(it->route, buf, sizeof(buf), piece) &&
	    !split_subject(it->route, buf, sizeof(buf), piece)) {
		/* a spool record of another kind of route: hand the line over as it is */
		piece[0] = piece[1] = piece[3] = (char *)"";
		piece[2] = (char *)"7";
	}
	a.host = piece[0];
	a.source = piece[1];
	a.priority_num =
		piece[2][0] >= '0' && piece[2][0] <= '7' ? (uint32_t)(piece[2][0] - '0') : 7;
	a.priority = prio_names[a.priority_num];
	a.rule = piece[3];
	r = vg_plugin_output(p->pl, &a, err, sizeof(err));
	if (r != 0) {
		/* the plugin's text: printable only, it may echo hostile bytes */
		put_piece(err, sizeof(err), err);
		vg_output_error(o, "plugin '%s': %s%s(output returned %d)", vg_plugin_name(p->pl),
				err, err[0] ? " " : "", r);
		return -1;
	}
	return 0;
}

static bool ready(struct vg_output *o)
{
	struct plugin_out *p = o->priv;

	return mono_ns() >= p->quiet_until_ns;
}

/* With a spool: the output is left alone for the first retry wait after a failure. */
static void failed(struct vg_output *o)
{
	struct plugin_out *p = o->priv;

	p->quiet_until_ns = mono_ns() + (uint64_t)p->dur.retry_wait_ms * 1000000ull;
}

static const struct vg_durable_ops plugin_durable = {
	.ready = ready,
	.deliver = deliver,
	.describe = describe,
	.failed = failed,
};

static int p_init(struct vg_output *o, const struct vg_output_config *cfg)
{
	struct plugin_out *p = calloc(1, sizeof(*p));
	const struct vg_plugin_spool *sp;
	char key[128];

	if (!p || !cfg->ext.arg) {
		free(p);
		return -1;
	}
	o->priv = p;
	p->pl = cfg->ext.arg;
	sp = vg_plugin_spool(p->pl);
	snprintf(key, sizeof(key), "output_spool() of plugin '%s'", vg_plugin_name(p->pl));
	if (vg_durable_init(&p->dur, &plugin_durable, vg_plugin_name(p->pl), key,
			    sp ? sp->dir : NULL, sp ? sp->max_bytes : 0, sp ? sp->max_age_s : 0))
		return -1;
	p->dur.retry_wait_ms = o->retry_initial_ms;
	if (gethostname(p->host, sizeof(p->host) - 1) != 0)
		snprintf(p->host, sizeof(p->host), "unknown");
	if (getrandom(&p->instance, sizeof(p->instance), 0) != sizeof(p->instance)) {
		fprintf(stderr, "vigil: plugin '%s': getrandom: %s\n", vg_plugin_name(p->pl),
			strerror(errno));
		return -1;
	}
	return 0;
}

/* In the output's worker; a failure is retried by the framework (or spooled). */
static size_t p_send(struct vg_output *o, struct vg_msg *const *msgs, size_t n, size_t *refused)
{
	struct plugin_out *p = o->priv;

	*refused = 0;
	return vg_durable_send(&p->dur, o, msgs, n);
}

static uint32_t p_idle(struct vg_output *o)
{
	struct plugin_out *p = o->priv;

	return vg_durable_idle(&p->dur, o);
}

static void p_stats(struct vg_output *o, struct vg_output_stats *st)
{
	struct plugin_out *p = o->priv;

	if (p)
		vg_durable_stats(&p->dur, st);
}

static void p_fini(struct vg_output *o)
{
	struct plugin_out *p = o->priv;

	/* the plugin itself is the plugin's: destroyed with it, after the outputs stop */
	if (p) {
		vg_durable_fini(&p->dur);
		free(p);
	}
	o->priv = NULL;
}

const struct vg_output_ops vg_plugin_output_ops = {
	.init = p_init,
	.send = p_send,
	.idle = p_idle,
	.stats = p_stats,
	.fini = p_fini,
};
