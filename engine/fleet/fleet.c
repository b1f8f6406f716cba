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

#include "config/config.h"
#include "delivery/nats_conn.h"

struct scope {
	char key[160];
	const char *file;
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

/* One watch of the bucket, until it fails or stop. */
static void watch_once(struct vg_fleet *f)
{
	jsCtx *js = NULL;
	kvStore *kv = NULL;
	kvWatcher *w = NULL;
	natsStatus s;

	s = natsConnection_JetStream(&js, f->nc, NULL);
	if (s == NATS_OK && (s = js_KeyValue(&kv, js, f->bucket)) != NATS_OK)
		say(f, "binding", s);
	if (s == NATS_OK && (s = kvStore_WatchAll(&w, kv, NULL)) != NATS_OK)
		say(f, "watching", s);
	if (s == NATS_OK)
		f->last_error[0] = '\0';
	while (s == NATS_OK && !atomic_load(&f->stop)) {
		kvEntry *e = NULL;

		s = kvWatcher_Next(&e, w, 500);
		if (s == NATS_TIMEOUT) {
			s = NATS_OK;
			continue;
		}
		if (s != NATS_OK) {
			say(f, "watch", s);
			break;
		}
		if (e) /* NULL: the initial values are all in */
			apply(f, e);
		kvEntry_Destroy(e);
	}
	kvWatcher_Destroy(w);
	kvStore_Destroy(kv);
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

struct vg_fleet *vg_fleet_start(const struct vg_config *cfg, const char *hostname)
{
	const struct vg_output_config *oc = &cfg->outputs[VG_OUTPUT_NATS];
	struct vg_fleet *f = calloc(1, sizeof(*f));
	natsStatus s;

	if (!f || !(f->bucket = strdup(cfg->fleet.bucket)) ||
	    !(f->dir = strdup(cfg->fleet.rules_dir)) || add_scopes(f, cfg, hostname) != 0) {
		fprintf(stderr, "vigil: fleet: out of memory\n");
		goto fail;
	}
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
	free(f);
}
