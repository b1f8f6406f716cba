// SPDX-License-Identifier: Apache-2.0
#include "alert/env_policy.h"

#include <fnmatch.h>
#include <string.h>

int vg_env_mode_parse(const char *s)
{
	if (!strcmp(s, "off"))
		return VG_ENV_OFF;
	if (!strcmp(s, "redacted"))
		return VG_ENV_REDACTED;
	if (!strcmp(s, "full"))
		return VG_ENV_FULL;
	return -1;
}

bool vg_env_name_secret(const struct vg_env_policy *pol, const char *name, size_t len)
{
	char buf[256];

	/* a name too long to test is hidden rather than shown: it is the process's choice */
	if (len >= sizeof(buf))
		return true;
	memcpy(buf, name, len);
	buf[len] = '\0';
	for (size_t i = 0; i < pol->npatterns; i++)
		if (fnmatch(pol->patterns[i], buf, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

size_t vg_env_redact(const struct vg_env_policy *pol, const char *env, size_t len, char *out,
		     size_t cap, bool *truncated)
{
	size_t o = 0;

	*truncated = false;
	for (size_t i = 0; i < len;) {
		size_t n = strnlen(env + i, len - i);
		const char *eq = memchr(env + i, '=', n);
		size_t keep = n;
		bool secret = eq && vg_env_name_secret(pol, env + i, (size_t)(eq - (env + i)));

		if (secret)
			keep = (size_t)(eq - (env + i)) + 1;
		/* the entry, its redacted value and its NUL, or nothing of it */
		if (o + keep + (secret ? sizeof(VG_ENV_REDACTED_VALUE) - 1 : 0) + 1 > cap) {
			*truncated = true;
			break;
		}
		memcpy(out + o, env + i, keep);
		o += keep;
		if (secret) {
			memcpy(out + o, VG_ENV_REDACTED_VALUE, sizeof(VG_ENV_REDACTED_VALUE) - 1);
			o += sizeof(VG_ENV_REDACTED_VALUE) - 1;
		}
		out[o++] = '\0';
		i += n + 1;
	}
	return o;
}
