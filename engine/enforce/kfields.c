// SPDX-License-Identifier: Apache-2.0
#include "enforce/kfields.h"

#include <stdio.h>
#include <string.h>

#include "vigil/enforce.h"

#define ALL (VG_ENF_OP_EXEC | VG_ENF_OP_OPEN | VG_ENF_OP_CONNECT)

/*
 * At exec, proc.* is the new program and its parent the caller's parent,
 * as the rule engine sees an execve. Elsewhere, the calling process.
 */
static const struct vg_kfield kfields[] = {
	{"proc.exepath", VG_ENF_F_EXE, ALL, VG_KF_STR},
	{"proc.name", VG_ENF_F_COMM, ALL, VG_KF_STR},
	{"proc.pexepath", VG_ENF_F_PEXE, ALL, VG_KF_STR},
	{"proc.pname", VG_ENF_F_PCOMM, ALL, VG_KF_STR},
	{"fd.name", VG_ENF_F_PATH, VG_ENF_OP_OPEN, VG_KF_STR},
	{"fd.directory", VG_ENF_F_DIR, VG_ENF_OP_OPEN, VG_KF_STR},
	{"fd.filename", VG_ENF_F_FILENAME, VG_ENF_OP_OPEN, VG_KF_STR},
	{"user.uid", VG_ENF_F_UID, ALL, VG_KF_NUM},
	{"user.loginuid", VG_ENF_F_LOGINUID, ALL, VG_KF_NUM},
	/* host / not host from the pid namespace; an id from the cgroup's name */
	{"container.id", VG_ENF_F_CONTAINER, ALL, VG_KF_CONTAINER},
	{"container.full_id", VG_ENF_F_CFULLID, ALL, VG_KF_CONTAINER},
	{"evt.is_open_read", VG_ENF_F_OPEN_READ, VG_ENF_OP_OPEN, VG_KF_BOOL},
	{"evt.is_open_write", VG_ENF_F_OPEN_WRITE, VG_ENF_OP_OPEN, VG_KF_BOOL},
	{"fd.sport", VG_ENF_F_DPORT, VG_ENF_OP_CONNECT, VG_KF_NUM},
	{"fd.rport", VG_ENF_F_DPORT, VG_ENF_OP_CONNECT, VG_KF_NUM},
	{"fd.sip", VG_ENF_F_DADDR, VG_ENF_OP_CONNECT, VG_KF_ADDR},
	{"fd.rip", VG_ENF_F_DADDR, VG_ENF_OP_CONNECT, VG_KF_ADDR},
	{"fd.snet", VG_ENF_F_DADDR, VG_ENF_OP_CONNECT, VG_KF_NET},
	{"fd.rnet", VG_ENF_F_DADDR, VG_ENF_OP_CONNECT, VG_KF_NET},
};

#define NFIELDS (sizeof(kfields) / sizeof(kfields[0]))

const struct vg_kfield *vg_kfield_lookup(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(kfields[i].name, name) == 0)
			return &kfields[i];
	return NULL;
}

const struct vg_kfield *vg_kfield_by_id(uint8_t field)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (kfields[i].field == field)
			return &kfields[i];
	return &kfields[0];
}

const char *vg_kfield_names(void)
{
	static char names[512];

	if (!names[0]) {
		for (size_t i = 0; i < NFIELDS; i++) {
			if (i)
				strcat(names, ", ");
			strcat(names, kfields[i].name);
		}
	}
	return names;
}

#define OPK(k) (1u << (k))

/* Per kind of field: the kernel matches it accepts (beyond one exact value) and how to say so. */
static const struct {
	unsigned kernel; /* OPK() bits of enum vg_op_kernel */
	const char *says;
} kinds[] = {
	[VG_KF_STR] = {OPK(VG_OPK_EXACT_SET) | OPK(VG_OPK_PREFIX) | OPK(VG_OPK_DIR),
		       "the kernel matches strings with "},
	[VG_KF_NUM] = {OPK(VG_OPK_EXACT_SET) | OPK(VG_OPK_RANGE),
		       "the kernel compares numbers with "},
	[VG_KF_BOOL] = {0, "the kernel only tests this field with "},
	[VG_KF_CONTAINER] = {OPK(VG_OPK_EXACT_SET),
			     "the kernel matches container ids whole, with "},
	[VG_KF_ADDR] = {OPK(VG_OPK_EXACT_SET), "the kernel matches addresses with "},
	[VG_KF_NET] = {OPK(VG_OPK_EXACT_SET), "the kernel matches addresses with "},
};

/* kernel's OPK() bits: one exact value always (= and != decide any field). */
static unsigned kind_kernel(enum vg_kf_kind kind)
{
	unsigned k = (unsigned)kind < sizeof(kinds) / sizeof(kinds[0]) ? kinds[kind].kernel : 0;

	return k | OPK(VG_OPK_EXACT_ONE);
}

/*
 * "=, !=, in, startswith and pmatch": the operators whose kernel column
 * (operators.c) the kind accepts, grouped by that column in its enum order,
 * so a new operator with a kernel match is named here without an edit.
 */
static void list_ops(unsigned kernel, char *out, size_t cap)
{
	size_t n = 0, total = 0, len = 0;

	for (unsigned k = 0; k < 32; k++)
		for (int op = 0; op < VG_OP__COUNT && (kernel & OPK(k)); op++)
			total += vg_op_info(op)->kernel == k;
	out[0] = '\0';
	for (unsigned k = 0; k < 32; k++) {
		for (int op = 0; op < VG_OP__COUNT && (kernel & OPK(k)); op++) {
			if (vg_op_info(op)->kernel != k)
				continue;
			n++;
			len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s",
						n == 1	     ? ""
						: n == total ? " and "
							     : ", ",
						vg_op_name(op));
			if (len >= cap)
				return;
		}
	}
}

const char *vg_kfield_op_refusal(const struct vg_kfield *kf, enum vg_op op, enum vg_mod mod)
{
	static _Thread_local char why[256];
	unsigned kernel = kind_kernel(kf->kind);
	size_t n;

	if (mod == VG_MOD_ALLOF)
		return "allof is not supported in the kernel";
	if (kernel & OPK(vg_op_info(op)->kernel))
		return NULL;
	n = (size_t)snprintf(why, sizeof(why), "%s",
			     (unsigned)kf->kind < sizeof(kinds) / sizeof(kinds[0])
				     ? kinds[kf->kind].says
				     : "the kernel only tests this field with ");
	if (n < sizeof(why))
		list_ops(kernel, why + n, sizeof(why) - n);
	return why;
}

uint8_t vg_kfield_op_of_evttype(const char *evttype)
{
	static const struct {
		const char *name;
		uint8_t op;
	} map[] = {
		{"execve", VG_ENF_OP_EXEC},	{"execveat", VG_ENF_OP_EXEC},
		{"open", VG_ENF_OP_OPEN},	{"openat", VG_ENF_OP_OPEN},
		{"openat2", VG_ENF_OP_OPEN},	{"creat", VG_ENF_OP_OPEN},
		{"connect", VG_ENF_OP_CONNECT},
	};

	for (size_t i = 0; evttype && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, evttype) == 0)
			return map[i].op;
	return 0;
}
