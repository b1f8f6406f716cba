/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIGIL_CLI_FILE_TRUST_H
#define VIGIL_CLI_FILE_TRUST_H

/*
 * Warns on stderr when the file or directory at path (a directory's files
 * too), or a directory above it, can be written by a user other than root
 * and vigil's own. Returns how many warnings it printed.
 */
int vg_file_trust_warn(const char *path);

#endif
