/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the record fuzzers (decode, replay JSON, capture): the real
 * pipeline (decoder, process and fd tables, rule engine) with a small
 * ruleset over execs, opens and connects, each match rendered as an alert's
 * output text and output_fields, and every event as `vigil events` JSON.
 * The tables are per input, so a leak in them shows as a leak; the ruleset
 * is compiled once.
 */
#ifndef VIGIL_FUZZ_PIPELINE_H
#define VIGIL_FUZZ_PIPELINE_H

#include <json-c/json.h>
#include <stdlib.h>

#include "alert/event_json.h"
#include "engine/pipeline.h"
#include "rules/eval.h"
#include "rules/loader.h"
#include "rules/format.h"
#include "fuzz_output_walk.h"
#include "state/proc_table.h"

/* Small, so that a few hundred records already evict processes. */
#define FZP_MAX_PROCS 64

static const char fzp_rules[] =
	"- list: shells\n"
	"  items: [sh, bash, dash]\n"
	"- macro: spawned\n"
	"  condition: evt.type in (execve, execveat)\n"
	"- rule: shell from a daemon\n"
	"  desc: d\n"
	"  condition: spawned and proc.name in (shells) and proc.aname[2] exists\n"
	"  output: \"%proc.cmdline %proc.pname %proc.aname[3] %proc.exepath %user.name "
	"%proc.cwd %proc.env %container.id\"\n"
	"  priority: WARNING\n"
	"- rule: sensitive open\n"
	"  desc: d\n"
	"  condition: evt.type in (open, openat, openat2) and (fd.name startswith /etc or "
	"fd.directory = /tmp or fd.filename glob '*.key')\n"
	"  output: \"%fd.name %fd.nameraw %evt.arg.flags %proc.name %evt.res\"\n"
	"  priority: ERROR\n"
	"- rule: outbound\n"
	"  desc: d\n"
	"  condition: evt.type = connect and (fd.sip != 127.0.0.1 or fd.sport > 0 or "
	"fd.typechar = u)\n"
	"  output: \"%fd.name %fd.cip %fd.sip %fd.cport %fd.sport %fd.l4proto %proc.args\"\n"
	"  priority: NOTICE\n"
	"- rule: anything\n"
	"  desc: d\n"
	"  condition: evt.type exists and (proc.args contains x or evt.dir = '<' or "
	"proc.exe endswith sh or fd.num >= 0)\n"
	"  output: \"%evt.type %evt.args %proc.ppid %proc.vpid %evt.time\"\n"
	"  priority: INFO\n";

static struct vg_ruleset *fzp_rs;

static bool fzp_match(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	char buf[512];
	size_t total = 0;

	(void)arg;
	vg_rule_render_output(fzp_rs, r, ctx, buf, sizeof(buf));
	vg_rule_output_each(fzp_rs, r, ctx, fz_touch_field, &total);
	return true;
}

static void fzp_sink(void *arg, const struct vg_event *ev, const struct vg_event_state *st,
		     struct vg_proc *p)
{
	struct vg_pipeline *pl = arg;
	struct vg_eval_ctx ctx = {
		.ev = ev, .st = st, .proc = p, .procs = pl->procs, .container = NULL};
	static const struct vg_env_policy full = {.mode = VG_ENV_FULL};
	static struct vg_alert_builder w;
	static bool w_ready;

	if (!w_ready)
		vg_ab_init(&w);
	w_ready = true;
	vg_event_json_write(&w, ev, st, pl->procs, p, &full);
	if (fzp_rs)
		vg_ruleset_eval(fzp_rs, &ctx, fzp_match, NULL);
}

/* The ruleset once per process; a pipeline per input (NULL procs: out of memory). */
static void fzp_begin(struct vg_pipeline *pl)
{
	if (!fzp_rs) {
		struct vg_ruleset_opts o = {.match_all = true,
					    .passwd_path = "/nonexistent",
					    .group_path = "/nonexistent",
					    .scratch_bytes = 65536};

		fzp_rs = vg_ruleset_new(&o);
		if (fzp_rs && (vg_ruleset_load_string(fzp_rs, "fuzz.yaml", fzp_rules,
						      sizeof(fzp_rules) - 1) ||
			       vg_ruleset_compile(fzp_rs) != 0)) {
			fprintf(stderr, "fuzz: the built-in ruleset does not load\n");
			abort();
		}
	}
	memset(pl, 0, sizeof(*pl));
	pl->procs = vg_proc_table_new(FZP_MAX_PROCS, NULL);
	pl->procfs_root = NULL; /* never the host's /proc */
	pl->sink = fzp_sink;
	pl->sink_ctx = pl;
}

static void fzp_end(struct vg_pipeline *pl)
{
	vg_proc_table_free(pl->procs);
}

#endif
