// SPDX-License-Identifier: Apache-2.0
/*
 * Audit requests into events: a webhook body or a log line holds one
 * audit.k8s.io Event or an EventList; each Event becomes one vigil event
 * (its JSON, re-serialised compactly), stamped with the time the API server
 * gave it. The bytes come from the network: parsing is bounded in size (by
 * the caller) and in nesting (KA_MAX_DEPTH), and anything that is not an
 * Event is refused as a whole, before one event is queued.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "k8saudit.h"

json_object *ka_json_parse(const char *data, size_t len)
{
	json_tokener *tok;
	json_object *o;

	if (len > (size_t)INT32_MAX || !(tok = json_tokener_new_ex(KA_MAX_DEPTH)))
		return NULL;
	o = json_tokener_parse_ex(tok, data, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		/* incomplete (json_tokener_continue) or broken: not one JSON text */
		json_object_put(o);
		o = NULL;
	} else if (json_tokener_get_parse_end(tok) < len) {
		/* bytes after the value: only whitespace may follow */
		for (size_t i = json_tokener_get_parse_end(tok); o && i < len; i++)
			if (!isspace((unsigned char)data[i])) {
				json_object_put(o);
				o = NULL;
			}
	}
	json_tokener_free(tok);
	return o;
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" */
uint64_t ka_parse_time(const char *s)
{
	struct tm tm = {0};
	int64_t sec, frac = 0, scale = 1000000000, off = 0;
	const char *p;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return 0;
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	tm.tm_hour = digits(s + 11, 2);
	tm.tm_min = digits(s + 14, 2);
	tm.tm_sec = digits(s + 17, 2);
	if (tm.tm_year < 70 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 ||
	    tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60)
		return 0;
	p = s + 19;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
	}
	if (*p == '+' || *p == '-') {
		/* "+HH:MM" exactly: the length first, so nothing past the NUL is read */
		int h = strlen(p) == 6 && p[3] == ':' ? digits(p + 1, 2) : -1;
		int m = h >= 0 ? digits(p + 4, 2) : -1;

		if (h < 0 || m < 0)
			return 0;
		off = (*p == '-' ? -1 : 1) * (h * 3600 + m * 60);
	} else if (!((*p == 'Z' || *p == 'z') && !p[1])) {
		return 0;
	}
	sec = (int64_t)timegm(&tm) - off;
	return sec < 0 ? 0 : (uint64_t)sec * 1000000000u + (uint64_t)frac;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An audit Event: an object of kind Event (or without a kind, as log lines may be) with an auditID.
 */
static bool is_event(json_object *o)
{
	const char *kind;

	if (!json_object_is_type(o, json_type_object) || !str_of(o, "auditID"))
		return false;
	kind = str_of(o, "kind");
	return !kind || strcmp(kind, "Event") == 0;
}

static uint64_t event_time(json_object *ev)
{
	uint64_t t = ka_parse_time(str_of(ev, "stageTimestamp"));

	return t ? t : ka_parse_time(str_of(ev, "requestReceivedTimestamp"));
}

static bool push_one(const struct vg_plugin_host *host, json_object *ev)
{
	size_t len;
	const char *txt = json_object_to_json_string_length(
		ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	if (!txt)
		return false;
	if (len > VG_PLUGIN_MAX_EVENT) {
		/* vigil can never take it: retrying would block the sender forever */
		host->log(host->ctx, VG_PLUGIN_LOG_WARNING,
			  "an audit event over 1 MiB skipped (vigil's event limit)");
		return true;
	}
	return host->push(host->ctx, event_time(ev), txt, len) == 0;
}

/* The Events of root, checked whole before any is queued. */
static enum ka_parse_result events_of(json_object *root, json_object **items, size_t *n,
				      const char **msg)
{
	const char *kind =
		json_object_is_type(root, json_type_object) ? str_of(root, "kind") : NULL;

	if (kind && strcmp(kind, "EventList") == 0) {
		json_object *arr;

		if (!json_object_object_get_ex(root, "items", &arr) ||
		    !json_object_is_type(arr, json_type_array)) {
			*msg = "an EventList without an items array";
			return KA_WRONG_KIND;
		}
		*n = json_object_array_length(arr);
		for (size_t i = 0; i < *n; i++)
			if (!is_event(json_object_array_get_idx(arr, i))) {
				*msg = "an EventList item is not an audit Event (object with "
				       "auditID)";
				return KA_WRONG_KIND;
			}
		*items = arr;
		return KA_OK;
	}
	if (!is_event(root)) {
		*msg = "neither an audit.k8s.io EventList nor an Event (object with auditID)";
		return KA_WRONG_KIND;
	}
	*items = NULL;
	*n = 1;
	return KA_OK;
}

enum ka_parse_result ka_events_push(const struct vg_plugin_host *host, const char *data, size_t len,
				    size_t *queued, const char **msg)
{
	json_object *root = ka_json_parse(data, len), *items = NULL;
	enum ka_parse_result r;
	size_t n = 0;

	*queued = 0;
	if (!root) {
		*msg = "not a JSON text (or nested deeper than 64)";
		return KA_BAD_JSON;
	}
	r = events_of(root, &items, &n, msg);
	for (size_t i = 0; r == KA_OK && i < n; i++) {
		if (!push_one(host, items ? json_object_array_get_idx(items, i) : root)) {
			*msg = "vigil's event queue is full";
			r = KA_QUEUE_FULL;
			break;
		}
		(*queued)++;
	}
	json_object_put(root);
	return r;
}
