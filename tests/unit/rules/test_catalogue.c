// SPDX-License-Identifier: Apache-2.0
/*
 * vigil rules --catalogue / --attack-matrix: the lists and macros a rule
 * depends on (through nested macros and lists of lists, not through quoted
 * strings, last definition winning), and the Markdown tables built from the
 * tags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/rules_catalogue.h"
#include "helpers.h"
#include "rules/catalogue.h"

#define RULE(name, cond, tags)                                                                     \
	"- rule: " name "\n  desc: d|" name "\n  condition: " cond                                 \
	"\n  output: o\n  priority: WARNING\n  tags: " tags "\n"

#define YAML                                                                                       \
	"- list: inner_bins\n  items: [bash, sh]\n" \
	"- list: outer_bins\n  items: [inner_bins, zsh]\n" \
	"- list: quoted_only\n  items: [a]\n" \
	"- list: unused\n  items: [b]\n" \
	"- macro: spawned\n  condition: evt.type = execve\n" \
	"- macro: shell_start\n  condition: spawned and proc.name in (outer_bins)\n" \
	"- macro: old_def\n  condition: proc.name = unused\n" \
	"- macro: old_def\n  condition: proc.pname = x\n" /* redefined: no longer names `unused` */ \
	RULE("Shell", "shell_start and old_def and proc.cmdline contains 'quoted_only'", \
	     "[mitre_execution, T1059.004, T1059, maturity_stable]") \
	RULE("No Tags", "spawned", "[]") \
	RULE("Two | Tactics", "proc.name = x and evt.type = execve", \
	     "[mitre_persistence, mitre_privilege_escalation, T1543]")

static void collect(const char *name, bool is_list, void *arg)
{
	char *buf = arg;

	strcat(buf, is_list ? "L:" : "M:");
	strcat(buf, name);
	strcat(buf, " ");
}

static const struct vg_rule *rule_named(const struct vg_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++)
		if (!strcmp(vg_rule_name(vg_ruleset_rule(rs, i)), name))
			return vg_ruleset_rule(rs, i);
	fail_msg("no rule %s", name);
	return NULL;
}

static void test_tunables(void **state)
{
	struct vg_ruleset *rs = th_load(YAML);
	char buf[512] = "";

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_int_equal(vg_rule_tunables(rs, rule_named(rs, "Shell"), collect, buf), 0);
	/* breadth first: the rule's own names, then what its macros and lists name */
	assert_string_equal(buf, "M:shell_start M:old_def M:spawned L:outer_bins L:inner_bins ");
	buf[0] = '\0';
	assert_int_equal(vg_rule_tunables(rs, rule_named(rs, "No Tags"), collect, buf), 0);
	assert_string_equal(buf, "M:spawned ");
	buf[0] = '\0';
	assert_int_equal(vg_rule_tunables(rs, rule_named(rs, "Two | Tactics"), collect, buf), 0);
	assert_string_equal(buf, "");
	vg_ruleset_free(rs);
}

static char *render(int (*fn)(FILE *, const struct vg_ruleset *), struct vg_ruleset *rs)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, rs), 0);
	fclose(f);
	return out;
}

static int catalogue(FILE *f, const struct vg_ruleset *rs)
{
	char *files[] = {"rules/"};

	return vg_print_catalogue(f, rs, files, 1);
}

static void test_catalogue(void **state)
{
	struct vg_ruleset *rs = th_load(YAML);
	char *md = render(catalogue, rs);

	(void)state;
	assert_non_null(strstr(md, "`vigil rules --catalogue -r rules/`: 3 rules."));
	assert_non_null(strstr(md, "| Shell | execution | T1059.004, T1059 | Warning | stable | "
				   "execve | macro `shell_start`, macro `old_def`, macro `spawned`, "
				   "list `outer_bins`, list `inner_bins` |\n"));
	assert_non_null(strstr(md, "| No Tags | — | — | Warning | — | execve | macro `spawned` |\n"));
	/* a '|' in a name does not split the row */
	assert_non_null(strstr(md, "| Two \\| Tactics | persistence, privilege_escalation | T1543 |"));
	assert_non_null(strstr(md, "### Shell\n\nd|Shell\n"));
	free(md);
	vg_ruleset_free(rs);
}

static void test_attack_matrix(void **state)
{
	struct vg_ruleset *rs = th_load(YAML RULE("Also Bash", "spawned", "[mitre_execution, T1059]"));
	char *md = render(vg_print_attack_matrix, rs);

	(void)state;
	/* kill-chain order of tactics, techniques sorted, rules in load order */
	assert_string_equal(md, "| Tactic | Technique | Rules |\n| --- | --- | --- |\n"
				"| execution | T1059 | Shell, Also Bash |\n"
				"| execution | T1059.004 | Shell |\n"
				"| persistence | T1543 | Two \\| Tactics |\n"
				"| privilege_escalation | T1543 | Two \\| Tactics |\n"
				"| — | — | No Tags |\n");
	free(md);
	vg_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunables),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_attack_matrix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
