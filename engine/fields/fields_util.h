/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the field class files: row macros and process helpers. */
#ifndef VIGIL_FIELDS_UTIL_H
#define VIGIL_FIELDS_UTIL_H

#include <string.h>

#include "decode/decode.h"
#include "fields/registry.h"
#include "state/proc_table.h"

/* One table row: name, type, argument kind, flags, description, extractor. */
#define VG_FIELD(n, t, a, fl, d, fn)                                                               \
	{                                                                                          \
		n, VG_FT_##t, VG_FARG_##a, fl, d, fn                                               \
	}
/* A field registered for compatibility that vigil does not extract yet. */
#define VG_FIELD_NL(n, t, a, d)                                                                    \
	{                                                                                          \
		n, VG_FT_##t, VG_FARG_##a, 0, d, NULL                                              \
	}
#define VG_FIELDS_COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

/*
 * Copies n bytes with each NUL made a space: an argv or an environment as
 * one line. Sixteen bytes a step through the compiler's vector extension
 * (SSE2, NEON), without a branch per byte: proc.env is a kilobyte or more.
 */
static inline void vg_fx_copy_line(char *dst, const char *src, size_t n)
{
	typedef unsigned char v16 __attribute__((vector_size(16)));
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		v16 v;

		memcpy(&v, src + i, 16);
		v |= (v16)(v == 0) & 0x20;
		memcpy(dst + i, &v, 16);
	}
	for (; i < n; i++)
		dst[i] = src[i] ? src[i] : ' ';
}

/* The n-th ancestor of the event's process (0 = itself), or NULL. */
struct vg_proc *vg_fx_ancestor(const struct vg_eval_ctx *ctx, int64_t n);
/* Process name as Falco gives it: comm, or the exe basename without one. */
const char *vg_fx_proc_name(const struct vg_proc *p, uint32_t *len);
/* argv[0] (Falco's proc.exe). */
const char *vg_fx_proc_exe(const struct vg_proc *p, struct vg_scratch *s, uint32_t *len);
/* argv[1..] joined by spaces (proc.args); NULL when out of scratch. */
const char *vg_fx_proc_args(const struct vg_proc *p, struct vg_scratch *s, uint32_t *len);
/* proc.name + " " + proc.args (proc.cmdline). */
const char *vg_fx_proc_cmdline(const struct vg_proc *p, struct vg_scratch *s, uint32_t *len);
struct vg_sc_def;
/* The syscall table's row of a syscall event, or NULL for other events. */
const struct vg_sc_def *vg_fx_sc_row(const struct vg_event *ev);
/* True for the open family: open, openat, openat2, creat (VG_FDFX_OPEN). */
bool vg_fx_is_open(const struct vg_event *ev);

/* p's environment (NUL-separated, *len bytes) as exec carried it, else /proc's; NULL: unknown. */
const char *vg_fx_proc_env(struct vg_proc *p, uint32_t *len);
/* The process runs a memfd (fileless execution). */
bool vg_fx_exe_from_memfd(const struct vg_proc *p);
/* A capability set as libsinsp prints it: names joined by spaces. */
void vg_fx_caps_str(uint64_t caps, struct vg_fenv *env, struct vg_xval *out);

/* True when evt.arg.KEY has a value for some events of syscall (or exec's "execve"). */
bool vg_fx_evt_arg_known(const char *syscall, const char *key);

/* evt_args.c: a syscall event's argument by Falco's name (or, key NULL, by index). */
void vg_fx_sc_arg(const struct vg_eval_ctx *ctx, struct vg_fenv *env, struct vg_xval *out,
		  const char *key, int64_t index);
/* The name of a syscall event's i-th argument, NULL past the last. */
const char *vg_fx_sc_arg_name(const struct vg_event *ev, size_t i);
/* The syscall (by name) has an argument named key. */
bool vg_fx_sc_arg_known(const char *syscall, const char *key);

/* Offset between the event's boot clock and wall clock, in ns. */
int64_t vg_fx_boot_to_wall(const struct vg_eval_ctx *ctx);

#endif
