// SPDX-License-Identifier: Apache-2.0
#include "pipeline.h"

#include <stdio.h>
#include <time.h>

#include "container/container.h"
#include "decode/decode.h"
#include "output/event_json.h"
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

int vg_pipeline_handle(void *ctx, void *data, size_t len)
{
	struct vg_pipeline *pl = ctx;
	struct vg_event ev;
	struct vg_proc *p;

	if (vg_decode(data, len, pl->boot_to_wall_ns, &ev) != VG_DECODE_OK) {
		pl->malformed++;
		return 0;
	}
	pl->decoded++;
	p = vg_proc_apply(pl->procs, &ev);
	vg_fd_apply(pl->procfs_root, p, &ev, &pl->fd_scratch);
	if (pl->containers)
		ev.container = vg_containers_lookup(pl->containers, ev.hdr->cgroup_id, ev.hdr->pid);
	if (pl->sink)
		pl->sink(pl->sink_ctx, &ev, p);
	vg_fd_after(p, &ev, &pl->fd_scratch);
	vg_proc_expire(pl->procs, ev.hdr->ts_ns, EXITED_LINGER_NS);
	return 0;
}

void vg_sink_event_json(void *ctx, const struct vg_event *ev, struct vg_proc *p)
{
	struct vg_pipeline *pl = ctx;
	json_object *o = vg_event_json(ev, pl->procs, p);

	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE),
	      stdout);
	fputc('\n', stdout);
	fflush(stdout);
	json_object_put(o);
}
