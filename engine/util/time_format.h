/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one time formatter: every text form of an event's wall time that vigil
 * writes, for the alert's "time", Falco's output prefix, `vigil events` and
 * the evt.time* / evt.datetime* fields. The calendar (gmtime_r, localtime_r)
 * is worked out once per second per clock: consecutive events mostly share
 * their second, and only the nanoseconds differ.
 */
#ifndef VIGIL_TIME_FORMAT_H
#define VIGIL_TIME_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum vg_time_form {
	VG_TIME_UTC,	    /* "2026-11-22T08:00:00.123456789Z": alert "time", evt.time.iso8601 */
	VG_TIME_ISO8601,    /* "2026-11-22T08:00:00.123456789+0000": time_format_iso_8601 */
	VG_TIME_LOCAL,	    /* "09:00:00.123456789", local: Falco's output prefix, evt.time */
	VG_TIME_LOCAL_S,    /* "09:00:00", local: evt.time.s */
	VG_TIME_DATETIME,   /* "2026-11-22 09:00:00.123456789", local: evt.datetime */
	VG_TIME_DATETIME_S, /* "2026-11-22 09:00:00", local: evt.datetime.s */
};

#define VG_TIME_MAX 48 /* room for any form and its NUL */

/* The last second formatted. All zero is a valid empty clock. */
struct vg_time_clock {
	bool valid; /* sec and the texts below hold a second */
	time_t sec;
	char date[24];	/* UTC, "2026-11-22T08:00:00" */
	char ldate[24]; /* local date, "2026-11-22" */
	char hms[12];	/* local time of day, "09:00:00" */
};

void vg_time_clock_init(struct vg_time_clock *c);
/*
 * wall_ns (CLOCK_REALTIME ns) in form into out[VG_TIME_MAX]; returns its
 * length. c may be NULL (no cache). A second the C library cannot place in
 * the calendar gives "" (length 0).
 */
size_t vg_time_format(struct vg_time_clock *c, uint64_t wall_ns, enum vg_time_form form, char *out);

#endif
