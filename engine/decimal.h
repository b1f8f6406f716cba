/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decimal digits without snprintf, for the per-event path (exec ids, socket
 * tuples, alert fields), where snprintf's format parsing costs more than
 * the rest of the work around it.
 */
#ifndef VIGIL_DECIMAL_H
#define VIGIL_DECIMAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Longest output of vg_put_dec: UINT64_MAX has 20 digits. */
#define VG_DEC_MAX 20

/* v in decimal at out (room for VG_DEC_MAX bytes, not NUL-terminated); returns the length. */
static inline size_t vg_put_dec(char *out, uint64_t v)
{
	char tmp[VG_DEC_MAX], *q = tmp + sizeof(tmp);

	do
		*--q = (char)('0' + v % 10);
	while ((v /= 10));
	memcpy(out, q, (size_t)(tmp + sizeof(tmp) - q));
	return (size_t)(tmp + sizeof(tmp) - q);
}

#endif
