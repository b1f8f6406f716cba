// SPDX-License-Identifier: Apache-2.0
/*
 * The rule item reader: a rule's keys (condition, output, priority, tags,
 * exceptions and their checks, vigil's enforce and sequence keys), then
 * its definition, append or override onto an earlier definition, as
 * Falco's rule_loader does. Apart from loader.c (lists, macros, versions,
 * documents and files) because a rule has most of the keys and rules.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/item_read.h"
#include "rules/lexer.h"
#include "rules/seq.h"

/* ---- rules ---- */

static bool read_exc_value(struct vg_yreader *r, const struct ynode *n, struct vg_exc_value *out,
			   int depth)
{
	memset(out, 0, sizeof(*out));
	if (n->kind == Y_SCALAR) {
		out->item = strdup(n->s);
		return out->item != NULL;
	}
	if (n->kind != Y_SEQ || depth > 2) {
		vg_yerr_at(r, n, NULL, NULL, "E-EXCEPTION",
			   "exception values must be strings or lists");
		return false;
	}
	out->is_list = true;
	out->items = calloc(n->n ? n->n : 1, sizeof(*out->items));
	if (!out->items)
		return false;
	for (size_t i = 0; i < n->n; i++) {
		if (!read_exc_value(r, n->kids[i], &out->items[i], depth + 1)) {
			out->n = i + 1;
			return false;
		}
		out->n = i + 1;
	}
	return true;
}

/* fields: / comps: are a string or a list of strings. */
static bool read_str_or_list(struct vg_yreader *r, const struct ynode *n, const char *key,
			     const char *rname, bool *is_list, char ***v, size_t *nv)
{
	size_t cap = 0;

	if (n->kind == Y_SCALAR) {
		*is_list = false;
		*v = calloc(1, sizeof(**v));
		if (!*v || !(**v = strdup(n->s)))
			return false;
		*nv = 1;
		return true;
	}
	*is_list = true;
	return vg_ywant_strv(r, n, key, "rule", rname, v, NULL, nv, &cap);
}

static bool field_known(const char *f)
{
	char name[256];
	const char *br = strchr(f, '['), *dot;
	size_t n = br ? (size_t)(br - f) : strlen(f);

	if (n >= sizeof(name))
		return false;
	memcpy(name, f, n);
	name[n] = '\0';
	return vg_field_lookup(name, &dot) != NULL;
}

static bool read_exceptions(struct vg_yreader *r, const struct ynode *n, const char *rname,
			    struct vg_exception **out, size_t *nout, bool define)
{
	if (!n || n->kind != Y_SEQ) {
		vg_yerr_at(r, n, "rule", rname, "E-EXCEPTION", "'exceptions' must be a list");
		return false;
	}
	*out = calloc(n->n ? n->n : 1, sizeof(**out));
	if (!*out)
		return false;
	for (size_t i = 0; i < n->n; i++) {
		const struct ynode *e = n->kids[i], *f, *c, *v;
		struct vg_exception *x = &(*out)[i];
		const char *nm;

		*nout = i + 1;
		vg_yloc(r, e, &x->loc);
		nm = vg_ywant_str(r, vg_ymap_get(e, "name"), "name", "rule", rname);
		if (!nm)
			return false;
		x->name = strdup(nm);
		if (!x->name)
			return false;
		f = vg_ymap_get(e, "fields");
		c = vg_ymap_get(e, "comps");
		v = vg_ymap_get(e, "values");
		if (f) {
			x->fields_valid = true;
			if (!read_str_or_list(r, f, "fields", rname, &x->fields_is_list, &x->fields,
					      &x->nfields))
				return false;
		} else if (define) {
			vg_yerr_at(r, e, "rule", rname, "E-EXCEPTION",
				   "exception '%s' must have a 'fields' property", nm);
			return false;
		}
		if (c) {
			x->comps_valid = true;
			if (!read_str_or_list(r, c, "comps", rname, &x->comps_is_list, &x->comps,
					      &x->ncomps))
				return false;
		}
		if (v && !vg_yis_null(v)) {
			if (v->kind != Y_SEQ) {
				vg_yerr_at(r, v, "rule", rname, "E-EXCEPTION",
					   "exception values must be a list");
				return false;
			}
			x->values = calloc(v->n ? v->n : 1, sizeof(*x->values));
			if (!x->values)
				return false;
			for (size_t j = 0; j < v->n; j++) {
				x->nvalues = j + 1;
				if (!read_exc_value(r, v->kids[j], &x->values[j], 0))
					return false;
			}
		}
	}
	return true;
}

/* Falco's validate_exception_info: defaults for comps, then consistency. */
static bool validate_exception(struct vg_yreader *r, struct vg_exception *x, const char *rname)
{
	struct vg_itemref ib;
	char where[80];

	snprintf(where, sizeof(where), "exception '%s'", x->name);
	if (x->fields_is_list) {
		if (!x->comps_valid) {
			x->comps = calloc(x->nfields ? x->nfields : 1, sizeof(*x->comps));
			if (!x->comps)
				return false;
			for (size_t i = 0; i < x->nfields; i++)
				if (!(x->comps[x->ncomps++] = strdup("=")))
					return false;
			x->comps_valid = x->comps_is_list = true;
		}
		if (x->nfields != x->ncomps) {
			vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-EXCEPTION", r->file->path,
				    x->loc.line, x->loc.col, vg_yiref(&ib, "rule", rname),
				    "%s: fields and comps lists must have equal length", where);
			return false;
		}
	} else {
		if (!x->comps_valid) {
			x->comps = calloc(1, sizeof(*x->comps));
			if (!x->comps || !(x->comps[0] = strdup("in")))
				return false;
			x->ncomps = 1;
			x->comps_valid = true;
		}
		if (x->comps_is_list ||
		    (strcmp(x->comps[0], "in") != 0 && strcmp(x->comps[0], "pmatch") != 0 &&
		     strcmp(x->comps[0], "intersects") != 0)) {
			vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-EXCEPTION", r->file->path,
				    x->loc.line, x->loc.col, vg_yiref(&ib, "rule", rname),
				    "%s: with a single field, comps must be one of in, "
				    "pmatch, intersects",
				    where);
			return false;
		}
	}
	for (size_t i = 0; i < x->ncomps; i++) {
		if (vg_op_lookup(x->comps[i]) < 0 || strcmp(x->comps[i], "exists") == 0) {
			vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-EXCEPTION", r->file->path,
				    x->loc.line, x->loc.col, vg_yiref(&ib, "rule", rname),
				    "%s: '%s' is not a supported comparison operator", where,
				    x->comps[i]);
			return false;
		}
	}
	for (size_t i = 0; i < x->nfields; i++) {
		if (!field_known(x->fields[i])) {
			vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-UNKNOWN-FIELD", r->file->path,
				    x->loc.line, x->loc.col, vg_yiref(&ib, "rule", rname),
				    "%s: '%s' is not a supported field", where, x->fields[i]);
			return false;
		}
	}
	return true;
}

static bool read_tags(struct vg_yreader *r, const struct ynode *n, const char *rname, char ***tags,
		      size_t *ntags)
{
	size_t cap = 0;

	*tags = NULL;
	*ntags = 0;
	return vg_ywant_strv(r, n, "tags", "rule", rname, tags, NULL, ntags, &cap);
}

/* The keys a rule update may touch, read into a scratch rule item. */
struct rule_update {
	struct vg_rule_item v;
	bool has_cond, has_output, has_desc, has_tags, has_exc, has_prio, has_enabled, has_warn,
		has_capture, has_capdur, has_skip;
	struct vg_scalar_loc cond_loc;
};

/* vigil's enforcement keys: action, enforce, force (see docs/enforcement.md). */
static bool read_enforce_keys(struct vg_yreader *r, const struct ynode *item, const char *name,
			      struct rule_update *u)
{
	static const char *const modes[] = {"off", "audit", "on"};
	const struct ynode *k;
	const char *s;
	int b;

	if ((k = vg_ymap_get(item, "action"))) {
		if (!(s = vg_ywant_str(r, k, "action", "rule", name)))
			return false;
		if (strcmp(s, "deny") != 0 && strcmp(s, "kill") != 0) {
			vg_yerr_at(
				r, k, "rule", name, "E-ACTION",
				"invalid action '%s' (deny: the operation fails with EPERM; kill: "
				"the process is killed)",
				s);
			return false;
		}
		if (!(u->v.action = strdup(s)))
			return false;
	}
	u->v.enforce_mode = -1;
	if ((k = vg_ymap_get(item, "enforce"))) {
		if (!(s = vg_ywant_str(r, k, "enforce", "rule", name)))
			return false;
		for (int i = 0; i < 3; i++)
			if (strcmp(s, modes[i]) == 0)
				u->v.enforce_mode = i;
		if (u->v.enforce_mode < 0) {
			vg_yerr_at(r, k, "rule", name, "E-VALUE",
				   "invalid enforce mode '%s' (off, audit, on)", s);
			return false;
		}
	}
	if ((k = vg_ymap_get(item, "force"))) {
		if ((b = vg_ywant_bool(r, k, "force", "rule", name)) < 0)
			return false;
		u->v.enforce_force = b;
	}
	if ((u->v.enforce_mode >= 0 || u->v.enforce_force) && !u->v.action) {
		vg_yerr_at(r, k ? k : item, "rule", name, "E-ACTION",
			   "'enforce' and 'force' need an 'action' (deny or kill)");
		return false;
	}
	return true;
}

static bool read_rule_keys(struct vg_yreader *r, const struct ynode *item, const char *name,
			   struct rule_update *u, bool define)
{
	const struct ynode *k;
	const char *s;
	int b;

	if ((k = vg_ymap_get(item, "condition"))) {
		if (!(s = vg_ywant_str(r, k, "condition", "rule", name)) ||
		    !(u->v.cond = strdup(s)))
			return false;
		vg_yloc(r, k, &u->cond_loc);
		u->has_cond = true;
	}
	if ((vg_ymap_get(item, "sequence") || vg_ymap_get(item, "threshold")) &&
	    !vg_seq_read(r, item, name, &u->v.seq))
		return false;
	if ((k = vg_ymap_get(item, "output"))) {
		if (!(s = vg_ywant_str(r, k, "output", "rule", name)) || !(u->v.output = strdup(s)))
			return false;
		vg_yloc(r, k, &u->v.output_loc);
		u->has_output = true;
	}
	if ((k = vg_ymap_get(item, "desc"))) {
		if (!(s = vg_ywant_str(r, k, "desc", "rule", name)) || !(u->v.desc = strdup(s)))
			return false;
		u->has_desc = true;
	}
	if ((k = vg_ymap_get(item, "priority"))) {
		if (!(s = vg_ywant_str(r, k, "priority", "rule", name)))
			return false;
		u->v.priority = vg_priority_parse(s);
		if (u->v.priority < 0) {
			vg_yerr_at(r, k, "rule", name, "E-PRIORITY",
				   "invalid priority '%s' (emergency, alert, critical, error, "
				   "warning, notice, informational, debug)",
				   s);
			return false;
		}
		u->has_prio = true;
	}
	if ((k = vg_ymap_get(item, "tags"))) {
		if (!read_tags(r, k, name, &u->v.tags, &u->v.ntags))
			return false;
		u->has_tags = true;
	}
	if ((k = vg_ymap_get(item, "exceptions"))) {
		if (!read_exceptions(r, k, name, &u->v.exc, &u->v.nexc, define))
			return false;
		u->has_exc = true;
	}
	if ((k = vg_ymap_get(item, "enabled"))) {
		if ((b = vg_ywant_bool(r, k, "enabled", "rule", name)) < 0)
			return false;
		u->v.enabled = b;
		u->has_enabled = true;
	}
	if ((k = vg_ymap_get(item, "warn_evttypes"))) {
		if ((b = vg_ywant_bool(r, k, "warn_evttypes", "rule", name)) < 0)
			return false;
		u->v.warn_evttypes = b;
		u->has_warn = true;
	}
	if ((k = vg_ymap_get(item, "skip-if-unknown-filter"))) {
		if ((b = vg_ywant_bool(r, k, "skip-if-unknown-filter", "rule", name)) < 0)
			return false;
		u->v.skip_unknown = b;
		u->has_skip = true;
	}
	if ((k = vg_ymap_get(item, "capture"))) {
		if ((b = vg_ywant_bool(r, k, "capture", "rule", name)) < 0)
			return false;
		u->v.capture = b;
		u->has_capture = true;
	}
	if ((k = vg_ymap_get(item, "capture_duration"))) {
		char *end;

		if (k->kind != Y_SCALAR || !*k->s || *k->s == '-' ||
		    (u->v.capture_duration = strtoull(k->s, &end, 10), *end)) {
			vg_yerr_at(r, k, "rule", name, "E-VALUE",
				   "'capture_duration' must be a non-negative integer");
			return false;
		}
		u->has_capdur = true;
	}
	if ((k = vg_ymap_get(item, "source"))) {
		if (!(s = vg_ywant_str(r, k, "source", "rule", name)) || !(u->v.source = strdup(s)))
			return false;
	}
	return read_enforce_keys(r, item, name, u);
}

static void move_str(char **dst, char **src)
{
	free(*dst);
	*dst = *src;
	*src = NULL;
}

/* Append (legacy or override) per Falco's collector::append. */
static void rule_append(struct vg_yreader *r, struct vg_rule_item *prev, struct rule_update *u,
			const struct vg_overrides *o, bool legacy)
{
	bool ac = legacy ? u->has_cond : vg_ovr_of(o, "condition") == OVR_APPEND;
	bool ao = !legacy && vg_ovr_of(o, "output") == OVR_APPEND;
	bool ad = !legacy && vg_ovr_of(o, "desc") == OVR_APPEND;
	bool at = !legacy && vg_ovr_of(o, "tags") == OVR_APPEND;
	bool ae = legacy ? u->has_exc : vg_ovr_of(o, "exceptions") == OVR_APPEND;
	struct vg_itemref ib;

	if (ac && u->v.cond && *u->v.cond)
		vg_item_glue(&prev->cond, &prev->cmap, u->v.cond, &u->cond_loc, false);
	if (ao && u->v.output && *u->v.output) {
		char *s;

		if (asprintf(&s, "%s %s", prev->output ? prev->output : "", u->v.output) >= 0) {
			free(prev->output);
			prev->output = s;
		}
	}
	if (ad && u->v.desc && *u->v.desc) {
		char *s;

		if (asprintf(&s, "%s %s", prev->desc ? prev->desc : "", u->v.desc) >= 0) {
			free(prev->desc);
			prev->desc = s;
		}
	}
	if (at) {
		for (size_t i = 0; i < u->v.ntags; i++) {
			bool dup = false;
			char **t;

			for (size_t j = 0; j < prev->ntags; j++)
				dup |= strcmp(prev->tags[j], u->v.tags[i]) == 0;
			if (dup)
				continue;
			t = realloc(prev->tags, (prev->ntags + 1) * sizeof(*t));
			if (!t)
				break;
			prev->tags = t;
			t[prev->ntags++] = u->v.tags[i];
			u->v.tags[i] = NULL;
		}
	}
	if (ae) {
		for (size_t i = 0; i < u->v.nexc; i++) {
			struct vg_exception *x = &u->v.exc[i], *px = NULL;

			for (size_t j = 0; j < prev->nexc; j++)
				if (strcmp(prev->exc[j].name, x->name) == 0)
					px = &prev->exc[j];
			if (!px) {
				struct vg_exception *nv;

				if (!x->fields_valid || !x->nvalues) {
					vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-EXCEPTION",
						    r->file->path, x->loc.line, x->loc.col,
						    vg_yiref(&ib, "rule", prev->name),
						    "appended exception '%s' needs "
						    "fields and values",
						    x->name);
					continue;
				}
				if (!validate_exception(r, x, prev->name))
					continue;
				nv = realloc(prev->exc, (prev->nexc + 1) * sizeof(*nv));
				if (!nv)
					break;
				prev->exc = nv;
				nv[prev->nexc++] = *x;
				memset(x, 0, sizeof(*x));
				continue;
			}
			if (x->fields_valid || x->comps_valid) {
				vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-EXCEPTION",
					    r->file->path, x->loc.line, x->loc.col,
					    vg_yiref(&ib, "rule", prev->name),
					    "can only append values to existing "
					    "exception '%s', not fields or comps",
					    x->name);
				continue;
			}
			struct vg_exc_value *nv =
				realloc(px->values, (px->nvalues + x->nvalues + 1) * sizeof(*nv));

			if (!nv)
				break;
			px->values = nv;
			if (x->nvalues)
				memcpy(nv + px->nvalues, x->values, x->nvalues * sizeof(*nv));
			px->nvalues += x->nvalues;
			free(x->values);
			x->values = NULL;
			x->nvalues = 0;
		}
	}
}

/* Replace per Falco's collector::selective_replace. */
static void rule_replace(struct vg_yreader *r, struct vg_rule_item *prev, struct rule_update *u,
			 const struct vg_overrides *o)
{
	if (vg_ovr_of(o, "sequence") == OVR_REPLACE || vg_ovr_of(o, "threshold") == OVR_REPLACE) {
		vg_seq_item_free(prev->seq);
		prev->seq = u->v.seq;
		u->v.seq = NULL;
	}
	if (vg_ovr_of(o, "condition") == OVR_REPLACE)
		vg_item_glue(&prev->cond, &prev->cmap, u->v.cond, &u->cond_loc, true);
	if (vg_ovr_of(o, "output") == OVR_REPLACE) {
		move_str(&prev->output, &u->v.output);
		prev->output_loc = u->v.output_loc;
	}
	if (vg_ovr_of(o, "desc") == OVR_REPLACE)
		move_str(&prev->desc, &u->v.desc);
	if (vg_ovr_of(o, "tags") == OVR_REPLACE) {
		vg_strv_free(prev->tags, prev->ntags);
		prev->tags = u->v.tags;
		prev->ntags = u->v.ntags;
		u->v.tags = NULL;
		u->v.ntags = 0;
	}
	if (vg_ovr_of(o, "exceptions") == OVR_REPLACE) {
		bool ok = true;

		for (size_t i = 0; i < u->v.nexc; i++)
			ok &= validate_exception(r, &u->v.exc[i], prev->name);
		if (ok) {
			vg_exceptions_free(prev->exc, prev->nexc);
			prev->exc = u->v.exc;
			prev->nexc = u->v.nexc;
			u->v.exc = NULL;
			u->v.nexc = 0;
		}
	}
	if (vg_ovr_of(o, "priority") == OVR_REPLACE)
		prev->priority = u->v.priority;
	if (vg_ovr_of(o, "enabled") == OVR_REPLACE)
		prev->enabled = u->v.enabled;
	if (vg_ovr_of(o, "warn_evttypes") == OVR_REPLACE)
		prev->warn_evttypes = u->v.warn_evttypes;
	if (vg_ovr_of(o, "skip-if-unknown-filter") == OVR_REPLACE)
		prev->skip_unknown = u->v.skip_unknown;
	if (vg_ovr_of(o, "capture") == OVR_REPLACE)
		prev->capture = u->v.capture;
	if (vg_ovr_of(o, "capture_duration") == OVR_REPLACE)
		prev->capture_duration = u->v.capture_duration;
}

static void rule_define(struct vg_yreader *r, const struct ynode *item, const char *name,
			struct rule_update *u)
{
	static const char *const required[] = {"condition", "output", "desc", "priority"};
	struct vg_rule_item *prev = vg_item_find_rule(r->rs, name), v;

	for (size_t i = 0; i < 4; i++) {
		if (i == 0 && vg_ymap_get(item, "sequence"))
			continue; /* a sequence's steps are its condition */
		if (!vg_ymap_get(item, required[i])) {
			vg_yerr_at(r, item, "rule", name, "E-MISSING-KEY", "rule has no '%s'",
				   required[i]);
			return;
		}
	}
	if (!u->v.source && !(u->v.source = strdup("syscall")))
		return;
	if (prev && strcmp(prev->source, u->v.source) != 0) {
		vg_yerr_at(r, item, "rule", name, "E-SOURCE",
			   "rule redefined with a different source ('%s', was '%s')", u->v.source,
			   prev->source);
		return;
	}
	for (size_t i = 0; i < u->v.nexc; i++)
		if (!validate_exception(r, &u->v.exc[i], name))
			return;
	v = u->v;
	memset(&u->v, 0, sizeof(u->v));
	if (!u->has_enabled)
		v.enabled = true;
	if (!u->has_warn)
		v.warn_evttypes = true;
	vg_yloc(r, item, &v.loc);
	memset(&v.cmap, 0, sizeof(v.cmap));
	if (!vg_textmap_add(&v.cmap, 0, &u->cond_loc))
		goto fail;
	if (vg_source_id(v.source) < 0) { /* syscall, or a loaded plugin's source */
		v.unknown_source = true;
		vg_ywarn_at(r, item, "rule", name, "W-UNKNOWN-SOURCE",
			    "unknown source '%s', rule skipped", v.source);
	}
	if (prev) {
		v.index = prev->index;
		v.name = prev->name;
		prev->name = NULL;
		vg_rule_item_free(prev);
		*prev = v;
		prev->visibility = r->rs->items.cur_index++;
		return;
	}
	v.name = strdup(name);
	if (!v.name || !vg_grow(&r->rs->items.ritems, &r->rs->items.critems,
				r->rs->items.nritems + 1, sizeof(*r->rs->items.ritems)))
		goto fail;
	v.index = v.visibility = r->rs->items.cur_index++;
	r->rs->items.ritems[r->rs->items.nritems++] = v;
	return;
fail:
	vg_rule_item_free(&v);
}

void vg_read_rule(struct vg_yreader *r, const struct ynode *item, const char *name)
{
	static const char *const known[] = {"rule",
					    "desc",
					    "condition",
					    "output",
					    "priority",
					    "source",
					    "enabled",
					    "tags",
					    "exceptions",
					    "warn_evttypes",
					    "skip-if-unknown-filter",
					    "capture",
					    "capture_duration",
					    "append",
					    "override",
					    "action",
					    "enforce",
					    "force",
					    "sequence",
					    "threshold",
					    NULL};
	static const char *const appendable[] = {"condition", "output",	    "desc",
						 "tags",      "exceptions", NULL};
	static const char *const replaceable[] = {"condition",
						  "output",
						  "desc",
						  "priority",
						  "tags",
						  "exceptions",
						  "enabled",
						  "warn_evttypes",
						  "capture",
						  "capture_duration",
						  "skip-if-unknown-filter",
						  "sequence",
						  "threshold",
						  NULL};
	const struct ynode *ov = vg_ymap_get(item, "override");
	int append = vg_ymap_get(item, "append") ? vg_yparse_bool(vg_ymap_get(item, "append")) : 0;
	struct vg_rule_item *prev = vg_item_find_rule(r->rs, name);
	struct rule_update u;
	struct vg_overrides o = {0};
	bool update;

	memset(&u, 0, sizeof(u));
	vg_ywarn_unknown_keys(r, item, known, "rule", name);
	if (append < 0) {
		vg_ywant_bool(r, vg_ymap_get(item, "append"), "append", "rule", name);
		return;
	}
	if (append && ov) {
		vg_yerr_at(r, ov, "rule", name, "E-OVERRIDE",
			   "'override' and 'append: true' cannot be used together");
		return;
	}
	if (ov && !vg_read_overrides(r, item, ov, "rule", name, appendable, replaceable, &o))
		return;
	update = append || ov;
	if (!read_rule_keys(r, item, name, &u, !update))
		goto out;
	if (!update && u.has_enabled && !u.has_cond && !u.has_output && !u.has_desc &&
	    !u.has_prio) {
		/* "- rule: x / enabled: false" switches an existing rule */
		if (!prev) {
			vg_yerr_at(r, item, "rule", name, "E-NO-PREVIOUS",
				   "rule has 'enabled' but no rule '%s' is defined before", name);
			goto out;
		}
		prev->enabled = u.v.enabled;
		goto out;
	}
	if (!update) {
		rule_define(r, item, name, &u);
		goto out;
	}
	if (!prev) {
		vg_yerr_at(r, item, "rule", name, "E-NO-PREVIOUS",
			   "rule %s: no rule '%s' is defined before",
			   append ? "append" : "override", name);
		goto out;
	}
	if (append) {
		if (!u.has_cond && !u.has_exc) {
			vg_yerr_at(r, item, "rule", name, "E-APPEND",
				   "appended rule must have exceptions or condition property");
			goto out;
		}
		if (u.has_output || u.has_desc || u.has_prio || u.has_tags)
			vg_ywarn_at(
				r, item, "rule", name, "W-APPEND-IGNORED",
				"with 'append: true' only condition and exceptions are appended");
		rule_append(r, prev, &u, &o, true);
	} else {
		rule_append(r, prev, &u, &o, false);
		rule_replace(r, prev, &u, &o);
	}
	prev->visibility = r->rs->items.cur_index++;
out:
	vg_rule_item_free(&u.v);
}
