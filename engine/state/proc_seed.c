// SPDX-License-Identifier: Apache-2.0
/*
 * Seeding the process table from /proc at start-up: the one place that both
 * reads /proc (procfs.c) and fills the table (proc_table.c), so that those two
 * call each other one way only (proc_table.c -> procfs.c).
 */
#include "state/procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "state/cgroup.h"
#include "state/proc_table.h"

static bool is_pid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int vg_procfs_seed(struct vg_proc_table *t, const char *root)
{
	char cg2[PATH_MAX], mountinfo[PATH_MAX];
	bool have_cg2;
	DIR *d = opendir(root);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	snprintf(mountinfo, sizeof(mountinfo), "%s/self/mountinfo", root);
	have_cg2 = vg_cgroup2_mount(mountinfo, cg2, sizeof(cg2)) == 0;
	while ((de = readdir(d))) {
		uint32_t pid;
		struct vg_proc *p;

		if (!is_pid_name(de->d_name))
			continue;
		pid = (uint32_t)strtoul(de->d_name, NULL, 10);
		p = vg_proc_create(t, pid);
		if (!p)
			break;
		if (vg_procfs_read_proc(root, pid, p) != 0) {
			vg_proc_remove(t, pid); /* it exited while we looked */
			continue;
		}
		if (have_cg2)
			p->cgroup_id = vg_cgroup_id_of(root, cg2, pid);
		vg_proc_set_exec_id(t, p);
		vg_proc_account(t, p);
		n++;
	}
	closedir(d);
	return n;
}
