// SPDX-License-Identifier: Apache-2.0
#include "rules/pathset.h"

#include <stdlib.h>
#include <string.h>

#include "rules/util.h"

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

void vg_pathset_add(struct vg_pathset *s, const char *p, size_t len, bool prefix)
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
	s->v[s->n++] = (struct vg_pathset_entry){.s = copy, .len = (uint32_t)len, .prefix = prefix};
	s->kind = VG_PATHS_SOME;
}

/* Byte order; a prefix sorts before the exact entry of the same string. */
static int cmp_entry(const void *a, const void *b)
{
	const struct vg_pathset_entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);

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

static bool same(const struct vg_pathset_entry *a, const struct vg_pathset_entry *b)
{
	return a->prefix == b->prefix && a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

void vg_pathset_normalize(struct vg_pathset *s)
{
	const struct vg_pathset_entry *cover = NULL;
	size_t kept = 0;

	if (s->kind != VG_PATHS_SOME)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_entry);
	/* sorted, whatever a prefix covers follows it in one block */
	for (size_t i = 0; i < s->n; i++) {
		struct vg_pathset_entry *e = &s->v[i];

		if ((cover && starts_with(e->s, e->len, cover->s, cover->len)) ||
		    (kept && same(&s->v[kept - 1], e))) {
			free(e->s);
			continue;
		}
		s->v[kept++] = *e;
		if (e->prefix)
			cover = &s->v[kept - 1];
	}
	s->n = kept;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].prefix &&
		    (s->v[i].len == 0 || (s->v[i].len == 1 && s->v[i].s[0] == '/')))
			vg_pathset_any(s);
	if (s->kind == VG_PATHS_SOME && s->n == 0)
		s->kind = VG_PATHS_NONE;
}

void vg_pathset_union(struct vg_pathset *d, struct vg_pathset *s)
{
	if (d->kind == VG_PATHS_ANY || s->kind == VG_PATHS_ANY) {
		vg_pathset_any(d);
	} else {
		for (size_t i = 0; i < s->n && d->kind != VG_PATHS_ANY; i++)
			vg_pathset_add(d, s->v[i].s, s->v[i].len, s->v[i].prefix);
		vg_pathset_normalize(d);
	}
	vg_pathset_free(s);
}

/* The part of a and b both hold, added to out. */
static void intersect_pair(struct vg_pathset *out, const struct vg_pathset_entry *a,
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
	vg_pathset_add(out, in->s, in->len, a->prefix && b->prefix);
}

/* Fewer short prefixes is tighter: the shortest prefix decides, then the size. */
static bool tighter(const struct vg_pathset *a, const struct vg_pathset *b)
{
	uint32_t ma = UINT32_MAX, mb = UINT32_MAX;

	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].prefix && a->v[i].len < ma)
			ma = a->v[i].len;
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].prefix && b->v[i].len < mb)
			mb = b->v[i].len;
	return ma != mb ? ma > mb : a->n <= b->n;
}

static void take(struct vg_pathset *d, struct vg_pathset *s)
{
	vg_pathset_free(d);
	*d = *s;
	vg_pathset_init(s, VG_PATHS_NONE);
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
			vg_pathset_init(&out, VG_PATHS_NONE);
			for (size_t i = 0; i < d->n; i++)
				for (size_t j = 0; j < s->n; j++)
					intersect_pair(&out, &d->v[i], &s->v[j]);
			vg_pathset_normalize(&out);
			take(d, &out);
		}
	}
	vg_pathset_free(s);
}

bool vg_pathset_has(const struct vg_pathset *s, const char *p, size_t len)
{
	if (s->kind != VG_PATHS_SOME)
		return s->kind == VG_PATHS_ANY;
	for (size_t i = 0; i < s->n; i++) {
		const struct vg_pathset_entry *e = &s->v[i];

		if (starts_with(p, len, e->s, e->len) && (e->prefix || e->len == len))
			return true;
	}
	return false;
}

bool vg_pathset_equal(const struct vg_pathset *a, const struct vg_pathset *b)
{
	if (a->kind != b->kind || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!same(&a->v[i], &b->v[i]))
			return false;
	return true;
}
