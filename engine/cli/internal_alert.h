/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vigil's own alerts (a failed reload, kernel event drops), in Falco's
 * schema like every rule's, with source "internal": the SIEM that watches
 * vigil's alerts learns what a log line on one node would not tell it.
 * Built by the one alert builder (alert/alert_builder.h, vg_alert_internal).
 */
#ifndef VIGIL_CLI_INTERNAL_ALERT_H
#define VIGIL_CLI_INTERNAL_ALERT_H

#include <stdint.h>

#include "alert/alert_builder.h"

struct vg_outputs;

/* Builds the alert at wall_ns (CLOCK_REALTIME) and submits it to outs (NULL: nothing). */
void vg_internal_alert_submit(struct vg_outputs *outs, const char *hostname, uint64_t wall_ns,
			      const struct vg_internal_alert *a);

#endif
