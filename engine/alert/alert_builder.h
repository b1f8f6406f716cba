/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one alert builder: every alert vigil emits (a rule's, a sequence's or
 * threshold's, an enforcement decision's, self-protection's, the rate-limit
 * summary, a failed reload, kernel event drops) is written through it, into
 * one JSON writer (json_buf.c), with one time formatter and one priority
 * table (include/vigil/priority.h). It owns what all of them share:
 *
 *   {"hostname":..,["message":..,]"output":..,"output_fields":{..},
 *    "priority":..,"rule":..,"source":..,"tags":[..],"time":..,"vigil":{..}}
 *
 * Falco's keys in its (sorted) order, "vigil" last; every string that was
 * not UTF-8 is written repaired, and its exact bytes go, base64, under
 * "vigil.raw" keyed by where the string sits. The caller writes the parts
 * only it knows (output_fields, the inside of "vigil") between the calls.
 */
#ifndef VIGIL_ALERT_BUILDER_H
#define VIGIL_ALERT_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "alert/json_buf.h"
#include "util/time_format.h"
#include "vigil/priority.h"

struct vg_alert_msg;

/* ---- time: the one formatter, util/time_format.h ---- */

/*
 * Falco's text line up to the message, "TIME: Priority ", into out
 * (VG_TIME_MAX + 16 bytes); the time is local, or UTC with iso8601.
 * Returns its length.
 */
size_t vg_alert_text_prefix(struct vg_time_clock *c, uint64_t wall_ns, bool iso8601,
			    enum vg_priority p, char *out);
#define VG_ALERT_PREFIX_MAX (VG_TIME_MAX + 16)

/* ---- the builder ---- */

/* What is built, counted per kind (vg_alerts_built): how a test proves no kind bypasses it. */
enum vg_alert_kind {
	VG_ALERT_RULE,		  /* a rule matched an event */
	VG_ALERT_SEQUENCE,	  /* a sequence rule completed: vigil.sequence */
	VG_ALERT_THRESHOLD,	  /* a threshold rule reached its count: vigil.threshold */
	VG_ALERT_ENFORCEMENT,	  /* the kernel enforced a rule: vigil.enforcement */
	VG_ALERT_SELF_PROTECTION, /* an attempt to kill or ptrace vigil was denied */
	VG_ALERT_RATE_LIMIT,	  /* "N alerts of rule X suppressed" */
	VG_ALERT_RELOAD,	  /* a rules reload failed */
	VG_ALERT_DROPS,		  /* the kernel dropped events */
	VG_ALERT__KINDS
};

struct vg_alert_builder {
	struct vg_jbuf jb; /* the alert line, reused across alerts */
	/* the body of "vigil.raw": exact bytes of the strings that were not UTF-8; empty if none */
	struct vg_jbuf raw;
	struct vg_time_clock clock;
};

void vg_ab_init(struct vg_alert_builder *ab);
void vg_ab_fini(struct vg_alert_builder *ab);

/* Starts an alert: empties the line and the raw map, opens the object, writes "hostname". */
void vg_ab_begin(struct vg_alert_builder *ab, const char *hostname);

/* Records s's exact bytes in the raw map under p1, "[idx]" when idx >= 0, p2. */
void vg_ab_note_raw(struct vg_alert_builder *ab, const char *s, size_t n, const char *p1, int idx,
		    const char *p2);

/* A string value from anywhere hostile; where it sits (as vg_ab_note_raw) names its raw bytes. */
static inline void vg_ab_str(struct vg_alert_builder *ab, const char *s, size_t n, const char *p1,
			     int idx, const char *p2)
{
	vg_jb_str(&ab->jb, s, n);
	if (__builtin_expect(ab->jb.replaced, 0))
		vg_ab_note_raw(ab, s, n, p1, idx, p2);
}

/* A NUL-terminated string, or null for NULL. */
static inline void vg_ab_cstr(struct vg_alert_builder *ab, const char *s, const char *p1, int idx,
			      const char *p2)
{
	if (s)
		vg_ab_str(ab, s, __builtin_strlen(s), p1, idx, p2);
	else
		vg_jb_null(&ab->jb);
}

/* "priority": the table's name for p. */
void vg_ab_priority(struct vg_alert_builder *ab, enum vg_priority p);
/* "tags": n tags, as given (the caller sorts a rule's). */
void vg_ab_tags(struct vg_alert_builder *ab, const char *const *tags, size_t n);
/* "time": wall_ns in UTC, Falco's form. */
void vg_ab_time(struct vg_alert_builder *ab, uint64_t wall_ns);
/* Opens "vigil" and writes its "event_type": the caller adds what the kind has. */
void vg_ab_vigil_begin(struct vg_alert_builder *ab, const char *event_type);
/*
 * Closes "vigil" (its "raw" last: every string before may have added to it)
 * and the alert, and counts it under kind. false when memory ran out: a
 * half-written alert must not go out.
 */
bool vg_ab_end(struct vg_alert_builder *ab, enum vg_alert_kind kind);

/* How many alerts of kind the builder finished in this process. */
uint64_t vg_alerts_built(enum vg_alert_kind kind);

/* ---- vigil's own alerts (source "internal") ---- */

struct vg_internal_alert {
	enum vg_alert_kind kind;
	const char *rule;
	enum vg_priority priority;
	const char *message;	/* the output text after "TIME: Priority " */
	const char *tag;	/* tags: ["vigil", tag] */
	const char *event_type; /* vigil.event_type */
	/* writes the members of output_fields (keys and values) into ab->jb; may be NULL */
	void (*fields)(struct vg_alert_builder *ab, const void *arg);
	const void *fields_arg;
};

/*
 * The alert at wall_ns, in ab->jb, and its message *m (json in ab, text in
 * *text, which the caller frees). 0, or -1 on OOM (*text NULL).
 */
int vg_alert_internal(struct vg_alert_builder *ab, const char *hostname, uint64_t wall_ns,
		      const struct vg_internal_alert *a, struct vg_alert_msg *m, char **text);

#endif
