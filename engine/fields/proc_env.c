// SPDX-License-Identifier: Apache-2.0
/*
 * proc.env: a process's environment. The exec event carries it (up to
 * VG_ENV_MAX bytes, state/proc_table.c keeps it on the entry), so this file
 * only serves what the kernel did not send: processes vigil saw before it
 * started (seeded from /proc), and environments the probe had to cut or
 * could not read. Those are read from /proc/<pid>/environ the first time a
 * rule asks and kept on the entry. Best effort: a process that exited
 * before its event was evaluated has none to read (a cut environment then
 * stays as carried), and a process that rewrote its environment area
 * shows the rewrite. A reused pid is recognised by its start time and not
 * read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields/fields_util.h"

/* Field 22 of /proc/<pid>/stat (start time in clock ticks), parsed after the last ')'. */
static bool start_ticks(uint32_t pid, unsigned long long *ticks)
{
	char path[64], buf[1024];
	const char *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	end = strrchr(buf, ')');
	return end && sscanf(end + 2,
			     "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			     "%*d %*d %*d %llu",
			     ticks) == 1;
}

/* The pid still names the process that started at start_ns (CLOCK_BOOTTIME). */
static bool same_process(const struct vg_proc *p)
{
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t tick = 1000000000ull / (uint64_t)(hz > 0 ? hz : 100);
	unsigned long long t;

	if (!start_ticks(p->pid, &t))
		return false;
	return p->start_ns >= t * tick && p->start_ns < (t + 1) * tick;
}

static char *read_all(uint32_t pid, uint32_t *len)
{
	char path[64];
	size_t cap = 4096, total = 0;
	char *buf = malloc(cap), *bigger;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/environ", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	/* bounded: the process table keeps one copy per process (VG_PROC_ENV_MAX) */
	while (total < VG_PROC_ENV_MAX && (n = read(fd, buf + total, cap - total - 1)) > 0) {
		total += (size_t)n;
		if (total + 1 == cap && total < VG_PROC_ENV_MAX) {
			if (!(bigger = realloc(buf, cap * 2)))
				break;
			buf = bigger;
			cap *= 2;
		}
	}
	close(fd);
	if (total > VG_PROC_ENV_MAX)
		total = VG_PROC_ENV_MAX;
	buf[total] = '\0';
	*len = (uint32_t)total;
	return buf;
}

const char *vg_fx_proc_env(struct vg_proc *p, uint32_t *len)
{
	if (!p->env_tried && !p->exited && p->start_ns) {
		uint32_t len = 0;
		char *full;

		p->env_tried = true;
		/* a cut environment is kept unless /proc gives a longer one */
		if (same_process(p) && (full = read_all(p->pid, &len))) {
			if (!p->env || len > p->env_len) {
				free(p->env);
				p->env = full;
				p->env_len = len;
			} else {
				free(full);
			}
		}
	}
	*len = p->env_len;
	return p->env;
}
