// SPDX-License-Identifier: Apache-2.0
/*
 * The evaluator's compile-chosen match branches (enum vg_fast, eval.c's
 * match_any_value): which branch the compiler picks for each operator and
 * modifier, that each branch gives what the general path gives (values
 * that hold and values that do not, several values per field, constants
 * longer than the value, case folding), the general path kept where a
 * branch would be wrong (a list field "in" a set, allof, val()), and the
 * rules' tag set built once at compile (sorted, each once) for alerts.
 *
 * The world's event (helpers.c): cat (pid 300, args "/etc/shadow -n", exepath
 * /usr/bin/cat, uid 0, tty 34816) under bash, sshd and systemd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "rules/rules_internal.h"
#include "util/util.h"

static struct th_world W;

static int setup(void **state)
{
	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	return 0;
}

/* The first check of a condition's tree that is not an evt.type test. */
static const struct vg_cnode *first_check(const struct vg_cnode *n)
{
	if (n->kind == CN_CHECK)
		return n;
	for (size_t i = 0; i < n->nkids; i++) {
		const struct vg_cnode *c = first_check(n->kids[i]);

		if (c)
			return c;
	}
	return NULL;
}

/* The branch the compiler chose for the single check of cond; rs is freed. */
static enum vg_fast fast_in(struct vg_ruleset *rs, const char *cond)
{
	const struct vg_cnode *n;
	enum vg_fast f;

	if (vg_ruleset_error_count(rs) || vg_ruleset_rule_count(rs) != 1) {
		th_dump(rs);
		fail_msg("condition did not compile: %s", cond);
	}
	n = first_check(vg_ruleset_rule(rs, 0)->root);
	assert_non_null(n);
	f = (enum vg_fast)n->fast;
	vg_ruleset_free(rs);
	return f;
}

static enum vg_fast fast_of(const char *cond)
{
	return fast_in(th_rule(NULL, cond), cond);
}

/*
 * A list field "in" a set needs all its values in it. No list field is
 * extracted today (fd.types is registered, always missing): loaded with
 * unsupported_fields: warn to see what the compiler chose.
 */
static enum vg_fast fast_of_unextracted(const char *cond)
{
	static const char fmt[] = "- rule: r\n  desc: d\n  condition: %s\n  output: o\n"
				  "  priority: INFO\n  warn_evttypes: false\n";
	struct vg_ruleset_opts o = {.unsupported_fields = VG_UNSUPPORTED_WARN};
	struct vg_ruleset *rs = vg_ruleset_new(&o);
	char y[512];

	assert_non_null(rs);
	snprintf(y, sizeof(y), fmt, cond);
	vg_ruleset_load_string(rs, "list.yaml", y, strlen(y));
	vg_ruleset_compile(rs);
	return fast_in(rs, cond);
}

static void test_branch_chosen(void **state)
{
	(void)state;
	assert_int_equal(fast_of("proc.name in (cat, ls)"), VG_FAST_SET);
	assert_int_equal(fast_of("proc.name intersects (cat, ls)"), VG_FAST_SET);
	assert_int_equal(fast_of("proc.name = cat"), VG_FAST_EQ);
	assert_int_equal(fast_of("proc.exepath startswith /usr/"), VG_FAST_PREFIX);
	assert_int_equal(fast_of("proc.exepath endswith /cat"), VG_FAST_SUFFIX);
	assert_int_equal(fast_of("proc.args contains shadow"), VG_FAST_CONTAINS);
	assert_int_equal(fast_of("proc.args icontains SHADOW"), VG_FAST_ICONTAINS);
	assert_int_equal(fast_of("user.uid = 0"), VG_FAST_NUM_EQ);
	assert_int_equal(fast_of("user.uid in (0, 33)"), VG_FAST_NUM_EQ);
	assert_int_equal(fast_of("proc.exepath startswith anyof (/bin/, /usr/)"),
			 VG_FAST_ANYOF_PREFIX);
	assert_int_equal(fast_of("proc.args contains oneof (passwd, shadow)"),
			 VG_FAST_ANYOF_CONTAINS);
	assert_int_equal(fast_of("proc.args icontains anyof (PASSWD, SHADOW)"),
			 VG_FAST_ANYOF_ICONTAINS);
	/* the general path: what a branch would get wrong or does not cover */
	assert_int_equal(fast_of_unextracted("fd.types in (file, ipv4)"), VG_FAST_ANY);
	assert_int_equal(fast_of_unextracted("fd.types intersects (file, ipv4)"), VG_FAST_SET);
	assert_int_equal(fast_of("proc.args contains allof (etc, shadow)"), VG_FAST_ANY);
	assert_int_equal(fast_of("proc.name = val(proc.pname)"), VG_FAST_ANY);
	assert_int_equal(fast_of("proc.name != cat"), VG_FAST_ANY);
	assert_int_equal(fast_of("proc.name glob 'c*'"), VG_FAST_ANY);
	assert_int_equal(fast_of("proc.name regex 'c.t'"), VG_FAST_ANY);
	assert_int_equal(fast_of("user.uid > 0"), VG_FAST_ANY);
	assert_int_equal(fast_of("proc.name exists"), VG_FAST_ANY);
}

/* Each branch against what the operator means, holding and not. */
static void test_branch_results(void **state)
{
	static const struct {
		const char *cond;
		bool want;
	} cases[] = {
		{"proc.name in (ls, cat)", true},
		{"proc.name in (ls, ca)", false},
		{"proc.aname intersects (nginx, sshd)", true}, /* several values: any */
		{"proc.aname intersects (nginx, httpd)", false},
		{"proc.name = cat", true},
		{"proc.name = ca", false},
		{"proc.name = catx", false},
		{"proc.aname = sshd", true},
		{"proc.exepath startswith /usr/bin/", true},
		{"proc.exepath startswith /usr/bin/cat/", false}, /* longer than the value */
		{"proc.exepath startswith /bin/", false},
		{"proc.exepath endswith bin/cat", true},
		{"proc.exepath endswith /usr/bin/cat/x", false},
		{"proc.exepath endswith /dog", false},
		{"proc.args contains shadow", true},
		{"proc.args contains \"shadow -n\"", true},
		{"proc.args contains shadoW", false},
		{"proc.args contains \"-n -x\"", false},
		{"proc.args icontains SHADOW", true},
		{"proc.args icontains Shadowx", false},
		{"user.uid = 0", true},
		{"user.uid = 33", false},
		{"user.uid in (33, 0)", true},
		{"user.uid in (33, 1000)", false},
		{"proc.pid = 300", true},
		{"proc.exepath startswith anyof (/bin/, /usr/)", true},
		{"proc.exepath startswith anyof (/bin/, /sbin/)", false},
		{"proc.aname startswith anyof (ss, zz)", true},
		{"proc.args contains oneof (passwd, shadow)", true},
		{"proc.args contains anyof (passwd, group)", false},
		{"proc.args icontains anyof (PASSWD, SHADOW)", true},
		{"proc.args icontains anyof (PASSWD, GROUP)", false},
		{"proc.aname in (nginx, sshd)", true}, /* not a list field: any ancestor */
		{"proc.args contains allof (etc, shadow)", true},
		{"proc.args contains allof (etc, passwd)", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (th_match(&W, NULL, cases[i].cond) != cases[i].want)
			fail_msg("%s: want %s", cases[i].cond,
				 cases[i].want ? "match" : "no match");
}

/* vg_contains passes over candidates by their last byte first: the matches it must not lose. */
static void test_contains(void **state)
{
	static const char h[] = "LANG=C LOGNAME=u LD_PRELOAD=/x.so";

	(void)state;
	assert_true(vg_contains(h, sizeof(h) - 1, "LD_PRELOAD=", 11));
	assert_true(vg_contains(h, sizeof(h) - 1, "/x.so", 5)); /* at the very end */
	assert_true(vg_contains(h, sizeof(h) - 1, "LANG", 4));	/* at the very start */
	assert_true(vg_contains(h, sizeof(h) - 1, "L", 1));
	assert_true(vg_contains(h, sizeof(h) - 1, "", 0));
	assert_false(vg_contains(h, sizeof(h) - 1, "LD_PRELOAD=/x.sox", 17));
	assert_false(vg_contains(h, sizeof(h) - 1, "LOGNAME=v", 9)); /* only the last byte */
	assert_false(vg_contains("ab", 2, "abc", 3));
	assert_true(vg_contains("a\0b", 3, "\0b", 2)); /* bytes, not C strings */
}

static void test_tag_set(void **state)
{
	struct vg_ruleset *rs =
		th_load("- rule: r\n  desc: d\n  condition: proc.name = cat\n"
			"  output: o\n  priority: INFO\n"
			"  tags: [mitre_discovery, host, T1082, host, container]\n");
	const struct vg_rule *r;
	const char *const *t;
	size_t n;

	(void)state;
	assert_int_equal(vg_ruleset_rule_count(rs), 1);
	r = vg_ruleset_rule(rs, 0);
	t = vg_rule_tag_set(r, &n);
	assert_int_equal(n, 4);
	assert_string_equal(t[0], "T1082");
	assert_string_equal(t[1], "container");
	assert_string_equal(t[2], "host");
	assert_string_equal(t[3], "mitre_discovery");
	/* the rule's own list keeps its order and repeats */
	t = vg_rule_tags(r, &n);
	assert_int_equal(n, 5);
	assert_string_equal(t[0], "mitre_discovery");
	vg_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_branch_chosen, setup),
		cmocka_unit_test_setup(test_branch_results, setup),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_tag_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
