// SPDX-License-Identifier: Apache-2.0
/*
 * Reading and switching a compiled ruleset: rule counts and fields,
 * enabling rules by name, glob or tag, priorities by name. Apart because
 * callers outside the compiler (cli, enforce, alert) need only these.
 */
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include "rules/rules_internal.h"

bool vg_ruleset_skipped_rule(const struct vg_ruleset *rs, size_t i, const char **name,
			     const char **reason)
{
	if (i >= rs->compiled.nskips)
		return false;
	*name = rs->compiled.skips[i].name;
	*reason = rs->compiled.skips[i].reason;
	return true;
}

void vg_ruleset_expansion(const struct vg_ruleset *rs, struct vg_expansion *out)
{
	*out = rs->compiled.xmax;
	out->total = rs->compiled.xnodes_total;
	out->list_items = rs->compiled.xitems_total;
}

void vg_ruleset_start_background(struct vg_ruleset *rs, unsigned wait_ms)
{
	vg_fenv_start(&rs->ev.env, wait_ms);
}

/* ---- accessors ---- */

size_t vg_ruleset_rule_count(const struct vg_ruleset *rs)
{
	return rs->compiled.nrules;
}

const struct vg_rule *vg_ruleset_rule(const struct vg_ruleset *rs, size_t i)
{
	return i < rs->compiled.nrules ? rs->compiled.rules[i] : NULL;
}

size_t vg_ruleset_skipped(const struct vg_ruleset *rs)
{
	return rs->compiled.skipped;
}

void vg_ruleset_evttypes(const struct vg_ruleset *rs, struct vg_evtset *out)
{
	*out = rs->compiled.all_types;
}

size_t vg_ruleset_enable(struct vg_ruleset *rs, const char *name, bool enabled)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->compiled.nrules; i++) {
		if (strcmp(rs->compiled.rules[i]->name, name) == 0) {
			rs->compiled.rules[i]->enabled = enabled;
			n++;
		}
	}
	if (n && rs->compiled.done && !vg_program_index(rs))
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-NOMEM", NULL, 0, 0, NULL,
			    "out of memory");
	return n;
}

size_t vg_ruleset_select(struct vg_ruleset *rs, const char *pattern, bool by_tag, bool enabled)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->compiled.nrules; i++) {
		struct vg_rule *r = rs->compiled.rules[i];
		bool hit = false;

		if (!by_tag)
			hit = fnmatch(pattern, r->name, 0) == 0;
		for (size_t t = 0; by_tag && !hit && t < r->ntags; t++)
			hit = fnmatch(pattern, r->tags[t], 0) == 0;
		if (hit) {
			r->enabled = enabled;
			n++;
		}
	}
	if (n && rs->compiled.done && !vg_program_index(rs))
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-NOMEM", NULL, 0, 0, NULL,
			    "out of memory");
	return n;
}

const char *vg_rule_name(const struct vg_rule *r)
{
	return r->name;
}

const char *vg_rule_desc(const struct vg_rule *r)
{
	return r->desc;
}

const char *vg_rule_source(const struct vg_rule *r)
{
	return r->source;
}

const char *vg_rule_output_format(const struct vg_rule *r)
{
	return r->output;
}

const char *vg_rule_condition(const struct vg_rule *r)
{
	return r->cond_text ? r->cond_text : "";
}

const char *vg_rule_action(const struct vg_rule *r)
{
	return r->action;
}

int vg_rule_enforce_mode(const struct vg_rule *r)
{
	return r->enforce_mode;
}

bool vg_rule_enforce_force(const struct vg_rule *r)
{
	return r->enforce_force;
}

const char *vg_rule_file(const struct vg_rule *r, int *line, int *col)
{
	*line = r->line;
	*col = r->col;
	return r->file;
}

enum vg_priority vg_rule_priority(const struct vg_rule *r)
{
	return (enum vg_priority)r->priority;
}

bool vg_rule_enabled(const struct vg_rule *r)
{
	return r->enabled;
}

const char *const *vg_rule_tags(const struct vg_rule *r, size_t *n)
{
	*n = r->ntags;
	return (const char *const *)r->tags;
}

const char *const *vg_rule_tag_set(const struct vg_rule *r, size_t *n)
{
	*n = r->ntag_set;
	return r->tag_set;
}

const struct vg_evtset *vg_rule_evttypes(const struct vg_rule *r)
{
	return &r->evts;
}

/* ---- the fields rules read (what state the engine must keep) ---- */

static void visit_expr(const struct vg_cexpr *e, vg_field_visit_fn fn, void *arg)
{
	if (!e)
		return;
	if (e->kind == CX_FIELD && e->ref.def)
		fn(&e->ref, arg);
	for (size_t i = 0; i < e->nargs; i++)
		visit_expr(e->args[i], fn, arg);
}

static void visit_node(const struct vg_cnode *n, vg_field_visit_fn fn, void *arg)
{
	if (!n)
		return;
	visit_expr(n->lhs, fn, arg);
	visit_expr(n->rhs, fn, arg);
	for (size_t i = 0; i < n->nkids; i++)
		visit_node(n->kids[i], fn, arg);
}

static void visit_ofmt(const struct vg_ofmt *f, vg_field_visit_fn fn, void *arg)
{
	for (size_t i = 0; i < f->n; i++)
		visit_expr(f->segs[i].ex, fn, arg);
}

static void visit_key(const struct vg_seq_key *k, vg_field_visit_fn fn, void *arg)
{
	for (size_t i = 0; i < k->n; i++)
		visit_expr(k->ex[i], fn, arg);
}

/* A sequence's own fields; its steps' conditions are rules of the ruleset. */
static void visit_seq(const struct vg_seq *s, vg_field_visit_fn fn, void *arg)
{
	visit_key(&s->by, fn, arg);
	visit_expr(s->distinct, fn, arg);
	for (size_t i = 0; i < s->nsteps; i++)
		visit_key(&s->steps[i].key, fn, arg);
	for (size_t i = 0; i < s->ncaps; i++)
		visit_expr(s->caps[i].ex, fn, arg);
}

void vg_ruleset_fields_read(const struct vg_ruleset *rs, vg_field_visit_fn fn, void *arg)
{
	for (size_t i = 0; i < rs->compiled.nrules; i++) {
		const struct vg_rule *r = rs->compiled.rules[i];

		if (!r->enabled)
			continue;
		visit_node(r->root, fn, arg);
		visit_ofmt(&r->ofmt, fn, arg);
		for (size_t x = 0; x < r->nxf; x++)
			visit_ofmt(&r->xf[x].fmt, fn, arg);
		if (r->seq)
			visit_seq(r->seq, fn, arg);
	}
}
