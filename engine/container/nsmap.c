// SPDX-License-Identifier: Apache-2.0
#include "container/nsmap.h"

#include <errno.h>
#include <stdlib.h>

#define MIN_CAP 16

void vg_nsmap_init(struct vg_nsmap *m, size_t max)
{
	m->slots = NULL;
	m->cap = m->n = 0;
	m->max = max ? max : 1;
}

void vg_nsmap_free(struct vg_nsmap *m)
{
	free(m->slots);
	vg_nsmap_init(m, m->max);
}

static size_t home(const struct vg_nsmap *m, uint32_t ns)
{
	/* namespace inodes are close together: spread them (Fibonacci hashing) */
	return (size_t)((ns * 2654435769u) & (m->cap - 1));
}

static size_t find(const struct vg_nsmap *m, uint32_t ns)
{
	size_t i = home(m, ns);

	while (m->slots[i].ns && m->slots[i].ns != ns)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Keeps the load at most one half, so a probe ends after a slot or two. */
static int grow(struct vg_nsmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : MIN_CAP;
	struct vg_nsmap old = *m;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		*m = old;
		return -ENOMEM;
	}
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].ns)
			m->slots[find(m, old.slots[i].ns)] = old.slots[i];
	free(old.slots);
	return 0;
}

int vg_nsmap_put(struct vg_nsmap *m, uint32_t ns, uint64_t key)
{
	size_t i;

	if (!ns)
		return -EINVAL;
	if (m->cap) {
		i = find(m, ns);
		if (m->slots[i].ns) {
			m->slots[i].key = key;
			return 0;
		}
	}
	if (m->n >= m->max)
		return -ENOSPC;
	if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
		return -ENOMEM;
	i = find(m, ns);
	m->slots[i].ns = ns;
	m->slots[i].key = key;
	m->n++;
	return 0;
}

bool vg_nsmap_get(const struct vg_nsmap *m, uint32_t ns, uint64_t *key)
{
	size_t i;

	if (!m->cap || !ns)
		return false;
	i = find(m, ns);
	if (!m->slots[i].ns)
		return false;
	*key = m->slots[i].key;
	return true;
}

/* Empties slot i and moves later members of its run back so probes still find them. */
static void remove_at(struct vg_nsmap *m, size_t i)
{
	size_t mask = m->cap - 1, j = i;

	for (;;) {
		j = (j + 1) & mask;
		if (!m->slots[j].ns)
			break;
		size_t h = home(m, m->slots[j].ns);

		/* j's home lies cyclically in (i, j]: it is reachable without slot i */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		m->slots[i] = m->slots[j];
		i = j;
	}
	m->slots[i].ns = 0;
	m->slots[i].key = 0;
	m->n--;
}

int vg_nsmap_del(struct vg_nsmap *m, uint32_t ns)
{
	size_t i;

	if (!m->cap || !ns)
		return 0;
	i = find(m, ns);
	if (!m->slots[i].ns)
		return 0;
	remove_at(m, i);
	return 1;
}

size_t vg_nsmap_prune(struct vg_nsmap *m, bool (*stale)(uint64_t key, uint32_t ns, void *arg),
		      void *arg)
{
	size_t removed = 0;

	/* a backward shift can move an unvisited slot into i: look at i again */
	for (size_t i = 0; i < m->cap;) {
		if (m->slots[i].ns && stale(m->slots[i].key, m->slots[i].ns, arg)) {
			remove_at(m, i);
			removed++;
			continue;
		}
		i++;
	}
	return removed;
}

size_t vg_nsmap_memory(const struct vg_nsmap *m)
{
	return m->cap * sizeof(*m->slots);
}
