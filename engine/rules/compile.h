/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ruleset compiler. After the loader has collected rules, macros and
 * lists, vg_ruleset_compile turns each rule into an evaluation tree:
 * lists substituted, macros inlined, exceptions folded into the condition
 * (as Falco does), every field bound to its extractor and type-checked,
 * constants parsed to the field's type, regexes JIT-compiled. Each rule
 * gets the set of event types its condition can match, and the ruleset an
 * index from event type to rules.
 */
#ifndef VIGIL_RULES_COMPILE_H
#define VIGIL_RULES_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/evttypes.h"
#include "vigil/priority.h" /* enum vg_priority and its names: one table */

struct vg_ruleset;
struct vg_rule;

/*
 * Bounds on what inlining macros and lists may build. A few lines of rules
 * can describe an exponential tree (each macro naming the previous one
 * twice), so every size is measured before anything is built and an item
 * past a bound fails with E-EXPANSION (sizes) or E-DEPTH (nesting). The
 * defaults hold Falco's and vigil's rules with a wide margin (docs/rules.md,
 * "Limits"); a vg_ruleset_opts field of 0 takes the default.
 */
#define VG_MAX_EXPANDED_NODES  200000	  /* per rule or macro: AST nodes and list items */
#define VG_MAX_RULESET_NODES   1000000	  /* every rule and macro together */
#define VG_MAX_EXPANDED_HEIGHT 1000	  /* tree height after inlining, as E-DEPTH */
#define VG_MAX_MACRO_NESTING   64	  /* macros inside macros */
#define VG_MAX_LIST_ITEMS      200000	  /* one list, lists in it expanded */
#define VG_MAX_RULESET_ITEMS   1000000	  /* items copied from lists into lists, in all */
#define VG_MAX_CONDITION_BYTES (1u << 20) /* one condition's text, appends and exceptions in */

/*
 * One entry of Falco's `append_output` (falco.yaml, Falco >= 0.39): for the
 * rules that match (every given condition; none given: all rules), text
 * appended to the output line and fields added to output_fields only.
 */
struct vg_append_field {
	char *key;    /* the output_fields key: a field name, or a name of one's own */
	char *format; /* NULL: key is a field, typed as usual; else a format rendered as text */
};
struct vg_append_output {
	char *source, *rule; /* NULL: any */
	char **tags;	     /* the rule must have all of them */
	size_t ntags;
	char *extra_output; /* appended to the output line after a space; NULL: none */
	struct vg_append_field *fields;
	size_t nfields;
	bool suggested_output; /* container and k8s fields, as Falco's container plugin suggests */
};

/* What a rule using a registered field that vigil never extracts gets (unsupported_fields). */
enum vg_unsupported_fields {
	VG_UNSUPPORTED_ERROR, /* a load error at the field */
	VG_UNSUPPORTED_WARN,  /* a warning naming the rule; the field is always missing */
};

struct vg_ruleset_opts {
	bool match_all;		   /* rule_matching: all (default first, as Falco) */
	const char *passwd_path;   /* NULL: /etc/passwd */
	const char *group_path;	   /* NULL: /etc/group */
	size_t scratch_bytes;	   /* per-event string arena; 0: 1 MiB */
	uint64_t max_nodes;	   /* 0: VG_MAX_EXPANDED_NODES */
	uint64_t max_total_nodes;  /* 0: VG_MAX_RULESET_NODES */
	const char *append_output; /* Falco's -p: appended to every rule's output; NULL: none */
	const struct vg_append_output *appends; /* falco.yaml's append_output, in order */
	size_t nappends;
	enum vg_unsupported_fields unsupported_fields;
	uint64_t seq_state_max_bytes; /* sequence/threshold state, all rules; 0: 64 MiB (seq.h) */
};

/*
 * What inlining built, after vg_ruleset_compile, in the units of the bounds
 * above: the largest rule or macro and the sum over all of them (AST nodes
 * and list items), the items copied from lists named in lists, the highest
 * tree and the deepest macro nesting.
 */
struct vg_expansion {
	uint64_t largest, total, list_items;
	uint32_t height, nesting;
};
void vg_ruleset_expansion(const struct vg_ruleset *rs, struct vg_expansion *out);

/* Compiles what has been loaded; returns the number of errors (0: ok). */
int vg_ruleset_compile(struct vg_ruleset *rs);

/*
 * For the commands that evaluate the rules (run, reload, replay): starts
 * what the compiled rules need in the background, today the resolver of
 * the domain names fd.*ip.name is compared with, waiting up to wait_ms for
 * its first answers. Stopped by vg_ruleset_free.
 */
void vg_ruleset_start_background(struct vg_ruleset *rs, unsigned wait_ms);

/* Compiled rules, in load order (disabled ones included). */
size_t vg_ruleset_rule_count(const struct vg_ruleset *rs);
const struct vg_rule *vg_ruleset_rule(const struct vg_ruleset *rs, size_t i);
/* Rules whose sources were unknown or which failed to compile. */
size_t vg_ruleset_skipped(const struct vg_ruleset *rs);
/* The i-th skipped rule's name and why it was skipped; false past the end. */
bool vg_ruleset_skipped_rule(const struct vg_ruleset *rs, size_t i, const char **name,
			     const char **reason);

/* Union of the event types of all enabled rules: the kernel's interest set. */
void vg_ruleset_evttypes(const struct vg_ruleset *rs, struct vg_evtset *out);

/*
 * Calls fn once for every field reference an enabled rule reads: its
 * condition (exceptions and macros inlined), its output and append_output
 * fields, and a sequence's keys, captures and distinct field. What state
 * the engine must keep (the fd table, the cwd) follows from these
 * (engine/interest.c); a field may be reported more than once.
 */
struct vg_field_ref;
typedef void (*vg_field_visit_fn)(const struct vg_field_ref *ref, void *arg);
void vg_ruleset_fields_read(const struct vg_ruleset *rs, vg_field_visit_fn fn, void *arg);

/* Enables or disables rules by exact name; returns how many matched. */
size_t vg_ruleset_enable(struct vg_ruleset *rs, const char *name, bool enabled);
/*
 * Falco's rule selection (the "rules: - enable/disable: {rule|tag}" config):
 * enables or disables every rule whose name (or, with by_tag, one of whose
 * tags) matches pattern, a glob ("Read sensitive*"). Apply selectors in
 * order. Returns how many rules matched.
 */
size_t vg_ruleset_select(struct vg_ruleset *rs, const char *pattern, bool by_tag, bool enabled);

const char *vg_rule_name(const struct vg_rule *r);
const char *vg_rule_desc(const struct vg_rule *r);
const char *vg_rule_source(const struct vg_rule *r);
const char *vg_rule_output_format(const struct vg_rule *r);
const char *vg_rule_condition(const struct vg_rule *r); /* macros inlined */
/* The vigil extension "action:" (deny, kill, ...), or NULL. */
const char *vg_rule_action(const struct vg_rule *r);
/* The rule's "enforce:" mode (enum vg_enf_mode), or -1 when it has none. */
int vg_rule_enforce_mode(const struct vg_rule *r);
/* "force: true": enforce even what the enforcement compiler refuses as too broad. */
bool vg_rule_enforce_force(const struct vg_rule *r);
/* Where the rule is defined; NULL when unknown. */
const char *vg_rule_file(const struct vg_rule *r, int *line, int *col);
enum vg_priority vg_rule_priority(const struct vg_rule *r);
bool vg_rule_enabled(const struct vg_rule *r);
const char *const *vg_rule_tags(const struct vg_rule *r, size_t *n);
/* The tags an alert carries: sorted, each once, at most VG_ALERT_TAGS_MAX (built at compile). */
#define VG_ALERT_TAGS_MAX 64
const char *const *vg_rule_tag_set(const struct vg_rule *r, size_t *n);
const struct vg_evtset *vg_rule_evttypes(const struct vg_rule *r);

#endif
