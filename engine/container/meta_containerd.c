// SPDX-License-Identifier: Apache-2.0
/*
 * containerd: each running task has a bundle at
 * <root>/<namespace>/<id>/ (root /run/containerd/io.containerd.runtime.v2.task)
 * with the OCI config.json and init.pid. Containers made by the CRI plugin
 * (namespace k8s.io) carry io.kubernetes.cri.* annotations: pod name,
 * namespace, uid, container name and image. Plain containerd clients (ctr,
 * nerdctl without its own annotations) leave the image in containerd's
 * metadata database only, which its gRPC API serves (below): the manager
 * asks it from its worker thread.
 */
#include "container/container_internal.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int vg_meta_containerd_files(const char *root, const char *ns, const char *id,
			     struct vg_container *c)
{
	char path[4096];
	struct stat st;
	int ret;

	if (!ns || !ns[0])
		return 0;
	snprintf(path, sizeof(path), "%s/%s/%s/config.json", root, ns, id);
	ret = vg_meta_oci_file(path, c);
	if (ret <= 0)
		return ret;
	if (c->type != VG_CT_CRI_CONTAINERD) {
		c->type = VG_CT_CONTAINERD;
		if (vg_ct_set_once(&c->name, id))
			return -ENOMEM;
	}
	/* the shim writes init.pid when the task starts */
	snprintf(path, sizeof(path), "%s/%s/%s/init.pid", root, ns, id);
	if (!c->start_ts && stat(path, &st) == 0)
		c->start_ts =
			(uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec;
	return 1;
}

/*
 * containerd's API is gRPC: HTTP/2 (cleartext, prior knowledge) on
 * containerd.sock, each message a 5-byte frame header (compressed flag,
 * big-endian length) and a protobuf body. One call is needed:
 * containerd.services.containers.v1.Containers/Get, which returns the
 * container record holding the image name and the labels (for a CRI
 * sandbox, the pod's labels). The few protobuf fields are decoded by hand,
 * bounds-checked: pulling in a protobuf runtime for three fields would cost
 * more than it saves.
 */
struct pb {
	const uint8_t *p, *end;
};

static int pb_varint(struct pb *b, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t byte;

		if (b->p >= b->end)
			return -EINVAL;
		byte = *b->p++;
		*v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return 0;
	}
	return -EINVAL;
}

/* next field: its number, wire type, and for length-delimited ones the bytes */
static int pb_next(struct pb *b, uint32_t *field, uint32_t *wire, struct pb *sub, uint64_t *val)
{
	uint64_t key, len;

	if (pb_varint(b, &key))
		return -EINVAL;
	*field = (uint32_t)(key >> 3);
	*wire = (uint32_t)(key & 7);
	switch (*wire) {
	case 0: return pb_varint(b, val);
	case 1:
		if (b->end - b->p < 8)
			return -EINVAL;
		b->p += 8;
		return 0;
	case 2:
		if (pb_varint(b, &len) || len > (uint64_t)(b->end - b->p))
			return -EINVAL;
		sub->p = b->p;
		sub->end = b->p + len;
		b->p += len;
		return 0;
	case 5:
		if (b->end - b->p < 4)
			return -EINVAL;
		b->p += 4;
		return 0;
	default: return -EINVAL;
	}
}

static char *pb_str(const struct pb *s)
{
	return vg_ct_strndup_capped((const char *)s->p, (size_t)(s->end - s->p));
}

/* map<string,string> entry: key = 1, value = 2 */
static int pb_map_entry(struct pb e, struct vg_kv **kv, size_t *n, bool skip_k8s)
{
	char *k = NULL, *v = NULL;
	uint32_t f, w;
	uint64_t val;
	struct pb s;
	int ret = 0;

	while (e.p < e.end && ret == 0) {
		if (pb_next(&e, &f, &w, &s, &val)) {
			ret = -EINVAL;
			break;
		}
		if (w != 2 || (f != 1 && f != 2))
			continue;
		free(f == 1 ? k : v);
		if (f == 1)
			k = pb_str(&s);
		else
			v = pb_str(&s);
		if ((f == 1 && !k) || (f == 2 && !v))
			ret = -ENOMEM;
	}
	/* the CRI plugin's own bookkeeping labels are not the pod's */
	if (ret == 0 && k &&
	    !(skip_k8s &&
	      (strncmp(k, "io.kubernetes.", 14) == 0 || strncmp(k, "io.cri-containerd.", 18) == 0)))
		ret = vg_ct_kv_put(kv, n, k, v ? v : "");
	free(k);
	free(v);
	return ret;
}

int vg_containerd_decode_get(const uint8_t *msg, size_t len, struct vg_container *c, bool sandbox)
{
	struct pb b = {msg, msg + len}, ct = {0}, s;
	uint32_t f, w;
	uint64_t val;
	bool found = false;
	int ret = 0;

	/* GetContainerResponse { Container container = 1; } */
	while (b.p < b.end) {
		if (pb_next(&b, &f, &w, &s, &val))
			return -EINVAL;
		if (f == 1 && w == 2) {
			ct = s;
			found = true;
		}
	}
	if (!found)
		return 0;
	/* Container { id = 1; map labels = 2; image = 3; ... created_at = 8; } */
	while (ct.p < ct.end && ret == 0) {
		if (pb_next(&ct, &f, &w, &s, &val))
			return -EINVAL;
		if (w != 2)
			continue;
		if (f == 2) {
			ret = sandbox ? pb_map_entry(s, &c->pod_labels, &c->n_pod_labels, true)
				      : pb_map_entry(s, &c->labels, &c->n_labels, false);
		} else if (f == 3 && !sandbox && !(c->image && c->image[0])) {
			char *img = pb_str(&s);

			if (!img)
				return -ENOMEM;
			free(c->image);
			c->image = img;
		}
	}
	return ret ? ret : 1;
}

struct body {
	uint8_t *buf;
	size_t len;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;
	uint8_t *grown;

	if (b->len + n > VG_META_MAX_FILE) {
		vg_ct_count_trunc(VG_CT_TRUNC_FILE);
		return 0; /* aborts the transfer */
	}
	grown = realloc(b->buf, b->len + n + 1);
	if (!grown)
		return 0;
	memcpy(grown + b->len, ptr, n);
	b->buf = grown;
	b->len += n;
	return n;
}

/* grpc-status comes as a trailer (or a header, for errors without a body) */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *arg)
{
	size_t n = size * nmemb;
	int *status = arg;

	if (n > 12 && strncasecmp(ptr, "grpc-status:", 12) == 0)
		*status = atoi(ptr + 12);
	return n;
}

/*
 * One unary gRPC call whose request is a message with a single string
 * field 1 (GetContainerRequest.id, GetImageRequest.name). On success *msg
 * (malloc'd) holds the answer's protobuf. 1 answered, 0 NOT_FOUND, -errno.
 */
static int grpc_call(const char *socket, const char *ns, const char *method, const char *arg,
		     long timeout_ms, uint8_t **msg, size_t *msg_len)
{
	size_t arglen = strlen(arg), reqlen, n = 0;
	struct curl_slist *hdrs = NULL, *more;
	struct body b = {0};
	char nshdr[160], url[160];
	uint8_t *req;
	long http = 0;
	int grpc_status = -1, ret;
	CURLcode rc;
	CURL *h;

	*msg = NULL;
	*msg_len = 0;
	if (arglen > 4096 || strlen(ns) > 128)
		return -EINVAL;
	/* frame: flag, big-endian length; then field 1 (wire type 2), varint length, bytes */
	req = malloc(5 + 1 + 10 + arglen);
	if (!req)
		return -ENOMEM;
	n = 5;
	req[n++] = 0x0a;
	for (size_t v = arglen;; v >>= 7) {
		req[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		if (v <= 0x7f)
			break;
	}
	memcpy(req + n, arg, arglen);
	n += arglen;
	reqlen = n - 5;
	req[0] = 0;
	req[1] = (uint8_t)(reqlen >> 24);
	req[2] = (uint8_t)(reqlen >> 16);
	req[3] = (uint8_t)(reqlen >> 8);
	req[4] = (uint8_t)reqlen;

	h = curl_easy_init();
	snprintf(nshdr, sizeof(nshdr), "containerd-namespace: %s", ns);
	snprintf(url, sizeof(url), "http://localhost/%s", method);
	hdrs = curl_slist_append(NULL, "content-type: application/grpc");
	more = hdrs ? curl_slist_append(hdrs, "te: trailers") : NULL;
	more = more ? curl_slist_append(hdrs, nshdr) : NULL;
	if (!h || !more) {
		curl_slist_free_all(hdrs);
		curl_easy_cleanup(h);
		free(req);
		return -ENOMEM;
	}
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, req);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)n);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &grpc_status);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	free(req);

	if (rc != CURLE_OK)
		ret = rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -ECONNREFUSED;
	else if (http != 200)
		ret = -EPROTO;
	else if (grpc_status == 5) /* NOT_FOUND */
		ret = 0;
	else if (grpc_status != 0 || b.len < 5 || b.buf[0] != 0)
		ret = -EPROTO;
	else {
		size_t mlen = ((size_t)b.buf[1] << 24) | ((size_t)b.buf[2] << 16) |
			      ((size_t)b.buf[3] << 8) | b.buf[4];

		if (mlen > b.len - 5) {
			ret = -EPROTO;
		} else {
			memmove(b.buf, b.buf + 5, mlen);
			*msg = b.buf;
			*msg_len = mlen;
			b.buf = NULL;
			ret = 1;
		}
	}
	free(b.buf);
	return ret;
}

int vg_containerd_decode_image(const uint8_t *msg, size_t len, struct vg_container *c)
{
	struct pb b = {msg, msg + len}, img = {0}, target = {0}, s;
	bool found = false, has_target = false;
	uint32_t f, w;
	uint64_t val;

	/* GetImageResponse { Image image = 1; } Image { name = 1; labels = 2; target = 3; } */
	while (b.p < b.end) {
		if (pb_next(&b, &f, &w, &s, &val))
			return -EINVAL;
		if (f == 1 && w == 2) {
			img = s;
			found = true;
		}
	}
	if (!found)
		return 0;
	while (img.p < img.end) {
		if (pb_next(&img, &f, &w, &s, &val))
			return -EINVAL;
		if (f == 3 && w == 2) {
			target = s;
			has_target = true;
		}
	}
	if (!has_target)
		return 0;
	/* Descriptor { media_type = 1; digest = 2; size = 3; } */
	while (target.p < target.end) {
		if (pb_next(&target, &f, &w, &s, &val))
			return -EINVAL;
		if (f == 2 && w == 2) {
			char *d = pb_str(&s);

			if (!d)
				return -ENOMEM;
			free(c->image_digest);
			c->image_digest = d;
			return 1;
		}
	}
	return 0;
}

int vg_containerd_api_get(const char *socket, const char *ns, const char *id, long timeout_ms,
			  struct vg_container *c, bool sandbox)
{
	uint8_t *msg;
	size_t len;
	int ret;

	ret = grpc_call(socket, ns, "containerd.services.containers.v1.Containers/Get", id,
			timeout_ms, &msg, &len);
	if (ret <= 0)
		return ret;
	ret = vg_containerd_decode_get(msg, len, c, sandbox);
	free(msg);
	return ret;
}

int vg_containerd_api_image(const char *socket, const char *ns, long timeout_ms,
			    struct vg_container *c)
{
	uint8_t *msg;
	size_t len;
	int ret;

	if (!c->image || !c->image[0] || (c->image_digest && c->image_digest[0]))
		return 0;
	ret = grpc_call(socket, ns, "containerd.services.images.v1.Images/Get", c->image,
			timeout_ms, &msg, &len);
	if (ret <= 0)
		return ret;
	ret = vg_containerd_decode_image(msg, len, c);
	free(msg);
	return ret;
}
