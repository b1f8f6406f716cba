// SPDX-License-Identifier: Apache-2.0
/*
 * Compiles sequence and threshold rules (seq.h). Every step becomes an
 * ordinary compiled rule, so it is indexed by event type and rule keys like
 * any other and an event no step can use costs nothing more. The last
 * positive step is the rule the user named: it carries the output,
 * exceptions, tags, priority and action, and raises the alert. References
 * to other steps ("download.fd.name", in val() or the output) and to
 * threshold.count/values compile to CX_CAPTURE expressions that read the
 * match being evaluated or reported.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/rules_internal.h"
#include "rules/parser.h"
#include "rules/seq.h"

#define CAP_COUNT  (UINT32_MAX - 1)
#define CAP_VALUES (UINT32_MAX - 2)

struct vg_rule *vg_compile_rule_item(struct vg_ruleset *rs, struct vg_rule_item *it);

bool vg_rule_stateful(const struct vg_rule *r)
{
	return r->seq != NULL;
}

bool vg_rule_seq_hidden(const struct vg_rule *r)
{
	return r->seq && r->seq->owner != r;
}

size_t vg_ruleset_visible_count(const struct vg_ruleset *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->compiled.nrules; i++)
		n += !vg_rule_seq_hidden(rs->compiled.rules[i]);
	return n;
}

bool vg_rule_seq_info(const struct vg_rule *r, struct vg_seq_info *out)
{
	const struct vg_seq *s = r->seq;

	if (!s || s->owner != r)
		return false;
	memset(out, 0, sizeof(*out));
	out->kind = s->kind;
	out->within_ns = s->within_ns;
	out->by = s->by.text ? s->by.text : "";
	out->count = s->count;
	out->distinct = s->distinct_text;
	out->until_exit = s->until_exit;
	out->action = s->kill ? "kill" : NULL;
	for (size_t i = 0; s->kind == VG_SEQ_SEQUENCE && i < s->nsteps; i++) {
		struct vg_seq_info_step *o = &out->steps[out->nsteps++];

		o->name = s->steps[i].name;
		o->negative = s->steps[i].negative;
		o->key = s->steps[i].key.text ? s->steps[i].key.text : "";
		o->condition = s->steps[i].rule ? vg_rule_condition(s->steps[i].rule) : "";
		o->rule = s->steps[i].rule;
	}
	return true;
}

size_t vg_seq_extra_rules(const struct vg_ruleset *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->items.nritems; i++)
		if (rs->items.ritems[i].seq && rs->items.ritems[i].seq->kind == VG_SEQ_SEQUENCE)
			n += rs->items.ritems[i].seq->nsteps - 1;
	return n;
}

static void key_free(struct vg_seq_key *k)
{
	for (size_t i = 0; i < k->n; i++)
		vg_cexpr_free(k->ex[i]);
	free(k->text);
	memset(k, 0, sizeof(*k));
}

void vg_seq_free(struct vg_seq *s)
{
	if (!s)
		return;
	key_free(&s->by);
	vg_cexpr_free(s->distinct);
	free(s->distinct_text);
	for (size_t i = 0; i < s->nsteps; i++) {
		free(s->steps[i].name);
		key_free(&s->steps[i].key);
	}
	for (size_t i = 0; i < s->ncaps; i++) {
		free(s->caps[i].name);
		free(s->caps[i].field);
		vg_cexpr_free(s->caps[i].ex);
	}
	vg_seq_table_free(s->tab);
	free(s);
}

static void text_diag(struct vg_ruleset *rs, const struct vg_seq_text *t, const char *rule,
		      const char *code, const char *msg)
{
	const char *file = NULL;
	int line = 0, col = 0;
	char item[300];

	if (t->loc)
		vg_scalar_linecol(t->loc, &file, &line, &col);
	snprintf(item, sizeof(item), "rule:%s", rule);
	vg_diag_add(&rs->diags, VG_DIAG_ERROR, code, file, line, col, item, "%s", msg);
}

/* A field expression written as YAML text ("fd.rport", "tolower(proc.name)"). */
static struct vg_cexpr *compile_text(struct vg_ruleset *rs, const struct vg_seq_text *t,
				     const char *rule, const char *what)
{
	struct vg_cond_src src = {.item = rule, .text = NULL};
	struct vg_parse_error perr;
	const char *code = "E-SEQ-KEY";
	char err[300], msg[400], *text;
	struct vg_ast *ast;
	struct vg_cexpr *e = NULL;

	if (asprintf(&text, "%s exists", t->s) < 0)
		return NULL;
	src.text = text;
	src.len = strlen(text);
	ast = vg_parse_condition(text, src.len, &src, VG_PARSE_MAX_DEPTH, &perr);
	if (!ast || ast->kind != VG_AST_CHECK) {
		snprintf(msg, sizeof(msg), "%s '%s' is not a field expression", what, t->s);
		text_diag(rs, t, rule, code, msg);
		goto out;
	}
	e = vg_compile_opnd(rs, ast->lhs, &code, err, sizeof(err), NULL);
	if (!e) {
		snprintf(msg, sizeof(msg), "%s: %s", what, err);
		text_diag(rs, t, rule, code, msg);
	}
out:
	vg_ast_free(ast);
	free(text);
	return e;
}

/*
 * A key field of the fd class where the step can only match events that
 * have no file descriptor (process start and end): the key would always be
 * missing and the step never take part, which is a mistake worth naming.
 */
static bool key_possible(const struct vg_evtset *evts, const char *field)
{
	static const char *const nofd[] = {"execve", "execveat", "clone",    "clone3",
					   "fork",   "vfork",	 "procexit", NULL};
	struct vg_evtset rest = *evts, lifecycle;

	if (strncmp(field, "fd.", 3) != 0 || vg_evtset_is_full(evts) || !vg_evtset_count(evts))
		return true;
	vg_evtset_clear(&lifecycle);
	for (size_t i = 0; nofd[i]; i++) {
		uint16_t c = vg_evttype_code(nofd[i], strlen(nofd[i]));

		if (c)
			vg_evtset_add(&lifecycle, c);
	}
	vg_evtset_complement(&lifecycle);
	vg_evtset_intersect(&rest, &lifecycle);
	return vg_evtset_count(&rest) > 0;
}

static bool compile_key(struct vg_ruleset *rs, const struct vg_seq_text *v, size_t n,
			const char *rule, const struct vg_evtset *evts, struct vg_seq_key *k)
{
	struct vg_sb b;

	k->kind = n ? VG_KEY_FIELDS : VG_KEY_GLOBAL;
	vg_sb_init(&b);
	for (size_t i = 0; i < n; i++) {
		/* alone, proc.pid is the process (pid and start time: pid reuse differs);
		   in a composite key, the field's value */
		bool proc = n == 1 && strcmp(v[i].s, "proc.pid") == 0;
		bool lin = strcmp(v[i].s, "proc.lineage") == 0;

		vg_sb_puts(&b, i ? "," : "");
		vg_sb_puts(&b, v[i].s);
		if (lin && n > 1) {
			text_diag(rs, &v[i], rule, "E-SEQ-KEY",
				  "proc.lineage is a key on its own, not in a list");
			goto fail;
		}
		if (proc || lin) {
			k->kind = proc ? VG_KEY_PROC : VG_KEY_LINEAGE;
			continue;
		}
		if (!(k->ex[k->n] = compile_text(rs, &v[i], rule, "key")))
			goto fail;
		k->n++; /* freed with the key from here */
		if (!key_possible(evts, v[i].s)) {
			text_diag(
				rs, &v[i], rule, "E-SEQ-KEY",
				"key field cannot exist for the step's event types (process start "
				"and exit carry no file descriptor)");
			goto fail;
		}
	}
	k->text = vg_sb_take(&b);
	return k->text != NULL;
fail:
	vg_sb_free(&b);
	return false;
}

static bool key_names_container(const struct vg_seq_key *k)
{
	return k->text && strstr(k->text, "container.") != NULL;
}

/* The synthetic rule item of step i: its condition, and for the last, the rule's own keys. */
static struct vg_rule_item step_item(const struct vg_rule_item *it,
				     const struct vg_seq_step_src *st, bool last, char *name)
{
	struct vg_rule_item v = *it;

	v.name = name;
	v.cond = st->cond.s;
	memset(&v.cmap, 0, sizeof(v.cmap));
	vg_textmap_add(&v.cmap, 0, st->cond.loc);
	v.seq = NULL;
	/* the action is the state machine's (seq.h): no kernel matcher may act on a step */
	v.action = NULL;
	v.enforce_mode = -1;
	if (!last) {
		v.output = "";
		v.exc = NULL;
		v.nexc = 0;
		v.warn_evttypes = false;
	}
	return v;
}

/* Names, ranks and captures first: every step's condition may name the steps before it. */
static bool declare_steps(struct vg_ruleset *rs, struct vg_seq *s, const struct vg_seq_item *si,
			  const char *rule)
{
	uint8_t pos = 0;

	for (size_t i = 0; i < si->nsteps; i++) {
		const struct vg_seq_step_src *st = &si->steps[i];
		struct vg_seq_cstep *cs = &s->steps[i];

		s->nsteps = i + 1; /* from here, vg_seq_free frees it */
		cs->negative = st->negative;
		cs->name = strdup(st->name ? st->name : "not");
		if (!cs->name)
			return false;
		if (st->negative)
			cs->before = pos;
		else
			cs->pos = pos++;
		for (size_t k = 0; k < st->ncaps; k++) {
			struct vg_seq_cap *c = &s->caps[s->ncaps];

			c->step = (uint8_t)i;
			if (asprintf(&c->name, "%s.%s", st->name, st->caps[k].s) < 0) {
				c->name = NULL;
				return false;
			}
			s->ncaps++;
			c->field = strdup(st->caps[k].s);
			if (!c->field || !(c->ex = compile_text(rs, &st->caps[k], rule, "capture")))
				return false;
			c->type = c->ex->type;
		}
	}
	s->npos = pos;
	return true;
}

static void free_rules(struct vg_rule **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vg_rule_free(v[i]);
}

static bool compile_sequence(struct vg_ruleset *rs, struct vg_rule_item *it, struct vg_seq *s)
{
	const struct vg_seq_item *si = it->seq;
	struct vg_rule *rules[VG_SEQ_MAX_STEPS] = {0};
	struct vg_seq_cctx cc = {.seq = s};
	size_t n = 0;

	if (!declare_steps(rs, s, si, it->name))
		goto fail;
	for (size_t i = 0; i < si->nsteps; i++) {
		const struct vg_seq_step_src *st = &si->steps[i];
		bool last = i + 1 == si->nsteps;
		char *name = NULL;
		struct vg_rule_item v;

		if (!last && asprintf(&name, "%s/%s", it->name, s->steps[i].name) < 0)
			goto fail;
		v = step_item(it, st, last, last ? it->name : name);
		cc.step = (int)i;
		rs->seqc = &cc;
		rules[n] = vg_compile_rule_item(rs, &v);
		rs->seqc = NULL;
		vg_textmap_free(&v.cmap);
		free(name);
		if (!rules[n])
			goto fail;
		rules[n]->seq = s;
		rules[n]->seq_step = (int)i;
		s->steps[i].rule = rules[n++];
		if (!compile_key(rs, st->nkey ? st->key : si->by, st->nkey ? st->nkey : si->nby,
				 it->name, &rules[n - 1]->evts, &s->steps[i].key))
			goto fail;
	}
	s->owner = rules[n - 1];
	s->owner->seq_owns = true;
	/*
	 * Last step first: an event advances the partial matches that wait for it
	 * before it may start a new one ("A then A" completes on the second A).
	 */
	for (size_t i = n; i-- > 0;) {
		rules[i]->order = (uint32_t)rs->compiled.nrules;
		rs->compiled.rules[rs->compiled.nrules++] = rules[i];
	}
	return true;
fail:
	free_rules(rules, n);
	return false;
}

static bool compile_threshold(struct vg_ruleset *rs, struct vg_rule_item *it, struct vg_seq *s)
{
	const struct vg_seq_item *si = it->seq;
	struct vg_seq_cctx cc = {.seq = s, .step = -1, .output = true};
	struct vg_rule *r;

	rs->seqc = &cc;
	r = vg_compile_rule_item(rs, it);
	rs->seqc = NULL;
	if (!r)
		return false;
	if (!compile_key(rs, si->by, si->nby, it->name, &r->evts, &s->by) ||
	    (si->distinct.s && !key_possible(&r->evts, si->distinct.s) &&
	     (text_diag(rs, &si->distinct, it->name, "E-THRESHOLD",
			"'distinct' field cannot exist for the rule's event types (process start "
			"and exit carry no file descriptor)"),
	      true)) ||
	    (si->distinct.s &&
	     !(s->distinct = compile_text(rs, &si->distinct, it->name, "distinct")))) {
		vg_rule_free(r);
		return false;
	}
	r->seq = s;
	r->seq_step = -1;
	r->seq_owns = true;
	s->owner = r;
	r->order = (uint32_t)rs->compiled.nrules;
	rs->compiled.rules[rs->compiled.nrules++] = r;
	return true;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

/*
 * Everything the state of a sequence depends on: a reload carries a table
 * only to the same definition, so that an entry means what it meant (its
 * step ranks, captures and key hashes). Conditions are the compiled text,
 * macros inlined: a changed macro changes the rule.
 */
static uint64_t def_hash(const struct vg_seq *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint64_t num[6] = {s->kind,	  s->within_ns, s->count,
			   s->until_exit, s->kill,	(uint64_t)(int64_t)s->enforce_mode};

	h = fnv(h, num, sizeof(num));
	h = fnv_str(h, vg_rule_name(s->owner));
	h = fnv_str(h, vg_rule_condition(s->owner));
	h = fnv_str(h, s->by.text);
	h = fnv_str(h, s->distinct_text);
	for (size_t i = 0; i < s->nsteps; i++) {
		uint8_t f[3] = {s->steps[i].negative, s->steps[i].before, s->steps[i].pos};

		h = fnv(h, f, sizeof(f));
		h = fnv_str(h, s->steps[i].name);
		h = fnv_str(h, s->steps[i].key.text);
		h = fnv_str(h, s->steps[i].rule ? vg_rule_condition(s->steps[i].rule) : "");
	}
	for (size_t i = 0; i < s->ncaps; i++) {
		h = fnv(h, &s->caps[i].step, 1);
		h = fnv_str(h, s->caps[i].field);
	}
	return h;
}

/*
 * `action: kill` is carried out by user space when the match completes (the
 * kernel matchers judge one event and would act on every event of the last
 * step). `deny` cannot be: the operation is over before the state machine
 * sees its event.
 */
static bool seq_action(struct vg_ruleset *rs, const struct vg_rule_item *it, struct vg_seq *s)
{
	const char *what = s->kind == VG_SEQ_SEQUENCE ? "sequence" : "threshold";
	char item[300];

	s->enforce_mode = -1;
	if (!it->action)
		return true;
	if (strcmp(it->action, "kill") == 0) {
		s->kill = true;
		s->enforce_mode = it->enforce_mode;
		return true;
	}
	snprintf(item, sizeof(item), "rule:%s", it->name);
	vg_diag_add(&rs->diags, VG_DIAG_ERROR, "E-ACTION", it->loc.file ? it->loc.file->path : NULL,
		    it->loc.line, it->loc.col, item,
		    "action '%s' is not supported on %s rules: the kernel decides before the "
		    "system call, when the %s is not complete yet; use 'action: kill' (vigil "
		    "kills the process of the event that completes it)",
		    it->action, what, s->kind == VG_SEQ_SEQUENCE ? "sequence" : "count");
	return false;
}

bool vg_seq_compile_item(struct vg_ruleset *rs, struct vg_rule_item *it)
{
	struct vg_seq *s = calloc(1, sizeof(*s)), **v;
	char *action;
	bool ok;

	if (!s)
		return false;
	s->kind = it->seq->kind;
	s->within_ns = it->seq->within_ns;
	s->count = it->seq->count;
	s->until_exit = it->seq->until_exit;
	if (it->seq->distinct.s && !(s->distinct_text = strdup(it->seq->distinct.s))) {
		free(s);
		return false;
	}
	if (!seq_action(rs, it, s)) {
		vg_seq_free(s);
		return false;
	}
	action = it->action; /* the compiled rules must not carry it (vg_enf_policy) */
	it->action = NULL;
	ok = s->kind == VG_SEQ_SEQUENCE ? compile_sequence(rs, it, s)
					: compile_threshold(rs, it, s);
	it->action = action;
	v = ok ? realloc(rs->compiled.seqs, (rs->compiled.nseqs + 1) * sizeof(*v)) : NULL;
	if (!v) {
		if (ok) { /* out of memory after the rules went in: take them out again */
			while (rs->compiled.nrules &&
			       rs->compiled.rules[rs->compiled.nrules - 1]->seq == s)
				vg_rule_free(rs->compiled.rules[--rs->compiled.nrules]);
		}
		vg_seq_free(s);
		return false;
	}
	rs->compiled.seqs = v;
	rs->compiled.seqs[rs->compiled.nseqs++] = s;
	s->by_container = key_names_container(&s->by);
	for (size_t i = 0; i < s->nsteps; i++)
		s->by_container |= key_names_container(&s->steps[i].key);
	s->def_hash = def_hash(s);
	return true;
}

/* ---- references to other steps and to the count ---- */

static struct vg_cexpr *capture_expr(const char *name, uint32_t slot, enum vg_ftype t)
{
	struct vg_cexpr *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->kind = CX_CAPTURE;
	e->slot = slot;
	e->type = t;
	e->text = strdup(name);
	if (!e->text) {
		free(e);
		return NULL;
	}
	return e;
}

#define SEQ_ERR(c, ...)                                                                            \
	do {                                                                                       \
		*errcode = (c);                                                                    \
		snprintf(err, errlen, __VA_ARGS__);                                                \
	} while (0)

static struct vg_cexpr *threshold_ref(const struct vg_seq *s, const char *name,
				      const char **errcode, char *err, size_t errlen)
{
	struct vg_cexpr *e = NULL;

	if (s->kind != VG_SEQ_THRESHOLD)
		SEQ_ERR("E-SEQ-CAPTURE", "'%s' is for threshold rules", name);
	else if (strcmp(name, "threshold.count") == 0)
		e = capture_expr(name, CAP_COUNT, VG_FT_U64);
	else if (strcmp(name, "threshold.values") == 0)
		e = capture_expr(name, CAP_VALUES, VG_FT_STRING);
	else
		SEQ_ERR("E-UNKNOWN-FIELD",
			"'%s': a threshold has threshold.count and "
			"threshold.values",
			name);
	return e;
}

struct vg_cexpr *vg_seq_compile_ref(struct vg_ruleset *rs, const char *name, const char **errcode,
				    char *err, size_t errlen, bool *handled, const char **plain)
{
	const struct vg_seq_cctx *c = rs->seqc;
	const struct vg_seq *s = c ? c->seq : NULL;
	const char *dot = strchr(name, '.'), *rest;
	size_t plen;
	int j = -1;

	*handled = false;
	*plain = NULL;
	if (!s || !dot)
		return NULL;
	plen = (size_t)(dot - name);
	rest = dot + 1;
	if (plen == 9 && strncmp(name, "threshold", 9) == 0) {
		*handled = true;
		return threshold_ref(s, name, errcode, err, errlen);
	}
	for (size_t i = 0; i < s->nsteps; i++)
		if (!s->steps[i].negative && strlen(s->steps[i].name) == plen &&
		    strncmp(s->steps[i].name, name, plen) == 0)
			j = (int)i;
	if (j < 0) {
		const char *dotarg;

		if (s->kind == VG_SEQ_SEQUENCE && !vg_field_lookup(name, &dotarg) &&
		    strchr(rest, '.')) {
			*handled = true;
			SEQ_ERR("E-SEQ-STEP", "'%s': no step is named '%.*s'", name, (int)plen,
				name);
		}
		return NULL;
	}
	if (j == c->step) {
		*plain = rest; /* this step's own field */
		return NULL;
	}
	*handled = true;
	if (j > c->step) {
		SEQ_ERR("E-SEQ-CAPTURE",
			"'%s': step '%s' comes after this one, its values are "
			"not known yet",
			name, s->steps[j].name);
		return NULL;
	}
	for (size_t k = 0; k < s->ncaps; k++) {
		if (s->caps[k].step == j && strcmp(s->caps[k].field, rest) == 0) {
			/* the step's condition depends on the partial match: tried per match */
			if (c->step >= 0)
				c->seq->steps[c->step].uses_caps = true;
			return capture_expr(name, (uint32_t)k, s->caps[k].type);
		}
	}
	SEQ_ERR("E-SEQ-CAPTURE",
		"'%s': step '%s' does not capture '%s' (add it to its capture list)", name,
		s->steps[j].name, rest);
	return NULL;
}
