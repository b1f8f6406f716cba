// SPDX-License-Identifier: Apache-2.0
/*
 * rules_bench: a large synthetic event stream through the whole user-space
 * path (decode -> process/fd state -> rules -> alerts to /dev/null) with
 * Falco's rule files loaded. Prints events/s on one core and ns/event.
 *
 *   rules_bench [-n EVENTS] [-R RUNS] [-r RULES]...
 *
 * Default rules: Falco's stable, incubating and sandbox files (93 rules),
 * from ../shared/anchors/falco-rules beside the source tree.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "output/alert.h"
#include "pipeline.h"
#include "replay/json_record.h"
#include "rules/compile.h"
#include "rules/loader.h"
#include "state/proc_table.h"

/* One template per line: a realistic mix of what hosts do, mostly benign. */
static const char *const templates[] = {
	"{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,\"comm\":\"ls\",\"filename\":"
	"\"/bin/ls\",\"exe\":\"/usr/bin/ls\",\"cwd\":\"/home/u\",\"args\":[\"ls\",\"-la\"]}",
	"{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":\"cat\",\"filename\":"
	"\"/bin/cat\",\"exe\":\"/usr/bin/cat\",\"cwd\":\"/root\",\"args\":[\"cat\",\"/etc/"
	"hosts\"]}",
	"{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":33,\"comm\":\"sh\",\"filename\":"
	"\"/bin/sh\",\"exe\":\"/usr/bin/dash\",\"cwd\":\"/var/www\",\"args\":[\"sh\",\"-c\","
	"\"id\"]}",
	"{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,\"comm\":\"python3\",\"filename\":"
	"\"/usr/bin/python3\",\"exe\":\"/usr/bin/python3.11\",\"cwd\":\"/srv\",\"args\":"
	"[\"python3\",\"app.py\",\"--port\",\"8080\"]}",
	"{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":\"curl\",\"filename\":"
	"\"/usr/bin/curl\",\"exe\":\"/usr/bin/curl\",\"cwd\":\"/\",\"args\":[\"curl\",\"-s\","
	"\"http://10.0.0.1/health\"]}",
	"{\"type\":\"syscall\",\"syscall\":\"openat\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":"
	"\"cat\",\"res\":3,\"sc_args\":[4294967196,0,0,0,0,0],\"path\":\"/etc/hosts\","
	"\"fd_path\":\"/etc/hosts\",\"file\":{\"fd\":3,\"mode\":33188,\"flags\":32768}}",
	"{\"type\":\"syscall\",\"syscall\":\"openat\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,"
	"\"comm\":\"python3\",\"res\":4,\"sc_args\":[4294967196,0,577,420,0,0],\"path\":"
	"\"/srv/data/out.log\",\"fd_path\":\"/srv/data/out.log\",\"file\":{\"fd\":4,\"mode\":"
	"33188,\"flags\":33345}}",
	"{\"type\":\"syscall\",\"syscall\":\"openat\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,"
	"\"comm\":\"ls\",\"res\":3,\"sc_args\":[4294967196,0,591872,0,0,0],\"path\":"
	"\"/usr/lib/x86_64-linux-gnu/libc.so.6\",\"fd_path\":\"/usr/lib/x86_64-linux-gnu/"
	"libc.so.6\",\"file\":{\"fd\":3,\"mode\":33261,\"flags\":557056}}",
	"{\"type\":\"syscall\",\"syscall\":\"openat\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":"
	"\"cat\",\"res\":3,\"sc_args\":[4294967196,0,0,0,0,0],\"path\":\"/etc/shadow\","
	"\"fd_path\":\"/etc/shadow\",\"file\":{\"fd\":3,\"mode\":33184,\"flags\":32768}}",
	"{\"type\":\"syscall\",\"syscall\":\"connect\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":"
	"\"curl\",\"res\":0,\"sc_args\":[5,0,16,0,0,0],\"sock\":{\"fd\":5,\"family\":2,\"type\":1,"
	"\"protocol\":6,\"sip\":\"10.0.0.2\",\"sport\":40000,\"dip\":\"10.0.0.1\",\"dport\":80},"
	"\"sockaddr\":{\"family\":2,\"addr\":\"10.0.0.1\",\"port\":80}}",
	"{\"type\":\"syscall\",\"syscall\":\"close\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":"
	"\"cat\",\"res\":0,\"sc_args\":[3,0,0,0,0,0]}",
	"{\"type\":\"syscall\",\"syscall\":\"unlinkat\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,"
	"\"comm\":\"python3\",\"res\":0,\"sc_args\":[4294967196,0,0,0,0,0],\"path\":"
	"\"/tmp/app.lock\"}",
	"{\"type\":\"fork\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,\"comm\":\"bash\","
	"\"parent_pid\":%d}",
	"{\"type\":\"exit\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,\"comm\":\"ls\",\"exit_status\":0}",
};

#define NTEMPLATES (sizeof(templates) / sizeof(templates[0]))
#define NPROCS	   64 /* distinct processes the stream cycles through */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Builds the records once: the timed loop only replays bytes. */
static struct vg_record_buf *build_stream(size_t *n, struct vg_proc_table *procs)
{
	size_t count = NTEMPLATES * NPROCS;
	struct vg_record_buf *recs = calloc(count, sizeof(*recs));
	char json[2048], err[128];

	for (size_t i = 0; recs && i < count; i++) {
		int pid = 10000 + (int)(i % NPROCS), ppid = 1000;
		int len = snprintf(json, sizeof(json), templates[i / NPROCS], pid, ppid, ppid);
		json_object *o;

		/* every event gets a time and a parent, as recorded ones have */
		snprintf(json + len - 1, sizeof(json) - len + 1,
			 ",\"time\":\"2026-11-22T08:00:00.%09zuZ\",\"parent\":{\"pid\":1000,"
			 "\"exe\":\"/usr/bin/bash\",\"comm\":\"bash\",\"args\":[\"bash\"]}}",
			 i);
		o = json_tokener_parse(json);
		if (!o || vg_json_to_record(o, &recs[i], err, sizeof(err)) != 0) {
			fprintf(stderr, "rules_bench: template %zu: %s\n", i / NPROCS,
				o ? err : "bad JSON");
			exit(1);
		}
		vg_json_seed_ancestry(o, procs);
		json_object_put(o);
	}
	*n = count;
	return recs;
}

int main(int argc, char **argv)
{
	const char *defaults[] = {VIGIL_FALCO_RULES_DIR "/falco_rules.yaml",
				  VIGIL_FALCO_RULES_DIR "/falco-incubating_rules.yaml",
				  VIGIL_FALCO_RULES_DIR "/falco-sandbox_rules.yaml"};
	const char *paths[16];
	int npaths = 0, runs = 5, c;
	long total = 2000000;
	struct vg_pipeline pl = {0};
	struct vg_alerter alerter;
	struct vg_ruleset *rules;
	struct vg_record_buf *recs;
	struct utsname u;
	double best[16];
	size_t n;
	FILE *devnull = fopen("/dev/null", "w");

	while ((c = getopt(argc, argv, "n:R:r:")) != -1) {
		if (c == 'n')
			total = atol(optarg);
		else if (c == 'R')
			runs = atoi(optarg) > 0 && atoi(optarg) <= 16 ? atoi(optarg) : 5;
		else if (c == 'r' && npaths < 16)
			paths[npaths++] = optarg;
		else {
			fprintf(stderr, "usage: rules_bench [-n EVENTS] [-R RUNS] [-r RULES]...\n");
			return 2;
		}
	}
	if (!npaths) {
		if (access(defaults[0], R_OK) != 0) {
			fprintf(stderr, "rules_bench: %s not found; give -r RULES\n", defaults[0]);
			return 2;
		}
		memcpy(paths, defaults, sizeof(defaults));
		npaths = 3;
	}
	rules = vg_cli_load_rules(paths, npaths);
	pl.procs = vg_proc_table_new(65536, NULL);
	if (!rules || !pl.procs || vg_alerter_init(&alerter, rules, pl.procs, devnull) != 0)
		return 1;
	pl.sink = vg_sink_alerts;
	pl.sink_ctx = &alerter;
	recs = build_stream(&n, pl.procs);
	uname(&u);
	printf("rules_bench: %zu rules, %zu distinct events, %ld events per run, %d runs\n",
	       vg_ruleset_rule_count(rules), n, total, runs);
	printf("machine: %s %s, one core\n", u.release, u.machine);
	for (int r = 0; r < runs; r++) {
		double t0 = now_s();

		for (long i = 0; i < total; i++)
			vg_pipeline_handle(&pl, recs[i % n].data, recs[i % n].len);
		best[r] = now_s() - t0;
	}
	/* median of the runs */
	for (int i = 0; i < runs; i++)
		for (int j = i + 1; j < runs; j++)
			if (best[j] < best[i]) {
				double t = best[i];
				best[i] = best[j];
				best[j] = t;
			}
	double secs = best[runs / 2];

	printf("median: %.0f events/s, %.0f ns/event (alerts written: %llu over all runs)\n",
	       total / secs, secs * 1e9 / total, (unsigned long long)alerter.alerts);
	vg_alerter_fini(&alerter);
	vg_ruleset_free(rules);
	vg_proc_table_free(pl.procs);
	free(recs);
	fclose(devnull);
	return 0;
}
