// SPDX-License-Identifier: Apache-2.0
/*
 * Loader and compiler front half: items, diagnostics with positions,
 * redefinition, append and override, visibility, lists, versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "kernel/evttypes.h"

#define RULE(name, cond)                                                                           \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: INFO\n"

static void assert_diag(const struct vg_ruleset *rs, const char *code, int line, int col)
{
	const struct vg_diag *d = th_find_diag(rs, code);

	if (!d) {
		th_dump(rs);
		fail_msg("no %s diagnostic", code);
	}
	if (d->line != line || d->col != col) {
		th_dump(rs);
		fail_msg("%s at %d:%d, expected %d:%d", code, d->line, d->col, line, col);
	}
}

static const struct vg_rule *rule_named(const struct vg_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++)
		if (strcmp(vg_rule_name(vg_ruleset_rule(rs, i)), name) == 0)
			return vg_ruleset_rule(rs, i);
	return NULL;
}

static void test_basic_items(void **state)
{
	struct vg_ruleset *rs = th_load("- list: shells\n  items: [bash, sh]\n"
					"- macro: spawned\n  condition: evt.type = execve\n" RULE(
						"r1", "spawned and proc.name in (shells)"));
	const struct vg_rule *r;
	size_t n;

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_int_equal(vg_ruleset_rule_count(rs), 1);
	assert_int_equal(vg_ruleset_macro_count(rs), 1);
	assert_int_equal(vg_ruleset_list_count(rs), 1);
	r = vg_ruleset_rule(rs, 0);
	assert_string_equal(vg_rule_name(r), "r1");
	assert_string_equal(vg_rule_source(r), "syscall");
	assert_int_equal(vg_rule_priority(r), VG_PRIO_INFORMATIONAL);
	assert_true(vg_rule_enabled(r));
	vg_rule_tags(r, &n);
	assert_int_equal(n, 0);
	assert_string_equal(vg_rule_condition(r),
			    "(evt.type = \"execve\" and proc.name in (\"bash\", \"sh\"))");
	vg_ruleset_free(rs);
}

static void test_priorities(void **state)
{
	static const char *const names[] = {"emergency",     "ALERT",	"Critical",
					    "error",	     "warning", "notice",
					    "informational", "info",	"debug"};
	static const int want[] = {0, 1, 2, 3, 4, 5, 6, 6, 7};

	(void)state;
	for (size_t i = 0; i < 9; i++)
		assert_int_equal(vg_priority_parse(names[i]), want[i]);
	assert_int_equal(vg_priority_parse("severe"), -1);
	assert_string_equal(vg_priority_name(VG_PRIO_WARNING), "Warning");
}

static void test_bad_priority_position(void **state)
{
	struct vg_ruleset *rs = th_load("- rule: r\n  desc: d\n  condition: evt.type=execve\n"
					"  output: o\n  priority: severe\n");

	(void)state;
	assert_diag(rs, "E-PRIORITY", 5, 13);
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	vg_ruleset_free(rs);
}

static void test_missing_key(void **state)
{
	struct vg_ruleset *rs = th_load("- rule: r\n  desc: d\n  condition: evt.type=execve\n"
					"  priority: INFO\n");
	const struct vg_diag *d;

	(void)state;
	assert_diag(rs, "E-MISSING-KEY", 1, 3);
	d = th_find_diag(rs, "E-MISSING-KEY");
	assert_string_equal(d->item, "r");
	assert_string_equal(d->item_kind, "rule");
	assert_non_null(strstr(d->msg, "output"));
	vg_ruleset_free(rs);
}

static void test_unknown_key_warns(void **state)
{
	struct vg_ruleset *rs = th_load(RULE("r", "evt.type=execve") "  colour: red\n");

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_diag(rs, "W-UNKNOWN-KEY", 6, 3);
	assert_int_equal(vg_ruleset_rule_count(rs), 1);
	vg_ruleset_free(rs);
}

static void test_unknown_field_position(void **state)
{
	struct vg_ruleset *rs = th_load("- rule: r\n  desc: d\n"
					"  condition: evt.type=execve and proc.nme = x\n"
					"  output: o\n  priority: INFO\n");

	(void)state;
	assert_diag(rs, "E-UNKNOWN-FIELD", 3, 34);
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	assert_int_equal(vg_ruleset_skipped(rs), 1);
	vg_ruleset_free(rs);
}

static void test_error_position_in_block_scalar(void **state)
{
	struct vg_ruleset *rs = th_load("- rule: r\n  desc: d\n  condition: >\n"
					"    evt.type = execve\n"
					"    and proc.name in (a, b\n"
					"  output: o\n  priority: INFO\n");

	(void)state;
	/* the error is at the end of the condition: after "b" on line 5 */
	assert_diag(rs, "E-PARSE", 5, 27);
	vg_ruleset_free(rs);
	rs = th_load(
		"- macro: m\n  condition: |\n    evt.type = execve\n    and bogus.field = 1\n" RULE(
			"r", "m"));
	assert_diag(rs, "E-UNKNOWN-FIELD", 4, 9);
	assert_non_null(strstr(th_find_diag(rs, "E-UNKNOWN-FIELD")->msg, "in macro 'm'"));
	vg_ruleset_free(rs);
}

static void test_undefined_macro(void **state)
{
	struct vg_ruleset *rs = th_load(RULE("r", "evt.type=execve and nothere"));

	(void)state;
	assert_diag(rs, "E-UNDEFINED-MACRO", 3, 34);
	vg_ruleset_free(rs);
}

static void test_macro_visibility(void **state)
{
	/* a macro sees only macros defined before it; a rule sees all */
	struct vg_ruleset *rs =
		th_load("- macro: a\n  condition: b\n"
			"- macro: b\n  condition: evt.type=execve\n" RULE("r", "b"));

	(void)state;
	assert_diag(rs, "E-UNDEFINED-MACRO", 2, 14);
	assert_non_null(rule_named(rs, "r"));
	vg_ruleset_free(rs);
	rs = th_load(RULE("r", "later") "- macro: later\n  condition: evt.type=execve\n");
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_int_equal(vg_ruleset_rule_count(rs), 1);
	vg_ruleset_free(rs);
	/* redefining a macro later moves its visibility mark, not its position */
	rs = th_load("- macro: a\n  condition: evt.type=execve\n"
		     "- macro: b\n  condition: evt.type=clone\n"
		     "- macro: a\n  condition: b\n" RULE("r", "a"));
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)), "evt.type = \"clone\"");
	vg_ruleset_free(rs);
}

static void test_macro_self_reference(void **state)
{
	struct vg_ruleset *rs =
		th_load("- macro: a\n  condition: evt.type=execve\n"
			"- macro: a\n  condition: a or evt.type=clone\n" RULE("r", "a"));

	(void)state;
	assert_non_null(th_find_diag(rs, "E-MACRO-LOOP"));
	vg_ruleset_free(rs);
}

static void test_redefinition_in_place(void **state)
{
	struct vg_ruleset *rs = th_load(RULE("one", "evt.type=execve") RULE("two", "evt.type=clone")
						RULE("one", "evt.type=procexit"));

	(void)state;
	assert_int_equal(vg_ruleset_rule_count(rs), 2);
	assert_string_equal(vg_rule_name(vg_ruleset_rule(rs, 0)), "one");
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)), "evt.type = \"procexit\"");
	vg_ruleset_free(rs);
}

static void test_legacy_append(void **state)
{
	struct vg_ruleset *rs =
		th_load("- list: l\n  items: [a]\n"
			"- list: l\n  items: [b]\n  append: true\n"
			"- macro: m\n  condition: evt.type=execve\n"
			"- macro: m\n  condition: or evt.type=clone\n  append: true\n" RULE(
				"r", "m and proc.name in (l)") "- rule: r\n  condition: and "
							       "proc.pid > 1\n  append: true\n");

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)),
			    "((evt.type = \"execve\" or evt.type = \"clone\") and "
			    "proc.name in (\"a\", \"b\") and proc.pid > 1)");
	vg_ruleset_free(rs);
}

static void test_append_without_previous(void **state)
{
	struct vg_ruleset *rs = th_load("- list: l\n  items: [b]\n  append: true\n"
					"- macro: m\n  condition: x\n  append: true\n"
					"- rule: r\n  condition: x\n  append: true\n");
	const struct vg_diag *d;
	size_t n, k = 0;

	(void)state;
	d = vg_ruleset_diags(rs, &n);
	for (size_t i = 0; i < n; i++)
		k += strcmp(d[i].code, "E-NO-PREVIOUS") == 0;
	assert_int_equal(k, 3);
	assert_diag(rs, "E-NO-PREVIOUS", 1, 3);
	vg_ruleset_free(rs);
}

static void test_override_append_and_replace(void **state)
{
	struct vg_ruleset *rs = th_load(
		RULE("r", "evt.type=execve") "  tags: [a]\n"
					     "- rule: r\n  condition: and proc.name = x\n  output: "
					     "more\n  tags: [b, a]\n"
					     "  priority: ERROR\n  enabled: false\n"
					     "  override:\n    condition: append\n    output: "
					     "append\n    tags: append\n"
					     "    priority: replace\n    enabled: replace\n");
	const struct vg_rule *r;
	const char *const *tags;
	size_t n;

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	r = vg_ruleset_rule(rs, 0);
	assert_string_equal(vg_rule_condition(r), "(evt.type = \"execve\" and proc.name = \"x\")");
	assert_string_equal(vg_rule_output_format(r), "o more");
	assert_int_equal(vg_rule_priority(r), VG_PRIO_ERROR);
	assert_false(vg_rule_enabled(r));
	tags = vg_rule_tags(r, &n);
	assert_int_equal(n, 2);
	assert_string_equal(tags[0], "a");
	assert_string_equal(tags[1], "b");
	vg_ruleset_free(rs);
	rs = th_load(RULE(
		"r", "evt.type=execve") "  tags: [a]\n"
					"- rule: r\n  condition: evt.type=clone\n  tags: [z]\n"
					"  override:\n    condition: replace\n    tags: replace\n"
					"- list: l\n  items: [x]\n- list: l\n  items: [y]\n"
					"  override:\n    items: replace\n"
					"- macro: m\n  condition: evt.type=execve\n"
					"- macro: m\n  condition: or evt.type=clone\n"
					"  override:\n    condition: append\n" RULE(
						"u", "m and proc.name in (l)"));
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	r = vg_ruleset_rule(rs, 0);
	assert_string_equal(vg_rule_condition(r), "evt.type = \"clone\"");
	tags = vg_rule_tags(r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(tags[0], "z");
	assert_string_equal(vg_rule_condition(rule_named(rs, "u")),
			    "((evt.type = \"execve\" or evt.type = \"clone\") and "
			    "proc.name in (\"y\"))");
	vg_ruleset_free(rs);
}

static void test_override_errors(void **state)
{
	struct vg_ruleset *rs;

	(void)state;
	/* priority can only be replaced */
	rs = th_load(RULE("r", "evt.type=execve") "- rule: r\n  priority: ERROR\n  override:\n    "
						  "priority: append\n");
	assert_diag(rs, "E-OVERRIDE", 9, 15);
	assert_non_null(strstr(th_find_diag(rs, "E-OVERRIDE")->msg, "use 'replace'"));
	vg_ruleset_free(rs);
	/* an override without the key */
	rs = th_load(
		RULE("r", "evt.type=execve") "- rule: r\n  override:\n    condition: append\n");
	assert_diag(rs, "E-OVERRIDE", 8, 5);
	vg_ruleset_free(rs);
	/* a key without an override */
	rs = th_load(RULE("r", "evt.type=execve") "- rule: r\n  condition: x\n  output: y\n  "
						  "override:\n    condition: append\n");
	assert_diag(rs, "E-OVERRIDE", 8, 3);
	vg_ruleset_free(rs);
	/* override and append: true together */
	rs = th_load(RULE(
		"r", "evt.type=execve") "- rule: r\n  condition: x\n  append: true\n  override:\n"
					"    condition: append\n");
	assert_diag(rs, "E-OVERRIDE", 10, 5);
	vg_ruleset_free(rs);
	/* an unknown operation */
	rs = th_load(RULE("r", "evt.type=execve") "- rule: r\n  condition: x\n  override:\n    "
						  "condition: merge\n");
	assert_diag(rs, "E-OVERRIDE", 9, 16);
	vg_ruleset_free(rs);
	/* the rule before stays as it was */
	rs = th_load(RULE("r", "evt.type=execve") "- rule: r\n  condition: x\n  override:\n    "
						  "condition: merge\n");
	assert_int_equal(vg_ruleset_rule_count(rs), 1);
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)), "evt.type = \"execve\"");
	vg_ruleset_free(rs);
}

static void test_enabled_toggle(void **state)
{
	struct vg_ruleset *rs =
		th_load(RULE("r", "evt.type=execve") "- rule: r\n  enabled: false\n");
	struct vg_evtset s;

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_false(vg_rule_enabled(vg_ruleset_rule(rs, 0)));
	vg_ruleset_evttypes(rs, &s);
	assert_int_equal(vg_evtset_count(&s), 0);
	assert_int_equal(vg_ruleset_enable(rs, "r", true), 1);
	vg_ruleset_evttypes(rs, &s);
	assert_true(vg_evtset_has(&s, vg_evttype_code("execve", 6)));
	vg_ruleset_free(rs);
	rs = th_load("- rule: nope\n  enabled: false\n");
	assert_diag(rs, "E-NO-PREVIOUS", 1, 3);
	vg_ruleset_free(rs);
}

static void test_select_by_name_and_tag(void **state)
{
	struct vg_ruleset *rs =
		th_load(RULE("Read a", "evt.type=openat") "  tags: [file, t1]\n" RULE(
			"Read b",
			"evt.type=open") "  tags: [file]\n" RULE("Spawn c",
								 "evt.type=execve") "  tags: "
										    "[process]\n");
	struct vg_evtset s;

	(void)state;
	assert_int_equal(vg_ruleset_select(rs, "*", false, false), 3);
	assert_int_equal(vg_ruleset_select(rs, "file", true, true), 2);
	assert_int_equal(vg_ruleset_select(rs, "Read ?", false, false), 2);
	assert_int_equal(vg_ruleset_select(rs, "t1", true, true), 1);
	assert_true(vg_rule_enabled(rule_named(rs, "Read a")));
	assert_false(vg_rule_enabled(rule_named(rs, "Read b")));
	assert_false(vg_rule_enabled(rule_named(rs, "Spawn c")));
	vg_ruleset_evttypes(rs, &s);
	assert_int_equal(vg_evtset_count(&s), 1);
	assert_int_equal(vg_ruleset_select(rs, "nomatch*", false, true), 0);
	vg_ruleset_free(rs);
}

static void test_lists(void **state)
{
	struct vg_ruleset *rs =
		th_load("- list: a\n  items: [x, '\"quoted item\"', \"two words\"]\n"
			"- list: b\n  items: [a, y]\n"
			"- list: c\n  items: [b, [z, w]]\n"
			"- list: unused\n  items: []\n"
			"- list: empty\n  items: []\n" RULE("r", "proc.name in (c, empty, 'b') and "
								 "proc.pname in b"));

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)),
			    "(proc.name in (\"x\", \"quoted item\", \"two words\", \"y\", \"z\", "
			    "\"w\", \"b\") and proc.pname in (\"x\", \"quoted item\", "
			    "\"two words\", \"y\"))");
	assert_diag(rs, "W-UNUSED-LIST", 7, 3);
	vg_ruleset_free(rs);
	/* a list names only lists defined before it */
	rs = th_load(
		"- list: b\n  items: [a]\n- list: a\n  items: [x]\n" RULE("r", "proc.name in (b)"));
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)), "proc.name in (\"a\")");
	vg_ruleset_free(rs);
}

static void test_unused_macro(void **state)
{
	struct vg_ruleset *rs =
		th_load("- macro: used\n  condition: evt.type=execve\n"
			"- macro: only_by_macro\n  condition: used\n"
			"- macro: nobody\n  condition: evt.type=clone\n" RULE("r", "used"));
	const struct vg_diag *d;
	size_t n, k = 0;

	(void)state;
	d = vg_ruleset_diags(rs, &n);
	for (size_t i = 0; i < n; i++)
		k += strcmp(d[i].code, "W-UNUSED-MACRO") == 0;
	assert_int_equal(k, 2);
	assert_diag(rs, "W-UNUSED-MACRO", 3, 3);
	vg_ruleset_free(rs);
}

static void test_multi_document(void **state)
{
	struct vg_ruleset *rs = th_load(
		"---\n" RULE("a", "evt.type=execve") "---\n"
						     "- macro: m\n  condition: evt.type=clone\n"
						     "---\n" RULE("b", "m") "...\n");

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_int_equal(vg_ruleset_rule_count(rs), 2);
	vg_ruleset_free(rs);
	rs = th_load("");
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	vg_ruleset_free(rs);
	rs = th_load("# only a comment\n");
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	vg_ruleset_free(rs);
}

static void test_yaml_error_keeps_earlier_items(void **state)
{
	struct vg_ruleset *rs =
		th_load(RULE("good", "evt.type=execve") "- rule: bad\n  desc: [unclosed\n");

	(void)state;
	assert_diag(rs, "E-YAML", 8, 1);
	assert_int_equal(vg_ruleset_rule_count(rs), 1);
	assert_string_equal(vg_rule_name(vg_ruleset_rule(rs, 0)), "good");
	vg_ruleset_free(rs);
}

static void test_bad_shapes(void **state)
{
	struct vg_ruleset *rs;

	(void)state;
	rs = th_load("rule: x\n");
	assert_diag(rs, "E-YAML", 1, 1);
	vg_ruleset_free(rs);
	rs = th_load("- just a string\n- [1, 2]\n");
	assert_diag(rs, "E-ITEM", 1, 3);
	vg_ruleset_free(rs);
	rs = th_load("- rule: [a]\n");
	assert_diag(rs, "E-VALUE", 1, 9);
	vg_ruleset_free(rs);
	rs = th_load("- rule: r\n  desc: d\n  condition: {a: b}\n  output: o\n  priority: INFO\n");
	assert_diag(rs, "E-VALUE", 3, 14);
	vg_ruleset_free(rs);
	rs = th_load(RULE("r", "evt.type=execve") "  enabled: maybe\n");
	assert_diag(rs, "E-VALUE", 6, 12);
	vg_ruleset_free(rs);
	rs = th_load("- weird: 1\n");
	assert_diag(rs, "W-UNKNOWN-ITEM", 1, 3);
	vg_ruleset_free(rs);
	rs = th_load("- list: l\n  items: x\n");
	assert_diag(rs, "E-VALUE", 2, 10);
	vg_ruleset_free(rs);
}

static void test_aliases_and_bombs(void **state)
{
	struct vg_ruleset *rs =
		th_load("- list: a\n  items: &shells [bash, sh]\n"
			"- list: b\n  items: *shells\n" RULE("r", "proc.name in (b)"));
	char *bomb;
	size_t n = 0;

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)),
			    "proc.name in (\"bash\", \"sh\")");
	vg_ruleset_free(rs);
	/* a billion laughs is cut off, not expanded */
	bomb = malloc(4096);
	assert_non_null(bomb);
	n += (size_t)sprintf(bomb + n, "- list: l0\n  items: &a0 [x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++)
		n += (size_t)sprintf(bomb + n,
				     "- list: l%d\n  items: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, "
				     "*a%d, *a%d, *a%d, *a%d]\n",
				     i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
				     i - 1);
	rs = th_load(bomb);
	assert_non_null(th_find_diag(rs, "E-YAML"));
	vg_ruleset_free(rs);
	free(bomb);
}

static void test_engine_version(void **state)
{
	struct vg_ruleset *rs;

	(void)state;
	rs = th_load("- required_engine_version: 0.57.0\n- required_engine_version: 26\n"
		     "- required_engine_version: '0.10'\n");
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	vg_ruleset_free(rs);
	rs = th_load("- required_engine_version: 0.99.0\n");
	assert_diag(rs, "E-ENGINE-VERSION", 1, 28);
	vg_ruleset_free(rs);
	rs = th_load("- required_engine_version: 1.0.0\n");
	assert_non_null(th_find_diag(rs, "E-ENGINE-VERSION"));
	vg_ruleset_free(rs);
	rs = th_load("- required_engine_version: banana\n");
	assert_diag(rs, "E-ENGINE-VERSION", 1, 28);
	vg_ruleset_free(rs);
}

static void test_plugin_versions(void **state)
{
	struct vg_ruleset *rs;

	(void)state;
	rs = th_load("- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n");
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	vg_ruleset_free(rs);
	rs = th_load("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n");
	assert_diag(rs, "E-PLUGIN", 2, 5);
	vg_ruleset_free(rs);
	rs = th_load("- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n"
		     "    alternatives:\n      - name: container\n        version: 0.1.0\n");
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	vg_ruleset_free(rs);
	rs = th_load("- required_plugin_versions:\n  - name: container\n    version: 9.0.0\n");
	assert_non_null(th_find_diag(rs, "E-PLUGIN"));
	vg_ruleset_free(rs);
	rs = th_load("- required_plugin_versions:\n  - name: container\n    version: x.y\n");
	assert_non_null(th_find_diag(rs, "E-PLUGIN-VERSION"));
	vg_ruleset_free(rs);
}

static void test_unknown_source_and_skip_unknown(void **state)
{
	struct vg_ruleset *rs;

	(void)state;
	rs = th_load(RULE("r", "ka.verb = get") "  source: k8s_audit\n");
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_diag(rs, "W-UNKNOWN-SOURCE", 1, 3);
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	assert_int_equal(vg_ruleset_skipped(rs), 1);
	vg_ruleset_free(rs);
	rs = th_load(RULE(
		"r", "evt.type=execve and some.plugin.field = 1") "  skip-if-unknown-filter: "
								  "true\n" RULE("s",
										"evt.type="
										"frobnicate") "  "
											      "skip"
											      "-if-"
											      "unkn"
											      "own-"
											      "filt"
											      "er: "
											      "true"
											      "\n");
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_non_null(th_find_diag(rs, "W-UNKNOWN-FILTER"));
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	vg_ruleset_free(rs);
}

static void test_exceptions_validation(void **state)
{
	struct vg_ruleset *rs;

	(void)state;
	rs = th_load(RULE(
		"r", "evt.type=execve") "  exceptions:\n  - name: e\n"
					"    fields: [proc.name, proc.pname]\n    comps: [=]\n");
	assert_diag(rs, "E-EXCEPTION", 7, 5);
	vg_ruleset_free(rs);
	rs = th_load(RULE("r", "evt.type=execve") "  exceptions:\n  - name: e\n"
						  "    fields: proc.name\n    comps: '='\n");
	assert_non_null(th_find_diag(rs, "E-EXCEPTION"));
	vg_ruleset_free(rs);
	rs = th_load(RULE("r", "evt.type=execve") "  exceptions:\n  - name: e\n"
						  "    fields: [proc.nope]\n");
	assert_diag(rs, "E-UNKNOWN-FIELD", 7, 5);
	vg_ruleset_free(rs);
	rs = th_load(RULE("r", "evt.type=execve") "  exceptions:\n  - name: e\n"
						  "    fields: [proc.name]\n    comps: [like]\n");
	assert_non_null(th_find_diag(rs, "E-EXCEPTION"));
	vg_ruleset_free(rs);
	rs = th_load(RULE("r", "evt.type=execve") "  exceptions:\n  - fields: [proc.name]\n");
	assert_non_null(th_find_diag(rs, "E-VALUE"));
	vg_ruleset_free(rs);
	/* a row with the wrong number of values */
	rs = th_load(RULE(
		"r",
		"evt.type=execve") "  exceptions:\n  - name: e\n"
				   "    fields: [proc.name, proc.pname]\n    values:\n    - [a]\n");
	assert_non_null(th_find_diag(rs, "E-EXCEPTION"));
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	vg_ruleset_free(rs);
}

static void test_exception_condition_shape(void **state)
{
	struct vg_ruleset *rs = th_load(RULE(
		"r",
		"evt.type=execve") "  exceptions:\n"
				   "  - name: pairs\n    fields: [proc.name, fd.name]\n    comps: "
				   "[=, in]\n"
				   "    values:\n    - [bash, [/a, '/b c']]\n    - [\"x y\", /d]\n"
				   "  - name: single\n    fields: proc.pname\n    values: [sshd, "
				   "'my proc']\n"
				   "  - name: novalues\n    fields: [proc.name]\n"
				   "- rule: r\n  exceptions:\n  - name: single\n    values: "
				   "[cron]\n"
				   "  override:\n    exceptions: append\n");

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)),
			    "(evt.type = \"execve\" and not ((proc.name = \"bash\" and fd.name in "
			    "(\"/a\", \"/b c\")) or (proc.name = \"x y\" and fd.name in (\"/d\")))"
			    " and not proc.pname in (\"sshd\", \"my proc\", \"cron\"))");
	vg_ruleset_free(rs);
}

static void test_type_errors(void **state)
{
	struct vg_ruleset *rs;

	(void)state;
	rs = th_rule(NULL, "proc.pid contains 1");
	assert_diag(rs, "E-TYPE-OP", 5, 5);
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "proc.pid = abc");
	assert_diag(rs, "E-VALUE", 5, 16);
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "user.uid = -1");
	assert_non_null(th_find_diag(rs, "E-VALUE"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "evt.failed = yes");
	assert_non_null(th_find_diag(rs, "E-VALUE"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "fd.sport = 70000");
	assert_non_null(th_find_diag(rs, "E-VALUE"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "fd.ip = 10.0.0.0/8");
	assert_non_null(th_find_diag(rs, "E-VALUE"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "proc.name regex \"(unclosed\"");
	assert_non_null(th_find_diag(rs, "E-REGEX"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "proc.name bcontains abc");
	assert_non_null(th_find_diag(rs, "E-VALUE"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "proc.name = val(proc.pid)");
	assert_non_null(th_find_diag(rs, "E-TYPE-VALUE"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "tolower(proc.pid) = 1");
	assert_non_null(th_find_diag(rs, "E-TRANSFORMER"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "proc.name[1] = x");
	assert_non_null(th_find_diag(rs, "E-FIELD-ARG"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "proc.aname[x] = x");
	assert_non_null(th_find_diag(rs, "E-FIELD-ARG"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "evt.arg = x");
	assert_non_null(th_find_diag(rs, "E-FIELD-ARG"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "proc.name regex anyof (a, b)");
	assert_non_null(th_find_diag(rs, "E-TYPE-OP"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "fd.sip = anyof (1.1.1.1)");
	assert_non_null(th_find_diag(rs, "E-TYPE-OP"));
	vg_ruleset_free(rs);
	rs = th_rule(NULL, "evt.type = nosuchcall");
	assert_diag(rs, "E-UNKNOWN-EVTTYPE", 5, 16);
	vg_ruleset_free(rs);
}

static void test_evttypes(void **state)
{
	struct vg_ruleset *rs = th_load(
		RULE("a", "evt.type in (execve, execveat) and proc.name = x") RULE(
			"b", "not evt.type = execve and evt.type in (execve, clone)")
			RULE("c",
			     "(evt.type = clone or evt.type = execve) and not (evt.type = clone)")
				RULE("d", "proc.name = x") RULE("e", "evt.type != procexit")
					RULE("f", "not (evt.type = execve and proc.name = x)"));
	struct vg_evtset all;
	uint16_t execve = vg_evttype_code("execve", 6), clone = vg_evttype_code("clone", 5);
	const struct vg_evtset *s;

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	s = vg_rule_evttypes(rule_named(rs, "a"));
	assert_int_equal(vg_evtset_count(s), 2);
	assert_true(vg_evtset_has(s, execve));
	s = vg_rule_evttypes(rule_named(rs, "b"));
	assert_int_equal(vg_evtset_count(s), 1);
	assert_true(vg_evtset_has(s, clone));
	s = vg_rule_evttypes(rule_named(rs, "c"));
	assert_int_equal(vg_evtset_count(s), 1);
	assert_true(vg_evtset_has(s, execve));
	s = vg_rule_evttypes(rule_named(rs, "d"));
	assert_true(vg_evtset_is_full(s));
	s = vg_rule_evttypes(rule_named(rs, "e"));
	assert_int_equal(vg_evtset_count(s), vg_evttype_count() - 2);
	s = vg_rule_evttypes(rule_named(rs, "f"));
	assert_true(vg_evtset_is_full(s));
	assert_non_null(th_find_diag(rs, "W-NO-EVTTYPE"));
	vg_ruleset_evttypes(rs, &all);
	assert_true(vg_evtset_is_full(&all));
	vg_ruleset_free(rs);
}

static void test_directory_order(void **state)
{
	char dir[] = "/tmp/vg_rules_dirXXXXXX", path[128];
	struct vg_ruleset *rs;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/b.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("- macro: m\n  condition: evt.type=clone\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("- macro: m\n  condition: evt.type=execve\n" RULE("r", "m"), f);
	fclose(f);
	rs = vg_ruleset_new(NULL);
	assert_int_equal(vg_ruleset_load_path(rs, dir), 0);
	vg_ruleset_compile(rs);
	/* b.yaml loads after a.yaml and redefines m */
	assert_string_equal(vg_rule_condition(vg_ruleset_rule(rs, 0)), "evt.type = \"clone\"");
	vg_ruleset_free(rs);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b.yaml", dir);
	unlink(path);
	rmdir(dir);
	rs = vg_ruleset_new(NULL);
	assert_int_equal(vg_ruleset_load_path(rs, "/nonexistent/rules.yaml"), 1);
	assert_non_null(th_find_diag(rs, "E-FILE"));
	vg_ruleset_free(rs);
}

static void test_more_error_codes(void **state)
{
	struct vg_ruleset *rs;
	char *deep;

	(void)state;
	rs = th_load(RULE("r", "evt.type=execve")
			     RULE("r", "evt.type=execve") "  source: k8s_audit\n");
	assert_diag(rs, "E-SOURCE", 6, 3);
	vg_ruleset_free(rs);
	rs = th_load(RULE("r", "evt.type=execve") "- rule: r\n  desc: more\n  append: true\n");
	assert_diag(rs, "E-APPEND", 6, 3);
	vg_ruleset_free(rs);
	rs = th_load(RULE("r", "evt.type=execve") "- rule: r\n  condition: and proc.pid > 0\n  "
						  "desc: more\n  append: true\n");
	assert_diag(rs, "W-APPEND-IGNORED", 6, 3);
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	vg_ruleset_free(rs);
	/* a rule using a macro with errors is skipped, and says why */
	rs = th_load("- macro: bad\n  condition: proc.name = (\n" RULE("r", "bad"));
	assert_diag(rs, "E-PARSE", 2, 26);
	assert_diag(rs, "E-MACRO", 5, 14);
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	vg_ruleset_free(rs);
	rs = th_load("- rule: r\n  desc: d\n  condition: ''\n  output: o\n  priority: INFO\n");
	assert_diag(rs, "E-EMPTY", 3, 15);
	vg_ruleset_free(rs);
	deep = malloc(3100);
	assert_non_null(deep);
	memset(deep, '(', 1500);
	deep[1500] = 'a';
	memset(deep + 1501, ')', 1500);
	deep[3001] = '\0';
	rs = th_rule(NULL, deep);
	assert_non_null(th_find_diag(rs, "E-DEPTH"));
	vg_ruleset_free(rs);
	free(deep);
}

static void test_load_after_compile_refused(void **state)
{
	struct vg_ruleset *rs = th_load(RULE("r", "evt.type=execve"));

	(void)state;
	assert_int_equal(vg_ruleset_load_string(rs, "x", "- list: l\n  items: []\n", 22), 1);
	assert_non_null(th_find_diag(rs, "E-STATE"));
	vg_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_items),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_bad_priority_position),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_unknown_key_warns),
		cmocka_unit_test(test_unknown_field_position),
		cmocka_unit_test(test_error_position_in_block_scalar),
		cmocka_unit_test(test_undefined_macro),
		cmocka_unit_test(test_macro_visibility),
		cmocka_unit_test(test_macro_self_reference),
		cmocka_unit_test(test_redefinition_in_place),
		cmocka_unit_test(test_legacy_append),
		cmocka_unit_test(test_append_without_previous),
		cmocka_unit_test(test_override_append_and_replace),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_enabled_toggle),
		cmocka_unit_test(test_select_by_name_and_tag),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_unused_macro),
		cmocka_unit_test(test_multi_document),
		cmocka_unit_test(test_yaml_error_keeps_earlier_items),
		cmocka_unit_test(test_bad_shapes),
		cmocka_unit_test(test_aliases_and_bombs),
		cmocka_unit_test(test_engine_version),
		cmocka_unit_test(test_plugin_versions),
		cmocka_unit_test(test_unknown_source_and_skip_unknown),
		cmocka_unit_test(test_exceptions_validation),
		cmocka_unit_test(test_exception_condition_shape),
		cmocka_unit_test(test_type_errors),
		cmocka_unit_test(test_evttypes),
		cmocka_unit_test(test_directory_order),
		cmocka_unit_test(test_more_error_codes),
		cmocka_unit_test(test_load_after_compile_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
