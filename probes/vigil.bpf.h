/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every probe shares: the ring buffer, the per-kind counters, the
 * scratch space records are built in, self-exclusion, the common header
 * and the path walk.
 */
#ifndef VIGIL_BPF_H
#define VIGIL_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "vigil/event.h"

/*
 * Kernel >= 6.2: a kernel pointer as a BTF-typed one, whose fields the
 * verifier turns into fault-tolerant direct loads (a few ns) where
 * bpf_probe_read_kernel is a helper call (30-70 ns on a VM). The JIT
 * makes the cast itself a register move. Weak: a kernel without it (6.1)
 * leaves it unresolved, and only the programs that call it (the *_cast
 * variants, chosen at load time by vg_feature_rdonly_cast) then fail to
 * load; user space does not load them there.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define VG_CAST(type, p) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

/* vigil's own tgid: its events would only describe vigil watching itself. */
const volatile __u32 self_tgid = 0;
/*
 * Waking the reader costs more than the event itself under load. Below this
 * many unread bytes the reader is not woken; it polls on a short timer
 * instead. 0 wakes it for every record.
 */
const volatile __u64 wakeup_bytes = 0;

/* Size is set by user space before load (--ringbuf-size). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VG_EV__MAX);
	__type(key, __u32);
	__type(value, struct vg_kcounters);
} counters SEC(".maps");

/*
 * Records are built here, then copied out with bpf_ringbuf_output: a
 * reservation needs a size known up front, and ours depends on argv and
 * path lengths. Twice VG_RECORD_MAX so that a field written at any masked
 * offset below VG_RECORD_MAX stays inside the buffer, as the verifier needs.
 */
struct record_buf {
	char data[VG_RECORD_MAX * 2 + sizeof(struct vg_var)];
};

/* Paths are assembled backwards from the end; the slack absorbs one name. */
#define NAME_MASK 255
struct path_buf {
	char data[VG_PATH_MAX + NAME_MASK + 1];
};

/*
 * One slot per CPU, indexed by CPU number: a per-CPU array would do, but
 * its values are capped at 32 KiB. User space sizes it to the CPU count.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct record_buf);
} record_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buf);
} path_scratch SEC(".maps");

static __always_inline bool is_self(struct task_struct *task)
{
	return self_tgid && task->tgid == self_tgid;
}

static __always_inline char *record_begin(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&record_scratch, &cpu);
}

static __always_inline void count(__u32 type, bool dropped)
{
	struct vg_kcounters *c = bpf_map_lookup_elem(&counters, &type);

	if (!c)
		return;
	if (dropped)
		c->dropped++;
	else
		c->sent++;
}

/* Sends the record of size bytes at buf and counts it. */
static __always_inline void record_submit(char *buf, __u32 size)
{
	struct vg_event_hdr *h = (void *)buf;
	__u32 type = h->type;

	if (size > VG_RECORD_MAX)
		size = VG_RECORD_MAX;
	h->size = size;
	__u64 flags = 0;

	if (wakeup_bytes)
		flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) + size >= wakeup_bytes
				? BPF_RB_FORCE_WAKEUP
				: BPF_RB_NO_WAKEUP;
	count(type, bpf_ringbuf_output(&events, buf, size, flags) != 0);
}

/*
 * The header's reads are direct loads through the BTF-typed task every
 * caller holds (bpf_get_current_task_btf or a tp_btf/LSM argument): the
 * verifier turns them into fault-tolerant loads of a few ns each, where a
 * BPF_CORE_READ is a bpf_probe_read_kernel call per pointer hop. They cost
 * about 30 such calls per event sent (docs/performance.md).
 */

/* The task's pid and pid namespace as seen from inside that namespace. */
static __always_inline void fill_pidns(struct vg_event_hdr *h, struct task_struct *task)
{
	struct pid *pid = task->group_leader->thread_pid;
	unsigned int level = pid->level;
	struct upid upid = {};

	/* numbers[level]: a variable index the verifier allows only through a read */
	bpf_core_read(&upid, sizeof(upid), &pid->numbers[level & 31]);
	h->vpid = upid.nr;
	h->pid_ns = BPF_CORE_READ(upid.ns, ns.inum);
}

static __always_inline void fill_hdr(struct vg_event_hdr *h, struct task_struct *task, __u16 type)
{
	const struct cred *cred = task->cred;

	h->type = type;
	h->flags = 0;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->cgroup_id = task->cgroups->dfl_cgrp->kn->id;
	h->pid = task->tgid;
	h->tid = task->pid;
	h->ppid = task->real_parent->tgid;
	h->uid = cred->uid.val;
	h->gid = cred->gid.val;
	h->euid = cred->euid.val;
	h->egid = cred->egid.val;
	h->loginuid = (__u32)-1;
	h->sessionid = (__u32)-1;
	if (bpf_core_field_exists(task->loginuid)) {
		h->loginuid = task->loginuid.val;
		h->sessionid = task->sessionid;
	}
	fill_pidns(h, task);
	h->mnt_ns = task->nsproxy->mnt_ns->ns.inum;
	h->retval = 0;
	bpf_probe_read_kernel_str(h->comm, sizeof(h->comm), task->comm);
}

/* kernel_cap_t is a u64 since 6.3 and two u32s before: the same 8 bytes either way. */
static __always_inline void fill_creds(struct vg_creds *c, struct task_struct *task)
{
	const struct cred *cred = BPF_CORE_READ(task, cred);

	bpf_core_read(&c->cap_inheritable, 8, &cred->cap_inheritable);
	bpf_core_read(&c->cap_permitted, 8, &cred->cap_permitted);
	bpf_core_read(&c->cap_effective, 8, &cred->cap_effective);
}

static __always_inline __u32 align4(__u32 n)
{
	return (n + 3) & ~3u;
}

/*
 * Appends variable field id at pos with len bytes from src (kernel memory
 * unless user). Returns the new end, or pos unchanged if it would not fit.
 */
static __always_inline __u32 put_var(char *buf, __u32 pos, __u16 id, const void *src, __u32 len,
				     bool user)
{
	struct vg_var *v;

	pos = align4(pos) & (VG_RECORD_MAX - 1);
	if (len > VG_ARGV_MAX || pos + sizeof(*v) + len > VG_RECORD_MAX)
		return pos;
	v = (void *)&buf[pos];
	v->id = id;
	v->len = len;
	/* Already true, but clang drops the mask unless it is hidden from it. */
	asm volatile("" : "+r"(len));
	len &= VG_RECORD_MAX - 1;
	if (user)
		bpf_probe_read_user(&buf[pos + sizeof(*v)], len, src);
	else
		bpf_probe_read_kernel(&buf[pos + sizeof(*v)], len, src);
	return pos + sizeof(*v) + len;
}

/* Appends a NUL-terminated kernel string, without its NUL. */
static __always_inline __u32 put_kstr(char *buf, __u32 pos, __u16 id, const char *src)
{
	struct vg_var *v;
	long n;

	pos = align4(pos) & (VG_RECORD_MAX - 1);
	if (pos + sizeof(*v) + VG_PATH_MAX > VG_RECORD_MAX)
		return pos;
	v = (void *)&buf[pos];
	n = bpf_probe_read_kernel_str(&buf[pos + sizeof(*v)], VG_PATH_MAX, src);
	if (n <= 0)
		return pos;
	v->id = id;
	v->len = n - 1;
	return pos + sizeof(*v) + n - 1;
}

/*
 * What the walk needs of a mount: its parent, where it is mounted there,
 * and its root. struct mount keeps mnt_parent, mnt_mountpoint and the
 * embedded vfsmount (whose first field is mnt_root) in a row, so one read
 * brings all three; the offsets are CO-RE's, and the field-by-field branch
 * (dead code where they are in a row) keeps it right on a kernel that
 * reorders them.
 */
struct mount_link {
	struct mount *parent;
	struct dentry *mountpoint;
	struct dentry *root;
};

static __always_inline void read_mount_link_cast(struct mount *m, struct mount_link *l)
{
	struct mount *bm = VG_CAST(struct mount, m);

	l->parent = bm->mnt_parent;
	l->mountpoint = bm->mnt_mountpoint;
	l->root = bm->mnt.mnt_root;
}

static __always_inline void read_mount_link(struct mount *m, struct mount_link *l, bool cast)
{
	__u32 po = bpf_core_field_offset(struct mount, mnt_parent);

	if (cast) {
		read_mount_link_cast(m, l);
		return;
	}

	if (bpf_core_field_offset(struct mount, mnt_mountpoint) == po + 8 &&
	    bpf_core_field_offset(struct mount, mnt) == po + 16 &&
	    bpf_core_field_offset(struct vfsmount, mnt_root) == 0) {
		bpf_probe_read_kernel(l, sizeof(*l), (void *)m + po);
		return;
	}
	l->parent = BPF_CORE_READ(m, mnt_parent);
	l->mountpoint = BPF_CORE_READ(m, mnt_mountpoint);
	l->root = BPF_CORE_READ(m, mnt.mnt_root);
}

struct walk_state {
	struct dentry *dentry;
	struct mount *mnt;
	struct mount_link ml; /* mnt's, read once per mount rather than per name */
	char *pb;
	__u32 off;
	__u16 flags;
};

/*
 * The pure steps of the walk, apart from the dentries so that tests/bpf/
 * can drive them with hand-made names: w->pb holds the name built so far
 * from w->off to VG_PATH_MAX. name is kernel memory, len <= NAME_MASK.
 *
 * walk_put_name puts "/" and the name in front; a name that does not fit
 * sets VG_HF_PATH_TRUNC and stops the walk (returns 1), else returns 0.
 */
static __always_inline long walk_put_name(struct walk_state *w, const void *name, __u32 len)
{
	__u32 off = w->off;

	if (len + 1 > off || off > VG_PATH_MAX) {
		w->flags |= VG_HF_PATH_TRUNC;
		return 1;
	}
	off -= len + 1;
	bpf_probe_read_kernel(&w->pb[(off + 1) & (VG_PATH_MAX - 1)], len, name);
	w->pb[off & (VG_PATH_MAX - 1)] = '/';
	w->off = off;
	return 0;
}

/*
 * A detached dentry: a pseudo file (memfd, anon inode) or a lazily
 * unmounted tree. Keep its own name, without a leading slash, as Falco
 * names a memfd ("memfd:NAME"); flags VG_HF_PATH_UNREACH. Always stops.
 */
static __always_inline long walk_put_detached(struct walk_state *w, const void *name, __u32 len)
{
	__u32 off = w->off;

	w->flags |= VG_HF_PATH_UNREACH;
	if (len && len <= off && off <= VG_PATH_MAX) {
		off -= len;
		bpf_probe_read_kernel(&w->pb[off & (VG_PATH_MAX - 1)], len, name);
		w->off = off;
	}
	return 1;
}

/*
 * Where a walk starts: VG_PATH_MAX, in writable .data (user space never
 * changes it), so that the verifier does not know the value: verifiers
 * before 6.8 check a bpf_loop callback once, with the caller's state at the
 * call, and with w->off known to be VG_PATH_MAX they remove walk_put_name's
 * cut as dead code; a name longer than the buffer then came out as "/",
 * unflagged (6.1; tests/bpf/test_bpf_path.c in the vm_bpf test). A load
 * from a map value is a direct load, where the helper read used before
 * cost a call per open.
 */
volatile __u32 vg_walk_origin = VG_PATH_MAX;

static __always_inline void walk_start(struct walk_state *w)
{
	w->off = vg_walk_origin;
}

/*
 * After steps of at most VG_PATH_DEPTH: a walk that used them all was cut;
 * one that put no name is the root, "/". Returns where the name starts.
 */
static __always_inline __u32 walk_end(struct walk_state *w, long steps)
{
	if (steps >= VG_PATH_DEPTH)
		w->flags |= VG_HF_PATH_TRUNC;
	if (w->off >= VG_PATH_MAX) {
		w->off = VG_PATH_MAX - 1;
		w->pb[w->off] = '/';
	}
	return w->off;
}

/*
 * A dentry's parent and name. struct dentry has kept d_name right after
 * d_parent in every kernel vigil knows, so one read brings both; the
 * offsets are CO-RE's, and the two-read branch (dead code where they are
 * adjacent) keeps it right on a kernel that moves them apart.
 */
static __always_inline void read_dentry_link(struct dentry *d, struct dentry **parent,
					     struct qstr *name, bool cast)
{
	__u32 po = bpf_core_field_offset(struct dentry, d_parent);
	__u32 no = bpf_core_field_offset(struct dentry, d_name);
	struct {
		struct dentry *parent;
		struct qstr name;
	} link = {};

	if (cast) {
		struct dentry *bd = VG_CAST(struct dentry, d);

		*parent = bd->d_parent;
		name->len = bd->d_name.len;
		name->name = bd->d_name.name;
		return;
	}
	if (no == po + sizeof(void *) &&
	    bpf_core_field_size(struct dentry, d_name) == sizeof(*name)) {
		bpf_probe_read_kernel(&link, sizeof(link), (void *)d + po);
		*parent = link.parent;
		*name = link.name;
		return;
	}
	*parent = BPF_CORE_READ(d, d_parent);
	*name = BPF_CORE_READ(d, d_name);
}

/* One step of walk_path: one name, or one mount crossing. 1 stops. */
static __always_inline long walk_step_of(void *ctx, bool cast)
{
	struct walk_state *w = ctx;
	/* Locals: BPF_CORE_READ would relocate w's own fields otherwise. */
	struct dentry *dentry = w->dentry;
	struct mount *mnt = w->mnt;
	struct dentry *parent;
	struct qstr name;

	if (dentry == w->ml.root) {
		struct mount *mnt_parent = w->ml.parent;

		if (mnt == mnt_parent)
			return 1; /* the root of this mount namespace */
		w->dentry = w->ml.mountpoint;
		w->mnt = mnt_parent;
		read_mount_link(mnt_parent, &w->ml, cast);
		return 0;
	}
	read_dentry_link(dentry, &parent, &name, cast);
	__u32 len = name.len & NAME_MASK;

	if (dentry == parent)
		return walk_put_detached(w, name.name, len);
	if (walk_put_name(w, name.name, len))
		return 1;
	w->dentry = parent;
	return 0;
}

static long walk_step(__u32 i, void *ctx)
{
	return walk_step_of(ctx, false);
}

static long walk_step_cast(__u32 i, void *ctx)
{
	return walk_step_of(ctx, true);
}

/*
 * Resolves path to an absolute name by walking dentries up to the mount
 * root, then crossing to the parent mount, as d_path does. bpf_d_path would
 * do it for us but is only callable from a few fentry/LSM hooks, and an
 * unrolled loop is too much for the verifier, hence bpf_loop. Writes the
 * name backwards, ending at the end of pb; returns where it starts.
 */
static __always_inline __u32 walk_path_of(const struct path *path, char *pb, __u16 *flags,
					  bool cast)
{
	struct path p = {};
	struct walk_state w = {.pb = pb};
	long steps;

	if (cast) {
		const struct path *bp = VG_CAST(struct path, path);

		p.dentry = bp->dentry;
		p.mnt = bp->mnt;
	} else {
		bpf_core_read(&p, sizeof(p), path);
	}
	w.dentry = p.dentry;
	w.mnt = (void *)p.mnt - bpf_core_field_offset(struct mount, mnt);
	read_mount_link(w.mnt, &w.ml, cast);
	walk_start(&w);
	steps = bpf_loop(VG_PATH_DEPTH, cast ? walk_step_cast : walk_step, &w, 0);
	walk_end(&w, steps);
	*flags |= w.flags;
	return w.off;
}

static __always_inline __u32 walk_path(const struct path *path, char *pb, __u16 *flags)
{
	return walk_path_of(path, pb, flags, false);
}

/*
 * The file behind a task's fd, or NULL. task is BTF-typed: the loads down
 * to the fd array are direct; only the array slot, at a variable index,
 * takes a read.
 */
static __always_inline struct file *task_file_of_fd(struct task_struct *task, int fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	bpf_core_read(&file, sizeof(file), &fdt->fd[fd]);
	return file;
}

/*
 * The same with a direct load of the slot too (bpf_rdonly_cast). The slot
 * is a struct file pointer in an array; it is read as the first field of
 * a struct that starts with one (struct kiocb's ki_filp), the verifier
 * allowing no variable index into a BTF pointer. A kernel where that
 * field is not first takes the helper read.
 */
static __always_inline struct file *task_file_of_fd_cast(struct task_struct *task, int fd)
{
	struct fdtable *fdt = task->files->fdt;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	if (bpf_core_field_offset(struct kiocb, ki_filp) != 0)
		return task_file_of_fd(task, fd);
	return VG_CAST(struct kiocb, &fdt->fd[fd])->ki_filp;
}

/* Appends the resolved name of path as variable field id. */
static __always_inline __u32 put_path(char *buf, __u32 pos, __u16 id, const struct path *path,
				      __u16 *flags)
{
	__u32 zero = 0;
	struct path_buf *pb = bpf_map_lookup_elem(&path_scratch, &zero);
	__u32 start;

	if (!pb)
		return pos;
	start = walk_path(path, pb->data, flags) & (VG_PATH_MAX - 1);
	return put_var(buf, pos, id, &pb->data[start], VG_PATH_MAX - start, false);
}

#endif
