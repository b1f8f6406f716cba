// SPDX-License-Identifier: Apache-2.0
/*
 * The container manager: cgroup id -> struct vg_container, cached.
 *
 * A miss resolves the cgroup path (open_by_handle_at, or /proc/<pid>/cgroup),
 * parses it, and reads the runtime's state files synchronously: they are
 * small local JSON files on tmpfs or the page cache, read once per container
 * (bench/container_bench measures it). Anything that needs a daemon's API
 * goes to one worker thread through a bounded queue; the caller gets what
 * the files said, marked incomplete, and the worker's answer replaces the
 * entry when the caller next comes in. The worker never touches the cache:
 * it works on its own copy and hands it back, so the cache needs no lock and
 * a pointer the caller holds stays valid until its next call.
 */
#include "container/cache.h"
#include "container/cgroup_path.h"
#include "container/container_internal.h"
#include "container/nsmap.h"
#include "container/nsscan.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_ENTRIES 4096
/* 4096 containers of a few KiB each fit many times over; hostile ones cannot grow it */
#define DEFAULT_MAX_BYTES  (64u << 20)
#define DEFAULT_QUEUE_LEN  256
#define DEFAULT_TIMEOUT_MS 2000
/* keys of containers found through a pid on a host without a usable cgroup id */
#define SYNTHETIC_KEY_BIT (1ull << 63)
/* mount namespaces found to be no container's, not looked for again for a while */
#define NS_NEG_SLOTS  64
#define NS_NEG_TTL_NS (30ull * 1000000000ull)
/* processes of one mount namespace looked at per walk of /proc */
#define NS_SCAN_PIDS 64
/* walks of /proc may take 1/NS_SCAN_SHARE of the time, in bursts of up to NS_SCAN_BURST_NS */
#define NS_SCAN_SHARE	 20
#define NS_SCAN_BURST_NS (50ull * 1000000ull)

enum api_kind {
	API_NONE = 0,
	API_DOCKER,	    /* Engine API: everything */
	API_CONTAINERD,	    /* containerd: the image (and labels) of the container */
	API_CONTAINERD_POD, /* containerd: the labels of the pod's sandbox */
	API_PODMAN,	    /* podman's API service: the labels */
	API_FILES,	    /* the state files themselves (async_files), then any API */
};

struct api_want {
	enum api_kind kind;
	const char *ns; /* containerd namespace */
};

struct api_req {
	uint64_t key;
	enum api_kind kind;
	char ns[VG_CGROUP_ID_MAX + 1];
	struct vg_cgroup_info ci; /* API_FILES: the parsed cgroup path */
	struct vg_container *c;	  /* the worker's copy; the answer goes into it */
	int ret;
	struct api_req *next;
};

struct vg_containers {
	struct vg_cgroup_resolver res;
	struct vg_cache *cache;
	/* containers' mount namespaces, for processes that entered one with setns */
	struct vg_nsmap nsmap;
	uint32_t host_mnt_ns; /* init's: never a container's; 0 unknown (no setns lookups) */
	struct {
		uint32_t ns;
		uint64_t until_ns;
	} ns_neg[NS_NEG_SLOTS];
	unsigned ns_neg_next;
	/* time walks of /proc may still take (a token bucket), and when it was topped up */
	int64_t scan_budget_ns;
	uint64_t scan_refill_ns;
	/* host_root is already in the paths; kept for paths read from state (runc's bundle) */
	char *host_root, *docker_root, *docker_socket, *podman_root, *podman_runroot, *runc_root,
		*containerd_root, *containerd_socket, *podman_socket;
	bool docker_api_always, async_files;
	long api_timeout_ms;
	/* parsed listings kept until they change; async_files: the worker and a caller whose
	 * request found the queue full may both read them, hence the lock */
	struct vg_json_cache podman_containers, podman_images, docker_repos;
	pthread_mutex_t files_lock;

	/* worker: todo is a bounded FIFO, done is handed back under the same lock */
	pthread_t worker;
	bool worker_started, stopping;
	bool curl_ready; /* the worker's: curl_global_init done (read after the join) */
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct api_req *todo_head, *todo_tail, *done;
	size_t todo_len, queue_max;
	atomic_size_t done_len;

	/* counters: written by the caller's thread (and the worker's for api_*) */
	_Atomic uint64_t lookups, hits, misses, host, incomplete, pending, api_calls, api_errors,
		queue_drops, errors, meta_errors, forgotten, miss_ns_total, retries, entered,
		ns_scans;
	_Atomic uint64_t entries, memory_bytes, evictions, evict_bytes;
	/* vg_containers_on_gone */
	void (*on_gone)(void *arg, const struct vg_container *c);
	void *on_gone_arg;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void inc(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/*
 * For counters only the caller's thread writes: no locked read-modify-write
 * on the hit path, and readers on other threads still see whole values.
 */
static void inc_own(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

static int ask_files(struct vg_containers *m, struct api_req *r);

/* the worker's blocking call; fills r->c */
static int ask_api(struct vg_containers *m, struct api_req *r)
{
	struct vg_container *c = r->c;
	int ret;

	switch (r->kind) {
	case API_DOCKER:
		ret = vg_docker_api_inspect(m->docker_socket, c->full_id, m->api_timeout_ms, c);
		if (ret > 0) {
			c->type = VG_CT_DOCKER;
			ret = vg_ct_set(&c->metadata_path, "docker-api") ? -ENOMEM : 1;
		}
		return ret;
	case API_CONTAINERD:
	case API_CONTAINERD_POD: {
		const char *sandbox = c->is_pod_sandbox ? c->full_id : c->pod_sandbox_id;
		int ri;

		if (r->kind == API_CONTAINERD)
			ret = vg_containerd_api_get(m->containerd_socket, r->ns, c->full_id,
						    m->api_timeout_ms, c, false);
		else
			ret = sandbox ? vg_containerd_api_get(m->containerd_socket, r->ns, sandbox,
							      m->api_timeout_ms, c, true)
				      : 0;
		if (ret < 0)
			return ret;
		/* then the image's digest; without it the rest of the answer still stands */
		ri = vg_containerd_api_image(m->containerd_socket, r->ns, m->api_timeout_ms, c);
		if (ri < 0)
			inc(&m->api_errors);
		return ret > 0 || ri > 0 ? 1 : 0;
	}
	case API_PODMAN:
		return vg_podman_api_labels(m->podman_socket, c->full_id, m->api_timeout_ms, c);
	case API_FILES: return ask_files(m, r);
	default: return -EINVAL;
	}
}

static void *worker_main(void *arg)
{
	struct vg_containers *m = arg;

	pthread_mutex_lock(&m->lock);
	for (;;) {
		struct api_req *r;

		while (!m->todo_head && !m->stopping)
			pthread_cond_wait(&m->wake, &m->lock);
		if (m->stopping)
			break;
		r = m->todo_head;
		m->todo_head = r->next;
		if (!m->todo_head)
			m->todo_tail = NULL;
		m->todo_len--;
		pthread_mutex_unlock(&m->lock);

		/* reading state files (async_files) is no API call, nor "not found" an error */
		if (r->kind != API_FILES)
			inc(&m->api_calls);
		/*
		 * libcurl at the first API call, not at start: its global init
		 * initialises OpenSSL (3-4 MB of libcrypto pages and tables) even
		 * with CURL_GLOBAL_NOTHING, and a host without containers never
		 * asks (libcurl 7.84+ makes the init itself thread-safe).
		 */
		if (r->kind != API_FILES && !m->curl_ready)
			m->curl_ready = curl_global_init(CURL_GLOBAL_NOTHING) == CURLE_OK;
		r->ret = ask_api(m, r);
		if (r->kind != API_FILES && r->ret <= 0)
			inc(&m->api_errors);

		pthread_mutex_lock(&m->lock);
		r->next = m->done;
		m->done = r;
		atomic_fetch_add_explicit(&m->done_len, 1, memory_order_release);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

static void free_reqs(struct api_req *r)
{
	while (r) {
		struct api_req *next = r->next;

		vg_ct_free(r->c);
		free(r);
		r = next;
	}
}

static void update_gauges(struct vg_containers *m)
{
	atomic_store_explicit(&m->entries, vg_cache_count(m->cache), memory_order_relaxed);
	atomic_store_explicit(&m->memory_bytes,
			      vg_cache_memory(m->cache) + vg_nsmap_memory(&m->nsmap),
			      memory_order_relaxed);
	atomic_store_explicit(&m->evictions, vg_cache_evictions(m->cache), memory_order_relaxed);
	atomic_store_explicit(&m->evict_bytes, vg_cache_evictions_bytes(m->cache),
			      memory_order_relaxed);
}

/*
 * A runtime path as vigil sees it: host_root, then the host's path (v, or
 * def when v is NULL). An empty socket stays empty: that API is off.
 */
static char *host_path(const char *host_root, const char *v, const char *def)
{
	char *out;

	if (!v)
		v = def;
	if (!v[0] || !host_root || !host_root[0])
		return strdup(v);
	return asprintf(&out, "%s%s", host_root, v) < 0 ? NULL : out;
}

/*
 * The host's mount namespace: init's, or (when init's is not ours to read,
 * as in some sandboxes) our own, vigil running in the host's.
 */
static uint32_t host_mnt_ns(const char *procfs)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/1/ns/mnt", procfs);
	if (stat(path, &st) == 0)
		return (uint32_t)st.st_ino;
	snprintf(path, sizeof(path), "%s/self/ns/mnt", procfs);
	return stat(path, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

struct vg_containers *vg_containers_new(const struct vg_containers_opts *opts)
{
	static const struct vg_containers_opts none;
	struct vg_containers *m;
	const char *hr;

	if (!opts)
		opts = &none;
	m = calloc(1, sizeof(*m));
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->files_lock, NULL);
	pthread_cond_init(&m->wake, NULL);
	hr = opts->host_root;
	m->host_root = strdup(hr ? hr : "");
	m->docker_root = host_path(hr, opts->docker_root, "/var/lib/docker");
	m->docker_socket = host_path(hr, opts->docker_socket, "/run/docker.sock");
	m->podman_root = host_path(hr, opts->podman_root, "/var/lib/containers/storage");
	m->podman_runroot = host_path(hr, opts->podman_runroot, "/run/containers/storage");
	m->runc_root = host_path(hr, opts->runc_root, "/run/runc");
	m->containerd_root = host_path(hr, opts->containerd_root,
				       "/run/containerd/io.containerd.runtime.v2.task");
	m->containerd_socket =
		host_path(hr, opts->containerd_socket, "/run/containerd/containerd.sock");
	m->podman_socket = host_path(hr, opts->podman_socket, "/run/podman/podman.sock");
	m->cache = vg_cache_new(opts->max_entries ? opts->max_entries : DEFAULT_MAX_ENTRIES);
	m->docker_api_always = opts->docker_api_always;
	m->async_files = opts->async_files;
	m->queue_max = opts->api_queue_len ? opts->api_queue_len : DEFAULT_QUEUE_LEN;
	m->api_timeout_ms = opts->api_timeout_ms > 0 ? opts->api_timeout_ms : DEFAULT_TIMEOUT_MS;
	m->res.root_fd = -1;
	if (m->cache)
		vg_cache_set_max_bytes(m->cache,
				       opts->max_bytes ? opts->max_bytes : DEFAULT_MAX_BYTES);
	if (!m->host_root || !m->docker_root || !m->docker_socket || !m->podman_root ||
	    !m->podman_runroot || !m->runc_root || !m->containerd_root || !m->containerd_socket ||
	    !m->podman_socket || !m->cache) {
		vg_containers_free(m);
		errno = ENOMEM;
		return NULL;
	}
	if (vg_resolver_init(&m->res, opts->procfs_root ? opts->procfs_root : "/proc",
			     opts->cgroup2_root) != 0) {
		vg_containers_free(m);
		errno = EINVAL;
		return NULL;
	}
	/* the worker exists only when there is something to ask off the caller's thread */
	if (m->docker_socket[0] || m->containerd_socket[0] || m->podman_socket[0] ||
	    m->async_files) {
		if (pthread_create(&m->worker, NULL, worker_main, m) != 0) {
			int err = errno ? errno : EAGAIN;

			vg_containers_free(m);
			errno = err;
			return NULL;
		}
		m->worker_started = true;
	}
	m->host_mnt_ns = host_mnt_ns(opts->procfs_root ? opts->procfs_root : "/proc");
	vg_nsmap_init(&m->nsmap, opts->max_entries ? opts->max_entries : DEFAULT_MAX_ENTRIES);
	update_gauges(m);
	return m;
}

void vg_containers_free(struct vg_containers *m)
{
	if (!m)
		return;
	if (m->worker_started) {
		pthread_mutex_lock(&m->lock);
		m->stopping = true;
		pthread_cond_broadcast(&m->wake);
		pthread_mutex_unlock(&m->lock);
		pthread_join(m->worker, NULL);
		free_reqs(m->todo_head);
		free_reqs(m->done);
		if (m->curl_ready)
			curl_global_cleanup();
	}
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->files_lock);
	pthread_cond_destroy(&m->wake);
	vg_cache_free(m->cache);
	vg_nsmap_free(&m->nsmap);
	vg_json_cache_free(&m->podman_containers);
	vg_json_cache_free(&m->podman_images);
	vg_json_cache_free(&m->docker_repos);
	vg_resolver_fini(&m->res);
	free(m->host_root);
	free(m->docker_root);
	free(m->docker_socket);
	free(m->podman_root);
	free(m->podman_runroot);
	free(m->runc_root);
	free(m->containerd_root);
	free(m->containerd_socket);
	free(m->podman_socket);
	free(m);
}

/* Remembers on the entry what to ask, so that a refused request can be asked again. */
static int want_api(struct vg_cache_entry *e, const struct api_want *w)
{
	free(e->api_ns);
	e->api_ns = strdup(w->ns ? w->ns : "");
	if (!e->api_ns)
		return -ENOMEM;
	e->api = (int)w->kind;
	return 0;
}

/* Queues an API request for the entry; false when the queue is full. */
static bool queue_api(struct vg_containers *m, struct vg_cache_entry *e)
{
	struct api_req *r;

	if (!m->worker_started || e->api == API_NONE)
		return false;
	r = calloc(1, sizeof(*r));
	if (!r)
		return false;
	r->key = e->key;
	r->kind = (enum api_kind)e->api;
	snprintf(r->ns, sizeof(r->ns), "%s", e->api_ns);
	r->c = vg_ct_dup(e->c);
	if (!r->c) {
		free(r);
		return false;
	}
	pthread_mutex_lock(&m->lock);
	if (m->todo_len >= m->queue_max) {
		pthread_mutex_unlock(&m->lock);
		vg_ct_free(r->c);
		free(r);
		inc(&m->queue_drops);
		return false;
	}
	if (m->todo_tail)
		m->todo_tail->next = r;
	else
		m->todo_head = r;
	m->todo_tail = r;
	m->todo_len++;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	inc(&m->pending);
	e->state = VG_CACHE_PENDING;
	e->c->incomplete = true;
	return true;
}

static void schedule_retry(struct vg_cache_entry *e, const char *path);

void vg_containers_poll(struct vg_containers *m)
{
	struct api_req *r;

	if (atomic_load_explicit(&m->done_len, memory_order_acquire) == 0)
		return;
	pthread_mutex_lock(&m->lock);
	r = m->done;
	m->done = NULL;
	atomic_store_explicit(&m->done_len, 0, memory_order_relaxed);
	pthread_mutex_unlock(&m->lock);

	while (r) {
		struct api_req *next = r->next;
		struct vg_cache_entry *e = vg_cache_get(m->cache, r->key);

		atomic_fetch_sub_explicit(&m->pending, 1, memory_order_relaxed);
		if (e && e->state == VG_CACHE_PENDING) {
			e->state = VG_CACHE_READY;
			bool retry_later = r->kind == API_FILES &&
					   (r->ret == 0 || (r->ret > 0 && !r->c->metadata_found));

			if (retry_later)
				schedule_retry(e, r->c->cgroup_path);
			if (r->ret > 0) {
				r->c->incomplete = false;
				/* the files' reader says itself whether it found state */
				if (r->kind != API_FILES)
					r->c->metadata_found = true;
				/*
				 * The image may have changed: split it again. A digest a
				 * runtime gave stays (the split only fills a missing one).
				 */
				free(r->c->image_repository);
				free(r->c->image_tag);
				r->c->image_repository = r->c->image_tag = NULL;
				vg_ct_finish(r->c);
				vg_cache_replace(m->cache, e, r->c);
				r->c = NULL;
			} else if (r->ret == 0 && r->kind == API_FILES)
				vg_cache_replace(m->cache, e,
						 (struct vg_container *)vg_container_host());
			/* a failed request keeps what the files said, now final */
			if (e->c && e->c != vg_container_host())
				e->c->incomplete = false;
		}
		vg_ct_free(r->c);
		free(r);
		r = next;
	}
	update_gauges(m);
}

/* FNV-1a of the container id, for entries not keyed by a cgroup id */
static uint64_t synthetic_key(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 0x100000001b3ull;
	return h | SYNTHETIC_KEY_BIT;
}

static int meta_result(struct vg_containers *m, int ret)
{
	if (ret < 0 && ret != -ENOMEM)
		inc(&m->meta_errors);
	return ret;
}

/* containerd's bundle, and what its API must still tell */
static int containerd(struct vg_containers *m, const char *ns, const char *id,
		      struct vg_container *c, struct api_want *want)
{
	int r = meta_result(m, vg_meta_containerd_files(m->containerd_root, ns, id, c));

	if (r <= 0)
		return r;
	/* the image (plain containerd), the pod's labels (CRI), the image's digest (both) */
	want->ns = ns;
	if (c->type == VG_CT_CONTAINERD)
		want->kind = API_CONTAINERD;
	else if (c->type == VG_CT_CRI_CONTAINERD)
		want->kind = API_CONTAINERD_POD;
	return r;
}

static int podman(struct vg_containers *m, const char *id, struct vg_container *c,
		  struct api_want *want)
{
	int r;

	pthread_mutex_lock(&m->files_lock);
	r = meta_result(m, vg_meta_podman_files(m->podman_root, id, c, &m->podman_containers,
						&m->podman_images));
	pthread_mutex_unlock(&m->files_lock);
	/* labels live in podman's database: its API service has them, when it runs */
	if (r > 0 && m->podman_socket[0] && access(m->podman_socket, F_OK) == 0)
		want->kind = API_PODMAN;
	return r;
}

static int docker(struct vg_containers *m, const char *id, struct vg_container *c,
		  struct api_want *want, bool only_docker)
{
	int r;

	pthread_mutex_lock(&m->files_lock);
	r = meta_result(m, vg_meta_docker_files(m->docker_root, id, c, &m->docker_repos));
	pthread_mutex_unlock(&m->files_lock);

	if (r > 0)
		c->type = VG_CT_DOCKER;
	/* the Engine API knows what the files did not say (or could not be read for) */
	if (m->docker_api_always || (r > 0 && !c->image) || (r <= 0 && only_docker))
		want->kind = API_DOCKER;
	return r;
}

/*
 * Reads the state files of the runtime(s) the path shape allows, and says
 * which API should complete them. Returns 1 found, 0 nothing found, -ENOMEM.
 */
static int read_metadata(struct vg_containers *m, const struct vg_cgroup_info *ci,
			 struct vg_container *c, struct api_want *want)
{
	const char *id = ci->id;
	int r = 0;

	want->kind = API_NONE;
	want->ns = "";
	switch (ci->type) {
	case VG_CT_DOCKER: return docker(m, id, c, want, true);
	case VG_CT_PODMAN: return podman(m, id, c, want);
	case VG_CT_CRIO: return meta_result(m, vg_meta_crio_files(m->podman_runroot, id, c));
	case VG_CT_CRI_CONTAINERD: return containerd(m, "k8s.io", id, c, want);
	default: break;
	}
	if (ci->kind == VG_CGK_CANDIDATE) {
		if (ci->ns[0]) {
			r = containerd(m, ci->ns, id, c, want);
			if (r)
				return r;
		}
		return meta_result(m, vg_meta_runc_files(m->runc_root, m->host_root, id, c));
	}
	/* a bare 64-hex id: kubepods (cgroupfs driver), a containerd namespace, ... */
	if (ci->ns[0]) {
		r = containerd(m, ci->ns, id, c, want);
		if (r)
			return r;
	}
	if (!ci->ns[0] || strcmp(ci->ns, "k8s.io") != 0) {
		r = containerd(m, "k8s.io", id, c, want);
		if (r)
			return r;
	}
	r = meta_result(m, vg_meta_crio_files(m->podman_runroot, id, c));
	if (r)
		return r;
	r = docker(m, id, c, want, false);
	if (r)
		return r;
	r = podman(m, id, c, want);
	if (r)
		return r;
	return meta_result(m, vg_meta_runc_files(m->runc_root, m->host_root, id, c));
}

/* What the cgroup path alone says: id, runtime guess, pod uid. NULL on ENOMEM. */
static struct vg_container *skeleton(const struct vg_cgroup_info *ci, const char *path)
{
	struct vg_container *c = vg_ct_new();

	if (!c || vg_ct_set_id(c, ci->id) || vg_ct_set(&c->cgroup_path, path) ||
	    (ci->pod_uid[0] && vg_ct_set(&c->pod_uid, ci->pod_uid)) || vg_ct_finish(c)) {
		vg_ct_free(c);
		return NULL;
	}
	c->type = ci->type;
	return c;
}

/*
 * Completes a skeleton from the runtime's state files. 1 a container, 0 not
 * one after all (a plain name no runtime knows), -ENOMEM.
 */
static int fill(struct vg_containers *m, const struct vg_cgroup_info *ci, struct vg_container *c,
		struct api_want *want)
{
	int r = read_metadata(m, ci, c, want);

	if (r == -ENOMEM)
		return r;
	if (r <= 0 && ci->kind == VG_CGK_CANDIDATE)
		return 0;
	c->metadata_found = r > 0;
	/* the annotations may have named the pod too; the path's uid fills a gap */
	if (ci->pod_uid[0] && vg_ct_set_once(&c->pod_uid, ci->pod_uid))
		return -ENOMEM;
	return vg_ct_finish(c) ? -ENOMEM : 1;
}

/* Builds the container for a parsed path; NULL means the host (or ENOMEM). */
static struct vg_container *build(struct vg_containers *m, const struct vg_cgroup_info *ci,
				  const char *path, struct api_want *want)
{
	struct vg_container *c;

	want->kind = API_NONE;
	if (ci->kind == VG_CGK_HOST || ci->kind == VG_CGK_MONITOR)
		return NULL;
	c = skeleton(ci, path);
	if (c && fill(m, ci, c, want) <= 0) {
		vg_ct_free(c);
		c = NULL;
	}
	return c;
}

/* async_files: the worker reads the files, then asks the API they call for */
static int ask_files(struct vg_containers *m, struct api_req *r)
{
	struct api_want want = {API_NONE, ""};
	int ret = fill(m, &r->ci, r->c, &want);

	if (ret <= 0 || want.kind == API_NONE)
		return ret;
	r->kind = want.kind;
	snprintf(r->ns, sizeof(r->ns), "%s", want.ns ? want.ns : "");
	inc(&m->api_calls);
	if (ask_api(m, r) <= 0)
		inc(&m->api_errors); /* the files' answer stands */
	r->kind = API_FILES;
	return 1;
}

/*
 * async_files: the entry gets the skeleton now (the host for a plain name,
 * until a runtime claims it), the worker the reading. false if the queue
 * is full: the caller reads the files itself then.
 */
static bool queue_files(struct vg_containers *m, uint64_t key, const struct vg_cgroup_info *ci,
			const char *path, struct vg_cache_entry **ep)
{
	struct api_req *r = calloc(1, sizeof(*r));
	struct vg_container *entry_c = NULL;
	struct vg_cache_entry *e;

	if (!r)
		return false;
	r->key = key;
	r->kind = API_FILES;
	r->ci = *ci;
	r->c = skeleton(ci, path);
	if (r->c && ci->kind == VG_CGK_CONTAINER)
		entry_c = vg_ct_dup(r->c);
	if (!r->c || (ci->kind == VG_CGK_CONTAINER && !entry_c))
		goto fail;
	pthread_mutex_lock(&m->lock);
	if (m->todo_len >= m->queue_max) {
		pthread_mutex_unlock(&m->lock);
		inc(&m->queue_drops);
		goto fail;
	}
	e = vg_cache_put(m->cache, key,
			 entry_c ? entry_c : (struct vg_container *)vg_container_host());
	if (!e) {
		pthread_mutex_unlock(&m->lock);
		goto fail;
	}
	if (m->todo_tail)
		m->todo_tail->next = r;
	else
		m->todo_head = r;
	m->todo_tail = r;
	m->todo_len++;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	inc(&m->pending);
	inc_own(&m->incomplete);
	e->state = VG_CACHE_PENDING;
	if (entry_c)
		entry_c->incomplete = true;
	*ep = e;
	return true;
fail:
	vg_ct_free(entry_c);
	vg_ct_free(r->c);
	free(r);
	return false;
}

/*
 * A runtime may write its state a moment after the first process is in the
 * cgroup: bare runc saves state.json after starting its init, ~0.1 s before
 * the container's first exec. So an answer without state is looked at again
 * on the entry's lookups every 20 ms for the first second (a coarser step
 * lets that first exec through as the host's), then once after 5 s. A
 * cgroup that is really no container costs at most 51 failed opens.
 */
#define RETRY_FAST_NS	 20000000ull
#define RETRY_FAST_COUNT 50u
#define RETRY_LAST_NS	 5000000000ull
#define MAX_RETRIES	 (RETRY_FAST_COUNT + 1)

static void schedule_retry(struct vg_cache_entry *e, const char *path)
{
	if (e->retries >= MAX_RETRIES || (!e->retry_path && !(e->retry_path = strdup(path)))) {
		e->retry_ns = 0;
		return;
	}
	e->retry_ns = now_ns() + (e->retries < RETRY_FAST_COUNT ? RETRY_FAST_NS : RETRY_LAST_NS);
}

/* whether an answer should be looked at again later */
static bool wants_retry(const struct vg_cgroup_info *ci, const struct vg_container *c)
{
	if (ci->kind == VG_CGK_CANDIDATE)
		return !c;
	return ci->kind == VG_CGK_CONTAINER && c && !c->metadata_found;
}

static bool queue_api(struct vg_containers *m, struct vg_cache_entry *e);
static int want_api(struct vg_cache_entry *e, const struct api_want *w);

static void retry(struct vg_containers *m, struct vg_cache_entry *e)
{
	struct vg_cgroup_info ci;
	struct api_want want;
	struct vg_container *c;

	e->retries++;
	inc(&m->retries);
	vg_cgroup_path_parse(e->retry_path, &ci);
	c = build(m, &ci, e->retry_path, &want);
	if (c && c->metadata_found) {
		vg_cache_replace(m->cache, e, c);
		e->retry_ns = 0;
		if (want.kind != API_NONE && m->worker_started && want_api(e, &want) == 0 &&
		    !queue_api(m, e))
			e->state = VG_CACHE_WANT_API;
		update_gauges(m);
		return;
	}
	vg_ct_free(c);
	schedule_retry(e, e->retry_path);
}

/* An entry's answer: looks again or asks an API when that is due. */
static const struct vg_container *serve(struct vg_containers *m, struct vg_cache_entry *e)
{
	if (e->retry_ns && e->state == VG_CACHE_READY && now_ns() >= e->retry_ns)
		retry(m, e);
	/* a request the full queue refused earlier: try again now */
	if (e->state == VG_CACHE_WANT_API)
		queue_api(m, e);
	if (e->state == VG_CACHE_PENDING)
		inc_own(&m->incomplete);
	return e->c;
}

static const struct vg_container *hit(struct vg_containers *m, struct vg_cache_entry *e)
{
	inc_own(&m->hits);
	return serve(m, e);
}

static const struct vg_container *miss(struct vg_containers *m, uint64_t cgroup_id, uint32_t pid,
				       struct vg_cache_entry **out)
{
	char path[PATH_MAX];
	struct vg_cgroup_info ci;
	struct vg_cache_entry *e;
	struct vg_container *c;
	uint64_t t0 = now_ns(), key = cgroup_id;
	struct api_want want;
	bool keyed;

	if (vg_resolve_cgroup(&m->res, cgroup_id, pid, path, sizeof(path), &keyed) != 0) {
		/* the cgroup is gone, or no way to name it: the host, uncached */
		inc(&m->errors);
		return vg_container_host();
	}
	vg_cgroup_path_parse(path, &ci);
	if (!keyed) {
		/* found through the pid only: key by container, the id says nothing */
		if (ci.kind != VG_CGK_CONTAINER && ci.kind != VG_CGK_CANDIDATE) {
			inc_own(&m->host);
			return vg_container_host();
		}
		key = synthetic_key(ci.id);
		e = vg_cache_get(m->cache, key);
		if (e) {
			*out = e;
			return hit(m, e);
		}
	}
	inc_own(&m->misses);
	if (m->async_files && (ci.kind == VG_CGK_CONTAINER || ci.kind == VG_CGK_CANDIDATE) &&
	    queue_files(m, key, &ci, path, &e)) {
		update_gauges(m);
		atomic_fetch_add_explicit(&m->miss_ns_total, now_ns() - t0, memory_order_relaxed);
		*out = e;
		return e->c;
	}
	c = build(m, &ci, path, &want);
	if (!c)
		inc_own(&m->host);
	e = vg_cache_put(m->cache, key, c ? c : (struct vg_container *)vg_container_host());
	if (!e) {
		vg_ct_free(c);
		inc(&m->errors);
		return vg_container_host();
	}
	if (c && want.kind != API_NONE && m->worker_started && want_api(e, &want) == 0) {
		if (queue_api(m, e))
			inc_own(&m->incomplete);
		else
			e->state = VG_CACHE_WANT_API;
	}
	/* no state yet and no API to complete it: look again in a while */
	if (wants_retry(&ci, c) && e->state == VG_CACHE_READY)
		schedule_retry(e, path);
	update_gauges(m);
	atomic_fetch_add_explicit(&m->miss_ns_total, now_ns() - t0, memory_order_relaxed);
	*out = e;
	return e->c;
}

/* A mapping whose container the cache no longer holds, or holds with another namespace. */
static bool ns_stale(uint64_t key, uint32_t ns, void *arg)
{
	struct vg_containers *m = arg;
	struct vg_cache_entry *e = vg_cache_peek(m->cache, key);

	return !e || e->mnt_ns != ns;
}

/* The lookup; *e is the cache entry behind the answer, NULL for the root cgroup. */
static const struct vg_container *lookup(struct vg_containers *m, uint64_t cgroup_id, uint32_t pid,
					 struct vg_cache_entry **e)
{
	*e = NULL;
	inc_own(&m->lookups);
	vg_containers_poll(m);
	if (cgroup_id && cgroup_id != m->res.root_ino) {
		*e = vg_cache_get(m->cache, cgroup_id);
		if (*e)
			return hit(m, *e);
	} else if (!pid || (cgroup_id && m->res.root[0])) {
		/*
		 * The cgroup2 root is the host's: every runtime puts its containers
		 * in their own cgroup2 directory. Only a host without cgroup2 (v1
		 * alone: the kernel's id is then always the root's), or a caller
		 * without the id, needs the pid.
		 */
		inc_own(&m->hits);
		return vg_container_host();
	}
	return miss(m, cgroup_id, pid, e);
}

const struct vg_container *vg_containers_lookup(struct vg_containers *m, uint64_t cgroup_id,
						uint32_t pid)
{
	struct vg_cache_entry *e;

	return lookup(m, cgroup_id, pid, &e);
}

/*
 * A container's mount namespace, learnt from its first event that is in
 * one: the runtime's exec helper joins the cgroup before the namespaces, so
 * an event in the host's mount namespace teaches nothing.
 */
static void learn_ns(struct vg_containers *m, struct vg_cache_entry *e, uint32_t mnt_ns)
{
	if (e->c->type == VG_CT_HOST)
		return;
	e->mnt_ns = mnt_ns;
	if (vg_nsmap_put(&m->nsmap, mnt_ns, e->key) == -ENOSPC) {
		/* full: what the cache has dropped since goes, then try once more */
		vg_nsmap_prune(&m->nsmap, ns_stale, m);
		vg_nsmap_put(&m->nsmap, mnt_ns, e->key);
	}
}

/* The container whose mount namespace a host-cgroup process is in, or NULL. */
static const struct vg_container *entered(struct vg_containers *m, uint32_t mnt_ns)
{
	struct vg_cache_entry *e;
	uint64_t key;

	if (!vg_nsmap_get(&m->nsmap, mnt_ns, &key))
		return NULL;
	e = vg_cache_get(m->cache, key);
	if (!e || e->mnt_ns != mnt_ns) {
		/* the container is gone from the cache: so is what it taught */
		vg_nsmap_del(&m->nsmap, mnt_ns);
		return NULL;
	}
	inc_own(&m->entered);
	return serve(m, e);
}

static bool ns_known_not_container(const struct vg_containers *m, uint32_t mnt_ns, uint64_t now)
{
	for (size_t i = 0; i < NS_NEG_SLOTS; i++)
		if (m->ns_neg[i].ns == mnt_ns && m->ns_neg[i].until_ns > now)
			return true;
	return false;
}

/* A process of mnt_ns in a container's cgroup teaches the namespace; that container or NULL. */
static const struct vg_container *ns_from_pids(struct vg_containers *m, uint32_t mnt_ns)
{
	uint32_t pids[NS_SCAN_PIDS];
	size_t n = vg_ns_pids(m->res.procfs, mnt_ns, pids, NS_SCAN_PIDS);

	for (size_t i = 0; i < n; i++) {
		uint64_t cgid = vg_resolve_pid_cgroup_id(&m->res, pids[i]);
		struct vg_cache_entry *e;
		const struct vg_container *c;

		/* the process that entered is among them, in the host's cgroup */
		if (!cgid || cgid == m->res.root_ino)
			continue;
		c = lookup(m, cgid, pids[i], &e);
		if (c->type == VG_CT_HOST || !e)
			continue;
		learn_ns(m, e, mnt_ns);
		if (e->mnt_ns == mnt_ns)
			return c;
	}
	return NULL;
}

/*
 * A mount namespace no cached container has taught yet: the container may
 * be older than vigil and idle since it started. Walks /proc for a process
 * of that namespace in a container's cgroup. Bounded: walks take at most
 * 1/20 of this thread's time, in bursts of up to 50 ms (a few processes
 * entering containers one after the other are all found), and a namespace
 * found to be no container's (a service's private /tmp, an unshare) is not
 * looked for again for 30 s.
 */
static const struct vg_container *scan_ns(struct vg_containers *m, uint32_t mnt_ns)
{
	uint64_t t0 = now_ns();
	const struct vg_container *c;

	if (!m->scan_refill_ns)
		m->scan_budget_ns = (int64_t)NS_SCAN_BURST_NS;
	else
		m->scan_budget_ns += (int64_t)((t0 - m->scan_refill_ns) / NS_SCAN_SHARE);
	if (m->scan_budget_ns > (int64_t)NS_SCAN_BURST_NS)
		m->scan_budget_ns = (int64_t)NS_SCAN_BURST_NS;
	m->scan_refill_ns = t0;
	if (m->scan_budget_ns <= 0 || ns_known_not_container(m, mnt_ns, t0))
		return NULL;
	c = ns_from_pids(m, mnt_ns);
	m->scan_budget_ns -= (int64_t)(now_ns() - t0);
	inc_own(&m->ns_scans);
	if (c)
		return c;
	m->ns_neg[m->ns_neg_next].ns = mnt_ns;
	m->ns_neg[m->ns_neg_next].until_ns = t0 + NS_NEG_TTL_NS;
	m->ns_neg_next = (m->ns_neg_next + 1) % NS_NEG_SLOTS;
	return NULL;
}

const struct vg_container *vg_containers_lookup_ns(struct vg_containers *m, uint64_t cgroup_id,
						   uint32_t pid, uint32_t mnt_ns)
{
	struct vg_cache_entry *e;
	const struct vg_container *c = lookup(m, cgroup_id, pid, &e), *in;

	if (!mnt_ns || mnt_ns == m->host_mnt_ns || !m->host_mnt_ns)
		return c;
	if (c->type != VG_CT_HOST) {
		if (e && !e->mnt_ns)
			learn_ns(m, e, mnt_ns);
		return c;
	}
	in = entered(m, mnt_ns);
	if (!in && (in = scan_ns(m, mnt_ns)))
		inc_own(&m->entered);
	return in ? in : c;
}

void vg_containers_on_gone(struct vg_containers *m,
			   void (*fn)(void *arg, const struct vg_container *c), void *arg)
{
	m->on_gone = fn;
	m->on_gone_arg = arg;
}

static void tell_gone(struct vg_containers *m, const struct vg_cache_entry *e)
{
	/* a host cgroup going (a service's) is no container going: "host" stays */
	if (m->on_gone && e && e->c && e->state != VG_CACHE_PENDING &&
	    strcmp(e->c->id, "host") != 0)
		m->on_gone(m->on_gone_arg, e->c);
}

void vg_containers_forget(struct vg_containers *m, uint64_t cgroup_id)
{
	tell_gone(m, vg_cache_peek(m->cache, cgroup_id));
	if (vg_cache_del(m->cache, cgroup_id))
		inc(&m->forgotten);
	update_gauges(m);
}

static int gone(struct vg_cache_entry *e, void *arg)
{
	struct vg_containers *m = arg;
	char path[PATH_MAX];
	bool keyed;

	/* entries found by pid are bounded by the LRU; a pending one waits for its answer */
	if (e->key & SYNTHETIC_KEY_BIT || e->state == VG_CACHE_PENDING)
		return 0;
	if (vg_resolve_cgroup(&m->res, e->key, 0, path, sizeof(path), &keyed) != -ESTALE)
		return 0;
	tell_gone(m, e);
	return 1;
}

size_t vg_containers_sweep(struct vg_containers *m)
{
	size_t n;

	vg_containers_poll(m);
	n = vg_cache_remove_if(m->cache, gone, m);
	atomic_fetch_add_explicit(&m->forgotten, n, memory_order_relaxed);
	update_gauges(m);
	return n;
}

void vg_containers_stats(struct vg_containers *m, struct vg_containers_stats *o)
{
#define LOAD(f) o->f = atomic_load_explicit(&m->f, memory_order_relaxed)
	LOAD(lookups);
	LOAD(hits);
	LOAD(misses);
	LOAD(host);
	LOAD(incomplete);
	LOAD(pending);
	LOAD(api_calls);
	LOAD(api_errors);
	LOAD(queue_drops);
	LOAD(errors);
	LOAD(meta_errors);
	LOAD(evictions);
	LOAD(forgotten);
	LOAD(retries);
	LOAD(entries);
	LOAD(memory_bytes);
	LOAD(miss_ns_total);
	LOAD(entered);
	LOAD(ns_scans);
	LOAD(evict_bytes);
#undef LOAD
	for (unsigned i = 0; i < VG_CONTAINER_TRUNC_REASONS; i++)
		o->truncated[i] = vg_ct_truncated(i);
}
