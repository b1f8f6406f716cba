// SPDX-License-Identifier: Apache-2.0
#include "engine/pipeline.h"

#include <stdio.h>
#include <time.h>

#include "container/container.h"
#include "decode/decode.h"
#include "metrics/metrics.h"
#include "alert/event_json.h"
#include "state/enforce_view.h"
#include "state/event_state.h"
#include "state/proc_table.h"

/* Exited processes stay this long for late events and ancestry, unless evicted sooner. */
#define EXITED_LINGER_NS (5ull * 1000000000ull)

int64_t vg_boot_to_wall_ns(void)
{
	struct timespec wall, boot;

	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (int64_t)(wall.tv_sec - boot.tv_sec) * 1000000000ll + (wall.tv_nsec - boot.tv_nsec);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void count_event(struct vg_pipeline_stats *st, const struct vg_event *ev)
{
	vg_stat_bump(&st->events[ev->type]);
	if (ev->type == VG_EV_SYSCALL && ev->sc->id < VG_SC__MAX)
		vg_stat_bump(&st->syscalls[ev->sc->id]);
}

/*
 * Two clock reads (vDSO, tens of ns) every VG_PIPELINE_TIME_EVERY events:
 * well under a nanosecond per event, and still thousands of samples a
 * minute on a busy host.
 */
static void run_sink(struct vg_pipeline *pl, const struct vg_event *ev,
		     const struct vg_event_state *st, struct vg_proc *p)
{
	uint64_t t0;

	if (!pl->sink_time || pl->decoded % VG_PIPELINE_TIME_EVERY) {
		pl->sink(pl->sink_ctx, ev, st, p);
		return;
	}
	t0 = mono_ns();
	pl->sink(pl->sink_ctx, ev, st, p);
	vg_histogram_observe_ns(pl->sink_time, mono_ns() - t0);
}

/* A decision of the enforcement probe: to the sink, with no state change (see enforce_view.h). */
static void handle_enforcement(struct vg_pipeline *pl, const struct vg_event *ev,
			       struct vg_event_state *st, struct vg_proc *p)
{
	static struct vg_enforce_view view;

	vg_enforce_view_begin(&view, ev, st);
	if (pl->containers)
		st->container = vg_containers_lookup_ns(pl->containers, ev->hdr->cgroup_id,
							ev->hdr->pid, ev->hdr->mnt_ns);
	if (pl->sink)
		pl->sink(pl->sink_ctx, ev, st, p);
	vg_enforce_view_end(&view, st);
}

/* decode: the only stage that writes the view; every later one gets it const. */
static const struct vg_event *decode(struct vg_pipeline *pl, const void *data, size_t len,
				     struct vg_event *buf)
{
	if (vg_decode(data, len, pl->boot_to_wall_ns, buf) != VG_DECODE_OK) {
		pl->malformed++;
		vg_stat_bump(&pl->stats.malformed);
		return NULL;
	}
	return buf;
}

int vg_pipeline_handle(void *ctx, void *data, size_t len)
{
	struct vg_pipeline *pl = ctx;
	struct vg_event buf;
	/* const from here on: a stage that wrote into the view would not compile */
	const struct vg_event *const ev = decode(pl, data, len, &buf);
	struct vg_event_state st = {0};
	struct vg_proc *p;

	if (!ev)
		return 0;
	pl->decoded++;
	count_event(&pl->stats, ev);
	p = vg_proc_apply(pl->procs, ev);
	if (ev->hdr->flags & VG_HF_ENFORCE) {
		handle_enforcement(pl, ev, &st, p);
		return 0;
	}
	vg_fd_apply(pl->procfs_root, p, ev, &st, &pl->fd_scratch);
	if (pl->containers)
		st.container = vg_containers_lookup_ns(pl->containers, ev->hdr->cgroup_id,
						       ev->hdr->pid, ev->hdr->mnt_ns);
	if (pl->sink)
		run_sink(pl, ev, &st, p);
	vg_fd_after(p, ev, &st, &pl->fd_scratch);
	if (ev->type == VG_EV_EXIT && p && !pl->keep_exited_env)
		vg_proc_drop_env(pl->procs, p);
	/* a new cwd, an environment read from /proc: counted against the byte budget */
	if (p && p->strings_changed) {
		p->strings_changed = false;
		vg_proc_account(pl->procs, p);
	}
	vg_proc_expire(pl->procs, ev->hdr->ts_ns, EXITED_LINGER_NS);
	return 0;
}

void vg_pipeline_expire_idle(struct vg_pipeline *pl)
{
	struct timespec boot; /* the events' clock: bpf_ktime_get_boot_ns */

	clock_gettime(CLOCK_BOOTTIME, &boot);
	vg_proc_expire(pl->procs, (uint64_t)boot.tv_sec * 1000000000ull + (uint64_t)boot.tv_nsec,
		       EXITED_LINGER_NS);
}

void vg_sink_event_json(void *ctx, const struct vg_event *ev, const struct vg_event_state *st,
			struct vg_proc *p)
{
	struct vg_pipeline *pl = ctx;
	struct vg_alert_builder *w = pl->events_out;

	if (!vg_event_json_write(w, ev, st, pl->procs, p, pl->env_policy)) {
		fprintf(stderr, "vigil: out of memory writing an event's JSON; event skipped\n");
		return;
	}
	fwrite(w->jb.s, 1, w->jb.len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}
