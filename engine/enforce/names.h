/* SPDX-License-Identifier: Apache-2.0 */
/* The words alerts and `vigil events` use for enforcement decisions. */
#ifndef VIGIL_ENFORCE_NAMES_H
#define VIGIL_ENFORCE_NAMES_H

#include "vigil/enforce.h"

static inline const char *vg_enf_action_name(unsigned action)
{
	return action == VG_ENF_ACT_KILL ? "kill" : action == VG_ENF_ACT_DENY ? "deny" : "none";
}

static inline const char *vg_enf_mode_name(unsigned mode)
{
	static const char *const names[] = {"off", "audit", "on"};

	return mode < 3 ? names[mode] : "unknown";
}

static inline const char *vg_enf_tier_name(unsigned tier)
{
	return tier == VG_ENF_TIER_LSM ? "lsm" : tier == VG_ENF_TIER_SIGNAL ? "signal" : "none";
}

static inline const char *vg_enf_result_name(unsigned result)
{
	switch (result) {
	case VG_ENF_RES_DENIED: return "denied";
	case VG_ENF_RES_KILLED: return "killed";
	case VG_ENF_RES_DENIED_KILLED: return "denied_and_killed";
	case VG_ENF_RES_AUDIT: return "audited";
	case VG_ENF_RES_FAILED: return "failed";
	}
	return "unknown";
}

/* Self-protection decisions (op 0) are about a signal or a ptrace. */
static inline const char *vg_enf_op_name(unsigned op)
{
	switch (op) {
	case VG_ENF_OP_EXEC: return "exec";
	case VG_ENF_OP_OPEN: return "open";
	case VG_ENF_OP_CONNECT: return "connect";
	}
	return "signal";
}

#endif
