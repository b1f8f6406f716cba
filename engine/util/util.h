/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small helpers shared by the rules compiler and the field extractors: a
 * growable string, a string hash set, and checked array growth. A leaf: it
 * includes nothing of engine/. Nothing here is used on the per-event path
 * except the read-only set lookup.
 */
#ifndef VIGIL_UTIL_H
#define VIGIL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct vg_sb {
	char *s;
	size_t len, cap;
	bool oom; /* set on any failed growth; later appends are no-ops */
};

void vg_sb_init(struct vg_sb *b);
void vg_sb_free(struct vg_sb *b);
void vg_sb_putn(struct vg_sb *b, const char *s, size_t n);
void vg_sb_puts(struct vg_sb *b, const char *s);
void vg_sb_putc(struct vg_sb *b, char c);
__attribute__((format(printf, 2, 3))) void vg_sb_printf(struct vg_sb *b, const char *fmt, ...);
/* Hands the buffer over (NUL-terminated, never NULL unless oom). */
char *vg_sb_take(struct vg_sb *b);

/* Grows *arr (of elem bytes each) so that it holds at least need elements. */
bool vg_grow(void *arr, size_t *cap, size_t need, size_t elem);

char *vg_strndup0(const char *s, size_t n);

/*
 * A fast hash; with a secret seed (state keyed by what watched processes
 * choose), colliding inputs cannot be crafted offline.
 */
uint64_t vg_hash_seeded(uint64_t seed, const char *s, size_t n);

static inline uint64_t vg_hash(const char *s, size_t n)
{
	return vg_hash_seeded(0, s, n);
}

/*
 * Substring search. The haystacks are short (paths, command lines) and the
 * needles few bytes, where glibc's memmem spends more on its setup than
 * memchr on the first byte and memcmp on the candidates. A candidate whose
 * last byte differs is passed over without calling memcmp: first bytes
 * recur in text ("L" of LD_PRELOAD= in LANG, LOGNAME, LS_COLORS, ...).
 */
static inline bool vg_contains(const char *h, size_t hl, const char *n, size_t nl)
{
	const char *end, *p;

	if (nl > hl)
		return false;
	if (!nl)
		return true;
	end = h + (hl - nl) + 1; /* last candidate start + 1 */
	for (p = memchr(h, n[0], (size_t)(end - h)); p;
	     p = memchr(p + 1, n[0], (size_t)(end - p - 1)))
		if (p[nl - 1] == n[nl - 1] && memcmp(p + 1, n + 1, nl - 1) == 0)
			return true;
	return false;
}

/* Open-addressing set of byte strings; the set owns copies. */
struct vg_strset {
	struct vg_strset_ent {
		char *s;
		uint32_t len;
		uint64_t h;
	} * tab;
	size_t cap, n;
};

bool vg_strset_add(struct vg_strset *set, const char *s, size_t n);
bool vg_strset_has(const struct vg_strset *set, const char *s, size_t n);
/* The same with h = vg_hash(s, n) already computed (a value tested against several sets). */
bool vg_strset_has_hash(const struct vg_strset *set, const char *s, size_t n, uint64_t h);
/* Where s sits in set->tab (stable once the set is built), or SIZE_MAX; h = vg_hash(s, n). */
size_t vg_strset_find(const struct vg_strset *set, const char *s, size_t n, uint64_t h);
void vg_strset_free(struct vg_strset *set);

#endif
