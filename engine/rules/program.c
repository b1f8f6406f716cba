// SPDX-License-Identifier: Apache-2.0
/*
 * The evaluation program: how compiled conditions are laid out for the
 * evaluator (eval.c).
 *
 * - Sharing: equal subtrees of any rules get one memo, so that an event
 *   evaluates a macro once however many rules inline it.
 * - Layout: each condition flattened into the program array (struct
 *   vg_insn), a node followed by its children's subtrees.
 * - Specialisation: rules are indexed by event type, and for each type a
 *   rule gets its own program with evt.type tests decided (a branch for
 *   another type is gone, an and of one child is that child), the
 *   children of and/or ordered for that type: the ones most likely to
 *   decide the node for the least work first. A generic program per rule,
 *   with its evt.type tests, serves vg_rule_eval.
 * - Guards: the shared subtrees a rule's top-level and needs, tested
 *   before the rule is run at all.
 * - Keys (keys.c): which rules of a type an event can match at all, found
 *   by looking its field values up.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/rules_internal.h"
#include "rules/keys.h"

/* ---- sharing ---- */

/*
 * Subtrees are shared by structure: each node gets the id of its key (its
 * kind and operands, with its children by id), so equal subtrees, whichever
 * rule or macro they came from, get equal ids. Ids seen more than once get a
 * memo. The table lives only while the ruleset is compiled.
 */
struct key_ent {
	char *s;
	size_t len;
	uint64_t h;
	uint32_t id;
};

struct key_tab {
	struct key_ent *tab;
	size_t cap, n;
	uint32_t *count; /* by id */
	size_t ccount;
};

static bool key_rehash(struct key_tab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	struct key_ent *nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j;

		if (!t->tab[i].s)
			continue;
		for (j = t->tab[i].h & (ncap - 1); nt[j].s; j = (j + 1) & (ncap - 1))
			;
		nt[j] = t->tab[i];
	}
	free(t->tab);
	t->tab = nt;
	t->cap = ncap;
	return true;
}

/* The id of key (taken over by the table), counted once more; UINT32_MAX on OOM. */
static uint32_t key_id(struct key_tab *t, char *key, size_t len)
{
	uint64_t h = vg_hash(key, len);
	size_t i;

	if ((t->n + 1) * 2 > t->cap && !key_rehash(t)) {
		free(key);
		return UINT32_MAX;
	}
	for (i = h & (t->cap - 1); t->tab[i].s; i = (i + 1) & (t->cap - 1)) {
		if (t->tab[i].h == h && t->tab[i].len == len &&
		    memcmp(t->tab[i].s, key, len) == 0) {
			free(key);
			t->count[t->tab[i].id]++;
			return t->tab[i].id;
		}
	}
	if (!vg_grow(&t->count, &t->ccount, t->n + 1, sizeof(*t->count))) {
		free(key);
		return UINT32_MAX;
	}
	t->tab[i] = (struct key_ent){key, len, h, (uint32_t)t->n};
	t->count[t->n] = 1;
	return (uint32_t)t->n++;
}

static void key_tab_free(struct key_tab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->tab[i].s);
	free(t->tab);
	free(t->count);
}

static void key_val(struct vg_sb *b, const struct vg_cval *v, bool str)
{
	if (str) {
		vg_sb_putn(b, (const char *)&v->len, sizeof(v->len));
		vg_sb_putn(b, v->s, v->len);
		return;
	}
	vg_sb_putn(b, (const char *)&v->u, sizeof(v->u));
	vg_sb_putn(b, (const char *)&v->d, sizeof(v->d));
	vg_sb_putn(b, (const char *)v->ip, sizeof(v->ip));
	vg_sb_putc(b, (char)v->iplen);
	vg_sb_putc(b, (char)v->prefix);
}

/* Gives n and its subtree key ids (kept in ->memo until assign_memos). */
static bool key_ids(struct key_tab *t, struct vg_cnode *n)
{
	struct vg_sb b;
	uint32_t id;

	for (size_t i = 0; i < n->nkids; i++)
		if (!key_ids(t, n->kids[i]))
			return false;
	vg_sb_init(&b);
	vg_sb_printf(&b, "%d:", (int)n->kind);
	switch (n->kind) {
	case CN_AND:
	case CN_OR:
	case CN_NOT:
		for (size_t i = 0; i < n->nkids; i++)
			vg_sb_printf(&b, "%u,", n->kids[i]->memo);
		break;
	case CN_EVTTYPE:
		vg_sb_putn(&b, (const char *)n->evts.w, sizeof(n->evts.w));
		vg_sb_putc(&b, n->negate ? '!' : '=');
		break;
	case CN_CHECK:
		/* the operand texts are canonical: equal texts extract the same values */
		vg_sb_printf(&b, "%s%c%d:%d:%s%c", n->lhs->text, 0, (int)n->op, (int)n->mod,
			     n->rhs ? n->rhs->text : "", 0);
		for (size_t i = 0; i < n->nvals; i++)
			key_val(&b, &n->vals[i], vg_is_stringish(n->lhs->type));
		break;
	}
	if (b.oom) {
		vg_sb_free(&b);
		return false;
	}
	id = key_id(t, b.s, b.len);
	if (id == UINT32_MAX)
		return false;
	n->memo = id;
	return true;
}

/* Replaces key ids by memo indexes: shared checks, ands and ors get one. */
static void assign_memos(struct vg_ruleset *rs, const struct key_tab *t, uint32_t *memo_of,
			 struct vg_cnode *n)
{
	uint32_t id = n->memo;

	for (size_t i = 0; i < n->nkids; i++)
		assign_memos(rs, t, memo_of, n->kids[i]);
	n->memo = 0;
	if (t->count[id] < 2 || (n->kind != CN_CHECK && n->kind != CN_AND && n->kind != CN_OR))
		return;
	if (!memo_of[id])
		memo_of[id] = (uint32_t)++rs->compiled.nmemos;
	n->memo = memo_of[id];
}

/* ---- cost and likelihood estimates ---- */

/* Relative cost of reading an operand. */
static uint32_t opnd_cost(const struct vg_cexpr *e)
{
	uint32_t c = 0;

	switch (e->kind) {
	case CX_CONST: return 0;
	case CX_CAPTURE: return 1;
	case CX_FIELD:
		if (!e->ref.def->extract)
			return 0; /* not live: always missing */
		/* every ancestor, each a table lookup; built text */
		if ((e->ref.def->flags & VG_FF_ANY) && e->ref.index < 0)
			return 16;
		return e->ref.def->flags & VG_FF_BUILT ? 6 : 2;
	case CX_XFORM:
		for (size_t i = 0; i < e->nargs; i++)
			c += opnd_cost(e->args[i]);
		return c + 6;
	}
	return c;
}

static uint32_t check_cost(const struct vg_cnode *n)
{
	return opnd_cost(n->lhs) + vg_op_info(n->op)->cost + (n->rhs ? opnd_cost(n->rhs) + 2 : 0) +
	       (n->mod ? (uint32_t)n->nvals : 0);
}

/* How likely a check is to hold, guessed from its operator (operators.c). */
static double check_ptrue(const struct vg_cnode *n)
{
	switch (vg_op_info(n->op)->likely) {
	case VG_OPL_USUAL: return 0.9;
	case VG_OPL_EVEN: return 0.5;
	default: return n->ltype == VG_FT_BOOL ? 0.5 : 0.1;
	}
}

/* ---- emission ---- */

/* What emitting a subtree left: nothing (decided for the type) or code. */
enum emitted { EM_FALSE, EM_TRUE, EM_CODE, EM_NOMEM };

/* Emitted code: where it sits, its expected cost and how likely it holds. */
struct seg {
	uint32_t at, end;
	double cost, ptrue;
};

struct emitter {
	struct vg_ruleset *rs;
	uint16_t type;	     /* the event type programs are for; 0: generic */
	uint32_t *first_use; /* per memo: 1 + the first rule emitted with it */
	uint32_t rule;	     /* 1 + the rule being emitted */
};

static bool push_insn(struct vg_ruleset *rs, const struct vg_cnode *n, uint8_t kind)
{
	if (!vg_grow(&rs->compiled.prog, &rs->compiled.cprog, rs->compiled.nprog + 1,
		     sizeof(*rs->compiled.prog)))
		return false;
	rs->compiled.prog[rs->compiled.nprog] =
		(struct vg_insn){.kind = kind, .negate = n->negate, .memo = n->memo, .n = n};
	rs->compiled.nprog++;
	return true;
}

/*
 * A shared subtree an earlier rule of the same program set uses costs
 * little: that rule has likely evaluated it for the event already.
 */
static double shared_cost(struct emitter *em, uint32_t memo, double cost)
{
	if (!memo)
		return cost;
	if (!em->first_use[memo])
		em->first_use[memo] = em->rule;
	return em->first_use[memo] < em->rule && cost > 1 ? 1 : cost;
}

/*
 * What running k first in an and (or an or) is worth: its cost per chance
 * of deciding the node there (an and stops at a false child, an or at a
 * true one), so that a cheap check that usually fails leads an and.
 */
static double rank(const struct seg *k, bool and)
{
	double decides = and? 1 - k->ptrue : k->ptrue;

	return (k->cost + 0.5) / (decides > 0.001 ? decides : 0.001);
}

/* Moves the children's code (after the node at `at`) into rank order. */
static bool order_kids(struct vg_ruleset *rs, uint32_t at, struct seg *kids, size_t nk, bool and)
{
	uint32_t from = at + 1, pos = from;
	struct vg_insn *tmp;

	for (size_t i = 1; i < nk; i++) {
		struct seg k = kids[i];
		size_t j = i;

		for (; j > 0 && rank(&kids[j - 1], and) > rank(&k, and); j--)
			kids[j] = kids[j - 1];
		kids[j] = k;
	}
	tmp = malloc((rs->compiled.nprog - from) * sizeof(*tmp));
	if (!tmp)
		return false;
	memcpy(tmp, rs->compiled.prog + from, (rs->compiled.nprog - from) * sizeof(*tmp));
	for (size_t i = 0; i < nk; i++) {
		uint32_t len = kids[i].end - kids[i].at;

		memcpy(rs->compiled.prog + pos, tmp + (kids[i].at - from), len * sizeof(*tmp));
		for (uint32_t k = pos; k < pos + len; k++)
			rs->compiled.prog[k].end = rs->compiled.prog[k].end - kids[i].at + pos;
		kids[i].end = pos + len;
		kids[i].at = pos;
		pos += len;
	}
	free(tmp);
	return true;
}

/* Drops the node at `at`, leaving its only child's code in its place. */
static void collapse(struct vg_ruleset *rs, uint32_t at)
{
	memmove(rs->compiled.prog + at, rs->compiled.prog + at + 1,
		(rs->compiled.nprog - at - 1) * sizeof(*rs->compiled.prog));
	rs->compiled.nprog--;
	for (uint32_t k = at; k < rs->compiled.nprog; k++)
		rs->compiled.prog[k].end--;
}

static enum emitted emit_node(struct emitter *em, const struct vg_cnode *n, struct seg *out);

/* An and's or an or's children, the node itself already at `at`. */
static enum emitted emit_kids(struct emitter *em, const struct vg_cnode *n, uint32_t at,
			      struct seg *out)
{
	struct vg_ruleset *rs = em->rs;
	bool and = n->kind == CN_AND;
	enum emitted r = EM_CODE;
	struct seg *kids = malloc(n->nkids * sizeof(*kids));
	double open = 1; /* the chance that the children so far left the node undecided */
	size_t nk = 0;

	if (!kids)
		return EM_NOMEM;
	for (size_t i = 0; i < n->nkids && r == EM_CODE; i++) {
		enum emitted k = emit_node(em, n->kids[i], &kids[nk]);

		if (k == EM_CODE)
			nk++;
		else if (k == EM_NOMEM || (k == EM_TRUE) != and)
			r = k; /* out of memory, or decides the node: a false child of an and */
	}
	if (r == EM_CODE && !nk)
		r = and? EM_TRUE : EM_FALSE; /* every child was neutral */
	if (r == EM_CODE && nk > 1 && !order_kids(rs, at, kids, nk, and))
		r = EM_NOMEM;
	if (r != EM_CODE) {
		rs->compiled.nprog = at;
		free(kids);
		return r;
	}
	rs->compiled.prog[at].end = (uint32_t)rs->compiled.nprog;
	out->cost = 0;
	for (size_t i = 0; i < nk; i++) {
		out->cost += open * kids[i].cost;
		open *= and? kids[i].ptrue : 1 - kids[i].ptrue;
	}
	out->ptrue = and? open : 1 - open;
	if (nk == 1) {
		/* one child left: it is the node, and can take the node's memo */
		collapse(rs, at);
		if (!rs->compiled.prog[at].memo)
			rs->compiled.prog[at].memo = n->memo;
	}
	free(kids);
	return EM_CODE;
}

/*
 * Appends n's code for the emitter's event type, or says that n is decided
 * without code (its evt.type tests decide it). out: the code's extent,
 * expected cost and likelihood.
 */
static enum emitted emit_node(struct emitter *em, const struct vg_cnode *n, struct seg *out)
{
	struct vg_ruleset *rs = em->rs;
	uint32_t at = (uint32_t)rs->compiled.nprog;
	enum emitted r = EM_CODE;
	struct seg kid;

	if (n->kind == CN_EVTTYPE && em->type)
		return vg_evtset_has(&n->evts, em->type) != n->negate ? EM_TRUE : EM_FALSE;
	if (!push_insn(rs, n, (uint8_t)n->kind))
		return EM_NOMEM;
	switch (n->kind) {
	case CN_EVTTYPE:
		out->cost = 0;
		out->ptrue = 0.5;
		break;
	case CN_CHECK:
		out->cost = check_cost(n);
		out->ptrue = check_ptrue(n);
		break;
	case CN_NOT:
		r = emit_node(em, n->kids[0], &kid);
		if (r == EM_TRUE || r == EM_FALSE)
			r = r == EM_TRUE ? EM_FALSE : EM_TRUE;
		else if (r == EM_CODE)
			*out = (struct seg){.cost = kid.cost, .ptrue = 1 - kid.ptrue};
		break;
	case CN_AND:
	case CN_OR: r = emit_kids(em, n, at, out); break;
	}
	if (r != EM_CODE) {
		rs->compiled.nprog = at;
		return r;
	}
	out->at = at;
	out->end = (uint32_t)rs->compiled.nprog;
	rs->compiled.prog[at].end = out->end;
	out->cost = shared_cost(em, rs->compiled.prog[at].memo, out->cost);
	return EM_CODE;
}

/* A rule's code at the end of the program; EM_FALSE when it cannot match the type. */
static enum emitted emit_rule(struct emitter *em, const struct vg_rule *r)
{
	struct seg s;
	enum emitted e;

	em->rule = r->order + 1;
	e = emit_node(em, r->root, &s);
	if (e != EM_TRUE)
		return e;
	/* holds for every event of the type: one insn that says so */
	if (!push_insn(em->rs, r->root, VG_INSN_TRUE))
		return EM_NOMEM;
	em->rs->compiled.prog[em->rs->compiled.nprog - 1].memo = 0;
	em->rs->compiled.prog[em->rs->compiled.nprog - 1].end = (uint32_t)em->rs->compiled.nprog;
	return EM_CODE;
}

static void clear_memos(struct vg_cnode *n)
{
	n->memo = 0;
	for (size_t i = 0; i < n->nkids; i++)
		clear_memos(n->kids[i]);
}

static bool share(struct vg_ruleset *rs)
{
	struct key_tab t = {0};
	uint32_t *memo_of;
	bool ok = true;

	for (size_t i = 0; i < rs->compiled.nrules && ok; i++)
		ok = key_ids(&t, rs->compiled.rules[i]->root);
	memo_of = ok ? calloc(t.n ? t.n : 1, sizeof(*memo_of)) : NULL;
	if (memo_of) {
		for (size_t i = 0; i < rs->compiled.nrules; i++)
			assign_memos(rs, &t, memo_of, rs->compiled.rules[i]->root);
	} else {
		ok = false;
	}
	free(memo_of);
	key_tab_free(&t);
	return ok;
}

/* ---- index by event type ---- */

/*
 * The rule's program at root, and the memos of up to VG_GUARDS of its
 * top-level "and" children (in the order they run): subtrees other rules
 * share, such as an inlined macro. When an earlier rule of the event has
 * found one false, this rule cannot match and is skipped without touching
 * its program, most of the work for the many rules that begin with the
 * same macro.
 */
static void set_guards(const struct vg_ruleset *rs, uint32_t root, uint32_t *out)
{
	const struct vg_insn *in = &rs->compiled.prog[root];
	size_t n = 0;

	out[0] = root;
	if (in->memo)
		out[1 + n++] = in->memo;
	if (in->kind != CN_AND)
		return;
	for (uint32_t k = root + 1; k < in->end && n < VG_GUARDS; k = rs->compiled.prog[k].end)
		if (rs->compiled.prog[k].memo)
			out[1 + n++] = rs->compiled.prog[k].memo;
}

/* The enabled rules of type t, each with its program for t. */
static bool index_type(struct emitter *em, uint16_t t)
{
	struct vg_ruleset *rs = em->rs;
	size_t n = 0;

	for (size_t i = 0; i < rs->compiled.nrules; i++)
		n += rs->compiled.rules[i]->enabled &&
		     vg_evtset_has(&rs->compiled.rules[i]->evts, t);
	if (!n)
		return true;
	rs->compiled.by_type[t] = calloc(n, sizeof(*rs->compiled.by_type[t]));
	rs->compiled.by_type_prog[t] =
		calloc(n * (VG_GUARDS + 1), sizeof(*rs->compiled.by_type_prog[t]));
	if (!rs->compiled.by_type[t] || !rs->compiled.by_type_prog[t])
		return false;
	em->type = t;
	memset(em->first_use, 0, (rs->compiled.nmemos + 1) * sizeof(*em->first_use));
	for (size_t i = 0; i < rs->compiled.nrules; i++) {
		struct vg_rule *r = rs->compiled.rules[i];
		uint32_t root = (uint32_t)rs->compiled.nprog;
		enum emitted e;

		if (!r->enabled || !vg_evtset_has(&r->evts, t))
			continue;
		e = emit_rule(em, r);
		if (e == EM_NOMEM)
			return false;
		if (e == EM_FALSE)
			continue; /* every branch that could match is for other types */
		set_guards(
			rs, root,
			&rs->compiled.by_type_prog[t][rs->compiled.nby_type[t] * (VG_GUARDS + 1)]);
		rs->compiled.by_type[t][rs->compiled.nby_type[t]++] = r;
	}
	return true;
}

void vg_program_free_index(struct vg_ruleset *rs)
{
	for (uint16_t t = 0; t < VG_EVT_COUNT; t++) {
		free(rs->compiled.by_type[t]);
		free(rs->compiled.by_type_prog[t]);
		vg_keys_free(rs->compiled.keys[t]);
		rs->compiled.by_type[t] = NULL;
		rs->compiled.by_type_prog[t] = NULL;
		rs->compiled.keys[t] = NULL;
		rs->compiled.nby_type[t] = 0;
	}
	free(rs->ev.candidates);
	rs->ev.candidates = NULL;
}

bool vg_program_index(struct vg_ruleset *rs)
{
	struct emitter em = {.rs = rs};
	size_t most = 0;
	bool ok;

	vg_program_free_index(rs);
	vg_evtset_clear(&rs->compiled.all_types);
	/* a sequence's earlier steps follow the rule, whatever selected them by name */
	for (size_t i = 0; i < rs->compiled.nrules; i++)
		if (rs->compiled.rules[i]->seq && rs->compiled.rules[i]->seq->owner)
			rs->compiled.rules[i]->enabled = rs->compiled.rules[i]->seq->owner->enabled;
	for (size_t i = 0; i < rs->compiled.nrules; i++)
		if (rs->compiled.rules[i]->enabled)
			vg_evtset_union(&rs->compiled.all_types, &rs->compiled.rules[i]->evts);
	rs->compiled.nprog = rs->compiled.ngeneric; /* the previous index's programs */
	em.first_use = calloc(rs->compiled.nmemos + 1, sizeof(*em.first_use));
	ok = em.first_use != NULL;
	for (uint16_t t = 1; t < VG_EVT_COUNT && ok; t++) {
		ok = index_type(&em, t) && (!rs->compiled.nby_type[t] || vg_keys_build(rs, t));
		if (rs->compiled.nby_type[t] > most)
			most = rs->compiled.nby_type[t];
	}
	free(em.first_use);
	rs->ev.candidates = calloc((most + 63) / 64 + 1, sizeof(*rs->ev.candidates));
	return ok && rs->ev.candidates;
}

bool vg_program_build(struct vg_ruleset *rs)
{
	struct emitter em = {.rs = rs};

	if (!share(rs)) {
		/* out of memory: no sharing, which only costs time; key ids may be left in ->memo
		 */
		for (size_t i = 0; i < rs->compiled.nrules; i++)
			clear_memos(rs->compiled.rules[i]->root);
		rs->compiled.nmemos = 0;
	}
	em.first_use = calloc(rs->compiled.nmemos + 1, sizeof(*em.first_use));
	if (!em.first_use)
		return false;
	for (size_t i = 0; i < rs->compiled.nrules; i++) {
		rs->compiled.rules[i]->prog = (uint32_t)rs->compiled.nprog;
		/* generic programs keep their evt.type tests: always code, but for OOM */
		if (emit_rule(&em, rs->compiled.rules[i]) != EM_CODE) {
			free(em.first_use);
			return false;
		}
	}
	free(em.first_use);
	rs->compiled.ngeneric = rs->compiled.nprog;
	return vg_program_index(rs);
}
