/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-kernel enforcement: the policy maps user space compiles from rules
 * with an `action:`, and the decision record the probe sends back. Shared
 * verbatim by probes/enforce.bpf.c and engine/enforce/.
 *
 * A rule's condition becomes a disjunction of conjunctions over
 * predicates. Each predicate is one bit. An event's bits come from a few
 * map lookups, one per field the policy uses: exact strings in a hash
 * map, prefixes in an LPM trie (a prefix entry carries the bits of every
 * shorter prefix of it, so the longest match is enough), numbers in a
 * hash map, addresses in an LPM trie, and ordering comparisons from a
 * short array. A conjunction matches when all its "must" bits are set and
 * none of its "must not" bits is. Lists of any length cost one lookup.
 */
#ifndef VIGIL_ENFORCE_H
#define VIGIL_ENFORCE_H
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VG_ENF_STR_MAX	   255 /* bytes of a path or name the kernel compares */
#define VG_ENF_PRED_WORDS  8   /* predicates per policy: 64 per word */
#define VG_ENF_PRED_MAX	   (64 * VG_ENF_PRED_WORDS)
#define VG_ENF_CID_LEN	   12 /* container.id: the first 12 of the 64 hex digits */
#define VG_ENF_CFULLID_LEN 64

/* Operations a rule may enforce on, as a bit set. */
enum vg_enf_op {
	VG_ENF_OP_EXEC = 1 << 0,
	VG_ENF_OP_OPEN = 1 << 1,
	VG_ENF_OP_CONNECT = 1 << 2,
};

/* What the kernel can decide, and where each value comes from. */
enum vg_enf_field {
	/* strings: exact, prefix */
	VG_ENF_F_EXE,	   /* the binary's path (exec: the new one) */
	VG_ENF_F_COMM,	   /* proc.name: the task's comm (exec: as the kernel will set it) */
	VG_ENF_F_PEXE,	   /* the parent's binary */
	VG_ENF_F_PCOMM,	   /* the parent's comm */
	VG_ENF_F_PATH,	   /* open: the file's resolved path */
	VG_ENF_F_DIR,	   /* open: its directory */
	VG_ENF_F_FILENAME, /* open: its last component */
	VG_ENF_F_CID,	   /* container.id: 12 hex digits, from the task's cgroup name */
	VG_ENF_F_CFULLID,  /* container.full_id: 64 hex digits, from the same */
	VG_ENF_F__STR,
	/* numbers: equality through the hash map, order through compares */
	VG_ENF_F_UID = VG_ENF_F__STR,
	VG_ENF_F_LOGINUID,   /* (u32)-1 when unset */
	VG_ENF_F_CONTAINER,  /* 0 in the host pid namespace, 1 in another */
	VG_ENF_F_OPEN_READ,  /* open: 1 if opened for reading */
	VG_ENF_F_OPEN_WRITE, /* open: 1 if opened for writing */
	VG_ENF_F_DPORT,	     /* connect: destination port */
	VG_ENF_F__NUM,
	/* address: CIDR */
	VG_ENF_F_DADDR = VG_ENF_F__NUM, /* connect: destination, IPv4 mapped into IPv6 */
	VG_ENF_F__MAX,
};

struct vg_enf_mask {
	__u64 w[VG_ENF_PRED_WORDS];
};

struct vg_enf_str_key {
	__u8 field;
	char s[VG_ENF_STR_MAX]; /* zero-padded */
};

struct vg_enf_prefix_key {
	__u32 prefixlen; /* bits: 8 for field, then 8 per byte of s */
	__u8 field;
	char s[VG_ENF_STR_MAX];
};

struct vg_enf_num_key {
	__u32 field;
	__u32 pad;
	__u64 value;
};

struct vg_enf_net_key {
	__u32 prefixlen; /* of the 128-bit address */
	__u8 addr[16];
};

enum vg_enf_cmp_op {
	VG_ENF_CMP_LT,
	VG_ENF_CMP_LE,
	VG_ENF_CMP_GT,
	VG_ENF_CMP_GE,
};

struct vg_enf_cmp {
	__u8 field;
	__u8 op; /* enum vg_enf_cmp_op */
	__u16 bit;
	__u32 pad;
	__s64 value;
};

enum vg_enf_action {
	VG_ENF_ACT_DENY = 1, /* the operation fails with EPERM (LSM); kill where no LSM */
	VG_ENF_ACT_KILL = 2, /* the process gets SIGKILL (and, with LSM, the operation fails) */
};

enum vg_enf_mode {
	VG_ENF_MODE_OFF = 0,
	VG_ENF_MODE_AUDIT = 1, /* decide and report; change nothing */
	VG_ENF_MODE_ON = 2,
};

struct vg_enf_conj {
	__u32 rule; /* index into the policy's rules */
	__u8 ops;   /* enum vg_enf_op bits this conjunction applies to */
	__u8 action;
	__u8 mode;
	__u8 pad;
	struct vg_enf_mask must, must_not;
};

/* Policy-wide settings, one entry. */
struct vg_enf_conf {
	__u32 nconj;
	__u32 ncmp;
	__u32 str_fields;    /* bits of enum vg_enf_field with exact entries */
	__u32 prefix_fields; /* ... with prefix entries */
	__u32 num_fields;    /* ... with numeric entries */
	__u32 net;	     /* 1 if there are address entries */
	__u32 self_protect;  /* deny SIGKILL/SIGSTOP and ptrace of vigil (LSM tier) */
	__u32 ops;	     /* enum vg_enf_op bits some conjunction applies to */
};

enum vg_enf_tier {
	VG_ENF_TIER_LSM = 1,
	VG_ENF_TIER_SIGNAL = 2,
};

enum vg_enf_result {
	VG_ENF_RES_DENIED = 1,	  /* the operation failed with EPERM */
	VG_ENF_RES_KILLED = 2,	  /* SIGKILL sent */
	VG_ENF_RES_DENIED_KILLED, /* both */
	VG_ENF_RES_AUDIT,	  /* audit mode: what would have been done is in action */
	VG_ENF_RES_FAILED,	  /* the signal could not be sent */
};

/* Pseudo rule ids for decisions that come from no rule. */
#define VG_ENF_RULE_SELF_SIGNAL (~0u)	  /* a fatal signal to vigil, denied */
#define VG_ENF_RULE_SELF_PTRACE (~0u - 1) /* a ptrace of vigil, denied */

/* VG_VAR_ENFORCE of a record with VG_HF_ENFORCE. */
struct vg_enforce_info {
	__u32 rule;
	__u8 op; /* one enum vg_enf_op bit; 0 for self-protection */
	__u8 action;
	__u8 mode;
	__u8 tier;
	__u8 result;
	__u8 pad[3];
	__u32 target_pid; /* self-protection: vigil's pid; else 0 */
};

#endif /* VIGIL_ENFORCE_H */
