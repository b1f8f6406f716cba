/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `vigil events` and `vigil capture` write of a process's environment:
 * nothing (the default: environments hold tokens and passwords), the
 * variable names with the values of secret-looking names replaced by
 * "<redacted>", or all of it. Rules see the whole environment either way.
 */
#ifndef VIGIL_ENV_POLICY_H
#define VIGIL_ENV_POLICY_H

#include <stdbool.h>
#include <stddef.h>

enum vg_env_mode {
	VG_ENV_OFF = 0,
	VG_ENV_REDACTED,
	VG_ENV_FULL,
};

#define VG_ENV_REDACTED_VALUE "<redacted>"

struct vg_env_policy {
	enum vg_env_mode mode;
	/* fnmatch(3) patterns, matched case-insensitively against variable names */
	char *const *patterns;
	size_t npatterns;
};

/* "off", "redacted", "full"; -1 for anything else. */
int vg_env_mode_parse(const char *s);

/* Whether the variable name (len bytes) matches one of the policy's patterns. */
bool vg_env_name_secret(const struct vg_env_policy *pol, const char *name, size_t len);

/*
 * The NUL-separated environment env (len bytes) with the value of every
 * secret name replaced by VG_ENV_REDACTED_VALUE, into out (cap bytes):
 * whole entries only, so the result is cut at an entry when it would not
 * fit (*truncated is then set). Returns the bytes written.
 */
size_t vg_env_redact(const struct vg_env_policy *pol, const char *env, size_t len, char *out,
		     size_t cap, bool *truncated);

#endif
