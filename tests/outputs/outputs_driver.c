// SPDX-License-Identifier: Apache-2.0
/*
 * A driver for the output tests that use real receivers (syslog, HTTP,
 * Prometheus): loads a config with the real loader, starts the real
 * outputs, submits COUNT alerts in Falco's schema, flushes, and prints the
 * per-output counters as one JSON line on stderr ("STATS {...}").
 *
 *   outputs_driver [-c FILE] [-o key=value]... [-n COUNT] [--wait]
 *                  [--flush-ms MS] [--metrics ADDR] [--serve] [--summary]
 *
 * --wait     after submitting, print "SUBMITTED" on stderr and wait for a line
 *            on stdin before flushing (the test brings a receiver up meanwhile)
 * --metrics  serve /metrics on ADDR and print "PORT n" on stderr
 * --serve    after flushing, wait for a line on stdin before exiting
 * --summary  also submit a rate-limit summary alert (vg_ratelimit_summary_alert)
 * --second N after --wait's line, submit N more alerts (seq continues)
 * --pad N    add N bytes of argv-like text to each alert's JSON and to its text
 *            (a hostile command line), and print "RSS <VmRSS kB> <VmHWM kB>"
 *            on stderr once everything is submitted
 * --sigterm  after submitting, print "SUBMITTED" and wait for SIGTERM; then
 *            end as vigil run does (vg_outputs_shutdown: drain, then count the
 *            rest as dropped) instead of flushing
 *
 * At the end the per-output exit summary (vg_outputs_print_summary) follows
 * the STATS line.
 */
#include <pthread.h>
#include <signal.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "delivery/outputs.h"
#include "ratelimit/ratelimit.h"

static uint64_t now_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* An alert shaped like engine/alert/alert.c's, with seq as proc.pid. */
static int make_alert(unsigned long seq, int priority, char *json, size_t jcap, char *text,
		      size_t tcap)
{
	static const char *const names[] = {"Emergency", "Alert",  "Critical",	    "Error",
					    "Warning",	 "Notice", "Informational", "Debug"};
	uint64_t ns = now_ns(CLOCK_REALTIME);
	time_t secs = (time_t)(ns / 1000000000ull);
	char date[32], ts[64], out[256];
	struct tm tm;
	int n;

	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, sizeof(ts), "%s.%09lluZ", date, (unsigned long long)(ns % 1000000000ull));
	snprintf(out, sizeof(out),
		 "%02d:%02d:%02d.%09llu: %s Shell spawned \"quoted\" \\ seq=%lu (proc.name=bash "
		 "user.uid=0)",
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned long long)(ns % 1000000000ull),
		 names[priority & 7], seq);
	n = snprintf(
		json, jcap,
		"{\"hostname\":\"testhost\",\"output\":\"%s\",\"output_fields\":{"
		"\"evt.time\":%llu,\"proc.name\":\"bash\",\"proc.pid\":%lu,\"user.uid\":0,"
		"\"proc.pname\":null},\"priority\":\"%s\",\"rule\":\"Test shell rule\","
		"\"source\":\"syscall\",\"tags\":[\"shell\",\"mitre_execution\"],\"time\":\"%s\","
		"\"vigil\":{\"event_type\":\"exec\",\"exec_id\":\"b00t:%lu:1\",\"process\":{"
		"\"pid\":%lu,\"exec_id\":\"b00t:%lu:1\",\"comm\":\"bash\",\"exe\":\"/usr/bin/"
		"bash\","
		"\"args\":[\"bash\",\"-c\",\"id\"],\"uid\":0,\"cgroup_id\":4242},\"ancestors\":[{"
		"\"pid\":1,\"exec_id\":\"b00t:1:1\",\"exe\":null,\"comm\":\"systemd\"}]}}",
		/* output: JSON-escape the quote and the backslash */
		"", (unsigned long long)ns, seq, names[priority & 7], ts, seq, seq, seq);
	(void)n;
	/* put the escaped output text into the JSON (after the fact, to keep one format) */
	{
		json_object *o = json_tokener_parse(json);

		if (!o)
			return -1;
		json_object_object_add(o, "output", json_object_new_string(out));
		n = snprintf(json, jcap, "%s",
			     json_object_to_json_string_ext(
				     o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	snprintf(text, tcap, "%s", out);
	return n > 0 && (size_t)n < jcap ? 0 : -1;
}

static void add_stats(const struct vg_output_stats *st, void *arg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(st->name));
	json_object_object_add(o, "accepted", json_object_new_uint64(st->accepted));
	json_object_object_add(o, "queued", json_object_new_uint64(st->queued));
	json_object_object_add(o, "depth_bytes", json_object_new_uint64(st->depth_bytes));
	json_object_object_add(o, "capacity_bytes", json_object_new_uint64(st->capacity_bytes));
	json_object_object_add(o, "dropped_bytes", json_object_new_uint64(st->dropped_bytes));
	json_object_object_add(o, "dropped_oversize", json_object_new_uint64(st->dropped_oversize));
	json_object_object_add(o, "dropped_shutdown", json_object_new_uint64(st->dropped_shutdown));
	json_object_object_add(o, "depth", json_object_new_uint64(st->depth));
	json_object_object_add(o, "capacity", json_object_new_uint64(st->capacity));
	json_object_object_add(o, "sent", json_object_new_uint64(st->sent));
	json_object_object_add(o, "dropped_full", json_object_new_uint64(st->dropped_full));
	json_object_object_add(o, "dropped_failed", json_object_new_uint64(st->dropped_failed));
	json_object_object_add(o, "retries", json_object_new_uint64(st->retries));
	json_object_object_add(o, "restarts", json_object_new_uint64(st->restarts));
	json_object_object_add(o, "rotations", json_object_new_uint64(st->rotations));
	json_object_object_add(o, "last_error", json_object_new_string(st->last_error));
	json_object_array_add(arg, o);
}

static size_t pad_bytes;

/*
 * The alert grown by pad_bytes of argv in "vigil.pad" and at the end of the
 * text, as an exec with a huge command line makes it. Buffers are reused.
 */
static int pad_alert(char **json, size_t *jlen, char **text, size_t *tlen)
{
	static char *pj, *pt;
	size_t jl = strlen(*json), tl = strlen(*text);

	free(pj);
	free(pt);
	pj = malloc(jl + pad_bytes + 16);
	pt = malloc(tl + pad_bytes + 2);
	if (!pj || !pt)
		return -1;
	/* {... ,"pad":"AAAA"} : valid JSON, replacing the closing brace */
	memcpy(pj, *json, jl - 1);
	memcpy(pj + jl - 1, ",\"pad\":\"", 8);
	memset(pj + jl + 7, 'A', pad_bytes);
	memcpy(pj + jl + 7 + pad_bytes, "\"}", 3);
	memcpy(pt, *text, tl);
	pt[tl] = ' ';
	memset(pt + tl + 1, 'A', pad_bytes);
	pt[tl + 1 + pad_bytes] = '\0';
	*json = pj;
	*jlen = strlen(pj);
	*text = pt;
	*tlen = strlen(pt);
	return 0;
}

static int submit_one(struct vg_outputs *outs, unsigned long seq, int priority,
		      uint64_t *max_submit)
{
	static char json[8192], text[1024];
	struct vg_alert_msg a = {.priority = priority, .rule = "Test shell rule"};
	char *j = json, *t = text;
	size_t jl, tl;
	uint64_t t0, dt;

	if (make_alert(seq, priority, json, sizeof(json), text, sizeof(text)) != 0) {
		fprintf(stderr, "cannot build alert %lu\n", seq);
		return -1;
	}
	jl = strlen(json);
	tl = strlen(text);
	if (pad_bytes && pad_alert(&j, &jl, &t, &tl) != 0) {
		fprintf(stderr, "out of memory padding alert %lu\n", seq);
		return -1;
	}
	a.json = j;
	a.json_len = jl;
	a.text = t;
	a.text_len = tl;
	t0 = now_ns(CLOCK_MONOTONIC);
	vg_outputs_submit(outs, &a);
	dt = now_ns(CLOCK_MONOTONIC) - t0;
	if (dt > *max_submit)
		*max_submit = dt;
	return 0;
}

/* "RSS <VmRSS kB> <VmHWM kB>" from /proc/self/status. */
static void print_rss(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long rss = 0, hwm = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "VmRSS: %lu", &rss);
		sscanf(line, "VmHWM: %lu", &hwm);
	}
	fclose(f);
	fprintf(stderr, "RSS %lu %lu\n", rss, hwm);
}

static void wait_line(void)
{
	char buf[64];

	if (!fgets(buf, sizeof(buf), stdin))
		return;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"wait", no_argument, NULL, 'w'},
		{"flush-ms", required_argument, NULL, 'f'},
		{"metrics", required_argument, NULL, 'm'},
		{"serve", no_argument, NULL, 's'},
		{"summary", no_argument, NULL, 'S'},
		{"priority", required_argument, NULL, 'p'},
		{"second", required_argument, NULL, '2'},
		{"pad", required_argument, NULL, 'P'},
		{"sigterm", no_argument, NULL, 'T'},
		{0},
	};
	char *overrides[64];
	size_t n_over = 0;
	const char *cfg_path = NULL, *metrics_addr = NULL;
	unsigned long count = 10, second = 0;
	int flush_ms = 10000, priority = 4, c;
	bool wait = false, serve = false, summary = false, sigterm = false;
	sigset_t term;
	struct vg_config cfg;
	struct vg_config_err err;
	struct vg_outputs_config ocfg;
	struct vg_outputs *outs;
	struct vg_metrics *m = NULL;
	struct vg_metrics_server *srv = NULL;
	uint64_t max_submit = 0;
	json_object *stats, *arr;
	int flushed;

	while ((c = getopt_long(argc, argv, "c:o:n:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfg_path = optarg; break;
		case 'o':
			if (n_over < 64)
				overrides[n_over++] = optarg;
			break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'w': wait = true; break;
		case 'f': flush_ms = atoi(optarg); break;
		case 'm': metrics_addr = optarg; break;
		case 's': serve = true; break;
		case 'S': summary = true; break;
		case 'p': priority = atoi(optarg); break;
		case '2': second = strtoul(optarg, NULL, 10); break;
		case 'P': pad_bytes = strtoul(optarg, NULL, 10); break;
		case 'T': sigterm = true; break;
		default: return 2;
		}
	}
	if (vg_config_load(&cfg, cfg_path, overrides, n_over, &err) != 0) {
		fprintf(stderr, "CONFIG %s\n", err.text);
		return 2;
	}
	/* SIGTERM is taken with sigwait: blocked before any thread starts */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigterm)
		pthread_sigmask(SIG_BLOCK, &term, NULL);
	vg_config_outputs(&cfg, &ocfg);
	outs = vg_outputs_new(&ocfg);
	if (!outs)
		return 1;
	if (metrics_addr) {
		char e[256];
		const struct vg_metrics_limits lim = {cfg.metrics_connection_limit,
						      cfg.metrics_per_ip_connection_limit,
						      cfg.metrics_connection_timeout, NULL, false};

		m = vg_metrics_new();
		if (!m || vg_outputs_register_metrics(outs, m) != 0)
			return 1;
		vg_metrics_set_version(m, "0.1.0-test");
		srv = vg_metrics_serve(m, metrics_addr, &lim, e, sizeof(e));
		if (!srv) {
			fprintf(stderr, "vigil: %s\n", e);
			return 1;
		}
		fprintf(stderr, "PORT %u\n", vg_metrics_server_port(srv));
	}
	for (unsigned long i = 1; i <= count; i++) {
		if (submit_one(outs, i, priority, &max_submit) != 0)
			return 1;
	}
	if (summary) {
		struct vg_ratelimit_summary s = {"Test shell rule", 41, 60.0};
		struct vg_alert_msg a;
		char *sj, *st;

		if (vg_ratelimit_summary_alert(&s, "testhost", now_ns(CLOCK_REALTIME), &a, &sj,
					       &st) != 0)
			return 1;
		vg_outputs_submit(outs, &a);
		free(sj);
		free(st);
	}
	if (wait) {
		fprintf(stderr, "SUBMITTED\n");
		wait_line();
		for (unsigned long i = count + 1; i <= count + second; i++)
			if (submit_one(outs, i, priority, &max_submit) != 0)
				return 1;
		count += second;
	}
	if (pad_bytes)
		print_rss();
	if (sigterm) {
		int sig;

		fprintf(stderr, "SUBMITTED\n");
		sigwait(&term, &sig);
		flushed = vg_outputs_shutdown(outs);
	} else {
		flushed = vg_outputs_flush(outs, flush_ms);
	}
	stats = json_object_new_object();
	arr = json_object_new_array();
	vg_outputs_stats(outs, add_stats, arr);
	json_object_object_add(stats, "outputs", arr);
	json_object_object_add(stats, "submitted", json_object_new_uint64(count));
	json_object_object_add(stats, "flush", json_object_new_int(flushed));
	json_object_object_add(stats, "max_submit_ns", json_object_new_uint64(max_submit));
	fprintf(stderr, "STATS %s\n",
		json_object_to_json_string_ext(stats, JSON_C_TO_STRING_PLAIN));
	json_object_put(stats);
	vg_outputs_print_summary(outs, stderr);
	fprintf(stderr, "SUMMARY END\n");
	if (serve) {
		fprintf(stderr, "SERVING\n");
		wait_line();
	}
	vg_metrics_server_stop(srv);
	vg_outputs_free(outs);
	vg_metrics_free(m);
	vg_config_free(&cfg);
	return 0;
}
