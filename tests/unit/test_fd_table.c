// SPDX-License-Identifier: Apache-2.0
/* The per-process fd table through open, dup, close, fork (clone) and exec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <unistd.h>

#include "kernel/syscall_table.h"
#include "state/fd_state.h"
#include "state/fd_table.h"
#include "state/proc_table.h"

static struct vg_fd *open_file(struct vg_fd_table *t, int num, const char *name, bool cloexec)
{
	struct vg_fd *e = vg_fd_put(t, num);

	assert_non_null(e);
	e->type = VG_FDT_FILE;
	e->name = strdup(name);
	e->cloexec = cloexec;
	return e;
}

static void put_get_close(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new();

	(void)state;
	open_file(t, 3, "/etc/passwd", false);
	assert_string_equal(vg_fd_get(t, 3)->name, "/etc/passwd");
	assert_null(vg_fd_get(t, 4));
	assert_null(vg_fd_get(t, -1));
	vg_fd_close(t, 3);
	assert_null(vg_fd_get(t, 3));
	assert_int_equal(vg_fd_count(t), 0);
	vg_fd_close(t, 3); /* closing twice is harmless */
	vg_fd_table_free(t);
}

static void reopen_replaces(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new();

	(void)state;
	open_file(t, 5, "/a", false);
	open_file(t, 5, "/b", false);
	assert_string_equal(vg_fd_get(t, 5)->name, "/b");
	assert_int_equal(vg_fd_count(t), 1);
	vg_fd_table_free(t);
}

static void dup_copies_and_clears_cloexec(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new();
	struct vg_fd *d;

	(void)state;
	open_file(t, 3, "/var/log/auth.log", true);
	d = vg_fd_dup(t, 3, 10, false);
	assert_non_null(d);
	assert_string_equal(d->name, "/var/log/auth.log");
	assert_false(d->cloexec);
	assert_true(vg_fd_get(t, 3)->cloexec);
	vg_fd_close(t, 3);
	assert_string_equal(vg_fd_get(t, 10)->name, "/var/log/auth.log"); /* independent copy */
	assert_null(vg_fd_dup(t, 99, 11, false));			  /* unknown oldfd */
	vg_fd_table_free(t);
}

static void exec_drops_cloexec_only(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new();

	(void)state;
	open_file(t, 0, "/dev/pts/0", false);
	open_file(t, 4, "/secret", true);
	open_file(t, 5, "/kept", false);
	vg_fd_table_exec(t);
	assert_null(vg_fd_get(t, 4));
	assert_non_null(vg_fd_get(t, 0));
	assert_non_null(vg_fd_get(t, 5));
	vg_fd_table_free(t);
}

static void fork_clone_is_independent(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new(), *c;

	(void)state;
	for (int i = 0; i < 40; i++)
		open_file(t, i, "/x", false);
	for (int i = 0; i < 40; i += 2)
		vg_fd_close(t, i); /* leave tombstones in the probe chains */
	c = vg_fd_table_clone(t);
	assert_non_null(c);
	for (int i = 1; i < 40; i += 2)
		assert_non_null(vg_fd_get(c, i));
	assert_null(vg_fd_get(c, 2));
	vg_fd_close(c, 1);
	assert_non_null(vg_fd_get(t, 1));
	assert_int_equal(vg_fd_count(c), 19);
	assert_int_equal(vg_fd_count(t), 20);
	vg_fd_table_free(c);
	vg_fd_table_free(t);
}

/*
 * Every tracked process has a table, and a burst of short-lived ones holds
 * thousands: a new one, and a child's copy, are sized to their fds (3 fit in
 * 8 slots at load 1/2), not 16 slots, nor the capacity the parent once grew to.
 */
static void tables_sized_to_their_fds(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new(), *c;

	(void)state;
	assert_true(vg_fd_table_bytes(t) <= 4 * sizeof(struct vg_fd));
	for (int i = 0; i < 3; i++)
		open_file(t, i, "/dev/pts/0", false);
	assert_true(vg_fd_table_bytes(t) <= 8 * sizeof(struct vg_fd));
	for (int i = 3; i < 200; i++)
		open_file(t, i, "/x", false);
	for (int i = 3; i < 200; i++)
		vg_fd_close(t, i);
	assert_true(vg_fd_table_bytes(t) >= 256 * sizeof(struct vg_fd));
	c = vg_fd_table_clone(t);
	assert_non_null(c);
	assert_true(vg_fd_table_bytes(c) <= 8 * sizeof(struct vg_fd));
	for (int i = 0; i < 3; i++)
		assert_string_equal(vg_fd_get(c, i)->name, "/dev/pts/0");
	assert_null(vg_fd_get(c, 3));
	/* and it grows as the child opens more */
	for (int i = 3; i < 100; i++)
		open_file(c, i, "/y", false);
	assert_int_equal(vg_fd_count(c), 100);
	assert_string_equal(vg_fd_get(c, 99)->name, "/y");
	assert_string_equal(vg_fd_get(c, 1)->name, "/dev/pts/0");
	vg_fd_table_free(c);
	vg_fd_table_free(t);
}

static void churn_does_not_degrade(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new();

	(void)state;
	/* open/close a million times over a few fds: tombstones must be recycled */
	for (int i = 0; i < 1000000; i++) {
		open_file(t, 3 + i % 7, "/tmp/churn", false);
		vg_fd_close(t, 3 + (i + 3) % 7);
	}
	assert_true(vg_fd_count(t) <= 7);
	open_file(t, 100, "/end", false);
	assert_string_equal(vg_fd_get(t, 100)->name, "/end");
	vg_fd_table_free(t);
}

static void bounded_per_process(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new();

	(void)state;
	for (int i = 0; i < VG_FD_MAX_PER_PROC; i++)
		assert_non_null(vg_fd_put(t, i));
	assert_null(vg_fd_put(t, VG_FD_MAX_PER_PROC));
	assert_int_equal(vg_fd_refused(t), 1);
	assert_non_null(vg_fd_put(t, 7)); /* replacing an existing one still works */
	vg_fd_table_free(t);
}

static void socket_tuple_text(void **state)
{
	struct vg_fd_table *t = vg_fd_table_new();
	struct vg_sock s = {.family = AF_INET, .type = SOCK_STREAM, .sport = 40000, .dport = 443};
	struct vg_fd *e = vg_fd_put(t, 3);

	(void)state;
	inet_pton(AF_INET, "10.0.0.1", s.saddr);
	inet_pton(AF_INET, "93.184.216.34", s.daddr);
	vg_fd_set_sock(e, &s, NULL);
	assert_int_equal(e->type, VG_FDT_IPV4);
	assert_string_equal(e->name, "10.0.0.1:40000->93.184.216.34:443");
	/* the widest and the narrowest IPv4 tuples */
	inet_pton(AF_INET, "255.255.255.255", s.saddr);
	inet_pton(AF_INET, "0.0.0.0", s.daddr);
	s.sport = 65535;
	s.dport = 0;
	vg_fd_set_sock(e, &s, NULL);
	assert_string_equal(e->name, "255.255.255.255:65535->0.0.0.0:0");
	s.sport = 40000;
	s.dport = 443;
	s.family = AF_INET6;
	memset(s.saddr, 0, 16);
	s.saddr[15] = 1;
	memset(s.daddr, 0, 16);
	s.daddr[15] = 1;
	vg_fd_set_sock(e, &s, NULL);
	assert_int_equal(e->type, VG_FDT_IPV6);
	assert_string_equal(e->name, "::1:40000->::1:443");
	s.family = AF_UNIX;
	vg_fd_set_sock(e, &s, "/run/docker.sock");
	assert_int_equal(e->type, VG_FDT_UNIX);
	assert_string_equal(e->name, "/run/docker.sock");
	vg_fd_table_free(t);
}

static void typechar_from_mode(void **state)
{
	(void)state;
	assert_int_equal(vg_fd_type_of_mode(S_IFREG | 0644), 'f');
	assert_int_equal(vg_fd_type_of_mode(S_IFDIR | 0755), 'd');
	assert_int_equal(vg_fd_type_of_mode(S_IFIFO), 'p');
	assert_int_equal(vg_fd_type_of_family(AF_NETLINK), 'n');
}

/*
 * A reload that starts reading the fd table or cwd (not kept until then)
 * forgets the tables, learned again from /proc, and rereads the cwd.
 */
static void relearn_after_reload(void **state)
{
	char root[] = "/tmp/vigil-relearn-XXXXXX", dir[96], link[112];
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct vg_proc *p;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/42", root);
	snprintf(link, sizeof(link), "%s/cwd", dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(symlink("/srv/now", link), 0);
	p = vg_proc_create(t, 42);
	p->fds = vg_fd_table_new();
	assert_non_null(vg_fd_put(p->fds, 3));
	p->cwd = strdup("/stale/");
	vg_fd_state_relearn(t, root, VG_NEED_FDS);
	assert_null(p->fds);
	assert_string_equal(p->cwd, "/stale/");
	vg_fd_state_relearn(t, root, VG_NEED_CWD);
	assert_string_equal(p->cwd, "/srv/now");
	vg_fd_state_relearn(t, NULL, VG_NEED_CWD); /* no /proc: unknown, not stale */
	assert_null(p->cwd);
	unlink(link);
	rmdir(dir);
	rmdir(root);
	vg_proc_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(put_get_close),
		cmocka_unit_test(reopen_replaces),
		cmocka_unit_test(dup_copies_and_clears_cloexec),
		cmocka_unit_test(exec_drops_cloexec_only),
		cmocka_unit_test(fork_clone_is_independent),
		cmocka_unit_test(tables_sized_to_their_fds),
		cmocka_unit_test(churn_does_not_degrade),
		cmocka_unit_test(bounded_per_process),
		cmocka_unit_test(socket_tuple_text),
		cmocka_unit_test(typechar_from_mode),
		cmocka_unit_test(relearn_after_reload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
