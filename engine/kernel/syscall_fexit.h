/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tier 0 of the syscall exits: fexit on the arch's syscall wrapper
 * (__x64_sys_<name>) of each wanted syscall, where the kernel has BPF
 * trampolines. Unlike a syscalls/ tracepoint, which puts every syscall of
 * every task on the slow exit path, a trampoline costs only its syscall.
 * An fexit program attaches to the function it was loaded for, so each
 * wanted syscall gets a stub of five instructions loaded for its wrapper,
 * which tail-calls the family program (probes/syscall.bpf.c, fx_*): the
 * bodies are verified once, not once per syscall.
 */
#ifndef VIGIL_SYSCALL_FEXIT_H
#define VIGIL_SYSCALL_FEXIT_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/syscalls.h"

struct bpf_program;

/*
 * The best tier the syscall exits may use, from VIGIL_SYSCALL_TIER (fexit,
 * tracepoint or raw; unset or auto: fexit) or VIGIL_RAW_SYSCALLS=1 (raw).
 * Each syscall gets the best tier at or below it that the kernel allows.
 */
enum vg_sc_tier {
	VG_SC_TIER_FEXIT,
	VG_SC_TIER_TP,
	VG_SC_TIER_RAW,
};
/* The cap from the environment; prints a warning naming a bad value (then auto). */
enum vg_sc_tier vg_sc_tier_cap(void);
const char *vg_sc_tier_name(enum vg_sc_tier t);

struct vg_sc_fexit;

/*
 * Finds each table syscall's wrapper in vmlinux BTF. NULL (with why
 * filled) where there is no vmlinux BTF or no wrapper under this arch's
 * prefix; the caller keeps the tracepoint tiers then.
 */
struct vg_sc_fexit *vg_sc_fexit_open(char *why, size_t len);
/*
 * The wrappers' BTF prototypes vigil serves (Debian's 6.1 has two): one set
 * of family programs each, since the kernel's tail calls stay within one
 * prototype.
 */
#define VG_SC_FX_SETS 2
/*
 * Before the skeleton loads: each set's family programs (by enum
 * vg_sc_family) load for one wrapper of that prototype, or not at all
 * where no wrapper has it; fx NULL turns them all off.
 */
void vg_sc_fexit_setup(struct vg_sc_fexit *fx,
		       struct bpf_program *const (*family_progs)[VG_FAM__MAX]);
/* After the skeleton loaded: each set's programs go into its prog array. */
int vg_sc_fexit_loaded(struct vg_sc_fexit *fx, const int *handlers_maps);
/*
 * Loads a stub for id's wrapper that tail-calls its family's program, and
 * attaches it; 0
 * or -errno. The first refusal of the kind a kernel without trampolines
 * gives turns the tier off (vg_sc_fexit_usable), so that it is tried once.
 */
int vg_sc_fexit_attach(struct vg_sc_fexit *fx, enum vg_syscall id);
void vg_sc_fexit_detach(struct vg_sc_fexit *fx, enum vg_syscall id);
bool vg_sc_fexit_attached(const struct vg_sc_fexit *fx, enum vg_syscall id);
/* False once the kernel refused a trampoline; why says how. */
bool vg_sc_fexit_usable(const struct vg_sc_fexit *fx, char *why, size_t len);
/* The last refusal, tier-wide or of one syscall ("attach connect: ..."), or "". */
const char *vg_sc_fexit_last_refusal(const struct vg_sc_fexit *fx);
void vg_sc_fexit_free(struct vg_sc_fexit *fx);

/* The wrapper prefix of the build arch ("__x64_sys_"), NULL where unknown. */
const char *vg_sc_wrapper_prefix(void);

#endif
