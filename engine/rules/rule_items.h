/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The items read from YAML -- rules, macros, lists, exceptions -- with
 * their positions in the loaded files, as the loader collects them. They
 * live from loading until the ruleset is freed and never change once
 * compiled; apart from the compiled rules and from the per-event state so
 * that each of the three lifetimes is one struct. A list's and a macro's
 * expansion results sit on the item because they are computed once per
 * item (expand.c).
 */
#ifndef VIGIL_RULES_RULE_ITEMS_H
#define VIGIL_RULES_RULE_ITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules/ast.h"

struct vg_seq_item;

/* ---- where text came from ---- */

/* One loaded file, kept for mapping offsets to line:column. */
struct vg_srcfile {
	char *path;
	char *text;
	size_t len;
};

/* A YAML scalar's place in its file. */
struct vg_scalar_loc {
	const struct vg_srcfile *file; /* NULL: synthetic text */
	size_t start, end;	       /* byte offsets of the scalar in the file */
	int line, col;		       /* 1-based, of the scalar's first character */
	bool block;		       /* | or > scalar: text starts on the next line */
	bool quoted;
	bool fixed; /* synthetic text: report line:col as is, do not map */
};

/* A condition may be glued from several scalars (append, exceptions). */
struct vg_textmap {
	struct vg_textseg {
		size_t off; /* where this segment starts in the glued text */
		struct vg_scalar_loc loc;
	} * segs;
	size_t n, cap;
};

struct vg_exc_value {
	bool is_list;
	char *item;
	struct vg_exc_value *items;
	size_t n;
};

struct vg_exception {
	char *name;
	struct vg_scalar_loc loc;
	bool fields_valid, fields_is_list;
	char **fields;
	size_t nfields;
	bool comps_valid, comps_is_list;
	char **comps;
	size_t ncomps;
	struct vg_exc_value *values; /* each a row (list) or a scalar */
	size_t nvalues;
};

struct vg_list_item {
	char *name;
	struct vg_scalar_loc loc;
	char **items;
	bool *quoted; /* the item came from a quoted YAML scalar */
	size_t n, cap;
	uint32_t index, visibility;
	bool used;
	/* compile-time expansion */
	int state; /* 0 new, 1 expanding, 2 done */
	char **xitems;
	size_t nx, cx;
};

struct vg_macro_item {
	char *name;
	struct vg_scalar_loc loc;
	char *cond;
	struct vg_textmap cmap;
	struct vg_cond_src src;
	uint32_t index, visibility;
	bool used;
	/* compile-time */
	struct vg_ast *ast;	 /* parsed, lists substituted */
	struct vg_ast *resolved; /* macros inlined; NULL when past the bounds */
	int state;		 /* 0 new, 1 resolving, 2 done, 3 failed, 4 past the bounds */
	/* what inlining builds, measured before building it (expand.c, vg_measure) */
	uint64_t xnodes;	    /* AST nodes and list items */
	uint32_t xheight;	    /* tree height */
	uint32_t xchain;	    /* macros nested inside, itself included */
	struct vg_macro_item *xvia; /* the macro it names that weighs most, or NULL */
};

struct vg_rule_item {
	char *name;
	struct vg_scalar_loc loc;
	char *desc;
	char *cond;
	struct vg_textmap cmap;
	char *output;
	struct vg_scalar_loc output_loc;
	int priority;
	char *source;
	bool enabled;
	char **tags;
	size_t ntags;
	struct vg_exception *exc;
	size_t nexc;
	bool warn_evttypes;
	bool skip_unknown;
	bool capture;
	uint64_t capture_duration;
	uint32_t index, visibility;
	bool unknown_source;
	char *action;		 /* vigil extension, kept for the enforcement compiler */
	int enforce_mode;	 /* -1 unset, else enum vg_enf_mode */
	bool enforce_force;	 /* load even when the compiler finds it too broad */
	struct vg_seq_item *seq; /* sequence: or threshold: (seq.h); NULL for a plain rule */
};

/* Free an item and what it owns (ruleset.c). */
void vg_strv_free(char **v, size_t n);
void vg_exceptions_free(struct vg_exception *v, size_t n);
void vg_list_item_free(struct vg_list_item *l);
void vg_macro_item_free(struct vg_macro_item *m);
void vg_rule_item_free(struct vg_rule_item *r);

/* Everything the YAML files said, in load order (loader.c). */
struct vg_rule_items {
	struct vg_srcfile **files;
	size_t nfiles, cfiles;
	struct vg_list_item *lists;
	size_t nlists, clists;
	struct vg_macro_item *macros;
	size_t nmacros, cmacros;
	struct vg_rule_item *ritems;
	size_t nritems, critems;
	uint32_t cur_index; /* bumped by every definition or update: orders visibility */
	char *req_engine;
};

#endif
