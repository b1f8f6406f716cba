/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco's syscall_event_drops while running: once a second the kernel's
 * counters are compared with the last second's; when events were dropped
 * (the ring buffer was full) and drops / events exceeds the threshold, the
 * configured actions run, at most as often as a token bucket (rate,
 * max_burst) allows: `log` writes a line on stderr with the counts by kind,
 * `alert` sends "vigil internal: syscall event drop" through the outputs,
 * `exit` stops vigil. An attacker who floods the ring buffer to blind
 * vigil is so reported where the alerts go, not only in the metrics.
 */
#ifndef VIGIL_CLI_DROP_WATCH_H
#define VIGIL_CLI_DROP_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "vigil/event.h"

struct vg_outputs;
struct vg_drop_watch;

#define VG_DROP_RULE "vigil internal: syscall event drop"

/* NULL on OOM. log: where `log` writes (stderr). */
struct vg_drop_watch *vg_drop_watch_new(const struct vg_drops_config *cfg, FILE *log);
void vg_drop_watch_free(struct vg_drop_watch *dw);

/*
 * Call often with the kernel's counters (k[VG_EV__MAX]) and the time
 * (mono_ns: any monotonic clock; wall_ns: CLOCK_REALTIME). The first call
 * takes the baseline; then once a second it decides and acts. Returns true
 * when the `exit` action fired.
 */
bool vg_drop_watch_tick(struct vg_drop_watch *dw, const struct vg_kcounters *k, uint64_t mono_ns,
			uint64_t wall_ns, struct vg_outputs *outs, const char *hostname);

/* Whether a tick at mono_ns would look at the counters (read them only then). */
bool vg_drop_watch_due(const struct vg_drop_watch *dw, uint64_t mono_ns);

struct vg_drop_watch_stats {
	uint64_t detected; /* seconds over the threshold */
	uint64_t actions;  /* of them, acted on (the bucket allowed) */
};
void vg_drop_watch_stats(const struct vg_drop_watch *dw, struct vg_drop_watch_stats *out);

#endif
