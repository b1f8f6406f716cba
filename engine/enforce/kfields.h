/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule fields the kernel can decide at an enforcement hook, and what
 * it can do with each. Adding one: a row in kfields.c, a value in
 * enum vg_enf_field, and its source in probes/enforce.bpf.c.
 */
#ifndef VIGIL_ENFORCE_KFIELDS_H
#define VIGIL_ENFORCE_KFIELDS_H

#include <stdint.h>

#include "rules/ast.h"

enum vg_kf_kind {
	VG_KF_STR,	 /* exact, in, startswith, pmatch */
	VG_KF_NUM,	 /* =, in, <, <=, >, >= */
	VG_KF_BOOL,	 /* = */
	VG_KF_CONTAINER, /* =, in: host, or a container id */
	VG_KF_ADDR,	 /* =, in: addresses */
	VG_KF_NET,	 /* =, in: networks */
};

struct vg_kfield {
	const char *name;
	uint8_t field; /* enum vg_enf_field */
	uint8_t ops;   /* enum vg_enf_op bits where it has a value */
	enum vg_kf_kind kind;
};

const struct vg_kfield *vg_kfield_lookup(const char *name);
/* The first row for an enum vg_enf_field. */
const struct vg_kfield *vg_kfield_by_id(uint8_t field);
/* "proc.exepath, proc.name, ..." */
const char *vg_kfield_names(void);
/* Why the kernel cannot apply op (with mod) to the field; NULL when it can. */
const char *vg_kfield_op_refusal(const struct vg_kfield *kf, enum vg_op op, enum vg_mod mod);
/* The enum vg_enf_op of a Falco event type name; 0 when not enforceable. */
uint8_t vg_kfield_op_of_evttype(const char *evttype);

#endif
