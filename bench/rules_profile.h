/* SPDX-License-Identifier: Apache-2.0 */
/* rules_bench -P: the cost of each rule and the candidates per event type (rules_profile.c). */
#ifndef VIGIL_BENCH_RULES_PROFILE_H
#define VIGIL_BENCH_RULES_PROFILE_H

#include <stddef.h>

struct vg_ruleset;
struct vg_proc_table;
struct vg_event;
struct vg_event_state;
struct vg_proc;
struct vg_rule_profile;

struct vg_rule_profile *vg_rule_profile_new(struct vg_ruleset *rs, struct vg_proc_table *procs);
void vg_rule_profile_free(struct vg_rule_profile *p);
/* A pipeline sink (vg_event_sink): times the candidate rules of each event. */
void vg_rule_profile_sink(void *arg, const struct vg_event *ev, const struct vg_event_state *st,
			  struct vg_proc *proc);
/* The per-type table and the top rules by cost per event. */
void vg_rule_profile_print(struct vg_rule_profile *p, size_t top);
/* The rules for which an open of path passes the in-kernel path prefilter. */
void vg_rule_profile_path(const struct vg_ruleset *rs, const char *path);

#endif
