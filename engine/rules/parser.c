// SPDX-License-Identifier: Apache-2.0
/* Condition parser: see parser.h for the grammar. */
#include "rules/parser.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lexer.h"
#include "util/util.h"

struct parser {
	struct vg_lexer lx;
	const struct vg_cond_src *src;
	unsigned depth, max_depth;
	struct vg_parse_error *err;
	bool failed;
};

__attribute__((format(printf, 4, 5))) static void fail_at(struct parser *p, const char *code,
							  size_t pos, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->err->code = code;
	p->err->pos = (uint32_t)pos;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
}

#define fail(p, ...) fail_at((p), "E-PARSE", (p)->lx.pos, __VA_ARGS__)

static void nomem(struct parser *p)
{
	fail_at(p, "E-NOMEM", p->lx.pos, "out of memory");
}

/* The depth guard: every recursive production enters and leaves it. */
static bool enter(struct parser *p)
{
	if (++p->depth >= p->max_depth) {
		fail_at(p, "E-DEPTH", p->lx.pos, "condition exceeds the nesting depth limit of %u",
			p->max_depth);
		return false;
	}
	return true;
}

static void leave(struct parser *p)
{
	p->depth--;
}

static struct vg_ast *new_node(struct parser *p, enum vg_ast_kind kind, size_t pos)
{
	struct vg_ast *n = calloc(1, sizeof(*n));

	if (!n) {
		nomem(p);
		return NULL;
	}
	n->kind = kind;
	n->pos = (uint32_t)pos;
	n->src = p->src;
	return n;
}

static struct vg_ast_opnd *new_opnd(struct parser *p, enum vg_opnd_kind kind, size_t pos)
{
	struct vg_ast_opnd *o = calloc(1, sizeof(*o));

	if (!o) {
		nomem(p);
		return NULL;
	}
	o->kind = kind;
	o->pos = (uint32_t)pos;
	return o;
}

static const char *tok(struct parser *p, size_t start)
{
	return p->lx.src + start;
}

/* A keyword such as "and" must be followed by a blank or "(". */
static bool lex_keyword(struct parser *p, const char *kw)
{
	size_t save = p->lx.pos;
	int next;

	if (!vg_lex_lit(&p->lx, kw))
		return false;
	next = p->lx.pos < p->lx.len ? (unsigned char)p->lx.src[p->lx.pos] : -1;
	if (next == ' ' || next == '\t' || next == '\b' || next == '\r' || next == '\n' ||
	    next == '(')
		return true;
	/* "andy" is an identifier, not the keyword */
	p->lx.pos = save;
	return false;
}

static struct vg_ast *parse_or(struct parser *p);

static struct vg_ast *parse_embedded_rest(struct parser *p)
{
	struct vg_ast *n;

	if (!enter(p))
		return NULL;
	vg_lex_blank(&p->lx);
	n = parse_or(p);
	if (n) {
		vg_lex_blank(&p->lx);
		if (!vg_lex_lit(&p->lx, ")")) {
			fail(p, "expected ')'");
			vg_ast_free(n);
			n = NULL;
		}
	}
	leave(p);
	return n;
}

/* Appends child to the item list of a value or list operand. */
static bool add_item(struct parser *p, struct vg_ast_opnd *o, char *s, size_t len, bool quoted,
		     size_t pos)
{
	struct vg_ast_item *items = realloc(o->items, (o->nitems + 1) * sizeof(*items));

	if (!items) {
		free(s);
		nomem(p);
		return false;
	}
	o->items = items;
	items[o->nitems++] = (struct vg_ast_item){s, len, quoted, (uint32_t)pos};
	return true;
}

static bool add_arg(struct parser *p, struct vg_ast_opnd *o, struct vg_ast_opnd *a)
{
	struct vg_ast_opnd **args = realloc(o->args, (o->nargs + 1) * sizeof(*args));

	if (!args) {
		vg_ast_opnd_free(a);
		nomem(p);
		return false;
	}
	o->args = args;
	args[o->nargs++] = a;
	return true;
}

/* Quoted string at the cursor: 1 parsed, 0 none, -1 error reported. */
static int lex_quoted(struct parser *p, char **s, size_t *len)
{
	size_t errpos = 0;

	switch (vg_lex_quoted(&p->lx, s, len, &errpos)) {
	case VG_LEX_QUOTED: return 1;
	case VG_LEX_NOT_QUOTED: return 0;
	case VG_LEX_UNTERMINATED:
		fail_at(p, "E-PARSE", errpos, "unterminated quoted string");
		return -1;
	case VG_LEX_BAD_ESCAPE:
		fail_at(p, "E-ESCAPE", errpos, "unsupported escape sequence in quoted string");
		return -1;
	default: nomem(p); return -1;
	}
}

static struct vg_ast_opnd *parse_field(struct parser *p, size_t start, size_t n)
{
	struct vg_ast_opnd *f = new_opnd(p, VG_OPND_FIELD, start);
	size_t alen, astart;
	int q;

	if (!f)
		return NULL;
	f->name = vg_strndup0(tok(p, start), n);
	if (!f->name)
		goto nomem;
	if (!vg_lex_lit(&p->lx, "["))
		return f;
	q = lex_quoted(p, &f->arg, &alen);
	if (q < 0)
		goto out;
	if (q == 0) {
		astart = p->lx.pos;
		alen = vg_lex_field_arg(&p->lx);
		if (!alen) {
			fail(p, "expected a field argument: a quoted string or a bare string");
			goto out;
		}
		f->arg = vg_strndup0(tok(p, astart), alen);
		if (!f->arg)
			goto nomem;
	}
	if (!vg_lex_lit(&p->lx, "]")) {
		fail(p, "expected ']' closing the field argument");
		goto out;
	}
	return f;
nomem:
	nomem(p);
out:
	vg_ast_opnd_free(f);
	return NULL;
}

static const struct {
	const char *lit;
	enum vg_xform xf;
} xforms[] = {
	{"tolower(", VG_XF_TOLOWER},   {"toupper(", VG_XF_TOUPPER}, {"b64(", VG_XF_B64},
	{"basename(", VG_XF_BASENAME}, {"len(", VG_XF_LEN},	    {"join(", VG_XF_JOIN},
	{"concat(", VG_XF_CONCAT},     {"getopt(", VG_XF_GETOPT},
};

/* Matches "name(" of a transformer; with_val also accepts "val(". */
static int lex_xform(struct parser *p, bool with_val)
{
	if (with_val && vg_lex_lit(&p->lx, "val("))
		return VG_XF_VAL;
	for (size_t i = 0; i < sizeof(xforms) / sizeof(xforms[0]); i++)
		if (vg_lex_lit(&p->lx, xforms[i].lit))
			return (int)xforms[i].xf;
	return -1;
}

static struct vg_ast_opnd *parse_xform_rest(struct parser *p, enum vg_xform xf, size_t pos);

/* A transformer argument: a field, a nested transformer or a quoted string. */
static struct vg_ast_opnd *parse_xform_arg(struct parser *p, enum vg_xform outer)
{
	size_t start = p->lx.pos, n, len;
	struct vg_ast_opnd *o;
	char *s;
	int xf, q;

	if (outer != VG_XF_VAL) {
		xf = lex_xform(p, false);
		if (xf >= 0)
			return parse_xform_rest(p, (enum vg_xform)xf, start);
	}
	n = vg_lex_field_name(&p->lx);
	if (n)
		return parse_field(p, start, n);
	if (outer == VG_XF_JOIN || outer == VG_XF_CONCAT || outer == VG_XF_GETOPT) {
		q = lex_quoted(p, &s, &len);
		if (q < 0)
			return NULL;
		if (q > 0) {
			o = new_opnd(p, VG_OPND_VALUE, start);
			if (!o) {
				free(s);
				return NULL;
			}
			if (!add_item(p, o, s, len, true, start)) {
				vg_ast_opnd_free(o);
				return NULL;
			}
			return o;
		}
	}
	if (outer == VG_XF_VAL)
		fail(p, "expected a field within 'val'");
	else
		fail(p, "expected a field or a nested transformer within '%s'",
		     vg_xform_name(outer));
	return NULL;
}

/* After "name(": arguments, then ")". */
static struct vg_ast_opnd *parse_xform_rest(struct parser *p, enum vg_xform xf, size_t pos)
{
	struct vg_ast_opnd *o, *a;

	if (!enter(p))
		return NULL;
	o = new_opnd(p, VG_OPND_XFORM, pos);
	if (!o)
		goto out;
	o->xf = xf;
	for (;;) {
		vg_lex_blank(&p->lx);
		a = parse_xform_arg(p, xf);
		if (!a || !add_arg(p, o, a))
			goto bad;
		vg_lex_blank(&p->lx);
		if (!vg_lex_lit(&p->lx, ","))
			break;
	}
	if (!vg_lex_lit(&p->lx, ")")) {
		fail(p, "expected ')' closing the transformer");
		goto bad;
	}
	leave(p);
	return o;
bad:
	vg_ast_opnd_free(o);
	o = NULL;
out:
	leave(p);
	return o;
}

/* Tries val(...) or a transformer on the right-hand side; NULL if none. */
static struct vg_ast_opnd *try_rhs_xform(struct parser *p, bool *tried)
{
	size_t start = p->lx.pos;
	int xf = lex_xform(p, true);

	*tried = xf >= 0;
	if (xf < 0)
		return NULL;
	return parse_xform_rest(p, (enum vg_xform)xf, start);
}

static struct vg_ast_opnd *value_opnd(struct parser *p, char *s, size_t len, bool quoted,
				      size_t pos)
{
	struct vg_ast_opnd *o = new_opnd(p, VG_OPND_VALUE, pos);

	if (!o) {
		free(s);
		return NULL;
	}
	if (!add_item(p, o, s, len, quoted, pos)) {
		vg_ast_opnd_free(o);
		return NULL;
	}
	return o;
}

/* A string value: quoted or bare. Returns 1 with *s set, 0 none, -1 error. */
static int lex_str_value(struct parser *p, char **s, size_t *len, bool *quoted)
{
	size_t start = p->lx.pos, n;
	int q = lex_quoted(p, s, len);

	*quoted = q > 0;
	if (q != 0)
		return q;
	n = vg_lex_bare(&p->lx);
	if (!n)
		return 0;
	*s = vg_strndup0(tok(p, start), n);
	if (!*s) {
		nomem(p);
		return -1;
	}
	*len = n;
	return 1;
}

static struct vg_ast_opnd *parse_num_rhs(struct parser *p)
{
	size_t start = p->lx.pos, n;
	struct vg_ast_opnd *o;
	bool tried;
	char *s;

	o = try_rhs_xform(p, &tried);
	if (tried)
		return o;
	n = vg_lex_number(&p->lx);
	if (!n) {
		fail(p, "expected a number, or a field with val() or a transformer");
		return NULL;
	}
	s = vg_strndup0(tok(p, start), n);
	if (!s) {
		nomem(p);
		return NULL;
	}
	return value_opnd(p, s, n, false, start);
}

static struct vg_ast_opnd *parse_str_rhs(struct parser *p)
{
	size_t start = p->lx.pos, len;
	struct vg_ast_opnd *o;
	bool tried, quoted;
	char *s;
	int r;

	o = try_rhs_xform(p, &tried);
	if (tried)
		return o;
	r = lex_str_value(p, &s, &len, &quoted);
	if (r < 0)
		return NULL;
	if (r == 0) {
		fail(p, "expected a string value, or a field with val() or a transformer");
		return NULL;
	}
	return value_opnd(p, s, len, quoted, start);
}

static struct vg_ast_opnd *parse_list_literal(struct parser *p, size_t start)
{
	struct vg_ast_opnd *o = new_opnd(p, VG_OPND_LIST, start);
	size_t len, ipos;
	bool quoted;
	char *s;
	int r;

	if (!o)
		return NULL;
	vg_lex_blank(&p->lx);
	ipos = p->lx.pos;
	r = lex_str_value(p, &s, &len, &quoted);
	if (r < 0)
		goto bad;
	while (r > 0) {
		if (!add_item(p, o, s, len, quoted, ipos))
			goto bad;
		vg_lex_blank(&p->lx);
		if (!vg_lex_lit(&p->lx, ","))
			break;
		vg_lex_blank(&p->lx);
		ipos = p->lx.pos;
		r = lex_str_value(p, &s, &len, &quoted);
		if (r < 0)
			goto bad;
		if (r == 0) {
			fail(p, "expected a list item after ','");
			goto bad;
		}
	}
	if (!vg_lex_lit(&p->lx, ")")) {
		fail(p, "expected ')' closing the list");
		goto bad;
	}
	return o;
bad:
	vg_ast_opnd_free(o);
	return NULL;
}

static struct vg_ast_opnd *parse_list_rhs(struct parser *p)
{
	size_t start = p->lx.pos, n;
	struct vg_ast_opnd *o;
	bool tried;
	char *s;

	if (vg_lex_lit(&p->lx, "("))
		return parse_list_literal(p, start);
	o = try_rhs_xform(p, &tried);
	if (tried)
		return o;
	n = vg_lex_identifier(&p->lx);
	if (!n) {
		fail(p, "expected a list, a list name, or a field with val() or a transformer");
		return NULL;
	}
	/* "in name": a reference to a list, resolved by the compiler */
	s = vg_strndup0(tok(p, start), n);
	if (!s) {
		nomem(p);
		return NULL;
	}
	o = value_opnd(p, s, n, false, start);
	if (o) {
		o->kind = VG_OPND_LIST;
		o->bare_ref = true;
	}
	return o;
}

/*
 * Operator at the cursor: the longest spelling in the table that is there
 * (and, for a word operator, followed by a blank), so "<=" is not "<" and
 * "intersects" not "in"; -1 when none.
 */
static int lex_op(struct parser *p)
{
	size_t start = p->lx.pos, end = start, best_len = 0;
	int best = -1;

	for (int op = 0; op < VG_OP__COUNT; op++) {
		const struct vg_op_info *info = vg_op_info((enum vg_op)op);

		for (size_t k = 0; k < 2 && info->names[k]; k++) {
			size_t n = strlen(info->names[k]);

			p->lx.pos = start;
			if (n > best_len && vg_lex_lit(&p->lx, info->names[k]) &&
			    (!info->word || vg_lex_blank(&p->lx))) {
				best = op;
				best_len = n;
				end = p->lx.pos;
			}
		}
	}
	p->lx.pos = end;
	return best;
}

/*
 * "anyof", "oneof" or "allof" after a string operator, followed by a blank
 * or "(": the right-hand side is then a list.
 */
static enum vg_mod lex_modifier(struct parser *p, enum vg_op op)
{
	static const struct {
		const char *lit;
		enum vg_mod mod;
	} mods[] = {{"oneof", VG_MOD_ONEOF}, {"anyof", VG_MOD_ANYOF}, {"allof", VG_MOD_ALLOF}};

	if (vg_op_info(op)->rhs != VG_OPR_VALUE)
		return VG_MOD_NONE;
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (lex_keyword(p, mods[i].lit)) {
			vg_lex_blank(&p->lx);
			return mods[i].mod;
		}
	return VG_MOD_NONE;
}

static struct vg_ast *parse_condition_rest(struct parser *p, struct vg_ast_opnd *lhs, size_t pos)
{
	enum vg_mod mod = VG_MOD_NONE;
	struct vg_ast *n = NULL;
	struct vg_ast_opnd *rhs = NULL;
	int op;

	if (!enter(p))
		goto out;
	vg_lex_blank(&p->lx);
	op = lex_op(p);
	if (op < 0) {
		fail(p, "expected a comparison operator");
		goto out;
	}
	if (vg_op_info((enum vg_op)op)->rhs != VG_OPR_NONE) {
		vg_lex_blank(&p->lx);
		mod = lex_modifier(p, (enum vg_op)op);
		if (mod != VG_MOD_NONE)
			rhs = parse_list_rhs(p);
		else if (vg_op_info((enum vg_op)op)->rhs == VG_OPR_NUMBER)
			rhs = parse_num_rhs(p);
		else if (vg_op_info((enum vg_op)op)->rhs == VG_OPR_LIST)
			rhs = parse_list_rhs(p);
		else
			rhs = parse_str_rhs(p);
		if (!rhs)
			goto out;
	}
	n = new_node(p, VG_AST_CHECK, pos);
	if (!n)
		goto out;
	n->lhs = lhs;
	n->op = (enum vg_op)op;
	n->mod = mod;
	n->rhs = rhs;
	lhs = rhs = NULL;
out:
	vg_ast_opnd_free(lhs);
	vg_ast_opnd_free(rhs);
	leave(p);
	return n;
}

static struct vg_ast *parse_check(struct parser *p)
{
	struct vg_ast *n = NULL;
	struct vg_ast_opnd *lhs;
	size_t start, len;
	int xf;

	if (!enter(p))
		goto out;
	vg_lex_blank(&p->lx);
	start = p->lx.pos;
	if (vg_lex_lit(&p->lx, "(")) {
		n = parse_embedded_rest(p);
		goto out;
	}
	len = vg_lex_field_name(&p->lx);
	if (len) {
		lhs = parse_field(p, start, len);
		if (lhs)
			n = parse_condition_rest(p, lhs, start);
		goto out;
	}
	xf = lex_xform(p, false);
	if (xf >= 0) {
		lhs = parse_xform_rest(p, (enum vg_xform)xf, start);
		if (lhs)
			n = parse_condition_rest(p, lhs, start);
		goto out;
	}
	len = vg_lex_identifier(&p->lx);
	if (len) {
		n = new_node(p, VG_AST_MACRO, start);
		if (n && !(n->name = vg_strndup0(tok(p, start), len))) {
			nomem(p);
			vg_ast_free(n);
			n = NULL;
		}
		goto out;
	}
	fail(p, "expected '(', a field check, or a macro name");
out:
	leave(p);
	return n;
}

static bool lex_not(struct parser *p)
{
	size_t save = p->lx.pos;

	if (vg_lex_lit(&p->lx, "not") && vg_lex_blank(&p->lx))
		return true;
	p->lx.pos = save;
	return false;
}

static struct vg_ast *parse_not(struct parser *p)
{
	struct vg_ast *child = NULL, *n;
	bool neg = false;
	size_t pos;

	if (!enter(p))
		goto out;
	vg_lex_blank(&p->lx);
	pos = p->lx.pos;
	while (lex_not(p))
		neg = !neg;
	if (vg_lex_lit(&p->lx, "not(")) {
		neg = !neg;
		child = parse_embedded_rest(p);
	} else {
		child = parse_check(p);
	}
	if (child && neg) {
		n = new_node(p, VG_AST_NOT, pos);
		if (!n || !(n->kids = calloc(1, sizeof(*n->kids)))) {
			if (n)
				nomem(p);
			vg_ast_free(n);
			vg_ast_free(child);
			child = NULL;
			goto out;
		}
		n->kids[0] = child;
		n->nkids = 1;
		child = n;
	}
out:
	leave(p);
	return child;
}

typedef struct vg_ast *(*parse_fn)(struct parser *p);

/* "and" and "or" share the shape: child (kw child)* -> n-ary node. */
static struct vg_ast *parse_nary(struct parser *p, enum vg_ast_kind kind, const char *kw,
				 parse_fn child_fn)
{
	struct vg_ast *n = NULL, *child, **kids;
	size_t pos;

	if (!enter(p))
		goto out;
	vg_lex_blank(&p->lx);
	pos = p->lx.pos;
	child = child_fn(p);
	if (!child)
		goto out;
	vg_lex_blank(&p->lx);
	while (lex_keyword(p, kw)) {
		if (!n) {
			n = new_node(p, kind, pos);
			if (!n) {
				vg_ast_free(child);
				goto out;
			}
		}
		kids = realloc(n->kids, (n->nkids + 1) * sizeof(*kids));
		if (!kids) {
			nomem(p);
			vg_ast_free(child);
			goto bad;
		}
		n->kids = kids;
		kids[n->nkids++] = child;
		if (vg_lex_lit(&p->lx, "(")) {
			child = parse_embedded_rest(p);
		} else {
			vg_lex_blank(&p->lx);
			child = child_fn(p);
		}
		if (!child)
			goto bad;
		vg_lex_blank(&p->lx);
	}
	if (!n) {
		n = child;
		goto out;
	}
	kids = realloc(n->kids, (n->nkids + 1) * sizeof(*kids));
	if (!kids) {
		nomem(p);
		vg_ast_free(child);
		goto bad;
	}
	n->kids = kids;
	kids[n->nkids++] = child;
	goto out;
bad:
	vg_ast_free(n);
	n = NULL;
out:
	leave(p);
	return n;
}

static struct vg_ast *parse_and(struct parser *p)
{
	return parse_nary(p, VG_AST_AND, "and", parse_not);
}

static struct vg_ast *parse_or(struct parser *p)
{
	return parse_nary(p, VG_AST_OR, "or", parse_and);
}

struct vg_ast *vg_parse_condition(const char *text, size_t len, const struct vg_cond_src *src,
				  unsigned max_depth, struct vg_parse_error *err)
{
	struct parser p = {
		.src = src, .max_depth = max_depth ? max_depth : VG_PARSE_MAX_DEPTH, .err = err};
	struct vg_ast *n;

	memset(err, 0, sizeof(*err));
	vg_lex_init(&p.lx, text, len);
	vg_lex_blank(&p.lx);
	if (vg_lex_eof(&p.lx)) {
		fail_at(&p, "E-EMPTY", 0, "condition is empty");
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		fail_at(&p, "E-PARSE", (size_t)((const char *)memchr(text, '\0', len) - text),
			"NUL byte in condition");
		return NULL;
	}
	n = parse_or(&p);
	if (n && !vg_lex_eof(&p.lx)) {
		fail(&p, "unexpected token, expecting 'and', 'or' or the end of the condition");
		vg_ast_free(n);
		return NULL;
	}
	if (!n && !p.failed)
		fail(&p, "invalid condition");
	return n;
}
