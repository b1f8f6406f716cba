// SPDX-License-Identifier: Apache-2.0
/* The decoder: well-formed records, and every way a record can be malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "decode/decode.h"
#include "records.h"

static void exec_record_fields(void **state)
{
	struct test_record r;
	struct vg_event ev;
	struct vg_exec_body *b;
	static const char argv[] = "ls\0-l\0";

	(void)state;
	rec_begin(&r, VG_EV_EXEC, 42, 1, sizeof(*b));
	b = rec_body(&r);
	b->argv_len = sizeof(argv) - 1;
	rec_str(&r, VG_VAR_FILENAME, "/bin/ls");
	rec_str(&r, VG_VAR_EXE, "/usr/bin/ls");
	rec_var(&r, VG_VAR_ARGV, argv, sizeof(argv) - 1);
	assert_int_equal(vg_decode(r.buf, r.len, 500, &ev), VG_DECODE_OK);
	assert_int_equal(ev.type, VG_EV_EXEC);
	assert_int_equal(ev.hdr->pid, 42);
	assert_int_equal(ev.wall_ns, 1500);
	assert_int_equal(ev.exec->argv_len, 6);
	assert_int_equal(ev.var[VG_VAR_FILENAME].len, 7);
	assert_memory_equal(ev.var[VG_VAR_FILENAME].ptr, "/bin/ls", 7);
	assert_memory_equal(ev.var[VG_VAR_EXE].ptr, "/usr/bin/ls", 11);
	assert_memory_equal(ev.var[VG_VAR_ARGV].ptr, argv, 6);
	assert_null(ev.var[VG_VAR_CWD].ptr);
}

static void unknown_var_ids_are_skipped(void **state)
{
	struct test_record r;
	struct vg_event ev;

	(void)state;
	rec_begin(&r, VG_EV_EXEC, 1, 0, sizeof(struct vg_exec_body));
	rec_str(&r, 999, "from a newer probe");
	rec_str(&r, VG_VAR_CWD, "/tmp");
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_OK);
	assert_memory_equal(ev.var[VG_VAR_CWD].ptr, "/tmp", 4);
}

static void short_header(void **state)
{
	struct test_record r;
	struct vg_event ev;

	(void)state;
	rec_begin(&r, VG_EV_EXIT, 1, 0, sizeof(struct vg_exit_body));
	assert_int_equal(vg_decode(r.buf, sizeof(struct vg_event_hdr) - 1, 0, &ev),
			 VG_DECODE_SHORT);
}

static void short_body(void **state)
{
	struct test_record r;
	struct vg_event ev;
	struct vg_event_hdr *h;

	(void)state;
	h = rec_begin(&r, VG_EV_EXEC, 1, 0, 0); /* no room for the exec body */
	assert_int_equal(h->size, sizeof(*h));
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_SHORT);
}

static void size_larger_than_record(void **state)
{
	struct test_record r;
	struct vg_event ev;
	struct vg_event_hdr *h = rec_begin(&r, VG_EV_EXIT, 1, 0, sizeof(struct vg_exit_body));

	(void)state;
	h->size = r.len + 1;
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_SIZE);
}

static void unknown_type(void **state)
{
	struct test_record r;
	struct vg_event ev;

	(void)state;
	rec_begin(&r, VG_EV__MAX, 1, 0, 0);
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_TYPE);
	rec_begin(&r, VG_EV_NONE, 1, 0, 0);
	assert_int_equal(vg_decode(r.buf, r.len, 0, &ev), VG_DECODE_TYPE);
}

static void var_overruns_record(void **state)
{
	struct test_record r;
	struct vg_event ev;
	struct vg_event_hdr *h;

	(void)state;
	h = rec_begin(&r, VG_EV_EXEC, 1, 0, sizeof(struct vg_exec_body));
	rec_str(&r, VG_VAR_EXE, "/usr/bin/true");
	h->size -= 4; /* cut the field's data short */
	assert_int_equal(vg_decode(r.buf, h->size, 0, &ev), VG_DECODE_VAR);
}

static void every_error_has_a_message(void **state)
{
	(void)state;
	for (int e = VG_DECODE_OK; e <= VG_DECODE_VAR; e++)
		assert_string_not_equal(vg_decode_strerror(e), "unknown decode error");
	assert_string_equal(vg_event_type_name(VG_EV_FORK), "fork");
	assert_string_equal(vg_event_type_name(VG_EV__MAX), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exec_record_fields),
		cmocka_unit_test(unknown_var_ids_are_skipped),
		cmocka_unit_test(short_header),
		cmocka_unit_test(short_body),
		cmocka_unit_test(size_larger_than_record),
		cmocka_unit_test(unknown_type),
		cmocka_unit_test(var_overruns_record),
		cmocka_unit_test(every_error_has_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
