// SPDX-License-Identifier: Apache-2.0
/* A verifier rejection shows the tail of the verifier log, not all of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <bpf/libbpf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/libbpf_log.h"

static libbpf_print_fn_t capture;

static void say(enum libbpf_print_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	capture(level, fmt, ap);
	va_end(ap);
}

/* Runs vg_libbpf_log_print_tail with stderr sent to a buffer. */
static char *print_tail(int lines)
{
	static char out[65536];
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	vg_libbpf_log_print_tail(lines);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return out;
}

static int setup(void **state)
{
	(void)state;
	vg_libbpf_log_init(false);
	capture = libbpf_set_print(NULL); /* what vigil installed */
	libbpf_set_print(capture);
	return capture ? 0 : -1;
}

static void verifier_tail_ends_at_the_log_end(void **state)
{
	char *out;

	(void)state;
	vg_libbpf_log_reset();
	say(LIBBPF_WARN, "libbpf: prog 'handle_exec': BPF program load failed\n");
	say(LIBBPF_WARN, "libbpf: -- BEGIN PROG LOAD LOG --\n");
	for (int i = 0; i < 500; i++)
		say(LIBBPF_WARN, "%d: (bf) r1 = r%d\n", i, i % 10);
	say(LIBBPF_WARN, "R2 min value is negative, either use unsigned or 'var &= const'\n");
	say(LIBBPF_WARN, "processed 3577 insns (limit 1000000)\n");
	say(LIBBPF_WARN, "-- END PROG LOAD LOG --\n");
	say(LIBBPF_WARN, "libbpf: failed to load object 'process_bpf'\n");
	assert_true(vg_libbpf_log_contains("BEGIN PROG LOAD LOG"));
	out = print_tail(3);
	assert_non_null(strstr(out, "R2 min value is negative"));
	assert_non_null(strstr(out, "processed 3577 insns"));
	assert_null(strstr(out, "0: (bf) r1 = r0"));	   /* not the whole log */
	assert_null(strstr(out, "failed to load object")); /* stops at the log's end */
}

static void debug_messages_are_not_kept(void **state)
{
	(void)state;
	vg_libbpf_log_reset();
	say(LIBBPF_DEBUG, "libbpf: CO-RE relocating [0] struct task_struct\n");
	assert_false(vg_libbpf_log_contains("CO-RE relocating"));
	say(LIBBPF_WARN, "libbpf: map 'events': failed to create: Cannot allocate memory(-12)\n");
	assert_true(vg_libbpf_log_contains("map 'events': failed to create"));
}

static void a_huge_log_keeps_its_newest_part(void **state)
{
	(void)state;
	vg_libbpf_log_reset();
	for (int i = 0; i < 100000; i++)
		say(LIBBPF_WARN, "line %d of a very long verifier log\n", i);
	assert_true(vg_libbpf_log_contains("line 99999 of"));
	assert_false(vg_libbpf_log_contains("line 0 of"));
	assert_non_null(strstr(print_tail(1), "line 99999"));
}

static void *other_thread_fails(void *arg)
{
	long seen;

	(void)arg;
	vg_libbpf_log_reset();
	say(LIBBPF_WARN, "libbpf: prog 'tp_file': failed in the loader thread\n");
	seen = vg_libbpf_log_contains("loader thread");
	/* as the loader thread does before it ends: its log is its own to free */
	vg_libbpf_log_thread_done();
	return (void *)seen;
}

/*
 * The probes load in a thread beside the main thread's loads (cmd_run.c):
 * each thread explains its own failure, and a reset in one does not wipe
 * the other's messages.
 */
static void each_thread_keeps_its_own_log(void **state)
{
	pthread_t t;
	void *seen = NULL;

	(void)state;
	vg_libbpf_log_reset();
	say(LIBBPF_WARN, "libbpf: map 'x': failed in the main thread\n");
	assert_int_equal(pthread_create(&t, NULL, other_thread_fails, NULL), 0);
	pthread_join(t, &seen);
	assert_true(seen != NULL);
	assert_true(vg_libbpf_log_contains("main thread"));
	assert_false(vg_libbpf_log_contains("loader thread"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verifier_tail_ends_at_the_log_end),
		cmocka_unit_test(debug_messages_are_not_kept),
		cmocka_unit_test(a_huge_log_keeps_its_newest_part),
		cmocka_unit_test(each_thread_keeps_its_own_log),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
