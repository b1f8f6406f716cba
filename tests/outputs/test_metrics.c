// SPDX-License-Identifier: Apache-2.0
/* The metrics registry, its exposition text, and the HTTP endpoint (fetched with libcurl). */
#include <curl/curl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "metrics/metrics.h"

static void test_registry(void **state)
{
	struct vg_metrics *m = vg_metrics_new();
	struct vg_metric *a, *b, *g, *ns;
	char labels[128];
	char *text;

	(void)state;
	assert_non_null(m);
	assert_int_equal(vg_metrics_labels(labels, sizeof(labels), "rule", "Read \"shadow\"\\ x\n",
					   "priority", "Warning", NULL),
			 0);
	assert_string_equal(labels, "rule=\"Read \\\"shadow\\\"\\\\ x\\n\",priority=\"Warning\"");
	a = vg_metrics_counter(m, "vigil_alerts_total", "Alerts by rule.", labels);
	b = vg_metrics_counter(m, "vigil_alerts_total", "Alerts by rule.", labels);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_null(vg_metrics_gauge(m, "vigil_alerts_total", "x", NULL)); /* type clash */
	assert_null(vg_metrics_counter(m, "9bad", "x", NULL));
	assert_null(vg_metrics_counter(m, "bad-name", "x", NULL));
	g = vg_metrics_gauge(m, "vigil_processes", "Processes tracked.", NULL);
	ns = vg_metrics_counter_ns(m, "vigil_rule_eval_seconds_total", "Time in rules.", NULL);
	vg_metric_add(a, 41);
	vg_metric_inc(b);
	vg_metric_set(g, -3);
	vg_metric_add(ns, 1500000000);
	assert_int_equal(vg_metric_get(a), 42);
	vg_metrics_set_version(m, "1.2.3");
	text = vg_metrics_render(m, NULL);
	assert_non_null(text);
	print_message("%s", text);
	assert_non_null(strstr(text, "# HELP vigil_alerts_total Alerts by rule.\n"
				     "# TYPE vigil_alerts_total counter\n"
				     "vigil_alerts_total{rule=\"Read \\\"shadow\\\"\\\\ x\\n\","
				     "priority=\"Warning\"} 42\n"));
	assert_non_null(strstr(text, "# TYPE vigil_processes gauge\nvigil_processes -3\n"));
	assert_non_null(strstr(text, "vigil_rule_eval_seconds_total 1.5\n"));
	assert_non_null(strstr(text, "vigil_build_info{version=\"1.2.3\"} 1\n"));
	assert_non_null(strstr(text, "# TYPE process_resident_memory_bytes gauge\n"));
	assert_non_null(strstr(text, "# TYPE process_cpu_seconds_total counter\n"));
	free(text);
	vg_metrics_free(m);
}

static void collect(struct vg_metrics_writer *w, void *arg)
{
	vg_metrics_family(w, "vigil_kernel_dropped_total", VG_METRIC_COUNTER,
			  "Events the kernel could not deliver.");
	vg_metrics_sample_u64(w, "kind=\"ringbuf_full\"", *(uint64_t *)arg);
	vg_metrics_sample(w, "kind=\"oversized\"", 0.5);
}

static int unhealthy(void *arg, char *msg, size_t len)
{
	snprintf(msg, len, "%s", (const char *)arg);
	return 1;
}

struct body {
	char buf[65536];
	size_t len;
};

static size_t on_body(char *d, size_t s, size_t n, void *arg)
{
	struct body *b = arg;
	size_t k = s * n;

	if (b->len + k >= sizeof(b->buf))
		return 0;
	memcpy(b->buf + b->len, d, k);
	b->len += k;
	b->buf[b->len] = '\0';
	return k;
}

static long get(uint16_t port, const char *path, const char *method, struct body *b, char *ctype,
		size_t ctlen)
{
	CURL *c = curl_easy_init();
	char url[128];
	long code = 0;
	char *ct = NULL;

	assert_non_null(c);
	b->len = 0;
	b->buf[0] = '\0';
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	if (ctype)
		snprintf(ctype, ctlen, "%s", ct ? ct : "");
	curl_easy_cleanup(c);
	return code;
}

/* Buckets cumulative, +Inf == _count, seconds; a name is one family only. */
static void test_histogram(void **state)
{
	static const uint64_t bounds[] = {1000, 10000, 100000};
	struct vg_metrics *m = vg_metrics_new();
	struct vg_histogram *h;
	char *text;

	(void)state;
	assert_non_null(m);
	assert_null(vg_metrics_histogram_ns(m, "t_seconds", "x", (uint64_t[]){5, 5}, 2));
	h = vg_metrics_histogram_ns(m, "t_seconds", "Time per event.", bounds, 3);
	assert_non_null(h);
	assert_null(vg_metrics_histogram_ns(m, "t_seconds", "again", bounds, 3));
	assert_null(vg_metrics_counter(m, "t_seconds", "clash", NULL));
	vg_histogram_observe_ns(h, 500);     /* <= 1 us */
	vg_histogram_observe_ns(h, 1000);    /* on the bound: still <= 1 us */
	vg_histogram_observe_ns(h, 50000);   /* <= 100 us */
	vg_histogram_observe_ns(h, 2000000); /* +Inf */
	text = vg_metrics_render(m, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "# HELP t_seconds Time per event.\n"
				     "# TYPE t_seconds histogram\n"
				     "t_seconds_bucket{le=\"1e-06\"} 2\n"
				     "t_seconds_bucket{le=\"1e-05\"} 2\n"
				     "t_seconds_bucket{le=\"0.0001\"} 3\n"
				     "t_seconds_bucket{le=\"+Inf\"} 4\n"
				     "t_seconds_sum 0.0020515\n"
				     "t_seconds_count 4\n"));
	free(text);
	vg_metrics_free(m);
}

static void test_endpoint(void **state)
{
	struct vg_metrics *m = vg_metrics_new();
	struct vg_metrics_server *s;
	static struct body b;
	char err[256], ct[128];
	uint64_t drops = 7;
	uint16_t port;

	(void)state;
	assert_non_null(m);
	vg_metrics_set_version(m, "0.1.0");
	assert_int_equal(vg_metrics_add_collector(m, collect, &drops), 0);
	vg_metric_add(vg_metrics_counter(m, "vigil_events_total", "Events.", "type=\"exec\""), 3);
	assert_null(vg_metrics_serve(m, "nonsense", NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "HOST:PORT"));
	s = vg_metrics_serve(m, "127.0.0.1:0", NULL, err, sizeof(err));
	assert_non_null(s);
	port = vg_metrics_server_port(s);
	assert_int_not_equal(port, 0);

	assert_int_equal(get(port, "/metrics", NULL, &b, ct, sizeof(ct)), 200);
	assert_string_equal(ct, "text/plain; version=0.0.4; charset=utf-8");
	assert_non_null(strstr(b.buf, "vigil_events_total{type=\"exec\"} 3\n"));
	assert_non_null(strstr(b.buf, "# TYPE vigil_kernel_dropped_total counter\n"
				      "vigil_kernel_dropped_total{kind=\"ringbuf_full\"} 7\n"
				      "vigil_kernel_dropped_total{kind=\"oversized\"} 0.5\n"));
	assert_int_equal(get(port, "/healthz", NULL, &b, NULL, 0), 200);
	assert_string_equal(b.buf, "ok\n");
	/* a heartbeat timeout: healthy while the loop beats, 503 once it stops */
	vg_metrics_set_heartbeat_timeout(m, 3600);
	vg_metrics_heartbeat(m);
	assert_int_equal(get(port, "/healthz", NULL, &b, NULL, 0), 200);
	vg_metrics_set_heartbeat_timeout(m, 1);
	/* bounded wait (not a timing assertion): until the beat is over a second old */
	for (int i = 0; i < 300 && get(port, "/healthz", NULL, &b, NULL, 0) == 200; i++)
		nanosleep(&(struct timespec){0, 20000000}, NULL);
	assert_int_equal(get(port, "/healthz", NULL, &b, NULL, 0), 503);
	assert_non_null(strstr(b.buf, "event loop stalled: no heartbeat for"));
	vg_metrics_set_heartbeat_timeout(m, 0);
	vg_metrics_set_health(m, unhealthy, "ring buffer reader stalled");
	assert_int_equal(get(port, "/healthz", NULL, &b, NULL, 0), 503);
	assert_string_equal(b.buf, "ring buffer reader stalled\n");
	assert_int_equal(get(port, "/version", NULL, &b, ct, sizeof(ct)), 200);
	assert_string_equal(b.buf, "{\"version\":\"0.1.0\"}\n");
	assert_string_equal(ct, "application/json");
	assert_int_equal(get(port, "/nope", NULL, &b, NULL, 0), 404);
	assert_int_equal(get(port, "/metrics", "POST", &b, NULL, 0), 405);
	/* a second server on the same port is refused with a message */
	{
		char addr[32];

		snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
		assert_null(vg_metrics_serve(m, addr, NULL, err, sizeof(err)));
		assert_non_null(strstr(err, addr));
	}
	vg_metrics_server_stop(s);
	vg_metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_endpoint),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
