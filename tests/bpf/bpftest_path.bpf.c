// SPDX-License-Identifier: GPL-2.0
/*
 * The path walk's pure steps (probes/vigil.bpf.h: walk_put_name,
 * walk_put_detached, walk_end), driven as walk_path drives them, with
 * names from tests/bpf/test_bpf_path.c instead of dentries.
 */
#include "vigil.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define NAMES (2 * VG_PATH_DEPTH) /* more than a walk takes, to reach its cap; a power of 2 */

/* The walk's input, leaf first as the dentries come: names[i] of lens[i] bytes. */
char names[NAMES][NAME_MASK + 1];
__u32 lens[NAMES];
__u32 n;	/* names before the root of the mount namespace */
__u32 detached; /* the last name is a detached dentry's */

/* The output: the name in out[start..VG_PATH_MAX), and the walk's flags. */
char out[sizeof(struct path_buf)];
__u32 start;
__u32 flags;

/* walk_step with names[i] for the dentry's name. */
static long test_step(__u32 i, void *ctx)
{
	struct walk_state *w = ctx;
	__u32 len;

	if (i >= n)
		return 1;
	i &= NAMES - 1; /* for the verifier */
	len = lens[i] & NAME_MASK;
	if (detached && i + 1 == n)
		return walk_put_detached(w, names[i], len);
	return walk_put_name(w, names[i], len);
}

/* walk_path's loop, in the probes' scratch buffer, copied out after. */
SEC("raw_tp")
int walk(void *ctx)
{
	__u32 zero = 0;
	struct path_buf *pb = bpf_map_lookup_elem(&path_scratch, &zero);
	struct walk_state w = {};
	long steps;

	if (!pb)
		return -1;
	w.pb = pb->data;
	walk_start(&w);
	steps = bpf_loop(VG_PATH_DEPTH, test_step, &w, 0);
	start = walk_end(&w, steps);
	flags = w.flags;
	bpf_probe_read_kernel(out, sizeof(out), pb->data);
	return 0;
}
