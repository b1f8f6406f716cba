// SPDX-License-Identifier: Apache-2.0
#include "decode/decode.h"

#include <string.h>

static const char *const type_names[VG_EV__MAX] = {
	[VG_EV_EXEC] = "exec",	     [VG_EV_FORK] = "fork",   [VG_EV_EXIT] = "exit",
	[VG_EV_SYSCALL] = "syscall", [VG_EV_CREDS] = "creds",
};

static const size_t body_sizes[VG_EV__MAX] = {
	[VG_EV_EXEC] = sizeof(struct vg_exec_body),
	[VG_EV_FORK] = sizeof(struct vg_fork_body),
	[VG_EV_EXIT] = sizeof(struct vg_exit_body),
	[VG_EV_SYSCALL] = sizeof(struct vg_syscall_body),
	[VG_EV_CREDS] = sizeof(struct vg_creds_body),
};

const char *vg_event_type_name(enum vg_event_type type)
{
	if (type <= VG_EV_NONE || type >= VG_EV__MAX)
		return "unknown";
	return type_names[type];
}

const char *vg_hook_flavour_name(enum vg_hook_flavour hook)
{
	switch (hook) {
	case VG_HOOK_FENTRY: return "fentry";
	case VG_HOOK_KPROBE: return "kprobe";
	default: return "tracepoint";
	}
}

const char *vg_decode_strerror(enum vg_decode_err err)
{
	switch (err) {
	case VG_DECODE_OK: return "ok";
	case VG_DECODE_SHORT: return "record shorter than its header and body";
	case VG_DECODE_SIZE: return "record size disagrees with its header";
	case VG_DECODE_TYPE: return "unknown event type";
	case VG_DECODE_VAR: return "variable field overruns the record";
	}
	return "unknown decode error";
}

/* Variable fields are 4-byte aligned, as the probes write them. */
static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static enum vg_decode_err decode_vars(const char *base, size_t pos, size_t end, struct vg_event *ev)
{
	while (align4(pos) + sizeof(struct vg_var) <= end) {
		struct vg_var var;

		pos = align4(pos);
		memcpy(&var, base + pos, sizeof(var));
		pos += sizeof(var);
		if (var.len > end - pos)
			return VG_DECODE_VAR;
		/* Unknown ids come from newer probes: skip, don't fail. */
		if (var.id > 0 && var.id < VG_VAR__MAX) {
			ev->var[var.id].ptr = base + pos;
			ev->var[var.id].len = var.len;
		}
		pos += var.len;
	}
	return VG_DECODE_OK;
}

enum vg_decode_err vg_decode(const void *data, size_t len, int64_t boot_to_wall_ns,
			     struct vg_event *ev)
{
	const struct vg_event_hdr *h = data;
	size_t fixed;

	memset(ev, 0, sizeof(*ev));
	if (len < sizeof(*h))
		return VG_DECODE_SHORT;
	if (h->size > len || h->size < sizeof(*h))
		return VG_DECODE_SIZE;
	if (h->type <= VG_EV_NONE || h->type >= VG_EV__MAX)
		return VG_DECODE_TYPE;
	fixed = sizeof(*h) + body_sizes[h->type];
	if (h->size < fixed)
		return VG_DECODE_SHORT;

	ev->hdr = h;
	ev->type = h->type;
	ev->exec = (const void *)(h + 1); /* the union: one pointer for every body */
	ev->wall_ns = h->ts_ns + boot_to_wall_ns;
	return decode_vars(data, fixed, h->size, ev);
}
