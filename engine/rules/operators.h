/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The condition language's operators and everything the stages after the
 * parser need to know about each, in one table (operators.c): its
 * spellings, what its right-hand side looks like, which field types it
 * accepts, how its constants are read, its cost in a rule's program, and
 * how rule keys, the kernel's path prefilter and kernel enforcement treat
 * it. The parser, compiler, program, keys, prefilter and enforcement
 * compiler read the table; only the evaluator (eval.c) says what an
 * operator computes. docs/architecture.md, "Adding an operator".
 */
#ifndef VIGIL_RULES_OPERATORS_H
#define VIGIL_RULES_OPERATORS_H

#include <stdbool.h>
#include <stdint.h>

#include "fields/registry.h"

enum vg_op {
	VG_OP_EQ,
	VG_OP_NE,
	VG_OP_LT,
	VG_OP_LE,
	VG_OP_GT,
	VG_OP_GE,
	VG_OP_CONTAINS,
	VG_OP_ICONTAINS,
	VG_OP_BCONTAINS,
	VG_OP_STARTSWITH,
	VG_OP_BSTARTSWITH,
	VG_OP_ENDSWITH,
	VG_OP_GLOB,
	VG_OP_IGLOB,
	VG_OP_REGEX,
	VG_OP_IN,
	VG_OP_INTERSECTS,
	VG_OP_PMATCH,
	VG_OP_EXISTS,
	VG_OP__COUNT,
};

/* What the parser reads after the operator. */
enum vg_op_rhs {
	VG_OPR_NONE,   /* exists */
	VG_OPR_VALUE,  /* one value, a field or a transformer; takes anyof/allof */
	VG_OPR_NUMBER, /* one value, written bare (printed unquoted) */
	VG_OPR_LIST,   /* a list literal or a list's name */
};

/* How the compiler reads the constants of the right-hand side of a string field. */
enum vg_op_consts {
	VG_OPC_TEXT,	/* as written */
	VG_OPC_LOWER,	/* lowercased: the check folds the field's case */
	VG_OPC_HEX,	/* a hex byte string, decoded */
	VG_OPC_DIR,	/* a directory: trailing slashes dropped */
	VG_OPC_PATTERN, /* a pattern compiled once (regex) */
};

/*
 * What a check of the operator says about its field's string value, for
 * one literal (a list operator: for some literal of its set). Rule keys
 * and the path prefilter each keep a column of this, as they know
 * different things: keys see decoded bytes, the prefilter a path.
 */
enum vg_op_shape {
	VG_OPS_NONE,   /* nothing usable */
	VG_OPS_EXACT,  /* the value is the literal */
	VG_OPS_PREFIX, /* the value starts with it */
	VG_OPS_SUFFIX, /* the value ends with it */
	VG_OPS_SUBSTR, /* the value holds it */
	VG_OPS_DIR,    /* the value is the literal or lies under it (a path) */
	VG_OPS_GLOB,   /* the value matches it as a glob */
};

/* How the kernel's enforcement matcher decides the check (probes/enforce_match.bpf.h). */
enum vg_op_kernel {
	VG_OPK_NONE,	  /* user space only */
	VG_OPK_EXACT_ONE, /* = / != one value: an exact entry */
	VG_OPK_EXACT_SET, /* in: an exact entry per value */
	VG_OPK_PREFIX,	  /* a prefix entry per value */
	VG_OPK_DIR,	  /* an exact entry and a prefix entry ("dir/") per value */
	VG_OPK_RANGE,	  /* a comparison entry (<, <=, >, >=) per value */
};

/* How likely a check is to hold, before anything is known of its values. */
enum vg_op_likely {
	VG_OPL_RARE,  /* a field rarely equals or contains given values (a boolean: even) */
	VG_OPL_EVEN,  /* ranges split even */
	VG_OPL_USUAL, /* a field rarely fails to exist or to differ from one value */
};

/* Field types an operator accepts, as bits of 1 << enum vg_ftype. */
#define VG_OPT(t)	 (1u << (t))
#define VG_OPT_STRINGISH (VG_OPT(VG_FT_STRING) | VG_OPT(VG_FT_BYTES))
#define VG_OPT_ALL	 ((1u << VG_FT__COUNT) - 1)
#define VG_OPT_ORDERED                                                                             \
	(VG_OPT_ALL & ~(VG_OPT(VG_FT_BOOL) | VG_OPT(VG_FT_IPADDR) | VG_OPT(VG_FT_IPNET)))

struct vg_op_info {
	/* spellings; the first is the canonical one, printed back */
	const char *names[2];
	/* a word operator needs a blank after it: "glob*" is no operator */
	bool word;
	enum vg_op_rhs rhs;
	uint32_t types;	    /* VG_OPT_* of the field types it accepts */
	bool on_list_field; /* accepted on a list field (proc.env, ...) */
	bool modifier;	    /* takes anyof/allof (with VG_OPR_VALUE) */
	bool consts_only;   /* the right-hand side cannot be a field or transformer */
	enum vg_op_consts consts;
	/* holds exactly when the check with positive (EQ for NE) does not */
	bool negated;
	enum vg_op positive;
	/* relative cost on one value, for the program's ordering (program.c) */
	uint8_t cost;
	enum vg_op_likely likely;
	/* rule keys (keys.c) on a string field, and whether numbers key too */
	enum vg_op_shape key;
	bool key_numbers;
	/* the path prefilter (prefilter_paths.c) on path fields */
	enum vg_op_shape path;
	enum vg_op_kernel kernel;
};

/* The row of op; NULL when op is out of range. */
const struct vg_op_info *vg_op_info(enum vg_op op);
/* The canonical spelling, "?" when op is out of range. */
const char *vg_op_name(enum vg_op op);
/* Operators whose right-hand side is a list: in, intersects, pmatch. */
bool vg_op_is_list(enum vg_op op);
/* Looks an operator up by any of its spellings; -1 when unknown. */
int vg_op_lookup(const char *s);
/* Whether op may test a field of type t. */
bool vg_op_accepts(enum vg_op op, enum vg_ftype t);

#endif
