// SPDX-License-Identifier: Apache-2.0
/* The process table through exec, fork, exit, pid reuse and its size bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode/decode.h"
#include "records.h"
#include "vigil/syscalls.h"
#include "state/proc_table.h"
#include "state/procfs.h"

static struct vg_proc *apply(struct vg_proc_table *t, struct test_record *r)
{
	struct vg_event ev;

	assert_int_equal(vg_decode(r->buf, r->len, 0, &ev), VG_DECODE_OK);
	return vg_proc_apply(t, &ev);
}

static struct vg_proc *exec_at(struct vg_proc_table *t, uint32_t pid, uint32_t ppid,
			       const char *exe, uint64_t ts)
{
	struct test_record r;
	struct vg_event_hdr *h = rec_begin(&r, VG_EV_EXEC, pid, ppid, sizeof(struct vg_exec_body));
	struct vg_exec_body *b = rec_body(&r);
	char argv[256];
	int n = snprintf(argv, sizeof(argv), "%s%carg", exe, '\0') + 1;

	h->ts_ns = ts;
	b->start_ns = ts;
	b->argv_len = n;
	rec_str(&r, VG_VAR_EXE, exe);
	rec_str(&r, VG_VAR_FILENAME, exe);
	rec_var(&r, VG_VAR_ARGV, argv, n);
	rec_str(&r, VG_VAR_CWD, "/");
	return apply(t, &r);
}

static struct vg_proc *fork_at(struct vg_proc_table *t, uint32_t parent, uint32_t child,
			       bool thread, uint64_t ts)
{
	struct test_record r;
	struct vg_event_hdr *h;
	struct vg_fork_body *b;

	h = rec_begin(&r, VG_EV_FORK, thread ? parent : child, parent, sizeof(*b));
	b = rec_body(&r);
	h->tid = child;
	h->ts_ns = ts;
	h->flags = thread ? VG_HF_THREAD : 0;
	b->parent_pid = parent;
	b->parent_tid = parent;
	b->start_ns = ts;
	return apply(t, &r);
}

static struct vg_proc *exit_at(struct vg_proc_table *t, uint32_t pid, uint32_t code, uint64_t ts)
{
	struct test_record r;
	struct vg_event_hdr *h = rec_begin(&r, VG_EV_EXIT, pid, 1, sizeof(struct vg_exit_body));
	struct vg_exit_body *b = rec_body(&r);

	h->ts_ns = ts;
	b->exit_code = code;
	return apply(t, &r);
}

static void exec_records_the_image(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct vg_proc *p = exec_at(t, 100, 1, "/usr/bin/ls", 10);

	(void)state;
	assert_non_null(p);
	assert_string_equal(p->exe, "/usr/bin/ls");
	assert_string_equal(p->cwd, "/");
	assert_int_equal(p->args_len, sizeof("/usr/bin/ls\0arg"));
	assert_string_equal(p->args + strlen(p->args) + 1, "arg");
	assert_ptr_equal(vg_proc_get(t, 100), p);
	vg_proc_table_free(t);
}

static void fork_inherits_the_parent_image(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct vg_proc *child;

	(void)state;
	exec_at(t, 100, 1, "/usr/bin/bash", 10);
	child = fork_at(t, 100, 101, false, 20);
	assert_non_null(child);
	assert_int_equal(child->ppid, 100);
	assert_string_equal(child->exe, "/usr/bin/bash");
	assert_ptr_equal(vg_proc_parent(t, child), vg_proc_get(t, 100));
	assert_string_not_equal(child->exec_id, vg_proc_get(t, 100)->exec_id);
	vg_proc_table_free(t);
}

static void thread_clone_is_not_a_process(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct vg_proc *p;

	(void)state;
	exec_at(t, 100, 1, "/usr/bin/bash", 10);
	p = fork_at(t, 100, 105, true, 20);
	assert_ptr_equal(p, vg_proc_get(t, 100));
	assert_null(vg_proc_get(t, 105));
	assert_int_equal(vg_proc_count(t), 1);
	vg_proc_table_free(t);
}

static void exec_id_is_unique_across_pid_reuse(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	char first[VG_EXEC_ID_LEN];

	(void)state;
	strcpy(first, exec_at(t, 100, 1, "/bin/a", 10)->exec_id);
	exit_at(t, 100, 0, 11);
	assert_string_not_equal(exec_at(t, 100, 1, "/bin/b", 12)->exec_id, first);
	assert_false(vg_proc_get(t, 100)->exited);
	vg_proc_table_free(t);
}

static void exec_in_place_gets_a_new_exec_id(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	char first[VG_EXEC_ID_LEN];

	(void)state;
	strcpy(first, exec_at(t, 100, 1, "/bin/sh", 10)->exec_id);
	assert_string_not_equal(exec_at(t, 100, 1, "/bin/ls", 20)->exec_id, first);
	vg_proc_table_free(t);
}

static void exit_lingers_then_expires(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct vg_proc *p;

	(void)state;
	exec_at(t, 100, 1, "/bin/sh", 10);
	p = exit_at(t, 100, 7 << 8, 1000);
	assert_true(p->exited);
	assert_int_equal(p->exit_code, 7 << 8);
	vg_proc_expire(t, 1500, 1000);
	assert_non_null(vg_proc_get(t, 100));
	vg_proc_expire(t, 2001, 1000);
	assert_null(vg_proc_get(t, 100));
	vg_proc_table_free(t);
}

static void ancestry_walks_parents(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct vg_proc *leaf;

	(void)state;
	exec_at(t, 10, 1, "/sbin/init-like", 1);
	exec_at(t, 20, 10, "/usr/sbin/sshd", 2);
	exec_at(t, 30, 20, "/usr/bin/bash", 3);
	leaf = exec_at(t, 40, 30, "/usr/bin/cat", 4);
	assert_string_equal(vg_proc_ancestor(t, leaf, 1)->exe, "/usr/bin/bash");
	assert_string_equal(vg_proc_ancestor(t, leaf, 2)->exe, "/usr/sbin/sshd");
	assert_string_equal(vg_proc_ancestor(t, leaf, 3)->exe, "/sbin/init-like");
	assert_null(vg_proc_ancestor(t, leaf, 4)); /* pid 1 is not in the table */
	vg_proc_table_free(t);
}

static void reused_parent_pid_is_not_the_parent(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct vg_proc *child;

	(void)state;
	child = exec_at(t, 40, 30, "/usr/bin/cat", 100);
	exec_at(t, 30, 1, "/usr/bin/newcomer", 200); /* pid 30 reused after the child started */
	assert_null(vg_proc_parent(t, child));
	vg_proc_table_free(t);
}

static void table_is_bounded_and_evicts_exited_first(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(4, NULL);

	(void)state;
	for (uint32_t pid = 1; pid <= 4; pid++)
		exec_at(t, 100 + pid, 1, "/bin/x", pid);
	exit_at(t, 103, 0, 10);
	exec_at(t, 200, 1, "/bin/y", 11);
	assert_int_equal(vg_proc_count(t), 4);
	assert_int_equal(vg_proc_evictions(t), 1);
	assert_null(vg_proc_get(t, 103)); /* the exited one went first */
	assert_non_null(vg_proc_get(t, 101));
	/* no exited left: the least recently used live one goes */
	vg_proc_get(t, 101);
	exec_at(t, 201, 1, "/bin/z", 12);
	assert_null(vg_proc_get(t, 102));
	assert_non_null(vg_proc_get(t, 101));
	for (uint32_t pid = 300; pid < 1300; pid++)
		exec_at(t, pid, 1, "/bin/many", pid);
	assert_int_equal(vg_proc_count(t), 4);
	vg_proc_table_free(t);
}

static void truncated_argv_without_procfs_stays_truncated(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct test_record r;
	struct vg_event_hdr *h = rec_begin(&r, VG_EV_EXEC, 77, 1, sizeof(struct vg_exec_body));
	struct vg_exec_body *b = rec_body(&r);
	struct vg_proc *p;

	(void)state;
	h->flags = VG_HF_ARGV_TRUNC;
	b->argv_len = 100000;
	rec_var(&r, VG_VAR_ARGV, "sh\0-c\0", 6);
	p = apply(t, &r);
	assert_true(p->args_truncated);
	assert_int_equal(p->args_len, 6);
	vg_proc_table_free(t);
}

/* A fake /proc/<pid> with a stat line whose starttime matches start_ns. */
static void write_fake_proc(const char *root, uint32_t pid, uint64_t start_ticks,
			    const char *cmdline, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%u/stat", root, pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%u (a) b) S 1 %u %u 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0 0\n", pid, pid,
		pid, (unsigned long long)start_ticks);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%u/cmdline", root, pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite(cmdline, 1, len, f);
	fclose(f);
}

static void truncated_argv_is_completed_from_procfs(void **state)
{
	char root[] = "/tmp/vigil-test-procfs-XXXXXX";
	struct vg_proc_table *t;
	struct test_record r;
	struct vg_event_hdr *h;
	struct vg_exec_body *b;
	struct vg_proc *p;
	size_t full_len = 20000;
	char *full = malloc(full_len);

	(void)state;
	assert_non_null(mkdtemp(root));
	memset(full, 'x', full_len);
	memcpy(full, "sh\0-c\0", 6);
	full[full_len - 1] = '\0';
	write_fake_proc(root, 77, 500, full, full_len);
	t = vg_proc_table_new(16, root);
	h = rec_begin(&r, VG_EV_EXEC, 77, 1, sizeof(*b));
	b = rec_body(&r);
	h->flags = VG_HF_ARGV_TRUNC;
	b->argv_len = full_len;
	b->start_ns = vg_procfs_ticks_to_ns(500) + 1234; /* within the same tick */
	rec_var(&r, VG_VAR_ARGV, full, 1000);
	p = apply(t, &r);
	assert_false(p->args_truncated);
	assert_true(p->args_from_procfs);
	assert_int_equal(p->args_len, full_len);
	/* a different process under the same pid (another start time) is not used */
	b->start_ns = vg_procfs_ticks_to_ns(900);
	p = apply(t, &r);
	assert_true(p->args_truncated);
	assert_int_equal(p->args_len, 1000);
	vg_proc_table_free(t);
	free(full);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

/* Session, group and capabilities come with exec and fork; setuid and capset update them. */
static void ids_and_creds_follow_exec_fork_and_setuid(void **state)
{
	struct vg_proc_table *t = vg_proc_table_new(16, NULL);
	struct test_record r;
	struct vg_event_hdr *h = rec_begin(&r, VG_EV_EXEC, 10, 1, sizeof(struct vg_exec_body));
	struct vg_exec_body *eb = rec_body(&r);
	struct vg_fork_body *fb;
	struct vg_syscall_body *sb;
	struct vg_creds root = {.cap_permitted = 0x1fffffffffULL, .cap_effective = 0x3};
	struct vg_creds after = {.cap_permitted = 0, .cap_effective = 0};
	struct vg_proc *p;

	(void)state;
	h->ts_ns = eb->start_ns = 100;
	eb->ids = (struct vg_task_ids){.sid = 10, .vpgid = 10, .pgid = 10};
	eb->creds = root;
	eb->exe_ctime_ns = 5;
	eb->exe_mtime_ns = 4;
	rec_str(&r, VG_VAR_EXE, "/usr/sbin/sshd");
	p = apply(t, &r);
	assert_int_equal(p->sid, 10);
	assert_int_equal(p->vpgid, 10);
	assert_int_equal(p->cap_effective, 0x3);
	assert_int_equal(p->exe_ctime_ns, 5);

	/* the child's own ids from the fork record; the image's inode times from the parent */
	h = rec_begin(&r, VG_EV_FORK, 11, 10, sizeof(*fb));
	fb = rec_body(&r);
	fb->parent_pid = fb->parent_tid = 10;
	fb->start_ns = h->ts_ns = 200;
	fb->ids = (struct vg_task_ids){.sid = 11, .vpgid = 11, .pgid = 11};
	fb->creds = root;
	p = apply(t, &r);
	assert_int_equal(p->sid, 11);
	assert_int_equal(p->cap_permitted, 0x1fffffffffULL);
	assert_int_equal(p->exe_ctime_ns, 5);

	/* setuid(1) from root: the header's uid and the capabilities read after the call */
	h = rec_begin(&r, VG_EV_SYSCALL, 11, 10, sizeof(*sb));
	sb = rec_body(&r);
	sb->id = VG_SC_setuid;
	h->uid = h->euid = 1;
	rec_var(&r, VG_VAR_CREDS, &after, sizeof(after));
	p = apply(t, &r);
	assert_int_equal(p->uid, 1);
	assert_int_equal(p->cap_effective, 0);
	assert_int_equal(p->sid, 11);

	/* a failed call changes nothing */
	h = rec_begin(&r, VG_EV_SYSCALL, 10, 1, sizeof(*sb));
	sb = rec_body(&r);
	sb->id = VG_SC_setuid;
	h->uid = 1;
	h->retval = -1;
	rec_var(&r, VG_VAR_CREDS, &after, sizeof(after));
	p = apply(t, &r);
	assert_int_equal(p->uid, 0);
	assert_int_equal(p->cap_effective, 0x3);
	vg_proc_table_free(t);
}

/* --- pressure: what a full table evicts, and that it says so -------------- */

static uint64_t fake_now;
static uint64_t fake_clock(void)
{
	return fake_now;
}

struct warnings {
	int n;
	char last[512];
};

static void keep_warning(void *arg, const char *msg)
{
	struct warnings *w = arg;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static struct vg_proc_table *watched_table(size_t max, struct warnings *w)
{
	struct vg_proc_table *t = vg_proc_table_new(max, NULL);

	memset(w, 0, sizeof(*w));
	fake_now = 1000;
	vg_proc_table_set_warn(t, keep_warning, w, fake_clock);
	return t;
}

static void full_table_evicts_exited_first_and_counts_live(void **state)
{
	struct vg_proc_table_stats st;
	struct warnings w;
	struct vg_proc_table *t = watched_table(8, &w);

	(void)state;
	for (uint32_t pid = 101; pid <= 106; pid++)
		exec_at(t, pid, 1, "/bin/live", pid);
	exec_at(t, 201, 1, "/bin/gone", 201);
	exec_at(t, 202, 1, "/bin/gone", 202);
	exit_at(t, 201, 0, 300);
	exit_at(t, 202, 0, 301);
	/* two newcomers: the two exited entries make room, nothing live goes */
	exec_at(t, 301, 1, "/bin/new", 302);
	exec_at(t, 302, 1, "/bin/new", 303);
	vg_proc_table_stats(t, &st);
	assert_int_equal(st.evictions[VG_PROC_LIMIT_ENTRIES][0], 2);
	assert_int_equal(st.evictions[VG_PROC_LIMIT_ENTRIES][1], 0);
	assert_int_equal(w.n, 0);
	assert_null(vg_proc_get(t, 201));
	assert_non_null(vg_proc_get(t, 101));
	/* now a live one must go: the least recently used (102), counted and said */
	exec_at(t, 303, 1, "/bin/new", 304);
	assert_null(vg_proc_get(t, 102));
	vg_proc_table_stats(t, &st);
	assert_int_equal(st.evictions[VG_PROC_LIMIT_ENTRIES][1], 1);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "process table is full (8 entries)"));
	assert_non_null(strstr(w.last, "--max-procs"));
	assert_non_null(strstr(w.last, "process_table_size"));
	assert_non_null(strstr(w.last, "evicted live process 102"));
	/* a fork flood: every eviction counted, the warning rate-limited */
	for (uint32_t pid = 1000; pid < 1050; pid++)
		exec_at(t, pid, 1, "/bin/flood", pid);
	vg_proc_table_stats(t, &st);
	assert_int_equal(st.evictions[VG_PROC_LIMIT_ENTRIES][1], 51);
	assert_int_equal(vg_proc_evictions(t), 53);
	assert_int_equal(w.n, 1);
	assert_int_equal(st.warnings, 1);
	assert_int_equal(st.warnings_suppressed, 50);
	/* the interval passed: one more warning, with what went meanwhile */
	fake_now += VG_PROC_WARN_INTERVAL_NS;
	exec_at(t, 2000, 1, "/bin/flood", 2000);
	assert_int_equal(w.n, 2);
	assert_non_null(strstr(w.last, "50 more live evictions since the last warning, 52 in all"));
	assert_int_equal(vg_proc_count(t), 8);
	vg_proc_table_free(t);
}

/* A fork under a full table keeps its parent, whose image the child inherits. */
static void fork_in_a_full_table_keeps_the_parent(void **state)
{
	struct warnings w;
	struct vg_proc_table *t = watched_table(4, &w);
	struct vg_proc *child;

	(void)state;
	exec_at(t, 10, 1, "/usr/sbin/sshd", 1); /* the least recently used */
	for (uint32_t pid = 11; pid <= 13; pid++)
		exec_at(t, pid, 1, "/bin/other", pid);
	child = fork_at(t, 10, 20, false, 50);
	assert_non_null(child);
	assert_string_equal(child->exe, "/usr/sbin/sshd");
	assert_non_null(vg_proc_parent(t, child));
	assert_null(vg_proc_get(t, 11));
	vg_proc_table_free(t);
}

/* An exec with argv_len bytes of argv and env_len of environment. */
static struct vg_proc *exec_big(struct vg_proc_table *t, uint32_t pid, size_t argv_len,
				size_t env_len, uint64_t ts)
{
	static char blob[VG_ARGV_MAX];
	struct test_record r;
	struct vg_event_hdr *h = rec_begin(&r, VG_EV_EXEC, pid, 1, sizeof(struct vg_exec_body));
	struct vg_exec_body *b = rec_body(&r);

	memset(blob, 'a', sizeof(blob));
	h->ts_ns = b->start_ns = ts;
	b->argv_len = (uint32_t)argv_len;
	rec_str(&r, VG_VAR_EXE, "/bin/big");
	rec_var(&r, VG_VAR_ARGV, blob, (uint16_t)argv_len);
	rec_var(&r, VG_VAR_ENV, blob, (uint16_t)env_len);
	return apply(t, &r);
}

static void byte_budget_evicts_and_counts(void **state)
{
	struct vg_proc_table_stats st;
	struct warnings w;
	struct vg_proc_table *t = watched_table(100000, &w);
	uint64_t per;

	(void)state;
	vg_proc_table_set_max_bytes(t, 1 << 20);
	exec_big(t, 1, 16000, 8000, 1);
	vg_proc_table_stats(t, &st);
	per = st.bytes;
	assert_true(per >= 24000 && per < 24100);
	/* 24 KB entries: a 1 MiB budget holds about 43; 200 execs evict the rest */
	for (uint32_t pid = 2; pid <= 200; pid++)
		exec_big(t, pid, 16000, 8000, pid);
	vg_proc_table_stats(t, &st);
	assert_true(st.bytes <= 1 << 20);
	assert_true(st.bytes > (1 << 20) - per);
	assert_int_equal(st.entries, (1 << 20) / per);
	assert_int_equal(st.evictions[VG_PROC_LIMIT_BYTES][1], 200 - st.entries);
	assert_int_equal(st.evictions[VG_PROC_LIMIT_ENTRIES][1], 0);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, "process_table_max_bytes"));
	/* every byte counted comes back: exit and expire them all */
	for (uint32_t pid = 1; pid <= 200; pid++)
		if (vg_proc_get(t, pid))
			exit_at(t, pid, 0, 1000);
	vg_proc_expire(t, UINT64_MAX / 2, 0);
	vg_proc_table_stats(t, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	vg_proc_table_free(t);
}

/* Forked children copy their parent's strings: they count too. */
static void forked_copies_count_against_the_budget(void **state)
{
	struct vg_proc_table_stats st;
	struct warnings w;
	struct vg_proc_table *t = watched_table(100000, &w);

	(void)state;
	vg_proc_table_set_max_bytes(t, 1 << 20);
	exec_big(t, 1, 16000, 8000, 1);
	for (uint32_t pid = 2; pid <= 300; pid++) {
		vg_proc_get(t, 1); /* the parent keeps forking: it stays in use */
		fork_at(t, 1, pid, false, pid);
	}
	vg_proc_table_stats(t, &st);
	assert_true(st.bytes <= 1 << 20);
	assert_true(st.evictions[VG_PROC_LIMIT_BYTES][1] > 200);
	assert_non_null(vg_proc_get(t, 1));
	vg_proc_table_free(t);
}

static void argv_from_procfs_is_capped(void **state)
{
	char root[] = "/tmp/vigil-test-procfs-XXXXXX", cmd[128];
	size_t full_len = 3 * VG_PROC_ARGS_MAX;
	char *full = malloc(full_len);
	struct vg_proc_table_stats st;
	struct vg_proc_table *t;
	struct test_record r;
	struct vg_event_hdr *h;
	struct vg_exec_body *b;
	struct vg_proc *p;

	(void)state;
	assert_non_null(mkdtemp(root));
	memset(full, 'y', full_len);
	full[full_len - 1] = '\0';
	write_fake_proc(root, 78, 500, full, full_len);
	t = vg_proc_table_new(16, root);
	h = rec_begin(&r, VG_EV_EXEC, 78, 1, sizeof(*b));
	b = rec_body(&r);
	h->flags = VG_HF_ARGV_TRUNC;
	b->argv_len = (uint32_t)full_len;
	b->start_ns = vg_procfs_ticks_to_ns(500);
	rec_var(&r, VG_VAR_ARGV, full, 1000);
	p = apply(t, &r);
	assert_int_equal(p->args_len, VG_PROC_ARGS_MAX);
	assert_int_equal(p->args[p->args_len], '\0');
	assert_true(p->args_truncated);
	assert_true(p->args_capped);
	assert_true(p->args_from_procfs);
	vg_proc_table_stats(t, &st);
	assert_int_equal(st.args_capped, 1);
	assert_true(st.bytes < VG_PROC_ARGS_MAX + 100);
	vg_proc_table_free(t);
	free(full);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
}

static size_t default_for(const char *pid_max)
{
	char path[] = "/tmp/vigil-test-pidmax-XXXXXX";
	int fd = mkstemp(path);
	size_t n;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, pid_max, strlen(pid_max)), (ssize_t)strlen(pid_max));
	close(fd);
	n = vg_proc_table_default_size(path);
	unlink(path);
	return n;
}

static void default_size_follows_pid_max(void **state)
{
	(void)state;
	assert_int_equal(default_for("32768\n"), 32768 + 4096);
	assert_int_equal(default_for("100000\n"), 112500);
	assert_int_equal(default_for("4194304\n"), VG_PROC_TABLE_DEFAULT_MAX);
	assert_int_equal(default_for("1000\n"), VG_PROC_TABLE_DEFAULT_MIN);
	assert_int_equal(default_for("junk\n"), 32768 + 4096);
	assert_int_equal(vg_proc_table_default_size("/nonexistent/pid_max"), 32768 + 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exec_records_the_image),
		cmocka_unit_test(fork_inherits_the_parent_image),
		cmocka_unit_test(thread_clone_is_not_a_process),
		cmocka_unit_test(exec_id_is_unique_across_pid_reuse),
		cmocka_unit_test(exec_in_place_gets_a_new_exec_id),
		cmocka_unit_test(exit_lingers_then_expires),
		cmocka_unit_test(ancestry_walks_parents),
		cmocka_unit_test(reused_parent_pid_is_not_the_parent),
		cmocka_unit_test(table_is_bounded_and_evicts_exited_first),
		cmocka_unit_test(truncated_argv_without_procfs_stays_truncated),
		cmocka_unit_test(truncated_argv_is_completed_from_procfs),
		cmocka_unit_test(ids_and_creds_follow_exec_fork_and_setuid),
		cmocka_unit_test(full_table_evicts_exited_first_and_counts_live),
		cmocka_unit_test(fork_in_a_full_table_keeps_the_parent),
		cmocka_unit_test(byte_budget_evicts_and_counts),
		cmocka_unit_test(forked_copies_count_against_the_budget),
		cmocka_unit_test(argv_from_procfs_is_capped),
		cmocka_unit_test(default_size_follows_pid_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
