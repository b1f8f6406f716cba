// SPDX-License-Identifier: Apache-2.0
/*
 * Which state syscalls the kernel must send (engine/interest.c): only those
 * keeping state (fd table, cwd) that an enabled rule reads, in its
 * condition, exceptions or output.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "interest.h"
#include "kernel/syscall_table.h"

#define RULE(cond, out)                                                                            \
	"- rule: R\n  desc: d\n  condition: " cond "\n  output: \"" out "\"\n  priority: NOTICE\n"

static unsigned needs_of(const char *yaml, bool *wanted)
{
	struct vg_ruleset *rs = th_load(yaml);
	unsigned needs;

	if (vg_ruleset_skipped(rs))
		th_dump(rs);
	assert_int_equal(vg_ruleset_skipped(rs), 0);
	needs = vg_interest_state_needs(rs);
	vg_interest_from_rules(rs, wanted);
	vg_ruleset_free(rs);
	return needs;
}

static void exec_only_needs_no_state(void **state)
{
	bool w[VG_SC__MAX];

	(void)state;
	assert_int_equal(needs_of(RULE("evt.type = execve and proc.name = x", "%proc.name"), w), 0);
	assert_true(w[VG_SC_execve]);
	assert_false(w[VG_SC_close] || w[VG_SC_dup2] || w[VG_SC_fcntl] || w[VG_SC_chdir] ||
		     w[VG_SC_fchdir] || w[VG_SC_openat]);
}

static void fd_name_in_output_needs_the_fd_table(void **state)
{
	bool w[VG_SC__MAX];

	(void)state;
	assert_int_equal(needs_of(RULE("evt.type = connect", "%fd.name"), w), VG_NEED_ALL);
	assert_true(w[VG_SC_connect] && w[VG_SC_close] && w[VG_SC_dup] && w[VG_SC_dup2] &&
		    w[VG_SC_dup3] && w[VG_SC_fcntl] && w[VG_SC_chdir] && w[VG_SC_fchdir]);
	/* new fds the rules do not ask for are found in /proc */
	assert_false(w[VG_SC_openat] || w[VG_SC_socket]);
}

static void cwd_alone(void **state)
{
	bool w[VG_SC__MAX];

	(void)state;
	assert_int_equal(needs_of(RULE("evt.type = execve and proc.cwd = /tmp/", "x"), w),
			 VG_NEED_CWD);
	assert_true(w[VG_SC_chdir] && w[VG_SC_fchdir]);
	assert_false(w[VG_SC_close] || w[VG_SC_dup2]);
}

static void event_arguments(void **state)
{
	bool w[VG_SC__MAX];

	(void)state;
	/* flags are the call's own argument; a name is a path made absolute */
	assert_int_equal(
		needs_of(RULE("evt.type = openat and evt.arg.flags contains O_RDWR", "x"), w), 0);
	assert_int_equal(needs_of(RULE("evt.type = openat", "%evt.arg.name"), w), VG_NEED_ALL);
	assert_int_equal(needs_of(RULE("evt.type = openat and evt.arg[1] = x", "x"), w),
			 VG_NEED_ALL);
	assert_int_equal(needs_of(RULE("evt.type = mkdirat and fs.path.name = x", "x"), w),
			 VG_NEED_ALL);
}

static void disabled_rules_and_exceptions(void **state)
{
	bool w[VG_SC__MAX];

	(void)state;
	assert_int_equal(
		needs_of(RULE("evt.type = connect and fd.name = x", "x") "  enabled: false\n", w),
		0);
	assert_false(w[VG_SC_close]);
	assert_int_equal(needs_of(RULE("evt.type = execve", "x") "  exceptions:\n"
								 "    - name: e\n"
								 "      fields: [fd.name]\n"
								 "      values: [[/x]]\n",
				  w),
			 VG_NEED_ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exec_only_needs_no_state),
		cmocka_unit_test(fd_name_in_output_needs_the_fd_table),
		cmocka_unit_test(cwd_alone),
		cmocka_unit_test(event_arguments),
		cmocka_unit_test(disabled_rules_and_exceptions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
