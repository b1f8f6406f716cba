// SPDX-License-Identifier: Apache-2.0
/*
 * A simulated fleet against running servers (bench/nats_bench.py --fleet
 * starts them): HOSTS nats outputs in one process, each with its own host
 * identity and connection (what HOSTS vigils would open), publish
 * ALERTS alerts each at once; prints the fleet's sustained alerts/s into
 * the stream. Then HOSTS rules followers (fleet/fleet.c, each with its own
 * host key and rules directory) and one push to fleet.sim: prints the time
 * until every host has the new rules on disk (what its reload then loads).
 *
 * usage: fleet_sim URLS HOSTS ALERTS WORKDIR
 */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "delivery/nats_conn.h"
#include "delivery/outputs.h"
#include "nats_common.h"
#include "fleet/fleet.h"

static struct vg_outputs *host_output(char **urls, size_t n, const char *host, unsigned alerts)
{
	return nb_output_new(&(struct nb_output){.urls = urls,
						 .n_urls = n,
						 .stream = "VIGIL_FLEET_SIM",
						 .subject_prefix = "vigil.sim",
						 .host = host,
						 .replicas = n >= 3 ? 3 : 1,
						 .ack_timeout_ms = 10000,
						 .alerts = alerts});
}

static void alerts_phase(char **urls, size_t n, unsigned hosts, unsigned alerts)
{
	struct vg_outputs **o = calloc(hosts, sizeof(*o));
	char buf[1200], host[32];
	double t0, dt;

	for (unsigned h = 0; h < hosts; h++) {
		snprintf(host, sizeof(host), "sim-%03u", h);
		o[h] = host_output(urls, n, host, alerts);
		if (!o[h])
			exit(1);
	}
	sleep(2); /* connected, stream created */
	t0 = nb_now_s();
	for (unsigned i = 0; i < alerts; i++) {
		for (unsigned h = 0; h < hosts; h++) {
			struct vg_alert_msg m = {.json = buf, .priority = 4, .rule = "Sim rule"};

			m.json_len = (size_t)snprintf(
				buf, sizeof(buf),
				"{\"hostname\":\"sim-%03u\",\"rule\":\"Sim rule\",\"priority\":"
				"\"Warning\",\"source\":\"syscall\",\"output\":\"n=%u "
				"%0800u\"}",
				h, i, i);
			vg_outputs_submit(o[h], &m);
		}
	}
	for (unsigned h = 0; h < hosts; h++)
		vg_outputs_flush(o[h], 600000);
	dt = nb_now_s() - t0;
	printf("fleet hosts=%u alerts=%u alerts_per_s=%.0f (%.1f s)\n", hosts, hosts * alerts,
	       hosts * alerts / dt, dt);
	for (unsigned h = 0; h < hosts; h++) {
		vg_outputs_shutdown(o[h]);
		vg_outputs_free(o[h]);
	}
	free(o);
}

static bool has_value(const char *dir, const char *want)
{
	char path[512], got[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/10-fleet.yaml", dir);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(got, sizeof(got), f))
		got[0] = '\0';
	fclose(f);
	return !strcmp(got, want);
}

static void put(char **urls, size_t n, const char *value)
{
	natsOptions *op = NULL;
	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	kvStore *kv = NULL;
	kvConfig kc;

	natsOptions_Create(&op);
	natsOptions_SetServers(op, (const char **)urls, (int)n);
	if (natsConnection_Connect(&nc, op) != NATS_OK ||
	    natsConnection_JetStream(&js, nc, NULL) != NATS_OK) {
		fprintf(stderr, "fleet_sim: cannot connect\n");
		exit(1);
	}
	if (js_KeyValue(&kv, js, "vigil_sim_rules") != NATS_OK) {
		kvConfig_Init(&kc);
		kc.Bucket = "vigil_sim_rules";
		kc.Replicas = n >= 3 ? 3 : 1;
		if (js_CreateKeyValue(&kv, js, &kc) != NATS_OK)
			exit(1);
	}
	kvStore_PutString(NULL, kv, "fleet.sim", value);
	kvStore_Destroy(kv);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	natsOptions_Destroy(op);
}

static void rules_phase(char **urls, size_t n, unsigned hosts, const char *work)
{
	struct vg_fleet **f = calloc(hosts, sizeof(*f));
	char(*dirs)[256] = calloc(hosts, sizeof(*dirs)), host[32];
	const char *want = "# rules push at the bench\n";
	struct vg_config cfg;
	double t0;
	unsigned done = 0;

	put(urls, n, "# before\n");
	vg_config_defaults(&cfg);
	cfg.outputs[VG_OUTPUT_NATS].nats.urls = urls;
	cfg.outputs[VG_OUTPUT_NATS].nats.n_urls = n;
	cfg.fleet.bucket = "vigil_sim_rules";
	cfg.fleet.name = "sim";
	cfg.fleet.group = NULL;
	cfg.fleet.heartbeat_s = 0;
	for (unsigned h = 0; h < hosts; h++) {
		snprintf(dirs[h], sizeof(dirs[h]), "%s/host-%03u", work, h);
		snprintf(host, sizeof(host), "sim-%03u", h);
		cfg.fleet.rules_dir = dirs[h];
		cfg.fleet.host = host;
		f[h] = vg_fleet_start(&cfg, host, NULL, NULL);
		if (!f[h])
			exit(1);
	}
	for (int tries = 0; tries < 3000; tries++) { /* every follower has the first value */
		done = 0;
		for (unsigned h = 0; h < hosts; h++)
			done += has_value(dirs[h], "# before\n");
		if (done == hosts)
			break;
		usleep(10000);
	}
	t0 = nb_now_s();
	put(urls, n, want);
	while (nb_now_s() - t0 < 120) {
		done = 0;
		for (unsigned h = 0; h < hosts; h++)
			done += has_value(dirs[h], want);
		if (done == hosts)
			break;
		usleep(2000);
	}
	printf("rules push reached %u/%u hosts in %.0f ms\n", done, hosts, (nb_now_s() - t0) * 1e3);
	for (unsigned h = 0; h < hosts; h++)
		vg_fleet_stop(f[h]);
	free(f);
	free(dirs);
}

int main(int argc, char **argv)
{
	char *urls[8], *list;
	size_t n = 0;

	if (argc < 5) {
		fprintf(stderr, "usage: fleet_sim URLS HOSTS ALERTS WORKDIR\n");
		return 1;
	}
	list = strdup(argv[1]);
	for (char *t = strtok(list, ","); t && n < 8; t = strtok(NULL, ","))
		urls[n++] = t;
	alerts_phase(urls, n, (unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]));
	rules_phase(urls, n, (unsigned)atoi(argv[2]), argv[4]);
	free(list);
	return 0;
}
