// SPDX-License-Identifier: Apache-2.0
/*
 * Which processes are in a mount namespace: a walk of /proc, for a process
 * that entered a container (setns) the manager has not seen yet.
 */
#include "container/nsscan.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

size_t vg_ns_pids(const char *procfs, uint32_t mnt_ns, uint32_t *out, size_t cap)
{
	DIR *d = opendir(procfs);
	struct dirent *de;
	char path[PATH_MAX];
	struct stat st;
	size_t n = 0;

	if (!d)
		return 0;
	while (n < cap && (de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid > UINT32_MAX)
			continue;
		snprintf(path, sizeof(path), "%s/%lu/ns/mnt", procfs, pid);
		/* the namespace's inode; a process we may not inspect is skipped */
		if (stat(path, &st) == 0 && (uint32_t)st.st_ino == mnt_ns)
			out[n++] = (uint32_t)pid;
	}
	closedir(d);
	return n;
}
