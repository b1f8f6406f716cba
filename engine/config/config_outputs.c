// SPDX-License-Identifier: Apache-2.0
/*
 * The alert outputs' sections (stdout, file, syslog, http, program, the
 * shared queue bounds) with their checks, and Falco's append_output list.
 * Apart because an output's keys change with the output and nothing else
 * in the configuration does.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_table.h"

static const char *check_url(const void *v)
{
	const char *s = *(const char *const *)v;

	if (!s || !*s || !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8))
		return NULL;
	return "must be an http:// or https:// URL";
}

static const char *check_app_name(const void *v)
{
	const char *s = *(const char *const *)v;

	if (!s)
		return NULL;
	if (strlen(s) > 48)
		return "must be at most 48 characters (RFC 5424 APP-NAME)";
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return "must be printable ASCII without spaces (RFC 5424 APP-NAME)";
	return NULL;
}

static const char *check_batch_max(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n >= 1 && n <= 10000 ? NULL : "must be between 1 and 10000";
}

const char *vg_cfg_check_queue(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n <= 10000000 ? NULL : "must be at most 10000000";
}

/* An output's byte bound: 0 (= outputs_queue.max_bytes) or 64K .. 16G. */
const char *vg_cfg_check_queue_bytes_or_0(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return !n || (n >= (64u << 10) && n <= (16ull << 30))
		       ? NULL
		       : "must be 0 (outputs_queue.max_bytes) or between 64K and 16G";
}

static const char *check_queue_bytes(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return n >= (64u << 10) && n <= (16ull << 30) ? NULL : "must be between 64K and 16G";
}

static const char *check_total_bytes(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return n >= (64u << 10) && n <= (64ull << 30) ? NULL : "must be between 64K and 64G";
}

static const char *check_alert_bytes(const void *v)
{
	uint64_t n = *(const uint64_t *)v;

	return n >= (4u << 10) && n <= (256u << 20) ? NULL : "must be between 4K and 256M";
}

static const char *check_drain_ms(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	return n >= 1 && n <= 600000 ? NULL : "must be between 1 and 600000 (10 minutes)";
}

/* Alerts carry command lines: owner read-write, the group at most, never the world. */
static const char *check_file_mode(const void *v)
{
	uint32_t n = *(const uint32_t *)v;

	if ((n & ~0660u) || (n & 0600u) != 0600u)
		return "must be an octal mode with a leading 0: 0600, 0640, 0620 or 0660 "
		       "(never world-readable, no execute bits)";
	return NULL;
}

const struct vg_cfg_field vg_cfg_stdout_fields[] = {
	COMMON(VG_OUTPUT_STDOUT),
	{0},
};

const struct vg_cfg_field vg_cfg_file_fields[] = {
	COMMON(VG_OUTPUT_FILE),
	{"filename", F_STR, O(VG_OUTPUT_FILE, file.path), .doc = "appended to"},
	{"max_size", F_SIZE, O(VG_OUTPUT_FILE, file.max_bytes),
	 .doc = "rotate before a line would make it bigger; 0 = never"},
	{"keep", F_U32, O(VG_OUTPUT_FILE, file.keep),
	 .doc = "rotated files kept: FILE.1 .. FILE.N"},
	{"mode", F_MODE, O(VG_OUTPUT_FILE, file.mode), .check = check_file_mode,
	 .doc = "permissions of the alert files (octal, 0600 or 0640)"},
	{"keep_alive", F_BOOL, C(file_keep_alive), .doc = "Falco's; vigil always keeps it open"},
	{0},
};

const struct vg_cfg_field vg_cfg_syslog_fields[] = {
	COMMON(VG_OUTPUT_SYSLOG),
	{"transport", F_ENUM, O(VG_OUTPUT_SYSLOG, syslog.transport), .names = vg_cfg_transports,
	 .doc = "unix (the local socket), udp, or tcp (octet counting)"},
	{"address", F_STR, O(VG_OUTPUT_SYSLOG, syslog.address),
	 .doc = "socket path (unix), or host[:port]; empty: /dev/log or 127.0.0.1"},
	{"port", F_PORT, O(VG_OUTPUT_SYSLOG, syslog.port), .doc = "udp/tcp port"},
	{"facility", F_FACILITY, O(VG_OUTPUT_SYSLOG, syslog.facility),
	 .doc = "user, daemon, auth, local0..local7, ..."},
	{"app_name", F_STR, O(VG_OUTPUT_SYSLOG, syslog.app_name), .check = check_app_name,
	 .doc = "RFC 5424 APP-NAME"},
	{"timeout_ms", F_U32, O(VG_OUTPUT_SYSLOG, syslog.timeout_ms),
	 .check = vg_cfg_check_positive_u32, .doc = "connect and send timeout"},
	{0},
};

const struct vg_cfg_field vg_cfg_http_fields[] = {
	COMMON(VG_OUTPUT_HTTP),
	{"url", F_STR, O(VG_OUTPUT_HTTP, http.url), .check = check_url,
	 .doc = "where alerts are POSTed (falcosidekick: http://host:2801/)"},
	{"user_agent", F_STR, O(VG_OUTPUT_HTTP, http.user_agent), .doc = "default vigil/VERSION"},
	{"headers", F_HEADERS, O(VG_OUTPUT_HTTP, http.headers), O(VG_OUTPUT_HTTP, http.n_headers),
	 .doc = "extra request headers, name: value"},
	{"bearer_token", F_STR, O(VG_OUTPUT_HTTP, http.bearer_token),
	 .doc = "sent as Authorization: Bearer TOKEN"},
	{"basic_auth", F_STR, O(VG_OUTPUT_HTTP, http.basic_auth), .doc = "user:password"},
	{"ca_cert", F_STR, O(VG_OUTPUT_HTTP, http.ca_file), .doc = "CA bundle file for TLS"},
	{"ca_bundle", F_STR, O(VG_OUTPUT_HTTP, http.ca_bundle),
	 .doc = "CA bundle file, used when ca_cert is not set (Falco's)"},
	{"ca_path", F_STR, O(VG_OUTPUT_HTTP, http.ca_path), .doc = "directory of CA certificates"},
	{"insecure", F_BOOL, O(VG_OUTPUT_HTTP, http.insecure),
	 .doc = "skip TLS certificate checks (testing only)"},
	{"mtls", F_BOOL, O(VG_OUTPUT_HTTP, http.mtls),
	 .doc = "present client_cert and client_key to the server (mutual TLS)"},
	{"client_cert", F_STR, O(VG_OUTPUT_HTTP, http.client_cert),
	 .doc = "mtls: client certificate, PEM"},
	{"client_key", F_STR, O(VG_OUTPUT_HTTP, http.client_key), .doc = "mtls: its key, PEM"},
	{"echo", F_BOOL, O(VG_OUTPUT_HTTP, http.echo),
	 .doc = "write the body of every reply to stdout"},
	{"compress_uploads", F_BOOL, O(VG_OUTPUT_HTTP, http.compress),
	 .doc = "gzip the request body (Content-Encoding: gzip)"},
	{"keep_alive", F_BOOL, O(VG_OUTPUT_HTTP, http.keep_alive),
	 .doc = "reuse the connection; false: a new connection for every request"},
	NOEFF("max_consecutive_timeouts", N_NUM, "5",
	      "vigil retries with back-off (retry_*_ms, max_retries) and counts what it drops"),
	{"batch", F_ENUM, O(VG_OUTPUT_HTTP, http.batch), .names = vg_cfg_batches,
	 .doc = "none (one alert per POST), array (JSON array), ndjson"},
	{"batch_max", F_U32, O(VG_OUTPUT_HTTP, http.batch_max), .check = check_batch_max,
	 .doc = "alerts per POST at most when batching"},
	{"timeout_ms", F_U32, O(VG_OUTPUT_HTTP, http.timeout_ms),
	 .check = vg_cfg_check_positive_u32, .doc = "whole-request timeout"},
	{0},
};

const struct vg_cfg_field vg_cfg_program_fields[] = {
	COMMON(VG_OUTPUT_PROGRAM),
	{"program", F_STR, O(VG_OUTPUT_PROGRAM, program.command),
	 .doc = "shell command; each alert is a line on its stdin"},
	{"keep_alive", F_BOOL, C(program_keep_alive),
	 .doc = "Falco's; vigil always keeps the command running"},
	{0},
};

const struct vg_cfg_field vg_cfg_queue_fields[] = {
	{"capacity", F_U32, C(outputs_queue_size),
	 .doc = "default queue bound of every output, in alerts; 0 (Falco: unbounded): 4096"},
	{"max_bytes", F_SIZE, C(outputs_queue_bytes), .check = check_queue_bytes,
	 .doc = "default queue bound of every output, in bytes"},
	{"total_max_bytes", F_SIZE, C(outputs_total_bytes), .check = check_total_bytes,
	 .doc = "bytes of alerts queued in all outputs together at most"},
	{"max_alert_bytes", F_SIZE, C(outputs_max_alert_bytes), .check = check_alert_bytes,
	 .doc = "a bigger alert is refused by every output and counted (oversize)"},
	{"shutdown_drain_ms", F_U32, C(outputs_drain_ms), .check = check_drain_ms,
	 .doc = "at SIGINT/SIGTERM, time given to deliver what is queued"},
	{0},
};

/* --- applying ------------------------------------------------------------- */

/* --- append_output (Falco >= 0.39) ----------------------------------------- */

static int dup_env_str(struct vg_cfg_loader *ld, const yaml_node_t *n, const char *what, char **out)
{
	if (vg_cfg_want_scalar(ld, n, what))
		return -1;
	free(*out);
	*out = NULL;
	return vg_cfg_dup_str(ld, n,
			      out); /* ${NAME} already expanded, for every scalar of the file */
}

void vg_cfg_free_appends(struct vg_append_output *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].source);
		free(a[i].rule);
		vg_cfg_free_strlist(a[i].tags, a[i].ntags);
		free(a[i].extra_output);
		for (size_t k = 0; k < a[i].nfields; k++) {
			free(a[i].fields[k].key);
			free(a[i].fields[k].format);
		}
		free(a[i].fields);
	}
	free(a);
}

/* match: {source, rule, tags}: every one given must hold. */
static int parse_append_match(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			      struct vg_append_output *a)
{
	if (vg_cfg_is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return vg_cfg_fail_node(ld, n,
					"match: expected a mapping of source, rule, tags; got %s",
					vg_cfg_node_kind(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *key = k->type == YAML_SCALAR_NODE ? vg_cfg_scalar(k) : "";
		int rc;

		if (!strcmp(key, "source"))
			rc = dup_env_str(ld, v, "a source name", &a->source);
		else if (!strcmp(key, "rule"))
			rc = dup_env_str(ld, v, "a rule name", &a->rule);
		else if (!strcmp(key, "tags"))
			rc = vg_cfg_parse_strlist(ld, doc, v, &a->tags, &a->ntags);
		else
			rc = vg_cfg_fail_node(
				ld, k, "unknown key in match: expected source, rule or tags");
		if (rc)
			return -1;
	}
	return 0;
}

/* extra_fields: each a field name, or a one-key mapping "name: format". */
static int parse_append_fields(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			       struct vg_append_output *a)
{
	if (vg_cfg_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return vg_cfg_fail_node(ld, n, "extra_fields: expected a list, got %s",
					vg_cfg_node_kind(n));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = vg_cfg_item(doc, it);
		struct vg_append_field *f = realloc(a->fields, (a->nfields + 1) * sizeof(*f));

		if (!f)
			return vg_cfg_fail_node(ld, e, "out of memory");
		a->fields = f;
		f = &a->fields[a->nfields];
		memset(f, 0, sizeof(*f));
		if (e->type == YAML_SCALAR_NODE && !vg_cfg_is_null(e)) {
			if (vg_cfg_dup_str(ld, e, &f->key))
				return -1;
		} else if (e->type == YAML_MAPPING_NODE &&
			   e->data.mapping.pairs.top - e->data.mapping.pairs.start == 1) {
			yaml_node_t *k =
				yaml_document_get_node(doc, e->data.mapping.pairs.start->key);
			yaml_node_t *v =
				yaml_document_get_node(doc, e->data.mapping.pairs.start->value);

			a->nfields++; /* owned from here on: freed on failure too */
			if (vg_cfg_want_scalar(ld, k, "a field name") ||
			    vg_cfg_dup_str(ld, k, &f->key) ||
			    dup_env_str(ld, v, "an output format", &f->format))
				return -1;
			continue;
		} else {
			return vg_cfg_fail_node(
				ld, e, "each extra field is a field name or 'name: format'");
		}
		a->nfields++;
	}
	return 0;
}

/* One entry: match, extra_output, extra_fields, suggested_output. */
static int parse_append_entry(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *e,
			      struct vg_append_output *a)
{
	if (e->type != YAML_MAPPING_NODE)
		return vg_cfg_fail_node(
			ld, e,
			"each append_output entry is a mapping (match, extra_output, "
			"extra_fields, suggested_output), got %s",
			vg_cfg_node_kind(e));
	for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *key = k->type == YAML_SCALAR_NODE ? vg_cfg_scalar(k) : "";
		int rc;

		if (!strcmp(key, "match"))
			rc = parse_append_match(ld, doc, v, a);
		else if (!strcmp(key, "extra_output"))
			rc = dup_env_str(ld, v, "an output format", &a->extra_output);
		else if (!strcmp(key, "extra_fields"))
			rc = parse_append_fields(ld, doc, v, a);
		else if (!strcmp(key, "suggested_output"))
			rc = vg_cfg_parse_bool(ld, v, &a->suggested_output);
		else
			rc = vg_cfg_fail_node(
				ld, k,
				"unknown key: expected match, extra_output, extra_fields or "
				"suggested_output");
		if (rc)
			return -1;
	}
	return 0;
}

int vg_cfg_parse_append(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			struct vg_append_output **out, size_t *count)
{
	struct vg_append_output *l = NULL;
	size_t nl = 0;

	if (!vg_cfg_is_null(n) && n->type != YAML_SEQUENCE_NODE)
		return vg_cfg_fail_node(ld, n, "expected a list of append_output entries, got %s",
					vg_cfg_node_kind(n));
	for (yaml_node_item_t *it = vg_cfg_is_null(n) ? NULL : n->data.sequence.items.start;
	     it && it < n->data.sequence.items.top; it++) {
		struct vg_append_output *g = realloc(l, (nl + 1) * sizeof(*g));

		if (!g) {
			vg_cfg_free_appends(l, nl);
			return vg_cfg_fail_node(ld, n, "out of memory");
		}
		l = g;
		memset(&l[nl], 0, sizeof(l[nl]));
		if (parse_append_entry(ld, doc, vg_cfg_item(doc, it), &l[nl++])) {
			vg_cfg_free_appends(l, nl);
			return -1;
		}
	}
	vg_cfg_free_appends(*out, *count);
	*out = l;
	*count = nl;
	return 0;
}

/* config_files' append: the selectors of an included file come after the others */
int vg_cfg_append_rulesel(struct vg_cfg_loader *ld, yaml_document_t *doc, yaml_node_t *n,
			  struct vg_rule_selector **sel, size_t *count)
{
	struct vg_rule_selector *more = NULL, *all;
	size_t nmore = 0;

	if (vg_cfg_parse_rulesel(ld, doc, n, &more, &nmore))
		return -1;
	all = realloc(*sel, (*count + nmore + 1) * sizeof(*all));
	if (!all) {
		vg_cfg_free_selectors(more, nmore);
		return vg_cfg_fail_node(ld, n, "out of memory");
	}
	if (nmore) /* rules: [] has none (and no array to copy from) */
		memcpy(all + *count, more, nmore * sizeof(*more));
	free(more);
	*sel = all;
	*count += nmore;
	return 0;
}
