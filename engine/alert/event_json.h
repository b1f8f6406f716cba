/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The `vigil events` view: one JSON object per event, with its process and
 * ancestry, written with the one JSON writer (alert/json_buf.c) through an
 * alert builder, which also repairs strings and keeps their raw bytes. The
 * parts an alert shares with it (a process summary, the ancestors, the
 * container, an enforcement decision) are written by the same functions.
 */
#ifndef VIGIL_EVENT_JSON_H
#define VIGIL_EVENT_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "alert/alert_builder.h"
#include "alert/env_policy.h"

struct vg_event;
struct vg_event_state;
struct vg_proc;
struct vg_proc_table;
struct vg_container;

#define VG_JSON_MAX_ANCESTORS 16

/*
 * ev's object, one line without its newline, into w->jb (emptied first); st
 * is what the state stage derived for ev (NULL: none), p the process the
 * event is about (may be NULL), env what of an exec's environment goes in
 * (NULL: none). Every string is valid UTF-8: bytes that are not become
 * U+FFFD and the exact bytes of each such string are under "raw" (path ->
 * base64), last. false when memory ran out (the text is incomplete).
 */
bool vg_event_json_write(struct vg_alert_builder *w, const struct vg_event *ev,
			 const struct vg_event_state *st, struct vg_proc_table *t,
			 struct vg_proc *p, const struct vg_env_policy *env);

/*
 * The pieces, each a value written at the writer's position; path is where
 * the value sits (for "raw": "parent", "vigil.process", ...).
 */
/* Process argv (NUL-separated) as an array of strings: path[i]. */
void vg_args_json(struct vg_alert_builder *w, const char *args, uint32_t len, const char *path);
/*
 * The summary of a process used for "parent": pid, exec_id, comm, exe, args,
 * uid, cgroup_id; args_path is path + ".args" (given, so nothing is formatted per call).
 */
void vg_proc_json_brief(struct vg_alert_builder *w, const struct vg_proc *p, const char *path,
			const char *args_path);
/* The ancestors of p, nearest first: pid, exec_id, exe, comm each. */
void vg_ancestors_json(struct vg_alert_builder *w, struct vg_proc_table *t, const struct vg_proc *p,
		       const char *path);
/*
 * The keys "container" (Falco's container.* identity of c) and, when in a
 * pod, "k8s" (the k8s.* one), their strings under ctr_path and k8s_path.
 */
void vg_container_json(struct vg_alert_builder *w, const struct vg_container *c,
		       const char *ctr_path, const char *k8s_path);
/*
 * An enforcement record's decision (VG_HF_ENFORCE) as an object: action,
 * mode, tier, result, operation, target (a path the offender chose: its raw
 * bytes under path), target_pid; empty when the record carries none.
 */
void vg_enforcement_json(struct vg_alert_builder *w, const struct vg_event *ev,
			 const struct vg_event_state *st, const char *path);

#endif
