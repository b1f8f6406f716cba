// SPDX-License-Identifier: Apache-2.0
/*
 * vigil rules: loads and compiles rules and lists what the engine would
 * run: each rule with its priority, state, event types and tags, and the
 * union of event types the kernel is asked for. A sequence is one rule with
 * its steps under it: the compiler's hidden step rules ("rule/step") are an
 * implementation detail, not rules a user wrote.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
#include "cli/json_doc.h"
#include "cli/rules_args.h"
#include "cli/rules_catalogue.h"
#include "rules/loader.h"
#include "rules/seq.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigil rules -r FILE [-r FILE...] [--json] [--condition]\n"
		"       vigil rules -r FILE [-r FILE...] --catalogue | --attack-matrix\n"
		"  --catalogue      Markdown: each rule's tactic, techniques, priority, maturity,\n"
		"                   event types and the lists and macros to tune it with\n"
		"  --attack-matrix  Markdown: ATT&CK tactic x technique -> rules\n");
}

static void types_json(struct vg_jbuf *b, const struct vg_evtset *s)
{
	vg_jb_arr_begin(b);
	for (uint16_t t = 1; t < VG_EVT_COUNT; t++)
		if (vg_evtset_has(s, t))
			vg_jb_cstr(b, vg_evttype_name(t));
	vg_jb_arr_end(b);
}

static void print_types(const struct vg_evtset *s)
{
	unsigned n = vg_evtset_count(s), k = 0;

	if (n > 100) {
		printf("all but %u of %u", vg_evttype_count() - 1u - n, vg_evttype_count() - 1u);
		return;
	}
	for (uint16_t t = 1; t < VG_EVT_COUNT; t++)
		if (vg_evtset_has(s, t))
			printf("%s%s", k++ ? "," : "", vg_evttype_name(t));
	if (!n)
		printf("(none)");
}

/* A window as written in YAML: the largest unit that divides it. */
static const char *window_text(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		uint64_t ns;
		const char *unit;
	} u[] = {{3600000000000ull, "h"}, {60000000000ull, "m"}, {1000000000ull, "s"}};
	uint64_t ms = ns / 1000000ull;

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (ns && ns % u[i].ns == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(ns / u[i].ns), u[i].unit);
			return buf;
		}
	snprintf(buf, len, "%llums", (unsigned long long)ms);
	return buf;
}

/* The event types a rule can match: a sequence's, those of all its steps. */
static void rule_types(const struct vg_rule *r, struct vg_evtset *out)
{
	struct vg_seq_info si;

	*out = *vg_rule_evttypes(r);
	if (!vg_rule_seq_info(r, &si))
		return;
	for (size_t i = 0; i < si.nsteps; i++)
		for (uint16_t t = 1; si.steps[i].rule && t < VG_EVT_COUNT; t++)
			if (vg_evtset_has(vg_rule_evttypes(si.steps[i].rule), t))
				vg_evtset_add(out, t);
}

static bool is_sequence(const struct vg_rule *r)
{
	struct vg_seq_info si;

	return vg_rule_seq_info(r, &si) && si.kind == VG_SEQ_SEQUENCE;
}

static void print_seq(const struct vg_rule *r, bool cond)
{
	struct vg_seq_info si;
	char w[32];

	if (!vg_rule_seq_info(r, &si))
		return;
	if (si.action)
		printf("\n  action: %s (user space, on completion)", si.action);
	if (si.kind == VG_SEQ_THRESHOLD) {
		printf("\n  threshold: %u %s%s within %s%s%s", si.count,
		       si.distinct ? "distinct " : "events", si.distinct ? si.distinct : "",
		       window_text(si.within_ns, w, sizeof(w)), *si.by ? " by " : "", si.by);
		return;
	}
	printf("\n  sequence: %zu steps within %s%s%s%s", si.nsteps,
	       window_text(si.within_ns, w, sizeof(w)), *si.by ? " by " : "", si.by,
	       si.until_exit ? ", until_exit" : "");
	for (size_t i = 0; i < si.nsteps; i++) {
		printf("\n    %zu. %s%s  key: %s  evttypes: ", i + 1,
		       si.steps[i].negative ? "not " : "",
		       si.steps[i].negative ? "" : si.steps[i].name,
		       *si.steps[i].key ? si.steps[i].key : "(none)");
		if (si.steps[i].rule)
			print_types(vg_rule_evttypes(si.steps[i].rule));
		if (cond)
			printf("\n       condition: %s", si.steps[i].condition);
	}
}

static void print_rule(const struct vg_rule *r, bool cond)
{
	const char *const *tags;
	struct vg_evtset ev;
	size_t ntags;

	printf("%s\n  priority: %s  enabled: %s  source: %s\n  evttypes: ", vg_rule_name(r),
	       vg_priority_name(vg_rule_priority(r)), vg_rule_enabled(r) ? "yes" : "no",
	       vg_rule_source(r));
	rule_types(r, &ev);
	print_types(&ev);
	tags = vg_rule_tags(r, &ntags);
	printf("\n  tags: ");
	for (size_t i = 0; i < ntags; i++)
		printf("%s%s", i ? "," : "", tags[i]);
	if (vg_rule_action(r))
		printf("\n  action: %s", vg_rule_action(r));
	if (cond && !is_sequence(r))
		printf("\n  condition: %s", vg_rule_condition(r));
	print_seq(r, cond);
	printf("\n");
}

static void step_json(struct vg_jbuf *b, const struct vg_seq_info_step *st)
{
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "name");
	vg_jb_cstr(b, st->name);
	VG_JB_KEY(b, "negative");
	vg_jb_bool(b, st->negative);
	VG_JB_KEY(b, "key");
	vg_jb_cstr(b, st->key);
	if (st->rule) {
		VG_JB_KEY(b, "evttypes");
		types_json(b, vg_rule_evttypes(st->rule));
	}
	VG_JB_KEY(b, "condition");
	vg_jb_cstr(b, st->condition);
	vg_jb_obj_end(b);
}

/* A sequence's window, key and steps, or a threshold's window, key and count. */
static void seq_json(struct vg_jbuf *b, const struct vg_seq_info *si)
{
	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "window_ms");
	vg_jb_u64(b, si->within_ns / 1000000ull);
	VG_JB_KEY(b, "by");
	vg_jb_cstr(b, si->by);
	if (si->action) {
		VG_JB_KEY(b, "action");
		vg_jb_cstr(b, si->action);
	}
	if (si->kind == VG_SEQ_THRESHOLD) {
		VG_JB_KEY(b, "count");
		vg_jb_u64(b, si->count);
		if (si->distinct) {
			VG_JB_KEY(b, "distinct");
			vg_jb_cstr(b, si->distinct);
		}
		vg_jb_obj_end(b);
		return;
	}
	VG_JB_KEY(b, "until_exit");
	vg_jb_bool(b, si->until_exit);
	VG_JB_KEY(b, "steps");
	vg_jb_arr_begin(b);
	for (size_t i = 0; i < si->nsteps; i++)
		step_json(b, &si->steps[i]);
	vg_jb_arr_end(b);
	vg_jb_obj_end(b);
}

static void rule_json(struct vg_jbuf *b, const struct vg_rule *r)
{
	struct vg_seq_info si;
	struct vg_evtset ev;
	const char *const *tags;
	size_t ntags;
	bool seq = vg_rule_seq_info(r, &si);

	vg_jb_obj_begin(b);
	VG_JB_KEY(b, "name");
	vg_jb_cstr(b, vg_rule_name(r));
	VG_JB_KEY(b, "priority");
	vg_jb_cstr(b, vg_priority_name(vg_rule_priority(r)));
	VG_JB_KEY(b, "enabled");
	vg_jb_bool(b, vg_rule_enabled(r));
	VG_JB_KEY(b, "source");
	vg_jb_cstr(b, vg_rule_source(r));
	VG_JB_KEY(b, "tags");
	vg_jb_arr_begin(b);
	tags = vg_rule_tags(r, &ntags);
	for (size_t i = 0; i < ntags; i++)
		vg_jb_cstr(b, tags[i]);
	vg_jb_arr_end(b);
	VG_JB_KEY(b, "evttypes");
	rule_types(r, &ev);
	types_json(b, &ev);
	if (seq) {
		vg_jb_key(b, si.kind == VG_SEQ_SEQUENCE ? "sequence" : "threshold");
		seq_json(b, &si);
	}
	/* a sequence's conditions are its steps' */
	if (!seq || si.kind == VG_SEQ_THRESHOLD) {
		VG_JB_KEY(b, "condition");
		vg_jb_cstr(b, vg_rule_condition(r));
	}
	VG_JB_KEY(b, "output");
	vg_jb_cstr(b, vg_rule_output_format(r));
	vg_jb_obj_end(b);
}

/* {"rules": [the rules a user wrote], "evttypes": [what the kernel is asked for]} */
static int print_json(const struct vg_ruleset *rs, const struct vg_evtset *all)
{
	struct vg_jbuf b;

	vg_jb_init(&b);
	vg_jb_obj_begin(&b);
	VG_JB_KEY(&b, "rules");
	vg_jb_arr_begin(&b);
	for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++)
		if (!vg_rule_seq_hidden(vg_ruleset_rule(rs, i)))
			rule_json(&b, vg_ruleset_rule(rs, i));
	vg_jb_arr_end(&b);
	VG_JB_KEY(&b, "evttypes");
	types_json(&b, all);
	vg_jb_obj_end(&b);
	return vg_cli_json_print(&b, "rules");
}

int vg_cmd_rules(int argc, char **argv)
{
	struct vg_rules_args a;
	struct vg_ruleset *rs;
	struct vg_evtset all;
	int ret = vg_rules_args_parse(&a, argc, argv, true, usage);

	if (ret >= 0) {
		vg_rules_args_free(&a);
		return ret;
	}
	if (!(rs = vg_rules_args_compile(&a))) {
		vg_rules_args_free(&a);
		return 1;
	}
	if (vg_ruleset_error_count(rs)) {
		const struct vg_diag *d;
		size_t n;

		d = vg_ruleset_diags(rs, &n);
		for (size_t i = 0; i < n; i++)
			if (d[i].level == VG_DIAG_ERROR)
				vg_diag_print(stderr, &d[i]);
	}
	vg_ruleset_evttypes(rs, &all);
	if (a.catalogue || a.matrix) {
		ret = a.catalogue ? vg_print_catalogue(stdout, rs, a.files, a.nfiles)
				  : vg_print_attack_matrix(stdout, rs);
		if (ret)
			fprintf(stderr, "vigil rules: out of memory\n");
		ret = ret || vg_ruleset_error_count(rs) ? 1 : 0;
		vg_ruleset_free(rs);
		vg_rules_args_free(&a);
		return ret;
	}
	if (a.json) {
		ret = print_json(rs, &all);
	} else {
		for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++)
			if (!vg_rule_seq_hidden(vg_ruleset_rule(rs, i)))
				print_rule(vg_ruleset_rule(rs, i), a.condition);
		printf("\n%zu rules; event types of enabled rules (%u): ",
		       vg_ruleset_visible_count(rs), vg_evtset_count(&all));
		print_types(&all);
		printf("\n");
	}
	ret = ret > 0 || vg_ruleset_error_count(rs) ? 1 : 0;
	vg_ruleset_free(rs);
	vg_rules_args_free(&a);
	return ret;
}
