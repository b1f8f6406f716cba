/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Condition AST, as libsinsp shapes it: and/or with n children, not, a
 * bare identifier (a macro reference, inlined by the compiler), and checks
 * "lhs op [rhs]". Operands are fields, transformers over operands, values
 * and list literals. Every node keeps the byte offset of its first
 * character in the condition text and a pointer to where that text came
 * from, so diagnostics survive macro inlining.
 */
#ifndef VIGIL_RULES_AST_H
#define VIGIL_RULES_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/operators.h"

enum vg_ast_kind {
	VG_AST_AND,
	VG_AST_OR,
	VG_AST_NOT,
	VG_AST_MACRO, /* bare identifier */
	VG_AST_CHECK,
};

/* List modifiers of string operators: "startswith anyof (a, b)". */
enum vg_mod {
	VG_MOD_NONE,
	VG_MOD_ONEOF, /* vigil reads it as anyof: the operator holds for some value */
	VG_MOD_ANYOF,
	VG_MOD_ALLOF, /* the operator holds for every value */
};

enum vg_xform {
	VG_XF_TOLOWER,
	VG_XF_TOUPPER,
	VG_XF_B64,
	VG_XF_BASENAME,
	VG_XF_LEN,
	VG_XF_JOIN,
	VG_XF_CONCAT,
	VG_XF_GETOPT,
	VG_XF_VAL, /* val(field): the RHS is another field's value */
	VG_XF__COUNT,
};

enum vg_opnd_kind {
	VG_OPND_FIELD,
	VG_OPND_XFORM,
	VG_OPND_VALUE,
	VG_OPND_LIST,
};

struct vg_ast_item {
	char *s;
	size_t len;
	bool quoted; /* quoted items are never list names */
	uint32_t pos;
};

struct vg_ast_opnd {
	enum vg_opnd_kind kind;
	uint32_t pos;
	/* FIELD: name and optional argument ([x] or .x) */
	char *name;
	char *arg;
	/* XFORM */
	enum vg_xform xf;
	struct vg_ast_opnd **args;
	size_t nargs;
	/* VALUE: one item; LIST: nitems items */
	struct vg_ast_item *items;
	size_t nitems;
	/* LIST written as a bare name after a list operator ("in mylist") */
	bool bare_ref;
};

/* Where a condition came from: filled by the loader, shared by all nodes. */
struct vg_cond_src {
	const char *item; /* rule or macro name */
	const char *text; /* the condition as parsed */
	size_t len;
	void *loc_ctx; /* loader data to map offsets to file:line:col */
};

struct vg_ast {
	enum vg_ast_kind kind;
	uint32_t pos;
	const struct vg_cond_src *src;
	/* AND / OR / NOT */
	struct vg_ast **kids;
	size_t nkids;
	/* MACRO */
	char *name;
	/* CHECK */
	struct vg_ast_opnd *lhs;
	enum vg_op op;
	enum vg_mod mod;
	struct vg_ast_opnd *rhs; /* NULL for exists */
};

const char *vg_xform_name(enum vg_xform xf);

void vg_ast_free(struct vg_ast *n);
void vg_ast_opnd_free(struct vg_ast_opnd *o);
struct vg_ast *vg_ast_clone(const struct vg_ast *n);
struct vg_ast_opnd *vg_ast_opnd_clone(const struct vg_ast_opnd *o);

/*
 * Canonical text of the tree, for tests and `vigil rules`: re-parsable,
 * values always double-quoted. Returns a malloc'd string or NULL.
 */
char *vg_ast_to_string(const struct vg_ast *n);

#endif
