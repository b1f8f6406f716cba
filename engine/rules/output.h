/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert output: a rule's format string ("%proc.name ran %proc.cmdline")
 * rendered for one event, and Falco's "output_fields" object with each
 * field typed (numbers as numbers, strings as strings, missing as null).
 */
#ifndef VIGIL_RULES_OUTPUT_H
#define VIGIL_RULES_OUTPUT_H

#include <stddef.h>

#include "rules/eval_ctx.h"

struct vg_ruleset;
struct vg_rule;
struct json_object;

/*
 * Renders r's output into buf (always NUL-terminated when cap > 0).
 * Missing fields print as <NA>. Returns the length the full text needs,
 * like snprintf: a result >= cap means it was truncated.
 */
size_t vg_rule_render_output(struct vg_ruleset *rs, const struct vg_rule *r,
			     const struct vg_eval_ctx *ctx, char *buf, size_t cap);

/* Adds one key per field of r's output to obj. Returns 0, or -1 on OOM. */
int vg_rule_output_fields(struct vg_ruleset *rs, const struct vg_rule *r,
			  const struct vg_eval_ctx *ctx, struct json_object *obj);

#endif
