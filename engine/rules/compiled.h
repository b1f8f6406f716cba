/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiled ruleset: evaluation trees, output formats, rules, and what
 * the compiler lays out for evaluation (the flattened program, the index by
 * event type, the rule keys, the cache slot and memo layout). Built once
 * by vg_ruleset_compile and read-only while events are evaluated (except
 * rules switched on or off, which re-index); apart from the YAML items and
 * from the per-event state so that each lifetime is one struct.
 */
#ifndef VIGIL_RULES_COMPILED_H
#define VIGIL_RULES_COMPILED_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fields/registry.h"
#include "rules/ast.h"
#include "rules/compile.h"
#include "kernel/evttypes.h"
#include "util/util.h"

struct vg_seq;
struct vg_type_keys;

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

/*
 * How a check with constants matches one value, decided once at compile
 * (vg_cnode_fast) so that evaluation takes one branch instead of testing
 * the modifier, the operator and the type on every value. VG_FAST_ANY is
 * the general path (match_const); each other kind is exactly what that
 * path does for its case.
 */
enum vg_fast {
	VG_FAST_ANY,
	VG_FAST_SET,		 /* string in / intersects: a hash set lookup */
	VG_FAST_EQ,		 /* string = one constant */
	VG_FAST_PREFIX,		 /* startswith / bstartswith one constant */
	VG_FAST_SUFFIX,		 /* endswith one constant */
	VG_FAST_CONTAINS,	 /* contains / bcontains one constant */
	VG_FAST_NUM_EQ,		 /* integer = / in: equal to one of the constants */
	VG_FAST_ICONTAINS,	 /* icontains one constant (stored lowered) */
	VG_FAST_ANYOF_PREFIX,	 /* startswith anyof / oneof: one of the constants */
	VG_FAST_ANYOF_CONTAINS,	 /* contains anyof / oneof */
	VG_FAST_ANYOF_ICONTAINS, /* icontains anyof / oneof */
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
	uint8_t fast;	     /* enum vg_fast: how each value is matched, chosen at compile */
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
	/* the tags as an alert carries them (a set: sorted, each once), pointing into tags */
	const char **tag_set;
	size_t ntag_set;
	bool enabled;
	int source_id;	       /* vg_source_id(source): 0 syscall, else a plugin's source */
	struct vg_evtset evts; /* empty for a plugin's source: it has no event types */
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

/* A rule that holds for every event of the type its program is for. */
#define VG_INSN_TRUE 0xff

/* What the compiler built from the items (ruleset_compile.c, program.c). */
struct vg_compiled {
	bool done;		  /* vg_ruleset_compile ran */
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
	size_t npool; /* extraction buffers evaluation needs: one per transformer depth */
	/*
	 * The per-event caches' layout (eval_state.h): each distinct field and
	 * argument gets a slot, each shared subtree a memo.
	 */
	struct vg_slot_key {
		const struct vg_field_def *def;
		char *arg;
	} * slot_keys; /* what each slot extracts */
	size_t nslots, cslots;
	size_t nmemos;
	/* every rule's condition flattened (program.c, eval.c): generic programs
	 * first, then each event type's */
	struct vg_insn *prog;
	size_t nprog, cprog, ngeneric;
	/* per by_type rule: where it starts in prog, then up to VG_GUARDS memos that must hold */
	uint32_t *by_type_prog[VG_EVT_COUNT];	 /* VG_GUARDS + 1 words per rule */
	struct vg_type_keys *keys[VG_EVT_COUNT]; /* NULL: every rule of the type runs */
	/* sequences and thresholds (seq.h) */
	struct vg_seq **seqs;
	size_t nseqs;
	uint64_t seq_reload_dropped; /* partial matches of changed/removed rules (reload) */
};

#endif
