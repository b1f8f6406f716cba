/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The path prefilter's LPM trie (vigil/prefilter.h) from the analysed
 * path sets: one bit per distinct set, entries merged, and each entry's
 * prefix bits widened with those of its own prefixes, so that the kernel's
 * one longest-prefix lookup decides a path.
 */
#ifndef VIGIL_KERNEL_PF_TRIE_H
#define VIGIL_KERNEL_PF_TRIE_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/prefilter_paths.h"

/*
 * Writes the entries for pf into an empty trie and sets bit[id] for every
 * syscall of the open family that gets a filter (-1 for the others: ANY).
 * rbit, when not NULL, gets the bits of pf->reads the same way (the sets
 * of opens that do not write); a set equal to another shares its bit.
 * Returns the number of entries, or -errno (-E2BIG past VG_PF_ENTRIES or
 * VG_PF_BITS).
 */
int vg_pf_trie_write(int trie_fd, const struct vg_prefilter *pf, int bit[VG_SC__MAX],
		     int rbit[VG_SC__MAX]);
/* Deletes every entry. */
int vg_pf_trie_clear(int trie_fd);
/*
 * The kernel's decision (probes/syscall.bpf.c, open_wanted) for path,
 * opened as raw, and bit, by lookups; dotdot as the syscall's row says.
 */
bool vg_pf_trie_match(int trie_fd, const char *path, size_t len, const char *raw, bool dotdot,
		      int bit);

#endif
