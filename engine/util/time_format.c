// SPDX-License-Identifier: Apache-2.0
#include "util/time_format.h"

#include <stdio.h>
#include <string.h>

void vg_time_clock_init(struct vg_time_clock *c)
{
	memset(c, 0, sizeof(*c));
}

/* The UTC date and the local date and time of day of second sec, once per second. */
static bool clock_set(struct vg_time_clock *c, time_t sec)
{
	struct tm tm;

	if (c->valid && sec == c->sec)
		return true;
	c->valid = false;
	if (!gmtime_r(&sec, &tm) || !strftime(c->date, sizeof(c->date), "%Y-%m-%dT%H:%M:%S", &tm))
		return false;
	if (!localtime_r(&sec, &tm) || !strftime(c->ldate, sizeof(c->ldate), "%Y-%m-%d", &tm))
		return false;
	snprintf(c->hms, sizeof(c->hms), "%02d:%02d:%02d", tm.tm_hour % 100, tm.tm_min % 100,
		 tm.tm_sec % 100);
	c->sec = sec;
	c->valid = true;
	return true;
}

/* text at out + n; returns the new length. */
static size_t put(char *out, size_t n, const char *text)
{
	size_t len = strlen(text);

	memcpy(out + n, text, len);
	return n + len;
}

/* A dot and ns as nine digits at out + n; returns the new length. */
static size_t put_nanos(char *out, size_t n, uint32_t ns)
{
	out[n++] = '.';
	for (int i = 8; i >= 0; i--, ns /= 10)
		out[n + (size_t)i] = (char)('0' + ns % 10);
	return n + 9;
}

/* The second's text of form, from the cached pieces. */
static size_t put_second(const struct vg_time_clock *c, enum vg_time_form form, char *out)
{
	size_t n;

	switch (form) {
	case VG_TIME_UTC:
	case VG_TIME_ISO8601: return put(out, 0, c->date);
	case VG_TIME_DATETIME:
	case VG_TIME_DATETIME_S:
		n = put(out, 0, c->ldate);
		out[n++] = ' ';
		return put(out, n, c->hms);
	default: return put(out, 0, c->hms);
	}
}

size_t vg_time_format(struct vg_time_clock *c, uint64_t wall_ns, enum vg_time_form form, char *out)
{
	struct vg_time_clock local = {0};
	uint32_t ns = (uint32_t)(wall_ns % 1000000000ull);
	size_t n;

	if (!c)
		c = &local;
	if (!clock_set(c, (time_t)(wall_ns / 1000000000ull))) {
		out[0] = '\0';
		return 0;
	}
	n = put_second(c, form, out);
	if (form != VG_TIME_LOCAL_S && form != VG_TIME_DATETIME_S)
		n = put_nanos(out, n, ns);
	/* Falco's "time" says Z; its time_format_iso_8601 prefix says +0000 */
	if (form == VG_TIME_UTC)
		n = put(out, n, "Z");
	else if (form == VG_TIME_ISO8601)
		n = put(out, n, "+0000");
	out[n] = '\0';
	return n;
}
