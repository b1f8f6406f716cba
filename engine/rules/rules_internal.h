/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ruleset's insides, shared by the loader (which collects items),
 * the compiler, the evaluator and the output formatter. Not a public
 * header: the lead's code uses loader.h, compile.h, eval.h and output.h.
 */
#ifndef VIGIL_RULES_INTERNAL_H
#define VIGIL_RULES_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fields/registry.h"
#include "rules/ast.h"
#include "rules/compile.h"
#include "rules/diag.h"
#include "rules/evttypes.h"
#include "rules/seq.h"
#include "rules/util.h"

/* ---- where text came from ---- */

/* One loaded file, kept for mapping offsets to line:column. */
struct vg_srcfile {
	char *path;
	char *text;
	size_t len;
};

/* A YAML scalar's place in its file. */
struct vg_scalar_loc {
	const struct vg_srcfile *file; /* NULL: synthetic text */
	size_t start, end;	       /* byte offsets of the scalar in the file */
	int line, col;		       /* 1-based, of the scalar's first character */
	bool block;		       /* | or > scalar: text starts on the next line */
	bool quoted;
	bool fixed; /* synthetic text: report line:col as is, do not map */
};

/* A condition may be glued from several scalars (append, exceptions). */
struct vg_textmap {
	struct vg_textseg {
		size_t off; /* where this segment starts in the glued text */
		struct vg_scalar_loc loc;
	} * segs;
	size_t n, cap;
};

/* ---- collected items (what the YAML said) ---- */

struct vg_exc_value {
	bool is_list;
	char *item;
	struct vg_exc_value *items;
	size_t n;
};

struct vg_exception {
	char *name;
	struct vg_scalar_loc loc;
	bool fields_valid, fields_is_list;
	char **fields;
	size_t nfields;
	bool comps_valid, comps_is_list;
	char **comps;
	size_t ncomps;
	struct vg_exc_value *values; /* each a row (list) or a scalar */
	size_t nvalues;
};

struct vg_list_item {
	char *name;
	struct vg_scalar_loc loc;
	char **items;
	bool *quoted; /* the item came from a quoted YAML scalar */
	size_t n, cap;
	uint32_t index, visibility;
	bool used;
	/* compile-time expansion */
	int state; /* 0 new, 1 expanding, 2 done */
	char **xitems;
	size_t nx, cx;
};

struct vg_macro_item {
	char *name;
	struct vg_scalar_loc loc;
	char *cond;
	struct vg_textmap cmap;
	struct vg_cond_src src;
	uint32_t index, visibility;
	bool used;
	/* compile-time */
	struct vg_ast *ast;	 /* parsed, lists substituted */
	struct vg_ast *resolved; /* macros inlined; NULL when past the bounds */
	int state;		 /* 0 new, 1 resolving, 2 done, 3 failed, 4 past the bounds */
	/* what inlining builds, measured before building it (compile.c, measure) */
	uint64_t xnodes;	    /* AST nodes and list items */
	uint32_t xheight;	    /* tree height */
	uint32_t xchain;	    /* macros nested inside, itself included */
	struct vg_macro_item *xvia; /* the macro it names that weighs most, or NULL */
};

struct vg_rule_item {
	char *name;
	struct vg_scalar_loc loc;
	char *desc;
	char *cond;
	struct vg_textmap cmap;
	char *output;
	struct vg_scalar_loc output_loc;
	int priority;
	char *source;
	bool enabled;
	char **tags;
	size_t ntags;
	struct vg_exception *exc;
	size_t nexc;
	bool warn_evttypes;
	bool skip_unknown;
	bool capture;
	uint64_t capture_duration;
	uint32_t index, visibility;
	bool unknown_source;
	char *action;		 /* vigil extension, kept for the enforcement compiler */
	int enforce_mode;	 /* -1 unset, else enum vg_enf_mode */
	bool enforce_force;	 /* load even when the compiler finds it too broad */
	struct vg_seq_item *seq; /* sequence: or threshold: (seq.h); NULL for a plain rule */
};

/* ---- compiled form ---- */

/* A compiled value producer: a field, a transformer, or a constant. */
struct vg_cexpr {
	enum { CX_FIELD, CX_XFORM, CX_CONST, CX_CAPTURE } kind; /* CAPTURE: seq.h */
	enum vg_ftype type;					/* result type */
	bool multi;						/* may yield several values */
	struct vg_field_ref ref;
	char *arg_owned;
	enum vg_xform xf;
	struct vg_cexpr **args;
	size_t nargs;
	char *cstr;
	size_t clen;
	char *text;    /* as written, e.g. "tolower(proc.name)": the output_fields key */
	uint32_t slot; /* CX_FIELD: its per-event cache slot (one per field and argument) */
};

struct vg_cval {
	const char *s;
	uint32_t len;
	uint64_t u;
	double d;
	uint8_t ip[16];
	uint8_t iplen;	/* 4 or 16 */
	uint8_t prefix; /* for networks */
};

enum vg_cnode_kind {
	CN_AND,
	CN_OR,
	CN_NOT,
	CN_CHECK,
	CN_EVTTYPE, /* evt.type = / != / in, compiled to a set test */
};

struct vg_cnode {
	/* what evaluating a check reads comes first: one cache line for most checks */
	enum vg_cnode_kind kind;
	enum vg_op op;
	enum vg_mod mod;
	/* a subtree several rules share: its result is kept per event (0: not shared) */
	uint32_t memo;
	/* copied from lhs at compile time, so that a check need not load it */
	uint32_t lslot;	     /* lhs's cache slot; UINT32_MAX when it has none */
	enum vg_ftype ltype; /* lhs's type */
	bool lall;	     /* lhs is a list field: "in" needs all its values in the set */
	struct vg_cexpr *lhs;
	struct vg_cexpr *rhs; /* val() or a transformer: compared at run time */
	struct vg_cval *vals; /* constant right-hand side, parsed to lhs's type */
	size_t nvals;
	struct vg_strset set; /* in / intersects / pmatch over strings */
	pcre2_code *re;
	pcre2_match_data *md;
	struct vg_cnode **kids;
	size_t nkids;
	char **owned; /* strings the vals point into */
	size_t nowned, cowned;
	/* EVTTYPE */
	struct vg_evtset evts;
	bool negate;
};

/* Output format: literal text and fields, alternating. */
struct vg_ofmt {
	struct vg_oseg {
		char *lit; /* NULL for a field segment */
		size_t litlen;
		struct vg_cexpr *ex;
		bool repeat;   /* the field of an earlier segment: output_fields has it once */
		bool epoch_ns; /* evt.time*: output_fields carries epoch nanoseconds, as Falco's */
	} * segs;
	size_t n;
};

/* A field append_output adds to output_fields only (output.c). */
struct vg_xfield {
	char *key;
	struct vg_ofmt fmt; /* plain: "%key", else the entry's format */
	bool plain;	    /* typed as the field; else the rendered text */
};

/* One key of output_fields: a field segment of the output format, or an extra field. */
struct vg_okey {
	const char *key;
	uint32_t idx; /* into ofmt.segs, or xf when extra */
	bool extra;
};

struct vg_rule {
	char *name, *desc, *source, *output, *action;
	int enforce_mode;
	bool enforce_force;
	int priority;
	char **tags;
	size_t ntags;
	bool enabled;
	struct vg_evtset evts;
	struct vg_cnode *root;
	struct vg_ofmt ofmt;
	struct vg_xfield *xf; /* append_output's extra_fields */
	size_t nxf;
	/* output_fields in Falco's order (sorted by key, each key once), built at compile */
	struct vg_okey *okeys;
	size_t nokeys;
	uint32_t order;
	uint32_t prog;	 /* where its condition starts in the ruleset's program */
	char *cond_text; /* canonical, macros inlined */
	char *file;
	int line, col;
	/* sequences and thresholds (seq.h): the rule's state machine, and which step it is */
	struct vg_seq *seq;
	int seq_step;  /* index in seq->steps; -1: a threshold's own condition */
	bool seq_owns; /* this rule frees seq */
};

struct vg_ruleset {
	struct vg_ruleset_opts opts;
	struct vg_diags diags;
	struct vg_srcfile **files;
	size_t nfiles, cfiles;
	/* collected */
	struct vg_list_item *lists;
	size_t nlists, clists;
	struct vg_macro_item *macros;
	size_t nmacros, cmacros;
	struct vg_rule_item *ritems;
	size_t nritems, critems;
	uint32_t cur_index;
	char *req_engine;
	/* compiled */
	bool compiled;
	uint64_t xnodes_total;	  /* AST nodes built by inlining, for VG_MAX_RULESET_NODES */
	uint64_t xitems_total;	  /* list items expanded, for VG_MAX_RULESET_ITEMS */
	struct vg_expansion xmax; /* the largest built, for the limits' margin */
	struct vg_rule **rules;
	size_t nrules;
	struct vg_rule **by_type[VG_EVT_COUNT];
	size_t nby_type[VG_EVT_COUNT];
	struct vg_evtset all_types;
	size_t skipped;
	struct vg_skip {
		char *name;
		const char *reason;
	} * skips;
	size_t nskips;
	struct vg_fenv env;
	struct vg_xval *pool; /* extraction buffers, one per transformer depth */
	char *xtext;	      /* an extra field's rendered text for output_fields (output.c) */
	size_t xtext_cap;
	bool in_output; /* compiling an output format: %container.info is allowed there */
	/* while compiling one rule: the fields it uses that vigil does not extract (warn mode) */
	char unextracted[256];
	size_t npool;
	/*
	 * Per-event caches (eval.c). Each distinct field and argument gets a
	 * slot at compile time and is extracted at most once per event; each
	 * shared subtree gets a memo. An entry is valid while its generation
	 * equals the ruleset's. Extractors write into env.scratch, which lives
	 * as long as the event; transformers into xscratch, reset per check.
	 */
	struct vg_fslot *slots;
	struct vg_value *fvals; /* nslots * VG_XVAL_MAX: no event can need more */
	uint64_t *fhash;
	size_t nfvals;
	struct vg_xval xtmp; /* where an extractor writes before the values are filed */
	struct vg_slot_key {
		const struct vg_field_def *def;
		char *arg;
	} * slot_keys; /* compile time: what each slot extracts */
	size_t nslots, cslots;
	uint64_t *memos; /* generation << 1 | result; [0] unused */
	size_t nmemos;
	/* every rule's condition flattened (program.c, eval.c): generic programs
	 * first, then each event type's */
	struct vg_insn *prog;
	size_t nprog, cprog, ngeneric;
	/* per by_type rule: where it starts in prog, then up to VG_GUARDS memos that must hold */
	uint32_t *by_type_prog[VG_EVT_COUNT];	 /* VG_GUARDS + 1 words per rule */
	struct vg_type_keys *keys[VG_EVT_COUNT]; /* NULL: every rule of the type runs */
	uint64_t *candidates;			 /* room for the largest type's rule bits */
	uint64_t fgen, mgen;			 /* field slots, memos */
	const struct vg_eval_ctx *cur; /* the event the caches hold, during an evaluation */
	uint16_t cur_type;
	struct vg_scratch xscratch;
	/* sequences and thresholds (seq.h) */
	struct vg_seq_cctx *seqc;	    /* compile time: the sequence being compiled */
	const struct vg_seq_entry *seq_cur; /* evaluation: the partial match captures come from */
	struct vg_seq_done seq_done;	    /* the match an alert reports, during its callback */
	struct vg_seq **seqs;
	size_t nseqs;
	uint64_t seq_reload_dropped; /* partial matches of changed/removed rules (reload) */
};

/*
 * One cached extraction: n values at off in the ruleset's value arena
 * (fvals), which fills up in the order fields are first read in an event,
 * so one event's values sit together. fhash[off + i] is value i's vg_hash
 * when bit i of hashed is set.
 */
struct vg_fslot {
	uint64_t gen;
	uint64_t hashed;
	uint32_t off, n;
	enum vg_ftype type;
	bool truncated;
};

/*
 * A condition flattened for evaluation: a node followed by its children's
 * subtrees, in the order they run, each subtree ending where `end` says. A
 * rule's nodes are contiguous, so evaluating it touches a few cache lines
 * instead of one allocation per node.
 */
struct vg_insn {
	uint8_t kind; /* enum vg_cnode_kind, or VG_INSN_TRUE */
	uint8_t negate;
	uint32_t memo;
	uint32_t end; /* index one past this subtree */
	const struct vg_cnode *n;
};

/* Shared subtrees a rule's top-level "and" needs: known false, the rule is skipped unrun. */
#define VG_GUARDS 3

/* Strings and byte buffers compare as bytes; the other types as numbers or addresses. */
static inline bool vg_is_stringish(enum vg_ftype t)
{
	return t == VG_FT_STRING || t == VG_FT_BYTES;
}

/* A rule that holds for every event of the type its program is for. */
#define VG_INSN_TRUE 0xff

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

/* Frees a compiled expression / node / rule (compile.c). */
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
/* Compile time (compile.c): the cache slot for a field and argument. */
bool vg_slot_assign(struct vg_ruleset *rs, struct vg_cexpr *e);
/* Frees what the compiler allocated for the per-event caches. */
void vg_eval_caches_free(struct vg_ruleset *rs);

/* Output format compile (output.c). */
bool vg_ofmt_compile(struct vg_ruleset *rs, const char *fmt, struct vg_ofmt *out,
		     const char **errcode, char *err, size_t errlen, size_t *errpos);
void vg_ofmt_free(struct vg_ofmt *f);

#endif
