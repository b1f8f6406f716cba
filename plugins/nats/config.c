// SPDX-License-Identifier: Apache-2.0
/*
 * The nats plugin's init_config: a JSON object with nats_output's keys
 * (docs/fleet.md), as vigil hands it over for vigil.yaml's nats_output:
 * or as a plugins: entry's init_config. Unknown keys and wrong types are
 * refused, naming the key: a typo must not silently fall back to a default.
 */
#include "nats_plugin.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ktype { K_STR, K_BOOL, K_U32, K_U64 };

struct key {
	const char *name;
	enum ktype type;
	size_t off;
};

#define S(m, t)                                                                                    \
	{                                                                                          \
#m, t, offsetof(struct vg_nats_settings, m)                                        \
	}
static const struct key keys[] = {
	S(subject_prefix, K_STR),
	S(stream, K_STR),
	S(create_stream, K_BOOL),
	S(replicas, K_U32),
	S(duplicate_window_s, K_U32),
	S(host, K_STR),
	S(tls, K_BOOL),
	S(ca_file, K_STR),
	S(cert_file, K_STR),
	S(key_file, K_STR),
	S(user, K_STR),
	S(password, K_STR),
	S(token, K_STR),
	S(nkey, K_STR),
	S(nkey_seed_file, K_STR),
	S(creds_file, K_STR),
	S(connect_timeout_ms, K_U32),
	S(ack_timeout_ms, K_U32),
	S(reconnect_wait_ms, K_U32),
	S(reconnect_max_wait_ms, K_U32),
	S(spool_dir, K_STR),
	S(spool_max_bytes, K_U64),
	S(spool_max_age_s, K_U32),
};
#undef S

static int set_key(struct vg_nats_settings *c, const struct key *k, json_object *v, char *err,
		   size_t errlen)
{
	char *at = (char *)c + k->off;
	int64_t n;

	switch (k->type) {
	case K_STR:
		if (!json_object_is_type(v, json_type_string))
			break;
		free(*(char **)at);
		*(char **)at = strdup(json_object_get_string(v));
		return *(char **)at ? 0 : (snprintf(err, errlen, "out of memory"), -1);
	case K_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			break;
		*(bool *)at = json_object_get_boolean(v);
		return 0;
	case K_U32:
	case K_U64:
		if (!json_object_is_type(v, json_type_int))
			break;
		n = json_object_get_int64(v);
		if (n < 0 || (k->type == K_U32 && n > (int64_t)UINT32_MAX)) {
			snprintf(err, errlen, "init_config: %s: %lld is out of range", k->name,
				 (long long)n);
			return -1;
		}
		if (k->type == K_U32)
			*(uint32_t *)at = (uint32_t)n;
		else
			*(uint64_t *)at = (uint64_t)n;
		return 0;
	}
	snprintf(err, errlen, "init_config: %s: expected %s", k->name,
		 k->type == K_STR    ? "a string"
		 : k->type == K_BOOL ? "true or false"
				     : "a number");
	return -1;
}

static int set_urls(struct vg_nats_settings *c, json_object *v, char *err, size_t errlen)
{
	size_t n;

	if (!json_object_is_type(v, json_type_array)) {
		snprintf(err, errlen, "init_config: urls: expected a list of URLs");
		return -1;
	}
	n = json_object_array_length(v);
	c->urls = calloc(n ? n : 1, sizeof(char *));
	if (!c->urls) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *u = json_object_array_get_idx(v, i);

		if (!json_object_is_type(u, json_type_string)) {
			snprintf(err, errlen, "init_config: urls[%zu]: expected a URL", i);
			return -1;
		}
		if (!(c->urls[c->n_urls] = strdup(json_object_get_string(u)))) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		c->n_urls++;
	}
	return 0;
}

static int set_one(struct vg_nats_settings *c, const char *name, json_object *v, char *err,
		   size_t errlen)
{
	if (strcmp(name, "urls") == 0)
		return c->urls ? (snprintf(err, errlen, "init_config: urls given twice"), -1)
			       : set_urls(c, v, err, errlen);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return set_key(c, &keys[i], v, err, errlen);
	snprintf(err, errlen, "init_config: unknown key '%.64s'", name);
	return -1;
}

static void defaults(struct vg_nats_settings *c)
{
	c->create_stream = true;
	c->replicas = 1;
	c->duplicate_window_s = 120;
	c->connect_timeout_ms = 2000;
	c->ack_timeout_ms = 5000;
	c->reconnect_wait_ms = 250;
	c->reconnect_max_wait_ms = 10000;
	c->spool_max_bytes = 256ull << 20;
	c->spool_max_age_s = 7 * 86400;
}

int vg_natsp_parse(struct vg_nats_settings *c, const char *text, char *err, size_t errlen)
{
	json_tokener *t = json_tokener_new();
	json_object *root;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	defaults(c);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	root = json_tokener_parse_ex(t, text, (int)strlen(text));
	if (!root || json_tokener_get_error(t) != json_tokener_success ||
	    !json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen,
			 "init_config must be an object with nats_output's keys (urls, stream, ...)"
			 " at offset %zu of its JSON",
			 json_tokener_get_parse_end(t));
		json_tokener_free(t);
		json_object_put(root);
		return -1;
	}
	json_tokener_free(t);
	json_object_object_foreach(root, name, v)
	{
		if (ret == 0)
			ret = set_one(c, name, v, err, errlen);
	}
	json_object_put(root);
	if (ret == 0 && !c->n_urls) {
		snprintf(err, errlen, "no server (nats_output.urls)");
		ret = -1;
	}
	return ret;
}

void vg_natsp_settings_free(struct vg_nats_settings *c)
{
	const char *const strs[] = {
		c->subject_prefix, c->stream,	  c->host,	c->ca_file, c->cert_file,
		c->key_file,	   c->user,	  c->password,	c->token,   c->nkey,
		c->nkey_seed_file, c->creds_file, c->spool_dir,
	};

	for (size_t i = 0; i < c->n_urls; i++)
		free(c->urls[i]);
	free(c->urls);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free((char *)strs[i]);
	memset(c, 0, sizeof(*c));
}
