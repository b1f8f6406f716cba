/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoder: one ring-buffer record -> struct vg_event, a validated view that
 * points into the record. No copies and no allocation: the view lives as
 * long as the record does. After vg_decode it is read-only: every later
 * stage gets a const pointer to it.
 */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/evttypes.h"
#include "vigil/event.h"

struct vg_str {
	const char *ptr; /* not NUL-terminated */
	uint32_t len;
};

struct vg_event {
	const struct vg_event_hdr *hdr;
	enum vg_event_type type;
	union {
		const struct vg_exec_body *exec;
		const struct vg_fork_body *fork;
		const struct vg_exit_body *exit;
		const struct vg_syscall_body *sc;
		const struct vg_creds_body *creds;
	};
	struct vg_str var[VG_VAR__MAX]; /* by enum vg_var_id; len 0 when absent */
	uint64_t wall_ns;		/* ts_ns converted to CLOCK_REALTIME */
	/* Nothing else: what later stages derive is in struct vg_event_state (state/). */
};

enum vg_decode_err {
	VG_DECODE_OK = 0,
	VG_DECODE_SHORT, /* shorter than its header or body */
	VG_DECODE_SIZE,	 /* header size disagrees with the record */
	VG_DECODE_TYPE,	 /* unknown event type */
	VG_DECODE_VAR,	 /* a variable field overruns the record */
};

/* Fills ev from the len bytes at data; boot_to_wall_ns is added to ts_ns. */
enum vg_decode_err vg_decode(const void *data, size_t len, int64_t boot_to_wall_ns,
			     struct vg_event *ev);
const char *vg_decode_strerror(enum vg_decode_err err);
/* The Falco event-type code of a decoded event (kernel/evttypes.h). */
static inline uint16_t vg_evttype_of(const struct vg_event *ev)
{
	return vg_evttype_of_kind(ev->type, ev->type == VG_EV_SYSCALL ? ev->sc : NULL);
}
const char *vg_event_type_name(enum vg_event_type type);
/* "fentry", "kprobe", or "tracepoint" for VG_HOOK_NONE (the fallback). */
const char *vg_hook_flavour_name(enum vg_hook_flavour hook);

#endif
