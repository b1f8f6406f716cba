/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rule keys: for each event type, which of its rules an event can match at
 * all, found from a few of the event's field values instead of running
 * every rule.
 *
 * Most rules can only hold when some field has one of a few values,
 * starts or ends with one of a few literals, or contains one: "fd.name in
 * (sensitive_file_names) or fd.directory in (/etc/pam.d)", "proc.exe
 * startswith /dev/shm/", "fd.name endswith release_agent", "proc.cmdline
 * contains stratum+tcp". The compiler derives that necessary condition from
 * each rule's program (an and needs any one of its children's, an or all of
 * them) and files the rule under every value, prefix, suffix or substring
 * it names, per field. Per event, one lookup per field and value gives the
 * rules that may match; only those, and the rules no key bounds, run.
 */
#ifndef VIGIL_RULES_KEYS_H
#define VIGIL_RULES_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct vg_ruleset;
struct vg_cexpr;

/*
 * Literals as a byte trie in one array, node 0 the root. It is built with
 * first-child / next-sibling links, then laid out so that each node's
 * children sit next to each other, sorted by byte. A node where a literal
 * ends names its row of rule bits.
 */
struct vg_key_trie {
	struct vg_key_trie_node {
		uint32_t child;	 /* the first child (0: none; the root is nobody's child) */
		uint32_t nchild; /* laid out: how many children follow child */
		uint32_t next;	 /* while building: the next sibling */
		uint32_t row;	 /* 1 + the row of the rules a literal ending here needs */
		uint8_t byte;
	} * v;
	size_t n, cap;
};

/* The values of one field that make rules candidates. */
struct vg_rule_key {
	uint32_t slot; /* the field's per-event cache slot */
	const struct vg_cexpr *field;
	bool number;		  /* an integer field: its values' 8 bytes are looked up */
	struct vg_strset exact;	  /* values the field must equal */
	uint32_t *exact_row;	  /* per exact.tab entry: 1 + its row */
	struct vg_key_trie start; /* literals the field must start with */
	struct vg_key_trie end;	  /* ... end with, stored reversed */
	struct vg_key_needle {
		char *s;
		uint32_t len, row;
	} * needles; /* ... contain */
	size_t nneedles, needles_cap;
	uint64_t *rows; /* nrows rows of nwords rule bits, by_type order */
	size_t nrows, rows_cap;
};

/* The keys of one event type. */
struct vg_type_keys {
	struct vg_rule_key *keys;
	size_t nkeys, nwords;
	uint64_t *unkeyed; /* the rules no key bounds: they always run */
};

/* Builds the keys of event type t from its programs; rs->compiled.keys[t] stays NULL when none. */
bool vg_keys_build(struct vg_ruleset *rs, uint16_t t);
void vg_keys_free(struct vg_type_keys *tk);

/* ORs into cand the rules (nwords bits) that value s may let match; h = vg_hash(s, len). */
void vg_key_lookup(const struct vg_rule_key *k, size_t nwords, const char *s, uint32_t len,
		   uint64_t h, uint64_t *cand);

/* Whether the key has exact values (the lookup then needs the value's hash). */
static inline bool vg_key_needs_hash(const struct vg_rule_key *k)
{
	return k->exact.n > 0;
}

#endif
