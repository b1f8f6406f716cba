/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Self-confinement, once start-up is done (probes loaded and attached, ring
 * buffer open, outputs and metrics server started): every thread drops the
 * capabilities vigil no longer needs (effective, permitted, inheritable,
 * bounding, ambient), NoNewPrivs is set, and a libseccomp filter on every
 * thread lets through only the system calls the running engine makes;
 * anything else fails with EPERM (never a kill: a missed call shows up as an
 * error, not as a dead agent).
 */
#ifndef VIGIL_CONFINE_H
#define VIGIL_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Capabilities kept, as a mask of 1 << CAP_*, for this kernel. */
uint64_t vg_confine_kept_caps(void);

/* "cap_bpf,cap_perfmon,..." for mask, into buf. */
const char *vg_confine_caps_names(uint64_t mask, char *buf, size_t cap);

/*
 * Drops capabilities in every thread, sets NoNewPrivs and installs the
 * seccomp filter; vg_confine_summary then says what was kept. 0, or -1 after
 * a message naming what failed (vigil then stops: it never runs half
 * confined without saying so).
 */
int vg_confine_apply(void);
/* "confined: capabilities kept ...; NoNewPrivs; seccomp filter on (...)" once applied. */
const char *vg_confine_summary(void);

/*
 * Test hook (VIGIL_TEST_CONFINE_PROBE=1): attempts execve() of a missing
 * file, mount() on a missing directory, fork() and kill(1, 0), from this
 * thread and from a new one, and logs each errno: EPERM for all when
 * confined; ENOENT, ENOENT, 0, 0 when not.
 */
void vg_confine_probe(void);

/* Internal, shared by confine.c and its parts. */
int vg_confine_last_cap(void); /* /proc/sys/kernel/cap_last_cap */
int vg_confine_drop_caps(uint64_t keep);
int vg_confine_seccomp(void);

#endif
