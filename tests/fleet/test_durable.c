// SPDX-License-Identifier: Apache-2.0
/*
 * delivery/durable.c with a scripted receiver (no server; also in the
 * sanitizer tree): without a spool a failed batch is retried with the ids
 * it had, later batches get new ones; with a spool, alerts go straight
 * while the receiver answers, behind the spool when it fails, drain in
 * order with their first ids when it is back, and survive a reopen (a
 * restart) with their ids and routes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delivery/durable.h"

#define MAXGOT 64

/* The receiver: up or down, and what it took, in order. */
static struct {
	bool up;
	size_t n;
	char ids[MAXGOT][VG_DURABLE_ID_MAX];
	char routes[MAXGOT][64];
	char data[MAXGOT][32];
} rx;

static bool t_ready(struct vg_output *o)
{
	(void)o;
	return rx.up;
}

static int t_deliver(struct vg_output *o, const struct vg_durable_item *it)
{
	if (!rx.up || rx.n == MAXGOT) {
		vg_output_error(o, "receiver down");
		return -1;
	}
	snprintf(rx.ids[rx.n], sizeof(rx.ids[0]), "%s", it->id);
	snprintf(rx.routes[rx.n], sizeof(rx.routes[0]), "%s", it->route);
	snprintf(rx.data[rx.n], sizeof(rx.data[0]), "%.*s", (int)it->len, it->data);
	rx.n++;
	return 0;
}

static void t_describe(struct vg_output *o, const struct vg_msg *m, uint64_t seq, char *route,
		       char *id)
{
	(void)o;
	snprintf(route, VG_DURABLE_ROUTE_MAX, "r.%s", m->rule);
	snprintf(id, VG_DURABLE_ID_MAX, "id-%llu", (unsigned long long)seq);
}

static void t_failed(struct vg_output *o)
{
	(void)o;
}

static const struct vg_durable_ops ops = {t_ready, t_deliver, t_describe, t_failed};

/* A message as the framework makes them: json NUL text NUL rule NUL. */
static struct vg_msg *msg(const char *json)
{
	size_t len = strlen(json);
	struct vg_msg *m = calloc(1, sizeof(*m) + 2 * len + 8);

	assert_non_null(m);
	memcpy(m->data, json, len + 1);
	m->json = m->data;
	m->json_len = len;
	m->text = m->json;
	m->text_len = len;
	m->rule = "rule1";
	m->wall_ns = 1;
	return m;
}

static struct vg_output out;
static char dir[64];

static int setup(void **state)
{
	(void)state;
	memset(&rx, 0, sizeof(rx));
	memset(&out, 0, sizeof(out));
	pthread_mutex_init(&out.lock, NULL);
	snprintf(dir, sizeof(dir), "/tmp/vg-durable-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	pthread_mutex_destroy(&out.lock);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void retry_keeps_ids(void **state)
{
	struct vg_durable d;
	struct vg_msg *m[4] = {msg("a"), msg("b"), msg("c"), msg("d")};

	(void)state;
	assert_int_equal(vg_durable_init(&d, &ops, "test", "key", NULL, 0, 0), 0);
	rx.up = false;
	assert_int_equal(vg_durable_send(&d, &out, m, 2), 0);
	assert_string_equal(out.last_error, "");	      /* not ready: nothing tried */
	assert_int_equal(vg_durable_send(&d, &out, m, 2), 0); /* the retry */
	rx.up = true;
	assert_int_equal(vg_durable_send(&d, &out, m, 2), 2);
	assert_int_equal(vg_durable_send(&d, &out, m + 2, 2), 2);
	assert_int_equal(rx.n, 4);
	/* the failed batch kept ids 0 and 1 through its retries; the next got 2, 3 */
	assert_string_equal(rx.ids[0], "id-0");
	assert_string_equal(rx.ids[1], "id-1");
	assert_string_equal(rx.ids[2], "id-2");
	assert_string_equal(rx.ids[3], "id-3");
	vg_durable_fini(&d);
	for (int i = 0; i < 4; i++)
		free(m[i]);
}

static void spool_order_and_restart(void **state)
{
	struct vg_durable d;
	struct vg_output_stats st = {0};
	struct vg_msg *m[6] = {msg("m0"), msg("m1"), msg("m2"), msg("m3"), msg("m4"), msg("m5")};

	(void)state;
	assert_int_equal(vg_durable_init(&d, &ops, "test", "key", dir, 0, 0), 0);
	rx.up = true;
	assert_int_equal(vg_durable_send(&d, &out, m, 1), 1); /* straight */
	rx.up = false;
	assert_int_equal(vg_durable_send(&d, &out, m + 1, 2), 2); /* spooled: taken */
	rx.up = true;
	/* behind the spool even though the receiver is back: order */
	assert_int_equal(vg_durable_send(&d, &out, m + 3, 1), 1);
	vg_durable_stats(&d, &st);
	assert_true(st.has_spool);
	assert_int_equal(st.spooled, 3);
	assert_int_equal(rx.n, 4); /* m0 straight, then m1..m3 drained in that send */
	rx.up = false;
	assert_int_equal(vg_durable_send(&d, &out, m + 4, 2), 2);
	vg_durable_fini(&d); /* vigil stops with m4, m5 spooled */

	assert_int_equal(vg_durable_init(&d, &ops, "test", "key", dir, 0, 0), 0);
	vg_durable_stats(&d, &st);
	assert_int_equal(st.spool_depth, 2);
	rx.up = true;
	assert_int_equal(vg_durable_idle(&d, &out), 0); /* drained: nothing left */
	assert_int_equal(rx.n, 6);
	for (size_t i = 0; i < 6; i++) {
		char want[8];

		snprintf(want, sizeof(want), "m%zu", i);
		assert_string_equal(rx.data[i], want);
		snprintf(want, sizeof(want), "id-%zu", i);
		assert_string_equal(rx.ids[i], want); /* the first run's ids, after the restart */
		assert_string_equal(rx.routes[i], "r.rule1");
	}
	vg_durable_stats(&d, &st);
	assert_int_equal(st.spool_depth, 0);
	vg_durable_fini(&d);
	for (int i = 0; i < 6; i++)
		free(m[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(retry_keeps_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(spool_order_and_restart, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
