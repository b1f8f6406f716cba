// SPDX-License-Identifier: Apache-2.0
/*
 * The domain-name table behind fd.*ip.name (see dns_names.h): registered
 * names, the resolver thread, and the snapshot lookups read.
 *
 * Reclaiming a replaced snapshot: a reader announces itself in `readers`
 * before it loads the snapshot pointer and leaves after its last read; the
 * resolver swaps the pointer in, then waits for `readers` to be 0 once
 * before it frees the old one. Any reader that could hold the old pointer
 * announced itself before the swap (all of it sequentially consistent), so
 * a zero seen after the swap means none does. Readers never wait.
 */
#include "fields/dns_names.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define DEFAULT_REFRESH_MS 10000u
#define BACKOFF_FACTOR	   16u
/* How long free waits for a thread before leaving it to finish alone. */
#define JOIN_WAIT_MS 200

struct name {
	char *s;
	uint32_t len;
	/* the resolver's own: what the name resolves to, and when to ask again */
	struct vg_dns_addr addrs[VG_DNS_MAX_ADDRS];
	size_t naddrs;
	uint64_t due_ns;
	uint64_t wait_ms; /* the interval before the next attempt */
};

struct entry {
	uint8_t ip[16];
	uint8_t len;
	uint32_t name; /* index into names */
};

/* Immutable once published: every (address, name) pair, sorted by address then name. */
struct snap {
	size_t n;
	struct entry e[];
};

struct vg_dns_names {
	struct name *names;
	size_t n, cap;
	_Atomic(struct snap *) snap;
	atomic_uint readers;
	struct vg_dns_opts o;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* stop, and the end of the first pass */
	bool started, first_done, exited, orphaned;
	atomic_bool stop;
	_Atomic uint64_t passes, resolved, failures;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct timespec ts_of(uint64_t ns)
{
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000ull),
				 .tv_nsec = (long)(ns % 1000000000ull)};
}

/* ---- names ---- */

bool vg_dns_name_valid(const char *s, size_t len)
{
	size_t label = 0;

	if (!len || len > 253 || s[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (!label)
				return false; /* an empty label: "a..b" */
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

struct vg_dns_names *vg_dns_names_new(void)
{
	struct vg_dns_names *t = calloc(1, sizeof(*t));
	pthread_condattr_t ca;

	if (!t)
		return NULL;
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	return t;
}

bool vg_dns_names_add(struct vg_dns_names *t, const char *name, size_t len)
{
	struct name *v;

	if (!t || t->started || !vg_dns_name_valid(name, len))
		return false;
	for (size_t i = 0; i < t->n; i++)
		if (t->names[i].len == len && memcmp(t->names[i].s, name, len) == 0)
			return true;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;

		v = realloc(t->names, cap * sizeof(*v));
		if (!v)
			return false;
		t->names = v;
		t->cap = cap;
	}
	v = &t->names[t->n];
	memset(v, 0, sizeof(*v));
	v->s = strndup(name, len);
	if (!v->s)
		return false;
	v->len = (uint32_t)len;
	t->n++;
	return true;
}

size_t vg_dns_names_count(const struct vg_dns_names *t)
{
	return t ? t->n : 0;
}

const char *vg_dns_names_name(const struct vg_dns_names *t, size_t i)
{
	return t && i < t->n ? t->names[i].s : NULL;
}

/* ---- resolving ---- */

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* ::ffff:a.b.c.d is a.b.c.d: a dual-stack socket shows IPv4 peers that way. */
static void normalize(struct vg_dns_addr *a)
{
	if (a->len == 16 && memcmp(a->ip, v4_mapped, sizeof(v4_mapped)) == 0) {
		memmove(a->ip, a->ip + 12, 4);
		memset(a->ip + 4, 0, 12);
		a->len = 4;
	}
}

static enum vg_dns_status gai_resolve(void *arg, const char *name, struct vg_dns_addr *out,
				      size_t max, size_t *n)
{
	/* one answer per address: without a socket type each comes three times */
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res, *ai;
	int rc;

	(void)arg;
	*n = 0;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc == EAI_NONAME || rc == EAI_NODATA || rc == EAI_ADDRFAMILY)
		return VG_DNS_NONAME;
	if (rc != 0)
		return VG_DNS_AGAIN;
	for (ai = res; ai && *n < max; ai = ai->ai_next) {
		struct vg_dns_addr *a = &out[*n];

		memset(a, 0, sizeof(*a));
		if (ai->ai_family == AF_INET) {
			memcpy(a->ip, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
			a->len = 4;
		} else if (ai->ai_family == AF_INET6) {
			memcpy(a->ip, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
			a->len = 16;
		} else {
			continue;
		}
		(*n)++;
	}
	freeaddrinfo(res);
	return VG_DNS_OK;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	c = memcmp(a->ip, b->ip, a->len);
	if (c)
		return c;
	return a->name < b->name ? -1 : a->name > b->name;
}

static struct snap *snap_build(const struct vg_dns_names *t)
{
	size_t total = 0, k = 0;
	struct snap *s;

	for (size_t i = 0; i < t->n; i++)
		total += t->names[i].naddrs;
	s = calloc(1, sizeof(*s) + total * sizeof(s->e[0]));
	if (!s)
		return NULL;
	for (size_t i = 0; i < t->n; i++) {
		for (size_t j = 0; j < t->names[i].naddrs; j++) {
			struct entry *e = &s->e[k++];

			memcpy(e->ip, t->names[i].addrs[j].ip, 16);
			e->len = t->names[i].addrs[j].len;
			e->name = (uint32_t)i;
		}
	}
	qsort(s->e, total, sizeof(s->e[0]), entry_cmp);
	/* a name listed twice for one address (a hosts file can) is one entry */
	for (size_t i = 0; i < total; i++)
		if (!s->n || entry_cmp(&s->e[s->n - 1], &s->e[i]) != 0)
			s->e[s->n++] = s->e[i];
	return s;
}

/* Swaps a new snapshot in and frees the old one once no reader can hold it. */
static void publish(struct vg_dns_names *t)
{
	struct snap *s = snap_build(t), *old;
	struct timespec pause = {0, 50000};

	if (!s)
		return; /* out of memory: the old snapshot stays, a later pass retries */
	old = atomic_exchange(&t->snap, s);
	while (atomic_load(&t->readers))
		nanosleep(&pause, NULL);
	free(old);
}

static bool same_addrs(const struct vg_dns_addr *a, size_t na, const struct vg_dns_addr *b,
		       size_t nb)
{
	return na == nb && memcmp(a, b, na * sizeof(*a)) == 0;
}

/* Resolves one name; true when its addresses changed. */
static bool resolve_one(struct vg_dns_names *t, struct name *nm, uint64_t now)
{
	const struct vg_dns_opts *o = &t->o;
	vg_dns_resolve_fn fn = o->resolve ? o->resolve : gai_resolve;
	uint32_t refresh = o->refresh_ms ? o->refresh_ms : DEFAULT_REFRESH_MS;
	uint64_t cap = o->max_backoff_ms ? o->max_backoff_ms : (uint64_t)refresh * BACKOFF_FACTOR;
	struct vg_dns_addr got[VG_DNS_MAX_ADDRS];
	enum vg_dns_status st;
	size_t n = 0;
	bool changed;

	memset(got, 0, sizeof(got));
	st = fn(o->resolve_arg, nm->s, got, VG_DNS_MAX_ADDRS, &n);
	if (n > VG_DNS_MAX_ADDRS)
		n = VG_DNS_MAX_ADDRS;
	if (st == VG_DNS_OK) {
		for (size_t i = 0; i < n; i++)
			normalize(&got[i]);
		atomic_fetch_add(&t->resolved, 1);
		nm->wait_ms = refresh;
	} else {
		atomic_fetch_add(&t->failures, 1);
		/* back off: a name that does not resolve is asked less and less often */
		nm->wait_ms = nm->wait_ms ? 2 * nm->wait_ms : refresh;
		if (nm->wait_ms > cap)
			nm->wait_ms = cap;
	}
	nm->due_ns = now + nm->wait_ms * 1000000ull;
	if (st == VG_DNS_AGAIN)
		return false; /* a resolver that is down says nothing about the name */
	if (st == VG_DNS_NONAME)
		n = 0;
	changed = !same_addrs(nm->addrs, nm->naddrs, got, n);
	memcpy(nm->addrs, got, n * sizeof(got[0]));
	nm->naddrs = n;
	return changed;
}

/* One pass over the names (all, or those due); publishes when something changed. */
static void pass(struct vg_dns_names *t, bool all)
{
	bool changed = all;

	for (size_t i = 0; i < t->n && !atomic_load(&t->stop); i++) {
		uint64_t now = mono_ns();

		if (all || t->names[i].due_ns <= now)
			changed |= resolve_one(t, &t->names[i], now);
	}
	atomic_fetch_add(&t->passes, 1);
	if (changed)
		publish(t);
}

void vg_dns_names_refresh(struct vg_dns_names *t, const struct vg_dns_opts *o)
{
	if (!t || t->started)
		return; /* the names' state is the thread's */
	if (o)
		t->o = *o;
	pass(t, true);
}

/* ---- the thread ---- */

static void destroy(struct vg_dns_names *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->names[i].s);
	free(t->names);
	free(atomic_load(&t->snap));
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static uint64_t next_due(const struct vg_dns_names *t)
{
	uint64_t due = UINT64_MAX;

	for (size_t i = 0; i < t->n; i++)
		if (t->names[i].due_ns < due)
			due = t->names[i].due_ns;
	return due;
}

static void *resolver_main(void *arg)
{
	struct vg_dns_names *t = arg;
	bool orphan;

	pass(t, true);
	pthread_mutex_lock(&t->mu);
	t->first_done = true;
	pthread_cond_broadcast(&t->cv);
	while (!atomic_load(&t->stop)) {
		uint64_t due = next_due(t);

		if (mono_ns() < due) {
			struct timespec ts = ts_of(due);

			pthread_cond_timedwait(&t->cv, &t->mu, &ts);
			continue;
		}
		pthread_mutex_unlock(&t->mu);
		pass(t, false);
		pthread_mutex_lock(&t->mu);
	}
	/* whoever comes second, this thread or vg_dns_names_free, frees the table */
	t->exited = true;
	orphan = t->orphaned;
	pthread_mutex_unlock(&t->mu);
	if (orphan)
		destroy(t);
	return NULL;
}

int vg_dns_names_start(struct vg_dns_names *t, const struct vg_dns_opts *o)
{
	sigset_t all, old;
	struct timespec ts;
	int rc;

	if (!t || !t->n || t->started)
		return 0;
	if (o)
		t->o = *o;
	/* signals are the event thread's: a resolver must not take its SIGINT */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t->thread, NULL, resolver_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -1;
	t->started = true;
	ts = ts_of(mono_ns() + (uint64_t)t->o.first_wait_ms * 1000000ull);
	pthread_mutex_lock(&t->mu);
	while (!t->first_done && pthread_cond_timedwait(&t->cv, &t->mu, &ts) == 0)
		;
	pthread_mutex_unlock(&t->mu);
	return 0;
}

void vg_dns_names_free(struct vg_dns_names *t)
{
	struct timespec ts;
	bool exited;

	if (!t)
		return;
	if (!t->started) {
		destroy(t);
		return;
	}
	pthread_mutex_lock(&t->mu);
	atomic_store(&t->stop, true);
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += JOIN_WAIT_MS * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	if (pthread_timedjoin_np(t->thread, NULL, &ts) == 0) {
		destroy(t);
		return;
	}
	/* the thread is in a slow lookup: it frees the table when it is out */
	pthread_mutex_lock(&t->mu);
	exited = t->exited;
	t->orphaned = !exited;
	pthread_mutex_unlock(&t->mu);
	if (exited) {
		pthread_join(t->thread, NULL);
		destroy(t);
	} else {
		pthread_detach(t->thread);
	}
}

/* ---- lookups ---- */

/* The first entry not below (len, ip). */
static size_t lower_bound(const struct snap *s, const uint8_t *ip, uint8_t len)
{
	struct entry key = {.len = len, .name = 0};
	size_t lo = 0, hi = s->n;

	memcpy(key.ip, ip, len);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (entry_cmp(&s->e[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t vg_dns_names_lookup(struct vg_dns_names *t, const uint8_t *ip, uint32_t len,
			   const char **names, uint32_t *lens, size_t max)
{
	struct vg_dns_addr a = {.len = (uint8_t)len};
	const struct snap *s;
	size_t got = 0;

	if (!t || !t->n || (len != 4 && len != 16))
		return 0;
	memcpy(a.ip, ip, len);
	normalize(&a);
	atomic_fetch_add(&t->readers, 1);
	s = atomic_load(&t->snap);
	if (s) {
		for (size_t i = lower_bound(s, a.ip, a.len);
		     i < s->n && got < max && s->e[i].len == a.len &&
		     memcmp(s->e[i].ip, a.ip, a.len) == 0;
		     i++) {
			names[got] = t->names[s->e[i].name].s;
			lens[got++] = t->names[s->e[i].name].len;
		}
	}
	atomic_fetch_sub(&t->readers, 1);
	return got;
}

void vg_dns_names_stats(struct vg_dns_names *t, struct vg_dns_stats *out)
{
	const struct snap *s;

	memset(out, 0, sizeof(*out));
	if (!t)
		return;
	out->passes = atomic_load(&t->passes);
	out->resolved = atomic_load(&t->resolved);
	out->failures = atomic_load(&t->failures);
	atomic_fetch_add(&t->readers, 1);
	s = atomic_load(&t->snap);
	out->addrs = s ? s->n : 0;
	atomic_fetch_sub(&t->readers, 1);
}
