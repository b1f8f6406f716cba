// SPDX-License-Identifier: Apache-2.0
#include "rules/prefilter_paths.h"

#include <string.h>

#include "kernel/syscall_table.h"
#include "rules/rules_internal.h"

/*
 * The open family (VG_FDFX_OPEN in vigil/syscalls.h): the kernel has the new
 * fd's file, hence its name, at exit. Closes, dups and fcntls read their fd.*
 * fields from the table an open filled, and nothing fresher.
 */
static bool table_reader(enum vg_sc_fdfx fx)
{
	return fx == VG_FDFX_CLOSE || fx == VG_FDFX_DUP || fx == VG_FDFX_FCNTL;
}

struct walk {
	uint16_t code;
	enum vg_pf_mode mode;
	bool no_write; /* the open is known not to write: evt.is_open_write is false */
};

static void node_paths(const struct vg_cnode *n, bool neg, const struct walk *w,
		       struct vg_pathset *out);

static void add_dir(struct vg_pathset *out, const char *d, size_t len)
{
	char buf[4096];

	/* fd.directory D: D itself (a directory's own name) or anything under D/ */
	if (len + 1 >= sizeof(buf) || (len == 1 && d[0] == '/')) {
		vg_pathset_add(out, d, len, true); /* looser, still every such path */
		return;
	}
	vg_pathset_add(out, d, len, false);
	memcpy(buf, d, len);
	buf[len] = '/';
	vg_pathset_add(out, buf, len + 1, true);
}

/* A glob's text up to its first wildcard; *whole when it has none. */
static size_t glob_literal(const char *s, size_t len, bool *whole)
{
	size_t n = 0;

	while (n < len && !strchr("*?[\\", s[n]))
		n++;
	*whole = n == len;
	return n;
}

static void add_glob(struct vg_pathset *out, const char *s, size_t len, bool dir)
{
	bool whole;
	size_t n = glob_literal(s, len, &whole);

	if (whole && dir)
		add_dir(out, s, len);
	else
		vg_pathset_add(out, s, n, !whole);
}

/*
 * A check on the path (dir: on fd.directory). Every modifier is read as a
 * union over the values: for anyof that is exact, for allof a superset.
 */
static void name_check(const struct vg_cnode *n, bool dir, struct vg_pathset *out)
{
	vg_pathset_init(out, VG_PATHS_NONE);
	for (size_t i = 0; i < n->nvals; i++) {
		const char *s = n->vals[i].s;
		size_t len = n->vals[i].len;

		switch (vg_op_info(n->op)->path) {
		case VG_OPS_EXACT:
			if (dir)
				add_dir(out, s, len);
			else
				vg_pathset_add(out, s, len, false);
			break;
		/* the name starts with its directory: a prefix of that is one of the name */
		case VG_OPS_PREFIX: vg_pathset_add(out, s, len, true); break;
		case VG_OPS_DIR: add_dir(out, s, len); break;
		case VG_OPS_GLOB: add_glob(out, s, len, dir); break;
		/* a suffix without "/" lies in the base name: a check on that */
		case VG_OPS_SUFFIX:
			if (dir || !len || memchr(s, '/', len)) {
				vg_pathset_any(out);
				return;
			}
			vg_pathset_add_base(out, s, len, true);
			break;
		default: vg_pathset_any(out); return;
		}
	}
	vg_pathset_normalize(out);
}

/* fd.filename: the base name; one with "/" in it is never equal to one. */
static void base_check(const struct vg_cnode *n, struct vg_pathset *out)
{
	vg_pathset_init(out, VG_PATHS_NONE);
	for (size_t i = 0; i < n->nvals; i++) {
		const char *s = n->vals[i].s;
		size_t len = n->vals[i].len;
		bool slash = memchr(s, '/', len) != NULL;

		if (vg_op_info(n->op)->path == VG_OPS_EXACT) {
			if (!slash)
				vg_pathset_add_base(out, s, len, false);
		} else if (vg_op_info(n->op)->path == VG_OPS_SUFFIX && len) {
			if (!slash)
				vg_pathset_add_base(out, s, len, true);
		} else {
			vg_pathset_any(out);
			return;
		}
	}
	vg_pathset_normalize(out);
}

/*
 * fd.nameraw, the path as the caller gave it: only "it holds .." is known
 * to the kernel, which it tests on the caller's string. A glob's ".." is
 * literal only outside brackets and escapes, hence neither may appear.
 */
static void raw_check(const struct vg_cnode *n, struct vg_pathset *out)
{
	vg_pathset_init(out, VG_PATHS_ANY);
	/* every value that holds holds the literal's text (a directory's: no) */
	switch (vg_op_info(n->op)->path) {
	case VG_OPS_EXACT:
	case VG_OPS_PREFIX:
	case VG_OPS_SUFFIX:
	case VG_OPS_SUBSTR:
	case VG_OPS_GLOB: break;
	default: return;
	}
	for (size_t i = 0; i < n->nvals; i++) {
		const char *s = n->vals[i].s;
		size_t len = n->vals[i].len;

		if (!memmem(s, len, "..", 2) || (vg_op_info(n->op)->path == VG_OPS_GLOB &&
						 (memchr(s, '[', len) || memchr(s, '\\', len))))
			return;
	}
	vg_pathset_init(out, VG_PATHS_NONE);
	vg_pathset_add_dotdot(out);
}

/* fd.type / fd.typechar values an fd made by open can have (state/fd_table.c). */
static bool open_made_type(const char *s, size_t len)
{
	static const char *const types[] = {"file", "directory", "pipe", "memfd", "unix",
					    "f",    "d",	 "p",	 "F",	  "u"};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == len && memcmp(types[i], s, len) == 0)
			return true;
	return false;
}

/* fd.type in (ipv4, ipv6): never the fd of an open, so no path at all. */
static void type_check(const struct vg_cnode *n, struct vg_pathset *out)
{
	vg_pathset_init(out, VG_PATHS_ANY);
	if (vg_op_info(n->op)->path != VG_OPS_EXACT || n->mod != VG_MOD_NONE)
		return;
	for (size_t i = 0; i < n->nvals; i++)
		if (open_made_type(n->vals[i].s, n->vals[i].len))
			return;
	vg_pathset_init(out, VG_PATHS_NONE);
}

static bool is_name_field(const char *name, enum vg_pf_mode mode)
{
	if (strcmp(name, "fd.name") == 0)
		return true;
	/* on an open these are fd.name too; on a close they are not the table's */
	return mode == VG_PF_OPEN &&
	       (strcmp(name, "fs.path.name") == 0 || strcmp(name, "evt.abspath") == 0);
}

static void check_paths(const struct vg_cnode *n, const struct walk *w, struct vg_pathset *out)
{
	const char *name;

	vg_pathset_init(out, VG_PATHS_ANY);
	/* a transformer or val() on either side: nothing known */
	if (n->lhs->kind != CX_FIELD || n->rhs || !n->vals)
		return;
	name = n->lhs->ref.def->name;
	if (strcmp(name, "fd.type") == 0 || strcmp(name, "fd.typechar") == 0)
		type_check(n, out);
	else if (is_name_field(name, w->mode))
		name_check(n, false, out);
	else if (strcmp(name, "fd.directory") == 0)
		name_check(n, true, out);
	else if (strcmp(name, "fd.filename") == 0)
		base_check(n, out);
	else if (strcmp(name, "fd.nameraw") == 0)
		raw_check(n, out);
}

static void conjunction(const struct vg_cnode *n, bool neg, const struct walk *w,
			struct vg_pathset *out)
{
	struct vg_pathset k;

	vg_pathset_init(out, VG_PATHS_ANY);
	for (size_t i = 0; i < n->nkids && out->kind != VG_PATHS_NONE; i++) {
		node_paths(n->kids[i], neg, w, &k);
		vg_pathset_intersect(out, &k);
	}
}

static void disjunction(const struct vg_cnode *n, bool neg, const struct walk *w,
			struct vg_pathset *out)
{
	struct vg_pathset k;

	vg_pathset_init(out, VG_PATHS_NONE);
	for (size_t i = 0; i < n->nkids && out->kind != VG_PATHS_ANY; i++) {
		node_paths(n->kids[i], neg, w, &k);
		vg_pathset_union(out, &k);
	}
}

/*
 * A check decided by w->no_write: "evt.is_open_write = true" (false, !=)
 * with a constant. 1 or 0 when it holds or not, -1 when it says nothing.
 */
static int write_check(const struct vg_cnode *n, const struct walk *w)
{
	if (!w->no_write || n->lhs->kind != CX_FIELD || n->rhs || n->nvals != 1 ||
	    n->mod != VG_MOD_NONE || strcmp(n->lhs->ref.def->name, "evt.is_open_write") != 0)
		return -1;
	if (n->op == VG_OP_EQ)
		return n->vals[0].u == 0;
	if (n->op == VG_OP_NE)
		return n->vals[0].u != 0;
	return -1;
}

/* The paths for which n (negated when neg) can hold on an event of type w->code. */
static void node_paths(const struct vg_cnode *n, bool neg, const struct walk *w,
		       struct vg_pathset *out)
{
	switch (n->kind) {
	case CN_EVTTYPE: {
		bool holds = vg_evtset_has(&n->evts, w->code) != n->negate;

		vg_pathset_init(out, holds != neg ? VG_PATHS_ANY : VG_PATHS_NONE);
		return;
	}
	case CN_NOT: node_paths(n->kids[0], !neg, w, out); return;
	case CN_AND:
	case CN_OR:
		/* De Morgan: a negated "and" is an "or" of negated children */
		if ((n->kind == CN_AND) != neg)
			conjunction(n, neg, w, out);
		else
			disjunction(n, neg, w, out);
		return;
	case CN_CHECK: {
		int holds = write_check(n, w);

		if (holds >= 0) {
			vg_pathset_init(out, (holds != 0) != neg ? VG_PATHS_ANY : VG_PATHS_NONE);
			return;
		}
		/* "not fd.name startswith /etc" says little about where the path is */
		if (neg)
			vg_pathset_init(out, VG_PATHS_ANY);
		else
			check_paths(n, w, out);
		return;
	}
	}
	vg_pathset_init(out, VG_PATHS_ANY);
}

static void rule_paths(const struct vg_rule *r, const struct walk *w, struct vg_pathset *out)
{
	if (!r->root || !vg_evtset_has(&r->evts, w->code)) {
		vg_pathset_init(out, VG_PATHS_NONE);
		return;
	}
	node_paths(r->root, false, w, out);
}

void vg_prefilter_rule(const struct vg_rule *r, uint16_t evttype, enum vg_pf_mode mode,
		       struct vg_pathset *out)
{
	struct walk w = {.code = evttype, .mode = mode};

	rule_paths(r, &w, out);
}

void vg_prefilter_rule_read(const struct vg_rule *r, uint16_t evttype, struct vg_pathset *out)
{
	struct walk w = {.code = evttype, .mode = VG_PF_OPEN, .no_write = true};

	rule_paths(r, &w, out);
}

static bool expr_reads_fd(const struct vg_cexpr *e)
{
	if (!e)
		return false;
	if (e->kind == CX_FIELD)
		return strncmp(e->ref.def->name, "fd.", 3) == 0;
	for (size_t i = 0; i < e->nargs; i++)
		if (expr_reads_fd(e->args[i]))
			return true;
	return false;
}

static bool node_reads_fd(const struct vg_cnode *n)
{
	if (n->kind == CN_CHECK)
		return expr_reads_fd(n->lhs) || expr_reads_fd(n->rhs);
	for (size_t i = 0; i < n->nkids; i++)
		if (node_reads_fd(n->kids[i]))
			return true;
	return false;
}

/* Whether r's condition or output shows anything of the fd table. */
static bool rule_reads_fd(const struct vg_rule *r)
{
	if (r->root && node_reads_fd(r->root))
		return true;
	for (size_t i = 0; i < r->ofmt.n; i++)
		if (expr_reads_fd(r->ofmt.segs[i].ex))
			return true;
	return false;
}

/* The paths r needs the table to know: those its close/dup/fcntl matches can name. */
static void table_paths(const struct vg_rule *r, struct vg_pathset *out)
{
	struct vg_pathset k;

	vg_pathset_init(out, VG_PATHS_NONE);
	if (!rule_reads_fd(r))
		return;
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++) {
		const struct vg_sc_def *d = vg_syscall_def(id);
		uint16_t code;

		if (!table_reader(d->fdfx))
			continue;
		code = vg_evttype_code(d->falco, strlen(d->falco));
		vg_prefilter_rule(r, code, VG_PF_TABLE, &k);
		vg_pathset_union(out, &k);
	}
}

bool vg_prefilter_syscall(enum vg_syscall id)
{
	const struct vg_sc_def *d = vg_syscall_def(id);

	return d && d->fdfx == VG_FDFX_OPEN;
}

/* Adds to acc the paths r needs on an open (reads: one that does not write). */
static void add_rule(const struct vg_rule *r, uint16_t code, bool reads, struct vg_pathset *acc)
{
	struct vg_pathset k;

	if (acc->kind == VG_PATHS_ANY)
		return;
	if (reads)
		vg_prefilter_rule_read(r, code, &k);
	else
		vg_prefilter_rule(r, code, VG_PF_OPEN, &k);
	vg_pathset_union(acc, &k);
	/* what a close/dup/fcntl rule reads from the table: any open of it fills that */
	table_paths(r, &k);
	vg_pathset_union(acc, &k);
}

/* The paths the rules need for one syscall of the open family, for every open and for reads. */
static void build_one(const struct vg_ruleset *rs, enum vg_syscall id, struct vg_prefilter *pf)
{
	const char *name = vg_syscall_def(id)->falco;
	uint16_t code = vg_evttype_code(name, strlen(name));
	struct vg_pathset *acc = &pf->paths[id], *reads = &pf->reads[id];

	vg_pathset_init(acc, VG_PATHS_NONE);
	vg_pathset_init(reads, VG_PATHS_NONE);
	for (size_t i = 0; i < vg_ruleset_rule_count(rs) && reads->kind != VG_PATHS_ANY; i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);

		if (!r->enabled)
			continue;
		add_rule(r, code, false, acc);
		if (acc->kind == VG_PATHS_ANY && !pf->why[id])
			pf->why[id] = r->name;
		add_rule(r, code, true, reads);
		if (reads->kind == VG_PATHS_ANY)
			pf->why_read[id] = r->name;
	}
	/* a read open a rule can match is one of every open it can match */
	if (reads->kind == VG_PATHS_ANY)
		vg_pathset_any(acc);
}

/* Whether an enabled rule can match a close, whatever the fd. */
static bool closes_watched(const struct vg_ruleset *rs)
{
	uint16_t code = vg_evttype_code("close", 5);

	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);

		if (r->enabled && vg_evtset_has(&r->evts, code))
			return true;
	}
	return false;
}

void vg_prefilter_build(const struct vg_ruleset *rs, struct vg_prefilter *pf)
{
	for (int id = 0; id < VG_SC__MAX; id++) {
		vg_pathset_init(&pf->paths[id], VG_PATHS_ANY);
		vg_pathset_init(&pf->reads[id], VG_PATHS_ANY);
		pf->why[id] = pf->why_read[id] = NULL;
	}
	pf->closes_watched = closes_watched(rs);
	for (int id = VG_SC_NONE + 1; id < VG_SC__MAX; id++)
		if (vg_prefilter_syscall(id))
			build_one(rs, id, pf);
}

void vg_prefilter_free(struct vg_prefilter *pf)
{
	for (int id = 0; id < VG_SC__MAX; id++) {
		vg_pathset_free(&pf->paths[id]);
		vg_pathset_free(&pf->reads[id]);
	}
}
