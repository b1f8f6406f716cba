// SPDX-License-Identifier: Apache-2.0
#include "kernel/enforce.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enforce.skel.h"
#include "enforce/policy.h"
#include "kernel/features.h"
#include "kernel/libbpf_log.h"
#include "kernel/syscall_table.h"

/* The syscalls the signal tier watches: the open family and connect. */
#define VG_ENF_EXITS 5

struct vg_enforcer {
	struct enforce_bpf *skel;
	enum vg_enf_tier tier;
	int lsm_err; /* errno of the LSM tier's failure before the signal fallback */
	/* the signal tier's hooks: one per watched syscall's exit, else the raw sys_exit */
	struct bpf_link *exit_links[VG_ENF_EXITS];
	struct bpf_link *raw_exit;
};

/* BPF LSM programs run only when "bpf" is in the kernel's active LSM list. */
bool vg_enforcer_lsm_possible(void)
{
	char list[512];

	return vg_bpf_lsm_active(list, sizeof(list)) > 0;
}

/* Only the hooks the policy needs are loaded: the others would cost on every event. */
static void choose_programs(struct enforce_bpf *skel, const struct vg_enf_policy *p, bool lsm)
{
	unsigned ops = p->conf.ops;

	bpf_program__set_autoload(skel->progs.lsm_exec, lsm && (ops & VG_ENF_OP_EXEC));
	bpf_program__set_autoload(skel->progs.lsm_open, lsm && (ops & VG_ENF_OP_OPEN));
	bpf_program__set_autoload(skel->progs.lsm_connect, lsm && (ops & VG_ENF_OP_CONNECT));
	bpf_program__set_autoload(skel->progs.lsm_task_kill, lsm && p->conf.self_protect);
	bpf_program__set_autoload(skel->progs.lsm_ptrace, lsm && p->conf.self_protect);
	bpf_program__set_autoload(skel->progs.signal_exec, !lsm && (ops & VG_ENF_OP_EXEC));
	bpf_program__set_autoload(skel->progs.signal_sys_exit,
				  !lsm && (ops & (VG_ENF_OP_OPEN | VG_ENF_OP_CONNECT)));
	bpf_program__set_autoload(skel->progs.signal_exit_tp,
				  !lsm && (ops & (VG_ENF_OP_OPEN | VG_ENF_OP_CONNECT)));
	/* attach_exits() chooses between them */
	bpf_program__set_autoattach(skel->progs.signal_sys_exit, false);
}

/* The syscalls an op's signal tier covers, as vigil's ids. */
static size_t exits_of(unsigned ops, enum vg_syscall *out)
{
	size_t n = 0;

	if (ops & VG_ENF_OP_OPEN) {
		out[n++] = VG_SC_open;
		out[n++] = VG_SC_openat;
		out[n++] = VG_SC_openat2;
		out[n++] = VG_SC_creat;
	}
	if (ops & VG_ENF_OP_CONNECT)
		out[n++] = VG_SC_connect;
	return n;
}

static void detach_exits(struct vg_enforcer *e)
{
	for (size_t i = 0; i < VG_ENF_EXITS; i++) {
		bpf_link__destroy(e->exit_links[i]);
		e->exit_links[i] = NULL;
	}
	bpf_link__destroy(e->raw_exit);
	e->raw_exit = NULL;
}

/*
 * The signal tier's exits: syscalls/sys_exit_<name> of each covered
 * syscall this arch has, so that only those syscalls pay; where one of
 * them will not attach (no syscall tracepoints, or VIGIL_RAW_SYSCALLS=1),
 * the raw sys_exit for all of them, never both (a decision reported twice).
 */
static int attach_exits(struct vg_enforcer *e, unsigned ops)
{
	const char *raw = getenv("VIGIL_RAW_SYSCALLS");
	enum vg_syscall ids[VG_ENF_EXITS];
	size_t n = exits_of(ops, ids);
	bool all = !(raw && strcmp(raw, "1") == 0);
	char tp[64];

	for (size_t i = 0; i < n && all; i++) {
		if (vg_syscall_nr(ids[i]) < 0)
			continue; /* not on this arch: nothing to watch */
		snprintf(tp, sizeof(tp), "sys_exit_%s", vg_syscall_name(ids[i]));
		e->exit_links[i] = bpf_program__attach_tracepoint(e->skel->progs.signal_exit_tp,
								  "syscalls", tp);
		all = e->exit_links[i] != NULL;
	}
	vg_libbpf_log_reset(); /* a refusal is the answer that picks tier 2 */
	if (all || !n)
		return 0;
	detach_exits(e);
	e->raw_exit = bpf_program__attach(e->skel->progs.signal_sys_exit);
	return e->raw_exit ? 0 : -errno;
}

static void configure(struct enforce_bpf *skel, const struct vg_enf_policy *p,
		      const struct vg_enforcer_opts *o)
{
	skel->rodata->self_tgid = o->self_tgid;
	skel->rodata->wakeup_bytes = o->wakeup_bytes;
	skel->rodata->nr_open = vg_syscall_nr(VG_SC_open);
	skel->rodata->nr_openat = vg_syscall_nr(VG_SC_openat);
	skel->rodata->nr_openat2 = vg_syscall_nr(VG_SC_openat2);
	skel->rodata->nr_creat = vg_syscall_nr(VG_SC_creat);
	skel->rodata->nr_connect = vg_syscall_nr(VG_SC_connect);
	vg_enf_maps_size(&(struct vg_enf_maps)VG_ENF_MAPS_OF(skel), p);
}

static int share_maps(struct enforce_bpf *skel, const struct vg_shared_maps *m)
{
	int err = bpf_map__reuse_fd(skel->maps.events, m->events);

	err = err ?: bpf_map__reuse_fd(skel->maps.counters, m->counters);
	err = err ?: bpf_map__reuse_fd(skel->maps.record_scratch, m->record_scratch);
	err = err ?: bpf_map__reuse_fd(skel->maps.path_scratch, m->path_scratch);
	return err;
}

static int load(struct vg_enforcer *e, const struct vg_enf_policy *p,
		const struct vg_enforcer_opts *o, bool lsm)
{
	struct enforce_bpf *skel = enforce_bpf__open();
	int err;

	if (!skel)
		return -errno;
	e->skel = skel;
	e->tier = lsm ? VG_ENF_TIER_LSM : VG_ENF_TIER_SIGNAL;
	choose_programs(skel, p, lsm);
	configure(skel, p, o);
	err = share_maps(skel, &o->maps);
	vg_libbpf_log_reset();
	err = err ?: enforce_bpf__load(skel);
	err = err ?: vg_enf_maps_fill(&(struct vg_enf_maps)VG_ENF_MAPS_OF(skel), p);
	err = err ?: enforce_bpf__attach(skel);
	if (!err && !lsm)
		err = attach_exits(e, p->conf.ops);
	return err;
}

int vg_enforcer_start(const struct vg_enf_policy *p, const struct vg_enforcer_opts *o,
		      struct vg_enforcer **out)
{
	struct vg_enforcer *e = calloc(1, sizeof(*e));
	bool lsm = !o->force_signal && vg_enforcer_lsm_possible();
	int err;

	*out = NULL;
	if (!e)
		return -ENOMEM;
	err = load(e, p, o, lsm);
	if (err && lsm) {
		/* not fatal: the caller says so once, and only if it matters (-v shows libbpf's
		 * lines) */
		e->lsm_err = -err;
		detach_exits(e);
		enforce_bpf__destroy(e->skel);
		e->skel = NULL;
		err = load(e, p, o, false);
	}
	if (err) {
		fprintf(stderr, "vigil: loading the enforcement probe failed: %s\n",
			strerror(-err));
		vg_libbpf_log_print_tail(8);
		vg_enforcer_stop(e);
		return err;
	}
	*out = e;
	return 0;
}

void vg_enforcer_stop(struct vg_enforcer *e)
{
	if (!e)
		return;
	detach_exits(e);
	enforce_bpf__destroy(e->skel);
	free(e);
}

enum vg_enf_tier vg_enforcer_tier(const struct vg_enforcer *e)
{
	return e->tier;
}

int vg_enforcer_lsm_error(const struct vg_enforcer *e)
{
	return e->lsm_err;
}
