/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Condition parser: libsinsp's grammar, recursive descent over the lexer.
 *
 *   or      := and ( "or" and )*
 *   and     := not ( "and" not )*
 *   not     := ( "not" blank | "not(" )* check
 *   check   := "(" or ")" | lhs op [rhs] | identifier
 *   lhs     := field | xform "(" arg ("," arg)* ")"
 *   field   := name ( "[" (quoted | bare) "]" )?
 *   rhs     := value | list | val(field) | xform(...)
 *
 * A depth counter bounds the recursion, as libsinsp's depth guard does.
 */
#ifndef VIGIL_RULES_PARSER_H
#define VIGIL_RULES_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "rules/ast.h"

/* libsinsp's default is 100; Falco raises it to 1000 for rule conditions. */
#define VG_PARSE_MAX_DEPTH 1000

struct vg_parse_error {
	const char *code; /* E-PARSE, E-ESCAPE, E-DEPTH, E-EMPTY, E-NOMEM */
	char msg[200];
	uint32_t pos; /* byte offset in the condition */
};

/*
 * Parses len bytes of text (need not be NUL-terminated). src is stamped on
 * every node. Returns the tree, or NULL with *err filled.
 */
struct vg_ast *vg_parse_condition(const char *text, size_t len, const struct vg_cond_src *src,
				  unsigned max_depth, struct vg_parse_error *err);

#endif
