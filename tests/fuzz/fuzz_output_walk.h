/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the fuzzers that render rule outputs: the walk the alert's output_fields take. */
#ifndef VIGIL_FUZZ_OUTPUT_WALK_H
#define VIGIL_FUZZ_OUTPUT_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "rules/format.h"

/* vg_rule_output_each's callback: every value of an output field as its text, lengths summed. */
static inline int fz_touch_field(void *arg, const char *key, const struct vg_xval *x)
{
	char tmp[64];
	size_t n, *total = arg;

	(void)key;
	for (uint32_t k = 0; k < x->n; k++) {
		vg_output_value_text(x->type, &x->v[k], tmp, sizeof(tmp), &n);
		*total += n;
	}
	return 0;
}

#endif
