/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bounded map cgroup id -> container, least recently used first out, by
 * entries and by the heap bytes of the containers it owns.
 * Single-threaded: only the manager's caller thread touches it.
 */
#ifndef VIGIL_CONTAINER_CACHE_H
#define VIGIL_CONTAINER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "container/container.h"

enum vg_cache_state {
	VG_CACHE_READY = 0,
	VG_CACHE_PENDING, /* an API request for it is queued or running */
	VG_CACHE_WANT_API /* an API request could not be queued yet */
};

struct vg_cache_entry {
	uint64_t key;
	struct vg_container *c; /* owned, except the shared host container */
	enum vg_cache_state state;
	int api;      /* which API completes it (the manager's enum), 0 none */
	char *api_ns; /* its containerd namespace; owned */
	/* no runtime state found yet: look again at retry_ns (CLOCK_MONOTONIC), 0 never */
	uint64_t retry_ns;
	unsigned retries;
	char *retry_path; /* the cgroup path to parse again; owned */
	uint32_t mnt_ns;  /* the container's mount namespace once seen, 0 before */
	struct vg_cache_entry *hnext;
	struct vg_cache_entry *prev, *next; /* LRU: head most recent */
};

struct vg_cache;

/* NULL on ENOMEM */
struct vg_cache *vg_cache_new(size_t max_entries);
/* Bounds the bytes of owned containers too (0: no byte bound, the default). */
void vg_cache_set_max_bytes(struct vg_cache *c, size_t max_bytes);
void vg_cache_free(struct vg_cache *c);
/* Finds key and makes it the most recent; NULL if absent. */
struct vg_cache_entry *vg_cache_get(struct vg_cache *c, uint64_t key);
/* Finds key without touching the LRU order. */
struct vg_cache_entry *vg_cache_peek(const struct vg_cache *c, uint64_t key);
/*
 * Stores ct under key (taking ownership, replacing and freeing an older
 * value), evicting the least recent entry when full. NULL on ENOMEM, ct
 * then still the caller's.
 */
struct vg_cache_entry *vg_cache_put(struct vg_cache *c, uint64_t key, struct vg_container *ct);
/* Replaces the value of an entry, freeing the old one. */
void vg_cache_replace(struct vg_cache *c, struct vg_cache_entry *e, struct vg_container *ct);
/* Removes key; 1 if it was there. */
int vg_cache_del(struct vg_cache *c, uint64_t key);
/* Calls fn for each entry; entries for which fn returns true are removed. Returns the count. */
size_t vg_cache_remove_if(struct vg_cache *c, int (*fn)(struct vg_cache_entry *e, void *arg),
			  void *arg);
size_t vg_cache_count(const struct vg_cache *c);
/* Entries evicted by either bound; _bytes: by the byte bound. */
size_t vg_cache_evictions(const struct vg_cache *c);
size_t vg_cache_evictions_bytes(const struct vg_cache *c);
/* heap bytes: the table, the entries, and the containers they own */
size_t vg_cache_memory(const struct vg_cache *c);

#endif
