/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container and Kubernetes identity of a process, from its cgroup.
 *
 * The kernel sends the cgroup id (inode of the process's cgroup2
 * directory) with every event. vg_containers_lookup() maps it to a
 * struct vg_container: the cgroup path names the runtime and the container
 * id, and the runtime's own state files (OCI config.json, Docker's
 * config.v2.json, Podman's containers.json, runc's state.json) give the
 * name, image, labels, mounts, privileges and pod. Results are cached per
 * cgroup id. Whatever needs a runtime API (the Docker Engine API when
 * Docker's files are unreadable; containerd's gRPC API for a plain
 * containerd container's image, a pod's labels, an image's digest) is asked
 * by a worker thread, never on the caller's thread: the lookup then returns
 * what is known now with `incomplete` set, and a later lookup sees the rest.
 * With opts.async_files the state files are read there too.
 *
 * Threading: one thread (the event pipeline) calls everything below except
 * vg_containers_stats(), which any thread may call. A returned pointer stays
 * valid until that thread's next call into the manager (lookup, forget,
 * sweep, poll, free): an answer replaces an entry instead of changing it.
 */
#ifndef VIGIL_CONTAINER_H
#define VIGIL_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vg_container_type {
	VG_CT_HOST = 0,	      /* not in a container */
	VG_CT_DOCKER,	      /* "docker" */
	VG_CT_CONTAINERD,     /* "containerd": ctr / containerd clients other than CRI */
	VG_CT_CRI_CONTAINERD, /* "cri-containerd": Kubernetes through containerd's CRI */
	VG_CT_CRIO,	      /* "cri-o" */
	VG_CT_PODMAN,	      /* "podman" */
	VG_CT_RUNC,	      /* "runc": a bare OCI runtime container */
	VG_CT_UNKNOWN,	      /* a container id in the cgroup, no runtime state found */
};

/* "host", "docker", "containerd", "cri-containerd", "cri-o", "podman", "runc", "unknown" */
const char *vg_container_type_name(enum vg_container_type t);

struct vg_kv {
	char *key;
	char *value;
};

/* One mount, as Falco's container.mount.* fields show it. */
struct vg_mount {
	char *source;
	char *dest;
	char *mode;	   /* Docker's "Mode" (e.g. "z", "ro"), or the mount type; may be "" */
	char *propagation; /* "private", "rprivate", "rslave", ... or "" */
	bool rw;
};

/*
 * Every string is NUL-terminated; NULL means "not known" (the field is
 * missing), "" means known to be empty. The host container has id, full_id
 * and name "host" and type VG_CT_HOST, like Falco's.
 */
struct vg_container {
	char id[13]; /* first 12 characters of full_id (Falco's container.id), or "host" */
	char *full_id;
	enum vg_container_type type;
	char *name;
	char *image;		/* as the user gave it, e.g. "docker.io/library/nginx:1.25" */
	char *image_repository; /* image without tag and digest, registry host:port kept */
	char *image_tag;
	char *image_digest; /* "sha256:..." */
	char *image_id;	    /* image config digest, without "sha256:" */
	char *user;	    /* user the container's processes start as */
	bool privileged;
	bool host_pid, host_network, host_ipc; /* shares the host's namespace */
	uint64_t start_ts;		       /* container start, ns since the epoch; 0 unknown */
	/* resource limits, Falco's defaults when unset: shares 1024, period 100000, others 0 */
	int64_t cpu_shares, cpu_quota, cpu_period;
	int64_t memory_limit, swap_limit; /* bytes */
	uint32_t cpuset_cpu_count;	  /* CPUs in the cpuset, 0 = not restricted */
	struct vg_kv *labels;
	size_t n_labels;
	struct vg_mount *mounts;
	size_t n_mounts;

	/* Kubernetes, when the container belongs to a pod */
	char *pod_name;
	char *pod_namespace;
	char *pod_uid;
	char *pod_sandbox_id; /* full id of the pod's sandbox (pause) container */
	bool is_pod_sandbox;  /* this container is the pod's sandbox itself */
	struct vg_kv *pod_labels;
	size_t n_pod_labels;

	/* where the answer came from, for debugging and for the lead's metrics */
	char *cgroup_path;   /* path in the cgroup2 (or v1) hierarchy, "" unknown */
	char *metadata_path; /* file the metadata was read from, NULL if none */
	bool incomplete;     /* metadata asked from an API, not there yet */
	bool metadata_found; /* some runtime state was found for the id */
	size_t memory_bytes; /* heap bytes owned by this struct (for accounting) */
};

struct vg_containers_opts {
	size_t max_entries;	  /* cache bound; 0: 4096 */
	size_t max_bytes;	  /* cache bound, heap bytes of containers; 0: 64 MiB */
	const char *procfs_root;  /* "/proc" when NULL */
	const char *cgroup2_root; /* cgroup2 mount; found in /proc/self/mountinfo when NULL */
	/*
	 * Prefix of every runtime path below and of host paths read from the
	 * runtime's state (runc's bundle): where the host's filesystem is seen
	 * from vigil, "/host" in a pod that mounts the host's /run at /host/run.
	 * NULL or "": the paths are the host's own.
	 */
	const char *host_root;
	/*
	 * Where each runtime keeps its state, as a path on the host (host_root
	 * is put before it); NULL takes the default. Tests point them at
	 * fixture trees.
	 */
	const char *docker_root;   /* /var/lib/docker */
	const char *docker_socket; /* /run/docker.sock; "" disables the API */
	/* /run/containerd/containerd.sock; "" disables the API (images, digests, pod labels) */
	const char *containerd_socket;
	const char *podman_root; /* /var/lib/containers/storage */
	/* /run/podman/podman.sock (podman system service): labels; "" disables */
	const char *podman_socket;
	const char *podman_runroot;  /* /run/containers/storage (CRI-O's config.json) */
	const char *runc_root;	     /* /run/runc */
	const char *containerd_root; /* /run/containerd/io.containerd.runtime.v2.task */
	/*
	 * Docker: ask the Engine API even when config.v2.json was readable
	 * (tests of the asynchronous path); normally the API is asked only when
	 * the files are missing or lack the image.
	 */
	bool docker_api_always;
	/*
	 * Read the state files on the worker too: a miss then costs only the
	 * cgroup path (~5 us) and returns the id, runtime and pod uid the path
	 * tells, incomplete; a plain name (runc, ctr) is the host until the
	 * worker finds its runtime. For hosts whose state directories may be
	 * slow (network or cold disks). Off: the files are read on the miss.
	 */
	bool async_files;
	size_t api_queue_len; /* bound of the API request queue; 0: 256 */
	long api_timeout_ms;  /* per API request; 0: 2000 */
};

/* Reasons metadata is cut: "file", "string", "labels", "mounts", "bytes" (container_internal.h). */
#define VG_CONTAINER_TRUNC_REASONS 5
const char *vg_container_trunc_reason(unsigned reason);

struct vg_containers_stats {
	uint64_t lookups;
	uint64_t hits;
	uint64_t misses;	/* resolved now: cgroup path + state files */
	uint64_t host;		/* misses that resolved to the host */
	uint64_t incomplete;	/* lookups answered while an API request was pending */
	uint64_t pending;	/* API requests queued or running now */
	uint64_t api_calls;	/* API requests made */
	uint64_t api_errors;	/* API requests that failed or found nothing */
	uint64_t queue_drops;	/* API requests not queued: the queue was full */
	uint64_t errors;	/* cgroup ids that could not be resolved to a path */
	uint64_t meta_errors;	/* state files that existed but could not be parsed */
	uint64_t evictions;	/* entries dropped by the bounds (entries or bytes) */
	uint64_t evict_bytes;	/* of these, dropped by the byte bound (max_bytes) */
	uint64_t forgotten;	/* entries dropped by vg_containers_forget / sweep */
	uint64_t retries;	/* state files looked for again (not there at the first miss) */
	uint64_t entries;	/* cached now */
	uint64_t memory_bytes;	/* heap bytes of the cached containers */
	uint64_t miss_ns_total; /* time spent resolving misses */
	uint64_t entered;	/* host-cgroup lookups given a container by mount namespace */
	uint64_t ns_scans;	/* walks of /proc for a mount namespace not learnt yet */
	/* metadata cut by the byte bounds, by reason (vg_container_trunc_reason); process-wide */
	uint64_t truncated[VG_CONTAINER_TRUNC_REASONS];
};

struct vg_containers;

/* Returns NULL with errno set (ENOMEM, or EINVAL for bad options). */
struct vg_containers *vg_containers_new(const struct vg_containers_opts *opts);
/* Stops the worker (waiting for a running API request at most its timeout). */
void vg_containers_free(struct vg_containers *m);

/*
 * The container of the process with this cgroup id. pid (0 if unknown)
 * lets a miss read /proc/<pid>/cgroup instead of resolving the id through
 * the cgroup2 mount, and is the only way on a host without cgroup2.
 * Never NULL: a process whose container cannot be told gets the host.
 */
const struct vg_container *vg_containers_lookup(struct vg_containers *m, uint64_t cgroup_id,
						uint32_t pid);

/*
 * The same, for an event that also gives the process's mount namespace
 * (inode; 0 unknown). A process in the host's cgroup whose mount namespace
 * is a container's gets that container: it entered with setns(2) (nsenter,
 * or a tool that joins the namespaces but not the cgroup) and sees the
 * container's filesystem. A container's mount namespace is learnt from its
 * own processes' events; one not learnt yet (a container idle since vigil
 * started) is looked for in /proc, a bounded walk (see containers.c).
 */
const struct vg_container *vg_containers_lookup_ns(struct vg_containers *m, uint64_t cgroup_id,
						   uint32_t pid, uint32_t mnt_ns);

/*
 * fn(arg, c) for each container forgotten because it is gone (sweep,
 * forget), before its entry is freed: state keyed on it (sequence rules)
 * can go with it. NULL fn: none.
 */
void vg_containers_on_gone(struct vg_containers *m,
			   void (*fn)(void *arg, const struct vg_container *c), void *arg);

/* Drops the entry of a removed cgroup (container exit). */
void vg_containers_forget(struct vg_containers *m, uint64_t cgroup_id);
/*
 * Drops entries whose cgroup no longer exists; call it from a timer (it
 * does one stat(2) per cached container). Returns how many were dropped.
 */
size_t vg_containers_sweep(struct vg_containers *m);

/* Applies finished API answers now (lookup does it too). */
void vg_containers_poll(struct vg_containers *m);

void vg_containers_stats(struct vg_containers *m, struct vg_containers_stats *out);

/* The shared host container. */
const struct vg_container *vg_container_host(void);

/* Looks a key up in a label array; NULL when absent. */
const char *vg_container_label(const struct vg_kv *kv, size_t n, const char *key);

/*
 * Splits an image reference the way Falco's sinsp_utils::split_container_image
 * does (with split_repo=false): repository keeps the registry host:port,
 * tag is what follows the first ':' after the first '/', digest what follows
 * '@'. Each output is malloc'd ("" when absent); returns 0 or -ENOMEM.
 */
int vg_image_split(const char *image, char **repository, char **tag, char **digest);

#endif
