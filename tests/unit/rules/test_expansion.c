// SPDX-License-Identifier: Apache-2.0
/*
 * Bounds on macro and list expansion (issue 17, item 3). A few lines of
 * rules can describe an exponential tree: 24 macros each naming the
 * previous one twice took `vigil validate` past 19 GB. Loading must fail
 * fast with E-EXPANSION or E-DEPTH naming the rule and the macro chain, at
 * file:line:column, and memory must never grow first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "helpers.h"

#define RULE(name, cond)                                                                           \
	"- rule: " name "\n  desc: d\n  condition: " cond "\n  output: o\n  priority: INFO\n"

#if defined(__SANITIZE_ADDRESS__)
#define VG_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VG_TEST_ASAN 1
#endif
#endif

/* Appends printf output to a growing buffer. */
struct buf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void bput(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* m1: evt.type=open; mK: m(K-1) and/or m(K-1): macro mK expands to about 2^K checks. */
static char *doubling_chain(int n, bool with_rule)
{
	struct buf b = {0};

	bput(&b, "- macro: m1\n  condition: evt.type=open\n");
	for (int i = 2; i <= n; i++)
		bput(&b, "- macro: m%d\n  condition: m%d %s m%d\n", i, i - 1, i % 2 ? "or" : "and",
		     i - 1);
	if (with_rule)
		bput(&b, "- rule: r\n  desc: d\n  condition: m%d\n  output: o\n  priority: INFO\n",
		     n);
	return b.s;
}

/* The diagnostic with this code on this item (any item: NULL) saying msg_part. */
static const struct vg_diag *expect_diag(const struct vg_ruleset *rs, const char *code,
					 const char *item, const char *msg_part)
{
	size_t n;
	const struct vg_diag *d = vg_ruleset_diags(rs, &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].code, code) &&
		    (!item || (d[i].item && !strcmp(d[i].item, item))) &&
		    (!msg_part || strstr(d[i].msg, msg_part)))
			return &d[i];
	th_dump(rs);
	fail_msg("expected %s on '%s' saying '%s'", code, item ? item : "",
		 msg_part ? msg_part : "");
	return NULL;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/*
 * The reported chain: 24 macros, the rule fails at the reference to m24
 * (line 51, column 14), the chain is named down to the first macro within
 * the bound, and the process never grew: the check is made before building.
 */
static void test_doubling_chain_fails_fast(void **state)
{
	char *text = doubling_chain(24, true);
	struct vg_ruleset *rs = th_load(text);
	const struct vg_diag *d;

	(void)state;
	d = expect_diag(rs, "E-EXPANSION", "r", "condition expands past 200000 nodes");
	assert_string_equal(d->item_kind, "rule");
	assert_non_null(strstr(d->msg, "through macro chain m24 -> m23 -> m22 -> m21 -> m20 -> "
				       "m19 -> m18 -> m17"));
	assert_int_equal(d->line, 51);
	assert_int_equal(d->col, 14);
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	/* m17 and m18 pass the bound by themselves: no error of their own, nor cascade */
	assert_int_equal(vg_ruleset_error_count(rs), 1);
	printf("[ expand  ] peak RSS %ld KiB\n", peak_rss_kb());
	assert_true(peak_rss_kb() < 200 * 1024);
	vg_ruleset_free(rs);
	free(text);
}

/* A chain no rule uses is reported at its outermost macro. */
static void test_unused_chain_reported_at_macro(void **state)
{
	char *text = doubling_chain(30, false);
	struct vg_ruleset *rs = th_load(text);
	const struct vg_diag *d;

	(void)state;
	d = expect_diag(rs, "E-EXPANSION", "m30", "through macro chain m30 -> m29");
	assert_string_equal(d->item_kind, "macro");
	assert_int_equal(d->line, 59); /* "- macro: m30" */
	assert_int_equal(vg_ruleset_error_count(rs), 1);
	assert_true(peak_rss_kb() < 200 * 1024);
	vg_ruleset_free(rs);
	free(text);
}

/* Below the bound the same shape loads, and evaluates as the unexpanded text would. */
static void test_chain_within_bounds_loads(void **state)
{
	char *text = doubling_chain(12, true);
	struct vg_ruleset *rs = th_load(text);
	struct vg_expansion x;

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_int_equal(vg_ruleset_rule_count(rs), 1);
	vg_ruleset_expansion(rs, &x);
	assert_true(x.largest > 4096 && x.largest <= VG_MAX_EXPANDED_NODES);
	assert_int_equal(x.nesting, 12);
	vg_ruleset_free(rs);
	free(text);
}

/* Macros nested past VG_MAX_MACRO_NESTING: E-DEPTH, with the chain. */
static void test_macro_nesting_bound(void **state)
{
	struct buf b = {0};
	struct vg_ruleset *rs;

	(void)state;
	bput(&b, "- macro: n1\n  condition: evt.type=open\n");
	for (int i = 2; i <= VG_MAX_MACRO_NESTING + 6; i++)
		bput(&b, "- macro: n%d\n  condition: n%d and proc.pid=%d\n", i, i - 1, i);
	bput(&b, RULE("deep", "n%d"), VG_MAX_MACRO_NESTING + 6);
	rs = th_load(b.s);
	expect_diag(rs, "E-DEPTH", "deep", "macros nest deeper than 64 through macro chain n70");
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	vg_ruleset_free(rs);
	free(b.s);
}

/* "proc.pid=1 and (proc.pid=2 or (proc.pid=3 and (... inner)))": and/or alternate, nest */
static void nested(struct buf *b, int levels, const char *inner)
{
	for (int i = 0; i < levels; i++)
		bput(b, "proc.pid=%d %s (", i, i % 2 ? "or" : "and");
	bput(b, "%s", inner);
	for (int i = 0; i < levels; i++)
		bput(b, ")");
	bput(b, "\n");
}

/* Each macro within the parser's depth, together past it once inlined. */
static void test_expanded_height_bound(void **state)
{
	struct buf b = {0};
	struct vg_ruleset *rs;

	(void)state;
	bput(&b, "- macro: h1\n  condition: ");
	nested(&b, 180, "evt.type=open"); /* height 181: the parser takes about 200 */
	for (int i = 2; i <= 6; i++) {
		char inner[8];

		snprintf(inner, sizeof(inner), "h%d", i - 1);
		bput(&b, "- macro: h%d\n  condition: ", i);
		nested(&b, 180, inner);
	}
	bput(&b, RULE("tall", "h6"));
	rs = th_load(b.s);
	expect_diag(rs, "E-DEPTH", "tall",
		    "condition nests deeper than 1000 once macros are inlined through macro "
		    "chain h6");
	assert_int_equal(vg_ruleset_rule_count(rs), 0);
	vg_ruleset_free(rs);
	free(b.s);
}

/* l1: [a, b]; lK: [l(K-1), l(K-1)]: the list fails when the copy would pass the bound. */
static void test_list_doubling_bound(void **state)
{
	struct buf b = {0};
	struct vg_ruleset *rs;
	const struct vg_diag *d;

	(void)state;
	bput(&b, "- list: l1\n  items: [a, b]\n");
	for (int i = 2; i <= 40; i++)
		bput(&b, "- list: l%d\n  items: [l%d, l%d]\n", i, i - 1, i - 1);
	bput(&b, RULE("lists", "proc.name in (l40)"));
	rs = th_load(b.s);
	d = expect_diag(rs, "E-EXPANSION", "l18", "expands past 200000 items through list 'l17'");
	assert_string_equal(d->item_kind, "list");
	assert_int_equal(d->line, 35);
	assert_true(peak_rss_kb() < 200 * 1024);
	vg_ruleset_free(rs);
	free(b.s);
}

/*
 * List items count as nodes: a condition naming a big list three times is
 * past the bound when the lists are substituted (before anything else is
 * built), and a rule naming twice a macro that names it twice when the
 * macros are measured.
 */
static void test_list_items_count_as_nodes(void **state)
{
	struct buf b = {0};
	struct vg_ruleset *rs;
	const struct vg_diag *d;

	(void)state;
	bput(&b, "- list: big\n  items: [");
	for (int i = 0; i < 70000; i++)
		bput(&b, "%sb%d", i ? ", " : "", i);
	bput(&b, "]\n- macro: three\n  condition: proc.name in (big) or proc.pname in (big) or "
		 "proc.aname in (big)\n"
		 "- macro: two\n  condition: proc.name in (big) or proc.pname in (big)\n" RULE(
			 "items", "two or (evt.type=open and two)"));
	rs = th_load(b.s);
	d = expect_diag(rs, "E-EXPANSION", "three",
			"condition expands past 200000 nodes through list 'big'");
	assert_string_equal(d->item_kind, "macro");
	assert_int_equal(d->line, 4);
	d = expect_diag(rs, "E-EXPANSION", "items", "through macro chain two");
	vg_ruleset_free(rs);
	free(b.s);
}

/* Condition text (appends and exceptions glued in) is bounded before parsing. */
static void test_condition_text_bound(void **state)
{
	struct buf b = {0};
	struct vg_ruleset *rs;

	(void)state;
	bput(&b, "- rule: long\n  desc: d\n  condition: evt.type=open");
	while (b.len < VG_MAX_CONDITION_BYTES + 100)
		bput(&b, " or proc.name=abcdefgh");
	bput(&b, "\n  output: o\n  priority: INFO\n");
	rs = th_load(b.s);
	expect_diag(rs, "E-EXPANSION", "long", "more than 1048576");
	vg_ruleset_free(rs);
	free(b.s);
}

/* The ruleset's total: many rules, each within the bound, together past it. */
static void test_ruleset_total_bound(void **state)
{
	struct vg_ruleset_opts o = {.max_nodes = 1000, .max_total_nodes = 5000};
	struct vg_ruleset *rs = vg_ruleset_new(&o);
	char *text = doubling_chain(6, false); /* m6: 63 checks, about 190 nodes */
	struct buf b = {0};

	(void)state;
	bput(&b, "%s", text);
	for (int i = 0; i < 40; i++)
		bput(&b, RULE("r%d", "m6"), i);
	vg_ruleset_load_string(rs, "total.yaml", b.s, b.len);
	vg_ruleset_compile(rs);
	expect_diag(rs, "E-EXPANSION", NULL, "past 5000 nodes together");
	assert_true(vg_ruleset_rule_count(rs) > 10 && vg_ruleset_rule_count(rs) < 40);
	vg_ruleset_free(rs);
	free(text);
	free(b.s);
}

/* vigil's own rules stay far from every bound. */
static void test_vigil_rules_margin(void **state)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);
	struct vg_expansion x;

	(void)state;
	assert_int_equal(vg_ruleset_load_path(rs, VIGIL_RULES_DIR), 0);
	assert_int_equal(vg_ruleset_compile(rs), 0);
	vg_ruleset_expansion(rs, &x);
	assert_true(x.largest * 50 < VG_MAX_EXPANDED_NODES);
	assert_true(x.total * 50 < VG_MAX_RULESET_NODES);
	assert_true(x.nesting * 8 < VG_MAX_MACRO_NESTING);
	vg_ruleset_free(rs);
}

/* The old code built the whole tree: let it fail with E-NOMEM, not by swapping the host. */
static void limit_address_space(void)
{
#ifndef VG_TEST_ASAN /* ASan reserves terabytes of address space */
	struct rlimit rl = {1ul << 30, 1ul << 30};

	setrlimit(RLIMIT_AS, &rl);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubling_chain_fails_fast),
		cmocka_unit_test(test_unused_chain_reported_at_macro),
		cmocka_unit_test(test_chain_within_bounds_loads),
		cmocka_unit_test(test_macro_nesting_bound),
		cmocka_unit_test(test_expanded_height_bound),
		cmocka_unit_test(test_list_doubling_bound),
		cmocka_unit_test(test_list_items_count_as_nodes),
		cmocka_unit_test(test_condition_text_bound),
		cmocka_unit_test(test_ruleset_total_bound),
		cmocka_unit_test(test_vigil_rules_margin),
	};
	limit_address_space();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
