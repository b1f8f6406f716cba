// SPDX-License-Identifier: Apache-2.0
/*
 * Event types: evt.type checks compile to set tests on event-type codes,
 * and a rule's compiled tree gives the event types it can match, as
 * Falco's evttype resolver derives them; the index by event type
 * (program.c) is built from those sets.
 */
#include <string.h>

#include "rules/compile_ctx.h"

/* evt.type = x / != x / in (...) becomes a set test on event-type codes. */
struct vg_cnode *vg_compile_evttype(struct vg_cctx *c, const struct vg_ast *a)
{
	struct vg_cnode *n = calloc(1, sizeof(*n));
	const struct vg_ast_opnd *r = a->rhs;

	if (!n)
		return NULL;
	n->kind = CN_EVTTYPE;
	n->negate = vg_op_info(a->op)->negated;
	for (size_t i = 0; i < r->nitems; i++) {
		uint16_t code = vg_evttype_code(r->items[i].s, r->items[i].len);

		if (!code) {
			c->unknown_hit = true;
			if (!c->skip_unknown)
				vg_cdiag(c, VG_DIAG_ERROR, a->src, r->items[i].pos,
					 "E-UNKNOWN-EVTTYPE", "unknown event type '%s'",
					 r->items[i].s);
			vg_cnode_free(n);
			return NULL;
		}
		vg_evtset_add(&n->evts, code);
	}
	return n;
}

/* =, !=, in, intersects: the value is (or is not) one of the literals. */
static bool is_membership(enum vg_op op)
{
	const struct vg_op_info *o = vg_op_info(op);

	if (o->negated)
		o = vg_op_info(o->positive);
	return o->key == VG_OPS_EXACT;
}

bool vg_is_evttype_check(const struct vg_ast *a)
{
	return a->mod == VG_MOD_NONE && a->lhs->kind == VG_OPND_FIELD &&
	       strcmp(a->lhs->name, "evt.type") == 0 && !a->lhs->arg && a->rhs &&
	       (a->rhs->kind == VG_OPND_VALUE || a->rhs->kind == VG_OPND_LIST) &&
	       is_membership(a->op);
}

/* ---- event types, as Falco's evttype resolver derives them ---- */

/* The event types for which n (negated when neg) can be true. */
void vg_node_evttypes(const struct vg_cnode *n, bool neg, struct vg_evtset *out)
{
	struct vg_evtset k;

	switch (n->kind) {
	case CN_EVTTYPE:
		*out = n->evts;
		if (n->negate != neg)
			vg_evtset_complement(out);
		return;
	case CN_NOT: vg_node_evttypes(n->kids[0], !neg, out); return;
	case CN_AND:
	case CN_OR:
		/* De Morgan: a negated "and" is an "or" of negated children */
		if ((n->kind == CN_AND) != neg) {
			vg_evtset_clear(out);
			vg_evtset_fill(out);
			for (size_t i = 0; i < n->nkids; i++) {
				vg_node_evttypes(n->kids[i], neg, &k);
				vg_evtset_intersect(out, &k);
			}
		} else {
			vg_evtset_clear(out);
			for (size_t i = 0; i < n->nkids; i++) {
				vg_node_evttypes(n->kids[i], neg, &k);
				vg_evtset_union(out, &k);
			}
		}
		return;
	default:
		/* any other check may hold for every type, negated or not */
		vg_evtset_clear(out);
		vg_evtset_fill(out);
		return;
	}
}
