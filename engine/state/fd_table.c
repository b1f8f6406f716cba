// SPDX-License-Identifier: Apache-2.0
#include "state/fd_table.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "decimal.h"

/* Open addressing over fd numbers; small tables stay small. */
struct vg_fd_table {
	struct vg_fd *slots; /* num == -1 marks an empty slot */
	uint32_t cap, count, tombs;
	uint64_t refused;
};

#define EMPTY -1
#define TOMB  -2
/*
 * A new table's slots: 3 fds (stdin, stdout, stderr) fit at load 1/2 in 8.
 * Every process vigil tracks has a table, and a burst of short-lived ones
 * holds thousands: a slot is ~100 bytes, so 16 of them were 1.5 KB each.
 */
#define MIN_CAP 4

static void entry_release(struct vg_fd *e)
{
	free(e->name);
	free(e->nameraw);
	memset(e, 0, sizeof(*e));
}

static struct vg_fd *alloc_slots(uint32_t cap)
{
	struct vg_fd *s = calloc(cap, sizeof(*s));

	for (uint32_t i = 0; s && i < cap; i++)
		s[i].num = EMPTY;
	return s;
}

struct vg_fd_table *vg_fd_table_new(void)
{
	struct vg_fd_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cap = MIN_CAP;
	t->slots = alloc_slots(t->cap);
	if (!t->slots) {
		free(t);
		return NULL;
	}
	return t;
}

void vg_fd_table_free(struct vg_fd_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->slots[i].num >= 0)
			entry_release(&t->slots[i]);
	free(t->slots);
	free(t);
}

static uint32_t slot_of(uint32_t cap, int32_t num)
{
	return ((uint32_t)num * 2654435761u) & (cap - 1);
}

static struct vg_fd *find(const struct vg_fd_table *t, int32_t num)
{
	for (uint32_t i = slot_of(t->cap, num), n = 0; n < t->cap;
	     i = (i + 1) & (t->cap - 1), n++) {
		if (t->slots[i].num == EMPTY)
			return NULL;
		if (t->slots[i].num == num)
			return &t->slots[i];
	}
	return NULL;
}

struct vg_fd *vg_fd_get(struct vg_fd_table *t, int32_t num)
{
	return num >= 0 && t ? find(t, num) : NULL;
}

/* Rebuilds into cap slots, dropping tombstones. */
static bool rehash(struct vg_fd_table *t, uint32_t cap)
{
	struct vg_fd *old = t->slots, *slots = alloc_slots(cap);

	if (!slots)
		return false;
	for (uint32_t i = 0; i < t->cap; i++) {
		if (old[i].num < 0)
			continue;
		uint32_t j = slot_of(cap, old[i].num);

		while (slots[j].num != EMPTY)
			j = (j + 1) & (cap - 1);
		slots[j] = old[i];
	}
	free(old);
	t->slots = slots;
	t->cap = cap;
	t->tombs = 0;
	return true;
}

struct vg_fd *vg_fd_put(struct vg_fd_table *t, int32_t num)
{
	struct vg_fd *e = find(t, num);
	uint32_t i;

	if (num < 0)
		return NULL;
	if (e) {
		entry_release(e);
		e->num = num;
		return e;
	}
	if (t->count >= VG_FD_MAX_PER_PROC) {
		t->refused++;
		return NULL;
	}
	/* keep the load (tombstones included) under 1/2 so probes stay short */
	if ((t->count + t->tombs + 1) * 2 > t->cap &&
	    !rehash(t, (t->count + 1) * 4 > t->cap ? t->cap * 2 : t->cap)) {
		t->refused++;
		return NULL;
	}
	for (i = slot_of(t->cap, num); t->slots[i].num >= 0; i = (i + 1) & (t->cap - 1))
		;
	e = &t->slots[i];
	if (e->num == TOMB)
		t->tombs--;
	memset(e, 0, sizeof(*e));
	e->num = num;
	t->count++;
	return e;
}

void vg_fd_close(struct vg_fd_table *t, int32_t num)
{
	struct vg_fd *e = vg_fd_get(t, num);

	if (!e)
		return;
	entry_release(e);
	e->num = TOMB;
	t->count--;
	t->tombs++;
}

static bool copy_entry(struct vg_fd *dst, const struct vg_fd *src)
{
	int32_t num = dst->num;

	*dst = *src;
	dst->num = num;
	dst->name = src->name ? strdup(src->name) : NULL;
	dst->nameraw = src->nameraw ? strdup(src->nameraw) : NULL;
	return (!src->name || dst->name) && (!src->nameraw || dst->nameraw);
}

struct vg_fd *vg_fd_dup(struct vg_fd_table *t, int32_t oldfd, int32_t newfd, bool cloexec)
{
	struct vg_fd *src = vg_fd_get(t, oldfd), copy, *dst;

	if (!src || oldfd == newfd)
		return src;
	copy = *src; /* put may move the slots */
	copy.name = src->name ? strdup(src->name) : NULL;
	copy.nameraw = src->nameraw ? strdup(src->nameraw) : NULL;
	dst = vg_fd_put(t, newfd);
	if (!dst) {
		free(copy.name);
		free(copy.nameraw);
		return NULL;
	}
	copy.num = newfd;
	copy.cloexec = cloexec;
	*dst = copy;
	return dst;
}

/* The smallest table that holds count entries at load 1/2. */
static uint32_t cap_for(uint32_t count)
{
	uint32_t cap = MIN_CAP;

	while (cap < count * 2)
		cap <<= 1;
	return cap;
}

/*
 * A child's table: the parent's entries, rehashed into a table sized to
 * them (no tombstones, and not the parent's capacity, which may have grown
 * for fds long closed).
 */
struct vg_fd_table *vg_fd_table_clone(const struct vg_fd_table *t)
{
	struct vg_fd_table *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cap = cap_for(t->count);
	c->slots = alloc_slots(c->cap);
	if (!c->slots) {
		free(c);
		return NULL;
	}
	for (uint32_t i = 0; i < t->cap; i++) {
		uint32_t j;

		if (t->slots[i].num < 0)
			continue;
		for (j = slot_of(c->cap, t->slots[i].num); c->slots[j].num != EMPTY;
		     j = (j + 1) & (c->cap - 1))
			;
		c->slots[j].num = t->slots[i].num;
		if (!copy_entry(&c->slots[j], &t->slots[i])) {
			vg_fd_table_free(c);
			return NULL;
		}
		c->count++;
	}
	return c;
}

void vg_fd_table_exec(struct vg_fd_table *t)
{
	for (uint32_t i = 0; t && i < t->cap; i++)
		if (t->slots[i].num >= 0 && t->slots[i].cloexec)
			vg_fd_close(t, t->slots[i].num);
}

uint32_t vg_fd_count(const struct vg_fd_table *t)
{
	return t ? t->count : 0;
}

size_t vg_fd_table_bytes(const struct vg_fd_table *t)
{
	return t ? t->cap * sizeof(struct vg_fd) : 0;
}

uint64_t vg_fd_refused(const struct vg_fd_table *t)
{
	return t ? t->refused : 0;
}

char vg_fd_type_of_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return VG_FDT_FILE;
	case S_IFDIR: return VG_FDT_DIR;
	case S_IFIFO: return VG_FDT_PIPE;
	case S_IFSOCK: return VG_FDT_UNIX;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFLNK: return VG_FDT_FILE;
	default: return VG_FDT_FILE_V2; /* anonymous inodes: memfd, eventfd, ... */
	}
}

char vg_fd_type_of_family(uint16_t family)
{
	switch (family) {
	case AF_INET: return VG_FDT_IPV4;
	case AF_INET6: return VG_FDT_IPV6;
	case AF_UNIX: return VG_FDT_UNIX;
	case AF_NETLINK: return VG_FDT_NETLINK;
	default: return VG_FDT_OTHER;
	}
}

/*
 * "addr:port" at p (room for INET6_ADDRSTRLEN + 6); returns its length.
 * IPv4 by hand: connects and accepts reach here per event, where
 * inet_ntop and snprintf cost more than the rest of the fd's state.
 */
static size_t put_endpoint(char *p, uint16_t family, const uint8_t *addr, uint16_t port)
{
	size_t n = 0;

	if (family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			n += vg_put_dec(p + n, addr[i]);
			p[n++] = i < 3 ? '.' : ':';
		}
	} else {
		if (!inet_ntop(family, addr, p, INET6_ADDRSTRLEN))
			p[0] = '\0';
		n = strlen(p);
		p[n++] = ':';
	}
	return n + vg_put_dec(p + n, port);
}

void vg_fd_set_sock(struct vg_fd *e, const struct vg_sock *s, const char *unix_path)
{
	char text[2 * (INET6_ADDRSTRLEN + 6) + 3];
	size_t n;

	e->sock = *s;
	e->has_sock = true;
	e->type = vg_fd_type_of_family(s->family);
	free(e->name);
	e->name = NULL;
	if (s->family == AF_INET || s->family == AF_INET6) {
		n = put_endpoint(text, s->family, s->saddr, s->sport);
		memcpy(text + n, "->", 2);
		n += 2;
		n += put_endpoint(text + n, s->family, s->daddr, s->dport);
		text[n] = '\0';
		e->name = strdup(text);
	} else if (unix_path) {
		e->name = strdup(unix_path);
	}
}
