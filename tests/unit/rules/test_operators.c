// SPDX-License-Identifier: Apache-2.0
/*
 * The operator table (engine/rules/operators.c) against what the stages
 * do: every operator parses and prints back, compiles on a field of each
 * type it accepts and is refused with file:line:column on the others,
 * evaluates, and its rule-key, path-prefilter and kernel-enforcement
 * columns are what keys.c, prefilter_paths.c and policy_compile.c make of
 * a check with it. A new operator gets its row checked here, and must add
 * its two evaluation cases below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "enforce/policy.h"
#include "kernel/evttypes.h"
#include "rules/keys.h"
#include "rules/operators.h"
#include "rules/prefilter_paths.h"
#include "rules/rules_internal.h"

static struct th_world W;

static int setup(void **state)
{
	(void)state;
	th_world_init(&W, VG_EV_EXEC);
	return 0;
}

/*
 * A live field of type t that needs no argument and is (list) or is not a
 * list; NULL when none.
 */
static const char *field_of_type(enum vg_ftype t, bool list)
{
	size_t ncls;
	const struct vg_field_class *const *cls = vg_field_classes(&ncls);

	for (size_t c = 0; c < ncls; c++) {
		for (size_t i = 0; i < cls[c]->nfields; i++) {
			const struct vg_field_def *d = &cls[c]->fields[i];

			bool no_arg = d->arg == VG_FARG_NONE || d->arg == VG_FARG_OPT_INDEX ||
				      d->arg == VG_FARG_OPT_KEY;

			/* list fields of the poll event are not extracted: they compile */
			if (d->type == t && no_arg && (d->extract || list) &&
			    !(d->flags & VG_FF_LIST) == !list && strcmp(d->name, "evt.type") != 0)
				return d->name;
		}
	}
	return NULL;
}

/*
 * One constant of type t for op: a string holds ".." (the prefilter's raw
 * check looks for it), a wildcard (a glob then has a literal prefix) and no
 * "/" (a suffix then lies in the base name); a hex string decodes to
 * "..abc" (long enough for a key).
 */
static const char *value_of(enum vg_op op, enum vg_ftype t, unsigned variant)
{
	static const char *const hex[] = {"2e2e616263", "2e2e616264", "2e2e616265"};
	static const char *const text[] = {"..abcd*", "..abce*", "..abcf*"};

	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTES:
		return vg_op_info(op)->consts == VG_OPC_HEX ? hex[variant % 3] : text[variant % 3];
	case VG_FT_BOOL: return "true";
	case VG_FT_IPADDR: return "127.0.0.1";
	case VG_FT_IPNET: return "127.0.0.0/8";
	case VG_FT_DOUBLE: return "1.5";
	default: return (const char *const[]){"1", "2", "3"}[variant % 3];
	}
}

/* "field op rhs", the right-hand side (one of three) written as the operator's row says. */
static char *check_text_v(const char *field, enum vg_op op, enum vg_ftype t, unsigned variant)
{
	const struct vg_op_info *o = vg_op_info(op);
	/* a bare number, whatever the field's type: the type check then refuses */
	const char *v = value_of(op, o->rhs == VG_OPR_NUMBER ? VG_FT_U64 : t, variant);
	char *s = NULL;
	int r = -1;

	switch (o->rhs) {
	case VG_OPR_NONE: r = asprintf(&s, "%s %s", field, o->names[0]); break;
	case VG_OPR_NUMBER: r = asprintf(&s, "%s %s %s", field, o->names[0], v); break;
	case VG_OPR_LIST: r = asprintf(&s, "%s %s (\"%s\")", field, o->names[0], v); break;
	case VG_OPR_VALUE: r = asprintf(&s, "%s %s \"%s\"", field, o->names[0], v); break;
	}
	assert_true(r > 0);
	return s;
}

static char *check_text(const char *field, enum vg_op op, enum vg_ftype t)
{
	return check_text_v(field, op, t, 0);
}

/* Every spelling of every operator is found, parses and prints back as its first. */
static void test_spellings_parse(void **state)
{
	(void)state;
	for (int op = 0; op < VG_OP__COUNT; op++) {
		const struct vg_op_info *o = vg_op_info((enum vg_op)op);

		assert_non_null(o->names[0]);
		for (size_t k = 0; k < 2 && o->names[k]; k++) {
			char *c = check_text("proc.name", (enum vg_op)op, VG_FT_STRING);
			const char *p;
			struct vg_ruleset *rs;

			assert_int_equal(vg_op_lookup(o->names[k]), op);
			/* the second spelling: replace the first in the text */
			if (k) {
				char *alt = NULL;

				assert_true(asprintf(&alt, "proc.name %s%s", o->names[k],
						     c + strlen("proc.name ") +
							     strlen(o->names[0])) > 0);
				free(c);
				c = alt;
			}
			rs = th_rule(NULL, c);
			if (vg_ruleset_error_count(rs))
				th_dump(rs);
			assert_int_equal(vg_ruleset_error_count(rs), 0);
			/* the canonical text of the compiled condition */
			p = rs->compiled.rules[0]->cond_text;
			assert_non_null(p);
			if (!strstr(p, o->names[0]))
				fail_msg("'%s' printed as '%s'", c, p);
			vg_ruleset_free(rs);
			free(c);
		}
	}
	assert_int_equal(vg_op_lookup("nosuchop"), -1);
}

/*
 * A rule with condition cond, as th_rule makes it, loaded with fields vigil
 * does not extract allowed (the list fields of the poll event are such).
 */
static struct vg_ruleset *rule_unextracted_ok(const char *cond)
{
	struct vg_ruleset_opts o = {.unsupported_fields = VG_UNSUPPORTED_WARN};
	struct vg_ruleset *rs = vg_ruleset_new(&o);
	char *y;

	assert_non_null(rs);
	assert_true(asprintf(&y,
			     "\n- rule: r\n  desc: d\n  condition: |-\n    %s\n  output: o\n"
			     "  priority: WARNING\n  warn_evttypes: false\n",
			     cond) > 0);
	vg_ruleset_load_string(rs, "test.yaml", y, strlen(y));
	vg_ruleset_compile(rs);
	free(y);
	return rs;
}

/* The type column: accepted types compile, the others fail with E-TYPE-OP at the check. */
static void expect_types(enum vg_op op, const char *field, enum vg_ftype t, bool accepted)
{
	char *c = check_text(field, op, t);
	struct vg_ruleset *rs = rule_unextracted_ok(c);
	const struct vg_diag *d = th_find_diag(rs, "E-TYPE-OP");

	if (accepted != (vg_ruleset_error_count(rs) == 0)) {
		th_dump(rs);
		fail_msg("'%s' (%s): expected it %s", c, vg_ftype_name(t),
			 accepted ? "accepted" : "refused");
	}
	if (!accepted) {
		if (!d) {
			th_dump(rs);
			fail_msg("'%s': no E-TYPE-OP", c);
		}
		/* the condition is on line 5, column 5 */
		assert_string_equal(d->file, "test.yaml");
		assert_int_equal(d->line, 5);
		assert_int_equal(d->col, 5);
		assert_non_null(strstr(d->msg, field));
	}
	vg_ruleset_free(rs);
	free(c);
}

static void test_field_types(void **state)
{
	size_t tried = 0;

	(void)state;
	for (int op = 0; op < VG_OP__COUNT; op++) {
		const struct vg_op_info *o = vg_op_info((enum vg_op)op);
		const char *lf = field_of_type(VG_FT_STRING, true);

		for (int t = 0; t < VG_FT__COUNT; t++) {
			const char *f = field_of_type((enum vg_ftype)t, false);

			if (!f)
				continue;
			expect_types((enum vg_op)op, f, (enum vg_ftype)t,
				     vg_op_accepts((enum vg_op)op, (enum vg_ftype)t));
			tried++;
		}
		assert_non_null(lf);
		expect_types((enum vg_op)op, lf, VG_FT_STRING,
			     o->on_list_field && vg_op_accepts((enum vg_op)op, VG_FT_STRING));
	}
	/* strings, numbers, booleans, addresses and ports at least */
	assert_true(tried >= 6 * VG_OP__COUNT);
}

/* The modifier and constants-only columns, on operators with one value. */
static void test_modifier_and_consts(void **state)
{
	(void)state;
	for (int op = 0; op < VG_OP__COUNT; op++) {
		const struct vg_op_info *o = vg_op_info((enum vg_op)op);
		const char *v = value_of((enum vg_op)op, VG_FT_STRING, 0);
		struct vg_ruleset *rs;
		char *c;

		if (o->rhs != VG_OPR_VALUE)
			continue;
		assert_true(asprintf(&c, "proc.name %s anyof (\"%s\")", o->names[0], v) > 0);
		rs = th_rule(NULL, c);
		assert_int_equal(vg_ruleset_error_count(rs) == 0, o->modifier);
		if (!o->modifier)
			assert_non_null(th_find_diag(rs, "E-TYPE-OP"));
		vg_ruleset_free(rs);
		free(c);
		assert_true(asprintf(&c, "proc.name %s val(proc.exe)", o->names[0]) > 0);
		rs = th_rule(NULL, c);
		assert_int_equal(vg_ruleset_error_count(rs) != 0, o->consts_only);
		if (o->consts_only)
			assert_non_null(th_find_diag(rs, "E-TYPE-VALUE"));
		vg_ruleset_free(rs);
		free(c);
	}
}

/* What each operator computes: one check that holds and one that does not. */
static const struct {
	enum vg_op op;
	const char *yes, *no;
} evals[] = {
	{VG_OP_EQ, "proc.name = cat", "proc.name = ca"},
	{VG_OP_NE, "proc.name != bash", "proc.name != cat"},
	{VG_OP_LT, "proc.pid < 301", "proc.pid < 300"},
	{VG_OP_LE, "proc.pid <= 300", "proc.pid <= 299"},
	{VG_OP_GT, "proc.pid > 299", "proc.pid > 300"},
	{VG_OP_GE, "proc.pid >= 300", "proc.pid >= 301"},
	{VG_OP_CONTAINS, "proc.cmdline contains shadow", "proc.cmdline contains SHADOW"},
	{VG_OP_ICONTAINS, "proc.cmdline icontains SHADOW", "proc.cmdline icontains passwd"},
	{VG_OP_BCONTAINS, "proc.cmdline bcontains 736861646f77", "proc.cmdline bcontains 7373"},
	{VG_OP_STARTSWITH, "proc.name startswith ca", "proc.name startswith at"},
	{VG_OP_BSTARTSWITH, "proc.name bstartswith 6361", "proc.name bstartswith 6174"},
	{VG_OP_ENDSWITH, "proc.name endswith at", "proc.name endswith ca"},
	{VG_OP_GLOB, "proc.name glob \"c*t\"", "proc.name glob \"c*x\""},
	{VG_OP_IGLOB, "proc.name iglob \"C*T\"", "proc.name iglob \"C*X\""},
	{VG_OP_REGEX, "proc.name regex \"^c.t$\"", "proc.name regex \"^a\""},
	{VG_OP_IN, "proc.name in (bash, cat)", "proc.name in (bash, sh)"},
	{VG_OP_INTERSECTS, "proc.name intersects (cat)", "proc.name intersects (bash)"},
	{VG_OP_PMATCH, "proc.cwd pmatch (/root)", "proc.cwd pmatch (/home, /ro)"},
	{VG_OP_EXISTS, "proc.name exists", "proc.aname[7] exists"},
};

static void test_evaluates(void **state)
{
	bool seen[VG_OP__COUNT] = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(evals) / sizeof(evals[0]); i++) {
		if (!th_match(&W, NULL, evals[i].yes))
			fail_msg("'%s' should hold", evals[i].yes);
		if (th_match(&W, NULL, evals[i].no))
			fail_msg("'%s' should not hold", evals[i].no);
		seen[evals[i].op] = true;
	}
	for (int op = 0; op < VG_OP__COUNT; op++)
		if (!seen[op])
			fail_msg("operator '%s' has no evaluation case here",
				 vg_op_name((enum vg_op)op));
}

/* The key rs filed its only rule under for field (by slot) on event type t; NULL when none. */
static const struct vg_rule_key *key_of(const struct vg_ruleset *rs, const char *evt,
					const char *field)
{
	const struct vg_type_keys *tk = rs->compiled.keys[vg_evttype_code(evt, strlen(evt))];

	if (!tk)
		return NULL;
	for (size_t i = 0; i < tk->nkeys; i++)
		if (strcmp(tk->keys[i].field->text, field) == 0)
			return &tk->keys[i];
	return NULL;
}

static bool key_has(const struct vg_rule_key *k, enum vg_op_shape s)
{
	if (!k)
		return false;
	switch (s) {
	case VG_OPS_EXACT: return k->exact.n > 0;
	case VG_OPS_PREFIX:
	case VG_OPS_DIR: return k->start.n > 1;
	case VG_OPS_SUFFIX: return k->end.n > 1;
	case VG_OPS_SUBSTR: return k->nneedles > 0;
	case VG_OPS_GLOB: return k->start.n > 1 || k->end.n > 1;
	default: return false;
	}
}

/* The key columns: what keys.c files a rule under, for strings and numbers. */
/*
 * Three rules, each with its own value for the check: keys.c does not key
 * a field only compared with two values or fewer (an exact test of it then
 * passes most events), nor a built field only one rule reads.
 */
static struct vg_ruleset *three_rules(const char *field, enum vg_op op, enum vg_ftype t)
{
	char *c[3], *y;
	struct vg_ruleset *rs;

	for (unsigned i = 0; i < 3; i++)
		c[i] = check_text_v(field, op, t, i);
	assert_true(asprintf(&y,
			     "- rule: r0\n  desc: d\n  condition: evt.type = execve and %s\n"
			     "  output: o\n  priority: WARNING\n"
			     "- rule: r1\n  desc: d\n  condition: evt.type = execve and %s\n"
			     "  output: o\n  priority: WARNING\n"
			     "- rule: r2\n  desc: d\n  condition: evt.type = execve and %s\n"
			     "  output: o\n  priority: WARNING\n",
			     c[0], c[1], c[2]) > 0);
	rs = th_load(y);
	if (vg_ruleset_error_count(rs))
		th_dump(rs);
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	for (unsigned i = 0; i < 3; i++)
		free(c[i]);
	free(y);
	return rs;
}

static void test_rule_keys(void **state)
{
	(void)state;
	for (int op = 0; op < VG_OP__COUNT; op++) {
		const struct vg_op_info *o = vg_op_info((enum vg_op)op);
		const char *nf = field_of_type(VG_FT_U64, false);
		struct vg_ruleset *rs;
		const struct vg_rule_key *k;

		rs = three_rules("proc.name", (enum vg_op)op, VG_FT_STRING);
		k = key_of(rs, "execve", "proc.name");
		if (o->key == VG_OPS_NONE ? k != NULL : !key_has(k, o->key))
			fail_msg("proc.name %s: the key column says %d", o->names[0], o->key);
		vg_ruleset_free(rs);
		if (!vg_op_accepts((enum vg_op)op, VG_FT_U64))
			continue;
		assert_non_null(nf);
		rs = three_rules(nf, (enum vg_op)op, VG_FT_U64);
		k = key_of(rs, "execve", nf);
		if (o->key_numbers != (k && k->number && k->exact.n > 0))
			fail_msg("%s %s: key_numbers says %d", nf, o->names[0], o->key_numbers);
		vg_ruleset_free(rs);
	}
}

/* Whether the prefilter bounds the paths of an open for "field op value". */
static bool bounded(enum vg_op op, const char *field)
{
	char *c = check_text(field, op, VG_FT_STRING), *cond;
	struct vg_ruleset *rs;
	struct vg_pathset ps;
	bool b;

	assert_true(asprintf(&cond, "evt.type = openat and %s", c) > 0);
	rs = th_rule(NULL, cond);
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	vg_prefilter_rule(rs->compiled.rules[0], vg_evttype_code("openat", 6), VG_PF_OPEN, &ps);
	b = ps.kind != VG_PATHS_ANY;
	vg_pathset_free(&ps);
	vg_ruleset_free(rs);
	free(cond);
	free(c);
	return b;
}

/* The path column: what prefilter_paths.c makes of a check on the path and the raw path. */
static void test_path_prefilter(void **state)
{
	(void)state;
	for (int op = 0; op < VG_OP__COUNT; op++) {
		enum vg_op_shape s = vg_op_info((enum vg_op)op)->path;
		/* a substring may lie anywhere in the path; a directory need not be in the raw one
		 */
		bool name = s != VG_OPS_NONE && s != VG_OPS_SUBSTR;
		bool raw = s != VG_OPS_NONE && s != VG_OPS_DIR;

		if (bounded((enum vg_op)op, "fd.name") != name)
			fail_msg("fd.name %s: path column %d", vg_op_name((enum vg_op)op), s);
		if (bounded((enum vg_op)op, "fd.nameraw") != raw)
			fail_msg("fd.nameraw %s: path column %d", vg_op_name((enum vg_op)op), s);
	}
}

/*
 * The path column is sound: an open of a path the check holds for passes
 * the prefilter the column made. One case per operator the prefilter uses.
 */
static const struct {
	enum vg_op op;
	const char *check, *path;
} path_cases[] = {
	{VG_OP_EQ, "fd.name = /etc/abcd", "/etc/abcd"},
	{VG_OP_IN, "fd.name in (/etc/abcd, /x)", "/etc/abcd"},
	{VG_OP_STARTSWITH, "fd.name startswith /etc/ab", "/etc/abcd"},
	{VG_OP_ENDSWITH, "fd.name endswith cd", "/etc/abcd"},
	{VG_OP_GLOB, "fd.name glob \"/e*c/?bcd\"", "/etc/abcd"},
	{VG_OP_PMATCH, "fd.name pmatch (/etc/, /x)", "/etc/abcd"},
	{VG_OP_CONTAINS, "fd.name contains tc/ab", "/etc/abcd"},
	{VG_OP_ICONTAINS, "fd.name icontains TC/AB", "/etc/abcd"},
};

static void test_path_prefilter_sound(void **state)
{
	bool seen[VG_OP__COUNT] = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const char *p = path_cases[i].path;
		struct vg_pathset ps;
		struct vg_ruleset *rs;
		char *cond;

		assert_true(asprintf(&cond, "evt.type = openat and %s", path_cases[i].check) > 0);
		rs = th_rule(NULL, cond);
		assert_int_equal(vg_ruleset_error_count(rs), 0);
		vg_prefilter_rule(rs->compiled.rules[0], vg_evttype_code("openat", 6), VG_PF_OPEN,
				  &ps);
		if (!vg_pathset_has(&ps, p, strlen(p), NULL))
			fail_msg("'%s': the prefilter drops %s", cond, p);
		vg_pathset_free(&ps);
		vg_ruleset_free(rs);
		free(cond);
		seen[path_cases[i].op] = true;
	}
	for (int op = 0; op < VG_OP__COUNT; op++)
		if (vg_op_info((enum vg_op)op)->path != VG_OPS_NONE && !seen[op])
			fail_msg("operator '%s' has a path column but no case here",
				 vg_op_name((enum vg_op)op));
}

/* Whether an enforcing rule "evt.type = execve and field op value" builds a policy. */
static bool enforced(enum vg_op op, const char *field, enum vg_ftype t, char **err)
{
	struct vg_enf_opts opts = {.mode = VG_ENF_MODE_ON};
	struct vg_enf_policy *p = NULL;
	struct vg_ruleset *rs;
	char *c = check_text(field, op, t), *y;
	size_t len = 0;
	FILE *f = open_memstream(err, &len);
	int nerr;

	assert_true(asprintf(&y,
			     "- rule: r\n  desc: d\n  condition: evt.type = execve and %s\n"
			     "  output: o\n  priority: WARNING\n  action: deny\n  force: true\n",
			     c) > 0);
	rs = th_load(y);
	assert_int_equal(vg_ruleset_error_count(rs), 0);
	nerr = vg_enf_policy_build(rs, &opts, &p, f);
	fclose(f);
	vg_enf_policy_free(p);
	vg_ruleset_free(rs);
	free(y);
	free(c);
	return nerr == 0;
}

/*
 * A refusal names exactly the operators the kernel takes for that field:
 * the list after "with " in err, split at ", " and " and ", is the set of
 * canonical names of the operators accepted[] marks.
 */
static void check_refusal_lists(const char *err, const bool *accepted)
{
	const char *p = strstr(err, " with ");
	bool named[VG_OP__COUNT] = {0};
	char list[256], *tok, *save;

	assert_non_null(p);
	snprintf(list, sizeof(list), "%s", p + 6);
	list[strcspn(list, "\n")] = '\0';
	for (char *q; (q = strstr(list, " and "));)
		memcpy(q, ",    ", 5); /* " and " reads as a separator */
	for (tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int op = vg_op_lookup(tok);

		if (op < 0 || op >= VG_OP__COUNT)
			fail_msg("%s: names '%s', no operator", err, tok);
		named[op] = true;
	}
	for (int op = 0; op < VG_OP__COUNT; op++)
		if (named[op] != accepted[op])
			fail_msg("%s: %s is %s", err, vg_op_name((enum vg_op)op),
				 accepted[op] ? "taken but not named" : "named but refused");
}

/* The refusal texts come from the kernel column: a new operator is named without an edit. */
static void test_refusals_name_the_table(void **state)
{
	bool str[VG_OP__COUNT], num[VG_OP__COUNT];
	char *err = NULL;

	(void)state;
	for (int op = 0; op < VG_OP__COUNT; op++) {
		enum vg_op_kernel k = vg_op_info((enum vg_op)op)->kernel;

		str[op] = k == VG_OPK_EXACT_ONE || k == VG_OPK_EXACT_SET || k == VG_OPK_PREFIX ||
			  k == VG_OPK_DIR;
		num[op] = k == VG_OPK_EXACT_ONE || k == VG_OPK_EXACT_SET || k == VG_OPK_RANGE;
	}
	assert_false(enforced(VG_OP_CONTAINS, "proc.exepath", VG_FT_STRING, &err));
	check_refusal_lists(err, str);
	free(err);
	err = NULL;
	assert_false(enforced(VG_OP_EXISTS, "user.uid", VG_FT_U64, &err));
	check_refusal_lists(err, num);
	free(err);
}

/* The kernel column: which operators the enforcement compiler takes, on strings and numbers. */
static void test_kernel_enforcement(void **state)
{
	(void)state;
	for (int op = 0; op < VG_OP__COUNT; op++) {
		enum vg_op_kernel k = vg_op_info((enum vg_op)op)->kernel;
		bool str = k == VG_OPK_EXACT_ONE || k == VG_OPK_EXACT_SET || k == VG_OPK_PREFIX ||
			   k == VG_OPK_DIR;
		bool num = k == VG_OPK_EXACT_ONE || k == VG_OPK_EXACT_SET || k == VG_OPK_RANGE;
		char *err = NULL;

		if (enforced((enum vg_op)op, "proc.exepath", VG_FT_STRING, &err) != str)
			fail_msg("proc.exepath %s: kernel column %d: %s",
				 vg_op_name((enum vg_op)op), k, err);
		if (!str)
			assert_non_null(strstr(err, "E-ENFORCE-OPERATOR"));
		free(err);
		if (!vg_op_accepts((enum vg_op)op, VG_FT_U64))
			continue;
		if (enforced((enum vg_op)op, "user.uid", VG_FT_U64, &err) != num)
			fail_msg("user.uid %s: kernel column %d: %s", vg_op_name((enum vg_op)op), k,
				 err);
		free(err);
	}
	test_refusals_name_the_table(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings_parse),
		cmocka_unit_test(test_field_types),
		cmocka_unit_test(test_modifier_and_consts),
		cmocka_unit_test_setup(test_evaluates, setup),
		cmocka_unit_test(test_rule_keys),
		cmocka_unit_test(test_path_prefilter),
		cmocka_unit_test(test_path_prefilter_sound),
		cmocka_unit_test(test_kernel_enforcement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
