// SPDX-License-Identifier: Apache-2.0
/*
 * The prefilter's trie against the path sets it is built from: for every
 * path and every syscall, the kernel's one longest-prefix lookup (done here
 * through the bpf syscall on a real LPM trie map, with the probe's test)
 * says what the set says. Needs root for the map; exits 77 otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/pf_trie.h"
#include "vigil/prefilter.h"

static void add(struct vg_pathset *s, const char *p, bool prefix)
{
	vg_pathset_add(s, p, strlen(p), prefix);
}

static void add_base(struct vg_pathset *s, const char *p, bool suffix)
{
	vg_pathset_add_base(s, p, strlen(p), suffix);
}

/* path opened as raw (NULL: as itself) */
static void check_raw(int fd, const struct vg_prefilter *pf, const int *bit, const char *path,
		      const char *raw, bool cut)
{
	for (int id = 0; id < VG_SC__MAX; id++) {
		bool has, match;

		if (!vg_prefilter_syscall(id))
			continue;
		has = vg_pathset_has(&pf->paths[id], path, strlen(path), raw ? raw : path);
		if (bit[id] < 0) {
			/* no filter: every path is sent, so the set must be ANY */
			assert_int_equal(pf->paths[id].kind, VG_PATHS_ANY);
			continue;
		}
		match = vg_pf_trie_match(fd, path, strlen(path), raw ? raw : path,
					 pf->paths[id].dotdot, bit[id]);
		/* an entry cut to the trie's key length may let more through, never less */
		if (has != match && !(cut && match))
			fail_msg("syscall %d, %.60s...: set says %d, trie says %d", id, path, has,
				 match);
	}
}

static void check(int fd, const struct vg_prefilter *pf, const int *bit, const char *path, bool cut)
{
	check_raw(fd, pf, bit, path, NULL, cut);
}

static void test_trie_decides_like_the_sets(void **state)
{
	static char longx[320], longer[330], under_etc[400];
	struct vg_prefilter pf;
	int bit[VG_SC__MAX], fd, n;
	const char *const paths[] = {
		"/etc/shadow",
		"/etc/ssh/sshd_config",
		"/etc",
		"/etc/",
		"/etcx",
		"/var/log/syslog",
		"/var/log/syslog2",
		"/var/log",
		"/var/x",
		"/root",
		"/root/x",
		"/tmp/a",
		"/",
		"/e",
		"/srv/auth.log",
		"/srv/xauth.log",
		"/srv/auth.log.1",
		"/sys/fs/cgroup/x/release_agent",
		"/sys/fs/cgroup/x/release_agent2",
		"/tmp/release_agent/x",
		"/syslog",
	};

	(void)state;
	memset(longx, 'a', 300);
	longx[0] = '/';
	snprintf(longer, sizeof(longer), "%sx", longx);
	snprintf(under_etc, sizeof(under_etc), "/etc/%s", longx);
	for (int id = 0; id < VG_SC__MAX; id++) {
		vg_pathset_init(&pf.paths[id], VG_PATHS_ANY);
		vg_pathset_init(&pf.reads[id], VG_PATHS_ANY);
		pf.why[id] = pf.why_read[id] = NULL;
	}
	/* openat and openat2 share one set: one bit */
	for (int i = 0; i < 2; i++) {
		struct vg_pathset *s = &pf.paths[i ? VG_SC_openat2 : VG_SC_openat];

		vg_pathset_init(s, VG_PATHS_NONE);
		add(s, "/etc/", true);
		add(s, "/var/log/syslog", false);
		add(s, "/root", false);
		add(s, longx, false);
		add_base(s, "auth.log", false);
		add_base(s, "release_agent", true);
		vg_pathset_normalize(s);
	}
	/* open's exact /etc/shadow lies under openat's prefix /etc/: one entry, two bits */
	vg_pathset_init(&pf.paths[VG_SC_open], VG_PATHS_NONE);
	add(&pf.paths[VG_SC_open], "/etc/shadow", false);
	add(&pf.paths[VG_SC_open], "/etc/ssh/", true);
	add(&pf.paths[VG_SC_open], "/var/", true);
	add_base(&pf.paths[VG_SC_open], "log", true);
	vg_pathset_add_dotdot(&pf.paths[VG_SC_open]);
	vg_pathset_normalize(&pf.paths[VG_SC_open]);
	vg_pathset_init(&pf.paths[VG_SC_creat], VG_PATHS_NONE); /* no rule: all dropped */

	fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "pf_test", sizeof(struct vg_pf_key),
			    sizeof(struct vg_pf_val), VG_PF_ENTRIES,
			    &(struct bpf_map_create_opts){.sz = sizeof(struct bpf_map_create_opts),
							  .map_flags = BPF_F_NO_PREALLOC});
	assert_true(fd >= 0);
	n = vg_pf_trie_write(fd, &pf, bit, NULL);
	/* /etc/ /etc/shadow /etc/ssh/ /root /var/ /var/log/syslog long; ~auth.log $release_agent
	 * $log */
	assert_int_equal(n, 10);
	assert_int_equal(bit[VG_SC_openat], bit[VG_SC_openat2]);
	assert_true(bit[VG_SC_open] >= 0 && bit[VG_SC_open] != bit[VG_SC_openat]);
	assert_true(bit[VG_SC_creat] >= 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		check(fd, &pf, bit, paths[i], false);
	check(fd, &pf, bit, longx, true);
	check(fd, &pf, bit, longer, true);
	check(fd, &pf, bit, under_etc, false);
	/* open sends a raw path with "..", openat does not */
	check_raw(fd, &pf, bit, "/tmp/a", "/tmp/b/../a", false);
	assert_false(vg_pf_trie_match(fd, "/tmp/a", 6, "/tmp/b/../a", false, bit[VG_SC_openat]));
	assert_true(vg_pf_trie_match(fd, "/tmp/a", 6, "/tmp/b/../a", true, bit[VG_SC_open]));
	assert_true(vg_pf_trie_match(fd, "/a/auth.log", 11, NULL, false, bit[VG_SC_openat]));
	assert_false(vg_pf_trie_match(fd, "/a/auth.txt", 11, NULL, false, bit[VG_SC_openat]));
	assert_true(vg_pf_trie_match(fd, "/a/x.log", 8, NULL, false, bit[VG_SC_open]));
	assert_false(vg_pf_trie_match(fd, "/a/x.log", 8, NULL, false, bit[VG_SC_openat]));
	/* the cut entry still lets its own path through */
	assert_true(vg_pf_trie_match(fd, longx, strlen(longx), NULL, false, bit[VG_SC_openat]));
	/* creat has a bit and no entry: nothing passes */
	assert_false(vg_pf_trie_match(fd, "/etc/shadow", 11, NULL, false, bit[VG_SC_creat]));
	assert_int_equal(vg_pf_trie_clear(fd), 0);
	assert_false(vg_pf_trie_match(fd, "/etc/shadow", 11, NULL, false, bit[VG_SC_openat]));
	close(fd);
	vg_prefilter_free(&pf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trie_decides_like_the_sets),
	};

	if (geteuid() != 0) {
		fprintf(stderr, "prefilter trie test: needs root for a BPF map, skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
