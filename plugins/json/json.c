// SPDX-License-Identifier: Apache-2.0
/*
 * json: a field-only vigil plugin (include/vigil/plugin.h) reading the
 * events of every plugin source as JSON: json.value[/pointer] (an RFC 6901
 * JSON pointer), json.obj, json.rawtime, and Falco's older jevt.* aliases.
 * The names, types and meaning of Falco's json plugin 0.7, so rule files
 * written for it (k8s_audit_rules.yaml's jevt.*) run unchanged. Also the
 * example of a plugin with no source of its own: "*" in extract_sources.
 *
 * An event that is not one JSON text has every field missing. The parsed
 * event is kept until the next event, however many fields rules read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <vigil/plugin.h>

/* Nesting accepted: deeper events are not parsed (fields missing), not a crash. */
#define MAX_DEPTH 64

enum { F_VALUE, F_OBJ, F_RAWTIME, F_RAW, NBASE };

/* jevt.* (3 aliases) follow the json.* ones: field i >= NBASE is alias of i - NBASE. */
static const struct vg_plugin_field fields[] = {
	[F_VALUE] = {"json.value", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_REQUIRED,
		     "the value at a JSON pointer of the event, e.g. json.value[/user/name]; "
		     "objects and arrays as JSON text"},
	[F_OBJ] = {"json.obj", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE,
		   "the whole event as JSON text"},
	[F_RAWTIME] = {"json.rawtime", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE,
		       "the event's time in nanoseconds since the epoch, as evt.rawtime"},
	[F_RAW] = {"json.raw", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE,
		   "the event's bytes as they came (vigil's; not in Falco's json plugin)"},
	[NBASE + F_VALUE] = {"jevt.value", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_REQUIRED,
			     "alias of json.value (Falco's older name)"},
	[NBASE +
		F_OBJ] = {"jevt.obj", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE, "alias of json.obj"},
	[NBASE + F_RAWTIME] = {"jevt.rawtime", VG_PLUGIN_FT_STRING, VG_PLUGIN_ARG_NONE,
			       "alias of json.rawtime"},
};

static const char *const any_source[] = {"*", NULL};

struct state {
	uint64_t parsed_num;
	json_object *parsed;
	char rawtime[24];
};

static int p_init(const struct vg_plugin_host *host, const char *config, void **out, char *err,
		  size_t errlen)
{
	struct state *s;

	(void)host;
	if (config && *config && strcmp(config, "{}") != 0 && strcmp(config, "\"\"") != 0) {
		snprintf(err, errlen, "json takes no init_config (got '%.64s')", config);
		return -1;
	}
	if (!(s = calloc(1, sizeof(*s)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = s;
	return 0;
}

static void p_destroy(void *st)
{
	struct state *s = st;

	json_object_put(s->parsed);
	free(s);
}

/* The event as JSON, parsed once per event; NULL when it is not one JSON text. */
static json_object *parsed(struct state *s, const struct vg_plugin_event *ev)
{
	json_tokener *tok;

	if (s->parsed_num == ev->num && s->parsed_num)
		return s->parsed;
	json_object_put(s->parsed);
	s->parsed = NULL;
	s->parsed_num = ev->num;
	if (ev->len > INT32_MAX || !(tok = json_tokener_new_ex(MAX_DEPTH)))
		return NULL;
	s->parsed = json_tokener_parse_ex(tok, ev->data, (int)ev->len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(s->parsed);
		s->parsed = NULL;
	}
	json_tokener_free(tok);
	return s->parsed;
}

static int one(struct vg_plugin_value *out, const char *str, size_t len)
{
	out[0].str = str;
	out[0].len = (uint32_t)len;
	return 1;
}

static int p_extract(void *st, uint32_t field, const char *arg, const struct vg_plugin_event *ev,
		     struct vg_plugin_value *out, uint32_t max)
{
	struct state *s = st;
	json_object *root, *v = NULL;
	const char *str;

	if (max < 1 || field >= sizeof(fields) / sizeof(fields[0]))
		return 0;
	if (field >= NBASE)
		field -= NBASE;
	if (field == F_RAW)
		return one(out, ev->data, ev->len);
	if (!(root = parsed(s, ev)))
		return 0; /* not JSON: every field is missing */
	switch (field) {
	case F_RAWTIME:
		snprintf(s->rawtime, sizeof(s->rawtime), "%" PRIu64, ev->ts_ns);
		return one(out, s->rawtime, strlen(s->rawtime));
	case F_OBJ: return one(out, ev->data, ev->len);
	default: break;
	}
	if (!arg || json_pointer_get(root, arg, &v) != 0 || !v)
		return 0; /* nothing there: the field is missing */
	str = json_object_is_type(v, json_type_string)
		      ? json_object_get_string(v)
		      : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE);
	return one(out, str, strlen(str));
}

VG_PLUGIN_EXPORT int vigil_plugin_init(const struct vg_plugin_host *host,
				       struct vg_plugin_info *out)
{
	(void)host;
	*out = (struct vg_plugin_info){
		.api_major = VG_PLUGIN_API_MAJOR,
		.api_minor = VG_PLUGIN_API_MINOR,
		.name = "json",
		.version = "0.7.0",
		.description =
			"json.value[/pointer], json.obj, json.rawtime and the jevt.* aliases "
			"of any JSON event source",
		.fields = fields,
		.nfields = sizeof(fields) / sizeof(fields[0]),
		.extract_sources = any_source,
		.init = p_init,
		.destroy = p_destroy,
		.extract = p_extract,
	};
	return 0;
}
