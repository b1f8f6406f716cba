// SPDX-License-Identifier: Apache-2.0
/*
 * Chained hash table sized for the bound (load factor <= 0.5, so a hit is
 * one or two pointer hops) and an intrusive LRU list. Entries of exited
 * containers age out through the LRU even when nobody calls forget: the
 * kernel never reuses a cgroup id, so a stale entry is only memory.
 */
#include "container/cache.h"
#include "container/container_internal.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

struct vg_cache {
	struct vg_cache_entry **buckets;
	size_t mask;
	size_t count, max, evictions;
	size_t evictions_bytes; /* of evictions, those by max_bytes */
	size_t mem;		/* bytes of owned containers */
	size_t max_bytes;	/* bound on mem; SIZE_MAX none */
	size_t per_entry;	/* what malloc hands out for one entry */
	struct vg_cache_entry *head, *tail;
};

static size_t bucket(const struct vg_cache *c, uint64_t key)
{
	/* cgroup ids are sequential inode numbers: mix them before masking */
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & c->mask;
}

struct vg_cache *vg_cache_new(size_t max_entries)
{
	struct vg_cache *c = calloc(1, sizeof(*c));
	size_t n = 16;
	void *probe;

	if (!c)
		return NULL;
	if (max_entries == 0)
		max_entries = 1;
	while (n < max_entries * 2)
		n <<= 1;
	c->buckets = calloc(n, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	c->mask = n - 1;
	c->max = max_entries;
	c->max_bytes = SIZE_MAX;
	c->per_entry = sizeof(struct vg_cache_entry);
	probe = malloc(sizeof(struct vg_cache_entry));
	if (probe) {
		c->per_entry = malloc_usable_size(probe);
		free(probe);
	}
	return c;
}

void vg_cache_set_max_bytes(struct vg_cache *c, size_t max_bytes)
{
	c->max_bytes = max_bytes ? max_bytes : SIZE_MAX;
}

static void lru_unlink(struct vg_cache *c, struct vg_cache_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct vg_cache *c, struct vg_cache_entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static void drop_value(struct vg_cache *c, struct vg_cache_entry *e)
{
	if (e->c && e->c != vg_container_host()) {
		c->mem -= e->c->memory_bytes;
		vg_ct_free(e->c);
	}
	e->c = NULL;
}

static void set_value(struct vg_cache *c, struct vg_cache_entry *e, struct vg_container *ct)
{
	if (e->c == ct)
		return;
	drop_value(c, e);
	e->c = ct;
	if (ct && ct != vg_container_host())
		c->mem += ct->memory_bytes;
}

static void remove_entry(struct vg_cache *c, struct vg_cache_entry *e)
{
	struct vg_cache_entry **pp = &c->buckets[bucket(c, e->key)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(c, e);
	drop_value(c, e);
	free(e->api_ns);
	free(e->retry_path);
	free(e);
	c->count--;
}

void vg_cache_free(struct vg_cache *c)
{
	if (!c)
		return;
	while (c->head)
		remove_entry(c, c->head);
	free(c->buckets);
	free(c);
}

struct vg_cache_entry *vg_cache_get(struct vg_cache *c, uint64_t key)
{
	struct vg_cache_entry *e = c->buckets[bucket(c, key)];

	while (e && e->key != key)
		e = e->hnext;
	if (e && e != c->head) {
		lru_unlink(c, e);
		lru_push(c, e);
	}
	return e;
}

struct vg_cache_entry *vg_cache_peek(const struct vg_cache *c, uint64_t key)
{
	struct vg_cache_entry *e = c->buckets[bucket(c, key)];

	while (e && e->key != key)
		e = e->hnext;
	return e;
}

/*
 * Evicts least recent entries until the owned containers fit max_bytes;
 * keep (the entry just stored) stays, whatever its size: one container is
 * bounded by VG_META_MAX_CT_BYTES already.
 */
static void fit_bytes(struct vg_cache *c, const struct vg_cache_entry *keep)
{
	while (c->mem > c->max_bytes && c->tail) {
		struct vg_cache_entry *victim = c->tail;

		if (victim == keep) {
			victim = keep->prev;
			if (!victim)
				return;
		}
		remove_entry(c, victim);
		c->evictions++;
		c->evictions_bytes++;
	}
}

struct vg_cache_entry *vg_cache_put(struct vg_cache *c, uint64_t key, struct vg_container *ct)
{
	struct vg_cache_entry *e = vg_cache_get(c, key);
	size_t b;

	if (e) {
		set_value(c, e, ct);
		e->state = VG_CACHE_READY;
		e->api = 0;
		e->retry_ns = 0;
		fit_bytes(c, e);
		return e;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	if (c->count >= c->max && c->tail) {
		remove_entry(c, c->tail);
		c->evictions++;
	}
	e->key = key;
	b = bucket(c, key);
	e->hnext = c->buckets[b];
	c->buckets[b] = e;
	lru_push(c, e);
	set_value(c, e, ct);
	c->count++;
	fit_bytes(c, e);
	return e;
}

void vg_cache_replace(struct vg_cache *c, struct vg_cache_entry *e, struct vg_container *ct)
{
	set_value(c, e, ct);
	fit_bytes(c, e);
}

int vg_cache_del(struct vg_cache *c, uint64_t key)
{
	struct vg_cache_entry *e = c->buckets[bucket(c, key)];

	while (e && e->key != key)
		e = e->hnext;
	if (!e)
		return 0;
	remove_entry(c, e);
	return 1;
}

size_t vg_cache_remove_if(struct vg_cache *c, int (*fn)(struct vg_cache_entry *e, void *arg),
			  void *arg)
{
	struct vg_cache_entry *e = c->head, *next;
	size_t n = 0;

	while (e) {
		next = e->next;
		if (fn(e, arg)) {
			remove_entry(c, e);
			n++;
		}
		e = next;
	}
	return n;
}

size_t vg_cache_count(const struct vg_cache *c)
{
	return c->count;
}

size_t vg_cache_evictions(const struct vg_cache *c)
{
	return c->evictions;
}

size_t vg_cache_evictions_bytes(const struct vg_cache *c)
{
	return c->evictions_bytes;
}

size_t vg_cache_memory(const struct vg_cache *c)
{
	return malloc_usable_size(c->buckets) + c->count * c->per_entry + c->mem;
}
