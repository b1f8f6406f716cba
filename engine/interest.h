/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which syscalls the kernel must send: those some loaded rule can match
 * (from the rules' event types) and those that keep the state some loaded
 * rule reads right (the fd table, the cwd: VG_NEED_*), and nothing else.
 */
#ifndef VIGIL_INTEREST_H
#define VIGIL_INTEREST_H

#include <stdbool.h>

#include "vigil/syscalls.h"

struct vg_ruleset;

/* Fills wanted[VG_SC__MAX]; returns how many syscalls are wanted. */
int vg_interest_from_rules(const struct vg_ruleset *rs, bool *wanted);
/* The state (VG_NEED_* of kernel/syscall_table.h) the enabled rules read. */
unsigned vg_interest_state_needs(const struct vg_ruleset *rs);
/* The state reading one field (name, its argument or NULL) needs. */
unsigned vg_interest_field_needs(const char *name, const char *arg);

#endif
