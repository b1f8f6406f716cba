// SPDX-License-Identifier: Apache-2.0
/*
 * Evaluation of compiled rules. A check reads its left-hand side and
 * compares every value it got (a field like proc.aname without an index
 * yields one per ancestor, and the check holds when any of them matches, as
 * in libsinsp). A missing value makes the check false.
 *
 * Work is shared across the rules of one event: each field (with its
 * argument) is extracted at most once, into the cache slot the compiler gave
 * it, with the hashes of its values kept beside them for set lookups; and a
 * subtree several rules share (an inlined macro, a common check) is
 * evaluated once and its result kept. Both caches are tagged with a
 * generation that each new event bumps, so nothing is cleared per event.
 * Strings built by extractors live in the event's scratch arena; those
 * built by transformers in a second arena reset before each check.
 */
#include "rules/eval.h"

#include <ctype.h>
#include <fnmatch.h>
#include <string.h>

#include "decode/decode.h"
#include "rules/rules_internal.h"
#include "rules/keys.h"

/* ---- transformers ---- */

static void xf_case(struct vg_ruleset *rs, const struct vg_xval *in, struct vg_xval *out,
		    bool upper)
{
	for (uint32_t i = 0; i < in->n; i++) {
		char *s = vg_scratch_alloc(&rs->ev.xscratch, in->v[i].len);

		if (!s)
			return;
		for (uint32_t k = 0; k < in->v[i].len; k++) {
			unsigned char ch = (unsigned char)in->v[i].s[k];

			s[k] = (char)(upper ? toupper(ch) : tolower(ch));
		}
		vg_xval_str(out, s, in->v[i].len);
	}
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Base64 decoding; an invalid input yields no value, as in libsinsp. */
static void xf_b64(struct vg_ruleset *rs, const struct vg_xval *in, struct vg_xval *out)
{
	for (uint32_t i = 0; i < in->n; i++) {
		const char *p = in->v[i].s;
		uint32_t len = in->v[i].len, o = 0, acc = 0, bits = 0;
		char *s = vg_scratch_alloc(&rs->ev.xscratch, len);

		if (!s)
			return;
		while (len && p[len - 1] == '=')
			len--;
		for (uint32_t k = 0; k < len; k++) {
			int v = b64val((unsigned char)p[k]);

			if (v < 0)
				goto next;
			acc = acc << 6 | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				s[o++] = (char)(acc >> bits & 0xff);
			}
		}
		s[o] = '\0';
		vg_xval_str(out, s, o);
	next:;
	}
}

static void xf_basename(const struct vg_xval *in, struct vg_xval *out)
{
	for (uint32_t i = 0; i < in->n; i++) {
		const char *s = in->v[i].s, *slash = memrchr(s, '/', in->v[i].len);
		uint32_t off = slash ? (uint32_t)(slash - s + 1) : 0;

		vg_xval_str(out, s + off, in->v[i].len - off);
	}
}

/* Appends a + b into a fresh scratch string. */
static const char *cat(struct vg_ruleset *rs, const char *a, size_t alen, const char *b,
		       size_t blen)
{
	char *s = vg_scratch_alloc(&rs->ev.xscratch, alen + blen);

	if (!s)
		return NULL;
	memcpy(s, a, alen);
	memcpy(s + alen, b, blen);
	return s;
}

/*
 * getopt(OPT, args): the value of option OPT in a space-separated argument
 * string: "-c x" and "-cx" both give "x".
 */
static void xf_getopt(struct vg_ruleset *rs, const char *opt, size_t olen, const struct vg_xval *in,
		      struct vg_xval *out)
{
	const char *v;

	for (uint32_t i = 0; i < in->n; i++) {
		const char *s = in->v[i].s, *end = s + in->v[i].len;

		while (s < end) {
			const char *t = s;

			while (t < end && *t != ' ')
				t++;
			if ((size_t)(t - s) >= olen && memcmp(s, opt, olen) == 0) {
				if ((size_t)(t - s) == olen) {
					/* "-c value": the value is the next word */
					s = t + (t < end);
					t = s;
					while (t < end && *t != ' ')
						t++;
					if (s == end)
						return;
				} else {
					s += olen; /* "-cvalue" */
				}
				/* copied: a word inside the string is not NUL-terminated */
				v = vg_scratch_copy(&rs->ev.xscratch, s, (size_t)(t - s));
				if (v)
					vg_xval_str(out, v, (size_t)(t - s));
				return;
			}
			s = t + (t < end);
		}
	}
}

static bool is_str(const struct vg_xval *x)
{
	return x->type == VG_FT_STRING || x->type == VG_FT_BYTES;
}

static struct vg_xval *pool_at(struct vg_ruleset *rs, size_t level)
{
	return level < rs->compiled.npool ? &rs->ev.pool[level] : NULL;
}

/* ---- the per-event caches ---- */

bool vg_eval_begin(struct vg_ruleset *rs, const struct vg_eval_ctx *ctx)
{
	if (ctx && rs->ev.cur == ctx)
		return false; /* inside an evaluation of this event (an alert's output) */
	rs->ev.fgen++;
	rs->ev.mgen++;
	rs->ev.nfvals = 0;
	vg_scratch_reset(&rs->ev.env.scratch);
	rs->ev.cur = ctx;
	rs->ev.cur_type = ctx && ctx->ev ? vg_evttype_of(ctx->ev) : 0;
	return true;
}

void vg_eval_end(struct vg_ruleset *rs, bool started)
{
	if (started)
		rs->ev.cur = NULL;
}

void vg_eval_check_start(struct vg_ruleset *rs)
{
	vg_scratch_reset(&rs->ev.xscratch);
	/*
	 * Cached strings live in the event arena until the event ends. When it is
	 * half full, start over (values are extracted again on demand), so that
	 * every check has at least half the arena, whatever came before it.
	 */
	if (rs->ev.env.scratch.used > rs->ev.env.scratch.cap / 2) {
		rs->ev.fgen++;
		rs->ev.nfvals = 0;
		vg_scratch_reset(&rs->ev.env.scratch);
	}
}

/* A field with a cache slot (one compiled after the caches were sized has none). */
static bool cached(const struct vg_ruleset *rs, const struct vg_cexpr *e)
{
	return e->kind == CX_FIELD && e->slot < rs->compiled.nslots && rs->ev.slots;
}

/*
 * Extracts with at most one check's worth of the arena (what the whole
 * arena was when it was reset per check), so that whether a long value fits
 * does not depend on what other rules read before.
 */
static void extract(struct vg_ruleset *rs, const struct vg_field_ref *ref,
		    const struct vg_eval_ctx *ctx, struct vg_xval *x)
{
	struct vg_scratch *s = &rs->ev.env.scratch;
	size_t cap = s->cap;

	if (cap - s->used > rs->ev.xscratch.cap)
		s->cap = s->used + rs->ev.xscratch.cap;
	vg_field_extract(ref, ctx, &rs->ev.env, x);
	s->cap = cap;
}

/* Slot i's values for this event, extracted on first use. */
static struct vg_fslot *field_slot(struct vg_ruleset *rs, uint32_t i, const struct vg_cexpr *e,
				   const struct vg_eval_ctx *ctx)
{
	struct vg_fslot *s = &rs->ev.slots[i];
	struct vg_xval *x = &rs->ev.xtmp;

	if (s->gen == rs->ev.fgen)
		return s;
	extract(rs, &e->ref, ctx, x);
	/* each slot is filed once per generation: nslots * VG_XVAL_MAX always fits */
	s->off = (uint32_t)rs->ev.nfvals;
	s->n = x->n;
	s->type = x->type;
	s->truncated = x->truncated;
	s->hashed = 0;
	s->gen = rs->ev.fgen;
	/* most fields have one value: a struct copy, not a call to memcpy */
	if (x->n == 1)
		rs->ev.fvals[s->off] = x->v[0];
	else
		memcpy(rs->ev.fvals + s->off, x->v, x->n * sizeof(x->v[0]));
	rs->ev.nfvals += x->n;
	return s;
}

/* vg_hash of value i, kept for the event when the values come from a slot. */
static uint64_t value_hash(struct vg_ruleset *rs, struct vg_fslot *slot, const struct vg_value *v,
			   uint32_t i)
{
	uint64_t *h;

	if (!slot)
		return vg_hash(v[i].s, v[i].len);
	h = &rs->ev.fhash[slot->off + i];
	if (!(slot->hashed >> i & 1)) {
		*h = vg_hash(v[i].s, v[i].len);
		slot->hashed |= 1ULL << i;
	}
	return *h;
}

static void copy_xval(struct vg_xval *dst, const struct vg_xval *src)
{
	dst->type = src->type;
	dst->n = src->n;
	dst->truncated = src->truncated;
	memcpy(dst->v, src->v, src->n * sizeof(src->v[0]));
}

/* ---- value producers ---- */

static void eval_xform(struct vg_ruleset *rs, const struct vg_cexpr *e,
		       const struct vg_eval_ctx *ctx, struct vg_xval *x, size_t level)
{
	struct vg_xval *tmp = pool_at(rs, level + 1);
	const struct vg_cexpr *a0 = e->args[0];
	const struct vg_xval *in;

	if (!tmp)
		return;
	switch (e->xf) {
	case VG_XF_VAL:
		in = vg_cexpr_values(rs, a0, ctx, tmp, level + 1);
		copy_xval(x, in);
		x->type = e->type;
		return;
	case VG_XF_TOLOWER:
	case VG_XF_TOUPPER:
		in = vg_cexpr_values(rs, a0, ctx, tmp, level + 1);
		xf_case(rs, in, x, e->xf == VG_XF_TOUPPER);
		return;
	case VG_XF_B64:
		in = vg_cexpr_values(rs, a0, ctx, tmp, level + 1);
		xf_b64(rs, in, x);
		return;
	case VG_XF_BASENAME:
		in = vg_cexpr_values(rs, a0, ctx, tmp, level + 1);
		xf_basename(in, x);
		return;
	case VG_XF_LEN:
		in = vg_cexpr_values(rs, a0, ctx, tmp, level + 1);
		if (in->n)
			vg_xval_u64(x, a0->multi || !is_str(in) ? in->n : in->v[0].len);
		return;
	case VG_XF_GETOPT:
		in = vg_cexpr_values(rs, e->args[1], ctx, tmp, level + 1);
		xf_getopt(rs, a0->cstr, a0->clen, in, x);
		return;
	case VG_XF_JOIN: {
		const char *acc = "";
		size_t alen = 0;

		in = vg_cexpr_values(rs, e->args[1], ctx, tmp, level + 1);
		if (!in->n)
			return;
		for (uint32_t i = 0; i < in->n && acc; i++) {
			if (i && !(acc = cat(rs, acc, alen, a0->cstr, a0->clen)))
				break;
			if (i)
				alen += a0->clen;
			acc = cat(rs, acc, alen, in->v[i].s, in->v[i].len);
			alen += in->v[i].len;
		}
		if (acc)
			vg_xval_str(x, acc, alen);
		return;
	}
	case VG_XF_CONCAT: {
		const char *acc = "";
		size_t alen = 0;

		for (size_t i = 0; i < e->nargs && acc; i++) {
			in = vg_cexpr_values(rs, e->args[i], ctx, tmp, level + 1);
			if (!in->n)
				return; /* a missing part makes the whole missing */
			acc = cat(rs, acc, alen, in->v[0].s, in->v[0].len);
			alen += in->v[0].len;
		}
		if (acc)
			vg_xval_str(x, acc, alen);
		return;
	}
	default: return;
	}
}

const struct vg_xval *vg_cexpr_values(struct vg_ruleset *rs, const struct vg_cexpr *e,
				      const struct vg_eval_ctx *ctx, struct vg_xval *tmp,
				      size_t level)
{
	if (cached(rs, e)) {
		struct vg_fslot *slot = field_slot(rs, e->slot, e, ctx);

		tmp->type = slot->type;
		tmp->n = slot->n;
		tmp->truncated = slot->truncated;
		/* most fields have one value: a struct copy, not a call to memcpy */
		if (slot->n == 1)
			tmp->v[0] = rs->ev.fvals[slot->off];
		else
			memcpy(tmp->v, rs->ev.fvals + slot->off, slot->n * sizeof(tmp->v[0]));
		return tmp;
	}
	tmp->n = 0;
	tmp->truncated = false;
	tmp->type = e->type;
	switch (e->kind) {
	case CX_FIELD: extract(rs, &e->ref, ctx, tmp); break;
	case CX_CONST: vg_xval_str(tmp, e->cstr, e->clen); break;
	case CX_XFORM: eval_xform(rs, e, ctx, tmp, level); break;
	case CX_CAPTURE: vg_seq_ref_values(rs, e, tmp); break;
	}
	return tmp;
}

void vg_cexpr_eval(struct vg_ruleset *rs, const struct vg_cexpr *e, const struct vg_eval_ctx *ctx,
		   struct vg_xval *x, size_t level)
{
	const struct vg_xval *v = vg_cexpr_values(rs, e, ctx, x, level);

	if (v != x)
		copy_xval(x, v);
}

/* ---- comparisons ---- */

/* ASCII case folding (vigil runs in the C locale, where tolower() is this). */
static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool folded_eq(const char *h, const char *lowneedle, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (fold((unsigned char)h[k]) != (unsigned char)lowneedle[k])
			return false;
	return true;
}

/*
 * Case-insensitive substring search. Haystacks can be long (a whole
 * environment, a command line) and mostly lack the needle, so candidates
 * are found with memchr on the first byte's two cases, and only those are
 * compared.
 */
static bool icontains(const char *h, size_t hl, const char *lowneedle, size_t nl)
{
	unsigned char c0, c1;
	const char *a, *b, *end;

	if (nl > hl)
		return false;
	if (!nl)
		return true;
	c0 = (unsigned char)lowneedle[0];
	c1 = c0 >= 'a' && c0 <= 'z' ? c0 - ('a' - 'A') : c0;
	end = h + (hl - nl) + 1; /* last candidate start + 1 */
	a = memchr(h, c0, (size_t)(end - h));
	b = c1 != c0 ? memchr(h, c1, (size_t)(end - h)) : NULL;
	while (a || b) {
		const char *q = !b || (a && a < b) ? a : b;

		if (folded_eq(q + 1, lowneedle + 1, nl - 1))
			return true;
		if (q == a)
			a = memchr(a + 1, c0, (size_t)(end - a - 1));
		else
			b = memchr(b + 1, c1, (size_t)(end - b - 1));
	}
	return false;
}

/* Path prefix match at component boundaries, as libsinsp's pmatch. */
static bool pmatch(const struct vg_strset *set, const char *s, size_t len)
{
	if (vg_strset_has(set, s, len))
		return true;
	for (size_t i = len; i-- > 0;)
		if (s[i] == '/' && vg_strset_has(set, s, i ? i : 1))
			return true;
	return false;
}

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

static bool str_cmp(const struct vg_cnode *n, const struct vg_value *v, const struct vg_cval *c)
{
	switch (n->op) {
	case VG_OP_EQ: return v->len == c->len && memcmp(v->s, c->s, c->len) == 0;
	case VG_OP_NE: return !(v->len == c->len && memcmp(v->s, c->s, c->len) == 0);
	case VG_OP_LT: return cmp_bytes(v->s, v->len, c->s, c->len) < 0;
	case VG_OP_LE: return cmp_bytes(v->s, v->len, c->s, c->len) <= 0;
	case VG_OP_GT: return cmp_bytes(v->s, v->len, c->s, c->len) > 0;
	case VG_OP_GE: return cmp_bytes(v->s, v->len, c->s, c->len) >= 0;
	case VG_OP_CONTAINS:
	case VG_OP_BCONTAINS: return vg_contains(v->s, v->len, c->s, c->len);
	case VG_OP_ICONTAINS: return icontains(v->s, v->len, c->s, c->len);
	case VG_OP_STARTSWITH:
	case VG_OP_BSTARTSWITH: return v->len >= c->len && memcmp(v->s, c->s, c->len) == 0;
	case VG_OP_ENDSWITH:
		return v->len >= c->len && memcmp(v->s + v->len - c->len, c->s, c->len) == 0;
	case VG_OP_GLOB: return fnmatch(c->s, v->s, 0) == 0;
	case VG_OP_IGLOB: return fnmatch(c->s, v->s, FNM_CASEFOLD) == 0;
	default: return false;
	}
}

static bool num_cmp(enum vg_op op, enum vg_ftype t, uint64_t a, uint64_t b)
{
	int c;

	if (t == VG_FT_S64)
		c = ((int64_t)a > (int64_t)b) - ((int64_t)a < (int64_t)b);
	else
		c = (a > b) - (a < b);
	switch (op) {
	case VG_OP_EQ:
	case VG_OP_IN:
	case VG_OP_INTERSECTS: return c == 0;
	case VG_OP_NE: return c != 0;
	case VG_OP_LT: return c < 0;
	case VG_OP_LE: return c <= 0;
	case VG_OP_GT: return c > 0;
	case VG_OP_GE: return c >= 0;
	default: return false;
	}
}

static bool dbl_cmp(enum vg_op op, double a, double b)
{
	switch (op) {
	case VG_OP_EQ:
	case VG_OP_IN:
	case VG_OP_INTERSECTS: return a == b;
	case VG_OP_NE: return a != b;
	case VG_OP_LT: return a < b;
	case VG_OP_LE: return a <= b;
	case VG_OP_GT: return a > b;
	case VG_OP_GE: return a >= b;
	default: return false;
	}
}

/* Address v (4 or 16 bytes in ip, length in len) inside network c. */
static bool ip_in(const struct vg_value *v, const struct vg_cval *c)
{
	unsigned full, rest;

	if (v->len != c->iplen)
		return false;
	full = c->prefix / 8;
	rest = c->prefix % 8;
	if (memcmp(v->ip, c->ip, full) != 0)
		return false;
	return !rest || ((v->ip[full] ^ c->ip[full]) & (0xff << (8 - rest))) == 0;
}

static bool match_mod(const struct vg_cnode *n, enum vg_ftype t, const struct vg_value *v)
{
	bool all = n->mod == VG_MOD_ALLOF;

	for (size_t i = 0; i < n->nvals; i++) {
		bool m = vg_is_stringish(t) ? str_cmp(n, v, &n->vals[i])
					    : num_cmp(n->op, t, v->u, n->vals[i].u);

		if (m != all)
			return m;
	}
	return all && n->nvals;
}

/* One extracted value against the constant right-hand side. */
static bool match_const(const struct vg_cnode *n, enum vg_ftype t, const struct vg_value *v)
{
	bool any = false;

	if (n->mod)
		return match_mod(n, t, v);

	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES:
		if (n->op == VG_OP_IN || n->op == VG_OP_INTERSECTS)
			return vg_strset_has(&n->set, v->s, v->len);
		if (n->op == VG_OP_PMATCH)
			return pmatch(&n->set, v->s, v->len);
		if (n->op == VG_OP_REGEX)
			return pcre2_match(n->re, (PCRE2_SPTR)v->s, v->len, 0, 0, n->md, NULL) >= 0;
		return n->nvals && str_cmp(n, v, &n->vals[0]);
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		for (size_t i = 0; i < n->nvals && !any; i++)
			any = ip_in(v, &n->vals[i]);
		return n->op == VG_OP_NE ? !any : any;
	case VG_FT_DOUBLE:
		for (size_t i = 0; i < n->nvals && !any; i++)
			any = dbl_cmp(n->op, v->d, n->vals[i].d);
		return any;
	default:
		for (size_t i = 0; i < n->nvals && !any; i++)
			any = num_cmp(n->op, t, v->u, n->vals[i].u);
		return any;
	}
}

/* One extracted value against a value computed at run time (val(), transformers). */
static bool match_dyn(const struct vg_cnode *n, enum vg_ftype t, const struct vg_value *v,
		      const struct vg_value *w)
{
	struct vg_cval c = {.s = w->s, .len = w->len, .u = w->u, .d = w->d};

	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES:
		if (n->op == VG_OP_GLOB || n->op == VG_OP_IGLOB || n->op == VG_OP_ICONTAINS) {
			/* the pattern must be NUL-terminated (it is) and lowered for icontains */
			if (n->op == VG_OP_ICONTAINS) {
				for (size_t i = 0; i + w->len <= v->len; i++)
					if (strncasecmp(v->s + i, w->s, w->len) == 0)
						return true;
				return false;
			}
		}
		return str_cmp(n, v, &c);
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		memcpy(c.ip, w->ip, sizeof(c.ip));
		c.iplen = (uint8_t)w->len;
		c.prefix = (uint8_t)(w->len * 8);
		return n->op == VG_OP_NE ? !ip_in(v, &c) : ip_in(v, &c);
	case VG_FT_DOUBLE: return dbl_cmp(n->op, v->d, w->d);
	default: return num_cmp(n->op, t, v->u, w->u);
	}
}

/* Value i of v against the constant right-hand side; slot (or NULL) keeps v's hashes. */
static bool match_value(struct vg_ruleset *rs, const struct vg_cnode *n, struct vg_fslot *slot,
			const struct vg_value *v, uint32_t i)
{
	if (!n->mod && (n->op == VG_OP_IN || n->op == VG_OP_INTERSECTS) &&
	    vg_is_stringish(n->ltype))
		return n->set.n &&
		       vg_strset_has_hash(&n->set, v[i].s, v[i].len, value_hash(rs, slot, v, i));
	return match_const(n, n->ltype, &v[i]);
}

/*
 * The values against the check's constants, by the branch the compiler
 * chose (enum vg_fast); VG_FAST_ANY is the general path.
 */
static bool match_any_value(struct vg_ruleset *rs, const struct vg_cnode *n, struct vg_fslot *slot,
			    const struct vg_value *v, uint32_t cnt)
{
	const struct vg_cval *c = &n->vals[0];

	switch (n->fast) {
	case VG_FAST_SET:
		for (uint32_t i = 0; i < cnt && n->set.n; i++)
			if (vg_strset_has_hash(&n->set, v[i].s, v[i].len,
					       value_hash(rs, slot, v, i)))
				return true;
		return false;
	case VG_FAST_EQ:
		for (uint32_t i = 0; i < cnt; i++)
			if (v[i].len == c->len && memcmp(v[i].s, c->s, c->len) == 0)
				return true;
		return false;
	case VG_FAST_PREFIX:
		for (uint32_t i = 0; i < cnt; i++)
			if (v[i].len >= c->len && memcmp(v[i].s, c->s, c->len) == 0)
				return true;
		return false;
	case VG_FAST_SUFFIX:
		for (uint32_t i = 0; i < cnt; i++)
			if (v[i].len >= c->len &&
			    memcmp(v[i].s + v[i].len - c->len, c->s, c->len) == 0)
				return true;
		return false;
	case VG_FAST_CONTAINS:
		for (uint32_t i = 0; i < cnt; i++)
			if (vg_contains(v[i].s, v[i].len, c->s, c->len))
				return true;
		return false;
	case VG_FAST_NUM_EQ:
		for (uint32_t i = 0; i < cnt; i++)
			for (size_t k = 0; k < n->nvals; k++)
				if (v[i].u == n->vals[k].u)
					return true;
		return false;
	case VG_FAST_ICONTAINS:
		for (uint32_t i = 0; i < cnt; i++)
			if (icontains(v[i].s, v[i].len, c->s, c->len))
				return true;
		return false;
	case VG_FAST_ANYOF_PREFIX:
		for (uint32_t i = 0; i < cnt; i++)
			for (size_t k = 0; k < n->nvals; k++)
				if (v[i].len >= n->vals[k].len &&
				    memcmp(v[i].s, n->vals[k].s, n->vals[k].len) == 0)
					return true;
		return false;
	case VG_FAST_ANYOF_CONTAINS:
		for (uint32_t i = 0; i < cnt; i++)
			for (size_t k = 0; k < n->nvals; k++)
				if (vg_contains(v[i].s, v[i].len, n->vals[k].s, n->vals[k].len))
					return true;
		return false;
	case VG_FAST_ANYOF_ICONTAINS:
		for (uint32_t i = 0; i < cnt; i++)
			for (size_t k = 0; k < n->nvals; k++)
				if (icontains(v[i].s, v[i].len, n->vals[k].s, n->vals[k].len))
					return true;
		return false;
	default:
		for (uint32_t i = 0; i < cnt; i++)
			if (match_value(rs, n, slot, v, i))
				return true;
		return false;
	}
}

/* Whether the check reads nothing but a field already extracted for this event. */
static bool check_is_cached(const struct vg_ruleset *rs, const struct vg_cnode *n)
{
	return !n->rhs && n->lslot < rs->compiled.nslots &&
	       rs->ev.slots[n->lslot].gen == rs->ev.fgen;
}

/* The general path of eval_check: extraction, transformers, val(), modifiers. */
static __attribute__((noinline)) bool eval_check_slow(struct vg_ruleset *rs,
						      const struct vg_cnode *n,
						      const struct vg_eval_ctx *ctx)
{
	size_t half = rs->compiled.npool / 2;
	struct vg_fslot *slot = NULL;
	const struct vg_value *v;
	const struct vg_xval *x, *y;
	uint32_t cnt;

	/* the arenas only matter to a check that extracts or transforms: most read the cache */
	if (!check_is_cached(rs, n))
		vg_eval_check_start(rs);
	if (n->lslot < rs->compiled.nslots) {
		slot = field_slot(rs, n->lslot, n->lhs, ctx);
		v = rs->ev.fvals + slot->off;
		cnt = slot->n;
	} else {
		x = vg_cexpr_values(rs, n->lhs, ctx, &rs->ev.pool[0], 0);
		v = x->v;
		cnt = x->n;
	}
	if (n->op == VG_OP_EXISTS)
		return cnt > 0;
	if (!cnt)
		return false;
	if (n->rhs) {
		y = vg_cexpr_values(rs, n->rhs, ctx, &rs->ev.pool[half], half);
		if (!y->n)
			return false;
		for (uint32_t i = 0; i < cnt; i++)
			if (match_dyn(n, n->ltype, &v[i], &y->v[0]))
				return true;
		return false;
	}
	if (n->op == VG_OP_IN && n->lall) {
		/* a list field is "in" a set when all its values are */
		for (uint32_t i = 0; i < cnt; i++)
			if (!match_value(rs, n, slot, v, i))
				return false;
		return true;
	}
	return match_any_value(rs, n, slot, v, cnt);
}

/*
 * Most checks an event reaches read a field some earlier check extracted
 * and compare it with constants by a branch the compiler chose: that path
 * here, the rest in eval_check_slow.
 */
static bool eval_check(struct vg_ruleset *rs, const struct vg_cnode *n,
		       const struct vg_eval_ctx *ctx)
{
	struct vg_fslot *slot;

	if (n->fast == VG_FAST_ANY || n->lslot >= rs->compiled.nslots)
		return eval_check_slow(rs, n, ctx);
	slot = &rs->ev.slots[n->lslot];
	if (slot->gen != rs->ev.fgen)
		return eval_check_slow(rs, n, ctx);
	return slot->n && match_any_value(rs, n, slot, rs->ev.fvals + slot->off, slot->n);
}

static bool run(struct vg_ruleset *rs, uint32_t i, const struct vg_eval_ctx *ctx, uint16_t type);

/*
 * Insn i's value: from its memo when an earlier rule of this event computed
 * it, a leaf (check, evt.type test) right here, and/or/not through run().
 * Most insns an event reaches are leaves or memo hits, so they cost no
 * call of their own.
 */
static inline bool value(struct vg_ruleset *rs, uint32_t i, const struct vg_eval_ctx *ctx,
			 uint16_t type)
{
	const struct vg_insn *in = &rs->compiled.prog[i];
	uint64_t *memo = NULL;
	bool v;

	if (in->memo) {
		memo = &rs->ev.memos[in->memo];
		if (*memo >> 1 == rs->ev.mgen)
			return *memo & 1;
	}
	switch (in->kind) {
	case VG_INSN_TRUE: v = true; break;
	case CN_EVTTYPE: v = vg_evtset_has(&in->n->evts, type) != in->negate; break;
	case CN_CHECK: v = eval_check(rs, in->n, ctx); break;
	default: v = run(rs, i, ctx, type); break;
	}
	if (memo)
		*memo = rs->ev.mgen << 1 | v;
	return v;
}

/* An and, or or not insn: its children in program order, short-circuited. */
static bool run(struct vg_ruleset *rs, uint32_t i, const struct vg_eval_ctx *ctx, uint16_t type)
{
	const struct vg_insn *in = &rs->compiled.prog[i];
	bool v = false;

	switch (in->kind) {
	case CN_AND:
		v = true;
		for (uint32_t k = i + 1; k < in->end && v; k = rs->compiled.prog[k].end)
			v = value(rs, k, ctx, type);
		break;
	case CN_OR:
		for (uint32_t k = i + 1; k < in->end && !v; k = rs->compiled.prog[k].end)
			v = value(rs, k, ctx, type);
		break;
	case CN_NOT: v = !value(rs, i + 1, ctx, type); break;
	default: break;
	}
	return v;
}

bool vg_rule_eval(struct vg_ruleset *rs, const struct vg_rule *r, const struct vg_eval_ctx *ctx)
{
	bool started, m;

	if (!rs->compiled.done || !rs->ev.pool || !r->root || !rs->compiled.prog)
		return false;
	started = vg_eval_begin(rs, ctx);
	m = value(rs, r->prog, ctx, rs->ev.cur_type);
	vg_eval_end(rs, started);
	return m;
}

size_t vg_ruleset_eval_source(struct vg_ruleset *rs, const struct vg_eval_ctx *ctx, vg_match_fn fn,
			      void *arg)
{
	size_t matches = 0;
	bool started;

	if (!rs->compiled.done || !rs->ev.pool || !ctx->src || !rs->compiled.prog)
		return 0;
	started = vg_eval_begin(rs, ctx);
	rs->ev.env.evt_num++;
	/* a source has few rules and no event types to index them by: all are tried */
	for (size_t i = 0; i < rs->compiled.nrules; i++) {
		struct vg_rule *r = rs->compiled.rules[i];

		if (!r->enabled || r->seq || r->source_id != ctx->src->source ||
		    !value(rs, r->prog, ctx, 0))
			continue;
		matches++;
		if ((fn && !fn(r, ctx, arg)) || !rs->opts.match_all)
			break;
	}
	vg_eval_end(rs, started);
	return matches;
}

bool vg_prog_value(struct vg_ruleset *rs, uint32_t prog, const struct vg_eval_ctx *ctx)
{
	return value(rs, prog, ctx, rs->ev.cur_type);
}

/* One of the rule's guards is already known false for this event. */
static bool guarded_out(const struct vg_ruleset *rs, const uint32_t *guard)
{
	for (size_t k = 0; k < VG_GUARDS && guard[k]; k++) {
		uint64_t m = rs->ev.memos[guard[k]];

		if (m >> 1 == rs->ev.mgen && !(m & 1))
			return true;
	}
	return false;
}

/*
 * The rules of the type the event may match, as bits in by_type order, or
 * NULL for all: those no key decides, and those whose key field has a
 * value in their set.
 */
static const uint64_t *candidates(struct vg_ruleset *rs, uint16_t type,
				  const struct vg_eval_ctx *ctx)
{
	const struct vg_type_keys *tk = rs->compiled.keys[type];
	uint64_t *c = rs->ev.candidates;

	if (!tk)
		return NULL;
	memcpy(c, tk->unkeyed, tk->nwords * sizeof(*c));
	for (size_t k = 0; k < tk->nkeys; k++) {
		const struct vg_rule_key *key = &tk->keys[k];
		struct vg_fslot *slot;
		const struct vg_value *v;

		if (rs->ev.slots[key->slot].gen != rs->ev.fgen)
			vg_eval_check_start(rs); /* an extraction: the arenas as for a check */
		slot = field_slot(rs, key->slot, key->field, ctx);
		v = rs->ev.fvals + slot->off;
		for (uint32_t i = 0; i < slot->n; i++) {
			if (key->number)
				vg_key_lookup(key, tk->nwords, (const char *)&v[i].u,
					      sizeof(v[i].u),
					      vg_hash((const char *)&v[i].u, sizeof(v[i].u)), c);
			else
				vg_key_lookup(
					key, tk->nwords, v[i].s, v[i].len,
					vg_key_needs_hash(key) ? value_hash(rs, slot, v, i) : 0, c);
		}
	}
	return c;
}

/* The first candidate rule at or after i (of n): the next set bit, or i itself when all run. */
static size_t next_candidate(const uint64_t *cand, size_t i, size_t n)
{
	while (cand && i < n) {
		uint64_t w = cand[i / 64] >> (i % 64);

		if (w)
			return i + (size_t)__builtin_ctzll(w);
		i = (i / 64 + 1) * 64;
	}
	return i < n ? i : n;
}

size_t vg_ruleset_eval(struct vg_ruleset *rs, const struct vg_eval_ctx *ctx, vg_match_fn fn,
		       void *arg)
{
	const uint64_t *cand;
	uint16_t type;
	size_t matches = 0, n;
	bool started, done = false;

	if (!rs->compiled.done || !rs->ev.pool || !ctx->ev || !rs->compiled.prog)
		return 0;
	started = vg_eval_begin(rs, ctx);
	type = rs->ev.cur_type;
	if (rs->compiled.nseqs && ctx->ev->type == VG_EV_EXIT)
		vg_seq_on_exit(rs, ctx); /* sequences keyed by the process end with it */
	if (!type)
		goto out;
	rs->ev.env.evt_num++;
	n = rs->compiled.nby_type[type];
	cand = candidates(rs, type, ctx);
	for (size_t i = next_candidate(cand, 0, n); i < n; i = next_candidate(cand, i + 1, n)) {
		const uint32_t *prog = rs->compiled.by_type_prog[type] + i * (VG_GUARDS + 1);
		struct vg_rule *r = rs->compiled.by_type[type][i];

		/* after the first match (rule_matching first) only sequences and thresholds run:
		   their state must see every event, whatever other rules matched it */
		if ((done && !r->seq) || guarded_out(rs, prog + 1))
			continue;
		if (r->seq) { /* a step or a threshold: the state machine decides (seq_state.c) */
			size_t m = vg_seq_on_rule(rs, r, prog[0], ctx, fn, arg);

			matches += m;
			done |= m && !rs->opts.match_all;
			continue;
		}
		if (!value(rs, prog[0], ctx, type))
			continue;
		matches++;
		if (fn && !fn(rs->compiled.by_type[type][i], ctx, arg))
			break;
		if (!rs->opts.match_all) {
			if (!rs->compiled.nseqs)
				break;
			done = true;
		}
	}
out:
	vg_eval_end(rs, started);
	return matches;
}
