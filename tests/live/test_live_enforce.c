// SPDX-License-Identifier: Apache-2.0
/*
 * Live kernel enforcement. On the signal tier (this machine: no BPF LSM)
 * rules with an action kill the offender: a denied binary is killed before
 * it runs (its side effect never happens), an allowed one runs, audit mode
 * alerts and lets it run, a denied open and a denied connect kill the
 * caller, and a rule on container.id or container.full_id acts on processes
 * in cgroups named as container runtimes name them. With
 * VIGIL_ENFORCE_TIER=lsm (the QEMU guest, BPF LSM active) the same rules
 * with action deny make execve, open and connect fail with EPERM while the
 * process lives on, and vigil refuses SIGKILL from another root process.
 * Every alert carries the action, tier and result. Needs root; exits 77
 * (skipped) otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil_proc.h"

#define DENIED_PORT  47001
#define ALLOWED_PORT 47002
/* a child whose operation failed with EPERM exits with this */
#define DENIED_EXIT 86

static char dir[128];
static bool lsm;	    /* VIGIL_ENFORCE_TIER=lsm: expect denials, not kills */
static struct vigil_proc V; /* the running vigil, stopped after each test */

static void path_in(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

static bool exists(const char *name)
{
	char p[256];

	path_in(p, sizeof(p), name);
	return access(p, F_OK) == 0;
}

/* The policy: each rule names paths under this test's own directory. */
static void write_rules(const char *file)
{
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	fprintf(f,
		"- rule: Deny exec of denied-touch\n"
		"  desc: test\n"
		"  condition: evt.type in (execve, execveat) and proc.exepath = %s/denied-touch\n"
		"  output: denied exec (proc.exepath=%%proc.exepath user.uid=%%user.uid)\n"
		"  priority: CRITICAL\n"
		"  action: deny\n"
		"- rule: Kill reader of secret\n"
		"  desc: test\n"
		"  condition: evt.type in (open, openat, openat2) and fd.name = %s/secret and "
		"evt.is_open_read = true\n"
		"  output: secret read (fd.name=%%fd.name proc.name=%%proc.name)\n"
		"  priority: CRITICAL\n"
		"  action: %s\n"
		"- rule: Kill connect to denied port\n"
		"  desc: test\n"
		"  condition: evt.type = connect and fd.rip = 127.0.0.1 and fd.rport = %d\n"
		"  output: denied connect (fd.name=%%fd.name proc.name=%%proc.name)\n"
		"  priority: CRITICAL\n"
		"  action: %s\n",
		dir, dir, lsm ? "deny" : "kill", DENIED_PORT, lsm ? "deny" : "kill");
	fclose(f);
}

static void start(struct vigil_proc *v, const char *mode)
{
	char rules[256];
	/* no metrics endpoint: its port may be another test's */
	const char *const args[] = {"-r",
				    rules,
				    "--enforce",
				    mode,
				    "--enforce-tier",
				    lsm ? "auto" : "signal",
				    "-o",
				    "metrics.enabled=false",
				    NULL};

	path_in(rules, sizeof(rules), "policy.yaml");
	write_rules(rules);
	if (vigil_start_cmd(v, "run", args) != 0)
		fail_msg("vigil run did not start: %s", v->errtext);
}

/* Runs argv; returns its wait status. */
static int run_status(const char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], (char *const *)argv);
		_exit(errno == EPERM ? DENIED_EXIT : 127);
	}
	waitpid(pid, &status, 0);
	return status;
}

static bool killed(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* Signal tier: the offender died of SIGKILL. LSM: its operation failed, it lived on. */
static bool stopped(int status)
{
	return lsm ? WIFEXITED(status) && WEXITSTATUS(status) == DENIED_EXIT : killed(status);
}

static const char *stopped_result(const char *action)
{
	if (!lsm)
		return "killed";
	return strcmp(action, "kill") == 0 ? "denied_and_killed" : "denied";
}

struct want {
	const char *rule;
	const char *needle; /* in the alert's text */
};

static bool match_alert(json_object *a, const void *arg)
{
	const struct want *w = arg;
	json_object *rule;

	return json_object_object_get_ex(a, "rule", &rule) &&
	       strcmp(json_object_get_string(rule), w->rule) == 0 &&
	       strstr(json_object_to_json_string_ext(a, JSON_C_TO_STRING_NOSLASHESCAPE), w->needle);
}

static json_object *expect_alert(struct vigil_proc *v, const char *rule, const char *needle)
{
	struct want w = {rule, needle};
	json_object *a = vigil_wait_event(v, match_alert, &w, 10000);

	if (!a)
		fail_msg("no '%s' alert with %s within 10 s", rule, needle);
	return a;
}

static void expect_enforcement(json_object *a, const char *action, const char *mode,
			       const char *result, const char *op)
{
	json_object *e = jget(jget(a, "vigil"), "enforcement");

	assert_string_equal(jstr(e, "action"), action);
	assert_string_equal(jstr(e, "mode"), mode);
	assert_string_equal(jstr(e, "tier"), lsm ? "lsm" : "signal");
	assert_string_equal(jstr(e, "result"), result);
	assert_string_equal(jstr(e, "operation"), op);
}

static void copy_touch(const char *name)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cp /usr/bin/touch %s/%s", dir, name);
	assert_int_equal(system(cmd), 0);
}

static int open_child(const char *path)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (open(path, O_RDONLY) < 0 && errno == EPERM)
			_exit(DENIED_EXIT);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

static int connect_child(int port)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
		/* refused or not, a process that is let live exits 0, unless denied */
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 && errno == EPERM)
			_exit(DENIED_EXIT);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return status;
}

static void denied_exec_never_runs(void **state)
{
	char bin[256], marker[256];
	json_object *a;

	(void)state;
	copy_touch("denied-touch");
	copy_touch("allowed-touch");
	start(&V, "on");
	path_in(bin, sizeof(bin), "denied-touch");
	path_in(marker, sizeof(marker), "denied-ran");
	const char *denied[] = {bin, marker, NULL};

	assert_true(stopped(run_status(denied)));
	assert_false(exists("denied-ran"));
	a = expect_alert(&V, "Deny exec of denied-touch", bin);
	expect_enforcement(a, "deny", "on", stopped_result("deny"), "exec");
	assert_string_equal(jstr(a, "priority"), "Critical");

	path_in(bin, sizeof(bin), "allowed-touch");
	path_in(marker, sizeof(marker), "allowed-ran");
	const char *allowed[] = {bin, marker, NULL};

	assert_int_equal(run_status(allowed), 0);
	assert_true(exists("allowed-ran"));
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
	assert_null(vigil_wait_event(&V, match_text, "allowed-touch", 0));
	assert_true(vigil_no_drops(&V));
}

static void audit_mode_alerts_and_lets_run(void **state)
{
	char bin[256], marker[256];
	json_object *a;

	(void)state;
	start(&V, "audit");
	path_in(bin, sizeof(bin), "denied-touch");
	path_in(marker, sizeof(marker), "audit-ran");
	const char *denied[] = {bin, marker, NULL};

	assert_int_equal(run_status(denied), 0);
	assert_true(exists("audit-ran"));
	a = expect_alert(&V, "Deny exec of denied-touch", bin);
	expect_enforcement(a, "deny", "audit", "audited", "exec");
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
}

static void denied_open_stops_the_reader(void **state)
{
	char secret[256], other[256];
	json_object *a;

	(void)state;
	path_in(secret, sizeof(secret), "secret");
	path_in(other, sizeof(other), "not-secret");
	fclose(fopen(secret, "w"));
	fclose(fopen(other, "w"));
	start(&V, "on");
	assert_true(stopped(open_child(secret)));
	a = expect_alert(&V, "Kill reader of secret", secret);
	expect_enforcement(a, lsm ? "deny" : "kill", "on", stopped_result(lsm ? "deny" : "kill"),
			   "open");
	assert_string_equal(jstr(jget(a, "output_fields"), "fd.name"), secret);
	assert_int_equal(open_child(other), 0);
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
	assert_null(vigil_wait_event(&V, match_text, "not-secret", 0));
}

static void denied_connect_stops_the_caller(void **state)
{
	json_object *a;

	(void)state;
	start(&V, "on");
	assert_true(stopped(connect_child(DENIED_PORT)));
	a = expect_alert(&V, "Kill connect to denied port", "47001");
	expect_enforcement(a, lsm ? "deny" : "kill", "on", stopped_result(lsm ? "deny" : "kill"),
			   "connect");
	assert_int_equal(connect_child(ALLOWED_PORT), 0);
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
	assert_null(vigil_wait_event(&V, match_text, "47002", 0));
}

/* A reload swaps the kernel's policy: the newly denied binary is stopped, the old one runs. */
static void reload_swaps_the_policy(void **state)
{
	char rules[256], bin[256], marker[256], other[256];
	FILE *f;

	(void)state;
	copy_touch("second-touch");
	start(&V, "on");
	path_in(rules, sizeof(rules), "policy.yaml");
	f = fopen(rules, "w");
	assert_non_null(f);
	fprintf(f,
		"- rule: Deny exec of second-touch\n  desc: test\n  condition: evt.type = execve "
		"and "
		"proc.exepath = %s/second-touch\n  output: denied (proc.exepath=%%proc.exepath)\n"
		"  priority: CRITICAL\n  action: deny\n",
		dir);
	fclose(f);
	assert_int_equal(kill(V.pid, SIGHUP), 0);
	path_in(bin, sizeof(bin), "second-touch");
	path_in(marker, sizeof(marker), "second-ran");
	const char *second[] = {bin, marker, NULL};

	/* the reload compiles and loads in well under a second; allow ten */
	for (int i = 0; i < 100 && !stopped(run_status(second)); i++)
		usleep(100000);
	expect_alert(&V, "Deny exec of second-touch", bin);
	unlink(marker);
	assert_true(stopped(run_status(second)));
	assert_false(exists("second-ran"));
	path_in(other, sizeof(other), "denied-touch");
	path_in(marker, sizeof(marker), "first-ran");
	const char *first[] = {other, marker, NULL};

	assert_int_equal(run_status(first), 0);
	assert_true(exists("first-ran"));
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
}

/* Thousands of paths are map entries, not a small fixed cap: one of 5,000 is enforced. */
static void thousands_of_paths_load_and_enforce(void **state)
{
	char rules[256], bin[256], marker[256];
	const char *const args[] = {"-r",
				    rules,
				    "--enforce-tier",
				    lsm ? "auto" : "signal",
				    "-o",
				    "metrics.enabled=false",
				    NULL};
	FILE *f;

	(void)state;
	path_in(rules, sizeof(rules), "many.yaml");
	f = fopen(rules, "w");
	assert_non_null(f);
	fputs("- list: denied_binaries\n  items: [", f);
	for (int i = 0; i < 5000; i++)
		fprintf(f, "%s/opt/vendor%d/bin/tool", i ? ", " : "", i);
	fprintf(f,
		", %s/denied-touch]\n- rule: Deny listed binaries\n  desc: test\n  condition: "
		"evt.type = execve and proc.exepath in (denied_binaries)\n  output: denied "
		"(proc.exepath=%%proc.exepath)\n  priority: CRITICAL\n  action: deny\n",
		dir);
	fclose(f);
	if (vigil_start_cmd(&V, "run", args) != 0)
		fail_msg("vigil run did not start: %s", V.errtext);
	path_in(bin, sizeof(bin), "denied-touch");
	path_in(marker, sizeof(marker), "many-ran");
	const char *denied[] = {bin, marker, NULL};

	assert_true(stopped(run_status(denied)));
	assert_false(exists("many-ran"));
	expect_alert(&V, "Deny listed binaries", bin);
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
}

/* LSM tier only: another root process cannot SIGKILL vigil, and the attempt is reported. */
static void self_protection_refuses_sigkill(void **state)
{
	json_object *a;

	(void)state;
	if (!lsm)
		skip();
	start(&V, "on");
	assert_int_equal(kill(V.pid, SIGKILL), -1);
	assert_int_equal(errno, EPERM);
	a = expect_alert(&V, "vigil self-protection", "kill or stop");
	assert_string_equal(jstr(a, "priority"), "Critical");
	assert_int_equal(jint(jget(jget(a, "vigil"), "enforcement"), "target_pid"), V.pid);
	/* SIGTERM still stops it, cleanly */
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
}

/* ---- container ids, read by the kernel from cgroup names ---- */

#define ID_A "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define ID_B "b1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define ID_C "c1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
/* container.id: the first 12 */
#define ID_A_SHORT "a1b2c3d4e5f6"
#define ID_C_SHORT "c1b2c3d4e5f6"

static char cgroot[256]; /* this test's cgroup, removed by stop_vigil if the test fails */

/* Where a cgroup hierarchy is mounted: cgroup2 (option NULL) or the v1 one with option. */
static bool cgroup_mount(const char *option, char *dst, size_t n)
{
	char line[512], dev[64], dir[256], type[32], opts[256];
	FILE *f = fopen("/proc/self/mounts", "r");
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %255s %31s %255s", dev, dir, type, opts) != 4)
			continue;
		if (option ? strcmp(type, "cgroup") == 0 && strstr(opts, option)
			   : strcmp(type, "cgroup2") == 0) {
			snprintf(dst, n, "%s", dir);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* This process's cgroup2 path is "/": the kernel then looks at the v1 hierarchies. */
static bool in_cgroup2_root(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "r");
	bool root = false;

	while (f && fgets(line, sizeof(line), f))
		root |= strcmp(line, "0::/\n") == 0;
	if (f)
		fclose(f);
	return root;
}

/* Makes this test's cgroup under mount, then subs (parents first). */
static void cg_setup(const char *mount, const char *const subs[], size_t n)
{
	char p[512];

	if (snprintf(cgroot, sizeof(cgroot), "%s/vigil-enforce-%d", mount, getpid()) >=
	    (int)sizeof(cgroot))
		fail_msg("cgroup path too long under %s", mount);
	if (mkdir(cgroot, 0755) != 0)
		fail_msg("mkdir %s: %s", cgroot, strerror(errno));
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/%s", cgroot, subs[i]);
		if (mkdir(p, 0755) != 0)
			fail_msg("mkdir %s: %s", p, strerror(errno));
	}
}

/* The processes are gone once reaped; rmdir may still see them for a moment. */
static void cg_remove(const char *const subs[], size_t n)
{
	for (size_t i = n + 1; i-- > 0;) {
		char p[512];

		snprintf(p, sizeof(p), "%s%s%s", cgroot, i ? "/" : "", i ? subs[i - 1] : "");
		for (int t = 0; t < 50 && rmdir(p) != 0 && errno == EBUSY; t++)
			usleep(100000);
	}
	cgroot[0] = '\0';
}

/* Runs argv in cgroup sub (moved there before the exec, as a runtime does); its status. */
static int run_in_cgroup(const char *sub, const char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		char p[512];
		int null = open("/dev/null", O_RDWR);
		FILE *f;

		snprintf(p, sizeof(p), "%s/%s/cgroup.procs", cgroot, sub);
		if (!(f = fopen(p, "w")) || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) != 0)
			_exit(125);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], (char *const *)argv);
		_exit(errno == EPERM ? DENIED_EXIT : 127);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 125)
		fail_msg("could not move a process into %s/%s", cgroot, sub);
	return status;
}

/* Starts vigil with the rules in yaml (one %s: this test's directory). */
static void start_policy(const char *yaml)
{
	char rules[256];
	const char *const args[] = {"-r",
				    rules,
				    "--enforce-tier",
				    lsm ? "auto" : "signal",
				    "-o",
				    "metrics.enabled=false",
				    NULL};
	FILE *f;

	path_in(rules, sizeof(rules), "containers.yaml");
	f = fopen(rules, "w");
	assert_non_null(f);
	fprintf(f, yaml, dir);
	fclose(f);
	if (vigil_start_cmd(&V, "run", args) != 0)
		fail_msg("vigil run did not start: %s", V.errtext);
}

/* cont-touch in cgroup sub, leaving marker: stopped (and no marker) or ran. */
static void expect_in_cgroup(const char *sub, const char *marker, bool stop)
{
	char bin[256], mpath[256];
	const char *argv[] = {bin, mpath, NULL};
	int status;

	path_in(bin, sizeof(bin), "cont-touch");
	path_in(mpath, sizeof(mpath), marker);
	status = run_in_cgroup(sub, argv);
	if (stop ? !stopped(status) : status != 0)
		fail_msg("cont-touch in %s: wait status %#x, expected it %s", sub, status,
			 stop ? "stopped" : "to run");
	assert_int_equal(exists(marker), !stop);
}

/*
 * cgroup2: a rule on container.id (12 hex digits) and one on
 * container.full_id act on processes in cgroups named as Docker (systemd
 * driver) and CRI-O name them, nested or not, from the first exec: no
 * runtime and no user-space discovery involved. The same binary in another
 * cgroup, or in a conmon cgroup carrying the id (the host's, as in user
 * space), runs.
 */
static void container_id_from_cgroup2_name(void **state)
{
	static const char *const subs[] = {
		"docker-" ID_A ".scope",
		"docker-" ID_A ".scope/inner",
		"crio-" ID_B,
		"crio-conmon-" ID_B,
		"other",
	};
	char mount[256], bin[256];

	(void)state;
	if (!cgroup_mount(NULL, mount, sizeof(mount)))
		skip();
	cg_setup(mount, subs, 5);
	copy_touch("cont-touch");
	start_policy("- rule: Deny in container A\n  desc: test\n  condition: evt.type = execve "
		     "and container.id in (000000000000, " ID_A_SHORT ") and proc.exepath = "
		     "%s/cont-touch\n  output: denied in A (proc.exepath=%%proc.exepath)\n"
		     "  priority: CRITICAL\n  action: deny\n"
		     "- rule: Deny in container B\n  desc: test\n  condition: evt.type = execve "
		     "and container.full_id = " ID_B " and proc.name = cont-touch\n"
		     "  output: denied in B (proc.exepath=%%proc.exepath)\n"
		     "  priority: CRITICAL\n  action: deny\n");
	path_in(bin, sizeof(bin), "cont-touch");
	expect_in_cgroup(subs[0], "ran-in-a", true);
	expect_enforcement(expect_alert(&V, "Deny in container A", bin), "deny", "on",
			   stopped_result("deny"), "exec");
	/* nested below the container's cgroup: the outer name still names it */
	expect_in_cgroup(subs[1], "ran-in-a-inner", true);
	expect_in_cgroup(subs[2], "ran-in-b", true);
	expect_alert(&V, "Deny in container B", bin);
	expect_in_cgroup(subs[3], "ran-in-conmon", false);
	expect_in_cgroup(subs[4], "ran-in-other", false);
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
	assert_null(vigil_wait_event(&V, match_text, "ran-in-other", 0));
	cg_remove(subs, 5);
}

/*
 * A v1 or hybrid host (this project's CI host): with the cgroup2 path at
 * the root, the kernel reads the v1 controllers' paths, Docker's cgroupfs
 * shape /docker/<id> here.
 */
static void container_id_from_cgroup_v1_name(void **state)
{
	static const char *const subs[] = {"docker", ("docker/" ID_C), "other"};
	char mount[256];

	(void)state;
	if (!cgroup_mount("pids", mount, sizeof(mount)) || !in_cgroup2_root())
		skip();
	cg_setup(mount, subs, 3);
	copy_touch("cont-touch");
	start_policy("- rule: Deny in container C\n  desc: test\n  condition: evt.type = execve "
		     "and container.id = " ID_C_SHORT " and proc.exepath = %s/cont-touch\n"
		     "  output: denied in C (proc.exepath=%%proc.exepath)\n"
		     "  priority: CRITICAL\n  action: kill\n");
	expect_in_cgroup(subs[1], "ran-in-c", true);
	expect_alert(&V, "Deny in container C", "cont-touch");
	expect_in_cgroup(subs[2], "ran-in-other", false);
	assert_int_equal(WEXITSTATUS(vigil_stop(&V)), 0);
	cg_remove(subs, 3);
}

static void broken_policy_is_refused(void **state)
{
	char rules[256];
	FILE *f;

	(void)state;
	path_in(rules, sizeof(rules), "broken.yaml");
	f = fopen(rules, "w");
	assert_non_null(f);
	fputs("- rule: Too clever\n  desc: d\n  condition: evt.type = execve and proc.cmdline "
	      "contains curl\n  output: o\n  priority: ERROR\n  action: kill\n",
	      f);
	fclose(f);
	const char *argv[] = {vigil_bin(), "run", "-r", rules, "-o", "metrics.enabled=false", NULL};
	char out[4096] = {0};
	int status, p[2];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	for (size_t len = 0; (n = read(p[0], out + len, sizeof(out) - 1 - len)) > 0;)
		len += (size_t)n;
	close(p[0]);
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 1);
	if (!strstr(out, "broken.yaml:1:3: error E-ENFORCE-FIELD: rule 'Too clever': "
			 "'proc.cmdline' cannot be decided in the kernel"))
		fail_msg("unexpected message: %s", out);
}

/* A failed test leaves vigil running: it must not enforce on the next one. */
static int stop_vigil(void **state)
{
	(void)state;
	if (cgroot[0]) { /* a failed container test leaves its cgroups */
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "find %s -depth -type d -exec rmdir {} + 2>/dev/null",
			 cgroot);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", cgroot);
		cgroot[0] = '\0';
	}
	if (!V.events && V.pid <= 0)
		return 0; /* never started */
	if (V.pid > 0)
		vigil_stop(&V);
	vigil_free(&V);
	memset(&V, 0, sizeof(V));
	return 0;
}

static int setup(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "skipping: needs root\n");
		exit(77);
	}
	lsm = getenv("VIGIL_ENFORCE_TIER") && strcmp(getenv("VIGIL_ENFORCE_TIER"), "lsm") == 0;
	snprintf(dir, sizeof(dir), "/tmp/vigil-live-enforce-%d", getpid());
	return mkdir(dir, 0755);
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(denied_exec_never_runs, stop_vigil),
		cmocka_unit_test_teardown(audit_mode_alerts_and_lets_run, stop_vigil),
		cmocka_unit_test_teardown(denied_open_stops_the_reader, stop_vigil),
		cmocka_unit_test_teardown(denied_connect_stops_the_caller, stop_vigil),
		cmocka_unit_test_teardown(reload_swaps_the_policy, stop_vigil),
		cmocka_unit_test_teardown(thousands_of_paths_load_and_enforce, stop_vigil),
		cmocka_unit_test_teardown(self_protection_refuses_sigkill, stop_vigil),
		cmocka_unit_test_teardown(container_id_from_cgroup2_name, stop_vigil),
		cmocka_unit_test_teardown(container_id_from_cgroup_v1_name, stop_vigil),
		cmocka_unit_test_teardown(broken_policy_is_refused, stop_vigil),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
