/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the item readers share (loader.c reads lists, macros, versions and
 * documents; rule_read.c reads rules): override: handling, gluing
 * condition text with its location map, and finding an earlier rule. Not
 * a public header.
 */
#ifndef VIGIL_RULES_ITEM_READ_H
#define VIGIL_RULES_ITEM_READ_H

#include "rules/rules_internal.h"
#include "rules/ytree.h"

/* override: how each key of an append or override is applied */
enum vg_ovr { OVR_NONE, OVR_APPEND, OVR_REPLACE };

struct vg_overrides {
	const char *keys[16];
	enum vg_ovr how[16];
	size_t n;
};

/* The override asked for key, OVR_NONE when none. */
enum vg_ovr vg_ovr_of(const struct vg_overrides *o, const char *key);
/* Reads "override:" and checks it against the item, as Falco does. */
bool vg_read_overrides(struct vg_yreader *r, const struct ynode *item, const struct ynode *ov,
		       const char *kind, const char *name, const char *const *appendable,
		       const char *const *replaceable, struct vg_overrides *out);
/* Appends " text" (or sets text) on a glued condition and its map. */
bool vg_item_glue(char **cond, struct vg_textmap *m, const char *text,
		  const struct vg_scalar_loc *loc, bool replace);
/* The rule defined earlier under name, or NULL. */
struct vg_rule_item *vg_item_find_rule(struct vg_ruleset *rs, const char *name);
/* Reads one rule item: a definition, an append or an override. */
void vg_read_rule(struct vg_yreader *r, const struct ynode *item, const char *name);

#endif
