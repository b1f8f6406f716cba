/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The loader's small YAML tree, shared with the readers of vigil's own rule
 * keys that live outside loader.c (seq_load.c). Not a public header.
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

struct reader;

/* The value of key in map m, or NULL. */
const struct ynode *vg_ymap_get(const struct ynode *m, const char *key);
/* An error at n's line:column about rule name. */
__attribute__((format(printf, 5, 6))) void vg_yerr(struct reader *r, const struct ynode *n,
						   const char *name, const char *code,
						   const char *fmt, ...);
/* n's place in its file, for conditions compiled later. */
void vg_yloc(const struct reader *r, const struct ynode *n, struct vg_scalar_loc *l);

/* seq_load.c: reads a rule's sequence: or threshold: map. False: reported. */
bool vg_seq_read(struct reader *r, const struct ynode *item, const char *name,
		 struct vg_seq_item **out);

#endif
