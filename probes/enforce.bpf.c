// SPDX-License-Identifier: GPL-2.0
/*
 * Enforcement of rules with an action, in two tiers chosen at start-up.
 *
 * LSM (BPF LSM active): bprm_check_security, file_open and socket_connect
 * decide before the operation happens and make it fail with EPERM; a kill
 * action also sends SIGKILL. task_kill and ptrace_access_check protect
 * vigil itself.
 *
 * Signal (no BPF LSM): the exec is decided at sched_process_exec, after
 * the new image is mapped and before it runs one instruction; opens and
 * connects at their syscall's exit. The offender gets SIGKILL, which it
 * handles on its way back to user space: the syscall has happened, the
 * process never sees its result.
 *
 * Every decision, enforced or audited, is sent as a syscall record with
 * VG_HF_ENFORCE and a struct vg_enforce_info.
 */
#include "enforce_match.bpf.h"
#include "vigil/syscalls.h"

char LICENSE[] SEC("license") = "GPL";

#define EPERM	    1
#define SIGKILL	    9
#define SIGSTOP	    19
#define FMODE_READ  0x1
#define FMODE_WRITE 0x2
#define FMODE_EXEC  0x20
#define AF_INET	    2
#define AF_INET6    10
#define AT_FDCWD    -100

/* Arch syscall numbers the signal tier decides at exit; -1 where the arch lacks one. */
const volatile __s32 nr_open = -1;
const volatile __s32 nr_openat = -1;
const volatile __s32 nr_openat2 = -1;
const volatile __s32 nr_creat = -1;
const volatile __s32 nr_connect = -1;

/* vigil itself and the host's init are never enforced against; kernel threads neither. */
static __always_inline bool exempt(struct task_struct *task)
{
	return is_self(task) || BPF_CORE_READ(task, tgid) == 1 || !BPF_CORE_READ(task, mm);
}

/* ---- the decision record ---- */

struct record_args {
	__u16 sc_id;
	__u8 family;
	__u8 op;
	long ret;
	struct vg_enforce_info info;
};

static __always_inline char *record_open(struct task_struct *task, struct record_args *a,
					 __u32 *pos)
{
	struct vg_syscall_body *b;
	struct vg_event_hdr *h;
	char *buf = record_begin();

	if (!buf)
		return NULL;
	h = (void *)buf;
	b = (void *)(h + 1);
	fill_hdr(h, task, VG_EV_SYSCALL);
	h->flags |= VG_HF_ENFORCE;
	h->retval = a->ret;
	__builtin_memset(b, 0, sizeof(*b));
	b->id = a->sc_id;
	b->family = a->family;
	a->info.op = a->op;
	*pos = put_var(buf, sizeof(*h) + sizeof(*b), VG_VAR_ENFORCE, &a->info, sizeof(a->info),
		       false);
	return buf;
}

static __always_inline void record_close(char *buf, __u32 pos, __u16 flags)
{
	((struct vg_event_hdr *)buf)->flags |= flags;
	record_submit(buf, pos);
}

static __always_inline void info_from(struct vg_enforce_info *info, const struct vg_enf_conj *c)
{
	info->rule = c->rule;
	info->action = c->action;
	info->mode = c->mode;
}

/* LSM tier: the hook's return value, and what was done. */
static __always_inline int act_lsm(const struct vg_enf_conj *c, struct vg_enforce_info *info)
{
	info_from(info, c);
	info->tier = VG_ENF_TIER_LSM;
	if (c->mode != VG_ENF_MODE_ON) {
		info->result = VG_ENF_RES_AUDIT;
		return 0;
	}
	info->result = VG_ENF_RES_DENIED;
	if (c->action == VG_ENF_ACT_KILL)
		info->result =
			bpf_send_signal(SIGKILL) ? VG_ENF_RES_DENIED : VG_ENF_RES_DENIED_KILLED;
	return -EPERM;
}

/* Signal tier: the operation has happened; the process must not live to use it. */
static __always_inline void act_signal(const struct vg_enf_conj *c, struct vg_enforce_info *info)
{
	info_from(info, c);
	info->tier = VG_ENF_TIER_SIGNAL;
	if (c->mode != VG_ENF_MODE_ON)
		info->result = VG_ENF_RES_AUDIT;
	else
		info->result = bpf_send_signal(SIGKILL) ? VG_ENF_RES_FAILED : VG_ENF_RES_KILLED;
}

/* ---- exec ---- */

struct base_ctx {
	const char *p;
	__u32 n;
	__u32 start;
};

static long find_last_slash(__u32 i, void *ctx)
{
	struct base_ctx *b = ctx;
	__u32 k = b->n - 1 - i;

	if (k >= VG_PATH_MAX)
		return 1;
	if (b->p[k] == '/') {
		b->start = k + 1;
		return 1;
	}
	return 0;
}

/*
 * At bprm_check_security the comm is still the caller's; the kernel will
 * set it to the last component of the name execve was given, as here.
 */
static __always_inline void match_exec_comm(struct enf_subject *s, const struct vg_enf_conf *conf,
					    struct linux_binprm *bprm)
{
	struct base_ctx b = {.p = s->pb.data};
	long n;

	if (!((conf->str_fields | conf->prefix_fields) & (1u << VG_ENF_F_COMM)))
		return;
	n = bpf_probe_read_kernel_str(s->pb.data, VG_PATH_MAX, BPF_CORE_READ(bprm, filename));
	if (n <= 1)
		return;
	b.n = n - 1;
	bpf_loop(b.n, find_last_slash, &b, 0);
	n = b.n - b.start;
	if (n > VG_COMM_LEN - 1)
		n = VG_COMM_LEN - 1;
	if (b.start < VG_PATH_MAX)
		match_str(s, conf, VG_ENF_F_COMM, &s->pb.data[b.start & (VG_PATH_MAX - 1)], n);
}

static __always_inline const struct vg_enf_conj *decide_exec(struct enf_subject *s,
							     const struct vg_enf_conf *conf,
							     struct task_struct *task,
							     struct linux_binprm *bprm, bool lsm)
{
	match_file_path(s, conf, VG_ENF_F_EXE, BPF_CORE_READ(bprm, file));
	if (lsm)
		match_exec_comm(s, conf, bprm);
	else
		match_comm(s, conf, VG_ENF_F_COMM, task);
	match_task(s, conf, task);
	return enf_decide(s, conf);
}

static __always_inline void report_exec(struct task_struct *task, struct record_args *a,
					struct linux_binprm *bprm)
{
	struct file *file = BPF_CORE_READ(bprm, file);
	__u16 flags = 0;
	__u32 pos;
	char *buf;

	a->sc_id = VG_SC_execve;
	a->family = VG_FAM_FILE;
	a->op = VG_ENF_OP_EXEC;
	if (!(buf = record_open(task, a, &pos)))
		return;
	pos = put_path(buf, pos, VG_VAR_PATH, &file->f_path, &flags);
	record_close(buf, pos, flags);
}

static __always_inline struct enf_subject *begin(struct task_struct *task,
						 const struct vg_enf_conf **conf, __u8 op)
{
	const struct vg_enf_conf *c = enf_config();

	if (!c || !(c->ops & op) || exempt(task))
		return NULL;
	*conf = c;
	return enf_subject_begin(op);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(lsm_exec, struct linux_binprm *bprm, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct vg_enf_conf *conf;
	const struct vg_enf_conj *c;
	struct record_args a = {};
	struct enf_subject *s;

	if (ret || !(s = begin(task, &conf, VG_ENF_OP_EXEC)))
		return ret;
	if (!(c = decide_exec(s, conf, task, bprm, true)))
		return 0;
	a.ret = act_lsm(c, &a.info);
	report_exec(task, &a, bprm);
	return a.ret;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(signal_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	const struct vg_enf_conf *conf;
	const struct vg_enf_conj *c;
	struct record_args a = {};
	struct enf_subject *s;

	if (!(s = begin(task, &conf, VG_ENF_OP_EXEC)))
		return 0;
	if (!(c = decide_exec(s, conf, task, bprm, false)))
		return 0;
	act_signal(c, &a.info);
	report_exec(task, &a, bprm);
	return 0;
}

/* ---- open ---- */

static __always_inline const struct vg_enf_conj *decide_open(struct enf_subject *s,
							     const struct vg_enf_conf *conf,
							     struct task_struct *task,
							     struct file *file)
{
	struct qstr name = BPF_CORE_READ(file, f_path.dentry, d_name);
	__u32 mode = BPF_CORE_READ(file, f_mode), len, start, nlen = name.len & NAME_MASK;

	start = enf_walk(s, &file->f_path, &len);
	match_str(s, conf, VG_ENF_F_PATH, &s->pb.data[start], len);
	/* the directory is the path up to its last '/', or "/" itself */
	if (len > nlen + 1)
		match_str(s, conf, VG_ENF_F_DIR, &s->pb.data[start], len - nlen - 1);
	else
		match_str(s, conf, VG_ENF_F_DIR, &s->pb.data[start], 1);
	bpf_probe_read_kernel(s->filename, nlen, name.name);
	match_str(s, conf, VG_ENF_F_FILENAME, s->filename, nlen);
	set_num(s, VG_ENF_F_OPEN_READ, (mode & FMODE_READ) != 0);
	set_num(s, VG_ENF_F_OPEN_WRITE, (mode & FMODE_WRITE) != 0);
	match_file_path(s, conf, VG_ENF_F_EXE, BPF_CORE_READ(task, mm, exe_file));
	match_comm(s, conf, VG_ENF_F_COMM, task);
	match_task(s, conf, task);
	return enf_decide(s, conf);
}

static __always_inline void report_open(struct task_struct *task, struct record_args *a,
					struct file *file, int fd)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct vg_file vf = {
		.mode = BPF_CORE_READ(inode, i_mode),
		.flags = BPF_CORE_READ(file, f_flags),
		.ino = BPF_CORE_READ(inode, i_ino),
		.dev = BPF_CORE_READ(inode, i_sb, s_dev),
		.fd = fd,
	};
	struct vg_syscall_body *b;
	__u16 flags = 0;
	__u32 pos;
	char *buf;

	a->sc_id = VG_SC_openat;
	a->family = VG_FAM_FILE;
	a->op = VG_ENF_OP_OPEN;
	if (!(buf = record_open(task, a, &pos)))
		return;
	b = (void *)(buf + sizeof(struct vg_event_hdr));
	b->args[0] = (__u64)(__s64)AT_FDCWD;
	b->args[2] = vf.flags;
	pos = put_var(buf, pos, VG_VAR_FILE, &vf, sizeof(vf), false);
	pos = put_path(buf, pos, VG_VAR_PATH, &file->f_path, &flags);
	record_close(buf, pos, flags);
}

SEC("lsm/file_open")
int BPF_PROG(lsm_open, struct file *file, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct vg_enf_conf *conf;
	const struct vg_enf_conj *c;
	struct record_args a = {};
	struct enf_subject *s;

	/* the exec hook decides about the binary an exec opens */
	if (ret || (BPF_CORE_READ(file, f_mode) & FMODE_EXEC))
		return ret;
	if (!(s = begin(task, &conf, VG_ENF_OP_OPEN)) || !(c = decide_open(s, conf, task, file)))
		return 0;
	a.ret = act_lsm(c, &a.info);
	report_open(task, &a, file, -1);
	return a.ret;
}

/* ---- connect ---- */

/* Destination of a kernel-memory sockaddr: port and IPv4-mapped address. */
static __always_inline void set_dest(struct enf_subject *s, const void *sa, bool user)
{
	struct sockaddr_in6 sin6 = {};
	__u16 family;

	if (user)
		bpf_probe_read_user(&sin6, sizeof(sin6), sa);
	else
		bpf_probe_read_kernel(&sin6, sizeof(sin6), sa);
	family = sin6.sin6_family;
	if (family != AF_INET && family != AF_INET6)
		return;
	set_num(s, VG_ENF_F_DPORT, __builtin_bswap16(sin6.sin6_port));
	__builtin_memset(&s->addr, 0, sizeof(s->addr));
	s->addr.prefixlen = 128;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)&sin6;

		s->addr.addr[10] = 0xff;
		s->addr.addr[11] = 0xff;
		__builtin_memcpy(&s->addr.addr[12], &sin->sin_addr, 4);
	} else {
		__builtin_memcpy(s->addr.addr, &sin6.sin6_addr, 16);
	}
	s->has_addr = 1;
}

static __always_inline const struct vg_enf_conj *decide_connect(struct enf_subject *s,
								const struct vg_enf_conf *conf,
								struct task_struct *task,
								const void *sa, bool user)
{
	set_dest(s, sa, user);
	match_file_path(s, conf, VG_ENF_F_EXE, BPF_CORE_READ(task, mm, exe_file));
	match_comm(s, conf, VG_ENF_F_COMM, task);
	match_task(s, conf, task);
	return enf_decide(s, conf);
}

static __always_inline void report_connect(struct task_struct *task, struct record_args *a,
					   const void *sa, __u32 salen, bool user, int fd)
{
	struct vg_syscall_body *b;
	__u32 pos;
	char *buf;

	a->sc_id = VG_SC_connect;
	a->family = VG_FAM_SOCK;
	a->op = VG_ENF_OP_CONNECT;
	if (!(buf = record_open(task, a, &pos)))
		return;
	b = (void *)(buf + sizeof(struct vg_event_hdr));
	b->args[0] = fd;
	b->args[2] = salen;
	if (salen > sizeof(struct sockaddr_in6))
		salen = sizeof(struct sockaddr_in6);
	pos = put_var(buf, pos, VG_VAR_SOCKADDR, sa, salen, user);
	record_close(buf, pos, 0);
}

SEC("lsm/socket_connect")
int BPF_PROG(lsm_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct vg_enf_conf *conf;
	const struct vg_enf_conj *c;
	struct record_args a = {};
	struct enf_subject *s;

	if (ret || !(s = begin(task, &conf, VG_ENF_OP_CONNECT)))
		return ret;
	if (!(c = decide_connect(s, conf, task, address, false)))
		return 0;
	a.ret = act_lsm(c, &a.info);
	report_connect(task, &a, address, addrlen, false, -1);
	return a.ret;
}

/* ---- the signal tier's syscall exits ---- */

static __always_inline bool is_open_nr(long nr)
{
	return nr >= 0 && (nr == nr_open || nr == nr_openat || nr == nr_openat2 || nr == nr_creat);
}

/* What the signal tier does when an open or a connect returns. */
static __always_inline int signal_exit(struct pt_regs *regs, long nr, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const struct vg_enf_conf *conf;
	const struct vg_enf_conj *c;
	struct record_args a = {};
	struct enf_subject *s;
	struct file *file;

	if (is_open_nr(nr)) {
		/* a failed open gave the process nothing to use */
		if (ret < 0 || !(s = begin(task, &conf, VG_ENF_OP_OPEN)) ||
		    !(file = task_file_of_fd(task, ret)) || !(c = decide_open(s, conf, task, file)))
			return 0;
		act_signal(c, &a.info);
		a.ret = ret;
		report_open(task, &a, file, ret);
	} else if (nr >= 0 && nr == nr_connect) {
		/* the sockaddr is the caller's: still there, as the caller is still in the syscall
		 */
		void *sa = (void *)PT_REGS_PARM2_CORE_SYSCALL(regs);
		__u32 salen = PT_REGS_PARM3_CORE_SYSCALL(regs);

		if (!(s = begin(task, &conf, VG_ENF_OP_CONNECT)) ||
		    !(c = decide_connect(s, conf, task, sa, true)))
			return 0;
		act_signal(c, &a.info);
		a.ret = ret;
		report_connect(task, &a, sa, salen, true, PT_REGS_PARM1_CORE_SYSCALL(regs));
	}
	return 0;
}

/* syscalls/sys_exit_<name>'s record (its format file): the common header, nr, ret. */
struct vg_enf_exit_tp {
	__u64 common;
	int nr;
	long ret;
};

/*
 * Tier 1: user space attaches this to syscalls/sys_exit_<name> of the
 * syscalls the policy covers only (the open family, connect), so that no
 * other syscall pays for enforcement.
 */
SEC("tp")
int signal_exit_tp(struct vg_enf_exit_tp *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	return signal_exit(regs, ctx->nr, ctx->ret);
}

/* Tier 2, where the kernel has no per-syscall tracepoints: runs on every syscall. */
SEC("tp_btf/sys_exit")
int BPF_PROG(signal_sys_exit, struct pt_regs *regs, long ret)
{
	return signal_exit(regs, BPF_CORE_READ(regs, orig_ax), ret);
}

/* ---- self-protection (LSM tier) ---- */

static __always_inline bool protects(struct task_struct *target)
{
	const struct vg_enf_conf *conf = enf_config();

	return conf && conf->self_protect && self_tgid &&
	       BPF_CORE_READ(target, tgid) == self_tgid && !is_self(bpf_get_current_task_btf());
}

static __always_inline void report_self(__u32 rule)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct record_args a = {
		.sc_id = rule == VG_ENF_RULE_SELF_SIGNAL ? VG_SC_NONE : VG_SC_ptrace,
		.family = VG_FAM_PLAIN,
		.ret = -EPERM,
		.info = {.rule = rule,
			 .action = VG_ENF_ACT_DENY,
			 .mode = VG_ENF_MODE_ON,
			 .tier = VG_ENF_TIER_LSM,
			 .result = VG_ENF_RES_DENIED,
			 .target_pid = self_tgid},
	};
	__u32 pos;
	char *buf = record_open(task, &a, &pos);

	if (buf)
		record_close(buf, pos, 0);
}

/* SIGKILL and SIGSTOP would stop vigil without letting it report; SIGTERM still stops it. */
SEC("lsm/task_kill")
int BPF_PROG(lsm_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	if (ret || (sig != SIGKILL && sig != SIGSTOP) || !protects(p))
		return ret;
	report_self(VG_ENF_RULE_SELF_SIGNAL);
	return -EPERM;
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(lsm_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	if (ret || !protects(child))
		return ret;
	report_self(VG_ENF_RULE_SELF_PTRACE);
	return -EPERM;
}
