/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load diagnostics: every error and warning names the file, line and
 * column, the rule, macro or list it is about, and a short stable code
 * (E-... for errors, W-... for warnings; docs/rules.md lists them).
 */
#ifndef VIGIL_RULES_DIAG_H
#define VIGIL_RULES_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum vg_diag_level {
	VG_DIAG_WARNING,
	VG_DIAG_ERROR,
};

struct vg_diag {
	enum vg_diag_level level;
	const char *code;
	char *file;	 /* NULL when not about a file */
	int line, col;	 /* 1-based; 0 when unknown */
	char *item_kind; /* "rule", "macro", "list", ... or NULL */
	char *item;	 /* its name, or NULL */
	char *msg;
};

struct vg_diags {
	struct vg_diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
};

__attribute__((format(printf, 8, 9))) void vg_diag_add(struct vg_diags *d, enum vg_diag_level level,
						       const char *code, const char *file, int line,
						       int col, const char *item_kind_and_name,
						       const char *fmt, ...);
void vg_diags_free(struct vg_diags *d);

/* "file:line:col: error E-CODE: rule 'x': message" */
void vg_diag_print(FILE *f, const struct vg_diag *dg);

#endif
