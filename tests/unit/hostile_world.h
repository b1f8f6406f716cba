/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by test_hostile_json.c and the alert-writer fuzzer: a parent and a
 * child exec whose every string (comm, filename, exe, argv, cwd, env value,
 * container name and image, the parent's exe) is whatever bytes the caller
 * gives, run through the real decoder, process table, rule engine and alert
 * writer, and through `vigil events`'s writer.
 */
#ifndef VIGIL_TEST_HOSTILE_WORLD_H
#define VIGIL_TEST_HOSTILE_WORLD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/container.h"
#include "decode/decode.h"
#include "alert/alert.h"
#include "alert/env_policy.h"
#include "event_json_parse.h"
#include "records.h"
#include "utf8_ref.h"
#include "rules/compile.h"
#include "rules/eval.h"
#include "rules/loader.h"
#include "state/proc_table.h"

/* The strings of one exec, each as bytes (NULs only where they separate argv). */
struct hw_input {
	const char *comm, *filename, *exe, *cwd, *env_value, *ctr_name, *ctr_image, *pexe;
	size_t comm_len, filename_len, exe_len, cwd_len, env_value_len, ctr_name_len, ctr_image_len,
		pexe_len;
	const char *argv; /* NUL-separated */
	size_t argv_len;
};

struct hw_world {
	struct vg_ruleset *rs;
	struct vg_proc_table *t;
	struct vg_alerter a;
	struct vg_container c;
	char *alert;  /* the last alert line, or NULL when none was written */
	char *events; /* the last `vigil events` line */
	struct vg_proc *proc;
};

static const char HW_RULES[] =
	"- rule: hostile exec\n"
	"  desc: every exec, with every string field in its output\n"
	"  condition: evt.type in (execve, execveat) and proc.pid = 600\n"
	"  output: >\n"
	"    name=%proc.name exe=%proc.exe path=%proc.exepath cmd=%proc.cmdline\n"
	"    args=%proc.args cwd=%proc.cwd env=%proc.env[SECRET] pname=%proc.pname\n"
	"    pexe=%proc.pexepath ctr=%container.name image=%container.image\n"
	"  priority: WARNING\n";

static inline bool hw_alert(const struct vg_rule *r, const struct vg_eval_ctx *ctx, void *arg)
{
	vg_alert_match(arg, r, ctx);
	return true;
}

static inline int hw_init(struct hw_world *w)
{
	struct vg_ruleset_opts o = {.passwd_path = "/nonexistent", .group_path = "/nonexistent"};

	memset(w, 0, sizeof(*w));
	w->rs = vg_ruleset_new(&o);
	w->t = vg_proc_table_new(64, NULL);
	if (!w->rs || !w->t ||
	    vg_ruleset_load_string(w->rs, "hostile.yaml", HW_RULES, sizeof(HW_RULES) - 1) != 0 ||
	    vg_ruleset_compile(w->rs) != 0 || vg_alerter_init(&w->a, w->rs, w->t, NULL) != 0)
		return -1;
	strcpy(w->c.id, "0123456789ab");
	w->c.full_id = (char *)"0123456789abcdef";
	w->c.type = VG_CT_DOCKER;
	return 0;
}

static inline void hw_fini(struct hw_world *w)
{
	free(w->alert);
	free(w->events);
	vg_alerter_fini(&w->a);
	vg_ruleset_free(w->rs);
	vg_proc_table_free(w->t);
}

/* A string variable field, cut to what the probe would carry. */
static inline void hw_var(struct test_record *r, uint16_t id, const char *s, size_t len, size_t max)
{
	if (s)
		rec_var(r, id, s, (uint16_t)(len < max ? len : max));
}

/* One exec of pid (child of ppid): its record decoded and applied; the event in *ev. */
static inline struct vg_proc *hw_exec(struct hw_world *w, struct test_record *r,
				      struct vg_event *ev, uint32_t pid, uint32_t ppid,
				      const struct hw_input *in, bool child)
{
	struct vg_event_hdr *h = rec_begin(r, VG_EV_EXEC, pid, ppid, sizeof(struct vg_exec_body));
	/* env: SECRET=<value>, between two plain variables */
	static char env[VG_ENV_MAX];
	size_t n = 0, v = in->env_value_len < VG_ENV_MAX - 64 ? in->env_value_len : VG_ENV_MAX - 64;

	memset(h->comm, 0, sizeof(h->comm));
	if (child && in->comm)
		memcpy(h->comm, in->comm, in->comm_len < VG_COMM_LEN - 1 ? in->comm_len : 15);
	else
		strcpy(h->comm, "parent");
	if (child) {
		hw_var(r, VG_VAR_FILENAME, in->filename, in->filename_len, VG_PATH_MAX);
		hw_var(r, VG_VAR_EXE, in->exe, in->exe_len, VG_PATH_MAX);
		hw_var(r, VG_VAR_ARGV, in->argv, in->argv_len, VG_ARGV_MAX);
		hw_var(r, VG_VAR_CWD, in->cwd, in->cwd_len, VG_PATH_MAX);
		memcpy(env, "A=1\0SECRET=", 11);
		n = 11;
		if (in->env_value)
			memcpy(env + n, in->env_value, v);
		n += v;
		memcpy(env + n, "\0Z=2", 5);
		n += 5;
		rec_var(r, VG_VAR_ENV, env, (uint16_t)n);
	} else {
		hw_var(r, VG_VAR_EXE, in->pexe, in->pexe_len, VG_PATH_MAX);
		rec_str(r, VG_VAR_ARGV, "parent");
	}
	if (vg_decode(r->buf, r->len, 0, ev) != VG_DECODE_OK)
		return NULL;
	return vg_proc_apply(w->t, ev);
}

/* Runs the parent's and the child's exec; fills w->alert (the child's alert) and w->events. */
static inline int hw_run(struct hw_world *w, const struct hw_input *in)
{
	static struct test_record pr, cr;
	static const struct vg_env_policy full = {.mode = VG_ENV_FULL};
	struct vg_event pev, cev;
	struct vg_event_state st = {0};
	struct vg_proc *p;
	size_t size = 0;
	FILE *f;

	free(w->alert);
	free(w->events);
	w->alert = w->events = NULL;
	if (!hw_exec(w, &pr, &pev, 599, 1, in, false) ||
	    !(p = hw_exec(w, &cr, &cev, 600, 599, in, true)))
		return -1;
	w->proc = p;
	w->c.name = (char *)in->ctr_name;
	w->c.image = (char *)in->ctr_image;
	st.container = &w->c;
	if (!(f = open_memstream(&w->alert, &size)))
		return -1;
	w->a.out = f;
	/* the rules, then the alert stage of each match, as the engine runs them */
	vg_ruleset_eval(
		w->rs,
		&(struct vg_eval_ctx){
			.ev = &cev, .st = &st, .proc = p, .procs = w->t, .container = st.container},
		hw_alert, &w->a);
	fclose(f);
	if (!size) {
		free(w->alert);
		w->alert = NULL;
	}
	w->events = ej_line(&cev, &st, w->t, p, &full);
	return w->events ? 0 : -1;
}

#endif
