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

struct vg_enforcer {
	struct enforce_bpf *skel;
	enum vg_enf_tier tier;
	int lsm_err; /* errno of the LSM tier's failure before the signal fallback */
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
