/* SPDX-License-Identifier: Apache-2.0 */
/* Readers of /proc: seeding the process table, completing truncated argv. */
#ifndef VIGIL_PROCFS_H
#define VIGIL_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_proc;
struct vg_proc_table;

/* Adds every process under procfs_root; returns how many, or -errno. */
int vg_procfs_seed(struct vg_proc_table *t, const char *procfs_root);

/* Fills p from procfs_root/<pid>; 0 or -errno (the process is gone). */
int vg_procfs_read_proc(const char *procfs_root, uint32_t pid, struct vg_proc *p);

/*
 * Reads the argv of pid if it is still the process that started at
 * start_ns (CLOCK_BOOTTIME). Returns a malloc'd, NUL-terminated buffer and
 * its length in *len, or NULL. At most VG_PROC_ARGS_MAX bytes: *cut says
 * whether /proc had more.
 */
char *vg_procfs_read_cmdline(const char *procfs_root, uint32_t pid, uint64_t start_ns,
			     uint32_t *len, bool *cut);

/* Clock ticks since boot in /proc/<pid>/stat, as CLOCK_BOOTTIME ns. */
uint64_t vg_procfs_ticks_to_ns(uint64_t ticks);

/* /proc/<pid>/stat tty_nr encoding of a device major/minor. */
uint32_t vg_tty_nr(uint32_t major, uint32_t minor);

#endif
