// SPDX-License-Identifier: Apache-2.0
/*
 * Rules loader: YAML -> collected items. libyaml's event API is used
 * rather than its document API so that a syntax error late in a file does
 * not lose the items before it: each top-level item is built into a small
 * tree and collected as soon as it is complete.
 *
 * The collection follows Falco's rule_loader (reader + collector): items
 * are redefined in place, append and override update the previous
 * definition, and every definition or update bumps a counter that orders
 * macro visibility. This file holds the item readers (lists, macros,
 * rules, versions, overrides) and the loading of documents and files; the
 * YAML tree is ytree.c, the ruleset object ruleset.c, text maps textmap.c.
 */
#include "rules/loader.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "rules/rules_internal.h"
#include "rules/lexer.h"
#include "rules/seq.h"
#include "rules/ytree.h"

/* Bounds that keep a hostile file from exhausting memory. */
#define MAX_FILE_BYTES (64u << 20)

/* ---- versions ---- */

struct semver {
	unsigned long v[3];
};

/* "1.2.3", "1.2", "1" or an integer engine version N (= 0.N.0). */
static bool parse_version(const char *s, bool engine, struct semver *out)
{
	char *end;
	int i = 0;

	memset(out, 0, sizeof(*out));
	if (!*s)
		return false;
	if (engine && !strchr(s, '.')) {
		errno = 0;
		out->v[1] = strtoul(s, &end, 10);
		return !errno && !*end && *s != '-';
	}
	for (;;) {
		if (*s < '0' || *s > '9')
			return false;
		errno = 0;
		out->v[i] = strtoul(s, &end, 10);
		if (errno)
			return false;
		s = end;
		if (!*s || *s == '-' || *s == '+')
			return true;
		if (*s != '.' || ++i > 2)
			return false;
		s++;
	}
}

/* Semver compatibility as Falco checks it: same major, not older. */
static bool version_ok(const struct semver *have, const struct semver *need)
{
	if (have->v[0] != need->v[0])
		return false;
	for (int i = 1; i < 3; i++)
		if (have->v[i] != need->v[i])
			return have->v[i] > need->v[i];
	return true;
}

static void read_engine_version(struct vg_yreader *r, const struct ynode *item,
				const struct ynode *v)
{
	struct semver have, need;
	const char *s = vg_ywant_str(r, v, "required_engine_version", NULL, NULL);

	(void)item;
	if (!s)
		return;
	if (!parse_version(s, true, &need)) {
		vg_yerr_at(r, v, NULL, NULL, "E-ENGINE-VERSION", "invalid engine version '%s'", s);
		return;
	}
	parse_version(VG_RULES_ENGINE_VERSION, true, &have);
	if (!version_ok(&have, &need))
		vg_yerr_at(r, v, NULL, NULL, "E-ENGINE-VERSION",
			   "rules require engine version %s, vigil provides %s", s,
			   VG_RULES_ENGINE_VERSION);
}

/* Is plugin name at version ver provided by vigil? -1: bad version. */
static int plugin_provided(const char *name, const char *ver)
{
	struct semver have, need;

	if (!parse_version(ver, false, &need))
		return -1;
	if (strcmp(name, "container") != 0)
		return 0;
	parse_version(VG_RULES_CONTAINER_PLUGIN_VERSION, false, &have);
	return version_ok(&have, &need);
}

static void read_plugin_versions(struct vg_yreader *r, const struct ynode *v)
{
	if (!v || v->kind != Y_SEQ) {
		vg_yerr_at(r, v, NULL, NULL, "E-VALUE", "required_plugin_versions must be a list");
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *req = v->kids[i], *alts;
		const char *name = vg_ywant_str(r, vg_ymap_get(req, "name"), "name", NULL, NULL);
		const char *ver =
			vg_ywant_str(r, vg_ymap_get(req, "version"), "version", NULL, NULL);
		bool ok = false;
		int p;

		if (!name || !ver)
			continue;
		p = plugin_provided(name, ver);
		if (p < 0) {
			vg_yerr_at(r, req, "plugin", name, "E-PLUGIN-VERSION",
				   "invalid required version '%s'", ver);
			continue;
		}
		ok = p > 0;
		alts = vg_ymap_get(req, "alternatives");
		for (size_t j = 0; !ok && alts && alts->kind == Y_SEQ && j < alts->n; j++) {
			const char *an = vg_ywant_str(r, vg_ymap_get(alts->kids[j], "name"), "name",
						      NULL, NULL);
			const char *av = vg_ywant_str(r, vg_ymap_get(alts->kids[j], "version"),
						      "version", NULL, NULL);

			ok = an && av && plugin_provided(an, av) > 0;
		}
		if (!ok)
			vg_yerr_at(r, req, "plugin", name, "E-PLUGIN",
				   "plugin '%s' version %s is required; vigil provides only "
				   "container %s",
				   name, ver, VG_RULES_CONTAINER_PLUGIN_VERSION);
	}
}

/* ---- override: which keys may be appended to or replaced ---- */

enum ovr { OVR_NONE, OVR_APPEND, OVR_REPLACE };

struct overrides {
	const char *keys[16];
	enum ovr how[16];
	size_t n;
};

static enum ovr ovr_of(const struct overrides *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->how[i];
	return OVR_NONE;
}

/*
 * Reads "override:" and checks it against the item, as Falco does: every
 * override names a key present in the item, every key of the item is
 * overridden, and each key supports the operation asked for.
 */
static bool read_overrides(struct vg_yreader *r, const struct ynode *item, const struct ynode *ov,
			   const char *kind, const char *name, const char *const *appendable,
			   const char *const *replaceable, struct overrides *out)
{
	memset(out, 0, sizeof(*out));
	if (!ov || ov->kind != Y_MAP) {
		vg_yerr_at(r, ov, kind, name, "E-OVERRIDE", "'override' must be a map");
		return false;
	}
	for (size_t i = 0; i + 1 < ov->n; i += 2) {
		const struct ynode *k = ov->kids[i], *v = ov->kids[i + 1];
		enum ovr how;

		if (k->kind != Y_SCALAR || v->kind != Y_SCALAR) {
			vg_yerr_at(r, k, kind, name, "E-OVERRIDE",
				   "override entries must be strings");
			return false;
		}
		if (strcmp(v->s, "append") == 0) {
			how = OVR_APPEND;
			if (!vg_yin_set(k->s, appendable)) {
				vg_yerr_at(r, v, kind, name, "E-OVERRIDE",
					   "key '%s' cannot be appended to%s", k->s,
					   vg_yin_set(k->s, replaceable) ? ", use 'replace' instead"
									 : "");
				return false;
			}
		} else if (strcmp(v->s, "replace") == 0) {
			how = OVR_REPLACE;
			if (!vg_yin_set(k->s, replaceable)) {
				vg_yerr_at(r, v, kind, name, "E-OVERRIDE",
					   "key '%s' cannot be replaced", k->s);
				return false;
			}
		} else {
			vg_yerr_at(r, v, kind, name, "E-OVERRIDE",
				   "invalid override '%s' for key '%s': use append or replace",
				   v->s, k->s);
			return false;
		}
		if (!vg_ymap_get(item, k->s)) {
			vg_yerr_at(r, k, kind, name, "E-OVERRIDE",
				   "key '%s' has an override but no value in the item", k->s);
			return false;
		}
		if (out->n < 16) {
			out->keys[out->n] = k->s;
			out->how[out->n++] = how;
		}
	}
	for (size_t i = 0; i + 1 < item->n; i += 2) {
		const struct ynode *k = item->kids[i];

		if (k->kind != Y_SCALAR || strcmp(k->s, kind) == 0 || strcmp(k->s, "override") == 0)
			continue;
		if (ovr_of(out, k->s) == OVR_NONE &&
		    (vg_yin_set(k->s, appendable) || vg_yin_set(k->s, replaceable))) {
			vg_yerr_at(r, k, kind, name, "E-OVERRIDE",
				   "key '%s' is present but has no entry under 'override'", k->s);
			return false;
		}
	}
	return true;
}

/* ---- lists ---- */

static struct vg_list_item *find_list(struct vg_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->items.nlists; i++)
		if (strcmp(rs->items.lists[i].name, name) == 0)
			return &rs->items.lists[i];
	return NULL;
}

static struct vg_macro_item *find_macro(struct vg_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->items.nmacros; i++)
		if (strcmp(rs->items.macros[i].name, name) == 0)
			return &rs->items.macros[i];
	return NULL;
}

static struct vg_rule_item *find_rule(struct vg_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->items.nritems; i++)
		if (strcmp(rs->items.ritems[i].name, name) == 0)
			return &rs->items.ritems[i];
	return NULL;
}

/* Appends one item; items and quoted grow together so they never disagree. */
static bool list_push(struct vg_list_item *l, char *item, bool quoted)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		char **ni = realloc(l->items, ncap * sizeof(*ni));
		bool *nq;

		if (!ni)
			return false;
		l->items = ni;
		nq = realloc(l->quoted, ncap * sizeof(*nq));
		if (!nq)
			return false;
		l->quoted = nq;
		l->cap = ncap;
	}
	l->items[l->n] = item;
	l->quoted[l->n++] = quoted;
	return true;
}

static void read_list(struct vg_yreader *r, const struct ynode *item, const char *name)
{
	static const char *const known[] = {"list", "items", "append", "override", NULL};
	static const char *const appendable[] = {"items", NULL};
	static const char *const replaceable[] = {"items", NULL};
	struct vg_list_item tmp = {0}, *prev = find_list(r->rs, name);
	const struct ynode *items = vg_ymap_get(item, "items"), *ov = vg_ymap_get(item, "override");
	int append = vg_ymap_get(item, "append") ? vg_yparse_bool(vg_ymap_get(item, "append")) : 0;
	struct overrides o = {0};
	size_t cap = 0;

	vg_ywarn_unknown_keys(r, item, known, "list", name);
	if (append < 0) {
		vg_ywant_bool(r, vg_ymap_get(item, "append"), "append", "list", name);
		return;
	}
	if (append && ov) {
		vg_yerr_at(r, ov, "list", name, "E-OVERRIDE",
			   "'override' and 'append: true' cannot be used together");
		return;
	}
	if (ov && !read_overrides(r, item, ov, "list", name, appendable, replaceable, &o))
		return;
	if (!items) {
		vg_yerr_at(r, item, "list", name, "E-MISSING-KEY", "list has no 'items'");
		return;
	}
	if (!vg_ywant_strv(r, items, "items", "list", name, &tmp.items, &tmp.quoted, &tmp.n,
			   &cap)) {
		vg_list_item_free(&tmp);
		return;
	}
	if (append || ovr_of(&o, "items") == OVR_APPEND) {
		if (!prev) {
			vg_yerr_at(r, item, "list", name, "E-NO-PREVIOUS",
				   "list append: no list '%s' defined before", name);
			vg_list_item_free(&tmp);
			return;
		}
		for (size_t i = 0; i < tmp.n; i++) {
			if (!list_push(prev, tmp.items[i], tmp.quoted[i]))
				break;
			tmp.items[i] = NULL;
		}
		prev->visibility = r->rs->items.cur_index++;
		vg_list_item_free(&tmp);
		return;
	}
	if (ov && !prev) {
		vg_yerr_at(r, item, "list", name, "E-NO-PREVIOUS",
			   "list replace: no list '%s' defined before", name);
		vg_list_item_free(&tmp);
		return;
	}
	tmp.cap = cap;
	vg_yloc(r, item, &tmp.loc);
	if (prev) {
		tmp.index = prev->index;
		tmp.used = false;
		tmp.name = prev->name;
		prev->name = NULL;
		if (ov)
			tmp.loc = prev->loc;
		vg_list_item_free(prev);
		*prev = tmp;
		prev->visibility = r->rs->items.cur_index++;
		return;
	}
	tmp.name = strdup(name);
	if (!tmp.name || !vg_grow(&r->rs->items.lists, &r->rs->items.clists,
				  r->rs->items.nlists + 1, sizeof(*r->rs->items.lists))) {
		vg_list_item_free(&tmp);
		return;
	}
	tmp.index = tmp.visibility = r->rs->items.cur_index++;
	r->rs->items.lists[r->rs->items.nlists++] = tmp;
}

/* ---- macros ---- */

/* Appends " text" (or sets text) on a glued condition and its map. */
static bool glue(char **cond, struct vg_textmap *m, const char *text,
		 const struct vg_scalar_loc *loc, bool replace)
{
	size_t old = replace || !*cond ? 0 : strlen(*cond);
	char *s;

	if (replace || !*cond) {
		s = strdup(text);
		if (!s)
			return false;
		free(*cond);
		*cond = s;
		vg_textmap_free(m);
		return vg_textmap_add(m, 0, loc);
	}
	s = realloc(*cond, old + 1 + strlen(text) + 1);
	if (!s)
		return false;
	s[old] = ' ';
	strcpy(s + old + 1, text);
	*cond = s;
	return vg_textmap_add(m, old + 1, loc);
}

static void read_macro(struct vg_yreader *r, const struct ynode *item, const char *name)
{
	static const char *const known[] = {"macro", "condition", "append", "override", NULL};
	static const char *const appendable[] = {"condition", NULL};
	static const char *const replaceable[] = {"condition", NULL};
	struct vg_macro_item *prev = find_macro(r->rs, name), m = {0};
	const struct ynode *cn = vg_ymap_get(item, "condition"),
			   *ov = vg_ymap_get(item, "override");
	int append = vg_ymap_get(item, "append") ? vg_yparse_bool(vg_ymap_get(item, "append")) : 0;
	struct vg_scalar_loc cl;
	struct overrides o;
	const char *cond;

	vg_ywarn_unknown_keys(r, item, known, "macro", name);
	if (append < 0) {
		vg_ywant_bool(r, vg_ymap_get(item, "append"), "append", "macro", name);
		return;
	}
	if (append && ov) {
		vg_yerr_at(r, ov, "macro", name, "E-OVERRIDE",
			   "'override' and 'append: true' cannot be used together");
		return;
	}
	if (ov && !read_overrides(r, item, ov, "macro", name, appendable, replaceable, &o))
		return;
	if (!cn) {
		vg_yerr_at(r, item, "macro", name, "E-MISSING-KEY", "macro has no 'condition'");
		return;
	}
	cond = vg_ywant_str(r, cn, "condition", "macro", name);
	if (!cond)
		return;
	vg_yloc(r, cn, &cl);
	if (append || ov) {
		if (!prev) {
			vg_yerr_at(r, item, "macro", name, "E-NO-PREVIOUS",
				   "macro %s: no macro '%s' defined before",
				   append || ovr_of(&o, "condition") == OVR_APPEND ? "append"
										   : "replace",
				   name);
			return;
		}
		glue(&prev->cond, &prev->cmap, cond, &cl,
		     !append && ovr_of(&o, "condition") == OVR_REPLACE);
		prev->visibility = r->rs->items.cur_index++;
		return;
	}
	vg_yloc(r, item, &m.loc);
	if (!glue(&m.cond, &m.cmap, cond, &cl, true))
		goto fail;
	if (prev) {
		m.index = prev->index;
		m.name = prev->name;
		prev->name = NULL;
		vg_macro_item_free(prev);
		*prev = m;
		prev->visibility = r->rs->items.cur_index++;
		return;
	}
	m.name = strdup(name);
	if (!m.name || !vg_grow(&r->rs->items.macros, &r->rs->items.cmacros,
				r->rs->items.nmacros + 1, sizeof(*r->rs->items.macros)))
		goto fail;
	m.index = m.visibility = r->rs->items.cur_index++;
	r->rs->items.macros[r->rs->items.nmacros++] = m;
	return;
fail:
	vg_macro_item_free(&m);
}

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
			const struct overrides *o, bool legacy)
{
	bool ac = legacy ? u->has_cond : ovr_of(o, "condition") == OVR_APPEND;
	bool ao = !legacy && ovr_of(o, "output") == OVR_APPEND;
	bool ad = !legacy && ovr_of(o, "desc") == OVR_APPEND;
	bool at = !legacy && ovr_of(o, "tags") == OVR_APPEND;
	bool ae = legacy ? u->has_exc : ovr_of(o, "exceptions") == OVR_APPEND;
	struct vg_itemref ib;

	if (ac && u->v.cond && *u->v.cond)
		glue(&prev->cond, &prev->cmap, u->v.cond, &u->cond_loc, false);
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
			 const struct overrides *o)
{
	if (ovr_of(o, "sequence") == OVR_REPLACE || ovr_of(o, "threshold") == OVR_REPLACE) {
		vg_seq_item_free(prev->seq);
		prev->seq = u->v.seq;
		u->v.seq = NULL;
	}
	if (ovr_of(o, "condition") == OVR_REPLACE)
		glue(&prev->cond, &prev->cmap, u->v.cond, &u->cond_loc, true);
	if (ovr_of(o, "output") == OVR_REPLACE) {
		move_str(&prev->output, &u->v.output);
		prev->output_loc = u->v.output_loc;
	}
	if (ovr_of(o, "desc") == OVR_REPLACE)
		move_str(&prev->desc, &u->v.desc);
	if (ovr_of(o, "tags") == OVR_REPLACE) {
		vg_strv_free(prev->tags, prev->ntags);
		prev->tags = u->v.tags;
		prev->ntags = u->v.ntags;
		u->v.tags = NULL;
		u->v.ntags = 0;
	}
	if (ovr_of(o, "exceptions") == OVR_REPLACE) {
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
	if (ovr_of(o, "priority") == OVR_REPLACE)
		prev->priority = u->v.priority;
	if (ovr_of(o, "enabled") == OVR_REPLACE)
		prev->enabled = u->v.enabled;
	if (ovr_of(o, "warn_evttypes") == OVR_REPLACE)
		prev->warn_evttypes = u->v.warn_evttypes;
	if (ovr_of(o, "skip-if-unknown-filter") == OVR_REPLACE)
		prev->skip_unknown = u->v.skip_unknown;
	if (ovr_of(o, "capture") == OVR_REPLACE)
		prev->capture = u->v.capture;
	if (ovr_of(o, "capture_duration") == OVR_REPLACE)
		prev->capture_duration = u->v.capture_duration;
}

static void rule_define(struct vg_yreader *r, const struct ynode *item, const char *name,
			struct rule_update *u)
{
	static const char *const required[] = {"condition", "output", "desc", "priority"};
	struct vg_rule_item *prev = find_rule(r->rs, name), v;

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
	if (strcmp(v.source, "syscall") != 0) {
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

static void read_rule(struct vg_yreader *r, const struct ynode *item, const char *name)
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
	struct vg_rule_item *prev = find_rule(r->rs, name);
	struct rule_update u;
	struct overrides o = {0};
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
	if (ov && !read_overrides(r, item, ov, "rule", name, appendable, replaceable, &o))
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

/* ---- items and documents ---- */

static void read_item(struct vg_yreader *r, const struct ynode *item)
{
	static const char *const kinds[] = {"rule", "macro", "list"};
	const struct ynode *v;
	const char *name;

	if (item->kind != Y_MAP) {
		vg_yerr_at(r, item, NULL, NULL, "E-ITEM", "each item must be a map");
		return;
	}
	if ((v = vg_ymap_get(item, "required_engine_version"))) {
		read_engine_version(r, item, v);
		return;
	}
	if ((v = vg_ymap_get(item, "required_plugin_versions"))) {
		read_plugin_versions(r, v);
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		v = vg_ymap_get(item, kinds[i]);
		if (!v)
			continue;
		name = vg_ywant_str(r, v, kinds[i], kinds[i], NULL);
		if (!name)
			return;
		if (!*name) {
			vg_yerr_at(r, v, kinds[i], NULL, "E-VALUE", "%s name is empty", kinds[i]);
			return;
		}
		if (i == 0)
			read_rule(r, item, name);
		else if (i == 1)
			read_macro(r, item, name);
		else
			read_list(r, item, name);
		return;
	}
	vg_ywarn_at(r, item, NULL, NULL, "W-UNKNOWN-ITEM",
		    "unknown top-level item (not a rule, macro, list or requirement) ignored");
}

/* One YAML document: a sequence of items, or nothing at all. */
static void read_document(struct vg_yreader *r)
{
	yaml_event_t ev;

	if (!vg_ynext_event(r, &ev))
		return;
	if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0) {
		yaml_event_delete(&ev); /* empty document */
	} else if (ev.type != YAML_SEQUENCE_START_EVENT) {
		struct ynode *n;

		vg_diag_add(&r->rs->diags, VG_DIAG_ERROR, "E-YAML", r->file->path,
			    (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1, NULL,
			    "a rules file must be a list of items");
		n = vg_ybuild(r, &ev, 0);
		vg_ynode_free(n);
	} else {
		yaml_event_delete(&ev);
		for (;;) {
			struct ynode *item;

			if (!vg_ynext_event(r, &ev))
				return;
			if (ev.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&ev);
				break;
			}
			item = vg_ybuild(r, &ev, 1);
			if (!item)
				return;
			read_item(r, item);
			vg_ynode_free(item);
		}
	}
	if (!vg_ynext_event(r, &ev))
		return;
	yaml_event_delete(&ev); /* DOCUMENT_END */
}

static void read_stream(struct vg_yreader *r)
{
	yaml_event_t ev;

	if (!vg_ynext_event(r, &ev))
		return;
	yaml_event_delete(&ev); /* STREAM_START */
	while (!r->failed) {
		if (!vg_ynext_event(r, &ev))
			return;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return;
		}
		yaml_event_delete(&ev); /* DOCUMENT_START */
		r->nodes = 0;
		vg_yanchors_clear(r);
		read_document(r);
	}
}

static struct vg_srcfile *add_file(struct vg_ruleset *rs, const char *path, char *text, size_t len)
{
	struct vg_srcfile *f = calloc(1, sizeof(*f));

	if (!f || !(f->path = strdup(path)) ||
	    !vg_grow(&rs->items.files, &rs->items.cfiles, rs->items.nfiles + 1,
		     sizeof(*rs->items.files))) {
		if (f)
			free(f->path);
		free(f);
		free(text);
		return NULL;
	}
	f->text = text;
	f->len = len;
	rs->items.files[rs->items.nfiles++] = f;
	return f;
}

int vg_ruleset_load_string(struct vg_ruleset *rs, const char *name, const char *text, size_t len)
{
	size_t before = rs->diags.nerrors;
	struct vg_yreader r = {.rs = rs};
	char *copy;

	if (rs->compiled.done) {
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-STATE", name, 0, 0, NULL,
			    "rules cannot be loaded after the ruleset was compiled");
		return 1;
	}
	copy = vg_strndup0(text, len);
	if (!copy || !(r.file = add_file(rs, name, copy, len))) {
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-NOMEM", name, 0, 0, NULL,
			    "out of memory");
		return 1;
	}
	if (!yaml_parser_initialize(&r.parser)) {
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-NOMEM", name, 0, 0, NULL,
			    "cannot initialize the YAML parser");
		return 1;
	}
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)r.file->text, len);
	read_stream(&r);
	vg_yanchors_clear(&r);
	free(r.anchors);
	yaml_parser_delete(&r.parser);
	return (int)(rs->diags.nerrors - before);
}

static int load_file(struct vg_ruleset *rs, const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int ret;

	if (!f) {
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-FILE", path, 0, 0, NULL, "%s",
			    strerror(errno));
		return 1;
	}
	for (;;) {
		if (!vg_grow(&buf, &cap, len + 65536, 1) || len > MAX_FILE_BYTES) {
			vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-FILE", path, 0, 0, NULL,
				    "file too large or out of memory");
			free(buf);
			fclose(f);
			return 1;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-FILE", path, 0, 0, NULL, "read error");
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	ret = vg_ruleset_load_string(rs, path, buf ? buf : "", len);
	free(buf);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vg_ruleset_load_path(struct vg_ruleset *rs, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int errs = 0;

	if (stat(path, &st) != 0) {
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-FILE", path, 0, 0, NULL, "%s",
			    strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(rs, path);
	d = opendir(path);
	if (!d) {
		vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-FILE", path, 0, 0, NULL, "%s",
			    strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		char *full;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&full, "%s/%s", path, de->d_name) < 0)
			continue;
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode) ||
		    !vg_grow(&names, &cap, n + 1, sizeof(*names))) {
			free(full);
			continue;
		}
		names[n++] = full;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		errs += load_file(rs, names[i]);
		free(names[i]);
	}
	free(names);
	return errs;
}
