// SPDX-License-Identifier: Apache-2.0
/*
 * The HTTP output: POSTs alerts as JSON with libcurl (TLS, proxies,
 * keep-alive and auth come with it, all well kept by Debian).
 *
 * batch none   one POST per alert, the body is the alert: what
 *              falcosidekick's "POST /" and most webhooks expect;
 * batch array  a JSON array of up to batch_max alerts;
 * batch ndjson up to batch_max alert lines (Content-Type application/x-ndjson).
 *
 * Falco's keys: ca_cert or ca_bundle (CA file) and ca_path, mtls with
 * client_cert/client_key, insecure, user_agent; compress_uploads gzips the
 * body (Content-Encoding: gzip; libcurl only decompresses replies, so zlib
 * does it); echo writes each reply body to stdout; keep_alive false opens a
 * connection per request, as Falco does.
 *
 * 2xx is delivered. Transport errors, 408, 425, 429 and 5xx are retried
 * with back-off; any other status means the receiver refuses the alert,
 * and retrying cannot change that: it is dropped and counted.
 */
#include "delivery/delivery_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.1.0"
#endif

struct http_out {
	CURL *curl;
	struct curl_slist *headers;
	char *url;
	char *shown_url; /* url with its secrets masked: the only form messages print */
	char *basic_auth;
	char *ca_file;
	char *ca_path;
	char *user_agent;
	char *client_cert; /* mtls only */
	char *client_key;
	bool insecure;
	bool echo;	      /* the reply body goes to stdout */
	bool compress;	      /* gzip the request body */
	bool keep_alive;      /* false: no connection reuse */
	bool fresh;	      /* reopen asked: connect anew once */
	struct vg_buf gz;     /* the gzipped body */
	struct vg_buf echoed; /* the reply body, for echo (at most ECHO_MAX bytes) */
	enum vg_http_batch batch;
	uint32_t timeout_ms;
	struct vg_buf body;
	char reply[128]; /* the start of the last reply, for the error message */
	size_t reply_len;
	char curl_err[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void curl_init_once(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* echo: a reply body is written to stdout up to this many bytes */
#define ECHO_MAX (64u << 10)

static size_t on_reply(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_out *h = arg;
	size_t n = size * nmemb, room = sizeof(h->reply) - 1 - h->reply_len;

	if (h->echo && h->echoed.len < ECHO_MAX)
		vg_buf_add(&h->echoed, data,
			   n < ECHO_MAX - h->echoed.len ? n : ECHO_MAX - h->echoed.len);
	if (room) {
		size_t k = n < room ? n : room;

		memcpy(h->reply + h->reply_len, data, k);
		h->reply_len += k;
		h->reply[h->reply_len] = '\0';
	}
	return n;
}

/* Called by curl at least once a second: a stopping output aborts its request. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct vg_output *o = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return atomic_load(&o->stopping) ? 1 : 0;
}

static void trim_reply(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

static int build_body(struct http_out *h, struct vg_msg *const *msgs, size_t n)
{
	int err = 0;

	h->body.len = 0;
	if (h->batch == VG_HTTP_BATCH_ARRAY)
		err |= vg_buf_add(&h->body, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i && h->batch == VG_HTTP_BATCH_ARRAY)
			err |= vg_buf_add(&h->body, ",", 1);
		err |= vg_buf_add(&h->body, msgs[i]->json, msgs[i]->json_len);
		if (h->batch == VG_HTTP_BATCH_NDJSON)
			err |= vg_buf_add(&h->body, "\n", 1);
	}
	if (h->batch == VG_HTTP_BATCH_ARRAY)
		err |= vg_buf_add(&h->body, "]", 1);
	return err ? -1 : 0;
}

/* compress_uploads: the body as one gzip member (zlib's window bits 15 + 16). */
static int gzip_body(struct http_out *h)
{
	z_stream z = {0};
	int rc;

	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -1;
	h->gz.len = 0;
	if (vg_buf_reserve(&h->gz, deflateBound(&z, (uLong)h->body.len)) != 0) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)h->body.p;
	z.avail_in = (uInt)h->body.len;
	z.next_out = (Bytef *)h->gz.p;
	z.avail_out = (uInt)(h->gz.cap);
	rc = deflate(&z, Z_FINISH);
	h->gz.len = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/* echo: the reply body on stdout, one write, a line of its own */
static void echo_reply(struct http_out *h)
{
	struct iovec iov[2] = {{h->echoed.p, h->echoed.len}, {"\n", 1}};

	if (!h->echo || !h->echoed.len)
		return;
	vg_write_all(STDOUT_FILENO, iov, h->echoed.p[h->echoed.len - 1] == '\n' ? 1 : 2);
}

static size_t http_send(struct vg_output *o, struct vg_msg *const *msgs, size_t n, size_t *refused)
{
	struct http_out *h = o->priv;
	const struct vg_buf *b = &h->body;
	long code = 0;
	CURLcode rc;

	if (build_body(h, msgs, n) != 0 || (h->compress && gzip_body(h) != 0)) {
		vg_output_error(o, "out of memory for a request body");
		return 0;
	}
	if (h->compress)
		b = &h->gz;
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, b->p);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len);
	h->echoed.len = 0;
	h->reply_len = 0;
	h->reply[0] = '\0';
	h->curl_err[0] = '\0';
	if (h->fresh)
		curl_easy_setopt(h->curl, CURLOPT_FRESH_CONNECT, 1L);
	rc = curl_easy_perform(h->curl);
	if (h->fresh) {
		curl_easy_setopt(h->curl, CURLOPT_FRESH_CONNECT, 0L);
		h->fresh = false;
	}
	if (rc != CURLE_OK) {
		vg_output_error(o, "POST %s: %s", h->shown_url,
				h->curl_err[0] ? h->curl_err : curl_easy_strerror(rc));
		return 0;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	echo_reply(h);
	if (code >= 200 && code < 300)
		return n;
	trim_reply(h->reply);
	vg_output_error(o, "POST %s: HTTP %ld %s", h->shown_url, code, h->reply);
	if (code >= 400 && code < 500 && code != 408 && code != 425 && code != 429)
		*refused = n;
	return 0;
}

static int add_header(struct http_out *h, const char *line)
{
	struct curl_slist *l = curl_slist_append(h->headers, line);

	if (!l)
		return -1;
	h->headers = l;
	return 0;
}

static int setup_curl(struct vg_output *o, struct http_out *h, const char *bearer)
{
	char line[4096];
	int err = 0;

	h->curl = curl_easy_init();
	if (!h->curl)
		return -1;
	err |= add_header(h, h->batch == VG_HTTP_BATCH_NDJSON ? "Content-Type: application/x-ndjson"
							      : "Content-Type: application/json");
	/* no "Expect: 100-continue" round trip for large batches */
	err |= add_header(h, "Expect:");
	if (h->compress)
		err |= add_header(h, "Content-Encoding: gzip");
	if (bearer && *bearer) {
		if ((size_t)snprintf(line, sizeof(line), "Authorization: Bearer %s", bearer) >=
		    sizeof(line))
			return -1;
		err |= add_header(h, line);
	}
	if (err)
		return -1;
	curl_easy_setopt(h->curl, CURLOPT_URL, h->url);
	curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, h->user_agent);
	/* threads: curl must not use signals for its timeouts */
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(h->timeout_ms < 5000 ? h->timeout_ms : 5000));
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->curl_err);
	curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFODATA, o);
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	if (h->basic_auth) {
		curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h->curl, CURLOPT_USERPWD, h->basic_auth);
	}
	/* ca_cert, else Falco's ca_bundle: both a CA file */
	if (h->ca_file)
		curl_easy_setopt(h->curl, CURLOPT_CAINFO, h->ca_file);
	if (h->client_cert) {
		curl_easy_setopt(h->curl, CURLOPT_SSLCERT, h->client_cert);
		curl_easy_setopt(h->curl, CURLOPT_SSLCERTTYPE, "PEM");
		curl_easy_setopt(h->curl, CURLOPT_SSLKEY, h->client_key);
		curl_easy_setopt(h->curl, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (!h->keep_alive)
		curl_easy_setopt(h->curl, CURLOPT_FORBID_REUSE, 1L);
	if (h->ca_path)
		curl_easy_setopt(h->curl, CURLOPT_CAPATH, h->ca_path);
	if (h->insecure) {
		curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return 0;
}

/* The config writes "" for "not set". */
static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static int http_init(struct vg_output *o, const struct vg_output_config *c)
{
	struct http_out *h = calloc(1, sizeof(*h));
	bool oom = false;

	if (!h) {
		fprintf(stderr, "vigil: http output: out of memory\n");
		return -1;
	}
	o->priv = h;
	if (!c->http.url || !*c->http.url) {
		fprintf(stderr, "vigil: http output: no URL (http_output.url)\n");
		return -1;
	}
	if (strncmp(c->http.url, "http://", 7) && strncmp(c->http.url, "https://", 8)) {
		char shown[512];

		fprintf(stderr, "vigil: http output: '%s' is not an http:// or https:// URL\n",
			vg_url_redact(c->http.url, shown, sizeof(shown)));
		return -1;
	}
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_result != CURLE_OK) {
		fprintf(stderr, "vigil: http output: libcurl: %s\n",
			curl_easy_strerror(curl_init_result));
		return -1;
	}
	h->batch = c->http.batch;
	h->timeout_ms = c->http.timeout_ms ? c->http.timeout_ms : 10000;
	h->insecure = c->http.insecure;
	h->echo = c->http.echo;
	h->compress = c->http.compress;
	h->keep_alive = c->http.keep_alive;
	if (c->http.mtls) {
		if (!nonempty(c->http.client_cert) || !nonempty(c->http.client_key)) {
			fprintf(stderr,
				"vigil: http output: mtls needs http_output.client_cert and "
				"client_key\n");
			return -1;
		}
		/* said at start, not as a TLS error on every alert */
		for (int i = 0; i < 2; i++) {
			const char *f = i ? c->http.client_key : c->http.client_cert;

			if (access(f, R_OK) != 0) {
				fprintf(stderr, "vigil: http output: mtls: %s %s: %s\n",
					i ? "http_output.client_key" : "http_output.client_cert", f,
					strerror(errno));
				return -1;
			}
		}
		h->client_cert = vg_out_strdup(c->http.client_cert, &oom);
		h->client_key = vg_out_strdup(c->http.client_key, &oom);
	}
	h->url = vg_out_strdup(c->http.url, &oom);
	/* "***" replaces at least one byte each time: three times the length always fits */
	h->shown_url = malloc(3 * strlen(c->http.url) + 4);
	if (h->shown_url)
		vg_url_redact(c->http.url, h->shown_url, 3 * strlen(c->http.url) + 4);
	else
		oom = true;
	h->basic_auth = vg_out_strdup(nonempty(c->http.basic_auth), &oom);
	h->ca_file = vg_out_strdup(
		nonempty(c->http.ca_file) ? c->http.ca_file : nonempty(c->http.ca_bundle), &oom);
	h->ca_path = vg_out_strdup(nonempty(c->http.ca_path), &oom);
	h->user_agent =
		vg_out_strdup(c->http.user_agent && *c->http.user_agent ? c->http.user_agent
									: "vigil/" VIGIL_VERSION,
			      &oom);
	for (size_t i = 0; !oom && i < c->http.n_headers && i < VG_OUTPUT_MAX_HEADERS; i++) {
		if (!strchr(c->http.headers[i], ':')) {
			fprintf(stderr, "vigil: http output: header '%s' is not 'Name: value'\n",
				c->http.headers[i]);
			return -1;
		}
		oom = add_header(h, c->http.headers[i]) != 0;
	}
	if (oom || setup_curl(o, h, c->http.bearer_token) != 0) {
		fprintf(stderr, "vigil: http output: out of memory setting up libcurl\n");
		return -1;
	}
	return 0;
}

static void http_reopen(struct vg_output *o)
{
	struct http_out *h = o->priv;

	/* drop kept-alive connections: the next request resolves and connects anew */
	h->fresh = true;
}

static void http_fini(struct vg_output *o)
{
	struct http_out *h = o->priv;

	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	free(h->url);
	free(h->shown_url);
	free(h->basic_auth);
	free(h->ca_file);
	free(h->ca_path);
	free(h->user_agent);
	free(h->client_cert);
	free(h->client_key);
	free(h->gz.p);
	free(h->echoed.p);
	free(h->body.p);
	free(h);
	o->priv = NULL;
}

const struct vg_output_ops vg_output_http_ops = {
	.init = http_init,
	.send = http_send,
	.reopen = http_reopen,
	.fini = http_fini,
};
