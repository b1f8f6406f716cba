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

	if (rs->ev.slots) {
		e->slot = UINT32_MAX; /* compiled after the caches were sized: not cached */
		return true;
	}
	for (size_t i = 0; i < rs->compiled.nslots; i++) {
		k = &rs->compiled.slot_keys[i];
		if (k->def == ref->def &&
		    (k->arg == ref->arg || (k->arg && ref->arg && strcmp(k->arg, ref->arg) == 0))) {
			e->slot = (uint32_t)i;
			return true;
		}
	}
	if (!vg_grow(&rs->compiled.slot_keys, &rs->compiled.cslots, rs->compiled.nslots + 1,
		     sizeof(*rs->compiled.slot_keys)))
		return false;
	k = &rs->compiled.slot_keys[rs->compiled.nslots];
	k->def = ref->def;
	k->arg = ref->arg ? strdup(ref->arg) : NULL;
	if (ref->arg && !k->arg)
		return false;
	e->slot = (uint32_t)rs->compiled.nslots++;
	return true;
}

void vg_eval_caches_free(struct vg_ruleset *rs)
{
	for (size_t i = 0; i < rs->compiled.nslots; i++)
		free(rs->compiled.slot_keys[i].arg);
	free(rs->compiled.slot_keys);
	free(rs->ev.slots);
	free(rs->ev.fvals);
	free(rs->ev.fhash);
	free(rs->ev.memos);
	free(rs->compiled.prog);
	vg_program_free_index(rs);
	free(rs->ev.xscratch.buf);
	rs->compiled.slot_keys = NULL;
	rs->ev.slots = NULL;
	rs->ev.fvals = NULL;
	rs->ev.fhash = NULL;
	rs->ev.memos = NULL;
	rs->compiled.prog = NULL;
	rs->ev.xscratch.buf = NULL;
	rs->compiled.nslots = rs->compiled.cslots = rs->compiled.nmemos = rs->compiled.nprog =
		rs->compiled.cprog = 0;
}

bool vg_eval_state_setup(struct vg_ruleset *rs)
{
	size_t sb = rs->opts.scratch_bytes ? rs->opts.scratch_bytes : DEFAULT_SCRATCH;

	/* the event arena holds every cached field of an event: twice one check's room */
	rs->ev.env.scratch.buf = malloc(2 * sb);
	rs->ev.xscratch.buf = malloc(sb);
	if (!rs->ev.env.scratch.buf || !rs->ev.xscratch.buf)
		return false;
	rs->ev.env.scratch.cap = 2 * sb;
	rs->ev.xscratch.cap = sb;
	rs->ev.slots = calloc(rs->compiled.nslots ? rs->compiled.nslots : 1, sizeof(*rs->ev.slots));
	rs->ev.fvals = calloc(rs->compiled.nslots ? rs->compiled.nslots * VG_XVAL_MAX : 1,
			      sizeof(*rs->ev.fvals));
	rs->ev.fhash = calloc(rs->compiled.nslots ? rs->compiled.nslots * VG_XVAL_MAX : 1,
			      sizeof(*rs->ev.fhash));
	rs->ev.memos = calloc(rs->compiled.nmemos + 1, sizeof(*rs->ev.memos));
	if (!rs->ev.slots || !rs->ev.fvals || !rs->ev.fhash || !rs->ev.memos)
		return false;
	rs->ev.env.users = vg_userdb_load(rs->opts.passwd_path, rs->opts.group_path);
	if (gethostname(rs->ev.env.hostname, sizeof(rs->ev.env.hostname) - 1) != 0)
		rs->ev.env.hostname[0] = '\0';
	if (rs->compiled.npool < 4)
		rs->compiled.npool = 4;
	rs->ev.pool = calloc(rs->compiled.npool, sizeof(*rs->ev.pool));
	/* an append_output field of one's own is rendered here, per alert, without allocating */
	rs->ev.xtext_cap = 4096;
	rs->ev.xtext = malloc(rs->ev.xtext_cap);
	return rs->ev.pool != NULL && rs->ev.xtext != NULL;
}
