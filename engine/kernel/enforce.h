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

struct bpf_map;
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

/*
 * The policy maps of an object built with probes/enforce_match.bpf.h: the
 * enforcement probe's, or a test's (tests/bpf/), filled the same way.
 */
struct vg_enf_maps {
	struct bpf_map *conf, *conj, *cmp, *str, *prefix, *num, *net;
};

/* The maps of a skeleton (a pointer to its generated struct). */
#define VG_ENF_MAPS_OF(skel)                                                                       \
	{                                                                                          \
		.conf = (skel)->maps.enf_conf, .conj = (skel)->maps.enf_conj,                      \
		.cmp = (skel)->maps.enf_cmp, .str = (skel)->maps.enf_str,                          \
		.prefix = (skel)->maps.enf_prefix, .num = (skel)->maps.enf_num,                    \
		.net = (skel)->maps.enf_net,                                                       \
	}

/* Sizes the maps for p: call before the object is loaded. */
void vg_enf_maps_size(const struct vg_enf_maps *m, const struct vg_enf_policy *p);
/* Writes p into the loaded maps, its configuration last. Returns 0 or -errno. */
int vg_enf_maps_fill(const struct vg_enf_maps *m, const struct vg_enf_policy *p);

/* "bpf" is in /sys/kernel/security/lsm: the LSM tier may load. */
bool vg_enforcer_lsm_possible(void);

#endif
