/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The prefilter analysis: from each rule's compiled condition (macros
 * inlined, exceptions folded in), a necessary condition on the path of an
 * open: the exact paths and prefixes outside which the rule cannot match.
 * The kernel then drops opens of other paths before building a record
 * (engine/kernel/prefilter_load.c).
 *
 * For one event type the condition is walked as a formula: and takes the
 * intersection of its children's path sets (any one child already bounds
 * the rule), or the union (every child must be bounded), not and checks
 * the analysis does not understand give "any path". evt.type checks are
 * decided outright: false for the event type at hand gives "no path".
 *
 * The path is the one fd.name names: for a successful open the kernel's
 * name of the new file (its dentry walk: symlinks and mounts resolved), for
 * a failed one the caller's path made absolute. fd.name, fd.directory,
 * fs.path.name and evt.abspath all read it, so checks on them constrain it.
 */
#ifndef VIGIL_RULES_PREFILTER_PATHS_H
#define VIGIL_RULES_PREFILTER_PATHS_H

#include <stdbool.h>

#include "rules/pathset.h"
#include "vigil/syscalls.h"

struct vg_rule;
struct vg_ruleset;

/* What the path of an event means to the analysis. */
enum vg_pf_mode {
	/* an open: the new fd's name, which the kernel can test */
	VG_PF_OPEN,
	/*
	 * an event that reads an fd's entry in the fd table (close, dup,
	 * fcntl): the name the open of that fd recorded. A rule on these
	 * needs the opens of what it looks at delivered.
	 */
	VG_PF_TABLE,
};

/* The paths for which rule r can match an event of type evttype (a Falco event code). */
void vg_prefilter_rule(const struct vg_rule *r, uint16_t evttype, enum vg_pf_mode mode,
		       struct vg_pathset *out);
/*
 * The same for an open that does not write (evt.is_open_write false): a
 * rule that needs a write open (open_write, evt.is_open_write = true)
 * matches no path of those. Checks on evt.is_open_write are decided; the
 * rest is read as vg_prefilter_rule reads it.
 */
void vg_prefilter_rule_read(const struct vg_rule *r, uint16_t evttype, struct vg_pathset *out);

/* Per syscall of the open family: the paths some enabled rule can match. */
struct vg_prefilter {
	struct vg_pathset paths[VG_SC__MAX]; /* ANY for syscalls without a path prefilter */
	/*
	 * Those of an open that does not write: paths[] without the entries
	 * only write opens reach (an entry stays when any one rule reaching it
	 * can match a read). The kernel looks a read open up in this set.
	 */
	struct vg_pathset reads[VG_SC__MAX];
	const char *why[VG_SC__MAX];	  /* ANY because of this rule; NULL otherwise */
	const char *why_read[VG_SC__MAX]; /* reads[] ANY because of this rule */
	/* some rule can match a close: those of dropped opens must be sent too */
	bool closes_watched;
};

/* The syscalls whose new fd's path the kernel can test (the open family). */
bool vg_prefilter_syscall(enum vg_syscall id);
/* Builds pf from the enabled rules of rs. */
void vg_prefilter_build(const struct vg_ruleset *rs, struct vg_prefilter *pf);
void vg_prefilter_free(struct vg_prefilter *pf);

#endif
