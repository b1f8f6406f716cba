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

#include <time.h>
#include <yaml.h>

#include "alert/json_buf.h"
#include "config/config.h"
#include "delivery/nats_conn.h"
#include "delivery/outputs.h"
#include "kernel/features.h"
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

/*
 * The top-level keys a fleet config override may set: those the reload
 * applies live (cli/reload.c's restart_keys lists the same). Anything else
 * would sit in the file waiting for a restart: refused instead.
 */
static const char *const overridable[] = {"priority", "rules", "rule_matching"};

struct scope {
	char key[160];
	const char *file;
	const char *dir;   /* the fleet's rules_dir or config_dir */
	bool config;	   /* a config override, checked before it is written */
	uint64_t revision; /* of the value in the file; 0 = none */
	char error[512];   /* why the last value was refused; "" = it was not */
};

struct vg_fleet {
	pthread_t thread;
	atomic_bool stop;
	natsOptions *opts;
	natsConnection *nc;
	char *bucket;
	char *dir;
	char *cfgdir;
	struct scope scopes[6];
	size_t nscopes;
	char last_error[256];
	struct vg_metrics *metrics;
	struct vg_outputs *outs;
	char *status_bucket;
	char *host;
	unsigned heartbeat_s;
	time_t next_beat;
	kvStore *status_kv;
	/* what `vigil features --json` says, probed once: its two members as JSON text */
	char *features, *hooks;
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
static int write_file(const char *dir, const char *file, const void *data, int len)
{
	char path[4096], tmp[4200], old[1 << 16];
	int fd, n = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = (int)read(fd, old, sizeof(old));
		close(fd);
	}
	if (n == len && len < (int)sizeof(old) && !memcmp(old, data, (size_t)len))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, file);
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

static bool is_overridable(const char *name)
{
	for (size_t i = 0; i < sizeof(overridable) / sizeof(*overridable); i++)
		if (!strcmp(name, overridable[i]))
			return true;
	return false;
}

/* The override's shape: a YAML mapping whose every top-level key is overridable. */
static int check_keys(const char *key, const void *data, size_t len, char *err, size_t cap)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_initialize(&p))
		return snprintf(err, cap, "%s: out of memory", key), -1;
	yaml_parser_set_input_string(&p, data, len);
	if (!yaml_parser_load(&p, &doc)) {
		snprintf(err, cap, "%s:%zu:%zu: %s", key, p.problem_mark.line + 1,
			 p.problem_mark.column + 1, p.problem ? p.problem : "not YAML");
		yaml_parser_delete(&p);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root && root->type != YAML_MAPPING_NODE) {
		snprintf(err, cap, "%s:%zu:%zu: a mapping of config keys was expected", key,
			 root->start_mark.line + 1, root->start_mark.column + 1);
		rc = -1;
	}
	for (yaml_node_pair_t *pr = root && !rc ? root->data.mapping.pairs.start : NULL;
	     pr && pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
		const char *name = k && k->type == YAML_SCALAR_NODE
					   ? (const char *)k->data.scalar.value
					   : "(not a name)";

		if (is_overridable(name))
			continue;
		snprintf(err, cap,
			 "%s:%zu:%zu: %s cannot be set from the fleet: only priority, rules and "
			 "rule_matching, which a reload applies live (set the others in the "
			 "host's config; they take a restart)",
			 key, k ? k->start_mark.line + 1 : 1, k ? k->start_mark.column + 1 : 1,
			 name);
		rc = -1;
		break;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return rc;
}

/* err's text with every tmp replaced by key: the error names the bucket's key. */
static void name_key(char *err, size_t cap, const char *tmp, const char *key)
{
	char out[1024], *at;
	size_t n = 0;

	for (const char *s = err; *s && n + 1 < sizeof(out);) {
		at = strstr(s, tmp);
		if (at == s) {
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s", key);
			s += strlen(tmp);
		} else {
			out[n++] = *s++;
		}
	}
	out[n < sizeof(out) ? n : sizeof(out) - 1] = '\0';
	snprintf(err, cap, "%s", out);
}

int vg_fleet_config_check(const char *key, const void *data, size_t len, char *err, size_t cap)
{
	char tmp[] = "/tmp/vigil-fleet-config-XXXXXX.yaml";
	struct vg_config c;
	struct vg_config_err e;
	int fd, rc;

	if (check_keys(key, data, len, err, cap) != 0)
		return -1;
	/* the values as the reload will read them: the config loader on the value alone */
	fd = mkstemps(tmp, 5);
	if (fd < 0)
		return snprintf(err, cap, "%s: %s: %s", key, tmp, strerror(errno)), -1;
	rc = write(fd, data, len) == (ssize_t)len ? 0 : -1;
	close(fd);
	if (rc != 0) {
		snprintf(err, cap, "%s: writing %s failed", key, tmp);
	} else if ((rc = vg_config_load(&c, tmp, NULL, 0, &e)) != 0) {
		snprintf(err, cap, "%s", e.text);
		name_key(err, cap, tmp, key);
	} else {
		vg_config_free(&c);
	}
	unlink(tmp);
	return rc;
}

static void apply_scope(struct scope *sc, kvEntry *e)
{
	const char *key = kvEntry_Key(e);
	unsigned long long rev = (unsigned long long)kvEntry_Revision(e);
	bool put = kvEntry_Operation(e) == kvOp_Put;
	char path[4096];
	int rc;

	if (put && sc->config &&
	    vg_fleet_config_check(key, kvEntry_Value(e), (size_t)kvEntry_ValueLen(e), sc->error,
				  sizeof(sc->error)) != 0) {
		fprintf(stderr,
			"vigil: fleet: %s revision %llu refused, the previous overrides stay in "
			"force: %s\n",
			key, rev, sc->error);
		return;
	}
	sc->error[0] = '\0';
	if (put) {
		rc = write_file(sc->dir, sc->file, kvEntry_Value(e), kvEntry_ValueLen(e));
	} else {
		snprintf(path, sizeof(path), "%s/%s", sc->dir, sc->file);
		rc = unlink(path) == 0 ? 1 : errno == ENOENT ? 0 : -errno;
	}
	if (rc >= 0)
		sc->revision = put ? rev : 0;
	if (rc < 0)
		fprintf(stderr, "vigil: fleet: writing %s/%s for key %s: %s\n", sc->dir, sc->file,
			key, strerror(-rc));
	else if (rc > 0)
		fprintf(stderr, "vigil: fleet: %s revision %llu %s; %s reload follows\n", key, rev,
			put ? "written" : "deleted", sc->config ? "config" : "rules");
}

static void apply(struct vg_fleet *f, kvEntry *e)
{
	for (size_t i = 0; i < f->nscopes; i++)
		if (!strcmp(kvEntry_Key(e), f->scopes[i].key))
			apply_scope(&f->scopes[i], e);
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

		if (f->scopes[i].config)
			continue;
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

/* Calls fn for each chosen line of the metrics exposition: "name{labels}" and its value. */
static void beat_metric_lines(const char *text, void (*fn)(const char *, size_t, double, void *),
			      void *arg)
{
	for (const char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		size_t len = (nl = strchr(line, '\n')) ? (size_t)(nl - line) : strlen(line);
		const char *sp = len ? memrchr(line, ' ', len) : NULL;
		bool want = false;

		for (size_t i = 0; i < sizeof(beat_metrics) / sizeof(beat_metrics[0]); i++)
			want |= !strncmp(line, beat_metrics[i], strlen(beat_metrics[i]));
		if (want && sp && line[0] != '#')
			fn(line, (size_t)(sp - line), strtod(sp + 1, NULL), arg);
	}
}

static void beat_metric(const char *name, size_t len, double v, void *arg)
{
	vg_jb_key_n(arg, name, len);
	vg_jb_double(arg, v);
}

struct drops {
	double kernel, outputs;
};

static void beat_drop(const char *name, size_t len, double v, void *arg)
{
	struct drops *d = arg;

	if (len >= 33 && !strncmp(name, "vigil_kernel_events_dropped_total", 33))
		d->kernel += v;
	else if (len >= 26 && !strncmp(name, "vigil_output_dropped_total", 26))
		d->outputs += v;
}

/*
 * "drops": the drop counters summed (the kernel's ring buffer and the
 * outputs'), then "metrics": the chosen lines as {"name{labels}": value}.
 */
static void beat_metrics_json(struct vg_jbuf *b, struct vg_metrics *m)
{
	size_t len;
	char *text = m ? vg_metrics_render(m, &len) : NULL;
	struct drops d = {0};

	beat_metric_lines(text, beat_drop, &d);
	VG_JB_KEY(b, "drops");
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "kernel");
	vg_jb_i64(b, (int64_t)d.kernel);
	VG_JB_KEY(b, "outputs");
	vg_jb_i64(b, (int64_t)d.outputs);
	vg_jb_obj_end(b);
	VG_JB_KEY(b, "metrics");
	vg_jb_obj_begin(b);
	beat_metric_lines(text, beat_metric, b);
	vg_jb_obj_end(b);
	free(text);
}

/* b's text, handed over to the caller (b is left empty); NULL if b ran out of memory. */
static char *jb_take(struct vg_jbuf *b)
{
	char *text = b->oom ? NULL : b->s;

	if (!text)
		vg_jb_free(b);
	return text;
}

/*
 * As `vigil features --json`'s two members, as JSON text to copy into each
 * heartbeat: f->features = {NAME: {ok, detail}}, f->hooks = [{hook, role,
 * tier}]. Either is NULL when out of memory (the heartbeat goes without).
 */
static void features_json(struct vg_fleet *f)
{
	struct vg_hook_tier tiers[16];
	struct vg_features ft;
	struct vg_jbuf b;
	int n;

	vg_features_probe(&ft);
	n = vg_features_hook_tiers(&ft, tiers, 16);
	vg_jb_init(&b);
	vg_jb_obj_begin(&b);
	for (int i = 0; i < VG_FEAT__MAX; i++) {
		vg_jb_key(&b, vg_feature_name(i));
		vg_jb_obj_begin(&b);
		VG_JB_KEY(&b, "ok");
		vg_jb_bool(&b, ft.r[i].ok);
		VG_JB_KEY(&b, "detail");
		vg_jb_cstr(&b, ft.r[i].detail);
		vg_jb_obj_end(&b);
	}
	vg_jb_obj_end(&b);
	f->features = jb_take(&b);
	vg_jb_init(&b);
	vg_jb_arr_begin(&b);
	for (int i = 0; i < n; i++) {
		vg_jb_obj_begin(&b);
		VG_JB_KEY(&b, "hook");
		vg_jb_cstr(&b, tiers[i].hook);
		VG_JB_KEY(&b, "role");
		vg_jb_cstr(&b, tiers[i].role);
		VG_JB_KEY(&b, "tier");
		vg_jb_cstr(&b, tiers[i].tier);
		vg_jb_obj_end(&b);
	}
	vg_jb_arr_end(&b);
	f->hooks = jb_take(&b);
}

/* The revisions of the keys in force (rules, then config). */
static void beat_revisions(const struct vg_fleet *f, struct vg_jbuf *b, bool config)
{
	vg_jb_obj_begin(b);
	for (size_t i = 0; i < f->nscopes; i++) {
		if (f->scopes[i].config != config)
			continue;
		vg_jb_key(b, f->scopes[i].key);
		vg_jb_i64(b, (int64_t)f->scopes[i].revision);
	}
	vg_jb_obj_end(b);
}

/* The revisions of the keys in force, and why the last value of a config key was refused. */
static void beat_scopes(const struct vg_fleet *f, struct vg_jbuf *b)
{
	VG_JB_KEY(b, "rules_revisions");
	beat_revisions(f, b, false);
	VG_JB_KEY(b, "config_revisions");
	beat_revisions(f, b, true);
	VG_JB_KEY(b, "config_errors");
	vg_jb_obj_begin(b);
	for (size_t i = 0; i < f->nscopes; i++) {
		if (!f->scopes[i].error[0])
			continue;
		vg_jb_key(b, f->scopes[i].key);
		vg_jb_cstr(b, f->scopes[i].error);
	}
	vg_jb_obj_end(b);
}

static void beat_output(const struct vg_output_stats *st, void *arg)
{
	struct vg_jbuf *b = arg;

	vg_jb_key(b, st->name);
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "sent");
	vg_jb_i64(b, (int64_t)st->sent);
	VG_JB_KEY(b, "dropped");
	vg_jb_i64(b, (int64_t)vg_output_stats_dropped(st));
	VG_JB_KEY(b, "failing");
	vg_jb_bool(b, st->failing);
	VG_JB_KEY(b, "last_error");
	vg_jb_cstr(b, st->last_error);
	vg_jb_obj_end(b);
}

/* The heartbeat's document (docs/fleet.md): b holds it, or b->oom. */
static void beat_json(const struct vg_fleet *f, struct vg_jbuf *b)
{
	char hash[20];

	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)rules_hash(f));
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "host");
	vg_jb_cstr(b, f->host);
	VG_JB_KEY(b, "time");
	vg_jb_i64(b, (int64_t)time(NULL));
	VG_JB_KEY(b, "heartbeat_s");
	vg_jb_i64(b, f->heartbeat_s);
	beat_scopes(f, b);
	VG_JB_KEY(b, "rules_hash");
	vg_jb_cstr(b, hash);
	beat_metrics_json(b, f->metrics);
	if (f->features && f->hooks) {
		VG_JB_KEY(b, "features");
		vg_jb_verbatim(b, f->features, strlen(f->features));
		VG_JB_KEY(b, "hooks");
		vg_jb_verbatim(b, f->hooks, strlen(f->hooks));
	}
	if (f->outs) {
		VG_JB_KEY(b, "outputs");
		vg_jb_obj_begin(b);
		vg_outputs_stats(f->outs, beat_output, b);
		vg_jb_obj_end(b);
	}
	vg_jb_obj_end(b);
}

/* One heartbeat: host.HOST in the status bucket (created when missing). */
static void heartbeat(struct vg_fleet *f, jsCtx *js)
{
	struct vg_jbuf b;
	char key[160];
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
		return;
	}
	vg_jb_init(&b);
	beat_json(f, &b);
	snprintf(key, sizeof(key), "host.%s", f->host);
	s = b.oom ? NATS_NO_MEMORY : kvStore_PutString(NULL, f->status_kv, key, b.s);
	if (s != NATS_OK)
		say(f, "heartbeat", s);
	vg_jb_free(&b);
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

/*
 * The library closes for good a connection the server refused (wrong CA,
 * bad credentials) and keeps no reason: connect again from here,
 * synchronously, so the reason is said and a fixed server or rotated
 * credentials file is picked up without restarting vigil.
 */
static void reconnect(struct vg_fleet *f)
{
	char what[200];
	const char *why;
	natsStatus s;

	natsConnection_Destroy(f->nc);
	f->nc = NULL;
	natsOptions_SetRetryOnFailedConnect(f->opts, false, NULL, NULL);
	s = natsConnection_Connect(&f->nc, f->opts);
	if (s == NATS_OK)
		return;
	why = nats_GetLastError(NULL); /* statuses and the server's -ERR: no secret */
	snprintf(what, sizeof(what), "connecting (%s)", why && *why ? why : "no reason given");
	say(f, what, s);
}

static void *follow(void *arg)
{
	struct vg_fleet *f = arg;

	while (!atomic_load(&f->stop)) {
		if (!f->nc || natsConnection_Status(f->nc) == NATS_CONN_STATUS_CLOSED)
			reconnect(f);
		if (f->nc && natsConnection_Status(f->nc) == NATS_CONN_STATUS_CONNECTED)
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

/* Whether config_files names fleet.config_dir: else overrides written there would never apply. */
static bool takes_overrides(const struct vg_config *cfg)
{
	for (size_t i = 0; i < cfg->n_config_sources; i++)
		if (!strcmp(cfg->config_sources[i], cfg->fleet.config_dir))
			return true;
	return false;
}

/* The rules keys (fleet.NAME, ...) and the config keys (config.fleet.NAME, ...) this host takes. */
static int add_scopes(struct vg_fleet *f, const struct vg_config *cfg, const char *hostname)
{
	static const char *const scopes[] = {"fleet", "group", "host"};
	static const char *const files[] = {"10-fleet.yaml", "20-group.yaml", "30-host.yaml"};

	for (size_t c = 0; c < (takes_overrides(cfg) ? 2u : 1u); c++) {
		for (size_t i = 0; i < 3; i++) {
			struct scope *sc = &f->scopes[f->nscopes];
			size_t pre = c ? strlen("config.") : 0;

			/* the config keys are the rules keys with "config." before them */
			memcpy(sc->key, "config.", pre);
			if (vg_fleet_key(cfg, scopes[i], hostname, sc->key + pre,
					 (unsigned)(sizeof(sc->key) - pre)) != 0)
				continue;
			sc->file = files[i];
			sc->config = c;
			sc->dir = c ? f->cfgdir : f->dir;
			f->nscopes++;
		}
	}
	return f->nscopes ? 0 : -1;
}

int vg_fleet_make_dirs(const struct vg_config *cfg)
{
	const char *dirs[] = {cfg->fleet.rules_dir, cfg->fleet.config_dir};
	const char *names[] = {"rules_dir", "config_dir"};

	for (size_t i = 0; i < (takes_overrides(cfg) ? 2u : 1u); i++) {
		if (mkdir(dirs[i], 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "vigil: fleet: %s %s: %s\n", names[i], dirs[i],
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

struct vg_fleet *vg_fleet_start(const struct vg_config *cfg, const char *hostname,
				struct vg_metrics *metrics, struct vg_outputs *outs)
{
	char hostkey[160];

	const struct vg_output_config *oc = &cfg->outputs[VG_OUTPUT_NATS];
	struct vg_fleet *f = calloc(1, sizeof(*f));
	natsStatus s;

	if (!f || !(f->bucket = strdup(cfg->fleet.bucket)) ||
	    !(f->dir = strdup(cfg->fleet.rules_dir)) ||
	    !(f->cfgdir = strdup(cfg->fleet.config_dir)) || add_scopes(f, cfg, hostname) != 0 ||
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
	if (vg_fleet_make_dirs(cfg) != 0)
		goto fail;
	if (!takes_overrides(cfg))
		fprintf(stderr,
			"vigil: fleet: config overrides (config.fleet.NAME, ...) are not taken: "
			"config_files does not name fleet.config_dir (%s)\n",
			f->cfgdir);
	/* the kernel does not change under a running vigil: probed once, sent with every beat */
	features_json(f);
	if (natsOptions_Create(&f->opts) != NATS_OK ||
	    vg_nats_options(f->opts, &oc->nats, "vigil fleet rules") != 0)
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
		free(f->cfgdir);
		free(f->features);
		free(f->hooks);
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
	free(f->cfgdir);
	free(f->features);
	free(f->hooks);
	free(f->host);
	free(f->status_bucket);
	free(f);
}
