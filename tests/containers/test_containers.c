// SPDX-License-Identifier: Apache-2.0
/*
 * Checks the container module against containers that run-runtimes.sh
 * started with the real runtimes. The expectations file has one block per
 * container ("key=value" lines, blank line between blocks):
 *   runtime pid full_id name type image image_repository image_tag
 *   image_digest image_id privileged pod_name pod_namespace pod_uid pod_sandbox_id
 *   cpu_shares memory_limit cpuset_cpu_count
 *   label=k=v  pod_label=k=v  no_pod_label=k  mount=source:dest:ro|rw
 *   async=1 (an API completes it: the first lookup must say incomplete)
 *   api=1 (Docker: also through the Engine API, asynchronously)
 *   cgroup_parent=s (the cgroup path contains s)
 *   crio_runroot=dir (CRI-O's state is there, not in /run/containers/storage)
 *   stopcmd=... (stop it, then sweep must drop it)
 * Each container is resolved three ways: by cgroup id (as events are), by
 * pid alone, and with async_files.
 * An empty value ("image=") means the module must report the field unknown.
 * Prints "N passed, N failed"; exits 1 on any failure.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "container/container.h"
#include "state/cgroup.h"

#define MAX_KEYS 32

struct block {
	char *key[MAX_KEYS];
	char *val[MAX_KEYS];
	int n;
};

static int passed, failed;
static const char *current = "";

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL [%s] ", current);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *get(const struct block *b, const char *key)
{
	for (int i = 0; i < b->n; i++)
		if (strcmp(b->key[i], key) == 0)
			return b->val[i];
	return NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* an expected string: "" means unknown (NULL) */
static void check_str(const char *field, const char *want, const char *got)
{
	if (!want)
		return;
	if (!want[0]) {
		check(got == NULL || got[0] == '\0', "%s: want unknown, got \"%s\"", field, got);
		return;
	}
	check(got && strcmp(want, got) == 0, "%s: want \"%s\", got \"%s\"", field, want,
	      got ? got : "(null)");
}

static void check_container(const struct block *b, const struct vg_container *c, bool via_api)
{
	const char *full = get(b, "full_id"), *priv = get(b, "privileged");
	char id12[13];

	snprintf(id12, sizeof(id12), "%.12s", full);
	check_str("id", id12, c->id);
	check_str("full_id", full, c->full_id);
	check_str("type", get(b, "type"), vg_container_type_name(c->type));
	check_str("name", get(b, "name"), c->name);
	check_str("image", get(b, "image"), c->image);
	check_str("image_repository", get(b, "image_repository"), c->image_repository);
	check_str("image_tag", get(b, "image_tag"), c->image_tag);
	check_str("image_digest", get(b, "image_digest"), c->image_digest);
	check_str("image_id", get(b, "image_id"), c->image_id);
	check_str("pod_name", get(b, "pod_name"), c->pod_name);
	check_str("pod_namespace", get(b, "pod_namespace"), c->pod_namespace);
	check_str("pod_uid", get(b, "pod_uid"), c->pod_uid);
	check_str("pod_sandbox_id", get(b, "pod_sandbox_id"), c->pod_sandbox_id);
	if (priv)
		check(c->privileged == (priv[0] == '1'), "privileged: want %s, got %d", priv,
		      c->privileged);
	if (c->type != VG_CT_HOST) {
		check(c->metadata_found, "metadata_found");
		check(c->start_ts > 1600000000ull * 1000000000ull, "start_ts %llu",
		      (unsigned long long)c->start_ts);
		check(c->memory_bytes > sizeof(*c), "memory_bytes %zu", c->memory_bytes);
		check(!c->incomplete, "incomplete");
		check(c->cgroup_path && c->cgroup_path[0] == '/', "cgroup_path");
	}
	for (int i = 0; i < b->n; i++) {
		if (strcmp(b->key[i], "pod_label") == 0) {
			char k[256];
			const char *eq = strchr(b->val[i], '=');

			snprintf(k, sizeof(k), "%.*s", (int)(eq - b->val[i]), b->val[i]);
			check_str(b->val[i], eq + 1,
				  vg_container_label(c->pod_labels, c->n_pod_labels, k));
		} else if (strcmp(b->key[i], "no_pod_label") == 0) {
			check(vg_container_label(c->pod_labels, c->n_pod_labels, b->val[i]) == NULL,
			      "pod label %s must not be there", b->val[i]);
		} else if (strcmp(b->key[i], "label") == 0) {
			char k[256];
			const char *eq = strchr(b->val[i], '=');

			snprintf(k, sizeof(k), "%.*s", (int)(eq - b->val[i]), b->val[i]);
			check_str(b->val[i], eq + 1, vg_container_label(c->labels, c->n_labels, k));
		} else if (strcmp(b->key[i], "mount") == 0) {
			/* source:dest:ro|rw */
			char src[PATH_MAX], dest[PATH_MAX], mode[8];
			bool found = false;

			if (sscanf(b->val[i], "%4095[^:]:%4095[^:]:%7s", src, dest, mode) != 3) {
				check(0, "bad mount expectation %s", b->val[i]);
				continue;
			}
			for (size_t k = 0; k < c->n_mounts; k++) {
				if (strcmp(c->mounts[k].dest, dest) != 0)
					continue;
				found = true;
				check_str("mount source", src, c->mounts[k].source);
				check(c->mounts[k].rw == (strcmp(mode, "rw") == 0),
				      "mount %s rw=%d", dest, c->mounts[k].rw);
			}
			check(found, "mount %s missing (%zu mounts)", dest, c->n_mounts);
			/* the runtime's own per-container files are not listed */
			for (size_t k = 0; k < c->n_mounts; k++)
				check(strstr(c->mounts[k].source, c->full_id) == NULL,
				      "runtime file listed as a mount: %s", c->mounts[k].source);
		}
	}
	if (get(b, "cpu_shares"))
		check(c->cpu_shares == strtoll(get(b, "cpu_shares"), NULL, 10), "cpu_shares %lld",
		      (long long)c->cpu_shares);
	if (get(b, "memory_limit"))
		check(c->memory_limit == strtoll(get(b, "memory_limit"), NULL, 10),
		      "memory_limit %lld", (long long)c->memory_limit);
	if (get(b, "cpuset_cpu_count"))
		check(c->cpuset_cpu_count == strtoul(get(b, "cpuset_cpu_count"), NULL, 10),
		      "cpuset_cpu_count %u", c->cpuset_cpu_count);
	if (get(b, "cgroup_parent"))
		check(c->cgroup_path && strstr(c->cgroup_path, get(b, "cgroup_parent")),
		      "cgroup path %s is not under %s", c->cgroup_path, get(b, "cgroup_parent"));
	if (via_api)
		check_str("metadata_path", "docker-api", c->metadata_path);
}

static int read_blocks(const char *file, struct block **out)
{
	FILE *f = fopen(file, "r");
	struct block *bs = NULL;
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	bool open_block = false;

	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		exit(1);
	}
	while (getline(&line, &cap, f) > 0) {
		char *eq;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0]) {
			open_block = false;
			continue;
		}
		if (!open_block) {
			bs = realloc(bs, (size_t)(n + 1) * sizeof(*bs));
			if (!bs)
				exit(1);
			memset(&bs[n++], 0, sizeof(*bs));
			open_block = true;
		}
		eq = strchr(line, '=');
		if (!eq || bs[n - 1].n == MAX_KEYS)
			continue;
		bs[n - 1].key[bs[n - 1].n] = strndup(line, (size_t)(eq - line));
		bs[n - 1].val[bs[n - 1].n] = strdup(eq + 1);
		bs[n - 1].n++;
	}
	free(line);
	fclose(f);
	*out = bs;
	return n;
}

int main(int argc, char **argv)
{
	struct vg_containers_opts api_opts = {.docker_api_always = true};
	struct vg_containers_opts async_opts = {.async_files = true};
	struct vg_containers *m, *mapi, *masync;
	struct vg_containers_stats st;
	char cg2[PATH_MAX];
	struct block *bs;
	int n, shared = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s EXPECTATIONS\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 77;
	}
	if (vg_cgroup2_mount("/proc/self/mountinfo", cg2, sizeof(cg2)) != 0) {
		printf("SKIP: no cgroup2 mount\n");
		return 77;
	}
	n = read_blocks(argv[1], &bs);
	m = vg_containers_new(NULL);
	mapi = vg_containers_new(&api_opts);
	masync = vg_containers_new(&async_opts);
	if (!m || !mapi || !masync) {
		fprintf(stderr, "vg_containers_new: %s\n", strerror(errno));
		return 1;
	}

	for (int i = 0; i < n; i++) {
		const struct block *b = &bs[i];
		const char *pids = get(b, "pid");
		uint32_t pid = pids ? (uint32_t)strtoul(pids, NULL, 10) : 0;
		uint64_t cgid = vg_cgroup_id_of("/proc", cg2, pid), t0, t_miss, t_hit;
		const struct vg_container *c, *c2;
		struct vg_containers *m_block = NULL, *async_block = NULL, *mm, *ma;

		current = get(b, "runtime") ? get(b, "runtime") : "?";
		check(cgid != 0, "no cgroup id for pid %u", pid);
		/* CRI-O-shaped containers keep their state in a runroot of the harness's own */
		if (get(b, "crio_runroot")) {
			struct vg_containers_opts o = {.podman_runroot = get(b, "crio_runroot")};

			m_block = vg_containers_new(&o);
			o.async_files = true;
			async_block = vg_containers_new(&o);
			check(m_block && async_block, "vg_containers_new");
			if (!m_block || !async_block)
				continue;
		}
		mm = m_block ? m_block : m;
		shared += mm == m;
		ma = async_block ? async_block : masync;

		/* the event path: the id alone, as the kernel sends it */
		t0 = now_ns();
		c = vg_containers_lookup(mm, cgid, 0);
		t_miss = now_ns() - t0;
		if (get(b, "async")) {
			/* an API completes it: incomplete now, what the files said already there */
			uint64_t deadline = now_ns() + 10000000000ull;

			check(c->incomplete, "first lookup not marked incomplete");
			check_str("name (before the API answers)", get(b, "name"), c->name);
			check_str("pod_name (before the API answers)", get(b, "pod_name"),
				  c->pod_name);
			t0 = now_ns();
			while (c->incomplete && now_ns() < deadline) {
				usleep(1000);
				c = vg_containers_lookup(mm, cgid, 0);
			}
			printf("%-10s API answered in %.1f ms\n", current, (now_ns() - t0) / 1e6);
		}
		check_container(b, c, false);
		t0 = now_ns();
		c2 = vg_containers_lookup(mm, cgid, pid);
		t_hit = now_ns() - t0;
		check(c2 == c, "second lookup is not the cached entry");
		printf("%-10s %-14s id=%-12s name=%-24s image=%-34s priv=%d pod=%s/%s miss=%.1fus "
		       "hit=%.2fus\n",
		       current, vg_container_type_name(c->type), c->id, c->name ? c->name : "-",
		       c->image ? c->image : "-", c->privileged,
		       c->pod_namespace ? c->pod_namespace : "-", c->pod_name ? c->pod_name : "-",
		       t_miss / 1e3, t_hit / 1e3);

		/* a caller with the pid only (no cgroup id) gets the same answer */
		if (c->type != VG_CT_HOST) {
			struct vg_containers_opts po = {.podman_runroot = get(b, "crio_runroot")};
			struct vg_containers *mp = vg_containers_new(&po);

			check(mp != NULL, "vg_containers_new");
			if (mp) {
				const struct vg_container *cp = vg_containers_lookup(mp, 0, pid);
				uint64_t deadline = now_ns() + 10000000000ull;

				while (cp->incomplete && now_ns() < deadline) {
					usleep(1000);
					cp = vg_containers_lookup(mp, 0, pid);
				}
				check_container(b, cp, false);
			}
			vg_containers_free(mp);
		}

		/* state files read by the worker (async_files): the same answer, a little later */
		{
			const struct vg_container *a = vg_containers_lookup(ma, cgid, 0);
			bool host = strcmp(get(b, "type"), "host") == 0;
			uint64_t deadline = now_ns() + 10000000000ull;

			t0 = now_ns();
			while ((a->incomplete || (!host && a->type == VG_CT_HOST)) &&
			       now_ns() < deadline) {
				usleep(500);
				a = vg_containers_lookup(ma, cgid, 0);
			}
			printf("%-10s async_files: complete after %.1f ms\n", current,
			       (now_ns() - t0) / 1e6);
			check_container(b, a, false);
		}

		/* Docker through the Engine API: asynchronous, incomplete until answered */
		if (get(b, "api")) {
			const struct vg_container *a = vg_containers_lookup(mapi, cgid, 0);
			uint64_t deadline = now_ns() + 10000000000ull;

			check(a->incomplete, "API lookup not marked incomplete");
			check_str("name (files, before the API answers)", get(b, "name"), a->name);
			t0 = now_ns();
			while (a->incomplete && now_ns() < deadline) {
				usleep(2000);
				a = vg_containers_lookup(mapi, cgid, 0);
			}
			printf("%-10s docker API answered in %.1f ms\n", current,
			       (now_ns() - t0) / 1e6);
			check_container(b, a, true);
		}
		vg_containers_free(m_block);
		vg_containers_free(async_block);
	}
	/* invalidation: a stopped container's cgroup goes away, sweep drops it */
	for (int i = 0; i < n; i++) {
		const struct block *b = &bs[i];
		const char *cmd = get(b, "stopcmd");
		uint32_t pid = (uint32_t)strtoul(get(b, "pid"), NULL, 10);
		uint64_t cgid = vg_cgroup_id_of("/proc", cg2, pid);
		struct vg_containers_stats before, after;
		size_t dropped;

		if (!cmd)
			continue;
		current = get(b, "runtime");
		vg_containers_stats(m, &before);
		check(system(cmd) == 0, "stop command failed: %s", cmd);
		dropped = vg_containers_sweep(m);
		vg_containers_stats(m, &after);
		check(dropped >= 1, "sweep dropped %zu entries", dropped);
		check(after.entries == before.entries - dropped, "entries %llu -> %llu",
		      (unsigned long long)before.entries, (unsigned long long)after.entries);
		/* the id is gone: not a cached answer any more, and no container */
		check(vg_containers_lookup(m, cgid, 0)->type == VG_CT_HOST,
		      "lookup after the cgroup is gone");
		vg_containers_stats(m, &st);
		check(st.errors == after.errors + 1, "unresolvable id not counted as an error");
		printf("%-10s stopped; sweep dropped %zu\n", current, dropped);
	}

	current = "stats";
	vg_containers_stats(m, &st);
	check(st.hits >= (uint64_t)shared, "hits %llu", (unsigned long long)st.hits);
	check(st.misses >= 1, "misses");
	check(st.memory_bytes > 0, "memory_bytes");
	printf("stats: lookups=%llu hits=%llu misses=%llu host=%llu entries=%llu memory=%llu B "
	       "miss_time=%llu ns meta_errors=%llu errors=%llu\n",
	       (unsigned long long)st.lookups, (unsigned long long)st.hits,
	       (unsigned long long)st.misses, (unsigned long long)st.host,
	       (unsigned long long)st.entries, (unsigned long long)st.memory_bytes,
	       (unsigned long long)st.miss_ns_total, (unsigned long long)st.meta_errors,
	       (unsigned long long)st.errors);
	vg_containers_stats(mapi, &st);
	printf("api stats: calls=%llu errors=%llu pending=%llu incomplete=%llu\n",
	       (unsigned long long)st.api_calls, (unsigned long long)st.api_errors,
	       (unsigned long long)st.pending, (unsigned long long)st.incomplete);
	vg_containers_free(m);
	vg_containers_free(mapi);
	vg_containers_free(masync);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < bs[i].n; k++) {
			free(bs[i].key[k]);
			free(bs[i].val[k]);
		}
	free(bs);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
