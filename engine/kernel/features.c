// SPDX-License-Identifier: Apache-2.0
#include "kernel/features.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "features.skel.h"
#include "kernel/hooks.h"
#include "kernel/libbpf_log.h"
#include "kernel/syscall_fexit.h"
#include "kernel/syscall_table.h"

static const char *const names[VG_FEAT__MAX] = {
	[VG_FEAT_BTF] = "btf",
	[VG_FEAT_RINGBUF] = "ringbuf",
	[VG_FEAT_TRACEPOINT] = "tracepoint",
	[VG_FEAT_RAW_TP] = "raw_tp",
	[VG_FEAT_TP_BTF] = "tp_btf",
	[VG_FEAT_FENTRY] = "fentry",
	[VG_FEAT_KPROBE] = "kprobe",
	[VG_FEAT_LSM_ATTACH] = "lsm_attach",
	[VG_FEAT_LSM_ACTIVE] = "bpf_lsm_active",
	[VG_FEAT_SEND_SIGNAL] = "bpf_send_signal",
	[VG_FEAT_TASK_ITER] = "task_iter",
	[VG_FEAT_CREDS_HOOK] = "commit_creds_hook",
	[VG_FEAT_SYSCALL_TP] = "syscall_tracepoints",
	[VG_FEAT_SYSCALL_TP_ALL] = "syscall_tp_all",
	[VG_FEAT_RDONLY_CAST] = "rdonly_cast",
	[VG_FEAT_SYSCALL_FEXIT] = "syscall_fexit",
};

const char *vg_feature_name(enum vg_feature feat)
{
	return feat < VG_FEAT__MAX ? names[feat] : "unknown";
}

static void set(struct vg_feature_result *r, bool ok, const char *fmt, const char *arg)
{
	r->ok = ok;
	snprintf(r->detail, sizeof(r->detail), fmt, arg);
}

typedef struct bpf_program *(*pick_prog)(struct features_bpf *skel);

/* Loads only the chosen program, then attaches it; the result is the answer. */
static void try_program(struct vg_feature_result *r, pick_prog pick, bool attach)
{
	struct features_bpf *skel = features_bpf__open();
	struct bpf_program *prog, *want;
	struct bpf_link *link;
	int err;

	if (!skel) {
		set(r, false, "open failed: %s", strerror(errno));
		return;
	}
	want = pick(skel);
	bpf_object__for_each_program(prog, skel->obj) bpf_program__set_autoload(prog, prog == want);
	err = features_bpf__load(skel);
	if (err) {
		set(r, false, "load: %s", strerror(-err));
	} else if (!attach) {
		set(r, true, "%s", "loads");
	} else {
		link = bpf_program__attach(want);
		err = libbpf_get_error(link);
		if (err)
			set(r, false, "attach: %s", strerror(-err));
		else
			set(r, true, "%s", "loads and attaches");
		bpf_link__destroy(err ? NULL : link);
	}
	features_bpf__destroy(skel);
}

#define PICK(fn, prog_name)                                                                        \
	static struct bpf_program *fn(struct features_bpf *s)                                      \
	{                                                                                          \
		return s->progs.prog_name;                                                         \
	}
PICK(pick_tp, probe_tracepoint)
PICK(pick_raw_tp, probe_raw_tp)
PICK(pick_tp_btf, probe_tp_btf)
PICK(pick_send_signal, probe_send_signal)
PICK(pick_fentry, probe_fentry)
PICK(pick_kprobe, probe_kprobe)
PICK(pick_lsm, probe_lsm)
PICK(pick_task_iter, probe_task_iter)
PICK(pick_syscall_tp, probe_syscall_tp)
PICK(pick_rdonly_cast, probe_rdonly_cast)

bool vg_feature_rdonly_cast(void)
{
	const char *off = getenv("VIGIL_NO_RDONLY_CAST");
	struct vg_feature_result r;

	if (off && !strcmp(off, "1"))
		return false;
	try_program(&r, pick_rdonly_cast, false);
	vg_libbpf_log_reset(); /* a refusal is the answer "no", not an error to report */
	return r.ok;
}

static void probe_btf(struct vg_feature_result *r)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int err = libbpf_get_error(btf);

	if (err)
		set(r, false, "no vmlinux BTF: %s", strerror(-err));
	else
		set(r, true, "%s", "/sys/kernel/btf/vmlinux");
	btf__free(err ? NULL : btf);
}

static void probe_ringbuf(struct vg_feature_result *r)
{
	int ret = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);

	set(r, ret == 1, "%s", ret == 1 ? "map creates" : "map type refused");
}

int vg_bpf_lsm_active(char *list, size_t len)
{
	char padded[520];
	FILE *f = fopen("/sys/kernel/security/lsm", "r");

	if (!f)
		return -errno;
	if (!fgets(list, (int)len, f))
		list[0] = '\0';
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	/* match "bpf" as a whole comma-separated entry */
	snprintf(padded, sizeof(padded), ",%.510s,", list);
	return strstr(padded, ",bpf,") != NULL;
}

static void probe_lsm_active(struct vg_feature_result *r)
{
	char list[120]; /* fits the detail; the list is a few LSM names */
	int active = vg_bpf_lsm_active(list, sizeof(list));

	if (active < 0)
		set(r, false, "cannot read /sys/kernel/security/lsm: %s", strerror(-active));
	else
		set(r, active, "lsm=%s", list);
}

/* Where tracefs keeps the syscalls/ events, or NULL (not mounted, or no CONFIG_FTRACE_SYSCALLS). */
static const char *syscall_events_dir(void)
{
	static const char *const dirs[] = {"/sys/kernel/tracing/events/syscalls",
					   "/sys/kernel/debug/tracing/events/syscalls"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (access(dirs[i], F_OK) == 0)
			return dirs[i];
	return NULL;
}

static bool has_exit_tp(const char *dir, enum vg_syscall id)
{
	char path[160];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/sys_exit_%s%s", dir, i ? "new" : "",
			 vg_syscall_tp_name(id));
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

/*
 * A syscall of vigil's table that this arch has but whose tracepoint is
 * missing is one the kernel does not implement (finit_module without
 * CONFIG_MODULES). Nothing narrower than the raw sys_exit sees its
 * attempts then: its sys_enter_ event, the module: events and its
 * __<arch>_sys_ function's own hooks (fexit, kretprobe) come with the
 * syscall, or are what this kernel refuses (the fentry and kprobe rows).
 */
static void probe_syscall_gaps(struct vg_features *f)
{
	struct vg_feature_result *r = &f->r[VG_FEAT_SYSCALL_TP_ALL];
	const char *dir = syscall_events_dir();
	size_t used = 0;

	if (!dir) {
		set(r, false, "%s", "no tracefs syscalls/ events: the raw sys_exit reports all");
		return;
	}
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		if (vg_syscall_nr(id) < 0 || has_exit_tp(dir, id))
			continue;
		if (f->nsc_raw < 4)
			snprintf(f->sc_raw_hook[f->nsc_raw++], sizeof(f->sc_raw_hook[0]),
				 "syscall.%s", vg_syscall_name(id));
		used += (size_t)snprintf(r->detail + used, sizeof(r->detail) - used, "%s%s",
					 used ? ", " : "", vg_syscall_name(id));
		if (used >= sizeof(r->detail))
			break;
	}
	if (used && used < sizeof(r->detail))
		snprintf(r->detail + used, sizeof(r->detail) - used,
			 ": not in this kernel; seen with watch_unimplemented_syscalls (raw "
			 "sys_exit: every syscall pays)");
	r->ok = used == 0;
	if (r->ok)
		set(r, true, "%s", "each captured syscall has its sys_exit_<name>");
}

/* Tier 0 of the syscall exits, asked as vigil run asks it (kernel/syscall_fexit.c). */
static void probe_syscall_fexit(struct vg_feature_result *r)
{
	char why[sizeof(r->detail)];
	struct vg_sc_fexit *fx = vg_sc_fexit_open(why, sizeof(why));

	if (fx)
		set(r, true, "fexit on the %s* wrappers loads and attaches",
		    vg_sc_wrapper_prefix());
	else
		set(r, false, "%s", why);
	vg_sc_fexit_free(fx);
}

void vg_features_probe(struct vg_features *f)
{
	memset(f, 0, sizeof(*f));
	vg_libbpf_log_reset();
	probe_btf(&f->r[VG_FEAT_BTF]);
	probe_ringbuf(&f->r[VG_FEAT_RINGBUF]);
	try_program(&f->r[VG_FEAT_TRACEPOINT], pick_tp, true);
	try_program(&f->r[VG_FEAT_RAW_TP], pick_raw_tp, true);
	try_program(&f->r[VG_FEAT_TP_BTF], pick_tp_btf, true);
	try_program(&f->r[VG_FEAT_FENTRY], pick_fentry, true);
	try_program(&f->r[VG_FEAT_KPROBE], pick_kprobe, true);
	try_program(&f->r[VG_FEAT_LSM_ATTACH], pick_lsm, true);
	probe_lsm_active(&f->r[VG_FEAT_LSM_ACTIVE]);
	try_program(&f->r[VG_FEAT_SEND_SIGNAL], pick_send_signal, false);
	try_program(&f->r[VG_FEAT_TASK_ITER], pick_task_iter, true);
	try_program(&f->r[VG_FEAT_SYSCALL_TP], pick_syscall_tp, true);
	try_program(&f->r[VG_FEAT_RDONLY_CAST], pick_rdonly_cast, false);
	probe_syscall_gaps(f);
	probe_syscall_fexit(&f->r[VG_FEAT_SYSCALL_FEXIT]);
	/* the real program, not a stand-in: the function may be missing or notrace */
	f->creds_hook = vg_hooks_probe(f->r[VG_FEAT_CREDS_HOOK].detail,
				       sizeof(f->r[VG_FEAT_CREDS_HOOK].detail));
	f->r[VG_FEAT_CREDS_HOOK].ok = f->creds_hook != VG_HOOK_NONE;
}

static bool lsm_usable(const struct vg_features *f)
{
	return f->r[VG_FEAT_LSM_ATTACH].ok && f->r[VG_FEAT_LSM_ACTIVE].ok;
}

int vg_features_hook_tiers(const struct vg_features *f, struct vg_hook_tier *out, int max)
{
	const char *observe = f->r[VG_FEAT_TP_BTF].ok ? "tp_btf" : "unavailable";
	/*
	 * fexit on the wrappers first, per-syscall tracepoints next (both cost
	 * nothing for a syscall no rule needs, the second slows every other one
	 * down a little); the raw sys_exit one (every syscall pays) else
	 */
	const char *syscalls = f->r[VG_FEAT_SYSCALL_FEXIT].ok ? "fexit"
			       : f->r[VG_FEAT_SYSCALL_TP].ok  ? "syscall_tp"
			       : f->r[VG_FEAT_TP_BTF].ok      ? "raw_sys_exit"
							      : "unavailable";
	const char *enforce = lsm_usable(f)		     ? "lsm"
			      : f->r[VG_FEAT_SEND_SIGNAL].ok ? "signal"
							     : "unavailable";
	const struct vg_hook_tier tiers[] = {
		{"process.exec", "observe", observe},
		{"process.fork", "observe", observe},
		{"process.exit", "observe", observe},
		{"process.creds", "observe", vg_hook_flavour_name(f->creds_hook)},
		{"syscall.exit", "observe", syscalls},
		{"process.exec", "enforce", enforce},
		{"file.open", "enforce", enforce},
		{"net.connect", "enforce", enforce},
		{"self.protect", "enforce", lsm_usable(f) ? "lsm" : "unavailable"},
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(tiers) / sizeof(tiers[0]) && n < max; i++)
		out[n++] = tiers[i];
	/* a syscall the kernel has no tracepoint for: seen only by the raw sys_exit */
	for (int i = 0; i < f->nsc_raw && n < max && f->r[VG_FEAT_SYSCALL_TP].ok; i++)
		out[n++] = (struct vg_hook_tier){f->sc_raw_hook[i], "observe",
						 f->r[VG_FEAT_TP_BTF].ok ? "raw_sys_exit"
									 : "unavailable"};
	return n;
}
