/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fds whose open the path prefilter dropped, so that their close can be
 * dropped too: user space never had an entry to remove. Kept per process,
 * on its leader, for the first VG_DROPPED_FDS fd numbers; a close of any
 * other fd is sent as before, which costs time, never correctness.
 *
 * A bit must never outlive its fd, or the close of a later fd user space
 * does know would be lost. Closes clear it; so does every event that hands
 * out an fd user space is told about (an open sent, socket, accept, dup,
 * pipe...); an exec starts a clean set (close-on-exec fds go without a
 * close), told by the leader's exec count.
 */
#ifndef VIGIL_DROPPED_FDS_BPF_H
#define VIGIL_DROPPED_FDS_BPF_H

#define VG_DROPPED_FDS 1024

struct dropped_fds {
	__u64 exec_id;
	__u64 bits[VG_DROPPED_FDS / 64];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct dropped_fds);
} dropped_fds SEC(".maps");

static __always_inline struct dropped_fds *dropped_fds_of(bool create)
{
	struct task_struct *leader = bpf_get_current_task_btf()->group_leader;
	struct dropped_fds *d;
	__u64 exec_id;

	d = bpf_task_storage_get(&dropped_fds, leader, 0,
				 create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	if (!d)
		return NULL;
	exec_id = leader->self_exec_id; /* leader is BTF-typed: a direct load */
	if (d->exec_id != exec_id) {
		__builtin_memset(d->bits, 0, sizeof(d->bits));
		d->exec_id = exec_id;
	}
	return d;
}

/* fd's word in bits; bounded where the verifier looks (6.1 loses a folded mask) */
static __always_inline __u64 *dropped_word(struct dropped_fds *d, __u64 fd)
{
	__u32 i = fd / 64;

	asm volatile("" : "+r"(i));
	return &d->bits[i & (VG_DROPPED_FDS / 64 - 1)];
}

static __always_inline void dropped_fd_mark(long ret)
{
	__u64 fd = ret;
	struct dropped_fds *d;

	if (ret < 0 || fd >= VG_DROPPED_FDS || !(d = dropped_fds_of(true)))
		return;
	*dropped_word(d, fd) |= 1ull << (fd % 64);
}

/* Clears fd's bit; true when it was set. */
static __always_inline bool dropped_fd_take(long n)
{
	__u64 fd = n, *word, bit;
	struct dropped_fds *d;

	if (n < 0 || fd >= VG_DROPPED_FDS || !(d = dropped_fds_of(false)))
		return false;
	word = dropped_word(d, fd);
	bit = 1ull << (fd % 64);
	if (!(*word & bit))
		return false;
	*word &= ~bit;
	return true;
}

#endif
