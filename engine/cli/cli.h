/* SPDX-License-Identifier: Apache-2.0 */
/* Subcommands; each takes argv with argv[0] = its own name. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

int vg_cmd_run(int argc, char **argv);	  /* detect: rules -> alerts (the default) */
int vg_cmd_events(int argc, char **argv); /* debug view: every event as JSON */
int vg_cmd_features(int argc, char **argv);
int vg_cmd_replay(int argc, char **argv);  /* rules over recorded events, no kernel */
int vg_cmd_capture(int argc, char **argv); /* record raw events and a process snapshot */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_ruleset;
struct vg_config;

/* Loads and compiles rules files/dirs, printing every diagnostic; NULL on any error. */
struct vg_ruleset *vg_cli_load_rules(const char *const *paths, int n);
struct vg_plugins;
/* load_plugins: of cfg (cli_plugins.c): 0 and *out NULL when none; -1 on failure */
int vg_cli_load_plugins(const struct vg_config *cfg, struct vg_plugins **out);
/* The same from a config file (vigil fields -c, --list-plugins) */
int vg_cli_plugins_from_file(const char *path, struct vg_plugins **out);
/*
 * The same, then applies cfg (NULL: nothing): rule_matching, the minimum
 * priority and the `rules:` enable/disable selectors. On error, err gets
 * the first one as "file:line:col: error E-CODE: ..." (err may be NULL).
 */
struct vg_ruleset *vg_cli_load_rules_cfg(const char *const *paths, int n,
					 const struct vg_config *cfg, char *err, size_t errlen);
/*
 * A numeric option's value within [min, max] (config/number.h; size: K/M/G
 * allowed). Returns 0 with *out set, or prints "vigil: --max-procs: -5 is
 * out of range [64, 4194304]" and returns 2, the usage error's exit status.
 */
int vg_cli_number(const char *opt, const char *arg, uint64_t min, uint64_t max, bool size,
		  uint64_t *out);

struct vg_alert_format;
/* Falco's alert-shape keys of cfg (json_include_*, time_format_iso_8601) into f. */
void vg_cli_alert_format(const struct vg_config *cfg, struct vg_alert_format *f);

/* How many of the compiled rules are enabled. */
size_t vg_cli_rules_enabled(const struct vg_ruleset *rs);

#endif
