/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the container module's files share: building a struct vg_container,
 * and the metadata readers, each of which fills what its runtime knows.
 * Readers return 1 when they found the container, 0 when their runtime
 * has no such container (the file is absent), and -errno when the state
 * exists but is malformed (the container keeps what was read before the
 * error). None of them aborts on bad input.
 */
#ifndef VIGIL_CONTAINER_INTERNAL_H
#define VIGIL_CONTAINER_INTERNAL_H

#include <json-c/json.h>
#include <stdint.h>

#include "container/container.h"

/*
 * Byte bounds on what a container's owner controls (labels, annotations,
 * names, image names, mounts): the state files and API answers are read
 * from disk or sockets the runtime writes on the owner's behalf, so each
 * read is capped and what is cut is counted by reason (vg_ct_truncated).
 *
 * Largest state file or API answer read: config.v2.json with many mounts and
 * a large environment stays far below. A larger one is not read at all.
 */
#define VG_META_MAX_FILE (4u << 20)
/* One string kept (name, image, label key or value, mount path): longer is cut. */
#define VG_META_MAX_STR 4096u
/* Labels (and pod labels) kept per container; Kubernetes pods carry tens. */
#define VG_META_MAX_LABELS 256u
#define VG_META_MAX_MOUNTS 256u
/* Heap bytes one container may own; past it labels and mounts are dropped. */
#define VG_META_MAX_CT_BYTES (256u << 10)

enum vg_ct_trunc {
	VG_CT_TRUNC_FILE,   /* a state file or API answer over VG_META_MAX_FILE: not read */
	VG_CT_TRUNC_STRING, /* a string cut at VG_META_MAX_STR */
	VG_CT_TRUNC_LABELS, /* a label past VG_META_MAX_LABELS dropped */
	VG_CT_TRUNC_MOUNTS, /* a mount past VG_META_MAX_MOUNTS dropped */
	VG_CT_TRUNC_BYTES,  /* a label or mount dropped by VG_META_MAX_CT_BYTES */
	VG_CT_TRUNC__MAX,
};
/* Counts one cut (any thread); the counts are process-wide. */
void vg_ct_count_trunc(enum vg_ct_trunc reason);
uint64_t vg_ct_truncated(unsigned reason);
/* The first len bytes of src (up to a NUL), cut to VG_META_MAX_STR and counted; NULL on ENOMEM. */
char *vg_ct_strndup_capped(const char *src, size_t len);

struct vg_container *vg_ct_new(void);
void vg_ct_free(struct vg_container *c);
/* Replaces *dst by a copy of src cut to VG_META_MAX_STR (NULL clears); 0 or -ENOMEM. */
int vg_ct_set(char **dst, const char *src);
/* Like vg_ct_set but keeps a value already there. */
int vg_ct_set_once(char **dst, const char *src);
int vg_ct_set_id(struct vg_container *c, const char *full_id);
/* Adds or replaces key; past VG_META_MAX_LABELS a new key is dropped (counted), 0. */
int vg_ct_kv_put(struct vg_kv **arr, size_t *n, const char *key, const char *value);
int vg_ct_add_mount(struct vg_container *c, const char *source, const char *dest, const char *mode,
		    const char *propagation, bool rw);
void vg_ct_clear_mounts(struct vg_container *c);
/* Derives repository/tag/digest from image, and computes memory_bytes. */
int vg_ct_finish(struct vg_container *c);
size_t vg_ct_memory(const struct vg_container *c);
/* Deep copy; NULL on ENOMEM. */
struct vg_container *vg_ct_dup(const struct vg_container *c);

/* an id that is safe in a path: [A-Za-z0-9_.-], no leading '.', at most 128 chars */
bool vg_is_safe_id(const char *id);

/* "0-3,5,7-8" -> 7; 0 for an empty or malformed list */
uint32_t vg_cpuset_count(const char *list);
/* a JSON integer member, or 0 */
int64_t vg_json_int(json_object *obj, const char *key);

/* json helpers: NULL unless obj has key with a value of that type */
const char *vg_json_str(json_object *obj, const char *key);
json_object *vg_json_obj(json_object *obj, const char *key);
json_object *vg_json_arr(json_object *obj, const char *key);
int vg_json_bool(json_object *obj, const char *key, bool *out); /* 1 set, 0 absent */
/* Reads and parses a JSON file; NULL with errno (ENOENT absent, EINVAL malformed, EFBIG). */
json_object *vg_json_file(const char *path);
json_object *vg_json_parse(const char *text, size_t len);
/*
 * A parsed JSON file kept until the file changes (device, inode, size or
 * mtime): Podman's containers.json and images.json and Docker's
 * repositories.json list every container or image, so parsing them per miss
 * would cost O(containers) each time. Runtimes replace them by rename.
 */
struct vg_json_cache {
	json_object *doc;
	uint64_t dev, ino, size;
	int64_t mtime_ns;
};
/* The document, from jc (when not NULL) if unchanged; *owned: the caller must put it. */
json_object *vg_json_cached(const char *path, struct vg_json_cache *jc, bool *owned);
void vg_json_cache_free(struct vg_json_cache *jc);

/* RFC 3339 with optional fraction and zone -> ns since the epoch; 0 on error */
uint64_t vg_parse_rfc3339(const char *s);

/* OCI runtime spec (config.json): annotations by runtime, mounts, privileges */
int vg_meta_oci_parse(json_object *spec, struct vg_container *c);
int vg_meta_oci_file(const char *path, struct vg_container *c);
/*
 * Reads the annotations CRI plugins put in the spec (containerd's
 * io.kubernetes.cri.*, CRI-O's io.kubernetes.pod.* and
 * io.kubernetes.cri-o.*); returns the runtime they name or VG_CT_UNKNOWN.
 */
enum vg_container_type vg_meta_oci_annotations(json_object *spec, struct vg_container *c);

/*
 * Docker: <root>/containers/<id>/config.v2.json + hostconfig.json, and the
 * image's repository digest from <root>/image/<driver>/repositories.json
 * (repos may be NULL).
 */
int vg_meta_docker_parse(const char *config_v2, const char *hostconfig, struct vg_container *c);
int vg_meta_docker_files(const char *root, const char *id, struct vg_container *c,
			 struct vg_json_cache *repos);
/* the digest of c's image in a repositories.json document; 0 or -ENOMEM */
int vg_meta_docker_image_digest(json_object *repos, struct vg_container *c);
/* Docker Engine API answer of GET /containers/<id>/json */
int vg_meta_docker_inspect(const char *json, size_t len, struct vg_container *c);
/* blocking GET of /containers/<id>/json over the unix socket; 1, 0 (404) or -errno */
int vg_docker_api_inspect(const char *socket, const char *id, long timeout_ms,
			  struct vg_container *c);
/*
 * Podman keeps labels in its own database; its API service (podman system
 * service, Docker-compatible) answers the same GET: only Config.Labels is
 * taken from it, the files said the rest.
 */
int vg_meta_podman_inspect_labels(const char *json, size_t len, struct vg_container *c);
int vg_podman_api_labels(const char *socket, const char *id, long timeout_ms,
			 struct vg_container *c);

/*
 * Podman: containers.json (+ the container's userdata/config.json, and
 * the image's digest from overlay-images/images.json). Caches may be NULL.
 */
int vg_meta_podman_parse(const char *containers_json, const char *id, struct vg_container *c);
int vg_meta_podman_files(const char *root, const char *id, struct vg_container *c,
			 struct vg_json_cache *containers, struct vg_json_cache *images);
/* the digest of image_id in an images.json document; 0 or -ENOMEM */
int vg_meta_podman_image_digest(json_object *images, struct vg_container *c);

/*
 * runc: <root>/<id>/state.json -> bundle config.json. The bundle is a host
 * path: it is read under host_root ("" on the host itself).
 */
int vg_meta_runc_parse(const char *state_json, struct vg_container *c, char *bundle, size_t cap);
int vg_meta_runc_files(const char *root, const char *host_root, const char *id,
		       struct vg_container *c);

/* containerd: <root>/<ns>/<id>/config.json */
int vg_meta_containerd_files(const char *root, const char *ns, const char *id,
			     struct vg_container *c);

/*
 * containerd's gRPC API, Containers/Get: image and labels of a container
 * (sandbox: its labels are the pod's, kept without the io.kubernetes.* ones,
 * in pod_labels). 1 found, 0 not found, -errno.
 */
int vg_containerd_decode_get(const uint8_t *msg, size_t len, struct vg_container *c, bool sandbox);
int vg_containerd_api_get(const char *socket, const char *ns, const char *id, long timeout_ms,
			  struct vg_container *c, bool sandbox);
/*
 * Images/Get of c->image: the digest of its target (the manifest or index
 * a registry would name), into image_digest unless one is known already.
 */
int vg_containerd_decode_image(const uint8_t *msg, size_t len, struct vg_container *c);
int vg_containerd_api_image(const char *socket, const char *ns, long timeout_ms,
			    struct vg_container *c);

/* CRI-O: <runroot>/overlay-containers/<id>/userdata/config.json */
int vg_meta_crio_files(const char *runroot, const char *id, struct vg_container *c);

/* resolve.c: cgroup id -> cgroup path */
struct vg_cgroup_resolver {
	char root[4096]; /* cgroup2 mount, "" if none */
	int root_fd;	 /* O_PATH of the mount, -1 if none */
	const char *procfs;
	uint64_t root_ino;
};
int vg_resolver_init(struct vg_cgroup_resolver *r, const char *procfs, const char *cgroup2_root);
void vg_resolver_fini(struct vg_cgroup_resolver *r);
/*
 * Fills path (relative to the hierarchy root, starting with '/'): the id
 * through open_by_handle_at, else /proc/<pid>/cgroup (its cgroup2 line, or
 * on cgroup v1 the first controller line that names a container). *keyed
 * tells whether the path is the cgroup of that id (so the answer may be
 * cached under it). 0 or -errno.
 */
int vg_resolve_cgroup(const struct vg_cgroup_resolver *r, uint64_t cgroup_id, uint32_t pid,
		      char *path, size_t cap, bool *keyed);
/* the cgroup id (cgroup2 inode) of pid's cgroup, from /proc/<pid>/cgroup; 0 unknown */
uint64_t vg_resolve_pid_cgroup_id(const struct vg_cgroup_resolver *r, uint32_t pid);
/* true if the cgroup of this id still exists */
bool vg_resolve_cgroup_alive(const struct vg_cgroup_resolver *r, uint64_t cgroup_id,
			     const char *path);

#endif
