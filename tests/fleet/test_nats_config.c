// SPDX-License-Identifier: Apache-2.0
/*
 * nats_output's keys (config/config_nats.c): every key lands where the
 * output reads it, the defaults, bad values named with file:line:column,
 * and the settings dump never shows the password, the token or the user
 * info of a seed URL. A fleet config override (fleet/fleet.h) is taken
 * only with overridable keys and good values, and refused with key:line:col.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "fleet/fleet.h"

static char path[64];

static const char *write_cfg(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vg-natscfg-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void defaults(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;
	const struct vg_output_config *o = &cfg.outputs[VG_OUTPUT_NATS];

	(void)state;
	assert_int_equal(vg_config_load(&cfg, NULL, NULL, 0, &err), 0);
	assert_false(o->enabled);
	assert_string_equal(o->nats.subject_prefix, "vigil.alerts");
	assert_string_equal(o->nats.stream, "VIGIL_ALERTS");
	assert_true(o->nats.create_stream);
	assert_int_equal(o->nats.replicas, 1);
	assert_int_equal(o->nats.spool_max_bytes, 256ull << 20);
	assert_int_equal(o->max_retries, UINT32_MAX);
	vg_config_free(&cfg);
}

static const char full[] = "nats_output:\n"
			   "  enabled: true\n"
			   "  urls: [nats://alice:pw-XYZZY@10.0.0.1:4222, nats://10.0.0.2:4222]\n"
			   "  subject_prefix: corp.sec\n"
			   "  stream: SEC_ALERTS\n"
			   "  create_stream: false\n"
			   "  replicas: 3\n"
			   "  token: tok-PLUGH\n"
			   "  user: alice\n"
			   "  password: pw-XYZZY\n"
			   "  tls: true\n"
			   "  ca_file: /etc/nats/ca.pem\n"
			   "  spool_dir: /var/lib/vigil/spool\n"
			   "  spool_max_bytes: 1M\n"
			   "  spool_max_age_s: 3600\n"
			   "  ack_timeout_ms: 1500\n";

static void keys_and_secrets(void **state)
{
	struct vg_config cfg;
	struct vg_config_err err;
	const struct vg_output_config *o = &cfg.outputs[VG_OUTPUT_NATS];
	char *dump = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	if (vg_config_load(&cfg, write_cfg(full), NULL, 0, &err) != 0)
		fail_msg("%s", err.text);
	unlink(path);
	assert_true(o->enabled);
	assert_int_equal(o->nats.n_urls, 2);
	assert_string_equal(o->nats.urls[1], "nats://10.0.0.2:4222");
	assert_string_equal(o->nats.subject_prefix, "corp.sec");
	assert_string_equal(o->nats.stream, "SEC_ALERTS");
	assert_false(o->nats.create_stream);
	assert_int_equal(o->nats.replicas, 3);
	assert_true(o->nats.tls);
	assert_string_equal(o->nats.spool_dir, "/var/lib/vigil/spool");
	assert_int_equal(o->nats.spool_max_bytes, 1 << 20);
	assert_int_equal(o->nats.spool_max_age_s, 3600);
	assert_int_equal(o->nats.ack_timeout_ms, 1500);
	f = open_memstream(&dump, &len);
	assert_non_null(f);
	vg_config_dump(&cfg, f);
	fclose(f);
	assert_null(strstr(dump, "XYZZY"));
	assert_null(strstr(dump, "PLUGH"));
	assert_non_null(strstr(dump, "nats://***@10.0.0.1:4222"));
	assert_non_null(strstr(dump, "password: \"***\""));
	free(dump);
	vg_config_free(&cfg);
}

static void expect_error(const char *text, unsigned line, unsigned col, const char *key,
			 const char *part)
{
	struct vg_config cfg;
	struct vg_config_err err;

	assert_int_equal(vg_config_load(&cfg, write_cfg(text), NULL, 0, &err), -1);
	unlink(path);
	print_message("  error: %s\n", err.text);
	assert_int_equal(err.line, line);
	assert_int_equal(err.column, col);
	assert_string_equal(err.key, key);
	assert_non_null(strstr(err.msg, part));
}

static void bad_values(void **state)
{
	(void)state;
	/* a wildcard in the prefix would let alerts land on other subjects */
	expect_error("nats_output:\n  subject_prefix: \"vigil.>\"\n", 2, 19,
		     "nats_output.subject_prefix", "no wildcards");
	expect_error("nats_output:\n  subject_prefix: vigil.\n", 2, 19,
		     "nats_output.subject_prefix", "end with a dot");
	expect_error("nats_output:\n  stream: a.b\n", 2, 11, "nats_output.stream", "letters");
	expect_error("nats_output:\n  replicas: 7\n", 2, 13, "nats_output.replicas", "1 to 5");
	expect_error("nats_output:\n  spool_dir: relative/dir\n", 2, 14, "nats_output.spool_dir",
		     "absolute");
	expect_error("nats_output:\n  enabled: true\n", 2, 12, "nats_output.urls", "no urls");
}

/* vg_fleet_config_check on text: 0, or -1 with an error containing want. */
static void expect_override(const char *text, const char *want)
{
	char err[1024] = "";
	int rc = vg_fleet_config_check("config.host.h1", text, strlen(text), err, sizeof(err));

	if (!want) {
		if (rc != 0)
			fail_msg("'%s' refused: %s", text, err);
		return;
	}
	if (rc == 0 || !strstr(err, want))
		fail_msg("'%s': rc %d, error '%s', want '%s'", text, rc, err, want);
}

static void fleet_overrides(void **state)
{
	(void)state;
	expect_override("priority: error\n", NULL);
	expect_override("rules:\n  - disable:\n      rule: x\nrule_matching: all\n", NULL);
	expect_override("", NULL); /* an empty value: no overrides */
	/* the error names the bucket's key, not the scratch file it was checked in */
	expect_override("priority: bogus\n", "config.host.h1:1:11: priority: 'bogus'");
	expect_override("priority: error\nfile_output:\n  enabled: false\n",
			"config.host.h1:2:1: file_output cannot be set from the fleet");
	expect_override("fleet:\n  enabled: false\n", "fleet cannot be set");
	expect_override("- a\n- b\n", "config.host.h1:1:1: a mapping of config keys");
	expect_override("priority: [\n", "config.host.h1:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(keys_and_secrets),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(fleet_overrides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
