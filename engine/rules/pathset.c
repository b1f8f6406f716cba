// SPDX-License-Identifier: Apache-2.0
#include "rules/pathset.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void vg_pathset_init(struct vg_pathset *s, enum vg_pathset_kind kind)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
}

static void drop_entries(struct vg_pathset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].s);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

void vg_pathset_free(struct vg_pathset *s)
{
	drop_entries(s);
	s->kind = VG_PATHS_NONE;
}

void vg_pathset_any(struct vg_pathset *s)
{
	drop_entries(s);
	s->kind = VG_PATHS_ANY;
}

static void add_entry(struct vg_pathset *s, const char *p, size_t len, bool prefix, bool base)
{
	char *copy;

	if (s->kind == VG_PATHS_ANY)
		return;
	/* unknown is the safe answer when memory runs out */
	if (len > UINT32_MAX || !vg_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) ||
	    !(copy = vg_strndup0(p, len))) {
		vg_pathset_any(s);
		return;
	}
	s->v[s->n++] = (struct vg_pathset_entry){
		.s = copy, .len = (uint32_t)len, .prefix = prefix, .base = base};
	s->kind = VG_PATHS_SOME;
}

void vg_pathset_add(struct vg_pathset *s, const char *p, size_t len, bool prefix)
{
	add_entry(s, p, len, prefix, false);
}

void vg_pathset_add_base(struct vg_pathset *s, const char *p, size_t len, bool suffix)
{
	add_entry(s, p, len, suffix, true);
}

void vg_pathset_add_dotdot(struct vg_pathset *s)
{
	if (s->kind == VG_PATHS_ANY)
		return;
	s->dotdot = true;
	s->kind = VG_PATHS_SOME;
}

const char *vg_path_base(const char *p, size_t len, size_t *base_len)
{
	size_t i = len;

	while (i && p[i - 1] != '/')
		i--;
	*base_len = len - i;
	return p + i;
}

/*
 * Paths before base names, then byte order; a prefix sorts before the
 * exact entry of the same string.
 */
static int cmp_entry(const void *a, const void *b)
{
	const struct vg_pathset_entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = x->base != y->base ? (int)x->base - (int)y->base : memcmp(x->s, y->s, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return (int)y->prefix - (int)x->prefix;
}

static bool starts_with(const char *s, size_t len, const char *p, size_t plen)
{
	return plen <= len && memcmp(s, p, plen) == 0;
}

static bool ends_with(const char *s, size_t len, const char *p, size_t plen)
{
	return plen <= len && memcmp(s + len - plen, p, plen) == 0;
}

static bool same(const struct vg_pathset_entry *a, const struct vg_pathset_entry *b)
{
	return a->prefix == b->prefix && a->base == b->base && a->len == b->len &&
	       memcmp(a->s, b->s, a->len) == 0;
}

/* Whether entry e holds every path entry c holds (c is not e). */
static bool covers(const struct vg_pathset_entry *e, const struct vg_pathset_entry *c)
{
	if (!e->prefix || e->base != c->base)
		return false;
	return e->base ? ends_with(c->s, c->len, e->s, e->len)
		       : starts_with(c->s, c->len, e->s, e->len);
}

/* A base name ending with s is covered by a shorter suffix; those are few. */
static bool base_covered(const struct vg_pathset *s, size_t i)
{
	for (size_t j = 0; j < s->n; j++)
		if (j != i && s->v[j].s && s->v[j].len < s->v[i].len && covers(&s->v[j], &s->v[i]))
			return true;
	return false;
}

/* Any path at all: the prefix "" or "/", or the base-name suffix "". */
static bool holds_all(const struct vg_pathset_entry *e)
{
	return e->prefix && (e->len == 0 || (!e->base && e->len == 1 && e->s[0] == '/'));
}

void vg_pathset_normalize(struct vg_pathset *s)
{
	const struct vg_pathset_entry *cover = NULL;
	size_t kept = 0;

	if (s->kind != VG_PATHS_SOME)
		return;
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_entry);
	/* sorted, whatever a path prefix covers follows it in one block */
	for (size_t i = 0; i < s->n; i++) {
		struct vg_pathset_entry *e = &s->v[i];

		if ((cover && covers(cover, e)) || (kept && same(&s->v[kept - 1], e)) ||
		    (e->base && base_covered(s, i))) {
			free(e->s);
			e->s = NULL;
			continue;
		}
		s->v[kept++] = *e;
		if (e->prefix && !e->base)
			cover = &s->v[kept - 1];
	}
	s->n = kept;
	for (size_t i = 0; i < s->n; i++)
		if (holds_all(&s->v[i]))
			vg_pathset_any(s);
	if (s->kind == VG_PATHS_SOME && s->n == 0 && !s->dotdot)
		s->kind = VG_PATHS_NONE;
}

void vg_pathset_union(struct vg_pathset *d, struct vg_pathset *s)
{
	if (d->kind == VG_PATHS_ANY || s->kind == VG_PATHS_ANY) {
		vg_pathset_any(d);
	} else {
		for (size_t i = 0; i < s->n && d->kind != VG_PATHS_ANY; i++)
			add_entry(d, s->v[i].s, s->v[i].len, s->v[i].prefix, s->v[i].base);
		if (s->dotdot)
			vg_pathset_add_dotdot(d);
		vg_pathset_normalize(d);
	}
	vg_pathset_free(s);
}

static void add_copy(struct vg_pathset *out, const struct vg_pathset_entry *e, bool prefix)
{
	add_entry(out, e->s, e->len, prefix, e->base);
}

/* Two paths: the longer where the other holds it. */
static void intersect_paths(struct vg_pathset *out, const struct vg_pathset_entry *a,
			    const struct vg_pathset_entry *b)
{
	const struct vg_pathset_entry *in;

	if (starts_with(a->s, a->len, b->s, b->len) && (b->prefix || a->len == b->len))
		in = a; /* b holds all of a (a is longer, or both are the same string) */
	else if (starts_with(b->s, b->len, a->s, a->len) && a->prefix)
		in = b;
	else
		return;
	/* an exact path is in a prefix only as itself */
	add_copy(out, in, a->prefix && b->prefix);
}

/* Two base names: the same, mirrored (suffixes instead of prefixes). */
static void intersect_bases(struct vg_pathset *out, const struct vg_pathset_entry *a,
			    const struct vg_pathset_entry *b)
{
	const struct vg_pathset_entry *in;

	if (ends_with(a->s, a->len, b->s, b->len) && (b->prefix || a->len == b->len))
		in = a;
	else if (ends_with(b->s, b->len, a->s, a->len) && a->prefix)
		in = b;
	else
		return;
	add_copy(out, in, a->prefix && b->prefix);
}

/*
 * A path and a base name: an exact path whose base name fits; under a
 * prefix, the prefix (a superset, which is all the analysis needs).
 */
static void intersect_mixed(struct vg_pathset *out, const struct vg_pathset_entry *path,
			    const struct vg_pathset_entry *base)
{
	size_t n;
	const char *name = vg_path_base(path->s, path->len, &n);

	if (path->prefix)
		add_copy(out, path, true);
	else if (base->prefix ? ends_with(name, n, base->s, base->len)
			      : n == base->len && memcmp(name, base->s, n) == 0)
		add_copy(out, path, false);
}

/* The part of a and b both hold, added to out. */
static void intersect_pair(struct vg_pathset *out, const struct vg_pathset_entry *a,
			   const struct vg_pathset_entry *b)
{
	if (!a->base && !b->base)
		intersect_paths(out, a, b);
	else if (a->base && b->base)
		intersect_bases(out, a, b);
	else if (a->base)
		intersect_mixed(out, b, a);
	else
		intersect_mixed(out, a, b);
}

/* Fewer short prefixes is tighter: the shortest prefix decides, then the size. */
static bool tighter(const struct vg_pathset *a, const struct vg_pathset *b)
{
	uint32_t ma = UINT32_MAX, mb = UINT32_MAX;

	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].prefix && !a->v[i].base && a->v[i].len < ma)
			ma = a->v[i].len;
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].prefix && !b->v[i].base && b->v[i].len < mb)
			mb = b->v[i].len;
	return ma != mb ? ma > mb : a->n <= b->n;
}

static void take(struct vg_pathset *d, struct vg_pathset *s)
{
	vg_pathset_free(d);
	*d = *s;
	vg_pathset_init(s, VG_PATHS_NONE);
}

/*
 * Pair by pair; an open with ".." in its raw path is kept by each entry of
 * the other side (a superset again), and by both sides' flag.
 */
static void intersect_some(struct vg_pathset *out, const struct vg_pathset *d,
			   const struct vg_pathset *s)
{
	vg_pathset_init(out, VG_PATHS_NONE);
	for (size_t i = 0; i < d->n; i++)
		for (size_t j = 0; j < s->n; j++)
			intersect_pair(out, &d->v[i], &s->v[j]);
	for (size_t i = 0; s->dotdot && i < d->n; i++)
		add_copy(out, &d->v[i], d->v[i].prefix);
	for (size_t j = 0; d->dotdot && j < s->n; j++)
		add_copy(out, &s->v[j], s->v[j].prefix);
	if (d->dotdot && s->dotdot)
		vg_pathset_add_dotdot(out);
	vg_pathset_normalize(out);
}

void vg_pathset_intersect(struct vg_pathset *d, struct vg_pathset *s)
{
	struct vg_pathset out;

	if (d->kind == VG_PATHS_NONE || s->kind == VG_PATHS_NONE) {
		vg_pathset_free(d);
	} else if (d->kind == VG_PATHS_ANY) {
		take(d, s);
	} else if (s->kind == VG_PATHS_SOME) {
		if (d->n * s->n > VG_PATHSET_MAX_PAIRS) {
			if (!tighter(d, s))
				take(d, s);
		} else {
			intersect_some(&out, d, s);
			take(d, &out);
		}
	}
	vg_pathset_free(s);
}

static bool entry_has(const struct vg_pathset_entry *e, const char *p, size_t len)
{
	size_t n;
	const char *name;

	if (!e->base)
		return starts_with(p, len, e->s, e->len) && (e->prefix || e->len == len);
	name = vg_path_base(p, len, &n);
	return ends_with(name, n, e->s, e->len) && (e->prefix || e->len == n);
}

bool vg_pathset_has(const struct vg_pathset *s, const char *p, size_t len, const char *raw)
{
	if (s->kind != VG_PATHS_SOME)
		return s->kind == VG_PATHS_ANY;
	if (s->dotdot && raw && strstr(raw, ".."))
		return true;
	for (size_t i = 0; i < s->n; i++)
		if (entry_has(&s->v[i], p, len))
			return true;
	return false;
}

bool vg_pathset_equal(const struct vg_pathset *a, const struct vg_pathset *b)
{
	if (a->kind != b->kind || a->n != b->n || a->dotdot != b->dotdot)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!same(&a->v[i], &b->v[i]))
			return false;
	return true;
}
