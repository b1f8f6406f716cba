// SPDX-License-Identifier: Apache-2.0
#include "alert/event_json.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "container/container.h"
#include "decode/decode.h"
#include "enforce/names.h"
#include "kernel/syscall_table.h"
#include "alert/alert_builder.h"
#include "alert/json_buf.h"
#include "state/event_state.h"
#include "state/fd_table.h"
#include "state/proc_table.h"

void vg_format_time(uint64_t wall_ns, char *out, size_t outlen)
{
	char t[VG_TIME_MAX];

	vg_time_format(NULL, wall_ns, VG_TIME_UTC, t);
	snprintf(out, outlen, "%s", t);
}

static void add_str(json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, val ? json_object_new_string(val) : NULL);
}

static void add_strn(json_object *o, const char *key, struct vg_str s)
{
	json_object_object_add(o, key,
			       s.ptr ? json_object_new_string_len(s.ptr, (int)s.len) : NULL);
}

static void add_u64(json_object *o, const char *key, uint64_t val)
{
	json_object_object_add(o, key, json_object_new_uint64(val));
}

/* (u32)-1 means "unset" for login uid and session id, as in /proc. */
static void add_id(json_object *o, const char *key, uint32_t val)
{
	json_object_object_add(o, key, val == UINT32_MAX ? NULL : json_object_new_int64(val));
}

json_object *vg_args_json(const char *args, uint32_t len)
{
	json_object *arr = json_object_new_array();
	uint32_t i = 0;

	while (args && i < len) {
		uint32_t n = strnlen(args + i, len - i);

		json_object_array_add(arr, json_object_new_string_len(args + i, (int)n));
		i += n + 1;
	}
	return arr;
}

json_object *vg_proc_json_brief(const struct vg_proc *p)
{
	json_object *o = json_object_new_object();

	add_u64(o, "pid", p->pid);
	add_str(o, "exec_id", p->exec_id);
	add_str(o, "comm", p->comm);
	add_str(o, "exe", p->exe);
	json_object_object_add(o, "args", vg_args_json(p->args, p->args_len));
	add_u64(o, "uid", p->uid);
	add_u64(o, "cgroup_id", p->cgroup_id);
	return o;
}

json_object *vg_ancestors_json(struct vg_proc_table *t, const struct vg_proc *p)
{
	json_object *arr = json_object_new_array();
	const struct vg_proc *a = p;

	for (int i = 0; i < VG_JSON_MAX_ANCESTORS; i++) {
		a = vg_proc_parent(t, a);
		if (!a)
			break;
		json_object *o = json_object_new_object();

		add_u64(o, "pid", a->pid);
		add_str(o, "exec_id", a->exec_id);
		add_str(o, "exe", a->exe);
		add_str(o, "comm", a->comm);
		json_object_array_add(arr, o);
	}
	return arr;
}

static json_object *flags_json(uint16_t flags)
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
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			json_object_array_add(arr, json_object_new_string(names[i].name));
	return arr;
}

static void add_header(json_object *o, const struct vg_event *ev)
{
	const struct vg_event_hdr *h = ev->hdr;
	char time[64];

	vg_format_time(ev->wall_ns, time, sizeof(time));
	add_str(o, "time", time);
	add_u64(o, "ts_ns", h->ts_ns); /* CLOCK_BOOTTIME, comparable with start_time_ns */
	add_str(o, "type", vg_event_type_name(ev->type));
	add_u64(o, "pid", h->pid);
	add_u64(o, "tid", h->tid);
	add_u64(o, "ppid", h->ppid);
	add_u64(o, "vpid", h->vpid);
	add_u64(o, "uid", h->uid);
	add_u64(o, "gid", h->gid);
	add_u64(o, "euid", h->euid);
	add_u64(o, "egid", h->egid);
	add_id(o, "loginuid", h->loginuid);
	add_id(o, "sessionid", h->sessionid);
	json_object_object_add(o, "comm",
			       json_object_new_string_len(h->comm, strnlen(h->comm, VG_COMM_LEN)));
	add_u64(o, "cgroup_id", h->cgroup_id);
	add_u64(o, "pid_ns", h->pid_ns);
	add_u64(o, "mnt_ns", h->mnt_ns);
	json_object_object_add(o, "flags", flags_json(h->flags));
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
static void add_env(json_object *o, const struct vg_event *ev, const struct vg_env_policy *pol)
{
	struct vg_str env = ev->var[VG_VAR_ENV];
	char buf[VG_ENV_MAX + 1024];
	bool truncated;
	size_t n;

	if (!env.ptr || !pol || pol->mode == VG_ENV_OFF)
		return;
	if (pol->mode == VG_ENV_FULL) {
		json_object_object_add(o, "env", vg_args_json(env.ptr, env.len));
		return;
	}
	n = vg_env_redact(pol, env.ptr, env.len, buf, sizeof(buf), &truncated);
	json_object_object_add(o, "env", vg_args_json(buf, (uint32_t)n));
	if (truncated)
		json_object_object_add(o, "env_redaction_truncated", json_object_new_boolean(1));
}

static void add_exec(json_object *o, const struct vg_event *ev, const struct vg_proc *p,
		     const struct vg_env_policy *pol)
{
	const char *reason = args_truncation_reason(ev, p);

	add_strn(o, "filename", ev->var[VG_VAR_FILENAME]);
	add_strn(o, "exe", ev->var[VG_VAR_EXE]);
	add_strn(o, "cwd", ev->var[VG_VAR_CWD]);
	if (p)
		json_object_object_add(o, "args", vg_args_json(p->args, p->args_len));
	else
		json_object_object_add(
			o, "args",
			vg_args_json(ev->var[VG_VAR_ARGV].ptr, ev->var[VG_VAR_ARGV].len));
	add_u64(o, "args_bytes", ev->exec->argv_len);
	/* what the policy lets out of the environment the kernel carried (rules see all of it) */
	add_env(o, ev, pol);
	json_object_object_add(o, "args_truncated", json_object_new_boolean(reason != NULL));
	if (reason)
		add_str(o, "args_truncated_reason", reason);
	if (p && p->args_from_procfs)
		json_object_object_add(o, "args_completed_from_procfs", json_object_new_boolean(1));
	add_u64(o, "tty", p ? p->tty : 0);
	add_u64(o, "start_time_ns", ev->exec->start_ns);
	add_u64(o, "exe_ino", ev->exec->exe_ino);
	add_u64(o, "exe_dev", ev->exec->exe_dev);
}

static json_object *addr_json(int family, const uint8_t *addr)
{
	char text[INET6_ADDRSTRLEN] = "";

	if (family != AF_INET && family != AF_INET6)
		return NULL;
	inet_ntop(family, addr, text, sizeof(text));
	return json_object_new_string(text);
}

static json_object *sock_json(const struct vg_sock *s)
{
	json_object *o = json_object_new_object();

	add_u64(o, "fd", s->fd);
	add_u64(o, "family", s->family);
	add_u64(o, "type", s->type);
	add_u64(o, "protocol", s->protocol);
	add_u64(o, "state", s->state);
	json_object_object_add(o, "sip", addr_json(s->family, s->saddr));
	add_u64(o, "sport", s->sport);
	json_object_object_add(o, "dip", addr_json(s->family, s->daddr));
	add_u64(o, "dport", s->dport);
	return o;
}

/* A user sockaddr as the caller passed it: family, address, port or path. */
static json_object *sockaddr_json(struct vg_str raw)
{
	json_object *o = json_object_new_object();
	sa_family_t family = 0;

	if (raw.len >= sizeof(family))
		memcpy(&family, raw.ptr, sizeof(family));
	add_u64(o, "family", family);
	if (family == AF_INET && raw.len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;

		memcpy(&in, raw.ptr, sizeof(in));
		json_object_object_add(o, "addr", addr_json(AF_INET, (void *)&in.sin_addr));
		add_u64(o, "port", ntohs(in.sin_port));
	} else if (family == AF_INET6 && raw.len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;

		memcpy(&in6, raw.ptr, sizeof(in6));
		json_object_object_add(o, "addr", addr_json(AF_INET6, (void *)&in6.sin6_addr));
		add_u64(o, "port", ntohs(in6.sin6_port));
	} else if (family == AF_UNIX && raw.len > sizeof(family)) {
		add_strn(o, "path",
			 (struct vg_str){
				 raw.ptr + sizeof(family),
				 strnlen(raw.ptr + sizeof(family), raw.len - sizeof(family))});
	}
	return o;
}

static json_object *file_json(const struct vg_file *f)
{
	json_object *o = json_object_new_object();

	add_u64(o, "fd", f->fd);
	add_u64(o, "mode", f->mode);
	add_u64(o, "flags", f->flags);
	add_u64(o, "ino", f->ino);
	add_u64(o, "dev", f->dev);
	return o;
}

/* A decision of the enforcement probe: what was done, by which tier, to what. */
json_object *vg_enforcement_json(const struct vg_event *ev, const struct vg_event_state *st)
{
	json_object *o = json_object_new_object();
	struct vg_enforce_info info;

	if (ev->var[VG_VAR_ENFORCE].len != sizeof(info))
		return o;
	memcpy(&info, ev->var[VG_VAR_ENFORCE].ptr, sizeof(info));
	add_str(o, "action", vg_enf_action_name(info.action));
	add_str(o, "mode", vg_enf_mode_name(info.mode));
	add_str(o, "tier", vg_enf_tier_name(info.tier));
	add_str(o, "result", vg_enf_result_name(info.result));
	add_str(o, "operation", vg_enf_op_name(info.op));
	if (st->fd && st->fd->name)
		add_str(o, "target", st->fd->name);
	else if (st->path_abs)
		add_str(o, "target", st->path_abs);
	if (info.target_pid)
		json_object_object_add(o, "target_pid", json_object_new_int64(info.target_pid));
	return o;
}

static void add_syscall(json_object *o, const struct vg_event *ev, const struct vg_event_state *st)
{
	const struct vg_syscall_body *b = ev->sc;
	struct vg_file file;
	struct vg_sock sock;
	json_object *args = json_object_new_array();

	add_str(o, "syscall", vg_syscall_name(b->id));
	json_object_object_add(o, "res", json_object_new_int64(ev->hdr->retval));
	for (int i = 0; i < 6; i++)
		json_object_array_add(args, json_object_new_uint64(b->args[i]));
	json_object_object_add(o, "sc_args", args);
	if (ev->var[VG_VAR_PATH].ptr)
		add_strn(o, "path", ev->var[VG_VAR_PATH]);
	if (ev->var[VG_VAR_PATH2].ptr)
		add_strn(o, "path2", ev->var[VG_VAR_PATH2]);
	if (ev->var[VG_VAR_FD_PATH].ptr)
		add_strn(o, "fd_path", ev->var[VG_VAR_FD_PATH]);
	if (ev->var[VG_VAR_FILE].len == sizeof(file)) {
		memcpy(&file, ev->var[VG_VAR_FILE].ptr, sizeof(file));
		json_object_object_add(o, "file", file_json(&file));
	}
	if (ev->var[VG_VAR_SOCK].len == sizeof(sock)) {
		memcpy(&sock, ev->var[VG_VAR_SOCK].ptr, sizeof(sock));
		json_object_object_add(o, "sock", sock_json(&sock));
	}
	if (b->family != VG_FAM_SOCK && ev->var[VG_VAR_SOCKADDR].len == 2 * sizeof(int)) {
		int fds[2];
		json_object *arr = json_object_new_array();

		memcpy(fds, ev->var[VG_VAR_SOCKADDR].ptr, sizeof(fds));
		json_object_array_add(arr, json_object_new_int(fds[0]));
		json_object_array_add(arr, json_object_new_int(fds[1]));
		json_object_object_add(o, "fds", arr); /* pipe, pipe2, socketpair */
	} else if (ev->var[VG_VAR_SOCKADDR].ptr) {
		json_object_object_add(o, "sockaddr", sockaddr_json(ev->var[VG_VAR_SOCKADDR]));
	}
	if (st->path_abs) {
		add_str(o, "name", st->path_abs);
		json_object_object_add(o, "name_resolved",
				       json_object_new_boolean(st->path_resolved));
	}
	if (st->path2_abs)
		add_str(o, "name2", st->path2_abs);
	if (ev->hdr->flags & VG_HF_ENFORCE)
		json_object_object_add(o, "enforcement", vg_enforcement_json(ev, st));
	if (st->fd) {
		json_object *fd = json_object_new_object();
		char type[2] = {st->fd->type, '\0'};

		add_u64(fd, "num", (uint32_t)st->fd->num);
		add_str(fd, "typechar", type);
		add_str(fd, "name", st->fd->name);
		json_object_object_add(fd, "cloexec", json_object_new_boolean(st->fd->cloexec));
		json_object_object_add(o, "fd", fd);
	}
}

static json_object *cred_set_json(const struct vg_cred_set *c)
{
	json_object *o = json_object_new_object();

	add_u64(o, "uid", c->uid);
	add_u64(o, "gid", c->gid);
	add_u64(o, "euid", c->euid);
	add_u64(o, "egid", c->egid);
	add_u64(o, "suid", c->suid);
	add_u64(o, "sgid", c->sgid);
	add_u64(o, "fsuid", c->fsuid);
	add_u64(o, "fsgid", c->fsgid);
	add_u64(o, "userns", c->userns);
	add_u64(o, "cap_inheritable", c->caps.cap_inheritable);
	add_u64(o, "cap_permitted", c->caps.cap_permitted);
	add_u64(o, "cap_effective", c->caps.cap_effective);
	return o;
}

/* commit_creds: both sides, what differs, and which hook flavour saw it. */
static void add_creds(json_object *o, const struct vg_event *ev)
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
	json_object *changed = json_object_new_array();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (b->changed & names[i].bit)
			json_object_array_add(changed, json_object_new_string(names[i].name));
	add_str(o, "hook", vg_hook_flavour_name(b->hook));
	json_object_object_add(o, "changed", changed);
	json_object_object_add(o, "old", cred_set_json(&b->old));
	json_object_object_add(o, "new", cred_set_json(&b->new));
}

json_object *vg_container_json(const struct vg_container *c, json_object **k8s)
{
	json_object *o = json_object_new_object();

	*k8s = NULL;
	add_str(o, "id", c->id);
	add_str(o, "full_id", c->full_id);
	add_str(o, "type", vg_container_type_name(c->type));
	add_str(o, "name", c->name);
	add_str(o, "image", c->image);
	add_str(o, "image_repository", c->image_repository);
	add_str(o, "image_tag", c->image_tag);
	add_str(o, "image_digest", c->image_digest);
	json_object_object_add(o, "privileged", json_object_new_boolean(c->privileged));
	if (c->incomplete)
		json_object_object_add(o, "incomplete", json_object_new_boolean(1));
	if (c->pod_name || c->pod_uid) {
		*k8s = json_object_new_object();
		add_str(*k8s, "pod_name", c->pod_name);
		add_str(*k8s, "ns_name", c->pod_namespace);
		add_str(*k8s, "pod_uid", c->pod_uid);
	}
	return o;
}

/* Where a string was not valid UTF-8: path, and the builder of its repaired text and base64. */
struct repair {
	json_object *raw; /* path -> base64 of the exact bytes; created on the first */
	struct vg_jbuf jb;
	char path[512];
};

static void repair_value(struct repair *r, json_object *v, size_t plen);

/* A string that is not UTF-8: U+FFFD for each bad byte, its exact bytes under raw. */
static void repair_string(struct repair *r, json_object *v)
{
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);

	if (vg_utf8_valid(s, len))
		return;
	if (!r->raw)
		r->raw = json_object_new_object();
	vg_jb_reset(&r->jb);
	vg_base64_append(&r->jb, s, len);
	if (!r->jb.oom)
		json_object_object_add(r->raw, r->path,
				       json_object_new_string_len(r->jb.s, (int)r->jb.len));
	vg_jb_reset(&r->jb);
	vg_utf8_repair(&r->jb, s, len);
	/* out of memory: an empty string rather than bytes that break the line */
	json_object_set_string_len(v, r->jb.oom ? "" : r->jb.s, r->jb.oom ? 0 : (int)r->jb.len);
}

/* Appends ".key" (or "key" at the top) or "[i]" to the path, as long as it fits. */
static size_t path_push(struct repair *r, size_t plen, const char *key, int idx)
{
	size_t cap = sizeof(r->path) - plen;
	int n = key ? snprintf(r->path + plen, cap, "%s%s", plen ? "." : "", key)
		    : snprintf(r->path + plen, cap, "[%d]", idx);

	return n < 0 ? plen : (size_t)n >= cap ? sizeof(r->path) - 1 : plen + (size_t)n;
}

static void repair_value(struct repair *r, json_object *v, size_t plen)
{
	size_t n;

	switch (json_object_get_type(v)) {
	case json_type_string: repair_string(r, v); break;
	case json_type_array:
		n = json_object_array_length(v);
		for (size_t i = 0; i < n; i++) {
			repair_value(r, json_object_array_get_idx(v, i),
				     path_push(r, plen, NULL, (int)i));
			r->path[plen] = '\0';
		}
		break;
	case json_type_object: {
		json_object_object_foreach(v, key, val)
		{
			repair_value(r, val, path_push(r, plen, key, 0));
			r->path[plen] = '\0';
		}
		break;
	}
	default: break;
	}
}

/*
 * The same guarantee as alerts (json_buf.c): every string valid UTF-8, each
 * bad byte as U+FFFD, and the exact bytes of such strings, base64, under
 * "raw" keyed by their path ("exe", "args[1]", "parent.comm"). json-c would
 * print the bytes as they are.
 */
static void repair_utf8(json_object *o)
{
	struct repair r = {0};

	vg_jb_init(&r.jb);
	repair_value(&r, o, 0);
	vg_jb_free(&r.jb);
	if (r.raw)
		json_object_object_add(o, "raw", r.raw);
}

json_object *vg_event_json(const struct vg_event *ev, const struct vg_event_state *st,
			   struct vg_proc_table *t, struct vg_proc *p)
{
	static const struct vg_env_policy full = {.mode = VG_ENV_FULL};

	return vg_event_json_env(ev, st, t, p, &full);
}

json_object *vg_event_json_env(const struct vg_event *ev, const struct vg_event_state *st,
			       struct vg_proc_table *t, struct vg_proc *p,
			       const struct vg_env_policy *env)
{
	static const struct vg_event_state none;
	json_object *o = json_object_new_object();
	struct vg_proc *parent = NULL;

	if (!st)
		st = &none;

	add_header(o, ev);
	if (p)
		add_str(o, "exec_id", p->exec_id);
	switch (ev->type) {
	case VG_EV_EXEC: add_exec(o, ev, p, env); break;
	case VG_EV_FORK:
		add_u64(o, "parent_pid", ev->fork->parent_pid);
		add_u64(o, "parent_tid", ev->fork->parent_tid);
		json_object_object_add(o, "thread",
				       json_object_new_boolean(ev->hdr->flags & VG_HF_THREAD));
		add_u64(o, "start_time_ns", ev->fork->start_ns);
		break;
	case VG_EV_SYSCALL: add_syscall(o, ev, st); break;
	case VG_EV_CREDS: add_creds(o, ev); break;
	case VG_EV_EXIT:
		add_u64(o, "exit_status", ev->exit->exit_code);
		add_u64(o, "exit_code", (ev->exit->exit_code >> 8) & 0xff);
		add_u64(o, "exit_signal", ev->exit->exit_code & 0x7f);
		break;
	default: break;
	}
	if (st->container) {
		json_object *k8s;

		json_object_object_add(o, "container", vg_container_json(st->container, &k8s));
		if (k8s)
			json_object_object_add(o, "k8s", k8s);
	}
	if (p) {
		parent = vg_proc_parent(t, p);
		json_object_object_add(o, "parent", parent ? vg_proc_json_brief(parent) : NULL);
		json_object_object_add(o, "ancestors", vg_ancestors_json(t, p));
	}
	repair_utf8(o);
	return o;
}
