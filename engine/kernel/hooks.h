/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Observation hooks on kernel functions (probes/kernel_hooks.bpf.c): today
 * commit_creds, which sees every credential change. Each comes as fentry
 * and as kprobe; the first flavour that loads and attaches is used, and
 * without either the tracepoint path carries on alone (set*id and capset
 * from the syscall probe, when a rule asks for them).
 */
#ifndef VIGIL_KERNEL_HOOKS_H
#define VIGIL_KERNEL_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/probes.h"
#include "vigil/event.h"

/* Which flavours to try: both (fentry first), kprobe only (tests), or none. */
enum vg_hooks_mode {
	VG_HOOKS_AUTO = 0,
	VG_HOOKS_KPROBE,
	VG_HOOKS_OFF,
};

struct vg_hooks_opts {
	uint32_t self_tgid;
	uint32_t wakeup_bytes;
	const struct vg_shared_maps *maps; /* the process probe's; NULL: own maps (probing) */
	enum vg_hooks_mode mode;
};

struct vg_hooks;

/*
 * Attaches the hooks in the first flavour that works (vg_hooks_summary
 * says which; why none only when kprobe was asked for). Not having one is
 * no error: *out is then NULL and 0 returned. -errno only for a failure of
 * our own (memory).
 */
int vg_hooks_start(const struct vg_hooks_opts *o, struct vg_hooks **out);
void vg_hooks_stop(struct vg_hooks *h);
/* "credential changes: fentry on commit_creds" or how they come otherwise. */
const char *vg_hooks_summary(void);

/*
 * For `vigil features`: tries the flavours as vg_hooks_start would, on maps
 * of its own, detaches again, and says why a flavour was refused in detail.
 */
enum vg_hook_flavour vg_hooks_probe(char *detail, size_t len);

/* "auto", "kprobe" or "off"; -1 otherwise. */
int vg_hooks_mode_parse(const char *s);

#endif
