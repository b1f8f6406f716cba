// SPDX-License-Identifier: Apache-2.0
/*
 * k8s.* fields, as the container plugin names them. Not wired in yet:
 * registered with their types, extract missing.
 */
#include "fields/fields_util.h"

static const struct vg_field_def defs[] = {
	VG_FIELD_NL("k8s.pod.name", STRING, NONE, "Pod name"),
	VG_FIELD_NL("k8s.pod.id", STRING, NONE, "Pod UID (legacy name)"),
	VG_FIELD_NL("k8s.pod.uid", STRING, NONE, "Pod UID"),
	VG_FIELD_NL("k8s.pod.sandbox_id", STRING, NONE, "Pod sandbox id (12 chars)"),
	VG_FIELD_NL("k8s.pod.full_sandbox_id", STRING, NONE, "Pod sandbox id"),
	VG_FIELD_NL("k8s.pod.label", STRING, KEY, "A pod label"),
	VG_FIELD_NL("k8s.pod.labels", STRING, NONE, "All pod labels"),
	VG_FIELD_NL("k8s.pod.ip", STRING, NONE, "Pod IP address"),
	VG_FIELD_NL("k8s.pod.cni.json", STRING, NONE, "Pod CNI result as JSON"),
	VG_FIELD_NL("k8s.ns.name", STRING, NONE, "Namespace name"),
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
	"Kubernetes fields (k8s.*), not wired in yet",
	defs,
	VG_FIELDS_COUNT(defs),
};
