// SPDX-License-Identifier: Apache-2.0
#include "alert/alert.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "container/container.h"
#include "enforce/names.h"
#include "enforce/policy.h"
#include "alert/alert_builder.h"
#include "alert/event_json.h"
#include "fields/eval_ctx.h"
#include "rules/loader.h"
#include "rules/format.h"
#include "rules/seq.h"
#include "state/fd_table.h"
#include "state/proc_table.h"

/* the rule's rendered output, after the prefix "2026-11-22T08:00:00.123456789+0000: Notice " */
#define TEXT_CAP	8192
#define TEXT_PREFIX_CAP VG_ALERT_PREFIX_MAX

int vg_alerter_init(struct vg_alerter *a, struct vg_ruleset *rules, struct vg_proc_table *procs,
		    FILE *out)
{
	memset(a, 0, sizeof(*a));
	a->rules = rules;
	a->procs = procs;
	a->out = out;
	a->fmt = (struct vg_alert_format){
		.include_output = true, .include_tags = true, .include_output_fields = true};
	if (gethostname(a->hostname, sizeof(a->hostname) - 1) != 0)
		strcpy(a->hostname, "unknown");
	vg_ab_init(&a->ab);
	a->text = malloc(TEXT_PREFIX_CAP + TEXT_CAP);
	a->text_cap = TEXT_PREFIX_CAP + TEXT_CAP;
	return a->text ? 0 : -1;
}

void vg_alerter_fini(struct vg_alerter *a)
{
	free(a->text);
	a->text = NULL;
	vg_ab_fini(&a->ab);
}

/*
 * Falco's "output": the event's time and the priority, then the rule's
 * rendered format, into a->text. The time is the local time of day
 * ("09:00:00.123456789"), or with time_format_iso_8601 the UTC date and
 * time as Falco's evt.time.iso8601 writes it ("2026-11-22T08:00:00.123456789+0000").
 * Returns its length; *prefix gets the length of the time and priority part.
 */
/* The event's wall-clock time: a plugin's event carries its own (ctx->src, ev NULL). */
static uint64_t event_time(const struct vg_eval_ctx *ctx)
{
	if (!ctx->ev)
		return ctx->src ? ctx->src->ts_ns : 0;
	return ctx->ev->wall_ns ? ctx->ev->wall_ns : ctx->ev->hdr->ts_ns;
}

/* The event's wall-clock time as the alert's "time" and text prefix write it. */
static uint64_t wall_time(const struct vg_eval_ctx *ctx)
{
	return ctx->ev ? ctx->ev->wall_ns : ctx->src ? ctx->src->ts_ns : 0;
}

static size_t output_text(struct vg_alerter *a, const struct vg_rule *r,
			  const struct vg_eval_ctx *ctx, size_t *prefix)
{
	char *body;
	size_t plen, len;

	plen = vg_alert_text_prefix(&a->ab.clock, wall_time(ctx), a->fmt.time_iso8601,
				    vg_rule_priority(r), a->text);
	body = a->text + plen;
	vg_rule_render_output(a->rules, r, ctx, body, TEXT_CAP);
	/* YAML's folded ">" leaves a newline at the end; Falco's output has none */
	len = strlen(body);
	while (len && (body[len - 1] == '\n' || body[len - 1] == ' '))
		body[--len] = '\0';
	*prefix = plen;
	return plen + len;
}

static bool enforce_info(const struct vg_event *ev, struct vg_enforce_info *info)
{
	if (ev->var[VG_VAR_ENFORCE].len != sizeof(*info))
		return false;
	memcpy(info, ev->var[VG_VAR_ENFORCE].ptr, sizeof(*info));
	return true;
}

/* A string value of the alert; where it sits names its raw bytes (vg_ab_note_raw). */
static inline void put_str(struct vg_alerter *a, const char *s, size_t n, const char *p1, int idx,
			   const char *p2)
{
	vg_ab_str(&a->ab, s, n, p1, idx, p2);
}

/* A NUL-terminated string, or null for NULL. */
static inline void put_cstr(struct vg_alerter *a, const char *s, const char *p1, int idx,
			    const char *p2)
{
	vg_ab_cstr(&a->ab, s, p1, idx, p2);
}

static void put_value(struct vg_alerter *a, enum vg_ftype t, const struct vg_value *v,
		      const char *key, int idx);

/* A sequence's or threshold's action: kill, done by user space on completion. */
static void put_seq_enforcement(struct vg_alerter *a, const struct vg_seq_report *rep)
{
	struct vg_jbuf *b = &a->ab.jb;

	VG_JB_KEY(b, "enforcement");
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "action");
	vg_jb_cstr(b, vg_enf_action_name(VG_ENF_ACT_KILL));
	VG_JB_KEY(b, "mode");
	vg_jb_cstr(b, vg_enf_mode_name((unsigned)rep->mode));
	VG_JB_KEY(b, "tier");
	vg_jb_cstr(b, "userspace");
	VG_JB_KEY(b, "result");
	vg_jb_cstr(b, vg_enf_result_name((unsigned)rep->result));
	VG_JB_KEY(b, "target_pid");
	vg_jb_i64(b, rep->target_pid);
	vg_jb_obj_end(b);
}

/* vigil.sequence: each positive step's time, event type and captured fields. */
static void put_sequence(struct vg_alerter *a, const struct vg_seq_report *rep)
{
	struct vg_jbuf *b = &a->ab.jb;
	char time[VG_TIME_MAX];

	VG_JB_KEY(b, "sequence");
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "steps");
	vg_jb_arr_begin(b);
	for (size_t i = 0; i < rep->nsteps; i++) {
		const struct vg_seq_report_step *st = &rep->steps[i];

		vg_jb_obj_begin(b);
		VG_JB_KEY(b, "name");
		vg_jb_cstr(b, st->name);
		VG_JB_KEY(b, "time");
		vg_jb_str(b, time, vg_time_format(&a->ab.clock, st->wall_ns, VG_TIME_UTC, time));
		VG_JB_KEY(b, "evt.type");
		vg_jb_cstr(b, st->evt_type ? st->evt_type : "");
		VG_JB_KEY(b, "fields");
		vg_jb_obj_begin(b);
		for (size_t k = 0; k < st->ncaps; k++) {
			vg_jb_key(b, st->caps[k].field);
			if (st->caps[k].present)
				put_value(a, st->caps[k].type, &st->caps[k].v, "vigil.sequence",
					  -1);
			else
				vg_jb_null(b);
		}
		vg_jb_obj_end(b);
		vg_jb_obj_end(b);
	}
	vg_jb_arr_end(b);
	vg_jb_obj_end(b);
}

/* vigil.threshold: the count reached, the window, the key and the distinct values. */
static void put_threshold(struct vg_alerter *a, const struct vg_seq_report *rep)
{
	struct vg_jbuf *b = &a->ab.jb;

	VG_JB_KEY(b, "threshold");
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "count");
	vg_jb_u64(b, rep->count);
	VG_JB_KEY(b, "window_ms");
	vg_jb_u64(b, rep->window_ms);
	VG_JB_KEY(b, "by");
	vg_jb_cstr(b, rep->by);
	if (rep->distinct) {
		VG_JB_KEY(b, "values");
		vg_jb_arr_begin(b);
		for (size_t i = 0; i < rep->nvalues; i++)
			put_str(a, rep->values[i].s, rep->values[i].len, "vigil.threshold.values",
				(int)i, NULL);
		vg_jb_arr_end(b);
	}
	vg_jb_obj_end(b);
}

/*
 * What Falco's schema has no place for: the value of the "vigil" key, up to
 * its "raw" (vg_ab_end). Returns which kind of alert r's is.
 */
static enum vg_alert_kind put_vigil_extras(struct vg_alerter *a, const struct vg_eval_ctx *ctx,
					   const struct vg_rule *r)
{
	struct vg_jbuf *b = &a->ab.jb;
	const struct vg_proc *p = ctx->proc;
	struct vg_seq_report rep;
	enum vg_alert_kind kind = VG_ALERT_RULE;

	/* a plugin's event: the rule's source names it, there is no event type */
	vg_ab_vigil_begin(&a->ab, ctx->ev ? vg_event_type_name(ctx->ev->type) : vg_rule_source(r));
	/* the same writers as `vigil events` (event_json.c), under "vigil" */
	if (ctx->container)
		vg_container_json(&a->ab, ctx->container, "vigil.container", "vigil.k8s");
	if (ctx->ev && ctx->ev->hdr->flags & VG_HF_ENFORCE) {
		VG_JB_KEY(b, "enforcement");
		vg_enforcement_json(&a->ab, ctx->ev, vg_ctx_state(ctx), "vigil.enforcement.target");
		kind = VG_ALERT_ENFORCEMENT;
	}
	if (p) {
		VG_JB_KEY(b, "exec_id");
		put_cstr(a, p->exec_id, "vigil.exec_id", -1, NULL);
		VG_JB_KEY(b, "process");
		vg_proc_json_brief(&a->ab, p, "vigil.process", "vigil.process.args");
		VG_JB_KEY(b, "ancestors");
		vg_ancestors_json(&a->ab, a->procs, p, "vigil.ancestors");
	}
	if (r && vg_seq_report_get(a->rules, r, &rep)) {
		if (rep.kind == VG_SEQ_SEQUENCE)
			put_sequence(a, &rep);
		else
			put_threshold(a, &rep);
		if (rep.enforced)
			put_seq_enforcement(a, &rep);
		kind = rep.kind == VG_SEQ_SEQUENCE ? VG_ALERT_SEQUENCE : VG_ALERT_THRESHOLD;
	}
	return kind;
}

/* One output field: as vg_rule_output_fields types it (numbers as numbers, missing as null). */
static void put_value(struct vg_alerter *a, enum vg_ftype t, const struct vg_value *v,
		      const char *key, int idx)
{
	struct vg_jbuf *b = &a->ab.jb;
	char tmp[64];
	const char *s;
	size_t n;

	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES: put_str(a, v->s, v->len, key, idx, NULL); return;
	case VG_FT_BOOL: vg_jb_bool(b, v->u != 0); return;
	case VG_FT_S64: vg_jb_i64(b, v->i); return;
	case VG_FT_DOUBLE: vg_jb_double(b, v->d); return;
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		s = vg_output_value_text(t, v, tmp, sizeof(tmp), &n);
		vg_jb_str(b, s, n);
		return;
	default: vg_jb_u64(b, v->u); return;
	}
}

/* Writes output_fields: the rule's, merged with the event time Falco's output prefix names. */
struct fields_walk {
	struct vg_alerter *a;
	const char *time_key; /* "evt.time" or "evt.time.iso8601"; NULL once written */
	uint64_t time_ns;
};

static void put_time_field(struct fields_walk *w)
{
	vg_jb_key(&w->a->ab.jb, w->time_key);
	vg_jb_u64(&w->a->ab.jb, w->time_ns);
	w->time_key = NULL;
}

static int put_field(void *arg, const char *key, const struct vg_xval *x)
{
	struct fields_walk *w = arg;
	struct vg_alerter *a = w->a;
	struct vg_jbuf *b = &a->ab.jb;

	if (w->time_key) {
		int c = strcmp(w->time_key, key);

		if (c < 0)
			put_time_field(w);
		else if (c == 0)
			w->time_key = NULL; /* the rule names it: the same epoch nanoseconds */
	}
	vg_jb_key(b, key);
	b->replaced = false; /* the key is the rule author's, not the event's */
	if (!x->n)
		vg_jb_null(b);
	else if (x->n == 1)
		put_value(a, x->type, &x->v[0], key, -1);
	else {
		vg_jb_arr_begin(b);
		for (uint32_t k = 0; k < x->n; k++)
			put_value(a, x->type, &x->v[k], key, (int)k);
		vg_jb_arr_end(b);
	}
	return 0;
}

/*
 * Falco's output_fields: every field of the output line (its time prefix's
 * %evt.time or %evt.time.iso8601 included, as epoch nanoseconds) and
 * append_output's extra fields, keys sorted as Falco's JSON object has them.
 */
static void put_output_fields(struct vg_alerter *a, const struct vg_rule *r,
			      const struct vg_eval_ctx *ctx)
{
	struct fields_walk w = {
		.a = a,
		.time_key = a->fmt.time_iso8601 ? "evt.time.iso8601" : "evt.time",
		.time_ns = event_time(ctx),
	};

	VG_JB_KEY(&a->ab.jb, "output_fields");
	vg_jb_obj_begin(&a->ab.jb);
	vg_rule_output_each(a->rules, r, ctx, put_field, &w);
	if (w.time_key)
		put_time_field(&w);
	vg_jb_obj_end(&a->ab.jb);
}

/* Falco's tags: a set, so sorted and each once (sorted when the rule was compiled). */
static void put_tags(struct vg_alerter *a, const struct vg_rule *r)
{
	size_t n;
	const char *const *tags = vg_rule_tag_set(r, &n);

	vg_ab_tags(&a->ab, tags, n);
}

/* Hands the line (and Falco's text line, the alert's "output") to the outputs or the stream. */
static void emit(struct vg_alerter *a, const char *line, size_t len, const char *text,
		 size_t text_len, int priority, const char *rule)
{
	if (a->deliver) {
		struct vg_alert_msg m = {
			.json = line,
			.json_len = len,
			.text = text,
			.text_len = text_len,
			.priority = priority,
			.rule = rule,
		};

		a->deliver(a->deliver_arg, &m);
	} else {
		fwrite(line, 1, len, a->out);
		fputc('\n', a->out);
		fflush(a->out);
	}
	a->alerts++;
}

/*
 * The alert, written straight into the builder's line: Falco's keys in the
 * order json-c gave them before (the bytes are the same), no object tree
 * per alert.
 */
static bool write_alert(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct vg_alerter *a = arg;
	struct vg_jbuf *b = &a->ab.jb;
	size_t text_len, prefix;
	enum vg_alert_kind kind;

	if (a->on_match)
		a->on_match(a->on_alert_arg, r);
	/* before any formatting: a suppressed alert costs one bucket lookup */
	if (a->admit && !a->admit(a->admit_arg, r, ctx)) {
		a->suppressed++;
		return true;
	}
	/* Falco's keys in its order (sorted); "vigil" sorts after them all */
	vg_ab_begin(&a->ab, a->hostname);
	text_len = output_text(a, r, ctx, &prefix);
	if (a->fmt.include_message) {
		VG_JB_KEY(b, "message");
		put_str(a, a->text + prefix, text_len - prefix, "message", -1, NULL);
	}
	if (a->fmt.include_output) {
		VG_JB_KEY(b, "output");
		put_str(a, a->text, text_len, "output", -1, NULL);
	}
	if (a->fmt.include_output_fields)
		put_output_fields(a, r, ctx);
	vg_ab_priority(&a->ab, vg_rule_priority(r));
	VG_JB_KEY(b, "rule");
	put_cstr(a, vg_rule_name(r), "rule", -1, NULL);
	VG_JB_KEY(b, "source");
	put_cstr(a, vg_rule_source(r), "source", -1, NULL);
	if (a->fmt.include_tags)
		put_tags(a, r);
	vg_ab_time(&a->ab, wall_time(ctx));
	kind = put_vigil_extras(a, ctx, r);
	if (!vg_ab_end(&a->ab, kind))
		return true; /* nothing half-written goes out */
	emit(a, b->s, b->len, a->text, text_len, (int)vg_rule_priority(r), vg_rule_name(r));
	if (a->on_alert)
		a->on_alert(a->on_alert_arg, r);
	return true;
}

/*
 * Self-protection denials come from no YAML rule: vigil's own alert, in the
 * same schema, so that an attempt to stop vigil reaches the SIEM.
 */
static void self_protection_alert(struct vg_alerter *a, const struct vg_eval_ctx *ctx,
				  const struct vg_enforce_info *info)
{
	static const char *const tags[] = {"vigil", "self_protection"};
	const struct vg_event *ev = ctx->ev;
	const char *what = info->rule == VG_ENF_RULE_SELF_SIGNAL ? "kill or stop" : "ptrace";
	struct vg_jbuf *b = &a->ab.jb;
	char text[160];
	size_t comm_len = strnlen(ev->hdr->comm, VG_COMM_LEN);
	int text_len;

	text_len = snprintf(text, sizeof(text),
			    "Denied an attempt to %s vigil (pid %u) by %.16s (pid %u, uid %u)",
			    what, info->target_pid, ev->hdr->comm, ev->hdr->pid, ev->hdr->uid);
	vg_ab_begin(&a->ab, a->hostname);
	VG_JB_KEY(b, "output");
	put_str(a, text, (size_t)text_len, "output", -1, NULL);
	VG_JB_KEY(b, "output_fields");
	vg_jb_obj_begin(b);
	vg_jb_key(b, a->fmt.time_iso8601 ? "evt.time.iso8601" : "evt.time");
	vg_jb_u64(b, ev->wall_ns);
	VG_JB_KEY(b, "proc.name");
	put_str(a, ev->hdr->comm, comm_len, "proc.name", -1, NULL);
	VG_JB_KEY(b, "proc.pid");
	vg_jb_u64(b, ev->hdr->pid);
	VG_JB_KEY(b, "user.uid");
	vg_jb_u64(b, ev->hdr->uid);
	vg_jb_obj_end(b);
	vg_ab_priority(&a->ab, VG_PRIO_CRITICAL);
	VG_JB_KEY(b, "rule");
	vg_jb_cstr(b, "vigil self-protection");
	VG_JB_KEY(b, "source");
	vg_jb_cstr(b, "syscall");
	vg_ab_tags(&a->ab, tags, sizeof(tags) / sizeof(tags[0]));
	vg_ab_time(&a->ab, ev->wall_ns);
	put_vigil_extras(a, ctx, NULL);
	if (vg_ab_end(&a->ab, VG_ALERT_SELF_PROTECTION))
		emit(a, b->s, b->len, text, (size_t)text_len, VG_PRIO_CRITICAL,
		     "vigil self-protection");
}

static void enforcement_alert(struct vg_alerter *a, const struct vg_eval_ctx *ctx)
{
	struct vg_enforce_info info;

	if (!enforce_info(ctx->ev, &info))
		return;
	if (info.rule == VG_ENF_RULE_SELF_SIGNAL || info.rule == VG_ENF_RULE_SELF_PTRACE) {
		self_protection_alert(a, ctx, &info);
		return;
	}
	if (a->enforce && info.rule < a->enforce->nrules)
		write_alert(a->enforce->rules[info.rule].rule, ctx, a);
}

/* The alert of one match: ctx is the evaluation context the rule matched in. */
void vg_alert_match(struct vg_alerter *a, const struct vg_rule *r, const struct vg_eval_ctx *ctx)
{
	write_alert(r, ctx, a);
}

/* A decision of the kernel's enforcer (VG_HF_ENFORCE): the rule's alert, or self-protection's. */
void vg_alert_enforcement(struct vg_alerter *a, const struct vg_eval_ctx *ctx)
{
	enforcement_alert(a, ctx);
}
