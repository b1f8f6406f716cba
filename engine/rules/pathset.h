/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sets of paths described by exact names and string prefixes: the values
 * the prefilter analysis computes. A set is either NONE (no path at all:
 * the condition cannot hold), ANY (every path: nothing is known), or SOME:
 * the listed exact paths and prefixes, the paths whose last component (the
 * base name) is or ends with a listed name, and, when dotdot is set, every
 * open whose path as the caller gave it contains "..". Every operation is
 * sound in the direction the prefilter needs: a result may hold more paths
 * than the exact answer, never fewer; running out of memory yields ANY.
 */
#ifndef VIGIL_RULES_PATHSET_H
#define VIGIL_RULES_PATHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vg_pathset_kind {
	VG_PATHS_NONE,
	VG_PATHS_SOME,
	VG_PATHS_ANY,
};

struct vg_pathset_entry {
	char *s; /* NUL-terminated, owned */
	uint32_t len;
	/*
	 * base: s is a base name (no "/"). prefix: every path starting with s
	 * or, for a base name, whose base name ends with s (a prefix of the
	 * reversed name, as the kernel stores it); else exactly s.
	 */
	bool prefix, base;
};

struct vg_pathset {
	enum vg_pathset_kind kind;
	bool dotdot; /* also every open whose raw path contains ".." */
	struct vg_pathset_entry *v;
	size_t n, cap;
};

/* Above this many pairs an intersection keeps the tighter operand instead. */
#define VG_PATHSET_MAX_PAIRS 65536

void vg_pathset_init(struct vg_pathset *s, enum vg_pathset_kind kind);
void vg_pathset_free(struct vg_pathset *s);
/* Makes s ANY (and frees its entries). */
void vg_pathset_any(struct vg_pathset *s);
/* Adds one exact path or prefix; s becomes SOME (ANY stays ANY). */
void vg_pathset_add(struct vg_pathset *s, const char *p, size_t len, bool prefix);
/* Adds a base name (suffix: every base name ending with it); p has no "/". */
void vg_pathset_add_base(struct vg_pathset *s, const char *p, size_t len, bool suffix);
/* Adds every open whose raw path contains "..". */
void vg_pathset_add_dotdot(struct vg_pathset *s);
/*
 * Sorts, drops duplicates and entries a shorter prefix already covers. A
 * set with the prefix "" or "/" holds every absolute path: it becomes ANY.
 */
void vg_pathset_normalize(struct vg_pathset *s);
/* d := d or s; s is emptied. */
void vg_pathset_union(struct vg_pathset *d, struct vg_pathset *s);
/* d := d and s (or the tighter of the two when the pairs exceed the cap); s is emptied. */
void vg_pathset_intersect(struct vg_pathset *d, struct vg_pathset *s);
/*
 * True when path p (len bytes), opened as raw (NULL: not known, no ".."),
 * is in s: what the kernel's lookups decide.
 */
bool vg_pathset_has(const struct vg_pathset *s, const char *p, size_t len, const char *raw);
/* The base name of path p: what follows its last "/" (all of p without one). */
const char *vg_path_base(const char *p, size_t len, size_t *base_len);
/* Same kind and entries (both normalized). */
bool vg_pathset_equal(const struct vg_pathset *a, const struct vg_pathset *b);

#endif
