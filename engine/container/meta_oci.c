// SPDX-License-Identifier: Apache-2.0
/*
 * OCI runtime spec (the bundle's config.json), which every runtime here
 * writes before the container's first exec: mounts, capabilities and
 * namespaces (privileged, host_*), the user, and the annotations the CRI
 * implementations put in it (the pod's identity).
 */
#include "container/container_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool array_has_str(json_object *arr, const char *s)
{
	size_t n = arr ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);

		if (json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), s) == 0)
			return true;
	}
	return false;
}

/*
 * Bind mounts only: they are the container's volumes and host paths, what
 * container.mount.* rules look at. proc, sysfs, tmpfs, devpts and mqueue
 * mounts are the runtime's and the same in every container.
 */
static int parse_mounts(json_object *spec, struct vg_container *c)
{
	static const char *const props[] = {"rprivate", "private", "rshared",	  "shared",
					    "rslave",	"slave",   "runbindable", "unbindable"};
	json_object *mounts = vg_json_arr(spec, "mounts");
	size_t n = mounts ? json_object_array_length(mounts) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(mounts, i);
		json_object *opts = vg_json_arr(m, "options");
		const char *type = vg_json_str(m, "type"), *dest = vg_json_str(m, "destination");
		const char *prop = "";
		bool bind = (type && strcmp(type, "bind") == 0) || array_has_str(opts, "bind") ||
			    array_has_str(opts, "rbind");

		const char *src = vg_json_str(m, "source");

		if (!dest || !bind)
			continue;
		/*
		 * Files the runtime generates for this container (hosts, hostname,
		 * resolv.conf, shm, .containerenv) live in a directory named by
		 * the container or its sandbox: they are no volume of the user's.
		 */
		if (src && ((c->full_id && strlen(c->full_id) >= 32 && strstr(src, c->full_id)) ||
			    (c->pod_sandbox_id && strlen(c->pod_sandbox_id) >= 32 &&
			     strstr(src, c->pod_sandbox_id))))
			continue;
		for (size_t k = 0; k < sizeof(props) / sizeof(props[0]); k++)
			if (array_has_str(opts, props[k])) {
				prop = props[k];
				break;
			}
		if (vg_ct_add_mount(c, src, dest, "", prop, !array_has_str(opts, "ro")))
			return -ENOMEM;
	}
	return 0;
}

/* a device cgroup rule {"allow": true, "access": "rwm"} naming no device: all of them */
static bool all_devices(json_object *linux_obj)
{
	json_object *devs = vg_json_arr(vg_json_obj(linux_obj, "resources"), "devices");
	size_t n = devs ? json_object_array_length(devs) : 0;

	for (size_t i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i), *v;
		const char *type = vg_json_str(d, "type"), *access = vg_json_str(d, "access");
		bool allow = false;

		if (!vg_json_bool(d, "allow", &allow) || !allow)
			continue;
		if ((type && strcmp(type, "a") != 0) || json_object_object_get_ex(d, "major", &v) ||
		    json_object_object_get_ex(d, "minor", &v))
			continue;
		if (!access || strcmp(access, "rwm") == 0)
			return true;
	}
	return false;
}

int vg_meta_oci_parse(json_object *spec, struct vg_container *c)
{
	json_object *process, *caps, *linux_obj, *nss, *masked, *user;
	char buf[32];

	if (!spec || !json_object_is_type(spec, json_type_object))
		return -EINVAL;
	process = vg_json_obj(spec, "process");
	linux_obj = vg_json_obj(spec, "linux");

	vg_ct_clear_mounts(c);
	if (parse_mounts(spec, c))
		return -ENOMEM;

	/*
	 * What every engine's --privileged does to the spec: all capabilities
	 * (so CAP_SYS_ADMIN among them), and no masked paths or every device
	 * allowed. A container given CAP_SYS_ADMIN alone keeps its masked /proc
	 * paths and its device allow-list.
	 */
	caps = vg_json_obj(process, "capabilities");
	masked = vg_json_arr(linux_obj, "maskedPaths");
	if (array_has_str(vg_json_arr(caps, "bounding"), "CAP_SYS_ADMIN") &&
	    (!masked || json_object_array_length(masked) == 0 || all_devices(linux_obj)))
		c->privileged = true;

	/*
	 * A namespace type missing from the spec is the runtime's own, the
	 * host's. One given by path joins another container's (a pod's
	 * sandbox), which is not the host's.
	 */
	nss = vg_json_arr(linux_obj, "namespaces");
	if (nss) {
		bool pid = false, net = false, ipc = false;

		for (size_t i = 0; i < json_object_array_length(nss); i++) {
			const char *t = vg_json_str(json_object_array_get_idx(nss, i), "type");

			if (!t)
				continue;
			pid |= strcmp(t, "pid") == 0;
			net |= strcmp(t, "network") == 0;
			ipc |= strcmp(t, "ipc") == 0;
		}
		c->host_pid = !pid;
		c->host_network = !net;
		c->host_ipc = !ipc;
	}

	/* linux.resources: what the runtime wrote into the container's cgroup */
	{
		json_object *res = vg_json_obj(linux_obj, "resources");
		json_object *cpu = vg_json_obj(res, "cpu"), *mem = vg_json_obj(res, "memory");

		if (vg_json_int(cpu, "shares") > 0)
			c->cpu_shares = vg_json_int(cpu, "shares");
		if (vg_json_int(cpu, "period") > 0)
			c->cpu_period = vg_json_int(cpu, "period");
		if (vg_json_int(cpu, "quota") > 0)
			c->cpu_quota = vg_json_int(cpu, "quota");
		if (vg_json_int(mem, "limit") > 0)
			c->memory_limit = vg_json_int(mem, "limit");
		if (vg_json_int(mem, "swap") > 0)
			c->swap_limit = vg_json_int(mem, "swap");
		if (vg_json_str(cpu, "cpus"))
			c->cpuset_cpu_count = vg_cpuset_count(vg_json_str(cpu, "cpus"));
	}

	user = vg_json_obj(process, "user");
	if (user) {
		const char *uname = vg_json_str(user, "username");
		json_object *uid;

		if (uname && *uname) {
			if (vg_ct_set_once(&c->user, uname))
				return -ENOMEM;
		} else if (json_object_object_get_ex(user, "uid", &uid) &&
			   json_object_is_type(uid, json_type_int)) {
			snprintf(buf, sizeof(buf), "%lld", (long long)json_object_get_int64(uid));
			if (vg_ct_set_once(&c->user, buf))
				return -ENOMEM;
		}
	}
	return 0;
}

static int labels_from_json_string(const char *text, struct vg_kv **kv, size_t *n)
{
	json_object *obj;
	int ret = 0;

	if (!text)
		return 0;
	obj = vg_json_parse(text, strlen(text));
	if (!obj)
		return -EINVAL;
	if (json_object_is_type(obj, json_type_object)) {
		json_object_object_foreach(obj, k, v)
		{
			if (json_object_is_type(v, json_type_string) &&
			    vg_ct_kv_put(kv, n, k, json_object_get_string(v))) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	json_object_put(obj);
	return ret;
}

enum vg_container_type vg_meta_oci_annotations(json_object *spec, struct vg_container *c)
{
	json_object *ann = vg_json_obj(spec, "annotations");
	const char *v, *manager;
	int err = 0;

	if (!ann)
		return VG_CT_UNKNOWN;

	/* containerd's CRI plugin */
	v = vg_json_str(ann, "io.kubernetes.cri.container-type");
	if (v) {
		c->is_pod_sandbox = strcmp(v, "sandbox") == 0;
		err |= vg_ct_set_once(
			&c->name,
			vg_json_str(ann, c->is_pod_sandbox ? "io.kubernetes.cri.sandbox-name"
							   : "io.kubernetes.cri.container-name"));
		err |= vg_ct_set_once(&c->image, vg_json_str(ann, "io.kubernetes.cri.image-name"));
		err |= vg_ct_set_once(&c->pod_name,
				      vg_json_str(ann, "io.kubernetes.cri.sandbox-name"));
		err |= vg_ct_set_once(&c->pod_namespace,
				      vg_json_str(ann, "io.kubernetes.cri.sandbox-namespace"));
		err |= vg_ct_set_once(&c->pod_uid,
				      vg_json_str(ann, "io.kubernetes.cri.sandbox-uid"));
		err |= vg_ct_set_once(&c->pod_sandbox_id,
				      c->is_pod_sandbox
					      ? c->full_id
					      : vg_json_str(ann, "io.kubernetes.cri.sandbox-id"));
		return err ? VG_CT_UNKNOWN : VG_CT_CRI_CONTAINERD;
	}

	/*
	 * CRI-O. Podman writes some io.kubernetes.cri-o.* keys too, and says
	 * io.container.manager=libpod.
	 */
	manager = vg_json_str(ann, "io.container.manager");
	if (manager && strcmp(manager, "libpod") == 0) {
		/* Podman says it outright; the spec-based guess stays for older ones */
		v = vg_json_str(ann, "io.podman.annotations.privileged");
		if (v)
			c->privileged = strcasecmp(v, "true") == 0;
		c->start_ts =
			c->start_ts
				? c->start_ts
				: vg_parse_rfc3339(vg_json_str(ann, "io.kubernetes.cri-o.Created"));
		return VG_CT_PODMAN;
	}
	v = vg_json_str(ann, "io.kubernetes.cri-o.ContainerType");
	if (v || vg_json_str(ann, "io.kubernetes.pod.name")) {
		c->is_pod_sandbox = v && strcmp(v, "sandbox") == 0;
		err |= vg_ct_set_once(&c->name, vg_json_str(ann, "io.kubernetes.container.name"));
		if (c->is_pod_sandbox)
			err |= vg_ct_set_once(&c->name, vg_json_str(ann, "io.kubernetes.pod.name"));
		err |= vg_ct_set_once(&c->image, vg_json_str(ann, "io.kubernetes.cri-o.ImageName"));
		err |= vg_ct_set_once(&c->image_id,
				      vg_json_str(ann, "io.kubernetes.cri-o.ImageRef"));
		err |= vg_ct_set_once(&c->pod_name, vg_json_str(ann, "io.kubernetes.pod.name"));
		err |= vg_ct_set_once(&c->pod_namespace,
				      vg_json_str(ann, "io.kubernetes.pod.namespace"));
		err |= vg_ct_set_once(&c->pod_uid, vg_json_str(ann, "io.kubernetes.pod.uid"));
		err |= vg_ct_set_once(&c->pod_sandbox_id,
				      vg_json_str(ann, "io.kubernetes.cri-o.SandboxID"));
		if (!c->start_ts)
			c->start_ts =
				vg_parse_rfc3339(vg_json_str(ann, "io.kubernetes.cri-o.Created"));
		/* container labels; on the sandbox they are the pod's labels */
		if (c->is_pod_sandbox)
			labels_from_json_string(vg_json_str(ann, "io.kubernetes.cri-o.Labels"),
						&c->pod_labels, &c->n_pod_labels);
		else
			labels_from_json_string(vg_json_str(ann, "io.kubernetes.cri-o.Labels"),
						&c->labels, &c->n_labels);
		return err ? VG_CT_UNKNOWN : VG_CT_CRIO;
	}
	return VG_CT_UNKNOWN;
}

/* annotations of a bare OCI container are its only labels */
static int annotations_as_labels(json_object *spec, struct vg_container *c)
{
	json_object *ann = vg_json_obj(spec, "annotations");

	if (!ann)
		return 0;
	json_object_object_foreach(ann, k, v)
	{
		if (json_object_is_type(v, json_type_string) &&
		    vg_ct_kv_put(&c->labels, &c->n_labels, k, json_object_get_string(v)))
			return -ENOMEM;
	}
	return 0;
}

int vg_meta_oci_file(const char *path, struct vg_container *c)
{
	json_object *spec = vg_json_file(path);
	enum vg_container_type t;
	int ret;

	if (!spec)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -(errno ? errno : EINVAL);
	if (!json_object_is_type(spec, json_type_object)) {
		json_object_put(spec);
		return -EINVAL;
	}
	/* annotations first: they name the sandbox, whose files the mount list skips */
	t = vg_meta_oci_annotations(spec, c);
	ret = vg_meta_oci_parse(spec, c);
	if (t != VG_CT_UNKNOWN)
		c->type = t;
	else if (!ret)
		ret = annotations_as_labels(spec, c);
	if (!ret)
		ret = vg_ct_set(&c->metadata_path, path);
	json_object_put(spec);
	return ret ? ret : 1;
}

/* the pod's labels are the Labels annotation of its sandbox, next to the container */
static void crio_pod_labels(const char *runroot, struct vg_container *c)
{
	char path[4096];
	json_object *spec;

	snprintf(path, sizeof(path), "%s/overlay-containers/%s/userdata/config.json", runroot,
		 c->pod_sandbox_id);
	spec = vg_json_file(path);
	if (!spec)
		return; /* the container's own answer stands */
	labels_from_json_string(
		vg_json_str(vg_json_obj(spec, "annotations"), "io.kubernetes.cri-o.Labels"),
		&c->pod_labels, &c->n_pod_labels);
	json_object_put(spec);
}

int vg_meta_crio_files(const char *runroot, const char *id, struct vg_container *c)
{
	char path[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/overlay-containers/%s/userdata/config.json", runroot, id);
	ret = vg_meta_oci_file(path, c);
	/* a Podman container's userdata looks the same: only CRI-O's annotations make it CRI-O */
	if (ret > 0 && c->type != VG_CT_CRIO)
		return 0;
	if (ret > 0 && !c->is_pod_sandbox && c->pod_sandbox_id && !c->n_pod_labels &&
	    vg_is_safe_id(c->pod_sandbox_id))
		crio_pod_labels(runroot, c);
	return ret;
}
