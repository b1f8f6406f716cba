// SPDX-License-Identifier: Apache-2.0
/* thread.* fields: the thread that triggered the event. */
#include "fields/fields_util.h"

#define X(fn)                                                                                      \
	static void fn(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,              \
		       struct vg_fenv *env, struct vg_xval *out)

X(x_tid)
{
	(void)ref;
	(void)env;
	if (ctx->ev && ctx->ev->hdr)
		vg_xval_s64(out, ctx->ev->hdr->tid);
}

X(x_ismain)
{
	(void)ref;
	(void)env;
	if (ctx->ev && ctx->ev->hdr)
		vg_xval_bool(out, ctx->ev->hdr->tid == ctx->ev->hdr->pid);
}

static const struct vg_field_def defs[] = {
	VG_FIELD("thread.tid", S64, NONE, VG_FF_LIVE, "Thread id", x_tid),
	VG_FIELD("thread.ismain", BOOL, NONE, VG_FF_LIVE, "The thread is the main thread",
		 x_ismain),
	VG_FIELD_NL("thread.vtid", S64, NONE, "Thread id in its pid namespace"),
	VG_FIELD_NL("thread.nametid", STRING, NONE, "Thread name and id"),
	VG_FIELD_NL("thread.exectime", RELTIME, NONE, "CPU time of the last scheduled slice"),
	VG_FIELD_NL("thread.totexectime", RELTIME, NONE, "Total CPU time of the thread"),
	VG_FIELD_NL("thread.cgroups", STRING, NONE, "All cgroups of the thread"),
	VG_FIELD_NL("thread.cgroup", STRING, KEY, "The thread's cgroup for a subsystem"),
	VG_FIELD_NL("thread.cap_permitted", STRING, NONE, "Permitted capabilities"),
	VG_FIELD_NL("thread.cap_inheritable", STRING, NONE, "Inheritable capabilities"),
	VG_FIELD_NL("thread.cap_effective", STRING, NONE, "Effective capabilities"),
	VG_FIELD_NL("thread.pfmajor", U64, NONE, "Major page faults of the thread"),
	VG_FIELD_NL("thread.pfminor", U64, NONE, "Minor page faults of the thread"),
	VG_FIELD_NL("thread.vmsize", U64, NONE, "Virtual memory of the thread's process (KiB)"),
	VG_FIELD_NL("thread.vmrss", U64, NONE, "Resident memory of the thread's process (KiB)"),
};

const struct vg_field_class vg_fields_thread = {
	"thread",
	"Thread fields (thread.*)",
	defs,
	VG_FIELDS_COUNT(defs),
};
