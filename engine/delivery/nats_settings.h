/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The nats_output settings (vigil.yaml's nats_output:, config_nats.c): the
 * cluster, the stream, TLS, credentials, time-outs, the spool. Apart from
 * outputs.h so that what talks to the cluster outside the outputs (the
 * fleet, nats_conn) needs nothing else of delivery.
 */
#ifndef VIGIL_DELIVERY_NATS_SETTINGS_H
#define VIGIL_DELIVERY_NATS_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_nats_settings {
	char **urls; /* seed servers: nats://host:port, tls://... */
	size_t n_urls;
	const char *subject_prefix;  /* default "vigil.alerts" */
	const char *stream;	     /* default "VIGIL_ALERTS" */
	bool create_stream;	     /* create the stream when it is missing */
	uint32_t replicas;	     /* of a stream vigil creates; default 1 */
	uint32_t duplicate_window_s; /* of a stream vigil creates; default 120 */
	const char *host;	     /* the host token of subjects and ids; default hostname */
	bool tls;
	const char *ca_file;
	const char *cert_file;
	const char *key_file;
	const char *user;
	const char *password;
	const char *token;
	const char *nkey; /* the public NKey (U...) of nkey_seed_file */
	const char *nkey_seed_file;
	const char *creds_file;
	uint32_t connect_timeout_ms;	/* default 2000 */
	uint32_t ack_timeout_ms;	/* publish to ack; default 5000 */
	uint32_t reconnect_wait_ms;	/* first reconnect delay; default 250 */
	uint32_t reconnect_max_wait_ms; /* back-off cap; default 10000 */
	const char *spool_dir;		/* "" = no spool */
	uint64_t spool_max_bytes;	/* default 256 MiB */
	uint32_t spool_max_age_s;	/* 0 = no age bound */
};

#endif
