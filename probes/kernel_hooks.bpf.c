// SPDX-License-Identifier: GPL-2.0
/*
 * Observation hooks on kernel functions, where the kernel lets us attach
 * them: fentry first, kprobe otherwise (engine/kernel/hooks.c picks one
 * flavour at start-up and loads only its programs).
 *
 * commit_creds(new) is the one place every credential change of a task
 * goes through: set*id and capset, but also the exec of a setuid or
 * file-capability binary, unshare(CLONE_NEWUSER), keyctl's session join and
 * the commit_creds(prepare_kernel_cred(0)) of a kernel exploit, which no
 * syscall tracepoint shows. It runs in the task whose credentials change,
 * before the switch: current's real_cred is the old side, new the new one.
 */
#include "vigil.bpf.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline void read_cred_set(struct vg_cred_set *s, const struct cred *c)
{
	s->uid = BPF_CORE_READ(c, uid.val);
	s->gid = BPF_CORE_READ(c, gid.val);
	s->euid = BPF_CORE_READ(c, euid.val);
	s->egid = BPF_CORE_READ(c, egid.val);
	s->suid = BPF_CORE_READ(c, suid.val);
	s->sgid = BPF_CORE_READ(c, sgid.val);
	s->fsuid = BPF_CORE_READ(c, fsuid.val);
	s->fsgid = BPF_CORE_READ(c, fsgid.val);
	s->userns = BPF_CORE_READ(c, user_ns, ns.inum);
	s->pad = 0;
	/* kernel_cap_t: a u64 since 6.3, two u32s before, 8 bytes either way */
	bpf_core_read(&s->caps.cap_inheritable, 8, &c->cap_inheritable);
	bpf_core_read(&s->caps.cap_permitted, 8, &c->cap_permitted);
	bpf_core_read(&s->caps.cap_effective, 8, &c->cap_effective);
}

static __always_inline __u32 creds_changed(const struct vg_cred_set *o, const struct vg_cred_set *n)
{
	__u32 changed = 0;

	if (o->uid != n->uid || o->euid != n->euid || o->suid != n->suid || o->fsuid != n->fsuid)
		changed |= VG_CRC_UID;
	if (o->gid != n->gid || o->egid != n->egid || o->sgid != n->sgid || o->fsgid != n->fsgid)
		changed |= VG_CRC_GID;
	if (o->caps.cap_inheritable != n->caps.cap_inheritable ||
	    o->caps.cap_permitted != n->caps.cap_permitted ||
	    o->caps.cap_effective != n->caps.cap_effective)
		changed |= VG_CRC_CAPS;
	if (o->userns != n->userns)
		changed |= VG_CRC_USERNS;
	return changed;
}

/*
 * Every exec commits credentials too, almost always the same ones: only a
 * change is sent, so the hook costs an exec two cred reads, not a record.
 */
static __always_inline int on_commit_creds(const struct cred *new, __u16 hook)
{
	/* BTF-typed: fill_hdr loads through it */
	struct task_struct *task = bpf_get_current_task_btf();
	struct vg_creds_body *b;
	struct vg_event_hdr *h;
	char *buf;
	__u32 changed;

	if (is_self(task) || !(buf = record_begin()))
		return 0;
	h = (void *)buf;
	b = (void *)(h + 1);
	/* commit_creds replaces real_cred (and cred, equal to it then: no override is active) */
	read_cred_set(&b->old, BPF_CORE_READ(task, real_cred));
	read_cred_set(&b->new, new);
	changed = creds_changed(&b->old, &b->new);
	if (!changed)
		return 0;
	fill_hdr(h, task, VG_EV_CREDS);
	h->uid = b->new.uid;
	h->gid = b->new.gid;
	h->euid = b->new.euid;
	h->egid = b->new.egid;
	b->changed = changed;
	b->hook = hook;
	b->pad = 0;
	record_submit(buf, sizeof(*h) + sizeof(*b));
	return 0;
}

SEC("fentry/commit_creds")
int BPF_PROG(creds_fentry, const struct cred *new)
{
	return on_commit_creds(new, VG_HOOK_FENTRY);
}

SEC("kprobe/commit_creds")
int BPF_KPROBE(creds_kprobe, const struct cred *new)
{
	return on_commit_creds(new, VG_HOOK_KPROBE);
}
