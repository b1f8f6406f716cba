/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Subcommands of the vigil binary that the rules engine provides. Each
 * takes the subcommand's own argv (argv[0] is the subcommand name) and
 * returns the process exit status.
 */
#ifndef VIGIL_CLI_COMMANDS_H
#define VIGIL_CLI_COMMANDS_H

/* vigil validate -r FILE... [--json]: load and compile rules, report. */
int vg_cmd_validate(int argc, char **argv);
/* vigil fields [--json|--markdown]: the field registry. */
int vg_cmd_fields(int argc, char **argv);
/* vigil rules -r FILE... [--json|--catalogue|--attack-matrix]: compiled rules with event
 * types and tags, or the Markdown catalogue and ATT&CK matrix. */
int vg_cmd_rules(int argc, char **argv);

/* vigil fleet push -c CONFIG KEY FILE...: rules to the fleet's bucket (docs/fleet.md). */
int vg_cmd_fleet(int argc, char **argv);

#endif
