// SPDX-License-Identifier: Apache-2.0
/*
 * The audit webhook: libmicrohttpd serving POST <webhook_path>, over TLS
 * when tls_cert/tls_key are set, and then requiring a client certificate
 * signed by tls_client_ca when that is set. The API server's webhook
 * backend posts EventLists and retries on a 5xx or a connection error, so
 * the answer says what happened to the batch:
 *   200  every Event queued in vigil
 *   400  not JSON, nested too deep, or not an Event/EventList (retrying
 *        cannot help: said in the body)
 *   401  TLS client certificate missing or not signed by the CA
 *   404/405  another path or method
 *   413  body over max_request_size
 *   503  vigil's queue refused an Event: the API server sends the batch
 *        again (the Events queued before the refusal come twice then:
 *        at-least-once, never lost)
 * Bodies are read into a buffer bounded by max_request_size; a request
 * announcing a larger Content-Length is refused before its body is read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "k8saudit.h"

#define MAX_PEM (1u << 20)
/* Bodies in flight: at most this many times max_request_size of memory. The
   API server posts batches over a handful of connections. */
#define KA_MAX_CONNECTIONS 16u

/* Answers by status, for the summary at stop (written by MHD's one thread). */
enum { A_200, A_400, A_401, A_404, A_413, A_503, A_N };

struct ka_webhook {
	struct MHD_Daemon *d;
	char *cert, *key, *ca; /* PEM text: MHD reads it for the daemon's life */
	uint64_t answers[A_N], events;
};

static void count(struct ka_state *s, unsigned code)
{
	int i = code == 200   ? A_200
		: code == 400 ? A_400
		: code == 401 ? A_401
		: code == 413 ? A_413
		: code == 503 ? A_503
			      : A_404;

	s->web->answers[i]++;
}

struct req {
	char *buf;
	size_t len, cap;
	bool too_big, refused; /* refused: answered before the body */
};

static char *read_pem(const char *path, const char *what, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s %.200s: %s", what, path, strerror(errno));
		return NULL;
	}
	buf = malloc(MAX_PEM + 1);
	n = buf ? fread(buf, 1, MAX_PEM + 1, f) : 0;
	fclose(f);
	if (!buf || n == 0 || n > MAX_PEM) {
		snprintf(err, errlen, "%s %.200s: empty, unreadable or over 1 MiB", what, path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static enum MHD_Result answer(struct ka_state *s, struct MHD_Connection *c, unsigned code,
			      const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char body[256];
	int n = snprintf(body, sizeof(body), "%s\n", text);

	count(s, code);

	r = MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* With a CA configured: the peer sent a certificate and it verifies against the CA. */
static bool client_ok(struct ka_state *s, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	unsigned status = 0, n = 0;

	if (!s->cfg.tls_ca)
		return true;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return false;
	if (!gnutls_certificate_get_peers(ci->tls_session, &n) || n == 0)
		return false;
	return gnutls_certificate_verify_peers2(ci->tls_session, &status) == 0 && status == 0;
}

/* The first call of a request: refuse what needs no body read, else a buffer. */
static enum MHD_Result begin(struct ka_state *s, struct MHD_Connection *c, const char *url,
			     const char *method, void **con_cls)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	struct req *rq = calloc(1, sizeof(*rq));

	if (!rq)
		return MHD_NO;
	*con_cls = rq;
	rq->refused = true;
	if (strcmp(url, s->cfg.webhook_path) != 0)
		return answer(s, c, MHD_HTTP_NOT_FOUND,
			      "no such path: the audit webhook is elsewhere");
	if (strcmp(method, "POST") != 0)
		return answer(s, c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST audit events here");
	if (!client_ok(s, c))
		return answer(s, c, MHD_HTTP_UNAUTHORIZED,
			      "a client certificate signed by the configured CA is required");
	if (cl && strtoull(cl, NULL, 10) > s->cfg.max_request)
		return answer(s, c, MHD_HTTP_CONTENT_TOO_LARGE,
			      "request body over max_request_size");
	rq->refused = false;
	return MHD_YES;
}

static void append(struct ka_state *s, struct req *rq, const char *data, size_t n)
{
	if (rq->too_big || n > s->cfg.max_request - rq->len) {
		rq->too_big = true; /* read on and drop: the answer comes at the end */
		return;
	}
	if (rq->len + n > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 65536;
		char *b;

		while (cap < rq->len + n)
			cap *= 2;
		if (cap > s->cfg.max_request)
			cap = s->cfg.max_request;
		if (!(b = realloc(rq->buf, cap))) {
			rq->too_big = true;
			return;
		}
		rq->buf = b;
		rq->cap = cap;
	}
	memcpy(rq->buf + rq->len, data, n);
	rq->len += n;
}

static enum MHD_Result finish(struct ka_state *s, struct MHD_Connection *c, struct req *rq)
{
	const char *msg = "";
	size_t queued = 0;
	char text[160];
	enum ka_parse_result r;

	if (rq->too_big)
		return answer(s, c, MHD_HTTP_CONTENT_TOO_LARGE,
			      "request body over max_request_size");
	r = ka_events_push(s->host, rq->buf ? rq->buf : "", rq->len, &queued, &msg);
	s->web->events += queued; /* a 503's too: queued before the refusal, sent again */
	switch (r) {
	case KA_OK:
		snprintf(text, sizeof(text), "%zu audit event(s) queued", queued);
		return answer(s, c, MHD_HTTP_OK, text);
	case KA_QUEUE_FULL:
		return answer(s, c, MHD_HTTP_SERVICE_UNAVAILABLE,
			      "vigil's event queue is full: retry");
	default: return answer(s, c, MHD_HTTP_BAD_REQUEST, msg);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **con_cls)
{
	struct ka_state *s = cls;
	struct req *rq = *con_cls;

	(void)version;
	if (!rq)
		return begin(s, c, url, method, con_cls);
	if (rq->refused) {
		*size = 0; /* answered already: drop what the client still sends */
		return MHD_YES;
	}
	if (*size) {
		append(s, rq, data, *size);
		*size = 0;
		return MHD_YES;
	}
	rq->refused = true; /* answered: a later call of this request only drops bytes */
	return finish(s, c, rq);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	(void)cls, (void)c, (void)toe;
	if (rq) {
		free(rq->buf);
		free(rq);
		*con_cls = NULL;
	}
}

static int load_tls(struct ka_webhook *w, const struct ka_config *cfg, char *err, size_t errlen)
{
	if (!cfg->tls_cert)
		return 0;
	if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		snprintf(err, errlen, "this libmicrohttpd has no TLS: tls_cert cannot be used");
		return -1;
	}
	if (!(w->cert = read_pem(cfg->tls_cert, "tls_cert", err, errlen)) ||
	    !(w->key = read_pem(cfg->tls_key, "tls_key", err, errlen)) ||
	    (cfg->tls_ca && !(w->ca = read_pem(cfg->tls_ca, "tls_client_ca", err, errlen))))
		return -1;
	return 0;
}

static int sockaddr_of(const struct ka_config *cfg, struct sockaddr_storage *ss, bool *v6)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	*v6 = false;
	if (inet_pton(AF_INET, cfg->listen_addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(cfg->listen_port);
		return 0;
	}
	if (inet_pton(AF_INET6, cfg->listen_addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(cfg->listen_port);
		*v6 = true;
		return 0;
	}
	return -1;
}

static void free_web(struct ka_webhook *w)
{
	free(w->cert);
	free(w->key);
	free(w->ca);
	free(w);
}

int ka_webhook_start(struct ka_state *s, char *err, size_t errlen)
{
	struct ka_webhook *w;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD;
	bool v6;
	char msg[512];

	if (!s->cfg.listen_port)
		return 0;
	if (sockaddr_of(&s->cfg, &ss, &v6) != 0) {
		snprintf(err, errlen, "listen_address '%.64s' is not an IPv4 or IPv6 address",
			 s->cfg.listen_addr);
		return -1;
	}
	if (!(w = calloc(1, sizeof(*w))) || load_tls(w, &s->cfg, err, errlen) != 0) {
		if (w)
			free_web(w);
		return -1;
	}
	flags |= (w->cert ? MHD_USE_TLS : 0) | (v6 ? MHD_USE_IPv6 : 0);
	s->web = w; /* before MHD's thread starts: a request may come at once */
	{
		/* the TLS options only with TLS: MHD refuses them otherwise */
		struct MHD_OptionItem tls[] = {
			{w->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, w->cert},
			{MHD_OPTION_HTTPS_MEM_KEY, 0, w->key},
			{w->ca ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, w->ca},
			{MHD_OPTION_END, 0, NULL},
		};

		w->d = MHD_start_daemon(flags, s->cfg.listen_port, NULL, NULL, on_request, s,
					MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_NOTIFY_COMPLETED,
					on_done, s, MHD_OPTION_CONNECTION_LIMIT, KA_MAX_CONNECTIONS,
					MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_ARRAY, tls,
					MHD_OPTION_END);
	}
	if (!w->d) {
		snprintf(err, errlen,
			 "the webhook cannot listen on %.64s port %u (in use, no permission, or "
			 "a bad TLS certificate/key)",
			 s->cfg.listen_addr, s->cfg.listen_port);
		s->web = NULL;
		free_web(w);
		return -1;
	}
	snprintf(msg, sizeof(msg), "webhook listening on %s://%s:%u%s%s",
		 w->cert ? "https" : "http", s->cfg.listen_addr, s->cfg.listen_port,
		 s->cfg.webhook_path, w->ca ? " (client certificates required)" : "");
	s->host->log(s->host->ctx, VG_PLUGIN_LOG_INFO, msg);
	return 0;
}

void ka_webhook_stop(struct ka_state *s)
{
	const uint64_t *a;
	char msg[256];

	if (!s->web)
		return;
	MHD_stop_daemon(s->web->d); /* joins MHD's thread: the counters are final */
	a = s->web->answers;
	snprintf(msg, sizeof(msg),
		 "webhook: %" PRIu64 " audit event(s) queued; answers 200=%" PRIu64 " 400=%" PRIu64
		 " 401=%" PRIu64 " 404/405=%" PRIu64 " 413=%" PRIu64 " 503=%" PRIu64,
		 s->web->events, a[A_200], a[A_400], a[A_401], a[A_404], a[A_413], a[A_503]);
	s->host->log(s->host->ctx, VG_PLUGIN_LOG_INFO, msg);
	free_web(s->web);
	s->web = NULL;
}
