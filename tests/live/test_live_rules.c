// SPDX-License-Identifier: Apache-2.0
/*
 * Live kernel: `vigil run` with vigil's default rules (rules/) alerts on
 * each rule's behaviour, in Falco's JSON schema, and stays quiet on a benign
 * counterpart of each. Needs root; exits 77 (skipped) otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil_proc.h"

static struct vigil_proc V;
static char dir[128]; /* a scratch directory for the binaries the tests run */

struct want {
	const char *rule;
	const char *marker; /* must appear in output_fields' proc.cmdline */
};

static bool match_alert(json_object *a, const void *arg)
{
	const struct want *w = arg;
	json_object *fields, *cmdline;

	if (strcmp(jstr(a, "rule"), w->rule) != 0)
		return false;
	fields = jget(a, "output_fields");
	if (!json_object_object_get_ex(fields, "proc.cmdline", &cmdline))
		return false;
	return strstr(json_object_get_string(cmdline), w->marker) != NULL;
}

/* A copy of /bin/true under a name and directory the rules look at. */
static void make_binary(const char *path)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname %s)\" && cp /bin/true %s", path, path);
	assert_int_equal(system(cmd), 0);
}

static json_object *expect_alert(const char *rule, const char *marker)
{
	struct want w = {rule, marker};
	json_object *a = vigil_wait_event(&V, match_alert, &w, 10000);

	if (!a)
		fail_msg("no '%s' alert for %s within 10 s", rule, marker);
	return a;
}

/* Benign actions run before a marker action: when the marker's alert is in, theirs would be too. */
static void expect_no_alert(const char *marker, const char *fence_rule, const char *fence_marker)
{
	expect_alert(fence_rule, fence_marker);
	assert_null(vigil_wait_event(&V, match_text, marker, 0));
}

static int group_setup(void **state)
{
	const char *const args[] = {"-r", VIGIL_RULES_DIR, NULL};

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vigil-live-rules-%d", getpid());
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
	vigil_free(&V);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void alert_has_falco_schema(void **state)
{
	char bin[256];
	json_object *a, *tags, *vg;

	(void)state;
	snprintf(bin, sizeof(bin), "%s/schema-check", dir);
	make_binary(bin);
	const char *argv[] = {bin, NULL};

	assert_int_equal(run_quiet(argv), 0);
	a = expect_alert("Execution from Temporary Directory", "schema-check");
	assert_string_equal(jstr(a, "priority"), "Notice");
	assert_string_equal(jstr(a, "source"), "syscall");
	assert_true(strlen(jstr(a, "hostname")) > 0);
	assert_int_equal(strlen(jstr(a, "time")), strlen("2026-01-01T00:00:00.000000000Z"));
	assert_non_null(strstr(jstr(a, "output"), "Notice Program executed from a temporary"));
	assert_non_null(strstr(jstr(a, "output"), bin));
	assert_int_not_equal(jstr(a, "output")[strlen(jstr(a, "output")) - 1], '\n');
	tags = jget(a, "tags");
	assert_true(json_object_array_length(tags) >= 2);
	assert_string_equal(jstr(jget(a, "output_fields"), "proc.exepath"), bin);
	assert_true(json_object_is_type(jget(jget(a, "output_fields"), "proc.pid"), json_type_int));
	vg = jget(a, "vigil");
	assert_true(strlen(jstr(vg, "exec_id")) > 0);
	assert_int_equal(jint(json_object_array_get_idx(jget(vg, "ancestors"), 0), "pid"),
			 getpid());
}

static void shell_spawned_by_service_daemon(void **state)
{
	char daemon[256], marker[64];

	(void)state;
	snprintf(daemon, sizeof(daemon), "%s/nginx", dir);
	snprintf(marker, sizeof(marker), "svc-%d", getpid());
	/* a fake nginx (a shell under that name) that starts a shell */
	assert_int_equal(symlink("/bin/sh", daemon) == 0 || access(daemon, X_OK) == 0, 1);
	char script[128];

	snprintf(script, sizeof(script), "/bin/sh -c 'exit 0' %s; exit 0", marker);
	const char *argv[] = {daemon, "-c", script, NULL};

	assert_int_equal(run_quiet(argv), 0);
	expect_alert("Shell Spawned by Service Daemon", marker);
}

static void netcat_exec_flag_and_benign_netcat(void **state)
{
	char nc[256], marker[64], benign[64];

	(void)state;
	snprintf(nc, sizeof(nc), "%s/bin/nc", dir);
	make_binary(nc);
	snprintf(marker, sizeof(marker), "nc-exec-%d", getpid());
	snprintf(benign, sizeof(benign), "nc-plain-%d", getpid());
	const char *plain[] = {nc, "-z", "127.0.0.1", benign, NULL};
	const char *bad[] = {nc, "-e", "/bin/sh", "127.0.0.1", marker, NULL};

	assert_int_equal(run_quiet(plain), 0);
	assert_int_equal(run_quiet(bad), 0);
	expect_alert("Netcat Reverse Shell Arguments", marker);
	/* the plain one ran first and only matches the temp-dir rule, never the netcat one */
	struct want w = {"Netcat Reverse Shell Arguments", benign};

	assert_null(vigil_wait_event(&V, match_alert, &w, 0));
}

static void shadow_read_and_benign_cat(void **state)
{
	char marker[64];
	int fd;

	(void)state;
	snprintf(marker, sizeof(marker), "/tmp/vigil-not-shadow-%d", getpid());
	fd = creat(marker, 0600);
	close(fd);
	const char *benign[] = {"/bin/cat", marker, NULL};
	const char *bad[] = {"/bin/cat", "/etc/shadow", NULL};

	assert_int_equal(run_quiet(benign), 0);
	assert_int_equal(run_quiet(bad), 0);
	expect_no_alert(marker, "Shadow File Read by Command Line Tool", "/etc/shadow");
	unlink(marker);
}

static void cryptominer_name(void **state)
{
	char miner[256], benign[256];

	(void)state;
	/* outside temp directories, so the temp-dir rule (earlier in the file) can't take it */
	snprintf(miner, sizeof(miner), "/var/lib/vigil-live-%d/xmrig", getpid());
	snprintf(benign, sizeof(benign), "/var/lib/vigil-live-%d/xmrig-notes", getpid());
	make_binary(miner);
	make_binary(benign);
	const char *bad[] = {miner, NULL};
	const char *ok[] = {benign, NULL};

	assert_int_equal(run_quiet(ok), 0);
	assert_int_equal(run_quiet(bad), 0);
	expect_no_alert("xmrig-notes", "Known Cryptominer Executed", "xmrig");
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf /var/lib/vigil-live-%d", getpid());
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alert_has_falco_schema),
		cmocka_unit_test(shell_spawned_by_service_daemon),
		cmocka_unit_test(netcat_exec_flag_and_benign_netcat),
		cmocka_unit_test(shadow_read_and_benign_cat),
		cmocka_unit_test(cryptominer_name),
	};

	if (geteuid() != 0) {
		printf("SKIP: live kernel tests need root\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
