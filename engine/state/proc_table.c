// SPDX-License-Identifier: Apache-2.0
#include "state/proc_table.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/decode.h"
#include "decimal.h"
#include "state/fd_table.h"
#include "state/procfs.h"

/* Two lists: live processes, most recently used first; exited, oldest first. */
struct plist {
	struct vg_proc *head, *tail;
};

struct vg_proc_table {
	struct vg_proc **buckets;
	size_t mask;
	size_t count, max, evictions;
	uint64_t bytes, max_bytes;
	uint64_t evicted[VG_PROC_LIMIT__N][2]; /* [limit][live] */
	uint64_t args_capped;
	struct plist live, exited;
	char boot_id[9];
	char *procfs_root;
	/* the live-eviction warning: at most one per VG_PROC_WARN_INTERVAL_NS */
	vg_proc_warn_fn warn;
	void *warn_arg;
	uint64_t (*clock_ns)(void);
	uint64_t last_warn_ns;
	bool warned;
	uint64_t warnings, warn_suppressed, suppressed_since;
};

static void plist_unlink(struct plist *l, struct vg_proc *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		l->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		l->tail = p->prev;
	p->prev = p->next = NULL;
}

static void plist_push_head(struct plist *l, struct vg_proc *p)
{
	p->prev = NULL;
	p->next = l->head;
	if (l->head)
		l->head->prev = p;
	else
		l->tail = p;
	l->head = p;
}

static void plist_push_tail(struct plist *l, struct vg_proc *p)
{
	p->next = NULL;
	p->prev = l->tail;
	if (l->tail)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
}

static struct plist *list_of(struct vg_proc_table *t, const struct vg_proc *p)
{
	return p->exited ? &t->exited : &t->live;
}

static void read_boot_id(struct vg_proc_table *t)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	strcpy(t->boot_id, "00000000");
	if (!f)
		return;
	if (!fgets(t->boot_id, sizeof(t->boot_id), f))
		strcpy(t->boot_id, "00000000");
	fclose(f);
}

size_t vg_proc_table_default_size(const char *pid_max_path)
{
	FILE *f = fopen(pid_max_path, "r");
	unsigned long long pid_max = 0;
	size_t n;

	if (f) {
		if (fscanf(f, "%llu", &pid_max) != 1)
			pid_max = 0;
		fclose(f);
	}
	if (!pid_max || pid_max > VG_PROC_TABLE_MAX)
		pid_max = 32768; /* the kernel's own default */
	n = (size_t)(pid_max + pid_max / 8);
	if (n < VG_PROC_TABLE_DEFAULT_MIN)
		n = VG_PROC_TABLE_DEFAULT_MIN;
	if (n > VG_PROC_TABLE_DEFAULT_MAX)
		n = VG_PROC_TABLE_DEFAULT_MAX;
	return n;
}

static void warn_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "%s\n", msg);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct vg_proc_table *vg_proc_table_new(size_t max_entries, const char *procfs_root)
{
	struct vg_proc_table *t = calloc(1, sizeof(*t));
	size_t n = 64;

	if (!t)
		return NULL;
	if (!max_entries)
		max_entries = vg_proc_table_default_size("/proc/sys/kernel/pid_max");
	/* also what keeps the doubling below from overflowing */
	if (max_entries > VG_PROC_TABLE_MAX)
		max_entries = VG_PROC_TABLE_MAX;
	while (n < max_entries)
		n <<= 1;
	t->buckets = calloc(n, sizeof(*t->buckets));
	t->procfs_root = procfs_root ? strdup(procfs_root) : NULL;
	if (!t->buckets || (procfs_root && !t->procfs_root)) {
		vg_proc_table_free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->max = max_entries;
	t->max_bytes = VG_PROC_BYTES_DEFAULT;
	t->warn = warn_stderr;
	t->clock_ns = mono_ns;
	read_boot_id(t);
	return t;
}

void vg_proc_table_set_warn(struct vg_proc_table *t, vg_proc_warn_fn fn, void *arg,
			    uint64_t (*clock_ns)(void))
{
	t->warn = fn ? fn : warn_stderr;
	t->warn_arg = arg;
	t->clock_ns = clock_ns ? clock_ns : mono_ns;
}

/* What p's strings cost: each with its terminating NUL. */
static uint32_t entry_bytes(const struct vg_proc *p)
{
	uint64_t n = 0;

	n += p->exe ? strlen(p->exe) + 1 : 0;
	n += p->filename ? strlen(p->filename) + 1 : 0;
	n += p->cwd ? strlen(p->cwd) + 1 : 0;
	n += p->args ? (uint64_t)p->args_len + 1 : 0;
	n += p->env ? (uint64_t)p->env_len + 1 : 0;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static void proc_free_strings(struct vg_proc_table *t, struct vg_proc *p)
{
	vg_fd_table_free(p->fds);
	p->fds = NULL;
	free(p->exe);
	free(p->filename);
	free(p->args);
	free(p->cwd);
	free(p->env);
	p->exe = p->filename = p->args = p->cwd = p->env = NULL;
	p->args_len = p->env_len = 0;
	p->env_tried = false;
	if (t)
		t->bytes -= p->str_bytes;
	p->str_bytes = 0;
}

void vg_proc_table_free(struct vg_proc_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; t->buckets && i <= t->mask; i++) {
		struct vg_proc *p = t->buckets[i], *next;

		for (; p; p = next) {
			next = p->hnext;
			proc_free_strings(NULL, p);
			free(p);
		}
	}
	free(t->buckets);
	free(t->procfs_root);
	free(t);
}

static size_t bucket_of(const struct vg_proc_table *t, uint32_t pid)
{
	return (pid * 2654435761u) & t->mask;
}

static struct vg_proc *lookup(struct vg_proc_table *t, uint32_t pid)
{
	struct vg_proc *p = t->buckets[bucket_of(t, pid)];

	while (p && p->pid != pid)
		p = p->hnext;
	return p;
}

static void remove_entry(struct vg_proc_table *t, struct vg_proc *p)
{
	struct vg_proc **pp = &t->buckets[bucket_of(t, p->pid)];

	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	plist_unlink(list_of(t, p), p);
	proc_free_strings(t, p);
	free(p);
	t->count--;
}

static const char *limit_text(const struct vg_proc_table *t, enum vg_proc_limit limit, char *buf,
			      size_t cap)
{
	if (limit == VG_PROC_LIMIT_ENTRIES)
		snprintf(buf, cap,
			 "the process table is full (%zu entries); raise --max-procs or "
			 "process_table_size",
			 t->max);
	else
		snprintf(buf, cap,
			 "the process table's strings reached their budget (%" PRIu64
			 " bytes); raise process_table_max_bytes",
			 t->max_bytes);
	return buf;
}

/*
 * A live process left the table: its descendants' alerts lose parent and
 * ancestry. Said at once, then at most once per interval with how many
 * more went meanwhile.
 */
static void warn_live_eviction(struct vg_proc_table *t, enum vg_proc_limit limit, uint32_t pid)
{
	uint64_t now = t->clock_ns();
	char msg[512], why[200];

	if (t->warned && now - t->last_warn_ns < VG_PROC_WARN_INTERVAL_NS) {
		t->warn_suppressed++;
		t->suppressed_since++;
		return;
	}
	snprintf(msg, sizeof(msg),
		 "vigil: warning: %s: evicted live process %u (alerts lose its ancestry); "
		 "%" PRIu64 " more live evictions since the last warning, %" PRIu64 " in all",
		 limit_text(t, limit, why, sizeof(why)), pid, t->suppressed_since,
		 t->evicted[VG_PROC_LIMIT_ENTRIES][1] + t->evicted[VG_PROC_LIMIT_BYTES][1]);
	t->warned = true;
	t->last_warn_ns = now;
	t->suppressed_since = 0;
	t->warnings++;
	t->warn(t->warn_arg, msg);
}

/* An entry other than keep: exited ones first (oldest), then the least recently used live. */
static struct vg_proc *victim_of(struct vg_proc_table *t, const struct vg_proc *keep)
{
	struct vg_proc *v = t->exited.head;

	if (v && v == keep)
		v = v->next;
	if (v)
		return v;
	v = t->live.tail;
	if (v && v == keep)
		v = v->prev;
	return v;
}

static bool evict_one(struct vg_proc_table *t, enum vg_proc_limit limit, const struct vg_proc *keep)
{
	struct vg_proc *victim = victim_of(t, keep);
	bool live;
	uint32_t pid;

	if (!victim)
		return false;
	live = !victim->exited;
	pid = victim->pid;
	remove_entry(t, victim);
	t->evictions++;
	t->evicted[limit][live]++;
	if (live)
		warn_live_eviction(t, limit, pid);
	return true;
}

static void hold_budget(struct vg_proc_table *t, const struct vg_proc *keep)
{
	while (t->bytes > t->max_bytes && evict_one(t, VG_PROC_LIMIT_BYTES, keep))
		;
}

void vg_proc_recount(struct vg_proc_table *t, struct vg_proc *p)
{
	uint32_t n;

	if (!p)
		return;
	n = entry_bytes(p);
	t->bytes = t->bytes - p->str_bytes + n;
	p->str_bytes = n;
}

void vg_proc_account(struct vg_proc_table *t, struct vg_proc *p)
{
	vg_proc_recount(t, p);
	hold_budget(t, p);
}

void vg_proc_table_set_max_bytes(struct vg_proc_table *t, uint64_t max_bytes)
{
	t->max_bytes = max_bytes;
	hold_budget(t, NULL);
}

void vg_proc_table_stats(const struct vg_proc_table *t, struct vg_proc_table_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->entries = t->count;
	out->max_entries = t->max;
	out->bytes = t->bytes;
	out->max_bytes = t->max_bytes;
	memcpy(out->evictions, t->evicted, sizeof(out->evictions));
	out->args_capped = t->args_capped;
	out->warnings = t->warnings;
	out->warnings_suppressed = t->warn_suppressed;
}

struct vg_proc *vg_proc_get(struct vg_proc_table *t, uint32_t pid)
{
	struct vg_proc *p = lookup(t, pid);

	if (p && !p->exited && t->live.head != p) {
		plist_unlink(&t->live, p);
		plist_push_head(&t->live, p);
	}
	return p;
}

struct vg_proc *vg_proc_create(struct vg_proc_table *t, uint32_t pid)
{
	struct vg_proc *p = lookup(t, pid);
	size_t b;

	if (p) {
		/* pid reuse, or a fresh view of the same process: start clean */
		plist_unlink(list_of(t, p), p);
		proc_free_strings(t, p);
		struct vg_proc *hnext = p->hnext;
		memset(p, 0, sizeof(*p));
		p->hnext = hnext;
	} else {
		if (t->count >= t->max)
			evict_one(t, VG_PROC_LIMIT_ENTRIES, NULL);
		p = calloc(1, sizeof(*p));
		if (!p)
			return NULL;
		b = bucket_of(t, pid);
		p->hnext = t->buckets[b];
		t->buckets[b] = p;
		t->count++;
	}
	p->pid = pid;
	p->loginuid = p->sessionid = UINT32_MAX;
	plist_push_head(&t->live, p);
	return p;
}

void vg_proc_remove(struct vg_proc_table *t, uint32_t pid)
{
	struct vg_proc *p = lookup(t, pid);

	if (p)
		remove_entry(t, p);
}

/* v in decimal at o; returns the end. */
/* "<boot>-<pid>-<exec_ns>", cut as snprintf would; by hand, as it is made per exec and fork. */
void vg_proc_set_exec_id(struct vg_proc_table *t, struct vg_proc *p)
{
	char buf[sizeof(t->boot_id) + 48], *o = buf;
	size_t blen = strnlen(t->boot_id, sizeof(t->boot_id)), len;

	memcpy(o, t->boot_id, blen);
	o += blen;
	*o++ = '-';
	o += vg_put_dec(o, p->pid);
	*o++ = '-';
	o += vg_put_dec(o, p->exec_ns);
	len = (size_t)(o - buf);
	if (len > sizeof(p->exec_id) - 1)
		len = sizeof(p->exec_id) - 1;
	memcpy(p->exec_id, buf, len);
	p->exec_id[len] = '\0';
}

struct vg_proc *vg_proc_parent(struct vg_proc_table *t, const struct vg_proc *p)
{
	struct vg_proc *parent;

	if (!p || p->ppid == 0 || p->ppid == p->pid)
		return NULL;
	parent = vg_proc_get(t, p->ppid);
	/* A parent younger than its child is a reused pid, not the parent. */
	if (parent && parent->start_ns > p->start_ns)
		return NULL;
	return parent;
}

struct vg_proc *vg_proc_ancestor(struct vg_proc_table *t, const struct vg_proc *p, int n)
{
	struct vg_proc *a = (struct vg_proc *)p;

	for (int i = 0; i < n && a; i++)
		a = vg_proc_parent(t, a);
	return a;
}

static char *dup_str(struct vg_str s)
{
	return s.ptr ? strndup(s.ptr, s.len) : NULL;
}

static void copy_hdr(struct vg_proc *p, const struct vg_event_hdr *h)
{
	p->ppid = h->ppid;
	p->vpid = h->vpid;
	p->uid = h->uid;
	p->gid = h->gid;
	p->euid = h->euid;
	p->egid = h->egid;
	p->loginuid = h->loginuid;
	p->sessionid = h->sessionid;
	p->pid_ns = h->pid_ns;
	p->mnt_ns = h->mnt_ns;
	p->cgroup_id = h->cgroup_id;
	memcpy(p->comm, h->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
}

/* The kernel carries VG_ARGV_MAX bytes of argv; the rest is in /proc while the process lives. */
static void complete_args(struct vg_proc_table *t, struct vg_proc *p, uint32_t full_len)
{
	uint32_t len;
	bool cut = false;
	char *full;

	if (!t->procfs_root)
		return;
	full = vg_procfs_read_cmdline(t->procfs_root, p->pid, p->start_ns, &len, &cut);
	if (!full)
		return;
	/* cut at VG_PROC_ARGS_MAX: still more than the kernel carried, and said so */
	if ((len >= full_len || cut) && len > p->args_len &&
	    memcmp(full, p->args, p->args_len) == 0) {
		free(p->args);
		p->args = full;
		p->args_len = len;
		p->args_truncated = cut;
		p->args_capped = cut;
		p->args_from_procfs = true;
		t->args_capped += cut;
		return;
	}
	free(full);
}

/* Seeded start times have /proc's tick resolution; the kernel's are exact. */
static bool same_start(uint64_t seen, uint64_t exact)
{
	return seen <= exact && exact - seen < vg_procfs_ticks_to_ns(1);
}

static void set_ids(struct vg_proc *p, const struct vg_task_ids *ids, const struct vg_creds *c)
{
	p->sid = ids->sid;
	p->vpgid = ids->vpgid;
	p->pgid = ids->pgid;
	p->cap_inheritable = c->cap_inheritable;
	p->cap_permitted = c->cap_permitted;
	p->cap_effective = c->cap_effective;
}

/*
 * The environment the kernel carried. A cut one loses its partial last
 * entry and stays open to completion from /proc (fields/proc_env.c), as
 * does an exec that carried none (older probes, unreadable pages).
 */
static void set_env(struct vg_proc *p, const struct vg_event *ev)
{
	struct vg_str e = ev->var[VG_VAR_ENV];
	bool cut = ev->hdr->flags & VG_HF_ENV_TRUNC;
	uint32_t len = e.len;

	if (!e.ptr)
		return;
	while (cut && len && e.ptr[len - 1] != '\0')
		len--;
	p->env = malloc(len + 1);
	if (!p->env)
		return;
	memcpy(p->env, e.ptr, len);
	p->env[len] = '\0';
	p->env_len = len;
	p->env_tried = !cut;
}

static struct vg_proc *apply_exec(struct vg_proc_table *t, const struct vg_event *ev)
{
	const struct vg_exec_body *b = ev->exec;
	struct vg_proc *old = lookup(t, ev->hdr->pid), *p;
	struct vg_str argv = ev->var[VG_VAR_ARGV];
	struct vg_fd_table *fds = NULL;

	/* the same process gets a new image; its fds survive, less close-on-exec ones */
	if (old && !old->exited && same_start(old->start_ns, ev->exec->start_ns)) {
		fds = old->fds;
		old->fds = NULL;
		vg_fd_table_exec(fds);
	}
	p = vg_proc_create(t, ev->hdr->pid);
	if (!p) {
		vg_fd_table_free(fds);
		return NULL;
	}
	p->fds = fds;
	copy_hdr(p, ev->hdr);
	p->start_ns = b->start_ns;
	p->exec_ns = ev->hdr->ts_ns;
	p->tty = vg_tty_nr(b->tty_major, b->tty_minor);
	p->exe_ino = b->exe_ino;
	p->exe_dev = b->exe_dev;
	p->exe_ctime_ns = b->exe_ctime_ns;
	p->exe_mtime_ns = b->exe_mtime_ns;
	p->pidns_init_start_ns = b->pidns_init_start_ns;
	set_ids(p, &b->ids, &b->creds);
	p->exe = dup_str(ev->var[VG_VAR_EXE]);
	p->filename = dup_str(ev->var[VG_VAR_FILENAME]);
	p->cwd = dup_str(ev->var[VG_VAR_CWD]);
	p->args = malloc(argv.len + 1);
	if (p->args) {
		memcpy(p->args, argv.ptr ? argv.ptr : "", argv.len);
		p->args[argv.len] = '\0';
		p->args_len = argv.len;
	}
	p->args_truncated = ev->hdr->flags & (VG_HF_ARGV_TRUNC | VG_HF_ARGV_FAULT);
	p->exe_upper_layer = ev->hdr->flags & VG_HF_EXE_UPPER;
	if (p->args_truncated && p->args)
		complete_args(t, p, b->argv_len);
	set_env(p, ev);
	vg_proc_set_exec_id(t, p);
	vg_proc_account(t, p);
	return p;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A forked child runs its parent's image until it execs: inherit it. */
static void inherit_image(struct vg_proc *child, const struct vg_proc *parent)
{
	child->exe = dup_or_null(parent->exe);
	child->filename = dup_or_null(parent->filename);
	child->cwd = dup_or_null(parent->cwd);
	child->tty = parent->tty;
	child->exe_ino = parent->exe_ino;
	child->exe_dev = parent->exe_dev;
	child->exe_ctime_ns = parent->exe_ctime_ns;
	child->exe_mtime_ns = parent->exe_mtime_ns;
	child->pidns_init_start_ns = parent->pidns_init_start_ns;
	/* the child's memory, environment included, is a copy of its parent's */
	if (parent->env && (child->env = malloc(parent->env_len + 1))) {
		memcpy(child->env, parent->env, parent->env_len + 1);
		child->env_len = parent->env_len;
		child->env_tried = parent->env_tried; /* a cut one may still be completed */
	}
	child->exe_upper_layer = parent->exe_upper_layer;
	child->args_truncated = parent->args_truncated;
	child->args_capped = parent->args_capped;
	if (parent->fds)
		child->fds = vg_fd_table_clone(parent->fds);
	if (parent->args) {
		child->args = malloc(parent->args_len + 1);
		if (child->args) {
			memcpy(child->args, parent->args, parent->args_len + 1);
			child->args_len = parent->args_len;
		}
	}
}

static struct vg_proc *apply_fork(struct vg_proc_table *t, const struct vg_event *ev)
{
	const struct vg_fork_body *b = ev->fork;
	struct vg_proc *parent, *child;

	if (ev->hdr->flags & VG_HF_THREAD)
		return vg_proc_get(t, ev->hdr->pid); /* a thread is not a new process */
	/* the parent is in use: made most recent, a full table evicts another */
	vg_proc_get(t, b->parent_pid);
	child = vg_proc_create(t, ev->hdr->pid);
	if (!child)
		return NULL;
	copy_hdr(child, ev->hdr);
	child->start_ns = b->start_ns;
	child->exec_ns = b->start_ns;
	set_ids(child, &b->ids, &b->creds);
	parent = lookup(t, b->parent_pid);
	if (parent && parent != child)
		inherit_image(child, parent);
	vg_proc_set_exec_id(t, child);
	vg_proc_account(t, child);
	return child;
}

static struct vg_proc *apply_exit(struct vg_proc_table *t, const struct vg_event *ev)
{
	struct vg_proc *p = lookup(t, ev->hdr->pid);

	if (!p) {
		/* never seen (started and ended between seeding and now): keep what we know */
		p = vg_proc_create(t, ev->hdr->pid);
		if (!p)
			return NULL;
		copy_hdr(p, ev->hdr);
		vg_proc_set_exec_id(t, p);
	}
	if (!p->exited) {
		plist_unlink(&t->live, p);
		p->exited = true;
		plist_push_tail(&t->exited, p);
	}
	/*
	 * Its fds are closed: the entry lingers for its children's ancestry
	 * (proc.aname) and late lookups, which read no fd. A table is ~1.5 KB,
	 * and a fork storm leaves thousands lingering (docs/performance.md).
	 */
	vg_fd_table_free(p->fds);
	p->fds = NULL;
	p->exit_code = (int32_t)ev->exit->exit_code;
	p->exit_ns = ev->hdr->ts_ns;
	return p;
}

/*
 * A successful setuid-family call or capset: the credentials the header
 * carries, and the capabilities the probe read after the call, replace what
 * the process had.
 */
static struct vg_proc *apply_creds(struct vg_proc_table *t, const struct vg_event *ev)
{
	struct vg_proc *p = vg_proc_get(t, ev->hdr->pid);
	struct vg_str v = ev->var[VG_VAR_CREDS];
	struct vg_creds c;

	if (!p || !v.ptr || v.len != sizeof(c) || ev->hdr->retval != 0)
		return p;
	memcpy(&c, v.ptr, sizeof(c));
	p->uid = ev->hdr->uid;
	p->gid = ev->hdr->gid;
	p->euid = ev->hdr->euid;
	p->egid = ev->hdr->egid;
	p->cap_inheritable = c.cap_inheritable;
	p->cap_permitted = c.cap_permitted;
	p->cap_effective = c.cap_effective;
	return p;
}

/*
 * commit_creds, from the kernel hook: whatever made the change (a syscall
 * the probes were not asked to capture, a setuid exec, a user namespace, an
 * exploit), the process now has these credentials.
 */
static struct vg_proc *apply_commit_creds(struct vg_proc_table *t, const struct vg_event *ev)
{
	struct vg_proc *p = vg_proc_get(t, ev->hdr->pid);
	const struct vg_cred_set *n = &ev->creds->new;

	if (!p)
		return NULL;
	p->uid = n->uid;
	p->gid = n->gid;
	p->euid = n->euid;
	p->egid = n->egid;
	p->cap_inheritable = n->caps.cap_inheritable;
	p->cap_permitted = n->caps.cap_permitted;
	p->cap_effective = n->caps.cap_effective;
	return p;
}

struct vg_proc *vg_proc_apply(struct vg_proc_table *t, const struct vg_event *ev)
{
	switch (ev->type) {
	case VG_EV_EXEC: return apply_exec(t, ev);
	case VG_EV_FORK: return apply_fork(t, ev);
	case VG_EV_EXIT: return apply_exit(t, ev);
	case VG_EV_SYSCALL:
		if (ev->var[VG_VAR_CREDS].ptr)
			return apply_creds(t, ev);
		return vg_proc_get(t, ev->hdr->pid);
	case VG_EV_CREDS: return apply_commit_creds(t, ev);
	default: return vg_proc_get(t, ev->hdr->pid);
	}
}

void vg_proc_drop_env(struct vg_proc_table *t, struct vg_proc *p)
{
	free(p->env);
	p->env = NULL;
	p->env_len = 0;
	p->env_tried = true;
	vg_proc_recount(t, p);
}

void vg_proc_expire(struct vg_proc_table *t, uint64_t now_ns, uint64_t linger_ns)
{
	while (t->exited.head && t->exited.head->exit_ns + linger_ns < now_ns)
		remove_entry(t, t->exited.head);
}

void vg_proc_foreach(struct vg_proc_table *t, void (*fn)(struct vg_proc *p, void *arg), void *arg)
{
	for (struct vg_proc *p = t->live.head, *next; p; p = next) {
		next = p->next;
		fn(p, arg);
	}
}

size_t vg_proc_count(const struct vg_proc_table *t)
{
	return t->count;
}

size_t vg_proc_evictions(const struct vg_proc_table *t)
{
	return t->evictions;
}
