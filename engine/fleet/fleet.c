// SPDX-License-Identifier: Apache-2.0
/* The fleet's rules follower (fleet.h). */
#include "fleet/fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <time.h>

#include "config/config.h"
#include "delivery/nats_conn.h"
#include "delivery/outputs.h"
#include "metrics/metrics.h"

/* The metrics a heartbeat carries (name prefixes of the exposition's lines). */
static const char *const beat_metrics[] = {
	"vigil_build_info",	     "vigil_rules{",
	"vigil_reload_last_success", "vigil_reloads_total",
	"vigil_events_total",	     "vigil_kernel_events_dropped_total",
	"vigil_alerts_total",	     "vigil_output_dropped_total",
	"vigil_output_healthy",	     "vigil_output_sent_total",
	"vigil_output_spool_depth",
};

struct scope {
	char key[160];
	const char *file;
	uint64_t revision; /* of the value in the file; 0 = none */
};

struct vg_fleet {
	pthread_t thread;
	atomic_bool stop;
	natsOptions *opts;
	natsConnection *nc;
	char *bucket;
	char *dir;
	struct scope scopes[3];
	size_t nscopes;
	char last_error[256];
	struct vg_metrics *metrics;
	struct vg_outputs *outs;
	char *status_bucket;
	char *host;
	unsigned heartbeat_s;
	time_t next_beat;
	kvStore *status_kv;
};

int vg_fleet_key(const struct vg_config *cfg, const char *scope, const char *hostname, char *out,
		 unsigned cap)
{
	const char *v = NULL;

	if (!strcmp(scope, "fleet"))
		v = cfg->fleet.name;
	else if (!strcmp(scope, "group"))
		v = cfg->fleet.group;
	else if (!strcmp(scope, "host"))
		v = cfg->fleet.host && *cfg->fleet.host ? cfg->fleet.host
		    : cfg->outputs[VG_OUTPUT_NATS].nats.host &&
				    *cfg->outputs[VG_OUTPUT_NATS].nats.host
			    ? cfg->outputs[VG_OUTPUT_NATS].nats.host
			    : hostname;
	if (!v || !*v)
		return -1;
	return (unsigned)snprintf(out, cap, "%s.%s", scope, v) < cap ? 0 : -1;
}

/* Writes data to dir/file unless it holds that already: tmp + rename (one inotify event). */
static int write_rules(struct vg_fleet *f, const char *file, const void *data, int len)
{
	char path[4096], tmp[4200], old[1 << 16];
	int fd, n = -1;

	snprintf(path, sizeof(path), "%s/%s", f->dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = (int)read(fd, old, sizeof(old));
		close(fd);
	}
	if (n == len && len < (int)sizeof(old) && !memcmp(old, data, (size_t)len))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", f->dir, file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, data, (size_t)len) != len || fsync(fd) != 0) {
		int e = errno ? errno : EIO;

		close(fd);
		unlink(tmp);
		return -e;
	}
	close(fd);
	return rename(tmp, path) == 0 ? 1 : -errno;
}

static void apply(struct vg_fleet *f, kvEntry *e)
{
	const char *key = kvEntry_Key(e);
	char path[4096];
	int rc = 0;

	for (size_t i = 0; i < f->nscopes; i++) {
		if (strcmp(key, f->scopes[i].key))
			continue;
		if (kvEntry_Operation(e) == kvOp_Put) {
			rc = write_rules(f, f->scopes[i].file, kvEntry_Value(e),
					 kvEntry_ValueLen(e));
		} else {
			snprintf(path, sizeof(path), "%s/%s", f->dir, f->scopes[i].file);
			rc = unlink(path) == 0 ? 1 : errno == ENOENT ? 0 : -errno;
		}
		if (rc >= 0)
			f->scopes[i].revision =
				kvEntry_Operation(e) == kvOp_Put ? kvEntry_Revision(e) : 0;
		if (rc < 0)
			fprintf(stderr, "vigil: fleet: writing %s/%s for key %s: %s\n", f->dir,
				f->scopes[i].file, key, strerror(-rc));
		else if (rc > 0)
			fprintf(stderr, "vigil: fleet: %s revision %llu %s; rules reload follows\n",
				key, (unsigned long long)kvEntry_Revision(e),
				kvEntry_Operation(e) == kvOp_Put ? "written" : "deleted");
	}
}

/* Says why following stopped working, once per distinct reason. */
static void say(struct vg_fleet *f, const char *what, natsStatus s)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s: %s", what, natsStatus_GetText(s));
	if (strcmp(msg, f->last_error)) {
		fprintf(stderr, "vigil: fleet: bucket %s: %s (retrying)\n", f->bucket, msg);
		snprintf(f->last_error, sizeof(f->last_error), "%s", msg);
	}
}

/* FNV-1a 64 of the fleet's rules files as they are now: what this host runs. */
static uint64_t rules_hash(const struct vg_fleet *f)
{
	uint64_t h = 1469598103934665603ull;
	char path[4096], buf[8192];

	for (size_t i = 0; i < f->nscopes; i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", f->dir, f->scopes[i].file);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			for (ssize_t k = 0; k < n; k++)
				h = (h ^ (unsigned char)buf[k]) * 1099511628211ull;
		close(fd);
	}
	return h;
}

/* The chosen lines of the metrics exposition, as {"name{labels}": value}. */
static json_object *beat_metrics_json(struct vg_metrics *m)
{
	json_object *o = json_object_new_object();
	size_t len;
	char *text = m ? vg_metrics_render(m, &len) : NULL, *save = NULL;

	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');
		bool want = false;

		for (size_t i = 0; i < sizeof(beat_metrics) / sizeof(beat_metrics[0]); i++)
			want |= !strncmp(line, beat_metrics[i], strlen(beat_metrics[i]));
		if (!want || !sp || line[0] == '#')
			continue;
		*sp = '\0';
		json_object_object_add(o, line, json_object_new_double(strtod(sp + 1, NULL)));
	}
	free(text);
	return o;
}

static void beat_output(const struct vg_output_stats *st, void *arg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "sent", json_object_new_int64((int64_t)st->sent));
	json_object_object_add(o, "dropped",
			       json_object_new_int64((int64_t)vg_output_stats_dropped(st)));
	json_object_object_add(o, "failing", json_object_new_boolean(st->failing));
	json_object_object_add(o, "last_error", json_object_new_string(st->last_error));
	json_object_object_add(arg, st->name, o);
}

/* One heartbeat: host.HOST in the status bucket (created when missing). */
static void heartbeat(struct vg_fleet *f, jsCtx *js)
{
	json_object *o = json_object_new_object(), *revs = json_object_new_object();
	char key[160], hash[20];
	const char *text;
	natsStatus s = NATS_OK;

	if (!f->status_kv && js_KeyValue(&f->status_kv, js, f->status_bucket) != NATS_OK) {
		kvConfig kc;

		kvConfig_Init(&kc);
		kc.Bucket = f->status_bucket;
		kc.History = 1;
		s = js_CreateKeyValue(&f->status_kv, js, &kc);
	}
	if (s != NATS_OK) {
		say(f, "status bucket", s);
		f->status_kv = NULL;
		json_object_put(o);
		json_object_put(revs);
		return;
	}
	for (size_t i = 0; i < f->nscopes; i++)
		json_object_object_add(revs, f->scopes[i].key,
				       json_object_new_int64((int64_t)f->scopes[i].revision));
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)rules_hash(f));
	json_object_object_add(o, "host", json_object_new_string(f->host));
	json_object_object_add(o, "time", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "heartbeat_s", json_object_new_int64(f->heartbeat_s));
	json_object_object_add(o, "rules_revisions", revs);
	json_object_object_add(o, "rules_hash", json_object_new_string(hash));
	json_object_object_add(o, "metrics", beat_metrics_json(f->metrics));
	if (f->outs) {
		json_object *outs = json_object_new_object();

		vg_outputs_stats(f->outs, beat_output, outs);
		json_object_object_add(o, "outputs", outs);
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	snprintf(key, sizeof(key), "host.%s", f->host);
	s = kvStore_PutString(NULL, f->status_kv, key, text);
	if (s != NATS_OK)
		say(f, "heartbeat", s);
	json_object_put(o);
}

static void maybe_beat(struct vg_fleet *f, jsCtx *js)
{
	time_t now = time(NULL);

	if (!f->heartbeat_s || now < f->next_beat)
		return;
	f->next_beat = now + f->heartbeat_s;
	heartbeat(f, js);
}

/* One watch of the bucket, until it fails or stop. */
static void watch_once(struct vg_fleet *f)
{
	jsCtx *js = NULL;
	kvStore *kv = NULL;
	kvWatcher *w = NULL;
	natsStatus s;

	s = natsConnection_JetStream(&js, f->nc, NULL);
	if (s == NATS_OK) /* a host with no rules in the bucket yet still reports */
		maybe_beat(f, js);
	if (s == NATS_OK && (s = js_KeyValue(&kv, js, f->bucket)) != NATS_OK)
		say(f, "binding", s);
	if (s == NATS_OK && (s = kvStore_WatchAll(&w, kv, NULL)) != NATS_OK)
		say(f, "watching", s);
	if (s == NATS_OK)
		f->last_error[0] = '\0';
	while (s == NATS_OK && !atomic_load(&f->stop)) {
		kvEntry *e = NULL;

		maybe_beat(f, js);
		s = kvWatcher_Next(&e, w, 500);
		if (s == NATS_TIMEOUT) {
			s = NATS_OK;
			continue;
		}
		if (s != NATS_OK) {
			say(f, "watch", s);
			break;
		}
		if (e) { /* NULL: the initial values are all in */
			apply(f, e);
			/* the reload follows the file; the next beat says what runs */
			f->next_beat = time(NULL) + 2;
		}
		kvEntry_Destroy(e);
	}
	kvWatcher_Destroy(w);
	kvStore_Destroy(kv);
	kvStore_Destroy(f->status_kv);
	f->status_kv = NULL;
	jsCtx_Destroy(js);
}

static void *follow(void *arg)
{
	struct vg_fleet *f = arg;

	while (!atomic_load(&f->stop)) {
		if (natsConnection_Status(f->nc) == NATS_CONN_STATUS_CONNECTED)
			watch_once(f);
		for (int i = 0; i < 10 && !atomic_load(&f->stop); i++)
			usleep(100000);
	}
	return NULL;
}

static void on_connected(natsConnection *nc, void *arg)
{
	(void)nc;
	(void)arg;
}

static int add_scopes(struct vg_fleet *f, const struct vg_config *cfg, const char *hostname)
{
	static const char *const scopes[] = {"fleet", "group", "host"};
	static const char *const files[] = {"10-fleet.yaml", "20-group.yaml", "30-host.yaml"};

	for (size_t i = 0; i < 3; i++) {
		struct scope *sc = &f->scopes[f->nscopes];

		if (vg_fleet_key(cfg, scopes[i], hostname, sc->key, sizeof(sc->key)) != 0)
			continue;
		sc->file = files[i];
		f->nscopes++;
	}
	return f->nscopes ? 0 : -1;
}

struct vg_fleet *vg_fleet_start(const struct vg_config *cfg, const char *hostname,
				struct vg_metrics *metrics, struct vg_outputs *outs)
{
	char hostkey[160];

	const struct vg_output_config *oc = &cfg->outputs[VG_OUTPUT_NATS];
	struct vg_fleet *f = calloc(1, sizeof(*f));
	natsStatus s;

	if (!f || !(f->bucket = strdup(cfg->fleet.bucket)) ||
	    !(f->dir = strdup(cfg->fleet.rules_dir)) || add_scopes(f, cfg, hostname) != 0 ||
	    vg_fleet_key(cfg, "host", hostname, hostkey, sizeof(hostkey)) != 0 ||
	    !(f->host = strdup(hostkey + 5)) ||
	    !(f->status_bucket = strdup(cfg->fleet.status_bucket))) {
		fprintf(stderr, "vigil: fleet: out of memory\n");
		goto fail;
	}
	f->metrics = metrics;
	f->outs = outs;
	f->heartbeat_s = cfg->fleet.heartbeat_s;
	if (!oc->nats.n_urls) {
		fprintf(stderr, "vigil: fleet: no servers (nats_output.urls)\n");
		goto fail;
	}
	if (mkdir(f->dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "vigil: fleet: rules_dir %s: %s\n", f->dir, strerror(errno));
		goto fail;
	}
	if (natsOptions_Create(&f->opts) != NATS_OK ||
	    vg_nats_options(f->opts, oc, "vigil fleet rules") != 0)
		goto fail;
	natsOptions_SetMaxReconnect(f->opts, -1);
	natsOptions_SetRetryOnFailedConnect(f->opts, true, on_connected, f);
	s = natsConnection_Connect(&f->nc, f->opts);
	if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
		fprintf(stderr, "vigil: fleet: connecting: %s\n", natsStatus_GetText(s));
		goto fail;
	}
	if (pthread_create(&f->thread, NULL, follow, f) != 0) {
		fprintf(stderr, "vigil: fleet: no thread\n");
		goto fail;
	}
	return f;
fail:
	if (f && f->nc)
		natsConnection_Destroy(f->nc);
	if (f && f->opts)
		natsOptions_Destroy(f->opts);
	if (f) {
		free(f->bucket);
		free(f->dir);
		free(f->host);
		free(f->status_bucket);
	}
	free(f);
	return NULL;
}

void vg_fleet_stop(struct vg_fleet *f)
{
	if (!f)
		return;
	atomic_store(&f->stop, true);
	pthread_join(f->thread, NULL);
	natsConnection_Destroy(f->nc);
	natsOptions_Destroy(f->opts);
	free(f->bucket);
	free(f->dir);
	free(f->host);
	free(f->status_bucket);
	free(f);
}
