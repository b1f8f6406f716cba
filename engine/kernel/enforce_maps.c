// SPDX-License-Identifier: Apache-2.0
/*
 * Writing a compiled policy into the maps of probes/enforce_match.bpf.h;
 * shared by the enforcement probe (kernel/enforce.c) and the BPF unit
 * tests (tests/bpf/), so that what they test is filled as in production.
 */
#include "kernel/enforce.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>

#include "enforce/policy.h"

static unsigned count_kind(const struct vg_enf_policy *p, bool prefix)
{
	unsigned n = 0;

	for (size_t i = 0; i < p->nstrs; i++)
		n += p->strs[i].prefix == prefix;
	return n;
}

static unsigned at_least_one(size_t n)
{
	return n ? (unsigned)n : 1;
}

void vg_enf_maps_size(const struct vg_enf_maps *m, const struct vg_enf_policy *p)
{
	bpf_map__set_max_entries(m->conj, at_least_one(p->nconj));
	bpf_map__set_max_entries(m->cmp, at_least_one(p->ncmp));
	bpf_map__set_max_entries(m->str, at_least_one(count_kind(p, false)));
	bpf_map__set_max_entries(m->prefix, at_least_one(count_kind(p, true)));
	bpf_map__set_max_entries(m->num, at_least_one(p->nnums));
	bpf_map__set_max_entries(m->net, at_least_one(p->nnets));
}

static int put(struct bpf_map *map, const void *key, const void *val)
{
	return bpf_map__update_elem(map, key, bpf_map__key_size(map), val, bpf_map__value_size(map),
				    BPF_ANY)
		       ? -errno
		       : 0;
}

static int fill_strings(const struct vg_enf_maps *m, const struct vg_enf_policy *p)
{
	int err = 0;

	for (size_t i = 0; i < p->nstrs && !err; i++) {
		const struct vg_enf_str_ent *e = &p->strs[i];
		struct vg_enf_prefix_key k = {.field = e->field};

		memcpy(k.s, e->s, e->len);
		if (e->prefix) {
			/* in bits: the field byte, then the string */
			k.prefixlen = 8 + 8 * (uint32_t)e->len;
			err = put(m->prefix, &k, &e->mask);
		} else {
			err = put(m->str, &k.field, &e->mask);
		}
	}
	return err;
}

/* Entries first, the configuration last: a hook sees a whole policy or none. */
int vg_enf_maps_fill(const struct vg_enf_maps *m, const struct vg_enf_policy *p)
{
	uint32_t zero = 0;
	int err = fill_strings(m, p);

	for (uint32_t i = 0; i < p->nconj && !err; i++)
		err = put(m->conj, &i, &p->conjs[i]);
	for (uint32_t i = 0; i < p->ncmp && !err; i++)
		err = put(m->cmp, &i, &p->cmps[i]);
	for (size_t i = 0; i < p->nnums && !err; i++) {
		struct vg_enf_num_key k = {.field = p->nums[i].field, .value = p->nums[i].value};

		err = put(m->num, &k, &p->nums[i].mask);
	}
	for (size_t i = 0; i < p->nnets && !err; i++) {
		struct vg_enf_net_key k = {.prefixlen = p->nets[i].prefixlen};

		memcpy(k.addr, p->nets[i].addr, 16);
		err = put(m->net, &k, &p->nets[i].mask);
	}
	return err ?: put(m->conf, &zero, &p->conf);
}
