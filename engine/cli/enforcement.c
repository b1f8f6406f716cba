// SPDX-License-Identifier: Apache-2.0
#include "cli/enforcement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enforce/policy.h"
#include "kernel/enforce.h"
#include "kernel/probes.h"
#include "rules/compile.h"
#include "rules/seq.h"

int vg_enforcement_compile(const struct vg_enforcement *e, struct vg_ruleset *rs,
			   struct vg_enf_policy **out)
{
	int nerr = vg_enf_policy_build_host(rs, e->mode, e->self_protect, out, stderr);

	vg_seq_set_enforce_mode(rs, (int)e->mode); /* their action: kill is user space's */

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

/*
 * One warning for each thing asked for and not had: enforcing rules that
 * fall back from the LSM tier to signals, or self-protection explicitly
 * asked for where it cannot run. A default that is not available is no
 * warning: `vigil features` and the metrics show it.
 */
static void warn_missing(const struct vg_enforcement *e, const struct vg_enf_policy *p,
			 const struct vg_enforcer *en)
{
	int lsm_err = en ? vg_enforcer_lsm_error(en) : 0;
	bool lsm = en && vg_enforcer_tier(en) == VG_ENF_TIER_LSM;

	if (p && p->nrules && lsm_err)
		fprintf(stderr,
			"vigil: warning: the BPF LSM enforcement hooks failed to load (%s): "
			"%zu enforcing rule(s) fall back to signals, which act after the system "
			"call instead of refusing it (-v shows libbpf's messages)\n",
			strerror(lsm_err), p->nrules);
	if (e->self_protect && e->self_protect_set && !lsm)
		fprintf(stderr,
			"vigil: warning: self_protect is set but needs the BPF LSM tier, which is "
			"%s: vigil runs without self-protection\n",
			lsm_err		  ? strerror(lsm_err)
			: e->force_signal ? "turned off by the signal tier setting"
					  : "not active in this kernel");
}

int vg_enforcement_start(struct vg_enforcement *e, struct vg_enf_policy *p,
			 struct vg_probes *probes)
{
	struct vg_enforcer_opts o = {.self_tgid = (uint32_t)getpid(),
				     .force_signal = e->force_signal};
	struct vg_enforcer *next = NULL;
	char what[160];
	int err;

	vg_probes_shared_maps(probes, &o.maps);
	if (p && !p->nrules && (e->force_signal || !vg_enforcer_lsm_possible())) {
		vg_enf_policy_free(p); /* self-protection alone needs LSM */
		p = NULL;
	}
	if (p && (err = vg_enforcer_start(p, &o, &next)) != 0)
		return err;
	warn_missing(e, p, next);
	if (p && !p->nrules && vg_enforcer_tier(next) != VG_ENF_TIER_LSM) {
		/* the LSM tier failed: signals alone cannot protect vigil, so nothing is left */
		vg_enforcer_stop(next);
		vg_enf_policy_free(p);
		next = NULL;
		p = NULL;
	}
	vg_enforcer_stop(e->enforcer);
	if (e->policy != p)
		vg_enf_policy_free(e->policy);
	e->enforcer = next;
	e->policy = p;
	/* at start-up the ready line says it; a reload (announce) says it here */
	if (e->announce)
		fprintf(stderr, "vigil: enforcing: %s\n",
			vg_enforcement_describe(e, what, sizeof(what)));
	return 0;
}

const char *vg_enforcement_describe(const struct vg_enforcement *e, char *buf, size_t len)
{
	const struct vg_enf_policy *p = e->policy;
	bool lsm = e->enforcer && vg_enforcer_tier(e->enforcer) == VG_ENF_TIER_LSM;

	if (!p) {
		snprintf(buf, len, "off");
		return buf;
	}
	snprintf(buf, len, "%zu rule(s), tier %s, mode %s%s", p->nrules,
		 vg_enf_tier_name(vg_enforcer_tier(e->enforcer)), vg_enf_mode_name(e->mode),
		 p->conf.self_protect && lsm ? ", self-protection on" : "");
	return buf;
}

void vg_enforcement_stop(struct vg_enforcement *e)
{
	vg_enforcer_stop(e->enforcer);
	vg_enf_policy_free(e->policy);
	e->enforcer = NULL;
	e->policy = NULL;
}
