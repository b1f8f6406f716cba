// SPDX-License-Identifier: Apache-2.0
/*
 * A failed reload as an alert, in Falco's schema like every other: the SIEM
 * that watches vigil's alerts learns that the rules it expects are not the
 * ones in force, which a log line on one node would not tell it.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/reload.h"
#include "outputs/outputs.h"

#define RELOAD_RULE "vigil rules reload failed"
#define PRIO_ERROR  3

static json_object *fields(const char *reason, const char *error)
{
	json_object *f = json_object_new_object();

	json_object_object_add(f, "vigil.reload.reason", json_object_new_string(reason));
	json_object_object_add(f, "vigil.reload.error", json_object_new_string(error));
	return f;
}

static json_object *alert_json(const char *hostname, const char *text, uint64_t wall_ns,
			       const char *reason, const char *error)
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
	json_object_array_add(tags, json_object_new_string("reload"));
	json_object_object_add(v, "event_type", json_object_new_string("reload"));
	json_object_object_add(o, "hostname", json_object_new_string(hostname));
	json_object_object_add(o, "output", json_object_new_string(text));
	json_object_object_add(o, "output_fields", fields(reason, error));
	json_object_object_add(o, "priority", json_object_new_string("Error"));
	json_object_object_add(o, "rule", json_object_new_string(RELOAD_RULE));
	json_object_object_add(o, "source", json_object_new_string("internal"));
	json_object_object_add(o, "tags", tags);
	json_object_object_add(o, "time", json_object_new_string(ts));
	json_object_object_add(o, "vigil", v);
	return o;
}

void vg_reload_failure_alert(struct vg_outputs *outs, const char *hostname, uint64_t wall_ns,
			     const char *reason, const char *error)
{
	time_t secs = (time_t)(wall_ns / 1000000000ull);
	char *text = NULL;
	json_object *o;
	struct tm tm;

	if (!outs)
		return;
	localtime_r(&secs, &tm);
	if (asprintf(&text,
		     "%02d:%02d:%02d.%09llu: Error rules reload failed (%s), the previous rules "
		     "stay in force: %s",
		     tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (unsigned long long)(wall_ns % 1000000000ull), reason, error) < 0)
		return;
	o = alert_json(hostname, text, wall_ns, reason, error);
	{
		const char *json = json_object_to_json_string_ext(
			o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		struct vg_alert_msg m = {
			.json = json,
			.json_len = strlen(json),
			.text = text,
			.text_len = strlen(text),
			.priority = PRIO_ERROR,
			.rule = RELOAD_RULE,
		};

		vg_outputs_submit(outs, &m);
	}
	json_object_put(o);
	free(text);
}
