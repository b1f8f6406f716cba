// SPDX-License-Identifier: Apache-2.0
/*
 * The YAML configuration: defaults, the shipped example, overrides, and
 * errors that name file:line:column and the key path. Also mutated
 * inputs: no malformed file may crash the loader (run under ASan in CI).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vigil-config-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *write_cfg(const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Loads text; expects failure with exactly this line, column, key and a message part. */
static void expect_error(const char *text, unsigned line, unsigned col, const char *key,
			 const char *msg_part)
{
	struct vg_config cfg;
	struct vg_config_err err;
	const char *path = write_cfg("bad.yaml", text);
	char prefix[PATH_MAX + 32];

	assert_int_equal(vg_config_load(&cfg, path, NULL, 0, &err), -1);
	print_message("  error: %s\n", err.text);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	assert_string_equal(err.key, key);
	assert_non_null(strstr(err.msg, msg_part));
	snprintf(prefix, sizeof(prefix), "%s:%u:%u: ", path, line, col);
	assert_memory_equal(err.text, prefix, strlen(prefix));
}

static void test_defaults(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;

	(void)state;
	assert_int_equal(vg_config_load(&cfg, NULL, NULL, 0, &err), 0);
	assert_int_equal(cfg.n_rules_files, 1);
	assert_string_equal(cfg.rules_files[0], VIGIL_DEFAULT_RULES);
	assert_int_equal(cfg.priority, 7);
	assert_int_equal(cfg.rule_matching, VG_RULE_MATCHING_FIRST);
	assert_int_equal(cfg.ring_buffer_size, 4u << 20);
	assert_int_equal(cfg.process_table_size, 0); /* from the host's pid_max */
	assert_int_equal(cfg.process_table_max_bytes, 256ull << 20);
	/* Falco's syscall_event_drops defaults */
	assert_int_equal(cfg.drops.actions, VG_DROP_LOG | VG_DROP_ALERT);
	assert_true(cfg.drops.threshold == 0.1 && cfg.drops.rate == 0.03333);
	assert_true(cfg.drops.max_burst == 1 && !cfg.drops.simulate);
	assert_true(cfg.json_output);
	assert_true(cfg.outputs[VG_OUTPUT_STDOUT].enabled);
	assert_false(cfg.outputs[VG_OUTPUT_FILE].enabled);
	assert_false(cfg.outputs[VG_OUTPUT_HTTP].enabled);
	assert_int_equal(cfg.outputs[VG_OUTPUT_HTTP].queue_size, 4096);
	assert_int_equal(cfg.outputs[VG_OUTPUT_STDOUT].format, VG_FORMAT_JSON);
	assert_int_equal(cfg.outputs[VG_OUTPUT_SYSLOG].syslog.facility, 16);
	assert_false(cfg.rate_limit.enabled);
	assert_true(cfg.metrics_enabled);
	assert_string_equal(cfg.metrics_listen_address, "127.0.0.1:8765");
	vg_config_free(&cfg);
}

/* The commented example shipped in config/ loads, and says what the defaults are. */
static void test_example_config(void **state)
{
	struct vg_config cfg, def;
	struct vg_config_err err;
	char *a = NULL, *b = NULL;
	size_t al = 0, bl = 0;
	FILE *fa, *fb;

	(void)state;
	if (vg_config_load(&cfg, VG_REPO_ROOT "/config/vigil.yaml", NULL, 0, &err) != 0)
		fail_msg("example config: %s", err.text);
	assert_int_equal(vg_config_load(&def, NULL, NULL, 0, &err), 0);
	/* the example documents the defaults: loading it changes nothing */
	fa = open_memstream(&a, &al);
	fb = open_memstream(&b, &bl);
	vg_config_dump(&cfg, fa);
	vg_config_dump(&def, fb);
	fclose(fa);
	fclose(fb);
	assert_string_equal(a, b);
	free(a);
	free(b);
	vg_config_free(&cfg);
	vg_config_free(&def);
}

static void test_full_config(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;
	const char *path =
		write_cfg("full.yaml", "rules_files: [/a, /b/dir]\n"
				       "priority: Warning\n"
				       "rules:\n"
				       "  - disable: {rule: '*'}\n"
				       "  - enable:\n"
				       "      tag: [network, shell]\n"
				       "      rule: Netcat*\n"
				       "rule_matching: all\n"
				       "ring_buffer_size: 16MiB\n"
				       "json_output: false\n"
				       "outputs_queue: {capacity: 100}\n"
				       "file_output:\n"
				       "  enabled: yes\n"
				       "  filename: /tmp/x.json\n"
				       "  max_size: 1k\n"
				       "  keep: 2\n"
				       "syslog_output:\n"
				       "  enabled: true\n"
				       "  transport: TCP\n"
				       "  address: '[::1]:6514'\n"
				       "  facility: auth\n"
				       "  format: json\n"
				       "http_output:\n"
				       "  enabled: true\n"
				       "  url: https://siem.example/ingest\n"
				       "  headers: {X-Token: abc, X-Env: prod}\n"
				       "  batch: ndjson\n"
				       "  batch_max: 50\n"
				       "  max_retries: -1\n"
				       "  min_priority: error\n"
				       "rate_limit: {enabled: true, rate: 0.5, burst: 3, "
				       "per_process: true}\n"
				       "metrics:\n"
				       "  listen_address: '[::1]:9000'\n"
				       "process_table_size: 64\n"
				       "process_table_max_bytes: 16M\n"
				       "syscall_event_drops:\n"
				       "  threshold: 0\n"
				       "  actions: [ignore]\n"
				       "  rate: 2\n"
				       "  max_burst: 5\n"
				       "  simulate_drops: true\n");

	(void)state;
	if (vg_config_load(&cfg, path, NULL, 0, &err) != 0)
		fail_msg("%s", err.text);
	assert_int_equal(cfg.process_table_size, 64);
	assert_int_equal(cfg.process_table_max_bytes, 16ull << 20);
	assert_int_equal(cfg.drops.actions, 0); /* ignore: no action, as Falco */
	assert_true(cfg.drops.threshold == 0 && cfg.drops.rate == 2 && cfg.drops.max_burst == 5);
	assert_true(cfg.drops.simulate);
	assert_int_equal(cfg.n_rules_files, 2);
	assert_string_equal(cfg.rules_files[1], "/b/dir");
	assert_int_equal(cfg.priority, 4);
	assert_int_equal(cfg.n_rule_selectors, 4);
	assert_false(cfg.rule_selectors[0].enable);
	assert_string_equal(cfg.rule_selectors[0].pattern, "*");
	assert_true(cfg.rule_selectors[1].enable && cfg.rule_selectors[1].by_tag);
	assert_string_equal(cfg.rule_selectors[2].pattern, "shell");
	assert_false(cfg.rule_selectors[3].by_tag);
	assert_string_equal(cfg.rule_selectors[3].pattern, "Netcat*");
	assert_int_equal(cfg.rule_matching, VG_RULE_MATCHING_ALL);
	assert_int_equal(cfg.ring_buffer_size, 16u << 20);
	/* json_output: false makes text the default; an explicit format wins */
	assert_int_equal(cfg.outputs[VG_OUTPUT_STDOUT].format, VG_FORMAT_TEXT);
	assert_int_equal(cfg.outputs[VG_OUTPUT_SYSLOG].format, VG_FORMAT_JSON);
	assert_int_equal(cfg.outputs[VG_OUTPUT_FILE].queue_size, 100);
	assert_int_equal(cfg.outputs[VG_OUTPUT_FILE].file.max_bytes, 1024);
	assert_int_equal(cfg.outputs[VG_OUTPUT_SYSLOG].syslog.transport, VG_SYSLOG_TCP);
	assert_int_equal(cfg.outputs[VG_OUTPUT_SYSLOG].syslog.facility, 4);
	assert_int_equal(cfg.outputs[VG_OUTPUT_HTTP].http.n_headers, 2);
	assert_string_equal(cfg.outputs[VG_OUTPUT_HTTP].http.headers[0], "X-Token: abc");
	assert_int_equal(cfg.outputs[VG_OUTPUT_HTTP].http.batch, VG_HTTP_BATCH_NDJSON);
	assert_int_equal(cfg.outputs[VG_OUTPUT_HTTP].max_retries, UINT32_MAX);
	assert_int_equal(cfg.outputs[VG_OUTPUT_HTTP].min_priority, 3);
	assert_true(cfg.rate_limit.per_process);
	assert_true(cfg.rate_limit.rate == 0.5);
	assert_string_equal(cfg.metrics_listen_address, "[::1]:9000");
	vg_config_free(&cfg);
}

static void test_overrides(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;
	char *ov[] = {"http_output.enabled=true",
		      "http_output.url=http://127.0.0.1:2801/",
		      "rules_files=[/x, /y, /z]",
		      "rate_limit={enabled: true, rate: 5}",
		      "priority=error",
		      "stdout_output.format=text",
		      "http_output.headers={A: b}"};
	const char *path = write_cfg("base.yaml", "priority: debug\nrules_files: /only\n");

	(void)state;
	if (vg_config_load(&cfg, path, ov, sizeof(ov) / sizeof(ov[0]), &err) != 0)
		fail_msg("%s", err.text);
	assert_true(cfg.outputs[VG_OUTPUT_HTTP].enabled);
	assert_string_equal(cfg.outputs[VG_OUTPUT_HTTP].http.url, "http://127.0.0.1:2801/");
	assert_int_equal(cfg.n_rules_files, 3);
	assert_string_equal(cfg.rules_files[2], "/z");
	assert_true(cfg.rate_limit.enabled);
	assert_true(cfg.rate_limit.rate == 5);
	assert_true(cfg.rate_limit.burst == 10); /* untouched keys keep their value */
	assert_int_equal(cfg.priority, 3);
	assert_int_equal(cfg.outputs[VG_OUTPUT_STDOUT].format, VG_FORMAT_TEXT);
	assert_string_equal(cfg.outputs[VG_OUTPUT_HTTP].http.headers[0], "A: b");
	vg_config_free(&cfg);
}

static void expect_override_error(const char *ov, unsigned line, unsigned col, const char *key,
				  const char *msg_part)
{
	struct vg_config cfg;
	struct vg_config_err err;
	char *ovs[] = {"priority=debug", (char *)ov};

	assert_int_equal(vg_config_load(&cfg, NULL, ovs, 2, &err), -1);
	print_message("  error: %s\n", err.text);
	assert_string_equal(err.file, "-o #2");
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	assert_string_equal(err.key, key);
	assert_non_null(strstr(err.msg, msg_part));
}

static void test_override_errors(void **state)
{
	(void)state;
	expect_override_error("http_output.urll=x", 0, 0, "http_output.urll", "unknown key");
	expect_override_error("nosuch=1", 0, 0, "nosuch", "unknown key");
	expect_override_error("noequals", 0, 0, "", "key.path=value");
	/* the column points into the value, after "rate_limit.rate=" */
	expect_override_error("rate_limit.rate=fast", 1, 17, "rate_limit.rate", "a number");
	expect_override_error("json_output=[1", 1, 15, "json_output", "flow sequence");
	expect_override_error("priority.x=1", 0, 0, "priority", "not a section");
	expect_override_error("ring_buffer_size=5000", 1, 18, "ring_buffer_size", "power of two");
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("priority: debug\nbogus_key: 1\n", 2, 1, "bogus_key", "unknown key");
	expect_error("http_output:\n  enabled: true\n  urll: http://x/\n", 3, 3, "http_output.urll",
		     "unknown key (known here: enabled, format");
	expect_error("json_output: maybe\n", 1, 14, "json_output", "true or false");
	expect_error("process_table_size: abc\n", 1, 21, "process_table_size", "whole number");
	expect_error("process_table_size: -5\n", 1, 21, "process_table_size",
		     "-5 is out of range [0, 4194304]");
	expect_error("process_table_size: 10\n", 1, 21, "process_table_size", "between 64 and");
	expect_error("process_table_size: 4194305\n", 1, 21, "process_table_size",
		     "4194305 is out of range [0, 4194304]");
	expect_error("process_table_size: 99999999999\n", 1, 21, "process_table_size",
		     "99999999999 is out of range [0, 4194304]");
	expect_error("process_table_max_bytes: 1000\n", 1, 26, "process_table_max_bytes",
		     "at least 1M");
	expect_error("syscall_event_drops:\n  actions: [log, shout]\n", 2, 18,
		     "syscall_event_drops.actions", "not one of: log, alert, exit, ignore");
	expect_error("syscall_event_drops:\n  actions: log\n", 2, 12, "syscall_event_drops.actions",
		     "expected a list");
	expect_error("syscall_event_drops:\n  threshold: 1.5\n", 2, 14,
		     "syscall_event_drops.threshold", "between 0 and 1");
	expect_error("syscall_event_drops:\n  rate: 0\n", 2, 9, "syscall_event_drops.rate",
		     "greater than 0");
	expect_error("syscall_event_drops:\n  max_burst: 0.5\n", 2, 14,
		     "syscall_event_drops.max_burst", "at least 1");
	expect_error("rule_matching: some\n", 1, 16, "rule_matching", "not one of: first, all");
	expect_error("priority: loud\n", 1, 11, "priority", "not a priority");
	expect_error("ring_buffer_size: 8X\n", 1, 19, "ring_buffer_size", "expected a size");
	expect_error("ring_buffer_size: 3M\n", 1, 19, "ring_buffer_size", "power of two");
	expect_error("syslog_output:\n  facility: kern\n", 2, 13, "syslog_output.facility",
		     "kernel's facility");
	expect_error("syslog_output:\n  port: 70000\n", 2, 9, "syslog_output.port",
		     "70000 is out of range [1, 65535]");
	expect_error("rules_files: {a: b}\n", 1, 14, "rules_files", "list of strings");
	expect_error("rules_files: [a, [b]]\n", 1, 18, "rules_files", "expected a string");
	expect_error("file_output: [1, 2]\n", 1, 14, "file_output", "expected a mapping");
	expect_error("priority: debug\npriority: error\n", 2, 1, "priority", "duplicate key");
	expect_error("rules:\n  - enable: {name: x}\n", 2, 14, "rules", "unknown key");
	expect_error("rules:\n  - allow: {rule: x}\n", 2, 5, "rules", "'enable' or 'disable'");
	expect_error("http_output:\n  url: ftp://x/\n", 2, 8, "http_output.url", "http://");
	expect_error("http_output:\n  headers: {'Bad Name': x}\n", 2, 13, "http_output.headers",
		     "not a header name");
	expect_error("rate_limit:\n  rate: 0\n", 2, 9, "rate_limit.rate",
		     "0 is out of range (0, 1e+09]");
	expect_error("metrics:\n  listen_address: localhost\n", 2, 19, "metrics.listen_address",
		     "HOST:PORT");
	/* cross-key: the error points at the "enabled" that needs the missing key */
	expect_error("http_output:\n  enabled: true\n", 2, 12, "http_output.url",
		     "enabled but has no url");
	expect_error("file_output:\n  enabled: true\n  filename: ''\n", 2, 12,
		     "file_output.filename", "has no filename");
	/* malformed YAML: libyaml's own message, placed */
	expect_error("priority: [debug\n", 2, 1, "", "flow sequence");
	expect_error("a:\n\t- b\n", 2, 1, "", "");
	expect_error("- just\n- a list\n", 1, 1, "", "expected a mapping");
	expect_error("priority: debug\n---\npriority: error\n", 3, 1, "", "second YAML document");
}

/* The delivery-side bounds (issue 17): defaults, and each key range-checked with its place. */
static void test_output_limit_keys(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;
	struct vg_outputs_config oc;
	const char *path;

	(void)state;
	assert_int_equal(vg_config_load(&cfg, NULL, NULL, 0, &err), 0);
	vg_config_outputs(&cfg, &oc);
	assert_int_equal(cfg.outputs[VG_OUTPUT_HTTP].queue_max_bytes, 16u << 20);
	assert_int_equal(oc.max_alert_bytes, 1u << 20);
	assert_int_equal(oc.total_max_bytes, 64u << 20);
	assert_int_equal(oc.drain_ms, 5000);
	assert_int_equal(cfg.outputs[VG_OUTPUT_FILE].file.mode, 0600);
	vg_config_free(&cfg);

	path = write_cfg("limits.yaml", "outputs_queue:\n  max_bytes: 1M\n  max_alert_bytes: 64K\n"
					"  shutdown_drain_ms: 250\n"
					"http_output:\n  queue_max_bytes: 2M\n"
					"file_output:\n  mode: 0640\n");
	if (vg_config_load(&cfg, path, NULL, 0, &err) != 0)
		fail_msg("%s", err.text);
	vg_config_outputs(&cfg, &oc);
	assert_int_equal(cfg.outputs[VG_OUTPUT_HTTP].queue_max_bytes, 2u << 20);
	assert_int_equal(cfg.outputs[VG_OUTPUT_SYSLOG].queue_max_bytes, 1u << 20);
	assert_int_equal(oc.max_alert_bytes, 64u << 10);
	assert_int_equal(oc.drain_ms, 250);
	assert_int_equal(cfg.outputs[VG_OUTPUT_FILE].file.mode, 0640);
	vg_config_free(&cfg);

	expect_error("outputs_queue:\n  max_bytes: 1K\n", 2, 14, "outputs_queue.max_bytes",
		     "between 64K and 16G");
	expect_error("outputs_queue:\n  max_bytes: 0\n", 2, 14, "outputs_queue.max_bytes",
		     "between 64K and 16G");
	expect_error("outputs_queue:\n  total_max_bytes: 100G\n", 2, 20,
		     "outputs_queue.total_max_bytes", "between 64K and 64G");
	expect_error("outputs_queue:\n  max_alert_bytes: 1G\n", 2, 20,
		     "outputs_queue.max_alert_bytes", "between 4K and 256M");
	expect_error("outputs_queue:\n  shutdown_drain_ms: 0\n", 2, 22,
		     "outputs_queue.shutdown_drain_ms", "between 1 and 600000");
	expect_error("http_output:\n  queue_max_bytes: 17G\n", 2, 20, "http_output.queue_max_bytes",
		     "17G is out of range [0, 16G]");
	expect_error("http_output:\n  queue_max_bytes: 1K\n", 2, 20, "http_output.queue_max_bytes",
		     "64K and 16G");
	expect_error("http_output:\n  queue_max_bytes: -1\n", 2, 20, "http_output.queue_max_bytes",
		     "-1 is out of range [0, 16G]");
	expect_error("file_output:\n  mode: 0644\n", 2, 9, "file_output.mode",
		     "never world-readable");
	expect_error("file_output:\n  mode: 600\n", 2, 9, "file_output.mode", "leading 0");
	expect_error("file_output:\n  mode: 0700\n", 2, 9, "file_output.mode", "no execute");

	/* an enabled output's queue must hold one alert of the largest size */
	path = write_cfg("small.yaml", "outputs_queue:\n  max_alert_bytes: 4M\n"
				       "http_output:\n  enabled: true\n  url: http://127.0.0.1:1/\n"
				       "  queue_max_bytes: 1M\n");
	assert_int_equal(vg_config_load(&cfg, path, NULL, 0, &err), -1);
	print_message("  error: %s\n", err.text);
	assert_string_equal(err.key, "http_output.queue_max_bytes");
	assert_non_null(strstr(err.msg, "at least one alert"));
}

static void test_missing_files(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;

	(void)state;
	assert_int_equal(vg_config_load(&cfg, "/nonexistent/vigil.yaml", NULL, 0, &err), -1);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.text, "/nonexistent/vigil.yaml: cannot open"));
	/* a directory is not a config file: a clear error, no crash */
	assert_int_equal(vg_config_load(&cfg, tmpdir, NULL, 0, &err), -1);
	print_message("  error: %s\n", err.text);
	assert_non_null(strstr(err.text, "not a regular file"));
	/* an empty file is all defaults */
	assert_int_equal(vg_config_load(&cfg, write_cfg("empty.yaml", ""), NULL, 0, &err), 0);
	assert_true(cfg.outputs[VG_OUTPUT_STDOUT].enabled);
	vg_config_free(&cfg);
	assert_int_equal(
		vg_config_load(&cfg, write_cfg("comments.yaml", "# nothing\n"), NULL, 0, &err), 0);
	vg_config_free(&cfg);
}

/* The dump is loadable and loads to the same settings. */
static void test_dump_round_trip(void **state)
{
	struct vg_config a, b;
	struct vg_config_err err;
	char *ov[] = {"http_output.headers={X-A: '1\"2'}", "rules=[{disable: {tag: net}}]",
		      "http_output.url=http://h/", "rate_limit.max_keys=7"};
	char *d1 = NULL, *d2 = NULL;
	size_t l1 = 0, l2 = 0;
	FILE *f;

	(void)state;
	assert_int_equal(vg_config_load(&a, NULL, ov, 4, &err), 0);
	f = open_memstream(&d1, &l1);
	vg_config_dump(&a, f);
	fclose(f);
	if (vg_config_load(&b, write_cfg("dump.yaml", d1), NULL, 0, &err) != 0)
		fail_msg("%s\n%s", err.text, d1);
	f = open_memstream(&d2, &l2);
	vg_config_dump(&b, f);
	fclose(f);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
	vg_config_free(&a);
	vg_config_free(&b);
}

/* Mutations of the example: every outcome is a load or a placed error, never a crash. */
static void test_mutations_never_crash(void **state)
{
	FILE *f = fopen(VG_REPO_ROOT "/config/vigil.yaml", "r");
	static char base[16384], text[16384 + 64];
	size_t n;
	unsigned seed = 12345;
	int ok = 0, bad = 0;

	(void)state;
	assert_non_null(f);
	n = fread(base, 1, sizeof(base) - 1, f);
	fclose(f);
	for (int i = 0; i < 3000; i++) {
		struct vg_config cfg;
		struct vg_config_err err;
		size_t len = n;

		memcpy(text, base, n);
		for (int k = 0; k < 1 + i % 4; k++) {
			size_t pos = (size_t)rand_r(&seed) % len;
			static const char pick[] = ":-[]{}'\"\t\n #&*!|>%@`,?0a";

			switch (rand_r(&seed) % 3) {
			case 0: text[pos] = pick[rand_r(&seed) % (sizeof(pick) - 1)]; break;
			case 1:
				memmove(text + pos, text + pos + 1, len - pos - 1);
				len--;
				break;
			default:
				memmove(text + pos + 1, text + pos, len - pos);
				text[pos] = pick[rand_r(&seed) % (sizeof(pick) - 1)];
				len++;
			}
		}
		text[len] = '\0';
		if (vg_config_load(&cfg, write_cfg("mut.yaml", text), NULL, 0, &err) == 0) {
			vg_config_free(&cfg);
			ok++;
		} else {
			assert_true(err.text[0] != '\0');
			bad++;
		}
	}
	print_message("  mutations: %d loaded, %d refused with an error\n", ok, bad);
	assert_true(bad > 0);
}

static void test_rule_selection(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;
	char *ov[] = {"rules=[{disable: {rule: '*'}}, {enable: {tag: network}}, "
		      "{enable: {rule: 'Netcat*'}}, {disable: {rule: 'Netcat Remote?'}}]",
		      "priority=warning"};
	const char *net[] = {"network", "mitre"}, *none[] = {NULL};

	(void)state;
	if (vg_config_load(&cfg, NULL, ov, 2, &err) != 0)
		fail_msg("%s", err.text);
	assert_false(vg_config_rule_enabled(&cfg, "Terminal shell", 4, none, 0, true));
	assert_true(vg_config_rule_enabled(&cfg, "Outbound conn", 4, net, 2, true));
	assert_true(
		vg_config_rule_enabled(&cfg, "Netcat Remote Code Execution", 3, none, 0, false));
	assert_false(vg_config_rule_enabled(&cfg, "Netcat Remote1", 3, none, 0, true));
	/* less severe than priority: warning */
	assert_false(vg_config_rule_enabled(&cfg, "Outbound conn", 5, net, 2, true));
	vg_config_free(&cfg);
	/* no selectors: the file's own enabled: decides */
	assert_int_equal(vg_config_load(&cfg, NULL, NULL, 0, &err), 0);
	assert_false(vg_config_rule_enabled(&cfg, "x", 7, none, 0, false));
	assert_true(vg_config_rule_enabled(&cfg, "x", 7, none, 0, true));
	vg_config_free(&cfg);
}

/* What a reload reports as waiting for a restart: the keys that differ, none else. */
/* Loads text as the main config (no -o); asserts it loads. */
static void load_ok(struct vg_config *cfg, const char *name, const char *text)
{
	struct vg_config_err err;

	if (vg_config_load(cfg, write_cfg(name, text), NULL, 0, &err) != 0)
		fail_msg("%s", err.text);
}

/* Falco's keys that map onto vigil's settings (docs/operations.md, Falco's falco.yaml). */
static void test_falco_mappings(void **state)
{
	struct vg_config c;

	(void)state;
	/* outputs_queue.capacity 0: Falco's unbounded is vigil's bounded default */
	load_ok(&c, "q.yaml", "outputs_queue:\n  capacity: 0\n");
	assert_int_equal(c.outputs_queue_size, 4096);
	assert_int_equal(c.outputs[VG_OUTPUT_STDOUT].queue_size, 4096);
	vg_config_free(&c);
	/* buf_size_preset: 1 MB << (N-1), unless ring_buffer_size is given */
	load_ok(&c, "p.yaml",
		"engine:\n  kind: modern_ebpf\n  modern_ebpf:\n    buf_size_preset: 6\n");
	assert_int_equal(c.ring_buffer_size, 32u << 20);
	assert_int_equal(c.n_warnings, 0);
	vg_config_free(&c);
	load_ok(&c, "p2.yaml", "ring_buffer_size: 4M\nengine:\n  kmod:\n    buf_size_preset: 6\n");
	assert_int_equal(c.ring_buffer_size, 4u << 20);
	vg_config_free(&c);
	/* a webserver section: Falco's rules for the server */
	load_ok(&c, "w.yaml",
		"webserver:\n  listen_port: 9000\n  listen_address: '::1'\n"
		"  k8s_healthz_endpoint: /hz\n  prometheus_metrics_enabled: true\n");
	assert_true(c.metrics_serve);
	assert_true(c.metrics_prometheus);
	assert_string_equal(c.metrics_listen_address, "[::1]:9000");
	assert_string_equal(c.healthz_path, "/hz");
	vg_config_free(&c);
	load_ok(&c, "w2.yaml", "metrics:\n  enabled: false\nwebserver:\n  enabled: true\n");
	assert_true(c.metrics_serve);
	assert_false(c.metrics_prometheus);
	assert_string_equal(c.metrics_listen_address, "0.0.0.0:8765");
	vg_config_free(&c);
	/* without one, vigil's: metrics.enabled runs the server */
	load_ok(&c, "w3.yaml", "metrics:\n  enabled: false\n");
	assert_false(c.metrics_serve);
	vg_config_free(&c);
	expect_error("webserver:\n  ssl_enabled: true\n", 2, 16, "webserver.ssl_enabled",
		     "not supported");
	expect_error("webserver:\n  k8s_healthz_endpoint: healthz\n", 2, 25,
		     "webserver.k8s_healthz_endpoint", "starting with /");
	expect_error("plugins:\n  - name: x\n", 2, 5, "plugins", "name and a library_path");
}

/* Falco's ${NAME} in values: the variable, nothing when unset; $${ is a literal ${ */
static void test_env_expansion(void **state)
{
	struct vg_config c;
	struct vg_config_err err;
	char *ov[] = {"http_output.bearer_token=${VG_CFG_TEST_TOKEN}"};

	(void)state;
	setenv("VG_CFG_TEST_PORT", "1514", 1);
	setenv("VG_CFG_TEST_TOKEN", "s3cret", 1);
	unsetenv("VG_CFG_TEST_UNSET");
	load_ok(&c, "env.yaml",
		"syslog_output:\n  port: ${VG_CFG_TEST_PORT}\n"
		"  app_name: a${VG_CFG_TEST_UNSET}b${}c\n"
		"http_output:\n  user_agent: \"$${VG_CFG_TEST_PORT} ${VG_CFG_TEST_PORT}\"\n");
	assert_int_equal(c.outputs[VG_OUTPUT_SYSLOG].syslog.port, 1514);
	assert_string_equal(c.outputs[VG_OUTPUT_SYSLOG].syslog.app_name, "abc");
	assert_string_equal(c.outputs[VG_OUTPUT_HTTP].http.user_agent, "${VG_CFG_TEST_PORT} 1514");
	vg_config_free(&c);
	assert_int_equal(vg_config_load(&c, NULL, ov, 1, &err), 0);
	assert_string_equal(c.outputs[VG_OUTPUT_HTTP].http.bearer_token, "s3cret");
	vg_config_free(&c);
}

/* config_files' merge strategies, and warnings a later file takes back */
static void test_config_files(void **state)
{
	struct vg_config c;

	(void)state;
	/* rules: [] appends nothing (UBSan once saw a memcpy from NULL here) */
	write_cfg("inc-append.yaml", "rules_files: [/b]\nlog_level: info\nrules: []\n");
	write_cfg("inc-over.yaml", "rules_files: [/c]\n");
	load_ok(&c, "main-a.yaml",
		"rules_files: [/a]\nlog_level: debug\nconfig_files: [inc-append.yaml]\n");
	assert_int_equal(c.n_rules_files, 2);
	assert_string_equal(c.rules_files[1], "/b");
	assert_int_equal(c.n_warnings, 0); /* log_level back at Falco's default */
	assert_int_equal(c.n_config_sources, 2);
	vg_config_free(&c);
	load_ok(&c, "main-o.yaml",
		"rules_files: [/a]\nconfig_files:\n  - {path: inc-over.yaml, strategy: "
		"override}\n");
	assert_int_equal(c.n_rules_files, 1);
	assert_string_equal(c.rules_files[0], "/c");
	vg_config_free(&c);
	load_ok(&c, "main-d.yaml",
		"log_level: debug\nconfig_files:\n  - {path: inc-append.yaml, strategy: add-only}\n"
		"  - /nonexistent/conf.d\n");
	assert_int_equal(c.n_warnings, 1); /* add-only: log_level stays debug */
	assert_int_equal(c.n_rules_files, 1);
	assert_string_equal(c.rules_files[0], "/b"); /* not set before: added */
	vg_config_free(&c);
	/* a FIFO among config_files would block the open: refused, named */
	{
		char fifo[PATH_MAX], text[PATH_MAX + 32];
		struct vg_config_err err;

		snprintf(fifo, sizeof(fifo), "%s/fifo", tmpdir);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		snprintf(text, sizeof(text), "config_files: [%s]\n", fifo);
		assert_int_equal(vg_config_load(&c, write_cfg("main-f.yaml", text), NULL, 0, &err),
				 -1);
		assert_string_equal(err.file, fifo);
		assert_non_null(strstr(err.msg, "not a regular file"));
	}
}

static void test_changed_keys(void **state)
{
	char *o1[] = {"priority=warning", "metrics.listen_address=127.0.0.1:9", "rules_files=[/x]"};
	struct vg_config a, b;
	struct vg_config_err err;
	char keys[256];

	(void)state;
	assert_int_equal(vg_config_load(&a, NULL, NULL, 0, &err), 0);
	assert_int_equal(vg_config_load(&b, NULL, NULL, 0, &err), 0);
	assert_int_equal(vg_config_changed_keys(&a, &b, keys, sizeof(keys)), 0);
	assert_string_equal(keys, "");
	vg_config_free(&b);
	assert_int_equal(vg_config_load(&b, NULL, o1, 3, &err), 0);
	assert_int_equal(vg_config_changed_keys(&a, &b, keys, sizeof(keys)), 3);
	assert_string_equal(keys, "rules_files, priority, metrics");
	vg_config_free(&a);
	vg_config_free(&b);
}

/* container_engines: a host's paths by default, HOST_ROOT as Falco's, "" turns a socket off */
static void test_container_engines(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;
	const char *path;

	(void)state;
	unsetenv("HOST_ROOT");
	assert_int_equal(vg_config_load(&cfg, NULL, NULL, 0, &err), 0);
	assert_null(cfg.container_engines.host_root);
	assert_string_equal(cfg.container_engines.runc_root, "/run/runc");
	assert_string_equal(cfg.container_engines.docker_socket, "/run/docker.sock");
	vg_config_free(&cfg);

	setenv("HOST_ROOT", "/falco-host", 1);
	assert_int_equal(vg_config_load(&cfg, NULL, NULL, 0, &err), 0);
	assert_string_equal(cfg.container_engines.host_root, "/falco-host");
	vg_config_free(&cfg);

	/* the file wins over the environment; "" is no prefix */
	path = write_cfg("ce.yaml", "container_engines:\n"
				    "  host_root: \"\"\n"
				    "  docker: {root: /d, socket: \"\"}\n"
				    "  containerd: {state_dir: /c/task, socket: /c/sock}\n"
				    "  crio: {runroot: /crio}\n"
				    "  podman: {root: /p, socket: /p.sock}\n"
				    "  runc: {root: /r}\n");
	assert_int_equal(vg_config_load(&cfg, path, NULL, 0, &err), 0);
	assert_null(cfg.container_engines.host_root);
	assert_string_equal(cfg.container_engines.docker_root, "/d");
	assert_null(cfg.container_engines.docker_socket);
	assert_string_equal(cfg.container_engines.containerd_state_dir, "/c/task");
	assert_string_equal(cfg.container_engines.containerd_socket, "/c/sock");
	assert_string_equal(cfg.container_engines.crio_runroot, "/crio");
	assert_string_equal(cfg.container_engines.podman_root, "/p");
	assert_string_equal(cfg.container_engines.podman_socket, "/p.sock");
	assert_string_equal(cfg.container_engines.runc_root, "/r");
	vg_config_free(&cfg);
	unsetenv("HOST_ROOT");

	char *ov[] = {"container_engines.host_root=/host"};
	assert_int_equal(vg_config_load(&cfg, NULL, ov, 1, &err), 0);
	assert_string_equal(cfg.container_engines.host_root, "/host");
	vg_config_free(&cfg);
	expect_error("container_engines:\n  docker:\n    sockets: [/x]\n", 3, 5,
		     "container_engines.docker.sockets", "unknown key");
	expect_error("container_engines:\n  runc: {root: run/runc}\n", 2, 16,
		     "container_engines.runc.root", "absolute path");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_example_config),
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_output_limit_keys),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_mutations_never_crash),
		cmocka_unit_test(test_rule_selection),
		cmocka_unit_test(test_changed_keys),
		cmocka_unit_test(test_container_engines),
		cmocka_unit_test(test_falco_mappings),
		cmocka_unit_test(test_config_files),
		cmocka_unit_test(test_env_expansion),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
