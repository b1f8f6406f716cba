// SPDX-License-Identifier: Apache-2.0
/*
 * List and macro expansion, in Falco's order: a list may name lists defined
 * before it, a macro sees the macros defined before its latest definition
 * or update, rules see them all. Everything here is bounded (compile.h,
 * "Limits"): what inlining would build is measured before it is built, and
 * an error names the chain of macros that crosses a bound. Apart because
 * it works on the YAML items and the AST only, never on compiled checks.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/compile_ctx.h"
#include "rules/lexer.h"
#include "rules/parser.h"

#define MAX_LIST_DEPTH 64

/* ---- lists ---- */

static struct vg_list_item *list_by_name(struct vg_ruleset *rs, const char *name, size_t len)
{
	for (size_t i = 0; i < rs->items.nlists; i++)
		if (strlen(rs->items.lists[i].name) == len &&
		    memcmp(rs->items.lists[i].name, name, len) == 0)
			return &rs->items.lists[i];
	return NULL;
}

/* Grows by doubling: a list of lists can be 200000 items, one at a time. */
static bool push_str(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (!vg_grow(v, cap, *n + 1, sizeof(**v)))
		return false;
	(*v)[*n] = strdup(s);
	if (!(*v)[*n])
		return false;
	(*n)++;
	return true;
}

/* Saturating: sizes of nested expansions may overflow long before the bounds are checked. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t max_nodes(const struct vg_ruleset *rs)
{
	return rs->opts.max_nodes ? rs->opts.max_nodes : VG_MAX_EXPANDED_NODES;
}

static uint64_t max_total_nodes(const struct vg_ruleset *rs)
{
	return rs->opts.max_total_nodes ? rs->opts.max_total_nodes : VG_MAX_RULESET_NODES;
}

static void list_too_large(struct vg_ruleset *rs, struct vg_list_item *l,
			   const struct vg_list_item *ref, bool total)
{
	const char *file = l->loc.file ? l->loc.file->path : NULL;
	char item[300];

	snprintf(item, sizeof(item), "list:%s", l->name);
	if (total)
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-EXPANSION", file, l->loc.line, l->loc.col,
			    item,
			    "expanding list '%s' in it takes all lists past %u items together",
			    ref->name, VG_MAX_RULESET_ITEMS);
	else
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-EXPANSION", file, l->loc.line, l->loc.col,
			    item, "expands past %u items through list '%s'", VG_MAX_LIST_ITEMS,
			    ref->name);
}

/*
 * Expands a list's items: an unquoted item naming a list defined before
 * this list's latest definition is replaced by that list's items. Lists
 * naming a list twice double at each step, so the count is checked before
 * each copy (E-EXPANSION; the list then fails and stays unexpanded).
 */
bool vg_expand_list(struct vg_ruleset *rs, struct vg_list_item *l, int depth)
{
	if (l->state == 2)
		return true;
	if (l->state == 1 || l->state == 3 || depth > MAX_LIST_DEPTH)
		return false; /* a cycle: keep the names as plain items */
	l->state = 1;
	for (size_t i = 0; i < l->n; i++) {
		struct vg_list_item *ref =
			l->quoted[i] ? NULL : list_by_name(rs, l->items[i], strlen(l->items[i]));

		if (ref && ref != l && ref->index < l->visibility &&
		    vg_expand_list(rs, ref, depth + 1)) {
			ref->used = true;
			if (l->nx + ref->nx > VG_MAX_LIST_ITEMS ||
			    rs->compiled.xitems_total + ref->nx > VG_MAX_RULESET_ITEMS) {
				list_too_large(rs, l, ref, l->nx + ref->nx <= VG_MAX_LIST_ITEMS);
				l->state = 3;
				return false;
			}
			rs->compiled.xitems_total += ref->nx;
			for (size_t j = 0; j < ref->nx; j++)
				if (!push_str(&l->xitems, &l->nx, &l->cx, ref->xitems[j]))
					return false;
			continue;
		}
		if (!push_str(&l->xitems, &l->nx, &l->cx, l->items[i]))
			return false;
	}
	l->state = 2;
	return true;
}

/*
 * Falco substitutes lists as text and then parses, so an item that starts
 * with a quote is a quoted string in the condition; mirror that here.
 */
static bool list_item_value(const char *s, char **out, size_t *len, bool *quoted)
{
	struct vg_lexer lx;
	size_t errpos;

	*quoted = false;
	if (s[0] == '"' || s[0] == '\'') {
		vg_lex_init(&lx, s, strlen(s));
		if (vg_lex_quoted(&lx, out, len, &errpos) == VG_LEX_QUOTED && vg_lex_eof(&lx)) {
			*quoted = true;
			return true;
		}
	}
	*len = strlen(s);
	*out = vg_strndup0(s, *len);
	return *out != NULL;
}

/* How substituting lists into one condition went, for its message. */
struct subst {
	uint64_t items;	  /* list items copied into this condition */
	const char *list; /* the list whose copy would pass a bound */
	enum { SUBST_OK, SUBST_NOMEM, SUBST_ITEM, SUBST_TOTAL } why;
};

/*
 * Copies a list's items into an operand, once the bounds allow: list
 * names are replaced when the condition is parsed, before macros are
 * measured, so a condition naming a big list many times is caught here.
 */
static bool copy_list_items(struct vg_ruleset *rs, struct vg_list_item *l, uint32_t pos,
			    struct vg_ast_item **items, size_t *n, size_t *cap, struct subst *st)
{
	if (st->items + l->nx > max_nodes(rs) ||
	    rs->compiled.xitems_total + l->nx > VG_MAX_RULESET_ITEMS) {
		st->why = st->items + l->nx > max_nodes(rs) ? SUBST_ITEM : SUBST_TOTAL;
		st->list = l->name;
		return false;
	}
	st->items += l->nx;
	rs->compiled.xitems_total += l->nx;
	if (!vg_grow(items, cap, *n + l->nx, sizeof(**items)))
		goto nomem;
	for (size_t j = 0; j < l->nx; j++) {
		struct vg_ast_item *it = &(*items)[*n];

		it->pos = pos;
		if (!list_item_value(l->xitems[j], &it->s, &it->len, &it->quoted))
			goto nomem;
		(*n)++;
	}
	return true;
nomem:
	st->why = SUBST_NOMEM;
	return false;
}

/* Replaces list names inside "(...)" operands by the lists' items. */
static bool subst_lists_opnd(struct vg_ruleset *rs, struct vg_ast_opnd *o, struct subst *st)
{
	struct vg_ast_item *items = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < o->nargs; i++)
		if (!subst_lists_opnd(rs, o->args[i], st))
			return false;
	if (o->kind != VG_OPND_LIST)
		return true;
	for (size_t i = 0; i < o->nitems; i++) {
		struct vg_ast_item *it = &o->items[i];
		struct vg_list_item *l = it->quoted ? NULL : list_by_name(rs, it->s, it->len);

		if (!l || !vg_expand_list(rs, l, 0)) {
			if (!vg_grow(&items, &cap, n + 1, sizeof(*items))) {
				st->why = SUBST_NOMEM;
				goto fail;
			}
			items[n++] = *it;
			it->s = NULL;
			continue;
		}
		l->used = true;
		if (!copy_list_items(rs, l, it->pos, &items, &n, &cap, st))
			goto fail;
	}
	for (size_t i = 0; i < o->nitems; i++)
		free(o->items[i].s);
	free(o->items);
	o->items = items;
	o->nitems = n;
	return true;
fail:
	/* items taken over from o are NULL there: the caller frees the rest of the tree */
	for (size_t i = 0; i < n; i++)
		free(items[i].s);
	free(items);
	return false;
}

static bool subst_lists(struct vg_ruleset *rs, struct vg_ast *n, struct subst *st)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (!subst_lists(rs, n->kids[i], st))
			return false;
	if (n->kind != VG_AST_CHECK)
		return true;
	return (!n->lhs || subst_lists_opnd(rs, n->lhs, st)) &&
	       (!n->rhs || subst_lists_opnd(rs, n->rhs, st));
}

/* ---- macros ---- */

static struct vg_macro_item *macro_by_name(struct vg_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->items.nmacros; i++)
		if (strcmp(rs->items.macros[i].name, name) == 0)
			return &rs->items.macros[i];
	return NULL;
}

struct vg_ast *vg_parse_cond(struct vg_cctx *c, const char *text, const struct vg_cond_src *src)
{
	struct vg_parse_error err;
	struct subst st = {0};
	struct vg_ast *ast;
	size_t len = strlen(text);

	/* appends and exceptions glue text together: bound what the parser builds from */
	if (len > VG_MAX_CONDITION_BYTES) {
		vg_cdiag(c, VG_DIAG_ERROR, src, 0, "E-EXPANSION",
			 "condition is %zu bytes (appends and exceptions included), more than %u",
			 len, VG_MAX_CONDITION_BYTES);
		return NULL;
	}
	ast = vg_parse_condition(text, len, src, VG_PARSE_MAX_DEPTH, &err);
	if (!ast) {
		vg_cdiag(c, VG_DIAG_ERROR, src, err.pos, err.code, "%s", err.msg);
		return NULL;
	}
	if (!subst_lists(c->rs, ast, &st)) {
		if (st.why == SUBST_ITEM)
			vg_cdiag(c, VG_DIAG_ERROR, src, 0, "E-EXPANSION",
				 "condition expands past %llu nodes through list '%s'",
				 (unsigned long long)max_nodes(c->rs), st.list);
		else if (st.why == SUBST_TOTAL)
			vg_cdiag(c, VG_DIAG_ERROR, src, 0, "E-EXPANSION",
				 "copying list '%s' takes the list items copied past %u together",
				 st.list, VG_MAX_RULESET_ITEMS);
		else
			vg_cdiag(c, VG_DIAG_ERROR, src, 0, "E-NOMEM", "out of memory");
		vg_ast_free(ast);
		return NULL;
	}
	return ast;
}

static uint64_t opnd_nodes(const struct vg_ast_opnd *o)
{
	uint64_t n = 1 + (uint64_t)o->nitems;

	for (size_t i = 0; i < o->nargs; i++)
		n = sat_add(n, opnd_nodes(o->args[i]));
	return n;
}

/* The macro a reference names, resolved (measured, and built when within bounds). */
static struct vg_macro_item *macro_ref(struct vg_cctx *c, const struct vg_ast *n,
				       uint32_t visibility, unsigned nesting)
{
	struct vg_macro_item *m = macro_by_name(c->rs, n->name);

	if (!m || m->index >= visibility) {
		vg_cdiag(c, VG_DIAG_ERROR, n->src, n->pos, "E-UNDEFINED-MACRO",
			 "undefined macro '%s'%s", n->name,
			 m ? " (it is defined after this point)" : "");
		return NULL;
	}
	m->used = true;
	if (m->state == 1) {
		vg_cdiag(c, VG_DIAG_ERROR, n->src, n->pos, "E-MACRO-LOOP",
			 "macro '%s' refers to itself", n->name);
		return NULL;
	}
	if (!vg_resolve_macro(c, m, nesting + 1)) {
		vg_cdiag(c, VG_DIAG_ERROR, n->src, n->pos, "E-MACRO", "macro '%s' has errors",
			 n->name);
		return NULL;
	}
	return m;
}

/*
 * Measures what inlining the macros of tree n would build, from the sizes
 * of the macros it names (each measured once, bottom-up), so that the
 * check costs as much as the text and nothing is built before it passes.
 */
bool vg_measure(struct vg_cctx *c, const struct vg_ast *n, uint32_t visibility, unsigned nesting,
		struct vg_xsize *out)
{
	struct vg_xsize k;

	memset(out, 0, sizeof(*out));
	if (n->kind == VG_AST_MACRO) {
		struct vg_macro_item *m = macro_ref(c, n, visibility, nesting);

		if (!m)
			return false;
		*out = (struct vg_xsize){m->xnodes, m->xheight, m->xchain, m, n};
		return true;
	}
	out->nodes = 1;
	if (n->lhs)
		out->nodes = sat_add(out->nodes, opnd_nodes(n->lhs));
	if (n->rhs)
		out->nodes = sat_add(out->nodes, opnd_nodes(n->rhs));
	for (size_t i = 0; i < n->nkids; i++) {
		if (!vg_measure(c, n->kids[i], visibility, nesting, &k))
			return false;
		out->nodes = sat_add(out->nodes, k.nodes);
		out->height = k.height > out->height ? k.height : out->height;
		out->chain = k.chain > out->chain ? k.chain : out->chain;
		if (k.via && (!out->via || k.nodes > out->via->xnodes)) {
			out->via = k.via;
			out->where = k.where;
		}
	}
	out->height++;
	return true;
}

static bool past_bounds(const struct vg_ruleset *rs, const struct vg_macro_item *m)
{
	return m->xnodes > max_nodes(rs) || m->xheight > VG_MAX_EXPANDED_HEIGHT ||
	       m->xchain > VG_MAX_MACRO_NESTING;
}

/*
 * "m24 -> m23 -> ... -> m17": from the heaviest macro named, each one's
 * heaviest, down to the last that is past the bounds by itself (where the
 * bound is crossed). Long chains keep their ends.
 */
static void chain_text(const struct vg_ruleset *rs, const struct vg_macro_item *m, char *buf,
		       size_t len)
{
	const struct vg_macro_item *v[VG_MAX_MACRO_NESTING + 2];
	size_t n = 0, off = 0;

	for (; m && n < VG_MAX_MACRO_NESTING + 2; m = m->xvia) {
		v[n++] = m;
		if (!m->xvia || !past_bounds(rs, m->xvia))
			break;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		if (n > 8 && i == 3) {
			off += (size_t)snprintf(buf + off, len - off, " -> ...");
			i = n - 4;
			continue;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s%.60s", i ? " -> " : "",
					v[i]->name);
	}
}

/*
 * Checks a measured tree against the bounds; says which one it passes
 * and through which macros. The error sits where the heaviest macro is
 * named, or at the condition's start.
 */
bool vg_within_bounds(struct vg_cctx *c, const struct vg_xsize *x, const struct vg_cond_src *src)
{
	const struct vg_cond_src *at = x->where ? x->where->src : src;
	uint32_t pos = x->where ? x->where->pos : 0;
	char chain[400] = "", via[sizeof(chain) + 32] = "";

	if (x->via) {
		chain_text(c->rs, x->via, chain, sizeof(chain));
		snprintf(via, sizeof(via), " through macro chain %s", chain);
	}
	if (x->chain > VG_MAX_MACRO_NESTING) {
		vg_cdiag(c, VG_DIAG_ERROR, at, pos, "E-DEPTH", "macros nest deeper than %d%s",
			 VG_MAX_MACRO_NESTING, via);
		return false;
	}
	if (x->height > VG_MAX_EXPANDED_HEIGHT) {
		vg_cdiag(c, VG_DIAG_ERROR, at, pos, "E-DEPTH",
			 "condition nests deeper than %d once macros are inlined%s",
			 VG_MAX_EXPANDED_HEIGHT, via);
		return false;
	}
	if (x->nodes > max_nodes(c->rs)) {
		vg_cdiag(c, VG_DIAG_ERROR, at, pos, "E-EXPANSION",
			 "condition expands past %llu nodes%s",
			 (unsigned long long)max_nodes(c->rs), via);
		return false;
	}
	if (sat_add(c->rs->compiled.xnodes_total, x->nodes) > max_total_nodes(c->rs)) {
		vg_cdiag(c, VG_DIAG_ERROR, at, pos, "E-EXPANSION",
			 "condition (%llu nodes) takes all rules and macros past %llu nodes "
			 "together",
			 (unsigned long long)x->nodes, (unsigned long long)max_total_nodes(c->rs));
		return false;
	}
	return true;
}

/* Counts a tree about to be built against the ruleset's total. */
void vg_account(struct vg_ruleset *rs, const struct vg_xsize *x)
{
	rs->compiled.xnodes_total = sat_add(rs->compiled.xnodes_total, x->nodes);
	if (x->nodes > rs->compiled.xmax.largest)
		rs->compiled.xmax.largest = x->nodes;
	if (x->height > rs->compiled.xmax.height)
		rs->compiled.xmax.height = x->height;
	if (x->chain > rs->compiled.xmax.nesting)
		rs->compiled.xmax.nesting = x->chain;
}

/*
 * Inlines macro references in *np. A reference resolves to a macro whose
 * first definition precedes the referrer's visibility mark. Called after
 * measure: every macro named is resolved and within the bounds.
 */
bool vg_inline_macros(struct vg_cctx *c, struct vg_ast **np, uint32_t visibility)
{
	struct vg_ast *n = *np, *copy;
	struct vg_macro_item *m;

	if (n->kind != VG_AST_MACRO) {
		for (size_t i = 0; i < n->nkids; i++)
			if (!vg_inline_macros(c, &n->kids[i], visibility))
				return false;
		return true;
	}
	m = macro_by_name(c->rs, n->name);
	if (!m || m->index >= visibility || m->state != 2 || !m->resolved)
		return false;
	copy = vg_ast_clone(m->resolved);
	if (!copy)
		return false;
	vg_ast_free(n);
	*np = copy;
	return true;
}

/*
 * Measures a macro from the macros it names, then builds its inlined
 * tree if that stays within the bounds. A macro past them is not an
 * error by itself (state 4): the rule or macro using it is, and names the
 * chain; an unused one is reported at the end (unused_warnings).
 */
bool vg_resolve_macro(struct vg_cctx *outer, struct vg_macro_item *m, unsigned nesting)
{
	struct vg_cctx c = {.rs = outer->rs, .kind = "macro", .name = m->name, .src = &m->src};
	struct vg_ast *ast;
	struct vg_xsize x;

	if (m->state == 2 || m->state == 4)
		return true;
	if (m->state != 0 || !m->ast)
		return false;
	if (nesting > VG_MAX_MACRO_NESTING) {
		/* only reached through macros redefined later: bounds the recursion */
		vg_cdiag(&c, VG_DIAG_ERROR, &m->src, 0, "E-DEPTH", "macros nest deeper than %d",
			 VG_MAX_MACRO_NESTING);
		m->state = 3;
		return false;
	}
	m->state = 1;
	if (!vg_measure(&c, m->ast, m->visibility, nesting, &x)) {
		m->state = 3;
		return false;
	}
	m->xnodes = x.nodes;
	m->xheight = x.height;
	m->xchain = ++x.chain;
	m->xvia = x.via;
	if (x.nodes > max_nodes(c.rs) || x.height > VG_MAX_EXPANDED_HEIGHT ||
	    m->xchain > VG_MAX_MACRO_NESTING ||
	    sat_add(c.rs->compiled.xnodes_total, x.nodes) > max_total_nodes(c.rs)) {
		m->state = 4;
		return true;
	}
	vg_account(c.rs, &x);
	ast = vg_ast_clone(m->ast);
	if (!ast || !vg_inline_macros(&c, &ast, m->visibility)) {
		vg_ast_free(ast);
		vg_cdiag(&c, VG_DIAG_ERROR, &m->src, 0, "E-NOMEM", "out of memory");
		m->state = 3;
		return false;
	}
	m->resolved = ast;
	m->state = 2;
	return true;
}
