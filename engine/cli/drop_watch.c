// SPDX-License-Identifier: Apache-2.0
#include "cli/drop_watch.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/internal_alert.h"
#include "decode/decode.h"
#include "ratelimit/ratelimit.h"
#include "rules/compile.h"

#define SECOND_NS 1000000000ull

/* The kernel's counters, summed or per kind. */
struct drops {
	uint64_t sent[VG_EV__MAX], dropped[VG_EV__MAX];
};

struct vg_drop_watch {
	struct vg_drops_config cfg;
	FILE *log;
	struct vg_ratelimit *bucket; /* one bucket: Falco's token bucket (rate, max_burst) */
	bool started;
	uint64_t next_check_ns;
	struct vg_kcounters last[VG_EV__MAX];
	struct drops unreported; /* drops since the last action: what the next one reports */
	struct vg_drop_watch_stats stats;
};

struct vg_drop_watch *vg_drop_watch_new(const struct vg_drops_config *cfg, FILE *log)
{
	struct vg_drop_watch *dw = calloc(1, sizeof(*dw));
	struct vg_ratelimit_config rc = {
		.enabled = true,
		.rate = cfg->rate,
		.burst = cfg->max_burst,
		.max_keys = 1,
	};

	if (!dw)
		return NULL;
	dw->cfg = *cfg;
	dw->log = log;
	/* as Falco: simulated drops act whatever the threshold */
	if (dw->cfg.simulate)
		dw->cfg.threshold = 0;
	dw->bucket = vg_ratelimit_new(&rc);
	if (!dw->bucket) {
		free(dw);
		return NULL;
	}
	return dw;
}

void vg_drop_watch_free(struct vg_drop_watch *dw)
{
	if (!dw)
		return;
	vg_ratelimit_free(dw->bucket);
	free(dw);
}

bool vg_drop_watch_due(const struct vg_drop_watch *dw, uint64_t mono_ns)
{
	return !dw->started || mono_ns >= dw->next_check_ns;
}

void vg_drop_watch_stats(const struct vg_drop_watch *dw, struct vg_drop_watch_stats *out)
{
	*out = dw->stats;
}

static uint64_t total(const uint64_t *v)
{
	uint64_t n = 0;

	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX; t++)
		n += v[t];
	return n;
}

/* "exec=0 fork=0 exit=0 syscall=1234 creds=0" */
static void by_kind(const uint64_t *v, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX && len < cap; t++) {
		int w = snprintf(buf + len, cap - len, "%s%s=%" PRIu64, len ? " " : "",
				 vg_event_type_name(t), v[t]);

		len += w > 0 ? (size_t)w : 0;
	}
}

static void act_log(struct vg_drop_watch *dw, const struct drops *sec, double ratio)
{
	char now[160], since[160];

	by_kind(sec->dropped, now, sizeof(now));
	by_kind(dw->unreported.dropped, since, sizeof(since));
	fprintf(dw->log,
		"vigil: syscall event drop: the kernel dropped %" PRIu64 " of %" PRIu64
		" events in the last second (%.1f%%, threshold %.1f%%; ring buffer full): %s; "
		"%" PRIu64 " since the last report: %s; raise --ringbuf-size or ring_buffer_size\n",
		total(sec->dropped), total(sec->sent) + total(sec->dropped), ratio * 100,
		dw->cfg.threshold * 100, now, total(dw->unreported.dropped), since);
	fflush(dw->log);
}

struct drop_fields {
	const struct vg_drop_watch *dw;
	const struct drops *sec;
};

static void add_u64(struct vg_alert_builder *ab, const char *key, uint64_t v)
{
	vg_jb_key(&ab->jb, key);
	vg_jb_u64(&ab->jb, v);
}

/*
 * Falco's output fields where vigil's kinds match Falco's categories
 * (numbers, as every vigil output field is typed); vigil's own kinds
 * and the count since the last report under n_drops_buffer_* and vigil.*.
 */
static void alert_fields(struct vg_alert_builder *ab, const void *arg)
{
	const struct drop_fields *f = arg;
	const uint64_t *d = f->sec->dropped;

	add_u64(ab, "n_evts", total(f->sec->sent) + total(d));
	add_u64(ab, "n_drops", total(d));
	add_u64(ab, "n_drops_buffer_total", total(d));
	add_u64(ab, "n_drops_buffer_clone_fork_exit", d[VG_EV_FORK]);
	add_u64(ab, "n_drops_buffer_execve_exit", d[VG_EV_EXEC]);
	add_u64(ab, "n_drops_buffer_proc_exit", d[VG_EV_EXIT]);
	add_u64(ab, "n_drops_buffer_syscall_exit", d[VG_EV_SYSCALL]);
	add_u64(ab, "n_drops_buffer_creds", d[VG_EV_CREDS]);
	add_u64(ab, "vigil.n_drops_since_last_report", total(f->dw->unreported.dropped));
	VG_JB_KEY(&ab->jb, "ebpf_enabled");
	vg_jb_bool(&ab->jb, true);
}

static void act_alert(const struct vg_drop_watch *dw, const struct drops *sec, uint64_t wall_ns,
		      struct vg_outputs *outs, const char *hostname)
{
	struct drop_fields f = {dw, sec};
	char msg[160];

	snprintf(msg, sizeof(msg), "%s. %" PRIu64 " system calls dropped in last second.",
		 VG_DROP_RULE, total(sec->dropped));
	vg_internal_alert_submit(outs, hostname, wall_ns,
				 &(struct vg_internal_alert){
					 .kind = VG_ALERT_DROPS,
					 .rule = VG_DROP_RULE,
					 .priority = VG_PRIO_DEBUG, /* Falco's */
					 .message = msg,
					 .tag = "drops",
					 .event_type = "drops",
					 .fields = alert_fields,
					 .fields_arg = &f,
				 });
}

/* The last second: what the kernel sent and dropped, by kind. */
static void delta(struct vg_drop_watch *dw, const struct vg_kcounters *k, struct drops *sec)
{
	for (int t = VG_EV_NONE + 1; t < VG_EV__MAX; t++) {
		sec->sent[t] = k[t].sent - dw->last[t].sent;
		sec->dropped[t] = k[t].dropped - dw->last[t].dropped;
		dw->unreported.dropped[t] += sec->dropped[t];
		dw->last[t] = k[t];
	}
}

bool vg_drop_watch_tick(struct vg_drop_watch *dw, const struct vg_kcounters *k, uint64_t mono_ns,
			uint64_t wall_ns, struct vg_outputs *outs, const char *hostname)
{
	struct drops sec = {0};
	uint64_t n, evts;
	double ratio;

	if (!dw->started) {
		memcpy(dw->last, k, sizeof(dw->last));
		dw->next_check_ns = mono_ns + SECOND_NS;
		dw->started = true;
		return false;
	}
	if (mono_ns < dw->next_check_ns)
		return false;
	dw->next_check_ns = mono_ns + SECOND_NS;
	delta(dw, k, &sec);
	if (dw->cfg.simulate) {
		sec.dropped[VG_EV_SYSCALL]++;
		dw->unreported.dropped[VG_EV_SYSCALL]++;
	}
	n = total(sec.dropped);
	if (!n)
		return false;
	/* sent and dropped: every event the probes tried to deliver */
	evts = total(sec.sent) + n;
	ratio = (double)n / (double)evts;
	if (!(ratio > dw->cfg.threshold))
		return false;
	dw->stats.detected++;
	if (!dw->cfg.actions || !vg_ratelimit_allow(dw->bucket, VG_DROP_RULE, 0, mono_ns))
		return false;
	dw->stats.actions++;
	if (dw->cfg.actions & VG_DROP_LOG)
		act_log(dw, &sec, ratio);
	if (dw->cfg.actions & VG_DROP_ALERT)
		act_alert(dw, &sec, wall_ns, outs, hostname);
	memset(&dw->unreported, 0, sizeof(dw->unreported));
	if (dw->cfg.actions & VG_DROP_EXIT) {
		fprintf(dw->log, "vigil: syscall event drop: exiting (syscall_event_drops.actions "
				 "has exit)\n");
		return true;
	}
	return false;
}
