// SPDX-License-Identifier: Apache-2.0
/*
 * fd.*, fdlist.* and fs.path.* fields, after libsinsp's
 * sinsp_filter_check_fd. The state stage hands the descriptor a syscall is
 * about in the eval ctx's st->fd (state/event_state.h); a failed open has none, and then,
 * like libsinsp, fd.num is -1 and fd.name is the path the caller tried.
 * Client and server are told apart by the call: the end that accepted,
 * listened or bound is the server.
 */
#include <string.h>
#include <sys/socket.h>

#include "fields/dns_names.h"
#include "fields/fields_util.h"
#include "kernel/syscall_table.h"
#include "state/fd_table.h"
#include "vigil/syscalls.h"

/* What the fields read, whether from the table or from a failed open. */
struct fdview {
	int64_t num;
	char type;
	const char *name, *nameraw; /* NUL-terminated or NULL */
	const struct vg_fd *fd;	    /* NULL for a failed open */
};

static const char *raw_path(const struct vg_eval_ctx *ctx, struct vg_fenv *env, enum vg_var_id id)
{
	const struct vg_str *v = &ctx->ev->var[id];

	return v->len ? vg_scratch_copy(&env->scratch, v->ptr, v->len) : NULL;
}

static bool view(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct fdview *v)
{
	const struct vg_event *ev = ctx->ev;
	const struct vg_event_state *st = vg_ctx_state(ctx);

	memset(v, 0, sizeof(*v));
	if (!ev || ev->type != VG_EV_SYSCALL || !ev->sc)
		return false;
	if (st->fd) {
		v->fd = st->fd;
		v->num = st->fd->num;
		v->type = st->fd->type;
		v->name = st->fd->name;
		v->nameraw = st->fd->nameraw ? st->fd->nameraw : st->fd->name;
		return true;
	}
	if (!vg_fx_is_open(ev) || !ev->hdr || ev->hdr->retval >= 0)
		return false;
	v->num = -1;
	v->type = VG_FDT_FILE;
	v->nameraw = raw_path(ctx, env, VG_VAR_PATH);
	v->name = st->path_abs ? st->path_abs : v->nameraw;
	return v->name != NULL;
}

static const struct vg_sock *sock_of(const struct fdview *v)
{
	return v->fd && v->fd->has_sock ? &v->fd->sock : NULL;
}

static bool is_ip(const struct vg_sock *s)
{
	return s && (s->family == AF_INET || s->family == AF_INET6);
}

/* The local end is the server for the syscall table's server calls and listening sockets. */
static bool local_is_server(const struct vg_eval_ctx *ctx, const struct vg_sock *s)
{
	const struct vg_sc_def *d = vg_syscall_def(ctx->ev->sc->id);

	return (d && (d->flags & VG_SCF_SERVER)) || s->state == 10 /* TCP_LISTEN */;
}

#define X(fn)                                                                                      \
	static void fn(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,              \
		       struct vg_fenv *env, struct vg_xval *out)

X(x_num)
{
	struct fdview v;

	(void)ref;
	if (view(ctx, env, &v))
		vg_xval_s64(out, v.num);
}

static const char *type_name(char t)
{
	switch (t) {
	case VG_FDT_FILE: return "file";
	case VG_FDT_DIR: return "directory";
	case VG_FDT_IPV4: return "ipv4";
	case VG_FDT_IPV6: return "ipv6";
	case VG_FDT_UNIX: return "unix";
	case VG_FDT_PIPE: return "pipe";
	case VG_FDT_EVENT: return "event";
	case VG_FDT_SIGNALFD: return "signalfd";
	case VG_FDT_EVENTPOLL: return "eventpoll";
	case VG_FDT_INOTIFY: return "inotify";
	case VG_FDT_TIMERFD: return "timerfd";
	case VG_FDT_NETLINK: return "netlink";
	case VG_FDT_FILE_V2: return "memfd";
	default: return NULL;
	}
}

X(x_type)
{
	struct fdview v;

	(void)ref;
	if (view(ctx, env, &v))
		vg_xval_cstr(out, type_name(v.type));
}

X(x_typechar)
{
	struct fdview v;
	char *c;

	(void)ref;
	if (!view(ctx, env, &v) || !v.type || !(c = vg_scratch_alloc(&env->scratch, 1)))
		return;
	c[0] = v.type;
	vg_xval_str(out, c, 1);
}

X(x_name)
{
	struct fdview v;

	(void)ref;
	if (view(ctx, env, &v))
		vg_xval_cstr(out, v.name);
}

X(x_nameraw)
{
	struct fdview v;

	(void)ref;
	if (view(ctx, env, &v))
		vg_xval_cstr(out, v.nameraw);
}

static bool is_path_type(char t)
{
	return t == VG_FDT_FILE || t == VG_FDT_DIR || t == VG_FDT_FILE_V2;
}

/* fd.directory: the name itself for a directory, else its dirname. */
X(x_directory)
{
	struct fdview v;
	const char *slash;

	(void)ref;
	if (!view(ctx, env, &v) || !v.name || !is_path_type(v.type))
		return;
	if (v.type == VG_FDT_DIR) {
		vg_xval_cstr(out, v.name);
		return;
	}
	slash = strrchr(v.name, '/');
	if (!slash)
		return;
	if (slash == v.name) {
		vg_xval_cstr(out, "/");
		return;
	}
	slash = vg_scratch_copy(&env->scratch, v.name, (size_t)(slash - v.name));
	if (slash)
		vg_xval_cstr(out, slash);
}

X(x_filename)
{
	struct fdview v;
	const char *slash;

	(void)ref;
	if (!view(ctx, env, &v) || !v.name || v.type == VG_FDT_DIR || !is_path_type(v.type))
		return;
	slash = strrchr(v.name, '/');
	vg_xval_cstr(out, slash ? slash + 1 : v.name);
}

X(x_ino)
{
	struct fdview v;

	(void)ref;
	if (view(ctx, env, &v) && v.fd && v.fd->ino)
		vg_xval_u64(out, v.fd->ino);
}

/* Kernel dev_t inside the kernel: major << 20 | minor. */
X(x_dev)
{
	struct fdview v;

	if (!view(ctx, env, &v) || !v.fd || !is_path_type(v.type))
		return;
	if (strcmp(ref->def->name, "fd.dev.major") == 0)
		vg_xval_u64(out, v.fd->dev >> 20);
	else if (strcmp(ref->def->name, "fd.dev.minor") == 0)
		vg_xval_u64(out, v.fd->dev & 0xfffff);
	else
		vg_xval_u64(out, v.fd->dev);
}

X(x_sockfamily)
{
	struct fdview v;
	const struct vg_sock *s;

	(void)ref;
	if (!view(ctx, env, &v) || !(s = sock_of(&v)))
		return;
	if (is_ip(s))
		vg_xval_cstr(out, "ip");
	else if (s->family == AF_UNIX)
		vg_xval_cstr(out, "unix");
}

X(x_l4proto)
{
	struct fdview v;
	const struct vg_sock *s;

	(void)ref;
	if (!view(ctx, env, &v) || !(s = sock_of(&v)) || !is_ip(s))
		return;
	if (s->protocol == 6 || (s->protocol == 0 && s->type == SOCK_STREAM))
		vg_xval_cstr(out, "tcp");
	else if (s->protocol == 17 || (s->protocol == 0 && s->type == SOCK_DGRAM))
		vg_xval_cstr(out, "udp");
	else if (s->protocol == 1 || s->protocol == 58)
		vg_xval_cstr(out, "icmp");
	else if (s->type == SOCK_RAW)
		vg_xval_cstr(out, "raw");
}

X(x_is_server)
{
	struct fdview v;
	const struct vg_sock *s;

	(void)ref;
	if (view(ctx, env, &v) && (s = sock_of(&v)) && is_ip(s))
		vg_xval_bool(out, local_is_server(ctx, s));
}

X(x_connected)
{
	struct fdview v;
	const struct vg_sock *s;

	(void)ref;
	if (view(ctx, env, &v) && (s = sock_of(&v)))
		vg_xval_bool(out, s->state == 1 /* TCP_ESTABLISHED */);
}

X(x_name_changed)
{
	struct fdview v;

	(void)ref;
	if (view(ctx, env, &v))
		vg_xval_bool(out, false);
}

/* Which end a field names. */
enum end { LOCAL, REMOTE, CLIENT, SERVER, EITHER };

static enum end end_of(const char *name)
{
	/* fd.lip fd.rip fd.cip fd.sip fd.ip, and the port and net variants */
	switch (name[3]) {
	case 'l': return LOCAL;
	case 'r': return REMOTE;
	case 'c': return CLIENT;
	case 's': return SERVER;
	default: return EITHER;
	}
}

/* Resolves client/server to local/remote for this socket. */
static bool is_local(const struct vg_eval_ctx *ctx, const struct vg_sock *s, enum end e)
{
	bool srv = local_is_server(ctx, s);

	return e == LOCAL || (e == CLIENT && !srv) || (e == SERVER && srv);
}

static void put_ip(struct vg_xval *out, const struct vg_sock *s, bool local)
{
	vg_xval_ip(out, local ? s->saddr : s->daddr, s->family == AF_INET ? 4 : 16);
}

X(x_ip)
{
	struct fdview v;
	const struct vg_sock *s;
	enum end e = end_of(ref->def->name);

	(void)env;
	if (!view(ctx, env, &v) || !(s = sock_of(&v)) || !is_ip(s))
		return;
	if (e == EITHER) {
		put_ip(out, s, true);
		put_ip(out, s, false);
		return;
	}
	put_ip(out, s, is_local(ctx, s, e));
}

X(x_port)
{
	struct fdview v;
	const struct vg_sock *s;
	enum end e = end_of(ref->def->name);

	if (!view(ctx, env, &v) || !(s = sock_of(&v)) || !is_ip(s))
		return;
	if (e == EITHER) {
		vg_xval_u64(out, s->sport);
		vg_xval_u64(out, s->dport);
		return;
	}
	vg_xval_u64(out, is_local(ctx, s, e) ? s->sport : s->dport);
}

/*
 * fd.cip.name, fd.sip.name, fd.lip.name, fd.rip.name: the domain names the
 * rules compare these fields with that resolve to the end's address, as
 * libsinsp gives them (dns_names.h). Several names may resolve to one
 * address: each is a value, and a check holds if one does. No name: missing.
 */
X(x_ipname)
{
	struct fdview v;
	const struct vg_sock *s;
	const char *names[VG_XVAL_MAX];
	uint32_t lens[VG_XVAL_MAX];
	size_t n;
	bool local;

	if (!env->dns || !view(ctx, env, &v) || !(s = sock_of(&v)) || !is_ip(s))
		return;
	local = is_local(ctx, s, end_of(ref->def->name));
	n = vg_dns_names_lookup(env->dns, local ? s->saddr : s->daddr,
				s->family == AF_INET ? 4 : 16, names, lens, VG_XVAL_MAX);
	for (size_t i = 0; i < n; i++)
		vg_xval_str(out, names[i], lens[i]);
}

static bool ipname_wants(const struct vg_field_def *def)
{
	return def->extract == x_ipname;
}

/*
 * A constant a rule compares fd.*ip.name with is a name to resolve when it
 * can be one: a regex, a byte string or a path set (no literal) names no
 * host, and "*" or a leading dot ("endswith .svc.cluster.local") is no
 * host name either.
 */
static bool ipname_learn(struct vg_fenv *env, const struct vg_field_ref *ref, bool literal,
			 const char *s, size_t len)
{
	(void)ref;
	if (!literal || !vg_dns_name_valid(s, len))
		return true;
	if (!env->dns && !(env->dns = vg_dns_names_new()))
		return false;
	return vg_dns_names_add(env->dns, s, len);
}

const struct vg_field_learner vg_learner_ip_names = {ipname_wants, ipname_learn};

/* fs.path.*: the paths of a file syscall, absolute or as given. */
X(x_fspath)
{
	const char *n = ref->def->name + 8; /* after "fs.path." */
	const struct vg_event *ev = ctx->ev;
	const struct vg_event_state *st = vg_ctx_state(ctx);
	const char *s = NULL;

	if (!ev || ev->type != VG_EV_SYSCALL || !ev->sc)
		return;
	if (strcmp(n, "name") == 0 || strcmp(n, "source") == 0)
		s = st->path_abs ? st->path_abs : raw_path(ctx, env, VG_VAR_PATH);
	else if (strcmp(n, "nameraw") == 0 || strcmp(n, "sourceraw") == 0)
		s = raw_path(ctx, env, VG_VAR_PATH);
	else if (strcmp(n, "target") == 0)
		s = st->path2_abs ? st->path2_abs : raw_path(ctx, env, VG_VAR_PATH2);
	else if (strcmp(n, "targetraw") == 0)
		s = raw_path(ctx, env, VG_VAR_PATH2);
	/* name/nameraw are for single-path calls; source/target for two-path ones */
	if ((n[0] == 's' || n[0] == 't') != (ev->var[VG_VAR_PATH2].len != 0))
		return;
	vg_xval_cstr(out, s);
}

#define L  VG_FF_LIVE
#define LA (VG_FF_LIVE | VG_FF_ANY)

static const struct vg_field_def fd_defs[] = {
	VG_FIELD("fd.num", S64, NONE, L, "File descriptor number; -1 for a failed open", x_num),
	VG_FIELD("fd.type", STRING, NONE, L, "Type: file, directory, ipv4, ipv6, unix, pipe, ...",
		 x_type),
	VG_FIELD("fd.typechar", STRING, NONE, L, "Type as one character: f, d, 4, 6, u, p, ...",
		 x_typechar),
	VG_FIELD("fd.name", STRING, NONE, L,
		 "Full name: absolute path, or the connection tuple 1.2.3.4:5->6.7.8.9:10", x_name),
	VG_FIELD_NL("fd.uid", STRING, NONE, "Unique id of the descriptor (tid and fd)"),
	VG_FIELD_NL("fd.containername", STRING, NONE, "Container id and fd.name"),
	VG_FIELD_NL("fd.containerdirectory", STRING, NONE, "Container id and fd.directory"),
	VG_FIELD_NL("fd.proto", PORT, NONE, "Protocol number of a socket"),
	VG_FIELD_NL("fd.cproto", STRING, NONE, "Client protocol"),
	VG_FIELD_NL("fd.sproto", STRING, NONE, "Server protocol"),
	VG_FIELD_NL("fd.lproto", STRING, NONE, "Local protocol"),
	VG_FIELD_NL("fd.rproto", STRING, NONE, "Remote protocol"),
	VG_FIELD("fd.directory", STRING, NONE, L, "Directory of a file, or a directory's name",
		 x_directory),
	VG_FIELD("fd.filename", STRING, NONE, L, "File name without the directory", x_filename),
	VG_FIELD("fd.ip", IPADDR, NONE, LA, "Client or server address (either matches)", x_ip),
	VG_FIELD("fd.cip", IPADDR, NONE, L, "Client address", x_ip),
	VG_FIELD("fd.sip", IPADDR, NONE, L, "Server address", x_ip),
	VG_FIELD("fd.lip", IPADDR, NONE, L, "Local address", x_ip),
	VG_FIELD("fd.rip", IPADDR, NONE, L, "Remote address", x_ip),
	VG_FIELD("fd.port", PORT, NONE, LA, "Client or server port (either matches)", x_port),
	VG_FIELD("fd.cport", PORT, NONE, L, "Client port", x_port),
	VG_FIELD("fd.sport", PORT, NONE, L, "Server port", x_port),
	VG_FIELD("fd.lport", PORT, NONE, L, "Local port", x_port),
	VG_FIELD("fd.rport", PORT, NONE, L, "Remote port", x_port),
	VG_FIELD("fd.l4proto", STRING, NONE, L, "Layer-4 protocol: tcp, udp, icmp, raw", x_l4proto),
	VG_FIELD("fd.sockfamily", STRING, NONE, L, "Socket family: ip or unix", x_sockfamily),
	VG_FIELD("fd.is_server", BOOL, NONE, L, "The process is the server end", x_is_server),
	VG_FIELD("fd.net", IPNET, NONE, LA, "Client or server network (either matches)", x_ip),
	VG_FIELD("fd.cnet", IPNET, NONE, L, "Client network", x_ip),
	VG_FIELD("fd.snet", IPNET, NONE, L, "Server network", x_ip),
	VG_FIELD("fd.lnet", IPNET, NONE, L, "Local network", x_ip),
	VG_FIELD("fd.rnet", IPNET, NONE, L, "Remote network", x_ip),
	VG_FIELD("fd.connected", BOOL, NONE, L, "The socket is connected", x_connected),
	VG_FIELD("fd.name_changed", BOOL, NONE, L, "The event changed fd.name", x_name_changed),
	VG_FIELD("fd.cip.name", STRING, NONE, LA,
		 "Domain names the rules compare it with that resolve to the client address",
		 x_ipname),
	VG_FIELD("fd.sip.name", STRING, NONE, LA,
		 "Domain names the rules compare it with that resolve to the server address",
		 x_ipname),
	VG_FIELD("fd.lip.name", STRING, NONE, LA,
		 "Domain names the rules compare it with that resolve to the local address",
		 x_ipname),
	VG_FIELD("fd.rip.name", STRING, NONE, LA,
		 "Domain names the rules compare it with that resolve to the remote address",
		 x_ipname),
	VG_FIELD("fd.dev", U64, NONE, L, "Device number of the file", x_dev),
	VG_FIELD("fd.dev.major", U64, NONE, L, "Major device number", x_dev),
	VG_FIELD("fd.dev.minor", U64, NONE, L, "Minor device number", x_dev),
	VG_FIELD("fd.ino", U64, NONE, L, "Inode number of the file", x_ino),
	VG_FIELD("fd.nameraw", STRING, NONE, L, "fd.name as the process gave it", x_nameraw),
	{"fd.types", VG_FT_STRING, VG_FARG_OPT_INDEX, VG_FF_LIST,
	 "Types of all the event's descriptors (or of the N-th)", NULL},
	VG_FIELD_NL("fd.is_upper_layer", BOOL, NONE, "The file is in an overlayfs upper layer"),
	VG_FIELD_NL("fd.is_lower_layer", BOOL, NONE, "The file is in an overlayfs lower layer"),
};

static const struct vg_field_def fdlist_defs[] = {
	{"fdlist.nums", VG_FT_S64, VG_FARG_NONE, VG_FF_LIST, "Descriptor numbers (poll)", NULL},
	{"fdlist.names", VG_FT_STRING, VG_FARG_NONE, VG_FF_LIST, "Descriptor names (poll)", NULL},
	{"fdlist.cips", VG_FT_IPADDR, VG_FARG_NONE, VG_FF_LIST, "Client addresses (poll)", NULL},
	{"fdlist.sips", VG_FT_IPADDR, VG_FARG_NONE, VG_FF_LIST, "Server addresses (poll)", NULL},
	{"fdlist.cports", VG_FT_PORT, VG_FARG_NONE, VG_FF_LIST, "Client ports (poll)", NULL},
	{"fdlist.sports", VG_FT_PORT, VG_FARG_NONE, VG_FF_LIST, "Server ports (poll)", NULL},
};

static const struct vg_field_def fs_defs[] = {
	VG_FIELD("fs.path.name", STRING, NONE, L, "Absolute path of a one-path file event",
		 x_fspath),
	VG_FIELD("fs.path.nameraw", STRING, NONE, L, "fs.path.name as given", x_fspath),
	VG_FIELD("fs.path.source", STRING, NONE, L, "Source path (rename, link)", x_fspath),
	VG_FIELD("fs.path.sourceraw", STRING, NONE, L, "Source path as given", x_fspath),
	VG_FIELD("fs.path.target", STRING, NONE, L, "Target path (rename, link)", x_fspath),
	VG_FIELD("fs.path.targetraw", STRING, NONE, L, "Target path as given", x_fspath),
};

const struct vg_field_class vg_fields_fd = {
	"fd",
	"File descriptor fields (fd.*), from the process's fd table",
	fd_defs,
	VG_FIELDS_COUNT(fd_defs),
};

const struct vg_field_class vg_fields_fdlist = {
	"fdlist",
	"Descriptor lists of poll events (fdlist.*), not captured",
	fdlist_defs,
	VG_FIELDS_COUNT(fdlist_defs),
};

const struct vg_field_class vg_fields_fs = {
	"fs.path",
	"Paths of file events (fs.path.*)",
	fs_defs,
	VG_FIELDS_COUNT(fs_defs),
};
