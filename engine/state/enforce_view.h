/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An enforcement decision's record describes an operation the state has
 * seen, or will see, through its own event (or never, when it was
 * denied). So the record changes no state: this view only gives the rule
 * engine its path and socket, the way the fd state would.
 */
#ifndef VIGIL_STATE_ENFORCE_VIEW_H
#define VIGIL_STATE_ENFORCE_VIEW_H

#include "state/fd_table.h"
#include "vigil/event.h"

struct vg_event;
struct vg_event_state;

struct vg_enforce_view {
	char path[VG_PATH_MAX + 1];
	struct vg_fd fd;
};

/* Fills st's path and fd from ev's own variable fields. */
void vg_enforce_view_begin(struct vg_enforce_view *v, const struct vg_event *ev,
			   struct vg_event_state *st);
void vg_enforce_view_end(struct vg_enforce_view *v, struct vg_event_state *st);

#endif
