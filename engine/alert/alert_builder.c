// SPDX-License-Identifier: Apache-2.0
#include "alert/alert_builder.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert_msg.h"

/* ---- time ---- */

size_t vg_alert_text_prefix(struct vg_time_clock *c, uint64_t wall_ns, bool iso8601,
			    enum vg_priority p, char *out)
{
	const char *prio = vg_priority_name(p);
	size_t n = vg_time_format(c, wall_ns, iso8601 ? VG_TIME_ISO8601 : VG_TIME_LOCAL, out);
	size_t prio_len = strlen(prio);

	memcpy(out + n, ": ", 2);
	memcpy(out + n + 2, prio, prio_len);
	n += 2 + prio_len;
	out[n++] = ' ';
	out[n] = '\0';
	return n;
}

/* ---- the builder ---- */

static _Atomic uint64_t built[VG_ALERT__KINDS];

void vg_ab_init(struct vg_alert_builder *ab)
{
	vg_jb_init(&ab->jb);
	vg_jb_init(&ab->raw);
	vg_time_clock_init(&ab->clock);
}

void vg_ab_fini(struct vg_alert_builder *ab)
{
	vg_jb_free(&ab->jb);
	vg_jb_free(&ab->raw);
}

void vg_ab_begin(struct vg_alert_builder *ab, const char *hostname)
{
	vg_jb_reset(&ab->jb);
	if (ab->raw.len)
		vg_jb_reset(&ab->raw);
	vg_jb_obj_begin(&ab->jb);
	VG_JB_KEY(&ab->jb, "hostname");
	vg_ab_cstr(ab, hostname, "hostname", -1, NULL);
}

/* Only ever reached for a string that was not UTF-8: clean alerts never touch ab->raw. */
void vg_ab_note_raw(struct vg_alert_builder *ab, const char *s, size_t n, const char *p1, int idx,
		    const char *p2)
{
	char path[320];
	int len;

	ab->jb.replaced = false;
	if (idx >= 0)
		len = snprintf(path, sizeof(path), "%s[%d]%s", p1, idx, p2 ? p2 : "");
	else
		len = snprintf(path, sizeof(path), "%s%s", p1, p2 ? p2 : "");
	if (len < 0)
		return;
	if (!ab->raw.len)
		vg_jb_obj_begin(&ab->raw);
	vg_jb_key_n(&ab->raw, path, (size_t)len < sizeof(path) ? (size_t)len : sizeof(path) - 1);
	vg_jb_base64(&ab->raw, s, n);
}

void vg_ab_priority(struct vg_alert_builder *ab, enum vg_priority p)
{
	VG_JB_KEY(&ab->jb, "priority");
	vg_jb_cstr(&ab->jb, vg_priority_name(p));
}

void vg_ab_tags(struct vg_alert_builder *ab, const char *const *tags, size_t n)
{
	VG_JB_KEY(&ab->jb, "tags");
	vg_jb_arr_begin(&ab->jb);
	for (size_t i = 0; i < n; i++)
		vg_ab_cstr(ab, tags[i], "tags", (int)i, NULL);
	vg_jb_arr_end(&ab->jb);
}

void vg_ab_time(struct vg_alert_builder *ab, uint64_t wall_ns)
{
	char time[VG_TIME_MAX];
	size_t n = vg_time_format(&ab->clock, wall_ns, VG_TIME_UTC, time);

	VG_JB_KEY(&ab->jb, "time");
	vg_jb_str(&ab->jb, time, n);
}

void vg_ab_vigil_begin(struct vg_alert_builder *ab, const char *event_type)
{
	VG_JB_KEY(&ab->jb, "vigil");
	vg_jb_obj_begin(&ab->jb);
	VG_JB_KEY(&ab->jb, "event_type");
	vg_jb_cstr(&ab->jb, event_type);
}

bool vg_ab_end(struct vg_alert_builder *ab, enum vg_alert_kind kind)
{
	struct vg_jbuf *b = &ab->jb;

	if (ab->raw.len) {
		vg_jb_obj_end(&ab->raw);
		VG_JB_KEY(b, "raw");
		vg_jb_verbatim(b, ab->raw.s, ab->raw.len);
		if (ab->raw.oom)
			b->oom = true; /* a raw map cut short would lie: drop the alert */
	}
	vg_jb_obj_end(b); /* "vigil" */
	vg_jb_obj_end(b); /* the alert */
	if (b->oom)
		return false;
	if ((unsigned)kind < VG_ALERT__KINDS)
		atomic_fetch_add_explicit(&built[kind], 1, memory_order_relaxed);
	return true;
}

uint64_t vg_alerts_built(enum vg_alert_kind kind)
{
	return (unsigned)kind < VG_ALERT__KINDS
		       ? atomic_load_explicit(&built[kind], memory_order_relaxed)
		       : 0;
}

/* ---- vigil's own alerts ---- */

/* Falco's text shape: local time of day, the priority, the message; NULL on OOM. */
static char *internal_text(struct vg_alert_builder *ab, uint64_t wall_ns,
			   const struct vg_internal_alert *a)
{
	char prefix[VG_ALERT_PREFIX_MAX];
	size_t plen = vg_alert_text_prefix(&ab->clock, wall_ns, false, a->priority, prefix);
	size_t mlen = strlen(a->message);
	char *text = malloc(plen + mlen + 1);

	if (!text)
		return NULL;
	memcpy(text, prefix, plen);
	memcpy(text + plen, a->message, mlen + 1);
	return text;
}

int vg_alert_internal(struct vg_alert_builder *ab, const char *hostname, uint64_t wall_ns,
		      const struct vg_internal_alert *a, struct vg_alert_msg *m, char **text)
{
	const char *tags[] = {"vigil", a->tag};
	struct vg_jbuf *b = &ab->jb;

	if (!(*text = internal_text(ab, wall_ns, a)))
		return -1;
	vg_ab_begin(ab, hostname);
	VG_JB_KEY(b, "output");
	vg_ab_cstr(ab, *text, "output", -1, NULL);
	VG_JB_KEY(b, "output_fields");
	vg_jb_obj_begin(b);
	if (a->fields)
		a->fields(ab, a->fields_arg);
	vg_jb_obj_end(b);
	vg_ab_priority(ab, a->priority);
	VG_JB_KEY(b, "rule");
	vg_ab_cstr(ab, a->rule, "rule", -1, NULL);
	VG_JB_KEY(b, "source");
	vg_jb_cstr(b, "internal");
	vg_ab_tags(ab, tags, 2);
	vg_ab_time(ab, wall_ns);
	vg_ab_vigil_begin(ab, a->event_type);
	if (!vg_ab_end(ab, a->kind)) {
		free(*text);
		*text = NULL;
		return -1;
	}
	*m = (struct vg_alert_msg){
		.json = b->s,
		.json_len = b->len,
		.text = *text,
		.text_len = strlen(*text),
		.priority = (int)a->priority,
		.rule = a->rule,
	};
	return 0;
}
