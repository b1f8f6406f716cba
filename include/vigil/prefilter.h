/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-kernel path prefilter, shared by probes/syscall.bpf.c and
 * engine/kernel/prefilter_load.c: one LPM trie of path strings. Each syscall
 * with a filter has a bit (struct vg_sc_conf.prefilter - 1); an entry says
 * for which bits its string is an exact path and for which a prefix. Opens
 * that do not write may have a bit of their own (pf_read - 1), whose set
 * leaves out the entries only rules on write opens reach: an entry without
 * it is write-only, which it is only when every rule reaching it is.
 *
 * One longest-prefix lookup of a path decides it: user space stores in
 * every entry the prefix bits of all shorter entries that are prefixes of
 * it too, so the longest match alone knows every prefix the path has. An
 * exact bit counts only when the match is as long as the path.
 *
 * Base names share the trie: an entry VG_PF_BASE_MARK followed by a name
 * reversed answers, for the reversed base name of a path, "is" (exact) and
 * "ends with" (prefix). No path starts with the mark, so the two kinds of
 * entries never answer for each other. A syscall whose row has pf_dotdot
 * also sends every open whose raw path contains "..".
 */
#ifndef VIGIL_PREFILTER_ABI_H
#define VIGIL_PREFILTER_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * Bytes of a path the trie compares (the kernel's LPM limit is 256).
 * Longer entries are cut to a prefix of this length; longer paths are
 * compared on their first VG_PF_KEY_MAX bytes, which decides every prefix
 * entry, and no exact entry is that long.
 */
#define VG_PF_KEY_MAX	256
#define VG_PF_ENTRIES	16384  /* trie capacity */
#define VG_PF_BITS	64     /* syscalls (distinct path sets) one trie serves */
#define VG_PF_BASE_MARK '\x01' /* first byte of a base-name entry */

struct vg_pf_key {
	__u32 prefixlen; /* in bits, as the LPM trie wants */
	char path[VG_PF_KEY_MAX];
};

struct vg_pf_val {
	__u64 prefix; /* bits for which this string, or a shorter entry's, is a prefix */
	__u64 exact;  /* bits for which this string is an exact path */
	__u32 len;    /* bytes of this entry's string */
	__u32 pad;
};

#endif
