/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup path -> runtime, container id and pod uid: pure string parsing. */
#ifndef VIGIL_CONTAINER_CGROUP_PATH_H
#define VIGIL_CONTAINER_CGROUP_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "container/container.h"

/* container ids are 64 hex digits for every engine but runc/ctr, whose ids are names */
#define VG_CGROUP_ID_MAX  128
#define VG_CGROUP_UID_MAX 40 /* a pod uid is a 36-character UUID */

enum vg_cgroup_kind {
	VG_CGK_HOST = 0,  /* no container in the path */
	VG_CGK_CONTAINER, /* a container id with a runtime-specific shape */
	VG_CGK_CANDIDATE, /* a plain name that may be a runc or containerd id */
	VG_CGK_MONITOR,	  /* conmon of Podman or CRI-O: a host process by Falco's rules */
};

struct vg_cgroup_info {
	enum vg_cgroup_kind kind;
	/*
	 * The runtime the path shape names: DOCKER, CRI_CONTAINERD, CRIO,
	 * PODMAN, or UNKNOWN for a bare 64-hex id (kubepods with the cgroupfs
	 * driver, a containerd namespace, ECS, ...), whose runtime the state
	 * files tell.
	 */
	enum vg_container_type type;
	char id[VG_CGROUP_ID_MAX + 1];
	/* containerd namespace when the path is /<namespace>/<id> ("" if not) */
	char ns[VG_CGROUP_ID_MAX + 1];
	char pod_uid[VG_CGROUP_UID_MAX + 1]; /* "" unless under a kubepods pod cgroup */
	bool kubepods;			     /* under kubepods / kubepods.slice */
};

/*
 * Parses a cgroup path (the part after "0::" or after "N:controller:" in
 * /proc/<pid>/cgroup). The outermost component that has a container id's
 * shape wins, so nested containers (Docker in Docker) report the outer one,
 * which is the one the host's runtime knows. Returns 0, or -EINVAL for a
 * path that is not absolute.
 */
int vg_cgroup_path_parse(const char *path, struct vg_cgroup_info *out);

/* true if the first n characters of s are lowercase hex digits (s has at least n) */
bool vg_is_hex(const char *s, size_t n);

#endif
