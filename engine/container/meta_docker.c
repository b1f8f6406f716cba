// SPDX-License-Identifier: Apache-2.0
/*
 * Docker: the daemon writes <root>/containers/<id>/config.v2.json (name,
 * image, labels, mounts, start time) and hostconfig.json (privileged,
 * namespace modes) before the container starts, so a read of two small
 * files answers at the first exec. When they cannot be read (another
 * data-root, a remote daemon's files, a rootless daemon) the Engine API
 * answers GET /containers/<id>/json with the same facts; the manager asks
 * it from its worker thread, never from the event path.
 *
 * Why libcurl: the module speaks HTTP/1.1 to Docker and HTTP/2 (gRPC) to
 * containerd, both over unix sockets (CURLOPT_UNIX_SOCKET_PATH). libcurl
 * (Debian's libcurl4-openssl-dev, built with nghttp2) already gets chunked
 * bodies, HTTP/2 framing and flow control, trailers (gRPC's status) and
 * connect/transfer timeouts right; a hand-written client would have to
 * redo all of that, and a gRPC runtime would bring C++ and protobuf along.
 */
#include "container/container_internal.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Kubernetes through dockershim labels the containers with the pod */
static int pod_from_labels(struct vg_container *c)
{
	const char *t = vg_container_label(c->labels, c->n_labels, "io.kubernetes.docker.type");
	int err = 0;

	if (!vg_container_label(c->labels, c->n_labels, "io.kubernetes.pod.name"))
		return 0;
	c->is_pod_sandbox = t && strcmp(t, "podsandbox") == 0;
	err |= vg_ct_set_once(&c->pod_name,
			      vg_container_label(c->labels, c->n_labels, "io.kubernetes.pod.name"));
	err |= vg_ct_set_once(&c->pod_namespace, vg_container_label(c->labels, c->n_labels,
								    "io.kubernetes.pod.namespace"));
	err |= vg_ct_set_once(&c->pod_uid,
			      vg_container_label(c->labels, c->n_labels, "io.kubernetes.pod.uid"));
	err |= vg_ct_set_once(&c->pod_sandbox_id,
			      c->is_pod_sandbox ? c->full_id
						: vg_container_label(c->labels, c->n_labels,
								     "io.kubernetes.sandbox.id"));
	return err ? -ENOMEM : 0;
}

static int parse_hostconfig(json_object *hc, struct vg_container *c)
{
	const char *mode;

	if (!hc)
		return 0;
	vg_json_bool(hc, "Privileged", &c->privileged);
	mode = vg_json_str(hc, "NetworkMode");
	c->host_network = mode && strcmp(mode, "host") == 0;
	mode = vg_json_str(hc, "PidMode");
	c->host_pid = mode && strcmp(mode, "host") == 0;
	mode = vg_json_str(hc, "IpcMode");
	c->host_ipc = mode && strcmp(mode, "host") == 0;
	/* 0 means "unset" in Docker's HostConfig: Falco's defaults stay then */
	if (vg_json_int(hc, "CpuShares") > 0)
		c->cpu_shares = vg_json_int(hc, "CpuShares");
	if (vg_json_int(hc, "CpuPeriod") > 0)
		c->cpu_period = vg_json_int(hc, "CpuPeriod");
	c->cpu_quota = vg_json_int(hc, "CpuQuota");
	c->memory_limit = vg_json_int(hc, "Memory");
	c->swap_limit = vg_json_int(hc, "MemorySwap");
	c->cpuset_cpu_count = vg_cpuset_count(vg_json_str(hc, "CpusetCpus"));
	return 0;
}

static int add_docker_mount(struct vg_container *c, json_object *m)
{
	const char *mode = vg_json_str(m, "Mode");
	bool rw = true;

	if (!json_object_is_type(m, json_type_object))
		return 0;
	if (!mode)
		mode = vg_json_str(m, "Relabel");
	vg_json_bool(m, "RW", &rw);
	return vg_ct_add_mount(c, vg_json_str(m, "Source"), vg_json_str(m, "Destination"), mode,
			       vg_json_str(m, "Propagation"), rw);
}

/* config.v2.json and the API's inspect answer share these keys */
static int parse_common(json_object *root, struct vg_container *c)
{
	json_object *config = vg_json_obj(root, "Config"), *labels, *state;
	const char *name = vg_json_str(root, "Name"), *img = vg_json_str(root, "Image");
	int err = 0;

	if (!json_object_is_type(root, json_type_object))
		return -EINVAL;
	if (name && name[0] == '/')
		name++;
	err |= vg_ct_set(&c->name, name);
	err |= vg_ct_set(&c->image, vg_json_str(config, "Image"));
	if (img)
		err |= vg_ct_set(&c->image_id, strncmp(img, "sha256:", 7) == 0 ? img + 7 : img);
	err |= vg_ct_set(&c->user, vg_json_str(config, "User"));
	labels = vg_json_obj(config, "Labels");
	if (labels) {
		json_object_object_foreach(labels, k, v)
		{
			if (json_object_is_type(v, json_type_string))
				err |= vg_ct_kv_put(&c->labels, &c->n_labels, k,
						    json_object_get_string(v));
		}
	}
	state = vg_json_obj(root, "State");
	c->start_ts = vg_parse_rfc3339(vg_json_str(state, "StartedAt"));
	if (!c->start_ts)
		c->start_ts = vg_parse_rfc3339(vg_json_str(root, "Created"));
	if (err)
		return -ENOMEM;
	return pod_from_labels(c);
}

int vg_meta_docker_parse(const char *config_v2, const char *hostconfig, struct vg_container *c)
{
	json_object *root = vg_json_parse(config_v2, config_v2 ? strlen(config_v2) : 0);
	json_object *hc = NULL, *mps;
	int ret;

	if (!root)
		return -EINVAL;
	ret = parse_common(root, c);
	mps = vg_json_obj(root, "MountPoints");
	if (!ret && mps) {
		vg_ct_clear_mounts(c);
		json_object_object_foreach(mps, k, m)
		{
			(void)k;
			if (add_docker_mount(c, m)) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	if (!ret && hostconfig) {
		hc = vg_json_parse(hostconfig, strlen(hostconfig));
		/* config.v2.json answered already: a bad hostconfig costs only its fields */
		if (!hc || !json_object_is_type(hc, json_type_object))
			ret = -EINVAL;
		else
			parse_hostconfig(hc, c);
	}
	json_object_put(hc);
	json_object_put(root);
	return ret ? ret : 1;
}

int vg_meta_docker_inspect(const char *json, size_t len, struct vg_container *c)
{
	json_object *root = vg_json_parse(json, len), *mounts;
	int ret;

	if (!root)
		return -EINVAL;
	ret = parse_common(root, c);
	if (!ret)
		parse_hostconfig(vg_json_obj(root, "HostConfig"), c);
	mounts = vg_json_arr(root, "Mounts");
	if (!ret && mounts) {
		vg_ct_clear_mounts(c);
		for (size_t i = 0; i < json_object_array_length(mounts); i++)
			if (add_docker_mount(c, json_object_array_get_idx(mounts, i))) {
				ret = -ENOMEM;
				break;
			}
	}
	json_object_put(root);
	return ret ? ret : 1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	long sz;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 && (size_t)sz <= VG_META_MAX_FILE &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)sz + 1);
		if (buf) {
			len = fread(buf, 1, (size_t)sz, f);
			buf[len] = '\0';
		}
	} else {
		vg_ct_count_trunc(VG_CT_TRUNC_FILE);
		errno = EFBIG;
	}
	fclose(f);
	return buf;
}

int vg_meta_docker_image_digest(json_object *repos, struct vg_container *c)
{
	json_object *byrepo;
	char *repo, *tag, *digest, want[80];
	int ret = 0;

	if (!c->image || !c->image_id || c->image_digest)
		return 0;
	/* {"Repositories": {"<repo>": {"<repo>:<tag>": "sha256:<id>", "<repo>@sha256:<d>": ...}}}
	 */
	if (vg_image_split(c->image, &repo, &tag, &digest))
		return -ENOMEM;
	byrepo = vg_json_obj(vg_json_obj(repos, "Repositories"), repo);
	snprintf(want, sizeof(want), "sha256:%s", c->image_id);
	if (digest[0]) {
		ret = vg_ct_set(&c->image_digest, digest); /* the user named it */
	} else if (byrepo) {
		size_t rl = strlen(repo);

		json_object_object_foreach(byrepo, ref, id)
		{
			if (strncmp(ref, repo, rl) == 0 && ref[rl] == '@' &&
			    json_object_is_type(id, json_type_string) &&
			    strcmp(json_object_get_string(id), want) == 0) {
				ret = vg_ct_set(&c->image_digest, ref + rl + 1);
				break;
			}
		}
	}
	free(repo);
	free(tag);
	free(digest);
	return ret;
}

/* the repositories.json of whichever storage driver the daemon uses */
static void repos_path(const char *root, char *out, size_t cap)
{
	char dir[PATH_MAX];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/image", root);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		if (snprintf(out, cap, "%s/%s/repositories.json", dir, d->d_name) < (int)cap &&
		    access(out, F_OK) == 0)
			break;
	}
	closedir(dp);
}

int vg_meta_docker_files(const char *root, const char *id, struct vg_container *c,
			 struct vg_json_cache *repos)
{
	char path[PATH_MAX], hpath[PATH_MAX];
	char *cfg, *hc;
	json_object *doc;
	bool owned;
	int ret;

	snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", root, id);
	snprintf(hpath, sizeof(hpath), "%s/containers/%s/hostconfig.json", root, id);
	cfg = slurp(path);
	if (!cfg)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	hc = slurp(hpath);
	ret = vg_meta_docker_parse(cfg, hc, c);
	free(cfg);
	free(hc);
	if (ret > 0 && vg_ct_set(&c->metadata_path, path))
		ret = -ENOMEM;
	if (ret <= 0 || !c->image_id)
		return ret;
	/*
	 * Repository digests (only images pulled from a registry have one), in
	 * <root>/image/<storage driver>/repositories.json: overlay2 nearly always.
	 */
	snprintf(hpath, sizeof(hpath), "%s/image/overlay2/repositories.json", root);
	if (access(hpath, F_OK) != 0)
		repos_path(root, hpath, sizeof(hpath));
	doc = vg_json_cached(hpath, repos, &owned);
	if (doc) {
		if (vg_meta_docker_image_digest(doc, c))
			ret = -ENOMEM;
		if (owned)
			json_object_put(doc);
	}
	return ret;
}

struct body {
	char *buf;
	size_t len;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;
	char *grown;

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
	b->buf[b->len] = '\0';
	return n;
}

/* GET /containers/<id>/json on an Engine-API socket: 1 and *body, 0 (404) or -errno */
static int inspect_get(const char *socket, const char *id, long timeout_ms, struct body *b)
{
	char url[512];
	long status = 0;
	CURLcode rc;
	CURL *h;

	if (!vg_is_safe_id(id))
		return -EINVAL;
	snprintf(url, sizeof(url), "http://localhost/containers/%s/json", id);
	h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* we run in a worker thread */
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK)
		return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -ECONNREFUSED;
	if (status == 404)
		return 0;
	return status == 200 ? 1 : -EPROTO;
}

int vg_docker_api_inspect(const char *socket, const char *id, long timeout_ms,
			  struct vg_container *c)
{
	struct body b = {0};
	int ret = inspect_get(socket, id, timeout_ms, &b);

	if (ret > 0)
		ret = vg_meta_docker_inspect(b.buf, b.len, c);
	free(b.buf);
	return ret;
}

int vg_meta_podman_inspect_labels(const char *json, size_t len, struct vg_container *c)
{
	json_object *root = vg_json_parse(json, len), *labels;
	int ret = 1;

	if (!root)
		return -EINVAL;
	labels = vg_json_obj(vg_json_obj(root, "Config"), "Labels");
	if (labels) {
		json_object_object_foreach(labels, k, v)
		{
			if (json_object_is_type(v, json_type_string) &&
			    vg_ct_kv_put(&c->labels, &c->n_labels, k, json_object_get_string(v))) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	json_object_put(root);
	return ret;
}

int vg_podman_api_labels(const char *socket, const char *id, long timeout_ms,
			 struct vg_container *c)
{
	struct body b = {0};
	int ret = inspect_get(socket, id, timeout_ms, &b);

	if (ret > 0)
		ret = vg_meta_podman_inspect_labels(b.buf, b.len, c);
	free(b.buf);
	return ret;
}
