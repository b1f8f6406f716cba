/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the rules fuzzers: a fixed three-process table and an exec
 * event, so that compiled rules can be evaluated and rendered. The table
 * functions stand in for vigil_core's.
 */
#ifndef VIGIL_FUZZ_COMMON_H
#define VIGIL_FUZZ_COMMON_H

#include <string.h>

#include "container/container.h"
#include "decode/decode.h"
#include "rules/eval.h"
#include "state/proc_table.h"

struct vg_proc_table {
	struct vg_proc *v[3];
};

static struct vg_proc fz_procs[3];
static struct vg_proc_table fz_table;
static struct vg_event_hdr fz_hdr;
static struct vg_exec_body fz_exec;
static struct vg_event fz_ev;
static struct vg_kv fz_labels[] = {{(char *)"app", (char *)"web"}};
static struct vg_mount fz_mounts[] = {
	{(char *)"/var/run/docker.sock", (char *)"/var/run/docker.sock", (char *)"", (char *)"",
	 true},
};
static struct vg_container fz_container = {
	.id = "0123456789ab",
	.full_id = (char *)"0123456789abcdef",
	.name = (char *)"web",
	.image = (char *)"nginx:1",
	.labels = fz_labels,
	.n_labels = 1,
	.mounts = fz_mounts,
	.n_mounts = 1,
	.metadata_found = true,
	.pod_name = (char *)"web-1",
	.pod_namespace = (char *)"default",
	.pod_labels = fz_labels,
	.n_pod_labels = 1,
};

struct vg_proc *vg_proc_get(struct vg_proc_table *t, uint32_t pid)
{
	for (int i = 0; i < 3; i++)
		if (t->v[i] && t->v[i]->pid == pid)
			return t->v[i];
	return NULL;
}

struct vg_proc *vg_proc_parent(struct vg_proc_table *t, const struct vg_proc *p)
{
	return p->ppid && p->ppid != p->pid ? vg_proc_get(t, p->ppid) : NULL;
}

struct vg_proc *vg_proc_ancestor(struct vg_proc_table *t, const struct vg_proc *p, int n)
{
	const struct vg_proc *c = p;

	for (int i = 0; i < n && c; i++)
		c = vg_proc_parent(t, c);
	return (struct vg_proc *)c;
}

/* The hand-built table counts no bytes. */
void vg_proc_recount(struct vg_proc_table *t, struct vg_proc *p)
{
	(void)t;
	(void)p;
}

static void fz_world(struct vg_eval_ctx *ctx)
{
	static const char args[] = "bash\0-c\0echo aGk= | base64 -d";
	static const char *const names[] = {"systemd", "sshd", "bash"};
	static const char *const exes[] = {"/sbin/init", "/usr/sbin/sshd", "/bin/bash"};

	for (int i = 0; i < 3; i++) {
		memset(&fz_procs[i], 0, sizeof(fz_procs[i]));
		fz_procs[i].pid = (uint32_t)(1 + i * 100);
		fz_procs[i].ppid = i ? (uint32_t)(1 + (i - 1) * 100) : 0;
		strcpy(fz_procs[i].comm, names[i]);
		fz_procs[i].exe = (char *)exes[i];
		fz_procs[i].args = (char *)args;
		fz_procs[i].args_len = sizeof(args);
		fz_procs[i].cwd = (char *)"/tmp";
		fz_procs[i].loginuid = UINT32_MAX;
		fz_table.v[i] = &fz_procs[i];
	}
	memset(&fz_hdr, 0, sizeof(fz_hdr));
	fz_hdr.type = VG_EV_EXEC;
	fz_hdr.pid = fz_hdr.tid = 201;
	fz_hdr.ppid = 101;
	fz_hdr.ts_ns = 1000;
	memset(&fz_ev, 0, sizeof(fz_ev));
	fz_ev.hdr = &fz_hdr;
	fz_ev.type = VG_EV_EXEC;
	fz_ev.exec = &fz_exec;
	fz_ev.var[VG_VAR_FILENAME].ptr = "/bin/bash";
	fz_ev.var[VG_VAR_FILENAME].len = 9;
	memset(ctx, 0, sizeof(*ctx));
	ctx->ev = &fz_ev;
	ctx->container = &fz_container;
	ctx->proc = &fz_procs[2];
	ctx->procs = &fz_table;
}

#endif
