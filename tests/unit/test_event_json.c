// SPDX-License-Identifier: Apache-2.0
/* The `vigil events` JSON: shape, escaping, ancestry and truncation notes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "decode/decode.h"
#include "event_json_parse.h"
#include "records.h"
#include "state/proc_table.h"

static json_object *exec_json(struct vg_proc_table *t, struct test_record *r)
{
	struct vg_event ev;
	struct vg_proc *p;

	assert_int_equal(vg_decode(r->buf, r->len, 0, &ev), VG_DECODE_OK);
	p = vg_proc_apply(t, &ev);
	return ej_parse(&ev, NULL, t, p);
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_string(v);
}

static int64_t get_int(json_object *o, const char *key)
{
	json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_int64(v);
}

static void time_is_rfc3339_with_nanoseconds(void **state)
{
	char buf[VG_TIME_MAX];

	(void)state;
	vg_time_format(NULL, 1700000000123456789ull, VG_TIME_UTC, buf);
	assert_string_equal(buf, "2023-11-14T22:13:20.123456789Z");
	vg_time_format(NULL, 5, VG_TIME_UTC, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000005Z");
}

static void args_split_on_nul(void **state)
{
	struct vg_alert_builder w;

	(void)state;
	vg_ab_init(&w);
	vg_args_json(&w, "sh\0-c\0echo \"hi\"\0", 16, "args");
	assert_false(w.jb.oom);
	assert_string_equal(w.jb.s, "[\"sh\",\"-c\",\"echo \\\"hi\\\"\"]");
	assert_int_equal(w.raw.len, 0);
	vg_ab_fini(&w);
}

static void exec_event_has_process_and_parent(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct test_record r;
	struct vg_event_hdr *h;
	struct vg_exec_body *b;
	json_object *o, *parent, *anc, *args;

	(void)state;
	h = rec_begin(&r, VG_EV_EXEC, 10, 1, sizeof(*b));
	rec_str(&r, VG_VAR_EXE, "/usr/bin/bash");
	rec_var(&r, VG_VAR_ARGV, "bash\0", 5);
	json_object_put(exec_json(t, &r));

	h = rec_begin(&r, VG_EV_EXEC, 11, 10, sizeof(*b));
	h->ts_ns = 2000;
	h->uid = 1000;
	h->cgroup_id = 4242;
	b = rec_body(&r);
	b->start_ns = 1999;
	b->argv_len = 7;
	rec_str(&r, VG_VAR_FILENAME, "/bin/cat");
	rec_str(&r, VG_VAR_EXE, "/usr/bin/cat");
	rec_var(&r, VG_VAR_ARGV, "cat\0/x\0", 7);
	rec_str(&r, VG_VAR_CWD, "/home/u");
	o = exec_json(t, &r);
	assert_string_equal(get_str(o, "type"), "exec");
	assert_string_equal(get_str(o, "filename"), "/bin/cat");
	assert_string_equal(get_str(o, "exe"), "/usr/bin/cat");
	assert_string_equal(get_str(o, "cwd"), "/home/u");
	assert_int_equal(get_int(o, "uid"), 1000);
	assert_int_equal(get_int(o, "cgroup_id"), 4242);
	assert_int_equal(get_int(o, "ppid"), 10);
	assert_true(json_object_object_get_ex(o, "args", &args));
	assert_int_equal(json_object_array_length(args), 2);
	assert_false(json_object_get_boolean(json_object_object_get(o, "args_truncated")));
	assert_true(json_object_object_get_ex(o, "parent", &parent));
	assert_int_equal(get_int(parent, "pid"), 10);
	assert_string_equal(get_str(parent, "exe"), "/usr/bin/bash");
	assert_true(json_object_object_get_ex(o, "ancestors", &anc));
	assert_int_equal(json_object_array_length(anc), 1);
	assert_true(json_object_object_get_ex(o, "loginuid", &parent));
	assert_null(parent); /* unset login uid is null, not 4294967295 */
	json_object_put(o);
	vg_proc_table_free(t);
}

static void truncated_args_say_why(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct test_record r;
	struct vg_event_hdr *h = rec_begin(&r, VG_EV_EXEC, 12, 1, sizeof(struct vg_exec_body));
	json_object *o;

	(void)state;
	h->flags = VG_HF_ARGV_TRUNC;
	rec_var(&r, VG_VAR_ARGV, "x\0", 2);
	o = exec_json(t, &r);
	assert_true(json_object_get_boolean(json_object_object_get(o, "args_truncated")));
	assert_non_null(strstr(get_str(o, "args_truncated_reason"), "16 KiB"));
	json_object_put(o);
	vg_proc_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(time_is_rfc3339_with_nanoseconds),
		cmocka_unit_test(args_split_on_nul),
		cmocka_unit_test(exec_event_has_process_and_parent),
		cmocka_unit_test(truncated_args_say_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
