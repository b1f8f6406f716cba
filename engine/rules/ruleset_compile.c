// SPDX-License-Identifier: Apache-2.0
/*
 * Ruleset compiler, in Falco's order: lists are expanded, macro
 * conditions are parsed and resolved, then each rule's condition gets its
 * exceptions, lists and macros and is compiled to an evaluation tree, its
 * output format compiled beside it. Rules that fail are skipped with the
 * reason; unused lists and macros are warned about. The stages themselves
 * live in the files compile_ctx.h lists.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/compile_ctx.h"

/* ---- rules ---- */

void vg_rule_free(struct vg_rule *r)
{
	if (!r)
		return;
	free(r->name);
	free(r->desc);
	free(r->source);
	free(r->output);
	free(r->action);
	for (size_t i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	free(r->tag_set);
	vg_cnode_free(r->root);
	vg_ofmt_free(&r->ofmt);
	for (size_t i = 0; i < r->nxf; i++) {
		free(r->xf[i].key);
		vg_ofmt_free(&r->xf[i].fmt);
	}
	free(r->xf);
	free(r->okeys);
	free(r->cond_text);
	free(r->file);
	free(r);
}

static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static int tag_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/*
 * The tags sorted, each once, as Falco's alerts carry them: built here once
 * rather than sorted for every alert. At most VG_ALERT_TAGS_MAX of them, the
 * first ones as written, as alerts have always been limited to.
 */
static bool build_tag_set(struct vg_rule *r)
{
	size_t m = r->ntags < VG_ALERT_TAGS_MAX ? r->ntags : VG_ALERT_TAGS_MAX, k = 0;

	if (!m)
		return true;
	if (!(r->tag_set = calloc(m, sizeof(*r->tag_set))))
		return false;
	memcpy(r->tag_set, r->tags, m * sizeof(*r->tag_set));
	qsort(r->tag_set, m, sizeof(*r->tag_set), tag_cmp);
	for (size_t i = 0; i < m; i++)
		if (i == 0 || strcmp(r->tag_set[i], r->tag_set[k - 1]) != 0)
			r->tag_set[k++] = r->tag_set[i];
	r->ntag_set = k;
	return true;
}

static bool copy_rule_meta(struct vg_rule *r, const struct vg_rule_item *it)
{
	r->name = xstrdup(it->name);
	r->desc = xstrdup(it->desc);
	r->source = xstrdup(it->source);
	r->output = xstrdup(it->output);
	r->action = it->action ? strdup(it->action) : NULL;
	r->enforce_mode = it->enforce_mode;
	r->enforce_force = it->enforce_force;
	r->priority = it->priority;
	r->enabled = it->enabled;
	r->file = it->loc.file ? strdup(it->loc.file->path) : NULL;
	r->line = it->loc.line;
	r->col = it->loc.col;
	if (!r->name || !r->desc || !r->source || !r->output || (it->action && !r->action))
		return false;
	if (it->ntags && !(r->tags = calloc(it->ntags, sizeof(*r->tags))))
		return false;
	for (size_t i = 0; i < it->ntags; i++) {
		if (!(r->tags[i] = strdup(it->tags[i])))
			return false;
		r->ntags = i + 1;
	}
	return build_tag_set(r);
}

/* Warn mode: one warning per rule that uses fields vigil does not extract, naming them. */
static void warn_unextracted(struct vg_ruleset *rs, const struct vg_rule_item *it)
{
	char item[300];

	if (!rs->unextracted[0])
		return;
	snprintf(item, sizeof(item), "rule:%s", it->name);
	vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-NOT-EXTRACTED",
		    it->loc.file ? it->loc.file->path : NULL, it->loc.line, it->loc.col, item,
		    "uses %s, which vigil does not extract: those checks never match "
		    "(unsupported_fields: warn)",
		    rs->unextracted);
	rs->unextracted[0] = '\0';
}

static struct vg_rule *compile_rule(struct vg_ruleset *rs, struct vg_rule_item *it)
{
	struct vg_cctx c = {.rs = rs,
			    .kind = "rule",
			    .name = it->name,
			    .skip_unknown = it->skip_unknown,
			    .loc = &it->loc};
	struct vg_cond_src src = {.item = it->name};
	struct vg_textmap map;
	struct vg_rule *r = NULL;
	struct vg_ast *ast = NULL;
	bool bad = false;
	const char *code = "E-OUTPUT";
	char err[300] = "";
	size_t epos = 0, own = 0; /* own: the length of the rule's own output text */
	struct vg_xsize x;
	char *text;
	bool ok;

	rs->unextracted[0] = '\0';
	if (!it->cond) {
		vg_cdiag(&c, VG_DIAG_ERROR, NULL, 0, "E-MISSING-KEY", "rule has no condition");
		return NULL;
	}
	text = vg_rule_cond_text(it, &map, &bad);
	if (!text)
		return NULL;
	if (bad)
		vg_cdiag(&c, VG_DIAG_ERROR, NULL, 0, "E-EXCEPTION",
			 "exception values must match the shape of the exception's fields");
	src.text = text;
	src.len = strlen(text);
	src.loc_ctx = &map;
	c.src = &src;
	if (bad)
		goto out;
	ast = vg_parse_cond(&c, text, &src);
	if (!ast || !vg_measure(&c, ast, UINT32_MAX, 0, &x) || !vg_within_bounds(&c, &x, &src))
		goto out;
	vg_account(rs, &x);
	if (!vg_inline_macros(&c, &ast, UINT32_MAX)) {
		vg_cdiag(&c, VG_DIAG_ERROR, NULL, 0, "E-NOMEM", "out of memory");
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (!r || !copy_rule_meta(r, it))
		goto fail;
	r->root = vg_compile_node(&c, ast);
	if (!r->root) {
		if (c.unknown_hit && it->skip_unknown)
			vg_cdiag(&c, VG_DIAG_WARNING, NULL, 0, "W-UNKNOWN-FILTER",
				 "rule skipped: it uses a field or event type vigil does not know "
				 "(skip-if-unknown-filter)");
		goto fail;
	}
	if (!vg_rule_append_output(rs, r, &own))
		goto fail;
	rs->in_output = true;
	ok = vg_ofmt_compile(rs, r->output, &r->ofmt, &code, err, sizeof(err), &epos);
	rs->in_output = false;
	if (!ok) {
		const char *file;
		int line, col;

		vg_scalar_linecol(&it->output_loc, &file, &line, &col);
		if (epos > own) {
			/* the error is in what -p appended: say so, at the rule's output */
			vg_diag_add(&rs->diags, VG_DIAG_ERROR, code, file, line, col, NULL,
				    "output appended by append_output or -p: %s", err);
		} else if (strcmp(code, "E-UNKNOWN-FIELD") == 0 && it->skip_unknown) {
			vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-UNKNOWN-FILTER", file, line,
				    col, NULL, "rule '%s' skipped: %s in output", it->name, err);
		} else {
			struct vg_textmap om = {0};
			char item[300];

			vg_textmap_add(&om, 0, &it->output_loc);
			vg_textmap_loc(&om, epos, it->output, &file, &line, &col);
			vg_textmap_free(&om);
			snprintf(item, sizeof(item), "rule:%s", it->name);
			vg_diag_add(&rs->diags, VG_DIAG_ERROR, code, file, line, col, item,
				    "output: %s", err);
		}
		goto fail;
	}
	if (!vg_rule_compile_extras(rs, r, it))
		goto fail;
	warn_unextracted(rs, it);
	vg_node_evttypes(r->root, false, &r->evts);
	r->source_id = vg_source_id(r->source);
	if (r->source_id > 0 && it->action) {
		/* the kernel enforces on syscalls: a plugin's event has none to deny or kill */
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-ACTION",
			    it->loc.file ? it->loc.file->path : NULL, it->loc.line, it->loc.col,
			    NULL, "rule '%s': action: needs the syscall source, not '%s'", it->name,
			    r->source);
		goto fail;
	}
	if (r->source_id > 0) /* a plugin's events: evaluated by vg_ruleset_eval_source */
		vg_evtset_clear(&r->evts);
	else if (it->warn_evttypes) {
		unsigned cnt = vg_evtset_count(&r->evts);

		char item[300];

		snprintf(item, sizeof(item), "rule:%s", it->name);
		if (cnt == 0 || cnt > 100)
			vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-NO-EVTTYPE",
				    it->loc.file ? it->loc.file->path : NULL, it->loc.line,
				    it->loc.col, item,
				    "the rule %s; this has a significant performance cost",
				    cnt ? "matches too many event types (no evt.type restriction)"
					: "matches no event type");
	}
	r->cond_text = vg_ast_to_string(ast);
	if (c.depth + 1 > rs->compiled.npool / 2)
		rs->compiled.npool = 2 * (c.depth + 1);
	goto out;
fail:
	vg_rule_free(r);
	r = NULL;
out:
	vg_ast_free(ast);
	vg_textmap_free(&map);
	free(text);
	return r;
}

/* For seq_compile.c: a rule item (a sequence's step, a threshold) compiled like any rule. */
struct vg_rule *vg_compile_rule_item(struct vg_ruleset *rs, struct vg_rule_item *it);
struct vg_rule *vg_compile_rule_item(struct vg_ruleset *rs, struct vg_rule_item *it)
{
	return compile_rule(rs, it);
}

static void unused_warnings(struct vg_ruleset *rs)
{
	char item[300];

	for (size_t i = 0; i < rs->items.nmacros; i++) {
		struct vg_macro_item *m = &rs->items.macros[i];

		if (m->used)
			continue;
		if (m->state == 4) {
			/* past the bounds and used by nothing: no rule reported it */
			struct vg_cctx c = {
				.rs = rs, .kind = "macro", .name = m->name, .loc = &m->loc};
			struct vg_xsize x = {m->xnodes, m->xheight, m->xchain, m, NULL};

			vg_within_bounds(&c, &x, NULL);
		}
		snprintf(item, sizeof(item), "macro:%s", m->name);
		vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-UNUSED-MACRO",
			    m->loc.file ? m->loc.file->path : NULL, m->loc.line, m->loc.col, item,
			    "not used by any rule or macro");
	}
	for (size_t i = 0; i < rs->items.nlists; i++) {
		struct vg_list_item *l = &rs->items.lists[i];

		if (l->used)
			continue;
		snprintf(item, sizeof(item), "list:%s", l->name);
		vg_diag_add(&rs->diags, VG_DIAG_WARNING, "W-UNUSED-LIST",
			    l->loc.file ? l->loc.file->path : NULL, l->loc.line, l->loc.col, item,
			    "not used by any rule, macro or list");
	}
}

static void add_skip(struct vg_ruleset *rs, const char *name, const char *reason)
{
	struct vg_skip *v = realloc(rs->compiled.skips, (rs->compiled.nskips + 1) * sizeof(*v));

	rs->compiled.skipped++;
	if (!v)
		return;
	rs->compiled.skips = v;
	v[rs->compiled.nskips].name = strdup(name);
	v[rs->compiled.nskips].reason = reason;
	if (v[rs->compiled.nskips].name)
		rs->compiled.nskips++;
}

int vg_ruleset_compile(struct vg_ruleset *rs)
{
	size_t before = rs->diags.nerrors, before_rule;

	if (rs->compiled.done)
		return 0;
	rs->compiled.done = true;
	for (size_t i = 0; i < rs->items.nlists; i++)
		vg_expand_list(rs, &rs->items.lists[i], 0);
	/* parse every macro, used or not, as Falco does */
	for (size_t i = 0; i < rs->items.nmacros; i++) {
		struct vg_macro_item *m = &rs->items.macros[i];
		struct vg_cctx c = {.rs = rs, .kind = "macro", .name = m->name, .src = &m->src};

		m->src.item = m->name;
		m->src.text = m->cond;
		m->src.len = strlen(m->cond);
		m->src.loc_ctx = &m->cmap;
		m->ast = vg_parse_cond(&c, m->cond, &m->src);
		if (!m->ast)
			m->state = 3;
	}
	for (size_t i = 0; i < rs->items.nmacros; i++) {
		struct vg_cctx c = {.rs = rs, .kind = "macro", .name = rs->items.macros[i].name};

		vg_resolve_macro(&c, &rs->items.macros[i], 0);
	}
	/* a sequence's steps are rules of their own (seq.h) */
	rs->compiled.rules =
		calloc(rs->items.nritems + vg_seq_extra_rules(rs) + 1, sizeof(*rs->compiled.rules));
	if (!rs->compiled.rules)
		goto nomem;
	for (size_t i = 0; i < rs->items.nritems; i++) {
		struct vg_rule *r;

		if (rs->items.ritems[i].unknown_source) {
			add_skip(rs, rs->items.ritems[i].name, "unknown source");
			continue;
		}
		before_rule = rs->diags.nerrors;
		if (rs->items.ritems[i].seq) {
			if (!vg_seq_compile_item(rs, &rs->items.ritems[i]))
				add_skip(rs, rs->items.ritems[i].name,
					 "errors in its sequence, threshold, condition or output");
			continue;
		}
		r = compile_rule(rs, &rs->items.ritems[i]);
		if (!r) {
			add_skip(rs, rs->items.ritems[i].name,
				 rs->diags.nerrors > before_rule
					 ? "errors in its condition, exceptions or output"
					 : "uses fields or event types vigil does not know "
					   "(skip-if-unknown-filter)");
			continue;
		}
		r->order = (uint32_t)rs->compiled.nrules;
		rs->compiled.rules[rs->compiled.nrules++] = r;
	}
	unused_warnings(rs);
	if (!vg_program_build(rs) || !vg_eval_state_setup(rs) ||
	    !vg_seq_state_init(rs, rs->opts.seq_state_max_bytes))
		goto nomem;
	return (int)(rs->diags.nerrors - before);
nomem:
	vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-NOMEM", NULL, 0, 0, NULL, "out of memory");
	return (int)(rs->diags.nerrors - before);
}
