// SPDX-License-Identifier: Apache-2.0
/*
 * vigil rules: loads and compiles rules and lists what the engine would
 * run: each rule with its priority, state, event types and tags, and the
 * union of event types the kernel is asked for. A sequence is one rule with
 * its steps under it: the compiler's hidden step rules ("rule/step") are an
 * implementation detail, not rules a user wrote.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/commands.h"
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

static struct json_object *types_json(const struct vg_evtset *s)
{
	struct json_object *a = json_object_new_array();

	for (uint16_t t = 1; a && t < VG_EVT_COUNT; t++)
		if (vg_evtset_has(s, t))
			json_object_array_add(a, json_object_new_string(vg_evttype_name(t)));
	return a;
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

static struct json_object *seq_json(const struct vg_seq_info *si)
{
	struct json_object *o = json_object_new_object(), *st = json_object_new_array();

	if (!o || !st) {
		json_object_put(o);
		json_object_put(st);
		return NULL;
	}
	json_object_object_add(o, "window_ms", json_object_new_uint64(si->within_ns / 1000000ull));
	json_object_object_add(o, "by", json_object_new_string(si->by));
	if (si->action)
		json_object_object_add(o, "action", json_object_new_string(si->action));
	if (si->kind == VG_SEQ_THRESHOLD) {
		json_object_put(st);
		json_object_object_add(o, "count", json_object_new_uint64(si->count));
		if (si->distinct)
			json_object_object_add(o, "distinct", json_object_new_string(si->distinct));
		return o;
	}
	json_object_object_add(o, "until_exit", json_object_new_boolean(si->until_exit));
	for (size_t i = 0; i < si->nsteps; i++) {
		struct json_object *s = json_object_new_object();

		if (!s)
			continue;
		json_object_object_add(s, "name", json_object_new_string(si->steps[i].name));
		json_object_object_add(s, "negative",
				       json_object_new_boolean(si->steps[i].negative));
		json_object_object_add(s, "key", json_object_new_string(si->steps[i].key));
		if (si->steps[i].rule)
			json_object_object_add(s, "evttypes",
					       types_json(vg_rule_evttypes(si->steps[i].rule)));
		json_object_object_add(s, "condition",
				       json_object_new_string(si->steps[i].condition));
		json_object_array_add(st, s);
	}
	json_object_object_add(o, "steps", st);
	return o;
}

static struct json_object *rule_json(const struct vg_rule *r)
{
	struct vg_seq_info si;
	struct vg_evtset ev;
	struct json_object *o = json_object_new_object(), *t = json_object_new_array();
	const char *const *tags;
	size_t ntags;

	if (!o || !t) {
		json_object_put(o);
		json_object_put(t);
		return NULL;
	}
	tags = vg_rule_tags(r, &ntags);
	for (size_t i = 0; i < ntags; i++)
		json_object_array_add(t, json_object_new_string(tags[i]));
	json_object_object_add(o, "name", json_object_new_string(vg_rule_name(r)));
	json_object_object_add(o, "priority",
			       json_object_new_string(vg_priority_name(vg_rule_priority(r))));
	json_object_object_add(o, "enabled", json_object_new_boolean(vg_rule_enabled(r)));
	json_object_object_add(o, "source", json_object_new_string(vg_rule_source(r)));
	json_object_object_add(o, "tags", t);
	rule_types(r, &ev);
	json_object_object_add(o, "evttypes", types_json(&ev));
	if (vg_rule_seq_info(r, &si))
		json_object_object_add(o, si.kind == VG_SEQ_SEQUENCE ? "sequence" : "threshold",
				       seq_json(&si));
	if (!vg_rule_seq_info(r, &si) || si.kind == VG_SEQ_THRESHOLD)
		json_object_object_add(o, "condition",
				       json_object_new_string(vg_rule_condition(r)));
	json_object_object_add(o, "output", json_object_new_string(vg_rule_output_format(r)));
	return o;
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
		struct json_object *root = json_object_new_object(), *arr = json_object_new_array();

		for (size_t i = 0; arr && i < vg_ruleset_rule_count(rs); i++)
			if (!vg_rule_seq_hidden(vg_ruleset_rule(rs, i)))
				json_object_array_add(arr, rule_json(vg_ruleset_rule(rs, i)));
		json_object_object_add(root, "rules", arr);
		json_object_object_add(root, "evttypes", types_json(&all));
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	} else {
		for (size_t i = 0; i < vg_ruleset_rule_count(rs); i++)
			if (!vg_rule_seq_hidden(vg_ruleset_rule(rs, i)))
				print_rule(vg_ruleset_rule(rs, i), a.condition);
		printf("\n%zu rules; event types of enabled rules (%u): ",
		       vg_ruleset_visible_count(rs), vg_evtset_count(&all));
		print_types(&all);
		printf("\n");
	}
	ret = vg_ruleset_error_count(rs) ? 1 : 0;
	vg_ruleset_free(rs);
	vg_rules_args_free(&a);
	return ret;
}
