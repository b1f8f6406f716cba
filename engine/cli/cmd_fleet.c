// SPDX-License-Identifier: Apache-2.0
/*
 * vigil fleet push -c CONFIG [--no-validate] KEY FILE...
 * vigil fleet status -c CONFIG [--json]
 * vigil fleet follow -c CONFIG [--host H] [--rule R] [--priority P] [--container ID] [--count N]
 *
 * The central side of the fleet's rules (fleet/fleet.h): joins the rules
 * files into one value, checks that it loads exactly as a host will load
 * it (vigil validate), and only then puts it under KEY (fleet.NAME,
 * group.GROUP or host.HOST) of the bucket fleet.bucket, over nats_output's
 * servers and credentials. A config.fleet.NAME, config.group.GROUP or
 * config.host.HOST key takes config overrides instead, checked as every
 * host checks them (fleet.h: vg_fleet_config_check). The bucket is created when missing (history
 * 10, nats_output.replicas replicas). --no-validate skips the check (what
 * a test of the hosts' own refusal needs).
 *
 * status: every host's last heartbeat (fleet.status_bucket), one line each:
 * age, SILENT when older than three heartbeats, the rules revisions and
 * hash it runs, whether its last reload succeeded, its alert, kernel drop
 * and output drop counts. follow: the alerts of the fleet as they come
 * (a core NATS subscription to nats_output's subjects), filtered by subject
 * tokens and the alert's container.
 */
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "config/config.h"
#include "delivery/nats_conn.h"
#include "fleet/fleet.h"

static int usage(void)
{
	fprintf(stderr, "usage: vigil fleet push -c CONFIG [--no-validate] KEY FILE...\n"
			"         KEY: fleet.NAME, group.GROUP or host.HOST (rules), or\n"
			"              config.fleet.NAME, ... (config overrides: priority, rules,\n"
			"              rule_matching)\n"
			"       vigil fleet status -c CONFIG [--json]\n"
			"       vigil fleet follow -c CONFIG [--host H] [--rule R] [--priority P] "
			"[--container ID] [--count N]\n");
	return 2;
}

static bool key_ok(const char *k)
{
	const char *dot;

	/* config.fleet.NAME, ...: the config overrides of that scope */
	if (!strncmp(k, "config.", 7))
		k += 7;
	dot = strchr(k, '.');

	if (!dot || dot[1] == '\0' ||
	    (strncmp(k, "fleet.", 6) && strncmp(k, "group.", 6) && strncmp(k, "host.", 5)))
		return false;
	for (const char *p = dot + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

/* FILEs joined (each a YAML list of rules, macros, lists) into tmp. */
static int join_files(char **files, int n, char *tmp, char **data, size_t *len)
{
	FILE *out;
	int fd = mkstemps(tmp, 5);

	if (fd < 0 || !(out = fdopen(fd, "w+"))) {
		fprintf(stderr, "vigil fleet push: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		FILE *in = fopen(files[i], "r");
		char buf[8192];
		size_t k;

		if (!in) {
			fprintf(stderr, "vigil fleet push: %s: %s\n", files[i], strerror(errno));
			fclose(out);
			return -1;
		}
		while ((k = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, k, out);
		fclose(in);
		fputc('\n', out);
	}
	fflush(out);
	*len = (size_t)ftell(out);
	*data = malloc(*len + 1);
	rewind(out);
	if (!*data || fread(*data, 1, *len, out) != *len) {
		fclose(out);
		return -1;
	}
	fclose(out);
	return 0;
}

static kvStore *bucket(jsCtx *js, const struct vg_config *cfg)
{
	kvStore *kv = NULL;
	kvConfig kc;
	natsStatus s = js_KeyValue(&kv, js, cfg->fleet.bucket);

	if (s == NATS_OK)
		return kv;
	kvConfig_Init(&kc);
	kc.Bucket = cfg->fleet.bucket;
	kc.History = 10;
	kc.Replicas = (int)cfg->outputs[VG_OUTPUT_NATS].nats.replicas;
	s = js_CreateKeyValue(&kv, js, &kc);
	if (s != NATS_OK) {
		fprintf(stderr, "vigil fleet push: bucket %s: %s\n", cfg->fleet.bucket,
			natsStatus_GetText(s));
		return NULL;
	}
	return kv;
}

static int put(const struct vg_config *cfg, const char *key, const char *data, size_t len)
{
	natsOptions *op = NULL;
	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	kvStore *kv = NULL;
	uint64_t rev = 0;
	natsStatus s = NATS_ERR;
	int rc = 1;

	if (natsOptions_Create(&op) != NATS_OK ||
	    vg_nats_options(op, &cfg->outputs[VG_OUTPUT_NATS].nats, "vigil fleet push") != 0)
		goto out;
	s = natsConnection_Connect(&nc, op);
	if (s == NATS_OK)
		s = natsConnection_JetStream(&js, nc, NULL);
	if (s != NATS_OK) {
		fprintf(stderr, "vigil fleet push: connecting: %s\n", natsStatus_GetText(s));
		goto out;
	}
	if (!(kv = bucket(js, cfg)))
		goto out;
	s = kvStore_Put(&rev, kv, key, data, (int)len);
	if (s != NATS_OK) {
		fprintf(stderr, "vigil fleet push: %s: %s\n", key, natsStatus_GetText(s));
		goto out;
	}
	printf("vigil fleet push: %s/%s revision %llu (%zu bytes)\n", cfg->fleet.bucket, key,
	       (unsigned long long)rev, len);
	rc = 0;
out:
	kvStore_Destroy(kv);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	natsOptions_Destroy(op);
	return rc;
}

static int push(int argc, char **argv)
{
	const char *cfgpath = NULL;
	bool validate = true;
	struct vg_config cfg;
	struct vg_config_err err;
	char tmp[] = "/tmp/vigil-fleet-push-XXXXXX.yaml";
	char *data = NULL, *key = NULL, **files = NULL;
	size_t len = 0;
	int i, nfiles = 0, rc = 1;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc)
			cfgpath = argv[++i];
		else if (!strcmp(argv[i], "--no-validate"))
			validate = false;
		else
			return usage();
	}
	if (argc - i < 2 || !cfgpath)
		return usage();
	key = argv[i];
	files = argv + i + 1;
	nfiles = argc - i - 1;
	if (!key_ok(key)) {
		fprintf(stderr,
			"vigil fleet push: key '%s': must be [config.]fleet.NAME, group.GROUP or "
			"host.HOST (NAME: letters, digits, '_', '-')\n",
			key);
		return 2;
	}
	if (vg_config_load(&cfg, cfgpath, NULL, 0, &err) != 0) {
		fprintf(stderr, "vigil fleet push: %s\n", err.text);
		return 1;
	}
	if (join_files(files, nfiles, tmp, &data, &len) != 0)
		goto out;
	if (validate && !strncmp(key, "config.", 7)) {
		char why[1024];

		/* the check every host makes before it takes the value */
		if (vg_fleet_config_check(key, data, len, why, sizeof(why)) != 0) {
			fprintf(stderr, "vigil fleet push: %s; nothing pushed\n", why);
			goto out;
		}
	} else if (validate) {
		char *av[] = {"validate", "-r", tmp, NULL};

		/* what every host will load, checked here: a broken push never reaches them */
		if (vg_cmd_validate(3, av) != 0) {
			fprintf(stderr,
				"vigil fleet push: the rules do not load; nothing pushed\n");
			goto out;
		}
	}
	rc = put(&cfg, key, data, len);
out:
	unlink(tmp);
	free(data);
	vg_config_free(&cfg);
	nats_Close();
	return rc;
}

/* Connects with nats_output's settings; fails at once when no server answers. */
static int connect_js(const struct vg_config *cfg, const char *who, natsOptions **op,
		      natsConnection **nc, jsCtx **js)
{
	natsStatus s;

	if (natsOptions_Create(op) != NATS_OK ||
	    vg_nats_options(*op, &cfg->outputs[VG_OUTPUT_NATS].nats, who) != 0)
		return -1;
	s = natsConnection_Connect(nc, *op);
	if (s == NATS_OK && js)
		s = natsConnection_JetStream(js, *nc, NULL);
	if (s != NATS_OK) {
		fprintf(stderr, "vigil fleet: connecting: %s\n", natsStatus_GetText(s));
		return -1;
	}
	return 0;
}

static void disconnect(natsOptions *op, natsConnection *nc, jsCtx *js)
{
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	natsOptions_Destroy(op);
	nats_Close();
}

/* The sum of every sample of a metric family in a heartbeat ("-" when none). */
static void metric_sum(json_object *metrics, const char *name, char *out, size_t cap)
{
	double sum = 0;
	bool any = false;
	size_t len = strlen(name);

	json_object_object_foreach(metrics, k, v)
	{
		if (strncmp(k, name, len) || (k[len] != '{' && k[len] != '\0'))
			continue;
		sum += json_object_get_double(v);
		any = true;
	}
	if (any)
		snprintf(out, cap, "%.0f", sum);
	else
		snprintf(out, cap, "-");
}

static void status_line(const char *text, time_t now)
{
	json_object *o = json_tokener_parse(text), *v, *m = NULL, *revs = NULL;
	char alerts[32], kdrops[32], odrops[32], reload[32], rev[256] = "";
	int64_t t = 0, beat = 10;

	if (!o) {
		printf("(unreadable heartbeat)\n");
		return;
	}
	if (json_object_object_get_ex(o, "time", &v))
		t = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "heartbeat_s", &v) && json_object_get_int64(v) > 0)
		beat = json_object_get_int64(v);
	json_object_object_get_ex(o, "metrics", &m);
	json_object_object_get_ex(o, "rules_revisions", &revs);
	metric_sum(m, "vigil_alerts_total", alerts, sizeof(alerts));
	metric_sum(m, "vigil_kernel_events_dropped_total", kdrops, sizeof(kdrops));
	metric_sum(m, "vigil_output_dropped_total", odrops, sizeof(odrops));
	metric_sum(m, "vigil_reload_last_success", reload, sizeof(reload));
	if (revs) {
		json_object_object_foreach(revs, k, r)
		{
			size_t l = strlen(rev);

			snprintf(rev + l, sizeof(rev) - l, "%s%s=%lld", l ? "," : "", k,
				 (long long)json_object_get_int64(r));
		}
	}
	printf("%-20s %6llds %-6s %-16s %-7s %8s %8s %8s %s\n",
	       json_object_object_get_ex(o, "host", &v) ? json_object_get_string(v) : "?",
	       (long long)(now - t), now - t > 3 * beat ? "SILENT" : "ok",
	       json_object_object_get_ex(o, "rules_hash", &v) ? json_object_get_string(v) : "-",
	       !strcmp(reload, "1")   ? "ok"
	       : !strcmp(reload, "0") ? "FAILED"
				      : "-",
	       alerts, kdrops, odrops, rev);
	json_object_put(o);
}

static int status(const struct vg_config *cfg, bool json)
{
	natsOptions *op = NULL;
	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	kvStore *kv = NULL;
	kvKeysList keys = {0};
	natsStatus s;
	int rc = 1;

	if (connect_js(cfg, "vigil fleet status", &op, &nc, &js) != 0)
		goto out;
	s = js_KeyValue(&kv, js, cfg->fleet.status_bucket);
	if (s == NATS_OK)
		s = kvStore_Keys(&keys, kv, NULL);
	if (s != NATS_OK && s != NATS_NOT_FOUND) {
		fprintf(stderr, "vigil fleet status: bucket %s: %s\n", cfg->fleet.status_bucket,
			natsStatus_GetText(s));
		goto out;
	}
	if (!json)
		printf("%-20s %7s %-6s %-16s %-7s %8s %8s %8s %s\n", "HOST", "AGE", "STATE",
		       "RULES_HASH", "RELOAD", "ALERTS", "K_DROPS", "O_DROPS", "REVISIONS");
	for (int i = 0; i < keys.Count; i++) {
		kvEntry *e = NULL;

		if (kvStore_Get(&e, kv, keys.Keys[i]) != NATS_OK)
			continue;
		if (json)
			printf("%s\n", kvEntry_ValueString(e));
		else
			status_line(kvEntry_ValueString(e), time(NULL));
		kvEntry_Destroy(e);
	}
	rc = 0;
out:
	kvKeysList_Destroy(&keys);
	kvStore_Destroy(kv);
	disconnect(op, nc, js);
	return rc;
}

struct follow_opts {
	const char *host, *rule, *priority, *container;
	long count;
};

/* The alert's container (id or name) is c. */
static bool container_is(const char *data, int len, const char *c)
{
	json_tokener *t = json_tokener_new();
	json_object *o = t ? json_tokener_parse_ex(t, data, len) : NULL, *v, *ct;
	bool yes = false;

	if (o && json_object_object_get_ex(o, "vigil", &v) &&
	    json_object_object_get_ex(v, "container", &ct)) {
		const char *keys[] = {"id", "name"};

		for (int i = 0; i < 2 && !yes; i++) {
			const char *s = json_object_object_get_ex(ct, keys[i], &v)
						? json_object_get_string(v)
						: NULL;

			yes = s && !strcmp(s, c);
		}
	}
	json_object_put(o);
	if (t)
		json_tokener_free(t);
	return yes;
}

static volatile sig_atomic_t follow_stop;

static void on_int(int sig)
{
	(void)sig;
	follow_stop = 1;
}

/* A filter value as the output writes it into subjects; "*" when not given. */
static void filter_token(const char *v, char *out)
{
	if (v)
		vg_nats_subject_token(v, out);
	else
		strcpy(out, "*");
}

static int follow(const struct vg_config *cfg, const struct follow_opts *fo)
{
	natsOptions *op = NULL;
	natsConnection *nc = NULL;
	natsSubscription *sub = NULL;
	char subj[512], host[VG_NATS_TOKEN_MAX + 1], rule[VG_NATS_TOKEN_MAX + 1],
		prio[VG_NATS_TOKEN_MAX + 1];
	const char *prefix = cfg->outputs[VG_OUTPUT_NATS].nats.subject_prefix;
	long seen = 0;
	int rc = 1;

	filter_token(fo->host, host);
	filter_token(fo->rule, rule);
	filter_token(fo->priority, prio);
	snprintf(subj, sizeof(subj), "%s.%s.*.%s.%s", prefix && *prefix ? prefix : "vigil.alerts",
		 host, prio, rule);
	if (connect_js(cfg, "vigil fleet follow", &op, &nc, NULL) != 0)
		goto out;
	if (natsConnection_SubscribeSync(&sub, nc, subj) != NATS_OK ||
	    natsConnection_Flush(nc) != NATS_OK) {
		fprintf(stderr, "vigil fleet follow: cannot subscribe to %s\n", subj);
		goto out;
	}
	fprintf(stderr, "vigil fleet follow: %s\n", subj);
	signal(SIGINT, on_int);
	signal(SIGTERM, on_int);
	while (!follow_stop && (fo->count <= 0 || seen < fo->count)) {
		natsMsg *m = NULL;
		natsStatus s = natsSubscription_NextMsg(&m, sub, 500);

		if (s == NATS_TIMEOUT)
			continue;
		if (s != NATS_OK)
			break;
		if (!fo->container ||
		    container_is(natsMsg_GetData(m), natsMsg_GetDataLength(m), fo->container)) {
			fwrite(natsMsg_GetData(m), 1, (size_t)natsMsg_GetDataLength(m), stdout);
			fputc('\n', stdout);
			fflush(stdout);
			seen++;
		}
		natsMsg_Destroy(m);
	}
	rc = 0;
out:
	natsSubscription_Destroy(sub);
	disconnect(op, nc, NULL);
	return rc;
}

int vg_cmd_fleet(int argc, char **argv)
{
	const char *cfgpath = NULL;
	struct follow_opts fo = {0};
	struct vg_config cfg;
	struct vg_config_err err;
	bool json = false;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "push"))
		return push(argc - 1, argv + 1);
	if (argc < 2 || (strcmp(argv[1], "status") && strcmp(argv[1], "follow")))
		return usage();
	for (int i = 2; i < argc; i++) {
		const char **dst = !strcmp(argv[i], "-c") || !strcmp(argv[i], "--config") ? &cfgpath
				   : !strcmp(argv[i], "--host")				  ? &fo.host
				   : !strcmp(argv[i], "--rule")				  ? &fo.rule
				   : !strcmp(argv[i], "--priority")  ? &fo.priority
				   : !strcmp(argv[i], "--container") ? &fo.container
								     : NULL;

		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			fo.count = strtol(argv[++i], NULL, 10);
		} else if (dst && i + 1 < argc) {
			*dst = argv[++i];
		} else {
			return usage();
		}
	}
	if (!cfgpath)
		return usage();
	if (vg_config_load(&cfg, cfgpath, NULL, 0, &err) != 0) {
		fprintf(stderr, "vigil fleet: %s\n", err.text);
		return 1;
	}
	rc = !strcmp(argv[1], "status") ? status(&cfg, json) : follow(&cfg, &fo);
	vg_config_free(&cfg);
	return rc;
}
