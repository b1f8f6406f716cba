/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco event-type names. Falco names events after the syscalls (plus a few
 * of its own: procexit, container, switch, ...), vigil takes the syscall
 * names from libseccomp (evttypes.c); a rule's condition selects
 * events by these names through evt.type, and the compiler turns them into
 * codes to index the rules and to tell the kernel which events matter.
 * They sit with the syscall table (the "syscalls" unit of
 * scripts/check-layering.py, library vigil_syscalls): fields and rules read them.
 */
#ifndef VIGIL_KERNEL_EVTTYPES_H
#define VIGIL_KERNEL_EVTTYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vigil/event.h"

/*
 * Codes are below VG_EVT_COUNT, which bounds the sets and the per-type
 * arrays; how many are in use (libseccomp's list for the build) is
 * vg_evttype_count(): about 400 today.
 */
#define VG_EVT_COUNT 512
#define VG_EVT_WORDS ((VG_EVT_COUNT + 63) / 64)

/* A set of event-type codes; code 0 means "unknown" and is never set. */
struct vg_evtset {
	uint64_t w[VG_EVT_WORDS];
};

/* 1 + the number of event-type names: codes in use are 1 .. vg_evttype_count() - 1. */
uint16_t vg_evttype_count(void);
/* Code of a Falco event name, 0 when unknown. */
uint16_t vg_evttype_code(const char *name, size_t len);
/* Name of a code, NULL when out of range. */
const char *vg_evttype_name(uint16_t code);
/*
 * The event type of an event of kind type: execve, clone or procexit, or for
 * VG_EV_SYSCALL sc's syscall (0 when sc is NULL or unknown). decode.h's
 * vg_evttype_of() gives it for a decoded event.
 */
uint16_t vg_evttype_of_kind(enum vg_event_type type, const struct vg_syscall_body *sc);

static inline void vg_evtset_add(struct vg_evtset *s, uint16_t c)
{
	if (c && c < VG_EVT_COUNT)
		s->w[c / 64] |= 1ULL << (c % 64);
}

static inline bool vg_evtset_has(const struct vg_evtset *s, uint16_t c)
{
	return c < VG_EVT_COUNT && (s->w[c / 64] >> (c % 64)) & 1;
}

void vg_evtset_fill(struct vg_evtset *s);
void vg_evtset_clear(struct vg_evtset *s);
void vg_evtset_union(struct vg_evtset *d, const struct vg_evtset *s);
void vg_evtset_intersect(struct vg_evtset *d, const struct vg_evtset *s);
void vg_evtset_complement(struct vg_evtset *s);
unsigned vg_evtset_count(const struct vg_evtset *s);
bool vg_evtset_is_full(const struct vg_evtset *s);

#endif
