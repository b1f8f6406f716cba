/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy matcher of probes/enforce.bpf.c: an operation's subject
 * (binary, parent, user, target) becomes a set of predicate bits through
 * a handful of map lookups, then the conjunctions are tested against it.
 * The maps and their meaning are in include/vigil/enforce.h.
 */
#ifndef VIGIL_ENFORCE_MATCH_BPF_H
#define VIGIL_ENFORCE_MATCH_BPF_H

#include "vigil.bpf.h"
#include "vigil/enforce.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_enf_conf);
} enf_conf SEC(".maps");

/* Sizes of the maps below are set from the policy before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_enf_conj);
} enf_conj SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_enf_cmp);
} enf_cmp SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct vg_enf_str_key);
	__type(value, struct vg_enf_mask);
} enf_str SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vg_enf_prefix_key);
	__type(value, struct vg_enf_mask);
} enf_prefix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct vg_enf_num_key);
	__type(value, struct vg_enf_mask);
} enf_num SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vg_enf_net_key);
	__type(value, struct vg_enf_mask);
} enf_net SEC(".maps");

#define NUMS (VG_ENF_F__NUM - VG_ENF_F__STR)

/* What one operation is about, and the bits it sets. Lives in per-CPU scratch. */
struct enf_subject {
	struct vg_enf_prefix_key key; /* its field..s is also the exact-match key */
	struct vg_enf_mask bits;
	__u64 num[NUMS];
	__u32 has_num; /* bit per enum vg_enf_field, from VG_ENF_F__STR */
	__u8 op;
	__u8 has_addr;
	__u16 pad;
	struct vg_enf_net_key addr;
	__u32 hit; /* index of the matching conjunction, or ~0 */
	struct path_buf pb;
	char filename[NAME_MASK + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct enf_subject);
} enf_scratch SEC(".maps");

static __always_inline struct vg_enf_conf *enf_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&enf_conf, &zero);
}

static __always_inline void or_bits(struct vg_enf_mask *acc, const struct vg_enf_mask *m)
{
#pragma clang loop unroll(full)
	for (int i = 0; i < VG_ENF_PRED_WORDS; i++)
		acc->w[i] |= m->w[i];
}

/* Sets the bits of string field f with len bytes at src (kernel memory). */
static __always_inline void match_str(struct enf_subject *s, const struct vg_enf_conf *conf,
				      __u32 f, const char *src, __u32 len)
{
	bool exact = conf->str_fields & (1u << f), prefix = conf->prefix_fields & (1u << f);
	struct vg_enf_mask *m;
	__u32 n = len;

	if ((!exact && !prefix) || len == 0)
		return;
	if (n > VG_ENF_STR_MAX)
		n = VG_ENF_STR_MAX;
	__builtin_memset(s->key.s, 0, sizeof(s->key.s));
	s->key.field = f;
	/* n <= VG_ENF_STR_MAX (255) already; the mask makes the verifier see it */
	asm volatile("" : "+r"(n));
	n &= 0xff;
	bpf_probe_read_kernel(s->key.s, n, src);
	if (exact && len <= VG_ENF_STR_MAX && (m = bpf_map_lookup_elem(&enf_str, &s->key.field)))
		or_bits(&s->bits, m);
	if (prefix) {
		s->key.prefixlen = 32 + 8 * n;
		if ((m = bpf_map_lookup_elem(&enf_prefix, &s->key)))
			or_bits(&s->bits, m);
	}
}

static __always_inline void set_num(struct enf_subject *s, __u32 f, __u64 v)
{
	__u32 i = f - VG_ENF_F__STR;

	if (i < NUMS) {
		s->num[i] = v;
		s->has_num |= 1u << i;
	}
}

/* Equality bits of every numeric field the subject has. */
static __always_inline void match_nums(struct enf_subject *s, const struct vg_enf_conf *conf)
{
	struct vg_enf_num_key k = {};
	struct vg_enf_mask *m;

	/* unrolled: older verifiers (6.1) refuse back-edges here */
#pragma clang loop unroll(full)
	for (__u32 i = 0; i < NUMS; i++) {
		if (!(s->has_num & (1u << i)) || !(conf->num_fields & (1u << (i + VG_ENF_F__STR))))
			continue;
		k.field = i + VG_ENF_F__STR;
		k.value = s->num[i];
		if ((m = bpf_map_lookup_elem(&enf_num, &k)))
			or_bits(&s->bits, m);
	}
}

/* bpf_loop's context must live on the stack: it carries the subject's address. */
struct loop_ctx {
	struct enf_subject *s;
};

static long cmp_one(__u32 i, void *ctx)
{
	struct enf_subject *s = ((struct loop_ctx *)ctx)->s;
	struct vg_enf_cmp *c = bpf_map_lookup_elem(&enf_cmp, &i);
	__u32 f;
	__s64 v;
	bool hit;

	if (!c)
		return 1;
	f = c->field - VG_ENF_F__STR;
	if (f >= NUMS || !(s->has_num & (1u << f)))
		return 0;
	v = (__s64)s->num[f];
	switch (c->op) {
	case VG_ENF_CMP_LT: hit = v < c->value; break;
	case VG_ENF_CMP_LE: hit = v <= c->value; break;
	case VG_ENF_CMP_GT: hit = v > c->value; break;
	default: hit = v >= c->value; break;
	}
	if (hit)
		s->bits.w[(c->bit / 64) & (VG_ENF_PRED_WORDS - 1)] |= 1ull << (c->bit % 64);
	return 0;
}

static long conj_one(__u32 i, void *ctx)
{
	struct enf_subject *s = ((struct loop_ctx *)ctx)->s;
	const struct vg_enf_conj *c = bpf_map_lookup_elem(&enf_conj, &i);

	if (!c)
		return 1;
	if (!(c->ops & s->op))
		return 0;
#pragma clang loop unroll(full)
	for (int w = 0; w < VG_ENF_PRED_WORDS; w++) {
		if ((s->bits.w[w] & c->must.w[w]) != c->must.w[w] ||
		    (s->bits.w[w] & c->must_not.w[w]))
			return 0;
	}
	s->hit = i;
	return 1;
}

/*
 * After the string fields: the numbers, the address, the comparisons, then
 * the first conjunction that holds. User space orders conjunctions so that
 * enforcing rules come before auditing ones.
 */
static __always_inline const struct vg_enf_conj *enf_decide(struct enf_subject *s,
							    const struct vg_enf_conf *conf)
{
	struct loop_ctx lc = {.s = s};
	struct vg_enf_mask *m;

	match_nums(s, conf);
	if (s->has_addr && conf->net && (m = bpf_map_lookup_elem(&enf_net, &s->addr)))
		or_bits(&s->bits, m);
	if (conf->ncmp)
		bpf_loop(conf->ncmp, cmp_one, &lc, 0);
	s->hit = ~0u;
	bpf_loop(conf->nconj, conj_one, &lc, 0);
	/* a map value pointer kept in a map loses its type: look the hit up again */
	return s->hit == ~0u ? NULL : bpf_map_lookup_elem(&enf_conj, &s->hit);
}

static __always_inline struct enf_subject *enf_subject_begin(__u8 op)
{
	__u32 zero = 0;
	struct enf_subject *s = bpf_map_lookup_elem(&enf_scratch, &zero);

	if (!s)
		return NULL;
	__builtin_memset(&s->bits, 0, sizeof(s->bits));
	s->has_num = 0;
	s->has_addr = 0;
	s->op = op;
	return s;
}

/* Resolves path into the subject's buffer; returns its start, length in *len. */
static __always_inline __u32 enf_walk(struct enf_subject *s, const struct path *path, __u32 *len)
{
	__u16 flags = 0;
	__u32 start = walk_path(path, s->pb.data, &flags) & (VG_PATH_MAX - 1);

	*len = VG_PATH_MAX - start;
	return start;
}

/* Bits of a binary's path (f is VG_ENF_F_EXE or VG_ENF_F_PEXE). */
static __always_inline void match_file_path(struct enf_subject *s, const struct vg_enf_conf *conf,
					    __u32 f, struct file *file)
{
	__u32 len, start;

	if (!file || !((conf->str_fields | conf->prefix_fields) & (1u << f)))
		return;
	start = enf_walk(s, &file->f_path, &len);
	match_str(s, conf, f, &s->pb.data[start], len);
}

static __always_inline void match_comm(struct enf_subject *s, const struct vg_enf_conf *conf,
				       __u32 f, struct task_struct *task)
{
	char comm[VG_COMM_LEN];
	long n;

	if (!((conf->str_fields | conf->prefix_fields) & (1u << f)))
		return;
	n = bpf_probe_read_kernel_str(comm, sizeof(comm), task->comm);
	if (n > 1)
		match_str(s, conf, f, comm, n - 1);
}

/* The fields every operation has: the caller's parent, user, and whether in a container. */
static __always_inline void match_task(struct enf_subject *s, const struct vg_enf_conf *conf,
				       struct task_struct *task)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	const struct cred *cred = BPF_CORE_READ(task, cred);
	struct pid *pid = BPF_CORE_READ(task, thread_pid);

	match_file_path(s, conf, VG_ENF_F_PEXE, BPF_CORE_READ(parent, mm, exe_file));
	match_comm(s, conf, VG_ENF_F_PCOMM, parent);
	set_num(s, VG_ENF_F_UID, BPF_CORE_READ(cred, uid.val));
	if (bpf_core_field_exists(task->loginuid))
		set_num(s, VG_ENF_F_LOGINUID, BPF_CORE_READ(task, loginuid.val));
	set_num(s, VG_ENF_F_CONTAINER, BPF_CORE_READ(pid, level) > 0);
}

#endif
