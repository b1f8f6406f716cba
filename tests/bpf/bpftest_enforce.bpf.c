// SPDX-License-Identifier: GPL-2.0
/*
 * The enforcement matcher (probes/enforce_match.bpf.h) on a subject
 * tests/bpf/test_bpf_enforce.c writes into the globals below, with the
 * policy maps filled by the engine (vg_enf_policy_build, vg_enf_maps_fill):
 * the string, number and address lookups, the comparisons and the first
 * conjunction that holds, as the enforcement hooks run them.
 */
#include "enforce_match.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* The operation (one enum vg_enf_op bit) and its fields; len 0: field absent. */
__u32 op;
char str[VG_ENF_F__STR][VG_ENF_STR_MAX + 1];
__u32 str_len[VG_ENF_F__STR];
__u64 num[NUMS];
__u32 has_num; /* bit per numeric field, from VG_ENF_F__STR */
struct vg_enf_net_key addr;
__u32 has_addr;

/* The decision: the conjunction's rule, action and mode. */
__u32 rule;
__u32 action;
__u32 mode;

/* Returns 1 when a conjunction holds, 0 when none does, -1 on a setup failure. */
SEC("raw_tp")
int decide(void *ctx)
{
	const struct vg_enf_conf *conf = enf_config();
	const struct vg_enf_conj *c;
	struct enf_subject *s;

	if (!conf || !(s = enf_subject_begin(op)))
		return -1;
#pragma clang loop unroll(full)
	for (__u32 f = 0; f < VG_ENF_F__STR; f++)
		match_str(s, conf, f, str[f], str_len[f] & 0x1ff);
#pragma clang loop unroll(full)
	for (__u32 i = 0; i < NUMS; i++)
		if (has_num & (1u << i))
			set_num(s, VG_ENF_F__STR + i, num[i]);
	if (has_addr) {
		s->addr = addr;
		s->has_addr = 1;
	}
	if (!(c = enf_decide(s, conf)))
		return 0;
	rule = c->rule;
	action = c->action;
	mode = c->mode;
	return 1;
}
