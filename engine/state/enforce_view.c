// SPDX-License-Identifier: Apache-2.0
#include "state/enforce_view.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/decode.h"
#include "state/event_state.h"
#include "vigil/syscalls.h"

/* The destination a connect named, as the socket would hold it once connected. */
static bool sock_of_sockaddr(const struct vg_str *sa, struct vg_sock *s)
{
	struct sockaddr_in6 in6 = {0};
	struct sockaddr_in in4;

	memset(s, 0, sizeof(*s));
	if (sa->len < sizeof(sa_family_t))
		return false;
	memcpy(&in6, sa->ptr, sa->len < sizeof(in6) ? sa->len : sizeof(in6));
	s->family = in6.sin6_family;
	s->type = SOCK_STREAM;
	if (s->family == AF_INET && sa->len >= sizeof(in4)) {
		memcpy(&in4, sa->ptr, sizeof(in4));
		memcpy(s->daddr, &in4.sin_addr, 4);
		s->dport = ntohs(in4.sin_port);
		return true;
	}
	if (s->family == AF_INET6 && sa->len >= sizeof(in6)) {
		memcpy(s->daddr, &in6.sin6_addr, 16);
		s->dport = ntohs(in6.sin6_port);
		return true;
	}
	return false;
}

void vg_enforce_view_begin(struct vg_enforce_view *v, const struct vg_event *ev,
			   struct vg_event_state *st)
{
	const struct vg_str *path = &ev->var[VG_VAR_PATH];
	struct vg_sock sock;

	memset(&v->fd, 0, sizeof(v->fd));
	v->fd.num = -1;
	if (path->len && path->len <= VG_PATH_MAX) {
		memcpy(v->path, path->ptr, path->len);
		v->path[path->len] = '\0';
		st->path_abs = v->path;
		st->path_resolved = v->path[0] == '/';
	}
	if (ev->sc->id == VG_SC_openat && st->path_abs) {
		v->fd.type = VG_FDT_FILE;
		v->fd.name = v->path;
		v->fd.open_flags = (uint32_t)ev->sc->args[2];
		st->fd = &v->fd;
	} else if (ev->sc->id == VG_SC_connect &&
		   sock_of_sockaddr(&ev->var[VG_VAR_SOCKADDR], &sock)) {
		vg_fd_set_sock(&v->fd, &sock, NULL);
		st->fd = &v->fd;
	}
}

void vg_enforce_view_end(struct vg_enforce_view *v, struct vg_event_state *st)
{
	if (v->fd.name != v->path)
		free(v->fd.name);
	v->fd.name = NULL;
	st->fd = NULL;
	st->path_abs = NULL;
}
