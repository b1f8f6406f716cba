/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-event evaluation state: field caches, memos, scratch, the event
 * being evaluated, the field environment. Written on every event (eval.c,
 * format.c, seq_state.c) and sized once by the compiler (eval_state.c);
 * apart from the YAML items and the compiled rules, which evaluation only
 * reads, so that what changes per event is in one place.
 */
#ifndef VIGIL_RULES_EVAL_STATE_H
#define VIGIL_RULES_EVAL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fields/registry.h"
#include "rules/seq.h"

/*
 * One cached extraction: n values at off in the ruleset's value arena
 * (fvals), which fills up in the order fields are first read in an event,
 * so one event's values sit together. fhash[off + i] is value i's vg_hash
 * when bit i of hashed is set.
 */
struct vg_fslot {
	uint64_t gen;
	uint64_t hashed;
	uint32_t off, n;
	enum vg_ftype type;
	bool truncated;
};

/*
 * Per-event caches (eval.c). Each distinct field and argument has a slot
 * (vg_compiled's layout) and is extracted at most once per event; each
 * shared subtree has a memo. An entry is valid while its generation equals
 * the state's. Extractors write into env.scratch, which lives as long as
 * the event; transformers into xscratch, reset per check.
 */
struct vg_eval_state {
	struct vg_fenv env;
	struct vg_xval *pool; /* extraction buffers, one per transformer depth */
	char *xtext;	      /* an extra field's rendered text for output_fields (format.c) */
	size_t xtext_cap;
	struct vg_fslot *slots;
	struct vg_value *fvals; /* nslots * VG_XVAL_MAX: no event can need more */
	uint64_t *fhash;
	size_t nfvals;
	struct vg_xval xtmp;	       /* where an extractor writes before the values are filed */
	uint64_t *memos;	       /* generation << 1 | result; [0] unused */
	uint64_t *candidates;	       /* room for the largest type's rule bits */
	uint64_t fgen, mgen;	       /* field slots, memos */
	const struct vg_eval_ctx *cur; /* the event the caches hold, during an evaluation */
	uint16_t cur_type;
	struct vg_scratch xscratch;
	const struct vg_seq_entry *seq_cur; /* the partial match captures come from (seq.h) */
	struct vg_seq_done seq_done;	    /* the match an alert reports, during its callback */
};

#endif
