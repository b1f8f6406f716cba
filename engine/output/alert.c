// SPDX-License-Identifier: Apache-2.0
#include "output/alert.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode/decode.h"
#include "enforce/policy.h"
#include "output/event_json.h"
#include "outputs/outputs.h"
#include "ratelimit/ratelimit.h"
#include "rules/eval.h"
#include "rules/loader.h"
#include "rules/output.h"
#include "state/fd_table.h"
#include "state/proc_table.h"

#define TEXT_CAP	8192 /* the rule's rendered output, as before the prefix */
#define TEXT_PREFIX_CAP 64   /* "09:00:00.123456789: Informational " */

int vg_alerter_init(struct vg_alerter *a, struct vg_ruleset *rules, struct vg_proc_table *procs,
		    FILE *out)
{
	memset(a, 0, sizeof(*a));
	a->rules = rules;
	a->procs = procs;
	a->out = out;
	a->sec = (time_t)-1;
	if (gethostname(a->hostname, sizeof(a->hostname) - 1) != 0)
		strcpy(a->hostname, "unknown");
	vg_jb_init(&a->jb);
	a->text = malloc(TEXT_PREFIX_CAP + TEXT_CAP);
	a->text_cap = TEXT_PREFIX_CAP + TEXT_CAP;
	return a->text ? 0 : -1;
}

void vg_alerter_fini(struct vg_alerter *a)
{
	free(a->text);
	a->text = NULL;
	vg_jb_free(&a->jb);
}

/* The UTC date and local time of day of second sec, formatted once per second. */
static void set_second(struct vg_alerter *a, time_t sec)
{
	struct tm tm;

	if (sec == a->sec)
		return;
	gmtime_r(&sec, &tm);
	strftime(a->date, sizeof(a->date), "%Y-%m-%dT%H:%M:%S", &tm);
	localtime_r(&sec, &tm);
	snprintf(a->hms, sizeof(a->hms), "%02d:%02d:%02d", tm.tm_hour % 100, tm.tm_min % 100,
		 tm.tm_sec % 100);
	a->sec = sec;
}

/* text (a cached second), a dot and ns as nine digits at out; returns the length. */
static size_t put_nanos(char *out, const char *text, uint32_t ns)
{
	size_t n = strlen(text);

	memcpy(out, text, n);
	out[n++] = '.';
	for (int i = 8; i >= 0; i--, ns /= 10)
		out[n + (size_t)i] = (char)('0' + ns % 10);
	return n + 9;
}

/*
 * Falco's "output": the event's local time of day and the priority, then the
 * rule's rendered format, into a->text. Returns its length.
 */
static size_t output_text(struct vg_alerter *a, const struct vg_rule *r,
			  const struct vg_eval_ctx *ctx)
{
	uint64_t ns = ctx->ev->wall_ns;
	char *body;
	size_t plen, len;

	const char *prio = vg_priority_name(vg_rule_priority(r));
	size_t prio_len = strlen(prio);

	set_second(a, (time_t)(ns / 1000000000ull));
	/* "hh:mm:ss.nnnnnnnnn: Priority ": at most 8 + 10 + 2 + 13 + 1 bytes */
	plen = put_nanos(a->text, a->hms, (uint32_t)(ns % 1000000000ull));
	memcpy(a->text + plen, ": ", 2);
	memcpy(a->text + plen + 2, prio, prio_len);
	plen += 2 + prio_len;
	a->text[plen++] = ' ';
	body = a->text + plen;
	vg_rule_render_output(a->rules, r, ctx, body, TEXT_CAP);
	/* YAML's folded ">" leaves a newline at the end; Falco's output has none */
	len = strlen(body);
	while (len && (body[len - 1] == '\n' || body[len - 1] == ' '))
		body[--len] = '\0';
	return plen + len;
}

static bool enforce_info(const struct vg_event *ev, struct vg_enforce_info *info)
{
	if (ev->var[VG_VAR_ENFORCE].len != sizeof(*info))
		return false;
	memcpy(info, ev->var[VG_VAR_ENFORCE].ptr, sizeof(*info));
	return true;
}

/* A NUL-separated argv as an array of strings (event_json.c's vg_args_json). */
static void put_args(struct vg_jbuf *b, const char *args, uint32_t len)
{
	vg_jb_arr_begin(b);
	for (uint32_t i = 0; args && i < len;) {
		uint32_t n = (uint32_t)strnlen(args + i, len - i);

		vg_jb_str(b, args + i, n);
		i += n + 1;
	}
	vg_jb_arr_end(b);
}

/* vg_proc_json_brief's keys, in its order. */
static void put_process(struct vg_jbuf *b, const struct vg_proc *p)
{
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "pid");
	vg_jb_u64(b, p->pid);
	VG_JB_KEY(b, "exec_id");
	vg_jb_cstr(b, p->exec_id);
	VG_JB_KEY(b, "comm");
	vg_jb_cstr(b, p->comm);
	VG_JB_KEY(b, "exe");
	vg_jb_cstr(b, p->exe);
	VG_JB_KEY(b, "args");
	put_args(b, p->args, p->args_len);
	VG_JB_KEY(b, "uid");
	vg_jb_u64(b, p->uid);
	VG_JB_KEY(b, "cgroup_id");
	vg_jb_u64(b, p->cgroup_id);
	vg_jb_obj_end(b);
}

/* vg_ancestors_json's: the parent first, at most VG_JSON_MAX_ANCESTORS. */
static void put_ancestors(struct vg_jbuf *b, struct vg_proc_table *t, const struct vg_proc *p)
{
	const struct vg_proc *a = p;

	vg_jb_arr_begin(b);
	for (int i = 0; i < VG_JSON_MAX_ANCESTORS && (a = vg_proc_parent(t, a)); i++) {
		vg_jb_obj_begin(b);
		VG_JB_KEY(b, "pid");
		vg_jb_u64(b, a->pid);
		VG_JB_KEY(b, "exec_id");
		vg_jb_cstr(b, a->exec_id);
		VG_JB_KEY(b, "exe");
		vg_jb_cstr(b, a->exe);
		VG_JB_KEY(b, "comm");
		vg_jb_cstr(b, a->comm);
		vg_jb_obj_end(b);
	}
	vg_jb_arr_end(b);
}

/* Takes o (a json-c value, rare in alerts) and writes it as json-c prints it. */
static void put_json(struct vg_jbuf *b, json_object *o)
{
	vg_jb_json(b, o);
	json_object_put(o);
}

/* What Falco's schema has no place for: the value of the "vigil" key. */
static void put_vigil_extras(struct vg_alerter *a, const struct vg_eval_ctx *ctx)
{
	struct vg_jbuf *b = &a->jb;
	const struct vg_proc *p = ctx->proc;

	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "event_type");
	vg_jb_cstr(b, vg_event_type_name(ctx->ev->type));
	if (ctx->container) {
		json_object *k8s;

		VG_JB_KEY(b, "container");
		put_json(b, vg_container_json(ctx->container, &k8s));
		if (k8s) {
			VG_JB_KEY(b, "k8s");
			put_json(b, k8s);
		}
	}
	if (ctx->ev->hdr->flags & VG_HF_ENFORCE) {
		VG_JB_KEY(b, "enforcement");
		put_json(b, vg_enforcement_json(ctx->ev));
	}
	if (p) {
		VG_JB_KEY(b, "exec_id");
		vg_jb_cstr(b, p->exec_id);
		VG_JB_KEY(b, "process");
		put_process(b, p);
		VG_JB_KEY(b, "ancestors");
		put_ancestors(b, a->procs, p);
	}
	vg_jb_obj_end(b);
}

/* One output field: as vg_rule_output_fields types it (numbers as numbers, missing as null). */
static void put_value(struct vg_jbuf *b, enum vg_ftype t, const struct vg_value *v)
{
	char tmp[64];
	const char *s;
	size_t n;

	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES: vg_jb_str(b, v->s, v->len); return;
	case VG_FT_BOOL: vg_jb_bool(b, v->u != 0); return;
	case VG_FT_S64: vg_jb_i64(b, v->i); return;
	case VG_FT_DOUBLE: put_json(b, json_object_new_double(v->d)); return;
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		s = vg_output_value_text(t, v, tmp, sizeof(tmp), &n);
		vg_jb_str(b, s, n);
		return;
	default: vg_jb_u64(b, v->u); return;
	}
}

static int put_field(void *arg, const char *key, const struct vg_xval *x)
{
	struct vg_jbuf *b = arg;

	vg_jb_key(b, key);
	if (!x->n)
		vg_jb_null(b);
	else if (x->n == 1)
		put_value(b, x->type, &x->v[0]);
	else {
		vg_jb_arr_begin(b);
		for (uint32_t k = 0; k < x->n; k++)
			put_value(b, x->type, &x->v[k]);
		vg_jb_arr_end(b);
	}
	return 0;
}

/* Hands the line (and Falco's text line, the alert's "output") to the outputs or the stream. */
static void emit(struct vg_alerter *a, const char *line, size_t len, const char *text,
		 size_t text_len, int priority, const char *rule)
{
	if (a->outs) {
		struct vg_alert_msg m = {
			.json = line,
			.json_len = len,
			.text = text,
			.text_len = text_len,
			.priority = priority,
			.rule = rule,
		};

		vg_outputs_submit(a->outs, &m);
	} else {
		fwrite(line, 1, len, a->out);
		fputc('\n', a->out);
		fflush(a->out);
	}
	a->alerts++;
}

/*
 * The alert, written straight into a->jb: Falco's keys in the order json-c
 * gave them before (the bytes are the same), no object tree per alert.
 */
static bool write_alert(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct vg_alerter *a = arg;
	struct vg_jbuf *b = &a->jb;
	uint64_t ns = ctx->ev->wall_ns;
	const char *prio = vg_priority_name(vg_rule_priority(r));
	size_t n, text_len;
	const char *const *tags = vg_rule_tags(r, &n);
	char time[48];

	/* before any formatting: a suppressed alert costs one bucket lookup */
	if (a->rl && !vg_ratelimit_allow(a->rl, vg_rule_name(r), ctx->proc ? ctx->proc->pid : 0,
					 ctx->ev->hdr->ts_ns)) {
		a->suppressed++;
		return true;
	}
	vg_jb_reset(b);
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "hostname");
	vg_jb_cstr(b, a->hostname);
	text_len = output_text(a, r, ctx);
	VG_JB_KEY(b, "output");
	vg_jb_str(b, a->text, text_len);
	VG_JB_KEY(b, "output_fields");
	vg_jb_obj_begin(b);
	vg_rule_output_each(a->rules, r, ctx, put_field, b);
	vg_jb_obj_end(b);
	VG_JB_KEY(b, "priority");
	vg_jb_cstr(b, prio);
	VG_JB_KEY(b, "rule");
	vg_jb_cstr(b, vg_rule_name(r));
	VG_JB_KEY(b, "source");
	vg_jb_cstr(b, vg_rule_source(r));
	VG_JB_KEY(b, "tags");
	vg_jb_arr_begin(b);
	for (size_t i = 0; i < n; i++)
		vg_jb_cstr(b, tags[i]);
	vg_jb_arr_end(b);
	/* vg_format_time's form, from the cached second */
	set_second(a, (time_t)(ns / 1000000000ull));
	memcpy(time + put_nanos(time, a->date, (uint32_t)(ns % 1000000000ull)), "Z", 2);
	VG_JB_KEY(b, "time");
	vg_jb_cstr(b, time);
	VG_JB_KEY(b, "vigil");
	put_vigil_extras(a, ctx);
	vg_jb_obj_end(b);
	if (b->oom)
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
	struct vg_jbuf *b = &a->jb;
	char time[64], text[160];
	size_t comm_len = strnlen(ev->hdr->comm, VG_COMM_LEN);
	int text_len;

	vg_format_time(ev->wall_ns, time, sizeof(time));
	text_len = snprintf(text, sizeof(text),
			    "Denied an attempt to %s vigil (pid %u) by %.16s (pid %u, uid %u)",
			    what, info->target_pid, ev->hdr->comm, ev->hdr->pid, ev->hdr->uid);
	vg_jb_reset(b);
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "hostname");
	vg_jb_cstr(b, a->hostname);
	VG_JB_KEY(b, "output");
	vg_jb_str(b, text, (size_t)text_len);
	VG_JB_KEY(b, "output_fields");
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "proc.name");
	vg_jb_str(b, ev->hdr->comm, comm_len);
	VG_JB_KEY(b, "proc.pid");
	vg_jb_u64(b, ev->hdr->pid);
	VG_JB_KEY(b, "user.uid");
	vg_jb_u64(b, ev->hdr->uid);
	vg_jb_obj_end(b);
	VG_JB_KEY(b, "priority");
	vg_jb_cstr(b, "Critical");
	VG_JB_KEY(b, "rule");
	vg_jb_cstr(b, "vigil self-protection");
	VG_JB_KEY(b, "source");
	vg_jb_cstr(b, "syscall");
	VG_JB_KEY(b, "tags");
	vg_jb_arr_begin(b);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		vg_jb_cstr(b, tags[i]);
	vg_jb_arr_end(b);
	VG_JB_KEY(b, "time");
	vg_jb_cstr(b, time);
	VG_JB_KEY(b, "vigil");
	put_vigil_extras(a, ctx);
	vg_jb_obj_end(b);
	if (!b->oom)
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

void vg_sink_alerts(void *ctx, const struct vg_event *ev, struct vg_proc *p)
{
	struct vg_alerter *a = ctx;
	struct vg_eval_ctx ectx = {
		.ev = ev, .proc = p, .procs = a->procs, .container = ev->container};

	if (ev->hdr->flags & VG_HF_ENFORCE) {
		enforcement_alert(a, &ectx);
		return;
	}

	vg_ruleset_eval(a->rules, &ectx, write_alert, a);
}
