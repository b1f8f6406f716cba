/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIGIL_CONTAINER_NSSCAN_H
#define VIGIL_CONTAINER_NSSCAN_H

#include <stddef.h>
#include <stdint.h>

/* Up to cap pids of <procfs> whose mount namespace has inode mnt_ns; returns how many. */
size_t vg_ns_pids(const char *procfs, uint32_t mnt_ns, uint32_t *out, size_t cap);

#endif
