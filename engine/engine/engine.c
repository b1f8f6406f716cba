// SPDX-License-Identifier: Apache-2.0
#include "engine/engine.h"

#include <string.h>

#include "capture/capture.h"
#include "container/container.h"
#include "decode/decode.h"
#include "interest.h"
#include "kernel/syscall_table.h"
#include "delivery/outputs.h"
#include "ratelimit/ratelimit.h"
#include "rules/compile.h"
#include "rules/eval.h"
#include "rules/loader.h"
#include "rules/seq.h"
#include "state/proc_table.h"

int vg_engine_open(struct vg_engine *e, const struct vg_engine_opts *o)
{
	memset(e, 0, sizeof(*e));
	e->pl.boot_to_wall_ns = o->boot_to_wall_ns;
	e->pl.procfs_root = o->procfs_root;
	e->pl.procs = vg_proc_table_new(o->max_procs, o->procfs_root);
	if (!e->pl.procs) {
		fprintf(stderr, "vigil: out of memory for the process table\n");
		return -1;
	}
	e->mode = VG_ENGINE_STATE;
	return 0;
}

/* The state the rules read beyond what the kernel feeds (interest.h). */
static void follow_rules(struct vg_engine *e)
{
	e->pl.keep_exited_env =
		!e->rules || (vg_interest_state_needs(e->rules) & VG_NEED_EXITED_ENV);
}

int vg_engine_set_rules(struct vg_engine *e, struct vg_ruleset *rs, FILE *out)
{
	if (vg_alerter_init(&e->alerter, rs, e->pl.procs, out) != 0) {
		vg_alerter_fini(&e->alerter);
		fprintf(stderr, "vigil: out of memory for the alert stage\n");
		return -1; /* rs stays the caller's */
	}
	e->alerter_ready = true;
	e->rules = rs;
	e->mode = VG_ENGINE_ALERTS;
	follow_rules(e);
	return 0;
}

void vg_engine_set_events(struct vg_engine *e, const struct vg_env_policy *pol)
{
	e->pl.env_policy = pol;
	e->mode = VG_ENGINE_EVENTS;
}

void vg_engine_set_capture(struct vg_engine *e, struct vg_capture_sink *cs)
{
	e->capture = cs;
	e->mode = VG_ENGINE_CAPTURE;
}

int vg_engine_set_mode(struct vg_engine *e, enum vg_engine_mode mode)
{
	if (e->started)
		return -1;
	e->mode = mode;
	return 0;
}

/* alert -> delivery */
static void deliver(void *arg, const struct vg_alert_msg *m)
{
	vg_outputs_submit(((struct vg_engine *)arg)->outs, m);
}

/* Before the alert is built: a suppressed alert costs one bucket lookup. */
static bool admit(void *arg, const struct vg_rule *r, const struct vg_eval_ctx *ctx)
{
	return vg_ratelimit_allow(((struct vg_engine *)arg)->rl, vg_rule_name(r),
				  ctx->proc ? ctx->proc->pid : 0,
				  ctx->ev ? ctx->ev->hdr->ts_ns : ctx->src->ts_ns);
}

void vg_engine_set_delivery(struct vg_engine *e, struct vg_outputs *outs, struct vg_ratelimit *rl)
{
	e->outs = outs;
	e->rl = rl;
	e->alerter.deliver = outs ? deliver : NULL;
	e->alerter.deliver_arg = e;
	e->alerter.admit = rl ? admit : NULL;
	e->alerter.admit_arg = e;
}

/* rules -> alert: each match of the rules in force is one alert. */
static bool alert_match(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct vg_engine *e = arg;

	e->matches++;
	vg_alert_match(&e->alerter, r, ctx);
	return true;
}

static bool count_match(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	(void)r;
	(void)ctx;
	((struct vg_engine *)arg)->matches++;
	return true;
}

/*
 * state -> rules. A record of the kernel's enforcer is a decision already
 * taken by a rule: it goes to the alert stage as that rule's alert, and is
 * not evaluated again.
 */
static void run_rules(void *ctx, const struct vg_event *ev, const struct vg_event_state *st,
		      struct vg_proc *p)
{
	struct vg_engine *e = ctx;
	struct vg_eval_ctx ectx = {
		.ev = ev, .st = st, .proc = p, .procs = e->pl.procs, .container = st->container};

	if (e->mode == VG_ENGINE_MATCH) {
		if (!(ev->hdr->flags & VG_HF_ENFORCE))
			vg_ruleset_eval(e->rules, &ectx, count_match, e);
		return;
	}
	if (ev->hdr->flags & VG_HF_ENFORCE) {
		vg_alert_enforcement(&e->alerter, &ectx);
		return;
	}
	vg_ruleset_eval(e->rules, &ectx, alert_match, e);
}

/* A removed container: the sequences keyed on it end with it (rules/seq.h). */
static void rules_container_gone(void *arg, const struct vg_container *c)
{
	struct vg_engine *e = arg;

	if (e->rules)
		vg_seq_on_container_gone(e->rules, c->id);
}

int vg_engine_start(struct vg_engine *e)
{
	switch (e->mode) {
	case VG_ENGINE_STATE: e->pl.sink = NULL; break;
	case VG_ENGINE_MATCH:
	case VG_ENGINE_ALERTS:
		if (!e->rules || !e->alerter_ready)
			return -1;
		e->pl.sink = run_rules;
		e->pl.sink_ctx = e;
		if (e->pl.containers)
			vg_containers_on_gone(e->pl.containers, rules_container_gone, e);
		break;
	case VG_ENGINE_EVENTS:
		/* the line writer, here so that vg_engine_set_mode alone is enough too */
		if (!e->events_ready)
			vg_ab_init(&e->events_out);
		e->events_ready = true;
		e->pl.events_out = &e->events_out;
		e->pl.sink = vg_sink_event_json;
		e->pl.sink_ctx = &e->pl;
		break;
	case VG_ENGINE_CAPTURE:
		if (!e->capture)
			return -1;
		e->pl.sink = vg_sink_capture;
		e->pl.sink_ctx = e->capture;
		break;
	}
	e->started = true;
	return 0;
}

int vg_engine_feed(void *ctx, void *data, size_t len)
{
	return vg_pipeline_handle(&((struct vg_engine *)ctx)->pl, data, len);
}

void vg_engine_feed_source(struct vg_engine *e, const struct vg_src_event *src)
{
	struct vg_eval_ctx ectx = {.src = src};

	if (!e->started || !e->rules || e->mode == VG_ENGINE_STATE)
		return;
	vg_ruleset_eval_source(e->rules, &ectx,
			       e->mode == VG_ENGINE_MATCH ? count_match : alert_match, e);
}

struct vg_ruleset *vg_engine_swap_rules(struct vg_engine *e, struct vg_ruleset *rs)
{
	struct vg_ruleset *old = e->rules;

	e->rules = rs;
	e->alerter.rules = rs; /* the alert stage renders the rule's output from its ruleset */
	follow_rules(e);
	return old;
}

void vg_engine_stop(struct vg_engine *e)
{
	e->started = false;
}

void vg_engine_close(struct vg_engine *e)
{
	if (e->alerter_ready)
		vg_alerter_fini(&e->alerter);
	e->alerter_ready = false;
	if (e->events_ready)
		vg_ab_fini(&e->events_out);
	e->events_ready = false;
	vg_ruleset_free(e->rules);
	e->rules = NULL;
	vg_containers_free(e->pl.containers);
	e->pl.containers = NULL;
	vg_proc_table_free(e->pl.procs);
	e->pl.procs = NULL;
}
