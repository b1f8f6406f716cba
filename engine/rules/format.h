/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert output: a rule's format string ("%proc.name ran %proc.cmdline")
 * rendered for one event, and the walk of Falco's "output_fields" with each
 * field typed (numbers as numbers, strings as strings, missing as null);
 * the alert stage (alert/alert.c) writes that walk as JSON.
 */
#ifndef VIGIL_RULES_FORMAT_H
#define VIGIL_RULES_FORMAT_H

#include <stddef.h>

#include "fields/registry.h"
#include "fields/eval_ctx.h"

struct vg_ruleset;
struct vg_rule;

/*
 * Renders r's output into buf (always NUL-terminated when cap > 0).
 * Missing fields print as <NA>. Returns the length the full text needs,
 * like snprintf: a result >= cap means it was truncated.
 */
size_t vg_rule_render_output(struct vg_ruleset *rs, const struct vg_rule *r,
			     const struct vg_eval_ctx *ctx, char *buf, size_t cap);

/* Text of one value of type t as an output shows it, in tmp (tlen >= 64 bytes) unless a string or
 * bool. */
const char *vg_output_value_text(enum vg_ftype t, const struct vg_value *v, char *tmp, size_t tlen,
				 size_t *n);

/*
 * Called once per distinct key of output_fields, in Falco's order (sorted
 * by key, as Falco's JSON object keeps them): the fields of the output
 * format, then append_output's extra_fields in their places. key is the
 * field as written ("proc.aname[2]") or an extra field's own name, x its
 * values for the event (n == 0: missing). evt.time* come as epoch
 * nanoseconds, as Falco's JSON has them. A non-zero return stops the walk.
 */
typedef int (*vg_ofield_fn)(void *arg, const char *key, const struct vg_xval *x);

/* Walks r's output fields for ctx's event; returns the first non-zero fn result, or 0. */
int vg_rule_output_each(struct vg_ruleset *rs, const struct vg_rule *r,
			const struct vg_eval_ctx *ctx, vg_ofield_fn fn, void *arg);

#endif
