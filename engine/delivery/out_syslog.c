// SPDX-License-Identifier: Apache-2.0
/*
 * The syslog output: RFC 5424 messages over the local socket (/dev/log),
 * UDP (one datagram per alert), or TCP with octet-counting framing
 * (RFC 6587 3.4.1: "LEN SP MSG", so alerts may hold any byte).
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID alert [vigil@32473 rule=".." priority=".."] MSG
 *
 * PRI = facility * 8 + severity, and Falco's priorities are syslog's
 * severities in the same order. 32473 is the enterprise number RFC 5612
 * reserves for examples; the SD-ID lets a SIEM pick the rule without
 * parsing MSG. MSG is the JSON (or text) alert.
 */
#include "delivery/delivery_internal.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PORT	 514
#define DEFAULT_FACILITY 16 /* local0 */

struct syslog_out {
	enum vg_syslog_transport transport;
	char *address;
	char host[256]; /* resolved lazily: the server may not be up at start */
	uint16_t port;
	int facility;
	char app_name[49]; /* RFC 5424: APP-NAME is at most 48 printable characters */
	char hostname[256];
	uint32_t timeout_ms;
	int fd;
	struct vg_buf msg;
};

static void set_timeouts(int fd, uint32_t ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

	/* on Linux SO_SNDTIMEO bounds connect(2) too */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int connect_unix(struct vg_output *o, struct syslog_out *s)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(s->address) >= sizeof(sa.sun_path)) {
		vg_output_error(o, "%s: socket path too long", s->address);
		return -1;
	}
	strcpy(sa.sun_path, s->address);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		vg_output_error(o, "socket: %s", strerror(errno));
		return -1;
	}
	set_timeouts(fd, s->timeout_ms);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		vg_output_error(o, "cannot connect to %s: %s", s->address, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_inet(struct vg_output *o, struct syslog_out *s)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = s->transport == VG_SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM,
	};
	struct addrinfo *res, *ai;
	char port[8];
	int err, fd = -1;

	snprintf(port, sizeof(port), "%u", s->port);
	err = getaddrinfo(s->host, port, &hints, &res);
	if (err) {
		vg_output_error(o, "cannot resolve %s: %s", s->host, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		set_timeouts(fd, s->timeout_ms);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		vg_output_error(o, "cannot connect to %s:%s (%s): %s", s->host, port,
				s->transport == VG_SYSLOG_TCP ? "tcp" : "udp",
				strerror(err ? err : errno));
	return fd;
}

/* A TCP peer that closed shows as readable with nothing to read: reconnect first. */
static bool peer_closed(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void sd_escape(struct vg_buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			vg_buf_add(b, "\\", 1);
		vg_buf_add(b, v, 1);
	}
}

static int format_msg(struct vg_output *o, struct syslog_out *s, const struct vg_msg *m)
{
	time_t secs = (time_t)(m->wall_ns / 1000000000ull);
	char ts[40];
	struct tm tm;
	size_t len;
	const char *line = vg_msg_line(o, m, &len);
	int sev = m->priority < 0 ? 7 : m->priority > 7 ? 7 : m->priority;
	size_t start;

	gmtime_r(&secs, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	s->msg.len = 0;
	/* TCP: reserve room for the octet count, written once the length is known */
	if (s->transport == VG_SYSLOG_TCP && vg_buf_add(&s->msg, "          ", 11) != 0)
		return -1;
	start = s->msg.len;
	vg_buf_printf(&s->msg, "<%d>1 %s.%06uZ %s %s %d alert [vigil@32473 rule=\"",
		      s->facility * 8 + sev, ts, (unsigned)((m->wall_ns % 1000000000ull) / 1000),
		      s->hostname, s->app_name, (int)getpid());
	sd_escape(&s->msg, m->rule);
	vg_buf_printf(&s->msg, "\" priority=\"%s\"] ", vg_output_priority_name(sev));
	if (vg_buf_add(&s->msg, line, len) != 0)
		return -1;
	if (s->transport == VG_SYSLOG_TCP) {
		char count[12];
		int n = snprintf(count, sizeof(count), "%zu ", s->msg.len - start);

		/* right-align the count just before the message */
		start -= (size_t)n;
		memcpy(s->msg.p + start, count, (size_t)n);
	}
	return (int)start;
}

static size_t syslog_send(struct vg_output *o, struct vg_msg *const *msgs, size_t n,
			  size_t *refused)
{
	struct syslog_out *s = o->priv;

	for (size_t i = 0; i < n; i++) {
		int start;
		ssize_t w;
		size_t len;

		if (s->fd >= 0 && s->transport == VG_SYSLOG_TCP && peer_closed(s->fd)) {
			close(s->fd);
			s->fd = -1;
		}
		if (s->fd < 0) {
			s->fd = s->transport == VG_SYSLOG_UNIX ? connect_unix(o, s)
							       : connect_inet(o, s);
			if (s->fd < 0)
				return i;
		}
		start = format_msg(o, s, msgs[i]);
		if (start < 0) {
			vg_output_error(o, "out of memory formatting a message");
			return i;
		}
		len = s->msg.len - (size_t)start;
		if (s->transport == VG_SYSLOG_TCP) {
			struct iovec iov = {s->msg.p + start, len};
			int err = vg_write_all(s->fd, &iov, 1);

			if (err) {
				vg_output_error(o, "send: %s", strerror(-err));
				close(s->fd);
				s->fd = -1;
				return i;
			}
			continue;
		}
		do
			w = send(s->fd, s->msg.p + start, len, MSG_NOSIGNAL);
		while (w < 0 && errno == EINTR);
		if (w < 0) {
			vg_output_error(o, "send: %s", strerror(errno));
			if (errno == EMSGSIZE) {
				/* this alert will never fit a datagram; the next ones may */
				*refused = 1;
			} else {
				close(s->fd);
				s->fd = -1;
			}
			return i;
		}
	}
	return n;
}

static int syslog_init(struct vg_output *o, const struct vg_output_config *c)
{
	struct syslog_out *s = calloc(1, sizeof(*s));
	const char *addr = c->syslog.address;
	bool oom = false;

	if (!s) {
		fprintf(stderr, "vigil: syslog output: out of memory\n");
		return -1;
	}
	o->priv = s;
	s->fd = -1;
	s->transport = c->syslog.transport;
	s->port = c->syslog.port ? c->syslog.port : DEFAULT_PORT;
	/* 0 (kern) is the kernel's own: it means "the default" here */
	s->facility = c->syslog.facility > 0 && c->syslog.facility < 24 ? c->syslog.facility
									: DEFAULT_FACILITY;
	s->timeout_ms = c->syslog.timeout_ms ? c->syslog.timeout_ms : 5000;
	if (!addr || !*addr)
		addr = s->transport == VG_SYSLOG_UNIX ? "/dev/log" : "127.0.0.1";
	s->address = vg_out_strdup(addr, &oom);
	if (oom) {
		fprintf(stderr, "vigil: syslog output: out of memory\n");
		return -1;
	}
	if (s->transport != VG_SYSLOG_UNIX &&
	    vg_split_host_port(addr, s->host, sizeof(s->host), &s->port) != 0) {
		fprintf(stderr, "vigil: syslog output: '%s' is not host, host:port or [v6]:port\n",
			addr);
		return -1;
	}
	snprintf(s->app_name, sizeof(s->app_name), "%s",
		 c->syslog.app_name && *c->syslog.app_name ? c->syslog.app_name : "vigil");
	for (char *p = s->app_name; *p; p++)
		if (*p <= ' ' || *p > '~')
			*p = '_';
	if (gethostname(s->hostname, sizeof(s->hostname) - 1) != 0 || !s->hostname[0])
		strcpy(s->hostname, "-");
	return 0;
}

static void syslog_reopen(struct vg_output *o)
{
	struct syslog_out *s = o->priv;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static void syslog_fini(struct vg_output *o)
{
	struct syslog_out *s = o->priv;

	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->address);
	free(s->msg.p);
	free(s);
	o->priv = NULL;
}

const struct vg_output_ops vg_output_syslog_ops = {
	.init = syslog_init,
	.send = syslog_send,
	.reopen = syslog_reopen,
	.fini = syslog_fini,
};
