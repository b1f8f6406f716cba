// SPDX-License-Identifier: Apache-2.0
/*
 * Reads a rule's `threshold:` or `sequence:` map (docs/rules.md, "Sequences
 * and thresholds") into a vg_seq_item. What can be judged from the YAML
 * alone is judged here, at the offending key's line:column: windows, counts,
 * step names, by_step references, `condition` next to `sequence`. What needs
 * the fields (captures, keys, step references in conditions) is judged by
 * the compiler (seq_compile.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/seq.h"
#include "rules/ytree.h"

void vg_seq_item_free(struct vg_seq_item *it)
{
	if (!it)
		return;
	for (size_t i = 0; i < it->nby; i++) {
		free(it->by[i].s);
		free(it->by[i].loc);
	}
	free(it->distinct.s);
	free(it->distinct.loc);
	for (size_t i = 0; i < it->nsteps; i++) {
		struct vg_seq_step_src *st = &it->steps[i];

		free(st->name);
		free(st->cond.s);
		free(st->cond.loc);
		for (size_t k = 0; k < st->ncaps; k++) {
			free(st->caps[k].s);
			free(st->caps[k].loc);
		}
		for (size_t k = 0; k < st->nkey; k++) {
			free(st->key[k].s);
			free(st->key[k].loc);
		}
	}
	free(it);
}

/* Copies text and place of scalar n into t. */
static bool set_text(struct vg_yreader *r, const struct ynode *n, struct vg_seq_text *t)
{
	t->s = strdup(n->s);
	t->loc = calloc(1, sizeof(*t->loc));
	if (!t->s || !t->loc)
		return false;
	vg_yloc(r, n, t->loc);
	return true;
}

/* "5s", "100ms", "2m", "1h" -> *ns (0 allowed here); false when malformed. */
static bool parse_window(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {{"ms", 1000000ull},
		     {"s", 1000000000ull},
		     {"m", 60000000000ull},
		     {"h", 3600000000000ull}};
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) == 0) {
			/* past 24h (or past uint64): UINT64_MAX, reported as absurd */
			*ns = errno || v > VG_SEQ_MAX_WINDOW / units[i].ns ? UINT64_MAX
									   : v * units[i].ns;
			return true;
		}
	}
	return false;
}

static bool read_window(struct vg_yreader *r, const struct ynode *m, const char *name,
			uint64_t *out)
{
	const struct ynode *w = vg_ymap_get(m, "within");

	if (!w) {
		vg_yerr(r, m, name, "E-WINDOW", "'within' is missing: the window (e.g. 5s, 2m)");
		return false;
	}
	if (w->kind != Y_SCALAR || !parse_window(w->s, out)) {
		vg_yerr(r, w, name, "E-WINDOW",
			"window must be a number with a unit: ms, s, m or h (e.g. 5s)");
		return false;
	}
	if (*out == 0) {
		vg_yerr(r, w, name, "E-WINDOW", "window '%s' is zero", w->s);
		return false;
	}
	if (*out > VG_SEQ_MAX_WINDOW) {
		vg_yerr(r, w, name, "E-WINDOW", "window '%s' is longer than 24h", w->s);
		return false;
	}
	return true;
}

/* A key: one field expression or a list of them. */
static bool read_key(struct vg_yreader *r, const struct ynode *n, const char *name,
		     struct vg_seq_text *out, size_t *nout)
{
	const struct ynode *const *v = &n;
	size_t cnt = 1;

	if (n->kind == Y_SEQ) {
		v = (const struct ynode *const *)n->kids;
		cnt = n->n;
	}
	if (cnt == 0 || cnt > VG_SEQ_MAX_KEYS) {
		vg_yerr(r, n, name, "E-SEQ-KEY", "a key has 1 to %d fields", VG_SEQ_MAX_KEYS);
		return false;
	}
	for (size_t i = 0; i < cnt; i++) {
		if (v[i]->kind != Y_SCALAR || !*v[i]->s || memchr(v[i]->s, '\0', v[i]->len)) {
			vg_yerr(r, v[i], name, "E-SEQ-KEY", "a key field must be a field name");
			return false;
		}
		if (!set_text(r, v[i], &out[i]))
			return false;
		*nout = i + 1;
	}
	return true;
}

static bool read_count(struct vg_yreader *r, const struct ynode *n, const char *name, uint32_t max,
		       uint32_t *out)
{
	char *end;
	long long v;

	if (n->kind != Y_SCALAR || !isdigit((unsigned char)*n->s) ||
	    (v = strtoll(n->s, &end, 10), *end) || v < 1) {
		vg_yerr(r, n, name, "E-THRESHOLD", "'count' must be an integer of 1 or more");
		return false;
	}
	if (v > max) {
		vg_yerr(r, n, name, "E-THRESHOLD", "'count' %lld is more than %u", v, max);
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool read_threshold(struct vg_yreader *r, const struct ynode *m, const char *name,
			   struct vg_seq_item *it)
{
	const struct ynode *by = vg_ymap_get(m, "by"), *cnt = vg_ymap_get(m, "count"),
			   *d = vg_ymap_get(m, "distinct");

	it->kind = VG_SEQ_THRESHOLD;
	if (m->kind != Y_MAP) {
		vg_yerr(r, m, name, "E-THRESHOLD", "'threshold' must be a map (by, within, count)");
		return false;
	}
	if (!read_window(r, m, name, &it->within_ns))
		return false;
	if (by && !read_key(r, by, name, it->by, &it->nby))
		return false;
	if (d) {
		if (d->kind != Y_SCALAR || !*d->s) {
			vg_yerr(r, d, name, "E-THRESHOLD", "'distinct' must be a field name");
			return false;
		}
		if (!set_text(r, d, &it->distinct))
			return false;
	}
	if (!cnt) {
		vg_yerr(r, m, name, "E-THRESHOLD", "'count' is missing (how many %s)",
			d ? "distinct values" : "matching events");
		return false;
	}
	return read_count(r, cnt, name, d ? VG_THR_MAX_DISTINCT : VG_THR_MAX_COUNT, &it->count);
}

/* A field class's prefix ("proc", "fd", ...): not a step name, or "fd.name" would be ambiguous. */
static bool is_field_class(const char *s)
{
	size_t n, len = strlen(s);
	const struct vg_field_class *const *cls = vg_field_classes(&n);

	if (strcmp(s, "threshold") == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < cls[i]->nfields; k++)
			if (strncmp(cls[i]->fields[k].name, s, len) == 0 &&
			    cls[i]->fields[k].name[len] == '.')
				return true;
	return false;
}

static bool valid_step_name(const char *s)
{
	if (!(islower((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

static bool read_step_name(struct vg_yreader *r, const struct ynode *n, const char *name,
			   struct vg_seq_item *it, struct vg_seq_step_src *st)
{
	if (n->kind != Y_SCALAR || !valid_step_name(n->s)) {
		vg_yerr(r, n, name, "E-SEQ-STEP", "step name must match [a-z_][a-z0-9_]*");
		return false;
	}
	if (is_field_class(n->s)) {
		vg_yerr(r, n, name, "E-SEQ-STEP",
			"step name '%s' is a field class: '%s.x' would be ambiguous", n->s, n->s);
		return false;
	}
	for (size_t i = 0; i < it->nsteps; i++) {
		if (it->steps[i].name && strcmp(it->steps[i].name, n->s) == 0) {
			vg_yerr(r, n, name, "E-SEQ-STEP", "two steps are named '%s'", n->s);
			return false;
		}
	}
	return (st->name = strdup(n->s)) != NULL;
}

/* The step's capture list; taken: what the steps before it captured. */
static bool read_captures(struct vg_yreader *r, const struct ynode *n, const char *name,
			  size_t taken, struct vg_seq_step_src *st)
{
	if (n->kind != Y_SEQ) {
		vg_yerr(r, n, name, "E-SEQ-CAPTURE", "'capture' must be a list of fields");
		return false;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *f = n->kids[i];

		if (f->kind != Y_SCALAR || !*f->s) {
			vg_yerr(r, f, name, "E-SEQ-CAPTURE", "'capture' must be a list of fields");
			return false;
		}
		if (taken + st->ncaps >= VG_SEQ_MAX_CAPS) {
			vg_yerr(r, f, name, "E-SEQ-CAPTURE",
				"more than %d captured fields in one sequence", VG_SEQ_MAX_CAPS);
			return false;
		}
		if (!set_text(r, f, &st->caps[st->ncaps]))
			return false;
		st->ncaps++;
	}
	return true;
}

static bool read_step(struct vg_yreader *r, const struct ynode *n, const char *name,
		      struct vg_seq_item *it)
{
	struct vg_seq_step_src *st = &it->steps[it->nsteps];
	const struct ynode *neg = vg_ymap_get(n, "not"), *body = neg ? neg : n, *c, *k;

	memset(st, 0, sizeof(*st));
	st->loc.line = (int)n->start.line + 1;
	st->loc.col = (int)n->start.column + 1;
	if (n->kind != Y_MAP || (neg && neg->kind != Y_MAP)) {
		vg_yerr(r, n, name, "E-SEQ-STEP",
			"a step is a map (name, condition, capture) or {not: {condition: ...}}");
		return false;
	}
	st->negative = neg != NULL;
	if (!(c = vg_ymap_get(body, "condition")) || c->kind != Y_SCALAR || !*c->s) {
		vg_yerr(r, body, name, "E-SEQ-STEP", "step has no 'condition'");
		return false;
	}
	it->nsteps++; /* from here on, freed with the item */
	if (!set_text(r, c, &st->cond))
		return false;
	if ((k = vg_ymap_get(body, "name")) && !read_step_name(r, k, name, it, st))
		return false;
	if (!st->negative && !st->name) {
		vg_yerr(r, n, name, "E-SEQ-STEP", "step has no 'name'");
		return false;
	}
	if ((k = vg_ymap_get(body, "capture"))) {
		size_t taken = 0;

		if (st->negative) {
			vg_yerr(r, k, name, "E-SEQ-CAPTURE", "a negative step captures nothing");
			return false;
		}
		for (size_t i = 0; i + 1 < it->nsteps; i++)
			taken += it->steps[i].ncaps;
		return read_captures(r, k, name, taken, st);
	}
	return true;
}

/* by_step: {step: field, ...}; every name a positive step. */
static bool read_by_step(struct vg_yreader *r, const struct ynode *m, const char *name,
			 struct vg_seq_item *it)
{
	if (m->kind != Y_MAP) {
		vg_yerr(r, m, name, "E-SEQ-KEY", "'by_step' must be a map of step: key");
		return false;
	}
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *kn = m->kids[i];
		struct vg_seq_step_src *st = NULL;

		for (size_t s = 0; s < it->nsteps && kn->kind == Y_SCALAR; s++)
			if (it->steps[s].name && strcmp(it->steps[s].name, kn->s) == 0)
				st = &it->steps[s];
		if (!st) {
			vg_yerr(r, kn, name, "E-SEQ-STEP", "'by_step' names unknown step '%s'",
				kn->kind == Y_SCALAR ? kn->s : "?");
			return false;
		}
		/* a step named twice: the last one wins, as in any YAML map */
		for (size_t k = 0; k < st->nkey; k++) {
			free(st->key[k].s);
			free(st->key[k].loc);
		}
		st->nkey = 0;
		if (!read_key(r, m->kids[i + 1], name, st->key, &st->nkey))
			return false;
	}
	return true;
}

static bool read_sequence(struct vg_yreader *r, const struct ynode *m, const char *name,
			  struct vg_seq_item *it)
{
	const struct ynode *steps = vg_ymap_get(m, "steps"), *k;
	size_t npos = 0;
	int b;

	it->kind = VG_SEQ_SEQUENCE;
	if (m->kind != Y_MAP) {
		vg_yerr(r, m, name, "E-SEQ", "'sequence' must be a map (within, by, steps)");
		return false;
	}
	if (!read_window(r, m, name, &it->within_ns))
		return false;
	if ((k = vg_ymap_get(m, "by")) && !read_key(r, k, name, it->by, &it->nby))
		return false;
	if (!steps || steps->kind != Y_SEQ || steps->n < 2) {
		vg_yerr(r, steps ? steps : m, name, "E-SEQ",
			"'steps' must be a list of at least two steps");
		return false;
	}
	if (steps->n > VG_SEQ_MAX_STEPS) {
		vg_yerr(r, steps, name, "E-SEQ", "more than %d steps", VG_SEQ_MAX_STEPS);
		return false;
	}
	for (size_t i = 0; i < steps->n; i++) {
		if (!read_step(r, steps->kids[i], name, it))
			return false;
		npos += !it->steps[it->nsteps - 1].negative;
	}
	if (npos < 2 || it->steps[0].negative || it->steps[it->nsteps - 1].negative) {
		vg_yerr(r, steps, name, "E-SEQ",
			"a sequence needs two positive steps, and starts and ends with one "
			"(a negative step goes between two)");
		return false;
	}
	if ((k = vg_ymap_get(m, "by_step")) && !read_by_step(r, k, name, it))
		return false;
	if ((k = vg_ymap_get(m, "until_exit"))) {
		b = k->kind == Y_SCALAR ? (strcmp(k->s, "true") == 0	? 1
					   : strcmp(k->s, "false") == 0 ? 0
									: -1)
					: -1;
		if (b < 0) {
			vg_yerr(r, k, name, "E-VALUE", "'until_exit' must be true or false");
			return false;
		}
		it->until_exit = b;
	}
	return true;
}

bool vg_seq_read(struct vg_yreader *r, const struct ynode *item, const char *name,
		 struct vg_seq_item **out)
{
	const struct ynode *seq = vg_ymap_get(item, "sequence"),
			   *thr = vg_ymap_get(item, "threshold"),
			   *c = vg_ymap_get(item, "condition");
	struct vg_seq_item *it;
	bool ok;

	if (seq && thr) {
		vg_yerr(r, thr, name, "E-SEQ", "a rule has 'sequence' or 'threshold', not both");
		return false;
	}
	if (seq && c) {
		vg_yerr(r, c, name, "E-SEQ",
			"a rule has 'condition' or 'sequence', not both: the steps are its "
			"condition");
		return false;
	}
	it = calloc(1, sizeof(*it));
	if (!it)
		return false;
	it->loc.line = (int)(seq ? seq : thr)->start.line + 1;
	it->loc.col = (int)(seq ? seq : thr)->start.column + 1;
	ok = seq ? read_sequence(r, seq, name, it) : read_threshold(r, thr, name, it);
	if (!ok) {
		vg_seq_item_free(it);
		return false;
	}
	vg_seq_item_free(*out);
	*out = it;
	return true;
}
