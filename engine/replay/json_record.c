// SPDX-License-Identifier: Apache-2.0
#include "replay/json_record.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "kernel/syscall_table.h"
#include "state/proc_table.h"

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* key's value when it is an array, else NULL: json-c asserts on array calls with anything else */
static json_object *get_array(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return json_object_is_type(v, json_type_array) ? v : NULL;
}

static uint64_t get_u64(json_object *o, const char *key, uint64_t dflt)
{
	json_object *v = get(o, key);

	return v && !json_object_is_type(v, json_type_null) ? (uint64_t)json_object_get_int64(v)
							    : dflt;
}

/* "2026-11-22T08:14:34.123456789Z" -> ns since the epoch; 0 when malformed. */
static uint64_t parse_time(const char *s)
{
	struct tm tm = {0};
	unsigned long long frac = 0;
	const char *rest = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	int digits = 0;

	if (!rest)
		return 0;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9' && digits < 9; rest++, digits++)
			frac = frac * 10 + (*rest - '0');
	for (; digits < 9; digits++)
		frac *= 10;
	return (uint64_t)timegm(&tm) * 1000000000ull + frac;
}

static int put_var(struct vg_record_buf *rec, uint16_t id, const void *data, size_t len)
{
	struct vg_var v = {.id = id, .len = (uint16_t)len};
	uint32_t pos = (rec->len + 3) & ~3u;

	if (len > UINT16_MAX || pos + sizeof(v) + len > sizeof(rec->data))
		return -1;
	memcpy(rec->data + pos, &v, sizeof(v));
	memcpy(rec->data + pos + sizeof(v), data, len);
	rec->len = pos + sizeof(v) + len;
	return 0;
}

static void put_str(struct vg_record_buf *rec, uint16_t id, json_object *o, const char *key)
{
	json_object *v = get(o, key);

	if (v && json_object_is_type(v, json_type_string))
		put_var(rec, id, json_object_get_string(v), json_object_get_string_len(v));
}

/*
 * A string array as the kernel carries argv and environ: NUL-separated, at
 * most max bytes. cut: the last entry was cut by the probe and had no NUL.
 */
static void put_strv(struct vg_record_buf *rec, uint16_t id, json_object *o, const char *key,
		     size_t max, bool cut)
{
	json_object *arr = get(o, key);
	char buf[VG_ARGV_MAX];
	size_t len = 0;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return;
	if (max > sizeof(buf))
		max = sizeof(buf);
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(arr, i));
		size_t n = a ? strlen(a) + 1 : 1;

		if (len + n > max)
			break;
		memcpy(buf + len, a ? a : "", n);
		len += n;
	}
	put_var(rec, id, buf, cut && len ? len - 1 : len);
}

static void put_args(struct vg_record_buf *rec, json_object *o)
{
	put_strv(rec, VG_VAR_ARGV, o, "args", VG_ARGV_MAX, false);
}

static void fill_header(struct vg_event_hdr *h, json_object *o, uint16_t type)
{
	const char *comm = json_object_get_string(get(o, "comm"));

	memset(h, 0, sizeof(*h));
	h->type = type;
	h->ts_ns = parse_time(json_object_get_string(get(o, "time")));
	h->cgroup_id = get_u64(o, "cgroup_id", 0);
	h->pid = get_u64(o, "pid", 0);
	h->tid = get_u64(o, "tid", h->pid);
	h->ppid = get_u64(o, "ppid", 0);
	h->vpid = get_u64(o, "vpid", h->pid);
	h->uid = get_u64(o, "uid", 0);
	h->gid = get_u64(o, "gid", 0);
	h->euid = get_u64(o, "euid", h->uid);
	h->egid = get_u64(o, "egid", h->gid);
	h->loginuid = get_u64(o, "loginuid", UINT32_MAX);
	h->sessionid = get_u64(o, "sessionid", UINT32_MAX);
	h->pid_ns = get_u64(o, "pid_ns", 0);
	h->mnt_ns = get_u64(o, "mnt_ns", 0);
	h->retval = (int64_t)get_u64(o, "res", 0);
	if (comm)
		strncpy(h->comm, comm, sizeof(h->comm) - 1);
}

/* A boot-clock start time becomes wall-clock, like the replayed ts_ns. */
static uint64_t start_on_wall_clock(json_object *o, uint64_t wall_ts)
{
	uint64_t boot_ts = get_u64(o, "ts_ns", 0), start = get_u64(o, "start_time_ns", 0);

	if (!boot_ts || !start || start > boot_ts)
		return wall_ts;
	return wall_ts - (boot_ts - start);
}

/* The header flag `vigil events` lists by this name (exec's exe_upper_layer). */
static bool has_flag(json_object *o, const char *name)
{
	json_object *flags = get_array(o, "flags");
	size_t n = flags ? json_object_array_length(flags) : 0;

	for (size_t i = 0; i < n; i++) {
		const char *f = json_object_get_string(json_object_array_get_idx(flags, i));

		if (f && !strcmp(f, name)) /* a null in the array has no string */
			return true;
	}
	return false;
}

static void encode_exec(struct vg_record_buf *rec, json_object *o, struct vg_event_hdr *h)
{
	struct vg_exec_body *b = (void *)(rec->data + sizeof(*h));
	uint32_t tty = get_u64(o, "tty", 0);

	memset(b, 0, sizeof(*b));
	b->start_ns = start_on_wall_clock(o, h->ts_ns);
	b->tty_major = (tty >> 8) & 0xfff;
	b->tty_minor = (tty & 0xff) | ((tty >> 12) & 0xfff00);
	b->argv_len = get_u64(o, "args_bytes", 0);
	b->exe_ino = get_u64(o, "exe_ino", 0);
	b->exe_dev = get_u64(o, "exe_dev", 0);
	if (has_flag(o, "exe_upper_layer"))
		h->flags |= VG_HF_EXE_UPPER;
	if (has_flag(o, "env_truncated"))
		h->flags |= VG_HF_ENV_TRUNC;
	rec->len = sizeof(*h) + sizeof(*b);
	put_str(rec, VG_VAR_FILENAME, o, "filename");
	put_str(rec, VG_VAR_EXE, o, "exe");
	put_args(rec, o);
	put_str(rec, VG_VAR_CWD, o, "cwd");
	put_strv(rec, VG_VAR_ENV, o, "env", VG_ENV_MAX, h->flags & VG_HF_ENV_TRUNC);
}

static void encode_fork(struct vg_record_buf *rec, json_object *o, struct vg_event_hdr *h)
{
	struct vg_fork_body *b = (void *)(rec->data + sizeof(*h));
	json_object *thread = get(o, "thread");

	memset(b, 0, sizeof(*b)); /* fields the JSON lacks (session, caps) are zero, not stale */
	b->parent_pid = get_u64(o, "parent_pid", h->ppid);
	b->parent_tid = get_u64(o, "parent_tid", b->parent_pid);
	b->start_ns = start_on_wall_clock(o, h->ts_ns);
	if (thread && json_object_get_boolean(thread))
		h->flags |= VG_HF_THREAD;
	rec->len = sizeof(*h) + sizeof(*b);
}

static void encode_exit(struct vg_record_buf *rec, json_object *o, struct vg_event_hdr *h)
{
	struct vg_exit_body *b = (void *)(rec->data + sizeof(*h));

	b->exit_code = get_u64(o, "exit_status", 0);
	b->pad = 0;
	rec->len = sizeof(*h) + sizeof(*b);
}

static void parse_addr(json_object *o, const char *key, int family, uint8_t *out)
{
	const char *text = json_object_get_string(get(o, key));

	if (text)
		inet_pton(family, text, out);
}

static void encode_sock(struct vg_record_buf *rec, json_object *s)
{
	struct vg_sock vs = {0};

	vs.fd = get_u64(s, "fd", 0);
	vs.family = get_u64(s, "family", 0);
	vs.type = get_u64(s, "type", 0);
	vs.protocol = get_u64(s, "protocol", 0);
	vs.state = get_u64(s, "state", 0);
	vs.sport = get_u64(s, "sport", 0);
	vs.dport = get_u64(s, "dport", 0);
	parse_addr(s, "sip", vs.family, vs.saddr);
	parse_addr(s, "dip", vs.family, vs.daddr);
	put_var(rec, VG_VAR_SOCK, &vs, sizeof(vs));
}

static void encode_sockaddr(struct vg_record_buf *rec, json_object *sa)
{
	int family = get_u64(sa, "family", 0);
	const char *path = json_object_get_string(get(sa, "path"));

	if (family == AF_INET) {
		struct sockaddr_in in = {.sin_family = AF_INET};

		in.sin_port = htons(get_u64(sa, "port", 0));
		parse_addr(sa, "addr", AF_INET, (void *)&in.sin_addr);
		put_var(rec, VG_VAR_SOCKADDR, &in, sizeof(in));
	} else if (family == AF_INET6) {
		struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};

		in6.sin6_port = htons(get_u64(sa, "port", 0));
		parse_addr(sa, "addr", AF_INET6, (void *)&in6.sin6_addr);
		put_var(rec, VG_VAR_SOCKADDR, &in6, sizeof(in6));
	} else if (family == AF_UNIX && path) {
		char buf[2 + 108] = {AF_UNIX, 0};
		size_t n = strnlen(path, 107);

		memcpy(buf + 2, path, n);
		put_var(rec, VG_VAR_SOCKADDR, buf, 2 + n + 1);
	}
}

static int encode_syscall(struct vg_record_buf *rec, json_object *o, struct vg_event_hdr *h,
			  char *err, size_t errlen)
{
	struct vg_syscall_body *b = (void *)(rec->data + sizeof(*h));
	const char *name = json_object_get_string(get(o, "syscall"));
	json_object *args = get_array(o, "sc_args"), *v;
	enum vg_syscall id = name ? vg_syscall_by_name(name) : VG_SC_NONE;

	if (id == VG_SC_NONE) {
		snprintf(err, errlen, "unknown syscall '%s'", name ? name : "(none)");
		return -1;
	}
	memset(b, 0, sizeof(*b));
	b->id = id;
	b->family = vg_syscall_conf(id).family;
	b->nr = vg_syscall_nr(id);
	for (size_t i = 0; args && i < 6 && i < json_object_array_length(args); i++)
		b->args[i] = (uint64_t)json_object_get_int64(json_object_array_get_idx(args, i));
	rec->len = sizeof(*h) + sizeof(*b);
	put_str(rec, VG_VAR_PATH, o, "path");
	put_str(rec, VG_VAR_PATH2, o, "path2");
	put_str(rec, VG_VAR_FD_PATH, o, "fd_path");
	if ((v = get(o, "file"))) {
		struct vg_file f = {
			.mode = get_u64(v, "mode", 0),
			.flags = get_u64(v, "flags", 0),
			.ino = get_u64(v, "ino", 0),
			.dev = get_u64(v, "dev", 0),
			.fd = get_u64(v, "fd", 0),
		};

		put_var(rec, VG_VAR_FILE, &f, sizeof(f));
	}
	if ((v = get(o, "sock")))
		encode_sock(rec, v);
	if ((v = get(o, "sockaddr")))
		encode_sockaddr(rec, v);
	if ((v = get_array(o, "fds")) && json_object_array_length(v) == 2) {
		int fds[2] = {json_object_get_int(json_object_array_get_idx(v, 0)),
			      json_object_get_int(json_object_array_get_idx(v, 1))};

		put_var(rec, VG_VAR_SOCKADDR, fds, sizeof(fds));
	}
	return 0;
}

int vg_json_to_record(json_object *o, struct vg_record_buf *rec, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		uint16_t type;
	} types[] = {
		{"exec", VG_EV_EXEC},
		{"fork", VG_EV_FORK},
		{"exit", VG_EV_EXIT},
		{"syscall", VG_EV_SYSCALL},
	};
	const char *type = json_object_get_string(get(o, "type"));
	struct vg_event_hdr *h = (void *)rec->data;
	uint16_t t = VG_EV_NONE;

	for (size_t i = 0; type && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i].name))
			t = types[i].type;
	if (t == VG_EV_NONE) {
		snprintf(err, errlen, "no known \"type\" (exec, fork, exit, syscall)");
		return -1;
	}
	if (!get(o, "pid") || !get(o, "time")) {
		snprintf(err, errlen, "an event needs \"pid\" and \"time\"");
		return -1;
	}
	fill_header(h, o, t);
	switch (t) {
	case VG_EV_EXEC: encode_exec(rec, o, h); break;
	case VG_EV_FORK: encode_fork(rec, o, h); break;
	case VG_EV_EXIT: encode_exit(rec, o, h); break;
	default:
		if (encode_syscall(rec, o, h, err, errlen) != 0)
			return -1;
	}
	h->size = rec->len;
	return 0;
}

/* A process known only from another event's "parent"/"ancestors" entry. */
static void seed_one(struct vg_proc_table *t, json_object *brief, uint32_t ppid)
{
	uint32_t pid = get_u64(brief, "pid", 0);
	json_object *args = get(brief, "args");
	const char *exe = json_object_get_string(get(brief, "exe"));
	const char *comm = json_object_get_string(get(brief, "comm"));
	struct vg_proc *p;

	if (!pid || vg_proc_get(t, pid) || !(p = vg_proc_create(t, pid)))
		return;
	p->ppid = ppid;
	p->uid = p->euid = get_u64(brief, "uid", 0);
	p->cgroup_id = get_u64(brief, "cgroup_id", 0);
	if (exe)
		p->exe = strdup(exe);
	if (comm)
		strncpy(p->comm, comm, sizeof(p->comm) - 1);
	if (args && json_object_is_type(args, json_type_array)) {
		struct vg_record_buf tmp = {.len = 0};

		put_args(&tmp, brief);
		if (tmp.len >= sizeof(struct vg_var)) {
			uint32_t n = tmp.len - sizeof(struct vg_var);

			p->args = malloc(n + 1);
			if (p->args) {
				memcpy(p->args, tmp.data + sizeof(struct vg_var), n);
				p->args[n] = '\0';
				p->args_len = n;
			}
		}
	}
	vg_proc_set_exec_id(t, p);
	vg_proc_account(t, p);
}

void vg_json_seed_ancestry(json_object *o, struct vg_proc_table *t)
{
	json_object *anc = get(o, "ancestors");
	size_t n = anc && json_object_is_type(anc, json_type_array) ? json_object_array_length(anc)
								    : 0;

	/* farthest first, so that each knows its parent's pid */
	for (size_t i = n; i-- > 0;) {
		json_object *a = json_object_array_get_idx(anc, i);
		json_object *up = i + 1 < n ? json_object_array_get_idx(anc, i + 1) : NULL;

		seed_one(t, a, up ? get_u64(up, "pid", 0) : 0);
	}
	if (get(o, "parent") && json_object_is_type(get(o, "parent"), json_type_object))
		seed_one(t, get(o, "parent"),
			 n > 1 ? get_u64(json_object_array_get_idx(anc, 1), "pid", 0) : 0);
}
