// SPDX-License-Identifier: Apache-2.0
/*
 * The manager over a fixture tree: a fake /proc (pid -> cgroup lines), a
 * directory tree standing for the cgroup2 mount (its inode numbers are the
 * cgroup ids), runtime state files, and a fake Docker Engine API on a unix
 * socket that answers when the test lets it, to watch the asynchronous path.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "container/container.h"

#define H(c) c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define ID_D H("d1") /* docker, files */
#define ID_A H("a1") /* docker, API only */
#define ID_B H("b1") /* docker, API only */
#define ID_C H("c1") /* docker, API only */
#define ID_K H("e1") /* CRI through containerd */
#define ID_P H("f1") /* podman */
#define POD  "c583a286-a9b3-4b13-b5dd-467f3e23ccba"

static char root[64];

static void put(const char *rel, const char *content)
{
	char path[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* a process: its /proc/<pid>/cgroup and its cgroup directory; returns the cgroup id */
static uint64_t proc(unsigned pid, const char *cgpath, bool v2)
{
	char rel[512], content[600], dir[600];
	struct stat st;

	snprintf(rel, sizeof(rel), "proc/%u/cgroup", pid);
	if (v2)
		snprintf(content, sizeof(content), "4:memory:%s\n1:cpu:%s\n0::%s\n", cgpath, cgpath,
			 cgpath);
	else
		snprintf(content, sizeof(content), "4:memory:%s\n1:cpu:%s\n", cgpath, cgpath);
	put(rel, content);
	snprintf(rel, sizeof(rel), "cg%s/x", cgpath);
	put(rel, "");
	snprintf(dir, sizeof(dir), "%s/cg%s", root, cgpath);
	assert_int_equal(stat(dir, &st), 0);
	return st.st_ino;
}

static char path_buf[8][256];
static int path_i;

static const char *P(const char *rel)
{
	char *p = path_buf[path_i++ % 8];

	snprintf(p, 256, "%s/%s", root, rel);
	return p;
}

static struct vg_containers_opts fixture_opts(void)
{
	struct vg_containers_opts o = {
		.procfs_root = P("proc"),
		.cgroup2_root = P("cg"),
		.docker_root = P("docker"),
		.docker_socket = "",
		.containerd_socket = "",
		.podman_socket = "",
		.podman_root = P("podman"),
		.podman_runroot = P("crio"),
		.runc_root = P("runc"),
		.containerd_root = P("task"),
	};
	return o;
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/vg-ct-XXXXXX");
	assert_non_null(mkdtemp(root));
	put("docker/containers/" ID_D "/config.v2.json",
	    "{\"Name\":\"/web\",\"Config\":{\"Image\":\"nginx:1.25\",\"Labels\":{\"t\":\"1\"}},"
	    "\"State\":{\"StartedAt\":\"2026-11-22T08:37:26Z\"}}");
	put("docker/containers/" ID_D "/hostconfig.json", "{\"Privileged\":true}");
	put("task/k8s.io/" ID_K "/config.json",
	    "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\","
	    "\"io.kubernetes.cri.container-name\":\"app\","
	    "\"io.kubernetes.cri.image-name\":\"busybox:1.36\","
	    "\"io.kubernetes.cri.sandbox-name\":\"app-1\","
	    "\"io.kubernetes.cri.sandbox-namespace\":\"prod\"}}");
	put("podman/overlay-containers/containers.json",
	    "[{\"id\":\"" ID_P "\",\"names\":[\"pm\"],"
	    "\"metadata\":\"{\\\"image-name\\\":\\\"localhost/x:2\\\"}\"}]");
	put("runc/r1/state.json", "{\"id\":\"r1\",\"created\":\"2026-11-22T08:37:24Z\"}");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_resolve_by_pid(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m = vg_containers_new(&o);
	struct vg_containers_stats st;
	const struct vg_container *c, *c2;
	uint64_t id_d = proc(100, "/docker/" ID_D, true);
	uint64_t id_k = proc(101, "/kubepods/besteffort/pod" POD "/" ID_K, true);
	uint64_t id_p = proc(102, "/libpod_parent/libpod-" ID_P, true);
	uint64_t id_h = proc(103, "/system.slice/cron.service", true);
	uint64_t id_m = proc(104, "/libpod_parent/libpod-conmon-" ID_P, true);
	uint64_t id_r = proc(105, "/r1", true);
	uint64_t id_x = proc(106, "/nothing-here", true);

	(void)state;
	assert_non_null(m);
	c = vg_containers_lookup(m, id_d, 100);
	assert_int_equal(c->type, VG_CT_DOCKER);
	assert_string_equal(c->id, "d1d1d1d1d1d1");
	assert_string_equal(c->full_id, ID_D);
	assert_string_equal(c->name, "web");
	assert_string_equal(c->image_repository, "nginx");
	assert_string_equal(c->image_tag, "1.25");
	assert_true(c->privileged);
	assert_true(c->metadata_found);
	assert_false(c->incomplete);
	assert_string_equal(c->cgroup_path, "/docker/" ID_D);
	/* cached under the id: the pid is not needed any more */
	c2 = vg_containers_lookup(m, id_d, 0);
	assert_ptr_equal(c, c2);

	c = vg_containers_lookup(m, id_k, 101);
	assert_int_equal(c->type, VG_CT_CRI_CONTAINERD);
	assert_string_equal(c->name, "app");
	assert_string_equal(c->pod_name, "app-1");
	assert_string_equal(c->pod_namespace, "prod");
	assert_string_equal(c->pod_uid, POD); /* from the cgroup path */
	assert_string_equal(c->image_tag, "1.36");

	c = vg_containers_lookup(m, id_p, 102);
	assert_int_equal(c->type, VG_CT_PODMAN);
	assert_string_equal(c->name, "pm");
	assert_string_equal(c->image, "localhost/x:2");

	c = vg_containers_lookup(m, id_r, 105);
	assert_int_equal(c->type, VG_CT_RUNC);
	assert_string_equal(c->name, "r1");
	assert_string_equal(c->id, "r1");

	assert_ptr_equal(vg_containers_lookup(m, id_h, 103), vg_container_host());
	assert_ptr_equal(vg_containers_lookup(m, id_m, 104), vg_container_host());
	assert_ptr_equal(vg_containers_lookup(m, id_x, 106), vg_container_host());
	/* the host answers are cached too */
	assert_ptr_equal(vg_containers_lookup(m, id_h, 0), vg_container_host());
	assert_string_equal(vg_container_host()->id, "host");
	assert_string_equal(vg_container_host()->name, "host");

	vg_containers_stats(m, &st);
	assert_int_equal(st.misses, 7);
	assert_int_equal(st.host, 3);
	assert_int_equal(st.hits, 2);
	assert_int_equal(st.entries, 7);
	assert_int_equal(st.errors, 0);
	assert_true(st.memory_bytes > 4 * sizeof(struct vg_container));

	/* forget drops it; the next lookup reads again */
	vg_containers_forget(m, id_d);
	vg_containers_stats(m, &st);
	assert_int_equal(st.entries, 6);
	assert_int_equal(st.forgotten, 1);
	c = vg_containers_lookup(m, id_d, 100);
	assert_string_equal(c->name, "web");
	vg_containers_stats(m, &st);
	assert_int_equal(st.misses, 8);

	/* an id nothing resolves: the host, counted, not cached */
	c = vg_containers_lookup(m, 987654321, 0);
	assert_ptr_equal(c, vg_container_host());
	vg_containers_stats(m, &st);
	assert_int_equal(st.errors, 1);
	assert_int_equal(st.entries, 7);
	/* the root cgroup is the host's without any I/O */
	assert_ptr_equal(vg_containers_lookup(m, 0, 0), vg_container_host());
	vg_containers_free(m);
}

static void test_v1_by_pid(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m;
	struct vg_containers_stats st;
	const struct vg_container *c, *c2;

	(void)state;
	/* a host without cgroup2: the kernel's id tells nothing, the pid's v1 lines do */
	proc(200, "/docker/" ID_D, false);
	o.cgroup2_root = P("no-such-mount");
	m = vg_containers_new(&o);
	assert_non_null(m);
	c = vg_containers_lookup(m, 1, 200);
	assert_int_equal(c->type, VG_CT_DOCKER);
	assert_string_equal(c->name, "web");
	c2 = vg_containers_lookup(m, 1, 200);
	assert_ptr_equal(c, c2);
	vg_containers_stats(m, &st);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.hits, 1);
	/* a pid that is gone */
	assert_ptr_equal(vg_containers_lookup(m, 1, 99999), vg_container_host());
	/* a runc container named freely: found by its name on the v1 lines too */
	proc(201, "/r1", false);
	c = vg_containers_lookup(m, 1, 201);
	assert_int_equal(c->type, VG_CT_RUNC);
	assert_string_equal(c->name, "r1");
	/* a host process in v1 cgroups of its own */
	proc(202, "/system.slice/cron.service", false);
	assert_ptr_equal(vg_containers_lookup(m, 1, 202), vg_container_host());
	vg_containers_free(m);
}

static void test_bound(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m;
	struct vg_containers_stats st;
	uint64_t ids[5];

	(void)state;
	o.max_entries = 2;
	m = vg_containers_new(&o);
	assert_non_null(m);
	for (unsigned i = 0; i < 5; i++) {
		char p[64];

		snprintf(p, sizeof(p), "/bound/x%u.service", i);
		ids[i] = proc(300 + i, p, true);
		vg_containers_lookup(m, ids[i], 300 + i);
	}
	vg_containers_stats(m, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.evictions, 3);
	vg_containers_free(m);
}

/* a fake Docker Engine API: answers GET /containers/<id>/json when released */
struct fake_api {
	char path[108];
	int fd;
	pthread_t thread;
	atomic_int requests;
	atomic_bool release, stop;
};

static void *serve(void *arg)
{
	struct fake_api *a = arg;

	while (!a->stop) {
		char req[4096], body[512], resp[1024], id[80] = "";
		int c = accept(a->fd, NULL, NULL);
		size_t len = 0;
		const char *p;
		int n;

		if (c < 0)
			continue;
		while (len < sizeof(req) - 1) {
			ssize_t r = read(c, req + len, sizeof(req) - 1 - len);

			if (r <= 0)
				break;
			len += (size_t)r;
			req[len] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[len] = '\0';
		a->requests++;
		while (!a->release && !a->stop)
			usleep(1000);
		p = strstr(req, "/containers/");
		if (p)
			sscanf(p + 12, "%70[^/]", id);
		if (strcmp(id, ID_A) == 0 || strcmp(id, ID_B) == 0 || strcmp(id, ID_C) == 0) {
			snprintf(body, sizeof(body),
				 "{\"Id\":\"%s\",\"Name\":\"/api-%.4s\",\"Config\":{\"Image\":"
				 "\"reg:5000/api:7\",\"Labels\":{\"via\":\"api\"}},"
				 "\"HostConfig\":{\"Privileged\":true},"
				 "\"State\":{\"StartedAt\":\"2026-11-22T08:37:26Z\"}}",
				 id, id);
			n = snprintf(resp, sizeof(resp),
				     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
				     strlen(body), body);
		} else if (strcmp(id, ID_P) == 0) {
			/* podman's compat API: the labels its database keeps */
			snprintf(body, sizeof(body),
				 "{\"Id\":\"%s\",\"Name\":\"api-name\",\"Config\":{\"Labels\":"
				 "{\"team\":\"purple\",\"n\":5}}}",
				 id);
			n = snprintf(resp, sizeof(resp),
				     "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: "
				     "close\r\n\r\n%s",
				     strlen(body), body);
		} else {
			n = snprintf(resp, sizeof(resp),
				     "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n"
				     "Connection: close\r\n\r\n{}");
		}
		if (write(c, resp, (size_t)n) < 0)
			fprintf(stderr, "fake api: write: %s\n", strerror(errno));
		close(c);
	}
	return NULL;
}

static void api_start(struct fake_api *a)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	memset(a, 0, sizeof(*a));
	snprintf(a->path, sizeof(a->path), "%s/docker.sock", root);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", a->path);
	a->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(a->fd >= 0);
	assert_int_equal(bind(a->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(a->fd, 16), 0);
	{
		/* accept wakes up now and then to see stop */
		struct timeval tv = {.tv_usec = 50000};

		setsockopt(a->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	assert_int_equal(pthread_create(&a->thread, NULL, serve, a), 0);
}

static void api_stop(struct fake_api *a)
{
	a->stop = true;
	pthread_join(a->thread, NULL);
	close(a->fd);
	unlink(a->path);
}

static const struct vg_container *wait_complete(struct vg_containers *m, uint64_t id)
{
	const struct vg_container *c = vg_containers_lookup(m, id, 0);

	for (int i = 0; i < 5000 && c->incomplete; i++) {
		usleep(1000);
		c = vg_containers_lookup(m, id, 0);
	}
	return c;
}

static void test_docker_api_async(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m;
	struct vg_containers_stats st;
	const struct vg_container *c;
	struct fake_api api;
	uint64_t id_a = proc(400, "/docker/" ID_A, true);
	uint64_t id_b = proc(401, "/docker/" ID_B, true);
	uint64_t id_c = proc(402, "/docker/" ID_C, true);

	(void)state;
	api_start(&api);
	o.docker_socket = api.path;
	o.api_queue_len = 1;
	m = vg_containers_new(&o);
	assert_non_null(m);

	/* no config.v2.json: what the path says now, the rest when the API answers */
	c = vg_containers_lookup(m, id_a, 400);
	assert_true(c->incomplete);
	assert_int_equal(c->type, VG_CT_DOCKER);
	assert_string_equal(c->full_id, ID_A);
	assert_null(c->name);
	assert_false(c->metadata_found);
	for (int i = 0; i < 5000 && api.requests == 0; i++)
		usleep(1000);
	assert_int_equal(api.requests, 1); /* the worker is busy with A */

	/* the queue holds one: B waits, C is refused and counted */
	c = vg_containers_lookup(m, id_b, 401);
	assert_true(c->incomplete);
	c = vg_containers_lookup(m, id_c, 402);
	assert_false(c->incomplete);
	vg_containers_stats(m, &st);
	assert_int_equal(st.queue_drops, 1);
	assert_int_equal(st.pending, 2);
	/* a lookup while pending returns at once and says so */
	c = vg_containers_lookup(m, id_a, 0);
	assert_true(c->incomplete);
	vg_containers_stats(m, &st);
	assert_true(st.incomplete >= 1);

	api.release = true;
	c = wait_complete(m, id_a);
	assert_false(c->incomplete);
	assert_string_equal(c->name, "api-a1a1");
	assert_string_equal(c->image_repository, "reg:5000/api");
	assert_string_equal(c->image_tag, "7");
	assert_true(c->privileged);
	assert_true(c->metadata_found);
	assert_string_equal(c->metadata_path, "docker-api");
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "via"), "api");
	assert_true(c->start_ts > 0);
	c = wait_complete(m, id_b);
	assert_string_equal(c->name, "api-b1b1");
	/* C is asked again on its next lookup, now that there is room */
	c = vg_containers_lookup(m, id_c, 0);
	assert_true(c->incomplete);
	c = wait_complete(m, id_c);
	assert_false(c->incomplete);
	assert_string_equal(c->name, "api-c1c1");
	vg_containers_stats(m, &st);
	assert_int_equal(st.api_calls, 3);
	assert_int_equal(st.api_errors, 0);
	assert_int_equal(st.pending, 0);
	vg_containers_free(m);
	api_stop(&api);
}

static void test_podman_api(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m;
	const struct vg_container *c;
	struct fake_api api;
	uint64_t id_p = proc(450, "/libpod_parent/libpod-" ID_P, true);

	(void)state;
	api_start(&api);
	o.podman_socket = api.path;
	m = vg_containers_new(&o);
	assert_non_null(m);
	c = vg_containers_lookup(m, id_p, 450);
	assert_true(c->incomplete);
	assert_string_equal(c->name, "pm");
	assert_int_equal(c->n_labels, 0);
	api.release = true;
	c = wait_complete(m, id_p);
	assert_false(c->incomplete);
	/* only the labels come from the API: the files' answer stands */
	assert_string_equal(c->name, "pm");
	assert_string_equal(c->image, "localhost/x:2");
	assert_int_equal(c->n_labels, 1);
	assert_string_equal(vg_container_label(c->labels, c->n_labels, "team"), "purple");
	vg_containers_free(m);
	api_stop(&api);
}

static void test_docker_api_down(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m;
	struct vg_containers_stats st;
	const struct vg_container *c;
	uint64_t id_a = proc(500, "/docker/" ID_A, true);

	(void)state;
	o.docker_socket = P("no-such.sock");
	m = vg_containers_new(&o);
	assert_non_null(m);
	c = vg_containers_lookup(m, id_a, 500);
	assert_true(c->incomplete);
	c = wait_complete(m, id_a);
	/* the files' answer (nothing but the id) becomes final; the failure is counted */
	assert_false(c->incomplete);
	assert_int_equal(c->type, VG_CT_DOCKER);
	assert_null(c->name);
	vg_containers_stats(m, &st);
	assert_int_equal(st.api_calls, 1);
	assert_int_equal(st.api_errors, 1);
	/* freeing with a request in flight is safe too */
	proc(501, "/docker/" ID_B, true);
	vg_containers_lookup(m, 0, 501);
	vg_containers_free(m);
}

static void test_async_files(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m;
	struct vg_containers_stats st;
	const struct vg_container *c;
	uint64_t id_d = proc(600, "/docker/" ID_D, true);
	uint64_t id_r = proc(601, "/r1", true);
	uint64_t id_x = proc(602, "/nothing-here", true);
	uint64_t id_h = proc(603, "/system.slice/cron.service", true);
	uint64_t id_k = proc(604, "/kubepods/besteffort/pod" POD "/" ID_K, true);

	(void)state;
	o.async_files = true;
	m = vg_containers_new(&o);
	assert_non_null(m);

	/* the path's answer now, the files' later */
	c = vg_containers_lookup(m, id_d, 600);
	assert_true(c->incomplete);
	assert_int_equal(c->type, VG_CT_DOCKER);
	assert_string_equal(c->full_id, ID_D);
	assert_null(c->name);
	c = wait_complete(m, id_d);
	assert_false(c->incomplete);
	assert_string_equal(c->name, "web");
	assert_true(c->privileged);
	assert_true(c->metadata_found);

	c = vg_containers_lookup(m, id_k, 604);
	assert_true(c->incomplete);
	assert_string_equal(c->pod_uid, POD);
	c = wait_complete(m, id_k);
	assert_int_equal(c->type, VG_CT_CRI_CONTAINERD);
	assert_string_equal(c->pod_name, "app-1");

	/* a plain name: the host until a runtime claims it */
	c = vg_containers_lookup(m, id_r, 601);
	assert_ptr_equal(c, vg_container_host());
	for (int i = 0; i < 5000 && c == vg_container_host(); i++) {
		usleep(1000);
		c = vg_containers_lookup(m, id_r, 0);
	}
	assert_int_equal(c->type, VG_CT_RUNC);
	assert_string_equal(c->name, "r1");
	c = vg_containers_lookup(m, id_x, 602);
	assert_ptr_equal(c, vg_container_host());
	/* systemd units never go to the worker */
	assert_ptr_equal(vg_containers_lookup(m, id_h, 603), vg_container_host());
	for (int i = 0; i < 5000; i++) {
		vg_containers_stats(m, &st);
		if (st.pending == 0)
			break;
		usleep(1000);
		vg_containers_poll(m);
	}
	assert_ptr_equal(vg_containers_lookup(m, id_x, 0), vg_container_host());
	vg_containers_stats(m, &st);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.misses, 5);
	vg_containers_free(m);
}

/*
 * Bare runc writes state.json ~0.1 s after its init's first event and a
 * moment before the container's first exec: a look 0.06 s in finds nothing,
 * and the exec 0.04 s after the file appears must see the container, not
 * the host (a 0.5 s second step let it through).
 */
static void test_retry_runc_state_gap(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m = vg_containers_new(&o);
	uint64_t id = proc(710, "/gap-runc", true);
	const struct vg_container *c;

	(void)state;
	assert_non_null(m);
	assert_ptr_equal(vg_containers_lookup(m, id, 710), vg_container_host());
	usleep(60000);
	assert_ptr_equal(vg_containers_lookup(m, id, 0), vg_container_host());
	put("runc/gap-runc/state.json", "{\"id\":\"gap-runc\"}");
	usleep(40000);
	c = vg_containers_lookup(m, id, 0);
	assert_int_equal(c->type, VG_CT_RUNC);
	assert_string_equal(c->name, "gap-runc");
	vg_containers_free(m);
}

#define ID_L H("9a") /* docker, files written late */

/* state written after the first process is in the cgroup: looked at again */
static void test_retry(void **state)
{
	struct vg_containers_opts o = fixture_opts();
	struct vg_containers *m, *ma;
	struct vg_containers_stats st;
	const struct vg_container *c;
	uint64_t id_r = proc(700, "/late-runc", true);
	uint64_t id_d = proc(701, "/docker/" ID_L, true);
	uint64_t id_n = proc(702, "/never-a-container", true);
	uint64_t id_a = proc(703, "/late-async", true);

	(void)state;
	m = vg_containers_new(&o);
	o.async_files = true;
	ma = vg_containers_new(&o);
	assert_non_null(m);
	assert_non_null(ma);

	assert_ptr_equal(vg_containers_lookup(m, id_r, 700), vg_container_host());
	c = vg_containers_lookup(m, id_d, 701);
	assert_int_equal(c->type, VG_CT_DOCKER);
	assert_null(c->name);
	assert_false(c->metadata_found);
	assert_ptr_equal(vg_containers_lookup(m, id_n, 702), vg_container_host());
	c = vg_containers_lookup(ma, id_a, 703);
	for (int i = 0; i < 5000; i++) {
		vg_containers_stats(ma, &st);
		if (st.pending == 0)
			break;
		usleep(1000);
		vg_containers_poll(ma);
	}
	assert_ptr_equal(vg_containers_lookup(ma, id_a, 0), vg_container_host());

	/* the runtimes write their state now */
	put("runc/late-runc/state.json", "{\"id\":\"late-runc\"}");
	put("runc/late-async/state.json", "{\"id\":\"late-async\"}");
	put("docker/containers/" ID_L "/config.v2.json",
	    "{\"Name\":\"/late\",\"Config\":{\"Image\":\"busybox\"}}");
	/* not before the first delay */
	assert_ptr_equal(vg_containers_lookup(m, id_r, 0), vg_container_host());
	usleep(60000);
	c = vg_containers_lookup(m, id_r, 0);
	assert_int_equal(c->type, VG_CT_RUNC);
	assert_string_equal(c->name, "late-runc");
	c = vg_containers_lookup(m, id_d, 0);
	assert_string_equal(c->name, "late");
	assert_true(c->metadata_found);
	c = vg_containers_lookup(ma, id_a, 0);
	assert_int_equal(c->type, VG_CT_RUNC);
	/* a cgroup no runtime knows: looked at once now, the next look much later */
	assert_ptr_equal(vg_containers_lookup(m, id_n, 0), vg_container_host());
	assert_ptr_equal(vg_containers_lookup(m, id_n, 0), vg_container_host());
	vg_containers_stats(m, &st);
	assert_int_equal(st.retries, 3);
	assert_int_equal(st.misses, 3);
	vg_containers_free(m);
	vg_containers_free(ma);
}

/* Fake mount namespace inodes: beyond any inode number a fixture file gets. */
#define NS_A 0xfffff001u
#define NS_B 0xfffff002u
#define NS_C 0xfffff003u

/* A process in the host's cgroup but a container's mount namespace entered it with setns. */
static void test_entered_by_mount_ns(void **state)
{
	struct vg_containers_opts o;
	struct vg_containers *m;
	struct vg_containers_stats st;
	struct stat sb;
	uint64_t id_d, id_h;
	uint32_t host_ns;

	(void)state;
	put("proc/1/ns/mnt", ""); /* init's mount namespace: this file's inode */
	assert_int_equal(stat(P("proc/1/ns/mnt"), &sb), 0);
	host_ns = (uint32_t)sb.st_ino;
	id_d = proc(110, "/docker/" ID_D, true);
	id_h = proc(111, "/system.slice/ssh.service", true);
	/* last: P() reuses its buffers, and the manager keeps the paths */
	o = fixture_opts();
	m = vg_containers_new(&o);
	assert_non_null(m);

	/* the container seen only in the host's mount namespace (runc exec's helper): nothing
	 * learnt */
	assert_int_equal(vg_containers_lookup_ns(m, id_d, 110, host_ns)->type, VG_CT_DOCKER);
	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 111, NS_A), vg_container_host());
	/* its own process in its namespace teaches it */
	assert_int_equal(vg_containers_lookup_ns(m, id_d, 110, NS_A)->type, VG_CT_DOCKER);
	assert_string_equal(vg_containers_lookup_ns(m, id_h, 111, NS_A)->name, "web");
	assert_string_equal(vg_containers_lookup_ns(m, 0, 0, NS_A)->name, "web"); /* root cgroup */
	/* the host's namespace, or one no container has, is the host */
	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 111, host_ns), vg_container_host());
	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 111, NS_B), vg_container_host());
	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 111, 0), vg_container_host());
	/* the first namespace stays: a nested one (a process that unshared) is not the container's
	 */
	assert_int_equal(vg_containers_lookup_ns(m, id_d, 110, NS_C)->type, VG_CT_DOCKER);
	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 111, NS_C), vg_container_host());
	vg_containers_stats(m, &st);
	assert_int_equal(st.entered, 2);
	/* the container gone from the cache: what it taught goes too */
	vg_containers_forget(m, id_d);
	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 111, NS_A), vg_container_host());
	/* back in the cache, seen in the host's namespace only: still nothing */
	assert_int_equal(vg_containers_lookup_ns(m, id_d, 110, host_ns)->type, VG_CT_DOCKER);
	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 111, NS_A), vg_container_host());
	vg_containers_stats(m, &st);
	assert_int_equal(st.entered, 2);
	vg_containers_free(m);
	unlink(P("proc/1/ns/mnt"));
}

/*
 * A container idle since vigil started: no event taught its namespace, so
 * the manager finds a process of that namespace in /proc whose cgroup is
 * the container's.
 */
static void test_entered_idle_container(void **state)
{
	struct vg_containers_opts o;
	struct vg_containers *m;
	struct vg_containers_stats st;
	struct stat sb;
	uint32_t ns_ctr, ns_private;
	uint64_t id_h;
	const struct vg_container *c;

	(void)state;
	put("proc/1/ns/mnt", "");
	proc(120, "/docker/" ID_D, true); /* the container's init */
	id_h = proc(121, "/system.slice/ssh.service", true);
	proc(122, "/system.slice/cron.service", true);
	/* pid 121 entered 120's namespace: both ns/mnt files are one inode */
	put("proc/120/ns/mnt", "");
	assert_int_equal(mkdir(P("proc/121/ns"), 0755), 0);
	assert_int_equal(link(P("proc/120/ns/mnt"), P("proc/121/ns/mnt")), 0);
	assert_int_equal(stat(P("proc/120/ns/mnt"), &sb), 0);
	ns_ctr = (uint32_t)sb.st_ino;
	/* pid 122: a service with a mount namespace of its own, no container's */
	put("proc/122/ns/mnt", "");
	assert_int_equal(stat(P("proc/122/ns/mnt"), &sb), 0);
	ns_private = (uint32_t)sb.st_ino;
	/* last: P() reuses its buffers, and the manager keeps the paths */
	o = fixture_opts();
	m = vg_containers_new(&o);
	assert_non_null(m);

	c = vg_containers_lookup_ns(m, id_h, 121, ns_ctr);
	assert_int_equal(c->type, VG_CT_DOCKER);
	assert_string_equal(c->name, "web");
	/* learnt: no more walks for it */
	assert_string_equal(vg_containers_lookup_ns(m, id_h, 121, ns_ctr)->name, "web");
	vg_containers_stats(m, &st);
	assert_int_equal(st.ns_scans, 1);
	assert_int_equal(st.entered, 2);

	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 122, ns_private), vg_container_host());
	/* known to be no container's: not walked for again */
	assert_ptr_equal(vg_containers_lookup_ns(m, id_h, 122, ns_private), vg_container_host());
	vg_containers_stats(m, &st);
	assert_int_equal(st.ns_scans, 2);
	assert_int_equal(st.entered, 2);
	vg_containers_free(m);
	unlink(P("proc/1/ns/mnt"));
}

static void test_bad_opts(void **state)
{
	struct vg_containers_opts o = {.cgroup2_root = "/"};
	char longp[5000];
	struct vg_containers *m;

	(void)state;
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	o.cgroup2_root = longp;
	o.docker_socket = "";
	errno = 0;
	assert_null(vg_containers_new(&o));
	assert_int_equal(errno, EINVAL);
	/* defaults work, whatever this machine has */
	m = vg_containers_new(NULL);
	assert_non_null(m);
	assert_non_null(vg_containers_lookup(m, 1, 0));
	vg_containers_free(m);
	vg_containers_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_by_pid),
		cmocka_unit_test(test_v1_by_pid),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_docker_api_async),
		cmocka_unit_test(test_docker_api_down),
		cmocka_unit_test(test_podman_api),
		cmocka_unit_test(test_async_files),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_retry_runc_state_gap),
		cmocka_unit_test(test_bad_opts),
		cmocka_unit_test(test_entered_by_mount_ns),
		cmocka_unit_test(test_entered_idle_container),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
