/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Applies a syscall event to its process's fd table and cwd, and fills the
 * event's resolved paths and fd (struct vg_event_state), so that rules read fd.* and absolute
 * names.
 */
#ifndef VIGIL_FD_STATE_H
#define VIGIL_FD_STATE_H

#include <limits.h>

struct vg_event;
struct vg_event_state;
struct vg_proc;
struct vg_proc_table;

/* Where resolved names live while the event is evaluated: one per pipeline. */
struct vg_fd_scratch {
	char path[PATH_MAX];
	char path2[PATH_MAX];
	int pending_close; /* an fd closed by this event, dropped after evaluation; -1: none */
};

/* Before evaluation: updates state, fills st's path_abs/path2_abs/path_resolved/fd. */
void vg_fd_apply(const char *procfs_root, struct vg_proc *p, const struct vg_event *ev,
		 struct vg_event_state *st, struct vg_fd_scratch *s);
/* After evaluation: what must outlive the rules (a closed fd) goes now. */
void vg_fd_after(struct vg_proc *p, const struct vg_event *ev, struct vg_event_state *st,
		 struct vg_fd_scratch *s);

/*
 * The rules started reading state (VG_NEED_* of kernel/syscall_table.h)
 * whose feeding syscalls were not captured until now (a reload): what the
 * table holds of it may be stale (a close, dup2 or chdir went unseen).
 * VG_NEED_FDS forgets every process's fd table, learned again from /proc
 * fd by fd as events name them, as at start-up; VG_NEED_CWD reads each
 * live process's cwd from /proc now. procfs_root NULL: forgets the cwds.
 */
void vg_fd_state_relearn(struct vg_proc_table *t, const char *procfs_root, unsigned what);

#endif
