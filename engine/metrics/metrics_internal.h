/* SPDX-License-Identifier: Apache-2.0 */
/* What the registry gives the HTTP endpoint. */
#ifndef VIGIL_METRICS_INTERNAL_H
#define VIGIL_METRICS_INTERNAL_H

#include <stddef.h>

struct vg_metrics;

/* 0 = healthy; msg holds "ok" or the reason. */
int vg_metrics_health(struct vg_metrics *m, char *msg, size_t msglen);
void vg_metrics_version(struct vg_metrics *m, char *out, size_t outlen);

#endif
