/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ruleset's insides, shared by the loader (which collects items),
 * the compiler, the evaluator and the output formatter. Not a public
 * header: the lead's code uses loader.h, compile.h, eval.h and output.h.
 */
#ifndef VIGIL_RULES_INTERNAL_H
#define VIGIL_RULES_INTERNAL_H

#include "fields/registry.h"
#include "rules/ast.h"
#include "rules/compiled.h"
#include "rules/compile.h"
#include "rules/diag.h"
#include "rules/eval_state.h"
#include "kernel/evttypes.h"
#include "rules/rule_items.h"
#include "rules/seq.h"
#include "util/util.h"

/*
 * A ruleset is three lifetimes: the items read from YAML, the rules compiled
 * from them, and the state evaluating one event writes. Options,
 * diagnostics and the compiler's working context sit beside them.
 */
struct vg_ruleset {
	struct vg_ruleset_opts opts;
	struct vg_diags diags;
	struct vg_rule_items items;  /* rule_items.h */
	struct vg_compiled compiled; /* compiled.h */
	struct vg_eval_state ev;     /* eval_state.h */
	/* while compiling */
	bool in_output; /* compiling an output format: %container.info is allowed there */
	/* one rule: the fields it uses that vigil does not extract (warn mode) */
	char unextracted[256];
	struct vg_seq_cctx *seqc; /* the sequence being compiled (seq.h) */
};

/* Strings and byte buffers compare as bytes; the other types as numbers or addresses. */
static inline bool vg_is_stringish(enum vg_ftype t)
{
	return t == VG_FT_STRING || t == VG_FT_BYTES;
}

/* Lays out the compiled rules for evaluation and indexes them (program.c). */
bool vg_program_build(struct vg_ruleset *rs);
/* Indexes the enabled rules by event type again, after rules were switched on or off. */
bool vg_program_index(struct vg_ruleset *rs);
/* Frees the index by event type. */
void vg_program_free_index(struct vg_ruleset *rs);

/* ---- loader -> compiler helpers ---- */

/* Maps a byte offset in glued text to file:line:col. */
void vg_textmap_loc(const struct vg_textmap *m, size_t off, const char *text, const char **file,
		    int *line, int *col);
void vg_scalar_linecol(const struct vg_scalar_loc *l, const char **file, int *line, int *col);
bool vg_textmap_add(struct vg_textmap *m, size_t off, const struct vg_scalar_loc *loc);
void vg_textmap_free(struct vg_textmap *m);

/* Frees a compiled expression / node / rule (operand_compile.c, compile.c, ruleset_compile.c). */
void vg_cexpr_free(struct vg_cexpr *e);
void vg_cnode_free(struct vg_cnode *n);
void vg_rule_free(struct vg_rule *r);

/* Compiles an operand (used for output formats too). NULL on error, with *err set. */
struct vg_cexpr *vg_compile_opnd(struct vg_ruleset *rs, const struct vg_ast_opnd *o,
				 const char **errcode, char *err, size_t errlen, unsigned *depth);

/* Evaluates a value producer into x (eval.c); level indexes rs->pool for nested args. */
void vg_cexpr_eval(struct vg_ruleset *rs, const struct vg_cexpr *e, const struct vg_eval_ctx *ctx,
		   struct vg_xval *x, size_t level);
/*
 * The values of e: a field's come from its cache slot, anything else is
 * evaluated into tmp. Valid until the next check or output segment.
 */
const struct vg_xval *vg_cexpr_values(struct vg_ruleset *rs, const struct vg_cexpr *e,
				      const struct vg_eval_ctx *ctx, struct vg_xval *tmp,
				      size_t level);
/*
 * Makes ctx the event the per-event caches hold (eval.c). Returns true when
 * that started a new event, which the caller then ends with vg_eval_end.
 * Evaluation and the output functions use this, so that an alert's output
 * reuses what the rules extracted.
 */
bool vg_eval_begin(struct vg_ruleset *rs, const struct vg_eval_ctx *ctx);
void vg_eval_end(struct vg_ruleset *rs, bool started);
/* Resets the per-check transformer scratch; flushes the field cache when its arena fills. */
void vg_eval_check_start(struct vg_ruleset *rs);
/* Compile time (eval_state.c): the cache slot for a field and argument. */
bool vg_slot_assign(struct vg_ruleset *rs, struct vg_cexpr *e);
/* Frees what the compiler allocated for the per-event caches. */
void vg_eval_caches_free(struct vg_ruleset *rs);

/* Output format compile (output.c). */
bool vg_ofmt_compile(struct vg_ruleset *rs, const char *fmt, struct vg_ofmt *out,
		     const char **errcode, char *err, size_t errlen, size_t *errpos);
void vg_ofmt_free(struct vg_ofmt *f);

#endif
