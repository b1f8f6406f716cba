/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup2: where it is mounted, and the cgroup id (inode) of a process. */
#ifndef VIGIL_CGROUP_H
#define VIGIL_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Finds the cgroup2 mount in mountinfo (/proc/self/mountinfo), e.g.
 * /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified on a hybrid one.
 * Returns 0, or -ENOENT when there is none.
 */
int vg_cgroup2_mount(const char *mountinfo, char *out, size_t outlen);

/* The cgroup id the kernel reports for pid: the inode of its cgroup2 directory; 0 if unknown. */
uint64_t vg_cgroup_id_of(const char *procfs_root, const char *cgroup2_mount, uint32_t pid);

#endif
