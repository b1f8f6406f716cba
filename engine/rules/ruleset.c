// SPDX-License-Identifier: Apache-2.0
/*
 * The ruleset object's lifetime: created empty with its options, freed
 * with everything the loader, the compiler and evaluation attached to it;
 * and what the loader's callers read back (diagnostics, item counts, the
 * loaded files). Apart from the loader so that freeing every part of the
 * ruleset is in one place, beside the items' own free functions.
 */
#include "rules/loader.h"

#include <stdlib.h>

#include "rules/rules_internal.h"

/* ---- the ruleset object ---- */

struct vg_ruleset *vg_ruleset_new(const struct vg_ruleset_opts *opts)
{
	struct vg_ruleset *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	if (opts)
		rs->opts = *opts;
	return rs;
}

void vg_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void exc_value_free(struct vg_exc_value *v)
{
	free(v->item);
	for (size_t i = 0; i < v->n; i++)
		exc_value_free(&v->items[i]);
	free(v->items);
}

static void exception_free(struct vg_exception *e)
{
	free(e->name);
	vg_strv_free(e->fields, e->nfields);
	vg_strv_free(e->comps, e->ncomps);
	for (size_t i = 0; i < e->nvalues; i++)
		exc_value_free(&e->values[i]);
	free(e->values);
}

void vg_exceptions_free(struct vg_exception *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		exception_free(&v[i]);
	free(v);
}

void vg_list_item_free(struct vg_list_item *l)
{
	free(l->name);
	vg_strv_free(l->items, l->n);
	free(l->quoted);
	vg_strv_free(l->xitems, l->nx);
}

void vg_macro_item_free(struct vg_macro_item *m)
{
	free(m->name);
	free(m->cond);
	vg_textmap_free(&m->cmap);
	vg_ast_free(m->ast);
	vg_ast_free(m->resolved);
}

void vg_rule_item_free(struct vg_rule_item *r)
{
	vg_seq_item_free(r->seq);
	r->seq = NULL;
	free(r->name);
	free(r->desc);
	free(r->cond);
	vg_textmap_free(&r->cmap);
	free(r->output);
	free(r->source);
	vg_strv_free(r->tags, r->ntags);
	vg_exceptions_free(r->exc, r->nexc);
	free(r->action);
}

void vg_ruleset_free(struct vg_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->compiled.nrules; i++)
		vg_rule_free(rs->compiled.rules[i]);
	free(rs->compiled.rules);
	for (size_t i = 0; i < rs->compiled.nseqs; i++)
		vg_seq_free(rs->compiled.seqs[i]);
	free(rs->compiled.seqs);
	for (size_t i = 0; i < rs->items.nlists; i++)
		vg_list_item_free(&rs->items.lists[i]);
	free(rs->items.lists);
	for (size_t i = 0; i < rs->items.nmacros; i++)
		vg_macro_item_free(&rs->items.macros[i]);
	free(rs->items.macros);
	for (size_t i = 0; i < rs->items.nritems; i++)
		vg_rule_item_free(&rs->items.ritems[i]);
	free(rs->items.ritems);
	for (size_t i = 0; i < rs->items.nfiles; i++) {
		free(rs->items.files[i]->path);
		free(rs->items.files[i]->text);
		free(rs->items.files[i]);
	}
	free(rs->items.files);
	free(rs->items.req_engine);
	for (size_t i = 0; i < rs->compiled.nskips; i++)
		free(rs->compiled.skips[i].name);
	free(rs->compiled.skips);
	vg_diags_free(&rs->diags);
	free(rs->ev.env.scratch.buf);
	vg_userdb_free(rs->ev.env.users);
	vg_fenv_free_learned(&rs->ev.env);
	free(rs->ev.pool);
	free(rs->ev.xtext);
	vg_eval_caches_free(rs);
	free(rs);
}

const struct vg_diag *vg_ruleset_diags(const struct vg_ruleset *rs, size_t *n)
{
	*n = rs->diags.n;
	return rs->diags.v;
}

size_t vg_ruleset_error_count(const struct vg_ruleset *rs)
{
	return rs->diags.nerrors;
}

size_t vg_ruleset_warning_count(const struct vg_ruleset *rs)
{
	return rs->diags.nwarnings;
}

size_t vg_ruleset_list_count(const struct vg_ruleset *rs)
{
	return rs->items.nlists;
}

size_t vg_ruleset_macro_count(const struct vg_ruleset *rs)
{
	return rs->items.nmacros;
}

size_t vg_ruleset_item_rule_count(const struct vg_ruleset *rs)
{
	return rs->items.nritems;
}

bool vg_ruleset_file(const struct vg_ruleset *rs, size_t i, const char **path, const char **text,
		     size_t *len)
{
	if (i >= rs->items.nfiles)
		return false;
	*path = rs->items.files[i]->path;
	*text = rs->items.files[i]->text;
	*len = rs->items.files[i]->len;
	return true;
}
