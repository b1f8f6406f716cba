/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which syscalls the kernel must send: those some loaded rule can match
 * (from the rules' event types) and those the state needs to stay right
 * (fd table, cwd), and nothing else.
 */
#ifndef VIGIL_INTEREST_H
#define VIGIL_INTEREST_H

#include <stdbool.h>

#include "vigil/syscalls.h"

struct vg_ruleset;

/* Fills wanted[VG_SC__MAX]; returns how many syscalls are wanted. */
int vg_interest_from_rules(const struct vg_ruleset *rs, bool *wanted);

#endif
