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

#include "helpers.h"

static const char *dir = FALCO_RULES_DIR;

static int load_set(const char *const *files, size_t n)
{
	struct vg_ruleset *rs = vg_ruleset_new(NULL);
	char path[1024];
	size_t enabled = 0;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_file_alone),
		cmocka_unit_test(test_usual_combinations),
		cmocka_unit_test(test_counts_match_the_files),
	};
	char path[1024];

	snprintf(path, sizeof(path), "%s/falco_rules.yaml", dir);
	if (access(path, R_OK) != 0) {
		printf("SKIP: Falco rule files not found in %s\n", dir);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
