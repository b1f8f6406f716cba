// SPDX-License-Identifier: Apache-2.0
/*
 * The nats output's figures against running servers (bench/nats_bench.py
 * starts them): sustained alerts/s through the real output (queue, worker,
 * publish with Nats-Msg-Id, wait for the ack), then publish-to-ack latency
 * p50/p99 of single publishes like the output's, then the spool's drain
 * rate (alerts spooled while the URL pointed nowhere, then drained).
 *
 * usage: nats_bench URLS REPLICAS ALERTS SPOOL_DIR  (URLS comma-separated)
 */
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "delivery/outputs.h"
#include "nats_common.h"

/* An alert of a typical size (about 1 KiB), numbered. */
static size_t make_alert(char *buf, size_t cap, unsigned i)
{
	return (size_t)snprintf(
		buf, cap,
		"{\"hostname\":\"bench\",\"output\":\"Warning shell in container (user=root "
		"cmd=bash -i n=%u)\",\"priority\":\"Warning\",\"rule\":\"Terminal shell in "
		"container\",\"source\":\"syscall\",\"tags\":[\"container\",\"shell\"],\"time\":"
		"\"2026-12-07T03:00:00.000000000Z\",\"output_fields\":{\"proc.pid\":%u,\"proc."
		"name\":"
		"\"bash\",\"proc.cmdline\":\"bash "
		"-i\",\"container.id\":\"0123456789ab\",\"user.name\":"
		"\"root\",\"fd.name\":\"/dev/pts/"
		"0\"},\"vigil\":{\"event_type\":\"exec\",\"process\":{"
		"\"pid\":%u,\"exe\":\"/usr/bin/bash\",\"args\":[\"bash\",\"-i\"]},\"ancestors\":[{"
		"\"pid\":1,\"exe\":\"/usr/bin/containerd-shim-runc-v2\"},{\"pid\":2,\"exe\":\"/usr/"
		"sbin/runc\"}],\"padding\":\"%0400u\"}}",
		i, i, i, i);
}

static struct vg_outputs *start(char **urls, size_t n, unsigned replicas, unsigned alerts,
				const char *spool)
{
	return nb_output_new(&(struct nb_output){.urls = urls,
						 .n_urls = n,
						 .stream = "VIGIL_BENCH",
						 .subject_prefix = "vigil.bench",
						 .host = "bench",
						 .spool_dir = spool,
						 .replicas = replicas,
						 .ack_timeout_ms = 5000,
						 .alerts = alerts});
}

static void submit(struct vg_outputs *o, unsigned from, unsigned n)
{
	char buf[2048];

	for (unsigned i = from; i < from + n; i++) {
		struct vg_alert_msg m = {.json = buf, .priority = 4, .rule = "Terminal shell"};

		m.json_len = make_alert(buf, sizeof(buf), i);
		vg_outputs_submit(o, &m);
	}
}

struct counts {
	uint64_t published, spool_depth, sent;
};

static void take(const struct vg_output_stats *st, void *arg)
{
	struct counts *c = arg;

	c->published = st->published;
	c->spool_depth = st->spool_depth;
	c->sent = st->sent;
}

static struct counts counts(struct vg_outputs *o)
{
	struct counts c = {0};

	vg_outputs_stats(o, take, &c);
	return c;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* p50/p99 of single synchronous publishes with a message id (what the output does). */
static void latency(const char *url, unsigned n)
{
	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	double *lat = calloc(n, sizeof(double));
	char buf[2048], id[64];

	if (!lat || natsConnection_ConnectTo(&nc, url) != NATS_OK ||
	    natsConnection_JetStream(&js, nc, NULL) != NATS_OK) {
		fprintf(stderr, "nats_bench: cannot connect to %s\n", url);
		exit(1);
	}
	for (unsigned i = 0; i < n; i++) {
		jsPubOptions po;
		jsPubAck *pa = NULL;
		double t0;
		size_t len = make_alert(buf, sizeof(buf), i);

		jsPubOptions_Init(&po);
		snprintf(id, sizeof(id), "lat-%ld-%u", (long)time(NULL), i);
		po.MsgId = id;
		t0 = nb_now_s();
		if (js_Publish(&pa, js, "vigil.bench.lat.syscall.warning.x", buf, (int)len, &po,
			       NULL) != NATS_OK) {
			fprintf(stderr, "nats_bench: publish failed\n");
			exit(1);
		}
		lat[i] = (nb_now_s() - t0) * 1e6;
		jsPubAck_Destroy(pa);
	}
	qsort(lat, n, sizeof(double), cmp_d);
	printf("publish_to_ack_us p50=%.0f p99=%.0f (%u publishes)\n", lat[n / 2],
	       lat[(size_t)(n * 0.99)], n);
	free(lat);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
}

static void drain_rate(char **urls, size_t n, unsigned replicas, unsigned alerts, const char *spool)
{
	char *nowhere[] = {"nats://127.0.0.1:1"};
	struct vg_outputs *o = start(nowhere, 1, replicas, alerts, spool);
	double t0;

	/* fill: nothing listens on port 1, every alert goes to the spool */
	submit(o, 1000000, alerts);
	vg_outputs_flush(o, 600000);
	vg_outputs_shutdown(o);
	vg_outputs_free(o);
	o = start(urls, n, replicas, 1, spool);
	t0 = nb_now_s();
	while (counts(o).spool_depth && nb_now_s() - t0 < 600)
		nanosleep(&(struct timespec){0, 5000000}, NULL);
	printf("spool_drain_per_s=%.0f (%u spooled alerts)\n", alerts / (nb_now_s() - t0), alerts);
	vg_outputs_shutdown(o);
	vg_outputs_free(o);
}

int main(int argc, char **argv)
{
	char *urls[8], *list;
	size_t n = 0;
	unsigned replicas, alerts;
	struct vg_outputs *o;
	double t0, dt;

	if (argc < 5) {
		fprintf(stderr, "usage: nats_bench URLS REPLICAS ALERTS SPOOL_DIR\n");
		return 1;
	}
	list = strdup(argv[1]);
	for (char *t = strtok(list, ","); t && n < 8; t = strtok(NULL, ","))
		urls[n++] = t;
	replicas = (unsigned)atoi(argv[2]);
	alerts = (unsigned)atoi(argv[3]);
	o = start(urls, n, replicas, alerts, NULL);
	if (!o)
		return 1;
	submit(o, 0, 10); /* the stream is created, the connection warm */
	vg_outputs_flush(o, 60000);
	t0 = nb_now_s();
	submit(o, 10, alerts);
	vg_outputs_flush(o, 600000);
	dt = nb_now_s() - t0;
	printf("nodes=%zu replicas=%u alerts=%u published=%llu alerts_per_s=%.0f\n", n, replicas,
	       alerts, (unsigned long long)counts(o).published - 10, alerts / dt);
	vg_outputs_shutdown(o);
	vg_outputs_free(o);
	latency(urls[0], 2000);
	drain_rate(urls, n, replicas, alerts, argv[4]);
	free(list);
	return 0;
}
