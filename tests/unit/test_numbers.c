// SPDX-License-Identifier: Apache-2.0
/*
 * Every number an operator gives vigil is range-checked (issue 17, item 9):
 * config/number.c directly, then every numeric configuration key with
 * -5, 2^63, 1e3, "12abc" and a value past each end of its range, each
 * reported at file:line:column with the key and the range, and the ends
 * of the range accepted.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "config/number.h"

static void expect_num_error(const char *s, const struct vg_num_range *r, const char *msg)
{
	char err[160] = "";
	uint64_t v = 12345;

	assert_int_equal(vg_num_parse(s, r, &v, err, sizeof(err)), -1);
	if (strcmp(err, msg) != 0)
		fail_msg("'%s': got \"%s\", expected \"%s\"", s, err, msg);
	assert_int_equal(v, 12345); /* untouched on error */
}

static uint64_t num_ok(const char *s, const struct vg_num_range *r)
{
	char err[160] = "";
	uint64_t v = 0;

	if (vg_num_parse(s, r, &v, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", s, err);
	return v;
}

static void test_whole_numbers(void **state)
{
	const struct vg_num_range r = {64, 4194304, false};

	(void)state;
	expect_num_error("-5", &r, "-5 is out of range [64, 4194304]");
	expect_num_error("9223372036854775808", &r,
			 "9223372036854775808 is out of range [64, 4194304]");
	expect_num_error("99999999999999999999999", &r,
			 "99999999999999999999999 is out of range [64, 4194304]");
	expect_num_error("0", &r, "0 is out of range [64, 4194304]");
	expect_num_error("63", &r, "63 is out of range [64, 4194304]");
	expect_num_error("4194305", &r, "4194305 is out of range [64, 4194304]");
	expect_num_error("1e3", &r, "expected a whole number, got '1e3'");
	expect_num_error("12abc", &r, "expected a whole number, got '12abc'");
	expect_num_error("", &r, "expected a whole number, got ''");
	expect_num_error(" 100", &r, "expected a whole number, got ' 100'");
	expect_num_error("+100", &r, "expected a whole number, got '+100'");
	expect_num_error("0x100", &r, "expected a whole number, got '0x100'");
	expect_num_error("100 ", &r, "expected a whole number, got '100 '");
	expect_num_error("8M", &r, "expected a whole number, got '8M'");
	expect_num_error(NULL, &r, "expected a whole number, got ''");
	assert_int_equal(num_ok("64", &r), 64);
	assert_int_equal(num_ok("4194304", &r), 4194304);
	assert_int_equal(num_ok("0100", &r), 100); /* decimal, never octal */
	assert_int_equal(
		num_ok("18446744073709551615", &(struct vg_num_range){0, UINT64_MAX, false}),
		UINT64_MAX);
}

static void test_sizes(void **state)
{
	const struct vg_num_range r = {4096, 1ull << 30, true};

	(void)state;
	assert_int_equal(num_ok("8M", &r), 8 << 20);
	assert_int_equal(num_ok("8MiB", &r), 8 << 20);
	assert_int_equal(num_ok("512kb", &r), 512 << 10);
	assert_int_equal(num_ok("1G", &r), 1 << 30);
	assert_int_equal(num_ok("4096", &r), 4096);
	expect_num_error("2G", &r, "2G is out of range [4K, 1G]");
	expect_num_error("-8M", &r, "-8M is out of range [4K, 1G]");
	expect_num_error("17179869184G", &r, "17179869184G is out of range [4K, 1G]");
	expect_num_error("8X", &r, "expected a size (bytes, or with K, M or G), got '8X'");
	expect_num_error("8MM", &r, "expected a size (bytes, or with K, M or G), got '8MM'");
	expect_num_error("1.5G", &r, "expected a size (bytes, or with K, M or G), got '1.5G'");
}

static void test_fractions(void **state)
{
	const struct vg_num_drange r = {0, 1e9, true};
	char err[160];
	double v;

	(void)state;
	assert_int_equal(vg_num_parse_double("0.5", &r, &v, err, sizeof(err)), 0);
	assert_true(v == 0.5);
	assert_int_equal(vg_num_parse_double("0", &r, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "0 is out of range (0, 1e+09]");
	assert_int_equal(vg_num_parse_double("-5", &r, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "-5 is out of range (0, 1e+09]");
	assert_int_equal(vg_num_parse_double("1e3", &r, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "expected a number, got '1e3'");
	for (const char *const *s = (const char *const[]){"nan", "inf", "0x10", "12abc", "", NULL};
	     *s; s++)
		assert_int_equal(vg_num_parse_double(*s, &r, &v, err, sizeof(err)), -1);
	assert_int_equal(vg_num_parse_double("1000000001", &r, &v, err, sizeof(err)), -1);
}

/* ---- configuration keys ---- */

struct key {
	const char *section; /* NULL: top level */
	const char *name;
	const char *lo, *hi; /* the ends of the range, accepted */
	const char *below;   /* just below the range, or NULL when 0 is in it */
	const char *above;   /* just above */
	const char *range;   /* as the message prints it */
};

static const struct key keys[] = {
	/* 0 is "from pid_max"; 1..63 is refused by the key's own check (outputs_config) */
	{NULL, "process_table_size", "0", "4194304", NULL, "4194305", "[0, 4194304]"},
	{NULL, "ring_buffer_size", "4K", "1G", "2048", "2G", "[4K, 1G]"},
	/* 0 is Falco's "unbounded": vigil's bounded default (4096) */
	{"outputs_queue", "capacity", "0", "10000000", NULL, "10000001", "[0, 10000000]"},
	{"http_output", "queue_size", "0", "10000000", NULL, "10000001", "[0, 10000000]"},
	{"http_output", "retry_initial_ms", "1", "3600000", "0", "3600001", "[1, 3600000]"},
	{"syslog_output", "retry_max_ms", "1", "86400000", "0", "86400001", "[1, 86400000]"},
	{"file_output", "max_retries", "0", "1000000", NULL, "1000001", "[0, 1000000]"},
	{"http_output", "timeout_ms", "1", "3600000", "0", "3600001", "[1, 3600000]"},
	{"syslog_output", "timeout_ms", "1", "3600000", "0", "3600001", "[1, 3600000]"},
	{"file_output", "max_size", "0", "1024G", NULL, "1025G", "[0, 1024G]"},
	{"file_output", "keep", "0", "1000", NULL, "1001", "[0, 1000]"},
	{"syslog_output", "port", "1", "65535", "0", "65536", "[1, 65535]"},
	{"http_output", "batch_max", "1", "10000", "0", "10001", "[1, 10000]"},
	{"rate_limit", "summary_interval", "0", "86400", NULL, "86401", "[0, 86400]"},
	{"rate_limit", "max_keys", "1", "10000000", "0", "10000001", "[1, 10000000]"},
};

static char tmpdir[] = "/tmp/vigil-numbers-XXXXXX";

static const char *write_cfg(const struct key *k, const char *value, unsigned *line, unsigned *col)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/vigil.yaml", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	/* a comment first, so that the line is not always 1 */
	fprintf(f, "# numbers\n");
	if (k->section) {
		fprintf(f, "%s:\n  %s: %s\n", k->section, k->name, value);
		*line = 3;
		*col = 2 + (unsigned)strlen(k->name) + 2 + 1;
	} else {
		fprintf(f, "%s: %s\n", k->name, value);
		*line = 2;
		*col = (unsigned)strlen(k->name) + 2 + 1;
	}
	fclose(f);
	return path;
}

static void expect_key_error(const struct key *k, const char *value, const char *msg)
{
	struct vg_config cfg;
	struct vg_config_err err;
	unsigned line, col;
	const char *path = write_cfg(k, value, &line, &col);
	char key[128], prefix[PATH_MAX + 200];

	snprintf(key, sizeof(key), "%s%s%s", k->section ? k->section : "", k->section ? "." : "",
		 k->name);
	if (vg_config_load(&cfg, path, NULL, 0, &err) != -1)
		fail_msg("%s: %s accepted", key, value);
	snprintf(prefix, sizeof(prefix), "%s:%u:%u: %s: %s", path, line, col, key, msg);
	if (strcmp(err.text, prefix) != 0)
		fail_msg("%s = %s: got \"%s\", expected \"%s\"", key, value, err.text, prefix);
}

static void expect_key_ok(const struct key *k, const char *value)
{
	struct vg_config cfg;
	struct vg_config_err err;
	unsigned line, col;
	const char *path = write_cfg(k, value, &line, &col);

	if (vg_config_load(&cfg, path, NULL, 0, &err) != 0)
		fail_msg("%s = %s refused: %s", k->name, value, err.text);
	vg_config_free(&cfg);
}

static void test_config_keys(void **state)
{
	char msg[200];

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		bool size = !strcmp(k->name, "ring_buffer_size") || !strcmp(k->name, "max_size");

		print_message("  %s.%s %s\n", k->section ? k->section : "", k->name, k->range);
		expect_key_ok(k, k->lo);
		expect_key_ok(k, k->hi);
		snprintf(msg, sizeof(msg), "-5 is out of range %s", k->range);
		expect_key_error(k, "-5", msg);
		snprintf(msg, sizeof(msg), "9223372036854775808 is out of range %s", k->range);
		expect_key_error(k, "9223372036854775808", msg);
		snprintf(msg, sizeof(msg), "%s is out of range %s", k->above, k->range);
		expect_key_error(k, k->above, msg);
		if (k->below) {
			snprintf(msg, sizeof(msg), "%s is out of range %s", k->below, k->range);
			expect_key_error(k, k->below, msg);
		}
		snprintf(msg, sizeof(msg), "expected %s, got '1e3'",
			 size ? "a size (bytes, or with K, M or G)" : "a whole number");
		expect_key_error(k, "1e3", msg);
		snprintf(msg, sizeof(msg), "expected %s, got '12abc'",
			 size ? "a size (bytes, or with K, M or G)" : "a whole number");
		expect_key_error(k, "12abc", msg);
	}
}

static void test_config_fractions(void **state)
{
	static const struct key rate = {"rate_limit", "rate", "0.001", "1000000000",
					NULL,	      NULL,   ""};
	static const struct key burst = {"rate_limit", "burst", "1", "1000000000", NULL, NULL, ""};

	(void)state;
	expect_key_ok(&rate, rate.lo);
	expect_key_ok(&rate, rate.hi);
	expect_key_error(&rate, "0", "0 is out of range (0, 1e+09]");
	expect_key_error(&rate, "-5", "-5 is out of range (0, 1e+09]");
	expect_key_error(&rate, "1e300", "expected a number, got '1e300'");
	expect_key_error(&rate, "2000000000", "2000000000 is out of range (0, 1e+09]");
	expect_key_ok(&burst, burst.lo);
	expect_key_error(&burst, "0.5", "0.5 is out of range [1, 1e+09]");
	expect_key_error(&burst, "nan", "expected a number, got 'nan'");
}

/* The port in metrics.listen_address goes through the same parser. */
static void test_listen_port(void **state)
{
	static const struct key listen = {"metrics", "listen_address", NULL, NULL, NULL, NULL, ""};
	static const char *const bad[] = {"127.0.0.1:-5",  "127.0.0.1:65536", "'[::1]:12abc'",
					  "127.0.0.1:+80", "'127.0.0.1:'",    "127.0.0.1:1e3"};

	(void)state;
	expect_key_ok(&listen, "127.0.0.1:0");
	expect_key_ok(&listen, "'[::1]:65535'");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_key_error(&listen, bad[i], "must end in :PORT, a number from 0 to 65535");
}

/* An -o override is checked the same way, placed after "key=". */
static void test_override(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;
	char *ov[] = {"process_table_size=-5"};

	(void)state;
	assert_int_equal(vg_config_load(&cfg, NULL, ov, 1, &err), -1);
	print_message("  %s\n", err.text);
	assert_non_null(strstr(err.text, "process_table_size: -5 is out of range [0, 4194304]"));
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 20);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/vigil.yaml", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_numbers),	 cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_fractions),	 cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_config_fractions), cmocka_unit_test(test_listen_port),
		cmocka_unit_test(test_override),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
