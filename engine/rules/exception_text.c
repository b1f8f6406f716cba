// SPDX-License-Identifier: Apache-2.0
/*
 * Exceptions to condition text, as Falco builds it: each exception becomes
 * "and not (...)" glued after the rule's condition, with a location map so
 * that an error in the glued text points at the exception in the YAML.
 * Apart because it is text building, before anything is parsed.
 */
#include <string.h>

#include "rules/compile_ctx.h"

/* ---- exceptions -> condition text, as Falco builds it ---- */

static void quote_item(struct vg_sb *b, const char *s)
{
	/* Falco quotes an item with a space unless it is quoted already */
	if (strchr(s, ' ') && s[0] != '"' && s[0] != '\'') {
		vg_sb_putc(b, '"');
		vg_sb_puts(b, s);
		vg_sb_putc(b, '"');
	} else {
		vg_sb_puts(b, s);
	}
}

static void exception_text(struct vg_sb *b, const struct vg_exception *x, bool *bad)
{
	struct vg_sb ic;

	vg_sb_init(&ic);
	if (!x->fields_is_list) {
		for (size_t i = 0; i < x->nvalues; i++) {
			if (x->values[i].is_list) {
				*bad = true;
				continue;
			}
			vg_sb_printf(&ic, ic.len ? ", " : "(%s %s (", x->fields[0], x->comps[0]);
			quote_item(&ic, x->values[i].item);
		}
		if (ic.len)
			vg_sb_puts(&ic, "))");
	} else {
		for (size_t i = 0; i < x->nvalues; i++) {
			const struct vg_exc_value *row = &x->values[i];

			if (!row->is_list || row->n != x->nfields) {
				*bad = true;
				continue;
			}
			vg_sb_puts(&ic, ic.len ? " or (" : "((");
			for (size_t k = 0; k < x->nfields; k++) {
				const struct vg_exc_value *v = &row->items[k];

				vg_sb_printf(&ic, "%s%s %s ", k ? " and " : "", x->fields[k],
					     x->comps[k]);
				if (v->is_list) {
					vg_sb_putc(&ic, '(');
					for (size_t j = 0; j < v->n; j++) {
						if (j)
							vg_sb_puts(&ic, ", ");
						quote_item(&ic, v->items[j].item ? v->items[j].item
										 : "");
					}
					vg_sb_putc(&ic, ')');
				} else if (vg_op_is_list((enum vg_op)vg_op_lookup(x->comps[k]))) {
					bool paren = v->item[0] != '(';

					if (paren)
						vg_sb_putc(&ic, '(');
					vg_sb_puts(&ic, v->item);
					if (paren)
						vg_sb_putc(&ic, ')');
				} else {
					quote_item(&ic, v->item);
				}
			}
			vg_sb_putc(&ic, ')');
		}
		if (ic.len)
			vg_sb_putc(&ic, ')');
	}
	if (ic.len) {
		vg_sb_puts(b, " and not ");
		vg_sb_putn(b, ic.s, ic.len);
	}
	vg_sb_free(&ic);
}

/* Builds the rule's condition text with exceptions, and its location map. */
char *vg_rule_cond_text(struct vg_rule_item *it, struct vg_textmap *map, bool *bad)
{
	struct vg_sb b;

	vg_sb_init(&b);
	memset(map, 0, sizeof(*map));
	if (!it->nexc) {
		vg_sb_puts(&b, it->cond);
		for (size_t i = 0; i < it->cmap.n; i++)
			vg_textmap_add(map, it->cmap.segs[i].off, &it->cmap.segs[i].loc);
		return vg_sb_take(&b);
	}
	vg_sb_putc(&b, '(');
	vg_sb_puts(&b, it->cond);
	vg_sb_putc(&b, ')');
	for (size_t i = 0; i < it->cmap.n; i++)
		vg_textmap_add(map, it->cmap.segs[i].off + 1, &it->cmap.segs[i].loc);
	for (size_t i = 0; i < it->nexc; i++) {
		struct vg_scalar_loc l = it->exc[i].loc;

		l.fixed = true;
		vg_textmap_add(map, b.len, &l);
		exception_text(&b, &it->exc[i], bad);
	}
	return vg_sb_take(&b);
}
