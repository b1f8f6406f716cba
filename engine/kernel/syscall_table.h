/* SPDX-License-Identifier: Apache-2.0 */
/* vigil's syscall ids <-> names <-> this architecture's syscall numbers. */
#ifndef VIGIL_SYSCALL_TABLE_H
#define VIGIL_SYSCALL_TABLE_H

#include <linux/types.h>
#include <stdbool.h>

#include "vigil/syscalls.h"

const char *vg_syscall_name(enum vg_syscall id);
/* VG_SC_NONE when name is not one vigil captures. */
enum vg_syscall vg_syscall_by_name(const char *name);
/* The arch syscall number, or -1 where this architecture lacks the syscall. */
int vg_syscall_nr(enum vg_syscall id);
/* The kernel's row for id. */
struct vg_sc_conf vg_syscall_conf(enum vg_syscall id);

#endif
