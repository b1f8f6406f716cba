/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert priorities: the one table of them. Per priority its name as Falco
 * prints it in an alert ("Informational"), the other spelling Falco's rule
 * files and falco.yaml accept ("info"), and the syslog severity it maps to.
 * The rule loader parses with it, every alert vigil emits prints with it,
 * the syslog output takes its severity from it.
 *
 * Header-only on purpose: the rules, the alert builder and the outputs all
 * use it, and include/vigil sits below every engine folder.
 */
#ifndef VIGIL_PRIORITY_H
#define VIGIL_PRIORITY_H

#include <stddef.h>
#include <strings.h>

/* Falco's order: a lower number is more severe (as syslog's). */
enum vg_priority {
	VG_PRIO_EMERGENCY,
	VG_PRIO_ALERT,
	VG_PRIO_CRITICAL,
	VG_PRIO_ERROR,
	VG_PRIO_WARNING,
	VG_PRIO_NOTICE,
	VG_PRIO_INFORMATIONAL,
	VG_PRIO_DEBUG,
	VG_PRIO__COUNT
};

struct vg_priority_row {
	const char *name;  /* as alerts print it, and as Falco's rule files spell it */
	const char *alias; /* the other spelling Falco accepts, or NULL */
	int syslog; /* the RFC 5424 severity (<syslog.h> LOG_*, not included: its macros collide) */
};

/* The row of priority p, or NULL when p is no priority. */
static inline const struct vg_priority_row *vg_priority_row(int p)
{
	static const struct vg_priority_row rows[VG_PRIO__COUNT] = {
		[VG_PRIO_EMERGENCY] = {"Emergency", NULL, 0 /* LOG_EMERG */},
		[VG_PRIO_ALERT] = {"Alert", NULL, 1 /* LOG_ALERT */},
		[VG_PRIO_CRITICAL] = {"Critical", NULL, 2 /* LOG_CRIT */},
		[VG_PRIO_ERROR] = {"Error", NULL, 3 /* LOG_ERR */},
		[VG_PRIO_WARNING] = {"Warning", NULL, 4 /* LOG_WARNING */},
		[VG_PRIO_NOTICE] = {"Notice", NULL, 5 /* LOG_NOTICE */},
		[VG_PRIO_INFORMATIONAL] = {"Informational", "info", 6 /* LOG_INFO */},
		[VG_PRIO_DEBUG] = {"Debug", NULL, 7 /* LOG_DEBUG */},
	};

	return p >= 0 && p < VG_PRIO__COUNT ? &rows[p] : NULL;
}

/* "Emergency" .. "Debug"; "Unknown" for a value that is no priority. */
static inline const char *vg_priority_name(enum vg_priority p)
{
	const struct vg_priority_row *r = vg_priority_row((int)p);

	return r ? r->name : "Unknown";
}

/* A name or its alias, in any case (Falco's rule files write "WARNING", "info"); -1 if none. */
static inline int vg_priority_parse(const char *s)
{
	for (int p = 0; s && p < VG_PRIO__COUNT; p++) {
		const struct vg_priority_row *r = vg_priority_row(p);

		if (!strcasecmp(s, r->name) || (r->alias && !strcasecmp(s, r->alias)))
			return p;
	}
	return -1;
}

#endif
