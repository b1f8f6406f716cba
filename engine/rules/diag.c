// SPDX-License-Identifier: Apache-2.0
/* Load diagnostics: see diag.h. */
#include "rules/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/*
 * item_kind_and_name is "kind\0name" packed by the caller's helper, or a
 * plain kind with no name, or NULL. Keeping it one argument keeps the
 * printf-style signature short.
 */
void vg_diag_add(struct vg_diags *d, enum vg_diag_level level, const char *code, const char *file,
		 int line, int col, const char *item, const char *fmt, ...)
{
	struct vg_diag *dg;
	va_list ap;
	char *msg = NULL;
	const char *name = NULL;

	if (!vg_grow(&d->v, &d->cap, d->n + 1, sizeof(*d->v)))
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	dg = &d->v[d->n];
	memset(dg, 0, sizeof(*dg));
	dg->level = level;
	dg->code = code;
	dg->line = line;
	dg->col = col;
	dg->msg = msg ? msg : strdup("(out of memory)");
	dg->file = file ? strdup(file) : NULL;
	if (item) {
		name = strchr(item, ':');
		if (name) {
			dg->item_kind = vg_strndup0(item, (size_t)(name - item));
			dg->item = strdup(name + 1);
		} else {
			dg->item_kind = strdup(item);
		}
	}
	d->n++;
	if (level == VG_DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
}

void vg_diags_free(struct vg_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].item_kind);
		free(d->v[i].item);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void vg_diag_print(FILE *f, const struct vg_diag *dg)
{
	if (dg->file)
		fprintf(f, "%s:%d:%d: ", dg->file, dg->line, dg->col);
	fprintf(f, "%s %s: ", dg->level == VG_DIAG_ERROR ? "error" : "warning", dg->code);
	if (dg->item_kind && dg->item)
		fprintf(f, "%s '%s': ", dg->item_kind, dg->item);
	fprintf(f, "%s\n", dg->msg ? dg->msg : "");
}
