// SPDX-License-Identifier: Apache-2.0
/*
 * vigil fleet push -c CONFIG [--no-validate] KEY FILE...
 *
 * The central side of the fleet's rules (fleet/fleet.h): joins the rules
 * files into one value, checks that it loads exactly as a host will load
 * it (vigil validate), and only then puts it under KEY (fleet.NAME,
 * group.GROUP or host.HOST) of the bucket fleet.bucket, over nats_output's
 * servers and credentials. The bucket is created when missing (history
 * 10, nats_output.replicas replicas). --no-validate skips the check (what
 * a test of the hosts' own refusal needs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "config/config.h"
#include "delivery/nats_conn.h"

static int usage(void)
{
	fprintf(stderr, "usage: vigil fleet push -c CONFIG [--no-validate] KEY FILE...\n"
			"  KEY: fleet.NAME, group.GROUP or host.HOST\n");
	return 2;
}

static bool key_ok(const char *k)
{
	const char *dot = strchr(k, '.');

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
	    vg_nats_options(op, &cfg->outputs[VG_OUTPUT_NATS], "vigil fleet push") != 0)
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
			"vigil fleet push: key '%s': must be fleet.NAME, group.GROUP or "
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
	if (validate) {
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

int vg_cmd_fleet(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "push"))
		return push(argc - 1, argv + 1);
	return usage();
}
