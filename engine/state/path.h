/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Paths the kernel could not resolve from an object (the target of unlink,
 * rename, a failed open) are resolved here: against the dirfd's directory
 * or the process's cwd, with "." and ".." folded lexically, as Falco does.
 * Symlinks are not followed: the file may be gone, or in another mount
 * namespace, by the time user space sees the event.
 */
#ifndef VIGIL_PATH_H
#define VIGIL_PATH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Joins base (an absolute directory, or NULL when unknown) and path, then
 * normalizes. Returns true when the result is absolute; false when base was
 * needed but unknown (out then holds path normalized as a relative name) or
 * the result did not fit in cap (out holds what fits).
 */
bool vg_path_resolve(const char *base, const char *path, char *out, size_t cap);

/* The directory part and the last component of an absolute path, as fd.directory/fd.filename. */
void vg_path_split(const char *path, char *dir, size_t dircap, const char **file);

#endif
