// SPDX-License-Identifier: Apache-2.0
/*
 * container_bench: what a container lookup costs on the event path.
 *
 *   container_bench [-n CONTAINERS] [-r ROUNDS] [-R RUNS] [-e EVENTS] [-a]
 *
 * Builds N containers of each kind the module reads from files (Docker,
 * CRI through containerd, Podman, runc) as state files shaped and sized
 * like the real ones, and, as root, N real cgroup2 directories named the
 * way each runtime names them, so that a lookup goes the way an event's
 * does: cgroup id -> open_by_handle_at -> path -> state files. Without
 * root (or cgroup2) it falls back to a fake /proc (pid -> cgroup path).
 * Prints, per runtime: the mean and worst time of a miss, the time of a
 * hit (median of RUNS runs of ROUNDS lookups of every container, through
 * vg_containers_lookup_ns as the pipeline calls it), the heap bytes per
 * cached container, and what enrichment adds per event: the hit, plus the
 * container's one miss spread over EVENTS events of that container. Then
 * the same for a process that entered a container with setns (host cgroup,
 * the container's mount namespace). -a: async_files, the state files read
 * by the worker (a miss then costs the cgroup path only; the bench waits
 * for the worker before timing hits). Removes what it created.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "container/container.h"
#include "container/nsscan.h"
#include "state/cgroup.h"

#define MAX_RUNS 101

static char root[64];
static char cg2[PATH_MAX];
static char cgbase[PATH_MAX]; /* our directory in the real cgroup2 tree, "" if none */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void put(const char *rel, const char *content)
{
	char path[PATH_MAX], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	if (!f || fputs(content, f) < 0) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static void hexid(char *out, unsigned kind, unsigned i)
{
	snprintf(out, 65, "%02x%06x%056x", kind & 0xffu, i & 0xffffffu,
		 (0xabcdefu + i) & 0xffffffu);
}

/* an OCI spec the size of containerd's default one (about 5 KiB) plus annotations */
static void oci_spec(char *buf, size_t cap, const char *annotations)
{
	static const char *const caps =
		"\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FSETID\",\"CAP_FOWNER\",\"CAP_MKNOD\","
		"\"CAP_NET_RAW\",\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETFCAP\",\"CAP_SETPCAP\","
		"\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_CHROOT\",\"CAP_KILL\",\"CAP_AUDIT_WRITE\"";
	size_t n = 0;

	n += (size_t)snprintf(
		buf + n, cap - n,
		"{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
		"\"args\":[\"/bin/sleep\",\"600\"],\"env\":[\"PATH=/usr/bin:/bin\"],"
		"\"cwd\":\"/\",\"capabilities\":{\"bounding\":[%s],\"effective\":[%s],"
		"\"permitted\":[%s]},\"noNewPrivileges\":true},"
		"\"root\":{\"path\":\"rootfs\"},\"hostname\":\"web\",\"mounts\":[",
		caps, caps, caps);
	for (int i = 0; i < 12; i++)
		n += (size_t)snprintf(buf + n, cap - n,
				      "%s{\"destination\":\"/mnt/vol%d\",\"type\":\"bind\","
				      "\"source\":\"/var/lib/kubelet/pods/x/volumes/v%d\","
				      "\"options\":[\"rbind\",\"rprivate\",\"rw\"]}",
				      i ? "," : "", i, i);
	n += (size_t)snprintf(
		buf + n, cap - n,
		",{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\","
		"\"options\":[\"nosuid\",\"noexec\",\"nodev\"]}],"
		"\"annotations\":{%s},\"linux\":{\"resources\":{\"devices\":[{\"allow\":"
		"false,\"access\":\"rwm\"}]},\"cgroupsPath\":\"/x\",\"namespaces\":["
		"{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},"
		"{\"type\":\"network\"}],\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\","
		"\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\",\"/proc/timer_list\","
		"\"/proc/timer_stats\",\"/proc/sched_debug\",\"/sys/firmware\",\"/proc/scsi\"],"
		"\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
		"\"/proc/sysrq-trigger\"]}}",
		annotations);
}

enum { DOCKER, CRI, PODMAN, RUNC, HOST, KINDS };
static const char *const kind_name[KINDS] = {"docker", "cri-containerd", "podman", "runc", "host"};

struct target {
	uint64_t cgid;
	uint32_t pid;
};

/* a cgroup for a container: real (cgroup2, as root) or a fake /proc entry */
static struct target make_cgroup(const char *path, uint32_t pid)
{
	struct target t = {0, pid};
	char full[PATH_MAX], rel[PATH_MAX], line[PATH_MAX + 8];
	struct stat st;

	if (cgbase[0]) {
		char *p;

		snprintf(full, sizeof(full), "%s%s", cgbase, path);
		for (p = full + strlen(cgbase) + 1; (p = strchr(p, '/')); p++) {
			*p = '\0';
			mkdir(full, 0755);
			*p = '/';
		}
		if (mkdir(full, 0755) && errno != EEXIST) {
			perror(full);
			exit(1);
		}
		stat(full, &st);
		t.cgid = st.st_ino;
		t.pid = 0; /* the id alone, as an event has it */
		return t;
	}
	snprintf(rel, sizeof(rel), "proc/%u/cgroup", pid);
	snprintf(line, sizeof(line), "0::%s\n", path);
	put(rel, line);
	return t;
}

static void rm_cgroups(const char *dir)
{
	char cmd[PATH_MAX + 64];

	/* deepest first: cgroup directories go with rmdir only */
	snprintf(cmd, sizeof(cmd), "find '%s' -depth -type d -exec rmdir {} + 2>/dev/null", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/*
 * A distinct mount namespace inode per container (the host's is never this
 * small); host processes are in the host's (0: not given, the same path).
 */
static uint32_t fake_mnt_ns(int kind, int i)
{
	return kind == HOST ? 0 : 0x40000000u + (uint32_t)kind * 0x100000u + (uint32_t)i;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * ns per lookup, median over runs of `rounds` lookups of each target. host_cgid
 * (not 0): look up from that host cgroup with the container's mount
 * namespace instead, as for a process that entered the container with setns.
 */
static double hits_median(struct vg_containers *m, const struct target *t, int n, int kind,
			  int rounds, int runs, uint64_t host_cgid)
{
	double per[MAX_RUNS];
	const struct vg_container *c = NULL;

	for (int r = 0; r < runs; r++) {
		uint64_t t0 = now_ns();

		for (int j = 0; j < rounds; j++)
			for (int i = 0; i < n; i++)
				c = vg_containers_lookup_ns(m, host_cgid ? host_cgid : t[i].cgid,
							    host_cgid ? 0 : t[i].pid,
							    fake_mnt_ns(kind, i));
		per[r] = (double)(now_ns() - t0) / ((double)rounds * n);
	}
	if (host_cgid && (!c || c->type == VG_CT_HOST)) {
		fprintf(stderr, "setns into %s: the host, not the container\n", kind_name[kind]);
		return -1;
	}
	qsort(per, (size_t)runs, sizeof(per[0]), cmp_double);
	return per[runs / 2];
}

/* Host processes in mount namespaces of their own (systemd's PrivateTmp, unshare -m). */
static void print_private_ns(struct vg_containers *m, const struct target *t, int n, int rounds,
			     int runs)
{
	double per[MAX_RUNS];

	for (int r = 0; r < runs; r++) {
		uint64_t t0 = now_ns();

		for (int j = 0; j < rounds; j++)
			for (int i = 0; i < n; i++)
				vg_containers_lookup_ns(m, t[i].cgid, t[i].pid,
							0x7f000000u + (i & 7));
		per[r] = (double)(now_ns() - t0) / ((double)rounds * n);
	}
	qsort(per, (size_t)runs, sizeof(per[0]), cmp_double);
	printf("host process in a private mount namespace: hit %.1f ns\n", per[runs / 2]);
}

/*
 * A process that entered a container vigil has seen nothing of walks /proc
 * once (bounded to 5% of the thread): what one walk costs on this machine.
 */
static void print_proc_walk(int runs)
{
	double per[MAX_RUNS];
	uint32_t pids[64];
	DIR *d = opendir("/proc");
	struct dirent *de;
	int nproc = 0;

	while (d && (de = readdir(d)))
		nproc += de->d_name[0] >= '1' && de->d_name[0] <= '9';
	if (d)
		closedir(d);
	for (int r = 0; r < runs; r++) {
		uint64_t t0 = now_ns();

		vg_ns_pids("/proc", 1, pids, 64); /* no namespace has inode 1: a full walk */
		per[r] = (double)(now_ns() - t0);
	}
	qsort(per, (size_t)runs, sizeof(per[0]), cmp_double);
	printf("setns into a container not seen yet: one walk of /proc (%d processes) %.1f us\n",
	       nproc, per[runs / 2] / 1e3);
}

int main(int argc, char **argv)
{
	static char spec[32768], buf[32768];
	struct vg_containers_opts o = {0};
	struct vg_containers *m;
	struct vg_containers_stats st0, st;
	struct target *t[KINDS];
	int n = 200, rounds = 200, runs = 5, events = 1000, opt, ret = 0;
	bool async = false;
	char id[65], rel[PATH_MAX], *podman_all;
	size_t pa_len = 0, pa_cap;
	uint64_t empty_mem;

	while ((opt = getopt(argc, argv, "n:r:R:e:a")) != -1) {
		if (opt == 'a')
			async = true;
		else if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'R')
			runs = atoi(optarg);
		else if (opt == 'e')
			events = atoi(optarg);
		else {
			fprintf(stderr,
				"usage: %s [-n CONTAINERS] [-r ROUNDS] [-R RUNS] [-e EVENTS] "
				"[-a]\n",
				argv[0]);
			return 2;
		}
	}
	if (n < 1 || rounds < 1 || runs < 1 || runs > MAX_RUNS || events < 1) {
		fprintf(stderr, "container_bench: -n, -r, -e must be positive, -R 1..%d\n",
			MAX_RUNS);
		return 2;
	}
	snprintf(root, sizeof(root), "/tmp/vg-bench-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	if (geteuid() == 0 && vg_cgroup2_mount("/proc/self/mountinfo", cg2, sizeof(cg2)) == 0) {
		if (snprintf(cgbase, sizeof(cgbase), "%s/vg-bench-%d", cg2, getpid()) >=
			    (int)sizeof(cgbase) ||
		    mkdir(cgbase, 0755) != 0)
			cgbase[0] = '\0';
	}
	printf("container_bench: %d containers per runtime, hits: median of %d runs of %d rounds, "
	       "cgroups: %s, state files read %s\n",
	       n, runs, rounds,
	       cgbase[0] ? "real cgroup2 (open_by_handle_at)" : "fake /proc (by pid)",
	       async ? "by the worker" : "on the miss");

	pa_cap = (size_t)n * 1024 + 16;
	podman_all = malloc(pa_cap);
	if (!podman_all)
		return 1;
	pa_len += (size_t)snprintf(podman_all, pa_cap, "[");
	for (int k = 0; k < KINDS; k++) {
		t[k] = calloc((size_t)n, sizeof(**t));
		if (!t[k])
			return 1;
	}
	for (int i = 0; i < n; i++) {
		char path[256];

		hexid(id, DOCKER, (unsigned)i);
		snprintf(rel, sizeof(rel), "docker/containers/%s/config.v2.json", id);
		snprintf(buf, sizeof(buf),
			 "{\"StreamConfig\":{},\"State\":{\"Running\":true,\"Pid\":%d,"
			 "\"StartedAt\":\"2026-11-22T08:37:26.571720403Z\"},\"ID\":\"%s\","
			 "\"Created\":\"2026-11-22T08:37:26.213035285Z\",\"Path\":\"/bin/sleep\","
			 "\"Args\":[\"600\"],\"Config\":{\"Hostname\":\"%.12s\",\"User\":\"\","
			 "\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/"
			 "bin\"],"
			 "\"Cmd\":[\"/bin/sleep\",\"600\"],\"Image\":\"registry.example.com:5000/"
			 "team/"
			 "web:1.%d\",\"Labels\":{\"org.example.team\":\"red\",\"com.example."
			 "version\":"
			 "\"%d\"}},\"Image\":\"sha256:"
			 "2cf5e4bf8a8f949c14f8c4ce58eb56671d8175310c1391aa212bc"
			 "5a03757c01f\",\"Name\":\"/"
			 "web-%d\",\"Driver\":\"overlay2\",\"MountPoints\":{"
			 "\"/data\":{\"Source\":\"/srv/data\",\"Destination\":\"/"
			 "data\",\"RW\":false,"
			 "\"Type\":\"bind\",\"Relabel\":\"ro\",\"Propagation\":\"rprivate\"}},"
			 "\"NetworkSettings\":{\"Networks\":{\"none\":{}}}}",
			 1000 + i, id, id, i, i, i);
		put(rel, buf);
		snprintf(rel, sizeof(rel), "docker/containers/%s/hostconfig.json", id);
		put(rel, "{\"Binds\":[\"/srv/data:/"
			 "data:ro\"],\"NetworkMode\":\"none\",\"Privileged\":false,"
			 "\"PidMode\":\"\",\"IpcMode\":\"private\",\"CapAdd\":null,\"Memory\":0}");
		snprintf(path, sizeof(path), "/docker/%s", id);
		t[DOCKER][i] = make_cgroup(path, 100000 + (uint32_t)i);

		hexid(id, CRI, (unsigned)i);
		snprintf(buf, sizeof(buf),
			 "\"io.kubernetes.cri.container-type\":\"container\","
			 "\"io.kubernetes.cri.container-name\":\"web\","
			 "\"io.kubernetes.cri.image-name\":\"registry.example.com/team/web:1.%d\","
			 "\"io.kubernetes.cri.sandbox-id\":\"%064d\","
			 "\"io.kubernetes.cri.sandbox-name\":\"web-%d\","
			 "\"io.kubernetes.cri.sandbox-namespace\":\"prod\","
			 "\"io.kubernetes.cri.sandbox-uid\":\"c583a286-a9b3-4b13-b5dd-%012d\"",
			 i, i, i, i);
		oci_spec(spec, sizeof(spec), buf);
		snprintf(rel, sizeof(rel), "task/k8s.io/%s/config.json", id);
		put(rel, spec);
		snprintf(path, sizeof(path),
			 "/kubepods/besteffort/podc583a286-a9b3-4b13-b5dd-%012d/%s", i, id);
		t[CRI][i] = make_cgroup(path, 200000 + (uint32_t)i);

		hexid(id, PODMAN, (unsigned)i);
		pa_len += (size_t)snprintf(
			podman_all + pa_len, pa_cap - pa_len,
			"%s{\"id\":\"%s\",\"names\":[\"pm-%d\"],\"image\":"
			"\"2cf5e4bf8a8f949c14f8c4ce58eb"
			"56671d8175310c1391aa212bc5a03757c01f\",\"layer\":\"%s\",\"metadata\":\"{"
			"\\\""
			"image-name\\\":\\\"localhost/vigil-test/"
			"busybox:1.0\\\",\\\"image-id\\\":\\\""
			"2cf5e4bf8a8f949c14f8c4ce58eb56671d8175310c1391aa212bc5a03757c01f\\\","
			"\\\"name"
			"\\\":\\\"pm-%d\\\",\\\"created-at\\\":1795336647}\",\"created\":\"2026-11-"
			"22T08:"
			"37:27.322716604Z\",\"flags\":{\"MountLabel\":\"\",\"ProcessLabel\":\"\"}}",
			i ? "," : "", id, i, id, i);
		oci_spec(spec, sizeof(spec),
			 "\"io.container.manager\":\"libpod\",\"io.podman.annotations.privileged\":"
			 "\"FALSE\",\"io.kubernetes.cri-o.Created\":\"2026-11-22T08:37:27.58Z\"");
		snprintf(rel, sizeof(rel), "podman/overlay-containers/%s/userdata/config.json", id);
		put(rel, spec);
		snprintf(path, sizeof(path), "/libpod_parent/libpod-%s", id);
		t[PODMAN][i] = make_cgroup(path, 300000 + (uint32_t)i);

		snprintf(id, sizeof(id), "runc-%d", i);
		snprintf(buf, sizeof(buf),
			 "{\"id\":\"%s\",\"init_process_pid\":%d,\"created\":"
			 "\"2026-11-22T08:37:24.065416014Z\",\"config\":{\"labels\":[\"bundle=%s/"
			 "bundle\","
			 "\"org.example.team=blue\"]}}",
			 id, 400000 + i, root);
		snprintf(rel, sizeof(rel), "runc/%s/state.json", id);
		put(rel, buf);
		snprintf(path, sizeof(path), "/%s", id);
		t[RUNC][i] = make_cgroup(path, 400000 + (uint32_t)i);

		snprintf(path, sizeof(path), "/system.slice/svc-%d.service", i);
		t[HOST][i] = make_cgroup(path, 500000 + (uint32_t)i);
	}
	snprintf(podman_all + pa_len, pa_cap - pa_len, "]");
	put("podman/overlay-containers/containers.json", podman_all);
	oci_spec(spec, sizeof(spec), "\"org.example.team\":\"blue\"");
	put("bundle/config.json", spec);
	free(podman_all);

	snprintf(rel, sizeof(rel), "%s/proc", root);
	o.procfs_root = cgbase[0] ? "/proc" : rel;
	o.cgroup2_root = cgbase[0] ? cg2 : root;
	char d_root[PATH_MAX], p_root[PATH_MAX], r_root[PATH_MAX], t_root[PATH_MAX];
	snprintf(d_root, sizeof(d_root), "%s/docker", root);
	snprintf(p_root, sizeof(p_root), "%s/podman", root);
	snprintf(r_root, sizeof(r_root), "%s/runc", root);
	snprintf(t_root, sizeof(t_root), "%s/task", root);
	o.docker_root = d_root;
	o.podman_root = p_root;
	o.podman_runroot = p_root;
	o.runc_root = r_root;
	o.containerd_root = t_root;
	o.docker_socket = "";
	o.max_entries = (size_t)n * KINDS;
	o.async_files = async;
	o.api_queue_len = (size_t)n;
	m = vg_containers_new(&o);
	if (!m) {
		perror("vg_containers_new");
		return 1;
	}
	vg_containers_stats(m, &st0);
	empty_mem = st0.memory_bytes;

	printf("%-15s %12s %12s %12s %12s %16s\n", "runtime", "miss mean", "miss max", "hit",
	       "bytes/entry", "per event (-e)");
	for (int k = 0; k < KINDS; k++) {
		uint64_t total = 0, worst = 0, mem0, t0;
		double hit_total;
		const struct vg_container *c = NULL;

		vg_containers_stats(m, &st);
		mem0 = st.memory_bytes ? st.memory_bytes : empty_mem;
		for (int i = 0; i < n; i++) {
			uint64_t d;

			t0 = now_ns();
			c = vg_containers_lookup(m, t[k][i].cgid, t[k][i].pid);
			d = now_ns() - t0;
			total += d;
			if (d > worst)
				worst = d;
		}
		/* async: wait for the worker, then every entry must be complete */
		for (int w = 0; async && w < 10000; w++) {
			bool done = true;

			for (int i = 0; i < n && done; i++) {
				c = vg_containers_lookup(m, t[k][i].cgid, t[k][i].pid);
				done = !c->incomplete && (k == HOST || c->type != VG_CT_HOST);
			}
			if (done)
				break;
			usleep(1000);
		}
		if (strcmp(vg_container_type_name(c->type), kind_name[k]) != 0) {
			fprintf(stderr, "%s: resolved as %s\n", kind_name[k],
				vg_container_type_name(c->type));
			ret = 1; /* the cgroups and files made above still go */
			break;
		}
		/* a mount namespace per container, as its events would carry */
		for (int i = 0; i < n; i++)
			vg_containers_lookup_ns(m, t[k][i].cgid, t[k][i].pid, fake_mnt_ns(k, i));
		hit_total = hits_median(m, t[k], n, k, rounds, runs, 0);
		vg_containers_stats(m, &st);
		printf("%-15s %9.1f us %9.1f us %9.1f ns %12.0f %13.1f ns\n", kind_name[k],
		       total / 1e3 / n, worst / 1e3, hit_total,
		       (double)(st.memory_bytes - mem0) / n,
		       hit_total + (double)total / n / events);
	}
	/* processes that entered each container with setns: the host's cgroup, its mount ns */
	for (int k = 0; k < HOST && !ret; k++) {
		double ns = hits_median(m, t[k], n, k, rounds, runs, t[HOST][0].cgid);

		if (ns < 0)
			ret = 1;
		else
			printf("setns into %-15s hit %6.1f ns\n", kind_name[k], ns);
	}
	if (!ret) {
		print_private_ns(m, t[HOST], n, rounds, runs);
		print_proc_walk(runs);
	}
	vg_containers_stats(m, &st);
	printf("cache: %llu entries, %llu bytes (table %llu); lookups %llu, hits %llu, misses "
	       "%llu, "
	       "meta errors %llu\n",
	       (unsigned long long)st.entries, (unsigned long long)st.memory_bytes,
	       (unsigned long long)empty_mem, (unsigned long long)st.lookups,
	       (unsigned long long)st.hits, (unsigned long long)st.misses,
	       (unsigned long long)st.meta_errors);
	vg_containers_free(m);
	if (cgbase[0])
		rm_cgroups(cgbase);
	snprintf(rel, sizeof(rel), "rm -rf '%s'", root);
	if (system(rel) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return ret;
}
