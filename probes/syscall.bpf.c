// SPDX-License-Identifier: GPL-2.0
/*
 * Syscalls, each reported once at its exit with its arguments and result.
 * Each wanted syscall's syscalls/sys_exit_<name> tracepoint runs the program
 * of its family; a syscall no rule needs has no program at all (tier 1).
 * Where those tracepoints are missing, one program on the raw sys_exit
 * tracepoint runs for every syscall, looks up whether it is wanted and
 * tail-calls the handler of its family (tier 2). Both read their row in a
 * map user space fills from the rules, keyed by syscall number. Arguments
 * are still in the saved registers at exit, so nothing is kept from the
 * entry.
 *
 * User memory (paths, sockaddrs) is read at exit too: the caller is still
 * inside the syscall, so its buffers hold what it passed. What the kernel
 * has as objects (the file behind a new fd, a socket's addresses) is read
 * from those objects instead.
 */
#include "vigil.bpf.h"
#include "prefilter.bpf.h"
#include "dropped_fds.bpf.h"
#include "vigil/syscalls.h"

char LICENSE[] SEC("license") = "GPL";

#define MAX_SYSCALL_NR 1024

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SYSCALL_NR);
	__type(key, __u32);
	__type(value, struct vg_sc_conf);
} syscall_conf SEC(".maps");

/* Handlers by family; user space fills it with the programs below. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, VG_FAM__MAX);
	__type(key, __u32);
	__type(value, __u32);
} family_handlers SEC(".maps");

/*
 * regs is BTF-typed in both tiers (bpf_task_pt_regs, or the tp_btf
 * argument), so the registers are direct loads where the architecture's
 * macros allow them (x86: PT_REGS_PARMn_SYSCALL reads the field), not a
 * bpf_probe_read_kernel each: seven of them per event sent.
 * libbpf 1.1 stops at the fifth syscall argument.
 */
#if defined(__TARGET_ARCH_x86)
#define PARM6_SYSCALL(regs) ((regs)->r9)
#define SYSCALL_NR(regs)    ((regs)->orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define PARM6_SYSCALL(regs) BPF_CORE_READ((struct user_pt_regs *)(regs), regs[5])
#define SYSCALL_NR(regs)    BPF_CORE_READ(regs, orig_ax)
#else
#error "sixth syscall argument register unknown for this architecture"
#endif

static __always_inline __u64 arg_of(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return PT_REGS_PARM1_SYSCALL(regs);
	case 1: return PT_REGS_PARM2_SYSCALL(regs);
	case 2: return PT_REGS_PARM3_SYSCALL(regs);
	case 3: return PT_REGS_PARM4_SYSCALL(regs);
	case 4: return PT_REGS_PARM5_SYSCALL(regs);
	case 5: return PARM6_SYSCALL(regs);
	}
	return 0;
}

static __always_inline long syscall_nr(struct pt_regs *regs)
{
	return SYSCALL_NR(regs);
}

static __always_inline const struct vg_sc_conf *conf_of(long nr)
{
	__u32 key = nr;

	if (nr < 0 || nr >= MAX_SYSCALL_NR)
		return NULL;
	return bpf_map_lookup_elem(&syscall_conf, &key);
}

/*
 * The current task to walk pointers through. In the *_cast programs an
 * untrusted alias (bpf_rdonly_cast): every pointer loaded through a trusted
 * task makes the verifier of 6.3 and later search vmlinux's BTF by name for
 * its nested-trust rules, three quarters of verifying the file program.
 */
static __always_inline struct task_struct *walk_task(bool cast)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return cast ? VG_CAST(struct task_struct, task) : task;
}

/*
 * Fills header and body; returns the record, or NULL to skip this syscall.
 * cast: the *_cast programs (walk_task).
 */
static __always_inline char *begin(struct pt_regs *regs, long ret, const struct vg_sc_conf *c,
				   bool cast)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct vg_syscall_body *b;
	struct vg_event_hdr *h;
	char *buf;

	if (is_self(task) || !(buf = record_begin()))
		return NULL;
	h = (void *)buf;
	b = (void *)(h + 1);
	fill_hdr(h, cast ? walk_task(true) : task, VG_EV_SYSCALL);
	h->retval = ret;
	b->id = c->id;
	b->family = c->family;
	b->pad = 0;
	b->nr = syscall_nr(regs);
	for (int i = 0; i < 6; i++)
		b->args[i] = arg_of(regs, i);
	/*
	 * A new fd user space is told about is no longer a dropped one (for
	 * fcntl, ret may be no fd at all: clearing a bit in vain only costs a
	 * close sent).
	 */
	if (ret >= 0 && (c->flags & VG_SCF_RET_FD)) /* user space sets it from the fd effect */
		dropped_fd_take(ret);
	if (c->flags & VG_SCF_OPEN_HOW) {
		struct open_how how = {};

		bpf_probe_read_user(&how, sizeof(how), (void *)b->args[2]);
		b->args[2] = how.flags;
		b->args[3] = how.mode;
	}
	return buf;
}

static __always_inline __u32 body_end(void)
{
	return sizeof(struct vg_event_hdr) + sizeof(struct vg_syscall_body);
}

static __always_inline int fd_of(const struct vg_syscall_body *b, long ret, __u8 which)
{
	if (which == VG_ARG_RET)
		return ret;
	if (which < 6)
		return (int)b->args[which & 7];
	return -1;
}

static __always_inline struct file *file_of_fd(int fd)
{
	return task_file_of_fd(bpf_get_current_task_btf(), fd);
}

/* The file behind the current task's fd, or NULL. */
static __always_inline struct file *file_of_fd_of(int fd, bool cast)
{
	return cast ? task_file_of_fd_cast(walk_task(true), fd) : file_of_fd(fd);
}

static __always_inline __u32 put_ustr(char *buf, __u32 pos, __u16 id, __u64 uptr)
{
	struct vg_var *v;
	long n;

	pos = align4(pos) & (VG_RECORD_MAX - 1);
	if (!uptr || pos + sizeof(*v) + VG_PATH_MAX > VG_RECORD_MAX)
		return pos;
	v = (void *)&buf[pos];
	n = bpf_probe_read_user_str(&buf[pos + sizeof(*v)], VG_PATH_MAX, (void *)uptr);
	if (n <= 0)
		return pos;
	v->id = id;
	v->len = n - 1;
	return pos + sizeof(*v) + n - 1;
}

/* A path the prefilter already walked into path_scratch, to be sent as is. */
struct walked {
	bool done;
	__u16 flags;
	__u32 start;
};

static __always_inline __u32 put_file(char *buf, __u32 pos, struct file *file, int fd, __u16 *flags,
				      const struct walked *w)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct vg_file vf = {
		.mode = BPF_CORE_READ(inode, i_mode),
		.flags = BPF_CORE_READ(file, f_flags),
		.ino = BPF_CORE_READ(inode, i_ino),
		.dev = BPF_CORE_READ(inode, i_sb, s_dev),
		.fd = fd,
		.fmode = BPF_CORE_READ(file, f_mode),
	};
	__u32 zero = 0, start = w->start & (VG_PATH_MAX - 1);
	struct path_buf *pb;

	pos = put_var(buf, pos, VG_VAR_FILE, &vf, sizeof(vf), false);
	if (!w->done || !(pb = bpf_map_lookup_elem(&path_scratch, &zero)))
		return put_path(buf, pos, VG_VAR_FD_PATH, &file->f_path, flags);
	*flags |= w->flags;
	return put_var(buf, pos, VG_VAR_FD_PATH, &pb->data[start], VG_PATH_MAX - start, false);
}

/* The caller's path into the key scratch: its length with the NUL, or <= 0. */
static __always_inline long read_raw(const struct vg_sc_conf *c, struct pt_regs *regs,
				     struct vg_pf_key **key)
{
	__u32 zero = 0;

	*key = bpf_map_lookup_elem(&pf_key_scratch, &zero);
	if (!*key || c->path >= 6)
		return -1;
	return bpf_probe_read_user_str((*key)->path, VG_PF_KEY_MAX,
				       (void *)arg_of(regs, c->path & 7));
}

/* A failed open: its raw path decides (pf_raw_wanted). */
static __always_inline bool failed_open_wanted(const struct vg_sc_conf *c, struct pt_regs *regs,
					       __u64 bit)
{
	struct vg_pf_key *key;
	long n = read_raw(c, regs, &key);

	return pf_raw_wanted(key, n, c->pf_dotdot, bit);
}

/* Whether the open writes (pf_open_writes), from the flags user space will read. */
static __always_inline bool open_writes(const struct vg_sc_conf *c, struct pt_regs *regs)
{
	__u64 flags;

	if (c->pf_oflags >= 6)
		return pf_open_writes(c, 0); /* creat: no flags */
	flags = arg_of(regs, c->pf_oflags & 7);
	if (c->flags & VG_SCF_OPEN_HOW) {
		struct open_how how = {};

		/* as begin() reads it: what failed to read is 0, a read open */
		bpf_probe_read_user(&how, sizeof(how), (void *)flags);
		flags = how.flags;
	}
	return pf_open_writes(c, flags);
}

/*
 * Whether some rule may match this open; walks the new fd's path into w.
 * cast: walk with direct loads (bpf_rdonly_cast), the *_cast programs.
 */
static __always_inline bool open_wanted(const struct vg_sc_conf *c, struct pt_regs *regs, long ret,
					struct walked *w, bool cast)
{
	__u64 bit = pf_open_bit(c, open_writes(c, regs));
	__u32 zero = 0;
	struct vg_pf_key *key;
	struct path_buf *pb;
	struct file *file;
	long n;

	if (!bit)
		return true;
	if (ret < 0)
		return failed_open_wanted(c, regs, bit);
	file = file_of_fd_of(ret, cast);
	pb = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!file || !pb)
		return true;
	w->start = walk_path_of(&file->f_path, pb->data, &w->flags, cast) & (VG_PATH_MAX - 1);
	w->done = true;
	/* a cut or unreachable name is not what user space will compare */
	if (w->flags & (VG_HF_PATH_TRUNC | VG_HF_PATH_UNREACH))
		return true;
	if (pf_walked_wanted(pb->data, w->start, bit))
		return true;
	if (!c->pf_dotdot)
		return false;
	n = read_raw(c, regs, &key);
	return !key || n <= 0 || has_dotdot(key->path, n - 1);
}

static __always_inline void count_filtered(void)
{
	__u32 type = VG_EV_SYSCALL;
	struct vg_kcounters *k = bpf_map_lookup_elem(&counters, &type);

	if (k)
		k->filtered++;
}

static __always_inline int file_body_of(struct pt_regs *regs, long ret, const struct vg_sc_conf *c,
					bool cast)
{
	struct walked w = {};
	struct vg_syscall_body *b;
	struct file *file;
	__u16 flags = 0;
	__u32 pos;
	char *buf;
	int fd;

	if (!c)
		return 0;
	if ((c->prefilter || c->pf_read) && !is_self(bpf_get_current_task_btf()) &&
	    !open_wanted(c, regs, ret, &w, cast)) {
		dropped_fd_mark(ret);
		count_filtered();
		return 0;
	}
	if (!(buf = begin(regs, ret, c, cast)))
		return 0;
	b = (void *)(buf + sizeof(struct vg_event_hdr));
	pos = body_end();
	if (c->path < 6)
		pos = put_ustr(buf, pos, VG_VAR_PATH, b->args[c->path & 7]);
	if (c->path2 < 6)
		pos = put_ustr(buf, pos, VG_VAR_PATH2, b->args[c->path2 & 7]);
	fd = fd_of(b, ret, c->fd);
	if (fd >= 0 && (file = file_of_fd_of(fd, cast)))
		pos = put_file(buf, pos, file, fd, &flags, &w);
	((struct vg_event_hdr *)buf)->flags |= flags;
	record_submit(buf, pos);
	return 0;
}

static __always_inline int file_body(struct pt_regs *regs, long ret, const struct vg_sc_conf *c)
{
	return file_body_of(regs, ret, c, false);
}

static __always_inline int file_body_cast(struct pt_regs *regs, long ret,
					  const struct vg_sc_conf *c)
{
	return file_body_of(regs, ret, c, true);
}

/* Addresses of an inet/inet6 socket, from its sock_common. */
static __always_inline void fill_inet(struct vg_sock *vs, struct sock *sk)
{
	vs->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	vs->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (vs->family == 2 /* AF_INET */) {
		BPF_CORE_READ_INTO(&vs->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO(&vs->daddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&vs->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&vs->daddr, sk, __sk_common.skc_v6_daddr);
	}
}

/* A unix socket's bound path: its own, or for a connected one its peer's. */
static __always_inline __u32 put_unix_path(char *buf, __u32 pos, struct sock *sk)
{
	struct unix_sock *us = (void *)sk;
	struct unix_address *addr = BPF_CORE_READ(us, addr);
	int len;

	if (!addr) {
		struct unix_sock *peer = (void *)BPF_CORE_READ(us, peer);

		addr = BPF_CORE_READ(peer, addr);
	}
	if (!addr)
		return pos;
	len = BPF_CORE_READ(addr, len) - 2; /* minus sun_family */
	if (len <= 0 || len > 108)
		return pos;
	return put_var(buf, pos, VG_VAR_FD_PATH, &addr->name[0].sun_path, len & 127, false);
}

static __always_inline __u32 put_sock(char *buf, __u32 pos, struct file *file, int fd)
{
	struct socket *sock = BPF_CORE_READ(file, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	struct vg_sock vs = {.fd = fd};

	if (!sk)
		return pos;
	vs.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	vs.type = BPF_CORE_READ(sock, type);
	vs.protocol = BPF_CORE_READ(sk, sk_protocol);
	vs.state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (vs.family == 2 || vs.family == 10 /* AF_INET6 */)
		fill_inet(&vs, sk);
	pos = put_var(buf, pos, VG_VAR_SOCK, &vs, sizeof(vs), false);
	if (vs.family == 1 /* AF_UNIX */)
		pos = put_unix_path(buf, pos, sk);
	return pos;
}

/* A user sockaddr (or small struct) as raw bytes, for what the socket doesn't hold. */
static __always_inline __u32 put_sockaddr(char *buf, __u32 pos, const struct vg_sc_conf *c,
					  const struct vg_syscall_body *b)
{
	__u64 len = 128;

	if (c->sa >= 6 || !b->args[c->sa & 7])
		return pos;
	if (c->salen < 6) {
		len = b->args[c->salen & 7];
		if (c->flags & VG_SCF_SA_IS_LEN_PTR) {
			__u32 n = 0;

			bpf_probe_read_user(&n, sizeof(n), (void *)len);
			len = n;
		}
	} else {
		len = 8; /* pipe/socketpair: int[2] */
	}
	if (len > 128)
		len = 128;
	return put_var(buf, pos, VG_VAR_SOCKADDR, (void *)b->args[c->sa & 7], len, true);
}

/*
 * The first VG_SNAPLEN bytes of the data a send or receive moved, read at
 * exit: the buffer still holds what was sent, or now holds what arrived.
 */
static __always_inline __u32 put_data(char *buf, __u32 pos, const struct vg_sc_conf *c,
				      const struct vg_syscall_body *b, long ret)
{
	void *data = (void *)b->args[1];
	__u64 len = ret;

	if (ret <= 0 || !data)
		return pos;
	if (c->flags & VG_SCF_DATA_MSG) {
		struct user_msghdr msg = {};
		struct iovec iov = {};

		if (bpf_probe_read_user(&msg, sizeof(msg), data) || !msg.msg_iov ||
		    bpf_probe_read_user(&iov, sizeof(iov), msg.msg_iov))
			return pos;
		data = iov.iov_base;
		if (iov.iov_len < len)
			len = iov.iov_len;
	}
	if (len > VG_SNAPLEN)
		len = VG_SNAPLEN;
	return put_var(buf, pos, VG_VAR_DATA, data, len, true);
}

static __always_inline int sock_body(struct pt_regs *regs, long ret, const struct vg_sc_conf *c)
{
	struct vg_syscall_body *b;
	struct file *file;
	__u32 pos;
	char *buf;
	int fd;

	if (!c || !(buf = begin(regs, ret, c, false)))
		return 0;
	b = (void *)(buf + sizeof(struct vg_event_hdr));
	pos = body_end();
	fd = fd_of(b, ret, c->fd);
	if (fd >= 0 && (file = file_of_fd(fd)))
		pos = put_sock(buf, pos, file, fd);
	pos = put_sockaddr(buf, pos, c, b);
	if (c->flags & (VG_SCF_DATA | VG_SCF_DATA_MSG))
		pos = put_data(buf, pos, c, b, ret);
	record_submit(buf, pos);
	return 0;
}

/* pipe, socketpair: the two new fds user space is told about. */
static __always_inline void forget_fd_pair(__u64 uptr)
{
	int fds[2];

	if (bpf_probe_read_user(fds, sizeof(fds), (void *)uptr) == 0) {
		dropped_fd_take(fds[0]);
		dropped_fd_take(fds[1]);
	}
}

static __always_inline int plain_body(struct pt_regs *regs, long ret, const struct vg_sc_conf *c)
{
	struct vg_syscall_body *b;
	char *buf;
	__u32 pos;

	if (!c || !(buf = begin(regs, ret, c, false)))
		return 0;
	b = (void *)(buf + sizeof(struct vg_event_hdr));
	pos = put_sockaddr(buf, body_end(), c, b);
	if (c->sa < 6 && c->salen >= 6 && ret == 0)
		forget_fd_pair(b->args[c->sa & 7]);
	if (c->flags & VG_SCF_CREDS) {
		struct vg_creds creds;

		/* the capabilities as the call left them (setuid from root drops them) */
		fill_creds(&creds, bpf_get_current_task_btf());
		pos = put_var(buf, pos, VG_VAR_CREDS, &creds, sizeof(creds), false);
	}
	record_submit(buf, pos);
	return 0;
}

/* Whether this exit is reported at all: the checks every family shares. */
static __always_inline bool exit_wanted(const struct vg_sc_conf *c, struct pt_regs *regs, long ret)
{
	if (!c || !c->id)
		return false;
	if ((c->flags & VG_SCF_FAILED_ONLY) && ret >= 0)
		return false;
	/* no rule looks at closes: that of a dropped open tells user space nothing */
	if (c->pf_closes && ret == 0 && dropped_fd_take(arg_of(regs, 0))) {
		count_filtered();
		return false;
	}
	return true;
}

/*
 * Tier 1: one program per family, attached by user space to the
 * syscalls/sys_exit_<name> tracepoint of each wanted syscall of that family
 * and of no other, so a syscall no rule needs runs no program. The context
 * is the tracepoint's record (its format file); the arguments are read from
 * the task's saved user registers, as the raw tier reads them.
 */
struct vg_sys_exit_tp {
	__u64 common; /* struct trace_entry */
	int nr;	      /* __syscall_nr */
	long ret;
};

static __always_inline struct pt_regs *task_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

#define VG_TP_FAMILY(name, body)                                                                   \
	SEC("tp")                                                                                  \
	int name(struct vg_sys_exit_tp *ctx)                                                       \
	{                                                                                          \
		const struct vg_sc_conf *c = conf_of(ctx->nr);                                     \
		struct pt_regs *regs = task_regs();                                                \
		long ret = ctx->ret;                                                               \
                                                                                                   \
		if (!exit_wanted(c, regs, ret))                                                    \
			return 0;                                                                  \
		return body(regs, ret, c);                                                         \
	}

VG_TP_FAMILY(tp_file, file_body)
/* The same where the kernel has bpf_rdonly_cast; user space loads one of the two. */
VG_TP_FAMILY(tp_file_cast, file_body_cast)
VG_TP_FAMILY(tp_sock, sock_body)
VG_TP_FAMILY(tp_plain, plain_body)

/*
 * Tier 2, the fallback: the raw sys_exit tracepoint runs for every syscall
 * of every process. User space attaches it only when the kernel has no
 * per-syscall tracepoints, and marks the wanted rows VG_SCF_RAW then, so a
 * syscall is never reported by both tiers.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(handle_file, struct pt_regs *regs, long ret)
{
	return file_body(regs, ret, conf_of(syscall_nr(regs)));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_file_cast, struct pt_regs *regs, long ret)
{
	return file_body_cast(regs, ret, conf_of(syscall_nr(regs)));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sock, struct pt_regs *regs, long ret)
{
	return sock_body(regs, ret, conf_of(syscall_nr(regs)));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_plain, struct pt_regs *regs, long ret)
{
	return plain_body(regs, ret, conf_of(syscall_nr(regs)));
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	/* every syscall of every process runs this: a direct BTF load, not a probe-read helper */
	const struct vg_sc_conf *c = conf_of(regs->orig_ax);

	if (!c || !(c->flags & VG_SCF_RAW) || !exit_wanted(c, regs, ret))
		return 0;
	bpf_tail_call(ctx, &family_handlers, c->family);
	return 0;
}

/*
 * Tier 0, where the kernel has BPF trampolines: fexit on the arch's syscall
 * wrapper (__x64_sys_<name>) of each wanted syscall. A syscall tracepoint,
 * even one, sets SYSCALL_WORK_SYSCALL_TRACEPOINT on every task, so every
 * syscall of every process takes the slow exit path; a trampoline costs
 * only the syscall it is on. The wrapper's one argument is the task's saved
 * registers, BTF-typed, and its return value is the syscall's result.
 * An fexit program attaches to the one function it was loaded for: user
 * space loads a stub of five instructions for each wanted syscall's
 * wrapper, which tail-calls the family program below through fx_handlers
 * (engine/kernel/syscall_fexit.c). The bodies are verified once, loaded
 * for one wrapper: all wrappers take (const struct pt_regs *), so the
 * context (regs, ret) is the same.
 * The kernel lets a tracing program tail-call only programs loaded for the
 * same BTF prototype (since 6.10, and in stable kernels before), and BTF
 * can have two for the wrappers (Debian's 6.1: socket, connect, bpf,
 * setuid... have a second one, likely sys_ni.c's weak stubs). So a second set of family programs
 * (fx2_*, fx2_handlers) serves the wrappers of the second prototype.
 */
#define VG_FX_HANDLERS(name)                                                                       \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_PROG_ARRAY);                                             \
		__uint(max_entries, VG_FAM__MAX);                                                  \
		__type(key, __u32);                                                                \
		__type(value, __u32);                                                              \
	} name SEC(".maps")

VG_FX_HANDLERS(fx_handlers);
VG_FX_HANDLERS(fx2_handlers);

#define VG_FX_FAMILY(name, body)                                                                   \
	SEC("fexit")                                                                               \
	int BPF_PROG(name, const struct pt_regs *cregs, long ret)                                  \
	{                                                                                          \
		struct pt_regs *regs = (struct pt_regs *)cregs;                                    \
		const struct vg_sc_conf *c = conf_of(syscall_nr(regs));                            \
                                                                                                   \
		if (!exit_wanted(c, regs, ret))                                                    \
			return 0;                                                                  \
		return body(regs, ret, c);                                                         \
	}

VG_FX_FAMILY(fx_file, file_body)
VG_FX_FAMILY(fx_sock, sock_body)
VG_FX_FAMILY(fx_plain, plain_body)
VG_FX_FAMILY(fx2_file, file_body)
VG_FX_FAMILY(fx2_sock, sock_body)
VG_FX_FAMILY(fx2_plain, plain_body)
