// SPDX-License-Identifier: Apache-2.0
/*
 * container.* fields, as Falco's container plugin names them; vigil
 * provides them itself from the container module (engine/container), whose
 * answer for the event's cgroup the caller puts in ctx->container. Host
 * processes get the "host" container. Only the struct is read here, so the
 * rules library does not depend on the container library.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "container/container.h"
#include "fields/fields_util.h"

#define X(fn)                                                                                      \
	static void fn(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,              \
		       struct vg_fenv *env, struct vg_xval *out)

/* The container when it is known and its metadata is not still on its way. */
static const struct vg_container *cont(const struct vg_eval_ctx *ctx)
{
	return ctx->container;
}

static const char *type_name(enum vg_container_type t)
{
	static const char *const names[] = {"host",  "docker", "containerd", "cri-containerd",
					    "cri-o", "podman", "runc",	     "unknown"};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* String members, by field name. */
X(x_str)
{
	const struct vg_container *c = cont(ctx);
	const char *n = ref->def->name + 10; /* after "container." */
	const char *v = NULL;

	(void)env;
	if (!c)
		return;
	if (strcmp(n, "id") == 0)
		v = c->id;
	else if (strcmp(n, "full_id") == 0)
		v = c->full_id;
	else if (strcmp(n, "name") == 0)
		v = c->name;
	else if (strcmp(n, "image") == 0)
		v = c->image;
	else if (strcmp(n, "image.id") == 0)
		v = c->image_id;
	else if (strcmp(n, "image.repository") == 0)
		v = c->image_repository;
	else if (strcmp(n, "image.tag") == 0)
		v = c->image_tag;
	else if (strcmp(n, "image.digest") == 0)
		v = c->image_digest;
	else if (strcmp(n, "user") == 0)
		v = c->user;
	else if (strcmp(n, "type") == 0)
		v = type_name(c->type);
	vg_xval_cstr(out, v);
}

X(x_bool)
{
	const struct vg_container *c = cont(ctx);
	const char *n = ref->def->name + 10;

	(void)env;
	if (!c || c->type == VG_CT_HOST || !c->metadata_found)
		return;
	if (strcmp(n, "privileged") == 0)
		vg_xval_bool(out, c->privileged);
	else if (strcmp(n, "host_pid") == 0)
		vg_xval_bool(out, c->host_pid);
	else if (strcmp(n, "host_network") == 0)
		vg_xval_bool(out, c->host_network);
	else if (strcmp(n, "host_ipc") == 0)
		vg_xval_bool(out, c->host_ipc);
}

X(x_start_ts)
{
	const struct vg_container *c = cont(ctx);

	(void)ref;
	(void)env;
	if (c && c->start_ts)
		vg_xval_u64(out, c->start_ts);
}

X(x_duration)
{
	const struct vg_container *c = cont(ctx);

	(void)ref;
	(void)env;
	if (c && c->start_ts && ctx->ev && ctx->ev->wall_ns > c->start_ts)
		vg_xval_u64(out, ctx->ev->wall_ns - c->start_ts);
}

/* "source:dest:mode:rdwr:propagation", as Falco prints a mount. */
static const char *mount_text(struct vg_fenv *env, const struct vg_mount *m, size_t *len)
{
	size_t n = strlen(m->source ? m->source : "") + strlen(m->dest ? m->dest : "") +
		   strlen(m->mode ? m->mode : "") + strlen(m->propagation ? m->propagation : "") +
		   16;
	char *buf = vg_scratch_alloc(&env->scratch, n);

	if (!buf)
		return NULL;
	*len = (size_t)snprintf(buf, n + 1, "%s:%s:%s:%s:%s", m->source ? m->source : "",
				m->dest ? m->dest : "", m->mode ? m->mode : "",
				m->rw ? "true" : "false", m->propagation ? m->propagation : "");
	return buf;
}

X(x_mounts)
{
	const struct vg_container *c = cont(ctx);
	const char *acc = "", *t;
	size_t alen = 0, tl;
	char *s;

	(void)ref;
	if (!c || !c->metadata_found)
		return;
	for (size_t i = 0; i < c->n_mounts; i++) {
		t = mount_text(env, &c->mounts[i], &tl);
		if (!t || !(s = vg_scratch_alloc(&env->scratch, alen + tl + 1)))
			return;
		memcpy(s, acc, alen);
		if (alen)
			s[alen++] = ',';
		memcpy(s + alen, t, tl);
		alen += tl;
		s[alen] = '\0';
		acc = s;
	}
	vg_xval_str(out, acc, alen);
}

/*
 * container.mount[...] and friends select a mount by index or by path
 * (a glob): mount.source[] by the mount's destination, the others by its
 * source, as libsinsp documents them.
 */
static const struct vg_mount *find_mount(const struct vg_container *c,
					 const struct vg_field_ref *ref, bool by_source)
{
	if (ref->index >= 0)
		return (size_t)ref->index < c->n_mounts ? &c->mounts[ref->index] : NULL;
	for (size_t i = 0; i < c->n_mounts; i++) {
		const char *key = by_source ? c->mounts[i].source : c->mounts[i].dest;

		if (key && fnmatch(ref->arg, key, 0) == 0)
			return &c->mounts[i];
	}
	return NULL;
}

X(x_mount)
{
	const struct vg_container *c = cont(ctx);
	const char *n = ref->def->name;
	const struct vg_mount *m;
	size_t len;
	const char *t;

	if (!c || !ref->arg)
		return;
	if (strcmp(n, "container.mount") == 0) {
		m = find_mount(c, ref, true);
		if (m && (t = mount_text(env, m, &len)))
			vg_xval_str(out, t, len);
		return;
	}
	m = find_mount(c, ref, strcmp(n, "container.mount.source") != 0);
	if (!m)
		return;
	if (strcmp(n, "container.mount.dest") == 0)
		vg_xval_cstr(out, m->dest);
	else if (strcmp(n, "container.mount.source") == 0)
		vg_xval_cstr(out, m->source);
	else if (strcmp(n, "container.mount.mode") == 0)
		vg_xval_cstr(out, m->mode);
	else if (strcmp(n, "container.mount.rdwr") == 0)
		vg_xval_cstr(out, m->rw ? "true" : "false");
	else if (strcmp(n, "container.mount.propagation") == 0)
		vg_xval_cstr(out, m->propagation);
}

/* Shared with k8s.c: a label by key, and all labels as "k:v, k:v". */
void vg_fx_put_label(const struct vg_kv *kv, size_t n, const char *key, struct vg_xval *out);
void vg_fx_put_labels(struct vg_fenv *env, const struct vg_kv *kv, size_t n, struct vg_xval *out);

void vg_fx_put_label(const struct vg_kv *kv, size_t n, const char *key, struct vg_xval *out)
{
	for (size_t i = 0; key && i < n; i++)
		if (kv[i].key && strcmp(kv[i].key, key) == 0) {
			vg_xval_cstr(out, kv[i].value ? kv[i].value : "");
			return;
		}
}

void vg_fx_put_labels(struct vg_fenv *env, const struct vg_kv *kv, size_t n, struct vg_xval *out)
{
	size_t len = 0, off = 0;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(kv[i].key ? kv[i].key : "") + strlen(kv[i].value ? kv[i].value : "") +
		       3;
	s = vg_scratch_alloc(&env->scratch, len);
	if (!s)
		return;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, len + 1 - off, "%s%s:%s", i ? ", " : "",
					kv[i].key ? kv[i].key : "", kv[i].value ? kv[i].value : "");
	vg_xval_str(out, s, off);
}

X(x_label)
{
	const struct vg_container *c = cont(ctx);

	(void)env;
	if (c)
		vg_fx_put_label(c->labels, c->n_labels, ref->arg, out);
}

X(x_labels)
{
	const struct vg_container *c = cont(ctx);

	(void)ref;
	if (c && c->metadata_found)
		vg_fx_put_labels(env, c->labels, c->n_labels, out);
}

#define L VG_FF_LIVE

static const struct vg_field_def defs[] = {
	VG_FIELD("container.id", STRING, NONE, L, "Container id (12 characters), or host", x_str),
	VG_FIELD("container.full_id", STRING, NONE, L, "Full container id, or host", x_str),
	VG_FIELD("container.name", STRING, NONE, L, "Container name, or host", x_str),
	VG_FIELD("container.image", STRING, NONE, L, "Image, e.g. docker.io/library/nginx:1.25",
		 x_str),
	VG_FIELD("container.image.id", STRING, NONE, L, "Image id", x_str),
	VG_FIELD("container.type", STRING, NONE, L,
		 "Runtime: host, docker, containerd, cri-containerd, cri-o, podman, runc", x_str),
	VG_FIELD("container.privileged", BOOL, NONE, L, "The container is privileged", x_bool),
	VG_FIELD("container.mounts", STRING, NONE, L,
		 "All mounts, each source:dest:mode:rdwr:propagation, comma-separated", x_mounts),
	VG_FIELD("container.mount", STRING, IDX_OR_KEY, L,
		 "A mount, by index or source path (glob)", x_mount),
	VG_FIELD("container.mount.source", STRING, IDX_OR_KEY, L,
		 "Source of a mount, by index or destination path (glob)", x_mount),
	VG_FIELD("container.mount.dest", STRING, IDX_OR_KEY, L,
		 "Destination of a mount, by index or source path (glob)", x_mount),
	VG_FIELD("container.mount.mode", STRING, IDX_OR_KEY, L,
		 "Mode of a mount, by index or source", x_mount),
	VG_FIELD("container.mount.rdwr", STRING, IDX_OR_KEY, L,
		 "true when a mount is writable, by index or source", x_mount),
	VG_FIELD("container.mount.propagation", STRING, IDX_OR_KEY, L,
		 "Propagation of a mount, by index or source", x_mount),
	VG_FIELD("container.image.repository", STRING, NONE, L, "Image repository", x_str),
	VG_FIELD("container.image.tag", STRING, NONE, L, "Image tag", x_str),
	VG_FIELD("container.image.digest", STRING, NONE, L, "Image digest", x_str),
	VG_FIELD_NL("container.healthcheck", STRING, NONE, "Health check command"),
	VG_FIELD_NL("container.liveness_probe", STRING, NONE, "Liveness probe command"),
	VG_FIELD_NL("container.readiness_probe", STRING, NONE, "Readiness probe command"),
	VG_FIELD("container.start_ts", ABSTIME, NONE, L, "Container start time (epoch ns)",
		 x_start_ts),
	VG_FIELD("container.duration", RELTIME, NONE, L, "Time since the container started",
		 x_duration),
	VG_FIELD_NL("container.ip", STRING, NONE, "Primary IP address of the container"),
	VG_FIELD_NL("container.cni.json", STRING, NONE, "CNI result as JSON"),
	VG_FIELD("container.host_pid", BOOL, NONE, L, "Shares the host's pid namespace", x_bool),
	VG_FIELD("container.host_network", BOOL, NONE, L, "Shares the host's network namespace",
		 x_bool),
	VG_FIELD("container.host_ipc", BOOL, NONE, L, "Shares the host's IPC namespace", x_bool),
	VG_FIELD("container.label", STRING, KEY, L, "A container label, by key", x_label),
	VG_FIELD("container.labels", STRING, NONE, L, "All container labels, key:value, ...",
		 x_labels),
	VG_FIELD("container.user", STRING, NONE, L, "User the container runs as", x_str),
	VG_FIELD_NL("container.cpu.shares", U64, NONE, "CPU shares"),
	VG_FIELD_NL("container.cpu.quota", U64, NONE, "CPU quota"),
	VG_FIELD_NL("container.cpu.period", U64, NONE, "CPU period"),
	VG_FIELD_NL("container.cpuset.cpu_count", U64, NONE, "Number of CPUs in the cpuset"),
	VG_FIELD_NL("container.memory.limit", U64, NONE, "Memory limit"),
	VG_FIELD_NL("container.swap.limit", U64, NONE, "Swap limit"),
	VG_FIELD_NL("container.info", STRING, NONE, "Deprecated: expands to nothing in outputs"),
};

const struct vg_field_class vg_fields_container = {
	"container",
	"Container fields (container.*), from vigil's container module",
	defs,
	VG_FIELDS_COUNT(defs),
};
