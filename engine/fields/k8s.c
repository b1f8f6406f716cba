// SPDX-License-Identifier: Apache-2.0
/*
 * k8s.* fields, as the container plugin names them: the pod of the
 * event's container (ctx->container). Objects other than pods and
 * namespaces (services, deployments, ...) would need the API server and are
 * registered for compatibility only.
 */
#include <string.h>

#include "container/container.h"
#include "fields/fields_util.h"

void vg_fx_put_label(const struct vg_kv *kv, size_t n, const char *key, struct vg_xval *out);
void vg_fx_put_labels(struct vg_fenv *env, const struct vg_kv *kv, size_t n, struct vg_xval *out);

#define X(fn)                                                                                      \
	static void fn(const struct vg_field_ref *ref, const struct vg_eval_ctx *ctx,              \
		       struct vg_fenv *env, struct vg_xval *out)

/* The container when it belongs to a pod. */
static const struct vg_container *pod(const struct vg_eval_ctx *ctx)
{
	const struct vg_container *c = ctx->container;

	return c && c->pod_name ? c : NULL;
}

X(x_str)
{
	const struct vg_container *c = pod(ctx);
	const char *n = ref->def->name + 4; /* after "k8s." */
	const char *v = NULL;

	if (!c)
		return;
	if (strcmp(n, "pod.name") == 0)
		v = c->pod_name;
	else if (strcmp(n, "ns.name") == 0)
		v = c->pod_namespace;
	else if (strcmp(n, "pod.uid") == 0 || strcmp(n, "pod.id") == 0)
		v = c->pod_uid;
	else if (strcmp(n, "pod.full_sandbox_id") == 0)
		v = c->pod_sandbox_id;
	else if (strcmp(n, "pod.sandbox_id") == 0 && c->pod_sandbox_id) {
		/* the first 12 characters, like container.id */
		const char *s = vg_scratch_copy(&env->scratch, c->pod_sandbox_id,
						strnlen(c->pod_sandbox_id, 12));

		v = s;
	}
	vg_xval_cstr(out, v);
}

X(x_label)
{
	const struct vg_container *c = pod(ctx);

	(void)env;
	if (c)
		vg_fx_put_label(c->pod_labels, c->n_pod_labels, ref->arg, out);
}

X(x_labels)
{
	const struct vg_container *c = pod(ctx);

	(void)ref;
	if (c)
		vg_fx_put_labels(env, c->pod_labels, c->n_pod_labels, out);
}

#define L VG_FF_LIVE

static const struct vg_field_def defs[] = {
	VG_FIELD("k8s.pod.name", STRING, NONE, L, "Pod name", x_str),
	VG_FIELD("k8s.pod.id", STRING, NONE, L, "Pod UID (legacy name of k8s.pod.uid)", x_str),
	VG_FIELD("k8s.pod.uid", STRING, NONE, L, "Pod UID", x_str),
	VG_FIELD("k8s.pod.sandbox_id", STRING, NONE, L, "Pod sandbox id (12 characters)", x_str),
	VG_FIELD("k8s.pod.full_sandbox_id", STRING, NONE, L, "Pod sandbox id", x_str),
	VG_FIELD("k8s.pod.label", STRING, KEY, L, "A pod label, by key", x_label),
	VG_FIELD("k8s.pod.labels", STRING, NONE, L, "All pod labels, key:value, ...", x_labels),
	VG_FIELD_NL("k8s.pod.ip", STRING, NONE, "Pod IP address"),
	VG_FIELD_NL("k8s.pod.cni.json", STRING, NONE, "Pod CNI result as JSON"),
	VG_FIELD("k8s.ns.name", STRING, NONE, L, "Namespace of the pod", x_str),
	VG_FIELD_NL("k8s.ns.id", STRING, NONE, "Namespace id"),
	VG_FIELD_NL("k8s.ns.label", STRING, KEY, "A namespace label"),
	VG_FIELD_NL("k8s.ns.labels", STRING, NONE, "All namespace labels"),
	VG_FIELD_NL("k8s.rc.name", STRING, NONE, "Replication controller name"),
	VG_FIELD_NL("k8s.rs.name", STRING, NONE, "Replica set name"),
	VG_FIELD_NL("k8s.svc.name", STRING, NONE, "Service name"),
	VG_FIELD_NL("k8s.deployment.name", STRING, NONE, "Deployment name"),
};

const struct vg_field_class vg_fields_k8s = {
	"k8s",
	"Kubernetes fields (k8s.*), from the pod of the event's container",
	defs,
	VG_FIELDS_COUNT(defs),
};
