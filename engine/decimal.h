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
	/* two digits a division: exec ids carry 19-digit nanosecond times */
	static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
				       "25262728293031323334353637383940414243444546474849"
				       "50515253545556575859606162636465666768697071727374"
				       "75767778798081828384858687888990919293949596979899";
	char tmp[VG_DEC_MAX], *q = tmp + sizeof(tmp);
	size_t n;

	while (v >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, pairs + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	n = (size_t)(tmp + sizeof(tmp) - q);
	memcpy(out, q, n);
	return n;
}

#endif
