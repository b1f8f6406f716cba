// SPDX-License-Identifier: Apache-2.0
/* thread.* fields: the thread that triggered the event. */
#include <stdio.h>
#include <string.h>

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

/* Capability names by bit, as capability.h numbers them. */
static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/* The set's names joined by spaces, as libsinsp prints them; "" for none. */
void vg_fx_caps_str(uint64_t caps, struct vg_fenv *env, struct vg_xval *out)
{
	const size_t ncaps = sizeof(cap_names) / sizeof(cap_names[0]);
	char *buf = vg_scratch_alloc(&env->scratch, 1024);
	size_t n = 0;

	if (!buf)
		return;
	for (size_t i = 0; i < 64; i++) {
		if (!(caps & (1ULL << i)))
			continue;
		if (i < ncaps)
			n += (size_t)snprintf(buf + n, 1024 - n, "%s%s", n ? " " : "",
					      cap_names[i]);
		else
			n += (size_t)snprintf(buf + n, 1024 - n, "%sCAP_%zu", n ? " " : "", i);
	}
	vg_xval_str(out, buf, n);
}

/* thread.cap_*: vigil keeps credentials per process, as exec, fork, setuid and capset left them. */
X(x_caps)
{
	const struct vg_proc *p = ctx->proc;
	const char *which = ref->def->name + 11; /* after "thread.cap_" */

	if (!p)
		return;
	if (strcmp(which, "effective") == 0)
		vg_fx_caps_str(p->cap_effective, env, out);
	else if (strcmp(which, "permitted") == 0)
		vg_fx_caps_str(p->cap_permitted, env, out);
	else
		vg_fx_caps_str(p->cap_inheritable, env, out);
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
	VG_FIELD("thread.cap_permitted", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Permitted capabilities, e.g. CAP_CHOWN CAP_KILL", x_caps),
	VG_FIELD("thread.cap_inheritable", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Inheritable capabilities", x_caps),
	VG_FIELD("thread.cap_effective", STRING, NONE, VG_FF_LIVE | VG_FF_BUILT,
		 "Effective capabilities", x_caps),
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
