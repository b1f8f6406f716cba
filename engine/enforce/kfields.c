// SPDX-License-Identifier: Apache-2.0
#include "enforce/kfields.h"

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

/*
 * What the kernel can do with a kind of field, from how the operator is
 * matched there (operators.c's kernel column): one exact value always.
 */
const char *vg_kfield_op_refusal(const struct vg_kfield *kf, enum vg_op op, enum vg_mod mod)
{
	enum vg_op_kernel k = vg_op_info(op)->kernel;

	if (mod == VG_MOD_ALLOF)
		return "allof is not supported in the kernel";
	if (k == VG_OPK_EXACT_ONE)
		return NULL;
	switch (kf->kind) {
	case VG_KF_STR:
		if (k == VG_OPK_EXACT_SET || k == VG_OPK_PREFIX || k == VG_OPK_DIR)
			return NULL;
		return "the kernel matches strings with =, !=, in, startswith and pmatch";
	case VG_KF_NUM:
		if (k == VG_OPK_EXACT_SET || k == VG_OPK_RANGE)
			return NULL;
		return "the kernel compares numbers with =, !=, in, <, <=, >, >=";
	case VG_KF_ADDR:
	case VG_KF_NET:
		if (k == VG_OPK_EXACT_SET)
			return NULL;
		return "the kernel matches addresses with =, != and in";
	case VG_KF_CONTAINER:
		if (k == VG_OPK_EXACT_SET)
			return NULL;
		return "the kernel matches container ids whole, with =, != and in";
	default: return "the kernel only tests this field with = and !=";
	}
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
