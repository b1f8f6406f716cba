/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hot reload, the loading half: a thread that waits for SIGHUP or a change
 * of a loaded rules file or the config file (inotify on their directories,
 * debounced; editors and Kubernetes ConfigMaps replace files by rename),
 * then loads the config and compiles the rules beside the running ones and
 * hands the result to the event thread, which swaps it in between two
 * ring-buffer reads (cmd_run.c). The event thread never waits for a load.
 */
#ifndef VIGIL_CLI_RELOAD_H
#define VIGIL_CLI_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define VG_RELOAD_MAX_PATHS 64

/* Where rules and settings come from: what vigil run was started with. */
struct vg_reload_src {
	const char *config_path; /* -c, or NULL: the default path (absent is fine) */
	char *const *overrides;	 /* -o key=value */
	size_t noverrides;
	const char *const *cli_rules; /* -r: when given, they win over rules_files */
	int ncli_rules;
	const char *fallback_rules;	 /* when neither names rules and it exists; or NULL */
	const struct vg_config *running; /* the settings in force (outputs, ...), read-only */
};

struct vg_reload_result {
	bool ok;
	struct vg_ruleset *rules; /* ok: the new rules; after the swap, the old ones */
	struct vg_config cfg;	  /* ok: the settings the rules were loaded with */
	bool cfg_loaded;
	char reason[256];	/* what triggered it: "SIGHUP", "FILE changed" */
	char error[1024];	/* !ok: why, with file:line:column where there is one */
	char restart_keys[256]; /* settings that changed but wait for a restart */
	uint64_t started_ns;	/* CLOCK_MONOTONIC when the load started (after any debounce) */
	uint64_t compile_ns;	/* config + rules load and compile */
};

/*
 * The rules paths src gives with cfg: -r, else cfg's rules_files, else the
 * fallback if it exists. Returns how many (at most VG_RELOAD_MAX_PATHS).
 */
int vg_reload_rule_paths(const struct vg_reload_src *src, const struct vg_config *cfg,
			 const char **paths);

struct vg_reloader;

/* Starts the thread, watching what src and cfg name. src must outlive it. NULL on error. */
struct vg_reloader *vg_reloader_start(const struct vg_reload_src *src, const struct vg_config *cfg);
/* Stops and joins the thread, freeing whatever it still holds. */
void vg_reloader_stop(struct vg_reloader *r);

/* Asks for a reload now (no debounce). Async-signal-safe: call it from SIGHUP's handler. */
void vg_reloader_request(struct vg_reloader *r);

/* Event thread: a finished load, or NULL (one atomic load when there is none). */
struct vg_reload_result *vg_reloader_take(struct vg_reloader *r);
/* Event thread: gives a taken result back; the reload thread frees it (and its rules). */
void vg_reloader_retire(struct vg_reloader *r, struct vg_reload_result *res);

uint64_t vg_mono_ns(void);

struct vg_outputs;
/* Sends a failed reload to the outputs as an alert (rule "vigil rules reload failed"). */
void vg_reload_failure_alert(struct vg_outputs *outs, const char *hostname, uint64_t wall_ns,
			     const char *reason, const char *error);

#endif
