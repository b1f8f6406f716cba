// SPDX-License-Identifier: Apache-2.0
#include "state/fd_state.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "decode/decode.h"
#include "kernel/syscall_table.h"
#include "state/fd_table.h"
#include "state/path.h"
#include "state/event_state.h"
#include "state/proc_table.h"

#define AT_FDCWD_ -100

static char *dup_str(struct vg_str s)
{
	return s.ptr ? strndup(s.ptr, s.len) : NULL;
}

/* An fd opened before vigil started: learn it from /proc while the process lives. */
static struct vg_fd *seed_from_procfs(const char *root, struct vg_proc *p, int fd)
{
	char path[96], target[PATH_MAX], info[512];
	struct vg_fd *e;
	struct stat st;
	ssize_t n;
	FILE *f;

	if (!root)
		return NULL;
	snprintf(path, sizeof(path), "%s/%u/fd/%d", root, p->pid, fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0 || !(e = vg_fd_put(p->fds, fd)))
		return NULL;
	target[n] = '\0';
	e->type = stat(path, &st) == 0 ? vg_fd_type_of_mode(st.st_mode) : VG_FDT_UNKNOWN;
	if (!strncmp(target, "socket:", 7))
		e->type = VG_FDT_UNKNOWN; /* the socket's family comes with its next event */
	else
		e->name = strdup(target);
	snprintf(path, sizeof(path), "%s/%u/fdinfo/%d", root, p->pid, fd);
	if ((f = fopen(path, "r"))) {
		while (fgets(info, sizeof(info), f))
			if (sscanf(info, "flags: %o", &e->open_flags) == 1)
				e->cloexec = e->open_flags & O_CLOEXEC;
		fclose(f);
	}
	return e;
}

static struct vg_fd *fd_lookup(const char *root, struct vg_proc *p, int fd)
{
	struct vg_fd *e = vg_fd_get(p->fds, fd);

	return e ? e : seed_from_procfs(root, p, fd);
}

/* The directory a *at() path is relative to. */
static const char *base_dir(const char *root, struct vg_proc *p, const struct vg_event *ev,
			    uint8_t dirfd_arg)
{
	int dirfd = dirfd_arg < 6 ? (int)ev->sc->args[dirfd_arg] : AT_FDCWD_;
	struct vg_fd *d;

	if (dirfd == AT_FDCWD_)
		return p->cwd;
	d = fd_lookup(root, p, dirfd);
	return d && d->name && d->name[0] == '/' ? d->name : NULL;
}

static void resolve_paths(const char *root, struct vg_proc *p, const struct vg_event *ev,
			  struct vg_event_state *st, const struct vg_sc_conf *c,
			  struct vg_fd_scratch *s)
{
	struct vg_str path = ev->var[VG_VAR_PATH], path2 = ev->var[VG_VAR_PATH2];
	char raw[PATH_MAX];

	if (path.ptr && path.len < sizeof(raw)) {
		memcpy(raw, path.ptr, path.len);
		raw[path.len] = '\0';
		st->path_resolved = vg_path_resolve(base_dir(root, p, ev, c->dirfd), raw, s->path,
						    sizeof(s->path));
		st->path_abs = s->path;
	}
	if (path2.ptr && path2.len < sizeof(raw)) {
		memcpy(raw, path2.ptr, path2.len);
		raw[path2.len] = '\0';
		vg_path_resolve(base_dir(root, p, ev, c->dirfd2), raw, s->path2, sizeof(s->path2));
		st->path2_abs = s->path2;
	}
}

/* The kernel's description of the fd's file, when it sent one. */
static void fill_from_kernel(struct vg_fd *e, const struct vg_event *ev)
{
	struct vg_file file;

	if (ev->var[VG_VAR_FILE].len != sizeof(file))
		return;
	memcpy(&file, ev->var[VG_VAR_FILE].ptr, sizeof(file));
	e->type = vg_fd_type_of_mode(file.mode);
	e->open_flags = file.flags;
	e->ino = file.ino;
	e->dev = file.dev;
	if (ev->var[VG_VAR_FD_PATH].ptr) {
		free(e->name);
		e->name = dup_str(ev->var[VG_VAR_FD_PATH]);
	}
}

/*
 * A connect the kernel refused at once (a closed port, an unreachable net)
 * leaves the socket without a peer port (a reset clears it): the address the caller asked for, from
 * its sockaddr, is the remote end then, so that scans of closed ports show
 * which ports they tried.
 */
static void peer_from_sockaddr(struct vg_sock *s, const struct vg_event *ev)
{
	struct vg_str sa = ev->var[VG_VAR_SOCKADDR];
	sa_family_t family = 0;

	if (ev->sc->id != VG_SC_connect || s->dport || sa.len < sizeof(family))
		return;
	memcpy(&family, sa.ptr, sizeof(family));
	if (family != s->family)
		return;
	if (family == AF_INET && sa.len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;

		memcpy(&in, sa.ptr, sizeof(in));
		memcpy(s->daddr, &in.sin_addr, sizeof(in.sin_addr));
		s->dport = ntohs(in.sin_port);
	} else if (family == AF_INET6 && sa.len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;

		memcpy(&in6, sa.ptr, sizeof(in6));
		memcpy(s->daddr, &in6.sin6_addr, sizeof(in6.sin6_addr));
		s->dport = ntohs(in6.sin6_port);
	}
}

static void fill_sock(struct vg_fd *e, const struct vg_event *ev)
{
	struct vg_sock sock;
	char *unix_path;

	if (ev->var[VG_VAR_SOCK].len != sizeof(sock))
		return;
	memcpy(&sock, ev->var[VG_VAR_SOCK].ptr, sizeof(sock));
	peer_from_sockaddr(&sock, ev);
	unix_path = dup_str(ev->var[VG_VAR_FD_PATH]);
	vg_fd_set_sock(e, &sock, unix_path);
	free(unix_path);
}

/*
 * The value of the row's argument called name (its "flags" or "type", where
 * the close-on-exec bit sits), 0 when the syscall has no such argument.
 */
static __u64 arg_flags(const struct vg_event *ev, const char *name)
{
	const struct vg_sc_arg *a = vg_syscall_arg_named(vg_syscall_def(ev->sc->id), name);

	return a && a->col < 6 ? ev->sc->args[a->col] : 0;
}

/* VG_FDFX_OPEN, VG_FDFX_MEMFD: a new fd named by the kernel or the caller. */
static struct vg_fd *apply_open(struct vg_proc *p, const struct vg_event *ev,
				struct vg_event_state *st)
{
	int64_t ret = ev->hdr->retval;
	struct vg_fd *e;

	if (ret < 0 || !(e = vg_fd_put(p->fds, (int)ret)))
		return NULL;
	e->type = VG_FDT_FILE;
	e->nameraw = dup_str(ev->var[VG_VAR_PATH]);
	e->name_unresolved = st->path_abs && !st->path_resolved;
	fill_from_kernel(e, ev);
	/* the caller's path made absolute, where the kernel sent no name */
	if (!e->name && st->path_abs)
		e->name = strdup(st->path_abs);
	e->cloexec = e->open_flags & O_CLOEXEC;
	if (vg_syscall_def(ev->sc->id)->fdfx == VG_FDFX_MEMFD) {
		e->type = VG_FDT_FILE_V2;
		e->cloexec = arg_flags(ev, "flags") & 1; /* MFD_CLOEXEC */
	}
	if (e->name) {
		st->path_abs = e->name; /* the kernel's name wins: symlinks and mounts resolved */
		st->path_resolved = e->name[0] == '/';
	}
	return e;
}

/* pipe, pipe2, socketpair: two fds in a user int[2]. */
static void apply_pair(struct vg_proc *p, const struct vg_event *ev, char type, bool cloexec)
{
	int fds[2];

	if (ev->hdr->retval != 0 || ev->var[VG_VAR_SOCKADDR].len != sizeof(fds))
		return;
	memcpy(fds, ev->var[VG_VAR_SOCKADDR].ptr, sizeof(fds));
	for (int i = 0; i < 2; i++) {
		struct vg_fd *e = vg_fd_put(p->fds, fds[i]);

		if (e) {
			e->type = type;
			e->cloexec = cloexec;
		}
	}
}

static struct vg_fd *apply_fcntl(struct vg_proc *p, const struct vg_event *ev)
{
	const __u64 *a = ev->sc->args;
	struct vg_fd *e;

	switch (a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (ev->hdr->retval < 0)
			return NULL;
		return vg_fd_dup(p->fds, (int)a[0], (int)ev->hdr->retval, a[1] == F_DUPFD_CLOEXEC);
	case F_SETFD:
		if ((e = vg_fd_get(p->fds, (int)a[0])) && ev->hdr->retval == 0)
			e->cloexec = a[2] & FD_CLOEXEC;
		return e;
	default: return vg_fd_get(p->fds, (int)a[0]);
	}
}

static void set_cwd(struct vg_proc *p, const char *dir)
{
	char *copy;

	if (!dir || dir[0] != '/' || !(copy = strdup(dir)))
		return;
	free(p->cwd);
	p->cwd = copy;
	p->strings_changed = true;
}

/* socket, accept, accept4: the result is a new socket fd. */
static struct vg_fd *apply_new_sock(struct vg_proc *p, const struct vg_event *ev, const char *flags,
				    bool set_cloexec)
{
	int64_t ret = ev->hdr->retval;
	struct vg_fd *e = ret >= 0 ? vg_fd_put(p->fds, (int)ret) : NULL;

	if (e && set_cloexec)
		e->cloexec = arg_flags(ev, flags) & SOCK_CLOEXEC;
	if (e)
		fill_sock(e, ev);
	return e;
}

/* The other socket calls: the fd in arg 0, described by the kernel. */
static struct vg_fd *apply_sock(const char *root, struct vg_proc *p, const struct vg_event *ev)
{
	struct vg_fd *e = fd_lookup(root, p, (int)ev->sc->args[0]);

	/*
	 * Unknown to the table (its socket() was not captured) and gone
	 * from /proc (a short-lived process): the kernel read the socket
	 * behind the fd, so the fd is real.
	 */
	if (!e && ev->var[VG_VAR_SOCK].len == sizeof(struct vg_sock))
		e = vg_fd_put(p->fds, (int)ev->sc->args[0]);
	return e;
}

static struct vg_fd *apply_fchdir(const char *root, struct vg_proc *p, const struct vg_event *ev)
{
	struct vg_fd *e = fd_lookup(root, p, (int)ev->sc->args[0]);

	if (e)
		fill_from_kernel(e, ev);
	if (ev->hdr->retval == 0 && e)
		set_cwd(p, e->name);
	return e;
}

/* What the call did to the fd table, by the row's fd effect (vigil/syscalls.h). */
static struct vg_fd *apply_effect(const char *root, struct vg_proc *p, const struct vg_event *ev,
				  struct vg_event_state *st, const struct vg_sc_def *d,
				  struct vg_fd_scratch *s)
{
	const __u64 *a = ev->sc->args;
	int64_t ret = ev->hdr->retval;

	switch (d->fdfx) {
	case VG_FDFX_OPEN:
	case VG_FDFX_MEMFD: return apply_open(p, ev, st);
	case VG_FDFX_CLOSE: s->pending_close = (int)a[0]; return vg_fd_get(p->fds, (int)a[0]);
	case VG_FDFX_DUP:
		return ret >= 0 ? vg_fd_dup(p->fds, (int)a[0], (int)ret,
					    arg_flags(ev, "flags") & O_CLOEXEC)
				: NULL;
	case VG_FDFX_FCNTL: return apply_fcntl(p, ev);
	case VG_FDFX_PIPE:
		apply_pair(p, ev, VG_FDT_PIPE, arg_flags(ev, "flags") & O_CLOEXEC);
		break;
	case VG_FDFX_UNIXPAIR:
		apply_pair(p, ev, VG_FDT_UNIX, arg_flags(ev, "type") & SOCK_CLOEXEC);
		break;
	case VG_FDFX_SOCKET: return apply_new_sock(p, ev, "type", true);
	/* accept has no flags: its fd keeps the table's default */
	case VG_FDFX_ACCEPT:
		return apply_new_sock(p, ev, "flags", vg_syscall_arg_named(d, "flags") != NULL);
	case VG_FDFX_CHDIR:
		if (ret == 0 && st->path_resolved)
			set_cwd(p, st->path_abs);
		break;
	case VG_FDFX_FCHDIR: return apply_fchdir(root, p, ev);
	default: break;
	}
	return NULL;
}

static struct vg_fd *apply_syscall(const char *root, struct vg_proc *p, const struct vg_event *ev,
				   struct vg_event_state *st, struct vg_fd_scratch *s)
{
	const struct vg_sc_def *d = vg_syscall_def(ev->sc->id);
	struct vg_fd *e;

	if (d && d->fdfx != VG_FDFX_NONE)
		return apply_effect(root, p, ev, st, d, s);
	if (ev->sc->family == VG_FAM_SOCK)
		e = apply_sock(root, p, ev);
	else if (vg_syscall_conf(ev->sc->id).fd < 6) /* an unknown id's conf is all zeros */
		e = fd_lookup(root, p, (int)ev->sc->args[0]);
	else
		return NULL;
	if (e && ev->sc->family == VG_FAM_SOCK)
		fill_sock(e, ev);
	else if (e)
		fill_from_kernel(e, ev);
	return e;
}

void vg_fd_apply(const char *root, struct vg_proc *p, const struct vg_event *ev,
		 struct vg_event_state *st, struct vg_fd_scratch *s)
{
	struct vg_sc_conf c;

	s->pending_close = -1;
	if (ev->type != VG_EV_SYSCALL || !p)
		return;
	if (!p->fds && !(p->fds = vg_fd_table_new()))
		return;
	c = vg_syscall_conf(ev->sc->id);
	resolve_paths(root, p, ev, st, &c, s);
	st->fd = apply_syscall(root, p, ev, st, s);
}

void vg_fd_after(struct vg_proc *p, const struct vg_event *ev, struct vg_event_state *st,
		 struct vg_fd_scratch *s)
{
	if (s->pending_close >= 0 && p && p->fds && ev->hdr->retval == 0)
		vg_fd_close(p->fds, s->pending_close);
	s->pending_close = -1;
	st->fd = NULL;
}

struct relearn {
	struct vg_proc_table *t;
	const char *root;
	unsigned what;
};

static void relearn_one(struct vg_proc *p, void *arg)
{
	const struct relearn *r = arg;
	char path[64], dir[PATH_MAX];
	ssize_t n = -1;

	if (r->what & VG_NEED_FDS) {
		vg_fd_table_free(p->fds);
		p->fds = NULL;
	}
	if (!(r->what & VG_NEED_CWD))
		return;
	if (r->root) {
		snprintf(path, sizeof(path), "%s/%u/cwd", r->root, p->pid);
		n = readlink(path, dir, sizeof(dir) - 1);
	}
	free(p->cwd);
	p->cwd = NULL;
	if (n > 0) {
		dir[n] = '\0';
		p->cwd = strdup(dir);
	}
	vg_proc_recount(r->t, p); /* the string budget counts the cwd */
}

void vg_fd_state_relearn(struct vg_proc_table *t, const char *procfs_root, unsigned what)
{
	struct relearn r = {.t = t, .root = procfs_root, .what = what};

	if (t && what)
		vg_proc_foreach(t, relearn_one, &r);
}
