/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The enforcement policy: rules with an `action:` compiled into the tables
 * include/vigil/enforce.h describes, ready to be written into the kernel's
 * maps. Compiling rejects, with the rule's file:line:column, every part of
 * a condition the kernel cannot decide synchronously.
 */
#ifndef VIGIL_ENFORCE_POLICY_H
#define VIGIL_ENFORCE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "enforce/names.h"
#include "vigil/enforce.h"

struct vg_ruleset;
struct vg_rule;

struct vg_enf_rule {
	const struct vg_rule *rule;
	uint8_t action; /* enum vg_enf_action */
	uint8_t mode;	/* enum vg_enf_mode, after the global mode */
};

/* An exact string (or, with prefix, a prefix) and the predicates it sets. */
struct vg_enf_str_ent {
	uint8_t field;
	bool prefix;
	char *s;
	size_t len;
	struct vg_enf_mask mask;
};

struct vg_enf_num_ent {
	uint8_t field;
	uint64_t value;
	struct vg_enf_mask mask;
};

struct vg_enf_net_ent {
	uint8_t addr[16]; /* IPv4 mapped into IPv6 */
	uint8_t prefixlen;
	struct vg_enf_mask mask;
};

struct vg_enf_policy {
	struct vg_enf_rule *rules;
	size_t nrules;
	struct vg_enf_conj *conjs; /* enforcing rules' first, then auditing ones' */
	size_t nconj;
	struct vg_enf_cmp *cmps;
	size_t ncmp;
	struct vg_enf_str_ent *strs;
	size_t nstrs;
	struct vg_enf_num_ent *nums;
	size_t nnums;
	struct vg_enf_net_ent *nets;
	size_t nnets;
	size_t npreds;
	struct vg_enf_conf conf;
};

struct vg_enf_opts {
	enum vg_enf_mode mode; /* the global mode: caps every rule's */
	bool self_protect;
	/* binaries no rule may deny the exec of, unless forced; NULL to skip */
	const char *self_exe;
	const char *init_exe;
};

/*
 * Compiles the enabled rules with an action. Prints each error to err as
 * "file:line:col: error CODE: rule 'name': ..." and returns how many there
 * were; *out is set only when there were none.
 */
int vg_enf_policy_build(const struct vg_ruleset *rs, const struct vg_enf_opts *opts,
			struct vg_enf_policy **out, FILE *err);
void vg_enf_policy_free(struct vg_enf_policy *p);
/* The same, protecting this host's vigil binary (/proc/self/exe) and init (/proc/1/exe). */
int vg_enf_policy_build_host(const struct vg_ruleset *rs, enum vg_enf_mode mode, bool self_protect,
			     struct vg_enf_policy **out, FILE *err);

/* What an operation is about, for matching in user space (tests, load-time checks). */
struct vg_enf_subject {
	uint8_t op; /* one enum vg_enf_op bit */
	const char *str[VG_ENF_F__STR];
	bool has_num[VG_ENF_F__NUM - VG_ENF_F__STR];
	uint64_t num[VG_ENF_F__NUM - VG_ENF_F__STR];
	bool has_addr;
	uint8_t addr[16];
};

/* The conjunction the kernel would pick for s, or NULL: the same algorithm, in C. */
const struct vg_enf_conj *vg_enf_policy_match(const struct vg_enf_policy *p,
					      const struct vg_enf_subject *s);

/* "off", "audit", "on" -> enum vg_enf_mode; -1 when unknown. */
int vg_enf_mode_parse(const char *s);

#endif
