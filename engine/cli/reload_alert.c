// SPDX-License-Identifier: Apache-2.0
/*
 * vigil's internal alerts, in Falco's schema like every other: a failed
 * reload (the rules the SIEM expects are not the ones in force), and
 * whatever else vigil reports about itself through cli/internal_alert.h.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/internal_alert.h"
#include "cli/reload.h"
#include "delivery/outputs.h"
#include "rules/compile.h"

#define RELOAD_RULE "vigil rules reload failed"

static json_object *alert_json(const char *hostname, const char *text, uint64_t wall_ns,
			       const struct vg_internal_alert *a)
{
	time_t secs = (time_t)(wall_ns / 1000000000ull);
	json_object *o = json_object_new_object(), *tags = json_object_new_array();
	json_object *v = json_object_new_object();
	char date[32], ts[64];
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, sizeof(ts), "%s.%09lluZ", date, (unsigned long long)(wall_ns % 1000000000ull));
	json_object_array_add(tags, json_object_new_string("vigil"));
	json_object_array_add(tags, json_object_new_string(a->tag));
	json_object_object_add(v, "event_type", json_object_new_string(a->event_type));
	json_object_object_add(o, "hostname", json_object_new_string(hostname));
	json_object_object_add(o, "output", json_object_new_string(text));
	json_object_object_add(o, "output_fields",
			       a->fields ? a->fields : json_object_new_object());
	json_object_object_add(
		o, "priority",
		json_object_new_string(vg_priority_name((enum vg_priority)a->priority)));
	json_object_object_add(o, "rule", json_object_new_string(a->rule));
	json_object_object_add(o, "source", json_object_new_string("internal"));
	json_object_object_add(o, "tags", tags);
	json_object_object_add(o, "time", json_object_new_string(ts));
	json_object_object_add(o, "vigil", v);
	return o;
}

void vg_internal_alert_submit(struct vg_outputs *outs, const char *hostname, uint64_t wall_ns,
			      const struct vg_internal_alert *a)
{
	time_t secs = (time_t)(wall_ns / 1000000000ull);
	char *text = NULL;
	json_object *o;
	struct tm tm;

	if (!outs) {
		json_object_put(a->fields);
		return;
	}
	/* Falco's text shape: local time of day, the priority, the message */
	localtime_r(&secs, &tm);
	if (asprintf(&text, "%02d:%02d:%02d.%09llu: %s %s", tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (unsigned long long)(wall_ns % 1000000000ull),
		     vg_priority_name((enum vg_priority)a->priority), a->message) < 0) {
		json_object_put(a->fields);
		return;
	}
	o = alert_json(hostname, text, wall_ns, a);
	{
		const char *json = json_object_to_json_string_ext(
			o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		struct vg_alert_msg m = {
			.json = json,
			.json_len = strlen(json),
			.text = text,
			.text_len = strlen(text),
			.priority = a->priority,
			.rule = a->rule,
		};

		vg_outputs_submit(outs, &m);
	}
	json_object_put(o);
	free(text);
}

void vg_reload_failure_alert(struct vg_outputs *outs, const char *hostname, uint64_t wall_ns,
			     const char *reason, const char *error)
{
	json_object *f = json_object_new_object();
	char *msg = NULL;

	json_object_object_add(f, "vigil.reload.reason", json_object_new_string(reason));
	json_object_object_add(f, "vigil.reload.error", json_object_new_string(error));
	if (asprintf(&msg, "rules reload failed (%s), the previous rules stay in force: %s", reason,
		     error) < 0) {
		json_object_put(f);
		return;
	}
	vg_internal_alert_submit(outs, hostname, wall_ns,
				 &(struct vg_internal_alert){
					 .rule = RELOAD_RULE,
					 .priority = VG_PRIO_ERROR,
					 .message = msg,
					 .tag = "reload",
					 .event_type = "reload",
					 .fields = f,
				 });
	free(msg);
}
