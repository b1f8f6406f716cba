// SPDX-License-Identifier: Apache-2.0
/*
 * A plugin that misbehaves on purpose, one way per build (VARIANT_*), for
 * tests/plugins/plugins.sh: what vigil must refuse at load, and what it must
 * contain at run time. Built against include/vigil/plugin.h like any plugin.
 *   VARIANT_WRONG_MAJOR  declares plugin API major + 1
 *   VARIANT_NEWER_MINOR  declares a minor newer than vigil's
 *   VARIANT_INIT_FAIL    init() fails with a message
 *   VARIANT_DUP_FIELD    declares json.value, which the json plugin defines
 *   VARIANT_NO_SYMBOL    exports no vigil_plugin_init
 *   VARIANT_GARBAGE      a source "garbage" whose events and values are hostile
 *   VARIANT_FLOOD        a source pushing FLOOD_EVENTS events as fast as it can
 *   VARIANT_LIST         marks garbage.ok a list field (plugin API 1.1 field_flags)
 *   VARIANT_OLDER_MINOR  the same flags, but declares plugin API 1.0, which had
 *                        no field_flags: vigil must not read them
 *   VARIANT_ECHO_CONFIG  appends the init_config it is given, as it is, to the file
 *                        $VG_TEST_INIT_CONFIG_OUT (one record: 8 hex digits of
 *                        length, then the bytes), so a test reads what vigil wrote;
 *                        it calls itself $VG_TEST_PLUGIN_NAME when that is set
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin.h>

static const struct vg_plugin_field fields[] = {
#ifdef VARIANT_DUP_FIELD
	{"json.value", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_REQUIRED, "a second json.value"},
#endif
	{"garbage.ok", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE, "the event's text"},
	{"garbage.many", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE, "claims 1000 values"},
	{"garbage.nullstr", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE, "NULL with a length"},
	{"garbage.huge", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE, "a string over the bound"},
	{"garbage.num", VG_PLUGIN_FT_U64, VG_PLUGIN_ARG_NONE, "the event's length"},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
#if defined(VARIANT_LIST) || defined(VARIANT_OLDER_MINOR)
static const uint32_t field_flags[NFIELDS] = {VG_PLUGIN_FIELD_LIST};
#endif

struct state {
	const struct vg_plugin_host *host;
	pthread_t t;
	char *big;
};

#ifdef VARIANT_ECHO_CONFIG
/* Length-prefixed: the bytes may hold anything, newlines and NULs' neighbours included. */
static int echo_config(const char *config)
{
	const char *path = getenv("VG_TEST_INIT_CONFIG_OUT");
	size_t n = config ? strlen(config) : 0;
	FILE *f = path ? fopen(path, "ab") : NULL;
	int bad;

	if (!f)
		return -1;
	bad = fprintf(f, "%08zx", n) != 8 || fwrite(config ? config : "", 1, n, f) != n;
	return fclose(f) != 0 || bad ? -1 : 0;
}
#endif

static int p_init(const struct vg_plugin_host *host, const char *config, void **out, char *err,
		  size_t errlen)
{
	struct state *s = calloc(1, sizeof(*s));

	(void)config;
#ifdef VARIANT_ECHO_CONFIG
	if (echo_config(config) != 0) {
		snprintf(err, errlen, "cannot write $VG_TEST_INIT_CONFIG_OUT");
		free(s);
		return -1;
	}
#endif
#ifdef VARIANT_INIT_FAIL
	snprintf(err, errlen, "init_config '%s' is not what this plugin wants", config);
	free(s);
	return -1;
#endif
	if (!s || !(s->big = malloc(VG_PLUGIN_MAX_EVENT + 4096))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(s->big, 'x', VG_PLUGIN_MAX_EVENT + 4096);
	s->host = host;
	*out = s;
	return 0;
}

static void p_destroy(void *st)
{
	struct state *s = st;

	free(s->big);
	free(s);
}

#define FLOOD_EVENTS 200000

/* Three events: an oversized one (refused), one vigil must survive, one marker. */
static void *produce(void *arg)
{
	struct state *s = arg;
#ifdef VARIANT_FLOOD
	unsigned refused = 0;
	char msg[96];

	for (unsigned i = 0; i < FLOOD_EVENTS; i++)
		refused += s->host->push(s->host->ctx, 0, "flood", 5) != 0;
	snprintf(msg, sizeof(msg), "flood: %u of %u events refused", refused, FLOOD_EVENTS);
	s->host->log(s->host->ctx, VG_PLUGIN_LOG_INFO, msg);
	return NULL;
#endif
	static const char marker[] = "garbage-marker";

	if (s->host->push(s->host->ctx, 0, s->big, VG_PLUGIN_MAX_EVENT + 1) != 0)
		s->host->log(s->host->ctx, VG_PLUGIN_LOG_WARNING, "oversized event refused");
	s->host->push(s->host->ctx, 0, "", 0);
	s->host->push(s->host->ctx, 1, marker, sizeof(marker) - 1);
	return NULL;
}

static int p_start(void *st)
{
	struct state *s = st;

	return pthread_create(&s->t, NULL, produce, s);
}

static void p_stop(void *st)
{
	struct state *s = st;

	pthread_join(s->t, NULL);
}

static int p_extract(void *st, uint32_t field, const char *arg, const struct vg_plugin_event *ev,
		     struct vg_plugin_value *out, uint32_t max)
{
	struct state *s = st;
	const char *name = fields[field].name;

	(void)arg;
	(void)max; /* ignored on purpose: garbage.many writes past nothing but claims 1000 */
	if (!strcmp(name, "garbage.ok")) {
		out[0].str = ev->data;
		out[0].len = ev->len;
		return 1;
	}
	if (!strcmp(name, "garbage.many"))
		return 1000;
	if (!strcmp(name, "garbage.nullstr")) {
		out[0].str = NULL;
		out[0].len = 5;
		return 1;
	}
	if (!strcmp(name, "garbage.huge")) {
		out[0].str = s->big;
		out[0].len = VG_PLUGIN_MAX_STRING + 1;
		return 1;
	}
	out[0].u64 = ev->len;
	return 1;
}

#ifndef VARIANT_NO_SYMBOL
int vigil_plugin_init(const struct vg_plugin_host *host, struct vg_plugin_info *out)
#else
VG_PLUGIN_EXPORT int not_a_plugin(const struct vg_plugin_host *host, struct vg_plugin_info *out);
int not_a_plugin(const struct vg_plugin_host *host, struct vg_plugin_info *out)
#endif
{
	(void)host;
	*out = (struct vg_plugin_info){
		.api_major = VG_PLUGIN_API_MAJOR,
		.api_minor = VG_PLUGIN_API_MINOR,
		.name = "garbage",
		.version = "0.0.1",
		.source = "garbage",
		.fields = fields,
		.nfields = NFIELDS,
		.init = p_init,
		.destroy = p_destroy,
		.start = p_start,
		.stop = p_stop,
		.extract = p_extract,
	};
#ifdef VARIANT_WRONG_MAJOR
	out->api_major = VG_PLUGIN_API_MAJOR + 1;
#endif
#ifdef VARIANT_NEWER_MINOR
	out->api_minor = VG_PLUGIN_API_MINOR + 1;
#endif
#if defined(VARIANT_LIST) || defined(VARIANT_OLDER_MINOR)
	out->field_flags = field_flags;
#endif
#ifdef VARIANT_OLDER_MINOR
	out->api_minor = 0;
#endif
#ifdef VARIANT_ECHO_CONFIG
	/* whichever plugins: entry it stands for (nats, to see nats_output's init_config) */
	if (getenv("VG_TEST_PLUGIN_NAME"))
		out->name = getenv("VG_TEST_PLUGIN_NAME");
#endif
	return 0;
}
