/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a field is extracted from, and a rule evaluated against: one event,
 * what the state stage derived for it, and its process.
 */
#ifndef VIGIL_FIELDS_EVAL_CTX_H
#define VIGIL_FIELDS_EVAL_CTX_H

#include <stdint.h>

#include "state/event_state.h"

struct vg_event;
struct vg_proc;
struct vg_proc_table;
struct vg_container;

/* One event of a plugin's source (ev is NULL then): its bytes and time. */
struct vg_src_event {
	int source; /* vg_source_id() */
	uint64_t num, ts_ns;
	const void *data;
	uint32_t len;
};

struct vg_eval_ctx {
	const struct vg_event *ev; /* the decoder's view: read-only */
	/* what the state stage derived for ev (paths, fd); NULL: none (vg_ctx_state) */
	const struct vg_event_state *st;
	struct vg_proc *proc;	     /* the process the event is about; may be NULL */
	struct vg_proc_table *procs; /* for ancestry; may be NULL */
	/* vg_containers_lookup() of ev->hdr->cgroup_id; NULL: container.* and k8s.* missing */
	const struct vg_container *container;
	const struct vg_src_event *src; /* an event of a plugin's source, or NULL */
};

/* ctx's derived values; an empty set when its caller gave none. */
static inline const struct vg_event_state *vg_ctx_state(const struct vg_eval_ctx *ctx)
{
	static const struct vg_event_state none;

	return ctx->st ? ctx->st : &none;
}

#endif
