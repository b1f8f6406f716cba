// SPDX-License-Identifier: Apache-2.0
/*
 * A small YAML tree built from libyaml events, one top-level item at a
 * time, with anchors and aliases, bounded in depth and node count against
 * hostile input; and the node helpers item readers use (typed values with
 * an error naming file:line:column when the type is wrong). Apart from the
 * item readers (loader.c, seq_load.c) because it knows YAML, not rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/ytree.h"

/* Bounds that keep hostile YAML from exhausting memory or the stack. */
#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 500000

/* ---- a small YAML tree, built from events (struct ynode: ytree.h) ---- */

void vg_ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		vg_ynode_free(n->kids[i]);
	free(n->kids);
	free(n->s);
	free(n);
}

void vg_yanchors_clear(struct vg_yreader *r)
{
	for (size_t i = 0; i < r->nanchors; i++) {
		free(r->anchors[i].name);
		vg_ynode_free(r->anchors[i].node);
	}
	r->nanchors = 0;
}

static struct ynode *ynode_clone(struct vg_yreader *r, const struct ynode *n)
{
	struct ynode *c;

	if (++r->nodes > YAML_MAX_NODES)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	*c = *n;
	c->kids = NULL;
	c->n = c->cap = 0;
	c->s = n->s ? vg_strndup0(n->s, n->len) : NULL;
	if (n->s && !c->s)
		goto fail;
	if (n->n) {
		c->kids = calloc(n->n, sizeof(*c->kids));
		if (!c->kids)
			goto fail;
		c->cap = n->n;
		for (; c->n < n->n; c->n++) {
			c->kids[c->n] = ynode_clone(r, n->kids[c->n]);
			if (!c->kids[c->n])
				goto fail;
		}
	}
	return c;
fail:
	vg_ynode_free(c);
	return NULL;
}

static void loc_of(const struct vg_yreader *r, const struct ynode *n, struct vg_scalar_loc *l)
{
	memset(l, 0, sizeof(*l));
	l->file = r->file;
	if (!n)
		return;
	l->start = n->start.index;
	l->end = n->end.index;
	l->line = (int)n->start.line + 1;
	l->col = (int)n->start.column + 1;
	l->block = n->kind == Y_SCALAR &&
		   (n->style == YAML_LITERAL_SCALAR_STYLE || n->style == YAML_FOLDED_SCALAR_STYLE);
	l->quoted = n->kind == Y_SCALAR && (n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
					    n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

const char *vg_yiref(struct vg_itemref *b, const char *kind, const char *name)
{
	if (!kind)
		return NULL;
	snprintf(b->buf, sizeof(b->buf), name ? "%s:%s" : "%s", kind, name ? name : "");
	return b->buf;
}

__attribute__((format(printf, 7, 8))) void vg_ydiag_at(struct vg_yreader *r, enum vg_diag_level lvl,
						       const struct ynode *n, const char *kind,
						       const char *name, const char *code,
						       const char *fmt, ...)
{
	struct vg_itemref ib;
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vg_diag_add(&r->rs->diags, lvl, code, r->file->path, n ? (int)n->start.line + 1 : 0,
		    n ? (int)n->start.column + 1 : 0, vg_yiref(&ib, kind, name), "%s", msg);
}

static void yaml_error(struct vg_yreader *r)
{
	yaml_parser_t *p = &r->parser;
	const char *what = p->problem ? p->problem : "malformed YAML";
	yaml_mark_t mk = p->problem ? p->problem_mark : p->mark;

	if (r->failed)
		return;
	r->failed = true;
	vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-YAML", r->file->path, (int)mk.line + 1,
		    (int)mk.column + 1, NULL, "%s%s%s", what, p->context ? " " : "",
		    p->context ? p->context : "");
}

/* ---- for readers outside this file (ytree.h) ---- */

void vg_yerr(struct vg_yreader *r, const struct ynode *n, const char *name, const char *code,
	     const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vg_ydiag_at(r, VG_DIAG_ERROR, n, "rule", name, code, "%s", msg);
}

void vg_yloc(const struct vg_yreader *r, const struct ynode *n, struct vg_scalar_loc *l)
{
	loc_of(r, n, l);
}

bool vg_ynext_event(struct vg_yreader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->parser, ev)) {
		yaml_error(r);
		return false;
	}
	return true;
}

static bool add_kid(struct ynode *n, struct ynode *k)
{
	if (!vg_grow(&n->kids, &n->cap, n->n + 1, sizeof(*n->kids)))
		return false;
	n->kids[n->n++] = k;
	return true;
}

static void too_big(struct vg_yreader *r, const yaml_event_t *ev, const char *what)
{
	if (r->failed)
		return;
	r->failed = true;
	vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-YAML", r->file->path,
		    (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1, NULL, "%s", what);
}

static bool remember_anchor(struct vg_yreader *r, const char *name, const struct ynode *n)
{
	struct ynode *c = ynode_clone(r, n);
	char *nm = strdup(name);

	if (!c || !nm ||
	    !vg_grow(&r->anchors, &r->canchors, r->nanchors + 1, sizeof(*r->anchors))) {
		vg_ynode_free(c);
		free(nm);
		return false;
	}
	r->anchors[r->nanchors++] = (struct vg_yanchor){nm, c};
	return true;
}

/* Builds the node that starts with ev (consumed); NULL on error. */
struct ynode *vg_ybuild(struct vg_yreader *r, yaml_event_t *ev, int depth)
{
	struct ynode *n = NULL;
	const char *anchor = NULL;
	yaml_event_t sub;

	if (depth > YAML_MAX_DEPTH) {
		too_big(r, ev, "YAML nesting is too deep");
		goto out;
	}
	if (++r->nodes > YAML_MAX_NODES) {
		too_big(r, ev, "YAML document is too large");
		goto out;
	}
	if (ev->type == YAML_ALIAS_EVENT) {
		for (size_t i = r->nanchors; i-- > 0;)
			if (strcmp(r->anchors[i].name, (char *)ev->data.alias.anchor) == 0) {
				n = ynode_clone(r, r->anchors[i].node);
				if (!n)
					too_big(r, ev, "YAML alias expands too much");
				goto out;
			}
		too_big(r, ev, "undefined YAML alias");
		goto out;
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		goto out;
	n->start = ev->start_mark;
	n->end = ev->end_mark;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->kind = Y_SCALAR;
		n->s = vg_strndup0((char *)ev->data.scalar.value, ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->style = ev->data.scalar.style;
		anchor = (char *)ev->data.scalar.anchor;
		if (!n->s) {
			vg_ynode_free(n);
			n = NULL;
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		yaml_event_type_t end = seq ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;

		n->kind = seq ? Y_SEQ : Y_MAP;
		anchor = seq ? (char *)ev->data.sequence_start.anchor
			     : (char *)ev->data.mapping_start.anchor;
		for (;;) {
			struct ynode *k;

			if (!vg_ynext_event(r, &sub)) {
				vg_ynode_free(n);
				n = NULL;
				goto out;
			}
			if (sub.type == end) {
				n->end = sub.end_mark;
				yaml_event_delete(&sub);
				break;
			}
			k = vg_ybuild(r, &sub, depth + 1);
			if (!k || !add_kid(n, k)) {
				vg_ynode_free(k);
				vg_ynode_free(n);
				n = NULL;
				goto out;
			}
		}
		break;
	}
	default:
		too_big(r, ev, "unexpected YAML event");
		vg_ynode_free(n);
		n = NULL;
		break;
	}
	if (n && anchor && !remember_anchor(r, anchor, n)) {
		too_big(r, ev, "YAML anchor could not be stored");
		vg_ynode_free(n);
		n = NULL;
	}
out:
	yaml_event_delete(ev);
	return n;
}

/* ---- node helpers ---- */

const struct ynode *vg_ymap_get(const struct ynode *m, const char *key)
{
	if (!m || m->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < m->n; i += 2)
		if (m->kids[i]->kind == Y_SCALAR && strcmp(m->kids[i]->s, key) == 0)
			return m->kids[i + 1];
	return NULL;
}

bool vg_yis_null(const struct ynode *n)
{
	return n && n->kind == Y_SCALAR && n->style == YAML_PLAIN_SCALAR_STYLE &&
	       (n->len == 0 || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0);
}

/* A string value, or NULL with an error reported. */
const char *vg_ywant_str(struct vg_yreader *r, const struct ynode *n, const char *key,
			 const char *kind, const char *name)
{
	if (!n || n->kind != Y_SCALAR) {
		vg_yerr_at(r, n, kind, name, "E-VALUE", "'%s' must be a string", key);
		return NULL;
	}
	if (memchr(n->s, '\0', n->len)) {
		vg_yerr_at(r, n, kind, name, "E-VALUE", "'%s' contains a NUL character", key);
		return NULL;
	}
	return n->s;
}

/* YAML 1.1 booleans, as yaml-cpp reads them: -1 when not a boolean. */
int vg_yparse_bool(const struct ynode *n)
{
	static const char *const t[] = {"true", "yes", "on", "y"};
	static const char *const f[] = {"false", "no", "off", "n"};

	if (!n || n->kind != Y_SCALAR)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(n->s, t[i]) == 0)
			return 1;
		if (strcasecmp(n->s, f[i]) == 0)
			return 0;
	}
	return -1;
}

int vg_ywant_bool(struct vg_yreader *r, const struct ynode *n, const char *key, const char *kind,
		  const char *name)
{
	int b = vg_yparse_bool(n);

	if (b < 0)
		vg_yerr_at(r, n, kind, name, "E-VALUE", "'%s' must be true or false", key);
	return b;
}

/* A sequence of strings (nested sequences flattened) into *out. */
bool vg_ywant_strv(struct vg_yreader *r, const struct ynode *n, const char *key, const char *kind,
		   const char *name, char ***out, bool **quoted, size_t *nout, size_t *cap)
{
	if (!n || n->kind != Y_SEQ) {
		if (vg_yis_null(n))
			return true;
		vg_yerr_at(r, n, kind, name, "E-VALUE", "'%s' must be a list", key);
		return false;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *k = n->kids[i];

		if (k->kind == Y_SEQ) {
			if (!vg_ywant_strv(r, k, key, kind, name, out, quoted, nout, cap))
				return false;
			continue;
		}
		if (k->kind != Y_SCALAR || memchr(k->s, '\0', k->len)) {
			vg_yerr_at(r, k, kind, name, "E-VALUE", "items of '%s' must be strings",
				   key);
			return false;
		}
		size_t ocap = *cap;

		if (!vg_grow(out, cap, *nout + 1, sizeof(**out)))
			return false;
		if (quoted && (*cap != ocap || !*quoted)) {
			bool *q = realloc(*quoted, *cap * sizeof(**quoted));

			if (!q) {
				*cap = ocap;
				return false;
			}
			*quoted = q;
		}
		(*out)[*nout] = strdup(k->s);
		if (!(*out)[*nout])
			return false;
		if (quoted)
			(*quoted)[*nout] = k->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
					   k->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
		(*nout)++;
	}
	return true;
}

/* Warns about keys of item m that are not in known (NULL-terminated). */
void vg_ywarn_unknown_keys(struct vg_yreader *r, const struct ynode *m, const char *const *known,
			   const char *kind, const char *name)
{
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->kids[i];
		bool ok = false;

		for (size_t j = 0; known[j] && k->kind == Y_SCALAR; j++)
			ok |= strcmp(k->s, known[j]) == 0;
		if (!ok)
			vg_ywarn_at(r, k, kind, name, "W-UNKNOWN-KEY", "unknown key '%s' ignored",
				    k->kind == Y_SCALAR ? k->s : "(not a string)");
	}
}

bool vg_yin_set(const char *s, const char *const *set)
{
	for (size_t i = 0; set[i]; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}
