// SPDX-License-Identifier: Apache-2.0
/*
 * The per-event evaluation state the compiler sizes: a cache slot per
 * distinct field and argument, memos, the event arena and scratch, the
 * extraction pool. Apart because it lives per event, not per rule: the
 * compiler only decides its size; eval.c fills and resets it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/compile_ctx.h"

#define DEFAULT_SCRATCH (1u << 20)

/* ---- per-event caches: field slots, shared subtrees, evaluation order ---- */

bool vg_slot_assign(struct vg_ruleset *rs, struct vg_cexpr *e)
{
	const struct vg_field_ref *ref = &e->ref;
	struct vg_slot_key *k;

	if (rs->slots) {
		e->slot = UINT32_MAX; /* compiled after the caches were sized: not cached */
		return true;
	}
	for (size_t i = 0; i < rs->nslots; i++) {
		k = &rs->slot_keys[i];
		if (k->def == ref->def &&
		    (k->arg == ref->arg || (k->arg && ref->arg && strcmp(k->arg, ref->arg) == 0))) {
			e->slot = (uint32_t)i;
			return true;
		}
	}
	if (!vg_grow(&rs->slot_keys, &rs->cslots, rs->nslots + 1, sizeof(*rs->slot_keys)))
		return false;
	k = &rs->slot_keys[rs->nslots];
	k->def = ref->def;
	k->arg = ref->arg ? strdup(ref->arg) : NULL;
	if (ref->arg && !k->arg)
		return false;
	e->slot = (uint32_t)rs->nslots++;
	return true;
}

void vg_eval_caches_free(struct vg_ruleset *rs)
{
	for (size_t i = 0; i < rs->nslots; i++)
		free(rs->slot_keys[i].arg);
	free(rs->slot_keys);
	free(rs->slots);
	free(rs->fvals);
	free(rs->fhash);
	free(rs->memos);
	free(rs->prog);
	vg_program_free_index(rs);
	free(rs->xscratch.buf);
	rs->slot_keys = NULL;
	rs->slots = NULL;
	rs->fvals = NULL;
	rs->fhash = NULL;
	rs->memos = NULL;
	rs->prog = NULL;
	rs->xscratch.buf = NULL;
	rs->nslots = rs->cslots = rs->nmemos = rs->nprog = rs->cprog = 0;
}

bool vg_eval_state_setup(struct vg_ruleset *rs)
{
	size_t sb = rs->opts.scratch_bytes ? rs->opts.scratch_bytes : DEFAULT_SCRATCH;

	/* the event arena holds every cached field of an event: twice one check's room */
	rs->env.scratch.buf = malloc(2 * sb);
	rs->xscratch.buf = malloc(sb);
	if (!rs->env.scratch.buf || !rs->xscratch.buf)
		return false;
	rs->env.scratch.cap = 2 * sb;
	rs->xscratch.cap = sb;
	rs->slots = calloc(rs->nslots ? rs->nslots : 1, sizeof(*rs->slots));
	rs->fvals = calloc(rs->nslots ? rs->nslots * VG_XVAL_MAX : 1, sizeof(*rs->fvals));
	rs->fhash = calloc(rs->nslots ? rs->nslots * VG_XVAL_MAX : 1, sizeof(*rs->fhash));
	rs->memos = calloc(rs->nmemos + 1, sizeof(*rs->memos));
	if (!rs->slots || !rs->fvals || !rs->fhash || !rs->memos)
		return false;
	rs->env.users = vg_userdb_load(rs->opts.passwd_path, rs->opts.group_path);
	if (gethostname(rs->env.hostname, sizeof(rs->env.hostname) - 1) != 0)
		rs->env.hostname[0] = '\0';
	if (rs->npool < 4)
		rs->npool = 4;
	rs->pool = calloc(rs->npool, sizeof(*rs->pool));
	/* an append_output field of one's own is rendered here, per alert, without allocating */
	rs->xtext_cap = 4096;
	rs->xtext = malloc(rs->xtext_cap);
	return rs->pool != NULL && rs->xtext != NULL;
}
