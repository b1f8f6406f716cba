// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal programs that `vigil features` loads and attaches one at a time
 * to learn what this kernel allows. Each does nothing; whether it loads and
 * attaches is the answer.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp/sched/sched_process_exec")
int probe_tracepoint(void *ctx)
{
	return 0;
}

/* A per-syscall tracepoint: where it attaches, syscalls no rule needs cost nothing. */
SEC("tp/syscalls/sys_exit_getppid")
int probe_syscall_tp(void *ctx)
{
	return 0;
}

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * Loads where a tracepoint program may call bpf_rdonly_cast and load
 * through what it returns, as the open path's *_cast programs do
 * (probes/vigil.bpf.h); where the kfunc is missing, libbpf leaves the call
 * unresolved and the verifier refuses it.
 */
SEC("tp/syscalls/sys_exit_getppid")
int probe_rdonly_cast(void *ctx)
{
	struct task_struct *t = bpf_rdonly_cast((void *)bpf_get_current_task(),
						bpf_core_type_id_kernel(struct task_struct));

	return t->pid == 0;
}

SEC("raw_tp/sched_process_exec")
int probe_raw_tp(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(probe_tp_btf, struct task_struct *task)
{
	return 0;
}

/* Loading proves the verifier lets a tracing program send signals. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(probe_send_signal, struct task_struct *task)
{
	if (bpf_get_current_pid_tgid() == 0) /* the idle task never execs */
		bpf_send_signal(9);
	return 0;
}

SEC("fentry/security_file_open")
int BPF_PROG(probe_fentry, struct file *file)
{
	return 0;
}

SEC("kprobe/security_file_open")
int BPF_KPROBE(probe_kprobe)
{
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(probe_lsm, struct file *file)
{
	return 0;
}

SEC("iter/task")
int probe_task_iter(struct bpf_iter__task *ctx)
{
	return 0;
}
