// SPDX-License-Identifier: Apache-2.0
/*
 * The path walk's step (probes/vigil.bpf.h), run in the kernel with
 * BPF_PROG_TEST_RUN on names given leaf first, as the dentry walk meets
 * them: the name it assembles, where it cuts, and the flags it sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpftest.h"
#include "bpftest_path.skel.h"
#include "vigil/event.h"

static struct bpftest_path_bpf *skel;

/* Gives the walk these names, leaf first; the root comes after them. */
static void names(const char *const *v, unsigned n, bool detached)
{
	for (unsigned i = 0; i < n; i++) {
		snprintf(skel->bss->names[i], sizeof(skel->bss->names[i]), "%s", v[i]);
		skel->bss->lens[i] = (unsigned)strlen(v[i]);
	}
	skel->bss->n = n;
	skel->bss->detached = detached;
}

/* n copies of one name. */
static void same_names(char c, unsigned len, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		memset(skel->bss->names[i], c, len);
		skel->bss->lens[i] = len;
	}
	skel->bss->n = n;
	skel->bss->detached = 0;
}

/* Runs the walk; returns the name it built (NUL-terminated copy). */
static const char *walk(void)
{
	static char name[VG_PATH_MAX + 1];
	unsigned start;

	assert_int_equal(bpftest_run(skel->progs.walk), 0);
	start = skel->bss->start;
	assert_true(start < VG_PATH_MAX);
	memcpy(name, &skel->bss->out[start], VG_PATH_MAX - start);
	name[VG_PATH_MAX - start] = '\0';
	return name;
}

static void test_components_are_joined_root_first(void **state)
{
	const char *const v[] = {"sshd_config", "ssh", "etc"};

	(void)state;
	names(v, 3, false);
	assert_string_equal(walk(), "/etc/ssh/sshd_config");
	assert_int_equal(skel->bss->flags, 0);
}

static void test_root_is_a_slash(void **state)
{
	(void)state;
	names(NULL, 0, false);
	assert_string_equal(walk(), "/");
	assert_int_equal(skel->bss->flags, 0);
}

static void test_name_filling_the_buffer_exactly_is_whole(void **state)
{
	const char *name;

	(void)state;
	/* 16 names of 255 bytes, each with its "/": 4096 bytes, the whole buffer */
	same_names('a', 255, 16);
	name = walk();
	assert_int_equal(strlen(name), VG_PATH_MAX);
	assert_int_equal(skel->bss->flags, 0);
}

static void test_name_past_the_buffer_is_cut_and_flagged(void **state)
{
	const char *name;

	(void)state;
	same_names('b', 255, 20);
	skel->bss->names[0][0] = 'L'; /* the leaf: a cut keeps the innermost names */
	name = walk();
	assert_int_equal(strlen(name), VG_PATH_MAX);
	assert_true(skel->bss->flags & VG_HF_PATH_TRUNC);
	assert_int_equal(name[VG_PATH_MAX - 255], 'L');
	assert_int_equal(name[0], '/');
}

static void test_name_without_room_for_its_slash_is_cut(void **state)
{
	const char *name;

	(void)state;
	/* 15 names of 254 and one of 15 leave 255 bytes: a name of 255 fits, its "/" does not */
	same_names('c', 254, 17);
	skel->bss->lens[15] = 15;
	skel->bss->lens[16] = 255;
	name = walk();
	assert_int_equal(strlen(name), VG_PATH_MAX - 255);
	assert_int_equal(name[0], '/');
	assert_true(skel->bss->flags & VG_HF_PATH_TRUNC);
}

static void test_deep_path_within_the_depth_is_whole(void **state)
{
	const char *name;

	(void)state;
	/* every name is a step, and so is finding the root: 62 names and the root fit */
	same_names('d', 1, VG_PATH_DEPTH - 2);
	name = walk();
	assert_int_equal(strlen(name), 2 * (VG_PATH_DEPTH - 2));
	assert_int_equal(skel->bss->flags, 0);
}

static void test_path_deeper_than_the_depth_is_cut_and_flagged(void **state)
{
	const char *name;

	(void)state;
	same_names('d', 1, VG_PATH_DEPTH + 6);
	name = walk();
	/* the innermost VG_PATH_DEPTH names, each "/d" */
	assert_int_equal(strlen(name), 2 * VG_PATH_DEPTH);
	assert_true(skel->bss->flags & VG_HF_PATH_TRUNC);
}

static void test_detached_dentry_keeps_its_name_without_slash(void **state)
{
	const char *const v[] = {"memfd:payload (deleted)"};

	(void)state;
	names(v, 1, true);
	assert_string_equal(walk(), "memfd:payload (deleted)");
	assert_int_equal(skel->bss->flags, VG_HF_PATH_UNREACH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_components_are_joined_root_first),
		cmocka_unit_test(test_root_is_a_slash),
		cmocka_unit_test(test_name_filling_the_buffer_exactly_is_whole),
		cmocka_unit_test(test_name_past_the_buffer_is_cut_and_flagged),
		cmocka_unit_test(test_name_without_room_for_its_slash_is_cut),
		cmocka_unit_test(test_deep_path_within_the_depth_is_whole),
		cmocka_unit_test(test_path_deeper_than_the_depth_is_cut_and_flagged),
		cmocka_unit_test(test_detached_dentry_keeps_its_name_without_slash),
	};
	int failed;

	bpftest_need_root("bpf_path");
	skel = bpftest_path_bpf__open();
	bpftest_loaded("bpf_path", skel ? 0 : -errno);
	bpftest_small_ringbuf(skel->maps.events);
	bpftest_loaded("bpf_path", bpftest_path_bpf__load(skel));
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	bpftest_path_bpf__destroy(skel);
	return failed;
}
