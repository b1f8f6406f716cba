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

#define CG_NAME_LEN  128 /* > the longest id-shaped name, cri-containerd-<id>.scope (85) */
#define CG_DEPTH_MAX 64	 /* components user space's cgroup path parser looks at */
#define CG_ID_LEN    VG_ENF_CFULLID_LEN

/* Scratch of the cgroup walk: the name at hand and the outermost ids found. */
struct enf_cgroup {
	char name[CG_NAME_LEN];
	char cand[CG_ID_LEN];	/* the name's id-shaped run */
	char shaped[CG_ID_LEN]; /* outermost <runtime>-<id>[.scope] */
	char bare[CG_ID_LEN];	/* outermost bare <id> */
	__u8 shaped_kind;	/* enum cg_kind of shaped */
	__u8 has_bare;
};

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
	struct enf_cgroup cg;
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
		s->key.prefixlen = 8 + 8 * n; /* the field byte, then the string */
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

/* ---- the container id, from the names of the task's cgroup v2 and its ancestors ---- */

/* kernfs_node.parent became __parent in 6.15 */
struct kernfs_node___v615 {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	struct kernfs_node___v615 *v615 = (void *)kn;
	struct kernfs_node___old *old = (void *)kn;

	if (bpf_core_field_exists(v615->__parent))
		return BPF_CORE_READ(v615, __parent);
	return BPF_CORE_READ(old, parent);
}

enum cg_kind {
	CG_NONE,
	CG_CONTAINER, /* a runtime's <prefix><id>[.scope] */
	CG_MONITOR,   /* conmon of CRI-O or Podman: the host's, as in user space */
	CG_BARE,      /* just the 64 hex digits */
};

/* len is a constant once inlined: clang unrolls this, no pragma needed (or possible) */
static __always_inline bool cg_prefix_is(const char *name, const char *lit, int len)
{
	for (int i = 0; i < len; i++)
		if (name[i] != lit[i])
			return false;
	return true;
}

static __always_inline bool cg_hex64(const char *id)
{
#pragma clang loop unroll(full)
	for (int i = 0; i < CG_ID_LEN; i++) {
		char c = id[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/*
 * The shapes of engine/container/cgroup_path.c, decided by where the 64
 * digits start (the prefix's length) and whether ".scope" follows.
 */
static __always_inline enum cg_kind cg_prefix_kind(const char *name, __u32 start, bool scope)
{
	switch (start) {
	case 0: return scope ? CG_NONE : CG_BARE;
	case 5: return cg_prefix_is(name, "crio-", 5) ? CG_CONTAINER : CG_NONE;
	case 7:
		if (cg_prefix_is(name, "libpod-", 7))
			return CG_CONTAINER;
		return scope && cg_prefix_is(name, "docker-", 7) ? CG_CONTAINER : CG_NONE;
	case 12: return cg_prefix_is(name, "crio-conmon-", 12) ? CG_MONITOR : CG_NONE;
	case 14: return cg_prefix_is(name, "libpod-conmon-", 14) ? CG_MONITOR : CG_NONE;
	case 15: return scope && cg_prefix_is(name, "cri-containerd-", 15) ? CG_CONTAINER : CG_NONE;
	}
	return CG_NONE;
}

/* The kind of a cgroup name of len bytes (in cg->name); its id is then in cg->cand. */
static __always_inline enum cg_kind cg_classify(struct enf_cgroup *cg, __u32 len)
{
	__u32 end = len, start;
	bool scope = false;
	enum cg_kind kind;

	if (len < CG_ID_LEN || len >= CG_NAME_LEN)
		return CG_NONE;
	if (len >= CG_ID_LEN + 6) {
		const char *t = &cg->name[(len - 6) & (CG_NAME_LEN - 1)];

		/* t[0..5] is within name: len - 6 + 5 < CG_NAME_LEN */
		scope = cg_prefix_is(t, ".scope", 6);
	}
	if (scope)
		end -= 6;
	start = end - CG_ID_LEN; /* < CG_NAME_LEN - CG_ID_LEN: the mask below keeps it so */
	if ((kind = cg_prefix_kind(cg->name, start, scope)) == CG_NONE)
		return CG_NONE;
	bpf_probe_read_kernel(cg->cand, CG_ID_LEN,
			      &cg->name[start & (CG_NAME_LEN - CG_ID_LEN - 1)]);
	return cg_hex64(cg->cand) ? kind : CG_NONE;
}

/* One cgroup of a walk, innermost first: an outer find replaces an inner one. */
static __always_inline void cg_visit(struct enf_cgroup *cg, struct kernfs_node *kn)
{
	enum cg_kind kind;
	long n = bpf_probe_read_kernel_str(cg->name, CG_NAME_LEN, BPF_CORE_READ(kn, name));

	if (n <= 1)
		return;
	kind = cg_classify(cg, n - 1);
	if (kind == CG_BARE) {
		__builtin_memcpy(cg->bare, cg->cand, CG_ID_LEN);
		cg->has_bare = 1;
	} else if (kind != CG_NONE) {
		__builtin_memcpy(cg->shaped, cg->cand, CG_ID_LEN);
		cg->shaped_kind = kind;
	}
}

/* The id of a walked path, as user space reads it; NULL when it names no container. */
static __always_inline const char *cg_id(struct enf_cgroup *cg)
{
	if (cg->shaped_kind == CG_CONTAINER)
		return cg->shaped;
	if (cg->shaped_kind == CG_NONE && cg->has_bare)
		return cg->bare;
	return NULL;
}

#define CG_SUBSYS_MAX 16 /* bounds CGROUP_SUBSYS_COUNT (12 to 14 in practice) */

/* bpf_loop's context: on the stack, read with plain loads (no CO-RE on it). */
struct cg_walk {
	struct enf_cgroup *cg;
	struct kernfs_node *kn; /* next cgroup up; NULL: this hierarchy is done */
	void *subsys;		/* &task->cgroups->subsys[0] */
	__u32 next, nsubsys;	/* the next v1 controller to look at */
	__u32 v1;		/* the cgroup2 one is the root: ask the v1 hierarchies */
};

/* Starts the walk of the next controller's cgroup that is not a root; false when none is left. */
static __always_inline bool cg_next_v1(struct cg_walk *w)
{
	struct cgroup_subsys_state *css = NULL;
	struct cgroup *cgrp;
	__u32 i = w->next++;

	if (i >= w->nsubsys || i >= CG_SUBSYS_MAX)
		return false;
	bpf_probe_read_kernel(&css, sizeof(css), w->subsys + i * sizeof(css));
	cgrp = BPF_CORE_READ(css, cgroup);
	if (cgrp && BPF_CORE_READ(cgrp, level) > 0) {
		w->kn = BPF_CORE_READ(cgrp, kn);
		w->cg->shaped_kind = CG_NONE;
		w->cg->has_bare = 0;
	}
	return true;
}

static long cg_step(__u32 i, void *ctx)
{
	struct cg_walk *w = ctx;
	struct kernfs_node *kn = w->kn;

	if (kn) {
		cg_visit(w->cg, kn);
		w->kn = kn_parent(kn);
		return 0;
	}
	if (cg_id(w->cg) || !w->v1)
		return 1;
	return cg_next_v1(w) ? 0 : 1;
}

/*
 * container.id and container.full_id as user space derives them from the
 * cgroup path (engine/container/): the outermost runtime-shaped component,
 * else the outermost bare 64-hex one; a conmon cgroup is the host's. The
 * cgroup2 path counts, unless it is the root: then the first v1 controller
 * whose path names a container (a v1 or hybrid host). Read from the
 * kernel's own cgroup names at the hook, so a container is known from its
 * first exec, before user space has heard of it.
 */
static __always_inline void match_container(struct enf_subject *s, const struct vg_enf_conf *conf,
					    struct task_struct *task)
{
	struct css_set *cset = BPF_CORE_READ(task, cgroups);
	struct cgroup *dfl = BPF_CORE_READ(cset, dfl_cgrp);
	struct cg_walk w = {.cg = &s->cg};
	const char *id;

	if (!(conf->str_fields & ((1u << VG_ENF_F_CID) | (1u << VG_ENF_F_CFULLID))))
		return;
	s->cg.shaped_kind = CG_NONE;
	s->cg.has_bare = 0;
	w.kn = BPF_CORE_READ(dfl, kn);
	w.v1 = BPF_CORE_READ(dfl, level) == 0;
	w.subsys = (void *)cset + bpf_core_field_offset(struct css_set, subsys);
	w.nsubsys = bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
	bpf_loop(CG_DEPTH_MAX * 4, cg_step, &w, 0);
	if (!(id = cg_id(&s->cg)))
		return;
	match_str(s, conf, VG_ENF_F_CID, id, VG_ENF_CID_LEN);
	match_str(s, conf, VG_ENF_F_CFULLID, id, VG_ENF_CFULLID_LEN);
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
	match_container(s, conf, task);
}

#endif
