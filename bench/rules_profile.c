// SPDX-License-Identifier: Apache-2.0
/*
 * rules_bench -P: where rule evaluation spends its time, per event type and
 * per rule.
 *
 * For every event of the stream it asks the rule index which rules of the
 * event's type are candidates (the same lookup vg_ruleset_eval does: the
 * unkeyed rules plus those a key value names), then times each candidate's
 * condition alone, with cold per-event caches (so a field two rules share
 * is charged to both: an upper bound for the later one). Sequence and
 * threshold steps are timed on their condition only, not their state.
 * rule_matching "first" is ignored: every candidate is timed, as on the
 * events no rule matches (nearly all of them).
 *
 * What it prints: per event type, the events, the rules filed under it and
 * how many of them are candidates on average; per rule, its cost in ns per
 * event of the whole stream (what removing it would save), the share of
 * events it runs on, ns per run, and [unkeyed] when no key bounds it for a
 * type it ran for (it then runs on every event of that type).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/decode.h"
#include "kernel/evttypes.h"
#include "rules/keys.h"
#include "rules/pathset.h"
#include "rules/prefilter_paths.h"
#include "rules/rules_internal.h"
#include "rules/seq.h"
#include "rules_profile.h"

#define REPS 8 /* evaluations per timing, to amortise the clock read */

struct rule_cost {
	const struct vg_rule *r;
	double ns;	    /* total over the stream */
	unsigned long runs; /* events it was a candidate for */
	bool unkeyed;	    /* no key bounds it in some type it ran for: it runs on every event */
};

struct vg_rule_profile {
	struct vg_ruleset *rs;
	struct vg_proc_table *procs;
	struct rule_cost *cost; /* by rule order */
	size_t ncost;
	uint64_t *cand; /* candidate bits of the type at hand */
	size_t cand_words;
	unsigned long events, per_type[VG_EVT_COUNT], cands[VG_EVT_COUNT];
	double base_ns; /* one empty cache reset + clock read, per REPS */
	struct vg_xval tmp;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct vg_rule_profile *vg_rule_profile_new(struct vg_ruleset *rs, struct vg_proc_table *procs)
{
	struct vg_rule_profile *p = calloc(1, sizeof(*p));
	size_t words = 1;

	if (!p)
		return NULL;
	p->rs = rs;
	p->procs = procs;
	p->ncost = rs->compiled.nrules;
	p->cost = calloc(rs->compiled.nrules ? rs->compiled.nrules : 1, sizeof(*p->cost));
	for (size_t t = 0; t < VG_EVT_COUNT; t++)
		if (rs->compiled.nby_type[t] / 64 + 1 > words)
			words = rs->compiled.nby_type[t] / 64 + 1;
	p->cand = calloc(words, sizeof(*p->cand));
	p->cand_words = words;
	if (!p->cost || !p->cand) {
		vg_rule_profile_free(p);
		return NULL;
	}
	for (size_t i = 0; i < rs->compiled.nrules; i++)
		p->cost[i].r = rs->compiled.rules[i];
	return p;
}

void vg_rule_profile_free(struct vg_rule_profile *p)
{
	if (!p)
		return;
	free(p->cost);
	free(p->cand);
	free(p);
}

/* The candidate bits of type t for this event, as vg_ruleset_eval's index lookup gives them. */
static void candidates(struct vg_rule_profile *p, uint16_t t, const struct vg_eval_ctx *ctx)
{
	const struct vg_type_keys *tk = p->rs->compiled.keys[t];
	size_t words = p->rs->compiled.nby_type[t] / 64 + 1;

	if (!tk) {
		memset(p->cand, 0xff, words * sizeof(*p->cand));
		return;
	}
	memcpy(p->cand, tk->unkeyed, tk->nwords * sizeof(*p->cand));
	for (size_t k = 0; k < tk->nkeys; k++) {
		const struct vg_rule_key *key = &tk->keys[k];
		const struct vg_xval *x = vg_cexpr_values(p->rs, key->field, ctx, &p->tmp, 0);

		for (uint32_t i = 0; i < x->n; i++) {
			const struct vg_value *v = &x->v[i];

			if (key->number)
				vg_key_lookup(key, tk->nwords, (const char *)&v->u, sizeof(v->u),
					      vg_hash((const char *)&v->u, sizeof(v->u)), p->cand);
			else
				vg_key_lookup(key, tk->nwords, v->s, v->len, vg_hash(v->s, v->len),
					      p->cand);
		}
	}
}

/* REPS evaluations of one program, each with the per-event caches cold. */
static double time_prog(struct vg_ruleset *rs, uint32_t prog, const struct vg_eval_ctx *ctx)
{
	double t0 = now_ns();

	for (int k = 0; k < REPS; k++) {
		vg_eval_end(rs, true);
		vg_eval_begin(rs, ctx);
		if (prog != UINT32_MAX)
			vg_prog_value(rs, prog, ctx);
	}
	return now_ns() - t0;
}

/* Where in cost[] rule r sits (its load order). */
static struct rule_cost *cost_of(struct vg_rule_profile *p, const struct vg_rule *r)
{
	if (r->order < p->ncost && p->cost[r->order].r == r)
		return &p->cost[r->order];
	for (size_t i = 0; i < p->ncost; i++)
		if (p->cost[i].r == r)
			return &p->cost[i];
	return NULL;
}

void vg_rule_profile_sink(void *arg, const struct vg_event *ev, const struct vg_event_state *st,
			  struct vg_proc *proc)
{
	struct vg_rule_profile *p = arg;
	struct vg_ruleset *rs = p->rs;
	struct vg_eval_ctx ctx = {
		.ev = ev, .st = st, .proc = proc, .procs = p->procs, .container = st->container};
	uint16_t t;
	size_t n;

	vg_eval_begin(rs, &ctx);
	t = rs->ev.cur_type;
	p->events++;
	if (!t) {
		vg_eval_end(rs, true);
		return;
	}
	n = rs->compiled.nby_type[t];
	p->per_type[t]++;
	candidates(p, t, &ctx);
	p->base_ns += time_prog(rs, UINT32_MAX, &ctx);
	for (size_t i = 0; i < n; i++) {
		struct rule_cost *c;

		if (!(p->cand[i / 64] >> (i % 64) & 1))
			continue;
		p->cands[t]++;
		c = cost_of(p, rs->compiled.by_type[t][i]);
		if (!c)
			continue;
		c->unkeyed |= !rs->compiled.keys[t] ||
			      (rs->compiled.keys[t]->unkeyed[i / 64] >> (i % 64) & 1);
		c->ns += time_prog(rs, rs->compiled.by_type_prog[t][i * (VG_GUARDS + 1)], &ctx);
		c->runs++;
	}
	vg_eval_end(rs, true);
}

static int by_cost(const void *a, const void *b)
{
	const struct rule_cost *x = a, *y = b;

	return (x->ns < y->ns) - (x->ns > y->ns);
}

void vg_rule_profile_print(struct vg_rule_profile *p, size_t top)
{
	double base = p->events ? p->base_ns / REPS / (double)p->events : 0, total = 0;
	unsigned long events = p->events ? p->events : 1;
	size_t shown = 0;

	printf("rule profile: %lu events; each candidate rule timed alone, caches cold\n",
	       p->events);
	printf("  %-12s %8s %6s %10s\n", "event type", "events", "rules", "candidates");
	for (uint16_t t = 0; t < VG_EVT_COUNT; t++)
		if (p->per_type[t])
			printf("  %-12s %7.1f%% %6zu %10.1f\n", vg_evttype_name(t),
			       100.0 * (double)p->per_type[t] / (double)events,
			       p->rs->compiled.nby_type[t],
			       (double)p->cands[t] / (double)p->per_type[t]);
	for (size_t i = 0; i < p->ncost; i++) {
		/* per run: less the empty evaluation's cost */
		p->cost[i].ns = p->cost[i].ns / REPS - base * (double)p->cost[i].runs;
		if (p->cost[i].ns < 0)
			p->cost[i].ns = 0;
		total += p->cost[i].ns;
	}
	qsort(p->cost, p->ncost, sizeof(*p->cost), by_cost);
	printf("  rules together: %.0f ns per event (cold caches: above what evaluation costs)\n",
	       total / (double)events);
	printf("  %9s %7s %8s  %s\n", "ns/event", "runs", "ns/run", "rule");
	for (size_t i = 0; i < p->ncost && shown < top; i++) {
		const struct rule_cost *c = &p->cost[i];

		if (!c->runs)
			continue;
		printf("  %9.1f %6.1f%% %8.0f  %s%s%s\n", c->ns / (double)events,
		       100.0 * (double)c->runs / (double)events, c->ns / (double)c->runs,
		       c->r->name, c->r->seq ? " (sequence step)" : "",
		       c->unkeyed ? " [unkeyed]" : "");
		shown++;
	}
}

/*
 * -W PATH: the rules for which an open of PATH passes the in-kernel path
 * prefilter (their necessary path conditions, prefilter_paths.c), and the
 * rules that turn it off. An open no rule names is dropped in the kernel;
 * one that passes costs a record, its decoding and the rules. A rule that
 * needs a write open there (open_write) is marked: a read of PATH passes
 * only when some rule without that mark names it.
 */
void vg_rule_profile_path(const struct vg_ruleset *rs, const char *path)
{
	uint16_t t = vg_evttype_code("openat", 6);
	size_t hits = 0, reads = 0;

	printf("an openat of %s passes the path prefilter for:\n", path);
	for (size_t i = 0; i < rs->compiled.nrules; i++) {
		const struct vg_rule *r = rs->compiled.rules[i];
		struct vg_pathset ps, rd;
		bool read;

		if (!r->enabled || !vg_evtset_has(&r->evts, t))
			continue;
		vg_prefilter_rule(r, t, VG_PF_OPEN, &ps);
		vg_prefilter_rule_read(r, t, &rd);
		read = rd.kind == VG_PATHS_ANY || vg_pathset_has(&rd, path, strlen(path), path);
		reads += read;
		if (ps.kind == VG_PATHS_ANY)
			printf("  %s: any path%s (turns the prefilter off%s)\n", r->name,
			       read ? "" : " written", read ? "" : " for write opens"),
				hits++;
		else if (vg_pathset_has(&ps, path, strlen(path), path))
			printf("  %s%s\n", r->name, read ? "" : " [write opens only]"), hits++;
		vg_pathset_free(&ps);
		vg_pathset_free(&rd);
	}
	if (!hits)
		printf("  no rule: the kernel drops it\n");
	else if (!reads)
		printf("  (write opens only: the kernel drops an open of it that does not "
		       "write)\n");
}
