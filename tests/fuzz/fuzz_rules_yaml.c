// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: arbitrary bytes as a rules file. Loads, compiles, and
 * when rules compiled, evaluates them against a fixed event and renders
 * their outputs. Any crash, leak or sanitizer report is a finding, and so
 * is a rule the indexed evaluation (rule keys, per-type programs) picks
 * differently from the rule's own condition: the fuzzer aborts on it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "rules/loader.h"
#include "rules/format.h"
#include "fuzz_output_walk.h"
#include "rules/seq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_RULES 256

struct picked {
	const struct vg_ruleset *rs;
	bool by_index[FZ_MAX_RULES];
};

static bool pick(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct picked *p = arg;

	(void)ctx;
	for (size_t i = 0; i < vg_ruleset_rule_count(p->rs) && i < FZ_MAX_RULES; i++)
		if (vg_ruleset_rule(p->rs, i) == r)
			p->by_index[i] = true;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_ruleset_opts o = {.match_all = true,
				    .passwd_path = "/nonexistent",
				    .group_path = "/nonexistent",
				    .scratch_bytes = 65536,
				    /* the expansion bounds, small: each input stays fast, and
				       the fuzzer reaches them (docs/rules.md, Limits) */
				    .max_nodes = 20000,
				    .max_total_nodes = 100000,
				    /* sequence state: small, so that each input allocates little
				       and tables fill and evict */
				    .seq_state_max_bytes = 64 << 10};
	struct vg_ruleset *rs = vg_ruleset_new(&o);
	struct picked picked = {.rs = rs};
	struct vg_eval_ctx ctx;
	char buf[256];

	if (!rs)
		return 0;
	vg_ruleset_load_string(rs, "fuzz.yaml", (const char *)data, size);
	vg_ruleset_compile(rs);
	fz_world(&ctx);
	vg_ruleset_eval(rs, &ctx, pick, &picked);
	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);
		size_t total = 0;
		bool own = vg_rule_enabled(r) && vg_rule_eval(rs, r, &ctx);

		/* a sequence's step or a threshold alerts when its state says, not per event */
		if (i < FZ_MAX_RULES && own != picked.by_index[i] && !vg_rule_stateful(r)) {
			fprintf(stderr, "rule %zu (%s): index %d, own condition %d\n", i,
				vg_rule_name(r), picked.by_index[i], own);
			abort();
		}
		vg_rule_render_output(rs, r, &ctx, buf, sizeof(buf));
		vg_rule_output_each(rs, r, &ctx, fz_touch_field, &total);
	}
	/* the same event again, later: sequences advance, thresholds count */
	for (int k = 0; k < 3; k++)
		vg_ruleset_eval(rs, &ctx, NULL, NULL);
	vg_ruleset_free(rs);
	return 0;
}
