// SPDX-License-Identifier: Apache-2.0
/*
 * The decoder's view is read-only after decoding: what the state stage
 * derives (absolute paths, the event's fd) reaches the sink in struct
 * vg_event_state, and the struct vg_event the sink gets is exactly what
 * vg_decode made of the record. (Before issue 19 the fd state wrote its
 * results into the event itself.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "decode/decode.h"
#include "engine/pipeline.h"
#include "records.h"
#include "state/fd_table.h"
#include "state/proc_table.h"
#include "vigil/syscalls.h"

#define AT_FDCWD_ (-100)

struct seen {
	const struct test_record *rec;
	int calls;
};

static void check_sink(void *ctx, const struct vg_event *ev, const struct vg_event_state *st,
		       struct vg_proc *p)
{
	struct seen *s = ctx;
	struct vg_event fresh;

	(void)p;
	if (ev->type != VG_EV_SYSCALL)
		return; /* the exec that makes the process known */
	s->calls++;
	assert_int_equal(vg_decode(s->rec->buf, s->rec->len, 0, &fresh), VG_DECODE_OK);
	/* the state stage ran, and left the view as the decoder made it */
	assert_memory_equal(ev, &fresh, sizeof(fresh));
	assert_non_null(st);
	assert_non_null(st->path_abs);
	assert_string_equal(st->path_abs, "/etc/view-test");
	assert_true(st->path_resolved);
	assert_non_null(st->fd);
	assert_int_equal(st->fd->num, 7);
	assert_string_equal(st->fd->name, "/etc/view-test");
}

/* An exec of pid 700 with cwd /, so that the state stage knows the process. */
static void known_process(struct vg_pipeline *pl)
{
	struct test_record r;

	rec_begin(&r, VG_EV_EXEC, 700, 1, sizeof(struct vg_exec_body));
	rec_str(&r, VG_VAR_FILENAME, "/usr/bin/viewtest");
	rec_str(&r, VG_VAR_EXE, "/usr/bin/viewtest");
	rec_str(&r, VG_VAR_CWD, "/");
	rec_var(&r, VG_VAR_ARGV, "viewtest", 9);
	assert_int_equal(vg_pipeline_handle(pl, r.buf, r.len), 0);
}

static void derived_values_reach_the_sink_beside_an_unchanged_view(void **state)
{
	struct test_record r;
	struct vg_event_hdr *h =
		rec_begin(&r, VG_EV_SYSCALL, 700, 1, sizeof(struct vg_syscall_body));
	struct vg_syscall_body *b = rec_body(&r);
	struct seen s = {.rec = &r};
	struct vg_pipeline pl;

	(void)state;
	memset(&pl, 0, sizeof(pl));
	pl.procs = vg_proc_table_new(64, NULL);
	assert_non_null(pl.procs);
	pl.sink = check_sink;
	pl.sink_ctx = &s;
	known_process(&pl);
	h->retval = 7;
	b->id = VG_SC_openat;
	b->family = VG_FAM_FILE;
	b->args[0] = (__u64)(int64_t)AT_FDCWD_;
	rec_str(&r, VG_VAR_PATH, "/etc/view-test");
	assert_int_equal(vg_pipeline_handle(&pl, r.buf, r.len), 0);
	assert_int_equal(s.calls, 1);
	assert_int_equal(pl.decoded, 2);
	vg_proc_table_free(pl.procs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(derived_values_reach_the_sink_beside_an_unchanged_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
