// SPDX-License-Identifier: Apache-2.0
/*
 * The one time formatter (engine/util/time_format.c): every form the alert,
 * `vigil events` and the evt.time* fields write, the per-second cache, and
 * the zero clock. Local forms run under a fixed POSIX TZ (no tzdata needed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/time_format.h"

#define T0 (1700000000ull * 1000000000ull + 123) /* 2023-11-14T22:13:20Z + 123 ns */

static void expect(struct vg_time_clock *c, uint64_t ns, enum vg_time_form f, const char *want)
{
	char out[VG_TIME_MAX];
	size_t n = vg_time_format(c, ns, f, out);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static int india(void **state)
{
	(void)state;
	setenv("TZ", "IST-5:30", 1); /* UTC+05:30: the local date is the next day */
	tzset();
	return 0;
}

static void every_form(void **state)
{
	struct vg_time_clock c;

	(void)state;
	vg_time_clock_init(&c);
	expect(&c, T0, VG_TIME_UTC, "2023-11-14T22:13:20.000000123Z");
	expect(&c, T0, VG_TIME_ISO8601, "2023-11-14T22:13:20.000000123+0000");
	expect(&c, T0, VG_TIME_LOCAL, "03:43:20.000000123");
	expect(&c, T0, VG_TIME_LOCAL_S, "03:43:20");
	expect(&c, T0, VG_TIME_DATETIME, "2023-11-15 03:43:20.000000123");
	expect(&c, T0, VG_TIME_DATETIME_S, "2023-11-15 03:43:20");
	expect(NULL, T0, VG_TIME_DATETIME, "2023-11-15 03:43:20.000000123");
}

/* A cached second is reused only for that second: the next one, or an earlier one, is new. */
static void cache_follows_the_second(void **state)
{
	struct vg_time_clock c;

	(void)state;
	vg_time_clock_init(&c);
	expect(&c, T0, VG_TIME_UTC, "2023-11-14T22:13:20.000000123Z");
	expect(&c, T0 + 999999876, VG_TIME_UTC, "2023-11-14T22:13:20.999999999Z");
	expect(&c, T0 + 999999877, VG_TIME_UTC, "2023-11-14T22:13:21.000000000Z");
	expect(&c, T0 + 999999877, VG_TIME_DATETIME_S, "2023-11-15 03:43:21");
	expect(&c, 5, VG_TIME_UTC, "1970-01-01T00:00:00.000000005Z");
	expect(&c, 5, VG_TIME_LOCAL, "05:30:00.000000005");
	expect(&c, T0, VG_TIME_LOCAL_S, "03:43:20");
}

/* A zeroed clock is a valid empty one: second 0 is formatted, not taken as cached. */
static void zero_clock_formats_the_epoch(void **state)
{
	struct vg_time_clock c;

	(void)state;
	memset(&c, 0, sizeof(c));
	expect(&c, 0, VG_TIME_UTC, "1970-01-01T00:00:00.000000000Z");
	expect(&c, 0, VG_TIME_DATETIME, "1970-01-01 05:30:00.000000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(every_form, india),
		cmocka_unit_test_setup(cache_follows_the_second, india),
		cmocka_unit_test_setup(zero_clock_formats_the_epoch, india),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
