/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sequence and threshold rules (docs/rules.md, "Sequences and thresholds").
 *
 * The loader reads a rule's `sequence:` or `threshold:` map into a
 * vg_seq_item (seq_load.c). The compiler (seq_compile.c) turns every step
 * into an ordinary compiled rule, so that steps are indexed by event type and
 * rule keys like any rule: the last positive step carries the rule's name,
 * output, exceptions and action; the others are hidden rules named
 * "rule/step". A threshold rule is its own condition. When the evaluator
 * finds that such a rule holds, it hands the event to the state machine
 * (seq_state.c) instead of raising an alert; the state machine raises the
 * alert when a sequence completes or a count is reached.
 *
 * State lives in per-rule tables bounded by a byte budget (reserved at load,
 * resident as keys arrive); windows run on event time (replay gives what
 * live gave); a full table evicts its least recently advanced entry and
 * counts it.
 */
#ifndef VIGIL_RULES_SEQ_H
#define VIGIL_RULES_SEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fields/registry.h"
#include "rules/eval.h"

struct vg_ruleset;
struct vg_rule;
struct vg_rule_item;
struct vg_cexpr;
struct vg_jbuf;
struct vg_scalar_loc;
struct vg_seq_entry;

#define VG_SEQ_MAX_STEPS     8	 /* positive and negative steps of one sequence */
#define VG_SEQ_MAX_CAPS	     8	 /* captured fields of one sequence, all steps */
#define VG_SEQ_CAP_BYTES     256 /* one captured string, cut there (hostile input) */
#define VG_SEQ_MAX_KEYS	     4	 /* fields of a composite key */
#define VG_SEQ_MAX_WINDOW    (24ull * 3600 * 1000000000ull)
#define VG_THR_MAX_COUNT     1024	   /* count: N event times are kept per key */
#define VG_THR_MAX_DISTINCT  256	   /* distinct: N values are kept per key */
#define VG_THR_VALUE_BYTES   32		   /* a distinct value's text, for %threshold.values */
#define VG_THR_OUT_VALUES    16		   /* values listed in an alert */
#define VG_SEQ_DEFAULT_BYTES (64ull << 20) /* sequence_state_max_bytes */
#define VG_SEQ_MIN_ENTRIES   16		   /* per rule, whatever the budget */

enum vg_seq_kind { VG_SEQ_SEQUENCE, VG_SEQ_THRESHOLD };

/* ---- what the YAML said (loader) ---- */

struct vg_seq_loc {
	int line, col;
};

struct vg_seq_text {
	char *s;
	struct vg_scalar_loc *loc; /* where it was written (allocated: vg_scalar_loc is internal) */
};

struct vg_seq_step_src {
	char *name; /* NULL for a negative step */
	bool negative;
	struct vg_seq_text cond;
	struct vg_seq_text caps[VG_SEQ_MAX_CAPS];
	size_t ncaps;
	struct vg_seq_text key[VG_SEQ_MAX_KEYS]; /* by_step, else empty */
	size_t nkey;
	struct vg_seq_loc loc;
};

struct vg_seq_item {
	enum vg_seq_kind kind;
	uint64_t within_ns;
	struct vg_seq_text by[VG_SEQ_MAX_KEYS];
	size_t nby;
	/* threshold */
	uint32_t count;
	struct vg_seq_text distinct; /* s NULL: count events */
	/* sequence */
	struct vg_seq_step_src steps[VG_SEQ_MAX_STEPS];
	size_t nsteps;
	bool until_exit;
	struct vg_seq_loc loc;
};

void vg_seq_item_free(struct vg_seq_item *it);

/* ---- compiled ---- */

enum vg_key_kind {
	VG_KEY_GLOBAL,	/* no key: one entry for the rule */
	VG_KEY_FIELDS,	/* field expressions, hashed */
	VG_KEY_PROC,	/* proc.pid: the process (pid and start time, so reuse differs) */
	VG_KEY_LINEAGE, /* proc.lineage: the process or one of its ancestors */
};

struct vg_seq_key {
	enum vg_key_kind kind;
	struct vg_cexpr *ex[VG_SEQ_MAX_KEYS];
	size_t n;
	char *text; /* as written, for the alert's "by" */
};

struct vg_seq_cap {
	uint8_t step; /* index in steps */
	char *name;   /* "download.fd.name" */
	char *field;  /* "fd.name" */
	struct vg_cexpr *ex;
	enum vg_ftype type;
};

struct vg_seq_cstep {
	char *name;
	bool negative;
	uint8_t before;	      /* negative: cancels while the next positive step is this one */
	uint8_t pos;	      /* positive: its rank among positive steps */
	struct vg_rule *rule; /* compiled condition (hidden, or the rule itself for the last) */
	struct vg_seq_key key;
	bool uses_caps;
};

struct vg_seq_table;

struct vg_seq {
	enum vg_seq_kind kind;
	struct vg_rule *owner; /* what raises the alert: enabled, name, output, action */
	uint64_t within_ns;
	struct vg_seq_key by; /* threshold's key */
	uint32_t count;
	struct vg_cexpr *distinct;
	struct vg_seq_cstep steps[VG_SEQ_MAX_STEPS];
	size_t nsteps, npos;
	struct vg_seq_cap caps[VG_SEQ_MAX_CAPS];
	size_t ncaps;
	bool until_exit;
	bool by_container;   /* a key names container.*: its entries end with the container */
	char *distinct_text; /* as written, for `vigil rules` */
	uint64_t def_hash;   /* the compiled definition: a reload carries state when unchanged */
	/* action: kill, done by user space on completion (seq_state.c) */
	bool kill;
	int enforce_mode;	  /* the rule's `enforce:`, -1 unset (enum vg_enf_mode) */
	int global_mode;	  /* vg_seq_set_enforce_mode; -1 (replay, tests): never act */
	struct vg_seq_table *tab; /* NULL until vg_seq_state_init */
	/* counters, for metrics */
	uint64_t evictions, expired, overflow, completed, exits;
	uint64_t carried, reload_dropped; /* entries a reload kept / dropped (on the new set) */
	uint64_t containers_gone;	  /* entries dropped because their container went */
	uint64_t last_evict_log_ns;
	uint64_t evict_logged;
};

/* While compiling a sequence's step or output: how step references resolve. */
struct vg_seq_cctx {
	struct vg_seq *seq;
	int step;    /* the positive step being compiled (index in steps); -1: none */
	bool output; /* the rule's output: every step may be named */
};

/* The match being reported, during the alert callback. */
struct vg_seq_done {
	const struct vg_seq *seq;
	const struct vg_seq_entry *e;
	uint64_t now_ns;
	/* action: kill on this match: what was done (enum vg_enf_mode / vg_enf_result) */
	bool enforced;
	int mode, result;
	uint32_t target_pid;
};

/* r is a sequence's step or a threshold: it alerts when its state says, not when it holds. */
bool vg_rule_stateful(const struct vg_rule *r);
/* Compiles a sequence or threshold item into rules appended to rs->compiled.rules. */
bool vg_seq_compile_item(struct vg_ruleset *rs, struct vg_rule_item *it);
/* How many more rules than items the ruleset's sequences need (hidden steps). */
size_t vg_seq_extra_rules(const struct vg_ruleset *rs);
/*
 * A field reference while compiling a sequence (rs->seqc set): a step's
 * capture, threshold.count/values. Sets *handled and returns the expression
 * (NULL with err on error). *handled false: an ordinary field, named *plain
 * when not NULL (the step's own "run.proc.name" is proc.name).
 */
struct vg_cexpr *vg_seq_compile_ref(struct vg_ruleset *rs, const char *name, const char **errcode,
				    char *err, size_t errlen, bool *handled, const char **plain);
/* A capture's or count's value (CX_CAPTURE) for the match in rs->ev.seq_cur / seq_done. */
void vg_seq_ref_values(struct vg_ruleset *rs, const struct vg_cexpr *e, struct vg_xval *x);
void vg_seq_free(struct vg_seq *s);

/* ---- what `vigil rules` and `vigil validate` show ---- */

/* A sequence's earlier step (rule/step): shown under its sequence, not as a rule. */
bool vg_rule_seq_hidden(const struct vg_rule *r);
/* Rules the user wrote: vg_ruleset_rule_count without the hidden steps. */
size_t vg_ruleset_visible_count(const struct vg_ruleset *rs);

struct vg_seq_info {
	enum vg_seq_kind kind;
	uint64_t within_ns;
	const char *by; /* the key as written, "" for none */
	uint32_t count;
	const char *distinct; /* NULL: count events */
	bool until_exit;
	const char *action; /* "kill" or NULL */
	size_t nsteps;
	struct vg_seq_info_step {
		const char *name; /* "not" for a negative step */
		bool negative;
		const char *key;	    /* this step's key as written */
		const char *condition;	    /* as compiled */
		const struct vg_rule *rule; /* its compiled condition: event types */
	} steps[VG_SEQ_MAX_STEPS];
};
/* r raises a sequence's or threshold's alerts: fills out; false for any other rule. */
bool vg_rule_seq_info(const struct vg_rule *r, struct vg_seq_info *out);

/* ---- state (seq_state.c) ---- */

/* Sizes every rule's table from max_bytes (0: VG_SEQ_DEFAULT_BYTES). False: out of memory. */
bool vg_seq_state_init(struct vg_ruleset *rs, uint64_t max_bytes);
void vg_seq_table_free(struct vg_seq_table *t);
/*
 * A reload: every sequence or threshold of next whose definition (name and
 * def_hash) is unchanged in prev takes prev's partial matches and counts;
 * those of changed or removed rules are dropped, counted on next
 * (vg_seq_reload_dropped). Call on the thread that evaluates events, at the
 * swap, before next sees an event. prev's tables are emptied.
 */
void vg_seq_state_carry(struct vg_ruleset *next, struct vg_ruleset *prev);
/* Entries the last carry dropped (changed or removed rules), and kept. */
uint64_t vg_seq_reload_dropped(const struct vg_ruleset *rs);
uint64_t vg_seq_reload_carried(const struct vg_ruleset *rs);
/* Bytes one tracked key takes for this rule. */
size_t vg_seq_entry_bytes(const struct vg_seq *s);

/*
 * The evaluator found r's condition true for the event, or r is a step that
 * uses captures and must be tried against its partial matches: runs the
 * state machine, calls fn for a completed match. Returns the matches
 * reported.
 */
size_t vg_seq_on_rule(struct vg_ruleset *rs, struct vg_rule *r, uint32_t prog,
		      const struct vg_eval_ctx *ctx, vg_match_fn fn, void *arg);
/*
 * The container with this id (container.id, 12 characters) was removed:
 * drops the entries of rules keyed on container.* whose events came from it.
 */
void vg_seq_on_container_gone(struct vg_ruleset *rs, const char *id);
/* A process exited (exit event of its leader): ends until_exit matches and its keys. */
void vg_seq_on_exit(struct vg_ruleset *rs, const struct vg_eval_ctx *ctx);

/* What an alert reports of the match it is for (alert.c writes it under "vigil"). */
struct vg_seq_report {
	enum vg_seq_kind kind;
	size_t nsteps;
	struct vg_seq_report_step {
		const char *name;
		uint64_t wall_ns;
		const char *evt_type;
		size_t ncaps;
		struct vg_seq_report_cap {
			const char *field;
			enum vg_ftype type;
			bool present; /* false: the field was missing when captured */
			struct vg_value v;
		} caps[VG_SEQ_MAX_CAPS];
	} steps[VG_SEQ_MAX_STEPS];
	/* threshold */
	uint64_t count, window_ms;
	const char *by; /* the key as written, or "" */
	bool distinct;
	size_t nvalues; /* up to VG_THR_OUT_VALUES distinct values, as text */
	struct vg_value values[VG_THR_OUT_VALUES];
	/* action: kill (vigil.enforcement) */
	bool enforced;
	int mode, result; /* enum vg_enf_mode, enum vg_enf_result */
	uint32_t target_pid;
};
/*
 * The global enforcement mode (enum vg_enf_mode) for the `action: kill` of
 * sequences and thresholds; until it is set (replay, tests), they never act.
 */
void vg_seq_set_enforce_mode(struct vg_ruleset *rs, int mode);

/* Fills out when r is raising a sequence or threshold alert now; false otherwise. */
bool vg_seq_report_get(const struct vg_ruleset *rs, const struct vg_rule *r,
		       struct vg_seq_report *out);

struct vg_seq_stats {
	const char *rule;
	enum vg_seq_kind kind;
	uint64_t entries, capacity, entry_bytes;
	uint64_t bytes; /* touched so far: the most keys ever held at once, times entry_bytes */
	uint64_t evictions, expired, overflow, completed;
	uint64_t exits;		  /* partial matches dropped because their process exited */
	uint64_t containers_gone; /* ... because the container of their key was removed */
};
/* Per-rule counters; false past the end. */
bool vg_seq_stats(const struct vg_ruleset *rs, size_t i, struct vg_seq_stats *out);
/*
 * Bytes the tables have touched (vg_seq_stats' bytes, all rules): what they
 * cost in memory; the rest of each table's share of the budget is address
 * space only until that many keys are live at once.
 */
uint64_t vg_seq_state_bytes(const struct vg_ruleset *rs);

/* evaluator hook (eval.c): the rule program at prog, for the current event */
bool vg_prog_value(struct vg_ruleset *rs, uint32_t prog, const struct vg_eval_ctx *ctx);

#endif
