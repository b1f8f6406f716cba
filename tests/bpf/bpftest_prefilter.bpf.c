// SPDX-License-Identifier: GPL-2.0
/*
 * The path prefilter's decisions (probes/prefilter.bpf.h), run on the
 * paths tests/bpf/test_bpf_prefilter.c writes into the globals below. The
 * trie is filled by the engine's builder (engine/kernel/pf_trie.c).
 * raw_tp: BPF_PROG_TEST_RUN runs it, and it may use an LPM trie (see
 * docs/architecture.md, "BPF unit tests").
 */
#include "prefilter.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* A walked path, as walk_path leaves it: ending at walked[VG_PATH_MAX - 1]. */
char walked[sizeof(struct path_buf)];
__u32 walked_start;
/* A failed open's path as the caller gave it, NUL-terminated. */
char raw[VG_PF_KEY_MAX];
/* The syscall row's prefilter bit and pf_dotdot. */
__u32 bit;
__u32 dotdot;

/* The successful open: the walked path is copied where the probe walks it. */
SEC("raw_tp")
int walked_wanted(void *ctx)
{
	__u32 zero = 0;
	struct path_buf *pb = bpf_map_lookup_elem(&path_scratch, &zero);

	if (!pb)
		return -1;
	bpf_probe_read_kernel(pb->data, sizeof(pb->data), walked);
	return pf_walked_wanted(pb->data, walked_start & (VG_PATH_MAX - 1),
				1ull << (bit & (VG_PF_BITS - 1)));
}

/* The failed open: the raw path read into the key scratch, as read_raw does. */
SEC("raw_tp")
int raw_wanted(void *ctx)
{
	__u32 zero = 0;
	struct vg_pf_key *key = bpf_map_lookup_elem(&pf_key_scratch, &zero);
	long n;

	if (!key)
		return -1;
	n = bpf_probe_read_kernel_str(key->path, VG_PF_KEY_MAX, raw);
	return pf_raw_wanted(key, n, dotdot, 1ull << (bit & (VG_PF_BITS - 1)));
}

/* The syscall row (its prefilter bytes) and the open's flags, for opened_wanted. */
struct vg_sc_conf conf;
__u64 oflags;

/*
 * A successful open as the probe decides it: the bit by whether the open
 * writes (pf_open_bit, pf_open_writes), then the walked path. 2: no set
 * bounds it, sent without a look-up.
 */
SEC("raw_tp")
int opened_wanted(void *ctx)
{
	__u64 b = pf_open_bit(&conf, pf_open_writes(&conf, oflags));
	__u32 zero = 0;
	struct path_buf *pb = bpf_map_lookup_elem(&path_scratch, &zero);

	if (!b)
		return 2;
	if (!pb)
		return -1;
	bpf_probe_read_kernel(pb->data, sizeof(pb->data), walked);
	return pf_walked_wanted(pb->data, walked_start & (VG_PATH_MAX - 1), b);
}
