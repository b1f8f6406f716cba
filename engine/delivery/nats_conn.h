/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The NATS connection settings of nats_output (seeds, TLS, credentials,
 * timeouts), for every part of vigil that talks to the cluster: the
 * output, and the fleet's rules follower and command.
 */
#ifndef VIGIL_DELIVERY_NATS_CONN_H
#define VIGIL_DELIVERY_NATS_CONN_H

#include <nats/nats.h>

#include "delivery/nats_settings.h"

/* Applies c's nats settings to op; name is the client's name. 0, or -1 said on stderr. */
int vg_nats_options(natsOptions *op, const struct vg_nats_settings *c, const char *name);

/* The URL with its secrets masked (delivery/redact.c, in this library too; outputs.h). */
char *vg_url_redact(const char *url, char *out, size_t cap);

#define VG_NATS_TOKEN_MAX 64

/*
 * One subject token from hostile text: [a-z0-9_-] kept (letters lowered),
 * every run of anything else one '_', at most VG_NATS_TOKEN_MAX bytes,
 * never empty. out holds VG_NATS_TOKEN_MAX + 1 bytes.
 */
void vg_nats_subject_token(const char *in, char *out);

#endif
