// SPDX-License-Identifier: Apache-2.0
/*
 * Live kernel: vigil's process events for real workloads, checked field by
 * field against what the test knows about the processes it started.
 * Needs root; exits 77 (skipped) otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/cgroup.h"
#include "vigil_proc.h"

static struct vigil_proc V;
static char nonce[64];
static char fifo[128];
static pid_t pre_vigil_pid;

struct match {
	const char *type;
	long long pid;
	const char *arg; /* an argv entry that must be present, or NULL */
};

static bool args_contain(json_object *ev, const char *want)
{
	json_object *args;

	if (!json_object_object_get_ex(ev, "args", &args) ||
	    !json_object_is_type(args, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(args); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(args, i)), want))
			return true;
	return false;
}

static bool match_event(json_object *ev, const void *arg)
{
	const struct match *m = arg;

	if (strcmp(jstr(ev, "type"), m->type) != 0)
		return false;
	if (m->pid && jint(ev, "pid") != m->pid)
		return false;
	return !m->arg || args_contain(ev, m->arg);
}

static json_object *wait_for(const char *type, pid_t pid, const char *arg)
{
	struct match m = {type, pid, arg};
	json_object *ev = vigil_wait_event(&V, match_event, &m, 10000);

	if (!ev)
		fail_msg("no %s event for pid %d (arg %s) within 10 s", type, pid, arg ? arg : "-");
	return ev;
}

static pid_t spawn(const char *const argv[], const char *cgroup_dir)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (cgroup_dir) {
			char path[PATH_MAX];
			FILE *f;

			if (snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup_dir) >=
			    (int)sizeof(path))
				_exit(120);
			f = fopen(path, "w");
			if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) != 0)
				_exit(120);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static int wait_status(pid_t pid)
{
	int status = -1;

	waitpid(pid, &status, 0);
	return status;
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(nonce, sizeof(nonce), "vigil-live-%d-%ld", getpid(), (long)time(NULL));
	snprintf(fifo, sizeof(fifo), "/tmp/%s.fifo", nonce);
	if (mkfifo(fifo, 0600) != 0)
		return -1;

	/* started before vigil: must still appear with its ancestry */
	char script[512], tag[96];

	snprintf(script, sizeof(script), "read x < %s; /bin/true pre-%s; exit 0", fifo, nonce);
	snprintf(tag, sizeof(tag), "sh-pre-%s", nonce);
	const char *argv[] = {"/bin/sh", "-c", script, tag, NULL};

	pre_vigil_pid = spawn(argv, NULL);
	usleep(100000); /* let it exec before vigil seeds /proc */
	return vigil_start(&V, NULL);
}

static int group_teardown(void **state)
{
	(void)state;
	unlink(fifo);
	vigil_free(&V);
	return 0;
}

/* The cgroup2 directory a child can be moved into, so its cgroup id is its own. */
static bool make_cgroup(char *dir, size_t len)
{
	char mnt[PATH_MAX - sizeof(nonce) - 1];

	if (vg_cgroup2_mount("/proc/self/mountinfo", mnt, sizeof(mnt)) != 0)
		return false;
	snprintf(dir, len, "%s/%s", mnt, nonce);
	return mkdir(dir, 0755) == 0;
}

static void exec_event_fields(void **state)
{
	char marker[128], script[] = "exit 7", cwd[PATH_MAX], sh[PATH_MAX], self[PATH_MAX];
	char cgdir[PATH_MAX];
	bool own_cgroup;
	struct stat st;
	json_object *ev, *args, *parent;
	pid_t child;

	(void)state;
	snprintf(marker, sizeof(marker), "exec-%s", nonce);
	own_cgroup = make_cgroup(cgdir, sizeof(cgdir));
	const char *argv[] = {"/bin/sh", "-c", script, marker, NULL};

	child = spawn(argv, own_cgroup ? cgdir : NULL);
	assert_int_equal(WEXITSTATUS(wait_status(child)), 7);
	ev = wait_for("exec", child, marker);

	assert_string_equal(jstr(ev, "filename"), "/bin/sh");
	assert_non_null(realpath("/bin/sh", sh));
	assert_string_equal(jstr(ev, "exe"), sh);
	args = jget(ev, "args");
	assert_int_equal(json_object_array_length(args), 4);
	for (int i = 0; i < 4; i++)
		assert_string_equal(json_object_get_string(json_object_array_get_idx(args, i)),
				    argv[i]);
	assert_false(json_object_get_boolean(jget(ev, "args_truncated")));
	assert_int_equal(jint(ev, "ppid"), getpid());
	assert_int_equal(jint(ev, "uid"), getuid());
	assert_int_equal(jint(ev, "euid"), geteuid());
	assert_int_equal(jint(ev, "gid"), getgid());
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(jstr(ev, "cwd"), cwd);
	if (own_cgroup) {
		assert_int_equal(stat(cgdir, &st), 0);
		assert_int_equal(jint(ev, "cgroup_id"), st.st_ino);
		rmdir(cgdir);
	} else {
		print_message("no writable cgroup2: cgroup id checked against ours only\n");
	}
	assert_int_equal(stat("/proc/self/ns/pid", &st), 0);
	assert_int_equal(jint(ev, "pid_ns"), st.st_ino);
	assert_int_equal(stat("/proc/self/ns/mnt", &st), 0);
	assert_int_equal(jint(ev, "mnt_ns"), st.st_ino);
	parent = jget(ev, "parent");
	assert_non_null(parent);
	assert_int_equal(jint(parent, "pid"), getpid());
	assert_non_null(realpath("/proc/self/exe", self));
	assert_string_equal(jstr(parent, "exe"), self);
	assert_true(strlen(jstr(ev, "exec_id")) > 0);
}

static void fork_and_exit_events(void **state)
{
	char marker[128];
	json_object *fork_ev, *exit_ev;
	pid_t child;

	(void)state;
	snprintf(marker, sizeof(marker), "exit-%s", nonce);
	const char *argv[] = {"/bin/sh", "-c", "exit 42", marker, NULL};

	child = spawn(argv, NULL);
	assert_int_equal(WEXITSTATUS(wait_status(child)), 42);
	fork_ev = wait_for("fork", child, NULL);
	assert_int_equal(jint(fork_ev, "parent_pid"), getpid());
	assert_int_equal(jint(fork_ev, "ppid"), getpid());
	assert_false(json_object_get_boolean(jget(fork_ev, "thread")));
	exit_ev = wait_for("exit", child, NULL);
	assert_int_equal(jint(exit_ev, "exit_code"), 42);
	assert_int_equal(jint(exit_ev, "exit_signal"), 0);
	/* the exit carries the same exec id as the exec it ends */
	assert_string_equal(jstr(exit_ev, "exec_id"),
			    jstr(wait_for("exec", child, marker), "exec_id"));
}

static void exit_by_signal(void **state)
{
	const char *argv[] = {"/bin/sleep", "30", NULL};
	json_object *ev;
	pid_t child;

	(void)state;
	child = spawn(argv, NULL);
	wait_for("exec", child, "30");
	kill(child, SIGTERM);
	assert_int_equal(WTERMSIG(wait_status(child)), SIGTERM);
	ev = wait_for("exit", child, NULL);
	assert_int_equal(jint(ev, "exit_signal"), SIGTERM);
}

static void *idle_thread(void *arg)
{
	return arg;
}

static bool match_thread_fork(json_object *ev, const void *arg)
{
	const pid_t *tid = arg;

	return !strcmp(jstr(ev, "type"), "fork") && jint(ev, "tid") == *tid;
}

static void thread_clone_is_marked(void **state)
{
	pthread_t th;
	pid_t tid = 0;
	json_object *ev;

	(void)state;
	/* the new thread's tid is only known inside it; find it by pid and thread flag */
	assert_int_equal(pthread_create(&th, NULL, idle_thread, NULL), 0);
	pthread_join(th, NULL);
	for (int tries = 0; tries < 200 && !tid; tries++) {
		size_t n = json_object_array_length(V.events);

		for (size_t i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(V.events, i);

			if (!strcmp(jstr(e, "type"), "fork") && jint(e, "pid") == getpid() &&
			    json_object_get_boolean(jget(e, "thread")))
				tid = (pid_t)jint(e, "tid");
		}
		if (!tid)
			vigil_wait_event(&V, match_thread_fork, &tid, 50);
	}
	assert_int_not_equal(tid, 0);
	assert_int_not_equal(tid, getpid());
	ev = vigil_wait_event(&V, match_thread_fork, &tid, 1000);
	assert_non_null(ev);
	assert_int_equal(jint(ev, "parent_pid"), getpid());
}

static void long_argv_is_complete(void **state)
{
	size_t big = 20000;
	char *arg = malloc(big + 1), marker[128];
	json_object *ev, *args;
	pid_t child;

	(void)state;
	memset(arg, 'a', big);
	arg[big] = '\0';
	snprintf(marker, sizeof(marker), "long-%s", nonce);
	/*
	 * alive long enough for vigil to read the rest from /proc; two commands so
	 * that the shell forks for sleep instead of exec-ing it in place
	 */
	const char *argv[] = {"/bin/sh", "-c", "sleep 1; exit 0", marker, arg, NULL};

	child = spawn(argv, NULL);
	ev = wait_for("exec", child, marker);
	wait_status(child);
	args = jget(ev, "args");
	assert_int_equal(json_object_array_length(args), 5);
	assert_int_equal(strlen(json_object_get_string(json_object_array_get_idx(args, 4))), big);
	assert_false(json_object_get_boolean(jget(ev, "args_truncated")));
	assert_true(json_object_get_boolean(jget(ev, "args_completed_from_procfs")));
	assert_true(jint(ev, "args_bytes") > 16384);
	free(arg);
}

static void long_argv_of_a_gone_process_says_truncated(void **state)
{
	size_t big = 20000;
	char *arg = malloc(big + 1), marker[128];
	json_object *ev, *args;
	pid_t child;

	(void)state;
	memset(arg, 'b', big);
	arg[big] = '\0';
	snprintf(marker, sizeof(marker), "gone-%s", nonce);
	const char *argv[] = {"/bin/sh", "-c", "exit 0", marker, arg, NULL};

	child = spawn(argv, NULL);
	wait_status(child); /* reaped before vigil can look at /proc */
	ev = wait_for("exec", child, marker);
	args = jget(ev, "args");
	if (json_object_get_boolean(jget(ev, "args_truncated"))) {
		assert_non_null(strstr(jstr(ev, "args_truncated_reason"), "16 KiB"));
		const char *last = json_object_get_string(
			json_object_array_get_idx(args, json_object_array_length(args) - 1));
		assert_true(strlen(last) < big);
	} else {
		/* vigil was faster than the reaping: then it must be whole */
		assert_int_equal(json_object_array_length(args), 5);
	}
	free(arg);
}

static void process_older_than_vigil_has_ancestry(void **state)
{
	char marker[128];
	json_object *ev, *parent, *anc;
	int fd;

	(void)state;
	snprintf(marker, sizeof(marker), "pre-%s", nonce);
	fd = open(fifo, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "go\n", 3), 3);
	close(fd);
	assert_int_equal(WEXITSTATUS(wait_status(pre_vigil_pid)), 0);
	ev = wait_for("exec", 0, marker);
	parent = jget(ev, "parent");
	assert_non_null(parent);
	assert_int_equal(jint(parent, "pid"), pre_vigil_pid);
	char tag[128];

	snprintf(tag, sizeof(tag), "sh-pre-%s", nonce);
	assert_true(args_contain(parent, tag));
	anc = jget(ev, "ancestors");
	assert_true(json_object_array_length(anc) >= 2);
	assert_int_equal(jint(json_object_array_get_idx(anc, 1), "pid"), getpid());
}

/*
 * vigil opens hundreds of /proc files after its probes are attached (seeding,
 * completing long argv); none of that may come back as events.
 */
static void vigil_does_not_see_itself(void **state)
{
	size_t n = json_object_array_length(V.events);
	size_t syscalls = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(V.events, i);

		assert_int_not_equal(jint(e, "pid"), V.pid);
		syscalls += !strcmp(jstr(e, "type"), "syscall");
	}
	assert_true(syscalls > 0); /* the syscall probe was on while vigil read /proc */
}

static void clean_shutdown_reports_no_drops(void **state)
{
	int status;

	(void)state;
	status = vigil_stop(&V);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(strstr(V.errtext, "vigil: kernel: exec sent="));
	assert_true(vigil_no_drops(&V));
	assert_non_null(strstr(V.errtext, "malformed=0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exec_event_fields),
		cmocka_unit_test(fork_and_exit_events),
		cmocka_unit_test(exit_by_signal),
		cmocka_unit_test(thread_clone_is_marked),
		cmocka_unit_test(long_argv_is_complete),
		cmocka_unit_test(long_argv_of_a_gone_process_says_truncated),
		cmocka_unit_test(process_older_than_vigil_has_ancestry),
		cmocka_unit_test(vigil_does_not_see_itself),
		cmocka_unit_test(clean_shutdown_reports_no_drops),
	};

	if (geteuid() != 0) {
		printf("SKIP: live kernel tests need root\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
