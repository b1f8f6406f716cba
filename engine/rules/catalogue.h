/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `vigil rules --catalogue` says of a rule beyond its compiled form:
 * the lists and macros its condition names, directly or through the macros
 * it names. Those are what a user overrides (`override: {items: append}`,
 * `override: {condition: append}`) to tune the rule without editing it.
 */
#ifndef VIGIL_RULES_CATALOGUE_H
#define VIGIL_RULES_CATALOGUE_H

#include <stdbool.h>

struct vg_ruleset;
struct vg_rule;

typedef void (*vg_tunable_fn)(const char *name, bool is_list, void *arg);

/*
 * Calls fn once per list or macro the rule depends on, in the order they are
 * first reached (breadth first from the rule's condition as written, before
 * macros are inlined). Names inside quoted strings are not references.
 * Returns 0, or -ENOMEM.
 */
int vg_rule_tunables(const struct vg_ruleset *rs, const struct vg_rule *r, vg_tunable_fn fn,
		     void *arg);

#endif
