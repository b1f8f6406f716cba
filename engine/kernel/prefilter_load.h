/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fills the syscall probe's path prefilter (vigil/prefilter.h) from
 * compiled rules: the analysis of engine/rules/prefilter_paths.c per syscall of
 * the open family, as one LPM trie and a bit per syscall in syscall_conf.
 */
#ifndef VIGIL_KERNEL_PREFILTER_LOAD_H
#define VIGIL_KERNEL_PREFILTER_LOAD_H

#include <stdbool.h>

#include "vigil/syscalls.h"

struct vg_prefilter;
struct vg_probes;
struct vg_ruleset;

/* Setting this environment variable to anything but "0" keeps the prefilter off (benchmarks). */
#define VG_PREFILTER_ENV_OFF "VIGIL_NO_PREFILTER"

/*
 * Replaces the kernel's path filter with what next needs, and also needs
 * when not NULL (the union, for the time a reload swaps rulesets). While
 * it runs nothing is filtered, so no event a rule needs is lost; on failure
 * the filter stays off. Prints one line per outcome on stderr. Call it
 * after vg_probes_set_syscalls. Returns 0 or -errno.
 */
int vg_prefilter_fill(struct vg_probes *p, const struct vg_ruleset *also,
		      const struct vg_ruleset *next);
/* "path prefilter on open, openat: N paths, ..." or "path prefilter off (why)": the last fill. */
const char *vg_prefilter_summary(void);
/* From now on each fill says its summary on stderr (reloads; start-up has it in one line). */
void vg_prefilter_announce(bool on);
/*
 * Sets the prefilter bytes of id's row c from the bits the trie writer
 * gave its sets (bit: every open's, rbit: those of opens that do not
 * write; -1: none, the set is ANY), pf the sets. Both -1: off.
 */
void vg_prefilter_row(struct vg_sc_conf *c, enum vg_syscall id, int bit, int rbit,
		      const struct vg_prefilter *pf);

#endif
