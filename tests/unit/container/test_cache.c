// SPDX-License-Identifier: Apache-2.0
/* The bounded cache: lookups, LRU eviction, removal, memory accounting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "container/cache.h"
#include "container/container_internal.h"

static struct vg_container *mk(const char *id)
{
	struct vg_container *c = vg_ct_new();

	assert_non_null(c);
	assert_int_equal(vg_ct_set_id(c, id), 0);
	assert_int_equal(vg_ct_set(&c->name, id), 0);
	assert_int_equal(vg_ct_kv_put(&c->labels, &c->n_labels, "k", "v"), 0);
	assert_int_equal(vg_ct_finish(c), 0);
	return c;
}

static void test_get_put_replace(void **state)
{
	struct vg_cache *c = vg_cache_new(8);
	struct vg_cache_entry *e;
	struct vg_container *a = mk("aaaa"), *b = mk("bbbb");
	size_t m0, m1;

	(void)state;
	assert_non_null(c);
	m0 = vg_cache_memory(c);
	assert_null(vg_cache_get(c, 7));
	e = vg_cache_put(c, 7, a);
	assert_non_null(e);
	assert_ptr_equal(vg_cache_get(c, 7)->c, a);
	m1 = vg_cache_memory(c);
	assert_true(m1 >= m0 + a->memory_bytes);
	/* the same key again replaces (and frees) the value */
	assert_non_null(vg_cache_put(c, 7, b));
	assert_ptr_equal(vg_cache_get(c, 7)->c, b);
	assert_int_equal(vg_cache_count(c), 1);
	/* putting the value already there must not free it */
	assert_non_null(vg_cache_put(c, 7, b));
	assert_string_equal(vg_cache_get(c, 7)->c->name, "bbbb");
	/* the shared host container is never freed nor counted */
	assert_non_null(vg_cache_put(c, 8, (struct vg_container *)vg_container_host()));
	assert_int_equal(vg_cache_count(c), 2);
	assert_int_equal(vg_cache_del(c, 8), 1);
	assert_int_equal(vg_cache_del(c, 8), 0);
	assert_int_equal(vg_cache_del(c, 7), 1);
	assert_int_equal(vg_cache_count(c), 0);
	assert_int_equal(vg_cache_memory(c), m0);
	vg_cache_free(c);
}

static void test_bound_lru(void **state)
{
	struct vg_cache *c = vg_cache_new(3);
	char id[16];

	(void)state;
	for (uint64_t k = 1; k <= 3; k++) {
		snprintf(id, sizeof(id), "c%llu", (unsigned long long)k);
		assert_non_null(vg_cache_put(c, k, mk(id)));
	}
	/* 1 becomes the most recent; 2 is now the least recent and goes first */
	assert_non_null(vg_cache_get(c, 1));
	assert_non_null(vg_cache_put(c, 4, mk("c4")));
	assert_int_equal(vg_cache_count(c), 3);
	assert_int_equal(vg_cache_evictions(c), 1);
	assert_null(vg_cache_get(c, 2));
	assert_non_null(vg_cache_get(c, 1));
	assert_non_null(vg_cache_get(c, 3));
	assert_non_null(vg_cache_get(c, 4));
	/* many more: the count never passes the bound */
	for (uint64_t k = 100; k < 1100; k++) {
		snprintf(id, sizeof(id), "c%llu", (unsigned long long)k);
		assert_non_null(vg_cache_put(c, k, mk(id)));
		assert_true(vg_cache_count(c) <= 3);
	}
	assert_int_equal(vg_cache_evictions(c), 1001);
	assert_non_null(vg_cache_get(c, 1099));
	vg_cache_free(c);
}

static int odd(struct vg_cache_entry *e, void *arg)
{
	(*(int *)arg)++;
	return e->key & 1;
}

static void test_remove_if(void **state)
{
	struct vg_cache *c = vg_cache_new(64);
	int calls = 0;

	(void)state;
	for (uint64_t k = 1; k <= 10; k++)
		assert_non_null(vg_cache_put(c, k, mk("x")));
	assert_int_equal(vg_cache_remove_if(c, odd, &calls), 5);
	assert_int_equal(calls, 10);
	assert_int_equal(vg_cache_count(c), 5);
	for (uint64_t k = 1; k <= 10; k++)
		assert_true((vg_cache_get(c, k) != NULL) == !(k & 1));
	vg_cache_free(c);
}

static void test_memory_per_entry(void **state)
{
	struct vg_container *c =
		mk("0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef");

	(void)state;
	/* the struct itself, the id, the name, one label: all counted */
	assert_true(c->memory_bytes >= sizeof(*c) + 65 + 65 + 4);
	vg_ct_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_put_replace),
		cmocka_unit_test(test_bound_lru),
		cmocka_unit_test(test_remove_if),
		cmocka_unit_test(test_memory_per_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
