/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vigil's own alerts (a failed reload, kernel event drops), in Falco's
 * schema like every rule's, with source "internal": the SIEM that watches
 * vigil's alerts learns what a log line on one node would not tell it.
 * One builder for all of them (reload_alert.c).
 */
#ifndef VIGIL_CLI_INTERNAL_ALERT_H
#define VIGIL_CLI_INTERNAL_ALERT_H

#include <stdint.h>

struct json_object;
struct vg_outputs;

struct vg_internal_alert {
	const char *rule;
	int priority;		    /* 0 = Emergency .. 7 = Debug */
	const char *message;	    /* the output text after "TIME: Priority " */
	const char *tag;	    /* tags: ["vigil", tag] */
	const char *event_type;	    /* vigil.event_type */
	struct json_object *fields; /* output_fields; the call takes it */
};

/* Builds the alert at wall_ns (CLOCK_REALTIME) and submits it to outs (NULL: nothing). */
void vg_internal_alert_submit(struct vg_outputs *outs, const char *hostname, uint64_t wall_ns,
			      const struct vg_internal_alert *a);

#endif
