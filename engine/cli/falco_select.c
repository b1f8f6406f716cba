// SPDX-License-Identifier: Apache-2.0
/*
 * Falco's -D, -T and -t as every rules load applies them (start-up, reload,
 * -L): apart from falco_flags.c so the rules loader links without the CLI.
 */
#include <string.h>

#include "cli/falco_flags.h"

struct vg_falco_run vg_falco;

static bool has_tag(const char *const *tags, size_t ntags, const char *const *want, size_t n)
{
	for (size_t i = 0; i < ntags; i++)
		for (size_t j = 0; j < n; j++)
			if (!strcmp(tags[i], want[j]))
				return true;
	return false;
}

/* Falco's order: -D, then -T, then -t (all off, the tagged ones on). */
bool vg_falco_rule_enabled(const char *name, const char *const *tags, size_t ntags, bool want)
{
	const struct vg_falco_run *f = &vg_falco;

	for (size_t i = 0; i < f->ndisable_sub; i++)
		if (strstr(name, f->disable_sub[i]))
			want = false;
	if (has_tag(tags, ntags, f->disable_tag, f->ndisable_tag))
		want = false;
	if (f->nenable_tag)
		want = has_tag(tags, ntags, f->enable_tag, f->nenable_tag);
	return want;
}
