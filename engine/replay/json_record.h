/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replay: one JSON line of the `vigil events` shape back into the ring-buffer
 * record the probe would have written, so that replayed events go through
 * the very same decoder, state and rules as live ones.
 */
#ifndef VIGIL_JSON_RECORD_H
#define VIGIL_JSON_RECORD_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/event.h"

struct vg_proc_table;

struct vg_record_buf {
	_Alignas(8) char data[VG_RECORD_MAX];
	uint32_t len;
};

/*
 * Encodes o into rec. Returns 0, or -1 with a reason in err when o is not an
 * event vigil can replay. Replayed timestamps are wall-clock: ts_ns carries
 * the event's "time".
 */
int vg_json_to_record(json_object *o, struct vg_record_buf *rec, char *err, size_t errlen);

/*
 * A replayed stream starts with no /proc to seed from: the "parent" and
 * "ancestors" of each event stand in for the processes it never saw.
 */
void vg_json_seed_ancestry(json_object *o, struct vg_proc_table *t);

#endif
