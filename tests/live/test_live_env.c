// SPDX-License-Identifier: Apache-2.0
/*
 * Live kernel: proc.env comes with the exec event. A process exec'd with
 * VIGIL_ENV_TEST=<marker> matches proc.env[VIGIL_ENV_TEST] and proc.env
 * contains, even when it has exited long before vigil evaluates the event
 * (there is no /proc/<pid>/environ left to read); a different value does
 * not match. An environment longer than the event carries is completed from
 * /proc while the process lives. Needs root; exits 77 (skipped) otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil_proc.h"

static struct vigil_proc V;
static char rules[128];

static const char RULES[] =
	"- rule: env marker\n"
	"  desc: the test's variable, by name and in the whole environment\n"
	"  condition: >\n"
	"    evt.type in (execve, execveat) and proc.env[VIGIL_ENV_TEST] startswith marker-\n"
	"    and proc.env contains \"VIGIL_ENV_TEST=marker-\"\n"
	"  output: env=%proc.env[VIGIL_ENV_TEST] cmd=%proc.cmdline\n"
	"  priority: WARNING\n";

static bool match_marker(json_object *a, const void *arg)
{
	json_object *fields, *v;

	if (strcmp(jstr(a, "rule"), "env marker") != 0)
		return false;
	fields = jget(a, "output_fields");
	return json_object_object_get_ex(fields, "proc.env[VIGIL_ENV_TEST]", &v) &&
	       json_object_is_type(v, json_type_string) &&
	       strcmp(json_object_get_string(v), (const char *)arg) == 0;
}

static int group_setup(void **state)
{
	const char *const args[] = {"-r", rules, NULL};
	FILE *f;

	(void)state;
	snprintf(rules, sizeof(rules), "/tmp/vigil-live-env-%d.yaml", getpid());
	f = fopen(rules, "w");
	if (!f || fputs(RULES, f) < 0 || fclose(f) != 0)
		return -1;
	return vigil_start_cmd(&V, "run", args);
}

static int group_teardown(void **state)
{
	int status;

	(void)state;
	status = vigil_stop(&V);
	unlink(rules);
	vigil_free(&V);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* env -i NAME=VALUE... /bin/true: a process whose environment is exactly that, gone at once. */
static void run_with_env(const char *var)
{
	const char *argv[] = {"/usr/bin/env", "-i", var, "/bin/true", NULL};

	assert_int_equal(run_quiet(argv), 0);
}

static void env_of_exited_process_matches(void **state)
{
	char marker[64], other[64], var[96];
	json_object *a;

	(void)state;
	snprintf(other, sizeof(other), "other-%d", getpid());
	snprintf(var, sizeof(var), "VIGIL_ENV_TEST=%s", other);
	run_with_env(var); /* benign first: its alert, if any, would come before the marker's */
	snprintf(marker, sizeof(marker), "marker-%d", getpid());
	snprintf(var, sizeof(var), "VIGIL_ENV_TEST=%s", marker);
	run_with_env(var);
	a = vigil_wait_event(&V, match_marker, marker, 10000);
	if (!a)
		fail_msg("no 'env marker' alert with proc.env[VIGIL_ENV_TEST]=%s within 10 s",
			 marker);
	assert_non_null(strstr(jstr(a, "output"), "cmd=true"));
	assert_null(vigil_wait_event(&V, match_text, other, 0));
}

/* Past the 8 KiB the event carries, the variable is read from /proc while the process lives. */
static void long_env_completed_from_proc(void **state)
{
	char marker[64], var[96], *pad = malloc(12001);
	pid_t pid;
	json_object *a;

	(void)state;
	assert_non_null(pad);
	memcpy(pad, "PAD=", 4);
	memset(pad + 4, 'x', 11996);
	pad[12000] = '\0';
	snprintf(marker, sizeof(marker), "marker-long-%d", getpid());
	snprintf(var, sizeof(var), "VIGIL_ENV_TEST=%s", marker);
	pid = fork();
	if (pid == 0) {
		char *envp[] = {pad, var, NULL};
		char *argv[] = {"sleep", "30", NULL};

		execve("/bin/sleep", argv, envp);
		_exit(127);
	}
	assert_true(pid > 0);
	a = vigil_wait_event(&V, match_marker, marker, 10000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(pad);
	if (!a)
		fail_msg("no 'env marker' alert for a 12 KiB environment within 10 s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(env_of_exited_process_matches),
		cmocka_unit_test(long_env_completed_from_proc),
	};

	if (geteuid() != 0) {
		printf("SKIP: live kernel tests need root\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
