/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the parts of the ruleset compiler share: the context of the item
 * being compiled (for its diagnostics), the size of an inlined tree, and
 * each part's entry points. The compiler is split by stage -- list and
 * macro expansion (expand.c), exceptions to condition text
 * (exception_text.c), operands and field binding (operand_compile.c),
 * constants (const_parse.c), evt.type checks and a rule's event types
 * (evttype_compile.c), condition trees (compile.c), output appends
 * (output_append.c), rules and the ruleset (ruleset_compile.c), the
 * per-event state it sizes (eval_state.c) -- and this header is private
 * to those files. What callers read from a compiled ruleset is in
 * rule_access.c.
 */
#ifndef VIGIL_RULES_COMPILE_CTX_H
#define VIGIL_RULES_COMPILE_CTX_H

#include "rules/rules_internal.h"

/* ---- diagnostics at a position in a condition (compile.c) ---- */

struct vg_cctx {
	struct vg_ruleset *rs;
	const char *kind, *name;       /* the item being compiled */
	const struct vg_cond_src *src; /* its condition */
	bool skip_unknown;
	bool unknown_hit; /* an unknown field / event type (for skip-if-unknown-filter) */
	const struct vg_scalar_loc *loc; /* the item, for messages about no position */
	unsigned depth;			 /* deepest transformer nesting seen */
};

/* An error or warning at pos in src (or at the item when src is NULL), naming c's item. */
__attribute__((format(printf, 6, 7))) void vg_cdiag(struct vg_cctx *c, enum vg_diag_level lvl,
						    const struct vg_cond_src *src, uint32_t pos,
						    const char *code, const char *fmt, ...);

/* An AST (macros inlined) to an evaluation tree; NULL after a diagnostic. */
struct vg_cnode *vg_compile_node(struct vg_cctx *c, const struct vg_ast *a);

/* ---- lists and macros (expand.c) ---- */

/* What inlining a tree builds: its size, height and macro nesting. */
struct vg_xsize {
	uint64_t nodes; /* AST nodes and list items */
	uint32_t height;
	uint32_t chain;		    /* macros nested, the outermost included */
	struct vg_macro_item *via;  /* the macro named in it that weighs most */
	const struct vg_ast *where; /* where that macro is named */
};

/* Expands the lists a list names (E-EXPANSION past the bounds). */
bool vg_expand_list(struct vg_ruleset *rs, struct vg_list_item *l, int depth);
/* Parses a condition and replaces list names by their items. */
struct vg_ast *vg_parse_cond(struct vg_cctx *c, const char *text, const struct vg_cond_src *src);
/* Measures what inlining the macros of n would build, without building it. */
bool vg_measure(struct vg_cctx *c, const struct vg_ast *n, uint32_t visibility, unsigned nesting,
		struct vg_xsize *out);
/* Checks a measured tree against the bounds, with a diagnostic naming the macro chain. */
bool vg_within_bounds(struct vg_cctx *c, const struct vg_xsize *x, const struct vg_cond_src *src);
/* Counts a tree about to be built against the ruleset's totals. */
void vg_account(struct vg_ruleset *rs, const struct vg_xsize *x);
/* Inlines the macros of *np (measured and within the bounds before). */
bool vg_inline_macros(struct vg_cctx *c, struct vg_ast **np, uint32_t visibility);
/* Measures a macro and builds its inlined tree when within the bounds. */
bool vg_resolve_macro(struct vg_cctx *outer, struct vg_macro_item *m, unsigned nesting);

/* ---- exceptions (exception_text.c) ---- */

/* The rule's condition with its exceptions, as Falco glues them, and its location map. */
char *vg_rule_cond_text(struct vg_rule_item *it, struct vg_textmap *map, bool *bad);

/* ---- constants (const_parse.c) ---- */

/* Keeps s (freed with n); frees s and returns false when out of memory. */
bool vg_cnode_own(struct vg_cnode *n, char *s);
/* One constant, parsed to the type t the left-hand side yields, for n's operator. */
bool vg_parse_const(struct vg_cnode *n, const struct vg_ast_item *it, enum vg_ftype t,
		    struct vg_cval *v, const char **code, char *err, size_t errlen);
/* A regex constant, anchored at both ends as libsinsp's. */
bool vg_compile_regex(struct vg_cnode *n, const char *pat, size_t len, char *err, size_t errlen);

/* ---- event types (evttype_compile.c) ---- */

/* evt.type = / != / in with constants: compiled to a set test on event-type codes. */
bool vg_is_evttype_check(const struct vg_ast *a);
struct vg_cnode *vg_compile_evttype(struct vg_cctx *c, const struct vg_ast *a);
/* The event types for which n (negated when neg) can be true. */
void vg_node_evttypes(const struct vg_cnode *n, bool neg, struct vg_evtset *out);

/* ---- a rule's output (output_append.c) ---- */

/* Appends append_output's and -p's text to r->output; *own: the rule's own length. */
bool vg_rule_append_output(const struct vg_ruleset *rs, struct vg_rule *r, size_t *own);
/* append_output's extra_fields for r, then its output_fields order. */
bool vg_rule_compile_extras(struct vg_ruleset *rs, struct vg_rule *r, struct vg_rule_item *it);

/* ---- per-event state (eval_state.c) ---- */

/* Allocates the per-event caches and scratch, once every rule is compiled. */
bool vg_eval_state_setup(struct vg_ruleset *rs);

#endif
