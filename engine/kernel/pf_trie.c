// SPDX-License-Identifier: Apache-2.0
#include "kernel/pf_trie.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/prefilter.h"

/* One trie entry being built: its key string (owned) and its own bits. */
struct pf_entry {
	char *s;
	uint32_t len;
	uint64_t prefix, exact;
};

struct pf_build {
	struct pf_entry *v;
	size_t n, cap;
};

int vg_pf_trie_clear(int trie_fd)
{
	struct vg_pf_key key;

	while (bpf_map_get_next_key(trie_fd, NULL, &key) == 0)
		if (bpf_map_delete_elem(trie_fd, &key) != 0)
			return -errno;
	return errno == ENOENT ? 0 : -errno;
}

/* The key of e: the path, or the mark and the base name reversed; cut to what the trie compares. */
static char *key_string(const struct vg_pathset_entry *e, uint32_t *len, bool *cut)
{
	uint32_t n = e->len + (e->base ? 1 : 0);
	char *k;

	*cut = n >= VG_PF_KEY_MAX;
	*len = *cut ? VG_PF_KEY_MAX - 1 : n;
	if (!(k = malloc(*len + 1)))
		return NULL;
	if (!e->base) {
		memcpy(k, e->s, *len);
	} else {
		k[0] = VG_PF_BASE_MARK;
		for (uint32_t i = 1; i < *len; i++)
			k[i] = e->s[e->len - i];
	}
	k[*len] = '\0';
	return k;
}

static bool add_entry(struct pf_build *b, const struct vg_pathset_entry *e, int bit)
{
	uint32_t len;
	bool cut, prefix;
	char *k;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct pf_entry *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return false;
		b->v = v;
		b->cap = cap;
	}
	if (!(k = key_string(e, &len, &cut)))
		return false;
	/* a shorter prefix (suffix) still holds every such path */
	prefix = e->prefix || cut;
	b->v[b->n++] = (struct pf_entry){
		.s = k,
		.len = len,
		.prefix = prefix ? 1ull << bit : 0,
		.exact = prefix ? 0 : 1ull << bit,
	};
	return true;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct pf_entry *x = a, *y = b;
	uint32_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Sorts, merges same strings, gives each entry the prefix bits of its prefixes. */
static int finish_entries(struct pf_build *b)
{
	size_t n = 0, depth = 0, *stack;

	if (!b->n)
		return 0;
	qsort(b->v, b->n, sizeof(*b->v), cmp_entry);
	for (size_t i = 0; i < b->n; i++) {
		if (n && cmp_entry(&b->v[n - 1], &b->v[i]) == 0) {
			b->v[n - 1].prefix |= b->v[i].prefix;
			b->v[n - 1].exact |= b->v[i].exact;
			free(b->v[i].s);
		} else {
			b->v[n++] = b->v[i];
		}
	}
	b->n = n;
	stack = malloc(n * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	/* in sorted order, the entries that are prefixes of one are the stack under it */
	for (size_t i = 0; i < n; i++) {
		struct pf_entry *e = &b->v[i];

		while (depth) {
			const struct pf_entry *top = &b->v[stack[depth - 1]];

			if (top->len <= e->len && memcmp(top->s, e->s, top->len) == 0)
				break;
			depth--;
		}
		if (depth)
			e->prefix |= b->v[stack[depth - 1]].prefix;
		stack[depth++] = i;
	}
	free(stack);
	return n > VG_PF_ENTRIES ? -E2BIG : 0;
}

struct pf_bits {
	const struct vg_pathset *set[2 * VG_SC__MAX]; /* the set each bit stands for */
	int n;
};

/* The bit of set s: that of an equal set seen before, else a new one with s's entries. */
static int set_bit(struct pf_build *b, struct pf_bits *bits, const struct vg_pathset *s)
{
	int bit;

	if (s->kind == VG_PATHS_ANY)
		return -1;
	for (bit = 0; bit < bits->n; bit++)
		if (vg_pathset_equal(bits->set[bit], s))
			return bit;
	if (bits->n == VG_PF_BITS)
		return -E2BIG;
	bits->set[bits->n] = s;
	for (size_t i = 0; i < s->n; i++)
		if (!add_entry(b, &s->v[i], bits->n))
			return -ENOMEM;
	return bits->n++;
}

/* One bit per distinct set; syscalls with the same set share theirs. */
static int assign_bits(struct pf_build *b, const struct vg_prefilter *pf, int *bit, int *rbit)
{
	struct pf_bits bits = {.n = 0};

	for (int id = 0; id < VG_SC__MAX; id++) {
		bit[id] = -1;
		if (rbit)
			rbit[id] = -1;
		if (!vg_prefilter_syscall(id))
			continue;
		if ((bit[id] = set_bit(b, &bits, &pf->paths[id])) < -1)
			return bit[id];
		if (rbit && (rbit[id] = set_bit(b, &bits, &pf->reads[id])) < -1)
			return rbit[id];
	}
	return 0;
}

static int write_entries(int trie_fd, const struct pf_build *b)
{
	struct vg_pf_key key;
	struct vg_pf_val val;

	for (size_t i = 0; i < b->n; i++) {
		const struct pf_entry *e = &b->v[i];

		memset(&key, 0, sizeof(key));
		key.prefixlen = e->len * 8;
		memcpy(key.path, e->s, e->len);
		val = (struct vg_pf_val){.prefix = e->prefix, .exact = e->exact, .len = e->len};
		if (bpf_map_update_elem(trie_fd, &key, &val, BPF_ANY) != 0)
			return -errno;
	}
	return 0;
}

int vg_pf_trie_write(int trie_fd, const struct vg_prefilter *pf, int bit[VG_SC__MAX],
		     int rbit[VG_SC__MAX])
{
	struct pf_build b = {0};
	int err = assign_bits(&b, pf, bit, rbit);

	err = err ?: finish_entries(&b);
	err = err ?: write_entries(trie_fd, &b);
	for (size_t i = 0; i < b.n; i++)
		free(b.v[i].s);
	free(b.v);
	return err ? err : (int)b.n;
}

static bool lookup(int trie_fd, const char *key, size_t len, size_t full, uint64_t mask)
{
	size_t n = len > VG_PF_KEY_MAX ? VG_PF_KEY_MAX : len;
	struct vg_pf_key k = {.prefixlen = (uint32_t)n * 8};
	struct vg_pf_val v;

	memcpy(k.path, key, n);
	if (bpf_map_lookup_elem(trie_fd, &k, &v) != 0)
		return false;
	return (v.prefix & mask) || ((v.exact & mask) && v.len == full);
}

bool vg_pf_trie_match(int trie_fd, const char *path, size_t len, const char *raw, bool dotdot,
		      int bit)
{
	uint64_t mask = 1ull << bit;
	char key[VG_PF_KEY_MAX];
	size_t n;
	const char *name = vg_path_base(path, len, &n);

	if (lookup(trie_fd, path, len, len, mask))
		return true;
	if (n < VG_PF_KEY_MAX) {
		key[0] = VG_PF_BASE_MARK;
		for (size_t i = 0; i < n; i++)
			key[i + 1] = name[n - 1 - i];
		if (lookup(trie_fd, key, n + 1, n + 1, mask))
			return true;
	}
	return dotdot && raw && strstr(raw, "..");
}
