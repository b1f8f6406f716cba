// SPDX-License-Identifier: Apache-2.0
/*
 * Rules with an action -> the kernel's enforcement tables.
 *
 * Each rule's compiled condition (macros inlined, lists expanded) is put in
 * disjunctive normal form. Its literals are evt.type sets, which become
 * the operations a conjunction applies to, and checks on fields the kernel
 * has at the hook, which become predicate bits backed by map entries. Any
 * other check is an error naming it: an enforcing rule must mean in the
 * kernel exactly what it means to the rule engine.
 */
#include "enforce/policy.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "enforce/kfields.h"
#include "rules/rules_internal.h"

#define MAX_CONJ_PER_RULE 1024

struct lit {
	uint16_t bit;
	bool neg;
};

struct conj {
	struct vg_evtset evts;
	struct lit *lits;
	size_t n;
};

struct dnf {
	struct conj *v;
	size_t n;
	bool overflow;
};

struct ectx {
	struct vg_enf_policy *p;
	const struct vg_rule *rule;
	FILE *err;
	int nerr;
	char **canon; /* predicate keys, by bit */
	uint8_t *pred_field;
};

static void rule_error(struct ectx *c, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rule_error(struct ectx *c, const char *code, const char *fmt, ...)
{
	int line = 0, col = 0;
	const char *file = vg_rule_file(c->rule, &line, &col);
	va_list ap;

	if (file)
		fprintf(c->err, "%s:%d:%d: ", file, line, col);
	fprintf(c->err, "error %s: rule '%s': ", code, vg_rule_name(c->rule));
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	c->nerr++;
}

static bool grow(void *pv, size_t n, size_t size)
{
	void **p = pv;
	/* capacity is the next power of two: growth is amortized without a stored cap */
	if ((n & (n - 1)) != 0 && n > 1)
		return true;
	void *q = realloc(*p, (n ? n * 2 : 1) * size);

	if (!q)
		return false;
	*p = q;
	return true;
}

/* ---- predicates and their map entries ---- */

static void set_bit(struct vg_enf_mask *m, unsigned bit)
{
	m->w[bit / 64] |= 1ull << (bit % 64);
}

static bool add_str(struct ectx *c, uint8_t field, bool prefix, const char *s, size_t len,
		    unsigned bit)
{
	struct vg_enf_policy *p = c->p;
	struct vg_enf_str_ent *e;

	if (len > VG_ENF_STR_MAX) {
		rule_error(c, "E-ENFORCE-VALUE",
			   "'%.*s...' is longer than the %d bytes the kernel compares", 40, s,
			   VG_ENF_STR_MAX);
		return false;
	}
	if (!grow(&p->strs, p->nstrs, sizeof(*p->strs)))
		return false;
	e = &p->strs[p->nstrs];
	memset(e, 0, sizeof(*e));
	e->field = field;
	e->prefix = prefix;
	e->len = len;
	if (!(e->s = strndup(s, len)))
		return false;
	set_bit(&e->mask, bit);
	p->nstrs++;
	return true;
}

static bool add_num(struct ectx *c, uint8_t field, uint64_t v, unsigned bit)
{
	struct vg_enf_policy *p = c->p;
	struct vg_enf_num_ent *e;

	if (!grow(&p->nums, p->nnums, sizeof(*p->nums)))
		return false;
	e = &p->nums[p->nnums++];
	memset(e, 0, sizeof(*e));
	e->field = field;
	e->value = v;
	set_bit(&e->mask, bit);
	return true;
}

static bool add_net(struct ectx *c, const struct vg_cval *v, bool exact, unsigned bit)
{
	struct vg_enf_policy *p = c->p;
	struct vg_enf_net_ent *e;

	if (!grow(&p->nets, p->nnets, sizeof(*p->nets)))
		return false;
	e = &p->nets[p->nnets++];
	memset(e, 0, sizeof(*e));
	if (v->iplen == 4) {
		e->addr[10] = e->addr[11] = 0xff;
		memcpy(&e->addr[12], v->ip, 4);
		e->prefixlen = 96 + (exact ? 32 : v->prefix);
	} else {
		memcpy(e->addr, v->ip, 16);
		e->prefixlen = exact ? 128 : v->prefix;
	}
	set_bit(&e->mask, bit);
	return true;
}

static bool add_cmp(struct ectx *c, uint8_t field, enum vg_op op, int64_t v, unsigned bit)
{
	struct vg_enf_policy *p = c->p;
	struct vg_enf_cmp *e;

	if (!grow(&p->cmps, p->ncmp, sizeof(*p->cmps)))
		return false;
	e = &p->cmps[p->ncmp++];
	memset(e, 0, sizeof(*e));
	e->field = field;
	e->op = op == VG_OP_LT	 ? VG_ENF_CMP_LT
		: op == VG_OP_LE ? VG_ENF_CMP_LE
		: op == VG_OP_GT ? VG_ENF_CMP_GT
				 : VG_ENF_CMP_GE;
	e->bit = bit;
	e->value = v;
	return true;
}

/* The same check twice (in one rule or two) shares one bit. */
static int pred_bit(struct ectx *c, const char *canon, uint8_t field, bool *fresh)
{
	struct vg_enf_policy *p = c->p;

	for (size_t i = 0; i < p->npreds; i++) {
		if (strcmp(c->canon[i], canon) == 0) {
			*fresh = false;
			return (int)i;
		}
	}
	if (p->npreds >= VG_ENF_PRED_MAX) {
		rule_error(c, "E-ENFORCE-LIMIT",
			   "the enforcing rules use more than %d distinct checks (values in lists "
			   "do not count: merge checks into lists)",
			   VG_ENF_PRED_MAX);
		return -1;
	}
	if (!grow(&c->canon, p->npreds, sizeof(*c->canon)) ||
	    !grow(&c->pred_field, p->npreds, sizeof(*c->pred_field)) ||
	    !(c->canon[p->npreds] = strdup(canon)))
		return -1;
	c->pred_field[p->npreds] = field;
	*fresh = true;
	return (int)p->npreds++;
}

static char *canon_of(const struct vg_cnode *n)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	fprintf(f, "%s %s %d", n->lhs->text,
		vg_op_name(vg_op_info(n->op)->negated ? vg_op_info(n->op)->positive : n->op),
		n->mod);
	for (size_t i = 0; i < n->nvals; i++) {
		fputc('\x1f', f);
		fwrite(n->vals[i].s ? n->vals[i].s : "", 1, n->vals[i].s ? n->vals[i].len : 0, f);
		fprintf(f, "\x1e%llu", (unsigned long long)n->vals[i].u);
		fwrite(n->vals[i].ip, 1, sizeof(n->vals[i].ip), f);
		fprintf(f, "/%u", n->vals[i].prefix);
	}
	fclose(f);
	return s;
}

static bool str_entries(struct ectx *c, const struct vg_cnode *n, const struct vg_kfield *kf,
			unsigned bit)
{
	for (size_t i = 0; i < n->nvals; i++) {
		const char *s = n->vals[i].s;
		size_t len = n->vals[i].len;
		bool ok = true;

		switch (vg_op_info(n->op)->kernel) {
		case VG_OPK_PREFIX: ok = add_str(c, kf->field, true, s, len, bit); break;
		case VG_OPK_DIR:
			/* pmatch: the path itself, or anything under it */
			if (len && s[len - 1] != '/')
				ok = add_str(c, kf->field, false, s, len, bit);
			if (ok && len < VG_ENF_STR_MAX) {
				char dir[VG_ENF_STR_MAX + 1];

				memcpy(dir, s, len);
				if (!len || s[len - 1] != '/')
					dir[len++] = '/';
				ok = add_str(c, kf->field, true, dir, len, bit);
			}
			break;
		default: ok = add_str(c, kf->field, false, s, len, bit);
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool lower_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/*
 * "host" is the pid namespace test (a number); an id is an exact string the
 * probe takes from the task's cgroup name, as user space does. Both kinds
 * may share one check's bit: container.id in (host, 0123456789ab).
 */
static bool container_entries(struct ectx *c, const struct vg_cnode *n, const struct vg_kfield *kf,
			      unsigned bit)
{
	bool full = kf->field == VG_ENF_F_CFULLID;
	size_t want = full ? VG_ENF_CFULLID_LEN : VG_ENF_CID_LEN;

	for (size_t i = 0; i < n->nvals; i++) {
		const char *s = n->vals[i].s ? n->vals[i].s : "";
		size_t len = n->vals[i].len;
		bool ok;

		if (len == 4 && memcmp(s, "host", 4) == 0) {
			ok = add_num(c, VG_ENF_F_CONTAINER, 0, bit);
		} else if (len == want && lower_hex(s, len)) {
			ok = add_str(c, full ? VG_ENF_F_CFULLID : VG_ENF_F_CID, false, s, len, bit);
		} else {
			rule_error(
				c, "E-ENFORCE-VALUE",
				"%s '%.*s' is neither 'host' nor a container id of %zu lowercase "
				"hex digits: the kernel knows a container by the id its runtime "
				"puts in the cgroup's name (docker-<id>.scope, crio-<id>, ...)",
				kf->name, (int)(len > 80 ? 80 : len), s, want);
			return false;
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool num_entries(struct ectx *c, const struct vg_cnode *n, const struct vg_kfield *kf,
			unsigned bit)
{
	for (size_t i = 0; i < n->nvals; i++) {
		int64_t v = (int64_t)n->vals[i].u;

		if (vg_op_info(n->op)->kernel == VG_OPK_RANGE) {
			if (!add_cmp(c, kf->field, n->op, v, bit))
				return false;
		} else if (!add_num(c, kf->field, (uint64_t)v, bit)) {
			return false;
		}
	}
	return true;
}

/* A check on a kernel field -> its predicate bit, entries made on first use. -1: error. */
static int compile_check(struct ectx *c, const struct vg_cnode *n)
{
	const struct vg_kfield *kf;
	const char *why;
	bool fresh, ok;
	char *canon;
	int bit;

	if (n->lhs->kind != CX_FIELD) {
		rule_error(c, "E-ENFORCE-FIELD",
			   "'%s' cannot be decided in the kernel: transformers are evaluated in "
			   "user space",
			   n->lhs->text);
		return -1;
	}
	if (!(kf = vg_kfield_lookup(n->lhs->ref.def->name))) {
		rule_error(c, "E-ENFORCE-FIELD",
			   "'%s' cannot be decided in the kernel; an enforcing rule may use: %s",
			   n->lhs->text, vg_kfield_names());
		return -1;
	}
	if (n->rhs) {
		rule_error(c, "E-ENFORCE-OPERATOR",
			   "'%s %s %s' compares two fields; the kernel compares with constants",
			   n->lhs->text, vg_op_name(n->op), n->rhs->text);
		return -1;
	}
	if ((why = vg_kfield_op_refusal(kf, n->op, n->mod))) {
		rule_error(c, "E-ENFORCE-OPERATOR",
			   "'%s %s ...' cannot be decided in the kernel: %s", n->lhs->text,
			   vg_op_name(n->op), why);
		return -1;
	}
	if (!(canon = canon_of(n)))
		return -1;
	bit = pred_bit(c, canon, kf->field, &fresh);
	free(canon);
	if (bit < 0 || !fresh)
		return bit;
	switch (kf->kind) {
	case VG_KF_STR: ok = str_entries(c, n, kf, (unsigned)bit); break;
	case VG_KF_CONTAINER: ok = container_entries(c, n, kf, (unsigned)bit); break;
	case VG_KF_ADDR:
	case VG_KF_NET:
		ok = true;
		for (size_t i = 0; i < n->nvals && ok; i++)
			ok = add_net(c, &n->vals[i], kf->kind == VG_KF_ADDR, (unsigned)bit);
		break;
	default: ok = num_entries(c, n, kf, (unsigned)bit);
	}
	return ok ? bit : -1;
}

/* ---- disjunctive normal form ---- */

static void dnf_free(struct dnf *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].lits);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static bool dnf_push(struct dnf *d, struct conj *k)
{
	if (d->n >= MAX_CONJ_PER_RULE) {
		d->overflow = true;
		free(k->lits);
		return false;
	}
	if (!grow(&d->v, d->n, sizeof(*d->v))) {
		free(k->lits);
		return false;
	}
	d->v[d->n++] = *k;
	return true;
}

static bool dnf_one(struct dnf *d, const struct vg_evtset *evts, const struct lit *l)
{
	struct conj k = {.evts = *evts};

	if (l) {
		if (!(k.lits = malloc(sizeof(*l))))
			return false;
		k.lits[0] = *l;
		k.n = 1;
	}
	return dnf_push(d, &k);
}

/* a AND b: every pair of conjunctions, merged. */
static bool dnf_and(struct dnf *a, const struct dnf *b)
{
	struct dnf out = {0};

	for (size_t i = 0; i < a->n; i++) {
		for (size_t j = 0; j < b->n; j++) {
			struct conj k = {.evts = a->v[i].evts, .n = a->v[i].n + b->v[j].n};

			vg_evtset_intersect(&k.evts, &b->v[j].evts);
			if (!(k.lits = malloc((k.n ? k.n : 1) * sizeof(*k.lits))))
				goto fail;
			/* a conjunction of event types alone has no literals (lits NULL) */
			if (a->v[i].n)
				memcpy(k.lits, a->v[i].lits, a->v[i].n * sizeof(*k.lits));
			if (b->v[j].n)
				memcpy(k.lits + a->v[i].n, b->v[j].lits,
				       b->v[j].n * sizeof(*k.lits));
			if (!dnf_push(&out, &k))
				goto fail;
		}
	}
	dnf_free(a);
	*a = out;
	return true;
fail:
	a->overflow |= out.overflow;
	dnf_free(&out);
	return false;
}

static bool dnf_or(struct dnf *a, struct dnf *b)
{
	for (size_t i = 0; i < b->n; i++) {
		if (!dnf_push(a, &b->v[i])) {
			for (size_t j = i + 1; j < b->n; j++)
				free(b->v[j].lits);
			b->n = 0;
			return false;
		}
	}
	b->n = 0;
	return true;
}

static bool to_dnf(struct ectx *c, const struct vg_cnode *n, bool neg, struct dnf *out);

static bool kids_dnf(struct ectx *c, const struct vg_cnode *n, bool neg, bool conjoin,
		     struct dnf *out)
{
	struct vg_evtset all;

	vg_evtset_clear(&all);
	vg_evtset_fill(&all);
	if (conjoin && !dnf_one(out, &all, NULL))
		return false;
	for (size_t i = 0; i < n->nkids; i++) {
		struct dnf k = {0};
		bool ok = to_dnf(c, n->kids[i], neg, &k);

		ok = ok && (conjoin ? dnf_and(out, &k) : dnf_or(out, &k));
		out->overflow |= k.overflow;
		dnf_free(&k);
		if (!ok)
			return false;
	}
	return true;
}

static bool to_dnf(struct ectx *c, const struct vg_cnode *n, bool neg, struct dnf *out)
{
	struct vg_evtset all;
	struct lit l;
	int bit;

	switch (n->kind) {
	case CN_AND: return kids_dnf(c, n, neg, !neg, out);
	case CN_OR: return kids_dnf(c, n, neg, neg, out);
	case CN_NOT: return to_dnf(c, n->kids[0], !neg, out);
	case CN_EVTTYPE:
		all = n->evts;
		if (n->negate != neg)
			vg_evtset_complement(&all);
		return dnf_one(out, &all, NULL);
	case CN_CHECK:
		if ((bit = compile_check(c, n)) < 0)
			return false;
		l.bit = (uint16_t)bit;
		l.neg = neg != vg_op_info(n->op)->negated;
		vg_evtset_clear(&all);
		vg_evtset_fill(&all);
		return dnf_one(out, &all, &l);
	}
	return false;
}

/* ---- conjunctions ---- */

/* The operations a conjunction's event types select; false (with an error) for others. */
static bool ops_of(struct ectx *c, const struct vg_evtset *evts, uint8_t *ops)
{
	char bad[256] = "";
	size_t nbad = 0, len = 0;

	*ops = 0;
	for (uint16_t code = 1; code < VG_EVT_COUNT; code++) {
		uint8_t op;

		if (!vg_evtset_has(evts, code))
			continue;
		if ((op = vg_kfield_op_of_evttype(vg_evttype_name(code)))) {
			*ops |= op;
			continue;
		}
		if (nbad++ < 4 && len < sizeof(bad) - 40)
			len += (size_t)snprintf(bad + len, sizeof(bad) - len, "%s%s",
						nbad > 1 ? ", " : "", vg_evttype_name(code));
	}
	if (!nbad)
		return true;
	if (vg_evtset_is_full(evts) || nbad > 100)
		rule_error(c, "E-ENFORCE-EVTTYPE",
			   "the condition does not say which operation it enforces on: write "
			   "evt.type in (execve, execveat, open, openat, openat2, creat, connect)");
	else
		rule_error(
			c, "E-ENFORCE-EVTTYPE",
			"event type%s %s%s cannot be enforced in the kernel (enforceable: execve, "
			"execveat, open, openat, openat2, creat, connect)",
			nbad > 1 ? "s" : "", bad, nbad > 4 ? ", ..." : "");
	return false;
}

static bool contradicts(const struct conj *k)
{
	for (size_t i = 0; i < k->n; i++)
		for (size_t j = i + 1; j < k->n; j++)
			if (k->lits[i].bit == k->lits[j].bit && k->lits[i].neg != k->lits[j].neg)
				return true;
	return false;
}

static bool emit_conj(struct ectx *c, const struct conj *k, uint32_t rule_index,
		      const struct vg_enf_rule *er)
{
	struct vg_enf_policy *p = c->p;
	struct vg_enf_conj *e;
	bool positive = false;

	if (!grow(&p->conjs, p->nconj, sizeof(*p->conjs)))
		return false;
	e = &p->conjs[p->nconj];
	memset(e, 0, sizeof(*e));
	if (!ops_of(c, &k->evts, &e->ops))
		return false;
	for (size_t i = 0; i < k->n; i++) {
		const struct vg_kfield *kf = vg_kfield_by_id(c->pred_field[k->lits[i].bit]);

		if (k->lits[i].neg) {
			set_bit(&e->must_not, k->lits[i].bit);
			continue;
		}
		if (!(kf->ops & e->ops)) {
			rule_error(c, "E-ENFORCE-FIELD",
				   "'%s' has no value at %s, so this part of the condition can "
				   "never match",
				   kf->name, vg_enf_op_name(e->ops & -e->ops));
			return false;
		}
		set_bit(&e->must, k->lits[i].bit);
		positive = true;
	}
	if (!positive && !vg_rule_enforce_force(c->rule)) {
		rule_error(c, "E-ENFORCE-BROAD",
			   "this rule would %s every %s not explicitly excluded; add a positive "
			   "condition (a binary, path, user, ...) or set 'force: true'",
			   vg_enf_action_name(er->action), vg_enf_op_name(e->ops & -e->ops));
		return false;
	}
	e->rule = rule_index;
	e->action = er->action;
	e->mode = er->mode;
	p->nconj++;
	return true;
}

static int effective_mode(const struct vg_rule *r, const struct vg_enf_opts *o)
{
	int m = vg_rule_enforce_mode(r);

	if (m < 0)
		m = VG_ENF_MODE_ON;
	return m < (int)o->mode ? m : (int)o->mode;
}

static bool add_rule(struct ectx *c, const struct vg_rule *r, uint8_t mode)
{
	struct vg_enf_policy *p = c->p;
	const char *action = vg_rule_action(r);
	struct vg_enf_rule *er;
	struct dnf d = {0};
	bool ok;
	size_t first = p->nconj;

	c->rule = r;
	if (!grow(&p->rules, p->nrules, sizeof(*p->rules)))
		return false;
	er = &p->rules[p->nrules];
	er->rule = r;
	er->action = strcmp(action, "kill") == 0 ? VG_ENF_ACT_KILL : VG_ENF_ACT_DENY;
	er->mode = mode;
	ok = to_dnf(c, r->root, false, &d);
	if (d.overflow)
		rule_error(c, "E-ENFORCE-LIMIT",
			   "the condition expands to more than %d alternatives in the kernel; "
			   "use lists instead of or-ed checks",
			   MAX_CONJ_PER_RULE);
	for (size_t i = 0; ok && i < d.n; i++) {
		bool empty = true;

		for (size_t w = 0; w < VG_EVT_WORDS; w++)
			empty &= d.v[i].evts.w[w] == 0;
		if (empty || contradicts(&d.v[i]))
			continue; /* can never match */
		ok = emit_conj(c, &d.v[i], (uint32_t)p->nrules, er);
	}
	dnf_free(&d);
	if (ok && p->nconj == first) {
		rule_error(c, "E-ENFORCE-NEVER", "the condition can never match");
		ok = false;
	}
	if (!ok)
		p->nconj = first;
	else
		p->nrules++;
	return ok;
}

/* ---- merging entries: one per key, prefixes carrying their ancestors' bits ---- */

static void or_mask(struct vg_enf_mask *d, const struct vg_enf_mask *s)
{
	for (int i = 0; i < VG_ENF_PRED_WORDS; i++)
		d->w[i] |= s->w[i];
}

static int str_cmp(const void *a, const void *b)
{
	const struct vg_enf_str_ent *x = a, *y = b;
	int r;

	if (x->prefix != y->prefix)
		return x->prefix - y->prefix;
	if (x->field != y->field)
		return x->field - y->field;
	r = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	return r ? r : (x->len > y->len) - (x->len < y->len);
}

static bool str_is_prefix(const struct vg_enf_str_ent *a, const struct vg_enf_str_ent *b)
{
	return a->field == b->field && a->len <= b->len && memcmp(a->s, b->s, a->len) == 0;
}

static void merge_strs(struct vg_enf_policy *p)
{
	struct vg_enf_str_ent **stack;
	size_t n = 0, depth = 0;

	if (p->nstrs)
		qsort(p->strs, p->nstrs, sizeof(*p->strs), str_cmp);
	for (size_t i = 0; i < p->nstrs; i++) {
		if (n && str_cmp(&p->strs[n - 1], &p->strs[i]) == 0) {
			or_mask(&p->strs[n - 1].mask, &p->strs[i].mask);
			free(p->strs[i].s);
			continue;
		}
		p->strs[n++] = p->strs[i];
	}
	p->nstrs = n;
	/* sorted, a prefix comes right before what it prefixes: a stack finds the ancestors */
	if (!(stack = calloc(n ? n : 1, sizeof(*stack))))
		return;
	for (size_t i = 0; i < n; i++) {
		struct vg_enf_str_ent *e = &p->strs[i];

		if (!e->prefix)
			continue;
		while (depth && !str_is_prefix(stack[depth - 1], e))
			depth--;
		if (depth)
			or_mask(&e->mask, &stack[depth - 1]->mask);
		stack[depth++] = e;
	}
	free(stack);
}

static int num_cmp(const void *a, const void *b)
{
	const struct vg_enf_num_ent *x = a, *y = b;

	if (x->field != y->field)
		return x->field - y->field;
	return (x->value > y->value) - (x->value < y->value);
}

static void merge_nums(struct vg_enf_policy *p)
{
	size_t n = 0;

	if (p->nnums)
		qsort(p->nums, p->nnums, sizeof(*p->nums), num_cmp);
	for (size_t i = 0; i < p->nnums; i++) {
		if (n && num_cmp(&p->nums[n - 1], &p->nums[i]) == 0)
			or_mask(&p->nums[n - 1].mask, &p->nums[i].mask);
		else
			p->nums[n++] = p->nums[i];
	}
	p->nnums = n;
}

static bool net_contains(const struct vg_enf_net_ent *net, const uint8_t *addr)
{
	unsigned full = net->prefixlen / 8, rest = net->prefixlen % 8;

	if (memcmp(net->addr, addr, full) != 0)
		return false;
	return !rest || ((net->addr[full] ^ addr[full]) & (0xff00 >> rest)) == 0;
}

static int net_cmp(const void *a, const void *b)
{
	const struct vg_enf_net_ent *x = a, *y = b;
	int r = memcmp(x->addr, y->addr, 16);

	return r ? r : x->prefixlen - y->prefixlen;
}

static void merge_nets(struct vg_enf_policy *p)
{
	struct vg_enf_net_ent **stack;
	size_t n = 0, depth = 0;

	/* host bits off, so that sorting puts a network before its subnets */
	for (size_t i = 0; i < p->nnets; i++) {
		struct vg_enf_net_ent *e = &p->nets[i];

		for (unsigned b = e->prefixlen; b < 128; b++)
			e->addr[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
	}
	if (p->nnets)
		qsort(p->nets, p->nnets, sizeof(*p->nets), net_cmp);
	for (size_t i = 0; i < p->nnets; i++) {
		if (n && net_cmp(&p->nets[n - 1], &p->nets[i]) == 0)
			or_mask(&p->nets[n - 1].mask, &p->nets[i].mask);
		else
			p->nets[n++] = p->nets[i];
	}
	p->nnets = n;
	if (!(stack = calloc(n ? n : 1, sizeof(*stack))))
		return;
	for (size_t i = 0; i < n; i++) {
		while (depth && !net_contains(stack[depth - 1], p->nets[i].addr))
			depth--;
		if (depth)
			or_mask(&p->nets[i].mask, &stack[depth - 1]->mask);
		stack[depth++] = &p->nets[i];
	}
	free(stack);
}

/* ---- matching in user space: what the kernel does, for checks and tests ---- */

static void subject_bits(const struct vg_enf_policy *p, const struct vg_enf_subject *s,
			 struct vg_enf_mask *bits)
{
	memset(bits, 0, sizeof(*bits));
	for (size_t i = 0; i < p->nstrs; i++) {
		const struct vg_enf_str_ent *e = &p->strs[i];
		const char *v = e->field < VG_ENF_F__STR ? s->str[e->field] : NULL;

		if (!v || !*v)
			continue;
		if (e->prefix ? strncmp(v, e->s, e->len) == 0
			      : strlen(v) == e->len && memcmp(v, e->s, e->len) == 0)
			or_mask(bits, &e->mask);
	}
	for (size_t i = 0; i < p->nnums; i++) {
		unsigned f = p->nums[i].field - VG_ENF_F__STR;

		if (f < VG_ENF_F__NUM - VG_ENF_F__STR && s->has_num[f] &&
		    s->num[f] == p->nums[i].value)
			or_mask(bits, &p->nums[i].mask);
	}
	for (size_t i = 0; i < p->ncmp; i++) {
		const struct vg_enf_cmp *c = &p->cmps[i];
		unsigned f = c->field - VG_ENF_F__STR;
		int64_t v;
		bool hit;

		if (f >= VG_ENF_F__NUM - VG_ENF_F__STR || !s->has_num[f])
			continue;
		v = (int64_t)s->num[f];
		hit = c->op == VG_ENF_CMP_LT   ? v < c->value
		      : c->op == VG_ENF_CMP_LE ? v <= c->value
		      : c->op == VG_ENF_CMP_GT ? v > c->value
					       : v >= c->value;
		if (hit)
			set_bit(bits, c->bit);
	}
	/* the longest matching network carries the bits of the shorter ones */
	if (s->has_addr) {
		const struct vg_enf_net_ent *best = NULL;

		for (size_t j = 0; j < p->nnets; j++)
			if (net_contains(&p->nets[j], s->addr) &&
			    (!best || p->nets[j].prefixlen > best->prefixlen))
				best = &p->nets[j];
		if (best)
			or_mask(bits, &best->mask);
	}
}

const struct vg_enf_conj *vg_enf_policy_match(const struct vg_enf_policy *p,
					      const struct vg_enf_subject *s)
{
	struct vg_enf_mask bits;

	subject_bits(p, s, &bits);
	for (size_t i = 0; i < p->nconj; i++) {
		const struct vg_enf_conj *c = &p->conjs[i];
		bool ok = c->ops & s->op;

		for (int w = 0; ok && w < VG_ENF_PRED_WORDS; w++)
			ok = (bits.w[w] & c->must.w[w]) == c->must.w[w] &&
			     !(bits.w[w] & c->must_not.w[w]);
		if (ok)
			return c;
	}
	return NULL;
}

/* ---- the policy ---- */

/* An exec of path by root on the host, with nothing else known. */
static void exec_subject(struct vg_enf_subject *s, const char *path, char comm[16])
{
	const char *slash = strrchr(path, '/');

	memset(s, 0, sizeof(*s));
	snprintf(comm, 16, "%s", slash ? slash + 1 : path);
	s->op = VG_ENF_OP_EXEC;
	s->str[VG_ENF_F_EXE] = path;
	s->str[VG_ENF_F_COMM] = comm;
	s->has_num[VG_ENF_F_UID - VG_ENF_F__STR] = true;
	s->has_num[VG_ENF_F_CONTAINER - VG_ENF_F__STR] = true;
}

/* A rule must not deny the exec of vigil's own binary or the host's init, unless forced. */
static void check_protected(struct ectx *c, const struct vg_enf_opts *o)
{
	char comm[16];
	const char *protected[] = {o->self_exe, o->init_exe};
	struct vg_enf_policy *p = c->p;

	for (size_t i = 0; i < 2; i++) {
		struct vg_enf_subject s;
		const struct vg_enf_conj *hit;

		if (!protected[i])
			continue;
		exec_subject(&s, protected[i], comm);
		hit = vg_enf_policy_match(p, &s);
		if (!hit || vg_rule_enforce_force(p->rules[hit->rule].rule))
			continue;
		c->rule = p->rules[hit->rule].rule;
		rule_error(c, "E-ENFORCE-PROTECTED",
			   "this rule would %s the exec of %s (%s); narrow it or set 'force: true'",
			   vg_enf_action_name(hit->action), protected[i],
			   i == 0 ? "vigil itself" : "the host's init");
	}
}

static int conj_order(const void *a, const void *b)
{
	const struct vg_enf_conj *x = a, *y = b;

	if (x->mode != y->mode)
		return y->mode - x->mode; /* on before audit */
	return (x->rule > y->rule) - (x->rule < y->rule);
}

static void fill_conf(struct vg_enf_policy *p, const struct vg_enf_opts *o)
{
	struct vg_enf_conf *k = &p->conf;

	memset(k, 0, sizeof(*k));
	k->nconj = (uint32_t)p->nconj;
	k->ncmp = (uint32_t)p->ncmp;
	k->net = p->nnets > 0;
	k->self_protect = o->self_protect;
	for (size_t i = 0; i < p->nstrs; i++)
		*(p->strs[i].prefix ? &k->prefix_fields : &k->str_fields) |= 1u << p->strs[i].field;
	for (size_t i = 0; i < p->nnums; i++)
		k->num_fields |= 1u << p->nums[i].field;
	for (size_t i = 0; i < p->nconj; i++)
		k->ops |= p->conjs[i].ops;
}

int vg_enf_policy_build(const struct vg_ruleset *rs, const struct vg_enf_opts *opts,
			struct vg_enf_policy **out, FILE *err)
{
	struct ectx c = {.err = err};
	size_t n = vg_ruleset_rule_count(rs);

	*out = NULL;
	if (!(c.p = calloc(1, sizeof(*c.p))))
		return 1;
	for (size_t i = 0; i < n; i++) {
		const struct vg_rule *r = vg_ruleset_rule(rs, i);
		int mode;

		if (!vg_rule_action(r) || !vg_rule_enabled(r) || !r->root)
			continue;
		if ((mode = effective_mode(r, opts)) == VG_ENF_MODE_OFF)
			continue;
		if (!add_rule(&c, r, (uint8_t)mode) && !c.nerr)
			c.nerr++; /* out of memory */
	}
	merge_strs(c.p);
	merge_nums(c.p);
	merge_nets(c.p);
	if (c.p->nconj)
		qsort(c.p->conjs, c.p->nconj, sizeof(*c.p->conjs), conj_order);
	if (!c.nerr)
		check_protected(&c, opts);
	fill_conf(c.p, opts);
	for (size_t i = 0; i < c.p->npreds; i++)
		free(c.canon[i]);
	free(c.canon);
	free(c.pred_field);
	if (c.nerr) {
		vg_enf_policy_free(c.p);
		return c.nerr;
	}
	*out = c.p;
	return 0;
}

void vg_enf_policy_free(struct vg_enf_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nstrs; i++)
		free(p->strs[i].s);
	free(p->strs);
	free(p->nums);
	free(p->nets);
	free(p->cmps);
	free(p->conjs);
	free(p->rules);
	free(p);
}

/* The binary behind a /proc link, into buf; NULL when unreadable. */
static const char *link_target(const char *link, char *buf, size_t len)
{
	ssize_t n = readlink(link, buf, len - 1);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

int vg_enf_policy_build_host(const struct vg_ruleset *rs, enum vg_enf_mode mode, bool self_protect,
			     struct vg_enf_policy **out, FILE *err)
{
	char self[PATH_MAX], init[PATH_MAX];
	struct vg_enf_opts o = {
		.mode = mode,
		.self_protect = self_protect,
		.self_exe = link_target("/proc/self/exe", self, sizeof(self)),
		.init_exe = link_target("/proc/1/exe", init, sizeof(init)),
	};

	return vg_enf_policy_build(rs, &o, out, err);
}

int vg_enf_mode_parse(const char *s)
{
	for (unsigned m = 0; m < 3; m++)
		if (strcmp(s, vg_enf_mode_name(m)) == 0)
			return (int)m;
	return -1;
}
