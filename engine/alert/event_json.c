// SPDX-License-Identifier: Apache-2.0
#include "alert/event_json.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "container/container.h"
#include "decode/decode.h"
#include "enforce/names.h"
#include "kernel/syscall_table.h"
#include "alert/json_buf.h"
#include "state/event_state.h"
#include "state/fd_table.h"
#include "state/proc_table.h"

/*
 * Every value goes straight into the one JSON writer (json_buf.c) in
 * document order; a string from the watched world goes through vg_ab_str,
 * which repairs it and files its exact bytes under the path it sits at
 * ("exe", "args[1]", "parent.comm"), so the "raw" map comes out in the
 * same order as the strings it names.
 */

/*
 * Keys are literals quoted at compile time (VG_JB_KEY): an alert writes some
 * forty of them for its process, ancestors and container, and escaping each
 * at run time showed in rules_bench.
 */
#define KEY(w, k) VG_JB_KEY(&(w)->jb, k)

/* A string value from the event, or null; path names it in "raw". */
static void val_str(struct vg_alert_builder *w, const char *s, size_t n, const char *path)
{
	if (s)
		vg_ab_str(w, s, n, path, -1, NULL);
	else
		vg_jb_null(&w->jb);
}

/* (u32)-1 means "unset" for login uid and session id, as in /proc. */
static void val_id(struct vg_alert_builder *w, uint32_t v)
{
	if (v == UINT32_MAX)
		vg_jb_null(&w->jb);
	else
		vg_jb_i64(&w->jb, v);
}

#define KEY_STR(w, k, s, n, path) (KEY(w, k), val_str(w, s, n, path))
#define KEY_CSTR(w, k, s, path)	  (KEY(w, k), vg_ab_cstr(w, s, path, -1, NULL))
/* A fixed text of vigil's own (a name from a table): nothing to repair. */
#define KEY_NAME(w, k, s) (KEY(w, k), vg_jb_cstr(&(w)->jb, s))
#define KEY_U64(w, k, v)  (KEY(w, k), vg_jb_u64(&(w)->jb, v))
#define KEY_I64(w, k, v)  (KEY(w, k), vg_jb_i64(&(w)->jb, v))
#define KEY_BOOL(w, k, v) (KEY(w, k), vg_jb_bool(&(w)->jb, v))
#define KEY_ID(w, k, v)	  (KEY(w, k), val_id(w, v))
/* A variable field of the record as a string (null when the record has none), named k in raw. */
#define KEY_VAR(w, k, v) KEY_STR(w, k, (v).ptr, (v).len, k)

void vg_args_json(struct vg_alert_builder *w, const char *args, uint32_t len, const char *path)
{
	int k = 0;

	vg_jb_arr_begin(&w->jb);
	for (uint32_t i = 0; args && i < len; k++) {
		uint32_t n = (uint32_t)strnlen(args + i, len - i);

		vg_ab_str(w, args + i, n, path, k, NULL);
		i += n + 1;
	}
	vg_jb_arr_end(&w->jb);
}

/* One string of a process summary: key k, its raw path p1, "[idx]" when idx >= 0, ".k". */
#define BRIEF_STR(w, k, s, p1, idx) (KEY(w, k), vg_ab_cstr(w, s, p1, idx, "." k))

void vg_proc_json_brief(struct vg_alert_builder *w, const struct vg_proc *p, const char *path,
			const char *args_path)
{
	vg_jb_obj_begin(&w->jb);
	KEY_U64(w, "pid", p->pid);
	BRIEF_STR(w, "exec_id", p->exec_id, path, -1);
	BRIEF_STR(w, "comm", p->comm, path, -1);
	BRIEF_STR(w, "exe", p->exe, path, -1);
	KEY(w, "args");
	vg_args_json(w, p->args, p->args_len, args_path);
	KEY_U64(w, "uid", p->uid);
	KEY_U64(w, "cgroup_id", p->cgroup_id);
	vg_jb_obj_end(&w->jb);
}

void vg_ancestors_json(struct vg_alert_builder *w, struct vg_proc_table *t, const struct vg_proc *p,
		       const char *path)
{
	const struct vg_proc *a = p;

	vg_jb_arr_begin(&w->jb);
	for (int i = 0; i < VG_JSON_MAX_ANCESTORS && (a = vg_proc_parent(t, a)); i++) {
		vg_jb_obj_begin(&w->jb);
		KEY_U64(w, "pid", a->pid);
		BRIEF_STR(w, "exec_id", a->exec_id, path, i);
		BRIEF_STR(w, "exe", a->exe, path, i);
		BRIEF_STR(w, "comm", a->comm, path, i);
		vg_jb_obj_end(&w->jb);
	}
	vg_jb_arr_end(&w->jb);
}

static void flags_json(struct vg_alert_builder *w, uint16_t flags)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} names[] = {
		{VG_HF_THREAD, "thread"},
		{VG_HF_ARGV_TRUNC, "argv_truncated"},
		{VG_HF_PATH_TRUNC, "path_truncated"},
		{VG_HF_PATH_UNREACH, "path_unreachable"},
		{VG_HF_ARGV_FAULT, "argv_unreadable"},
		{VG_HF_EXE_UPPER, "exe_upper_layer"},
		{VG_HF_ENV_TRUNC, "env_truncated"},
		{VG_HF_ENFORCE, "enforcement"},
	};

	KEY(w, "flags");
	vg_jb_arr_begin(&w->jb);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			vg_jb_cstr(&w->jb, names[i].name);
	vg_jb_arr_end(&w->jb);
}

static void add_header(struct vg_alert_builder *w, const struct vg_event *ev)
{
	const struct vg_event_hdr *h = ev->hdr;
	char time[VG_TIME_MAX];

	KEY(w, "time");
	vg_jb_str(&w->jb, time, vg_time_format(&w->clock, ev->wall_ns, VG_TIME_UTC, time));
	KEY_U64(w, "ts_ns", h->ts_ns); /* CLOCK_BOOTTIME, comparable with start_time_ns */
	KEY_NAME(w, "type", vg_event_type_name(ev->type));
	KEY_U64(w, "pid", h->pid);
	KEY_U64(w, "tid", h->tid);
	KEY_U64(w, "ppid", h->ppid);
	KEY_U64(w, "vpid", h->vpid);
	KEY_U64(w, "uid", h->uid);
	KEY_U64(w, "gid", h->gid);
	KEY_U64(w, "euid", h->euid);
	KEY_U64(w, "egid", h->egid);
	KEY_ID(w, "loginuid", h->loginuid);
	KEY_ID(w, "sessionid", h->sessionid);
	KEY_STR(w, "comm", h->comm, strnlen(h->comm, VG_COMM_LEN), "comm");
	KEY_U64(w, "cgroup_id", h->cgroup_id);
	KEY_U64(w, "pid_ns", h->pid_ns);
	KEY_U64(w, "mnt_ns", h->mnt_ns);
	flags_json(w, h->flags);
}

/* Why argv may be short: the one place that says it, for users and tests. */
static const char *args_truncation_reason(const struct vg_event *ev, const struct vg_proc *p)
{
	if (p && !p->args_truncated)
		return NULL;
	if (p && p->args_capped)
		return "argv exceeds the 64 KiB vigil keeps per process (the rest of /proc's copy "
		       "is cut)";
	if (ev->hdr->flags & VG_HF_ARGV_FAULT)
		return "argv pages were not readable at exec";
	if (ev->hdr->flags & VG_HF_ARGV_TRUNC)
		return "argv exceeds the 16 KiB the kernel event carries and the process exited "
		       "before the rest could be read from /proc";
	return NULL;
}

/* The environment as the policy allows: nothing, names with secret values hidden, or all. */
static void add_env(struct vg_alert_builder *w, const struct vg_event *ev,
		    const struct vg_env_policy *pol)
{
	struct vg_str env = ev->var[VG_VAR_ENV];
	char buf[VG_ENV_MAX + 1024];
	bool truncated;
	size_t n;

	if (!env.ptr || !pol || pol->mode == VG_ENV_OFF)
		return;
	KEY(w, "env");
	if (pol->mode == VG_ENV_FULL) {
		vg_args_json(w, env.ptr, env.len, "env");
		return;
	}
	n = vg_env_redact(pol, env.ptr, env.len, buf, sizeof(buf), &truncated);
	vg_args_json(w, buf, (uint32_t)n, "env");
	if (truncated)
		KEY_BOOL(w, "env_redaction_truncated", true);
}

static void add_exec(struct vg_alert_builder *w, const struct vg_event *ev, const struct vg_proc *p,
		     const struct vg_env_policy *pol)
{
	const char *reason = args_truncation_reason(ev, p);

	KEY_VAR(w, "filename", ev->var[VG_VAR_FILENAME]);
	KEY_VAR(w, "exe", ev->var[VG_VAR_EXE]);
	KEY_VAR(w, "cwd", ev->var[VG_VAR_CWD]);
	KEY(w, "args");
	if (p)
		vg_args_json(w, p->args, p->args_len, "args");
	else
		vg_args_json(w, ev->var[VG_VAR_ARGV].ptr, ev->var[VG_VAR_ARGV].len, "args");
	KEY_U64(w, "args_bytes", ev->exec->argv_len);
	/* what the policy lets out of the environment the kernel carried (rules see all of it) */
	add_env(w, ev, pol);
	KEY_BOOL(w, "args_truncated", reason != NULL);
	if (reason)
		KEY_NAME(w, "args_truncated_reason", reason);
	if (p && p->args_from_procfs)
		KEY_BOOL(w, "args_completed_from_procfs", true);
	KEY_U64(w, "tty", p ? p->tty : 0);
	KEY_U64(w, "start_time_ns", ev->exec->start_ns);
	KEY_U64(w, "exe_ino", ev->exec->exe_ino);
	KEY_U64(w, "exe_dev", ev->exec->exe_dev);
}

/* An IPv4 or IPv6 address as text; null for any other family. */
static void val_addr(struct vg_alert_builder *w, int family, const void *addr)
{
	char text[INET6_ADDRSTRLEN] = "";

	if (family != AF_INET && family != AF_INET6) {
		vg_jb_null(&w->jb);
		return;
	}
	inet_ntop(family, addr, text, sizeof(text));
	vg_jb_cstr(&w->jb, text);
}

#define KEY_ADDR(w, k, family, addr) (KEY(w, k), val_addr(w, family, addr))

static void sock_json(struct vg_alert_builder *w, const struct vg_sock *s)
{
	KEY(w, "sock");
	vg_jb_obj_begin(&w->jb);
	KEY_U64(w, "fd", s->fd);
	KEY_U64(w, "family", s->family);
	KEY_U64(w, "type", s->type);
	KEY_U64(w, "protocol", s->protocol);
	KEY_U64(w, "state", s->state);
	KEY_ADDR(w, "sip", s->family, s->saddr);
	KEY_U64(w, "sport", s->sport);
	KEY_ADDR(w, "dip", s->family, s->daddr);
	KEY_U64(w, "dport", s->dport);
	vg_jb_obj_end(&w->jb);
}

/* A user sockaddr as the caller passed it: family, address, port or path. */
static void sockaddr_json(struct vg_alert_builder *w, struct vg_str raw)
{
	sa_family_t family = 0;

	KEY(w, "sockaddr");
	vg_jb_obj_begin(&w->jb);
	if (raw.len >= sizeof(family))
		memcpy(&family, raw.ptr, sizeof(family));
	KEY_U64(w, "family", family);
	if (family == AF_INET && raw.len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;

		memcpy(&in, raw.ptr, sizeof(in));
		KEY_ADDR(w, "addr", AF_INET, &in.sin_addr);
		KEY_U64(w, "port", ntohs(in.sin_port));
	} else if (family == AF_INET6 && raw.len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;

		memcpy(&in6, raw.ptr, sizeof(in6));
		KEY_ADDR(w, "addr", AF_INET6, &in6.sin6_addr);
		KEY_U64(w, "port", ntohs(in6.sin6_port));
	} else if (family == AF_UNIX && raw.len > sizeof(family)) {
		const char *path = raw.ptr + sizeof(family);

		KEY_STR(w, "path", path, strnlen(path, raw.len - sizeof(family)), "sockaddr.path");
	}
	vg_jb_obj_end(&w->jb);
}

static void file_json(struct vg_alert_builder *w, const struct vg_file *f)
{
	KEY(w, "file");
	vg_jb_obj_begin(&w->jb);
	KEY_U64(w, "fd", f->fd);
	KEY_U64(w, "mode", f->mode);
	KEY_U64(w, "flags", f->flags);
	KEY_U64(w, "ino", f->ino);
	KEY_U64(w, "dev", f->dev);
	vg_jb_obj_end(&w->jb);
}

void vg_enforcement_json(struct vg_alert_builder *w, const struct vg_event *ev,
			 const struct vg_event_state *st, const char *path)
{
	struct vg_enforce_info info;
	const char *target = st->fd && st->fd->name ? st->fd->name : st->path_abs;

	vg_jb_obj_begin(&w->jb);
	if (ev->var[VG_VAR_ENFORCE].len == sizeof(info)) {
		memcpy(&info, ev->var[VG_VAR_ENFORCE].ptr, sizeof(info));
		KEY_NAME(w, "action", vg_enf_action_name(info.action));
		KEY_NAME(w, "mode", vg_enf_mode_name(info.mode));
		KEY_NAME(w, "tier", vg_enf_tier_name(info.tier));
		KEY_NAME(w, "result", vg_enf_result_name(info.result));
		KEY_NAME(w, "operation", vg_enf_op_name(info.op));
		if (target)
			KEY_CSTR(w, "target", target, path);
		if (info.target_pid)
			KEY_I64(w, "target_pid", info.target_pid);
	}
	vg_jb_obj_end(&w->jb);
}

/* The pair of fds pipe, pipe2 and socketpair return, which the probe carries as "sockaddr". */
static void fds_json(struct vg_alert_builder *w, struct vg_str pair)
{
	int fds[2];

	memcpy(fds, pair.ptr, sizeof(fds));
	KEY(w, "fds");
	vg_jb_arr_begin(&w->jb);
	vg_jb_i64(&w->jb, fds[0]);
	vg_jb_i64(&w->jb, fds[1]);
	vg_jb_arr_end(&w->jb);
}

/* The fd the event is about, as the fd table knows it. */
static void fd_json(struct vg_alert_builder *w, const struct vg_fd *fd)
{
	char type[2] = {fd->type, '\0'};

	KEY(w, "fd");
	vg_jb_obj_begin(&w->jb);
	KEY_U64(w, "num", (uint32_t)fd->num);
	KEY_STR(w, "typechar", type, strlen(type), "fd.typechar");
	KEY_CSTR(w, "name", fd->name, "fd.name");
	KEY_BOOL(w, "cloexec", fd->cloexec);
	vg_jb_obj_end(&w->jb);
}

static void add_syscall_vars(struct vg_alert_builder *w, const struct vg_event *ev)
{
	const struct vg_str *var = ev->var;
	struct vg_file file;
	struct vg_sock sock;

	if (var[VG_VAR_PATH].ptr)
		KEY_VAR(w, "path", var[VG_VAR_PATH]);
	if (var[VG_VAR_PATH2].ptr)
		KEY_VAR(w, "path2", var[VG_VAR_PATH2]);
	if (var[VG_VAR_FD_PATH].ptr)
		KEY_VAR(w, "fd_path", var[VG_VAR_FD_PATH]);
	if (var[VG_VAR_FILE].len == sizeof(file)) {
		memcpy(&file, var[VG_VAR_FILE].ptr, sizeof(file));
		file_json(w, &file);
	}
	if (var[VG_VAR_SOCK].len == sizeof(sock)) {
		memcpy(&sock, var[VG_VAR_SOCK].ptr, sizeof(sock));
		sock_json(w, &sock);
	}
	if (ev->sc->family != VG_FAM_SOCK && var[VG_VAR_SOCKADDR].len == 2 * sizeof(int))
		fds_json(w, var[VG_VAR_SOCKADDR]);
	else if (var[VG_VAR_SOCKADDR].ptr)
		sockaddr_json(w, var[VG_VAR_SOCKADDR]);
}

static void add_syscall(struct vg_alert_builder *w, const struct vg_event *ev,
			const struct vg_event_state *st)
{
	const struct vg_syscall_body *b = ev->sc;

	KEY_NAME(w, "syscall", vg_syscall_name(b->id));
	KEY_I64(w, "res", ev->hdr->retval);
	KEY(w, "sc_args");
	vg_jb_arr_begin(&w->jb);
	for (int i = 0; i < 6; i++)
		vg_jb_u64(&w->jb, b->args[i]);
	vg_jb_arr_end(&w->jb);
	add_syscall_vars(w, ev);
	if (st->path_abs) {
		KEY_CSTR(w, "name", st->path_abs, "name");
		KEY_BOOL(w, "name_resolved", st->path_resolved);
	}
	if (st->path2_abs)
		KEY_CSTR(w, "name2", st->path2_abs, "name2");
	if (ev->hdr->flags & VG_HF_ENFORCE) {
		KEY(w, "enforcement");
		vg_enforcement_json(w, ev, st, "enforcement.target");
	}
	if (st->fd)
		fd_json(w, st->fd);
}

static void cred_set_json(struct vg_alert_builder *w, const struct vg_cred_set *c)
{
	vg_jb_obj_begin(&w->jb);
	KEY_U64(w, "uid", c->uid);
	KEY_U64(w, "gid", c->gid);
	KEY_U64(w, "euid", c->euid);
	KEY_U64(w, "egid", c->egid);
	KEY_U64(w, "suid", c->suid);
	KEY_U64(w, "sgid", c->sgid);
	KEY_U64(w, "fsuid", c->fsuid);
	KEY_U64(w, "fsgid", c->fsgid);
	KEY_U64(w, "userns", c->userns);
	KEY_U64(w, "cap_inheritable", c->caps.cap_inheritable);
	KEY_U64(w, "cap_permitted", c->caps.cap_permitted);
	KEY_U64(w, "cap_effective", c->caps.cap_effective);
	vg_jb_obj_end(&w->jb);
}

/* commit_creds: both sides, what differs, and which hook flavour saw it. */
static void add_creds(struct vg_alert_builder *w, const struct vg_event *ev)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{VG_CRC_UID, "uid"},
		{VG_CRC_GID, "gid"},
		{VG_CRC_CAPS, "caps"},
		{VG_CRC_USERNS, "userns"},
	};
	const struct vg_creds_body *b = ev->creds;

	KEY_NAME(w, "hook", vg_hook_flavour_name(b->hook));
	KEY(w, "changed");
	vg_jb_arr_begin(&w->jb);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (b->changed & names[i].bit)
			vg_jb_cstr(&w->jb, names[i].name);
	vg_jb_arr_end(&w->jb);
	KEY(w, "old");
	cred_set_json(w, &b->old);
	KEY(w, "new");
	cred_set_json(w, &b->new);
}

/* One string of a container or pod: key k, its raw path p1 + ".k". */
#define CTR_STR(w, k, s, p1) (KEY(w, k), vg_ab_cstr(w, s, p1, -1, "." k))

void vg_container_json(struct vg_alert_builder *w, const struct vg_container *c,
		       const char *ctr_path, const char *k8s_path)
{
	KEY(w, "container");
	vg_jb_obj_begin(&w->jb);
	CTR_STR(w, "id", c->id, ctr_path);
	CTR_STR(w, "full_id", c->full_id, ctr_path);
	KEY_NAME(w, "type", vg_container_type_name(c->type));
	CTR_STR(w, "name", c->name, ctr_path);
	CTR_STR(w, "image", c->image, ctr_path);
	CTR_STR(w, "image_repository", c->image_repository, ctr_path);
	CTR_STR(w, "image_tag", c->image_tag, ctr_path);
	CTR_STR(w, "image_digest", c->image_digest, ctr_path);
	KEY_BOOL(w, "privileged", c->privileged);
	if (c->incomplete)
		KEY_BOOL(w, "incomplete", true);
	vg_jb_obj_end(&w->jb);
	if (!c->pod_name && !c->pod_uid)
		return;
	KEY(w, "k8s");
	vg_jb_obj_begin(&w->jb);
	CTR_STR(w, "pod_name", c->pod_name, k8s_path);
	CTR_STR(w, "ns_name", c->pod_namespace, k8s_path);
	CTR_STR(w, "pod_uid", c->pod_uid, k8s_path);
	vg_jb_obj_end(&w->jb);
}

static void add_kind(struct vg_alert_builder *w, const struct vg_event *ev,
		     const struct vg_event_state *st, const struct vg_proc *p,
		     const struct vg_env_policy *env)
{
	switch (ev->type) {
	case VG_EV_EXEC: add_exec(w, ev, p, env); break;
	case VG_EV_FORK:
		KEY_U64(w, "parent_pid", ev->fork->parent_pid);
		KEY_U64(w, "parent_tid", ev->fork->parent_tid);
		KEY_BOOL(w, "thread", ev->hdr->flags & VG_HF_THREAD);
		KEY_U64(w, "start_time_ns", ev->fork->start_ns);
		break;
	case VG_EV_SYSCALL: add_syscall(w, ev, st); break;
	case VG_EV_CREDS: add_creds(w, ev); break;
	case VG_EV_EXIT:
		KEY_U64(w, "exit_status", ev->exit->exit_code);
		KEY_U64(w, "exit_code", (ev->exit->exit_code >> 8) & 0xff);
		KEY_U64(w, "exit_signal", ev->exit->exit_code & 0x7f);
		break;
	default: break;
	}
}

static void add_family(struct vg_alert_builder *w, struct vg_proc_table *t, struct vg_proc *p)
{
	struct vg_proc *parent = vg_proc_parent(t, p);

	KEY(w, "parent");
	if (parent)
		vg_proc_json_brief(w, parent, "parent", "parent.args");
	else
		vg_jb_null(&w->jb);
	KEY(w, "ancestors");
	vg_ancestors_json(w, t, p, "ancestors");
}

bool vg_event_json_write(struct vg_alert_builder *w, const struct vg_event *ev,
			 const struct vg_event_state *st, struct vg_proc_table *t,
			 struct vg_proc *p, const struct vg_env_policy *env)
{
	static const struct vg_event_state none;

	if (!st)
		st = &none;
	vg_jb_reset(&w->jb);
	if (w->raw.len)
		vg_jb_reset(&w->raw);
	vg_jb_obj_begin(&w->jb);
	add_header(w, ev);
	if (p)
		KEY_CSTR(w, "exec_id", p->exec_id, "exec_id");
	add_kind(w, ev, st, p, env);
	if (st->container)
		vg_container_json(w, st->container, "container", "k8s");
	if (p)
		add_family(w, t, p);
	if (w->raw.len) {
		vg_jb_obj_end(&w->raw);
		KEY(w, "raw");
		vg_jb_verbatim(&w->jb, w->raw.s, w->raw.len);
		w->jb.oom |= w->raw.oom; /* a raw map cut short would lie */
	}
	vg_jb_obj_end(&w->jb);
	return !w->jb.oom;
}
