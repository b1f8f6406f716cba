/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `vigil rules --catalogue` and `--attack-matrix`: Markdown generated from
 * the loaded rules' tags (mitre_<tactic>, T<id>[.<sub>], maturity_<level>),
 * priorities, event types and the lists and macros they depend on.
 */
#ifndef VIGIL_CLI_RULES_CATALOGUE_H
#define VIGIL_CLI_RULES_CATALOGUE_H

#include <stdio.h>

struct vg_ruleset;

/* One table row per rule, then each rule's description. 0, or 1 without memory. */
int vg_print_catalogue(FILE *f, const struct vg_ruleset *rs, char **files, int nfiles);
/* Tactic x technique -> rules. 0, or 1 without memory. */
int vg_print_attack_matrix(FILE *f, const struct vg_ruleset *rs);

#endif
