// SPDX-License-Identifier: Apache-2.0
/* /proc readers and cgroup2 discovery, against the real /proc and hand-made files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/cgroup.h"
#include "state/proc_table.h"
#include "state/procfs.h"

static char tmpdir[] = "/tmp/vigil-test-procfs-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void seed_finds_this_process_with_ancestry(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(65536, "/proc");
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct vg_proc *self;

	(void)state;
	assert_true(n > 0);
	exe[n] = '\0';
	assert_true(vg_procfs_seed(t, "/proc") > 1);
	self = vg_proc_get(t, getpid());
	assert_non_null(self);
	assert_string_equal(self->exe, exe);
	assert_int_equal(self->ppid, getppid());
	assert_int_equal(self->uid, getuid());
	assert_true(self->start_ns > 0);
	assert_true(self->args_len > 0);
	assert_non_null(strstr(self->args, "test_procfs"));
	assert_non_null(vg_proc_parent(t, self));
	assert_int_equal(vg_proc_parent(t, self)->pid, getppid());
	vg_proc_table_free(t);
}

static void seed_cgroup_id_is_the_cgroup2_inode(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(65536, "/proc");
	char mnt[PATH_MAX], line[PATH_MAX], dir[2 * PATH_MAX];
	struct stat st;
	FILE *f;

	(void)state;
	if (vg_cgroup2_mount("/proc/self/mountinfo", mnt, sizeof(mnt)) != 0) {
		vg_proc_table_free(t);
		skip();
	}
	f = fopen("/proc/self/cgroup", "r");
	assert_non_null(f);
	dir[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(dir, sizeof(dir), "%s%s", mnt, line + 3);
		}
	fclose(f);
	assert_int_equal(stat(dir, &st), 0);
	vg_procfs_seed(t, "/proc");
	assert_int_equal(vg_proc_get(t, getpid())->cgroup_id, st.st_ino);
	vg_proc_table_free(t);
}

static void stat_with_parens_and_spaces_in_comm(void **state)
{
	char path[256];
	struct vg_proc p = {0};

	(void)state;
	snprintf(path, sizeof(path), "%s/4242", tmpdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/4242/stat", tmpdir);
	write_file(path, "4242 (evil) (name x) S 17 4242 4242 34817 -1 4194560 0 0 0 0 0 0 0 0 20 "
			 "0 1 0 12345 0 0\n");
	snprintf(path, sizeof(path), "%s/4242/status", tmpdir);
	write_file(path, "Name:\tx\nUid:\t1000\t1001\t1000\t1000\nGid:\t50\t51\t50\t50\n"
			 "NSpid:\t4242\t7\n");
	assert_int_equal(vg_procfs_read_proc(tmpdir, 4242, &p), 0);
	assert_string_equal(p.comm, "evil) (name x");
	assert_int_equal(p.ppid, 17);
	assert_int_equal(p.tty, 34817);
	assert_int_equal(p.start_ns, vg_procfs_ticks_to_ns(12345));
	assert_int_equal(p.uid, 1000);
	assert_int_equal(p.euid, 1001);
	assert_int_equal(p.gid, 50);
	assert_int_equal(p.egid, 51);
	assert_int_equal(p.vpid, 7);
	assert_int_equal(p.loginuid, UINT32_MAX); /* no loginuid file */
	free(p.exe);
	free(p.cwd);
	free(p.args);
}

static void missing_process_is_an_error(void **state)
{
	struct vg_proc p = {0};

	(void)state;
	assert_int_not_equal(vg_procfs_read_proc(tmpdir, 999999, &p), 0);
}

static void tty_nr_matches_proc_encoding(void **state)
{
	(void)state;
	assert_int_equal(vg_tty_nr(0, 0), 0);
	assert_int_equal(vg_tty_nr(136, 3), (136 << 8) | 3); /* /dev/pts/3 */
	assert_int_equal(vg_tty_nr(136, 300), (136 << 8) | 44 | (256 << 12));
	assert_int_equal(vg_tty_nr(4, 1), 1025); /* /dev/tty1 */
}

static void cgroup2_mount_hybrid_and_pure(void **state)
{
	char path[256], out[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/mountinfo", tmpdir);
	write_file(path,
		   "25 30 0:23 / /sys rw,nosuid - sysfs sysfs rw\n"
		   "30 25 0:26 / /sys/fs/cgroup/memory rw shared:9 - cgroup cgroup rw,memory\n"
		   "31 25 0:27 / /sys/fs/cgroup/unified rw shared:10 master:2 - cgroup2 "
		   "cgroup2 rw\n");
	assert_int_equal(vg_cgroup2_mount(path, out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup/unified");
	write_file(path, "35 24 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n");
	assert_int_equal(vg_cgroup2_mount(path, out, sizeof(out)), 0);
	assert_string_equal(out, "/sys/fs/cgroup");
	write_file(path, "25 30 0:23 / /sys rw - sysfs sysfs rw\ngarbage line\n\n");
	assert_int_not_equal(vg_cgroup2_mount(path, out, sizeof(out)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_finds_this_process_with_ancestry),
		cmocka_unit_test(seed_cgroup_id_is_the_cgroup2_inode),
		cmocka_unit_test(stat_with_parens_and_spaces_in_comm),
		cmocka_unit_test(missing_process_is_an_error),
		cmocka_unit_test(tty_nr_matches_proc_encoding),
		cmocka_unit_test(cgroup2_mount_hybrid_and_pure),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
