// SPDX-License-Identifier: Apache-2.0
/*
 * A field vigil registers (Falco has it) but never extracts is always
 * missing: a rule checking it would silently never fire. Loading such a rule
 * is an error at the field (file:line:column, the field named), or with
 * unsupported_fields: warn a warning naming each rule that uses one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fields/registry.h"
#include "helpers.h"

/* A field the registry has but that is not live; the test fails if none is left. */
static const char *dead_field(void)
{
	static const char *const candidates[] = {"proc.vmrss", "proc.vmsize", "evt.cpu", "fd.proto",
						 NULL};

	for (size_t i = 0; candidates[i]; i++) {
		const char *arg;
		const struct vg_field_def *d = vg_field_lookup(candidates[i], &arg);

		if (d && !(d->flags & VG_FF_LIVE))
			return candidates[i];
	}
	return NULL;
}

static struct vg_ruleset *load(const char *yaml, enum vg_unsupported_fields mode)
{
	struct vg_ruleset_opts o = {.unsupported_fields = mode};
	struct vg_ruleset *rs = vg_ruleset_new(&o);

	assert_non_null(rs);
	vg_ruleset_load_string(rs, "dead.yaml", yaml, strlen(yaml));
	if (vg_ruleset_error_count(rs) == 0)
		vg_ruleset_compile(rs);
	return rs;
}

static char *two_rules(const char *field)
{
	char *y = NULL;

	assert_true(asprintf(&y,
			     "- macro: big\n"
			     "  condition: %s > 100\n"
			     "- rule: uses it\n"
			     "  desc: d\n"
			     "  condition: evt.type = execve and proc.name = x and %s > 0\n"
			     "  output: o\n"
			     "  priority: INFO\n"
			     "- rule: through a macro\n"
			     "  desc: d\n"
			     "  condition: evt.type = execve and big\n"
			     "  output: o\n"
			     "  priority: INFO\n"
			     "- rule: clean\n"
			     "  desc: d\n"
			     "  condition: evt.type = execve\n"
			     "  output: \"%%proc.name %%container.info\"\n"
			     "  priority: INFO\n",
			     field, field) > 0);
	return y;
}

/* An error at the field itself: line 5, column 54 of the condition's text. */
static void test_error_at_field(void **state)
{
	const char *f = dead_field();
	char *y;
	struct vg_ruleset *rs;
	const struct vg_diag *d;
	size_t n, errs = 0;

	(void)state;
	assert_non_null(f);
	y = two_rules(f);
	rs = load(y, VG_UNSUPPORTED_ERROR);
	d = vg_ruleset_diags(rs, &n);
	for (size_t i = 0; i < n; i++) {
		if (d[i].level != VG_DIAG_ERROR)
			continue;
		errs++;
		assert_string_equal(d[i].code, "E-NOT-EXTRACTED");
		assert_non_null(strstr(d[i].msg, f));
		assert_non_null(strstr(d[i].msg, "not extracted by vigil"));
		assert_string_equal(d[i].file, "dead.yaml");
	}
	/* both rules fail, each where the field is written (the macro's own line for the second) */
	assert_int_equal(errs, 2);
	{
		bool at_rule = false, at_macro = false;

		for (size_t i = 0; i < n; i++) {
			if (d[i].level != VG_DIAG_ERROR)
				continue;
			at_rule |= d[i].line == 5 && d[i].col == 54;
			at_macro |= d[i].line == 2 && d[i].col == 14;
		}
		assert_true(at_rule);
		assert_true(at_macro);
	}
	vg_ruleset_free(rs);
	free(y);
}

/* An output naming the field fails the same way; %container.info (Falco's placeholder) does not. */
static void test_error_in_output(void **state)
{
	const char *f = dead_field();
	char *y = NULL;
	struct vg_ruleset *rs;

	(void)state;
	assert_true(asprintf(&y,
			     "- rule: out\n  desc: d\n  condition: evt.type = execve\n"
			     "  output: \"rss=%%%s\"\n  priority: INFO\n",
			     f) > 0);
	rs = load(y, VG_UNSUPPORTED_ERROR);
	assert_non_null(th_find_diag(rs, "E-NOT-EXTRACTED"));
	vg_ruleset_free(rs);
	free(y);
}

/* warn: every rule loads; one warning per affected rule names it and the field. */
static void test_warn_names_rules(void **state)
{
	const char *f = dead_field();
	char *y = two_rules(f);
	struct vg_ruleset *rs = load(y, VG_UNSUPPORTED_WARN);
	const struct vg_diag *d;
	size_t n, warns = 0;
	bool uses = false, macro = false;

	(void)state;
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	assert_int_equal(vg_ruleset_rule_count(rs), 3);
	d = vg_ruleset_diags(rs, &n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(d[i].code, "W-NOT-EXTRACTED") != 0)
			continue;
		warns++;
		assert_non_null(strstr(d[i].msg, f));
		assert_non_null(d[i].item);
		uses |= strcmp(d[i].item, "uses it") == 0;
		macro |= strcmp(d[i].item, "through a macro") == 0;
		assert_string_not_equal(d[i].item, "clean");
	}
	assert_int_equal(warns, 2);
	assert_true(uses && macro);
	vg_ruleset_free(rs);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_at_field),
		cmocka_unit_test(test_error_in_output),
		cmocka_unit_test(test_warn_names_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
