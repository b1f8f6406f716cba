// SPDX-License-Identifier: Apache-2.0
/*
 * The engine object (engine/engine/engine.h) as the commands drive it:
 * open -> configure -> start -> feed records -> stop -> close. A probe
 * record fed in comes out as an alert of the rule it matches; the engine,
 * not the alert stage, runs the rules; a swap puts new rules in force from
 * the next record on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "state/proc_table.h"
#include "records.h"
#include "rules/compile.h"
#include "rules/loader.h"

static const char RULES[] = "- rule: engine test exec\n"
			    "  desc: the exec of the test's own process\n"
			    "  condition: evt.type in (execve, execveat) and proc.pid = 4242\n"
			    "  output: exec of %proc.exe\n"
			    "  priority: WARNING\n";

static const char OTHER_RULES[] = "- rule: never\n"
				  "  desc: matches no process of this test\n"
				  "  condition: evt.type in (execve, execveat) and proc.pid = 1\n"
				  "  output: never\n"
				  "  priority: WARNING\n";

struct world {
	struct vg_engine e;
	char *out;
	size_t out_len;
	FILE *f;
	struct test_record rec;
};

static struct vg_ruleset *ruleset(const char *text, size_t len)
{
	struct vg_ruleset_opts o = {.passwd_path = "/nonexistent", .group_path = "/nonexistent"};
	struct vg_ruleset *rs = vg_ruleset_new(&o);

	assert_non_null(rs);
	assert_int_equal(vg_ruleset_load_string(rs, "engine.yaml", text, len), 0);
	assert_int_equal(vg_ruleset_compile(rs), 0);
	return rs;
}

/* The exec record of pid 4242, as the probe writes it. */
static void exec_record(struct test_record *r)
{
	rec_begin(r, VG_EV_EXEC, 4242, 1, sizeof(struct vg_exec_body));
	rec_str(r, VG_VAR_FILENAME, "/usr/bin/engtest");
	rec_str(r, VG_VAR_EXE, "/usr/bin/engtest");
	rec_var(r, VG_VAR_ARGV, "engtest", 8);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	const struct vg_engine_opts o = {.max_procs = 64};

	if (!w || vg_engine_open(&w->e, &o) != 0)
		return -1;
	w->f = open_memstream(&w->out, &w->out_len);
	if (!w->f || vg_engine_set_rules(&w->e, ruleset(RULES, sizeof(RULES) - 1), w->f) != 0)
		return -1;
	exec_record(&w->rec);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	vg_engine_stop(&w->e);
	vg_engine_close(&w->e);
	fclose(w->f);
	free(w->out);
	free(w);
	return 0;
}

static void feed(struct world *w)
{
	assert_int_equal(vg_engine_feed(&w->e, w->rec.buf, w->rec.len), 0);
	fflush(w->f);
}

static void a_record_in_is_an_alert_out(void **state)
{
	struct world *w = *state;

	assert_int_equal(vg_engine_start(&w->e), 0);
	feed(w);
	assert_int_equal(w->e.pl.decoded, 1);
	assert_int_equal(w->e.matches, 1);
	assert_int_equal(w->e.alerter.alerts, 1);
	assert_non_null(strstr(w->out, "\"rule\":\"engine test exec\""));
	assert_non_null(strstr(w->out, "Warning exec of engtest") /* proc.exe: argv[0] */);
	assert_non_null(strchr(w->out, '\n'));
}

static void match_mode_runs_the_rules_without_alerts(void **state)
{
	struct world *w = *state;

	assert_int_equal(vg_engine_set_mode(&w->e, VG_ENGINE_MATCH), 0);
	assert_int_equal(vg_engine_start(&w->e), 0);
	/* the mode is fixed while started */
	assert_int_equal(vg_engine_set_mode(&w->e, VG_ENGINE_ALERTS), -1);
	feed(w);
	assert_int_equal(w->e.matches, 1);
	assert_int_equal(w->e.alerter.alerts, 0);
	assert_int_equal(w->out_len, 0);
}

static void state_mode_decodes_without_rules(void **state)
{
	struct world *w = *state;

	assert_int_equal(vg_engine_set_mode(&w->e, VG_ENGINE_STATE), 0);
	assert_int_equal(vg_engine_start(&w->e), 0);
	feed(w);
	assert_int_equal(w->e.pl.decoded, 1);
	assert_int_equal(w->e.matches, 0);
	assert_int_equal(w->out_len, 0);
}

static void swapped_rules_are_in_force_from_the_next_record(void **state)
{
	struct world *w = *state;
	struct vg_ruleset *fresh = ruleset(OTHER_RULES, sizeof(OTHER_RULES) - 1);
	struct vg_ruleset *old;

	assert_int_equal(vg_engine_start(&w->e), 0);
	feed(w);
	assert_int_equal(w->e.alerter.alerts, 1);
	old = vg_engine_swap_rules(&w->e, fresh);
	assert_ptr_equal(w->e.rules, fresh);
	assert_ptr_equal(w->e.alerter.rules, fresh); /* the alert stage formats with them */
	vg_ruleset_free(old);
	feed(w);
	assert_int_equal(w->e.alerter.alerts, 1);
	assert_int_equal(w->e.matches, 1);
}

/* pid 4242 exits (its exec record above has an environment). */
static void exit_record(struct test_record *r)
{
	struct vg_exit_body *b;

	rec_begin(r, VG_EV_EXIT, 4242, 1, sizeof(*b));
	b = rec_body(r);
	b->exit_code = 0;
}

/*
 * Rules: the exit event reads the process's environment; aenv adds a rule
 * reading an ancestor's (proc.aenv), which keeps exited environments.
 */
static struct vg_ruleset *env_rules(bool aenv)
{
	static const char exit_rule[] =
		"- rule: exit with env\n"
		"  desc: the exit event still sees the environment\n"
		"  condition: evt.type = procexit and proc.env[ENGTEST] = yes\n"
		"  output: exit of %proc.pid\n"
		"  priority: WARNING\n";
	static const char aenv_rule[] =
		"- rule: ancestor env\n"
		"  desc: reads an ancestor's environment\n"
		"  condition: evt.type = execve and proc.aenv[ENGTEST] = never\n"
		"  output: child of %proc.ppid\n"
		"  priority: WARNING\n";
	char text[1024];

	snprintf(text, sizeof(text), "%s%s", exit_rule, aenv ? aenv_rule : "");
	return ruleset(text, strlen(text));
}

/* Feeds pid 4242's exec (with ENGTEST=yes) and exit; its entry after them. */
static struct vg_proc *exec_then_exit(struct world *w, bool aenv)
{
	struct vg_ruleset *old = vg_engine_swap_rules(&w->e, env_rules(aenv));

	vg_ruleset_free(old);
	assert_int_equal(vg_engine_start(&w->e), 0);
	rec_var(&w->rec, VG_VAR_ENV, "PATH=/bin\0ENGTEST=yes", 22);
	feed(w);
	exit_record(&w->rec);
	feed(w);
	assert_int_equal(w->e.alerter.alerts, 1); /* the exit rule saw ENGTEST */
	return vg_proc_get(w->e.pl.procs, 4242);
}

static void exited_environment_is_freed_after_its_exit_event(void **state)
{
	struct world *w = *state;
	struct vg_proc *p = exec_then_exit(w, false);

	assert_non_null(p);
	assert_true(p->exited);
	assert_null(p->env);
	assert_int_equal(p->env_len, 0);
	assert_true(p->env_tried); /* /proc is not asked: the pid may be reused */
}

static void exited_environment_stays_while_a_rule_reads_proc_aenv(void **state)
{
	struct world *w = *state;
	struct vg_proc *p = exec_then_exit(w, true);

	assert_non_null(p);
	assert_true(p->exited);
	assert_non_null(p->env);
	assert_int_equal(p->env_len, 22);
}

static void alerts_without_rules_do_not_start(void **state)
{
	struct vg_engine e;
	const struct vg_engine_opts o = {.max_procs = 64};

	(void)state;
	assert_int_equal(vg_engine_open(&e, &o), 0);
	assert_int_equal(vg_engine_set_mode(&e, VG_ENGINE_ALERTS), 0);
	assert_int_equal(vg_engine_start(&e), -1);
	assert_int_equal(vg_engine_set_mode(&e, VG_ENGINE_CAPTURE), 0);
	assert_int_equal(vg_engine_start(&e), -1); /* no capture file */
	vg_engine_close(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_record_in_is_an_alert_out, setup, teardown),
		cmocka_unit_test_setup_teardown(match_mode_runs_the_rules_without_alerts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(state_mode_decodes_without_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(swapped_rules_are_in_force_from_the_next_record,
						setup, teardown),
		cmocka_unit_test(alerts_without_rules_do_not_start),
		cmocka_unit_test_setup_teardown(exited_environment_is_freed_after_its_exit_event,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			exited_environment_stays_while_a_rule_reads_proc_aenv, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
