// SPDX-License-Identifier: Apache-2.0
#include "state/procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "state/proc_table.h"

uint64_t vg_procfs_ticks_to_ns(uint64_t ticks)
{
	static long hz;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	return ticks * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
}

uint32_t vg_tty_nr(uint32_t major, uint32_t minor)
{
	if (!major && !minor)
		return 0;
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* Reads a whole small file; returns its length or -errno. buf is NUL-terminated. */
static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < cap - 1 && (n = read(fd, buf + total, cap - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return total;
}

static char *read_link(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/*
 * /proc/<pid>/stat: "pid (comm) state ppid pgrp session tty_nr ...
 * starttime(22)". comm may hold spaces and ')', so parse after the last ')'.
 */
static int parse_stat(const char *buf, struct vg_proc *p)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	unsigned long long starttime;
	int ppid, pgrp, session, tty;
	size_t n;

	if (!open || !close || close < open)
		return -EINVAL;
	n = close - open - 1;
	if (n >= sizeof(p->comm))
		n = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, n);
	p->comm[n] = '\0';
	if (sscanf(close + 2,
		   "%*c %d %d %d %d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &ppid, &pgrp, &session, &tty, &starttime) != 5)
		return -EINVAL;
	p->ppid = ppid;
	p->pgid = pgrp;
	p->tty = tty;
	p->start_ns = vg_procfs_ticks_to_ns(starttime);
	return 0;
}

/* "NSpid:\t7\t1": the last value is the id in the process's own pid namespace. */
static bool ns_last(const char *line, const char *key, uint32_t *out)
{
	size_t n = strlen(key);
	const char *last;

	if (strncmp(line, key, n) != 0)
		return false;
	last = strrchr(line, '\t');
	*out = (uint32_t)strtoul(last ? last + 1 : line + n, NULL, 10);
	return true;
}

/* Uid/Gid lines hold "real effective saved fs"; Cap* lines are hex masks. */
static void parse_status(char *buf, struct vg_proc *p)
{
	char *save = NULL;

	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "Uid: %u %u", &p->uid, &p->euid) == 2 ||
		    sscanf(line, "Gid: %u %u", &p->gid, &p->egid) == 2 ||
		    sscanf(line, "CapInh: %" SCNx64, &p->cap_inheritable) == 1 ||
		    sscanf(line, "CapPrm: %" SCNx64, &p->cap_permitted) == 1 ||
		    sscanf(line, "CapEff: %" SCNx64, &p->cap_effective) == 1)
			continue;
		if (ns_last(line, "NSpid:", &p->vpid) || ns_last(line, "NSpgid:", &p->vpgid))
			continue;
		ns_last(line, "NSsid:", &p->sid);
	}
}

/* The executable's inode: number, device and times, as the exec probe gives them. */
static void stat_exe(const char *path, struct vg_proc *p)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return;
	p->exe_ino = (uint32_t)st.st_ino;
	/* the kernel's s_dev encoding, as the probe reads it */
	p->exe_dev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev);
	p->exe_ctime_ns = (uint64_t)st.st_ctim.tv_sec * 1000000000ull + st.st_ctim.tv_nsec;
	p->exe_mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000ull + st.st_mtim.tv_nsec;
}

static uint32_t read_u32_file(const char *path, uint32_t dflt)
{
	char buf[32];

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return dflt;
	return (uint32_t)strtoul(buf, NULL, 10);
}

static uint32_t ns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

/*
 * argv as /proc has it, at most VG_PROC_ARGS_MAX bytes: a process can make
 * its argv as long as its stack allows (the kernel's limit is a quarter of
 * RLIMIT_STACK), and vigil keeps one copy per process. *cut says whether
 * there was more.
 */
static char *read_cmdline_raw(const char *root, uint32_t pid, uint32_t *len, bool *cut)
{
	char path[PATH_MAX], extra;
	size_t cap = 4096, total = 0;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	*cut = false;
	snprintf(path, sizeof(path), "%s/%u/cmdline", root, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while (total < VG_PROC_ARGS_MAX && (n = read(fd, buf + total, cap - total - 1)) > 0) {
		total += n;
		if (total + 1 == cap && total < VG_PROC_ARGS_MAX) {
			/* up to the cap and its NUL, no further */
			size_t want =
				cap * 2 > VG_PROC_ARGS_MAX + 1 ? VG_PROC_ARGS_MAX + 1 : cap * 2;
			char *bigger = realloc(buf, want);

			if (!bigger)
				break;
			buf = bigger;
			cap = want;
		}
	}
	if (total >= VG_PROC_ARGS_MAX)
		*cut = read(fd, &extra, 1) > 0;
	close(fd);
	/* argv ends with a NUL; the kernel's copy keeps it, so keep it too */
	buf[total] = '\0';
	*len = total;
	return buf;
}

int vg_procfs_read_proc(const char *root, uint32_t pid, struct vg_proc *p)
{
	char path[PATH_MAX], buf[4096];
	bool cut;
	int err;

	snprintf(path, sizeof(path), "%s/%u/stat", root, pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	err = parse_stat(buf, p);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%u/status", root, pid);
	if (read_file(path, buf, sizeof(buf)) > 0)
		parse_status(buf, p);
	snprintf(path, sizeof(path), "%s/%u/loginuid", root, pid);
	p->loginuid = read_u32_file(path, UINT32_MAX);
	snprintf(path, sizeof(path), "%s/%u/sessionid", root, pid);
	p->sessionid = read_u32_file(path, UINT32_MAX);
	snprintf(path, sizeof(path), "%s/%u/ns/pid", root, pid);
	p->pid_ns = ns_inode(path);
	snprintf(path, sizeof(path), "%s/%u/ns/mnt", root, pid);
	p->mnt_ns = ns_inode(path);
	snprintf(path, sizeof(path), "%s/%u/exe", root, pid);
	p->exe = read_link(path);
	stat_exe(path, p);
	snprintf(path, sizeof(path), "%s/%u/cwd", root, pid);
	p->cwd = read_link(path);
	p->args = read_cmdline_raw(root, pid, &p->args_len, &cut);
	p->args_truncated = p->args_capped = cut;
	p->exec_ns = p->start_ns;
	return 0;
}

char *vg_procfs_read_cmdline(const char *root, uint32_t pid, uint64_t start_ns, uint32_t *len,
			     bool *cut)
{
	char path[PATH_MAX], buf[4096];
	struct vg_proc now = {0};
	uint64_t tick = vg_procfs_ticks_to_ns(1);

	snprintf(path, sizeof(path), "%s/%u/stat", root, pid);
	if (read_file(path, buf, sizeof(buf)) <= 0 || parse_stat(buf, &now) != 0)
		return NULL;
	/* /proc has tick resolution: the same process starts within one tick */
	if (start_ns < now.start_ns || start_ns >= now.start_ns + tick)
		return NULL;
	return read_cmdline_raw(root, pid, len, cut);
}
