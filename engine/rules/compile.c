// SPDX-License-Identifier: Apache-2.0
/*
 * Ruleset compiler, in Falco's order: lists are expanded (a list may name
 * lists defined before it), macro conditions are parsed and resolved (a
 * macro sees the macros defined before its latest definition or update,
 * rules see them all), then each rule's condition gets its exceptions,
 * lists and macros and is compiled to an evaluation tree.
 */
#include "rules/compile.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rules/rules_internal.h"
#include "rules/lexer.h"
#include "rules/parser.h"

#define MAX_LIST_DEPTH	64
#define DEFAULT_SCRATCH (1u << 20)

/* ---- priorities ---- */

static const char *const prio_names[] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

const char *vg_priority_name(enum vg_priority p)
{
	return (unsigned)p < 8 ? prio_names[p] : "Unknown";
}

int vg_priority_parse(const char *s)
{
	for (int i = 0; i < 8; i++)
		if (strcasecmp(s, prio_names[i]) == 0)
			return i;
	if (strcasecmp(s, "info") == 0)
		return VG_PRIO_INFORMATIONAL;
	return -1;
}

/* ---- diagnostics at a position in a condition ---- */

struct cctx {
	struct vg_ruleset *rs;
	const char *kind, *name;       /* the item being compiled */
	const struct vg_cond_src *src; /* its condition */
	bool skip_unknown;
	bool unknown_hit; /* an unknown field / event type (for skip-if-unknown-filter) */
	const struct vg_scalar_loc *loc; /* the item, for messages about no position */
	unsigned depth;			 /* deepest transformer nesting seen */
};

/* Where a node's condition text came from, as file:line:col. */
static void src_loc(const struct vg_cond_src *src, uint32_t pos, const char **file, int *line,
		    int *col)
{
	const struct vg_textmap *m = src ? src->loc_ctx : NULL;

	*file = NULL;
	*line = *col = 0;
	if (m)
		vg_textmap_loc(m, pos, src->text, file, line, col);
}

__attribute__((format(printf, 6, 7))) static void cdiag(struct cctx *c, enum vg_diag_level lvl,
							const struct vg_cond_src *src, uint32_t pos,
							const char *code, const char *fmt, ...)
{
	char msg[600], item[300];
	const char *file;
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	src_loc(src, pos, &file, &line, &col);
	if (!src && c->loc)
		vg_scalar_linecol(c->loc, &file, &line, &col);
	snprintf(item, sizeof(item), "%s:%s", c->kind, c->name);
	if (src && src->item && strcmp(src->item, c->name) != 0)
		vg_diag_add(&c->rs->diags, lvl, code, file, line, col, item, "%s (in macro '%s')",
			    msg, src->item);
	else
		vg_diag_add(&c->rs->diags, lvl, code, file, line, col, item, "%s", msg);
}

/* ---- lists ---- */

static struct vg_list_item *list_by_name(struct vg_ruleset *rs, const char *name, size_t len)
{
	for (size_t i = 0; i < rs->nlists; i++)
		if (strlen(rs->lists[i].name) == len && memcmp(rs->lists[i].name, name, len) == 0)
			return &rs->lists[i];
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
static bool expand_list(struct vg_ruleset *rs, struct vg_list_item *l, int depth)
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
		    expand_list(rs, ref, depth + 1)) {
			ref->used = true;
			if (l->nx + ref->nx > VG_MAX_LIST_ITEMS ||
			    rs->xitems_total + ref->nx > VG_MAX_RULESET_ITEMS) {
				list_too_large(rs, l, ref, l->nx + ref->nx <= VG_MAX_LIST_ITEMS);
				l->state = 3;
				return false;
			}
			rs->xitems_total += ref->nx;
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
	if (st->items + l->nx > max_nodes(rs) || rs->xitems_total + l->nx > VG_MAX_RULESET_ITEMS) {
		st->why = st->items + l->nx > max_nodes(rs) ? SUBST_ITEM : SUBST_TOTAL;
		st->list = l->name;
		return false;
	}
	st->items += l->nx;
	rs->xitems_total += l->nx;
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

		if (!l || !expand_list(rs, l, 0)) {
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
	for (size_t i = 0; i < rs->nmacros; i++)
		if (strcmp(rs->macros[i].name, name) == 0)
			return &rs->macros[i];
	return NULL;
}

static struct vg_ast *parse_cond(struct cctx *c, const char *text, const struct vg_cond_src *src)
{
	struct vg_parse_error err;
	struct subst st = {0};
	struct vg_ast *ast;
	size_t len = strlen(text);

	/* appends and exceptions glue text together: bound what the parser builds from */
	if (len > VG_MAX_CONDITION_BYTES) {
		cdiag(c, VG_DIAG_ERROR, src, 0, "E-EXPANSION",
		      "condition is %zu bytes (appends and exceptions included), more than %u", len,
		      VG_MAX_CONDITION_BYTES);
		return NULL;
	}
	ast = vg_parse_condition(text, len, src, VG_PARSE_MAX_DEPTH, &err);
	if (!ast) {
		cdiag(c, VG_DIAG_ERROR, src, err.pos, err.code, "%s", err.msg);
		return NULL;
	}
	if (!subst_lists(c->rs, ast, &st)) {
		if (st.why == SUBST_ITEM)
			cdiag(c, VG_DIAG_ERROR, src, 0, "E-EXPANSION",
			      "condition expands past %llu nodes through list '%s'",
			      (unsigned long long)max_nodes(c->rs), st.list);
		else if (st.why == SUBST_TOTAL)
			cdiag(c, VG_DIAG_ERROR, src, 0, "E-EXPANSION",
			      "copying list '%s' takes the list items copied past %u together",
			      st.list, VG_MAX_RULESET_ITEMS);
		else
			cdiag(c, VG_DIAG_ERROR, src, 0, "E-NOMEM", "out of memory");
		vg_ast_free(ast);
		return NULL;
	}
	return ast;
}

static bool resolve_macro(struct cctx *c, struct vg_macro_item *m, unsigned nesting);

/* What inlining a tree builds: its size, height and macro nesting. */
struct xsize {
	uint64_t nodes; /* AST nodes and list items */
	uint32_t height;
	uint32_t chain;		    /* macros nested, the outermost included */
	struct vg_macro_item *via;  /* the macro named in it that weighs most */
	const struct vg_ast *where; /* where that macro is named */
};

static uint64_t opnd_nodes(const struct vg_ast_opnd *o)
{
	uint64_t n = 1 + (uint64_t)o->nitems;

	for (size_t i = 0; i < o->nargs; i++)
		n = sat_add(n, opnd_nodes(o->args[i]));
	return n;
}

/* The macro a reference names, resolved (measured, and built when within bounds). */
static struct vg_macro_item *macro_ref(struct cctx *c, const struct vg_ast *n, uint32_t visibility,
				       unsigned nesting)
{
	struct vg_macro_item *m = macro_by_name(c->rs, n->name);

	if (!m || m->index >= visibility) {
		cdiag(c, VG_DIAG_ERROR, n->src, n->pos, "E-UNDEFINED-MACRO",
		      "undefined macro '%s'%s", n->name,
		      m ? " (it is defined after this point)" : "");
		return NULL;
	}
	m->used = true;
	if (m->state == 1) {
		cdiag(c, VG_DIAG_ERROR, n->src, n->pos, "E-MACRO-LOOP",
		      "macro '%s' refers to itself", n->name);
		return NULL;
	}
	if (!resolve_macro(c, m, nesting + 1)) {
		cdiag(c, VG_DIAG_ERROR, n->src, n->pos, "E-MACRO", "macro '%s' has errors",
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
static bool measure(struct cctx *c, const struct vg_ast *n, uint32_t visibility, unsigned nesting,
		    struct xsize *out)
{
	struct xsize k;

	memset(out, 0, sizeof(*out));
	if (n->kind == VG_AST_MACRO) {
		struct vg_macro_item *m = macro_ref(c, n, visibility, nesting);

		if (!m)
			return false;
		*out = (struct xsize){m->xnodes, m->xheight, m->xchain, m, n};
		return true;
	}
	out->nodes = 1;
	if (n->lhs)
		out->nodes = sat_add(out->nodes, opnd_nodes(n->lhs));
	if (n->rhs)
		out->nodes = sat_add(out->nodes, opnd_nodes(n->rhs));
	for (size_t i = 0; i < n->nkids; i++) {
		if (!measure(c, n->kids[i], visibility, nesting, &k))
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
static bool within_bounds(struct cctx *c, const struct xsize *x, const struct vg_cond_src *src)
{
	const struct vg_cond_src *at = x->where ? x->where->src : src;
	uint32_t pos = x->where ? x->where->pos : 0;
	char chain[400] = "", via[sizeof(chain) + 32] = "";

	if (x->via) {
		chain_text(c->rs, x->via, chain, sizeof(chain));
		snprintf(via, sizeof(via), " through macro chain %s", chain);
	}
	if (x->chain > VG_MAX_MACRO_NESTING) {
		cdiag(c, VG_DIAG_ERROR, at, pos, "E-DEPTH", "macros nest deeper than %d%s",
		      VG_MAX_MACRO_NESTING, via);
		return false;
	}
	if (x->height > VG_MAX_EXPANDED_HEIGHT) {
		cdiag(c, VG_DIAG_ERROR, at, pos, "E-DEPTH",
		      "condition nests deeper than %d once macros are inlined%s",
		      VG_MAX_EXPANDED_HEIGHT, via);
		return false;
	}
	if (x->nodes > max_nodes(c->rs)) {
		cdiag(c, VG_DIAG_ERROR, at, pos, "E-EXPANSION",
		      "condition expands past %llu nodes%s", (unsigned long long)max_nodes(c->rs),
		      via);
		return false;
	}
	if (sat_add(c->rs->xnodes_total, x->nodes) > max_total_nodes(c->rs)) {
		cdiag(c, VG_DIAG_ERROR, at, pos, "E-EXPANSION",
		      "condition (%llu nodes) takes all rules and macros past %llu nodes together",
		      (unsigned long long)x->nodes, (unsigned long long)max_total_nodes(c->rs));
		return false;
	}
	return true;
}

/* Counts a tree about to be built against the ruleset's total. */
static void account(struct vg_ruleset *rs, const struct xsize *x)
{
	rs->xnodes_total = sat_add(rs->xnodes_total, x->nodes);
	if (x->nodes > rs->xmax.largest)
		rs->xmax.largest = x->nodes;
	if (x->height > rs->xmax.height)
		rs->xmax.height = x->height;
	if (x->chain > rs->xmax.nesting)
		rs->xmax.nesting = x->chain;
}

/*
 * Inlines macro references in *np. A reference resolves to a macro whose
 * first definition precedes the referrer's visibility mark. Called after
 * measure: every macro named is resolved and within the bounds.
 */
static bool inline_macros(struct cctx *c, struct vg_ast **np, uint32_t visibility)
{
	struct vg_ast *n = *np, *copy;
	struct vg_macro_item *m;

	if (n->kind != VG_AST_MACRO) {
		for (size_t i = 0; i < n->nkids; i++)
			if (!inline_macros(c, &n->kids[i], visibility))
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
static bool resolve_macro(struct cctx *outer, struct vg_macro_item *m, unsigned nesting)
{
	struct cctx c = {.rs = outer->rs, .kind = "macro", .name = m->name, .src = &m->src};
	struct vg_ast *ast;
	struct xsize x;

	if (m->state == 2 || m->state == 4)
		return true;
	if (m->state != 0 || !m->ast)
		return false;
	if (nesting > VG_MAX_MACRO_NESTING) {
		/* only reached through macros redefined later: bounds the recursion */
		cdiag(&c, VG_DIAG_ERROR, &m->src, 0, "E-DEPTH", "macros nest deeper than %d",
		      VG_MAX_MACRO_NESTING);
		m->state = 3;
		return false;
	}
	m->state = 1;
	if (!measure(&c, m->ast, m->visibility, nesting, &x)) {
		m->state = 3;
		return false;
	}
	m->xnodes = x.nodes;
	m->xheight = x.height;
	m->xchain = ++x.chain;
	m->xvia = x.via;
	if (x.nodes > max_nodes(c.rs) || x.height > VG_MAX_EXPANDED_HEIGHT ||
	    m->xchain > VG_MAX_MACRO_NESTING ||
	    sat_add(c.rs->xnodes_total, x.nodes) > max_total_nodes(c.rs)) {
		m->state = 4;
		return true;
	}
	account(c.rs, &x);
	ast = vg_ast_clone(m->ast);
	if (!ast || !inline_macros(&c, &ast, m->visibility)) {
		vg_ast_free(ast);
		cdiag(&c, VG_DIAG_ERROR, &m->src, 0, "E-NOMEM", "out of memory");
		m->state = 3;
		return false;
	}
	m->resolved = ast;
	m->state = 2;
	return true;
}

/* ---- exceptions -> condition text, as Falco builds it ---- */

static void quote_item(struct vg_sb *b, const char *s)
{
	/* Falco quotes an item with a space unless it is quoted already */
	if (strchr(s, ' ') && s[0] != '"' && s[0] != '\'') {
		vg_sb_putc(b, '"');
		vg_sb_puts(b, s);
		vg_sb_putc(b, '"');
	} else {
		vg_sb_puts(b, s);
	}
}

static void exception_text(struct vg_sb *b, const struct vg_exception *x, bool *bad)
{
	struct vg_sb ic;

	vg_sb_init(&ic);
	if (!x->fields_is_list) {
		for (size_t i = 0; i < x->nvalues; i++) {
			if (x->values[i].is_list) {
				*bad = true;
				continue;
			}
			vg_sb_printf(&ic, ic.len ? ", " : "(%s %s (", x->fields[0], x->comps[0]);
			quote_item(&ic, x->values[i].item);
		}
		if (ic.len)
			vg_sb_puts(&ic, "))");
	} else {
		for (size_t i = 0; i < x->nvalues; i++) {
			const struct vg_exc_value *row = &x->values[i];

			if (!row->is_list || row->n != x->nfields) {
				*bad = true;
				continue;
			}
			vg_sb_puts(&ic, ic.len ? " or (" : "((");
			for (size_t k = 0; k < x->nfields; k++) {
				const struct vg_exc_value *v = &row->items[k];

				vg_sb_printf(&ic, "%s%s %s ", k ? " and " : "", x->fields[k],
					     x->comps[k]);
				if (v->is_list) {
					vg_sb_putc(&ic, '(');
					for (size_t j = 0; j < v->n; j++) {
						if (j)
							vg_sb_puts(&ic, ", ");
						quote_item(&ic, v->items[j].item ? v->items[j].item
										 : "");
					}
					vg_sb_putc(&ic, ')');
				} else if (vg_op_is_list((enum vg_op)vg_op_lookup(x->comps[k]))) {
					bool paren = v->item[0] != '(';

					if (paren)
						vg_sb_putc(&ic, '(');
					vg_sb_puts(&ic, v->item);
					if (paren)
						vg_sb_putc(&ic, ')');
				} else {
					quote_item(&ic, v->item);
				}
			}
			vg_sb_putc(&ic, ')');
		}
		if (ic.len)
			vg_sb_putc(&ic, ')');
	}
	if (ic.len) {
		vg_sb_puts(b, " and not ");
		vg_sb_putn(b, ic.s, ic.len);
	}
	vg_sb_free(&ic);
}

/* ---- operands ---- */

void vg_cexpr_free(struct vg_cexpr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nargs; i++)
		vg_cexpr_free(e->args[i]);
	free(e->args);
	free(e->arg_owned);
	free(e->cstr);
	free(e->text);
	free(e);
}

static char *opnd_text(const struct vg_ast_opnd *o)
{
	struct vg_sb b;

	vg_sb_init(&b);
	switch (o->kind) {
	case VG_OPND_FIELD:
		vg_sb_puts(&b, o->name);
		if (o->arg)
			vg_sb_printf(&b, "[%s]", o->arg);
		break;
	case VG_OPND_XFORM:
		vg_sb_printf(&b, "%s(", vg_xform_name(o->xf));
		for (size_t i = 0; i < o->nargs; i++) {
			char *t = opnd_text(o->args[i]);

			vg_sb_printf(&b, "%s%s", i ? ", " : "", t ? t : "");
			free(t);
		}
		vg_sb_putc(&b, ')');
		break;
	default:
		if (o->nitems)
			vg_sb_printf(&b, "\"%s\"", o->items[0].s);
		break;
	}
	return vg_sb_take(&b);
}

#define SET_ERR(code, ...)                                                                         \
	do {                                                                                       \
		*errcode = (code);                                                                 \
		snprintf(err, errlen, __VA_ARGS__);                                                \
	} while (0)

/* Warn mode: remembers (once) a field the rule being compiled uses that nothing extracts. */
static void note_unextracted(struct vg_ruleset *rs, const char *name)
{
	char *u = rs->unextracted;
	size_t n = strlen(name), have = strlen(u);
	const char *p = u;

	while ((p = strstr(p, name))) {
		if ((p == u || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	if (have + n + 3 < sizeof(rs->unextracted))
		snprintf(u + have, sizeof(rs->unextracted) - have, "%s%s", have ? ", " : "", name);
}

/*
 * A field that is registered (Falco has it) but that vigil never extracts is
 * always missing: a check on it never matches. That is a load error at the
 * field, or with unsupported_fields: warn, a warning naming the rule.
 * %container.info is the exception: Falco's outputs expand it to nothing.
 */
static bool field_extracted(struct vg_ruleset *rs, const struct vg_field_def *def,
			    const char **errcode, char *err, size_t errlen)
{
	if ((def->flags & VG_FF_LIVE) ||
	    (rs->in_output && strcmp(def->name, "container.info") == 0))
		return true;
	if (rs->opts.unsupported_fields == VG_UNSUPPORTED_WARN) {
		note_unextracted(rs, def->name);
		return true;
	}
	SET_ERR("E-NOT-EXTRACTED",
		"'%s' is not extracted by vigil: it is always missing, so the rule could never "
		"match on it (`vigil fields` marks the live fields; the config key "
		"unsupported_fields: warn loads such rules with a warning)",
		def->name);
	return false;
}

static struct vg_cexpr *compile_field(struct vg_ruleset *rs, const struct vg_ast_opnd *o,
				      const char **errcode, char *err, size_t errlen)
{
	const struct vg_field_def *def;
	const char *dotarg, *berr;
	struct vg_cexpr *e;

	def = vg_field_lookup(o->name, &dotarg);
	if (!def) {
		SET_ERR("E-UNKNOWN-FIELD", "'%s' is not a supported field", o->name);
		return NULL;
	}
	if (!field_extracted(rs, def, errcode, err, errlen))
		return NULL;
	if (dotarg && o->arg) {
		SET_ERR("E-FIELD-ARG", "'%s' has two arguments", o->name);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		SET_ERR("E-NOMEM", "out of memory");
		return NULL;
	}
	e->kind = CX_FIELD;
	if (dotarg || o->arg) {
		e->arg_owned = strdup(dotarg ? dotarg : o->arg);
		if (!e->arg_owned)
			goto nomem;
	}
	berr = vg_field_bind(&e->ref, def, e->arg_owned);
	if (berr) {
		SET_ERR("E-FIELD-ARG", "%s: %s", def->name, berr);
		vg_cexpr_free(e);
		return NULL;
	}
	e->type = def->type;
	e->multi =
		(def->flags & VG_FF_LIST) ||
		((def->flags & VG_FF_ANY) && !(def->arg == VG_FARG_OPT_INDEX && e->ref.index >= 0));
	e->text = opnd_text(o);
	if (!e->text)
		goto nomem;
	return e;
nomem:
	SET_ERR("E-NOMEM", "out of memory");
	vg_cexpr_free(e);
	return NULL;
}

/* Checks a transformer's arity and argument types; sets e->type. */
static bool check_xform(struct vg_cexpr *e, const char **errcode, char *err, size_t errlen)
{
	const char *name = vg_xform_name(e->xf);

	switch (e->xf) {
	case VG_XF_TOLOWER:
	case VG_XF_TOUPPER:
	case VG_XF_B64:
	case VG_XF_BASENAME:
		if (e->nargs != 1 || !vg_is_stringish(e->args[0]->type)) {
			SET_ERR("E-TRANSFORMER", "%s() takes one string field", name);
			return false;
		}
		e->type = VG_FT_STRING;
		e->multi = e->args[0]->multi;
		return true;
	case VG_XF_LEN:
		if (e->nargs != 1) {
			SET_ERR("E-TRANSFORMER", "len() takes one field");
			return false;
		}
		e->type = VG_FT_U64;
		return true;
	case VG_XF_JOIN:
	case VG_XF_GETOPT:
		if (e->nargs != 2 || e->args[0]->kind != CX_CONST ||
		    !vg_is_stringish(e->args[1]->type)) {
			SET_ERR("E-TRANSFORMER", "%s() takes a quoted string and a string field",
				name);
			return false;
		}
		e->type = VG_FT_STRING;
		return true;
	case VG_XF_CONCAT:
		if (e->nargs < 2) {
			SET_ERR("E-TRANSFORMER", "concat() takes two or more arguments");
			return false;
		}
		for (size_t i = 0; i < e->nargs; i++) {
			if (!vg_is_stringish(e->args[i]->type)) {
				SET_ERR("E-TRANSFORMER", "concat() arguments must be strings");
				return false;
			}
		}
		e->type = VG_FT_STRING;
		return true;
	case VG_XF_VAL:
		if (e->nargs != 1 ||
		    (e->args[0]->kind != CX_FIELD && e->args[0]->kind != CX_CAPTURE)) {
			SET_ERR("E-TRANSFORMER", "val() takes one field");
			return false;
		}
		e->type = e->args[0]->type;
		e->multi = e->args[0]->multi;
		return true;
	default: SET_ERR("E-TRANSFORMER", "unknown transformer"); return false;
	}
}

struct vg_cexpr *vg_compile_opnd(struct vg_ruleset *rs, const struct vg_ast_opnd *o,
				 const char **errcode, char *err, size_t errlen, unsigned *depth)
{
	struct vg_cexpr *e;
	unsigned sub = 0, d;

	switch (o->kind) {
	case VG_OPND_FIELD:
		if (rs->seqc) { /* a sequence's step reference (seq_compile.c) */
			bool handled;
			const char *plain;
			struct vg_ast_opnd p = *o;

			e = vg_seq_compile_ref(rs, o->name, errcode, err, errlen, &handled, &plain);
			if (handled)
				return e;
			if (plain)
				p.name = (char *)plain;
			e = compile_field(rs, &p, errcode, err, errlen);
			if (e && plain) {
				free(e->text);
				if (!(e->text = opnd_text(o)))
					e = (vg_cexpr_free(e), NULL);
			}
		} else {
			e = compile_field(rs, o, errcode, err, errlen);
		}
		if (e && !vg_slot_assign(rs, e)) {
			SET_ERR("E-NOMEM", "out of memory");
			vg_cexpr_free(e);
			return NULL;
		}
		return e;
	case VG_OPND_VALUE:
		e = calloc(1, sizeof(*e));
		if (!e || !(e->cstr = vg_strndup0(o->items[0].s, o->items[0].len))) {
			free(e);
			SET_ERR("E-NOMEM", "out of memory");
			return NULL;
		}
		e->kind = CX_CONST;
		e->type = VG_FT_STRING;
		e->clen = o->items[0].len;
		return e;
	case VG_OPND_XFORM: break;
	default: SET_ERR("E-PARSE", "a list cannot be used here"); return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->args = calloc(o->nargs ? o->nargs : 1, sizeof(*e->args)))) {
		free(e);
		SET_ERR("E-NOMEM", "out of memory");
		return NULL;
	}
	e->kind = CX_XFORM;
	e->xf = o->xf;
	for (size_t i = 0; i < o->nargs; i++) {
		d = 0;
		e->args[i] = vg_compile_opnd(rs, o->args[i], errcode, err, errlen, &d);
		if (!e->args[i])
			goto fail;
		e->nargs = i + 1;
		if (d > sub)
			sub = d;
	}
	if (!check_xform(e, errcode, err, errlen))
		goto fail;
	e->text = opnd_text(o);
	if (!e->text) {
		SET_ERR("E-NOMEM", "out of memory");
		goto fail;
	}
	if (depth)
		*depth = sub + 1;
	return e;
fail:
	vg_cexpr_free(e);
	return NULL;
}

/* ---- checks ---- */

void vg_cnode_free(struct vg_cnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		vg_cnode_free(n->kids[i]);
	free(n->kids);
	vg_cexpr_free(n->lhs);
	vg_cexpr_free(n->rhs);
	free(n->vals);
	for (size_t i = 0; i < n->nowned; i++)
		free(n->owned[i]);
	free(n->owned);
	vg_strset_free(&n->set);
	if (n->md)
		pcre2_match_data_free(n->md);
	if (n->re)
		pcre2_code_free(n->re);
	free(n);
}

static bool op_allowed(enum vg_op op, enum vg_ftype t)
{
	switch (op) {
	case VG_OP_EQ:
	case VG_OP_NE:
	case VG_OP_IN:
	case VG_OP_INTERSECTS:
	case VG_OP_EXISTS: return true;
	case VG_OP_LT:
	case VG_OP_LE:
	case VG_OP_GT:
	case VG_OP_GE: return t != VG_FT_BOOL && t != VG_FT_IPADDR && t != VG_FT_IPNET;
	default: return vg_is_stringish(t);
	}
}

/* Grows by doubling: a check's list may hold 200000 constants. */
static bool own(struct vg_cnode *n, char *s)
{
	if (!vg_grow(&n->owned, &n->cowned, n->nowned + 1, sizeof(*n->owned))) {
		free(s);
		return false;
	}
	n->owned[n->nowned++] = s;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Parses an address, or with allow_net an address/prefix. */
static bool parse_ip(const char *s, bool allow_net, struct vg_cval *v)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *end;
	long p;

	if (n >= sizeof(buf) || (slash && !allow_net))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, v->ip) == 1)
		v->iplen = 4;
	else if (inet_pton(AF_INET6, buf, v->ip) == 1)
		v->iplen = 16;
	else
		return false;
	v->prefix = (uint8_t)(v->iplen * 8);
	if (slash) {
		errno = 0;
		p = strtol(slash + 1, &end, 10);
		if (errno || *end || !slash[1] || p < 0 || p > v->iplen * 8)
			return false;
		v->prefix = (uint8_t)p;
	}
	return true;
}

/* One constant, parsed to the type the left-hand side yields. */
static bool parse_const(struct cctx *c, struct vg_cnode *n, const struct vg_ast_item *it,
			enum vg_ftype t, struct vg_cval *v, const char **code, char *err,
			size_t errlen)
{
	char *end;

	(void)c;
	memset(v, 0, sizeof(*v));
	v->s = it->s;
	v->len = (uint32_t)it->len;
	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES:
		if (n->op == VG_OP_BCONTAINS || n->op == VG_OP_BSTARTSWITH) {
			char *b;

			if (it->len % 2) {
				*code = "E-VALUE";
				snprintf(err, errlen, "'%s' is not a hex byte string", it->s);
				return false;
			}
			b = malloc(it->len / 2 + 1);
			if (!b || !own(n, b))
				return false;
			for (size_t i = 0; i < it->len; i += 2) {
				int hi = hexval(it->s[i]), lo = hexval(it->s[i + 1]);

				if (hi < 0 || lo < 0) {
					*code = "E-VALUE";
					snprintf(err, errlen, "'%s' is not a hex byte string",
						 it->s);
					return false;
				}
				b[i / 2] = (char)(hi << 4 | lo);
			}
			b[it->len / 2] = '\0';
			v->s = b;
			v->len = (uint32_t)(it->len / 2);
		} else if (n->op == VG_OP_ICONTAINS) {
			char *l = vg_strndup0(it->s, it->len);

			if (!l || !own(n, l))
				return false;
			for (size_t i = 0; i < it->len; i++)
				l[i] = (char)tolower((unsigned char)l[i]);
			v->s = l;
		} else if (n->op == VG_OP_PMATCH) {
			/* "/usr/bin/" and "/usr/bin" name the same directory */
			while (v->len > 1 && v->s[v->len - 1] == '/')
				v->len--;
		}
		return true;
	case VG_FT_BOOL:
		if (strcmp(it->s, "true") == 0)
			v->u = 1;
		else if (strcmp(it->s, "false") != 0)
			goto bad;
		return true;
	case VG_FT_S64:
		errno = 0;
		v->u = (uint64_t)strtoll(it->s, &end, 0);
		if (errno || !*it->s || *end)
			goto bad;
		return true;
	case VG_FT_DOUBLE:
		errno = 0;
		v->d = strtod(it->s, &end);
		if (errno || !*it->s || *end)
			goto bad;
		return true;
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		if (!parse_ip(it->s,
			      t == VG_FT_IPNET || n->op == VG_OP_IN || n->op == VG_OP_INTERSECTS,
			      v))
			goto bad;
		return true;
	default: /* unsigned numbers, ports, times */
		errno = 0;
		if (it->s[0] == '-')
			goto bad;
		v->u = strtoull(it->s, &end, 0);
		if (errno || !*it->s || *end)
			goto bad;
		if (t == VG_FT_PORT && v->u > 65535)
			goto bad;
		return true;
	}
bad:
	*code = "E-VALUE";
	snprintf(err, errlen, "'%s' is not a valid %s value", it->s, vg_ftype_name(t));
	return false;
}

static bool compile_regex(struct vg_cnode *n, const char *pat, size_t len, char *err, size_t errlen)
{
	int ec;
	PCRE2_SIZE eo;

	/* libsinsp matches the whole value (RE2 ANCHOR_BOTH) */
	n->re = pcre2_compile((PCRE2_SPTR)pat, len, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &ec, &eo,
			      NULL);
	if (!n->re) {
		PCRE2_UCHAR buf[160];

		pcre2_get_error_message(ec, buf, sizeof(buf));
		snprintf(err, errlen, "invalid regex at offset %zu: %s", (size_t)eo, (char *)buf);
		return false;
	}
	/* JIT failing (e.g. no executable memory) still leaves the interpreter */
	pcre2_jit_compile(n->re, PCRE2_JIT_COMPLETE);
	n->md = pcre2_match_data_create_from_pattern(n->re, NULL);
	if (!n->md) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

/* evt.type = x / != x / in (...) becomes a set test on event-type codes. */
static struct vg_cnode *compile_evttype(struct cctx *c, const struct vg_ast *a)
{
	struct vg_cnode *n = calloc(1, sizeof(*n));
	const struct vg_ast_opnd *r = a->rhs;

	if (!n)
		return NULL;
	n->kind = CN_EVTTYPE;
	n->negate = a->op == VG_OP_NE;
	for (size_t i = 0; i < r->nitems; i++) {
		uint16_t code = vg_evttype_code(r->items[i].s, r->items[i].len);

		if (!code) {
			c->unknown_hit = true;
			if (!c->skip_unknown)
				cdiag(c, VG_DIAG_ERROR, a->src, r->items[i].pos,
				      "E-UNKNOWN-EVTTYPE", "unknown event type '%s'",
				      r->items[i].s);
			vg_cnode_free(n);
			return NULL;
		}
		vg_evtset_add(&n->evts, code);
	}
	return n;
}

static bool is_evttype_check(const struct vg_ast *a)
{
	return a->mod == VG_MOD_NONE && a->lhs->kind == VG_OPND_FIELD &&
	       strcmp(a->lhs->name, "evt.type") == 0 && !a->lhs->arg && a->rhs &&
	       (a->rhs->kind == VG_OPND_VALUE || a->rhs->kind == VG_OPND_LIST) &&
	       (a->op == VG_OP_EQ || a->op == VG_OP_NE || a->op == VG_OP_IN ||
		a->op == VG_OP_INTERSECTS);
}

static bool unknown_code(const char *code)
{
	return strcmp(code, "E-UNKNOWN-FIELD") == 0;
}

static bool is_list_field(const struct vg_cexpr *e)
{
	return e->kind == CX_FIELD && (e->ref.def->flags & VG_FF_LIST);
}

static struct vg_cnode *compile_check(struct cctx *c, const struct vg_ast *a)
{
	struct vg_cnode *n;
	const char *code = "E-COMPILE";
	char err[300] = "";
	unsigned d1 = 0, d2 = 0;
	enum vg_ftype t;

	if (is_evttype_check(a))
		return compile_evttype(c, a);
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = CN_CHECK;
	n->op = a->op;
	n->lhs = vg_compile_opnd(c->rs, a->lhs, &code, err, sizeof(err), &d1);
	if (!n->lhs) {
		if (unknown_code(code))
			c->unknown_hit = true;
		if (!unknown_code(code) || !c->skip_unknown)
			cdiag(c, VG_DIAG_ERROR, a->src, a->lhs->pos, code, "%s", err);
		goto fail;
	}
	t = n->lhs->type;
	if (is_list_field(n->lhs) && a->op != VG_OP_IN && a->op != VG_OP_INTERSECTS &&
	    a->op != VG_OP_EXISTS) {
		cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-TYPE-OP",
		      "list field '%s' supports only exists, in and intersects", n->lhs->text);
		goto fail;
	}
	if (!op_allowed(a->op, t)) {
		cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-TYPE-OP",
		      "operator '%s' cannot be used on '%s' of type %s", vg_op_name(a->op),
		      n->lhs->text, vg_ftype_name(t));
		goto fail;
	}
	if (a->op == VG_OP_EXISTS)
		goto done;
	n->mod = a->mod;
	if (a->mod && (a->op == VG_OP_REGEX || a->rhs->kind == VG_OPND_XFORM || t == VG_FT_IPADDR ||
		       t == VG_FT_IPNET || t == VG_FT_DOUBLE)) {
		cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-TYPE-OP",
		      "'%s' with a list modifier needs a list of constants%s", vg_op_name(a->op),
		      a->op == VG_OP_REGEX ? " and is not supported for regex" : "");
		goto fail;
	}
	if (a->rhs->kind == VG_OPND_XFORM) {
		n->rhs = vg_compile_opnd(c->rs, a->rhs, &code, err, sizeof(err), &d2);
		if (!n->rhs) {
			if (unknown_code(code))
				c->unknown_hit = true;
			if (!unknown_code(code) || !c->skip_unknown)
				cdiag(c, VG_DIAG_ERROR, a->src, a->rhs->pos, code, "%s", err);
			goto fail;
		}
		if (vg_ftype_is_numeric(t) != vg_ftype_is_numeric(n->rhs->type) ||
		    vg_is_stringish(t) != vg_is_stringish(n->rhs->type)) {
			cdiag(c, VG_DIAG_ERROR, a->src, a->rhs->pos, "E-TYPE-VALUE",
			      "'%s' (%s) cannot be compared with '%s' (%s)", n->lhs->text,
			      vg_ftype_name(t), n->rhs->text, vg_ftype_name(n->rhs->type));
			goto fail;
		}
		if (a->op == VG_OP_REGEX || vg_op_is_list(a->op) || a->op == VG_OP_BCONTAINS ||
		    a->op == VG_OP_BSTARTSWITH) {
			cdiag(c, VG_DIAG_ERROR, a->src, a->rhs->pos, "E-TYPE-VALUE",
			      "operator '%s' needs constant values", vg_op_name(a->op));
			goto fail;
		}
		goto done;
	}
	n->vals = calloc(a->rhs->nitems ? a->rhs->nitems : 1, sizeof(*n->vals));
	if (!n->vals)
		goto nomem;
	for (size_t i = 0; i < a->rhs->nitems; i++) {
		const struct vg_ast_item *it = &a->rhs->items[i];
		char *s = vg_strndup0(it->s, it->len);
		struct vg_ast_item copy = *it;

		if (!s || !own(n, s))
			goto nomem;
		copy.s = s;
		if (!parse_const(c, n, &copy, t, &n->vals[i], &code, err, sizeof(err))) {
			cdiag(c, VG_DIAG_ERROR, a->src, it->pos, code[0] ? code : "E-VALUE", "%s",
			      err[0] ? err : "out of memory");
			goto fail;
		}
		n->nvals = i + 1;
		/* some fields need their constants: fd.*ip.name resolves the names */
		if (n->lhs->kind == CX_FIELD &&
		    !vg_field_learn(&c->rs->env, &n->lhs->ref, (int)a->op, s, it->len))
			goto nomem;
	}
	if (vg_is_stringish(t) && (vg_op_is_list(a->op))) {
		for (size_t i = 0; i < n->nvals; i++)
			if (!vg_strset_add(&n->set, n->vals[i].s, n->vals[i].len))
				goto nomem;
	}
	if (a->op == VG_OP_REGEX &&
	    !compile_regex(n, n->vals[0].s, n->vals[0].len, err, sizeof(err))) {
		cdiag(c, VG_DIAG_ERROR, a->src, a->rhs->pos, "E-REGEX", "%s", err);
		goto fail;
	}
done:
	n->lslot = n->lhs->kind == CX_FIELD ? n->lhs->slot : UINT32_MAX;
	n->ltype = n->lhs->type;
	n->lall = is_list_field(n->lhs);
	if (d1 > c->depth)
		c->depth = d1;
	if (d2 > c->depth)
		c->depth = d2;
	return n;
nomem:
	cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-NOMEM", "out of memory");
fail:
	vg_cnode_free(n);
	return NULL;
}

/*
 * Macro inlining nests "and" in "and" and "or" in "or"; the compiled tree
 * is flattened so that evaluation walks one level where the text had many.
 */
static bool adopt(struct vg_cnode *n, struct vg_cnode *k, size_t *cap)
{
	size_t need = n->nkids + (k->kind == n->kind ? k->nkids : 1);
	struct vg_cnode **v;

	if (need > *cap) {
		v = realloc(n->kids, need * 2 * sizeof(*v));
		if (!v)
			return false;
		n->kids = v;
		*cap = need * 2;
	}
	if (k->kind != n->kind) {
		n->kids[n->nkids++] = k;
		return true;
	}
	for (size_t i = 0; i < k->nkids; i++)
		n->kids[n->nkids++] = k->kids[i];
	k->nkids = 0;
	vg_cnode_free(k);
	return true;
}

static struct vg_cnode *compile_node(struct cctx *c, const struct vg_ast *a)
{
	struct vg_cnode *n, *k;
	size_t cap = 0;

	switch (a->kind) {
	case VG_AST_CHECK: return compile_check(c, a);
	case VG_AST_MACRO:
		cdiag(c, VG_DIAG_ERROR, a->src, a->pos, "E-UNDEFINED-MACRO", "undefined macro '%s'",
		      a->name);
		return NULL;
	default: break;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = a->kind == VG_AST_AND ? CN_AND : a->kind == VG_AST_OR ? CN_OR : CN_NOT;
	for (size_t i = 0; i < a->nkids; i++) {
		k = compile_node(c, a->kids[i]);
		if (!k) {
			vg_cnode_free(n);
			return NULL;
		}
		if (n->kind == CN_NOT && k->kind == CN_NOT) {
			/* not not x: x */
			struct vg_cnode *x = k->kids[0];

			k->nkids = 0;
			vg_cnode_free(k);
			free(n);
			return x;
		}
		if (!adopt(n, k, &cap)) {
			vg_cnode_free(k);
			vg_cnode_free(n);
			return NULL;
		}
	}
	return n;
}

/* ---- event types, as Falco's evttype resolver derives them ---- */

/* The event types for which n (negated when neg) can be true. */
static void node_evttypes(const struct vg_cnode *n, bool neg, struct vg_evtset *out)
{
	struct vg_evtset k;

	switch (n->kind) {
	case CN_EVTTYPE:
		*out = n->evts;
		if (n->negate != neg)
			vg_evtset_complement(out);
		return;
	case CN_NOT: node_evttypes(n->kids[0], !neg, out); return;
	case CN_AND:
	case CN_OR:
		/* De Morgan: a negated "and" is an "or" of negated children */
		if ((n->kind == CN_AND) != neg) {
			vg_evtset_clear(out);
			vg_evtset_fill(out);
			for (size_t i = 0; i < n->nkids; i++) {
				node_evttypes(n->kids[i], neg, &k);
				vg_evtset_intersect(out, &k);
			}
		} else {
			vg_evtset_clear(out);
			for (size_t i = 0; i < n->nkids; i++) {
				node_evttypes(n->kids[i], neg, &k);
				vg_evtset_union(out, &k);
			}
		}
		return;
	default:
		/* any other check may hold for every type, negated or not */
		vg_evtset_clear(out);
		vg_evtset_fill(out);
		return;
	}
}

/* ---- per-event caches: field slots, shared subtrees, evaluation order ---- */

bool vg_slot_assign(struct vg_ruleset *rs, struct vg_cexpr *e)
{
	const struct vg_field_ref *ref = &e->ref;
	struct vg_slot_key *k;

	if (rs->slots) {
		e->slot = UINT32_MAX; /* compiled after the caches were sized: not cached */
		return true;
	}
	for (size_t i = 0; i < rs->nslots; i++) {
		k = &rs->slot_keys[i];
		if (k->def == ref->def &&
		    (k->arg == ref->arg || (k->arg && ref->arg && strcmp(k->arg, ref->arg) == 0))) {
			e->slot = (uint32_t)i;
			return true;
		}
	}
	if (!vg_grow(&rs->slot_keys, &rs->cslots, rs->nslots + 1, sizeof(*rs->slot_keys)))
		return false;
	k = &rs->slot_keys[rs->nslots];
	k->def = ref->def;
	k->arg = ref->arg ? strdup(ref->arg) : NULL;
	if (ref->arg && !k->arg)
		return false;
	e->slot = (uint32_t)rs->nslots++;
	return true;
}

void vg_eval_caches_free(struct vg_ruleset *rs)
{
	for (size_t i = 0; i < rs->nslots; i++)
		free(rs->slot_keys[i].arg);
	free(rs->slot_keys);
	free(rs->slots);
	free(rs->fvals);
	free(rs->fhash);
	free(rs->memos);
	free(rs->prog);
	vg_program_free_index(rs);
	free(rs->xscratch.buf);
	rs->slot_keys = NULL;
	rs->slots = NULL;
	rs->fvals = NULL;
	rs->fhash = NULL;
	rs->memos = NULL;
	rs->prog = NULL;
	rs->xscratch.buf = NULL;
	rs->nslots = rs->cslots = rs->nmemos = rs->nprog = rs->cprog = 0;
}

/* ---- rules ---- */

void vg_rule_free(struct vg_rule *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->desc);
	free(r->source);
	free(r->output);
	free(r->action);
	for (size_t i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	vg_cnode_free(r->root);
	vg_ofmt_free(&r->ofmt);
	for (size_t i = 0; i < r->nxf; i++) {
		free(r->xf[i].key);
		vg_ofmt_free(&r->xf[i].fmt);
	}
	free(r->xf);
	free(r->okeys);
	free(r->cond_text);
	free(r->file);
	free(r);
}

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static bool copy_rule_meta(struct vg_rule *r, const struct vg_rule_item *it)
{
	r->name = xstrdup(it->name);
	r->desc = xstrdup(it->desc);
	r->source = xstrdup(it->source);
	r->output = xstrdup(it->output);
	r->action = it->action ? strdup(it->action) : NULL;
	r->enforce_mode = it->enforce_mode;
	r->enforce_force = it->enforce_force;
	r->priority = it->priority;
	r->enabled = it->enabled;
	r->file = it->loc.file ? strdup(it->loc.file->path) : NULL;
	r->line = it->loc.line;
	r->col = it->loc.col;
	if (!r->name || !r->desc || !r->source || !r->output || (it->action && !r->action))
		return false;
	if (it->ntags && !(r->tags = calloc(it->ntags, sizeof(*r->tags))))
		return false;
	for (size_t i = 0; i < it->ntags; i++) {
		if (!(r->tags[i] = strdup(it->tags[i])))
			return false;
		r->ntags = i + 1;
	}
	return true;
}

/* Builds the rule's condition text with exceptions, and its location map. */
static char *rule_text(struct vg_rule_item *it, struct vg_textmap *map, bool *bad)
{
	struct vg_sb b;

	vg_sb_init(&b);
	memset(map, 0, sizeof(*map));
	if (!it->nexc) {
		vg_sb_puts(&b, it->cond);
		for (size_t i = 0; i < it->cmap.n; i++)
			vg_textmap_add(map, it->cmap.segs[i].off, &it->cmap.segs[i].loc);
		return vg_sb_take(&b);
	}
	vg_sb_putc(&b, '(');
	vg_sb_puts(&b, it->cond);
	vg_sb_putc(&b, ')');
	for (size_t i = 0; i < it->cmap.n; i++)
		vg_textmap_add(map, it->cmap.segs[i].off + 1, &it->cmap.segs[i].loc);
	for (size_t i = 0; i < it->nexc; i++) {
		struct vg_scalar_loc l = it->exc[i].loc;

		l.fixed = true;
		vg_textmap_add(map, b.len, &l);
		exception_text(&b, &it->exc[i], bad);
	}
	return vg_sb_take(&b);
}

/* The fields Falco's container plugin marks as suggested output, in its order. */
static const char *const suggested_fields[] = {
	"container.id",	       "container.name", "container.image.repository",
	"container.image.tag", "k8s.pod.name",	 "k8s.ns.name",
};

static bool rule_has_tag(const struct vg_rule *r, const char *tag)
{
	for (size_t i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i], tag) == 0)
			return true;
	return false;
}

/* Falco's append_output match: every condition given holds (none given: every rule). */
static bool append_matches(const struct vg_append_output *a, const struct vg_rule *r)
{
	if (a->source && strcmp(a->source, r->source) != 0)
		return false;
	if (a->rule && strcmp(a->rule, r->name) != 0)
		return false;
	for (size_t i = 0; i < a->ntags; i++)
		if (!rule_has_tag(r, a->tags[i]))
			return false;
	return true;
}

/* " container_id=%container.id ...": Falco's suggested output, field dots as underscores. */
static void put_suggested(struct vg_sb *b)
{
	for (size_t i = 0; i < sizeof(suggested_fields) / sizeof(suggested_fields[0]); i++) {
		vg_sb_putc(b, ' ');
		for (const char *p = suggested_fields[i]; *p; p++)
			vg_sb_putc(b, *p == '.' ? '_' : *p);
		vg_sb_printf(b, "=%%%s", suggested_fields[i]);
	}
}

/*
 * The output line as Falco builds it: the rule's own text (a folded YAML
 * output's trailing newline dropped), then each matching append_output
 * entry's extra_output, the suggested fields (once, for syscall rules), and
 * -p last, each after one space. *own is the length of the rule's own text,
 * so that an error past it can be blamed on what was appended.
 */
static bool append_output(const struct vg_ruleset *rs, struct vg_rule *r, size_t *own)
{
	struct vg_sb b = {0};
	bool suggested = false, changed = false;
	size_t len = strlen(r->output);
	char *s;

	*own = len;
	for (size_t i = 0; i < rs->opts.nappends; i++) {
		const struct vg_append_output *a = &rs->opts.appends[i];

		if (append_matches(a, r) && (a->extra_output || a->suggested_output))
			changed = true;
	}
	if (!changed && (!rs->opts.append_output || !*rs->opts.append_output))
		return true;
	while (len > 0 && strchr(" \t\r\n", r->output[len - 1]))
		len--;
	*own = len;
	vg_sb_printf(&b, "%.*s", (int)len, r->output);
	for (size_t i = 0; i < rs->opts.nappends; i++) {
		const struct vg_append_output *a = &rs->opts.appends[i];

		if (!append_matches(a, r))
			continue;
		if (a->extra_output && *a->extra_output)
			vg_sb_printf(&b, " %s", a->extra_output);
		suggested |= a->suggested_output && strcmp(r->source, "syscall") == 0;
	}
	if (suggested)
		put_suggested(&b);
	if (rs->opts.append_output && *rs->opts.append_output)
		vg_sb_printf(&b, " %s", rs->opts.append_output);
	s = vg_sb_take(&b);
	if (!s)
		return false;
	free(r->output);
	r->output = s;
	return true;
}

/* One extra field of append_output compiled into r->xf; false with err set when it fails. */
static bool add_xfield(struct vg_ruleset *rs, struct vg_rule *r, const struct vg_append_field *f,
		       const char **code, char *err, size_t errlen)
{
	struct vg_xfield *x = realloc(r->xf, (r->nxf + 1) * sizeof(*x));
	char *fmt = NULL;
	size_t epos = 0;
	bool ok;

	if (!x)
		return false;
	r->xf = x;
	x = &r->xf[r->nxf];
	memset(x, 0, sizeof(*x));
	x->plain = f->format == NULL;
	if (x->plain && asprintf(&fmt, "%%%s", f->key) < 0)
		return false;
	x->key = strdup(f->key);
	rs->in_output = true;
	ok = x->key &&
	     vg_ofmt_compile(rs, x->plain ? fmt : f->format, &x->fmt, code, err, errlen, &epos);
	rs->in_output = false;
	free(fmt);
	if (ok && x->plain && (x->fmt.n != 1 || x->fmt.segs[0].lit)) {
		*code = "E-OUTPUT";
		snprintf(err, errlen, "'%s' is not one field: give it as 'name: format'", f->key);
		vg_ofmt_free(&x->fmt);
		ok = false;
	}
	if (!ok) {
		free(x->key);
		return false;
	}
	r->nxf++;
	return true;
}

static int okey_cmp(const void *pa, const void *pb)
{
	const struct vg_okey *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	if (a->extra != b->extra)
		return a->extra ? 1 : -1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * output_fields in Falco's order: its JSON object keeps keys sorted, each
 * once; an extra field of append_output wins over the format's field of the
 * same name, as the one Falco sets last.
 */
static bool build_okeys(struct vg_rule *r)
{
	size_t n = 0, w = 0;

	r->okeys = calloc(r->ofmt.n + r->nxf + 1, sizeof(*r->okeys));
	if (!r->okeys)
		return false;
	for (size_t i = 0; i < r->ofmt.n; i++)
		if (!r->ofmt.segs[i].lit && !r->ofmt.segs[i].repeat)
			r->okeys[n++] =
				(struct vg_okey){r->ofmt.segs[i].ex->text, (uint32_t)i, false};
	for (size_t i = 0; i < r->nxf; i++)
		r->okeys[n++] = (struct vg_okey){r->xf[i].key, (uint32_t)i, true};
	qsort(r->okeys, n, sizeof(*r->okeys), okey_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(r->okeys[i].key, r->okeys[i + 1].key) == 0)
			continue; /* the last of equal keys stays */
		r->okeys[w++] = r->okeys[i];
	}
	r->nokeys = w;
	return true;
}

/* append_output's extra_fields for r, then its output_fields order. */
static bool compile_extras(struct vg_ruleset *rs, struct vg_rule *r, struct vg_rule_item *it)
{
	const char *code = "E-OUTPUT";
	char err[300] = "";

	for (size_t i = 0; i < rs->opts.nappends; i++) {
		const struct vg_append_output *a = &rs->opts.appends[i];

		if (!append_matches(a, r))
			continue;
		for (size_t k = 0; k < a->nfields; k++) {
			const char *file;
			int line, col;

			if (add_xfield(rs, r, &a->fields[k], &code, err, sizeof(err)))
				continue;
			vg_scalar_linecol(&it->output_loc, &file, &line, &col);
			vg_diag_add(&rs->diags, VG_DIAG_ERROR, code, file, line, col, NULL,
				    "append_output extra_fields '%s': %s", a->fields[k].key,
				    err[0] ? err : "out of memory");
			return false;
		}
	}
	return build_okeys(r);
}

/* Warn mode: one warning per rule that uses fields vigil does not extract, naming them. */
static void warn_unextracted(struct vg_ruleset *rs, const struct vg_rule_item *it)
{
	char item[300];

	if (!rs->unextracted[0])
		return;
	snprintf(item, sizeof(item), "rule:%s", it->name);
	vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-NOT-EXTRACTED",
		    it->loc.file ? it->loc.file->path : NULL, it->loc.line, it->loc.col, item,
		    "uses %s, which vigil does not extract: those checks never match "
		    "(unsupported_fields: warn)",
		    rs->unextracted);
	rs->unextracted[0] = '\0';
}

static struct vg_rule *compile_rule(struct vg_ruleset *rs, struct vg_rule_item *it)
{
	struct cctx c = {.rs = rs,
			 .kind = "rule",
			 .name = it->name,
			 .skip_unknown = it->skip_unknown,
			 .loc = &it->loc};
	struct vg_cond_src src = {.item = it->name};
	struct vg_textmap map;
	struct vg_rule *r = NULL;
	struct vg_ast *ast = NULL;
	bool bad = false;
	const char *code = "E-OUTPUT";
	char err[300] = "";
	size_t epos = 0, own = 0; /* own: the length of the rule's own output text */
	struct xsize x;
	char *text;
	bool ok;

	rs->unextracted[0] = '\0';
	if (!it->cond) {
		cdiag(&c, VG_DIAG_ERROR, NULL, 0, "E-MISSING-KEY", "rule has no condition");
		return NULL;
	}
	text = rule_text(it, &map, &bad);
	if (!text)
		return NULL;
	if (bad)
		cdiag(&c, VG_DIAG_ERROR, NULL, 0, "E-EXCEPTION",
		      "exception values must match the shape of the exception's fields");
	src.text = text;
	src.len = strlen(text);
	src.loc_ctx = &map;
	c.src = &src;
	if (bad)
		goto out;
	ast = parse_cond(&c, text, &src);
	if (!ast || !measure(&c, ast, UINT32_MAX, 0, &x) || !within_bounds(&c, &x, &src))
		goto out;
	account(rs, &x);
	if (!inline_macros(&c, &ast, UINT32_MAX)) {
		cdiag(&c, VG_DIAG_ERROR, NULL, 0, "E-NOMEM", "out of memory");
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !copy_rule_meta(r, it))
		goto fail;
	r->root = compile_node(&c, ast);
	if (!r->root) {
		if (c.unknown_hit && it->skip_unknown)
			cdiag(&c, VG_DIAG_WARNING, NULL, 0, "W-UNKNOWN-FILTER",
			      "rule skipped: it uses a field or event type vigil does not know "
			      "(skip-if-unknown-filter)");
		goto fail;
	}
	if (!append_output(rs, r, &own))
		goto fail;
	rs->in_output = true;
	ok = vg_ofmt_compile(rs, r->output, &r->ofmt, &code, err, sizeof(err), &epos);
	rs->in_output = false;
	if (!ok) {
		const char *file;
		int line, col;

		vg_scalar_linecol(&it->output_loc, &file, &line, &col);
		if (epos > own) {
			/* the error is in what -p appended: say so, at the rule's output */
			vg_diag_add(&rs->diags, VG_DIAG_ERROR, code, file, line, col, NULL,
				    "output appended by append_output or -p: %s", err);
		} else if (strcmp(code, "E-UNKNOWN-FIELD") == 0 && it->skip_unknown) {
			vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-UNKNOWN-FILTER", file, line,
				    col, NULL, "rule '%s' skipped: %s in output", it->name, err);
		} else {
			struct vg_textmap om = {0};
			char item[300];

			vg_textmap_add(&om, 0, &it->output_loc);
			vg_textmap_loc(&om, epos, it->output, &file, &line, &col);
			vg_textmap_free(&om);
			snprintf(item, sizeof(item), "rule:%s", it->name);
			vg_diag_add(&rs->diags, VG_DIAG_ERROR, code, file, line, col, item,
				    "output: %s", err);
		}
		goto fail;
	}
	if (!compile_extras(rs, r, it))
		goto fail;
	warn_unextracted(rs, it);
	node_evttypes(r->root, false, &r->evts);
	if (it->warn_evttypes) {
		unsigned cnt = vg_evtset_count(&r->evts);

		char item[300];

		snprintf(item, sizeof(item), "rule:%s", it->name);
		if (cnt == 0 || cnt > 100)
			vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-NO-EVTTYPE",
				    it->loc.file ? it->loc.file->path : NULL, it->loc.line,
				    it->loc.col, item,
				    "the rule %s; this has a significant performance cost",
				    cnt ? "matches too many event types (no evt.type restriction)"
					: "matches no event type");
	}
	r->cond_text = vg_ast_to_string(ast);
	if (c.depth + 1 > rs->npool / 2)
		rs->npool = 2 * (c.depth + 1);
	goto out;
fail:
	vg_rule_free(r);
	r = NULL;
out:
	vg_ast_free(ast);
	vg_textmap_free(&map);
	free(text);
	return r;
}

/* For seq_compile.c: a rule item (a sequence's step, a threshold) compiled like any rule. */
struct vg_rule *vg_compile_rule_item(struct vg_ruleset *rs, struct vg_rule_item *it);
struct vg_rule *vg_compile_rule_item(struct vg_ruleset *rs, struct vg_rule_item *it)
{
	return compile_rule(rs, it);
}

static bool setup_env(struct vg_ruleset *rs)
{
	size_t sb = rs->opts.scratch_bytes ? rs->opts.scratch_bytes : DEFAULT_SCRATCH;

	/* the event arena holds every cached field of an event: twice one check's room */
	rs->env.scratch.buf = malloc(2 * sb);
	rs->xscratch.buf = malloc(sb);
	if (!rs->env.scratch.buf || !rs->xscratch.buf)
		return false;
	rs->env.scratch.cap = 2 * sb;
	rs->xscratch.cap = sb;
	rs->slots = calloc(rs->nslots ? rs->nslots : 1, sizeof(*rs->slots));
	rs->fvals = calloc(rs->nslots ? rs->nslots * VG_XVAL_MAX : 1, sizeof(*rs->fvals));
	rs->fhash = calloc(rs->nslots ? rs->nslots * VG_XVAL_MAX : 1, sizeof(*rs->fhash));
	rs->memos = calloc(rs->nmemos + 1, sizeof(*rs->memos));
	if (!rs->slots || !rs->fvals || !rs->fhash || !rs->memos)
		return false;
	rs->env.users = vg_userdb_load(rs->opts.passwd_path, rs->opts.group_path);
	if (gethostname(rs->env.hostname, sizeof(rs->env.hostname) - 1) != 0)
		rs->env.hostname[0] = '\0';
	if (rs->npool < 4)
		rs->npool = 4;
	rs->pool = calloc(rs->npool, sizeof(*rs->pool));
	/* an append_output field of one's own is rendered here, per alert, without allocating */
	rs->xtext_cap = 4096;
	rs->xtext = malloc(rs->xtext_cap);
	return rs->pool != NULL && rs->xtext != NULL;
}

static void unused_warnings(struct vg_ruleset *rs)
{
	char item[300];

	for (size_t i = 0; i < rs->nmacros; i++) {
		struct vg_macro_item *m = &rs->macros[i];

		if (m->used)
			continue;
		if (m->state == 4) {
			/* past the bounds and used by nothing: no rule reported it */
			struct cctx c = {
				.rs = rs, .kind = "macro", .name = m->name, .loc = &m->loc};
			struct xsize x = {m->xnodes, m->xheight, m->xchain, m, NULL};

			within_bounds(&c, &x, NULL);
		}
		snprintf(item, sizeof(item), "macro:%s", m->name);
		vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-UNUSED-MACRO",
			    m->loc.file ? m->loc.file->path : NULL, m->loc.line, m->loc.col, item,
			    "not used by any rule or macro");
	}
	for (size_t i = 0; i < rs->nlists; i++) {
		struct vg_list_item *l = &rs->lists[i];

		if (l->used)
			continue;
		snprintf(item, sizeof(item), "list:%s", l->name);
		vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-UNUSED-LIST",
			    l->loc.file ? l->loc.file->path : NULL, l->loc.line, l->loc.col, item,
			    "not used by any rule, macro or list");
	}
}

static void add_skip(struct vg_ruleset *rs, const char *name, const char *reason)
{
	struct vg_skip *v = realloc(rs->skips, (rs->nskips + 1) * sizeof(*v));

	rs->skipped++;
	if (!v)
		return;
	rs->skips = v;
	v[rs->nskips].name = strdup(name);
	v[rs->nskips].reason = reason;
	if (v[rs->nskips].name)
		rs->nskips++;
}

bool vg_ruleset_skipped_rule(const struct vg_ruleset *rs, size_t i, const char **name,
			     const char **reason)
{
	if (i >= rs->nskips)
		return false;
	*name = rs->skips[i].name;
	*reason = rs->skips[i].reason;
	return true;
}

int vg_ruleset_compile(struct vg_ruleset *rs)
{
	size_t before = rs->diags.nerrors, before_rule;

	if (rs->compiled)
		return 0;
	rs->compiled = true;
	for (size_t i = 0; i < rs->nlists; i++)
		expand_list(rs, &rs->lists[i], 0);
	/* parse every macro, used or not, as Falco does */
	for (size_t i = 0; i < rs->nmacros; i++) {
		struct vg_macro_item *m = &rs->macros[i];
		struct cctx c = {.rs = rs, .kind = "macro", .name = m->name, .src = &m->src};

		m->src.item = m->name;
		m->src.text = m->cond;
		m->src.len = strlen(m->cond);
		m->src.loc_ctx = &m->cmap;
		m->ast = parse_cond(&c, m->cond, &m->src);
		if (!m->ast)
			m->state = 3;
	}
	for (size_t i = 0; i < rs->nmacros; i++) {
		struct cctx c = {.rs = rs, .kind = "macro", .name = rs->macros[i].name};

		resolve_macro(&c, &rs->macros[i], 0);
	}
	/* a sequence's steps are rules of their own (seq.h) */
	rs->rules = calloc(rs->nritems + vg_seq_extra_rules(rs) + 1, sizeof(*rs->rules));
	if (!rs->rules)
		goto nomem;
	for (size_t i = 0; i < rs->nritems; i++) {
		struct vg_rule *r;

		if (rs->ritems[i].unknown_source) {
			add_skip(rs, rs->ritems[i].name, "unknown source");
			continue;
		}
		before_rule = rs->diags.nerrors;
		if (rs->ritems[i].seq) {
			if (!vg_seq_compile_item(rs, &rs->ritems[i]))
				add_skip(rs, rs->ritems[i].name,
					 "errors in its sequence, threshold, condition or output");
			continue;
		}
		r = compile_rule(rs, &rs->ritems[i]);
		if (!r) {
			add_skip(rs, rs->ritems[i].name,
				 rs->diags.nerrors > before_rule
					 ? "errors in its condition, exceptions or output"
					 : "uses fields or event types vigil does not know "
					   "(skip-if-unknown-filter)");
			continue;
		}
		r->order = (uint32_t)rs->nrules;
		rs->rules[rs->nrules++] = r;
	}
	unused_warnings(rs);
	if (!vg_program_build(rs) || !setup_env(rs) ||
	    !vg_seq_state_init(rs, rs->opts.seq_state_max_bytes))
		goto nomem;
	return (int)(rs->diags.nerrors - before);
nomem:
	vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-NOMEM", NULL, 0, 0, NULL, "out of memory");
	return (int)(rs->diags.nerrors - before);
}

void vg_ruleset_expansion(const struct vg_ruleset *rs, struct vg_expansion *out)
{
	*out = rs->xmax;
	out->total = rs->xnodes_total;
	out->list_items = rs->xitems_total;
}

void vg_ruleset_start_background(struct vg_ruleset *rs, unsigned wait_ms)
{
	vg_fenv_start(&rs->env, wait_ms);
}

/* ---- accessors ---- */

size_t vg_ruleset_rule_count(const struct vg_ruleset *rs)
{
	return rs->nrules;
}

const struct vg_rule *vg_ruleset_rule(const struct vg_ruleset *rs, size_t i)
{
	return i < rs->nrules ? rs->rules[i] : NULL;
}

size_t vg_ruleset_skipped(const struct vg_ruleset *rs)
{
	return rs->skipped;
}

void vg_ruleset_evttypes(const struct vg_ruleset *rs, struct vg_evtset *out)
{
	*out = rs->all_types;
}

size_t vg_ruleset_enable(struct vg_ruleset *rs, const char *name, bool enabled)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->nrules; i++) {
		if (strcmp(rs->rules[i]->name, name) == 0) {
			rs->rules[i]->enabled = enabled;
			n++;
		}
	}
	if (n && rs->compiled && !vg_program_index(rs))
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-NOMEM", NULL, 0, 0, NULL,
			    "out of memory");
	return n;
}

size_t vg_ruleset_select(struct vg_ruleset *rs, const char *pattern, bool by_tag, bool enabled)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->nrules; i++) {
		struct vg_rule *r = rs->rules[i];
		bool hit = false;

		if (!by_tag)
			hit = fnmatch(pattern, r->name, 0) == 0;
		for (size_t t = 0; by_tag && !hit && t < r->ntags; t++)
			hit = fnmatch(pattern, r->tags[t], 0) == 0;
		if (hit) {
			r->enabled = enabled;
			n++;
		}
	}
	if (n && rs->compiled && !vg_program_index(rs))
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-NOMEM", NULL, 0, 0, NULL,
			    "out of memory");
	return n;
}

const char *vg_rule_name(const struct vg_rule *r)
{
	return r->name;
}

const char *vg_rule_desc(const struct vg_rule *r)
{
	return r->desc;
}

const char *vg_rule_source(const struct vg_rule *r)
{
	return r->source;
}

const char *vg_rule_output_format(const struct vg_rule *r)
{
	return r->output;
}

const char *vg_rule_condition(const struct vg_rule *r)
{
	return r->cond_text ? r->cond_text : "";
}

const char *vg_rule_action(const struct vg_rule *r)
{
	return r->action;
}

int vg_rule_enforce_mode(const struct vg_rule *r)
{
	return r->enforce_mode;
}

bool vg_rule_enforce_force(const struct vg_rule *r)
{
	return r->enforce_force;
}

const char *vg_rule_file(const struct vg_rule *r, int *line, int *col)
{
	*line = r->line;
	*col = r->col;
	return r->file;
}

enum vg_priority vg_rule_priority(const struct vg_rule *r)
{
	return (enum vg_priority)r->priority;
}

bool vg_rule_enabled(const struct vg_rule *r)
{
	return r->enabled;
}

const char *const *vg_rule_tags(const struct vg_rule *r, size_t *n)
{
	*n = r->ntags;
	return (const char *const *)r->tags;
}

const struct vg_evtset *vg_rule_evttypes(const struct vg_rule *r)
{
	return &r->evts;
}
