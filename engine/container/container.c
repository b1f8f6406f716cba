// SPDX-License-Identifier: Apache-2.0
/* struct vg_container: building, copying, freeing, measuring; JSON helpers. */
#include "container/container_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const type_names[] = {
	[VG_CT_HOST] = "host",
	[VG_CT_DOCKER] = "docker",
	[VG_CT_CONTAINERD] = "containerd",
	[VG_CT_CRI_CONTAINERD] = "cri-containerd",
	[VG_CT_CRIO] = "cri-o",
	[VG_CT_PODMAN] = "podman",
	[VG_CT_RUNC] = "runc",
	[VG_CT_UNKNOWN] = "unknown",
};

const char *vg_container_type_name(enum vg_container_type t)
{
	if ((unsigned)t >= sizeof(type_names) / sizeof(type_names[0]))
		return "unknown";
	return type_names[t];
}

static char host_str[] = "host";
static char empty_str[] = "";
static const struct vg_container host_container = {
	.id = "host",
	.full_id = host_str,
	.type = VG_CT_HOST,
	.name = host_str,
	.cgroup_path = empty_str,
	.metadata_found = true,
};

const struct vg_container *vg_container_host(void)
{
	return &host_container;
}

static _Atomic uint64_t truncations[VG_CT_TRUNC__MAX];
static const char *const trunc_names[VG_CT_TRUNC__MAX] = {
	[VG_CT_TRUNC_FILE] = "file",	 [VG_CT_TRUNC_STRING] = "string",
	[VG_CT_TRUNC_LABELS] = "labels", [VG_CT_TRUNC_MOUNTS] = "mounts",
	[VG_CT_TRUNC_BYTES] = "bytes",
};
_Static_assert(VG_CT_TRUNC__MAX == VG_CONTAINER_TRUNC_REASONS, "container.h's reason count");

void vg_ct_count_trunc(enum vg_ct_trunc reason)
{
	atomic_fetch_add_explicit(&truncations[reason], 1, memory_order_relaxed);
}

uint64_t vg_ct_truncated(unsigned reason)
{
	return reason < VG_CT_TRUNC__MAX
		       ? atomic_load_explicit(&truncations[reason], memory_order_relaxed)
		       : 0;
}

const char *vg_container_trunc_reason(unsigned reason)
{
	return reason < VG_CT_TRUNC__MAX ? trunc_names[reason] : "unknown";
}

char *vg_ct_strndup_capped(const char *src, size_t len)
{
	size_t n = strnlen(src, len < VG_META_MAX_STR + 1 ? len : VG_META_MAX_STR + 1);

	if (n <= VG_META_MAX_STR)
		return strndup(src, n);
	/* at a UTF-8 character boundary: the cut adds no invalid sequence of its own */
	n = VG_META_MAX_STR;
	while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
		n--;
	vg_ct_count_trunc(VG_CT_TRUNC_STRING);
	return strndup(src, n);
}

static char *capped_dup(const char *src)
{
	return vg_ct_strndup_capped(src, SIZE_MAX);
}

const char *vg_container_label(const struct vg_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

bool vg_is_safe_id(const char *id)
{
	size_t n = 0;

	if (!id || !id[0] || id[0] == '.')
		return false;
	for (; id[n]; n++) {
		char ch = id[n];

		if (n >= 128 ||
		    !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.' || ch == '+'))
			return false;
	}
	return true;
}

struct vg_container *vg_ct_new(void)
{
	struct vg_container *c = calloc(1, sizeof(struct vg_container));

	if (c) {
		c->cpu_shares = 1024;
		c->cpu_period = 100000;
	}
	return c;
}

uint32_t vg_cpuset_count(const char *list)
{
	uint32_t n = 0;
	const char *p = list;

	if (!list)
		return 0;
	while (*p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b;

		if (end == p)
			return 0;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				return 0;
		}
		if (b - a >= 65536)
			return 0;
		n += (uint32_t)(b - a + 1);
		if (*end == ',')
			end++;
		else if (*end && *end != '\n')
			return 0;
		else if (*end)
			break;
		p = end;
	}
	return n;
}

int64_t vg_json_int(json_object *obj, const char *key)
{
	json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_int64(v);
}

static void free_kv(struct vg_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void vg_ct_clear_mounts(struct vg_container *c)
{
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].source);
		free(c->mounts[i].dest);
		free(c->mounts[i].mode);
		free(c->mounts[i].propagation);
	}
	free(c->mounts);
	c->mounts = NULL;
	c->n_mounts = 0;
}

void vg_ct_free(struct vg_container *c)
{
	if (!c || c == &host_container)
		return;
	free(c->full_id);
	free(c->name);
	free(c->image);
	free(c->image_repository);
	free(c->image_tag);
	free(c->image_digest);
	free(c->image_id);
	free(c->user);
	free_kv(c->labels, c->n_labels);
	vg_ct_clear_mounts(c);
	free(c->pod_name);
	free(c->pod_namespace);
	free(c->pod_uid);
	free(c->pod_sandbox_id);
	free_kv(c->pod_labels, c->n_pod_labels);
	free(c->cgroup_path);
	free(c->metadata_path);
	free(c);
}

int vg_ct_set(char **dst, const char *src)
{
	char *copy = NULL;

	if (src) {
		copy = capped_dup(src);
		if (!copy)
			return -ENOMEM;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

int vg_ct_set_once(char **dst, const char *src)
{
	if (*dst && **dst)
		return 0;
	return vg_ct_set(dst, src);
}

int vg_ct_set_id(struct vg_container *c, const char *full_id)
{
	if (vg_ct_set(&c->full_id, full_id))
		return -ENOMEM;
	snprintf(c->id, sizeof(c->id), "%.12s", full_id);
	return 0;
}

int vg_ct_kv_put(struct vg_kv **arr, size_t *n, const char *key, const char *value)
{
	struct vg_kv *grown;
	char *k, *v;

	/* at the bound, O(1): a file of 100k labels must not cost 100k scans */
	if (*n >= VG_META_MAX_LABELS) {
		vg_ct_count_trunc(VG_CT_TRUNC_LABELS);
		return 0;
	}
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*arr)[i].key, key) == 0)
			return vg_ct_set(&(*arr)[i].value, value ? value : "");
	k = capped_dup(key);
	v = capped_dup(value ? value : "");
	grown = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!k || !v || !grown) {
		free(k);
		free(v);
		if (grown)
			*arr = grown;
		return -ENOMEM;
	}
	*arr = grown;
	grown[*n].key = k;
	grown[*n].value = v;
	(*n)++;
	return 0;
}

int vg_ct_add_mount(struct vg_container *c, const char *source, const char *dest, const char *mode,
		    const char *propagation, bool rw)
{
	struct vg_mount *grown, *m;

	if (c->n_mounts >= VG_META_MAX_MOUNTS) {
		vg_ct_count_trunc(VG_CT_TRUNC_MOUNTS);
		return 0;
	}
	grown = realloc(c->mounts, (c->n_mounts + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->mounts = grown;
	m = &grown[c->n_mounts];
	m->source = capped_dup(source ? source : "");
	m->dest = capped_dup(dest ? dest : "");
	m->mode = capped_dup(mode ? mode : "");
	m->propagation = capped_dup(propagation ? propagation : "");
	m->rw = rw;
	if (!m->source || !m->dest || !m->mode || !m->propagation) {
		free(m->source);
		free(m->dest);
		free(m->mode);
		free(m->propagation);
		return -ENOMEM;
	}
	c->n_mounts++;
	return 0;
}

static size_t msize(const void *p)
{
	return p ? malloc_usable_size((void *)p) : 0;
}

size_t vg_ct_memory(const struct vg_container *c)
{
	size_t sz;

	if (c == &host_container)
		return 0;
	sz = msize(c) + msize(c->full_id) + msize(c->name) + msize(c->image) +
	     msize(c->image_repository) + msize(c->image_tag) + msize(c->image_digest) +
	     msize(c->image_id) + msize(c->user) + msize(c->labels) + msize(c->mounts) +
	     msize(c->pod_name) + msize(c->pod_namespace) + msize(c->pod_uid) +
	     msize(c->pod_sandbox_id) + msize(c->pod_labels) + msize(c->cgroup_path) +
	     msize(c->metadata_path);
	for (size_t i = 0; i < c->n_labels; i++)
		sz += msize(c->labels[i].key) + msize(c->labels[i].value);
	for (size_t i = 0; i < c->n_pod_labels; i++)
		sz += msize(c->pod_labels[i].key) + msize(c->pod_labels[i].value);
	for (size_t i = 0; i < c->n_mounts; i++)
		sz += msize(c->mounts[i].source) + msize(c->mounts[i].dest) +
		      msize(c->mounts[i].mode) + msize(c->mounts[i].propagation);
	return sz;
}

static void drop_last_kv(struct vg_kv *kv, size_t *n)
{
	(*n)--;
	free(kv[*n].key);
	free(kv[*n].value);
}

static void drop_last_mount(struct vg_container *c)
{
	struct vg_mount *m = &c->mounts[--c->n_mounts];

	free(m->source);
	free(m->dest);
	free(m->mode);
	free(m->propagation);
}

/*
 * Keeps one container within VG_META_MAX_CT_BYTES: the per-string and
 * per-count caps alone still allow megabytes. The last added go first,
 * pod labels, labels and mounts in turn, each drop counted.
 */
static void fit_budget(struct vg_container *c)
{
	size_t mem = vg_ct_memory(c);

	while (mem > VG_META_MAX_CT_BYTES && (c->n_pod_labels || c->n_labels || c->n_mounts)) {
		if (c->n_pod_labels)
			drop_last_kv(c->pod_labels, &c->n_pod_labels);
		if (c->n_labels)
			drop_last_kv(c->labels, &c->n_labels);
		if (c->n_mounts)
			drop_last_mount(c);
		vg_ct_count_trunc(VG_CT_TRUNC_BYTES);
		mem = vg_ct_memory(c);
	}
}

int vg_ct_finish(struct vg_container *c)
{
	if (c->image && c->image[0] && !c->image_repository) {
		char *repo, *tag, *digest;

		if (vg_image_split(c->image, &repo, &tag, &digest))
			return -ENOMEM;
		c->image_repository = repo;
		/* a digest the runtime gave separately (CRI image ref) wins */
		if (!c->image_tag)
			c->image_tag = tag;
		else
			free(tag);
		if (!c->image_digest || !c->image_digest[0]) {
			free(c->image_digest);
			c->image_digest = digest;
		} else {
			free(digest);
		}
	}
	fit_budget(c);
	c->memory_bytes = vg_ct_memory(c);
	return 0;
}

static int dup_kv(struct vg_kv **dst, size_t *dn, const struct vg_kv *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (vg_ct_kv_put(dst, dn, src[i].key, src[i].value))
			return -ENOMEM;
	return 0;
}

struct vg_container *vg_ct_dup(const struct vg_container *c)
{
	struct vg_container *d = vg_ct_new();
	int err = 0;

	if (!d)
		return NULL;
	memcpy(d->id, c->id, sizeof(d->id));
	d->type = c->type;
	d->privileged = c->privileged;
	d->host_pid = c->host_pid;
	d->host_network = c->host_network;
	d->host_ipc = c->host_ipc;
	d->start_ts = c->start_ts;
	d->cpu_shares = c->cpu_shares;
	d->cpu_quota = c->cpu_quota;
	d->cpu_period = c->cpu_period;
	d->memory_limit = c->memory_limit;
	d->swap_limit = c->swap_limit;
	d->cpuset_cpu_count = c->cpuset_cpu_count;
	d->is_pod_sandbox = c->is_pod_sandbox;
	d->incomplete = c->incomplete;
	d->metadata_found = c->metadata_found;
	err |= vg_ct_set(&d->full_id, c->full_id);
	err |= vg_ct_set(&d->name, c->name);
	err |= vg_ct_set(&d->image, c->image);
	err |= vg_ct_set(&d->image_repository, c->image_repository);
	err |= vg_ct_set(&d->image_tag, c->image_tag);
	err |= vg_ct_set(&d->image_digest, c->image_digest);
	err |= vg_ct_set(&d->image_id, c->image_id);
	err |= vg_ct_set(&d->user, c->user);
	err |= vg_ct_set(&d->pod_name, c->pod_name);
	err |= vg_ct_set(&d->pod_namespace, c->pod_namespace);
	err |= vg_ct_set(&d->pod_uid, c->pod_uid);
	err |= vg_ct_set(&d->pod_sandbox_id, c->pod_sandbox_id);
	err |= vg_ct_set(&d->cgroup_path, c->cgroup_path);
	err |= vg_ct_set(&d->metadata_path, c->metadata_path);
	err |= dup_kv(&d->labels, &d->n_labels, c->labels, c->n_labels);
	err |= dup_kv(&d->pod_labels, &d->n_pod_labels, c->pod_labels, c->n_pod_labels);
	for (size_t i = 0; !err && i < c->n_mounts; i++)
		err |= vg_ct_add_mount(d, c->mounts[i].source, c->mounts[i].dest, c->mounts[i].mode,
				       c->mounts[i].propagation, c->mounts[i].rw);
	if (err) {
		vg_ct_free(d);
		return NULL;
	}
	d->memory_bytes = vg_ct_memory(d);
	return d;
}

const char *vg_json_str(json_object *obj, const char *key)
{
	json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

json_object *vg_json_obj(json_object *obj, const char *key)
{
	json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

json_object *vg_json_arr(json_object *obj, const char *key)
{
	json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

int vg_json_bool(json_object *obj, const char *key, bool *out)
{
	json_object *v;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_boolean))
		return 0;
	*out = json_object_get_boolean(v);
	return 1;
}

json_object *vg_json_parse(const char *text, size_t len)
{
	struct json_tokener *tok;
	json_object *obj;

	if (!text || len > INT32_MAX) {
		errno = EINVAL;
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		errno = ENOMEM;
		return NULL;
	}
	obj = json_tokener_parse_ex(tok, text, (int)len);
	/* a truncated document leaves the tokener wanting more: that is malformed */
	if (!obj || json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(obj);
		obj = NULL;
		errno = EINVAL;
	}
	json_tokener_free(tok);
	return obj;
}

json_object *vg_json_file(const char *path)
{
	json_object *obj;
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if ((size_t)st.st_size > VG_META_MAX_FILE) {
		close(fd);
		vg_ct_count_trunc(VG_CT_TRUNC_FILE);
		errno = EFBIG;
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	obj = vg_json_parse(buf, got);
	free(buf);
	return obj;
}

void vg_json_cache_free(struct vg_json_cache *jc)
{
	if (!jc)
		return;
	json_object_put(jc->doc);
	memset(jc, 0, sizeof(*jc));
}

json_object *vg_json_cached(const char *path, struct vg_json_cache *jc, bool *owned)
{
	struct stat st;
	json_object *doc;
	int64_t mtime;

	*owned = false;
	if (stat(path, &st) != 0)
		return NULL;
	mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if (jc && jc->doc && jc->dev == (uint64_t)st.st_dev && jc->ino == (uint64_t)st.st_ino &&
	    jc->size == (uint64_t)st.st_size && jc->mtime_ns == mtime)
		return jc->doc;
	doc = vg_json_file(path);
	if (!doc || !jc) {
		*owned = doc != NULL;
		return doc;
	}
	vg_json_cache_free(jc);
	jc->doc = doc;
	jc->dev = (uint64_t)st.st_dev;
	jc->ino = (uint64_t)st.st_ino;
	jc->size = (uint64_t)st.st_size;
	jc->mtime_ns = mtime;
	return doc;
}

uint64_t vg_parse_rfc3339(const char *s)
{
	struct tm tm = {0};
	const char *p;
	uint64_t frac = 0, scale = 1000000000ull;
	long off = 0;
	time_t t;

	if (!s)
		return 0;
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return 0;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
			p++;
		}
	}
	if (*p == '+' || *p == '-') {
		int hh, mm;

		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return 0;
		off = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
	} else if (*p != 'Z' && *p != 'z') {
		return 0;
	}
	t = timegm(&tm);
	if (t == (time_t)-1 || t - off < 0)
		return 0;
	return (uint64_t)(t - off) * 1000000000ull + frac;
}
