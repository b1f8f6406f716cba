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
 * macro visibility. This file holds the readers of lists, macros,
 * versions and overrides, and the loading of documents and files; rules
 * are read in rule_read.c, the YAML tree is ytree.c, the ruleset object
 * ruleset.c, text maps textmap.c.
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
#include "rules/item_read.h"
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

/*
 * Is plugin name at version ver provided? container is built in; the others
 * are the plugins load_plugins loaded (engine/plugin/). -1: bad version.
 */
static int plugin_provided(const char *name, const char *ver)
{
	struct semver have, need;
	const char *loaded = vg_plugin_provided(name);

	if (!parse_version(ver, false, &need))
		return -1;
	if (loaded)
		return parse_version(loaded, false, &have) && version_ok(&have, &need);
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
				   "plugin '%s' version %s is required; %s%s%s (container %s is "
				   "built in)",
				   name, ver, vg_plugin_provided(name) ? "the one loaded is " : "",
				   vg_plugin_provided(name) ? vg_plugin_provided(name) : "",
				   vg_plugin_provided(name) ? ""
							    : "it is not loaded (load_plugins:)",
				   VG_RULES_CONTAINER_PLUGIN_VERSION);
	}
}

/* ---- override: which keys may be appended to or replaced ---- */

enum vg_ovr vg_ovr_of(const struct vg_overrides *o, const char *key)
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
bool vg_read_overrides(struct vg_yreader *r, const struct ynode *item, const struct ynode *ov,
		       const char *kind, const char *name, const char *const *appendable,
		       const char *const *replaceable, struct vg_overrides *out)
{
	memset(out, 0, sizeof(*out));
	if (!ov || ov->kind != Y_MAP) {
		vg_yerr_at(r, ov, kind, name, "E-OVERRIDE", "'override' must be a map");
		return false;
	}
	for (size_t i = 0; i + 1 < ov->n; i += 2) {
		const struct ynode *k = ov->kids[i], *v = ov->kids[i + 1];
		enum vg_ovr how;

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
		if (vg_ovr_of(out, k->s) == OVR_NONE &&
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

struct vg_rule_item *vg_item_find_rule(struct vg_ruleset *rs, const char *name)
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
	struct vg_overrides o = {0};
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
	if (ov && !vg_read_overrides(r, item, ov, "list", name, appendable, replaceable, &o))
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
	if (append || vg_ovr_of(&o, "items") == OVR_APPEND) {
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
bool vg_item_glue(char **cond, struct vg_textmap *m, const char *text,
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
	struct vg_overrides o;
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
	if (ov && !vg_read_overrides(r, item, ov, "macro", name, appendable, replaceable, &o))
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
				   append || vg_ovr_of(&o, "condition") == OVR_APPEND ? "append"
										      : "replace",
				   name);
			return;
		}
		vg_item_glue(&prev->cond, &prev->cmap, cond, &cl,
			     !append && vg_ovr_of(&o, "condition") == OVR_REPLACE);
		prev->visibility = r->rs->items.cur_index++;
		return;
	}
	vg_yloc(r, item, &m.loc);
	if (!vg_item_glue(&m.cond, &m.cmap, cond, &cl, true))
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
			vg_read_rule(r, item, name);
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
