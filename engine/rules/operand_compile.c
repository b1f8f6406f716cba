// SPDX-License-Identifier: Apache-2.0
/*
 * Operands: a field reference bound to its extractor (registry lookup,
 * argument, whether vigil extracts it), a transformer with its arity and
 * argument types checked, or a constant. Used by conditions and by output
 * formats (format.c) alike, which is why it is apart from the checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/compile_ctx.h"

/* ---- operands ---- */

void vg_cexpr_free(struct vg_cexpr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nargs; i++)
		vg_cexpr_free(e->args[i]);
	free(e->args);
	free(e->arg_owned);
	free(e->cstr);
	free(e->text);
	free(e);
}

static char *opnd_text(const struct vg_ast_opnd *o)
{
	struct vg_sb b;

	vg_sb_init(&b);
	switch (o->kind) {
	case VG_OPND_FIELD:
		vg_sb_puts(&b, o->name);
		if (o->arg)
			vg_sb_printf(&b, "[%s]", o->arg);
		break;
	case VG_OPND_XFORM:
		vg_sb_printf(&b, "%s(", vg_xform_name(o->xf));
		for (size_t i = 0; i < o->nargs; i++) {
			char *t = opnd_text(o->args[i]);

			vg_sb_printf(&b, "%s%s", i ? ", " : "", t ? t : "");
			free(t);
		}
		vg_sb_putc(&b, ')');
		break;
	default:
		if (o->nitems)
			vg_sb_printf(&b, "\"%s\"", o->items[0].s);
		break;
	}
	return vg_sb_take(&b);
}

#define SET_ERR(code, ...)                                                                         \
	do {                                                                                       \
		*errcode = (code);                                                                 \
		snprintf(err, errlen, __VA_ARGS__);                                                \
	} while (0)

/* Warn mode: remembers (once) a field the rule being compiled uses that nothing extracts. */
static void note_unextracted(struct vg_ruleset *rs, const char *name)
{
	char *u = rs->unextracted;
	size_t n = strlen(name), have = strlen(u);
	const char *p = u;

	while ((p = strstr(p, name))) {
		if ((p == u || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return;
		p += n;
	}
	if (have + n + 3 < sizeof(rs->unextracted))
		snprintf(u + have, sizeof(rs->unextracted) - have, "%s%s", have ? ", " : "", name);
}

/*
 * A field that is registered (Falco has it) but that vigil never extracts is
 * always missing: a check on it never matches. That is a load error at the
 * field, or with unsupported_fields: warn, a warning naming the rule.
 * %container.info is the exception: Falco's outputs expand it to nothing.
 */
static bool field_extracted(struct vg_ruleset *rs, const struct vg_field_def *def,
			    const char **errcode, char *err, size_t errlen)
{
	if ((def->flags & VG_FF_LIVE) ||
	    (rs->in_output && strcmp(def->name, "container.info") == 0))
		return true;
	if (rs->opts.unsupported_fields == VG_UNSUPPORTED_WARN) {
		note_unextracted(rs, def->name);
		return true;
	}
	SET_ERR("E-NOT-EXTRACTED",
		"'%s' is not extracted by vigil: it is always missing, so the rule could never "
		"match on it (`vigil fields` marks the live fields; the config key "
		"unsupported_fields: warn loads such rules with a warning)",
		def->name);
	return false;
}

static struct vg_cexpr *compile_field(struct vg_ruleset *rs, const struct vg_ast_opnd *o,
				      const char **errcode, char *err, size_t errlen)
{
	const struct vg_field_def *def;
	const char *dotarg, *berr;
	struct vg_cexpr *e;

	def = vg_field_lookup(o->name, &dotarg);
	if (!def) {
		SET_ERR("E-UNKNOWN-FIELD", "'%s' is not a supported field", o->name);
		return NULL;
	}
	if (!field_extracted(rs, def, errcode, err, errlen))
		return NULL;
	if (dotarg && o->arg) {
		SET_ERR("E-FIELD-ARG", "'%s' has two arguments", o->name);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		SET_ERR("E-NOMEM", "out of memory");
		return NULL;
	}
	e->kind = CX_FIELD;
	if (dotarg || o->arg) {
		e->arg_owned = strdup(dotarg ? dotarg : o->arg);
		if (!e->arg_owned)
			goto nomem;
	}
	berr = vg_field_bind(&e->ref, def, e->arg_owned);
	if (berr) {
		SET_ERR("E-FIELD-ARG", "%s: %s", def->name, berr);
		vg_cexpr_free(e);
		return NULL;
	}
	e->type = def->type;
	e->multi =
		(def->flags & VG_FF_LIST) ||
		((def->flags & VG_FF_ANY) && !(def->arg == VG_FARG_OPT_INDEX && e->ref.index >= 0));
	e->text = opnd_text(o);
	if (!e->text)
		goto nomem;
	return e;
nomem:
	SET_ERR("E-NOMEM", "out of memory");
	vg_cexpr_free(e);
	return NULL;
}

/* Checks a transformer's arity and argument types; sets e->type. */
static bool check_xform(struct vg_cexpr *e, const char **errcode, char *err, size_t errlen)
{
	const char *name = vg_xform_name(e->xf);

	switch (e->xf) {
	case VG_XF_TOLOWER:
	case VG_XF_TOUPPER:
	case VG_XF_B64:
	case VG_XF_BASENAME:
		if (e->nargs != 1 || !vg_is_stringish(e->args[0]->type)) {
			SET_ERR("E-TRANSFORMER", "%s() takes one string field", name);
			return false;
		}
		e->type = VG_FT_STRING;
		e->multi = e->args[0]->multi;
		return true;
	case VG_XF_LEN:
		if (e->nargs != 1) {
			SET_ERR("E-TRANSFORMER", "len() takes one field");
			return false;
		}
		e->type = VG_FT_U64;
		return true;
	case VG_XF_JOIN:
	case VG_XF_GETOPT:
		if (e->nargs != 2 || e->args[0]->kind != CX_CONST ||
		    !vg_is_stringish(e->args[1]->type)) {
			SET_ERR("E-TRANSFORMER", "%s() takes a quoted string and a string field",
				name);
			return false;
		}
		e->type = VG_FT_STRING;
		return true;
	case VG_XF_CONCAT:
		if (e->nargs < 2) {
			SET_ERR("E-TRANSFORMER", "concat() takes two or more arguments");
			return false;
		}
		for (size_t i = 0; i < e->nargs; i++) {
			if (!vg_is_stringish(e->args[i]->type)) {
				SET_ERR("E-TRANSFORMER", "concat() arguments must be strings");
				return false;
			}
		}
		e->type = VG_FT_STRING;
		return true;
	case VG_XF_VAL:
		if (e->nargs != 1 ||
		    (e->args[0]->kind != CX_FIELD && e->args[0]->kind != CX_CAPTURE)) {
			SET_ERR("E-TRANSFORMER", "val() takes one field");
			return false;
		}
		e->type = e->args[0]->type;
		e->multi = e->args[0]->multi;
		return true;
	default: SET_ERR("E-TRANSFORMER", "unknown transformer"); return false;
	}
}

struct vg_cexpr *vg_compile_opnd(struct vg_ruleset *rs, const struct vg_ast_opnd *o,
				 const char **errcode, char *err, size_t errlen, unsigned *depth)
{
	struct vg_cexpr *e;
	unsigned sub = 0, d;

	switch (o->kind) {
	case VG_OPND_FIELD:
		if (rs->seqc) { /* a sequence's step reference (seq_compile.c) */
			bool handled;
			const char *plain;
			struct vg_ast_opnd p = *o;

			e = vg_seq_compile_ref(rs, o->name, errcode, err, errlen, &handled, &plain);
			if (handled)
				return e;
			if (plain)
				p.name = (char *)plain;
			e = compile_field(rs, &p, errcode, err, errlen);
			if (e && plain) {
				free(e->text);
				if (!(e->text = opnd_text(o)))
					e = (vg_cexpr_free(e), NULL);
			}
		} else {
			e = compile_field(rs, o, errcode, err, errlen);
		}
		if (e && !vg_slot_assign(rs, e)) {
			SET_ERR("E-NOMEM", "out of memory");
			vg_cexpr_free(e);
			return NULL;
		}
		return e;
	case VG_OPND_VALUE:
		e = calloc(1, sizeof(*e));
		if (!e || !(e->cstr = vg_strndup0(o->items[0].s, o->items[0].len))) {
			free(e);
			SET_ERR("E-NOMEM", "out of memory");
			return NULL;
		}
		e->kind = CX_CONST;
		e->type = VG_FT_STRING;
		e->clen = o->items[0].len;
		return e;
	case VG_OPND_XFORM: break;
	default: SET_ERR("E-PARSE", "a list cannot be used here"); return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->args = calloc(o->nargs ? o->nargs : 1, sizeof(*e->args)))) {
		free(e);
		SET_ERR("E-NOMEM", "out of memory");
		return NULL;
	}
	e->kind = CX_XFORM;
	e->xf = o->xf;
	for (size_t i = 0; i < o->nargs; i++) {
		d = 0;
		e->args[i] = vg_compile_opnd(rs, o->args[i], errcode, err, errlen, &d);
		if (!e->args[i])
			goto fail;
		e->nargs = i + 1;
		if (d > sub)
			sub = d;
	}
	if (!check_xform(e, errcode, err, errlen))
		goto fail;
	e->text = opnd_text(o);
	if (!e->text) {
		SET_ERR("E-NOMEM", "out of memory");
		goto fail;
	}
	if (depth)
		*depth = sub + 1;
	return e;
fail:
	vg_cexpr_free(e);
	return NULL;
}
