// SPDX-License-Identifier: Apache-2.0
/* Condition AST helpers: names, free, clone, print. */
#include "rules/ast.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static const char *const xf_names[VG_XF__COUNT] = {
	[VG_XF_TOLOWER] = "tolower",   [VG_XF_TOUPPER] = "toupper", [VG_XF_B64] = "b64",
	[VG_XF_BASENAME] = "basename", [VG_XF_LEN] = "len",	    [VG_XF_JOIN] = "join",
	[VG_XF_CONCAT] = "concat",     [VG_XF_GETOPT] = "getopt",   [VG_XF_VAL] = "val",
};

const char *vg_xform_name(enum vg_xform xf)
{
	return (unsigned)xf < VG_XF__COUNT ? xf_names[xf] : "?";
}

static void items_free(struct vg_ast_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i].s);
	free(items);
}

void vg_ast_opnd_free(struct vg_ast_opnd *o)
{
	if (!o)
		return;
	free(o->name);
	free(o->arg);
	for (size_t i = 0; i < o->nargs; i++)
		vg_ast_opnd_free(o->args[i]);
	free(o->args);
	items_free(o->items, o->nitems);
	free(o);
}

void vg_ast_free(struct vg_ast *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		vg_ast_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	vg_ast_opnd_free(n->lhs);
	vg_ast_opnd_free(n->rhs);
	free(n);
}

static bool dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return true;
	*dst = strdup(src);
	return *dst != NULL;
}

struct vg_ast_opnd *vg_ast_opnd_clone(const struct vg_ast_opnd *o)
{
	struct vg_ast_opnd *c;

	if (!o)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->kind = o->kind;
	c->pos = o->pos;
	c->xf = o->xf;
	c->bare_ref = o->bare_ref;
	if (!dup_str(&c->name, o->name) || !dup_str(&c->arg, o->arg))
		goto fail;
	if (o->nargs) {
		c->args = calloc(o->nargs, sizeof(*c->args));
		if (!c->args)
			goto fail;
		for (; c->nargs < o->nargs; c->nargs++) {
			c->args[c->nargs] = vg_ast_opnd_clone(o->args[c->nargs]);
			if (!c->args[c->nargs])
				goto fail;
		}
	}
	if (o->nitems) {
		c->items = calloc(o->nitems, sizeof(*c->items));
		if (!c->items)
			goto fail;
		for (; c->nitems < o->nitems; c->nitems++) {
			struct vg_ast_item *d = &c->items[c->nitems];
			const struct vg_ast_item *s = &o->items[c->nitems];

			*d = *s;
			d->s = vg_strndup0(s->s, s->len);
			if (!d->s)
				goto fail;
		}
	}
	return c;
fail:
	vg_ast_opnd_free(c);
	return NULL;
}

struct vg_ast *vg_ast_clone(const struct vg_ast *n)
{
	struct vg_ast *c;

	if (!n)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->kind = n->kind;
	c->pos = n->pos;
	c->src = n->src;
	c->op = n->op;
	c->mod = n->mod;
	if (!dup_str(&c->name, n->name))
		goto fail;
	if (n->nkids) {
		c->kids = calloc(n->nkids, sizeof(*c->kids));
		if (!c->kids)
			goto fail;
		for (; c->nkids < n->nkids; c->nkids++) {
			c->kids[c->nkids] = vg_ast_clone(n->kids[c->nkids]);
			if (!c->kids[c->nkids])
				goto fail;
		}
	}
	if (n->lhs && !(c->lhs = vg_ast_opnd_clone(n->lhs)))
		goto fail;
	if (n->rhs && !(c->rhs = vg_ast_opnd_clone(n->rhs)))
		goto fail;
	return c;
fail:
	vg_ast_free(c);
	return NULL;
}

static void put_quoted(struct vg_sb *b, const char *s, size_t n)
{
	vg_sb_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '"': vg_sb_puts(b, "\\\""); break;
		case '\\': vg_sb_puts(b, "\\\\"); break;
		case '\n': vg_sb_puts(b, "\\n"); break;
		case '\r': vg_sb_puts(b, "\\r"); break;
		case '\t': vg_sb_puts(b, "\\t"); break;
		case '\b': vg_sb_puts(b, "\\b"); break;
		case '\f': vg_sb_puts(b, "\\f"); break;
		default: vg_sb_putc(b, s[i]);
		}
	}
	vg_sb_putc(b, '"');
}

static void print_opnd(struct vg_sb *b, const struct vg_ast_opnd *o)
{
	switch (o->kind) {
	case VG_OPND_FIELD:
		vg_sb_puts(b, o->name);
		if (o->arg) {
			vg_sb_putc(b, '[');
			put_quoted(b, o->arg, strlen(o->arg));
			vg_sb_putc(b, ']');
		}
		break;
	case VG_OPND_XFORM:
		vg_sb_printf(b, "%s(", vg_xform_name(o->xf));
		for (size_t i = 0; i < o->nargs; i++) {
			if (i)
				vg_sb_puts(b, ", ");
			print_opnd(b, o->args[i]);
		}
		vg_sb_putc(b, ')');
		break;
	case VG_OPND_VALUE:
		if (o->nitems)
			put_quoted(b, o->items[0].s, o->items[0].len);
		break;
	case VG_OPND_LIST:
		vg_sb_putc(b, '(');
		for (size_t i = 0; i < o->nitems; i++) {
			if (i)
				vg_sb_puts(b, ", ");
			put_quoted(b, o->items[i].s, o->items[i].len);
		}
		vg_sb_putc(b, ')');
		break;
	}
}

static void print_node(struct vg_sb *b, const struct vg_ast *n)
{
	switch (n->kind) {
	case VG_AST_AND:
	case VG_AST_OR:
		vg_sb_putc(b, '(');
		for (size_t i = 0; i < n->nkids; i++) {
			if (i)
				vg_sb_puts(b, n->kind == VG_AST_AND ? " and " : " or ");
			print_node(b, n->kids[i]);
		}
		vg_sb_putc(b, ')');
		break;
	case VG_AST_NOT:
		/*
		 * "not not x" parses as x (the parser cancels negations in a row):
		 * a negated negation, as "not(not x)" gives, keeps its parentheses
		 */
		vg_sb_puts(b, n->kids[0]->kind == VG_AST_NOT ? "not (" : "not ");
		print_node(b, n->kids[0]);
		if (n->kids[0]->kind == VG_AST_NOT)
			vg_sb_putc(b, ')');
		break;
	case VG_AST_MACRO: vg_sb_puts(b, n->name); break;
	case VG_AST_CHECK:
		print_opnd(b, n->lhs);
		vg_sb_printf(b, " %s", vg_op_name(n->op));
		if (n->mod)
			vg_sb_puts(b, n->mod == VG_MOD_ONEOF   ? " oneof"
				      : n->mod == VG_MOD_ANYOF ? " anyof"
							       : " allof");
		if (n->rhs && n->rhs->kind == VG_OPND_VALUE && n->rhs->nitems &&
		    vg_op_info(n->op)->rhs == VG_OPR_NUMBER) {
			/* numeric operators take a bare number, which cannot be quoted */
			vg_sb_printf(b, " %s", n->rhs->items[0].s);
		} else if (n->rhs) {
			vg_sb_putc(b, ' ');
			print_opnd(b, n->rhs);
		}
		break;
	}
}

char *vg_ast_to_string(const struct vg_ast *n)
{
	struct vg_sb b;

	vg_sb_init(&b);
	if (n)
		print_node(&b, n);
	return vg_sb_take(&b);
}
