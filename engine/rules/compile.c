// SPDX-License-Identifier: Apache-2.0
/*
 * Condition trees: an AST whose macros are inlined becomes an evaluation
 * tree of checks (operator, compiled operands, parsed constants) under
 * and/or/not, flattened where inlining nested them. Apart from the rest of
 * the compiler because this is where operators are handled: what each
 * operator accepts and how its right-hand side is prepared.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/compile_ctx.h"

/* ---- diagnostics at a position in a condition ---- */

/* Where a node's condition text came from, as file:line:col. */
static void src_loc(const struct vg_cond_src *src, uint32_t pos, const char **file, int *line,
		    int *col)
{
	const struct vg_textmap *m = src ? src->loc_ctx : NULL;

	*file = NULL;
	*line = *col = 0;
	if (m)
		vg_textmap_loc(m, pos, src->text, file, line, col);
}

__attribute__((format(printf, 6, 7))) void vg_cdiag(struct vg_cctx *c, enum vg_diag_level lvl,
						    const struct vg_cond_src *src, uint32_t pos,
						    const char *code, const char *fmt, ...)
{
	char msg[600], item[300];
	const char *file;
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	src_loc(src, pos, &file, &line, &col);
	if (!src && c->loc)
		vg_scalar_linecol(c->loc, &file, &line, &col);
	snprintf(item, sizeof(item), "%s:%s", c->kind, c->name);
	if (src && src->item && strcmp(src->item, c->name) != 0)
		vg_diag_add(&c->rs->diags, lvl, code, file, line, col, item, "%s (in macro '%s')",
			    msg, src->item);
	else
		vg_diag_add(&c->rs->diags, lvl, code, file, line, col, item, "%s", msg);
}

/* ---- checks ---- */

void vg_cnode_free(struct vg_cnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		vg_cnode_free(n->kids[i]);
	free(n->kids);
	vg_cexpr_free(n->lhs);
	vg_cexpr_free(n->rhs);
	free(n->vals);
	for (size_t i = 0; i < n->nowned; i++)
		free(n->owned[i]);
	free(n->owned);
	vg_strset_free(&n->set);
	if (n->md)
		pcre2_match_data_free(n->md);
	if (n->re)
		pcre2_code_free(n->re);
	free(n);
}

static bool unknown_code(const char *code)
{
	return strcmp(code, "E-UNKNOWN-FIELD") == 0;
}

static bool is_list_field(const struct vg_cexpr *e)
{
	return e->kind == CX_FIELD && (e->ref.def->flags & VG_FF_LIST);
}

/* The one branch evaluation takes per value of the check (enum vg_fast in compiled.h). */
static enum vg_fast vg_cnode_fast(const struct vg_cnode *n)
{
	bool str = vg_is_stringish(n->ltype);

	/* a list field "in" a set needs all its values in it: the general path */
	if (n->rhs || !n->nvals || (n->op == VG_OP_IN && n->lall))
		return VG_FAST_ANY;
	if (n->mod) {
		/* anyof and oneof hold when one constant does; allof takes the general path */
		if (n->mod == VG_MOD_ALLOF || !str)
			return VG_FAST_ANY;
		switch (n->op) {
		case VG_OP_STARTSWITH:
		case VG_OP_BSTARTSWITH: return VG_FAST_ANYOF_PREFIX;
		case VG_OP_CONTAINS:
		case VG_OP_BCONTAINS: return VG_FAST_ANYOF_CONTAINS;
		case VG_OP_ICONTAINS: return VG_FAST_ANYOF_ICONTAINS;
		default: return VG_FAST_ANY;
		}
	}
	if (str && (n->op == VG_OP_IN || n->op == VG_OP_INTERSECTS))
		return VG_FAST_SET;
	if (str) {
		switch (n->op) {
		case VG_OP_EQ: return VG_FAST_EQ;
		case VG_OP_STARTSWITH:
		case VG_OP_BSTARTSWITH: return VG_FAST_PREFIX;
		case VG_OP_ENDSWITH: return VG_FAST_SUFFIX;
		case VG_OP_CONTAINS:
		case VG_OP_BCONTAINS: return VG_FAST_CONTAINS;
		case VG_OP_ICONTAINS: return VG_FAST_ICONTAINS;
		default: return VG_FAST_ANY;
		}
	}
	/* integers (not addresses, networks or doubles): equal whatever the signedness */
	if ((n->op == VG_OP_EQ || n->op == VG_OP_IN || n->op == VG_OP_INTERSECTS) &&
	    n->ltype != VG_FT_IPADDR && n->ltype != VG_FT_IPNET && n->ltype != VG_FT_DOUBLE)
		return VG_FAST_NUM_EQ;
	return VG_FAST_ANY;
}

/*
 * A constant the field may hold as written (not a pattern, bytes or a
 * directory): what fields that learn their constants (fd.*ip.name) take.
 */
static bool literal_const(enum vg_op op)
{
	enum vg_op_consts k = vg_op_info(op)->consts;

	return k == VG_OPC_TEXT || k == VG_OPC_LOWER;
}

static struct vg_cnode *compile_check(struct vg_cctx *c, const struct vg_ast *a)
{
	const struct vg_op_info *op = vg_op_info(a->op);
	struct vg_cnode *n;
	const char *code = "E-COMPILE";
	char err[300] = "";
	unsigned d1 = 0, d2 = 0;
	enum vg_ftype t;

	if (vg_is_evttype_check(a))
		return vg_compile_evttype(c, a);
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = CN_CHECK;
	n->op = a->op;
	n->lhs = vg_compile_opnd(c->rs, a->lhs, &code, err, sizeof(err), &d1);
	if (!n->lhs) {
		if (unknown_code(code))
			c->unknown_hit = true;
		if (!unknown_code(code) || !c->skip_unknown)
			vg_cdiag(c, VG_DIAG_ERROR, a->src, a->lhs->pos, code, "%s", err);
		goto fail;
	}
	t = n->lhs->type;
	if (is_list_field(n->lhs) && !op->on_list_field) {
		vg_cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-TYPE-OP",
			 "list field '%s' supports only exists, in and intersects", n->lhs->text);
		goto fail;
	}
	if (!vg_op_accepts(a->op, t)) {
		vg_cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-TYPE-OP",
			 "operator '%s' cannot be used on '%s' of type %s", vg_op_name(a->op),
			 n->lhs->text, vg_ftype_name(t));
		goto fail;
	}
	if (op->rhs == VG_OPR_NONE)
		goto done;
	n->mod = a->mod;
	if (a->mod && (!op->modifier || a->rhs->kind == VG_OPND_XFORM || t == VG_FT_IPADDR ||
		       t == VG_FT_IPNET || t == VG_FT_DOUBLE)) {
		vg_cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-TYPE-OP",
			 "'%s' with a list modifier needs a list of constants%s%s",
			 vg_op_name(a->op), op->modifier ? "" : " and is not supported for ",
			 op->modifier ? "" : vg_op_name(a->op));
		goto fail;
	}
	if (a->rhs->kind == VG_OPND_XFORM) {
		n->rhs = vg_compile_opnd(c->rs, a->rhs, &code, err, sizeof(err), &d2);
		if (!n->rhs) {
			if (unknown_code(code))
				c->unknown_hit = true;
			if (!unknown_code(code) || !c->skip_unknown)
				vg_cdiag(c, VG_DIAG_ERROR, a->src, a->rhs->pos, code, "%s", err);
			goto fail;
		}
		if (vg_ftype_is_numeric(t) != vg_ftype_is_numeric(n->rhs->type) ||
		    vg_is_stringish(t) != vg_is_stringish(n->rhs->type)) {
			vg_cdiag(c, VG_DIAG_ERROR, a->src, a->rhs->pos, "E-TYPE-VALUE",
				 "'%s' (%s) cannot be compared with '%s' (%s)", n->lhs->text,
				 vg_ftype_name(t), n->rhs->text, vg_ftype_name(n->rhs->type));
			goto fail;
		}
		if (op->consts_only) {
			vg_cdiag(c, VG_DIAG_ERROR, a->src, a->rhs->pos, "E-TYPE-VALUE",
				 "operator '%s' needs constant values", vg_op_name(a->op));
			goto fail;
		}
		goto done;
	}
	n->vals = calloc(a->rhs->nitems ? a->rhs->nitems : 1, sizeof(*n->vals));
	if (!n->vals)
		goto nomem;
	for (size_t i = 0; i < a->rhs->nitems; i++) {
		const struct vg_ast_item *it = &a->rhs->items[i];
		char *s = vg_strndup0(it->s, it->len);
		struct vg_ast_item copy = *it;

		if (!s || !vg_cnode_own(n, s))
			goto nomem;
		copy.s = s;
		if (!vg_parse_const(n, &copy, t, &n->vals[i], &code, err, sizeof(err))) {
			vg_cdiag(c, VG_DIAG_ERROR, a->src, it->pos, code[0] ? code : "E-VALUE",
				 "%s", err[0] ? err : "out of memory");
			goto fail;
		}
		n->nvals = i + 1;
		/* some fields need their constants: fd.*ip.name resolves the names */
		if (n->lhs->kind == CX_FIELD &&
		    !vg_field_learn(&c->rs->ev.env, &n->lhs->ref, literal_const(a->op), s, it->len))
			goto nomem;
	}
	if (vg_is_stringish(t) && (vg_op_is_list(a->op))) {
		for (size_t i = 0; i < n->nvals; i++)
			if (!vg_strset_add(&n->set, n->vals[i].s, n->vals[i].len))
				goto nomem;
	}
	if (op->consts == VG_OPC_PATTERN &&
	    !vg_compile_regex(n, n->vals[0].s, n->vals[0].len, err, sizeof(err))) {
		vg_cdiag(c, VG_DIAG_ERROR, a->src, a->rhs->pos, "E-REGEX", "%s", err);
		goto fail;
	}
done:
	n->lslot = n->lhs->kind == CX_FIELD ? n->lhs->slot : UINT32_MAX;
	n->ltype = n->lhs->type;
	n->lall = is_list_field(n->lhs);
	n->fast = (uint8_t)vg_cnode_fast(n);
	if (d1 > c->depth)
		c->depth = d1;
	if (d2 > c->depth)
		c->depth = d2;
	return n;
nomem:
	vg_cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-NOMEM", "out of memory");
fail:
	vg_cnode_free(n);
	return NULL;
}

/*
 * Macro inlining nests "and" in "and" and "or" in "or"; the compiled tree
 * is flattened so that evaluation walks one level where the text had many.
 */
static bool adopt(struct vg_cnode *n, struct vg_cnode *k, size_t *cap)
{
	size_t need = n->nkids + (k->kind == n->kind ? k->nkids : 1);
	struct vg_cnode **v;

	if (need > *cap) {
		v = realloc(n->kids, need * 2 * sizeof(*v));
		if (!v)
			return false;
		n->kids = v;
		*cap = need * 2;
	}
	if (k->kind != n->kind) {
		n->kids[n->nkids++] = k;
		return true;
	}
	for (size_t i = 0; i < k->nkids; i++)
		n->kids[n->nkids++] = k->kids[i];
	k->nkids = 0;
	vg_cnode_free(k);
	return true;
}

struct vg_cnode *vg_compile_node(struct vg_cctx *c, const struct vg_ast *a)
{
	struct vg_cnode *n, *k;
	size_t cap = 0;

	switch (a->kind) {
	case VG_AST_CHECK: return compile_check(c, a);
	case VG_AST_MACRO:
		vg_cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-UNDEFINED-MACRO",
			 "undefined macro '%s'", a->name);
		return NULL;
	default: break;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = a->kind == VG_AST_AND ? CN_AND : a->kind == VG_AST_OR ? CN_OR : CN_NOT;
	for (size_t i = 0; i < a->nkids; i++) {
		k = vg_compile_node(c, a->kids[i]);
		if (!k) {
			vg_cnode_free(n);
			return NULL;
		}
		if (n->kind == CN_NOT && k->kind == CN_NOT) {
			/* not not x: x */
			struct vg_cnode *x = k->kids[0];

			k->nkids = 0;
			vg_cnode_free(k);
			free(n);
			return x;
		}
		if (!adopt(n, k, &cap)) {
			vg_cnode_free(k);
			vg_cnode_free(n);
			return NULL;
		}
	}
	return n;
}
