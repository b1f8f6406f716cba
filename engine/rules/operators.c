// SPDX-License-Identifier: Apache-2.0
/*
 * The operator table. A row says everything but what the operator computes
 * (eval.c): adding an operator is a row here, an enum value in
 * operators.h and its case in the evaluator; tests/unit/rules/
 * test_operators.c then checks the row against what the stages do.
 */
#include "rules/operators.h"

#include <string.h>

/* Shorthands for the columns most rows share. */
#define STR_OP(nm, cst, k, p, kern, mod, only, cs)                                                 \
	.names = {nm}, .word = true, .rhs = VG_OPR_VALUE, .types = VG_OPT_STRINGISH,               \
	.modifier = (mod), .consts_only = (only), .consts = (cs), .positive = VG_OP__COUNT,        \
	.cost = (cst), .likely = VG_OPL_RARE, .key = (k), .path = (p), .kernel = (kern)
#define RANGE_OP(nm)                                                                               \
	.names = {nm}, .rhs = VG_OPR_NUMBER, .types = VG_OPT_ORDERED, .consts = VG_OPC_TEXT,       \
	.positive = VG_OP__COUNT, .cost = 1, .likely = VG_OPL_EVEN, .key = VG_OPS_NONE,            \
	.path = VG_OPS_NONE, .kernel = VG_OPK_RANGE

static const struct vg_op_info ops[VG_OP__COUNT] = {
	[VG_OP_EQ] = {.names = {"=", "=="},
		      .rhs = VG_OPR_VALUE,
		      .types = VG_OPT_ALL,
		      .modifier = true,
		      .consts = VG_OPC_TEXT,
		      .positive = VG_OP__COUNT,
		      .cost = 1,
		      .likely = VG_OPL_RARE,
		      .key = VG_OPS_EXACT,
		      .key_numbers = true,
		      .path = VG_OPS_EXACT,
		      .kernel = VG_OPK_EXACT_ONE},
	[VG_OP_NE] = {.names = {"!="},
		      .rhs = VG_OPR_VALUE,
		      .types = VG_OPT_ALL,
		      .modifier = true,
		      .consts = VG_OPC_TEXT,
		      .negated = true,
		      .positive = VG_OP_EQ,
		      .cost = 1,
		      .likely = VG_OPL_USUAL,
		      .key = VG_OPS_NONE,
		      .path = VG_OPS_NONE,
		      .kernel = VG_OPK_EXACT_ONE},
	[VG_OP_LT] = {RANGE_OP("<")},
	[VG_OP_LE] = {RANGE_OP("<=")},
	[VG_OP_GT] = {RANGE_OP(">")},
	[VG_OP_GE] = {RANGE_OP(">=")},
	[VG_OP_CONTAINS] = {STR_OP("contains", 4, VG_OPS_SUBSTR, VG_OPS_SUBSTR, VG_OPK_NONE, true,
				   false, VG_OPC_TEXT)},
	/* keys index bytes as written: a folded literal is no key */
	[VG_OP_ICONTAINS] = {STR_OP("icontains", 8, VG_OPS_NONE, VG_OPS_SUBSTR, VG_OPK_NONE, true,
				    false, VG_OPC_LOWER)},
	/* hex constants: keys see them decoded, the prefilter would see them as written */
	[VG_OP_BCONTAINS] = {STR_OP("bcontains", 4, VG_OPS_SUBSTR, VG_OPS_NONE, VG_OPK_NONE, true,
				    true, VG_OPC_HEX)},
	[VG_OP_STARTSWITH] = {STR_OP("startswith", 1, VG_OPS_PREFIX, VG_OPS_PREFIX, VG_OPK_PREFIX,
				     true, false, VG_OPC_TEXT)},
	[VG_OP_BSTARTSWITH] = {STR_OP("bstartswith", 1, VG_OPS_PREFIX, VG_OPS_NONE, VG_OPK_NONE,
				      true, true, VG_OPC_HEX)},
	[VG_OP_ENDSWITH] = {STR_OP("endswith", 1, VG_OPS_SUFFIX, VG_OPS_SUFFIX, VG_OPK_NONE, true,
				   false, VG_OPC_TEXT)},
	[VG_OP_GLOB] = {STR_OP("glob", 8, VG_OPS_GLOB, VG_OPS_GLOB, VG_OPK_NONE, true, false,
			       VG_OPC_TEXT)},
	[VG_OP_IGLOB] = {STR_OP("iglob", 8, VG_OPS_NONE, VG_OPS_NONE, VG_OPK_NONE, true, false,
				VG_OPC_TEXT)},
	/* one pattern, compiled once: a list of them is not supported */
	[VG_OP_REGEX] = {STR_OP("regex", 16, VG_OPS_NONE, VG_OPS_NONE, VG_OPK_NONE, false, true,
				VG_OPC_PATTERN)},
	[VG_OP_IN] = {.names = {"in"},
		      .rhs = VG_OPR_LIST,
		      .types = VG_OPT_ALL,
		      .on_list_field = true,
		      .consts_only = true,
		      .consts = VG_OPC_TEXT,
		      .positive = VG_OP__COUNT,
		      .cost = 3,
		      .likely = VG_OPL_RARE,
		      .key = VG_OPS_EXACT,
		      .key_numbers = true,
		      .path = VG_OPS_EXACT,
		      .kernel = VG_OPK_EXACT_SET},
	/* on a list field it holds for one common value; on a scalar it is "in" */
	[VG_OP_INTERSECTS] = {.names = {"intersects"},
			      .rhs = VG_OPR_LIST,
			      .types = VG_OPT_ALL,
			      .on_list_field = true,
			      .consts_only = true,
			      .consts = VG_OPC_TEXT,
			      .positive = VG_OP__COUNT,
			      .cost = 3,
			      .likely = VG_OPL_RARE,
			      .key = VG_OPS_EXACT,
			      .path = VG_OPS_NONE,
			      .kernel = VG_OPK_NONE},
	[VG_OP_PMATCH] = {.names = {"pmatch"},
			  .rhs = VG_OPR_LIST,
			  .types = VG_OPT_STRINGISH,
			  .consts_only = true,
			  .consts = VG_OPC_DIR,
			  .positive = VG_OP__COUNT,
			  .cost = 8,
			  .likely = VG_OPL_RARE,
			  .key = VG_OPS_DIR,
			  .path = VG_OPS_DIR,
			  .kernel = VG_OPK_DIR},
	[VG_OP_EXISTS] = {.names = {"exists"},
			  .rhs = VG_OPR_NONE,
			  .types = VG_OPT_ALL,
			  .on_list_field = true,
			  .consts = VG_OPC_TEXT,
			  .positive = VG_OP__COUNT,
			  .cost = 0,
			  .likely = VG_OPL_USUAL,
			  .key = VG_OPS_NONE,
			  .path = VG_OPS_NONE,
			  .kernel = VG_OPK_NONE},
};

const struct vg_op_info *vg_op_info(enum vg_op op)
{
	return (unsigned)op < VG_OP__COUNT ? &ops[op] : NULL;
}

const char *vg_op_name(enum vg_op op)
{
	return (unsigned)op < VG_OP__COUNT ? ops[op].names[0] : "?";
}

bool vg_op_is_list(enum vg_op op)
{
	return (unsigned)op < VG_OP__COUNT && ops[op].rhs == VG_OPR_LIST;
}

int vg_op_lookup(const char *s)
{
	for (int i = 0; i < VG_OP__COUNT; i++)
		for (size_t k = 0; k < 2 && ops[i].names[k]; k++)
			if (strcmp(s, ops[i].names[k]) == 0)
				return i;
	return -1;
}

bool vg_op_accepts(enum vg_op op, enum vg_ftype t)
{
	return (unsigned)op < VG_OP__COUNT && (unsigned)t < VG_FT__COUNT &&
	       (ops[op].types & VG_OPT(t));
}
