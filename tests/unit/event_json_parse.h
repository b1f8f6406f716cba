/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `vigil events`'s line for an event, parsed back with json-c: how the unit
 * tests read what engine/alert/event_json.c wrote. The writer is json-c free;
 * json-c here is the independent parser that checks its bytes are JSON.
 */
#ifndef VIGIL_TEST_EVENT_JSON_PARSE_H
#define VIGIL_TEST_EVENT_JSON_PARSE_H

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/event_json.h"

/* The line as written, malloc'd; NULL when the writer failed. */
static inline char *ej_line(const struct vg_event *ev, const struct vg_event_state *st,
			    struct vg_proc_table *t, struct vg_proc *p,
			    const struct vg_env_policy *env)
{
	struct vg_alert_builder w;
	char *s = NULL;

	vg_ab_init(&w);
	if (vg_event_json_write(&w, ev, st, t, p, env))
		s = strdup(w.jb.s);
	vg_ab_fini(&w);
	return s;
}

/* The line parsed; a line that is not JSON aborts the test program. */
static inline json_object *ej_parse_env(const struct vg_event *ev, const struct vg_event_state *st,
					struct vg_proc_table *t, struct vg_proc *p,
					const struct vg_env_policy *env)
{
	char *s = ej_line(ev, st, t, p, env);
	json_object *o = s ? json_tokener_parse(s) : NULL;

	if (!o) {
		fprintf(stderr, "event JSON does not parse: %s\n", s ? s : "(none)");
		abort();
	}
	free(s);
	return o;
}

/* With the whole environment, the engine's own view. */
static inline json_object *ej_parse(const struct vg_event *ev, const struct vg_event_state *st,
				    struct vg_proc_table *t, struct vg_proc *p)
{
	static const struct vg_env_policy full = {.mode = VG_ENV_FULL};

	return ej_parse_env(ev, st, t, p, &full);
}

#endif
