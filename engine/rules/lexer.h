/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Condition lexer. libsinsp's grammar is context dependent (a bare word is a
 * value after an operator but a macro name at the start of a check), so the
 * lexer is a cursor the parser drives: each vg_lex_* call tries one token
 * class at the cursor and advances only on a match.
 */
#ifndef VIGIL_RULES_LEXER_H
#define VIGIL_RULES_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_lexer {
	const char *src;
	size_t len;
	size_t pos;
};

void vg_lex_init(struct vg_lexer *lx, const char *src, size_t len);
bool vg_lex_eof(const struct vg_lexer *lx);

/* Skips blanks (space, tab, \b, \r, \n); true when any were skipped. */
bool vg_lex_blank(struct vg_lexer *lx);
/* Consumes the literal s when the input continues with it. */
bool vg_lex_lit(struct vg_lexer *lx, const char *s);

/*
 * Token classes (each returns the matched length, 0 when none; the token is
 * src[start .. start + len) with start the cursor before the call):
 *   identifier  [a-zA-Z][a-zA-Z0-9_]*
 *   field name  identifier ( '.' identifier )+
 *   field arg   [^][\"' blanks]+   (a bare argument inside [ ])
 *   number      [+-]?[0-9]+.?[0-9]*([eE][+-][0-9]+)?  or 0x hex
 *   bare string [^()\"' blanks=,]+
 */
size_t vg_lex_identifier(struct vg_lexer *lx);
size_t vg_lex_field_name(struct vg_lexer *lx);
size_t vg_lex_field_arg(struct vg_lexer *lx);
size_t vg_lex_number(struct vg_lexer *lx);
size_t vg_lex_bare(struct vg_lexer *lx);

enum vg_lex_qres {
	VG_LEX_NOT_QUOTED = 0,
	VG_LEX_QUOTED = 1,
	VG_LEX_UNTERMINATED = -1,
	VG_LEX_BAD_ESCAPE = -2,
	VG_LEX_NOMEM = -3,
};

/*
 * A '...' or "..." string. On VG_LEX_QUOTED *out is the unescaped value
 * (malloc'd, NUL-terminated, *outlen bytes, may hold NULs only if escaped
 * input did). On an error the cursor stays put and *errpos is the offset of
 * the offending character.
 */
enum vg_lex_qres vg_lex_quoted(struct vg_lexer *lx, char **out, size_t *outlen, size_t *errpos);

/*
 * libsinsp's unescaping of a quoted token body: \b \f \n \r \t \\ \/ and the
 * quote character itself; "\ " yields a backslash (libsinsp keeps it for old
 * rules). Returns false on any other escape; *bad is its offset in body.
 */
bool vg_unescape(const char *body, size_t len, char quote, char *out, size_t *outlen, size_t *bad);

/* 1-based line and column of byte offset off in src (columns count bytes). */
void vg_lex_linecol(const char *src, size_t len, size_t off, int *line, int *col);

#endif
