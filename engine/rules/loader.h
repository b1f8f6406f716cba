/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules loader: reads Falco-format YAML (rule, macro, list,
 * required_engine_version, required_plugin_versions; append and override)
 * into a ruleset, keeping line:column marks for diagnostics. Files load in
 * order; a directory loads its files in alphabetical order. An error skips
 * the item it is about; everything accepted before stays.
 *
 * Typical use:
 *   rs = vg_ruleset_new(NULL);
 *   vg_ruleset_load_path(rs, "rules.yaml");   (repeat per -r)
 *   vg_ruleset_compile(rs);                   (see compile.h)
 *   vg_ruleset_eval(rs, &ctx, on_match, arg); (see eval.h)
 *   vg_ruleset_free(rs);
 */
#ifndef VIGIL_RULES_LOADER_H
#define VIGIL_RULES_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/compile.h"
#include "rules/diag.h"

/* The Falco engine version vigil's rule language is compatible with. */
#define VG_RULES_ENGINE_VERSION "0.57.0"
/* Plugins whose fields vigil provides itself, and the version it matches. */
#define VG_RULES_CONTAINER_PLUGIN_VERSION "0.6.0"

struct vg_ruleset *vg_ruleset_new(const struct vg_ruleset_opts *opts);
void vg_ruleset_free(struct vg_ruleset *rs);

/* Loads a file or a directory. Returns the number of new errors. */
int vg_ruleset_load_path(struct vg_ruleset *rs, const char *path);
/* Loads YAML text; name is used in diagnostics. Returns the number of new errors. */
int vg_ruleset_load_string(struct vg_ruleset *rs, const char *name, const char *text, size_t len);

const struct vg_diag *vg_ruleset_diags(const struct vg_ruleset *rs, size_t *n);
size_t vg_ruleset_error_count(const struct vg_ruleset *rs);
size_t vg_ruleset_warning_count(const struct vg_ruleset *rs);

/* Counts of collected items (before compilation). */
size_t vg_ruleset_list_count(const struct vg_ruleset *rs);
size_t vg_ruleset_macro_count(const struct vg_ruleset *rs);
size_t vg_ruleset_item_rule_count(const struct vg_ruleset *rs);

/* The i-th file loaded (its path and the bytes read); false past the end. */
bool vg_ruleset_file(const struct vg_ruleset *rs, size_t i, const char **path, const char **text,
		     size_t *len);

#endif
