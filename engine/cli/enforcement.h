/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vigil run's enforcement: compile the rules with an action into a policy,
 * hand them to the kernel (which then reports them itself, so the rule
 * engine skips them), and swap policies on reload.
 */
#ifndef VIGIL_CLI_ENFORCEMENT_H
#define VIGIL_CLI_ENFORCEMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/enforce.h"

struct vg_ruleset;
struct vg_probes;
struct vg_enf_policy;
struct vg_enforcer;

struct vg_enforcement {
	enum vg_enf_mode mode; /* global: caps every rule's own */
	bool force_signal;     /* the signal tier even where BPF LSM is active */
	bool self_protect;     /* where BPF LSM is active */
	bool self_protect_set; /* asked for in the config or on the command line, not a default */
	bool announce; /* say what is enforced on each start: set after the first (reloads) */
	struct vg_enf_policy *policy;
	struct vg_enforcer *enforcer;
};

/*
 * Compiles rs's rules with an action; prints errors with file:line:col and
 * returns their count. On success *out is the policy (NULL when no rule
 * enforces), and its rules are disabled in rs: the kernel reports them.
 */
int vg_enforcement_compile(const struct vg_enforcement *e, struct vg_ruleset *rs,
			   struct vg_enf_policy **out);
/* Puts p in force (the previous policy stays until the new one is attached). */
int vg_enforcement_start(struct vg_enforcement *e, struct vg_enf_policy *p,
			 struct vg_probes *probes);
void vg_enforcement_stop(struct vg_enforcement *e);
/* "off", or "N rule(s), tier T, mode M[, self-protection on]", for the start-up summary. */
const char *vg_enforcement_describe(const struct vg_enforcement *e, char *buf, size_t len);

#endif
