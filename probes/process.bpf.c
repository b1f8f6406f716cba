// SPDX-License-Identifier: GPL-2.0
/*
 * Process lifecycle: exec, fork/clone and exit, from BTF tracepoints. These
 * give the task_struct (and at exec the linux_binprm) directly, so nothing
 * is read from user memory except argv, which exists only there.
 */
#include "vigil.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline void fill_tty(struct vg_exec_body *b, struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);

	b->tty_major = 0;
	b->tty_minor = 0;
	if (!tty)
		return;
	b->tty_major = BPF_CORE_READ(tty, driver, major);
	b->tty_minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
}

static __always_inline __u64 task_start_ns(struct task_struct *task)
{
	return BPF_CORE_READ(task, start_boottime);
}

/*
 * argv lives only in the new image's stack. The kernel has just copied it
 * there, so the pages are present and a non-faulting read succeeds.
 */
static __always_inline __u32 put_argv(char *buf, __u32 pos, struct mm_struct *mm,
				      struct vg_exec_body *b, __u16 *flags)
{
	unsigned long start = BPF_CORE_READ(mm, arg_start);
	unsigned long end = BPF_CORE_READ(mm, arg_end);
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
	mm = BPF_CORE_READ(task, mm);
	exe = BPF_CORE_READ(mm, exe_file);
	b->exe_ino = BPF_CORE_READ(exe, f_inode, i_ino);
	b->exe_dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);

	pos = sizeof(*h) + sizeof(*b);
	pos = put_kstr(buf, pos, VG_VAR_FILENAME, BPF_CORE_READ(bprm, filename));
	pos = put_path(buf, pos, VG_VAR_EXE, &exe->f_path, &flags);
	pos = put_argv(buf, pos, mm, b, &flags);
	pos = put_path(buf, pos, VG_VAR_CWD, &task->fs->pwd, &flags);
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
	b->parent_pid = BPF_CORE_READ(parent, tgid);
	b->parent_tid = BPF_CORE_READ(parent, pid);
	b->start_ns = task_start_ns(child);
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
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (is_self(task) || !(buf = record_begin()))
		return 0;
	h = (void *)buf;
	b = (void *)(h + 1);
	fill_hdr(h, task, VG_EV_EXIT);
	b->exit_code = BPF_CORE_READ(task, exit_code);
	b->pad = 0;
	h->retval = b->exit_code;
	record_submit(buf, sizeof(*h) + sizeof(*b));
	return 0;
}
