/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mount namespace -> cache key of the container that owns it. A process
 * that enters a container with setns(2) (nsenter, or any tool that joins
 * the namespaces without the cgroup) stays in the host's cgroup; its mount
 * namespace still tells which container's filesystem it sees. The manager
 * learns each container's mount namespace from the container's own events
 * and asks this map for processes in the host's cgroup.
 *
 * Open addressing, linear probing, deletion by backward shift; a namespace
 * inode is never 0, so 0 marks a free slot. Bounded: put refuses past max.
 * Single-threaded, like the cache.
 */
#ifndef VIGIL_CONTAINER_NSMAP_H
#define VIGIL_CONTAINER_NSMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_nsmap_slot {
	uint32_t ns;
	uint64_t key;
};

struct vg_nsmap {
	struct vg_nsmap_slot *slots; /* NULL until the first put */
	size_t cap;		     /* power of two */
	size_t n, max;
};

/* max: the most namespaces kept (the container cache's bound) */
void vg_nsmap_init(struct vg_nsmap *m, size_t max);
void vg_nsmap_free(struct vg_nsmap *m);
/* Maps ns to key, replacing an older mapping; 0, -ENOSPC (full) or -ENOMEM. */
int vg_nsmap_put(struct vg_nsmap *m, uint32_t ns, uint64_t key);
bool vg_nsmap_get(const struct vg_nsmap *m, uint32_t ns, uint64_t *key);
/* 1 if ns was there. */
int vg_nsmap_del(struct vg_nsmap *m, uint32_t ns);
/* Removes every mapping for which stale(key, arg) says so; returns how many. */
size_t vg_nsmap_prune(struct vg_nsmap *m, bool (*stale)(uint64_t key, uint32_t ns, void *arg),
		      void *arg);
size_t vg_nsmap_memory(const struct vg_nsmap *m);

#endif
