/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The path prefilter's kernel side (vigil/prefilter.h): the trie, and the
 * decision for a walked path or a caller's raw path. probes/syscall.bpf.c
 * calls it on opens; tests/bpf/ calls the same functions on hand-built
 * paths (BPF_PROG_TEST_RUN), so what is tested is what runs.
 */
#ifndef VIGIL_PREFILTER_BPF_H
#define VIGIL_PREFILTER_BPF_H

#include "vigil.bpf.h"
#include "vigil/prefilter.h"
#include "vigil/syscalls.h"

/* The path prefilter's trie (vigil/prefilter.h); user space fills it from the rules. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, VG_PF_ENTRIES);
	__type(key, struct vg_pf_key);
	__type(value, struct vg_pf_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} path_filter SEC(".maps");

/* The lookup key is built here: 260 bytes are too many for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_pf_key);
} pf_key_scratch SEC(".maps");

/*
 * The path prefilter. For a syscall whose row has a prefilter bit, an open
 * of a path outside every set the rules need is dropped here, before a
 * record is built: its cost is one dentry walk and one trie lookup.
 *
 * What the state loses with it: the fd table gets no entry for the new fd.
 * Later events on that fd that carry the kernel's view of the file
 * (fchmod, fchdir, ...) still name it; those that do not (close, dup,
 * fcntl) find no entry and the fd table looks the fd up in /proc while
 * it is open. User space counts the paths of rules on close/dup/fcntl
 * that read fd.* into the sets (vg_prefilter_build), so what a rule
 * can see is never filtered; what is lost is only fd.* of unwatched files
 * on events no rule looks at.
 */
/*
 * The trie's answer for key, whose first n bytes (n <= VG_PF_KEY_MAX) are
 * those of a path of len bytes: in bit's set as a prefix, or as an exact
 * path when the whole path was compared.
 */
static __always_inline bool pf_match(struct vg_pf_key *key, __u32 n, __u32 len, __u64 bit)
{
	struct vg_pf_val *v;

	key->prefixlen = n * 8;
	v = bpf_map_lookup_elem(&path_filter, key);
	if (!v)
		return false;
	return (v->prefix & bit) || ((v->exact & bit) && v->len == len);
}

static __always_inline bool pf_lookup(const char *path, __u32 len, bool filled, __u64 bit)
{
	__u32 zero = 0, n = len;
	struct vg_pf_key *key = bpf_map_lookup_elem(&pf_key_scratch, &zero);

	if (!key)
		return true;
	if (!filled) {
		if (n > VG_PF_KEY_MAX)
			n = VG_PF_KEY_MAX;
		asm volatile("" : "+r"(n));
		n &= 2 * VG_PF_KEY_MAX - 1;
		if (n > VG_PF_KEY_MAX)
			return true;
		bpf_probe_read_kernel(key->path, n, path);
	}
	return pf_match(key, n, len, bit);
}

/*
 * Whether an open of row c with the caller's flags oflags writes, as user
 * space's evt.is_open_write decides it (fields/evt.c): O_WRONLY or O_RDWR
 * in the access mode (O_ACCMODE, 3); creat, without flags, always writes.
 * The same value, so the same answer: a write open is never dropped for
 * looking like a read.
 */
static __always_inline bool pf_open_writes(const struct vg_sc_conf *c, __u64 oflags)
{
	__u32 acc = oflags & 3;

	if (c->pf_oflags >= 6)
		return true;
	return acc == 1 || acc == 2;
}

/*
 * The bit an open is looked up under (vg_sc_conf.pf_read): a write open
 * under the row's prefilter bit, one that does not write under pf_read's
 * when the row has one, whose set lacks the paths only write opens can
 * match. 0: no set bounds this open, it is sent.
 */
static __always_inline __u64 pf_open_bit(const struct vg_sc_conf *c, bool writes)
{
	__u8 b = writes || !c->pf_read ? c->prefilter : c->pf_read;

	return b ? 1ull << ((b - 1) & (VG_PF_BITS - 1)) : 0;
}

struct base_copy {
	const char *path; /* a path ending at path[VG_PATH_MAX - 1] */
	char *key;
	__u32 max, len;
	bool whole; /* stopped at a "/" */
};

/* Words of the base name a key holds: key[1 + 8 * j .. 8 * j + 8] stays in the key. */
#define VG_PF_BASE_WORDS ((VG_PF_KEY_MAX - 1) / 8)

/*
 * Eight bytes of the base name, from the end, reversed behind the mark:
 * key[1 + i] = name[len - 1 - i] for i in [8 * j, 8 * j + 8). A byte
 * swap reverses the word, and the first "/" in it is found with the
 * carry-free zero-byte test, so a name costs one step per eight bytes
 * where it took one per byte (a bpf_loop step costs more than the bytes).
 */
static long base_step(__u32 j, void *ctx)
{
	const __u64 ones = 0x7f7f7f7f7f7f7f7full, slashes = 0x2f2f2f2f2f2f2f2full;
	struct base_copy *b = ctx;
	__u64 w, x, t, low;
	__u32 i = j * 8, valid, k, off;
	__u64 ko; /* 64-bit: a u32's zero-extension copy would carry the bound, not ko */

	if (j >= VG_PF_BASE_WORDS || i >= b->max)
		return 1;
	asm volatile("" : "+r"(j));
	j &= 31;
	if (j >= VG_PF_BASE_WORDS)
		return 1;
	/* an offset masked in a register: pointer minus index loses the verifier's bounds */
	off = VG_PATH_MAX - 8 - j * 8;
	asm volatile("" : "+r"(off));
	off &= VG_PATH_MAX - 1;
	w = __builtin_bswap64(*(const __u64 *)&b->path[off]);
	/* the key offset bounded in its own register: 6.1's verifier loses j's */
	ko = (__u64)j * 8;
	asm volatile("" : "+r"(ko));
	if (ko > VG_PF_KEY_MAX - 9)
		return 1;
	*(__u64 *)&b->key[1 + ko] = w;
	/* t: 0x80 in each byte of w that is "/", and nowhere else */
	x = w ^ slashes;
	t = ~(((x & ones) + ones) | x | ones);
	valid = b->max - i < 8 ? b->max - i : 8;
	if (t) {
		/*
		 * low is 0x80 << 8 * k: k is byte 7 - k of the multiplier, read
		 * without a branch (seven comparisons made the 6.8+ verifier walk
		 * each outcome of every step: a third of the file program's load)
		 */
		low = t & -t;
		k = (__u32)(((low >> 7) * 0x0001020304050607ull) >> 56) & 7;
		if (k < valid) {
			b->len = i + k;
			b->whole = true;
			return 1;
		}
	}
	b->len = i + valid;
	return valid < 8;
}

/*
 * The base name of a path of len bytes ending at path[VG_PATH_MAX - 1],
 * reversed behind the mark (vigil/prefilter.h), looked up: "is" and "ends
 * with" checks on it. A name the key cannot hold is sent.
 */
static __always_inline bool base_lookup(const char *path, __u32 len, __u64 bit)
{
	__u32 zero = 0;
	struct vg_pf_key *key = bpf_map_lookup_elem(&pf_key_scratch, &zero);
	struct base_copy b = {.path = path, .max = len < VG_PF_KEY_MAX ? len : VG_PF_KEY_MAX - 1};

	if (!key)
		return true;
	b.key = key->path;
	key->path[0] = VG_PF_BASE_MARK;
	bpf_loop(VG_PF_BASE_WORDS, base_step, &b, 0);
	if (!b.whole)
		return true;
	return pf_lookup(key->path, b.len + 1, true, bit);
}

struct clean_scan {
	const char *p;
	__u32 len;
	bool dirty;
};

/* One byte of is_clean: a "/" followed by "/", "./", "../" or the end. */
static long clean_step(__u32 i, void *ctx)
{
	struct clean_scan *c = ctx;
	const char *p = c->p;
	__u32 len = c->len;
	char a, b, d;

	if (i >= len)
		return 1;
	if (p[i & (VG_PF_KEY_MAX - 1)] != '/')
		return 0;
	a = i + 1 < len ? p[(i + 1) & (VG_PF_KEY_MAX - 1)] : 0;
	b = i + 2 < len ? p[(i + 2) & (VG_PF_KEY_MAX - 1)] : 0;
	d = i + 3 < len ? p[(i + 3) & (VG_PF_KEY_MAX - 1)] : 0;
	if (a == '/' || !a || (a == '.' && (b == '/' || !b)) ||
	    (a == '.' && b == '.' && (d == '/' || !d))) {
		c->dirty = true;
		return 1;
	}
	return 0;
}

/* The ".." search over n bytes of a key, a word at a time (dotdot_step). */
struct dotdot_scan {
	const char *p;
	__u32 len;
	__u64 carry; /* 0x80 when the last byte of the word before was "." */
	bool found;
};

/*
 * Eight bytes of the ".." search: the carry-free zero-byte test marks each
 * "." with 0x80 (exactly: no false marks), and two marks side by side, in
 * the word or across from the one before, are "..". Bytes past len are
 * stale in the scratch and masked off. One step per eight bytes, where a
 * step per byte cost ~100 ns of each open the prefilter drops.
 */
static long dotdot_step(__u32 j, void *ctx)
{
	const __u64 ones = 0x7f7f7f7f7f7f7f7full, dots = 0x2e2e2e2e2e2e2e2eull;
	struct dotdot_scan *s = ctx;
	__u32 i = j * 8, valid;
	__u64 x, t, off;

	if (j >= VG_PF_KEY_MAX / 8 || i >= s->len)
		return 1;
	/* the offset bounded in its own register, as base_step's */
	off = (__u64)j * 8;
	asm volatile("" : "+r"(off));
	if (off > VG_PF_KEY_MAX - 8)
		return 1;
	x = *(const __u64 *)&s->p[off] ^ dots;
	t = ~(((x & ones) + ones) | x | ones);
	valid = s->len - i;
	if (valid < 8)
		t &= (1ull << (valid * 8)) - 1;
	if ((t & (t >> 8)) || (t & s->carry)) {
		s->found = true;
		return 1;
	}
	s->carry = t >> 63 << 7;
	return valid <= 8;
}

/* Whether the n bytes of key hold ".."; a rule on fd.nameraw may want them. */
static __always_inline bool has_dotdot(const char *key, long n)
{
	struct dotdot_scan scan = {.p = key, .len = n};

	bpf_loop(VG_PF_KEY_MAX / 8, dotdot_step, &scan, 0);
	return scan.found;
}

/*
 * A walked path, from pb[start] to the end of the walk's buffer
 * (pb[VG_PATH_MAX - 1]), start already below VG_PATH_MAX: whether it is in
 * bit's set, as a path or by its base name.
 */
static __always_inline bool pf_walked_wanted(char *pb, __u32 start, __u64 bit)
{
	__u32 len = VG_PATH_MAX - start, n = len < VG_PF_KEY_MAX ? len : VG_PF_KEY_MAX;
	__u64 at = start;

	/*
	 * The key is laid over the walked path where it lies: prefixlen in the
	 * four bytes before it (not part of the path), the path's bytes as
	 * they are, and path_buf's slack after VG_PATH_MAX holding what the
	 * lookup reads past the end. One helper call (a copy of up to 256
	 * bytes) fewer per open. A path too long to leave room is copied.
	 */
	asm volatile("" : "+r"(at));
	if (at < sizeof(__u32) || at >= VG_PATH_MAX) {
		if (pf_lookup(&pb[start & (VG_PATH_MAX - 1)], len, false, bit))
			return true;
	} else if (pf_match((struct vg_pf_key *)&pb[at - sizeof(__u32)], n, len, bit)) {
		return true;
	}
	return base_lookup(pb, len, bit);
}

/*
 * A failed open has no file: fd.name is then the caller's path made
 * absolute in user space (state/path.c). An absolute path without "//",
 * "." or ".." components and no trailing "/" is already in that form, so
 * the kernel can test it as it is; any other is sent. key holds the raw
 * path, n is what reading it returned (its length with the NUL, or <= 0);
 * dotdot is the syscall row's pf_dotdot.
 */
static __always_inline bool pf_raw_wanted(struct vg_pf_key *key, long n, bool dotdot, __u64 bit)
{
	__u32 zero = 0, len;
	struct clean_scan scan = {};
	struct path_buf *pb;

	/* unreadable, relative, or too long to hold every ".." it may have */
	if (!key || n <= 1 || n >= VG_PF_KEY_MAX || key->path[0] != '/')
		return true;
	if (dotdot && has_dotdot(key->path, n - 1))
		return true;
	scan.p = key->path;
	scan.len = n - 1;
	bpf_loop(VG_PF_KEY_MAX, clean_step, &scan, 0);
	if (scan.dirty || pf_lookup(key->path, n - 1, true, bit))
		return true;
	/* the base name is looked up from where a walked path would end */
	if (!(pb = bpf_map_lookup_elem(&path_scratch, &zero)))
		return true;
	len = (__u32)(n - 1);
	/* the 6.1 verifier wants the size bounded in this register, not in n */
	asm volatile("" : "+r"(len));
	len &= VG_PF_KEY_MAX - 1;
	bpf_probe_read_kernel(&pb->data[(VG_PATH_MAX - len) & (VG_PATH_MAX - 1)], len, key->path);
	return base_lookup(pb->data, len, bit);
}

#endif
