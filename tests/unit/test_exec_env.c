// SPDX-License-Identifier: Apache-2.0
/*
 * The environment an exec carries (VG_VAR_ENV): kept on the process entry
 * as it came, a cut one without its partial last entry and open to
 * completion from /proc, inherited by forks, shown by `vigil events` and
 * replayed from that JSON to the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "event_json_parse.h"
#include "replay/json_record.h"
#include "state/proc_table.h"
#include "records.h"

static const char ENV[] = "FOO=bar\0HOME=/root\0PATH=/usr/bin:/bin"; /* as the stack has it */

static struct vg_proc *exec_with_env(struct vg_proc_table *t, struct test_record *r,
				     struct vg_event *ev, const void *env, uint16_t len,
				     uint16_t flags)
{
	struct vg_event_hdr *h = rec_begin(r, VG_EV_EXEC, 500, 1, sizeof(struct vg_exec_body));
	struct vg_exec_body *b = rec_body(r);

	b->start_ns = 900;
	h->flags = flags;
	rec_str(r, VG_VAR_EXE, "/usr/bin/env");
	rec_str(r, VG_VAR_ARGV, "env");
	if (env)
		rec_var(r, VG_VAR_ENV, env, len);
	assert_int_equal(vg_decode(r->buf, r->len, 0, ev), VG_DECODE_OK);
	return vg_proc_apply(t, ev);
}

static void test_env_kept_as_carried(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	static struct test_record r;
	struct vg_event ev;
	struct vg_proc *p;

	(void)state;
	p = exec_with_env(t, &r, &ev, ENV, sizeof(ENV), 0);
	assert_non_null(p);
	assert_int_equal(p->env_len, sizeof(ENV));
	assert_memory_equal(p->env, ENV, sizeof(ENV));
	assert_true(p->env_tried); /* complete: /proc is never read for it */
	vg_proc_table_free(t);
}

static void test_cut_env_drops_partial_entry(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	static struct test_record r;
	struct vg_event ev;
	struct vg_proc *p;

	(void)state;
	/* cut inside HOME's value: "HOME=/ro" must not read as HOME's value */
	p = exec_with_env(t, &r, &ev, ENV, 16, VG_HF_ENV_TRUNC);
	assert_int_equal(p->env_len, strlen("FOO=bar") + 1);
	assert_memory_equal(p->env, "FOO=bar", sizeof("FOO=bar"));
	assert_false(p->env_tried); /* the rest may still be in /proc */
	vg_proc_table_free(t);
}

static void test_no_env_var_leaves_proc_fallback(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	static struct test_record r;
	struct vg_event ev;
	struct vg_proc *p;

	(void)state;
	p = exec_with_env(t, &r, &ev, NULL, 0, 0);
	assert_null(p->env);
	assert_false(p->env_tried);
	/* an empty environment is one, not a missing one */
	p = exec_with_env(t, &r, &ev, "", 0, 0);
	assert_non_null(p->env);
	assert_int_equal(p->env_len, 0);
	assert_true(p->env_tried);
	vg_proc_table_free(t);
}

static void test_fork_inherits_env(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	static struct test_record r, f;
	struct vg_event ev, fev;
	struct vg_fork_body *b;
	struct vg_proc *child;

	(void)state;
	exec_with_env(t, &r, &ev, ENV, sizeof(ENV), 0);
	rec_begin(&f, VG_EV_FORK, 501, 500, sizeof(struct vg_fork_body));
	b = rec_body(&f);
	b->parent_pid = 500;
	b->start_ns = 950;
	assert_int_equal(vg_decode(f.buf, f.len, 0, &fev), VG_DECODE_OK);
	child = vg_proc_apply(t, &fev);
	assert_non_null(child);
	assert_int_equal(child->env_len, sizeof(ENV));
	assert_memory_equal(child->env, ENV, sizeof(ENV));
	assert_true(child->env_tried);
	vg_proc_table_free(t);
}

/* `vigil events` lists the env; replaying that JSON gives the record's bytes back. */
static void test_events_json_round_trip(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	static struct test_record r;
	static struct vg_record_buf back;
	struct vg_event ev, ev2;
	struct vg_proc *p;
	json_object *o, *env, *flags;
	char err[128];

	(void)state;
	p = exec_with_env(t, &r, &ev, ENV, sizeof(ENV) - 4, VG_HF_ENV_TRUNC);
	o = ej_parse(&ev, NULL, t, p);
	assert_true(json_object_object_get_ex(o, "env", &env));
	assert_int_equal(json_object_array_length(env), 3);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(env, 0)), "FOO=bar");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(env, 2)),
			    "PATH=/usr/bin:/");
	assert_true(json_object_object_get_ex(o, "flags", &flags));
	assert_non_null(strstr(json_object_to_json_string(flags), "env_truncated"));
	assert_int_equal(vg_json_to_record(o, &back, err, sizeof(err)), 0);
	assert_int_equal(vg_decode(back.data, back.len, 0, &ev2), VG_DECODE_OK);
	assert_true(ev2.hdr->flags & VG_HF_ENV_TRUNC);
	/* cut where the probe cut it: the partial entry has no NUL, as live */
	assert_int_equal(ev2.var[VG_VAR_ENV].len, sizeof(ENV) - 4);
	assert_memory_equal(ev2.var[VG_VAR_ENV].ptr, ENV, sizeof(ENV) - 4);
	json_object_put(o);
	vg_proc_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_kept_as_carried),
		cmocka_unit_test(test_cut_env_drops_partial_entry),
		cmocka_unit_test(test_no_env_var_leaves_proc_fallback),
		cmocka_unit_test(test_fork_inherits_env),
		cmocka_unit_test(test_events_json_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
