/* SPDX-License-Identifier: Apache-2.0 */
/* Subcommands; each takes argv with argv[0] = its own name. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

int vg_cmd_run(int argc, char **argv);	  /* detect: rules -> alerts (the default) */
int vg_cmd_events(int argc, char **argv); /* debug view: every event as JSON */
int vg_cmd_features(int argc, char **argv);
int vg_cmd_replay(int argc, char **argv);  /* rules over recorded events, no kernel */
int vg_cmd_capture(int argc, char **argv); /* record raw events and a process snapshot */

struct vg_ruleset;

/* Loads and compiles rules files/dirs, printing every diagnostic; NULL on any error. */
struct vg_ruleset *vg_cli_load_rules(const char *const *paths, int n);

#endif
