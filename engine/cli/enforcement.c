// SPDX-License-Identifier: Apache-2.0
#include "cli/enforcement.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "enforce/policy.h"
#include "kernel/enforce.h"
#include "kernel/probes.h"
#include "rules/compile.h"

int vg_enforcement_compile(const struct vg_enforcement *e, struct vg_ruleset *rs,
			   struct vg_enf_policy **out)
{
	int nerr = vg_enf_policy_build_host(rs, e->mode, e->self_protect, out, stderr);

	if (nerr) {
		fprintf(stderr, "vigil: %d error(s) in the enforcing rules\n", nerr);
		return nerr;
	}
	if (!(*out)->nrules && !e->self_protect) {
		vg_enf_policy_free(*out);
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < (*out)->nrules; i++)
		vg_ruleset_enable(rs, vg_rule_name((*out)->rules[i].rule), false);
	return 0;
}

int vg_enforcement_start(struct vg_enforcement *e, struct vg_enf_policy *p,
			 struct vg_probes *probes)
{
	struct vg_enforcer_opts o = {.self_tgid = (uint32_t)getpid(),
				     .force_signal = e->force_signal};
	struct vg_enforcer *next = NULL;
	int err;

	vg_probes_shared_maps(probes, &o.maps);
	if (p && !p->nrules && (e->force_signal || !vg_enforcer_lsm_possible())) {
		vg_enf_policy_free(p); /* self-protection alone needs LSM */
		p = NULL;
	}
	if (p && (err = vg_enforcer_start(p, &o, &next)) != 0)
		return err;
	vg_enforcer_stop(e->enforcer);
	if (e->policy != p)
		vg_enf_policy_free(e->policy);
	e->enforcer = next;
	e->policy = p;
	if (p)
		fprintf(stderr, "vigil: enforcing %zu rule(s): tier %s, mode %s%s\n", p->nrules,
			vg_enf_tier_name(vg_enforcer_tier(next)), vg_enf_mode_name(e->mode),
			p->conf.self_protect && vg_enforcer_tier(next) == VG_ENF_TIER_LSM
				? ", self-protection on"
				: "");
	return 0;
}

void vg_enforcement_stop(struct vg_enforcement *e)
{
	vg_enforcer_stop(e->enforcer);
	vg_enf_policy_free(e->policy);
	e->enforcer = NULL;
	e->policy = NULL;
}
