// SPDX-License-Identifier: Apache-2.0
/* Helpers for the rules compiler: see util.h. */
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vg_sb_init(struct vg_sb *b)
{
	memset(b, 0, sizeof(*b));
}

void vg_sb_free(struct vg_sb *b)
{
	free(b->s);
	vg_sb_init(b);
}

static bool sb_reserve(struct vg_sb *b, size_t extra)
{
	size_t need;
	char *p;

	if (b->oom)
		return false;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	if (need < b->cap * 2)
		need = b->cap * 2;
	if (need < 64)
		need = 64;
	p = realloc(b->s, need);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->s = p;
	b->cap = need;
	return true;
}

void vg_sb_putn(struct vg_sb *b, const char *s, size_t n)
{
	if (!sb_reserve(b, n))
		return;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void vg_sb_puts(struct vg_sb *b, const char *s)
{
	vg_sb_putn(b, s, strlen(s));
}

void vg_sb_putc(struct vg_sb *b, char c)
{
	vg_sb_putn(b, &c, 1);
}

void vg_sb_printf(struct vg_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *vg_sb_take(struct vg_sb *b)
{
	char *s;

	if (b->oom) {
		vg_sb_free(b);
		return NULL;
	}
	if (!b->s && !sb_reserve(b, 0))
		return NULL;
	if (!b->len)
		b->s[0] = '\0';
	s = b->s;
	vg_sb_init(b);
	return s;
}

bool vg_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	void **pa = arr;
	size_t ncap;
	void *p;

	if (need <= *cap)
		return true;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem)
		return false;
	p = realloc(*pa, ncap * elem);
	if (!p)
		return false;
	*pa = p;
	*cap = ncap;
	return true;
}

char *vg_strndup0(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

uint64_t vg_hash_seeded(uint64_t seed, const char *s, size_t n)
{
	/* eight bytes a step, each mixed by a multiply and a shift: set lookups hash
	 * paths and command lines per event, and byte-wise FNV costs ~4 cycles a byte */
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ seed ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	if (n) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0x94d049bb133111ebULL;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

static size_t set_slot(const struct vg_strset_ent *tab, size_t cap, const char *s, size_t n,
		       uint64_t h)
{
	size_t i = h & (cap - 1);

	while (tab[i].s && !(tab[i].h == h && tab[i].len == n && memcmp(tab[i].s, s, n) == 0))
		i = (i + 1) & (cap - 1);
	return i;
}

static bool set_rehash(struct vg_strset *set)
{
	size_t ncap = set->cap ? set->cap * 2 : 16;
	struct vg_strset_ent *nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		return false;
	for (size_t i = 0; i < set->cap; i++) {
		struct vg_strset_ent *e = &set->tab[i];

		if (e->s)
			nt[set_slot(nt, ncap, e->s, e->len, e->h)] = *e;
	}
	free(set->tab);
	set->tab = nt;
	set->cap = ncap;
	return true;
}

bool vg_strset_add(struct vg_strset *set, const char *s, size_t n)
{
	uint64_t h = vg_hash(s, n);
	size_t i;

	if ((set->n + 1) * 2 > set->cap && !set_rehash(set))
		return false;
	i = set_slot(set->tab, set->cap, s, n, h);
	if (set->tab[i].s)
		return true;
	set->tab[i].s = vg_strndup0(s, n);
	if (!set->tab[i].s)
		return false;
	set->tab[i].len = (uint32_t)n;
	set->tab[i].h = h;
	set->n++;
	return true;
}

bool vg_strset_has(const struct vg_strset *set, const char *s, size_t n)
{
	return set->n && vg_strset_has_hash(set, s, n, vg_hash(s, n));
}

size_t vg_strset_find(const struct vg_strset *set, const char *s, size_t n, uint64_t h)
{
	size_t i;

	if (!set->n)
		return SIZE_MAX;
	i = set_slot(set->tab, set->cap, s, n, h);
	return set->tab[i].s ? i : SIZE_MAX;
}

bool vg_strset_has_hash(const struct vg_strset *set, const char *s, size_t n, uint64_t h)
{
	return vg_strset_find(set, s, n, h) != SIZE_MAX;
}

void vg_strset_free(struct vg_strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->tab[i].s);
	free(set->tab);
	memset(set, 0, sizeof(*set));
}
