/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Domain names for fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name,
 * the way libsinsp gives them meaning: not by reverse lookups on the event
 * path, but by resolving forward, in the background, the names the loaded
 * rules compare these fields with ("fd.sip.name = kubernetes.default.svc
 * .cluster.local"). An event's address then maps to the registered names
 * that resolve to it.
 *
 * Life cycle, one table per compiled ruleset (so a reload swaps it with the
 * rules): names are added while the rules compile; vg_dns_names_start then
 * runs a resolver thread that resolves every name (getaddrinfo, IPv4 and
 * IPv6), waits a bounded time for that first pass, and refreshes each name
 * periodically, backing off on failure. Lookups read an immutable snapshot
 * the resolver publishes with one atomic swap: no lock, no allocation, no
 * DNS. A thread stuck in a slow resolver never delays vg_dns_names_free:
 * it is left to finish on its own and frees the table then.
 */
#ifndef VIGIL_FIELDS_DNS_NAMES_H
#define VIGIL_FIELDS_DNS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Addresses one name resolves to, at most this many (more are dropped). */
#define VG_DNS_MAX_ADDRS 32

struct vg_dns_addr {
	uint8_t ip[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t len;	/* 4 or 16 */
};

enum vg_dns_status {
	VG_DNS_OK,     /* resolved (n addresses, maybe 0) */
	VG_DNS_NONAME, /* the name has no address: forget the old ones */
	VG_DNS_AGAIN,  /* a failure that may pass: keep the old addresses, retry later */
};

/* Resolves name into at most max addresses; the default is getaddrinfo(3). */
typedef enum vg_dns_status (*vg_dns_resolve_fn)(void *arg, const char *name,
						struct vg_dns_addr *out, size_t max, size_t *n);

struct vg_dns_opts {
	uint32_t refresh_ms;	   /* after a success; 0: 10 s */
	uint32_t max_backoff_ms;   /* after failures, doubling from refresh_ms; 0: 16 x refresh */
	uint32_t first_wait_ms;	   /* how long start waits for the first pass */
	vg_dns_resolve_fn resolve; /* NULL: getaddrinfo */
	void *resolve_arg;
};

struct vg_dns_names;

struct vg_dns_names *vg_dns_names_new(void);
/* Frees the table, stopping its thread (see above). NULL is fine. */
void vg_dns_names_free(struct vg_dns_names *t);

/* True when s is a syntactically valid host name (what add accepts). */
bool vg_dns_name_valid(const char *s, size_t len);
/*
 * Registers a name (before start; a duplicate is not added twice). Returns
 * false for an invalid name, after start, or when out of memory.
 */
bool vg_dns_names_add(struct vg_dns_names *t, const char *name, size_t len);
size_t vg_dns_names_count(const struct vg_dns_names *t);
/* The i-th registered name, in registration order. */
const char *vg_dns_names_name(const struct vg_dns_names *t, size_t i);

/*
 * Starts the resolver thread (nothing to do without names: returns 0) and
 * waits up to o->first_wait_ms for its first pass. -1 when the thread
 * cannot start; lookups then find nothing.
 */
int vg_dns_names_start(struct vg_dns_names *t, const struct vg_dns_opts *o);
/*
 * Resolves every name now, in the calling thread, and publishes the result.
 * For a table without a thread (tests, tools); o as for start.
 */
void vg_dns_names_refresh(struct vg_dns_names *t, const struct vg_dns_opts *o);

/*
 * Event path: the registered names ip (len 4 or 16; an IPv4-mapped IPv6
 * address counts as its IPv4 one) resolves to, in registration order, up
 * to max of them into names (with their lengths into lens). Returns how
 * many. The strings live as long as the table.
 */
size_t vg_dns_names_lookup(struct vg_dns_names *t, const uint8_t *ip, uint32_t len,
			   const char **names, uint32_t *lens, size_t max);

/* Counters of the resolver: passes done, names resolved, failed lookups. */
struct vg_dns_stats {
	uint64_t passes, resolved, failures;
	size_t addrs; /* addresses in the current snapshot */
};
void vg_dns_names_stats(struct vg_dns_names *t, struct vg_dns_stats *out);

#endif
