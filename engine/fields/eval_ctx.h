/* SPDX-License-Identifier: Apache-2.0 */
/* What a field is extracted from, and a rule evaluated against: one event and its process. */
#ifndef VIGIL_FIELDS_EVAL_CTX_H
#define VIGIL_FIELDS_EVAL_CTX_H

struct vg_event;
struct vg_proc;
struct vg_proc_table;
struct vg_container;

struct vg_eval_ctx {
	const struct vg_event *ev;
	struct vg_proc *proc;	     /* the process the event is about; may be NULL */
	struct vg_proc_table *procs; /* for ancestry; may be NULL */
	/* vg_containers_lookup() of ev->hdr->cgroup_id; NULL: container.* and k8s.* missing */
	const struct vg_container *container;
};

#endif
