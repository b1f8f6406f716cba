// SPDX-License-Identifier: Apache-2.0
/*
 * The metrics endpoint: libmicrohttpd (Debian's libmicrohttpd-dev) with its
 * own polling threads, so scrapes never touch the event loop. GET only:
 *   /metrics  Prometheus text exposition format 0.0.4
 *   /healthz  200 "ok", or 503 with the reason
 *   /version  {"version":"..."}
 * Loopback by default: the numbers tell an attacker what vigil sees.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "metrics/metrics_internal.h"
#include "metrics/metrics.h"

enum {
	POOL_THREADS = 2,     /* a render in one thread, probes answered by the other */
	CONN_MEMORY = 16384,  /* request line and headers per connection, bytes */
	LISTEN_BACKLOG = 512, /* a burst of connects waits in the kernel, not refused */
	FD_RESERVE = 256,     /* descriptors left for everything else vigil opens */
};

struct vg_metrics_server {
	struct MHD_Daemon *d;
	struct vg_metrics *m;
	uint16_t port;
	bool no_metrics;
	char healthz[128];
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	struct vg_metrics_server *s = cls;
	static const char text[] = "text/plain; charset=utf-8";

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, text, "GET only\n", 9,
			     MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/metrics") && !s->no_metrics) {
		size_t len;
		char *body = vg_metrics_render(s->m, &len);

		if (!body)
			return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, text, "out of memory\n", 14,
				     MHD_RESPMEM_PERSISTENT);
		return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", body, len,
			     MHD_RESPMEM_MUST_FREE);
	}
	if (!strcmp(url, s->healthz)) {
		char msg[256];
		int bad = vg_metrics_health(s->m, msg, sizeof(msg) - 1);
		size_t n = strlen(msg);

		msg[n++] = '\n';
		return reply(c, bad ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_OK, text, msg, n,
			     MHD_RESPMEM_MUST_COPY);
	}
	if (!strcmp(url, "/version")) {
		char v[64], body[128];
		int n;

		vg_metrics_version(s->m, v, sizeof(v));
		for (char *p = v; *p; p++)
			if (*p == '"' || *p == '\\' || (unsigned char)*p < ' ')
				*p = '_';
		n = snprintf(body, sizeof(body), "{\"version\":\"%s\"}\n", v);
		return reply(c, MHD_HTTP_OK, "application/json", body, (size_t)n,
			     MHD_RESPMEM_MUST_COPY);
	}
	return reply(c, MHD_HTTP_NOT_FOUND, text, "not found\n", 10, MHD_RESPMEM_PERSISTENT);
}

/* "127.0.0.1:8765", "[::1]:8765", ":8765" (every address), "localhost:8765". */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sl)
{
	const char *colon = strrchr(addr, ':');
	char host[64];
	size_t hl;
	char *end;
	unsigned long port;

	if (!colon)
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port > 65535)
		return -1;
	hl = (size_t)(colon - addr);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, addr, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		if (hl < 2 || host[hl - 1] != ']')
			return -1;
		host[hl - 1] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			return -1;
		*sl = sizeof(*s6);
		return 0;
	}
	{
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		if (!host[0] || !strcmp(host, "0.0.0.0"))
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (!strcmp(host, "localhost"))
			s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return -1;
		*sl = sizeof(*s4);
	}
	return 0;
}

/*
 * Every connection the server may hold is a file descriptor: raise the soft
 * RLIMIT_NOFILE (up to the hard one) so the connection limit, and not
 * EMFILE, is what turns a flood away. Returns the connections that fit.
 */
static unsigned fit_fd_limit(unsigned want)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)want + FD_RESERVE;
	unsigned fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	if (rl.rlim_cur < need) {
		rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur >= need)
		return want;
	fit = rl.rlim_cur > FD_RESERVE + VG_METRICS_CONNECTIONS_MIN
		      ? (unsigned)(rl.rlim_cur - FD_RESERVE)
		      : VG_METRICS_CONNECTIONS_MIN;
	fprintf(stderr,
		"vigil: metrics: connection_limit %u lowered to %u: RLIMIT_NOFILE is %llu "
		"(raise it, e.g. LimitNOFILE=)\n",
		want, fit, (unsigned long long)rl.rlim_cur);
	return fit;
}

/*
 * One epoll thread per pool slot, each with non-blocking sockets: an idle
 * connection, a slow-loris sender or a client that never reads its response
 * costs a slot and a few KiB, never a thread, and is closed after timeout_s
 * of silence. The pool keeps a slow /metrics render from delaying /healthz.
 */
static struct MHD_Daemon *start(struct vg_metrics_server *s, unsigned flags,
				const struct sockaddr_storage *ss,
				const struct vg_metrics_limits *lim)
{
	struct MHD_Daemon *d;
	sigset_t all, old;

	/* the server's threads must not take the main loop's signals */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	/* one option and its value per line */
	/* clang-format off */
	d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
			     MHD_OPTION_SOCK_ADDR, ss,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)POOL_THREADS,
			     MHD_OPTION_CONNECTION_LIMIT, lim->connections,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, lim->per_ip_connections,
			     MHD_OPTION_CONNECTION_TIMEOUT, lim->timeout_s,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)LISTEN_BACKLOG,
			     MHD_OPTION_END);
	/* clang-format on */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return d;
}

struct vg_metrics_server *vg_metrics_serve(struct vg_metrics *m, const char *addr,
					   const struct vg_metrics_limits *lim, char *err,
					   size_t errlen)
{
	static const struct vg_metrics_limits defaults = {VG_METRICS_CONNECTIONS_DEFAULT,
							  VG_METRICS_PER_IP_DEFAULT,
							  VG_METRICS_TIMEOUT_DEFAULT, NULL, false};
	struct vg_metrics_limits l = lim ? *lim : defaults;
	struct vg_metrics_server *s;
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD;
	const union MHD_DaemonInfo *info;

	if (parse_addr(addr, &ss, &sl) != 0) {
		snprintf(err, errlen, "metrics listen address '%s' is not HOST:PORT", addr);
		return NULL;
	}
	if (l.connections < VG_METRICS_CONNECTIONS_MIN)
		l.connections = VG_METRICS_CONNECTIONS_MIN;
	if (l.timeout_s == 0)
		l.timeout_s = VG_METRICS_TIMEOUT_DEFAULT;
	l.connections = fit_fd_limit(l.connections);
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->m = m;
	s->no_metrics = l.no_metrics;
	snprintf(s->healthz, sizeof(s->healthz), "%s",
		 l.healthz_path ? l.healthz_path : "/healthz");
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = start(s, flags, &ss, &l);
	if (!s->d) {
		snprintf(err, errlen, "cannot serve metrics on %s (address in use or not local?)",
			 addr);
		free(s);
		return NULL;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	(void)sl;
	return s;
}

uint16_t vg_metrics_server_port(const struct vg_metrics_server *s)
{
	return s ? s->port : 0;
}

void vg_metrics_server_stop(struct vg_metrics_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
