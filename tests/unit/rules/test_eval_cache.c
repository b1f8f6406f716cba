// SPDX-License-Identifier: Apache-2.0
/*
 * The evaluator's per-event caches: a field read with different arguments
 * gets a value per argument, cached values and shared subtrees belong to
 * one event only (a new event, even through the same context, re-reads),
 * an alert's output reuses the event's values, a full arena starts over
 * without losing values, the cheapest-first order never changes a
 * result, and neither do the programs specialised per event type nor
 * the keys that pick which rules run.
 */
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "kernel/evttypes.h"
#include "rules/format.h"
#include "rules/keys.h"
#include "rules/rules_internal.h"
#include "state/fd_table.h"
#include "vigil/syscalls.h"

static struct th_world W;

static int setup(void **state)
{
	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	return 0;
}

/* Collects the names of matching rules, comma-separated. */
static bool collect(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	char *names = arg;

	(void)ctx;
	if (names[0])
		strcat(names, ",");
	strcat(names, vg_rule_name(r));
	return true;
}

static struct vg_ruleset *load_all(const char *yaml)
{
	struct vg_ruleset_opts o = {.match_all = true,
				    .passwd_path = TEST_DATA_DIR "/passwd",
				    .group_path = TEST_DATA_DIR "/group"};
	struct vg_ruleset *rs = vg_ruleset_new(&o);

	assert_non_null(rs);
	vg_ruleset_load_string(rs, "cache.yaml", yaml, strlen(yaml));
	if (vg_ruleset_compile(rs) != 0) {
		th_dump(rs);
		fail_msg("rules did not compile");
	}
	return rs;
}

static const char *matches(struct vg_ruleset *rs)
{
	static char names[512];

	names[0] = '\0';
	vg_ruleset_eval(rs, &W.ctx, collect, names);
	return names;
}

#define RULE(name, cond)                                                                           \
	"- rule: " name "\n  desc: d\n  condition: evt.type = execve and " cond                    \
	"\n  output: o\n  priority: INFO\n"

static void test_same_field_different_args(void **state)
{
	/* one slot per (field, argument): aname[1] and aname[2] must not share */
	struct vg_ruleset *rs = load_all(
		RULE("p1", "proc.aname[1] = bash") RULE("p2", "proc.aname[2] = sshd")
			RULE("p2bash", "proc.aname[2] = bash") RULE("p3", "proc.aname[3] = systemd")
				RULE("any", "proc.aname = sshd")
					RULE("p1again", "proc.aname[1] in (bash)"));

	(void)state;
	assert_string_equal(matches(rs), "p1,p2,p3,any,p1again");
	vg_ruleset_free(rs);
}

static void test_new_event_rereads(void **state)
{
	/* the same context object with new contents is a new event */
	struct vg_ruleset *rs = load_all(RULE("cat", "proc.name = cat") RULE(
		"shared", "proc.name = cat and proc.pid = 300") RULE("ls", "proc.name = ls"));

	(void)state;
	assert_string_equal(matches(rs), "cat,shared");
	snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "ls");
	assert_string_equal(matches(rs), "ls");
	assert_false(vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &W.ctx));
	assert_true(vg_rule_eval(rs, vg_ruleset_rule(rs, 2), &W.ctx));
	snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "cat");
	assert_true(vg_rule_eval(rs, vg_ruleset_rule(rs, 0), &W.ctx));
	assert_string_equal(matches(rs), "cat,shared");
	vg_ruleset_free(rs);
}

static void test_shared_subtree_per_rule_context(void **state)
{
	/*
	 * The macro is shared by three rules (one memo) under different
	 * surroundings, and negated in one: each rule still gets its own answer.
	 */
	struct vg_ruleset *rs = load_all(
		"- macro: is_cat\n  condition: (proc.name = cat and "
		"proc.cmdline contains shadow)\n" RULE("a", "is_cat") RULE("b", "not is_cat")
			RULE("c", "is_cat and proc.pid = 1") RULE("d", "(is_cat or proc.pid = 1)"));

	(void)state;
	assert_string_equal(matches(rs), "a,d");
	W.procs[3].args = (char *)"cat\0/etc/hosts";
	W.procs[3].args_len = sizeof("cat\0/etc/hosts");
	assert_string_equal(matches(rs), "b");
	vg_ruleset_free(rs);
}

/* Records the output rendered inside the match callback. */
struct rendered {
	struct vg_ruleset *rs;
	char text[256];
};

static bool render_cb(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct rendered *out = arg;

	vg_rule_render_output(out->rs, r, ctx, out->text, sizeof(out->text));
	return true;
}

static void test_output_reuses_event_values(void **state)
{
	const char *y = "- rule: r\n  desc: d\n  condition: evt.type = execve and proc.cmdline "
			"contains shadow and proc.aname[2] = sshd\n  output: '%proc.cmdline by "
			"%proc.aname[2] (%proc.aname[1], %toupper(proc.name))'\n  priority: INFO\n";
	struct rendered out = {.rs = load_all(y)};
	char again[256];

	(void)state;
	assert_int_equal(vg_ruleset_eval(out.rs, &W.ctx, render_cb, &out), 1);
	assert_string_equal(out.text, "cat /etc/shadow -n by sshd (bash, CAT)");
	/* outside an evaluation the output reads the event afresh */
	snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "tac");
	vg_rule_render_output(out.rs, vg_ruleset_rule(out.rs, 0), &W.ctx, again, sizeof(again));
	assert_string_equal(again, "tac /etc/shadow -n by sshd (bash, TAC)");
	vg_ruleset_free(out.rs);
}

static void test_full_arena_starts_over(void **state)
{
	/*
	 * With 4 KiB per check, proc.cmdline and proc.exeline (4 KiB each: they
	 * build proc.args on the way) and proc.args (2 KiB) do not all fit in
	 * the event's 8 KiB: the cache starts over between checks, and every
	 * check still sees its full value, event after event.
	 */
	struct vg_ruleset_opts o = {.match_all = true, .scratch_bytes = 4096};
	const char *y =
		RULE("both", "proc.cmdline endswith zz and proc.args startswith yy and "
			     "proc.exeline endswith zz and proc.cmdline startswith 'cat yy'");
	struct vg_ruleset *rs = vg_ruleset_new(&o);
	size_t n = 2000;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, "x\0yy", 4);
	memcpy(big + n - 3, "zz", 3);
	th_set_args(&W, big, n);
	vg_ruleset_load_string(rs, "t", y, strlen(y));
	assert_int_equal(vg_ruleset_compile(rs), 0);
	assert_string_equal(matches(rs), "both");
	assert_string_equal(matches(rs), "both");
	vg_ruleset_free(rs);
	free(big);
}

static void test_order_keeps_results(void **state)
{
	/*
	 * The same condition written cheapest-last and cheapest-first, with
	 * missing fields, negations and ors: equal answers, event after event.
	 */
	struct vg_ruleset *rs = load_all(
		RULE("slow_first", "(proc.cmdline regex '.*sha.*' or proc.aname = init) "
				   "and not fd.name exists and proc.pid in (300, 301)")
			RULE("fast_first", "proc.pid in (300, 301) and not fd.name exists and "
					   "(proc.aname = init or proc.cmdline regex '.*sha.*')"));

	(void)state;
	assert_string_equal(matches(rs), "slow_first,fast_first");
	W.procs[3].pid = 302;
	assert_string_equal(matches(rs), "");
	W.procs[3].pid = 301;
	W.procs[3].args = (char *)"cat\0/etc/passwd";
	W.procs[3].args_len = sizeof("cat\0/etc/passwd");
	assert_string_equal(matches(rs), "");
	snprintf(W.procs[0].comm, sizeof(W.procs[0].comm), "init");
	assert_string_equal(matches(rs), "slow_first,fast_first");
	vg_ruleset_free(rs);
}

/* Makes W an openat of path by a process named comm. */
static void openat_event(const char *comm, const char *path)
{
	static struct vg_syscall_body sc;
	static struct vg_fd fd;

	th_world_init(&W, VG_EV_SYSCALL);
	snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "%s", comm);
	memset(W.ev.var, 0, sizeof(W.ev.var));
	memset(&sc, 0, sizeof(sc));
	sc.id = VG_SC_openat;
	sc.args[2] = O_RDONLY;
	W.ev.sc = &sc;
	W.hdr.retval = 3;
	fd = (struct vg_fd){.num = 3, .type = VG_FDT_FILE, .name = (char *)path};
	W.st.fd = &fd;
	W.st.path_abs = path;
}

static void test_programs_per_event_type(void **state)
{
	/*
	 * Each event type runs its own program of a rule, with the evt.type
	 * tests decided: "either" loses the other type's branch, "exec_or_cat"
	 * holds for every execve and tests the name for other types, "not_exec"
	 * cannot match an execve at all.
	 */
	struct vg_ruleset *rs = load_all(
		"- rule: either\n  desc: d\n  condition: (evt.type = execve and proc.name = cat) "
		"or "
		"(evt.type = openat and fd.name = /etc/shadow)\n  output: o\n  priority: INFO\n"
		"- rule: exec_or_cat\n  desc: d\n  condition: evt.type = execve or proc.name = "
		"cat\n"
		"  output: o\n  priority: INFO\n  warn_evttypes: false\n"
		"- rule: not_exec\n  desc: d\n  condition: not evt.type = execve and proc.name in "
		"(cat, ls)\n  output: o\n  priority: INFO\n  warn_evttypes: false\n");

	(void)state;
	assert_string_equal(matches(rs), "either,exec_or_cat");
	snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "ls");
	assert_string_equal(matches(rs), "exec_or_cat");
	openat_event("cat", "/etc/shadow");
	assert_string_equal(matches(rs), "either,exec_or_cat,not_exec");
	openat_event("ls", "/etc/shadow");
	assert_string_equal(matches(rs), "either,not_exec");
	openat_event("cat", "/etc/hosts");
	assert_string_equal(matches(rs), "exec_or_cat,not_exec");
	openat_event("vi", "/etc/hosts");
	assert_string_equal(matches(rs), "");
	vg_ruleset_free(rs);
}

static void test_rules_found_by_key(void **state)
{
	/*
	 * Rules that need proc.name (or an ancestor's name) in a set are found
	 * by one lookup per event: the ones whose set has the value run, in
	 * load order with the rules no key decides.
	 */
	const char *y = RULE("shells", "proc.name in (bash, sh)")
		RULE("cat_or_tac", "(proc.name = cat or proc.name = tac) and proc.pid = 300")
			RULE("unkeyed", "proc.pid = 300")
				RULE("cat_by_name", "proc.name = cat and not proc.pid = 1")
					RULE("under_sshd", "proc.aname in (sshd, login)")
						RULE("under_init", "proc.aname = systemd");
	struct vg_ruleset_opts first = {.passwd_path = TEST_DATA_DIR "/passwd",
					.group_path = TEST_DATA_DIR "/group"};
	struct vg_ruleset *rs = load_all(y), *rs_first = vg_ruleset_new(&first);

	(void)state;
	assert_string_equal(matches(rs), "cat_or_tac,unkeyed,cat_by_name,under_sshd,under_init");
	snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "sh");
	assert_string_equal(matches(rs), "shells,unkeyed,under_sshd,under_init");
	snprintf(W.procs[1].comm, sizeof(W.procs[1].comm), "dropbear");
	W.procs[3].pid = 301;
	assert_string_equal(matches(rs), "shells,under_init");
	snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "vi");
	assert_string_equal(matches(rs), "under_init");
	/* rule_matching first: the first in load order, keyed or not */
	vg_ruleset_load_string(rs_first, "t", y, strlen(y));
	assert_int_equal(vg_ruleset_compile(rs_first), 0);
	snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "cat");
	W.procs[3].pid = 300;
	assert_string_equal(matches(rs_first), "cat_or_tac");
	W.procs[3].pid = 301;
	assert_string_equal(matches(rs_first), "cat_by_name");
	vg_ruleset_free(rs);
	vg_ruleset_free(rs_first);
}

/* Whether execve's rule i (load order) runs on every event: no key bounds it. */
static bool exec_rule_unkeyed(const struct vg_ruleset *rs, size_t i)
{
	const struct vg_type_keys *tk = rs->compiled.keys[vg_evttype_code("execve", 6)];

	return !tk || (tk->unkeyed[i / 64] >> (i % 64) & 1);
}

static void test_anyof_rules_found_by_key(void **state)
{
	/*
	 * "startswith anyof", "endswith anyof" and "contains anyof" bound a
	 * rule as an or of single tests would: the rule is filed under each
	 * value and runs only when the field starts with (ends with, contains)
	 * one of them. Before, a modifier left the rule unkeyed: it ran on
	 * every event of its type (the default rules' open rules on every open).
	 */
	struct vg_ruleset *rs = load_all(
		RULE("starts", "proc.name startswith anyof (catal, xyzzy)")
			RULE("ends", "proc.name endswith anyof (talog, zzzzz)")
				RULE("has", "proc.name contains anyof (atalog, qqqqqqqq)")
					RULE("all", "proc.name startswith allof (cata, catal)"));
	static const struct {
		const char *comm, *want;
	} cases[] = {{"catalog", "starts,ends,has,all"},
		     {"xyzzy-1", "starts"},
		     {"quxzzzzz", "ends"},
		     {"aqqqqqqqqb", "has"},
		     {"cata", ""},
		     {"vi", ""}};

	(void)state;
	for (size_t i = 0; i < 4; i++)
		assert_false(exec_rule_unkeyed(rs, i));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(W.procs[3].comm, sizeof(W.procs[3].comm), "%s", cases[i].comm);
		assert_string_equal(matches(rs), cases[i].want);
	}
	vg_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_same_field_different_args, setup),
		cmocka_unit_test_setup(test_new_event_rereads, setup),
		cmocka_unit_test_setup(test_shared_subtree_per_rule_context, setup),
		cmocka_unit_test_setup(test_output_reuses_event_values, setup),
		cmocka_unit_test_setup(test_full_arena_starts_over, setup),
		cmocka_unit_test_setup(test_order_keeps_results, setup),
		cmocka_unit_test_setup(test_programs_per_event_type, setup),
		cmocka_unit_test_setup(test_rules_found_by_key, setup),
		cmocka_unit_test_setup(test_anyof_rules_found_by_key, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
