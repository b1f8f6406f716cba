/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What this kernel allows, learned by trying: each probe loads and attaches
 * a do-nothing program. Nothing is inferred from the kernel version.
 */
#ifndef VIGIL_FEATURES_H
#define VIGIL_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

enum vg_feature {
	VG_FEAT_BTF,
	VG_FEAT_RINGBUF,
	VG_FEAT_TRACEPOINT,
	VG_FEAT_RAW_TP,
	VG_FEAT_TP_BTF,
	VG_FEAT_FENTRY,
	VG_FEAT_KPROBE,
	VG_FEAT_LSM_ATTACH,
	VG_FEAT_LSM_ACTIVE, /* "bpf" in /sys/kernel/security/lsm */
	VG_FEAT_SEND_SIGNAL,
	VG_FEAT_TASK_ITER,
	VG_FEAT_CREDS_HOOK, /* probes/kernel_hooks.bpf.c's commit_creds, fentry or kprobe */
	VG_FEAT_SYSCALL_TP, /* syscalls/sys_exit_<name>: a program only where a rule needs one */
	/* every captured syscall has its tracepoint; else which not (the raw one reports them) */
	VG_FEAT_SYSCALL_TP_ALL,
	/* bpf_rdonly_cast (>= 6.2): the open path's walk reads kernel objects with direct loads */
	VG_FEAT_RDONLY_CAST,
	/* fexit on a syscall wrapper (__x64_sys_getppid): a trampoline costs only its syscall */
	VG_FEAT_SYSCALL_FEXIT,
	VG_FEAT__MAX,
};

struct vg_feature_result {
	bool ok;
	char detail[128]; /* why not, or what was seen */
};

struct vg_features {
	struct vg_feature_result r[VG_FEAT__MAX];
	int creds_hook; /* enum vg_hook_flavour the commit_creds hook attached with */
	/* captured syscalls without a syscalls/ tracepoint here: hook "syscall.<name>" */
	char sc_raw_hook[4][40];
	int nsc_raw;
};

void vg_features_probe(struct vg_features *f);
/*
 * Whether a tracepoint program may call bpf_rdonly_cast here: loads the
 * stand-in program. VIGIL_NO_RDONLY_CAST=1 answers no (the fallback walk,
 * to test it on a kernel that has the kfunc).
 */
bool vg_feature_rdonly_cast(void);

/*
 * 1 if "bpf" is in the kernel's active LSM list (copied into list), 0 if
 * not, -errno when /sys/kernel/security/lsm cannot be read.
 */
int vg_bpf_lsm_active(char *list, size_t len);
const char *vg_feature_name(enum vg_feature feat);

/* The tier a hook gets on this kernel, e.g. "tp_btf", "lsm", "signal", or "unavailable". */
struct vg_hook_tier {
	const char *hook;
	const char *role; /* "observe" or "enforce" */
	const char *tier;
};

/* Fills up to max tiers; returns how many. */
int vg_features_hook_tiers(const struct vg_features *f, struct vg_hook_tier *out, int max);

#endif
