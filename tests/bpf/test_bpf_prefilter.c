// SPDX-License-Identifier: Apache-2.0
/*
 * The path prefilter's kernel decision (probes/prefilter.bpf.h), run with
 * BPF_PROG_TEST_RUN: the trie is filled by the engine's builder
 * (engine/kernel/pf_trie.c) from hand-made path sets, and each test gives
 * a path as the probe sees it, walked (a successful open) or raw (a
 * failed one), and checks whether the probe would send the open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "bpftest.h"
#include "vigil/syscalls.h" /* struct vg_sc_conf, a global of the skeleton */
#include "bpftest_prefilter.skel.h"
#include "kernel/pf_trie.h"
#include "kernel/prefilter_load.h"
#include "vigil/event.h"
#include "vigil/prefilter.h"

static struct bpftest_prefilter_bpf *skel;
static struct vg_prefilter pf;
static int bit[VG_SC__MAX];

/* Every syscall without a filter (ANY), except openat and open: no path yet. */
static int setup(void **state)
{
	(void)state;
	for (int id = 0; id < VG_SC__MAX; id++) {
		vg_pathset_init(&pf.paths[id], VG_PATHS_ANY);
		vg_pathset_init(&pf.reads[id], VG_PATHS_ANY);
		pf.why[id] = pf.why_read[id] = NULL;
	}
	vg_pathset_init(&pf.paths[VG_SC_openat], VG_PATHS_NONE);
	vg_pathset_init(&pf.paths[VG_SC_open], VG_PATHS_NONE);
	pf.closes_watched = false;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vg_prefilter_free(&pf);
	return vg_pf_trie_clear(bpf_map__fd(skel->maps.path_filter));
}

static void exact(enum vg_syscall id, const char *p)
{
	vg_pathset_add(&pf.paths[id], p, strlen(p), false);
}

static void prefix(enum vg_syscall id, const char *p)
{
	vg_pathset_add(&pf.paths[id], p, strlen(p), true);
}

static void base(enum vg_syscall id, const char *name, bool suffix)
{
	vg_pathset_add_base(&pf.paths[id], name, strlen(name), suffix);
}

/* Writes the sets into the probe's trie, as vg_prefilter_fill does. */
static void fill(void)
{
	vg_pathset_normalize(&pf.paths[VG_SC_openat]);
	vg_pathset_normalize(&pf.paths[VG_SC_open]);
	assert_true(vg_pf_trie_write(bpf_map__fd(skel->maps.path_filter), &pf, bit, NULL) >= 0);
	assert_true(bit[VG_SC_openat] >= 0 && bit[VG_SC_open] >= 0);
}

/* Whether the probe sends a successful open of path under id's bit. */
static bool walked(enum vg_syscall id, const char *path)
{
	size_t len = strlen(path);

	assert_true(len > 0 && len <= VG_PATH_MAX);
	memcpy(&skel->bss->walked[VG_PATH_MAX - len], path, len);
	skel->bss->walked_start = (unsigned)(VG_PATH_MAX - len);
	skel->bss->bit = (unsigned)bit[id];
	return bpftest_run(skel->progs.walked_wanted) == 1;
}

/* Whether the probe sends a failed open of raw under id's bit (dotdot: the row's pf_dotdot). */
static bool raw(enum vg_syscall id, const char *path, bool dotdot)
{
	assert_true(strlen(path) < sizeof(skel->bss->raw));
	snprintf(skel->bss->raw, sizeof(skel->bss->raw), "%s", path);
	skel->bss->bit = (unsigned)bit[id];
	skel->bss->dotdot = dotdot;
	return bpftest_run(skel->progs.raw_wanted) == 1;
}

/*
 * The write-only side: sets for every open (paths) and for opens that do
 * not write (reads) written by the engine's writer, the row's bytes by the
 * engine's vg_prefilter_row, and an open decided as the probe decides it.
 */
static struct vg_sc_conf row(enum vg_syscall id, const char *all, const char *reads)
{
	struct vg_sc_conf c = {.id = (__u16)id};
	int rbit[VG_SC__MAX];

	for (int k = 0; k < 2; k++) {
		struct vg_pathset *s = k ? &pf.reads[id] : &pf.paths[id];
		const char *t = k ? reads : all;

		vg_pathset_init(s, strcmp(t, "ANY") == 0 ? VG_PATHS_ANY : VG_PATHS_NONE);
		/* "^p" a prefix, "=p" an exact path, blank-separated */
		for (const char *p = t; *p == '^' || *p == '=';) {
			size_t n = strcspn(p + 1, " ");

			vg_pathset_add(s, p + 1, n, *p == '^');
			p += 1 + n + (p[1 + n] == ' ');
		}
		vg_pathset_normalize(s);
	}
	assert_true(vg_pf_trie_write(bpf_map__fd(skel->maps.path_filter), &pf, bit, rbit) >= 0);
	vg_prefilter_row(&c, id, bit[id], rbit[id], &pf);
	return c;
}

/* 1: the probe sends a successful open of path with flags, 0: drops it, 2: sends it unlooked. */
static int opened(const struct vg_sc_conf *c, const char *path, unsigned long long flags)
{
	size_t len = strlen(path);

	memcpy(&skel->bss->walked[VG_PATH_MAX - len], path, len);
	skel->bss->walked_start = (unsigned)(VG_PATH_MAX - len);
	skel->bss->conf = *c;
	skel->bss->oflags = flags;
	return bpftest_run(skel->progs.opened_wanted);
}

static void test_read_open_of_a_write_only_path_is_dropped(void **state)
{
	struct vg_sc_conf c;

	(void)state;
	/* the rules reaching /tmp/ all need a write open (open_write) */
	c = row(VG_SC_openat, "^/tmp/", "");
	assert_true(c.prefilter && c.pf_read && c.pf_read != c.prefilter);
	assert_int_equal(opened(&c, "/tmp/x", O_RDONLY), 0);
	assert_int_equal(opened(&c, "/tmp/x", O_RDONLY | O_CREAT | O_TRUNC), 0);
	/* O_ACCMODE 3 is neither read nor write to evt.is_open_write */
	assert_int_equal(opened(&c, "/tmp/x", 3), 0);
}

static void test_write_open_of_a_write_only_path_is_sent(void **state)
{
	struct vg_sc_conf c;

	(void)state;
	c = row(VG_SC_openat, "^/tmp/", "");
	assert_int_equal(opened(&c, "/tmp/x", O_WRONLY | O_CREAT | O_TRUNC), 1);
	assert_int_equal(opened(&c, "/tmp/x", O_RDWR), 1);
	assert_int_equal(opened(&c, "/etc/x", O_WRONLY), 0);
}

static void test_mixed_entry_passes_reads_and_writes(void **state)
{
	struct vg_sc_conf c;

	(void)state;
	/* /tmp/run.sh: a read rule and a write rule; the rest of /tmp/: write rules only */
	c = row(VG_SC_openat, "^/tmp/ =/etc/shadow", "=/tmp/run.sh =/etc/shadow");
	assert_int_equal(opened(&c, "/tmp/run.sh", O_RDONLY), 1);
	assert_int_equal(opened(&c, "/tmp/run.sh", O_WRONLY), 1);
	assert_int_equal(opened(&c, "/etc/shadow", O_RDONLY), 1);
	assert_int_equal(opened(&c, "/etc/shadow", O_RDWR), 1);
	assert_int_equal(opened(&c, "/tmp/other", O_RDONLY), 0);
	assert_int_equal(opened(&c, "/tmp/other", O_WRONLY), 1);
}

static void test_same_sets_share_one_bit(void **state)
{
	struct vg_sc_conf c;

	(void)state;
	/* no write-only rule: one set, read opens use the row's prefilter bit */
	c = row(VG_SC_openat, "^/etc/", "^/etc/");
	assert_true(c.prefilter && !c.pf_read);
	assert_int_equal(opened(&c, "/etc/x", O_RDONLY), 1);
	assert_int_equal(opened(&c, "/tmp/x", O_WRONLY), 0);
}

static void test_write_of_any_path_leaves_reads_filtered(void **state)
{
	struct vg_sc_conf c;

	(void)state;
	/* a rule on every write open: writes are sent unlooked, reads still filtered */
	c = row(VG_SC_openat, "ANY", "=/etc/shadow");
	assert_true(!c.prefilter && c.pf_read);
	assert_int_equal(opened(&c, "/anything", O_WRONLY), 2);
	assert_int_equal(opened(&c, "/etc/shadow", O_RDONLY), 1);
	assert_int_equal(opened(&c, "/tmp/x", O_RDONLY), 0);
}

static void test_creat_always_writes(void **state)
{
	struct vg_sc_conf c;

	(void)state;
	c = row(VG_SC_creat, "^/tmp/", "");
	assert_true(c.pf_oflags >= 6);
	/* creat has no flags argument: whatever is in that register, it writes */
	assert_int_equal(opened(&c, "/tmp/x", O_RDONLY), 1);
}

/* A path of len bytes: dir, then components of 9 letters. */
static const char *long_path(const char *dir, size_t len)
{
	static char p[VG_PATH_MAX + 1];
	size_t n = strlen(dir);

	memcpy(p, dir, n);
	for (size_t i = n; i < len; i++)
		p[i] = (i - n) % 10 == 9 ? '/' : 'a';
	p[len - 1] = 'z'; /* never ends with "/" */
	p[len] = '\0';
	return p;
}

static void test_exact_path_is_sent(void **state)
{
	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	fill();
	assert_true(walked(VG_SC_openat, "/etc/shadow"));
}

static void test_exact_path_is_no_prefix(void **state)
{
	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	fill();
	assert_false(walked(VG_SC_openat, "/etc/shadow.bak"));
	assert_false(walked(VG_SC_openat, "/etc/shado"));
}

static void test_path_under_a_prefix_is_sent(void **state)
{
	(void)state;
	prefix(VG_SC_openat, "/etc/");
	fill();
	assert_true(walked(VG_SC_openat, "/etc/ssh/sshd_config"));
	assert_false(walked(VG_SC_openat, "/etcx"));
}

static void test_path_outside_every_entry_is_dropped(void **state)
{
	(void)state;
	prefix(VG_SC_openat, "/etc/");
	exact(VG_SC_openat, "/root/.ssh/authorized_keys");
	fill();
	assert_false(walked(VG_SC_openat, "/tmp/x"));
	assert_false(walked(VG_SC_openat, "/root/.ssh/known_hosts"));
}

static void test_longest_prefix_answers_for_the_shorter_ones(void **state)
{
	(void)state;
	prefix(VG_SC_openat, "/etc/");
	prefix(VG_SC_open, "/etc/ssh/");
	fill();
	/* the match is /etc/ssh/, open's entry, which carries openat's /etc/ too */
	assert_true(walked(VG_SC_openat, "/etc/ssh/sshd_config"));
	assert_true(walked(VG_SC_open, "/etc/ssh/sshd_config"));
	assert_true(walked(VG_SC_openat, "/etc/passwd"));
	assert_false(walked(VG_SC_open, "/etc/passwd"));
}

static void test_base_name_entries_match_the_last_component(void **state)
{
	(void)state;
	base(VG_SC_openat, "auth.log", false);
	base(VG_SC_openat, "release_agent", true);
	fill();
	assert_true(walked(VG_SC_openat, "/var/log/auth.log"));
	assert_false(walked(VG_SC_openat, "/var/log/xauth.log"));
	assert_false(walked(VG_SC_openat, "/auth.log/x"));
	/* "ends with": a suffix entry */
	assert_true(walked(VG_SC_openat, "/sys/fs/cgroup/x/notify_on_release_agent"));
	assert_false(walked(VG_SC_openat, "/sys/fs/cgroup/x/release_agent2"));
}

static void test_exact_path_of_the_key_length_is_sent(void **state)
{
	char p[VG_PF_KEY_MAX + 2];

	(void)state;
	/* the longest exact entry the trie holds whole: VG_PF_KEY_MAX - 1 bytes */
	snprintf(p, sizeof(p), "%s", long_path("/k/", VG_PF_KEY_MAX - 1));
	exact(VG_SC_openat, p);
	fill();
	assert_true(walked(VG_SC_openat, p));
	strcat(p, "x");
	assert_false(walked(VG_SC_openat, p));
}

static void test_path_longer_than_the_key_is_decided_by_its_start(void **state)
{
	(void)state;
	prefix(VG_SC_openat, "/deep/");
	fill();
	assert_true(walked(VG_SC_openat, long_path("/deep/", VG_PATH_MAX)));
	assert_false(walked(VG_SC_openat, long_path("/other/", VG_PATH_MAX)));
}

static void test_base_name_longer_than_the_key_is_sent(void **state)
{
	char p[VG_PF_KEY_MAX + 16] = "/tmp/";

	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	fill();
	/* the reversed name does not fit a key: the probe cannot rule it out */
	memset(p + 5, 'n', VG_PF_KEY_MAX + 4);
	assert_true(walked(VG_SC_openat, p));
}

static void test_empty_trie_drops_every_open(void **state)
{
	(void)state;
	fill(); /* openat has a bit and no entry: no rule wants any path */
	assert_false(walked(VG_SC_openat, "/etc/shadow"));
	assert_false(walked(VG_SC_openat, "/"));
	assert_false(raw(VG_SC_openat, "/etc/shadow", false));
}

static void test_failed_open_of_a_clean_path_is_decided_by_the_trie(void **state)
{
	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	base(VG_SC_openat, "id_rsa", false);
	fill();
	assert_true(raw(VG_SC_openat, "/etc/shadow", false));
	assert_true(raw(VG_SC_openat, "/home/u/.ssh/id_rsa", false));
	assert_false(raw(VG_SC_openat, "/etc/passwd", false));
}

static void test_failed_open_not_in_absolute_form_is_sent(void **state)
{
	const char *const unclean[] = {
		"/tmp/x/", "/tmp//x", "/tmp/./x", "/tmp/../x", "/tmp/..", "/tmp/.", "tmp/x", "",
	};

	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	fill();
	/* user space makes these absolute and clean before comparing: the kernel cannot */
	for (size_t i = 0; i < sizeof(unclean) / sizeof(unclean[0]); i++)
		if (!raw(VG_SC_openat, unclean[i], false))
			fail_msg("'%s' was dropped", unclean[i]);
	/* dots inside a name are no component */
	assert_false(raw(VG_SC_openat, "/tmp/a..b", false));
	assert_false(raw(VG_SC_openat, "/tmp/.x", false));
}

static void test_failed_open_with_dotdot_is_sent_when_the_row_asks(void **state)
{
	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	fill();
	assert_true(raw(VG_SC_openat, "/tmp/a..b", true));
	assert_false(raw(VG_SC_openat, "/tmp/ab", true));
}

/* ".." is searched eight bytes at a time: pairs across a word's edge, at the end. */
static void test_dotdot_across_word_edges_and_at_the_end_is_found(void **state)
{
	/* indexes of the dots: 7 and 8; 15 and 16, the last word one byte long */
	static const char *const pairs[] = {
		"/tmp/ab..c", "/tmp/abcdefghij..", "/..",
		"/tmp/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ..Z"};
	static const char *const singles[] = {"/tmp/ab.c.d", "/tmp/abcdef.g", "/tmp/abcdefghij.",
					      "/tmp/.a.b.c.d.e.f.g.h.i"};

	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	fill();
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (!raw(VG_SC_openat, pairs[i], true))
			fail_msg("'%s' was dropped", pairs[i]);
	for (size_t i = 0; i < sizeof(singles) / sizeof(singles[0]); i++)
		if (raw(VG_SC_openat, singles[i], true))
			fail_msg("'%s' was sent: no \"..\" in it", singles[i]);
}

/* The key scratch keeps a longer path's bytes past a shorter one's end: not read. */
static void test_dotdot_past_the_path_end_is_not_read(void **state)
{
	cpu_set_t one, old;

	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	fill();
	/* the scratch is per CPU: both runs on this one */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	assert_int_equal(sched_getaffinity(0, sizeof(old), &old), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	assert_true(raw(VG_SC_openat, "/tmp/abcdefghijklmnop..x", true)); /* dots at 21, 22 */
	assert_false(raw(VG_SC_openat, "/tmp/abcdefghijklmn", true));	  /* 19 bytes */
	assert_int_equal(sched_setaffinity(0, sizeof(old), &old), 0);
}

static void test_failed_open_too_long_for_the_key_is_sent(void **state)
{
	char p[VG_PF_KEY_MAX];

	(void)state;
	exact(VG_SC_openat, "/etc/shadow");
	fill();
	/* with its NUL it fills the key: it may have been cut, so it is sent */
	snprintf(p, sizeof(p), "%s", long_path("/tmp/", VG_PF_KEY_MAX - 1));
	assert_true(raw(VG_SC_openat, p, false));
	/* one byte shorter is whole and decided */
	p[VG_PF_KEY_MAX - 2] = '\0';
	assert_false(raw(VG_SC_openat, p, false));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_exact_path_is_sent),
		T(test_exact_path_is_no_prefix),
		T(test_path_under_a_prefix_is_sent),
		T(test_path_outside_every_entry_is_dropped),
		T(test_longest_prefix_answers_for_the_shorter_ones),
		T(test_base_name_entries_match_the_last_component),
		T(test_exact_path_of_the_key_length_is_sent),
		T(test_path_longer_than_the_key_is_decided_by_its_start),
		T(test_base_name_longer_than_the_key_is_sent),
		T(test_empty_trie_drops_every_open),
		T(test_failed_open_of_a_clean_path_is_decided_by_the_trie),
		T(test_failed_open_not_in_absolute_form_is_sent),
		T(test_failed_open_with_dotdot_is_sent_when_the_row_asks),
		T(test_dotdot_across_word_edges_and_at_the_end_is_found),
		T(test_dotdot_past_the_path_end_is_not_read),
		T(test_failed_open_too_long_for_the_key_is_sent),
		T(test_read_open_of_a_write_only_path_is_dropped),
		T(test_write_open_of_a_write_only_path_is_sent),
		T(test_mixed_entry_passes_reads_and_writes),
		T(test_same_sets_share_one_bit),
		T(test_write_of_any_path_leaves_reads_filtered),
		T(test_creat_always_writes),
	};
	int failed;

	bpftest_need_root("bpf_prefilter");
	skel = bpftest_prefilter_bpf__open();
	bpftest_loaded("bpf_prefilter", skel ? 0 : -errno);
	bpftest_small_ringbuf(skel->maps.events);
	bpftest_loaded("bpf_prefilter", bpftest_prefilter_bpf__load(skel));
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	bpftest_prefilter_bpf__destroy(skel);
	return failed;
}
