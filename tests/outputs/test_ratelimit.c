// SPDX-License-Identifier: Apache-2.0
/* Token buckets per rule and per rule+process, and the suppression summary alert. */
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ratelimit/ratelimit.h"

#define SEC 1000000000ull

static void test_disabled_allows_all(void **state)
{
	struct vg_ratelimit_config c = {.enabled = false};
	struct vg_ratelimit *rl = vg_ratelimit_new(&c);

	(void)state;
	assert_non_null(rl);
	for (int i = 0; i < 1000; i++)
		assert_true(vg_ratelimit_allow(rl, "r", 1, 0));
	assert_int_equal(vg_ratelimit_suppressed(rl), 0);
	vg_ratelimit_free(rl);
}

static void test_bad_settings(void **state)
{
	struct vg_ratelimit_config c = {.enabled = true, .rate = 0, .burst = 1};

	(void)state;
	assert_null(vg_ratelimit_new(&c));
	c.rate = 1;
	c.burst = 0.5;
	assert_null(vg_ratelimit_new(&c));
}

static void test_bucket_per_rule(void **state)
{
	struct vg_ratelimit_config c = {.enabled = true, .rate = 2, .burst = 3};
	struct vg_ratelimit *rl = vg_ratelimit_new(&c);
	uint64_t t = 100 * SEC;
	int allowed = 0;

	(void)state;
	assert_non_null(rl);
	/* the burst, then nothing at the same instant */
	for (int i = 0; i < 10; i++)
		allowed += vg_ratelimit_allow(rl, "noisy", (uint32_t)i, t);
	assert_int_equal(allowed, 3);
	/* another rule has its own bucket */
	assert_true(vg_ratelimit_allow(rl, "quiet", 1, t));
	/* half a second at 2/s refills one token */
	assert_true(vg_ratelimit_allow(rl, "noisy", 1, t + SEC / 2));
	assert_false(vg_ratelimit_allow(rl, "noisy", 1, t + SEC / 2));
	/* ten seconds refill only up to the burst */
	allowed = 0;
	for (int i = 0; i < 10; i++)
		allowed += vg_ratelimit_allow(rl, "noisy", 1, t + 11 * SEC);
	assert_int_equal(allowed, 3);
	assert_int_equal(vg_ratelimit_suppressed(rl), 7 + 1 + 7);
	vg_ratelimit_free(rl);
}

static void test_bucket_per_process(void **state)
{
	struct vg_ratelimit_config c = {
		.enabled = true, .rate = 1, .burst = 2, .per_process = true, .max_keys = 4};
	struct vg_ratelimit *rl = vg_ratelimit_new(&c);
	uint64_t t = SEC;
	int allowed = 0;

	(void)state;
	assert_non_null(rl);
	for (uint32_t pid = 1; pid <= 4; pid++)
		for (int i = 0; i < 5; i++)
			allowed += vg_ratelimit_allow(rl, "r", pid, t);
	assert_int_equal(allowed, 4 * 2);
	/*
	 * The table is full (max_keys 4): new processes share the rule's own
	 * bucket, so a flood of fresh pids cannot escape the limit.
	 */
	allowed = 0;
	for (uint32_t pid = 100; pid < 200; pid++)
		allowed += vg_ratelimit_allow(rl, "r", pid, t);
	assert_int_equal(allowed, 2);
	vg_ratelimit_free(rl);
}

struct seen {
	char rule[64];
	uint64_t n;
	double interval;
	int calls;
};

static void on_summary(const struct vg_ratelimit_summary *s, void *arg)
{
	struct seen *seen = arg;

	snprintf(seen->rule, sizeof(seen->rule), "%s", s->rule);
	seen->n = s->suppressed;
	seen->interval = s->interval_s;
	seen->calls++;
}

static void test_summary(void **state)
{
	struct vg_ratelimit_config c = {
		.enabled = true, .rate = 1, .burst = 1, .summary_interval_s = 60};
	struct vg_ratelimit *rl = vg_ratelimit_new(&c);
	struct seen seen = {0};
	uint64_t t0 = 1000 * SEC;

	(void)state;
	assert_non_null(rl);
	assert_int_equal(vg_ratelimit_tick(rl, t0, on_summary, &seen), 0); /* starts the window */
	for (int i = 0; i < 42; i++)
		vg_ratelimit_allow(rl, "Write below etc", 1, t0 + SEC / 10);
	assert_int_equal(vg_ratelimit_tick(rl, t0 + 59 * SEC, on_summary, &seen), 0);
	assert_int_equal(vg_ratelimit_tick(rl, t0 + 60 * SEC, on_summary, &seen), 1);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.rule, "Write below etc");
	assert_int_equal(seen.n, 41);
	assert_true(seen.interval == 60.0);
	/* nothing suppressed in the next window: no summary */
	assert_int_equal(vg_ratelimit_tick(rl, t0 + 121 * SEC, on_summary, &seen), 0);
	assert_int_equal(seen.calls, 1);
	vg_ratelimit_free(rl);
}

static void test_summary_alert(void **state)
{
	struct vg_ratelimit_summary s = {"Read \"sensitive\" file", 41, 60.0};
	struct vg_alert_msg a;
	char *json, *text;
	json_object *o, *v;

	(void)state;
	/* 2026-01-02T03:04:05.123456789Z */
	assert_int_equal(
		vg_ratelimit_summary_alert(&s, "node-1", 1767323045123456789ull, &a, &json, &text),
		0);
	print_message("%s\n%s\n", json, text);
	assert_int_equal(a.priority, 5);
	assert_string_equal(a.rule, "vigil: alerts suppressed");
	assert_int_equal(a.json_len, strlen(json));
	assert_non_null(strstr(text, ": Notice 41 alerts of rule Read \"sensitive\" file "
				     "suppressed in the last 60 s"));
	o = json_tokener_parse(json);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "time", &v));
	assert_string_equal(json_object_get_string(v), "2026-01-02T03:04:05.123456789Z");
	assert_true(json_object_object_get_ex(o, "priority", &v));
	assert_string_equal(json_object_get_string(v), "Notice");
	assert_true(json_object_object_get_ex(o, "source", &v));
	assert_string_equal(json_object_get_string(v), "internal");
	assert_true(json_object_object_get_ex(o, "output_fields", &v));
	assert_true(json_object_object_get_ex(v, "vigil.suppressed.count", &v));
	assert_int_equal(json_object_get_int64(v), 41);
	assert_true(json_object_object_get_ex(o, "hostname", &v));
	assert_string_equal(json_object_get_string(v), "node-1");
	json_object_put(o);
	free(json);
	free(text);
}

/* vg_ratelimit_report: the summaries go out through the outputs, as alerts. */
static void test_report_through_outputs(void **state)
{
	struct vg_ratelimit_config c = {
		.enabled = true, .rate = 1, .burst = 1, .summary_interval_s = 10};
	struct vg_ratelimit *rl = vg_ratelimit_new(&c);
	char path[] = "/tmp/vigil-rl-XXXXXX", line[4096];
	struct vg_output_config oc = {
		.kind = VG_OUTPUT_FILE, .enabled = true, .min_priority = 7, .queue_size = 16};
	struct vg_outputs_config ocs = {.outputs = &oc, .n = 1};
	struct vg_outputs *outs;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	oc.file.path = path;
	outs = vg_outputs_new(&ocs);
	assert_non_null(outs);
	assert_non_null(rl);
	assert_int_equal(vg_ratelimit_report(rl, SEC, outs, "h"), 0);
	for (int i = 0; i < 5; i++)
		vg_ratelimit_allow(rl, "Noisy", 1, SEC);
	assert_int_equal(vg_ratelimit_report(rl, 11 * SEC, outs, "h"), 1);
	assert_int_equal(vg_outputs_flush(outs, 30000), 0);
	vg_outputs_free(outs);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
	assert_non_null(strstr(line, "\"rule\":\"vigil: alerts suppressed\""));
	assert_non_null(strstr(line, "4 alerts of rule Noisy suppressed in the last 10 s"));
	vg_ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disabled_allows_all),
		cmocka_unit_test(test_bad_settings),
		cmocka_unit_test(test_bucket_per_rule),
		cmocka_unit_test(test_bucket_per_process),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_alert),
		cmocka_unit_test(test_report_through_outputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
