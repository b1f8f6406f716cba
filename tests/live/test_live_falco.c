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
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	const char *const args[] = {"-r", FALCO_RULES, NULL};

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

int main(void)
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
	};

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
