/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one step that makes the kernel side follow a ruleset: the syscalls
 * the probes capture, and whatever else is filled from compiled rules (the
 * in-kernel path prefilter, the enforcement maps). vigil run calls it at
 * start-up and twice per reload:
 *
 *   vg_apply_ruleset_to_kernel(p, old, new)   before the swap: what either
 *                                             ruleset needs, so events the
 *                                             new rules need flow already
 *   ... drain the ring buffer with the old rules, swap ...
 *   vg_apply_ruleset_to_kernel(p, NULL, new)  after the swap: only what the
 *                                             new rules need
 *
 * So no event a rule needs is filtered out across a swap. Whoever adds a
 * kernel map filled from the rules adds its fill here, honouring `also`
 * (the union) for filters that drop events; enforcement should follow
 * `next` only (the old rules' blocks end when the new ones are in).
 */
#ifndef VIGIL_CLI_KERNEL_APPLY_H
#define VIGIL_CLI_KERNEL_APPLY_H

struct vg_probes;
struct vg_ruleset;

/*
 * The kernel sends what `next` needs and, when `also` is not NULL, what
 * `also` needs too. Returns the number of syscalls captured, or -errno
 * with a message on stderr (the kernel side is then as it was, or wider).
 */
int vg_apply_ruleset_to_kernel(struct vg_probes *p, const struct vg_ruleset *also,
			       const struct vg_ruleset *next);

#endif
