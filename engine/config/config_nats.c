// SPDX-License-Identifier: Apache-2.0
/*
 * nats_output and fleet: the keys of the NATS JetStream output
 * (the nats plugin, plugins/nats) and of the fleet's rules and heartbeats
 * (fleet/fleet.c), their defaults and their freeing. Apart from the other
 * outputs' sections because these two belong together and to the fleet.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_table.h"

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -1;
}

/* Subject tokens: letters, digits, '_' and '-', separated by single dots. */
static const char *check_subject_prefix(const void *v)
{
	const char *s = *(const char *const *)v;
	bool start = true;

	if (!s || !*s)
		return NULL;
	for (; *s; s++) {
		if (*s == '.') {
			if (start)
				return "must be dot-separated tokens of letters, digits, '_' and "
				       "'-'";
			start = true;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return "must be dot-separated tokens of letters, digits, '_' and '-' "
			       "(no wildcards or spaces)";
		start = false;
	}
	return start ? "must not end with a dot" : NULL;
}

/* JetStream stream names: no '.', '*', '>', spaces or path separators. */
static const char *check_stream_name(const void *v)
{
	const char *s = *(const char *const *)v;

	for (; s && *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return "must be letters, digits, '_' and '-'";
	return NULL;
}

static const char *check_replicas(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n >= 1 && n <= 5 ? NULL : "must be 1 to 5 (JetStream's limit)";
}

#define NO(member) O(VG_OUTPUT_NATS, nats.member)
const struct vg_cfg_field vg_cfg_nats_fields[] = {
	COMMON(VG_OUTPUT_NATS),
	{"urls", F_STRLIST, NO(urls), NO(n_urls), .secret = true,
	 .doc = "seed servers: nats://host:4222, tls://host:4222 (user:password@ allowed)"},
	{"subject_prefix", F_STR, NO(subject_prefix), .check = check_subject_prefix,
	 .doc = "subjects are PREFIX.host.source.priority.rule"},
	{"stream", F_STR, NO(stream), .check = check_stream_name,
	 .doc = "the JetStream stream the alerts go to"},
	{"create_stream", F_BOOL, NO(create_stream),
	 .doc = "create the stream (subjects PREFIX.>) when it does not exist"},
	{"replicas", F_U32, NO(replicas), .check = check_replicas,
	 .doc = "replicas of the stream vigil creates"},
	{"duplicate_window_s", F_U32, NO(duplicate_window_s), .check = vg_cfg_check_positive_u32,
	 .doc = "the created stream's duplicate window: retries within it are stored once"},
	{"host", F_STR, NO(host),
	 .doc = "the host token of subjects; default: the alert's hostname"},
	{"tls", F_BOOL, NO(tls), .doc = "require TLS"},
	{"ca_file", F_STR, NO(ca_file),
	 .doc = "CA certificates (PEM) the servers are checked with"},
	{"cert_file", F_STR, NO(cert_file), .doc = "client certificate (PEM), with key_file"},
	{"key_file", F_STR, NO(key_file), .doc = "the client certificate's key (PEM)"},
	{"user", F_STR, NO(user), .doc = "user name (with password)"},
	{"password", F_STR, NO(password), .secret = true, .doc = "never printed"},
	{"token", F_STR, NO(token), .secret = true, .doc = "authentication token; never printed"},
	{"nkey", F_STR, NO(nkey), .doc = "public NKey (U...) of nkey_seed_file"},
	{"nkey_seed_file", F_STR, NO(nkey_seed_file), .doc = "file holding the NKey seed"},
	{"creds_file", F_STR, NO(creds_file), .doc = "a .creds file (user JWT and seed)"},
	{"connect_timeout_ms", F_U32, NO(connect_timeout_ms), .check = vg_cfg_check_positive_u32,
	 .doc = "one connection attempt"},
	{"ack_timeout_ms", F_U32, NO(ack_timeout_ms), .check = vg_cfg_check_positive_u32,
	 .doc = "publish to acknowledgement; longer is a failure (then: the spool)"},
	{"reconnect_wait_ms", F_U32, NO(reconnect_wait_ms), .check = vg_cfg_check_positive_u32,
	 .doc = "first reconnect delay, doubling per round of the seeds"},
	{"reconnect_max_wait_ms", F_U32, NO(reconnect_max_wait_ms),
	 .check = vg_cfg_check_positive_u32, .doc = "reconnect back-off cap"},
	{"spool_dir", F_STR, NO(spool_dir), .check = vg_cfg_check_abs_path,
	 .doc = "on-disk spool for when the cluster is away; \"\" = none"},
	{"spool_max_bytes", F_SIZE, NO(spool_max_bytes),
	 .doc = "spool bound; the oldest alerts go first (counted)"},
	{"spool_max_age_s", F_U32, NO(spool_max_age_s),
	 .doc = "spooled alerts older than this are dropped (counted); 0 = no bound"},
	{0},
};
#undef NO

static const char *check_kv_token(const void *v)
{
	const char *s = *(const char *const *)v;

	for (; s && *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return "must be letters, digits, '_' and '-'";
	return NULL;
}

const struct vg_cfg_field vg_cfg_fleet_fields[] = {
	{"enabled", F_BOOL, C(fleet.enabled),
	 .doc = "take rules from the fleet's key-value bucket (nats_output's servers)"},
	{"bucket", F_STR, C(fleet.bucket), .check = check_kv_token,
	 .doc = "the key-value bucket of rules"},
	{"name", F_STR, C(fleet.name), .check = check_kv_token,
	 .doc = "this fleet: key fleet.NAME"},
	{"group", F_STR, C(fleet.group), .check = check_kv_token,
	 .doc = "this host's group: key group.GROUP; \"\" = none"},
	{"host", F_STR, C(fleet.host), .check = check_kv_token,
	 .doc = "this host: key host.HOST; default nats_output.host, else the host name"},
	{"rules_dir", F_STR, C(fleet.rules_dir), .check = vg_cfg_check_abs_path,
	 .doc = "where the bucket's rules are written; list it in rules_files"},
	{"config_dir", F_STR, C(fleet.config_dir), .check = vg_cfg_check_abs_path,
	 .doc = "where the bucket's config overrides are written; list it in config_files"},
	{"status_bucket", F_STR, C(fleet.status_bucket), .check = check_kv_token,
	 .doc = "the key-value bucket of the hosts' heartbeats"},
	{"heartbeat_s", F_U32, C(fleet.heartbeat_s), .doc = "seconds between heartbeats; 0 = none"},
	{0},
};

int vg_cfg_nats_defaults(struct vg_config *c)
{
	struct vg_output_config *o = &c->outputs[VG_OUTPUT_NATS];
	int err = 0;

	err |= set_str((char **)&o->nats.subject_prefix, "vigil.alerts");
	err |= set_str((char **)&o->nats.stream, "VIGIL_ALERTS");
	o->nats.create_stream = true;
	o->nats.replicas = 1;
	o->nats.duplicate_window_s = 120;
	o->nats.connect_timeout_ms = 2000;
	o->nats.ack_timeout_ms = 5000;
	o->nats.reconnect_wait_ms = 250;
	o->nats.reconnect_max_wait_ms = 10000;
	o->nats.spool_max_bytes = 256ull << 20;
	o->nats.spool_max_age_s = 7 * 86400;
	/* an alert that cannot go anywhere keeps being retried: the spool is the bound */
	o->max_retries = UINT32_MAX;
	err |= set_str(&c->fleet.bucket, "vigil_rules");
	err |= set_str(&c->fleet.name, "default");
	err |= set_str(&c->fleet.rules_dir, "/var/lib/vigil/fleet-rules");
	err |= set_str(&c->fleet.config_dir, "/var/lib/vigil/fleet-config");
	err |= set_str(&c->fleet.status_bucket, "vigil_hosts");
	c->fleet.heartbeat_s = 10;
	return err;
}

void vg_cfg_nats_free(struct vg_config *c)
{
	struct vg_output_config *o = &c->outputs[VG_OUTPUT_NATS];
	const char *const strs[] = {
		o->nats.subject_prefix, o->nats.stream,		o->nats.host,
		o->nats.ca_file,	o->nats.cert_file,	o->nats.key_file,
		o->nats.user,		o->nats.password,	o->nats.token,
		o->nats.nkey,		o->nats.nkey_seed_file, o->nats.creds_file,
		o->nats.spool_dir,
	};

	vg_cfg_free_strlist(o->nats.urls, o->nats.n_urls);
	free(c->fleet.bucket);
	free(c->fleet.name);
	free(c->fleet.group);
	free(c->fleet.host);
	free(c->fleet.rules_dir);
	free(c->fleet.config_dir);
	free(c->fleet.status_bucket);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free((char *)strs[i]);
}
