// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary bytes as a rules file. Loads, compiles, and
 * when rules compiled, evaluates them against a fixed event and renders
 * their outputs. Any crash, leak or sanitizer report is a finding.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "rules/loader.h"
#include "rules/output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_ruleset_opts o = {.match_all = true,
				    .passwd_path = "/nonexistent",
				    .group_path = "/nonexistent",
				    .scratch_bytes = 65536};
	struct vg_ruleset *rs = vg_ruleset_new(&o);
	struct vg_eval_ctx ctx;
	char buf[256];

	if (!rs)
		return 0;
	vg_ruleset_load_string(rs, "fuzz.yaml", (const char *)data, size);
	vg_ruleset_compile(rs);
	fz_world(&ctx);
	vg_ruleset_eval(rs, &ctx, NULL, NULL);
	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);
		struct json_object *obj = json_object_new_object();

		vg_rule_eval(rs, r, &ctx);
		vg_rule_render_output(rs, r, &ctx, buf, sizeof(buf));
		if (obj) {
			vg_rule_output_fields(rs, r, &ctx, obj);
			json_object_put(obj);
		}
	}
	vg_ruleset_free(rs);
	return 0;
}
