// SPDX-License-Identifier: Apache-2.0
/* Bounded number parsing for options and configuration keys: see number.h. */
#include "config/number.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest text quoted back in a message: the rest is cut, it is hostile or a typo. */
#define QUOTE_MAX 40

/* A bound as the operator would write it: 4194304, or 8M for a size. */
static void fmt_bound(char *buf, size_t len, uint64_t v, bool size)
{
	static const char units[] = "KMG";

	for (int i = 2; size && v && i >= 0; i--) {
		unsigned shift = 10u * (unsigned)(i + 1);

		if (v % (1ull << shift) == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", v >> shift, units[i]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, v);
}

static int out_of_range(const char *s, const struct vg_num_range *r, char *err, size_t errlen)
{
	char lo[32], hi[32];

	fmt_bound(lo, sizeof(lo), r->min, r->size);
	fmt_bound(hi, sizeof(hi), r->max, r->size);
	snprintf(err, errlen, "%.*s is out of range [%s, %s]", QUOTE_MAX, s, lo, hi);
	return -1;
}

static int not_a_number(const char *s, bool size, char *err, size_t errlen)
{
	snprintf(err, errlen, "expected %s, got '%.*s'%s",
		 size ? "a size (bytes, or with K, M or G)" : "a whole number", QUOTE_MAX, s,
		 strlen(s) > QUOTE_MAX ? "..." : "");
	return -1;
}

/* K, M, G with an optional B or iB; returns the shift, or -1 for anything else. */
static int suffix_shift(const char *p)
{
	int shift;

	switch (toupper((unsigned char)*p)) {
	case '\0': return 0;
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	default: return -1;
	}
	p++;
	if (!*p || !strcasecmp(p, "b") || !strcasecmp(p, "ib"))
		return shift;
	return -1;
}

int vg_num_parse(const char *s, const struct vg_num_range *r, uint64_t *out, char *err,
		 size_t errlen)
{
	const char *p = s ? s : "";
	bool neg = *p == '-', overflow = false;
	uint64_t v = 0;
	int shift;

	p += neg;
	if (!isdigit((unsigned char)*p))
		return not_a_number(s ? s : "", r->size, err, errlen);
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	shift = r->size ? suffix_shift(p) : (*p ? -1 : 0);
	if (shift < 0)
		return not_a_number(s, r->size, err, errlen);
	if (shift && v > (UINT64_MAX >> shift))
		overflow = true;
	v <<= shift;
	/* "-0" is zero; any other negative number is below every range */
	if (overflow || (neg && v) || v < r->min || v > r->max)
		return out_of_range(s, r, err, errlen);
	*out = v;
	return 0;
}

int vg_num_parse_double(const char *s, const struct vg_num_drange *r, double *out, char *err,
			size_t errlen)
{
	const char *p = s ? s : "";
	char *end;
	double v;

	/* digits, one optional point, optional sign: what strtod takes beyond that is refused */
	for (const char *q = *p == '-' ? p + 1 : p; *q; q++)
		if (!isdigit((unsigned char)*q) && *q != '.')
			goto bad;
	errno = 0;
	v = strtod(p, &end);
	if (end == p || *end || !isfinite(v))
		goto bad;
	if ((r->min_open ? v <= r->min : v < r->min) || v > r->max || errno == ERANGE) {
		snprintf(err, errlen, "%.*s is out of range %c%g, %g]", QUOTE_MAX, p,
			 r->min_open ? '(' : '[', r->min, r->max);
		return -1;
	}
	*out = v;
	return 0;
bad:
	snprintf(err, errlen, "expected a number, got '%.*s'%s", QUOTE_MAX, p,
		 strlen(p) > QUOTE_MAX ? "..." : "");
	return -1;
}
