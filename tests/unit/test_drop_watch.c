// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's syscall_event_drops over made-up kernel counters: the threshold,
 * the token bucket (rate, max_burst), the counts by kind in the log line
 * (with what the bucket kept quiet), ignore, exit and simulate_drops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/drop_watch.h"

#define S 1000000000ull

struct fixture {
	struct vg_kcounters k[VG_EV__MAX];
	char *log;
	size_t loglen;
	FILE *f;
	struct vg_drop_watch *dw;
	uint64_t now;
};

static struct vg_drops_config falco_defaults(void)
{
	return (struct vg_drops_config){
		.threshold = 0.1,
		.actions = VG_DROP_LOG | VG_DROP_ALERT,
		.rate = 0.03333,
		.max_burst = 1,
	};
}

static void start(struct fixture *fx, struct vg_drops_config cfg)
{
	memset(fx, 0, sizeof(*fx));
	fx->f = open_memstream(&fx->log, &fx->loglen);
	assert_non_null(fx->f);
	fx->dw = vg_drop_watch_new(&cfg, fx->f);
	assert_non_null(fx->dw);
	fx->now = 5 * S;
	assert_false(vg_drop_watch_tick(fx->dw, fx->k, fx->now, 0, NULL, "h")); /* baseline */
}

/* One second on: the kernel sent `sent` syscall events and dropped `drops` (exec: exec_drops). */
static bool second(struct fixture *fx, uint64_t sent, uint64_t drops, uint64_t exec_drops)
{
	bool exit;

	fx->k[VG_EV_SYSCALL].sent += sent;
	fx->k[VG_EV_SYSCALL].dropped += drops;
	fx->k[VG_EV_EXEC].dropped += exec_drops;
	fx->now += S + 1;
	assert_true(vg_drop_watch_due(fx->dw, fx->now));
	exit = vg_drop_watch_tick(fx->dw, fx->k, fx->now, 0, NULL, "h");
	fflush(fx->f);
	return exit;
}

static int lines(const struct fixture *fx)
{
	int n = 0;

	for (const char *p = fx->log; p && *p; p++)
		n += *p == '\n';
	return n;
}

static void finish(struct fixture *fx)
{
	vg_drop_watch_free(fx->dw);
	fclose(fx->f);
	free(fx->log);
}

static void threshold_bucket_and_counts_by_kind(void **state)
{
	struct vg_drop_watch_stats st;
	struct fixture fx;

	(void)state;
	start(&fx, falco_defaults());
	/* not yet a second: the counters are not even looked at */
	assert_false(vg_drop_watch_due(fx.dw, fx.now + S / 2));
	second(&fx, 1000, 50, 0); /* 50 of 1050: under 0.1 */
	assert_int_equal(lines(&fx), 0);
	second(&fx, 1000, 900, 100); /* 1000 of 2000: 50% */
	assert_int_equal(lines(&fx), 1);
	assert_non_null(strstr(fx.log, "dropped 1000 of 2000 events in the last second (50.0%"));
	assert_non_null(strstr(fx.log, "exec=100 fork=0 exit=0 syscall=900 creds=0"));
	/* the 50 under the threshold are in the total since the last report */
	assert_non_null(strstr(fx.log, "1050 since the last report"));
	/* the next seconds drop too: the bucket (one per 30 s) keeps quiet */
	for (int i = 0; i < 28; i++)
		second(&fx, 1000, 1000, 0);
	assert_int_equal(lines(&fx), 1);
	vg_drop_watch_stats(fx.dw, &st);
	assert_int_equal(st.detected, 29);
	assert_int_equal(st.actions, 1);
	/* .03333 per second: just over 30 s after the first action, a token again */
	second(&fx, 1000, 1000, 0);
	second(&fx, 1000, 1000, 0);
	assert_int_equal(lines(&fx), 1);
	second(&fx, 1000, 1000, 0);
	assert_int_equal(lines(&fx), 2);
	assert_non_null(strstr(fx.log, "31000 since the last report"));
	finish(&fx);
}

static void no_drops_no_action_and_threshold_zero(void **state)
{
	struct vg_drops_config c = falco_defaults();
	struct fixture fx;

	(void)state;
	c.threshold = 0;
	start(&fx, c);
	second(&fx, 100000, 0, 0);
	assert_int_equal(lines(&fx), 0);
	second(&fx, 100000, 1, 0); /* any drop, with threshold 0 */
	assert_int_equal(lines(&fx), 1);
	finish(&fx);
}

static void ignore_exit_and_simulate(void **state)
{
	struct vg_drops_config c = falco_defaults();
	struct vg_drop_watch_stats st;
	struct fixture fx;

	(void)state;
	c.actions = 0; /* [ignore] */
	start(&fx, c);
	assert_false(second(&fx, 10, 1000, 0));
	vg_drop_watch_stats(fx.dw, &st);
	assert_int_equal(st.detected, 1);
	assert_int_equal(st.actions, 0);
	assert_int_equal(lines(&fx), 0);
	finish(&fx);

	c.actions = VG_DROP_EXIT;
	start(&fx, c);
	assert_false(second(&fx, 1000, 1, 0)); /* under the threshold */
	assert_true(second(&fx, 10, 1000, 0));
	assert_non_null(strstr(fx.log, "exiting"));
	finish(&fx);

	c = falco_defaults();
	c.simulate = true;
	start(&fx, c);
	second(&fx, 100000, 0, 0); /* no drop, yet one is simulated, threshold 0 */
	assert_int_equal(lines(&fx), 1);
	assert_non_null(strstr(fx.log, "syscall=1 "));
	finish(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threshold_bucket_and_counts_by_kind),
		cmocka_unit_test(no_drops_no_action_and_threshold_zero),
		cmocka_unit_test(ignore_exit_and_simulate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
