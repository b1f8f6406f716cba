/* SPDX-License-Identifier: Apache-2.0 */
/*
 * k8saudit: Kubernetes audit events (audit.k8s.io/v1) as vigil's source
 * "k8s_audit", from the API server's audit webhook (HTTP or HTTPS) and/or a
 * followed audit log file, with the ka.* fields of Falco's k8saudit plugin.
 * What the files share.
 */
#ifndef K8SAUDIT_H
#define K8SAUDIT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include <vigil/plugin.h>

/* JSON nesting accepted in a request or a log line: audit events nest ~10 deep. */
#define KA_MAX_DEPTH	       64
#define KA_DEFAULT_MAX_REQUEST (10u << 20)

struct ka_config {
	char *listen_addr; /* "" or NULL: no webhook */
	uint16_t listen_port;
	char *webhook_path;		   /* "/k8s-audit" */
	char *tls_cert, *tls_key, *tls_ca; /* PEM files; ca: client certs required */
	size_t max_request;		   /* bytes of one webhook request body */
	char *log_file;			   /* "" or NULL: none */
	char *cluster_name;		   /* ka.cluster.name; NULL: missing */
};

struct ka_webhook;

struct ka_state {
	const struct vg_plugin_host *host;
	struct ka_config cfg;
	struct ka_webhook *web;
	pthread_t follower;
	bool following;
	atomic_bool stop;
	/* extract(): the last event parsed, kept until the next one */
	uint64_t parsed_num;
	json_object *parsed;
	/* extract(): values built per call (repositories, joined lists) */
	char *scratch[VG_PLUGIN_MAX_VALUES];
};

/* config.c: init_config (a JSON object) into cfg; -1 with a message. */
int ka_config_parse(struct ka_config *cfg, const char *json, char *err, size_t errlen);
void ka_config_free(struct ka_config *cfg);

/* events.c */
enum ka_parse_result {
	KA_OK,	       /* every event queued */
	KA_BAD_JSON,   /* not JSON, or nested too deep */
	KA_WRONG_KIND, /* JSON, but neither an Event nor an EventList */
	KA_QUEUE_FULL, /* vigil refused an event: the sender should retry */
};
/*
 * One request body or log line: an audit.k8s.io Event, or an EventList
 * whose items are Events; pushes each Event as one vigil event stamped
 * with its stageTimestamp (else requestReceivedTimestamp). *queued counts
 * the events pushed. msg: why, for a 4xx answer.
 */
enum ka_parse_result ka_events_push(const struct vg_plugin_host *host, const char *data, size_t len,
				    size_t *queued, const char **msg);
/* An RFC 3339 time ("2024-05-01T10:00:00.123456Z") as ns since the epoch; 0 when bad. */
uint64_t ka_parse_time(const char *s);

/* follow.c: the audit log follower thread (appends and rotation). */
int ka_follow_start(struct ka_state *s);
void ka_follow_stop(struct ka_state *s);

/* webhook.c: the libmicrohttpd server. */
int ka_webhook_start(struct ka_state *s, char *err, size_t errlen);
void ka_webhook_stop(struct ka_state *s);

/* fields.c */
extern const struct vg_plugin_field ka_fields[];
extern uint32_t ka_field_flags[]; /* filled by ka_fields_init() */
extern const uint32_t ka_nfields;
void ka_fields_init(void);
int ka_extract(void *state, uint32_t field, const char *arg, const struct vg_plugin_event *ev,
	       struct vg_plugin_value *out, uint32_t max);

/* A JSON text parsed with the depth bound; NULL when not JSON. */
json_object *ka_json_parse(const char *data, size_t len);

#endif
