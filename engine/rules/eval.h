/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evaluation: the rules indexed under the event's type are run against
 * the event and its process. Nothing is allocated and no text is parsed:
 * strings built on the way (cmdlines, transformer results) go to a scratch
 * arena sized when the ruleset was compiled.
 */
#ifndef VIGIL_RULES_EVAL_H
#define VIGIL_RULES_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "fields/eval_ctx.h"

struct vg_ruleset;
struct vg_rule;

/* Called for each matching rule; return false to stop early. */
typedef bool (*vg_match_fn)(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg);

/*
 * Runs the enabled rules for ctx->ev's event type in load order. With
 * rule_matching "first" (the default) at most one rule matches. Returns
 * the number of matches. Not thread-safe: one ruleset per thread.
 */
size_t vg_ruleset_eval(struct vg_ruleset *rs, const struct vg_eval_ctx *ctx, vg_match_fn fn,
		       void *arg);

/* Evaluates one rule's condition, whatever its event types or state. */
/*
 * An event of a plugin's source (ctx->src set, ctx->ev NULL): the enabled
 * rules whose source it is, in file order; like vg_ruleset_eval otherwise.
 */
size_t vg_ruleset_eval_source(struct vg_ruleset *rs, const struct vg_eval_ctx *ctx, vg_match_fn fn,
			      void *arg);
bool vg_rule_eval(struct vg_ruleset *rs, const struct vg_rule *r, const struct vg_eval_ctx *ctx);

#endif
