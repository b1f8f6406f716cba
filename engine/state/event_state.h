/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the state stage derives for one event: its resolved paths, the fd
 * it is about, its container. The decoder's struct vg_event stays a
 * read-only view of the record; these values live here, owned by the
 * pipeline, and travel next to the event (struct vg_eval_ctx's st).
 */
#ifndef VIGIL_STATE_EVENT_STATE_H
#define VIGIL_STATE_EVENT_STATE_H

#include <stdbool.h>

struct vg_fd;
struct vg_container;

struct vg_event_state {
	/* Filled for syscalls by state/fd_state.c (or enforce_view.c), NULL otherwise: */
	const char *path_abs;  /* VG_VAR_PATH (or the fd's kernel path) made absolute */
	const char *path2_abs; /* VG_VAR_PATH2 made absolute */
	struct vg_fd *fd;      /* the fd the syscall is about, as the table has it after it */
	bool path_resolved;    /* path_abs is absolute (its base was known) */
	const struct vg_container *container; /* filled by the pipeline; NULL without one */
};

#endif
