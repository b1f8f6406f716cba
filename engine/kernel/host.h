/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What vigil needs from the host before it loads anything: privileges,
 * kernel BTF, tracefs and securityfs. Each check that fails says what is
 * missing in one line.
 */
#ifndef VIGIL_HOST_H
#define VIGIL_HOST_H

#include <stdbool.h>

/* 0 when this process may load and attach BPF programs; else prints why. */
int vg_host_check_privileges(void);
/* 0 when kernel BTF is readable; else prints why. */
int vg_host_check_btf(void);
/* Mounts tracefs and securityfs where missing, saying so; quiet unless verbose. */
void vg_host_mount_pseudo_fs(bool verbose);

#endif
