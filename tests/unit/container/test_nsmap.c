// SPDX-License-Identifier: Apache-2.0
/*
 * The mount namespace map: put/get/del, its bound, and deletion by backward
 * shift checked against a plain array under many random operations (with
 * namespace numbers that collide in the table).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <errno.h>

#include "container/nsmap.h"

static void test_put_get_del(void **state)
{
	struct vg_nsmap m;
	uint64_t key = 0;

	(void)state;
	vg_nsmap_init(&m, 8);
	assert_false(vg_nsmap_get(&m, 4026532001u, &key));
	assert_int_equal(vg_nsmap_del(&m, 4026532001u), 0);
	assert_int_equal(vg_nsmap_put(&m, 0, 1), -EINVAL);
	assert_int_equal(vg_nsmap_put(&m, 4026532001u, 11), 0);
	assert_int_equal(vg_nsmap_put(&m, 4026532002u, 12), 0);
	assert_true(vg_nsmap_get(&m, 4026532001u, &key));
	assert_int_equal(key, 11);
	/* a namespace taken over (its inode reused by a newer container) */
	assert_int_equal(vg_nsmap_put(&m, 4026532001u, 21), 0);
	assert_true(vg_nsmap_get(&m, 4026532001u, &key));
	assert_int_equal(key, 21);
	assert_int_equal(m.n, 2);
	assert_int_equal(vg_nsmap_del(&m, 4026532001u), 1);
	assert_false(vg_nsmap_get(&m, 4026532001u, &key));
	assert_true(vg_nsmap_get(&m, 4026532002u, &key));
	assert_int_equal(key, 12);
	assert_true(vg_nsmap_memory(&m) > 0);
	vg_nsmap_free(&m);
	assert_int_equal(vg_nsmap_memory(&m), 0);
}

static void test_bound(void **state)
{
	struct vg_nsmap m;
	uint64_t key;

	(void)state;
	vg_nsmap_init(&m, 3);
	for (uint32_t i = 1; i <= 3; i++)
		assert_int_equal(vg_nsmap_put(&m, 1000 + i, i), 0);
	assert_int_equal(vg_nsmap_put(&m, 2000, 9), -ENOSPC);
	/* replacing is not growing */
	assert_int_equal(vg_nsmap_put(&m, 1002, 7), 0);
	assert_true(vg_nsmap_get(&m, 1002, &key));
	assert_int_equal(key, 7);
	assert_int_equal(vg_nsmap_del(&m, 1001), 1);
	assert_int_equal(vg_nsmap_put(&m, 2000, 9), 0);
	vg_nsmap_free(&m);
}

static bool odd_key(uint64_t key, uint32_t ns, void *arg)
{
	(void)ns;
	(*(int *)arg)++;
	return key & 1;
}

static void test_prune(void **state)
{
	struct vg_nsmap m;
	uint64_t key;
	int calls = 0;

	(void)state;
	vg_nsmap_init(&m, 1000);
	for (uint32_t i = 1; i <= 500; i++)
		assert_int_equal(vg_nsmap_put(&m, i * 64, i), 0);
	assert_int_equal(vg_nsmap_prune(&m, odd_key, &calls), 250);
	assert_true(calls >= 500);
	for (uint32_t i = 1; i <= 500; i++)
		assert_int_equal(vg_nsmap_get(&m, i * 64, &key), !(i & 1));
	vg_nsmap_free(&m);
}

/* Random puts and deletes against a reference array; namespaces from a small range collide. */
static void test_random_against_reference(void **state)
{
	enum { RANGE = 300, OPS = 200000 };
	static uint64_t ref[RANGE];
	struct vg_nsmap m;
	size_t live = 0;

	(void)state;
	srand(12345);
	vg_nsmap_init(&m, RANGE);
	for (int op = 0; op < OPS; op++) {
		uint32_t i = (uint32_t)rand() % RANGE, ns = 4026531840u + i * 1024;
		uint64_t key = 0;

		if (rand() % 3) {
			uint64_t v = (uint64_t)rand() + 1;

			assert_int_equal(vg_nsmap_put(&m, ns, v), 0);
			live += ref[i] == 0;
			ref[i] = v;
		} else {
			assert_int_equal(vg_nsmap_del(&m, ns), ref[i] != 0);
			live -= ref[i] != 0;
			ref[i] = 0;
		}
		if (op % 997 == 0) {
			for (uint32_t k = 0; k < RANGE; k++) {
				bool found = vg_nsmap_get(&m, 4026531840u + k * 1024, &key);

				assert_int_equal(found, ref[k] != 0);
				if (found)
					assert_int_equal(key, ref[k]);
			}
			assert_int_equal(m.n, live);
		}
	}
	vg_nsmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get_del),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_random_against_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
