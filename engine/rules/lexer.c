// SPDX-License-Identifier: Apache-2.0
/* Condition lexer: see lexer.h. */
#include "rules/lexer.h"

#include <stdlib.h>
#include <string.h>

void vg_lex_init(struct vg_lexer *lx, const char *src, size_t len)
{
	lx->src = src;
	lx->len = len;
	lx->pos = 0;
}

bool vg_lex_eof(const struct vg_lexer *lx)
{
	return lx->pos >= lx->len;
}

static int peek(const struct vg_lexer *lx, size_t ahead)
{
	size_t i = lx->pos + ahead;

	return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_rest(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

bool vg_lex_blank(struct vg_lexer *lx)
{
	size_t start = lx->pos;

	while (is_blank(peek(lx, 0)))
		lx->pos++;
	return lx->pos != start;
}

bool vg_lex_lit(struct vg_lexer *lx, const char *s)
{
	size_t n = strlen(s);

	if (lx->len - lx->pos < n || memcmp(lx->src + lx->pos, s, n) != 0)
		return false;
	lx->pos += n;
	return true;
}

/* Length of an identifier starting ahead bytes past the cursor. */
static size_t ident_at(const struct vg_lexer *lx, size_t ahead)
{
	size_t n = 0;

	if (!is_alpha(peek(lx, ahead)))
		return 0;
	while (is_ident_rest(peek(lx, ahead + n)))
		n++;
	return n;
}

size_t vg_lex_identifier(struct vg_lexer *lx)
{
	size_t n = ident_at(lx, 0);

	lx->pos += n;
	return n;
}

size_t vg_lex_field_name(struct vg_lexer *lx)
{
	size_t n = ident_at(lx, 0), parts = 0;

	if (!n)
		return 0;
	/* a field name needs at least one ".identifier" after the first */
	while (peek(lx, n) == '.') {
		size_t m = ident_at(lx, n + 1);

		if (!m)
			break;
		n += 1 + m;
		parts++;
	}
	if (!parts)
		return 0;
	lx->pos += n;
	return n;
}

size_t vg_lex_field_arg(struct vg_lexer *lx)
{
	size_t n = 0;
	int c;

	while ((c = peek(lx, n)) != -1 && c != '[' && c != ']' && c != '"' && c != '\'' &&
	       !is_blank(c) && c != '\f' && c != '\v')
		n++;
	lx->pos += n;
	return n;
}

static size_t hex_at(const struct vg_lexer *lx)
{
	size_t n = 2;

	if (peek(lx, 0) != '0' || (peek(lx, 1) != 'x' && peek(lx, 1) != 'X'))
		return 0;
	while (is_alpha(peek(lx, n)) || is_digit(peek(lx, n)))
		n++;
	return n > 2 ? n : 0;
}

size_t vg_lex_number(struct vg_lexer *lx)
{
	size_t n = hex_at(lx);

	if (n) {
		lx->pos += n;
		return n;
	}
	if (peek(lx, 0) == '+' || peek(lx, 0) == '-')
		n++;
	if (!is_digit(peek(lx, n)))
		return 0;
	while (is_digit(peek(lx, n)))
		n++;
	if (peek(lx, n) == '.')
		n++;
	while (is_digit(peek(lx, n)))
		n++;
	/* an exponent needs its sign, as in libsinsp's regex */
	if ((peek(lx, n) == 'e' || peek(lx, n) == 'E') &&
	    (peek(lx, n + 1) == '+' || peek(lx, n + 1) == '-') && is_digit(peek(lx, n + 2))) {
		n += 2;
		while (is_digit(peek(lx, n)))
			n++;
	}
	lx->pos += n;
	return n;
}

size_t vg_lex_bare(struct vg_lexer *lx)
{
	size_t n = 0;
	int c;

	while ((c = peek(lx, n)) != -1 && c != '(' && c != ')' && c != '"' && c != '\'' &&
	       c != '=' && c != ',' && !is_blank(c) && c != '\f' && c != '\v')
		n++;
	lx->pos += n;
	return n;
}

bool vg_unescape(const char *body, size_t len, char quote, char *out, size_t *outlen, size_t *bad)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = body[i];

		if (c != '\\') {
			out[o++] = c;
			continue;
		}
		if (++i >= len) {
			*bad = i - 1;
			return false;
		}
		switch (body[i]) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case ' ': /* libsinsp turns "\ " into a backslash for old rules */
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case '"':
		case '\'':
			/* only the delimiting quote may be escaped */
			if (body[i] != quote) {
				*bad = i - 1;
				return false;
			}
			out[o++] = body[i];
			break;
		default: *bad = i - 1; return false;
		}
	}
	out[o] = '\0';
	*outlen = o;
	return true;
}

enum vg_lex_qres vg_lex_quoted(struct vg_lexer *lx, char **out, size_t *outlen, size_t *errpos)
{
	int q = peek(lx, 0);
	size_t n = 1, bad;
	char *buf;

	if (q != '"' && q != '\'')
		return VG_LEX_NOT_QUOTED;
	for (;;) {
		int c = peek(lx, n);

		if (c == -1) {
			*errpos = lx->pos;
			return VG_LEX_UNTERMINATED;
		}
		if (c == '\\') {
			n += peek(lx, n + 1) == -1 ? 1 : 2;
			continue;
		}
		if (c == q)
			break;
		n++;
	}
	buf = malloc(n);
	if (!buf)
		return VG_LEX_NOMEM;
	if (!vg_unescape(lx->src + lx->pos + 1, n - 1, (char)q, buf, outlen, &bad)) {
		free(buf);
		*errpos = lx->pos + 1 + bad;
		return VG_LEX_BAD_ESCAPE;
	}
	*out = buf;
	lx->pos += n + 1;
	return VG_LEX_QUOTED;
}

void vg_lex_linecol(const char *src, size_t len, size_t off, int *line, int *col)
{
	int l = 1, c = 1;

	for (size_t i = 0; i < off && i < len; i++) {
		if (src[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}
