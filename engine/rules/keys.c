// SPDX-License-Identifier: Apache-2.0
/*
 * Rule keys (keys.h): deriving each rule's necessary condition on its
 * fields' values from its program, filing the rules under the literals of
 * that condition, and the per-event lookup.
 */
#include "rules/keys.h"

#include <stdlib.h>
#include <string.h>

#include "rules/rules_internal.h"

/* ---- the necessary condition of a program ---- */

#define KEY_MAX_ATOMS 32 /* an or of more alternatives gets no key */
/* A condition that more events than this pass is not worth its lookups. */
#define KEY_MAX_PASS 0.5

enum atom_kind {
	ATOM_EXACT,
	ATOM_START,
	ATOM_END,
	ATOM_CONTAINS,
};

/*
 * One literal test on a field: its check's values (lit NULL), or the one
 * literal given (a glob's fixed start or end).
 */
struct atom {
	enum atom_kind kind;
	uint32_t slot;
	const struct vg_cexpr *field; /* the field slot holds */
	const struct vg_cnode *check;
	const char *lit;
	uint32_t litlen;
};

/* A rule can only match when one of the atoms holds; p: a guess at how often one does. */
struct req {
	struct atom a[KEY_MAX_ATOMS];
	size_t n;
	double p;
};

/* What the rules of one event type do with a field slot. */
struct slot_use {
	/*
	 * fd.directory and fd.filename are parts of fd.name: an exact test on
	 * one is a prefix or suffix test on fd.name, so that one key on fd.name
	 * serves the checks on all three, and the parts need not be read per event.
	 */
	const struct vg_cexpr *name_field; /* fd.name, when this slot is one of its parts */
	uint32_t name_slot;
	enum atom_kind name_kind;
	bool weak;	  /* compared with two values or fewer: an exact test passes most events */
	bool built;	  /* reading the field builds text (registry.h, VG_FF_BUILT) */
	bool banned;	  /* a key on it would build the text for one rule that may not need it */
	uint32_t users;	  /* rules keyed on it */
	size_t last_user; /* 1 + the last rule counted */
};

/*
 * Guesses at how often a field passes a test. One of a set of n values:
 * most values in rule lists are rare, so a long list is not much likelier
 * than a short one. A literal the field starts or ends with: the longer,
 * the rarer; one of a byte or none (startswith "/") says nothing. A
 * substring shows up anywhere, so it needs to be longer to say as much.
 */
static double exact_pass(const struct slot_use *u, size_t n)
{
	return u->weak ? 0.5 : 0.01 + 0.001 * (double)n;
}

static double literal_pass(size_t len)
{
	return len < 2 ? 1 : 0.5 / (double)len;
}

static double substring_pass(size_t len)
{
	return len < 2 ? 1 : 1.5 / (double)len;
}

/* A glob's literal start or end, whichever is longer (the pattern up to or after a wildcard). */
static bool glob_atom(const struct vg_cnode *n, struct atom *a)
{
	const char *pat = n->vals[0].s;
	size_t len = n->vals[0].len, first = strcspn(pat, "*?[\\"), last = len;

	while (last > 0 && !strchr("*?[]\\", pat[last - 1]))
		last--;
	if (first == len)
		return false; /* no wildcard: the compiler would have an exact test */
	if (first >= len - last) {
		a->kind = ATOM_START;
		a->lit = pat;
		a->litlen = (uint32_t)first;
	} else {
		a->kind = ATOM_END;
		a->lit = pat + last;
		a->litlen = (uint32_t)(len - last);
	}
	return true;
}

static bool is_integer(enum vg_ftype t)
{
	return t == VG_FT_U64 || t == VG_FT_S64 || t == VG_FT_BOOL || t == VG_FT_PORT ||
	       t == VG_FT_RELTIME || t == VG_FT_ABSTIME;
}

/*
 * A number that must equal one of a check's values: its 8 bytes are the
 * literal. A flag says little: open_read and open_write test one on every
 * open, and a flag that marks the unusual is no rarer to the guess.
 */
static bool number_req(const struct vg_cnode *n, struct req *out)
{
	if (!vg_op_info(n->op)->key_numbers)
		return false;
	out->a[0].kind = ATOM_EXACT;
	out->n = n->nvals ? 1 : 0;
	out->p = n->ltype == VG_FT_BOOL ? 0.5 : 0.01 + 0.001 * (double)n->nvals;
	return true;
}

/*
 * "startswith anyof (a, b)", "endswith ...", "contains ...": the field
 * starts with (ends with, contains) one of the values whatever the
 * modifier (anyof, oneof: at least one holds; allof: all do), so the rule
 * is filed under each value. The guess adds up the values' chances.
 */
static bool mod_req(const struct vg_cnode *n, struct req *out)
{
	struct atom *a = &out->a[0];

	if (!vg_is_stringish(n->ltype) || !n->nvals)
		return false;
	switch (vg_op_info(n->op)->key) { /* the operator table's key column */
	case VG_OPS_PREFIX: a->kind = ATOM_START; break;
	case VG_OPS_SUFFIX: a->kind = ATOM_END; break;
	case VG_OPS_SUBSTR: a->kind = ATOM_CONTAINS; break;
	default: return false;
	}
	out->p = 0;
	for (size_t i = 0; i < n->nvals; i++)
		out->p += a->kind == ATOM_CONTAINS ? substring_pass(n->vals[i].len)
						   : literal_pass(n->vals[i].len);
	return true;
}

/* The atom of a check that tests its field against literals. */
static bool check_req(const struct vg_ruleset *rs, const struct vg_cnode *n,
		      const struct slot_use *use, struct req *out)
{
	struct atom *a = &out->a[0];

	if (n->kind != CN_CHECK || n->rhs || n->lslot >= rs->compiled.nslots ||
	    use[n->lslot].banned)
		return false;
	*a = (struct atom){.slot = n->lslot, .field = n->lhs, .check = n};
	out->n = 1;
	if (n->mod)
		return mod_req(n, out);
	if (is_integer(n->ltype))
		return number_req(n, out);
	if (!vg_is_stringish(n->ltype))
		return false;
	switch (vg_op_info(n->op)->key) {
	case VG_OPS_EXACT:
		if (!vg_op_is_list(n->op) && n->nvals != 1)
			return false;
		a->kind = ATOM_EXACT;
		out->p = exact_pass(&use[n->lslot], vg_op_is_list(n->op) ? n->set.n : 1);
		out->n = !vg_op_is_list(n->op) || n->set.n ? 1 : 0; /* "in ()" never holds */
		if (use[n->lslot].name_field) {
			a->kind = use[n->lslot].name_kind;
			a->slot = use[n->lslot].name_slot;
			a->field = use[n->lslot].name_field;
		}
		return true;
	case VG_OPS_PREFIX: a->kind = ATOM_START; break;
	case VG_OPS_SUFFIX: a->kind = ATOM_END; break;
	case VG_OPS_SUBSTR:
		a->kind = ATOM_CONTAINS;
		out->p = substring_pass(n->vals[0].len);
		return n->nvals == 1;
	case VG_OPS_DIR:
		/* a path under p starts with p */
		a->kind = ATOM_START;
		out->p = 0;
		for (size_t e = 0; e < n->set.cap; e++)
			if (n->set.tab[e].s)
				out->p += literal_pass(n->set.tab[e].len);
		out->n = n->set.n ? 1 : 0;
		return true;
	case VG_OPS_GLOB:
		if (!glob_atom(n, a))
			return false;
		out->p = literal_pass(a->litlen);
		return true;
	default: return false;
	}
	out->p = literal_pass(n->vals[0].len);
	return n->nvals == 1;
}

/* The one literal of an atom, or NULL for a set of them. */
static const char *atom_literal(const struct atom *a, uint32_t *len)
{
	if (a->lit) {
		*len = a->litlen;
		return a->lit;
	}
	if (is_integer(a->check->ltype) || a->check->mod || vg_op_is_list(a->check->op))
		return NULL;
	*len = a->check->vals[0].len;
	return a->check->vals[0].s;
}

/*
 * Whether k, a single literal, tests for one an atom of r already tests
 * for, on another field: evt.arg.name, evt.arg.path and evt.arg.oldpath
 * are one path under the names different syscalls give it, so a rule that
 * tries a suffix on each is not three times likelier to pass.
 */
static bool repeats_literal(const struct req *r, const struct req *k)
{
	const char *s, *t;
	uint32_t slen, tlen;

	if (k->n != 1 || !(s = atom_literal(&k->a[0], &slen)))
		return false;
	for (size_t j = 0; j < r->n; j++)
		if (r->a[j].kind == k->a[0].kind && (t = atom_literal(&r->a[j], &tlen)) &&
		    tlen == slen && memcmp(s, t, slen) == 0)
			return true;
	return false;
}

/* The necessary condition of the code at insn i, if it has one worth a lookup. */
static bool insn_req(const struct vg_ruleset *rs, uint32_t i, const struct slot_use *use,
		     struct req *out)
{
	const struct vg_insn *in = &rs->compiled.prog[i];
	struct req *k;
	bool found = false;

	switch (in->kind) {
	case CN_CHECK: return check_req(rs, in->n, use, out) && out->p < KEY_MAX_PASS;
	case CN_AND:
		/* any one child bounds the and: the rarest */
		k = malloc(sizeof(*k));
		for (uint32_t c = i + 1; k && c < in->end; c = rs->compiled.prog[c].end)
			if (insn_req(rs, c, use, k) && (!found || k->p < out->p)) {
				*out = *k;
				found = true;
			}
		free(k);
		return found;
	case CN_OR:
		/* every child must be bounded: the union */
		k = malloc(sizeof(*k));
		if (!k)
			return false;
		out->n = 0;
		out->p = 0;
		for (uint32_t c = i + 1; c < in->end; c = rs->compiled.prog[c].end) {
			if (!insn_req(rs, c, use, k) || out->n + k->n > KEY_MAX_ATOMS) {
				free(k);
				return false;
			}
			if (!repeats_literal(out, k))
				out->p += k->p;
			memcpy(out->a + out->n, k->a, k->n * sizeof(k->a[0]));
			out->n += k->n;
		}
		free(k);
		return out->p < KEY_MAX_PASS;
	default: return false;
	}
}

/* ---- tries of literals ---- */

/* A new node; 0 when out of memory (the root, made first, is nobody's child). */
static uint32_t trie_node(struct vg_key_trie *t)
{
	if (!vg_grow(&t->v, &t->cap, t->n + 1, sizeof(*t->v)))
		return 0;
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return (uint32_t)t->n++;
}

/* The node where s (reversed when rev) ends, made as needed; 0 when out of memory. */
static uint32_t trie_add(struct vg_key_trie *t, const char *s, size_t len, bool rev)
{
	uint32_t at = 0;

	if (!t->n)
		trie_node(t); /* the root */
	if (!t->n)
		return 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)s[rev ? len - 1 - i : i];
		uint32_t c = t->v[at].child, prev = 0;

		while (c && t->v[c].byte != b) {
			prev = c;
			c = t->v[c].next;
		}
		if (!c) {
			c = trie_node(t);
			if (!c)
				return 0;
			t->v[c].byte = b;
			if (prev)
				t->v[prev].next = c;
			else
				t->v[at].child = c;
		}
		at = c;
	}
	return at;
}

static void or_row(const struct vg_rule_key *k, uint32_t row, size_t nwords, uint64_t *cand)
{
	const uint64_t *r = k->rows + (size_t)(row - 1) * nwords;

	for (size_t w = 0; w < nwords; w++)
		cand[w] |= r[w];
}

/*
 * Lays a built trie out for lookups, breadth first: a node's children take
 * consecutive places, sorted by byte, so that a step scans one short run.
 */
static bool trie_layout(struct vg_key_trie *t)
{
	struct vg_key_trie_node *v = calloc(t->n + 1, sizeof(*v));
	uint32_t *order = calloc(t->n + 1, sizeof(*order)), head = 0, tail = 1;

	if (!v || !order) {
		free(v);
		free(order);
		return false;
	}
	/* order[i]: the built node that takes place i */
	for (; head < tail; head++) {
		const struct vg_key_trie_node *o = &t->v[order[head]];
		uint32_t first = tail;

		for (uint32_t c = o->child; c; c = t->v[c].next) {
			uint32_t j = tail++;

			for (; j > first && t->v[order[j - 1]].byte > t->v[c].byte; j--)
				order[j] = order[j - 1];
			order[j] = c;
		}
		v[head] = (struct vg_key_trie_node){
			.child = tail > first ? first : 0,
			.nchild = tail - first,
			.row = o->row,
			.byte = o->byte,
		};
	}
	free(order);
	free(t->v);
	t->v = v;
	t->cap = t->n + 1;
	return true;
}

/* Every literal s starts with (ends with, when rev) adds its rules. */
static void trie_walk(const struct vg_rule_key *k, const struct vg_key_trie *t, size_t nwords,
		      const char *s, uint32_t len, bool rev, uint64_t *cand)
{
	const struct vg_key_trie_node *v = t->v;
	uint32_t at = 0;

	for (uint32_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)s[rev ? len - 1 - i : i];
		uint32_t c = v[at].child, end = c + v[at].nchild;

		while (c < end && v[c].byte < b)
			c++;
		if (c == end || v[c].byte != b)
			return;
		at = c;
		if (v[at].row)
			or_row(k, v[at].row, nwords, cand);
	}
}

void vg_key_lookup(const struct vg_rule_key *k, size_t nwords, const char *s, uint32_t len,
		   uint64_t h, uint64_t *cand)
{
	if (k->exact.n) {
		size_t at = vg_strset_find(&k->exact, s, len, h);

		if (at != SIZE_MAX)
			or_row(k, k->exact_row[at], nwords, cand);
	}
	if (k->start.n)
		trie_walk(k, &k->start, nwords, s, len, false, cand);
	if (k->end.n)
		trie_walk(k, &k->end, nwords, s, len, true, cand);
	for (size_t i = 0; i < k->nneedles; i++)
		if (vg_contains(s, len, k->needles[i].s, k->needles[i].len))
			or_row(k, k->needles[i].row, nwords, cand);
}

/* ---- filing rules under their literals ---- */

struct filing {
	struct vg_rule_key *key;
	size_t nwords, rule;
	bool ok;
};

/* A new row of rule bits; 0 when out of memory. */
static uint32_t new_row(struct filing *f)
{
	struct vg_rule_key *k = f->key;

	if (!vg_grow(&k->rows, &k->rows_cap, (k->nrows + 1) * f->nwords, sizeof(*k->rows)))
		return 0;
	memset(k->rows + k->nrows * f->nwords, 0, f->nwords * sizeof(*k->rows));
	return (uint32_t)++k->nrows;
}

/* *row, made when 0, gets the rule being filed. */
static void mark(struct filing *f, uint32_t *row)
{
	if (!*row)
		*row = new_row(f);
	if (!*row) {
		f->ok = false;
		return;
	}
	f->key->rows[(size_t)(*row - 1) * f->nwords + f->rule / 64] |= 1ULL << (f->rule % 64);
}

/* Exact values were all added to the key's set before filing: their places are final. */
static void file_exact(struct filing *f, const char *s, size_t len)
{
	struct vg_rule_key *k = f->key;
	size_t at = vg_strset_find(&k->exact, s, len, vg_hash(s, len));

	if (at == SIZE_MAX) {
		f->ok = false;
		return;
	}
	mark(f, &k->exact_row[at]);
}

static void file_literal(struct filing *f, enum atom_kind kind, const char *s, size_t len)
{
	struct vg_rule_key *k = f->key;
	uint32_t node;

	switch (kind) {
	case ATOM_EXACT: file_exact(f, s, len); return;
	case ATOM_START:
	case ATOM_END:
		node = trie_add(kind == ATOM_START ? &k->start : &k->end, s, len, kind == ATOM_END);
		if (!node) {
			f->ok = false;
			return;
		}
		mark(f, &(kind == ATOM_START ? &k->start : &k->end)->v[node].row);
		return;
	case ATOM_CONTAINS:
		for (size_t i = 0; i < k->nneedles; i++)
			if (k->needles[i].len == len && memcmp(k->needles[i].s, s, len) == 0) {
				mark(f, &k->needles[i].row);
				return;
			}
		if (!vg_grow(&k->needles, &k->needles_cap, k->nneedles + 1, sizeof(*k->needles)) ||
		    !(k->needles[k->nneedles].s = vg_strndup0(s, len))) {
			f->ok = false;
			return;
		}
		k->needles[k->nneedles].len = (uint32_t)len;
		k->needles[k->nneedles].row = 0;
		mark(f, &k->needles[k->nneedles++].row);
		return;
	}
}

/* Files the rule being filed under every literal of atom a. */
static void file_atom(struct filing *f, const struct atom *a)
{
	const struct vg_cnode *n = a->check;

	if (a->lit) {
		file_literal(f, a->kind, a->lit, a->litlen);
		return;
	}
	if (is_integer(n->ltype)) {
		for (size_t i = 0; i < n->nvals && f->ok; i++)
			file_literal(f, ATOM_EXACT, (const char *)&n->vals[i].u,
				     sizeof(n->vals[i].u));
		return;
	}
	if (n->mod) { /* startswith/endswith/contains anyof: under each value (mod_req) */
		for (size_t i = 0; i < n->nvals && f->ok; i++)
			file_literal(f, a->kind, n->vals[i].s, n->vals[i].len);
		return;
	}
	if (vg_op_is_list(n->op)) {
		for (size_t e = 0; e < n->set.cap && f->ok; e++)
			if (n->set.tab[e].s)
				file_literal(f, a->kind, n->set.tab[e].s, n->set.tab[e].len);
		return;
	}
	file_literal(f, a->kind, n->vals[0].s, n->vals[0].len);
}

/* ---- per event type ---- */

static bool is_exact_check(const struct vg_ruleset *rs, const struct vg_cnode *n)
{
	return n->kind == CN_CHECK && !n->mod && !n->rhs && n->lslot < rs->compiled.nslots &&
	       vg_is_stringish(n->ltype) && vg_op_info(n->op)->key == VG_OPS_EXACT &&
	       (vg_op_is_list(n->op) || n->nvals == 1);
}

static bool add_to_set(struct vg_strset *set, const struct vg_cnode *n)
{
	if (is_integer(n->ltype)) {
		for (size_t i = 0; i < n->nvals; i++)
			if (!vg_strset_add(set, (const char *)&n->vals[i].u, sizeof(n->vals[i].u)))
				return false;
		return true;
	}
	if (!vg_op_is_list(n->op))
		return vg_strset_add(set, n->vals[0].s, n->vals[0].len);
	for (size_t e = 0; e < n->set.cap; e++)
		if (n->set.tab[e].s && !vg_strset_add(set, n->set.tab[e].s, n->set.tab[e].len))
			return false;
	return true;
}

static bool field_named(const struct vg_cexpr *e, const char *name)
{
	return e->kind == CX_FIELD && !e->ref.arg && strcmp(e->ref.def->name, name) == 0;
}

/*
 * Links fd.directory and fd.filename to fd.name when a check of type t
 * reads fd.name (its slot and field are then at hand): a directory D is a
 * prefix of the name (the name itself, or D/...), a base name F a suffix.
 */
static void link_name_parts(const struct vg_ruleset *rs, uint16_t t, struct slot_use *use)
{
	const struct vg_cexpr *name = NULL;

	for (size_t r = 0; !name && r < rs->compiled.nby_type[t]; r++) {
		uint32_t root = rs->compiled.by_type_prog[t][r * (VG_GUARDS + 1)];

		for (uint32_t i = root; !name && i < rs->compiled.prog[root].end; i++)
			if (rs->compiled.prog[i].kind == CN_CHECK &&
			    rs->compiled.prog[i].n->lslot < rs->compiled.nslots &&
			    field_named(rs->compiled.prog[i].n->lhs, "fd.name"))
				name = rs->compiled.prog[i].n->lhs;
	}
	for (size_t i = 0; name && i < rs->compiled.nslots; i++) {
		const struct vg_slot_key *k = &rs->compiled.slot_keys[i];
		bool dir = strcmp(k->def->name, "fd.directory") == 0;

		if (k->arg || (!dir && strcmp(k->def->name, "fd.filename") != 0))
			continue;
		use[i].name_field = name;
		use[i].name_slot = name->slot;
		use[i].name_kind = dir ? ATOM_START : ATOM_END;
	}
}

/*
 * What type t's rules do with each slot: which slots an exact test says
 * little about (compared with two values or fewer: every open is of a
 * file or a directory), which build text, which are parts of fd.name.
 * NULL when out of memory.
 */
static struct slot_use *slot_uses(const struct vg_ruleset *rs, uint16_t t)
{
	struct vg_strset *seen = calloc(rs->compiled.nslots + 1, sizeof(*seen));
	struct slot_use *use = calloc(rs->compiled.nslots + 1, sizeof(*use));
	bool ok = seen && use;

	for (size_t r = 0; ok && r < rs->compiled.nby_type[t]; r++) {
		uint32_t root = rs->compiled.by_type_prog[t][r * (VG_GUARDS + 1)];

		for (uint32_t i = root; ok && i < rs->compiled.prog[root].end; i++)
			if (rs->compiled.prog[i].kind == CN_CHECK &&
			    is_exact_check(rs, rs->compiled.prog[i].n))
				ok = add_to_set(&seen[rs->compiled.prog[i].n->lslot],
						rs->compiled.prog[i].n);
	}
	for (size_t i = 0; ok && i < rs->compiled.nslots; i++) {
		use[i].weak = seen[i].n <= 2;
		use[i].built = (rs->compiled.slot_keys[i].def->flags & VG_FF_BUILT) != 0;
	}
	for (size_t i = 0; seen && i < rs->compiled.nslots; i++)
		vg_strset_free(&seen[i]);
	free(seen);
	if (!ok) {
		free(use);
		return NULL;
	}
	link_name_parts(rs, t, use);
	return use;
}

/*
 * Each rule's necessary condition, on slots that are not banned. A key
 * reads its field for every event of the type, before any rule runs: a
 * field whose text is built (flags rendered, arguments joined) is only
 * worth that when several rules share it, since one rule might well have
 * been decided before it read it. Such a slot that only one rule would be
 * keyed on is banned and the rules are looked at again (that rule may have
 * another condition), until none is left.
 */
static bool choose_reqs(const struct vg_ruleset *rs, uint16_t t, struct slot_use *use,
			struct req *req, bool *keyed)
{
	size_t n = rs->compiled.nby_type[t];
	struct req *r = malloc(sizeof(*r));
	bool changed = true;

	while (r && changed) {
		changed = false;
		for (size_t s = 0; s < rs->compiled.nslots; s++)
			use[s].users = 0, use[s].last_user = 0;
		for (size_t i = 0; i < n; i++) {
			keyed[i] = insn_req(rs, rs->compiled.by_type_prog[t][i * (VG_GUARDS + 1)],
					    use, r);
			if (keyed[i])
				req[i] = *r;
			for (size_t j = 0; keyed[i] && j < req[i].n; j++) {
				struct slot_use *u = &use[req[i].a[j].slot];

				u->users += u->last_user != i + 1;
				u->last_user = i + 1;
			}
		}
		for (size_t s = 0; s < rs->compiled.nslots; s++)
			if (use[s].built && use[s].users == 1) {
				use[s].banned = true;
				changed = true;
			}
	}
	free(r);
	return r != NULL;
}

/* The key on slot, made when missing (NULL when out of memory). */
static struct vg_rule_key *key_on(struct vg_type_keys *tk, size_t *cap, const struct atom *a)
{
	for (size_t k = 0; k < tk->nkeys; k++)
		if (tk->keys[k].slot == a->slot)
			return &tk->keys[k];
	if (!vg_grow(&tk->keys, cap, tk->nkeys + 1, sizeof(*tk->keys)))
		return NULL;
	memset(&tk->keys[tk->nkeys], 0, sizeof(tk->keys[0]));
	tk->keys[tk->nkeys].slot = a->slot;
	tk->keys[tk->nkeys].field = a->field;
	tk->keys[tk->nkeys].number = is_integer(a->check->ltype);
	return &tk->keys[tk->nkeys++];
}

/* Files every keyed rule of the type under its atoms' literals. */
static bool file_rules(struct vg_type_keys *tk, size_t *ckeys, const struct req *req,
		       const bool *keyed, size_t n)
{
	struct filing f = {.nwords = tk->nwords, .ok = true};

	/* exact values first, so that their places in each key's set are final */
	for (size_t i = 0; i < n && f.ok; i++)
		for (size_t j = 0; keyed[i] && j < req[i].n && f.ok; j++) {
			const struct atom *a = &req[i].a[j];

			f.key = key_on(tk, ckeys, a);
			f.ok = f.key &&
			       (a->kind != ATOM_EXACT || add_to_set(&f.key->exact, a->check));
		}
	for (size_t k = 0; k < tk->nkeys && f.ok; k++) {
		tk->keys[k].exact_row = calloc(tk->keys[k].exact.cap + 1, sizeof(uint32_t));
		f.ok = tk->keys[k].exact_row != NULL;
	}
	for (f.rule = 0; f.rule < n && f.ok; f.rule++)
		for (size_t j = 0; keyed[f.rule] && j < req[f.rule].n && f.ok; j++) {
			f.key = key_on(tk, ckeys, &req[f.rule].a[j]);
			file_atom(&f, &req[f.rule].a[j]);
		}
	for (size_t k = 0; k < tk->nkeys && f.ok; k++)
		f.ok = (!tk->keys[k].start.n || trie_layout(&tk->keys[k].start)) &&
		       (!tk->keys[k].end.n || trie_layout(&tk->keys[k].end));
	return f.ok;
}

bool vg_keys_build(struct vg_ruleset *rs, uint16_t t)
{
	size_t n = rs->compiled.nby_type[t], ckeys = 0;
	struct req *req = calloc(n, sizeof(*req));
	bool *keyed = calloc(n, sizeof(*keyed)), ok;
	struct slot_use *use = slot_uses(rs, t);
	struct vg_type_keys *tk = calloc(1, sizeof(*tk));

	ok = req && keyed && use && tk && choose_reqs(rs, t, use, req, keyed);
	if (ok) {
		tk->nwords = (n + 63) / 64;
		tk->unkeyed = calloc(tk->nwords, sizeof(*tk->unkeyed));
		ok = tk->unkeyed != NULL;
	}
	for (size_t i = 0; ok && i < n; i++)
		if (!keyed[i])
			tk->unkeyed[i / 64] |= 1ULL << (i % 64);
	ok = ok && file_rules(tk, &ckeys, req, keyed, n);
	free(req);
	free(keyed);
	free(use);
	if (ok && tk->nkeys) {
		rs->compiled.keys[t] = tk;
		return true;
	}
	vg_keys_free(tk);
	return ok;
}

void vg_keys_free(struct vg_type_keys *tk)
{
	if (!tk)
		return;
	for (size_t k = 0; k < tk->nkeys; k++) {
		struct vg_rule_key *key = &tk->keys[k];

		vg_strset_free(&key->exact);
		free(key->exact_row);
		free(key->start.v);
		free(key->end.v);
		for (size_t i = 0; i < key->nneedles; i++)
			free(key->needles[i].s);
		free(key->needles);
		free(key->rows);
	}
	free(tk->keys);
	free(tk->unkeyed);
	free(tk);
}
