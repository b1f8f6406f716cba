// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary bytes as a condition. Checks that the parser
 * never crashes and that its canonical print re-parses to itself; then
 * compiles the condition as a rule and evaluates it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "rules/loader.h"
#include "rules/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The condition as a YAML literal block, when it can be one. */
static char *as_rule(const uint8_t *data, size_t size)
{
	static const char head[] =
		"- macro: m\n  condition: proc.name = bash\n"
		"- list: l\n  items: [bash, sh]\n"
		"- rule: r\n  desc: d\n  output: '%proc.name'\n  priority: INFO\n"
		"  condition: |-\n    ";
	char *y;

	for (size_t i = 0; i < size; i++)
		if (data[i] < 0x20 || data[i] >= 0x7f)
			return NULL;
	y = malloc(sizeof(head) + size + 2);
	if (!y)
		return NULL;
	memcpy(y, head, sizeof(head) - 1);
	memcpy(y + sizeof(head) - 1, data, size);
	y[sizeof(head) - 1 + size] = '\n';
	y[sizeof(head) + size] = '\0';
	return y;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_parse_error err;
	struct vg_ast *a, *b;
	struct vg_ruleset *rs;
	struct vg_eval_ctx ctx;
	char *s1, *s2, *y;

	a = vg_parse_condition((const char *)data, size, NULL, 0, &err);
	if (a) {
		s1 = vg_ast_to_string(a);
		b = s1 ? vg_parse_condition(s1, strlen(s1), NULL, 0, &err) : NULL;
		if (s1 && !b) {
			fprintf(stderr, "canonical form does not re-parse: %s (%s)\n", s1, err.msg);
			abort();
		}
		s2 = b ? vg_ast_to_string(b) : NULL;
		if (s1 && s2 && strcmp(s1, s2) != 0) {
			fprintf(stderr, "canonical form not stable:\n%s\n%s\n", s1, s2);
			abort();
		}
		free(s1);
		free(s2);
		vg_ast_free(b);
		vg_ast_free(a);
	}
	y = as_rule(data, size);
	if (!y)
		return 0;
	rs = vg_ruleset_new(&(struct vg_ruleset_opts){.passwd_path = "/nonexistent",
						      .group_path = "/nonexistent",
						      .scratch_bytes = 65536});
	if (rs) {
		vg_ruleset_load_string(rs, "fuzz.yaml", y, strlen(y));
		vg_ruleset_compile(rs);
		fz_world(&ctx);
		for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++)
			vg_rule_eval(rs, vg_ruleset_rule(rs, i), &ctx);
		vg_ruleset_free(rs);
	}
	free(y);
	return 0;
}
