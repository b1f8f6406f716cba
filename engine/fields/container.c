// SPDX-License-Identifier: Apache-2.0
/*
 * container.* fields, as Falco's container plugin names them (vigil
 * provides them itself). The container module is not wired in yet: the
 * fields are registered with their types and extract missing.
 */
#include "fields/fields_util.h"

static const struct vg_field_def defs[] = {
	VG_FIELD_NL("container.id", STRING, NONE, "Container id (12 chars), or host"),
	VG_FIELD_NL("container.full_id", STRING, NONE, "Full container id, or host"),
	VG_FIELD_NL("container.name", STRING, NONE, "Container name, or host"),
	VG_FIELD_NL("container.image", STRING, NONE, "Image name, e.g. nginx:1.25"),
	VG_FIELD_NL("container.image.id", STRING, NONE, "Image id"),
	VG_FIELD_NL("container.type", STRING, NONE, "Runtime: docker, containerd, cri-o, ..."),
	VG_FIELD_NL("container.privileged", BOOL, NONE, "The container is privileged"),
	VG_FIELD_NL("container.mounts", STRING, NONE, "All mounts, as source:dest:mode:rdwr:prop"),
	VG_FIELD_NL("container.mount", STRING, KEY, "A mount by index or source path"),
	VG_FIELD_NL("container.mount.source", STRING, KEY, "Source of a mount by index or dest"),
	VG_FIELD_NL("container.mount.dest", STRING, KEY,
		    "Destination of a mount by index or source (glob)"),
	VG_FIELD_NL("container.mount.mode", STRING, KEY, "Mode of a mount"),
	VG_FIELD_NL("container.mount.rdwr", STRING, KEY, "Read/write flag of a mount"),
	VG_FIELD_NL("container.mount.propagation", STRING, KEY, "Propagation of a mount"),
	VG_FIELD_NL("container.image.repository", STRING, NONE, "Image repository"),
	VG_FIELD_NL("container.image.tag", STRING, NONE, "Image tag"),
	VG_FIELD_NL("container.image.digest", STRING, NONE, "Image digest"),
	VG_FIELD_NL("container.healthcheck", STRING, NONE, "Health check command"),
	VG_FIELD_NL("container.liveness_probe", STRING, NONE, "Liveness probe command"),
	VG_FIELD_NL("container.readiness_probe", STRING, NONE, "Readiness probe command"),
	VG_FIELD_NL("container.start_ts", ABSTIME, NONE, "Container start time (epoch ns)"),
	VG_FIELD_NL("container.duration", RELTIME, NONE, "Time since the container started"),
	VG_FIELD_NL("container.ip", STRING, NONE, "Primary IP address of the container"),
	VG_FIELD_NL("container.cni.json", STRING, NONE, "CNI result as JSON"),
	VG_FIELD_NL("container.host_pid", BOOL, NONE, "Shares the host's pid namespace"),
	VG_FIELD_NL("container.host_network", BOOL, NONE, "Shares the host's network namespace"),
	VG_FIELD_NL("container.host_ipc", BOOL, NONE, "Shares the host's IPC namespace"),
	VG_FIELD_NL("container.label", STRING, KEY, "A container label"),
	VG_FIELD_NL("container.labels", STRING, NONE, "All container labels"),
	VG_FIELD_NL("container.user", STRING, NONE, "User the container runs as"),
	VG_FIELD_NL("container.cpu.shares", U64, NONE, "CPU shares"),
	VG_FIELD_NL("container.cpu.quota", U64, NONE, "CPU quota"),
	VG_FIELD_NL("container.cpu.period", U64, NONE, "CPU period"),
	VG_FIELD_NL("container.cpuset.cpu_count", U64, NONE, "Number of CPUs in the cpuset"),
	VG_FIELD_NL("container.memory.limit", U64, NONE, "Memory limit"),
	VG_FIELD_NL("container.swap.limit", U64, NONE, "Swap limit"),
	VG_FIELD_NL("container.info", STRING, NONE, "Deprecated: expands to nothing"),
};

const struct vg_field_class vg_fields_container = {
	"container",
	"Container fields (container.*), not wired in yet",
	defs,
	VG_FIELDS_COUNT(defs),
};
