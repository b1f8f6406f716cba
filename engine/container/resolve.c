// SPDX-License-Identifier: Apache-2.0
/*
 * cgroup id -> cgroup path. The kernel's cgroup id is the kernfs node id of
 * the cgroup2 directory, which is also its inode number and what a kernfs
 * file handle (FILEID_KERNFS) carries: open_by_handle_at() on the cgroup2
 * mount opens the directory from the id alone, and /proc/self/fd names it.
 * That works after the process is gone and needs CAP_DAC_READ_SEARCH, which
 * vigil has as root. With a pid, /proc/<pid>/cgroup is read instead: the
 * "0::" line (cgroup2), or on a cgroup v1 host the controller lines.
 */
#include "container/container_internal.h"
#include "container/cgroup_path.h"
#include "state/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FILEID_KERNFS
#define FILEID_KERNFS 0xfe
#endif

int vg_resolver_init(struct vg_cgroup_resolver *r, const char *procfs, const char *cgroup2_root)
{
	char mi[PATH_MAX];
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->root_fd = -1;
	r->procfs = procfs;
	if (cgroup2_root) {
		if (strlen(cgroup2_root) >= sizeof(r->root))
			return -ENAMETOOLONG;
		strcpy(r->root, cgroup2_root);
	} else {
		snprintf(mi, sizeof(mi), "%s/self/mountinfo", procfs);
		if (vg_cgroup2_mount(mi, r->root, sizeof(r->root)) != 0)
			r->root[0] = '\0'; /* a cgroup v1 host: pids only */
	}
	if (r->root[0]) {
		/* not O_PATH: open_by_handle_at refuses an O_PATH mount fd (EBADF) */
		r->root_fd = open(r->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (r->root_fd >= 0 && fstat(r->root_fd, &st) == 0)
			r->root_ino = st.st_ino;
	}
	return 0;
}

void vg_resolver_fini(struct vg_cgroup_resolver *r)
{
	if (r->root_fd >= 0)
		close(r->root_fd);
	r->root_fd = -1;
}

static int by_handle(const struct vg_cgroup_resolver *r, uint64_t cgroup_id, char *path, size_t cap)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	char link[64], target[PATH_MAX];
	size_t rootlen = strlen(r->root);
	ssize_t n;
	int fd;

	if (r->root_fd < 0)
		return -ENOENT;
	h.fh.handle_bytes = sizeof(uint64_t);
	h.fh.handle_type = FILEID_KERNFS;
	memcpy(h.fh.f_handle, &cgroup_id, sizeof(cgroup_id));
	fd = open_by_handle_at(r->root_fd, &h.fh, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	if (strncmp(target, r->root, rootlen) != 0 || (target[rootlen] && target[rootlen] != '/'))
		return -EXDEV;
	if (snprintf(path, cap, "%s", target[rootlen] ? target + rootlen : "/") >= (int)cap)
		return -ENAMETOOLONG;
	return 0;
}

static int by_pid(const struct vg_cgroup_resolver *r, uint32_t pid, char *path, size_t cap)
{
	char file[PATH_MAX], *line = NULL, v1[PATH_MAX] = "", v1_any[PATH_MAX] = "";
	bool have_v2 = false;
	size_t lcap = 0;
	ssize_t len;
	FILE *f;

	snprintf(file, sizeof(file), "%s/%u/cgroup", r->procfs, pid);
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while ((len = getline(&line, &lcap, f)) > 0) {
		char *p;

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3) == 0) {
			snprintf(path, cap, "%s", line + 3);
			have_v2 = true;
			continue;
		}
		/* "N:controllers:/path": the first v1 line that names a container */
		p = strchr(line, ':');
		p = p ? strchr(p + 1, ':') : NULL;
		if (p && !v1_any[0] && strcmp(p + 1, "/") != 0)
			snprintf(v1_any, sizeof(v1_any), "%s", p + 1);
		if (p && !v1[0]) {
			struct vg_cgroup_info ci;

			if (vg_cgroup_path_parse(p + 1, &ci) == 0 && ci.kind == VG_CGK_CONTAINER)
				snprintf(v1, sizeof(v1), "%s", p + 1);
		}
	}
	free(line);
	fclose(f);
	/*
	 * cgroup2 is where the kernel's cgroup id points, so its line wins
	 * unless it is the root while a v1 hierarchy shows a container (a v1
	 * host, or a runtime that left the unified hierarchy alone).
	 */
	if (have_v2 && !(strcmp(path, "/") == 0 && v1[0]))
		return 0;
	if (v1[0]) {
		snprintf(path, cap, "%s", v1);
		return 0;
	}
	if (have_v2)
		return 0;
	/* v1 only, no container shape: a runc or ctr name, if a runtime knows it */
	snprintf(path, cap, "%s", v1_any[0] ? v1_any : "/");
	return 0;
}

int vg_resolve_cgroup(const struct vg_cgroup_resolver *r, uint64_t cgroup_id, uint32_t pid,
		      char *path, size_t cap, bool *keyed)
{
	char full[PATH_MAX];
	struct stat st;
	int ret = -ENOENT;

	*keyed = false;
	/*
	 * The id is what the event carried, so it wins over /proc/<pid>/cgroup,
	 * which may already show a later cgroup (runc exec starts a process
	 * outside the container and moves it in).
	 */
	if (cgroup_id && cgroup_id != r->root_ino) {
		ret = by_handle(r, cgroup_id, path, cap);
		if (ret == 0) {
			*keyed = true;
			return 0;
		}
	}
	if (!pid)
		return ret;
	ret = by_pid(r, pid, path, cap);
	if (ret)
		return ret;
	/* the pid's path names the id only if its cgroup2 directory has that inode */
	if (cgroup_id && r->root[0]) {
		snprintf(full, sizeof(full), "%s%s", r->root, path);
		*keyed = stat(full, &st) == 0 && (uint64_t)st.st_ino == cgroup_id;
	}
	return 0;
}

uint64_t vg_resolve_pid_cgroup_id(const struct vg_cgroup_resolver *r, uint32_t pid)
{
	char path[PATH_MAX], full[PATH_MAX + 4096];
	struct stat st;

	if (!r->root[0] || by_pid(r, pid, path, sizeof(path)) != 0)
		return 0;
	snprintf(full, sizeof(full), "%s%s", r->root, path);
	return stat(full, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

bool vg_resolve_cgroup_alive(const struct vg_cgroup_resolver *r, uint64_t cgroup_id,
			     const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	if (!r->root[0] || !path || path[0] != '/')
		return true; /* cannot tell: keep it, the bound evicts it eventually */
	snprintf(full, sizeof(full), "%s%s", r->root, path);
	if (stat(full, &st) != 0)
		return errno != ENOENT;
	return (uint64_t)st.st_ino == cgroup_id;
}
