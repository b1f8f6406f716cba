/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fleet's rules on this host: a thread watches the JetStream key-value
 * bucket fleet.bucket and writes the values of the keys this host takes
 * into fleet.rules_dir:
 *
 *   fleet.NAME   -> 10-fleet.yaml   (every host of the fleet)
 *   group.GROUP  -> 20-group.yaml   (this host's group)
 *   host.HOST    -> 30-host.yaml    (this host alone)
 *
 * (a deleted key removes its file). rules_files names that directory, so
 * the reload vigil already has (cli/reload.c: inotify, debounce, load
 * everything, swap only when all of it loads) applies a change all or
 * nothing; a broken value leaves the running rules in force and is
 * reported as every failed reload is (and in the heartbeat:
 * vigil_reload_last_success 0). The files stay when the cluster is
 * away: a restarted host runs the last rules it had.
 */
#ifndef VIGIL_FLEET_H
#define VIGIL_FLEET_H

#include <stddef.h>

struct vg_config;
struct vg_fleet;
struct vg_metrics;
struct vg_outputs;

/*
 * Starts following (the cluster may be down: it keeps trying), and every
 * fleet.heartbeat_s puts this host's state under host.HOST of the bucket
 * fleet.status_bucket: {host, time, heartbeat_s, rules_revisions (the
 * revision of each key's value in the files), rules_hash (of the files),
 * metrics (rules in force, reload success, events, kernel drops, alerts,
 * output sent/dropped/health/spool depth, version), outputs (per output:
 * sent, dropped, failing, last_error)}. A host whose time is
 * older than a few heartbeats is silent. NULL said on stderr.
 */
struct vg_fleet *vg_fleet_start(const struct vg_config *cfg, const char *hostname,
				struct vg_metrics *metrics, struct vg_outputs *outs);

void vg_fleet_stop(struct vg_fleet *f);

/*
 * Makes fleet.rules_dir and fleet.config_dir (when config_files names it:
 * else the config keys are not taken) when missing. Called before the
 * reload starts watching: a directory made later would not be watched (the
 * watch of a missing path is its parent's for that name, which a mkdir and
 * the files written into it do not wake).
 */
int vg_fleet_make_dirs(const struct vg_config *cfg);

/*
 * A config override (the value of config.fleet.NAME, ...) as a host takes it:
 * YAML whose top-level keys are all ones the reload applies live (priority,
 * rules, rule_matching), with values the config loader accepts. 0, or -1
 * with err (naming key:line:column) filled.
 */
int vg_fleet_config_check(const char *key, const void *data, size_t len, char *err, size_t cap);

/* The key this host's scope uses: "fleet.NAME", ... into out. */
int vg_fleet_key(const struct vg_config *cfg, const char *scope, const char *hostname, char *out,
		 unsigned cap);

#endif
