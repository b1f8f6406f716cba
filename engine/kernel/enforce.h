/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enforcement probe: open -> configure (tier, hooks, map sizes) ->
 * load -> fill the policy maps -> attach. The tier is LSM where BPF LSM is
 * active and its hooks load, signals otherwise.
 */
#ifndef VIGIL_KERNEL_ENFORCE_H
#define VIGIL_KERNEL_ENFORCE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/probes.h"
#include "vigil/enforce.h"

struct vg_enf_policy;
struct vg_enforcer;

struct vg_enforcer_opts {
	uint32_t self_tgid;
	uint32_t wakeup_bytes;
	struct vg_shared_maps maps; /* the process probe's ring buffer, counters, scratch */
	bool force_signal;	    /* use the signal tier even where LSM is there (tests) */
};

/* Loads and attaches; on failure prints the cause and returns -errno. */
int vg_enforcer_start(const struct vg_enf_policy *p, const struct vg_enforcer_opts *o,
		      struct vg_enforcer **out);
void vg_enforcer_stop(struct vg_enforcer *e);
enum vg_enf_tier vg_enforcer_tier(const struct vg_enforcer *e);
/* The errno with which the LSM tier failed before falling back to signals; 0 if it did not. */
int vg_enforcer_lsm_error(const struct vg_enforcer *e);

/* "bpf" is in /sys/kernel/security/lsm: the LSM tier may load. */
bool vg_enforcer_lsm_possible(void);

#endif
