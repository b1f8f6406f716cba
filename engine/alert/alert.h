/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alerts: a rule that matched an event, written as one JSON line in Falco's
 * schema (time, rule, priority, source, tags, hostname, output,
 * output_fields) plus what Falco lacks under the key "vigil": the process,
 * its stable exec id and its ancestry.
 */
#ifndef VIGIL_ALERT_H
#define VIGIL_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "alert/alert_builder.h"
#include "alert/alert_msg.h"
#include "alert/json_buf.h"

struct vg_rule;
struct vg_ruleset;
struct vg_eval_ctx;
struct vg_event;
struct vg_proc;
struct vg_proc_table;
struct vg_enf_policy;

/* Falco's alert-shape switches (falco.yaml keys of the same names). */
struct vg_alert_format {
	bool include_output;	    /* json_include_output_property: "output" */
	bool include_tags;	    /* json_include_tags_property: "tags" */
	bool include_message;	    /* json_include_message_property: "message" */
	bool include_output_fields; /* json_include_output_fields_property: "output_fields" */
	bool time_iso8601;	    /* time_format_iso_8601: the output's time prefix in UTC */
};

struct vg_alerter {
	struct vg_ruleset *rules;
	struct vg_proc_table *procs;
	struct vg_alert_format fmt; /* Falco's defaults after init */
	FILE *out;		    /* used when deliver is NULL (replay, benchmarks) */
	/* delivery (the engine connects it to the outputs), or NULL: one line to out */
	void (*deliver)(void *arg, const struct vg_alert_msg *m);
	void *deliver_arg;
	/* before an alert is built: false suppresses it (rate limiting); NULL admits all */
	bool (*admit)(void *arg, const struct vg_rule *r, const struct vg_eval_ctx *ctx);
	void *admit_arg;
	uint64_t suppressed;
	char hostname[256];
	char *text; /* rendered output, reused across alerts */
	size_t text_cap;
	struct vg_alert_builder ab; /* the alert line and its raw map, reused across alerts */
	uint64_t alerts;
	/* called for each alert written (after rate limiting), e.g. per-rule metrics */
	void (*on_alert)(void *arg, const struct vg_rule *r);
	/* called for each match, before rate limiting (Falco's rule counters); same arg */
	void (*on_match)(void *arg, const struct vg_rule *r);
	void *on_alert_arg;
	/* the enforcement policy in force: rule ids in the kernel's decisions index it */
	const struct vg_enf_policy *enforce;
};

int vg_alerter_init(struct vg_alerter *a, struct vg_ruleset *rules, struct vg_proc_table *procs,
		    FILE *out);
void vg_alerter_fini(struct vg_alerter *a);

/*
 * The alert stage: the engine (engine/engine.c) runs the rules and hands
 * each match here; the alert is built from (rule, evaluation context) and
 * handed to the outputs (a->outs) or written to a->out. Nothing here runs
 * the rules. The ruleset is still read for the rule's output format and a
 * sequence's captured values.
 */
void vg_alert_match(struct vg_alerter *a, const struct vg_rule *r, const struct vg_eval_ctx *ctx);
/* An event the kernel's enforcer sent (VG_HF_ENFORCE): the alert of the rule it applied. */
void vg_alert_enforcement(struct vg_alerter *a, const struct vg_eval_ctx *ctx);

#endif
