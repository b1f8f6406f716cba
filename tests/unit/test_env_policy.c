// SPDX-License-Identifier: Apache-2.0
/*
 * What `vigil events` and `vigil capture` keep of an environment: name
 * patterns match any case, redaction keeps names and whole entries, and a
 * capture's exec record loses (off) or rewrites (redacted) only its env
 * field: the record still decodes, every other field is intact and aligned,
 * and it never grows past VG_RECORD_MAX. The events view has no env unless
 * asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "decode/decode.h"
#include "alert/env_policy.h"
#include "event_json_parse.h"
#include "records.h"
#include "state/proc_table.h"

static char *const PATS[] = {"*TOKEN*", "*SECRET*", "*PASSWORD*", "AWS_*"};
static const struct vg_env_policy REDACTED = {VG_ENV_REDACTED, PATS, 4};
static const struct vg_env_policy OFF = {VG_ENV_OFF, NULL, 0};
static const struct vg_env_policy FULL = {VG_ENV_FULL, NULL, 0};

static const char ENV[] = "PATH=/bin\0GITHUB_token=ghp_x\0aws_region=eu\0DB_PASSWORD=\0"
			  "PLAIN=1=2\0NOEQUALS";

static void test_names_any_case(void **state)
{
	(void)state;
	assert_true(vg_env_name_secret(&REDACTED, "GITHUB_TOKEN", 12));
	assert_true(vg_env_name_secret(&REDACTED, "my_secret_thing", 15));
	assert_true(vg_env_name_secret(&REDACTED, "Aws_Access_Key_Id", 17));
	assert_false(vg_env_name_secret(&REDACTED, "PATH", 4));
	assert_false(vg_env_name_secret(&REDACTED, "XAWS_X", 6)); /* AWS_* is a prefix */
	assert_int_equal(vg_env_mode_parse("off"), VG_ENV_OFF);
	assert_int_equal(vg_env_mode_parse("redacted"), VG_ENV_REDACTED);
	assert_int_equal(vg_env_mode_parse("full"), VG_ENV_FULL);
	assert_int_equal(vg_env_mode_parse("on"), -1);
}

static void test_redact_keeps_names(void **state)
{
	static const char want[] = "PATH=/bin\0GITHUB_token=<redacted>\0aws_region=<redacted>\0"
				   "DB_PASSWORD=<redacted>\0PLAIN=1=2\0NOEQUALS";
	char out[256];
	bool cut;
	size_t n;

	(void)state;
	n = vg_env_redact(&REDACTED, ENV, sizeof(ENV) - 1, out, sizeof(out), &cut);
	assert_false(cut);
	assert_int_equal(n, sizeof(want)); /* the last entry gets its NUL */
	assert_memory_equal(out, want, n);
	/* whole entries only when it does not fit */
	n = vg_env_redact(&REDACTED, ENV, sizeof(ENV) - 1, out, 20, &cut);
	assert_true(cut);
	assert_int_equal(n, strlen("PATH=/bin") + 1);
}

/* An exec record with the env field between others, as a probe could write it. */
static void exec_record(struct test_record *r, const char *env, uint16_t env_len)
{
	rec_begin(r, VG_EV_EXEC, 700, 1, sizeof(struct vg_exec_body));
	rec_str(r, VG_VAR_FILENAME, "/bin/x");
	rec_var(r, VG_VAR_ENV, env, env_len);
	rec_str(r, VG_VAR_ARGV, "x"); /* 1 byte: what follows starts unaligned */
	rec_str(r, VG_VAR_CWD, "/tmp");
}

static void check_others(const struct vg_event *ev)
{
	assert_int_equal(ev->var[VG_VAR_FILENAME].len, 6);
	assert_memory_equal(ev->var[VG_VAR_FILENAME].ptr, "/bin/x", 6);
	assert_int_equal(ev->var[VG_VAR_ARGV].len, 1);
	assert_int_equal(ev->var[VG_VAR_CWD].len, 4);
	assert_memory_equal(ev->var[VG_VAR_CWD].ptr, "/tmp", 4);
}

static void test_capture_filter(void **state)
{
	static struct test_record r;
	static char out[VG_RECORD_MAX];
	struct vg_event ev, back;
	uint32_t n;

	(void)state;
	exec_record(&r, ENV, sizeof(ENV) - 1);
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_OK);
	assert_int_equal(vg_capture_filter_env(&ev, &FULL, out), 0); /* as the probe wrote it */
	/* off: the field is gone, nothing of its bytes is left */
	n = vg_capture_filter_env(&ev, &OFF, out);
	assert_true(n > 0 && n < r.len);
	assert_null(memmem(out, n, "ghp_x", 5));
	assert_int_equal(vg_decode(out, n, 0, &back), VG_DECODE_OK);
	assert_null(back.var[VG_VAR_ENV].ptr);
	check_others(&back);
	/* redacted: names kept, secret values gone */
	n = vg_capture_filter_env(&ev, &REDACTED, out);
	assert_int_equal(vg_decode(out, n, 0, &back), VG_DECODE_OK);
	assert_null(memmem(out, n, "ghp_x", 5));
	assert_non_null(memmem(back.var[VG_VAR_ENV].ptr, back.var[VG_VAR_ENV].len,
			       "GITHUB_token=<redacted>", 23));
	assert_false(back.hdr->flags & VG_HF_ENV_TRUNC);
	check_others(&back);
}

/* Thousands of tiny secret entries: redaction would triple them; the record stays bounded. */
static void test_capture_redaction_bounded(void **state)
{
	static struct test_record r;
	static char env[VG_ENV_MAX], out[VG_RECORD_MAX];
	struct vg_event ev, back;
	uint32_t n;

	(void)state;
	for (size_t i = 0; i + 4 <= sizeof(env); i += 4)
		memcpy(env + i, "AWS_", 4);
	for (size_t i = 0; i + 8 <= sizeof(env); i += 8)
		memcpy(env + i, "AWS_=x\0\0", 8);
	exec_record(&r, env, sizeof(env));
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_OK);
	n = vg_capture_filter_env(&ev, &REDACTED, out);
	assert_true(n <= VG_RECORD_MAX);
	assert_int_equal(vg_decode(out, n, 0, &back), VG_DECODE_OK);
	assert_true(back.hdr->flags & VG_HF_ENV_TRUNC);
	assert_true(back.var[VG_VAR_ENV].len <= VG_ENV_MAX);
	check_others(&back);
}

static void test_events_env_by_policy(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	static struct test_record r;
	struct vg_event ev;
	struct vg_proc *p;
	json_object *o, *env;
	const char *s;

	(void)state;
	exec_record(&r, ENV, sizeof(ENV) - 1);
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_OK);
	p = vg_proc_apply(t, &ev);
	o = ej_parse_env(&ev, NULL, t, p, NULL);
	assert_false(json_object_object_get_ex(o, "env", &env));
	json_object_put(o);
	o = ej_parse_env(&ev, NULL, t, p, &OFF);
	assert_false(json_object_object_get_ex(o, "env", &env));
	json_object_put(o);
	o = ej_parse_env(&ev, NULL, t, p, &REDACTED);
	s = json_object_to_json_string(o);
	assert_null(strstr(s, "ghp_x"));
	assert_non_null(strstr(s, "\"GITHUB_token=<redacted>\""));
	assert_non_null(strstr(s, "\"PLAIN=1=2\""));
	json_object_put(o);
	o = ej_parse_env(&ev, NULL, t, p, &FULL);
	assert_non_null(strstr(json_object_to_json_string(o), "GITHUB_token=ghp_x"));
	json_object_put(o);
	vg_proc_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_any_case),
		cmocka_unit_test(test_redact_keeps_names),
		cmocka_unit_test(test_capture_filter),
		cmocka_unit_test(test_capture_redaction_bounded),
		cmocka_unit_test(test_events_env_by_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
