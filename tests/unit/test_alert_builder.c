// SPDX-License-Identifier: Apache-2.0
/*
 * The one alert builder (engine/alert/alert_builder.c): every kind of alert
 * vigil emits is made by its real entry point (the rule sink for rule,
 * sequence, threshold, enforcement and self-protection alerts; the rate
 * limiter's summary; a failed reload; the drop watch) and must
 *  - have gone through the builder: vg_alerts_built(kind) counts it, so a
 *    kind rewritten to build its JSON some other way fails here;
 *  - be byte for byte the line vigil wrote before the builder (the golden
 *    lines below were written by the code before it, on the same inputs);
 *  - be valid UTF-8 JSON whatever bytes went in: a reload error full of
 *    hostile bytes comes out repaired, its exact bytes under vigil.raw.
 * And the priority table: every name, Falco's spellings, the syslog
 * severities, parse and print round trip, and the rule loader reads it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <syslog.h>
#include <unistd.h>

#include "hostile_world.h"

#include "alert/alert_builder.h"
#include "cli/drop_watch.h"
#include "cli/reload.h"
#include "delivery/outputs.h"
#include "enforce/policy.h"
#include "ratelimit/ratelimit.h"
#include "vigil/enforce.h"
#include "vigil/syscalls.h"
#include "vigil/priority.h"

/* 2026-01-02T03:04:05.123456789Z */
#define WALL 1767323045123456789ull

/* ---- a file output, read back ---- */

struct sink {
	char path[64];
	struct vg_output_config oc;
	struct vg_outputs_config ocs;
	struct vg_outputs *outs;
};

static void sink_open(struct sink *s)
{
	int fd;

	memset(s, 0, sizeof(*s));
	strcpy(s->path, "/tmp/vigil-ab-XXXXXX");
	fd = mkstemp(s->path);
	assert_true(fd >= 0);
	close(fd);
	s->oc = (struct vg_output_config){.kind = VG_OUTPUT_FILE,
					  .enabled = true,
					  .min_priority = 7,
					  .queue_size = 16,
					  .file.path = s->path};
	s->ocs = (struct vg_outputs_config){.outputs = &s->oc, .n = 1};
	s->outs = vg_outputs_new(&s->ocs);
	assert_non_null(s->outs);
}

/* The first line the output wrote (without its newline); the caller frees it. */
static char *sink_close(struct sink *s)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	assert_int_equal(vg_outputs_flush(s->outs, 30000), 0);
	vg_outputs_free(s->outs);
	f = fopen(s->path, "r");
	assert_non_null(f);
	n = getline(&line, &cap, f);
	fclose(f);
	unlink(s->path);
	assert_true(n > 0);
	if (line[n - 1] == '\n')
		line[n - 1] = '\0';
	return line;
}

/* A line is one JSON object of valid UTF-8. */
static void assert_json(const char *line)
{
	json_object *o;

	assert_true(hw_utf8_ok(line, strlen(line)));
	o = json_tokener_parse(line);
	assert_non_null(o);
	assert_true(json_object_is_type(o, json_type_object));
	json_object_put(o);
}

static void assert_line(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		print_message("got:  %s\nwant: %s\n", got, want);
	assert_string_equal(got, want);
	assert_json(got);
}

/* ---- vigil's own alerts ---- */

static const char RATE_LIMIT_LINE[] =
	"{\"hostname\":\"node-1\",\"output\":\"03:04:05.123456789: Notice 41 alerts of rule "
	"Read \\\"sensitive\\\" file suppressed in the last 60 s\",\"output_fields\":"
	"{\"vigil.suppressed.rule\":\"Read \\\"sensitive\\\" file\",\"vigil.suppressed.count\":41,"
	"\"vigil.suppressed.interval_s\":60},\"priority\":\"Notice\",\"rule\":\"vigil: alerts "
	"suppressed\",\"source\":\"internal\",\"tags\":[\"vigil\",\"rate_limit\"],\"time\":"
	"\"2026-01-02T03:04:05.123456789Z\",\"vigil\":{\"event_type\":\"rate_limit\"}}";

static void rate_limit_summary_is_built_by_the_builder(void **state)
{
	struct vg_ratelimit_summary s = {"Read \"sensitive\" file", 41, 60.0};
	uint64_t before = vg_alerts_built(VG_ALERT_RATE_LIMIT);
	struct vg_alert_msg m;
	char *json, *text;

	(void)state;
	assert_int_equal(vg_ratelimit_summary_alert(&s, "node-1", WALL, &m, &json, &text), 0);
	assert_int_equal(vg_alerts_built(VG_ALERT_RATE_LIMIT), before + 1);
	assert_line(json, RATE_LIMIT_LINE);
	assert_int_equal(m.json_len, strlen(json));
	assert_string_equal(text, "03:04:05.123456789: Notice 41 alerts of rule Read \"sensitive\" "
				  "file suppressed in the last 60 s");
	assert_int_equal(m.priority, VG_PRIO_NOTICE);
	free(json);
	free(text);
}

static const char RELOAD_LINE[] =
	"{\"hostname\":\"node-1\",\"output\":\"03:04:05.123456789: Error rules reload failed "
	"(SIGHUP), the previous rules stay in force: /etc/vigil/rules.d/a.yaml:3:7: unknown "
	"field 'proc.nme'\",\"output_fields\":{\"vigil.reload.reason\":\"SIGHUP\","
	"\"vigil.reload.error\":\"/etc/vigil/rules.d/a.yaml:3:7: unknown field 'proc.nme'\"},"
	"\"priority\":\"Error\",\"rule\":\"vigil rules reload failed\",\"source\":\"internal\","
	"\"tags\":[\"vigil\",\"reload\"],\"time\":\"2026-01-02T03:04:05.123456789Z\",\"vigil\":"
	"{\"event_type\":\"reload\"}}";

static void reload_failure_is_built_by_the_builder(void **state)
{
	uint64_t before = vg_alerts_built(VG_ALERT_RELOAD);
	struct sink s;
	char *line;

	(void)state;
	sink_open(&s);
	vg_reload_failure_alert(s.outs, "node-1", WALL, "SIGHUP",
				"/etc/vigil/rules.d/a.yaml:3:7: unknown field 'proc.nme'");
	line = sink_close(&s);
	assert_int_equal(vg_alerts_built(VG_ALERT_RELOAD), before + 1);
	assert_line(line, RELOAD_LINE);
	free(line);
}

/* A file name is anyone's bytes: the error that quotes it must not break the line. */
static void reload_error_with_hostile_bytes_is_escaped(void **state)
{
	static const char error[] = "/tmp/\xff\xfe\"}\\\n\x01\xed\xa0\x80.yaml: bad";
	struct sink s;
	json_object *o, *v, *raw;
	char *line;

	(void)state;
	sink_open(&s);
	vg_reload_failure_alert(s.outs, "node\"1", WALL, "inotify", error);
	line = sink_close(&s);
	assert_json(line);
	o = json_tokener_parse(line);
	assert_true(json_object_object_get_ex(o, "hostname", &v));
	assert_string_equal(json_object_get_string(v), "node\"1");
	assert_true(json_object_object_get_ex(o, "output_fields", &v));
	assert_true(json_object_object_get_ex(v, "vigil.reload.error", &v));
	assert_string_equal(json_object_get_string(v),
			    "/tmp/\xef\xbf\xbd\xef\xbf\xbd\"}\\\n\x01\xef\xbf\xbd\xef\xbf\xbd\xef"
			    "\xbf\xbd.yaml: bad");
	/* the exact bytes, for whoever must know which file it was */
	assert_true(json_object_object_get_ex(o, "vigil", &v));
	assert_true(json_object_object_get_ex(v, "raw", &raw));
	assert_true(json_object_object_get_ex(raw, "vigil.reload.error", &v));
	assert_string_equal(json_object_get_string(v), "L3RtcC///iJ9XAoB7aCALnlhbWw6IGJhZA==");
	assert_true(json_object_object_get_ex(raw, "output", &v));
	json_object_put(o);
	free(line);
}

static const char DROPS_LINE[] =
	"{\"hostname\":\"h\",\"output\":\"03:04:05.123456789: Debug vigil internal: syscall "
	"event drop. 500 system calls dropped in last second.\",\"output_fields\":{\"n_evts\":1000,"
	"\"n_drops\":500,\"n_drops_buffer_total\":500,\"n_drops_buffer_clone_fork_exit\":0,"
	"\"n_drops_buffer_execve_exit\":0,\"n_drops_buffer_proc_exit\":0,"
	"\"n_drops_buffer_syscall_exit\":500,\"n_drops_buffer_creds\":0,"
	"\"vigil.n_drops_since_last_report\":500,\"ebpf_enabled\":true},\"priority\":\"Debug\","
	"\"rule\":\"vigil internal: syscall event drop\",\"source\":\"internal\",\"tags\":"
	"[\"vigil\",\"drops\"],\"time\":\"2026-01-02T03:04:05.123456789Z\",\"vigil\":"
	"{\"event_type\":\"drops\"}}";

static void drop_alert_is_built_by_the_builder(void **state)
{
	struct vg_drops_config cfg = {
		.threshold = 0.1, .actions = VG_DROP_ALERT, .rate = 1, .max_burst = 1};
	struct vg_kcounters k[VG_EV__MAX] = {0};
	uint64_t before = vg_alerts_built(VG_ALERT_DROPS);
	uint64_t now = 5000000000ull;
	FILE *log = fopen("/dev/null", "w");
	struct vg_drop_watch *dw = vg_drop_watch_new(&cfg, log);
	struct sink s;
	char *line;

	(void)state;
	assert_non_null(dw);
	sink_open(&s);
	vg_drop_watch_tick(dw, k, now, WALL, s.outs, "h"); /* the baseline */
	k[VG_EV_SYSCALL].sent = 500;
	k[VG_EV_SYSCALL].dropped = 500;
	vg_drop_watch_tick(dw, k, now + 1000000001ull, WALL, s.outs, "h");
	line = sink_close(&s);
	assert_int_equal(vg_alerts_built(VG_ALERT_DROPS), before + 1);
	assert_line(line, DROPS_LINE);
	free(line);
	vg_drop_watch_free(dw);
	fclose(log);
}

/* ---- alerts of rules, through the rule sink ---- */

static const char KIND_RULES[] =
	"- rule: plain kind\n"
	"  desc: d\n"
	"  condition: evt.type in (execve, execveat) and proc.name = plain\n"
	"  output: plain %proc.name\n"
	"  priority: WARNING\n"
	"- rule: threshold kind\n"
	"  desc: d\n"
	"  condition: evt.type in (execve, execveat) and proc.name = thresh\n"
	"  threshold:\n"
	"    by: proc.pid\n"
	"    within: 10s\n"
	"    count: 2\n"
	"  output: threshold %threshold.count %proc.name\n"
	"  priority: info\n"
	"- rule: sequence kind\n"
	"  desc: d\n"
	"  sequence:\n"
	"    within: 10s\n"
	"    by: proc.pid\n"
	"    steps:\n"
	"      - name: one\n"
	"        condition: evt.type in (execve, execveat) and proc.name = seqone\n"
	"        capture: [proc.name]\n"
	"      - name: two\n"
	"        condition: evt.type in (execve, execveat) and proc.name = seqtwo\n"
	"  output: sequence %one.proc.name then %proc.name\n"
	"  priority: Notice\n"
	"- rule: enforced open\n"
	"  desc: d\n"
	"  condition: evt.type = openat and fd.name = /etc/shadow\n"
	"  output: enforced %fd.name by %proc.name\n"
	"  priority: CRITICAL\n"
	"  tags: [t2, t1, t2]\n";

struct kinds {
	struct hw_world w;
};

/* The hostile world, its alerter running KIND_RULES instead of the hostile exec rule. */
static void kinds_init(struct kinds *k)
{
	struct vg_ruleset_opts o = {.passwd_path = "/nonexistent", .group_path = "/nonexistent"};

	assert_int_equal(hw_init(&k->w), 0);
	vg_alerter_fini(&k->w.a);
	vg_ruleset_free(k->w.rs);
	k->w.rs = vg_ruleset_new(&o);
	assert_non_null(k->w.rs);
	assert_int_equal(
		vg_ruleset_load_string(k->w.rs, "kinds.yaml", KIND_RULES, sizeof(KIND_RULES) - 1),
		0);
	assert_int_equal(vg_ruleset_compile(k->w.rs), 0);
	assert_int_equal(vg_alerter_init(&k->w.a, k->w.rs, k->w.t, NULL), 0);
	strcpy(k->w.a.hostname, "testhost");
}

/* An exec of pid 600 named comm: the alert line it made, or NULL. */
static char *exec_as(struct kinds *k, const char *comm)
{
	struct hw_input in = {.comm = comm,
			      .comm_len = strlen(comm),
			      .exe = "/usr/bin/x",
			      .exe_len = 10,
			      .argv = "x\0-v",
			      .argv_len = 5,
			      .cwd = "/",
			      .cwd_len = 1,
			      .pexe = "/bin/sh",
			      .pexe_len = 7};

	assert_int_equal(hw_run(&k->w, &in), 0);
	return k->w.alert ? strdup(k->w.alert) : NULL;
}

/* The rule alert line of an openat of /etc/shadow carrying the kernel's decision info. */
static char *enforced_open(struct kinds *k, const struct vg_enforce_info *info)
{
	static struct test_record r;
	struct vg_event_hdr *h =
		rec_begin(&r, VG_EV_SYSCALL, 600, 599, sizeof(struct vg_syscall_body));
	struct vg_syscall_body *b = rec_body(&r);
	struct vg_event ev;
	size_t size = 0;
	char *line = NULL;
	FILE *f;

	strcpy(h->comm, "cat");
	h->flags = VG_HF_ENFORCE;
	h->retval = -1;
	b->id = VG_SC_openat;
	rec_str(&r, VG_VAR_PATH, "/etc/shadow");
	rec_str(&r, VG_VAR_FD_PATH, "/etc/shadow");
	rec_var(&r, VG_VAR_ENFORCE, info, sizeof(*info));
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_OK);
	f = open_memstream(&line, &size);
	assert_non_null(f);
	k->w.a.out = f;
	/* the engine hands an event the kernel enforced on to the alert stage */
	vg_alert_enforcement(&k->w.a, &(struct vg_eval_ctx){.ev = &ev,
							    .proc = k->w.proc,
							    .procs = k->w.a.procs,
							    .container = NULL});
	fclose(f);
	if (!size) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static const char THRESHOLD_LINE[] =
	"{\"hostname\":\"testhost\",\"output\":\"00:00:00.000001000: Informational threshold 2 "
	"thresh\",\"output_fields\":{\"evt.time\":1000,\"proc.name\":\"thresh\","
	"\"threshold.count\":2},\"priority\":\"Informational\",\"rule\":\"threshold kind\","
	"\"source\":\"syscall\",\"tags\":[],\"time\":\"1970-01-01T00:00:00.000001000Z\","
	"\"vigil\":{\"event_type\":\"exec\",\"container\":{\"id\":\"0123456789ab\",\"full_id\":"
	"\"0123456789abcdef\",\"type\":\"docker\",\"name\":null,\"image\":null,"
	"\"image_repository\":null,\"image_tag\":null,\"image_digest\":null,\"privileged\":false},"
	"\"exec_id\":";

static void rule_alerts_of_every_kind_are_built_by_the_builder(void **state)
{
	struct kinds k;
	uint64_t rule = vg_alerts_built(VG_ALERT_RULE), thr = vg_alerts_built(VG_ALERT_THRESHOLD),
		 seq = vg_alerts_built(VG_ALERT_SEQUENCE);
	char *line;

	(void)state;
	kinds_init(&k);
	/* a plain rule alert */
	line = exec_as(&k, "plain");
	assert_non_null(line);
	assert_json(line);
	assert_int_equal(vg_alerts_built(VG_ALERT_RULE), rule + 1);
	free(line);
	/* a threshold: the second exec reaches the count */
	line = exec_as(&k, "thresh");
	free(line);
	line = exec_as(&k, "thresh");
	assert_non_null(line);
	print_message("%s\n", line);
	assert_int_equal(strncmp(line, THRESHOLD_LINE, sizeof(THRESHOLD_LINE) - 1), 0);
	assert_non_null(strstr(line, "\"threshold\":{\"count\":2,\"window_ms\":10000,\"by\":"));
	assert_json(line);
	assert_int_equal(vg_alerts_built(VG_ALERT_THRESHOLD), thr + 1);
	free(line);
	/* a sequence: seqone then seqtwo */
	assert_null(exec_as(&k, "seqone"));
	line = exec_as(&k, "seqtwo");
	assert_non_null(line);
	print_message("%s\n", line);
	assert_non_null(strstr(line, "\"output\":\"00:00:00.000001000: Notice sequence seqone "
				     "then seqtwo\""));
	assert_non_null(strstr(line, "\"sequence\":{\"steps\":[{\"name\":\"one\",\"time\":"
				     "\"1970-01-01T00:00:00.000001000Z\",\"evt.type\":\"execve\","
				     "\"fields\":{\"proc.name\":\"seqone\"}}"));
	assert_json(line);
	assert_int_equal(vg_alerts_built(VG_ALERT_SEQUENCE), seq + 1);
	free(line);
	assert_int_equal(vg_alerts_built(VG_ALERT_RULE), rule + 1);
	hw_fini(&k.w);
}

static const char SELF_LINE[] =
	"{\"hostname\":\"testhost\",\"output\":\"Denied an attempt to kill or stop vigil (pid "
	"4242) by cat (pid 600, uid 0)\",\"output_fields\":{\"evt.time\":1000,\"proc.name\":"
	"\"cat\",\"proc.pid\":600,\"user.uid\":0},\"priority\":\"Critical\",\"rule\":\"vigil "
	"self-protection\",\"source\":\"syscall\",\"tags\":[\"vigil\",\"self_protection\"],"
	"\"time\":\"1970-01-01T00:00:00.000001000Z\",\"vigil\":{\"event_type\":\"syscall\","
	"\"enforcement\":{\"action\":\"deny\",\"mode\":\"on\",\"tier\":\"lsm\",\"result\":"
	"\"denied\",\"operation\":\"signal\",\"target_pid\":4242},\"exec_id\":";

static void enforcement_and_self_protection_are_built_by_the_builder(void **state)
{
	struct kinds k;
	struct vg_enf_rule er = {0};
	struct vg_enf_policy pol = {.rules = &er, .nrules = 1};
	struct vg_enforce_info deny = {.rule = 0,
				       .op = VG_ENF_OP_OPEN,
				       .action = VG_ENF_ACT_DENY,
				       .mode = VG_ENF_MODE_ON,
				       .tier = VG_ENF_TIER_LSM,
				       .result = VG_ENF_RES_DENIED};
	struct vg_enforce_info self = {.rule = VG_ENF_RULE_SELF_SIGNAL,
				       .action = VG_ENF_ACT_DENY,
				       .mode = VG_ENF_MODE_ON,
				       .tier = VG_ENF_TIER_LSM,
				       .result = VG_ENF_RES_DENIED,
				       .target_pid = 4242};
	uint64_t enf = vg_alerts_built(VG_ALERT_ENFORCEMENT),
		 sp = vg_alerts_built(VG_ALERT_SELF_PROTECTION);
	char *line;

	(void)state;
	kinds_init(&k);
	free(exec_as(&k, "cat"));
	for (size_t i = 0; i < vg_ruleset_rule_count(k.w.rs); i++)
		if (!strcmp(vg_rule_name(vg_ruleset_rule(k.w.rs, i)), "enforced open"))
			er.rule = vg_ruleset_rule(k.w.rs, i);
	assert_non_null(er.rule);
	k.w.a.enforce = &pol;
	line = enforced_open(&k, &deny);
	assert_non_null(line);
	print_message("%s\n", line);
	assert_non_null(strstr(line, "\"priority\":\"Critical\",\"rule\":\"enforced open\","
				     "\"source\":\"syscall\",\"tags\":[\"t1\",\"t2\"]"));
	assert_non_null(strstr(line,
			       "\"enforcement\":{\"action\":\"deny\",\"mode\":\"on\","
			       "\"tier\":\"lsm\",\"result\":\"denied\",\"operation\":\"open\"}"));
	assert_json(line);
	assert_int_equal(vg_alerts_built(VG_ALERT_ENFORCEMENT), enf + 1);
	free(line);
	line = enforced_open(&k, &self);
	assert_non_null(line);
	print_message("%s\n", line);
	assert_int_equal(strncmp(line, SELF_LINE, sizeof(SELF_LINE) - 1), 0);
	assert_json(line);
	assert_int_equal(vg_alerts_built(VG_ALERT_SELF_PROTECTION), sp + 1);
	assert_int_equal(vg_alerts_built(VG_ALERT_ENFORCEMENT), enf + 1);
	free(line);
	hw_fini(&k.w);
}

/* ---- doubles: output fields of type double, once printed by json-c ---- */

static void doubles_are_written_as_json_c_wrote_them(void **state)
{
	static const double v[] = {0.0,
				   -0.0,
				   0.5,
				   1.0,
				   -1.0,
				   3.0,
				   1e21,
				   1e-7,
				   0.1,
				   1.0 / 3,
				   123456789012345678.0,
				   1e300,
				   -2.5e-300,
				   42.25,
				   NAN,
				   INFINITY,
				   -INFINITY,
				   4.9e-324,
				   1.7976931348623157e308};
	struct vg_jbuf b;

	(void)state;
	vg_jb_init(&b);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		json_object *d = json_object_new_double(v[i]);

		vg_jb_reset(&b);
		vg_jb_double(&b, v[i]);
		assert_string_equal(b.s, json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
		json_object_put(d);
	}
	vg_jb_free(&b);
}

/* ---- the priority table ---- */

static void priority_table_round_trips(void **state)
{
	/* Falco's names, in its order, and syslog's severities (the same order) */
	static const char *const falco[] = {"Emergency", "Alert",  "Critical",	    "Error",
					    "Warning",	 "Notice", "Informational", "Debug"};
	static const int sev[] = {LOG_EMERG,   LOG_ALERT,  LOG_CRIT, LOG_ERR,
				  LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
	char lower[32], upper[32];

	(void)state;
	for (int p = 0; p < VG_PRIO__COUNT; p++) {
		const struct vg_priority_row *r = vg_priority_row(p);

		assert_non_null(r);
		assert_string_equal(vg_priority_name((enum vg_priority)p), falco[p]);
		assert_int_equal(r->syslog, sev[p]);
		assert_int_equal(vg_priority_parse(falco[p]), p);
		for (size_t i = 0; i <= strlen(falco[p]); i++) {
			lower[i] = (char)tolower((unsigned char)falco[p][i]);
			upper[i] = (char)toupper((unsigned char)falco[p][i]);
		}
		assert_int_equal(vg_priority_parse(lower), p);
		assert_int_equal(vg_priority_parse(upper), p);
	}
	assert_int_equal(vg_priority_parse("info"), VG_PRIO_INFORMATIONAL);
	assert_int_equal(vg_priority_parse("INFO"), VG_PRIO_INFORMATIONAL);
	assert_int_equal(vg_priority_parse("warn"), -1);
	assert_int_equal(vg_priority_parse(""), -1);
	assert_int_equal(vg_priority_parse(NULL), -1);
	assert_null(vg_priority_row(-1));
	assert_null(vg_priority_row(VG_PRIO__COUNT));
	assert_string_equal(vg_priority_name((enum vg_priority)VG_PRIO__COUNT), "Unknown");
}

/* The rule loader reads priorities with the table: every spelling, and none other. */
static void rule_loader_parses_with_the_table(void **state)
{
	static const char *const spellings[] = {"emergency", "ALERT",  "Critical", "error",
						"WARNING",   "notice", "info",	   "Debug"};
	struct vg_ruleset_opts o = {.passwd_path = "/nonexistent", .group_path = "/nonexistent"};
	char yaml[256];

	(void)state;
	for (int p = 0; p < VG_PRIO__COUNT; p++) {
		struct vg_ruleset *rs = vg_ruleset_new(&o);
		int n = snprintf(yaml, sizeof(yaml),
				 "- rule: r\n  desc: d\n  condition: evt.type = openat\n"
				 "  output: o\n  priority: %s\n",
				 spellings[p]);

		assert_non_null(rs);
		assert_int_equal(vg_ruleset_load_string(rs, "p.yaml", yaml, (size_t)n), 0);
		assert_int_equal(vg_ruleset_compile(rs), 0);
		assert_int_equal(vg_rule_priority(vg_ruleset_rule(rs, 0)), p);
		vg_ruleset_free(rs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rate_limit_summary_is_built_by_the_builder),
		cmocka_unit_test(reload_failure_is_built_by_the_builder),
		cmocka_unit_test(reload_error_with_hostile_bytes_is_escaped),
		cmocka_unit_test(drop_alert_is_built_by_the_builder),
		cmocka_unit_test(rule_alerts_of_every_kind_are_built_by_the_builder),
		cmocka_unit_test(enforcement_and_self_protection_are_built_by_the_builder),
		cmocka_unit_test(doubles_are_written_as_json_c_wrote_them),
		cmocka_unit_test(priority_table_round_trips),
		cmocka_unit_test(rule_loader_parses_with_the_table),
	};

	/* Falco's text line has the local time of day: fix the zone */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
