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

#define TEXT_CAP 8192

int vg_alerter_init(struct vg_alerter *a, struct vg_ruleset *rules, struct vg_proc_table *procs,
		    FILE *out)
{
	memset(a, 0, sizeof(*a));
	a->rules = rules;
	a->procs = procs;
	a->out = out;
	if (gethostname(a->hostname, sizeof(a->hostname) - 1) != 0)
		strcpy(a->hostname, "unknown");
	a->text = malloc(TEXT_CAP);
	a->text_cap = TEXT_CAP;
	return a->text ? 0 : -1;
}

void vg_alerter_fini(struct vg_alerter *a)
{
	free(a->text);
	a->text = NULL;
}

/* Falco's "output" starts with the event time of day and the priority. */
static json_object *output_text(struct vg_alerter *a, const struct vg_rule *r,
				const struct vg_eval_ctx *ctx)
{
	uint64_t ns = ctx->ev->wall_ns;
	time_t secs = (time_t)(ns / 1000000000ull);
	char prefix[64];
	struct tm tm;
	json_object *o;
	char *full;
	size_t len;

	vg_rule_render_output(a->rules, r, ctx, a->text, a->text_cap);
	/* YAML's folded ">" leaves a newline at the end; Falco's output has none */
	len = strlen(a->text);
	while (len && (a->text[len - 1] == '\n' || a->text[len - 1] == ' '))
		a->text[--len] = '\0';
	localtime_r(&secs, &tm);
	snprintf(prefix, sizeof(prefix), "%02d:%02d:%02d.%09llu: ", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, (unsigned long long)(ns % 1000000000ull));
	if (asprintf(&full, "%s%s %s", prefix, vg_priority_name(vg_rule_priority(r)), a->text) < 0)
		return json_object_new_string(a->text);
	o = json_object_new_string(full);
	free(full);
	return o;
}

static json_object *tags_json(const struct vg_rule *r)
{
	json_object *arr = json_object_new_array();
	size_t n = 0;
	const char *const *tags = vg_rule_tags(r, &n);

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_string(tags[i]));
	return arr;
}

static bool enforce_info(const struct vg_event *ev, struct vg_enforce_info *info)
{
	if (ev->var[VG_VAR_ENFORCE].len != sizeof(*info))
		return false;
	memcpy(info, ev->var[VG_VAR_ENFORCE].ptr, sizeof(*info));
	return true;
}

/* What Falco's schema has no place for. */
static json_object *vigil_extras(struct vg_alerter *a, const struct vg_eval_ctx *ctx)
{
	json_object *o = json_object_new_object();
	const struct vg_proc *p = ctx->proc;

	json_object_object_add(o, "event_type",
			       json_object_new_string(vg_event_type_name(ctx->ev->type)));
	if (ctx->container) {
		json_object *k8s;

		json_object_object_add(o, "container", vg_container_json(ctx->container, &k8s));
		if (k8s)
			json_object_object_add(o, "k8s", k8s);
	}
	if (ctx->ev->hdr->flags & VG_HF_ENFORCE)
		json_object_object_add(o, "enforcement", vg_enforcement_json(ctx->ev));
	if (!p)
		return o;
	json_object_object_add(o, "exec_id", json_object_new_string(p->exec_id));
	json_object_object_add(o, "process", vg_proc_json_brief(p));
	json_object_object_add(o, "ancestors", vg_ancestors_json(a->procs, p));
	return o;
}

/* Writes the alert object o to the outputs (or the plain stream) and frees it. */
static void emit(struct vg_alerter *a, json_object *o, int priority, const char *rule)
{
	const char *line = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object *out;

	if (a->outs) {
		struct vg_alert_msg m = {
			.json = line,
			.json_len = strlen(line),
			.priority = priority,
			.rule = rule,
		};

		/* Falco's text line is the alert's "output" */
		if (json_object_object_get_ex(o, "output", &out)) {
			m.text = json_object_get_string(out);
			m.text_len = (size_t)json_object_get_string_len(out);
		}
		vg_outputs_submit(a->outs, &m);
	} else {
		fputs(line, a->out);
		fputc('\n', a->out);
		fflush(a->out);
	}
	json_object_put(o);
	a->alerts++;
}

static bool write_alert(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	struct vg_alerter *a = arg;
	json_object *o, *fields;
	char time[64];

	/* before any formatting: a suppressed alert costs one bucket lookup */
	if (a->rl && !vg_ratelimit_allow(a->rl, vg_rule_name(r), ctx->proc ? ctx->proc->pid : 0,
					 ctx->ev->hdr->ts_ns)) {
		a->suppressed++;
		return true;
	}
	o = json_object_new_object();
	fields = json_object_new_object();

	vg_format_time(ctx->ev->wall_ns, time, sizeof(time));
	json_object_object_add(o, "hostname", json_object_new_string(a->hostname));
	json_object_object_add(o, "output", output_text(a, r, ctx));
	vg_rule_output_fields(a->rules, r, ctx, fields);
	json_object_object_add(o, "output_fields", fields);
	json_object_object_add(o, "priority",
			       json_object_new_string(vg_priority_name(vg_rule_priority(r))));
	json_object_object_add(o, "rule", json_object_new_string(vg_rule_name(r)));
	json_object_object_add(o, "source", json_object_new_string(vg_rule_source(r)));
	json_object_object_add(o, "tags", tags_json(r));
	json_object_object_add(o, "time", json_object_new_string(time));
	json_object_object_add(o, "vigil", vigil_extras(a, ctx));
	emit(a, o, (int)vg_rule_priority(r), vg_rule_name(r));
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
	static const char *const tags[] = {"vigil", "self_protection", NULL};
	const struct vg_event *ev = ctx->ev;
	const char *what = info->rule == VG_ENF_RULE_SELF_SIGNAL ? "kill or stop" : "ptrace";
	json_object *o = json_object_new_object(), *fields = json_object_new_object();
	json_object *tagarr = json_object_new_array();
	char time[64], *text = NULL;

	vg_format_time(ev->wall_ns, time, sizeof(time));
	if (asprintf(&text, "Denied an attempt to %s vigil (pid %u) by %.16s (pid %u, uid %u)",
		     what, info->target_pid, ev->hdr->comm, ev->hdr->pid, ev->hdr->uid) < 0)
		text = NULL;
	json_object_object_add(o, "hostname", json_object_new_string(a->hostname));
	json_object_object_add(o, "output", json_object_new_string(text ? text : what));
	json_object_object_add(fields, "proc.name", json_object_new_string(ev->hdr->comm));
	json_object_object_add(fields, "proc.pid", json_object_new_int64(ev->hdr->pid));
	json_object_object_add(fields, "user.uid", json_object_new_int64(ev->hdr->uid));
	json_object_object_add(o, "output_fields", fields);
	json_object_object_add(o, "priority", json_object_new_string("Critical"));
	json_object_object_add(o, "rule", json_object_new_string("vigil self-protection"));
	json_object_object_add(o, "source", json_object_new_string("syscall"));
	for (size_t i = 0; tags[i]; i++)
		json_object_array_add(tagarr, json_object_new_string(tags[i]));
	json_object_object_add(o, "tags", tagarr);
	json_object_object_add(o, "time", json_object_new_string(time));
	json_object_object_add(o, "vigil", vigil_extras(a, ctx));
	emit(a, o, VG_PRIO_CRITICAL, "vigil self-protection");
	free(text);
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
