/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader's small YAML tree (ytree.c) and the reader that builds it,
 * shared by the item readers (loader.c, and seq_load.c for vigil's own
 * rule keys). Not a public header.
 */
#ifndef VIGIL_RULES_YTREE_H
#define VIGIL_RULES_YTREE_H

#include <yaml.h>

#include "rules/rules_internal.h"

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ykind kind;
	char *s;
	size_t len;
	yaml_scalar_style_t style;
	yaml_mark_t start, end;
	struct ynode **kids; /* maps: key, value, key, value, ... */
	size_t n, cap;
};

/* An anchor seen in the current document, for its aliases. */
struct vg_yanchor {
	char *name;
	struct ynode *node;
};

/* One file being read: its parser, anchors and node budget. */
struct vg_yreader {
	struct vg_ruleset *rs;
	struct vg_srcfile *file;
	yaml_parser_t parser;
	struct vg_yanchor *anchors;
	size_t nanchors, canchors;
	size_t nodes;
	bool failed; /* a YAML error was reported; stop */
};

/* "kind:name" for vg_diag_add. */
struct vg_itemref {
	char buf[300];
};

#define vg_yerr_at(r, n, kind, name, code, ...)                                                    \
	vg_ydiag_at(r, VG_DIAG_ERROR, n, kind, name, code, __VA_ARGS__)
#define vg_ywarn_at(r, n, kind, name, code, ...)                                                   \
	vg_ydiag_at(r, VG_DIAG_WARNING, n, kind, name, code, __VA_ARGS__)

__attribute__((format(printf, 7, 8))) void vg_ydiag_at(struct vg_yreader *r, enum vg_diag_level lvl,
						       const struct ynode *n, const char *kind,
						       const char *name, const char *code,
						       const char *fmt, ...);
/* "kind:name" in b, or NULL without a kind. */
const char *vg_yiref(struct vg_itemref *b, const char *kind, const char *name);
void vg_ynode_free(struct ynode *n);
/* Forgets the anchors of the document just read. */
void vg_yanchors_clear(struct vg_yreader *r);
/* The next libyaml event; false after reporting a YAML error. */
bool vg_ynext_event(struct vg_yreader *r, yaml_event_t *ev);
/* The tree of the node that starts with ev; NULL after an error (bounds included). */
struct ynode *vg_ybuild(struct vg_yreader *r, yaml_event_t *ev, int depth);
bool vg_yis_null(const struct ynode *n);
/* A string value, or NULL with an error reported. */
const char *vg_ywant_str(struct vg_yreader *r, const struct ynode *n, const char *key,
			 const char *kind, const char *name);
/* YAML 1.1 booleans, as yaml-cpp reads them: -1 when not a boolean. */
int vg_yparse_bool(const struct ynode *n);
int vg_ywant_bool(struct vg_yreader *r, const struct ynode *n, const char *key, const char *kind,
		  const char *name);
/* A sequence of strings (nested sequences flattened) into *out. */
bool vg_ywant_strv(struct vg_yreader *r, const struct ynode *n, const char *key, const char *kind,
		   const char *name, char ***out, bool **quoted, size_t *nout, size_t *cap);
/* Warns about keys of item m that are not in known (NULL-terminated). */
void vg_ywarn_unknown_keys(struct vg_yreader *r, const struct ynode *m, const char *const *known,
			   const char *kind, const char *name);
/* s is one of set (NULL-terminated). */
bool vg_yin_set(const char *s, const char *const *set);

/* The value of key in map m, or NULL. */
const struct ynode *vg_ymap_get(const struct ynode *m, const char *key);
/* An error at n's line:column about rule name. */
__attribute__((format(printf, 5, 6))) void vg_yerr(struct vg_yreader *r, const struct ynode *n,
						   const char *name, const char *code,
						   const char *fmt, ...);
/* n's place in its file, for conditions compiled later. */
void vg_yloc(const struct vg_yreader *r, const struct ynode *n, struct vg_scalar_loc *l);

/* seq_load.c: reads a rule's sequence: or threshold: map. False: reported. */
bool vg_seq_read(struct vg_yreader *r, const struct ynode *item, const char *name,
		 struct vg_seq_item **out);

#endif
