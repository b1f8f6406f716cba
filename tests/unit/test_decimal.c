// SPDX-License-Identifier: Apache-2.0
/*
 * vg_put_dec writes what printf's %llu does: at every power of ten and
 * either side of it, at the ends of the range, and at pseudo-random values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decimal.h"

static void check(uint64_t v)
{
	char want[32], got[VG_DEC_MAX + 1];
	size_t n = vg_put_dec(got, v);

	snprintf(want, sizeof(want), "%" PRIu64, v);
	got[n] = '\0';
	if (strcmp(want, got) != 0)
		fail_msg("%" PRIu64 ": wrote \"%s\"", v, got);
}

static void test_powers_of_ten_and_neighbours(void **state)
{
	uint64_t p = 1;

	(void)state;
	check(0);
	check(UINT64_MAX);
	check(UINT64_MAX - 1);
	for (int i = 0; i < 20; i++, p *= 10) {
		check(p - 1);
		check(p);
		check(p + 1);
		check(p * 2 - 1);
	}
}

static void test_pseudo_random_values(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check(x >> (i % 64));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_powers_of_ten_and_neighbours),
		cmocka_unit_test(test_pseudo_random_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
