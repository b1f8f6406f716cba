// SPDX-License-Identifier: Apache-2.0
#include "kernel/hooks.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "kernel/libbpf_log.h"
#include "kernel_hooks.skel.h"

struct vg_hooks {
	struct kernel_hooks_bpf *skel;
	enum vg_hook_flavour flavour;
};

int vg_hooks_mode_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return VG_HOOKS_AUTO;
	if (strcmp(s, "kprobe") == 0)
		return VG_HOOKS_KPROBE;
	if (strcmp(s, "off") == 0)
		return VG_HOOKS_OFF;
	return -1;
}

static int share_maps(struct kernel_hooks_bpf *skel, const struct vg_shared_maps *m)
{
	int err = bpf_map__reuse_fd(skel->maps.events, m->events);

	err = err ?: bpf_map__reuse_fd(skel->maps.counters, m->counters);
	err = err ?: bpf_map__reuse_fd(skel->maps.record_scratch, m->record_scratch);
	err = err ?: bpf_map__reuse_fd(skel->maps.path_scratch, m->path_scratch);
	return err;
}

/* A probe of our own: the smallest ring buffer, one scratch slot; nothing reads them. */
static void own_maps(struct kernel_hooks_bpf *skel)
{
	bpf_map__set_max_entries(skel->maps.events, (uint32_t)sysconf(_SC_PAGESIZE));
	bpf_map__set_max_entries(skel->maps.record_scratch, 1);
}

/* Loads and attaches the programs of one flavour only; fills why on failure. */
static int try_flavour(struct vg_hooks *h, const struct vg_hooks_opts *o,
		       enum vg_hook_flavour flavour, char *why, size_t len)
{
	struct kernel_hooks_bpf *skel = kernel_hooks_bpf__open();
	bool fentry = flavour == VG_HOOK_FENTRY;
	int err;

	if (!skel) {
		snprintf(why, len, "open: %s", strerror(errno));
		return -errno;
	}
	bpf_program__set_autoload(skel->progs.creds_fentry, fentry);
	bpf_program__set_autoload(skel->progs.creds_kprobe, !fentry);
	skel->rodata->self_tgid = o->self_tgid;
	skel->rodata->wakeup_bytes = o->wakeup_bytes;
	err = 0;
	if (o->maps)
		err = share_maps(skel, o->maps);
	else
		own_maps(skel);
	vg_libbpf_log_reset();
	err = err ?: kernel_hooks_bpf__load(skel);
	if (err) {
		snprintf(why, len, "load: %s", strerror(-err));
	} else if ((err = kernel_hooks_bpf__attach(skel)) != 0) {
		snprintf(why, len, "attach: %s", strerror(-err));
	}
	if (err) {
		kernel_hooks_bpf__destroy(skel);
		return err;
	}
	h->skel = skel;
	h->flavour = flavour;
	return 0;
}

/* Tries the flavours the mode allows, best first; why lists each refusal. */
static void attach_best(struct vg_hooks *h, const struct vg_hooks_opts *o, char *why, size_t len)
{
	static const enum vg_hook_flavour order[] = {VG_HOOK_FENTRY, VG_HOOK_KPROBE};
	size_t used = 0;

	why[0] = '\0';
	if (o->mode == VG_HOOKS_OFF) {
		snprintf(why, len, "turned off");
		return;
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		char one[160];

		if (o->mode == VG_HOOKS_KPROBE && order[i] != VG_HOOK_KPROBE)
			continue;
		if (try_flavour(h, o, order[i], one, sizeof(one)) == 0)
			return;
		used += (size_t)snprintf(why + used, used < len ? len - used : 0, "%s%s: %s",
					 used ? "; " : "", vg_hook_flavour_name(order[i]), one);
		if (used >= len)
			used = len - 1;
	}
}

/* What the last vg_hooks_start attached, for the start-up summary. */
static char summary[96] = "no commit_creds hook";

const char *vg_hooks_summary(void)
{
	return summary;
}

int vg_hooks_start(const struct vg_hooks_opts *o, struct vg_hooks **out)
{
	struct vg_hooks *h = calloc(1, sizeof(*h));
	char why[400];

	*out = NULL;
	if (!h)
		return -ENOMEM;
	attach_best(h, o, why, sizeof(why));
	if (!h->skel) {
		snprintf(summary, sizeof(summary),
			 "credential changes from the syscall tracepoints");
		/* asked for a flavour that is not there: say why; otherwise the summary will do */
		if (o->mode == VG_HOOKS_KPROBE)
			fprintf(stderr,
				"vigil: credential changes: no commit_creds hook (%s); set*id and "
				"capset come from the syscall tracepoints\n",
				why);
		free(h);
		return 0;
	}
	snprintf(summary, sizeof(summary), "credential changes: %s on commit_creds",
		 vg_hook_flavour_name(h->flavour));
	*out = h;
	return 0;
}

void vg_hooks_stop(struct vg_hooks *h)
{
	if (!h)
		return;
	kernel_hooks_bpf__destroy(h->skel);
	free(h);
}

enum vg_hook_flavour vg_hooks_probe(char *detail, size_t len)
{
	struct vg_hooks_opts o = {.mode = VG_HOOKS_AUTO};
	struct vg_hooks h = {0};
	char why[400];

	attach_best(&h, &o, why, sizeof(why));
	if (!h.skel) {
		snprintf(detail, len, "%s", why);
		return VG_HOOK_NONE;
	}
	snprintf(detail, len, "commit_creds by %s%s%s", vg_hook_flavour_name(h.flavour),
		 why[0] ? "; " : "", why);
	kernel_hooks_bpf__destroy(h.skel);
	return h.flavour;
}
