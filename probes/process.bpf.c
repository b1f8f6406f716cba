// SPDX-License-Identifier: GPL-2.0
/*
 * Process lifecycle: exec, fork/clone and exit, from BTF tracepoints. These
 * give the task_struct (and at exec the linux_binprm) directly, so nothing
 * is read from user memory except argv, which exists only there.
 *
 * The task, and what is reached from it by pointer fields, is BTF-typed:
 * those reads are direct loads (docs/performance.md), where BPF_CORE_READ
 * makes a bpf_probe_read_kernel call per hop. BPF_CORE_READ stays where a
 * pointer comes from a read (an array slot at a variable index) or a type
 * flavour.
 */
#include "vigil.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline void fill_tty(struct vg_exec_body *b, struct task_struct *task)
{
	struct tty_struct *tty = task->signal->tty;

	b->tty_major = 0;
	b->tty_minor = 0;
	if (!tty)
		return;
	b->tty_major = tty->driver->major;
	b->tty_minor = tty->driver->minor_start + tty->index;
}

static __always_inline __u64 task_start_ns(struct task_struct *task)
{
	return task->start_boottime;
}

/* The number of pid in the pid namespace at level, 0 when pid is not visible there. */
static __always_inline __u32 pid_nr_at(struct pid *pid, unsigned int level)
{
	struct upid upid = {};

	if (!pid || pid->level < level)
		return 0;
	bpf_core_read(&upid, sizeof(upid), &pid->numbers[level & 31]);
	return upid.nr;
}

/* Session and process group, as the task's own pid namespace numbers them. */
static __always_inline void fill_ids(struct vg_task_ids *ids, struct task_struct *task)
{
	unsigned int level = task->thread_pid->level;
	struct pid *sid = task->signal->pids[PIDTYPE_SID];
	struct pid *pgid = task->signal->pids[PIDTYPE_PGID];

	ids->sid = pid_nr_at(sid, level);
	ids->vpgid = pid_nr_at(pgid, level);
	ids->pgid = pid_nr_at(pgid, 0);
	ids->pad = 0;
}

/* Inode times moved: timespec64 i_ctime, then __i_ctime (6.6), then split sec/nsec (6.11). */
struct inode___v66 {
	struct timespec64 __i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

struct inode___old {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

/* Since 6.13 the top bit of i_ctime_nsec flags a queried multigrain ctime: not time. */
static __always_inline __u64 ts_ns(__s64 sec, __u32 nsec)
{
	return sec * 1000000000ULL + (nsec & 0x3fffffff);
}

static __always_inline void fill_inode_times(struct vg_exec_body *b, struct inode *inode)
{
	struct inode___v66 *v66 = (void *)inode;
	struct inode___old *old = (void *)inode;

	if (bpf_core_field_exists(inode->i_ctime_sec)) {
		b->exe_ctime_ns = ts_ns(BPF_CORE_READ(inode, i_ctime_sec),
					BPF_CORE_READ(inode, i_ctime_nsec));
		b->exe_mtime_ns = ts_ns(BPF_CORE_READ(inode, i_mtime_sec),
					BPF_CORE_READ(inode, i_mtime_nsec));
	} else if (bpf_core_field_exists(v66->__i_ctime)) {
		b->exe_ctime_ns = ts_ns(BPF_CORE_READ(v66, __i_ctime.tv_sec),
					BPF_CORE_READ(v66, __i_ctime.tv_nsec));
		b->exe_mtime_ns = ts_ns(BPF_CORE_READ(v66, i_mtime.tv_sec),
					BPF_CORE_READ(v66, i_mtime.tv_nsec));
	} else {
		b->exe_ctime_ns = ts_ns(BPF_CORE_READ(old, i_ctime.tv_sec),
					BPF_CORE_READ(old, i_ctime.tv_nsec));
		b->exe_mtime_ns = ts_ns(BPF_CORE_READ(old, i_mtime.tv_sec),
					BPF_CORE_READ(old, i_mtime.tv_nsec));
	}
}

/* Start of the init of the task's pid namespace (its child reaper). */
static __always_inline __u64 pidns_init_start(struct task_struct *task)
{
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct upid upid = {};

	bpf_core_read(&upid, sizeof(upid), &pid->numbers[level & 31]);
	return BPF_CORE_READ(upid.ns, child_reaper, start_boottime);
}

/*
 * argv lives only in the new image's stack. The kernel has just copied it
 * there, so the pages are present and a non-faulting read succeeds.
 */
static __always_inline __u32 put_argv(char *buf, __u32 pos, struct mm_struct *mm,
				      struct vg_exec_body *b, __u16 *flags)
{
	unsigned long start = mm->arg_start;
	unsigned long end = mm->arg_end;
	__u32 len = end > start ? end - start : 0;
	__u32 newpos;

	b->argv_len = len;
	if (len > VG_ARGV_MAX) {
		len = VG_ARGV_MAX;
		*flags |= VG_HF_ARGV_TRUNC;
	}
	newpos = put_var(buf, pos, VG_VAR_ARGV, (void *)start, len, true);
	if (newpos == pos && len)
		*flags |= VG_HF_ARGV_TRUNC;
	return newpos;
}

/*
 * The environment, for proc.env: like argv it lives only on the new
 * image's stack, just written by the kernel. Carried last, capped at
 * VG_ENV_MAX and at what room the record has left; either cap, or a failed
 * read (then nothing is carried), sets VG_HF_ENV_TRUNC so that user space
 * knows to look in /proc for the rest.
 */
static __always_inline __u32 put_env(char *buf, __u32 pos, struct mm_struct *mm, __u16 *flags)
{
	unsigned long start = mm->env_start;
	unsigned long end = mm->env_end;
	__u32 len = end > start ? end - start : 0;
	__u32 at = align4(pos) & (VG_RECORD_MAX - 1);
	__u32 room;
	struct vg_var *v;

	if (at + sizeof(*v) > VG_RECORD_MAX)
		return pos;
	room = VG_RECORD_MAX - sizeof(*v) - at;
	if (len > VG_ENV_MAX) {
		len = VG_ENV_MAX;
		*flags |= VG_HF_ENV_TRUNC;
	}
	if (len > room) {
		len = room;
		*flags |= VG_HF_ENV_TRUNC;
	}
	/* Already bounded, but the verifier needs to see it on the register it uses. */
	asm volatile("" : "+r"(len));
	len &= VG_RECORD_MAX - 1;
	if (len > VG_ENV_MAX)
		return pos;
	v = (void *)&buf[at];
	if (len && bpf_probe_read_user(&buf[at + sizeof(*v)], len, (void *)start) != 0) {
		*flags |= VG_HF_ENV_TRUNC;
		return pos;
	}
	v->id = VG_VAR_ENV;
	v->len = len;
	return at + sizeof(*v) + len;
}

#define OVERLAYFS_SUPER_MAGIC 0x794c7630

/*
 * overlayfs's inode (fs/overlayfs/ovl_entry.h): the VFS inode, then the
 * upper dentry. A flavour of our own, so that the build needs no vmlinux.h
 * that has it and CO-RE finds it in vmlinux or in overlay's module BTF.
 */
struct ovl_inode___vg {
	struct inode vfs_inode;
	struct dentry *__upperdentry;
} __attribute__((preserve_access_index));

/*
 * Falco's proc.is_exe_upper_layer: the exe is on an overlay mount and has an
 * upper dentry, so it was written (created, or copied up by a change) in
 * the container's writable layer, not taken from its image. A kernel whose
 * BTF lacks ovl_inode says no: the branch below is removed at load.
 */
static __always_inline bool exe_in_upper_layer(struct file *exe)
{
	struct inode *inode = BPF_CORE_READ(exe, f_inode);
	struct ovl_inode___vg *oi;

	if (!bpf_core_field_exists(struct ovl_inode___vg, __upperdentry))
		return false;
	if (!inode || BPF_CORE_READ(inode, i_sb, s_magic) != OVERLAYFS_SUPER_MAGIC)
		return false;
	oi = (void *)inode - bpf_core_field_offset(struct ovl_inode___vg, vfs_inode);
	return BPF_CORE_READ(oi, __upperdentry) != NULL;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct vg_event_hdr *h;
	struct vg_exec_body *b;
	struct mm_struct *mm;
	struct file *exe;
	__u16 flags = 0;
	char *buf;
	__u32 pos;

	if (is_self(task) || !(buf = record_begin()))
		return 0;
	h = (void *)buf;
	b = (void *)(h + 1);
	fill_hdr(h, task, VG_EV_EXEC);
	b->start_ns = task_start_ns(task);
	fill_tty(b, task);
	mm = task->mm;
	exe = mm->exe_file;
	b->exe_ino = exe->f_inode->i_ino;
	b->exe_dev = exe->f_inode->i_sb->s_dev;
	fill_inode_times(b, exe->f_inode);
	b->pidns_init_start_ns = pidns_init_start(task);
	fill_ids(&b->ids, task);
	fill_creds(&b->creds, task);
	if (exe_in_upper_layer(exe))
		flags |= VG_HF_EXE_UPPER;

	pos = sizeof(*h) + sizeof(*b);
	pos = put_kstr(buf, pos, VG_VAR_FILENAME, BPF_CORE_READ(bprm, filename));
	pos = put_path(buf, pos, VG_VAR_EXE, &exe->f_path, &flags);
	pos = put_argv(buf, pos, mm, b, &flags);
	pos = put_path(buf, pos, VG_VAR_CWD, &task->fs->pwd, &flags);
	pos = put_env(buf, pos, mm, &flags);
	h->flags |= flags;
	record_submit(buf, pos);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct vg_event_hdr *h;
	struct vg_fork_body *b;
	char *buf;

	if (is_self(parent) || !(buf = record_begin()))
		return 0;
	h = (void *)buf;
	b = (void *)(h + 1);
	fill_hdr(h, child, VG_EV_FORK);
	b->parent_pid = parent->tgid;
	b->parent_tid = parent->pid;
	b->start_ns = task_start_ns(child);
	fill_ids(&b->ids, child);
	fill_creds(&b->creds, child);
	if (b->parent_pid == h->pid)
		h->flags |= VG_HF_THREAD;
	record_submit(buf, sizeof(*h) + sizeof(*b));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	struct vg_event_hdr *h;
	struct vg_exit_body *b;
	char *buf;

	/* Threads exit one by one; the process is gone when the last one is. */
	if (task->signal->live.counter != 0)
		return 0;
	if (is_self(task) || !(buf = record_begin()))
		return 0;
	h = (void *)buf;
	b = (void *)(h + 1);
	fill_hdr(h, task, VG_EV_EXIT);
	b->exit_code = task->exit_code;
	b->pad = 0;
	h->retval = b->exit_code;
	record_submit(buf, sizeof(*h) + sizeof(*b));
	return 0;
}
