// SPDX-License-Identifier: Apache-2.0
/*
 * The nats output's on-disk spool (delivery/spool.c), on a temporary
 * directory: order across close and reopen, the byte bound (oldest out
 * first, every record forced out counted), the age bound, a torn record
 * at the end (vigil killed mid-write) cut off and counted, and a record
 * bigger than the whole bound refused and counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "delivery/spool.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vg-spool-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct vg_spool *open_spool(uint64_t max_bytes, uint64_t max_age_ns)
{
	char err[256] = "";
	struct vg_spool *s = vg_spool_open(dir, max_bytes, max_age_ns, err, sizeof(err));

	if (!s)
		fail_msg("vg_spool_open: %s", err);
	return s;
}

/* Record i: subject s.i, id id-i, data "alert i" padded to pad bytes. */
static void append(struct vg_spool *s, int i, size_t pad, uint64_t wall)
{
	char subj[32], id[32], *data = malloc(pad + 32);
	int n;

	assert_non_null(data);
	snprintf(subj, sizeof(subj), "s.%d", i);
	snprintf(id, sizeof(id), "id-%d", i);
	n = snprintf(data, pad + 32, "alert %d", i);
	memset(data + n, 'x', pad);
	assert_int_equal(vg_spool_append(s, wall, subj, id, data, (size_t)n + pad), 0);
	free(data);
}

/* Takes the next record; asserts it is record i. */
static void expect_next(struct vg_spool *s, int i)
{
	struct vg_spool_rec r;
	char want[32];

	assert_int_equal(vg_spool_peek(s, &r), 1);
	snprintf(want, sizeof(want), "id-%d", i);
	assert_string_equal(r.msg_id, want);
	snprintf(want, sizeof(want), "s.%d", i);
	assert_string_equal(r.subject, want);
	snprintf(want, sizeof(want), "alert %d", i);
	assert_true(r.data_len >= strlen(want) && !memcmp(r.data, want, strlen(want)));
	assert_int_equal(vg_spool_consume(s), 0);
}

static uint64_t depth(struct vg_spool *s)
{
	struct vg_spool_counts c;

	vg_spool_counts(s, &c);
	return c.depth;
}

static void order_survives_reopen(void **state)
{
	struct vg_spool *s = open_spool(1 << 20, 0);
	struct vg_spool_rec r;

	(void)state;
	for (int i = 0; i < 100; i++)
		append(s, i, 100, now_ns());
	for (int i = 0; i < 40; i++)
		expect_next(s, i);
	vg_spool_close(s);
	s = open_spool(1 << 20, 0);
	assert_int_equal(depth(s), 60);
	for (int i = 40; i < 100; i++)
		expect_next(s, i);
	assert_int_equal(vg_spool_peek(s, &r), 0);
	assert_int_equal(depth(s), 0);
	vg_spool_close(s);
}

static void byte_bound_drops_oldest_counted(void **state)
{
	const uint64_t max = 64 << 10;
	struct vg_spool *s = open_spool(max, 0);
	struct vg_spool_counts c;
	struct vg_spool_rec r;
	int first;

	(void)state;
	for (int i = 0; i < 300; i++)
		append(s, i, 1000, now_ns());
	vg_spool_counts(s, &c);
	assert_true(c.bytes <= max);
	assert_true(c.dropped_bytes > 0);
	/* nothing vanishes uncounted */
	assert_int_equal(c.depth + c.dropped_bytes, 300);
	/* the survivors are the newest, in order */
	assert_int_equal(vg_spool_peek(s, &r), 1);
	first = atoi(r.msg_id + 3);
	assert_int_equal(first, (int)c.dropped_bytes);
	for (int i = first; i < 300; i++)
		expect_next(s, i);
	vg_spool_close(s);
}

static void age_bound_skips_old_counted(void **state)
{
	struct vg_spool *s = open_spool(1 << 20, 3600ull * 1000000000ull);
	struct vg_spool_counts c;

	(void)state;
	for (int i = 0; i < 5; i++)
		append(s, i, 10, now_ns() - 7200ull * 1000000000ull);
	for (int i = 5; i < 10; i++)
		append(s, i, 10, now_ns());
	for (int i = 5; i < 10; i++)
		expect_next(s, i);
	vg_spool_counts(s, &c);
	assert_int_equal(c.dropped_age, 5);
	assert_int_equal(c.consumed, 5);
	vg_spool_close(s);
}

/* The newest segment file of dir. */
static void last_segment(char *out, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char best[256] = "";

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".seg") && strcmp(e->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", e->d_name);
	closedir(d);
	assert_true(best[0]);
	snprintf(out, cap, "%s/%s", dir, best);
}

static void torn_tail_cut_and_counted(void **state)
{
	struct vg_spool *s = open_spool(1 << 20, 0);
	struct vg_spool_counts c;
	struct vg_spool_rec r;
	char path[384];
	int fd;

	(void)state;
	for (int i = 0; i < 10; i++)
		append(s, i, 50, now_ns());
	vg_spool_close(s);
	/* half a record: what a kill in the middle of a write leaves */
	last_segment(path, sizeof(path));
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "PSGV\x40\x00\x00\x00garbage", 15), 15);
	close(fd);
	s = open_spool(1 << 20, 0);
	vg_spool_counts(s, &c);
	assert_int_equal(c.depth, 10);
	assert_int_equal(c.dropped_corrupt, 1);
	append(s, 10, 50, now_ns());
	for (int i = 0; i <= 10; i++)
		expect_next(s, i);
	assert_int_equal(vg_spool_peek(s, &r), 0);
	vg_spool_close(s);
}

static void oversize_refused_counted(void **state)
{
	struct vg_spool *s = open_spool(4096, 0);
	struct vg_spool_counts c;

	(void)state;
	append(s, 0, 8192, now_ns());
	vg_spool_counts(s, &c);
	assert_int_equal(c.depth, 0);
	assert_int_equal(c.dropped_bytes, 1);
	vg_spool_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(order_survives_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(byte_bound_drops_oldest_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(age_bound_skips_old_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(torn_tail_cut_and_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(oversize_refused_counted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
