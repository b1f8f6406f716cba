/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command line `vigil validate` and `vigil rules` share: rules files
 * or directories (-r FILE, repeatable, or plain arguments), --json, and
 * for `rules` --condition; then the files loaded and compiled.
 */
#ifndef VIGIL_CLI_RULES_ARGS_H
#define VIGIL_CLI_RULES_ARGS_H

#include <stdbool.h>
#include <stdio.h>

struct vg_ruleset;

struct vg_rules_args {
	char **files;
	int nfiles;
	bool json, condition, catalogue, matrix; /* the last three: `rules` only */
};

/*
 * Parses argv (--condition, --catalogue and --attack-matrix only where with_condition). Returns -1
 * to go on, else the exit status: 0 after --help, 2 on misuse, 1 without memory.
 */
int vg_rules_args_parse(struct vg_rules_args *a, int argc, char **argv, bool with_condition,
			void (*usage)(FILE *));
void vg_rules_args_free(struct vg_rules_args *a);
/* A ruleset with the files loaded and compiled, diagnostics kept in it; NULL without memory. */
struct vg_ruleset *vg_rules_args_compile(const struct vg_rules_args *a);

#endif
