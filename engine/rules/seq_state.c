// SPDX-License-Identifier: Apache-2.0
/*
 * The state of sequence and threshold rules (seq.h): one table per rule,
 * its share of the sequence_state_max_bytes budget reserved once (address
 * space only) and touched as keys arrive, of fixed-size entries, one per
 * tracked key. An entry holds a partial sequence (the next
 * step expected, each step's time and event type, the captured values) or a
 * threshold's recent event times or distinct values. Entries are chained in
 * a hash index and kept in least-recently-advanced order; a full table
 * evicts the head of that order (counted, logged at most once a minute).
 *
 * Time is the events' own (hdr->ts_ns), never the wall clock, so that a
 * replay of a capture gives the alerts the live run gave.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "container/container.h"
#include "decode/decode.h"
#include "rules/rules_internal.h"
#include "rules/format.h"
#include "rules/seq.h"
#include "state/proc_table.h"
#include "vigil/enforce.h"

#define CAP_COUNT      (UINT32_MAX - 1)
#define CAP_VALUES     (UINT32_MAX - 2)
#define LINEAGE_DEPTH  16
#define SWEEP_PER_CALL 32 /* every 16th call: 2 per call on average */
#define EVICT_LOG_NS   (60ull * 1000000000ull)

/* One captured value: type, length, then the bytes (strings) or the number. */
struct cap_slot {
	uint8_t present;
	uint8_t truncated;
	uint16_t len;
	uint32_t pad;
	struct vg_value v; /* numbers, addresses; s unused */
	char s[VG_SEQ_CAP_BYTES];
};

/* One distinct value of a threshold. */
struct dval {
	uint64_t hash, ts;
	uint8_t len;
	char text[VG_THR_VALUE_BYTES];
};

struct vg_seq_entry {
	uint64_t key;
	uint64_t first_ns, last_ns; /* event time of the first and the last step / event */
	uint64_t evt_num;	    /* the event that last advanced it */
	uint64_t pstart;	    /* process of the last step: start time, with pid */
	uint64_t chash;		    /* by_container: the last event's container.id, hashed */
	uint32_t pid;
	uint32_t hnext, lprev, lnext; /* index + 1; 0: none */
	uint8_t next;		      /* sequence: the positive step expected */
	uint8_t used;
	uint16_t n;    /* threshold: times or values held */
	uint32_t head; /* threshold count: ring start */
	uint64_t step_ns[VG_SEQ_MAX_STEPS], step_wall[VG_SEQ_MAX_STEPS];
	uint16_t step_type[VG_SEQ_MAX_STEPS];
	/* then: sequence, ncaps struct cap_slot; count, count uint64_t; distinct, count struct dval
	 */
};

struct vg_seq_table {
	uint8_t *mem;
	size_t esz, cap, used;
	size_t hwm; /* entries 1..hwm have been handed out once (touched); the rest never */
	uint32_t *buckets;
	size_t nbuckets;	     /* a power of two */
	size_t mem_len, buckets_len; /* the mappings' lengths */
	uint32_t lru_head, lru_tail, free_head;
	uint32_t sweep_tick;
	uint64_t seed; /* secret: keys and distinct values are held by their hash alone */
};

static inline struct vg_seq_entry *ent(const struct vg_seq_table *t, uint32_t i)
{
	return (struct vg_seq_entry *)(t->mem + (size_t)(i - 1) * t->esz);
}

static inline void *payload(struct vg_seq_entry *e)
{
	return e + 1;
}

size_t vg_seq_entry_bytes(const struct vg_seq *s)
{
	size_t n = sizeof(struct vg_seq_entry);

	if (s->kind == VG_SEQ_SEQUENCE)
		n += s->ncaps * sizeof(struct cap_slot);
	else if (s->distinct)
		n += s->count * sizeof(struct dval);
	else
		n += s->count * sizeof(uint64_t);
	n = (n + 7) & ~(size_t)7;
	return n + 2 * sizeof(uint32_t); /* its share of the hash index */
}

/*
 * Address space for len bytes, zero-filled, that costs no memory until a page
 * is written: an anonymous mapping, not calloc, whose memory comes from the
 * heap (cleared there, so all resident) whenever glibc's mmap threshold has
 * grown past len, as it does after a large transient is freed.
 */
static void *reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void release(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

void vg_seq_table_free(struct vg_seq_table *t)
{
	if (!t)
		return;
	release(t->mem, t->mem_len);
	release(t->buckets, t->buckets_len);
	free(t);
}

static bool table_new(struct vg_seq *s, uint64_t bytes)
{
	struct vg_seq_table *t = calloc(1, sizeof(*t));
	size_t per = vg_seq_entry_bytes(s), cap = bytes / per;

	if (!t)
		return false;
	if (cap < VG_SEQ_MIN_ENTRIES)
		cap = VG_SEQ_MIN_ENTRIES;
	if (cap > UINT32_MAX / 2)
		cap = UINT32_MAX / 2;
	t->esz = per - 2 * sizeof(uint32_t);
	t->cap = cap;
	for (t->nbuckets = 16; t->nbuckets < cap; t->nbuckets <<= 1)
		;
	/*
	 * Nothing is written here: the free list starts empty and alloc_entry
	 * takes never-used entries at hwm, so pages become resident as keys
	 * arrive, up to the bound and never beyond.
	 */
	t->mem_len = cap * t->esz;
	t->buckets_len = t->nbuckets * sizeof(*t->buckets);
	t->mem = reserve(t->mem_len);
	t->buckets = reserve(t->buckets_len);
	if (!t->mem || !t->buckets) {
		vg_seq_table_free(t);
		return false;
	}
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != sizeof(t->seed))
		t->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)t;
	vg_seq_table_free(s->tab);
	s->tab = t;
	return true;
}

bool vg_seq_state_init(struct vg_ruleset *rs, uint64_t max_bytes)
{
	uint64_t per;

	if (!rs->compiled.nseqs)
		return true;
	if (!max_bytes)
		max_bytes = VG_SEQ_DEFAULT_BYTES;
	per = max_bytes / rs->compiled.nseqs;
	for (size_t i = 0; i < rs->compiled.nseqs; i++) {
		vg_seq_table_free(rs->compiled.seqs[i]->tab);
		rs->compiled.seqs[i]->tab = NULL;
		if (!table_new(rs->compiled.seqs[i], per))
			return false;
	}
	return true;
}

uint64_t vg_seq_state_bytes(const struct vg_ruleset *rs)
{
	uint64_t n = 0;

	for (size_t i = 0; i < rs->compiled.nseqs; i++)
		if (rs->compiled.seqs[i]->tab)
			n += rs->compiled.seqs[i]->tab->hwm *
			     vg_seq_entry_bytes(rs->compiled.seqs[i]);
	return n;
}

/* ---- the index and the order ---- */

static uint32_t *bucket(struct vg_seq_table *t, uint64_t key)
{
	return &t->buckets[(key ^ key >> 29) & (t->nbuckets - 1)];
}

static uint32_t find(struct vg_seq_table *t, uint64_t key)
{
	for (uint32_t i = *bucket(t, key); i; i = ent(t, i)->hnext)
		if (ent(t, i)->key == key)
			return i;
	return 0;
}

static void lru_unlink(struct vg_seq_table *t, uint32_t i)
{
	struct vg_seq_entry *e = ent(t, i);

	if (e->lprev)
		ent(t, e->lprev)->lnext = e->lnext;
	else
		t->lru_head = e->lnext;
	if (e->lnext)
		ent(t, e->lnext)->lprev = e->lprev;
	else
		t->lru_tail = e->lprev;
	e->lprev = e->lnext = 0;
}

static void lru_append(struct vg_seq_table *t, uint32_t i)
{
	struct vg_seq_entry *e = ent(t, i);

	e->lprev = t->lru_tail;
	e->lnext = 0;
	if (t->lru_tail)
		ent(t, t->lru_tail)->lnext = i;
	else
		t->lru_head = i;
	t->lru_tail = i;
}

static void hash_unlink(struct vg_seq_table *t, uint32_t i)
{
	uint32_t *p = bucket(t, ent(t, i)->key);

	while (*p && *p != i)
		p = &ent(t, *p)->hnext;
	if (*p)
		*p = ent(t, i)->hnext;
}

static void drop(struct vg_seq_table *t, uint32_t i)
{
	struct vg_seq_entry *e = ent(t, i);

	hash_unlink(t, i);
	lru_unlink(t, i);
	e->used = 0;
	e->hnext = t->free_head;
	t->free_head = i;
	t->used--;
}

static void rekey(struct vg_seq_table *t, uint32_t i, uint64_t key)
{
	uint32_t *b;

	hash_unlink(t, i);
	ent(t, i)->key = key;
	b = bucket(t, key);
	ent(t, i)->hnext = *b;
	*b = i;
}

/*
 * The log line is limited on the monotonic clock, not event time: a replay's
 * or a benchmark's time may run backwards, and what is logged changes no alert.
 */
static void note_eviction(struct vg_seq *s)
{
	struct timespec ts;
	uint64_t now;

	s->evictions++;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (s->evict_logged && now - s->last_evict_log_ns < EVICT_LOG_NS)
		return;
	fprintf(stderr,
		"vigil: warning: rule '%s': sequence/threshold state full (%zu keys), evicting the "
		"oldest partial matches (%llu so far; raise sequence_state_max_bytes)\n",
		s->owner ? vg_rule_name(s->owner) : "?", s->tab->cap,
		(unsigned long long)s->evictions);
	s->last_evict_log_ns = now;
	s->evict_logged++;
}

/*
 * A fresh entry for key: a freed one, else one never used, else (a full
 * table) its least recently advanced one. Freed entries go first, so the
 * touched part grows only when more keys are live at once than ever before.
 */
static uint32_t alloc_entry(struct vg_seq *s, uint64_t key)
{
	struct vg_seq_table *t = s->tab;
	uint32_t i, *b;

	if (!t->free_head && t->hwm < t->cap) {
		i = (uint32_t)++t->hwm;
	} else {
		if (!t->free_head) {
			drop(t, t->lru_head);
			note_eviction(s);
		}
		i = t->free_head;
		t->free_head = ent(t, i)->hnext;
	}
	/* the header only: payload slots are written before they are read (counts, captures) */
	memset(ent(t, i), 0, sizeof(struct vg_seq_entry));
	ent(t, i)->key = key;
	ent(t, i)->used = 1;
	b = bucket(t, key);
	ent(t, i)->hnext = *b;
	*b = i;
	lru_append(t, i);
	t->used++;
	return i;
}

static void touch(struct vg_seq_table *t, uint32_t i, uint64_t now)
{
	ent(t, i)->last_ns = now;
	lru_unlink(t, i);
	lru_append(t, i);
}

/* now - t, or 0 when t is later: events of several CPUs arrive slightly out of order */
static inline uint64_t age(uint64_t now, uint64_t t)
{
	return now > t ? now - t : 0;
}

static bool expired(const struct vg_seq *s, const struct vg_seq_entry *e, uint64_t now)
{
	uint64_t since = s->kind == VG_SEQ_SEQUENCE ? e->first_ns : e->last_ns;

	return age(now, since) > s->within_ns;
}

/*
 * Frees a few entries whose window has passed: memory follows the keys in
 * use. Every 16th call: the oldest entry is a cache miss away.
 */
static void sweep(struct vg_seq *s, uint64_t now)
{
	struct vg_seq_table *t = s->tab;

	if (++t->sweep_tick & 15)
		return;
	for (int k = 0; k < SWEEP_PER_CALL && t->lru_head; k++) {
		if (!expired(s, ent(t, t->lru_head), now))
			break;
		drop(t, t->lru_head);
		s->expired++;
	}
}

/* ---- keys ---- */

static inline uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t proc_key(uint32_t pid, uint64_t start)
{
	return mix(mix(0x70726f63ull, pid), start);
}

static uint64_t value_hash(uint64_t seed, enum vg_ftype t, const struct vg_value *v)
{
	if (vg_is_stringish(t))
		return vg_hash_seeded(seed, v->s, v->len);
	if (t == VG_FT_IPADDR || t == VG_FT_IPNET)
		return vg_hash_seeded(seed, (const char *)v->ip, v->len == 4 ? 4 : 16);
	return mix(seed, v->u);
}

static void ev_proc(const struct vg_eval_ctx *ctx, uint32_t *pid, uint64_t *start)
{
	*pid = ctx->proc ? ctx->proc->pid : ctx->ev->hdr->pid;
	*start = ctx->proc ? ctx->proc->start_ns : 0;
}

/*
 * The keys the event may continue: one, or for proc.lineage its process and
 * its ancestors. 0 keys: a key field is missing, the step does not apply.
 */
static size_t event_keys(struct vg_ruleset *rs, const struct vg_seq_table *t,
			 const struct vg_seq_key *k, const struct vg_eval_ctx *ctx, uint64_t *out,
			 size_t max)
{
	struct vg_xval *tmp = &rs->ev.pool[0];
	uint64_t h = 0x6b6579ull, start;
	uint32_t pid;
	size_t n = 0;

	switch (k->kind) {
	case VG_KEY_GLOBAL: out[0] = h; return 1;
	case VG_KEY_PROC:
		ev_proc(ctx, &pid, &start);
		out[0] = proc_key(pid, start);
		return 1;
	case VG_KEY_LINEAGE: {
		const struct vg_proc *p = ctx->proc;

		ev_proc(ctx, &pid, &start);
		out[n++] = proc_key(pid, start);
		for (int d = 1; p && ctx->procs && d <= LINEAGE_DEPTH && n < max; d++) {
			const struct vg_proc *a = vg_proc_ancestor(ctx->procs, p, d);

			if (!a)
				break;
			out[n++] = proc_key(a->pid, a->start_ns);
		}
		return n;
	}
	case VG_KEY_FIELDS:
		for (size_t i = 0; i < k->n; i++) {
			const struct vg_xval *x;

			vg_eval_check_start(rs);
			x = vg_cexpr_values(rs, k->ex[i], ctx, tmp, 0);
			if (!x->n)
				return 0;
			h = mix(h, value_hash(t->seed, x->type, &x->v[0]));
		}
		out[0] = h;
		return 1;
	}
	return 0;
}

/* ---- captures ---- */

static struct cap_slot *caps_of(struct vg_seq_entry *e)
{
	return payload(e);
}

static void capture(struct vg_ruleset *rs, const struct vg_seq *s, size_t step,
		    struct vg_seq_entry *e, const struct vg_eval_ctx *ctx)
{
	struct cap_slot *c = caps_of(e);

	for (size_t k = 0; k < s->ncaps; k++) {
		const struct vg_xval *x;

		if (s->caps[k].step != step)
			continue;
		vg_eval_check_start(rs);
		x = vg_cexpr_values(rs, s->caps[k].ex, ctx, &rs->ev.pool[0], 0);
		memset(&c[k], 0, sizeof(c[k]));
		if (!x->n)
			continue;
		c[k].present = 1;
		c[k].v = x->v[0];
		c[k].v.s = NULL;
		if (vg_is_stringish(x->type)) {
			/* bounded: a hostile process chooses these bytes */
			size_t len = x->v[0].len < VG_SEQ_CAP_BYTES - 1 ? x->v[0].len
									: VG_SEQ_CAP_BYTES - 1;

			memcpy(c[k].s, x->v[0].s, len);
			c[k].s[len] = '\0';
			c[k].len = (uint16_t)len;
			c[k].truncated = len < x->v[0].len;
		}
	}
}

/* ---- threshold values ---- */

static uint64_t *times_of(struct vg_seq_entry *e)
{
	return payload(e);
}

static struct dval *dvals_of(struct vg_seq_entry *e)
{
	return payload(e);
}

void vg_seq_ref_values(struct vg_ruleset *rs, const struct vg_cexpr *e, struct vg_xval *x)
{
	const struct vg_seq *s = rs->ev.seq_done.seq;
	struct vg_seq_entry *en =
		(struct vg_seq_entry *)(rs->ev.seq_cur ? rs->ev.seq_cur : rs->ev.seq_done.e);

	x->n = 0;
	x->type = e->type;
	if (!en)
		return;
	if (e->slot == CAP_COUNT) {
		if (s)
			vg_xval_u64(x, en->n);
		return;
	}
	if (e->slot == CAP_VALUES) {
		char *buf;
		size_t len = 0;

		if (!s || !s->distinct || !(buf = vg_scratch_alloc(&rs->ev.xscratch, 1024)))
			return;
		for (uint16_t i = 0; i < en->n && i < VG_THR_OUT_VALUES; i++) {
			const struct dval *d = &dvals_of(en)[i];

			if (len + d->len + 2 >= 1024)
				break;
			if (i)
				buf[len++] = ',';
			memcpy(buf + len, d->text, d->len);
			len += d->len;
		}
		vg_xval_str(x, buf, len);
		return;
	}
	{
		const struct cap_slot *c = &caps_of(en)[e->slot];
		struct vg_value v;

		if (!c->present)
			return;
		v = c->v;
		if (vg_is_stringish(e->type)) {
			vg_xval_str(x, c->s, c->len);
			return;
		}
		x->v[0] = v;
		x->n = 1;
	}
}

static void dval_text(const struct vg_xval *x, struct dval *d)
{
	char tmp[64];
	size_t n;
	const char *s = vg_output_value_text(x->type, &x->v[0], tmp, sizeof(tmp), &n);

	if (n > VG_THR_VALUE_BYTES)
		n = VG_THR_VALUE_BYTES;
	memcpy(d->text, s, n);
	d->len = (uint8_t)n;
}

/* ---- action: kill ---- */

void vg_seq_set_enforce_mode(struct vg_ruleset *rs, int mode)
{
	for (size_t i = 0; i < rs->compiled.nseqs; i++)
		rs->compiled.seqs[i]->global_mode = mode;
}

/* One clock tick of /proc/<pid>/stat, in ns. */
static uint64_t tick_ns(void)
{
	long hz = sysconf(_SC_CLK_TCK);

	return 1000000000ull / (uint64_t)(hz > 0 ? hz : 100);
}

/* The start of pid in /proc/<pid>/stat (field 22), as CLOCK_BOOTTIME ns; 0 when gone. */
static uint64_t proc_start_ns(uint32_t pid)
{
	char path[64], buf[1024], *end;
	unsigned long long ticks;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm is the process's choice, ')' included: the fields follow the last one */
	if (!(end = strrchr(buf, ')')) ||
	    sscanf(end + 1,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   &ticks) != 1)
		return 0;
	return ticks * tick_ns();
}

/*
 * SIGKILL to the process pid that started at start_ns, and to no other: the
 * pidfd is taken first, then the start time checked, so a pid reused in
 * between is refused, and the signal goes to the process the check saw.
 */
static bool kill_verified(uint32_t pid, uint64_t start_ns)
{
	uint64_t tick = tick_ns(), now;
	int fd;
	bool ok = false;

	if (!pid || !start_ns || (fd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		return false;
	now = proc_start_ns(pid);
	/* /proc has tick resolution: the same process started within one tick of it */
	if (now && start_ns >= now && start_ns < now + tick)
		ok = syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0;
	close(fd);
	return ok;
}

/* The rule's mode under the global one (it can lower it, never raise it). */
static int effective_mode(const struct vg_seq *s)
{
	int m = s->global_mode;

	if (s->enforce_mode >= 0 && s->enforce_mode < m)
		m = s->enforce_mode;
	return m;
}

/* action: kill on a completed match: the process of the completing event. */
static void act(struct vg_ruleset *rs, const struct vg_seq *s, const struct vg_eval_ctx *ctx)
{
	int mode = effective_mode(s);

	if (!s->kill || mode <= VG_ENF_MODE_OFF)
		return;
	rs->ev.seq_done.enforced = true;
	rs->ev.seq_done.mode = mode;
	rs->ev.seq_done.target_pid = ctx->ev->hdr->pid; /* the thread group: the whole process */
	if (mode == VG_ENF_MODE_AUDIT)
		rs->ev.seq_done.result = VG_ENF_RES_AUDIT;
	else
		rs->ev.seq_done.result =
			ctx->proc && kill_verified(ctx->ev->hdr->pid, ctx->proc->start_ns)
				? VG_ENF_RES_KILLED
				: VG_ENF_RES_FAILED;
}

/* ---- the state machine ---- */

static size_t report(struct vg_ruleset *rs, struct vg_seq *s, uint32_t i,
		     const struct vg_eval_ctx *ctx, vg_match_fn fn, void *arg)
{
	s->completed++;
	if (!s->owner->enabled)
		return 0;
	rs->ev.seq_done.seq = s;
	rs->ev.seq_done.e = ent(s->tab, i);
	rs->ev.seq_done.now_ns = ctx->ev->hdr->ts_ns;
	act(rs, s, ctx);
	if (fn)
		fn(s->owner, ctx, arg);
	memset(&rs->ev.seq_done, 0, sizeof(rs->ev.seq_done));
	return 1;
}

/* The process of the entry's last step still runs (until_exit), pid reuse told apart. */
static bool proc_alive(const struct vg_eval_ctx *ctx, const struct vg_seq_entry *e)
{
	struct vg_proc *p;

	if (!ctx->procs)
		return true;
	p = vg_proc_get(ctx->procs, e->pid);
	return p && !p->exited && p->start_ns == e->pstart;
}

static bool step_holds(struct vg_ruleset *rs, const struct vg_seq_cstep *st, uint32_t prog,
		       const struct vg_eval_ctx *ctx, const struct vg_seq_entry *e)
{
	bool v;

	if (!st->uses_caps)
		return true; /* evaluated already */
	/* memos hold results of one capture context: none survive into another */
	rs->ev.mgen++;
	rs->ev.seq_cur = e;
	v = vg_prog_value(rs, prog, ctx);
	rs->ev.seq_cur = NULL;
	rs->ev.mgen++;
	return v;
}

static uint64_t container_hash(const struct vg_seq_table *t, const char *id)
{
	return vg_hash_seeded(t->seed, id, strlen(id));
}

/* Which container the entry's key came from, for vg_seq_on_container_gone. */
static void note_container(const struct vg_seq *s, struct vg_seq_entry *e,
			   const struct vg_eval_ctx *ctx)
{
	if (s->by_container)
		e->chash = ctx->container ? container_hash(s->tab, ctx->container->id) : 0;
}

static void record_step(struct vg_ruleset *rs, struct vg_seq *s, size_t step, uint32_t i,
			const struct vg_eval_ctx *ctx)
{
	struct vg_seq_entry *e = ent(s->tab, i);
	uint8_t p = s->steps[step].pos;

	e->step_ns[p] = ctx->ev->hdr->ts_ns;
	e->step_wall[p] = ctx->ev->wall_ns;
	e->step_type[p] = rs->ev.cur_type;
	e->evt_num = rs->ev.env.evt_num;
	ev_proc(ctx, &e->pid, &e->pstart);
	note_container(s, e, ctx);
	e->next = (uint8_t)(p + 1);
	capture(rs, s, step, e, ctx);
	touch(s->tab, i, ctx->ev->hdr->ts_ns);
}

static size_t on_step(struct vg_ruleset *rs, struct vg_seq *s, size_t step, uint32_t prog,
		      const struct vg_eval_ctx *ctx, vg_match_fn fn, void *arg)
{
	const struct vg_seq_cstep *st = &s->steps[step];
	uint64_t keys[LINEAGE_DEPTH + 1], now = ctx->ev->hdr->ts_ns;
	size_t nk;
	uint32_t i;

	if (!st->uses_caps && !vg_prog_value(rs, prog, ctx))
		return 0;
	nk = event_keys(rs, s->tab, &st->key, ctx, keys, LINEAGE_DEPTH + 1);
	if (!st->negative && st->pos == 0) {
		if (!nk)
			return 0;
		i = find(s->tab, keys[0]);
		if (!i)
			i = alloc_entry(s, keys[0]);
		else if (ent(s->tab, i)->evt_num == rs->ev.env.evt_num)
			return 0;
		ent(s->tab, i)->first_ns = now; /* a new start replaces the old */
		record_step(rs, s, step, i, ctx);
		return 0;
	}
	for (size_t k = 0; k < nk; k++) {
		struct vg_seq_entry *e;
		uint8_t want = st->negative ? st->before : st->pos;

		if (!(i = find(s->tab, keys[k])))
			continue;
		e = ent(s->tab, i);
		if (e->next != want || e->evt_num == rs->ev.env.evt_num)
			continue;
		if (expired(s, e, now)) {
			drop(s->tab, i);
			s->expired++;
			continue;
		}
		if (s->until_exit && !proc_alive(ctx, e)) {
			drop(s->tab, i);
			s->exits++;
			continue;
		}
		if (!step_holds(rs, st, prog, ctx, e))
			continue;
		if (st->negative) {
			drop(s->tab, i);
			continue;
		}
		record_step(rs, s, step, i, ctx);
		if (e->next == s->npos) {
			size_t m = report(rs, s, i, ctx, fn, arg);

			drop(s->tab, i);
			return m;
		}
		if (st->key.kind == VG_KEY_LINEAGE && k)
			rekey(s->tab, i, keys[0]); /* the tree continues from this process */
		return 0;
	}
	return 0;
}

/* Count mode: a ring of the last `count` event times within the window. */
static bool count_event(struct vg_seq *s, struct vg_seq_entry *e, uint64_t now)
{
	uint64_t *t = times_of(e);

	while (e->n && age(now, t[e->head]) > s->within_ns) {
		e->head = (e->head + 1) % s->count;
		e->n--;
	}
	t[(e->head + e->n) % s->count] = now;
	e->n++;
	return e->n >= s->count;
}

/* Distinct mode: the values seen within the window, each with its last time. */
static bool count_distinct(struct vg_ruleset *rs, struct vg_seq *s, struct vg_seq_entry *e,
			   const struct vg_eval_ctx *ctx, uint64_t now)
{
	struct dval *d = dvals_of(e);
	const struct vg_xval *x;
	uint64_t h;

	vg_eval_check_start(rs);
	x = vg_cexpr_values(rs, s->distinct, ctx, &rs->ev.pool[0], 0);
	if (!x->n)
		return false;
	h = value_hash(s->tab->seed, x->type, &x->v[0]);
	for (uint16_t i = 0; i < e->n;) { /* expire, keeping order */
		if (age(now, d[i].ts) > s->within_ns) {
			memmove(&d[i], &d[i + 1], (size_t)(e->n - i - 1) * sizeof(*d));
			e->n--;
			continue;
		}
		if (d[i].hash == h) {
			d[i].ts = now;
			return false;
		}
		i++;
	}
	if (e->n >= s->count) {
		s->overflow++;
		return true;
	}
	d[e->n].hash = h;
	d[e->n].ts = now;
	dval_text(x, &d[e->n]);
	e->n++;
	return e->n >= s->count;
}

static size_t on_threshold(struct vg_ruleset *rs, struct vg_seq *s, uint32_t prog,
			   const struct vg_eval_ctx *ctx, vg_match_fn fn, void *arg)
{
	uint64_t key, now = ctx->ev->hdr->ts_ns;
	uint32_t i;
	bool fire;

	if (!vg_prog_value(rs, prog, ctx) || !event_keys(rs, s->tab, &s->by, ctx, &key, 1))
		return 0;
	i = find(s->tab, key);
	if (!i)
		i = alloc_entry(s, key);
	note_container(s, ent(s->tab, i), ctx);
	fire = s->distinct ? count_distinct(rs, s, ent(s->tab, i), ctx, now)
			   : count_event(s, ent(s->tab, i), now);
	touch(s->tab, i, now);
	if (!fire)
		return 0;
	{
		size_t m = report(rs, s, i, ctx, fn, arg);

		drop(s->tab, i); /* counting starts again */
		return m;
	}
}

size_t vg_seq_on_rule(struct vg_ruleset *rs, struct vg_rule *r, uint32_t prog,
		      const struct vg_eval_ctx *ctx, vg_match_fn fn, void *arg)
{
	struct vg_seq *s = r->seq;

	if (!s->tab || !s->owner->enabled)
		return 0;
	sweep(s, ctx->ev->hdr->ts_ns);
	if (s->kind == VG_SEQ_THRESHOLD)
		return on_threshold(rs, s, prog, ctx, fn, arg);
	return on_step(rs, s, (size_t)r->seq_step, prog, ctx, fn, arg);
}

void vg_seq_on_exit(struct vg_ruleset *rs, const struct vg_eval_ctx *ctx)
{
	uint32_t pid;
	uint64_t start, key;

	if (ctx->ev->hdr->pid != ctx->ev->hdr->tid)
		return; /* a thread: the process lives on */
	ev_proc(ctx, &pid, &start);
	key = proc_key(pid, start);
	for (size_t k = 0; k < rs->compiled.nseqs; k++) {
		struct vg_seq *s = rs->compiled.seqs[k];
		bool by_proc = s->kind == VG_SEQ_THRESHOLD ? s->by.kind == VG_KEY_PROC
							   : s->steps[0].key.kind == VG_KEY_PROC;
		uint32_t i;

		/* a proc.pid key cannot continue; a lineage one only when until_exit says so */
		if (!s->tab || !(by_proc || s->until_exit))
			continue;
		if ((i = find(s->tab, key))) {
			drop(s->tab, i);
			s->exits++;
		}
	}
}

void vg_seq_on_container_gone(struct vg_ruleset *rs, const char *id)
{
	for (size_t k = 0; id && k < rs->compiled.nseqs; k++) {
		struct vg_seq *s = rs->compiled.seqs[k];
		uint64_t h;

		if (!s->tab || !s->by_container || !s->tab->used)
			continue;
		h = container_hash(s->tab, id);
		for (uint32_t i = s->tab->lru_head, next; i; i = next) {
			next = ent(s->tab, i)->lnext;
			if (ent(s->tab, i)->chash == h) {
				drop(s->tab, i);
				s->containers_gone++;
			}
		}
	}
}

/* ---- reload ---- */

static struct vg_seq *same_rule(const struct vg_ruleset *rs, const struct vg_seq *s)
{
	for (size_t i = 0; i < rs->compiled.nseqs; i++) {
		struct vg_seq *o = rs->compiled.seqs[i];

		if (o->def_hash == s->def_hash && o->tab &&
		    strcmp(vg_rule_name(o->owner), vg_rule_name(s->owner)) == 0)
			return o;
	}
	return NULL;
}

/*
 * Moves prev's entries into next's (empty) table, oldest first, so that a
 * smaller table keeps the most recent ones (the rest counted as evictions).
 * Same definition, so same entry size; next takes prev's secret seed, which
 * its keys and distinct values were hashed with.
 */
static void move_entries(struct vg_seq *next, struct vg_seq *prev)
{
	struct vg_seq_table *nt = next->tab, *pt = prev->tab;

	if (nt->cap == pt->cap) { /* the usual case: swap, nothing to copy */
		next->tab = pt;
		prev->tab = nt;
		next->carried += pt->used;
		return;
	}
	nt->seed = pt->seed;
	while (pt->lru_head) {
		uint32_t i = pt->lru_head;
		struct vg_seq_entry *from = ent(pt, i), hdr;
		uint32_t j = alloc_entry(next, from->key);
		struct vg_seq_entry *to = ent(nt, j);

		hdr = *to; /* next's links */
		memcpy(to, from, nt->esz);
		to->hnext = hdr.hnext;
		to->lprev = hdr.lprev;
		to->lnext = hdr.lnext;
		next->carried++;
		drop(pt, i);
	}
}

void vg_seq_state_carry(struct vg_ruleset *next, struct vg_ruleset *prev)
{
	/*
	 * The event count goes on across the reload: an entry remembers the
	 * event that advanced it by its number, and a count restarting at zero
	 * would take a later event for that one.
	 */
	if (next && prev && next->ev.env.evt_num < prev->ev.env.evt_num)
		next->ev.env.evt_num = prev->ev.env.evt_num;
	for (size_t i = 0; prev && i < prev->compiled.nseqs; i++) {
		struct vg_seq *p = prev->compiled.seqs[i], *n;

		if (!p->tab || !p->tab->used)
			continue;
		n = next ? same_rule(next, p) : NULL;
		if (n && n->tab->used == 0 && n->tab->esz == p->tab->esz) {
			move_entries(n, p);
			continue;
		}
		if (next)
			next->compiled.seq_reload_dropped += p->tab->used; /* changed or removed */
	}
}

uint64_t vg_seq_reload_dropped(const struct vg_ruleset *rs)
{
	return rs->compiled.seq_reload_dropped;
}

uint64_t vg_seq_reload_carried(const struct vg_ruleset *rs)
{
	uint64_t n = 0;

	for (size_t i = 0; i < rs->compiled.nseqs; i++)
		n += rs->compiled.seqs[i]->carried;
	return n;
}

/* ---- what alerts and metrics see ---- */

bool vg_seq_report_get(const struct vg_ruleset *rs, const struct vg_rule *r,
		       struct vg_seq_report *out)
{
	const struct vg_seq *s = rs->ev.seq_done.seq;
	struct vg_seq_entry *e = (struct vg_seq_entry *)rs->ev.seq_done.e;

	if (!s || !e || s->owner != r)
		return false;
	memset(out, 0, sizeof(*out));
	out->kind = s->kind;
	out->enforced = rs->ev.seq_done.enforced;
	out->mode = rs->ev.seq_done.mode;
	out->result = rs->ev.seq_done.result;
	out->target_pid = rs->ev.seq_done.target_pid;
	if (s->kind == VG_SEQ_THRESHOLD) {
		out->count = e->n;
		out->window_ms = s->within_ns / 1000000ull;
		out->by = s->by.text ? s->by.text : "";
		out->distinct = s->distinct != NULL;
		for (uint16_t i = 0; s->distinct && i < e->n && i < VG_THR_OUT_VALUES; i++) {
			out->values[i].s = dvals_of(e)[i].text;
			out->values[i].len = dvals_of(e)[i].len;
			out->nvalues++;
		}
		return true;
	}
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct vg_seq_cstep *st = &s->steps[i];
		struct vg_seq_report_step *o = &out->steps[out->nsteps];

		if (st->negative)
			continue;
		o->name = st->name;
		o->wall_ns = e->step_wall[st->pos];
		o->evt_type = vg_evttype_name(e->step_type[st->pos]);
		for (size_t k = 0; k < s->ncaps; k++) {
			const struct cap_slot *c = &caps_of(e)[k];
			struct vg_seq_report_cap *oc = &o->caps[o->ncaps];

			if (s->caps[k].step != i)
				continue;
			oc->field = s->caps[k].field;
			oc->type = s->caps[k].type;
			oc->present = c->present;
			oc->v = c->v;
			if (vg_is_stringish(oc->type)) {
				oc->v.s = c->s;
				oc->v.len = c->len;
			}
			o->ncaps++;
		}
		out->nsteps++;
	}
	return true;
}

bool vg_seq_stats(const struct vg_ruleset *rs, size_t i, struct vg_seq_stats *out)
{
	const struct vg_seq *s;

	if (i >= rs->compiled.nseqs)
		return false;
	s = rs->compiled.seqs[i];
	memset(out, 0, sizeof(*out));
	out->rule = s->owner ? vg_rule_name(s->owner) : "";
	out->kind = s->kind;
	out->entries = s->tab ? s->tab->used : 0;
	out->capacity = s->tab ? s->tab->cap : 0;
	out->entry_bytes = vg_seq_entry_bytes(s);
	out->bytes = s->tab ? s->tab->hwm * out->entry_bytes : 0;
	out->evictions = s->evictions;
	out->expired = s->expired;
	out->overflow = s->overflow;
	out->completed = s->completed;
	out->exits = s->exits;
	out->containers_gone = s->containers_gone;
	return true;
}
