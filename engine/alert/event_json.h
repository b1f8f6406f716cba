/* SPDX-License-Identifier: Apache-2.0 */
/* The `vigil events` view: one JSON object per event, with its process and ancestry. */
#ifndef VIGIL_EVENT_JSON_H
#define VIGIL_EVENT_JSON_H

#include <json-c/json.h>

#include "alert/env_policy.h"

struct vg_event;
struct vg_event_state;
struct vg_proc;
struct vg_proc_table;

#define VG_JSON_MAX_ANCESTORS 16

struct vg_env_policy;

/*
 * Returns a new object; st is what the state stage derived for ev (may be
 * NULL: none), p the process the event is about (may be NULL).
 * env says what of an exec's environment goes in (NULL: none). Every string
 * is valid UTF-8: bytes that are not become U+FFFD and the exact bytes of
 * each such string are under "raw" (path -> base64).
 */
json_object *vg_event_json_env(const struct vg_event *ev, const struct vg_event_state *st,
			       struct vg_proc_table *t, struct vg_proc *p,
			       const struct vg_env_policy *env);
/* The same with the whole environment: the engine's own view, for tests. */
json_object *vg_event_json(const struct vg_event *ev, const struct vg_event_state *st,
			   struct vg_proc_table *t, struct vg_proc *p);

/* The summary of a process used for "parent" and "ancestors" entries. */
json_object *vg_proc_json_brief(const struct vg_proc *p);

/* The ancestors of p, nearest first: pid, exec_id, exe, comm each. */
json_object *vg_ancestors_json(struct vg_proc_table *t, const struct vg_proc *p);

struct vg_container;

/* Falco's container.* identity of c, and (when in a pod) the k8s.* one in *k8s. */
json_object *vg_container_json(const struct vg_container *c, json_object **k8s);

/* Process argv (NUL-separated) as a JSON array of strings. */
json_object *vg_args_json(const char *args, uint32_t len);
/* An enforcement record's decision (VG_HF_ENFORCE): action, mode, tier, result, target. */
json_object *vg_enforcement_json(const struct vg_event *ev, const struct vg_event_state *st);

/* RFC 3339 UTC with nanoseconds, 2026-11-22T08:14:34.123456789Z: vg_time_format's UTC form. */
void vg_format_time(uint64_t wall_ns, char *out, size_t outlen);

#endif
