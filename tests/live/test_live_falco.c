// SPDX-License-Identifier: Apache-2.0
/*
 * Live kernel: Falco's stable rules (falco_rules.yaml, unmodified) fire on
 * this host for the behaviour each describes, with the key fields right,
 * and stay quiet for a benign counterpart of each. Needs root and the
 * Falco rule files beside the source tree (../shared); skips (77) otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "vigil_proc.h"

#define FALCO_RULES VIGIL_FALCO_RULES_DIR "/falco_rules.yaml"

static struct vigil_proc V;
static char dir[128];

struct want {
	const char *rule;
	const char *needle; /* must appear in the alert's output text */
};

static bool match_alert(json_object *a, const void *arg)
{
	const struct want *w = arg;

	return !strcmp(jstr(a, "rule"), w->rule) && strstr(jstr(a, "output"), w->needle);
}

static json_object *expect(const char *rule, const char *needle)
{
	struct want w = {rule, needle};
	json_object *a = vigil_wait_event(&V, match_alert, &w, 10000);

	if (!a)
		fail_msg("no '%s' alert mentioning %s within 10 s", rule, needle);
	return a;
}

/* The benign action ran before the fenced one; once that alert is in, the benign one's would be. */
static void expect_none(const char *needle)
{
	assert_null(vigil_wait_event(&V, match_text, needle, 0));
}

static void sh(const char *script)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};

	run_quiet(argv);
}

static int group_setup(void **state)
{
	/* no metrics endpoint: its fixed port may be another vigil's on a shared machine */
	const char *const args[] = {"-r", FALCO_RULES, "-o", "metrics.enabled=false", NULL};

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-live-falco-%d", getpid());
	mkdir(dir, 0755);
	return vigil_start_cmd(&V, "run", args);
}

static int group_teardown(void **state)
{
	char cmd[256];
	int status;

	(void)state;
	status = vigil_stop(&V);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return -1;
	if (!vigil_no_drops(&V)) /* no event lost during the whole run */
		return -1;
	vigil_free(&V);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void read_sensitive_file_untrusted(void **state)
{
	char benign[192];
	json_object *a;

	(void)state;
	snprintf(benign, sizeof(benign), "%s/not-shadow", dir);
	close(creat(benign, 0600));
	const char *ok[] = {"/bin/cat", benign, NULL};
	const char *bad[] = {"/bin/cat", "/etc/shadow", NULL};

	run_quiet(ok);
	run_quiet(bad);
	a = expect("Read sensitive file untrusted", "file=/etc/shadow");
	assert_string_equal(jstr(jget(a, "output_fields"), "fd.name"), "/etc/shadow");
	assert_string_equal(jstr(a, "priority"), "Warning");
	expect_none(benign);
}

static void search_private_keys(void **state)
{
	char benign[256], bad[256];

	(void)state;
	snprintf(benign, sizeof(benign), "find %s -name vigil-benign-notes", dir);
	snprintf(bad, sizeof(bad), "find %s -name id_rsa", dir);
	sh(benign);
	sh(bad);
	expect("Search Private Keys or Passwords", "id_rsa");
	expect_none("vigil-benign-notes");
}

static void find_aws_credentials(void **state)
{
	char benign[256], bad[256];

	(void)state;
	snprintf(benign, sizeof(benign), "grep -r vigil_benign_key %s", dir);
	snprintf(bad, sizeof(bad), "grep -r aws_secret_access_key %s", dir);
	sh(benign);
	sh(bad);
	expect("Find AWS Credentials", "aws_secret_access_key");
	expect_none("vigil_benign_key");
}

static void symlink_over_sensitive_file(void **state)
{
	char benign[192], bad[192];

	(void)state;
	snprintf(benign, sizeof(benign), "%s/link-to-hostname", dir);
	snprintf(bad, sizeof(bad), "%s/link-to-shadow", dir);
	assert_int_equal(symlink("/etc/hostname", benign), 0);
	assert_int_equal(symlink("/etc/shadow", bad), 0);
	expect("Create Symlink Over Sensitive Files", "link-to-shadow");
	expect_none("link-to-hostname");
}

static void execution_from_dev_shm(void **state)
{
	char bad[128], cmd[256];

	(void)state;
	snprintf(bad, sizeof(bad), "/dev/shm/vigil-live-%d", getpid());
	snprintf(cmd, sizeof(cmd), "cp /bin/true %s", bad);
	assert_int_equal(system(cmd), 0);
	const char *ok[] = {"/bin/true", "vigil-benign-true", NULL};
	const char *argv[] = {bad, NULL};

	run_quiet(ok);
	run_quiet(argv);
	expect("Execution from /dev/shm", bad);
	expect_none("vigil-benign-true");
	unlink(bad);
}

/* A ptrace request neither rule is about: on a process that isn't traced, so it fails. */
static void ptrace_peek(void)
{
	pid_t child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	ptrace(PTRACE_PEEKUSER, child, NULL, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static void ptrace_attach(void **state)
{
	struct want benign = {"PTRACE attached to process", "PTRACE_PEEKUSR"};
	pid_t victim;

	(void)state;
	ptrace_peek();
	victim = fork();
	if (victim == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(ptrace(PTRACE_ATTACH, victim, NULL, NULL), 0);
	waitpid(victim, NULL, 0);
	ptrace(PTRACE_DETACH, victim, NULL, NULL);
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	expect("PTRACE attached to process", "PTRACE_ATTACH");
	assert_null(vigil_wait_event(&V, match_alert, &benign, 0));
}

static void ptrace_anti_debug(void **state)
{
	struct want benign = {"PTRACE anti-debug attempt", "PTRACE_PEEKUSR"};
	pid_t child;

	(void)state;
	ptrace_peek();
	child = fork();
	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	expect("PTRACE anti-debug attempt", "PTRACE_TRACEME");
	assert_null(vigil_wait_event(&V, match_alert, &benign, 0));
}

static void hardlink_over_sensitive_file(void **state)
{
	char benign[192], bad[192];

	(void)state;
	snprintf(benign, sizeof(benign), "/etc/vigil-live-hostname-%d", getpid());
	snprintf(bad, sizeof(bad), "/etc/vigil-live-shadow-%d", getpid());
	assert_int_equal(link("/etc/hostname", benign), 0);
	assert_int_equal(link("/etc/shadow", bad), 0);
	expect("Create Hardlink Over Sensitive Files", "vigil-live-shadow");
	expect_none("vigil-live-hostname");
	unlink(benign);
	unlink(bad);
}

static void directory_traversal_read(void **state)
{
	struct want benign = {"Directory traversal monitored file read", "/etc/hostname"};
	json_object *a;

	(void)state;
	/* from a process that is not a shell; the benign one names its file plainly */
	const char *ok[] = {"/bin/cat", "/etc/hostname", NULL};
	const char *bad[] = {"/bin/cat", "/etc/../etc/../etc/passwd", NULL};

	run_quiet(ok);
	run_quiet(bad);
	a = expect("Directory traversal monitored file read", "/etc/passwd");
	assert_non_null(strstr(jstr(a, "output"), "../"));
	assert_null(vigil_wait_event(&V, match_alert, &benign, 0));
}

static void remove_bulk_data(void **state)
{
	char file[192], cmd[256];

	(void)state;
	snprintf(file, sizeof(file), "%s/to-remove", dir);
	close(creat(file, 0600));
	snprintf(cmd, sizeof(cmd), "rm -f %s", file);
	sh(cmd);
	snprintf(file, sizeof(file), "%s/to-shred", dir);
	close(creat(file, 0600));
	snprintf(cmd, sizeof(cmd), "shred -u %s", file);
	sh(cmd);
	expect("Remove Bulk Data from Disk", "to-shred");
	expect_none("to-remove");
}

static void clear_log_activities(void **state)
{
	struct want benign = {"Clear Log Activities", "vigil-live-keep"};
	char bad[128], keep[128], cmd[512];
	json_object *a;

	(void)state;
	snprintf(bad, sizeof(bad), "/var/log/vigil-live-clear-%d.log", getpid());
	snprintf(keep, sizeof(keep), "/var/log/vigil-live-keep-%d.log", getpid());
	/* appending to a log is what loggers do; truncating it erases evidence */
	snprintf(cmd, sizeof(cmd), "echo benign >> %s", keep);
	sh(cmd);
	snprintf(cmd, sizeof(cmd), "echo evidence > %s; : > %s", bad, bad);
	sh(cmd);
	a = expect("Clear Log Activities", bad);
	assert_string_equal(jstr(jget(a, "output_fields"), "fd.name"), bad);
	assert_string_equal(jstr(jget(a, "output_fields"), "evt.type"), "openat");
	assert_string_equal(jstr(jget(a, "output_fields"), "proc.name"), "sh");
	assert_null(vigil_wait_event(&V, match_alert, &benign, 0));
	unlink(bad);
	unlink(keep);
}

/* Runs /bin/true from an anonymous memory file, as fileless malware does. */
static void exec_from_memfd(const char *arg)
{
	char *const argv[] = {"true", (char *)arg, NULL};
	char *const envp[] = {NULL};
	pid_t child = fork();

	if (child == 0) {
		int in = open("/bin/true", O_RDONLY), mfd = memfd_create("vigil-fileless", 0);
		char buf[65536];
		ssize_t n;

		while (in >= 0 && mfd >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
			if (write(mfd, buf, n) != n)
				_exit(126);
		fexecve(mfd, argv, envp);
		_exit(127);
	}
	waitpid(child, NULL, 0);
}

static void fileless_execution_memfd(void **state)
{
	const char *ok[] = {"/bin/true", "vigil-benign-fileless", NULL};
	json_object *a, *f;

	(void)state;
	run_quiet(ok);
	exec_from_memfd("vigil-fileless-arg");
	a = expect("Fileless execution via memfd_create", "vigil-fileless-arg");
	f = jget(a, "output_fields");
	assert_non_null(strstr(jstr(f, "proc.exepath"), "memfd:vigil-fileless"));
	assert_non_null(strstr(jstr(f, "evt.arg.flags"), "EXE_FROM_MEMFD"));
	expect_none("vigil-benign-fileless");
}

/*
 * A network namespace behind a veth pair, addressed from TEST-NET-2
 * (198.51.100.0/24, RFC 5737): a peer that is neither loopback nor RFC 1918,
 * as Falco's outbound macro requires, that never leaves this host.
 */
struct peer_ns {
	char name[64], host_if[16], ip[32], host_cidr[40], peer_cidr[40];
	pid_t server;
};

static int ipcmd(const char *a, const char *b, const char *c, const char *d, const char *e,
		 const char *f, const char *g, const char *h)
{
	const char *argv[] = {"/usr/sbin/ip", a, b, c, d, e, f, g, h, NULL};

	return run_quiet(argv);
}

/* Accepts and drops connections on ports 22 and 4444 inside the namespace. */
static void serve_in_ns(const struct peer_ns *ns, int ready)
{
	char path[128];
	int fd, s[2];
	struct sockaddr_in sa = {.sin_family = AF_INET};

	snprintf(path, sizeof(path), "/run/netns/%s", ns->name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET) != 0)
		_exit(1);
	inet_pton(AF_INET, ns->ip, &sa.sin_addr);
	for (int i = 0; i < 2; i++) {
		int one = 1;

		s[i] = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(s[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sa.sin_port = htons(i ? 4444 : 22);
		if (bind(s[i], (struct sockaddr *)&sa, sizeof(sa)) || listen(s[i], 16))
			_exit(1);
	}
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (;;) {
		fd_set rd;

		FD_ZERO(&rd);
		FD_SET(s[0], &rd);
		FD_SET(s[1], &rd);
		if (select(s[1] + 1, &rd, NULL, NULL, NULL) < 0)
			_exit(0);
		for (int i = 0; i < 2; i++)
			if (FD_ISSET(s[i], &rd))
				close(accept(s[i], NULL, NULL));
	}
}

static bool peer_ns_up(struct peer_ns *ns)
{
	int k = getpid() % 64, p[2];
	char peer_if[16], c;

	snprintf(ns->name, sizeof(ns->name), "vigil-live-ssh-%d", getpid());
	snprintf(ns->host_if, sizeof(ns->host_if), "vgh%d", getpid());
	snprintf(peer_if, sizeof(peer_if), "vgp%d", getpid());
	snprintf(ns->ip, sizeof(ns->ip), "198.51.100.%d", 4 * k + 2);
	snprintf(ns->host_cidr, sizeof(ns->host_cidr), "198.51.100.%d/30", 4 * k + 1);
	snprintf(ns->peer_cidr, sizeof(ns->peer_cidr), "%s/30", ns->ip);
	if (ipcmd("netns", "add", ns->name, NULL, NULL, NULL, NULL, NULL) ||
	    ipcmd("link", "add", ns->host_if, "type", "veth", "peer", "name", peer_if) ||
	    ipcmd("link", "set", peer_if, "netns", ns->name, NULL, NULL, NULL) ||
	    ipcmd("addr", "add", ns->host_cidr, "dev", ns->host_if, NULL, NULL, NULL) ||
	    ipcmd("link", "set", ns->host_if, "up", NULL, NULL, NULL, NULL) ||
	    ipcmd("-n", ns->name, "addr", "add", ns->peer_cidr, "dev", peer_if, NULL) ||
	    ipcmd("-n", ns->name, "link", "set", peer_if, "up", NULL, NULL))
		return false;
	if (pipe(p))
		return false;
	ns->server = fork();
	if (ns->server == 0)
		serve_in_ns(ns, p[1]);
	close(p[1]);
	return read(p[0], &c, 1) == 1 && close(p[0]) == 0;
}

static void peer_ns_down(struct peer_ns *ns)
{
	if (ns->server > 0) {
		kill(ns->server, SIGKILL);
		waitpid(ns->server, NULL, 0);
	}
	ipcmd("link", "del", ns->host_if, NULL, NULL, NULL, NULL, NULL);
	ipcmd("netns", "del", ns->name, NULL, NULL, NULL, NULL, NULL);
}

static void ssh_to(const char *ip, const char *port)
{
	char dest[64];

	snprintf(dest, sizeof(dest), "vigil@%s", ip);
	const char *argv[] = {"/usr/bin/ssh",
			      "-o",
			      "BatchMode=yes",
			      "-o",
			      "StrictHostKeyChecking=no",
			      "-o",
			      "UserKnownHostsFile=/dev/null",
			      "-o",
			      "ConnectTimeout=10",
			      "-p",
			      port,
			      dest,
			      "true",
			      NULL};

	run_quiet(argv);
}

static void disallowed_ssh_non_standard_port(void **state)
{
	struct peer_ns ns = {0};
	struct want benign = {"Disallowed SSH Connection Non Standard Port", ""};
	char bad[64], ok[64];
	json_object *a, *f;

	(void)state;
	if (access("/usr/bin/ssh", X_OK) != 0 || access("/usr/sbin/ip", X_OK) != 0)
		skip(); /* scripts/deps.sh --test installs openssh-client and iproute2 */
	assert_true(peer_ns_up(&ns));
	snprintf(ok, sizeof(ok), "%s:22 ", ns.ip);
	snprintf(bad, sizeof(bad), "%s:4444 ", ns.ip);
	benign.needle = ok;
	ssh_to(ns.ip, "22");
	ssh_to(ns.ip, "4444");
	peer_ns_down(&ns);
	a = expect("Disallowed SSH Connection Non Standard Port", bad);
	f = jget(a, "output_fields");
	assert_int_equal(jint(f, "fd.rport"), 4444);
	assert_string_equal(jstr(f, "fd.l4proto"), "tcp");
	assert_string_equal(jstr(f, "proc.name"), "ssh");
	assert_null(vigil_wait_event(&V, match_alert, &benign, 0));
}

/*
 * This test program doubles as a stand-in for a service binary: copied as
 * DIR/NAME and run with --spawn, it is a process named NAME (comm and exe)
 * that runs a command as a child, optionally as another user.
 */
static int spawn_main(int argc, char **argv)
{
	pid_t child;
	int status;

	if (argc < 4)
		return 2;
	child = fork();
	if (child == 0) {
		if (strcmp(argv[2], "-") != 0) {
			uid_t id = (uid_t)atoi(argv[2]);

			if (setgid(id) || setuid(id))
				_exit(126);
		}
		execv(argv[3], argv + 3);
		_exit(127);
	}
	waitpid(child, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static char self_exe[512];

/* Copies this program to DIR/name; returns the copy's path in out. */
static void install_as(const char *name, char *out, size_t len)
{
	char cmd[1400];

	assert_true(snprintf(out, len, "%s/%s", dir, name) < (int)len);
	assert_true(snprintf(cmd, sizeof(cmd), "cp %s %s && chmod 755 %s", self_exe, out, out) <
		    (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
}

static void spawn_as(const char *helper, const char *uid, const char *cmd, const char *arg1,
		     const char *arg2, const char *arg3)
{
	const char *argv[] = {helper, "--spawn", uid, cmd, arg1, arg2, arg3, NULL};

	run_quiet(argv);
}

static void run_shell_untrusted(void **state)
{
	struct want benign = {"Run shell untrusted", "vigil-shell-benign"};
	char web[600], app[600];
	json_object *a, *f;

	(void)state;
	install_as("nginx", web, sizeof(web));
	install_as("vigil-app", app, sizeof(app));
	/* a shell below an application that is not a web server: not this rule's business */
	spawn_as(app, "-", "/bin/sh", "-c", "true vigil-shell-benign", NULL);
	/* a web server spawning a shell: remote code execution, typically */
	spawn_as(web, "-", "/bin/sh", "-c", "true vigil-shell-bad", NULL);
	a = expect("Run shell untrusted", "vigil-shell-bad");
	f = jget(a, "output_fields");
	assert_string_equal(jstr(f, "proc.pname"), "nginx");
	assert_string_equal(jstr(f, "proc.name"), "sh");
	assert_string_equal(jstr(f, "proc.pexepath"), web);
	assert_null(vigil_wait_event(&V, match_alert, &benign, 0));
}

static void system_user_interactive(void **state)
{
	struct want root = {"System user interactive", "vigil-sysuser-root"};
	struct want batch = {"System user interactive", "vigil-sysuser-batch"};
	char sshd[600], svc[600];
	json_object *a, *f;

	(void)state;
	install_as("sshd", sshd, sizeof(sshd));
	install_as("vigil-svc", svc, sizeof(svc));
	/* uid 1 is Debian's "daemon", a system user */
	spawn_as(sshd, "-", "/bin/echo", "vigil-sysuser-root", NULL, NULL);
	spawn_as(svc, "1", "/bin/echo", "vigil-sysuser-batch", NULL, NULL);
	spawn_as(sshd, "1", "/bin/echo", "vigil-sysuser-login", NULL, NULL);
	a = expect("System user interactive", "vigil-sysuser-login");
	f = jget(a, "output_fields");
	assert_string_equal(jstr(f, "user.name"), "daemon");
	assert_int_equal(jint(f, "user.uid"), 1);
	assert_string_equal(jstr(f, "proc.pname"), "sshd");
	assert_string_equal(jstr(f, "proc.name"), "echo");
	assert_null(vigil_wait_event(&V, match_alert, &root, 0));
	assert_null(vigil_wait_event(&V, match_alert, &batch, 0));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_sensitive_file_untrusted),
		cmocka_unit_test(search_private_keys),
		cmocka_unit_test(find_aws_credentials),
		cmocka_unit_test(symlink_over_sensitive_file),
		cmocka_unit_test(execution_from_dev_shm),
		cmocka_unit_test(ptrace_attach),
		cmocka_unit_test(ptrace_anti_debug),
		cmocka_unit_test(hardlink_over_sensitive_file),
		cmocka_unit_test(directory_traversal_read),
		cmocka_unit_test(remove_bulk_data),
		cmocka_unit_test(clear_log_activities),
		cmocka_unit_test(fileless_execution_memfd),
		cmocka_unit_test(disallowed_ssh_non_standard_port),
		cmocka_unit_test(run_shell_untrusted),
		cmocka_unit_test(system_user_interactive),
	};
	ssize_t n;

	if (argc > 1 && strcmp(argv[1], "--spawn") == 0)
		return spawn_main(argc, argv);
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0)
		return 1;
	self_exe[n] = '\0';

	if (geteuid() != 0) {
		printf("SKIP: live kernel tests need root\n");
		return 77;
	}
	if (access(FALCO_RULES, R_OK) != 0) {
		printf("SKIP: %s not found (Falco's rule files live in ../shared)\n", FALCO_RULES);
		return 77;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
