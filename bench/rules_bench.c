// SPDX-License-Identifier: Apache-2.0
/*
 * rules_bench: a large synthetic event stream through the whole user-space
 * path (decode -> process/fd state -> rules -> alerts to /dev/null) with
 * Falco's rule files loaded. Prints events/s on one core and ns/event.
 *
 *   rules_bench [-n EVENTS] [-R RUNS] [-m host|equal] [-k KIND] [-E] [-F] [-o ALERTS] [-r RULES]...
 *               [-S] [-B BYTES] [-K] [-P TOP] [-W PATH]
 *
 * Exec events carry an environment, as the probe sends it; -E leaves it out
 * (the workload before it did: proc.env then falls back to /proc). -o
 * writes the alerts to a file instead of discarding them, to compare the
 * output of two builds (the figures then include the writes). -F runs the
 * full path alone, without the split and the per-kind figures: what a
 * profiler should look at.
 *
 * Default rules: Falco's stable, incubating and sandbox files (93 rules),
 * from ../shared/anchors/falco-rules beside the source tree.
 *
 * Sequences and thresholds: -S adds bench/seq_rules.yaml (20 of them) to the
 * rules; -B sets sequence_state_max_bytes; -K floods keys: every event
 * comes from a new pid, so every proc.pid-keyed rule sees a new key each
 * time and its table fills and evicts. The state's figures (keys, bytes per
 * key, evictions) and the process's resident memory are printed after each
 * stage.
 *
 * -P TOP: the rule profile instead of the stages (rules_profile.c): per event
 * type how many rules the index leaves to run, and the TOP rules by cost per
 * event, to find which rules a ruleset's time goes to. -W PATH: the rules
 * for which an open of PATH passes the in-kernel path prefilter.
 */
#include <getopt.h>
#include <stdbool.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "decode/decode.h"
#include "alert/alert.h"
#include "engine/engine.h"
#include "replay/json_record.h"
#include "rules/compile.h"
#include "rules/eval.h"
#include "rules/loader.h"
#include "rules/seq.h"
#include "config/config.h"
#include "state/proc_table.h"
#include "rules_profile.h"

/*
 * What the hosts do, mostly benign, each with its weight in the "host" mix:
 * file opens and closes dominate, as on real hosts, and execs are still far
 * more frequent than there (about one event in five here, well under one in a
 * hundred on most servers). -m equal replays every template once per cycle
 * instead (over a third of the events execs).
 */
struct tmpl {
	const char *kind; /* for the per-kind figures */
	int weight;
	const char *json;
};

static const struct tmpl templates[] = {
	{"exec", 1,
	 "{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,\"comm\":\"ls\",\"filename\":"
	 "\"/bin/ls\",\"exe\":\"/usr/bin/ls\",\"cwd\":\"/home/u\",\"args\":[\"ls\",\"-la\"]}"},
	{"exec", 1,
	 "{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":\"cat\",\"filename\":"
	 "\"/bin/cat\",\"exe\":\"/usr/bin/cat\",\"cwd\":\"/root\",\"args\":[\"cat\",\"/etc/"
	 "hosts\"]}"},
	{"exec", 1,
	 "{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":33,\"comm\":\"sh\",\"filename\":"
	 "\"/bin/sh\",\"exe\":\"/usr/bin/dash\",\"cwd\":\"/var/www\",\"args\":[\"sh\",\"-c\","
	 "\"id\"]}"},
	{"exec", 1,
	 "{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,\"comm\":\"python3\",\"filename\":"
	 "\"/usr/bin/python3\",\"exe\":\"/usr/bin/python3.11\",\"cwd\":\"/srv\",\"args\":"
	 "[\"python3\",\"app.py\",\"--port\",\"8080\"]}"},
	{"exec", 1,
	 "{\"type\":\"exec\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":\"curl\",\"filename\":"
	 "\"/usr/bin/curl\",\"exe\":\"/usr/bin/curl\",\"cwd\":\"/\",\"args\":[\"curl\",\"-s\","
	 "\"http://10.0.0.1/health\"]}"},
	{"openat", 3,
	 "{\"type\":\"syscall\",\"syscall\":\"openat\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":"
	 "\"cat\",\"res\":3,\"sc_args\":[4294967196,0,0,0,0,0],\"path\":\"/etc/hosts\","
	 "\"fd_path\":\"/etc/hosts\",\"file\":{\"fd\":3,\"mode\":33188,\"flags\":32768}}"},
	{"openat", 3,
	 "{\"type\":\"syscall\",\"syscall\":\"openat\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,"
	 "\"comm\":\"python3\",\"res\":4,\"sc_args\":[4294967196,0,577,420,0,0],\"path\":"
	 "\"/srv/data/out.log\",\"fd_path\":\"/srv/data/out.log\",\"file\":{\"fd\":4,\"mode\":"
	 "33188,\"flags\":33345}}"},
	{"openat", 4,
	 "{\"type\":\"syscall\",\"syscall\":\"openat\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,"
	 "\"comm\":\"ls\",\"res\":3,\"sc_args\":[4294967196,0,591872,0,0,0],\"path\":"
	 "\"/usr/lib/x86_64-linux-gnu/libc.so.6\",\"fd_path\":\"/usr/lib/x86_64-linux-gnu/"
	 "libc.so.6\",\"file\":{\"fd\":3,\"mode\":33261,\"flags\":557056}}"},
	{"openat", 1,
	 "{\"type\":\"syscall\",\"syscall\":\"openat\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":"
	 "\"cat\",\"res\":3,\"sc_args\":[4294967196,0,0,0,0,0],\"path\":\"/etc/shadow\","
	 "\"fd_path\":\"/etc/shadow\",\"file\":{\"fd\":3,\"mode\":33184,\"flags\":32768}}"},
	{"connect", 2,
	 "{\"type\":\"syscall\",\"syscall\":\"connect\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":"
	 "\"curl\",\"res\":0,\"sc_args\":[5,0,16,0,0,0],\"sock\":{\"fd\":5,\"family\":2,\"type\":1,"
	 "\"protocol\":6,\"sip\":\"10.0.0.2\",\"sport\":40000,\"dip\":\"10.0.0.1\",\"dport\":80},"
	 "\"sockaddr\":{\"family\":2,\"addr\":\"10.0.0.1\",\"port\":80}}"},
	{"other", 6,
	 "{\"type\":\"syscall\",\"syscall\":\"close\",\"pid\":%d,\"ppid\":%d,\"uid\":0,\"comm\":"
	 "\"cat\",\"res\":0,\"sc_args\":[3,0,0,0,0,0]}"},
	{"other", 1,
	 "{\"type\":\"syscall\",\"syscall\":\"unlinkat\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,"
	 "\"comm\":\"python3\",\"res\":0,\"sc_args\":[4294967196,0,0,0,0,0],\"path\":"
	 "\"/tmp/app.lock\"}"},
	{"other", 1,
	 "{\"type\":\"fork\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,\"comm\":\"bash\","
	 "\"parent_pid\":%d}"},
	{"other", 1,
	 "{\"type\":\"exit\",\"pid\":%d,\"ppid\":%d,\"uid\":1000,\"comm\":\"ls\",\"exit_status\":"
	 "0}"},
};

/*
 * What an exec carries as its environment (about 20 variables, 1 KiB, as a
 * login shell's child has): proc.env reads it, and decode and state copy it.
 */
#define EXEC_ENV                                                                                   \
	",\"env\":[\"SHELL=/bin/bash\",\"PWD=/home/u\",\"LOGNAME=u\",\"HOME=/home/u\","            \
	"\"LANG=en_US.UTF-8\",\"USER=u\",\"SHLVL=1\",\"TERM=xterm-256color\","                     \
	"\"XDG_SESSION_ID=42\",\"XDG_RUNTIME_DIR=/run/user/1000\",\"XDG_SESSION_TYPE=tty\","       \
	"\"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus\",\"MAIL=/var/mail/u\","          \
	"\"SSH_CLIENT=10.0.0.9 51234 22\",\"SSH_CONNECTION=10.0.0.9 51234 10.0.0.2 22\","          \
	"\"SSH_TTY=/dev/pts/0\",\"EDITOR=vim\",\"LESSOPEN=| /usr/bin/lesspipe %s\","               \
	"\"LS_COLORS=rs=0:di=01;34:ln=01;36:mh=00:pi=40;33:so=01;35:do=01;35:bd=40;33;01:cd=40;"   \
	"33;01:"                                                                                   \
	"or=40;31;01:mi=00:su=37;41:sg=30;43:ca=00:tw=30;42:ow=34;42:st=37;44:ex=01;32\","         \
	"\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"_=/usr/bin/"      \
	"env\"]"

#define NTEMPLATES (sizeof(templates) / sizeof(templates[0]))
#define MAXCYCLE   64 /* events in one process's cycle */

static const char *const kinds[] = {"exec", "openat", "connect", "other"};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))
#define NPROCS 64 /* distinct processes the stream cycles through */

/* Per-core figures come from the thread's CPU time, so other load on the machine does not count. */
static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* -K: each event from a new pid (the record's header is rewritten before it is handled) */
static bool flood;
static uint32_t flood_pid = 200000;

/* Resident memory now, from /proc/self/statm, in MiB. */
static double rss_mib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, res = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (double)res * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

/* The sequence and threshold rules' state: keys held, bound, bytes per key, evictions. */
static void print_seq_state(const struct vg_ruleset *rs)
{
	struct vg_seq_stats st;
	uint64_t keys = 0, cap = 0, ev = 0, exp = 0, bytes = 0, minb = UINT64_MAX, maxb = 0;
	size_t n = 0;

	for (; vg_seq_stats(rs, n, &st); n++) {
		keys += st.entries;
		cap += st.capacity;
		ev += st.evictions;
		exp += st.expired;
		bytes += st.bytes; /* touched: the budget is reserved, resident as keys arrive */
		minb = st.entry_bytes < minb ? st.entry_bytes : minb;
		maxb = st.entry_bytes > maxb ? st.entry_bytes : maxb;
	}
	if (!n)
		return;
	printf("    state: %zu rules, keys %llu of %llu, %.1f MiB allocated (%llu..%llu bytes per "
	       "key), evictions %llu, expired %llu; RSS %.1f MiB\n",
	       n, (unsigned long long)keys, (unsigned long long)cap, (double)bytes / 1048576.0,
	       (unsigned long long)minb, (unsigned long long)maxb, (unsigned long long)ev,
	       (unsigned long long)exp, rss_mib());
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The records back to back, 8-byte aligned, as a ring buffer holds them. */
struct stream {
	char *buf;
	size_t *off;
	uint32_t *len;
	uint8_t *kind; /* index in kinds[] */
	size_t n;
};

static size_t kind_of(const char *k)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i], k) == 0)
			return i;
	return NKINDS - 1;
}

/*
 * One process's cycle: each template as often as its weight (once with
 * equal), round-robin so that kinds interleave: every event type follows
 * every other, as on a host, not in runs of one kind.
 */
static size_t cycle(bool equal, size_t *order)
{
	size_t n = 0;

	for (int round = 0; n < MAXCYCLE; round++) {
		size_t before = n;

		for (size_t t = 0; t < NTEMPLATES && n < MAXCYCLE; t++)
			if (round < (equal ? 1 : templates[t].weight))
				order[n++] = t;
		if (n == before)
			break;
	}
	return n;
}

/* Builds the records once: the timed loop only replays bytes. */
static void build_stream(struct stream *st, struct vg_proc_table *procs, bool equal, bool env)
{
	size_t order[MAXCYCLE], len = cycle(equal, order), count = len * NPROCS, used = 0;
	struct vg_record_buf *rec = malloc(sizeof(*rec));
	char json[4096], err[128];

	st->buf = malloc(count * sizeof(rec->data));
	st->off = calloc(count, sizeof(*st->off));
	st->len = calloc(count, sizeof(*st->len));
	st->kind = calloc(count, sizeof(*st->kind));
	if (!rec || !st->buf || !st->off || !st->len || !st->kind) {
		fprintf(stderr, "rules_bench: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < count; i++) {
		const struct tmpl *t = &templates[order[i % len]];
		int pid = 10000 + (int)(i / len % NPROCS), ppid = 1000;
		int n = snprintf(json, sizeof(json), t->json, pid, ppid, ppid);
		bool exec = strcmp(t->kind, "exec") == 0;
		json_object *o;

		/* every event gets a time and a parent, as recorded ones have; an exec its env */
		snprintf(json + n - 1, sizeof(json) - n + 1,
			 "%s,\"time\":\"2026-11-22T08:00:00.%09zuZ\",\"parent\":{\"pid\":1000,"
			 "\"exe\":\"/usr/bin/bash\",\"comm\":\"bash\",\"args\":[\"bash\"]}}",
			 exec && env ? EXEC_ENV : "", i);
		o = json_tokener_parse(json);
		if (!o || vg_json_to_record(o, rec, err, sizeof(err)) != 0) {
			fprintf(stderr, "rules_bench: template %zu: %s\n", order[i % len],
				o ? err : "bad JSON");
			exit(1);
		}
		vg_json_seed_ancestry(o, procs);
		json_object_put(o);
		memcpy(st->buf + used, rec->data, rec->len);
		st->off[i] = used;
		st->len[i] = rec->len;
		st->kind[i] = (uint8_t)kind_of(t->kind);
		used += (rec->len + 7) & ~7u;
	}
	st->n = count;
	free(rec);
}

/* Where alerts go: formatted in full, then dropped without a syscall, as when
 * `vigil run` hands them to its output thread. */
static ssize_t discard(void *c, const char *buf, size_t size)
{
	(void)c;
	(void)buf;
	return (ssize_t)size;
}

/* -P: the per-rule profile that replaces the rules stage, or NULL */
static struct vg_rule_profile *profile;

struct stage {
	const char *name;
	enum vg_engine_mode upto; /* how far each record goes */
	double cpu, wall;	  /* medians, seconds per run */
};

/* Replays the stream runs times through the engine up to the stage; keeps the medians. */
static void run_stage(struct stage *st, struct vg_engine *e, const struct stream *s, long total,
		      int runs, int kind)
{
	double cpu[16], wall[16];

	vg_engine_stop(e);
	if (vg_engine_set_mode(e, st->upto) != 0 || vg_engine_start(e) != 0) {
		fprintf(stderr, "rules_bench: the engine does not start for %s\n", st->name);
		exit(1);
	}
	if (profile) { /* -P: each rule timed alone instead of the rule engine (rules_profile.c) */
		e->pl.sink = vg_rule_profile_sink;
		e->pl.sink_ctx = profile;
	}
	for (int r = 0; r < runs; r++) {
		double c0 = cpu_s(), w0 = wall_s();

		for (long i = 0, done = 0; done < total; i++) {
			size_t k = (size_t)i % s->n;

			if (kind >= 0 && s->kind[k] != kind)
				continue;
			if (flood) {
				struct vg_event_hdr *h =
					(struct vg_event_hdr *)(s->buf + s->off[k]);

				h->pid = h->tid = h->vpid = flood_pid++;
				if (flood_pid > 4000000)
					flood_pid = 200000;
			}
			vg_engine_feed(e, s->buf + s->off[k], s->len[k]);
			done++;
		}
		cpu[r] = cpu_s() - c0;
		wall[r] = wall_s() - w0;
	}
	qsort(cpu, (size_t)runs, sizeof(cpu[0]), cmp_double);
	qsort(wall, (size_t)runs, sizeof(wall[0]), cmp_double);
	st->cpu = cpu[runs / 2];
	st->wall = wall[runs / 2];
}

static void usage(void)
{
	fprintf(stderr, "usage: rules_bench [-n EVENTS>0] [-R RUNS 1..16] [-m host|equal] "
			"[-k exec|openat|connect|other] [-E] [-F] [-o ALERTS] [-r RULES]... [-S] "
			"[-B BYTES] [-K] [-P TOP] [-W PATH]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *defaults[] = {VIGIL_FALCO_RULES_DIR "/falco_rules.yaml",
				  VIGIL_FALCO_RULES_DIR "/falco-incubating_rules.yaml",
				  VIGIL_FALCO_RULES_DIR "/falco-sandbox_rules.yaml"};
	const char *paths[16];
	int npaths = 0, runs = 5, c, only = -1;
	long total = 2000000;
	bool equal = false, env = true, full_only = false, seq = false;
	uint64_t seq_bytes = 0;
	struct vg_config cfg;
	const char *alerts_path = NULL, *watch_path = NULL;
	struct vg_engine eng;
	struct vg_ruleset *rules;
	struct stream stream;
	struct utsname u;
	size_t nkind[NKINDS] = {0}, profile_top = 0;
	unsigned long long matches = 0;
	FILE *sink;

	while ((c = getopt(argc, argv, "n:R:r:m:k:EFo:SB:KP:W:")) != -1) {
		if (c == 'n' && atol(optarg) > 0)
			total = atol(optarg);
		else if (c == 'R' && atoi(optarg) > 0 && atoi(optarg) <= 16)
			runs = atoi(optarg);
		else if (c == 'r' && npaths < 15)
			paths[npaths++] = optarg;
		else if (c == 'm' && (strcmp(optarg, "host") == 0 || strcmp(optarg, "equal") == 0))
			equal = strcmp(optarg, "equal") == 0;
		else if (c == 'o')
			alerts_path = optarg; /* the alerts in full, to compare builds */
		else if (c == 'E')
			env = false; /* execs without env, as before the probe sent it */
		else if (c == 'F')
			full_only = true;
		else if (c == 'S')
			seq = true; /* the 20 sequence and threshold rules on top */
		else if (c == 'B' && strtoull(optarg, NULL, 10) > 0)
			seq_bytes = strtoull(optarg, NULL, 10);
		else if (c == 'K')
			flood = true;
		else if (c == 'W')
			watch_path = optarg;
		else if (c == 'P' && atol(optarg) > 0)
			profile_top = (size_t)atol(optarg);
		else if (c == 'k' && strcmp(kinds[kind_of(optarg)], optarg) == 0)
			only = (int)kind_of(optarg); /* that kind alone, for profiling */
		else
			usage();
	}
	if (optind < argc)
		usage();
	if (!npaths) {
		if (access(defaults[0], R_OK) != 0) {
			fprintf(stderr, "rules_bench: %s not found; give -r RULES\n", defaults[0]);
			return 2;
		}
		memcpy(paths, defaults, sizeof(defaults));
		npaths = 3;
	}
	if (seq)
		paths[npaths++] = VIGIL_SEQ_BENCH_RULES;
	sink = alerts_path ? fopen(alerts_path, "w")
			   : fopencookie(NULL, "w", (cookie_io_functions_t){.write = discard});
	if (!sink) {
		fprintf(stderr, "rules_bench: %s: %m\n", alerts_path);
		return 2;
	}
	if (vg_config_defaults(&cfg) != 0)
		return 1;
	if (seq_bytes)
		cfg.sequence_state_max_bytes = seq_bytes;
	rules = vg_cli_load_rules_cfg(paths, npaths, &cfg, NULL, 0);
	vg_config_free(&cfg);
	if (!rules || vg_engine_open(&eng, &(struct vg_engine_opts){.max_procs = 65536}) != 0 ||
	    vg_engine_set_rules(&eng, rules, sink) != 0)
		return 1;
	build_stream(&stream, eng.pl.procs, equal, env);
	for (size_t i = 0; i < stream.n; i++)
		nkind[stream.kind[i]]++;
	uname(&u);
	printf("rules_bench: %zu rules, %zu distinct events (%s mix:", vg_ruleset_rule_count(rules),
	       stream.n, equal ? "equal" : "host");
	for (size_t k = 0; k < NKINDS; k++)
		printf(" %s %.0f%%", kinds[k], 100.0 * (double)nkind[k] / (double)stream.n);
	printf("), %ld events per run, %d runs\n", total, runs);
	printf("execs carry %s\n",
	       env ? "a 20-variable environment, as the exec probe sends it (-E: none)"
		   : "no environment: proc.env reads /proc, as before the probe sent it");
	printf("machine: %s %s, %ld CPUs online; one thread, per-core figures from its CPU time\n",
	       u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN));

	if (watch_path) {
		vg_rule_profile_path(rules, watch_path);
		goto done;
	}
	if (profile_top) {
		struct stage one = {"profile", VG_ENGINE_STATE, 0, 0};

		if (!(profile = vg_rule_profile_new(rules, eng.pl.procs)))
			return 1;
		run_stage(&one, &eng, &stream, total, 1, only);
		vg_rule_profile_print(profile, profile_top);
		vg_rule_profile_free(profile);
		profile = NULL;
		goto done;
	}
	/* each stage adds one part of the path; the differences split the cost */
	struct stage st[] = {
		{"decode+state", VG_ENGINE_STATE, 0, 0},
		{"+rules", VG_ENGINE_MATCH, 0, 0},
		{"+alerts (full)", VG_ENGINE_ALERTS, 0, 0},
	};
	for (size_t i = full_only ? 2 : 0; i < sizeof(st) / sizeof(st[0]); i++) {
		if (i == 1)
			eng.matches = 0; /* the match rate is that of the rules alone */
		run_stage(&st[i], &eng, &stream, total, runs, only);
		if (i == 1)
			matches = eng.matches;
		printf("  %-15s median %6.0f ns/event CPU (%6.0f wall)\n", st[i].name,
		       st[i].cpu * 1e9 / total, st[i].wall * 1e9 / total);
		print_seq_state(rules);
	}
	if (full_only)
		goto out;
	printf("split: decode+state %.0f ns, rule evaluation %.0f ns, alert output %.0f ns per "
	       "event\n",
	       st[0].cpu * 1e9 / total, (st[1].cpu - st[0].cpu) * 1e9 / total,
	       (st[2].cpu - st[1].cpu) * 1e9 / total);
	/* the whole path for one kind of event at a time (a tenth of the events each) */
	printf("per kind (full path):");
	for (size_t k = 0; k < NKINDS; k++) {
		struct stage one = {kinds[k], VG_ENGINE_ALERTS, 0, 0};

		run_stage(&one, &eng, &stream, total / 10, runs, (int)k);
		printf(" %s %.0f ns", kinds[k], one.cpu * 1e9 / (double)(total / 10));
	}
	printf("\nmatches: %.2f%% of events (rule_matching first); alerts written: %llu\n",
	       100.0 * (double)matches / ((double)total * runs),
	       (unsigned long long)eng.alerter.alerts);
out:
	printf("median: %.0f events/s per core, %.0f ns/event (wall: %.0f events/s)\n",
	       total / st[2].cpu, st[2].cpu * 1e9 / total, total / st[2].wall);
done:
	vg_engine_stop(&eng);
	vg_engine_close(&eng); /* and the rules */
	free(stream.buf);
	free(stream.off);
	free(stream.len);
	free(stream.kind);
	fclose(sink);
	return 0;
}
